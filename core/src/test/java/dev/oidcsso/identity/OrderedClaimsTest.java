package dev.oidcsso.identity;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.spi.PluginSettings;
import org.junit.jupiter.api.Test;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bearer token's identity claims: the same map Nimbus's {@code toJSONObject} made before (times
 * in seconds, one audience as text, null claims left out), now in the token's order, which is what
 * an {@code expression} validator's {@code keys(@)} sees; and kept as they are by {@link Identity}.
 */
class OrderedClaimsTest {

    private static final List<String> PAYLOADS = List.of(
            "{\"iss\":\"https://idp\",\"sub\":\"u\",\"aud\":\"api\",\"exp\":1764417600,\"iat\":1764417000,\"groups\":[\"a\",\"b\"]}",
            "{\"zeta\":1,\"aud\":[\"api\",\"other\"],\"alpha\":{\"b\":[1,2.5,null]},\"nbf\":1764417000.75,\"sub\":42,\"x\":null}",
            "{\"aud\":[\"only\"],\"exp\":1,\"jti\":\"j\",\"email_verified\":false}",
            "{\"aud\":[],\"sub\":\"u\"}",
            "{\"aud\":null,\"iat\":null,\"sub\":\"u\",\"name\":\"Zoë\"}",
            "{}");

    @Test
    void areTheClaimsSetsJsonObjectInTheTokensOrder() throws ParseException {
        for (String payload : PAYLOADS) {
            JWTClaimsSet claims = JWTClaimsSet.parse(payload);
            OrderedClaims ordered = OrderedClaims.of(claims);
            assertEquals(claims.toJSONObject(), ordered, payload);
            List<String> tokenOrder = new ArrayList<>(claims.getClaims().keySet());
            tokenOrder.retainAll(ordered.keySet());
            assertEquals(tokenOrder, new ArrayList<>(ordered.keySet()), payload);
        }
        assertEquals(List.of("zeta", "aud", "alpha", "nbf", "sub"),
                new ArrayList<>(OrderedClaims.of(JWTClaimsSet.parse(PAYLOADS.get(1))).keySet()));
    }

    @Test
    void findsEveryClaimOfAManyClaimedToken() {
        Map<String, Object> many = new LinkedHashMap<>();
        for (int k = 0; k < 40; k++) {
            many.put("claim" + k, k == 7 ? null : k);
        }
        OrderedClaims ordered = OrderedClaims.copyOf(many);
        assertEquals(many, ordered);
        assertEquals(new ArrayList<>(many.keySet()), new ArrayList<>(ordered.keySet()));
        for (int k = 0; k < 40; k++) {
            assertTrue(ordered.containsKey("claim" + k));
            assertEquals(many.get("claim" + k), ordered.get("claim" + k));
        }
        assertFalse(ordered.containsKey("claim40"));
        assertFalse(ordered.containsKey(7));
        assertNull(ordered.get("claim7"));
        assertEquals(many.hashCode(), ordered.hashCode());
    }

    @Test
    void isImmutableAndKeptByTheIdentity() throws ParseException {
        OrderedClaims claims = OrderedClaims.of(JWTClaimsSet.parse(PAYLOADS.get(0)));
        assertThrows(UnsupportedOperationException.class, () -> claims.put("sub", "someone-else"));
        assertThrows(UnsupportedOperationException.class, () -> claims.remove("sub"));
        assertThrows(UnsupportedOperationException.class, () -> claims.entrySet().iterator().next().setValue("x"));
        assertThrows(UnsupportedOperationException.class, claims::clear);
        assertSame(claims, new Identity("u", claims, List.of("a"), Role.USER).claims());
        assertSame(claims, OrderedClaims.copyOf(claims));
        // Another map is copied, in its own order, and changing it later changes nothing.
        Map<String, Object> source = new LinkedHashMap<>(Map.of("b", 1));
        source.put("a", 2);
        Identity identity = new Identity("u", source, List.of("a"), Role.USER);
        source.put("c", 3);
        assertEquals(List.of("b", "a"), new ArrayList<>(identity.claims().keySet()));
    }

    @Test
    void anExpressionValidatorSeesTheClaimsInTheTokensOrder() throws ParseException {
        // keys(@) is pinned: the token's order. (Before, it was the order of a HashMap's buckets.)
        OidcSettings settings = OidcSettings.builder().discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration")
                .client("api", "api-secret").secretKey("ordered-claims-test-secret-key-0123456789").build();
        String payload = "{\"zeta\":\"z\",\"sub\":\"u\",\"preferred_username\":\"alice\",\"aud\":\"api\",\"groups\":[\"mlflow\"],\"exp\":1}";
        IdentityResolver resolver = new IdentityResolver(settings, new IdTokenIdentitySource.Factory().create(PluginSettings.empty()),
                new ExpressionIdentityValidator.Factory().create(PluginSettings.of(Map.of(SettingNames.IDENTITY_VALIDATOR_EXPRESSION,
                        "join(',', keys(@)) == 'zeta,sub,preferred_username,aud,groups,exp'"))),
                new ClaimGroupDetector("groups"), new RoleDecision(List.of("admins"), List.of("mlflow")));
        assertEquals("alice", resolver.resolveToken(OrderedClaims.of(JWTClaimsSet.parse(payload))).username());
        String reordered = "{\"sub\":\"u\",\"zeta\":\"z\",\"preferred_username\":\"alice\",\"aud\":\"api\",\"groups\":[\"mlflow\"],\"exp\":1}";
        assertThrows(AccessRefusedException.class, () -> resolver.resolveToken(OrderedClaims.of(JWTClaimsSet.parse(reordered))));
    }
}
