package dev.oidcsso.identity;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one role authority: decides from a user's groups whether they are an administrator, a user
 * or refused, wherever they came from (browser login, bearer token, basic access token, trusted
 * proxy headers) and whatever asks (the REST API's user and group views included). A member of an
 * admin group is an administrator, a member of a user group is a user, anyone else is refused.
 * Group names compare exactly, except GUIDs (Entra group object ids), which are case-insensitive
 * and compare without case: {@code B2C5A1F4-...} in {@code OIDC_ADMIN_GROUP_NAME} matches
 * {@code b2c5a1f4-...} in a token.
 */
public final class RoleDecision {

    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

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
    public Optional<Role> decide(Collection<String> groups) {
        if (isAdmin(groups)) {
            return Optional.of(Role.ADMIN);
        }
        return anyIn(groups, userGroups) ? Optional.of(Role.USER) : Optional.empty();
    }

    /**
     * The role of a user in these groups, or the refusal every way of signing in gives.
     *
     * @param username the user name, for the message
     * @param groups   the user's groups
     * @return the role
     * @throws AccessRefusedException when the user is in no configured group
     */
    public Role require(String username, Collection<String> groups) {
        return decide(groups).orElseThrow(() -> new AccessRefusedException("Your account '" + username
                + "' is not in a group that may use this application. Ask an administrator to add you."));
    }

    /**
     * Whether these groups make a user an administrator.
     *
     * @param groups the user's groups
     * @return true when one of them is an admin group
     */
    public boolean isAdmin(Collection<String> groups) {
        return anyIn(groups, adminGroups);
    }

    /** A loop, not a stream: this runs on every bearer token and login, where a stream's objects cost more than the test. */
    private static boolean anyIn(Collection<String> groups, Set<String> configured) {
        for (String group : groups) {
            if (configured.contains(normalise(group))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether one group makes its members administrators.
     *
     * @param group a group name
     * @return true for an admin group
     */
    public boolean isAdminGroup(String group) {
        return adminGroups.contains(normalise(group));
    }

    private static String normalise(String group) {
        // GUIDs (Entra group object ids) are case-insensitive; other names are compared as given. The
        // length and dash test first: this runs for every group on every request, most names are no GUID.
        return mayBeGuid(group) && GUID.matcher(group).matches() ? group.toLowerCase(Locale.ROOT) : group;
    }

    private static boolean mayBeGuid(String group) {
        return group.length() == 36 && group.charAt(8) == '-' && group.charAt(13) == '-' && group.charAt(18) == '-'
                && group.charAt(23) == '-';
    }
}
