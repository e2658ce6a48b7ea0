package dev.oidcsso.authz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of one resource type, arranged for the decision: by grantee, in {@link RegexRule#ORDER}
 * within each grantee, each with the literal text its pattern requires. A decision then looks only
 * at the caller's own rules and the rules of the caller's groups, and runs a regular expression
 * only when its required text is in the name.
 *
 * <p>Built from one list of rules and immutable; {@link #source()} is that list, so the evaluator
 * can tell whether the store's answer changed.
 */
final class RuleIndex {

    private final List<RegexRule> source;
    private final Map<String, RuleSet> users;
    private final Map<String, RuleSet> groups;

    private RuleIndex(List<RegexRule> source, Map<String, RuleSet> users, Map<String, RuleSet> groups) {
        this.source = source;
        this.users = users;
        this.groups = groups;
    }

    /**
     * Arranges rules. Rules of another type than {@code type} are left out, as the plain decision
     * would never find them applying.
     *
     * @param type  the resource type
     * @param rules the type's rules, in {@link RegexRule#ORDER}
     * @return the index
     */
    static RuleIndex build(ResourceType type, List<RegexRule> rules) {
        Map<String, List<RegexRule>> byUser = new LinkedHashMap<>();
        Map<String, List<RegexRule>> byGroup = new LinkedHashMap<>();
        for (RegexRule rule : rules) {
            if (rule.type().equals(type)) {
                (rule.grantee().kind() == Grantee.Kind.USER ? byUser : byGroup)
                        .computeIfAbsent(rule.grantee().name(), name -> new ArrayList<>()).add(rule);
            }
        }
        Map<String, RuleSet> users = new HashMap<>();
        byUser.forEach((name, list) -> users.put(name, RuleSet.of(list)));
        Map<String, RuleSet> groups = new HashMap<>();
        byGroup.forEach((name, list) -> groups.put(name, RuleSet.of(list)));
        return new RuleIndex(rules, users, groups);
    }

    /** @return the list this index was built from */
    List<RegexRule> source() {
        return source;
    }

    /**
     * Another index with the same arrangement for an equal list of rules, so that an unchanged
     * reload costs no rebuild.
     *
     * @param equalRules a list equal to {@link #source()}
     * @return the index answering for that list
     */
    RuleIndex withSource(List<RegexRule> equalRules) {
        return new RuleIndex(equalRules, users, groups);
    }

    /**
     * The level of the user's first rule by priority whose pattern matches the name.
     *
     * @param username the user
     * @param name     the resource name
     * @return the level, or null when none matches
     */
    PermissionLevel userLevel(String username, String name) {
        RuleSet set = users.get(username);
        return set == null ? null : set.firstMatch(name);
    }

    /**
     * For each group its first matching rule by priority, then the highest level among the groups.
     *
     * @param groupNames the user's groups
     * @param name       the resource name
     * @return the level, or null when no group's rule matches
     */
    PermissionLevel groupLevel(Set<String> groupNames, String name) {
        PermissionLevel best = null;
        if (groupNames.size() > groups.size()) {
            // A caller in more groups than have rules: walk the rules' groups instead.
            for (Map.Entry<String, RuleSet> entry : groups.entrySet()) {
                if (groupNames.contains(entry.getKey())) {
                    best = higher(best, entry.getValue().firstMatch(name));
                    if (best == PermissionLevel.MANAGE) {
                        return best;
                    }
                }
            }
            return best;
        }
        for (String group : groupNames) {
            RuleSet set = groups.get(group);
            if (set != null) {
                best = higher(best, set.firstMatch(name));
                if (best == PermissionLevel.MANAGE) {
                    return best; // nothing is higher
                }
            }
        }
        return best;
    }

    private static PermissionLevel higher(PermissionLevel best, PermissionLevel level) {
        return level == null ? best : best == null ? level : best.max(level);
    }

    /**
     * One grantee's rules in order. Rules with a required prefix are also found by that prefix, so
     * a large set is not walked rule by rule; the others are tried with their other literals.
     */
    static final class RuleSet {

        /** Below this size, checking every rule's literals is as fast as any lookup. */
        private static final int LOOKUP_THRESHOLD = 16;

        private final RegexRule[] rules;
        private final RequiredLiterals[] literals;
        /** Prefix to the positions of the rules that require it; null for a small set. */
        private final Map<String, int[]> byPrefix;
        /** The distinct prefix lengths in {@link #byPrefix}, ascending. */
        private final int[] prefixLengths;
        /** Positions of the rules without a prefix, ascending; null for a small set. */
        private final int[] unprefixed;

        private RuleSet(RegexRule[] rules, RequiredLiterals[] literals, Map<String, int[]> byPrefix, int[] prefixLengths,
                        int[] unprefixed) {
            this.rules = rules;
            this.literals = literals;
            this.byPrefix = byPrefix;
            this.prefixLengths = prefixLengths;
            this.unprefixed = unprefixed;
        }

        static RuleSet of(List<RegexRule> list) {
            RegexRule[] rules = list.toArray(RegexRule[]::new);
            RequiredLiterals[] literals = new RequiredLiterals[rules.length];
            for (int k = 0; k < rules.length; k++) {
                literals[k] = RequiredLiterals.of(rules[k].pattern().source());
            }
            if (rules.length < LOOKUP_THRESHOLD) {
                return new RuleSet(rules, literals, null, null, null);
            }
            Map<String, List<Integer>> prefixed = new HashMap<>();
            List<Integer> rest = new ArrayList<>();
            TreeSet<Integer> lengths = new TreeSet<>();
            for (int k = 0; k < rules.length; k++) {
                String prefix = literals[k].prefix();
                if (prefix.isEmpty()) {
                    rest.add(k);
                } else {
                    prefixed.computeIfAbsent(prefix, p -> new ArrayList<>()).add(k);
                    lengths.add(prefix.length());
                }
            }
            Map<String, int[]> byPrefix = new HashMap<>();
            prefixed.forEach((prefix, positions) -> byPrefix.put(prefix, positions.stream().mapToInt(Integer::intValue).toArray()));
            return new RuleSet(rules, literals, byPrefix, lengths.stream().mapToInt(Integer::intValue).toArray(),
                    rest.stream().mapToInt(Integer::intValue).toArray());
        }

        /**
         * The level of the first rule, in order, whose pattern matches the whole name.
         *
         * @param name the resource name
         * @return the level, or null when none matches
         */
        PermissionLevel firstMatch(String name) {
            if (byPrefix == null) {
                for (int k = 0; k < rules.length; k++) {
                    if (literals[k].admits(name) && rules[k].pattern().matches(name)) {
                        return rules[k].level();
                    }
                }
                return null;
            }
            int[] candidates = candidates(name);
            for (int k : candidates) {
                if (rules[k].pattern().matches(name)) {
                    return rules[k].level();
                }
            }
            return null;
        }

        /** Positions of the rules whose literals the name has, ascending, so in rule order. */
        private int[] candidates(String name) {
            int[] found = new int[8];
            int count = 0;
            for (int length : prefixLengths) {
                if (length > name.length()) {
                    break;
                }
                int[] positions = byPrefix.get(name.substring(0, length));
                if (positions != null) {
                    for (int k : positions) {
                        if (literals[k].admits(name)) {
                            found = grow(found, count);
                            found[count++] = k;
                        }
                    }
                }
            }
            boolean sorted = count == 0;
            for (int k : unprefixed) {
                if (literals[k].admits(name)) {
                    found = grow(found, count);
                    found[count++] = k;
                }
            }
            int[] result = Arrays.copyOf(found, count);
            if (!sorted) {
                Arrays.sort(result);
            }
            return result;
        }

        private static int[] grow(int[] array, int count) {
            return count < array.length ? array : Arrays.copyOf(array, array.length * 2);
        }
    }
}
