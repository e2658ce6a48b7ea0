-- When the login digest of V9 was written: the last-login time of the same write. Every write of this
-- version sets both to one value; a version before V9 moves last_login_at alone when it records a
-- changed login (it knows nothing of the digest), so a digest whose time is not the row's last login
-- may describe groups the row no longer has, and the next login records the user in full.
-- NULL (rows written before this version) never equals last_login_at: recorded in full, then kept.
ALTER TABLE oidc_users ADD COLUMN login_digest_at TIMESTAMP WITH TIME ZONE;
