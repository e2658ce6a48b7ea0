-- Users bound to who they are at the identity provider (OpenID Connect Core 5.7: only iss + sub are
-- unique and stable; a user name is not). Set at the first login; a later login with the same user
-- name but another issuer or subject is refused unless an administrator links or unlinks the user.
-- Users recorded before this version keep NULL here, which means "bind at the next login".
-- (Version 3 is left to the concurrent sessions work; Flyway allows the gap.)
ALTER TABLE oidc_users ADD COLUMN idp_issuer VARCHAR(512);
ALTER TABLE oidc_users ADD COLUMN idp_subject VARCHAR(512);
