package dev.oidcsso.http;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrustedProxiesTest {

    static TrustedProxies of(String... entries) {
        List<String> problems = new ArrayList<>();
        TrustedProxies proxies = TrustedProxies.parse(List.of(entries), problems);
        assertEquals(List.of(), problems);
        return proxies;
    }

    @Test
    void matchesAddressesAndRanges() {
        TrustedProxies proxies = of("10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1", "172.16.0.0/12");
        assertTrue(proxies.trusts("10.255.3.4"));
        assertTrue(proxies.trusts("192.168.1.7"));
        assertFalse(proxies.trusts("192.168.1.8"));
        assertTrue(proxies.trusts("172.31.255.255"));
        assertFalse(proxies.trusts("172.32.0.1"));
        assertTrue(proxies.trusts("fd12:3456::1"));
        assertTrue(proxies.trusts("0:0:0:0:0:0:0:1"));
        assertTrue(proxies.trusts("[::1]"));
        assertTrue(proxies.trusts("::ffff:10.1.2.3"), "IPv4-mapped IPv6 counts as IPv4");
        assertFalse(proxies.trusts("11.0.0.1"));
    }

    @Test
    void namesAndGarbageAreNeverTrustedNorLookedUp() {
        TrustedProxies proxies = of("0.0.0.0/0");
        assertTrue(proxies.trusts("8.8.8.8"));
        assertTrue(proxies.trustsEveryAddress(), "worth the start-up warning");
        assertFalse(of("10.0.0.0/8").trustsEveryAddress());
        assertFalse(proxies.trusts("localhost"));
        assertFalse(proxies.trusts(""));
        assertFalse(proxies.trusts("1.2.3.4.example.com"));
        assertFalse(TrustedProxies.none().trusts("127.0.0.1"));
    }

    @Test
    void unusableEntriesAreReported() {
        List<String> problems = new ArrayList<>();
        TrustedProxies.parse(List.of("proxy.internal", "10.0.0.0/40", "10.0.0.0/x", "::1/129"), problems);
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("OIDC_TRUSTED_PROXIES entry 'proxy.internal'"));
    }
}
