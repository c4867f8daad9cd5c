//! `pacer metrics`: check, apply, show, export the metric catalog; the
//! readiness report; a KPI's value.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{Figures, Format, Listing, cell, locale};
use crate::today;
use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use pacer_app::catalog::Applied;
use pacer_core::audit::Actor;
use pacer_core::catalog::{Severity, check};
use pacer_core::org::subtree;
use pacer_core::readiness::DayOne;
use pacer_i18n::tr;
use pacer_storage::{CatalogStore, OrgStore, RepFilter};
// The readiness page's words, which the tables for people share.
use pacer_web::pages::catalog as page;
use std::collections::HashSet;
use std::path::PathBuf;

/// The catalog has errors: the problems were printed; exit code 1.
#[derive(Debug, thiserror::Error)]
#[error("the catalog has errors")]
pub struct CatalogRejected;

/// `pacer metrics`.
#[derive(Subcommand)]
pub enum MetricsCommand {
    /// Check a catalog file: every problem with file, line and column; exit 1 on errors.
    Check {
        /// The catalog [default: metrics.toml].
        #[arg(default_value = "metrics.toml")]
        file: PathBuf,
        /// Judge readiness against this fiscal year's first day [default: the catalog's, else the current one].
        #[arg(long)]
        fy: Option<i32>,
    },
    /// Check and apply a catalog as a new version (nothing is applied if it has errors).
    Apply {
        /// The catalog.
        file: PathBuf,
        /// Why (kept with the version and in the audit log).
        #[arg(long)]
        reason: Option<String>,
        /// Apply it even if it defines no KPI (which removes every KPI in force).
        #[arg(long)]
        force: bool,
    },
    /// Write a starter catalog to a file, to edit and apply.
    Init {
        /// File to write.
        #[arg(default_value = "metrics.toml")]
        file: PathBuf,
        /// Which starter: saas-startup or expansion-stage.
        #[arg(long, default_value = "saas-startup")]
        template: String,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// The KPIs in force, by priority.
    Show {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write the catalog in force as TOML.
    Export {
        /// File to write [default: standard output].
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// The versions applied, newest first, with what changed.
    Versions {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Can each KPI be tracked on the first day of the fiscal year? Is data arriving?
    Readiness {
        /// Fiscal year [default: the current one].
        #[arg(long)]
        fy: Option<i32>,
        /// Completeness of manual KPIs over this many working days.
        #[arg(long, default_value_t = 5)]
        days: u32,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The value of a KPI over a date range, for the company, a team or a rep.
    Value {
        /// KPI key.
        kpi: String,
        /// First day.
        #[arg(long)]
        from: NaiveDate,
        /// Last day (inclusive).
        #[arg(long)]
        to: NaiveDate,
        /// Only this team and the teams below it (id or name).
        #[arg(long, conflicts_with = "rep")]
        team: Option<String>,
        /// Only this rep (id).
        #[arg(long)]
        rep: Option<i64>,
    },
}

/// `pacer metrics ...`.
pub async fn metrics(ctx: &Context, cmd: MetricsCommand) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let series = pacer_app::churn::SeriesCache::default();
    let app = crate::use_cases(&store, pacer_app::cache::Caches { warm: None, series: &series }).await?;
    let org = &app.org;
    match cmd {
        MetricsCommand::Check { file, fy } => {
            let text = std::fs::read_to_string(&file).map_err(|e| anyhow!("cannot read {}: {e}", file.display()))?;
            let name = file.display().to_string();
            let catalog_year = check(&name, &text, None).catalog.and_then(|c| c.fiscal_year);
            let year_start = pacer_app::catalog::catalog_year_start(org, fy.or(catalog_year), today());
            let checked = check(&name, &text, year_start);
            for p in &checked.problems {
                eprintln!("{p}");
            }
            if checked.has_errors() {
                return Err(CatalogRejected.into());
            }
            let kpis = checked.catalog.map(|c| c.kpis.len()).unwrap_or(0);
            let warnings = checked.problems.iter().filter(|p| p.severity == Severity::Warning).count();
            let l = locale();
            println!(
                "{}",
                tr!(
                    l,
                    "cli-metrics-checked",
                    file = &name,
                    kpis = l.count(kpis as i64),
                    warnings = l.count(warnings as i64),
                    count = warnings
                )
            );
            Ok(())
        }
        MetricsCommand::Apply { file, reason, force } => {
            let text = std::fs::read_to_string(&file).map_err(|e| anyhow!("cannot read {}: {e}", file.display()))?;
            let actor = Actor::named("cli").because(reason);
            apply_and_report(&app, &file.display().to_string(), &text, &actor, force).await
        }
        MetricsCommand::Init { file, template, force } => {
            let template = pacer_app::catalog::template(&template)?;
            if file.exists() && !force {
                bail!("{} exists already: choose another file, or --force to replace it", file.display());
            }
            std::fs::write(&file, template.toml).map_err(|e| anyhow!("cannot write {}: {e}", file.display()))?;
            println!(
                "{}",
                tr!(
                    locale(),
                    "cli-metrics-init",
                    template = template.name,
                    about = template.description,
                    file = file.display().to_string()
                )
            );
            Ok(())
        }
        MetricsCommand::Show { format } => {
            let (_, catalog) = pacer_app::catalog::current_catalog(&store).await?.ok_or_else(no_catalog)?;
            let kpis = catalog.by_priority();
            let rows = kpis
                .iter()
                .map(|k| {
                    vec![
                        k.priority.get_ref().to_string(),
                        k.key().to_string(),
                        k.name.clone(),
                        format.words(&format!("{:?}", k.category).to_lowercase(), |l| {
                            page::category_words(l, k.category)
                        }),
                        format.words(k.unit.as_str(), |l| page::unit_words(l, k.unit)),
                        k.owner.clone(),
                        format.words(&format!("{:?}", k.capture.method).to_lowercase(), |l| {
                            page::method_words(l, k.capture.method)
                        }),
                    ]
                })
                .collect();
            Listing {
                headers: &["priority", "key", "name", "category", "unit", "owner", "capture"],
                rows,
                records: &kpis,
            }
            .print(format)
        }
        MetricsCommand::Export { output } => {
            let (version, catalog) = pacer_app::catalog::current_catalog(&store).await?.ok_or_else(no_catalog)?;
            let text = catalog.to_toml().map_err(|e| anyhow!(e))?;
            let text = format!(
                "# Pacer metric catalog, version {} (applied {} by {})\n{text}",
                version.version, version.applied_at, version.applied_by
            );
            match output {
                Some(path) => {
                    std::fs::write(&path, text).map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?
                }
                None => print!("{text}"),
            }
            Ok(())
        }
        MetricsCommand::Versions { format } => {
            let versions = store.catalog_versions().await?;
            let rows = versions
                .iter()
                .map(|v| {
                    vec![
                        v.version.to_string(),
                        format.moment(&v.applied_at),
                        v.applied_by.clone(),
                        cell(&v.reason),
                        v.diff.join("; "),
                    ]
                })
                .collect();
            Listing { headers: &["version", "applied", "by", "why", "changes"], rows, records: &versions }.print(format)
        }
        MetricsCommand::Readiness { fy, days, format } => {
            app.catalog_if_any().await?.ok_or_else(no_catalog)?;
            let fy = fy.unwrap_or_else(|| org.fiscal_year_of(today()));
            let year = org.calendar.year(fy)?;
            let rows = pacer_app::readiness::readiness(&app, &year, today(), days).await?;
            let table = rows
                .iter()
                .map(|r| {
                    let l = locale();
                    vec![
                        r.priority.to_string(),
                        r.name.clone(),
                        format.word(&r.day_one.as_str().replace('_', " "), day_one_id(r.day_one)),
                        format.words(&pacer_i18n::Locale::ENGLISH.capture(r), |l| l.capture(r)),
                        match (r.last_data, r.arriving, format) {
                            (Some(d), true, Format::Table) => tr!(l, "cli-readiness-arriving", day = l.date(d)),
                            (Some(d), false, Format::Table) => tr!(l, "cli-readiness-silent", day = l.date(d)),
                            (None, _, Format::Table) => l.t("cli-readiness-no-data"),
                            (Some(d), true, _) => format!("yes (last {d})"),
                            (Some(d), false, _) => format!("silent since {d}"),
                            (None, _, _) => "no data".into(),
                        },
                        r.completeness.as_ref().and_then(|c| c.share).map(|s| format.percent(s, 0)).unwrap_or_default(),
                        format.words(&pacer_i18n::Locale::ENGLISH.coverage(&r.coverage), |l| l.coverage(&r.coverage)),
                        r.setup_days
                            .map(|d| match format {
                                Format::Table => {
                                    tr!(l, "cli-readiness-days", days = l.count(i64::from(d)), count = i64::from(d))
                                }
                                _ => format!("{d} days"),
                            })
                            .unwrap_or_default(),
                        r.alternatives.join(", "),
                    ]
                })
                .collect();
            if format == Format::Table {
                let l = locale();
                println!(
                    "{}",
                    tr!(
                        l,
                        "cli-readiness-heading",
                        year = crate::output::fiscal_year(fy),
                        from = l.date(year.start),
                        to = l.date(year.end),
                        days = l.count(i64::from(days)),
                        count = i64::from(days)
                    )
                );
            }
            Listing {
                headers: &[
                    "#",
                    "KPI",
                    "day one",
                    "capture",
                    "data arriving",
                    "complete",
                    "coverage",
                    "setup",
                    "alternatives",
                ],
                rows: table,
                records: &rows,
            }
            .print(format)
        }
        MetricsCommand::Value { kpi, from, to, team, rep } => {
            if to < from {
                bail!("--to {to} is before --from {from}");
            }
            app.catalog_if_any().await?.ok_or_else(no_catalog)?;
            let reps: Option<HashSet<i64>> = match (team, rep) {
                (Some(team), _) => {
                    let teams = store.teams().await?;
                    let found = teams.iter().find(|t| t.name.eq_ignore_ascii_case(&team) || t.id.to_string() == team);
                    let root = found.ok_or_else(|| anyhow!("team {team:?} does not exist"))?.id;
                    let filter = RepFilter { teams: Some(subtree(&teams, root)), active_on: None };
                    // History stays with the team a rep was in: membership on the last day of the range.
                    Some(store.reps(&filter, to).await?.iter().map(|r| r.id).collect())
                }
                (None, Some(rep)) => Some(HashSet::from([rep])),
                (None, None) => None,
            };
            let value = pacer_app::kpi::kpi_value(&app, &kpi, from, to, reps.as_ref()).await?;
            println!("{}", serde_json::to_string(&value)?);
            Ok(())
        }
    }
}

fn no_catalog() -> anyhow::Error {
    anyhow!("no metric catalog has been applied yet: run `pacer metrics apply metrics.toml`")
}

/// Applies a catalog's text and says what it did (`pacer metrics apply`, `pacer init`).
pub(crate) async fn apply_and_report(
    app: &pacer_app::Context<'_>,
    name: &str,
    text: &str,
    actor: &Actor,
    force: bool,
) -> Result<()> {
    match pacer_app::catalog::apply_catalog(app, name, text, actor, force).await {
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            Err(CatalogRejected.into())
        }
        Ok(Applied::Unchanged(version)) => {
            println!("{}", tr!(locale(), "cli-catalog-unchanged", version = version.to_string()));
            Ok(())
        }
        Ok(Applied::New(version, warnings)) => {
            for p in &warnings {
                eprintln!("{p}");
            }
            println!("{}", tr!(locale(), "cli-catalog-applied", version = version.version.to_string()));
            for line in &version.diff {
                println!("  {line}");
            }
            Ok(())
        }
    }
}

/// The message saying whether a KPI can be tracked on day one.
fn day_one_id(d: DayOne) -> &'static str {
    match d {
        DayOne::Yes => "readiness-yes",
        DayOne::WithSetup => "readiness-with-setup",
        DayOne::No => "readiness-no",
    }
}
