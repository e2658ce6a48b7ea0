package dev.oidcsso.identity;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetectionException;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.spi.IdentitySource;
import dev.oidcsso.spi.IdentityValidator;
import dev.oidcsso.spi.LoginClaims;
import dev.oidcsso.spi.ProviderProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the claims of a login (or of a bearer token) into an admitted {@link Identity}: identity
 * source, user name, identity validator, group detector, role. Anyone not admitted gets an
 * {@link AccessRefusedException} (403).
 */
public final class IdentityResolver {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityResolver.class);
    private static final int MAX_USERNAME = 256;

    private final IdentitySource source;
    private final IdentityValidator validator;
    private final GroupDetector detector;
    private final RoleDecision roles;
    private final List<String> usernameClaims;
    private final ProviderProfile profile;

    /**
     * Creates the resolver from its configured parts.
     *
     * @param settings  the settings (username claims, groups)
     * @param source    the identity source
     * @param validator the configured identity validator
     * @param detector  the configured group detector
     * @param roles     the role authority
     */
    public IdentityResolver(OidcSettings settings, IdentitySource source, IdentityValidator validator, GroupDetector detector,
                            RoleDecision roles) {
        this.source = source;
        this.validator = validator;
        this.detector = detector;
        this.roles = roles;
        this.usernameClaims = settings.usernameClaims();
        this.profile = settings.profile();
    }

    /**
     * Resolves a browser login.
     *
     * @param login the validated login claims
     * @return the admitted identity
     * @throws AccessRefusedException when the user may not use the application
     */
    public Identity resolve(LoginClaims login) {
        Map<String, Object> claims = source.claims(login);
        return admit(claims, new Context(usernameOf(claims), claims, login));
    }

    /**
     * Resolves the claims of a validated bearer token (no UserInfo, no access token).
     *
     * @param tokenClaims the token's claims
     * @return the admitted identity
     * @throws AccessRefusedException when the user may not use the application
     */
    public Identity resolveToken(Map<String, Object> tokenClaims) {
        LoginClaims tokenOnly = new LoginClaims() {
            @Override
            public Map<String, Object> idTokenClaims() {
                return tokenClaims;
            }

            @Override
            public Map<String, Object> userInfo() {
                throw new AccessRefusedException("UserInfo is not available for bearer tokens");
            }

            @Override
            public Optional<Map<String, Object>> userInfoIfFetched() {
                return Optional.empty();
            }

            @Override
            public Optional<String> accessToken() {
                return Optional.empty();
            }
        };
        return admit(tokenClaims, new Context(usernameOf(tokenClaims), tokenClaims, tokenOnly));
    }

    private Identity admit(Map<String, Object> claims, Context context) {
        Optional<String> refusal = validator.refusal(claims);
        if (refusal.isPresent()) {
            LOG.info("Identity '{}' refused by the {} validator", context.username(), validator.name());
            // No groups to record: the identity no longer qualifies, so a known user's other sessions and tokens lose access.
            throw new RefusedIdentityException(refusal.get(), context.username(), claims, List.of());
        }
        List<String> groups;
        try {
            groups = List.copyOf(detector.detectGroups(context));
        } catch (GroupDetectionException e) {
            LOG.warn("Group detection by '{}' failed for '{}': {}", detector.name(), context.username(), e.getMessage());
            throw new GroupsUnavailableException("Your groups could not be determined: the group detector '" + detector.name()
                    + "' failed. Please try again later; if this persists, the administrator finds the cause in the server log.");
        } catch (OidcSsoException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("Group detector '{}' failed for '{}'", detector.name(), context.username(), e);
            throw new GroupsUnavailableException("Your groups could not be determined: the group detector '" + detector.name()
                    + "' failed unexpectedly. Please try again later; if this persists, the administrator finds the cause in the server log.");
        }
        Role role;
        try {
            role = roles.require(context.username(), groups);
        } catch (AccessRefusedException e) {
            LOG.info("User '{}' is in none of the configured groups", context.username());
            throw new RefusedIdentityException(e.getMessage(), context.username(), claims, groups);
        }
        return new Identity(context.username(), claims, groups, role);
    }

    private String usernameOf(Map<String, Object> claims) {
        for (String claim : usernameClaims) {
            if (claim.equals("email") && !profile.emailVerified(claims)) {
                // An unverified address is anybody's to type (OpenID Connect Core 5.7): fall through to the next claim.
                continue;
            }
            Optional<Object> value = ClaimPath.read(claims, claim);
            if (value.isPresent() && value.get() instanceof String text && !text.isBlank()) {
                if (text.length() > MAX_USERNAME || hasControlCharacter(text)) {
                    // A user-editable claim must not smuggle line breaks into logs or grants.
                    throw new AccessRefusedException("Your account's '" + claim + "' claim cannot serve as a user name "
                            + "(longer than " + MAX_USERNAME + " characters or with control characters).");
                }
                return text;
            }
        }
        throw new AccessRefusedException("Your account has none of the claims " + usernameClaims
                + " that name a user (an 'email' counts only when the identity provider marks it verified); "
                + "ask the administrator to set OIDC_USERNAME_CLAIM.");
    }

    /** A loop, not a stream: this runs on every bearer token. */
    private static boolean hasControlCharacter(String text) {
        for (int k = 0; k < text.length(); k++) {
            if (Character.isISOControl(text.charAt(k))) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a group detector sees. {@link #userInfoClaims()} never calls the IdP, as its contract says:
     * it is empty unless UserInfo was fetched (by the {@code userinfo} identity source). The built-in
     * {@code userinfo} detector asks for it on demand through {@link #fetchUserInfo()}.
     */
    record Context(String username, Map<String, Object> claims, LoginClaims login) implements GroupDetectionContext {

        @Override
        public Map<String, Object> tokenClaims() {
            return login.idTokenClaims();
        }

        @Override
        public Optional<Map<String, Object>> userInfoClaims() {
            return login.userInfoIfFetched();
        }

        /**
         * UserInfo, fetched now if nothing has fetched it yet (at most one call per login).
         *
         * @return the claims, or empty when there is no access token to fetch them with
         */
        Optional<Map<String, Object>> fetchUserInfo() {
            Optional<Map<String, Object>> fetched = login.userInfoIfFetched();
            if (fetched.isPresent() || login.accessToken().isEmpty()) {
                return fetched;
            }
            return Optional.of(login.userInfo());
        }

        @Override
        public Optional<String> accessToken() {
            return login.accessToken();
        }
    }
}
