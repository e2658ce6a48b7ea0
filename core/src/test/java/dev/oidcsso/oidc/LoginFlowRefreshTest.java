package dev.oidcsso.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.Secret;
import dev.oidcsso.crypto.SealingKey;
import dev.oidcsso.OidcSsoException;
import dev.oidcsso.testing.stub.StubHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LoginFlow#refresh} as {@code SessionRefresher} sees it: the token endpoint's answer is read by
 * the SDK, as it always was, because what a refresh leads to depends on how an odd answer is refused
 * (502 keeps the session for a later try; 401 ends it).
 */
class LoginFlowRefreshTest {

    private final StubHttpServer server = StubHttpServer.start();
    private volatile StubHttpServer.Response next;
    private final LoginFlow flow;
    private final DiscoveredProvider provider;

    LoginFlowRefreshTest() throws Exception {
        server.route("POST", "/token", request -> next);
        String issuer = server.base().toString();
        OIDCProviderMetadata metadata = new OIDCProviderMetadata(new Issuer(issuer), List.of(SubjectType.PUBLIC), URI.create(issuer + "/jwks"));
        metadata.setTokenEndpointURI(URI.create(issuer + "/token"));
        provider = new DiscoveredProvider(metadata, new ImmutableJWKSet<SecurityContext>(new JWKSet()), Set.of(JWSAlgorithm.RS256));
        OidcSettings settings = OidcSettings.builder().discoveryUrl(issuer + "/.well-known/openid-configuration").client("app", "app-secret")
                .secretKey("review7-probe-secret-key-0123456789abcdef").build();
        Clock clock = Clock.systemUTC();
        flow = new LoginFlow(settings, new OidcHttp(Duration.ofSeconds(5)), new TokenValidator(settings, clock),
                SealingKey.fromSecret(Secret.of("0123456789abcdef0123456789abcdef-test-only")), clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void answer(String body) {
        next = new StubHttpServer.Response(200, Map.of("Content-Type", "application/json"), body);
    }

    /**
     * A refresh answer with a new refresh token and an ID token of a JWS's shape whose header is not JSON (or has
     * no alg, or alg none with a signature): unreadable (502, before the rotation callback), which SessionRefresher
     * treats as the IdP being unavailable (session kept, retried), not as a refusal that ends the session.
     */
    @Test
    void aRefreshAnswerWithAMalformedIdTokenHeaderIsStill502AndRotatesNothingAsBefore() {
        for (String idToken : List.of("bm90IGpzb24.e30.c2ln", "eyJ0eXAiOiJKV1QifQ.e30.c2ln", "eyJhbGciOiJub25lIn0.e30.c2ln", "A.B.C")) {
            answer("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_token\":\"rt-new\",\"id_token\":\""
                    + idToken + "\"}");
            List<String> rotated = new ArrayList<>();
            OidcSsoException e = assertThrows(OidcSsoException.class, () -> flow.refresh(provider, "rt-old", rotated::add));
            assertEquals("502 ProviderResponseException, rotated []",
                    e.status() + " " + e.getClass().getSimpleName() + ", rotated " + rotated, idToken + ": " + e.getMessage());
        }
    }

    /** The SDK trims token values (Identifier's constructor). */
    @Test
    void aPaddedAccessTokenIsReadAsTheSdkReadIt() {
        answer("{\"access_token\":\" at\\n\",\"token_type\":\"Bearer\",\"expires_in\":300}");
        RefreshedTokens refreshed = flow.refresh(provider, "rt-old", token -> { });
        assertEquals("at", refreshed.accessToken().orElseThrow().replace("\n", "\\n"));
    }

    /** The IdP answers with the refresh token it was given, padded: trimmed to the old one, so no rotation. */
    @Test
    void theOldRefreshTokenPaddedIsNotARotation() {
        answer("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_token\":\"rt-old \"}");
        List<String> rotated = new ArrayList<>();
        RefreshedTokens refreshed = flow.refresh(provider, "rt-old", rotated::add);
        assertEquals("rotated [], returned Optional.empty", "rotated " + rotated + ", returned " + refreshed.refreshToken());
    }

    /**
     * A scope with a token Java calls white space (U+2003) makes the SDK's {@code Scope.Value} throw
     * IllegalArgumentException: an unreadable answer (502), whatever else the answer has, not an uncaught 500.
     */
    @Test
    void aScopeTheSdkFailsOnIsA502NotAnUncaughtException() {
        for (String lifetime : List.of("300", "\"300\"")) {
            answer("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":" + lifetime + ",\"scope\":\"openid \\u2003\"}");
            OidcSsoException e = assertThrows(OidcSsoException.class, () -> flow.refresh(provider, "rt-old", token -> { }));
            assertEquals("502 ProviderResponseException", e.status() + " " + e.getClass().getSimpleName(), lifetime);
        }
    }

    /** An error answer without an OAuth error object (an HTML 503, a 400 {}): 502/400, not a NullPointerException. */
    @Test
    void anErrorAnswerWithoutAnErrorObjectIsAProviderResponse() {
        next = new StubHttpServer.Response(503, Map.of("Content-Type", "text/html"), "<html>down</html>");
        RuntimeException e = assertThrows(RuntimeException.class, () -> flow.refresh(provider, "rt-old", token -> { }));
        assertEquals("ProviderResponseException 502", e.getClass().getSimpleName() + " " + (e instanceof OidcSsoException o ? o.status() : 0),
                String.valueOf(e));
        next = new StubHttpServer.Response(400, Map.of("Content-Type", "application/json"), "{}");
        e = assertThrows(RuntimeException.class, () -> flow.refresh(provider, "rt-old", token -> { }));
        assertEquals("ProviderResponseException 400", e.getClass().getSimpleName() + " " + (e instanceof OidcSsoException o ? o.status() : 0),
                String.valueOf(e));
    }

    /**
     * The IdP's error description reaches log lines and error pages through the exception's message: one line (a
     * Unicode line separator, which the SDK removes too) and bounded, however long the IdP made it.
     */
    @Test
    void aRefusalsDescriptionIsOneBoundedLineInTheMessage() {
        String description = "Grant revoked\u2028FORGED LOG LINE " + "x".repeat(5_000);
        next = new StubHttpServer.Response(400, Map.of("Content-Type", "application/json"),
                "{\"error\":\"invalid_grant\",\"error_description\":\"" + description + "\"}");
        ProviderResponseException e = assertThrows(ProviderResponseException.class, () -> flow.refresh(provider, "rt-old", token -> { }));
        assertTrue(e.getMessage().matches("The identity provider refused to refresh the session: invalid_grant \\(HTTP 400\\): "
                + "Grant revoked.?FORGED LOG LINE x{200,}\\.\\.\\."), e.getMessage());
        assertTrue(e.getMessage().length() < 500, "message of " + e.getMessage().length() + " characters");
        assertTrue(e.getMessage().chars().noneMatch(c -> c == '\u2028' || Character.isISOControl(c)), e.getMessage());
    }
}
