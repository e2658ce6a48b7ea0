package dev.oidcsso.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
            assertTrue(server.devIdentityProvider().isEmpty(), "cleaned up after the failure");
            assertThrows(IllegalStateException.class, server::port);
        }
    }

    @Test
    void aConfigurationErrorInDevelopmentModeStartsNothing() {
        DemoServer server = DemoServer.builder().environment(Map.of("OIDC_SCOPE", "email")).host("127.0.0.1").port(0).build();
        var error = assertThrows(dev.oidcsso.config.SettingsException.class, server::start);
        assertTrue(error.getMessage().contains("lacks 'openid'"), error.getMessage());
        assertTrue(server.devIdentityProvider().isEmpty());
    }
}
