-- The last daily cube a server read, as bytes, with the data versions of activities and deals
-- it was read at: the next server to start reads it and then only the days changed since,
-- rather than every rollup row. Derived from the rollups, so never backed up or restored.
CREATE TABLE cube_snapshot (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    activities_version INTEGER NOT NULL,
    deals_version INTEGER NOT NULL,
    bytes BLOB NOT NULL
);
