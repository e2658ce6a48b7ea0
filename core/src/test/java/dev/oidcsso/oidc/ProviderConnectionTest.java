package dev.oidcsso.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery after an IdP outage: on demand, single flight, bounded, and in the background. */
class ProviderConnectionTest {

    private static final Duration NEVER = Duration.ofHours(1);

    /** An IdP that is down until told otherwise, recording which thread asked. */
    private static final class Idp implements Supplier<DiscoveredProvider> {
        final AtomicBoolean up = new AtomicBoolean();
        final List<String> callers = new CopyOnWriteArrayList<>();

        @Override
        public DiscoveredProvider get() {
            callers.add(Thread.currentThread().getName());
            if (!up.get()) {
                throw new ProviderUnavailableException("the IdP's discovery document cannot be reached: ConnectException");
            }
            OIDCProviderMetadata metadata = new OIDCProviderMetadata(new Issuer("https://idp.example"),
                    List.of(SubjectType.PUBLIC), URI.create("https://idp.example/jwks"));
            return new DiscoveredProvider(metadata, null, Set.of(JWSAlgorithm.RS256));
        }
    }

    @Test
    void aLoginTriesDiscoveryAtOnceWhenTheIdpIsBack() {
        Idp idp = new Idp();
        try (ProviderConnection connection = new ProviderConnection(idp, NEVER, NEVER, Duration.ZERO).start()) {
            ProviderUnavailableException down = assertThrows(ProviderUnavailableException.class, connection::require);
            assertEquals(503, down.status());
            assertTrue(down.getMessage().contains("cannot be reached"), down.getMessage());
            idp.up.set(true);
            assertEquals("https://idp.example", connection.require().issuer());
            assertEquals(Thread.currentThread().getName(), idp.callers.get(idp.callers.size() - 1),
                    "the request itself discovered, no background retry was due");
            int calls = idp.callers.size();
            connection.require();
            assertEquals(calls, idp.callers.size(), "once discovered, no more calls");
        }
    }

    @Test
    void aReadinessProbeStartsABackgroundTry() throws InterruptedException {
        Idp idp = new Idp();
        try (ProviderConnection connection = new ProviderConnection(idp, NEVER, NEVER, Duration.ZERO).start()) {
            idp.up.set(true);
            while (connection.current().isEmpty()) {
                Thread.sleep(20);
            }
            assertEquals("oidc-sso-discovery", idp.callers.get(idp.callers.size() - 1));
        }
    }

    @Test
    void onDemandTriesAreBoundedByTheFloor() {
        Idp idp = new Idp();
        try (ProviderConnection connection = new ProviderConnection(idp, NEVER, NEVER, NEVER).start()) {
            for (int i = 0; i < 1_000; i++) {
                assertThrows(ProviderUnavailableException.class, connection::require);
                assertTrue(connection.current().isEmpty());
            }
            assertEquals(1, idp.callers.size(), "a thousand logins and probes within the floor: only the start's try");
        }
    }

    @Test
    void theBackgroundRetryRecoversWithoutTraffic() throws InterruptedException {
        Idp idp = new Idp();
        try (ProviderConnection connection = new ProviderConnection(idp, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ZERO)
                .start()) {
            while (idp.callers.size() < 4) {
                Thread.sleep(10);
            }
            assertTrue(connection.lastError().orElseThrow().contains("cannot be reached"));
            idp.up.set(true);
            while (connection.lastError().isPresent()) {
                Thread.sleep(10);
            }
            assertTrue(idp.callers.stream().skip(1).allMatch("oidc-sso-discovery"::equals), idp.callers.toString());
            assertFalse(connection.current().isEmpty());
        }
    }
}
