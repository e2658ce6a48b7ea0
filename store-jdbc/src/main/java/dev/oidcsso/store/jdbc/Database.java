package dev.oidcsso.store.jdbc;

import dev.oidcsso.config.StoreSettings;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.oidc.CallbackReplayGuard;
import dev.oidcsso.store.ChangeListener;
import dev.oidcsso.store.PermissionStore;
import dev.oidcsso.session.SessionStore;
import dev.oidcsso.store.Store;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.StoreUnavailableException;
import dev.oidcsso.store.TokenStore;
import dev.oidcsso.store.UserStore;
import dev.oidcsso.observe.SsoEvents;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The user database on JDBC: opens a connection pool, migrates the schema, and hands out the stores.
 *
 * <p>Open one per application, give it to the framework, and close it at shutdown:
 * <pre>{@code
 * Database database = Database.open(settings);     // OIDC_USERS_DB_URI, or H2 under OIDC_DATA_DIR
 * OidcSso sso = OidcSso.builder(settings).database(database).build();
 * database.sessions().find(idHash);               // a session cookie's record (the framework caches it)
 * database.tokens().verify(username, token);       // per basic-auth request, from cache
 * }</pre>
 *
 * <p>A background thread polls the change log every {@link StoreSettings#pollInterval()} and drops
 * cached entries that changed on any replica. When the database is unreachable, calls that need it
 * throw {@link StoreUnavailableException} (503); the pool reconnects by itself when it is back.
 */
public final class Database implements Store, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /**
     * The schema's migrations. Deliberately not under {@code db/migration}: Flyway scans its default
     * location recursively, so an application using Flyway with defaults would otherwise pick up our
     * scripts as its own and fail on two "version 1" migrations.
     */
    static final String MIGRATIONS = "classpath:db/oidc-sso";
    /** Flyway's history table for our schema. */
    static final String HISTORY_TABLE = "oidc_schema_history";

    private final StoreSettings settings;
    private final HikariDataSource pool;
    private final JdbcUserStore users;
    private final JdbcPermissionStore permissions;
    private final JdbcTokenStore tokens;
    private final JdbcCallbackReplayGuard callbacks;
    private final JdbcSessionStore sessions;
    private final ChangePoller poller;
    private final ScheduledExecutorService scheduler;

    private Database(StoreSettings settings, HikariDataSource pool, Clock clock, TokenHasher hasher, SsoEvents events) {
        this.settings = settings;
        this.pool = pool;
        Jdbc jdbc = new Jdbc(pool, clock, events);
        this.users = new JdbcUserStore(jdbc, settings);
        this.permissions = new JdbcPermissionStore(jdbc, settings);
        this.tokens = new JdbcTokenStore(jdbc, settings, users, hasher);
        this.callbacks = new JdbcCallbackReplayGuard(jdbc, hasher);
        this.sessions = new JdbcSessionStore(jdbc);
        this.poller = new ChangePoller(jdbc);
        List.<ChangeListener>of(users, permissions, tokens, sessions).forEach(poller::addListener);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "oidc-sso-change-poller");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::pollQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the database named by the settings ({@code OIDC_USERS_DB_URI}, else the embedded H2
     * database under {@code OIDC_DATA_DIR}).
     *
     * @param settings the framework's settings
     * @return the open database
     * @throws dev.oidcsso.config.SettingsException when the store settings are invalid
     * @throws StoreUnavailableException when the database cannot be reached or migrated
     */
    public static Database open(OidcSettings settings) {
        return open(StoreSettings.from(settings));
    }

    /**
     * Opens the database named by the settings, reporting the latency and errors of its calls and
     * its cache hits and misses (for metrics).
     *
     * @param settings the framework's settings
     * @param events   where store calls and cache lookups are reported
     * @return the open database
     * @throws dev.oidcsso.config.SettingsException when the store settings are invalid
     * @throws StoreUnavailableException when the database cannot be reached or migrated
     */
    public static Database open(OidcSettings settings, SsoEvents events) {
        return open(StoreSettings.from(settings), Clock.systemUTC(), new TokenHasher(new SecureRandom()), events);
    }

    /**
     * Opens a database.
     *
     * @param settings the store settings
     * @return the open database
     * @throws StoreUnavailableException when the database cannot be reached or migrated
     */
    public static Database open(StoreSettings settings) {
        return open(settings, Clock.systemUTC());
    }

    /**
     * Opens a database with a given clock (for token expiry and session times; tests use it).
     *
     * @param settings the store settings
     * @param clock    the clock
     * @return the open database
     * @throws StoreUnavailableException when the database cannot be reached or migrated
     */
    public static Database open(StoreSettings settings, Clock clock) {
        return open(settings, clock, new TokenHasher(new SecureRandom()));
    }

    /** Opens a database with a given token hasher: tests count its comparisons. */
    static Database open(StoreSettings settings, Clock clock, TokenHasher hasher) {
        return open(settings, clock, hasher, SsoEvents.NONE);
    }

    private static Database open(StoreSettings settings, Clock clock, TokenHasher hasher, SsoEvents events) {
        createH2Folder(settings);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(poolConfig(settings));
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot connect to the user database at " + settings.safeUrl(), e);
        }
        try {
            Flyway.configure(Database.class.getClassLoader())
                    .dataSource(pool)
                    .locations(MIGRATIONS)
                    .table(HISTORY_TABLE)
                    // The application may keep its own tables in the same schema.
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
            Database database = new Database(settings, pool, clock, hasher, events);
            LOG.info("user database open at {} (pool {}, change poll every {} ms)", settings.safeUrl(), settings.poolSize(),
                    settings.pollInterval().toMillis());
            return database;
        } catch (FlywayException e) {
            pool.close();
            throw new StoreUnavailableException("cannot migrate the user database at " + settings.safeUrl(), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Whether the URL opens H2 in this process without saying when to close it. H2 then closes the
     * database from its own shutdown hook, before the application's hook has stopped the change
     * poller (SQLState 90121 at every stop); {@link #close()} closes it instead, in order.
     */
    private static boolean embeddedH2(String url) {
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        return upper.startsWith("JDBC:H2:") && !upper.startsWith("JDBC:H2:TCP:") && !upper.startsWith("JDBC:H2:SSL:")
                && !upper.contains(";DB_CLOSE_ON_EXIT=");
    }

    private static HikariConfig poolConfig(StoreSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("oidc-sso");
        config.setJdbcUrl(embeddedH2(settings.jdbcUrl()) ? settings.jdbcUrl() + ";DB_CLOSE_ON_EXIT=FALSE" : settings.jdbcUrl());
        settings.user().ifPresent(config::setUsername);
        settings.password().ifPresent(password -> config.setPassword(password.reveal()));
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        long timeout = settings.timeout().toMillis();
        // A request waits at most this long for a connection, then gets 503 rather than hanging.
        config.setConnectionTimeout(timeout);
        config.setValidationTimeout(Math.max(250, Math.min(1000, timeout - 1)));
        config.setInitializationFailTimeout(timeout);
        if (settings.isPostgres()) {
            long seconds = Math.max(1, settings.timeout().toSeconds());
            config.addDataSourceProperty("connectTimeout", Long.toString(seconds));
            // A query on a dead or partitioned server fails instead of blocking a request thread forever.
            config.addDataSourceProperty("socketTimeout", "30");
            config.addDataSourceProperty("tcpKeepAlive", "true");
            config.addDataSourceProperty("ApplicationName", "oidc-sso");
        }
        return config;
    }

    private static void createH2Folder(StoreSettings settings) {
        String prefix = "jdbc:h2:file:";
        if (settings.jdbcUrl().startsWith(prefix)) {
            String file = settings.jdbcUrl().substring(prefix.length()).split(";", 2)[0];
            Path parent = Path.of(file).toAbsolutePath().getParent();
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot create the data folder " + parent + " for the embedded database; set "
                        + StoreSettings.DATA_DIR + " to a writable folder", new SQLException(e));
            }
        }
    }

    /**
     * Users and groups.
     *
     * @return the user store
     */
    @Override
    public UserStore users() {
        return users;
    }

    /**
     * Grants, rules and resource creators; also the {@link dev.oidcsso.authz.PermissionData} of the
     * permission decision.
     *
     * @return the permission store
     */
    @Override
    public PermissionStore permissions() {
        return permissions;
    }

    /**
     * Personal access tokens.
     *
     * @return the token store
     */
    @Override
    public TokenStore tokens() {
        return tokens;
    }

    /**
     * Browser sessions, shared by every replica.
     *
     * @return the session store
     */
    @Override
    public SessionStore sessions() {
        return sessions;
    }

    /**
     * The completed logins, so that a replayed callback is refused by every replica.
     *
     * @return the guard
     */
    @Override
    public CallbackReplayGuard callbacks() {
        return callbacks;
    }

    /**
     * The connection pool, for an application that keeps its own tables in the same database (the
     * schema history of oidc-sso is {@code oidc_schema_history}; other tables are left alone). Do not
     * close it: {@link #close()} does.
     *
     * @return the pooled data source
     */
    public javax.sql.DataSource dataSource() {
        return pool;
    }

    /**
     * The settings this database was opened with.
     *
     * @return the settings
     */
    public StoreSettings settings() {
        return settings;
    }

    /**
     * Registers a listener for changes made on any replica, for example a session cache kept
     * elsewhere.
     *
     * @param listener the listener, called on the poller thread
     */
    @Override
    public void addChangeListener(ChangeListener listener) {
        poller.addListener(listener);
    }

    /**
     * Polls the change log now instead of waiting for the next scheduled poll.
     *
     * @return how many changes were delivered
     * @throws StoreUnavailableException when the database cannot be read
     */
    public int pollChanges() {
        return poller.poll();
    }

    /**
     * Whether the database answers now, for a readiness probe.
     *
     * @return true when a pooled connection is valid
     */
    @Override
    public boolean isAvailable() {
        try (Connection connection = pool.getConnection()) {
            return connection.isValid(Math.max(1, (int) settings.timeout().toSeconds()));
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Stops polling and closes the pool. The stores fail with {@link StoreUnavailableException} afterwards.
     */
    @Override
    public void close() {
        // No interrupt: a poll under way finishes first (interrupting H2's file I/O closes the
        // database under the poller), and the pool closes only after the poller has stopped.
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(2, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        pool.close();
    }

    private void pollQuietly() {
        try {
            poller.poll();
        } catch (StoreUnavailableException e) {
            // Logged once by the poller; the next poll tries again.
        } catch (RuntimeException e) {
            LOG.error("change log poll failed", e);
        }
    }
}
