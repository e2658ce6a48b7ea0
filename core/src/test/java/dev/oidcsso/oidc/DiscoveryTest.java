package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
