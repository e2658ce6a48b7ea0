package dev.oidcsso.spring;

import dev.oidcsso.auth.Principal;
import dev.oidcsso.web.OidcSsoFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Inside Spring Security's filter chain: puts the principal that {@link OidcSsoFilter} (which runs
 * before the chain) authenticated into the {@link SecurityContext}, as an
 * {@link OidcSsoAuthentication}. It authenticates nothing itself: it only reads the request
 * attribute the framework's filter set, which a client cannot set.
 */
public final class OidcSsoSecurityContextFilter extends OncePerRequestFilter {

    private final SecurityContextHolderStrategy strategy;

    /** A filter using the application's {@link SecurityContextHolder} strategy. */
    public OidcSsoSecurityContextFilter() {
        this(SecurityContextHolder.getContextHolderStrategy());
    }

    /**
     * A filter using a given strategy.
     *
     * @param strategy where the security context is kept
     */
    public OidcSsoSecurityContextFilter(SecurityContextHolderStrategy strategy) {
        this.strategy = strategy;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getAttribute(OidcSsoFilter.PRINCIPAL_ATTRIBUTE) instanceof Principal principal) {
            SecurityContext context = strategy.createEmptyContext();
            context.setAuthentication(new OidcSsoAuthentication(principal));
            strategy.setContext(context);
        }
        chain.doFilter(request, response);
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        // An error page rendered for a signed-in user still knows who they are.
        return false;
    }
}
