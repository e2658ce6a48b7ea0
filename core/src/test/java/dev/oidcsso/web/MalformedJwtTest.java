package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A JWS whose header (or payload) is the JSON literal {@code null} makes Nimbus
 * JOSE throw NullPointerException (Header.parseAlgorithm on a null map). Sent by anyone as a bearer token
 * or a back-channel logout_token: each must be a 4xx, never a 500.
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
}
