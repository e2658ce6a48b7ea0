package dev.oidcsso.authz;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A test double for the decision's reads, counting the rule lookups and the grant reads. It answers
 * {@link #grantsOf} (by grantee) unless told not to, like a store that can only read by resource.
 */
final class InMemoryPermissionData implements PermissionData {

    private final Map<Resource, Map<String, PermissionLevel>> users = new HashMap<>();
    private final Map<Resource, Map<String, PermissionLevel>> groups = new HashMap<>();
    private final List<RegexRule> rules = new ArrayList<>();
    int ruleLookups;
    int resourceReads;
    int granteeReads;
    boolean byGrantee = true;

    InMemoryPermissionData grant(Grantee grantee, Resource resource, PermissionLevel level) {
        (grantee.kind() == Grantee.Kind.USER ? users : groups).computeIfAbsent(resource, r -> new HashMap<>()).put(grantee.name(), level);
        return this;
    }

    InMemoryPermissionData rule(Grantee grantee, ResourceType type, String pattern, PermissionLevel level, int priority) {
        rules.add(new RegexRule(rules.size() + 1, grantee, type, RegexPattern.compile(pattern), level, priority));
        return this;
    }

    /** Every resource name with a grant, of any type. */
    Set<String> grantedNames() {
        Set<String> names = new java.util.TreeSet<>();
        users.keySet().forEach(resource -> names.add(resource.name()));
        groups.keySet().forEach(resource -> names.add(resource.name()));
        return names;
    }

    /** Stops answering by grantee: the evaluator must then read by resource. */
    InMemoryPermissionData withoutGranteeReads() {
        byGrantee = false;
        return this;
    }

    @Override
    public Optional<CallerGrants> grantsOf(Actor actor, ResourceType type) {
        if (!byGrantee) {
            return Optional.empty();
        }
        granteeReads++;
        Map<String, PermissionLevel> own = new HashMap<>();
        Map<String, Map<String, PermissionLevel>> ofGroups = new HashMap<>();
        users.forEach((resource, levels) -> {
            if (resource.type().equals(type) && levels.containsKey(actor.username())) {
                own.put(resource.name(), levels.get(actor.username()));
            }
        });
        groups.forEach((resource, levels) -> levels.forEach((group, level) -> {
            if (resource.type().equals(type) && actor.groups().contains(group)) {
                ofGroups.computeIfAbsent(group, g -> new HashMap<>()).put(resource.name(), level);
            }
        }));
        return Optional.of(CallerGrants.of(own, ofGroups.values()));
    }

    @Override
    public ResourceGrants grantsOn(Resource resource) {
        resourceReads++;
        return new ResourceGrants(resource, users.getOrDefault(resource, Map.of()), groups.getOrDefault(resource, Map.of()), Optional.empty());
    }

    @Override
    public List<RegexRule> rulesFor(ResourceType type) {
        ruleLookups++;
        return rules.stream().filter(rule -> rule.type().equals(type)).sorted(RegexRule.ORDER).toList();
    }
}
