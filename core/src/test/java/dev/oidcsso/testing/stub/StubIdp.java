package dev.oidcsso.testing.stub;

import com.nimbusds.jwt.JWTClaimsSet;

import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A standards-shaped OpenID provider on a {@link StubHttpServer}: a discovery document, a JWKS, an
 * authorization endpoint that approves at once (redirecting with a code), a token endpoint that
 * issues an RS256 ID token and an access token, and UserInfo. Provider tests reshape it into their
 * IdP (the issuer, the discovery document's fields, the claims, extra endpoints), so that each
 * IdP's documented quirks can be reproduced without the internet.
 */
public final class StubIdp implements AutoCloseable {

    private final StubHttpServer server;
    private final StubKeys keys = StubKeys.generate();
    private final String discoveryPath;
    private final Map<String, Object> discovery = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();
    private volatile Function<Map<String, String>, Map<String, Object>> idTokenClaims = request -> Map.of("sub", "user-1");
    private volatile Map<String, Object> userInfo = Map.of("sub", "user-1");
    private volatile String accessToken = "stub-access-token-" + UUID.randomUUID();

    private StubIdp(StubHttpServer server, String discoveryPath, String issuerPath) {
        this.server = server;
        this.discoveryPath = discoveryPath;
        String base = server.base().toString();
        discovery.put("issuer", base + issuerPath);
        discovery.put("authorization_endpoint", base + "/oauth2/authorize");
        discovery.put("token_endpoint", base + "/oauth2/token");
        discovery.put("userinfo_endpoint", base + "/oauth2/userinfo");
        discovery.put("jwks_uri", base + "/oauth2/keys");
        discovery.put("response_types_supported", List.of("code"));
        discovery.put("subject_types_supported", List.of("public"));
        discovery.put("id_token_signing_alg_values_supported", List.of("RS256"));
        discovery.put("scopes_supported", List.of("openid", "email", "profile"));
        discovery.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        discovery.put("code_challenge_methods_supported", List.of("S256"));
        server.route("GET", discoveryPath, request -> StubHttpServer.Response.json(new LinkedHashMap<>(discovery)));
        server.route("GET", "/oauth2/keys", request -> StubHttpServer.Response.json(keys.jwks()));
        server.route("GET", "/oauth2/authorize", this::authorize);
        server.route("POST", "/oauth2/token", this::token);
        server.route("GET", "/oauth2/userinfo", request -> request.bearer().filter(accessToken::equals).isPresent()
                ? StubHttpServer.Response.json(userInfo)
                : StubHttpServer.Response.json(401, Map.of("error", "invalid_token")));
    }

    /**
     * Starts a stub whose issuer is its base URL plus {@code issuerPath} and whose discovery
     * document is served at {@code issuerPath + /.well-known/openid-configuration}.
     *
     * @param issuerPath for example {@code ""} or {@code /eu-west-1_AbC}
     * @return the running stub
     */
    public static StubIdp start(String issuerPath) {
        return start(issuerPath + "/.well-known/openid-configuration", issuerPath);
    }

    /**
     * Starts a stub with a discovery path that need not follow from the issuer (as with Entra's
     * multi-tenant endpoints).
     *
     * @param discoveryPath where the discovery document is served
     * @param issuerPath    the issuer's path
     * @return the running stub
     */
    public static StubIdp start(String discoveryPath, String issuerPath) {
        return new StubIdp(StubHttpServer.start(), discoveryPath, issuerPath);
    }

    /**
     * The HTTP server, to add the IdP's other endpoints and to inspect requests.
     *
     * @return the server
     */
    public StubHttpServer server() {
        return server;
    }

    /**
     * The signing keys.
     *
     * @return the keys
     */
    public StubKeys keys() {
        return keys;
    }

    /**
     * The discovery document's URL.
     *
     * @return the URL
     */
    public URI discoveryUrl() {
        return server.url(discoveryPath);
    }

    /**
     * The discovery document, mutable: put or remove fields to reproduce an IdP.
     *
     * @return the document
     */
    public Map<String, Object> discovery() {
        return discovery;
    }

    /**
     * The issuer the discovery document declares.
     *
     * @return the issuer
     */
    public String issuer() {
        return (String) discovery.get("issuer");
    }

    /**
     * Sets the claims of the next ID tokens, computed from the authorization request's parameters;
     * {@code aud}, {@code nonce}, {@code iat} and {@code exp} are added unless given, {@code iss}
     * is the declared issuer unless given.
     *
     * @param claims the claims function
     * @return this stub
     */
    public StubIdp idTokenClaims(Function<Map<String, String>, Map<String, Object>> claims) {
        this.idTokenClaims = claims;
        return this;
    }

    /**
     * Sets the UserInfo response.
     *
     * @param claims the claims
     * @return this stub
     */
    public StubIdp userInfo(Map<String, Object> claims) {
        this.userInfo = Map.copyOf(claims);
        return this;
    }

    /**
     * The access token the token endpoint issues.
     *
     * @return the token
     */
    public String accessToken() {
        return accessToken;
    }

    /**
     * Sets the access token the token endpoint issues (a signed JWT, for Cognito's access tokens).
     *
     * @param token the token
     * @return this stub
     */
    public StubIdp accessToken(String token) {
        this.accessToken = token;
        return this;
    }

    /**
     * Signs claims with the stub's key, adding {@code iss} (the declared issuer), {@code iat} and
     * {@code exp} (in an hour) unless present.
     *
     * @param claims the claims
     * @return the JWT
     */
    public String sign(Map<String, Object> claims) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.forEach(builder::claim);
        Instant now = Instant.now();
        if (!claims.containsKey("iss")) {
            builder.issuer(issuer());
        }
        if (!claims.containsKey("iat")) {
            builder.issueTime(Date.from(now));
        }
        if (!claims.containsKey("exp")) {
            builder.expirationTime(Date.from(now.plusSeconds(3600)));
        }
        return keys.sign(builder.build());
    }

    @Override
    public void close() {
        server.close();
    }

    private StubHttpServer.Response authorize(StubHttpServer.Request request) {
        Map<String, String> query = request.query();
        String code = UUID.randomUUID().toString();
        codes.put(code, Map.copyOf(query));
        String separator = query.getOrDefault("redirect_uri", "").contains("?") ? "&" : "?";
        return StubHttpServer.Response.redirect(query.get("redirect_uri") + separator + "code=" + code
                + "&state=" + java.net.URLEncoder.encode(query.getOrDefault("state", ""), java.nio.charset.StandardCharsets.UTF_8));
    }

    private StubHttpServer.Response token(StubHttpServer.Request request) {
        Map<String, String> form = request.form();
        Map<String, String> authorization = codes.remove(form.getOrDefault("code", ""));
        if (authorization == null || !"authorization_code".equals(form.get("grant_type"))) {
            return StubHttpServer.Response.json(400, Map.of("error", "invalid_grant"));
        }
        Map<String, Object> claims = new LinkedHashMap<>(idTokenClaims.apply(authorization));
        claims.putIfAbsent("aud", authorization.getOrDefault("client_id", ""));
        if (authorization.containsKey("nonce")) {
            claims.putIfAbsent("nonce", authorization.get("nonce"));
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("access_token", accessToken);
        response.put("token_type", "Bearer");
        response.put("expires_in", 3600);
        response.put("id_token", sign(claims));
        return StubHttpServer.Response.json(response);
    }
}
