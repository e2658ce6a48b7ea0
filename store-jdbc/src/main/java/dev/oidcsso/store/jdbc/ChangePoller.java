package dev.oidcsso.store.jdbc;

import dev.oidcsso.store.Change;
import dev.oidcsso.store.ChangeKind;
import dev.oidcsso.store.ChangeListener;
import dev.oidcsso.store.StoreUnavailableException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads the change log and tells the listeners (the stores' caches, and anyone else registered).
 *
 * <p>Each poll is one indexed range query: {@code id > last seen}. Ids are taken when a row is
 * inserted but become visible when its transaction commits, so on PostgreSQL id 41 can appear after
 * id 42 has been read. The poller therefore remembers the ids it skipped over ("gaps") for a while
 * and reads from the oldest open gap; rows it already handled are skipped. Invalidation is
 * idempotent, so reading a row twice would do no harm either.
 *
 * <p>After a failed poll (database down), the next successful one drops every cached entry, since
 * anything may have happened meanwhile, and continues from where it was.
 */
final class ChangePoller {

    private static final Logger LOG = LoggerFactory.getLogger(ChangePoller.class);
    private static final int PAGE = 500;
    /** How long a skipped id may still show up: far longer than any of our short transactions. */
    private static final Duration GAP_PATIENCE = Duration.ofSeconds(10);
    /** More skipped ids than this at once is a sequence jump (crash recovery, cache), not transactions in flight. */
    private static final int MAX_TRACKED_GAP = 1000;
    private static final long REPLAY_AT_START = 100;
    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(1);
    /**
     * How long change-log rows are kept. A polling replica reads a row within a poll interval plus
     * {@link #GAP_PATIENCE}; one that could not poll drops every cache when it can again, and a new
     * one starts at the newest rows: so minutes suffice, and the log holds the last minutes of
     * changes rather than a day of them (at 100 sign-outs a second, 60 000 rows instead of 8.6 million).
     */
    static final Duration CHANGE_LOG_RETENTION = Duration.ofMinutes(10);
    /**
     * How long a signed-out or otherwise ended session's row is kept. An ended session and a missing
     * one are refused alike, and other replicas learn of the end from the change log, not from the
     * row; the minute only lets a replica that read the row just before the end see it ended.
     */
    static final Duration ENDED_SESSION_RETENTION = Duration.ofMinutes(1);

    private final Jdbc jdbc;
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    /** Skipped id to the time it was first skipped. */
    private final Map<Long, Instant> gaps = new HashMap<>();
    private long lastSeen;
    /** When the last poll succeeded. */
    private Instant lastPolled;
    private boolean failing;
    private Instant lastCleanup;

    ChangePoller(Jdbc jdbc) {
        this.jdbc = jdbc;
        // Start a little behind the newest entry: a transaction holding a lower id may still be in
        // flight, and delivering a few old changes again only invalidates entries that are not cached.
        this.lastSeen = Math.max(0, jdbc.read("reading the change log", connection -> maxId(connection)) - REPLAY_AT_START);
        this.lastPolled = jdbc.clock().instant();
        this.lastCleanup = jdbc.clock().instant();
    }

    void addListener(ChangeListener listener) {
        listeners.add(listener);
    }

    /**
     * Polls once.
     *
     * @return how many new changes were delivered
     * @throws StoreUnavailableException when the database cannot be read
     */
    synchronized int poll() {
        int delivered;
        // A poller that stalled without an error (a long pause, a starved thread) for half the change log's
        // retention may have missed pruned rows: it starts over as after an outage.
        boolean stalled = lastPolled.plus(CHANGE_LOG_RETENTION.dividedBy(2)).isBefore(jdbc.clock().instant());
        try {
            delivered = jdbc.read("reading the change log", connection -> {
                if (failing || stalled) {
                    recover(connection);
                }
                List<Optional<Change>> fresh = new ArrayList<>();
                long cursor = gaps.isEmpty() ? lastSeen : Math.min(lastSeen, Collections.min(gaps.keySet()) - 1);
                int rows;
                do {
                    rows = 0;
                    try (PreparedStatement select = connection.prepareStatement(
                            "SELECT id, kind, item_key FROM oidc_change_log WHERE id > ? ORDER BY id LIMIT " + PAGE)) {
                        select.setLong(1, cursor);
                        try (ResultSet row = select.executeQuery()) {
                            while (row.next()) {
                                rows++;
                                long id = row.getLong(1);
                                cursor = id;
                                if (accept(id)) {
                                    // Empty for a kind written by a newer version: listeners then forget everything.
                                    String key = row.getString(3);
                                    fresh.add(ChangeKind.fromCode(row.getString(2)).map(kind -> new Change(id, kind, key)));
                                }
                            }
                        }
                    }
                } while (rows == PAGE);
                return deliver(fresh);
            });
        } catch (StoreUnavailableException e) {
            if (!failing) {
                LOG.warn("cannot read the change log; cached answers are used for at most their TTL until the database is back: {}",
                        e.getMessage());
            }
            failing = true;
            throw e;
        }
        Instant now = jdbc.clock().instant();
        lastPolled = now;
        gaps.values().removeIf(firstSkipped -> firstSkipped.plus(GAP_PATIENCE).isBefore(now));
        if (lastCleanup.plus(CLEANUP_EVERY).isBefore(now)) {
            lastCleanup = now;
            cleanUp(now);
        }
        return delivered;
    }

    private boolean accept(long id) {
        if (id <= lastSeen) {
            return gaps.remove(id) != null;
        }
        long skipped = id - lastSeen - 1;
        if (skipped > 0 && skipped <= MAX_TRACKED_GAP) {
            Instant now = jdbc.clock().instant();
            for (long missing = lastSeen + 1; missing < id; missing++) {
                gaps.put(missing, now);
            }
        }
        lastSeen = id;
        return true;
    }

    private int deliver(List<Optional<Change>> fresh) {
        for (Optional<Change> change : fresh) {
            for (ChangeListener listener : listeners) {
                try {
                    if (change.isPresent()) {
                        listener.changed(change.get());
                    } else {
                        listener.invalidateAll();
                    }
                } catch (RuntimeException e) {
                    LOG.error("a change listener failed; its cache is dropped", e);
                    invalidateQuietly(listener);
                }
            }
        }
        return fresh.size();
    }

    private void recover(java.sql.Connection connection) throws SQLException {
        long max = maxId(connection);
        long min;
        try (PreparedStatement select = connection.prepareStatement("SELECT COALESCE(MIN(id), 0) FROM oidc_change_log");
             ResultSet row = select.executeQuery()) {
            row.next();
            min = row.getLong(1);
        }
        if (max < lastSeen) {
            // The database was restored or replaced: its ids start over below ours.
            lastSeen = max;
            gaps.clear();
        } else if (min > lastSeen + 1) {
            // Entries we never read were pruned while we were away.
            lastSeen = max;
            gaps.clear();
        }
        listeners.forEach(ChangePoller::invalidateQuietly);
        failing = false;
        LOG.info("the change log is readable again; caches were dropped and are refilled on demand");
    }

    /**
     * Deletes what no longer counts, once a minute on each replica (the deletes are idempotent):
     * old change-log rows, used login states past their end, sessions past their
     * absolute expiry or ended a while ago. Logins do not sweep (it cost each login two deletes):
     * this is the one clean-up.
     */
    private void cleanUp(Instant now) {
        try {
            jdbc.write("pruning old changes, login states and sessions", connection -> {
                prune(connection, "DELETE FROM oidc_change_log WHERE changed_at < ?", now.minus(CHANGE_LOG_RETENTION));
                prune(connection, "DELETE FROM oidc_used_login_states WHERE used_until < ?", now);
                prune(connection, "DELETE FROM oidc_sessions WHERE expires_at < ?", now);
                prune(connection, "DELETE FROM oidc_sessions WHERE ended_at < ?", now.minus(ENDED_SESSION_RETENTION));
                return null;
            });
        } catch (StoreUnavailableException e) {
            LOG.debug("pruning skipped: {}", e.getMessage());
        }
    }

    private static void prune(java.sql.Connection connection, String sql, Instant before) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            Jdbc.setInstant(delete, 1, before);
            delete.executeUpdate();
        }
    }

    private static long maxId(java.sql.Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM oidc_change_log");
             ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void invalidateQuietly(ChangeListener listener) {
        try {
            listener.invalidateAll();
        } catch (RuntimeException e) {
            LOG.error("a change listener failed to drop its cache", e);
        }
    }
}
