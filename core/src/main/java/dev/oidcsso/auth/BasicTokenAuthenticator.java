package dev.oidcsso.auth;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.identity.AccessRefusedException;
import dev.oidcsso.identity.Role;
import dev.oidcsso.identity.RoleDecision;
import dev.oidcsso.store.TokenCheck;
import dev.oidcsso.store.TokenStore;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates scripts by {@code Authorization: Basic user:token} with the personal access token
 * the user generated (the MLflow client's {@code MLFLOW_TRACKING_USERNAME} and
 * {@code MLFLOW_TRACKING_PASSWORD}). The groups are those recorded at the user's last browser
 * login, under the same admin-group / user-group rules. Any failure is a 401 that does not say
 * whether the user or the token was wrong.
 */
public final class BasicTokenAuthenticator implements Authenticator {

    private static final int MAX_CREDENTIALS = 4096;
    private static final int MAX_USERNAME = 256;

    private final TokenStore tokens;
    private final Accounts accounts;
    private final RoleDecision roles;

    /**
     * Creates the authenticator.
     *
     * @param tokens   the access tokens
     * @param accounts the recorded users
     * @param roles    the role decision
     */
    public BasicTokenAuthenticator(TokenStore tokens, Accounts accounts, RoleDecision roles) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.roles = roles;
    }

    @Override
    public Optional<Principal> authenticate(WebRequest request) {
        Optional<String> credentials = BearerAuthenticator.credentials(request, "basic");
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        String decoded;
        try {
            if (credentials.get().length() > MAX_CREDENTIALS) {
                throw new IllegalArgumentException("too long");
            }
            decoded = new String(Base64.getDecoder().decode(credentials.get()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unauthorized();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw unauthorized();
        }
        String username = decoded.substring(0, colon);
        if (username.length() > MAX_USERNAME || username.chars().anyMatch(Character::isISOControl)) {
            // Never a valid account name: refuse before the store is asked (PostgreSQL rejects NUL bytes).
            throw unauthorized();
        }
        TokenCheck check = tokens.verify(username, decoded.substring(colon + 1));
        if (check == TokenCheck.USER_DISABLED) {
            throw new AccessRefusedException("The account '" + username + "' has been disabled by an administrator.");
        }
        if (!check.isValid()) {
            throw unauthorized();
        }
        tokens.find(username).ifPresent(info -> accounts.requireNotRevoked(username, info.createdAt()));
        List<String> groups = accounts.recordedGroups(username).orElse(List.of());
        Role role = roles.require(username, groups);
        return Optional.of(new Principal(username, groups, role == Role.ADMIN, AuthMethod.BASIC, Optional.empty()));
    }

    private static OidcSsoException unauthorized() {
        return new OidcSsoException(401, "The user name or access token is wrong, expired or replaced by a newer one.");
    }
}
