package dev.oidcsso.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret setting's value. {@link #toString()} never shows it, so a secret cannot leak through a
 * log line or an exception message by accident; {@link #reveal()} is the one deliberate way out.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /**
     * Wraps a secret value.
     *
     * @param value the secret
     * @return the wrapped secret
     */
    public static Secret of(String value) {
        return new Secret(value);
    }

    /**
     * The secret itself. Never log it.
     *
     * @return the secret's value
     */
    public String reveal() {
        return value;
    }

    /**
     * The length of the secret, for validation messages that must not show it.
     *
     * @return the number of characters
     */
    public int length() {
        return value.length();
    }

    /**
     * Compares with another value in time independent of where they differ.
     *
     * @param candidate the value to compare with
     * @return whether both are equal
     */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && secret.matches(value);
    }

    @Override
    public int hashCode() {
        return 0; // a hash of the value would leak information about it
    }

    @Override
    public String toString() {
        return "[redacted]";
    }
}
