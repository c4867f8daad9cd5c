-- Servers keep the organisation (reps, teams, memberships) and plans'
-- targets in memory for reports; every audited change to them moves these
-- counters in its own transaction (see `audit` in sql/mod.rs).
INSERT INTO data_versions (name, version) VALUES ('organisation', 0);
INSERT INTO data_versions (name, version) VALUES ('plans', 0);

-- Which days each change of the rollups touched, by the version of
-- activities or deals it made: a server holding the rollups in memory
-- reads again only those days. A version without its row here (a rebuild,
-- or one pruned long ago) makes it read everything.
CREATE TABLE rollup_changes (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    PRIMARY KEY (name, version)
);
