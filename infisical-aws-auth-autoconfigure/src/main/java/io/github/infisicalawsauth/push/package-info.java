/**
 * Channels on which Infisical announces changes of secrets, without Spring: the
 * event-subscription stream, and webhook notices (both payload generations, verified by
 * signature, timestamp and freshness), so that imported locations are read again within
 * seconds instead of at the next poll.
 */
@NullMarked
package io.github.infisicalawsauth.push;

import org.jspecify.annotations.NullMarked;
