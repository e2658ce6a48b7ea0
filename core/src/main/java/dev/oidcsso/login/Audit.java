package dev.oidcsso.login;

import dev.oidcsso.observe.ForeignText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security events (logins, logouts, and the REST API's changes), on the logger {@value #LOGGER} beside the login events: one line
 * per event, {@code key=value} pairs, never a token or secret. Values that came from a request are
 * cleaned of line breaks and control characters and shortened, so a hostile name cannot forge a
 * second log line.
 */
public final class Audit {

    /** The logger name shared with the login events. */
    public static final String LOGGER = "dev.oidcsso.audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final int MAX_VALUE = 120;

    private Audit() {
    }

    /**
     * Logs one event.
     *
     * @param event  what happened, for example {@code token created}
     * @param fields alternating keys and values
     */
    public static void event(String event, Object... fields) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder line = new StringBuilder(event);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            line.append(' ').append(fields[i]).append('=').append(clean(String.valueOf(fields[i + 1])));
        }
        LOG.info(line.toString());
    }

    static String clean(String value) {
        boolean quote = value.isEmpty() || value.chars().anyMatch(c -> c == ' ' || c == '=' || c == '"');
        String line = ForeignText.oneLine(value, MAX_VALUE).replace('"', '?');
        return quote ? "\"" + line + "\"" : line;
    }
}
