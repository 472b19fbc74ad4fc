package io.github.infisicalawsauth.client;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalConnectionException;
import io.github.infisicalawsauth.InfisicalException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RetryBackoff}.
 *
 * @author Infisical AWS Auth contributors
 */
class RetryBackoffTests {

	private final RetryBackoff policy = RetryBackoff.builder()
		.initialInterval(Duration.ofSeconds(1))
		.maxInterval(Duration.ofSeconds(30))
		.random(() -> 0.999999)
		.build();

	@Test
	void backoffGrowsExponentiallyUpToMax() {
		assertThat(this.policy.backoff(1, null)).isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
		assertThat(this.policy.backoff(2, null)).isBetween(Duration.ofMillis(1999), Duration.ofSeconds(2));
		assertThat(this.policy.backoff(3, null)).isBetween(Duration.ofMillis(3999), Duration.ofSeconds(4));
		assertThat(this.policy.backoff(20, null)).isBetween(Duration.ofMillis(29999), Duration.ofSeconds(30));
	}

	@Test
	void backoffHasJitterBetweenHalfAndFullDelay() {
		RetryBackoff low = RetryBackoff.builder().random(() -> 0).build();
		assertThat(low.backoff(3, null)).isEqualTo(Duration.ofSeconds(2));
		RetryBackoff mid = RetryBackoff.builder().random(() -> 0.5).build();
		assertThat(mid.backoff(3, null)).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void backoffHonoursLongerRetryAfterWithALittleJitter() {
		assertThat(this.policy.backoff(1, Duration.ofSeconds(7))).isBetween(Duration.ofSeconds(7),
				Duration.ofMillis(7250));
		RetryBackoff low = RetryBackoff.builder().random(() -> 0).build();
		assertThat(low.backoff(1, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
		assertThat(this.policy.backoff(5, Duration.ofSeconds(1))).isBetween(Duration.ofMillis(15999),
				Duration.ofSeconds(16));
	}

	@Test
	void withMaxAttemptsKeepsTheRest() {
		RetryBackoff limited = this.policy.withMaxAttempts(3);
		assertThat(limited.getMaxAttempts()).isEqualTo(3);
		assertThat(limited.getMaxElapsed()).isEqualTo(this.policy.getMaxElapsed());
		assertThat(limited.backoff(2, null)).isEqualTo(this.policy.backoff(2, null));
		assertThat(this.policy.getMaxAttempts()).isEqualTo(Integer.MAX_VALUE);
	}

	@Test
	void runStopsWhenTheTimeBudgetOnTheClockIsSpent() {
		RetryBackoff quick = RetryBackoff.builder()
			.initialInterval(Duration.ofMillis(1))
			.maxInterval(Duration.ofMillis(1))
			.maxElapsed(Duration.ofSeconds(5))
			.build();
		// each attempt takes 2 s on the clock, whatever the real time
		AtomicLong now = new AtomicLong();
		Clock clock = new Clock() {

			@Override
			public long millis() {
				return now.get();
			}

			@Override
			public Instant instant() {
				return Instant.ofEpochMilli(now.get());
			}

			@Override
			public ZoneId getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(ZoneId zone) {
				return this;
			}

		};
		List<Integer> retried = new ArrayList<>();
		AtomicInteger exhaustedAfter = new AtomicInteger();
		assertThatExceptionOfType(InfisicalException.class).isThrownBy(() -> quick.run(clock, () -> {
			now.addAndGet(2000);
			throw new InfisicalConnectionException("down", new IOException());
		}, new RetryBackoff.Listener() {

			@Override
			public void retrying(InfisicalException failure, int attempts, Duration wait) {
				retried.add(attempts);
			}

			@Override
			public InfisicalException exhausted(InfisicalException failure, int attempts, Duration elapsed) {
				exhaustedAfter.set(attempts);
				return new InfisicalException("gave up after " + elapsed.toMillis() + " ms");
			}

		})).withMessage("gave up after 6000 ms");
		assertThat(retried).containsExactly(1, 2);
		assertThat(exhaustedAfter).hasValue(3);
	}

	@Test
	void runRethrowsWhatIsNotRetryableAtOnceAndStopsAtMaxAttempts() {
		RetryBackoff quick = RetryBackoff.builder()
			.initialInterval(Duration.ofMillis(1))
			.maxInterval(Duration.ofMillis(1))
			.maxAttempts(3)
			.build();
		AtomicInteger calls = new AtomicInteger();
		RetryBackoff.Listener listener = (failure, attempts, wait) -> {
		};
		InfisicalException configuration = new InfisicalException("bad configuration");
		assertThatExceptionOfType(InfisicalException.class).isThrownBy(() -> quick.run(Clock.systemUTC(), () -> {
			calls.incrementAndGet();
			throw configuration;
		}, listener)).isSameAs(configuration);
		assertThat(calls).hasValue(1);
		calls.set(0);
		assertThat(quick.run(Clock.systemUTC(), () -> {
			if (calls.incrementAndGet() < 3) {
				throw new InfisicalConnectionException("down", new IOException());
			}
			return "third time lucky";
		}, listener)).isEqualTo("third time lucky");
		calls.set(0);
		assertThatExceptionOfType(InfisicalConnectionException.class)
			.isThrownBy(() -> quick.run(Clock.systemUTC(), () -> {
				calls.incrementAndGet();
				throw new InfisicalConnectionException("down", new IOException());
			}, listener));
		assertThat(calls).hasValue(3);
	}

	@Test
	void retryAfterIsFoundAmongTheCauses() {
		InfisicalApiException api = new InfisicalApiException("GET /api/v4/secrets", 429, null, "slow down", null,
				Duration.ofSeconds(7));
		assertThat(RetryBackoff.retryAfter(new InfisicalException("wrapped", api))).isEqualTo(Duration.ofSeconds(7));
		assertThat(RetryBackoff.retryAfter(new InfisicalException("no answer"))).isNull();
	}

	@Test
	void builderChecksArguments() {
		assertThatIllegalArgumentException().isThrownBy(() -> RetryBackoff.builder().initialInterval(Duration.ZERO))
			.withMessageContaining("'initialInterval'");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryBackoff.builder().multiplier(0.5))
			.withMessageContaining("'multiplier'");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryBackoff.builder().maxAttempts(0))
			.withMessageContaining("'maxAttempts'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RetryBackoff.builder()
				.initialInterval(Duration.ofSeconds(10))
				.maxInterval(Duration.ofSeconds(1))
				.build())
			.withMessageContaining("'maxInterval'");
	}

}
