package dev.oidcsso.web;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.auth.TooManyFailuresException;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.http.Cookie;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.login.Audit;
import dev.oidcsso.login.LoginOutcome;
import dev.oidcsso.login.LoginService;
import dev.oidcsso.oidc.LoginFlow;
import dev.oidcsso.oidc.LogoutUris;
import dev.oidcsso.oidc.ProviderConnection;
import dev.oidcsso.observe.SsoEvents;
import dev.oidcsso.session.Session;
import dev.oidcsso.session.SessionManager;
import dev.oidcsso.store.Store;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The framework's own routes: {@code /login}, {@code /callback}, {@code /logout},
 * {@code /auth/status}, {@code /health}, {@code /health/live} and {@code /health/ready}. HTTP only:
 * the login itself is the {@link LoginService}'s, failures become responses in
 * {@link ErrorResponses}.
 */
final class SsoEndpoints {

    static final String LOGIN_COOKIE = "oidc_sso_login";

    private final OidcSettings settings;
    private final ProviderConnection provider;
    private final LoginService logins;
    private final SessionManager sessions;
    private final LogoutUris logoutUris;
    private final Function<WebRequest, Optional<Principal>> authenticate;
    private final Optional<Store> database;
    private final java.util.concurrent.atomic.AtomicReference<long[]> databaseCheck = new java.util.concurrent.atomic.AtomicReference<>();
    private final Csrf csrf;
    private final SsoEvents events;

    SsoEndpoints(OidcSettings settings, ProviderConnection provider, LoginService logins, SessionManager sessions,
                 LogoutUris logoutUris, Function<WebRequest, Optional<Principal>> authenticate, Optional<Store> database,
                 Csrf csrf, SsoEvents events) {
        this.settings = settings;
        this.provider = provider;
        this.logins = logins;
        this.sessions = sessions;
        this.logoutUris = logoutUris;
        this.authenticate = authenticate;
        this.database = database;
        this.csrf = csrf;
        this.events = events;
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
        URI redirectUri = settings.redirectUri().orElseGet(() -> URI.create(request.baseUri() + "/callback"));
        LoginFlow.Start start = logins.start(redirectUri, next);
        return WebResponse.redirect(start.authorizationUri()).withCookie(new Cookie(LOGIN_COOKIE, start.sealedState(),
                SessionManager.cookiePath(request), Optional.of(LoginFlow.LOGIN_TIMEOUT), request.secure()));
    }

    private WebResponse proxyLogin(WebRequest request) {
        return error(request, new OidcSsoException(404, "Sign-in is done by the reverse proxy in front of this application."));
    }

    private WebResponse callback(WebRequest request) {
        Cookie clearLogin = Cookie.deletion(LOGIN_COOKIE, SessionManager.cookiePath(request), request.secure());
        long started = System.nanoTime();
        LoginOutcome outcome = logins.complete(request.cookie(LOGIN_COOKIE), request.queryParameters());
        java.time.Duration latency = java.time.Duration.ofNanos(System.nanoTime() - started);
        if (outcome instanceof LoginOutcome.SignedIn in) {
            events.sessionStarted();
            events.login("success", "none", latency);
            String next = in.next().filter(NextPath::isSafe).orElse("/");
            return WebResponse.redirect(URI.create(basePath(request) + next))
                    .withCookie(clearLogin)
                    .withCookie(sessions.cookie(in.session(), request))
                    .withHeader("Set-Cookie", Csrf.cookieHeader(csrf.token(in.session().id()), request, settings.sessionMaxAge()));
        }
        OidcSsoException failure = ((LoginOutcome.Refused) outcome).failure();
        events.login("refused", SsoEvents.reason(failure), latency);
        return error(request, failure).withCookie(clearLogin).withCookie(sessions.deletion(request));
    }

    private WebResponse logout(WebRequest request) {
        Optional<Session> session = sessions.read(request);
        session.ifPresent(s -> {
            sessions.end(s);
            events.sessionEnded("logout");
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
        return ready ? response : response.withHeader("Retry-After", ErrorResponses.RETRY_AFTER_SECONDS);
    }

    /** The answer to an unauthenticated request for a protected path. */
    WebResponse challenge(WebRequest request) {
        if (settings.oidcLogin() && wantsHtml(request) && "GET".equals(request.method())) {
            String query = request.queryParameters().isEmpty() ? "" : "?" + rawQuery(request);
            String next = NextPath.sanitise(Optional.of(request.path() + query));
            return WebResponse.redirect(LogoutUris.withQuery(URI.create(basePath(request) + "/login"), Map.of("next", next)));
        }
        return ErrorResponses.withChallenges(WebResponse.json(401,
                "{\"error\":\"unauthenticated\",\"message\":\"Sign in, or send a bearer token or basic credentials.\"}"), request);
    }

    /** A clean error response: an HTML page for browsers, JSON for API clients; never internals. */
    WebResponse error(WebRequest request, OidcSsoException e) {
        return ErrorResponses.forRequest(request, e);
    }

    private static boolean wantsHtml(WebRequest request) {
        return ErrorResponses.wantsHtml(request);
    }

    private static String basePath(WebRequest request) {
        return ErrorResponses.basePath(request);
    }

    private static String rawQuery(WebRequest request) {
        return LogoutUris.withQuery(URI.create("/"), request.queryParameters()).getRawQuery();
    }
}
