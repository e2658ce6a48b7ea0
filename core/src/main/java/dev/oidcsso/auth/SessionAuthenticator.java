package dev.oidcsso.auth;

import dev.oidcsso.http.WebRequest;
import dev.oidcsso.identity.RoleDecision;
import dev.oidcsso.session.Session;
import dev.oidcsso.session.SessionManager;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Authenticates a browser by its session cookie. With a user store, the rights come from the user's
 * record (the groups recorded at their latest login, through the store's change-log-invalidated
 * cache), not from the session: a role or group change recorded by any later login reaches every
 * other session of the user within the change poll interval.
 */
public final class SessionAuthenticator implements Authenticator {

    private final SessionManager sessions;
    private final Accounts accounts;
    private final Function<Session, Optional<RoleDecision>> rolesOf;

    /**
     * Creates the authenticator.
     *
     * @param sessions the session manager
     * @param accounts the recorded users, to refuse a user disabled since the login and read their groups
     * @param roles    decides the role from the recorded groups
     */
    public SessionAuthenticator(SessionManager sessions, Accounts accounts, RoleDecision roles) {
        this(sessions, accounts, session -> Optional.of(roles));
    }

    /**
     * Creates the authenticator for sessions of named IdPs, each with its own role groups.
     *
     * @param sessions the session manager
     * @param accounts the recorded users, to refuse a user disabled since the login and read their groups
     * @param rolesOf  the role decision of a session's IdP; empty when that IdP is no longer configured, which ends the session
     */
    public SessionAuthenticator(SessionManager sessions, Accounts accounts, Function<Session, Optional<RoleDecision>> rolesOf) {
        this.sessions = sessions;
        this.accounts = accounts;
        this.rolesOf = rolesOf;
    }

    @Override
    public Optional<Principal> authenticate(WebRequest request) {
        // A forged, expired, ended or idle cookie is treated as no cookie: the browser is sent to log in.
        Optional<Session> found = sessions.read(request);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Session session = found.get();
        Optional<RoleDecision> rolesOfIdp = rolesOf.apply(session);
        if (rolesOfIdp.isEmpty()) {
            // Its IdP was removed from the configuration (ended as the session was read, or just now by another thread).
            sessions.end(session, "idp removed");
            return Optional.empty();
        }
        accounts.requireEnabled(session.username());
        if (accounts.issuedBeforeRevocation(session.username(), session.issuedAt())) {
            // Started before an administrator disabled the user: dead for good, the browser logs in again.
            return Optional.empty();
        }
        if (!accounts.storeBacked()) {
            return Optional.of(new Principal(session.username(), session.groups(), session.admin(), AuthMethod.SESSION,
                    Optional.of(session.id())));
        }
        Optional<List<String>> groups = accounts.recordedGroups(session.username());
        if (groups.isEmpty()) {
            // The user was deleted: the session goes with them.
            return Optional.empty();
        }
        RoleDecision roles = rolesOfIdp.get();
        roles.require(session.username(), groups.get());
        return Optional.of(new Principal(session.username(), groups.get(), roles.isAdmin(groups.get()), AuthMethod.SESSION,
                Optional.of(session.id())));
    }
}
