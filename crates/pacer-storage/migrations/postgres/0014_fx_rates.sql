-- Exchange rates into the reporting currency (the organisation's), one per currency and
-- calendar month ('YYYY-MM-01'): 1 unit of `currency` is rate_ppb / 10^9 units of it.
CREATE TABLE fx_rates (
    currency TEXT NOT NULL,
    month TEXT NOT NULL,
    rate_ppb BIGINT NOT NULL CHECK (rate_ppb > 0),
    PRIMARY KEY (currency, month)
);

-- A deal keeps its amount as given and its currency; amount_minor stays the amount in the
-- reporting currency, converted at the rate of the close month, which reports sum.
-- The deals already stored were taken in the organisation's currency.
ALTER TABLE deals ADD COLUMN currency TEXT;
ALTER TABLE deals ADD COLUMN original_amount_minor BIGINT;
UPDATE deals SET original_amount_minor = amount_minor,
    currency = COALESCE((SELECT settings::json->>'currency' FROM organisation WHERE id = 1), 'USD');
CREATE INDEX deals_currency ON deals (currency);
