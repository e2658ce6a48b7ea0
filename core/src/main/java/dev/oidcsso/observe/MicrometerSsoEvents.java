package dev.oidcsso.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Records the framework's events as Micrometer meters. Give it to the builder, with or without
 * Spring: {@code OidcSso.builder(settings).events(new MicrometerSsoEvents(registry))}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@value #LOGINS}</td><td>timer (count and latency)</td><td>{@code outcome}, {@code reason}</td></tr>
 *   <tr><td>{@value #AUTHENTICATIONS}</td><td>counter</td><td>{@code method}, {@code outcome}</td></tr>
 *   <tr><td>{@value #PROVIDER_FETCHES}</td><td>counter</td><td>{@code document}, {@code outcome}</td></tr>
 *   <tr><td>{@value #STORE_CALLS}</td><td>timer</td><td>{@code operation}, {@code outcome}</td></tr>
 *   <tr><td>{@value #CACHE_LOOKUPS}</td><td>counter</td><td>{@code cache}, {@code result} ({@code hit} or {@code miss})</td></tr>
 *   <tr><td>{@value #SESSIONS_STARTED}</td><td>counter</td><td>none</td></tr>
 *   <tr><td>{@value #SESSIONS_ENDED}</td><td>counter</td><td>{@code cause}</td></tr>
 * </table>
 *
 * <p>No tag carries a user name, a path or any other value from outside: the values come from the
 * fixed vocabularies of {@link SsoEvents}, and anything else is recorded as {@code other}, so the
 * number of time series stays bounded whatever the callers pass.
 */
public final class MicrometerSsoEvents implements SsoEvents {

    /** Browser logins by outcome and refusal reason, with their latency. */
    public static final String LOGINS = "oidcsso.logins";
    /** Decisions on presented credentials by method and outcome. */
    public static final String AUTHENTICATIONS = "oidcsso.authentications";
    /** Fetches of the discovery document and the signing keys by outcome. */
    public static final String PROVIDER_FETCHES = "oidcsso.provider.fetches";
    /** Units of store work by operation and outcome, with their latency. */
    public static final String STORE_CALLS = "oidcsso.store.calls";
    /** Cache lookups by cache and result; the hit rate is hits over all lookups. */
    public static final String CACHE_LOOKUPS = "oidcsso.cache.lookups";
    /** Sessions started by a login. */
    public static final String SESSIONS_STARTED = "oidcsso.sessions.started";
    /** Sessions ended, by cause. */
    public static final String SESSIONS_ENDED = "oidcsso.sessions.ended";

    private static final Pattern TAG_VALUE = Pattern.compile("[a-z0-9_]{1,40}");

    private final MeterRegistry registry;
    private final Counter sessionsStarted;
    // The request path asks for a meter by its tag values; found here, it costs one map lookup.
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

    /**
     * Records into a registry.
     *
     * @param registry the registry, for example Spring Boot's or a {@code SimpleMeterRegistry}
     */
    public MicrometerSsoEvents(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.sessionsStarted = Counter.builder(SESSIONS_STARTED).description("Sessions started by a login").register(registry);
    }

    @Override
    public void login(String outcome, String reason, Duration latency) {
        timer(LOGINS, "Browser logins (callbacks) by outcome and refusal reason", "outcome", outcome, "reason", reason)
                .record(latency);
    }

    @Override
    public void authentication(String method, String outcome) {
        counter(AUTHENTICATIONS, "Decisions on presented credentials", "method", method, "outcome", outcome).increment();
    }

    @Override
    public void providerFetch(String document, String outcome) {
        counter(PROVIDER_FETCHES, "Fetches of the identity provider's discovery document and keys",
                "document", document, "outcome", outcome).increment();
    }

    @Override
    public void storeCall(String operation, String outcome, Duration latency) {
        timer(STORE_CALLS, "Units of work on the store", "operation", operation, "outcome", outcome).record(latency);
    }

    @Override
    public void cacheLookup(String cache, boolean hit) {
        counter(CACHE_LOOKUPS, "Cache lookups; hit rate = hit / (hit + miss)", "cache", cache, "result", hit ? "hit" : "miss")
                .increment();
    }

    @Override
    public void sessionStarted() {
        sessionsStarted.increment();
    }

    @Override
    public void sessionEnded(String cause) {
        counter(SESSIONS_ENDED, "Sessions ended, by cause", "cause", cause, null, null).increment();
    }

    private Timer timer(String name, String description, String key1, String value1, String key2, String value2) {
        Key key = new Key(name, value1, value2);
        Timer known = timers.get(key);
        if (known != null) {
            return known;
        }
        String v1 = tag(value1);
        String v2 = tag(value2);
        Timer made = Timer.builder(name).description(description).tag(key1, v1).tag(key2, v2).register(registry);
        remember(timers, key, made, v1.equals(value1) && v2.equals(value2));
        return made;
    }

    private Counter counter(String name, String description, String key1, String value1, String key2, String value2) {
        Key key = new Key(name, value1, value2);
        Counter known = counters.get(key);
        if (known != null) {
            return known;
        }
        String v1 = tag(value1);
        Counter.Builder builder = Counter.builder(name).description(description).tag(key1, v1);
        boolean clean = v1.equals(value1);
        if (key2 != null) {
            String v2 = tag(value2);
            builder.tag(key2, v2);
            clean &= v2.equals(value2);
        }
        Counter made = builder.register(registry);
        remember(counters, key, made, clean);
        return made;
    }

    /**
     * Keeps a meter for its raw tag values, so the next call skips the checks; only for values that
     * passed them, so that unexpected values cannot grow the map (the registry keeps one "other").
     */
    private static <M> void remember(Map<Key, M> meters, Key key, M meter, boolean clean) {
        if (clean) {
            meters.putIfAbsent(key, meter);
        }
    }

    /** A meter's name and raw tag values. */
    private record Key(String name, String value1, String value2) {
    }

    /** A tag value from the fixed vocabularies, or {@code other}: never an unbounded value. */
    static String tag(String value) {
        return value != null && TAG_VALUE.matcher(value).matches() ? value : "other";
    }
}
