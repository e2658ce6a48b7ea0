package dev.oidcsso.testing.stub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.oidc.JsonHttp;
import dev.oidcsso.spi.LogoutRequestInfo;
import dev.oidcsso.spi.ProviderProfile;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Walks a provider profile through a login against a stub IdP, the way the relying party does:
 * discovery (with the profile's issuer policy), the authorization request (with the profile's extra
 * parameters), the code exchange, the ID token's signature, issuer and profile checks. It exists so
 * that provider modules can test their IdP's quirks end to end at the HTTP level; it is no
 * replacement for the core's own login flow.
 */
public final class StubLogin {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private StubLogin() {
    }

    /**
     * The outcome of a login.
     *
     * @param discovery        the discovery document
     * @param authorizationUrl the authorization request that was sent
     * @param idToken          the validated ID token's claims
     * @param accessToken      the access token
     * @param refusal          why the profile refused the token, if it did
     */
    public record Result(Map<String, Object> discovery, URI authorizationUrl, JWTClaimsSet idToken,
                         String accessToken, Optional<String> refusal) {

        /**
         * The ID token's claims as a map.
         *
         * @return the claims
         */
        public Map<String, Object> claims() {
            return idToken.getClaims();
        }

        /**
         * A group detection context for this login.
         *
         * @param username the user name
         * @param userInfo the UserInfo claims, or {@code null} when not fetched
         * @return the context
         */
        public GroupDetectionContext context(String username, Map<String, Object> userInfo) {
            return new Context(username, claims(), claims(), Optional.ofNullable(userInfo), Optional.of(accessToken));
        }

        /**
         * The logout request the core would hand the profile.
         *
         * @param settings    the settings
         * @param postLogout  where the IdP should send the browser back
         * @return the request
         */
        public LogoutRequestInfo logoutRequest(OidcSettings settings, URI postLogout) {
            Optional<URI> endSession = Optional.ofNullable(discovery.get("end_session_endpoint")).map(o -> URI.create((String) o));
            return new LogoutRequestInfo(endSession, settings.clientId(), Optional.empty(), postLogout);
        }
    }

    /**
     * A plain {@link GroupDetectionContext}.
     *
     * @param username       the user name
     * @param claims         the identity claims
     * @param tokenClaims    the token's claims
     * @param userInfoClaims the UserInfo claims
     * @param accessToken    the access token
     */
    public record Context(String username, Map<String, Object> claims, Map<String, Object> tokenClaims,
                          Optional<Map<String, Object>> userInfoClaims, Optional<String> accessToken)
            implements GroupDetectionContext {
    }

    /**
     * Logs in.
     *
     * @param settings    the settings (their discovery URL points at the stub)
     * @param redirectUri the callback URL
     * @return the result
     * @throws IllegalStateException when a step fails, saying which
     */
    public static Result login(OidcSettings settings, URI redirectUri) {
        ProviderProfile profile = settings.profile();
        JsonHttp http = JsonHttp.create(TIMEOUT);
        Map<String, Object> discovery = http.get(settings.discoveryUrl());
        String issuer = (String) discovery.get("issuer");
        if (!profile.acceptsDiscoveredIssuer(settings.discoveryUrl(), issuer)) {
            throw new IllegalStateException("discovery issuer refused: " + issuer);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", settings.clientId());
        parameters.put("redirect_uri", redirectUri.toString());
        parameters.put("scope", String.join(" ", settings.scopes()));
        parameters.put("state", UUID.randomUUID().toString());
        String nonce = UUID.randomUUID().toString();
        parameters.put("nonce", nonce);
        parameters.putAll(profile.authorizationParameters(settings));
        URI authorization = URI.create(discovery.get("authorization_endpoint") + "?" + String.join("&",
                parameters.entrySet().stream().map(e -> e.getKey() + "=" + JsonHttp.encode(e.getValue())).toList()));
        String location = redirectLocation(authorization);
        Map<String, String> callback = StubHttpServer.parseForm(URI.create(location).getRawQuery());
        if (!parameters.get("state").equals(callback.get("state"))) {
            throw new IllegalStateException("state mismatch");
        }
        Map<String, Object> tokens = http.postForm(URI.create((String) discovery.get("token_endpoint")), Map.of(
                "grant_type", "authorization_code", "code", callback.get("code"),
                "redirect_uri", redirectUri.toString(), "client_id", settings.clientId()));
        JWTClaimsSet claims = verify((String) tokens.get("id_token"), http.get(URI.create((String) discovery.get("jwks_uri"))));
        if (!profile.acceptsTokenIssuer(issuer, claims, settings)) {
            throw new IllegalStateException("token issuer refused: " + claims.getIssuer());
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(settings.clientId())) {
            throw new IllegalStateException("audience mismatch");
        }
        if (!nonce.equals(claims.getClaim("nonce"))) {
            throw new IllegalStateException("nonce mismatch");
        }
        return new Result(discovery, authorization, claims, (String) tokens.get("access_token"),
                profile.checkToken(claims, settings));
    }

    /**
     * Verifies an RS256 JWT against a JWKS.
     *
     * @param jwt  the token
     * @param jwks the JWKS JSON
     * @return the claims
     */
    public static JWTClaimsSet verify(String jwt, Map<String, Object> jwks) {
        try {
            SignedJWT signed = SignedJWT.parse(jwt);
            RSAKey key = (RSAKey) JWKSet.parse(jwks).getKeyByKeyId(signed.getHeader().getKeyID());
            if (key == null || !signed.verify(new RSASSAVerifier(key))) {
                throw new IllegalStateException("bad signature");
            }
            return signed.getJWTClaimsSet();
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("unreadable token", e);
        }
    }

    /**
     * Sends a GET without following redirects and returns the {@code Location}.
     *
     * @param url the URL
     * @return the redirect target
     */
    public static String redirectLocation(URI url) {
        HttpResponse<String> response = send(url);
        if (response.statusCode() != 302) {
            throw new IllegalStateException("expected a redirect from " + url.getPath() + " but got " + response.statusCode());
        }
        return response.headers().firstValue("Location").orElseThrow();
    }

    /**
     * Sends a GET without following redirects.
     *
     * @param url the URL
     * @return the response
     */
    public static HttpResponse<String> send(URI url) {
        try {
            return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(TIMEOUT).build()
                    .send(HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Convenience for tests: a list of claim values.
     *
     * @param values the values
     * @return the list
     */
    public static List<Object> values(Object... values) {
        return List.of(values);
    }
}
