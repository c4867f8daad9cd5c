-- API tokens may have the admin scope: everything an admin user may do through the API.
-- SQLite cannot change a CHECK in place: the table is rebuilt, ids and rows kept.
CREATE TABLE api_tokens_new (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL CHECK (scope IN ('ingest', 'read', 'admin')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
INSERT INTO api_tokens_new (id, name, token_hash, scope, created_by, created_at, revoked_at)
    SELECT id, name, token_hash, scope, created_by, created_at, revoked_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
