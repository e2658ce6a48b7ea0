package dev.oidcsso.demo.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * When a browser test fails, saves what the browser showed into
 * {@code target/e2e-failures/<class>.<method>.{png,html,url.txt}}, and names the screenshot in the
 * failure. It runs as the exception leaves the test method, before {@code @AfterEach} closes the
 * browser (a {@code TestWatcher} would run too late).
 */
public final class ScreenshotOnFailure implements TestExecutionExceptionHandler {

    private final Supplier<HeadlessChromium> browser;
    private final Path directory = TestOutput.directory("e2e-failures");

    /** @param browser the test's current browser, or null when it has none */
    public ScreenshotOnFailure(Supplier<HeadlessChromium> browser) {
        this.browser = browser;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        HeadlessChromium current = browser.get();
        if (current != null) {
            String name = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
            try {
                Path png = current.saveEvidence(directory, name);
                failure.addSuppressed(new Evidence("screenshot of the browser at the failure: " + png.toAbsolutePath()));
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    /** Carries the screenshot's location in the test report; not an error of its own. */
    private static final class Evidence extends Exception {
        Evidence(String message) {
            super(message, null, false, false);
        }
    }
}
