-- The weekly digest. A person's own e-mail address (else their rep record's is used), and
-- whether they receive the digest (they may opt out in their account).
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN digest BOOLEAN NOT NULL DEFAULT TRUE;

-- One row per ISO week ('2026-W49') and person: claimed before the message is sent (sent_at
-- NULL), so that of several servers only one sends it; stamped once the mail server took it,
-- deleted again when it did not. A week is never sent twice to the same person.
CREATE TABLE digest_deliveries (
    week TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    address TEXT NOT NULL,
    claimed_at BIGINT NOT NULL,
    sent_at BIGINT,
    PRIMARY KEY (week, user_id)
);
