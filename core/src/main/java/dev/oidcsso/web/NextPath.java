package dev.oidcsso.web;

import java.util.Optional;

/**
 * Checks the {@code next} parameter of {@code /login}: only a path on this site is accepted, so the
 * login cannot be abused as an open redirect ({@code //evil.example}, {@code /\evil.example},
 * {@code https://evil.example}, {@code /..//evil.example}, control characters and the like all fall
 * back to {@code /}).
 */
public final class NextPath {

    private static final int MAX_LENGTH = 2048;

    private NextPath() {
    }

    /**
     * The safe path to return to after login.
     *
     * @param candidate the requested {@code next}, if any
     * @return a path starting with a single {@code /}, or {@code /}
     */
    public static String sanitise(Optional<String> candidate) {
        return candidate.filter(NextPath::isSafe).orElse("/");
    }

    /**
     * Whether a value is a same-site path.
     *
     * @param path the value
     * @return true when it is safe to redirect to
     */
    public static boolean isSafe(String path) {
        if (path.isEmpty() || path.length() > MAX_LENGTH || path.charAt(0) != '/') {
            return false;
        }
        if (path.length() > 1 && (path.charAt(1) == '/' || path.charAt(1) == '\\')) {
            return false;
        }
        try {
            java.net.URI uri = new java.net.URI(path);
            if (uri.getScheme() != null || uri.getRawAuthority() != null) {
                return false;
            }
        } catch (java.net.URISyntaxException e) {
            // characters a redirect cannot carry (| " < > { } ^ ` or a stray %): not a usable path
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            // Backslashes are read as slashes by browsers; control characters and spaces can split
            // or smuggle headers.
            if (c < 0x21 || c == 0x7f || c == '\\') {
                return false;
            }
        }
        return !hasDotSegment(path);
    }

    /**
     * Whether the path part holds a {@code .} or {@code ..} segment, written plainly or as
     * {@code %2e}. Browsers and proxies remove dot segments, and {@code /..//evil.example} becomes
     * {@code //evil.example}, another site; a same-site link never needs them, so they are refused
     * rather than normalised.
     */
    private static boolean hasDotSegment(String path) {
        int end = path.length();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        for (String segment : path.substring(0, end).split("/", -1)) {
            String plain = segment.replace("%2e", ".").replace("%2E", ".");
            if (plain.equals(".") || plain.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
