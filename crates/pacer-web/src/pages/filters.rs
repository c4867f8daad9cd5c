//! The one filter form of the pages that show figures: every choice picked by name (KPI,
//! rows, columns, fiscal period, team), never typed as an id; the current choice selected, so
//! the submitted URL shares the view; only the teams the caller may see are offered (the
//! server checks the scope again on every request).

use super::PageResult;
use super::layout::Frame;
use crate::AppState;
use crate::api::today;
use maud::{Markup, html};
use pacer_app::catalog::current_catalog;
use pacer_core::fiscal_calendar::{FiscalPeriod, PeriodKind};
use pacer_i18n::tr;

/// A picker a filter form can show.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Picker {
    /// The KPI, by its name in the catalog.
    Kpi,
    /// Rows per rep, team or company.
    Rows,
    /// Columns per week, month, quarter, half or year.
    Columns,
    /// The fiscal period: a year, half, quarter or month of the organisation's calendar.
    Period,
    /// A fiscal year only, for pages about a whole year.
    Year,
    /// One team and those below it, or every team one may see.
    Team,
}

/// What the pickers hold now, as the page's URL gives it.
#[derive(Default)]
pub struct Chosen<'a> {
    /// KPI key.
    pub kpi: Option<&'a str>,
    /// Rows: `rep`, `team` or `company`.
    pub by: Option<&'a str>,
    /// Columns: a period kind.
    pub per: Option<&'a str>,
    /// A fiscal year (shared links may give one instead of a period).
    pub fy: Option<i32>,
    /// A period's name, e.g. `FY2027-Q2`.
    pub period: Option<&'a str>,
    /// Team id.
    pub team: Option<i64>,
}

/// What the caller may choose from.
pub struct Choices {
    /// The catalog's KPIs by priority: key and name.
    kpis: Vec<(String, String)>,
    /// The teams the caller may see, by name: id and name.
    teams: Vec<(i64, String)>,
}

/// Fiscal years offered around the current one: two back (last year's figures and the year
/// before, for comparison) and one ahead (the year being planned).
const YEARS_BACK: i32 = 2;
const YEARS_AHEAD: i32 = 1;

/// Period kinds offered within each year; weeks stay reachable by URL.
const PERIOD_KINDS: [PeriodKind; 4] = [PeriodKind::Year, PeriodKind::Half, PeriodKind::Quarter, PeriodKind::Month];

/// The rows offered: the query's value and the message id of its words.
const ROWS: [(&str, &str); 3] =
    [("rep", "filters-rows-reps"), ("team", "filters-rows-teams"), ("company", "filters-rows-company")];

/// The columns offered: the query's value and the message id of its words.
const COLUMNS: [(&str, &str); 5] = [
    ("month", "filters-columns-months"),
    ("quarter", "filters-columns-quarters"),
    ("half", "filters-columns-halves"),
    ("week", "filters-columns-weeks"),
    ("year", "filters-columns-year"),
];

/// A period of the organisation's calendar for the reader, from its stable name (`FY2027-Q2`):
/// "Q2 FY2027" / "T2 FY2027"; `fallback` (the label the use case wrote) for a name that is not a
/// fiscal period (a range of dates, "YTD").
pub fn period_label(frame: &Frame, name: &str, fallback: &str) -> String {
    match frame.org.calendar.parse_period(name) {
        Ok(p) => frame.locale.period(&p),
        Err(_) => fallback.to_owned(),
    }
}

/// The labels of a fiscal year's months for the reader ("déc. 2026 (M11)"), when `labels` are
/// its months in order; else `labels` as they are.
pub fn month_labels(frame: &Frame, fiscal_year: i32, labels: &[&str]) -> Vec<String> {
    let months = frame.org.calendar.periods(fiscal_year, PeriodKind::Month).unwrap_or_default();
    if months.len() == labels.len() && months.iter().zip(labels).all(|(m, l)| m.label() == *l) {
        months.iter().map(|m| frame.locale.period(m)).collect()
    } else {
        labels.iter().map(|l| (*l).to_owned()).collect()
    }
}

impl Choices {
    /// The KPIs of the catalog in force and the teams the caller may see.
    pub async fn of(state: &AppState, frame: &Frame) -> PageResult<Self> {
        let catalog = current_catalog(state.store.as_ref()).await?.map(|(_, c)| c);
        let mut kpis: Vec<_> = catalog.iter().flat_map(|c| c.kpis.iter()).collect();
        kpis.sort_by_key(|k| *k.priority.get_ref());
        let visibility = frame.context(state).visibility().await?;
        let mut teams: Vec<(i64, String)> = state
            .store
            .teams()
            .await?
            .into_iter()
            .filter(|t| visibility.sees_team(t.id))
            .map(|t| (t.id, if t.active { t.name } else { tr!(frame.locale, "filters-inactive-team", name = t.name) }))
            .collect();
        teams.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(Self { kpis: kpis.into_iter().map(|k| (k.key().to_string(), k.name.clone())).collect(), teams })
    }

    /// The KPI a page shows when none is chosen: the first by priority.
    pub fn first_kpi(&self) -> Option<String> {
        self.kpis.first().map(|(key, _)| key.clone())
    }
}

/// The fiscal years offered, newest first.
fn years(frame: &Frame) -> impl Iterator<Item = i32> {
    let current = frame.org.fiscal_year_of(today());
    (current - YEARS_BACK..=current + YEARS_AHEAD).rev()
}

/// The periods offered, grouped by fiscal year, with the chosen one among them.
fn period_groups(frame: &Frame, chosen: Option<FiscalPeriod>) -> Vec<(i32, Vec<FiscalPeriod>)> {
    let calendar = &frame.org.calendar;
    let mut groups: Vec<(i32, Vec<FiscalPeriod>)> = years(frame)
        .map(|fy| (fy, PERIOD_KINDS.iter().flat_map(|k| calendar.periods(fy, *k).unwrap_or_default()).collect()))
        .collect();
    if let Some(p) = chosen.filter(|p| !groups.iter().any(|(_, ps)| ps.contains(p))) {
        match groups.iter_mut().find(|(fy, _)| *fy == p.fiscal_year) {
            Some((_, periods)) => periods.push(p),
            None => groups.push((p.fiscal_year, vec![p])),
        }
    }
    groups
}

fn period_text(frame: &Frame, p: &FiscalPeriod) -> String {
    match p.kind {
        PeriodKind::Year => tr!(frame.locale, "filters-whole-year", year = frame.locale.period(p)),
        _ => frame.locale.period(p),
    }
}

/// The filter form of a page: the given pickers, each holding its current choice. The
/// period defaults to the current fiscal year, as the figures do; "All teams" sends a blank.
pub fn filter_form(frame: &Frame, action: &str, pickers: &[Picker], chosen: &Chosen, choices: &Choices) -> Markup {
    let calendar = &frame.org.calendar;
    let fy = chosen.fy.unwrap_or_else(|| frame.org.fiscal_year_of(today()));
    let period = match chosen.period {
        Some(name) => calendar.parse_period(name).ok(),
        None => calendar.year(fy).ok(),
    };
    let mut fiscal_years: Vec<i32> = years(frame).collect();
    if !fiscal_years.contains(&fy) {
        fiscal_years.push(fy);
    }
    let shows = |p: Picker| pickers.contains(&p);
    let is = |a: Option<&str>, b: &str| a == Some(b);
    html! {
        form.row.filters method="get" action=(action) {
            @if shows(Picker::Kpi) && !choices.kpis.is_empty() {
                label { (frame.t("filters-kpi")) " " select name="kpi" {
                    @for (key, name) in &choices.kpis { option value=(key) selected[is(chosen.kpi, key)] { (name) } }
                } }
            }
            @if shows(Picker::Rows) {
                label { (frame.t("filters-rows")) " " select name="by" {
                    @for (value, words) in ROWS { option value=(value) selected[is(chosen.by, value)] { (frame.t(words)) } }
                } }
            }
            @if shows(Picker::Columns) {
                label { (frame.t("filters-columns")) " " select name="per" {
                    @for (value, words) in COLUMNS { option value=(value) selected[is(chosen.per, value)] { (frame.t(words)) } }
                } }
            }
            @if shows(Picker::Period) {
                label { (frame.t("filters-period")) " " select name="period" {
                    @for (fy, periods) in period_groups(frame, period) { optgroup label=(tr!(frame.locale, "period-year", fy = fy.to_string())) {
                        @for p in &periods { option value=(p.name()) selected[Some(*p) == period] { (period_text(frame, p)) } }
                    } }
                } }
            }
            @if shows(Picker::Year) {
                label { (frame.t("filters-fiscal-year")) " " select name="fy" {
                    @for y in &fiscal_years { option value=(y) selected[*y == fy] { (tr!(frame.locale, "period-year", fy = y.to_string())) } }
                } }
            }
            @if shows(Picker::Team) {
                label { (frame.t("filters-team")) " " select name="team" {
                    option value="" { (frame.t("filters-all-teams")) }
                    @for (id, name) in &choices.teams { option value=(id) selected[chosen.team == Some(*id)] { (name) } }
                } }
            }
            button type="submit" { (frame.t("filters-show")) }
        }
    }
}
