package dev.oidcsso.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.oidcsso.config.OidcSettings;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lean verification path decides every token exactly as Nimbus's {@code DefaultJWTProcessor}
 * does (the validator with the lean path against one without it): the same claims and signing key
 * for an accepted token, the same exception and message for a refused one, over ordinary tokens,
 * hostile ones (RFC 8725's attacks among them) and random mutations. And it does take the tokens
 * IdPs send, or the comparison would prove nothing.
 */
class LeanJwtProcessorTest {

    private static final String ISSUER = "https://idp.example.com";
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final long NOW_SECONDS = NOW.getEpochSecond();
    private static final String NONCE = "n-0S6_WzA2Mj";

    private final OidcSettings settings = OidcSettings.builder().discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration")
            .client("client-1", "client-secret").secretKey("lean-path-test-secret-key-lean-path-test").build();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final TokenValidator lean = new TokenValidator(settings, clock, true);
    private final TokenValidator plain = new TokenValidator(settings, clock, false);
    private final RSAKey key1;
    private final RSAKey key2;
    private final RSAKey impostor; // another key published under key1's kid
    private final ECKey ecKey;
    private final DiscoveredProvider provider;
    private final DiscoveredProvider allRsa;
    private final DiscoveredProvider sameKid;

    LeanJwtProcessorTest() throws Exception {
        key1 = new RSAKeyGenerator(2048).keyID("k1").generate();
        key2 = new RSAKeyGenerator(2048).keyID("k2").generate();
        impostor = new RSAKeyGenerator(2048).keyID("k1").generate();
        ecKey = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
        provider = provider(new JWKSet(List.of(key1.toPublicJWK(), key2.toPublicJWK(), ecKey.toPublicJWK())),
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256));
        allRsa = provider(new JWKSet(List.of(key1.toPublicJWK(), key2.toPublicJWK())),
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512));
        sameKid = provider(new JWKSet(List.of(impostor.toPublicJWK(), key1.toPublicJWK())), Set.of(JWSAlgorithm.RS256));
    }

    private static DiscoveredProvider provider(JWKSet keys, Set<JWSAlgorithm> algorithms) {
        return provider(new ImmutableJWKSet<>(keys), algorithms);
    }

    private static DiscoveredProvider provider(JWKSource<SecurityContext> keys, Set<JWSAlgorithm> algorithms) {
        OIDCProviderMetadata metadata = new OIDCProviderMetadata(new Issuer(ISSUER), List.of(SubjectType.PUBLIC), URI.create(ISSUER + "/jwks"));
        return new DiscoveredProvider(metadata, keys, algorithms);
    }

    @Test
    void takesTheTokensIdpsSend() throws Exception {
        LeanJwtProcessor processor = new LeanJwtProcessor(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null),
                jwk -> toPublicKey(jwk));
        for (String alg : List.of("RS256", "RS384", "RS512")) {
            String token = sign(alg, key1, "{\"alg\":\"" + alg + "\",\"kid\":\"k1\",\"typ\":\"JWT\"}", claims("\"aud\":\"client-1\""));
            assertTrue(processor.process(allRsa, token, TokenOrigin.BEARER, (claims, context) -> { }).isPresent(), alg);
        }
        // Claims as IdPs write them, read by its own JSON reader (so the comparisons below exercise it): text
        // beyond ASCII, escapes, nested objects, fractions, nulls, a numeric subject, many claims.
        StringBuilder many = new StringBuilder();
        for (int k = 0; k < 40; k++) {
            many.append(",\"c").append(k).append("\":").append(k);
        }
        for (String extra : List.of("\"aud\":\"client-1\",\"name\":\"Zoë Ångström \\u00e9\\n\\\"q\\\"\",\"email_verified\":true",
                "\"aud\":[\"client-1\",\"api\"],\"realm_access\":{\"roles\":[\"admin\",null,2.5]},\"auth_time\":1.5e9,\"acr\":null",
                "\"aud\":\"client-1\"" + many)) {
            String token = sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\"}", claims(extra));
            assertTrue(processor.process(provider, token, TokenOrigin.BEARER, (claims, context) -> { }).isPresent(), extra);
            sameOutcome(provider, token);
        }
        // And leaves to Nimbus what it does not handle: another algorithm, a JWE.
        String es256 = signEc("{\"alg\":\"ES256\",\"kid\":\"e1\"}", claims("\"aud\":\"client-1\""));
        assertTrue(processor.process(provider, es256, TokenOrigin.BEARER, (claims, context) -> { }).isEmpty());
        assertTrue(processor.process(provider, "a.b.c.d.e", TokenOrigin.BEARER, (claims, context) -> { }).isEmpty());
    }

    private static Key toPublicKey(JWK jwk) {
        try {
            return KeyConverter.toJavaKeys(List.of(jwk)).stream().filter(PublicKey.class::isInstance).findFirst().orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Test
    void decidesAsNimbusOnOrdinaryAndHostileTokens() throws Exception {
        List<String> tokens = corpus();
        for (String token : tokens) {
            sameOutcome(provider, token);
        }
        for (String token : List.of(
                sign("RS384", key1, "{\"alg\":\"RS384\",\"kid\":\"k1\"}", claims("\"aud\":\"client-1\"")),
                sign("RS512", key2, "{\"alg\":\"RS512\",\"kid\":\"k2\"}", claims("\"aud\":[\"client-1\",\"other\"],\"azp\":\"client-1\"")),
                sign("RS512", key2, "{\"alg\":\"RS512\",\"kid\":\"k1\"}", claims("\"aud\":\"client-1\"")))) {
            sameOutcome(allRsa, token);
        }
        // Two published keys under one kid: both are candidates, the second verifies; no key can be named.
        sameOutcome(sameKid, sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\"}", claims("\"aud\":\"client-1\"")));
        sameOutcome(sameKid, sign("RS256", key2, "{\"alg\":\"RS256\",\"kid\":\"k1\"}", claims("\"aud\":\"client-1\"")));
    }

    @Test
    void decidesAsNimbusOnRandomMutations() throws Exception {
        Random random = new Random(16);
        String good = sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}",
                claims("\"aud\":\"client-1\",\"nonce\":\"" + NONCE + "\",\"groups\":[\"a\",\"b\"]"));
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
        for (int k = 0; k < 400; k++) {
            StringBuilder mutated = new StringBuilder(good);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(mutated.length());
                switch (random.nextInt(3)) {
                    case 0 -> mutated.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> mutated.deleteCharAt(at);
                    default -> mutated.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            sameOutcome(provider, mutated.toString());
        }
        // Random payloads, validly signed: the JSON readers must agree on every one.
        String[] pieces = {"{", "}", "[", "]", ",", ":", "\"sub\"", "\"iss\"", "\"" + ISSUER + "\"", "\"aud\"", "\"client-1\"", "\"exp\"",
            String.valueOf(NOW_SECONDS + 600), "1e3", "-0", "1.5", "null", "true", "\"x\"", " ", "\"\\u00e9\"", "99999999999999999999"};
        for (int k = 0; k < 300; k++) {
            StringBuilder json = new StringBuilder("{\"iss\":\"" + ISSUER + "\",\"sub\":\"u\",\"aud\":\"client-1\",\"exp\":"
                    + (NOW_SECONDS + 600) + ",\"iat\":" + NOW_SECONDS + ",\"x\":");
            int count = 1 + random.nextInt(8);
            for (int p = 0; p < count; p++) {
                json.append(pieces[random.nextInt(pieces.length)]);
            }
            json.append(random.nextBoolean() ? "}" : "");
            sameOutcome(provider, sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\"}", json.toString()));
        }
    }

    @Test
    void decodesBase64urlAsTheJdkDoes() {
        Random random = new Random(64);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String hostile = alphabet + "=+/. !\u00e9";
        for (int k = 0; k < 5000; k++) {
            String chars = k % 2 == 0 ? alphabet : hostile;
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(40); n > 0; n--) {
                text.append(chars.charAt(random.nextInt(chars.length())));
            }
            byte[] bytes = ("x." + text + ".y").getBytes(StandardCharsets.ISO_8859_1);
            byte[] mine = LeanJwtProcessor.decodeBase64Url(bytes, 2, bytes.length - 2);
            byte[] jdk;
            try {
                jdk = Base64.getUrlDecoder().decode(text.toString());
            } catch (IllegalArgumentException e) {
                jdk = null;
            }
            if (mine != null || text.indexOf("=") < 0) { // padding it declines (Nimbus decides), the JDK may take
                assertEquals(jdk == null ? null : java.util.HexFormat.of().formatHex(jdk),
                        mine == null ? null : java.util.HexFormat.of().formatHex(mine), text::toString);
            }
        }
    }

    @Test
    void keySourceOutageIsTheSameUnavailability() throws Exception {
        DiscoveredProvider down = provider((selector, context) -> {
            throw new KeySourceException("the JWKS cannot be fetched");
        }, Set.of(JWSAlgorithm.RS256));
        sameOutcome(down, sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\"}", claims("\"aud\":\"client-1\"")));
    }

    private List<String> corpus() throws Exception {
        String header = "{\"alg\":\"RS256\",\"kid\":\"k1\"}";
        List<String> tokens = new ArrayList<>();
        String good = claims("\"aud\":\"client-1\"");
        tokens.add(sign("RS256", key1, header, good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}", good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"at+jwt\"}", good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"application/at+jwt\"}", good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"secevent+jwt\"}", good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\"}", good)); // no kid: every RSA key is a candidate
        tokens.add(sign("RS256", key2, "{\"alg\":\"RS256\",\"kid\":\"k2\"}", good));
        tokens.add(sign("RS256", key2, "{\"alg\":\"RS256\",\"kid\":\"k1\"}", good)); // signed by another key than the kid names
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"unknown\"}", good));
        tokens.add(sign("RS384", key1, "{\"alg\":\"RS384\",\"kid\":\"k1\"}", good)); // not on this provider's allow-list
        tokens.add(sign("RS256", key1, "{\"alg\":\"PS256\",\"kid\":\"k1\"}", good));
        tokens.add(signEc("{\"alg\":\"ES256\",\"kid\":\"e1\"}", good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"crit\":[\"exp\"],\"exp\":1}", good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"b64\":false,\"crit\":[\"b64\"]}", good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"kid\":\"k2\"}", good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"x5t#S256\":\"" + b64("nope".getBytes(StandardCharsets.UTF_8)) + "\"}", good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"jwk\":" + key2.toPublicJWK().toJSONString() + "}", good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"enc\":\"A128GCM\"}", good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"zip\":\"DEF\"}", good));
        tokens.add(sign("RS256", key1, "[\"RS256\"]", good));
        tokens.add(sign("RS256", key1, "{\"alg\":\"none\"}", good));
        tokens.add(b64("{\"alg\":\"none\"}") + "." + b64(good) + ".");
        tokens.add(hs256WithThePublicKey(good));
        tokens.add("eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d"); // a JWE's shape
        tokens.add("not a token");
        tokens.add("a.b.c");
        tokens.add("..");
        tokens.add(b64(header) + "." + b64(good) + ".");
        tokens.add(b64(header) + "." + b64(good) + ".!!!!");
        tokens.add(b64(header) + "." + b64(good) + "." + b64(new byte[256]));
        tokens.add(b64(header) + "." + b64(good) + "." + b64(new byte[255]));
        String valid = sign("RS256", key1, header, good);
        tokens.add(valid + "=");
        tokens.add(valid.substring(0, valid.length() - 2) + "==");
        tokens.add(valid.replace('.', '!'));
        tokens.add(valid + "." + valid);
        tokens.add(" " + valid);
        tokens.add(flip(valid, valid.length() - 5));
        tokens.add(flip(valid, valid.indexOf('.') + 5));
        tokens.add(sign("RS256", key1, header, good + " ".repeat(70_000))); // longer than the validator takes
        tokens.add(sign("RS256", key1, header, claims("\"aud\":\"client-1\",\"pad\":\"" + "x".repeat(40_000) + "\"")));
        // Claims: times, subject, issuer, audience, nonce, types.
        tokens.add(sign("RS256", key1, header, json(ISSUER, "u", "\"client-1\"", NOW_SECONDS - 3600, NOW_SECONDS - 7200, "")));
        tokens.add(sign("RS256", key1, header, json(ISSUER, "u", "\"client-1\"", NOW_SECONDS - 30, NOW_SECONDS - 600, "")));
        tokens.add(sign("RS256", key1, header, claims("\"aud\":\"client-1\",\"nbf\":" + (NOW_SECONDS + 3600))));
        tokens.add(sign("RS256", key1, header, claims("\"aud\":\"client-1\",\"nbf\":" + (NOW_SECONDS + 30))));
        tokens.add(sign("RS256", key1, header, json(ISSUER, "u", "\"client-1\"", NOW_SECONDS + 600, NOW_SECONDS + 3600, "")));
        tokens.add(sign("RS256", key1, header, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"u\",\"aud\":\"client-1\",\"iat\":" + NOW_SECONDS + "}"));
        tokens.add(sign("RS256", key1, header, "{\"iss\":\"" + ISSUER + "\",\"aud\":\"client-1\",\"exp\":" + (NOW_SECONDS + 600) + "}"));
        tokens.add(sign("RS256", key1, header, json(ISSUER, "", "\"client-1\"", NOW_SECONDS + 600, NOW_SECONDS, "")));
        tokens.add(sign("RS256", key1, header, json("https://evil.example.com", "u", "\"client-1\"", NOW_SECONDS + 600, NOW_SECONDS, "")));
        tokens.add(sign("RS256", key1, header, json(ISSUER, "u", "\"someone-else\"", NOW_SECONDS + 600, NOW_SECONDS, "")));
        tokens.add(sign("RS256", key1, header, json(ISSUER, "u", "[\"client-1\"]", NOW_SECONDS + 600, NOW_SECONDS, "")));
        tokens.add(sign("RS256", key1, header, json(ISSUER, "u", "[\"client-1\",\"other\"]", NOW_SECONDS + 600, NOW_SECONDS, "")));
        tokens.add(sign("RS256", key1, header, json(ISSUER, "u", "[\"client-1\",\"other\"]", NOW_SECONDS + 600, NOW_SECONDS, ",\"azp\":\"client-1\"")));
        tokens.add(sign("RS256", key1, header, json(ISSUER, "u", "[\"client-1\",7]", NOW_SECONDS + 600, NOW_SECONDS, "")));
        tokens.add(sign("RS256", key1, header, json(ISSUER, "u", "[]", NOW_SECONDS + 600, NOW_SECONDS, "")));
        tokens.add(sign("RS256", key1, header, json(ISSUER, "u", "null", NOW_SECONDS + 600, NOW_SECONDS, "")));
        tokens.add(sign("RS256", key1, header, json(ISSUER, "u", "7", NOW_SECONDS + 600, NOW_SECONDS, "")));
        tokens.add(sign("RS256", key1, header, claims("\"aud\":\"client-1\",\"nonce\":\"" + NONCE + "\"")));
        tokens.add(sign("RS256", key1, header, claims("\"aud\":\"client-1\",\"nonce\":\"another\"")));
        tokens.add(sign("RS256", key1, header, claims("\"aud\":\"client-1\",\"nonce\":7")));
        tokens.add(sign("RS256", key1, header, "{\"iss\":\"" + ISSUER + "\",\"sub\":42,\"aud\":\"client-1\",\"exp\":" + (NOW_SECONDS + 600)
                + ",\"iat\":" + NOW_SECONDS + "}"));
        tokens.add(sign("RS256", key1, header, "{\"iss\":\"" + ISSUER + "\",\"sub\":true,\"aud\":\"client-1\",\"exp\":" + (NOW_SECONDS + 600) + "}"));
        tokens.add(sign("RS256", key1, header, "{\"iss\":7,\"sub\":\"u\",\"aud\":\"client-1\",\"exp\":" + (NOW_SECONDS + 600) + "}"));
        tokens.add(sign("RS256", key1, header, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"u\",\"aud\":\"client-1\",\"exp\":\"tomorrow\"}"));
        tokens.add(sign("RS256", key1, header, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"u\",\"aud\":\"client-1\",\"exp\":" + (NOW_SECONDS + 600) + ".75,\"iat\":"
                + NOW_SECONDS + ".5}"));
        tokens.add(sign("RS256", key1, header, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"u\",\"aud\":\"client-1\",\"exp\":1e10,\"iat\":" + NOW_SECONDS + "}"));
        tokens.add(sign("RS256", key1, header, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"u\",\"aud\":\"client-1\",\"exp\":99999999999999999999}"));
        tokens.add(sign("RS256", key1, header, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"u\",\"aud\":\"client-1\",\"exp\":1e400}"));
        tokens.add(sign("RS256", key1, header, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"u\",\"aud\":\"client-1\",\"exp\":null,\"iat\":null,\"jti\":null}"));
        tokens.add(sign("RS256", key1, header, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"u\",\"aud\":\"client-1\",\"exp\":" + (NOW_SECONDS + 600)
                + ",\"jti\":5}"));
        tokens.add(sign("RS256", key1, header, claims("\"aud\":\"client-1\",\"sub\":\"again\"")));
        // Payload JSON: what each parser makes of it.
        tokens.add(sign("RS256", key1, header, "not json"));
        tokens.add(sign("RS256", key1, header, ""));
        tokens.add(sign("RS256", key1, header, "   "));
        tokens.add(sign("RS256", key1, header, "null"));
        tokens.add(sign("RS256", key1, header, "[1,2]"));
        tokens.add(sign("RS256", key1, header, "\"text\""));
        tokens.add(sign("RS256", key1, header, good + "x"));
        tokens.add(sign("RS256", key1, header, good + " {}"));
        tokens.add(sign("RS256", key1, header, good + "  \n"));
        tokens.add(sign("RS256", key1, header, "\uFEFF" + good));
        tokens.add(sign("RS256", key1, header, good.substring(0, good.length() - 1)));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"a\":1,\"a\":2,")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"a\":{\"b\":1,\"b\":2},")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{'a':1,")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{a:1,")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"a\":NaN,")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"a\":01,")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"a\":+1,")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"a\":.5,")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"a\":[1,],")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{/*c*/\"a\":1,")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"a\":\"tab\there\",")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"a\":\"\\x41\",")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"a\":\"\\'\",")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"a\":\"\\ud800\",\"b\":\"\\u00e9\\n\\\"\\/\",")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"a\":[1,-0,1.0,1E2,-1.5e-3,9223372036854775807,-9223372036854775808,"
                + "1.7976931348623157E308,4.9E-324,0.1],\"b\":{\"c\":[null,true,false,{}],\"d\":[]},")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"deep\":" + "[".repeat(100) + "]".repeat(100) + ",")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"deep\":" + "{\"a\":".repeat(63) + "1" + "}".repeat(63) + ",")));
        tokens.add(sign("RS256", key1, header, good.replace("{", "{\"deep\":" + "{\"a\":".repeat(64) + "1" + "}".repeat(64) + ",")));
        tokens.add(signBytes("RS256", key1, header, concat(good.replace("}", ",\"bad\":\"").getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'})));
        return tokens;
    }

    /** Both validators, on one token, as a bearer token and as an ID token: the same outcome. */
    private void sameOutcome(DiscoveredProvider on, String token) {
        assertEquals(outcome(() -> describe(plain.verifyBearer(on, token, List.of("client-1")))),
                outcome(() -> describe(lean.verifyBearer(on, token, List.of("client-1")))), () -> "bearer: " + shorten(token));
        assertEquals(outcome(() -> plain.validateIdToken(on, token, NONCE).getClaims().toString()),
                outcome(() -> lean.validateIdToken(on, token, NONCE).getClaims().toString()), () -> "ID token: " + shorten(token));
        assertEquals(outcome(() -> plain.validateRefreshedIdToken(on, token).toJSONObject().toString()),
                outcome(() -> lean.validateRefreshedIdToken(on, token).toJSONObject().toString()), () -> "refreshed ID token: " + shorten(token));
    }

    private static String describe(VerifiedToken token) {
        return token.claims().getClaims() + " / " + token.claims().toJSONObject() + " / " + token.signingKey() + " / "
                + token.expiresAt() + " / " + token.notBefore();
    }

    private static String outcome(Supplier<String> check) {
        try {
            return "accepted " + check.get();
        } catch (RuntimeException e) {
            return "refused " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static String shorten(String token) {
        return token.length() > 300 ? token.substring(0, 300) + "..." : token;
    }

    private static String claims(String extra) {
        return "{\"iss\":\"" + ISSUER + "\",\"sub\":\"user-1\"," + extra + ",\"exp\":" + (NOW_SECONDS + 600) + ",\"iat\":" + NOW_SECONDS + "}";
    }

    private static String json(String issuer, String subject, String audience, long exp, long iat, String extra) {
        return "{\"iss\":\"" + issuer + "\",\"sub\":\"" + subject + "\",\"aud\":" + audience + ",\"exp\":" + exp + ",\"iat\":" + iat + extra + "}";
    }

    private static String sign(String alg, RSAKey key, String header, String payload) throws Exception {
        return signBytes(alg, key, header, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static String signBytes(String alg, RSAKey key, String header, byte[] payload) throws Exception {
        String input = b64(header) + "." + b64(payload);
        String jca = switch (alg) {
            case "RS384" -> "SHA384withRSA";
            case "RS512" -> "SHA512withRSA";
            default -> "SHA256withRSA";
        };
        Signature signer = Signature.getInstance(jca);
        signer.initSign(key.toRSAPrivateKey());
        signer.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64(signer.sign());
    }

    private String signEc(String header, String payload) throws Exception {
        String input = b64(header) + "." + b64(payload);
        PrivateKey privateKey = ecKey.toECPrivateKey();
        Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
        signer.initSign(privateKey);
        signer.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64(signer.sign());
    }

    /** RFC 8725 2.1: a token "signed" with HMAC, the RSA public key as the secret. */
    private String hs256WithThePublicKey(String payload) throws Exception {
        String input = b64("{\"alg\":\"HS256\",\"kid\":\"k1\"}") + "." + b64(payload);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key1.toRSAPublicKey().getEncoded(), "HmacSHA256"));
        return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String flip(String token, int at) {
        char c = token.charAt(at);
        return token.substring(0, at) + (c == 'A' ? 'B' : 'A') + token.substring(at + 1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
