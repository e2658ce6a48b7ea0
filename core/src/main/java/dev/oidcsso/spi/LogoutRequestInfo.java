package dev.oidcsso.spi;

import java.net.URI;
import java.util.Optional;

/**
 * What a {@link ProviderProfile} needs to build an IdP logout URL.
 *
 * @param endSessionEndpoint    the discovered {@code end_session_endpoint}, if any
 * @param clientId              the OAuth client id
 * @param idTokenHint           the ID token of the session, if it was kept
 * @param postLogoutRedirectUri where the IdP should send the browser afterwards
 */
public record LogoutRequestInfo(Optional<URI> endSessionEndpoint, String clientId, Optional<String> idTokenHint,
                                URI postLogoutRedirectUri) {
}
