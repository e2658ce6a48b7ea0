package dev.oidcsso.spring;

import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.observe.MicrometerSsoEvents;
import dev.oidcsso.observe.SsoEvents;
import dev.oidcsso.store.Store;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.web.OidcSso;
import dev.oidcsso.web.OidcSsoFilter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ConditionalOnDefaultWebSecurity;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.PermissionEvaluator;
import org.springframework.security.access.expression.method.DefaultMethodSecurityExpressionHandler;
import org.springframework.security.access.expression.method.MethodSecurityExpressionHandler;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.context.SecurityContextHolderFilter;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Puts oidc-sso in front of a Spring Boot servlet application and makes Spring Security see its
 * principal. Every bean backs off when the application defines its own of the same type (or name,
 * for the filter registration and the {@code HttpSecurity} customizer).
 *
 * <ul>
 *   <li>{@link OidcSettings} from the {@code OIDC_*} names in any property source (environment
 *       variables, command line, {@code application.properties}), over the {@link OidcSsoProperties}
 *       ({@code oidc-sso.*}), under Java system properties;</li>
 *   <li>the store ({@code Database}) when {@code OIDC_USERS_DB_URI} or {@code OIDC_DATA_DIR} is set;</li>
 *   <li>{@link OidcSso}, its servlet filter registered before Spring Security's chain, so the login
 *       routes, sessions, bearer and basic clients, REST API and UI are answered first;</li>
 *   <li>a {@code Customizer<HttpSecurity>}, applied by Spring Security 7 to every filter chain, the
 *       application's own included: it adds {@link OidcSsoSecurityContextFilter}, keeps Spring's
 *       sessions stateless, and switches Spring's CSRF filter off while oidc-sso checks CSRF on the
 *       application's paths ({@code OIDC_CSRF_APP_PATHS}, default true);</li>
 *   <li>a default {@link SecurityFilterChain} that lets every request oidc-sso's filter admitted
 *       through to the application, since oidc-sso already refused the unauthenticated ones, and
 *       refuses any other (replaced by the application's own);</li>
 *   <li>with the actuator on its own port ({@code management.server.port}), the same filter in the
 *       management server ({@link OidcSsoManagementContextConfiguration});</li>
 *   <li>{@code hasPermission(...)} backed by the framework's permissions, for method security.</li>
 * </ul>
 */
@AutoConfiguration(before = {SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
        UserDetailsServiceAutoConfiguration.class},
        // After the application's MeterRegistry exists, so that metrics are recorded when it has one.
        afterName = {"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({OidcSso.class, SecurityFilterChain.class})
@EnableConfigurationProperties(OidcSsoProperties.class)
public class OidcSsoAutoConfiguration {

    /** Runs before Spring Security's filter chain (at {@code SecurityFilterProperties.DEFAULT_FILTER_ORDER}). */
    public static final int FILTER_ORDER = SecurityFilterProperties.DEFAULT_FILTER_ORDER - 10;

    /** Creates the auto-configuration. */
    public OidcSsoAutoConfiguration() {
    }

    /**
     * The settings: {@code oidc-sso.*} properties lowest, then every {@code OIDC_*} name Spring's
     * environment knows (environment variables first among them), then Java system properties.
     *
     * @param properties  the {@code oidc-sso.*} properties
     * @param environment Spring's environment
     * @return the validated settings
     */
    @Bean
    @ConditionalOnMissingBean
    public OidcSettings oidcSsoSettings(OidcSsoProperties properties, ConfigurableEnvironment environment) {
        return OidcSettings.builder()
                .environment(properties.toSettings())
                .environment(settingNames(environment))
                .systemProperties(systemProperties())
                .build();
    }

    /**
     * Refuses, at start, a second layer that rewrites the peer address from forwarding headers while
     * oidc-sso trusts proxies by that address (see {@link ForwardingLayerCheck}). Not an ordinary
     * bean to replace: it checks the application's own settings too.
     *
     * @param settings    the settings, the starter's or the application's own
     * @param environment Spring's environment
     * @param beans       the application's beans, for a {@code ForwardedHeaderFilter} of its own
     * @return the check
     */
    @Bean
    SmartInitializingSingleton oidcSsoForwardingLayerCheck(OidcSettings settings, Environment environment, ListableBeanFactory beans) {
        return new ForwardingLayerCheck(settings, environment, beans);
    }

    /**
     * The store of users, access tokens, grants and sessions, when one is configured.
     *
     * @param settings the settings
     * @param events   observers of store calls and cache lookups (metrics)
     * @return the open store, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(Store.class)
    @Conditional(StoreConfiguredCondition.class)
    public Store oidcSsoDatabase(OidcSettings settings, ObjectProvider<SsoEvents> events) {
        return Database.open(settings, observers(events));
    }

    /**
     * Remembers the last fetch outcomes, for the health indicator.
     *
     * @return the tracker
     */
    @Bean
    @ConditionalOnMissingBean
    public ProviderFetchTracker oidcSsoProviderFetchTracker() {
        return new ProviderFetchTracker();
    }

    /**
     * The framework.
     *
     * @param settings   the settings
     * @param properties the {@code oidc-sso.*} properties (for the resource types)
     * @param database   the store, if any
     * @param types      the application's resource types, if it declares them as a bean
     * @param events     observers of the framework's events (metrics, the health tracker)
     * @return the framework, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public OidcSso oidcSso(OidcSettings settings, OidcSsoProperties properties, ObjectProvider<Store> database,
                           ObjectProvider<ResourceTypes> types, ObjectProvider<SsoEvents> events) {
        OidcSso.Builder builder = OidcSso.builder(settings);
        database.ifAvailable(builder::database);
        ResourceTypes declared = types.getIfAvailable(() -> properties.getResourceTypes().isEmpty() ? null
                : ResourceTypes.of(properties.getResourceTypes().toArray(String[]::new)));
        if (declared != null) {
            builder.resourceTypes(declared);
        }
        return builder.events(observers(events)).build();
    }

    private static SsoEvents observers(ObjectProvider<SsoEvents> events) {
        List<SsoEvents> observers = events.orderedStream().toList();
        return observers.isEmpty() ? SsoEvents.NONE : CompositeSsoEvents.of(observers);
    }

    /**
     * The servlet filter, before Spring Security's chain and mapped to every path.
     *
     * @param sso the framework
     * @return the registration
     */
    @Bean
    @ConditionalOnMissingBean(name = "oidcSsoFilterRegistration")
    public FilterRegistrationBean<OidcSsoFilter> oidcSsoFilterRegistration(OidcSso sso) {
        return filterRegistration(sso);
    }

    /** The filter's registration, the same in the main server and in a separate management server. */
    static FilterRegistrationBean<OidcSsoFilter> filterRegistration(OidcSso sso) {
        FilterRegistrationBean<OidcSsoFilter> registration = new FilterRegistrationBean<>(new OidcSsoFilter(sso));
        registration.setName("oidcSsoFilter");
        registration.setOrder(FILTER_ORDER);
        registration.addUrlPatterns("/*");
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        return registration;
    }

    /**
     * Applied to every {@code HttpSecurity} (Spring Security 7 applies {@code Customizer<HttpSecurity>}
     * beans to each filter chain it builds).
     *
     * @param settings the settings (whether oidc-sso checks CSRF on application paths)
     * @return the customizer
     */
    @Bean
    @ConditionalOnMissingBean(name = "oidcSsoHttpSecurityCustomizer")
    public Customizer<HttpSecurity> oidcSsoHttpSecurityCustomizer(OidcSettings settings) {
        boolean ourCsrf = !"false".equals(settings.values().get(SettingNames.CSRF_APP_PATHS).orElse("true").trim()
                .toLowerCase(Locale.ROOT));
        return http -> {
            http.addFilterAfter(new OidcSsoSecurityContextFilter(), SecurityContextHolderFilter.class)
                    // The oidc-sso session cookie is the session; Spring keeps no HttpSession of its own.
                    .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                    .requestCache(cache -> cache.disable())
                    // oidc-sso answers /logout before the chain runs; Spring's own would never be reached.
                    .logout(logout -> logout.disable())
                    .exceptionHandling(errors -> errors.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)));
            if (ourCsrf) {
                // One CSRF check, not two: oidc-sso's runs first, on every cookie-authenticated
                // state-changing request, with its X-OIDC-SSO-CSRF header.
                http.csrf(csrf -> csrf.disable());
            }
        };
    }

    /**
     * Authenticates {@link OidcSsoAuthentication} tokens (they arrive authenticated). Its presence
     * also stops Spring Boot from creating its default user with a generated password.
     *
     * @return the provider
     */
    @Bean
    @ConditionalOnMissingBean
    public AuthenticationProvider oidcSsoAuthenticationProvider() {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                return authentication;
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return OidcSsoAuthentication.class.isAssignableFrom(authentication);
            }
        };
    }

    /**
     * {@code hasPermission(...)} backed by the framework's permissions.
     *
     * @param sso the framework
     * @return the evaluator
     */
    @Bean
    @ConditionalOnMissingBean(PermissionEvaluator.class)
    public OidcSsoPermissionEvaluator oidcSsoPermissionEvaluator(OidcSso sso) {
        return new OidcSsoPermissionEvaluator(sso);
    }

    /**
     * The expression handler of {@code @PreAuthorize} with the permission evaluator (Spring
     * Security's default one denies every {@code hasPermission}). Static and lazy, because method
     * security is set up before ordinary beans.
     *
     * @param evaluators the permission evaluator
     * @return the handler
     */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    public static MethodSecurityExpressionHandler oidcSsoMethodSecurityExpressionHandler(ObjectProvider<PermissionEvaluator> evaluators) {
        DefaultMethodSecurityExpressionHandler handler = new DefaultMethodSecurityExpressionHandler();
        handler.setPermissionEvaluator(new PermissionEvaluator() {
            @Override
            public boolean hasPermission(Authentication authentication, Object target, Object permission) {
                return evaluators.getObject().hasPermission(authentication, target, permission);
            }

            @Override
            public boolean hasPermission(Authentication authentication, Serializable id, String type, Object permission) {
                return evaluators.getObject().hasPermission(authentication, id, type, permission);
            }
        });
        return handler;
    }

    /**
     * The filter chain when the application defines none: what oidc-sso's filter let through
     * reaches the application, since it already sent unauthenticated requests to log in (or answered
     * 401) and lets {@code OIDC_PUBLIC_PATHS} through on purpose. Authorization is the application's,
     * with {@code @PreAuthorize} or a chain of its own.
     *
     * <p>It fails closed: a request oidc-sso's filter did not see (a servlet context the filter is
     * not registered in, such as a server an application adds) is refused rather than let through.
     * Error dispatches pass, so the container's error page can still be shown.
     *
     * @param http the HTTP security, with {@link #oidcSsoHttpSecurityCustomizer} applied
     * @return the chain
     * @throws Exception when Spring Security cannot build it
     */
    @Bean
    @ConditionalOnDefaultWebSecurity
    public SecurityFilterChain oidcSsoSecurityFilterChain(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests
                .requestMatchers(OidcSsoAutoConfiguration::admittedByOidcSso).permitAll()
                .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                .anyRequest().denyAll()).build();
    }

    /** Whether oidc-sso's filter let the request through: it marks every request it admits. */
    static boolean admittedByOidcSso(HttpServletRequest request) {
        return request.getAttribute(OidcSsoFilter.BASE_URI_ATTRIBUTE) != null;
    }

    /** Metrics, when the application has a Micrometer registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(MeterRegistry.class)
        MicrometerSsoEvents oidcSsoMetrics(MeterRegistry registry) {
            return new MicrometerSsoEvents(registry);
        }
    }

    /** The actuator health indicator, when the application has Spring Boot's health support. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "oidcSsoHealthIndicator")
        OidcSsoHealthIndicator oidcSsoHealthIndicator(OidcSso sso, ProviderFetchTracker fetches) {
            return new OidcSsoHealthIndicator(sso, fetches);
        }
    }

    /** Every {@code OIDC_*} (and {@code SECRET_KEY}, ...) name in Spring's property sources, highest precedence first wins. */
    static Map<String, String> settingNames(ConfigurableEnvironment environment) {
        Map<String, String> values = new HashMap<>();
        environment.getPropertySources().stream()
                .filter(source -> source instanceof EnumerablePropertySource<?>)
                .flatMap(source -> List.of(((EnumerablePropertySource<?>) source).getPropertyNames()).stream())
                .filter(SettingNames::isOurs)
                .forEach(name -> values.computeIfAbsent(name, environment::getProperty));
        return values;
    }

    private static Properties systemProperties() {
        Properties copy = new Properties();
        List<String> names = new ArrayList<>(System.getProperties().stringPropertyNames());
        names.forEach(name -> copy.setProperty(name, System.getProperty(name, "")));
        return copy;
    }
}
