package dev.oidcsso.provider.google;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.oidcsso.testing.stub.StubHttpServer;
import dev.oidcsso.testing.stub.StubKeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Google's OAuth token endpoint for service accounts and the Admin SDK Directory API's
 * {@code groups.list}, as documented: the token endpoint takes a JWT-bearer assertion signed with
 * the service account's key (iss = client_email, sub = the delegated admin, aud = token_uri,
 * scope); the Directory API pages with {@code nextPageToken}/{@code pageToken}.
 */
final class GoogleApisStub {

    static final String TOKEN_PATH = "/token";
    static final String GROUPS_PATH = "/admin/directory/v1/groups";
    static final String CLIENT_EMAIL = "groups-reader@demo.iam.gserviceaccount.com";
    static final String ADMIN = "admin@example.com";

    final StubHttpServer server;
    final StubKeys serviceAccountKey = StubKeys.generate();
    final AtomicInteger tokensIssued = new AtomicInteger();
    final Map<String, List<String>> memberships = new LinkedHashMap<>();
    volatile int pageSize = 2;

    GoogleApisStub(StubHttpServer server) {
        this.server = server;
        server.route("POST", TOKEN_PATH, request -> {
            Map<String, String> form = request.form();
            try {
                SignedJWT assertion = SignedJWT.parse(form.get("assertion"));
                JWTClaimsSet claims = assertion.getJWTClaimsSet();
                boolean valid = "urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))
                        && assertion.verify(new RSASSAVerifier(serviceAccountKey.key().toRSAPublicKey()))
                        && CLIENT_EMAIL.equals(claims.getIssuer()) && ADMIN.equals(claims.getSubject())
                        && claims.getAudience().contains(server.url(TOKEN_PATH).toString())
                        && GoogleSettings.DIRECTORY_SCOPE.equals(claims.getStringClaim("scope"));
                if (!valid) {
                    return StubHttpServer.Response.json(400, Map.of("error", "invalid_grant", "error_description", "Invalid JWT Signature."));
                }
            } catch (Exception e) {
                return StubHttpServer.Response.json(400, Map.of("error", "invalid_request"));
            }
            return StubHttpServer.Response.json(Map.of("access_token", "ya29.directory-token-" + tokensIssued.incrementAndGet(),
                    "expires_in", 3599, "token_type", "Bearer"));
        });
        server.route("GET", GROUPS_PATH, request -> {
            if (request.bearer().filter(t -> t.equals("ya29.directory-token-" + tokensIssued.get())).isEmpty()) {
                return StubHttpServer.Response.json(401, Map.of("error", Map.of("code", 401, "message",
                        "Request had invalid authentication credentials.")));
            }
            List<String> groups = memberships.getOrDefault(request.query().get("userKey"), List.of());
            int page = Integer.parseInt(request.query().getOrDefault("pageToken", "0"));
            List<Object> items = new ArrayList<>();
            for (String email : groups.subList(Math.min(page * pageSize, groups.size()), Math.min((page + 1) * pageSize, groups.size()))) {
                items.add(Map.of("kind", "admin#directory#group", "id", "0" + email.hashCode(), "email", email,
                        "name", email.substring(0, email.indexOf('@')), "directMembersCount", "3"));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("kind", "admin#directory#groups");
            body.put("etag", "\"etag\"");
            if (!items.isEmpty()) {
                body.put("groups", items); // Google leaves "groups" out when there are none
            }
            if ((page + 1) * pageSize < groups.size()) {
                body.put("nextPageToken", String.valueOf(page + 1));
            }
            return StubHttpServer.Response.json(body);
        });
    }

    /** Writes a service account key file whose token_uri is this stub. */
    Path keyFile(Path dir) {
        try {
            return Files.writeString(dir.resolve("service-account.json"), GoogleProfileTest.serviceAccountJson(
                    serviceAccountKey.privateKeyPem(), server.url(TOKEN_PATH).toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, String> directorySettings(Path dir) {
        return Map.of("OIDC_GROUP_DETECTION_PLUGIN", "google-directory",
                "OIDC_GOOGLE_SERVICE_ACCOUNT_FILE", keyFile(dir).toString(),
                "OIDC_GOOGLE_DELEGATED_ADMIN", ADMIN,
                "OIDC_GOOGLE_DIRECTORY_URL", server.url("/admin/directory/v1").toString());
    }
}
