-- Who entered each record: a user name, token:NAME or cli (none for generated data).
ALTER TABLE activities ADD COLUMN entered_by TEXT;
ALTER TABLE deals ADD COLUMN entered_by TEXT;
