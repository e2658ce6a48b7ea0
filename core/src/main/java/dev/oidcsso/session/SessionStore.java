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
     * Ends one session.
     *
     * @param idHash the hash of its id
     * @param at     when
     * @param cause  why, for example {@code logout}
     */
    void end(String idHash, Instant at, String cause);

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
