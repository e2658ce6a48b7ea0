package dev.oidcsso.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.oidcsso.config.OidcSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The token endpoint's answer read without the SDK must be read exactly as the SDK reads it: every
 * answer the fast reader takes, the SDK takes too, with the same tokens and lifetime; every other
 * answer goes to the SDK.
 */
class TokenAnswerTest {

    /** ID tokens of a signed JWT's shape whose header the SDK cannot read: not JSON, no alg, alg none, a JWE's alg, JSON null. */
    private static final List<String> MALFORMED_ID_TOKENS = List.of("bm90IGpzb24.e30.c2ln", "eyJ0eXAiOiJKV1QifQ.e30.c2ln",
            "eyJhbGciOiJub25lIn0.e30.c2ln", "A.B.C", "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkExMjhHQ00ifQ.e30.c2ln", "e30.e30.c2ln", "W10.e30.c2ln",
            "bnVsbA.e30.c2ln", "eyJhbGciOjF9.e30.c2ln");

    /** Pieces of token values: padding, control characters, escapes, Unicode spaces, surrogates. */
    private static final String[] PIECES = {"a", "Z", "0", "-", "_", ".", " ", "\\t", "\\n", "\\r", "\\u0000", "\\u0001", "\\u001f",
        "\\u0020", "\\u007f", "\\u00a0", "\\u2003", "\\u2028", "\\uD83D\\uDE00", "\\uD800", "\\/", "\\\\", "\\\"", "\u00e9", "\u2003"};

    private static final String ID_TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2lkcCIsInN1YiI6InUifQ.c2lnbmF0dXJl";

    @ParameterizedTest
    @ValueSource(strings = {
        // Keycloak
        "{\"access_token\":\"at\",\"expires_in\":300,\"refresh_expires_in\":1800,\"refresh_token\":\"rt\",\"token_type\":\"Bearer\","
                + "\"id_token\":\"" + ID_TOKEN + "\",\"not-before-policy\":0,\"session_state\":\"s\",\"scope\":\"openid email profile\"}",
        // Okta, Auth0
        "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"at\",\"scope\":\"openid profile\",\"id_token\":\"" + ID_TOKEN + "\"}",
        // Google
        "{\n  \"access_token\": \"ya29.a0\",\n  \"expires_in\": 3599,\n  \"scope\": \"openid https://www.googleapis.com/auth/userinfo.email\",\n"
                + "  \"token_type\": \"Bearer\",\n  \"id_token\": \"" + ID_TOKEN + "\"\n}",
        // Entra ID (ext_expires_in), Cognito (lower-case token type)
        "{\"token_type\":\"Bearer\",\"scope\":\"openid profile email\",\"expires_in\":4976,\"ext_expires_in\":4976,\"access_token\":\"at\","
                + "\"refresh_token\":\"rt\",\"id_token\":\"" + ID_TOKEN + "\"}",
        "{\"id_token\":\"" + ID_TOKEN + "\",\"access_token\":\"at\",\"refresh_token\":\"rt\",\"expires_in\":3600,\"token_type\":\"bearer\"}"
    })
    void theSeedIdpsAnswersAreReadWithoutTheSdkAndAsTheSdkReadsThem(String body) throws Exception {
        HTTPResponse response = answer(200, "application/json;charset=UTF-8", body);

        TokenAnswer fast = TokenAnswer.fast(response);

        assertNotNull(fast);
        assertEquals(TokenAnswer.bySdk(response), fast);
        assertEquals(Optional.of(ID_TOKEN), fast.idToken());
    }

    @Test
    void randomAnswersAreReadAsTheSdkReadsThemOrLeftToIt() {
        Random random = new Random(20261130L);
        int fastlyRead = 0;
        int leftToTheSdk = 0;
        int idTokensForTheValidator = 0;
        for (int k = 0; k < 40_000; k++) {
            HTTPResponse response = answer(random.nextInt(10) == 0 ? 400 : 200, contentType(random), body(random));
            Object sdk = outcome(() -> TokenAnswer.bySdk(response));
            TokenAnswer fast = TokenAnswer.fast(response);
            if (fast == null) {
                leftToTheSdk++;
                assertEquals(sdk, outcome(() -> TokenAnswer.read(response)), response.getBody());
            } else if (sdk.equals(ParseException.class.getName()) && fast.idToken().isPresent() && !isSignedJwt(fast.idToken().get())) {
                // The one difference, documented on read(): the validator refuses this ID token (see below).
                idTokensForTheValidator++;
            } else {
                fastlyRead++;
                assertEquals(sdk, fast, response.getBody());
            }
        }
        // Each path taken often: a generator that produced only one kind would prove nothing.
        assertTrue(fastlyRead > 4_000, "read without the SDK: " + fastlyRead);
        assertTrue(leftToTheSdk > 4_000, "left to the SDK: " + leftToTheSdk);
        assertTrue(idTokensForTheValidator > 100, "ID tokens left to the validator: " + idTokensForTheValidator);
    }

    @Test
    void anIdTokenOfASignedJwtsShapeThatTheSdkCannotParseIsRefusedByTheValidator() {
        TokenValidator validator = new TokenValidator(OidcSettings.builder().discoveryUrl("https://idp.example.com/.well-known/openid-configuration")
                .client("app", "app-secret").secretKey("token-answer-test-secret-key-0123456789").build(), Clock.systemUTC());
        OIDCProviderMetadata metadata = new OIDCProviderMetadata(new Issuer("https://idp.example.com"), List.of(SubjectType.PUBLIC),
                URI.create("https://idp.example.com/jwks"));
        DiscoveredProvider provider = new DiscoveredProvider(metadata, new ImmutableJWKSet<SecurityContext>(new JWKSet()), Set.of(JWSAlgorithm.RS256));
        for (String idToken : MALFORMED_ID_TOKENS) {
            assertTrue(TokenAnswer.fast(answer(200, "application/json", "{\"access_token\":\"at\",\"token_type\":\"Bearer\","
                    + "\"id_token\":\"" + idToken + "\"}")) != null, idToken);
            assertThrows(TokenValidationException.class, () -> validator.validateIdToken(provider, idToken, "nonce"), idToken);
        }
    }

    @Test
    void paddedTokenValuesAreLeftToTheSdkWhichTrimsThem() throws Exception {
        for (String body : List.of("{\"access_token\":\" at \",\"token_type\":\"Bearer\"}",
                "{\"access_token\":\"at\\r\\n\",\"token_type\":\"Bearer\"}",
                "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"refresh_token\":\"rt\\t\"}")) {
            HTTPResponse response = answer(200, "application/json", body);
            assertEquals(null, TokenAnswer.fast(response), body);
            TokenAnswer read = TokenAnswer.read(response);
            assertEquals("at", read.accessToken());
            assertTrue(read.refreshToken().map("rt"::equals).orElse(true), body);
        }
    }

    @Test
    void aScopeTheSdkFailsOnIsAnUnreadableAnswerNotAnUncaughtException() {
        for (String scope : List.of("openid \\u2003", "\\u2028", "x \\u001f")) {
            HTTPResponse response = answer(200, "application/json", "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":60,"
                    + "\"scope\":\"" + scope + "\"}");
            assertThrows(ParseException.class, () -> TokenAnswer.read(response), scope);
        }
    }

    @Test
    void anErrorAnswerIsARefusalWithTheIdpsError() {
        HTTPResponse response = answer(400, "application/json", "{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}");

        TokenAnswer.Refused refused = assertThrows(TokenAnswer.Refused.class, () -> TokenAnswer.read(response));
        assertEquals("invalid_grant", refused.error().getCode());
    }

    @Test
    void anAnswerThatIsNotJsonIsUnreadable() {
        HTTPResponse response = answer(200, "text/html", "<html>login</html>");

        assertThrows(ParseException.class, () -> TokenAnswer.read(response));
    }

    @Test
    void itsTextNamesNoToken() {
        TokenAnswer answer = new TokenAnswer("secret-access", 60, Optional.of("secret-refresh"), Optional.of(ID_TOKEN));

        for (String secret : List.of("secret-access", "secret-refresh", ID_TOKEN)) {
            assertFalse(answer.toString().contains(secret), secret);
        }
    }

    private interface Reading {
        TokenAnswer read() throws Exception;
    }

    /** The answer read, or the kind of failure: what the login does next depends on nothing else. */
    private static Object outcome(Reading reading) {
        try {
            return reading.read();
        } catch (TokenAnswer.Refused refused) {
            return "refused " + (refused.error() == null ? null : refused.error().getCode());
        } catch (Exception e) {
            return e.getClass().getName();
        }
    }

    private static String contentType(Random random) {
        String[] types = {"application/json", "application/json; charset=UTF-8", "Application/JSON", "application/json;charset=utf-8",
            "text/plain", "application/jwt", null, "application/jsonx", " application/json ", "application/json;charset",
            "application/json; charset=", "application/json; a=b=c", "application/json ;charset=utf-8", "application/json;",
            "application/json\t", "application/json;;", "application/json; =x", "application/json;charset=\"utf-8\""};
        return random.nextInt(4) == 0 ? types[random.nextInt(types.length)] : types[0];
    }

    private static String body(Random random) {
        List<String> members = new ArrayList<>();
        String[] names = {"access_token", "token_type", "expires_in", "refresh_token", "id_token", "scope", "issued_token_type",
            "ext_expires_in", "session_state", "error"};
        for (String name : names) {
            boolean rare = name.equals("issued_token_type") || name.equals("error");
            if (rare ? random.nextInt(10) == 0 : random.nextInt(name.equals("access_token") || name.equals("token_type") ? 10 : 3) != 0) {
                members.add(quote(name) + ":" + value(name, random));
            }
        }
        if (random.nextInt(20) == 0 && !members.isEmpty()) {
            members.add(members.get(random.nextInt(members.size()))); // a duplicate name
        }
        java.util.Collections.shuffle(members, random);
        String space = random.nextInt(5) == 0 ? " \n" : "";
        String body = "{" + space + String.join("," + space, members) + space + "}";
        return switch (random.nextInt(40)) {
            case 0 -> body + "x";
            case 1 -> body.substring(0, body.length() / 2);
            case 2 -> "\uFEFF" + body;
            case 3 -> "[" + body + "]";
            default -> body;
        };
    }

    private static String value(String name, Random random) {
        // Now and then a value of another type or shape, or padded, whatever the member.
        String odd = switch (random.nextInt(80)) {
            case 0 -> "null";
            case 1 -> "\"\"";
            case 2 -> "\"  \"";
            case 3 -> String.valueOf(random.nextInt(7200) - 100);
            case 4 -> "[\"a\"]";
            case 5 -> "3600.5";
            case 6 -> "\"3600\"";
            case 7 -> "9223372036854775807";
            case 8 -> "true";
            case 9, 10, 11, 12, 13 -> quote((random.nextBoolean() ? "tok" : "") + text(random) + (random.nextBoolean() ? "en" : ""));
            default -> null;
        };
        if (odd != null) {
            return odd;
        }
        return switch (name) {
            case "token_type" -> quote(random.nextInt(4) != 0 ? new String[] {"Bearer", "bearer", "BEARER"}[random.nextInt(3)]
                    : new String[] {"DPoP", "N_A", "mac"}[random.nextInt(3)]);
            case "expires_in", "ext_expires_in" -> String.valueOf(random.nextInt(100_000));
            case "id_token" -> quote(switch (random.nextInt(4)) {
                case 0 -> "not-a-jwt";
                case 1 -> MALFORMED_ID_TOKENS.get(random.nextInt(MALFORMED_ID_TOKENS.size()));
                default -> ID_TOKEN;
            });
            case "scope" -> quote(random.nextInt(3) == 0 ? text(random) : "openid email");
            case "issued_token_type" -> quote("urn:ietf:params:oauth:token-type:access_token");
            case "error" -> quote("invalid_grant");
            default -> quote("v\\u0041\\/" + random.nextInt(1000));
        };
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(5);
        for (int k = 0; k < pieces; k++) {
            text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return text.toString();
    }

    /** Whether the SDK's parser reads a token as a signed JWT. */
    private static boolean isSignedJwt(String token) {
        try {
            return JwtParsing.parse(token) instanceof SignedJWT;
        } catch (java.text.ParseException e) {
            return false;
        }
    }

    private static String quote(String text) {
        return "\"" + text + "\"";
    }

    private static HTTPResponse answer(int status, String contentType, String body) {
        HTTPResponse response = new HTTPResponse(status);
        if (contentType != null) {
            response.setHeader("Content-Type", contentType);
        }
        response.setBody(body);
        return response;
    }
}
