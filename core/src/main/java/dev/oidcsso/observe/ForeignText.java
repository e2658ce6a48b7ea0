package dev.oidcsso.observe;

/**
 * Text that came from outside (an identity provider's error description, an API's error message, a
 * name from a request) made fit for one log line or one error message: a hostile or careless sender
 * cannot forge a second log line, colour a terminal, or fill the log.
 */
public final class ForeignText {

    private ForeignText() {
    }

    /**
     * The text on one line: every control character (line breaks, escape sequences, NUL) becomes
     * {@code ?}, and text longer than {@code maxLength} is cut there and ends with {@code ...}.
     *
     * @param text      the text as received; null gives the text {@code null}, as {@link String#valueOf(Object)} does
     * @param maxLength how many characters are kept at most
     * @return the cleaned text
     */
    public static String oneLine(String text, int maxLength) {
        if (text == null) {
            return "null";
        }
        int kept = Math.min(text.length(), maxLength);
        StringBuilder out = new StringBuilder(kept + 3);
        for (int i = 0; i < kept; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        if (text.length() > maxLength) {
            out.append("...");
        }
        return out.toString();
    }
}
