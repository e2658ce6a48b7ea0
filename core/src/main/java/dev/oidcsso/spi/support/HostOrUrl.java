package dev.oidcsso.spi.support;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a setting that names an IdP host ({@code dev-123.okta.com}) or its base URL
 * ({@code https://login.example.com}). Plain {@code http} is accepted only for a loopback host, so a
 * development or test stub can stand in for the IdP while a real deployment always uses TLS.
 */
public final class HostOrUrl {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private HostOrUrl() {
    }

    /**
     * Parses the value into a base URL without a trailing slash.
     *
     * @param setting  the setting's name, for the message
     * @param value    a host name, or an {@code https} URL (or {@code http} on a loopback host)
     * @param problems where a problem is reported, naming the setting
     * @return the base URL, or empty when the value is unusable
     */
    public static Optional<URI> parse(String setting, String value, List<String> problems) {
        String text = value.trim();
        if (!text.contains("://")) {
            text = "https://" + text;
        }
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            boolean secure = scheme.equals("https") || scheme.equals("http") && LOOPBACK.contains(host);
            if (secure && !host.isEmpty() && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && uri.getRawUserInfo() == null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below like any other unusable value
        }
        problems.add(setting + "='" + value + "' is not a host name such as login.example.com or an https URL");
        return Optional.empty();
    }

    /**
     * Parses the value, ignoring problems: for the places where validation has already reported them.
     *
     * @param value the value
     * @return the base URL, or empty when unusable
     */
    public static Optional<URI> tryParse(String value) {
        return parse("", value, new java.util.ArrayList<>());
    }
}
