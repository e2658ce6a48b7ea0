package dev.oidcsso.authz;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegexPatternTest {

    @Test
    void patternsMatchWholeNames() {
        RegexPattern pattern = RegexPattern.compile("team-a-.*");
        assertTrue(pattern.matches("team-a-churn"));
        assertFalse(pattern.matches("xteam-a-churn"));
        assertFalse(RegexPattern.compile("team-a").matches("team-a-churn"));
    }

    @Test
    void hostilePatternsAgainstHostileNamesFinishQuickly() {
        // With java.util.regex each of these backtracks exponentially in the name's length.
        String name = "a".repeat(Resource.MAX_NAME_LENGTH - 1) + "!";
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (String hostile : new String[] {"(a+)+$", "(a|aa)*c", "(a*)*b", "(.*a){20}"}) {
                assertFalse(RegexPattern.compile(hostile).matches(name), hostile);
            }
        });
        assertTrue(RegexPattern.compile("(a+)+!").matches(name));
    }

    @Test
    void patternsLongerThanTheLimitAreRefusedWith400() {
        assertEquals(512, RegexPattern.MAX_LENGTH);
        RegexPattern.compile("a".repeat(512));
        PermissionInputException refused = assertThrows(PermissionInputException.class, () -> RegexPattern.compile("a".repeat(513)));
        assertEquals(400, refused.status());
        assertEquals("a regular expression is 513 characters long; at most 512 are accepted", refused.getMessage());
    }

    @Test
    void invalidPatternsAreRefusedWith400SayingWhy() {
        PermissionInputException unbalanced = assertThrows(PermissionInputException.class, () -> RegexPattern.compile("team-(a"));
        assertEquals(400, unbalanced.status());
        assertTrue(unbalanced.getMessage().startsWith("'team-(a' is not a valid regular expression (RE2 syntax"), unbalanced.getMessage());
        // Back-references need backtracking; RE2 refuses them rather than risk it.
        assertThrows(PermissionInputException.class, () -> RegexPattern.compile("(a)\\1"));
        assertThrows(PermissionInputException.class, () -> RegexPattern.compile(""));
    }

    @Test
    void namesLongerThanTheLimitAreRefusedBeforeAnyMatching() {
        PermissionInputException refused = assertThrows(PermissionInputException.class,
                () -> Resource.of(ResourceType.of("experiment"), "x".repeat(Resource.MAX_NAME_LENGTH + 1)));
        assertEquals(400, refused.status());
        assertEquals("a resource name is 513 characters long; at most 512 are accepted", refused.getMessage());
        assertThrows(PermissionInputException.class, () -> Grantee.user("u".repeat(257)));
        assertThrows(PermissionInputException.class, () -> Resource.of(ResourceType.of("experiment"), " "));
    }
}
