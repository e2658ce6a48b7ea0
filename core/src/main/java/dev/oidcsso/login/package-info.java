/**
 * The login service: owns the callback from the login state to the session (state, code exchange,
 * ID token checks, identity source, identity validator, group detection, role, account record,
 * session) and returns a session or a typed refusal. Below the web layer, which only turns the
 * outcome into HTTP; above {@code auth}, {@code identity}, {@code oidc} and {@code session}. Also
 * home of the security event log ({@link dev.oidcsso.login.Audit}) that the login and the web layer
 * above it write to.
 */
package dev.oidcsso.login;
