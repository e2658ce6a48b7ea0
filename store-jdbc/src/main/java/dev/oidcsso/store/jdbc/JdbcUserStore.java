package dev.oidcsso.store.jdbc;

import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.store.Change;
import dev.oidcsso.store.ChangeKind;
import dev.oidcsso.store.ChangeListener;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.IdpIdentity;
import dev.oidcsso.store.GroupSize;
import dev.oidcsso.store.Page;
import dev.oidcsso.store.User;
import dev.oidcsso.store.UserStore;
import dev.oidcsso.authz.Names;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Users in JDBC, with a cache of {@link #find} answers (absent users included, so a stream of
 * requests for an unknown name does not reach the database either).
 */
final class JdbcUserStore implements UserStore, ChangeListener {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcUserStore.class);
    /** The width of the display name and e-mail columns. */
    private static final int MAX_TEXT = 512;

    private final Jdbc jdbc;
    private final LoadingCache<String, Optional<User>> cache;

    JdbcUserStore(Jdbc jdbc, StoreSettings settings) {
        this.jdbc = jdbc;
        this.cache = Caches.builder(settings, jdbc.events(), "users").build(Caches.quietRefresh(this::load));
    }

    @Override
    public User recordLogin(String username, String displayName, String email, Set<String> groups) {
        return record(username, displayName, email, groups, Optional.empty());
    }

    @Override
    public User recordLogin(String username, String displayName, String email, Set<String> groups, IdpIdentity identity) {
        return record(username, displayName, email, groups, Optional.of(identity));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One conditional UPDATE: the row's digest of what its last full record stored (display name,
     * e-mail address, groups; see {@link #loginDigest}) must be this login's, and the row must be
     * bound to this identity and enabled. Every other case (a new, unbound, rebound, disabled or
     * changed user, a row from before the digest) matches no row and changes nothing. The
     * conditions are checked by the database on the shared row, so a change another replica made
     * (a disable, an unlink) is seen at once.
     */
    @Override
    public boolean touchLogin(String username, String displayName, String email, Set<String> groups, IdpIdentity identity) {
        if (username.isBlank() || username.length() > Grantee.MAX_NAME_LENGTH) {
            return false; // recordLogin refuses it with its message
        }
        String digest = loginDigest(clip(displayName), clip(email), usableGroups(groups));
        boolean touched = jdbc.write("recording a login", connection -> {
            // login_digest_at = last_login_at: the digest was written with the row's last login, so no write since (an
            // older version's, during a rolling upgrade or after a rollback) changed the groups under it.
            try (PreparedStatement update = connection.prepareStatement("UPDATE oidc_users SET last_login_at = ?, login_digest_at = ? "
                    + "WHERE username = ? AND login_digest = ? AND login_digest_at = last_login_at AND idp_issuer = ? AND idp_subject = ? "
                    + "AND disabled = FALSE")) {
                Instant now = jdbc.now();
                Jdbc.setInstant(update, 1, now);
                Jdbc.setInstant(update, 2, now);
                update.setString(3, username);
                update.setString(4, digest);
                update.setString(5, identity.issuer());
                update.setString(6, identity.subject());
                return update.executeUpdate() == 1;
            }
        });
        if (touched) {
            // As after every recorded login: no reader keeps the row with its older last login.
            jdbc.afterCommit(() -> cache.invalidate(username));
        }
        return touched;
    }

    /** The groups a login can record: one odd group from the IdP must not make the login fail; it just cannot be granted anything. */
    private static Set<String> usableGroups(Set<String> groups) {
        Set<String> sortedGroups = new TreeSet<>();
        for (String group : groups) {
            if (!group.isBlank() && group.length() <= Grantee.MAX_NAME_LENGTH && Names.isUsable(group)) {
                sortedGroups.add(group);
            }
        }
        return sortedGroups;
    }

    private User record(String username, String displayName, String email, Set<String> groups, Optional<IdpIdentity> identity) {
        Grantee.user(username); // refuses a blank or over-long user name with a 400 before touching the database
        Set<String> sortedGroups = usableGroups(groups);
        if (sortedGroups.size() < groups.size()) {
            LOG.warn("user {}: ignoring a group name that is blank, longer than {} characters or holds control characters",
                    username, Grantee.MAX_NAME_LENGTH);
        }
        String shownName = clip(displayName);
        String shownEmail = clip(email);
        String digest = loginDigest(shownName, shownEmail, sortedGroups);
        User user = jdbc.write("recording a login", connection -> {
            Instant now = jdbc.now();
            Optional<User> before = select(connection, username);
            // The identity is part of "unchanged": an unbound user is bound here, and another identity must
            // reach the conditional UPDATE below, which leaves the row alone so the caller refuses the login.
            if (before.isPresent() && before.get().displayName().equals(shownName) && before.get().email().equals(shownEmail)
                    && before.get().groups().equals(sortedGroups) && (identity.isEmpty() || before.get().identity().equals(identity))) {
                // Nothing an administrator or another replica acts on has changed: touch only the last
                // login, and write no change-log row, so the log (and an H2 file) grows with changes,
                // not with logins. Other replicas show the older last-login time until their cache ends.
                // Only while the row is still the one read (its last login unchanged): the read took no lock,
                // and a login recorded meanwhile may have changed the groups, which this digest must not cover.
                try (PreparedStatement update = connection.prepareStatement("UPDATE oidc_users SET last_login_at = ?, "
                        + "login_digest = ?, login_digest_at = ? WHERE username = ? AND last_login_at = ?")) {
                    Jdbc.setInstant(update, 1, now);
                    update.setString(2, digest);
                    Jdbc.setInstant(update, 3, now);
                    update.setString(4, username);
                    Jdbc.setInstant(update, 5, before.get().lastLogin());
                    if (update.executeUpdate() == 1) {
                        // The row as read, with this login's time: reading it back again would cost the login two queries.
                        User unchanged = before.get();
                        return new User(unchanged.username(), unchanged.displayName(), unchanged.email(), unchanged.groups(),
                                unchanged.disabled(), unchanged.createdAt(), now, unchanged.identity(), unchanged.notBefore());
                    }
                }
                // Changed meanwhile: record this login in full below, as the last word.
            }
            int updated;
            if (identity.isEmpty()) {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE oidc_users SET display_name = ?, email = ?, last_login_at = ?, login_digest = ?, login_digest_at = ? "
                        + "WHERE username = ?")) {
                    update.setString(1, shownName);
                    update.setString(2, shownEmail);
                    Jdbc.setInstant(update, 3, now);
                    update.setString(4, digest);
                    Jdbc.setInstant(update, 5, now);
                    update.setString(6, username);
                    updated = update.executeUpdate();
                }
            } else {
                // One conditional UPDATE binds an unbound user or refreshes a user bound to this identity, so two
                // racing first logins with different identities cannot both bind.
                try (PreparedStatement update = connection.prepareStatement("UPDATE oidc_users SET display_name = ?, email = ?, "
                        + "last_login_at = ?, idp_issuer = ?, idp_subject = ?, login_digest = ?, login_digest_at = ? WHERE username = ? "
                        + "AND ((idp_issuer IS NULL AND idp_subject IS NULL) OR (idp_issuer = ? AND idp_subject = ?))")) {
                    update.setString(1, shownName);
                    update.setString(2, shownEmail);
                    Jdbc.setInstant(update, 3, now);
                    update.setString(4, identity.get().issuer());
                    update.setString(5, identity.get().subject());
                    update.setString(6, digest);
                    Jdbc.setInstant(update, 7, now);
                    update.setString(8, username);
                    update.setString(9, identity.get().issuer());
                    update.setString(10, identity.get().subject());
                    updated = update.executeUpdate();
                }
                if (updated == 0) {
                    Optional<User> boundElsewhere = select(connection, username);
                    if (boundElsewhere.isPresent()) {
                        return boundElsewhere.get(); // changed nothing: the caller refuses the login
                    }
                }
            }
            if (updated == 0) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_users (username, display_name, "
                        + "email, disabled, created_at, last_login_at, idp_issuer, idp_subject, login_digest, login_digest_at) "
                        + "VALUES (?, ?, ?, FALSE, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, username);
                    insert.setString(2, shownName);
                    insert.setString(3, shownEmail);
                    Jdbc.setInstant(insert, 4, now);
                    Jdbc.setInstant(insert, 5, now);
                    insert.setString(6, identity.map(IdpIdentity::issuer).orElse(null));
                    insert.setString(7, identity.map(IdpIdentity::subject).orElse(null));
                    insert.setString(8, digest);
                    Jdbc.setInstant(insert, 9, now);
                    insert.executeUpdate();
                }
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM oidc_user_groups WHERE username = ?")) {
                delete.setString(1, username);
                delete.executeUpdate();
            }
            for (String group : sortedGroups) {
                ensureGroup(connection, group, now);
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO oidc_user_groups (username, group_name) VALUES (?, ?)")) {
                    insert.setString(1, username);
                    insert.setString(2, group);
                    insert.executeUpdate();
                }
            }
            User stored = select(connection, username).orElseThrow(() -> new SQLException("user vanished during login"));
            jdbc.logChange(connection, ChangeKind.USER, username);
            return stored;
        });
        // After the commit of a larger unit too (a login's record and session): a reader must not cache the row before it.
        jdbc.afterCommit(() -> cache.invalidate(username));
        return user;
    }

    /**
     * What a login records besides the identity and times, as one value: SHA-256 over the display
     * name, the e-mail address and the sorted groups, each prefixed with its length so that no two
     * different records meet.
     */
    static String loginDigest(String displayName, String email, Set<String> sortedGroups) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        update(sha256, displayName);
        update(sha256, email);
        for (String group : sortedGroups) {
            update(sha256, group);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest());
    }

    private static void update(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }

    /** Display names and e-mail addresses are informational: clean and clip them to the column rather than refuse a login. */
    private static String clip(String text) {
        String clean = Names.withoutUnusable(text);
        return clean.length() <= MAX_TEXT ? clean : clean.substring(0, MAX_TEXT);
    }

    /**
     * Inserts a group unless it exists. Two logins racing on a new group end in a unique-key
     * violation for one of them, which {@link Jdbc#write} retries.
     */
    static void ensureGroup(Connection connection, String group, Instant now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_groups (group_name, created_at) "
                + "SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM oidc_groups WHERE group_name = ?)")) {
            insert.setString(1, group);
            Jdbc.setInstant(insert, 2, now);
            insert.setString(3, group);
            insert.executeUpdate();
        }
    }

    @Override
    public Optional<User> find(String username) {
        return cache.get(username);
    }

    private Optional<User> load(String username) {
        return jdbc.read("reading a user", connection -> select(connection, username));
    }

    @Override
    public List<User> list() {
        return jdbc.read("listing users", connection -> {
            Map<String, Set<String>> groups = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT username, group_name FROM oidc_user_groups");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    groups.computeIfAbsent(rows.getString("username"), name -> new TreeSet<>()).add(rows.getString("group_name"));
                }
            }
            List<User> users = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM oidc_users ORDER BY username");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    users.add(user(rows, groups.getOrDefault(rows.getString("username"), Set.of())));
                }
            }
            return users;
        });
    }

    @Override
    public Page<User> list(Optional<String> search, Optional<String> after, int limit) {
        return jdbc.read("listing users", connection -> {
            StringBuilder sql = new StringBuilder("SELECT * FROM oidc_users WHERE 1 = 1");
            List<String> parameters = new ArrayList<>();
            if (after.isPresent()) {
                sql.append(" AND username > ?");
                parameters.add(after.get());
            }
            if (search.isPresent()) {
                sql.append(" AND (LOWER(username) LIKE ? ESCAPE '!' OR LOWER(display_name) LIKE ? ESCAPE '!' OR LOWER(email) LIKE ? ESCAPE '!')");
                String like = "%" + search.get().toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
                parameters.add(like);
                parameters.add(like);
                parameters.add(like);
            }
            sql.append(" ORDER BY username LIMIT ?");
            List<String> names = new ArrayList<>();
            List<User> users = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    select.setString(i + 1, parameters.get(i));
                }
                select.setInt(parameters.size() + 1, limit + 1);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        names.add(rows.getString("username"));
                        users.add(user(rows, Set.of()));
                    }
                }
            }
            Map<String, Set<String>> groups = groupsOf(connection, names);
            List<User> withGroups = users.stream().map(user -> new User(user.username(), user.displayName(), user.email(),
                    groups.getOrDefault(user.username(), Set.of()), user.disabled(), user.createdAt(), user.lastLogin(),
                    user.identity(), user.notBefore())).toList();
            return Page.of(withGroups, limit, user -> List.of(user.username()));
        });
    }

    /** The groups of a page of users, in one query. */
    private static Map<String, Set<String>> groupsOf(Connection connection, List<String> names) throws SQLException {
        Map<String, Set<String>> groups = new HashMap<>();
        if (names.isEmpty()) {
            return groups;
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT username, group_name FROM oidc_user_groups WHERE username IN (?"
                + ",?".repeat(names.size() - 1) + ")")) {
            for (int i = 0; i < names.size(); i++) {
                select.setString(i + 1, names.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    groups.computeIfAbsent(rows.getString(1), name -> new TreeSet<>()).add(rows.getString(2));
                }
            }
        }
        return groups;
    }

    @Override
    public Page<GroupSize> groupSizes(Optional<String> after, int limit) {
        return jdbc.read("listing groups", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT g.group_name, COUNT(m.username) FROM oidc_groups g "
                    + "LEFT JOIN oidc_user_groups m ON m.group_name = g.group_name WHERE g.group_name > ? "
                    + "GROUP BY g.group_name ORDER BY g.group_name LIMIT ?")) {
                select.setString(1, after.orElse(""));
                select.setInt(2, limit + 1);
                List<GroupSize> sizes = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        sizes.add(new GroupSize(rows.getString(1), rows.getInt(2)));
                    }
                }
                return Page.of(sizes, limit, size -> List.of(size.name()));
            }
        });
    }

    @Override
    public List<String> groups() {
        return jdbc.read("listing groups", connection -> strings(connection,
                "SELECT group_name FROM oidc_groups ORDER BY group_name", null));
    }

    @Override
    public List<String> members(String group) {
        return jdbc.read("listing group members", connection -> strings(connection,
                "SELECT username FROM oidc_user_groups WHERE group_name = ? ORDER BY username", group));
    }

    @Override
    public boolean setDisabled(String username, boolean disabled) {
        // Disabling also moves not_before to now, and re-enabling keeps it: every session and token
        // issued before the disable stays refused, so the usual incident response (disable, reset at
        // the IdP, re-enable) hands no copied credential back.
        return changeOne(disabled ? "disabling a user" : "enabling a user", username, disabled
                ? "UPDATE oidc_users SET disabled = TRUE, not_before = ? WHERE username = ?"
                : "UPDATE oidc_users SET disabled = FALSE WHERE username = ?", update -> {
                    if (disabled) {
                        Jdbc.setInstant(update, 1, Jdbc.truncate(jdbc.now()));
                    }
                });
    }

    @Override
    public boolean link(String username, IdpIdentity identity) {
        return bind(username, Optional.of(identity));
    }

    @Override
    public boolean unlink(String username) {
        return bind(username, Optional.empty());
    }

    private boolean bind(String username, Optional<IdpIdentity> identity) {
        return changeOne(identity.isPresent() ? "linking a user" : "unlinking a user", username,
                "UPDATE oidc_users SET idp_issuer = ?, idp_subject = ? WHERE username = ?", update -> {
                    update.setString(1, identity.map(IdpIdentity::issuer).orElse(null));
                    update.setString(2, identity.map(IdpIdentity::subject).orElse(null));
                });
    }

    /** Sets the leading parameters of an update; the user name is always the last one. */
    private interface Parameters {
        void set(PreparedStatement update) throws SQLException;
    }

    /**
     * Updates one user's row, records the change for the other replicas and drops the cached user.
     *
     * @return false when there is no such user
     */
    private boolean changeOne(String what, String username, String sql, Parameters parameters) {
        boolean changed = jdbc.write(what, connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                parameters.set(update);
                // The last placeholder: counted in the text, not asked of the driver (a round trip on PostgreSQL).
                update.setString((int) sql.chars().filter(c -> c == '?').count(), username);
                if (update.executeUpdate() == 0) {
                    return false;
                }
            }
            jdbc.logChange(connection, ChangeKind.USER, username);
            return true;
        });
        cache.invalidate(username);
        return changed;
    }

    @Override
    public boolean delete(String username) {
        boolean deleted = jdbc.write("deleting a user", connection -> {
            // Deleting the user cascades to their groups and their access token.
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM oidc_users WHERE username = ?")) {
                delete.setString(1, username);
                if (delete.executeUpdate() == 0) {
                    return false;
                }
            }
            jdbc.logChange(connection, ChangeKind.USER, username);
            jdbc.logChange(connection, ChangeKind.TOKEN, username);
            return true;
        });
        cache.invalidate(username);
        return deleted;
    }

    @Override
    public void changed(Change change) {
        if (change.kind() == ChangeKind.USER) {
            cache.invalidate(change.key());
        }
    }

    @Override
    public void invalidateAll() {
        cache.invalidateAll();
    }

    private static Optional<User> select(Connection connection, String username) throws SQLException {
        // One query for the row and its groups (a row per group, one with no group): each login reads this.
        try (PreparedStatement select = connection.prepareStatement("SELECT u.*, g.group_name AS member_of FROM oidc_users u "
                + "LEFT JOIN oidc_user_groups g ON g.username = u.username WHERE u.username = ?")) {
            select.setString(1, username);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                User user = user(row, Set.of());
                Set<String> groups = new TreeSet<>();
                do {
                    String group = row.getString("member_of");
                    if (group != null) {
                        groups.add(group);
                    }
                } while (row.next());
                return Optional.of(new User(user.username(), user.displayName(), user.email(), groups, user.disabled(),
                        user.createdAt(), user.lastLogin(), user.identity(), user.notBefore()));
            }
        }
    }

    private static User user(ResultSet row, Set<String> groups) throws SQLException {
        String issuer = row.getString("idp_issuer");
        String subject = row.getString("idp_subject");
        Optional<IdpIdentity> identity = issuer == null || subject == null ? Optional.empty()
                : Optional.of(new IdpIdentity(issuer, subject));
        return new User(row.getString("username"), row.getString("display_name"), row.getString("email"), groups,
                row.getBoolean("disabled"), Jdbc.getInstant(row, "created_at"), Jdbc.getInstant(row, "last_login_at"), identity,
                Jdbc.getOptionalInstant(row, "not_before"));
    }

    static List<String> strings(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            if (parameter != null) {
                select.setString(1, parameter);
            }
            List<String> result = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    result.add(rows.getString(1));
                }
            }
            return result;
        }
    }
}
