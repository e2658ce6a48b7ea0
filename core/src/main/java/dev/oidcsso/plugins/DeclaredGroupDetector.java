package dev.oidcsso.plugins;

import dev.oidcsso.groups.GroupDetectionException;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.spi.GroupDetectorFactory;
import dev.oidcsso.spi.PluginSettings;

import java.util.Set;

/**
 * A {@link GroupDetector} registered in the plugin API's own way (a service entry for
 * {@code dev.oidcsso.groups.GroupDetector}, as every plugin built against
 * {@code oidc-sso-group-detection-api} 0.1 does), seen as a factory: {@link #create} hands the
 * prototype's {@link GroupDetector#configure(java.util.Map)} its settings and returns what it
 * returns.
 *
 * <p>A detector that declares its settings ({@link GroupDetector#settingNames()}) gets exactly
 * those. One that declares none, as every detector compiled before that method existed, gets the
 * framework's settings that are not secret ({@link #UNDECLARED}): never {@code SECRET_KEY}, the
 * client secret or a database URI or password.
 */
final class DeclaredGroupDetector implements GroupDetectorFactory {

    /**
     * What a detector that declares nothing receives: every {@code OIDC_*} setting and the
     * permission settings; secrets are left out, since a prefix never covers one.
     */
    static final Set<String> UNDECLARED = Set.of("OIDC_*", "DEFAULT_PERMISSION", "PERMISSION_SOURCE_ORDER");

    private final GroupDetector prototype;

    DeclaredGroupDetector(GroupDetector prototype) {
        this.prototype = prototype;
    }

    @Override
    public String name() {
        return prototype.name();
    }

    @Override
    public Set<String> settingNames() {
        Set<String> declared = prototype.settingNames();
        return declared == null || declared.isEmpty() ? UNDECLARED : Set.copyOf(declared);
    }

    @Override
    public GroupDetector create(PluginSettings settings) {
        GroupDetector configured = prototype.configure(settings.asMap());
        if (configured == null) {
            throw new GroupDetectionException("configure(settings) returned null");
        }
        return configured;
    }

    /** @return the class of the wrapped detector, to name in messages */
    String className() {
        return prototype.getClass().getName();
    }
}
