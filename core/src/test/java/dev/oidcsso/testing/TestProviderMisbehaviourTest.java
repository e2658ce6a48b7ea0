package dev.oidcsso.testing;

import static dev.oidcsso.testing.HttpAssertions.assertRedirectTo;
import static dev.oidcsso.testing.HttpAssertions.assertStatus;
import static dev.oidcsso.testing.HttpAssertions.queryParam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each misbehaviour produces the token or response it claims. Nimbus's own ID token validator is
 * the referee: it must refuse every attack and accept every legal variation, so a misbehaviour that
 * silently produced a valid token would fail here.
 */
class TestProviderMisbehaviourTest {

    private static final String REDIRECT = "http://127.0.0.1:9/callback";
    private static final Set<Misbehaviour> LEGAL = EnumSet.of(
            Misbehaviour.MULTIPLE_AUDIENCES_WITH_AZP, Misbehaviour.NO_KID_SINGLE_KEY, Misbehaviour.ROTATED_KEY);

    private final ObjectMapper json = new ObjectMapper();
    private final Browser browser = new Browser();
    private final TestProvider op = TestProvider.builder().redirectUri(REDIRECT).start();

    @AfterEach
    void stop() {
        op.close();
    }

    static Stream<Misbehaviour> idTokenAttacks() {
        return Arrays.stream(Misbehaviour.values())
                .filter(m -> m.stage() == Misbehaviour.Stage.ID_TOKEN && !LEGAL.contains(m));
    }

    @ParameterizedTest
    @MethodSource("idTokenAttacks")
    void everyIdTokenAttackIsRefusedByAStrictValidator(Misbehaviour misbehaviour) throws Exception {
        String token = op.idToken("n-1", misbehaviour);
        JWKSet keys = fetchJwks();
        Exception refusal = assertThrows(Exception.class, () -> validate(token, keys), misbehaviour + " must not validate");
        // A refusal for the right kind of reason, not a crash of the test's own plumbing.
        assertTrue(refusal instanceof BadJOSEException || refusal instanceof JOSEException
                || refusal instanceof IllegalStateException, () -> misbehaviour + ": " + refusal);
    }

    @ParameterizedTest
    @EnumSource(value = Misbehaviour.class, names = {
        "MULTIPLE_AUDIENCES_WITH_AZP", "NO_KID_SINGLE_KEY", "ROTATED_KEY"})
    void legalVariationsAreAccepted(Misbehaviour misbehaviour) throws Exception {
        assertTrue(LEGAL.contains(misbehaviour));
        String token = op.idToken("n-1", misbehaviour);
        validate(token, fetchJwks());
    }

    /**
     * A canary for the login flow: Nimbus 11's ID token validator follows OpenID Connect Core errata
     * set 2 and ignores {@code azp}, so the project's validator must check it itself.
     */
    @ParameterizedTest
    @EnumSource(value = Misbehaviour.class, names = {"MULTIPLE_AUDIENCES_WITHOUT_AZP", "MULTIPLE_AUDIENCES_WRONG_AZP"})
    void nimbusAloneDoesNotCheckAzp(Misbehaviour misbehaviour) throws Exception {
        nimbusValidator(fetchJwks()).validate(JWTParser.parse(op.idToken("n-1", misbehaviour)), new Nonce("n-1"));
    }

    @Test
    void aNormalTokenIsAccepted() throws Exception {
        validate(op.idToken("n-1"), fetchJwks());
    }

    @Test
    void algNoneIsAnUnsecuredJwt() throws Exception {
        JWT jwt = JWTParser.parse(op.idToken("n-1", Misbehaviour.ALG_NONE));
        assertInstanceOf(PlainJWT.class, jwt);
        assertEquals(Algorithm.NONE, jwt.getHeader().getAlgorithm());
        assertTrue(jwt.serialize().endsWith("."), "empty signature part");
        assertEquals(op.issuer(), jwt.getJWTClaimsSet().getIssuer());
    }

    @Test
    void hs256TokenVerifiesWithThePublicKeyPemAsSecret() throws Exception {
        SignedJWT jwt = SignedJWT.parse(op.idToken("n-1", Misbehaviour.HS256_WITH_PUBLIC_KEY));
        assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
        assertEquals(op.jwks().currentKid(), jwt.getHeader().getKeyID());
        assertTrue(jwt.verify(new MACVerifier(op.publicKeyPem().getBytes(StandardCharsets.US_ASCII))));
        assertTrue(op.publicKeyPem().startsWith("-----BEGIN PUBLIC KEY-----\n"));
        // and the PEM really is the published key, so the attack is the real one
        RSAKey published = (RSAKey) fetchJwks().getKeyByKeyId(op.jwks().currentKid());
        String der = op.publicKeyPem().replaceAll("-----[A-Z ]+-----|\\s", "");
        assertEquals(java.util.Base64.getEncoder().encodeToString(published.toPublicKey().getEncoded()), der);
    }

    @Test
    void unknownSigningKeyHasAKidTheJwksLacksAndVerifiesWithNoPublishedKey() throws Exception {
        SignedJWT jwt = SignedJWT.parse(op.idToken("n-1", Misbehaviour.UNKNOWN_SIGNING_KEY));
        JWKSet keys = fetchJwks();
        assertNull(keys.getKeyByKeyId(jwt.getHeader().getKeyID()));
        assertFalse(verifiesWithAny(jwt, keys));
    }

    @Test
    void wrongKeyForKidUsesThePublishedKidButAnotherKey() throws Exception {
        SignedJWT jwt = SignedJWT.parse(op.idToken("n-1", Misbehaviour.WRONG_KEY_FOR_KID));
        JWKSet keys = fetchJwks();
        assertEquals(op.jwks().currentKid(), jwt.getHeader().getKeyID());
        assertFalse(verifiesWithAny(jwt, keys));
    }

    @Test
    void tamperedSignatureKeepsHeaderAndClaimsButFailsVerification() throws Exception {
        SignedJWT jwt = SignedJWT.parse(op.idToken("n-1", Misbehaviour.TAMPERED_SIGNATURE));
        assertEquals(op.jwks().currentKid(), jwt.getHeader().getKeyID());
        assertEquals(op.issuer(), jwt.getJWTClaimsSet().getIssuer());
        assertFalse(verifiesWithAny(jwt, fetchJwks()));
        assertTrue(verifiesWithAny(SignedJWT.parse(op.idToken("n-1")), fetchJwks()), "control: an honest token verifies");
    }

    @Test
    void claimMisbehavioursChangeWhatTheySay() throws Exception {
        assertEquals(TestProvider.FOREIGN_ISSUER, claims(Misbehaviour.WRONG_ISSUER).getIssuer());
        assertEquals(List.of(TestProvider.OTHER_AUDIENCE), claims(Misbehaviour.WRONG_AUDIENCE).getAudience());
        JWTClaimsSet noAzp = claims(Misbehaviour.MULTIPLE_AUDIENCES_WITHOUT_AZP);
        assertEquals(List.of(op.clientId(), TestProvider.OTHER_AUDIENCE), noAzp.getAudience());
        assertNull(noAzp.getClaim("azp"));
        assertEquals(TestProvider.OTHER_AUDIENCE, claims(Misbehaviour.MULTIPLE_AUDIENCES_WRONG_AZP).getClaim("azp"));
        assertEquals(op.clientId(), claims(Misbehaviour.MULTIPLE_AUDIENCES_WITH_AZP).getClaim("azp"));
        assertNull(claims(Misbehaviour.MISSING_SUB).getSubject());
        assertTrue(claims(Misbehaviour.MISSING_AUD).getAudience().isEmpty());
        assertNull(claims(Misbehaviour.MISSING_IAT).getIssueTime());
        assertNull(claims(Misbehaviour.MISSING_EXP).getExpirationTime());
        assertTrue(claims(Misbehaviour.EXPIRED).getExpirationTime().toInstant().isBefore(Instant.now().minusSeconds(3000)));
        assertTrue(claims(Misbehaviour.ISSUED_IN_FUTURE).getIssueTime().toInstant().isAfter(Instant.now().plusSeconds(3000)));
        String wrongNonce = claims(Misbehaviour.WRONG_NONCE).getStringClaim("nonce");
        assertNotNull(wrongNonce);
        assertNotEquals("n-1", wrongNonce);
        assertNull(claims(Misbehaviour.MISSING_NONCE).getClaim("nonce"));
        assertEquals("n-1", claims().getStringClaim("nonce"));
    }

    @Test
    void rotationPublishesANewKidAndKeepsTheOld() throws Exception {
        String oldKid = op.jwks().currentKid();
        SignedJWT jwt = SignedJWT.parse(op.idToken("n-1", Misbehaviour.ROTATED_KEY));
        assertNotEquals(oldKid, jwt.getHeader().getKeyID());
        JWKSet keys = fetchJwks();
        assertNotNull(keys.getKeyByKeyId(oldKid));
        assertNotNull(keys.getKeyByKeyId(jwt.getHeader().getKeyID()));

        op.jwks().retireOldKeys();
        assertNull(fetchJwks().getKeyByKeyId(oldKid));
        assertEquals(1, fetchJwks().getKeys().size());
    }

    @Test
    void singleKeyWithoutKidIsSticky() throws Exception {
        op.jwks().rotate();
        SignedJWT first = SignedJWT.parse(op.idToken("n-1", Misbehaviour.NO_KID_SINGLE_KEY));
        assertNull(first.getHeader().getKeyID());
        List<JWK> keys = fetchJwks().getKeys();
        assertEquals(1, keys.size());
        assertNull(keys.get(0).getKeyID());
        assertNull(SignedJWT.parse(op.idToken("n-1")).getHeader().getKeyID(), "later tokens too");
        op.jwks().withKid();
        assertEquals(2, fetchJwks().getKeys().size());
    }

    @Test
    void jwksCanFailAndCountsRequests() throws Exception {
        fetchJwks();
        op.jwks().failWith(500);
        assertStatus(500, browser.get(op.jwksUri().toString()));
        op.jwks().failWith(0);
        fetchJwks();
        assertEquals(3, op.jwks().requestCount());
    }

    // ------------------------------------------------------------------ through the endpoints

    @Test
    void queuedIdTokenMisbehaviourAppliesToTheNextTokenResponseOnly() throws Exception {
        op.misbehave(Misbehaviour.WRONG_NONCE, Misbehaviour.ALG_NONE);
        assertEquals(EnumSet.of(Misbehaviour.WRONG_NONCE, Misbehaviour.ALG_NONE), op.pendingMisbehaviours());
        JsonNode first = login("nonce-a");
        JWT firstToken = JWTParser.parse(first.get("id_token").asText());
        assertInstanceOf(PlainJWT.class, firstToken);
        assertNotEquals("nonce-a", firstToken.getJWTClaimsSet().getStringClaim("nonce"));
        assertTrue(op.pendingMisbehaviours().isEmpty());

        JsonNode second = login("nonce-b");
        validate(second.get("id_token").asText(), fetchJwks(), "nonce-b");
    }

    @Test
    void authorizationErrorCarriesAHostileDescription() {
        op.misbehave(Misbehaviour.AUTHORIZATION_ERROR);
        URI callback = assertRedirectTo(REDIRECT, browser.get(authorizeUrl(new CodeVerifier(), "st", "n")));
        assertEquals("access_denied", queryParam(callback, "error").orElseThrow());
        assertEquals("<script>alert(1)</script>", queryParam(callback, "error_description").orElseThrow());
        assertEquals("st", queryParam(callback, "state").orElseThrow());
        assertTrue(queryParam(callback, "code").isEmpty());
    }

    @Test
    void issParameterCanBeWrongOrMissing() {
        op.misbehave(Misbehaviour.WRONG_ISS_PARAMETER);
        URI wrong = assertRedirectTo(REDIRECT, browser.get(authorizeUrl(new CodeVerifier(), "st", "n")));
        assertEquals(TestProvider.FOREIGN_ISSUER, queryParam(wrong, "iss").orElseThrow());

        op.misbehave(Misbehaviour.MISSING_ISS_PARAMETER);
        URI missing = assertRedirectTo(REDIRECT, browser.get(authorizeUrl(new CodeVerifier(), "st", "n")));
        assertTrue(queryParam(missing, "iss").isEmpty());
        assertTrue(queryParam(missing, "code").isPresent());

        URI normal = assertRedirectTo(REDIRECT, browser.get(authorizeUrl(new CodeVerifier(), "st", "n")));
        assertEquals(op.issuer(), queryParam(normal, "iss").orElseThrow());
    }

    @Test
    void tokenErrorIsInvalidGrant() throws Exception {
        op.misbehave(Misbehaviour.TOKEN_ERROR);
        CodeVerifier verifier = new CodeVerifier();
        URI callback = assertRedirectTo(REDIRECT, browser.get(authorizeUrl(verifier, "st", "n")));
        HttpResponse<String> response = redeem(queryParam(callback, "code").orElseThrow(), verifier);
        assertStatus(400, response);
        assertEquals("invalid_grant", json.readTree(response.body()).get("error").asText());
    }

    @Test
    void userinfoCanAnswerWithAnotherSubject() throws Exception {
        String accessToken = login("n").get("access_token").asText();
        op.misbehave(Misbehaviour.USERINFO_WRONG_SUB);
        HttpResponse<String> wrong = browser.get(op.userinfoEndpoint().toString(), Map.of("Authorization", "Bearer " + accessToken));
        assertNotEquals(op.user().subject(), json.readTree(wrong.body()).get("sub").asText());
        HttpResponse<String> right = browser.get(op.userinfoEndpoint().toString(), Map.of("Authorization", "Bearer " + accessToken));
        assertEquals(op.user().subject(), json.readTree(right.body()).get("sub").asText());
    }

    // ------------------------------------------------------------------ helpers

    private JWTClaimsSet claims(Misbehaviour... misbehaviours) throws ParseException {
        return JWTParser.parse(op.idToken("n-1", misbehaviours)).getJWTClaimsSet();
    }

    private JWKSet fetchJwks() throws IOException, ParseException {
        HttpResponse<String> response = browser.get(op.jwksUri().toString());
        assertStatus(200, response);
        return JWKSet.parse(response.body());
    }

    private void validate(String token, JWKSet keys) throws Exception {
        validate(token, keys, "n-1");
    }

    /** Nimbus's validator plus the azp rule of OpenID Connect Core 3.1.3.7 items 4 and 5. */
    private void validate(String token, JWKSet keys, String nonce) throws Exception {
        IDTokenClaimsSet claims = nimbusValidator(keys).validate(JWTParser.parse(token), new Nonce(nonce));
        if (claims.getAudience().size() > 1 && claims.getAuthorizedParty() == null) {
            throw new IllegalStateException("several audiences and no azp");
        }
        if (claims.getAuthorizedParty() != null && !claims.getAuthorizedParty().getValue().equals(op.clientId())) {
            throw new IllegalStateException("azp is not this client");
        }
    }

    private IDTokenValidator nimbusValidator(JWKSet keys) {
        return new IDTokenValidator(new Issuer(op.issuer()), new ClientID(op.clientId()), JWSAlgorithm.RS256, keys);
    }

    private static boolean verifiesWithAny(SignedJWT jwt, JWKSet keys) throws JOSEException {
        for (JWK key : keys.getKeys()) {
            if (jwt.verify(new RSASSAVerifier((RSAKey) key))) {
                return true;
            }
        }
        return false;
    }

    private String authorizeUrl(CodeVerifier verifier, String state, String nonce) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", op.clientId());
        params.put("redirect_uri", REDIRECT);
        params.put("scope", "openid");
        params.put("state", state);
        params.put("nonce", nonce);
        params.put("code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue());
        params.put("code_challenge_method", "S256");
        return op.authorizationEndpoint() + "?" + TestProvider.formEncode(params);
    }

    private HttpResponse<String> redeem(String code, CodeVerifier verifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", REDIRECT);
        form.put("code_verifier", verifier.getValue());
        return browser.post(op.tokenEndpoint().toString(), form,
                Map.of("Authorization", Browser.basicAuthorization(op.clientId(), op.clientSecret())));
    }

    private JsonNode login(String nonce) throws IOException {
        CodeVerifier verifier = new CodeVerifier();
        URI callback = assertRedirectTo(REDIRECT, browser.get(authorizeUrl(verifier, "st", nonce)));
        HttpResponse<String> response = redeem(queryParam(callback, "code").orElseThrow(), verifier);
        assertStatus(200, response);
        return json.readTree(response.body());
    }
}
