package dev.oidcsso.spring;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * Puts the {@code oidcSso} health indicator into the actuator's readiness group by default: a
 * replica that cannot start logins (IdP not discovered) or reach its store should get no traffic.
 * The defaults have the lowest precedence, so an application's own
 * {@code management.endpoint.health.group.readiness.include} or {@code probes.enabled} wins.
 */
public final class OidcSsoEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "oidcSsoDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, Map.of(
                "management.endpoint.health.probes.enabled", "true",
                "management.endpoint.health.group.readiness.include", "readinessState,oidcSso")));
    }
}
