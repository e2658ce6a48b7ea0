package dev.oidcsso.testing;

import static dev.oidcsso.testing.HttpAssertions.assertRedirectTo;
import static dev.oidcsso.testing.HttpAssertions.assertStatus;
import static dev.oidcsso.testing.HttpAssertions.queryParam;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
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
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The mock-oauth2-server helper logs in the configured user, groups included. */
class MockOAuth2IdpTest {

    private static final String REDIRECT = "http://127.0.0.1:9/callback";
    private static final String CLIENT = "demo-app";

    private final Browser browser = new Browser();
    private final MockOAuth2Idp idp = MockOAuth2Idp.start(TestUser.admin());

    @AfterEach
    void stop() {
        idp.close();
    }

    @Test
    void loginIssuesAnIdTokenForTheConfiguredUser() throws Exception {
        IDTokenClaimsSet claims = login("nonce-1");
        assertEquals("admin", claims.getSubject().getValue());
        assertEquals(List.of("mlflow-admin"), claims.getStringListClaim("groups"));

        idp.user(TestUser.withGroups("bob", "mlflow"));
        IDTokenClaimsSet bob = login("nonce-2");
        assertEquals("bob", bob.getSubject().getValue());
        assertEquals(List.of("mlflow"), bob.getStringListClaim("groups"));
    }

    private IDTokenClaimsSet login(String nonce) throws Exception {
        OIDCProviderMetadata metadata = OIDCProviderMetadata.parse(browser.get(idp.discoveryUrl().toString()).body());
        assertEquals(idp.issuer(), metadata.getIssuer().getValue());
        CodeVerifier verifier = new CodeVerifier();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", CLIENT);
        params.put("redirect_uri", REDIRECT);
        params.put("scope", "openid");
        params.put("state", "st");
        params.put("nonce", nonce);
        params.put("code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue());
        params.put("code_challenge_method", "S256");
        URI callback = assertRedirectTo(REDIRECT, browser.get(metadata.getAuthorizationEndpointURI() + "?" + TestProvider.formEncode(params)));

        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", queryParam(callback, "code").orElseThrow());
        form.put("redirect_uri", REDIRECT);
        form.put("code_verifier", verifier.getValue());
        HttpResponse<String> token = browser.post(metadata.getTokenEndpointURI().toString(), form,
                Map.of("Authorization", Browser.basicAuthorization(CLIENT, "any-secret-mock-oauth2-server-accepts")));
        assertStatus(200, token);
        String idToken = new ObjectMapper().readTree(token.body()).get("id_token").asText();
        return new IDTokenValidator(metadata.getIssuer(), new ClientID(CLIENT), JWSAlgorithm.RS256,
                JWKSet.load(metadata.getJWKSetURI().toURL())).validate(JWTParser.parse(idToken), new Nonce(nonce));
    }

    @Test
    void issuerIdIsTheFirstPathSegment() {
        try (MockOAuth2Idp other = MockOAuth2Idp.start("tenant-a", TestUser.alice())) {
            assertEquals("/tenant-a", URI.create(other.issuer()).getPath());
            assertEquals(new Issuer(other.issuer()).getValue() + "/.well-known/openid-configuration", other.discoveryUrl().toString());
        }
    }
}
