package dev.oidcsso.groups;

import java.util.List;
import java.util.Map;

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
     * Returns the detector to use, configured from the application's settings. Called once at
     * start-up; the default returns this instance unchanged.
     *
     * @param settings every setting the application was started with, by its configuration name
     *                 (for example {@code OIDC_GROUPS_ATTRIBUTE}); secrets included, so never log it
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
