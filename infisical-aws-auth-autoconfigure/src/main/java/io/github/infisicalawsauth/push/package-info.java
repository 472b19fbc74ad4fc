/**
 * Webhook notices of changed secrets: parsing both payload generations and verifying
 * signature, timestamp and freshness, without Spring.
 */
@NullMarked
package io.github.infisicalawsauth.push;

import org.jspecify.annotations.NullMarked;
