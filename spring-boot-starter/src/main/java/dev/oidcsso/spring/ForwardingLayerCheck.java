package dev.oidcsso.spring;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingNames;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Refuses to start when something besides oidc-sso would rewrite the peer address from forwarding
 * headers while oidc-sso trusts proxies by that address ({@code OIDC_TRUSTED_PROXIES}): the trust
 * check would then test an address the client chose, and believe its identity and forwarding
 * headers. It looks at every way a Spring Boot application can ask for that:
 * {@code server.forward-headers-strategy} ({@code native}, also Boot's choice on a cloud platform
 * when unset, or {@code framework}), Tomcat's {@code server.tomcat.remoteip.*} headers (Boot adds
 * the {@code RemoteIpValve} for them whatever the strategy), and a {@code ForwardedHeaderFilter}
 * the application registers itself. It runs once every bean exists, so an application's own
 * {@link OidcSettings} is checked too.
 */
final class ForwardingLayerCheck implements SmartInitializingSingleton {

    private final OidcSettings settings;
    private final Environment environment;
    private final ListableBeanFactory beans;

    ForwardingLayerCheck(OidcSettings settings, Environment environment, ListableBeanFactory beans) {
        this.settings = settings;
        this.environment = environment;
        this.beans = beans;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (settings.trustedProxies().isEmpty()) {
            return; // oidc-sso believes no forwarding header: nothing can be laundered into trust
        }
        List<String> rewriters = rewriters(environment, forwardedHeaderFilterBeans());
        if (!rewriters.isEmpty()) {
            throw new IllegalStateException(String.join(" and ", rewriters) + " make the container or Spring replace the peer address "
                    + "with the client's X-Forwarded-For before oidc-sso checks " + SettingNames.TRUSTED_PROXIES + " against it, so a "
                    + "client could name a trusted proxy and be believed. Let oidc-sso alone read the forwarding headers of the trusted "
                    + "proxies (it gives the application the outside URL): set server.forward-headers-strategy=none and remove the "
                    + "server.tomcat.remoteip.* headers and any ForwardedHeaderFilter.");
        }
    }

    /** What in the environment and beans would rewrite the peer address, named for the message; empty when nothing does. */
    static List<String> rewriters(Environment environment, List<String> forwardedHeaderFilters) {
        List<String> found = new ArrayList<>();
        String strategy = environment.getProperty(OidcSsoEnvironmentPostProcessor.FORWARD_HEADERS_STRATEGY);
        if (strategy == null || strategy.isBlank()) {
            CloudPlatform platform = CloudPlatform.getActive(environment);
            if (platform != null && platform.isUsingForwardHeaders()) {
                found.add("server.forward-headers-strategy (unset, which Spring Boot takes as native on " + platform + ")");
            }
        } else if (!strategy.trim().equalsIgnoreCase("none")) {
            found.add("server.forward-headers-strategy=" + strategy.trim().toLowerCase(Locale.ROOT));
        }
        for (String header : List.of("server.tomcat.remoteip.remote-ip-header", "server.tomcat.remoteip.protocol-header")) {
            String value = environment.getProperty(header);
            if (value != null && !value.isBlank()) {
                found.add(header + "=" + value.trim());
            }
        }
        forwardedHeaderFilters.forEach(name -> found.add("the ForwardedHeaderFilter bean '" + name + "'"));
        return found;
    }

    private List<String> forwardedHeaderFilterBeans() {
        String type = "org.springframework.web.filter.ForwardedHeaderFilter";
        if (!ClassUtils.isPresent(type, getClass().getClassLoader())) {
            return List.of();
        }
        List<String> names = new ArrayList<>(List.of(beans.getBeanNamesForType(ClassUtils.resolveClassName(type, getClass().getClassLoader()),
                false, false)));
        for (String name : beans.getBeanNamesForType(FilterRegistrationBean.class, false, false)) {
            if (beans.getBean(name) instanceof FilterRegistrationBean<?> registration && registration.getFilter() != null
                    && registration.getFilter().getClass().getName().equals(type)) {
                names.add(name);
            }
        }
        return names;
    }
}
