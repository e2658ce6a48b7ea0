package dev.oidcsso.auth;

import java.util.List;
import java.util.Optional;

/**
 * The authenticated user of one request, whatever the way they authenticated.
 *
 * <p>{@link #toString()} leaves the session id out: applications log principals, and a session id in
 * a log line is a credential for anyone who can read the logs.
 *
 * @param username   the user name
 * @param groups     the user's groups
 * @param admin      whether the user is an administrator
 * @param method     how the request authenticated
 * @param sessionId  the session id, for session-authenticated requests
 */
public record Principal(String username, List<String> groups, boolean admin, AuthMethod method, Optional<String> sessionId)
        implements java.security.Principal {

    /**
     * Creates the value, copying collections so it stays immutable.
     *
     * @param username   the user name
     * @param groups     the user's groups
     * @param admin      whether the user is an administrator
     * @param method     how the request authenticated
     * @param sessionId  the session id, for session-authenticated requests
     */
    public Principal {
        groups = List.copyOf(groups);
    }

    @Override
    public String getName() {
        return username;
    }

    /**
     * The user, groups, role and method; only whether a session id is present, never the id itself.
     *
     * @return a description safe to log
     */
    @Override
    public String toString() {
        return "Principal[username=" + username + ", groups=" + groups + ", admin=" + admin + ", method=" + method
                + ", session=" + (sessionId.isPresent() ? "present" : "none") + "]";
    }
}
