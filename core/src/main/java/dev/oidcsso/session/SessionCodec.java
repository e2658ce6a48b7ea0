package dev.oidcsso.session;

import dev.oidcsso.crypto.Sealer;
import dev.oidcsso.crypto.SealingKey;

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
     * A sealed cookie value.
     *
     * @param value         the cookie value
     * @param groupsOmitted whether the groups did not fit and must be kept on the server
     */
    public record Encoded(String value, boolean groupsOmitted) {
    }

    /**
     * An opened cookie value.
     *
     * @param session       the session; its groups are empty when they were omitted
     * @param groupsOmitted whether the groups are kept on the server
     */
    public record Decoded(Session session, boolean groupsOmitted) {
    }

    /**
     * Seals a session. When the ID token would make the cookie too large for browsers, it is left
     * out: logout then goes without {@code id_token_hint}, which RP-initiated logout allows. When the
     * groups alone are too many (an Entra user in hundreds of groups), they are left out too and the
     * caller keeps them on the server.
     *
     * @param session the session
     * @return the cookie value
     */
    public Encoded encode(Session session) {
        String sealed = sealer.seal(toMap(session, true));
        if (sealed.length() > MAX_COOKIE_VALUE && session.idToken().isPresent()) {
            sealed = sealer.seal(toMap(session.withoutIdToken(), true));
        }
        if (sealed.length() > MAX_COOKIE_VALUE) {
            return new Encoded(sealer.seal(toMap(session.withoutIdToken(), false)), true);
        }
        return new Encoded(sealed, false);
    }

    /**
     * Opens a cookie value. Tampered, foreign or expired values give an empty result.
     *
     * @param cookieValue the cookie value
     * @param now         the current time
     * @return the session, or empty
     */
    public Optional<Decoded> decode(String cookieValue, Instant now) {
        return sealer.open(cookieValue).flatMap(SessionCodec::fromMap)
                .filter(decoded -> now.isBefore(decoded.session().expiresAt()));
    }

    private static Map<String, Object> toMap(Session session, boolean withGroups) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("sid", session.id());
        map.put("sub", session.username());
        if (withGroups) {
            map.put("grp", session.groups());
        } else {
            map.put("gx", true);
        }
        map.put("adm", session.admin());
        map.put("iat", session.issuedAt().getEpochSecond());
        map.put("exp", session.expiresAt().getEpochSecond());
        session.idToken().ifPresent(token -> map.put("idt", token));
        return map;
    }

    private static Optional<Decoded> fromMap(Map<String, Object> map) {
        try {
            boolean omitted = Boolean.TRUE.equals(map.get("gx"));
            List<String> groups = omitted ? List.of() : ((List<?>) map.get("grp")).stream().map(String.class::cast).toList();
            return Optional.of(new Decoded(new Session((String) map.get("sid"), (String) map.get("sub"), groups,
                    (Boolean) map.get("adm"), Instant.ofEpochSecond(((Number) map.get("iat")).longValue()),
                    Instant.ofEpochSecond(((Number) map.get("exp")).longValue()),
                    Optional.ofNullable((String) map.get("idt"))), omitted));
        } catch (ClassCastException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
