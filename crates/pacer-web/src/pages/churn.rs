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
use pacer_i18n::{Locale, tr};
use serde::Deserialize;
use std::collections::HashMap;

fn band_badge(locale: Locale, level: Option<BandLevel>) -> Markup {
    html! { @match level {
        Some(BandLevel::Normal) => span.badge.on { (locale.t("churn-band-normal")) },
        Some(BandLevel::Acceptable) => span.badge { (locale.t("churn-band-acceptable")) },
        Some(BandLevel::High) => span.badge.off { (locale.t("churn-band-high")) },
        None => span.muted { "—" },
    } }
}

/// A period of the report for people, in the reader's language ("T1 FY2026"), else its label.
fn period_label(frame: &Frame, p: &ChurnPeriod) -> String {
    frame.org.calendar.parse_period(&p.name).map_or_else(|_| p.label.clone(), |f| frame.locale.period(&f))
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
    let locale = frame.locale;
    let money = |minor: i64| frame.money(minor);
    let pct = |x: f64| locale.percent(x, 1);
    let opt_pct = |x: Option<f64>| x.map_or_else(|| "—".into(), pct);
    let ratio = |x: Option<f64>| x.map_or_else(|| "—".into(), |q| locale.decimal(q, 2));
    let percent = Unit::new(Kind::Percent, frame.org.currency).in_locale(locale);
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
        .then(|| tr!(locale, "churn-calendar-note", year = frame.fiscal_year_badge()));
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
                    let name =
                        names.get(a).cloned().unwrap_or_else(|| tr!(locale, "churn-account", id = a.to_string()));
                    let words = tr!(locale, "churn-event-words", account = name, month = locale.month_year(month));
                    events.push((event_value(*a, month), words));
                }
                month = month + chrono::Months::new(1);
            }
            events
        }
        _ => Vec::new(),
    };
    let team_name = match team {
        Some(t) => Some(
            state
                .store
                .teams()
                .await?
                .into_iter()
                .find(|x| x.id == t)
                .map_or_else(|| tr!(locale, "churn-team", id = t.to_string()), |x| x.name),
        ),
        None => None,
    };
    let cohorts =
        if viewer.principal.sees_everything() { pacer_app::churn::cohorts(&ctx, 12).await? } else { Vec::new() };
    let year = |fy: i32| tr!(locale, "period-year", fy = fy.to_string());
    let by_words = if by == "quarter" { frame.t("churn-by-quarter") } else { frame.t("churn-by-month") };
    let body = html! {
        @if let Some(text) = &q.notice { div.notice { (text) } }
        h1 { (tr!(locale, "churn-heading", year = year(fy))) @if let Some(name) = &team_name { " · " (name) } }
        p {
            a href=(format!("/churn?fy={}&by={by}{team_param}", fy - 1)) { "← " (year(fy - 1)) } " · "
            a href=(format!("/churn?fy={}&by={by}{team_param}", fy + 1)) { (year(fy + 1)) " →" } " · " (frame.t("churn-by")) " "
            a href=(format!("/churn?fy={fy}&by=month{team_param}")) { (frame.t("churn-by-month")) } " / "
            a href=(format!("/churn?fy={fy}&by=quarter{team_param}")) { (frame.t("churn-by-quarter")) }
        }
        @if let Some(note) = &calendar_note { p.muted { (note) } }
        @match whole {
            None => div.card { p { (frame.t("churn-no-data")) } },
            Some(w) => {
                @let label = if w.to_date { tr!(locale, "churn-to-date", period = period_label(&frame, w), months = w.months.to_string()) } else { period_label(&frame, w) };
                div.grid {
                    div.stat { div.n { (locale.count(w.rates.cohort_customers as i64)) } div.l { (frame.t("churn-customers-start")) } }
                    div.stat { div.n { (locale.count(w.bridge.customers_at_end as i64)) } div.l { (frame.t("churn-customers-end")) } }
                    div.stat { div.n { (opt_pct(w.rates.customer_churn_rate)) } div.l { (tr!(locale, "churn-customer-churn-of", period = &label)) } }
                    div.stat { div.n { (opt_pct(w.annualised_customer_churn)) " " (band_badge(locale, w.band)) } div.l { (frame.t("churn-annualised")) } }
                    div.stat { div.n { (opt_pct(w.rates.grr)) } div.l { (frame.t("churn-grr")) } }
                    div.stat { div.n { (opt_pct(w.rates.nrr)) } div.l { (frame.t("churn-nrr")) } }
                    div.stat { div.n { (ratio(w.bridge.quick_ratio)) } div.l { (frame.t("churn-quick-ratio")) } }
                    div.stat { div.n { (opt_pct(w.reasons.uncontrollable_share)) } div.l { (frame.t("churn-uncontrollable")) } }
                }
                div.card {
                    (charts::band_gauge(&frame.t("churn-gauge"), w.annualised_customer_churn, report.band.normal_up_to, report.band.acceptable_up_to, percent))
                    p.muted { (tr!(locale, "churn-band-text", period = &label, normal = pct(report.band.normal_up_to), acceptable = pct(report.band.acceptable_up_to))) }
                }
                div.card {
                    (charts::waterfall(&tr!(locale, "churn-bridge", period = &label), calendar_note.as_deref(), &[
                        WaterfallStep { label: frame.t("churn-step-start"), amount: w.bridge.start_mrr, kind: StepKind::Total },
                        WaterfallStep { label: frame.t("churn-step-new"), amount: w.bridge.new, kind: StepKind::Increase },
                        WaterfallStep { label: frame.t("churn-step-reactivation"), amount: w.bridge.reactivation, kind: StepKind::Increase },
                        WaterfallStep { label: frame.t("churn-step-expansion"), amount: w.bridge.expansion, kind: StepKind::Increase },
                        WaterfallStep { label: frame.t("churn-step-contraction"), amount: w.bridge.contraction, kind: StepKind::Decrease },
                        WaterfallStep { label: frame.t("churn-step-churn"), amount: w.bridge.churn, kind: StepKind::Decrease },
                        WaterfallStep { label: frame.t("churn-step-end"), amount: w.bridge.end_mrr, kind: StepKind::Total },
                    ], Unit::new(Kind::Money, frame.org.currency).in_locale(locale)))
                    p.muted { (frame.t("churn-step-start")) " " (money(w.bridge.start_mrr)) " + " (frame.t("churn-step-new")) " " (money(w.bridge.new)) " + " (frame.t("churn-step-reactivation")) " " (money(w.bridge.reactivation))
                        " + " (frame.t("churn-step-expansion")) " " (money(w.bridge.expansion)) " − " (frame.t("churn-step-contraction")) " " (money(w.bridge.contraction)) " − " (frame.t("churn-step-churn")) " " (money(w.bridge.churn))
                        " = " (frame.t("churn-step-end")) " " (money(w.bridge.end_mrr)) @if w.bridge.balances() { " ✓" } }
                }
            }
        }
        @if !rows.is_empty() {
            div.card {
                (charts::chart(&Chart {
                    title: &tr!(locale, "churn-chart", by = &by_words),
                    note: Some(&tr!(locale, "churn-chart-note", normal = pct(report.band.normal_up_to))),
                    unit: percent,
                    columns: &rows.iter().map(|r| Label::period(&period_label(&frame, r))).collect::<Vec<_>>(),
                    series: &[Series::new(frame.t("churn-customer-churn"), rows.iter().map(|r| r.rates.customer_churn_rate).collect())],
                    mark: Mark::Bars,
                    goal: monthly_normal
                        .map(|m| Goal { name: frame.t("churn-normal-band"), values: rows.iter().map(|r| Some(1.0 - (1.0 - m).powi(r.months as i32))).collect() })
                        .as_ref(),
                }))
            }
            div.card.scroll { table {
                thead { tr { th { (frame.t("churn-col-period")) } th.num { (frame.t("churn-col-customers-start")) } th.num { (frame.t("churn-col-churned")) } th.num { (frame.t("churn-col-customer-churn")) } th.num { (frame.t("churn-col-annualised")) } th { (frame.t("churn-col-band")) }
                    th.num { (frame.t("churn-col-gross")) } th.num { (frame.t("churn-col-net")) } th.num { (frame.t("churn-col-grr")) } th.num { (frame.t("churn-col-nrr")) } th.num { (frame.t("churn-col-new")) } th.num { (frame.t("churn-col-reactivated")) } th.num { (frame.t("churn-col-quick-ratio")) } th.num { (frame.t("churn-col-uncontrollable")) } } }
                tbody { @for r in rows.iter().chain(whole) { tr {
                    td { (period_label(&frame, r)) @if r.to_date { " " span.muted { (frame.t("churn-row-to-date")) } } }
                    td.num { (locale.count(r.rates.cohort_customers as i64)) } td.num { (locale.count(r.rates.churned_customers as i64)) }
                    td.num { (opt_pct(r.rates.customer_churn_rate)) } td.num { (opt_pct(r.annualised_customer_churn)) } td { (band_badge(locale, r.band)) }
                    td.num { (opt_pct(r.rates.gross_mrr_churn_rate)) } td.num { (opt_pct(r.rates.net_mrr_churn_rate)) }
                    td.num { (opt_pct(r.rates.grr)) } td.num { (opt_pct(r.rates.nrr)) }
                    td.num { (locale.count(r.bridge.new_count as i64)) } td.num { (locale.count(r.bridge.reactivation_count as i64)) }
                    td.num { (ratio(r.bridge.quick_ratio)) }
                    td.num { (opt_pct(r.reasons.uncontrollable_share)) }
                } } }
            } }
        }
        @if let Some(w) = whole {
            div.card.scroll {
                h2 { (frame.t("churn-why")) }
                table {
                    thead { tr { th { (frame.t("churn-col-reason")) } th { (frame.t("churn-col-controllable")) } th.num { (frame.t("churn-col-mrr-lost")) } } }
                    tbody { @for (key, mrr) in &w.reasons.by_reason {
                        @let reason = org.churn_reasons.iter().find(|r| &r.key == key);
                        // Events nobody tagged come under the core's key `untagged`.
                        @let name = match reason { Some(r) => r.name.clone(), None if key == "untagged" => frame.t("churn-untagged"), None => key.clone() };
                        tr { td { (name) }
                             td { @match reason { Some(r) if r.controllable => (frame.t("churn-yes")), Some(_) => (frame.t("churn-no")), None => "—" } }
                             td.num { (money(*mrr)) } }
                    } }
                }
                p.muted { (tr!(locale, "churn-tagged", tagged = locale.count(w.reasons.tagged as i64), events = locale.count(w.reasons.events as i64))) }
                @if !untagged.is_empty() {
                    h2 { (frame.t("churn-tag-heading")) }
                    form.row method="post" action="/churn/tags" {
                        (frame.csrf_field())
                        label { (frame.t("churn-event")) select name="event" { @for (value, words) in untagged.iter().take(200) { option value=(value) { (words) } } } }
                        label { (frame.t("churn-reason")) select name="reason" { @for r in &org.churn_reasons { option value=(r.key) { (r.name) } } } }
                        label { (frame.t("churn-note")) input name="note"; }
                        button type="submit" { (frame.t("churn-tag")) }
                    }
                }
            }
        }
        @if !cohorts.is_empty() {
            div.card.scroll {
                (charts::heatmap(
                    &frame.t("churn-retention"),
                    Some(&frame.t("churn-retention-note")),
                    &cohorts.iter().map(|c| locale.month_year(c.cohort_month)).collect::<Vec<_>>(),
                    &(0..cohorts.first().map(|c| c.customer_retention.len()).unwrap_or(0)).map(|k| format!("M{k}")).collect::<Vec<_>>(),
                    &cohorts.iter().map(|c| c.customer_retention.clone()).collect::<Vec<_>>(),
                    percent,
                ))
            }
        }
    };
    Ok(layout::page(&frame, &frame.t("churn-title"), body))
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
    let unreadable = || ApiError::BadRequest(tr!(frame.locale, "churn-not-event", value = format!("{:?}", form.event)));
    let (account, month) = form.event.split_once('@').ok_or_else(unreadable)?;
    let account_id: i64 = account.parse().map_err(|_| unreadable())?;
    let month = month.parse::<Month>()?.0;
    let tag = ChurnTag { account_id, month, reason: form.reason, note: filled(form.note) };
    let who = Actor::named(frame.principal.actor_name());
    match tag_events(&ctx, vec![tag], &who).await {
        Ok(_) => Ok(redirect_with_notice(
            "/churn",
            &tr!(frame.locale, "churn-tagged-notice", month = frame.locale.month_year(month)),
        )),
        Err(ApiError::Unprocessable { details, .. }) => {
            Err(ApiError::invalid(details.iter().filter_map(|d| d["reason"].as_str()).collect::<Vec<_>>().join("; "))
                .into())
        }
        Err(e) => Err(e.into()),
    }
}
