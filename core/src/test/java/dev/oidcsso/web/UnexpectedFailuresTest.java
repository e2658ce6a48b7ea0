package dev.oidcsso.web;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An Error (or a checked exception thrown sneakily) from anywhere in the framework's part of a
 * request ends in the framework's own 500, not in the container's error page, which names the class.
 */
class UnexpectedFailuresTest {

    @Test
    void errorsEndInAGeneric500WithoutClassNames() throws Exception {
        try (TestProvider op = TestProvider.start();
             OidcSso sso = OidcSso.builder(OidcSettings.builder().discoveryUrl(op.discoveryUrl().toString())
                     .client(op.clientId(), op.clientSecret()).secretKey(JdkServerLoginTest.KEY).build())
                     .authenticator(request -> {
                         switch (request.header("X-Fail").orElse("")) {
                             case "overflow" -> throw new StackOverflowError("deep inside");
                             case "memory" -> throw new OutOfMemoryError("Java heap space");
                             case "checked" -> throw UnexpectedFailuresTest.<RuntimeException>sneaky(new java.io.IOException("sneaky"));
                             default -> {
                                 return Optional.empty();
                             }
                         }
                     }).build()) {
            Server jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            context.addFilter(new FilterHolder(new OidcSsoFilter(sso)), "/*", EnumSet.allOf(jakarta.servlet.DispatcherType.class));
            context.addServlet(new ServletHolder(new JettyFilterLoginTest.WhoAmI()), "/*");
            jetty.setHandler(context);
            jetty.start();
            try {
                for (String failure : new String[] {"overflow", "memory", "checked"}) {
                    for (String path : new String[] {"/private", "/auth/status"}) {
                        HttpResponse<String> response = new Browser().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + connector.getLocalPort() + path)).header("X-Fail", failure));
                        assertEquals(500, response.statusCode(), failure + " " + path + ": " + response.body());
                        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
                        for (String leak : new String[] {"Error", "Exception", "java.", "deep inside", "heap", "sneaky"}) {
                            assertFalse(response.body().contains(leak), failure + " " + path + ": " + response.body());
                        }
                    }
                }
            } finally {
                jetty.stop();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable e) throws T {
        throw (T) e;
    }
}
