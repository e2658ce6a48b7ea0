package dev.oidcsso.spring;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * The starter's defaults, at the lowest precedence so that an application's own setting wins:
 * <ul>
 *   <li>the {@code oidcSso} health indicator in the actuator's readiness group: a replica that cannot
 *       start logins (IdP not discovered) or reach its store should get no traffic;</li>
 *   <li>{@code server.forward-headers-strategy=none}. Spring Boot turns it to {@code native} by itself
 *       on Kubernetes and other cloud platforms, and the container then replaces the peer address with
 *       the client's {@code X-Forwarded-For} (Tomcat believes it from any private address) before
 *       oidc-sso checks {@code OIDC_TRUSTED_PROXIES} against it: any pod could name the proxy's address
 *       and be believed for the identity and forwarding headers. oidc-sso reads forwarding headers
 *       itself, from the trusted proxies only; an application that sets another strategy while
 *       trusting proxies is refused at start ({@link OidcSsoAutoConfiguration}).</li>
 * </ul>
 */
public final class OidcSsoEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "oidcSsoDefaults";
    /** Spring Boot's property for who interprets forwarding headers. */
    static final String FORWARD_HEADERS_STRATEGY = "server.forward-headers-strategy";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, Map.of(
                "management.endpoint.health.probes.enabled", "true",
                "management.endpoint.health.group.readiness.include", "readinessState,oidcSso",
                FORWARD_HEADERS_STRATEGY, "none")));
    }
}
