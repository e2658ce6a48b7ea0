package dev.oidcsso.observe;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Observes what the framework does, for metrics. Every method has an empty default body, so an
 * implementation overrides only what it records, and a method added later breaks none.
 *
 * <p>Every text argument comes from a small fixed vocabulary documented on its method, never from a
 * request, a token or a user: implementations may use them as metric tags. Implementations must be
 * fast and must not throw; they are called on the request path.
 */
public interface SsoEvents {

    /** Records nothing: the default. */
    SsoEvents NONE = new SsoEvents() {
    };

    /**
     * A browser login (the callback) finished.
     *
     * @param outcome {@code success} or {@code refused}
     * @param reason  {@code none} on success; otherwise what refused it, one word in snake case
     *                derived from the failure's type, for example {@code token_validation},
     *                {@code access_refused}, {@code provider_unavailable}, {@code login}
     * @param latency from the callback's arrival to its answer
     */
    default void login(String outcome, String reason, Duration latency) {
    }

    /**
     * A request presented credentials and an authenticator decided on them.
     *
     * @param method  {@code session}, {@code bearer}, {@code basic_token} or {@code trusted_header} (the
     *                authenticator's type name in snake case, so an application's own authenticator
     *                is named after its class)
     * @param outcome {@code success} or {@code failure}
     */
    default void authentication(String method, String outcome) {
    }

    /**
     * A document was fetched from the identity provider.
     *
     * @param document {@code discovery} or {@code jwks}
     * @param outcome  {@code success} or {@code failure}
     */
    default void providerFetch(String document, String outcome) {
    }

    /**
     * The store answered one unit of work.
     *
     * @param operation {@code read} or {@code write}
     * @param outcome   {@code success} or {@code error}
     * @param latency   how long it took, waiting for a connection included
     */
    default void storeCall(String operation, String outcome, Duration latency) {
    }

    /**
     * A cache was asked for an entry.
     *
     * @param cache {@code users}, {@code tokens}, {@code grants}, or {@code rules}
     * @param hit   whether the entry was cached
     */
    default void cacheLookup(String cache, boolean hit) {
    }

    /** A session was started by a login. */
    default void sessionStarted() {
    }

    /**
     * A session was ended.
     *
     * @param cause {@code logout}, {@code expired}, {@code revoked} or {@code refused_refresh}
     */
    default void sessionEnded(String cause) {
    }

    /**
     * Runs a fetch from the identity provider and reports its outcome; the call site's one line.
     *
     * @param document {@code discovery} or {@code jwks}
     * @param fetch    the fetch
     * @param <T>      what it returns
     * @return what the fetch returned
     */
    default <T> T fetching(String document, Supplier<T> fetch) {
        T result;
        try {
            result = fetch.get();
        } catch (RuntimeException e) {
            providerFetch(document, "failure");
            throw e;
        }
        providerFetch(document, "success");
        return result;
    }

    /**
     * Runs one authenticator and reports its decision: {@code success} when it returns a
     * principal, {@code failure} when it throws (credentials present but invalid), nothing when
     * the request carries none of its credentials.
     *
     * @param authenticator the authenticator, named after its type
     * @param attempt       its call
     * @param <T>           the principal type
     * @return what the authenticator returned
     */
    default <T> Optional<T> authenticating(Object authenticator, Supplier<Optional<T>> attempt) {
        // The name only when there is something to record: most authenticators of a chain find no credential of theirs.
        Optional<T> result;
        try {
            result = attempt.get();
        } catch (RuntimeException e) {
            authentication(TypeWords.AUTHENTICATORS.get(authenticator.getClass()), "failure");
            throw e;
        }
        if (result.isPresent()) {
            authentication(TypeWords.AUTHENTICATORS.get(authenticator.getClass()), "success");
        }
        return result;
    }

    /**
     * The reason word for a failure: its type's simple name in snake case without the
     * {@code Exception} suffix ({@code TokenValidationException} becomes {@code token_validation}).
     * The set of types is fixed by the code, so the words are bounded.
     *
     * @param failure the failure
     * @return the reason word
     */
    static String reason(Throwable failure) {
        return TypeWords.EXCEPTIONS.get(failure.getClass());
    }
}
