package dev.oidcsso.authz;

import java.util.Objects;

/**
 * A level granted to a user or a group on one resource.
 *
 * @param grantee  who the grant is for
 * @param resource the resource
 * @param level    the level granted
 */
public record Grant(Grantee grantee, Resource resource, PermissionLevel level) {

    /**
     * Checks that nothing is missing.
     *
     * @param grantee  who the grant is for
     * @param resource the resource
     * @param level    the level granted
     */
    public Grant {
        Objects.requireNonNull(grantee, "grantee");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(level, "level");
    }
}
