-- Activities arrive in time order (imports, integrations, people logging
-- the day's work): an index on the time takes each at its end, where one on
-- (rep, time) put each at one of thousands of places, and reads of a date
-- range (reports on raw records) use it. A rep's latest activities find
-- their days in the rollups first (`recent_activities` in records.rs).
DROP INDEX activities_rep_time;
CREATE INDEX activities_time ON activities (occurred_at);
