package dev.oidcsso.config;

import java.util.List;

/**
 * Cross-site request forgery protection.
 *
 * @param applicationPaths {@code OIDC_CSRF_APP_PATHS}: whether the application's own state-changing
 *                         paths need CSRF proof when a browser authenticates by cookie (the
 *                         framework's own routes always do)
 */
public record CsrfSettings(boolean applicationPaths) {

    static CsrfSettings parse(SettingValues values, List<String> problems) {
        return new CsrfSettings(SettingParsers.bool(values, SettingNames.CSRF_APP_PATHS, true, problems));
    }
}
