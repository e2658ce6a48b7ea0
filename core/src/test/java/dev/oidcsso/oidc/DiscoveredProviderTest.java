package dev.oidcsso.oidc;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DiscoveredProviderTest {

    @Test
    void issuerTemplatesSurviveParsing() {
        String template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        String encoded = DiscoveredProvider.encodeBraces(template);
        assertEquals("https://login.microsoftonline.com/%7Btenantid%7D/v2.0", encoded);
        URI.create(encoded);
    }
}
