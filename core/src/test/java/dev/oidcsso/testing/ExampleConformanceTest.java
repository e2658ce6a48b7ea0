package dev.oidcsso.testing;

import static dev.oidcsso.testing.HttpAssertions.assertBodyLacks;
import static dev.oidcsso.testing.HttpAssertions.assertClientError;
import static dev.oidcsso.testing.HttpAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shape of a conformance test, against a deliberately tiny relying party written here with
 * Nimbus (NOT the product's login flow, which has its own tests): start the provider, queue a
 * misbehaviour, drive a login through the application's {@code /login} with the browser, assert a
 * 4xx and no session. It proves the pieces fit together end to end.
 */
class ExampleConformanceTest {

    private final TestProvider op = TestProvider.start();
    private final StubServer app = StubServer.start();
    private final Browser browser = new Browser();

    ExampleConformanceTest() {
        op.registerRedirectUri(app.url("/callback"));
        new TinyRelyingParty(op, app);
    }

    @AfterEach
    void stop() {
        app.close();
        op.close();
    }

    @Test
    void honestLoginMakesASession() {
        Browser.Navigation login = browser.navigate(app.url("/login"));
        assertStatus(200, login.last());
        assertEquals("hello alice", login.body());
        assertTrue(browser.cookies().get("session").isPresent());
    }

    static Stream<Misbehaviour> refused() {
        return Stream.of(Misbehaviour.values()).filter(m -> switch (m) {
            case MULTIPLE_AUDIENCES_WITH_AZP, NO_KID_SINGLE_KEY, ROTATED_KEY, USERINFO_WRONG_SUB -> false;
            default -> true;
        });
    }

    @ParameterizedTest
    @MethodSource("refused")
    void misbehavingProviderIsRefusedWithA4xxAndNoSession(Misbehaviour misbehaviour) {
        op.misbehave(misbehaviour);
        Browser.Navigation login = browser.navigate(app.url("/login"));
        assertClientError(login.last());
        assertBodyLacks("<script>", login.last());
        assertTrue(browser.cookies().get("session").isEmpty(), misbehaviour + " left a session");
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void legalVariationsLogIn(Misbehaviour misbehaviour) {
        op.misbehave(misbehaviour);
        assertStatus(200, browser.navigate(app.url("/login")).last());
    }

    static Stream<Misbehaviour> accepted() {
        return Stream.of(Misbehaviour.MULTIPLE_AUDIENCES_WITH_AZP, Misbehaviour.NO_KID_SINGLE_KEY, Misbehaviour.ROTATED_KEY);
    }

    @Test
    void replayedCallbackIsRefused() {
        Browser.Navigation login = browser.navigate(app.url("/login"));
        String callback = login.hop(app.url("/callback")).orElseThrow().uri().toString();
        browser.cookies().remove("session");
        assertClientError(browser.get(callback));
        assertTrue(browser.cookies().get("session").isEmpty());
    }

    /** Just enough relying party to show the provider's misbehaviours are refusable. */
    private static final class TinyRelyingParty {

        private final TestProvider op;
        private final StubServer app;
        private final Map<String, String[]> logins = new ConcurrentHashMap<>();
        private final HttpClient http = HttpClient.newHttpClient();
        private final IDTokenValidator validator;

        TinyRelyingParty(TestProvider op, StubServer app) {
            this.op = op;
            this.app = app;
            try {
                this.validator = new IDTokenValidator(new Issuer(op.issuer()), new ClientID(op.clientId()),
                        JWSAlgorithm.RS256, op.jwksUri().toURL());
            } catch (java.net.MalformedURLException e) {
                throw new IllegalStateException(e);
            }
            app.on("/login", (ex, req) -> login(ex));
            app.on("/callback", (ex, req) -> {
                try {
                    callback(ex, req);
                } catch (Exception e) {
                    StubServer.respond(ex, 400, "text/plain", "login refused");
                }
            });
        }

        private void login(HttpExchange ex) throws IOException {
            String state = UUID.randomUUID().toString();
            CodeVerifier verifier = new CodeVerifier();
            String nonce = UUID.randomUUID().toString();
            logins.put(state, new String[] {verifier.getValue(), nonce});
            Map<String, String> params = new LinkedHashMap<>();
            params.put("response_type", "code");
            params.put("client_id", op.clientId());
            params.put("redirect_uri", app.url("/callback"));
            params.put("scope", "openid");
            params.put("state", state);
            params.put("nonce", nonce);
            params.put("code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue());
            params.put("code_challenge_method", "S256");
            ex.getResponseHeaders().add("Set-Cookie", "login_state=" + state + "; Path=/; HttpOnly");
            StubServer.redirect(ex, 302, op.authorizationEndpoint() + "?" + TestProvider.formEncode(params));
        }

        private void callback(HttpExchange ex, RecordedRequest req) throws Exception {
            String state = req.queryParam("state").orElseThrow();
            if (!req.header("cookie").orElse("").contains("login_state=" + state)) {
                throw new IllegalStateException("state not bound to this browser");
            }
            String[] login = logins.remove(state);
            if (login == null || req.queryParam("error").isPresent()
                    || !op.issuer().equals(req.queryParam("iss").orElse(""))) {
                throw new IllegalStateException("replayed, failed, or wrong iss");
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "authorization_code");
            form.put("code", req.queryParam("code").orElseThrow());
            form.put("redirect_uri", app.url("/callback"));
            form.put("code_verifier", login[0]);
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(op.tokenEndpoint())
                    .header("Authorization", Browser.basicAuthorization(op.clientId(), op.clientSecret()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(TestProvider.formEncode(form))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (token.statusCode() != 200) {
                throw new IllegalStateException("token endpoint said " + token.statusCode());
            }
            String idToken = new ObjectMapper().readTree(token.body()).get("id_token").asText();
            IDTokenClaimsSet claims = validator.validate(JWTParser.parse(idToken), new Nonce(login[1]));
            if ((claims.getAudience().size() > 1 || claims.getAuthorizedParty() != null)
                    && (claims.getAuthorizedParty() == null || !op.clientId().equals(claims.getAuthorizedParty().getValue()))) {
                throw new IllegalStateException("azp");
            }
            ex.getResponseHeaders().add("Set-Cookie", "session=" + UUID.randomUUID() + "; Path=/; HttpOnly");
            StubServer.respond(ex, 200, "text/plain", "hello " + claims.getSubject());
        }
    }
}
