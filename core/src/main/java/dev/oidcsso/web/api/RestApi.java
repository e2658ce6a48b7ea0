package dev.oidcsso.web.api;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.authz.PermissionEvaluator;
import dev.oidcsso.authz.PermissionPolicy;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The REST API under {@value #PREFIX}. {@link dev.oidcsso.web.OidcSso} dispatches here only with
 * an authenticated principal and after the CSRF check; this router decides who may do what (admin
 * routes, "yourself or an admin") and hands each route to its resource class, which validates input
 * strictly and answers in JSON ({@code JsonViews}), errors as {@code {"error": code, "message": text}}.
 * The routes are listed in {@code docs/api-clients.md}.
 */
public final class RestApi {

    /** Where the API lives, relative to the application's base path. */
    public static final String PREFIX = "/oidc/api";

    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);

    private final MeResource me;
    private final TokensResource tokens;
    private final UsersResource users;
    private final GroupsResource groups;
    private final GrantsResource grants;
    private final RulesResource rules;
    private final PermissionsResource permissions;
    private final ResourceTypesResource resourceTypes;

    /**
     * Creates the API.
     *
     * @param database    the store of users, tokens, grants and rules
     * @param types       the application's resource types, if it declared any
     * @param policy      the permission policy, shown to clients and used for effective permissions
     * @param evaluator   the permission decision, present when resource types are declared
     * @param roles       who is an administrator, to show it and to evaluate other users' permissions
     * @param csrfToken   the CSRF token of a session principal, handed out by {@code GET /oidc/api/me}
     * @param sessions    ends a user's sessions (sign out everywhere, disable); tells whether a caller's session
     *                    is still active when it has made a token
     */
    public RestApi(Store database, Optional<ResourceTypes> types, PermissionPolicy policy, Optional<PermissionEvaluator> evaluator,
                   AdminRoles roles, Function<Principal, Optional<String>> csrfToken, dev.oidcsso.session.SessionManager sessions) {
        ApiInput input = new ApiInput(types, evaluator);
        this.me = new MeResource(database.tokens(), csrfToken);
        this.tokens = new TokensResource(database.tokens(), sessions);
        this.users = new UsersResource(database.users(), database.tokens(), database.permissions(), roles, sessions);
        this.groups = new GroupsResource(database.users(), database.permissions(), roles);
        this.grants = new GrantsResource(database.permissions(), input);
        this.rules = new RulesResource(database.permissions(), input);
        this.permissions = new PermissionsResource(database.users(), input, roles);
        this.resourceTypes = new ResourceTypesResource(input, policy);
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
     * Answers one API request.
     *
     * @param request the request
     * @param caller  the authenticated caller
     * @return the response
     * @throws OidcSsoException for every failure, typed by its cause; the web layer maps it to the
     *                          JSON error {@code {"error": code, "message": text}}
     */
    public WebResponse handle(WebRequest request, Principal caller) {
        try {
            return route(request, caller);
        } catch (OidcSsoException e) {
            throw e;
        } catch (Throwable e) {
            // Throwable: an Error would reach the container, whose error page names the class to the client.
            LOG.error("REST API failure on {} {}", request.method(), request.path(), e);
            throw new OidcSsoException(500, "An unexpected error occurred.");
        }
    }

    private WebResponse route(WebRequest request, Principal caller) {
        String method = request.method().toUpperCase(Locale.ROOT);
        List<String> parts = segments(request.path().substring(PREFIX.length()));
        String first = parts.isEmpty() ? "" : parts.get(0);
        Optional<String> named = request.queryParameter("name");
        if ((first.equals("users") || first.equals("groups")) && named.isPresent()) {
            // ?name= stands for the {name} segment, left out: servlet containers refuse %2F, %5C and %25 in paths.
            parts.add(1, java.net.URLEncoder.encode(named.get(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        }
        int size = parts.size();
        switch (first) {
            case "me" -> {
                if (size == 1) {
                    return only(method, "GET") ? me.get(caller) : null;
                }
                if (size == 2 && parts.get(1).equals("token")) {
                    return switch (method) {
                        case "POST" -> tokens.create(request, caller, caller.username());
                        case "DELETE" -> tokens.delete(caller, caller.username());
                        default -> throw ApiException.methodNotAllowed("POST, DELETE");
                    };
                }
            }
            case "users" -> {
                requireAdmin(caller);
                if (size == 1) {
                    return only(method, "GET") ? users.list(request) : null;
                }
                String username = ApiInput.name(parts.get(1), "user name");
                if (size == 2) {
                    return switch (method) {
                        case "GET" -> users.get(username);
                        case "PATCH" -> users.change(request, caller, username);
                        default -> throw ApiException.methodNotAllowed("GET, PATCH");
                    };
                }
                if (size == 3 && parts.get(2).equals("sessions")) {
                    return only(method, "DELETE") ? users.signOutEverywhere(caller, username) : null;
                }
                if (size == 3 && parts.get(2).equals("token")) {
                    return switch (method) {
                        case "POST" -> tokens.create(request, caller, username);
                        case "DELETE" -> tokens.delete(caller, username);
                        default -> throw ApiException.methodNotAllowed("POST, DELETE");
                    };
                }
                if (size == 3 && parts.get(2).equals("identity")) {
                    return switch (method) {
                        case "PUT" -> users.link(request, caller, username);
                        case "DELETE" -> users.unlink(caller, username);
                        default -> throw ApiException.methodNotAllowed("PUT, DELETE");
                    };
                }
            }
            case "groups" -> {
                requireAdmin(caller);
                if (size == 1) {
                    return only(method, "GET") ? groups.list(request) : null;
                }
                if (size == 2) {
                    return only(method, "GET") ? groups.get(ApiInput.name(parts.get(1), "group name")) : null;
                }
            }
            case "grants" -> {
                requireAdmin(caller);
                if (size == 1) {
                    return switch (method) {
                        case "GET" -> grants.list(request);
                        case "PUT" -> grants.put(request, caller);
                        case "DELETE" -> grants.delete(request, caller);
                        default -> throw ApiException.methodNotAllowed("GET, PUT, DELETE");
                    };
                }
            }
            case "rules" -> {
                requireAdmin(caller);
                if (size == 1) {
                    return switch (method) {
                        case "GET" -> rules.list(request);
                        case "POST" -> rules.add(request, caller);
                        default -> throw ApiException.methodNotAllowed("GET, POST");
                    };
                }
                if (size == 2) {
                    long id = ApiInput.ruleId(parts.get(1));
                    return switch (method) {
                        case "GET" -> rules.get(id);
                        case "PATCH" -> rules.change(request, caller, id);
                        case "DELETE" -> rules.delete(caller, id);
                        default -> throw ApiException.methodNotAllowed("GET, PATCH, DELETE");
                    };
                }
            }
            case "permissions" -> {
                if (size == 2 && parts.get(1).equals("effective")) {
                    return only(method, "GET") ? permissions.effective(request, caller) : null;
                }
            }
            case "resource-types" -> {
                if (size == 1) {
                    return only(method, "GET") ? resourceTypes.get() : null;
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

    private static List<String> segments(String rest) {
        List<String> parts = new ArrayList<>();
        for (String part : rest.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }
}
