package dev.oidcsso.web;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The web UI for access tokens and permissions under {@value #PREFIX}: a fixed set of static
 * files shipped in the jar ({@code dev/oidcsso/ui/}), read once at start. The page talks to the
 * REST API only, with URLs relative to its own location, so it works behind a reverse proxy with
 * a path prefix.
 *
 * <p>Only the names in {@link #FILES} are served: no file system or class path lookup ever sees a
 * name from the request, so dot segments, encoded dots or slashes cannot reach anything else; they
 * get 404 like any other unknown name.
 */
final class UiAssets {

    /** Where the UI lives, relative to the application's base path. */
    static final String PREFIX = "/oidc/ui";

    /**
     * The UI's own policy: scripts, styles and fetches from this origin only, no inline script or
     * style, no framing, no plugins, no base-URI tricks.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static final String RESOURCE_DIR = "/dev/oidcsso/ui/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    private record Asset(String contentType, byte[] bytes, String etag) {
    }

    private final Map<String, Asset> assets;

    /**
     * Reads the files from the class path.
     *
     * @throws IllegalStateException when a file is missing from the jar (a broken build)
     */
    UiAssets() {
        Map<String, Asset> loaded = new LinkedHashMap<>();
        FILES.forEach((name, type) -> {
            byte[] bytes = read(name);
            loaded.put(name, new Asset(type, bytes, etag(bytes)));
        });
        this.assets = Map.copyOf(loaded);
    }

    /**
     * Whether a path belongs to the UI.
     *
     * @param path the request path within the application
     * @return true for {@value #PREFIX} and below
     */
    static boolean matches(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /**
     * Answers a request for the UI from an authenticated user.
     *
     * @param request the request, whose path {@link #matches}
     * @return the file, a redirect to the trailing-slash address, 304, 404 or 405
     */
    WebResponse serve(WebRequest request) {
        String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new OidcSsoException(405, "The UI's files are read with GET.");
        }
        String path = request.path();
        if (path.equals(PREFIX)) {
            // Relative URLs in the page resolve against a directory only with the trailing slash.
            return WebResponse.redirect(URI.create(basePath(request) + PREFIX + "/"));
        }
        String name = path.substring(PREFIX.length() + 1);
        Asset asset = assets.get(name.isEmpty() ? "index.html" : name);
        if (asset == null) {
            throw new OidcSsoException(404, "There is no such file in the oidc-sso UI.");
        }
        boolean page = asset.contentType().startsWith("text/html");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of(asset.contentType()));
        // The page is per user and never cached; script and style may be kept but are revalidated,
        // so an upgrade takes effect at the next load, and 'private' keeps them out of shared caches.
        headers.put("Cache-Control", List.of(page ? "no-store" : "private, no-cache"));
        headers.put("ETag", List.of(asset.etag()));
        headers.put("X-Content-Type-Options", List.of("nosniff"));
        headers.put("Content-Security-Policy", List.of(CONTENT_SECURITY_POLICY));
        headers.put("Referrer-Policy", List.of("no-referrer"));
        headers.put("X-Frame-Options", List.of("DENY"));
        Optional<String> ifNoneMatch = request.header("If-None-Match");
        if (!page && ifNoneMatch.isPresent() && ifNoneMatch.get().contains(asset.etag())) {
            return new WebResponse(304, headers, new byte[0]);
        }
        return new WebResponse(200, headers, method.equals("HEAD") ? new byte[0] : asset.bytes());
    }

    private static byte[] read(String name) {
        try (InputStream in = UiAssets.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("The UI file " + RESOURCE_DIR + name + " is missing from the oidc-sso-core jar.");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the UI file " + name + " failed", e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static String basePath(WebRequest request) {
        String path = request.baseUri().getRawPath();
        return path == null ? "" : path;
    }

    @Override
    public String toString() {
        return "UiAssets" + assets.keySet();
    }
}
