package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Malformed JWTs sent by anyone as a bearer token or a back-channel {@code logout_token} are refused
 * with a 4xx, never a 500: a header or payload that is the JSON literal {@code null} (on which Nimbus
 * JOSE throws NullPointerException), and random headers and payloads whose members have the wrong types.
 */
class MalformedJwtTest {

    private TestProvider op;
    private OidcSso sso;
    private HttpServer app;

    @BeforeEach
    void start() throws java.io.IOException {
        op = TestProvider.start();
        sso = OidcSso.create(OidcSettings.builder().discoveryUrl(op.discoveryUrl().toString())
                .client(op.clientId(), op.clientSecret()).secretKey(JdkServerLoginTest.KEY).build());
        app = DemoApps.jdkApp(sso);
        op.registerRedirectUri(DemoApps.baseUrl(app) + "/callback");
    }

    @AfterEach
    void stop() {
        app.stop(0);
        sso.close();
        op.close();
    }

    @Test
    void aNullHeaderOrPayloadIsA4xxNotA500() {
        List<String> statuses = new ArrayList<>();
        // header null; header RS256 with payload null; header "[]" for comparison
        for (String token : List.of("bnVsbA.e30.c2ln", "eyJhbGciOiJSUzI1NiJ9.bnVsbA.c2ln", "W10.e30.c2ln")) {
            HttpResponse<String> bearer = new Browser().get(DemoApps.baseUrl(app) + "/auth/status",
                    Map.of("Accept", "application/json", "Authorization", "Bearer " + token));
            statuses.add("bearer " + token + " -> " + bearer.statusCode());
            HttpResponse<String> logout = new Browser().post(DemoApps.baseUrl(app) + "/backchannel-logout", Map.of("logout_token", token));
            statuses.add("logout_token " + token + " -> " + logout.statusCode());
        }
        assertEquals(List.of(), statuses.stream().filter(s -> s.endsWith("500")).toList());
    }

    @Test
    void randomHeadersAndPayloadsOfTheWrongShapeAreA4xxNotA500() {
        Random random = new Random(20261130L);
        List<String> failures = new ArrayList<>();
        Browser browser = new Browser();
        for (int k = 0; k < 400; k++) {
            String token = encode(header(random)) + "." + encode(payload(random)) + "." + encode(pick(random, "sig", "", "\u0000\u0001"));
            HttpResponse<String> bearer = browser.get(DemoApps.baseUrl(app) + "/auth/status",
                    Map.of("Accept", "application/json", "Authorization", "Bearer " + token));
            HttpResponse<String> logout = browser.post(DemoApps.baseUrl(app) + "/backchannel-logout", Map.of("logout_token", token));
            if (bearer.statusCode() >= 500 || logout.statusCode() >= 500) {
                failures.add(bearer.statusCode() + "/" + logout.statusCode() + " " + token);
            }
        }
        assertEquals(List.of(), failures);
    }

    /** A JOSE header of the usual members, each with a value of the right type or not. */
    private String header(Random random) {
        List<String> members = new ArrayList<>();
        members.add("\"alg\":" + pick(random, "\"RS256\"", "\"RS256\"", "\"HS256\"", "\"none\"", "\"ES256\"", "\"PS256\"",
                "\"RSA-OAEP\"", "1", "null", "[]", "{}", "\"\""));
        String[] optional = {"kid", "typ", "cty", "crit", "b64", "jwk", "x5c", "x5u", "jku", "x5t", "x5t#S256", "enc", "zip", "url", "nonce"};
        for (String name : optional) {
            if (random.nextInt(4) == 0) {
                members.add("\"" + name + "\":" + value(random));
            }
        }
        java.util.Collections.shuffle(members, random);
        return random.nextInt(20) == 0 ? pick(random, "null", "[]", "1", "\"x\"") : "{" + String.join(",", members) + "}";
    }

    /** Claims of the usual names, the issuer this application trusts in most, with values of any type. */
    private String payload(Random random) {
        List<String> members = new ArrayList<>();
        members.add("\"iss\":" + (random.nextInt(4) != 0 ? "\"" + op.issuer() + "\"" : value(random)));
        for (String name : new String[] {"sub", "aud", "exp", "nbf", "iat", "jti", "sid", "events", "nonce", "azp", "groups"}) {
            if (random.nextInt(3) != 0) {
                members.add("\"" + name + "\":" + value(random));
            }
        }
        return random.nextInt(20) == 0 ? pick(random, "null", "[]", "1") : "{" + String.join(",", members) + "}";
    }

    private static String value(Random random) {
        return pick(random, "null", "true", "0", "-1", "1e308", "9223372036854775808", "1.5", "\"\"", "\"x\"", "\"k1\"", "[]", "[1]",
                "[\"a\",2]", "{}", "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}", "{\"kty\":1}",
                "[\"MIIB\"]", "\"https://\"", "\"%%%\"", "99999999999", "{\"http://schemas.openid.net/event/backchannel-logout\":{}}");
    }

    private static String pick(Random random, String... values) {
        return values[random.nextInt(values.length)];
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
