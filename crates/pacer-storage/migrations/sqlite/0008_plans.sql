-- Annual plans (PRODUCT.md C5): one row per version, its settings as one JSON
-- document; a copy under the same name is the next version.
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    fiscal_year INTEGER NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'revised', 'archived')),
    copied_from INTEGER REFERENCES plans (id),
    settings TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    UNIQUE (fiscal_year, name, version)
);
-- At most one approved plan per fiscal year, whichever server writes.
CREATE UNIQUE INDEX plans_one_approved ON plans (fiscal_year) WHERE status = 'approved';

-- Targets in units (minor units of money or counts); the owner is the company
-- (id 0), a team or a rep, so the id has no foreign key.
CREATE TABLE plan_targets (
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    kpi TEXT NOT NULL,
    owner_kind TEXT NOT NULL CHECK (owner_kind IN ('company', 'team', 'rep')),
    owner_id INTEGER NOT NULL,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    tier TEXT NOT NULL CHECK (tier IN ('target', 'stretch', 'challenge')),
    amount INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (plan_id, kpi, owner_kind, owner_id, month, tier),
    CHECK (owner_kind <> 'company' OR owner_id = 0)
);
