package dev.oidcsso.http;

import java.util.regex.Pattern;

/**
 * The host-and-port part of a URL as it arrives in {@code Host}, {@code X-Forwarded-Host} or
 * {@code Forwarded: host=}: checked and taken apart in one place, so every reader of those headers
 * accepts the same values.
 */
public final class Authority {

    private static final Pattern HOST_AND_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9.-]+)(:\\d{1,5})?");

    private Authority() {
    }

    /**
     * Whether a value is a host name or address with an optional port, nothing else.
     *
     * @param value the header value
     * @return true when it has that shape
     */
    public static boolean isValid(String value) {
        return HOST_AND_PORT.matcher(value).matches();
    }

    /**
     * The value without its port; an IPv6 address in brackets keeps its colons.
     *
     * @param authority for example {@code example.com:8443} or {@code [::1]:80}
     * @return for example {@code example.com} or {@code [::1]}
     */
    public static String withoutPort(String authority) {
        String trimmed = authority.trim();
        int close = trimmed.lastIndexOf(']');
        int colon = trimmed.lastIndexOf(':');
        return colon > close ? trimmed.substring(0, colon) : trimmed;
    }
}
