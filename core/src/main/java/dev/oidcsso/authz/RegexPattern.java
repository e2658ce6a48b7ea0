package dev.oidcsso.authz;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A regular expression over resource names, compiled once with RE2/J.
 *
 * <p>RE2/J matches in time linear in the name's length whatever the pattern, so a hostile pattern
 * such as {@code (a+)+$} or a hostile name cannot make a permission check backtrack for minutes
 * (the JDK's {@code java.util.regex} would). Back-references and look-around are therefore not
 * available. The pattern must match the <em>whole</em> name: {@code team-a-.*} matches
 * {@code team-a-churn} but {@code team-a} does not, so a rule never grants more than it reads as.
 *
 * <p>Linear time is linear in the compiled program's size, and a counted repetition copies its
 * operand ({@code (.{0,1000}){1000}} would be two million instructions), so a pattern is measured
 * before it is compiled ({@link RegexCost}) and refused when its program could exceed
 * {@value #MAX_PROGRAM_SIZE} instructions or nest deeper than {@value #MAX_DEPTH} levels. With
 * names of at most {@value Resource#MAX_NAME_LENGTH} characters, one match then steps through at most
 * about {@value #MAX_PROGRAM_SIZE} × 513 instruction states, and neither compiling nor matching
 * recurses deeply enough to overflow a thread stack of 256 KiB or more (the JVM's default is 1 MiB).
 * Should a smaller stack still overflow, compiling refuses the pattern and matching answers "no
 * match": a rule can never widen access by failing, and no {@code Error} leaves the request.
 */
public final class RegexPattern {

    /** The longest accepted pattern. */
    public static final int MAX_LENGTH = 512;
    /** The most instructions a pattern's compiled program may have (an upper bound is measured). */
    public static final int MAX_PROGRAM_SIZE = 1000;
    /**
     * The deepest nesting a pattern may have: a group or {@code * + ?} is one level, {@code x{n,m}}
     * is {@code m-n} levels (RE2 rewrites it as nested optional copies).
     */
    public static final int MAX_DEPTH = 100;

    private static final Logger LOG = LoggerFactory.getLogger(RegexPattern.class);

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
     * @throws PermissionInputException (400) when the pattern is blank, too long, holds a character
     *                                  {@link Names} forbids, is too costly or is invalid; the message names the limit
     */
    public static RegexPattern compile(String source) {
        if (source == null || source.isEmpty()) {
            throw new PermissionInputException("a regular expression must not be empty");
        }
        if (source.length() > MAX_LENGTH) {
            throw new PermissionInputException("a regular expression is " + source.length() + " characters long; at most "
                    + MAX_LENGTH + " are accepted");
        }
        Names.check("a regular expression", source);
        RegexCost cost = RegexCost.of(source);
        if (cost.size() > MAX_PROGRAM_SIZE) {
            throw new PermissionInputException("'" + PermissionInputException.excerpt(source) + "' is too costly: it compiles to "
                    + (cost.size() >= RegexCost.SATURATED ? "billions of" : "up to " + cost.size()) + " instructions, and at most "
                    + MAX_PROGRAM_SIZE + " are accepted (program size limit); use + or * instead of large counted repetitions {n,m}");
        }
        if (cost.depth() > MAX_DEPTH) {
            throw new PermissionInputException("'" + PermissionInputException.excerpt(source) + "' nests " + cost.depth()
                    + " levels deep, and at most " + MAX_DEPTH + " are accepted (nesting limit; x{n,m} nests m-n levels); "
                    + "use + or * instead of large counted repetitions {n,m}");
        }
        try {
            return new RegexPattern(source, Pattern.compile(source));
        } catch (PatternSyntaxException e) {
            throw new PermissionInputException("'" + PermissionInputException.excerpt(source)
                    + "' is not a valid regular expression (RE2 syntax: no back-references or look-around): "
                    + e.getDescription());
        } catch (StackOverflowError e) {
            // Only on a thread with a far smaller stack than the limits were measured for.
            throw new PermissionInputException("'" + PermissionInputException.excerpt(source)
                    + "' nests too deeply to compile on this server (nesting limit)");
        }
    }

    /** Compiles without the cost limits: only tests use it, to reach what the limits keep out. */
    static RegexPattern withoutLimits(String source) {
        return new RegexPattern(source, Pattern.compile(source));
    }

    /**
     * Whether the whole name matches.
     *
     * @param name a resource name (callers bound its length through {@link Resource})
     * @return true on a match; false also when the match overflowed the thread's stack
     */
    public boolean matches(String name) {
        try {
            return compiled.matches(name);
        } catch (StackOverflowError e) {
            // Fail closed: a rule that cannot be evaluated grants nothing, and the request goes on.
            LOG.warn("regular expression '{}' overflowed the stack of thread {} and counts as not matching; "
                    + "give the server's threads a larger stack (-Xss) or simplify the rule", PermissionInputException.excerpt(source),
                    Thread.currentThread().getName());
            return false;
        }
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
