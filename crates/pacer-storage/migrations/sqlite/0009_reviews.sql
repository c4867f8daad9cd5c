-- Quarterly reviews (PRODUCT.md C7): a fiscal quarter measured against a plan.
-- Closing one freezes its figures in the snapshot (a JSON document as text),
-- which never changes after.
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closed_by TEXT,
    closed_at TEXT,
    snapshot TEXT,
    CHECK (status = 'open' OR (closed_by IS NOT NULL AND closed_at IS NOT NULL AND snapshot IS NOT NULL))
);
-- At most one open review per quarter and plan, whichever server writes; a
-- closed one may be followed by a new review of the same quarter.
CREATE UNIQUE INDEX reviews_one_open ON reviews (period, plan_id) WHERE status = 'open';
CREATE INDEX reviews_period ON reviews (period);

-- Notes ("exceptions") for the directors: about the review (empty key), a KPI
-- (its key) or a rep (their id as text, so the key has no foreign key).
CREATE TABLE review_notes (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews (id),
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('review', 'kpi', 'rep')),
    subject_key TEXT NOT NULL,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    CHECK ((subject_kind = 'review') = (subject_key = ''))
);
CREATE INDEX review_notes_review ON review_notes (review_id, at);
CREATE INDEX review_notes_subject ON review_notes (subject_kind, subject_key);
