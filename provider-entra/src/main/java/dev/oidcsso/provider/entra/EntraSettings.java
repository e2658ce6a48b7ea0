package dev.oidcsso.provider.entra;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names of the settings the Entra ID profile and its {@code entra} group detector read, besides
 * the generic ones, and the shapes of Entra identifiers.
 */
public final class EntraSettings {

    /**
     * The Directory (tenant) ID, a verified domain of the tenant, or {@code organizations} /
     * {@code common} for a multi-tenant application.
     */
    public static final String TENANT_ID = "OIDC_ENTRA_TENANT_ID";
    /**
     * The tenants (IDs, comma list) whose users may sign in to a multi-tenant application, or
     * {@code *} for any tenant. Required with {@code organizations} or {@code common}.
     */
    public static final String ALLOWED_TENANTS = "OIDC_ENTRA_ALLOWED_TENANTS";
    /** {@code id} (default): groups are object IDs; {@code display}: display names read from Graph. */
    public static final String GROUP_NAMES = "OIDC_ENTRA_GROUP_NAMES";
    /** {@code true} to count the app roles of the {@code roles} claim as groups too. */
    public static final String APP_ROLES = "OIDC_ENTRA_APP_ROLES";
    /**
     * In a multi-tenant application, the tenants (IDs, comma list) whose app roles and group display
     * names count: every allowed tenant's administrator can assign this app's roles and name groups in
     * their own tenant, so only the operator's own tenants may decide a role by name. Required there
     * with {@link #APP_ROLES} or {@code display} group names; {@code *} is refused.
     */
    public static final String ROLE_TENANTS = "OIDC_ENTRA_ROLE_TENANTS";
    /** The login authority, {@code https://login.microsoftonline.com} unless in a national cloud. */
    public static final String AUTHORITY = "OIDC_ENTRA_AUTHORITY";
    /** The Microsoft Graph base URL, {@code https://graph.microsoft.com/v1.0} unless in a national cloud. */
    public static final String GRAPH_URL = "OIDC_ENTRA_GRAPH_URL";

    /** The default login authority. */
    public static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
    /** The default Microsoft Graph base URL. */
    public static final String DEFAULT_GRAPH_URL = "https://graph.microsoft.com/v1.0";
    /** The tenant placeholder in the issuer of the multi-tenant discovery documents. */
    public static final String TENANT_PLACEHOLDER = "{tenantid}";

    /** The tenant aliases of multi-tenant applications, whose tokens come from many tenants. */
    static final Set<String> MULTI_TENANT = Set.of("common", "organizations");
    /** Every tenant alias that is not a tenant. */
    static final Set<String> TENANT_ALIASES = Set.of("common", "organizations", "consumers");

    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN = Pattern.compile("([a-zA-Z0-9-]+\\.)+[a-zA-Z]{2,}");

    private EntraSettings() {
    }

    /**
     * Whether a value is a GUID, the form of every Entra object and tenant ID.
     *
     * @param value the value
     * @return true for a GUID
     */
    public static boolean isGuid(String value) {
        return value != null && GUID.matcher(value).matches();
    }

    /**
     * Whether a value can name a tenant: a GUID, a domain or an alias such as {@code organizations}.
     *
     * @param value the value
     * @return true when it can
     */
    static boolean isTenant(String value) {
        return isGuid(value) || DOMAIN.matcher(value).matches()
                || TENANT_ALIASES.contains(value.toLowerCase(Locale.ROOT));
    }
}
