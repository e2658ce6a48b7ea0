package dev.oidcsso.example.plugin;

import com.google.auto.service.AutoService;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetectionException;
import dev.oidcsso.groups.GroupDetector;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The seed's Google example as a plugin: the users whose e-mail address is listed in
 * {@code OIDC_EXAMPLE_ADMIN_EMAILS} are administrators, every other user with a verified e-mail
 * address is a plain user. Select it with {@code OIDC_GROUP_DETECTION_PLUGIN=example-email-list}.
 *
 * <p>It depends on the plugin API only, so its jar holds just this class and its service entry. A
 * build of it from before {@link #settingNames()} existed is kept in the core's test resources and
 * still works: a detector that declares nothing gets every setting that is not a secret.
 */
@AutoService(GroupDetector.class)
public final class EmailListGroupDetector implements GroupDetector {

    /** The setting listing the administrators' e-mail addresses, comma-separated. */
    public static final String ADMIN_EMAILS = "OIDC_EXAMPLE_ADMIN_EMAILS";

    private final Set<String> adminEmails;

    /** The prototype the service loader creates. */
    public EmailListGroupDetector() {
        this(Set.of());
    }

    private EmailListGroupDetector(Set<String> adminEmails) {
        this.adminEmails = adminEmails;
    }

    @Override
    public String name() {
        return "example-email-list";
    }

    /** Only its own setting: a plugin has no business seeing the client secret or the session key. */
    @Override
    public Set<String> settingNames() {
        return Set.of(ADMIN_EMAILS);
    }

    @Override
    public GroupDetector configure(Map<String, String> settings) {
        String list = settings.get(ADMIN_EMAILS);
        if (list == null || list.isBlank()) {
            throw new GroupDetectionException(ADMIN_EMAILS + " is not set: list the administrators' e-mail addresses");
        }
        return new EmailListGroupDetector(Arrays.stream(list.split(","))
                .map(email -> email.trim().toLowerCase(Locale.ROOT)).filter(email -> !email.isEmpty())
                .collect(Collectors.toUnmodifiableSet()));
    }

    @Override
    public List<String> detectGroups(GroupDetectionContext context) {
        Map<String, Object> claims = context.userInfoClaims().orElse(context.claims());
        Object email = claims.get("email");
        // An unverified address could be anybody's: it earns no group at all.
        if (!(email instanceof String address) || Boolean.FALSE.equals(claims.get("email_verified"))) {
            return List.of();
        }
        return adminEmails.contains(address.toLowerCase(Locale.ROOT)) ? List.of("mlflow-admin") : List.of("mlflow");
    }
}
