package dev.oidcsso.store.jdbc;

import dev.oidcsso.config.StoreSettings;

import dev.oidcsso.config.StoreSettings;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The store suite on H2 in PostgreSQL mode, served over TCP so two {@link Database} instances share
 * it like two replicas, and so stopping the server is a real outage.
 */
class H2StoreTest extends AbstractStoreContract {

    @TempDir
    static Path folder;
    private static int port;
    private static Server server;

    @BeforeAll
    static void startH2() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        start();
    }

    @AfterAll
    static void stopH2() {
        server.stop();
    }

    private static void start() throws SQLException {
        server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", folder.toString(), "-ifNotExists").start();
    }

    @Override
    String newDatabaseUrl() {
        return "jdbc:h2:tcp://localhost:" + port + "/db-" + UUID.randomUUID() + StoreSettings.H2_OPTIONS;
    }

    @Override
    void stopServer() {
        server.stop();
    }

    @Override
    void startServer() throws SQLException {
        start();
    }
}
