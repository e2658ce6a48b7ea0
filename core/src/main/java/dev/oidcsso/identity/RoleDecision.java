package dev.oidcsso.identity;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides the role from the groups: a member of an admin group is an administrator, a member of a
 * user group is a user, anyone else is refused. Group names compare exactly (Entra object ids are
 * case-insensitive GUIDs and are compared without case).
 */
public final class RoleDecision {

    private static final java.util.regex.Pattern GUID =
            java.util.regex.Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Set<String> adminGroups;
    private final Set<String> userGroups;

    /**
     * Creates the decision.
     *
     * @param adminGroups groups whose members are administrators
     * @param userGroups  groups whose members are users
     */
    public RoleDecision(Collection<String> adminGroups, Collection<String> userGroups) {
        this.adminGroups = Set.copyOf(adminGroups.stream().map(RoleDecision::normalise).toList());
        this.userGroups = Set.copyOf(userGroups.stream().map(RoleDecision::normalise).toList());
    }

    /**
     * The role of a user in these groups.
     *
     * @param groups the user's groups
     * @return the role, or empty when the user is in no configured group
     */
    public Optional<Role> decide(List<String> groups) {
        if (groups.stream().map(RoleDecision::normalise).anyMatch(adminGroups::contains)) {
            return Optional.of(Role.ADMIN);
        }
        if (groups.stream().map(RoleDecision::normalise).anyMatch(userGroups::contains)) {
            return Optional.of(Role.USER);
        }
        return Optional.empty();
    }

    private static String normalise(String group) {
        // GUIDs (Entra group object ids) are case-insensitive; other names are compared as given.
        return GUID.matcher(group).matches()
                ? group.toLowerCase(java.util.Locale.ROOT) : group;
    }
}
