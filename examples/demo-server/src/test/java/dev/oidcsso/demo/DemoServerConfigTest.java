package dev.oidcsso.demo;

import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.HtmlForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A configuration error stops start-up with every problem listed, status 2 and no stack trace. */
class DemoServerConfigTest {

    @TempDir
    Path dataDir;

    @Test
    void everyProblemIsPrintedWithoutAStackTraceAndTheStatusIs2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DemoServer.run(Map.of(
                "OIDC_DISCOVERY_URL", "not a url",
                "SECRET_KEY", "short",
                "PORT", "0"), new Properties(), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, printed);
        assertTrue(printed.contains("OIDC_DISCOVERY_URL='not a url'"), printed);
        assertTrue(printed.contains("OIDC_CLIENT_ID is not set"), printed);
        assertTrue(printed.contains("SECRET_KEY is 5 characters long"), printed);
        assertFalse(printed.contains("short"), "the secret's value is not printed: " + printed);
        assertFalse(printed.contains("\tat "), "no stack trace: " + printed);
        assertFalse(printed.contains("Exception"), printed);
    }

    @Test
    void developmentModeListensOnLoopbackOnlyUnlessToldOtherwise() throws IOException {
        DemoServer local = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.resolve("local").toString()))
                .port(0).build();
        local.start();
        try {
            assertEquals("127.0.0.1", local.baseUri().getHost());
            try (java.net.Socket loopback = new java.net.Socket(InetAddress.getByName("127.0.0.1"), local.port())) {
                assertTrue(loopback.isConnected());
            }
            java.util.Optional<InetAddress> outside = nonLoopbackAddress();
            if (outside.isPresent()) {
                assertThrows(IOException.class, () -> new java.net.Socket(outside.get(), local.port()).close(),
                        "not reachable on " + outside.get());
            }
        } finally {
            local.stop();
        }
        DemoServer everywhere = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.resolve("everywhere").toString(),
                DemoServer.BIND_ADDRESS, "0.0.0.0")).port(0).build();
        everywhere.start();
        try {
            assertEquals("localhost", everywhere.baseUri().getHost(), "listening on every interface, as BIND_ADDRESS says");
        } finally {
            everywhere.stop();
        }
    }

    private static java.util.Optional<InetAddress> nonLoopbackAddress() throws IOException {
        return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(nic -> java.util.Collections.list(nic.getInetAddresses()).stream())
                .filter(address -> address instanceof java.net.Inet4Address && !address.isLoopbackAddress())
                .findFirst();
    }

    @Test
    void aBadPortIsAConfigurationError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DemoServer.run(Map.of("PORT", "eighty", "DEV_IDP_PORT", "70000"), new Properties(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, printed);
        assertTrue(printed.contains("PORT='eighty' is not a port number"), printed);
        assertTrue(printed.contains("DEV_IDP_PORT='70000' is not a port number"), printed);
    }

    @Test
    void aProviderWithoutItsSettingsIsRefusedAndNoDevelopmentIdpStarts() {
        DemoServer server = DemoServer.builder().environment(Map.of("OIDC_PROVIDER", "no-such-idp")).host("127.0.0.1").port(0).build();
        var error = assertThrows(dev.oidcsso.config.SettingsException.class, server::start);
        assertTrue(error.getMessage().contains("no-such-idp"), error.getMessage());
        assertTrue(server.devIdentityProvider().isEmpty());
    }

    @Test
    void aTakenPortFailsStartAndStopsTheDevelopmentIdpAgain() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            DemoServer server = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.toString()))
                    .host("127.0.0.1").port(taken.getLocalPort()).build();
            IOException error = assertThrows(IOException.class, server::start);
            assertTrue(error.getMessage().contains(String.valueOf(taken.getLocalPort())), error.getMessage());
            assertTrue(error.getMessage().contains("already in use") && error.getMessage().contains("set PORT to a free port"),
                    "says what to change: " + error.getMessage());
            assertTrue(server.devIdentityProvider().isEmpty(), "cleaned up after the failure");
            assertThrows(IllegalStateException.class, server::port);
        }
    }

    @Test
    void aTakenDevelopmentIdpPortNamesItsVariable() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            DemoServer server = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.toString(),
                    "DEV_IDP_PORT", String.valueOf(taken.getLocalPort()))).host("127.0.0.1").port(0).build();
            IOException error = assertThrows(IOException.class, server::start);
            assertTrue(error.getMessage().contains("DEV_IDP_PORT") && error.getMessage().contains(String.valueOf(taken.getLocalPort())),
                    error.getMessage());
            assertFalse(DemoServer.reason(error).contains("OIDC_DATA_DIR"), "no hint about the database: " + DemoServer.reason(error));
        }
    }

    /**
     * Stopping the demo and starting it again in the same folder, as the quick start invites: the
     * users recorded there are bound to the development IdP's issuer, whose URL holds its port, so
     * the next start must bring the IdP back on that port or nobody who signed in before can again
     * ("belongs to another account", 403).
     */
    @Test
    void usersSignInAgainAfterTheDemoIsRestartedInTheSameFolder() throws IOException {
        for (int start = 1; start <= 2; start++) {
            DemoServer server = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.toString())).host("127.0.0.1").port(0).build();
            server.start();
            try {
                Browser browser = Browser.forPages();
                HttpResponse<String> signIn = browser.navigate(server.baseUri() + "/").last();
                List<HttpResponse<String>> chain = browser.submit(HtmlForm.parse(signIn, "login-user")).chain();
                HttpResponse<String> landed = chain.get(chain.size() - 1);
                assertEquals(200, landed.statusCode(), "start " + start + ": " + landed.body());
                String status = browser.getJson(server.baseUri() + "/auth/status").body();
                assertTrue(status.contains("\"authenticated\":true"), "start " + start + ": " + status);
            } finally {
                server.stop();
            }
        }
    }

    /**
     * A second demo in the same folder, as a user starts it: another JVM, since H2 locks its file
     * against other processes only. It must say why, H2's own reason included, and what to do.
     */
    @Test
    void aSecondInstanceInTheSameFolderSaysTheDatabaseIsInUse() throws Exception {
        DemoServer first = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.toString())).host("127.0.0.1").port(0).build();
        first.start();
        try {
            String javaCommand = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder second = new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"), DemoServer.class.getName())
                    .redirectErrorStream(true);
            second.environment().keySet().removeIf(name -> name.startsWith("OIDC_") || name.equals("SECRET_KEY") || name.equals("DEV_IDP_PORT"));
            second.environment().put("OIDC_DATA_DIR", dataDir.toString());
            second.environment().put("PORT", "0");
            Process process = second.start();
            process.getOutputStream().close();
            String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, process.waitFor(), printed);
            String reason = printed.lines().filter(line -> line.startsWith("The demo server cannot start")).findFirst().orElse(printed);
            assertTrue(reason.contains("cannot connect to the user database"), reason);
            String lower = reason.toLowerCase(Locale.ROOT);
            assertTrue(lower.contains("in use") || lower.contains("locked"), "H2's reason is kept: " + reason);
            assertTrue(reason.contains("OIDC_DATA_DIR=<folder>"), reason);
            assertFalse(printed.contains("\tat "), "no stack trace: " + printed);
        } finally {
            first.stop();
        }
    }

    @Test
    void theReasonKeepsEachCauseOnceOnOneLine() {
        Exception failure = new IOException("cannot connect to the user database at jdbc:h2:file:./data/oidc-sso",
                new IllegalStateException("Failed to initialize pool: Database may be already in use: \"./data\". Possible solutions",
                        new IllegalStateException("Database may be already in use: \"./data\". Possible solutions\nsecond line")));
        assertEquals("cannot connect to the user database at jdbc:h2:file:./data/oidc-sso: Failed to initialize pool: Database may be "
                + "already in use: \"./data\". Possible solutions. Another process (a second demo server?) is using the database in "
                + "this folder: stop it, or give this one a folder of its own with OIDC_DATA_DIR=<folder>.", DemoServer.reason(failure));
    }

    /**
     * A JDBC URL written as a postgresql:// URI (user and password before the host): the driver takes
     * {@code app:S3cretPw@127.0.0.1} for a host name and names it in its message, which the printed reason must not repeat.
     */
    @Test
    void theReasonHoldsNoPasswordADriverQuotes() {
        Exception failure = new IOException("cannot connect to the user database at jdbc:postgresql://127.0.0.1:1/sso",
                new java.net.UnknownHostException("app:S3cretPw@127.0.0.1"));
        assertEquals("cannot connect to the user database at jdbc:postgresql://127.0.0.1:1/sso: ***@127.0.0.1", DemoServer.reason(failure));
    }

    @Test
    void aConfigurationErrorInDevelopmentModeStartsNothing() {
        DemoServer server = DemoServer.builder().environment(Map.of("OIDC_SCOPE", "email")).host("127.0.0.1").port(0).build();
        var error = assertThrows(dev.oidcsso.config.SettingsException.class, server::start);
        assertTrue(error.getMessage().contains("lacks 'openid'"), error.getMessage());
        assertTrue(server.devIdentityProvider().isEmpty());
    }
}
