/**
 * The application whose startup and exit the startup benchmark times, with and without
 * the starter on its classpath.
 */
@NullMarked
package io.github.infisicalawsauth.benchmarks.startup;

import org.jspecify.annotations.NullMarked;
