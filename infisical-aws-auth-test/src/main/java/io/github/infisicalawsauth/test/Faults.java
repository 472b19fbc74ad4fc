package io.github.infisicalawsauth.test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Faults registered per path prefix.
 *
 * @author Infisical AWS Auth contributors
 */
final class Faults {

	private final Map<String, Deque<Fault>> queued = new LinkedHashMap<>();

	private final Map<String, Fault> permanent = new LinkedHashMap<>();

	synchronized void enqueue(String pathPrefix, List<Fault> faults) {
		this.queued.computeIfAbsent(pathPrefix, (key) -> new ArrayDeque<>()).addAll(faults);
	}

	synchronized void always(String pathPrefix, Fault fault) {
		this.permanent.put(pathPrefix, fault);
	}

	synchronized void clear() {
		this.queued.clear();
		this.permanent.clear();
	}

	/**
	 * Take the fault for a request.
	 * @param path the request path
	 * @return the next queued fault for the path, else its permanent fault, else
	 * {@code null}
	 */
	synchronized @Nullable Fault next(String path) {
		for (Map.Entry<String, Deque<Fault>> entry : this.queued.entrySet()) {
			if (path.startsWith(entry.getKey()) && !entry.getValue().isEmpty()) {
				return entry.getValue().poll();
			}
		}
		for (Map.Entry<String, Fault> entry : this.permanent.entrySet()) {
			if (path.startsWith(entry.getKey())) {
				return entry.getValue();
			}
		}
		return null;
	}

}
