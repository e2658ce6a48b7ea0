-- Issue 16: a plain user's list reads only the caller's own grants and its groups' ("grantee_name IN
-- (...)"), not every grant of every listed resource. H2 uses an index for an IN list only on the
-- index's first column, and oidc_grants_by_grantee starts with the kind, so this one starts with the
-- name; both H2 and PostgreSQL answer the IN list from it.
CREATE INDEX oidc_grants_by_grantee_name ON oidc_grants (grantee_name, grantee_kind, resource_type);

-- Ended sessions are pruned a minute after their end (the change poller's clean-up), by this index.
CREATE INDEX oidc_sessions_by_end ON oidc_sessions (ended_at);
