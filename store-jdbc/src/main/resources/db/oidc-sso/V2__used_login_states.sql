-- Callbacks already completed, so that a replayed callback is refused by every replica, not only by
-- the one that saw it first. Only the SHA-256 of the OAuth state is kept, until the login would
-- have expired anyway.
CREATE TABLE oidc_used_login_states (
    state_hash CHAR(64) NOT NULL PRIMARY KEY,
    used_until TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX oidc_used_login_states_by_until ON oidc_used_login_states (used_until);
