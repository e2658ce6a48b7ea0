package dev.oidcsso.web;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.net.URI;
import java.util.Optional;

/**
 * Whatever {@code next} is, the login returns to this site: the kept value, resolved against the
 * application's URL and with its dot segments removed (what a browser does), stays on the same host,
 * and what becomes the {@code Location} header is ASCII.
 */
class NextPathFuzzTest {

    private static final URI BASE = URI.create("https://app.example/base/");

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void nextNeverLeavesTheSite(FuzzedDataProvider data) {
        String candidate = data.consumeRemainingAsString();
        String next = NextPath.sanitise(Optional.of(candidate));
        if (!next.equals("/") && !next.equals(candidate)) {
            throw new IllegalStateException("changed instead of kept or refused: " + next);
        }
        URI location = URI.create("/base" + next);
        URI resolved = BASE.resolve(location).normalize();
        if (!"app.example".equals(resolved.getHost()) || !"https".equals(resolved.getScheme())) {
            throw new IllegalStateException("'" + candidate + "' leads to " + resolved);
        }
        String header = dev.oidcsso.http.WebResponse.redirect(location).headers().get("Location").get(0);
        if (!header.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalStateException("Location is not printable ASCII: " + header);
        }
    }
}
