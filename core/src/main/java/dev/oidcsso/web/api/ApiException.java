package dev.oidcsso.web.api;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.http.MethodNotAllowedException;

/**
 * A REST API request the client must change. The web layer's one failure mapping turns the status
 * into the JSON error code ({@code invalid_request}, {@code forbidden}, {@code not_found},
 * {@code unsupported_media_type}, ...).
 */
final class ApiException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    ApiException(int status, String message) {
        super(status, message);
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    static MethodNotAllowedException methodNotAllowed(String allow) {
        return new MethodNotAllowedException(allow);
    }
}
