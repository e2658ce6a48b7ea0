package dev.oidcsso.provider.entra;

import dev.oidcsso.spi.support.HostOrUrl;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.spi.PluginSettings;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How the {@code entra} group detector works, read from the settings.
 *
 * @param groupsClaim  the claim holding group object IDs, {@code groups} by default
 * @param displayNames whether groups are reported by display name (read from Graph) instead of ID
 * @param appRoles     whether the values of the {@code roles} claim count as groups too
 * @param graphUrl     the Microsoft Graph base URL
 * @param timeout      the timeout of each Graph request
 * @param multiTenant  whether the application is multi-tenant ({@code organizations} or {@code common})
 * @param roleTenants  in a multi-tenant application, the tenants whose app roles and display names count
 */
public record EntraGroupOptions(String groupsClaim, boolean displayNames, boolean appRoles, URI graphUrl,
                                Duration timeout, boolean multiTenant, List<String> roleTenants) {

    /**
     * Creates the value, copying collections so it stays immutable.
     *
     * @param groupsClaim  the claim holding group object IDs
     * @param displayNames whether groups are reported by display name
     * @param appRoles     whether app roles count as groups too
     * @param graphUrl     the Microsoft Graph base URL
     * @param timeout      the timeout of each Graph request
     * @param multiTenant  whether the application is multi-tenant
     * @param roleTenants  the tenants whose app roles and display names count
     */
    public EntraGroupOptions {
        roleTenants = List.copyOf(roleTenants);
    }

    /**
     * Whether names chosen inside the token's tenant (app role assignments, group display names) may
     * decide groups: always in a single-tenant application (the token's issuer is that tenant), and in
     * a multi-tenant one only for {@code OIDC_ENTRA_ROLE_TENANTS}. Group object IDs are assigned by Entra
     * and cannot be chosen, so they count from every allowed tenant.
     *
     * @param tid the token's {@code tid} claim
     * @return true when roles and display names of that tenant count
     */
    public boolean namesCountFor(Object tid) {
        return !multiTenant || tid instanceof String tenant && roleTenants.stream().anyMatch(tenant::equalsIgnoreCase);
    }

    /**
     * Reads the options, reporting every unusable value.
     *
     * @param settings the detector's (or profile's) settings
     * @param problems where problems are reported, each naming its setting
     * @return the options, with defaults where a value was unusable
     */
    public static EntraGroupOptions parse(PluginSettings settings, List<String> problems) {
        String mode = value(settings, EntraSettings.GROUP_NAMES, "id").toLowerCase(Locale.ROOT);
        if (!mode.equals("id") && !mode.equals("display")) {
            problems.add(EntraSettings.GROUP_NAMES + "='" + mode + "' is not 'id' (group object IDs) or 'display' (display names)");
        }
        String roles = value(settings, EntraSettings.APP_ROLES, "false").toLowerCase(Locale.ROOT);
        if (!roles.equals("true") && !roles.equals("false")) {
            problems.add(EntraSettings.APP_ROLES + "='" + roles + "' is not true or false");
        }
        URI graph = HostOrUrl.parse(EntraSettings.GRAPH_URL, value(settings, EntraSettings.GRAPH_URL,
                EntraSettings.DEFAULT_GRAPH_URL), problems).orElse(URI.create(EntraSettings.DEFAULT_GRAPH_URL));
        Duration timeout = OidcSettings.parseDuration(value(settings, SettingNames.HTTP_TIMEOUT, "5s"))
                .orElse(Duration.ofSeconds(5));
        boolean multiTenant = settings.get(EntraSettings.TENANT_ID)
                .or(() -> settings.get(SettingNames.DISCOVERY_URL).flatMap(EntraProfile::tenantOf))
                .map(t -> EntraSettings.MULTI_TENANT.contains(t.toLowerCase(Locale.ROOT))).orElse(false);
        List<String> roleTenants = settings.list(EntraSettings.ROLE_TENANTS, false);
        roleTenants.stream().filter(t -> !EntraSettings.isGuid(t)).forEach(t -> problems.add(EntraSettings.ROLE_TENANTS
                + " entry '" + t + "' is not a tenant ID (a GUID); every tenant ('*') cannot be trusted with role names"));
        if (multiTenant && roleTenants.isEmpty() && (roles.equals("true") || mode.equals("display"))) {
            problems.add((roles.equals("true") ? EntraSettings.APP_ROLES + "=true" : EntraSettings.GROUP_NAMES + "=display")
                    + " in a multi-tenant app lets the administrator of every allowed tenant assign this app's roles or name a "
                    + "group like yours in their own tenant: set " + EntraSettings.ROLE_TENANTS
                    + " to the tenant IDs whose roles and group names count (your own); other tenants' users keep their group IDs");
        }
        return new EntraGroupOptions(value(settings, SettingNames.GROUPS_ATTRIBUTE, "groups"), mode.equals("display"),
                roles.equals("true"), graph, timeout, multiTenant, roleTenants);
    }

    private static String value(PluginSettings settings, String name, String fallback) {
        return settings.get(name, fallback);
    }
}
