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

    @Test
    void theReviewsHostilePatternsAreRefusedBeforeCompilingNamingTheLimit() {
        // From the review: 1.4 s to compile and 44.8 s per match; OutOfMemoryError; StackOverflowError.
        PermissionInputException slow = assertThrows(PermissionInputException.class, () -> RegexPattern.compile("(.{0,1000}){1000}x"));
        assertEquals(400, slow.status());
        assertTrue(slow.getMessage().contains("at most 1000 are accepted (program size limit)"), slow.getMessage());
        PermissionInputException huge = assertThrows(PermissionInputException.class, () -> RegexPattern.compile("((a{1000}){1000}){1000}"));
        assertTrue(huge.getMessage().contains("program size limit"), huge.getMessage());
        PermissionInputException deep = assertThrows(PermissionInputException.class, () -> RegexPattern.compile("(.?){1000}(.?){1000}x"));
        assertTrue(deep.getMessage().contains("program size limit"), deep.getMessage());
        PermissionInputException nested = assertThrows(PermissionInputException.class, () -> RegexPattern.compile(".{0,150}"));
        assertTrue(nested.getMessage().contains("at most 100 are accepted (nesting limit"), nested.getMessage());
    }

    @Test
    void everyDayPatternsStayWellWithinTheLimits() {
        for (String pattern : new String[] {"team-a-.*", "(dev|prod)-[a-z0-9]{1,64}", "[a-z]{3,32}-experiment-\\d{1,8}", ".{0,99}",
                "\\Q{1000}\\E", "[{]1000}", "a\\{1000}", "\\p{Greek}+", "(?i)(?P<team>alpha|beta)/.*", "x{2,}"}) {
            RegexPattern.compile(pattern);
        }
        assertTrue(RegexPattern.compile("\\Q{1000}\\E").matches("{1000}"));
        assertTrue(RegexPattern.compile("[{]1000}").matches("{1000}"));
    }

    @Test
    void theMeasureIsAnUpperBoundOfWhatRe2jBuilds() throws ReflectiveOperationException {
        for (String pattern : new String[] {"team-a-.*", "(a|b|c|d){200}", ".{0,99}", "(.?){300}", "((ab){10}){10}", "a{3,}b{0,7}",
                "[a-z0-9_-]{1,99}", "(?:x|yy|zzz){0,30}", "\\Qabc\\E{30}", "(?i)[[:alpha:]]{40}", "\\x{41}{200}", "\\pL{300}",
                "((((((((((a))))))))))*", "a|b|c|d|e|f|g|h", "(a*)*(b+)+(c?)?",
                // found by RegexPatternFuzzTest: empty alternatives compile to an instruction each
                "|\\>||E|", "(?:||||){200}", "(){300}", "(|a)*",
                // and that RE2/J reads {00,2} as text (no leading zeros), longer than the repetition would be
                "\\'{\\'{00,2}", "a{01}", "a{1,02}",
                // and that '[' ends a range inside a class: [>-[:,:] is one class, the rest is outside it
                "[`>-[:`,:]IIIIIIIIII{3}", "[a-]b{50}", "[]a]{20}", "[^]-a]{20}", "[[:alpha:]-]{20}"}) {
            RegexCost cost = RegexCost.of(pattern);
            int actual = Re2jProgram.size(pattern);
            assertTrue(actual <= cost.size(), pattern + ": measured " + cost.size() + " but RE2/J built " + actual);
        }
    }

    @Test
    void controlCharactersInPatternsAreRefused() {
        PermissionInputException refused = assertThrows(PermissionInputException.class, () -> RegexPattern.compile("team\u0000.*"));
        assertEquals(400, refused.status());
        assertEquals("a regular expression must not contain control characters or unpaired surrogates; it has "
                + "a control character (U+0000) at position 5", refused.getMessage());
        // The escape for a control character is text, and fine.
        assertTrue(RegexPattern.compile("a\\x00b").matches("a\u0000b"));
    }

    @Test
    void patternsAtTheLimitsCompileAndMatchOnASmallStack() throws InterruptedException {
        // The deepest programs the limits let through (a long chain of empty transitions, the most nesting)
        // on a quarter of the JVM's default thread stack.
        String[][] cases = {{"(?:.?){199}", "a".repeat(199)}, {"[a-z]{0,99}", "z".repeat(99)}, {"(.?){140}x", "a".repeat(140) + "x"}};
        for (String[] test : cases) {
            boolean[] result = {false};
            Throwable[] escaped = {null};
            Thread small = new Thread(null, () -> {
                try {
                    result[0] = RegexPattern.compile(test[0]).matches(test[1]);
                } catch (Throwable e) {
                    escaped[0] = e;
                }
            }, "small-stack", 256 * 1024);
            small.start();
            small.join();
            assertEquals(null, escaped[0], test[0]);
            assertTrue(result[0], test[0]);
        }
    }

    @Test
    void aMatchThatOverflowsTheStackIsNoMatchAndNoError() throws InterruptedException {
        // Within the limits a small thread stack holds (see the test above); this pattern, which
        // the limits would refuse, overflows a small stack on a name it matches: the answer is
        // "no match" (fail closed) and no Error escapes.
        RegexPattern pattern = RegexPattern.withoutLimits("(?:.?){1000}");
        boolean[] result = {true};
        Throwable[] escaped = {null};
        Thread tiny = new Thread(null, () -> {
            try {
                result[0] = pattern.matches("a".repeat(500));
            } catch (Throwable e) {
                escaped[0] = e;
            }
        }, "small-stack", 128 * 1024);
        tiny.start();
        tiny.join();
        assertEquals(null, escaped[0]);
        assertFalse(result[0]);
        assertTrue(pattern.matches("a".repeat(500)), "on this thread's ordinary stack it matches");
    }
}
