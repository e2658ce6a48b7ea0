package dev.oidcsso.authz;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A regular expression over resource names, compiled once with RE2/J.
 *
 * <p>RE2/J matches in time linear in the name's length whatever the pattern, so a hostile pattern
 * such as {@code (a+)+$} or a hostile name cannot make a permission check backtrack for minutes
 * (the JDK's {@code java.util.regex} would). Back-references and look-around are therefore not
 * available. The pattern must match the <em>whole</em> name: {@code team-a-.*} matches
 * {@code team-a-churn} but {@code team-a} does not, so a rule never grants more than it reads as.
 */
public final class RegexPattern {

    /** The longest accepted pattern. */
    public static final int MAX_LENGTH = 512;

    private final String source;
    private final Pattern compiled;

    private RegexPattern(String source, Pattern compiled) {
        this.source = source;
        this.compiled = compiled;
    }

    /**
     * Compiles a pattern.
     *
     * @param source the regular expression, RE2 syntax, at most {@value #MAX_LENGTH} characters
     * @return the compiled pattern
     * @throws PermissionInputException (400) when the pattern is blank, too long or invalid
     */
    public static RegexPattern compile(String source) {
        if (source == null || source.isEmpty()) {
            throw new PermissionInputException("a regular expression must not be empty");
        }
        if (source.length() > MAX_LENGTH) {
            throw new PermissionInputException("a regular expression is " + source.length() + " characters long; at most "
                    + MAX_LENGTH + " are accepted");
        }
        try {
            return new RegexPattern(source, Pattern.compile(source));
        } catch (PatternSyntaxException e) {
            throw new PermissionInputException("'" + PermissionInputException.excerpt(source)
                    + "' is not a valid regular expression (RE2 syntax: no back-references or look-around): "
                    + e.getDescription());
        }
    }

    /**
     * Whether the whole name matches.
     *
     * @param name a resource name (callers bound its length through {@link Resource})
     * @return true on a match
     */
    public boolean matches(String name) {
        return compiled.matches(name);
    }

    /**
     * The pattern as written.
     *
     * @return the source text
     */
    public String source() {
        return source;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RegexPattern pattern && pattern.source.equals(source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }
}
