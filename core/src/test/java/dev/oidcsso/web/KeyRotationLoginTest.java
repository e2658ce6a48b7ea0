package dev.oidcsso.web;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.MutableClock;
import dev.oidcsso.testing.TestProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Logins through a key rotation, forged bearer tokens and JWKS outages, end to end: a strict
 * in-process OpenID provider, the framework on the JDK HTTP server, and a clock the test moves.
 */
class KeyRotationLoginTest {

    private final MutableClock clock = MutableClock.atNow();
    private TestProvider op;
    private OidcSso sso;
    private HttpServer app;
    private RSAKey forger;

    @BeforeEach
    void start() throws IOException, JOSEException {
        op = TestProvider.builder().clock(clock).start();
        sso = OidcSso.builder(OidcSettings.builder().discoveryUrl(op.discoveryUrl().toString())
                .client(op.clientId(), op.clientSecret()).secretKey(JdkServerLoginTest.KEY).build()).clock(clock).build();
        app = DemoApps.jdkApp(sso);
        op.registerRedirectUri(DemoApps.baseUrl(app) + "/callback");
        forger = new RSAKeyGenerator(2048).keyID("forged").generate();
    }

    @AfterEach
    void stop() {
        app.stop(0);
        sso.close();
        op.close();
    }

    private HttpResponse<String> login() {
        return new Browser().defaultHeader("Accept", "text/html").navigate(DemoApps.baseUrl(app) + "/login?next=/home").last();
    }

    private int forgedBearerCall() throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(op.issuer()).subject("mallory").audience(op.clientId())
                .issueTime(Date.from(clock.instant())).expirationTime(Date.from(clock.instant().plusSeconds(300))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID("forged-" + UUID.randomUUID()).build(), claims);
        jwt.sign(new RSASSASigner(forger));
        return new Browser().get(DemoApps.baseUrl(app) + "/auth/status",
                Map.of("Accept", "application/json", "Authorization", "Bearer " + jwt.serialize())).statusCode();
    }

    @Test
    void forgedBearerTokensBeforeAndAfterARotationDoNotLockLoginsOut() throws JOSEException {
        assertEquals(200, login().statusCode());
        clock.advance(Duration.ofSeconds(1));
        int before = op.jwks().requestCount();
        for (int i = 0; i < 20; i++) {
            assertEquals(401, forgedBearerCall());
        }
        op.jwks().rotate();
        for (int i = 0; i < 20; i++) {
            assertEquals(401, forgedBearerCall());
        }
        assertEquals(before + 1, op.jwks().requestCount(), "forty forged kids at one moment: one fetch");
        HttpResponse<String> login = login();
        assertEquals(200, login.statusCode(), login.body());
        assertEquals("hello alice via session at /home", login.body());
        for (int i = 0; i < 5; i++) {
            assertEquals(401, forgedBearerCall(), "and forged tokens keep being refused");
        }
    }

    @Test
    void aRotationDuringAJwksOutageAnswers503AndTheNextLoginAfterItSucceeds() {
        assertEquals(200, login().statusCode());
        op.jwks().failWith(500);
        op.jwks().rotate();
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> during = login();
        assertEquals(503, during.statusCode(), during.body());
        assertEquals("5", during.headers().firstValue("Retry-After").orElseThrow());
        op.jwks().failWith(0);
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> after = login();
        assertEquals(200, after.statusCode(), after.body());
    }

    @Test
    void pastTheKeyCacheOutageToleranceLoginsAnswer503WithRetryAfterNot401() {
        assertEquals(200, login().statusCode());
        op.jwks().failWith(500);
        clock.advance(Duration.ofHours(11));
        assertEquals(200, login().statusCode(), "cached keys are used within the tolerance");
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        HttpResponse<String> past = login();
        assertEquals(503, past.statusCode(), past.body());
        assertEquals("5", past.headers().firstValue("Retry-After").orElseThrow());
        op.jwks().failWith(0);
        clock.advance(Duration.ofSeconds(1));
        assertEquals(200, login().statusCode());
    }
}
