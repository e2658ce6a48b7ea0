package dev.oidcsso.identity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user proved who they are, but the identity rules refuse them: the identity validator, or no
 * allowed group (neither a user group nor an admin group). Status 403; no session is made. It
 * carries the user name and the groups to record for a user already known, so that the refusal
 * reaches that user's other sessions and tokens too: the groups the IdP now reports, or none when
 * the validator refused the identity.
 */
public class RefusedIdentityException extends AccessRefusedException {

    private static final long serialVersionUID = 1L;

    // Transient: an exception is not a way to carry a user's claims across a serialization boundary.
    private final transient String username;
    private final transient Map<String, Object> claims;
    private final transient List<String> groups;

    /**
     * Creates the exception.
     *
     * @param message  why the user is refused, shown to them
     * @param username the user name
     * @param claims   the identity claims the user name was taken from
     * @param groups   the groups to record: the user's, none of them allowed, or none at all
     */
    public RefusedIdentityException(String message, String username, Map<String, Object> claims, List<String> groups) {
        super(message);
        this.username = username;
        // Claims may hold JSON nulls, which Map.copyOf refuses.
        this.claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
        this.groups = List.copyOf(groups);
    }

    /** @return the identity claims the user name was taken from */
    public Map<String, Object> claims() {
        return claims;
    }

    /** @return the user name */
    public String username() {
        return username;
    }

    /** @return the groups to record for a known user: none of them allowed */
    public List<String> groups() {
        return groups;
    }
}
