/**
 * Spring Boot auto-configuration of the Infisical token provider.
 */
@NullMarked
package io.github.infisicalawsauth.autoconfigure;

import org.jspecify.annotations.NullMarked;
