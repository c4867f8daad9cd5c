//! The attrition and churn page: the MRR bridge, rates against the band,
//! churn by reason, and cohort retention.

use super::layout::{self, Frame};
use super::{PageForm, PageQuery, PageResult, filled, redirect_with_notice};
use crate::AppState;
use crate::api::churn::{ChurnQuery, report, tag_events};
use crate::api::{Viewer, today};
use crate::auth::Caller;
use crate::charts::{self, Chart, Goal, Kind, Label, Mark, Series, StepKind, Unit, WaterfallStep};
use crate::error::ApiError;
use axum::extract::{Extension, State};
use axum::response::Response;
use maud::{Markup, html};
use pacer_app::churn::ChurnPeriod;
use pacer_core::access::{Principal, Role};
use pacer_core::audit::Actor;
use pacer_core::churn::{BandLevel, ChurnTag, RatePeriod, convert_rate};
use pacer_core::values::Month;
use serde::Deserialize;
use std::collections::HashMap;

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn opt_pct(x: Option<f64>) -> String {
    x.map(pct).unwrap_or_else(|| "—".into())
}

fn band_badge(level: Option<BandLevel>) -> Markup {
    html! { @match level {
        Some(BandLevel::Normal) => span.badge.on { "normal" },
        Some(BandLevel::Acceptable) => span.badge { "acceptable" },
        Some(BandLevel::High) => span.badge.off { "high" },
        None => span.muted { "—" },
    } }
}

/// Query of the page: the report's, plus the page's own notice.
#[derive(Deserialize, Default)]
pub struct ChurnPageQuery {
    fy: Option<i32>,
    period: Option<String>,
    by: Option<String>,
    team: Option<i64>,
    notice: Option<String>,
}

/// The churn page.
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<ChurnPageQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let money = |minor: i64| frame.money(minor);
    let percent = Unit::new(Kind::Percent, frame.org.currency);
    let ctx = frame.context(&state);
    let viewer = Viewer::of(&state, &caller).await?;
    // A manager sees their own team by default; leaders the whole company.
    let team = match (&viewer.principal, q.team) {
        (_, Some(t)) => Some(t),
        (p, None) if p.sees_everything() => None,
        (Principal::User { managed_teams, .. }, None) => managed_teams.first().copied(),
        _ => None,
    };
    let query = ChurnQuery { fy: q.fy, period: q.period.clone(), by: q.by.clone(), team, segment: None };
    let report = report(&state, &caller, &query).await?;
    let org = &frame.org;
    let fy = q.fy.unwrap_or_else(|| org.fiscal_year_of(today()));
    let by = q.by.clone().unwrap_or_else(|| "month".into());
    let whole = report.periods.last();
    let rows: &[ChurnPeriod] = report.periods.split_last().map(|(_, rest)| rest).unwrap_or_default();
    let team_param = team.map(|t| format!("&team={t}")).unwrap_or_default();
    let calendar_note = (!org.calendar.is_calendar_aligned())
        .then(|| format!("Fiscal years here are not calendar years: {}.", frame.fiscal_year_badge()));
    let monthly_normal = convert_rate(report.band.normal_up_to, RatePeriod::Annual, RatePeriod::Monthly).ok();
    let tags = match whole {
        Some(w) => state.store.churn_tags(w.bridge.first_month, w.bridge.last_month).await?,
        None => Vec::new(),
    };
    // The churn events still without a reason, each an account in a month, named for the form.
    let untagged: Vec<(String, String)> = match whole {
        Some(w) if frame.role() == Role::Admin && team.is_none() => {
            let names: HashMap<i64, String> =
                state.store.accounts().await?.into_iter().map(|a| (a.id, a.name)).collect();
            let mut events = Vec::new();
            let mut month = w.bridge.first_month;
            while month <= w.bridge.last_month {
                let m = pacer_app::churn::movements(&ctx, month, None).await?;
                for a in
                    m.churn_accounts.iter().filter(|a| !tags.iter().any(|t| t.account_id == **a && t.month == month))
                {
                    let name = names.get(a).cloned().unwrap_or_else(|| format!("account {a}"));
                    events.push((event_value(*a, month), format!("{name}, left in {}", month.format("%B %Y"))));
                }
                month = month + chrono::Months::new(1);
            }
            events
        }
        _ => Vec::new(),
    };
    let team_name = match team {
        Some(t) => Some(
            state.store.teams().await?.into_iter().find(|x| x.id == t).map_or_else(|| format!("team {t}"), |x| x.name),
        ),
        None => None,
    };
    let cohorts =
        if viewer.principal.sees_everything() { pacer_app::churn::cohorts(&ctx, 12).await? } else { Vec::new() };
    let body = html! {
        @if let Some(text) = &q.notice { div.notice { (text) } }
        h1 { "Attrition and churn: FY" (fy) @if let Some(name) = &team_name { " · " (name) } }
        p {
            a href=(format!("/churn?fy={}&by={by}{team_param}", fy - 1)) { "← FY" (fy - 1) } " · "
            a href=(format!("/churn?fy={}&by={by}{team_param}", fy + 1)) { "FY" (fy + 1) " →" } " · by "
            a href=(format!("/churn?fy={fy}&by=month{team_param}")) { "month" } " / "
            a href=(format!("/churn?fy={fy}&by=quarter{team_param}")) { "quarter" }
        }
        @if let Some(note) = &calendar_note { p.muted { (note) } }
        @match whole {
            None => div.card { p { "No recurring-revenue data for this period." } },
            Some(w) => {
                @let label = if w.to_date { format!("{} to date ({} months)", w.label, w.months) } else { w.label.clone() };
                div.grid {
                    div.stat { div.n { (w.rates.cohort_customers) } div.l { "customers at the start" } }
                    div.stat { div.n { (w.bridge.customers_at_end) } div.l { "customers at the end" } }
                    div.stat { div.n { (opt_pct(w.rates.customer_churn_rate)) } div.l { "customer churn, " (label) } }
                    div.stat { div.n { (opt_pct(w.annualised_customer_churn)) " " (band_badge(w.band)) } div.l { "annualised customer churn" } }
                    div.stat { div.n { (opt_pct(w.rates.grr)) } div.l { "gross revenue retention" } }
                    div.stat { div.n { (opt_pct(w.rates.nrr)) } div.l { "net revenue retention" } }
                    div.stat { div.n { (w.bridge.quick_ratio.map(|q| format!("{q:.2}")).unwrap_or_else(|| "—".into())) } div.l { "quick ratio (new + expansion) / (contraction + churn)" } }
                    div.stat { div.n { (opt_pct(w.reasons.uncontrollable_share)) } div.l { "of tagged churned MRR was not controllable" } }
                }
                div.card {
                    (charts::band_gauge("Annualised customer churn", w.annualised_customer_churn, report.band.normal_up_to, report.band.acceptable_up_to, percent))
                    p.muted { (label) ". Band: up to " (pct(report.band.normal_up_to)) " a year is normal for SaaS, up to " (pct(report.band.acceptable_up_to)) " acceptable, above that high." }
                }
                div.card {
                    (charts::waterfall(&format!("MRR bridge, {label}"), calendar_note.as_deref(), &[
                        WaterfallStep { label: "start".into(), amount: w.bridge.start_mrr, kind: StepKind::Total },
                        WaterfallStep { label: "new".into(), amount: w.bridge.new, kind: StepKind::Increase },
                        WaterfallStep { label: "reactivation".into(), amount: w.bridge.reactivation, kind: StepKind::Increase },
                        WaterfallStep { label: "expansion".into(), amount: w.bridge.expansion, kind: StepKind::Increase },
                        WaterfallStep { label: "contraction".into(), amount: w.bridge.contraction, kind: StepKind::Decrease },
                        WaterfallStep { label: "churn".into(), amount: w.bridge.churn, kind: StepKind::Decrease },
                        WaterfallStep { label: "end".into(), amount: w.bridge.end_mrr, kind: StepKind::Total },
                    ], Unit::new(Kind::Money, frame.org.currency)))
                    p.muted { "start " (money(w.bridge.start_mrr)) " + new " (money(w.bridge.new)) " + reactivation " (money(w.bridge.reactivation))
                        " + expansion " (money(w.bridge.expansion)) " − contraction " (money(w.bridge.contraction)) " − churn " (money(w.bridge.churn))
                        " = end " (money(w.bridge.end_mrr)) @if w.bridge.balances() { " ✓" } }
                }
            }
        }
        @if !rows.is_empty() {
            div.card {
                (charts::chart(&Chart {
                    title: &format!("Customer churn by {by}"),
                    note: Some(&format!("dashed: the normal band ({}) at the same period length", pct(report.band.normal_up_to))),
                    unit: percent,
                    columns: &rows.iter().map(|r| Label::period(&r.label)).collect::<Vec<_>>(),
                    series: &[Series::new("Customer churn", rows.iter().map(|r| r.rates.customer_churn_rate).collect())],
                    mark: Mark::Bars,
                    goal: monthly_normal
                        .map(|m| Goal { name: "normal band".into(), values: rows.iter().map(|r| Some(1.0 - (1.0 - m).powi(r.months as i32))).collect() })
                        .as_ref(),
                }))
            }
            div.card.scroll { table {
                thead { tr { th { "Period" } th.num { "Customers at start" } th.num { "Churned" } th.num { "Customer churn" } th.num { "Annualised" } th { "Band" }
                    th.num { "Gross MRR churn" } th.num { "Net MRR churn" } th.num { "GRR" } th.num { "NRR" } th.num { "New" } th.num { "Reactivated" } th.num { "Quick ratio" } th.num { "Uncontrollable" } } }
                tbody { @for r in rows.iter().chain(whole) { tr {
                    td { (r.label) @if r.to_date { " " span.muted { "(to date)" } } }
                    td.num { (r.rates.cohort_customers) } td.num { (r.rates.churned_customers) }
                    td.num { (opt_pct(r.rates.customer_churn_rate)) } td.num { (opt_pct(r.annualised_customer_churn)) } td { (band_badge(r.band)) }
                    td.num { (opt_pct(r.rates.gross_mrr_churn_rate)) } td.num { (opt_pct(r.rates.net_mrr_churn_rate)) }
                    td.num { (opt_pct(r.rates.grr)) } td.num { (opt_pct(r.rates.nrr)) }
                    td.num { (r.bridge.new_count) } td.num { (r.bridge.reactivation_count) }
                    td.num { (r.bridge.quick_ratio.map(|q| format!("{q:.2}")).unwrap_or_else(|| "—".into())) }
                    td.num { (opt_pct(r.reasons.uncontrollable_share)) }
                } } }
            } }
        }
        @if let Some(w) = whole {
            div.card.scroll {
                h2 { "Why customers left" }
                table {
                    thead { tr { th { "Reason" } th { "Controllable?" } th.num { "MRR lost" } } }
                    tbody { @for (key, mrr) in &w.reasons.by_reason {
                        @let reason = org.churn_reasons.iter().find(|r| &r.key == key);
                        tr { td { (reason.map(|r| r.name.as_str()).unwrap_or(key)) }
                             td { @match reason { Some(r) if r.controllable => "yes", Some(_) => "no", None => "—" } }
                             td.num { (money(*mrr)) } }
                    } }
                }
                p.muted { (w.reasons.tagged) " of " (w.reasons.events) " churn events tagged. The uncontrollable share is what justifies the attrition tolerance in the plan." }
                @if !untagged.is_empty() {
                    h2 { "Tag a churn event" }
                    form.row method="post" action="/churn/tags" {
                        (frame.csrf_field())
                        label { "Churn event" select name="event" { @for (value, words) in untagged.iter().take(200) { option value=(value) { (words) } } } }
                        label { "Reason" select name="reason" { @for r in &org.churn_reasons { option value=(r.key) { (r.name) } } } }
                        label { "Note" input name="note"; }
                        button type="submit" { "Tag" }
                    }
                }
            }
        }
        @if !cohorts.is_empty() {
            div.card.scroll {
                (charts::heatmap(
                    "Customer retention by first paying month",
                    Some("share of each cohort's customers still paying N months later"),
                    &cohorts.iter().map(|c| c.cohort_month.format("%b %Y").to_string()).collect::<Vec<_>>(),
                    &(0..cohorts.first().map(|c| c.customer_retention.len()).unwrap_or(0)).map(|k| format!("M{k}")).collect::<Vec<_>>(),
                    &cohorts.iter().map(|c| c.customer_retention.clone()).collect::<Vec<_>>(),
                    percent,
                ))
            }
        }
    };
    Ok(layout::page(&frame, "Churn", body))
}

/// A churn event as the tag form sends it: the account and the month, `ACCOUNT@YYYY-MM`
/// (as the audit log names it).
fn event_value(account: i64, month: chrono::NaiveDate) -> String {
    format!("{account}@{}", month.format("%Y-%m"))
}

/// The tag form.
#[derive(Deserialize)]
pub struct TagForm {
    event: String,
    reason: String,
    note: Option<String>,
}

/// Tags one churn event.
pub async fn tag(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<TagForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let unreadable = || ApiError::BadRequest(format!("{:?} is not a churn event: pick one in the list", form.event));
    let (account, month) = form.event.split_once('@').ok_or_else(unreadable)?;
    let account_id: i64 = account.parse().map_err(|_| unreadable())?;
    let month = month.parse::<Month>()?.0;
    let tag = ChurnTag { account_id, month, reason: form.reason, note: filled(form.note) };
    let who = Actor::named(frame.principal.actor_name());
    match tag_events(&ctx, vec![tag], &who).await {
        Ok(_) => Ok(redirect_with_notice("/churn", &format!("Tagged the churn of {}.", month.format("%B %Y")))),
        Err(ApiError::Unprocessable { details, .. }) => {
            Err(ApiError::invalid(details.iter().filter_map(|d| d["reason"].as_str()).collect::<Vec<_>>().join("; "))
                .into())
        }
        Err(e) => Err(e.into()),
    }
}
