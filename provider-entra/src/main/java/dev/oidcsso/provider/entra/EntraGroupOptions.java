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
 */
public record EntraGroupOptions(String groupsClaim, boolean displayNames, boolean appRoles, URI graphUrl,
                                Duration timeout) {

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
        return new EntraGroupOptions(value(settings, SettingNames.GROUPS_ATTRIBUTE, "groups"), mode.equals("display"),
                roles.equals("true"), graph, timeout);
    }

    private static String value(PluginSettings settings, String name, String fallback) {
        return settings.get(name, fallback);
    }
}
