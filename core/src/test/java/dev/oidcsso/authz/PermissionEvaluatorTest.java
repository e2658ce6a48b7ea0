package dev.oidcsso.authz;

import dev.oidcsso.OidcSsoException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.oidcsso.authz.PermissionLevel.EDIT;
import static dev.oidcsso.authz.PermissionLevel.MANAGE;
import static dev.oidcsso.authz.PermissionLevel.NO_PERMISSIONS;
import static dev.oidcsso.authz.PermissionLevel.READ;
import static dev.oidcsso.authz.PermissionLevel.USE;
import static dev.oidcsso.authz.PermissionSource.GROUP;
import static dev.oidcsso.authz.PermissionSource.GROUP_REGEX;
import static dev.oidcsso.authz.PermissionSource.REGEX;
import static dev.oidcsso.authz.PermissionSource.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PermissionEvaluatorTest {

    private static final ResourceTypes TYPES = ResourceTypes.of("experiment", "registered_model");
    private static final ResourceType EXPERIMENT = TYPES.require("experiment");
    private static final Resource CHURN = Resource.of(EXPERIMENT, "team-a-churn");
    private static final Actor ALICE = new Actor("alice", Set.of("analysts", "ml"), false);

    /** Every source has a different answer for alice on CHURN, so the order decides. */
    private static InMemoryPermissionData everySourceAnswers() {
        return new InMemoryPermissionData()
                .grant(Grantee.user("alice"), CHURN, READ)
                .grant(Grantee.group("analysts"), CHURN, USE)
                .rule(Grantee.user("alice"), EXPERIMENT, "team-a-.*", EDIT, 10)
                .rule(Grantee.group("ml"), EXPERIMENT, "team-.*", MANAGE, 10);
    }

    private static Decision decide(PermissionData data, List<PermissionSource> order, Actor actor, Resource resource) {
        return new PermissionEvaluator(data, new PermissionPolicy(order, NO_PERMISSIONS), TYPES).decide(actor, resource);
    }

    @Test
    void theFirstSourceInTheConfiguredOrderWins() {
        InMemoryPermissionData data = everySourceAnswers();
        assertEquals(new Decision(READ, Decision.Basis.USER), decide(data, List.of(USER, GROUP, REGEX, GROUP_REGEX), ALICE, CHURN));
        assertEquals(new Decision(USE, Decision.Basis.GROUP), decide(data, List.of(GROUP, USER, REGEX, GROUP_REGEX), ALICE, CHURN));
        assertEquals(new Decision(EDIT, Decision.Basis.REGEX), decide(data, List.of(REGEX, GROUP_REGEX, USER, GROUP), ALICE, CHURN));
        assertEquals(new Decision(MANAGE, Decision.Basis.GROUP_REGEX), decide(data, List.of(GROUP_REGEX, REGEX, GROUP, USER), ALICE, CHURN));
    }

    @Test
    void aSourceWithoutAnAnswerPassesToTheNext() {
        InMemoryPermissionData data = new InMemoryPermissionData().rule(Grantee.group("ml"), EXPERIMENT, "team-.*", EDIT, 1);
        assertEquals(new Decision(EDIT, Decision.Basis.GROUP_REGEX), decide(data, PermissionPolicy.DEFAULT_ORDER, ALICE, CHURN));
    }

    @Test
    void sourcesLeftOutOfTheOrderAreNotAsked() {
        InMemoryPermissionData data = everySourceAnswers();
        assertEquals(new Decision(NO_PERMISSIONS, Decision.Basis.DEFAULT), decide(data, List.of(), ALICE, CHURN));
        assertEquals(new Decision(MANAGE, Decision.Basis.GROUP_REGEX), decide(data, List.of(GROUP_REGEX), ALICE, CHURN));
    }

    @Test
    void theHighestLevelAmongTheUsersGroupsWins() {
        InMemoryPermissionData data = new InMemoryPermissionData()
                .grant(Grantee.group("analysts"), CHURN, READ)
                .grant(Grantee.group("ml"), CHURN, EDIT)
                .grant(Grantee.group("not-alices"), CHURN, MANAGE);
        assertEquals(new Decision(EDIT, Decision.Basis.GROUP), decide(data, PermissionPolicy.DEFAULT_ORDER, ALICE, CHURN));
    }

    @Test
    void groupRegexTakesEachGroupsFirstMatchByPriorityThenTheHighestAmongGroups() {
        InMemoryPermissionData data = new InMemoryPermissionData()
                .rule(Grantee.group("analysts"), EXPERIMENT, ".*", MANAGE, 50)      // shadowed by analysts' priority-1 rule
                .rule(Grantee.group("analysts"), EXPERIMENT, "team-a-.*", READ, 1)
                .rule(Grantee.group("ml"), EXPERIMENT, "team-a-churn", USE, 5);
        assertEquals(new Decision(USE, Decision.Basis.GROUP_REGEX), decide(data, PermissionPolicy.DEFAULT_ORDER, ALICE, CHURN));
    }

    @Test
    void userRegexRulesAreTriedInPriorityOrder() {
        InMemoryPermissionData data = new InMemoryPermissionData()
                .rule(Grantee.user("alice"), EXPERIMENT, ".*", MANAGE, 20)
                .rule(Grantee.user("alice"), EXPERIMENT, "team-a-.*", READ, 10)
                .rule(Grantee.user("bob"), EXPERIMENT, ".*", EDIT, 0);
        assertEquals(new Decision(READ, Decision.Basis.REGEX), decide(data, PermissionPolicy.DEFAULT_ORDER, ALICE, CHURN));
        assertEquals(new Decision(MANAGE, Decision.Basis.REGEX),
                decide(data, PermissionPolicy.DEFAULT_ORDER, ALICE, Resource.of(EXPERIMENT, "other")));
    }

    @Test
    void anExplicitNoPermissionsIsAnAnswerThatShutsOutLaterSources() {
        InMemoryPermissionData data = new InMemoryPermissionData()
                .grant(Grantee.user("alice"), CHURN, NO_PERMISSIONS)
                .grant(Grantee.group("ml"), CHURN, MANAGE);
        assertEquals(new Decision(NO_PERMISSIONS, Decision.Basis.USER), decide(data, PermissionPolicy.DEFAULT_ORDER, ALICE, CHURN));
    }

    @Test
    void theDefaultAppliesWhenNoSourceAnswers() {
        PermissionEvaluator evaluator = new PermissionEvaluator(new InMemoryPermissionData(),
                new PermissionPolicy(PermissionPolicy.DEFAULT_ORDER, READ), TYPES);
        assertEquals(new Decision(READ, Decision.Basis.DEFAULT), evaluator.decide(ALICE, CHURN));
        assertTrue(evaluator.allows(ALICE, CHURN, READ));
        assertFalse(evaluator.allows(ALICE, CHURN, USE));
    }

    @Test
    void adminsMayDoEverythingWhateverTheGrantsSay() {
        InMemoryPermissionData data = new InMemoryPermissionData().grant(Grantee.user("root"), CHURN, NO_PERMISSIONS);
        Actor admin = new Actor("root", Set.of(), true);
        assertEquals(new Decision(MANAGE, Decision.Basis.ADMIN), decide(data, PermissionPolicy.DEFAULT_ORDER, admin, CHURN));
    }

    @Test
    void requireFailsWith403() {
        PermissionEvaluator evaluator = new PermissionEvaluator(everySourceAnswers(), PermissionPolicy.defaults(), TYPES);
        evaluator.require(ALICE, CHURN, READ);
        OidcSsoException denied = assertThrows(OidcSsoException.class, () -> evaluator.require(ALICE, CHURN, EDIT));
        assertEquals(403, denied.status());
        assertEquals("permission denied: EDIT on experiment 'team-a-churn' is required", denied.getMessage());
    }

    @Test
    void undeclaredResourceTypesAreRefusedWith400() {
        PermissionEvaluator evaluator = new PermissionEvaluator(everySourceAnswers(), PermissionPolicy.defaults(), TYPES);
        PermissionInputException refused = assertThrows(PermissionInputException.class,
                () -> evaluator.decide(ALICE, Resource.of(ResourceType.of("dataset"), "x")));
        assertEquals(400, refused.status());
        assertEquals("resource type 'dataset' is not declared; use one of experiment, registered_model", refused.getMessage());
    }

    @Test
    void readableKeepsOnlyWhatTheCallerMayReadInOrderAndAsksForRulesOnce() {
        InMemoryPermissionData data = new InMemoryPermissionData()
                .grant(Grantee.user("alice"), Resource.of(EXPERIMENT, "mine"), READ)
                .grant(Grantee.user("alice"), Resource.of(EXPERIMENT, "team-a-secret"), NO_PERMISSIONS)
                .grant(Grantee.group("ml"), Resource.of(EXPERIMENT, "shared"), EDIT)
                .rule(Grantee.group("analysts"), EXPERIMENT, "team-a-.*", READ, 1);
        PermissionEvaluator evaluator = new PermissionEvaluator(data, PermissionPolicy.defaults(), TYPES);
        List<String> names = List.of("team-a-churn", "others", "mine", "team-a-secret", "shared");
        assertEquals(List.of("team-a-churn", "mine", "shared"), evaluator.readable(ALICE, EXPERIMENT, names));
        assertEquals(1, data.ruleLookups);
        assertEquals(names, evaluator.readable(new Actor("root", Set.of(), true), EXPERIMENT, names));
    }

    @Test
    void aListReadsTheCallersGrantsOnceAndNoResourcesGrantsWhenTheDataCanReadByGrantee() {
        InMemoryPermissionData data = new InMemoryPermissionData()
                .grant(Grantee.user("alice"), Resource.of(EXPERIMENT, "mine"), READ)
                .grant(Grantee.user("bob"), Resource.of(EXPERIMENT, "bobs"), MANAGE)
                .grant(Grantee.group("ml"), Resource.of(EXPERIMENT, "shared"), NO_PERMISSIONS)
                .grant(Grantee.group("analysts"), Resource.of(EXPERIMENT, "shared"), EDIT);
        PermissionEvaluator evaluator = new PermissionEvaluator(data, PermissionPolicy.defaults(), TYPES);
        List<String> names = List.of("bobs", "shared", "mine", "other");
        assertEquals(List.of("shared", "mine"), evaluator.readable(ALICE, EXPERIMENT, names), "the highest group grant wins");
        assertEquals(1, data.granteeReads);
        assertEquals(0, data.resourceReads, "no listed resource's grants were read");

        data.withoutGranteeReads();
        assertEquals(List.of("shared", "mine"), evaluator.readable(ALICE, EXPERIMENT, names), "the same answer read by resource");
        assertEquals(names.size(), data.resourceReads);
    }
}
