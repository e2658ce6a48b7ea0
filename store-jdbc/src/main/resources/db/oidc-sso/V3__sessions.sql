-- Browser sessions kept on the server, shared by every replica. The session id is never stored, only
-- its SHA-256 (base64url), so reading this table does not give cookies; the ID token (for
-- id_token_hint at logout) is stored sealed under a key derived from SECRET_KEY. Rows are dropped
-- once past their absolute expiry.
CREATE TABLE oidc_sessions (
    id_hash      VARCHAR(64)   NOT NULL PRIMARY KEY,
    username     VARCHAR(256)  NOT NULL,
    issuer       VARCHAR(600)  NOT NULL,
    subject      VARCHAR(600)  NOT NULL,
    idp_sid      VARCHAR(600),
    admin        BOOLEAN       NOT NULL,
    issued_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen    TIMESTAMP WITH TIME ZONE NOT NULL,
    id_token     VARCHAR(16384),
    ended_at     TIMESTAMP WITH TIME ZONE,
    end_cause    VARCHAR(32)
);
CREATE INDEX oidc_sessions_by_user ON oidc_sessions (username);
CREATE INDEX oidc_sessions_by_idp_sid ON oidc_sessions (issuer, idp_sid);
CREATE INDEX oidc_sessions_by_subject ON oidc_sessions (issuer, subject);
CREATE INDEX oidc_sessions_by_expiry ON oidc_sessions (expires_at);

-- Credentials issued before this time are refused for good: set when an administrator disables the
-- user and kept when the user is enabled again.
ALTER TABLE oidc_users ADD COLUMN not_before TIMESTAMP WITH TIME ZONE;
