package dev.oidcsso.web.api;

import dev.oidcsso.OidcSsoException;

import java.util.Optional;

/**
 * A REST API request the client must change: carries the status, the stable error code of the JSON
 * answer and, for 405, the methods the route allows.
 */
final class ApiException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final String allow;

    ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    private ApiException(int status, String code, String message, String allow) {
        super(status, message);
        this.code = code;
        this.allow = allow;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    static ApiException methodNotAllowed(String allow) {
        return new ApiException(405, "method_not_allowed", "Use one of: " + allow + ".", allow);
    }

    String code() {
        return code;
    }

    Optional<String> allow() {
        return Optional.ofNullable(allow);
    }
}
