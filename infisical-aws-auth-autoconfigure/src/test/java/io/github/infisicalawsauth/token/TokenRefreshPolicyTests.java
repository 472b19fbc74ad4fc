package io.github.infisicalawsauth.token;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.github.infisicalawsauth.client.TokenResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TokenRefreshPolicy}.
 *
 * @author Infisical AWS Auth contributors
 */
class TokenRefreshPolicyTests {

	private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

	private final TokenRefreshPolicy policy = TokenRefreshPolicy.builder()
		.refreshBeforeExpiry(Duration.ofMinutes(1))
		.random(() -> 0)
		.build();

	@Test
	void expiryIsEndOfTtlWhenItComesFirst() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, NOW.plusSeconds(86400)), 3600, 86400), NOW);
		assertThat(lifetime.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
		assertThat(lifetime.token().expiresAt()).isEqualTo(NOW.plusSeconds(3600));
	}

	@Test
	void expiryIsJwtLifeWhenItComesFirstLessTheSecondsGranularityOfExp() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, NOW.plusSeconds(600)), 3600, 86400), NOW);
		assertThat(lifetime.expiresAt()).isEqualTo(NOW.plusSeconds(599));
	}

	@Test
	void jwtLifeIsMeasuredOnTheLocalClockWhateverTheServersClockSays() {
		// the server's clock is 10 minutes ahead, or 6 seconds behind: its iat and exp
		// are instants of its clock, only their difference counts
		for (Duration serverOffset : List.of(Duration.ofMinutes(10), Duration.ofSeconds(-6))) {
			Instant serverNow = NOW.plus(serverOffset);
			TokenLifetime lifetime = this.policy.afterLogin(response(jwt(serverNow, serverNow.plusSeconds(4)), 4, 3600),
					NOW);
			assertThat(lifetime.expiresAt()).isEqualTo(NOW.plusSeconds(3));
			assertThat(lifetime.refreshAt()).isEqualTo(NOW.plusSeconds(2));
		}
	}

	@Test
	void anExpWithoutIatIsIgnoredForItIsAnInstantOfTheServersClock() {
		String token = jwt(null, NOW.minusSeconds(600));
		TokenLifetime lifetime = this.policy.afterLogin(response(token, 3600, 0), NOW);
		assertThat(lifetime.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
	}

	@Test
	void aJwtThatEndsBeforeItBeginsIsIgnoredRatherThanRefreshedEverySecond() {
		for (Instant exp : List.of(NOW.minusSeconds(60), NOW)) {
			TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, exp), 3600, 0), NOW);
			assertThat(lifetime.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
			assertThat(lifetime.refreshAt()).isAfter(NOW.plusSeconds(3000));
		}
	}

	@Test
	void aJwtWhoseExpIsBeyondWhatAnInstantHoldsIsIgnored() {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		String token = encoder.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ encoder.encodeToString(("{\"iat\":" + NOW.getEpochSecond() + ",\"exp\":" + Long.MAX_VALUE + "}")
					.getBytes(StandardCharsets.UTF_8))
				+ ".c2lnbmF0dXJl";
		TokenLifetime lifetime = this.policy.afterLogin(response(token, 3600, 0), NOW);
		assertThat(lifetime.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
	}

	@Test
	void aRenewalInPlaceKeepsTheEndOfTheJwtItReceivedFirst() {
		// the 2024 server renews in place: the same JWT, whose exp ends the max TTL
		String token = jwt(NOW, NOW.plusSeconds(300));
		TokenLifetime first = this.policy.afterLogin(response(token, 100, 300), NOW);
		Instant later = NOW.plusSeconds(90);
		TokenLifetime renewed = this.policy.afterRenewal(first, response(token, 100, 300), later);
		assertThat(renewed.jwtExpiresAt()).isEqualTo(NOW.plusSeconds(299));
		assertThat(renewed.expiresAt()).isEqualTo(later.plusSeconds(100));
	}

	@Test
	void expiryIsEndOfMaxTtlAfterRenewals() {
		TokenLifetime first = this.policy.afterLogin(response(jwt(NOW, null), 3600, 5400), NOW);
		Instant later = NOW.plusSeconds(3000);
		TokenLifetime renewed = this.policy.afterRenewal(first, response(jwt(later, null), 3600, 5400), later);
		assertThat(renewed.firstLoginAt()).isEqualTo(NOW);
		assertThat(renewed.expiresAt()).isEqualTo(NOW.plusSeconds(5400));
	}

	@Test
	void noTtlNoMaxTtlNoExpMeansNoExpiry() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, null), 0, 0), NOW);
		assertThat(lifetime.expiresAt()).isNull();
		assertThat(lifetime.token().expiresAt()).isEqualTo(Instant.MAX);
		assertThat(lifetime.refreshAt()).isNull();
		assertThat(lifetime.isValidAt(NOW.plusSeconds(365 * 86400L))).isTrue();
	}

	@Test
	void tokenThatIsNotAJwtStillGetsTtlExpiry() {
		TokenLifetime lifetime = this.policy.afterLogin(response("opaque-token", 60, 0), NOW);
		assertThat(lifetime.expiresAt()).isEqualTo(NOW.plusSeconds(60));
	}

	@Test
	void refreshesConfiguredTimeBeforeExpiry() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, null), 3600, 0), NOW);
		assertThat(lifetime.refreshAt()).isEqualTo(NOW.plusSeconds(3600 - 60));
	}

	@Test
	void refreshesTwoThirdsThroughShortLivesSoAtMostTwicePerTtl() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, null), 30, 0), NOW);
		assertThat(lifetime.refreshAt()).isEqualTo(NOW.plusSeconds(20));
	}

	@Test
	void neverRefreshesSoonerThanTheFloorAfterTheLastAttempt() {
		TokenRefreshPolicy floored = TokenRefreshPolicy.builder().minRefreshInterval(Duration.ofSeconds(5)).build();
		TokenLifetime lifetime = floored.afterLogin(response(jwt(NOW, null), 3, 0), NOW);
		assertThat(lifetime.refreshAt()).isEqualTo(NOW.plusSeconds(5));
		assertThat(floored.notBefore(NOW, NOW.plusSeconds(1))).isEqualTo(NOW.plusSeconds(5));
		assertThat(floored.notBefore(NOW, NOW.plusSeconds(9))).isEqualTo(NOW.plusSeconds(9));
		assertThat(floored.notBefore(null, NOW)).isEqualTo(NOW);
	}

	@Test
	void retriesAfterTheBackoffOrTheServersRetryAfter() {
		assertThat(this.policy.retryAt(NOW, 3, null)).isBetween(NOW.plusSeconds(2), NOW.plusSeconds(4));
		assertThat(this.policy.retryAt(NOW, 1, null)).isBetween(NOW.plusMillis(500), NOW.plusSeconds(1));
		assertThat(this.policy.retryAt(NOW, 1, Duration.ofSeconds(30))).isAfterOrEqualTo(NOW.plusSeconds(30));
	}

	@Test
	void refreshTimesOfAFleetSpreadOverTheQuarterOfTheMarginAfterItsStart() {
		double[] draws = { 0.0, 0.5, 0.999 };
		List<Instant> refreshes = new ArrayList<>();
		for (double draw : draws) {
			TokenRefreshPolicy spread = TokenRefreshPolicy.builder()
				.refreshBeforeExpiry(Duration.ofMinutes(4))
				.random(() -> draw)
				.build();
			TokenLifetime lifetime = spread.afterLogin(response(jwt(NOW, null), 3600, 0), NOW);
			refreshes.add(lifetime.refreshAt());
		}
		Instant earliest = NOW.plusSeconds(3600 - 240);
		assertThat(refreshes).containsExactly(earliest, earliest.plusSeconds(30), earliest.plusMillis(59940));
	}

	@Test
	void validUntilExpiry() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, null), 30, 0), NOW);
		assertThat(lifetime.isValidAt(NOW.plusSeconds(29))).isTrue();
		assertThat(lifetime.isValidAt(NOW.plusSeconds(30))).isFalse();
	}

	@Test
	void droppedATenthOfItsLifeBeforeExpiryAtMostASecond() {
		TokenLifetime shortLived = this.policy.afterLogin(response(jwt(NOW, null), 3, 0), NOW);
		assertThat(shortLived.dropAt()).isEqualTo(NOW.plusMillis(2700));
		TokenLifetime longLived = this.policy.afterLogin(response(jwt(NOW, null), 3600, 0), NOW);
		assertThat(longLived.dropAt()).isEqualTo(NOW.plusSeconds(3599));
		TokenLifetime forever = this.policy.afterLogin(response(jwt(NOW, null), 0, 0), NOW);
		assertThat(forever.dropAt()).isNull();
	}

	@Test
	void renewsWhileMaxTtlBudgetHoldsAFullTtl() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, NOW.plusSeconds(7200)), 3600, 7200), NOW);
		assertThat(this.policy.shouldRenew(lifetime, NOW.plusSeconds(3540))).isTrue();
	}

	@Test
	void logsInAgainWhenMaxTtlBudgetIsShorterThanTtlPlusMargin() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, NOW.plusSeconds(7200)), 3600, 7200), NOW);
		// 3601 s left of the budget: a full TTL fits but the margin does not
		assertThat(this.policy.shouldRenew(lifetime, NOW.plusSeconds(3599))).isFalse();
	}

	@Test
	void shortTtlIsRenewedWithTheMarginCappedLikeTheSchedule() {
		// TTL 12 s, max TTL 36 s and the default 1 minute margin, as on a real 2024
		// server: the schedule refreshes two thirds through each TTL window and must
		// renew there
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, NOW.plusSeconds(36)), 12, 36), NOW);
		List<String> decisions = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			Instant at = lifetime.refreshAt();
			boolean renew = this.policy.shouldRenew(lifetime, at);
			decisions.add(Duration.between(NOW, at).toSeconds() + "s:" + (renew ? "renew" : "login"));
			if (!renew) {
				break;
			}
			lifetime = this.policy.afterRenewal(lifetime, response(jwt(NOW, NOW.plusSeconds(36)), 12, 36), at);
		}
		assertThat(decisions).containsExactly("8s:renew", "16s:renew", "24s:login");
	}

	@Test
	void renewsWhenJwtExpIsTheEndOfTheTtlWindow() {
		// current servers answer a renewal with a new JWT whose exp is the new TTL
		// end
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, NOW.plusSeconds(3600)), 3600, 0), NOW);
		assertThat(lifetime.expiresAt()).isEqualTo(NOW.plusSeconds(3599));
		assertThat(this.policy.shouldRenew(lifetime, NOW.plusSeconds(3540))).isTrue();
	}

	@Test
	void renewsWithoutMaxTtl() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, null), 3600, 0), NOW);
		assertThat(this.policy.shouldRenew(lifetime, NOW.plusSeconds(3540))).isTrue();
	}

	@Test
	void logsInAgainWithoutTtl() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, NOW.plusSeconds(7200)), 0, 7200), NOW);
		assertThat(this.policy.shouldRenew(lifetime, NOW.plusSeconds(7000))).isFalse();
	}

	@Test
	void builderChecksArguments() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TokenRefreshPolicy.builder().refreshBeforeExpiry(Duration.ZERO))
			.withMessageContaining("'refreshBeforeExpiry'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TokenRefreshPolicy.builder().minRefreshInterval(Duration.ofSeconds(-1)))
			.withMessageContaining("'minRefreshInterval'");
	}

	@Test
	void lifetimeToStringShowsNoToken() {
		String token = jwt(NOW, null);
		TokenLifetime lifetime = this.policy.afterLogin(response(token, 30, 0), NOW);
		assertThat(lifetime.toString()).doesNotContain(token);
		assertThat(lifetime.token().toString()).doesNotContain(token).contains("redacted");
	}

	static TokenResponse response(String token, long ttl, long maxTtl) {
		return new TokenResponse(token, ttl, maxTtl, "Bearer");
	}

	static String jwt(Instant iat, Instant exp) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		String header = encoder.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
		String payload = "{\"identityId\":\"id\"" + ((iat != null) ? ",\"iat\":" + iat.getEpochSecond() : "")
				+ ((exp != null) ? ",\"exp\":" + exp.getEpochSecond() : "") + "}";
		return header + "." + encoder.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
	}

}
