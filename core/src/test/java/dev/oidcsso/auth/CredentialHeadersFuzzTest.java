package dev.oidcsso.auth;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.oidcsso.OidcSsoException;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.TrustedHeaders;
import dev.oidcsso.http.TrustedProxies;
import dev.oidcsso.identity.RoleDecision;
import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.oidc.TokenValidator;
import dev.oidcsso.store.IssuedToken;
import dev.oidcsso.store.TokenCheck;
import dev.oidcsso.store.TokenInfo;
import dev.oidcsso.store.TokenStore;
import dev.oidcsso.testing.FuzzedRequest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The credential headers: {@code Authorization: Basic}, {@code Authorization: Bearer} (parsed and
 * validated against an IdP's keys) and a trusted proxy's identity headers. Whatever they hold, the
 * answer is a principal, nothing, or an {@link OidcSsoException} with a 4xx status; no other
 * exception escapes, and no principal comes out of a forged credential.
 */
class CredentialHeadersFuzzTest {

    private static final RoleDecision ROLES = new RoleDecision(List.of("admins"), List.of("mlflow"));
    private static final Accounts NO_STORE = new Accounts(Optional.empty());

    /** A store that knows no token: every basic credential the fuzzer makes is wrong. */
    private static final TokenStore NO_TOKENS = new TokenStore() {
        @Override
        public IssuedToken create(String username) {
            throw new UnsupportedOperationException();
        }

        @Override
        public IssuedToken create(String username, Instant expiresAt) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TokenCheck verify(String username, CharSequence token) {
            if (username.isEmpty() || username.length() > 256 || username.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalStateException("the store was asked about an unusable user name");
            }
            return TokenCheck.WRONG;
        }

        @Override
        public Optional<TokenInfo> find(String username) {
            return Optional.empty();
        }

        @Override
        public boolean delete(String username) {
            return false;
        }
    };

    private static final BasicTokenAuthenticator BASIC = new BasicTokenAuthenticator(NO_TOKENS, NO_STORE, ROLES);
    private static final TrustedHeaderAuthenticator PROXY = new TrustedHeaderAuthenticator(
            TrustedProxies.parse(List.of("127.0.0.1"), new ArrayList<>()),
            new TrustedHeaders("X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups"), ROLES, NO_STORE);
    private static final DiscoveredProvider PROVIDER = provider();
    private static final TokenValidator TOKENS = new TokenValidator(OidcSettings.builder()
            .discoveryUrl("https://idp.example/.well-known/openid-configuration").client("client", "secret").build(), Clock.systemUTC());

    private static DiscoveredProvider provider() {
        try {
            OIDCProviderMetadata metadata = OIDCProviderMetadata.parse("{\"issuer\":\"https://idp.example\","
                    + "\"authorization_endpoint\":\"https://idp.example/authorize\",\"token_endpoint\":\"https://idp.example/token\","
                    + "\"jwks_uri\":\"https://idp.example/jwks\",\"response_types_supported\":[\"code\"],"
                    + "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
            JWKSet keys = new JWKSet(new RSAKeyGenerator(2048).keyID("k1").generate());
            return new DiscoveredProvider(metadata, new ImmutableJWKSet<>(keys), Set.of(JWSAlgorithm.RS256));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void basicCredentialsAreRefusedCleanly(FuzzedDataProvider data) {
        FuzzedRequest request = FuzzedRequest.draw(data, "127.0.0.1", "Authorization");
        try {
            if (BASIC.authenticate(request).isPresent()) {
                throw new IllegalStateException("a principal from a store that knows no token");
            }
        } catch (OidcSsoException e) {
            requireClientError(e);
        }
    }

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void bearerTokensAreRefusedCleanly(FuzzedDataProvider data) {
        FuzzedRequest request = FuzzedRequest.draw(data, "127.0.0.1", "Authorization");
        Optional<String> token = BearerAuthenticator.credentials(request, "bearer");
        if (token.isEmpty()) {
            return;
        }
        try {
            TOKENS.validateBearer(PROVIDER, token.get(), List.of("client"));
            throw new IllegalStateException("a token the fuzzer made was accepted");
        } catch (OidcSsoException e) {
            requireClientError(e);
        }
    }

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void trustedIdentityHeadersAreReadOrRefusedCleanly(FuzzedDataProvider data) {
        FuzzedRequest request = FuzzedRequest.draw(data, data.consumeBoolean() ? "127.0.0.1" : "10.9.8.7",
                "X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups");
        try {
            Optional<Principal> principal = PROXY.authenticate(request);
            if (principal.isPresent() && (!request.remoteAddress().equals("127.0.0.1") || principal.get().username().isBlank()
                    || principal.get().username().chars().anyMatch(Character::isISOControl))) {
                throw new IllegalStateException("unusable principal " + principal.get().username());
            }
        } catch (OidcSsoException e) {
            requireClientError(e);
        }
    }

    private static void requireClientError(OidcSsoException e) {
        if (e.status() < 400 || e.status() > 499) {
            throw new IllegalStateException("status " + e.status(), e);
        }
    }
}
