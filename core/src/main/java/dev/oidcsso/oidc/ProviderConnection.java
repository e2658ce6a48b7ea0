package dev.oidcsso.oidc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Keeps the discovered IdP. When the IdP cannot be reached at start, the application starts anyway:
 * discovery is retried in the background with exponential backoff (1 s doubling to 60 s) until it
 * succeeds, and until then {@link #current()} is empty, {@code /health/ready} says not ready and
 * {@code /login} answers 503.
 */
public final class ProviderConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderConnection.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(60);

    private final Supplier<DiscoveredProvider> discovery;
    private final AtomicReference<DiscoveredProvider> provider = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>("discovery has not run yet");
    private final ScheduledExecutorService scheduler;

    /**
     * Creates the connection; call {@link #start()} to discover.
     *
     * @param discovery fetches and checks the discovery document
     */
    public ProviderConnection(Supplier<DiscoveredProvider> discovery) {
        this.discovery = discovery;
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
        if (!attempt()) {
            schedule(FIRST_RETRY);
        }
        return this;
    }

    private boolean attempt() {
        try {
            DiscoveredProvider discovered = discovery.get();
            provider.set(discovered);
            lastError.set(null);
            LOG.info("Discovered the IdP {} (signature algorithms {})", discovered.issuer(), discovered.algorithms());
            return true;
        } catch (RuntimeException e) {
            lastError.set(e.getMessage());
            LOG.warn("IdP discovery failed, will retry: {}", e.getMessage());
            return false;
        }
    }

    private void schedule(Duration delay) {
        if (scheduler.isShutdown()) {
            return;
        }
        scheduler.schedule(() -> {
            if (!attempt()) {
                Duration next = delay.multipliedBy(2);
                schedule(next.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : next);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The discovered IdP.
     *
     * @return the IdP, or empty while discovery has not succeeded
     */
    public Optional<DiscoveredProvider> current() {
        return Optional.ofNullable(provider.get());
    }

    /**
     * The discovered IdP, or a 503.
     *
     * @return the IdP
     * @throws ProviderUnavailableException while discovery has not succeeded
     */
    public DiscoveredProvider require() {
        DiscoveredProvider current = provider.get();
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
