package dev.oidcsso.benchmarks;

import dev.oidcsso.authz.Actor;
import dev.oidcsso.authz.Grant;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.PermissionEvaluator;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.PermissionPolicy;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.GrantQuery;
import dev.oidcsso.store.Page;
import dev.oidcsso.store.jdbc.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Issue 16 point 6: the costs that must not grow with the data, at the issue's volumes (20 000
 * users, 100 000 grants, 2 000 regular-expression rules over 500 groups, 10 000 resources), on H2
 * and on PostgreSQL. Seeds both with plain JDBC batches, then times through the stores what the
 * admin API and a plain user's list ask: a first and a deep page of every admin list, one
 * resource's grants, and a plain user's readable list of all 10 000 resources, cold then warm.
 * Also counts change-log rows over 1 000 repeated logins (none when nothing changed), and prints
 * the heap (after a full collection, and its peak) and the process's resident memory.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.oidcsso.benchmarks.ListVolumeRun [h2|postgres|both]}.
 * Prints median milliseconds of repeated runs; a timing harness, not a test.
 */
public final class ListVolumeRun {

    static final int USERS = 20_000;
    static final int GROUPS = 500;
    static final int RESOURCES = 10_000;
    static final int GRANTS = 100_000;
    static final int RULES = 2_000;

    /**
     * The calling thread's CPU time is printed beside wall-clock time: on a shared machine the wall
     * clock stretches with everything else that runs. On embedded H2 the database's work runs in the
     * calling thread and is counted; PostgreSQL's runs in its own processes and is not.
     */
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private ListVolumeRun() {
    }

    /**
     * Runs the seeding and the measurements.
     *
     * @param args {@code h2}, {@code postgres} or {@code both} (default)
     * @throws Exception on any failure: this is a harness
     */
    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "both";
        if (!which.equals("postgres")) {
            Path dir = Files.createTempDirectory("oidc-sso-volume");
            run("H2 (file)", StoreSettings.embedded(dir));
        }
        if (!which.equals("h2")) {
            try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(120)).start()) {
                run("PostgreSQL", StoreSettings.forUrl(postgres.getJdbcUrl("postgres", "postgres")));
            }
        }
    }

    private static void run(String label, StoreSettings settings) throws Exception {
        ResourceTypes types = ResourceTypes.of("experiment");
        ResourceType experiment = types.require("experiment");
        try (Database database = Database.open(settings)) {
            long seeding = System.nanoTime();
            try (Connection connection = connect(settings)) {
                seed(connection);
            }
            System.out.printf(Locale.ROOT, "%n== %s: seeded in %.1f s%n", label, (System.nanoTime() - seeding) / 1e9);
            database.users().recordLogin("plain", "Plain User", "", Set.of(group(7)));
            memory("after seeding");

            time("users, first page of 100", () -> database.users().list(Optional.empty(), Optional.empty(), 100));
            time("users, page of 100 after user-15000", () -> database.users().list(Optional.empty(), Optional.of("user-15000"), 100));
            time("users, search 'user-1999' (page of 100)", () -> database.users().list(Optional.of("user-1999"), Optional.empty(), 100));
            time("groups, first page of 100 with counts", () -> database.users().groupSizes(Optional.empty(), 100));
            time("grants, first page of 100", () -> database.permissions().grants(query(Optional.empty(), Optional.empty(), Optional.empty())));
            time("grants?type=, page of 100 after exp-08000", () -> database.permissions().grants(query(Optional.of(experiment),
                    Optional.empty(), Optional.of(List.of("experiment", "exp-08000", "user", "user-00000")))));
            time("grants?type=&name= (one resource)", () -> database.permissions().grants(new GrantQuery(Optional.empty(),
                    Optional.of(experiment), Optional.of("exp-04321"), Optional.empty(), 100)));
            time("rules (all 2 000, cached after the first)", () -> database.permissions().rules());

            Actor plain = new Actor("plain", Set.of(group(7)), false);
            List<String> names = IntStream.range(0, RESOURCES).mapToObj(ListVolumeRun::resource).toList();
            for (int round = 1; round <= 3; round++) {
                // A new instance each round: empty caches, as after a restart.
                try (Database fresh = Database.open(settings)) {
                    PermissionEvaluator evaluator = new PermissionEvaluator(fresh.permissions(), PermissionPolicy.defaults(), types);
                    long cold = System.nanoTime();
                    long coldCpu = THREADS.getCurrentThreadCpuTime();
                    int readable = evaluator.readable(plain, experiment, names).size();
                    System.out.printf(Locale.ROOT, "%-52s %8.1f ms, CPU %6.1f ms (%d readable)%n", "plain user's list of 10 000, cold #" + round,
                            (System.nanoTime() - cold) / 1e6, (THREADS.getCurrentThreadCpuTime() - coldCpu) / 1e6, readable);
                    if (round == 3) {
                        time("plain user's list of 10 000, warm", () -> evaluator.readable(plain, experiment, names));
                        // Another user's grant changes: the caller's cached grants are read again, in one query.
                        time("the same after a grant change elsewhere", () -> {
                            fresh.permissions().grant(new Grant(Grantee.user(user(12_345)), new Resource(experiment, resource(4_321)),
                                    PermissionLevel.READ));
                            return evaluator.readable(plain, experiment, names);
                        });
                    }
                }
            }
            memory("after the lists");

            long before = changeLogRows(settings);
            for (int i = 0; i < 1000; i++) {
                database.users().recordLogin(user(i), "User " + i, "", Set.of(group(i % GROUPS)));
            }
            long after = changeLogRows(settings);
            for (int i = 0; i < 1000; i++) {
                database.users().recordLogin(user(i), "User " + i, "", Set.of(group(i % GROUPS)));
            }
            System.out.printf(Locale.ROOT, "change-log rows: +%d over 1 000 first logins that changed groups, +%d over 1 000 unchanged ones%n",
                    after - before, changeLogRows(settings) - after);
        }
    }

    /** Heap after a full collection, the heap's peak, and the process's resident memory now and at its peak. */
    static void memory(String when) {
        System.gc();
        java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long peak = java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        System.out.printf(Locale.ROOT, "memory %s: heap used after GC %d MB, committed %d MB, peak used %d MB (sum of pools); %s%n", when,
                heap.getUsed() >> 20, heap.getCommitted() >> 20, peak >> 20, residentMemory());
    }

    /** VmRSS and VmHWM from /proc/self/status (Linux), or a note that they are not available. */
    private static String residentMemory() {
        try {
            Map<String, String> status = new java.util.HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    status.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
            return "RSS " + status.get("VmRSS") + ", peak RSS " + status.get("VmHWM");
        } catch (java.io.IOException e) {
            return "RSS not available (" + e.getMessage() + ")";
        }
    }

    private static GrantQuery query(Optional<ResourceType> type, Optional<String> name, Optional<List<String>> after) {
        return new GrantQuery(Optional.empty(), type, name, after, 100);
    }

    private static void time(String what, Supplier<?> action) {
        long[] runs = new long[15];
        long[] cpu = new long[runs.length];
        Object result = null;
        for (int i = 0; i < runs.length; i++) {
            long start = System.nanoTime();
            long startCpu = THREADS.getCurrentThreadCpuTime();
            result = action.get();
            runs[i] = System.nanoTime() - start;
            cpu[i] = THREADS.getCurrentThreadCpuTime() - startCpu;
        }
        long first = runs[0];
        Arrays.sort(runs);
        Arrays.sort(cpu);
        int size = result instanceof Page<?> page ? page.items().size() : result instanceof List<?> list ? list.size() : -1;
        System.out.printf(Locale.ROOT, "%-52s first %7.1f ms, median %7.2f ms, max %7.1f ms, median CPU %7.2f ms (%d items)%n", what,
                first / 1e6, runs[runs.length / 2] / 1e6, runs[runs.length - 1] / 1e6, cpu[cpu.length / 2] / 1e6, size);
    }

    static String user(int i) {
        return String.format(Locale.ROOT, "user-%05d", i);
    }

    static String group(int i) {
        return String.format(Locale.ROOT, "group-%03d", i);
    }

    static String resource(int i) {
        return String.format(Locale.ROOT, "exp-%05d", i);
    }

    static void seed(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        Timestamp now = Timestamp.from(Instant.now());
        batch(connection, "INSERT INTO oidc_groups (group_name, created_at) VALUES (?, ?)", GROUPS, (insert, i) -> {
            insert.setString(1, group(i));
            insert.setTimestamp(2, now);
        });
        batch(connection, "INSERT INTO oidc_users (username, display_name, email, disabled, created_at, last_login_at) "
                + "VALUES (?, ?, ?, FALSE, ?, ?)", USERS, (insert, i) -> {
                    insert.setString(1, user(i));
                    insert.setString(2, "User " + i);
                    insert.setString(3, user(i) + "@example.com");
                    insert.setTimestamp(4, now);
                    insert.setTimestamp(5, now);
                });
        // Each user in two groups.
        batch(connection, "INSERT INTO oidc_user_groups (username, group_name) VALUES (?, ?)", USERS * 2, (insert, i) -> {
            insert.setString(1, user(i / 2));
            insert.setString(2, group((i / 2 + (i % 2) * 250) % GROUPS));
        });
        batch(connection, "INSERT INTO oidc_resources (resource_type, resource_name, created_by, created_at) VALUES ('experiment', ?, ?, ?)",
                RESOURCES, (insert, i) -> {
                    insert.setString(1, resource(i));
                    insert.setString(2, user(i % USERS));
                    insert.setTimestamp(3, now);
                });
        // Ten grants per resource: the creator's MANAGE, then users and groups spread over all.
        batch(connection, "INSERT INTO oidc_grants (resource_type, resource_name, grantee_kind, grantee_name, permission_level, updated_at) "
                + "VALUES ('experiment', ?, ?, ?, ?, ?)", GRANTS, (insert, i) -> {
                    int r = i / 10;
                    int k = i % 10;
                    boolean group = k >= 6;
                    insert.setString(1, resource(r));
                    insert.setString(2, group ? "group" : "user");
                    insert.setString(3, k == 0 ? user(r % USERS) : group ? group((r * 7 + k) % GROUPS) : user((r + k * 3_001) % USERS));
                    insert.setString(4, k == 0 ? "MANAGE" : "READ");
                    insert.setTimestamp(5, now);
                });
        batch(connection, "INSERT INTO oidc_regex_rules (resource_type, grantee_kind, grantee_name, pattern, permission_level, priority, "
                + "updated_at) VALUES ('experiment', 'group', ?, ?, 'READ', ?, ?)", RULES, (insert, i) -> {
                    insert.setString(1, group(i % GROUPS));
                    insert.setString(2, "team-" + i + "-.*");
                    insert.setInt(3, i % 10);
                    insert.setTimestamp(4, now);
                });
        connection.commit();
    }

    private interface Row {
        void bind(PreparedStatement insert, int i) throws SQLException;
    }

    private static void batch(Connection connection, String sql, int count, Row row) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            for (int i = 0; i < count; i++) {
                row.bind(insert, i);
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }

    private static long changeLogRows(StoreSettings settings) throws SQLException {
        try (Connection connection = connect(settings);
             var row = connection.createStatement().executeQuery("SELECT COUNT(*) FROM oidc_change_log")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static Connection connect(StoreSettings settings) throws SQLException {
        return DriverManager.getConnection(settings.jdbcUrl(), settings.user().orElse(null),
                settings.password().map(secret -> secret.reveal()).orElse(null));
    }
}
