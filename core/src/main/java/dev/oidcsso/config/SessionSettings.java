package dev.oidcsso.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Sessions, their cookies and the key that seals them.
 *
 * @param secretKey    {@code SECRET_KEY}, at least 32 characters; empty when a random key is to be made
 * @param maxAge       {@code OIDC_SESSION_MAX_AGE}: the absolute lifetime (default 8 h)
 * @param idleTimeout  {@code OIDC_SESSION_IDLE_TIMEOUT}: a session unused this long ends (default 1 h)
 * @param cookieDomain {@code OIDC_COOKIE_DOMAIN}: a {@code Domain} for the framework's cookies, which
 *                     then get the {@code __Secure-} prefix instead of {@code __Host-}; empty (the
 *                     default) for host-only cookies
 * @param refreshTokens {@code OIDC_REFRESH_TOKENS}: ask the IdP for a refresh token and refresh an active
 *                     session's tokens before they expire (default false)
 * @param refreshBefore {@code OIDC_REFRESH_BEFORE}: how long before the tokens expire an active session
 *                     refreshes them (default 60 s)
 * @param groupsMaxStaleness {@code OIDC_GROUPS_MAX_STALENESS}: how old the groups behind a personal access
 *                     token (recorded by the user's last login or refresh) or a bearer token (its
 *                     {@code iat}) may be (default 24 h)
 */
public record SessionSettings(Optional<Secret> secretKey, Duration maxAge, Duration idleTimeout, Optional<String> cookieDomain,
                              boolean refreshTokens, Duration refreshBefore, Duration groupsMaxStaleness) {

    /** The default of {@code OIDC_REFRESH_BEFORE}. */
    public static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofSeconds(60);
    /** The default of {@code OIDC_GROUPS_MAX_STALENESS}. */
    public static final Duration DEFAULT_GROUPS_MAX_STALENESS = Duration.ofHours(24);

    /** The shortest usable {@code SECRET_KEY}. */
    static final int MIN_SECRET_KEY_LENGTH = 32;
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

    /**
     * The settings without an idle timeout shorter than the lifetime and with host-only cookies.
     *
     * @param secretKey {@code SECRET_KEY}
     * @param maxAge    {@code OIDC_SESSION_MAX_AGE}
     */
    public SessionSettings(Optional<Secret> secretKey, Duration maxAge) {
        this(secretKey, maxAge, maxAge, Optional.empty());
    }

    /**
     * The settings without refresh tokens and with the default groups staleness.
     *
     * @param secretKey    {@code SECRET_KEY}
     * @param maxAge       {@code OIDC_SESSION_MAX_AGE}
     * @param idleTimeout  {@code OIDC_SESSION_IDLE_TIMEOUT}
     * @param cookieDomain {@code OIDC_COOKIE_DOMAIN}
     */
    public SessionSettings(Optional<Secret> secretKey, Duration maxAge, Duration idleTimeout, Optional<String> cookieDomain) {
        this(secretKey, maxAge, idleTimeout, cookieDomain, false, DEFAULT_REFRESH_BEFORE, DEFAULT_GROUPS_MAX_STALENESS);
    }

    static SessionSettings parse(SettingValues values, List<String> problems) {
        Optional<Secret> secretKey = values.get(SettingNames.SECRET_KEY).map(Secret::of);
        secretKey.filter(key -> key.length() < MIN_SECRET_KEY_LENGTH).ifPresent(key -> problems.add(
                SettingNames.SECRET_KEY + " is " + key.length() + " characters long; use at least " + MIN_SECRET_KEY_LENGTH
                        + " random characters (for example: openssl rand -base64 48)"));
        Duration maxAge = SettingParsers.duration(values, SettingNames.SESSION_MAX_AGE, Duration.ofHours(8), problems);
        Duration idle = SettingParsers.duration(values, SettingNames.SESSION_IDLE_TIMEOUT, Duration.ofHours(1), problems);
        if (idle.isZero() || idle.isNegative()) {
            problems.add(SettingNames.SESSION_IDLE_TIMEOUT + " must be positive, for example 30m");
            idle = Duration.ofHours(1);
        }
        Optional<String> domain = values.get(SettingNames.COOKIE_DOMAIN).map(String::trim).filter(d -> !d.isEmpty())
                .map(d -> d.startsWith(".") ? d.substring(1) : d);
        if (domain.isPresent() && !DOMAIN.matcher(domain.get()).matches()) {
            problems.add(SettingNames.COOKIE_DOMAIN + " must be a host name such as example.com (leave it unset for "
                    + "host-only __Host- cookies)");
            domain = Optional.empty();
        }
        boolean refresh = SettingParsers.bool(values, SettingNames.REFRESH_TOKENS, false, problems);
        Duration before = SettingParsers.duration(values, SettingNames.REFRESH_BEFORE, DEFAULT_REFRESH_BEFORE, problems);
        if (before.isNegative() || before.compareTo(Duration.ofHours(1)) > 0) {
            problems.add(SettingNames.REFRESH_BEFORE + " must be between 0s and 1h, for example 60s");
            before = DEFAULT_REFRESH_BEFORE;
        }
        Duration staleness = SettingParsers.duration(values, SettingNames.GROUPS_MAX_STALENESS, DEFAULT_GROUPS_MAX_STALENESS, problems);
        if (staleness.compareTo(Duration.ofMinutes(1)) < 0) {
            problems.add(SettingNames.GROUPS_MAX_STALENESS + " must be at least 1m, for example 24h");
            staleness = DEFAULT_GROUPS_MAX_STALENESS;
        }
        return new SessionSettings(secretKey, maxAge, idle.compareTo(maxAge) > 0 ? maxAge : idle, domain, refresh, before, staleness);
    }
}
