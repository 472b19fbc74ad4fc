package io.github.infisicalawsauth.client;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RetryPolicy}.
 *
 * @author Infisical AWS Auth contributors
 */
class RetryPolicyTests {

	private final RetryPolicy policy = RetryPolicy.builder()
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
		RetryPolicy low = RetryPolicy.builder().random(() -> 0).build();
		assertThat(low.backoff(3, null)).isEqualTo(Duration.ofSeconds(2));
		RetryPolicy mid = RetryPolicy.builder().random(() -> 0.5).build();
		assertThat(mid.backoff(3, null)).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void backoffHonoursLongerRetryAfterWithALittleJitter() {
		assertThat(this.policy.backoff(1, Duration.ofSeconds(7))).isBetween(Duration.ofSeconds(7),
				Duration.ofMillis(7250));
		RetryPolicy low = RetryPolicy.builder().random(() -> 0).build();
		assertThat(low.backoff(1, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
		assertThat(this.policy.backoff(5, Duration.ofSeconds(1))).isBetween(Duration.ofMillis(15999),
				Duration.ofSeconds(16));
	}

	@Test
	void withMaxAttemptsKeepsTheRest() {
		RetryPolicy limited = this.policy.withMaxAttempts(3);
		assertThat(limited.getMaxAttempts()).isEqualTo(3);
		assertThat(limited.getMaxElapsed()).isEqualTo(this.policy.getMaxElapsed());
		assertThat(limited.backoff(2, null)).isEqualTo(this.policy.backoff(2, null));
		assertThat(this.policy.getMaxAttempts()).isEqualTo(Integer.MAX_VALUE);
	}

	@Test
	void builderChecksArguments() {
		assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().initialInterval(Duration.ZERO))
			.withMessageContaining("'initialInterval'");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().multiplier(0.5))
			.withMessageContaining("'multiplier'");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
			.withMessageContaining("'maxAttempts'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RetryPolicy.builder()
				.initialInterval(Duration.ofSeconds(10))
				.maxInterval(Duration.ofSeconds(1))
				.build())
			.withMessageContaining("'maxInterval'");
	}

}
