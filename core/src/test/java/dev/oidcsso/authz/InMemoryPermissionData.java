package dev.oidcsso.authz;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A test double for the decision's reads, counting the rule lookups. */
final class InMemoryPermissionData implements PermissionData {

    private final Map<Resource, Map<String, PermissionLevel>> users = new HashMap<>();
    private final Map<Resource, Map<String, PermissionLevel>> groups = new HashMap<>();
    private final List<RegexRule> rules = new ArrayList<>();
    int ruleLookups;

    InMemoryPermissionData grant(Grantee grantee, Resource resource, PermissionLevel level) {
        (grantee.kind() == Grantee.Kind.USER ? users : groups).computeIfAbsent(resource, r -> new HashMap<>()).put(grantee.name(), level);
        return this;
    }

    InMemoryPermissionData rule(Grantee grantee, ResourceType type, String pattern, PermissionLevel level, int priority) {
        rules.add(new RegexRule(rules.size() + 1, grantee, type, RegexPattern.compile(pattern), level, priority));
        return this;
    }

    @Override
    public ResourceGrants grantsOn(Resource resource) {
        return new ResourceGrants(resource, users.getOrDefault(resource, Map.of()), groups.getOrDefault(resource, Map.of()), Optional.empty());
    }

    @Override
    public List<RegexRule> rulesFor(ResourceType type) {
        ruleLookups++;
        return rules.stream().filter(rule -> rule.type().equals(type)).sorted(RegexRule.ORDER).toList();
    }
}
