package dev.oidcsso.demo.e2e;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

import java.util.Optional;

/**
 * What to do when the machine lacks something an end-to-end test needs (a JDK 21+, Chromium).
 *
 * <p>On a developer's machine the test is skipped with a message saying what to install: the rest
 * of the suite is still worth running. In CI ({@code CI=true}) it fails instead, because a skipped
 * end-to-end test there would silently stop proving anything; {@code .ci/run} installs everything
 * these tests need.
 *
 * <p>Test classes check up front with an {@code ExecutionCondition} built on {@link #condition}, so
 * a skipped class shows in the test report with its reason (an assumption failing in
 * {@code @BeforeAll} leaves no trace there).
 */
final class Prerequisites {

    private Prerequisites() {
    }

    /** @return true when running in CI, where a missing prerequisite is a broken build */
    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * The verdict for a test class or method.
     *
     * @param problem what is missing and how to provide it, or empty when nothing is
     * @return enabled; or disabled with the problem as reason
     * @throws org.opentest4j.AssertionFailedError in CI when something is missing
     */
    static ConditionEvaluationResult condition(Optional<String> problem) {
        if (problem.isEmpty()) {
            return ConditionEvaluationResult.enabled("prerequisites present");
        }
        if (inCi()) {
            Assertions.fail(problem.get() + " (CI=true: a missing prerequisite fails the build instead of skipping the test)");
        }
        return ConditionEvaluationResult.disabled(problem.get());
    }

    /**
     * Stops the test: fails it in CI, skips it elsewhere.
     *
     * @param message what is missing and how to provide it
     * @return never returns normally; declared so callers can write {@code throw missing(...)}
     */
    static RuntimeException missing(String message) {
        if (inCi()) {
            Assertions.fail(message + " (CI=true: a missing prerequisite fails the build instead of skipping the test)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }
}
