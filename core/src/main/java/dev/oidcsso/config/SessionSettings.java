package dev.oidcsso.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Sessions and the key that seals them.
 *
 * @param secretKey {@code SECRET_KEY}, at least 32 characters; empty when a random key is to be made
 * @param maxAge    {@code OIDC_SESSION_MAX_AGE}
 */
public record SessionSettings(Optional<Secret> secretKey, Duration maxAge) {

    /** The shortest usable {@code SECRET_KEY}. */
    static final int MIN_SECRET_KEY_LENGTH = 32;

    static SessionSettings parse(SettingValues values, List<String> problems) {
        Optional<Secret> secretKey = values.get(SettingNames.SECRET_KEY).map(Secret::of);
        secretKey.filter(key -> key.length() < MIN_SECRET_KEY_LENGTH).ifPresent(key -> problems.add(
                SettingNames.SECRET_KEY + " is " + key.length() + " characters long; use at least " + MIN_SECRET_KEY_LENGTH
                        + " random characters (for example: openssl rand -base64 48)"));
        return new SessionSettings(secretKey, SettingParsers.duration(values, SettingNames.SESSION_MAX_AGE, Duration.ofHours(8), problems));
    }
}
