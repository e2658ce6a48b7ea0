package dev.oidcsso.authz;

import dev.oidcsso.OidcSsoException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The permission decision as first written: every rule of the type scanned in order, every pattern run.
 * The reference the fast {@link PermissionEvaluator} is compared with; kept in test code only.
 *
 * <p>Original documentation:
 *
 * <p>Administrators may do everything. Otherwise the sources of the {@link PermissionPolicy} are
 * asked in order and the first that has an answer wins:
 * <ul>
 *   <li>{@code user}: the user's own grant on the resource;</li>
 *   <li>{@code group}: grants to the user's groups on the resource, the highest level among them;</li>
 *   <li>{@code regex}: the user's rules for the resource type, the first match by priority;</li>
 *   <li>{@code group-regex}: for each of the user's groups its first matching rule by priority,
 *       then the highest level among the groups (the same "highest group wins" as {@code group}).</li>
 * </ul>
 * When none answers, the policy's default level applies. An explicit grant of
 * {@link PermissionLevel#NO_PERMISSIONS} is an answer: it shuts out a user whom a later source would
 * let in.
 *
 * <p>The evaluator holds no state of its own; it is as fast as its {@link PermissionData}, which on a
 * warm instance is an in-memory cache.
 */
final class PlainPermissionEvaluator {

    private final PermissionData data;
    private final PermissionPolicy policy;
    private final ResourceTypes types;

    /**
     * Creates the evaluator.
     *
     * @param data   where grants and rules are read
     * @param policy the source order and default
     * @param types  the application's resource types; decisions on other types are refused
     */
    PlainPermissionEvaluator(PermissionData data, PermissionPolicy policy, ResourceTypes types) {
        this.data = Objects.requireNonNull(data, "data");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.types = Objects.requireNonNull(types, "types");
    }

    /**
     * The caller's level on a resource, and what decided it.
     *
     * @param actor    who is asking
     * @param resource the resource
     * @return the decision
     * @throws PermissionInputException (400) when the resource type is not declared
     * @throws OidcSsoException         (503) when the store cannot answer
     */
    public Decision decide(Actor actor, Resource resource) {
        types.require(resource.type());
        if (actor.admin()) {
            return new Decision(PermissionLevel.MANAGE, Decision.Basis.ADMIN);
        }
        return decide(actor, resource, data.grantsOn(resource), null);
    }

    /**
     * The caller's level on a resource.
     *
     * @param actor    who is asking
     * @param resource the resource
     * @return the level
     */
    public PermissionLevel level(Actor actor, Resource resource) {
        return decide(actor, resource).level();
    }

    /**
     * Whether the caller has at least the required level on a resource.
     *
     * @param actor    who is asking
     * @param resource the resource
     * @param required the level the operation needs
     * @return true when allowed
     */
    public boolean allows(Actor actor, Resource resource, PermissionLevel required) {
        return decide(actor, resource).allows(required);
    }

    /**
     * Fails unless the caller has at least the required level.
     *
     * @param actor    who is asking
     * @param resource the resource
     * @param required the level the operation needs
     * @throws OidcSsoException with status 403 when the caller lacks the level
     */
    public void require(Actor actor, Resource resource, PermissionLevel required) {
        if (!allows(actor, resource, required)) {
            throw new OidcSsoException(403, "permission denied: " + required + " on " + resource.type().name()
                    + " '" + PermissionInputException.excerpt(resource.name()) + "' is required");
        }
    }

    /**
     * The names among {@code names} that the caller may read, in their given order: what a list
     * endpoint returns. Grants for names not yet cached are loaded in one batch.
     *
     * @param actor who is asking
     * @param type  the resource type of every name
     * @param names resource names
     * @return the readable names
     * @throws PermissionInputException (400) when the type is not declared or a name is unusable
     */
    public List<String> readable(Actor actor, ResourceType type, Collection<String> names) {
        types.require(type);
        if (actor.admin()) {
            return List.copyOf(names);
        }
        List<Resource> resources = names.stream().map(name -> new Resource(type, name)).toList();
        Map<Resource, ResourceGrants> grants = data.grantsOn(resources);
        Map<String, List<RegexRule>> rulesCache = new HashMap<>();
        List<String> result = new ArrayList<>();
        for (Resource resource : resources) {
            ResourceGrants onResource = grants.getOrDefault(resource, ResourceGrants.none(resource));
            if (decide(actor, resource, onResource, rulesCache).allows(PermissionLevel.READ)) {
                result.add(resource.name());
            }
        }
        return result;
    }

    private Decision decide(Actor actor, Resource resource, ResourceGrants grants, Map<String, List<RegexRule>> rulesCache) {
        for (PermissionSource source : policy.order()) {
            Optional<PermissionLevel> answer = switch (source) {
                case USER -> Optional.ofNullable(grants.users().get(actor.username()));
                case GROUP -> highestGroupGrant(actor, grants);
                case REGEX -> userRule(actor, resource, rules(resource.type(), rulesCache));
                case GROUP_REGEX -> highestGroupRule(actor, resource, rules(resource.type(), rulesCache));
            };
            if (answer.isPresent()) {
                return new Decision(answer.get(), basis(source));
            }
        }
        return new Decision(policy.defaultLevel(), Decision.Basis.DEFAULT);
    }

    private List<RegexRule> rules(ResourceType type, Map<String, List<RegexRule>> rulesCache) {
        // A list filter asks for the rules once, not once per name.
        return rulesCache == null ? data.rulesFor(type) : rulesCache.computeIfAbsent(type.name(), name -> data.rulesFor(type));
    }

    private static Optional<PermissionLevel> highestGroupGrant(Actor actor, ResourceGrants grants) {
        PermissionLevel best = null;
        for (String group : actor.groups()) {
            PermissionLevel level = grants.groups().get(group);
            if (level != null) {
                best = best == null ? level : best.max(level);
            }
        }
        return Optional.ofNullable(best);
    }

    private static Optional<PermissionLevel> userRule(Actor actor, Resource resource, List<RegexRule> rules) {
        for (RegexRule rule : rules) {
            if (rule.grantee().kind() == Grantee.Kind.USER && rule.grantee().name().equals(actor.username())
                    && rule.appliesTo(resource)) {
                return Optional.of(rule.level());
            }
        }
        return Optional.empty();
    }

    private static Optional<PermissionLevel> highestGroupRule(Actor actor, Resource resource, List<RegexRule> rules) {
        // Rules arrive in priority order, so the first match per group is that group's answer.
        Map<String, PermissionLevel> perGroup = new LinkedHashMap<>();
        for (RegexRule rule : rules) {
            String group = rule.grantee().name();
            if (rule.grantee().kind() == Grantee.Kind.GROUP && actor.groups().contains(group)
                    && !perGroup.containsKey(group) && rule.appliesTo(resource)) {
                perGroup.put(group, rule.level());
            }
        }
        return perGroup.values().stream().reduce(PermissionLevel::max);
    }

    private static Decision.Basis basis(PermissionSource source) {
        return switch (source) {
            case USER -> Decision.Basis.USER;
            case GROUP -> Decision.Basis.GROUP;
            case REGEX -> Decision.Basis.REGEX;
            case GROUP_REGEX -> Decision.Basis.GROUP_REGEX;
        };
    }
}
