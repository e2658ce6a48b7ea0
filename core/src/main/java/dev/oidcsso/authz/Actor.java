package dev.oidcsso.authz;

import java.util.Objects;
import java.util.Set;

/**
 * Who is asking, as far as permissions are concerned. The web layer builds it from its
 * authenticated principal.
 *
 * @param username the user name
 * @param groups   the user's groups, as detected at login or from the bearer token
 * @param admin    whether the user is an administrator (member of an admin group); admins may do everything
 */
public record Actor(String username, Set<String> groups, boolean admin) {

    /**
     * Copies the groups.
     *
     * @param username the user name
     * @param groups   the groups
     * @param admin    whether an administrator
     */
    public Actor {
        Objects.requireNonNull(username, "username");
        groups = Set.copyOf(groups);
    }
}
