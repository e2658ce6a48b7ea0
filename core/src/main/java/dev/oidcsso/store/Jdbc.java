package dev.oidcsso.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Runs units of work on pooled connections and turns every {@link SQLException} into a
 * {@link StoreUnavailableException}: a caller sees either the committed result or a 503, never a
 * half-written change or a guess.
 */
final class Jdbc {

    /** SQLState of a unique-key violation, the same on PostgreSQL and H2. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final Clock clock;

    Jdbc(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** One unit of work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    Clock clock() {
        return clock;
    }

    /** Now, truncated to microseconds: what both databases store, so values read back compare equal. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Runs a read in auto-commit mode.
     */
    <T> T read(String what, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    /**
     * Runs a change in one transaction. Upserts are written as update-then-insert, which two
     * replicas can race on; the loser gets a unique-key violation and simply runs again, when it will
     * find the row and update it.
     */
    <T> T write(String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection, e);
                    throw e;
                } finally {
                    restoreAutoCommit(connection, autoCommit);
                }
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState()) && attempt < 3) {
                    continue;
                }
                throw unavailable(what, e);
            }
        }
    }

    /**
     * Appends a change-log entry. Call it as the last statement of a transaction, so the id is taken
     * as close to the commit as possible and pollers rarely see ids out of commit order.
     */
    void logChange(Connection connection, ChangeKind kind, String key) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO oidc_change_log (kind, item_key, changed_at) VALUES (?, ?, ?)")) {
            insert.setString(1, kind.code());
            insert.setString(2, key);
            setInstant(insert, 3, now());
            insert.executeUpdate();
        }
    }

    static StoreUnavailableException unavailable(String what, SQLException e) {
        // The message is generic on purpose: driver messages can quote values and connection details.
        return new StoreUnavailableException("the user database is unavailable (" + what
                + " failed, SQLState " + e.getSQLState() + "); try again shortly", e);
    }

    static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    static void setOptionalInstant(PreparedStatement statement, int index, Optional<Instant> instant) throws SQLException {
        if (instant.isPresent()) {
            setInstant(statement, index, instant.get());
        } else {
            statement.setNull(index, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        }
    }

    static Instant getInstant(ResultSet row, String column) throws SQLException {
        return getOptionalInstant(row, column).orElseThrow(() -> new SQLException("column " + column + " is null"));
    }

    static Optional<Instant> getOptionalInstant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return Optional.ofNullable(value).map(OffsetDateTime::toInstant);
    }

    static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static void rollbackQuietly(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static void restoreAutoCommit(Connection connection, boolean autoCommit) {
        try {
            connection.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            // The connection is broken; the pool will notice and replace it.
        }
    }
}
