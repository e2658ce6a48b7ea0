package dev.oidcsso.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.claims.AccessTokenHash;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.ClientAuthMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * An in-process OpenID provider for tests, on the JDK's HTTP server at {@code 127.0.0.1} on a free
 * port. It has no login page: {@code /authorize} logs in the configured {@link TestUser} at once and
 * redirects back. It checks what a strict provider checks (registered client and redirect URI, PKCE
 * S256, client authentication, single-use short-lived codes) and, on request, misbehaves once in the
 * ways listed in {@link Misbehaviour}, so each relying-party conformance case can be provoked.
 *
 * <pre>{@code
 * try (TestProvider op = TestProvider.builder().redirectUri(app + "/callback").start()) {
 *     op.user(TestUser.admin()).misbehave(Misbehaviour.ALG_NONE);
 *     // configure the application with op.discoveryUrl(), op.clientId(), op.clientSecret() ...
 * }
 * }</pre>
 *
 * <p>All state belongs to the instance and is safe to change from the test thread while the server
 * threads serve requests. Closing the provider stops the server.
 */
public final class TestProvider implements AutoCloseable {

    /** The {@code error_description} of {@link Misbehaviour#AUTHORIZATION_ERROR}: markup to be escaped. */
    public static final String HOSTILE_ERROR_DESCRIPTION = "<script>alert(1)</script>";

    /** The issuer named by {@link Misbehaviour#WRONG_ISSUER} and {@link Misbehaviour#WRONG_ISS_PARAMETER}. */
    public static final String FOREIGN_ISSUER = "https://attacker.example";

    /** The other audience used by the audience misbehaviours. */
    public static final String OTHER_AUDIENCE = "another-client";

    private static final Pattern CODE_VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    private final SecureRandom random = new SecureRandom();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI baseUrl;
    private final Clock clock;
    private final Duration codeLifetime;
    private final Duration tokenLifetime;
    private final String clientId;
    private final String clientSecret;
    private final Set<String> redirectUris = ConcurrentHashMap.newKeySet();
    private final Set<String> postLogoutRedirectUris = ConcurrentHashMap.newKeySet();
    private volatile Set<ClientAuthMethod> clientAuthMethods;
    private volatile boolean issParameter;
    private volatile TestUser user;
    private final Set<Misbehaviour> pending = EnumSet.noneOf(Misbehaviour.class);
    private final Map<String, CodeGrant> codes = new ConcurrentHashMap<>();
    private final Map<String, TokenGrant> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();
    private final Set<String> spentRefreshTokens = ConcurrentHashMap.newKeySet();
    private final List<String> issuedRefreshTokens = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger refreshReplays = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean rotateRefreshTokens = true;
    private volatile boolean refreshIdTokens = true;
    private volatile Set<String> userInfoOmits = Set.of();
    private volatile boolean tokenEndpointDown;
    private volatile boolean codesReusable;
    private volatile java.util.concurrent.CountDownLatch tokenEndpointGate;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Discovery discovery = new Discovery();
    private final Jwks jwks;

    private TestProvider(Builder builder) {
        this.clock = builder.clock;
        this.codeLifetime = builder.codeLifetime;
        this.tokenLifetime = builder.tokenLifetime;
        this.clientId = builder.clientId;
        this.clientSecret = builder.clientSecret != null ? builder.clientSecret : randomToken(24);
        this.redirectUris.addAll(builder.redirectUris);
        this.postLogoutRedirectUris.addAll(builder.postLogoutRedirectUris);
        this.clientAuthMethods = Set.copyOf(builder.clientAuthMethods);
        this.issParameter = builder.issParameter;
        this.user = builder.user;
        this.jwks = new Jwks(builder.algorithm);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the test provider to 127.0.0.1", e);
        }
        executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "test-provider-" + server.getAddress().getPort());
            // Daemon, so a test that forgets close() cannot keep the JVM alive.
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        server.start();
    }

    /**
     * A builder for a provider with non-default settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a provider with the default settings: client {@code test-client} with a random secret,
     * client_secret_basic or client_secret_post, RS256, RFC 9207 {@code iss} on, user {@link
     * TestUser#alice()}, and no registered redirect URI yet (register one with {@link
     * #registerRedirectUri(String)}).
     *
     * @return the running provider
     */
    public static TestProvider start() {
        return builder().start();
    }

    // ------------------------------------------------------------------ where it is

    /**
     * The base URL, {@code http://127.0.0.1:<port>}, which is also the issuer.
     *
     * @return the base URL
     */
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * The issuer identifier, the base URL without a trailing slash.
     *
     * @return the issuer
     */
    public String issuer() {
        return baseUrl.toString();
    }

    /**
     * The discovery document's URL.
     *
     * @return {@code <issuer>/.well-known/openid-configuration}
     */
    public URI discoveryUrl() {
        return endpoint("/.well-known/openid-configuration");
    }

    /**
     * The authorization endpoint.
     *
     * @return {@code <issuer>/authorize}
     */
    public URI authorizationEndpoint() {
        return endpoint("/authorize");
    }

    /**
     * The token endpoint.
     *
     * @return {@code <issuer>/token}
     */
    public URI tokenEndpoint() {
        return endpoint("/token");
    }

    /**
     * The UserInfo endpoint.
     *
     * @return {@code <issuer>/userinfo}
     */
    public URI userinfoEndpoint() {
        return endpoint("/userinfo");
    }

    /**
     * The JWKS endpoint.
     *
     * @return {@code <issuer>/jwks}
     */
    public URI jwksUri() {
        return endpoint("/jwks");
    }

    /**
     * The end-session (RP-initiated logout) endpoint.
     *
     * @return {@code <issuer>/logout}
     */
    public URI endSessionEndpoint() {
        return endpoint("/logout");
    }

    private URI endpoint(String path) {
        return URI.create(baseUrl + path);
    }

    // ------------------------------------------------------------------ the client and the user

    /**
     * The registered client's id.
     *
     * @return the client id
     */
    public String clientId() {
        return clientId;
    }

    /**
     * The registered client's secret (random per instance unless the builder set one).
     *
     * @return the client secret
     */
    public String clientSecret() {
        return clientSecret;
    }

    /**
     * Registers one more redirect URI; {@code /authorize} accepts only exact matches.
     *
     * @param uri the redirect URI, typically the application's {@code /callback}
     * @return this provider
     */
    public TestProvider registerRedirectUri(String uri) {
        redirectUris.add(Objects.requireNonNull(uri, "uri"));
        return this;
    }

    /**
     * Registers one more post-logout redirect URI; {@code /logout} redirects only to exact matches.
     *
     * @param uri the post-logout redirect URI
     * @return this provider
     */
    public TestProvider registerPostLogoutRedirectUri(String uri) {
        postLogoutRedirectUris.add(Objects.requireNonNull(uri, "uri"));
        return this;
    }

    /**
     * Sets the client authentication methods the token endpoint accepts; discovery advertises them.
     *
     * @param methods one or more methods
     * @return this provider
     */
    public TestProvider clientAuth(ClientAuthMethod... methods) {
        if (methods.length == 0) {
            throw new IllegalArgumentException("at least one client authentication method");
        }
        clientAuthMethods = Set.of(methods);
        return this;
    }

    /**
     * Turns the RFC 9207 {@code iss} authorization-response parameter on or off; discovery's
     * {@code authorization_response_iss_parameter_supported} follows.
     *
     * @param enabled whether the parameter is sent and advertised
     * @return this provider
     */
    public TestProvider issParameter(boolean enabled) {
        issParameter = enabled;
        return this;
    }

    /**
     * Sets the user the next logins log in.
     *
     * @param newUser the user
     * @return this provider
     */
    public TestProvider user(TestUser newUser) {
        user = Objects.requireNonNull(newUser, "user");
        return this;
    }

    /**
     * Makes this a lax provider whose authorization codes are not spent by their use (RFC 6749
     * 4.1.2 says they must be), so that a replayed callback gets tokens again and only the relying
     * party's own replay guard can refuse it.
     *
     * @param reusable true for codes that can be redeemed again until they expire
     * @return this provider
     */
    public TestProvider codesReusable(boolean reusable) {
        codesReusable = reusable;
        return this;
    }

    /**
     * Sets the user the next logins log in.
     *
     * @param subject the {@code sub} claim
     * @param claims the other claims, for example {@code Map.of("groups", List.of("mlflow-admin"))}
     * @return this provider
     */
    public TestProvider user(String subject, Map<String, Object> claims) {
        return user(new TestUser(subject, claims));
    }

    /**
     * The user the next login logs in.
     *
     * @return the current user
     */
    public TestUser user() {
        return user;
    }

    // ------------------------------------------------------------------ misbehaviour

    /**
     * Queues misbehaviours; each applies once, to the next response of its {@link Misbehaviour#stage()}.
     *
     * @param misbehaviours what to do wrong
     * @return this provider
     */
    public TestProvider misbehave(Misbehaviour... misbehaviours) {
        synchronized (pending) {
            Collections.addAll(pending, misbehaviours);
        }
        return this;
    }

    /**
     * The misbehaviours queued and not yet used.
     *
     * @return a snapshot of the queue
     */
    public Set<Misbehaviour> pendingMisbehaviours() {
        synchronized (pending) {
            return pending.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(pending));
        }
    }

    /**
     * Drops every queued misbehaviour.
     *
     * @return this provider
     */
    public TestProvider clearMisbehaviours() {
        synchronized (pending) {
            pending.clear();
        }
        return this;
    }

    private Set<Misbehaviour> take(Misbehaviour.Stage stage) {
        synchronized (pending) {
            Set<Misbehaviour> taken = EnumSet.noneOf(Misbehaviour.class);
            for (Misbehaviour m : pending) {
                if (m.stage() == stage) {
                    taken.add(m);
                }
            }
            pending.removeAll(taken);
            return taken;
        }
    }

    /**
     * Controls over the discovery document.
     *
     * @return the discovery controls
     */
    public Discovery discovery() {
        return discovery;
    }

    /**
     * Controls over the signing keys and the JWKS endpoint.
     *
     * @return the JWKS controls
     */
    public Jwks jwks() {
        return jwks;
    }

    // ------------------------------------------------------------------ minting tokens directly

    /**
     * The algorithm ID tokens are normally signed with.
     *
     * @return {@code RS256} or {@code ES256}
     */
    public JWSAlgorithm signingAlgorithm() {
        return jwks.algorithm;
    }

    /**
     * The current signing key's public key as PEM text; its bytes are the HMAC secret of {@link
     * Misbehaviour#HS256_WITH_PUBLIC_KEY}.
     *
     * @return the {@code -----BEGIN PUBLIC KEY-----} block
     */
    public String publicKeyPem() {
        return pem(jwks.current().toPublicJWK());
    }

    /**
     * Signs arbitrary claims with the current signing key, with the current {@code kid} unless the
     * JWKS is in single-key-without-kid mode. For bearer-token tests and hand-made ID tokens.
     *
     * @param claims the claims, used as they are
     * @return the serialized JWT
     */
    public String signJwt(JWTClaimsSet claims) {
        return sign(claims, EnumSet.noneOf(Misbehaviour.class));
    }

    /**
     * Issues a JWT access token for the current user, as the token endpoint would (issuer, subject,
     * audience = client id, {@code iat}, {@code exp}, a {@code jti}), with extra or replaced claims,
     * and remembers it for {@code /userinfo}.
     *
     * @param extraClaims claims to add or replace, for example {@code Map.of("aud", "api")}
     * @return the serialized access token
     */
    public String accessToken(Map<String, Object> extraClaims) {
        return issueAccessToken(user, extraClaims);
    }

    /**
     * Mints an ID token for the current user without a login, as the token endpoint would issue it,
     * with the given misbehaviours applied (only those of the ID token stage count). For unit tests
     * of token validation.
     *
     * @param nonce the {@code nonce} claim, or {@code null} for none
     * @param misbehaviours what to do wrong
     * @return the serialized ID token
     */
    public String idToken(String nonce, Misbehaviour... misbehaviours) {
        Set<Misbehaviour> set = EnumSet.noneOf(Misbehaviour.class);
        for (Misbehaviour m : misbehaviours) {
            if (m.stage() == Misbehaviour.Stage.ID_TOKEN) {
                set.add(m);
            }
        }
        return issueIdToken(user, nonce, null, set);
    }

    // ------------------------------------------------------------------ recording

    /**
     * Every request received so far, in order.
     *
     * @return a snapshot
     */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * The requests received for one path, in order.
     *
     * @param path for example {@code /token}
     * @return a snapshot
     */
    public List<RecordedRequest> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /**
     * The last request received for one path.
     *
     * @param path for example {@code /logout}
     * @return the request, if any came
     */
    public Optional<RecordedRequest> lastRequest(String path) {
        List<RecordedRequest> matching = requests(path);
        return matching.isEmpty() ? Optional.empty() : Optional.of(matching.get(matching.size() - 1));
    }

    /** Forgets the recorded requests (the JWKS and discovery counters too). */
    public void clearRequests() {
        requests.clear();
        jwks.requests.set(0);
        discovery.requests.set(0);
    }

    /** Stops the server at once. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            // Bounded: only so a test that restarts on the same resources sees the threads gone.
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TestProvider[" + baseUrl + "]";
    }

    // ------------------------------------------------------------------ refresh tokens

    /**
     * Whether a refresh answers with a new refresh token and spends the one presented (the default),
     * or keeps the presented one valid.
     *
     * @param rotate true to rotate
     * @return this provider
     */
    public TestProvider rotateRefreshTokens(boolean rotate) {
        this.rotateRefreshTokens = rotate;
        return this;
    }

    /**
     * Whether a refresh answers with a new ID token (the default), or with access and refresh tokens
     * only, which OpenID Connect Core 12.2 allows and several IdPs do.
     *
     * @param withIdToken false to leave the ID token out of refresh answers
     * @return this provider
     */
    public TestProvider refreshIdTokens(boolean withIdToken) {
        this.refreshIdTokens = withIdToken;
        return this;
    }

    /**
     * Leaves claims out of {@code /userinfo} answers (an IdP that puts groups in its ID token only).
     *
     * @param claims the claims to leave out; none to answer with every claim again
     * @return this provider
     */
    public TestProvider userInfoWithout(String... claims) {
        this.userInfoOmits = Set.of(claims);
        return this;
    }

    /**
     * Revokes every refresh token issued so far, as an IdP does when the user is disabled or signs
     * out: their next use gets {@code invalid_grant}.
     *
     * @return this provider
     */
    public TestProvider revokeRefreshTokens() {
        refreshTokens.clear();
        return this;
    }

    /**
     * Makes the token endpoint answer 503 (an IdP outage behind its load balancer), or work again.
     *
     * @param down true for 503
     * @return this provider
     */
    public TestProvider tokenEndpointDown(boolean down) {
        this.tokenEndpointDown = down;
        return this;
    }

    /**
     * Makes the token endpoint hold each request until the gate opens (a slow or hanging IdP), or, given
     * null, answer at once again. A held request is answered after 30 s at the latest.
     *
     * @param gate the latch whose count-down lets the held requests go on, or null
     * @return this provider
     */
    public TestProvider holdTokenEndpoint(java.util.concurrent.CountDownLatch gate) {
        this.tokenEndpointGate = gate;
        return this;
    }

    /**
     * The refresh tokens issued so far, oldest first (to check that none is stored or logged in clear).
     *
     * @return the tokens
     */
    public List<String> issuedRefreshTokens() {
        return List.copyOf(issuedRefreshTokens);
    }

    /**
     * How many times a refresh token already spent by a rotation was presented again.
     *
     * @return the count; a client that never spends a token twice keeps it at 0
     */
    public int refreshTokenReplays() {
        return refreshReplays.get();
    }

    /**
     * The refresh grants received so far.
     *
     * @return the token requests with {@code grant_type=refresh_token}
     */
    public List<RecordedRequest> refreshRequests() {
        return requests("/token").stream().filter(r -> "refresh_token".equals(r.formParam("grant_type").orElse(""))).toList();
    }

    private String issueRefreshToken(RefreshGrant grant) {
        String token = randomToken(32);
        refreshTokens.put(token, grant);
        issuedRefreshTokens.add(token);
        return token;
    }

    private void refresh(HttpExchange exchange, RecordedRequest request) throws IOException {
        String presented = request.formParam("refresh_token").orElse("");
        RefreshGrant grant = refreshTokens.get(presented);
        if (grant == null) {
            if (spentRefreshTokens.contains(presented)) {
                refreshReplays.incrementAndGet();
            }
            sendOAuthError(exchange, 400, "invalid_grant", "unknown, revoked or already used refresh token");
            return;
        }
        if (rotateRefreshTokens) {
            refreshTokens.remove(presented);
            spentRefreshTokens.add(presented);
        }
        // The user's claims as they are now (groups may have changed at the IdP), for the same subject.
        TestUser now = user.subject().equals(grant.user().subject()) ? user : grant.user();
        String accessToken = issueAccessToken(now, Map.of());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", accessToken);
        body.put("token_type", "Bearer");
        body.put("expires_in", tokenLifetime.toSeconds());
        if (refreshIdTokens) {
            body.put("id_token", issueIdToken(now, grant.nonce(), accessToken, take(Misbehaviour.Stage.ID_TOKEN), grant.authTime()));
        }
        body.put("refresh_token", rotateRefreshTokens ? issueRefreshToken(new RefreshGrant(now, grant.nonce(), grant.authTime()))
                : presented);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        sendJson(exchange, 200, body);
    }

    // ================================================================== HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getPath();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
            Map<String, List<String>> query = parseForm(exchange.getRequestURI().getRawQuery());
            Map<String, List<String>> form = Map.of();
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if ("POST".equals(method) && contentType != null
                    && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                try (InputStream in = exchange.getRequestBody()) {
                    form = parseForm(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            RecordedRequest request = new RecordedRequest(method, path, query, form, headers);
            requests.add(request);
            switch (path) {
                case "/.well-known/openid-configuration" -> discovery.serve(exchange);
                case "/jwks" -> jwks.serve(exchange);
                case "/authorize" -> authorize(exchange, request);
                case "/token" -> token(exchange, request);
                case "/userinfo" -> userinfo(exchange, request);
                case "/logout" -> logout(exchange, request);
                default -> sendText(exchange, 404, "no such endpoint: " + path);
            }
        } catch (RuntimeException e) {
            // A bug in the provider must show up in the test, not as a hung connection.
            sendText(exchange, 500, "test provider failure: " + e);
            throw e;
        } finally {
            exchange.close();
        }
    }

    // ------------------------------------------------------------------ /authorize

    private void authorize(HttpExchange exchange, RecordedRequest request) throws IOException {
        String requestClientId = request.param("client_id").orElse("");
        String redirectUri = request.param("redirect_uri").orElse("");
        // Never redirect to an unverified URI (RFC 6749 4.1.2.1): answer with a page instead.
        if (!clientId.equals(requestClientId)) {
            sendText(exchange, 400, "unknown client_id: " + requestClientId);
            return;
        }
        if (!redirectUris.contains(redirectUri)) {
            sendText(exchange, 400, "unregistered redirect_uri: " + redirectUri + " (registered: " + redirectUris + ")");
            return;
        }
        Optional<String> state = request.param("state");
        Set<Misbehaviour> misbehaviours = take(Misbehaviour.Stage.AUTHORIZATION_RESPONSE);
        Map<String, String> response = new LinkedHashMap<>();
        if (misbehaviours.contains(Misbehaviour.AUTHORIZATION_ERROR)) {
            response.put("error", "access_denied");
            response.put("error_description", HOSTILE_ERROR_DESCRIPTION);
        } else if (!"code".equals(request.param("response_type").orElse(""))) {
            response.put("error", "unsupported_response_type");
            response.put("error_description", "only response_type=code is supported");
        } else if (!List.of(request.param("scope").orElse("").split(" ")).contains("openid")) {
            response.put("error", "invalid_scope");
            response.put("error_description", "scope must contain openid");
        } else if (request.param("code_challenge").isEmpty()
                || !"S256".equals(request.param("code_challenge_method").orElse(""))) {
            response.put("error", "invalid_request");
            response.put("error_description", "PKCE with code_challenge_method=S256 is required");
        } else {
            String code = randomToken(32);
            codes.put(code, new CodeGrant(redirectUri, request.param("nonce").orElse(null),
                    request.param("code_challenge").orElseThrow(), user, clock.instant().plus(codeLifetime),
                    List.of(request.param("scope").orElse("").split(" ")).contains("offline_access")));
            response.put("code", code);
        }
        state.ifPresent(s -> response.put("state", s));
        if (misbehaviours.contains(Misbehaviour.WRONG_ISS_PARAMETER)) {
            response.put("iss", FOREIGN_ISSUER);
        } else if (issParameter && !misbehaviours.contains(Misbehaviour.MISSING_ISS_PARAMETER)) {
            response.put("iss", issuer());
        }
        redirect(exchange, redirectUri + (redirectUri.contains("?") ? "&" : "?") + formEncode(response));
    }

    // ------------------------------------------------------------------ /token

    private void token(HttpExchange exchange, RecordedRequest request) throws IOException {
        java.util.concurrent.CountDownLatch gate = tokenEndpointGate;
        if (gate != null) {
            try {
                gate.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!"POST".equals(request.method())) {
            sendText(exchange, 405, "the token endpoint takes POST");
            return;
        }
        Optional<String> authorization = request.header("authorization");
        Optional<String> formSecret = request.formParam("client_secret");
        ClientAuthMethod used;
        String presentedId;
        String presentedSecret;
        if (authorization.isPresent() && formSecret.isPresent()) {
            sendOAuthError(exchange, 400, "invalid_request", "more than one client authentication method used");
            return;
        } else if (authorization.isPresent()) {
            Optional<String[]> basic = decodeBasic(authorization.get());
            if (basic.isEmpty()) {
                sendOAuthError(exchange, 401, "invalid_client", "malformed Basic authorization header");
                return;
            }
            used = ClientAuthMethod.CLIENT_SECRET_BASIC;
            presentedId = basic.get()[0];
            presentedSecret = basic.get()[1];
        } else if (formSecret.isPresent()) {
            used = ClientAuthMethod.CLIENT_SECRET_POST;
            presentedId = request.formParam("client_id").orElse("");
            presentedSecret = formSecret.get();
        } else {
            used = ClientAuthMethod.NONE;
            presentedId = request.formParam("client_id").orElse("");
            presentedSecret = null;
        }
        if (!clientAuthMethods.contains(used)) {
            sendOAuthError(exchange, 401, "invalid_client",
                    "client authentication " + used.wireName() + " not allowed; use one of " + wireNames(clientAuthMethods));
            return;
        }
        if (!clientId.equals(presentedId) || (used != ClientAuthMethod.NONE && !clientSecret.equals(presentedSecret))) {
            sendOAuthError(exchange, 401, "invalid_client", "wrong client id or secret");
            return;
        }
        Set<Misbehaviour> tokenResponse = take(Misbehaviour.Stage.TOKEN_RESPONSE);
        if (tokenResponse.contains(Misbehaviour.TOKEN_ERROR)) {
            sendOAuthError(exchange, 400, "invalid_grant", "the test provider was told to refuse this grant");
            return;
        }
        if (tokenEndpointDown) {
            sendJson(exchange, 503, Map.of("error", "temporarily_unavailable"));
            return;
        }
        if ("refresh_token".equals(request.formParam("grant_type").orElse(""))) {
            refresh(exchange, request);
            return;
        }
        if (!"authorization_code".equals(request.formParam("grant_type").orElse(""))) {
            sendOAuthError(exchange, 400, "unsupported_grant_type", "only authorization_code is supported");
            return;
        }
        // remove(): a code is spent by its first use, successful or not (RFC 6749 4.1.2).
        String code = request.formParam("code").orElse("");
        CodeGrant grant = codesReusable ? codes.get(code) : codes.remove(code);
        if (grant == null) {
            sendOAuthError(exchange, 400, "invalid_grant", "unknown or already used authorization code");
            return;
        }
        if (!clock.instant().isBefore(grant.expiresAt())) {
            sendOAuthError(exchange, 400, "invalid_grant", "authorization code expired");
            return;
        }
        if (!grant.redirectUri().equals(request.formParam("redirect_uri").orElse(""))) {
            sendOAuthError(exchange, 400, "invalid_grant", "redirect_uri differs from the authorization request's");
            return;
        }
        String verifier = request.formParam("code_verifier").orElse("");
        if (!CODE_VERIFIER.matcher(verifier).matches() || !s256(verifier).equals(grant.codeChallenge())) {
            sendOAuthError(exchange, 400, "invalid_grant", "code_verifier does not match the S256 code_challenge");
            return;
        }
        String accessToken = issueAccessToken(grant.user(), Map.of());
        String idToken = issueIdToken(grant.user(), grant.nonce(), accessToken, take(Misbehaviour.Stage.ID_TOKEN));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", accessToken);
        body.put("token_type", "Bearer");
        body.put("expires_in", tokenResponse.contains(Misbehaviour.HUGE_EXPIRES_IN) ? Long.MAX_VALUE : tokenLifetime.toSeconds());
        body.put("scope", grant.offline() ? "openid profile email offline_access" : "openid profile email");
        body.put("id_token", idToken);
        if (grant.offline()) {
            // OpenID Connect Core 11: offline_access asks for a refresh token.
            body.put("refresh_token", issueRefreshToken(new RefreshGrant(grant.user(), grant.nonce(), clock.instant())));
        }
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        sendJson(exchange, 200, body);
    }

    // ------------------------------------------------------------------ /userinfo

    private void userinfo(HttpExchange exchange, RecordedRequest request) throws IOException {
        String authorization = request.header("authorization").orElse("");
        TokenGrant grant = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? accessTokens.get(authorization.substring(7).trim()) : null;
        if (grant == null || !clock.instant().isBefore(grant.expiresAt())) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            sendJson(exchange, 401, Map.of("error", "invalid_token"));
            return;
        }
        Map<String, Object> claims = new LinkedHashMap<>(grant.user().claims());
        claims.keySet().removeAll(userInfoOmits);
        claims.put("sub", take(Misbehaviour.Stage.USERINFO).contains(Misbehaviour.USERINFO_WRONG_SUB)
                ? grant.user().subject() + "-someone-else" : grant.user().subject());
        sendJson(exchange, 200, claims);
    }

    // ------------------------------------------------------------------ /logout

    private void logout(HttpExchange exchange, RecordedRequest request) throws IOException {
        Optional<String> target = request.param("post_logout_redirect_uri");
        if (target.isEmpty()) {
            sendText(exchange, 200, "You are logged out of the test provider.");
        } else if (!postLogoutRedirectUris.contains(target.get())) {
            sendText(exchange, 400, "unregistered post_logout_redirect_uri: " + target.get()
                    + " (registered: " + postLogoutRedirectUris + ")");
        } else {
            String uri = target.get();
            Optional<String> state = request.param("state");
            redirect(exchange, state.isEmpty() ? uri
                    : uri + (uri.contains("?") ? "&" : "?") + formEncode(Map.of("state", state.get())));
        }
    }

    // ================================================================== tokens

    private String issueAccessToken(TestUser subject, Map<String, Object> extraClaims) {
        Instant now = clock.instant();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer());
        claims.put("sub", subject.subject());
        claims.put("aud", clientId);
        claims.put("client_id", clientId);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(tokenLifetime).getEpochSecond());
        claims.put("jti", randomToken(16));
        claims.put("scope", "openid profile email");
        claims.putAll(subject.claims());
        claims.putAll(extraClaims);
        String token = sign(toClaimsSet(claims), EnumSet.noneOf(Misbehaviour.class));
        accessTokens.put(token, new TokenGrant(subject, now.plus(tokenLifetime)));
        return token;
    }

    private String issueIdToken(TestUser subject, String nonce, String accessToken, Set<Misbehaviour> m) {
        return issueIdToken(subject, nonce, accessToken, m, clock.instant());
    }

    private String issueIdToken(TestUser subject, String nonce, String accessToken, Set<Misbehaviour> m, Instant authTime) {
        Instant now = clock.instant();
        Map<String, Object> claims = new LinkedHashMap<>(subject.claims());
        claims.put("iss", m.contains(Misbehaviour.WRONG_ISSUER) ? FOREIGN_ISSUER : issuer());
        claims.put("sub", subject.subject());
        claims.put("aud", m.contains(Misbehaviour.WRONG_AUDIENCE) ? OTHER_AUDIENCE : clientId);
        if (m.contains(Misbehaviour.MULTIPLE_AUDIENCES_WITHOUT_AZP)) {
            claims.put("aud", List.of(clientId, OTHER_AUDIENCE));
        }
        if (m.contains(Misbehaviour.MULTIPLE_AUDIENCES_WRONG_AZP)) {
            claims.put("aud", List.of(clientId, OTHER_AUDIENCE));
            claims.put("azp", OTHER_AUDIENCE);
        }
        if (m.contains(Misbehaviour.MULTIPLE_AUDIENCES_WITH_AZP)) {
            claims.put("aud", List.of(clientId, OTHER_AUDIENCE));
            claims.put("azp", clientId);
        }
        Instant issuedAt = now;
        Instant expiresAt = now.plus(tokenLifetime);
        if (m.contains(Misbehaviour.EXPIRED)) {
            issuedAt = now.minus(Duration.ofHours(2));
            expiresAt = now.minus(Duration.ofHours(1));
        }
        if (m.contains(Misbehaviour.ISSUED_IN_FUTURE)) {
            issuedAt = now.plus(Duration.ofHours(1));
            expiresAt = now.plus(Duration.ofHours(2));
        }
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("exp", expiresAt.getEpochSecond());
        claims.put("auth_time", authTime.getEpochSecond());
        if (nonce != null) {
            claims.put("nonce", nonce);
        }
        if (m.contains(Misbehaviour.WRONG_NONCE)) {
            claims.put("nonce", randomToken(16));
        }
        if (accessToken != null) {
            // Hash with the algorithm the header will carry; an unsecured token gets no at_hash.
            JWSAlgorithm alg = m.contains(Misbehaviour.HS256_WITH_PUBLIC_KEY) ? JWSAlgorithm.HS256 : jwks.algorithm;
            if (!m.contains(Misbehaviour.ALG_NONE)) {
                Curve curve = JWSAlgorithm.ES256.equals(alg) ? Curve.P_256 : null;
                claims.put("at_hash", AccessTokenHash.compute(new BearerAccessToken(accessToken), alg, curve).getValue());
            }
        }
        removeIf(m, Misbehaviour.MISSING_SUB, claims, "sub");
        removeIf(m, Misbehaviour.MISSING_AUD, claims, "aud");
        removeIf(m, Misbehaviour.MISSING_IAT, claims, "iat");
        removeIf(m, Misbehaviour.MISSING_EXP, claims, "exp");
        removeIf(m, Misbehaviour.MISSING_NONCE, claims, "nonce");
        return sign(toClaimsSet(claims), m);
    }

    private static void removeIf(Set<Misbehaviour> m, Misbehaviour which, Map<String, Object> claims, String name) {
        if (m.contains(which)) {
            claims.remove(name);
        }
    }

    private static JWTClaimsSet toClaimsSet(Map<String, Object> claims) {
        try {
            return JWTClaimsSet.parse(claims);
        } catch (ParseException e) {
            throw new IllegalArgumentException("claims the test provider cannot serialize: " + claims, e);
        }
    }

    private String sign(JWTClaimsSet claims, Set<Misbehaviour> m) {
        try {
            if (m.contains(Misbehaviour.ALG_NONE)) {
                return new PlainJWT(claims).serialize();
            }
            if (m.contains(Misbehaviour.ROTATED_KEY)) {
                jwks.rotate();
            }
            if (m.contains(Misbehaviour.NO_KID_SINGLE_KEY)) {
                jwks.withoutKid();
            }
            JWK key = jwks.current();
            String kid = jwks.kidOmitted() ? null : key.getKeyID();
            if (m.contains(Misbehaviour.HS256_WITH_PUBLIC_KEY)) {
                SignedJWT jwt = new SignedJWT(header(JWSAlgorithm.HS256, kid), claims);
                jwt.sign(new MACSigner(pem(key.toPublicJWK()).getBytes(StandardCharsets.US_ASCII)));
                return jwt.serialize();
            }
            if (m.contains(Misbehaviour.UNKNOWN_SIGNING_KEY)) {
                key = jwks.generate("unknown-" + randomToken(6));
                kid = key.getKeyID();
            } else if (m.contains(Misbehaviour.WRONG_KEY_FOR_KID)) {
                key = jwks.generate(key.getKeyID());
            }
            SignedJWT jwt = new SignedJWT(header(jwks.algorithm, kid), claims);
            jwt.sign(signer(key));
            if (m.contains(Misbehaviour.TAMPERED_SIGNATURE)) {
                byte[] signature = jwt.getSignature().decode();
                signature[signature.length / 2] ^= 0x01;
                return jwt.getHeader().toBase64URL() + "." + jwt.getPayload().toBase64URL() + "." + Base64URL.encode(signature);
            }
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("the test provider could not sign a token", e);
        }
    }

    private static JWSHeader header(JWSAlgorithm alg, String kid) {
        return new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build();
    }

    private static JWSSigner signer(JWK key) throws JOSEException {
        return key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
    }

    private static String pem(JWK publicJwk) {
        try {
            PublicKey publicKey = publicJwk instanceof RSAKey rsa ? rsa.toPublicKey() : ((ECKey) publicJwk).toPublicKey();
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(publicKey.getEncoded());
            return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot export the public key", e);
        }
    }

    // ================================================================== helpers

    private String randomToken(int bytes) {
        byte[] buffer = new byte[bytes];
        random.nextBytes(buffer);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Optional<String[]> decodeBasic(String header) {
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            // RFC 6749 2.3.1: id and secret are form-urlencoded before Basic encoding.
            return Optional.of(new String[] {
                URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)});
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static List<String> wireNames(Set<ClientAuthMethod> methods) {
        return methods.stream().map(ClientAuthMethod::wireName).sorted().toList();
    }

    static Map<String, List<String>> parseForm(String raw) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        params.replaceAll((k, v) -> List.copyOf(v));
        return params;
    }

    static String formEncode(Map<String, String> params) {
        StringBuilder out = new StringBuilder();
        params.forEach((name, value) -> {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return out.toString();
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(302, -1);
    }

    private void sendOAuthError(HttpExchange exchange, int status, String error, String description) throws IOException {
        if (status == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"test-provider\"");
        }
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        sendJson(exchange, status, Map.of("error", error, "error_description", description));
    }

    private void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + body, e);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, bytes);
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(exchange, status, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private record RefreshGrant(TestUser user, String nonce, Instant authTime) {
    }

    private record CodeGrant(String redirectUri, String nonce, String codeChallenge, TestUser user, Instant expiresAt, boolean offline) {
    }

    private record TokenGrant(TestUser user, Instant expiresAt) {
    }

    // ================================================================== controls

    /** Controls over the discovery document: fields overridden or removed, or an outage. */
    public final class Discovery {

        private final Map<String, Optional<Object>> overrides = new ConcurrentHashMap<>();
        private final AtomicInteger requests = new AtomicInteger();
        private volatile int failureStatus;

        private Discovery() {
        }

        /**
         * Replaces (or adds) a field of the discovery document.
         *
         * @param field the field name, for example {@code issuer}
         * @param value its JSON value (string, number, boolean, list or map)
         * @return these controls
         */
        public Discovery set(String field, Object value) {
            overrides.put(field, Optional.of(value));
            return this;
        }

        /**
         * Leaves a field out of the discovery document.
         *
         * @param field the field name, for example {@code end_session_endpoint}
         * @return these controls
         */
        public Discovery remove(String field) {
            overrides.put(field, Optional.empty());
            return this;
        }

        /**
         * Makes the discovery endpoint fail with a status (an outage at start-up), or heal with 0.
         *
         * @param status for example 503, or 0 to serve the document again
         * @return these controls
         */
        public Discovery failWith(int status) {
            failureStatus = status;
            return this;
        }

        /**
         * Drops every override and failure.
         *
         * @return these controls
         */
        public Discovery reset() {
            overrides.clear();
            failureStatus = 0;
            return this;
        }

        /**
         * How many times the discovery document was requested (failures included).
         *
         * @return the count since start or {@link TestProvider#clearRequests()}
         */
        public int requestCount() {
            return requests.get();
        }

        /**
         * The document as it is served now.
         *
         * @return the fields in order
         */
        public Map<String, Object> document() {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("issuer", issuer());
            doc.put("authorization_endpoint", authorizationEndpoint().toString());
            doc.put("token_endpoint", tokenEndpoint().toString());
            doc.put("userinfo_endpoint", userinfoEndpoint().toString());
            doc.put("jwks_uri", jwksUri().toString());
            doc.put("end_session_endpoint", endSessionEndpoint().toString());
            doc.put("response_types_supported", List.of("code"));
            doc.put("grant_types_supported", List.of("authorization_code", "refresh_token"));
            doc.put("subject_types_supported", List.of("public"));
            doc.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
            doc.put("id_token_signing_alg_values_supported", List.of(jwks.algorithm.getName()));
            doc.put("token_endpoint_auth_methods_supported", wireNames(clientAuthMethods));
            doc.put("code_challenge_methods_supported", List.of("S256"));
            doc.put("claims_supported", List.of("sub", "iss", "aud", "exp", "iat", "nonce", "name", "email", "groups"));
            doc.put("authorization_response_iss_parameter_supported", issParameter);
            overrides.forEach((field, value) -> {
                if (value.isPresent()) {
                    doc.put(field, value.get());
                } else {
                    doc.remove(field);
                }
            });
            return doc;
        }

        private void serve(HttpExchange exchange) throws IOException {
            requests.incrementAndGet();
            int failure = failureStatus;
            if (failure != 0) {
                sendText(exchange, failure, "discovery outage (test)");
            } else {
                sendJson(exchange, 200, document());
            }
        }
    }

    /** Controls over the signing keys and the JWKS endpoint. */
    public final class Jwks {

        private final JWSAlgorithm algorithm;
        private final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger generation = new AtomicInteger();
        private final List<JWK> published = new ArrayList<>();
        private boolean kidOmitted;
        private volatile int failureStatus;

        private Jwks(JWSAlgorithm algorithm) {
            this.algorithm = algorithm;
            published.add(generate("key-" + generation.incrementAndGet()));
        }

        /**
         * Publishes a new key with a new {@code kid} and signs with it from now on; the old keys
         * stay published (as real providers do during a rotation).
         *
         * @return the new key's {@code kid}
         */
        public synchronized String rotate() {
            JWK key = generate("key-" + generation.incrementAndGet());
            published.add(0, key);
            return key.getKeyID();
        }

        /**
         * Stops publishing every key but the current one (the end of a rotation): tokens signed by
         * an old key no longer verify.
         *
         * @return these controls
         */
        public synchronized Jwks retireOldKeys() {
            published.subList(1, published.size()).clear();
            return this;
        }

        /**
         * Serves the current key alone and without a {@code kid}, and signs without a {@code kid}.
         *
         * @return these controls
         */
        public synchronized Jwks withoutKid() {
            kidOmitted = true;
            return this;
        }

        /**
         * Back to serving every published key with its {@code kid}.
         *
         * @return these controls
         */
        public synchronized Jwks withKid() {
            kidOmitted = false;
            return this;
        }

        /**
         * Makes the JWKS endpoint fail with a status (an outage), or heal with 0.
         *
         * @param status for example 500, or 0 to serve the keys again
         * @return these controls
         */
        public Jwks failWith(int status) {
            failureStatus = status;
            return this;
        }

        /**
         * How many times the JWKS was requested (failures included); shows caching and the
         * rate limit of refetches.
         *
         * @return the count since start or {@link TestProvider#clearRequests()}
         */
        public int requestCount() {
            return requests.get();
        }

        /**
         * The {@code kid} tokens are signed under now.
         *
         * @return the current key's id (even when it is left out of tokens)
         */
        public synchronized String currentKid() {
            return current().getKeyID();
        }

        /**
         * The public keys as the endpoint serves them now.
         *
         * @return the public JWK set
         */
        public synchronized JWKSet publicKeys() {
            if (kidOmitted) {
                Map<String, Object> json = new LinkedHashMap<>(current().toPublicJWK().toJSONObject());
                json.remove("kid");
                try {
                    return new JWKSet(JWK.parse(json));
                } catch (ParseException e) {
                    throw new IllegalStateException("cannot drop the kid of " + json, e);
                }
            }
            List<JWK> keys = new ArrayList<>();
            for (JWK key : published) {
                keys.add(key.toPublicJWK());
            }
            return new JWKSet(keys);
        }

        private synchronized JWK current() {
            return published.get(0);
        }

        private synchronized boolean kidOmitted() {
            return kidOmitted;
        }

        private JWK generate(String kid) {
            try {
                if (JWSAlgorithm.ES256.equals(algorithm)) {
                    return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE)
                            .algorithm(algorithm).generate();
                }
                return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
            }
        }

        private void serve(HttpExchange exchange) throws IOException {
            requests.incrementAndGet();
            int failure = failureStatus;
            if (failure != 0) {
                sendText(exchange, failure, "JWKS outage (test)");
                return;
            }
            byte[] body = publicKeys().toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
            send(exchange, 200, body);
        }
    }

    // ================================================================== builder

    /** Settings of a provider before it starts. */
    public static final class Builder {

        private String clientId = "test-client";
        private String clientSecret;
        private final Set<String> redirectUris = new LinkedHashSet<>();
        private final Set<String> postLogoutRedirectUris = new LinkedHashSet<>();
        private Set<ClientAuthMethod> clientAuthMethods =
                Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC, ClientAuthMethod.CLIENT_SECRET_POST);
        private JWSAlgorithm algorithm = JWSAlgorithm.RS256;
        private boolean issParameter = true;
        private TestUser user = TestUser.alice();
        private Clock clock = Clock.systemUTC();
        private Duration codeLifetime = Duration.ofSeconds(60);
        private Duration tokenLifetime = Duration.ofMinutes(5);

        private Builder() {
        }

        /**
         * The registered client's id; default {@code test-client}.
         *
         * @param value the client id
         * @return this builder
         */
        public Builder clientId(String value) {
            clientId = Objects.requireNonNull(value, "clientId");
            return this;
        }

        /**
         * The registered client's secret; default a random value per instance, so no secret is
         * written into the sources.
         *
         * @param value the client secret
         * @return this builder
         */
        public Builder clientSecret(String value) {
            clientSecret = Objects.requireNonNull(value, "clientSecret");
            return this;
        }

        /**
         * Registers a redirect URI (exact match).
         *
         * @param uri the redirect URI
         * @return this builder
         */
        public Builder redirectUri(String uri) {
            redirectUris.add(Objects.requireNonNull(uri, "uri"));
            return this;
        }

        /**
         * Registers a post-logout redirect URI (exact match).
         *
         * @param uri the post-logout redirect URI
         * @return this builder
         */
        public Builder postLogoutRedirectUri(String uri) {
            postLogoutRedirectUris.add(Objects.requireNonNull(uri, "uri"));
            return this;
        }

        /**
         * The client authentication methods the token endpoint accepts; default basic and post.
         *
         * @param methods one or more methods
         * @return this builder
         */
        public Builder clientAuth(ClientAuthMethod... methods) {
            if (methods.length == 0) {
                throw new IllegalArgumentException("at least one client authentication method");
            }
            clientAuthMethods = Set.of(methods);
            return this;
        }

        /**
         * The signing algorithm: {@code RS256} (RSA 2048, the default) or {@code ES256} (P-256).
         *
         * @param value the algorithm
         * @return this builder
         */
        public Builder signingAlgorithm(JWSAlgorithm value) {
            if (!JWSAlgorithm.RS256.equals(value) && !JWSAlgorithm.ES256.equals(value)) {
                throw new IllegalArgumentException("the test provider signs with RS256 or ES256, not " + value);
            }
            algorithm = value;
            return this;
        }

        /**
         * Whether the RFC 9207 {@code iss} parameter is sent and advertised; default on.
         *
         * @param enabled on or off
         * @return this builder
         */
        public Builder issParameter(boolean enabled) {
            issParameter = enabled;
            return this;
        }

        /**
         * The user logins log in; default {@link TestUser#alice()}.
         *
         * @param value the user
         * @return this builder
         */
        public Builder user(TestUser value) {
            user = Objects.requireNonNull(value, "user");
            return this;
        }

        /**
         * The clock for token times and code expiry; default the system clock. A {@link
         * MutableClock} tests expiry without sleeping.
         *
         * @param value the clock
         * @return this builder
         */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * How long an authorization code can be redeemed; default 60 seconds.
         *
         * @param value the lifetime
         * @return this builder
         */
        public Builder codeLifetime(Duration value) {
            codeLifetime = Objects.requireNonNull(value, "codeLifetime");
            return this;
        }

        /**
         * How long ID and access tokens are valid; default 5 minutes.
         *
         * @param value the lifetime
         * @return this builder
         */
        public Builder tokenLifetime(Duration value) {
            tokenLifetime = Objects.requireNonNull(value, "tokenLifetime");
            return this;
        }

        /**
         * Generates the keys, binds a free port on 127.0.0.1 and starts serving.
         *
         * @return the running provider; close it when done
         */
        public TestProvider start() {
            return new TestProvider(this);
        }
    }
}
