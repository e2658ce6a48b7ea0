package dev.oidcsso.auth;

import java.util.List;
import java.util.Optional;

/**
 * The authenticated user of one request, whatever the way they authenticated.
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
}
