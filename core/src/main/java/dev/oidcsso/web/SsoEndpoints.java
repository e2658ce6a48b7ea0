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
import dev.oidcsso.auth.WorkloadAuthenticator;
import dev.oidcsso.login.IdentityProvider;
import dev.oidcsso.login.IdentityProviders;
import dev.oidcsso.oidc.LoginFlow;
import dev.oidcsso.oidc.LogoutTokenException;
import dev.oidcsso.oidc.LogoutTokenValidator;
import dev.oidcsso.oidc.LogoutUris;
import dev.oidcsso.observe.SsoEvents;
import dev.oidcsso.session.Session;
import dev.oidcsso.session.SessionManager;
import dev.oidcsso.store.Store;
import dev.oidcsso.http.QueryString;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The framework's own routes: {@code /login}, {@code /callback}, {@code /logout},
 * {@code /backchannel-logout}, {@code /auth/status}, {@code /health}, {@code /health/live} and
 * {@code /health/ready}. HTTP only:
 * the login itself is the login service's (of the IdP {@link IdentityProviders} picks), failures become responses in
 * {@link ErrorResponses}.
 */
final class SsoEndpoints {

    /**
     * The start of each login-state cookie's name; the rest is derived from the login's {@code state},
     * so that logins started in several tabs each keep their own.
     */
    static final String LOGIN_COOKIE = "oidc_sso_login_";
    /** Login-state cookies kept at most per browser; a new login drops the oldest beyond. */
    static final int MAX_LOGIN_COOKIES = 5;
    /** The back-channel logout route (OpenID Connect Back-Channel Logout 1.0). */
    static final String BACKCHANNEL_LOGOUT = "/backchannel-logout";
    private static final int MAX_FORM_BYTES = 64 * 1024;
    /** The longest {@code login_hint} passed on (an e-mail address is at most 254 characters). */
    private static final int MAX_LOGIN_HINT = 256;

    private final OidcSettings settings;
    private final IdentityProviders idps;
    private final SessionManager sessions;
    private final Optional<WorkloadAuthenticator> workloads;
    private final Function<WebRequest, Optional<Principal>> authenticate;
    private final Optional<Store> database;
    private final java.util.concurrent.atomic.AtomicReference<long[]> databaseCheck = new java.util.concurrent.atomic.AtomicReference<>();
    private final Csrf csrf;
    private final SsoEvents events;

    SsoEndpoints(OidcSettings settings, IdentityProviders idps, SessionManager sessions,
                 Function<WebRequest, Optional<Principal>> authenticate, Optional<Store> database, Csrf csrf, SsoEvents events,
                 Optional<WorkloadAuthenticator> workloads) {
        this.settings = settings;
        this.idps = idps;
        this.sessions = sessions;
        this.workloads = workloads;
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
            case BACKCHANNEL_LOGOUT -> Optional.of(backchannelLogout(request));
            case "/auth/status" -> Optional.of(status(request));
            case "/health" -> Optional.of(health(request));
            case "/health/live" -> Optional.of(WebResponse.json(200, "{\"status\":\"UP\"}"));
            case "/health/ready" -> Optional.of(ready(request));
            default -> Optional.empty();
        };
    }

    private WebResponse login(WebRequest request) {
        String next = NextPath.sanitise(request.queryParameter("next"));
        Optional<String> hint = request.queryParameter("login_hint").map(String::trim)
                .filter(text -> !text.isEmpty() && text.length() <= MAX_LOGIN_HINT && text.chars().noneMatch(Character::isISOControl));
        Optional<String> chosen = request.queryParameter("idp");
        IdentityProvider idp;
        if (chosen.isPresent()) {
            idp = idps.byName(chosen.get().trim().toLowerCase(java.util.Locale.ROOT)).orElseThrow(() -> new OidcSsoException(400,
                    "There is no identity provider " + named(chosen.get()) + " here. Choose one on the sign-in page."));
        } else if (!idps.several()) {
            idp = idps.first();
        } else {
            Optional<IdentityProvider> byDomain = hint.flatMap(idps::byEmail);
            if (byDomain.isEmpty()) {
                return chooser(request, next, hint, hint.isPresent()
                        ? "No identity provider here serves the domain of that address. Choose one:" : CHOOSE);
            }
            idp = byDomain.get();
        }
        if (idps.several() && crossSite(request)) {
            // Login CSRF through a less trusted IdP: another site's link would start a login there at once, and that IdP
            // could sign the browser in as its own user. The user chooses here instead; their click is same-origin.
            return chooser(request, next, hint, CHOOSE);
        }
        URI redirectUri = settings.redirectUri().orElseGet(() -> URI.create(request.baseUri() + "/callback"));
        LoginFlow.Start start = idp.logins().start(redirectUri, next, hint);
        String state = QueryString.parse(start.authorizationUri().getRawQuery()).getOrDefault("state", "");
        WebResponse response = WebResponse.redirect(start.authorizationUri()).withCookie(sessions.scope().cookie(
                loginCookie(state), start.sealedState(), Optional.of(LoginFlow.LOGIN_TIMEOUT), request));
        // Browsers send older cookies first (RFC 6265 5.4): beyond the bound, the oldest logins are dropped.
        String prefix = sessions.scope().name(LOGIN_COOKIE, request);
        List<Map.Entry<String, String>> started = request.cookiesStartingWith(prefix);
        for (int i = 0; i <= started.size() - MAX_LOGIN_COOKIES; i++) {
            String base = started.get(i).getKey().substring(prefix.length() - LOGIN_COOKIE.length());
            response = response.withCookie(sessions.scope().deletion(base, request));
        }
        return response;
    }

    /**
     * The login chooser: one link per IdP (plain links, so it works without JavaScript), and a form
     * whose e-mail address picks the IdP of its domain and is passed on as {@code login_hint}.
     */
    private WebResponse chooser(WebRequest request, String next, Optional<String> hint, String message) {
        String login = basePath(request) + "/login";
        List<Pages.Choice> choices = new java.util.ArrayList<>();
        for (IdentityProvider idp : idps.all()) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("idp", idp.name());
            query.put("next", next);
            hint.ifPresent(text -> query.put("login_hint", text));
            choices.add(new Pages.Choice(idp.settings().displayName(), LogoutUris.withQuery(URI.create(login), query).toString()));
        }
        boolean byDomain = idps.all().stream().anyMatch(idp -> !idp.settings().emailDomains().isEmpty());
        WebResponse page = WebResponse.html(200, Pages.chooser("Sign in", message, choices, byDomain ? Optional.of(login) : Optional.empty(),
                        next, hint.orElse("")));
        if (!byDomain) {
            return page;
        }
        // The e-mail form's GET is answered with a redirect to an IdP, and browsers hold redirects after a form
        // submission to form-action too: the IdPs' authorization endpoints' origins are allowed, nothing else.
        java.util.Set<String> origins = new java.util.LinkedHashSet<>();
        for (IdentityProvider idp : idps.all()) {
            idp.connection().current().map(discovered -> discovered.metadata().getAuthorizationEndpointURI())
                    .map(SsoEndpoints::origin).filter(origin -> !origin.isEmpty()).ifPresent(origins::add);
        }
        return page.replacingHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
                + (origins.isEmpty() ? "" : " " + String.join(" ", origins)) + "; frame-ancestors 'none'");
    }

    private static final String CHOOSE = "Choose how to sign in:";

    /**
     * Whether the browser says another origin started this navigation (Fetch Metadata, sent by every current
     * browser): {@code cross-site}, or {@code same-site}, since a sibling subdomain may be another party's.
     * Only {@code same-origin} and {@code none} (typed, bookmarked) start a login at once; a browser that
     * sends no {@code Sec-Fetch-Site} is taken at its word.
     */
    private static boolean crossSite(WebRequest request) {
        return request.header("Sec-Fetch-Site").map(String::trim)
                .filter(site -> !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")).isPresent();
    }

    /** A name a user sent, shown only when it is plainly a name. */
    private static String named(String name) {
        return name.matches("[A-Za-z0-9_-]{1,40}") ? "named '" + name + "'" : "of that name";
    }

    /** The name of one login's state cookie: derived from its {@code state}, short and fixed in length. */
    static String loginCookie(String state) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8));
            return LOGIN_COOKIE + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private WebResponse proxyLogin(WebRequest request) {
        return error(request, new OidcSsoException(404, "Sign-in is done by the reverse proxy in front of this application."));
    }

    private WebResponse callback(WebRequest request) {
        String flow = loginCookie(request.queryParameter("state").orElse(""));
        Cookie clearLogin = sessions.scope().deletion(flow, request);
        // Two cookies for one flow means one was planted: neither is trusted.
        List<String> states = sessions.scope().values(flow, request);
        Optional<String> sealedState = states.size() == 1 ? Optional.of(states.get(0)) : Optional.empty();
        if (states.isEmpty()) {
            // No login of this state here, but others: the newest is checked, and the login service says
            // "state mismatch" (a forged or foreign state) rather than "no login started".
            List<Map.Entry<String, String>> others = request.cookiesStartingWith(sessions.scope().name(LOGIN_COOKIE, request));
            sealedState = others.isEmpty() ? Optional.empty() : Optional.of(others.get(others.size() - 1).getValue());
        }
        long started = System.nanoTime();
        LoginOutcome outcome = idps.complete(sealedState, request.queryParameters());
        java.time.Duration latency = java.time.Duration.ofNanos(System.nanoTime() - started);
        if (outcome instanceof LoginOutcome.SignedIn in) {
            // The session this browser held before (another user on a shared machine, or the same one
            // again) ends here: a copy of its cookie must not outlive the browser's own use of it.
            sessions.read(request).ifPresent(previous -> sessions.end(previous, "relogin"));
            events.sessionStarted();
            events.login("success", "none", latency);
            String next = in.next().filter(NextPath::isSafe).orElse("/");
            WebResponse response = WebResponse.redirect(URI.create(basePath(request) + next))
                    .withCookie(clearLogin)
                    .withCookie(sessions.cookie(in.session(), request))
                    .withHeader("Set-Cookie", Csrf.cookieHeader(csrf.token(in.session().id()), request, settings.sessionMaxAge()));
            if (request.secure() && request.cookie(SessionManager.COOKIE).isPresent()) {
                // A session cookie of the earlier format and name: gone, the __Host- one replaces it.
                response = response.withCookie(Cookie.deletion(SessionManager.COOKIE, SessionManager.cookiePath(request), true));
            }
            return response;
        }
        // A failed callback (any site can link to /callback?state=x) leaves an existing session alone.
        OidcSsoException failure = ((LoginOutcome.Refused) outcome).failure();
        events.login("refused", SsoEvents.reason(failure), latency);
        return error(request, failure).withCookie(clearLogin);
    }

    /**
     * {@code GET /logout} asks (a page with a Sign-out button), {@code POST /logout} with the
     * session's CSRF token signs out: a link or image on another site cannot sign a user out.
     */
    private WebResponse logout(WebRequest request) {
        Optional<Session> session = sessions.read(request);
        if ("GET".equals(request.method()) || "HEAD".equals(request.method())) {
            if (session.isEmpty()) {
                return signedOutPage(request);
            }
            Optional<IdentityProvider> idp = idps.ofSession(sessions.idp(session.get()));
            return WebResponse.html(200, Pages.confirm("Sign out", "Sign out of this application"
                            + (settings.oidcLogin() ? " and the identity provider?" : "?"),
                    basePath(request) + "/logout", Csrf.FORM_FIELD, csrf.token(session.get().id()), "Sign out"))
                    // The form's POST is answered with a redirect to the IdP's logout, and browsers hold
                    // redirects after a form submission to form-action too: that one origin is allowed.
                    .replacingHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
                            + idp.map(known -> logoutOrigins(request, known)).orElse("") + "; frame-ancestors 'none'");
        }
        if (!"POST".equals(request.method())) {
            throw new dev.oidcsso.http.MethodNotAllowedException("GET, POST");
        }
        if (session.isEmpty()) {
            return signedOutPage(request).withCookie(sessions.deletion(request));
        }
        csrf.checkSignOut(request, session.get().id(), formField(request, Csrf.FORM_FIELD));
        Optional<String> idToken = sessions.idToken(session.get());
        // The session logs out through the IdP it signed in with: that IdP's end_session_endpoint and ID token.
        Optional<IdentityProvider> known = idps.ofSession(sessions.idp(session.get()));
        sessions.end(session.get(), "logout");
        events.sessionEnded("logout");
        if (known.isEmpty()) {
            // Its IdP is no longer configured: signed out here only, as no other IdP may be told of it.
            Audit.event("logout", "user", session.get().username(), "idp", "(no longer configured)");
            return signedOutPage(request).withCookie(sessions.deletion(request)).withHeader("Set-Cookie", Csrf.deletionHeader(request));
        }
        IdentityProvider idp = known.get();
        Audit.event("logout", "user", session.get().username(), "idp", idp.name());
        Optional<URI> configuredPostLogout = idp.view().postLogoutRedirectUri();
        URI postLogout = configuredPostLogout.orElseGet(() -> URI.create(request.baseUri() + "/"));
        Optional<URI> idpLogout = settings.oidcLogin()
                ? idp.logoutUris().idpLogoutUri(idp.connection().current(), idToken, postLogout)
                : Optional.empty();
        WebResponse response;
        if (idpLogout.isPresent()) {
            response = WebResponse.redirect(idpLogout.get());
        } else if (configuredPostLogout.isPresent()) {
            response = WebResponse.redirect(postLogout);
        } else {
            response = signedOutPage(request);
        }
        return response.withCookie(sessions.deletion(request)).withHeader("Set-Cookie", Csrf.deletionHeader(request));
    }

    /** The origins a sign-out may be redirected to: the IdP's logout and a configured post-logout page. */
    private String logoutOrigins(WebRequest request, IdentityProvider idp) {
        URI postLogout = idp.view().postLogoutRedirectUri().orElseGet(() -> URI.create(request.baseUri() + "/"));
        java.util.Set<String> origins = new java.util.LinkedHashSet<>();
        if (settings.oidcLogin()) {
            idp.logoutUris().idpLogoutUri(idp.connection().current(), Optional.empty(), postLogout)
                    .ifPresent(uri -> origins.add(origin(uri)));
        }
        idp.view().postLogoutRedirectUri().ifPresent(uri -> origins.add(origin(uri)));
        origins.remove("");
        return origins.isEmpty() ? "" : " " + String.join(" ", origins);
    }

    /** scheme://host[:port] of an absolute URI, or empty: never anything a header could be broken with. */
    private static String origin(URI uri) {
        if (uri.getScheme() == null || uri.getRawAuthority() == null || !uri.getScheme().matches("https?")
                || !uri.getRawAuthority().matches("[A-Za-z0-9.:\\[\\]-]+")) {
            return "";
        }
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private WebResponse signedOutPage(WebRequest request) {
        return WebResponse.html(200, Pages.page("Signed out", "You are signed out of this application.",
                basePath(request) + "/login", "Sign in again"));
    }

    private static Optional<String> formField(WebRequest request, String name) {
        String contentType = request.header("Content-Type").orElse("");
        if (!contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return Optional.empty();
        }
        String body = new String(request.body(MAX_FORM_BYTES), StandardCharsets.UTF_8);
        return Optional.ofNullable(QueryString.parse(body).get(name));
    }

    /**
     * OpenID Connect Back-Channel Logout 1.0 2.8: the IdP POSTs a {@code logout_token}; the sessions it
     * names end on every replica. 200 with {@code Cache-Control: no-store} when done, 400 with an
     * OAuth-style error when the token is refused.
     */
    private WebResponse backchannelLogout(WebRequest request) {
        if (!"POST".equals(request.method())) {
            throw new dev.oidcsso.http.MethodNotAllowedException("POST");
        }
        if (!settings.oidcLogin()) {
            return error(request, new OidcSsoException(404, "Back-channel logout needs OpenID Connect login."));
        }
        try {
            String token = formField(request, "logout_token")
                    .orElseThrow(() -> new LogoutTokenException("the request carries no logout_token form parameter"));
            // Validated against the IdP whose issuer the token names, with that IdP's keys and client id only.
            IdentityProvider idp = idps.byTokenIssuer(token).orElseThrow(() -> new LogoutTokenException(
                    "the logout token's issuer is none of the configured identity providers"));
            LogoutTokenValidator.LogoutRequest logout = idp.logoutTokens().validate(idp.connection().require(), token);
            int ended = sessions.endAtIdp(logout.issuer(), logout.sessionId(), logout.subject());
            Audit.event("back-channel logout", "sessions", ended);
            // WebResponse.json already says Cache-Control: no-store, as §2.8 asks.
            return WebResponse.json(200, "{}");
        } catch (LogoutTokenException e) {
            Audit.event("back-channel logout refused", "reason", e.getMessage());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "invalid_request");
            body.put("error_description", e.getMessage());
            return WebResponse.json(400, Json.write(body));
        }
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

    /**
     * Ready while logins can start through at least one IdP and the database answers: an IdP that is
     * down stops its own logins only, and taking the whole application out of service for it would
     * lock out the users of the others. The body names each IdP (and workload issuer) that is down.
     */
    private boolean isReady() {
        return (!settings.oidcLogin() || idps.all().stream().anyMatch(IdentityProvider::up)) && databaseAvailable();
    }

    /** Whether the readiness body names each IdP and workload issuer (a single IdP keeps its short answer). */
    private boolean detailed() {
        return idps.several() || settings.namedIdps() || workloads.isPresent();
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

    /**
     * Whether the caller may see which IdPs and workload issuers are configured and which are down:
     * an administrator only. To anyone else (a probe, an attacker mapping the deployment) readiness
     * gives counts; the names, and why one is down, are in the log.
     */
    private boolean showsNames(WebRequest request) {
        try {
            return authenticate.apply(request).map(Principal::admin).orElse(false);
        } catch (RuntimeException e) {
            return false; // refused credentials: the anonymous answer
        }
    }

    /** Up and down counts, without names. */
    private static Map<String, Integer> counts(Collection<Boolean> up) {
        int ups = (int) up.stream().filter(Boolean::booleanValue).count();
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("up", ups);
        counts.put("down", up.size() - ups);
        return counts;
    }

    private WebResponse health(WebRequest request) {
        boolean ready = isReady();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "UP" : "DOWN");
        if (settings.discoveryUrl() != null) {
            // Whether, not why: the last failure names internal addresses and goes to the log only.
            body.put("identity_provider", Map.of("ready", idps.all().stream().anyMatch(IdentityProvider::up)));
        }
        if (detailed()) {
            Map<String, Boolean> idpStatus = idps.status();
            Map<String, Boolean> issuerStatus = workloads.map(WorkloadAuthenticator::issuerStatus).orElse(Map.of());
            if (showsNames(request)) {
                body.put("identity_providers", readiness(idpStatus));
                if (workloads.isPresent()) {
                    body.put("workload_issuers", readiness(issuerStatus));
                }
            } else {
                body.put("identity_providers", counts(idpStatus.values()));
                if (workloads.isPresent()) {
                    body.put("workload_issuers", counts(issuerStatus.values()));
                }
            }
        }
        database.ifPresent(db -> body.put("database", Map.of("ready", databaseAvailable())));
        return WebResponse.json(ready ? 200 : 503, Json.write(body));
    }

    private WebResponse ready(WebRequest request) {
        boolean ready = isReady();
        WebResponse response;
        if (detailed()) {
            Map<String, Object> body = new LinkedHashMap<>();
            Map<String, Boolean> each = idps.status();
            Map<String, Boolean> issuers = workloads.map(WorkloadAuthenticator::issuerStatus).orElse(Map.of());
            boolean all = !each.containsValue(false) && !issuers.containsValue(false);
            body.put("status", !ready ? "DOWN" : all ? "UP" : "DEGRADED");
            boolean names = showsNames(request);
            body.put("identity_providers", names ? upOrDown(each) : counts(each.values()));
            if (workloads.isPresent()) {
                body.put("workload_issuers", names ? upOrDown(issuers) : counts(issuers.values()));
            }
            response = WebResponse.json(ready ? 200 : 503, Json.write(body));
        } else {
            response = WebResponse.json(ready ? 200 : 503, ready ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
        }
        return ready ? response : response.withHeader("Retry-After", ErrorResponses.RETRY_AFTER_SECONDS);
    }

    private static Map<String, Object> readiness(Map<String, Boolean> status) {
        Map<String, Object> each = new LinkedHashMap<>();
        status.forEach((name, up) -> each.put(name, Map.of("ready", up)));
        return each;
    }

    private static Map<String, String> upOrDown(Map<String, Boolean> status) {
        Map<String, String> each = new LinkedHashMap<>();
        status.forEach((name, up) -> each.put(name, up ? "UP" : "DOWN"));
        return each;
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
