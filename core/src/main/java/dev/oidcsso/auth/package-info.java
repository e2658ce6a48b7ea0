/**
 * Per-request authentication: the {@link dev.oidcsso.auth.Principal} and the authenticators that
 * produce it.
 */
package dev.oidcsso.auth;
