package dev.oidcsso.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where sessions are kept on the server: in this process ({@link InMemorySessionStore}) for a single
 * instance, or in the user database so that every replica shares them. Reads go to the store
 * itself; {@link SessionManager} keeps the cache in front of it. Every method may throw the store's
 * unavailability exception.
 */
public interface SessionStore {

    /**
     * Keeps a new session.
     *
     * @param record the session
     */
    void create(SessionRecord record);

    /**
     * Reads a session from the store, past any cache.
     *
     * @param idHash the hash of its id
     * @return the session, ended ones included; empty when unknown or dropped
     */
    Optional<SessionRecord> find(String idHash);

    /**
     * Records activity; an earlier time than the one kept is ignored.
     *
     * @param idHash the hash of the session's id
     * @param seen   the time of the activity
     */
    void touch(String idHash, Instant seen);

    /**
     * Claims a session's refresh for this replica, so that no other spends the same refresh token:
     * succeeds only when the session is active and its version is still the one read (compare-and-set),
     * and then raises the version and records the claim.
     *
     * @param idHash  the hash of the session's id
     * @param version the version read
     * @param until   until when the claim holds (a replica that stops mid-refresh frees it so)
     * @return true when this caller holds the claim; false when another replica changed the session
     *         first (re-read it) or it ended
     */
    boolean claimRefresh(String idHash, long version, Instant until);

    /**
     * Records a refresh under a claim: the new sealed tokens and their expiry, the claim released, the
     * version raised; nothing when the session changed since the claim (ended, or claimed again).
     *
     * @param idHash             the hash of the session's id
     * @param claimedVersion     the version the claim left
     * @param sealedRefreshToken the sealed refresh token to keep (the rotated one, or the one spent)
     * @param tokensExpireAt     when the new tokens expire
     * @param sealedIdToken      the sealed ID token to keep: the one kept (a refresh keeps the login's)
     * @param groups             the groups the refresh found (kept where no user store keeps them)
     * @param admin              whether the refresh found an administrator
     * @return true when recorded
     */
    boolean refreshed(String idHash, long claimedVersion, Optional<String> sealedRefreshToken, Optional<Instant> tokensExpireAt,
                      Optional<String> sealedIdToken, List<String> groups, boolean admin);

    /**
     * Ends one session.
     *
     * @param idHash the hash of its id
     * @param at     when
     * @param cause  why, for example {@code logout}
     */
    void end(String idHash, Instant at, String cause);

    /**
     * Ends one session only if it is still at the version a refresh claim left (compare-and-set):
     * a replica whose claim went stale (its lease ended and another replica refreshed meanwhile)
     * must not end a session on the answer to a refresh token that was already spent elsewhere.
     *
     * <p>The default reads then ends, which is not atomic; stores shared by replicas override it.
     *
     * @param idHash         the hash of the session's id
     * @param claimedVersion the version the claim left
     * @param at             when
     * @param cause          why, for example {@code refresh-refused}
     * @return true when this call ended it; false when it had changed or ended meanwhile
     */
    default boolean endClaimed(String idHash, long claimedVersion, Instant at, String cause) {
        Optional<SessionRecord> current = find(idHash);
        if (current.isEmpty() || current.get().version() != claimedVersion || current.get().endedAt().isPresent()) {
            return false;
        }
        end(idHash, at, cause);
        return true;
    }

    /**
     * Ends every active session of a user.
     *
     * @param username the user name
     * @param at       when
     * @param cause    why, for example {@code admin}
     * @return how many sessions were ended
     */
    int endAllOf(String username, Instant at, String cause);

    /**
     * Ends the active sessions an IdP names in a back-channel logout: those of its {@code sid} when
     * given, else those of its {@code sub}.
     *
     * @param issuer       the IdP's issuer
     * @param idpSessionId the IdP's {@code sid}, if the logout token had one
     * @param subject      the IdP's {@code sub}, if the logout token had one
     * @param at           when
     * @return how many sessions were ended
     */
    int endAtIdp(String issuer, Optional<String> idpSessionId, Optional<String> subject, Instant at);

    /**
     * The active sessions of a user, newest first (for an administrator's view).
     *
     * @param username the user name
     * @param now      the current time
     * @return the sessions
     */
    List<SessionRecord> activeOf(String username, Instant now);

    /**
     * Learns which sessions were ended, on this or any other replica, to drop them from a cache.
     *
     * @param listener called with the id hash of each ended session; {@code null} means "maybe any":
     *                 forget everything cached
     */
    void onEnded(Consumer<String> listener);
}
