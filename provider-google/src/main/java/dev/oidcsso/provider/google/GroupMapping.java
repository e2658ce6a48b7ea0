package dev.oidcsso.provider.google;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A mapping of Google users, e-mail addresses and e-mail domains to groups, as written in
 * {@code OIDC_GOOGLE_GROUP_MAPPING}: entries separated by {@code ;}, each
 * {@code group=member,member,...}, where a member is
 * <ul>
 *   <li>{@code boss@example.com}: that verified e-mail address (case-insensitive);</li>
 *   <li>{@code @example.com}: every verified e-mail address of that domain (not its subdomains);</li>
 *   <li>{@code sub:110169484474386276334}: the Google account with that stable ID ({@code sub});</li>
 *   <li>{@code *}: every account with a verified e-mail address.</li>
 * </ul>
 * Example: {@code mlflow-admin=boss@example.com;mlflow=@example.com,partner@other.org}.
 *
 * @param rules the parsed rules, in order
 */
public record GroupMapping(List<Rule> rules) {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s,;=]+@[^@\\s,;=]+\\.[^@\\s,;=]+");
    private static final Pattern DOMAIN = Pattern.compile("@([a-z0-9-]+\\.)+[a-z]{2,}");
    private static final Pattern GROUP = Pattern.compile("[^\\s=;,]+");

    /**
     * Creates the mapping.
     *
     * @param rules the rules
     */
    public GroupMapping {
        rules = List.copyOf(rules);
    }

    /**
     * One member of a group.
     *
     * @param group the group
     * @param kind  what the value is
     * @param value the lower-case e-mail, {@code @domain}, account ID, or {@code *}
     */
    public record Rule(String group, Kind kind, String value) {
    }

    /** What a rule's value is. */
    public enum Kind {
        /** One e-mail address. */
        EMAIL,
        /** Every address of a domain. */
        DOMAIN,
        /** One account by its {@code sub}. */
        SUBJECT,
        /** Every account with a verified e-mail. */
        ANYONE
    }

    /**
     * Parses the setting's value.
     *
     * @param text     the value
     * @param problems where problems are reported, each naming the setting
     * @return the mapping (without the unusable parts)
     */
    public static GroupMapping parse(String text, List<String> problems) {
        List<Rule> rules = new ArrayList<>();
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            String group = equals < 0 ? "" : entry.substring(0, equals).trim();
            if (equals < 0 || !GROUP.matcher(group).matches()) {
                problems.add(GoogleSettings.GROUP_MAPPING + " entry '" + entry.trim()
                        + "' is not group=member,member (for example mlflow=@example.com)");
                continue;
            }
            for (String raw : entry.substring(equals + 1).split(",")) {
                String member = raw.trim();
                String lower = member.toLowerCase(Locale.ROOT);
                if (member.isEmpty()) {
                    continue;
                } else if (member.equals("*")) {
                    rules.add(new Rule(group, Kind.ANYONE, "*"));
                } else if (lower.startsWith("sub:") && lower.length() > 4) {
                    rules.add(new Rule(group, Kind.SUBJECT, member.substring(4).trim()));
                } else if (DOMAIN.matcher(lower).matches()) {
                    rules.add(new Rule(group, Kind.DOMAIN, lower));
                } else if (EMAIL.matcher(lower).matches()) {
                    rules.add(new Rule(group, Kind.EMAIL, lower));
                } else {
                    problems.add(GoogleSettings.GROUP_MAPPING + " member '" + member + "' of group '" + group
                            + "' is not an e-mail address, @domain, sub:<account id> or *");
                }
            }
        }
        if (rules.isEmpty() && problems.isEmpty()) {
            problems.add(GoogleSettings.GROUP_MAPPING + " maps nobody to a group; write it as "
                    + "mlflow-admin=boss@example.com;mlflow=@example.com");
        }
        return new GroupMapping(rules);
    }

    /**
     * The groups of a user.
     *
     * @param subject       the account's {@code sub}
     * @param verifiedEmail the account's e-mail address if Google verified it
     * @return the groups, each once, in the order of the mapping
     */
    public List<String> groupsOf(String subject, Optional<String> verifiedEmail) {
        Optional<String> email = verifiedEmail.map(e -> e.toLowerCase(Locale.ROOT));
        Set<String> groups = new LinkedHashSet<>();
        for (Rule rule : rules) {
            boolean member = switch (rule.kind()) {
                case EMAIL -> email.filter(rule.value()::equals).isPresent();
                case DOMAIN -> email.filter(e -> e.endsWith(rule.value())).isPresent();
                case SUBJECT -> rule.value().equals(subject);
                case ANYONE -> email.isPresent();
            };
            if (member) {
                groups.add(rule.group());
            }
        }
        return List.copyOf(groups);
    }
}
