package dev.oidcsso.session;

import java.time.Instant;

/**
 * Sessions ended on the server before their cookie expires (logout, an administrator's action).
 * Asked on every request, so implementations answer from memory.
 */
public interface SessionRevocations {

    /**
     * Ends a session.
     *
     * @param sessionId the session's id
     * @param until     when the session would have expired anyway; the record may be dropped then
     */
    void revoke(String sessionId, Instant until);

    /**
     * Whether a session has been ended.
     *
     * @param sessionId the session's id
     * @return true when it must be refused
     */
    boolean isRevoked(String sessionId);
}
