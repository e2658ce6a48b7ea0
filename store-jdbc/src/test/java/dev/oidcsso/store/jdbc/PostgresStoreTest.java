package dev.oidcsso.store.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.UUID;

/**
 * The store suite on a real PostgreSQL, started once for the class on a free port. Its data folder
 * is kept across a stop and start, so the outage test can check nothing was lost.
 */
class PostgresStoreTest extends AbstractStoreContract {

    @TempDir
    static Path folder;
    private static EmbeddedPostgres postgres;
    private static int port;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = builder().start();
        port = postgres.getPort();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    private static EmbeddedPostgres.Builder builder() {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(folder.resolve("data"))
                .setCleanDataDirectory(false)
                // PostgreSQL's start limit is 10 s by default, short on a busy CI machine.
                .setPGStartupWait(java.time.Duration.ofSeconds(120));
        return port == 0 ? builder : builder.setPort(port);
    }

    @Override
    String newDatabaseUrl() throws Exception {
        String name = "db_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.createStatement().execute("CREATE DATABASE " + name);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    @Override
    void stopServer() throws IOException {
        postgres.close();
    }

    @Override
    void startServer() throws IOException {
        postgres = builder().start();
    }
}
