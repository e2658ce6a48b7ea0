package dev.oidcsso.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The user a test provider logs in: a subject and the claims it puts in the ID token and returns
 * from UserInfo (groups included, for example {@code groups: ["mlflow-admin"]}).
 *
 * @param subject the {@code sub} claim
 * @param claims the other claims; an unmodifiable copy is kept
 */
public record TestUser(String subject, Map<String, Object> claims) {

    /**
     * Validates and copies the claims.
     *
     * @param subject the {@code sub} claim
     * @param claims the other claims
     */
    public TestUser {
        Objects.requireNonNull(subject, "subject");
        // Map.copyOf would reorder the claims; keeping the order makes failing assertions readable.
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }

    /**
     * A user with the usual profile claims and the given groups.
     *
     * @param username the subject, {@code preferred_username} and local part of the e-mail address
     * @param groups the {@code groups} claim
     * @return the user
     */
    public static TestUser withGroups(String username, String... groups) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("preferred_username", username);
        claims.put("name", username + " Example");
        claims.put("email", username + "@example.test");
        claims.put("email_verified", true);
        claims.put("groups", List.of(groups));
        return new TestUser(username, claims);
    }

    /**
     * The default user: {@code alice} in the {@code mlflow} group.
     *
     * @return alice
     */
    public static TestUser alice() {
        return withGroups("alice", "mlflow");
    }

    /**
     * An administrator: {@code admin} in the {@code mlflow-admin} group.
     *
     * @return the admin user
     */
    public static TestUser admin() {
        return withGroups("admin", "mlflow-admin");
    }

    /**
     * A copy of this user with one more claim (or a claim replaced).
     *
     * @param name the claim name
     * @param value the claim value
     * @return the new user
     */
    public TestUser withClaim(String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(claims);
        copy.put(name, value);
        return new TestUser(subject, copy);
    }
}
