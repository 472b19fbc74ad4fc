/**
 * Config data support: {@code spring.config.import=infisical:} turns Infisical secrets
 * into Spring properties.
 */
@NullMarked
package io.github.infisicalawsauth.autoconfigure.config;

import org.jspecify.annotations.NullMarked;
