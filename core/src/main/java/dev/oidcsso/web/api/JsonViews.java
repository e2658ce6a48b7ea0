package dev.oidcsso.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.oidcsso.authz.Grant;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.RegexRule;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.store.TokenInfo;
import dev.oidcsso.store.User;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON shapes of the API's answers, in one place so that a grant or a rule looks the same in
 * every route that shows it. Field names are snake_case and stable: they are part of the API.
 */
final class JsonViews {

    private JsonViews() {
    }

    static Map<String, Object> userJson(User user, boolean admin, Optional<TokenInfo> token) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("username", user.username());
        json.put("display_name", user.displayName());
        json.put("email", user.email());
        json.put("groups", user.groups().stream().sorted().toList());
        json.put("admin", admin);
        json.put("disabled", user.disabled());
        json.put("created_at", user.createdAt().toString());
        json.put("last_login", user.lastLogin().toString());
        json.put("token", token.map(JsonViews::tokenJson).orElse(null));
        json.put("identity", user.identity().map(bound -> {
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("issuer", bound.issuer());
            identity.put("subject", bound.subject());
            return identity;
        }).orElse(null));
        return json;
    }

    static Map<String, Object> tokenJson(TokenInfo info) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("created_at", info.createdAt().toString());
        json.put("expires_at", info.expiresAt().map(Instant::toString).orElse(null));
        return json;
    }

    static Map<String, Object> grantJson(Grant grant) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("grantee", granteeJson(grant.grantee()));
        json.put("resource", resourceJson(grant.resource()));
        json.put("level", grant.level().name());
        return json;
    }

    static Map<String, Object> ruleJson(RegexRule rule) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", rule.id());
        json.put("grantee", granteeJson(rule.grantee()));
        json.put("type", rule.type().name());
        json.put("pattern", rule.pattern().source());
        json.put("level", rule.level().name());
        json.put("priority", rule.priority());
        return json;
    }

    static Map<String, Object> granteeJson(Grantee grantee) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", grantee.kind().code());
        json.put("name", grantee.name());
        return json;
    }

    static Map<String, Object> resourceJson(Resource resource) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", resource.type().name());
        json.put("name", resource.name());
        return json;
    }

    static WebResponse json(int status, Object value) {
        return WebResponse.json(status, write(value));
    }

    static WebResponse noContent() {
        return new WebResponse(204, Map.of("Cache-Control", List.of("no-store")), new byte[0]);
    }

    static String write(Object value) {
        try {
            return JsonBody.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings, numbers and booleans always serialise", e);
        }
    }
}
