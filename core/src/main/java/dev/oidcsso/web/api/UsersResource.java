package dev.oidcsso.web.api;

import dev.oidcsso.auth.Principal;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.Names;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.login.Audit;
import dev.oidcsso.session.SessionManager;
import dev.oidcsso.store.IdpIdentity;
import dev.oidcsso.store.Page;
import dev.oidcsso.store.PermissionStore;
import dev.oidcsso.store.TokenStore;
import dev.oidcsso.store.User;
import dev.oidcsso.store.UserStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The users who have signed in, for administrators: {@code GET /oidc/api/users}, and
 * {@code GET}/{@code PATCH /oidc/api/users/{name}} (with their grants and rules; disable or enable),
 * and {@code PUT}/{@code DELETE /oidc/api/users/{name}/identity} (link the user to an issuer and
 * subject, or unbind them so that their next login binds them again),
 * and {@code DELETE /oidc/api/users/{name}/sessions} (sign the user out everywhere: every session
 * and the access token).
 */
final class UsersResource {

    private final UserStore users;
    private final TokenStore tokens;
    private final PermissionStore permissions;
    private final AdminRoles roles;
    private final SessionManager sessions;

    UsersResource(UserStore users, TokenStore tokens, PermissionStore permissions, AdminRoles roles, SessionManager sessions) {
        this.sessions = sessions;
        this.users = users;
        this.tokens = tokens;
        this.permissions = permissions;
        this.roles = roles;
    }

    WebResponse list(WebRequest request) {
        Optional<String> search = request.queryParameter("q").map(String::strip).filter(q -> !q.isEmpty());
        if (search.isPresent() && search.get().length() > Grantee.MAX_NAME_LENGTH) {
            throw ApiException.badRequest("'q' must be at most " + Grantee.MAX_NAME_LENGTH + " characters.");
        }
        Paging paging = Paging.of(request, 1);
        Page<User> page = users.list(search, paging.afterName(), paging.limit());
        List<Object> json = new ArrayList<>();
        page.items().forEach(user -> json.add(userJson(user)));
        return JsonViews.json(200, paging.json("users", json, page, RestApi.PREFIX + "/users", request));
    }

    WebResponse get(String username) {
        User user = users.find(username)
                .orElseThrow(() -> ApiException.notFound("No user '" + JsonBody.excerpt(username) + "' has signed in."));
        Map<String, Object> json = userJson(user);
        Grantee grantee = Grantee.user(username);
        json.put("grants", permissions.grantsTo(grantee).stream().map(JsonViews::grantJson).toList());
        json.put("rules", RulesResource.rulesOf(permissions, grantee));
        return JsonViews.json(200, json);
    }

    WebResponse change(WebRequest request, Principal caller, String username) {
        JsonBody body = JsonBody.read(request, List.of("disabled"), false);
        boolean disabled = body.bool("disabled").orElseThrow(() -> ApiException.badRequest("'disabled' is required: true or false."));
        if (disabled && username.equals(caller.username())) {
            throw ApiException.badRequest("You cannot disable your own account; ask another administrator.");
        }
        if (!users.setDisabled(username, disabled)) {
            throw ApiException.notFound("No user '" + JsonBody.excerpt(username) + "' has signed in.");
        }
        Audit.event(disabled ? "user disabled" : "user enabled", "by", caller.username(), "user", username);
        if (disabled) {
            // Ended for good: re-enabling the user revives none of the sessions an attacker may hold.
            sessions.endAllOf(username, "disabled");
        }
        return get(username);
    }

    WebResponse signOutEverywhere(Principal caller, String username) {
        if (users.find(username).isEmpty()) {
            throw ApiException.notFound("No user '" + JsonBody.excerpt(username) + "' has signed in.");
        }
        // The "account stolen" button: whoever held a session could have minted the access token with it, so the
        // token ends too (a browser's own sign-out leaves it: that ends one session, not a credential made on purpose).
        Ended ended = endCredentials(username, "admin");
        Audit.event("user signed out everywhere", "by", caller.username(), "user", username, "sessions", ended.sessions(),
                "token_deleted", ended.token());
        return JsonViews.json(200, Map.of("user", username, "sessions_ended", ended.sessions(), "token_deleted", ended.token()));
    }

    WebResponse link(WebRequest request, Principal caller, String username) {
        JsonBody body = JsonBody.read(request, List.of("issuer", "subject"), false);
        String issuer = body.text("issuer");
        String subject = body.text("subject");
        IdpIdentity identity;
        try {
            identity = new IdpIdentity(issuer, subject);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'issuer' and 'subject' must each be 1 to " + IdpIdentity.MAX_LENGTH + " characters.");
        }
        if (!Names.isUsable(issuer) || !Names.isUsable(subject)) {
            throw ApiException.badRequest("'issuer' and 'subject' must not contain control characters or unpaired surrogates.");
        }
        if (!users.link(username, identity)) {
            throw ApiException.notFound("No user '" + JsonBody.excerpt(username) + "' has signed in.");
        }
        Ended ended = endCredentials(username, "relinked");
        Audit.event("user linked", "by", caller.username(), "user", username, "issuer", issuer, "subject", subject,
                "sessions_ended", ended.sessions());
        return get(username);
    }

    WebResponse unlink(Principal caller, String username) {
        if (!users.unlink(username)) {
            throw ApiException.notFound("No user '" + JsonBody.excerpt(username) + "' has signed in.");
        }
        Ended ended = endCredentials(username, "relinked");
        Audit.event("user unlinked", "by", caller.username(), "user", username, "sessions_ended", ended.sessions());
        return get(username);
    }

    /** What {@link #endCredentials} ended: how many sessions, and whether there was an access token. */
    private record Ended(int sessions, boolean token) {
    }

    /**
     * Ends every session of the user and deletes their access token. A change of binding means whoever
     * held the name before may not have been the user, and signing out everywhere means someone else
     * may hold a session: either could have minted the token with a session. The rightful user signs
     * in again and creates a new one. The sessions end first, so that none of them mints a token after
     * the token is deleted.
     */
    private Ended endCredentials(String username, String cause) {
        int ended = sessions.endAllOf(username, cause);
        return new Ended(ended, tokens.delete(username));
    }

    private Map<String, Object> userJson(User user) {
        return JsonViews.userJson(user, roles.isAdmin(user),
                tokens.find(user.username()));
    }
}
