/**
 * The access token lifecycle: login, proactive renewal or re-login, and backoff.
 */
@NullMarked
package io.github.infisicalawsauth.token;

import org.jspecify.annotations.NullMarked;
