//! KPI evaluation: the value of a catalog KPI over a period, for the records
//! of a rep, a team or the whole company. The caller brings the records; the
//! definition decides what counts.

use crate::catalog::{Catalog, ChurnMeasure, DURATION_FIELD, Definition, DefinitionKind, Kpi};
use crate::org::RepId;
use crate::records::{ActivityRecord, DealRecord, DealStatus, FieldValue};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;

/// A KPI's value, in the kind of number its definition gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum KpiValue {
    /// A number of things.
    Count(i64),
    /// Money in minor units.
    Money(i64),
    /// A sum or average of a field.
    Number(f64),
    /// A ratio or rate (0.25 is 25%).
    Rate(f64),
    /// No figure, and why (e.g. a ratio whose denominator is 0).
    NoFigure(String),
}

impl KpiValue {
    /// The value as a float, for ratios and charts (money in minor units).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            KpiValue::Count(n) | KpiValue::Money(n) => Some(*n as f64),
            KpiValue::Number(x) | KpiValue::Rate(x) => Some(*x),
            KpiValue::NoFigure(_) => None,
        }
    }
}

/// Recurring-revenue figures a churn KPI reads, computed by the caller for
/// the period and scope (see `crate::churn`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct RevenueFigures {
    /// Customer churn rate of the start cohort.
    pub customer_churn_rate: Option<f64>,
    /// Gross MRR churn rate.
    pub gross_mrr_churn_rate: Option<f64>,
    /// Net MRR churn rate.
    pub net_mrr_churn_rate: Option<f64>,
    /// Net revenue retention.
    pub nrr: Option<f64>,
    /// Gross revenue retention.
    pub grr: Option<f64>,
    /// MRR at the end of the period, minor units.
    pub end_mrr: i64,
    /// Paying customers at the end of the period.
    pub end_customers: i64,
}

/// The records a KPI is evaluated on.
#[derive(Debug, Clone, Copy)]
pub struct KpiInputs<'a> {
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period (inclusive).
    pub to: NaiveDate,
    /// Only these reps' records; `None` for the whole company.
    pub reps: Option<&'a HashSet<RepId>>,
    /// Activities (any period: those outside `from..=to` are ignored).
    pub activities: &'a [ActivityRecord],
    /// Deals (by close date).
    pub deals: &'a [DealRecord],
    /// Recurring-revenue figures for the period and scope, when known.
    pub revenue: Option<RevenueFigures>,
}

/// Why a KPI cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// No such KPI in the catalog.
    #[error("unknown KPI {0:?}")]
    UnknownKpi(String),
    /// A definition the checker would refuse (evaluate only checked catalogs).
    #[error("KPI {0:?} is not well defined: {1}")]
    IllDefined(String, &'static str),
}

impl KpiInputs<'_> {
    fn in_scope(&self, rep: RepId, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to && self.reps.is_none_or(|reps| reps.contains(&rep))
    }
}

/// Whether an activity passes a definition's type list and field filters.
fn activity_matches(d: &Definition, a: &ActivityRecord) -> bool {
    d.types.iter().any(|t| *t.get_ref() == a.activity_type)
        && d.filter.iter().all(|(field, wanted)| {
            let Some(value) = a.fields.get(field.get_ref().as_str()) else { return false };
            match wanted {
                toml::Value::Array(options) => options.iter().any(|w| field_equals(value, w)),
                one => field_equals(value, one),
            }
        })
}

fn field_equals(value: &FieldValue, wanted: &toml::Value) -> bool {
    match (value, wanted) {
        (FieldValue::Bool(a), toml::Value::Boolean(b)) => a == b,
        (FieldValue::Integer(a), toml::Value::Integer(b)) => a == b,
        (FieldValue::Decimal(a), toml::Value::Float(b)) => a == b,
        (FieldValue::Decimal(a), toml::Value::Integer(b)) => *a == *b as f64,
        (FieldValue::Text(a), toml::Value::String(b)) => a == b,
        (FieldValue::Text(a), toml::Value::Datetime(b)) => *a == b.to_string(),
        _ => false,
    }
}

fn numeric_field(a: &ActivityRecord, field: &str) -> Option<f64> {
    if field == DURATION_FIELD {
        a.duration_s.map(|s| s as f64 / 60.0)
    } else {
        a.fields.get(field).and_then(FieldValue::as_f64)
    }
}

/// The value of KPI `key` on `inputs`. The catalog must have passed
/// [`crate::catalog::check`]; ratios are evaluated through their parts.
pub fn evaluate(catalog: &Catalog, key: &str, inputs: &KpiInputs) -> Result<KpiValue, EvalError> {
    evaluate_at_depth(catalog, key, inputs, 0)
}

fn evaluate_at_depth(catalog: &Catalog, key: &str, inputs: &KpiInputs, depth: usize) -> Result<KpiValue, EvalError> {
    let kpi: &Kpi = catalog.kpi(key).ok_or_else(|| EvalError::UnknownKpi(key.to_string()))?;
    let ill = |why| EvalError::IllDefined(key.to_string(), why);
    // Checked catalogs have no ratio cycles; the bound keeps an unchecked one from looping.
    if depth > catalog.kpis.len() {
        return Err(ill("ratio cycle"));
    }
    let d = &kpi.definition;
    let activities = || {
        inputs.activities.iter().filter(|a| inputs.in_scope(a.rep_id, a.occurred_at.date()) && activity_matches(d, a))
    };
    let deals = || {
        let status = d.deal_status.unwrap_or(DealStatus::Won);
        inputs.deals.iter().filter(move |deal| {
            deal.close_date.is_some_and(|day| inputs.in_scope(deal.rep_id, day))
                && deal.status == status
                && (d.deal_kinds.is_empty() || d.deal_kinds.contains(&deal.kind))
        })
    };
    Ok(match d.kind {
        DefinitionKind::ActivityCount => KpiValue::Count(activities().count() as i64),
        DefinitionKind::ActivitySum | DefinitionKind::ActivityAverage => {
            let field = d.field.as_ref().ok_or_else(|| ill("a sum or average needs a field"))?;
            let values: Vec<f64> = activities().filter_map(|a| numeric_field(a, field.get_ref())).collect();
            let sum = values.iter().sum();
            match d.kind {
                DefinitionKind::ActivitySum => KpiValue::Number(sum),
                _ => average_value(sum, values.len() as i64),
            }
        }
        DefinitionKind::DistinctAccounts => {
            KpiValue::Count(activities().filter_map(|a| a.account_id).collect::<HashSet<_>>().len() as i64)
        }
        DefinitionKind::DealAmount => KpiValue::Money(deals().map(|deal| deal.amount_minor).sum()),
        DefinitionKind::DealCount => KpiValue::Count(deals().count() as i64),
        DefinitionKind::Ratio => {
            let part = |r: &Option<toml::Spanned<String>>| -> Result<KpiValue, EvalError> {
                let r = r.as_ref().ok_or_else(|| ill("a ratio needs a numerator and a denominator"))?;
                evaluate_at_depth(catalog, r.get_ref(), inputs, depth + 1)
            };
            ratio_value(&part(&d.numerator)?, &part(&d.denominator)?)
        }
        DefinitionKind::Churn => {
            let Some(revenue) = inputs.revenue else {
                return Ok(KpiValue::NoFigure("no recurring-revenue data".into()));
            };
            let rate = |r: Option<f64>| {
                r.map_or_else(|| KpiValue::NoFigure("no customers at the start".into()), KpiValue::Rate)
            };
            match d.measure.ok_or_else(|| ill("a churn definition needs a measure"))? {
                ChurnMeasure::CustomerChurnRate => rate(revenue.customer_churn_rate),
                ChurnMeasure::GrossMrrChurnRate => rate(revenue.gross_mrr_churn_rate),
                ChurnMeasure::NetMrrChurnRate => rate(revenue.net_mrr_churn_rate),
                ChurnMeasure::Nrr => rate(revenue.nrr),
                ChurnMeasure::Grr => rate(revenue.grr),
                ChurnMeasure::Mrr => KpiValue::Money(revenue.end_mrr),
                ChurnMeasure::Customers => KpiValue::Count(revenue.end_customers),
            }
        }
    })
}

/// The mean of `n` values summing to `sum`; no figure without values.
pub fn average_value(sum: f64, n: i64) -> KpiValue {
    if n == 0 { KpiValue::NoFigure("no records with this field".into()) } else { KpiValue::Number(sum / n as f64) }
}

/// A ratio of two KPI values: always the ratio of the totals, never a mean of ratios.
pub fn ratio_value(numerator: &KpiValue, denominator: &KpiValue) -> KpiValue {
    match (numerator.as_f64(), denominator.as_f64()) {
        (Some(n), Some(den)) if den != 0.0 => KpiValue::Rate(n / den),
        (Some(_), Some(_)) => KpiValue::NoFigure("the denominator is 0".into()),
        _ => KpiValue::NoFigure("a part has no figure".into()),
    }
}

/// What a KPI sums from the daily rollups, when its value can be computed
/// from them (sums over days): counts, durations and deal totals, and
/// ratios of those. Field filters, custom fields, distinct accounts and
/// churn need the raw records.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// Activities of some types.
    Activities {
        /// The types.
        types: Vec<String>,
        /// What is taken of them.
        of: ActivityMeasure,
    },
    /// Deals of a status and some kinds (all when empty), by close date.
    Deals {
        /// The status.
        status: DealStatus,
        /// The kinds; all when empty.
        kinds: Vec<crate::records::DealKind>,
        /// Amount or count.
        of: DealMeasure,
    },
    /// One measure over another.
    Ratio(Box<Measure>, Box<Measure>),
}

/// What an activity measure takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityMeasure {
    /// How many.
    Count,
    /// Total duration, minutes.
    DurationSum,
    /// Mean duration, minutes.
    DurationAverage,
}

/// What a deal measure takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealMeasure {
    /// Total amount, minor units.
    Amount,
    /// How many.
    Count,
}

impl ActivityMeasure {
    /// The value from a day-summed total: `n` activities, `duration_n` of
    /// them with a duration summing to `duration_s` seconds.
    pub fn value(self, n: i64, duration_s: i64, duration_n: i64) -> KpiValue {
        let minutes = duration_s as f64 / 60.0;
        match self {
            ActivityMeasure::Count => KpiValue::Count(n),
            ActivityMeasure::DurationSum => KpiValue::Number(minutes),
            ActivityMeasure::DurationAverage => average_value(minutes, duration_n),
        }
    }
}

impl DealMeasure {
    /// The value from `n` deals totalling `amount_minor`.
    pub fn value(self, n: i64, amount_minor: i64) -> KpiValue {
        match self {
            DealMeasure::Amount => KpiValue::Money(amount_minor),
            DealMeasure::Count => KpiValue::Count(n),
        }
    }
}

/// How KPI `key` is computed from the rollups, or `None` when it needs raw records.
pub fn rollup_measure(catalog: &Catalog, key: &str) -> Result<Option<Measure>, EvalError> {
    measure_at_depth(catalog, key, 0)
}

fn measure_at_depth(catalog: &Catalog, key: &str, depth: usize) -> Result<Option<Measure>, EvalError> {
    let kpi = catalog.kpi(key).ok_or_else(|| EvalError::UnknownKpi(key.to_string()))?;
    let ill = |why| EvalError::IllDefined(key.to_string(), why);
    if depth > catalog.kpis.len() {
        return Err(ill("ratio cycle"));
    }
    let d = &kpi.definition;
    let types = || d.types.iter().map(|t| t.get_ref().clone()).collect();
    let on_duration = d.field.as_ref().is_some_and(|f| f.get_ref() == DURATION_FIELD);
    Ok(match d.kind {
        _ if !d.filter.is_empty() => None,
        DefinitionKind::ActivityCount => Some(Measure::Activities { types: types(), of: ActivityMeasure::Count }),
        DefinitionKind::ActivitySum if on_duration => {
            Some(Measure::Activities { types: types(), of: ActivityMeasure::DurationSum })
        }
        DefinitionKind::ActivityAverage if on_duration => {
            Some(Measure::Activities { types: types(), of: ActivityMeasure::DurationAverage })
        }
        DefinitionKind::DealAmount | DefinitionKind::DealCount => Some(Measure::Deals {
            status: d.deal_status.unwrap_or(DealStatus::Won),
            kinds: d.deal_kinds.clone(),
            of: if d.kind == DefinitionKind::DealAmount { DealMeasure::Amount } else { DealMeasure::Count },
        }),
        DefinitionKind::Ratio => {
            let part = |r: &Option<toml::Spanned<String>>| -> Result<Option<Measure>, EvalError> {
                let r = r.as_ref().ok_or_else(|| ill("a ratio needs a numerator and a denominator"))?;
                measure_at_depth(catalog, r.get_ref(), depth + 1)
            };
            match (part(&d.numerator)?, part(&d.denominator)?) {
                (Some(n), Some(den)) => Some(Measure::Ratio(Box::new(n), Box::new(den))),
                _ => None,
            }
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::check;
    use crate::records::DealKind;
    use crate::testing::{activity, catalog, day, deal, kpi_toml};
    use proptest::prelude::*;

    #[test]
    fn every_kind_of_definition() {
        let catalog = catalog(&[
            ("calls", "count", r#"kind = "activity_count", types = ["call"]"#),
            ("connected", "count", r#"kind = "activity_count", types = ["call"], where = { outcome = ["connected"] }"#),
            ("connect_rate", "percent", r#"kind = "ratio", numerator = "connected", denominator = "calls""#),
            ("talk_time", "duration", r#"kind = "activity_average", types = ["call"], field = "duration_minutes""#),
            ("accounts", "count", r#"kind = "distinct_accounts", types = ["call"]"#),
            ("expansion", "currency", r#"kind = "deal_amount", deal_kinds = ["upsell", "cross-sell"]"#),
            ("lost_new", "count", r#"kind = "deal_count", deal_kinds = ["new"], deal_status = "lost""#),
            ("nrr", "percent", r#"kind = "churn", measure = "nrr""#),
        ]);
        let activities = vec![
            activity(1, 1, "call", day("2026-03-01"), Some(10), Some("connected")),
            activity(2, 1, "call", day("2026-03-02"), Some(2), Some("voicemail")),
            activity(3, 2, "call", day("2026-03-03"), Some(6), None),
            activity(4, 2, "call", day("2026-04-01"), Some(30), Some("connected")),
        ];
        let deals = vec![
            deal(1, 1, DealKind::Upsell, DealStatus::Won, 120_000, day("2026-03-10")),
            deal(2, 2, DealKind::CrossSell, DealStatus::Won, 30_050, day("2026-03-11")),
            deal(3, 2, DealKind::Upsell, DealStatus::Lost, 99_999, day("2026-03-12")),
            deal(4, 1, DealKind::New, DealStatus::Lost, 5_000, day("2026-03-13")),
        ];
        let revenue = RevenueFigures { nrr: Some(1.03), ..RevenueFigures::default() };
        let march = KpiInputs {
            from: day("2026-03-01"),
            to: day("2026-03-31"),
            reps: None,
            activities: &activities,
            deals: &deals,
            revenue: Some(revenue),
        };
        let value = |k: &str, inputs: &KpiInputs| evaluate(&catalog, k, inputs).unwrap();
        assert_eq!(value("calls", &march), KpiValue::Count(3));
        assert_eq!(value("connected", &march), KpiValue::Count(1), "records without the field do not match");
        assert_eq!(value("connect_rate", &march), KpiValue::Rate(1.0 / 3.0));
        assert_eq!(value("talk_time", &march), KpiValue::Number(6.0));
        assert_eq!(value("accounts", &march), KpiValue::Count(3));
        assert_eq!(value("expansion", &march), KpiValue::Money(150_050));
        assert_eq!(value("lost_new", &march), KpiValue::Count(1));
        assert_eq!(value("nrr", &march), KpiValue::Rate(1.03));
        let rep2 = HashSet::from([2]);
        let rep2_march = KpiInputs { reps: Some(&rep2), ..march };
        assert_eq!(value("calls", &rep2_march), KpiValue::Count(1));
        assert_eq!(value("connect_rate", &rep2_march), KpiValue::Rate(0.0));
        assert_eq!(value("expansion", &rep2_march), KpiValue::Money(30_050));
        let empty = KpiInputs { from: day("2025-01-01"), to: day("2025-01-31"), revenue: None, ..march };
        assert!(
            matches!(value("connect_rate", &empty), KpiValue::NoFigure(_)),
            "0 calls: no figure, no division error"
        );
        assert!(matches!(value("talk_time", &empty), KpiValue::NoFigure(_)));
        assert!(matches!(value("nrr", &empty), KpiValue::NoFigure(_)));
        assert_eq!(evaluate(&catalog, "nope", &march), Err(EvalError::UnknownKpi("nope".into())));
    }

    /// Builds a catalog text from random choices, valid or not.
    fn random_catalog() -> impl Strategy<Value = String> {
        let kinds = prop::sample::select(vec![
            "kind = \"activity_count\", types = [\"call\"]",
            "kind = \"activity_count\", types = [\"call\"], where = { outcome = \"connected\" }",
            "kind = \"activity_sum\", types = [\"call\"], field = \"duration_minutes\"",
            "kind = \"activity_average\", types = [\"call\"], field = \"score\"",
            "kind = \"activity_sum\", types = [\"call\"], field = \"outcome\"",
            "kind = \"distinct_accounts\", types = [\"meeting\"]",
            "kind = \"deal_amount\", deal_kinds = [\"new\", \"renewal\"]",
            "kind = \"deal_count\", deal_status = \"open\"",
            "kind = \"ratio\", numerator = \"k0\", denominator = \"k1\"",
            "kind = \"ratio\", numerator = \"k2\", denominator = \"k0\"",
            "kind = \"churn\", measure = \"gross_mrr_churn_rate\"",
            "kind = \"churn\"",
        ]);
        let captures = prop::sample::select(vec![
            "method = \"manual\", process = \"p\"",
            "method = \"automatic\", source = \"s\"",
            "method = \"planned\", setup_days = 3, ready_by = 2026-01-05",
            "method = \"unavailable\", alternatives = [\"k0\"]",
            "method = \"unavailable\"",
        ]);
        prop::collection::vec((kinds, captures, 1u32..6), 1..6).prop_map(|kpis| {
            let mut text = String::from(
                "[[activity_types]]\nkey = \"call\"\nname = \"Call\"\nfields = [{ key = \"outcome\", type = \"one_of\", values = [\"connected\"] }, { key = \"score\", type = \"integer\" }]\n",
            );
            for (i, (definition, capture, priority)) in kpis.iter().enumerate() {
                text.push_str(&kpi_toml(&format!("k{i}"), "count", *priority, definition, capture));
            }
            text
        })
    }

    proptest! {
        /// Any catalog the checker accepts can be evaluated, KPI by KPI, without an error.
        #[test]
        fn accepted_catalogs_evaluate(text in random_catalog(), minutes in prop::collection::vec(0i64..90, 0..20)) {
            let checked = check("p.toml", &text, None);
            if let Ok(catalog) = checked.valid() {
                let activities: Vec<ActivityRecord> = minutes.iter().enumerate()
                    .map(|(i, m)| activity(i as i64, 1 + i as i64 % 2, "call", day("2026-03-05"), Some(*m), (i % 2 == 0).then_some("connected")))
                    .collect();
                let deals = vec![deal(1, 1, DealKind::New, DealStatus::Won, 500, day("2026-03-06"))];
                let inputs = KpiInputs { from: day("2026-03-01"), to: day("2026-03-31"), reps: None, activities: &activities, deals: &deals, revenue: Some(RevenueFigures::default()) };
                for kpi in &catalog.kpis {
                    prop_assert!(evaluate(&catalog, kpi.key(), &inputs).is_ok());
                }
            }
        }
    }
}
