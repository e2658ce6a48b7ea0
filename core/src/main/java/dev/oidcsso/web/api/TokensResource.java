package dev.oidcsso.web.api;

import dev.oidcsso.auth.AuthMethod;
import dev.oidcsso.auth.BasicTokenAuthenticator;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.login.Audit;
import dev.oidcsso.session.SessionManager;
import dev.oidcsso.store.IssuedToken;
import dev.oidcsso.store.TokenStore;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user's personal access token: {@code POST} creates or rotates it, {@code DELETE} removes it,
 * under {@code /oidc/api/me/token} (the caller's own) and {@code /oidc/api/users/{name}/token}
 * (an administrator's, for anyone).
 */
final class TokensResource {

    private static final List<String> TOKEN_FIELDS = List.of("expires_at");

    private final TokenStore tokens;
    private final SessionManager sessions;

    TokensResource(TokenStore tokens, SessionManager sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    WebResponse create(WebRequest request, Principal caller, String owner) {
        JsonBody body = JsonBody.read(request, TOKEN_FIELDS, true);
        Optional<Instant> expiresAt = TokenLifetime.of(caller, body.optionalText("expires_at").map(ApiInput::instant));
        boolean replacing = tokens.find(owner).isPresent();
        IssuedToken issued;
        Optional<String> presented = caller.method() == AuthMethod.BASIC && caller.username().equals(owner)
                ? BasicTokenAuthenticator.presentedToken(request) : Optional.empty();
        if (presented.isPresent()) {
            // Rotating with the token itself: only while it is still the stored one. A replica's cache may still
            // accept a token deleted on another (signed out everywhere) within its poll interval; a rotation
            // through that window would otherwise leave the caller a fresh token.
            issued = tokens.rotate(owner, presented.get(), expiresAt)
                    .orElseThrow(() -> new ApiException(401, "This access token has been deleted or replaced; it cannot be rotated."));
        } else {
            issued = expiresAt.map(at -> tokens.create(owner, at)).orElseGet(() -> tokens.create(owner));
        }
        if (caller.sessionId().isPresent() && !sessions.activeInStore(caller.sessionId().get())) {
            // The session ended while the token was made: signed out everywhere on another replica, whose end this
            // replica's cache learns only within the poll interval, or during this request. Signing out everywhere
            // ends the sessions before it deletes the token, and this check reads the store after the token was
            // made, so one of the two deletes it: a thief minting in a loop keeps no token past the sign-out. Only this
            // token: one the rightful user made since, in a new session, stays.
            tokens.delete(owner, issued.token().reveal());
            throw new ApiException(401, "Your session has ended; sign in again.");
        }
        Audit.event(replacing ? "token rotated" : "token created", "by", caller.username(), "for", owner,
                "expires", issued.expiresAt().map(Instant::toString).orElse("never"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("username", issued.username());
        // The one moment the plaintext leaves the server: this response, never a log or a later read.
        json.put("token", issued.token().reveal());
        json.put("created_at", issued.createdAt().toString());
        json.put("expires_at", issued.expiresAt().map(Instant::toString).orElse(null));
        json.put("note", "Shown once: store it now. It replaced any previous token of this user, which no longer works.");
        return JsonViews.json(201, json);
    }

    WebResponse delete(Principal caller, String owner) {
        if (!tokens.delete(owner)) {
            throw ApiException.notFound("'" + JsonBody.excerpt(owner) + "' has no access token.");
        }
        Audit.event("token deleted", "by", caller.username(), "for", owner);
        return JsonViews.noContent();
    }
}
