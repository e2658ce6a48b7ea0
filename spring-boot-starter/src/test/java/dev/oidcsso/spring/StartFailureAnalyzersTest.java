package dev.oidcsso.spring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A configuration mistake or a busy database in a Spring Boot application reads as what to fix, not as a stack trace. */
@ExtendWith(OutputCaptureExtension.class)
class StartFailureAnalyzersTest {

    @Test
    void aRefusedConfigurationIsReportedWithEveryProblemAndNoStackTrace(CapturedOutput output) {
        SpringApplication application = new SpringApplication(Application.class);
        application.setWebApplicationType(WebApplicationType.SERVLET);
        // The newcomer's mistakes: no client id or secret, a short key; through the properties, as the README shows.
        assertThrows(RuntimeException.class, () -> application.run("--server.address=127.0.0.1", "--server.port=0",
                "--oidc-sso.discovery-url=https://idp.example/.well-known/openid-configuration", "--oidc-sso.secret-key=k3yTooShort"));

        String console = output.getAll();
        assertTrue(console.contains("APPLICATION FAILED TO START"), console);
        assertTrue(console.contains("oidc-sso cannot start: 3 configuration problems"), console);
        assertTrue(console.contains("OIDC_CLIENT_ID is not set"), console);
        assertTrue(console.contains("SECRET_KEY is 11 characters long"), console);
        assertTrue(console.contains("OIDC_CLIENT_ID is oidc-sso.client-id"), "the action names the property: " + console);
        assertFalse(console.lines().anyMatch(line -> line.startsWith("\tat ")), "no stack trace: " + console);
        assertFalse(console.contains("k3yTooShort"), "no value of a secret: " + console);
    }

    @Test
    void aDatabaseHeldByAnotherProcessIsReportedWithWhatToDoAndNoStackTrace(CapturedOutput output, @TempDir Path data)
            throws Exception {
        // Another process on the same data folder holds the embedded database's file (H2 shares a file between
        // connections of one JVM, so the lock another process would take is taken directly).
        try (FileChannel file = FileChannel.open(data.resolve("oidc-sso.mv.db"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = file.lock()) {
            assertTrue(held.isValid());
            SpringApplication application = new SpringApplication(Application.class);
            application.setWebApplicationType(WebApplicationType.SERVLET);
            assertThrows(RuntimeException.class, () -> application.run("--server.address=127.0.0.1", "--server.port=0",
                    "--oidc-sso.discovery-url=http://127.0.0.1:1/.well-known/openid-configuration", "--oidc-sso.client-id=app",
                    "--oidc-sso.client-secret=app-secret", "--oidc-sso.secret-key=0123456789abcdef0123456789abcdef-test-only",
                    "--oidc-sso.data-dir=" + data));
        }

        String console = output.getAll();
        assertTrue(console.contains("APPLICATION FAILED TO START"), console);
        assertTrue(console.contains("cannot connect to the user database at jdbc:h2:file:"), console);
        assertTrue(console.contains("locked"), "the database's own reason: " + console);
        assertTrue(console.contains("give this application a folder of its own"), console);
        assertFalse(console.lines().anyMatch(line -> line.startsWith("\tat ")), "no stack trace: " + console);
    }

    /**
     * A JDBC URL written the way a postgresql:// URI is (user and password before the host), which the driver takes
     * for a host name: the database's "own reason" the report adds is that host name, password included, on the
     * APPLICATION FAILED TO START report (logged at ERROR). oidc-sso's own sentence redacts it (safeUrl).
     */
    @Test
    void theDatabasesReasonInTheReportHoldsNoPasswordFromTheUrl() {
        SpringApplication application = new SpringApplication(Application.class);
        application.setWebApplicationType(WebApplicationType.SERVLET);
        RuntimeException failure = assertThrows(RuntimeException.class, () -> application.run("--server.address=127.0.0.1",
                "--server.port=0", "--oidc-sso.discovery-url=http://127.0.0.1:1/.well-known/openid-configuration",
                "--oidc-sso.client-id=app", "--oidc-sso.client-secret=app-secret",
                "--oidc-sso.secret-key=0123456789abcdef0123456789abcdef-test-only",
                "--oidc-sso.users-db-uri=jdbc:postgresql://app:S3cretPw@127.0.0.1:1/sso"));
        FailureAnalysis analysis = new StoreFailureAnalyzer().analyze(failure);
        assertNotNull(analysis, "a store failure: " + failure);
        assertFalse(analysis.getDescription().contains("S3cretPw"), "no password: " + analysis.getDescription());
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({TomcatServletWebServerAutoConfiguration.class, OidcSsoAutoConfiguration.class,
            SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class})
    static class Application {
    }
}
