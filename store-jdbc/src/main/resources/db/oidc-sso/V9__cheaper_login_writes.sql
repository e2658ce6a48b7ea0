-- One B-tree fewer per login for the replay guard: a used login state's expiry comes from the sealed
-- login state, so a replay of the same callback brings the same (used_until, state_hash) pair, and one
-- primary key on that pair both refuses the replay and serves the clean-up's
-- "DELETE ... WHERE used_until < ?" (the separate index on used_until goes).
CREATE TABLE oidc_used_login_states_v9 (
    used_until TIMESTAMP WITH TIME ZONE NOT NULL,
    state_hash CHAR(64) NOT NULL,
    CONSTRAINT oidc_used_login_states_key PRIMARY KEY (used_until, state_hash)
);
INSERT INTO oidc_used_login_states_v9 (used_until, state_hash) SELECT used_until, state_hash FROM oidc_used_login_states;
DROP TABLE oidc_used_login_states;
ALTER TABLE oidc_used_login_states_v9 RENAME TO oidc_used_login_states;

-- A digest of what a login records (display name, e-mail, groups), so that the login of a returning,
-- unchanged user is one conditional UPDATE instead of a read, a comparison and a write. NULL (rows
-- from before this version) means unknown: the next login records the user in full and sets it.
ALTER TABLE oidc_users ADD COLUMN login_digest VARCHAR(64);
