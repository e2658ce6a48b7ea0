package dev.oidcsso.authz;

import dev.oidcsso.OidcSsoException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The permission decision.
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
 * <p>The rules of a type are arranged once per version of the store's answer (see {@link RuleIndex}):
 * by grantee, so a caller's decision looks only at the caller's rules and those of the caller's
 * groups, and each with the literal text its pattern requires, so a regular expression runs only
 * when the name contains that text. The arrangement is rebuilt when {@link PermissionData#rulesFor}
 * answers with a different list, and reused when it answers with the same or an equal one; the
 * decisions are exactly those of scanning every rule in order (a differential test checks it).
 * Grants are read from the {@link PermissionData}, which on a warm instance is an in-memory cache; a
 * list ({@link #readable}) reads only the caller's own grants and its groups' when the data can
 * answer by grantee ({@link PermissionData#grantsOf}), not every grant on every listed resource.
 */
public final class PermissionEvaluator {

    private final PermissionData data;
    private final PermissionPolicy policy;
    private final ResourceTypes types;
    /** The arranged rules per type; bounded by the declared types. */
    private final Map<ResourceType, RuleIndex> indexes = new ConcurrentHashMap<>();

    /**
     * Creates the evaluator.
     *
     * @param data   where grants and rules are read
     * @param policy the source order and default
     * @param types  the application's resource types; decisions on other types are refused
     */
    public PermissionEvaluator(PermissionData data, PermissionPolicy policy, ResourceTypes types) {
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
        ResourceGrants grants = data.grantsOn(resource);
        return decide(actor, resource, grants.users().get(actor.username()), highestGroupGrant(actor, grants), null);
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
     * endpoint returns. The caller's own and its groups' grants on the type are read at once (by
     * grantee, see {@link PermissionData#grantsOf}); where the data cannot read by grantee, the grants
     * of names not yet cached are loaded in one batch. Either way the rules of the type are arranged
     * once for the whole list.
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
        Map<ResourceType, RuleIndex> rulesCache = new HashMap<>();
        List<String> result = new ArrayList<>();
        Optional<CallerGrants> mine = data.grantsOf(actor, type);
        if (mine.isPresent()) {
            Map<String, PermissionLevel> own = mine.get().users();
            Map<String, PermissionLevel> ofGroups = mine.get().groups();
            for (Resource resource : resources) {
                if (decide(actor, resource, own.get(resource.name()), ofGroups.get(resource.name()), rulesCache)
                        .allows(PermissionLevel.READ)) {
                    result.add(resource.name());
                }
            }
            return result;
        }
        Map<Resource, ResourceGrants> grants = data.grantsOn(resources);
        for (Resource resource : resources) {
            ResourceGrants onResource = grants.getOrDefault(resource, ResourceGrants.none(resource));
            if (decide(actor, resource, onResource.users().get(actor.username()), highestGroupGrant(actor, onResource), rulesCache)
                    .allows(PermissionLevel.READ)) {
                result.add(resource.name());
            }
        }
        return result;
    }

    /**
     * The decision given the caller's direct grants on the resource.
     *
     * @param userGrant  the level granted to the caller itself, or null
     * @param groupGrant the highest level granted to one of the caller's groups, or null
     */
    private Decision decide(Actor actor, Resource resource, PermissionLevel userGrant, PermissionLevel groupGrant,
                            Map<ResourceType, RuleIndex> rulesCache) {
        for (PermissionSource source : policy.order()) {
            PermissionLevel answer = switch (source) {
                case USER -> userGrant;
                case GROUP -> groupGrant;
                case REGEX -> rules(resource.type(), rulesCache).userLevel(actor.username(), resource.name());
                case GROUP_REGEX -> rules(resource.type(), rulesCache).groupLevel(actor.groups(), resource.name());
            };
            if (answer != null) {
                return new Decision(answer, basis(source));
            }
        }
        return new Decision(policy.defaultLevel(), Decision.Basis.DEFAULT);
    }

    private RuleIndex rules(ResourceType type, Map<ResourceType, RuleIndex> rulesCache) {
        // A list filter asks for the rules once, not once per name.
        return rulesCache == null ? index(type) : rulesCache.computeIfAbsent(type, this::index);
    }

    private RuleIndex index(ResourceType type) {
        List<RegexRule> rules = data.rulesFor(type);
        RuleIndex current = indexes.get(type);
        if (current != null && current.source() == rules) {
            return current;
        }
        // A cache reload answers with a new but usually equal list: comparing is far cheaper than
        // arranging 10 000 rules again. Two threads may arrange the same list at once; either result is right.
        RuleIndex next = current != null && current.source().equals(rules) ? current.withSource(rules) : RuleIndex.build(type, rules);
        indexes.put(type, next);
        return next;
    }

    private static PermissionLevel highestGroupGrant(Actor actor, ResourceGrants grants) {
        PermissionLevel best = null;
        for (String group : actor.groups()) {
            PermissionLevel level = grants.groups().get(group);
            if (level != null) {
                best = best == null ? level : best.max(level);
            }
        }
        return best;
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
