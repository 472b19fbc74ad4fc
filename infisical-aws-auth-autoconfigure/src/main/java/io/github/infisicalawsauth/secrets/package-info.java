/**
 * Reading Infisical secrets: locations, merging of imports and the programmatic client.
 */
@NullMarked
package io.github.infisicalawsauth.secrets;

import org.jspecify.annotations.NullMarked;
