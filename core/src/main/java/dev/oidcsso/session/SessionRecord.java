package dev.oidcsso.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A session as the server keeps it. The id itself is never stored, only its hash, so that reading
 * the store does not give cookies; the ID token is kept sealed under a key of its own.
 *
 * @param idHash        base64url SHA-256 of the session id
 * @param username      the user's name
 * @param issuer        the IdP's issuer, for back-channel logout
 * @param subject       the IdP's {@code sub}, for back-channel logout
 * @param idpSessionId  the IdP's {@code sid}, when its ID token carried one
 * @param groups        the groups at login (used when there is no user store to read them from)
 * @param admin         whether the login made the user an administrator (likewise)
 * @param issuedAt      when the session started
 * @param expiresAt     when it ends at the latest (absolute lifetime)
 * @param lastSeen      the last activity recorded (for the idle timeout)
 * @param sealedIdToken the ID token sealed, for {@code id_token_hint} at logout
 * @param endedAt       when it was ended early, if it was
 * @param endCause      why it was ended early (logout, idle, admin, backchannel, ...)
 * @param idp           the name of the IdP the user signed in with ({@code OIDC_PROVIDERS}), which the session
 *                      logs out through; empty for a session of a sign-in without an IdP, or from before IdPs were named
 */
public record SessionRecord(String idHash, String username, String issuer, String subject, Optional<String> idpSessionId,
                            List<String> groups, boolean admin, Instant issuedAt, Instant expiresAt, Instant lastSeen,
                            Optional<String> sealedIdToken, Optional<Instant> endedAt, Optional<String> endCause, String idp) {

    /**
     * Creates the value, copying collections so it stays immutable.
     *
     * @param idHash        base64url SHA-256 of the session id
     * @param username      the user's name
     * @param issuer        the IdP's issuer, for back-channel logout
     * @param subject       the IdP's {@code sub}, for back-channel logout
     * @param idpSessionId  the IdP's {@code sid}, when its ID token carried one
     * @param groups        the groups at login
     * @param admin         whether the login made the user an administrator
     * @param issuedAt      when the session started
     * @param expiresAt     when it ends at the latest
     * @param lastSeen      the last activity recorded
     * @param sealedIdToken the ID token sealed
     * @param endedAt       when it was ended early
     * @param endCause      why it was ended early
     * @param idp           the name of the IdP the user signed in with
     */
    public SessionRecord {
        groups = List.copyOf(groups);
        idp = idp == null ? "" : idp;
    }

    /**
     * Creates the value of a session that names no IdP.
     *
     * @param idHash        base64url SHA-256 of the session id
     * @param username      the user's name
     * @param issuer        the IdP's issuer, for back-channel logout
     * @param subject       the IdP's {@code sub}, for back-channel logout
     * @param idpSessionId  the IdP's {@code sid}, when its ID token carried one
     * @param groups        the groups at login
     * @param admin         whether the login made the user an administrator
     * @param issuedAt      when the session started
     * @param expiresAt     when it ends at the latest
     * @param lastSeen      the last activity recorded
     * @param sealedIdToken the ID token sealed
     * @param endedAt       when it was ended early
     * @param endCause      why it was ended early
     */
    public SessionRecord(String idHash, String username, String issuer, String subject, Optional<String> idpSessionId,
                         List<String> groups, boolean admin, Instant issuedAt, Instant expiresAt, Instant lastSeen,
                         Optional<String> sealedIdToken, Optional<Instant> endedAt, Optional<String> endCause) {
        this(idHash, username, issuer, subject, idpSessionId, groups, admin, issuedAt, expiresAt, lastSeen, sealedIdToken, endedAt,
                endCause, "");
    }

    /**
     * Whether the session may still be used at this time.
     *
     * @param now         the current time
     * @param idleTimeout the idle timeout
     * @return true when neither ended, nor past its absolute lifetime, nor idle for too long
     */
    public boolean activeAt(Instant now, Duration idleTimeout) {
        return endedAt.isEmpty() && now.isBefore(expiresAt) && !idleAt(now, idleTimeout);
    }

    /**
     * Whether the last recorded activity is older than the idle timeout.
     *
     * @param now         the current time
     * @param idleTimeout the idle timeout
     * @return true when idle for too long
     */
    public boolean idleAt(Instant now, Duration idleTimeout) {
        return !now.isBefore(lastSeen.plus(idleTimeout));
    }

    /**
     * A copy with a later last activity.
     *
     * @param seen the time of the activity
     * @return the copy
     */
    public SessionRecord seenAt(Instant seen) {
        return new SessionRecord(idHash, username, issuer, subject, idpSessionId, groups, admin, issuedAt, expiresAt, seen,
                sealedIdToken, endedAt, endCause, idp);
    }

    /**
     * A copy that is ended.
     *
     * @param at    when
     * @param cause why
     * @return the copy
     */
    public SessionRecord endedAt(Instant at, String cause) {
        return new SessionRecord(idHash, username, issuer, subject, idpSessionId, groups, admin, issuedAt, expiresAt, lastSeen,
                sealedIdToken, Optional.of(at), Optional.of(cause), idp);
    }

    @Override
    public String toString() {
        return "SessionRecord[" + username + ", issued " + issuedAt + ", ends " + expiresAt + endCause.map(c -> ", ended: " + c).orElse("")
                + "]";
    }
}
