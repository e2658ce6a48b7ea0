package dev.oidcsso.observe;

import dev.oidcsso.authz.PermissionInputException;
import dev.oidcsso.oidc.ProviderUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MicrometerSsoEventsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerSsoEvents events = new MicrometerSsoEvents(registry);

    @Test
    void reasonsAreTheFailureTypeInSnakeCase() {
        assertEquals("provider_unavailable", SsoEvents.reason(new ProviderUnavailableException("down")));
        assertEquals("permission_input", SsoEvents.reason(new PermissionInputException("bad")));
        assertEquals("illegal_state", SsoEvents.reason(new IllegalStateException()));
    }

    @Test
    void loginsAreTimedByOutcomeAndReason() {
        events.login("success", "none", Duration.ofMillis(30));
        events.login("refused", "token_validation", Duration.ofMillis(10));
        events.login("refused", "token_validation", Duration.ofMillis(20));
        assertEquals(1, registry.get(MicrometerSsoEvents.LOGINS).tag("outcome", "success").timer().count());
        assertEquals(2, registry.get(MicrometerSsoEvents.LOGINS).tag("reason", "token_validation").timer().count());
    }

    @Test
    void anUnexpectedTagValueIsRecordedAsOtherNeverAsItself() {
        events.sessionEnded("alice@example.com");
        events.cacheLookup("Users With Spaces", true);
        events.authentication(null, "success");
        assertEquals(1, registry.get(MicrometerSsoEvents.SESSIONS_ENDED).tag("cause", "other").counter().count());
        assertEquals(1, registry.get(MicrometerSsoEvents.CACHE_LOOKUPS).tag("cache", "other").tag("result", "hit").counter().count());
        assertEquals(1, registry.get(MicrometerSsoEvents.AUTHENTICATIONS).tag("method", "other").counter().count());
        assertEquals(3, registry.getMeters().size() - 1, "one meter per recorded combination, plus sessions started");
    }

    @Test
    void helpersReportSuccessAndFailureOnceEach() {
        assertEquals("doc", events.fetching("discovery", () -> "doc"));
        assertThrows(ProviderUnavailableException.class, () -> events.fetching("discovery", () -> {
            throw new ProviderUnavailableException("down");
        }));
        assertEquals(1, registry.get(MicrometerSsoEvents.PROVIDER_FETCHES).tag("outcome", "success").counter().count());
        assertEquals(1, registry.get(MicrometerSsoEvents.PROVIDER_FETCHES).tag("outcome", "failure").counter().count());

        Object bearer = new BearerAuthenticator();
        assertEquals(Optional.of("p"), events.authenticating(bearer, () -> Optional.of("p")));
        assertEquals(Optional.empty(), events.authenticating(bearer, Optional::empty));
        assertEquals(1, registry.get(MicrometerSsoEvents.AUTHENTICATIONS).tag("method", "bearer").counter().count());
    }

    /** Named like the framework's authenticators, whose type name gives the method tag. */
    private static final class BearerAuthenticator {
    }
}
