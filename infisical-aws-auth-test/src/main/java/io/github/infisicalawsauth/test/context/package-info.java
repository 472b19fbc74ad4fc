/**
 * JUnit Jupiter and Spring test support: {@link InfisicalTestServerTest} runs a test
 * class, and the Spring application context it starts, against its own
 * {@link io.github.infisicalawsauth.test.InfisicalTestServer}.
 */
@NullMarked
package io.github.infisicalawsauth.test.context;

import org.jspecify.annotations.NullMarked;
