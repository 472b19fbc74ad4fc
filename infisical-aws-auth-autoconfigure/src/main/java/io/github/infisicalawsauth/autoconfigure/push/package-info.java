/**
 * Auto-configuration of the webhook endpoint that Infisical calls when secrets change,
 * and of its fan-out to every instance with Spring Cloud Bus.
 */
@NullMarked
package io.github.infisicalawsauth.autoconfigure.push;

import org.jspecify.annotations.NullMarked;
