package dev.oidcsso.demo;

import dev.oidcsso.testing.Poll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The development IdP keeps no record of the requests it answered: a long-running demo's heap does not grow with logins. */
class DevIdentityProviderTest {

    @Test
    void answeredRequestsAreNotKept() throws Exception {
        try (DevIdentityProvider idp = DevIdentityProvider.start(0, "ml-users", "ml-admins")) {
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> discovery = client.send(HttpRequest.newBuilder(idp.discoveryUrl()).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, discovery.statusCode());
            }
            Poll.until(() -> idp.droppedRequests() >= 20, "the 20 requests dropped from mock-oauth2-server's record");
        }
    }
}
