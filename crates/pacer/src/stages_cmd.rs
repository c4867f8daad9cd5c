//! `pacer stages`: the pipeline stages setting, shown, written out to edit, replaced.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{Figures as _, Format, Listing, locale, unmapped_note};
use anyhow::{Context as _, Result};
use clap::{Args, Subcommand, ValueEnum};
use pacer_app::cache::Caches;
use pacer_app::churn::SeriesCache;
use pacer_app::stages::{self, StagesSaved, StagesView};
use pacer_core::audit::Actor;
use pacer_core::pipeline::{ForecastCategory, StageConfig, StageKind, UnmappedStage, proposed_stages};
use pacer_i18n::tr;
use std::path::PathBuf;

/// `pacer stages`.
#[derive(Args)]
pub struct StagesArgs {
    #[command(subcommand)]
    command: Option<StagesCommand>,
    /// Output format of the listing.
    #[arg(long, value_enum, default_value_t)]
    format: StagesFormat,
}

/// `pacer stages ...`.
#[derive(Subcommand)]
enum StagesCommand {
    /// Show the stages (the default).
    Show {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: StagesFormat,
    },
    /// Replace every stage with those of a TOML file (`[[stage]]` tables); prints what changed.
    Set {
        /// The file, as `pacer stages template` writes it.
        file: PathBuf,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Print the stages as TOML with a comment on every field, to edit and apply with `set`.
    Template,
    /// Add a CRM's name for a stage ("Contract Sent" as an alias of Negotiation).
    Alias {
        /// The stage, by name or alias.
        stage: String,
        /// The other name.
        alias: String,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
}

/// How the stages are printed: a listing, or the TOML `set` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
enum StagesFormat {
    /// A table for people.
    #[default]
    Table,
    /// JSON for programs.
    Json,
    /// CSV for spreadsheets.
    Csv,
    /// The `[[stage]]` tables `pacer stages set` reads.
    Toml,
}

/// What the fields of a `[[stage]]` table mean, above the template.
const TEMPLATE_HELP: &str = "\
# Pipeline stages, in funnel order (the order of this file). Apply with: pacer stages set FILE
#
# [[stage]]
# name = \"Negotiation\"      # as deals carry it; compared ignoring case, spaces and punctuation
# kind = \"open\"             # open (the default), won or lost
# probability = 80          # open stages: chance to win, whole percent 0..100
# category = \"commit\"       # open stages: pipeline, best_case or commit
# aliases = [\"contractsent\", \"Contract Sent\"]  # optional: CRM names that mean this stage
#
# Won stages are always 100% closed and lost stages 0% in no category: give them only a name,
# kind and aliases. Listing them lets an import read a CRM's \"Closed Won\" as won.

";

/// `pacer stages ...`.
pub async fn stages(ctx: &Context, args: StagesArgs) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let series = SeriesCache::default();
    let app = crate::use_cases(&store, Caches { warm: None, series: &series }).await?;
    let actor = |reason: Option<String>| Actor::named("cli").because(reason);
    match args.command.unwrap_or(StagesCommand::Show { format: args.format }) {
        StagesCommand::Show { format } => show(&stages::stages_view(&app).await?, format)?,
        StagesCommand::Template => print!("{TEMPLATE_HELP}{}", app.org.pipeline_stages.to_toml()),
        StagesCommand::Set { file, reason } => {
            let name = file.display().to_string();
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {name}"))?;
            let config = stages::parse_toml(&text).with_context(|| format!("{name}: nothing was changed"))?;
            saved(&stages::set_stages(&app, config, &actor(reason)).await?);
        }
        StagesCommand::Alias { stage, alias, reason } => {
            saved(&stages::add_alias(&app, &stage, &alias, &actor(reason)).await.context("nothing was changed")?)
        }
    }
    Ok(())
}

fn show(view: &StagesView, format: StagesFormat) -> Result<()> {
    let listing = |format: Format| {
        let rows = view
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| {
                vec![
                    (i + 1).to_string(),
                    s.name.clone(),
                    format.word(&s.kind.to_string(), kind_id(s.kind)),
                    s.probability_percent.to_string(),
                    s.category.map(|c| format.word(&c.to_string(), category_id(c))).unwrap_or_default(),
                    s.aliases.join("; "),
                ]
            })
            .collect();
        let headers = ["order", "name", "kind", "probability", "category", "aliases"];
        Listing { headers: &headers, rows, records: &view.stages }.print(format)
    };
    match format {
        StagesFormat::Table => {
            listing(Format::Table)?;
            print_unmapped(&view.unmapped, |unmapped, how| {
                unmapped_note(unmapped, view.currency)
                    .map(|note| tr!(locale(), "cli-unmapped-stages", note = note, how = how))
            });
        }
        StagesFormat::Json => listing(Format::Json)?,
        StagesFormat::Csv => listing(Format::Csv)?,
        StagesFormat::Toml => print!("{}", StageConfig::new(view.stages.clone())?.to_toml()),
    }
    Ok(())
}

fn saved(saved: &StagesSaved) {
    if saved.changes.is_empty() {
        println!("{}", locale().t("stages-no-change"));
    } else {
        println!("{}", locale().t("cli-stages-saved"));
        for change in &saved.changes {
            println!("  {change}");
        }
    }
    print_unmapped(&saved.view.unmapped, |unmapped, how| {
        unmapped_note(unmapped, saved.view.currency)
            .map(|note| tr!(locale(), "cli-unmapped-still", note = note, how = how))
    });
}

/// Says which open deals are in stages the settings do not map, in `note`'s words, with the
/// `[[stage]]` lines that would map them.
pub fn print_unmapped(unmapped: &[UnmappedStage], note: impl Fn(&[UnmappedStage], &str) -> Option<String>) {
    if let Some(note) = note(unmapped, &locale().t("cli-unmapped-how")) {
        println!("{note}");
        print!("{}", proposed_stages(unmapped.iter().map(|u| u.stage.as_str())));
    }
}

/// The message naming a stage's kind in a table for people.
fn kind_id(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Open => "stages-kind-open",
        StageKind::Won => "stages-kind-won",
        StageKind::Lost => "stages-kind-lost",
    }
}

/// The message naming a forecast category in a table for people.
fn category_id(category: ForecastCategory) -> &'static str {
    match category {
        ForecastCategory::Pipeline => "stages-category-pipeline",
        ForecastCategory::BestCase => "stages-category-best-case",
        ForecastCategory::Commit => "stages-category-commit",
        ForecastCategory::Closed => "stages-category-closed",
    }
}
