package dev.oidcsso.web;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A browser stand-in: a cookie jar, manual redirects across the app and the IdP. */
final class LoginClient {

    final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> getJson(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Follows redirects from {@code url}, returning every response in order. */
    List<HttpResponse<String>> follow(String url, int max) {
        List<HttpResponse<String>> chain = new ArrayList<>();
        String next = url;
        for (int i = 0; i < max; i++) {
            HttpResponse<String> response = get(next);
            chain.add(response);
            Optional<String> location = response.headers().firstValue("Location");
            if (response.statusCode() / 100 != 3 || location.isEmpty()) {
                return chain;
            }
            next = response.uri().resolve(location.get()).toString();
        }
        throw new AssertionError("more than " + max + " redirects from " + url);
    }

    HttpResponse<String> last(String url) {
        List<HttpResponse<String>> chain = follow(url, 10);
        return chain.get(chain.size() - 1);
    }

    Optional<HttpCookie> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).findFirst();
    }
}
