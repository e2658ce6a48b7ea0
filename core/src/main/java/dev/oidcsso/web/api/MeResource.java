package dev.oidcsso.web.api;

import dev.oidcsso.auth.Principal;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.store.TokenStore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** {@code GET /oidc/api/me}: who the caller is, their token's dates and, for a session, the CSRF token. */
final class MeResource {

    private final TokenStore tokens;
    private final Function<Principal, Optional<String>> csrfToken;

    MeResource(TokenStore tokens, Function<Principal, Optional<String>> csrfToken) {
        this.tokens = tokens;
        this.csrfToken = csrfToken;
    }

    WebResponse get(Principal caller) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", caller.username());
        body.put("groups", caller.groups());
        body.put("admin", caller.admin());
        body.put("auth_method", caller.method().wireName());
        body.put("token", tokens.find(caller.username()).map(JsonViews::tokenJson).orElse(null));
        Optional<String> csrf = csrfToken.apply(caller);
        body.put("csrf_token", csrf.orElse(null));
        return JsonViews.json(200, body);
    }
}
