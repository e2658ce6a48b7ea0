package dev.oidcsso.web.api;

import dev.oidcsso.auth.Principal;
import dev.oidcsso.authz.Grant;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceGrants;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.login.Audit;
import dev.oidcsso.store.GrantQuery;
import dev.oidcsso.store.Page;
import dev.oidcsso.store.PermissionStore;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Direct grants, for administrators: {@code GET /oidc/api/grants} (filtered by user, group, type,
 * name), {@code PUT} to grant or change a level, {@code DELETE} to revoke.
 */
final class GrantsResource {

    private static final List<String> GRANT_FIELDS = List.of("grantee", "resource", "level");
    private static final List<String> REVOKE_FIELDS = List.of("grantee", "resource");

    private final PermissionStore permissions;
    private final ApiInput input;

    GrantsResource(PermissionStore permissions, ApiInput input) {
        this.permissions = permissions;
        this.input = input;
    }

    WebResponse list(WebRequest request) {
        Optional<String> user = request.queryParameter("user");
        Optional<String> group = request.queryParameter("group");
        Optional<ResourceType> type = request.queryParameter("type").map(input::type);
        Optional<String> name = request.queryParameter("name").map(Resource::checkName);
        if (user.isPresent() && group.isPresent()) {
            throw ApiException.badRequest("Give 'user' or 'group', not both.");
        }
        Optional<Grantee> grantee = user.map(Grantee::user).or(() -> group.map(Grantee::group));
        Paging paging = Paging.of(request, 4);
        Page<Grant> page = permissions.grants(new GrantQuery(grantee, type, name, paging.after(), paging.limit()));
        List<Object> json = page.items().stream().map(JsonViews::grantJson).map(Object.class::cast).toList();
        return JsonViews.json(200, paging.json("grants", json, page, RestApi.PREFIX + "/grants", request));
    }

    WebResponse put(WebRequest request, Principal caller) {
        JsonBody body = JsonBody.read(request, GRANT_FIELDS, false);
        Grantee grantee = ApiInput.grantee(body);
        Resource resource = input.resource(body);
        PermissionLevel level = ApiInput.level(body.text("level"));
        ResourceGrants before = permissions.grantsOn(resource);
        Optional<PermissionLevel> previous = Optional.ofNullable(
                (grantee.kind() == Grantee.Kind.USER ? before.users() : before.groups()).get(grantee.name()));
        Grant grant = new Grant(grantee, resource, level);
        permissions.grant(grant);
        Audit.event(previous.isPresent() ? "grant changed" : "grant created", "by", caller.username(), "grantee", grantee,
                "resource", resource, "level", level, "previous", previous.map(Enum::name).orElse("none"));
        Map<String, Object> json = JsonViews.grantJson(grant);
        json.put("previous_level", previous.map(Enum::name).orElse(null));
        return JsonViews.json(previous.isPresent() ? 200 : 201, json);
    }

    WebResponse delete(WebRequest request, Principal caller) {
        JsonBody body = JsonBody.read(request, REVOKE_FIELDS, false);
        Grantee grantee = ApiInput.grantee(body);
        Resource resource = input.resource(body);
        if (!permissions.revoke(grantee, resource)) {
            throw ApiException.notFound(grantee + " has no grant on " + JsonBody.excerpt(resource.toString()) + ".");
        }
        Audit.event("grant deleted", "by", caller.username(), "grantee", grantee, "resource", resource);
        return JsonViews.noContent();
    }
}
