package dev.oidcsso.session;

import dev.oidcsso.http.Cookie;
import dev.oidcsso.http.WebRequest;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Starts, reads and ends sessions. The session travels sealed in a cookie, so reading it costs one
 * AES-GCM decryption and one look-up in the revocation set: no database, no network.
 */
public final class SessionManager {

    /** The session cookie's name. */
    public static final String COOKIE = "oidc_sso_session";

    private final SessionCodec codec;
    private final SessionRevocations revocations;
    private final Duration maxAge;
    private final Clock clock;
    private final SecureRandom random;
    private final SessionGroups overflow;

    /**
     * Creates the manager.
     *
     * @param codec       seals the cookie
     * @param revocations the revoked sessions
     * @param maxAge      how long a session lasts
     * @param clock       the clock
     * @param random      the source of session ids
     * @param overflow      where the groups of a session go when they do not fit into the cookie
     */
    public SessionManager(SessionCodec codec, SessionRevocations revocations, Duration maxAge, Clock clock, SecureRandom random,
                          SessionGroups overflow) {
        this.codec = codec;
        this.revocations = revocations;
        this.maxAge = maxAge;
        this.clock = clock;
        this.random = random;
        this.overflow = overflow;
    }

    /**
     * Starts a session.
     *
     * @param username the user name
     * @param groups   the groups
     * @param admin    whether the user is an administrator
     * @param idToken  the ID token, kept for logout when it fits
     * @return the session
     */
    public Session start(String username, List<String> groups, boolean admin, Optional<String> idToken) {
        byte[] id = new byte[24];
        random.nextBytes(id);
        Instant now = clock.instant();
        return new Session(Base64.getUrlEncoder().withoutPadding().encodeToString(id), username, groups, admin, now,
                now.plus(maxAge), idToken);
    }

    /**
     * The cookie that carries a session.
     *
     * @param session the session
     * @param request the request it answers (for the path and the Secure flag)
     * @return the cookie
     */
    public Cookie cookie(Session session, WebRequest request) {
        Duration remaining = Duration.between(clock.instant(), session.expiresAt());
        SessionCodec.Encoded encoded = codec.encode(session);
        if (encoded.groupsOmitted()) {
            overflow.keep(session);
        }
        return new Cookie(COOKIE, encoded.value(), cookiePath(request), Optional.of(remaining), request.secure());
    }

    /**
     * The cookie that removes the session cookie from the browser.
     *
     * @param request the request
     * @return the deleting cookie
     */
    public Cookie deletion(WebRequest request) {
        return Cookie.deletion(COOKIE, cookiePath(request), request.secure());
    }

    /**
     * The valid session of a request.
     *
     * @param request the request
     * @return the session, or empty when there is none, or it is forged, expired or revoked
     */
    public Optional<Session> read(WebRequest request) {
        return request.cookie(COOKIE)
                .flatMap(value -> codec.decode(value, clock.instant()))
                .filter(decoded -> !revocations.isRevoked(decoded.session().id()))
                .flatMap(this::withGroups);
    }

    /** A session whose groups were kept on the server gets them back; if they are gone, it is no longer valid. */
    private Optional<Session> withGroups(SessionCodec.Decoded decoded) {
        Session session = decoded.session();
        if (!decoded.groupsOmitted()) {
            return Optional.of(session);
        }
        return overflow.groups(session).map(groups -> new Session(session.id(), session.username(), groups, session.admin(),
                session.issuedAt(), session.expiresAt(), session.idToken()));
    }

    /**
     * Ends a session on the server, so a copy of its cookie is refused from now on.
     *
     * @param session the session
     */
    public void end(Session session) {
        revocations.revoke(session.id(), session.expiresAt());
    }

    /**
     * The path for the framework's cookies: the application's context path.
     *
     * @param request the request
     * @return the path, at least {@code /}
     */
    public static String cookiePath(WebRequest request) {
        String path = request.baseUri().getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }
}
