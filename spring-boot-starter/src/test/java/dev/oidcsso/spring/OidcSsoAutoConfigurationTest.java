package dev.oidcsso.spring;

import dev.oidcsso.auth.AuthMethod;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.config.IdpSettings;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.web.OidcSso;
import dev.oidcsso.web.OidcSsoFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.access.PermissionEvaluator;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.csrf.CsrfFilter;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the auto-configuration creates, and that each bean backs off for the application's own. */
class OidcSsoAutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(OidcSsoAutoConfiguration.class, SecurityAutoConfiguration.class,
                    ServletWebSecurityAutoConfiguration.class))
            // Trusted-header mode needs no identity provider, so no network is involved.
            .withPropertyValues("OIDC_AUTH_MODE=trusted-header", "oidc-sso.trusted-proxies=127.0.0.1",
                    "oidc-sso.group-name=staff", "oidc-sso.admin-group-name=ops");

    @Test
    void oidcSsoPropertiesBecomeSettingsAndOidcNamesWin() {
        runner.withPropertyValues("OIDC_GROUP_NAME=team").run(context -> {
            OidcSettings settings = context.getBean(OidcSettings.class);
            assertEquals(List.of("team"), settings.userGroups());
            assertEquals(List.of("ops"), settings.adminGroups());
            assertTrue(context.containsBean("oidcSsoFilterRegistration"));
            assertEquals(OidcSsoAutoConfiguration.FILTER_ORDER,
                    context.getBean("oidcSsoFilterRegistration", FilterRegistrationBean.class).getOrder());
            assertTrue(context.getBean(PermissionEvaluator.class) instanceof OidcSsoPermissionEvaluator);
            assertFalse(context.containsBean("oidcSsoDatabase"), "no store unless one is configured");
        });
    }

    @Test
    void theSessionPropertiesReachTheSessionSettings() {
        runner.withPropertyValues("oidc-sso.session-idle-timeout=20m", "oidc-sso.cookie-domain=example.com",
                "oidc-sso.refresh-tokens=true", "oidc-sso.refresh-before=90s", "oidc-sso.groups-max-staleness=2h").run(context -> {
            OidcSettings settings = context.getBean(OidcSettings.class);
            assertEquals(java.time.Duration.ofMinutes(20), settings.sessionIdleTimeout());
            assertEquals(java.util.Optional.of("example.com"), settings.session().cookieDomain());
            assertTrue(settings.refreshTokens());
            assertEquals(java.time.Duration.ofSeconds(90), settings.refreshBefore());
            assertEquals(java.time.Duration.ofHours(2), settings.groupsMaxStaleness());
        });
    }

    @Test
    void providersPropertiesBecomeEachIdpsOwnSettings() {
        // Unreachable on purpose (a closed loopback port): the settings are what is checked, and discovery retries quietly.
        String nowhere = "http://127.0.0.1:9/.well-known/openid-configuration";
        runner.withPropertyValues("oidc-sso.providers.staff.discovery-url=" + nowhere,
                "oidc-sso.providers.staff.client-id=staff-app", "oidc-sso.providers.staff.client-secret=s1",
                "oidc-sso.providers.staff.display-name=Staff",
                // Another URL: two IdPs with one discovery URL are refused (they could not be told apart).
                "oidc-sso.providers.partners.discovery-url=" + nowhere.replace("9/", "9/partners/"),
                "oidc-sso.providers.partners.client-id=partner-app", "oidc-sso.providers.partners.client-secret=s2",
                "oidc-sso.providers.partners.groups-attribute=roles", "oidc-sso.providers.partners.group-name=partners,guests",
                "oidc-sso.providers.partners.email-domains=partner.example",
                "oidc-sso.providers.partners.settings.identity-validator-claim=hd").run(context -> {
            OidcSsoProperties properties = context.getBean(OidcSsoProperties.class);
            Map<String, String> names = properties.toSettings();
            assertEquals("staff,partners", names.get("OIDC_PROVIDERS"));
            assertEquals("partner-app", names.get("OIDC_PARTNERS_CLIENT_ID"));
            assertEquals("hd", names.get("OIDC_PARTNERS_IDENTITY_VALIDATOR_CLAIM"));
            OidcSettings settings = context.getBean(OidcSettings.class);
            assertEquals(List.of("staff", "partners"), settings.idps().stream().map(IdpSettings::name).toList());
            IdpSettings partners = settings.idps().get(1);
            assertEquals("partner-app", partners.client().clientId());
            assertEquals("roles", partners.identity().groupsAttribute());
            assertEquals(List.of("partners", "guests"), partners.identity().userGroups());
            assertEquals(List.of("partner.example"), partners.emailDomains());
            assertEquals("Staff", settings.idps().get(0).displayName());
            assertEquals(List.of("staff"), settings.idps().get(0).identity().userGroups(), "the shared oidc-sso.group-name");
        });
    }

    @Test
    void theFilterChainGetsThePrincipalAndOneCsrfCheck() {
        runner.run(context -> {
            List<Class<?>> filters = filterTypes(context.getBean(SecurityFilterChain.class));
            assertTrue(filters.contains(OidcSsoSecurityContextFilter.class), filters.toString());
            assertFalse(filters.contains(CsrfFilter.class), "oidc-sso checks CSRF; Spring's filter is off: " + filters);
            assertFalse(filters.contains(LogoutFilter.class), "oidc-sso answers /logout: " + filters);
        });
        runner.withPropertyValues("oidc-sso.csrf-app-paths=false").run(context -> {
            List<Class<?>> filters = filterTypes(context.getBean(SecurityFilterChain.class));
            assertTrue(filters.contains(CsrfFilter.class), "with oidc-sso's check off, Spring's stays: " + filters);
        });
    }

    @Test
    void theStarterKeepsTheContainerFromRewritingThePeerAddressOnlyWhenProxiesAreTrusted() {
        assertEquals("none", defaultedStrategy(Map.of("OIDC_TRUSTED_PROXIES", "10.0.0.1")));
        assertEquals("none", defaultedStrategy(Map.of("oidc-sso.trusted-proxies[0]", "10.0.0.1")));
        assertEquals("none", defaultedStrategy(Map.of("oidc-sso.trusted-proxies", "10.0.0.1,10.0.0.2")));
        assertEquals(null, defaultedStrategy(Map.of()), "without trusted proxies Boot's own handling (https behind an ingress) stays");
        assertEquals("native", defaultedStrategy(Map.of("OIDC_TRUSTED_PROXIES", "10.0.0.1", "server.forward-headers-strategy", "native")),
                "the application's own setting wins (and is then refused at start)");
    }

    private static String defaultedStrategy(Map<String, Object> application) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("application", application));
        new OidcSsoEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        return environment.getProperty("server.forward-headers-strategy");
    }

    @Test
    void everyWayOfRewritingThePeerAddressIsRefusedWhileProxiesAreTrusted() {
        Map<String, String> named = Map.of("server.forward-headers-strategy=NATIVE", "server.forward-headers-strategy=native",
                "server.forward-headers-strategy=framework", "server.forward-headers-strategy=framework",
                "spring.main.cloud-platform=kubernetes", "takes as native on KUBERNETES",
                "server.tomcat.remoteip.remote-ip-header=X-Forwarded-For", "server.tomcat.remoteip.remote-ip-header=X-Forwarded-For",
                "server.tomcat.remoteip.protocol-header=X-Forwarded-Proto", "server.tomcat.remoteip.protocol-header=X-Forwarded-Proto");
        named.forEach((rewriter, message) -> runner.withPropertyValues(rewriter).run(context -> {
            assertTrue(context.getStartupFailure() != null, rewriter + " with trusted proxies is refused");
            Throwable root = context.getStartupFailure();
            while (root.getCause() != null) {
                root = root.getCause();
            }
            assertTrue(root.getMessage().contains("OIDC_TRUSTED_PROXIES") && root.getMessage().contains(message), root.getMessage());
        }));
        runner.withUserConfiguration(OwnForwardedHeaderFilter.class).run(context -> {
            assertTrue(context.getStartupFailure() != null, "an application's own ForwardedHeaderFilter is refused");
        });
        runner.withPropertyValues("server.forward-headers-strategy=none", "spring.main.cloud-platform=kubernetes")
                .run(context -> assertEquals(null, context.getStartupFailure()));
        runner.withUserConfiguration(OwnBeans.class).withPropertyValues("server.forward-headers-strategy=native").run(context ->
                assertTrue(context.getStartupFailure() != null, "the application's own settings, which trust a proxy, are checked too"));
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(OidcSsoAutoConfiguration.class, SecurityAutoConfiguration.class,
                        ServletWebSecurityAutoConfiguration.class))
                .withPropertyValues("OIDC_DISCOVERY_URL=http://127.0.0.1:9/.well-known/openid-configuration", "OIDC_CLIENT_ID=app",
                        "OIDC_CLIENT_SECRET=s", "SECRET_KEY=0123456789abcdef0123456789abcdef-test-only",
                        "server.forward-headers-strategy=framework", "server.tomcat.remoteip.remote-ip-header=X-Forwarded-For")
                .run(context -> assertEquals(null, context.getStartupFailure(), "no proxy is trusted: nothing to launder"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnForwardedHeaderFilter {
        @Bean
        FilterRegistrationBean<org.springframework.web.filter.ForwardedHeaderFilter> forwardedHeaders() {
            return new FilterRegistrationBean<>(new org.springframework.web.filter.ForwardedHeaderFilter());
        }
    }

    @Test
    void theDefaultChainLetsThroughOnlyWhatTheOidcSsoFilterAdmitted() {
        runner.run(context -> {
            SecurityFilterChain chain = context.getBean(SecurityFilterChain.class);
            assertEquals(299, throughTheChain(chain, true), "admitted by oidc-sso's filter: reaches the application");
            assertEquals(401, throughTheChain(chain, false), "never seen by oidc-sso's filter: refused");
        });
    }

    /** Runs a request through the chain's filters to a servlet that answers 299; the status the caller gets. */
    private static int throughTheChain(SecurityFilterChain chain, boolean admittedByOidcSso) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/reports");
        if (admittedByOidcSso) {
            request.setAttribute(OidcSsoFilter.BASE_URI_ATTRIBUTE, java.net.URI.create("http://localhost"));
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        HttpServlet application = new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) {
                resp.setStatus(299);
            }
        };
        new MockFilterChain(application, chain.getFilters().toArray(new Filter[0])).doFilter(request, response);
        return response.getStatus();
    }

    private static List<Class<?>> filterTypes(SecurityFilterChain chain) {
        return chain.getFilters().stream().<Class<?>>map(Object::getClass).toList();
    }

    @Test
    void everyBeanBacksOffForTheApplicationsOwn() {
        runner.withUserConfiguration(OwnBeans.class).run(context -> {
            assertSame(OwnBeans.SETTINGS, context.getBean(OidcSettings.class));
            assertSame(context.getBean("ownSso"), context.getBean(OidcSso.class));
            assertEquals(1, context.getBeansOfType(OidcSso.class).size());
            assertEquals(1, context.getBeansOfType(PermissionEvaluator.class).size());
            assertTrue(context.getBean(PermissionEvaluator.class) instanceof OwnBeans.DenyAll);
            assertEquals(42, context.getBean("oidcSsoFilterRegistration", FilterRegistrationBean.class).getOrder());
        });
    }

    @Test
    void authoritiesCarryGroupsAndTheAdminRoleButNoGroupPosingAsARole() {
        Principal admin = new Principal("ana", List.of("staff", "ROLE_ADMIN"), true, AuthMethod.SESSION, Optional.empty());
        Principal user = new Principal("bo", List.of("staff", "ROLE_ADMIN"), false, AuthMethod.BEARER, Optional.empty());
        assertEquals(List.of("staff", "ROLE_USER", "ROLE_ADMIN"), names(new OidcSsoAuthentication(admin)));
        assertEquals(List.of("staff", "ROLE_USER"), names(new OidcSsoAuthentication(user)));
        assertSame(user, new OidcSsoAuthentication(user).getPrincipal());
    }

    private static List<String> names(Authentication authentication) {
        return authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {

        static final OidcSettings SETTINGS = OidcSettings.builder()
                .setAll(Map.of("OIDC_AUTH_MODE", "trusted-header", "OIDC_TRUSTED_PROXIES", "127.0.0.1")).build();

        @Bean
        OidcSettings ownSettings() {
            return SETTINGS;
        }

        @Bean(destroyMethod = "close")
        OidcSso ownSso(OidcSettings settings) {
            return OidcSso.create(settings);
        }

        @Bean
        PermissionEvaluator ownEvaluator() {
            return new DenyAll();
        }

        @Bean
        FilterRegistrationBean<OidcSsoFilter> oidcSsoFilterRegistration(OidcSso sso) {
            FilterRegistrationBean<OidcSsoFilter> registration = new FilterRegistrationBean<>(new OidcSsoFilter(sso));
            registration.setOrder(42);
            return registration;
        }

        static final class DenyAll implements PermissionEvaluator {
            @Override
            public boolean hasPermission(Authentication authentication, Object target, Object permission) {
                return false;
            }

            @Override
            public boolean hasPermission(Authentication authentication, Serializable id, String type, Object permission) {
                return false;
            }
        }
    }
}
