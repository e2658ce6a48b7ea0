package dev.oidcsso.provider.okta;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.spi.LogoutRequestInfo;
import dev.oidcsso.plugins.NamedServices;
import dev.oidcsso.oidc.GenericProviderProfile;
import dev.oidcsso.spi.ProviderProfileFactory;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OktaProfileTest {

    static final ProviderProfileFactory GENERIC = new GenericProviderProfile();

    static OidcSettings settings(Map<String, String> values) {
        return OidcSettings.builder().profiles(List.of(new OktaProfile(), new Auth0Profile(), GENERIC))
                .client("client-1", "secret-1").setAll(values).build();
    }

    @Test
    void bothProfilesAreRegisteredForTheServiceLoader() {
        List<String> names = StreamSupport.stream(ServiceLoader.load(ProviderProfileFactory.class).spliterator(), false)
                .map(ProviderProfileFactory::name).collect(Collectors.toList());
        assertTrue(names.containsAll(List.of("okta", "auth0")), names.toString());
        NamedServices<ProviderProfileFactory> services = NamedServices.of(List.of(new OktaProfile(), new Auth0Profile()),
                p -> List.of(p.name()), p -> p.getClass().getName(), "provider profile", "OIDC_PROVIDER");
        assertTrue(services.conflicts().isEmpty());
    }

    @Test
    void recognisesOktaHostsOnly() {
        OktaProfile okta = new OktaProfile();
        assertTrue(okta.recognises(URI.create("https://dev-123456.okta.com/.well-known/openid-configuration")));
        assertTrue(okta.recognises(URI.create("https://acme.oktapreview.com/oauth2/default/.well-known/openid-configuration")));
        assertTrue(okta.recognises(URI.create("https://acme.okta-emea.com/.well-known/openid-configuration")));
        assertFalse(okta.recognises(URI.create("https://okta.com.evil.example/.well-known/openid-configuration")));
        assertFalse(okta.recognises(URI.create("https://evilokta.com/.well-known/openid-configuration")));
        assertFalse(okta.recognises(URI.create("https://acme.auth0.com/.well-known/openid-configuration")));
    }

    @Test
    void selectedFromTheDiscoveryUrlWhenProviderIsUnset() {
        OidcSettings settings = settings(Map.of("OIDC_DISCOVERY_URL", "https://dev-1.okta.com/.well-known/openid-configuration"));
        assertEquals("okta", settings.profile().name());
        assertEquals("groups", settings.groupsAttribute());
    }

    @Test
    void buildsTheOrgServerDiscoveryUrlFromTheDomain() {
        OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "okta", "OIDC_OKTA_DOMAIN", "dev-123456.okta.com"));
        assertEquals(URI.create("https://dev-123456.okta.com/.well-known/openid-configuration"), settings.discoveryUrl());
    }

    @Test
    void buildsACustomServerDiscoveryUrl() {
        OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "okta", "OIDC_OKTA_DOMAIN", "https://dev-123456.okta.com/",
                "OIDC_OKTA_AUTHORIZATION_SERVER_ID", "default"));
        assertEquals(URI.create("https://dev-123456.okta.com/oauth2/default/.well-known/openid-configuration"),
                settings.discoveryUrl());
    }

    @Test
    void anExplicitDiscoveryUrlWins() {
        OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "okta", "OIDC_OKTA_DOMAIN", "dev-1.okta.com",
                "OIDC_DISCOVERY_URL", "https://login.example.com/.well-known/openid-configuration"));
        assertEquals(URI.create("https://login.example.com/.well-known/openid-configuration"), settings.discoveryUrl());
    }

    @Test
    void aMissingDomainNamesTheVariable() {
        SettingsException e = assertThrows(SettingsException.class, () -> settings(Map.of("OIDC_PROVIDER", "okta")));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_OKTA_DOMAIN is not set")), e.getMessage());
    }

    @Test
    void badDomainAndServerIdAreReported() {
        SettingsException e = assertThrows(SettingsException.class, () -> settings(Map.of("OIDC_PROVIDER", "okta",
                "OIDC_OKTA_DOMAIN", "http://dev-1.okta.com", "OIDC_OKTA_AUTHORIZATION_SERVER_ID", "a/b")));
        assertTrue(e.problems().contains("OIDC_OKTA_DOMAIN='http://dev-1.okta.com' is not a host name such as "
                + "login.example.com or an https URL"), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_OKTA_AUTHORIZATION_SERVER_ID='a/b'")), e.getMessage());
    }

    @Test
    void logoutIsLeftToTheAdvertisedEndSessionEndpoint() {
        OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "okta", "OIDC_OKTA_DOMAIN", "dev-1.okta.com"));
        Optional<URI> uri = settings.profile().logoutUri(new LogoutRequestInfo(
                Optional.of(URI.create("https://dev-1.okta.com/oauth2/v1/logout")), "client-1", Optional.of("id.token.jwt"),
                URI.create("https://app.example.com/")));
        assertTrue(uri.isEmpty(), "the core builds the standard RP-initiated logout URL");
    }

    @Test
    void theExampleConfigurationFilesWork(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        OidcSettings okta = dev.oidcsso.testing.stub.ExampleConfig.load("okta", dir, Map.of());
        assertEquals("okta", okta.profile().name());
        assertEquals(URI.create("https://dev-123456.okta.com/.well-known/openid-configuration"), okta.discoveryUrl());
        OidcSettings auth0 = dev.oidcsso.testing.stub.ExampleConfig.load("auth0", dir, Map.of());
        assertEquals("auth0", auth0.profile().name());
        assertEquals("urn:mlflow:groups", auth0.groupsAttribute());
        // Both issue refresh tokens only for offline_access, advertised or not.
        assertEquals(java.util.Set.of("offline_access"), okta.profile().refreshTokenScopes(java.util.Set.of("openid")));
        assertEquals(java.util.Set.of("offline_access"), auth0.profile().refreshTokenScopes(java.util.Set.of()));
    }
}
