package io.github.infisicalawsauth.autoconfigure.config;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * How the reads of one imported location went: when it was last read successfully, since
 * when its answer is unchanged, and how the last attempt ended. Kept across context
 * refreshes; holds no secret value.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class InfisicalReadStatus {

	private final Clock clock;

	private volatile @Nullable Instant lastSuccessAt;

	private volatile @Nullable Instant unchangedSince;

	private volatile @Nullable String etag;

	private volatile @Nullable Instant lastAttemptAt;

	private volatile Outcome lastOutcome = Outcome.NOT_READ;

	private volatile @Nullable String lastFailure;

	private final Set<String> channels = new ConcurrentSkipListSet<>();

	private volatile @Nullable Instant lastNoticeAt;

	private volatile @Nullable String lastNoticeChannel;

	InfisicalReadStatus(Clock clock) {
		this.clock = clock;
	}

	void succeeded(SecretsSnapshot snapshot, boolean changed) {
		Instant now = this.clock.instant();
		if (this.unchangedSince == null || !Objects.equals(this.etag, snapshot.getEtag()) || changed) {
			this.unchangedSince = now;
		}
		this.etag = snapshot.getEtag();
		this.lastSuccessAt = now;
		this.lastAttemptAt = now;
		this.lastOutcome = changed ? Outcome.CHANGED : Outcome.UNCHANGED;
		this.lastFailure = null;
	}

	void channel(String channel, boolean active) {
		if (active) {
			this.channels.add(channel);
		}
		else {
			this.channels.remove(channel);
		}
	}

	void noticed(String channel) {
		this.lastNoticeAt = this.clock.instant();
		this.lastNoticeChannel = channel;
	}

	void failed(InfisicalException failure) {
		this.lastAttemptAt = this.clock.instant();
		this.lastOutcome = Outcome.FAILED;
		this.lastFailure = failure.getMessage();
	}

	/**
	 * Return when the location was last read successfully (a {@code 304} counts).
	 * @return the time, or {@code null} if never
	 */
	public @Nullable Instant getLastSuccessAt() {
		return this.lastSuccessAt;
	}

	/**
	 * Return since when the answer (its {@code ETag}) is unchanged.
	 * @return the time, or {@code null} if never read
	 */
	public @Nullable Instant getUnchangedSince() {
		return this.unchangedSince;
	}

	/**
	 * Return when the location was last read or polled, successfully or not.
	 * @return the time, or {@code null} if never
	 */
	public @Nullable Instant getLastAttemptAt() {
		return this.lastAttemptAt;
	}

	/**
	 * Return how the last read or poll ended.
	 * @return the outcome
	 */
	public Outcome getLastOutcome() {
		return this.lastOutcome;
	}

	/**
	 * Return how changes reach this location: {@code polling}, {@code webhook},
	 * {@code bus}, {@code stream}.
	 * @return the channels in use, sorted
	 */
	public Set<String> getChannels() {
		return Set.copyOf(this.channels);
	}

	/**
	 * Return when a notice of a change last arrived for this location.
	 * @return the time, or {@code null} if none did
	 */
	public @Nullable Instant getLastNoticeAt() {
		return this.lastNoticeAt;
	}

	/**
	 * Return where the last notice of a change came from.
	 * @return the channel, or {@code null} if none arrived
	 */
	public @Nullable String getLastNoticeChannel() {
		return this.lastNoticeChannel;
	}

	/**
	 * Return why the last read or poll failed.
	 * @return the message, holding no secret, or {@code null} if it did not fail
	 */
	public @Nullable String getLastFailure() {
		return this.lastFailure;
	}

	@Override
	public String toString() {
		return "InfisicalReadStatus[lastOutcome=" + this.lastOutcome + ", lastSuccessAt=" + this.lastSuccessAt
				+ ", unchangedSince=" + this.unchangedSince + "]";
	}

	/**
	 * How a read or poll ended.
	 */
	public enum Outcome {

		/**
		 * Not read yet.
		 */
		NOT_READ,

		/**
		 * Read; the secrets are the same as before (or read for the first time).
		 */
		UNCHANGED,

		/**
		 * Read; the secrets changed.
		 */
		CHANGED,

		/**
		 * The read failed; the last good values are kept.
		 */
		FAILED

	}

}
