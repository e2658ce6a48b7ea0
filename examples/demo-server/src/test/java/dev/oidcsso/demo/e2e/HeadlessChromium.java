package dev.oidcsso.demo.e2e;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The machine's own Chromium, headless, driven through its own chromedriver: no browser or driver
 * is downloaded at test time (Selenium Manager is never consulted because both paths are given).
 * Each instance is a fresh browser with an empty profile, so no cookie leaks from one test into
 * the next.
 *
 * <p>Found through {@code -Dchrome.binary} / {@code CHROME_BIN} and {@code -Dwebdriver.chrome.driver}
 * / {@code CHROMEDRIVER}, else Debian's and Ubuntu's usual paths. When missing, a test class
 * annotated {@code @ExtendWith(HeadlessChromium.Required.class)} is skipped locally and fails in CI
 * (see {@link Prerequisites}).
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final List<String> BINARIES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver",
            "/usr/lib/chromium-browser/chromedriver");
    private static final String INSTALL_HINT = "install Debian's chromium and chromium-driver "
            + "(apt-get install -y chromium chromium-driver; .ci/run does this), or set CHROME_BIN and CHROMEDRIVER";

    /**
     * Selenium looks for a DevTools binding matching the browser's version and warns on every
     * start when there is none; these tests use WebDriver only, so the warning is noise. Held in a
     * field because java.util.logging keeps loggers weakly and would forget the level.
     */
    private static final java.util.logging.Logger CDP_VERSION_FINDER = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

    private final WebDriver driver;
    private final Path profile;

    private HeadlessChromium(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Starts a browser.
     *
     * @param workDir where the throw-away profile and chromedriver's log go
     * @return the browser
     * @throws IOException when the profile directory cannot be made
     */
    public static HeadlessChromium launch(Path workDir) throws IOException {
        return launch(workDir, List.of());
    }

    /**
     * Starts a browser with extra command-line switches, such as {@code --ignore-certificate-errors}
     * for a test's self-signed certificate.
     *
     * @param workDir   where the throw-away profile and chromedriver's log go
     * @param arguments more Chromium switches
     * @return the browser
     * @throws IOException when the profile directory cannot be made
     */
    public static HeadlessChromium launch(Path workDir, List<String> arguments) throws IOException {
        Optional<String> missing = missingPrerequisite();
        if (missing.isPresent()) {
            throw Prerequisites.missing(missing.get());
        }
        Path binary = find("chrome.binary", "CHROME_BIN", BINARIES).orElseThrow();
        Path chromedriver = find("webdriver.chrome.driver", "CHROMEDRIVER", DRIVERS).orElseThrow();
        Files.createDirectories(workDir);
        Path profile = Files.createTempDirectory(workDir, "chromium-profile-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogFile(workDir.resolve("chromedriver.log").toFile())
                // Selenium's default of 20 s for chromedriver to answer is short on a busy CI machine.
                .withTimeout(Duration.ofSeconds(120))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                // The machine has no Internet: without these Chromium's own background traffic
                // (updates, sync, field trials) waits on refused connections.
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=1280,1024",
                "--lang=en-US");
        options.addArguments(arguments);
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(90));
            return new HeadlessChromium(driver, profile);
        } catch (RuntimeException e) {
            deleteRecursively(profile);
            throw e;
        }
    }

    /**
     * What is missing to run a browser here, if anything.
     *
     * @return a message saying what to install, or empty when Chromium and chromedriver are present
     */
    static Optional<String> missingPrerequisite() {
        Optional<String> binary = problem("chrome.binary", "CHROME_BIN", BINARIES, "Chromium");
        return binary.isPresent() ? binary : problem("webdriver.chrome.driver", "CHROMEDRIVER", DRIVERS, "chromedriver");
    }

    /** Skips (locally) or fails (in CI) a test class up front when there is no browser; use with {@code @ExtendWith}. */
    public static final class Required implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return Prerequisites.condition(missingPrerequisite());
        }
    }

    /** @return the Selenium driver of this browser */
    public WebDriver driver() {
        return driver;
    }

    /**
     * Saves what the browser shows: a screenshot, the page's HTML and its address (without the
     * query, which may hold an authorization code).
     *
     * @param directory where the files go
     * @param name      the files' base name
     * @return the screenshot file
     * @throws IOException when the files cannot be written
     */
    public Path saveEvidence(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        Path png = directory.resolve(name + ".png");
        Files.write(png, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        Files.writeString(directory.resolve(name + ".html"), Optional.ofNullable(driver.getPageSource()).orElse(""), StandardCharsets.UTF_8);
        String url = Optional.ofNullable(driver.getCurrentUrl()).map(HeadlessChromium::withoutQuery).orElse("(none)");
        Files.writeString(directory.resolve(name + ".url.txt"), url + "\n", StandardCharsets.UTF_8);
        return png;
    }

    /** Quits the browser and its driver, and deletes the profile. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteRecursively(profile);
        }
    }

    private static String withoutQuery(String url) {
        try {
            URI uri = URI.create(url);
            return new URI(uri.getScheme(), uri.getAuthority(), uri.getPath(), null, null).toString();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return "(unparsable address)";
        }
    }

    private static Optional<String> problem(String property, String environment, List<String> usual, String what) {
        if (find(property, environment, usual).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(explicit(property, environment)
                .map(path -> "-D" + property + " / " + environment + " names " + path + ", which is not an executable file")
                .orElse("No " + what + " found (looked at " + usual + "): " + INSTALL_HINT));
    }

    private static Optional<Path> find(String property, String environment, List<String> usual) {
        Optional<String> explicit = explicit(property, environment);
        if (explicit.isPresent()) {
            return Optional.of(Path.of(explicit.get())).filter(Files::isExecutable);
        }
        return usual.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    private static Optional<String> explicit(String property, String environment) {
        return Optional.ofNullable(System.getProperty(property)).or(() -> Optional.ofNullable(System.getenv(environment))).filter(s -> !s.isBlank());
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover profile under target/ is harmless; mvn clean removes it.
        }
    }
}
