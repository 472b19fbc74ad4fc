package io.github.infisicalawsauth.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.stereotype.Component;

/**
 * A {@code @RefreshScope} bean built from the {@code GREETING} secret: it is re-created
 * with the new value after Infisical reports a change.
 *
 * @author Infisical AWS Auth contributors
 */
@Component
@RefreshScope
class Greeting {

	private final String text;

	Greeting(@Value("${GREETING:no GREETING secret imported}") String text) {
		this.text = text;
	}

	String text() {
		return this.text;
	}

}
