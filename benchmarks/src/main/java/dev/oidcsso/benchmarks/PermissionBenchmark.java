package dev.oidcsso.benchmarks;

import com.google.re2j.Pattern;
import dev.oidcsso.authz.Actor;
import dev.oidcsso.authz.Decision;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.PermissionData;
import dev.oidcsso.authz.PermissionEvaluator;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.PermissionPolicy;
import dev.oidcsso.authz.RegexPattern;
import dev.oidcsso.authz.RegexRule;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceGrants;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.authz.ResourceTypes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The permission decision over 10 000 regular-expression rules, beside its floor: a bare RE2/J
 * loop over the patterns of the rules that apply to the caller (what a plain decision runs).
 * Sampled, so JMH prints p50 and p99.
 *
 * <p>Rules are shaped as people write them, a third each: {@code team-<k>/.*},
 * {@code exp-<k>-[0-9]+}, {@code .*-run<k>}. Scenarios:
 * <ul>
 *   <li>{@code ALL_IN_ONE_GROUP}: all 10 000 are rules of one group of the caller; no name matches.</li>
 *   <li>{@code SPREAD}: 10 per group over 1 000 groups; the caller is in 3 (30 rules); a quarter of
 *       the names match one of them.</li>
 *   <li>{@code CALLER_IN_ALL_GROUPS}: the same 1 000 groups, the caller in every one; no name matches.</li>
 * </ul>
 * Names are 1 024 different ones in turn; no grants, so every decision reaches the rules.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PermissionBenchmark {

    private static final int RULES = 10_000;
    private static final int NAMES = 1024;

    /** Who the rules are for and how many apply to the caller. */
    @Param({"ALL_IN_ONE_GROUP", "SPREAD", "CALLER_IN_ALL_GROUPS"})
    public String scenario;

    private PermissionEvaluator evaluator;
    private Actor actor;
    private Resource[] resources;
    private Pattern[] callerPatterns;
    private int next;

    /** Builds the rules, the caller and the names of the scenario. */
    @Setup(Level.Trial)
    public void setUp() {
        ResourceTypes types = ResourceTypes.of("experiment");
        ResourceType experiment = types.require("experiment");
        List<RegexRule> rules = new ArrayList<>();
        Set<String> callerGroups = new HashSet<>();
        List<Pattern> patterns = new ArrayList<>();
        for (int k = 0; k < RULES; k++) {
            String group = scenario.equals("ALL_IN_ONE_GROUP") ? "everyone" : "g" + (k / 10);
            String source = switch (k % 3) {
                case 0 -> "team-" + k + "/.*";
                case 1 -> "exp-" + k + "-[0-9]+";
                default -> ".*-run" + k;
            };
            rules.add(new RegexRule(k + 1, Grantee.group(group), experiment, RegexPattern.compile(source), PermissionLevel.READ, k % 7));
        }
        rules.sort(RegexRule.ORDER);
        switch (scenario) {
            case "ALL_IN_ONE_GROUP" -> callerGroups.add("everyone");
            case "SPREAD" -> callerGroups.addAll(List.of("g17", "g503", "g998"));
            case "CALLER_IN_ALL_GROUPS" -> {
                for (int g = 0; g < RULES / 10; g++) {
                    callerGroups.add("g" + g);
                }
            }
            default -> throw new IllegalArgumentException(scenario);
        }
        for (RegexRule rule : rules) {
            if (callerGroups.contains(rule.grantee().name())) {
                patterns.add(Pattern.compile(rule.pattern().source()));
            }
        }
        callerPatterns = patterns.toArray(Pattern[]::new);
        actor = new Actor("alice", callerGroups, false);
        resources = new Resource[NAMES];
        for (int i = 0; i < NAMES; i++) {
            String name = scenario.equals("SPREAD") && i % 4 == 0
                    ? "team-" + (171 + 3 * (i % 3)) + "/churn-" + i // rules 171, 174, 177: g17's team-<k>/.* rules
                    : "analytics/churn-" + i;
            resources[i] = Resource.of(experiment, name);
        }
        List<RegexRule> fixed = List.copyOf(rules);
        PermissionData data = new PermissionData() {
            @Override
            public ResourceGrants grantsOn(Resource resource) {
                return ResourceGrants.none(resource);
            }

            @Override
            public List<RegexRule> rulesFor(ResourceType type) {
                return fixed; // like the store's cache: the same list until the rules change
            }
        };
        evaluator = new PermissionEvaluator(data, PermissionPolicy.defaults(), types);
        evaluator.decide(actor, resources[0]); // arranges the rules once, as the first request would
    }

    private Resource nextResource() {
        next = (next + 1) & (NAMES - 1);
        return resources[next];
    }

    /**
     * The decision.
     *
     * @return the decision
     */
    @Benchmark
    public Decision decide() {
        return evaluator.decide(actor, nextResource());
    }

    /**
     * The decision on one of the names, for per-name figures.
     *
     * @param index which name, 0 to 1 023
     * @return the decision
     */
    Decision decide(int index) {
        return evaluator.decide(actor, resources[index]);
    }

    /** @return how many names the scenario cycles through */
    int names() {
        return NAMES;
    }

    /**
     * Floor: every pattern that applies to the caller run against the name, as a plain scan does.
     *
     * @return how many matched
     */
    @Benchmark
    public int floorBareRe2Loop() {
        String name = nextResource().name();
        int matches = 0;
        for (Pattern pattern : callerPatterns) {
            if (pattern.matches(name)) {
                matches++;
            }
        }
        return matches;
    }
}
