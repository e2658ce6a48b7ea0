package dev.oidcsso.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Assertions and small readers for HTTP responses, with failure messages that show the response
 * (status, location, the start of the body) so a failing conformance test explains itself.
 */
public final class HttpAssertions {

    private static final int BODY_EXCERPT = 500;

    private HttpAssertions() {
    }

    /**
     * Asserts a status code.
     *
     * @param expected the status
     * @param response the response
     */
    public static void assertStatus(int expected, HttpResponse<String> response) {
        if (response.statusCode() != expected) {
            fail("expected status " + expected + " but got " + describe(response));
        }
    }

    /**
     * Asserts a 4xx status: the relying party refused the request cleanly, without a server error.
     *
     * @param response the response
     */
    public static void assertClientError(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status < 400 || status > 499) {
            fail("expected a 4xx refusal but got " + describe(response));
        }
    }

    /**
     * Asserts a redirect whose target starts with a prefix.
     *
     * @param locationPrefix the start of the expected Location, resolved against the request URI
     * @param response the response
     * @return the resolved target
     */
    public static URI assertRedirectTo(String locationPrefix, HttpResponse<String> response) {
        Optional<URI> target = location(response);
        if (!Browser.isRedirect(response) || target.isEmpty()
                || !target.get().toString().startsWith(locationPrefix)) {
            fail("expected a redirect to " + locationPrefix + "... but got " + describe(response));
        }
        return target.get();
    }

    /**
     * Asserts the body contains a text and shows the body when it does not.
     *
     * @param expected the text
     * @param response the response
     */
    public static void assertBodyContains(String expected, HttpResponse<String> response) {
        assertTrue(response.body().contains(expected), () -> "body lacks '" + expected + "': " + describe(response));
    }

    /**
     * Asserts the body does not contain a text, for example unescaped markup from the provider.
     *
     * @param unexpected the text
     * @param response the response
     */
    public static void assertBodyLacks(String unexpected, HttpResponse<String> response) {
        assertTrue(!response.body().contains(unexpected), () -> "body contains '" + unexpected + "': " + describe(response));
    }

    /**
     * The response's Location header resolved against its request URI.
     *
     * @param response the response
     * @return the target, if there is a Location header
     */
    public static Optional<URI> location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").map(l -> response.uri().resolve(l));
    }

    /**
     * The decoded query parameters of a URI.
     *
     * @param uri the URI
     * @return name to values, in order
     */
    public static Map<String, List<String>> queryParams(URI uri) {
        return TestProvider.parseForm(uri.getRawQuery());
    }

    /**
     * The first value of one query parameter of a URI.
     *
     * @param uri the URI
     * @param name the parameter name
     * @return its first value, if present
     */
    public static Optional<String> queryParam(URI uri, String name) {
        List<String> values = queryParams(uri).get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * A one-paragraph description of a response for failure messages.
     *
     * @param response the response
     * @return method, URI, status, Location and the start of the body
     */
    public static String describe(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        return response.request().method() + " " + response.uri() + " -> " + response.statusCode()
                + response.headers().firstValue("Location").map(l -> " Location: " + l).orElse("")
                + (body.isEmpty() ? "" : "\n" + (body.length() > BODY_EXCERPT ? body.substring(0, BODY_EXCERPT) + "..." : body));
    }
}
