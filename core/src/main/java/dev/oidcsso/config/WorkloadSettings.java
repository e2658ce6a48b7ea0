package dev.oidcsso.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Workload identities: extra issuers trusted for bearer tokens only (never for a browser login),
 * such as GitHub Actions, GitLab CI or a Kubernetes cluster. Each is named in
 * {@value #ISSUERS} and configured by {@code OIDC_WORKLOAD_<NAME>_...}; a token is accepted only
 * from its issuer, for one of its audiences, when every claim rule holds, and it then stands for
 * the configured user and groups of the permission model.
 *
 * @param issuers the configured workload issuers, in the order named
 */
public record WorkloadSettings(List<Issuer> issuers) {

    /** The names of the workload issuers, a comma list such as {@code github,k8s}. */
    public static final String ISSUERS = "OIDC_WORKLOAD_ISSUERS";
    /** The prefix of each issuer's settings. */
    public static final String PREFIX = "OIDC_WORKLOAD_";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /**
     * Copies the list.
     *
     * @param issuers the configured workload issuers
     */
    public WorkloadSettings {
        issuers = List.copyOf(issuers);
    }

    /** @return no workload issuers */
    public static WorkloadSettings none() {
        return new WorkloadSettings(List.of());
    }

    /**
     * One trusted workload issuer.
     *
     * @param name         its name in {@value #ISSUERS}, lower case
     * @param issuer       {@code _ISSUER}: the exact {@code iss} of its tokens
     * @param discoveryUrl {@code _DISCOVERY_URL}: where its {@code jwks_uri} is found (default: the
     *                     issuer followed by {@code /.well-known/openid-configuration})
     * @param jwksUrl      {@code _JWKS_URL}: its keys, when given instead of discovery
     * @param audiences    {@code _AUDIENCE}: the accepted {@code aud} values (at least one)
     * @param rules        {@code _CLAIMS}: {@code claim=value} pairs that must all hold (at least one)
     * @param user         {@code _USER}: the user name the token stands for (default {@code workload-<name>})
     * @param groups       {@code _GROUPS}: the groups the token stands for
     */
    public record Issuer(String name, String issuer, URI discoveryUrl, Optional<URI> jwksUrl, List<String> audiences,
                         List<ClaimRule> rules, String user, List<String> groups) {

        /**
         * Copies the lists.
         *
         * @param name         the name
         * @param issuer       the issuer
         * @param discoveryUrl the discovery URL
         * @param jwksUrl      the JWKS URL, or empty
         * @param audiences    the audiences
         * @param rules        the claim rules
         * @param user         the user name
         * @param groups       the groups
         */
        public Issuer {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(discoveryUrl, "discoveryUrl");
            Objects.requireNonNull(jwksUrl, "jwksUrl");
            audiences = List.copyOf(audiences);
            rules = List.copyOf(rules);
            Objects.requireNonNull(user, "user");
            groups = List.copyOf(groups);
        }
    }

    /**
     * A rule on one claim of a workload token: the claim (a path such as {@code repository} or
     * {@code kubernetes.io.namespace}) must be a string, number or boolean equal to {@code value};
     * a value ending in {@code *} matches every value that starts with what comes before it.
     *
     * @param claim the claim path
     * @param value the expected value
     */
    public record ClaimRule(String claim, String value) {

        /**
         * Checks both parts.
         *
         * @param claim the claim path
         * @param value the expected value
         */
        public ClaimRule {
            Objects.requireNonNull(claim, "claim");
            Objects.requireNonNull(value, "value");
        }

        /**
         * Whether a claim's value satisfies the rule.
         *
         * @param actual the claim's value as text
         * @return true when equal, or when the rule ends in {@code *} and the value starts with its prefix
         */
        public boolean matches(String actual) {
            if (value.endsWith("*")) {
                return actual.startsWith(value.substring(0, value.length() - 1));
            }
            return actual.equals(value);
        }

        @Override
        public String toString() {
            return claim + "=" + value;
        }
    }

    static WorkloadSettings parse(SettingValues values, List<String> problems) {
        List<Issuer> issuers = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String raw : values.list(ISSUERS, false)) {
            String name = raw.toLowerCase(Locale.ROOT);
            if (!NAME.matcher(name).matches()) {
                problems.add(ISSUERS + " entry '" + raw + "' must be a letter followed by up to 31 letters, digits or '-'");
                continue;
            }
            if (!seen.add(name)) {
                problems.add(ISSUERS + " names '" + name + "' twice");
                continue;
            }
            parseIssuer(values, name, problems).ifPresent(issuers::add);
        }
        return new WorkloadSettings(issuers);
    }

    /** The setting name of one part of a workload issuer: {@code OIDC_WORKLOAD_GITHUB_AUDIENCE}. */
    static String setting(String name, String part) {
        return PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_" + part;
    }

    private static Optional<Issuer> parseIssuer(SettingValues values, String name, List<String> problems) {
        int before = problems.size();
        String issuerName = setting(name, "ISSUER");
        Optional<URI> issuer = values.get(issuerName).map(text -> secureUrl(issuerName, text, problems));
        if (values.get(issuerName).isEmpty()) {
            problems.add(issuerName + " is not set: give the exact 'iss' of the workload tokens, for example "
                    + "https://token.actions.githubusercontent.com");
        }
        String discoveryName = setting(name, "DISCOVERY_URL");
        Optional<URI> discovery = values.get(discoveryName).map(text -> secureUrl(discoveryName, text, problems));
        String jwksName = setting(name, "JWKS_URL");
        Optional<URI> jwks = values.get(jwksName).map(text -> secureUrl(jwksName, text, problems));
        String audienceName = setting(name, "AUDIENCE");
        List<String> audiences = values.list(audienceName, false);
        if (audiences.isEmpty()) {
            problems.add(audienceName + " is not set: give the audience the workload requests its token for "
                    + "(GitHub: core.getIDToken(audience); GitLab: id_tokens aud; Kubernetes: the projected token's audience)");
        }
        String claimsName = setting(name, "CLAIMS");
        List<ClaimRule> rules = new ArrayList<>();
        for (String pair : values.list(claimsName, false)) {
            int equals = pair.indexOf('=');
            if (equals <= 0 || equals == pair.length() - 1) {
                problems.add(claimsName + " entry '" + pair + "' is not claim=value");
            } else {
                rules.add(new ClaimRule(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim()));
            }
        }
        if (values.get(claimsName).isEmpty()) {
            problems.add(claimsName + " is not set: an issuer such as GitHub's signs tokens for every repository in the "
                    + "world, so name at least one claim rule, for example repository=my-org/my-repo,ref=refs/heads/main");
        }
        String user = values.get(setting(name, "USER")).map(String::trim).orElse("workload-" + name);
        if (user.isEmpty() || user.length() > 256 || user.chars().anyMatch(Character::isISOControl)) {
            problems.add(setting(name, "USER") + " must be 1 to 256 characters without control characters");
        }
        List<String> groups = values.list(setting(name, "GROUPS"), false);
        if (problems.size() > before || issuer.isEmpty()) {
            return Optional.empty();
        }
        URI discoveryUrl = discovery.orElseGet(() -> URI.create(stripSlash(issuer.get().toString())
                + "/.well-known/openid-configuration"));
        return Optional.of(new Issuer(name, issuer.get().toString(), discoveryUrl, jwks, audiences, rules, user, groups));
    }

    private static String stripSlash(String text) {
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /** Keys fetched over plain http could be swapped by anyone on the path; http is for the local machine only. */
    private static URI secureUrl(String name, String text, List<String> problems) {
        URI uri = SettingParsers.absoluteUri(name, text, problems);
        if (uri == null) {
            return null;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
        if (!uri.getScheme().equalsIgnoreCase("https") && !loopback) {
            problems.add(name + "='" + text + "' must be an https URL (http only for localhost)");
            return null;
        }
        return uri;
    }
}
