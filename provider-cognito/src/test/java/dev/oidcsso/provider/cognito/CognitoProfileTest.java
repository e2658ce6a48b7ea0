package dev.oidcsso.provider.cognito;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.spi.LogoutRequestInfo;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CognitoProfileTest {

    static OidcSettings settings(Map<String, String> values) {
        return OidcSettings.builder().client("client-1", "secret-1").setAll(values).build();
    }

    static final Map<String, String> COMPLETE = Map.of("OIDC_PROVIDER", "cognito", "OIDC_COGNITO_REGION", "eu-west-1",
            "OIDC_COGNITO_USER_POOL_ID", "eu-west-1_AbCdEf123", "OIDC_COGNITO_DOMAIN", "myapp.auth.eu-west-1.amazoncognito.com");

    @Test
    void recognisesCognitoDiscoveryUrls() {
        CognitoProfile cognito = new CognitoProfile();
        assertTrue(cognito.recognises(URI.create(
                "https://cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_XXXXXXXXX/.well-known/openid-configuration")));
        assertFalse(cognito.recognises(URI.create("https://cognito-idp.evil.example/.well-known/openid-configuration")));
        assertFalse(cognito.recognises(URI.create("https://cognito-idp.eu-west-1.amazonaws.com.evil.example/x")));
    }

    @Test
    void theSeedsDiscoveryUrlSelectsCognito() {
        OidcSettings settings = settings(Map.of("OIDC_DISCOVERY_URL",
                "https://cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_XXXXXXXXX/.well-known/openid-configuration",
                "OIDC_COGNITO_DOMAIN", "myapp.auth.ap-southeast-2.amazoncognito.com"));
        assertEquals("cognito", settings.profile().name());
        // Cognito returns a refresh token from every code exchange; an unknown scope would be refused.
        assertEquals(java.util.Set.of(), settings.profile().refreshTokenScopes(java.util.Set.of("openid", "offline_access")));
        assertEquals("cognito:groups", settings.groupsAttribute());
        assertEquals(List.of("cognito:username", "username", "sub"), settings.usernameClaims());
    }

    @Test
    void buildsTheDiscoveryUrlFromRegionAndPool() {
        assertEquals(URI.create("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/openid-configuration"),
                settings(COMPLETE).discoveryUrl());
    }

    @Test
    void missingRegionPoolAndDomainAreEachNamed() {
        SettingsException e = assertThrows(SettingsException.class, () -> settings(Map.of("OIDC_PROVIDER", "cognito")));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_COGNITO_REGION is not set")), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_COGNITO_USER_POOL_ID is not set")), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_COGNITO_DOMAIN is not set")), e.getMessage());
    }

    @Test
    void aPoolOfAnotherRegionIsRefused() {
        SettingsException e = assertThrows(SettingsException.class, () -> settings(Map.of("OIDC_PROVIDER", "cognito",
                "OIDC_COGNITO_REGION", "eu-west-1", "OIDC_COGNITO_USER_POOL_ID", "us-east-1_AbCdEf123",
                "OIDC_COGNITO_DOMAIN", "auth.example.com")));
        assertEquals(List.of("OIDC_COGNITO_USER_POOL_ID='us-east-1_AbCdEf123' belongs to region us-east-1 but "
                + "OIDC_COGNITO_REGION='eu-west-1'"), e.problems());
    }

    @Test
    void malformedValuesAreNamed() {
        SettingsException e = assertThrows(SettingsException.class, () -> settings(Map.of("OIDC_PROVIDER", "cognito",
                "OIDC_COGNITO_REGION", "Ireland", "OIDC_COGNITO_USER_POOL_ID", "AbCdEf123", "OIDC_COGNITO_DOMAIN", "http://auth.example.com")));
        assertTrue(e.problems().contains("OIDC_COGNITO_REGION='Ireland' is not an AWS region such as eu-west-1"), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_COGNITO_USER_POOL_ID='AbCdEf123' is not a user pool id")),
                e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_COGNITO_DOMAIN='http://auth.example.com'")), e.getMessage());
    }

    @Test
    void logoutGoesThroughTheHostedUiWithClientIdAndLogoutUri() {
        OidcSettings settings = settings(COMPLETE);
        URI uri = settings.profile().logoutUri(new LogoutRequestInfo(Optional.empty(), "client-1", Optional.of("id.token"),
                URI.create("https://app.example.com/"))).orElseThrow();
        assertEquals(URI.create("https://myapp.auth.eu-west-1.amazoncognito.com/logout?client_id=client-1"
                + "&logout_uri=https%3A%2F%2Fapp.example.com%2F"), uri);
    }

    @Test
    void accessTokensAreCheckedByClientIdAndTokenUse() {
        var cognito = settings(COMPLETE).profile();
        Set<String> accepted = Set.of("client-1");
        JWTClaimsSet access = new JWTClaimsSet.Builder().claim("token_use", "access").claim("client_id", "client-1").build();
        assertEquals(Optional.empty(), cognito.checkBearerAudience(access, accepted));
        JWTClaimsSet otherClient = new JWTClaimsSet.Builder().claim("token_use", "access").claim("client_id", "client-2").build();
        assertEquals(Optional.of("the Cognito access token was issued to another app client; accepted: [client-1]"),
                cognito.checkBearerAudience(otherClient, accepted));
        JWTClaimsSet noClient = new JWTClaimsSet.Builder().claim("token_use", "access").build();
        assertEquals(Optional.of("the Cognito access token has no client_id claim"), cognito.checkBearerAudience(noClient, accepted));
        JWTClaimsSet id = new JWTClaimsSet.Builder().claim("token_use", "id").audience("client-1").build();
        assertEquals(Optional.empty(), cognito.checkBearerAudience(id, accepted));
        JWTClaimsSet idOther = new JWTClaimsSet.Builder().claim("token_use", "id").audience("client-2").build();
        assertTrue(cognito.checkBearerAudience(idOther, accepted).isPresent());
        JWTClaimsSet neither = new JWTClaimsSet.Builder().audience("client-1").build();
        assertTrue(cognito.checkBearerAudience(neither, accepted).orElseThrow().contains("token_use"));
    }

    @Test
    void theExampleConfigurationFileWorks(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        OidcSettings settings = dev.oidcsso.testing.stub.ExampleConfig.load("cognito", dir, Map.of());
        assertEquals(URI.create("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/openid-configuration"),
                settings.discoveryUrl());
        assertEquals("cognito:groups", settings.groupsAttribute());
    }
}
