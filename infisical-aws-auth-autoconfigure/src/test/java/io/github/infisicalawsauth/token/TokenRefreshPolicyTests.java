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
	void expiryIsJwtExpWhenItComesFirst() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, NOW.plusSeconds(600)), 3600, 86400), NOW);
		assertThat(lifetime.expiresAt()).isEqualTo(NOW.plusSeconds(600));
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
		assertThat(this.policy.refreshAt(lifetime)).isNull();
		assertThat(lifetime.isValidAt(NOW.plusSeconds(365 * 86400L).toEpochMilli())).isTrue();
	}

	@Test
	void tokenThatIsNotAJwtStillGetsTtlExpiry() {
		TokenLifetime lifetime = this.policy.afterLogin(response("opaque-token", 60, 0), NOW);
		assertThat(lifetime.expiresAt()).isEqualTo(NOW.plusSeconds(60));
	}

	@Test
	void refreshesConfiguredTimeBeforeExpiry() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, null), 3600, 0), NOW);
		assertThat(this.policy.refreshAt(lifetime)).isEqualTo(NOW.plusSeconds(3600 - 60));
	}

	@Test
	void refreshesHalfWayThroughShortLives() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, null), 30, 0), NOW);
		assertThat(this.policy.refreshAt(lifetime)).isEqualTo(NOW.plusSeconds(15));
	}

	@Test
	void refreshTimesOfAFleetSpreadOverAQuarterOfTheMargin() {
		double[] draws = { 0.0, 0.5, 0.999 };
		List<Instant> refreshes = new ArrayList<>();
		for (double draw : draws) {
			TokenRefreshPolicy spread = TokenRefreshPolicy.builder()
				.refreshBeforeExpiry(Duration.ofMinutes(4))
				.random(() -> draw)
				.build();
			TokenLifetime lifetime = spread.afterLogin(response(jwt(NOW, null), 3600, 0), NOW);
			refreshes.add(spread.refreshAt(lifetime));
		}
		Instant latest = NOW.plusSeconds(3600 - 240);
		assertThat(refreshes).containsExactly(latest, latest.minusSeconds(30), latest.minusMillis(59940));
		// a refresh that runs late finds the same time: it is drawn once per token
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, null), 3600, 0), NOW);
		assertThat(this.policy.refreshAt(lifetime)).isEqualTo(this.policy.refreshAt(lifetime));
	}

	@Test
	void validUntilExpiry() {
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, null), 30, 0), NOW);
		assertThat(lifetime.isValidAt(NOW.plusSeconds(29).toEpochMilli())).isTrue();
		assertThat(lifetime.isValidAt(NOW.plusSeconds(30).toEpochMilli())).isFalse();
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
		// TTL 10 s, max TTL 30 s and the default 1 minute margin, as on a real 2024
		// server: the schedule refreshes half-way through each TTL window and must
		// renew there
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, NOW.plusSeconds(30)), 10, 30), NOW);
		List<String> decisions = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			Instant at = this.policy.refreshAt(lifetime);
			boolean renew = this.policy.shouldRenew(lifetime, at);
			decisions.add(Duration.between(NOW, at).toSeconds() + "s:" + (renew ? "renew" : "login"));
			if (!renew) {
				break;
			}
			lifetime = this.policy.afterRenewal(lifetime, response(jwt(NOW, NOW.plusSeconds(30)), 10, 30), at);
		}
		assertThat(decisions).containsExactly("5s:renew", "10s:renew", "15s:renew", "20s:login");
	}

	@Test
	void renewsWhenJwtExpIsTheEndOfTheTtlWindow() {
		// current servers answer a renewal with a new JWT whose exp is the new TTL
		// end
		TokenLifetime lifetime = this.policy.afterLogin(response(jwt(NOW, NOW.plusSeconds(3600)), 3600, 0), NOW);
		assertThat(lifetime.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
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
		String payload = "{\"identityId\":\"id\",\"iat\":" + iat.getEpochSecond()
				+ ((exp != null) ? ",\"exp\":" + exp.getEpochSecond() : "") + "}";
		return header + "." + encoder.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
	}

}
