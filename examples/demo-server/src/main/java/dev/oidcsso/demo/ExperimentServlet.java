package dev.oidcsso.demo;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oidcsso.OidcSsoException;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.authz.Actor;
import dev.oidcsso.authz.Grant;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.PermissionEvaluator;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceGrants;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.store.PermissionStore;
import dev.oidcsso.web.OidcSso;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The REST API of one kind of item, experiments under {@code /api/experiments} or registered models
 * under {@code /api/registered-models}: list and create on the collection; read, replace
 * ({@code PUT}), change ({@code PATCH}) and delete on {@code /{id}}. Bodies are JSON objects with
 * {@code name} and optional {@code description}; every error is a JSON object
 * {@code {"error": ..., "message": ...}}. The {@link dev.oidcsso.web.OidcSsoFilter} in front
 * guarantees an authenticated principal and checks CSRF.
 *
 * <p>Permissions, on the resource named by the item's name (so regular-expression rules match
 * names): creating makes the creator MANAGE; reading needs READ, changing EDIT, renaming and
 * deleting MANAGE; the list holds only what the caller may read. Administrators may do everything.
 */
public final class ExperimentServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** Longest accepted name, in characters. */
    public static final int MAX_NAME_LENGTH = 200;
    /** Longest accepted description, in characters. */
    public static final int MAX_DESCRIPTION_LENGTH = 5_000;
    /** Largest accepted request body, in bytes: far above any valid body, far below a memory problem. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Set<String> FIELDS = Set.of("name", "description");

    private final transient ExperimentStore store;
    private final transient ObjectMapper json;
    private final transient Kind kind;
    private final transient PermissionEvaluator evaluator;
    private final transient PermissionStore permissions;

    /**
     * What one servlet serves.
     *
     * @param type     the resource type its items are protected as
     * @param label    the item's name in messages, such as {@code experiment}
     * @param listKey  the JSON key of the list, such as {@code experiments}
     * @param basePath where the collection is, such as {@code /api/experiments}
     */
    public record Kind(ResourceType type, String label, String listKey, String basePath) {
    }

    /**
     * Creates the servlet.
     *
     * @param store       where the items are kept
     * @param json        the JSON mapper (see {@link DemoServer#jsonMapper()} for the strict settings it expects)
     * @param kind        what it serves
     * @param evaluator   the permission decision
     * @param permissions where creators are recorded and grants of deleted items forgotten
     */
    public ExperimentServlet(ExperimentStore store, ObjectMapper json, Kind kind, PermissionEvaluator evaluator,
                             PermissionStore permissions) {
        this.store = store;
        this.json = json;
        this.kind = kind;
        this.evaluator = evaluator;
        this.permissions = permissions;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Dispatching here rather than through doGet/doPatch keeps PATCH working on Servlet 6.0
        // containers, whose HttpServlet has no doPatch.
        Optional<Principal> principal = principal(request);
        if (principal.isEmpty()) {
            error(response, 401, "unauthenticated", "Sign in first.");
            return;
        }
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        Actor actor = OidcSso.actor(principal.get());
        try {
            if (path.equals("/")) {
                switch (method) {
                    case "GET" -> list(actor, response);
                    case "POST" -> create(request, response, principal.get());
                    default -> notAllowed(response, "GET, POST");
                }
            } else if (path.matches("/[0-9]{1,18}")) {
                String id = path.substring(1);
                switch (method) {
                    case "GET" -> get(actor, id, response);
                    case "PUT" -> change(actor, id, request, response, true);
                    case "PATCH" -> change(actor, id, request, response, false);
                    case "DELETE" -> delete(actor, id, response);
                    default -> notAllowed(response, "GET, PUT, PATCH, DELETE");
                }
            } else {
                notFound(response, path.substring(1));
            }
        } catch (BadRequest e) {
            error(response, e.status, e.code, e.getMessage());
        } catch (ExperimentStore.NameTakenException e) {
            error(response, 409, "conflict", e.getMessage());
        } catch (OidcSsoException e) {
            // 403 from a permission check, 503 while the database is away, 400 for an unusable name.
            int status = e.status();
            if (status == 503) {
                response.setHeader("Retry-After", "5");
            }
            error(response, status, switch (status) {
                case 403 -> "forbidden";
                case 503 -> "unavailable";
                default -> status >= 500 ? "server_error" : "invalid_request";
            }, e.getMessage());
        }
    }

    private Resource resource(String name) {
        return new Resource(kind.type(), name);
    }

    private void list(Actor actor, HttpServletResponse response) throws IOException {
        List<Experiment> all = store.list();
        Set<String> readable = new HashSet<>(evaluator.readable(actor, kind.type(), all.stream().map(Experiment::name).toList()));
        // Written item by item as it goes out rather than built whole first: a list of 10 000 is a
        // few megabytes of text that need not sit in the heap at once.
        response.setStatus(200);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        try (JsonGenerator out = json.getFactory().createGenerator(response.getOutputStream())) {
            out.writeStartObject();
            out.writeArrayFieldStart(kind.listKey());
            for (Experiment item : all) {
                if (readable.contains(item.name())) {
                    out.writeTree(toJson(item));
                }
            }
            out.writeEndArray();
            out.writeEndObject();
        }
    }

    private void create(HttpServletRequest request, HttpServletResponse response, Principal principal) throws IOException {
        ObjectNode body = readObject(request);
        String name = name(body).orElseThrow(() -> new BadRequest("'name' is required: a non-empty string."));
        Experiment created = store.create(name, description(body).orElse(""), principal.username());
        try {
            permissions.recordCreation(resource(name), principal.username());
        } catch (RuntimeException e) {
            // Without its MANAGE grant the creator could not even read the new item: undo it.
            store.delete(created.id());
            throw e;
        }
        response.setHeader("Location", request.getContextPath() + kind.basePath() + "/" + created.id());
        send(response, 201, toJson(created));
    }

    private void get(Actor actor, String id, HttpServletResponse response) throws IOException {
        Optional<Experiment> item = store.find(id);
        if (item.isPresent()) {
            evaluator.require(actor, resource(item.get().name()), PermissionLevel.READ);
            send(response, 200, toJson(item.get()));
        } else {
            notFound(response, id);
        }
    }

    private void delete(Actor actor, String id, HttpServletResponse response) throws IOException {
        Optional<Experiment> item = store.find(id);
        if (item.isEmpty()) {
            notFound(response, id);
            return;
        }
        evaluator.require(actor, resource(item.get().name()), PermissionLevel.MANAGE);
        if (store.delete(id)) {
            // A new item of the same name must not inherit these grants.
            permissions.forgetResource(resource(item.get().name()));
            response.setStatus(204);
        } else {
            notFound(response, id);
        }
    }

    /**
     * Grants follow the name, because rules match names: a rename needs MANAGE (it changes who
     * the rules let in) and carries the direct grants and the creator over to the new name.
     */
    private void moveGrants(String from, String to) {
        Resource oldResource = resource(from);
        Resource newResource = resource(to);
        ResourceGrants grants = permissions.grantsOn(oldResource);
        grants.creator().ifPresent(creator -> permissions.recordCreation(newResource, creator));
        grants.users().forEach((user, level) -> permissions.grant(new Grant(Grantee.user(user), newResource, level)));
        grants.groups().forEach((group, level) -> permissions.grant(new Grant(Grantee.group(group), newResource, level)));
        permissions.forgetResource(oldResource);
    }

    /** PUT replaces both fields (name required); PATCH changes only the fields it names. */
    private void change(Actor actor, String id, HttpServletRequest request, HttpServletResponse response, boolean replace)
            throws IOException {
        ObjectNode body = readObject(request);
        Optional<String> name = name(body);
        Optional<String> description = description(body);
        if (replace && name.isEmpty()) {
            throw new BadRequest("'name' is required: a non-empty string (PUT replaces the " + kind.label()
                    + "; use PATCH to change one field).");
        }
        if (name.isEmpty() && description.isEmpty()) {
            throw new BadRequest("Nothing to change: give 'name' and/or 'description'.");
        }
        Optional<Experiment> current = store.find(id);
        if (current.isEmpty()) {
            notFound(response, id);
            return;
        }
        String oldName = current.get().name();
        String newName = name.orElse(oldName);
        evaluator.require(actor, resource(oldName), newName.equals(oldName) ? PermissionLevel.EDIT : PermissionLevel.MANAGE);
        Optional<Experiment> changed = store.update(id, newName,
                replace ? description.orElse("") : description.orElse(current.get().description()));
        if (changed.isPresent()) {
            if (!newName.equals(oldName)) {
                moveGrants(oldName, newName);
            }
            send(response, 200, toJson(changed.get()));
        } else {
            notFound(response, id);
        }
    }

    /** Reads the body as one JSON object, refusing anything else with a message that says what to send. */
    private ObjectNode readObject(HttpServletRequest request) throws IOException {
        // Demanding application/json also keeps cross-site HTML forms out: a browser cannot send
        // this content type to another site without a CORS preflight, which this API never allows.
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new BadRequest(415, "unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'.");
        }
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new BadRequest(413, "payload_too_large", "The body is larger than " + MAX_BODY_BYTES + " bytes.");
        }
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JacksonException e) {
            throw new BadRequest(invalidJson(e));
        }
        if (node == null || node.isMissingNode()) {
            throw new BadRequest("The body is empty; send a JSON object such as {\"name\": \"my-experiment\"}.");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new BadRequest("The body must be a JSON object such as {\"name\": \"my-experiment\"}.");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw new BadRequest("Unknown field '" + field + "'; the fields are 'name' and 'description'.");
            }
        }
        return object;
    }

    /**
     * Where the body stops being JSON, and for a repeated field which one: Jackson's own messages name
     * its classes and settings ("bound as `com.fasterxml...JsonNode`"), which no client should see.
     */
    private static String invalidJson(JacksonException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String original = String.valueOf(e.getOriginalMessage());
        String duplicate = "Duplicate field '";
        String why = original.startsWith(duplicate) && original.endsWith("'") && original.length() <= duplicate.length() + 1 + MAX_NAME_LENGTH
                ? " " + original + "." : "";
        return "The body is not valid JSON" + where + "." + why;
    }

    private static Optional<String> name(ObjectNode body) {
        JsonNode node = body.get("name");
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new BadRequest("'name' must be a non-empty string.");
        }
        String name = node.asText().strip();
        if (name.length() > MAX_NAME_LENGTH) {
            throw new BadRequest("'name' is " + name.length() + " characters long; the limit is " + MAX_NAME_LENGTH + ".");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new BadRequest("'name' must not contain control characters such as line breaks or tabs.");
        }
        return Optional.of(name);
    }

    private static Optional<String> description(ObjectNode body) {
        JsonNode node = body.get("description");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new BadRequest("'description' must be a string.");
        }
        if (node.asText().length() > MAX_DESCRIPTION_LENGTH) {
            throw new BadRequest("'description' is " + node.asText().length() + " characters long; the limit is "
                    + MAX_DESCRIPTION_LENGTH + ".");
        }
        return Optional.of(node.asText());
    }

    private ObjectNode toJson(Experiment experiment) {
        ObjectNode node = json.createObjectNode();
        node.put("id", experiment.id());
        node.put("name", experiment.name());
        node.put("description", experiment.description());
        node.put("created_by", experiment.createdBy());
        node.put("created_at", experiment.createdAt().toString());
        node.put("updated_at", experiment.updatedAt().toString());
        return node;
    }

    static Optional<Principal> principal(HttpServletRequest request) {
        return request.getUserPrincipal() instanceof Principal principal ? Optional.of(principal) : Optional.empty();
    }

    private void notFound(HttpServletResponse response, String id) throws IOException {
        error(response, 404, "not_found", "No " + kind.label() + " with id '" + id + "'.");
    }

    private void notAllowed(HttpServletResponse response, String allowed) throws IOException {
        response.setHeader("Allow", allowed);
        error(response, 405, "method_not_allowed", "Use one of: " + allowed + ".");
    }

    private void error(HttpServletResponse response, int status, String code, String message) throws IOException {
        ObjectNode body = json.createObjectNode();
        body.put("error", code);
        body.put("message", message);
        send(response, status, body);
    }

    private void send(HttpServletResponse response, int status, JsonNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** A request the client must fix; carries the status and the error code for the JSON answer. */
    private static final class BadRequest extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;

        BadRequest(String message) {
            this(400, "invalid_request", message);
        }

        BadRequest(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }
}
