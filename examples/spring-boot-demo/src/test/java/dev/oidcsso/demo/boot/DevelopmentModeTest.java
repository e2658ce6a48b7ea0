package dev.oidcsso.demo.boot;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevelopmentModeTest {

    @Test
    void onlyWithoutAnyConfiguredIdentityProvider() {
        assertTrue(SpringBootDemo.developmentMode(Map.of(), new String[0]));
        assertTrue(SpringBootDemo.developmentMode(Map.of("OIDC_DISCOVERY_URL", " "), new String[]{"--oidc-sso.provider="}));
        assertFalse(SpringBootDemo.developmentMode(Map.of("OIDC_DISCOVERY_URL", "https://idp.example/.well-known/openid-configuration"),
                new String[0]));
        assertFalse(SpringBootDemo.developmentMode(Map.of("OIDC_PROVIDER", "okta"), new String[0]));
        assertFalse(SpringBootDemo.developmentMode(Map.of(), new String[]{"--oidc-sso.discovery-url=https://idp.example/x"}));
        assertFalse(SpringBootDemo.developmentMode(Map.of("OIDCSSO_PROVIDER", "google"), new String[0]));
    }
}
