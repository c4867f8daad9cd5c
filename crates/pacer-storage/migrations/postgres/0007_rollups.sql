-- Daily aggregates that reports read instead of raw events, maintained in the
-- same transaction as every write of activities and deals; the INSERTs below
-- are the same as `pacer rollups rebuild`.
CREATE TABLE activity_rollup (
    rep_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    activity_type TEXT NOT NULL,
    n BIGINT NOT NULL,
    duration_s BIGINT NOT NULL,
    duration_n BIGINT NOT NULL,
    PRIMARY KEY (rep_id, day, activity_type)
);
CREATE INDEX activity_rollup_day ON activity_rollup (day);

CREATE TABLE deal_rollup (
    rep_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    PRIMARY KEY (rep_id, day, kind, status)
);

INSERT INTO activity_rollup (rep_id, day, activity_type, n, duration_s, duration_n)
SELECT rep_id, substr(occurred_at, 1, 10), activity_type, COUNT(*), CAST(COALESCE(SUM(duration_s), 0) AS BIGINT), COUNT(duration_s)
FROM activities GROUP BY rep_id, substr(occurred_at, 1, 10), activity_type;

INSERT INTO deal_rollup (rep_id, day, kind, status, n, amount_minor)
SELECT rep_id, close_date, kind, status, COUNT(*), CAST(SUM(amount_minor) AS BIGINT)
FROM deals GROUP BY rep_id, close_date, kind, status;

INSERT INTO data_versions (name, version) VALUES ('activities', 0);
INSERT INTO data_versions (name, version) VALUES ('deals', 0);
