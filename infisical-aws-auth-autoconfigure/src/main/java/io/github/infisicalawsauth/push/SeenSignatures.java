package io.github.infisicalawsauth.push;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The signatures of the notices accepted lately, each until its notice would be refused
 * as stale anyway. None is forgotten before then unless the memory is full; then the one
 * whose notice turns stale first goes, which leaves the shortest time for a replay. A
 * notice that would itself be that one is not taken at all: remembered for no time, it
 * could be replayed at will until it turns stale.
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
	 * @return whether the signature is new and now remembered
	 */
	synchronized Added add(String signature, Instant until, Instant now) {
		forgetExpired(now);
		if (this.seen.containsKey(signature)) {
			return Added.SEEN_BEFORE;
		}
		if (this.seen.size() >= this.capacity) {
			Map.Entry<String, Instant> first = firstToTurnStale();
			if (!until.isAfter(first.getValue())) {
				return Added.NO_ROOM;
			}
			this.seen.remove(first.getKey());
		}
		this.seen.put(signature, until);
		return Added.YES;
	}

	synchronized int size() {
		return this.seen.size();
	}

	// a notice's timestamp may lie ahead of this host's clock: the order of acceptance is
	// not the order of turning stale
	private Map.Entry<String, Instant> firstToTurnStale() {
		// the first of equals, the one accepted first
		return Collections.min(this.seen.entrySet(), Map.Entry.comparingByValue());
	}

	private void forgetExpired(Instant now) {
		// at most the capacity to look at, and only when a notice was verified
		this.seen.values().removeIf((until) -> until.isBefore(now));
	}

	/**
	 * What {@link #add} did.
	 */
	enum Added {

		/** The signature is new and remembered. */
		YES,

		/** The signature is remembered already: a replay. */
		SEEN_BEFORE,

		/**
		 * The memory is full of signatures that stay valid longer than this one would.
		 */
		NO_ROOM

	}

}
