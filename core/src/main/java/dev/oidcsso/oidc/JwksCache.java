package dev.oidcsso.oidc;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The IdP's signing keys, cached, and fetched again by rules that tell logins from bearer tokens.
 *
 * <ul>
 *   <li>The keys are kept for {@link Policy#timeToLive()}; after that, the request that notices
 *       fetches them again while concurrent requests keep using the cached ones.</li>
 *   <li>An unknown {@code kid} in an ID token from the token endpoint ({@link TokenOrigin#TOKEN_ENDPOINT})
 *       means the IdP rotated its keys: the JWKS is fetched at once, one fetch at a time, waiting out
 *       {@link Policy#floor()} since the previous fetch, so a rotation, or several in a row, or the
 *       end of a JWKS outage, is seen by the very next login.</li>
 *   <li>An unknown {@code kid} in a bearer token, which anyone can send, causes at most one fetch per
 *       {@link Policy#bearerInterval()}; that budget is separate, so forged tokens cannot use up the
 *       fetches logins need, and the IdP sees at most one fetch per floor from logins plus one per
 *       bearer interval from bearer tokens.</li>
 *   <li>While the JWKS cannot be fetched, cached keys are used for {@link Policy#outageTolerance()}
 *       after the last successful fetch; past that, and for a login whose key is unknown during an
 *       outage, the key source fails and the caller answers 503, not 401.</li>
 * </ul>
 *
 * <p>One WARN is logged when the JWKS becomes unreachable and one INFO when it is back; the failed
 * attempts in between are logged at DEBUG, without stack traces.
 */
public final class JwksCache implements JWKSource<SecurityContext> {

    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);

    private final URL url;
    private final ResourceRetriever retriever;
    private final Clock clock;
    private final Policy policy;
    private final ReentrantLock fetching = new ReentrantLock();
    private volatile Snapshot snapshot;
    private volatile long attempts;
    private volatile Instant lastAttempt = Instant.EPOCH;
    private volatile Instant lastBearerFetch = Instant.EPOCH;
    private volatile String failure;
    /**
     * The last selection from the cached keys: every token an IdP signs with one header asks the same
     * selector (the lean processor keeps one per header), and matching it against each key again per
     * token cost about a microsecond.
     */
    private volatile Selection lastSelection;

    /**
     * How long keys are kept and how often they may be fetched again.
     *
     * @param timeToLive      how long fetched keys are used before they are fetched again
     * @param floor           the least time between two fetches, whatever caused them
     * @param bearerInterval  the least time between two fetches caused by bearer tokens with an unknown
     *                        {@code kid}, and between retries of an expired cache during an outage
     * @param outageTolerance how long after the last successful fetch cached keys are still used while
     *                        the JWKS cannot be fetched
     */
    public record Policy(Duration timeToLive, Duration floor, Duration bearerInterval, Duration outageTolerance) {

        /** 15 minutes, 1 second, 5 seconds (the {@code Retry-After} the application announces), 12 hours. */
        public static final Policy DEFAULT = new Policy(Duration.ofMinutes(15), Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofHours(12));

        /**
         * Checks the values.
         *
         * @param timeToLive      how long fetched keys are used before they are fetched again
         * @param floor           the least time between two fetches
         * @param bearerInterval  the least time between two fetches caused by bearer tokens
         * @param outageTolerance how long cached keys outlive a JWKS outage
         */
        public Policy {
            Objects.requireNonNull(timeToLive, "timeToLive");
            Objects.requireNonNull(floor, "floor");
            Objects.requireNonNull(bearerInterval, "bearerInterval");
            Objects.requireNonNull(outageTolerance, "outageTolerance");
            if (floor.isNegative() || bearerInterval.compareTo(floor) < 0 || outageTolerance.compareTo(timeToLive) < 0) {
                throw new IllegalArgumentException("need 0 <= floor <= bearerInterval and timeToLive <= outageTolerance");
            }
        }
    }

    private record Snapshot(JWKSet keys, Instant fetchedAt) {
    }

    /** What a selector (the same object, not an equal one) found in a snapshot's keys; {@code found} is unmodifiable. */
    private record Selection(JWKSelector selector, Snapshot snapshot, List<JWK> found) {
    }

    /** Why a fetch is wanted; each has its own rule of how often it may happen. */
    private enum Reason { LOGIN, BEARER, EXPIRED }

    /**
     * Creates the cache; nothing is fetched until the first token is verified.
     *
     * @param url       the {@code jwks_uri}
     * @param retriever fetches the document (with timeouts and a size limit)
     * @param clock     the clock for ages and intervals
     * @param policy    the intervals
     */
    public JwksCache(URL url, ResourceRetriever retriever, Clock clock, Policy policy) {
        this.url = Objects.requireNonNull(url, "url");
        this.retriever = Objects.requireNonNull(retriever, "retriever");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        Reason onUnknownKey = context == TokenOrigin.TOKEN_ENDPOINT ? Reason.LOGIN : Reason.BEARER;
        long seenAttempts = attempts;
        Snapshot current = snapshot;
        if (!usable(current)) {
            current = fetch(seenAttempts, onUnknownKey, current);
            if (!usable(current)) {
                throw unavailable();
            }
            return selector.select(current.keys());
        }
        if (!clock.instant().isBefore(current.fetchedAt().plus(policy.timeToLive()))) {
            current = fetch(seenAttempts, Reason.EXPIRED, current);
        }
        Selection last = lastSelection;
        if (last != null && last.selector() == selector && last.snapshot() == current) {
            return last.found();
        }
        List<JWK> found = selector.select(current.keys());
        if (!found.isEmpty()) {
            found = List.copyOf(found);
            lastSelection = new Selection(selector, current, found);
            return found;
        }
        Snapshot after = fetch(seenAttempts, onUnknownKey, current);
        return selector.select(after.keys());
    }

    /**
     * Whether keys are at hand, for a health report: cached keys within the outage tolerance, or else
     * keys fetched now, at most once per bearer interval (so a probe cannot hammer the issuer).
     *
     * @return true when tokens signed by this key set can be verified now
     */
    public boolean available() {
        Snapshot current = snapshot;
        if (usable(current)) {
            return true;
        }
        try {
            return usable(fetch(attempts, Reason.BEARER, current));
        } catch (KeySourceException e) {
            return false;
        }
    }

    private boolean usable(Snapshot candidate) {
        return candidate != null && clock.instant().isBefore(candidate.fetchedAt().plus(policy.outageTolerance()));
    }

    /**
     * Fetches the JWKS if the reason's rule allows it now and nobody fetched since the caller looked.
     *
     * @return the snapshot to use (the caller's own when no fetch was allowed or the fetch failed)
     * @throws KeySourceException for a login, when the JWKS cannot be fetched
     */
    private Snapshot fetch(long seenAttempts, Reason reason, Snapshot current) throws KeySourceException {
        Instant now = clock.instant();
        if (reason == Reason.BEARER && now.isBefore(lastBearerFetch.plus(policy.bearerInterval()))) {
            return current;
        }
        if (reason == Reason.EXPIRED && failure != null && now.isBefore(lastAttempt.plus(policy.bearerInterval()))) {
            return current;
        }
        if (reason == Reason.LOGIN) {
            // Single flight: a login waits for the fetch under way and then uses its result.
            try {
                fetching.lockInterruptibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KeySourceException("interrupted while waiting for the IdP's keys", e);
            }
        } else if (!fetching.tryLock()) {
            return current;
        }
        try {
            if (attempts != seenAttempts) {
                // Someone fetched since this caller looked: their result is as fresh as ours would be.
                if (reason == Reason.LOGIN && failure != null) {
                    throw unavailable();
                }
                return snapshot != null ? snapshot : current;
            }
            Duration sinceLast = Duration.between(lastAttempt, clock.instant());
            if (sinceLast.compareTo(policy.floor()) < 0) {
                if (reason != Reason.LOGIN) {
                    return current;
                }
                pause(policy.floor().minus(sinceLast));
            }
            return load(reason, current);
        } finally {
            fetching.unlock();
        }
    }

    private Snapshot load(Reason reason, Snapshot current) throws KeySourceException {
        Instant started = clock.instant();
        if (reason == Reason.BEARER) {
            lastBearerFetch = started;
        }
        lastAttempt = started;
        try {
            Resource resource = retriever.retrieveResource(url);
            Snapshot fetched = new Snapshot(JWKSet.parse(resource.getContent()), clock.instant());
            snapshot = fetched;
            if (failure != null) {
                failure = null;
                LOG.info("The IdP's signing keys (JWKS at {}) can be fetched again", url.getHost());
            }
            return fetched;
        } catch (IOException | ParseException | RuntimeException e) {
            String reasonText = e instanceof ParseException ? "the document is not a JWK set" : describe(e);
            if (failure == null) {
                LOG.warn("The IdP's signing keys (JWKS at {}) cannot be fetched: {}; cached keys are used for up to {} "
                        + "after the last successful fetch", url.getHost(), reasonText, policy.outageTolerance());
            } else {
                LOG.debug("The IdP's JWKS still cannot be fetched: {}", reasonText);
            }
            failure = reasonText;
            if (reason == Reason.LOGIN) {
                throw unavailable();
            }
            return current;
        } finally {
            // Counted once the outcome is in place: whoever reads the new count also sees the new keys.
            attempts++;
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        String text = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() > 200 ? text.substring(0, 200) : text;
    }

    private KeySourceException unavailable() {
        String why = failure != null ? failure : "no fetch has succeeded yet";
        return new KeySourceException("the IdP's signing keys (JWKS at " + url.getHost() + ") cannot be fetched: " + why);
    }

    private static void pause(Duration duration) throws KeySourceException {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeySourceException("interrupted while waiting for the IdP's keys", e);
        }
    }
}
