package dev.oidcsso.auth;

import dev.oidcsso.http.WebRequest;
import dev.oidcsso.session.SessionManager;

import java.util.Optional;

/** Authenticates a browser by its session cookie. */
public final class SessionAuthenticator implements Authenticator {

    private final SessionManager sessions;
    private final Accounts accounts;

    /**
     * Creates the authenticator.
     *
     * @param sessions the session manager
     * @param accounts the recorded users, to refuse a user disabled since the login
     */
    public SessionAuthenticator(SessionManager sessions, Accounts accounts) {
        this.sessions = sessions;
        this.accounts = accounts;
    }

    @Override
    public Optional<Principal> authenticate(WebRequest request) {
        // A forged, expired or revoked cookie is treated as no cookie: the browser is sent to log in.
        return sessions.read(request).map(session -> {
            accounts.requireEnabled(session.username());
            return session;
        }).map(session -> new Principal(session.username(), session.groups(), session.admin(),
                AuthMethod.SESSION, Optional.of(session.id())));
    }
}
