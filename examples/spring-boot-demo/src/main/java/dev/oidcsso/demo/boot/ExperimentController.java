package dev.oidcsso.demo.boot;

import dev.oidcsso.auth.Principal;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * The demo's own endpoints, guarded with Spring Security's annotations: oidc-sso has authenticated
 * the caller before any of them runs.
 */
@RestController
public class ExperimentController {

    /** Creates the controller. */
    public ExperimentController() {
    }

    /**
     * Who is calling, straight from the oidc-sso principal.
     *
     * @param user the signed-in user
     * @return the user name, groups and role
     */
    @GetMapping("/api/me")
    public Map<String, Object> me(@AuthenticationPrincipal Principal user) {
        return Map.of("username", user.username(), "groups", user.groups(), "admin", user.admin());
    }

    /**
     * One experiment, for callers with at least READ on it (a grant, a rule or the default).
     *
     * @param id the experiment's name
     * @return the experiment
     */
    @GetMapping("/api/experiments/{id}")
    @PreAuthorize("hasPermission(#id, 'experiment', 'READ')")
    public Map<String, Object> experiment(@PathVariable String id) {
        return Map.of("name", id);
    }

    /**
     * Whether the caller could change an experiment: answers only to callers with EDIT on it.
     *
     * @param id the experiment's name
     * @return a confirmation
     */
    @GetMapping("/api/experiments/{id}/editable")
    @PreAuthorize("hasPermission(#id, 'experiment', 'EDIT')")
    public Map<String, Object> editable(@PathVariable String id) {
        return Map.of("name", id, "editable", true);
    }

    /**
     * Starts a run of an experiment: a state-changing request, so a browser session must send the
     * {@code X-OIDC-SSO-CSRF} header (oidc-sso checks it before Spring Security runs).
     *
     * @param id the experiment's name
     * @return the started run
     */
    @PostMapping("/api/experiments/{id}/runs")
    @PreAuthorize("hasPermission(#id, 'experiment', 'EDIT')")
    public Map<String, Object> startRun(@PathVariable String id) {
        return Map.of("experiment", id, "started", true);
    }

    /**
     * For administrators only (members of {@code OIDC_ADMIN_GROUP_NAME}).
     *
     * @return a greeting
     */
    @GetMapping("/api/admin")
    @PreAuthorize("hasRole('ADMIN')")
    public Map<String, Object> admin() {
        return Map.of("admin", true);
    }
}
