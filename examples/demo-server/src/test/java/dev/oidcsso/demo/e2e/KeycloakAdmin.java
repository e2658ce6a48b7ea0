package dev.oidcsso.demo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The test realm's admin REST API, called as the service account {@value KeycloakServer#TEST_ADMIN_CLIENT_ID}
 * (rights on this realm's clients and users only): what an administrator would do in Keycloak's
 * console while a test runs, such as registering a demo replica's back-channel logout URL, which
 * is known only once the replica listens, or signing a user out of every Keycloak session.
 */
public final class KeycloakAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeycloakServer keycloak;
    private final URI realmApi;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Talks to the realm of this server.
     *
     * @param keycloak the running server
     */
    public KeycloakAdmin(KeycloakServer keycloak) {
        this.keycloak = keycloak;
        String issuer = keycloak.issuer().toString();
        this.realmApi = URI.create(issuer.substring(0, issuer.indexOf("/realms/")) + "/admin/realms/" + KeycloakServer.REALM);
    }

    /**
     * Sets or removes a client's back-channel logout URL (the console's <i>Backchannel logout URL</i>).
     *
     * @param clientId the client
     * @param url      where Keycloak POSTs the {@code logout_token}; empty removes it
     * @throws IOException when Keycloak refuses or cannot be reached
     */
    public void backchannelLogoutUrl(String clientId, Optional<URI> url) throws IOException {
        JsonNode found = call("GET", "/clients?clientId=" + encode(clientId), null);
        if (found.size() != 1) {
            throw new IllegalStateException("no single client '" + clientId + "' in realm " + KeycloakServer.REALM);
        }
        ObjectNode client = (ObjectNode) found.get(0);
        ObjectNode attributes = client.get("attributes") instanceof ObjectNode existing ? existing : client.putObject("attributes");
        attributes.put("backchannel.logout.url", url.map(URI::toString).orElse(""));
        call("PUT", "/clients/" + client.path("id").asText(), client);
    }

    /**
     * Ends every Keycloak session of a user (the console's <i>Sign out</i> on the user), which sends
     * a back-channel logout to each client with a back-channel logout URL.
     *
     * @param username the user
     * @throws IOException when Keycloak refuses or cannot be reached
     */
    public void signOut(String username) throws IOException {
        JsonNode found = call("GET", "/users?exact=true&username=" + encode(username), null);
        if (found.size() != 1) {
            throw new IllegalStateException("no single user '" + username + "' in realm " + KeycloakServer.REALM);
        }
        call("POST", "/users/" + found.get(0).path("id").asText() + "/logout", null);
    }

    private JsonNode call(String method, String path, JsonNode body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(realmApi + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + accessToken()).header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        HttpResponse<String> response = send(request.build());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    /** A fresh token for every call: they are few, and a cached one could expire in a slow run. */
    private String accessToken() throws IOException {
        String form = "grant_type=client_credentials&client_id=" + encode(KeycloakServer.TEST_ADMIN_CLIENT_ID)
                + "&client_secret=" + encode(keycloak.clientSecret(KeycloakServer.TEST_ADMIN_CLIENT_ID));
        HttpResponse<String> response = send(HttpRequest.newBuilder(keycloak.tokenEndpoint()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (response.statusCode() != 200) {
            // The body is Keycloak's error object, never a token.
            throw new IOException("the admin service account got no token: " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
