/**
 * Browser sessions: kept on the server ({@link dev.oidcsso.session.SessionStore}) with idle and
 * absolute timeouts; the cookie carries only the AES-GCM-sealed session id
 * ({@link dev.oidcsso.session.SessionCodec}). The revocation set of the earlier sealed-cookie
 * sessions stays for stores that still expose it.
 */
package dev.oidcsso.session;
