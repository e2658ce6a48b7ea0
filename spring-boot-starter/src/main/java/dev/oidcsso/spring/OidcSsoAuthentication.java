package dev.oidcsso.spring;

import dev.oidcsso.auth.Principal;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import java.util.ArrayList;
import java.util.List;

/**
 * The oidc-sso {@link Principal} as Spring Security's {@code Authentication}: {@code getPrincipal()}
 * is the {@link Principal} (so {@code @AuthenticationPrincipal Principal user} works), and the
 * authorities are
 * <ul>
 *   <li>each of the user's groups under its own name ({@code hasAuthority('mlflow')});</li>
 *   <li>{@value #USER_ROLE} for every signed-in user, and {@value #ADMIN_ROLE} for administrators
 *       ({@code hasRole('ADMIN')}), the role oidc-sso decided from {@code OIDC_ADMIN_GROUP_NAME}.</li>
 * </ul>
 * A group named {@code ROLE_ADMIN} is a group, not the role: groups that start with {@code ROLE_}
 * are left out of the authorities, so only the framework's role decision makes an administrator.
 */
public final class OidcSsoAuthentication extends AbstractAuthenticationToken {

    /** The authority of every signed-in user. */
    public static final String USER_ROLE = "ROLE_USER";
    /** The authority of administrators. */
    public static final String ADMIN_ROLE = "ROLE_ADMIN";

    private final transient Principal principal;

    /**
     * An authenticated token for a principal oidc-sso has authenticated.
     *
     * @param principal the principal
     */
    public OidcSsoAuthentication(Principal principal) {
        super(authorities(principal));
        this.principal = principal;
        super.setAuthenticated(true);
    }

    private static List<GrantedAuthority> authorities(Principal principal) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        principal.groups().stream().filter(group -> !group.startsWith("ROLE_")).map(SimpleGrantedAuthority::new)
                .forEach(authorities::add);
        authorities.add(new SimpleGrantedAuthority(USER_ROLE));
        if (principal.admin()) {
            authorities.add(new SimpleGrantedAuthority(ADMIN_ROLE));
        }
        return authorities;
    }

    @Override
    public Object getCredentials() {
        // oidc-sso checked the credentials; Spring Security never sees the token or the cookie.
        return null;
    }

    @Override
    public Principal getPrincipal() {
        return principal;
    }

    @Override
    public String getName() {
        return principal.username();
    }

    @Override
    public void setAuthenticated(boolean authenticated) {
        if (authenticated) {
            throw new IllegalArgumentException("an oidc-sso authentication is authenticated when made; it cannot be set again");
        }
        super.setAuthenticated(false);
    }
}
