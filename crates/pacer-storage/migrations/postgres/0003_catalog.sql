-- Custom field values of activities, as a JSON object; records stored
-- before a field existed simply lack it.
ALTER TABLE activities ADD COLUMN fields TEXT;

-- Every applied metric catalog, as its canonical TOML; the newest is current.
CREATE TABLE catalog_versions (
    version BIGINT PRIMARY KEY,
    applied_at TEXT NOT NULL,
    applied_by TEXT NOT NULL,
    reason TEXT,
    source TEXT NOT NULL,
    diff TEXT NOT NULL
);
