package dev.oidcsso.session;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a {@link Session} into a sealed cookie value and back.
 */
public final class SessionCodec {

    /** Browsers keep cookies up to about 4096 bytes including name and attributes. */
    static final int MAX_COOKIE_VALUE = 3800;

    private final Sealer sealer;

    /**
     * Creates the codec.
     *
     * @param key the root sealing key
     */
    public SessionCodec(SealingKey key) {
        this.sealer = new Sealer(key, "session");
    }

    /**
     * Seals a session. When the ID token would make the cookie too large for browsers, it is left
     * out: logout then goes without {@code id_token_hint}, which RP-initiated logout allows.
     *
     * @param session the session
     * @return the cookie value
     */
    public String encode(Session session) {
        String sealed = sealer.seal(toMap(session));
        if (sealed.length() > MAX_COOKIE_VALUE && session.idToken().isPresent()) {
            sealed = sealer.seal(toMap(session.withoutIdToken()));
        }
        return sealed;
    }

    /**
     * Opens a cookie value. Tampered, foreign or expired values give an empty result.
     *
     * @param cookieValue the cookie value
     * @param now         the current time
     * @return the session, or empty
     */
    public Optional<Session> decode(String cookieValue, Instant now) {
        return sealer.open(cookieValue).flatMap(SessionCodec::fromMap).filter(session -> now.isBefore(session.expiresAt()));
    }

    private static Map<String, Object> toMap(Session session) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("sid", session.id());
        map.put("sub", session.username());
        map.put("grp", session.groups());
        map.put("adm", session.admin());
        map.put("iat", session.issuedAt().getEpochSecond());
        map.put("exp", session.expiresAt().getEpochSecond());
        session.idToken().ifPresent(token -> map.put("idt", token));
        return map;
    }

    private static Optional<Session> fromMap(Map<String, Object> map) {
        try {
            List<String> groups = ((List<?>) map.get("grp")).stream().map(String.class::cast).toList();
            return Optional.of(new Session((String) map.get("sid"), (String) map.get("sub"), groups,
                    (Boolean) map.get("adm"), Instant.ofEpochSecond(((Number) map.get("iat")).longValue()),
                    Instant.ofEpochSecond(((Number) map.get("exp")).longValue()),
                    Optional.ofNullable((String) map.get("idt"))));
        } catch (ClassCastException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
