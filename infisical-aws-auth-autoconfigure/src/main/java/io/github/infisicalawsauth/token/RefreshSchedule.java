package io.github.infisicalawsauth.token;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongConsumer;

import org.jspecify.annotations.Nullable;

import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.TaskScheduler;

/**
 * The next refresh and the next drop of a token provider, on a {@link TaskScheduler}.
 * Each scheduled refresh carries an id, so that one overtaken by a later schedule (its
 * cancellation came too late) does nothing when it runs. Not thread-safe: the provider
 * calls it with its monitor held.
 *
 * @author Infisical AWS Auth contributors
 */
final class RefreshSchedule {

	private final TaskScheduler scheduler;

	private final LongConsumer refresh;

	private @Nullable ScheduledFuture<?> next;

	private @Nullable Instant nextAt;

	private long id;

	private @Nullable ScheduledFuture<?> drop;

	/**
	 * Create a schedule.
	 * @param scheduler the scheduler
	 * @param refresh the refresh, given the id of its schedule
	 */
	RefreshSchedule(TaskScheduler scheduler, LongConsumer refresh) {
		this.scheduler = scheduler;
		this.refresh = refresh;
	}

	/**
	 * Refresh at the given time instead of any time scheduled before.
	 * @param at the time
	 */
	void refreshAt(Instant at) {
		cancel(this.next);
		long scheduled = ++this.id;
		this.nextAt = at;
		this.next = schedule(() -> this.refresh.accept(scheduled), at);
	}

	/**
	 * Refresh at the given time unless a refresh is already scheduled no later.
	 * @param at the time
	 */
	void refreshNoLaterThan(Instant at) {
		if (this.next == null || this.nextAt == null || this.next.isDone() || at.isBefore(this.nextAt)) {
			refreshAt(at);
		}
	}

	/**
	 * Begin the refresh of the given schedule.
	 * @param scheduled the id of the schedule
	 * @return {@code false} if a later schedule overtook it
	 */
	boolean begin(long scheduled) {
		if (scheduled != this.id) {
			return false;
		}
		this.next = null;
		this.nextAt = null;
		return true;
	}

	/**
	 * Drop a token at the given time instead of any drop scheduled before.
	 * @param at the time, {@code null} for never
	 * @param drop what drops it
	 */
	void dropAt(@Nullable Instant at, Runnable drop) {
		cancelDrop();
		this.drop = (at != null) ? schedule(drop, at) : null;
	}

	void cancelDrop() {
		cancel(this.drop);
		this.drop = null;
	}

	void cancel() {
		cancel(this.next);
		this.next = null;
		this.nextAt = null;
		cancelDrop();
	}

	// a scheduler shut down with the application has nothing more to run
	private @Nullable ScheduledFuture<?> schedule(Runnable task, Instant at) {
		try {
			return this.scheduler.schedule(task, at);
		}
		catch (TaskRejectedException ex) {
			return null;
		}
	}

	private static void cancel(@Nullable ScheduledFuture<?> future) {
		if (future != null) {
			future.cancel(false);
		}
	}

}
