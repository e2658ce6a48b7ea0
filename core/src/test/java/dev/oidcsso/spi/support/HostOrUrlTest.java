package dev.oidcsso.spi.support;

import dev.oidcsso.spi.support.ClaimValues;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostOrUrlTest {

    @Test
    void acceptsHostsAndHttpsUrlsAndLoopbackHttp() {
        assertEquals(Optional.of(URI.create("https://dev-1.okta.com")), HostOrUrl.tryParse("dev-1.okta.com"));
        assertEquals(Optional.of(URI.create("https://auth.example.com/base")), HostOrUrl.tryParse("https://auth.example.com/base/"));
        assertEquals(Optional.of(URI.create("http://127.0.0.1:8081")), HostOrUrl.tryParse("http://127.0.0.1:8081"));
        assertEquals(Optional.of(URI.create("http://localhost:8081")), HostOrUrl.tryParse("http://localhost:8081"));
    }

    @Test
    void refusesPlainHttpElsewhereAndOddUrls() {
        for (String bad : List.of("http://auth.example.com", "https://user@auth.example.com", "https://auth.example.com/?x=1",
                "ftp://auth.example.com", "https://")) {
            List<String> problems = new ArrayList<>();
            assertTrue(HostOrUrl.parse("OIDC_X", bad, problems).isEmpty(), bad);
            assertEquals(List.of("OIDC_X='" + bad + "' is not a host name such as login.example.com or an https URL"), problems);
        }
    }

    @Test
    void claimValuesTolerateTheWaysIdpsSendThem() {
        assertEquals(List.of("a"), ClaimValues.strings("a"));
        assertEquals(List.of("a", "1"), ClaimValues.strings(List.of("a", 1, Map.of())));
        assertEquals(List.of(), ClaimValues.strings(null));
        assertTrue(ClaimValues.isTrue(true));
        assertTrue(ClaimValues.isTrue("TRUE"));
        assertFalse(ClaimValues.isTrue("yes"));
        assertEquals(Optional.empty(), ClaimValues.string(""));
    }
}
