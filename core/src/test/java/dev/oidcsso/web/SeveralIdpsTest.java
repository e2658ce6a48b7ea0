package dev.oidcsso.web;

import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.auth.Accounts;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.oidc.GenericProviderProfile;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.spi.ProviderProfile;
import dev.oidcsso.spi.ProviderProfileFactory;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.session.InMemorySessionStore;
import dev.oidcsso.session.SessionStore;
import dev.oidcsso.oidc.LogoutTokenValidator;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.FreePort;
import dev.oidcsso.testing.HtmlForm;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestRequest;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two in-process OpenID providers at once ({@code OIDC_PROVIDERS=staff,partners}), each with its own
 * client, group settings and e-mail domain: the chooser, {@code ?idp=}, the e-mail hint, the callback
 * routed by the login state, IdP mix-up refused, logout and back-channel logout through the
 * session's own IdP, and one IdP down while the other still logs in.
 */
class SeveralIdpsTest {

    static final Pattern HREF = Pattern.compile("<a class=\"idp\" href=\"([^\"]+)\">([^<]+)</a>");

    final List<AutoCloseable> open = new ArrayList<>();
    TestProvider staff;
    TestProvider partners;
    OidcSso sso;
    HttpServer app;
    /** Sessions kept across a restart of the application, when a test sets it. */
    SessionStore sessionStore;

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.stop(0);
        }
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    /** Both OPs up; the partners' OP gives its groups in {@code roles} and its users are in {@code partners}. */
    void start() throws Exception {
        start(true);
    }

    void start(boolean issParameter) throws Exception {
        staff = TestProvider.builder().clientId("staff-app").user(TestUser.alice()).issParameter(issParameter).start();
        partners = TestProvider.builder().clientId("partner-app").user(partner("pat")).issParameter(issParameter).start();
        open.add(staff);
        open.add(partners);
        startApp(partners.discoveryUrl().toString());
    }

    static TestUser partner(String name) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("preferred_username", name);
        claims.put("email", name + "@partner.example");
        claims.put("roles", List.of("partners"));
        return new TestUser(name + "-at-partners", claims);
    }

    void startApp(String partnersDiscovery) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("OIDC_PROVIDERS", "staff,partners");
        settings.put("OIDC_STAFF_DISCOVERY_URL", staff.discoveryUrl().toString());
        settings.put("OIDC_STAFF_CLIENT_ID", staff.clientId());
        settings.put("OIDC_STAFF_CLIENT_SECRET", staff.clientSecret());
        settings.put("OIDC_STAFF_DISPLAY_NAME", "Staff <Entra ID>");
        settings.put("OIDC_STAFF_EMAIL_DOMAINS", "example.test");
        settings.put("OIDC_PARTNERS_DISCOVERY_URL", partnersDiscovery);
        settings.put("OIDC_PARTNERS_CLIENT_ID", "partner-app");
        settings.put("OIDC_PARTNERS_CLIENT_SECRET", partners == null ? "unused" : partners.clientSecret());
        settings.put("OIDC_PARTNERS_DISPLAY_NAME", "Partners");
        settings.put("OIDC_PARTNERS_EMAIL_DOMAINS", "partner.example");
        settings.put("OIDC_PARTNERS_GROUPS_ATTRIBUTE", "roles");
        settings.put("OIDC_PARTNERS_GROUP_NAME", "partners");
        settings.put("OIDC_HTTP_TIMEOUT", "2s");
        sso = OidcSso.builder(OidcSettings.builder().setAll(settings).secretKey(JdkServerLoginTest.KEY).build())
                .sessionStore(sessionStore).build();
        open.add(sso);
        app = DemoApps.jdkApp(sso);
        staff.registerRedirectUri(url("/callback")).registerPostLogoutRedirectUri(url("/"));
        if (partners != null) {
            partners.registerRedirectUri(url("/callback")).registerPostLogoutRedirectUri(url("/"));
        }
    }

    String url(String path) {
        return DemoApps.baseUrl(app) + path;
    }

    static Browser browser() {
        return new Browser().defaultHeader("Accept", "text/html");
    }

    static Map<String, String> links(HttpResponse<String> chooser) {
        Map<String, String> links = new LinkedHashMap<>();
        Matcher matcher = HREF.matcher(chooser.body());
        while (matcher.find()) {
            links.put(matcher.group(2), matcher.group(1).replace("&amp;", "&"));
        }
        return links;
    }

    String status(Browser browser) {
        return browser.getJson(url("/auth/status")).body();
    }

    @Test
    void theChooserListsEachIdpAndEachButtonSignsInThroughItsOwnIdp() throws Exception {
        start();
        Browser browser = browser();
        HttpResponse<String> chooser = browser.get(url("/login?next=/home"));
        assertEquals(200, chooser.statusCode(), chooser.body());
        // The e-mail form may be redirected to the IdPs' authorization endpoints (a browser holds the redirect to form-action).
        assertEquals("default-src 'none'; style-src 'unsafe-inline'; form-action 'self' " + staff.baseUrl() + " " + partners.baseUrl()
                + "; frame-ancestors 'none'", chooser.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertTrue(chooser.body().contains("Staff &lt;Entra ID&gt;"), "display names are escaped: " + chooser.body());
        assertFalse(chooser.body().contains("<script"), chooser.body());
        Map<String, String> links = links(chooser);
        assertEquals(List.of("Staff &lt;Entra ID&gt;", "Partners"), List.copyOf(links.keySet()));
        assertEquals("/login?idp=staff&next=%2Fhome", links.get("Staff &lt;Entra ID&gt;"));

        // A protected page sends the browser to the chooser, which keeps where it was going.
        HttpResponse<String> protectedPage = browser.get(url("/experiments"));
        assertEquals(302, protectedPage.statusCode());
        assertEquals("/login?next=%2Fexperiments", protectedPage.headers().firstValue("Location").orElseThrow());

        Browser.Navigation viaPartners = browser.navigate(url(links.get("Partners")));
        assertEquals(200, viaPartners.statusCode(), viaPartners.body());
        assertEquals("hello pat via session at /home", viaPartners.body());
        assertEquals(1, partners.requests("/authorize").size());
        assertEquals(0, staff.requests("/authorize").size());
        // The partners' own group settings: OIDC_PARTNERS_GROUPS_ATTRIBUTE=roles, OIDC_PARTNERS_GROUP_NAME=partners.
        assertTrue(status(browser).contains("\"username\":\"pat\",\"groups\":[\"partners\"]"), status(browser));

        Browser other = browser();
        HttpResponse<String> again = other.get(url("/login?next=/home"));
        Browser.Navigation viaStaff = other.navigate(url(links(again).get("Staff &lt;Entra ID&gt;")));
        assertEquals("hello alice via session at /home", viaStaff.body());
        assertEquals(1, staff.requests("/authorize").size());
        assertEquals("staff-app", staff.lastRequest("/authorize").orElseThrow().queryParam("client_id").orElseThrow());
    }

    @Test
    void idpParameterSkipsTheChooserAndAnUnknownOneIsAClear400() throws Exception {
        start();
        Browser browser = browser();
        HttpResponse<String> direct = browser.get(url("/login?idp=partners&next=/x"));
        assertEquals(302, direct.statusCode());
        assertTrue(direct.headers().firstValue("Location").orElseThrow().startsWith(partners.authorizationEndpoint().toString()));
        assertEquals(302, browser.get(url("/login?idp=STAFF")).statusCode(), "names are case-insensitive");

        HttpResponse<String> unknown = browser.get(url("/login?idp=contractors"));
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("There is no identity provider named &#39;contractors&#39; here"), unknown.body());
        HttpResponse<String> hostile = browser.get(url("/login?idp=" + URLEncoder.encode("<script>x</script>", StandardCharsets.UTF_8)));
        assertEquals(400, hostile.statusCode());
        assertFalse(hostile.body().contains("<script>x"), hostile.body());
        assertTrue(hostile.body().contains("There is no identity provider of that name here"), hostile.body());

        // next stays same-site whichever way the IdP is picked.
        Browser.Navigation away = browser().navigate(url("/login?idp=staff&next=" + URLEncoder.encode("//evil.example/x",
                StandardCharsets.UTF_8)));
        assertEquals(200, away.statusCode());
        assertTrue(away.last().uri().toString().startsWith(url("/")), away.last().uri().toString());
    }

    @Test
    void anEmailHintPicksTheIdpOfItsDomainAndIsPassedOn() throws Exception {
        start();
        Browser browser = browser();
        HttpResponse<String> hinted = browser.get(url("/login?login_hint=Pat@Partner.Example&next=/p"));
        assertEquals(302, hinted.statusCode(), hinted.body());
        URI location = URI.create(hinted.headers().firstValue("Location").orElseThrow());
        assertTrue(location.toString().startsWith(partners.authorizationEndpoint().toString()), location.toString());
        assertTrue(location.getQuery().contains("login_hint=Pat@Partner.Example"), location.getQuery());

        // The chooser's form, as a browser sends a GET form: its fields in the query of its action.
        HttpResponse<String> chooser = browser.get(url("/login?next=/q"));
        HtmlForm form = HtmlForm.parse(chooser, "hint").set("login_hint", "alice@example.test");
        String query = form.fields().entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        Browser.Navigation signedIn = browser.navigate(url(form.action().getPath() + "?" + query));
        assertEquals("hello alice via session at /q", signedIn.body());
        assertEquals("alice@example.test", staff.lastRequest("/authorize").orElseThrow().queryParam("login_hint").orElseThrow());

        // A domain no IdP serves: the chooser again, saying so, its buttons carrying the hint.
        HttpResponse<String> unmatched = browser().get(url("/login?login_hint=someone@elsewhere.example"));
        assertEquals(200, unmatched.statusCode());
        assertTrue(unmatched.body().contains("No identity provider here serves the domain of that address"), unmatched.body());
        assertTrue(links(unmatched).get("Partners").contains("login_hint=someone%40elsewhere.example"), unmatched.body());
    }

    @Test
    void aResponseOfOneIdpWithTheStateOfTheOtherIsRefused() throws Exception {
        start();
        Browser browser = browser();
        // A login at the staff OP that reaches its callback redirect, not yet followed.
        HttpResponse<String> toStaff = browser.get(url("/login?idp=staff"));
        HttpResponse<String> staffAnswer = browser.get(toStaff.headers().firstValue("Location").orElseThrow());
        Map<String, String> staffResponse = query(URI.create(staffAnswer.headers().firstValue("Location").orElseThrow()));
        // A login at the partners' OP in the same browser: its state, with the staff OP's code and iss.
        HttpResponse<String> toPartners = browser.get(url("/login?idp=partners"));
        String partnersState = query(URI.create(toPartners.headers().firstValue("Location").orElseThrow())).get("state");

        HttpResponse<String> mixedUp = browser.get(url("/callback?code=" + staffResponse.get("code") + "&state=" + partnersState
                + "&iss=" + URLEncoder.encode(staffResponse.get("iss"), StandardCharsets.UTF_8)));
        assertEquals(400, mixedUp.statusCode(), mixedUp.body());
        assertTrue(mixedUp.body().contains("comes from another issuer"), mixedUp.body());
        assertTrue(partners.requests("/token").isEmpty(), "the staff OP's code never goes to the partners' token endpoint");
        assertTrue(status(browser).contains("\"authenticated\":false"));
    }

    @Test
    void withoutTheIssParameterAMixedUpCodeIsRefusedByTheIdpTheStateNames() throws Exception {
        start(false);
        Browser browser = browser();
        HttpResponse<String> toStaff = browser.get(url("/login?idp=staff"));
        HttpResponse<String> staffAnswer = browser.get(toStaff.headers().firstValue("Location").orElseThrow());
        String staffCode = query(URI.create(staffAnswer.headers().firstValue("Location").orElseThrow())).get("code");
        HttpResponse<String> toPartners = browser.get(url("/login?idp=partners"));
        String partnersState = query(URI.create(toPartners.headers().firstValue("Location").orElseThrow())).get("state");

        HttpResponse<String> mixedUp = browser.get(url("/callback?code=" + staffCode + "&state=" + partnersState));
        assertEquals(400, mixedUp.statusCode(), mixedUp.body());
        assertEquals(1, partners.requests("/token").size(), "the code went to the partners' OP, whose login the state names");
        assertTrue(staff.requests("/token").isEmpty());
        assertTrue(status(browser).contains("\"authenticated\":false"));
    }

    @Test
    void aUserNameBoundToOneIdpIsRefusedFromTheOther() throws Exception {
        start();
        assertEquals("hello alice via session at /", browser().navigate(url("/login?idp=staff")).body());
        // Another person at the partners' OP calls themselves alice: refused, not merged into the staff account.
        partners.user(new TestUser("alice-at-partners", Map.of("preferred_username", "alice", "roles", List.of("partners"))));
        Browser impostor = browser();
        Browser.Navigation refused = impostor.navigate(url("/login?idp=partners"));
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("another"), refused.body());
        assertTrue(status(impostor).contains("\"authenticated\":false"));
    }

    @Test
    void eachSessionLogsOutThroughItsOwnIdp() throws Exception {
        start();
        Browser viaPartners = browser();
        viaPartners.navigate(url("/login?idp=partners"));
        Browser viaStaff = browser();
        viaStaff.navigate(url("/login?idp=staff"));

        HttpResponse<String> partnersOut = viaPartners.signOut(DemoApps.baseUrl(app));
        assertEquals(302, partnersOut.statusCode(), partnersOut.body());
        URI partnersLogout = URI.create(partnersOut.headers().firstValue("Location").orElseThrow());
        assertTrue(partnersLogout.toString().startsWith(partners.endSessionEndpoint().toString()), partnersLogout.toString());
        Map<String, String> params = query(partnersLogout);
        assertEquals("partner-app", params.get("client_id"));
        assertEquals(partners.issuer(), claimsOf(params.get("id_token_hint")).getIssuer(), "the partners' own ID token");

        HttpResponse<String> staffPage = viaStaff.get(url("/logout"));
        assertTrue(staffPage.headers().firstValue("Content-Security-Policy").orElseThrow().contains(staff.baseUrl().toString()),
                "the sign-out form may be redirected to the staff OP only");
        HttpResponse<String> staffOut = viaStaff.signOut(DemoApps.baseUrl(app));
        assertTrue(staffOut.headers().firstValue("Location").orElseThrow().startsWith(staff.endSessionEndpoint().toString()));
        assertTrue(status(viaStaff).contains("\"authenticated\":false"));
    }

    @Test
    void aBackChannelLogoutTokenIsValidatedAgainstTheIdpItNames() throws Exception {
        start();
        partners.user(partner("pat").withClaim("sid", "partners-session"));
        staff.user(TestUser.alice().withClaim("sid", "staff-session"));
        Browser pat = browser();
        pat.navigate(url("/login?idp=partners"));
        Browser alice = browser();
        alice.navigate(url("/login?idp=staff"));

        // Signed with the staff OP's key but naming the partners' OP: refused, nothing ends.
        HttpResponse<String> forged = new Browser().post(url("/backchannel-logout"),
                Map.of("logout_token", logoutToken(staff, partners.issuer(), "partner-app", "partners-session")));
        assertEquals(400, forged.statusCode(), forged.body());
        assertTrue(status(pat).contains("\"authenticated\":true"));

        HttpResponse<String> done = new Browser().post(url("/backchannel-logout"),
                Map.of("logout_token", logoutToken(partners, partners.issuer(), "partner-app", "partners-session")));
        assertEquals(200, done.statusCode(), done.body());
        assertTrue(status(pat).contains("\"authenticated\":false"));
        assertTrue(status(alice).contains("\"authenticated\":true"));

        HttpResponse<String> foreign = new Browser().post(url("/backchannel-logout"),
                Map.of("logout_token", logoutToken(staff, "https://unknown.example", "staff-app", "staff-session")));
        assertEquals(400, foreign.statusCode());
        assertTrue(foreign.body().contains("none of the configured identity providers"), foreign.body());
    }

    @Test
    void bearerTokensOfEitherIdpAreVerifiedByTheirOwnIdp() throws Exception {
        start();
        HttpResponse<String> fromPartners = new Browser().send(java.net.http.HttpRequest.newBuilder(URI.create(url("/private")))
                .header("Authorization", "Bearer " + partners.accessToken(Map.of("preferred_username", "pat", "roles", List.of("partners")))));
        assertEquals(200, fromPartners.statusCode(), fromPartners.body());
        HttpResponse<String> fromStaff = new Browser().send(java.net.http.HttpRequest.newBuilder(URI.create(url("/private")))
                .header("Authorization", "Bearer " + staff.accessToken(Map.of())));
        assertEquals(200, fromStaff.statusCode(), fromStaff.body());
    }

    @Test
    void aRepeatedBearerTokenIsAnsweredByItsOwnIdpsCacheWithoutParsingItAgain() throws Exception {
        start();
        AtomicInteger parses = new AtomicInteger();
        BearerByIssuer router = new BearerByIssuer(sso.identityProviders().all(), new Accounts(Optional.empty()), token -> {
            parses.incrementAndGet();
            return BearerByIssuer.claims(token);
        });
        String partnersToken = partners.accessToken(Map.of("preferred_username", "pat", "roles", List.of("partners")));
        String staffToken = staff.accessToken(Map.of());
        for (int i = 0; i < 3; i++) {
            Principal pat = router.authenticate(bearer(partnersToken)).orElseThrow();
            assertEquals("pat", pat.username());
            assertEquals(List.of("partners"), List.copyOf(pat.groups()));
            assertEquals("alice", router.authenticate(bearer(staffToken)).orElseThrow().username());
        }
        assertEquals(4, parses.get(), "each token is parsed when verified: twice, then it is kept");
        // Each token sits in the cache of the IdP that verified it, and only there.
        assertEquals(1, router.cachedTokens("staff"));
        assertEquals(1, router.cachedTokens("partners"));
    }

    /** A profile whose IdP serves its document at more than one URL, as Entra's tenant aliases do. */
    static final class MirroredProfile implements ProviderProfileFactory {
        @Override
        public String name() {
            return "mirrored";
        }

        @Override
        public ProviderProfile create(PluginSettings settings) {
            return new ProviderProfile() {
                @Override
                public String name() {
                    return "mirrored";
                }

                @Override
                public boolean acceptsDiscoveredIssuer(URI discoveryUrl, String issuer) {
                    return true;
                }
            };
        }
    }

    @Test
    void anotherSitesLinkToOneIdpsLoginShowsTheChooserInstead() throws Exception {
        start();
        // Login CSRF: a page elsewhere sends the browser to /login?idp=partners, hoping the partners' IdP signs it in as
        // a user of its choosing. The browser tells the navigation came from another site: the user chooses here.
        Browser browser = browser();
        HttpResponse<String> crossSite = browser.get(url("/login?idp=partners&next=%2Fhome"), Map.of("Sec-Fetch-Site", "cross-site"));
        assertEquals(200, crossSite.statusCode(), crossSite.body());
        assertEquals("/login?idp=partners&next=%2Fhome", links(crossSite).get("Partners"));
        HttpResponse<String> byHint = browser.get(url("/login?login_hint=pat%40partner.example"), Map.of("Sec-Fetch-Site", "cross-site"));
        assertEquals(200, byHint.statusCode(), "an e-mail hint from another site does not start a login either");
        assertTrue(byHint.body().contains("Choose how to sign in"), byHint.body());
        assertEquals(0, partners.requests("/authorize").size());
        HttpResponse<String> sibling = browser.get(url("/login?idp=partners"), Map.of("Sec-Fetch-Site", "same-site"));
        assertTrue(sibling.body().contains("Choose how to sign in"), "a sibling subdomain may be another party's: " + sibling.body());
        assertTrue(browser.cookies().all().stream().noneMatch(cookie -> cookie.name().contains("login")), "no login was started");

        // The user's own click on the chooser is same-origin and signs in; so does a typed or bookmarked URL.
        HttpResponse<String> sameOrigin = browser.get(url("/login?idp=partners"), Map.of("Sec-Fetch-Site", "same-origin"));
        assertEquals(302, sameOrigin.statusCode());
        assertTrue(sameOrigin.headers().firstValue("Location").orElseThrow().startsWith(partners.issuer()), sameOrigin.headers().map().toString());
        assertEquals(302, browser.get(url("/login?idp=staff"), Map.of("Sec-Fetch-Site", "none")).statusCode());
    }

    @Test
    void aSessionWhoseIdpIsNoLongerConfiguredIsRefusedAtItsNextUse() throws Exception {
        sessionStore = new InMemorySessionStore(java.time.Clock.systemUTC());
        start();
        Browser pat = browser();
        assertEquals("hello pat via session at /", pat.navigate(url("/login?idp=partners")).body());
        Browser alice = browser();
        assertEquals("hello alice via session at /", alice.navigate(url("/login?idp=staff")).body());

        // The operator removes the partners' IdP; the sessions are kept (a shared store, the same SECRET_KEY).
        app.stop(0);
        sso.close();
        sso = OidcSso.builder(OidcSettings.builder().setAll(Map.of("OIDC_PROVIDERS", "staff",
                        "OIDC_STAFF_DISCOVERY_URL", staff.discoveryUrl().toString(), "OIDC_STAFF_CLIENT_ID", staff.clientId(),
                        "OIDC_STAFF_CLIENT_SECRET", staff.clientSecret())).secretKey(JdkServerLoginTest.KEY).build())
                .sessionStore(sessionStore).build();
        open.add(sso);
        app = DemoApps.jdkApp(sso);
        staff.registerRedirectUri(url("/callback"));

        assertTrue(status(alice).contains("\"username\":\"alice\""), "the staff session lives on: " + status(alice));
        // The partners' session is not taken over by the first IdP that is left: it is refused, and pat signs in again.
        assertTrue(status(pat).contains("\"authenticated\":false"), status(pat));
        HttpResponse<String> page = pat.get(url("/experiments"));
        assertEquals(302, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("Location").orElseThrow().startsWith("/login"), page.headers().map().toString());
        java.time.Instant now = java.time.Instant.now();
        assertEquals(1, sessionStore.activeOf("pat", now).size(), "refused here, not ended in the store other replicas share");
        assertEquals(1, sessionStore.activeOf("alice", now).size());
    }

    @Test
    void aReplicaNotYetUpdatedLeavesTheSessionsOfANewlyAddedIdpToTheOthers() throws Exception {
        // A rolling deployment that adds the partners' IdP: the updated replica and one still on the old
        // configuration (staff only) share the session store.
        sessionStore = new InMemorySessionStore(java.time.Clock.systemUTC());
        start();
        Browser pat = browser();
        assertEquals("hello pat via session at /", pat.navigate(url("/login?idp=partners")).body());
        OidcSso old = OidcSso.builder(OidcSettings.builder().setAll(Map.of("OIDC_PROVIDERS", "staff",
                        "OIDC_STAFF_DISCOVERY_URL", staff.discoveryUrl().toString(), "OIDC_STAFF_CLIENT_ID", staff.clientId(),
                        "OIDC_STAFF_CLIENT_SECRET", staff.clientSecret())).secretKey(JdkServerLoginTest.KEY).build())
                .sessionStore(sessionStore).build();
        open.add(old);
        com.sun.net.httpserver.HttpServer oldApp = DemoApps.jdkApp(old);
        try {
            // The load balancer sends pat's next request to the old replica (cookies are not port-scoped).
            String onOld = pat.getJson(DemoApps.baseUrl(oldApp) + "/auth/status").body();
            assertTrue(onOld.contains("\"authenticated\":false"), "the old replica cannot judge it: " + onOld);
            assertTrue(status(pat).contains("\"username\":\"pat\""), "the updated replica still accepts it: " + status(pat));
        } finally {
            oldApp.stop(0);
        }
    }

    @Test
    void twoIdpsDeclaringTheSameIssuerAreRefusedAtStartUpNamingBoth() throws Exception {
        staff = TestProvider.builder().clientId("staff-app").user(TestUser.alice()).start();
        open.add(staff);
        // Another URL of the same document, so the settings cannot tell; only the discovered issuers can.
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSso.create(OidcSettings.builder()
                .profiles(List.of(new GenericProviderProfile(), new MirroredProfile())).setAll(Map.of(
                "OIDC_PROVIDERS", "staff,partners",
                "OIDC_STAFF_DISCOVERY_URL", staff.discoveryUrl().toString(),
                "OIDC_STAFF_CLIENT_ID", "a", "OIDC_STAFF_CLIENT_SECRET", "b",
                "OIDC_PARTNERS_PROVIDER", "mirrored",
                "OIDC_PARTNERS_DISCOVERY_URL", staff.discoveryUrl() + "?copy=1",
                "OIDC_PARTNERS_CLIENT_ID", "c", "OIDC_PARTNERS_CLIENT_SECRET", "d")).secretKey(JdkServerLoginTest.KEY).build()));
        assertEquals(List.of("IdPs 'staff' and 'partners' declare the same issuer " + staff.issuer() + ": two IdPs cannot share one "
                + "issuer (their tokens, logins and logouts could not be told apart); configure that IdP once"), e.problems());
    }

    static WebRequest bearer(String token) {
        return TestRequest.get("/private").withHeader("Authorization", "Bearer " + token);
    }

    @Test
    void oneIdpDownLeavesTheOtherSigningInAndReadinessNamesIt() throws Exception {
        staff = TestProvider.builder().clientId("staff-app").user(TestUser.alice()).start();
        open.add(staff);
        int closed = FreePort.find();
        startApp("http://127.0.0.1:" + closed + "/.well-known/openid-configuration");

        HttpResponse<String> ready = new Browser().getJson(url("/health/ready"));
        assertEquals(200, ready.statusCode(), "logins through the staff OP still work: " + ready.body());
        // To anyone: how many are up, not which IdPs the deployment trusts.
        assertEquals("{\"status\":\"DEGRADED\",\"identity_providers\":{\"up\":1,\"down\":1}}", ready.body());
        String health = new Browser().getJson(url("/health")).body();
        assertTrue(health.contains("\"identity_providers\":{\"up\":1,\"down\":1}"), health);
        assertFalse(health.contains("partners") || health.contains("staff"), "no IdP is named to an anonymous caller: " + health);
        assertFalse(health.contains(String.valueOf(closed)), "where the IdP is stays in the log: " + health);
        // To an administrator: which one is down.
        staff.user(TestUser.admin());
        Browser admin = browser();
        assertTrue(admin.navigate(url("/login?idp=staff")).body().contains("admin"));
        assertEquals("{\"status\":\"DEGRADED\",\"identity_providers\":{\"staff\":\"UP\",\"partners\":\"DOWN\"}}",
                admin.getJson(url("/health/ready")).body());
        String detailed = admin.getJson(url("/health")).body();
        assertTrue(detailed.contains("\"partners\":{\"ready\":false}") && detailed.contains("\"staff\":{\"ready\":true}"), detailed);
        assertFalse(detailed.contains(String.valueOf(closed)), "where the IdP is stays in the log: " + detailed);
        staff.user(TestUser.alice());

        Browser browser = browser();
        HttpResponse<String> down = browser.get(url("/login?idp=partners"));
        assertEquals(503, down.statusCode());
        assertTrue(down.body().contains("The identity provider is unavailable"), down.body());
        assertEquals("hello alice via session at /", browser.navigate(url("/login?idp=staff")).body());
    }

    @Test
    void withEveryIdpDownTheApplicationIsNotReady() throws Exception {
        Map<String, String> settings = Map.of("OIDC_PROVIDERS", "staff,partners",
                "OIDC_STAFF_DISCOVERY_URL", "http://127.0.0.1:" + FreePort.find() + "/.well-known/openid-configuration",
                "OIDC_STAFF_CLIENT_ID", "a", "OIDC_STAFF_CLIENT_SECRET", "b",
                "OIDC_PARTNERS_DISCOVERY_URL", "http://127.0.0.1:" + FreePort.find() + "/.well-known/openid-configuration",
                "OIDC_PARTNERS_CLIENT_ID", "c", "OIDC_PARTNERS_CLIENT_SECRET", "d", "OIDC_HTTP_TIMEOUT", "1s");
        sso = OidcSso.create(OidcSettings.builder().setAll(settings).build());
        open.add(sso);
        app = DemoApps.jdkApp(sso);
        HttpResponse<String> ready = new Browser().getJson(url("/health/ready"));
        assertEquals(503, ready.statusCode());
        assertEquals("{\"status\":\"DOWN\",\"identity_providers\":{\"up\":0,\"down\":2}}", ready.body());
        assertFalse(sso.ready());
        assertEquals(Map.of("staff", false, "partners", false), sso.identityProviderStatus());
    }

    String logoutToken(TestProvider signer, String issuer, String audience, String sid) {
        return signer.signJwt(new JWTClaimsSet.Builder().issuer(issuer).audience(audience)
                .issueTime(Date.from(Instant.now())).expirationTime(Date.from(Instant.now().plusSeconds(120)))
                .jwtID(UUID.randomUUID().toString()).claim("sid", sid)
                .claim("events", Map.of(LogoutTokenValidator.BACKCHANNEL_LOGOUT_EVENT, Map.of())).build());
    }

    static JWTClaimsSet claimsOf(String jwt) throws java.text.ParseException {
        return com.nimbusds.jwt.JWTParser.parse(jwt).getJWTClaimsSet();
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
