/**
 * Runnable demo of the Infisical AWS IAM starter.
 */
@NullMarked
package io.github.infisicalawsauth.sample;

import org.jspecify.annotations.NullMarked;
