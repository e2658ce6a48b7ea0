package dev.oidcsso.spring;

import dev.oidcsso.config.SettingNames;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.HashMap;
import java.util.Map;

/**
 * The starter's defaults, at the lowest precedence so that an application's own setting wins:
 * <ul>
 *   <li>the {@code oidcSso} health indicator in the actuator's readiness group: a replica that cannot
 *       start logins (IdP not discovered) or reach its store should get no traffic;</li>
 *   <li>when oidc-sso trusts proxies ({@code OIDC_TRUSTED_PROXIES}),
 *       {@code server.forward-headers-strategy=none}. Spring Boot turns it to {@code native} by
 *       itself on Kubernetes and other cloud platforms, and the container then replaces the peer
 *       address with the client's {@code X-Forwarded-For} (Tomcat believes it from any private
 *       address) before oidc-sso checks the trusted proxies against it: any pod could name the
 *       proxy's address and be believed for the identity and forwarding headers. oidc-sso then reads
 *       the forwarding headers itself, from the trusted proxies only. Without trusted proxies oidc-sso
 *       believes no forwarding header, so Boot's own handling (which tells the application it is
 *       behind https) stays as it was. Whatever the defaults, {@link ForwardingLayerCheck} refuses
 *       at start a configuration where both would interpret them.</li>
 * </ul>
 */
public final class OidcSsoEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "oidcSsoDefaults";
    /** Spring Boot's property for who interprets forwarding headers. */
    static final String FORWARD_HEADERS_STRATEGY = "server.forward-headers-strategy";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("management.endpoint.health.probes.enabled", "true");
        defaults.put("management.endpoint.health.group.readiness.include", "readinessState,oidcSso");
        if (trustsProxies(environment)) {
            defaults.put(FORWARD_HEADERS_STRATEGY, "none");
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }

    /** Whether {@code OIDC_TRUSTED_PROXIES} or {@code oidc-sso.trusted-proxies} names any proxy. */
    static boolean trustsProxies(ConfigurableEnvironment environment) {
        String named = environment.getProperty(SettingNames.TRUSTED_PROXIES);
        if (named != null && !named.isBlank()) {
            return true;
        }
        // Any other way of naming them is still caught at start by ForwardingLayerCheck, with a message saying what to set.
        return Binder.get(environment).bind("oidc-sso.trusted-proxies", Bindable.listOf(String.class))
                .map(proxies -> proxies.stream().anyMatch(proxy -> !proxy.isBlank())).orElse(false);
    }
}
