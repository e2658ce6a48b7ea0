package dev.oidcsso.demo.boot;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A second demo started by mistake on the data folder of a running one must leave the running
 * demo's remembered port alone: its start fails on the locked database, and if it had moved the
 * port, the running demo's next restart would come back with another issuer and every user who
 * signed in before would be refused (403). The demo server waits for its database before it writes
 * the port for this reason.
 */
class DevIdpPortFileTest {

    @Test
    void aSecondDemoRefusedForItsLockedDatabaseDoesNotMoveTheRememberedPort(@TempDir Path data) throws Exception {
        Path portFile = data.resolve(SpringBootDemo.DEV_IDP_PORT_FILE);
        // The running demo: its development IdP holds the remembered port, its process the embedded database's file
        // (H2 shares a file between connections of one JVM, so the lock another process would take is taken directly).
        try (ServerSocket runningIdp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             FileChannel file = FileChannel.open(data.resolve("oidc-sso.mv.db"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = file.lock()) {
            assertTrue(held.isValid(), "the running demo's database lock is held");
            String remembered = Integer.toString(runningIdp.getLocalPort());
            Files.writeString(portFile, remembered + "\n", StandardCharsets.UTF_8);

            SpringApplication second = new SpringApplication(SpringBootDemo.class);
            MockOAuth2Server secondIdp = SpringBootDemo.startDevIdp(second, data);
            try {
                assertThrows(RuntimeException.class, () -> SpringBootDemo.run(second, secondIdp, "--server.address=127.0.0.1",
                        "--server.port=0", "--SECRET_KEY=0123456789abcdef0123456789abcdef-test-only", "--oidc-sso.data-dir=" + data));
            } finally {
                secondIdp.shutdown();
            }
            assertEquals(remembered, Files.readString(portFile, StandardCharsets.UTF_8).trim(),
                    "the running demo's port is still the one remembered");
        }
    }
}
