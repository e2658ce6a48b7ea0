package dev.oidcsso.spi;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static java.net.URLEncoder.encode;
import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Builds IdP logout URLs for {@link ProviderProfile#logoutUri}.
 */
public final class LogoutUris {

    private LogoutUris() {
    }

    /**
     * The OpenID Connect RP-Initiated Logout 1.0 URL: the {@code end_session_endpoint} with
     * {@code id_token_hint} (when kept), {@code client_id} and {@code post_logout_redirect_uri}.
     *
     * @param request what is known about the logout
     * @return the URL, or empty when the IdP advertises no {@code end_session_endpoint}
     */
    public static Optional<URI> rpInitiated(LogoutRequestInfo request) {
        return request.endSessionEndpoint().map(endpoint -> {
            List<Map.Entry<String, String>> parameters = new ArrayList<>();
            request.idTokenHint().ifPresent(hint -> parameters.add(Map.entry("id_token_hint", hint)));
            parameters.add(Map.entry("client_id", request.clientId()));
            parameters.add(Map.entry("post_logout_redirect_uri", request.postLogoutRedirectUri().toString()));
            return withQuery(endpoint, parameters);
        });
    }

    /**
     * Appends query parameters to a URL that may already have a query.
     *
     * @param base       the URL
     * @param parameters names and values, in order; values are encoded here
     * @return the URL with the parameters
     */
    public static URI withQuery(URI base, List<Map.Entry<String, String>> parameters) {
        String query = parameters.stream()
                .map(e -> encode(e.getKey(), UTF_8) + "=" + encode(e.getValue(), UTF_8))
                .collect(Collectors.joining("&"));
        String text = base.toString();
        String separator = base.getRawQuery() == null ? "?" : "&";
        return URI.create(query.isEmpty() ? text : text + separator + query);
    }
}
