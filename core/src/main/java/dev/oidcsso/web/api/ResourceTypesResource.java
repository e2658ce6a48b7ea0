package dev.oidcsso.web.api;

import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.PermissionPolicy;
import dev.oidcsso.authz.PermissionSource;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.http.WebResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /oidc/api/resource-types}: the declared types, the levels and the permission policy. */
final class ResourceTypesResource {

    private final ApiInput input;
    private final PermissionPolicy policy;

    ResourceTypesResource(ApiInput input, PermissionPolicy policy) {
        this.input = input;
        this.policy = policy;
    }

    WebResponse get() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("resource_types", input.declaredTypes().stream().map(ResourceType::name).toList());
        json.put("levels", List.of(PermissionLevel.values()).stream().map(Enum::name).toList());
        json.put("source_order", policy.order().stream().map(PermissionSource::configName).toList());
        json.put("default_level", policy.defaultLevel().name());
        return JsonViews.json(200, json);
    }
}
