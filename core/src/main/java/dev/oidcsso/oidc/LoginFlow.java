package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.session.Sealer;
import dev.oidcsso.session.SealingKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Authorization Code Flow with PKCE (S256), {@code state} and {@code nonce}, following RFC 9700:
 * {@link #start} builds the authorization request and the sealed login state the browser keeps;
 * {@link #complete} checks the callback against that state (one time only), checks the RFC 9207
 * {@code iss} parameter, exchanges the code and validates the ID token.
 */
public final class LoginFlow {

    private static final Logger LOG = LoggerFactory.getLogger(LoginFlow.class);
    /** How long a user may take at the IdP's login page. */
    public static final Duration LOGIN_TIMEOUT = Duration.ofMinutes(10);
    private static final int RANDOM_BYTES = 32;

    private final OidcSettings settings;
    private final OidcHttp http;
    private final TokenValidator tokens;
    private final Sealer sealer;
    private final Clock clock;
    private final CallbackReplayGuard replays;

    /**
     * Creates the flow.
     *
     * @param settings the settings
     * @param http     the sender to the IdP
     * @param tokens   the token validator
     * @param key      the root sealing key
     * @param clock    the clock
     * @param replays  remembers which login responses were used
     */
    public LoginFlow(OidcSettings settings, OidcHttp http, TokenValidator tokens, SealingKey key, Clock clock,
                     CallbackReplayGuard replays) {
        this.settings = settings;
        this.http = http;
        this.tokens = tokens;
        this.sealer = new Sealer(key, "login");
        this.clock = clock;
        this.replays = replays;
    }

    /**
     * A started login: where to send the browser, and the sealed state for its cookie.
     *
     * @param authorizationUri the IdP's authorization request URL
     * @param sealedState      the cookie value binding the callback to this browser
     */
    public record Start(URI authorizationUri, String sealedState) {
    }

    /**
     * Starts a login.
     *
     * @param provider    the discovered IdP
     * @param redirectUri the callback URL
     * @param next        the same-site path to return to
     * @return the authorization URL and the state cookie value
     */
    public Start start(DiscoveredProvider provider, URI redirectUri, String next) {
        State state = new State(RANDOM_BYTES);
        Nonce nonce = new Nonce(RANDOM_BYTES);
        CodeVerifier verifier = new CodeVerifier();
        AuthenticationRequest.Builder request = new AuthenticationRequest.Builder(
                ResponseType.CODE, new Scope(settings.scopes().toArray(String[]::new)), new ClientID(settings.clientId()), redirectUri)
                .endpointURI(provider.metadata().getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256);
        settings.profile().authorizationParameters().forEach(request::customParameter);
        LoginState login = new LoginState(state.getValue(), nonce.getValue(), verifier.getValue(), redirectUri, next,
                clock.instant().plus(LOGIN_TIMEOUT));
        return new Start(request.build().toURI(), sealer.seal(toMap(login)));
    }

    /**
     * Opens the login state cookie.
     *
     * @param sealed the cookie value
     * @return the state, or empty when absent, forged or expired
     */
    public Optional<LoginState> openState(String sealed) {
        return sealer.open(sealed).flatMap(LoginFlow::fromMap).filter(login -> clock.instant().isBefore(login.expiresAt()));
    }

    /**
     * Completes a login from the callback's query parameters.
     *
     * @param provider the discovered IdP
     * @param login    the state from the browser's cookie, if any
     * @param params   the callback's query parameters
     * @return the validated tokens
     * @throws LoginException           for anything the callback got wrong
     * @throws TokenValidationException when the ID token is refused
     */
    public LoginTokens complete(DiscoveredProvider provider, Optional<LoginState> login, Map<String, String> params) {
        String returnedState = params.get("state");
        if (login.isEmpty()) {
            throw new LoginException("This login has no matching start in this browser, or it took longer than "
                    + LOGIN_TIMEOUT.toMinutes() + " minutes. Please sign in again.");
        }
        LoginState expected = login.get();
        if (returnedState == null || !TokenValidator.constantTimeEquals(returnedState, expected.state())) {
            throw new LoginException("The login response does not belong to the login this browser started (state mismatch).");
        }
        if (!replays.firstUse(expected.state(), expected.expiresAt())) {
            throw new LoginException("This login response has already been used.");
        }
        checkIssuerParameter(provider, params.get("iss"));
        String error = params.get("error");
        if (error != null) {
            String description = Optional.ofNullable(params.get("error_description")).orElse("");
            throw new LoginException(403, "The identity provider refused the login: " + error
                    + (description.isEmpty() ? "" : " (" + description + ")"));
        }
        String code = params.get("code");
        if (code == null || code.isEmpty()) {
            throw new LoginException("The login response carries no authorization code.");
        }
        OIDCTokenResponse response = exchange(provider, expected, code);
        String idToken = response.getOIDCTokens().getIDTokenString();
        if (idToken == null) {
            throw new LoginException(502, "The identity provider returned no ID token; is 'openid' among the scopes?");
        }
        var claims = tokens.validateIdToken(provider, idToken, expected.nonce());
        AccessToken accessToken = response.getOIDCTokens().getAccessToken();
        return new LoginTokens(idToken, claims, Optional.ofNullable(accessToken).map(AccessToken::getValue));
    }

    private void checkIssuerParameter(DiscoveredProvider provider, String iss) {
        if (iss == null) {
            if (provider.sendsIssuerParameter()) {
                throw new LoginException("The login response lacks the 'iss' parameter that this identity provider promises (RFC 9207).");
            }
            return;
        }
        if (!iss.equals(provider.issuer())) {
            throw new LoginException("The login response comes from another issuer than this identity provider (RFC 9207 'iss' mismatch).");
        }
    }

    private OIDCTokenResponse exchange(DiscoveredProvider provider, LoginState login, String code) {
        URI endpoint = provider.metadata().getTokenEndpointURI();
        AuthorizationCodeGrant grant = new AuthorizationCodeGrant(new AuthorizationCode(code), login.redirectUri(),
                new CodeVerifier(login.codeVerifier()));
        ClientID clientId = new ClientID(settings.clientId());
        com.nimbusds.oauth2.sdk.auth.Secret secret = settings.clientSecret()
                .map(s -> new com.nimbusds.oauth2.sdk.auth.Secret(s.reveal())).orElse(null);
        ClientAuthentication auth = switch (settings.clientAuthMethod()) {
            case CLIENT_SECRET_BASIC -> new ClientSecretBasic(clientId, secret);
            case CLIENT_SECRET_POST -> new ClientSecretPost(clientId, secret);
            case NONE -> null;
        };
        TokenRequest request = auth == null
                ? new TokenRequest.Builder(endpoint, clientId, grant).build()
                : new TokenRequest.Builder(endpoint, auth, grant).build();
        HTTPResponse httpResponse = http.send(request.toHTTPRequest(), "token endpoint");
        TokenResponse parsed;
        try {
            parsed = OIDCTokenResponseParser.parse(httpResponse);
        } catch (ParseException e) {
            throw new LoginException(502, "The identity provider's token endpoint sent an unreadable response (HTTP "
                    + httpResponse.getStatusCode() + ").");
        }
        if (!parsed.indicatesSuccess()) {
            ErrorObject error = parsed.toErrorResponse().getErrorObject();
            LOG.info("Token endpoint refused the code: {} (HTTP {})", error.getCode(), httpResponse.getStatusCode());
            int status = httpResponse.getStatusCode() >= 500 ? 502 : 400;
            throw new LoginException(status, "The identity provider refused to complete the login: " + error.getCode()
                    + (error.getDescription() == null ? "" : " (" + error.getDescription() + ")"));
        }
        if (!(parsed.toSuccessResponse() instanceof OIDCTokenResponse oidc)) {
            throw new LoginException(502, "The identity provider returned no ID token.");
        }
        return oidc;
    }

    private static Map<String, Object> toMap(LoginState login) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("st", login.state());
        map.put("nc", login.nonce());
        map.put("cv", login.codeVerifier());
        map.put("ru", login.redirectUri().toString());
        map.put("nx", login.next());
        map.put("exp", login.expiresAt().getEpochSecond());
        return map;
    }

    private static Optional<LoginState> fromMap(Map<String, Object> map) {
        try {
            return Optional.of(new LoginState((String) map.get("st"), (String) map.get("nc"), (String) map.get("cv"),
                    URI.create((String) map.get("ru")), (String) map.get("nx"),
                    Instant.ofEpochSecond(((Number) map.get("exp")).longValue())));
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
