package dev.oidcsso.testing.stub;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A browser stand-in for end-to-end tests: a cookie jar and redirects followed one by one, so a
 * test can inspect every hop between the application and the IdP.
 */
public final class StubBrowser {

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * One GET, asking for HTML.
     *
     * @param url the URL
     * @return the response
     */
    public HttpResponse<String> get(String url) {
        return send(url, "text/html");
    }

    /**
     * One GET, asking for JSON.
     *
     * @param url the URL
     * @return the response
     */
    public HttpResponse<String> getJson(String url) {
        return send(url, "application/json");
    }

    /**
     * Follows redirects from {@code url}.
     *
     * @param url the first URL
     * @return every response in order
     */
    public List<HttpResponse<String>> follow(String url) {
        List<HttpResponse<String>> chain = new ArrayList<>();
        String next = url;
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> response = get(next);
            chain.add(response);
            Optional<String> location = response.headers().firstValue("Location");
            if (response.statusCode() / 100 != 3 || location.isEmpty()) {
                return chain;
            }
            next = response.uri().resolve(location.get()).toString();
        }
        throw new AssertionError("too many redirects from " + url);
    }

    /**
     * Follows redirects and returns the last response.
     *
     * @param url the first URL
     * @return the final response
     */
    public HttpResponse<String> last(String url) {
        List<HttpResponse<String>> chain = follow(url);
        return chain.get(chain.size() - 1);
    }

    private HttpResponse<String> send(String url, String accept) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
