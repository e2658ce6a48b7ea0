package dev.oidcsso.web;

import dev.oidcsso.auth.Principal;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.http.QueryString;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts oidc-sso in front of a Jakarta Servlet 6 application (Jetty 12, Tomcat 11, ...). Map it to
 * {@code /*}. Downstream, {@link HttpServletRequest#getUserPrincipal()} is the {@link Principal},
 * {@link HttpServletRequest#getRemoteUser()} its name, and {@code isUserInRole(name)} is true for
 * the user's groups and, for administrators, for {@code "admin"}.
 *
 * <p>Behind a trusted reverse proxy (see {@code OIDC_TRUSTED_PROXIES}) the application sees the
 * outside URL: {@code getScheme()}, {@code isSecure()}, {@code getServerName()},
 * {@code getServerPort()}, {@code getRequestURL()}, and {@code getContextPath()} and
 * {@code getRequestURI()} with {@code X-Forwarded-Prefix} in place of the container's context path,
 * as Spring's {@code ForwardedHeaderFilter} does. Links the application builds from them then work
 * through the proxy. The outside base URL is also in the request attribute {@value #BASE_URI_ATTRIBUTE}.
 *
 * <p>Construct it with an {@link OidcSso}; a container that instantiates filters by class name
 * gets one built from the environment in {@link #init(FilterConfig)}, or the one stored in the
 * servlet context attribute {@value #CONTEXT_ATTRIBUTE}.
 */
public final class OidcSsoFilter implements Filter {

    /** The servlet context attribute a container-created filter takes its {@link OidcSso} from. */
    public static final String CONTEXT_ATTRIBUTE = "dev.oidcsso.OidcSso";
    /** The request attribute holding the {@link Principal} for the application. */
    public static final String PRINCIPAL_ATTRIBUTE = "dev.oidcsso.principal";
    /**
     * The request attribute holding the application's outside base {@link URI}, without a trailing
     * slash. It is set on every request the filter lets through to the application, and only on those,
     * so a later layer can tell that the filter admitted a request.
     */
    public static final String BASE_URI_ATTRIBUTE = "dev.oidcsso.baseUri";

    private volatile OidcSso sso;
    private volatile boolean owned;

    /**
     * A filter for an existing {@link OidcSso}.
     *
     * @param sso the framework
     */
    public OidcSsoFilter(OidcSso sso) {
        this.sso = sso;
    }

    /** For containers that create filters by class name; see {@link #init(FilterConfig)}. */
    public OidcSsoFilter() {
    }

    @Override
    public void init(FilterConfig config) {
        if (sso == null) {
            Object shared = config.getServletContext().getAttribute(CONTEXT_ATTRIBUTE);
            if (shared instanceof OidcSso given) {
                sso = given;
            } else {
                sso = OidcSso.create(OidcSettings.fromEnvironment());
                owned = true;
            }
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        ServletWebRequest received = new ServletWebRequest(request);
        OidcSso.Handled handled = sso.handle(received);
        Outcome outcome = handled.outcome();
        if (outcome instanceof Outcome.Respond respond) {
            write(respond.response(), response);
        } else if (outcome instanceof Outcome.Proceed proceed) {
            URI inside = received.baseUri();
            // The request as process resolved it: resolving the forwarded headers again would read them all twice.
            URI outside = handled.request().baseUri();
            request.setAttribute(BASE_URI_ATTRIBUTE, outside);
            HttpServletRequest seen = outside.equals(inside) ? request : new ForwardedRequest(request, inside, outside);
            if (proceed.principal().isPresent()) {
                Principal principal = proceed.principal().get();
                request.setAttribute(PRINCIPAL_ATTRIBUTE, principal);
                chain.doFilter(new AuthenticatedRequest(seen, principal), response);
            } else {
                chain.doFilter(seen, response);
            }
        }
    }

    @Override
    public void destroy() {
        if (owned && sso != null) {
            sso.close();
        }
    }

    private static void write(WebResponse out, HttpServletResponse response) throws IOException {
        response.setStatus(out.status());
        out.headers().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        byte[] body = out.body();
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * The servlet request seen as a {@link WebRequest}. The base URL is asked for several times per
     * request (cookie names, the Secure flag, the application's attribute) and costs a URI parse, so
     * it is made once.
     */
    private static final class ServletWebRequest implements WebRequest {

        private final HttpServletRequest request;
        private URI baseUri;

        ServletWebRequest(HttpServletRequest request) {
            this.request = request;
        }

        @Override
        public String method() {
            return request.getMethod();
        }

        @Override
        public String path() {
            String uri = request.getRequestURI();
            String context = request.getContextPath();
            String path = uri.startsWith(context) ? uri.substring(context.length()) : uri;
            return path.isEmpty() ? "/" : path;
        }

        @Override
        public Map<String, String> queryParameters() {
            return QueryString.parse(request.getQueryString());
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.ofNullable(request.getHeader(name));
        }

        @Override
        public List<String> headers(String name) {
            Enumeration<String> values = request.getHeaders(name);
            return values == null ? List.of() : Collections.list(values);
        }

        @Override
        public Optional<String> cookie(String name) {
            jakarta.servlet.http.Cookie[] cookies = request.getCookies();
            if (cookies == null) {
                return Optional.empty();
            }
            for (jakarta.servlet.http.Cookie cookie : cookies) {
                if (cookie.getName().equals(name)) {
                    return Optional.of(cookie.getValue());
                }
            }
            return Optional.empty();
        }

        @Override
        public String remoteAddress() {
            return request.getRemoteAddr();
        }

        @Override
        public byte[] body(int maxBytes) {
            long declared = request.getContentLengthLong();
            if (declared > maxBytes) {
                throw new dev.oidcsso.OidcSsoException(413, "The request body is larger than " + maxBytes + " bytes.");
            }
            try {
                return WebRequest.readLimited(request.getInputStream(), maxBytes);
            } catch (IOException e) {
                throw new dev.oidcsso.OidcSsoException(400, "The request body could not be read.", e);
            }
        }

        @Override
        public boolean secure() {
            return "https".equalsIgnoreCase(request.getScheme());
        }

        @Override
        public URI baseUri() {
            if (baseUri == null) {
                baseUri = insideBaseUri();
            }
            return baseUri;
        }

        private URI insideBaseUri() {
            String scheme = request.getScheme();
            int port = request.getServerPort();
            boolean defaultPort = port <= 0 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
            String host = request.getServerName();
            if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            return URI.create(scheme + "://" + host + (defaultPort ? "" : ":" + port) + request.getContextPath());
        }
    }

    /**
     * The request as the browser sent it to the reverse proxy. Made only from a base URL that
     * {@link OidcSso#baseUri} resolved, so only a trusted proxy's headers can reach the application
     * this way.
     */
    private static final class ForwardedRequest extends HttpServletRequestWrapper {

        private final URI outside;
        private final String contextPath;
        private final String requestUri;

        ForwardedRequest(HttpServletRequest request, URI inside, URI outside) {
            super(request);
            this.outside = outside;
            this.contextPath = outside.getRawPath() == null ? "" : outside.getRawPath();
            String insidePath = inside.getRawPath() == null ? "" : inside.getRawPath();
            String uri = request.getRequestURI();
            // The part after the container's context path stays; the proxy's prefix replaces the rest.
            this.requestUri = contextPath + (uri.startsWith(insidePath) ? uri.substring(insidePath.length()) : uri);
        }

        @Override
        public String getScheme() {
            return outside.getScheme();
        }

        @Override
        public boolean isSecure() {
            return "https".equals(outside.getScheme());
        }

        @Override
        public String getServerName() {
            return outside.getHost();
        }

        @Override
        public int getServerPort() {
            int port = outside.getPort();
            return port >= 0 ? port : isSecure() ? 443 : 80;
        }

        @Override
        public String getContextPath() {
            return contextPath;
        }

        @Override
        public String getRequestURI() {
            return requestUri;
        }

        @Override
        public StringBuffer getRequestURL() {
            // A StringBuffer because the servlet API says so.
            return new StringBuffer(outside.getScheme()).append("://").append(outside.getRawAuthority()).append(requestUri);
        }
    }

    /** Exposes the principal through the standard servlet API. */
    private static final class AuthenticatedRequest extends HttpServletRequestWrapper {

        private final Principal principal;

        AuthenticatedRequest(HttpServletRequest request, Principal principal) {
            super(request);
            this.principal = principal;
        }

        @Override
        public java.security.Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getRemoteUser() {
            return principal.username();
        }

        @Override
        public boolean isUserInRole(String role) {
            // "admin" means the administrator role only; a group that happens to be named "admin"
            // must not grant it.
            return "admin".equals(role) ? principal.admin() : principal.groups().contains(role);
        }

        @Override
        public String getAuthType() {
            return principal.method().wireName();
        }
    }
}
