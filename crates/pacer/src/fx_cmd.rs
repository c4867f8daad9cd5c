//! `pacer fx`: the exchange rates deals in other currencies are converted at, into the
//! organisation's (reporting) currency, one per currency and month.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::import_cmd::print_report;
use crate::org_cmd::cli_actor;
use crate::output::{Format, Listing, locale};
use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use pacer_core::money::fx::FxRate;
use pacer_i18n::tr;
use pacer_storage::{FxStore, OrgStore, SqlStore};
use std::path::PathBuf;

/// `pacer fx`.
#[derive(Subcommand)]
pub enum FxCommand {
    /// List the rates.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Set (or replace) a rate: 1 unit of CURRENCY is RATE units of the organisation's currency
    /// in MONTH and after, until the next month with a rate, e.g. `pacer fx set CHF 2026-01 1.0712`.
    Set {
        /// ISO 4217 code, e.g. CHF.
        currency: String,
        /// YYYY-MM.
        month: String,
        /// A decimal with at most 9 places.
        rate: String,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Set every rate of a CSV file with the columns currency,month,rate: all or nothing.
    Import {
        /// The file.
        file: PathBuf,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Delete a rate (refused while a deal has no earlier rate to fall back on).
    Delete {
        /// ISO 4217 code.
        currency: String,
        /// YYYY-MM.
        month: String,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
}

/// `pacer fx ...`.
pub async fn fx(ctx: &Context, cmd: FxCommand) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    match cmd {
        FxCommand::List { format } => {
            let rates = store.fx_rates().await?;
            let reporting = store.organisation().await?.unwrap_or_default().currency;
            let rows = rates
                .iter()
                .map(|r| vec![r.currency.to_string(), r.month.to_string(), r.rate.to_string(), reporting.to_string()])
                .collect();
            Listing { headers: &["currency", "month", "rate", "into"], rows, records: &rates }.print(format)
        }
        FxCommand::Set { currency, month, rate, reason } => {
            let rate = FxRate::read(&currency, &month, &rate)
                .map_err(|problems| anyhow!(problems.into_iter().map(|(_, p)| p).collect::<Vec<_>>().join("; ")))?;
            set(&store, &[rate], reason).await
        }
        FxCommand::Import { file, reason } => {
            let bytes = std::fs::read(&file).map_err(|e| anyhow!("cannot read {}: {e}", file.display()))?;
            match pacer_app::fx::read_rates_csv(&bytes) {
                Ok(rates) if rates.is_empty() => bail!("{}: no rates in the file", file.display()),
                Ok(rates) => set(&store, &rates, reason).await,
                Err(problems) => {
                    print_report(&file, &problems);
                    bail!("{}: {} problem(s); no rate was set", file.display(), problems.len())
                }
            }
        }
        FxCommand::Delete { currency, month, reason } => {
            let currency = pacer_core::money::Currency::parse(&currency)?;
            let month = month.parse()?;
            let changed = store.delete_fx_rate(currency, month, &cli_actor(reason)).await?;
            println!(
                "{}",
                tr!(
                    locale(),
                    "cli-fx-deleted",
                    currency = currency.to_string(),
                    month = month.to_string(),
                    deals = locale().count(changed as i64),
                    count = changed as i64
                )
            );
            Ok(())
        }
    }
}

/// Sets `rates` in one transaction and says what changed.
async fn set(store: &SqlStore, rates: &[FxRate], reason: Option<String>) -> Result<()> {
    let changed = store.set_fx_rates(rates, &cli_actor(reason)).await?;
    let l = locale();
    println!(
        "{}",
        tr!(
            l,
            "cli-fx-set",
            rates = l.count(rates.len() as i64),
            count = rates.len(),
            deals = l.count(changed as i64),
            changed = changed as i64
        )
    );
    Ok(())
}
