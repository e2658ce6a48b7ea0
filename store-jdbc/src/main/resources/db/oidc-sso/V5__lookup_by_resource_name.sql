-- Issue 16: loading the grants of many resources asks "resource_type = ? AND resource_name IN (...)".
-- H2 uses an index for an IN list only on the index's first column, so with the unique key
-- (resource_type, resource_name, ...) it read every grant of the type for each batch of names.
-- These indexes start with the name, which both H2 and PostgreSQL use for the IN list.
-- (Numbered 16, after the issue, so that it does not collide with migrations written in parallel.)
CREATE INDEX oidc_grants_by_resource_name ON oidc_grants (resource_name, resource_type);
CREATE INDEX oidc_resources_by_resource_name ON oidc_resources (resource_name, resource_type);
