package dev.oidcsso.provider.okta;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.spi.LogoutRequestInfo;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static dev.oidcsso.provider.okta.OktaProfileTest.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Auth0ProfileTest {

    @Test
    void recognisesAuth0Hosts() {
        Auth0Profile auth0 = new Auth0Profile();
        assertTrue(auth0.recognises(URI.create("https://my-tenant.us.auth0.com/.well-known/openid-configuration")));
        assertFalse(auth0.recognises(URI.create("https://auth0.com.evil.example/.well-known/openid-configuration")));
        assertFalse(auth0.recognises(URI.create("https://dev-1.okta.com/.well-known/openid-configuration")));
    }

    @Test
    void readsTheSeedsNamespacedClaimByDefault() {
        OidcSettings settings = settings(Map.of("OIDC_DISCOVERY_URL", "https://my-tenant.eu.auth0.com/.well-known/openid-configuration"));
        assertEquals("auth0", settings.profile().name());
        assertEquals("urn:mlflow:groups", settings.groupsAttribute());
    }

    @Test
    void anyNamespacedClaimCanBeConfigured() {
        OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "auth0", "OIDC_AUTH0_DOMAIN", "my-tenant.eu.auth0.com",
                "OIDC_GROUPS_ATTRIBUTE", "https://mlflow.example.com/groups"));
        assertEquals("https://mlflow.example.com/groups", settings.groupsAttribute());
    }

    @Test
    void buildsTheDiscoveryUrlFromTheDomain() {
        OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "auth0", "OIDC_AUTH0_DOMAIN", "my-tenant.eu.auth0.com"));
        assertEquals(URI.create("https://my-tenant.eu.auth0.com/.well-known/openid-configuration"), settings.discoveryUrl());
    }

    @Test
    void aMissingDomainNamesTheVariable() {
        SettingsException e = assertThrows(SettingsException.class, () -> settings(Map.of("OIDC_PROVIDER", "auth0")));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_AUTH0_DOMAIN is not set: give the Domain")),
                e.getMessage());
    }

    @Test
    void logoutFallsBackToV2LogoutWithClientIdAndReturnTo() {
        OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "auth0", "OIDC_AUTH0_DOMAIN", "my-tenant.eu.auth0.com"));
        URI uri = settings.profile().logoutUri(new LogoutRequestInfo(Optional.empty(), "client-1", Optional.of("id.token"),
                URI.create("https://app.example.com/bye?x=1"))).orElseThrow();
        assertEquals(URI.create("https://my-tenant.eu.auth0.com/v2/logout?client_id=client-1"
                + "&returnTo=https%3A%2F%2Fapp.example.com%2Fbye%3Fx%3D1"), uri);
    }

    @Test
    void logoutWithoutTheDomainSettingUsesTheDiscoveryHost() {
        OidcSettings settings = settings(Map.of("OIDC_DISCOVERY_URL", "https://my-tenant.eu.auth0.com/.well-known/openid-configuration"));
        URI uri = settings.profile().logoutUri(new LogoutRequestInfo(Optional.empty(), "client-1", Optional.empty(),
                URI.create("https://app.example.com/"))).orElseThrow();
        assertTrue(uri.toString().startsWith("https://my-tenant.eu.auth0.com/v2/logout?client_id=client-1&returnTo="), uri.toString());
    }

    @Test
    void logoutLeavesAnAdvertisedEndSessionEndpointToTheCore() {
        OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "auth0", "OIDC_AUTH0_DOMAIN", "my-tenant.eu.auth0.com"));
        assertTrue(settings.profile().logoutUri(new LogoutRequestInfo(
                Optional.of(URI.create("https://my-tenant.eu.auth0.com/oidc/logout")), "client-1", Optional.empty(),
                URI.create("https://app.example.com/"))).isEmpty());
    }
}
