package dev.oidcsso.web;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.auth.Authenticator;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.auth.Accounts;
import dev.oidcsso.auth.BasicTokenAuthenticator;
import dev.oidcsso.auth.BearerAuthenticator;
import dev.oidcsso.auth.SessionAuthenticator;
import dev.oidcsso.auth.TrustedHeaderAuthenticator;
import dev.oidcsso.auth.WorkloadAuthenticator;
import dev.oidcsso.config.AuthMode;
import dev.oidcsso.identity.RoleDecision;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.identity.IdentityResolver;
import dev.oidcsso.config.IdpSettings;
import dev.oidcsso.crypto.SealingKey;
import dev.oidcsso.login.IdentityProvider;
import dev.oidcsso.login.IdentityProviders;
import dev.oidcsso.login.LoginService;
import dev.oidcsso.login.SessionRefresher;
import dev.oidcsso.oidc.CallbackReplayGuard;
import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.oidc.Discovery;
import dev.oidcsso.oidc.LoginFlow;
import dev.oidcsso.oidc.LogoutUris;
import dev.oidcsso.spi.support.JsonHttp;
import dev.oidcsso.oidc.OidcHttp;
import dev.oidcsso.oidc.ProviderConnection;
import dev.oidcsso.oidc.ProviderUnavailableException;
import dev.oidcsso.oidc.TokenValidator;
import dev.oidcsso.oidc.UserInfoClient;
import dev.oidcsso.crypto.Sealer;
import dev.oidcsso.observe.SsoEvents;
import dev.oidcsso.http.CookieScope;
import dev.oidcsso.oidc.LogoutTokenValidator;
import dev.oidcsso.session.InMemorySessionStore;
import dev.oidcsso.session.SessionCodec;
import dev.oidcsso.session.SessionManager;
import dev.oidcsso.session.SessionStore;
import dev.oidcsso.spi.IdentitySource;
import dev.oidcsso.store.Store;
import dev.oidcsso.spi.IdentityValidator;
import dev.oidcsso.authz.Actor;
import dev.oidcsso.authz.PermissionEvaluator;
import dev.oidcsso.authz.PermissionPolicy;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.web.api.AdminRoles;
import dev.oidcsso.web.api.RestApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The framework in front of one application: built once from {@link OidcSettings}, then asked
 * about every request through {@link #process(WebRequest)} by a server adapter
 * ({@link OidcSsoFilter} for servlet containers, {@link OidcSsoHttpFilter} for the JDK HttpServer).
 *
 * <pre>{@code
 * OidcSso sso = OidcSso.create(OidcSettings.fromEnvironment());
 * }</pre>
 */
public final class OidcSso implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OidcSso.class);
    /** How many sessions refresh at once in one instance. */
    private static final int REFRESH_THREADS = 4;

    private final OidcSettings settings;
    private final ProviderConnection provider;
    private final IdentityProviders idps;
    private final SessionManager sessions;
    private final List<Authenticator> authenticators;
    private final SsoEndpoints endpoints;
    private final AccessPolicy policy;
    private final ForwardedHeaders forwarded;
    private final Optional<Store> database;
    private final Optional<PermissionEvaluator> permissions;
    private final Optional<RestApi> api;
    private final Optional<UiAssets> ui;
    private final Csrf csrf;
    private final boolean csrfOnApplicationPaths;
    private final ExecutorService sessionWrites;
    private final Optional<ExecutorService> sessionRefreshes;
    private final SsoEvents events;

    private OidcSso(Builder builder) {
        this.settings = builder.settings;
        Clock clock = builder.clock;
        SecureRandom random = builder.random;
        this.events = builder.events;
        SealingKey key = settings.secretKey().map(SealingKey::fromSecret).orElseGet(() -> {
            LOG.warn("*** SECRET_KEY is not set: using a random key. Sessions end when this process stops and are not "
                    + "accepted by other instances. Set SECRET_KEY to 32 or more random characters in production. ***");
            return SealingKey.random(random);
        });
        OidcHttp http = new OidcHttp(settings.httpTimeout());
        this.database = Optional.ofNullable(builder.database);
        Accounts accounts = new Accounts(database, clock, settings.groupsMaxStaleness());
        SessionStore sessionStore = builder.sessionStore != null ? builder.sessionStore
                : database.map(Store::sessions).orElseGet(() -> new InMemorySessionStore(clock));
        this.sessionWrites = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "oidc-sso-session-activity");
            thread.setDaemon(true);
            return thread;
        });
        this.sessions = new SessionManager(new SessionCodec(key, random), sessionStore,
                new Sealer(key, "session-id-token", SessionManager.MAX_SEALED_ID_TOKEN),
                new Sealer(key, "session-refresh-token", SessionManager.MAX_SEALED_ID_TOKEN), settings.refreshBefore(),
                new CookieScope(settings.session().cookieDomain()), settings.sessionMaxAge(), settings.sessionIdleTimeout(),
                clock, sessionWrites);
        CallbackReplayGuard replays = database.map(Store::callbacks)
                .orElseGet(() -> CallbackReplayGuard.inMemory(LoginFlow.LOGIN_TIMEOUT, clock));
        // The first IdP's roles are those of the authenticators that know no IdP (basic, trusted header, session).
        RoleDecision roles = new RoleDecision(settings.adminGroups(), settings.userGroups());
        List<IdentityProvider> idpList = new ArrayList<>();
        // Two IdPs with one issuer could not be told apart (bearer routing, back-channel logout, bound users): the
        // second to discover it is refused, at start-up when both are reachable then, else it stays down and says why.
        Map<String, String> issuerOwners = new ConcurrentHashMap<>();
        Set<String> sharedIssuers = ConcurrentHashMap.newKeySet();
        for (IdpSettings idp : settings.idps()) {
            idpList.add(identityProvider(idp, http, clock, key, replays, accounts, issuerOwners, sharedIssuers));
        }
        this.idps = new IdentityProviders(idpList);
        this.provider = idps.first().connection();
        List<Authenticator> chain = new ArrayList<>(builder.authenticators);
        Optional<WorkloadAuthenticator> workloadHealth = Optional.empty();
        // With several IdPs a user's role is decided with the groups of their IdP: a session's, or the one the user is bound to.
        Map<String, RoleDecision> idpRoles = new HashMap<>();
        idps.all().forEach(idp -> idpRoles.put(idp.name(), new RoleDecision(idp.view().adminGroups(), idp.view().userGroups())));
        java.util.function.Function<String, Optional<RoleDecision>> rolesOfIssuer = issuer -> idps.all().stream()
                .filter(idp -> idp.connection().current()
                        .filter(discovered -> idp.view().profile().ownsIssuer(discovered.issuer(), issuer)).isPresent())
                .findFirst().map(idp -> idpRoles.get(idp.name()));
        // A user whose IdP cannot be told (never signed in through a browser, an IdP removed or not discovered yet)
        // gets no role from another IdP's group names: those groups may have been chosen by a less trusted IdP.
        RoleDecision noRole = new RoleDecision(List.of(), List.of());
        java.util.function.Function<String, RoleDecision> rolesOfUser = username -> accounts.boundIssuer(username)
                .flatMap(rolesOfIssuer).orElse(noRole);
        AdminRoles adminRoles = idps.several() ? AdminRoles.byIssuer(rolesOfIssuer, noRole, idpRoles.values()) : AdminRoles.of(roles);
        database.ifPresent(db -> chain.add(idps.several()
                ? new BasicTokenAuthenticator(db.tokens(), accounts, rolesOfUser, new dev.oidcsso.auth.FailureBrake())
                : new BasicTokenAuthenticator(db.tokens(), accounts, roles)));
        if (!settings.workloads().issuers().isEmpty()) {
            // Before the IdP's bearer authenticator: it takes only tokens of the workload issuers and leaves the rest.
            WorkloadAuthenticator workloads = new WorkloadAuthenticator(settings.workloads(), JsonHttp.create(settings.httpTimeout()),
                    settings.httpTimeout(), accounts, roles, clock, settings.clockSkew());
            LOG.info("oidc-sso: workload issuers {} trusted for bearer tokens", workloads.names());
            chain.add(workloads);
            workloadHealth = Optional.of(workloads);
        }
        List<IdentityProvider> bearerIdps = idps.all().stream().filter(idp -> idp.view().discoveryUrl() != null).toList();
        if (bearerIdps.size() == 1) {
            IdentityProvider idp = bearerIdps.get(0);
            chain.add(new BearerAuthenticator(idp.connection(), idp.tokens(), idp.identities(), idp.view().audiences(), accounts));
        } else if (!bearerIdps.isEmpty()) {
            chain.add(new BearerByIssuer(bearerIdps, accounts));
        }
        if (settings.authModes().contains(AuthMode.TRUSTED_HEADER)) {
            chain.add(new TrustedHeaderAuthenticator(settings.trustedProxies(), settings.trustedHeaders(), roles, accounts));
        }
        // A session of an IdP not configured here is refused as it is read (F8); the roles are its own IdP's.
        sessions.onlyIdps(idps.all().stream().map(IdentityProvider::name).collect(Collectors.toSet()));
        chain.add(idps.several()
                ? new SessionAuthenticator(sessions, accounts, session -> idps.ofSession(sessions.idp(session)).map(idp -> idpRoles.get(idp.name())))
                : new SessionAuthenticator(sessions, accounts, roles));
        this.authenticators = List.copyOf(chain);
        this.policy = new AccessPolicy(settings.publicPaths());
        this.forwarded = new ForwardedHeaders(settings.trustedProxies(), List.of(settings.trustedHeaders().user(),
                settings.trustedHeaders().email(), settings.trustedHeaders().groups()), settings.forwardedHeaders());
        this.csrf = new Csrf(key);
        this.csrfOnApplicationPaths = settings.csrf().applicationPaths();
        if (!csrfOnApplicationPaths) {
            LOG.warn("{}=false: the application's own state-changing paths get no CSRF protection from oidc-sso; "
                    + "make sure the application has its own.", SettingNames.CSRF_APP_PATHS);
        }
        PermissionPolicy permissionPolicy = builder.policy != null ? builder.policy : settings.permissions();
        Optional<ResourceTypes> types = Optional.ofNullable(builder.resourceTypes);
        this.permissions = database.flatMap(db -> types.map(t -> new PermissionEvaluator(db.permissions(), permissionPolicy, t)));
        this.api = database.map(db -> new RestApi(db, types, permissionPolicy, permissions, adminRoles, csrf::token, sessions));
        this.ui = database.map(db -> new UiAssets());
        UserInfoClient userInfo = new UserInfoClient(http);
        if (settings.refreshTokens()) {
            // A few threads, since each refresh waits on the IdP (5-minute tokens and 10 000 active users are
            // ~33 refreshes a second); a bounded queue, since a session refused here is simply tried at its next request.
            ThreadPoolExecutor refreshPool = new ThreadPoolExecutor(REFRESH_THREADS,
                    REFRESH_THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000),
                    task -> {
                        Thread thread = new Thread(task, "oidc-sso-session-refresh");
                        thread.setDaemon(true);
                        return thread;
                    });
            refreshPool.allowCoreThreadTimeOut(true);
            this.sessionRefreshes = Optional.of(refreshPool);
            // A claim outlives the longest refresh: token endpoint, keys, UserInfo and a directory, each within the timeout.
            Duration lease = settings.httpTimeout().multipliedBy(4).plusSeconds(5);
            // With several IdPs each gets at most all threads but one, so a slow or hanging IdP leaves the others a thread.
            SessionRefresher refresher = new SessionRefresher(idps, userInfo, accounts, sessions, clock, lease, sessionRefreshes.get(),
                    idps.several() ? REFRESH_THREADS - 1 : REFRESH_THREADS);
            sessions.onRefreshDue(refresher::due);
            LOG.info("oidc-sso: sessions refresh the IdP's tokens {} before they expire", settings.refreshBefore());
        } else {
            this.sessionRefreshes = Optional.empty();
        }
        this.endpoints = new SsoEndpoints(settings, idps, sessions, this::authenticate, database, csrf, events, workloadHealth);
        if (settings.trustedProxies().trustsEveryAddress()) {
            LOG.warn("OIDC_TRUSTED_PROXIES contains a /0 range: every client may set forwarding{} headers. "
                    + "List only the reverse proxies' addresses.",
                    settings.authModes().contains(AuthMode.TRUSTED_HEADER) ? " and identity" : "");
        }
        for (IdentityProvider idp : idps.all()) {
            if (idp.view().discoveryUrl() != null) {
                idp.connection().start();
            }
        }
        if (!sharedIssuers.isEmpty()) {
            close();
            throw new SettingsException(List.copyOf(sharedIssuers));
        }
    }

    /**
     * One IdP with everything that talks to it, each part made from the settings as this IdP sees
     * them: its own discovery and keys (so one IdP that is down affects only its own logins), token
     * validator, identity rules and plugins, login flow and logout.
     */
    private IdentityProvider identityProvider(IdpSettings idp, OidcHttp http, Clock clock, SealingKey key,
                                              CallbackReplayGuard replays, Accounts accounts,
                                              Map<String, String> issuerOwners, Set<String> sharedIssuers) {
        OidcSettings view = settings.forIdp(idp);
        IdentitySource source = idp.plugins().identitySource();
        IdentityValidator validator = idp.plugins().identityValidator();
        GroupDetector detector = idp.plugins().groupDetector();
        LOG.info("oidc-sso: IdP '{}': provider profile '{}', identity source '{}', identity validator '{}', group detector '{}' ({})",
                idp.name(), view.profile().name(), source.name(), validator.name(), detector.name(), detector.getClass().getName());
        Discovery discovery = new Discovery(view, http, clock, events);
        ProviderConnection connection = new ProviderConnection(() -> {
            DiscoveredProvider discovered = events.fetching("discovery", discovery::discover);
            String owner = issuerOwners.putIfAbsent(discovered.issuer(), idp.name());
            if (owner != null && !owner.equals(idp.name())) {
                String problem = "IdPs '" + owner + "' and '" + idp.name() + "' declare the same issuer " + discovered.issuer()
                        + ": two IdPs cannot share one issuer (their tokens, logins and logouts could not be told apart); "
                        + "configure that IdP once";
                sharedIssuers.add(problem);
                throw new ProviderUnavailableException(problem);
            }
            return discovered;
        });
        TokenValidator tokens = new TokenValidator(view, clock);
        RoleDecision roles = new RoleDecision(view.adminGroups(), view.userGroups());
        IdentityResolver identities = new IdentityResolver(view, source, validator, detector, roles);
        LoginService logins = new LoginService(connection, new LoginFlow(view, http, tokens, key, clock, idp.name()),
                replays, new UserInfoClient(http), identities, accounts, sessions);
        LogoutTokenValidator logoutTokens = new LogoutTokenValidator(view.clientId(), view.clockSkew(), clock, replays,
                (discovered, claims) -> view.profile().acceptsTokenIssuer(discovered.issuer(), claims));
        return new IdentityProvider(idp, view, connection, tokens, identities, logins, new LogoutUris(view), logoutTokens);
    }

    /**
     * Builds the framework with defaults for everything but the settings.
     *
     * @param settings the settings
     * @return the framework, discovering the IdP (in the background when it is unreachable)
     */
    public static OidcSso create(OidcSettings settings) {
        return builder(settings).build();
    }

    /**
     * A builder for tests and applications that replace parts.
     *
     * @param settings the settings
     * @return the builder
     */
    public static Builder builder(OidcSettings settings) {
        return new Builder(settings);
    }

    /**
     * Decides what happens with a request: a framework route is answered, a public path proceeds
     * anonymously, an authenticated request proceeds with its principal, and anything else is sent
     * to log in (browsers) or answered 401 (API clients). Never throws: failures become 4xx/5xx
     * responses without internals.
     *
     * @param received the request as the server received it
     * @return the outcome
     */
    public Outcome process(WebRequest received) {
        return handle(received).outcome();
    }

    /**
     * What {@link #process} decided, and the request as it resolved it (behind a trusted proxy,
     * with the outside base URL), for this package's adapters.
     *
     * @param outcome the outcome
     * @param request the resolved request
     */
    record Handled(Outcome outcome, WebRequest request) {
    }

    /** {@link #process}, keeping the resolved request for the adapter. */
    Handled handle(WebRequest received) {
        WebRequest request = received;
        try {
            request = forwarded.resolve(received);
            return new Handled(decide(request), request);
        } catch (OidcSsoException e) {
            return new Handled(new Outcome.Respond(endpoints.error(request, e)), request);
        } catch (Throwable e) {
            // Throwable, not RuntimeException: an Error (StackOverflowError, an OutOfMemoryError in one request, a plugin's
            // LinkageError) or a sneakily thrown checked exception would reach the container, whose page names the class.
            LOG.error("Unexpected failure on {} {}", request.method(), request.path(), e);
            try {
                return new Handled(new Outcome.Respond(endpoints.error(request, new OidcSsoException(500, "An unexpected error occurred."))),
                        request);
            } catch (Throwable again) {
                // Even the error page failed (a request too broken to describe): answer without it.
                return new Handled(new Outcome.Respond(WebResponse.json(500, "{\"error\":\"server_error\"}")), request);
            }
        }
    }

    private Outcome decide(WebRequest request) {
        Optional<WebResponse> own = endpoints.handle(request);
        if (own.isPresent()) {
            return new Outcome.Respond(own.get());
        }
        if (RestApi.matches(request.path())) {
            return new Outcome.Respond(api(request));
        }
        if (UiAssets.matches(request.path())) {
            return new Outcome.Respond(ui(request));
        }
        if (policy.isPublic(request.path())) {
            return new Outcome.Proceed(Optional.empty());
        }
        Optional<Principal> principal = authenticate(request);
        if (principal.isPresent()) {
            if (csrfOnApplicationPaths) {
                csrf.check(request, principal.get());
            }
            return new Outcome.Proceed(principal);
        }
        return new Outcome.Respond(endpoints.challenge(request));
    }

    /**
     * The application's base URL as the browser sees it: behind a trusted reverse proxy, the outside
     * scheme, host, port and path prefix; otherwise the one the server reports. Server adapters
     * give it to the application, so that the links it writes work behind the proxy as the
     * framework's own redirects do.
     *
     * @param received the request as the server received it
     * @return for example {@code https://tracking.example.com/mlflow}, without a trailing slash
     */
    public URI baseUri(WebRequest received) {
        return forwarded.resolve(received).baseUri();
    }

    /**
     * The REST API: only with a store (404 without one), only authenticated (401), CSRF-checked
     * whatever {@code OIDC_CSRF_APP_PATHS} says, and answered in JSON even to a browser.
     */
    private WebResponse api(WebRequest request) {
        if (api.isEmpty()) {
            return ErrorResponses.forApi(request,
                    new OidcSsoException(404, "The REST API needs a user database: build OidcSso with .database(...)."));
        }
        try {
            Optional<Principal> principal = authenticate(request);
            if (principal.isEmpty()) {
                throw new OidcSsoException(401, "Sign in, or send a bearer token or basic credentials.");
            }
            csrf.check(request, principal.get());
            return api.get().handle(request, principal.get());
        } catch (OidcSsoException e) {
            return ErrorResponses.forApi(request, e);
        }
    }

    /**
     * The web UI under {@code /oidc/ui/}: only with a store (it uses the REST API), only for
     * authenticated users (browsers are sent to log in and come back), never the application's.
     */
    private WebResponse ui(WebRequest request) {
        if (ui.isEmpty()) {
            throw new OidcSsoException(404, "The oidc-sso UI needs a user database: build OidcSso with .database(...).");
        }
        if (authenticate(request).isEmpty()) {
            return endpoints.challenge(request);
        }
        return ui.get().serve(request);
    }

    /**
     * Authenticates a request with every configured authenticator in turn.
     *
     * @param request the request
     * @return the principal, or empty when the request carries no credentials
     * @throws OidcSsoException with status 401 when credentials are present but invalid
     */
    public Optional<Principal> authenticate(WebRequest request) {
        for (Authenticator authenticator : authenticators) {
            Optional<Principal> principal = events.authenticating(authenticator, () -> authenticator.authenticate(request));
            if (principal.isPresent()) {
                return principal;
            }
        }
        return Optional.empty();
    }

    /**
     * Whether logins can start: without OIDC login always; with it, while at least one IdP has been
     * discovered (an IdP that is down stops its own logins only; {@link #identityProviderStatus()}
     * says which).
     *
     * @return whether the application is ready
     */
    public boolean ready() {
        return !settings.oidcLogin() || idps.all().stream().anyMatch(IdentityProvider::up);
    }

    /**
     * Whether each IdP for browser logins has been discovered, by name ({@code default} for a single IdP).
     *
     * @return each IdP's name and whether it is up, in the configured order
     */
    public Map<String, Boolean> identityProviderStatus() {
        return idps.status();
    }

    /** The IdPs by name, for the framework's own parts (the login routes, a session's refresh). */
    IdentityProviders identityProviders() {
        return idps;
    }

    /** @return the store, when the application runs with one */
    public Optional<Store> database() {
        return database;
    }

    /**
     * The permission decision over the store's grants and rules, for the application's own
     * endpoints; present when the framework was built with a {@link Builder#database(Store)
     * database} and {@link Builder#resourceTypes(ResourceTypes) resource types}.
     *
     * @return the evaluator
     */
    public Optional<PermissionEvaluator> permissions() {
        return permissions;
    }

    /**
     * The permission model's view of an authenticated user.
     *
     * @param principal the principal of a request
     * @return the actor for {@link PermissionEvaluator}
     */
    public static Actor actor(Principal principal) {
        return new Actor(principal.username(), new HashSet<>(principal.groups()), principal.admin());
    }

    /**
     * The CSRF token a page must send in the {@code X-OIDC-SSO-CSRF} header with state-changing
     * requests of this session, for applications that render their own forms or scripts.
     *
     * @param principal the principal of a request
     * @return the token, present for session-authenticated principals only
     */
    public Optional<String> csrfToken(Principal principal) {
        return csrf.token(principal);
    }

    /** @return the settings */
    public OidcSettings settings() {
        return settings;
    }

    /** @return the session manager, for components that end sessions */
    public SessionManager sessions() {
        return sessions;
    }

    /** @return the connection to the (first) IdP, for components that validate tokens */
    public ProviderConnection provider() {
        return provider;
    }

    @Override
    public void close() {
        idps.close();
        sessionWrites.shutdown();
        sessionRefreshes.ifPresent(ExecutorService::shutdownNow);
    }

    /**
     * Assembles an {@link OidcSso}; everything but the settings has a default.
     */
    public static final class Builder {

        private final OidcSettings settings;
        private Clock clock = Clock.systemUTC();
        private SecureRandom random = new SecureRandom();
        private SessionStore sessionStore;
        private Store database;
        private ResourceTypes resourceTypes;
        private PermissionPolicy policy;
        private final List<Authenticator> authenticators = new ArrayList<>();
        private SsoEvents events = SsoEvents.NONE;

        private Builder(OidcSettings settings) {
            this.settings = settings;
        }

        /**
         * The clock (tests move it).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Where sessions are kept; by default in this process only (a single instance). Replicas
         * share one kept in the user database.
         *
         * @param store the session store
         * @return this builder
         */
        public Builder sessionStore(SessionStore store) {
            this.sessionStore = store;
            return this;
        }

        /**
         * The store of users, access tokens, grants and sessions. With it, logins are recorded,
         * personal access tokens work, disabled users are refused everywhere, and sessions revoked on
         * one replica are refused by all. The caller opens and closes it.
         *
         * @param database the store
         * @return this builder
         */
        public Builder database(Store database) {
            this.database = database;
            return this;
        }

        /**
         * The application's resource types, for example {@code ResourceTypes.of("experiment",
         * "registered_model")}. With a database they enable {@link OidcSso#permissions()} and the
         * grant and rule routes of the REST API; grants on any other type are refused with 400.
         *
         * @param types the declared types
         * @return this builder
         */
        public Builder resourceTypes(ResourceTypes types) {
            this.resourceTypes = types;
            return this;
        }

        /**
         * The permission policy; by default {@code PERMISSION_SOURCE_ORDER} and
         * {@code DEFAULT_PERMISSION} from the settings.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder permissionPolicy(PermissionPolicy policy) {
            this.policy = policy;
            return this;
        }

        /**
         * Adds an authenticator, asked before the session cookie (bearer and basic credentials are
         * explicit and win over a cookie the browser happens to send).
         *
         * @param authenticator the authenticator
         * @return this builder
         */
        public Builder authenticator(Authenticator authenticator) {
            authenticators.add(authenticator);
            return this;
        }

        /**
         * Where the framework reports logins, authentications, IdP fetches and sessions, for
         * metrics; by default nowhere.
         *
         * @param events the observer
         * @return this builder
         */
        public Builder events(SsoEvents events) {
            this.events = java.util.Objects.requireNonNull(events, "events");
            return this;
        }

        /**
         * Records metrics into a Micrometer registry (Micrometer must be on the class path):
         * shorthand for {@code events(new MicrometerSsoEvents(registry))}.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            return events(new dev.oidcsso.observe.MicrometerSsoEvents(registry));
        }

        /**
         * Builds and starts discovery.
         *
         * @return the framework
         */
        public OidcSso build() {
            return new OidcSso(this);
        }
    }

}
