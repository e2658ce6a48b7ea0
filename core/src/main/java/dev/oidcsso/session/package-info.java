/**
 * Browser sessions: kept on the server ({@link dev.oidcsso.session.SessionStore}) with idle and
 * absolute timeouts; the cookie carries only the AES-GCM-sealed session id
 * ({@link dev.oidcsso.session.SessionCodec}); refresh tokens, when enabled, are kept sealed beside
 * the session and spent by the login package's {@code SessionRefresher}.
 */
package dev.oidcsso.session;
