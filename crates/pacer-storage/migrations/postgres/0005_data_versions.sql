-- A counter per kind of raw data, bumped in the same transaction as every
-- write, so that servers can cache what they compute from it and know when
-- the cache is stale (several servers share one database).
CREATE TABLE data_versions (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_versions (name, version) VALUES ('subscriptions', 0);
