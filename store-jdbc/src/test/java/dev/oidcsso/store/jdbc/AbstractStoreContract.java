package dev.oidcsso.store.jdbc;

import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.OidcSsoException;
import dev.oidcsso.authz.Actor;
import dev.oidcsso.authz.Decision;
import dev.oidcsso.authz.Grant;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.PermissionEvaluator;
import dev.oidcsso.authz.PermissionInputException;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.PermissionPolicy;
import dev.oidcsso.authz.PermissionSource;
import dev.oidcsso.authz.RegexRule;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceGrants;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.store.Change;
import dev.oidcsso.store.ChangeKind;
import dev.oidcsso.store.ChangeListener;
import dev.oidcsso.store.IdpIdentity;
import dev.oidcsso.store.GrantQuery;
import dev.oidcsso.store.GroupSize;
import dev.oidcsso.store.IssuedToken;
import dev.oidcsso.store.Page;
import dev.oidcsso.store.PermissionStore;
import dev.oidcsso.session.SessionRecord;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.StoreUnavailableException;
import dev.oidcsso.store.TokenCheck;
import dev.oidcsso.store.TokenInfo;
import dev.oidcsso.store.TokenStore;
import dev.oidcsso.store.User;
import dev.oidcsso.store.UserStore;
import dev.oidcsso.testing.MutableClock;
import dev.oidcsso.testing.Poll;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.oidcsso.authz.PermissionLevel.EDIT;
import static dev.oidcsso.authz.PermissionLevel.MANAGE;
import static dev.oidcsso.authz.PermissionLevel.NO_PERMISSIONS;
import static dev.oidcsso.authz.PermissionLevel.READ;
import static dev.oidcsso.authz.PermissionLevel.USE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store suite, run unchanged on every database: each subclass supplies a fresh, empty database
 * per test and a way to stop and restart its server.
 */
abstract class AbstractStoreContract {

    static final ResourceTypes TYPES = ResourceTypes.of("experiment", "registered_model");
    static final ResourceType EXPERIMENT = TYPES.require("experiment");
    static final Resource CHURN = Resource.of(EXPERIMENT, "team-a/churn");

    private final List<Database> opened = new ArrayList<>();
    final MutableClock clock = MutableClock.atNow();

    /** A JDBC URL of a new, empty database on the class's server. */
    abstract String newDatabaseUrl() throws Exception;

    /** Stops the database server (an outage); its data must survive. */
    abstract void stopServer() throws Exception;

    /** Starts the database server again on the same address with the same data. */
    abstract void startServer() throws Exception;

    Database open(String url) {
        return open(url, new CountingHasher());
    }

    Database open(String url, TokenHasher hasher) {
        StoreSettings settings = StoreSettings.forUrl(url).withPollInterval(Duration.ofMillis(100)).withTimeout(Duration.ofSeconds(1));
        Database database = Database.open(settings, clock, hasher);
        opened.add(database);
        return database;
    }

    @AfterEach
    void closeDatabases() {
        opened.forEach(Database::close);
    }

    // ---- migrations -----------------------------------------------------------------------------

    @Test
    void migrationsCreateTheSchemaOnceAndReopeningIsANoOp() throws Exception {
        String url = newDatabaseUrl();
        open(url).close();
        open(url).close();
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement select = connection.prepareStatement(
                     "SELECT \"version\", \"success\" FROM oidc_schema_history WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"");
             ResultSet rows = select.executeQuery()) {
            List<String> applied = new ArrayList<>();
            while (rows.next()) {
                applied.add(rows.getString(1) + ":" + rows.getBoolean(2));
            }
            assertEquals(List.of("1:true", "2:true", "3:true", "4:true", "5:true", "6:true", "7:true", "8:true", "9:true", "10:true"), applied);
        }
        try (Connection connection = DriverManager.getConnection(url)) {
            for (String table : List.of("oidc_users", "oidc_groups", "oidc_user_groups", "oidc_resources", "oidc_grants",
                    "oidc_regex_rules", "oidc_access_tokens", "oidc_change_log", "oidc_used_login_states",
                    "oidc_sessions")) {
                try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM " + table);
                     ResultSet row = count.executeQuery()) {
                    assertTrue(row.next(), table);
                    assertEquals(0, row.getInt(1), table);
                }
            }
        }
    }

    @Test
    void aLoginResponseIsUsedOnceAcrossReplicas() throws Exception {
        String url = newDatabaseUrl();
        try (Database first = open(url); Database second = open(url)) {
            java.time.Instant until = java.time.Instant.now().plusSeconds(600);
            assertTrue(first.callbacks().firstUse("state-1", until));
            assertFalse(second.callbacks().firstUse("state-1", until), "a replay on the other replica");
            assertFalse(first.callbacks().firstUse("state-1", until));
            assertTrue(second.callbacks().firstUse("state-2", until));
            assertTrue(first.callbacks().firstUse("expired-before", java.time.Instant.now().minusSeconds(1)));
            assertTrue(second.callbacks().firstUse("another", until), "the sweep of expired records does not disturb others");
        }
    }

    @Test
    void theSchemaCanShareADatabaseWithTheApplicationsOwnTables() throws Exception {
        String url = newDatabaseUrl();
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.createStatement().execute("CREATE TABLE experiments (id INTEGER PRIMARY KEY, name VARCHAR(100))");
        }
        Database db = open(url);
        db.users().recordLogin("alice", "", "", Set.of());
        assertEquals(1, db.users().list().size());
    }

    // ---- users ----------------------------------------------------------------------------------

    @Test
    void aLoginCreatesTheUserAndTheNextRefreshesNameAndGroups() throws Exception {
        Database db = open(newDatabaseUrl());
        UserStore users = db.users();
        Instant first = clock.instant().truncatedTo(ChronoUnit.MICROS);
        User created = users.recordLogin("alice", "Alice A.", "alice@example.com", Set.of("analysts", "ml"));
        assertEquals(new User("alice", "Alice A.", "alice@example.com", Set.of("analysts", "ml"), false, first, first), created);
        assertEquals(Optional.of(created), users.find("alice"));

        clock.advance(Duration.ofHours(1));
        User refreshed = users.recordLogin("alice", "Alice B.", "alice@example.org", Set.of("ml", "admins"));
        assertEquals(Set.of("ml", "admins"), refreshed.groups());
        assertEquals("Alice B.", refreshed.displayName());
        assertEquals(first, refreshed.createdAt());
        assertEquals(first.plus(Duration.ofHours(1)), refreshed.lastLogin());
        assertEquals(Optional.of(refreshed), users.find("alice"), "the cache is refreshed by the login");

        users.recordLogin("bob", "", "", Set.of("ml"));
        assertEquals(List.of("admins", "analysts", "ml"), users.groups());
        assertEquals(List.of("alice", "bob"), users.members("ml"));
        assertEquals(List.of(), users.members("analysts"));
        assertEquals(List.of("alice", "bob"), users.list().stream().map(User::username).toList());
        assertEquals(Optional.empty(), users.find("carol"));
    }

    @Test
    void aLoginBindsTheUserToItsIssuerAndSubjectAndAnotherPairChangesNothing() throws Exception {
        String url = newDatabaseUrl();
        Database db = open(url);
        Database replica = open(url);
        UserStore users = db.users();
        IdpIdentity staff = new IdpIdentity("https://idp.example/staff", "sub-1");
        IdpIdentity other = new IdpIdentity("https://idp.example/partners", "sub-1");
        IdpIdentity otherSubject = new IdpIdentity("https://idp.example/staff", "sub-2");

        User first = users.recordLogin("alice", "Alice", "alice@example.com", Set.of("ml"), staff);
        assertEquals(Optional.of(staff), first.identity());
        clock.advance(Duration.ofMinutes(5));
        User again = users.recordLogin("alice", "Alice A.", "alice@example.com", Set.of("ml", "admins"), staff);
        assertEquals(Set.of("ml", "admins"), again.groups(), "the same identity refreshes the user");

        for (IdpIdentity stranger : List.of(other, otherSubject)) {
            clock.advance(Duration.ofMinutes(5));
            User refused = users.recordLogin("alice", "Mallory", "mallory@example.com", Set.of("intruders"), stranger);
            assertEquals(again, refused, "another issuer or subject changes nothing and shows the binding");
            assertEquals(Optional.of(again), replica.users().find("alice"));
        }
        assertFalse(users.groups().contains("intruders"), "the refused login's groups were not recorded");

        // An admin unbinds: the next login binds again, whoever brings the name.
        assertTrue(users.unlink("alice"));
        Poll.until(() -> replica.users().find("alice").orElseThrow().identity().isEmpty(), "the replica sees the unbinding");
        assertEquals(Optional.of(otherSubject),
                users.recordLogin("alice", "Alice", "", Set.of("ml"), otherSubject).identity());
        // An admin links to a chosen pair: that pair is accepted from then on, the previous one no more.
        assertTrue(users.link("alice", other));
        assertEquals(Optional.of(other), users.recordLogin("alice", "Alice", "", Set.of("ml"), other).identity());
        // Nothing else changed, only the identity: still refused (the unchanged-login shortcut compares it too).
        assertEquals(Optional.of(other), users.recordLogin("alice", "Alice", "", Set.of("ml"), staff).identity());
        assertEquals(Optional.of(other), users.recordLogin("alice", "Alice", "", Set.of("x"), otherSubject).identity());
        assertEquals(Set.of("ml"), users.find("alice").orElseThrow().groups());
        assertFalse(users.link("nobody", staff));
        assertFalse(users.unlink("nobody"));

        // Logins without an identity (trusted headers, bearer users) neither bind nor unbind.
        users.recordLogin("bob", "", "", Set.of());
        assertEquals(Optional.empty(), users.find("bob").orElseThrow().identity());
        assertEquals(Optional.of(other), users.recordLogin("alice", "", "", Set.of("ml")).identity());
    }

    @Test
    void usersRecordedBeforeBindingMigrateUnboundAndAreBoundAtTheirNextLogin() throws Exception {
        String url = newDatabaseUrl();
        Flyway.configure(Database.class.getClassLoader()).dataSource(url, null, null).locations(Database.MIGRATIONS)
                .table(Database.HISTORY_TABLE).baselineOnMigrate(true).baselineVersion("0").target("2").load().migrate();
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_users (username, display_name, email, "
                     + "disabled, created_at, last_login_at) VALUES ('carol', 'Carol', '', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")) {
            insert.executeUpdate();
        }
        Database db = open(url);
        assertEquals(Optional.empty(), db.users().find("carol").orElseThrow().identity(), "an old row is unbound");
        IdpIdentity carol = new IdpIdentity("https://idp.example", "carol-sub");
        assertEquals(Optional.of(carol), db.users().recordLogin("carol", "Carol", "", Set.of(), carol).identity());
        assertEquals("Carol", db.users().find("carol").orElseThrow().displayName());
    }

    @Test
    void namesWithControlCharactersOrUnpairedSurrogatesAreRefusedWith400OnEveryDatabase() throws Exception {
        Database db = open(newDatabaseUrl());
        for (String bad : List.of("a\u0000b", "line\nbreak", "del\u007f", "c1\u0085", "lone\uD800", "\uDC00tail")) {
            OidcSsoException login = assertThrows(OidcSsoException.class, () -> db.users().recordLogin(bad, "", "", Set.of()), bad);
            assertEquals(400, login.status(), bad);
            assertThrows(PermissionInputException.class, () -> db.permissions().grant(new Grant(Grantee.group(bad), CHURN, READ)), bad);
            assertThrows(PermissionInputException.class, () -> Resource.of(EXPERIMENT, bad), bad);
            assertThrows(PermissionInputException.class, () -> db.permissions().addRule(Grantee.user("alice"), EXPERIMENT, bad, READ, 0), bad);
        }
        // A pair of surrogates is one character (an emoji), and fine.
        db.users().recordLogin("smile\uD83D\uDE00", "", "", Set.of());
        assertTrue(db.users().find("smile\uD83D\uDE00").isPresent());
        // Odd groups and display text from the IdP do not stop a login: groups are ignored, text is cleaned.
        User user = db.users().recordLogin("bob", "Bob\u0000 B.", "bob@example.com\n", Set.of("ml", "bad\u0000group", "lone\uD800"));
        assertEquals(Set.of("ml"), user.groups());
        assertEquals("Bob B.", user.displayName());
        assertEquals("bob@example.com", user.email());
    }

    @Test
    void storedRulesOverTheCostLimitsAreSkippedAtLoad() throws Exception {
        String url = newDatabaseUrl();
        Database db = open(url);
        db.permissions().addRule(Grantee.group("mlflow"), EXPERIMENT, "team-a-.*", READ, 1);
        // Rows an older version accepted: the review's hostile patterns, written around the API.
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_regex_rules (resource_type, grantee_kind, "
                     + "grantee_name, pattern, permission_level, priority, updated_at) VALUES ('experiment', 'group', 'mlflow', ?, 'MANAGE', 0, ?)")) {
            for (String hostile : List.of("(.{0,1000}){1000}x", "((a{1000}){1000}){1000}", "(.?){1000}(.?){1000}x")) {
                insert.setString(1, hostile);
                insert.setObject(2, java.time.OffsetDateTime.now(ZoneOffset.UTC));
                insert.executeUpdate();
            }
        }
        assertEquals(List.of("team-a-.*"), db.permissions().rulesFor(EXPERIMENT).stream().map(rule -> rule.pattern().source()).toList());
        assertEquals(1, db.permissions().rules().size());
        PermissionEvaluator evaluator = new PermissionEvaluator(db.permissions(), PermissionPolicy.defaults(), TYPES);
        assertEquals(READ, evaluator.level(new Actor("bob", Set.of("mlflow"), false), Resource.of(EXPERIMENT, "team-a-" + "x".repeat(400))));
    }

    @Test
    void theDatabaseRefusingDataIsTheRequestsFaultNotAnOutage() {
        assertEquals(400, Jdbc.unavailable("reading", new SQLException("invalid byte sequence", "22021")).status());
        assertEquals(409, Jdbc.unavailable("writing", new SQLException("duplicate key", "23505")).status());
        OidcSsoException outage = Jdbc.unavailable("reading", new SQLException("connection refused", "08001"));
        assertEquals(503, outage.status());
        assertTrue(outage instanceof StoreUnavailableException);
        assertFalse(Jdbc.unavailable("reading", new SQLException("invalid byte sequence 0x00 in 'secret'", "22021"))
                .getMessage().contains("secret"), "driver messages may quote values and stay out of the answer");
    }

    @Test
    void aDisabledUserStaysDisabledAtLoginAndIsRefusedWithAToken() throws Exception {
        Database db = open(newDatabaseUrl());
        db.users().recordLogin("alice", "", "", Set.of());
        IssuedToken token = db.tokens().create("alice");
        assertTrue(db.users().setDisabled("alice", true));
        assertTrue(db.users().recordLogin("alice", "", "", Set.of()).disabled());
        assertEquals(TokenCheck.USER_DISABLED, db.tokens().verify("alice", token.token().reveal()));
        assertTrue(db.users().setDisabled("alice", false));
        assertEquals(TokenCheck.VALID, db.tokens().verify("alice", token.token().reveal()));
        assertFalse(db.users().setDisabled("nobody", true));

        assertTrue(db.users().delete("alice"));
        assertEquals(Optional.empty(), db.users().find("alice"));
        assertEquals(TokenCheck.UNKNOWN, db.tokens().verify("alice", token.token().reveal()));
        assertFalse(db.users().delete("alice"));
    }

    @Test
    void oddLoginDataIsRefusedOrTamedBeforeTheDatabase() throws Exception {
        UserStore users = open(newDatabaseUrl()).users();
        PermissionInputException refused = assertThrows(PermissionInputException.class,
                () -> users.recordLogin("u".repeat(257), "", "", Set.of()));
        assertEquals(400, refused.status());
        User user = users.recordLogin("alice", "A".repeat(600), "", Set.of("ml", "g".repeat(300), " "));
        assertEquals(Set.of("ml"), user.groups());
        assertEquals(512, user.displayName().length());
    }

    // ---- grants and rules -----------------------------------------------------------------------

    @Test
    void grantsAreCreatedChangedListedAndRevoked() throws Exception {
        PermissionStore permissions = open(newDatabaseUrl()).permissions();
        Resource other = Resource.of(EXPERIMENT, "other");
        permissions.grant(new Grant(Grantee.user("alice"), CHURN, READ));
        permissions.grant(new Grant(Grantee.group("ml"), CHURN, EDIT));
        permissions.grant(new Grant(Grantee.user("alice"), other, USE));
        assertEquals(new ResourceGrants(CHURN, Map.of("alice", READ), Map.of("ml", EDIT), Optional.empty()), permissions.grantsOn(CHURN));

        permissions.grant(new Grant(Grantee.user("alice"), CHURN, MANAGE));
        assertEquals(Map.of("alice", MANAGE), permissions.grantsOn(CHURN).users());
        assertEquals(List.of(new Grant(Grantee.user("alice"), other, USE), new Grant(Grantee.user("alice"), CHURN, MANAGE)),
                permissions.grantsTo(Grantee.user("alice")));
        assertEquals(List.of(new Grant(Grantee.user("alice"), other, USE), new Grant(Grantee.group("ml"), CHURN, EDIT),
                new Grant(Grantee.user("alice"), CHURN, MANAGE)).stream().sorted(AbstractStoreContract::byResourceThenGrantee).toList(),
                permissions.grants(EXPERIMENT));
        assertEquals(Map.of(CHURN, permissions.grantsOn(CHURN), other, permissions.grantsOn(other)),
                permissions.grantsOn(List.of(CHURN, other)));

        assertTrue(permissions.revoke(Grantee.group("ml"), CHURN));
        assertFalse(permissions.revoke(Grantee.group("ml"), CHURN));
        assertEquals(Map.of(), permissions.grantsOn(CHURN).groups());
        assertEquals(List.of(), permissions.grants(TYPES.require("registered_model")));
    }

    // ---- paged lists (issue 16) -----------------------------------------------------------------

    @Test
    void usersArePagedAndSearchedByTheDatabase() throws Exception {
        UserStore users = open(newDatabaseUrl()).users();
        users.recordLogin("alice", "Alice", "alice@example.com", Set.of("ml"));
        users.recordLogin("bob", "Bob 100%", "", Set.of());
        users.recordLogin("carol", "Carol", "carol@example.org", Set.of("ml", "admins"));
        users.recordLogin("dave", "Dave", "", Set.of());
        users.recordLogin("erin", "Erin_x", "", Set.of());

        Page<User> first = users.list(Optional.empty(), Optional.empty(), 2);
        assertEquals(List.of("alice", "bob"), first.items().stream().map(User::username).toList());
        assertEquals(Optional.of(List.of("bob")), first.next());
        assertEquals(Set.of("ml"), first.items().get(0).groups(), "groups come with the page");
        Page<User> second = users.list(Optional.empty(), Optional.of("bob"), 2);
        assertEquals(List.of("carol", "dave"), second.items().stream().map(User::username).toList());
        assertEquals(Set.of("ml", "admins"), second.items().get(0).groups());
        Page<User> last = users.list(Optional.empty(), Optional.of("dave"), 2);
        assertEquals(List.of("erin"), last.items().stream().map(User::username).toList());
        assertEquals(Optional.empty(), last.next());

        assertEquals(List.of("carol"), users.list(Optional.of("EXAMPLE.ORG"), Optional.empty(), 10).items().stream()
                .map(User::username).toList(), "search ignores case and reads the e-mail");
        assertEquals(List.of("bob"), users.list(Optional.of("%"), Optional.empty(), 10).items().stream().map(User::username).toList(),
                "a % is searched literally");
        assertEquals(List.of("erin"), users.list(Optional.of("_"), Optional.empty(), 10).items().stream().map(User::username).toList(),
                "so is an underscore");
        assertEquals(List.of("alice", "carol"), users.list(Optional.of("example"), Optional.empty(), 10).items().stream()
                .map(User::username).toList());
    }

    @Test
    void groupsArePagedAndCountedByTheDatabase() throws Exception {
        Database db = open(newDatabaseUrl());
        db.users().recordLogin("alice", "", "", Set.of("ml", "admins"));
        db.users().recordLogin("bob", "", "", Set.of("ml"));
        db.permissions().grant(new Grant(Grantee.group("nobody-yet"), CHURN, READ));
        Page<GroupSize> first = db.users().groupSizes(Optional.empty(), 2);
        assertEquals(List.of(new GroupSize("admins", 1), new GroupSize("ml", 2)), first.items());
        assertEquals(Optional.of(List.of("ml")), first.next());
        Page<GroupSize> second = db.users().groupSizes(Optional.of("ml"), 2);
        assertEquals(List.of(new GroupSize("nobody-yet", 0)), second.items());
        assertEquals(Optional.empty(), second.next());
    }

    @Test
    void grantsArePagedAndFilteredByTheDatabase() throws Exception {
        PermissionStore permissions = open(newDatabaseUrl()).permissions();
        ResourceType model = TYPES.require("registered_model");
        List<Grant> all = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            all.add(new Grant(Grantee.group("ml"), Resource.of(EXPERIMENT, name), READ));
            all.add(new Grant(Grantee.user("alice"), Resource.of(EXPERIMENT, name), EDIT));
            all.add(new Grant(Grantee.user("bob"), Resource.of(EXPERIMENT, name), USE));
        }
        all.add(new Grant(Grantee.user("alice"), Resource.of(model, "a"), MANAGE));
        all.forEach(permissions::grant);

        List<Grant> paged = new ArrayList<>();
        Optional<List<String>> after = Optional.empty();
        int pages = 0;
        do {
            Page<Grant> page = permissions.grants(new GrantQuery(Optional.empty(), Optional.empty(), Optional.empty(), after, 4));
            assertTrue(page.items().size() <= 4);
            paged.addAll(page.items());
            after = page.next();
            pages++;
        } while (after.isPresent());
        assertEquals(3, pages);
        List<Grant> expected = all.stream().sorted(java.util.Comparator.comparing((Grant g) -> g.resource().type().name())
                .thenComparing(g -> g.resource().name()).thenComparing(g -> g.grantee().kind().code())
                .thenComparing(g -> g.grantee().name())).toList();
        assertEquals(expected, paged, "every grant once, in key order");

        Page<Grant> one = permissions.grants(new GrantQuery(Optional.empty(), Optional.of(EXPERIMENT), Optional.of("b"), Optional.empty(), 10));
        assertEquals(List.of(new Grant(Grantee.group("ml"), Resource.of(EXPERIMENT, "b"), READ),
                new Grant(Grantee.user("alice"), Resource.of(EXPERIMENT, "b"), EDIT),
                new Grant(Grantee.user("bob"), Resource.of(EXPERIMENT, "b"), USE)), one.items());
        assertEquals(4, permissions.grants(new GrantQuery(Optional.empty(), Optional.empty(), Optional.of("a"), Optional.empty(), 10))
                .items().size(), "a name alone spans types");
        Page<Grant> alices = permissions.grants(new GrantQuery(Optional.of(Grantee.user("alice")), Optional.of(EXPERIMENT), Optional.empty(),
                Optional.of(List.of("experiment", "a", "user", "alice")), 10));
        assertEquals(List.of("b", "c"), alices.items().stream().map(g -> g.resource().name()).toList());
        assertEquals(Optional.empty(), alices.next());
    }

    @Test
    void oneResourcesGrantsAndBatchesOfNamesAreIndexedLookups() throws Exception {
        String url = newDatabaseUrl();
        PermissionStore permissions = open(url).permissions();
        for (int i = 0; i < 300; i++) {
            permissions.recordCreation(Resource.of(EXPERIMENT, "e-" + i), "alice");
        }
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.createStatement().execute("ANALYZE");
        }
        // The store's batch queries (by name alone) and the one-resource query: the name must be in the
        // index condition, not only in a filter over every row of the type.
        assertIndexedByName(explain(url, "SELECT * FROM oidc_grants WHERE resource_name IN ('e-1', 'e-2', 'e-3')"));
        assertIndexedByName(explain(url, "SELECT * FROM oidc_resources WHERE resource_name IN ('e-1', 'e-2')"));
        assertIndexedByName(explain(url, "SELECT * FROM oidc_grants WHERE resource_type = 'experiment' AND resource_name = 'e-7' "
                + "ORDER BY resource_type, resource_name, grantee_kind, grantee_name"));
    }

    /** H2 names the index condition in a comment after FROM; PostgreSQL in an "Index Cond" line. */
    private static void assertIndexedByName(String plan) {
        assertIndexedBy("resource_name", plan);
    }

    private static void assertIndexedBy(String column, String plan) {
        boolean indexed = java.util.regex.Pattern.compile("/\\*[^*]*" + column).matcher(plan).find()
                || plan.lines().anyMatch(line -> line.contains("index cond") && line.contains(column));
        assertTrue(indexed, plan);
    }

    @Test
    void aPlainUsersListReadsOnlyItsOwnAndItsGroupsGrantsByIndexAndFollowsChanges() throws Exception {
        String url = newDatabaseUrl();
        Database one = open(url);
        Database two = open(url);
        ResourceType model = TYPES.require("registered_model");
        for (int i = 0; i < 200; i++) {
            one.permissions().recordCreation(Resource.of(EXPERIMENT, "e-" + i), "bob");
        }
        one.permissions().grant(new Grant(Grantee.user("alice"), Resource.of(EXPERIMENT, "e-1"), READ));
        one.permissions().grant(new Grant(Grantee.group("ml"), Resource.of(EXPERIMENT, "e-2"), EDIT));
        one.permissions().grant(new Grant(Grantee.group("ml"), Resource.of(EXPERIMENT, "e-3"), NO_PERMISSIONS));
        one.permissions().grant(new Grant(Grantee.group("ops"), Resource.of(EXPERIMENT, "e-3"), READ));
        one.permissions().grant(new Grant(Grantee.user("ml"), Resource.of(EXPERIMENT, "e-4"), MANAGE));
        one.permissions().grant(new Grant(Grantee.group("alice"), Resource.of(EXPERIMENT, "e-5"), MANAGE));
        one.permissions().grant(new Grant(Grantee.user("alice"), Resource.of(model, "e-6"), MANAGE));
        PermissionEvaluator onTwo = new PermissionEvaluator(two.permissions(), PermissionPolicy.defaults(), TYPES);
        Actor alice = new Actor("alice", Set.of("ml", "ops"), false);
        List<String> names = java.util.stream.IntStream.range(0, 200).mapToObj(i -> "e-" + i).toList();
        // A user and a group of the same name are told apart, and so are types; the highest group grant wins.
        assertEquals(List.of("e-1", "e-2", "e-3"), onTwo.readable(alice, EXPERIMENT, names));
        assertEquals(List.of("e-6"), onTwo.readable(alice, model, names));
        for (String name : names) {
            assertEquals(onTwo.level(alice, Resource.of(EXPERIMENT, name)).allows(READ),
                    onTwo.readable(alice, EXPERIMENT, List.of(name)).contains(name), name);
        }

        // The store's query reads by grantee name through an index, not every grant of the type.
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.createStatement().execute("ANALYZE");
        }
        assertIndexedBy("grantee_name", explain(url, "SELECT grantee_kind, grantee_name, resource_type, resource_name, permission_level "
                + "FROM oidc_grants WHERE grantee_name IN ('alice', 'ml', 'ops')"));

        // Changes on the other replica reach the cached list, whoever they are granted to.
        one.permissions().grant(new Grant(Grantee.group("ops"), Resource.of(EXPERIMENT, "e-9"), READ));
        one.permissions().revoke(Grantee.user("alice"), Resource.of(EXPERIMENT, "e-1"));
        two.pollChanges();
        assertEquals(List.of("e-2", "e-3", "e-9"), onTwo.readable(alice, EXPERIMENT, names));
        one.permissions().forgetResource(Resource.of(EXPERIMENT, "e-2"));
        one.permissions().recordCreation(Resource.of(EXPERIMENT, "e-7"), "alice");
        two.pollChanges();
        assertEquals(List.of("e-3", "e-7", "e-9"), onTwo.readable(alice, EXPERIMENT, names));
        // And a change made on the replica itself at once.
        two.permissions().grant(new Grant(Grantee.user("alice"), Resource.of(EXPERIMENT, "e-0"), USE));
        assertEquals(List.of("e-0", "e-3", "e-7", "e-9"), onTwo.readable(alice, EXPERIMENT, names));

        // Warm (its own change read back from the log too), the list needs no database.
        two.pollChanges();
        assertEquals(List.of("e-0", "e-3", "e-7", "e-9"), onTwo.readable(alice, EXPERIMENT, names));
        stopServer();
        try {
            assertEquals(List.of("e-0", "e-3", "e-7", "e-9"), onTwo.readable(alice, EXPERIMENT, names));
        } finally {
            startServer();
        }
    }

    /** The query plan; PostgreSQL is told to avoid a sequential scan, which it prefers on a table of one row. */
    private static String explain(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url)) {
            if (url.startsWith("jdbc:postgresql:")) {
                connection.createStatement().execute("SET enable_seqscan = off");
            }
            StringBuilder plan = new StringBuilder();
            try (ResultSet rows = connection.createStatement().executeQuery("EXPLAIN " + sql)) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            return plan.toString().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Test
    void anUnchangedLoginWritesNoChangeLogRow() throws Exception {
        String url = newDatabaseUrl();
        UserStore users = open(url).users();
        users.recordLogin("alice", "Alice", "a@example.com", Set.of("ml"));
        long afterFirst = changeLogRows(url);
        clock.advance(Duration.ofMinutes(5));
        User again = users.recordLogin("alice", "Alice", "a@example.com", Set.of("ml"));
        assertEquals(afterFirst, changeLogRows(url), "nothing changed");
        assertEquals(clock.instant().truncatedTo(ChronoUnit.MICROS), again.lastLogin(), "the last login still moves");
        assertEquals(Optional.of(again), users.find("alice"));
        users.recordLogin("alice", "Alice", "a@example.com", Set.of("ml", "admins"));
        assertEquals(afterFirst + 1, changeLogRows(url), "a changed group is a change");
    }

    /** What a replica of a version before V9 writes when it records a changed login: the row and the groups, not the digest. */
    private static void recordAsAnOlderVersion(Connection connection, String username, Set<String> groups) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE oidc_users SET display_name = 'Alice', email = 'a@example.com', last_login_at = CURRENT_TIMESTAMP WHERE username = ?")) {
            update.setString(1, username);
            update.executeUpdate();
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM oidc_user_groups WHERE username = ?")) {
            delete.setString(1, username);
            delete.executeUpdate();
        }
        for (String group : groups) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_groups (group_name, created_at) "
                    + "SELECT ?, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM oidc_groups WHERE group_name = ?)")) {
                insert.setString(1, group);
                insert.setString(2, group);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_user_groups (username, group_name) VALUES (?, ?)")) {
                insert.setString(1, username);
                insert.setString(2, group);
                insert.executeUpdate();
            }
        }
    }

    /** A login as Accounts records it: the touch first, the full record when the touch declines. */
    private static void login(UserStore users, Set<String> groups, IdpIdentity identity) {
        if (!users.touchLogin("alice", "Alice", "a@example.com", groups, identity)) {
            users.recordLogin("alice", "Alice", "a@example.com", groups, identity);
        }
    }

    @Test
    void aGroupAnOlderReplicaRecordedIsRemovedAtTheNextLoginWithoutIt() throws Exception {
        String url = newDatabaseUrl();
        IdpIdentity identity = new IdpIdentity("https://idp.example", "alice-sub");
        try (Database db = open(url)) {
            UserStore users = db.users();
            login(users, Set.of("ml"), identity);
            clock.advance(Duration.ofSeconds(1));
            try (Connection older = DriverManager.getConnection(url)) {
                recordAsAnOlderVersion(older, "alice", Set.of("ml", "admins")); // a rolling upgrade, or a rollback
            }
            clock.advance(Duration.ofSeconds(1));
            login(users, Set.of("ml"), identity); // the IdP removed admins
            ((ChangeListener) users).invalidateAll();
            assertEquals(Set.of("ml"), Set.copyOf(users.find("alice").orElseThrow().groups()), "the digest no longer speaks for the row");
            assertTrue(users.touchLogin("alice", "Alice", "a@example.com", Set.of("ml"), identity), "recorded in full once, touched again");
        }
    }

    @Test
    void anUnchangedLoginRacingAChangedOneLeavesNoDigestOfOtherGroups() throws Exception {
        String url = newDatabaseUrl();
        IdpIdentity identity = new IdpIdentity("https://idp.example", "alice-sub");
        try (Database db = open(url)) {
            UserStore users = db.users();
            login(users, Set.of("ml"), identity);
            clock.advance(Duration.ofSeconds(1));
            try (Connection other = DriverManager.getConnection(url)) {
                // Another replica records a changed login {ml, admins} and holds the row until it commits.
                other.setAutoCommit(false);
                try (PreparedStatement update = other.prepareStatement("UPDATE oidc_users SET login_digest = ?, login_digest_at = "
                        + "CURRENT_TIMESTAMP WHERE username = 'alice'")) {
                    update.setString(1, JdbcUserStore.loginDigest("Alice", "a@example.com", new java.util.TreeSet<>(Set.of("ml", "admins"))));
                    update.executeUpdate();
                }
                recordAsAnOlderVersion(other, "alice", Set.of("ml", "admins"));
                // This replica: an unchanged login {ml}, read before the other's commit, written after it.
                java.util.concurrent.CompletableFuture<User> unchanged = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> users.recordLogin("alice", "Alice", "a@example.com", Set.of("ml"), identity));
                Thread.sleep(500);
                other.commit();
                unchanged.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            clock.advance(Duration.ofSeconds(1));
            login(users, Set.of("ml"), identity);
            ((ChangeListener) users).invalidateAll();
            assertEquals(Set.of("ml"), Set.copyOf(users.find("alice").orElseThrow().groups()),
                    "the row's digest describes the row's groups, whichever write came last");
        }
    }

    @Test
    void aReturningUnchangedUserIsTouchedByOneConditionalWriteAndEveryOtherCaseIsRecordedInFull() throws Exception {
        String url = newDatabaseUrl();
        Database db = open(url);
        Database replica = open(url);
        UserStore users = db.users();
        IdpIdentity alice = new IdpIdentity("https://idp.example", "alice-sub");
        assertFalse(users.touchLogin("alice", "Alice", "a@example.com", Set.of("ml"), alice), "an unknown user is recorded in full");
        users.recordLogin("alice", "Alice", "a@example.com", Set.of("ml", "bad\u0000group"), alice);
        long changes = changeLogRows(url);

        clock.advance(Duration.ofMinutes(5));
        assertTrue(users.touchLogin("alice", "Alice", "a@example.com", Set.of("ml", "bad\u0000group"), alice));
        User touched = replica.users().find("alice").orElseThrow();
        assertEquals(clock.instant().truncatedTo(ChronoUnit.MICROS), touched.lastLogin(), "the last login moves");
        assertEquals(Set.of("ml"), touched.groups());
        assertEquals(changes, changeLogRows(url), "and nothing else");

        for (String changed : List.of("name", "email", "groups")) {
            assertFalse(users.touchLogin("alice", changed.equals("name") ? "Alice B." : "Alice",
                    changed.equals("email") ? "b@example.com" : "a@example.com",
                    changed.equals("groups") ? Set.of("ml", "admins") : Set.of("ml"), alice), changed);
        }
        assertFalse(users.touchLogin("alice", "Alice", "a@example.com", Set.of("ml"), new IdpIdentity("https://idp.example", "other")),
                "another identity");
        assertFalse(users.touchLogin("alice", "Alice", "a@example.com", Set.of("ml"), new IdpIdentity("https://other.example", "alice-sub")),
                "another issuer");
        ((dev.oidcsso.store.ChangeListener) replica.users()).invalidateAll();
        assertEquals(touched, replica.users().find("alice").orElseThrow(), "none of these wrote anything");

        // What another replica does to the shared row counts at once, whatever this replica's cache holds.
        users.find("alice");
        assertTrue(replica.users().setDisabled("alice", true));
        assertFalse(users.touchLogin("alice", "Alice", "a@example.com", Set.of("ml"), alice), "a disabled user is recorded in full");
        assertTrue(users.recordLogin("alice", "Alice", "a@example.com", Set.of("ml"), alice).disabled());
        assertTrue(replica.users().setDisabled("alice", false));
        assertTrue(users.touchLogin("alice", "Alice", "a@example.com", Set.of("ml"), alice));
        assertTrue(replica.users().unlink("alice"));
        assertFalse(users.touchLogin("alice", "Alice", "a@example.com", Set.of("ml"), alice), "an unbound user is bound in full");

        // A recorded change moves the digest with it: the changed record is the one a later login matches.
        users.recordLogin("alice", "Alice B.", "a@example.com", Set.of("ml", "admins"), alice);
        assertFalse(users.touchLogin("alice", "Alice", "a@example.com", Set.of("ml"), alice));
        assertTrue(users.touchLogin("alice", "Alice B.", "a@example.com", Set.of("admins", "ml"), alice));
    }

    @Test
    void rowsFromBeforeTheLoginDigestAndUsedLoginStatesSurviveVersion9() throws Exception {
        String url = newDatabaseUrl();
        Flyway.configure(Database.class.getClassLoader()).dataSource(url, null, null).locations(Database.MIGRATIONS)
                .table(Database.HISTORY_TABLE).baselineOnMigrate(true).baselineVersion("0").target("8").load().migrate();
        Instant until = clock.instant().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MICROS);
        try (Connection connection = DriverManager.getConnection(url)) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_users (username, display_name, email, "
                    + "disabled, created_at, last_login_at, idp_issuer, idp_subject) VALUES ('carol', 'Carol', '', FALSE, "
                    + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'https://idp.example', 'carol-sub')")) {
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO oidc_used_login_states (state_hash, used_until) VALUES (?, ?)")) {
                insert.setString(1, new TokenHasher(new java.security.SecureRandom()).hashHex("state-before-v9"));
                Jdbc.setInstant(insert, 2, until);
                insert.executeUpdate();
            }
        }
        Database db = open(url);
        assertFalse(db.callbacks().firstUse("state-before-v9", until), "a login completed before the upgrade stays used");
        assertTrue(db.callbacks().firstUse("state-after-v9", until));
        assertFalse(db.callbacks().firstUse("state-after-v9", until));
        IdpIdentity carol = new IdpIdentity("https://idp.example", "carol-sub");
        assertFalse(db.users().touchLogin("carol", "Carol", "", Set.of(), carol), "an old row has no digest: recorded in full");
        db.users().recordLogin("carol", "Carol", "", Set.of(), carol);
        assertTrue(db.users().touchLogin("carol", "Carol", "", Set.of(), carol), "and unchanged from then on");
    }

    private static long changeLogRows(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             ResultSet row = connection.createStatement().executeQuery("SELECT COUNT(*) FROM oidc_change_log")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static int byResourceThenGrantee(Grant a, Grant b) {
        int byName = a.resource().name().compareTo(b.resource().name());
        return byName != 0 ? byName : a.grantee().kind().code().compareTo(b.grantee().kind().code());
    }

    @Test
    void rulesAreAddedOrderedChangedAndDeleted() throws Exception {
        PermissionStore permissions = open(newDatabaseUrl()).permissions();
        RegexRule broad = permissions.addRule(Grantee.group("ml"), EXPERIMENT, "team-.*", READ, 20);
        RegexRule narrow = permissions.addRule(Grantee.user("alice"), EXPERIMENT, "team-a/.*", EDIT, 10);
        assertNotEquals(broad.id(), narrow.id());
        assertEquals(List.of(narrow, broad), permissions.rulesFor(EXPERIMENT));
        assertEquals(List.of(), permissions.rulesFor(TYPES.require("registered_model")));

        RegexRule changed = permissions.updateRule(broad.id(), "team-b/.*", USE, 5).orElseThrow();
        assertEquals(List.of(changed, narrow), permissions.rulesFor(EXPERIMENT));
        assertEquals("team-b/.*", changed.pattern().source());
        assertEquals(Optional.empty(), permissions.updateRule(999_999, ".*", READ, 1));

        assertTrue(permissions.deleteRule(narrow.id()));
        assertFalse(permissions.deleteRule(narrow.id()));
        assertEquals(List.of(changed), permissions.rules());
    }

    @Test
    void badPatternsAreRefusedWith400AndNothingIsStored() throws Exception {
        PermissionStore permissions = open(newDatabaseUrl()).permissions();
        PermissionInputException invalid = assertThrows(PermissionInputException.class,
                () -> permissions.addRule(Grantee.user("alice"), EXPERIMENT, "team-(a", READ, 1));
        assertEquals(400, invalid.status());
        PermissionInputException tooLong = assertThrows(PermissionInputException.class,
                () -> permissions.addRule(Grantee.user("alice"), EXPERIMENT, "a".repeat(513), READ, 1));
        assertEquals(400, tooLong.status());
        assertEquals(List.of(), permissions.rules());
    }

    @Test
    void theCreatorGetsManageAndForgettingTheResourceClearsIt() throws Exception {
        Database db = open(newDatabaseUrl());
        PermissionEvaluator evaluator = new PermissionEvaluator(db.permissions(), PermissionPolicy.defaults(), TYPES);
        Actor alice = new Actor("alice", Set.of(), false);
        assertEquals(NO_PERMISSIONS, evaluator.level(alice, CHURN));
        db.permissions().recordCreation(CHURN, "alice");
        assertEquals(new Decision(MANAGE, Decision.Basis.USER), evaluator.decide(alice, CHURN));
        assertEquals(Optional.of("alice"), db.permissions().grantsOn(CHURN).creator());

        db.permissions().forgetResource(CHURN);
        assertEquals(ResourceGrants.none(CHURN), db.permissions().grantsOn(CHURN));
        assertEquals(NO_PERMISSIONS, evaluator.level(alice, CHURN));
    }

    @Test
    void theDecisionOverTheStoreFollowsTheConfiguredOrder() throws Exception {
        Database db = open(newDatabaseUrl());
        PermissionStore permissions = db.permissions();
        permissions.grant(new Grant(Grantee.user("alice"), CHURN, READ));
        permissions.grant(new Grant(Grantee.group("analysts"), CHURN, USE));
        permissions.grant(new Grant(Grantee.group("ml"), CHURN, EDIT));
        permissions.addRule(Grantee.user("alice"), EXPERIMENT, "team-a/.*", MANAGE, 1);
        Actor alice = new Actor("alice", Set.of("analysts", "ml"), false);
        Map<List<PermissionSource>, Decision> expected = Map.of(
                PermissionPolicy.DEFAULT_ORDER, new Decision(READ, Decision.Basis.USER),
                List.of(PermissionSource.GROUP, PermissionSource.USER), new Decision(EDIT, Decision.Basis.GROUP),
                List.of(PermissionSource.REGEX, PermissionSource.USER), new Decision(MANAGE, Decision.Basis.REGEX),
                List.of(PermissionSource.GROUP_REGEX), new Decision(NO_PERMISSIONS, Decision.Basis.DEFAULT));
        expected.forEach((order, decision) -> assertEquals(decision, new PermissionEvaluator(permissions,
                new PermissionPolicy(order, NO_PERMISSIONS), TYPES).decide(alice, CHURN), order.toString()));
        PermissionEvaluator evaluator = new PermissionEvaluator(permissions, PermissionPolicy.defaults(), TYPES);
        assertEquals(List.of("team-a/churn", "team-a/other"),
                evaluator.readable(alice, EXPERIMENT, List.of("team-a/churn", "team-b/x", "team-a/other")));
    }

    // ---- tokens ---------------------------------------------------------------------------------

    @Test
    void tokensVerifyAndANewOneReplacesTheOldAtOnce() throws Exception {
        String url = newDatabaseUrl();
        Database db = open(url);
        db.users().recordLogin("alice", "", "", Set.of());
        db.users().recordLogin("bob", "", "", Set.of());
        TokenStore tokens = db.tokens();
        IssuedToken first = tokens.create("alice");
        String plaintext = first.token().reveal();
        assertEquals(43, plaintext.length(), "256 bits, base64url");
        assertEquals(Optional.empty(), first.expiresAt());
        assertFalse(first.toString().contains(plaintext));
        assertEquals(TokenCheck.VALID, tokens.verify("alice", plaintext));
        assertEquals(TokenCheck.WRONG, tokens.verify("alice", plaintext.substring(1) + "x"));
        assertEquals(TokenCheck.UNKNOWN, tokens.verify("bob", plaintext), "bob has no token yet");
        assertEquals(Optional.of(new TokenInfo("alice", first.createdAt(), Optional.empty())), tokens.find("alice"));

        IssuedToken second = tokens.create("alice");
        assertEquals(TokenCheck.WRONG, tokens.verify("alice", plaintext), "the previous token is dead at once");
        assertEquals(TokenCheck.VALID, tokens.verify("alice", second.token().reveal()));

        // An administrator rotating bob's token uses the same call.
        IssuedToken bobs = tokens.create("bob");
        assertEquals(TokenCheck.VALID, tokens.verify("bob", bobs.token().reveal()));
        assertEquals(TokenCheck.WRONG, tokens.verify("bob", second.token().reveal()));

        assertTrue(tokens.delete("alice"));
        assertEquals(TokenCheck.UNKNOWN, tokens.verify("alice", second.token().reveal()));
        assertFalse(tokens.delete("alice"));

        // Only the hash is stored.
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement select = connection.prepareStatement("SELECT token_hash FROM oidc_access_tokens WHERE username = 'bob'");
             ResultSet row = select.executeQuery()) {
            assertTrue(row.next());
            String stored = row.getString(1);
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bobs.token().reveal().getBytes(UTF_8))),
                    stored);
            assertFalse(stored.contains(bobs.token().reveal()));
        }
    }

    @Test
    void aRotationReplacesOnlyTheTokenItPresentsEvenWhereACacheStillAcceptsADeletedOne() throws Exception {
        String url = newDatabaseUrl();
        try (Database first = open(url); Database second = open(url)) {
            first.users().recordLogin("alice", "", "", Set.of());
            String original = first.tokens().create("alice").token().reveal();
            assertEquals(TokenCheck.VALID, second.tokens().verify("alice", original), "the second replica caches it");

            IssuedToken rotated = second.tokens().rotate("alice", original, Optional.empty()).orElseThrow();
            assertEquals(TokenCheck.VALID, first.tokens().verify("alice", rotated.token().reveal()));
            assertEquals(Optional.empty(), first.tokens().rotate("alice", original, Optional.empty()), "the replaced token rotates no more");

            // Deleted on the first replica (signed out everywhere) while the second may still accept the token from its cache.
            assertEquals(TokenCheck.VALID, second.tokens().verify("alice", rotated.token().reveal()));
            assertTrue(first.tokens().delete("alice"));
            assertEquals(Optional.empty(), second.tokens().rotate("alice", rotated.token().reveal(), Optional.empty()),
                    "the store, not the cache, decides");
            assertTrue(first.tokens().find("alice").isEmpty(), "and no token is left behind");

            String older = first.tokens().create("alice").token().reveal();
            String newer = first.tokens().create("alice").token().reveal();
            assertFalse(second.tokens().delete("alice", older), "a token replaced meanwhile is not the one deleted");
            assertEquals(TokenCheck.VALID, first.tokens().verify("alice", newer), "the newer one stays");
            assertTrue(second.tokens().delete("alice", newer));
            assertTrue(second.tokens().find("alice").isEmpty(), "deleted (the first replica hears of it at its next poll)");

            String again = first.tokens().create("alice").token().reveal();
            java.time.Instant expiry = java.time.Instant.now().plus(java.time.Duration.ofDays(7));
            IssuedToken expiring = second.tokens().rotate("alice", again, Optional.of(expiry)).orElseThrow();
            assertEquals(Optional.of(Jdbc.truncate(expiry)), expiring.expiresAt());
            OidcSsoException past = assertThrows(OidcSsoException.class,
                    () -> second.tokens().rotate("alice", expiring.token().reveal(), Optional.of(java.time.Instant.now().minusSeconds(5))));
            assertEquals(400, past.status());
        }
    }

    @Test
    void unknownUsersGetUnknownAndCannotBeGivenAToken() throws Exception {
        TokenStore tokens = open(newDatabaseUrl()).tokens();
        assertEquals(TokenCheck.UNKNOWN, tokens.verify("nobody", "whatever"));
        OidcSsoException refused = assertThrows(OidcSsoException.class, () -> tokens.create("nobody"));
        assertEquals(404, refused.status());
    }

    @Test
    void expiriesAreAtMostOneYearAheadAndExpiredTokensAreRefused() throws Exception {
        Database db = open(newDatabaseUrl());
        db.users().recordLogin("alice", "", "", Set.of());
        TokenStore tokens = db.tokens();
        Instant now = clock.instant();
        Instant oneYear = now.atOffset(ZoneOffset.UTC).plusYears(1).toInstant().truncatedTo(ChronoUnit.MICROS);

        OidcSsoException tooFar = assertThrows(OidcSsoException.class, () -> tokens.create("alice", oneYear.plusSeconds(1)));
        assertEquals(400, tooFar.status());
        assertTrue(tooFar.getMessage().contains("more than one year ahead"), tooFar.getMessage());
        assertEquals(400, assertThrows(OidcSsoException.class, () -> tokens.create("alice", now.minusSeconds(1))).status());
        assertEquals(Optional.empty(), tokens.find("alice"), "a refused request stores nothing");

        assertEquals(Optional.of(oneYear), tokens.create("alice", oneYear).expiresAt());
        IssuedToken token = tokens.create("alice", now.plus(Duration.ofDays(1)));
        assertEquals(TokenCheck.VALID, tokens.verify("alice", token.token().reveal()));
        clock.advance(Duration.ofDays(1));
        assertEquals(TokenCheck.EXPIRED, tokens.verify("alice", token.token().reveal()));
        assertEquals(TokenCheck.EXPIRED, open(db.settings().jdbcUrl()).tokens().verify("alice", token.token().reveal()),
                "a fresh instance reads the expiry from the database");
    }

    @Test
    void everyVerificationComparesHashesOnceWhateverTheOutcome() throws Exception {
        CountingHasher hasher = new CountingHasher();
        Database db = open(newDatabaseUrl(), hasher);
        db.users().recordLogin("alice", "", "", Set.of());
        db.users().recordLogin("bob", "", "", Set.of());
        IssuedToken alices = db.tokens().create("alice", clock.instant().plus(Duration.ofDays(1)));
        Map<TokenCheck, Runnable> paths = new java.util.LinkedHashMap<>();
        paths.put(TokenCheck.VALID, () -> assertEquals(TokenCheck.VALID, db.tokens().verify("alice", alices.token().reveal())));
        paths.put(TokenCheck.WRONG, () -> assertEquals(TokenCheck.WRONG, db.tokens().verify("alice", "guess")));
        paths.put(TokenCheck.UNKNOWN, () -> assertEquals(TokenCheck.UNKNOWN, db.tokens().verify("mallory", "guess")));
        paths.put(TokenCheck.UNKNOWN, () -> assertEquals(TokenCheck.UNKNOWN, db.tokens().verify("bob", "guess")));
        for (Map.Entry<TokenCheck, Runnable> path : paths.entrySet()) {
            int before = hasher.comparisons.get();
            path.getValue().run();
            assertEquals(before + 1, hasher.comparisons.get(), path.getKey().toString());
        }
        clock.advance(Duration.ofDays(2));
        int before = hasher.comparisons.get();
        assertEquals(TokenCheck.EXPIRED, db.tokens().verify("alice", alices.token().reveal()));
        assertEquals(before + 1, hasher.comparisons.get());
    }

    // ---- replicas -------------------------------------------------------------------------------

    @Test
    void twoReplicasDueAtOnceClaimOneRefreshAndTheLoserReadsTheRotatedToken() throws Exception {
        String url = newDatabaseUrl();
        Database one = open(url);
        Database two = open(url);
        Instant now = clock.instant();
        one.sessions().create(new SessionRecord("bob-session", "bob", "https://idp", "sub-bob", Optional.empty(), List.of(), false,
                now, now.plus(Duration.ofHours(8)), now, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("sealed-refresh-1"), Optional.of(now.plusSeconds(30)), Optional.empty(), 0));
        SessionRecord readByOne = one.sessions().find("bob-session").orElseThrow();
        SessionRecord readByTwo = two.sessions().find("bob-session").orElseThrow();
        assertTrue(readByOne.refreshDueAt(now, Duration.ofMinutes(1)) && readByTwo.refreshDueAt(now, Duration.ofMinutes(1)));

        // Both replicas try to claim the refresh of the version they read, at the same moment.
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<Boolean> first = pool.submit(() -> {
                go.await();
                return one.sessions().claimRefresh("bob-session", readByOne.version(), now.plusSeconds(45));
            });
            java.util.concurrent.Future<Boolean> second = pool.submit(() -> {
                go.await();
                return two.sessions().claimRefresh("bob-session", readByTwo.version(), now.plusSeconds(45));
            });
            go.countDown();
            assertEquals(1, (first.get() ? 1 : 0) + (second.get() ? 1 : 0), "exactly one replica holds the claim");
            Database winner = first.get() ? one : two;
            Database loser = first.get() ? two : one;

            // The loser re-reads: claimed elsewhere, so not due for it.
            SessionRecord claimed = loser.sessions().find("bob-session").orElseThrow();
            assertEquals(1, claimed.version());
            assertFalse(claimed.refreshDueAt(now, Duration.ofMinutes(1)), "a claimed refresh is left alone");
            assertFalse(loser.sessions().claimRefresh("bob-session", claimed.version() - 1, now.plusSeconds(45)));

            // The winner records the rotated token; a stale write of the loser changes nothing.
            assertTrue(winner.sessions().refreshed("bob-session", 1, Optional.of("sealed-refresh-2"), Optional.of(now.plusSeconds(300)),
                    Optional.empty(), List.of(), false));
            assertFalse(loser.sessions().refreshed("bob-session", 1, Optional.of("sealed-refresh-x"), Optional.of(now.plusSeconds(300)),
                    Optional.empty(), List.of(), false));
            SessionRecord after = loser.sessions().find("bob-session").orElseThrow();
            assertEquals(Optional.of("sealed-refresh-2"), after.sealedRefreshToken());
            assertEquals(2, after.version());
            assertTrue(after.refreshClaimedUntil().isEmpty());
            assertFalse(after.refreshDueAt(now, Duration.ofMinutes(1)));

            // An ended session cannot be claimed, and keeps no refresh token.
            one.sessions().end("bob-session", now, "logout");
            assertFalse(two.sessions().claimRefresh("bob-session", 2, now.plusSeconds(45)));
            assertTrue(two.sessions().find("bob-session").orElseThrow().sealedRefreshToken().isEmpty());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anErrorInsideAUnitRollsTheUnitBackAndTheNextUnitCommits() throws Exception {
        Database db = open(newDatabaseUrl());
        // An Error is no exception the unit catches as a failure; it must still leave nothing stored.
        assertThrows(AssertionError.class, () -> db.atomically(() -> {
            db.users().recordLogin("zed", "", "", Set.of("ml"));
            throw new AssertionError("a bug in the middle of a login");
        }));
        assertTrue(db.users().find("zed").isEmpty(), "nothing of the failed unit is stored");
        db.atomically(() -> db.users().recordLogin("zed", "", "", Set.of("ml")));
        assertEquals(Set.of("ml"), db.users().find("zed").orElseThrow().groups());
    }

    @Test
    void aRefusalUnderAStaleClaimDoesNotEndASessionAnotherReplicaRefreshed() throws Exception {
        String url = newDatabaseUrl();
        Database one = open(url);
        Database two = open(url);
        Instant now = clock.instant();
        one.sessions().create(new SessionRecord("carol-session", "carol", "https://idp", "sub-carol", Optional.empty(), List.of(),
                false, now, now.plus(Duration.ofHours(8)), now, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("sealed-refresh-1"), Optional.of(now.plusSeconds(30)), Optional.empty(), 0));
        List<String> endedOnOne = new java.util.concurrent.CopyOnWriteArrayList<>();
        one.sessions().onEnded(endedOnOne::add);

        // Replica one claims (version 0 -> 1) and stalls past its lease; replica two claims the next
        // version and records a rotated token (1 -> 2 -> 3).
        assertTrue(one.sessions().claimRefresh("carol-session", 0, now.plusSeconds(45)));
        assertTrue(two.sessions().claimRefresh("carol-session", 1, now.plusSeconds(45)));
        assertTrue(two.sessions().refreshed("carol-session", 2, Optional.of("sealed-refresh-2"), Optional.of(now.plusSeconds(300)),
                Optional.empty(), List.of(), false));

        // Replica one's IdP refuses the token two already spent: its end, under the stale claim, ends nothing.
        assertFalse(one.sessions().endClaimed("carol-session", 1, now, "refresh-refused"));
        SessionRecord after = two.sessions().find("carol-session").orElseThrow();
        assertTrue(after.endedAt().isEmpty(), "the session another replica refreshed stays active");
        assertEquals(Optional.of("sealed-refresh-2"), after.sealedRefreshToken());
        assertTrue(endedOnOne.isEmpty(), "no ended event for a session that was not ended");

        // Under the current claim, a refusal ends it, once, and drops its refresh token.
        assertTrue(two.sessions().claimRefresh("carol-session", 3, now.plusSeconds(45)));
        assertTrue(two.sessions().endClaimed("carol-session", 4, now, "refresh-refused"));
        assertFalse(two.sessions().endClaimed("carol-session", 4, now, "refresh-refused"), "an ended session is not ended twice");
        SessionRecord ended = one.sessions().find("carol-session").orElseThrow();
        assertEquals(Optional.of("refresh-refused"), ended.endCause());
        assertTrue(ended.sealedRefreshToken().isEmpty());
    }

    @Test
    void aLogoutATokenRotationAndARevokedGrantReachTheOtherReplicaWithinASecond() throws Exception {
        String url = newDatabaseUrl();
        Database one = open(url);
        Database two = open(url);
        one.users().recordLogin("alice", "", "", Set.of("ml"));
        IssuedToken token = one.tokens().create("alice");
        one.permissions().grant(new Grant(Grantee.group("ml"), CHURN, EDIT));
        PermissionEvaluator onTwo = new PermissionEvaluator(two.permissions(), PermissionPolicy.defaults(), TYPES);
        Actor alice = new Actor("alice", Set.of("ml"), false);

        one.sessions().create(new SessionRecord("alice-session", "alice", "https://idp", "sub-alice", Optional.empty(), List.of(),
                false, clock.instant(), clock.instant().plus(Duration.ofHours(8)), clock.instant(), Optional.empty(), Optional.empty(),
                Optional.empty()));
        List<String> endedOnTwo = new java.util.concurrent.CopyOnWriteArrayList<>();
        two.sessions().onEnded(endedOnTwo::add);

        // Replica two answers from a warm cache.
        assertEquals(TokenCheck.VALID, two.tokens().verify("alice", token.token().reveal()));
        assertEquals(EDIT, onTwo.level(alice, CHURN));

        one.sessions().end("alice-session", clock.instant(), "logout");
        IssuedToken rotated = one.tokens().create("alice");
        one.permissions().revoke(Grantee.group("ml"), CHURN);
        // One read of the change log is all replica two needs (its poller may have read it already):
        // so a change reaches every replica within one poll interval, 250 ms by default.
        two.pollChanges();
        assertTrue(endedOnTwo.contains("alice-session"));
        assertTrue(two.sessions().find("alice-session").orElseThrow().endedAt().isPresent());
        assertEquals(TokenCheck.WRONG, two.tokens().verify("alice", token.token().reveal()));
        assertEquals(NO_PERMISSIONS, onTwo.level(alice, CHURN));
        assertEquals(TokenCheck.VALID, two.tokens().verify("alice", rotated.token().reveal()));

        // And the other way round, for a new grant and a disabled user.
        two.permissions().grant(new Grant(Grantee.user("alice"), CHURN, READ));
        two.users().setDisabled("alice", true);
        PermissionEvaluator onOne = new PermissionEvaluator(one.permissions(), PermissionPolicy.defaults(), TYPES);
        // Without a hand-made poll: the background poller delivers by itself.
        Poll.until(() -> onOne.level(alice, CHURN) == READ
                && one.tokens().verify("alice", rotated.token().reveal()) == TokenCheck.USER_DISABLED,
                "the grant and the disabled user reaching replica one");
    }

    // ---- sessions -----------------------------------------------------------------------------------

    /** A replica's session manager over one database's session store. */
    private dev.oidcsso.session.SessionManager sessionsOn(Database db) {
        dev.oidcsso.crypto.SealingKey key = dev.oidcsso.crypto.SealingKey.fromSecret(
                dev.oidcsso.config.Secret.of("0123456789abcdef0123456789abcdef"));
        return new dev.oidcsso.session.SessionManager(new dev.oidcsso.session.SessionCodec(key, new java.security.SecureRandom()),
                db.sessions(), new dev.oidcsso.crypto.Sealer(key, "session-id-token"), new dev.oidcsso.http.CookieScope(Optional.empty()),
                Duration.ofHours(8), Duration.ofMinutes(30), clock, Runnable::run);
    }

    private static dev.oidcsso.http.WebRequest withSession(dev.oidcsso.session.Session session) {
        return dev.oidcsso.testing.TestRequest.get("/").withCookieLines(dev.oidcsso.session.SessionManager.COOKIE + "=" + session.id());
    }

    @Test
    void aSessionRemembersTheIdpItSignedInWithOnEveryReplica() throws Exception {
        String url = newDatabaseUrl();
        var onOne = sessionsOn(open(url));
        var onTwo = sessionsOn(open(url));
        var viaPartners = onOne.start(new dev.oidcsso.session.SessionManager.SignIn("pat", List.of("partners"), false,
                "https://partners.example", "sub-pat", Optional.empty(), Optional.of("h.p.s"), "partners"));
        var unnamed = onOne.start(new dev.oidcsso.session.SessionManager.SignIn("alice", List.of("ml"), false,
                "https://idp.example", "sub-alice", Optional.empty(), Optional.empty()));
        assertEquals(Optional.of("partners"), onTwo.idp(viaPartners), "read back from the store's idp_name (V7)");
        assertEquals(Optional.empty(), onTwo.idp(unnamed), "a session that names no IdP means the first one");
    }

    @Test
    void aSessionStartedOnOneReplicaIsReadEndedAndTimedOutOnTheOther() throws Exception {
        String url = newDatabaseUrl();
        Database one = open(url);
        Database two = open(url);
        var onOne = sessionsOn(one);
        var onTwo = sessionsOn(two);
        var alice = onOne.start(new dev.oidcsso.session.SessionManager.SignIn("alice", List.of("ml"), false,
                "https://idp.example", "sub-alice", Optional.of("idp-sid-1"), Optional.of("header.payload.signature")));
        assertEquals("alice", onTwo.read(withSession(alice)).orElseThrow().username());
        assertEquals(Optional.of("header.payload.signature"), onTwo.idToken(alice), "the ID token is kept sealed on the server");
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement select = connection.prepareStatement("SELECT id_hash, id_token FROM oidc_sessions");
             ResultSet row = select.executeQuery()) {
            assertTrue(row.next());
            assertFalse(alice.id().contains(row.getString(1)), "only a hash of the id is stored");
            assertFalse(row.getString(2).contains("payload"), "the ID token is stored sealed");
        }

        // Activity seen by replica two keeps the session alive on replica one, whose cache says idle.
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofMinutes(20));
            assertTrue(onTwo.read(withSession(alice)).isPresent());
        }
        assertTrue(onOne.read(withSession(alice)).isPresent());

        // Ended by a back-channel logout on replica one: replica two refuses it after one poll.
        assertEquals(1, onOne.endAtIdp("https://idp.example", Optional.of("idp-sid-1"), Optional.empty()));
        two.pollChanges();
        assertTrue(onTwo.read(withSession(alice)).isEmpty());

        // Every session of a user, ended on replica two; and idleness on both.
        var bob1 = onOne.start("bob", List.of("ml"), false, Optional.empty());
        var bob2 = onTwo.start("bob", List.of("ml"), false, Optional.empty());
        var carol = onOne.start("carol", List.of("ml"), false, Optional.empty());
        assertTrue(onTwo.read(withSession(bob1)).isPresent());
        assertTrue(onOne.read(withSession(bob2)).isPresent());
        assertEquals(2, onTwo.endAllOf("bob", "admin"));
        one.pollChanges();
        assertTrue(onOne.read(withSession(bob1)).isEmpty());
        assertTrue(onOne.read(withSession(bob2)).isEmpty());
        assertTrue(onTwo.read(withSession(carol)).isPresent());
        clock.advance(Duration.ofMinutes(31));
        assertTrue(onTwo.read(withSession(carol)).isEmpty(), "idle for longer than the idle timeout");
        assertTrue(onOne.read(withSession(carol)).isEmpty());
        assertEquals(List.of(), one.sessions().activeOf("carol", clock.instant()));
    }

    @Test
    void disablingAUserSetsNotBeforeWhichReEnablingKeeps() throws Exception {
        Database db = open(newDatabaseUrl());
        db.users().recordLogin("alice", "", "", Set.of("ml"));
        assertEquals(Optional.empty(), db.users().find("alice").orElseThrow().notBefore());
        clock.advance(Duration.ofMinutes(1));
        Instant disabledAt = clock.instant();
        assertTrue(db.users().setDisabled("alice", true));
        assertTrue(db.users().setDisabled("alice", false));
        User alice = db.users().find("alice").orElseThrow();
        assertFalse(alice.disabled());
        assertEquals(Optional.of(disabledAt.truncatedTo(ChronoUnit.MICROS)), alice.notBefore());
    }

    @Test
    void aPollerThatStalledLongerThanHalfTheRetentionDropsItsCaches() throws Exception {
        Database db = open(newDatabaseUrl());
        java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
        db.addChangeListener(new ChangeListener() {
            @Override
            public void changed(Change change) {
                // not counted here
            }

            @Override
            public void invalidateAll() {
                dropped.incrementAndGet();
            }
        });
        db.pollChanges();
        int before = dropped.get();
        clock.advance(ChangePoller.CHANGE_LOG_RETENTION.dividedBy(2).minusSeconds(1));
        db.pollChanges();
        assertEquals(before, dropped.get(), "a poll within half the retention trusts its cursor");
        clock.advance(ChangePoller.CHANGE_LOG_RETENTION.dividedBy(2).plusSeconds(1));
        db.pollChanges();
        assertTrue(dropped.get() > before, "after a stall rows may have been pruned unseen: caches are dropped");
    }

    @Test
    void changesCommittedOutOfIdOrderAreStillDelivered() throws Exception {
        String url = newDatabaseUrl();
        Database db = open(url);
        List<Change> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        db.addChangeListener(new ChangeListener() {
            @Override
            public void changed(Change change) {
                seen.add(change);
            }

            @Override
            public void invalidateAll() {
                // not expected here
            }
        });
        db.users().recordLogin("alice", "", "", Set.of());
        db.pollChanges();
        assertEquals(1, seen.size(), "the login, delivered by this poll or by the background poller before it");
        long last = seen.get(0).id();
        // Simulate two transactions: the one holding id last+2 commits first, the one holding last+1 after a poll.
        insertChange(url, last + 2, "session", "second");
        db.pollChanges();
        insertChange(url, last + 1, "session", "first");
        db.pollChanges();
        assertEquals(List.of(ChangeKind.USER + ":alice", "SESSION:second", "SESSION:first"),
                seen.stream().map(change -> change.kind() + ":" + change.key()).toList());
        db.pollChanges();
        assertEquals(3, seen.size(), "nothing is delivered twice");
    }

    @Test
    void theCleanUpPrunesOldChangesUsedLoginStatesAndExpiredOrEndedSessionsOnASchedule() throws Exception {
        String url = newDatabaseUrl();
        Database db = open(url);
        Instant now = clock.instant();
        try (Connection connection = DriverManager.getConnection(url)) {
            insertSession(connection, "expired", now.plus(Duration.ofMinutes(1)), null);
            insertSession(connection, "ended", now.plus(Duration.ofHours(8)), now);
            insertSession(connection, "live", now.plus(Duration.ofHours(8)), null);
            insertSession(connection, "ended-later", now.plus(Duration.ofHours(8)), now.plus(ChangePoller.CHANGE_LOG_RETENTION));
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO oidc_used_login_states (state_hash, used_until) VALUES (?, ?)")) {
                insert.setString(1, "a".repeat(64));
                Jdbc.setInstant(insert, 2, now.plus(Duration.ofMinutes(1)));
                insert.executeUpdate();
                insert.setString(1, "b".repeat(64));
                Jdbc.setInstant(insert, 2, now.plus(Duration.ofHours(1)));
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO oidc_change_log (kind, item_key, changed_at) VALUES ('user', ?, ?)")) {
                insert.setString(1, "old");
                Jdbc.setInstant(insert, 2, now);
                insert.executeUpdate();
                insert.setString(1, "recent");
                Jdbc.setInstant(insert, 2, now.plus(ChangePoller.CHANGE_LOG_RETENTION));
                insert.executeUpdate();
            }
        }
        db.pollChanges();
        assertEquals(4, count(url, "SELECT COUNT(*) FROM oidc_sessions"), "nothing is due yet");

        // The clean-up runs at most once a minute, with no login needed.
        clock.advance(ChangePoller.CHANGE_LOG_RETENTION.plus(Duration.ofSeconds(30)));
        db.pollChanges();
        assertEquals(List.of("ended-later", "live"), strings(url, "SELECT id_hash FROM oidc_sessions ORDER BY id_hash"),
                "expired sessions and those ended over a minute ago are gone");
        assertEquals(List.of("b".repeat(64)), strings(url, "SELECT state_hash FROM oidc_used_login_states"));
        assertEquals(List.of("recent"), strings(url, "SELECT item_key FROM oidc_change_log"));
    }

    private static void insertSession(Connection connection, String id, Instant expires, Instant ended) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO oidc_sessions (id_hash, username, issuer, subject, "
                + "admin, issued_at, expires_at, last_seen, ended_at) VALUES (?, 'alice', 'https://idp', 'sub', FALSE, ?, ?, ?, ?)")) {
            insert.setString(1, id);
            Jdbc.setInstant(insert, 2, expires.minus(Duration.ofHours(8)));
            Jdbc.setInstant(insert, 3, expires);
            Jdbc.setInstant(insert, 4, expires.minus(Duration.ofHours(8)));
            insert.setObject(5, ended == null ? null : java.time.OffsetDateTime.ofInstant(ended, ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }

    // ---- a login's writes, one transaction ---------------------------------------------------------

    private SessionRecord loginSession(String idHash, String username, String issuer) {
        Instant now = clock.instant();
        return new SessionRecord(idHash, username, issuer, "sub-" + username, Optional.empty(), List.of(), false, now,
                now.plus(Duration.ofHours(8)), now, Optional.of("sealed-id-token"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    private static void assertNothingStoredFor(String url, String username) throws SQLException {
        assertEquals(0, count(url, "SELECT COUNT(*) FROM oidc_users WHERE username = '" + username + "'"), "no user row");
        assertEquals(0, count(url, "SELECT COUNT(*) FROM oidc_user_groups WHERE username = '" + username + "'"), "no group rows");
        assertEquals(0, count(url, "SELECT COUNT(*) FROM oidc_sessions WHERE username = '" + username + "'"), "no session");
        assertEquals(0, count(url, "SELECT COUNT(*) FROM oidc_change_log WHERE item_key = '" + username + "'"),
                "no change announced for what was rolled back");
    }

    @Test
    void aLoginsUserRecordAndSessionAreStoredTogetherOrNotAtAll() throws Exception {
        String url = newDatabaseUrl();
        Database db = open(url);
        Database other = open(url);
        IdpIdentity carol = new IdpIdentity("https://idp", "sub-carol");
        assertTrue(db.users().find("carol").isEmpty(), "known absent, and cached so");

        // The store refuses the session after the user was recorded in the same unit (an issuer wider than
        // its column): the unit fails as the session alone would, and the user's record goes with it.
        OidcSsoException refused = assertThrows(OidcSsoException.class, () -> db.atomically(() -> {
            db.users().recordLogin("carol", "Carol", "carol@example.com", Set.of("staff"), carol);
            db.sessions().create(loginSession("carol-session", "carol", "https://" + "i".repeat(700)));
            return null;
        }));
        assertEquals(400, refused.status(), refused.getMessage());
        assertNothingStoredFor(url, "carol");
        assertTrue(db.users().find("carol").isEmpty(), "the cache holds nothing of the rolled-back record");

        // The login again, with nothing refused: both are visible at once, on this replica and the other.
        User recorded = db.atomically(() -> {
            User user = db.users().recordLogin("carol", "Carol", "carol@example.com", Set.of("staff"), carol);
            db.sessions().create(loginSession("carol-session", "carol", "https://idp"));
            return user;
        });
        assertEquals(Set.of("staff"), recorded.groups());
        assertEquals(Set.of("staff"), db.users().find("carol").orElseThrow().groups(), "the cache learnt the commit");
        assertTrue(other.sessions().find("carol-session").isPresent());
        assertEquals(Optional.of(carol), other.users().find("carol").orElseThrow().identity());

        // An unchanged login touches the last login only, and announces no change.
        long changes = count(url, "SELECT COUNT(*) FROM oidc_change_log WHERE item_key = 'carol'");
        clock.advance(Duration.ofMinutes(5));
        User again = db.atomically(() -> {
            User user = db.users().recordLogin("carol", "Carol", "carol@example.com", Set.of("staff"), carol);
            db.sessions().create(loginSession("carol-session-2", "carol", "https://idp"));
            return user;
        });
        assertEquals(clock.instant().truncatedTo(ChronoUnit.MICROS), again.lastLogin());
        assertEquals(changes, count(url, "SELECT COUNT(*) FROM oidc_change_log WHERE item_key = 'carol'"));
    }

    @Test
    void aDatabaseOutageInTheMiddleOfALoginLeavesNoHalfWrittenLoginAndDoesNotBlockTheNextOne() throws Exception {
        String url = newDatabaseUrl();
        Database db = open(url);
        IdpIdentity dave = new IdpIdentity("https://idp", "sub-dave");
        Instant until = clock.instant().plus(Duration.ofMinutes(10));
        assertTrue(db.callbacks().firstUse("state-of-the-failing-login", until));

        StoreUnavailableException down = assertThrows(StoreUnavailableException.class, () -> db.atomically(() -> {
            db.users().recordLogin("dave", "Dave", "dave@example.com", Set.of("staff"), dave);
            try {
                stopServer();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            db.sessions().create(loginSession("dave-session", "dave", "https://idp"));
            return null;
        }));
        assertEquals(503, down.status());
        startServer();
        Poll.until(db::isAvailable, "the database answering again");
        assertNothingStoredFor(url, "dave");

        // The failed login's response stays used (its code is spent at the IdP anyway); a new login is not blocked.
        assertFalse(db.callbacks().firstUse("state-of-the-failing-login", until), "a replay is still refused");
        assertTrue(db.callbacks().firstUse("state-of-the-next-login", until));
        db.atomically(() -> {
            db.users().recordLogin("dave", "Dave", "dave@example.com", Set.of("staff"), dave);
            db.sessions().create(loginSession("dave-session", "dave", "https://idp"));
            return null;
        });
        assertTrue(db.sessions().find("dave-session").isPresent());
        assertEquals(Set.of("staff"), db.users().find("dave").orElseThrow().groups());
    }

    private static long count(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); ResultSet row = connection.createStatement().executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static List<String> strings(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); ResultSet rows = connection.createStatement().executeQuery(sql)) {
            List<String> result = new ArrayList<>();
            while (rows.next()) {
                result.add(rows.getString(1));
            }
            return result;
        }
    }

    private static void insertChange(String url, long id, String kind, String key) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO oidc_change_log (id, kind, item_key, changed_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")) {
            insert.setLong(1, id);
            insert.setString(2, kind);
            insert.setString(3, key);
            insert.executeUpdate();
        }
    }

    // ---- outage ---------------------------------------------------------------------------------

    @Test
    void anOutageGives503WarmAnswersNeedNoDatabaseAndThePoolRecovers() throws Exception {
        Database db = open(newDatabaseUrl());
        db.users().recordLogin("alice", "", "", Set.of("ml"));
        IssuedToken token = db.tokens().create("alice");
        db.permissions().grant(new Grant(Grantee.group("ml"), CHURN, EDIT));
        PermissionEvaluator evaluator = new PermissionEvaluator(db.permissions(), PermissionPolicy.defaults(), TYPES);
        Actor alice = new Actor("alice", Set.of("ml"), false);
        // Read the changes above now, so that the background poller cannot drop the entries warmed below.
        db.pollChanges();
        // Warm the caches.
        assertEquals(TokenCheck.VALID, db.tokens().verify("alice", token.token().reveal()));
        assertEquals(EDIT, evaluator.level(alice, CHURN));

        stopServer();
        try {
            // The per-request questions are answered from memory: no round trip, so no failure.
            assertEquals(TokenCheck.VALID, db.tokens().verify("alice", token.token().reveal()));
            assertEquals(EDIT, evaluator.level(alice, CHURN));
            assertFalse(db.isAvailable());

            // What needs the database fails with 503, never with a guess.
            StoreUnavailableException read = assertThrows(StoreUnavailableException.class, () -> db.sessions().find("other"));
            assertEquals(503, read.status());
            assertThrows(StoreUnavailableException.class, () -> evaluator.level(alice, Resource.of(EXPERIMENT, "uncached")));
            StoreUnavailableException write = assertThrows(StoreUnavailableException.class,
                    () -> db.permissions().grant(new Grant(Grantee.user("bob"), CHURN, READ)));
            assertEquals(503, write.status());
            assertFalse(write.getMessage().contains("password"));
            assertThrows(StoreUnavailableException.class, db::pollChanges);
        } finally {
            startServer();
        }

        // The pool reconnects by itself; nothing written before the outage is lost.
        Poll.until(Duration.ofSeconds(30), db::isAvailable, "the pool reconnecting");
        db.permissions().grant(new Grant(Grantee.user("bob"), CHURN, READ));
        db.pollChanges();
        assertEquals(Map.of("bob", READ), db.permissions().grantsOn(CHURN).users());
        assertEquals(Map.of("ml", EDIT), db.permissions().grantsOn(CHURN).groups());
        assertEquals(TokenCheck.VALID, db.tokens().verify("alice", token.token().reveal()));
    }

    @Test
    void openingAnUnreachableDatabaseFailsWith503() throws Exception {
        String url = newDatabaseUrl();
        stopServer();
        try {
            StoreUnavailableException refused = assertThrows(StoreUnavailableException.class, () -> open(url));
            assertEquals(503, refused.status());
        } finally {
            startServer();
        }
    }

}
