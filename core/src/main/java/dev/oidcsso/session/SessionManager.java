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
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Starts, reads and ends sessions. The cookie carries only the sealed session id; the session itself
 * is a {@link SessionRecord} in the {@link SessionStore}, with a bounded cache in front of it. A warm
 * request costs one AES-GCM open of 48 bytes, one SHA-256 and one cache look-up: no database, no
 * network. Activity is written to the store at most every tenth of the idle timeout (at most once a
 * minute), off the request thread.
 *
 * <p>With refresh tokens on, a request on a session whose tokens expire within the margin hands the
 * record to the refresh listener ({@link #onRefreshDue}), which refreshes off the request thread;
 * a session that is not due costs one comparison more.
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
    private final Sealer refreshTokens;
    private final Duration refreshBefore;
    private volatile Consumer<SessionRecord> refreshDue;
    /** The IdP names sessions may name; until set, any. */
    private volatile Set<String> configuredIdps;
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
        this(codec, store, idTokens, idTokens, Duration.ZERO, scope, maxAge, idleTimeout, clock, background);
    }

    /**
     * Creates the manager for sessions that may keep refresh tokens.
     *
     * @param codec         seals the session id into the cookie
     * @param store         keeps the sessions
     * @param idTokens      seals the ID tokens kept for logout
     * @param refreshTokens seals the refresh tokens (a key of their own: neither opens the other's values)
     * @param refreshBefore how long before the tokens expire a session is due for a refresh
     * @param scope         the cookies' names, path and domain
     * @param maxAge        the absolute lifetime
     * @param idleTimeout   how long a session may go unused
     * @param clock         the clock
     * @param background    runs the activity writes, off the request thread
     */
    public SessionManager(SessionCodec codec, SessionStore store, Sealer idTokens, Sealer refreshTokens, Duration refreshBefore,
                          CookieScope scope, Duration maxAge, Duration idleTimeout, Clock clock, Executor background) {
        this.codec = codec;
        this.store = store;
        this.idTokens = idTokens;
        this.refreshTokens = refreshTokens;
        this.refreshBefore = refreshBefore;
        this.scope = scope;
        this.maxAge = maxAge;
        this.idleTimeout = idleTimeout;
        Duration tenth = idleTimeout.dividedBy(10);
        this.touchEvery = tenth.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : tenth;
        this.clock = clock;
        this.background = background;
        // Maintenance on the calling thread (as in BearerTokenCache): with Caffeine's default executor a put at
        // login, and a read now and then, woke a fork-join thread, costing the request more than the work itself.
        this.cache = Caffeine.newBuilder().maximumSize(100_000).executor(Runnable::run).expireAfterAccess(idleTimeout.plus(touchEvery))
                .build();
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
     * @param refreshToken the IdP's refresh token, kept sealed on the server, when refresh tokens are on
     * @param tokensExpireAt when the IdP's tokens expire, for the refresh
     * @param idp          the name of the IdP the user signed in with, empty for none
     */
    public record SignIn(String username, List<String> groups, boolean admin, String issuer, String subject,
                         Optional<String> idpSessionId, Optional<String> idToken, Optional<String> refreshToken,
                         Optional<Instant> tokensExpireAt, String idp) {

        /**
         * Who signed in through the one IdP of a single-IdP setup, without a refresh token.
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
            this(username, groups, admin, issuer, subject, idpSessionId, idToken, Optional.empty(), Optional.empty(), "");
        }

        /**
         * Who signed in through a named IdP, without a refresh token.
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
        public SignIn(String username, List<String> groups, boolean admin, String issuer, String subject,
                      Optional<String> idpSessionId, Optional<String> idToken, String idp) {
            this(username, groups, admin, issuer, subject, idpSessionId, idToken, Optional.empty(), Optional.empty(), idp);
        }

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
         * @param refreshToken the refresh token
         * @param tokensExpireAt when the tokens expire
         * @param idp          the IdP's name
         */
        public SignIn {
            groups = List.copyOf(groups);
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
        return started(store(signIn));
    }

    /**
     * A session written to the store, not yet known to this replica's cache; see {@link #store}.
     *
     * @param session the session, with the cookie's id
     * @param record  what the store keeps
     */
    public record Stored(Session session, SessionRecord record) {

        @Override
        public String toString() {
            return "Stored[" + record.username() + "]";
        }
    }

    /**
     * The first half of {@link #start}: writes the new session to the store, for a caller that
     * stores it in one transaction with other writes and calls {@link #started} once that has
     * committed (so this replica never caches a session the store rolled back).
     *
     * @param signIn who signed in
     * @return the stored session
     */
    public Stored store(SignIn signIn) {
        byte[] id = codec.newId();
        Instant now = clock.instant();
        SessionRecord record = new SessionRecord(hash(id), signIn.username(), signIn.issuer(), signIn.subject(),
                signIn.idpSessionId(), signIn.groups(), signIn.admin(), now, now.plus(maxAge), now,
                sealIdToken(signIn.idToken()), Optional.empty(), Optional.empty(), sealRefreshToken(signIn.refreshToken()),
                signIn.refreshToken().isPresent() ? signIn.tokensExpireAt() : Optional.empty(), Optional.empty(), 0, signIn.idp());
        store.create(record);
        return new Stored(new Session(codec.encode(id), signIn.username(), signIn.groups(), signIn.admin(), now, record.expiresAt(),
                signIn.idToken()), record);
    }

    /**
     * The second half of {@link #start}: the stored session is cached on this replica, so its first
     * request reads no database.
     *
     * @param stored the session {@link #store} wrote, once committed
     * @return the session
     */
    public Session started(Stored stored) {
        cache.put(stored.record().idHash(), stored.record());
        return stored.session();
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
        Set<String> idps = configuredIdps;
        if (idps != null && record.isPresent() && !record.get().idp().isEmpty() && !idps.contains(record.get().idp())) {
            // Its IdP is not configured here: no other IdP may refresh it, sign it out or judge its groups. It is
            // refused, not ended: in a rolling deployment that adds an IdP, a replica still on the old configuration
            // must not end, in the shared store, the sessions the new replicas accept. It dies at its timeouts.
            LOG.debug("A session of user '{}' was refused: its identity provider '{}' is not configured",
                    record.get().username(), record.get().idp());
            return Optional.empty();
        }
        record.filter(r -> !now.isBefore(r.lastSeen().plus(touchEvery))).ifPresent(r -> recordActivity(r, now));
        Consumer<SessionRecord> due = refreshDue;
        if (due != null && record.isPresent() && record.get().refreshDueAt(now, refreshBefore)) {
            due.accept(record.get());
        }
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
     * Names the configured IdPs: a session that names another (its IdP was removed or renamed) is
     * refused from its next use, and its user signs in again; it is not ended in the store, which
     * replicas with another configuration may share.
     *
     * @param names the names of the configured IdPs
     */
    public void onlyIdps(Set<String> names) {
        this.configuredIdps = Set.copyOf(names);
    }

    /**
     * Names who refreshes sessions whose tokens are due ({@code dev.oidcsso.login}'s refresher): it
     * is called on the request thread and must hand the work to another thread.
     *
     * @param listener called with the record of each request's session that is due
     */
    public void onRefreshDue(Consumer<SessionRecord> listener) {
        this.refreshDue = listener;
    }

    /** @return how long before the tokens expire a session is due for a refresh */
    public Duration refreshBefore() {
        return refreshBefore;
    }

    /**
     * Reads a session from the store, past the cache, and puts what it read into the cache if the
     * session is cached (an ended one stays dropped).
     *
     * @param idHash the hash of the session's id
     * @return the session as stored
     */
    public Optional<SessionRecord> reread(String idHash) {
        Optional<SessionRecord> fresh = store.find(idHash);
        fresh.ifPresent(found -> cache.asMap().computeIfPresent(idHash, (key, cached) -> newer(cached, found)));
        return fresh;
    }

    /**
     * Whether a session is still active as the store has it, past this replica's cache (which learns
     * of an end on another replica only within the change-log poll interval): for the rare action whose
     * result must not outlive a session ended a moment ago.
     *
     * @param sessionId the session's id, as {@link Session#id()} gives it
     * @return false when the session ended, expired or is unknown
     */
    public boolean activeInStore(String sessionId) {
        Instant now = clock.instant();
        return codec.decode(sessionId).map(this::hash).flatMap(this::reread)
                .filter(record -> record.endedAt().isEmpty() && now.isBefore(record.expiresAt())).isPresent();
    }

    /**
     * What the cache keeps when a record read outside it arrives: never an active record over an
     * ended one, nor an older version over a newer one, so that a session ended meanwhile (on
     * another replica, through the change log) cannot come back.
     */
    private static SessionRecord newer(SessionRecord cached, SessionRecord incoming) {
        if (cached.endedAt().isPresent() || cached.version() > incoming.version()) {
            return cached;
        }
        return incoming;
    }

    /**
     * Claims a session's refresh for this replica (compare-and-set on its version).
     *
     * @param record the session as read
     * @param lease  how long the claim holds if this replica never finishes
     * @return the claimed record, or empty when another replica changed it first
     */
    public Optional<SessionRecord> claimRefresh(SessionRecord record, Duration lease) {
        Instant until = clock.instant().plus(lease);
        if (!store.claimRefresh(record.idHash(), record.version(), until)) {
            return Optional.empty();
        }
        SessionRecord claimed = record.claimedUntil(until);
        cache.asMap().computeIfPresent(record.idHash(), (key, cached) -> newer(cached, claimed));
        return Optional.of(claimed);
    }

    /**
     * The refresh token kept with a session.
     *
     * @param record the session
     * @return the refresh token, when one is kept and opens
     */
    public Optional<String> refreshToken(SessionRecord record) {
        return record.sealedRefreshToken().flatMap(refreshTokens::open).map(content -> content.get("rt"))
                .filter(String.class::isInstance).map(String.class::cast);
    }

    /**
     * The ID token kept with a session.
     *
     * @param record the session
     * @return the ID token, when one is kept and opens
     */
    public Optional<String> idToken(SessionRecord record) {
        return record.sealedIdToken().flatMap(idTokens::open).map(content -> content.get("idt"))
                .filter(String.class::isInstance).map(String.class::cast);
    }

    /**
     * Records a refresh under this replica's claim. The session keeps its login's ID token: it is the
     * one a refreshed ID token is compared with (OpenID Connect Core 12.2: the same as "the ID Token
     * issued when the original authentication occurred"), and the one sent as {@code id_token_hint}
     * at logout, where it must be no bearer credential: the login's carries this framework's
     * {@code nonce}, which the bearer check refuses, while a refreshed one commonly has none.
     *
     * @param claimed      the record {@link #claimRefresh} returned
     * @param refreshToken the rotated refresh token, or empty to keep the one spent
     * @param expireAt     when the new tokens expire
     * @param groups       the groups the refresh found
     * @param admin        whether the refresh found an administrator
     * @return true when recorded; false when the session ended or changed meanwhile
     */
    public boolean recordRefresh(SessionRecord claimed, Optional<String> refreshToken, Optional<Instant> expireAt,
                                 List<String> groups, boolean admin) {
        Optional<String> sealedRefresh = refreshToken.isPresent() ? sealRefreshToken(refreshToken) : claimed.sealedRefreshToken();
        Optional<String> sealedId = claimed.sealedIdToken();
        if (!store.refreshed(claimed.idHash(), claimed.version(), sealedRefresh, expireAt, sealedId, groups, admin)) {
            cache.invalidate(claimed.idHash());
            return false;
        }
        SessionRecord refreshed = claimed.refreshedWith(sealedRefresh, expireAt, sealedId, groups, admin);
        cache.asMap().computeIfPresent(claimed.idHash(), (key, cached) -> newer(cached, refreshed.seenAt(
                cached.lastSeen().isAfter(refreshed.lastSeen()) ? cached.lastSeen() : refreshed.lastSeen())));
        return true;
    }

    /**
     * Ends a session by the hash of its id, on every replica.
     *
     * @param idHash the hash of the session's id
     * @param cause  why, for example {@code refresh-refused}
     */
    public void end(String idHash, String cause) {
        store.end(idHash, clock.instant(), cause);
        cache.invalidate(idHash);
    }

    /**
     * Ends a session under this replica's refresh claim, on every replica: only while the session is
     * still at the claim's version, so a claim that went stale cannot end a session another replica
     * has refreshed since.
     *
     * @param claimed the record {@link #claimRefresh} returned
     * @param cause   why, for example {@code refresh-refused}
     * @return true when ended; false when the session changed or ended meanwhile
     */
    public boolean endClaimed(SessionRecord claimed, String cause) {
        boolean ended = store.endClaimed(claimed.idHash(), claimed.version(), clock.instant(), cause);
        cache.invalidate(claimed.idHash());
        return ended;
    }

    private Optional<String> sealIdToken(Optional<String> idToken) {
        return idToken.map(token -> idTokens.seal(Map.of("idt", token))).filter(sealed -> sealed.length() <= MAX_SEALED_ID_TOKEN);
    }

    private Optional<String> sealRefreshToken(Optional<String> refreshToken) {
        // A refresh token too long to keep is dropped: the session then lives to its timeouts without refreshing.
        return refreshToken.map(token -> refreshTokens.seal(Map.of("rt", token))).filter(sealed -> sealed.length() <= MAX_SEALED_ID_TOKEN);
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
