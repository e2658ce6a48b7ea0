package dev.oidcsso.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NextPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/experiments", "/a/b?c=d&e=%2F", "/x#frag"})
    void sameSitePathsAreKept(String path) {
        assertEquals(path, NextPath.sanitise(Optional.of(path)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"//evil.example", "/\\evil.example", "https://evil.example/", "evil.example", "",
            "/\tjavascript:alert(1)", "/a\r\nSet-Cookie:x=y", "/a b", "javascript:alert(1)", "\\\\evil.example", "/a\\b",
            "/a|b", "/a%zz", "/a<b>", "/a{b}", "/a^b", "/a`b", "/a\"b"})
    void anythingElseFallsBackToRoot(String path) {
        assertEquals("/", NextPath.sanitise(Optional.of(path)));
    }
}
