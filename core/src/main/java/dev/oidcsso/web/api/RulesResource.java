package dev.oidcsso.web.api;

import dev.oidcsso.auth.Principal;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.RegexPattern;
import dev.oidcsso.authz.RegexRule;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.login.Audit;
import dev.oidcsso.store.Page;
import dev.oidcsso.store.PermissionStore;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Regular-expression rules, for administrators: {@code GET}/{@code POST /oidc/api/rules} and
 * {@code GET}/{@code PATCH}/{@code DELETE /oidc/api/rules/{id}}.
 */
final class RulesResource {

    private static final List<String> RULE_FIELDS = List.of("grantee", "type", "pattern", "level", "priority");
    private static final List<String> RULE_CHANGE_FIELDS = List.of("pattern", "level", "priority");

    private final PermissionStore permissions;
    private final ApiInput input;

    RulesResource(PermissionStore permissions, ApiInput input) {
        this.permissions = permissions;
        this.input = input;
    }

    WebResponse list(WebRequest request) {
        Optional<ResourceType> type = request.queryParameter("type").map(input::type);
        Paging paging = Paging.of(request, 3);
        Optional<RuleKey> after = paging.after().map(RuleKey::of);
        // The store keeps every rule compiled in memory (they are few and the decision needs them
        // anyway): a page is a filtered walk of that list, with no table read and no compiling.
        List<RegexRule> rows = permissions.rules().stream()
                .filter(rule -> type.map(t -> t.equals(rule.type())).orElse(true))
                .filter(rule -> after.map(key -> RuleKey.of(rule).compareTo(key) > 0).orElse(true))
                .limit(paging.limit() + 1L).toList();
        Page<RegexRule> page = Page.of(rows, paging.limit(), rule -> RuleKey.of(rule).parts());
        List<Object> json = page.items().stream().map(JsonViews::ruleJson).map(Object.class::cast).toList();
        return JsonViews.json(200, paging.json("rules", json, page, RestApi.PREFIX + "/rules", request));
    }

    /** A rule's place in the list: type, priority, id (the store's order). */
    private record RuleKey(String type, int priority, long id) implements Comparable<RuleKey> {

        static RuleKey of(RegexRule rule) {
            return new RuleKey(rule.type().name(), rule.priority(), rule.id());
        }

        static RuleKey of(List<String> parts) {
            try {
                return new RuleKey(parts.get(0), Integer.parseInt(parts.get(1)), Long.parseLong(parts.get(2)));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("'cursor' is not one this API gave out; start again without it.");
            }
        }

        List<String> parts() {
            return List.of(type, Integer.toString(priority), Long.toString(id));
        }

        @Override
        public int compareTo(RuleKey other) {
            int byType = type.compareTo(other.type);
            if (byType != 0) {
                return byType;
            }
            int byPriority = Integer.compare(priority, other.priority);
            return byPriority != 0 ? byPriority : Long.compare(id, other.id);
        }
    }

    WebResponse get(long id) {
        return JsonViews.json(200, JsonViews.ruleJson(find(id)));
    }

    WebResponse add(WebRequest request, Principal caller) {
        JsonBody body = JsonBody.read(request, RULE_FIELDS, false);
        Grantee grantee = ApiInput.grantee(body);
        ResourceType type = input.type(body.text("type"));
        String pattern = RegexPattern.compile(body.text("pattern")).source();
        PermissionLevel level = ApiInput.level(body.text("level"));
        int priority = body.integer("priority").orElse(0);
        RegexRule rule = permissions.addRule(grantee, type, pattern, level, priority);
        Audit.event("rule created", "by", caller.username(), "id", rule.id(), "grantee", grantee, "type", type,
                "pattern", pattern, "level", level, "priority", priority);
        return JsonViews.json(201, JsonViews.ruleJson(rule)).withHeader("Location", RestApi.PREFIX + "/rules/" + rule.id());
    }

    WebResponse change(WebRequest request, Principal caller, long id) {
        JsonBody body = JsonBody.read(request, RULE_CHANGE_FIELDS, false);
        if (!body.has("pattern") && !body.has("level") && !body.has("priority")) {
            throw ApiException.badRequest("Nothing to change: give 'pattern', 'level' and/or 'priority'.");
        }
        RegexRule current = find(id);
        String pattern = body.optionalText("pattern").map(p -> RegexPattern.compile(p).source()).orElse(current.pattern().source());
        PermissionLevel level = body.optionalText("level").map(ApiInput::level).orElse(current.level());
        int priority = body.integer("priority").orElse(current.priority());
        RegexRule changed = permissions.updateRule(id, pattern, level, priority)
                .orElseThrow(() -> ApiException.notFound("There is no rule " + id + "."));
        Audit.event("rule changed", "by", caller.username(), "id", id, "grantee", changed.grantee(), "type", changed.type(),
                "pattern", pattern, "level", level, "priority", priority);
        return JsonViews.json(200, JsonViews.ruleJson(changed));
    }

    WebResponse delete(Principal caller, long id) {
        if (!permissions.deleteRule(id)) {
            throw ApiException.notFound("There is no rule " + id + ".");
        }
        Audit.event("rule deleted", "by", caller.username(), "id", id);
        return JsonViews.noContent();
    }

    private RegexRule find(long id) {
        return permissions.rules().stream().filter(rule -> rule.id() == id).findFirst()
                .orElseThrow(() -> ApiException.notFound("There is no rule " + id + "."));
    }

    /** The rules of one grantee, as shown beside a user's or a group's grants. */
    static List<Object> rulesOf(PermissionStore permissions, Grantee grantee) {
        return permissions.rules().stream().filter(rule -> rule.grantee().equals(grantee))
                .map(JsonViews::ruleJson).map(Object.class::cast).toList();
    }
}
