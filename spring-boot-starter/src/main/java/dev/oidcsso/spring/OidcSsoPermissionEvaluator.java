package dev.oidcsso.spring;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.authz.PermissionInputException;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.web.OidcSso;
import org.springframework.security.access.PermissionEvaluator;
import org.springframework.security.core.Authentication;

import java.io.Serializable;
import java.util.Optional;

/**
 * Spring Security's {@code hasPermission(...)} answered by the framework's permission model:
 * {@code @PreAuthorize("hasPermission(#name, 'experiment', 'EDIT')")} asks whether the caller has at
 * least {@code EDIT} on experiment {@code name}, with the grants, rules, source order and default of
 * {@code dev.oidcsso.authz.PermissionEvaluator} (administrators may do everything).
 *
 * <p>It refuses (returns false, so Spring answers 403) rather than fails when the caller is not an
 * oidc-sso principal, the framework has no permissions (no store or no resource types), the type is
 * not declared, the level is unknown or the name unusable. A store that cannot answer is a 503, not a
 * refusal: that exception propagates.
 */
public final class OidcSsoPermissionEvaluator implements PermissionEvaluator {

    private final OidcSso sso;

    /**
     * Creates the evaluator.
     *
     * @param sso the framework whose permissions decide
     */
    public OidcSsoPermissionEvaluator(OidcSso sso) {
        this.sso = sso;
    }

    /**
     * The form {@code hasPermission(#target, 'READ')} has no resource type: the target must then be a
     * {@link Resource}.
     */
    @Override
    public boolean hasPermission(Authentication authentication, Object target, Object permission) {
        if (target instanceof Resource resource) {
            return allows(authentication, resource, permission);
        }
        return false;
    }

    @Override
    public boolean hasPermission(Authentication authentication, Serializable targetId, String targetType, Object permission) {
        if (targetId == null || targetType == null) {
            return false;
        }
        try {
            return allows(authentication, new Resource(ResourceType.of(targetType), targetId.toString()), permission);
        } catch (PermissionInputException e) {
            return false;
        }
    }

    private boolean allows(Authentication authentication, Resource resource, Object permission) {
        Optional<Principal> principal = principal(authentication);
        Optional<PermissionLevel> level = permission instanceof PermissionLevel given ? Optional.of(given)
                : permission == null ? Optional.empty() : PermissionLevel.find(permission.toString());
        if (principal.isEmpty() || level.isEmpty() || sso.permissions().isEmpty()) {
            return false;
        }
        try {
            return sso.permissions().get().allows(OidcSso.actor(principal.get()), resource, level.get());
        } catch (PermissionInputException e) {
            return false;
        } catch (OidcSsoException e) {
            if (e.status() == 400 || e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static Optional<Principal> principal(Authentication authentication) {
        return authentication != null && authentication.isAuthenticated() && authentication.getPrincipal() instanceof Principal p
                ? Optional.of(p) : Optional.empty();
    }
}
