package dev.oidcsso.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NextPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/experiments", "/a/b?c=d&e=%2F", "/x#frag", "/a.b/..c/d..", "/x?next=/../y", "/caf\u00e9"})
    void sameSitePathsAreKept(String path) {
        assertEquals(path, NextPath.sanitise(Optional.of(path)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"//evil.example", "/\\evil.example", "https://evil.example/", "evil.example", "",
            "/\tjavascript:alert(1)", "/a\r\nSet-Cookie:x=y", "/a b", "javascript:alert(1)", "\\\\evil.example", "/a\\b",
            "/a|b", "/a%zz", "/a<b>", "/a{b}", "/a^b", "/a`b", "/a\"b",
            "/..//evil.example", "/../evil", "/a/../..//evil.example", "/./", "/a/.", "/%2e%2e//evil.example", "/%2E./x", "/.%2e"})
    void anythingElseFallsBackToRoot(String path) {
        assertEquals("/", NextPath.sanitise(Optional.of(path)));
    }

    @org.junit.jupiter.api.Test
    void redirectsCarryOnlyAsciiPercentEncodingTheRest() {
        String location = dev.oidcsso.http.WebResponse.redirect(java.net.URI.create("/caf\u00e9?q=\u00fc"))
                .headers().get("Location").get(0);
        assertEquals("/caf%C3%A9?q=%C3%BC", location);
    }
}
