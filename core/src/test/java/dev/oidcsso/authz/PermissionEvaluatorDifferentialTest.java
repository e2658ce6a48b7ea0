package dev.oidcsso.authz;

import com.google.re2j.Pattern;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The indexed, prefiltered {@link PermissionEvaluator} decides exactly as the plain scan of every
 * rule ({@link PlainPermissionEvaluator}) on random rule sets, grants, callers and source orders;
 * and the literal prefilter never refuses a name its pattern matches.
 *
 * <p>Patterns and names are drawn from a small alphabet so that matches are frequent, and patterns
 * use the syntax the prefilter must read carefully (classes, groups, alternation, repetition,
 * escapes, flags, anchors).
 */
class PermissionEvaluatorDifferentialTest {

    private static final ResourceTypes TYPES = ResourceTypes.of("experiment", "registered_model");
    private static final List<ResourceType> TYPE_LIST = List.of(TYPES.require("experiment"), TYPES.require("registered_model"));
    private static final String NAME_CHARS = "ab-/.A1_";
    private static final String[] PIECES = {
        "a", "b", "-", "/", "ab", "ba", "a-", "\\-", "\\.", "\\/", ".", ".*", ".+", "[ab]", "[^a]", "[a-b/]", "[]a]",
        "[[:alpha:]]", "\\w", "\\d", "\\pL", "\\p{Lu}", "\\x2d", "\\x{61}", "(a|b)", "(?:ab)", "(?P<n>a)", "(?<m>b-)",
        "a*", "b+", "a?", "-{1,2}", "a{2}", "b{0,1}", "a+?", "(a|-)+", "(?i:a)", "\\Qa-\\E", "\\b", "\\A", "$", "^", "A",
    };

    @Test
    void fastDecisionsEqualThePlainScanOnRandomRuleSets() {
        Random random = new Random(20261129L);
        int compared = 0;
        int granted = 0;
        for (int round = 0; round < 300; round++) {
            InMemoryPermissionData data = randomData(random);
            List<PermissionSource> order = new ArrayList<>(List.of(PermissionSource.values()));
            Collections.shuffle(order, random);
            if (random.nextInt(4) == 0) {
                order = order.subList(0, 1 + random.nextInt(order.size()));
            }
            PermissionPolicy policy = new PermissionPolicy(order, PermissionLevel.values()[random.nextInt(2)]);
            PermissionEvaluator fast = new PermissionEvaluator(data, policy, TYPES);
            PlainPermissionEvaluator plain = new PlainPermissionEvaluator(data, policy, TYPES);
            for (int ask = 0; ask < 60; ask++) {
                Actor actor = randomActor(random);
                ResourceType type = TYPE_LIST.get(random.nextInt(TYPE_LIST.size()));
                Resource resource = Resource.of(type, nameFor(data.rulesFor(type), random));
                Decision expected = plain.decide(actor, resource);
                assertEquals(expected, fast.decide(actor, resource),
                        () -> "round " + actor + " on " + resource + " with " + data.rulesFor(type));
                compared++;
                if (expected.basis() == Decision.Basis.REGEX || expected.basis() == Decision.Basis.GROUP_REGEX) {
                    granted++;
                }
            }
            Actor actor = randomActor(random);
            List<String> names = new ArrayList<>();
            for (int k = 0; k < 30; k++) {
                names.add(randomName(random));
            }
            // Names with grants too, so that grants decide some of the list.
            data.grantedNames().stream().filter(name -> random.nextBoolean()).forEach(names::add);
            Collections.shuffle(names, random);
            PermissionData resourceOnly = new PermissionData() {
                @Override
                public ResourceGrants grantsOn(Resource resource) {
                    return data.grantsOn(resource);
                }

                @Override
                public List<RegexRule> rulesFor(ResourceType type) {
                    return data.rulesFor(type);
                }
            };
            PermissionEvaluator byResource = new PermissionEvaluator(resourceOnly, policy, TYPES);
            for (ResourceType type : TYPE_LIST) {
                List<String> expected = plain.readable(actor, type, names);
                assertEquals(expected, fast.readable(actor, type, names), "reading the caller's grants by grantee");
                assertEquals(expected, byResource.readable(actor, type, names), "reading every listed resource's grants");
            }
        }
        // The comparison means something only if rules decided often.
        assertTrue(granted > compared / 10, "only " + granted + " of " + compared + " decisions came from rules");
    }

    @Test
    void theSameRulesInANewListKeepTheirAnswersAndChangedRulesTakeEffect() {
        InMemoryPermissionData data = new InMemoryPermissionData();
        ResourceType experiment = TYPE_LIST.get(0);
        for (int k = 0; k < 40; k++) {
            data.rule(Grantee.user("alice"), experiment, "team-" + k + "-.*", PermissionLevel.READ, k);
        }
        PermissionEvaluator evaluator = new PermissionEvaluator(data, PermissionPolicy.defaults(), TYPES);
        Actor alice = new Actor("alice", Set.of(), false);
        Resource resource = Resource.of(experiment, "team-7-churn");
        assertEquals(PermissionLevel.READ, evaluator.level(alice, resource));
        assertEquals(PermissionLevel.READ, evaluator.level(alice, resource));
        data.rule(Grantee.user("alice"), experiment, "team-7-.*", PermissionLevel.MANAGE, -1);
        assertEquals(PermissionLevel.MANAGE, evaluator.level(alice, resource), "a new rule is seen on the next decision");
    }

    @Test
    void thePrefilterNeverRefusesANameItsPatternMatches() {
        Random random = new Random(7L);
        int matches = 0;
        for (int round = 0; round < 20_000; round++) {
            String source = randomPattern(random);
            Pattern pattern;
            try {
                pattern = Pattern.compile(source);
            } catch (RuntimeException e) {
                continue;
            }
            RequiredLiterals literals = RequiredLiterals.of(source);
            for (int k = 0; k < 20; k++) {
                String name = k < 10 ? randomName(random) : nameLike(source, random);
                if (pattern.matches(name)) {
                    matches++;
                    assertTrue(literals.admits(name), () -> "'" + source + "' matches '" + name + "' but " + literals + " refuses it");
                }
            }
        }
        assertTrue(matches > 10_000, "too few matches to mean anything: " + matches);
    }

    @Test
    void literalsAreReadWhereTheyAreCertainAndNotElsewhere() {
        assertEquals(new RequiredLiterals("team-a-", "", List.of()), RequiredLiterals.of("team-a-.*"));
        assertEquals(new RequiredLiterals("team-", "-prod", List.of("/x")), RequiredLiterals.of("^team-[0-9]+/x.*-prod$"));
        assertEquals(new RequiredLiterals("a", "", List.of("b")), RequiredLiterals.of("ab+c?.*"));
        assertEquals(new RequiredLiterals("exp.", "", List.of()), RequiredLiterals.of("exp\\..*"));
        assertEquals(new RequiredLiterals("", "", List.of("-")), RequiredLiterals.of("(a|b)-(c|d)"));
        assertEquals(RequiredLiterals.NONE, RequiredLiterals.of("(?i)team-.*"), "case-insensitive text is no literal");
        assertEquals(RequiredLiterals.NONE, RequiredLiterals.of("team-a|team-b"), "a top-level alternative requires nothing");
        assertEquals(RequiredLiterals.NONE, RequiredLiterals.of("\\Qteam\\E.*"));
        assertEquals(RequiredLiterals.NONE, RequiredLiterals.of("a{,2}"), "a brace that is no repetition is left to RE2");
        assertEquals(new RequiredLiterals("exact", "", List.of()), RequiredLiterals.of("exact"));
    }

    private static InMemoryPermissionData randomData(Random random) {
        InMemoryPermissionData data = new InMemoryPermissionData();
        int rules = random.nextInt(4) == 0 ? 40 + random.nextInt(60) : random.nextInt(25);
        for (int k = 0; k < rules; k++) {
            String source = randomPattern(random);
            try {
                Pattern.compile(source);
            } catch (RuntimeException e) {
                continue;
            }
            // Skewed towards one user and one group, so that some sets are large enough for the prefix lookup.
            Grantee grantee = random.nextInt(3) == 0 ? Grantee.user("u" + (random.nextInt(4) == 0 ? random.nextInt(3) : 0))
                    : Grantee.group("g" + (random.nextInt(3) == 0 ? random.nextInt(14) : 0));
            data.rule(grantee, TYPE_LIST.get(random.nextInt(4) == 0 ? 1 : 0), source,
                    PermissionLevel.values()[random.nextInt(PermissionLevel.values().length)], random.nextInt(6));
        }
        for (int k = 0; k < 10; k++) {
            Grantee grantee = random.nextBoolean() ? Grantee.user("u" + random.nextInt(3)) : Grantee.group("g" + random.nextInt(6));
            data.grant(grantee, Resource.of(TYPE_LIST.get(random.nextInt(2)), randomName(random)),
                    PermissionLevel.values()[random.nextInt(PermissionLevel.values().length)]);
        }
        return data;
    }

    private static Actor randomActor(Random random) {
        Set<String> groups = new HashSet<>();
        if (random.nextBoolean()) {
            groups.add("g0");
        }
        // Sometimes more than eight groups: the decision then looks the name up once among all group rules.
        int count = random.nextInt(4) == 0 ? 9 + random.nextInt(8) : random.nextInt(5);
        for (int k = 0; k < count; k++) {
            groups.add("g" + random.nextInt(count > 8 ? 16 : 7));
        }
        return new Actor("u" + (random.nextBoolean() ? 0 : random.nextInt(4)), groups, random.nextInt(20) == 0);
    }

    static String randomPattern(Random random) {
        StringBuilder pattern = new StringBuilder();
        if (random.nextInt(20) == 0) {
            pattern.append("(?i)");
        }
        int pieces = 1 + random.nextInt(5);
        for (int k = 0; k < pieces; k++) {
            pattern.append(PIECES[random.nextInt(PIECES.length)]);
            if (random.nextInt(25) == 0) {
                pattern.append('|');
            }
        }
        return pattern.toString();
    }

    static String randomName(Random random) {
        int length = 1 + random.nextInt(7);
        StringBuilder name = new StringBuilder();
        for (int k = 0; k < length; k++) {
            name.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
        }
        return name.toString();
    }

    /** Half the time a name shaped like one of the rules' patterns, so that rules decide often. */
    private static String nameFor(List<RegexRule> rules, Random random) {
        if (rules.isEmpty() || random.nextBoolean()) {
            return randomName(random);
        }
        return nameLike(rules.get(random.nextInt(rules.size())).pattern().source(), random);
    }

    /** A name made of the pattern's own characters, with some noise: such names match often. */
    private static String nameLike(String source, Random random) {
        StringBuilder name = new StringBuilder();
        for (char c : source.toCharArray()) {
            if (NAME_CHARS.indexOf(c) >= 0 && random.nextInt(4) != 0) {
                name.append(c);
            }
            if (random.nextInt(6) == 0) {
                name.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
            }
        }
        return name.length() == 0 ? "a" : name.toString();
    }
}
