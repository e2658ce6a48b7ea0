package dev.oidcsso.store.jdbc;

import dev.oidcsso.oidc.CallbackReplayGuard;

import java.sql.PreparedStatement;

/**
 * The one-time use of login responses, shared by every replica: one insert per login. Expired
 * records are pruned by the change poller's clean-up, not by each login; an expired record left
 * until then refuses nothing, since its login state has expired too (the callback is refused
 * before this guard is asked).
 *
 * <p>A record is the pair (until, SHA-256 of the value): a replay is recognised because it brings
 * the same pair, its end coming from what is replayed (the sealed login state's expiry, a logout
 * token's {@code exp} or {@code iat}), so one primary key refuses it and also serves the clean-up.
 */
final class JdbcCallbackReplayGuard implements CallbackReplayGuard {

    private final Jdbc jdbc;
    private final TokenHasher hasher;

    JdbcCallbackReplayGuard(Jdbc jdbc, TokenHasher hasher) {
        this.jdbc = jdbc;
        this.hasher = hasher;
    }

    @Override
    public boolean firstUse(String state, java.time.Instant until) {
        String hash = hasher.hashHex(state);
        // One statement in auto-commit mode, atomic by itself: no transaction to open and commit around it.
        // Two replicas racing on one state: the primary key lets one insert, the other inserts nothing, so
        // exactly one of them sees a first use. A replay brings the same pair: the expiry is the sealed state's.
        return jdbc.single("recording a completed login", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO oidc_used_login_states (used_until, state_hash) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                Jdbc.setInstant(insert, 1, Jdbc.truncate(until));
                insert.setString(2, hash);
                return insert.executeUpdate() == 1;
            }
        });
    }
}
