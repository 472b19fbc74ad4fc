package io.github.infisicalawsauth.sample;

/**
 * A bean built from the {@code GREETING} secret. With Spring Cloud's refresh scope it is
 * re-created with the new value after Infisical reports a change (see
 * {@link GreetingConfiguration}).
 *
 * @author Infisical AWS Auth contributors
 */
class Greeting {

	private final String text;

	Greeting(String text) {
		this.text = text;
	}

	String text() {
		return this.text;
	}

}
