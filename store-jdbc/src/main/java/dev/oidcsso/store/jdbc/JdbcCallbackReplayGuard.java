package dev.oidcsso.store.jdbc;

import dev.oidcsso.oidc.CallbackReplayGuard;

import java.sql.PreparedStatement;

/**
 * The one-time use of login responses, shared by every replica: one insert per login. Expired
 * records are pruned by the change poller's clean-up, not by each login; an expired record left
 * until then refuses nothing, since its login state has expired too (the callback is refused
 * before this guard is asked).
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
        return jdbc.write("recording a completed login", connection -> {
            // Two replicas racing on one state: one inserts, the other hits the key (retried by
            // Jdbc.write) and then finds the row, so exactly one of them sees a first use.
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_used_login_states (state_hash, used_until) "
                    + "SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM oidc_used_login_states WHERE state_hash = ?)")) {
                insert.setString(1, hash);
                Jdbc.setInstant(insert, 2, Jdbc.truncate(until));
                insert.setString(3, hash);
                return insert.executeUpdate() == 1;
            }
        });
    }
}
