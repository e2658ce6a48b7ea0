package dev.oidcsso.login;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.session.Session;

import java.util.Optional;

/**
 * What a callback led to: a session, or a typed refusal. The web layer turns either into a response
 * (cookies and a redirect, or the error page its one failure mapping gives).
 */
public sealed interface LoginOutcome {

    /**
     * The user is signed in.
     *
     * @param session the new session
     * @param next    the path the login started from, as the login state carried it; the web layer
     *                still checks that it is same-site before redirecting there
     */
    record SignedIn(Session session, Optional<String> next) implements LoginOutcome {
    }

    /**
     * The login was refused; no session was made.
     *
     * @param failure the typed cause, whose message is safe to show and says what to do
     */
    record Refused(OidcSsoException failure) implements LoginOutcome {
    }
}
