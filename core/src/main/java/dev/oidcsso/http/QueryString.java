package dev.oidcsso.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses a raw query string. Adapters use it instead of their server's parameter API, which may
 * read a form body the application wants to read itself.
 */
public final class QueryString {

    private static final int MAX_PARAMETERS = 64;

    private QueryString() {
    }

    /**
     * Parses {@code a=1&b=2}; the first value of a repeated name wins; malformed escapes make the
     * parameter be skipped rather than fail the request.
     *
     * @param raw the raw query, or null
     * @return names to decoded values
     */
    public static Map<String, String> parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : raw.split("&", MAX_PARAMETERS + 1)) {
            if (params.size() >= MAX_PARAMETERS) {
                break;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (!name.isEmpty()) {
                    params.putIfAbsent(name, value);
                }
            } catch (IllegalArgumentException e) {
                // a malformed %-escape: ignore this parameter only
            }
        }
        return Collections.unmodifiableMap(params);
    }
}
