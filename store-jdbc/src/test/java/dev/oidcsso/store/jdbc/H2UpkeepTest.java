package dev.oidcsso.store.jdbc;

import dev.oidcsso.config.StoreSettings;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upkeep of an embedded H2 file: a short retention made safe by a flush every second, and nothing for other databases. */
class H2UpkeepTest {

    @Test
    void onlyAnH2FileOpenedInThisProcessIsKeptUp() {
        for (String url : new String[] {"jdbc:h2:file:/data/oidc-sso", "jdbc:h2:./data/oidc-sso", "jdbc:h2:~/oidc-sso",
                "jdbc:h2:nio:/data/oidc-sso", "JDBC:H2:FILE:/data/x;MODE=PostgreSQL"}) {
            assertTrue(H2Upkeep.inProcessFile(url), url);
        }
        for (String url : new String[] {"jdbc:h2:tcp://localhost:9092/db", "jdbc:h2:ssl://localhost/db", "jdbc:h2:mem:test",
                "jdbc:h2:zip:/data/db.zip!/db", "jdbc:postgresql://localhost:5432/oidc", "jdbc:mysql://localhost/oidc"}) {
            assertFalse(H2Upkeep.inProcessFile(url), url);
        }
    }

    @Test
    void otherDatabasesAreNotTouched() {
        AtomicInteger connections = new AtomicInteger();
        DataSource counting = countingDataSource(connections);
        for (String url : new String[] {"jdbc:postgresql://localhost:5432/oidc", "jdbc:h2:tcp://localhost:9092/db", "jdbc:h2:mem:x"}) {
            assertTrue(H2Upkeep.of(url, counting).isEmpty(), url);
        }
        assertEquals(0, connections.get(), "no statement was sent to them");
    }

    @Test
    void anEmbeddedFileGetsTheShortRetentionUnlessItsUrlNamesOne(@TempDir Path folder) throws SQLException {
        try (Database db = Database.open(StoreSettings.embedded(folder.resolve("a")))) {
            assertEquals(Integer.toString(H2Upkeep.RETENTION_MILLIS), setting(db, "RETENTION_TIME"));
        }
        String own = StoreSettings.embedded(folder.resolve("b")).jdbcUrl() + ";RETENTION_TIME=30000";
        try (Database db = Database.open(StoreSettings.forUrl(own))) {
            assertEquals("30000", setting(db, "RETENTION_TIME"));
        }
    }

    @Test
    void aFlushWritesWhatIsCommittedAndKeepsTheData(@TempDir Path folder) throws SQLException {
        // H2 alone would write these commits only after a minute, and no Database runs its own flushes
        // here: what reaches the file, the flush wrote.
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(StoreSettings.embedded(folder).jdbcUrl() + ";WRITE_DELAY=60000");
        try (Connection open = h2.getConnection(); Statement statement = open.createStatement()) {
            H2Upkeep upkeep = H2Upkeep.of(h2.getURL(), h2).orElseThrow();
            statement.execute("CREATE TABLE kept (id INT PRIMARY KEY, name VARCHAR(100))");
            upkeep.sync();
            long written = writtenBytes(statement);
            for (int i = 0; i < 100; i++) {
                statement.execute("INSERT INTO kept VALUES (" + i + ", 'row " + i + "')");
            }
            assertEquals(written, writtenBytes(statement), "nothing written yet");
            upkeep.sync();
            assertTrue(writtenBytes(statement) > written, "the commits were written");
            for (int i = 0; i < 100; i += 2) {
                statement.execute("DELETE FROM kept WHERE id = " + i);
                upkeep.sync();
            }
        }
        try (Connection reopened = h2.getConnection(); Statement statement = reopened.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*), MIN(id), MAX(name) FROM kept")) {
            assertTrue(rows.next());
            assertEquals(50, rows.getInt(1));
            assertEquals(1, rows.getInt(2));
            assertEquals("row 99", rows.getString(3));
        }
    }

    private static long writtenBytes(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                + "WHERE SETTING_NAME = 'info.FILE_WRITE_BYTES'")) {
            assertTrue(row.next());
            return Long.parseLong(row.getString(1));
        }
    }

    private static String setting(Database db, String name) throws SQLException {
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = '"
                     + name + "'")) {
            assertTrue(row.next(), name);
            return row.getString(1);
        }
    }

    /** A data source that counts the connections asked of it and hands out none. */
    private static DataSource countingDataSource(AtomicInteger connections) {
        return (DataSource) Proxy.newProxyInstance(H2UpkeepTest.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        connections.incrementAndGet();
                        throw new SQLException("no database here");
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
