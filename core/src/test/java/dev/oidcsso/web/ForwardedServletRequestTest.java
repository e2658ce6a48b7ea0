package dev.oidcsso.web;

import dev.oidcsso.config.OidcSettings;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a servlet application sees behind a trusted proxy. It sees the outside URL, so the links it builds from
 * {@code getContextPath()} or {@code getRequestURL()} work through the proxy; nobody else can change
 * what it sees. (Found with a real nginx: the demo's home page linked to {@code /api/...} instead of
 * {@code /mlflow/api/...}.) The client connects from 127.0.0.1.
 */
class ForwardedServletRequestTest {

    OidcSso sso;
    Server jetty;
    String base;
    final HttpClient http = HttpClient.newHttpClient();

    /** Echoes what the servlet API tells the application about the URL. */
    static final class WhereAmI extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print(String.join(" | ", req.getScheme(), String.valueOf(req.isSecure()), req.getServerName(),
                    String.valueOf(req.getServerPort()), req.getContextPath(), req.getServletPath(), req.getRequestURI(),
                    req.getRequestURL().toString(), String.valueOf(req.getAttribute(OidcSsoFilter.BASE_URI_ATTRIBUTE))));
        }
    }

    /** Shows the user the filter authenticated. */
    static final class WhoAmI extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print(req.getRemoteUser() + " admin=" + req.isUserInRole("admin") + " sre=" + req.isUserInRole("sre"));
        }
    }

    void start(String trustedProxies) throws Exception {
        // A public path, so the request reaches the application without any login.
        sso = OidcSso.create(OidcSettings.builder().set("OIDC_AUTH_MODE", "trusted-header")
                .set("OIDC_TRUSTED_PROXIES", trustedProxies).set("OIDC_PUBLIC_PATHS", "/runs/").build());
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/tracking");
        context.addFilter(new FilterHolder(new OidcSsoFilter(sso)), "/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new WhereAmI()), "/runs/*");
        context.addServlet(new ServletHolder(new WhoAmI()), "/me");
        jetty.setHandler(context);
        jetty.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
        if (sso != null) {
            sso.close();
        }
    }

    String get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "tracking.example.com")
                .header("X-Forwarded-Prefix", "/mlflow").build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    @Test
    void aTrustedProxyGivesTheApplicationTheOutsideUrl() throws Exception {
        start("127.0.0.1");
        assertEquals("https | true | tracking.example.com | 443 | /mlflow | /runs | /mlflow/runs/7 | "
                + "https://tracking.example.com/mlflow/runs/7 | https://tracking.example.com/mlflow", get("/tracking/runs/7"));
    }

    @Test
    void everyGroupHeaderLineCounts() throws Exception {
        start("127.0.0.1");
        // One line per group, as oauth2-proxy sends them; the admin group is not the first.
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/tracking/me")).header("X-Forwarded-User", "root")
                .header("X-Forwarded-Groups", "mlflow").header("X-Forwarded-Groups", "mlflow-admin").header("X-Forwarded-Groups", "sre")
                .build();
        assertEquals("root admin=true sre=true", http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void anyoneElseLeavesTheContainersView() throws Exception {
        start("10.0.0.0/8");
        int port = URI.create(base).getPort();
        assertEquals("http | false | 127.0.0.1 | " + port + " | /tracking | /runs | /tracking/runs/7 | "
                + base + "/tracking/runs/7 | " + base + "/tracking", get("/tracking/runs/7"));
    }
}
