-- An open deal may have no close date yet (every CRM has such deals): it is in the open
-- pipeline and in no period. A won or lost deal still needs the day it closed.
ALTER TABLE deals ALTER COLUMN close_date DROP NOT NULL;
ALTER TABLE deals ADD CONSTRAINT deals_closed_have_a_date CHECK (status = 'open' OR close_date IS NOT NULL);
