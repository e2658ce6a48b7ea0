package dev.oidcsso.authz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
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
    /** Every group rule in one set, for callers in many groups. */
    private final RuleSet allGroups;

    /** Above this many groups, a caller's decision looks the name up once among all group rules. */
    private static final int FEW_GROUPS = 8;

    private RuleIndex(List<RegexRule> source, Map<String, RuleSet> users, Map<String, RuleSet> groups, RuleSet allGroups) {
        this.source = source;
        this.users = users;
        this.groups = groups;
        this.allGroups = allGroups;
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
        List<RegexRule> groupRules = new ArrayList<>();
        for (RegexRule rule : rules) {
            if (rule.type().equals(type) && rule.grantee().kind() == Grantee.Kind.GROUP) {
                groupRules.add(rule);
            }
            if (rule.type().equals(type)) {
                (rule.grantee().kind() == Grantee.Kind.USER ? byUser : byGroup)
                        .computeIfAbsent(rule.grantee().name(), name -> new ArrayList<>()).add(rule);
            }
        }
        Map<String, RuleSet> users = new HashMap<>();
        byUser.forEach((name, list) -> users.put(name, RuleSet.of(list)));
        Map<String, RuleSet> groups = new HashMap<>();
        byGroup.forEach((name, list) -> groups.put(name, RuleSet.of(list)));
        return new RuleIndex(rules, users, groups, RuleSet.of(groupRules));
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
        return new RuleIndex(equalRules, users, groups, allGroups);
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
        if (groupNames.size() > FEW_GROUPS) {
            return allGroups.highestFirstMatchPerGroup(groupNames, name);
        }
        PermissionLevel best = null;
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
     * Rules in order. Rules with a required prefix are also found by that prefix, those without one
     * but with a required suffix by that suffix, so a large set is not walked rule by rule; the
     * others are tried with their other literals.
     */
    static final class RuleSet {

        /** Below this size, checking every rule's literals is as fast as any lookup. */
        private static final int LOOKUP_THRESHOLD = 16;

        private final RegexRule[] rules;
        private final RequiredLiterals[] literals;
        /** Prefix (or suffix) to the positions of the rules found by it; null for a small set. */
        private final Lookup byPrefix;
        private final Lookup bySuffix;
        /** Positions of the rules found by neither, ascending; null for a small set. */
        private final int[] rest;

        private RuleSet(RegexRule[] rules, RequiredLiterals[] literals, Lookup byPrefix, Lookup bySuffix, int[] rest) {
            this.rules = rules;
            this.literals = literals;
            this.byPrefix = byPrefix;
            this.bySuffix = bySuffix;
            this.rest = rest;
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
            Map<String, List<Integer>> suffixed = new HashMap<>();
            List<Integer> rest = new ArrayList<>();
            for (int k = 0; k < rules.length; k++) {
                String prefix = literals[k].prefix();
                String suffix = literals[k].suffix();
                if (!prefix.isEmpty()) {
                    prefixed.computeIfAbsent(prefix, p -> new ArrayList<>()).add(k);
                } else if (!suffix.isEmpty()) {
                    suffixed.computeIfAbsent(suffix, p -> new ArrayList<>()).add(k);
                } else {
                    rest.add(k);
                }
            }
            return new RuleSet(rules, literals, Lookup.of(prefixed), Lookup.of(suffixed),
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
            for (int k : candidates(name)) {
                if (rules[k].pattern().matches(name)) {
                    return rules[k].level();
                }
            }
            return null;
        }

        /**
         * For each of the given groups its first matching rule in order, then the highest level
         * among them: the group-regex answer, with the name looked up once for all groups.
         *
         * @param groupNames the caller's groups
         * @param name       the resource name
         * @return the level, or null when no group's rule matches
         */
        PermissionLevel highestFirstMatchPerGroup(Set<String> groupNames, String name) {
            PermissionLevel best = null;
            Set<String> answered = new HashSet<>();
            int[] positions = byPrefix == null ? everyAdmitted(name) : candidates(name);
            for (int k : positions) {
                String group = rules[k].grantee().name();
                // In order, so a group's first matching candidate is its first matching rule.
                if (groupNames.contains(group) && !answered.contains(group) && rules[k].pattern().matches(name)) {
                    answered.add(group);
                    best = higher(best, rules[k].level());
                    if (best == PermissionLevel.MANAGE) {
                        return best;
                    }
                }
            }
            return best;
        }

        private int[] everyAdmitted(String name) {
            int[] found = new int[rules.length];
            int count = 0;
            for (int k = 0; k < rules.length; k++) {
                if (literals[k].admits(name)) {
                    found[count++] = k;
                }
            }
            return Arrays.copyOf(found, count);
        }

        /** Positions of the rules whose literals the name has, ascending, so in rule order. */
        private int[] candidates(String name) {
            Candidates found = new Candidates();
            byPrefix.collect(name, true, literals, found);
            bySuffix.collect(name, false, literals, found);
            for (int k : rest) {
                if (literals[k].admits(name)) {
                    found.add(k);
                }
            }
            return found.sorted();
        }
    }

    /** Literal text to the positions of the rules that require it, with the distinct text lengths. */
    private record Lookup(Map<String, int[]> positions, int[] lengths) {

        static Lookup of(Map<String, List<Integer>> byText) {
            Map<String, int[]> positions = new HashMap<>();
            TreeSet<Integer> lengths = new TreeSet<>();
            byText.forEach((text, list) -> {
                positions.put(text, list.stream().mapToInt(Integer::intValue).toArray());
                lengths.add(text.length());
            });
            return new Lookup(positions, lengths.stream().mapToInt(Integer::intValue).toArray());
        }

        /** Adds the rules whose prefix (or suffix) the name has and whose other literals it has too. */
        void collect(String name, boolean prefix, RequiredLiterals[] literals, Candidates found) {
            for (int length : lengths) {
                if (length > name.length()) {
                    return;
                }
                int[] hits = positions.get(prefix ? name.substring(0, length) : name.substring(name.length() - length));
                if (hits != null) {
                    for (int k : hits) {
                        if (literals[k].admits(name)) {
                            found.add(k);
                        }
                    }
                }
            }
        }
    }

    /** A growing list of rule positions. */
    private static final class Candidates {
        private int[] positions = new int[8];
        private int count;

        void add(int position) {
            if (count == positions.length) {
                positions = Arrays.copyOf(positions, count * 2);
            }
            positions[count++] = position;
        }

        int[] sorted() {
            int[] result = Arrays.copyOf(positions, count);
            Arrays.sort(result);
            return result;
        }
    }
}
