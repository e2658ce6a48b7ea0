package dev.oidcsso.identity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a value out of a claims map by a path such as {@code realm_access.roles}. A claim whose
 * whole name contains dots, colons or slashes ({@code urn:mlflow:groups},
 * {@code https://example.com/groups}) is found first under its exact name, so namespaced custom
 * claims work without escaping.
 */
public final class ClaimPath {

    private ClaimPath() {
    }

    /**
     * Looks a path up.
     *
     * @param claims the claims
     * @param path   the path
     * @return the value, or empty
     */
    public static Optional<Object> read(Map<String, ?> claims, String path) {
        if (claims.containsKey(path)) {
            return Optional.ofNullable(claims.get(path));
        }
        int dot = path.indexOf('.');
        while (dot > 0) {
            Object head = claims.get(path.substring(0, dot));
            if (head instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, ?> typed = (Map<String, ?>) nested;
                Optional<Object> found = read(typed, path.substring(dot + 1));
                if (found.isPresent()) {
                    return found;
                }
            }
            dot = path.indexOf('.', dot + 1);
        }
        return Optional.empty();
    }

    /**
     * Looks a path up as a list of strings: a JSON array of strings, or a single string (which may
     * itself be a comma-separated list, as some IdPs send; spaces are kept, since group names such
     * as {@code Data Scientists} contain them).
     *
     * @param claims the claims
     * @param path   the path
     * @return the strings, empty when absent
     */
    public static List<String> readStrings(Map<String, ?> claims, String path) {
        Object value = read(claims, path).orElse(null);
        List<String> result = new ArrayList<>();
        if (value instanceof Collection<?> items) {
            for (Object item : items) {
                if (item instanceof String text && !text.isBlank()) {
                    result.add(text.trim());
                } else if (item instanceof Number || item instanceof Boolean) {
                    result.add(item.toString());
                }
            }
        } else if (value instanceof String text) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    result.add(part.trim());
                }
            }
        }
        return result;
    }
}
