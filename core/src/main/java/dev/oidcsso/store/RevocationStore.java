package dev.oidcsso.store;

import java.time.Instant;

/**
 * Sessions ended early (logout, an administrator's revocation). A revocation is kept until the
 * session would have expired anyway, and reaches every replica within a poll interval. Session ids
 * are stored only as their SHA-256. Every method may throw {@link StoreUnavailableException}.
 */
public interface RevocationStore {

    /**
     * Revokes a session.
     *
     * @param sessionId the session's id
     * @param until     when the session would have expired; after that the revocation is forgotten
     */
    void revoke(String sessionId, Instant until);

    /**
     * Whether a session has been revoked; from the cache when warm.
     *
     * @param sessionId the session's id
     * @return true when revoked
     */
    boolean isRevoked(String sessionId);
}
