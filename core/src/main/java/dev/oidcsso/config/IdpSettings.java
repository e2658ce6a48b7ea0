package dev.oidcsso.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One identity provider for browser logins: its name, what the login chooser shows, its OAuth client,
 * its identity and group settings and the plugins they select. A single-IdP setup has one, named
 * {@value #DEFAULT_NAME}, made of today's names ({@code OIDC_DISCOVERY_URL}, ...); with
 * {@code OIDC_PROVIDERS=staff,partners} each has its own {@code OIDC_STAFF_DISCOVERY_URL}, ....
 *
 * @param name         the IdP's name: lower-case letters and digits, as in {@code OIDC_PROVIDERS}
 * @param displayName  {@code OIDC_<IDP>_DISPLAY_NAME}, shown on the login chooser; by default the name
 * @param client       the OAuth client and where the IdP is
 * @param identity     identity source, validator, group detector and role groups
 * @param plugins      the plugins this IdP's settings select, created from this IdP's settings
 * @param emailDomains {@code OIDC_<IDP>_EMAIL_DOMAINS}, lower case: a login hint of such an address picks this IdP
 */
public record IdpSettings(String name, String displayName, ClientSettings client, IdentitySettings identity,
                          SelectedPlugins plugins, List<String> emailDomains) {

    /** The name of the one IdP of a single-IdP setup. */
    public static final String DEFAULT_NAME = "default";

    /**
     * Checks and copies.
     *
     * @param name         the IdP's name
     * @param displayName  the name shown to users
     * @param client       the client settings
     * @param identity     the identity settings
     * @param plugins      the selected plugins
     * @param emailDomains the e-mail domains of the login hint
     */
    public IdpSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(plugins, "plugins");
        emailDomains = List.copyOf(emailDomains);
    }

    /**
     * Whether a login hint's e-mail address belongs to one of this IdP's domains (the domain itself or
     * a subdomain of it).
     *
     * @param email an e-mail address, as a user typed it
     * @return true when its domain is one of {@link #emailDomains()}
     */
    public boolean servesEmail(String email) {
        return domainOf(email).map(domain -> emailDomains.stream()
                .anyMatch(own -> domain.equals(own) || domain.endsWith("." + own))).orElse(false);
    }

    /**
     * The domain of an e-mail address, lower case.
     *
     * @param email the address
     * @return the part after the last {@code @}, or empty when there is none
     */
    public static Optional<String> domainOf(String email) {
        int at = email.lastIndexOf('@');
        if (at < 0 || at == email.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(email.substring(at + 1).trim().toLowerCase(Locale.ROOT));
    }
}
