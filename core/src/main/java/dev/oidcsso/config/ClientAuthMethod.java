package dev.oidcsso.config;

import java.util.Locale;
import java.util.Optional;

/** How the client authenticates at the token endpoint. */
public enum ClientAuthMethod {
    /** HTTP Basic with the client id and secret (the default). */
    CLIENT_SECRET_BASIC,
    /** The client id and secret in the form body. */
    CLIENT_SECRET_POST,
    /** No client authentication: a public client relying on PKCE alone. */
    NONE;

    /**
     * The name used in configuration and in discovery documents.
     *
     * @return for example {@code client_secret_basic}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a configuration value.
     *
     * @param text for example {@code client_secret_post}
     * @return the method, or empty when unknown
     */
    public static Optional<ClientAuthMethod> parse(String text) {
        for (ClientAuthMethod method : values()) {
            if (method.wireName().equalsIgnoreCase(text.trim())) {
                return Optional.of(method);
            }
        }
        return Optional.empty();
    }
}
