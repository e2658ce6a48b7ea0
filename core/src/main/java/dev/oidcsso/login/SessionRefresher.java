package dev.oidcsso.login;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.OidcSsoException;
import dev.oidcsso.auth.Accounts;
import dev.oidcsso.identity.GroupsUnavailableException;
import dev.oidcsso.identity.Identity;
import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.oidc.JwtParsing;
import dev.oidcsso.oidc.LoginTokens;
import dev.oidcsso.oidc.ProviderResponseException;
import dev.oidcsso.oidc.ProviderUnavailableException;
import dev.oidcsso.oidc.RefreshedTokens;
import dev.oidcsso.oidc.TokenValidationException;
import dev.oidcsso.oidc.UserInfoClient;
import dev.oidcsso.session.SessionManager;
import dev.oidcsso.session.SessionRecord;
import dev.oidcsso.store.IdpIdentity;
import dev.oidcsso.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Refreshes the IdP's tokens of active sessions ({@code OIDC_REFRESH_TOKENS}): a request on a
 * session whose tokens expire within {@code OIDC_REFRESH_BEFORE} hands it here, and the refresh runs
 * on the background executor, never on the request thread.
 *
 * <ul>
 *   <li>Single-flight: one refresh per session at a time in this replica; across replicas the
 *       refresh is claimed with a compare-and-set on the session's version, and the loser re-reads
 *       the session, so a rotated refresh token is spent once.</li>
 *   <li>Each refresh runs the login's identity, groups, role and account steps ({@link AccountCheck})
 *       on the new tokens: the new ID token is checked against the login's as OpenID Connect Core
 *       12.2 says (same {@code iss}, {@code sub}, {@code aud}, {@code azp}, {@code auth_time},
 *       {@code nonce}); without a new ID token, UserInfo read with the new access token supplies
 *       the claims over the original ID token's. The session keeps the login's ID token, never a
 *       refreshed one: it is also the {@code id_token_hint} of the logout URL, which must not work
 *       as a bearer token, and a refreshed ID token commonly carries no {@code nonce}.</li>
 *   <li>A refusal (the IdP answers 4xx, such as {@code invalid_grant}; the new tokens name another
 *       user; the user is refused, disabled or in no allowed group) ends the session at once, cause
 *       {@value #REFUSED}. An IdP that cannot be reached or answers 5xx is not a refusal: the session
 *       lives on until its timeouts and the refresh is tried again with a growing pause.</li>
 * </ul>
 */
public final class SessionRefresher {

    /** The end cause of a session whose refresh the IdP or the identity rules refused. */
    public static final String REFUSED = "refresh-refused";
    /** The first pause after an unreachable IdP; it doubles up to {@link #MAX_BACKOFF}. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
    /** The longest pause between two tries of one session's refresh. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(SessionRefresher.class);

    /** What one refresh attempt came to. */
    public enum Result {
        /** The tokens were refreshed and the identity checked again. */
        REFRESHED,
        /** Nothing to do: the session is not due (any more), ended, or has no usable refresh token. */
        NOT_DUE,
        /** Another replica claimed the refresh first; the session was read again. */
        CLAIMED_ELSEWHERE,
        /** The IdP (or the user store) could not be reached; the session lives on and is tried later. */
        UNREACHABLE,
        /** The refresh was refused; the session ended. */
        ENDED
    }

    private record Backoff(Instant next, Duration pause) {
    }

    private final IdentityProviders idps;
    private final Accounts accounts;
    private final UserInfoClient userInfo;
    private final SessionManager sessions;
    private final Clock clock;
    private final Duration lease;
    private final Executor executor;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final int perIdp;
    /** Each IdP's refreshes under way, by IdP name: as many entries as IdPs (and names of removed ones). */
    private final Map<String, Semaphore> underWay = new ConcurrentHashMap<>();
    private final Cache<String, Backoff> backoffs = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(MAX_BACKOFF.multipliedBy(2)).build();

    /**
     * Creates the refresher; {@link SessionManager#onRefreshDue} is to be given {@link #due}.
     *
     * @param idps       the IdPs: each session refreshes through the one it signed in with
     * @param userInfo   reads UserInfo when a refresh brings no ID token or the identity rules ask
     * @param accounts   the recorded users
     * @param sessions   the sessions
     * @param clock      the clock
     * @param lease      how long a claim holds if this replica stops mid-refresh (a few IdP timeouts)
     * @param executor   runs the refreshes, off the request threads
     */
    public SessionRefresher(IdentityProviders idps, UserInfoClient userInfo, Accounts accounts, SessionManager sessions, Clock clock,
                            Duration lease, Executor executor) {
        this(idps, userInfo, accounts, sessions, clock, lease, executor, Integer.MAX_VALUE);
    }

    /**
     * Creates the refresher with a bound on each IdP's refreshes under way (queued or running): with
     * several IdPs, one that is slow or hangs must not hold every refresh thread, or no other IdP's
     * sessions would refresh.
     *
     * @param idps       the IdPs: each session refreshes through the one it signed in with
     * @param userInfo   reads UserInfo when a refresh brings no ID token or the identity rules ask
     * @param accounts   the recorded users
     * @param sessions   the sessions
     * @param clock      the clock
     * @param lease      how long a claim holds if this replica stops mid-refresh (a few IdP timeouts)
     * @param executor   runs the refreshes, off the request threads
     * @param perIdp     the most refreshes of one IdP running at once, at least 1; a session whose turn comes
     *                   while its IdP has that many running is tried again at its next request
     */
    public SessionRefresher(IdentityProviders idps, UserInfoClient userInfo, Accounts accounts, SessionManager sessions, Clock clock,
                            Duration lease, Executor executor, int perIdp) {
        if (perIdp < 1) {
            throw new IllegalArgumentException("each IdP needs at least one refresh at a time");
        }
        this.perIdp = perIdp;
        this.idps = idps;
        this.accounts = accounts;
        this.userInfo = userInfo;
        this.sessions = sessions;
        this.clock = clock;
        this.lease = lease;
        this.executor = executor;
    }

    /**
     * Called on a request thread for a session that is due: starts its refresh in the background
     * unless one is under way here or the last try failed too recently. Never blocks, never throws.
     *
     * @param record the session as the request found it
     */
    public void due(SessionRecord record) {
        String hash = record.idHash();
        Backoff backoff = backoffs.getIfPresent(hash);
        if (backoff != null && clock.instant().isBefore(backoff.next())) {
            return;
        }
        if (!inFlight.add(hash)) {
            return;
        }
        String idp = idps.ofSession(Optional.of(record.idp()).filter(name -> !name.isEmpty()))
                .map(IdentityProvider::name).orElse(record.idp());
        Semaphore running = underWay.computeIfAbsent(idp, name -> new Semaphore(perIdp));
        try {
            executor.execute(() -> {
                // Counted when it runs, not when it is queued: the queue keeps serving the other IdPs' sessions,
                // while an IdP that already has its share of the threads (it may be slow or hanging) waits.
                if (!running.tryAcquire()) {
                    inFlight.remove(hash); // tried again at its next request
                    return;
                }
                try {
                    refresh(hash);
                } catch (RuntimeException e) {
                    LOG.warn("Session refresh failed unexpectedly: {}", e.toString());
                } finally {
                    inFlight.remove(hash);
                    running.release();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(hash);
        }
    }

    /**
     * Refreshes one session now, on the calling thread (the background task; tests call it directly).
     *
     * @param idHash the hash of the session's id
     * @return what came of it
     */
    public Result refresh(String idHash) {
        Instant now = clock.instant();
        Optional<SessionRecord> read;
        try {
            read = sessions.reread(idHash);
        } catch (StoreUnavailableException e) {
            return unreachable(idHash, "the session store", e);
        }
        if (read.isEmpty() || read.get().endedAt().isPresent() || !now.isBefore(read.get().expiresAt())
                || !read.get().refreshDueAt(now, sessions.refreshBefore())) {
            return Result.NOT_DUE;
        }
        SessionRecord record = read.get();
        Optional<String> refreshToken = sessions.refreshToken(record);
        if (refreshToken.isEmpty()) {
            // Sealed under another SECRET_KEY: the session lives to its timeouts without refreshing, and its
            // requests do not ask the store again and again.
            backoffs.put(idHash, new Backoff(now.plus(MAX_BACKOFF), MAX_BACKOFF));
            return Result.NOT_DUE;
        }
        Optional<SessionRecord> claimed;
        try {
            claimed = sessions.claimRefresh(record, lease);
        } catch (StoreUnavailableException e) {
            return unreachable(idHash, "the session store", e);
        }
        if (claimed.isEmpty()) {
            sessions.reread(idHash);
            return Result.CLAIMED_ELSEWHERE;
        }
        // Once the IdP has answered, it may have rotated the refresh token and spent the old one: whatever
        // fails after that must keep the new one, or the next try presents a spent token and is refused.
        String[] rotated = new String[1];
        try {
            // The session's own IdP: its token endpoint, client, keys and identity rules.
            IdentityProvider idp = idps.ofSession(Optional.of(record.idp()).filter(name -> !name.isEmpty()))
                    .orElseThrow(() -> new LoginExpiredException("the session's identity provider '" + record.idp()
                            + "' is no longer configured"));
            DiscoveredProvider discovered = idp.connection().require();
            RefreshedTokens refreshed = idp.logins().flow().refresh(discovered, refreshToken.get(), token -> rotated[0] = token);
            // The login's ID token: a refresh never replaces it (SessionManager.recordRefresh says why).
            Optional<JWTClaimsSet> original = sessions.idToken(record).flatMap(SessionRefresher::claimsOf);
            Optional<LoginTokens> tokens = tokensFor(discovered, record, original, refreshed, idp.view().groupsAttribute());
            if (tokens.isEmpty()) {
                // Neither a new ID token nor UserInfo tells the groups: the tokens are kept fresh, but the login's
                // groups are not passed off as new (the account's groups keep their age, so API staleness still counts).
                boolean kept = sessions.recordRefresh(claimed.get(), refreshed.refreshToken(), refreshed.tokensExpireAt()
                        .or(() -> Optional.of(clock.instant().plus(quietAfterUnknownExpiry()))), record.groups(), record.admin());
                backoffs.invalidate(idHash);
                return kept ? Result.REFRESHED : Result.NOT_DUE;
            }
            Identity identity = new AccountCheck(userInfo, idp.identities(), accounts)
                    .admit(discovered, tokens.get(), new IdpIdentity(record.issuer(), record.subject()));
            if (!identity.username().equals(record.username())) {
                throw new TokenValidationException("the refreshed tokens name another user than the session's");
            }
            boolean recorded = sessions.recordRefresh(claimed.get(), refreshed.refreshToken(), refreshed.tokensExpireAt()
                    .or(() -> Optional.of(clock.instant().plus(quietAfterUnknownExpiry()))), identity.groups(), identity.admin());
            backoffs.invalidate(idHash);
            if (recorded) {
                Audit.event("session refreshed", "user", record.username(), "admin", identity.admin(), "groups",
                        identity.groups().size(), "rotated", refreshed.refreshToken().isPresent());
            }
            return recorded ? Result.REFRESHED : Result.NOT_DUE;
        } catch (ProviderUnavailableException | GroupsUnavailableException | StoreUnavailableException e) {
            release(claimed.get(), Optional.ofNullable(rotated[0]));
            return unreachable(idHash, "the identity provider", e);
        } catch (OidcSsoException e) {
            if (e.status() >= 500) {
                // A 5xx or unreadable answer from the IdP: not a refusal.
                release(claimed.get(), Optional.ofNullable(rotated[0]));
                return unreachable(idHash, "the identity provider", e);
            }
            if (e instanceof ProviderResponseException answer && !answer.grantRefused()) {
                // 429, temporarily_unavailable, invalid_client (a secret rotated at the IdP first): nothing about
                // this user, so every session is not ended for it; the operator is told.
                LOG.warn("The identity provider did not refresh a session, and did not refuse its grant either: {}", e.getMessage());
                release(claimed.get(), Optional.ofNullable(rotated[0]));
                return unreachable(idHash, "the identity provider", e);
            }
            backoffs.invalidate(idHash);
            try {
                if (!sessions.endClaimed(claimed.get(), REFUSED)) {
                    // Another replica refreshed (or ended) it after this claim's lease ran out: the refusal was
                    // of a token already spent there, and says nothing about the session.
                    return Result.CLAIMED_ELSEWHERE;
                }
            } catch (StoreUnavailableException unavailable) {
                // The claim stays until its lease ends; the next due request tries again.
                return unreachable(idHash, "the session store", unavailable);
            }
            Audit.event("session ended: refresh refused", "user", record.username(), "status", e.status(), "reason", e.getMessage());
            return Result.ENDED;
        }
    }

    /**
     * When the IdP tells no expiry (no {@code expires_in}, no ID token), the next refresh is due after
     * this: at least five minutes and twice the margin, so that a session does not refresh on every
     * request.
     */
    private Duration quietAfterUnknownExpiry() {
        Duration twice = sessions.refreshBefore().multipliedBy(2);
        Duration least = Duration.ofMinutes(5);
        return sessions.refreshBefore().plus(twice.compareTo(least) > 0 ? twice : least);
    }

    /**
     * Frees the claim of a refresh that could not finish, so the retry after the pause may claim again:
     * with the rotated refresh token when the IdP already answered, else with the one held.
     */
    private void release(SessionRecord claimed, Optional<String> rotated) {
        try {
            sessions.recordRefresh(claimed, rotated, claimed.tokensExpireAt(), claimed.groups(), claimed.admin());
        } catch (StoreUnavailableException e) {
            // The claim then ends with its lease.
            LOG.debug("Could not release a refresh claim: {}", e.getMessage());
        }
    }

    private Result unreachable(String idHash, String what, RuntimeException e) {
        Backoff last = backoffs.getIfPresent(idHash);
        Duration pause = last == null ? FIRST_BACKOFF : last.pause().multipliedBy(2);
        if (pause.compareTo(MAX_BACKOFF) > 0) {
            pause = MAX_BACKOFF;
        }
        backoffs.put(idHash, new Backoff(clock.instant().plus(pause), pause));
        LOG.info("Session refresh postponed by {}: {} is unavailable ({})", pause, what, e.getMessage());
        return Result.UNREACHABLE;
    }

    /**
     * The tokens the identity steps read: the new ID token checked against the session's, or UserInfo
     * over the original claims without their groups. Empty when neither tells the groups: the login's
     * groups are then not taken for today's.
     */
    private Optional<LoginTokens> tokensFor(DiscoveredProvider discovered, SessionRecord record, Optional<JWTClaimsSet> original,
                                            RefreshedTokens refreshed, String groupsAttribute) {
        if (refreshed.idToken().isPresent() && refreshed.idTokenClaims().isPresent()) {
            JWTClaimsSet claims = refreshed.idTokenClaims().get();
            checkSameAuthentication(record, original, claims);
            return Optional.of(new LoginTokens(refreshed.idToken().get(), claims, refreshed.accessToken()));
        }
        String accessToken = refreshed.accessToken().orElseThrow(() -> new TokenValidationException(
                "the refresh brought neither an ID token nor an access token"));
        // OpenID Connect Core 5.3.2: UserInfo's sub must be the session's; the client checks it.
        Map<String, Object> fromUserInfo = userInfo.fetch(discovered, accessToken, record.subject());
        if (!fromUserInfo.containsKey(groupsAttribute) && !fromUserInfo.containsKey(firstSegment(groupsAttribute))) {
            return Optional.empty();
        }
        Map<String, Object> merged = new LinkedHashMap<>(original.map(JWTClaimsSet::toJSONObject).orElseGet(Map::of));
        merged.remove(groupsAttribute);
        merged.remove(firstSegment(groupsAttribute));
        merged.putAll(fromUserInfo);
        merged.put("iss", record.issuer());
        merged.put("sub", record.subject());
        try {
            return Optional.of(new LoginTokens(sessions.idToken(record).orElse(""), JWTClaimsSet.parse(merged), Optional.of(accessToken)));
        } catch (ParseException e) {
            throw new TokenValidationException("the identity provider's UserInfo answer is unusable after a refresh");
        }
    }

    /** A nested claim path's top-level claim ({@code realm_access} of {@code realm_access.roles}). */
    private static String firstSegment(String path) {
        int dot = path.indexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }

    /**
     * OpenID Connect Core 12.2: a refreshed ID token belongs to the same user, client and authentication
     * as the ID token of the original authentication, which {@code original} is (the login's, kept).
     */
    private static void checkSameAuthentication(SessionRecord record, Optional<JWTClaimsSet> original, JWTClaimsSet claims) {
        if (!record.issuer().equals(claims.getIssuer()) || !record.subject().equals(claims.getSubject())) {
            throw new TokenValidationException("the refreshed ID token names another issuer or subject than the session's");
        }
        if (original.isEmpty()) {
            return;
        }
        JWTClaimsSet first = original.get();
        if (!Set.copyOf(first.getAudience()).equals(Set.copyOf(claims.getAudience()))) {
            throw new TokenValidationException("the refreshed ID token has another audience than the session's");
        }
        for (String claim : new String[] {"azp", "auth_time", "nonce"}) {
            Object was = first.getClaim(claim);
            Object is = claims.getClaim(claim);
            if (was != null && is != null && !Objects.equals(String.valueOf(was), String.valueOf(is))) {
                throw new TokenValidationException("the refreshed ID token's '" + claim + "' differs from the session's");
            }
        }
    }

    private static Optional<JWTClaimsSet> claimsOf(String idToken) {
        try {
            // Sealed by this framework after validation at login, so its content is authentic.
            return Optional.of(JwtParsing.parse(idToken).getJWTClaimsSet());
        } catch (ParseException e) {
            return Optional.empty();
        }
    }
}
