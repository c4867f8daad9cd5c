//! The pipeline stages setting (PRODUCT.md C4): reading it with the open deals it maps to no
//! stage, replacing it, adding an alias. Only the stages change; every other setting stays.

use crate::{AppError, Context};
use pacer_core::audit::Actor;
use pacer_core::money::Currency;
use pacer_core::pipeline::{
    DealStanding, Stage, StageChange, StageConfig, StageConfigError, UnmappedStage, UnmappedTally, proposed_stages,
};
use pacer_core::records::DealStatus;
use serde::Serialize;

/// The stages in force and what they leave out.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StagesView {
    /// The stages in funnel order.
    pub stages: Vec<Stage>,
    /// Open deals (any close date) whose stage is no open stage of the settings, largest amount
    /// first: the pipeline shows them apart until they are mapped.
    pub unmapped: Vec<UnmappedStage>,
    /// `[[stage]]` tables that would map them, to place in funnel order and adjust (empty when
    /// every open deal is mapped).
    pub proposed_toml: String,
    /// The reporting currency the unmapped amounts are in.
    #[schema(value_type = String, example = "EUR")]
    pub currency: Currency,
}

/// What a change of the stages did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StagesSaved {
    /// One line per difference ("+ stage …", "- stage …", "~ stage …"); empty when nothing changed
    /// (and nothing was written).
    pub changes: Vec<String>,
    /// The stages and what they leave out, after the change.
    pub view: StagesView,
}

impl From<StageConfigError> for AppError {
    fn from(e: StageConfigError) -> Self {
        let message = e.to_string();
        let details = vec![serde_json::json!({ "reason": message, "stage": e.stage() })];
        AppError::Invalid { message, details }
    }
}

/// The stages in force, with the open deals they map to no stage.
pub async fn stages_view(ctx: &Context<'_>) -> Result<StagesView, AppError> {
    view_of(ctx, &ctx.org.pipeline_stages).await
}

async fn view_of(ctx: &Context<'_>, config: &StageConfig) -> Result<StagesView, AppError> {
    let mut tally = UnmappedTally::default();
    for total in ctx.store.open_deal_stages().await? {
        if config.standing(DealStatus::Open, &total.stage) == DealStanding::UnknownStage {
            tally.add(&total.stage, usize::try_from(total.deals).unwrap_or_default(), total.amount_minor);
        }
    }
    let unmapped = tally.finish();
    let proposed_toml = proposed_stages(unmapped.iter().map(|u| u.stage.as_str()));
    Ok(StagesView { stages: config.stages().to_vec(), unmapped, proposed_toml, currency: ctx.org.currency })
}

/// Reads the TOML form (`[[stage]]` tables); a problem names its stage.
pub fn parse_toml(text: &str) -> Result<StageConfig, AppError> {
    Ok(StageConfig::from_toml(text)?)
}

/// Replaces the stages with `config` (already checked) and says what changed; the other settings
/// are read again just before, so that a change made meanwhile stays.
pub async fn set_stages(ctx: &Context<'_>, config: StageConfig, actor: &Actor) -> Result<StagesSaved, AppError> {
    let mut org = ctx.store.organisation().await?.unwrap_or_default();
    let changes: Vec<String> = config.changes_from(&org.pipeline_stages).iter().map(StageChange::to_string).collect();
    if !changes.is_empty() {
        org.pipeline_stages = config.clone();
        ctx.store.save_organisation(&org, actor).await?;
    }
    Ok(StagesSaved { changes, view: view_of(ctx, &config).await? })
}

/// Adds `alias` (a CRM's stage name) to the stage `stage` of the settings.
pub async fn add_alias(ctx: &Context<'_>, stage: &str, alias: &str, actor: &Actor) -> Result<StagesSaved, AppError> {
    let org = ctx.store.organisation().await?.unwrap_or_default();
    set_stages(ctx, org.pipeline_stages.with_alias(stage, alias)?, actor).await
}

/// What an import says of its open deals in stages the settings do not map (imported all the
/// same): "2 rows in stages not in the pipeline settings: Contract Sent (1), Decision Maker
/// Bought-In (1); add them with {how}". None when there are none.
pub fn import_note(unmapped: &[UnmappedStage], how: &str) -> Option<String> {
    if unmapped.is_empty() {
        return None;
    }
    let rows: usize = unmapped.iter().map(|u| u.deals).sum();
    let names: Vec<String> = unmapped.iter().map(|u| format!("{} ({})", u.stage, u.deals)).collect();
    let (noun, place) = if rows == 1 { ("row", "a stage") } else { ("rows", "stages") };
    Some(format!("{rows} {noun} in {place} not in the pipeline settings: {}; add them with {how}", names.join(", ")))
}

/// Counts an imported record that is an open deal in a stage the settings do not map.
pub(crate) fn note_unmapped(config: &StageConfig, record: &pacer_core::import::Imported, tally: &mut UnmappedTally) {
    if let pacer_core::import::Imported::Deal(deal) = record
        && deal.status == DealStatus::Open
        && config.standing(DealStatus::Open, &deal.stage) == DealStanding::UnknownStage
    {
        tally.add(&deal.stage, 1, deal.amount_minor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_import_says_which_stages_are_missing() {
        let unmapped = [
            UnmappedStage { stage: "Contract Sent".into(), deals: 1, amount_minor: 10 },
            UnmappedStage { stage: "Decision Maker Bought-In".into(), deals: 1, amount_minor: 5 },
        ];
        assert_eq!(
            import_note(&unmapped, "`pacer stages set` (proposed lines below)").unwrap(),
            "2 rows in stages not in the pipeline settings: Contract Sent (1), Decision Maker Bought-In (1); \
             add them with `pacer stages set` (proposed lines below)"
        );
        assert_eq!(
            import_note(&unmapped[..1], "x").unwrap(),
            "1 row in a stage not in the pipeline settings: Contract Sent (1); add them with x"
        );
        assert_eq!(import_note(&[], "x"), None);
        let refused = parse_toml("[[stage]]\nname = \"Demo\"\nprobability = 120\ncategory = \"commit\"\n");
        let Err(AppError::Invalid { details, .. }) = refused else { panic!("{refused:?}") };
        assert_eq!(details[0]["stage"], "Demo");
    }
}
