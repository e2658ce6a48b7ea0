/**
 * Browser sessions: the sealed session cookie and server-side revocation (sealing itself is in
 * {@link dev.oidcsso.crypto}).
 */
package dev.oidcsso.session;
