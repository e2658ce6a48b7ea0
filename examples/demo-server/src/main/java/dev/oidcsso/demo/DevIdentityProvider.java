package dev.oidcsso.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded development OpenID provider: mock-oauth2-server on loopback with an interactive
 * sign-in page that logs anyone in as anyone. For trying the demo on a laptop only; the demo server
 * starts it only when no real IdP is configured, and says so loudly.
 */
public final class DevIdentityProvider implements AutoCloseable {

    /** The issuer id inside mock-oauth2-server: the issuer is {@code http://127.0.0.1:<port>/dev}. */
    static final String ISSUER_ID = "dev";
    private static final String LOGIN_PAGE = "dev-login.html";

    private final MockOAuth2Server server;
    private final Path loginPage;
    private final Thread drain;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    private DevIdentityProvider(MockOAuth2Server server, Path loginPage) {
        this.server = server;
        this.loginPage = loginPage;
        // mock-oauth2-server keeps every request it answered in a queue for tests to take, and never
        // drops one: about 3 KB per login, 280 MB of heap after 43 000 logins. Nobody reads them here.
        this.drain = new Thread(this::dropRecordedRequests, "dev-idp-request-drain");
        drain.setDaemon(true);
        drain.start();
    }

    private void dropRecordedRequests() {
        while (!closed) {
            try {
                server.takeRequest(1, TimeUnit.SECONDS);
                dropped.incrementAndGet();
            } catch (RuntimeException e) {
                // No request within the second (mock-oauth2-server's way of saying so): look again.
            }
        }
    }

    /**
     * Starts the provider on 127.0.0.1. Its sign-in page offers one-click logins for the given
     * groups, so the buttons keep working when {@code OIDC_GROUP_NAME} or
     * {@code OIDC_ADMIN_GROUP_NAME} are changed.
     *
     * @param port       the port, 0 for a free one
     * @param userGroup  the group that makes a user
     * @param adminGroup the group that makes an administrator
     * @return the running provider
     * @throws IOException when the port cannot be bound or the page cannot be written
     */
    public static DevIdentityProvider start(int port, String userGroup, String adminGroup) throws IOException {
        // mock-oauth2-server reads its login page from a file, and a resource inside a jar is not
        // one: write it to a private temporary file, removed again on close.
        Path page = Files.createTempFile("oidc-sso-dev-login-", ".html");
        try {
            Files.writeString(page, loginPage(userGroup, adminGroup), StandardCharsets.UTF_8);
            MockOAuth2Server server = new MockOAuth2Server(new OAuth2Config(true, page.toString()));
            server.start(InetAddress.getByName("127.0.0.1"), port);
            return new DevIdentityProvider(server, page);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(page);
            throw e;
        }
    }

    /** @return how many answered requests were dropped from mock-oauth2-server's record so far (for tests) */
    long droppedRequests() {
        return dropped.get();
    }

    /** @return the discovery URL to configure the framework with */
    public URI discoveryUrl() {
        return URI.create(issuer() + "/.well-known/openid-configuration");
    }

    /** @return the issuer, for the console banner and the home page */
    public String issuer() {
        // Spelled with the address, not "localhost": the provider listens on IPv4 loopback only,
        // and a browser resolving localhost to ::1 would not reach it.
        return "http://127.0.0.1:" + port() + "/" + ISSUER_ID;
    }

    /** @return the port the provider listens on */
    public int port() {
        return server.baseUrl().port();
    }

    /** Stops the provider and removes its page; safe to call twice. */
    @Override
    public void close() {
        closed = true;
        server.shutdown();
        try {
            Files.deleteIfExists(loginPage);
        } catch (IOException e) {
            // A leftover file in the temp folder holds no secret; nothing to do about it here.
        }
    }

    static String loginPage(String userGroup, String adminGroup) {
        String template;
        try (InputStream in = DevIdentityProvider.class.getResourceAsStream(LOGIN_PAGE)) {
            if (in == null) {
                throw new IllegalStateException(LOGIN_PAGE + " is missing from the demo server's resources");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return template
                .replace("${USER_CLAIMS}", HomeServlet.escape(claims(List.of(userGroup))))
                .replace("${ADMIN_CLAIMS}", HomeServlet.escape(claims(List.of(adminGroup))))
                .replace("${NO_GROUP_CLAIMS}", HomeServlet.escape(claims(List.of())))
                .replace("${USER_GROUP}", HomeServlet.escape(userGroup))
                .replace("${ADMIN_GROUP}", HomeServlet.escape(adminGroup));
    }

    private static String claims(List<String> groups) {
        try {
            return new ObjectMapper().writeValueAsString(Map.of("groups", groups));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }
}
