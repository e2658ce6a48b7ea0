package dev.oidcsso.provider.cognito;

import com.google.auto.service.AutoService;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.spi.support.HostOrUrl;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.oidc.LogoutUris;
import dev.oidcsso.spi.LogoutRequestInfo;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.spi.ProviderProfile;
import dev.oidcsso.spi.ProviderProfileFactory;
import dev.oidcsso.spi.StandardChecks;

import java.net.URI;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Amazon Cognito user pools. The discovery URL is built from {@code OIDC_COGNITO_REGION} and
 * {@code OIDC_COGNITO_USER_POOL_ID}; groups come from {@code cognito:groups}. Cognito's quirks:
 * its discovery document advertises no {@code end_session_endpoint}, so logout goes through the
 * hosted UI domain's {@code /logout?client_id=...&logout_uri=...}; and its access tokens carry no
 * {@code aud} but {@code client_id} with {@code token_use=access}, which is what bearer tokens are
 * checked against.
 */
@AutoService(ProviderProfileFactory.class)
public final class CognitoProfile implements ProviderProfileFactory {

    private static final Pattern COGNITO_HOST = Pattern.compile("cognito-idp\\.[a-z0-9-]+\\.amazonaws\\.com");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final Pattern POOL_ID = Pattern.compile("([a-z]{2}(?:-[a-z]+)+-\\d+)_[A-Za-z0-9]+");

    /** Creates the factory; the framework finds it with {@link java.util.ServiceLoader}. */
    public CognitoProfile() {
    }

    @Override
    public String name() {
        return "cognito";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("aws-cognito");
    }

    @Override
    public Set<String> settingNames() {
        return Set.of(CognitoSettings.REGION, CognitoSettings.USER_POOL_ID, CognitoSettings.DOMAIN, SettingNames.DISCOVERY_URL);
    }

    @Override
    public boolean recognises(URI discoveryUrl) {
        String host = discoveryUrl.getHost() == null ? "" : discoveryUrl.getHost().toLowerCase(Locale.ROOT);
        return COGNITO_HOST.matcher(host).matches();
    }

    @Override
    public Map<String, String> defaults() {
        // cognito:username is assigned by the pool and cannot be changed by the user, unlike
        // preferred_username or (an unverified) email, so it is the safe default for a username.
        return Map.of(SettingNames.GROUPS_ATTRIBUTE, "cognito:groups",
                SettingNames.USERNAME_CLAIM, "cognito:username,username,sub");
    }

    @Override
    public ProviderProfile create(PluginSettings settings) {
        List<String> problems = validate(settings);
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return new Cognito(discoveryUrl(settings), settings.get(CognitoSettings.DOMAIN).flatMap(HostOrUrl::tryParse));
    }

    private static Optional<URI> discoveryUrl(PluginSettings values) {
        Optional<String> region = values.get(CognitoSettings.REGION).filter(r -> REGION.matcher(r).matches());
        Optional<String> pool = values.get(CognitoSettings.USER_POOL_ID).filter(p -> POOL_ID.matcher(p).matches());
        if (region.isEmpty() || pool.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(URI.create("https://cognito-idp." + region.get() + ".amazonaws.com/" + pool.get()
                + StandardChecks.WELL_KNOWN));
    }

    private static List<String> validate(PluginSettings values) {
        List<String> problems = new ArrayList<>();
        Optional<String> region = values.get(CognitoSettings.REGION);
        Optional<String> pool = values.get(CognitoSettings.USER_POOL_ID);
        region.filter(r -> !REGION.matcher(r).matches()).ifPresent(r -> problems.add(
                CognitoSettings.REGION + "='" + r + "' is not an AWS region such as eu-west-1"));
        pool.ifPresent(p -> {
            Matcher matcher = POOL_ID.matcher(p);
            if (!matcher.matches()) {
                problems.add(CognitoSettings.USER_POOL_ID + "='" + p + "' is not a user pool id such as "
                        + "eu-west-1_AbCdEf123 (Cognito → User pools → the pool's Overview)");
            } else if (region.isPresent() && !matcher.group(1).equals(region.get())) {
                problems.add(CognitoSettings.USER_POOL_ID + "='" + p + "' belongs to region " + matcher.group(1)
                        + " but " + CognitoSettings.REGION + "='" + region.get() + "'");
            }
        });
        if (values.get(SettingNames.DISCOVERY_URL).isEmpty()) {
            if (region.isEmpty()) {
                problems.add(CognitoSettings.REGION + " is not set: give the user pool's AWS region (for example "
                        + "eu-west-1), or set " + SettingNames.DISCOVERY_URL);
            }
            if (pool.isEmpty()) {
                problems.add(CognitoSettings.USER_POOL_ID + " is not set: give the user pool id (for example "
                        + "eu-west-1_AbCdEf123), or set " + SettingNames.DISCOVERY_URL);
            }
        }
        Optional<String> domain = values.get(CognitoSettings.DOMAIN);
        if (domain.isPresent()) {
            HostOrUrl.parse(CognitoSettings.DOMAIN, domain.get(), problems);
        } else {
            problems.add(CognitoSettings.DOMAIN + " is not set: give the user pool's domain (App integration → "
                    + "Domain, for example myapp.auth.eu-west-1.amazoncognito.com); Cognito advertises no "
                    + "end_session_endpoint, so logout needs it to end the Cognito session");
        }
        return problems;
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
     * @param discoveryUrl the discovery URL built from region and user pool
     * @param domain       the hosted UI domain, for logout
     */
    private record Cognito(Optional<URI> discoveryUrl, Optional<URI> domain) implements ProviderProfile {

        @Override
        public String name() {
            return "cognito";
        }

        /** Cognito returns a refresh token from every code exchange and rejects scopes the app client does not allow. */
        @Override
        public Set<String> refreshTokenScopes(Set<String> advertised) {
            return Set.of();
        }

        @Override
        public Optional<String> checkBearerAudience(JWTClaimsSet claims, Set<String> audiences) {
            String tokenUse = stringClaim(claims, "token_use");
            if ("access".equals(tokenUse)) {
                String clientId = stringClaim(claims, "client_id");
                if (clientId == null) {
                    return Optional.of("the Cognito access token has no client_id claim");
                }
                return audiences.contains(clientId) ? Optional.empty()
                        : Optional.of("the Cognito access token was issued to another app client; accepted: " + audiences);
            }
            if ("id".equals(tokenUse)) {
                return StandardChecks.audienceRefusal(claims, audiences);
            }
            return Optional.of("the token's token_use is not 'access' or 'id', so it is no Cognito user pool token");
        }

        @Override
        public Optional<URI> logoutUri(LogoutRequestInfo request) {
            return domain.map(base -> {
                Map<String, String> parameters = new LinkedHashMap<>();
                parameters.put("client_id", request.clientId());
                parameters.put("logout_uri", request.postLogoutRedirectUri().toString());
                return LogoutUris.withQuery(URI.create(base + "/logout"), parameters);
            });
        }
    }
}
