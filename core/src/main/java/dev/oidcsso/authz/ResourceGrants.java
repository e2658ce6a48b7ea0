package dev.oidcsso.authz;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every direct grant on one resource, as the decision needs them: one lookup per resource answers
 * for every user and group, so a cache keyed by resource serves every caller.
 *
 * @param resource the resource
 * @param users    user name to granted level
 * @param groups   group name to granted level
 * @param creator  the user recorded as the resource's creator, if any
 */
public record ResourceGrants(Resource resource, Map<String, PermissionLevel> users, Map<String, PermissionLevel> groups,
                             Optional<String> creator) {

    /**
     * Copies the maps.
     *
     * @param resource the resource
     * @param users    user grants
     * @param groups   group grants
     * @param creator  the creator, if recorded
     */
    public ResourceGrants {
        Objects.requireNonNull(resource, "resource");
        users = Map.copyOf(users);
        groups = Map.copyOf(groups);
        Objects.requireNonNull(creator, "creator");
    }

    /**
     * No grants at all on a resource.
     *
     * @param resource the resource
     * @return an empty value
     */
    public static ResourceGrants none(Resource resource) {
        return new ResourceGrants(resource, Map.of(), Map.of(), Optional.empty());
    }
}
