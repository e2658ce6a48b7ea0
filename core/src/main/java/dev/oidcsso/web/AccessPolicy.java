package dev.oidcsso.web;

import java.util.List;

/**
 * Which application paths are served without login: exact paths, and prefixes given with a
 * trailing {@code /}. Everything else needs an authenticated principal.
 */
final class AccessPolicy {

    private final List<String> publicPaths;

    AccessPolicy(List<String> publicPaths) {
        this.publicPaths = List.copyOf(publicPaths);
    }

    boolean isPublic(String path) {
        if (!isNormal(path)) {
            return false;
        }
        for (String allowed : publicPaths) {
            if (allowed.endsWith("/") ? path.startsWith(allowed) : path.equals(allowed)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A path with dot segments, encoded dots or slashes, or backslashes could be normalised by the
     * server into something other than what the prefix check saw; such paths are never public.
     */
    private static boolean isNormal(String path) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        return !(lower.contains("/../") || lower.endsWith("/..") || lower.contains("/./") || lower.endsWith("/.")
                || lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("\\")
                || lower.contains(";"));
    }
}
