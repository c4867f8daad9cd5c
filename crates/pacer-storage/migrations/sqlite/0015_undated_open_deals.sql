-- An open deal may have no close date yet (every CRM has such deals): it is in the open
-- pipeline and in no period. A won or lost deal still needs the day it closed.
-- SQLite cannot drop a NOT NULL in place: the table is rebuilt, ids and rows kept.
CREATE TABLE deals_new (
    id INTEGER PRIMARY KEY,
    rep_id INTEGER NOT NULL REFERENCES reps (id),
    account_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    created_on TEXT NOT NULL,
    close_date TEXT,
    source TEXT NOT NULL,
    external_id TEXT,
    entered_by TEXT,
    currency TEXT,
    original_amount_minor INTEGER,
    UNIQUE (source, external_id),
    CONSTRAINT deals_closed_have_a_date CHECK (status = 'open' OR close_date IS NOT NULL)
);
INSERT INTO deals_new (id, rep_id, account_id, kind, status, stage, amount_minor, created_on, close_date, source,
                       external_id, entered_by, currency, original_amount_minor)
    SELECT id, rep_id, account_id, kind, status, stage, amount_minor, created_on, close_date, source,
           external_id, entered_by, currency, original_amount_minor FROM deals;
DROP TABLE deals;
ALTER TABLE deals_new RENAME TO deals;
CREATE INDEX deals_rep_close ON deals (rep_id, close_date);
CREATE INDEX deals_currency ON deals (currency);
