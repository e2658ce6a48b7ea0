package dev.oidcsso.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The demo's two static files: the icon browsers ask for on every page (without it each page view
 * logs a 404) and the home page's script. Both are read once from the jar; nothing else is served.
 */
public final class DemoAssets extends HttpServlet {

    /** The icon's path; public, so a browser asking for it before login is not sent to the IdP. */
    static final String FAVICON = "/favicon.ico";
    /** The home page's script (the page's Content-Security-Policy allows only scripts of this site). */
    static final String HOME_SCRIPT = "/home.js";

    private static final long serialVersionUID = 1L;

    private record Asset(byte[] bytes, String contentType) {
    }

    private final transient Map<String, Asset> assets = Map.of(
            FAVICON, new Asset(read("favicon.ico"), "image/x-icon"),
            HOME_SCRIPT, new Asset(read("home.js"), "text/javascript;charset=utf-8"));

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Asset asset = assets.get(request.getServletPath());
        if (asset == null) {
            response.sendError(404);
            return;
        }
        response.setStatus(200);
        response.setContentType(asset.contentType());
        response.setHeader("X-Content-Type-Options", "nosniff");
        // An hour: the files change only with a new version of the demo.
        response.setHeader("Cache-Control", "public, max-age=3600");
        response.setContentLength(asset.bytes().length);
        response.getOutputStream().write(asset.bytes());
    }

    private static byte[] read(String name) {
        try (InputStream in = DemoAssets.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the demo server's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
