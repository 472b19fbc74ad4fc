/**
 * Auto-configuration of the channels on which Infisical announces changes of secrets: the
 * event-subscription stream, the webhook endpoint and its fan-out to every instance with
 * Spring Cloud Bus.
 */
@NullMarked
package io.github.infisicalawsauth.autoconfigure.push;

import org.jspecify.annotations.NullMarked;
