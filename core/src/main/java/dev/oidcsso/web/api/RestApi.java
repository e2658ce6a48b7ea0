package dev.oidcsso.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.oidcsso.OidcSsoException;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.auth.TooManyFailuresException;
import dev.oidcsso.authz.Actor;
import dev.oidcsso.authz.Decision;
import dev.oidcsso.authz.Grant;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.Names;
import dev.oidcsso.authz.PermissionEvaluator;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.PermissionPolicy;
import dev.oidcsso.authz.PermissionSource;
import dev.oidcsso.authz.RegexPattern;
import dev.oidcsso.authz.RegexRule;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceGrants;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.store.Database;
import dev.oidcsso.store.IssuedToken;
import dev.oidcsso.store.TokenInfo;
import dev.oidcsso.store.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The REST API under {@value #PREFIX}. {@link dev.oidcsso.web.OidcSso} dispatches here only with
 * an authenticated principal and after the CSRF check; this class decides who may do what (admin
 * routes, "yourself or an admin"), validates input strictly and answers in JSON, errors as
 * {@code {"error": code, "message": text}}. The routes are listed in {@code docs/api-clients.md}.
 */
public final class RestApi {

    /** Where the API lives, relative to the application's base path. */
    public static final String PREFIX = "/oidc/api";

    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
    private static final List<String> TOKEN_FIELDS = List.of("expires_at");
    private static final List<String> GRANTEE_FIELDS = List.of("kind", "name");
    private static final List<String> RESOURCE_FIELDS = List.of("type", "name");
    private static final List<String> GRANT_FIELDS = List.of("grantee", "resource", "level");
    private static final List<String> REVOKE_FIELDS = List.of("grantee", "resource");
    private static final List<String> RULE_FIELDS = List.of("grantee", "type", "pattern", "level", "priority");
    private static final List<String> RULE_CHANGE_FIELDS = List.of("pattern", "level", "priority");

    private final Database database;
    private final Optional<ResourceTypes> types;
    private final PermissionPolicy policy;
    private final Optional<PermissionEvaluator> evaluator;
    private final Set<String> adminGroups;
    private final Function<Principal, Optional<String>> csrfToken;

    /**
     * Creates the API.
     *
     * @param database    the store of users, tokens, grants and rules
     * @param types       the application's resource types, if it declared any
     * @param policy      the permission policy, shown to clients and used for effective permissions
     * @param evaluator   the permission decision, present when resource types are declared
     * @param adminGroups the groups that make a user an administrator, to show who is one
     * @param csrfToken   the CSRF token of a session principal, handed out by {@code GET /oidc/api/me}
     */
    public RestApi(Database database, Optional<ResourceTypes> types, PermissionPolicy policy, Optional<PermissionEvaluator> evaluator,
                   Collection<String> adminGroups, Function<Principal, Optional<String>> csrfToken) {
        this.database = database;
        this.types = types;
        this.policy = policy;
        this.evaluator = evaluator;
        this.adminGroups = Set.copyOf(adminGroups);
        this.csrfToken = csrfToken;
    }

    /**
     * Whether a path belongs to the API.
     *
     * @param path the request path within the application
     * @return true for {@value #PREFIX} and below
     */
    public static boolean matches(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /**
     * Answers one API request. Never throws: every failure becomes a JSON error response.
     *
     * @param request the request
     * @param caller  the authenticated caller
     * @return the response
     */
    public WebResponse handle(WebRequest request, Principal caller) {
        try {
            return route(request, caller);
        } catch (OidcSsoException e) {
            return error(e);
        } catch (Throwable e) {
            // Throwable: an Error would reach the container, whose error page names the class to the client.
            LOG.error("REST API failure on {} {}", request.method(), request.path(), e);
            return error(new OidcSsoException(500, "An unexpected error occurred."));
        }
    }

    /**
     * The JSON error response for a failure: {@code {"error": code, "message": text}}, with
     * {@code Allow} on 405 and {@code Retry-After} on 503.
     *
     * @param e the failure, whose message is safe to show
     * @return the response
     */
    public static WebResponse error(OidcSsoException e) {
        int status = e.status() >= 400 && e.status() <= 599 ? e.status() : 500;
        String code = e instanceof ApiException api ? api.code() : switch (status) {
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 429 -> "too_many_requests";
            case 502, 503 -> "unavailable";
            default -> status >= 500 ? "server_error" : "invalid_request";
        };
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", e.publicMessage());
        WebResponse response = WebResponse.json(status, write(body));
        if (e instanceof ApiException api && api.allow().isPresent()) {
            response = response.withHeader("Allow", api.allow().get());
        }
        if (e instanceof TooManyFailuresException brake) {
            response = response.withHeader("Retry-After", String.valueOf(brake.retryAfterSeconds()));
        }
        return status == 503 ? response.withHeader("Retry-After", "5") : response;
    }

    private WebResponse route(WebRequest request, Principal caller) {
        String method = request.method().toUpperCase(Locale.ROOT);
        List<String> parts = segments(request.path().substring(PREFIX.length()));
        String first = parts.isEmpty() ? "" : parts.get(0);
        Optional<String> named = request.queryParameter("name");
        if ((first.equals("users") || first.equals("groups")) && named.isPresent()) {
            // ?name= stands for the {name} segment, left out: servlet containers refuse %2F, %5C and %25 in paths.
            parts.add(1, URLEncoder.encode(named.get(), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        int size = parts.size();
        switch (first) {
            case "me" -> {
                if (size == 1) {
                    return only(method, "GET") ? me(request, caller) : null;
                }
                if (size == 2 && parts.get(1).equals("token")) {
                    return switch (method) {
                        case "POST" -> createToken(request, caller, caller.username());
                        case "DELETE" -> deleteToken(caller, caller.username());
                        default -> throw ApiException.methodNotAllowed("POST, DELETE");
                    };
                }
            }
            case "users" -> {
                requireAdmin(caller);
                if (size == 1) {
                    return only(method, "GET") ? users() : null;
                }
                String username = name(parts.get(1), "user name");
                if (size == 2) {
                    return switch (method) {
                        case "GET" -> user(username);
                        case "PATCH" -> changeUser(request, caller, username);
                        default -> throw ApiException.methodNotAllowed("GET, PATCH");
                    };
                }
                if (size == 3 && parts.get(2).equals("token")) {
                    return switch (method) {
                        case "POST" -> createToken(request, caller, username);
                        case "DELETE" -> deleteToken(caller, username);
                        default -> throw ApiException.methodNotAllowed("POST, DELETE");
                    };
                }
            }
            case "groups" -> {
                requireAdmin(caller);
                if (size == 1) {
                    return only(method, "GET") ? groups() : null;
                }
                if (size == 2) {
                    return only(method, "GET") ? group(name(parts.get(1), "group name")) : null;
                }
            }
            case "grants" -> {
                requireAdmin(caller);
                if (size == 1) {
                    return switch (method) {
                        case "GET" -> grants(request);
                        case "PUT" -> putGrant(request, caller);
                        case "DELETE" -> deleteGrant(request, caller);
                        default -> throw ApiException.methodNotAllowed("GET, PUT, DELETE");
                    };
                }
            }
            case "rules" -> {
                requireAdmin(caller);
                if (size == 1) {
                    return switch (method) {
                        case "GET" -> rules(request);
                        case "POST" -> addRule(request, caller);
                        default -> throw ApiException.methodNotAllowed("GET, POST");
                    };
                }
                if (size == 2) {
                    long id = ruleId(parts.get(1));
                    return switch (method) {
                        case "GET" -> WebResponse.json(200, write(ruleJson(findRule(id))));
                        case "PATCH" -> changeRule(request, caller, id);
                        case "DELETE" -> deleteRule(caller, id);
                        default -> throw ApiException.methodNotAllowed("GET, PATCH, DELETE");
                    };
                }
            }
            case "permissions" -> {
                if (size == 2 && parts.get(1).equals("effective")) {
                    return only(method, "GET") ? effective(request, caller) : null;
                }
            }
            case "resource-types" -> {
                if (size == 1) {
                    return only(method, "GET") ? resourceTypes() : null;
                }
            }
            default -> {
                // falls through to 404
            }
        }
        throw ApiException.notFound("There is no API route " + JsonBody.excerpt(request.path())
                + "; see the routes under " + PREFIX + "/ in docs/api-clients.md.");
    }

    /** Whether the method is the one allowed; otherwise 405 naming it. */
    private static boolean only(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw ApiException.methodNotAllowed(allowed);
        }
        return true;
    }

    private static void requireAdmin(Principal caller) {
        if (!caller.admin()) {
            throw ApiException.forbidden("Only administrators may use this route.");
        }
    }

    // ---- me and tokens ------------------------------------------------------------------------

    private WebResponse me(WebRequest request, Principal caller) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", caller.username());
        body.put("groups", caller.groups());
        body.put("admin", caller.admin());
        body.put("auth_method", caller.method().wireName());
        body.put("token", database.tokens().find(caller.username()).map(RestApi::tokenJson).orElse(null));
        Optional<String> csrf = csrfToken.apply(caller);
        body.put("csrf_token", csrf.orElse(null));
        return WebResponse.json(200, write(body));
    }

    private WebResponse createToken(WebRequest request, Principal caller, String owner) {
        JsonBody body = JsonBody.read(request, TOKEN_FIELDS, true);
        Optional<Instant> expiresAt = TokenLifetime.of(caller, body.optionalText("expires_at").map(RestApi::instant));
        boolean replacing = database.tokens().find(owner).isPresent();
        IssuedToken issued = expiresAt.map(at -> database.tokens().create(owner, at)).orElseGet(() -> database.tokens().create(owner));
        Audit.event(replacing ? "token rotated" : "token created", "by", caller.username(), "for", owner,
                "expires", issued.expiresAt().map(Instant::toString).orElse("never"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("username", issued.username());
        // The one moment the plaintext leaves the server: this response, never a log or a later read.
        json.put("token", issued.token().reveal());
        json.put("created_at", issued.createdAt().toString());
        json.put("expires_at", issued.expiresAt().map(Instant::toString).orElse(null));
        json.put("note", "Shown once: store it now. It replaced any previous token of this user, which no longer works.");
        return WebResponse.json(201, write(json));
    }

    private WebResponse deleteToken(Principal caller, String owner) {
        if (!database.tokens().delete(owner)) {
            throw ApiException.notFound("'" + JsonBody.excerpt(owner) + "' has no access token.");
        }
        Audit.event("token deleted", "by", caller.username(), "for", owner);
        return noContent();
    }

    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'expires_at' must be an ISO-8601 time with an offset, such as 2027-01-31T00:00:00Z, "
                    + "or null for a token that never expires.");
        }
    }

    private static Map<String, Object> tokenJson(TokenInfo info) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("created_at", info.createdAt().toString());
        json.put("expires_at", info.expiresAt().map(Instant::toString).orElse(null));
        return json;
    }

    // ---- users and groups -----------------------------------------------------------------------

    private WebResponse users() {
        List<Object> users = new ArrayList<>();
        database.users().list().forEach(user -> users.add(userJson(user)));
        return WebResponse.json(200, write(Map.of("users", users)));
    }

    private WebResponse user(String username) {
        User user = database.users().find(username)
                .orElseThrow(() -> ApiException.notFound("No user '" + JsonBody.excerpt(username) + "' has signed in."));
        Map<String, Object> json = userJson(user);
        Grantee grantee = Grantee.user(username);
        json.put("grants", database.permissions().grantsTo(grantee).stream().map(RestApi::grantJson).toList());
        json.put("rules", rulesOf(grantee));
        return WebResponse.json(200, write(json));
    }

    private WebResponse changeUser(WebRequest request, Principal caller, String username) {
        JsonBody body = JsonBody.read(request, List.of("disabled"), false);
        boolean disabled = body.bool("disabled").orElseThrow(() -> ApiException.badRequest("'disabled' is required: true or false."));
        if (disabled && username.equals(caller.username())) {
            throw ApiException.badRequest("You cannot disable your own account; ask another administrator.");
        }
        if (!database.users().setDisabled(username, disabled)) {
            throw ApiException.notFound("No user '" + JsonBody.excerpt(username) + "' has signed in.");
        }
        Audit.event(disabled ? "user disabled" : "user enabled", "by", caller.username(), "user", username);
        return user(username);
    }

    private Map<String, Object> userJson(User user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("username", user.username());
        json.put("display_name", user.displayName());
        json.put("email", user.email());
        json.put("groups", user.groups().stream().sorted().toList());
        json.put("admin", user.groups().stream().anyMatch(adminGroups::contains));
        json.put("disabled", user.disabled());
        json.put("created_at", user.createdAt().toString());
        json.put("last_login", user.lastLogin().toString());
        json.put("token", database.tokens().find(user.username()).map(RestApi::tokenJson).orElse(null));
        return json;
    }

    private WebResponse groups() {
        List<Object> groups = new ArrayList<>();
        for (String group : database.users().groups()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", group);
            json.put("admin", adminGroups.contains(group));
            json.put("member_count", database.users().members(group).size());
            groups.add(json);
        }
        return WebResponse.json(200, write(Map.of("groups", groups)));
    }

    private WebResponse group(String name) {
        if (!database.users().groups().contains(name)) {
            throw ApiException.notFound("No group '" + JsonBody.excerpt(name) + "' is known: none of its members has signed in "
                    + "and no grant names it.");
        }
        Grantee grantee = Grantee.group(name);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("admin", adminGroups.contains(name));
        json.put("members", database.users().members(name));
        json.put("grants", database.permissions().grantsTo(grantee).stream().map(RestApi::grantJson).toList());
        json.put("rules", rulesOf(grantee));
        return WebResponse.json(200, write(json));
    }

    // ---- grants ---------------------------------------------------------------------------------

    private WebResponse grants(WebRequest request) {
        Optional<String> user = request.queryParameter("user");
        Optional<String> group = request.queryParameter("group");
        Optional<ResourceType> type = request.queryParameter("type").map(this::type);
        Optional<String> name = request.queryParameter("name").map(Resource::checkName);
        if (user.isPresent() && group.isPresent()) {
            throw ApiException.badRequest("Give 'user' or 'group', not both.");
        }
        List<Grant> found;
        if (user.isPresent() || group.isPresent()) {
            Grantee grantee = user.map(Grantee::user).orElseGet(() -> Grantee.group(group.get()));
            found = database.permissions().grantsTo(grantee);
        } else if (type.isPresent()) {
            found = database.permissions().grants(type.get());
        } else {
            found = new ArrayList<>();
            for (ResourceType declared : declaredTypes()) {
                found.addAll(database.permissions().grants(declared));
            }
        }
        List<Object> json = found.stream()
                .filter(grant -> type.map(t -> t.equals(grant.resource().type())).orElse(true))
                .filter(grant -> name.map(n -> n.equals(grant.resource().name())).orElse(true))
                .map(RestApi::grantJson).map(Object.class::cast).toList();
        return WebResponse.json(200, write(Map.of("grants", json)));
    }

    private WebResponse putGrant(WebRequest request, Principal caller) {
        JsonBody body = JsonBody.read(request, GRANT_FIELDS, false);
        Grantee grantee = grantee(body);
        Resource resource = resource(body);
        PermissionLevel level = level(body.text("level"));
        ResourceGrants before = database.permissions().grantsOn(resource);
        Optional<PermissionLevel> previous = Optional.ofNullable(
                (grantee.kind() == Grantee.Kind.USER ? before.users() : before.groups()).get(grantee.name()));
        Grant grant = new Grant(grantee, resource, level);
        database.permissions().grant(grant);
        Audit.event(previous.isPresent() ? "grant changed" : "grant created", "by", caller.username(), "grantee", grantee,
                "resource", resource, "level", level, "previous", previous.map(Enum::name).orElse("none"));
        Map<String, Object> json = grantJson(grant);
        json.put("previous_level", previous.map(Enum::name).orElse(null));
        return WebResponse.json(previous.isPresent() ? 200 : 201, write(json));
    }

    private WebResponse deleteGrant(WebRequest request, Principal caller) {
        JsonBody body = JsonBody.read(request, REVOKE_FIELDS, false);
        Grantee grantee = grantee(body);
        Resource resource = resource(body);
        if (!database.permissions().revoke(grantee, resource)) {
            throw ApiException.notFound(grantee + " has no grant on " + JsonBody.excerpt(resource.toString()) + ".");
        }
        Audit.event("grant deleted", "by", caller.username(), "grantee", grantee, "resource", resource);
        return noContent();
    }

    // ---- rules ----------------------------------------------------------------------------------

    private WebResponse rules(WebRequest request) {
        Optional<ResourceType> type = request.queryParameter("type").map(this::type);
        List<Object> json = database.permissions().rules().stream()
                .filter(rule -> type.map(t -> t.equals(rule.type())).orElse(true))
                .map(this::ruleJson).map(Object.class::cast).toList();
        return WebResponse.json(200, write(Map.of("rules", json)));
    }

    private WebResponse addRule(WebRequest request, Principal caller) {
        JsonBody body = JsonBody.read(request, RULE_FIELDS, false);
        Grantee grantee = grantee(body);
        ResourceType type = type(body.text("type"));
        String pattern = RegexPattern.compile(body.text("pattern")).source();
        PermissionLevel level = level(body.text("level"));
        int priority = body.integer("priority").orElse(0);
        RegexRule rule = database.permissions().addRule(grantee, type, pattern, level, priority);
        Audit.event("rule created", "by", caller.username(), "id", rule.id(), "grantee", grantee, "type", type,
                "pattern", pattern, "level", level, "priority", priority);
        return WebResponse.json(201, write(ruleJson(rule))).withHeader("Location", PREFIX + "/rules/" + rule.id());
    }

    private WebResponse changeRule(WebRequest request, Principal caller, long id) {
        JsonBody body = JsonBody.read(request, RULE_CHANGE_FIELDS, false);
        if (!body.has("pattern") && !body.has("level") && !body.has("priority")) {
            throw ApiException.badRequest("Nothing to change: give 'pattern', 'level' and/or 'priority'.");
        }
        RegexRule current = findRule(id);
        String pattern = body.optionalText("pattern").map(p -> RegexPattern.compile(p).source()).orElse(current.pattern().source());
        PermissionLevel level = body.optionalText("level").map(RestApi::level).orElse(current.level());
        int priority = body.integer("priority").orElse(current.priority());
        RegexRule changed = database.permissions().updateRule(id, pattern, level, priority)
                .orElseThrow(() -> ApiException.notFound("There is no rule " + id + "."));
        Audit.event("rule changed", "by", caller.username(), "id", id, "grantee", changed.grantee(), "type", changed.type(),
                "pattern", pattern, "level", level, "priority", priority);
        return WebResponse.json(200, write(ruleJson(changed)));
    }

    private WebResponse deleteRule(Principal caller, long id) {
        if (!database.permissions().deleteRule(id)) {
            throw ApiException.notFound("There is no rule " + id + ".");
        }
        Audit.event("rule deleted", "by", caller.username(), "id", id);
        return noContent();
    }

    private RegexRule findRule(long id) {
        return database.permissions().rules().stream().filter(rule -> rule.id() == id).findFirst()
                .orElseThrow(() -> ApiException.notFound("There is no rule " + id + "."));
    }

    private List<Object> rulesOf(Grantee grantee) {
        return database.permissions().rules().stream().filter(rule -> rule.grantee().equals(grantee))
                .map(this::ruleJson).map(Object.class::cast).toList();
    }

    private static long ruleId(String text) {
        if (!text.matches("[0-9]{1,18}")) {
            throw ApiException.notFound("There is no rule '" + JsonBody.excerpt(text) + "': rule ids are numbers.");
        }
        return Long.parseLong(text);
    }

    // ---- permissions ----------------------------------------------------------------------------

    private WebResponse effective(WebRequest request, Principal caller) {
        String username = Names.check("the user name", request.queryParameter("user").orElse(caller.username()));
        if (!username.equals(caller.username()) && !caller.admin()) {
            throw ApiException.forbidden("Only administrators may ask about another user's permissions.");
        }
        ResourceType type = type(request.queryParameter("type")
                .orElseThrow(() -> ApiException.badRequest("The query parameter 'type' is required.")));
        String name = request.queryParameter("name")
                .orElseThrow(() -> ApiException.badRequest("The query parameter 'name' is required."));
        Resource resource = new Resource(type, name);
        Actor actor;
        boolean disabled = false;
        if (username.equals(caller.username())) {
            actor = new Actor(caller.username(), new HashSet<>(caller.groups()), caller.admin());
        } else {
            User user = database.users().find(username)
                    .orElseThrow(() -> ApiException.notFound("No user '" + JsonBody.excerpt(username) + "' has signed in."));
            actor = new Actor(username, user.groups(), user.groups().stream().anyMatch(adminGroups::contains));
            disabled = user.disabled();
        }
        Decision decision = evaluator().decide(actor, resource);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("user", actor.username());
        json.put("groups", actor.groups().stream().sorted().toList());
        json.put("admin", actor.admin());
        json.put("disabled", disabled);
        json.put("resource", resourceJson(resource));
        json.put("level", disabled ? PermissionLevel.NO_PERMISSIONS.name() : decision.level().name());
        json.put("basis", disabled ? "disabled" : decision.basis().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return WebResponse.json(200, write(json));
    }

    private WebResponse resourceTypes() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("resource_types", declaredTypes().stream().map(ResourceType::name).toList());
        json.put("levels", List.of(PermissionLevel.values()).stream().map(Enum::name).toList());
        json.put("source_order", policy.order().stream().map(PermissionSource::configName).toList());
        json.put("default_level", policy.defaultLevel().name());
        return WebResponse.json(200, write(json));
    }

    // ---- input ----------------------------------------------------------------------------------

    private PermissionEvaluator evaluator() {
        return evaluator.orElseThrow(() -> ApiException.badRequest(
                "This application declares no resource types, so there is nothing to grant permissions on."));
    }

    private List<ResourceType> declaredTypes() {
        return types.map(ResourceTypes::all).orElse(List.of());
    }

    private ResourceType type(String name) {
        return types.orElseThrow(() -> ApiException.badRequest(
                "This application declares no resource types, so there is nothing to grant permissions on.")).require(name);
    }

    private static Grantee grantee(JsonBody body) {
        JsonBody grantee = body.object("grantee", GRANTEE_FIELDS);
        return new Grantee(Grantee.Kind.parse(grantee.text("kind")), grantee.text("name"));
    }

    private Resource resource(JsonBody body) {
        JsonBody resource = body.object("resource", RESOURCE_FIELDS);
        return new Resource(type(resource.text("type")), resource.text("name"));
    }

    private static PermissionLevel level(String text) {
        return PermissionLevel.parse(text);
    }

    /** A path segment, percent-decoded ({@code +} stays a plus sign) and bounded. */
    private static String name(String segment, String what) {
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

    private static List<String> segments(String rest) {
        List<String> parts = new ArrayList<>();
        for (String part : rest.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }

    // ---- output ---------------------------------------------------------------------------------

    private static Map<String, Object> grantJson(Grant grant) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("grantee", granteeJson(grant.grantee()));
        json.put("resource", resourceJson(grant.resource()));
        json.put("level", grant.level().name());
        return json;
    }

    private Map<String, Object> ruleJson(RegexRule rule) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", rule.id());
        json.put("grantee", granteeJson(rule.grantee()));
        json.put("type", rule.type().name());
        json.put("pattern", rule.pattern().source());
        json.put("level", rule.level().name());
        json.put("priority", rule.priority());
        return json;
    }

    private static Map<String, Object> granteeJson(Grantee grantee) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", grantee.kind().code());
        json.put("name", grantee.name());
        return json;
    }

    private static Map<String, Object> resourceJson(Resource resource) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", resource.type().name());
        json.put("name", resource.name());
        return json;
    }

    private static WebResponse noContent() {
        return new WebResponse(204, Map.of("Cache-Control", List.of("no-store")), new byte[0]);
    }

    private static String write(Object value) {
        try {
            return JsonBody.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings, numbers and booleans always serialise", e);
        }
    }
}
