package dev.oidcsso.http;

import dev.oidcsso.testing.TestRequest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one-name cookie lookup reads the header lines exactly as the full parse does. */
class CookieLookupTest {

    private static final String[] PIECES = {"a", "b", "oidc_sso_session", "=", ";", " ", "\t", "\"", "v", "x=y", "; ", "==", ""};

    @Test
    void findsWhatTheFullParseFinds() {
        Random random = new Random(16);
        for (int round = 0; round < 20_000; round++) {
            List<String> lines = new ArrayList<>();
            for (int l = random.nextInt(3); l >= 0; l--) {
                StringBuilder line = new StringBuilder();
                for (int k = random.nextInt(12); k >= 0; k--) {
                    line.append(PIECES[random.nextInt(PIECES.length)]);
                }
                lines.add(line.toString());
            }
            for (String name : List.of("a", "b", "oidc_sso_session", "x")) {
                List<String> expected = WebRequest.parseCookies(lines).stream().filter(pair -> pair.getKey().equals(name))
                        .map(Map.Entry::getValue).toList();
                assertEquals(expected, cookieLines(lines).cookies(name), () -> lines + " " + name);
            }
        }
    }

    @Test
    void plantedDuplicateIsSeen() {
        assertEquals(List.of("one", "two"), cookieLines(List.of("s=one; t=3", " s = \"two\" ")).cookies("s"));
        assertEquals(List.of(), cookieLines(List.of("ss=one; s2=3")).cookies("s"));
    }

    private static TestRequest cookieLines(List<String> lines) {
        return TestRequest.get("/").withCookieLines(lines.toArray(String[]::new));
    }
}
