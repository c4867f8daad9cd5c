-- The last request of each session, so that an idle session ends before its absolute expiry.
-- Sessions open at the upgrade count as seen now, rather than end at once.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = CAST(strftime('%s', 'now') AS INTEGER);
