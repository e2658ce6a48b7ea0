package dev.oidcsso.web.api;

import dev.oidcsso.authz.Grantee;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.store.GroupSize;
import dev.oidcsso.store.Page;
import dev.oidcsso.store.PermissionStore;
import dev.oidcsso.store.UserStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The groups known from logins and grants, for administrators: {@code GET /oidc/api/groups} and
 * {@code GET /oidc/api/groups/{name}} (members, grants, rules).
 */
final class GroupsResource {

    private final UserStore users;
    private final PermissionStore permissions;
    private final AdminRoles roles;

    GroupsResource(UserStore users, PermissionStore permissions, AdminRoles roles) {
        this.users = users;
        this.permissions = permissions;
        this.roles = roles;
    }

    WebResponse list(WebRequest request) {
        Paging paging = Paging.of(request, 1);
        Page<GroupSize> page = users.groupSizes(paging.afterName(), paging.limit());
        List<Object> groups = new ArrayList<>();
        for (GroupSize group : page.items()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", group.name());
            json.put("admin", roles.isAdminGroup(group.name()));
            json.put("member_count", group.members());
            groups.add(json);
        }
        return JsonViews.json(200, paging.json("groups", groups, page, RestApi.PREFIX + "/groups", request));
    }

    WebResponse get(String name) {
        if (!users.groups().contains(name)) {
            throw ApiException.notFound("No group '" + JsonBody.excerpt(name) + "' is known: none of its members has signed in "
                    + "and no grant names it.");
        }
        Grantee grantee = Grantee.group(name);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("admin", roles.isAdminGroup(name));
        json.put("members", users.members(name));
        json.put("grants", permissions.grantsTo(grantee).stream().map(JsonViews::grantJson).toList());
        json.put("rules", RulesResource.rulesOf(permissions, grantee));
        return JsonViews.json(200, json);
    }
}
