/**
 * In-process Infisical server for tests: AWS IAM login verified with SigV4, access token
 * lifecycle, secrets and folders, a stand-in for AWS STS, and fault injection.
 */
@NullMarked
package io.github.infisicalawsauth.test;

import org.jspecify.annotations.NullMarked;
