package dev.oidcsso.auth;

import dev.oidcsso.config.TrustedHeaders;
import dev.oidcsso.http.TrustedProxies;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.identity.AccessRefusedException;
import dev.oidcsso.identity.Role;
import dev.oidcsso.identity.RoleDecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Authenticates requests whose identity a trusted reverse proxy (oauth2-proxy, NGINX with
 * auth_request, Traefik forward-auth, ...) has put into headers. The headers count only when the
 * peer is in {@code OIDC_TRUSTED_PROXIES}; from anyone else they are ignored. The groups go through
 * the same admin-group / user-group rules as an OIDC login.
 */
public final class TrustedHeaderAuthenticator implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(TrustedHeaderAuthenticator.class);
    private static final int MAX_USERNAME = 256;
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final TrustedProxies proxies;
    private final TrustedHeaders headers;
    private final RoleDecision roles;
    private final Accounts accounts;

    /**
     * Creates the authenticator.
     *
     * @param proxies the trusted proxies
     * @param headers the header names
     * @param roles    the role decision
     * @param accounts the recorded users
     */
    public TrustedHeaderAuthenticator(TrustedProxies proxies, TrustedHeaders headers, RoleDecision roles, Accounts accounts) {
        this.proxies = proxies;
        this.headers = headers;
        this.roles = roles;
        this.accounts = accounts;
    }

    @Override
    public Optional<Principal> authenticate(WebRequest request) {
        if (!proxies.trusts(request.remoteAddress())) {
            return Optional.empty();
        }
        Optional<String> user = request.header(headers.user()).map(String::trim).filter(u -> !u.isEmpty())
                .or(() -> request.header(headers.email()).map(String::trim).filter(u -> !u.isEmpty()));
        if (user.isEmpty()) {
            return Optional.empty();
        }
        String username = user.get();
        if (username.length() > MAX_USERNAME || CONTROL.matcher(username).find()) {
            throw new dev.oidcsso.OidcSsoException(400, "The proxy sent an unusable user name.");
        }
        // oauth2-proxy sends one header line per group, other proxies one comma-separated line:
        // both, and a mix, give the same list.
        List<String> groups = request.headers(headers.groups()).stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::trim).filter(g -> !g.isEmpty()).distinct().toList();
        Role role;
        try {
            role = roles.require(username, groups);
        } catch (AccessRefusedException e) {
            LOG.info("Proxy user '{}' is in none of the configured groups", username);
            throw e;
        }
        accounts.recordIfChanged(username, groups);
        return Optional.of(new Principal(username, groups, role == Role.ADMIN, AuthMethod.TRUSTED_HEADER, Optional.empty()));
    }
}
