package dev.oidcsso.web;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.oidcsso.http.TrustedProxies;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.testing.FuzzedRequest;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Forwarded and X-Forwarded-* from a trusted proxy: whatever they hold, the outside base URL is an
 * absolute http or https URL without query or fragment, and nothing throws.
 */
class ForwardedHeadersFuzzTest {

    private static final ForwardedHeaders HEADERS = new ForwardedHeaders(TrustedProxies.parse(List.of("127.0.0.1"), new ArrayList<>()),
            List.of("X-Forwarded-User"), Set.of("forwarded", "x-forwarded"));

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void anyForwardingHeadersGiveAUsableBaseUrl(FuzzedDataProvider data) {
        WebRequest request = FuzzedRequest.draw(data, "127.0.0.1", "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host",
                "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-User");
        URI base = HEADERS.resolve(request).baseUri();
        String scheme = base.getScheme();
        if (!("http".equals(scheme) || "https".equals(scheme)) || base.getRawAuthority() == null || base.getRawQuery() != null
                || base.getRawFragment() != null) {
            throw new IllegalStateException("unusable base URL " + base);
        }
        // What the framework does with it: build its callback and login links.
        URI.create(base + "/callback");
    }
}
