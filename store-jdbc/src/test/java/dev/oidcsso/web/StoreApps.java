package dev.oidcsso.web;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the tests of the store-backed routes (REST API, CSRF, UI, API clients) share: the settings of
 * an application signed in at the test provider, and a browser signed in to it.
 */
final class StoreApps {

    private StoreApps() {
    }

    /**
     * The settings of an application registered at the test provider.
     *
     * @param op the provider
     * @param more further settings by their public names
     * @return the settings
     */
    static OidcSettings settings(TestProvider op, Map<String, String> more) {
        return OidcSettings.builder().discoveryUrl(op.discoveryUrl().toString())
                .client(op.clientId(), op.clientSecret()).secretKey(JdkServerLoginTest.KEY).setAll(more).build();
    }

    /**
     * A browser that asks for pages and has signed in at {@code base} as the provider's current user.
     *
     * @param base the application's root URL
     * @return the browser, holding the session cookie
     */
    static Browser signedIn(String base) {
        Browser browser = new Browser();
        browser.defaultHeader("Accept", "text/html");
        assertEquals(200, browser.navigate(base + "/").statusCode());
        return browser;
    }
}
