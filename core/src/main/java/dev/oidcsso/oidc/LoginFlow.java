package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.crypto.Sealer;
import dev.oidcsso.crypto.SealingKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The protocol messages of the Authorization Code Flow with PKCE (S256), {@code state} and
 * {@code nonce}, following RFC 9700: {@link #start} builds the authorization request and the sealed
 * login state the browser keeps, {@link #openState} opens it again, and {@link #redeem} exchanges
 * the code and validates the ID token. The login service ({@code dev.oidcsso.login}) checks the
 * callback against the state and decides what the login leads to.
 */
public final class LoginFlow {

    private static final Logger LOG = LoggerFactory.getLogger(LoginFlow.class);
    /** How long a user may take at the IdP's login page. */
    public static final Duration LOGIN_TIMEOUT = Duration.ofMinutes(10);
    private static final int RANDOM_BYTES = 32;
    /**
     * The longest access token lifetime counted: an IdP's {@code expires_in} near the largest long
     * would otherwise overflow the instant it is added to.
     */
    private static final long MAX_LIFETIME_SECONDS = Duration.ofDays(3660).toSeconds();

    private final OidcSettings settings;
    private final OidcHttp http;
    private final TokenValidator tokens;
    private final Sealer sealer;
    private final Clock clock;
    private final String idp;
    /** The client's authentication at the token endpoint (RFC 6749 2.3.1), the same for every request: made once. */
    private final Optional<String> clientAuthorization;
    private final Map<String, String> clientParameters;

    /**
     * Creates the flow of the one IdP of a single-IdP setup.
     *
     * @param settings the settings
     * @param http     the sender to the IdP
     * @param tokens   the token validator
     * @param key      the root sealing key
     * @param clock    the clock
     */
    public LoginFlow(OidcSettings settings, OidcHttp http, TokenValidator tokens, SealingKey key, Clock clock) {
        this(settings, http, tokens, key, clock, settings.idps().get(0).name());
    }

    /**
     * Creates the flow of one of several IdPs; its login states record the IdP's name, so that the
     * one callback route reaches this IdP again.
     *
     * @param settings the settings as this IdP sees them ({@link OidcSettings#forIdp})
     * @param http     the sender to the IdP
     * @param tokens   the token validator
     * @param key      the root sealing key
     * @param clock    the clock
     * @param idp      the IdP's name
     */
    public LoginFlow(OidcSettings settings, OidcHttp http, TokenValidator tokens, SealingKey key, Clock clock, String idp) {
        this.idp = idp;
        this.settings = settings;
        this.http = http;
        this.tokens = tokens;
        this.sealer = new Sealer(key, "login");
        this.clock = clock;
        String secret = settings.clientSecret().map(s -> s.reveal()).orElse("");
        switch (settings.clientAuthMethod()) {
            case CLIENT_SECRET_BASIC -> {
                // RFC 6749 2.3.1: the id and secret are form-encoded before they are joined and Base64-encoded.
                String pair = formEncode(settings.clientId()) + ":" + formEncode(secret);
                this.clientAuthorization = Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
                this.clientParameters = Map.of();
            }
            case CLIENT_SECRET_POST -> {
                this.clientAuthorization = Optional.empty();
                this.clientParameters = orderedParameters("client_id", settings.clientId(), "client_secret", secret);
            }
            default -> {
                // A public client names itself (RFC 6749 4.1.3).
                this.clientAuthorization = Optional.empty();
                this.clientParameters = Map.of("client_id", settings.clientId());
            }
        }
    }

    private static Map<String, String> orderedParameters(String name1, String value1, String name2, String value2) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put(name1, value1);
        parameters.put(name2, value2);
        return java.util.Collections.unmodifiableMap(parameters);
    }

    private static String formEncode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void formParameter(StringBuilder form, String name, String value) {
        if (form.length() > 0) {
            form.append('&');
        }
        form.append(formEncode(name)).append('=').append(formEncode(value));
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
        return start(provider, redirectUri, next, Optional.empty());
    }

    /**
     * Starts a login with a login hint (OpenID Connect Core 3.1.2.1 {@code login_hint}), such as the
     * e-mail address a user typed on the login chooser.
     *
     * @param provider    the discovered IdP
     * @param redirectUri the callback URL
     * @param next        the same-site path to return to
     * @param loginHint   the hint passed on to the IdP, if any
     * @return the authorization URL and the state cookie value
     */
    public Start start(DiscoveredProvider provider, URI redirectUri, String next, Optional<String> loginHint) {
        State state = new State(RANDOM_BYTES);
        Nonce nonce = new Nonce(RANDOM_BYTES);
        CodeVerifier verifier = new CodeVerifier();
        AuthenticationRequest.Builder request = new AuthenticationRequest.Builder(
                ResponseType.CODE, new Scope(scopes(provider).toArray(String[]::new)), new ClientID(settings.clientId()), redirectUri)
                .endpointURI(provider.metadata().getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256);
        settings.profile().authorizationParameters().forEach(request::customParameter);
        if (settings.refreshTokens()) {
            settings.profile().refreshTokenParameters().forEach(request::customParameter);
        }
        loginHint.ifPresent(request::loginHint);
        LoginState login = new LoginState(state.getValue(), nonce.getValue(), verifier.getValue(), redirectUri, next,
                clock.instant().plus(LOGIN_TIMEOUT), idp);
        return new Start(request.build().toURI(), sealer.seal(toMap(login)));
    }

    /** The configured scopes, plus what the IdP needs to issue a refresh token when refresh tokens are on. */
    private List<String> scopes(DiscoveredProvider provider) {
        if (!settings.refreshTokens()) {
            return settings.scopes();
        }
        Scope advertised = provider.metadata().getScopes();
        java.util.Set<String> scopes = new LinkedHashSet<>(settings.scopes());
        scopes.addAll(new java.util.TreeSet<>(settings.profile().refreshTokenScopes(
                advertised == null ? java.util.Set.of() : java.util.Set.copyOf(advertised.toStringList()))));
        return List.copyOf(scopes);
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

    /** @return the name of the IdP this flow logs in with */
    public String idp() {
        return idp;
    }

    /**
     * Redeems the authorization code of a callback that matched its login state: the token request
     * (OpenID Connect Core 3.1.3.1), its response (3.1.3.3/3.1.3.4) and the ID token's validation
     * (3.1.3.7, with the nonce of this login).
     *
     * @param provider the discovered IdP
     * @param login    the login state the callback matched
     * @param code     the authorization code
     * @return the validated tokens
     * @throws ProviderResponseException    when the token endpoint refuses or answers something unusable
     * @throws ProviderUnavailableException when the token endpoint cannot be reached
     * @throws TokenValidationException     when the ID token is refused
     */
    public LoginTokens redeem(DiscoveredProvider provider, LoginState login, String code) {
        // RFC 6749 4.1.3 with RFC 7636 4.5 (PKCE).
        Map<String, String> grant = new LinkedHashMap<>();
        grant.put("grant_type", "authorization_code");
        grant.put("code", code);
        grant.put("redirect_uri", login.redirectUri().toString());
        grant.put("code_verifier", login.codeVerifier());
        Instant sent = clock.instant();
        TokenAnswer answer = exchange(provider, grant, "complete the login", TokenAnswer::read);
        if (answer.idToken().isEmpty()) {
            throw new ProviderResponseException(502, "The identity provider returned no ID token; is 'openid' among the scopes "
                    + "(OIDC_SCOPE)?");
        }
        String idToken = answer.idToken().get();
        var claims = tokens.validateIdToken(provider, idToken, login.nonce());
        Optional<String> refreshToken = settings.refreshTokens() ? answer.refreshToken() : Optional.empty();
        return new LoginTokens(idToken, claims, Optional.of(answer.accessToken()), refreshToken, expiry(answer, Optional.of(claims), sent));
    }

    /**
     * Spends a refresh token (RFC 6749 section 6, OpenID Connect Core 12). A new ID token, when the
     * IdP sends one, has its signature, times and audience checked here (without a nonce: 12.2); the
     * caller compares it with the original ID token.
     *
     * @param provider     the discovered IdP
     * @param refreshToken the refresh token
     * @param rotated      given the new refresh token as soon as the IdP answers with one, before the answer is checked
     * @return the new tokens
     * @throws ProviderResponseException    with status 400 when the IdP refuses the refresh token
     *                                      ({@code invalid_grant}, a 4xx answer), 502 when it answers
     *                                      5xx or something unreadable
     * @throws ProviderUnavailableException when the token endpoint cannot be reached
     * @throws TokenValidationException     when the new ID token is refused
     */
    public RefreshedTokens refresh(DiscoveredProvider provider, String refreshToken, java.util.function.Consumer<String> rotated) {
        Instant sent = clock.instant();
        // RFC 6749 6.
        // Read by the SDK: a refresh is off the request's path, and an answer the SDK calls unreadable (502) keeps
        // the session for a later try, where an ID token the validator refuses (401) ends it.
        TokenAnswer answer = exchange(provider, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
                "refresh the session", TokenAnswer::bySdk);
        // The IdP may have spent the old token: the caller keeps the new one even if checking the answer fails next.
        Optional<String> newRefreshToken = answer.refreshToken().filter(token -> !token.equals(refreshToken));
        newRefreshToken.ifPresent(rotated);
        Optional<com.nimbusds.jwt.JWTClaimsSet> claims = answer.idToken().map(token -> tokens.validateRefreshedIdToken(provider, token));
        return new RefreshedTokens(answer.idToken(), claims, Optional.of(answer.accessToken()), newRefreshToken, expiry(answer, claims, sent));
    }

    /** The access token's {@code expires_in} counted from when the request was sent, else the ID token's {@code exp}. */
    private static Optional<Instant> expiry(TokenAnswer answer, Optional<com.nimbusds.jwt.JWTClaimsSet> idToken, Instant sent) {
        if (answer.lifetime() > 0) {
            return Optional.of(sent.plusSeconds(Math.min(answer.lifetime(), MAX_LIFETIME_SECONDS)));
        }
        return idToken.map(com.nimbusds.jwt.JWTClaimsSet::getExpirationTime).map(java.util.Date::toInstant);
    }

    /** How a token endpoint's answer is read: {@link TokenAnswer#read} or {@link TokenAnswer#bySdk}. */
    private interface AnswerReader {
        TokenAnswer read(HTTPResponse response) throws ParseException, TokenAnswer.Refused;
    }

    private TokenAnswer exchange(DiscoveredProvider provider, Map<String, String> grant, String purpose, AnswerReader reader) {
        URI endpoint = provider.metadata().getTokenEndpointURI();
        StringBuilder form = new StringBuilder(256);
        grant.forEach((name, value) -> formParameter(form, name, value));
        clientParameters.forEach((name, value) -> formParameter(form, name, value));
        HTTPResponse httpResponse = http.postForm(endpoint, clientAuthorization, form.toString(), "token endpoint");
        try {
            return reader.read(httpResponse);
        } catch (ParseException e) {
            throw new ProviderResponseException(502, "The identity provider's token endpoint sent an unreadable response (HTTP "
                    + httpResponse.getStatusCode() + "); check OIDC_DISCOVERY_URL and the IdP's health.");
        } catch (TokenAnswer.Refused refused) {
            ErrorObject error = refused.error();
            LOG.info("Token endpoint refused to {}: {} (HTTP {})", purpose, error == null ? null : error.getCode(),
                    httpResponse.getStatusCode());
            int status = httpResponse.getStatusCode() >= 500 ? 502 : 400;
            throw new ProviderResponseException(status, "The identity provider refused to " + purpose + ": "
                    + ProviderResponseException.describe(error, httpResponse.getStatusCode()),
                    error == null ? null : error.getCode(), httpResponse.getStatusCode());
        }
    }

    private static Map<String, Object> toMap(LoginState login) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("st", login.state());
        map.put("nc", login.nonce());
        map.put("cv", login.codeVerifier());
        map.put("ru", login.redirectUri().toString());
        map.put("nx", login.next());
        map.put("exp", login.expiresAt().getEpochSecond());
        map.put("idp", login.idp());
        return map;
    }

    private static Optional<LoginState> fromMap(Map<String, Object> map) {
        try {
            return Optional.of(new LoginState((String) map.get("st"), (String) map.get("nc"), (String) map.get("cv"),
                    URI.create((String) map.get("ru")), (String) map.get("nx"),
                    Instant.ofEpochSecond(((Number) map.get("exp")).longValue()),
                    map.get("idp") instanceof String idp ? idp : ""));
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
