/**
 * Actuator support: the {@code infisical} health indicator and endpoint, masking of
 * imported secrets and AWS credentials and the token expiry gauge.
 */
@NullMarked
package io.github.infisicalawsauth.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
