package dev.oidcsso.store.jdbc;

import dev.oidcsso.store.ChangeKind;
import dev.oidcsso.store.StoreUnavailableException;

import com.zaxxer.hikari.HikariDataSource;
import dev.oidcsso.observe.SsoEvents;
import dev.oidcsso.OidcSsoException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs units of work on pooled connections and turns every {@link SQLException} into a
 * {@link StoreUnavailableException} (503), except the database refusing the data itself (SQLState
 * class 22, data exception, such as a value too long for its column; class 23, a constraint
 * violation), which is the request's fault: 400 and 409. A caller sees either the committed result or
 * an error, never a half-written change or a guess.
 */
final class Jdbc {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Jdbc.class);

    /** SQLState of a unique-key violation, the same on PostgreSQL and H2. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final HikariDataSource pool;
    private final Clock clock;
    private final SsoEvents events;
    /** The transaction {@link #atomically} holds open on this thread; {@link #write} joins it. */
    private final ThreadLocal<Bound> bound = new ThreadLocal<>();

    /** A transaction several writes join, and what to do once it has committed. */
    private record Bound(Connection connection, List<Runnable> afterCommit) {
    }

    Jdbc(HikariDataSource pool, Clock clock, SsoEvents events) {
        this.pool = pool;
        this.clock = clock;
        this.events = events;
    }

    /** @return where store calls and cache lookups are reported */
    SsoEvents events() {
        return events;
    }

    /** Reports the latency and outcome of one unit of work, waiting for a connection included. */
    private <T> T observed(String operation, java.util.function.Supplier<T> work) {
        long started = System.nanoTime();
        String outcome = "error";
        try {
            T result = work.get();
            outcome = "success";
            return result;
        } finally {
            events.storeCall(operation, outcome, java.time.Duration.ofNanos(System.nanoTime() - started));
        }
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
        return observed("read", () -> autoCommitted(what, work));
    }

    private <T> T autoCommitted(String what, Work<T> work) {
        Bound joined = bound.get();
        if (joined != null) {
            // Inside a unit of {@link #atomically}: it sees the unit's own writes, and waits for no second connection.
            return inUnit(joined, what, work);
        }
        Connection connection = borrow(what);
        try {
            return work.run(connection);
        } catch (SQLException e) {
            evictIfBroken(connection);
            throw unavailable(what, e);
        } finally {
            closeQuietly(connection);
        }
    }

    /** Runs a read or write on the connection of the unit of {@link #atomically} this thread is in. */
    private static <T> T inUnit(Bound joined, String what, Work<T> work) {
        try {
            return work.run(joined.connection());
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
        return observed("write", () -> writeNow(what, work));
    }

    private <T> T writeNow(String what, Work<T> work) {
        Bound joined = bound.get();
        if (joined != null) {
            // Part of a larger unit: it commits, rolls back and retries the whole.
            return inUnit(joined, what, work);
        }
        for (int attempt = 1; ; attempt++) {
            Connection connection = borrow(what);
            try {
                connection.setAutoCommit(false);
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException e) {
                rollbackQuietly(connection, e);
                if (UNIQUE_VIOLATION.equals(e.getSQLState()) && attempt < 3) {
                    continue;
                }
                evictIfBroken(connection);
                throw unavailable(what, e);
            } catch (RuntimeException | Error e) {
                // Also an Error: restoring auto-commit below would otherwise commit the half-done work.
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                restoreAutoCommit(connection);
                closeQuietly(connection);
            }
        }
    }

    /**
     * Runs one statement that is atomic by itself (a single insert or update) in auto-commit mode:
     * the database commits it, with no transaction to open, commit and close around it. Inside a
     * unit of {@link #atomically} it is part of that unit, as {@link #write} is.
     *
     * @param what what the statement does, for messages
     * @param work the one statement
     * @param <T>  what the work returns
     * @return what the work returned, once committed
     */
    <T> T single(String what, Work<T> work) {
        return observed("write", () -> autoCommitted(what, work));
    }

    /**
     * Runs several writes ({@link #write} calls, of any store) as one transaction on one connection:
     * all of them commit or none does, and the caches they touch are updated after the commit (see
     * {@link #afterCommit}). A unique-key violation anywhere runs the whole unit again, as
     * {@link #write} does for one write. Called inside another unit, it is part of that one.
     *
     * @param what  what the unit does, for messages
     * @param work  the writes; it may also throw, which rolls all of them back
     * @param <T>   what the work returns
     * @return what the work returned, once committed
     */
    <T> T atomically(String what, java.util.function.Supplier<T> work) {
        if (bound.get() != null) {
            return work.get();
        }
        return observed("write", () -> atomicallyNow(what, work));
    }

    private <T> T atomicallyNow(String what, java.util.function.Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            Connection connection = borrow(what);
            Bound unit = new Bound(connection, new ArrayList<>());
            T result;
            try {
                connection.setAutoCommit(false);
                bound.set(unit);
                result = work.get();
                bound.remove();
                connection.commit();
            } catch (SQLException e) {
                rollbackQuietly(connection, e);
                evictIfBroken(connection);
                throw unavailable(what, e);
            } catch (RuntimeException e) {
                rollbackQuietly(connection, e);
                if (e.getCause() instanceof SQLException cause && UNIQUE_VIOLATION.equals(cause.getSQLState()) && attempt < 3) {
                    continue;
                }
                if (e.getCause() instanceof SQLException) {
                    evictIfBroken(connection);
                }
                throw e;
            } catch (Error e) {
                // Restoring auto-commit below would otherwise commit the half-done unit.
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                bound.remove();
                restoreAutoCommit(connection);
                closeQuietly(connection);
            }
            // Committed: what the unit did is stored whatever a cache update does now.
            for (Runnable action : unit.afterCommit()) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.warn("A cache update after a committed write failed ({}); the change log brings it within the poll interval",
                            e.toString());
                }
            }
            return result;
        }
    }

    /**
     * Runs a cache update once the current unit of {@link #atomically} has committed, so that no
     * reader caches what may still be rolled back; outside such a unit (a {@link #write} has
     * committed by the time it returns), at once.
     *
     * @param action the cache update
     */
    void afterCommit(Runnable action) {
        Bound unit = bound.get();
        if (unit == null) {
            action.run();
        } else {
            unit.afterCommit().add(action);
        }
    }

    private Connection borrow(String what) {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    /**
     * Takes a dead connection out of the pool. Hikari evicts by itself only for SQLStates it knows
     * (class 08 and a few more); H2's "database closed" (90121) and "connection broken" (90067) are
     * not among them, and a connection used every poll would otherwise never be retired.
     */
    private void evictIfBroken(Connection connection) {
        boolean valid;
        try {
            valid = connection.isValid(1);
        } catch (SQLException e) {
            valid = false;
        }
        if (!valid) {
            pool.evictConnection(connection);
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

    static OidcSsoException unavailable(String what, SQLException e) {
        // The messages are generic on purpose: driver messages can quote values and connection details.
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("22")) {
            return new OidcSsoException(400, "the user database refused a value (" + what + " failed, SQLState " + state
                    + "): a name or text is unusable", e);
        }
        if (state.startsWith("23")) {
            return new OidcSsoException(409, "the user database refused the change (" + what + " failed, SQLState " + state
                    + "): it conflicts with what is stored", e);
        }
        return new StoreUnavailableException("the user database is unavailable (" + what
                + " failed, SQLState " + state + "); try again shortly", e);
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

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static void restoreAutoCommit(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            // The connection is broken; it has been evicted or the pool will notice.
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // Returning a broken connection to the pool can fail; the pool discards it.
        }
    }
}
