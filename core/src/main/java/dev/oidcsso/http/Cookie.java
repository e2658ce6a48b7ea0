package dev.oidcsso.http;

import java.time.Duration;
import java.util.Optional;

/**
 * A cookie to set. Always HttpOnly (no script of the page needs the framework's cookies) and
 * SameSite=Lax (sent on the top-level navigation back from the IdP, not on cross-site
 * sub-requests); Secure whenever the application is reached over https.
 *
 * @param name   the name
 * @param value  the value; empty with a zero max age deletes the cookie
 * @param path   the path
 * @param maxAge how long the browser keeps it; empty for a browser-session cookie
 * @param secure whether to send it over https only
 * @param domain the {@code Domain} attribute; empty for a host-only cookie (the safe default)
 */
public record Cookie(String name, String value, String path, Optional<Duration> maxAge, boolean secure, Optional<String> domain) {

    /**
     * A host-only cookie.
     *
     * @param name   the name
     * @param value  the value; empty with a zero max age deletes the cookie
     * @param path   the path
     * @param maxAge how long the browser keeps it; empty for a browser-session cookie
     * @param secure whether to send it over https only
     */
    public Cookie(String name, String value, String path, Optional<Duration> maxAge, boolean secure) {
        this(name, value, path, maxAge, secure, Optional.empty());
    }

    /**
     * A cookie that deletes one of this name and path.
     *
     * @param name   the name
     * @param path   the path
     * @param secure whether the original was Secure
     * @return the deleting cookie
     */
    public static Cookie deletion(String name, String path, boolean secure) {
        return new Cookie(name, "", path, Optional.of(Duration.ZERO), secure);
    }

    /**
     * The {@code Set-Cookie} header value.
     *
     * @return the header value
     */
    public String toHeader() {
        StringBuilder header = new StringBuilder(name).append('=').append(value).append("; Path=").append(path);
        domain.ifPresent(d -> header.append("; Domain=").append(d));
        maxAge.ifPresent(age -> header.append("; Max-Age=").append(age.toSeconds()));
        header.append("; HttpOnly; SameSite=Lax");
        if (secure) {
            header.append("; Secure");
        }
        return header.toString();
    }

    @Override
    public String toString() {
        return "Cookie[" + name + ", path=" + path + "]";
    }
}
