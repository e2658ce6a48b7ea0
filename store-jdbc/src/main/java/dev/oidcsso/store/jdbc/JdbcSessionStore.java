package dev.oidcsso.store.jdbc;

import dev.oidcsso.session.SessionRecord;
import dev.oidcsso.session.SessionStore;
import dev.oidcsso.store.Change;
import dev.oidcsso.store.ChangeKind;
import dev.oidcsso.store.ChangeListener;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Sessions in JDBC, shared by every replica. Each session ended here is written to the change log
 * (kind {@code session}, key: the id hash), so the other replicas drop it from their session cache
 * within a poll interval. The groups are not stored: with a user store, they are read from the
 * user's record at each request. A refresh is claimed and recorded with compare-and-set updates on
 * the {@code version} column, so two replicas never spend one refresh token.
 */
final class JdbcSessionStore implements SessionStore, ChangeListener {

    private static final String COLUMNS = "id_hash, username, issuer, subject, idp_sid, admin, issued_at, expires_at, last_seen, "
            + "id_token, ended_at, end_cause, refresh_token, tokens_expire_at, refresh_claimed_until, version, idp_name";

    private final Jdbc jdbc;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    JdbcSessionStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void create(SessionRecord record) {
        jdbc.write("starting a session", connection -> {
            // Expired sessions are pruned by the change poller's clean-up, not by each login.
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_sessions (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, record.idHash());
                insert.setString(2, record.username());
                insert.setString(3, record.issuer());
                insert.setString(4, record.subject());
                insert.setString(5, record.idpSessionId().orElse(null));
                insert.setBoolean(6, record.admin());
                Jdbc.setInstant(insert, 7, Jdbc.truncate(record.issuedAt()));
                Jdbc.setInstant(insert, 8, Jdbc.truncate(record.expiresAt()));
                Jdbc.setInstant(insert, 9, Jdbc.truncate(record.lastSeen()));
                insert.setString(10, record.sealedIdToken().orElse(null));
                Jdbc.setOptionalInstant(insert, 11, record.endedAt().map(Jdbc::truncate));
                insert.setString(12, record.endCause().orElse(null));
                insert.setString(13, record.sealedRefreshToken().orElse(null));
                Jdbc.setOptionalInstant(insert, 14, record.tokensExpireAt().map(Jdbc::truncate));
                Jdbc.setOptionalInstant(insert, 15, record.refreshClaimedUntil().map(Jdbc::truncate));
                insert.setLong(16, record.version());
                insert.setString(17, record.idp().isEmpty() ? null : record.idp());
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<SessionRecord> find(String idHash) {
        return jdbc.read("reading a session", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM oidc_sessions WHERE id_hash = ?")) {
                select.setString(1, idHash);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(record(row)) : Optional.<SessionRecord>empty();
                }
            }
        });
    }

    @Override
    public void touch(String idHash, Instant seen) {
        jdbc.write("recording session activity", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE oidc_sessions SET last_seen = ? WHERE id_hash = ? AND last_seen < ?")) {
                Instant at = Jdbc.truncate(seen);
                Jdbc.setInstant(update, 1, at);
                update.setString(2, idHash);
                Jdbc.setInstant(update, 3, at);
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean claimRefresh(String idHash, long version, Instant until) {
        return jdbc.write("claiming a session refresh", connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE oidc_sessions SET version = version + 1, "
                    + "refresh_claimed_until = ? WHERE id_hash = ? AND version = ? AND ended_at IS NULL")) {
                Jdbc.setInstant(update, 1, Jdbc.truncate(until));
                update.setString(2, idHash);
                update.setLong(3, version);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean refreshed(String idHash, long claimedVersion, Optional<String> sealedRefreshToken, Optional<Instant> tokensExpireAt,
                             Optional<String> sealedIdToken, List<String> groups, boolean admin) {
        return jdbc.write("recording a session refresh", connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE oidc_sessions SET version = version + 1, "
                    + "refresh_claimed_until = NULL, refresh_token = ?, tokens_expire_at = ?, id_token = ?, admin = ? "
                    + "WHERE id_hash = ? AND version = ? AND ended_at IS NULL")) {
                update.setString(1, sealedRefreshToken.orElse(null));
                Jdbc.setOptionalInstant(update, 2, tokensExpireAt.map(Jdbc::truncate));
                update.setString(3, sealedIdToken.orElse(null));
                update.setBoolean(4, admin);
                update.setString(5, idHash);
                update.setLong(6, claimedVersion);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void end(String idHash, Instant at, String cause) {
        endWhere("id_hash = ?", List.of(idHash), at, cause);
    }

    @Override
    public boolean endClaimed(String idHash, long claimedVersion, Instant at, String cause) {
        return endWhere("id_hash = ? AND version = ?", List.of(idHash, claimedVersion), at, cause) == 1;
    }

    @Override
    public int endAllOf(String username, Instant at, String cause) {
        return endWhere("username = ?", List.of(username), at, cause);
    }

    @Override
    public int endAtIdp(String issuer, Optional<String> idpSessionId, Optional<String> subject, Instant at) {
        if (idpSessionId.isEmpty() && subject.isEmpty()) {
            return 0;
        }
        List<String> values = new ArrayList<>();
        values.add(issuer);
        StringBuilder where = new StringBuilder("issuer = ?");
        idpSessionId.ifPresent(sid -> {
            where.append(" AND idp_sid = ?");
            values.add(sid);
        });
        subject.ifPresent(sub -> {
            where.append(" AND subject = ?");
            values.add(sub);
        });
        return endWhere(where.toString(), values, at, "backchannel");
    }

    @Override
    public List<SessionRecord> activeOf(String username, Instant now) {
        return jdbc.read("listing a user's sessions", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM oidc_sessions "
                    + "WHERE username = ? AND ended_at IS NULL AND expires_at > ? ORDER BY issued_at DESC")) {
                select.setString(1, username);
                Jdbc.setInstant(select, 2, now);
                List<SessionRecord> found = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        found.add(record(row));
                    }
                }
                return found;
            }
        });
    }

    @Override
    public void onEnded(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Ends the matching active sessions in one transaction, with one change-log entry each. */
    private int endWhere(String where, List<?> values, Instant at, String cause) {
        List<String> ended = jdbc.write("ending sessions", connection -> {
            List<String> hashes = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id_hash FROM oidc_sessions WHERE " + where + " AND ended_at IS NULL")) {
                bind(select, values);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        hashes.add(row.getString(1));
                    }
                }
            }
            List<String> endedHere = new ArrayList<>();
            for (String hash : hashes) {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE oidc_sessions SET ended_at = ?, end_cause = ?, refresh_token = NULL WHERE id_hash = ? AND " + where
                        + " AND ended_at IS NULL")) {
                    Jdbc.setInstant(update, 1, Jdbc.truncate(at));
                    update.setString(2, cause);
                    update.setString(3, hash);
                    bind(update, values, 4);
                    if (update.executeUpdate() == 0) {
                        continue; // changed by another replica since the select: not ended here
                    }
                }
                jdbc.logChange(connection, ChangeKind.SESSION, hash);
                endedHere.add(hash);
            }
            return endedHere;
        });
        ended.forEach(hash -> listeners.forEach(listener -> listener.accept(hash)));
        return ended.size();
    }

    private static void bind(PreparedStatement statement, List<?> values) throws SQLException {
        bind(statement, values, 1);
    }

    private static void bind(PreparedStatement statement, List<?> values, int first) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            statement.setObject(first + i, values.get(i));
        }
    }

    private static SessionRecord record(ResultSet row) throws SQLException {
        return new SessionRecord(row.getString("id_hash"), row.getString("username"), row.getString("issuer"),
                row.getString("subject"), Optional.ofNullable(row.getString("idp_sid")), List.of(), row.getBoolean("admin"),
                Jdbc.getInstant(row, "issued_at"), Jdbc.getInstant(row, "expires_at"), Jdbc.getInstant(row, "last_seen"),
                Optional.ofNullable(row.getString("id_token")), Jdbc.getOptionalInstant(row, "ended_at"),
                Optional.ofNullable(row.getString("end_cause")), Optional.ofNullable(row.getString("refresh_token")),
                Jdbc.getOptionalInstant(row, "tokens_expire_at"), Jdbc.getOptionalInstant(row, "refresh_claimed_until"),
                row.getLong("version"), Optional.ofNullable(row.getString("idp_name")).orElse(""));
    }

    @Override
    public void changed(Change change) {
        if (change.kind() == ChangeKind.SESSION) {
            listeners.forEach(listener -> listener.accept(change.key()));
        }
    }

    @Override
    public void invalidateAll() {
        listeners.forEach(listener -> listener.accept(null));
    }
}
