package dev.oidcsso.web;

import dev.oidcsso.auth.Principal;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The servlet filter in Jetty 12 under a context path, against a real in-process OpenID provider. */
class JettyFilterLoginTest {

    MockOAuth2Server idp;
    OidcSso sso;
    Server jetty;
    String base;

    /** Shows what the servlet API tells the application about the user. */
    static final class WhoAmI extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Principal principal = (Principal) req.getUserPrincipal();
            resp.setContentType("text/plain");
            resp.getWriter().print(req.getRemoteUser() + " admin=" + req.isUserInRole("admin")
                    + " inGroup=" + req.isUserInRole("mlflow") + " groups=" + principal.groups());
        }
    }

    @BeforeEach
    void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        sso = OidcSso.create(OidcSettings.builder().discoveryUrl(idp.wellKnownUrl("default").toString())
                .client("demo-client", "demo-secret").secretKey(JdkServerLoginTest.KEY)
                .set("OIDC_CLIENT_AUTH_METHOD", "client_secret_post").build());
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/tracking");
        context.addFilter(new FilterHolder(new OidcSsoFilter(sso)), "/*", EnumSet.allOf(jakarta.servlet.DispatcherType.class));
        context.addServlet(new ServletHolder(new WhoAmI()), "/*");
        jetty.setHandler(context);
        jetty.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/tracking";
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
        sso.close();
        idp.shutdown();
    }

    @Test
    void aGroupNamedAdminDoesNotMakeAnAdministrator() {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", "u-2", "JWT", List.of("demo-client"),
                Map.of("preferred_username", "dave", "groups", List.of("admin", "mlflow")), 3600));
        Browser browser = Browser.forPages();
        HttpResponse<String> page = browser.navigate(base + "/").last();
        assertEquals("dave admin=false inGroup=true groups=[admin, mlflow]", page.body());
    }

    @Test
    void loginUnderAContextPathExposesThePrincipalThroughTheServletApi() {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", "u-1", "JWT", List.of("demo-client"),
                Map.of("preferred_username", "carol", "groups", List.of("mlflow")), 3600));
        Browser browser = Browser.forPages();
        List<HttpResponse<String>> chain = browser.navigate(base + "/runs?page=2").chain();
        HttpResponse<String> first = chain.get(0);
        assertEquals(302, first.statusCode());
        assertEquals("/tracking/login?next=%2Fruns%3Fpage%3D2", first.headers().firstValue("Location").orElseThrow());
        URI authorize = chain.stream().map(HttpResponse::uri).filter(u -> u.getPath().endsWith("/authorize")).findFirst().orElseThrow();
        assertTrue(authorize.getQuery().contains("redirect_uri=" + base + "/callback"), authorize.getQuery());
        assertTrue(authorize.getQuery().contains("code_challenge_method=S256"));
        HttpResponse<String> page = chain.get(chain.size() - 1);
        assertEquals(base + "/runs?page=2", page.uri().toString());
        assertEquals("carol admin=false inGroup=true groups=[mlflow]", page.body());
        assertTrue(browser.cookies().get("oidc_sso_session").orElseThrow().path().equals("/tracking"));
    }
}
