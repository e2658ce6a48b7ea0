package dev.oidcsso.demo.boot;

import dev.oidcsso.testing.TestProvider;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo started as a deployment would start it, for the tests of this module: command-line
 * arguments (above {@code application.properties}), 127.0.0.1 and a free port, the test provider as
 * the IdP and a data folder of the test's own.
 */
final class BootApps {

    private BootApps() {
    }

    /**
     * Starts the demo.
     *
     * @param op   the IdP
     * @param data the store's folder
     * @param more further arguments, such as {@code --OIDC_TRUSTED_PROXIES=10.0.1.10}
     * @return the running application; close it to stop
     */
    static ConfigurableApplicationContext start(TestProvider op, Path data, String... more) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.address=127.0.0.1",
                "--server.port=0",
                "--OIDC_DISCOVERY_URL=" + op.discoveryUrl(),
                "--OIDC_CLIENT_ID=" + op.clientId(),
                "--OIDC_CLIENT_SECRET=" + op.clientSecret(),
                "--SECRET_KEY=0123456789abcdef0123456789abcdef-test-only",
                "--oidc-sso.data-dir=" + data));
        arguments.addAll(List.of(more));
        return new SpringApplicationBuilder(SpringBootDemo.class).run(arguments.toArray(String[]::new));
    }

    /**
     * Stops what a test class started, either of which may be missing when its start failed.
     *
     * @param context the application, or null
     * @param op      the IdP, or null
     */
    static void stop(ConfigurableApplicationContext context, TestProvider op) {
        if (context != null) {
            context.close();
        }
        if (op != null) {
            op.close();
        }
    }

    /**
     * The application's base URL.
     *
     * @param context the running application
     * @return {@code http://127.0.0.1:<port>}
     */
    static String base(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /**
     * The innermost cause, where a refused start-up says why.
     *
     * @param failure what the start-up threw
     * @return its root cause
     */
    static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }
}
