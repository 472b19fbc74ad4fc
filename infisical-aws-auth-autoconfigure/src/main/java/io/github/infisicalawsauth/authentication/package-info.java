/**
 * Logging in to Infisical: the login strategy and its AWS IAM implementation.
 */
@NullMarked
package io.github.infisicalawsauth.authentication;

import org.jspecify.annotations.NullMarked;
