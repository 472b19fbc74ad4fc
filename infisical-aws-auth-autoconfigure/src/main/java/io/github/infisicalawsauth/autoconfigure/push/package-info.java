/**
 * Auto-configuration of the channels on which Infisical announces changes of secrets.
 */
@NullMarked
package io.github.infisicalawsauth.autoconfigure.push;

import org.jspecify.annotations.NullMarked;
