package dev.oidcsso.login;

import dev.oidcsso.auth.Accounts;
import dev.oidcsso.auth.IdentityMismatchException;
import dev.oidcsso.identity.AccessRefusedException;
import dev.oidcsso.identity.Identity;
import dev.oidcsso.identity.IdentityResolver;
import dev.oidcsso.identity.RefusedIdentityException;
import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.oidc.LoginTokens;
import dev.oidcsso.oidc.UserInfoClient;
import dev.oidcsso.store.IdpIdentity;

import java.util.Map;
import java.util.Optional;

/**
 * What a login and every refresh of its session share: the identity (source, user name, validator,
 * groups, role) from the IdP's tokens, then the account recorded with these groups and bound to
 * the IdP's issuer and subject. A refresh runs exactly this, so a group or role change at the IdP
 * reaches the user's record, and from there every session of the user through the change log.
 */
final class AccountCheck {

    private final UserInfoClient userInfo;
    private final IdentityResolver identities;
    private final Accounts accounts;

    AccountCheck(UserInfoClient userInfo, IdentityResolver identities, Accounts accounts) {
        this.userInfo = userInfo;
        this.identities = identities;
        this.accounts = accounts;
    }

    /**
     * Resolves and records the identity of validated tokens.
     *
     * @param discovered  the IdP
     * @param tokens      the validated tokens
     * @param idpIdentity the issuer and subject they name
     * @return the admitted identity
     * @throws dev.oidcsso.identity.AccessRefusedException when the user may not use the application
     *                                                     (validator, groups, disabled)
     * @throws IdentityMismatchException                   when the user name is bound to another identity
     */
    Identity admit(DiscoveredProvider discovered, LoginTokens tokens, IdpIdentity idpIdentity) {
        Identity identity = resolve(discovered, tokens, idpIdentity);
        record(identity, idpIdentity);
        return identity;
    }

    /**
     * The first half of {@link #admit}: the identity (source, user name, validator, groups and role),
     * which may ask the IdP (UserInfo) or a directory, so a login runs it before its store transaction.
     *
     * @param discovered  the IdP
     * @param tokens      the validated tokens
     * @param idpIdentity the issuer and subject they name
     * @return the identity
     * @throws dev.oidcsso.identity.AccessRefusedException when the validator or the groups refuse the user
     */
    Identity resolve(DiscoveredProvider discovered, LoginTokens tokens, IdpIdentity idpIdentity) {
        // Identity: source, user name, validator, groups and role; UserInfo (Core 5.3) only if one of them asks.
        try {
            return identities.resolve(new CallbackClaims(discovered, tokens, userInfo));
        } catch (RefusedIdentityException e) {
            // A known user the IdP now puts in no allowed group, or whom the validator refuses: their groups (or none)
            // are recorded so that their other sessions and tokens lose access too, not only this login or refresh.
            // Only for the account this very identity holds: a refused login never binds a name nor changes anyone else's.
            if (accounts.recordedGroups(e.username()).isPresent()
                    && accounts.boundIdentity(e.username()).filter(idpIdentity::equals).isPresent()) {
                accounts.recordLogin(e.username(), claimText(e.claims(), "name"), claimText(e.claims(), "email"), e.groups(),
                        idpIdentity);
            }
            // Reported like every other refused access (the login metrics' reason is access_refused).
            throw new AccessRefusedException(e.getMessage());
        }
    }

    /**
     * The second half of {@link #admit}: the account, bound to the ID token's iss + sub at the first
     * login (Core 5.7: a user name is neither unique nor stable), recorded with these groups. When it
     * refuses the login, what it recorded stays recorded (the new groups, the last login).
     *
     * @param identity    the resolved identity
     * @param idpIdentity the issuer and subject of the tokens
     * @throws dev.oidcsso.identity.AccessRefusedException when an administrator disabled the user
     * @throws IdentityMismatchException                   when the user name is bound to another identity
     */
    void record(Identity identity, IdpIdentity idpIdentity) {
        // Another iss or sub for a bound name, or a disabled user, is refused.
        try {
            accounts.recordLogin(identity.username(), claimText(identity, "name"), claimText(identity, "email"), identity.groups(),
                    idpIdentity);
        } catch (IdentityMismatchException e) {
            Audit.event("login refused: identity mismatch", "user", identity.username(), "issuer", idpIdentity.issuer(),
                    "subject", idpIdentity.subject(), "bound_issuer", e.bound().issuer(), "bound_subject", e.bound().subject());
            throw e;
        }
    }

    private static Optional<String> claimText(Identity identity, String claim) {
        return claimText(identity.claims(), claim);
    }

    private static Optional<String> claimText(Map<String, Object> claims, String claim) {
        return claims.get(claim) instanceof String text ? Optional.of(text) : Optional.empty();
    }
}
