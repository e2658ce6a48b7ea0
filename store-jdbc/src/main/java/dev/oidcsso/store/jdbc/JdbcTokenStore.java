package dev.oidcsso.store.jdbc;

import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.oidcsso.OidcSsoException;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.config.Secret;
import dev.oidcsso.store.Change;
import dev.oidcsso.store.ChangeKind;
import dev.oidcsso.store.ChangeListener;
import dev.oidcsso.store.IssuedToken;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.TokenCheck;
import dev.oidcsso.store.TokenInfo;
import dev.oidcsso.store.TokenStore;
import dev.oidcsso.store.User;
import dev.oidcsso.store.UserStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Access tokens in JDBC, with a cache of each user's current token hash (absent ones included).
 */
final class JdbcTokenStore implements TokenStore, ChangeListener {

    /** What a user's cached token row holds: never the token, only its hash and dates. */
    private record Stored(byte[] hash, Instant createdAt, Optional<Instant> expiresAt) {
    }

    private final Jdbc jdbc;
    private final UserStore users;
    private final TokenHasher hasher;
    private final LoadingCache<String, Optional<Stored>> cache;
    /** Compared against when the user has no token, so an unknown user costs the same as a wrong token. */
    private final byte[] decoyHash;

    JdbcTokenStore(Jdbc jdbc, StoreSettings settings, UserStore users, TokenHasher hasher) {
        this.jdbc = jdbc;
        this.users = users;
        this.hasher = hasher;
        this.cache = Caches.builder(settings, jdbc.events(), "tokens").build(Caches.quietRefresh(this::load));
        this.decoyHash = hasher.hash(hasher.newToken());
    }

    @Override
    public IssuedToken create(String username) {
        return issue(username, Optional.empty(), Optional.empty()).orElseThrow();
    }

    @Override
    public IssuedToken create(String username, Instant expiresAt) {
        return issue(username, Optional.of(checkedExpiry(expiresAt)), Optional.empty()).orElseThrow();
    }

    /**
     * {@inheritDoc}
     *
     * <p>One conditional UPDATE on the stored hash of {@code current}: whichever of a rotation and
     * a delete (or another rotation) commits first wins, on every replica alike.
     */
    @Override
    public Optional<IssuedToken> rotate(String username, CharSequence current, Optional<Instant> expiresAt) {
        if (username.length() > Grantee.MAX_NAME_LENGTH) {
            return Optional.empty();
        }
        return issue(username, expiresAt.map(this::checkedExpiry), Optional.of(hasher.hashHex(current)));
    }

    private Instant checkedExpiry(Instant expiresAt) {
        Instant now = jdbc.now();
        if (!expiresAt.isAfter(now)) {
            throw new OidcSsoException(400, "the token's expiry " + expiresAt + " is not in the future");
        }
        Instant latest = now.atOffset(ZoneOffset.UTC).plusYears(1).toInstant();
        if (expiresAt.isAfter(latest)) {
            throw new OidcSsoException(400, "the token's expiry " + expiresAt + " is more than one year ahead; the latest allowed is "
                    + latest);
        }
        return Jdbc.truncate(expiresAt);
    }

    /**
     * Writes a new token for the user: in place of any token, or with {@code replacing}, only in
     * place of the token of that hash (empty when the user's token is another one, or none).
     */
    private Optional<IssuedToken> issue(String username, Optional<Instant> expiresAt, Optional<String> replacing) {
        String token = hasher.newToken();
        String hash = hasher.hashHex(token);
        Optional<Instant> createdAt = jdbc.write("creating an access token", connection -> {
            Instant now = jdbc.now();
            List<String> known = JdbcUserStore.strings(connection, "SELECT username FROM oidc_users WHERE username = ?", username);
            if (known.isEmpty()) {
                throw new OidcSsoException(404, "no user '" + username + "' has logged in yet; a token can only be created for a known user");
            }
            // One row per user, replaced in place: the previous token stops verifying at this commit.
            try (PreparedStatement update = connection.prepareStatement("UPDATE oidc_access_tokens SET token_hash = ?, created_at = ?, "
                    + "expires_at = ? WHERE username = ?" + (replacing.isPresent() ? " AND token_hash = ?" : ""))) {
                update.setString(1, hash);
                Jdbc.setInstant(update, 2, now);
                Jdbc.setOptionalInstant(update, 3, expiresAt);
                update.setString(4, username);
                if (replacing.isPresent()) {
                    update.setString(5, replacing.get());
                }
                if (update.executeUpdate() == 0) {
                    if (replacing.isPresent()) {
                        return Optional.<Instant>empty(); // deleted or replaced meanwhile: nothing to rotate
                    }
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO oidc_access_tokens (token_hash, created_at, expires_at, username) VALUES (?, ?, ?, ?)")) {
                        insert.setString(1, hash);
                        Jdbc.setInstant(insert, 2, now);
                        Jdbc.setOptionalInstant(insert, 3, expiresAt);
                        insert.setString(4, username);
                        insert.executeUpdate();
                    }
                }
            }
            jdbc.logChange(connection, ChangeKind.TOKEN, username);
            return Optional.of(now);
        });
        cache.invalidate(username);
        return createdAt.map(at -> new IssuedToken(username, Secret.of(token), at, expiresAt));
    }

    @Override
    public TokenCheck verify(String username, CharSequence token) {
        byte[] presented = hasher.hash(token);
        // No stored user name is longer; an absurd one is not worth a cache entry or a query.
        Optional<Stored> stored = username.length() > Grantee.MAX_NAME_LENGTH ? Optional.empty() : cache.get(username);
        // Always compare, against a decoy when there is no token, so the answer's timing does not
        // tell whether the user name exists.
        boolean equal = hasher.sameHash(stored.map(Stored::hash).orElse(decoyHash), presented);
        if (stored.isEmpty()) {
            return TokenCheck.UNKNOWN;
        }
        if (!equal) {
            return TokenCheck.WRONG;
        }
        if (stored.get().expiresAt().filter(expiry -> !expiry.isAfter(jdbc.clock().instant())).isPresent()) {
            return TokenCheck.EXPIRED;
        }
        Optional<User> user = users.find(username);
        if (user.isEmpty()) {
            return TokenCheck.UNKNOWN;
        }
        return user.get().disabled() ? TokenCheck.USER_DISABLED : TokenCheck.VALID;
    }

    @Override
    public Optional<TokenInfo> find(String username) {
        return cache.get(username).map(stored -> new TokenInfo(username, stored.createdAt(), stored.expiresAt()));
    }

    @Override
    public boolean delete(String username) {
        return delete(username, Optional.empty());
    }

    /** {@inheritDoc} One conditional DELETE on the token's stored hash. */
    @Override
    public boolean delete(String username, CharSequence token) {
        return delete(username, Optional.of(hasher.hashHex(token)));
    }

    private boolean delete(String username, Optional<String> onlyHash) {
        boolean deleted = jdbc.write("deleting an access token", connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM oidc_access_tokens WHERE username = ?"
                    + (onlyHash.isPresent() ? " AND token_hash = ?" : ""))) {
                delete.setString(1, username);
                if (onlyHash.isPresent()) {
                    delete.setString(2, onlyHash.get());
                }
                if (delete.executeUpdate() == 0) {
                    return false;
                }
            }
            jdbc.logChange(connection, ChangeKind.TOKEN, username);
            return true;
        });
        cache.invalidate(username);
        return deleted;
    }

    private Optional<Stored> load(String username) {
        return jdbc.read("reading an access token", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT token_hash, created_at, expires_at FROM oidc_access_tokens WHERE username = ?")) {
                select.setString(1, username);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<Stored>empty();
                    }
                    return Optional.of(new Stored(HexFormat.of().parseHex(row.getString("token_hash").trim()),
                            Jdbc.getInstant(row, "created_at"), Jdbc.getOptionalInstant(row, "expires_at")));
                }
            }
        });
    }

    @Override
    public void changed(Change change) {
        if (change.kind() == ChangeKind.TOKEN || change.kind() == ChangeKind.USER) {
            cache.invalidate(change.key());
        }
    }

    @Override
    public void invalidateAll() {
        cache.invalidateAll();
    }
}
