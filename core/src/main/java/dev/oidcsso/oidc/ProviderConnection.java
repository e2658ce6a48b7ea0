package dev.oidcsso.oidc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Keeps the discovered IdP. When the IdP cannot be reached at start, the application starts anyway:
 * until discovery succeeds, {@link #current()} is empty, {@code /health/ready} says not ready and
 * {@code /login} answers 503 with {@code Retry-After: 5}. Discovery is then tried again
 *
 * <ul>
 *   <li>in the background, after 1, 2 and 4 seconds and then every {@link #RETRY_AFTER} (the
 *       {@code Retry-After} the application announces), and</li>
 *   <li>on demand: a {@code /login} ({@link #require()}) tries at once, a readiness probe
 *       ({@link #current()}) starts a background try; one try at a time, at most one per
 *       {@link #ON_DEMAND_FLOOR}, so traffic cannot hammer the IdP,</li>
 * </ul>
 *
 * <p>so the application is ready within the announced {@code Retry-After} of the IdP's return.
 * One WARN is logged when discovery fails and one INFO when it succeeds; the failed tries in
 * between are logged at DEBUG.
 */
public final class ProviderConnection implements AutoCloseable {

    /** The longest pause between background tries; also the {@code Retry-After} announced while the IdP is away. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /** The least time between two tries, whatever started them. */
    public static final Duration ON_DEMAND_FLOOR = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(ProviderConnection.class);

    private final Supplier<DiscoveredProvider> discovery;
    private final AtomicReference<DiscoveredProvider> provider = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>("discovery has not run yet");
    private final ReentrantLock attempting = new ReentrantLock();
    private final Duration firstRetry;
    private final Duration retryAfter;
    private final Duration floor;
    private final AtomicLong lastAttemptNanos;
    private final AtomicBoolean backgroundTryQueued = new AtomicBoolean();
    private final ScheduledExecutorService scheduler;
    private volatile boolean failing;

    /**
     * Creates the connection; call {@link #start()} to discover.
     *
     * @param discovery fetches and checks the discovery document
     */
    public ProviderConnection(Supplier<DiscoveredProvider> discovery) {
        this(discovery, Duration.ofSeconds(1), RETRY_AFTER, ON_DEMAND_FLOOR);
    }

    /**
     * Creates the connection with other intervals, for tests.
     *
     * @param discovery  fetches and checks the discovery document
     * @param firstRetry the first background retry's delay, doubled up to {@code retryAfter}
     * @param retryAfter the longest pause between background tries
     * @param floor      the least time between two tries
     */
    ProviderConnection(Supplier<DiscoveredProvider> discovery, Duration firstRetry, Duration retryAfter, Duration floor) {
        this.discovery = discovery;
        this.firstRetry = firstRetry;
        this.retryAfter = retryAfter;
        this.floor = floor;
        this.lastAttemptNanos = new AtomicLong(System.nanoTime() - floor.toNanos());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "oidc-sso-discovery");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Tries discovery once now; on failure, keeps retrying in the background.
     *
     * @return this connection
     */
    public ProviderConnection start() {
        attempting.lock();
        try {
            if (!attempt()) {
                schedule(firstRetry);
            }
        } finally {
            attempting.unlock();
        }
        return this;
    }

    /** Runs discovery; the caller holds {@link #attempting}. */
    private boolean attempt() {
        if (provider.get() != null) {
            return true;
        }
        lastAttemptNanos.set(System.nanoTime());
        try {
            DiscoveredProvider discovered = discovery.get();
            provider.set(discovered);
            lastError.set(null);
            LOG.info("Discovered the IdP {} (signature algorithms {}){}", discovered.issuer(), discovered.algorithms(),
                    failing ? " after it was unreachable" : "");
            failing = false;
            return true;
        } catch (RuntimeException e) {
            lastError.set(e.getMessage());
            if (!failing) {
                failing = true;
                LOG.warn("IdP discovery failed, retrying every {} ms and on demand: {}", retryAfter.toMillis(), e.getMessage());
            } else {
                LOG.debug("IdP discovery failed again: {}", e.getMessage());
            }
            return false;
        }
    }

    /** Tries now unless a try is under way or the last one was less than the floor ago. */
    private void attemptOnDemand() {
        if (System.nanoTime() - lastAttemptNanos.get() < floor.toNanos() || !attempting.tryLock()) {
            return;
        }
        try {
            if (System.nanoTime() - lastAttemptNanos.get() >= floor.toNanos()) {
                attempt();
            }
        } finally {
            attempting.unlock();
        }
    }

    private void schedule(Duration delay) {
        if (scheduler.isShutdown()) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                boolean done;
                attempting.lock();
                try {
                    done = attempt();
                } finally {
                    attempting.unlock();
                }
                if (!done) {
                    Duration next = delay.multipliedBy(2);
                    schedule(next.compareTo(retryAfter) > 0 ? retryAfter : next);
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Discovery retry not scheduled: the connection is closed");
        }
    }

    /**
     * The discovered IdP. While there is none, a background discovery try is started (at most one
     * per {@link #ON_DEMAND_FLOOR}), so a readiness probe hastens recovery without waiting for it.
     *
     * @return the IdP, or empty while discovery has not succeeded
     */
    public Optional<DiscoveredProvider> current() {
        DiscoveredProvider current = provider.get();
        if (current == null && !scheduler.isShutdown() && backgroundTryQueued.compareAndSet(false, true)) {
            try {
                scheduler.execute(() -> {
                    backgroundTryQueued.set(false);
                    attemptOnDemand();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                backgroundTryQueued.set(false);
            }
        }
        return Optional.ofNullable(current);
    }

    /**
     * The discovered IdP, or a 503. While there is none, discovery is tried at once (unless a try is
     * under way or the last was less than {@link #ON_DEMAND_FLOOR} ago), so the first {@code /login}
     * after the IdP's return succeeds.
     *
     * @return the IdP
     * @throws ProviderUnavailableException while discovery has not succeeded
     */
    public DiscoveredProvider require() {
        DiscoveredProvider current = provider.get();
        if (current == null) {
            attemptOnDemand();
            current = provider.get();
        }
        if (current == null) {
            throw new ProviderUnavailableException("the identity provider is not reachable yet: " + lastError.get());
        }
        return current;
    }

    /**
     * Why the IdP is not available, for health output.
     *
     * @return the last discovery error, or empty when discovered
     */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError.get());
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
