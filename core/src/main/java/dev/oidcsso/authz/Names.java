package dev.oidcsso.authz;

import java.util.Optional;

/**
 * The one rule for every name the framework stores or looks up: user, group, grantee and resource
 * names, and the text of rule patterns. A name may hold any character except the C0 and C1 control
 * characters (U+0000 to U+001F, U+007F to U+009F) and unpaired UTF-16 surrogates.
 *
 * <p>Why: PostgreSQL refuses a NUL byte in text while H2 stores it, so without this rule the same
 * request would be stored on one database and fail on the other; an unpaired surrogate has no UTF-8
 * form, so a driver would store a {@code ?} in its place and the stored name would differ from the
 * one asked for; and control characters split log lines and hide in a UI. Checking here, before any
 * database is asked, gives every caller the same 400 on every database.
 */
public final class Names {

    private Names() {
    }

    /**
     * Whether a name holds only characters the rule allows (its length is checked elsewhere).
     *
     * @param name the name
     * @return true when usable
     */
    public static boolean isUsable(String name) {
        return problem(name).isEmpty();
    }

    /**
     * What is wrong with a name's characters.
     *
     * @param name the name
     * @return a description naming the first offending character and its position, or empty when usable
     */
    public static Optional<String> problem(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                return Optional.of(String.format("a control character (U+%04X) at position %d", (int) c, i + 1));
            }
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(String.format("an unpaired surrogate (U+%04X) at position %d", (int) c, i + 1));
            }
        }
        return Optional.empty();
    }

    /**
     * Refuses a name with a character the rule forbids.
     *
     * @param what what the name is, for the message ({@code "a user name"})
     * @param name the name
     * @return the same name
     * @throws PermissionInputException (400) naming the character and its position
     */
    public static String check(String what, String name) {
        Optional<String> problem = problem(name);
        if (problem.isPresent()) {
            throw new PermissionInputException(what + " must not contain control characters or unpaired surrogates; it has "
                    + problem.get());
        }
        return name;
    }

    /**
     * Informational text (a display name, an e-mail address) with every forbidden character
     * removed: such text is shown, never matched, so it is cleaned rather than refused.
     *
     * @param text the text
     * @return the text without control characters and unpaired surrogates
     */
    public static String withoutUnusable(String text) {
        if (isUsable(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (!Character.isISOControl(c) && !Character.isSurrogate(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
