//! Manual logging (the quick-log form, `pacer log`) and the logging contest.

use crate::readiness::active_sellers;
use crate::{AppError, Context};
use chrono::NaiveDate;
use pacer_core::attainment::Direction;
use pacer_core::catalog::Catalog;
use pacer_core::org::RepId;
use pacer_core::report::{Standing, rank};
use pacer_storage::RepFilter;

/// Builds a manually logged activity (quick-log form, `pacer log`): the
/// type and the custom field values (as typed by a person) are checked
/// against the catalog, and the rep must be employed that day.
pub fn manual_activity(
    catalog: &Catalog,
    rep: &pacer_core::org::Rep,
    activity_type: &str,
    occurred_at: chrono::NaiveDateTime,
    minutes: Option<i64>,
    field_texts: &[(String, String)],
    entered_by: &str,
) -> Result<pacer_core::records::NewActivity, AppError> {
    let mut problems: Vec<String> = Vec::new();
    let mut fields = pacer_core::records::Fields::new();
    if let Some(t) = catalog.activity_type(activity_type) {
        for (key, text) in field_texts.iter().filter(|(_, text)| !text.trim().is_empty()) {
            match t.fields.iter().find(|f| f.key.get_ref() == key) {
                Some(def) => match def.parse_value(text) {
                    Ok(value) => {
                        fields.insert(key.clone(), value);
                    }
                    Err(reason) => problems.push(reason),
                },
                None => problems.push(format!("activity type {activity_type:?} has no field {key:?}")),
            }
        }
    }
    problems.extend(catalog.check_activity(activity_type, &fields).into_iter().map(|(_, reason)| reason));
    if !rep.is_active_on(occurred_at.date()) {
        problems.push(format!("{} was not employed on {}", rep.name, occurred_at.date()));
    }
    if let Some(m) = minutes
        && !(0..=1440).contains(&m)
    {
        problems.push(format!("minutes: {m} is not 0 to 1440"));
    }
    if !problems.is_empty() {
        problems.dedup();
        return Err(AppError::Invalid {
            message: problems.join("; "),
            details: problems.iter().map(|p| serde_json::json!({ "reason": p })).collect(),
        });
    }
    Ok(pacer_core::records::NewActivity {
        rep_id: rep.id,
        activity_type: activity_type.to_string(),
        occurred_at,
        duration_s: minutes.map(|m| m * 60),
        account_id: None,
        source: pacer_core::records::SourceKind::Manual,
        external_id: None,
        fields,
        entered_by: Some(entered_by.to_string()),
    })
}

/// The logging contest: manually logged activities per active rep over a date range, among the
/// reps the caller may rank (a rep: their team).
pub async fn logging_contest(
    ctx: &Context<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Standing<i64>>, AppError> {
    let store = ctx.store;
    let seen = ctx.board_visibility().await?;
    let active: Vec<RepId> = active_sellers(store, to).await?.into_iter().filter(|r| seen.sees_rep(*r)).collect();
    let names: std::collections::HashMap<RepId, String> =
        store.reps(&RepFilter::default(), to).await?.into_iter().map(|r| (r.id, r.name)).collect();
    let mut counts: std::collections::HashMap<RepId, i64> = active.iter().map(|r| (*r, 0)).collect();
    for (rep, n) in store.activity_counts(from, to, pacer_core::records::SourceKind::Manual).await? {
        if let Some(c) = counts.get_mut(&rep) {
            *c = n;
        }
    }
    let entries = counts.into_iter().map(|(id, n)| (id, names.get(&id).cloned().unwrap_or_default(), n)).collect();
    Ok(rank(entries, Direction::HigherIsBetter))
}
