package dev.oidcsso.web.api;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.oidcsso.OidcSsoException;
import dev.oidcsso.testing.FuzzedRequest;

import java.util.List;
import java.util.Map;

/**
 * REST API bodies: any bytes under any Content-Type are read as the route's fields or refused with a
 * 4xx {@link OidcSsoException}; nothing else may escape, whatever the accessors ask.
 */
class JsonBodyFuzzTest {

    private static final List<String> RULE_FIELDS = List.of("grantee", "type", "pattern", "level", "priority");

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void anyBodyIsReadOrRefusedWith4xx(FuzzedDataProvider data) {
        boolean optional = data.consumeBoolean();
        String type = data.consumeBoolean() ? "application/json" : data.consumeString(40);
        byte[] body = data.consumeRemainingAsBytes();
        FuzzedRequest request = new FuzzedRequest("POST", "/oidc/api/rules", "", Map.of("content-type", List.of(type)), "127.0.0.1", body);
        try {
            JsonBody json = JsonBody.read(request, RULE_FIELDS, optional);
            json.has("pattern");
            json.optionalText("pattern");
            json.integer("priority");
            json.bool("level");
            if (json.has("grantee")) {
                JsonBody grantee = json.object("grantee", List.of("kind", "name"));
                grantee.optionalText("kind");
                grantee.text("name");
            }
            json.text("type");
        } catch (OidcSsoException e) {
            if (e.status() < 400 || e.status() > 499) {
                throw new IllegalStateException("status " + e.status() + " for the client's body", e);
            }
        }
    }
}
