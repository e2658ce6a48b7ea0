package dev.oidcsso.config;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code OIDC_PROVIDERS} and each IdP's own settings, validated in the one pass with everything else. */
class SeveralIdpsSettingsTest {

    static Map<String, String> twoIdps() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("OIDC_PROVIDERS", "staff, Partners");
        settings.put("OIDC_STAFF_DISCOVERY_URL", "https://login.example.com/.well-known/openid-configuration");
        settings.put("OIDC_STAFF_CLIENT_ID", "staff-app");
        settings.put("OIDC_STAFF_CLIENT_SECRET", "staff-secret-never-shown");
        settings.put("OIDC_PARTNERS_DISCOVERY_URL", "https://partners.example.org/realms/p/.well-known/openid-configuration");
        settings.put("OIDC_PARTNERS_CLIENT_ID", "partner-app");
        settings.put("OIDC_PARTNERS_CLIENT_SECRET", "partner-secret-never-shown");
        settings.put("OIDC_PARTNERS_SCOPE", "openid email");
        settings.put("OIDC_PARTNERS_GROUPS_ATTRIBUTE", "realm_access.roles");
        settings.put("OIDC_PARTNERS_GROUP_NAME", "partners");
        settings.put("OIDC_PARTNERS_ADMIN_GROUP_NAME", "partner-admins");
        settings.put("OIDC_PARTNERS_GROUP_DETECTION_PLUGIN", "userinfo");
        settings.put("OIDC_PARTNERS_DISPLAY_NAME", "Partner companies");
        settings.put("OIDC_PARTNERS_EMAIL_DOMAINS", "partner.example, @Other-Partner.example");
        settings.put("OIDC_SCOPE", "openid email profile groups");
        settings.put("OIDC_GROUP_NAME", "staff");
        return settings;
    }

    @Test
    void eachIdpHasItsOwnClientScopesGroupsAndDetectorOverTheSharedDefaults() {
        OidcSettings settings = OidcSettings.builder().setAll(twoIdps()).build();
        assertEquals(List.of("staff", "partners"), settings.idps().stream().map(IdpSettings::name).toList());
        assertTrue(settings.namedIdps());
        IdpSettings staff = settings.idps().get(0);
        IdpSettings partners = settings.idps().get(1);
        assertEquals("staff-app", staff.client().clientId());
        assertEquals("staff", staff.displayName());
        assertEquals(List.of("openid", "email", "profile", "groups"), staff.client().scopes(), "the shared OIDC_SCOPE");
        assertEquals(List.of("staff"), staff.identity().userGroups());
        assertEquals("claim", staff.plugins().groupDetector().name());

        assertEquals("partner-app", partners.client().clientId());
        assertEquals("Partner companies", partners.displayName());
        assertEquals(List.of("openid", "email"), partners.client().scopes());
        assertEquals("realm_access.roles", partners.identity().groupsAttribute());
        assertEquals(List.of("partners"), partners.identity().userGroups());
        assertEquals(List.of("partner-admins"), partners.identity().adminGroups());
        assertEquals("userinfo", partners.plugins().groupDetector().name());
        assertEquals(List.of("partner.example", "other-partner.example"), partners.emailDomains());
        assertTrue(partners.servesEmail("Pat@Partner.Example"));
        assertTrue(partners.servesEmail("pat@eu.partner.example"));
        assertFalse(partners.servesEmail("pat@notpartner.example"));

        OidcSettings seenByPartners = settings.forIdp(partners);
        assertEquals("partner-app", seenByPartners.clientId());
        assertEquals("realm_access.roles", seenByPartners.groupsAttribute());
        assertSame(settings.session(), seenByPartners.session(), "everything else is shared");
        assertEquals("staff-app", settings.clientId(), "the shortcuts are the first IdP's");
        assertFalse(settings.toString().contains("never-shown"));
    }

    @Test
    void aSingleIdpKeepsTodaysNamesAndIsCalledDefault() {
        OidcSettings settings = OidcSettings.builder().discoveryUrl("https://idp.example.com/.well-known/openid-configuration")
                .client("app", "s3cret").set("OIDC_EMAIL_DOMAINS", "example.com").build();
        assertEquals(1, settings.idps().size());
        assertEquals(IdpSettings.DEFAULT_NAME, settings.idps().get(0).name());
        assertFalse(settings.namedIdps());
        assertSame(settings, settings.forIdp(settings.idps().get(0)));
        assertEquals(List.of("example.com"), settings.idps().get(0).emailDomains());
    }

    @Test
    void everyProblemOfEveryIdpIsNamedWithItsIdpAndItsOwnSettingInTheOneError() {
        Map<String, String> settings = twoIdps();
        settings.remove("OIDC_STAFF_CLIENT_SECRET");
        settings.put("OIDC_PARTNERS_DISCOVERY_URL", "not a url");
        settings.put("OIDC_PARTNERS_GROUP_DETECTION_PLUGIN", "ldap");
        settings.put("OIDC_PARTNERS_EMAIL_DOMAINS", "partner.example, not a domain");
        settings.put("OIDC_PARTNER_CLIENT_ID", "typo");
        settings.put("OIDC_CLIENT_SECRET", "shared-secret-never-shown");
        settings.put("OIDC_SESSION_MAX_AGE", "forever");
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder().setAll(settings).build());
        List<String> problems = e.problems();
        assertEquals(7, problems.size(), e.getMessage());
        assertTrue(problems.contains("OIDC_PARTNER_CLIENT_ID is for an IdP named 'partner', which OIDC_PROVIDERS does not name "
                + "(it names staff, partners)"), e.getMessage());
        assertTrue(problems.contains("OIDC_CLIENT_SECRET is set, but OIDC_PROVIDERS names several IdPs: set "
                + "OIDC_STAFF_CLIENT_SECRET (and so on for each IdP) instead"), e.getMessage());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("OIDC_SESSION_MAX_AGE='forever'")), e.getMessage());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("IdP 'staff': OIDC_STAFF_CLIENT_SECRET is not set")), e.getMessage());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("IdP 'partners': OIDC_PARTNERS_DISCOVERY_URL='not a url'")),
                e.getMessage());
        assertTrue(problems.contains("IdP 'partners': OIDC_PARTNERS_GROUP_DETECTION_PLUGIN='ldap' names no known group detector; "
                + "known: claim, userinfo"), e.getMessage());
        assertTrue(problems.contains("IdP 'partners': OIDC_PARTNERS_EMAIL_DOMAINS has 'not a domain', which is not a domain "
                + "such as example.com"), e.getMessage());
        assertFalse(e.getMessage().contains("never-shown"));
    }

    @Test
    void aPublicClientIsRefusedBesideAnotherIdp() {
        Map<String, String> settings = twoIdps();
        settings.remove("OIDC_PARTNERS_CLIENT_SECRET");
        settings.put("OIDC_PARTNERS_CLIENT_AUTH_METHOD", "none");
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder().setAll(settings).build());
        assertEquals(List.of("IdP 'partners': OIDC_PARTNERS_CLIENT_AUTH_METHOD=none (a public client) cannot be used with several "
                + "IdPs: another IdP could obtain its authorization codes (OAuth mix-up); register a confidential client"), e.problems());
    }

    @Test
    void twoIdpsWithTheSameDiscoveryUrlAreRefusedNamingBoth() {
        Map<String, String> settings = twoIdps();
        settings.put("OIDC_PARTNERS_DISCOVERY_URL", "https://LOGIN.example.com/.well-known/openid-configuration/");
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder().setAll(settings).build());
        assertEquals(List.of("IdPs 'staff' and 'partners' have the same discovery URL "
                + "https://LOGIN.example.com/.well-known/openid-configuration/: two IdPs cannot share one issuer (their tokens, "
                + "logins and logouts could not be told apart); configure that IdP once"), e.problems());
    }

    @Test
    void badIdpNamesAreReported() {
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder()
                .set("OIDC_PROVIDERS", "staff,staff,my-idp").set("OIDC_STAFF_DISCOVERY_URL", "https://a.example/x")
                .set("OIDC_STAFF_CLIENT_ID", "a").set("OIDC_STAFF_CLIENT_SECRET", "b").build());
        assertTrue(e.problems().contains("OIDC_PROVIDERS names 'staff' twice"), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_PROVIDERS has 'my-idp', which is not an IdP name")),
                e.getMessage());
        SettingsException none = assertThrows(SettingsException.class, () -> OidcSettings.builder().set("OIDC_PROVIDERS", " , ").build());
        assertTrue(none.problems().get(0).startsWith("OIDC_PROVIDERS is set but names no IdP"), none.getMessage());
    }

    @Test
    void aPerIdpSettingOfAnUnknownIdpIsReportedEvenWithOneIdp() {
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder().set("OIDC_PROVIDERS", "staff")
                .set("OIDC_STAFF_DISCOVERY_URL", "https://a.example/.well-known/openid-configuration")
                .set("OIDC_STAFF_CLIENT_ID", "a").set("OIDC_STAFF_CLIENT_SECRET", "b")
                .set("OIDC_STAF_GROUP_NAME", "x").build());
        assertEquals(List.of("OIDC_STAF_GROUP_NAME is for an IdP named 'staf', which OIDC_PROVIDERS does not name (it names staff)"),
                e.problems());
    }
}
