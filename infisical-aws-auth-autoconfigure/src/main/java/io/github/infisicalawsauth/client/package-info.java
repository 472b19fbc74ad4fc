/**
 * HTTP access to the Infisical API and mapping of its error answers.
 */
@NullMarked
package io.github.infisicalawsauth.client;

import org.jspecify.annotations.NullMarked;
