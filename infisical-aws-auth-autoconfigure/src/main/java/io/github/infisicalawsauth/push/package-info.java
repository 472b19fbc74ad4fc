/**
 * Channels on which Infisical announces changes of secrets, so that imported locations
 * are read again within seconds instead of at the next poll.
 */
@NullMarked
package io.github.infisicalawsauth.push;

import org.jspecify.annotations.NullMarked;
