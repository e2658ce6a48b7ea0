package dev.oidcsso.web;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.auth.Accounts;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.auth.TooManyFailuresException;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.http.Cookie;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.identity.Identity;
import dev.oidcsso.identity.IdentityResolver;
import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.oidc.LoginFlow;
import dev.oidcsso.oidc.LoginState;
import dev.oidcsso.oidc.LoginTokens;
import dev.oidcsso.oidc.LogoutUris;
import dev.oidcsso.oidc.ProviderConnection;
import dev.oidcsso.oidc.UserInfoClient;
import dev.oidcsso.session.Session;
import dev.oidcsso.session.SessionManager;
import dev.oidcsso.spi.LoginClaims;
import dev.oidcsso.web.api.Audit;
import dev.oidcsso.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The framework's own routes: {@code /login}, {@code /callback}, {@code /logout},
 * {@code /auth/status}, {@code /health}, {@code /health/live} and {@code /health/ready}.
 */
final class SsoEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(SsoEndpoints.class);
    static final String LOGIN_COOKIE = "oidc_sso_login";
    private static final String RETRY_AFTER_SECONDS = "5";

    private final OidcSettings settings;
    private final ProviderConnection provider;
    private final LoginFlow flow;
    private final UserInfoClient userInfo;
    private final IdentityResolver identities;
    private final SessionManager sessions;
    private final LogoutUris logoutUris;
    private final Function<WebRequest, Optional<Principal>> authenticate;
    private final Accounts accounts;
    private final Optional<Database> database;
    private final java.util.concurrent.atomic.AtomicReference<long[]> databaseCheck = new java.util.concurrent.atomic.AtomicReference<>();
    private final Csrf csrf;

    SsoEndpoints(OidcSettings settings, ProviderConnection provider, LoginFlow flow, UserInfoClient userInfo,
                 IdentityResolver identities, SessionManager sessions, LogoutUris logoutUris,
                 Function<WebRequest, Optional<Principal>> authenticate, Accounts accounts, Optional<Database> database,
                 Csrf csrf) {
        this.settings = settings;
        this.provider = provider;
        this.flow = flow;
        this.userInfo = userInfo;
        this.identities = identities;
        this.sessions = sessions;
        this.logoutUris = logoutUris;
        this.authenticate = authenticate;
        this.accounts = accounts;
        this.database = database;
        this.csrf = csrf;
    }

    Optional<WebResponse> handle(WebRequest request) {
        return switch (request.path()) {
            case "/login" -> Optional.of(settings.oidcLogin() ? login(request) : proxyLogin(request));
            case "/callback" -> Optional.of(settings.oidcLogin() ? callback(request) : proxyLogin(request));
            case "/logout" -> Optional.of(logout(request));
            case "/auth/status" -> Optional.of(status(request));
            case "/health" -> Optional.of(health());
            case "/health/live" -> Optional.of(WebResponse.json(200, "{\"status\":\"UP\"}"));
            case "/health/ready" -> Optional.of(ready());
            default -> Optional.empty();
        };
    }

    private WebResponse login(WebRequest request) {
        String next = NextPath.sanitise(request.queryParameter("next"));
        Optional<DiscoveredProvider> discovered = provider.current();
        if (discovered.isEmpty()) {
            return unavailable(request);
        }
        URI redirectUri = settings.redirectUri().orElseGet(() -> URI.create(request.baseUri() + "/callback"));
        LoginFlow.Start start = flow.start(discovered.get(), redirectUri, next);
        return WebResponse.redirect(start.authorizationUri()).withCookie(new Cookie(LOGIN_COOKIE, start.sealedState(),
                SessionManager.cookiePath(request), Optional.of(LoginFlow.LOGIN_TIMEOUT), request.secure()));
    }

    private WebResponse proxyLogin(WebRequest request) {
        return error(request, new OidcSsoException(404, "Sign-in is done by the reverse proxy in front of this application."));
    }

    private WebResponse callback(WebRequest request) {
        Cookie clearLogin = Cookie.deletion(LOGIN_COOKIE, SessionManager.cookiePath(request), request.secure());
        try {
            DiscoveredProvider discovered = provider.require();
            Optional<LoginState> state = request.cookie(LOGIN_COOKIE).flatMap(flow::openState);
            LoginTokens tokens = flow.complete(discovered, state, request.queryParameters());
            Identity identity = identities.resolve(new Claims(discovered, tokens));
            accounts.recordLogin(identity.username(), claimText(identity, "name"), claimText(identity, "email"), identity.groups());
            Session session = sessions.start(identity.username(), identity.groups(), identity.admin(), Optional.of(tokens.idToken()));
            Audit.event("login accepted", "user", identity.username(), "admin", identity.admin(), "groups", identity.groups().size());
            String next = state.map(LoginState::next).filter(NextPath::isSafe).orElse("/");
            return WebResponse.redirect(URI.create(basePath(request) + next))
                    .withCookie(clearLogin)
                    .withCookie(sessions.cookie(session, request))
                    .withHeader("Set-Cookie", Csrf.cookieHeader(csrf.token(session.id()), request, settings.sessionMaxAge()));
        } catch (OidcSsoException e) {
            Audit.event("login refused", "status", e.status(), "reason", e.getMessage());
            return error(request, e).withCookie(clearLogin).withCookie(sessions.deletion(request));
        }
    }

    private WebResponse logout(WebRequest request) {
        Optional<Session> session = sessions.read(request);
        session.ifPresent(s -> {
            sessions.end(s);
            Audit.event("logout", "user", s.username());
        });
        URI postLogout = settings.postLogoutRedirectUri().orElseGet(() -> URI.create(request.baseUri() + "/"));
        Optional<URI> idpLogout = settings.oidcLogin()
                ? logoutUris.idpLogoutUri(provider.current(), session.flatMap(Session::idToken), postLogout)
                : Optional.empty();
        WebResponse response;
        if (idpLogout.isPresent()) {
            response = WebResponse.redirect(idpLogout.get());
        } else if (settings.postLogoutRedirectUri().isPresent()) {
            response = WebResponse.redirect(postLogout);
        } else {
            response = WebResponse.html(200, Pages.page("Signed out", "You have been signed out of this application.",
                    basePath(request) + "/login", "Sign in again"));
        }
        return response.withCookie(sessions.deletion(request)).withHeader("Set-Cookie", Csrf.deletionHeader(request));
    }

    private WebResponse status(WebRequest request) {
        Optional<Principal> principal = authenticate.apply(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("authenticated", principal.isPresent());
        body.put("username", principal.map(Principal::username).orElse(null));
        body.put("groups", principal.map(Principal::groups).orElse(List.of()));
        body.put("admin", principal.map(Principal::admin).orElse(false));
        body.put("auth_method", principal.map(p -> p.method().wireName()).orElse(null));
        return WebResponse.json(200, Json.write(body));
    }

    private boolean isReady() {
        return (!settings.oidcLogin() || provider.current().isPresent()) && databaseAvailable();
    }

    /** Health probes may come often; the database is asked at most once a second. */
    private boolean databaseAvailable() {
        if (database.isEmpty()) {
            return true;
        }
        long now = System.nanoTime();
        long[] last = databaseCheck.get();
        if (last != null && now - last[0] < 1_000_000_000L) {
            return last[1] == 1;
        }
        boolean available = database.get().isAvailable();
        databaseCheck.set(new long[]{now, available ? 1 : 0});
        return available;
    }

    private static Optional<String> claimText(Identity identity, String claim) {
        return identity.claims().get(claim) instanceof String text ? Optional.of(text) : Optional.empty();
    }

    private WebResponse health() {
        boolean ready = isReady();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "UP" : "DOWN");
        if (settings.discoveryUrl() != null) {
            // Whether, not why: the last failure names internal addresses and goes to the log only.
            body.put("identity_provider", Map.of("ready", provider.current().isPresent()));
        }
        database.ifPresent(db -> body.put("database", Map.of("ready", databaseAvailable())));
        return WebResponse.json(ready ? 200 : 503, Json.write(body));
    }

    private WebResponse ready() {
        boolean ready = isReady();
        WebResponse response = WebResponse.json(ready ? 200 : 503, ready ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
        return ready ? response : response.withHeader("Retry-After", RETRY_AFTER_SECONDS);
    }

    /** The answer to an unauthenticated request for a protected path. */
    WebResponse challenge(WebRequest request) {
        if (settings.oidcLogin() && wantsHtml(request) && "GET".equals(request.method())) {
            String query = request.queryParameters().isEmpty() ? "" : "?" + rawQuery(request);
            String next = NextPath.sanitise(Optional.of(request.path() + query));
            return WebResponse.redirect(LogoutUris.withQuery(URI.create(basePath(request) + "/login"), Map.of("next", next)));
        }
        return withChallenges(WebResponse.json(401,
                "{\"error\":\"unauthenticated\",\"message\":\"Sign in, or send a bearer token or basic credentials.\"}"), request);
    }

    /**
     * Adds the {@code WWW-Authenticate} challenges to a 401. A browser gets no {@code Basic}
     * challenge: it would open its password prompt, and credentials typed there are cached and then
     * sent by the browser on its own, cross-site forms included. Scripts send basic credentials
     * without being asked, or ask for the challenge as API clients (no {@code Sec-Fetch-Mode}).
     */
    static WebResponse withChallenges(WebResponse response, WebRequest request) {
        WebResponse challenged = response.withHeader("WWW-Authenticate", "Bearer");
        boolean browser = request.header("Sec-Fetch-Mode").isPresent() || wantsHtml(request);
        return browser ? challenged : challenged.withHeader("WWW-Authenticate", "Basic realm=\"oidc-sso\", charset=\"UTF-8\"");
    }

    /** A clean error response: an HTML page for browsers, JSON for API clients; never internals. */
    WebResponse error(WebRequest request, OidcSsoException e) {
        int status = e.status() >= 400 && e.status() <= 599 ? e.status() : 500;
        if (status >= 500 && status != 502 && status != 503) {
            LOG.warn("{} {} failed: {}", request.method(), request.path(), e.getMessage());
        } else if (!e.publicMessage().equals(e.getMessage())) {
            LOG.debug("{} {} failed: {}", request.method(), request.path(), e.getMessage());
        }
        WebResponse response;
        if (wantsHtml(request)) {
            String title = switch (status) {
                case 401 -> "Sign-in failed";
                case 403 -> "Access denied";
                case 404 -> "Not found";
                case 405 -> "Method not allowed";
                case 503 -> "Temporarily unavailable";
                default -> status >= 500 ? "Something went wrong" : "Sign-in failed";
            };
            response = WebResponse.html(status, Pages.page(title, e.publicMessage(), basePath(request) + "/login", "Try signing in again"));
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", switch (status) {
                case 401 -> "unauthenticated";
                case 403 -> "forbidden";
                case 404 -> "not_found";
                case 429 -> "too_many_requests";
                case 502, 503 -> "unavailable";
                default -> status >= 500 ? "server_error" : "bad_request";
            });
            body.put("message", e.publicMessage());
            response = WebResponse.json(status, Json.write(body));
        }
        if (status == 401) {
            response = withChallenges(response, request);
        }
        if (e instanceof TooManyFailuresException brake) {
            response = response.withHeader("Retry-After", String.valueOf(brake.retryAfterSeconds()));
        }
        return status == 503 ? response.withHeader("Retry-After", RETRY_AFTER_SECONDS) : response;
    }

    private WebResponse unavailable(WebRequest request) {
        return error(request, new OidcSsoException(503,
                "The identity provider cannot be reached right now; sign-in will work again as soon as it is back."));
    }

    private static boolean wantsHtml(WebRequest request) {
        return request.header("Accept").map(accept -> accept.contains("text/html")).orElse(false);
    }

    private static String basePath(WebRequest request) {
        try {
            String path = request.baseUri().getRawPath();
            return path == null ? "" : path;
        } catch (RuntimeException e) {
            // An error page must never fail itself: an unusable request gets links relative to the root.
            return "";
        }
    }

    private static String rawQuery(WebRequest request) {
        return LogoutUris.withQuery(URI.create("/"), request.queryParameters()).getRawQuery();
    }

    /** The login's claims, fetching UserInfo only when something asks for it. */
    private final class Claims implements LoginClaims {

        private final DiscoveredProvider discovered;
        private final LoginTokens tokens;
        private Map<String, Object> fetched;

        Claims(DiscoveredProvider discovered, LoginTokens tokens) {
            this.discovered = discovered;
            this.tokens = tokens;
        }

        @Override
        public Map<String, Object> idTokenClaims() {
            return tokens.idTokenClaims().toJSONObject();
        }

        @Override
        public Map<String, Object> userInfo() {
            if (fetched == null) {
                String accessToken = tokens.accessToken().orElseThrow(() ->
                        new OidcSsoException(502, "The identity provider issued no access token, so UserInfo cannot be read."));
                fetched = userInfo.fetch(discovered, accessToken, tokens.idTokenClaims().getSubject());
            }
            return fetched;
        }

        @Override
        public Optional<Map<String, Object>> userInfoIfFetched() {
            return Optional.ofNullable(fetched);
        }

        @Override
        public Optional<String> accessToken() {
            return tokens.accessToken();
        }
    }
}
