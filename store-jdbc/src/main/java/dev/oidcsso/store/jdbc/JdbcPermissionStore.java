package dev.oidcsso.store.jdbc;

import dev.oidcsso.config.StoreSettings;
import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.oidcsso.authz.Actor;
import dev.oidcsso.authz.CallerGrants;
import dev.oidcsso.authz.Grant;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.PermissionInputException;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.RegexPattern;
import dev.oidcsso.authz.RegexRule;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceGrants;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.store.Change;
import dev.oidcsso.store.ChangeKind;
import dev.oidcsso.store.ChangeListener;
import dev.oidcsso.store.GrantQuery;
import dev.oidcsso.store.Page;
import dev.oidcsso.store.PermissionStore;
import dev.oidcsso.config.StoreSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Grants and rules in JDBC. Three caches answer the decision: all grants of one resource (for a
 * decision on that resource), all grants of one user or group on one resource type (for a list: a
 * caller's list reads only its own and its groups' grants), and all rules of one resource type with
 * their patterns compiled once.
 */
final class JdbcPermissionStore implements PermissionStore, ChangeListener {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcPermissionStore.class);
    /**
     * Names per {@code IN (...)} list when loading many resources: few round trips (a list of 10 000
     * is ten), well under every driver's parameter limit (PostgreSQL's is 32 767).
     */
    private static final int BATCH = 1000;

    private final Jdbc jdbc;
    private final LoadingCache<Resource, ResourceGrants> grants;
    private final LoadingCache<ResourceType, List<RegexRule>> rules;
    /** A grantee's grants on one type, with the grant-change count at which they were read. */
    private final LoadingCache<GranteeKey, GranteeGrants> byGrantee;
    /**
     * Counts grant changes seen here (written here or read from the change log). A change's key names
     * the resource, not the grantee, so it cannot say which grantee's entry it touches: every
     * {@link #byGrantee} entry read before the latest change is reloaded (in bulk, by the next list
     * that needs it). Comparing counts rather than dropping entries also covers a load that was in
     * flight when the change arrived.
     */
    private final AtomicLong grantChanges = new AtomicLong();
    /** Every rule, compiled, for the admin lists: one entry, dropped on any rule change. */
    private final LoadingCache<Boolean, List<RegexRule>> allRules;

    JdbcPermissionStore(Jdbc jdbc, StoreSettings settings) {
        this.jdbc = jdbc;
        // Ten times the common bound: an entry is a few hundred bytes, and a list request reads every
        // resource of a type at once, so a bound below the resource count would evict on every list.
        this.grants = Caches.bulkBuilder(settings, jdbc.events(), "grants", settings.cacheMaxEntries() * 10L).build(Caches.quietRefresh(new CacheLoader<Resource, ResourceGrants>() {
            @Override
            public ResourceGrants load(Resource resource) {
                return loadGrants(List.of(resource)).get(resource);
            }

            @Override
            public Map<Resource, ResourceGrants> loadAll(Set<? extends Resource> resources) {
                return loadGrants(resources);
            }
        }));
        this.byGrantee = Caches.bulkBuilder(settings, jdbc.events(), "grantee-grants", settings.cacheMaxEntries())
                .build(Caches.quietRefresh(new CacheLoader<GranteeKey, GranteeGrants>() {
                    @Override
                    public GranteeGrants load(GranteeKey key) {
                        return loadByGrantee(Set.of(key)).get(key);
                    }

                    @Override
                    public Map<GranteeKey, GranteeGrants> loadAll(Set<? extends GranteeKey> keys) {
                        return loadByGrantee(keys);
                    }
                }));
        this.rules = Caches.builder(settings, jdbc.events(), "rules").build(Caches.quietRefresh(this::loadRules));
        // Sorted here rather than by the database, whose collation may order type names differently
        // from String.compareTo, which the API's paging compares with.
        this.allRules = Caches.builder(settings, jdbc.events(), "rules").build(Caches.quietRefresh(all -> jdbc.read("listing rules",
                connection -> selectRules(connection, "SELECT * FROM oidc_regex_rules", null)).stream()
                .sorted(Comparator.comparing((RegexRule rule) -> rule.type().name()).thenComparingInt(RegexRule::priority)
                        .thenComparingLong(RegexRule::id)).toList()));
    }

    // ---- the decision's reads, cached ---------------------------------------------------------

    @Override
    public ResourceGrants grantsOn(Resource resource) {
        return grants.get(resource);
    }

    @Override
    public Map<Resource, ResourceGrants> grantsOn(Collection<Resource> resources) {
        return grants.getAll(resources);
    }

    @Override
    public Optional<CallerGrants> grantsOf(Actor actor, ResourceType type) {
        GranteeKey own = new GranteeKey("user", actor.username(), type.name());
        List<GranteeKey> keys = new ArrayList<>(actor.groups().size() + 1);
        keys.add(own);
        actor.groups().forEach(group -> keys.add(new GranteeKey("group", group, type.name())));
        Map<GranteeKey, GranteeGrants> found = byGrantee.getAll(keys);
        long current = grantChanges.get();
        List<GranteeKey> stale = found.entrySet().stream().filter(entry -> entry.getValue().readAt() != current)
                .map(Map.Entry::getKey).toList();
        if (!stale.isEmpty()) {
            // Read before the latest grant change: reload them together.
            byGrantee.invalidateAll(stale);
            found = new HashMap<>(found);
            found.putAll(byGrantee.getAll(stale));
        }
        List<Map<String, PermissionLevel>> ofGroups = new ArrayList<>(actor.groups().size());
        for (GranteeKey key : keys) {
            if (key != own) {
                ofGroups.add(found.get(key).levels());
            }
        }
        return Optional.of(CallerGrants.of(found.get(own).levels(), ofGroups));
    }

    /** One user or group on one resource type; the kind and the type as stored. */
    private record GranteeKey(String kind, String name, String type) {
    }

    /** A grantee's levels by resource name, and the grant-change count before they were read. */
    private record GranteeGrants(long readAt, Map<String, PermissionLevel> levels) {
    }

    private Map<GranteeKey, GranteeGrants> loadByGrantee(Collection<? extends GranteeKey> keys) {
        // Taken before reading: a change committed meanwhile makes the entries stale, never lost.
        long readAt = grantChanges.get();
        Map<GranteeKey, Map<String, PermissionLevel>> levels = new HashMap<>();
        keys.forEach(key -> levels.put(key, new HashMap<>()));
        List<String> names = keys.stream().map(GranteeKey::name).distinct().toList();
        jdbc.read("reading a caller's grants", connection -> {
            for (int from = 0; from < names.size(); from += BATCH) {
                List<String> batch = names.subList(from, Math.min(names.size(), from + BATCH));
                // By name alone, kind and type checked here: the condition then has the one shape the
                // name-first index answers on H2 too (see the migration V8).
                try (PreparedStatement select = connection.prepareStatement("SELECT grantee_kind, grantee_name, resource_type, "
                        + "resource_name, permission_level FROM oidc_grants WHERE grantee_name IN (?" + ",?".repeat(batch.size() - 1) + ")")) {
                    for (int i = 0; i < batch.size(); i++) {
                        select.setString(i + 1, batch.get(i));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            Map<String, PermissionLevel> target = levels.get(new GranteeKey(rows.getString(1), rows.getString(2),
                                    rows.getString(3)));
                            if (target != null) {
                                target.put(rows.getString(4), level(rows.getString(5)));
                            }
                        }
                    }
                }
            }
            return null;
        });
        Map<GranteeKey, GranteeGrants> result = new HashMap<>();
        levels.forEach((key, map) -> result.put(key, new GranteeGrants(readAt, Map.copyOf(map))));
        return result;
    }

    @Override
    public List<RegexRule> rulesFor(ResourceType type) {
        return rules.get(type);
    }

    private Map<Resource, ResourceGrants> loadGrants(Collection<? extends Resource> resources) {
        return jdbc.read("reading grants", connection -> {
            Map<Resource, Map<String, PermissionLevel>> users = new HashMap<>();
            Map<Resource, Map<String, PermissionLevel>> groups = new HashMap<>();
            Map<Resource, String> creators = new HashMap<>();
            Map<ResourceType, List<Resource>> byType = new LinkedHashMap<>();
            resources.forEach(resource -> byType.computeIfAbsent(resource.type(), type -> new ArrayList<>()).add(resource));
            for (Map.Entry<ResourceType, List<Resource>> entry : byType.entrySet()) {
                List<Resource> all = entry.getValue();
                for (int from = 0; from < all.size(); from += BATCH) {
                    List<Resource> batch = all.subList(from, Math.min(all.size(), from + BATCH));
                    String in = "?" + ",?".repeat(batch.size() - 1);
                    // By name alone, the type checked here: the condition then has one shape the name
                    // index answers on H2 too (which uses an index for an IN list only on its first column,
                    // and otherwise prefers the (type, name) key and reads every row of the type).
                    try (PreparedStatement select = connection.prepareStatement("SELECT resource_type, resource_name, grantee_kind, "
                            + "grantee_name, permission_level FROM oidc_grants WHERE resource_name IN (" + in + ")")) {
                        bind(select, batch);
                        try (ResultSet rows = select.executeQuery()) {
                            while (rows.next()) {
                                if (!entry.getKey().name().equals(rows.getString("resource_type"))) {
                                    continue;
                                }
                                Resource resource = new Resource(entry.getKey(), rows.getString("resource_name"));
                                Map<Resource, Map<String, PermissionLevel>> target =
                                        "group".equals(rows.getString("grantee_kind")) ? groups : users;
                                target.computeIfAbsent(resource, r -> new HashMap<>())
                                        .put(rows.getString("grantee_name"), level(rows.getString("permission_level")));
                            }
                        }
                    }
                    try (PreparedStatement select = connection.prepareStatement("SELECT resource_type, resource_name, created_by "
                            + "FROM oidc_resources WHERE resource_name IN (" + in + ")")) {
                        bind(select, batch);
                        try (ResultSet rows = select.executeQuery()) {
                            while (rows.next()) {
                                if (entry.getKey().name().equals(rows.getString(1))) {
                                    creators.put(new Resource(entry.getKey(), rows.getString(2)), rows.getString(3));
                                }
                            }
                        }
                    }
                }
            }
            Map<Resource, ResourceGrants> result = new LinkedHashMap<>();
            for (Resource resource : resources) {
                result.put(resource, new ResourceGrants(resource, users.getOrDefault(resource, Map.of()),
                        groups.getOrDefault(resource, Map.of()), Optional.ofNullable(creators.get(resource))));
            }
            return result;
        });
    }

    private static void bind(PreparedStatement select, List<Resource> batch) throws SQLException {
        for (int i = 0; i < batch.size(); i++) {
            select.setString(i + 1, batch.get(i).name());
        }
    }

    private List<RegexRule> loadRules(ResourceType type) {
        return jdbc.read("reading rules", connection -> selectRules(connection,
                "SELECT * FROM oidc_regex_rules WHERE resource_type = ? ORDER BY priority, id", type.name()));
    }

    private static List<RegexRule> selectRules(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            if (parameter != null) {
                select.setString(1, parameter);
            }
            List<RegexRule> result = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    rule(rows).ifPresent(result::add);
                }
            }
            return result;
        }
    }

    private static Optional<RegexRule> selectRule(Connection connection, long id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM oidc_regex_rules WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? rule(row) : Optional.empty();
            }
        }
    }

    private static Optional<RegexRule> rule(ResultSet row) throws SQLException {
        long id = row.getLong("id");
        try {
            return Optional.of(new RegexRule(id, new Grantee(Grantee.Kind.parse(row.getString("grantee_kind")), row.getString("grantee_name")),
                    new ResourceType(row.getString("resource_type")), RegexPattern.compile(row.getString("pattern")),
                    level(row.getString("permission_level")), row.getInt("priority")));
        } catch (PermissionInputException e) {
            // Only possible for rows written around this API; skipping one rule beats failing every request.
            LOG.error("regex rule {} in the database is unusable and is ignored: {}", id, e.getMessage());
            return Optional.empty();
        }
    }

    /** An unknown level (written by a newer version) counts as none: it can never widen access. */
    private static PermissionLevel level(String text) {
        return PermissionLevel.find(text).orElse(PermissionLevel.NO_PERMISSIONS);
    }

    // ---- changes ------------------------------------------------------------------------------

    @Override
    public void grant(Grant grant) {
        jdbc.write("granting a permission", connection -> {
            upsertGrant(connection, grant, jdbc.now());
            jdbc.logChange(connection, ChangeKind.GRANT, key(grant.resource()));
            return null;
        });
        grantChanged(grant.resource());
    }

    private static void upsertGrant(Connection connection, Grant grant, Instant now) throws SQLException {
        if (grant.grantee().kind() == Grantee.Kind.GROUP) {
            JdbcUserStore.ensureGroup(connection, grant.grantee().name(), now);
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE oidc_grants SET permission_level = ?, updated_at = ? "
                + "WHERE resource_type = ? AND resource_name = ? AND grantee_kind = ? AND grantee_name = ?")) {
            update.setString(1, grant.level().name());
            Jdbc.setInstant(update, 2, now);
            bindKey(update, 3, grant.grantee(), grant.resource());
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_grants (permission_level, updated_at, "
                + "resource_type, resource_name, grantee_kind, grantee_name) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, grant.level().name());
            Jdbc.setInstant(insert, 2, now);
            bindKey(insert, 3, grant.grantee(), grant.resource());
            insert.executeUpdate();
        }
    }

    private static void bindKey(PreparedStatement statement, int first, Grantee grantee, Resource resource) throws SQLException {
        statement.setString(first, resource.type().name());
        statement.setString(first + 1, resource.name());
        statement.setString(first + 2, grantee.kind().code());
        statement.setString(first + 3, grantee.name());
    }

    @Override
    public boolean revoke(Grantee grantee, Resource resource) {
        boolean removed = jdbc.write("revoking a permission", connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM oidc_grants "
                    + "WHERE resource_type = ? AND resource_name = ? AND grantee_kind = ? AND grantee_name = ?")) {
                bindKey(delete, 1, grantee, resource);
                if (delete.executeUpdate() == 0) {
                    return false;
                }
            }
            jdbc.logChange(connection, ChangeKind.GRANT, key(resource));
            return true;
        });
        grantChanged(resource);
        return removed;
    }

    @Override
    public List<Grant> grantsTo(Grantee grantee) {
        return jdbc.read("listing grants", connection -> selectGrants(connection, "SELECT * FROM oidc_grants "
                + "WHERE grantee_kind = ? AND grantee_name = ? ORDER BY resource_type, resource_name", grantee.kind().code(), grantee.name()));
    }

    @Override
    public List<Grant> grants(ResourceType type) {
        return jdbc.read("listing grants", connection -> selectGrants(connection, "SELECT * FROM oidc_grants "
                + "WHERE resource_type = ? ORDER BY resource_name, grantee_kind, grantee_name", type.name()));
    }

    @Override
    public Page<Grant> grants(GrantQuery query) {
        StringBuilder sql = new StringBuilder("SELECT * FROM oidc_grants WHERE 1 = 1");
        List<String> parameters = new ArrayList<>();
        query.grantee().ifPresent(grantee -> {
            sql.append(" AND grantee_kind = ? AND grantee_name = ?");
            parameters.add(grantee.kind().code());
            parameters.add(grantee.name());
        });
        query.type().ifPresent(type -> {
            sql.append(" AND resource_type = ?");
            parameters.add(type.name());
        });
        query.name().ifPresent(name -> {
            sql.append(" AND resource_name = ?");
            parameters.add(name);
        });
        query.after().ifPresent(after -> {
            // Keyset paging on the unique key, written out rather than as a row-value comparison so
            // that H2 and PostgreSQL read it alike; the leading ">=" lets either start an index range
            // at the cursor instead of at the first row.
            sql.append(" AND resource_type >= ? AND (resource_type > ? OR (resource_name >= ? AND (resource_name > ? "
                    + "OR grantee_kind > ? OR (grantee_kind = ? AND grantee_name > ?))))");
            parameters.addAll(List.of(after.get(0), after.get(0), after.get(1), after.get(1), after.get(2), after.get(2), after.get(3)));
        });
        sql.append(" ORDER BY resource_type, resource_name, grantee_kind, grantee_name LIMIT ").append(query.limit() + 1);
        List<Grant> rows = jdbc.read("listing grants", connection -> selectGrants(connection, sql.toString(), parameters.toArray(String[]::new)));
        return Page.of(rows, query.limit(), grant -> List.of(grant.resource().type().name(), grant.resource().name(),
                grant.grantee().kind().code(), grant.grantee().name()));
    }

    private static List<Grant> selectGrants(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setString(i + 1, parameters[i]);
            }
            List<Grant> result = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    result.add(new Grant(new Grantee(Grantee.Kind.parse(rows.getString("grantee_kind")), rows.getString("grantee_name")),
                            new Resource(new ResourceType(rows.getString("resource_type")), rows.getString("resource_name")),
                            level(rows.getString("permission_level"))));
                }
            }
            return result;
        }
    }

    @Override
    public RegexRule addRule(Grantee grantee, ResourceType type, String pattern, PermissionLevel level, int priority) {
        RegexPattern compiled = RegexPattern.compile(pattern);
        RegexRule rule = jdbc.write("adding a rule", connection -> {
            Instant now = jdbc.now();
            if (grantee.kind() == Grantee.Kind.GROUP) {
                JdbcUserStore.ensureGroup(connection, grantee.name(), now);
            }
            long id;
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_regex_rules (resource_type, grantee_kind, "
                    + "grantee_name, pattern, permission_level, priority, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", new String[] {"id"})) {
                insert.setString(1, type.name());
                insert.setString(2, grantee.kind().code());
                insert.setString(3, grantee.name());
                insert.setString(4, compiled.source());
                insert.setString(5, level.name());
                insert.setInt(6, priority);
                Jdbc.setInstant(insert, 7, now);
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new SQLException("no id generated for the new rule");
                    }
                    id = keys.getLong(1);
                }
            }
            jdbc.logChange(connection, ChangeKind.RULE, type.name());
            return new RegexRule(id, grantee, type, compiled, level, priority);
        });
        rules.invalidate(type);
        allRules.invalidateAll();
        return rule;
    }

    @Override
    public Optional<RegexRule> updateRule(long id, String pattern, PermissionLevel level, int priority) {
        RegexPattern compiled = RegexPattern.compile(pattern);
        Optional<RegexRule> updated = jdbc.write("changing a rule", connection -> {
            Optional<RegexRule> existing = selectRule(connection, id);
            if (existing.isEmpty()) {
                return Optional.<RegexRule>empty();
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE oidc_regex_rules SET pattern = ?, permission_level = ?, priority = ?, updated_at = ? WHERE id = ?")) {
                update.setString(1, compiled.source());
                update.setString(2, level.name());
                update.setInt(3, priority);
                Jdbc.setInstant(update, 4, jdbc.now());
                update.setLong(5, id);
                update.executeUpdate();
            }
            RegexRule old = existing.get();
            jdbc.logChange(connection, ChangeKind.RULE, old.type().name());
            return Optional.of(new RegexRule(id, old.grantee(), old.type(), compiled, level, priority));
        });
        updated.ifPresent(rule -> rules.invalidate(rule.type()));
        allRules.invalidateAll();
        return updated;
    }

    @Override
    public boolean deleteRule(long id) {
        Optional<ResourceType> type = jdbc.write("deleting a rule", connection -> {
            Optional<RegexRule> existing = selectRule(connection, id);
            if (existing.isEmpty()) {
                return Optional.<ResourceType>empty();
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM oidc_regex_rules WHERE id = ?")) {
                delete.setLong(1, id);
                delete.executeUpdate();
            }
            jdbc.logChange(connection, ChangeKind.RULE, existing.get().type().name());
            return Optional.of(existing.get().type());
        });
        type.ifPresent(rules::invalidate);
        allRules.invalidateAll();
        return type.isPresent();
    }

    @Override
    public List<RegexRule> rules() {
        return allRules.get(Boolean.TRUE);
    }

    @Override
    public void recordCreation(Resource resource, String creator) {
        Grantee user = Grantee.user(creator);
        jdbc.write("recording a resource's creator", connection -> {
            Instant now = jdbc.now();
            try (PreparedStatement update = connection.prepareStatement("UPDATE oidc_resources SET created_by = ?, created_at = ? "
                    + "WHERE resource_type = ? AND resource_name = ?")) {
                update.setString(1, user.name());
                Jdbc.setInstant(update, 2, now);
                update.setString(3, resource.type().name());
                update.setString(4, resource.name());
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_resources "
                            + "(created_by, created_at, resource_type, resource_name) VALUES (?, ?, ?, ?)")) {
                        insert.setString(1, user.name());
                        Jdbc.setInstant(insert, 2, now);
                        insert.setString(3, resource.type().name());
                        insert.setString(4, resource.name());
                        insert.executeUpdate();
                    }
                }
            }
            upsertGrant(connection, new Grant(user, resource, PermissionLevel.MANAGE), now);
            jdbc.logChange(connection, ChangeKind.GRANT, key(resource));
            return null;
        });
        grantChanged(resource);
    }

    @Override
    public void forgetResource(Resource resource) {
        jdbc.write("forgetting a resource", connection -> {
            for (String table : List.of("oidc_grants", "oidc_resources")) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM " + table + " WHERE resource_type = ? AND resource_name = ?")) {
                    delete.setString(1, resource.type().name());
                    delete.setString(2, resource.name());
                    delete.executeUpdate();
                }
            }
            jdbc.logChange(connection, ChangeKind.GRANT, key(resource));
            return null;
        });
        grantChanged(resource);
    }

    // ---- invalidation -------------------------------------------------------------------------

    @Override
    public void changed(Change change) {
        switch (change.kind()) {
            case GRANT -> resourceOf(change.key()).ifPresent(this::grantChanged);
            case RULE -> {
                allRules.invalidateAll();
                try {
                    rules.invalidate(new ResourceType(change.key()));
                } catch (PermissionInputException e) {
                    rules.invalidateAll();
                }
            }
            default -> {
                // not about permissions
            }
        }
    }

    @Override
    public void invalidateAll() {
        grantChanges.incrementAndGet();
        byGrantee.invalidateAll();
        grants.invalidateAll();
        rules.invalidateAll();
        allRules.invalidateAll();
    }

    /** After a change to a resource's grants: its own entry goes, and every grantee's entry is stale. */
    private void grantChanged(Resource resource) {
        grantChanges.incrementAndGet();
        grants.invalidate(resource);
    }

    /** The change-log key of a resource: the type cannot contain a slash, so the first one separates. */
    static String key(Resource resource) {
        return resource.type().name() + "/" + resource.name();
    }

    private Optional<Resource> resourceOf(String key) {
        int slash = key.indexOf('/');
        try {
            return Optional.of(new Resource(new ResourceType(key.substring(0, slash)), key.substring(slash + 1)));
        } catch (RuntimeException e) {
            // A key this version cannot read: drop every grant rather than keep a stale one.
            grantChanges.incrementAndGet();
            grants.invalidateAll();
            return Optional.empty();
        }
    }
}
