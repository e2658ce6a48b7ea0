package dev.oidcsso.identity;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.spi.PluginSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentityRulesTest {

    static OidcSettings.Builder base() {
        return OidcSettings.builder().discoveryUrl("https://idp.example.com/.well-known/openid-configuration").client("a", "b");
    }

    @Test
    void claimPathsReadNestedAndNamespacedClaims() {
        Map<String, Object> claims = Map.of(
                "realm_access", Map.of("roles", List.of("mlflow", "offline_access")),
                "urn:mlflow:groups", List.of("mlflow-admin"),
                "https://example.com/groups", "analysts",
                "a.b", "dotted-name-wins",
                "a", Map.of("b", "nested"),
                "csv", "one, two,three");
        assertEquals(List.of("mlflow", "offline_access"), ClaimPath.readStrings(claims, "realm_access.roles"));
        assertEquals(List.of("mlflow-admin"), ClaimPath.readStrings(claims, "urn:mlflow:groups"));
        assertEquals(List.of("analysts"), ClaimPath.readStrings(claims, "https://example.com/groups"));
        assertEquals(Optional.of("dotted-name-wins"), ClaimPath.read(claims, "a.b"));
        assertEquals(List.of("one", "two", "three"), ClaimPath.readStrings(claims, "csv"));
        assertEquals(List.of(), ClaimPath.readStrings(claims, "realm_access.missing"));
        assertEquals(List.of(), ClaimPath.readStrings(claims, "nothing.here"));
    }

    @Test
    void roleDecisionPrefersAdminAndRefusesOutsiders() {
        RoleDecision roles = new RoleDecision(List.of("mlflow-admin", "B2C5A1F4-0000-4000-8000-00000000000A"), List.of("mlflow"));
        assertEquals(Optional.of(Role.ADMIN), roles.decide(List.of("mlflow", "mlflow-admin")));
        assertEquals(Optional.of(Role.USER), roles.decide(List.of("mlflow")));
        assertEquals(Optional.empty(), roles.decide(List.of("MLFLOW", "sales")));
        assertEquals(Optional.of(Role.ADMIN), roles.decide(List.of("b2c5a1f4-0000-4000-8000-00000000000a")), "GUIDs compare without case");
    }

    @Test
    void claimEqualsValidator() {
        var validator = base().set("OIDC_IDENTITY_VALIDATOR", "claim-equals")
                .set("OIDC_IDENTITY_VALIDATOR_CLAIM", "email_verified").set("OIDC_IDENTITY_VALIDATOR_VALUE", "true").build()
                .plugins().identityValidator();
        assertEquals(Optional.empty(), validator.refusal(Map.of("email_verified", true)));
        assertTrue(validator.refusal(Map.of("email_verified", false)).isPresent());
        assertTrue(validator.refusal(Map.of()).isPresent());
        SettingsException e = assertThrows(SettingsException.class, () -> new ClaimEqualsIdentityValidator.Factory()
                .create(PluginSettings.empty()));
        assertEquals(2, e.problems().size());
        e = assertThrows(SettingsException.class, () -> base().set("OIDC_IDENTITY_VALIDATOR", "claim-equals").build());
        assertEquals(2, e.problems().size(), "the validator's problems are reported by the settings' one validation pass");
    }

    @Test
    void expressionValidator() {
        var validator = new ExpressionIdentityValidator.Factory().create(PluginSettings.of(Map.of("OIDC_IDENTITY_VALIDATOR_EXPRESSION",
                "email_verified && ends_with(email, '@example.com') && contains(groups, 'staff')")));
        assertEquals(Optional.empty(), validator.refusal(Map.of("email_verified", true, "email", "a@example.com", "groups", List.of("staff"))));
        assertTrue(validator.refusal(Map.of("email_verified", true, "email", "a@evil.com", "groups", List.of("staff"))).isPresent());
        assertTrue(validator.refusal(Map.of("email", 42)).isPresent(), "a type error refuses, it does not crash");
        SettingsException e = assertThrows(SettingsException.class, () -> base().set("OIDC_IDENTITY_VALIDATOR", "expression")
                .set("OIDC_IDENTITY_VALIDATOR_EXPRESSION", "email ==== 'x'").build());
        assertTrue(e.getMessage().contains("is not a valid JMESPath expression"), e.getMessage());
    }

    @Test
    void emailNamesTheUserOnlyWhenVerifiedElseTheNextClaimDoes() {
        OidcSettings settings = base().set("OIDC_USERNAME_CLAIM", "email,sub").build();
        IdentityResolver resolver = new IdentityResolver(settings, settings.plugins().identitySource(),
                settings.plugins().identityValidator(), settings.plugins().groupDetector(), new RoleDecision(List.of("mlflow-admin"), List.of("mlflow")));
        Map<String, Object> claims = Map.of("sub", "s-1", "email", "ceo@example.com", "groups", List.of("mlflow"));
        assertEquals("s-1", resolver.resolveToken(claims).username(), "no email_verified: not a user name");
        assertEquals("s-1", resolver.resolveToken(with(claims, "email_verified", false)).username());
        assertEquals("s-1", resolver.resolveToken(with(claims, "email_verified", "yes")).username());
        assertEquals("ceo@example.com", resolver.resolveToken(with(claims, "email_verified", true)).username());
        assertEquals("ceo@example.com", resolver.resolveToken(with(claims, "email_verified", "true")).username(), "Cognito's string");

        OidcSettings emailOnly = base().set("OIDC_USERNAME_CLAIM", "email").build();
        IdentityResolver strict = new IdentityResolver(emailOnly, emailOnly.plugins().identitySource(),
                emailOnly.plugins().identityValidator(), emailOnly.plugins().groupDetector(), new RoleDecision(List.of("mlflow-admin"), List.of("mlflow")));
        AccessRefusedException e = assertThrows(AccessRefusedException.class, () -> strict.resolveToken(claims));
        assertTrue(e.getMessage().contains("only when the identity provider marks it verified"), e.getMessage());
    }

    static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        Map<String, Object> copy = new java.util.HashMap<>(claims);
        copy.put(name, value);
        return copy;
    }
}
