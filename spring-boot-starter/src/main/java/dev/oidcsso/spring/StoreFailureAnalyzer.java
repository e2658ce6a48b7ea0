package dev.oidcsso.spring;

import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.observe.ForeignText;
import dev.oidcsso.store.StoreUnavailableException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a user database that cannot be opened at start into Spring Boot's "APPLICATION FAILED TO
 * START" report: oidc-sso's sentence (which names the database without its password) and the
 * database's own reason, such as an embedded database's file held by another process, instead of
 * about 140 lines of stack trace. The usual cause on a developer's machine is a second application
 * on the same data folder (both default to {@code ./data}).
 */
final class StoreFailureAnalyzer extends AbstractFailureAnalyzer<StoreUnavailableException> {

    static final String ACTION = "Check the store's settings: oidc-sso.users-db-uri (OIDC_USERS_DB_URI) for a shared database, "
            + "or oidc-sso.data-dir (OIDC_DATA_DIR, default ./data) for the embedded one. An embedded database is one "
            + "process's at a time: if another process (a second instance, the demo server) uses that folder, stop it or "
            + "give this application a folder of its own.";
    private static final int MAX_REASON = 300;
    private static final int MAX_DEPTH = 20;

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StoreUnavailableException cause) {
        // The deepest cause that says something is the database's own reason ("The file is locked: ..."). Bounded in
        // depth: a cause chain may loop.
        String reason = null;
        Throwable t = cause.getCause();
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                reason = t.getMessage().strip().lines().findFirst().orElse("");
            }
        }
        String description = cause.getMessage();
        if (reason != null) {
            description += ": " + ForeignText.oneLine(StoreSettings.withoutCredentials(reason), MAX_REASON);
        }
        return new FailureAnalysis(description, ACTION, cause);
    }
}
