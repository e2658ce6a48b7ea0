package dev.oidcsso.provider.entra;

import com.google.auto.service.AutoService;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetectionException;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.spi.support.ClaimValues;
import dev.oidcsso.spi.support.JsonHttp;
import dev.oidcsso.spi.support.JsonHttpException;
import dev.oidcsso.spi.GroupDetectorFactory;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.oidc.TokenValidationException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The groups of an Entra ID user ({@code OIDC_GROUP_DETECTION_PLUGIN=entra}, the Entra profile's
 * default).
 *
 * <ul>
 *   <li>Normally the group object IDs of the token's {@code groups} claim.</li>
 *   <li>When the user is in more groups than fit in a token (about 200 in a JWT), Entra leaves the
 *       claim out and signals the overage with {@code _claim_names}/{@code _claim_sources} or
 *       {@code hasgroups: true}; the groups are then read from Microsoft Graph
 *       ({@code /me/transitiveMemberOf}) with the user's delegated access token, every page,
 *       duplicates removed. The app needs the delegated permission {@code GroupMember.Read.All}
 *       requested in {@code OIDC_SCOPE}.</li>
 *   <li>With {@code OIDC_ENTRA_GROUP_NAMES=display}, groups are always read from Graph and reported
 *       by display name.</li>
 *   <li>With {@code OIDC_ENTRA_APP_ROLES=true}, the app roles of the {@code roles} claim are
 *       added.</li>
 *   <li>Without an access token to call Graph with (an API client's bearer token), an overage (or
 *       display names) cannot be resolved: the app roles alone count when enabled and present;
 *       otherwise the token is refused with 401 and a message saying what to configure.</li>
 * </ul>
 *
 * The delegated token was chosen over an application (client-credentials) token because it needs
 * no extra secret or application permission, and it can only ever read the signed-in user's own
 * memberships.
 */
public final class EntraGroupDetector implements GroupDetector {

    /** The detector's name. */
    public static final String NAME = "entra";

    private final EntraGroupOptions options;
    private final MicrosoftGraph graph;

    /**
     * Creates a configured detector.
     *
     * @param options how groups are found
     * @param graph   the Microsoft Graph client
     */
    public EntraGroupDetector(EntraGroupOptions options, MicrosoftGraph graph) {
        this.options = Objects.requireNonNull(options, "options");
        this.graph = Objects.requireNonNull(graph, "graph");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> detectGroups(GroupDetectionContext context) {
        Map<String, Object> claims = context.tokenClaims().isEmpty() ? context.claims() : context.tokenClaims();
        Set<String> groups = new LinkedHashSet<>();
        // Another tenant's administrator chooses the roles and group names of their tenant: there only IDs count.
        boolean names = options.namesCountFor(claims.get("tid"));
        boolean displayNames = options.displayNames() && names;
        List<String> roles = options.appRoles() && names ? ClaimValues.strings(claims.get("roles")) : List.of();
        if (context.accessToken().isEmpty() && !roles.isEmpty() && (displayNames || hasOverage(claims))) {
            // An API client with app roles: the roles decide, as the README advises for overage tokens.
            return List.copyOf(roles);
        }
        if (displayNames || hasOverage(claims)) {
            for (MicrosoftGraph.Group group : fromGraph(context, hasOverage(claims))) {
                groups.add(displayNames ? group.displayName() : group.id());
            }
        } else {
            groups.addAll(ClaimValues.strings(claims.get(options.groupsClaim())));
        }
        groups.addAll(roles);
        return List.copyOf(groups);
    }

    /**
     * Whether Entra left the groups out because there are too many: {@code _claim_names} naming
     * {@code groups} (JWTs), or {@code hasgroups: true} (implicit-flow tokens).
     *
     * @param claims the token's claims
     * @return true on overage
     */
    static boolean hasOverage(Map<String, Object> claims) {
        return claims.get("_claim_names") instanceof Map<?, ?> names && names.containsKey("groups")
                || ClaimValues.isTrue(claims.get("hasgroups"));
    }

    private List<MicrosoftGraph.Group> fromGraph(GroupDetectionContext context, boolean overage) {
        Optional<String> token = context.accessToken();
        String why = overage ? "the token says the user is in too many groups to list (group overage)"
                : EntraSettings.GROUP_NAMES + "=display needs the groups' display names";
        if (token.isEmpty()) {
            // A bearer token from an API client comes without a Graph token: retrying can never work,
            // so this is a refusal of the token (401), not a passing failure (502).
            throw new TokenValidationException(why + ", but no access token is available to ask Microsoft Graph "
                    + "(an API client's bearer token carries none). Either limit the token's groups claim to the "
                    + "groups assigned to the application (app registration, Token configuration, groups claim), "
                    + "or give the client app roles and set OIDC_ENTRA_APP_ROLES=true, or sign in through the browser.");
        }
        try {
            return graph.transitiveGroups(token.get());
        } catch (JsonHttpException e) {
            String hint = e.remoteStatus() == 401 || e.remoteStatus() == 403
                    ? "; give the app the delegated Microsoft Graph permission GroupMember.Read.All (with admin "
                    + "consent) and request it in OIDC_SCOPE" : "";
            throw new GroupDetectionException(why + ", and Microsoft Graph could not list them: " + e.getMessage() + hint, e);
        } catch (IllegalStateException e) {
            throw new GroupDetectionException(why + ", and " + e.getMessage(), e);
        }
    }

    /** Creates the detector from {@code OIDC_ENTRA_*}, {@code OIDC_GROUPS_ATTRIBUTE} and {@code OIDC_HTTP_TIMEOUT}. */
    @AutoService(GroupDetectorFactory.class)
    public static final class Factory implements GroupDetectorFactory {

        /** Creates the factory; the framework finds it with {@link java.util.ServiceLoader}. */
        public Factory() {
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Set<String> settingNames() {
            // The discovery URL tells a multi-tenant app, whose role names count only from OIDC_ENTRA_ROLE_TENANTS.
            return Set.of("OIDC_ENTRA_*", SettingNames.GROUPS_ATTRIBUTE, SettingNames.HTTP_TIMEOUT, SettingNames.DISCOVERY_URL);
        }

        @Override
        public GroupDetector create(PluginSettings settings) {
            List<String> problems = new ArrayList<>();
            EntraGroupOptions parsed = EntraGroupOptions.parse(settings, problems);
            if (!problems.isEmpty()) {
                throw new SettingsException(problems);
            }
            return new EntraGroupDetector(parsed, new MicrosoftGraph(JsonHttp.create(parsed.timeout()), parsed.graphUrl()));
        }
    }
}
