package dev.oidcsso.spring;

import dev.oidcsso.web.OidcSso;
import dev.oidcsso.web.OidcSsoFilter;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The oidc-sso filter in the actuator's own server, when {@code management.server.port} gives it
 * one. That server is a child context with a servlet context of its own: Spring Boot registers
 * Spring Security's chain there too, but not the application's filters, so without this the actuator
 * would answer without a login (or, with the starter's default chain, refuse everything). With it the
 * management port behaves as the main port: the same sessions, bearer and basic clients, the same
 * {@code OIDC_PUBLIC_PATHS} (list the probes there).
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnClass(OidcSsoFilter.class)
@ConditionalOnBean(OidcSso.class)
public class OidcSsoManagementContextConfiguration {

    /** Creates the configuration. */
    public OidcSsoManagementContextConfiguration() {
    }

    /**
     * The filter, around the main context's framework, before Spring Security's chain as there.
     *
     * @param sso the framework (the parent context's)
     * @return the registration
     */
    @Bean
    public FilterRegistrationBean<OidcSsoFilter> oidcSsoManagementFilterRegistration(OidcSso sso) {
        return OidcSsoAutoConfiguration.filterRegistration(sso);
    }
}
