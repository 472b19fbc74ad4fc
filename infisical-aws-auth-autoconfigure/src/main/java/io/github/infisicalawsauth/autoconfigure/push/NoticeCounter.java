package io.github.infisicalawsauth.autoconfigure.push;

/**
 * Counts the notices of changed secrets by channel and outcome.
 *
 * @author Infisical AWS Auth contributors
 */
@FunctionalInterface
interface NoticeCounter {

	/**
	 * Counts nothing, without Micrometer.
	 */
	NoticeCounter NONE = (channel, outcome) -> {
	};

	/**
	 * Count a notice.
	 * @param channel {@code webhook} or {@code bus}
	 * @param outcome {@code accepted}, {@code refused} or {@code ignored}
	 */
	void increment(String channel, String outcome);

}
