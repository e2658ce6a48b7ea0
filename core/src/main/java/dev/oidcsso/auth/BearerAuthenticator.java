package dev.oidcsso.auth;

import dev.oidcsso.http.WebRequest;
import dev.oidcsso.identity.Identity;
import dev.oidcsso.identity.IdentityResolver;
import dev.oidcsso.identity.OrderedClaims;
import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.oidc.ProviderConnection;
import dev.oidcsso.oidc.TokenValidationException;
import dev.oidcsso.oidc.TokenValidator;
import dev.oidcsso.oidc.VerifiedToken;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Authenticates API clients by {@code Authorization: Bearer <JWT>}: a token the configured IdP
 * issued (access token or ID token), validated against its JWKS, issuer and the configured
 * audience with the same algorithm rules as login; groups and role come from its claims by the
 * same detector rules. An opaque (non-JWT) or invalid token gets 401.
 *
 * <p>A token that passed twice is remembered in a {@link BearerTokenCache} with the principal it
 * resolved to, so a script repeating it is not verified again; its {@code exp} and {@code nbf} are
 * still checked on every request, and a disabled user is still refused on every request. A token
 * issued longer than {@code OIDC_GROUPS_MAX_STALENESS} ago is refused: its groups may be stale.
 */
public final class BearerAuthenticator implements Authenticator {

    private final ProviderConnection provider;
    private final TokenValidator validator;
    private final IdentityResolver identities;
    private final List<String> audiences;
    private final Accounts accounts;
    private final BearerTokenCache cache;

    /**
     * Creates the authenticator.
     *
     * @param provider   the IdP connection
     * @param validator  the token validator
     * @param identities the identity rules
     * @param audiences  the accepted audiences ({@code OIDC_AUDIENCE}, by default the client id)
     * @param accounts   the recorded users
     */
    public BearerAuthenticator(ProviderConnection provider, TokenValidator validator, IdentityResolver identities,
                               List<String> audiences, Accounts accounts) {
        this(provider, validator, identities, audiences, accounts, new BearerTokenCache());
    }

    /**
     * Creates the authenticator with its own cache of verified tokens.
     *
     * @param provider   the IdP connection
     * @param validator  the token validator
     * @param identities the identity rules
     * @param audiences  the accepted audiences ({@code OIDC_AUDIENCE}, by default the client id)
     * @param accounts   the recorded users
     * @param cache      the verified tokens; its {@link BearerTokenCache#dropKey} hook is for whoever learns of a dropped key
     */
    public BearerAuthenticator(ProviderConnection provider, TokenValidator validator, IdentityResolver identities,
                               List<String> audiences, Accounts accounts, BearerTokenCache cache) {
        this.cache = cache;
        this.provider = provider;
        this.validator = validator;
        this.identities = identities;
        this.audiences = List.copyOf(audiences);
        this.accounts = accounts;
    }

    @Override
    public Optional<Principal> authenticate(WebRequest request) {
        Optional<String> token = bearerToken(request);
        if (token.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(authenticate(present(token.get())));
    }

    /**
     * A request's bearer token with its digest, taken once however many IdPs' caches are asked.
     *
     * @param token the token
     * @return the token and its digest
     * @throws TokenValidationException when the token is empty
     */
    public Presented present(String token) {
        if (token.isEmpty()) {
            throw new TokenValidationException("the bearer token is empty");
        }
        return new Presented(token, cache.keepsNothing() ? null : cache.digest(token));
    }

    /**
     * The principal of a token this IdP verified earlier and still caches, with every check a cached
     * token gets (times, key, binding, revocation, staleness); for a router of several IdPs, which
     * asks each IdP's own cache before it parses the token to choose one.
     *
     * @param presented the token
     * @return the principal, or empty when this IdP's cache does not hold it (or the IdP is not discovered now)
     * @throws TokenValidationException when the cached token is refused now
     */
    public Optional<Principal> authenticateCached(Presented presented) {
        Optional<DiscoveredProvider> current = provider.current();
        return current.isEmpty() ? Optional.empty() : fromCache(presented, current.get());
    }

    /**
     * Authenticates a token with this IdP: from its cache, else verified.
     *
     * @param presented the token
     * @return the principal
     * @throws TokenValidationException when the token is refused
     */
    public Principal authenticate(Presented presented) {
        DiscoveredProvider current = provider.require();
        Optional<Principal> cached = fromCache(presented, current);
        return cached.isPresent() ? cached.get() : verify(presented, current);
    }

    private Optional<Principal> fromCache(Presented presented, DiscoveredProvider current) {
        BearerTokenCache.Digest digest = presented.digest;
        Optional<BearerTokenCache.Entry> cached = digest == null ? Optional.empty() : cache.findEntry(digest, current, validator);
        if (cached.isEmpty()) {
            return Optional.empty();
        }
        Principal principal = cached.get().principal();
        VerifiedToken token = cached.get().token();
        // The binding may have changed since the token was verified (a first login, an admin's link).
        requireBoundIdentity(principal.username(), current, token);
        // Every refusal before the token's groups are recorded: a refused token changes nothing.
        requireAndRecord(principal.username(), principal.groups(), token);
        return Optional.of(principal);
    }

    private Principal verify(Presented presented, DiscoveredProvider current) {
        String token = presented.token;
        BearerTokenCache.Digest digest = presented.digest;
        VerifiedToken verified = validator.verifyBearer(current, token, audiences);
        if (verified.claims().getIssueTime() == null && verified.claims().getNotBeforeTime() == null) {
            // Without either the age of its groups is unknown, so neither the staleness bound nor "older groups never
            // overwrite newer ones" could hold. RFC 9068 requires iat in JWT access tokens.
            throw new TokenValidationException("the bearer token was refused: it has neither iat nor nbf, so the age of its groups is unknown");
        }
        // The claims in the token's order, made once and kept by the identity (no JSON object and copy of it).
        Identity identity = identities.resolveToken(OrderedClaims.of(verified.claims()));
        // The token's user name must belong to the account its subject signed in as (see Accounts).
        requireBoundIdentity(identity.username(), current, verified);
        requireAndRecord(identity.username(), identity.groups(), verified);
        Principal principal = new Principal(identity.username(), identity.groups(), identity.admin(), AuthMethod.BEARER, Optional.empty());
        if (digest != null) {
            cache.offer(digest, verified, principal, current, validator);
        }
        return principal;
    }

    /**
     * A bearer token and its digest (none when the cache keeps nothing); the digest is SHA-256, the
     * same for every IdP's cache. Its {@code toString} names neither.
     */
    public static final class Presented {

        private final String token;
        private final BearerTokenCache.Digest digest;

        private Presented(String token, BearerTokenCache.Digest digest) {
            this.token = token;
            this.digest = digest;
        }

        /**
         * The token.
         *
         * @return the compact serialized token
         */
        public String token() {
            return token;
        }

        @Override
        public String toString() {
            return "Presented[bearer token]";
        }
    }

    private void requireBoundIdentity(String username, DiscoveredProvider current, VerifiedToken token) {
        accounts.requireIdentity(username, token.claims().getSubject(), token.claims().getIssuer(),
                bound -> validator.acceptsIssuer(current, token.claims(), bound));
    }

    /**
     * The checks of a verified or cached token's user, then the record of its groups: not revoked
     * (a token without {@code iat} counts as issued long ago, so refused once the user has been
     * disabled), groups not stale (they were true at its {@code iat}, else its {@code nbf}; a token
     * without either is refused before it is cached), and recorded unless older than the recorded ones.
     */
    private void requireAndRecord(String username, List<String> groups, VerifiedToken token) {
        Date iat = token.claims().getIssueTime();
        Date groupsAt = iat != null ? iat : token.claims().getNotBeforeTime();
        accounts.requireNotRevoked(username, iat == null ? Instant.EPOCH : iat.toInstant());
        Optional<Instant> groupsTime = groupsAt == null ? Optional.empty() : Optional.of(groupsAt.toInstant());
        if (groupsTime.isPresent()) {
            accounts.requireFreshTokenGroups(username, groupsTime.get());
        }
        accounts.recordIfChanged(username, groups, groupsTime);
    }

    /**
     * The bearer token of a request's {@code Authorization} header, as every bearer authenticator reads it.
     *
     * @param request the request
     * @return the token (possibly empty), or empty when the header is absent or of another scheme
     */
    public static Optional<String> bearerToken(WebRequest request) {
        return credentials(request, "bearer");
    }

    /**
     * The credentials of an {@code Authorization} header of the given scheme.
     *
     * @param request the request
     * @param scheme  the scheme, lower case
     * @return the credentials (possibly empty), or empty when the header is absent or of another scheme
     */
    static Optional<String> credentials(WebRequest request, String scheme) {
        Optional<String> header = request.header("Authorization");
        if (header.isEmpty()) {
            return header;
        }
        String value = header.get().trim();
        int length = scheme.length();
        if (value.length() > length && value.charAt(length) == ' ' && asciiPrefix(value, scheme)) {
            // The usual case, without the lower-cased copy below: an ASCII scheme, a space, the credentials.
            return Optional.of(value.substring(length).trim());
        }
        return Optional.of(value)
                .filter(text -> text.length() >= length && text.substring(0, length).toLowerCase(Locale.ROOT).equals(scheme)
                        && (text.length() == length || text.charAt(length) == ' '))
                .map(text -> text.substring(length).trim());
    }

    /** Whether the value starts with the (lower-case ASCII) scheme, in any case of ASCII letters. */
    private static boolean asciiPrefix(String value, String scheme) {
        for (int k = 0; k < scheme.length(); k++) {
            char c = value.charAt(k);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != scheme.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
