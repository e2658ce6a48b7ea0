package dev.oidcsso.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.oidcsso.crypto.Sealer;
import dev.oidcsso.http.Cookie;
import dev.oidcsso.http.CookieScope;
import dev.oidcsso.http.WebRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Starts, reads and ends sessions. The cookie carries only the sealed session id; the session itself
 * is a {@link SessionRecord} in the {@link SessionStore}, with a bounded cache in front of it. A warm
 * request costs one AES-GCM open of 48 bytes, one SHA-256 and one cache look-up: no database, no
 * network. Activity is written to the store at most every tenth of the idle timeout (at most once a
 * minute), off the request thread.
 */
public final class SessionManager {

    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

    /** The session cookie's name, without the {@code __Host-} or {@code __Secure-} prefix https adds. */
    public static final String COOKIE = "oidc_sso_session";
    /** Beyond this, an ID token is not kept and logout goes without {@code id_token_hint}, which RP-initiated logout allows. */
    /** The longest sealed ID token kept for {@code id_token_hint}; the ID token sealer must open what is kept. */
    public static final int MAX_SEALED_ID_TOKEN = 16_000;

    private final SessionCodec codec;
    private final SessionStore store;
    private final Sealer idTokens;
    private final CookieScope scope;
    private final Duration maxAge;
    private final Duration idleTimeout;
    private final Duration touchEvery;
    private final Clock clock;
    private final Executor background;
    private final Cache<String, SessionRecord> cache;
    private final ThreadLocal<MessageDigest> sha256 = ThreadLocal.withInitial(SessionManager::newDigest);

    /**
     * Creates the manager.
     *
     * @param codec       seals the session id into the cookie
     * @param store       keeps the sessions
     * @param idTokens    seals the ID tokens kept for logout
     * @param scope       the cookies' names, path and domain
     * @param maxAge      the absolute lifetime
     * @param idleTimeout how long a session may go unused
     * @param clock       the clock
     * @param background  runs the activity writes, off the request thread
     */
    public SessionManager(SessionCodec codec, SessionStore store, Sealer idTokens, CookieScope scope, Duration maxAge,
                          Duration idleTimeout, Clock clock, Executor background) {
        this.codec = codec;
        this.store = store;
        this.idTokens = idTokens;
        this.scope = scope;
        this.maxAge = maxAge;
        this.idleTimeout = idleTimeout;
        Duration tenth = idleTimeout.dividedBy(10);
        this.touchEvery = tenth.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : tenth;
        this.clock = clock;
        this.background = background;
        this.cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(idleTimeout.plus(touchEvery)).build();
        // An ended session leaves every replica's cache as soon as the store hears of it.
        store.onEnded(hash -> {
            if (hash == null) {
                cache.invalidateAll();
            } else {
                cache.invalidate(hash);
            }
        });
    }

    /**
     * Who signed in, as the login found them.
     *
     * @param username     the user name
     * @param groups       the groups
     * @param admin        whether the user is an administrator
     * @param issuer       the IdP's issuer
     * @param subject      the IdP's {@code sub}
     * @param idpSessionId the IdP's {@code sid}, when the ID token has one
     * @param idToken      the ID token, kept sealed on the server for {@code id_token_hint}
     * @param idp          the name of the IdP the user signed in with, empty for none
     */
    public record SignIn(String username, List<String> groups, boolean admin, String issuer, String subject,
                         Optional<String> idpSessionId, Optional<String> idToken, String idp) {

        /**
         * Creates the value, copying collections so it stays immutable.
         *
         * @param username     the user name
         * @param groups       the groups
         * @param admin        whether the user is an administrator
         * @param issuer       the IdP's issuer
         * @param subject      the IdP's {@code sub}
         * @param idpSessionId the IdP's {@code sid}
         * @param idToken      the ID token
         * @param idp          the IdP's name
         */
        public SignIn {
            groups = List.copyOf(groups);
        }

        /**
         * Who signed in through the one IdP of a single-IdP setup.
         *
         * @param username     the user name
         * @param groups       the groups
         * @param admin        whether the user is an administrator
         * @param issuer       the IdP's issuer
         * @param subject      the IdP's {@code sub}
         * @param idpSessionId the IdP's {@code sid}
         * @param idToken      the ID token
         */
        public SignIn(String username, List<String> groups, boolean admin, String issuer, String subject,
                      Optional<String> idpSessionId, Optional<String> idToken) {
            this(username, groups, admin, issuer, subject, idpSessionId, idToken, "");
        }

        @Override
        public String toString() {
            return "SignIn[" + username + "]";
        }
    }

    /**
     * Starts a session and keeps it in the store.
     *
     * @param signIn who signed in
     * @return the session
     */
    public Session start(SignIn signIn) {
        byte[] id = codec.newId();
        Instant now = clock.instant();
        SessionRecord record = new SessionRecord(hash(id), signIn.username(), signIn.issuer(), signIn.subject(),
                signIn.idpSessionId(), signIn.groups(), signIn.admin(), now, now.plus(maxAge), now,
                signIn.idToken().map(token -> idTokens.seal(Map.of("idt", token))).filter(sealed -> sealed.length() <= MAX_SEALED_ID_TOKEN),
                Optional.empty(), Optional.empty(), signIn.idp());
        store.create(record);
        cache.put(record.idHash(), record);
        return new Session(codec.encode(id), signIn.username(), signIn.groups(), signIn.admin(), now, record.expiresAt(),
                signIn.idToken());
    }

    /**
     * Starts a session for a user signed in without an IdP session (tests, benchmarks).
     *
     * @param username the user name
     * @param groups   the groups
     * @param admin    whether the user is an administrator
     * @param idToken  the ID token, if any
     * @return the session
     */
    public Session start(String username, List<String> groups, boolean admin, Optional<String> idToken) {
        return start(new SignIn(username, groups, admin, "", username, Optional.empty(), idToken));
    }

    /**
     * The cookie that carries a session.
     *
     * @param session the session
     * @param request the request it answers (for the name, path and the Secure flag)
     * @return the cookie
     */
    public Cookie cookie(Session session, WebRequest request) {
        Duration remaining = Duration.between(clock.instant(), session.expiresAt());
        return scope.cookie(COOKIE, session.id(), Optional.of(remaining), request);
    }

    /**
     * The cookie that removes the session cookie from the browser.
     *
     * @param request the request
     * @return the deleting cookie
     */
    public Cookie deletion(WebRequest request) {
        return scope.deletion(COOKIE, request);
    }

    /** @return the cookies' names, path and domain */
    public CookieScope scope() {
        return scope;
    }

    /**
     * The valid session of a request. Its ID token is not loaded (see {@link #idToken}).
     *
     * @param request the request
     * @return the session, or empty when there is none, or two (one was planted), or it is forged,
     *         in an older format, ended, expired or idle for too long
     */
    public Optional<Session> read(WebRequest request) {
        List<String> values = scope.values(COOKIE, request);
        if (values.size() != 1) {
            return Optional.empty();
        }
        String value = values.get(0);
        Optional<byte[]> id = codec.decode(value);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        String hash = hash(id.get());
        Instant now = clock.instant();
        Optional<SessionRecord> record = active(hash, now);
        record.filter(r -> !now.isBefore(r.lastSeen().plus(touchEvery))).ifPresent(r -> recordActivity(r, now));
        return record.map(r -> new Session(value, r.username(), r.groups(), r.admin(), r.issuedAt(), r.expiresAt(), Optional.empty()));
    }

    private Optional<SessionRecord> active(String hash, Instant now) {
        // Loaded through the cache, not read-then-put: Caffeine makes an invalidation (a logout, a sign-out
        // everywhere) wait for a load of the same key, so a record read before the end cannot come back.
        SessionRecord record = cache.get(hash, key -> store.find(key).orElse(null));
        if (record == null) {
            return Optional.empty();
        }
        if (record.endedAt().isPresent() || !now.isBefore(record.expiresAt())) {
            return Optional.empty();
        }
        if (record.idleAt(now, idleTimeout)) {
            // Another replica may have seen activity this one has not: the store decides.
            SessionRecord fresh = store.find(hash).orElse(record);
            if (!fresh.activeAt(now, idleTimeout)) {
                cache.invalidate(hash);
                if (fresh.endedAt().isEmpty()) {
                    store.end(hash, now, "idle");
                }
                return Optional.empty();
            }
            cache.asMap().computeIfPresent(hash, (key, cached) -> fresh);
            record = fresh;
        }
        return Optional.of(record);
    }

    private void recordActivity(SessionRecord record, Instant now) {
        // Only an entry still cached is refreshed: one invalidated meanwhile (the session ended) stays gone.
        cache.asMap().computeIfPresent(record.idHash(), (key, cached) -> cached.seenAt(now));
        try {
            background.execute(() -> {
                try {
                    store.touch(record.idHash(), now);
                } catch (RuntimeException e) {
                    // The next request tries again; a missed write only shortens the idle window.
                    LOG.warn("Could not record session activity: {}", e.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Could not schedule a session activity write: {}", e.toString());
        }
    }

    /**
     * The ID token kept with a session, for {@code id_token_hint} at logout.
     *
     * @param session the session
     * @return the ID token, when the login kept one
     */
    public Optional<String> idToken(Session session) {
        return codec.decode(session.id()).flatMap(id -> store.find(hash(id)))
                .flatMap(SessionRecord::sealedIdToken)
                .flatMap(idTokens::open)
                .map(content -> content.get("idt"))
                .filter(String.class::isInstance).map(String.class::cast);
    }

    /**
     * The name of the IdP a session signed in with, so that its logout (and anything else that must
     * go to that IdP) reaches the right one.
     *
     * @param session the session
     * @return the IdP's name, or empty when the session names none (then the first IdP is meant)
     */
    public Optional<String> idp(Session session) {
        // From the cache that read() has just filled: asked on every request (the role is the IdP's), so no database trip.
        return codec.decode(session.id()).map(this::hash)
                .flatMap(hash -> Optional.ofNullable(cache.getIfPresent(hash)).or(() -> store.find(hash)))
                .map(SessionRecord::idp).filter(name -> !name.isEmpty());
    }

    /**
     * Ends a session on every replica, so a copy of its cookie is refused from now on.
     *
     * @param session the session
     * @param cause   why, for example {@code logout}
     */
    public void end(Session session, String cause) {
        codec.decode(session.id()).map(this::hash).ifPresent(hash -> {
            store.end(hash, clock.instant(), cause);
            cache.invalidate(hash);
        });
    }

    /**
     * Ends a session on every replica (logout).
     *
     * @param session the session
     */
    public void end(Session session) {
        end(session, "logout");
    }

    /**
     * Ends every session of a user, on every replica.
     *
     * @param username the user name
     * @param cause    why, for example {@code admin}
     * @return how many sessions were ended
     */
    public int endAllOf(String username, String cause) {
        return store.endAllOf(username, clock.instant(), cause);
    }

    /**
     * Ends the sessions an IdP names in a back-channel logout.
     *
     * @param issuer       the IdP's issuer
     * @param idpSessionId its {@code sid}, if any
     * @param subject      its {@code sub}, if any
     * @return how many sessions were ended
     */
    public int endAtIdp(String issuer, Optional<String> idpSessionId, Optional<String> subject) {
        return store.endAtIdp(issuer, idpSessionId, subject, clock.instant());
    }

    /**
     * The path for the framework's cookies that are not host-wide: the application's context path.
     *
     * @param request the request
     * @return the path, at least {@code /}
     */
    public static String cookiePath(WebRequest request) {
        return CookieScope.path(request);
    }

    private String hash(byte[] id) {
        MessageDigest digest = sha256.get();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest(id));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
