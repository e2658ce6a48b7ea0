package dev.oidcsso.config;

/**
 * The names of the headers in which a trusted reverse proxy forwards the signed-in user's identity.
 *
 * @param user   the user name header, for example {@code X-Forwarded-User}
 * @param email  the e-mail header, for example {@code X-Forwarded-Email}
 * @param groups the comma-separated groups header, for example {@code X-Forwarded-Groups}
 */
public record TrustedHeaders(String user, String email, String groups) {
}
