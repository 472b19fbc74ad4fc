package io.github.infisicalawsauth.push;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The signatures of the notices accepted lately, each until its notice would be refused
 * as stale anyway. None is forgotten before then unless the memory is full; then the one
 * whose notice turns stale first goes, which leaves the shortest time for a replay.
 *
 * @author Infisical AWS Auth contributors
 */
final class SeenSignatures {

	private final int capacity;

	// signature -> until when it is remembered, in the order accepted
	private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();

	SeenSignatures(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("'capacity' must be positive");
		}
		this.capacity = capacity;
	}

	/**
	 * Remember a signature unless it is remembered already.
	 * @param signature the signature
	 * @param until until when to remember it
	 * @param now the current time
	 * @return {@code false} if the signature was seen before
	 */
	synchronized boolean add(String signature, Instant until, Instant now) {
		forgetExpired(now);
		if (this.seen.containsKey(signature)) {
			return false;
		}
		this.seen.put(signature, until);
		if (this.seen.size() > this.capacity) {
			forgetFirstToTurnStale();
		}
		return true;
	}

	synchronized int size() {
		return this.seen.size();
	}

	// a notice's timestamp may lie ahead of this host's clock: the order of acceptance is
	// not the order of turning stale
	private void forgetFirstToTurnStale() {
		// the first of equals, the one accepted first
		this.seen.remove(Collections.min(this.seen.entrySet(), Map.Entry.comparingByValue()).getKey());
	}

	private void forgetExpired(Instant now) {
		// at most the capacity to look at, and only when a notice was verified
		this.seen.values().removeIf((until) -> until.isBefore(now));
	}

}
