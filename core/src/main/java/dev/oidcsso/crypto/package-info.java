/**
 * Sealing: a root key derived from {@code SECRET_KEY} and per-purpose sealed values (compact JWE),
 * used by the login state cookie, the ID tokens kept with sessions and the CSRF token (the session
 * cookie seals its id with a derived key directly, see {@code session.SessionCodec}). Below {@code oidc} and
 * {@code session}, so both depend on it and not on each other.
 */
package dev.oidcsso.crypto;
