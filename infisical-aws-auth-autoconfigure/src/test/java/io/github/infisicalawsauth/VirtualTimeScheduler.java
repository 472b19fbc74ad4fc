package io.github.infisicalawsauth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;

/**
 * A {@link TaskScheduler} on virtual time: tasks run on the thread that
 * {@link #advance(Duration) advances} the clock, in the order of their times, with the
 * clock set to each task's time while it runs. Tests of refreshes, retries and expiry run
 * in milliseconds and never depend on how busy the machine is.
 *
 * @author Infisical AWS Auth contributors
 */
public final class VirtualTimeScheduler implements TaskScheduler {

	private final VirtualClock clock;

	private final PriorityQueue<Task> tasks = new PriorityQueue<>(
			Comparator.comparing((Task task) -> task.at).thenComparingLong((task) -> task.sequence));

	private long sequence;

	private final List<Instant> ran = new ArrayList<>();

	/**
	 * Create a scheduler whose clock starts at the given time.
	 * @param start the time
	 */
	public VirtualTimeScheduler(Instant start) {
		this.clock = new VirtualClock(start);
	}

	@Override
	public Clock getClock() {
		return this.clock;
	}

	/**
	 * Return a clock that reads the virtual time plus an offset: the clock of a server
	 * (or a client) whose clock is skewed.
	 * @param offset the offset
	 * @return the clock
	 */
	public Clock offsetClock(Duration offset) {
		return Clock.offset(this.clock, offset);
	}

	/**
	 * Return the current virtual time.
	 * @return the time
	 */
	public Instant now() {
		return this.clock.instant();
	}

	/**
	 * Run the tasks due now.
	 */
	public void runDue() {
		advance(Duration.ZERO);
	}

	/**
	 * Move the clock forward, running every task that falls due on the way, in order.
	 * @param duration how far
	 */
	public void advance(Duration duration) {
		Instant target = now().plus(duration);
		while (true) {
			Task next;
			synchronized (this) {
				next = this.tasks.peek();
				if (next == null || next.at.isAfter(target)) {
					break;
				}
				this.tasks.poll();
				if (next.at.isAfter(now())) {
					this.clock.set(next.at);
				}
			}
			if (!next.cancelled) {
				next.run();
			}
		}
		synchronized (this) {
			if (target.isAfter(now())) {
				this.clock.set(target);
			}
		}
	}

	/**
	 * Move the clock forward without running the tasks that fall due meanwhile, as on a
	 * host that was suspended or a VM that was frozen: a scheduler's delays count on a
	 * clock that stood still. They run at the next {@link #runDue()} or
	 * {@link #advance(Duration)}.
	 * @param duration how far
	 */
	public synchronized void suspend(Duration duration) {
		this.clock.set(now().plus(duration));
	}

	/**
	 * Return when the next task is due.
	 * @return the time, or {@code null} if none is scheduled
	 */
	public synchronized @Nullable Instant nextTaskAt() {
		return this.tasks.stream()
			.filter((task) -> !task.cancelled)
			.map((task) -> task.at)
			.min(Comparator.naturalOrder())
			.orElse(null);
	}

	/**
	 * Return the times at which tasks ran, in order.
	 * @return the times
	 */
	public synchronized List<Instant> ranAt() {
		return List.copyOf(this.ran);
	}

	@Override
	public synchronized ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
		Task scheduled = new Task(task, startTime, this.sequence++);
		this.tasks.add(scheduled);
		return scheduled;
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Instant startTime, Duration period) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Instant startTime, Duration delay) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
		throw new UnsupportedOperationException();
	}

	private final class Task implements ScheduledFuture<Object> {

		private final Runnable runnable;

		private final Instant at;

		private final long sequence;

		private volatile boolean cancelled;

		private volatile boolean done;

		Task(Runnable runnable, Instant at, long sequence) {
			this.runnable = runnable;
			this.at = at;
			this.sequence = sequence;
		}

		void run() {
			synchronized (VirtualTimeScheduler.this) {
				VirtualTimeScheduler.this.ran.add(VirtualTimeScheduler.this.now());
			}
			try {
				this.runnable.run();
			}
			finally {
				this.done = true;
			}
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(Duration.between(now(), this.at));
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			if (this.done) {
				return false;
			}
			this.cancelled = true;
			return true;
		}

		@Override
		public boolean isCancelled() {
			return this.cancelled;
		}

		@Override
		public boolean isDone() {
			return this.done || this.cancelled;
		}

		@Override
		public Object get() {
			throw new UnsupportedOperationException();
		}

		@Override
		public Object get(long timeout, TimeUnit unit) {
			throw new UnsupportedOperationException();
		}

	}

	/**
	 * The virtual clock, moved only by the scheduler.
	 */
	private static final class VirtualClock extends Clock {

		private volatile Instant instant;

		VirtualClock(Instant instant) {
			this.instant = instant;
		}

		void set(Instant instant) {
			this.instant = instant;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.instant;
		}

	}

}
