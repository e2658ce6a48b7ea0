package dev.oidcsso.testing;

import static dev.oidcsso.testing.HttpAssertions.assertRedirectTo;
import static dev.oidcsso.testing.HttpAssertions.assertStatus;
import static dev.oidcsso.testing.HttpAssertions.queryParam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.oidcsso.config.ClientAuthMethod;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The test provider's normal behaviour: discovery, the code flow with PKCE, UserInfo, logout. */
class TestProviderTest {

    private static final String REDIRECT = "http://127.0.0.1:9/callback";
    private static final String AFTER_LOGOUT = "http://127.0.0.1:9/bye";

    private final ObjectMapper json = new ObjectMapper();
    private final Browser browser = new Browser();
    private final MutableClock clock = MutableClock.atNow();
    private final TestProvider op = TestProvider.builder()
            .redirectUri(REDIRECT).postLogoutRedirectUri(AFTER_LOGOUT).clock(clock).start();

    @AfterEach
    void stop() {
        op.close();
    }

    @Test
    void discoveryDocumentIsValidAndAdvertisesWhatTheProviderDoes() throws Exception {
        HttpResponse<String> response = browser.get(op.discoveryUrl().toString());
        assertStatus(200, response);
        OIDCProviderMetadata metadata = OIDCProviderMetadata.parse(response.body());
        assertEquals(op.issuer(), metadata.getIssuer().getValue());
        assertEquals(op.authorizationEndpoint(), metadata.getAuthorizationEndpointURI());
        assertEquals(op.tokenEndpoint(), metadata.getTokenEndpointURI());
        assertEquals(op.userinfoEndpoint(), metadata.getUserInfoEndpointURI());
        assertEquals(op.jwksUri(), metadata.getJWKSetURI());
        assertEquals(op.endSessionEndpoint(), metadata.getEndSessionEndpointURI());
        assertEquals(List.of(JWSAlgorithm.RS256), metadata.getIDTokenJWSAlgs());
        assertEquals(List.of(CodeChallengeMethod.S256), metadata.getCodeChallengeMethods());
        assertTrue(metadata.supportsAuthorizationResponseIssuerParam());
        JsonNode doc = json.readTree(response.body());
        assertEquals("[\"client_secret_basic\",\"client_secret_post\"]", doc.get("token_endpoint_auth_methods_supported").toString());
        assertEquals(1, op.discovery().requestCount());
    }

    @Test
    void discoveryFieldsCanBeOverriddenRemovedAndFail() throws Exception {
        op.discovery().remove("end_session_endpoint").set("issuer", "https://elsewhere.example");
        op.issParameter(false);
        JsonNode doc = json.readTree(browser.get(op.discoveryUrl().toString()).body());
        assertFalse(doc.has("end_session_endpoint"));
        assertEquals("https://elsewhere.example", doc.get("issuer").asText());
        assertFalse(doc.get("authorization_response_iss_parameter_supported").asBoolean());

        op.discovery().failWith(503);
        assertStatus(503, browser.get(op.discoveryUrl().toString()));
        op.discovery().reset();
        JsonNode healed = json.readTree(browser.get(op.discoveryUrl().toString()).body());
        assertEquals(op.issuer(), healed.get("issuer").asText());
        assertEquals(3, op.discovery().requestCount());
    }

    @Test
    void codeFlowRoundTripIssuesAValidIdTokenAndAUsableAccessToken() throws Exception {
        op.user(TestUser.admin());
        CodeVerifier verifier = new CodeVerifier();
        URI callback = authorize(verifier, "state-1", "nonce-1");
        assertEquals("state-1", queryParam(callback, "state").orElseThrow());
        assertEquals(op.issuer(), queryParam(callback, "iss").orElseThrow());

        HttpResponse<String> token = redeem(queryParam(callback, "code").orElseThrow(), verifier, REDIRECT);
        assertStatus(200, token);
        assertEquals("no-store", token.headers().firstValue("Cache-Control").orElseThrow());
        JsonNode body = json.readTree(token.body());
        assertEquals("Bearer", body.get("token_type").asText());

        IDTokenClaimsSet claims = validator(JWKSet.load(op.jwksUri().toURL()))
                .validate(JWTParser.parse(body.get("id_token").asText()), new Nonce("nonce-1"));
        assertEquals("admin", claims.getSubject().getValue());
        assertEquals(List.of("mlflow-admin"), claims.getStringListClaim("groups"));
        assertTrue(claims.getAccessTokenHash() != null, "at_hash present, as real providers send it");

        String accessToken = body.get("access_token").asText();
        HttpResponse<String> userinfo = browser.get(op.userinfoEndpoint().toString(), Map.of("Authorization", "Bearer " + accessToken));
        assertStatus(200, userinfo);
        assertEquals("admin", json.readTree(userinfo.body()).get("sub").asText());
        assertEquals("mlflow-admin", json.readTree(userinfo.body()).get("groups").get(0).asText());

        RecordedRequest tokenRequest = op.lastRequest("/token").orElseThrow();
        assertTrue(tokenRequest.header("Authorization").orElseThrow().startsWith("Basic "));
        assertEquals("S256", op.lastRequest("/authorize").orElseThrow().queryParam("code_challenge_method").orElseThrow());
    }

    @Test
    void codeIsSingleUse() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        String code = queryParam(authorize(verifier, "s", "n"), "code").orElseThrow();
        assertStatus(200, redeem(code, verifier, REDIRECT));
        HttpResponse<String> replay = redeem(code, verifier, REDIRECT);
        assertStatus(400, replay);
        assertEquals("invalid_grant", json.readTree(replay.body()).get("error").asText());
    }

    @Test
    void codeIsShortLived() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        String code = queryParam(authorize(verifier, "s", "n"), "code").orElseThrow();
        clock.advance(Duration.ofSeconds(61));
        HttpResponse<String> late = redeem(code, verifier, REDIRECT);
        assertStatus(400, late);
        assertTrue(late.body().contains("expired"), late.body());
    }

    @Test
    void wrongCodeVerifierIsRefusedAndSpendsTheCode() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        String code = queryParam(authorize(verifier, "s", "n"), "code").orElseThrow();
        HttpResponse<String> wrong = redeem(code, new CodeVerifier(), REDIRECT);
        assertStatus(400, wrong);
        assertTrue(wrong.body().contains("code_verifier"), wrong.body());
        assertStatus(400, redeem(code, verifier, REDIRECT));
    }

    @Test
    void redirectUriMustMatchTheAuthorizationRequest() throws Exception {
        op.registerRedirectUri("http://127.0.0.1:9/other");
        CodeVerifier verifier = new CodeVerifier();
        String code = queryParam(authorize(verifier, "s", "n"), "code").orElseThrow();
        assertStatus(400, redeem(code, verifier, "http://127.0.0.1:9/other"));
    }

    @Test
    void authorizeWithoutPkceOrWithPlainIsAnErrorRedirect() {
        Map<String, String> params = authorizeParams("s", "n");
        params.remove("code_challenge");
        params.remove("code_challenge_method");
        URI withoutPkce = assertRedirectTo(REDIRECT, browser.get(op.authorizationEndpoint() + "?" + TestProvider.formEncode(params)));
        assertEquals("invalid_request", queryParam(withoutPkce, "error").orElseThrow());
        assertEquals("s", queryParam(withoutPkce, "state").orElseThrow());

        params.put("code_challenge", "abc");
        params.put("code_challenge_method", "plain");
        URI plain = assertRedirectTo(REDIRECT, browser.get(op.authorizationEndpoint() + "?" + TestProvider.formEncode(params)));
        assertEquals("invalid_request", queryParam(plain, "error").orElseThrow());
    }

    @Test
    void unregisteredRedirectUriOrUnknownClientGetAPageNotARedirect() {
        Map<String, String> params = authorizeParams("s", "n");
        params.put("redirect_uri", "https://attacker.example/cb");
        HttpResponse<String> badRedirect = browser.get(op.authorizationEndpoint() + "?" + TestProvider.formEncode(params));
        assertStatus(400, badRedirect);

        params = authorizeParams("s", "n");
        params.put("client_id", "nobody");
        assertStatus(400, browser.get(op.authorizationEndpoint() + "?" + TestProvider.formEncode(params)));
    }

    @Test
    void clientAuthenticationIsChecked() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        String code = queryParam(authorize(verifier, "s", "n"), "code").orElseThrow();
        Map<String, String> form = tokenForm(code, verifier, REDIRECT);
        HttpResponse<String> wrongSecret = browser.post(op.tokenEndpoint().toString(), form, Map.of("Authorization", Browser.basicAuthorization(op.clientId(), "wrong")));
        assertStatus(401, wrongSecret);
        assertEquals("invalid_client", json.readTree(wrongSecret.body()).get("error").asText());

        op.clientAuth(ClientAuthMethod.CLIENT_SECRET_BASIC);
        String code2 = queryParam(authorize(verifier, "s", "n"), "code").orElseThrow();
        Map<String, String> post = tokenForm(code2, verifier, REDIRECT);
        post.put("client_id", op.clientId());
        post.put("client_secret", op.clientSecret());
        HttpResponse<String> postRefused = browser.post(op.tokenEndpoint().toString(), post);
        assertStatus(401, postRefused);
        assertTrue(postRefused.body().contains("client_secret_post not allowed"), postRefused.body());

        op.clientAuth(ClientAuthMethod.CLIENT_SECRET_POST);
        String code3 = queryParam(authorize(verifier, "s", "n"), "code").orElseThrow();
        Map<String, String> post3 = tokenForm(code3, verifier, REDIRECT);
        post3.put("client_id", op.clientId());
        post3.put("client_secret", op.clientSecret());
        assertStatus(200, browser.post(op.tokenEndpoint().toString(), post3));
        assertEquals(op.clientSecret(), op.lastRequest("/token").orElseThrow().formParam("client_secret").orElseThrow());
    }

    @Test
    void secretsAreRandomPerInstance() {
        try (TestProvider other = TestProvider.start()) {
            assertNotEquals(op.clientSecret(), other.clientSecret());
            assertNotEquals(op.jwks().publicKeys().toString(), other.jwks().publicKeys().toString());
        }
    }

    @Test
    void userinfoRefusesUnknownTokens() {
        HttpResponse<String> response = browser.get(op.userinfoEndpoint().toString(), Map.of("Authorization", "Bearer forged"));
        assertStatus(401, response);
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().contains("invalid_token"));
    }

    @Test
    void issuedAccessTokensCarryChosenClaimsAndWorkAtUserinfo() throws Exception {
        String token = op.accessToken(Map.of("aud", "my-api", "scope", "read"));
        JWT jwt = JWTParser.parse(token);
        assertEquals(List.of("my-api"), jwt.getJWTClaimsSet().getAudience());
        assertEquals(op.issuer(), jwt.getJWTClaimsSet().getIssuer());
        assertStatus(200, browser.get(op.userinfoEndpoint().toString(), Map.of("Authorization", "Bearer " + token)));
    }

    @Test
    void logoutRecordsItsParametersAndRedirectsOnlyToRegisteredUris() {
        HttpResponse<String> response = browser.get(op.endSessionEndpoint() + "?" + TestProvider.formEncode(
                Map.of("id_token_hint", "the-hint", "client_id", op.clientId(), "post_logout_redirect_uri", AFTER_LOGOUT)));
        assertRedirectTo(AFTER_LOGOUT, response);
        RecordedRequest logout = op.lastRequest("/logout").orElseThrow();
        assertEquals("the-hint", logout.param("id_token_hint").orElseThrow());
        assertEquals(op.clientId(), logout.param("client_id").orElseThrow());

        assertStatus(400, browser.get(op.endSessionEndpoint() + "?post_logout_redirect_uri=https%3A%2F%2Fattacker.example%2F"));
    }

    @Test
    void es256ProviderSignsWithP256() throws Exception {
        try (TestProvider ec = TestProvider.builder().signingAlgorithm(JWSAlgorithm.ES256).start()) {
            String token = ec.idToken("n");
            assertEquals(JWSAlgorithm.ES256, JWTParser.parse(token).getHeader().getAlgorithm());
            new IDTokenValidator(new Issuer(ec.issuer()), new ClientID(ec.clientId()), JWSAlgorithm.ES256,
                    JWKSet.load(ec.jwksUri().toURL())).validate(JWTParser.parse(token), new Nonce("n"));
            assertEquals("[\"ES256\"]", json.readTree(browser.get(ec.discoveryUrl().toString()).body())
                    .get("id_token_signing_alg_values_supported").toString());
        }
    }

    @Test
    void arbitraryClaimsAreSignedWithThePublishedKey() throws Exception {
        String token = op.signJwt(new JWTClaimsSet.Builder().issuer(op.issuer()).subject("svc").claim("roles", List.of("x")).build());
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals(op.jwks().currentKid(), jwt.getHeader().getKeyID());
        assertTrue(jwt.verify(new RSASSAVerifier((RSAKey) op.jwks().publicKeys().getKeyByKeyId(op.jwks().currentKid()))));
        assertEquals(List.of("x"), jwt.getJWTClaimsSet().getStringListClaim("roles"));
    }

    @Test
    void freePortIsBindable() throws Exception {
        int port = FreePort.find();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, socket.getLocalPort());
        }
    }

    @Test
    void unknownPathsAre404() {
        assertStatus(404, browser.get(op.baseUrl() + "/nope"));
    }

    // ------------------------------------------------------------------ helpers

    private IDTokenValidator validator(JWKSet keys) {
        return new IDTokenValidator(new Issuer(op.issuer()), new ClientID(op.clientId()), JWSAlgorithm.RS256, keys);
    }

    private Map<String, String> authorizeParams(String state, String nonce) {
        return authorizeParams(state, nonce, new CodeVerifier());
    }

    private Map<String, String> authorizeParams(String state, String nonce, CodeVerifier verifier) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", op.clientId());
        params.put("redirect_uri", REDIRECT);
        params.put("scope", "openid profile");
        params.put("state", state);
        params.put("nonce", nonce);
        params.put("code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue());
        params.put("code_challenge_method", "S256");
        return params;
    }

    private URI authorize(CodeVerifier verifier, String state, String nonce) {
        HttpResponse<String> response = browser.get(op.authorizationEndpoint() + "?"
                + TestProvider.formEncode(authorizeParams(state, nonce, verifier)));
        return assertRedirectTo(REDIRECT + "?code=", response);
    }

    private Map<String, String> tokenForm(String code, CodeVerifier verifier, String redirectUri) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier.getValue());
        return form;
    }

    private HttpResponse<String> redeem(String code, CodeVerifier verifier, String redirectUri) {
        return browser.post(op.tokenEndpoint().toString(), tokenForm(code, verifier, redirectUri),
                Map.of("Authorization", Browser.basicAuthorization(op.clientId(), op.clientSecret())));
    }
}
