package dev.oidcsso.demo;

import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.demo.e2e.HeadlessChromium;
import dev.oidcsso.demo.e2e.ScreenshotOnFailure;
import dev.oidcsso.demo.e2e.TestOutput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16 point 6: the admin UI at 20 000 users (two groups each, 500 groups, 2 000 rules) in
 * headless Chromium. The page shows one page of users and asks the server for the next page and for
 * searches, so what it holds does not grow with the users: the test checks the rows and the page's
 * element count, and prints how long the page took to be ready (a figure for the README, not an
 * assertion: the machine is shared).
 */
@ExtendWith(HeadlessChromium.Required.class)
class UiAtVolumeBrowserTest {

    private static final int USERS = 20_000;
    private static final int GROUPS = 500;
    private static final int RULES = 2_000;
    /** The UI's page of an admin list (app.js). */
    private static final int PAGE = 50;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dataDir;
    private static DemoServer demo;
    private static String base;
    private HeadlessChromium chromium;

    @RegisterExtension
    final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> chromium);

    @BeforeAll
    static void startAndSeed() throws Exception {
        demo = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.toString())).host("127.0.0.1").port(0).build();
        demo.start();
        base = "http://127.0.0.1:" + demo.port();
        // The server's own embedded database, seeded beside it in plain JDBC batches.
        try (Connection connection = DriverManager.getConnection(StoreSettings.embedded(dataDir).jdbcUrl() + ";DB_CLOSE_ON_EXIT=FALSE")) {
            seed(connection);
        }
    }

    @AfterAll
    static void stopDemo() {
        if (demo != null) {
            demo.stop();
        }
    }

    @AfterEach
    void closeBrowser() {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
    }

    @Test
    void theAdminUiHoldsOnePageOfTwentyThousandUsersAndSearchesOnTheServer() throws IOException {
        chromium = HeadlessChromium.launch(TestOutput.directory("chromium"));
        browser().get(base + "/oidc/ui/");
        waitFor(ExpectedConditions.presenceOfElementLocated(By.id("login-admin")));
        browser().findElement(By.cssSelector("#login-admin button")).click();
        waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-ready='true']")));

        for (int load = 1; load <= 3; load++) {
            long start = System.nanoTime();
            browser().get(base + "/oidc/ui/");
            waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-ready='true']")));
            long wall = System.nanoTime() - start;
            Number sinceNavigation = (Number) js().executeScript("return performance.now()");
            long elements = ((Number) js().executeScript("return document.getElementsByTagName('*').length")).longValue();
            System.out.printf(Locale.ROOT, "admin UI at %d users, load %d: ready after %.0f ms (%.0f ms since navigation start), %d elements%n",
                    USERS, load, wall / 1e6, sinceNavigation.doubleValue(), elements);
            assertEquals(PAGE, userRows().size(), "one page of users");
            assertTrue(browser().findElement(By.id("users-more")).isDisplayed(), "and a way to the next");
            assertTrue(elements < 5_000, "the page holds pages, not every user: " + elements + " elements");
        }

        long start = System.nanoTime();
        browser().findElement(By.id("users-search")).sendKeys("user-1999");
        browser().findElement(By.id("users-search-go")).click();
        waitFor(driver -> userRows().size() == 10 && userRows().stream().allMatch(row -> row.getText().contains("user-1999")));
        System.out.printf(Locale.ROOT, "admin UI at %d users: search 'user-1999' shown after %.0f ms%n", USERS, (System.nanoTime() - start) / 1e6);
    }

    private List<WebElement> userRows() {
        return browser().findElements(By.cssSelector("#users-table tbody tr"));
    }

    private static void seed(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        Timestamp now = Timestamp.from(Instant.now());
        batch(connection, "INSERT INTO oidc_groups (group_name, created_at) VALUES (?, ?)", GROUPS, (insert, i) -> {
            insert.setString(1, group(i));
            insert.setTimestamp(2, now);
        });
        batch(connection, "INSERT INTO oidc_users (username, display_name, email, disabled, created_at, last_login_at) "
                + "VALUES (?, ?, ?, FALSE, ?, ?)", USERS, (insert, i) -> {
                    insert.setString(1, user(i));
                    insert.setString(2, "User " + i);
                    insert.setString(3, user(i) + "@example.com");
                    insert.setTimestamp(4, now);
                    insert.setTimestamp(5, now);
                });
        batch(connection, "INSERT INTO oidc_user_groups (username, group_name) VALUES (?, ?)", USERS * 2, (insert, i) -> {
            insert.setString(1, user(i / 2));
            insert.setString(2, group((i / 2 + (i % 2) * 250) % GROUPS));
        });
        batch(connection, "INSERT INTO oidc_regex_rules (resource_type, grantee_kind, grantee_name, pattern, permission_level, priority, "
                + "updated_at) VALUES ('experiment', 'group', ?, ?, 'READ', ?, ?)", RULES, (insert, i) -> {
                    insert.setString(1, group(i % GROUPS));
                    insert.setString(2, "team-" + i + "-.*");
                    insert.setInt(3, i % 10);
                    insert.setTimestamp(4, now);
                });
        connection.commit();
    }

    private interface Row {
        void bind(PreparedStatement insert, int i) throws SQLException;
    }

    private static void batch(Connection connection, String sql, int count, Row row) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            for (int i = 0; i < count; i++) {
                row.bind(insert, i);
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }

    private static String user(int i) {
        return String.format(Locale.ROOT, "user-%05d", i);
    }

    private static String group(int i) {
        return String.format(Locale.ROOT, "group-%03d", i);
    }

    private <T> T waitFor(Function<WebDriver, T> condition) {
        return new WebDriverWait(browser(), WAIT).pollingEvery(Duration.ofMillis(10)).ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    private JavascriptExecutor js() {
        return (JavascriptExecutor) browser();
    }

    private WebDriver browser() {
        return chromium.driver();
    }
}
