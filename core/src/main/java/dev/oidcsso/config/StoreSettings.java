package dev.oidcsso.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the user database is and how it is used: the JDBC URL, credentials, pool size, timeouts,
 * how often the change log is polled, and the caches' bounds. The store's settings group, parsed
 * with every other group in one pass ({@link OidcSettings#store()}) whether or not the application
 * opens a store, so that a typo in it is reported at the first start.
 *
 * @param jdbcUrl         the JDBC URL ({@code jdbc:postgresql://...} or {@code jdbc:h2:...}); may carry credentials, so it is never logged whole
 * @param user            the database user, when not in the URL
 * @param password        the database password, when not in the URL
 * @param poolSize        the most connections the pool opens
 * @param timeout         how long a request waits for a connection before failing with 503
 * @param pollInterval    how often the change log is polled; keep it well under a second
 * @param cacheMaxEntries the most entries each cache holds
 * @param cacheTtl        the longest a cached answer is used if the change log cannot be read
 */
public record StoreSettings(String jdbcUrl, Optional<String> user, Optional<Secret> password, int poolSize,
                            Duration timeout, Duration pollInterval, int cacheMaxEntries, Duration cacheTtl) {

    /** Setting: the database, as a JDBC URL or a {@code postgresql://user:password@host:port/db} URI. */
    public static final String DB_URI = "OIDC_USERS_DB_URI";
    /** Setting: the database user, when not in {@value #DB_URI}. */
    public static final String DB_USER = "OIDC_USERS_DB_USER";
    /** Setting: the database password, when not in {@value #DB_URI}. */
    public static final String DB_PASSWORD = "OIDC_USERS_DB_PASSWORD";
    /** Setting: the folder of the embedded H2 database used when {@value #DB_URI} is unset; default {@code ./data}. */
    public static final String DATA_DIR = "OIDC_DATA_DIR";
    /** Setting: the most pooled connections; default 10. */
    public static final String POOL_SIZE = "OIDC_DB_POOL_SIZE";
    /** Setting: how long to wait for a connection before answering 503; default {@code 3s}. */
    public static final String TIMEOUT = "OIDC_DB_TIMEOUT";
    /** Setting: how often each replica polls the change log; default {@code 250ms}, at most {@code 1s}. */
    public static final String POLL_INTERVAL = "OIDC_CHANGE_POLL_INTERVAL";
    /** Setting: the most entries of each cache; default 10000. */
    public static final String CACHE_MAX_ENTRIES = "OIDC_CACHE_MAX_ENTRIES";
    /** Setting: the longest a cached answer lives when the change log cannot be read; default {@code 30s}. */
    public static final String CACHE_TTL = "OIDC_CACHE_TTL";

    /**
     * Options added to H2 URLs that set no mode: PostgreSQL compatibility, so one SQL dialect serves
     * both; and a per-connection cache of 32 parsed statements instead of 8, so that a pooled
     * connection keeps a login's statements parsed. Not more: the first change to a table in each
     * transaction walks every cached statement.
     */
    public static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;QUERY_CACHE_SIZE=32";
    /** Whatever stands before an {@code @} in a word: a URL's user info, password included. */
    private static final Pattern USER_INFO = Pattern.compile("[^\\s@]*@");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password|pwd)=[^&;\\s]*");

    /**
     * Validates.
     *
     * @param jdbcUrl         the JDBC URL
     * @param user            the database user
     * @param password        the database password
     * @param poolSize        the pool size, at least 1
     * @param timeout         the connection timeout, at least 250 ms
     * @param pollInterval    the poll interval, between 10 ms and 1 s
     * @param cacheMaxEntries the cache bound, at least 1
     * @param cacheTtl        the cache staleness bound, positive
     */
    public StoreSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("not a JDBC URL: " + redact(jdbcUrl));
        }
        if (poolSize < 1 || cacheMaxEntries < 1) {
            throw new IllegalArgumentException("pool size and cache size must be positive");
        }
        if (timeout.toMillis() < 250) {
            throw new IllegalArgumentException("the connection timeout must be at least 250ms");
        }
        if (pollInterval.toMillis() < 10 || pollInterval.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("the change poll interval must be between 10ms and 1s");
        }
        if (cacheTtl.isNegative() || cacheTtl.isZero()) {
            throw new IllegalArgumentException("the cache TTL must be positive");
        }
    }

    /**
     * Settings for a JDBC URL, every other value at its default.
     *
     * @param jdbcUrl a JDBC URL; H2 URLs without a {@code MODE} get PostgreSQL compatibility
     * @return the settings
     */
    public static StoreSettings forUrl(String jdbcUrl) {
        return new StoreSettings(withH2Options(jdbcUrl), Optional.empty(), Optional.empty(), 10, Duration.ofSeconds(3),
                Duration.ofMillis(250), 10_000, Duration.ofSeconds(30));
    }

    /**
     * The embedded H2 file database in a folder.
     *
     * @param dataDir the folder; created if missing
     * @return the settings
     */
    public static StoreSettings embedded(Path dataDir) {
        return forUrl("jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("oidc-sso"));
    }

    /**
     * The store settings from the framework's settings, where they were parsed and checked.
     *
     * @param settings the settings
     * @return the store settings
     */
    public static StoreSettings from(OidcSettings settings) {
        return settings.store();
    }

    /**
     * The store settings from raw settings.
     *
     * @param values the raw settings
     * @return the store settings
     * @throws SettingsException listing every problem with the store's settings
     */
    public static StoreSettings from(SettingValues values) {
        List<String> problems = new ArrayList<>();
        StoreSettings settings = parse(values, problems);
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return settings;
    }

    static StoreSettings parse(SettingValues values, List<String> problems) {
        Optional<String> user = values.get(DB_USER);
        Optional<Secret> password = values.get(DB_PASSWORD).map(Secret::of);
        String url;
        Optional<String> configured = values.get(DB_URI);
        if (configured.isPresent()) {
            ParsedUrl parsed = toJdbcUrl(configured.get(), problems);
            url = parsed.url();
            user = user.or(parsed::user);
            password = password.or(parsed::password);
        } else {
            url = embedded(Path.of(values.get(DATA_DIR).orElse("./data"))).jdbcUrl();
        }
        int poolSize = SettingParsers.integer(values, POOL_SIZE, 10, 1, 200, problems);
        int cacheMax = SettingParsers.integer(values, CACHE_MAX_ENTRIES, 10_000, 100, 10_000_000, problems);
        Duration timeout = SettingParsers.duration(values, TIMEOUT, Duration.ofSeconds(3), Duration.ofMillis(250),
                Duration.ofMinutes(1), problems);
        Duration poll = SettingParsers.duration(values, POLL_INTERVAL, Duration.ofMillis(250), Duration.ofMillis(10),
                Duration.ofSeconds(1), problems);
        Duration ttl = SettingParsers.duration(values, CACHE_TTL, Duration.ofSeconds(30), Duration.ofSeconds(1),
                Duration.ofHours(1), problems);
        return new StoreSettings(url, user, password, poolSize, timeout, poll, cacheMax, ttl);
    }

    /**
     * The same settings with another change poll interval.
     *
     * @param interval the poll interval
     * @return new settings
     */
    public StoreSettings withPollInterval(Duration interval) {
        return new StoreSettings(jdbcUrl, user, password, poolSize, timeout, interval, cacheMaxEntries, cacheTtl);
    }

    /**
     * The same settings with another connection timeout.
     *
     * @param connectionTimeout how long to wait for a connection
     * @return new settings
     */
    public StoreSettings withTimeout(Duration connectionTimeout) {
        return new StoreSettings(jdbcUrl, user, password, poolSize, connectionTimeout, pollInterval, cacheMaxEntries, cacheTtl);
    }

    /**
     * The same settings with other credentials.
     *
     * @param databaseUser     the database user
     * @param databasePassword the database password
     * @return new settings
     */
    public StoreSettings withCredentials(String databaseUser, String databasePassword) {
        return new StoreSettings(jdbcUrl, Optional.of(databaseUser), Optional.of(Secret.of(databasePassword)), poolSize,
                timeout, pollInterval, cacheMaxEntries, cacheTtl);
    }

    /**
     * The same settings with other cache bounds.
     *
     * @param maxEntries the most entries per cache
     * @param ttl        the staleness bound
     * @return new settings
     */
    public StoreSettings withCache(int maxEntries, Duration ttl) {
        return new StoreSettings(jdbcUrl, user, password, poolSize, timeout, pollInterval, maxEntries, ttl);
    }

    /**
     * Whether this is a PostgreSQL URL.
     *
     * @return true for {@code jdbc:postgresql:}
     */
    public boolean isPostgres() {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /**
     * The URL without its query, parameters or user info: safe to log.
     *
     * @return for example {@code jdbc:postgresql://db:5432/sso}
     */
    public String safeUrl() {
        return redact(jdbcUrl);
    }

    @Override
    public String toString() {
        return "StoreSettings[url=" + safeUrl() + ", user=" + user.orElse("-") + ", password=" + password.map(p -> "[redacted]").orElse("-")
                + ", poolSize=" + poolSize + ", timeout=" + timeout + ", pollInterval=" + pollInterval
                + ", cacheMaxEntries=" + cacheMaxEntries + ", cacheTtl=" + cacheTtl + "]";
    }

    /**
     * Text about a database, such as a driver's or a pool's message, without what could be a
     * password: a word's text before an {@code @} (a URL's user info) and the values of
     * {@code password=} and {@code pwd=}. A driver may quote the URL's parts: a URL written
     * {@code jdbc:postgresql://user:password@host/db} makes the PostgreSQL driver take
     * {@code user:password@host} for a host name and name it in its message.
     *
     * @param text the message
     * @return the message with those parts replaced by {@code ***}
     */
    public static String withoutCredentials(String text) {
        return PASSWORD_PARAMETER.matcher(USER_INFO.matcher(text).replaceAll("***@")).replaceAll("$1=***");
    }

    static String redact(String url) {
        String cut = url;
        for (char stop : new char[] {'?', ';'}) {
            int at = cut.indexOf(stop);
            if (at >= 0) {
                cut = cut.substring(0, at);
            }
        }
        int at = cut.indexOf('@');
        int scheme = cut.indexOf("//");
        if (at >= 0 && scheme >= 0 && at > scheme) {
            cut = cut.substring(0, scheme + 2) + cut.substring(at + 1);
        }
        return cut;
    }

    private static String withH2Options(String url) {
        if (url.startsWith("jdbc:h2:") && !url.toUpperCase(Locale.ROOT).contains(";MODE=")) {
            return url + H2_OPTIONS;
        }
        return url;
    }

    private record ParsedUrl(String url, Optional<String> user, Optional<Secret> password) {
    }

    private static ParsedUrl toJdbcUrl(String text, List<String> problems) {
        if (text.startsWith("jdbc:postgresql:") || text.startsWith("jdbc:h2:")) {
            return new ParsedUrl(withH2Options(text), Optional.empty(), Optional.empty());
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgresql:") || lower.startsWith("postgres:") || lower.startsWith("postgresql+")) {
            // The seeds' SQLAlchemy form: postgresql[+driver]://user:password@host:port/database?options
            try {
                URI uri = new URI(text);
                if (uri.getHost() == null) {
                    throw new URISyntaxException(redact(text), "no host");
                }
                Optional<String> user = Optional.empty();
                Optional<Secret> password = Optional.empty();
                if (uri.getRawUserInfo() != null) {
                    String[] parts = uri.getRawUserInfo().split(":", 2);
                    user = Optional.of(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
                    if (parts.length == 2) {
                        password = Optional.of(Secret.of(URLDecoder.decode(parts[1], StandardCharsets.UTF_8)));
                    }
                }
                String url = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                        + (uri.getRawPath() == null ? "/" : uri.getRawPath())
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
                return new ParsedUrl(url, user, password);
            } catch (URISyntaxException e) {
                problems.add(DB_URI + "='" + redact(text) + "...' is not a valid postgresql://user:password@host:port/database URI");
                return new ParsedUrl("jdbc:h2:mem:invalid", Optional.empty(), Optional.empty());
            }
        }
        problems.add(DB_URI + "='" + redact(text) + "...' is not supported: give a jdbc:postgresql:// or jdbc:h2: URL, "
                + "a postgresql://user:password@host:port/database URI, or leave it unset for the embedded H2 database under "
                + DATA_DIR);
        return new ParsedUrl("jdbc:h2:mem:invalid", Optional.empty(), Optional.empty());
    }
}
