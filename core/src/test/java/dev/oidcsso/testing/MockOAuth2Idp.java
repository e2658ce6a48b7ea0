package dev.oidcsso.testing;

import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.net.InetAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * {@code no.nav.security:mock-oauth2-server} started on 127.0.0.1 with a fixed user, for flows that
 * should run against a real third-party provider rather than our own {@link TestProvider}. Its
 * login is non-interactive: {@code /authorize} redirects back at once.
 *
 * <p>Every token it issues for the issuer id carries the current {@link TestUser}'s subject and
 * claims (groups included); {@link #user(TestUser)} changes the user for later logins. The audience
 * is the requesting client's id.
 *
 * <pre>{@code
 * try (MockOAuth2Idp idp = MockOAuth2Idp.start(TestUser.admin())) {
 *     settings.discoveryUrl(idp.discoveryUrl()) ...
 * }
 * }</pre>
 */
public final class MockOAuth2Idp implements AutoCloseable {

    /** The issuer id (the first path segment) used unless another is given. */
    public static final String DEFAULT_ISSUER_ID = "default";

    private final String issuerId;
    private final FixedUserCallback callback;
    private final MockOAuth2Server server;

    private MockOAuth2Idp(String issuerId, TestUser user) {
        this.issuerId = issuerId;
        this.callback = new FixedUserCallback(issuerId, user);
        // The callback set is consulted whenever no one-shot callback is queued (enqueueCallback).
        OAuth2Config config = new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(), Set.of(callback));
        this.server = new MockOAuth2Server(config);
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * Starts the server with the issuer id {@value #DEFAULT_ISSUER_ID}.
     *
     * @param user the user every login logs in
     * @return the running server
     */
    public static MockOAuth2Idp start(TestUser user) {
        return start(DEFAULT_ISSUER_ID, user);
    }

    /**
     * Starts the server.
     *
     * @param issuerId the issuer id, the first path segment of the issuer URL
     * @param user the user every login logs in
     * @return the running server
     */
    public static MockOAuth2Idp start(String issuerId, TestUser user) {
        return new MockOAuth2Idp(Objects.requireNonNull(issuerId, "issuerId"), Objects.requireNonNull(user, "user"));
    }

    /**
     * Changes the user later logins log in.
     *
     * @param user the user
     * @return this server
     */
    public MockOAuth2Idp user(TestUser user) {
        callback.user = Objects.requireNonNull(user, "user");
        return this;
    }

    /**
     * The issuer URL, for example {@code http://127.0.0.1:<port>/default}.
     *
     * @return the issuer
     */
    public String issuer() {
        return server.issuerUrl(issuerId).toString();
    }

    /**
     * The discovery document's URL.
     *
     * @return {@code <issuer>/.well-known/openid-configuration}
     */
    public URI discoveryUrl() {
        return URI.create(server.wellKnownUrl(issuerId).toString());
    }

    /**
     * The underlying server, for its own API ({@code issueToken}, {@code enqueueCallback},
     * {@code takeRequest}).
     *
     * @return the server
     */
    public MockOAuth2Server server() {
        return server;
    }

    /** Shuts the server down. */
    @Override
    public void close() {
        server.shutdown();
    }

    /** Gives every token of one issuer the current user's subject and claims. */
    private static final class FixedUserCallback implements OAuth2TokenCallback {

        private final String issuerId;
        private volatile TestUser user;

        private FixedUserCallback(String issuerId, TestUser user) {
            this.issuerId = issuerId;
            this.user = user;
        }

        @Override
        public String issuerId() {
            return issuerId;
        }

        @Override
        public String subject(TokenRequest tokenRequest) {
            return user.subject();
        }

        @Override
        public String typeHeader(TokenRequest tokenRequest) {
            return "JWT";
        }

        @Override
        public List<String> audience(TokenRequest tokenRequest) {
            ClientID client = tokenRequest.getClientAuthentication() != null
                    ? tokenRequest.getClientAuthentication().getClientID() : tokenRequest.getClientID();
            return client == null ? List.of() : List.of(client.getValue());
        }

        @Override
        public Map<String, Object> addClaims(TokenRequest tokenRequest) {
            return new LinkedHashMap<>(user.claims());
        }

        @Override
        public long tokenExpiry() {
            return 3600;
        }
    }
}
