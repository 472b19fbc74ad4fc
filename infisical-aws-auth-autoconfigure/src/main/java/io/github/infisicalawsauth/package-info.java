/**
 * Public API of the Infisical AWS IAM starter: the token provider, the access token and
 * the exceptions.
 */
@NullMarked
package io.github.infisicalawsauth;

import org.jspecify.annotations.NullMarked;
