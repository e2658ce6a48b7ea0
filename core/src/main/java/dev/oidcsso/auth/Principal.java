package dev.oidcsso.auth;

import java.time.Instant;
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
 * @param credentialExpiry when the credential of this request expires, for a credential the framework
 *                   issued with an expiry (a personal access token) and for a workload's token: what it
 *                   creates may not outlive it. Empty for sign-ins at the identity provider (session, the
 *                   IdP's bearer token, proxy identity)
 */
public record Principal(String username, List<String> groups, boolean admin, AuthMethod method, Optional<String> sessionId,
                        Optional<Instant> credentialExpiry)
        implements java.security.Principal {

    /**
     * Creates the value, copying collections so it stays immutable.
     *
     * @param username   the user name
     * @param groups     the user's groups
     * @param admin      whether the user is an administrator
     * @param method     how the request authenticated
     * @param sessionId  the session id, for session-authenticated requests
     * @param credentialExpiry when the request's credential expires, if it does
     */
    public Principal {
        groups = List.copyOf(groups);
        java.util.Objects.requireNonNull(credentialExpiry, "credentialExpiry");
    }

    /**
     * A principal whose credential sets no limit on what it creates (a sign-in at the identity provider).
     *
     * @param username  the user name
     * @param groups    the user's groups
     * @param admin     whether the user is an administrator
     * @param method    how the request authenticated
     * @param sessionId the session id, for session-authenticated requests
     */
    public Principal(String username, List<String> groups, boolean admin, AuthMethod method, Optional<String> sessionId) {
        this(username, groups, admin, method, sessionId, Optional.empty());
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
