-- Refresh tokens (OIDC_REFRESH_TOKENS): kept sealed under a key derived from SECRET_KEY for this
-- purpose alone, never in a cookie. tokens_expire_at is when the IdP's access token expires (the
-- session refreshes before); a replica claims a refresh by raising version with a compare-and-set,
-- and refresh_claimed_until frees the claim should that replica stop mid-refresh, so a rotated
-- refresh token is spent once.
ALTER TABLE oidc_sessions ADD COLUMN refresh_token VARCHAR(16384);
ALTER TABLE oidc_sessions ADD COLUMN tokens_expire_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE oidc_sessions ADD COLUMN refresh_claimed_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE oidc_sessions ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;

-- Session revocations by id belonged to the earlier sealed-cookie sessions; sessions now end in oidc_sessions.
DROP TABLE oidc_session_revocations;
