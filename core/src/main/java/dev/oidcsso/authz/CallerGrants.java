package dev.oidcsso.authz;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The direct grants of one caller on the resources of one type, by resource name: the caller's own
 * grants, and for each name the highest level granted to any of the caller's groups. A list filter
 * reads these instead of every grant on every listed resource, so its cost follows the caller's
 * grants, not the number of resources or of other users' grants.
 *
 * @param users  resource name to the level granted to the caller itself
 * @param groups resource name to the highest level granted to any of the caller's groups
 */
public record CallerGrants(Map<String, PermissionLevel> users, Map<String, PermissionLevel> groups) {

    /**
     * Copies the maps (an unmodifiable map given here is kept as it is).
     *
     * @param users  the caller's own grants
     * @param groups the highest group grant per resource name
     */
    public CallerGrants {
        users = Map.copyOf(users);
        groups = Map.copyOf(groups);
    }

    /**
     * Combines the caller's own grants with those of its groups, keeping per name the highest level
     * among the groups: the "highest group wins" of {@link PermissionSource#GROUP}.
     *
     * @param own         resource name to the caller's own level
     * @param ofEachGroup for each of the caller's groups, resource name to that group's level
     * @return the caller's grants
     */
    public static CallerGrants of(Map<String, PermissionLevel> own, Collection<Map<String, PermissionLevel>> ofEachGroup) {
        Objects.requireNonNull(own, "own");
        Map<String, PermissionLevel> best = new HashMap<>();
        for (Map<String, PermissionLevel> group : ofEachGroup) {
            group.forEach((name, level) -> best.merge(name, level, PermissionLevel::max));
        }
        return new CallerGrants(own, best);
    }
}
