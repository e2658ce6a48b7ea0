-- Each session remembers the IdP it signed in with (OIDC_PROVIDERS names several), so that it logs
-- out through that IdP. Sessions from before this version keep NULL: the first IdP is meant.
-- (Version 6 is left to the concurrent refresh-token work; Flyway allows the gap.)
ALTER TABLE oidc_sessions ADD COLUMN idp_name VARCHAR(32);
