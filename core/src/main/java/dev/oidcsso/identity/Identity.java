package dev.oidcsso.identity;

import java.util.List;
import java.util.Map;

/**
 * A user who has been admitted: their name, their identity claims, their groups and their role.
 *
 * @param username the user name, from the first username claim present
 * @param claims   the identity claims, in the order they were given (see {@link OrderedClaims})
 * @param groups   the groups the detector found
 * @param role     the role decided from the groups
 */
public record Identity(String username, Map<String, Object> claims, List<String> groups, Role role) {

    /**
     * Creates the value, copying collections so it stays immutable (claims already held in an
     * {@link OrderedClaims} are kept as they are).
     *
     * @param username the user name, from the first username claim present
     * @param claims   the identity claims
     * @param groups   the groups the detector found
     * @param role     the role decided from the groups
     */
    public Identity {
        claims = OrderedClaims.copyOf(claims);
        groups = List.copyOf(groups);
    }

    /** @return whether the user is an administrator */
    public boolean admin() {
        return role == Role.ADMIN;
    }
}
