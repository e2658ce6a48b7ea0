package dev.oidcsso.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A session as the server keeps it. The id itself is never stored, only its hash, so that reading
 * the store does not give cookies; the ID token and the refresh token are kept sealed, each under a
 * key of its own.
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
 * @param endCause      why it was ended early (logout, idle, admin, backchannel, refresh-refused, ...)
 * @param sealedRefreshToken the IdP's refresh token sealed, when refresh tokens are on and the IdP issued one
 * @param tokensExpireAt     when the IdP's access token (else ID token) expires: the session refreshes before
 * @param refreshClaimedUntil while a replica is refreshing: until when the others leave it alone
 * @param version            raised by every refresh claim and refresh, for compare-and-set across replicas
 * @param idp                the name of the IdP the user signed in with ({@code OIDC_PROVIDERS}), which the session
 *                           refreshes and logs out through; empty for a sign-in without an IdP, or from before IdPs were named
 */
public record SessionRecord(String idHash, String username, String issuer, String subject, Optional<String> idpSessionId,
                            List<String> groups, boolean admin, Instant issuedAt, Instant expiresAt, Instant lastSeen,
                            Optional<String> sealedIdToken, Optional<Instant> endedAt, Optional<String> endCause,
                            Optional<String> sealedRefreshToken, Optional<Instant> tokensExpireAt,
                            Optional<Instant> refreshClaimedUntil, long version, String idp) {

    /**
     * A record of a named IdP's sign-in, without refresh tokens.
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
    public SessionRecord(String idHash, String username, String issuer, String subject, Optional<String> idpSessionId,
                         List<String> groups, boolean admin, Instant issuedAt, Instant expiresAt, Instant lastSeen,
                         Optional<String> sealedIdToken, Optional<Instant> endedAt, Optional<String> endCause, String idp) {
        this(idHash, username, issuer, subject, idpSessionId, groups, admin, issuedAt, expiresAt, lastSeen, sealedIdToken, endedAt,
                endCause, Optional.empty(), Optional.empty(), Optional.empty(), 0, idp);
    }

    /**
     * A record that names no IdP, with refresh tokens.
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
     * @param sealedRefreshToken the refresh token sealed
     * @param tokensExpireAt     when the IdP's tokens expire
     * @param refreshClaimedUntil until when a replica's refresh claim holds
     * @param version            the compare-and-set version
     */
    public SessionRecord(String idHash, String username, String issuer, String subject, Optional<String> idpSessionId,
                         List<String> groups, boolean admin, Instant issuedAt, Instant expiresAt, Instant lastSeen,
                         Optional<String> sealedIdToken, Optional<Instant> endedAt, Optional<String> endCause,
                         Optional<String> sealedRefreshToken, Optional<Instant> tokensExpireAt,
                         Optional<Instant> refreshClaimedUntil, long version) {
        this(idHash, username, issuer, subject, idpSessionId, groups, admin, issuedAt, expiresAt, lastSeen, sealedIdToken, endedAt,
                endCause, sealedRefreshToken, tokensExpireAt, refreshClaimedUntil, version, "");
    }

    /**
     * A record without refresh tokens.
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
                endCause, Optional.empty(), Optional.empty(), Optional.empty(), 0, "");
    }

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
     * @param sealedRefreshToken the refresh token sealed
     * @param tokensExpireAt     when the IdP's tokens expire
     * @param refreshClaimedUntil until when a replica's refresh claim holds
     * @param version            the compare-and-set version
     * @param idp                the name of the IdP the user signed in with
     */
    public SessionRecord {
        groups = List.copyOf(groups);
        idp = idp == null ? "" : idp;
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
                sealedIdToken, endedAt, endCause, sealedRefreshToken, tokensExpireAt, refreshClaimedUntil, version, idp);
    }

    /**
     * Whether the session should refresh its tokens now: it has a refresh token, its tokens expire
     * within the margin, and no replica holds a claim on the refresh.
     *
     * @param now    the current time
     * @param margin how long before the tokens expire to refresh
     * @return true when due
     */
    public boolean refreshDueAt(Instant now, java.time.Duration margin) {
        return sealedRefreshToken.isPresent() && tokensExpireAt.isPresent() && !now.isBefore(tokensExpireAt.get().minus(margin))
                && refreshClaimedUntil.filter(now::isBefore).isEmpty();
    }

    /**
     * A copy with a refresh claim (what {@link SessionStore#claimRefresh} writes).
     *
     * @param until until when the claim holds
     * @return the copy, one version later
     */
    public SessionRecord claimedUntil(Instant until) {
        return new SessionRecord(idHash, username, issuer, subject, idpSessionId, groups, admin, issuedAt, expiresAt, lastSeen,
                sealedIdToken, endedAt, endCause, sealedRefreshToken, tokensExpireAt, Optional.of(until), version + 1, idp);
    }

    /**
     * A copy with refreshed tokens and no claim (what {@link SessionStore#refreshed} writes).
     *
     * @param refreshToken the sealed refresh token to keep
     * @param expireAt     when the new tokens expire
     * @param idToken      the sealed ID token to keep
     * @param newGroups    the groups the refresh found
     * @param newAdmin     whether the refresh found an administrator
     * @return the copy, one version later
     */
    public SessionRecord refreshedWith(Optional<String> refreshToken, Optional<Instant> expireAt, Optional<String> idToken,
                                       List<String> newGroups, boolean newAdmin) {
        return new SessionRecord(idHash, username, issuer, subject, idpSessionId, newGroups, newAdmin, issuedAt, expiresAt, lastSeen,
                idToken, endedAt, endCause, refreshToken, expireAt, Optional.empty(), version + 1, idp);
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
                sealedIdToken, Optional.of(at), Optional.of(cause), sealedRefreshToken, tokensExpireAt, refreshClaimedUntil, version, idp);
    }

    @Override
    public String toString() {
        return "SessionRecord[" + username + ", issued " + issuedAt + ", ends " + expiresAt + endCause.map(c -> ", ended: " + c).orElse("")
                + "]";
    }
}
