-- The reason a churn event happened (an account's first month paying nothing).
CREATE TABLE churn_tags (
    account_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    reason TEXT NOT NULL,
    note TEXT,
    tagged_by TEXT NOT NULL,
    tagged_at TEXT NOT NULL,
    PRIMARY KEY (account_id, month)
);
