package dev.oidcsso.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.demo.e2e.HeadlessChromium;
import dev.oidcsso.demo.e2e.ScreenshotOnFailure;
import dev.oidcsso.demo.e2e.TestOutput;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.HtmlForm;
import dev.oidcsso.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The UI under {@code /oidc/ui/} in headless Chromium, against the demo server in development mode
 * (sign-in by one click on the embedded IdP's page): a user generates and rotates a token and uses
 * it from Java; an administrator grants a permission and the other user sees it at once; a
 * non-administrator sees no administration and is refused by the API; an administrator signs a user
 * out everywhere; the token can be generated with the keyboard alone.
 */
@ExtendWith(HeadlessChromium.Required.class)
class UiBrowserTest {

    /** A limit, not a pause: waits end as soon as the page is there; generous for a busy CI machine. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    private static DemoServer demo;
    private static String base;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private HeadlessChromium chromium;

    @RegisterExtension
    final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> chromium);

    @BeforeAll
    static void startDemo() throws IOException {
        demo = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.toString())).host("127.0.0.1").port(0).build();
        demo.start();
        base = "http://127.0.0.1:" + demo.port();
    }

    @AfterAll
    static void stopDemo() {
        if (demo != null) {
            demo.stop();
        }
    }

    @BeforeEach
    void openBrowser() throws IOException {
        chromium = HeadlessChromium.launch(TestOutput.directory("chromium"));
    }

    @AfterEach
    void closeBrowser() {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
    }

    @Test
    void aUserGeneratesATokenUsesItFromJavaAndRotatingItRefusesTheOldOne() throws Exception {
        openUiAs("user");
        assertEquals("user", text("me-username"));
        assertEquals("no", text("me-admin"));
        assertEquals("session", text("me-method"));
        assertTrue(text("token-note").contains("A new token invalidates the previous one"), text("token-note"));
        assertEquals("curl -u \"user:$TOKEN\" " + base + "/", text("token-curl"), "the example names the signed-in user");

        click("token-generate");
        String first = newToken("new-token-value", null);
        assertEquals(200, experimentsWithBasic("user", first).statusCode(), "the token works as a basic-auth password");
        wait(d -> text("token-generate").equals("Rotate token"));

        screenshotOfTheWholePage("ui-user-token");
        click("new-token-copy");
        wait(d -> !text("status").isEmpty() && (text("status").contains("Copied") || text("status").contains("Ctrl+C")));

        // Rotate with an expiry a month ahead (a date input's typing depends on the locale: set it directly).
        String expiry = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();
        js().executeScript("arguments[0].value = arguments[1];", browser().findElement(By.id("token-expiry")), expiry);
        click("token-generate");
        String second = newToken("new-token-value", first);
        assertNotEquals(first, second);
        assertEquals(401, experimentsWithBasic("user", first).statusCode(), "the rotated token is refused");
        assertEquals(200, experimentsWithBasic("user", second).statusCode());
        wait(d -> text("token-state").contains("expiring"));
        JsonNode me = JSON.readTree(getWithBasic("/oidc/api/me", "user", second).body());
        assertEquals(Instant.parse(expiry + "T00:00:00Z"), Instant.parse(me.path("token").path("expires_at").asText()));

        click("token-delete");
        wait(d -> text("token-state").equals("You have no access token."));
        assertEquals(401, experimentsWithBasic("user", second).statusCode(), "a deleted token is refused");
    }

    @Test
    void anAdminGrantsReadInTheUiAndTheOtherUserSeesTheExperimentAtOnce() throws Exception {
        // carol creates an experiment; "user" (signed in before, so the check panel knows them) cannot see it.
        String experiment = "churn-" + UUID.randomUUID().toString().substring(0, 8);
        Browser carol = signInWithForm("login-custom", Map.of("username", "carol"), "user");
        HttpResponse<String> created = carol.sendJson("POST", base + "/api/experiments", "{\"name\": \"" + experiment + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        Browser user = signInWithForm("login-user", Map.of(), null);
        assertFalse(user.getJson(base + "/api/experiments").body().contains(experiment), "no access before the grant");

        openUiAs("admin");
        assertEquals("yes", text("me-admin"));
        wait(ExpectedConditions.visibilityOfElementLocated(By.xpath("//table[@id='users-table']//tr[@data-username='carol']")));

        new Select(browser().findElement(By.id("grants-type"))).selectByVisibleText("experiment");
        // The name field offers the resources the store knows (carol's creation gave her a grant).
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#grants-resources option[value='" + experiment + "']")));
        assertEquals("grants-resources", browser().findElement(By.id("grants-name")).getAttribute("list"));
        browser().findElement(By.id("grants-name")).sendKeys(experiment);
        click("grants-show");
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("grants-view")));
        // carol's MANAGE as creator is listed
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#grants-table tr[data-kind='user'][data-name='carol']")));

        new Select(browser().findElement(By.id("grant-kind"))).selectByValue("user");
        browser().findElement(By.id("grant-name")).sendKeys("user");
        new Select(browser().findElement(By.id("grant-level"))).selectByValue("READ");
        click("grant-save");

        wait(d -> text("status").equals("Granted READ on experiment \"" + experiment + "\" to user \"user\"."));
        WebElement result = wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#check-result[data-level='READ']")));
        assertTrue(result.getText().startsWith("user has READ on experiment \"" + experiment + "\""), result.getText());
        assertTrue(result.getText().contains("a grant to the user"), result.getText());
        WebElement row = browser().findElement(By.cssSelector("#grants-table tr[data-kind='user'][data-name='user']"));
        assertEquals("READ", new Select(row.findElement(By.tagName("select"))).getFirstSelectedOption().getText());

        // The other user's own session now sees the experiment (the demo's permission cache is invalidated by the change).
        Poll.until(() -> user.getJson(base + "/api/experiments").body().contains(experiment),
                "the grant takes effect for the user");

        screenshotOfTheWholePage("ui-admin");

        // Changing the level in the table is shown at once too.
        new Select(row.findElement(By.tagName("select"))).selectByValue("NO_PERMISSIONS");
        row.findElement(By.xpath(".//button[normalize-space()='Change']")).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#check-result[data-level='NO_PERMISSIONS']")));
        Poll.until(() -> !user.getJson(base + "/api/experiments").body().contains(experiment),
                "NO_PERMISSIONS shuts the user out again");
    }

    @Test
    void theShownOnceTokenAndItsMessageGoAwayWithTheNextActionOrTheHideButton() {
        signInWithForm("login-user", Map.of(), null);
        openUiAs("admin");
        assertEquals("curl -u \"admin:$TOKEN\" " + base + "/", text("token-curl"), "the example names the signed-in user");

        click("token-generate");
        newToken("new-token-value", null);
        wait(d -> text("status").contains("generated"));

        // Another action: the token leaves the screen and the status speaks of the new action only.
        WebElement checkUser = browser().findElement(By.id("check-user"));
        checkUser.clear();
        checkUser.sendKeys("user");
        new Select(browser().findElement(By.id("check-type"))).selectByValue("experiment");
        browser().findElement(By.id("check-name")).sendKeys("anything");
        click("check-submit");
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#check-result[data-level='NO_PERMISSIONS']")));
        assertTrue(browser().findElements(By.id("new-token-value")).isEmpty(), "the token is gone from the page");
        assertFalse(browser().findElement(By.id("token-new")).isDisplayed());
        assertEquals("", text("status"), "no stale message about the token");

        // A token for another user, hidden with its button.
        WebElement row = wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#users-table tr[data-username='user']")));
        row.findElement(By.xpath(".//button[normalize-space()='Create token' or normalize-space()='Rotate token']")).click();
        newToken("user-token-value", null);
        wait(d -> text("status").startsWith("New token for user \"user\""));
        click("user-token-hide");
        wait(ExpectedConditions.invisibilityOfElementLocated(By.id("users-token")));
        assertTrue(browser().findElements(By.id("user-token-value")).isEmpty());
        wait(d -> text("status").startsWith("The token is hidden"));
    }

    @Test
    void aRuleAddedAndEditedInTheUiDecidesForMatchingNames() {
        signInWithForm("login-user", Map.of(), null);
        openUiAs("admin");
        String prefix = "team-" + UUID.randomUUID().toString().substring(0, 6);

        // The check panel first: user on a matching name has nothing yet.
        WebElement checkUser = browser().findElement(By.id("check-user"));
        checkUser.clear();
        checkUser.sendKeys("user");
        new Select(browser().findElement(By.id("check-type"))).selectByValue("experiment");
        browser().findElement(By.id("check-name")).sendKeys(prefix + "-churn");
        click("check-submit");
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#check-result[data-level='NO_PERMISSIONS']")));

        new Select(browser().findElement(By.id("rule-kind"))).selectByValue("group");
        browser().findElement(By.id("rule-name")).sendKeys("mlflow");
        new Select(browser().findElement(By.id("rule-type"))).selectByValue("experiment");
        browser().findElement(By.id("rule-pattern")).sendKeys(prefix + "-.*");
        new Select(browser().findElement(By.id("rule-level"))).selectByValue("USE");
        WebElement priority = browser().findElement(By.id("rule-priority"));
        priority.clear();
        priority.sendKeys("10");
        click("rule-save");
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#check-result[data-level='USE']")));
        assertTrue(text("check-result").contains("a rule for one of the user's groups"), text("check-result"));

        WebElement rule = browser().findElement(By.xpath("//table[@id='rules-table']//tr[td/code[text()='" + prefix + "-.*']]"));
        rule.findElement(By.xpath(".//button[normalize-space()='Edit']")).click();
        assertFalse(browser().findElement(By.id("rule-name")).isEnabled(), "a rule's grantee is fixed");
        new Select(browser().findElement(By.id("rule-level"))).selectByValue("EDIT");
        click("rule-save");
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#check-result[data-level='EDIT']")));

        rule = browser().findElement(By.xpath("//table[@id='rules-table']//tr[td/code[text()='" + prefix + "-.*']]"));
        rule.findElement(By.xpath(".//button[normalize-space()='Delete']")).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#check-result[data-level='NO_PERMISSIONS']")));

        // An error from the API is shown as text: an invalid pattern.
        browser().findElement(By.id("rule-name")).sendKeys("mlflow");
        browser().findElement(By.id("rule-pattern")).sendKeys("<b>(</b>");
        click("rule-save");
        wait(d -> text("status").contains("is not a valid regular expression"));
        assertTrue(browser().findElement(By.id("status")).getAttribute("class").contains("error"));
        assertTrue(text("status").startsWith("'<b>(</b>'"), "the message is shown as text, not markup: " + text("status"));
        assertTrue(browser().findElements(By.cssSelector("#status b")).isEmpty(), "no element made from the pattern");
    }

    @Test
    void theUsersTableShowsOnePageAtATimeAndTheSearchAsksTheServer() {
        // A second store on the demo's own H2 file (the same process shares it): 120 more users.
        try (Database store = Database.open(StoreSettings.embedded(dataDir))) {
            for (int i = 0; i < 120; i++) {
                store.users().recordLogin(String.format("zz-user-%03d", i), "", "", java.util.Set.of());
            }
        }
        openUiAs("admin");
        By rows = By.cssSelector("#users-table tbody tr");
        wait(d -> d.findElements(rows).size() == 50 ? true : null);
        assertTrue(browser().findElement(By.id("users-more")).isDisplayed(), "more users than one page");
        click("users-more");
        wait(d -> d.findElements(rows).size() == 100 ? true : null);
        browser().findElement(By.id("users-search")).sendKeys("ZZ-USER-11");
        click("users-search-go");
        wait(d -> d.findElements(rows).size() == 10 ? true : null);
        assertEquals("zz-user-110", browser().findElements(rows).get(0).getAttribute("data-username"));
        assertFalse(browser().findElement(By.id("users-more")).isDisplayed(), "the ten matches fit one page");
    }

    @Test
    void aNonAdminSeesNoAdministrationAndTheAdminApiRefusesThem() {
        openUiAs("user");
        assertTrue(browser().findElements(By.id("admin")).isEmpty(), "no administration sections in the page at all");
        assertTrue(browser().findElements(By.id("users-table")).isEmpty());
        assertTrue(browser().findElements(By.xpath("//h2[normalize-space()='Users' or normalize-space()='Check access']")).isEmpty());

        for (String path : List.of("users", "groups", "grants", "rules")) {
            Object status = js().executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch('../api/' + arguments[0], {headers: {Accept: 'application/json'}}).then(r => done(r.status), e => done(String(e)));",
                    path);
            assertEquals(403L, status, "GET /oidc/api/" + path + " from the user's page");
        }
        Object put = js().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const csrf = document.cookie.split('; ').find(c => c.startsWith('oidc_sso_csrf=')).split('=')[1];"
                + "fetch('../api/grants', {method: 'PUT', headers: {'Content-Type': 'application/json', 'X-OIDC-SSO-CSRF': csrf},"
                + " body: JSON.stringify({grantee: {kind: 'user', name: 'user'}, resource: {type: 'experiment', name: 'x'}, level: 'MANAGE'})})"
                + ".then(r => done(r.status), e => done(String(e)));");
        assertEquals(403L, put, "a user cannot grant themself anything");
    }

    @Test
    void anAdminSignsAUserOutEverywhereFromTheUsersTable() {
        Browser laptop = signInWithForm("login-user", Map.of(), null);
        Browser phone = signInWithForm("login-user", Map.of(), null);
        assertEquals(200, laptop.getJson(base + "/api/experiments").statusCode());
        assertEquals(200, phone.getJson(base + "/api/experiments").statusCode());

        openUiAs("admin");
        wait(ExpectedConditions.elementToBeClickable(By.cssSelector(
                "#users-table tr[data-username='user'] button[aria-label='Sign user out everywhere']"))).click();
        String said = wait(d -> text("status").startsWith("Signed user \"user\" out of ") ? text("status") : null);
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("out of (\\d+) session\\(s\\)\\.$").matcher(said);
        assertTrue(count.find() && Integer.parseInt(count.group(1)) >= 2, "both sessions (and any earlier ones) counted: " + said);
        assertEquals(401, laptop.getJson(base + "/api/experiments").statusCode(), "signed out");
        assertEquals(401, phone.getJson(base + "/api/experiments").statusCode(), "signed out");
        assertFalse(browser().findElement(By.id("status")).getDomAttribute("class").contains("error"), said);
        assertTrue(browser().findElements(By.cssSelector("#users-table tr[data-username='admin'] button[aria-label='Sign admin out everywhere']"))
                .isEmpty(), "no button to sign oneself out everywhere");
    }

    @Test
    void theTokenCanBeGeneratedWithTheKeyboardAlone() {
        openUiAs("user");
        WebElement generate = browser().findElement(By.id("token-generate"));
        Actions keys = new Actions(browser());
        for (int i = 0; i < 30 && !generate.equals(browser().switchTo().activeElement()); i++) {
            keys.sendKeys(Keys.TAB).perform();
        }
        assertEquals(generate, browser().switchTo().activeElement(), "the generate button is reachable with Tab");
        String outline = (String) js().executeScript("return getComputedStyle(document.activeElement).outlineStyle;");
        assertEquals("solid", outline, "the focused button shows a visible focus outline");

        keys.sendKeys(Keys.ENTER).perform();
        String token = newToken("new-token-value", null);
        assertEquals("new-token-value", browser().switchTo().activeElement().getAttribute("id"),
                "focus moves to the new token, ready to copy");
        assertEquals(200, experimentsWithBasic("user", token).statusCode());
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** Opens the UI, is sent to the development IdP's page, clicks the one-click button and waits for the page to load. */
    private void openUiAs(String who) {
        browser().get(base + "/oidc/ui/");
        wait(ExpectedConditions.presenceOfElementLocated(By.id("login-" + who)));
        browser().findElement(By.cssSelector("#login-" + who + " button")).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-ready='true']")));
        assertEquals(base + "/oidc/ui/", browser().getCurrentUrl(), "the login comes back to the UI");
        assertTrue(text("status").isEmpty() || !browser().findElement(By.id("status")).getAttribute("class").contains("error"),
                "no error on load: " + text("status"));
    }

    /** Signs in with the plain-HTTP browser stand-in, through one of the development IdP's forms. */
    private Browser signInWithForm(String formId, Map<String, String> typed, String role) {
        Browser browser = Browser.forPages();
        HttpResponse<String> signIn = browser.navigate(base + "/").last();
        HtmlForm form = HtmlForm.parse(signIn, formId);
        typed.forEach(form::set);
        if (role != null) {
            form.choose("claims", role);
        }
        List<HttpResponse<String>> chain = browser.submit(form).chain();
        assertEquals(200, chain.get(chain.size() - 1).statusCode());
        return browser;
    }

    /** Waits for a shown-once token different from {@code previous} and returns it. */
    private String newToken(String inputId, String previous) {
        return wait(d -> {
            List<WebElement> inputs = d.findElements(By.id(inputId));
            if (inputs.isEmpty()) {
                return null;
            }
            String value = inputs.get(0).getDomProperty("value");
            return value == null || value.isEmpty() || value.equals(previous) ? null : value;
        });
    }

    private HttpResponse<String> experimentsWithBasic(String user, String token) {
        return getWithBasic("/api/experiments", user, token);
    }

    private HttpResponse<String> getWithBasic(String path, String user, String token) {
        String basic = Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Basic " + basic)
                .header("Accept", "application/json").GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Resizes the window to the whole page, saves a screenshot under target/ui-screenshots/, and restores the size. */
    private void screenshotOfTheWholePage(String name) throws IOException {
        Dimension before = browser().manage().window().getSize();
        long height = (Long) js().executeScript("return Math.ceil(document.documentElement.scrollHeight);");
        browser().manage().window().setSize(new Dimension(1280, (int) Math.min(height + 140, 8000)));
        chromium.saveEvidence(TestOutput.directory("ui-screenshots"), name);
        browser().manage().window().setSize(before);
    }

    private void click(String id) {
        wait(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    private String text(String id) {
        return browser().findElement(By.id(id)).getText().strip();
    }

    private <T> T wait(Function<WebDriver, T> condition) {
        // The page replaces parts of itself as it updates: an element found a moment ago may be gone.
        return new WebDriverWait(browser(), WAIT).ignoring(StaleElementReferenceException.class).until(condition);
    }

    private JavascriptExecutor js() {
        return (JavascriptExecutor) browser();
    }

    private WebDriver browser() {
        return chromium.driver();
    }
}
