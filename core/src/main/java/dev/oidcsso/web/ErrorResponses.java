package dev.oidcsso.web;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.auth.TooManyFailuresException;
import dev.oidcsso.http.MethodNotAllowedException;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where a typed failure becomes an HTTP response: its status, a stable JSON error code
 * or an HTML page for browsers, {@code WWW-Authenticate} challenges on 401, {@code Allow} on 405 and
 * {@code Retry-After} on 503 and 429. The message shown is the exception's public message, which is
 * safe to show and says what to do; internals (an IdP's address, the last error) only reach the log.
 *
 * <p>The failures, one type per cause, all {@link OidcSsoException}s carrying their status:
 * <ul>
 * <li>the callback ({@code dev.oidcsso.login}): {@code LoginExpiredException},
 *     {@code StateMismatchException}, {@code ResponseReplayedException},
 *     {@code IssuerMismatchException}, {@code MalformedCallbackException} (400),
 *     {@code IdpRefusedLoginException} (403);</li>
 * <li>the IdP ({@code dev.oidcsso.oidc}): {@code TokenValidationException} (401, token refused),
 *     {@code ProviderResponseException} (502, or 400/401), {@code ProviderUnavailableException} (503);</li>
 * <li>the user ({@code dev.oidcsso.identity}): {@code AccessRefusedException} (403),
 *     {@code GroupsUnavailableException} (502);</li>
 * <li>the store: {@code StoreUnavailableException} (503); settings: {@code SettingsException};</li>
 * <li>the request: {@link CrossSiteRequestException} (403),
 *     {@link dev.oidcsso.http.MethodNotAllowedException} (405), the REST API's input errors (400, 403,
 *     404, 413, 415).</li>
 * </ul>
 */
final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    /** How long clients should wait before retrying a 503. */
    static final String RETRY_AFTER_SECONDS = "5";

    private ErrorResponses() {
    }

    /**
     * The answer to a failed request: an HTML page for browsers, JSON for API clients.
     *
     * @param request the request
     * @param e       the failure
     * @return the response
     */
    static WebResponse forRequest(WebRequest request, OidcSsoException e) {
        int status = status(e);
        if (status >= 500 && status != 502 && status != 503) {
            LOG.warn("{} {} failed: {}", request.method(), request.path(), e.getMessage());
        } else if (!e.publicMessage().equals(e.getMessage())) {
            // The client sees the public text only; the operator finds the details here.
            LOG.debug("{} {} failed: {}", request.method(), request.path(), e.getMessage());
        }
        return finish(wantsHtml(request) ? page(request, status, e) : json(status, e), request, e);
    }

    /**
     * The answer to a failed REST API request: always JSON, even to a browser.
     *
     * @param request the request
     * @param e       the failure
     * @return the response
     */
    static WebResponse forApi(WebRequest request, OidcSsoException e) {
        return finish(json(status(e), e), request, e);
    }

    /**
     * Adds the {@code WWW-Authenticate} challenges to a 401. A browser gets no {@code Basic}
     * challenge: it would open its password prompt, and credentials typed there are cached and then
     * sent by the browser on its own, cross-site forms included. Scripts send basic credentials
     * without being asked, or ask for the challenge as API clients (no {@code Sec-Fetch-Mode}).
     *
     * @param response a 401 response
     * @param request  the request
     * @return the response with its challenges
     */
    static WebResponse withChallenges(WebResponse response, WebRequest request) {
        WebResponse challenged = response.withHeader("WWW-Authenticate", "Bearer");
        boolean browser = request.header("Sec-Fetch-Mode").isPresent() || wantsHtml(request);
        return browser ? challenged : challenged.withHeader("WWW-Authenticate", "Basic realm=\"oidc-sso\", charset=\"UTF-8\"");
    }

    static boolean wantsHtml(WebRequest request) {
        return request.header("Accept").map(accept -> accept.contains("text/html")).orElse(false);
    }

    static String basePath(WebRequest request) {
        try {
            String path = request.baseUri().getRawPath();
            return path == null ? "" : path;
        } catch (RuntimeException e) {
            // An error page must never fail itself: an unusable request gets links relative to the root.
            return "";
        }
    }

    private static int status(OidcSsoException e) {
        return e.status() >= 400 && e.status() <= 599 ? e.status() : 500;
    }

    private static WebResponse page(WebRequest request, int status, OidcSsoException e) {
        String title = switch (status) {
            case 401 -> "Sign-in failed";
            case 403 -> "Access denied";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 503 -> "Temporarily unavailable";
            default -> status >= 500 ? "Something went wrong" : "Sign-in failed";
        };
        return WebResponse.html(status, Pages.page(title, e.publicMessage(), basePath(request) + "/login", "Try signing in again"));
    }

    private static WebResponse json(int status, OidcSsoException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code(status));
        body.put("message", e.publicMessage());
        return WebResponse.json(status, Json.write(body));
    }

    private static String code(int status) {
        return switch (status) {
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
    }

    private static WebResponse finish(WebResponse response, WebRequest request, OidcSsoException e) {
        WebResponse answer = response;
        if (answer.status() == 401) {
            answer = withChallenges(answer, request);
        }
        if (e instanceof MethodNotAllowedException notAllowed) {
            answer = answer.withHeader("Allow", notAllowed.allow());
        }
        if (e instanceof TooManyFailuresException brake) {
            answer = answer.withHeader("Retry-After", String.valueOf(brake.retryAfterSeconds()));
        }
        return answer.status() == 503 ? answer.withHeader("Retry-After", RETRY_AFTER_SECONDS) : answer;
    }
}
