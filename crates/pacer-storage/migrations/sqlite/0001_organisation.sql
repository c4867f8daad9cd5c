-- The organisation's settings (fiscal calendar, currency, working days) as one JSON document.
CREATE TABLE organisation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    settings TEXT NOT NULL
);

CREATE TABLE reps (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT UNIQUE,
    title TEXT,
    hire_date TEXT NOT NULL,
    leave_date TEXT,
    external_id TEXT UNIQUE,
    CHECK (leave_date IS NULL OR leave_date > hire_date)
);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    region TEXT,
    parent_id INTEGER REFERENCES teams (id),
    manager_id INTEGER REFERENCES reps (id),
    active BOOLEAN NOT NULL DEFAULT TRUE
);

-- Effective-dated: history stays with the team a rep was in at the time.
CREATE TABLE team_memberships (
    id INTEGER PRIMARY KEY,
    rep_id INTEGER NOT NULL REFERENCES reps (id),
    team_id INTEGER NOT NULL REFERENCES teams (id),
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX team_memberships_rep ON team_memberships (rep_id, valid_from);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    owner_id INTEGER REFERENCES reps (id),
    segment TEXT
);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    rep_id INTEGER NOT NULL REFERENCES reps (id),
    activity_type TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    duration_s INTEGER,
    account_id INTEGER,
    source TEXT NOT NULL,
    external_id TEXT,
    UNIQUE (source, external_id)
);
CREATE INDEX activities_rep_time ON activities (rep_id, occurred_at);

CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    rep_id INTEGER NOT NULL REFERENCES reps (id),
    account_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    created_on TEXT NOT NULL,
    close_date TEXT NOT NULL,
    source TEXT NOT NULL,
    external_id TEXT,
    UNIQUE (source, external_id)
);
CREATE INDEX deals_rep_close ON deals (rep_id, close_date);

-- Monthly recurring revenue per account and calendar month ('YYYY-MM-01').
CREATE TABLE subscriptions (
    account_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    mrr_minor INTEGER NOT NULL CHECK (mrr_minor >= 0),
    PRIMARY KEY (account_id, month)
);
