package dev.oidcsso.auth;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.identity.AccessRefusedException;
import dev.oidcsso.identity.Role;
import dev.oidcsso.identity.RoleDecision;
import dev.oidcsso.store.TokenCheck;
import dev.oidcsso.store.TokenInfo;
import dev.oidcsso.store.TokenStore;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Authenticates scripts by {@code Authorization: Basic user:token} with the personal access token
 * the user generated (the MLflow client's {@code MLFLOW_TRACKING_USERNAME} and
 * {@code MLFLOW_TRACKING_PASSWORD}). The groups are those recorded at the user's last browser
 * login (or session refresh), under the same admin-group / user-group rules, and only while they
 * are younger than {@code OIDC_GROUPS_MAX_STALENESS}: after that the user must sign in again. Any failure is a 401 that does not say
 * whether the user or the token was wrong, or a 429 past the {@link FailureBrake}'s limit, which never
 * stops a correct token.
 */
public final class BasicTokenAuthenticator implements Authenticator {

    private static final int MAX_CREDENTIALS = 4096;
    private static final int MAX_USERNAME = 256;

    private final TokenStore tokens;
    private final Accounts accounts;
    private final Function<String, RoleDecision> rolesOf;
    private final FailureBrake brake;

    /**
     * Creates the authenticator.
     *
     * @param tokens   the access tokens
     * @param accounts the recorded users
     * @param roles    the role decision
     */
    public BasicTokenAuthenticator(TokenStore tokens, Accounts accounts, RoleDecision roles) {
        this(tokens, accounts, roles, new FailureBrake());
    }

    /**
     * Creates the authenticator with a given brake on failed attempts.
     *
     * @param tokens   the access tokens
     * @param accounts the recorded users
     * @param roles    the role decision
     * @param brake    counts failures per address and user name; past its limit failures get 429
     */
    public BasicTokenAuthenticator(TokenStore tokens, Accounts accounts, RoleDecision roles, FailureBrake brake) {
        this(tokens, accounts, username -> roles, brake);
    }

    /**
     * Creates the authenticator for several IdPs, each with its own role groups.
     *
     * @param tokens   the access tokens
     * @param accounts the recorded users
     * @param rolesOf  the role decision of a user's IdP, by user name
     * @param brake    counts failures per address and user name; past its limit failures get 429
     */
    public BasicTokenAuthenticator(TokenStore tokens, Accounts accounts, Function<String, RoleDecision> rolesOf, FailureBrake brake) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.rolesOf = rolesOf;
        this.brake = brake;
    }

    @Override
    public Optional<Principal> authenticate(WebRequest request) {
        Optional<String> credentials = BearerAuthenticator.credentials(request, "basic");
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        Optional<Credentials> pair = Credentials.parse(credentials.get());
        if (pair.isEmpty()) {
            throw failed(request, null);
        }
        String username = pair.get().username();
        TokenCheck check = tokens.verify(username, pair.get().token());
        if (check == TokenCheck.USER_DISABLED) {
            throw new AccessRefusedException("The account '" + username + "' has been disabled by an administrator.");
        }
        if (!check.isValid()) {
            throw failed(request, username);
        }
        tokens.find(username).ifPresent(info -> accounts.requireNotRevoked(username, info.createdAt()));
        accounts.requireFreshRecordedGroups(username);
        List<String> groups = accounts.recordedGroups(username).orElse(List.of());
        Role role = rolesOf.apply(username).require(username, groups);
        // The token just verified is the user's current one, so its dates are the stored ones.
        Optional<Instant> expiry = tokens.find(username).flatMap(TokenInfo::expiresAt);
        return Optional.of(new Principal(username, groups, role == Role.ADMIN, AuthMethod.BASIC, Optional.empty(), expiry));
    }

    /**
     * The access token a request presents in its basic {@code Authorization} header, as this
     * authenticator reads it: for a route that must act on the very token its caller authenticated
     * with (rotating it).
     *
     * @param request the request
     * @return the token, or empty when the request has no well-formed basic credentials
     */
    public static Optional<String> presentedToken(WebRequest request) {
        return BearerAuthenticator.credentials(request, "basic").flatMap(Credentials::parse).map(Credentials::token);
    }

    /** A user name and access token as basic auth carries them. Its {@code toString} names neither. */
    private record Credentials(String username, String token) {

        @Override
        public String toString() {
            return "Credentials[basic]";
        }

        /** The user name and token of basic credentials, or empty when they are malformed or the name can be no account's. */
        static Optional<Credentials> parse(String credentials) {
            String decoded;
            try {
                if (credentials.length() > MAX_CREDENTIALS) {
                    return Optional.empty();
                }
                decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            String username = decoded.substring(0, colon);
            if (username.length() > MAX_USERNAME || username.chars().anyMatch(Character::isISOControl)) {
                // Never a valid account name: refused before the store is asked (PostgreSQL rejects NUL bytes).
                return Optional.empty();
            }
            return Optional.of(new Credentials(username, decoded.substring(colon + 1)));
        }
    }

    /** A failure: 401, or 429 once the address or user name is past the brake's limit. */
    private OidcSsoException failed(WebRequest request, String username) {
        long wait = brake.failed(request.remoteAddress(), username);
        return wait > 0 ? new TooManyFailuresException(wait) : unauthorized();
    }

    private static OidcSsoException unauthorized() {
        return new OidcSsoException(401, "The user name or access token is wrong, expired or replaced by a newer one.");
    }
}
