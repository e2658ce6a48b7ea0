package dev.oidcsso.demo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A script gets a JWT from Keycloak with the password grant on the {@value KeycloakServer#SCRIPT_CLIENT_ID}
 * client, the way a user's automation would, and the token carries what the demo's bearer
 * authentication needs: Keycloak's signature, its issuer, the demo client in {@code aud}, and the
 * user's groups.
 */
@ExtendWith(KeycloakExtension.class)
class KeycloakTokenTest {

    @Test
    void aScriptsAccessTokenIsSignedByTheRealmAndNamesTheDemoAndTheGroups(KeycloakServer keycloak) throws Exception {
        String accessToken = passwordGrant(keycloak, KeycloakServer.SCRIPT_CLIENT_ID, KeycloakServer.ADMIN_USER);

        // Verified like a resource server would: signature by the realm's JWKS, RS256 only.
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(keycloak.jwksUri().toURL()).retrying(false).build();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        JWTClaimsSet claims = processor.process(accessToken, null);

        assertEquals(keycloak.issuer().toString(), claims.getIssuer());
        assertTrue(claims.getAudience().contains(KeycloakServer.DEMO_CLIENT_ID), "aud: " + claims.getAudience());
        assertEquals(KeycloakServer.SCRIPT_CLIENT_ID, claims.getStringClaim("azp"));
        assertEquals(List.of("mlflow-admin"), claims.getStringListClaim("groups"));
        assertEquals(KeycloakServer.ADMIN_USER, claims.getStringClaim("preferred_username"));
        assertTrue(claims.getExpirationTime().toInstant().isAfter(java.time.Instant.now()), "not expired");
    }

    @Test
    void theGroupsClaimFollowsMembershipWithoutPaths(KeycloakServer keycloak) throws Exception {
        assertEquals(List.of("mlflow"), claims(passwordGrant(keycloak, KeycloakServer.SCRIPT_CLIENT_ID, KeycloakServer.PLAIN_USER)).getStringListClaim("groups"));
        assertNull(claims(passwordGrant(keycloak, KeycloakServer.SCRIPT_CLIENT_ID, KeycloakServer.OUTSIDER)).getStringListClaim("groups"),
                "Keycloak leaves the claim out for a user in no group");
    }

    @Test
    void anotherApplicationsTokenDoesNotNameTheDemoInItsAudience(KeycloakServer keycloak) throws Exception {
        // The realm fixture a bearer test needs for "a valid JWT for someone else is refused".
        JWTClaimsSet claims = claims(passwordGrant(keycloak, KeycloakServer.UNRELATED_CLIENT_ID, KeycloakServer.PLAIN_USER));
        assertEquals(keycloak.issuer().toString(), claims.getIssuer());
        List<String> audience = claims.getAudience();
        assertTrue(audience == null || !audience.contains(KeycloakServer.DEMO_CLIENT_ID), "aud: " + audience);
        assertEquals(List.of("mlflow"), claims.getStringListClaim("groups"));
    }

    /**
     * The password grant, as a script does it.
     *
     * @param keycloak the server
     * @param clientId a client with direct access grants
     * @param username a test user
     * @return the access token; callers must not print it
     * @throws IOException          when Keycloak cannot be reached
     * @throws InterruptedException when interrupted
     */
    static String passwordGrant(KeycloakServer keycloak, String clientId, String username) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("username", username);
        form.put("password", keycloak.password(username));
        form.put("scope", "openid");
        String credentials = Base64.getEncoder().encodeToString((clientId + ":" + keycloak.clientSecret(clientId))
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(keycloak.tokenEndpoint())
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"))))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = new ObjectMapper().readTree(response.body());
        // On failure show Keycloak's error only: a successful body holds tokens.
        assertEquals(200, response.statusCode(), () -> "token endpoint: HTTP " + response.statusCode() + " "
                + body.path("error") + " " + body.path("error_description"));
        assertEquals("Bearer", body.path("token_type").asText());
        return body.path("access_token").asText();
    }

    private static JWTClaimsSet claims(String accessToken) throws java.text.ParseException {
        // Claims only; the signature is checked in the first test.
        return SignedJWT.parse(accessToken).getJWTClaimsSet();
    }
}
