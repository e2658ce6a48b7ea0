package dev.oidcsso.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A signed-in browser session as a request sees it. The server keeps the session itself (a
 * {@link SessionRecord}); the browser holds only {@link #id()}, the sealed session id.
 *
 * @param id        the session cookie's value: the sealed session id (also what the CSRF token is bound to)
 * @param username  the user's name
 * @param groups    the user's groups at login
 * @param admin     whether the user is an administrator
 * @param issuedAt  when the session started
 * @param expiresAt when it ends at the latest
 * @param idToken   the ID token, present only on the session a login has just started
 */
public record Session(String id, String username, List<String> groups, boolean admin, Instant issuedAt,
                      Instant expiresAt, Optional<String> idToken) {

    /**
     * Creates the value, copying collections so it stays immutable.
     *
     * @param id        the session cookie's value
     * @param username  the user's name
     * @param groups    the user's groups at login
     * @param admin     whether the user is an administrator
     * @param issuedAt  when the session started
     * @param expiresAt when it ends at the latest
     * @param idToken   the ID token, present only on the session a login has just started
     */
    public Session {
        groups = List.copyOf(groups);
    }

    @Override
    public String toString() {
        return "Session[" + username + ", ends " + expiresAt + "]";
    }
}
