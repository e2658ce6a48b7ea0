package dev.oidcsso.provider.google;

import com.google.auto.service.AutoService;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.spi.support.HostOrUrl;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.spi.ProviderProfile;
import dev.oidcsso.spi.ProviderProfileFactory;

import java.net.URI;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Google accounts and Google Workspace. The discovery URL is fixed; Google's tokens carry no groups,
 * so a group detector supplies them: {@code google-mapping} (the default) or
 * {@code google-directory}. A configured hosted domain is sent as {@code hd} and, since that
 * parameter only steers the account chooser, enforced on the ID token's {@code hd} claim. Google
 * advertises no {@code end_session_endpoint}: logout is local. Google's ID tokens may carry
 * {@code iss} without the scheme ({@code accounts.google.com}); both forms are accepted. The group
 * detectors check their own settings.
 */
@AutoService(ProviderProfileFactory.class)
public final class GoogleProfile implements ProviderProfileFactory {

    private static final Pattern DOMAIN = Pattern.compile("([a-z0-9-]+\\.)+[a-z]{2,}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    /** Creates the factory; the framework finds it with {@link java.util.ServiceLoader}. */
    public GoogleProfile() {
    }

    @Override
    public String name() {
        return "google";
    }

    @Override
    public Set<String> settingNames() {
        return Set.of(GoogleSettings.HOSTED_DOMAIN);
    }

    @Override
    public boolean recognises(URI discoveryUrl) {
        return "accounts.google.com".equalsIgnoreCase(discoveryUrl.getHost());
    }

    @Override
    public Map<String, String> defaults() {
        // Google issues no preferred_username; the e-mail address is what users know themselves by.
        return Map.of(SettingNames.GROUP_DETECTION_PLUGIN, GoogleMappingGroupDetector.NAME,
                SettingNames.USERNAME_CLAIM, "email,sub");
    }

    @Override
    public ProviderProfile create(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        List<String> domains = settings.list(GoogleSettings.HOSTED_DOMAIN, false).stream()
                .map(d -> d.toLowerCase(Locale.ROOT)).toList();
        domains.stream().filter(d -> !DOMAIN.matcher(d).matches()).forEach(d -> problems.add(
                GoogleSettings.HOSTED_DOMAIN + " entry '" + d + "' is not a domain such as example.com"));
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return new Google(domains);
    }

    /**
     * The configured profile.
     *
     * @param hostedDomains the Workspace domains whose accounts may sign in; empty for any account
     */
    private record Google(List<String> hostedDomains) implements ProviderProfile {

        @Override
        public String name() {
            return "google";
        }

        @Override
        public Optional<URI> discoveryUrl() {
            return Optional.of(URI.create(GoogleSettings.DISCOVERY_URL));
        }

        @Override
        public boolean acceptsTokenIssuer(String discoveredIssuer, JWTClaimsSet claims) {
            String iss = claims.getIssuer();
            if (iss == null) {
                return false;
            }
            // Google documents that iss is "https://accounts.google.com" or "accounts.google.com".
            return iss.equals(discoveredIssuer)
                    || discoveredIssuer.startsWith("https://") && iss.equals(discoveredIssuer.substring("https://".length()));
        }

        @Override
        public Optional<String> checkToken(JWTClaimsSet claims) {
            if (hostedDomains.isEmpty()) {
                return Optional.empty();
            }
            String hd;
            try {
                hd = claims.getStringClaim("hd");
            } catch (ParseException e) {
                hd = null;
            }
            if (hd == null) {
                return Optional.of("this is a personal Google account; sign in with an account of " + String.join(", ", hostedDomains));
            }
            String domain = hd.toLowerCase(Locale.ROOT);
            return hostedDomains.contains(domain) ? Optional.empty()
                    : Optional.of("the Google account belongs to " + domain + "; sign in with an account of "
                    + String.join(", ", hostedDomains));
        }

        @Override
        public Map<String, String> authorizationParameters() {
            if (hostedDomains.isEmpty()) {
                return Map.of();
            }
            // hd takes one domain; with several, "*" still hides personal accounts in the chooser.
            return Map.of("hd", hostedDomains.size() == 1 ? hostedDomains.get(0) : "*");
        }

        /** Google ignores {@code offline_access}: it issues a refresh token for {@code access_type=offline}, and again only with {@code prompt=consent}. */
        @Override
        public Set<String> refreshTokenScopes(Set<String> advertised) {
            return Set.of();
        }

        @Override
        public Map<String, String> refreshTokenParameters() {
            return Map.of("access_type", "offline", "prompt", "consent");
        }
    }

    /**
     * The message for a Google configuration without a way to find groups.
     *
     * @return the message, naming the settings
     */
    static String missingMapping() {
        return GoogleSettings.GROUP_MAPPING + " is not set: Google's tokens carry no groups, so map users to groups "
                + "(for example mlflow-admin=boss@example.com;mlflow=@example.com), or set "
                + SettingNames.GROUP_DETECTION_PLUGIN + "=" + GoogleDirectoryGroupDetector.NAME
                + " to read Google Workspace groups";
    }

    /**
     * Reads and checks the service account settings of the {@code google-directory} detector.
     *
     * @param settings the detector's settings
     * @param problems where problems are reported
     * @return the key, or empty when unusable
     */
    static Optional<ServiceAccountKey> serviceAccount(PluginSettings settings, List<String> problems) {
        String admin = settings.get(GoogleSettings.DELEGATED_ADMIN, null);
        if (admin == null || admin.isBlank()) {
            problems.add(GoogleSettings.DELEGATED_ADMIN + " is not set: give the e-mail address of a Workspace "
                    + "administrator the service account acts for through domain-wide delegation");
        } else if (!EMAIL.matcher(admin.trim()).matches()) {
            problems.add(GoogleSettings.DELEGATED_ADMIN + "='" + admin + "' is not an e-mail address");
        }
        String file = settings.get(GoogleSettings.SERVICE_ACCOUNT_FILE, null);
        if (file == null || file.isBlank()) {
            problems.add(GoogleSettings.SERVICE_ACCOUNT_FILE + " is not set: give the path of the service account's "
                    + "JSON key file, needed by the " + GoogleDirectoryGroupDetector.NAME + " group detector");
            return Optional.empty();
        }
        return ServiceAccountKey.read(file.trim(), problems);
    }

    /**
     * Reads a URL setting.
     *
     * @param settings the detector's settings
     * @param name     the setting
     * @param fallback the default
     * @param problems where problems are reported
     * @return the URL, the default when unusable
     */
    static URI url(PluginSettings settings, String name, String fallback, List<String> problems) {
        String value = settings.get(name, fallback);
        return HostOrUrl.parse(name, value == null || value.isBlank() ? fallback : value, problems)
                .orElse(URI.create(fallback));
    }
}
