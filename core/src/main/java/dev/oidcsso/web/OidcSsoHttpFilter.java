package dev.oidcsso.web;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.http.Authority;
import dev.oidcsso.http.QueryString;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts oidc-sso in front of handlers of the JDK's {@code com.sun.net.httpserver.HttpServer}, for
 * applications without a servlet container:
 *
 * <pre>{@code
 * HttpContext context = server.createContext("/", appHandler);
 * context.getFilters().add(new OidcSsoHttpFilter(sso));
 * }</pre>
 *
 * Handlers read the user with {@link #principal(HttpExchange)}.
 */
public final class OidcSsoHttpFilter extends Filter {

    /** The exchange attribute holding the {@link Principal}. */
    public static final String PRINCIPAL_ATTRIBUTE = "dev.oidcsso.principal";
    /** The exchange attribute holding the application's outside base {@link URI}; see {@link #baseUri(HttpExchange)}. */
    public static final String BASE_URI_ATTRIBUTE = "dev.oidcsso.baseUri";

    private final OidcSso sso;

    /**
     * Creates the filter.
     *
     * @param sso the framework
     */
    public OidcSsoHttpFilter(OidcSso sso) {
        this.sso = sso;
    }

    /**
     * The authenticated user of an exchange that passed this filter.
     *
     * @param exchange the exchange
     * @return the principal, or empty on a public path
     */
    public static Optional<Principal> principal(HttpExchange exchange) {
        return exchange.getAttribute(PRINCIPAL_ATTRIBUTE) instanceof Principal principal ? Optional.of(principal) : Optional.empty();
    }

    /**
     * The application's base URL as the browser sees it, for links the handler writes: behind a
     * trusted reverse proxy the outside scheme, host, port and path prefix, which the exchange
     * itself does not know.
     *
     * @param exchange an exchange that passed this filter
     * @return the base URL without a trailing slash, or empty before the filter ran
     */
    public static Optional<URI> baseUri(HttpExchange exchange) {
        return exchange.getAttribute(BASE_URI_ATTRIBUTE) instanceof URI uri ? Optional.of(uri) : Optional.empty();
    }

    @Override
    public String description() {
        return "oidc-sso authentication";
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        ExchangeRequest received = new ExchangeRequest(exchange);
        OidcSso.Handled handled = sso.handle(received);
        Outcome outcome = handled.outcome();
        if (outcome instanceof Outcome.Respond respond) {
            write(respond.response(), exchange);
        } else if (outcome instanceof Outcome.Proceed proceed) {
            exchange.setAttribute(BASE_URI_ATTRIBUTE, handled.request().baseUri());
            proceed.principal().ifPresent(principal -> exchange.setAttribute(PRINCIPAL_ATTRIBUTE, principal));
            chain.doFilter(exchange);
        }
    }

    private static void write(WebResponse out, HttpExchange exchange) throws IOException {
        out.headers().forEach((name, values) -> values.forEach(value -> exchange.getResponseHeaders().add(name, value)));
        byte[] body = out.body();
        exchange.sendResponseHeaders(out.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream stream = exchange.getResponseBody()) {
            stream.write(body);
        }
    }

    /** The exchange seen as a {@link WebRequest}. */
    private record ExchangeRequest(HttpExchange exchange) implements WebRequest {

        @Override
        public String method() {
            return exchange.getRequestMethod();
        }

        @Override
        public String path() {
            String path = exchange.getRequestURI().getRawPath();
            String context = contextPath();
            String inside = path.startsWith(context) ? path.substring(context.length()) : path;
            return inside.isEmpty() ? "/" : inside;
        }

        @Override
        public Map<String, String> queryParameters() {
            return QueryString.parse(exchange.getRequestURI().getRawQuery());
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
        }

        @Override
        public List<String> headers(String name) {
            List<String> values = exchange.getRequestHeaders().get(name);
            return values == null ? List.of() : List.copyOf(values);
        }

        @Override
        public Optional<String> cookie(String name) {
            for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
                for (String pair : header.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                        String value = pair.substring(eq + 1).trim();
                        return Optional.of(value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                                ? value.substring(1, value.length() - 1) : value);
                    }
                }
            }
            return Optional.empty();
        }

        @Override
        public String remoteAddress() {
            InetSocketAddress remote = exchange.getRemoteAddress();
            return remote.getAddress() == null ? remote.getHostString() : remote.getAddress().getHostAddress();
        }

        @Override
        public byte[] body(int maxBytes) {
            String declared = exchange.getRequestHeaders().getFirst("Content-Length");
            if (declared != null && declared.trim().matches("\\d{1,18}") && Long.parseLong(declared.trim()) > maxBytes) {
                throw new dev.oidcsso.OidcSsoException(413, "The request body is larger than " + maxBytes + " bytes.");
            }
            return WebRequest.readLimited(exchange.getRequestBody(), maxBytes);
        }

        @Override
        public URI baseUri() {
            String scheme = exchange instanceof HttpsExchange ? "https" : "http";
            Optional<String> host = header("Host").filter(Authority::isValid);
            if (host.isPresent()) {
                try {
                    URI uri = new URI(scheme + "://" + host.get() + contextPath());
                    if (uri.getHost() != null) {
                        return uri;
                    }
                } catch (java.net.URISyntaxException e) {
                    // a Host header the pattern let through but URI refuses ([1], [:]): use our own address
                }
            }
            InetSocketAddress local = exchange.getLocalAddress();
            String address = local.getAddress() == null ? local.getHostString() : local.getAddress().getHostAddress();
            return URI.create(scheme + "://" + (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + local.getPort()
                    + contextPath());
        }

        private String contextPath() {
            String context = exchange.getHttpContext().getPath();
            return context.endsWith("/") ? context.substring(0, context.length() - 1) : context;
        }
    }

}
