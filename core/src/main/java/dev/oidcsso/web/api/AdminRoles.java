package dev.oidcsso.web.api;

import dev.oidcsso.identity.RoleDecision;
import dev.oidcsso.store.User;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who is an administrator, as the REST API shows and evaluates it. With one IdP that is its group
 * rules; with several, a user's role follows the rules of the IdP the user is bound to, as their
 * sign-ins and personal access tokens do, so the API never shows (or evaluates permissions for) a
 * role the user does not have.
 */
public interface AdminRoles {

    /**
     * Whether a user is an administrator.
     *
     * @param user a user as stored
     * @return true when the user's groups make them one under their IdP's rules
     */
    boolean isAdmin(User user);

    /**
     * Whether members of a group are administrators (under any configured IdP's rules: a group
     * listing shows what a group can make its members).
     *
     * @param group a group name
     * @return true for an admin group
     */
    boolean isAdminGroup(String group);

    /**
     * The rules of one IdP.
     *
     * @param roles its role decision
     * @return the roles
     */
    static AdminRoles of(RoleDecision roles) {
        return byIssuer(issuer -> Optional.empty(), roles, List.of(roles));
    }

    /**
     * The rules of several IdPs.
     *
     * @param ofIssuer the role decision of the IdP with this issuer, if one is configured
     * @param fallback the rules for a user not bound to a known IdP
     * @param all      every IdP's rules
     * @return the roles
     */
    static AdminRoles byIssuer(Function<String, Optional<RoleDecision>> ofIssuer, RoleDecision fallback, Collection<RoleDecision> all) {
        List<RoleDecision> every = List.copyOf(all);
        return new AdminRoles() {
            @Override
            public boolean isAdmin(User user) {
                RoleDecision roles = user.identity().flatMap(identity -> ofIssuer.apply(identity.issuer())).orElse(fallback);
                return roles.isAdmin(user.groups());
            }

            @Override
            public boolean isAdminGroup(String group) {
                return every.stream().anyMatch(roles -> roles.isAdminGroup(group));
            }
        };
    }
}
