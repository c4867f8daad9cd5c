//! Exchange rates, and deals converted with them into the reporting currency: every write
//! of deals converts them in its own transaction ([`Conversion`]), and every change of the
//! rates converts again, in the same transaction, the deals whose rate in force it changed.

use super::columns::StoredDeal;
use super::records::{deal_from_row, deal_rows, stored_deal_day};
use super::{SqlStore, audit, date_text, parse_date, parse_text};
use crate::error::StoreError;
use crate::{DataKind, FxStore, StoreResult};
use async_trait::async_trait;
use chrono::NaiveDate;
use pacer_core::audit::{Actor, AuditAction};
use pacer_core::money::fx::{FxError, FxRate, Rate, RateTable};
use pacer_core::money::{Currency, Money};
use pacer_core::org::Organisation;
use pacer_core::records::{DealRecord, NewDeal, check_close_date};
use pacer_core::rollup::{Change, RollupDelta};
use pacer_core::values::Month;
use sqlx::{AnyConnection, Row};

/// The organisation's settings, whose currency is the reporting currency.
pub(super) const ORGANISATION_SETTINGS: &str = "SELECT settings FROM organisation WHERE id = 1";

/// Every rate, as text.
pub(super) const RATES: &str = "SELECT currency, month, CAST(rate_ppb AS TEXT) FROM fx_rates ORDER BY currency, month";

/// Locks the deals' row of `data_versions` without changing it: on PostgreSQL a write of
/// deals and a change of the rates then wait for each other, so that no deal is converted
/// at a rate being replaced (SQLite writes one transaction at a time already).
pub(super) const LOCK_DEALS: &str = "UPDATE data_versions SET version = version WHERE name = 'deals'";

/// What deals are converted with: the reporting currency and every rate, read in the
/// writer's transaction after [`LOCK_DEALS`].
pub(super) struct Conversion {
    reporting: Currency,
    rates: RateTable,
}

impl Conversion {
    /// From the stored settings (none yet: the default organisation's currency) and the rows of [`RATES`].
    pub(super) fn from_rows(
        settings: Option<String>,
        rates: impl IntoIterator<Item = [Option<String>; 3]>,
    ) -> StoreResult<Self> {
        let org: Organisation = match settings {
            Some(t) => serde_json::from_str(&t)
                .map_err(|_| StoreError::Corrupt { column: "organisation.settings", value: t })?,
            None => Organisation::default(),
        };
        let rates = rates.into_iter().map(|row| rate_from_texts(&row)).collect::<StoreResult<Vec<_>>>()?;
        Ok(Self { reporting: org.currency, rates: RateTable::new(rates) })
    }

    /// Locks and reads what deals are converted with, in the transaction of `conn`.
    pub(super) async fn read(conn: &mut AnyConnection) -> StoreResult<Self> {
        sqlx::query(LOCK_DEALS).execute(&mut *conn).await?;
        let settings: Option<String> = sqlx::query_scalar(ORGANISATION_SETTINGS).fetch_optional(&mut *conn).await?;
        let rows = sqlx::query(RATES).fetch_all(&mut *conn).await?;
        let texts = rows
            .iter()
            .map(|r| Ok([r.try_get(0)?, r.try_get(1)?, r.try_get(2)?]))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Self::from_rows(settings, texts)
    }

    /// `deal` as stored: in its currency (the reporting one when it names none), its amount
    /// converted at the rate of its close month (the latest rate without a close date); refused
    /// when that currency has no rate then, or when a won or lost deal has no close date.
    pub(super) fn stored<'a>(&self, deal: &'a NewDeal) -> StoreResult<StoredDeal<'a>> {
        check_close_date(deal.status, deal.close_date).map_err(|e| StoreError::Refused(e.to_string()))?;
        let currency = deal.currency.unwrap_or(self.reporting);
        let amount = Money::new(deal.amount_minor, currency);
        let amount_minor = self.rates.to_reporting(amount, self.reporting, deal.close_date)?;
        Ok(StoredDeal { deal, currency, amount_minor })
    }

    /// Every deal of `deals` as stored.
    pub(super) fn all<'a>(&self, deals: &'a [NewDeal]) -> StoreResult<Vec<StoredDeal<'a>>> {
        deals.iter().map(|d| self.stored(d)).collect()
    }
}

/// Refuses to change the reporting currency from `from` to `to` while deals are stored in
/// another currency than `to` or rates into `from` exist: their converted amounts would be
/// read as `to` ("never an amount stored in a currency it was not in"). An organisation
/// without deals nor rates changes currency freely.
pub(super) async fn check_reporting_change(tx: &mut AnyConnection, from: Currency, to: Currency) -> StoreResult<()> {
    if from == to {
        return Ok(());
    }
    let deals: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deals WHERE currency <> $1")
        .bind(to.as_str())
        .fetch_one(&mut *tx)
        .await?;
    let rates: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM fx_rates").fetch_one(&mut *tx).await?;
    if deals + rates > 0 {
        return Err(FxError::ReportingCurrencyInUse { from, to, deals, rates }.into());
    }
    Ok(())
}

/// A rate from its stored text: currency, month (`YYYY-MM-01`), parts per billion.
fn rate_from_texts(row: &[Option<String>; 3]) -> StoreResult<FxRate> {
    let text =
        |i: usize, column: &'static str| row[i].as_deref().ok_or(StoreError::Corrupt { column, value: String::new() });
    let currency = parse_text("fx_rates.currency", text(0, "fx_rates.currency")?)?;
    let month = Month(parse_date("fx_rates.month", text(1, "fx_rates.month")?)?);
    let ppb: i64 = parse_text("fx_rates.rate_ppb", text(2, "fx_rates.rate_ppb")?)?;
    let rate =
        Rate::from_ppb(ppb).map_err(|_| StoreError::Corrupt { column: "fx_rates.rate_ppb", value: ppb.to_string() })?;
    Ok(FxRate { currency, month, rate })
}

impl SqlStore {
    /// Converts again every deal in `currencies` with the rates now stored, in the transaction
    /// of `tx`: the changed amounts, their rollups and the deals' version. Returns how many
    /// changed; a deal left without a rate is refused ([`FxError::NoRate`]).
    async fn reconvert(&self, tx: &mut AnyConnection, currencies: &[Currency]) -> StoreResult<usize> {
        let conversion = Conversion::read(tx).await?;
        let mut rollups = RollupDelta::default();
        let mut changed = 0;
        for currency in currencies {
            let rows = sqlx::query(
                "SELECT id, rep_id, kind, status, close_date, amount_minor, original_amount_minor FROM deals \
                 WHERE currency = $1",
            )
            .bind(currency.as_str())
            .fetch_all(&mut *tx)
            .await?;
            for row in &rows {
                let day = stored_deal_day(row)?;
                let (old, original): (i64, i64) = (row.try_get("amount_minor")?, row.try_get("original_amount_minor")?);
                let close_date = day.map(|d| d.day);
                let new =
                    conversion.rates.to_reporting(Money::new(original, *currency), conversion.reporting, close_date)?;
                if new != old {
                    rollups.deal(Change::Remove, day, old);
                    rollups.deal(Change::Add, day, new);
                    sqlx::query("UPDATE deals SET amount_minor = $1 WHERE id = $2")
                        .bind(new)
                        .bind(row.try_get::<i64, _>("id")?)
                        .execute(&mut *tx)
                        .await?;
                    changed += 1;
                }
            }
        }
        self.finish_write(tx, DataKind::Deals, &rollups).await?;
        Ok(changed)
    }
}

#[async_trait]
impl FxStore for SqlStore {
    async fn deals_as_given(&self, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<(DealRecord, Money)>> {
        let rows = deal_rows(&self.pool, from, to).await?;
        rows.iter()
            .map(|row| {
                let currency: String = row.try_get("currency")?;
                let given = Money::new(row.try_get("original_amount_minor")?, parse_text("deals.currency", &currency)?);
                Ok((deal_from_row(row)?, given))
            })
            .collect()
    }

    async fn fx_rates(&self) -> StoreResult<Vec<FxRate>> {
        let rows = sqlx::query(RATES).fetch_all(&self.pool).await?;
        rows.iter().map(|r| rate_from_texts(&[r.try_get(0)?, r.try_get(1)?, r.try_get(2)?])).collect()
    }

    async fn set_fx_rates(&self, rates: &[FxRate], actor: &Actor) -> StoreResult<usize> {
        if rates.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        let before = Conversion::read(&mut tx).await?;
        for r in rates {
            r.check(before.reporting)?;
            sqlx::query(
                "INSERT INTO fx_rates (currency, month, rate_ppb) VALUES ($1, $2, $3) \
                 ON CONFLICT (currency, month) DO UPDATE SET rate_ppb = excluded.rate_ppb",
            )
            .bind(r.currency.as_str())
            .bind(date_text(r.month.0))
            .bind(r.rate.ppb())
            .execute(&mut *tx)
            .await?;
        }
        let mut currencies: Vec<Currency> = rates.iter().map(|r| r.currency).collect();
        currencies.sort();
        currencies.dedup();
        let changed = self.reconvert(&mut tx, &currencies).await?;
        let replaced: Vec<FxRate> = rates
            .iter()
            .filter_map(|r| {
                let (month, rate) = before.rates.in_force(r.currency, r.month.0)?;
                (month == r.month).then_some(FxRate { rate, ..*r })
            })
            .collect();
        let after = serde_json::json!({ "rates": rates, "deals_converted_again": changed });
        // The entry names a few rates; a file's hundreds are in `after`.
        let id = match rates {
            [one] => format!("{} {}", one.currency, one.month),
            many => format!("{} rates", many.len()),
        };
        audit(&mut tx, actor, AuditAction::FxRateSet, id, Some(&replaced), Some(&after)).await?;
        tx.commit().await?;
        Ok(changed)
    }

    async fn delete_fx_rate(&self, currency: Currency, month: Month, actor: &Actor) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let old: Option<String> =
            sqlx::query_scalar("SELECT CAST(rate_ppb AS TEXT) FROM fx_rates WHERE currency = $1 AND month = $2")
                .bind(currency.as_str())
                .bind(date_text(month.0))
                .fetch_optional(&mut *tx)
                .await?;
        let id = format!("{currency} {month}");
        let Some(old) = old else { return Err(StoreError::NotFound { what: "exchange rate", id }) };
        let old = rate_from_texts(&[Some(currency.to_string()), Some(date_text(month.0)), Some(old)])?;
        sqlx::query("DELETE FROM fx_rates WHERE currency = $1 AND month = $2")
            .bind(currency.as_str())
            .bind(date_text(month.0))
            .execute(&mut *tx)
            .await?;
        let changed = match self.reconvert(&mut tx, &[currency]).await {
            Err(StoreError::Fx(FxError::NoRate { month: first, .. })) => {
                return Err(FxError::RateInUse { currency, month, first }.into());
            }
            other => other?,
        };
        let after = serde_json::json!({ "deals_converted_again": changed });
        audit(&mut tx, actor, AuditAction::FxRateDelete, id, Some(&old), Some(&after)).await?;
        tx.commit().await?;
        Ok(changed)
    }
}
