/**
 * Spring application events of the Infisical starter: logins, token refreshes, refresh
 * failures, dropped and rejected tokens, and changed secrets.
 */
@NullMarked
package io.github.infisicalawsauth.autoconfigure.event;

import org.jspecify.annotations.NullMarked;
