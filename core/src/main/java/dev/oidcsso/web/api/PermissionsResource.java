package dev.oidcsso.web.api;

import dev.oidcsso.authz.Names;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.authz.Actor;
import dev.oidcsso.authz.Decision;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.store.User;
import dev.oidcsso.store.UserStore;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /oidc/api/permissions/effective}: the level a user has on one resource and why; for
 * oneself, or for anyone when asked by an administrator.
 */
final class PermissionsResource {

    private final UserStore users;
    private final ApiInput input;
    private final AdminRoles roles;

    PermissionsResource(UserStore users, ApiInput input, AdminRoles roles) {
        this.users = users;
        this.input = input;
        this.roles = roles;
    }

    WebResponse effective(WebRequest request, Principal caller) {
        String username = Names.check("the user name", request.queryParameter("user").orElse(caller.username()));
        if (!username.equals(caller.username()) && !caller.admin()) {
            throw ApiException.forbidden("Only administrators may ask about another user's permissions.");
        }
        ResourceType type = input.type(request.queryParameter("type")
                .orElseThrow(() -> ApiException.badRequest("The query parameter 'type' is required.")));
        String name = request.queryParameter("name")
                .orElseThrow(() -> ApiException.badRequest("The query parameter 'name' is required."));
        Resource resource = new Resource(type, name);
        Actor actor;
        boolean disabled = false;
        if (username.equals(caller.username())) {
            actor = new Actor(caller.username(), new HashSet<>(caller.groups()), caller.admin());
        } else {
            User user = users.find(username)
                    .orElseThrow(() -> ApiException.notFound("No user '" + JsonBody.excerpt(username) + "' has signed in."));
            actor = new Actor(username, user.groups(), roles.isAdmin(user));
            disabled = user.disabled();
        }
        Decision decision = input.evaluator().decide(actor, resource);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("user", actor.username());
        json.put("groups", actor.groups().stream().sorted().toList());
        json.put("admin", actor.admin());
        json.put("disabled", disabled);
        json.put("resource", JsonViews.resourceJson(resource));
        json.put("level", disabled ? PermissionLevel.NO_PERMISSIONS.name() : decision.level().name());
        json.put("basis", disabled ? "disabled" : decision.basis().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return JsonViews.json(200, json);
    }
}
