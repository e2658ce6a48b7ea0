package dev.oidcsso.groups;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the groups of a user who has just signed in (or presented a bearer token).
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} and selected by {@link #name()}
 * from the {@code OIDC_GROUP_DETECTION_PLUGIN} setting. The instance the service loader creates is a
 * prototype: the framework calls {@link #configure(Map)} once at start-up and uses the instance it
 * returns for every login, from many threads at once, so that instance must be thread-safe and
 * should be immutable.
 *
 * <p>A minimal plugin:
 * <pre>{@code
 * @AutoService(GroupDetector.class)
 * public final class MyDetector implements GroupDetector {
 *     public String name() { return "my-detector"; }
 *     public List<String> detectGroups(GroupDetectionContext context) {
 *         return context.claim("email").filter("boss@example.com"::equals).isPresent()
 *                 ? List.of("mlflow-admin") : List.of("mlflow");
 *     }
 * }
 * }</pre>
 */
public interface GroupDetector {

    /**
     * The name that selects this detector in configuration. Lower case, no spaces; unique among the
     * detectors on the class path (a duplicate stops start-up).
     *
     * @return the detector's name
     */
    String name();

    /**
     * The settings this detector reads, passed to {@link #configure(Map)}: exact names
     * ({@code OIDC_GROUPS_ATTRIBUTE}) or prefixes ending in {@code *} ({@code OIDC_MYCOMPANY_*}). A
     * secret ({@code SECRET_KEY}, {@code OIDC_CLIENT_SECRET}, a database URI or password) is passed
     * only when named exactly.
     *
     * <p>The default, an empty set, declares nothing: the detector then receives every
     * {@code OIDC_*} setting and the permission settings, but no secret. Detectors written before
     * this method existed keep working that way.
     *
     * @return the declared names and prefixes; empty by default
     * @since 0.2
     */
    default Set<String> settingNames() {
        return Set.of();
    }

    /**
     * Returns the detector to use, configured from the application's settings. Called once at
     * start-up; the default returns this instance unchanged.
     *
     * @param settings the settings this detector declared in {@link #settingNames()} (by default
     *                 every non-secret {@code OIDC_*} setting), by configuration name, for example
     *                 {@code OIDC_GROUPS_ATTRIBUTE}; never log them
     * @return the configured detector
     * @throws GroupDetectionException when the settings are unusable; the message is shown at
     *                                 start-up and should name the setting to fix
     */
    default GroupDetector configure(Map<String, String> settings) {
        return this;
    }

    /**
     * Returns the user's groups. An empty list means the user is in no group (and will normally be
     * refused); it is not an error.
     *
     * @param context what is known about the user at this point of the login
     * @return the user's group names or identifiers, never {@code null}
     * @throws GroupDetectionException when the groups cannot be determined (a directory is down,
     *                                 the token lacks what the detector needs); the login fails
     */
    List<String> detectGroups(GroupDetectionContext context);
}
