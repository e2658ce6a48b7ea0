/**
 * Sealing: a root key derived from {@code SECRET_KEY} and per-purpose sealed values (compact JWE),
 * used by the login state cookie, the session cookie and the CSRF token. Below {@code oidc} and
 * {@code session}, so both depend on it and not on each other.
 */
package dev.oidcsso.crypto;
