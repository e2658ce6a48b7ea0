package dev.oidcsso.config;

import dev.oidcsso.OidcSsoException;

import java.util.List;

/**
 * The configuration is unusable. Thrown at start-up with every problem found, one per line, each
 * naming the setting to fix. Never contains a secret's value.
 */
public class SettingsException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    /**
     * Creates the exception from the list of problems.
     *
     * @param problems what is wrong, one entry per problem
     */
    public SettingsException(List<String> problems) {
        super(500, format(problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * Creates the exception for one problem.
     *
     * @param problem what is wrong
     */
    public SettingsException(String problem) {
        this(List.of(problem));
    }

    /**
     * Every problem found.
     *
     * @return the problems, one per entry
     */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        StringBuilder text = new StringBuilder("oidc-sso cannot start: ").append(problems.size())
                .append(problems.size() == 1 ? " configuration problem" : " configuration problems");
        for (String problem : problems) {
            text.append(System.lineSeparator()).append("  - ").append(problem);
        }
        return text.toString();
    }
}
