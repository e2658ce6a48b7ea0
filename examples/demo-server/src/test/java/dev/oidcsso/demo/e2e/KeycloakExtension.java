package dev.oidcsso.demo.e2e;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Gives test classes one {@link KeycloakServer} per test JVM: started by the first class that asks,
 * shared by the rest, stopped when the whole run ends. Keycloak takes 25-50 s to start on two cores, so a start
 * per class or per test would eat the CI time budget.
 *
 * <p>Use it with {@code @ExtendWith(KeycloakExtension.class)} and take a {@code KeycloakServer}
 * parameter in a {@code @BeforeAll} method or a test. Without a JDK 21+ the tests are skipped
 * locally and fail in CI (see {@link Prerequisites}). If Keycloak fails to start, every later class
 * gets the same failure at once rather than waiting for its own timeout.
 */
public final class KeycloakExtension implements ExecutionCondition, BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakExtension.class);
    /** Keycloak 26 runs on Java 21 or newer. */
    private static final int MINIMUM_JAVA = 21;

    /** Checks the prerequisites before anything starts, so a skip shows with its reason in the report. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return Prerequisites.condition(missingPrerequisite());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KeycloakServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    private static KeycloakServer server(ExtensionContext context) {
        // The root store lives as long as the test run and closes its AutoCloseable values at the end.
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(KeycloakServer.class, key -> launch(), KeycloakServer.class);
    }

    private static Optional<String> missingPrerequisite() {
        JdkLocator.Result jdk = JdkLocator.find(MINIMUM_JAVA);
        if (jdk.jdk().isEmpty()) {
            return Optional.of(jdk.problem());
        }
        if (home().isEmpty()) {
            return Optional.of("System property " + KeycloakServer.HOME_PROPERTY + " is not set: run the tests through Maven "
                    + "(mvn verify -pl examples/demo-server -am), which unpacks org.keycloak:keycloak-quarkus-dist and sets it");
        }
        return Optional.empty();
    }

    private static Optional<Path> home() {
        return Optional.ofNullable(System.getProperty(KeycloakServer.HOME_PROPERTY)).filter(s -> !s.isBlank()).map(Path::of);
    }

    private static KeycloakServer launch() {
        Optional<String> missing = missingPrerequisite();
        if (missing.isPresent()) {
            throw Prerequisites.missing(missing.get());
        }
        try {
            return KeycloakServer.start(home().orElseThrow(), JdkLocator.find(MINIMUM_JAVA).jdk().orElseThrow(), TestOutput.directory("keycloak-logs"));
        } catch (IOException e) {
            throw new UncheckedIOException("Keycloak cannot be started: " + e.getMessage(), e);
        }
    }
}
