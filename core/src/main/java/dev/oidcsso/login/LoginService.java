package dev.oidcsso.login;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.auth.Accounts;
import dev.oidcsso.identity.AccessRefusedException;
import dev.oidcsso.identity.Identity;
import dev.oidcsso.identity.IdentityResolver;
import dev.oidcsso.observe.ForeignText;
import dev.oidcsso.oidc.CallbackReplayGuard;
import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.oidc.LoginFlow;
import dev.oidcsso.oidc.LoginState;
import dev.oidcsso.oidc.LoginTokens;
import dev.oidcsso.oidc.ProviderConnection;
import dev.oidcsso.oidc.ProviderUnavailableException;
import dev.oidcsso.oidc.UserInfoClient;
import dev.oidcsso.session.Session;
import dev.oidcsso.session.SessionManager;
import dev.oidcsso.store.IdpIdentity;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * The browser login, from the authorization request to the session, outside the web layer: the web
 * layer hands it the login state cookie and the callback's parameters and gets back a
 * {@link LoginOutcome}, a session or a typed refusal. Each check of the callback is numbered below
 * by the step of the specification it follows, as Spring Security's
 * {@code OidcAuthorizationCodeAuthenticationProvider} does.
 */
public final class LoginService {

    private final ProviderConnection provider;
    private final LoginFlow flow;
    private final CallbackReplayGuard replays;
    private final AccountCheck accountCheck;
    private final Accounts accounts;
    private final SessionManager sessions;

    /**
     * Creates the service from its parts.
     *
     * @param provider   the connection to the IdP
     * @param flow       the protocol messages (authorization request, login state, code redemption)
     * @param replays    remembers which login responses were used, across replicas with a store
     * @param userInfo   reads UserInfo when a login needs it
     * @param identities identity source, validator, group detector and role
     * @param accounts   the recorded users (a disabled user is refused here)
     * @param sessions   starts the session
     */
    public LoginService(ProviderConnection provider, LoginFlow flow, CallbackReplayGuard replays, UserInfoClient userInfo,
                        IdentityResolver identities, Accounts accounts, SessionManager sessions) {
        this.provider = provider;
        this.flow = flow;
        this.replays = replays;
        this.accountCheck = new AccountCheck(userInfo, identities, accounts);
        this.accounts = accounts;
        this.sessions = sessions;
    }

    /**
     * Starts a login (OpenID Connect Core 3.1.2.1): the authorization request with state, nonce and
     * PKCE, and the sealed login state for the browser's cookie.
     *
     * @param redirectUri the callback URL
     * @param next        the same-site path to return to
     * @return where to send the browser, and the cookie value
     * @throws ProviderUnavailableException while the IdP has not been discovered
     */
    public LoginFlow.Start start(URI redirectUri, String next) {
        return start(redirectUri, next, Optional.empty());
    }

    /**
     * Starts a login with a {@code login_hint} for the IdP (OpenID Connect Core 3.1.2.1).
     *
     * @param redirectUri the callback URL
     * @param next        the same-site path to return to
     * @param loginHint   the hint, for example the e-mail address typed on the login chooser
     * @return where to send the browser, and the cookie value
     * @throws ProviderUnavailableException while the IdP has not been discovered
     */
    public LoginFlow.Start start(URI redirectUri, String next, Optional<String> loginHint) {
        DiscoveredProvider discovered = provider.current().orElseThrow(() -> new ProviderUnavailableException(
                "The identity provider cannot be reached right now; sign-in will work again as soon as it is back."));
        return flow.start(discovered, redirectUri, next, loginHint);
    }

    /** @return the connection to this service's IdP */
    public ProviderConnection provider() {
        return provider;
    }

    /** @return the protocol messages of this service's IdP (its {@link LoginFlow#idp() name}, its login states) */
    public LoginFlow flow() {
        return flow;
    }

    /**
     * Completes a login from the callback.
     *
     * @param sealedState the login state cookie's value, if the browser sent one
     * @param params      the callback's query parameters
     * @return the session, or the typed refusal (then no session was made)
     */
    public LoginOutcome complete(Optional<String> sealedState, Map<String, String> params) {
        return completeOpened(sealedState.flatMap(flow::openState), params);
    }

    /**
     * Completes a login whose state cookie was opened already (by {@link IdentityProviders}, which
     * reads the IdP's name from it: every IdP's flow seals its states with the same key and purpose,
     * so opening it once is enough).
     *
     * @param state  the opened login state, empty when the browser sent none or it is not authentic or expired
     * @param params the callback's query parameters
     * @return the session, or the typed refusal
     */
    LoginOutcome completeOpened(Optional<LoginState> state, Map<String, String> params) {
        try {
            return signIn(state, params);
        } catch (OidcSsoException e) {
            Audit.event("login refused", "status", e.status(), "reason", e.getMessage());
            return new LoginOutcome.Refused(e);
        }
    }

    private LoginOutcome.SignedIn signIn(Optional<LoginState> state, Map<String, String> params) {
        DiscoveredProvider discovered = provider.require();

        // 1. OpenID Connect Core 3.1.2.5, RFC 6749 10.12: the response belongs to the login this browser started.
        LoginState expected = state.orElseThrow(() -> new LoginExpiredException(
                "This login has no matching start in this browser, or it took longer than "
                        + LoginFlow.LOGIN_TIMEOUT.toMinutes() + " minutes. Please sign in again."));
        String returnedState = params.get("state");
        if (returnedState == null || !constantTimeEquals(returnedState, expected.state())) {
            throw new StateMismatchException("The login response does not belong to the login this browser started "
                    + "(state mismatch). Please sign in again from the application.");
        }
        // The one callback route reaches the IdP the login state names; a state of another IdP is never completed here.
        if (!expected.idp().isEmpty() && !expected.idp().equals(flow.idp())) {
            throw new StateMismatchException("The login response does not belong to the identity provider this login "
                    + "went to. Please sign in again from the application.");
        }

        // 2. RFC 9700 4.2.4: a login response is accepted once, on any replica.
        if (!replays.firstUse(expected.state(), expected.expiresAt())) {
            throw new ResponseReplayedException("This login response has already been used. Please sign in again.");
        }

        // 3. RFC 9207 2.4: the response comes from the identity provider the login went to.
        checkIssuerParameter(discovered, params.get("iss"));

        // 4. OpenID Connect Core 3.1.2.6: the identity provider answered with an error.
        String error = params.get("error");
        if (error != null) {
            // The browser brings these: shown on the error page (escaped there) and logged, as one bounded line.
            String description = Optional.ofNullable(params.get("error_description")).orElse("");
            throw new IdpRefusedLoginException("The identity provider refused the login: " + ForeignText.oneLine(error, 64)
                    + (description.isEmpty() ? "" : " (" + ForeignText.oneLine(description, 300) + ")"));
        }

        // 5. OpenID Connect Core 3.1.2.5: a successful response carries the code.
        String code = params.get("code");
        if (code == null || code.isEmpty()) {
            throw new MalformedCallbackException("The login response carries no authorization code. Please sign in again.");
        }

        // 6. OpenID Connect Core 3.1.3.1-3.1.3.4 and 3.1.3.7: the token request and the ID token's validation.
        LoginTokens tokens = flow.redeem(discovered, expected, code);

        // 7. Identity: source, user name, validator, groups and role; UserInfo (5.3) only if one of them asks.
        //    Every refresh of the session runs the same two steps 7 and 8 (SessionRefresher).
        IdpIdentity idpIdentity = idpIdentityOf(tokens);
        Identity identity = accountCheck.resolve(discovered, tokens, idpIdentity);
        SessionManager.SignIn signIn = new SessionManager.SignIn(identity.username(), identity.groups(), identity.admin(),
                // The token's own iss, not the discovered one: a multi-tenant IdP declares a template
                // ({tenantid}) while its logout tokens name the tenant's real issuer.
                Optional.ofNullable(tokens.idTokenClaims().getIssuer()).orElse(discovered.issuer()),
                Optional.ofNullable(tokens.idTokenClaims().getSubject()).orElse(identity.username()),
                Optional.ofNullable(stringClaim(tokens, "sid")), Optional.of(tokens.idToken()), tokens.refreshToken(),
                tokens.tokensExpireAt(), flow.idp());

        // 8. The account: bound to the ID token's iss + sub at the first login, recorded with this login's groups.
        // 9. The session. The IdP's issuer, sub and sid are kept so that a back-channel logout can name this session.
        // Both in one store transaction: a failing store leaves neither a session nor a half-recorded user.
        // A refused account (disabled, bound to another identity) keeps what it recorded and gets no session.
        Recorded recorded = accounts.atomically(() -> {
            try {
                accountCheck.record(identity, idpIdentity);
            } catch (AccessRefusedException refused) {
                return new Recorded(null, refused);
            }
            return new Recorded(sessions.store(signIn), null);
        });
        if (recorded.refused() != null) {
            throw recorded.refused();
        }
        Session session = sessions.started(recorded.session());
        Audit.event("login accepted", "user", identity.username(), "admin", identity.admin(), "groups", identity.groups().size());
        return new LoginOutcome.SignedIn(session, Optional.ofNullable(expected.next()));
    }

    /** What the login's store transaction ended with: the stored session, or the account's refusal. */
    private record Recorded(SessionManager.Stored session, AccessRefusedException refused) {
    }

    private static void checkIssuerParameter(DiscoveredProvider provider, String iss) {
        if (iss == null) {
            if (provider.sendsIssuerParameter()) {
                throw new IssuerMismatchException("The login response lacks the 'iss' parameter that this identity provider "
                        + "promises (RFC 9207). Please sign in again; if this persists, the login was tampered with.");
            }
            return;
        }
        if (!iss.equals(provider.issuer())) {
            throw new IssuerMismatchException("The login response comes from another issuer than this identity provider "
                    + "(RFC 9207 'iss' mismatch). Please sign in again from the application.");
        }
    }

    private static String stringClaim(LoginTokens tokens, String name) {
        return tokens.idTokenClaims().getClaim(name) instanceof String text ? text : null;
    }

    static IdpIdentity idpIdentityOf(LoginTokens tokens) {
        String issuer = tokens.idTokenClaims().getIssuer();
        String subject = tokens.idTokenClaims().getSubject();
        if (issuer == null || subject == null || issuer.isBlank() || subject.isBlank()
                || issuer.length() > IdpIdentity.MAX_LENGTH || subject.length() > IdpIdentity.MAX_LENGTH) {
            // The token validator demands iss and sub already; this guards the store's column width.
            throw new MalformedCallbackException("The identity provider's ID token carries no usable 'iss' and 'sub' "
                    + "(each 1 to " + IdpIdentity.MAX_LENGTH + " characters). Please sign in again.");
        }
        return new IdpIdentity(issuer, subject);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
