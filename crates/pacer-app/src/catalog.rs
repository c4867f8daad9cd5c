//! The metric catalog in force, and applying a new one.

use crate::{AppError, Context};
use chrono::NaiveDate;
use pacer_core::audit::Actor;
use pacer_core::catalog::{Catalog, Problem, check};
use pacer_core::org::Organisation;
use pacer_storage::{CatalogVersion, Store};

/// The catalog in force: its version and the parsed catalog.
pub async fn current_catalog(store: &dyn Store) -> Result<Option<(CatalogVersion, Catalog)>, AppError> {
    let Some(version) = store.current_catalog().await? else { return Ok(None) };
    // Stored catalogs were checked when applied; a failure here is a bug or a hand-edited database.
    let catalog = check("catalog", &version.source, None).valid().map_err(|p| {
        AppError::internal(format!("stored catalog version {} does not check: {:?}", version.version, p))
    })?;
    Ok(Some((version, catalog)))
}

/// The catalog in force, or a 404 saying none has been applied.
pub async fn catalog_in_force(store: &dyn Store) -> Result<Catalog, AppError> {
    current_catalog(store)
        .await?
        .map(|(_, c)| c)
        .ok_or_else(|| AppError::NotFound("no metric catalog has been applied yet".into()))
}

/// The first day of the fiscal year a catalog prepares for: its own
/// `fiscal_year`, else the year holding `today`.
pub fn catalog_year_start(org: &Organisation, catalog_year: Option<i32>, today: NaiveDate) -> Option<NaiveDate> {
    let fy = catalog_year.unwrap_or_else(|| org.fiscal_year_of(today));
    org.calendar.year(fy).ok().map(|y| y.start)
}

/// What applying a catalog did.
pub enum Applied {
    /// A new version, with the warnings found.
    New(CatalogVersion, Vec<Problem>),
    /// The same as the version in force: nothing recorded.
    Unchanged(i64),
}

/// A problem of the whole file, reported at its first line.
fn file_problem(file: &str, message: String) -> Vec<Problem> {
    vec![Problem { severity: pacer_core::catalog::Severity::Error, file: file.into(), line: 1, column: 1, message }]
}

/// Checks `text` and, when it has no error, records it as a new catalog
/// version with its diff; a catalog with errors changes nothing. A catalog
/// without any KPI would remove every KPI in force (an empty upload, a wrong
/// file), so it is refused unless `force` says that is meant.
pub async fn apply_catalog(
    ctx: &Context<'_>,
    file: &str,
    text: &str,
    actor: &Actor,
    force: bool,
) -> Result<Applied, Vec<Problem>> {
    let (store, org, today) = (ctx.store, &ctx.org, ctx.today);
    let probe = check(file, text, None);
    let year_start = catalog_year_start(org, probe.catalog.as_ref().and_then(|c| c.fiscal_year), today);
    let checked = check(file, text, year_start);
    let warnings: Vec<Problem> = checked.problems.clone();
    let catalog = checked.valid()?;
    if catalog.kpis.is_empty() && !force {
        return Err(file_problem(
            file,
            "the catalog defines no KPI: applying it would remove every KPI in force; nothing was applied \
             (force it with --force, ?force=true or the page's checkbox if that is meant)"
                .into(),
        ));
    }
    let internal = |e: AppError| file_problem(file, e.to_string());
    let previous = current_catalog(store).await.map_err(internal)?;
    let diff = match &previous {
        Some((_, before)) => catalog.diff(before),
        None => catalog.diff(&Catalog::default()),
    };
    if let Some((version, _)) = &previous
        && diff.is_empty()
    {
        return Ok(Applied::Unchanged(version.version));
    }
    let version = store.apply_catalog(text, &diff, actor).await.map_err(|e| internal(e.into()))?;
    Ok(Applied::New(version, warnings))
}

/// A starter catalog: what a new organisation begins with, to edit rather than write from nothing.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// The name to choose it by (`--template NAME`).
    pub name: &'static str,
    /// Whom it suits.
    pub description: &'static str,
    /// Its `metrics.toml`.
    pub toml: &'static str,
}

/// The starter catalogs, the default first.
pub const TEMPLATES: [Template; 2] = [
    Template {
        name: "saas-startup",
        description: "new business, the activity that feeds it, MRR and churn",
        toml: include_str!("catalog_templates/saas-startup.toml"),
    },
    Template {
        name: "expansion-stage",
        description: "the start-up's KPIs plus expansion, renewals, NRR and GRR",
        // The start-up's catalog, then what the expansion stage adds (TOML arrays of tables append).
        toml: concat!(
            include_str!("catalog_templates/saas-startup.toml"),
            include_str!("catalog_templates/expansion-stage.toml")
        ),
    },
];

/// The starter catalog called `name`.
pub fn template(name: &str) -> Result<Template, AppError> {
    let wanted = name.trim().to_ascii_lowercase();
    TEMPLATES.into_iter().find(|t| t.name == wanted).ok_or_else(|| {
        let names: Vec<&str> = TEMPLATES.iter().map(|t| t.name).collect();
        AppError::BadRequest(format!("unknown catalog template {name:?}: use {}", names.join(" or ")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_checks_without_a_problem() {
        for t in TEMPLATES {
            let checked = check(&format!("{}.toml", t.name), t.toml, None);
            assert!(checked.problems.is_empty(), "{}: {:?}", t.name, checked.problems);
            let catalog = checked.valid().unwrap();
            assert!(catalog.kpis.len() >= 12, "{}", t.name);
        }
        let expansion = check("e", template("Expansion-Stage").unwrap().toml, None).valid().unwrap();
        assert!(expansion.kpis.iter().any(|k| k.key.get_ref() == "nrr"));
        assert_eq!(
            template("big-co").unwrap_err().to_string(),
            "unknown catalog template \"big-co\": use saas-startup or expansion-stage"
        );
    }
}
