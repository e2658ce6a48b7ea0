package dev.oidcsso.store.jdbc;

import dev.oidcsso.store.Change;
import dev.oidcsso.store.ChangeKind;
import dev.oidcsso.store.ChangeListener;
import dev.oidcsso.store.RevocationStore;
import dev.oidcsso.config.StoreSettings;

import dev.oidcsso.config.StoreSettings;
import com.github.benmanes.caffeine.cache.LoadingCache;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/**
 * Session revocations in JDBC, with a cache of answers keyed by the session id's hash ("not
 * revoked" included: that is the answer almost every request gets). Evicting an entry only costs a
 * reload, never a wrong answer.
 */
final class JdbcRevocationStore implements RevocationStore, ChangeListener {

    private final Jdbc jdbc;
    private final TokenHasher hasher;
    private final LoadingCache<String, Optional<Instant>> cache;

    JdbcRevocationStore(Jdbc jdbc, StoreSettings settings, TokenHasher hasher) {
        this.jdbc = jdbc;
        this.hasher = hasher;
        this.cache = Caches.builder(settings, jdbc.events(), "revocations").build(Caches.quietRefresh(this::load));
    }

    @Override
    public void revoke(String sessionId, Instant until) {
        String hash = hasher.hashHex(sessionId);
        Instant end = Jdbc.truncate(until);
        jdbc.write("revoking a session", connection -> {
            // Keep the later end when a session is revoked twice.
            try (PreparedStatement update = connection.prepareStatement("UPDATE oidc_session_revocations SET revoked_until = ? "
                    + "WHERE session_hash = ? AND revoked_until < ?")) {
                Jdbc.setInstant(update, 1, end);
                update.setString(2, hash);
                Jdbc.setInstant(update, 3, end);
                update.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_session_revocations (session_hash, revoked_until) "
                    + "SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM oidc_session_revocations WHERE session_hash = ?)")) {
                insert.setString(1, hash);
                Jdbc.setInstant(insert, 2, end);
                insert.setString(3, hash);
                insert.executeUpdate();
            }
            jdbc.logChange(connection, ChangeKind.SESSION, hash);
            return null;
        });
        cache.invalidate(hash);
    }

    @Override
    public boolean isRevoked(String sessionId) {
        Optional<Instant> until = cache.get(hasher.hashHex(sessionId));
        return until.isPresent() && until.get().isAfter(jdbc.clock().instant());
    }

    private Optional<Instant> load(String hash) {
        return jdbc.read("checking a session revocation", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT revoked_until FROM oidc_session_revocations WHERE session_hash = ?")) {
                select.setString(1, hash);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(Jdbc.getInstant(row, "revoked_until")) : Optional.<Instant>empty();
                }
            }
        });
    }

    @Override
    public void changed(Change change) {
        if (change.kind() == ChangeKind.SESSION) {
            cache.invalidate(change.key());
        }
    }

    @Override
    public void invalidateAll() {
        cache.invalidateAll();
    }
}
