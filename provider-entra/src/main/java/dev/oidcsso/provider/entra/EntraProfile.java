package dev.oidcsso.provider.entra;

import com.google.auto.service.AutoService;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.spi.support.HostOrUrl;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.spi.ProviderProfile;
import dev.oidcsso.spi.ProviderProfileFactory;
import dev.oidcsso.spi.StandardChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Entra ID (formerly Azure AD), v2.0 endpoints.
 *
 * <p>The discovery URL is built from {@code OIDC_ENTRA_TENANT_ID}. A multi-tenant application
 * ({@code organizations} or {@code common}) gets a discovery document whose issuer is the literal
 * template {@code https://login.microsoftonline.com/{tenantid}/v2.0}: it is accepted, and each
 * token's {@code iss} must equal that template filled with the token's own {@code tid}, a tenant of
 * {@code OIDC_ENTRA_ALLOWED_TENANTS}. Groups come from the {@code entra} group detector (object IDs,
 * Graph on overage, optional display names and app roles); the username falls back from
 * {@code preferred_username} to {@code upn}, {@code email} and the immutable {@code oid}, so a
 * service principal or a user without a mailbox still gets a stable name.
 */
@AutoService(ProviderProfileFactory.class)
public final class EntraProfile implements ProviderProfileFactory {

    private static final Logger LOG = LoggerFactory.getLogger(EntraProfile.class);
    private static final Pattern DISCOVERY_PATH = Pattern.compile("/([^/]+)/v2\\.0" + Pattern.quote(StandardChecks.WELL_KNOWN));
    private static final String PLACEHOLDER_MARKER = "tenantid-placeholder";
    private static final Pattern ISSUER_PATH = Pattern.compile("/([^/]+)/v2\\.0/?");

    /** Creates the factory; the framework finds it with {@link java.util.ServiceLoader}. */
    public EntraProfile() {
    }

    @Override
    public Set<String> settingNames() {
        // The group names and detector are read to catch, at start-up, group names that can never match.
        return Set.of("OIDC_ENTRA_*", SettingNames.DISCOVERY_URL, SettingNames.GROUP_DETECTION_PLUGIN,
                SettingNames.GROUP_NAME, SettingNames.ADMIN_GROUP_NAME);
    }

    @Override
    public String name() {
        return "entra";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("azure", "azuread", "entra-id");
    }

    @Override
    public boolean recognises(URI discoveryUrl) {
        String host = discoveryUrl.getHost() == null ? "" : discoveryUrl.getHost().toLowerCase(Locale.ROOT);
        return host.equals("login.microsoftonline.com") || host.equals("login.microsoftonline.us")
                || host.equals("login.partner.microsoftonline.cn");
    }

    @Override
    public Map<String, String> defaults() {
        return Map.of(SettingNames.GROUP_DETECTION_PLUGIN, EntraGroupDetector.NAME,
                SettingNames.GROUPS_ATTRIBUTE, "groups",
                SettingNames.USERNAME_CLAIM, "preferred_username,upn,email,oid");
    }

    @Override
    public ProviderProfile create(PluginSettings settings) {
        List<String> problems = validate(settings);
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return new Entra(discoveryUrl(settings), settings.list(EntraSettings.ALLOWED_TENANTS, false));
    }

    private static Optional<URI> discoveryUrl(PluginSettings values) {
        Optional<String> tenant = values.get(EntraSettings.TENANT_ID).filter(EntraSettings::isTenant);
        Optional<URI> authority = HostOrUrl.tryParse(values.get(EntraSettings.AUTHORITY).orElse(EntraSettings.DEFAULT_AUTHORITY));
        if (tenant.isEmpty() || authority.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(URI.create(authority.get() + "/" + tenant.get() + "/v2.0" + StandardChecks.WELL_KNOWN));
    }

    private static List<String> validate(PluginSettings values) {
        List<String> problems = new ArrayList<>();
        Optional<String> tenant = values.get(EntraSettings.TENANT_ID);
        values.get(EntraSettings.AUTHORITY).ifPresent(a -> HostOrUrl.parse(EntraSettings.AUTHORITY, a, problems));
        tenant.filter(t -> !EntraSettings.isTenant(t)).ifPresent(t -> problems.add(EntraSettings.TENANT_ID + "='" + t
                + "' is not a Directory (tenant) ID, a verified domain, 'organizations' or 'common'"));
        if (tenant.isEmpty() && values.get(SettingNames.DISCOVERY_URL).isEmpty()) {
            problems.add(EntraSettings.TENANT_ID + " is not set: give the Directory (tenant) ID from the Overview page "
                    + "of Microsoft Entra ID, or 'organizations' for a multi-tenant app, or set " + SettingNames.DISCOVERY_URL);
        }
        validateTenants(values, tenant, problems);
        // OIDC_ENTRA_GROUP_NAMES, _APP_ROLES and _GRAPH_URL are the entra group detector's to check.
        validateGroupNames(values, problems);
        return problems;
    }

    private static void validateTenants(PluginSettings values, Optional<String> tenant, List<String> problems) {
        List<String> allowed = values.list(EntraSettings.ALLOWED_TENANTS, false);
        allowed.stream().filter(t -> !t.equals("*") && !EntraSettings.isGuid(t)).forEach(t -> problems.add(
                EntraSettings.ALLOWED_TENANTS + " entry '" + t + "' is not a tenant ID (a GUID) or *"));
        Optional<String> discoveryTenant = values.get(SettingNames.DISCOVERY_URL).flatMap(EntraProfile::tenantOf);
        boolean multiTenant = tenant.or(() -> discoveryTenant)
                .map(t -> EntraSettings.MULTI_TENANT.contains(t.toLowerCase(Locale.ROOT))).orElse(false);
        if (multiTenant && allowed.isEmpty()) {
            problems.add(EntraSettings.ALLOWED_TENANTS + " is not set: a multi-tenant app ('organizations' or 'common') "
                    + "accepts users of any Entra tenant; list the tenant IDs allowed to sign in, or * to allow every tenant");
        }
        if (allowed.contains("*")) {
            LOG.warn("{}=* lets users of every Microsoft Entra tenant sign in; their groups decide the role", EntraSettings.ALLOWED_TENANTS);
        }
    }

    /**
     * Entra puts group object IDs in tokens, so a group name that is no GUID can never match, unless
     * display names or app roles are configured: catching that at start-up saves a baffling 403.
     */
    private static void validateGroupNames(PluginSettings values, List<String> problems) {
        String detector = values.get(SettingNames.GROUP_DETECTION_PLUGIN).orElse(EntraGroupDetector.NAME);
        EntraGroupOptions options = EntraGroupOptions.parse(values, new ArrayList<>());
        if (!detector.equalsIgnoreCase(EntraGroupDetector.NAME) || options.displayNames() || options.appRoles()) {
            return;
        }
        checkGuids(values, SettingNames.GROUP_NAME, "mlflow", problems);
        checkGuids(values, SettingNames.ADMIN_GROUP_NAME, "mlflow-admin", problems);
    }

    private static void checkGuids(PluginSettings values, String setting, String fallback, List<String> problems) {
        List<String> names = values.list(setting, false);
        if (names.isEmpty()) {
            problems.add(setting + " is not set: Entra ID puts group object IDs in tokens, so give the Object ID of the '"
                    + fallback + "' group (Entra admin center → Groups → All groups), or set "
                    + EntraSettings.GROUP_NAMES + "=display to use display names");
            return;
        }
        names.stream().filter(name -> !EntraSettings.isGuid(name)).forEach(name -> problems.add(setting + " entry '" + name
                + "' is not an Entra group Object ID (a GUID such as 0b5ab0f1-93b2-4bd1-9f46-0c1d2d6a9c31); give the "
                + "group's Object ID, or set " + EntraSettings.GROUP_NAMES + "=display to use display names"));
    }

    /**
     * The tenant a discovery URL names.
     *
     * @param discoveryUrl the discovery URL
     * @return the tenant path segment, if the URL has Entra's form
     */
    static Optional<String> tenantOf(String discoveryUrl) {
        try {
            URI uri = new URI(discoveryUrl);
            Matcher matcher = DISCOVERY_PATH.matcher(uri.getRawPath() == null ? "" : uri.getRawPath());
            return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getRawAuthority() != null && a.getRawAuthority().equalsIgnoreCase(b.getRawAuthority());
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            return null;
        }
    }

    /**
     * The configured profile.
     *
     * @param discoveryUrl the discovery URL built from the tenant
     * @param allowed      {@code OIDC_ENTRA_ALLOWED_TENANTS}
     */
    private record Entra(Optional<URI> discoveryUrl, List<String> allowed) implements ProviderProfile {

        @Override
        public String name() {
            return "entra";
        }

        /** Entra ID issues a refresh token only for the {@code offline_access} scope. */
        @Override
        public java.util.Set<String> refreshTokenScopes(java.util.Set<String> advertised) {
            return java.util.Set.of("offline_access");
        }

        /**
         * Entra ID's {@code email} claim is a mutable directory attribute that Microsoft documents as
         * unverified, and Entra sends no {@code email_verified}: the address serves as a user name only
         * if a token ever carries {@code email_verified} true (never, in practice), so the
         * {@code email} entry of the username claims is skipped for Entra users.
         */
        @Override
        public boolean emailVerified(Map<String, Object> claims) {
            return Boolean.TRUE.equals(claims.get("email_verified"));
        }

        @Override
        public boolean acceptsDiscoveredIssuer(URI discoveryUrl, String issuer) {
            if (StandardChecks.issuerMatchesDiscoveryUrl(discoveryUrl, issuer)) {
                return true;
            }
            // The multi-tenant documents declare the literal issuer .../{tenantid}/v2.0, and a tenant
            // named by its domain declares its GUID: both are Entra's own, on the same authority.
            Optional<String> discoveryTenant = tenantOf(discoveryUrl.toString());
            // '{' and '}' are not allowed in a URI, so the placeholder is swapped for a marker to parse it.
            URI issuerUri;
            try {
                issuerUri = new URI(issuer.replace(EntraSettings.TENANT_PLACEHOLDER, PLACEHOLDER_MARKER));
            } catch (URISyntaxException e) {
                return false;
            }
            Matcher path = ISSUER_PATH.matcher(issuerUri.getRawPath() == null ? "" : issuerUri.getRawPath());
            if (discoveryTenant.isEmpty() || !path.matches() || !sameOrigin(discoveryUrl, issuerUri)
                    || issuerUri.getRawQuery() != null) {
                return false;
            }
            String declared = path.group(1);
            String configured = discoveryTenant.get().toLowerCase(Locale.ROOT);
            if (declared.equals(PLACEHOLDER_MARKER)) {
                return EntraSettings.MULTI_TENANT.contains(configured);
            }
            return EntraSettings.isGuid(declared) && !EntraSettings.isGuid(configured);
        }

        @Override
        public boolean acceptsTokenIssuer(String discoveredIssuer, JWTClaimsSet claims) {
            if (!discoveredIssuer.contains(EntraSettings.TENANT_PLACEHOLDER)) {
                return discoveredIssuer.equals(claims.getIssuer());
            }
            String tid = stringClaim(claims, "tid");
            return EntraSettings.isGuid(tid)
                    && discoveredIssuer.replace(EntraSettings.TENANT_PLACEHOLDER, tid).equals(claims.getIssuer());
        }

        @Override
        public boolean ownsIssuer(String discoveredIssuer, String issuer) {
            int at = discoveredIssuer.indexOf(EntraSettings.TENANT_PLACEHOLDER);
            if (at < 0) {
                return discoveredIssuer.equals(issuer);
            }
            String before = discoveredIssuer.substring(0, at);
            String after = discoveredIssuer.substring(at + EntraSettings.TENANT_PLACEHOLDER.length());
            return issuer != null && issuer.length() > before.length() + after.length() && issuer.startsWith(before)
                    && issuer.endsWith(after) && EntraSettings.isGuid(issuer.substring(before.length(), issuer.length() - after.length()));
        }

        @Override
        public Optional<String> checkToken(JWTClaimsSet claims) {
            if (allowed.isEmpty() || allowed.contains("*")) {
                return Optional.empty();
            }
            String tid = stringClaim(claims, "tid");
            if (tid == null) {
                return Optional.of("the token has no tid claim, so its tenant cannot be checked against "
                        + EntraSettings.ALLOWED_TENANTS);
            }
            boolean listed = allowed.stream().anyMatch(t -> t.equalsIgnoreCase(tid));
            return listed ? Optional.empty()
                    : Optional.of("the account belongs to tenant " + tid + ", which is not in " + EntraSettings.ALLOWED_TENANTS);
        }
    }
}
