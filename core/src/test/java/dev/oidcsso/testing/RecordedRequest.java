package dev.oidcsso.testing;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request a {@link TestProvider} received, kept so a test can assert how the relying party
 * talked to it (client authentication method, PKCE parameters, logout parameters).
 *
 * @param method the HTTP method
 * @param path the request path, without the query
 * @param query the decoded query parameters
 * @param form the decoded form parameters of a url-encoded POST body (empty otherwise)
 * @param headers the request headers, names in lower case
 */
public record RecordedRequest(String method, String path, Map<String, List<String>> query,
        Map<String, List<String>> form, Map<String, List<String>> headers) {

    /**
     * Copies the maps so the record stays immutable.
     *
     * @param method the HTTP method
     * @param path the request path
     * @param query the query parameters
     * @param form the form parameters
     * @param headers the headers, names in lower case
     */
    public RecordedRequest {
        query = Map.copyOf(query);
        form = Map.copyOf(form);
        headers = Map.copyOf(headers);
    }

    /**
     * The first value of a query parameter.
     *
     * @param name the parameter name
     * @return its first value, if present
     */
    public Optional<String> queryParam(String name) {
        return first(query, name);
    }

    /**
     * The first value of a form parameter.
     *
     * @param name the parameter name
     * @return its first value, if present
     */
    public Optional<String> formParam(String name) {
        return first(form, name);
    }

    /**
     * The first value of a parameter from the query or, failing that, the form body; the way an
     * OpenID provider reads a request that may come as GET or POST.
     *
     * @param name the parameter name
     * @return its first value, if present
     */
    public Optional<String> param(String name) {
        return queryParam(name).or(() -> formParam(name));
    }

    /**
     * The first value of a header.
     *
     * @param name the header name, in any case
     * @return its first value, if present
     */
    public Optional<String> header(String name) {
        return first(headers, name.toLowerCase(Locale.ROOT));
    }

    private static Optional<String> first(Map<String, List<String>> map, String name) {
        List<String> values = map.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
