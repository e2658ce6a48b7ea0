package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

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
        for (int k = 0; k < 20_000; k++) {
            HTTPResponse response = answer(random.nextInt(10) == 0 ? 400 : 200, contentType(random), body(random));
            Object sdk = outcome(() -> TokenAnswer.bySdk(response));
            TokenAnswer fast = TokenAnswer.fast(response);
            if (fast != null) {
                fastlyRead++;
                assertEquals(sdk, fast, response.getBody());
            } else {
                leftToTheSdk++;
            }
            assertEquals(sdk, outcome(() -> TokenAnswer.read(response)), response.getBody());
        }
        // Both paths taken often: a generator that produced only one kind would prove nothing.
        assertTrue(fastlyRead > 2_000, "read without the SDK: " + fastlyRead);
        assertTrue(leftToTheSdk > 2_000, "left to the SDK: " + leftToTheSdk);
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
            "text/plain", "application/jwt", null, "application/jsonx", " application/json "};
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
        int pick = random.nextInt(80);
        if (pick == 0) {
            return "null";
        }
        if (pick == 1) {
            return "\"\"";
        }
        if (pick == 2) {
            return "\"  \"";
        }
        if (pick == 3) {
            return String.valueOf(random.nextInt(7200) - 100);
        }
        if (pick == 4) {
            return "[\"a\"]";
        }
        if (pick == 5) {
            return "3600.5";
        }
        if (pick == 6) {
            return "\"3600\"";
        }
        if (pick == 7) {
            return "9223372036854775807";
        }
        if (pick == 8) {
            return "true";
        }
        return switch (name) {
            case "token_type" -> quote(random.nextInt(4) != 0 ? new String[] {"Bearer", "bearer", "BEARER"}[random.nextInt(3)]
                    : new String[] {"DPoP", "N_A", "mac"}[random.nextInt(3)]);
            case "expires_in", "ext_expires_in" -> String.valueOf(random.nextInt(100_000));
            case "id_token" -> quote(random.nextBoolean() ? ID_TOKEN : "not-a-jwt");
            case "issued_token_type" -> quote("urn:ietf:params:oauth:token-type:access_token");
            case "error" -> quote("invalid_grant");
            default -> quote("v\\u0041\\/" + random.nextInt(1000));
        };
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
