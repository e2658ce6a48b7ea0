package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.StubServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiscoveryTest {

    static OIDCProviderMetadata document(String base) {
        OIDCProviderMetadata metadata = new OIDCProviderMetadata(new Issuer(base), List.of(SubjectType.PUBLIC), URI.create(base + "/jwks"));
        metadata.setTokenEndpointURI(URI.create(base + "/token"));
        return metadata;
    }

    @Test
    void plainHttpToAnotherHostIsNamedAndLoopbackIsNot() {
        assertEquals(List.of(), Discovery.plainHttpEndpoints(URI.create("https://idp.example.com/.well-known/openid-configuration"),
                document("https://idp.example.com")));
        assertEquals(List.of(), Discovery.plainHttpEndpoints(URI.create("http://127.0.0.1:8080/.well-known/openid-configuration"),
                document("http://localhost:8080")));
        assertEquals(List.of(), Discovery.plainHttpEndpoints(URI.create("http://[::1]:8080/.well-known/openid-configuration"),
                document("http://[::1]:8080")));
        assertEquals(List.of("jwks_uri http://keycloak", "the discovery URL http://keycloak", "token_endpoint http://keycloak"),
                Discovery.plainHttpEndpoints(URI.create("http://keycloak:8080/realms/r/.well-known/openid-configuration"),
                        document("http://keycloak:8080/realms/r")));
        // A document fetched over https that sends the keys over http is named too.
        assertEquals(List.of("jwks_uri http://keys.example.com"), Discovery.plainHttpEndpoints(
                URI.create("https://idp.example.com/.well-known/openid-configuration"), withKeys(document("https://idp.example.com"))));
    }

    static OIDCProviderMetadata withKeys(OIDCProviderMetadata metadata) {
        metadata.setJWKSetURI(URI.create("http://keys.example.com/jwks"));
        return metadata;
    }

    @Test
    void theIssuersOwnUrlGivenAsDiscoveryUrlIsExplained() {
        // Keycloak's realm URL answers JSON that is no discovery document; other IdPs answer an error status.
        try (StubServer idp = StubServer.start()
                .on("/realms/demo", (exchange, request) -> StubServer.respond(exchange, 200, "application/json", "{\"realm\":\"demo\"}"))
                .on("/dev", (exchange, request) -> StubServer.respond(exchange, 405, "text/plain", "Method Not Allowed"))) {
            String hint = "OIDC_DISCOVERY_URL usually is the issuer's URL followed by /.well-known/openid-configuration";
            String realm = refusal(idp.url("/realms/demo"));
            assertTrue(realm.contains("is not valid") && realm.endsWith(hint), realm);
            String status = refusal(idp.url("/dev"));
            assertTrue(status.contains("answered HTTP 405") && status.endsWith(hint), status);
            // The right shape of URL, at an IdP that has no such document: the status alone says it.
            String missing = refusal(idp.url("/other/.well-known/openid-configuration"));
            assertTrue(missing.contains("answered HTTP 404"), missing);
            assertFalse(missing.contains("usually"), missing);
        }
    }

    /**
     * The discovery document is the IdP's text (or, over plain http to another host, anyone's on the path), and the
     * refusal's message is logged at WARN by ProviderConnection on every retry: one bounded line, as ForeignText makes
     * of the IdP's other words. The issuer is copied whole into it, line breaks included.
     */
    @Test
    void aDiscoveredIssuerWithLineBreaksIsOneBoundedLineInTheRefusal() {
        String issuer = "https://idp.example\\r\\n2026-11-30 12:00:00 INFO  [main] user admin signed in " + "x".repeat(20_000);
        try (StubServer idp = StubServer.start().on("/.well-known/openid-configuration", (exchange, request) -> StubServer.respond(
                exchange, 200, "application/json", "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"https://idp.example/auth\","
                        + "\"token_endpoint\":\"https://idp.example/token\",\"jwks_uri\":\"https://idp.example/jwks\","
                        + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
                        + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}"))) {
            String message = refusal(idp.url("/.well-known/openid-configuration"));
            assertFalse(message.contains("\n") || message.contains("\r"), "one line: " + message);
            assertTrue(message.length() < 2_000, "bounded: " + message.length() + " characters");
        }
    }

    private static String refusal(String discoveryUrl) {
        OidcSettings settings = OidcSettings.builder().discoveryUrl(discoveryUrl).client("app", "app-secret").build();
        return assertThrows(ProviderUnavailableException.class,
                () -> new Discovery(settings, new OidcHttp(Duration.ofSeconds(5))).discover()).getMessage();
    }
}
