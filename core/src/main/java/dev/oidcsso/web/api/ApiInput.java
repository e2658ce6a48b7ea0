package dev.oidcsso.web.api;

import dev.oidcsso.authz.Names;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.PermissionEvaluator;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.authz.ResourceTypes;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * Parses the values the resources read from paths, query parameters and bodies, each with a 400
 * that says what to send; resource types are checked against those the application declared.
 */
final class ApiInput {

    static final List<String> GRANTEE_FIELDS = List.of("kind", "name");
    static final List<String> RESOURCE_FIELDS = List.of("type", "name");

    private final Optional<ResourceTypes> types;
    private final Optional<PermissionEvaluator> evaluator;

    ApiInput(Optional<ResourceTypes> types, Optional<PermissionEvaluator> evaluator) {
        this.types = types;
        this.evaluator = evaluator;
    }

    PermissionEvaluator evaluator() {
        return evaluator.orElseThrow(() -> ApiException.badRequest(
                "This application declares no resource types, so there is nothing to grant permissions on."));
    }

    List<ResourceType> declaredTypes() {
        return types.map(ResourceTypes::all).orElse(List.of());
    }

    ResourceType type(String name) {
        return types.orElseThrow(() -> ApiException.badRequest(
                "This application declares no resource types, so there is nothing to grant permissions on.")).require(name);
    }

    static Grantee grantee(JsonBody body) {
        JsonBody grantee = body.object("grantee", GRANTEE_FIELDS);
        return new Grantee(Grantee.Kind.parse(grantee.text("kind")), grantee.text("name"));
    }

    Resource resource(JsonBody body) {
        JsonBody resource = body.object("resource", RESOURCE_FIELDS);
        return new Resource(type(resource.text("type")), resource.text("name"));
    }

    static PermissionLevel level(String text) {
        return PermissionLevel.parse(text);
    }

    /** A path segment, percent-decoded ({@code +} stays a plus sign) and bounded. */
    static String name(String segment, String what) {
        String decoded;
        try {
            decoded = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("The " + what + " in the path is not correctly percent-encoded.");
        }
        if (decoded.isBlank() || decoded.length() > Grantee.MAX_NAME_LENGTH) {
            throw ApiException.badRequest("The " + what + " in the path must be 1 to " + Grantee.MAX_NAME_LENGTH + " characters.");
        }
        return Names.check("the " + what, decoded);
    }

    static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'expires_at' must be an ISO-8601 time with an offset, such as 2027-01-31T00:00:00Z, "
                    + "or null for a token that never expires.");
        }
    }

    static long ruleId(String text) {
        if (!text.matches("[0-9]{1,18}")) {
            throw ApiException.notFound("There is no rule '" + JsonBody.excerpt(text) + "': rule ids are numbers.");
        }
        return Long.parseLong(text);
    }
}
