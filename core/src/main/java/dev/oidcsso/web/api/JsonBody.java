package dev.oidcsso.web.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oidcsso.OidcSsoException;
import dev.oidcsso.http.WebRequest;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One JSON object from a request body, read strictly: duplicate keys, trailing content, unknown
 * fields and wrong types are refused with a message that says what to send. Hand-checked rather
 * than bound to classes, so that no message ever shows a Java class name.
 */
final class JsonBody {

    /** The largest accepted body: far above any valid request, far below a memory problem. */
    static final int MAX_BYTES = 16 * 1024;
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final String where;
    private final ObjectNode node;

    private JsonBody(String where, ObjectNode node) {
        this.where = where;
        this.node = node;
    }

    /**
     * Reads the body as a JSON object with only the given fields.
     *
     * @param request  the request
     * @param fields   the accepted field names
     * @param optional whether an empty body is accepted (as an empty object)
     * @return the object
     * @throws OidcSsoException (400, 413, 415) for anything else
     */
    static JsonBody read(WebRequest request, List<String> fields, boolean optional) {
        byte[] bytes = request.body(MAX_BYTES);
        if (bytes.length == 0) {
            if (optional) {
                return new JsonBody("the body", MAPPER.createObjectNode());
            }
            throw ApiException.badRequest("The body is empty; send a JSON object with " + describe(fields) + ".");
        }
        // Demanding application/json also keeps cross-site HTML forms out: a browser cannot send
        // this content type to another site without a CORS preflight, which this API never allows.
        String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json")) {
            throw new ApiException(415, "Send the body as JSON with 'Content-Type: application/json'.");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw ApiException.badRequest(invalid(e));
        } catch (java.io.IOException e) {
            // Reading from a byte array fails only as a parse error, caught above.
            throw ApiException.badRequest("The body is not valid JSON.");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw ApiException.badRequest("The body must be a JSON object with " + describe(fields) + ".");
        }
        return new JsonBody("the body", object).only(fields);
    }

    /**
     * Where a body stops being JSON, and for a repeated field which one, in this API's words: Jackson's
     * own messages name its classes and settings ("bound as `com.fasterxml...JsonNode`", "enable
     * `JsonReadFeature...`"), internals that are no help to a client and no business of one.
     */
    static String invalid(JacksonException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String original = String.valueOf(e.getOriginalMessage());
        String duplicate = "Duplicate field '";
        String why = original.startsWith(duplicate) && original.endsWith("'")
                ? " Duplicate field '" + excerpt(original.substring(duplicate.length(), original.length() - 1)) + "'."
                : "";
        return "The body is not valid JSON" + where + "." + why;
    }

    private JsonBody only(List<String> fields) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!fields.contains(field)) {
                throw ApiException.badRequest("Unknown field '" + excerpt(field) + "' in " + where + "; the fields are "
                        + describe(fields) + ".");
            }
        }
        return this;
    }

    boolean has(String field) {
        return node.has(field);
    }

    boolean isNull(String field) {
        return node.has(field) && node.get(field).isNull();
    }

    /** A required string field, not blank. */
    String text(String field) {
        return optionalText(field).orElseThrow(() -> ApiException.badRequest("'" + path(field) + "' is required: a non-empty string."));
    }

    /** An optional string field; null counts as absent. */
    Optional<String> optionalText(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw ApiException.badRequest("'" + path(field) + "' must be a non-empty string.");
        }
        return Optional.of(value.asText());
    }

    Optional<Boolean> bool(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest("'" + path(field) + "' must be true or false.");
        }
        return Optional.of(value.booleanValue());
    }

    Optional<Integer> integer(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw ApiException.badRequest("'" + path(field) + "' must be a whole number between "
                    + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE + ".");
        }
        return Optional.of(value.intValue());
    }

    /** A required nested object with only the given fields. */
    JsonBody object(String field, List<String> fields) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.badRequest("'" + path(field) + "' is required: an object with " + describe(fields) + ".");
        }
        if (!(value instanceof ObjectNode object)) {
            throw ApiException.badRequest("'" + path(field) + "' must be an object with " + describe(fields) + ".");
        }
        return new JsonBody(path(field), object).only(fields);
    }

    private String path(String field) {
        return where.equals("the body") ? field : where + "." + field;
    }

    private static String describe(List<String> fields) {
        return fields.stream().map(f -> "'" + f + "'").reduce((a, b) -> a + ", " + b).orElse("no fields");
    }

    static String excerpt(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
