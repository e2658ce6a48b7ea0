/**
 * Browser sessions: the sealed session cookie, its key derivation, and server-side revocation.
 */
package dev.oidcsso.session;
