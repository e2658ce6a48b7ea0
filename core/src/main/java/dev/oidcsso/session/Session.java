package dev.oidcsso.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A signed-in browser session, carried sealed in the session cookie so that any instance sharing
 * {@code SECRET_KEY} accepts it, even after a restart.
 *
 * @param id          a random identifier, the handle for server-side revocation
 * @param username    the user's name
 * @param groups      the user's groups at login
 * @param admin       whether the user is an administrator
 * @param issuedAt    when the session started
 * @param expiresAt   when it ends at the latest
 * @param idToken     the ID token, kept for {@code id_token_hint} at logout when it fits in the cookie
 */
public record Session(String id, String username, List<String> groups, boolean admin, Instant issuedAt,
                      Instant expiresAt, Optional<String> idToken) {

    /**
     * Creates the value, copying collections so it stays immutable.
     *
     * @param id          a random identifier, the handle for server-side revocation
     * @param username    the user's name
     * @param groups      the user's groups at login
     * @param admin       whether the user is an administrator
     * @param issuedAt    when the session started
     * @param expiresAt   when it ends at the latest
     * @param idToken     the ID token, kept for {@code id_token_hint} at logout when it fits in the cookie
     */
    public Session {
        groups = List.copyOf(groups);
    }

    /**
     * A copy without the ID token.
     *
     * @return this session without its ID token
     */
    public Session withoutIdToken() {
        return new Session(id, username, groups, admin, issuedAt, expiresAt, Optional.empty());
    }
}
