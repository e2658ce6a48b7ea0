package dev.oidcsso.web;

import dev.oidcsso.auth.Principal;
import dev.oidcsso.http.WebResponse;

import java.util.Optional;

/**
 * What a server adapter does with a request after the framework has looked at it.
 */
public sealed interface Outcome {

    /**
     * The framework answers the request itself (a framework route, a login redirect, a refusal).
     *
     * @param response the response to write
     */
    record Respond(WebResponse response) implements Outcome {
    }

    /**
     * The application handles the request.
     *
     * @param principal the authenticated user; empty on a public path
     */
    record Proceed(Optional<Principal> principal) implements Outcome {
    }
}
