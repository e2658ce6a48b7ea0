package dev.oidcsso.authz;

import java.util.Comparator;
import java.util.Objects;

/**
 * A level granted to a user or a group on every resource of one type whose name matches a regular
 * expression. Rules are tried in ascending {@code priority} (then ascending {@code id}, so the
 * order is total and stable); the first matching rule of a grantee gives that grantee's level.
 *
 * @param id       the rule's identifier, assigned by the store
 * @param grantee  who the rule is for
 * @param type     the resource type it applies to
 * @param pattern  the compiled pattern, matched against whole resource names
 * @param level    the level granted on a match
 * @param priority lower numbers are tried first
 */
public record RegexRule(long id, Grantee grantee, ResourceType type, RegexPattern pattern, PermissionLevel level, int priority) {

    /** The order in which rules are tried: priority, then id. */
    public static final Comparator<RegexRule> ORDER = Comparator.comparingInt(RegexRule::priority)
            .thenComparingLong(RegexRule::id);

    /**
     * Checks that nothing is missing.
     *
     * @param id       the rule's identifier
     * @param grantee  who the rule is for
     * @param type     the resource type
     * @param pattern  the compiled pattern
     * @param level    the level granted
     * @param priority lower numbers first
     */
    public RegexRule {
        Objects.requireNonNull(grantee, "grantee");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(level, "level");
    }

    /**
     * Whether this rule applies to a resource.
     *
     * @param resource the resource
     * @return true when the type is this rule's and the whole name matches
     */
    public boolean appliesTo(Resource resource) {
        return type.equals(resource.type()) && pattern.matches(resource.name());
    }
}
