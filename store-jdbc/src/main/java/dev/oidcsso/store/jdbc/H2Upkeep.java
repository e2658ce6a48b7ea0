package dev.oidcsso.store.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * Keeps an H2 database file opened in this process near the size of its live data under a steady
 * write load.
 *
 * <p>H2's MVStore never overwrites a page: each commit writes the changed pages to a new chunk at
 * the end of the file or in free space, and a chunk's space is reused only once none of its pages
 * is live and the chunk is older than {@code RETENTION_TIME} (45 s by default), the time H2 assumes
 * the operating system takes to put written pages on the disk. Logins write to tables with random
 * keys (session hashes, login-state hashes), so at 100 logins/s the store writes 1–2 MB of pages a
 * second, most of them dead within seconds, and the 45 s of chunks it could not reuse yet made the
 * file grow by about 6 KB per login. Here the file is flushed to the disk every {@link #SYNC_EVERY}
 * ({@code CHECKPOINT SYNC}), so H2's assumption holds with a much shorter retention, which this sets
 * when the database is opened (unless the URL names its own {@code RETENTION_TIME}).
 *
 * <p>Nothing is done for H2 over TCP (the server process owns the file), in memory, or any other
 * database.
 */
final class H2Upkeep {

    private static final Logger LOG = LoggerFactory.getLogger(H2Upkeep.class);
    /** How long H2 keeps a dead chunk before its space is reused: a few syncs of margin. */
    static final int RETENTION_MILLIS = 5_000;
    /** How often the file is flushed to the disk. */
    static final Duration SYNC_EVERY = Duration.ofSeconds(1);

    private final DataSource pool;
    private boolean failing;

    private H2Upkeep(DataSource pool) {
        this.pool = pool;
    }

    /**
     * The upkeep of an H2 file this process opens itself, set up on the open database; empty for any
     * other URL.
     *
     * @param url  the JDBC URL the pool was opened with
     * @param pool the pool
     * @return the upkeep, to be {@linkplain #sync() run} every {@link #SYNC_EVERY}
     */
    static Optional<H2Upkeep> of(String url, DataSource pool) {
        if (!inProcessFile(url)) {
            return Optional.empty();
        }
        if (!url.toUpperCase(Locale.ROOT).contains(";RETENTION_TIME=")) {
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET RETENTION_TIME " + RETENTION_MILLIS);
            } catch (SQLException e) {
                // A user without the admin right: H2's default retention stays, and so does a larger file.
                LOG.warn("cannot shorten H2's retention time (SQLState {}); the database file may grow to several times its data "
                        + "under a steady login load", e.getSQLState());
            }
        }
        return Optional.of(new H2Upkeep(pool));
    }

    /** Whether the URL opens an H2 file in this process: not over TCP or TLS, not in memory, not a read-only zip. */
    static boolean inProcessFile(String url) {
        String upper = url.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("JDBC:H2:")) {
            return false;
        }
        String rest = upper.substring("JDBC:H2:".length());
        return !rest.startsWith("TCP:") && !rest.startsWith("SSL:") && !rest.startsWith("MEM:") && !rest.startsWith("ZIP:");
    }

    /**
     * Writes what is committed to the file and flushes it to the disk. Called every
     * {@link #SYNC_EVERY} from the database's scheduler; a failure (database closing or unavailable) is
     * logged once and tried again next time.
     */
    void sync() {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
            failing = false;
        } catch (SQLException e) {
            if (!failing) {
                LOG.warn("cannot flush the H2 database file to the disk (SQLState {}); trying again", e.getSQLState());
            }
            failing = true;
        }
    }
}
