//! The metric catalog ("metrics as code", PRODUCT.md C2): activity types with
//! their typed custom fields, and the KPIs with their definition, priority,
//! owner and capture method. Parsed from `metrics.toml`, checked with every
//! problem reported at once (file, line, column, sentence), and written back
//! to TOML unchanged in meaning.

use crate::attainment::Direction;
use crate::records::{DealKind, DealStatus};
use crate::text_enum::text_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use toml::Spanned;

/// The whole catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// The fiscal year this catalog prepares for (the "first day" readiness is judged against).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiscal_year: Option<i32>,
    /// Activity types and their fields: "the field must exist in the system".
    #[serde(default)]
    pub activity_types: Vec<ActivityType>,
    /// The KPIs.
    #[serde(default)]
    pub kpis: Vec<Kpi>,
}

/// A kind of activity reps log or integrations push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityType {
    /// Key, e.g. `call`.
    pub key: Spanned<String>,
    /// Name shown.
    pub name: String,
    /// Custom fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldDef>,
}

/// A typed custom field of an activity type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Key, e.g. `outcome`.
    pub key: Spanned<String>,
    /// Name shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Value type.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// Whether every record must carry it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// The allowed values of a `one_of` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// The type of a custom field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Whole number.
    Integer,
    /// Decimal number.
    Decimal,
    /// Free text.
    Text,
    /// Yes or no.
    Boolean,
    /// A date, YYYY-MM-DD.
    Date,
    /// One of a list of values.
    OneOf,
}

impl FieldDef {
    /// Reads a value typed by a person (form, command line) as this field's type.
    pub fn parse_value(&self, text: &str) -> Result<crate::records::FieldValue, String> {
        use crate::records::FieldValue;
        let t = text.trim();
        let key = self.key.get_ref();
        match self.kind {
            FieldKind::Integer => {
                t.parse().map(FieldValue::Integer).map_err(|_| format!("{key}: {t:?} is not a whole number"))
            }
            FieldKind::Decimal => t
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(FieldValue::Decimal)
                .ok_or_else(|| format!("{key}: {t:?} is not a number")),
            FieldKind::Boolean => match t.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" | "on" => Ok(FieldValue::Bool(true)),
                "false" | "no" | "0" | "off" => Ok(FieldValue::Bool(false)),
                _ => Err(format!("{key}: {t:?} is not yes or no")),
            },
            FieldKind::Date => NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map(|d| FieldValue::Text(d.to_string()))
                .map_err(|_| format!("{key}: {t:?} is not a date (YYYY-MM-DD)")),
            FieldKind::OneOf if self.values.iter().any(|v| v == t) => Ok(FieldValue::Text(t.to_string())),
            FieldKind::OneOf => Err(format!("{key}: {t:?} is not one of {}", self.values.join(", "))),
            FieldKind::Text => Ok(FieldValue::Text(t.to_string())),
        }
    }
}

impl FieldKind {
    /// Whether sums and averages make sense.
    pub fn is_numeric(self) -> bool {
        matches!(self, FieldKind::Integer | FieldKind::Decimal)
    }
}

/// What a KPI measures, broadly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Activities (calls, e-mails, meetings).
    Activity,
    /// Pipeline building and conversion.
    Pipeline,
    /// Revenue won.
    Revenue,
    /// Keeping customers and revenue.
    Retention,
    /// Growing existing customers.
    Expansion,
    /// Anything else.
    Other,
}

/// The unit a KPI is expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A number of things.
    Count,
    /// Money, in the organisation's currency.
    Currency,
    /// A share or rate.
    Percent,
    /// A length of time.
    Duration,
}

text_enum! {
    /// The written form, as serialised: `count`, `currency`, `percent` or `duration`.
    Unit { Count => "count", Currency => "currency", Percent => "percent", Duration => "duration" }
}

/// How a KPI's value is computed from the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefinitionKind {
    /// Number of activities of some types, with field filters.
    ActivityCount,
    /// Sum of a numeric field (or `duration_minutes`) of activities.
    ActivitySum,
    /// Average of a numeric field (or `duration_minutes`) of activities.
    ActivityAverage,
    /// Distinct accounts touched by activities.
    DistinctAccounts,
    /// Amount of deals by kind and status (won by default).
    DealAmount,
    /// Number of deals by kind and status (won by default).
    DealCount,
    /// One KPI divided by another.
    Ratio,
    /// A churn or retention measure (PRODUCT.md C8).
    Churn,
}

/// The churn and retention measures a KPI may refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChurnMeasure {
    /// Customers of the start cohort lost / cohort size.
    CustomerChurnRate,
    /// (Churned + contraction MRR) / start MRR.
    GrossMrrChurnRate,
    /// 1 - NRR.
    NetMrrChurnRate,
    /// Net revenue retention.
    Nrr,
    /// Gross revenue retention.
    Grr,
    /// Monthly recurring revenue at the end of the period.
    Mrr,
    /// Paying customers at the end of the period.
    Customers,
}

/// The built-in numeric field of every activity.
pub const DURATION_FIELD: &str = "duration_minutes";

/// A KPI's definition. One flat table so that every reference keeps its
/// position in the file; which keys apply depends on `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// How the value is computed.
    pub kind: DefinitionKind,
    /// Activity types counted (activity kinds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<Spanned<String>>,
    /// Field filters: field key to a value or a list of values (activity kinds).
    #[serde(default, rename = "where", skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<Spanned<String>, toml::Value>,
    /// The numeric field summed or averaged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<Spanned<String>>,
    /// Deal kinds counted (deal kinds; all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deal_kinds: Vec<DealKind>,
    /// Deal status counted (deal kinds; won when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_status: Option<DealStatus>,
    /// Numerator KPI (ratio).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numerator: Option<Spanned<String>>,
    /// Denominator KPI (ratio).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<Spanned<String>>,
    /// The churn or retention measure (churn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<ChurnMeasure>,
}

/// How a KPI gets into the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaptureMethod {
    /// Filled by an automated process from a named source.
    Automatic,
    /// Filled by people, following a process.
    Manual,
    /// Not captured yet: setup planned.
    Planned,
    /// Cannot be captured with the tools at hand.
    Unavailable,
}

/// How a KPI is captured: one flat table; which keys apply depends on `method`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capture {
    /// The method.
    pub method: CaptureMethod,
    /// The system that fills it (automatic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The process people follow (manual), or the setup to do (planned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    /// Days of setup left (planned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_days: Option<u32>,
    /// The day it will be ready (planned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_by: Option<CatalogDate>,
    /// KPIs to use instead (unavailable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Spanned<String>>,
    /// Why it cannot be captured (unavailable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    /// Key, e.g. `calls_made`.
    pub key: Spanned<String>,
    /// Name shown.
    pub name: String,
    /// What it means and why it matters.
    #[serde(default)]
    pub description: String,
    /// Broad category.
    pub category: Category,
    /// Unit.
    pub unit: Unit,
    /// Whether more is better.
    pub direction: Direction,
    /// 1 is the most important; unique.
    pub priority: Spanned<u32>,
    /// Who answers for it.
    pub owner: String,
    /// How it is computed.
    pub definition: Definition,
    /// How it is captured.
    pub capture: Capture,
    /// The day from which it is tracked (for KPIs added mid-year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracked_since: Option<CatalogDate>,
}

impl Kpi {
    /// Whether its values are money (amounts in minor units of the currency).
    pub fn is_money(&self) -> bool {
        self.unit == Unit::Currency
    }

    /// Whether the figures of separate owners add up to the figure of them together: counts and
    /// sums of records do; ratios, averages, rates and distinct accounts (one account touched by
    /// two reps is one account of their team) do not, so they are never summed across owners.
    pub fn adds_up(&self) -> bool {
        match self.definition.kind {
            DefinitionKind::ActivityCount
            | DefinitionKind::ActivitySum
            | DefinitionKind::DealAmount
            | DefinitionKind::DealCount => true,
            DefinitionKind::Churn => {
                matches!(self.definition.measure, Some(ChurnMeasure::Mrr | ChurnMeasure::Customers))
            }
            DefinitionKind::ActivityAverage | DefinitionKind::DistinctAccounts | DefinitionKind::Ratio => false,
        }
    }

    /// The key as text.
    pub fn key(&self) -> &str {
        self.key.get_ref()
    }
}

/// A date written either as a TOML date (`2027-01-15`) or a string; written back as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CatalogDate(pub NaiveDate);

impl Serialize for CatalogDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.format("%Y-%m-%d").to_string())
    }
}

impl<'de> Deserialize<'de> for CatalogDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = match toml::Value::deserialize(d)? {
            toml::Value::String(s) => s,
            toml::Value::Datetime(dt) => dt.to_string(),
            other => return Err(serde::de::Error::custom(format!("expected a date (YYYY-MM-DD), found {other}"))),
        };
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map(CatalogDate)
            .map_err(|_| serde::de::Error::custom(format!("{text:?} is not a date: use YYYY-MM-DD")))
    }
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the catalog can still be applied.
    Warning,
    /// The catalog cannot be applied.
    Error,
}

/// One problem found in a catalog, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// File name as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// A sentence.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}:{}: {level}: {}", self.file, self.line, self.column, self.message)
    }
}

/// Turns byte offsets into line and column.
struct Locator<'a> {
    file: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    fn problem(&self, severity: Severity, offset: usize, message: String) -> Problem {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
        Problem { severity, file: self.file.to_string(), line, column, message }
    }
}

/// What checking a catalog found: the catalog when it parsed, and every problem.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The parsed catalog (absent when the TOML itself is broken).
    pub catalog: Option<Catalog>,
    /// Errors and warnings, in file order.
    pub problems: Vec<Problem>,
}

impl Checked {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// The catalog, if it has no errors.
    pub fn valid(self) -> Result<Catalog, Vec<Problem>> {
        match self.catalog {
            Some(c) if !self.problems.iter().any(|p| p.severity == Severity::Error) => Ok(c),
            _ => Err(self.problems),
        }
    }
}

/// Parses and checks `text` (named `file` in messages). `fy_start` is the
/// first day of the fiscal year the catalog prepares for: planned KPIs ready
/// after it get a warning.
pub fn check(file: &str, text: &str, fy_start: Option<NaiveDate>) -> Checked {
    let loc = Locator { file, text };
    let catalog: Catalog = match toml::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            return Checked {
                catalog: None,
                problems: vec![loc.problem(Severity::Error, offset, e.message().to_string())],
            };
        }
    };
    let mut problems = Vec::new();
    check_catalog(&catalog, &loc, fy_start, &mut problems);
    problems.sort_by_key(|p| (p.line, p.column));
    Checked { catalog: Some(catalog), problems }
}

fn known_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut list: Vec<&str> = items.collect();
    list.sort_unstable();
    list.dedup();
    if list.is_empty() { "none are declared".into() } else { format!("known: {}", list.join(", ")) }
}

fn check_catalog(c: &Catalog, loc: &Locator, fy_start: Option<NaiveDate>, out: &mut Vec<Problem>) {
    let err = |span: std::ops::Range<usize>, m: String| loc.problem(Severity::Error, span.start, m);
    // Activity types and their fields.
    let mut types: HashMap<&str, &ActivityType> = HashMap::new();
    for t in &c.activity_types {
        if types.insert(t.key.get_ref(), t).is_some() {
            out.push(err(t.key.span(), format!("duplicate activity type key {:?}", t.key.get_ref())));
        }
        let mut fields = BTreeSet::new();
        for f in &t.fields {
            if !fields.insert(f.key.get_ref().as_str()) || f.key.get_ref() == DURATION_FIELD {
                out.push(err(
                    f.key.span(),
                    format!("duplicate field {:?} in activity type {:?}", f.key.get_ref(), t.key.get_ref()),
                ));
            }
            match (f.kind, f.values.is_empty()) {
                (FieldKind::OneOf, true) => {
                    out.push(err(f.key.span(), format!("field {:?} is one_of but lists no values", f.key.get_ref())))
                }
                (kind, false) if kind != FieldKind::OneOf => out.push(err(
                    f.key.span(),
                    format!("field {:?} lists values but its type is not one_of", f.key.get_ref()),
                )),
                _ => {}
            }
        }
    }
    // KPI keys and priorities.
    let mut kpis: HashMap<&str, &Kpi> = HashMap::new();
    let mut priorities: HashMap<u32, &str> = HashMap::new();
    for k in &c.kpis {
        if kpis.insert(k.key(), k).is_some() {
            out.push(err(k.key.span(), format!("duplicate KPI key {:?}", k.key())));
        }
        let p = *k.priority.get_ref();
        if p == 0 {
            out.push(err(
                k.priority.span(),
                format!("KPI {:?}: priority must be 1 or more (1 is the most important)", k.key()),
            ));
        } else if let Some(other) = priorities.insert(p, k.key()) {
            out.push(err(
                k.priority.span(),
                format!("KPI {:?} has priority {p}, like {other:?}: priorities must be unique", k.key()),
            ));
        }
    }
    for k in &c.kpis {
        check_definition(k, &types, &kpis, loc, out);
        check_capture(k, &kpis, loc, fy_start, out);
    }
    for cycle in ratio_cycles(c) {
        let k = kpis[cycle[0].as_str()];
        out.push(err(k.key.span(), format!("ratio cycle: {}", cycle.join(" -> "))));
    }
}

fn check_definition(
    k: &Kpi,
    types: &HashMap<&str, &ActivityType>,
    kpis: &HashMap<&str, &Kpi>,
    loc: &Locator,
    out: &mut Vec<Problem>,
) {
    let d = &k.definition;
    let err = |span: std::ops::Range<usize>, m: String| loc.problem(Severity::Error, span.start, m);
    let key = k.key();
    let activity = matches!(
        d.kind,
        DefinitionKind::ActivityCount
            | DefinitionKind::ActivitySum
            | DefinitionKind::ActivityAverage
            | DefinitionKind::DistinctAccounts
    );
    if activity {
        if d.types.is_empty() {
            out.push(err(k.key.span(), format!("KPI {key:?}: a {:?} definition needs `types`", d.kind)));
        }
        for t in &d.types {
            if !types.contains_key(t.get_ref().as_str()) {
                out.push(err(
                    t.span(),
                    format!(
                        "KPI {key:?}: unknown activity type {:?} ({})",
                        t.get_ref(),
                        known_list(types.keys().copied())
                    ),
                ));
            }
        }
        let fields_of = |name: &str| -> Option<&FieldDef> {
            d.types
                .iter()
                .filter_map(|t| types.get(t.get_ref().as_str()))
                .flat_map(|t| &t.fields)
                .find(|f| f.key.get_ref() == name)
        };
        let known_fields = || {
            let mut all: Vec<&str> = d
                .types
                .iter()
                .filter_map(|t| types.get(t.get_ref().as_str()))
                .flat_map(|t| &t.fields)
                .map(|f| f.key.get_ref().as_str())
                .collect();
            all.push(DURATION_FIELD);
            known_list(all.into_iter())
        };
        for (field, value) in &d.filter {
            match fields_of(field.get_ref()) {
                None => out.push(err(
                    field.span(),
                    format!(
                        "KPI {key:?}: unknown field {:?} for these activity types ({})",
                        field.get_ref(),
                        known_fields()
                    ),
                )),
                Some(def) => {
                    let values: Vec<&toml::Value> = match value {
                        toml::Value::Array(items) => items.iter().collect(),
                        one => vec![one],
                    };
                    for v in values {
                        if let Err(reason) = filter_value_fits(def, v) {
                            out.push(err(
                                field.span(),
                                format!("KPI {key:?}: filter on {:?}: {reason}", field.get_ref()),
                            ));
                        }
                    }
                }
            }
        }
        let needs_field = matches!(d.kind, DefinitionKind::ActivitySum | DefinitionKind::ActivityAverage);
        match (&d.field, needs_field) {
            (None, true) => out.push(err(k.key.span(), format!("KPI {key:?}: a sum or average needs `field`"))),
            (Some(f), true) if f.get_ref() != DURATION_FIELD => match fields_of(f.get_ref()) {
                None => out
                    .push(err(f.span(), format!("KPI {key:?}: unknown field {:?} ({})", f.get_ref(), known_fields()))),
                Some(def) if !def.kind.is_numeric() => out.push(err(
                    f.span(),
                    format!(
                        "KPI {key:?}: field {:?} is {:?}, not a number: it cannot be summed or averaged",
                        f.get_ref(),
                        def.kind
                    ),
                )),
                Some(_) => {}
            },
            (Some(f), false) => out
                .push(err(f.span(), format!("KPI {key:?}: `field` only applies to activity_sum and activity_average"))),
            _ => {}
        }
    }
    if d.kind == DefinitionKind::Ratio {
        for (name, reference) in [("numerator", &d.numerator), ("denominator", &d.denominator)] {
            match reference {
                None => out.push(err(k.key.span(), format!("KPI {key:?}: a ratio needs a `{name}` KPI"))),
                Some(r) if !kpis.contains_key(r.get_ref().as_str()) => out
                    .push(err(r.span(), format!("KPI {key:?}: {name} {:?} is not a KPI of this catalog", r.get_ref()))),
                Some(_) => {}
            }
        }
    }
    if d.kind == DefinitionKind::Churn && d.measure.is_none() {
        out.push(err(k.key.span(), format!("KPI {key:?}: a churn definition needs `measure`")));
    }
}

/// Whether a filter value can match a field of this definition.
fn filter_value_fits(def: &FieldDef, v: &toml::Value) -> Result<(), String> {
    let ok = match (def.kind, v) {
        (FieldKind::Integer, toml::Value::Integer(_)) => true,
        (FieldKind::Decimal, toml::Value::Integer(_) | toml::Value::Float(_)) => true,
        (FieldKind::Text, toml::Value::String(_)) => true,
        (FieldKind::Boolean, toml::Value::Boolean(_)) => true,
        (FieldKind::Date, toml::Value::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
        (FieldKind::Date, toml::Value::Datetime(_)) => true,
        (FieldKind::OneOf, toml::Value::String(s)) => {
            return if def.values.contains(s) {
                Ok(())
            } else {
                Err(format!("{s:?} is not one of {}", def.values.join(", ")))
            };
        }
        _ => false,
    };
    if ok { Ok(()) } else { Err(format!("{v} does not fit a {:?} field", def.kind)) }
}

fn check_capture(
    k: &Kpi,
    kpis: &HashMap<&str, &Kpi>,
    loc: &Locator,
    fy_start: Option<NaiveDate>,
    out: &mut Vec<Problem>,
) {
    let c = &k.capture;
    let key = k.key();
    let at = k.key.span().start;
    let err = |m: String| loc.problem(Severity::Error, at, m);
    match c.method {
        CaptureMethod::Automatic if c.source.as_deref().is_none_or(|s| s.trim().is_empty()) => {
            out.push(err(format!("KPI {key:?}: automatic capture needs the `source` that fills it")))
        }
        CaptureMethod::Manual if c.process.as_deref().is_none_or(|s| s.trim().is_empty()) => {
            out.push(err(format!("KPI {key:?}: manual capture needs the `process` people follow")))
        }
        CaptureMethod::Planned => match c.ready_by {
            None => out.push(err(format!("KPI {key:?}: planned capture needs `ready_by` and `setup_days`"))),
            Some(ready) => {
                if c.setup_days.is_none() {
                    out.push(err(format!("KPI {key:?}: planned capture needs `setup_days`")));
                }
                if let Some(start) = fy_start
                    && ready.0 > start
                {
                    out.push(loc.problem(
                        Severity::Warning,
                        at,
                        format!("KPI {key:?} will be ready on {}, after the fiscal year starts on {start}: it will not give a full-year picture", ready.0),
                    ));
                }
            }
        },
        CaptureMethod::Unavailable => {
            if c.alternatives.is_empty() {
                out.push(err(format!("KPI {key:?} cannot be captured: name the `alternatives` to use instead")));
            }
            for a in &c.alternatives {
                if !kpis.contains_key(a.get_ref().as_str()) {
                    out.push(loc.problem(
                        Severity::Error,
                        a.span().start,
                        format!("KPI {key:?}: alternative {:?} is not a KPI of this catalog", a.get_ref()),
                    ));
                }
            }
        }
        _ => {}
    }
}

/// Every cycle between ratio KPIs, each as a path that starts and ends at the same key.
fn ratio_cycles(c: &Catalog) -> Vec<Vec<String>> {
    let edges: BTreeMap<&str, Vec<&str>> = c
        .kpis
        .iter()
        .filter(|k| k.definition.kind == DefinitionKind::Ratio)
        .map(|k| {
            let refs = [&k.definition.numerator, &k.definition.denominator];
            (k.key(), refs.into_iter().flatten().map(|r| r.get_ref().as_str()).collect())
        })
        .collect();
    let mut cycles: Vec<Vec<String>> = Vec::new();
    let mut reported: BTreeSet<BTreeSet<String>> = BTreeSet::new();
    for start in edges.keys() {
        let mut stack = vec![(*start, vec![*start])];
        while let Some((node, path)) = stack.pop() {
            for next in edges.get(node).into_iter().flatten() {
                if next == start {
                    let mut cycle: Vec<String> = path.iter().map(|s| s.to_string()).collect();
                    if reported.insert(cycle.iter().cloned().collect()) {
                        cycle.push(start.to_string());
                        cycles.push(cycle);
                    }
                } else if !path.contains(next) && edges.contains_key(next) {
                    let mut longer = path.clone();
                    longer.push(next);
                    stack.push((next, longer));
                }
            }
        }
    }
    cycles
}

impl Catalog {
    /// The catalog as TOML, unchanged in meaning (checking it again gives the same catalog).
    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string(self).map_err(|e| e.to_string())
    }

    /// A KPI by key.
    pub fn kpi(&self, key: &str) -> Option<&Kpi> {
        self.kpis.iter().find(|k| k.key() == key)
    }

    /// What people read for a KPI: its name, or the key of one no longer in the catalog.
    pub fn kpi_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.kpi(key).map_or(key, |k| k.name.as_str())
    }

    /// An activity type by key.
    pub fn activity_type(&self, key: &str) -> Option<&ActivityType> {
        self.activity_types.iter().find(|t| t.key.get_ref() == key)
    }

    /// KPIs in priority order.
    pub fn by_priority(&self) -> Vec<&Kpi> {
        let mut kpis: Vec<&Kpi> = self.kpis.iter().collect();
        kpis.sort_by_key(|k| *k.priority.get_ref());
        kpis
    }

    /// What changed from `before` to `self`, one line per KPI or activity type.
    pub fn diff(&self, before: &Catalog) -> Vec<String> {
        let mut lines = Vec::new();
        let old: BTreeMap<&str, &Kpi> = before.kpis.iter().map(|k| (k.key(), k)).collect();
        let new: BTreeMap<&str, &Kpi> = self.kpis.iter().map(|k| (k.key(), k)).collect();
        for (key, k) in &new {
            match old.get(key) {
                None => lines.push(format!("+ KPI {key}")),
                Some(o) if o != k => {
                    let changed = changed_fields(o, k);
                    lines.push(format!("~ KPI {key}: {}", changed.join(", ")));
                }
                Some(_) => {}
            }
        }
        lines.extend(old.keys().filter(|k| !new.contains_key(*k)).map(|k| format!("- KPI {k}")));
        let old_types: BTreeMap<&str, &ActivityType> =
            before.activity_types.iter().map(|t| (t.key.get_ref().as_str(), t)).collect();
        for t in &self.activity_types {
            match old_types.get(t.key.get_ref().as_str()) {
                None => lines.push(format!("+ activity type {}", t.key.get_ref())),
                Some(o) if *o != t => lines.push(format!("~ activity type {}", t.key.get_ref())),
                Some(_) => {}
            }
        }
        let new_types: BTreeSet<&str> = self.activity_types.iter().map(|t| t.key.get_ref().as_str()).collect();
        lines.extend(old_types.keys().filter(|k| !new_types.contains(*k)).map(|k| format!("- activity type {k}")));
        if self.fiscal_year != before.fiscal_year {
            lines.push(format!("~ fiscal year {:?} -> {:?}", before.fiscal_year, self.fiscal_year));
        }
        lines
    }
}

fn changed_fields(a: &Kpi, b: &Kpi) -> Vec<&'static str> {
    let mut out = Vec::new();
    let pairs: [(&'static str, bool); 10] = [
        ("name", a.name != b.name),
        ("description", a.description != b.description),
        ("category", a.category != b.category),
        ("unit", a.unit != b.unit),
        ("direction", a.direction != b.direction),
        ("priority", a.priority != b.priority),
        ("owner", a.owner != b.owner),
        ("definition", a.definition != b.definition),
        ("capture", a.capture != b.capture),
        ("tracked_since", a.tracked_since != b.tracked_since),
    ];
    out.extend(pairs.iter().filter(|(_, changed)| *changed).map(|(name, _)| *name));
    out
}

impl Catalog {
    /// Checks an activity's type and custom field values against this catalog:
    /// "the field must exist in the system". Returns (field, reason) pairs;
    /// empty when the activity is valid.
    pub fn check_activity(&self, activity_type: &str, fields: &crate::records::Fields) -> Vec<(String, String)> {
        use crate::records::FieldValue;
        let Some(t) = self.activity_type(activity_type) else {
            let known: Vec<&str> = self.activity_types.iter().map(|t| t.key.get_ref().as_str()).collect();
            return vec![("type".into(), format!("unknown activity type {activity_type:?}: use {}", known.join(", ")))];
        };
        let mut problems = Vec::new();
        for (key, value) in fields {
            let Some(def) = t.fields.iter().find(|f| f.key.get_ref() == key) else {
                let known: Vec<&str> = t.fields.iter().map(|f| f.key.get_ref().as_str()).collect();
                let known = if known.is_empty() {
                    "it has no custom fields".to_string()
                } else {
                    format!("use {}", known.join(", "))
                };
                problems.push((
                    format!("fields.{key}"),
                    format!("activity type {activity_type:?} has no field {key:?}: {known}"),
                ));
                continue;
            };
            let fits = match (def.kind, value) {
                (FieldKind::Integer, FieldValue::Integer(_)) | (FieldKind::Boolean, FieldValue::Bool(_)) => true,
                (FieldKind::Decimal, FieldValue::Integer(_) | FieldValue::Decimal(_)) => true,
                (FieldKind::Text, FieldValue::Text(_)) => true,
                (FieldKind::Date, FieldValue::Text(d)) => NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok(),
                (FieldKind::OneOf, FieldValue::Text(v)) => def.values.contains(v),
                _ => false,
            };
            if !fits {
                let expected = match def.kind {
                    FieldKind::OneOf => format!("one of {}", def.values.join(", ")),
                    FieldKind::Date => "a date (YYYY-MM-DD)".into(),
                    kind => format!("{kind:?}").to_lowercase(),
                };
                problems.push((
                    format!("fields.{key}"),
                    format!("{value:?} is not valid for field {key:?}: expected {expected}"),
                ));
            }
        }
        for def in t.fields.iter().filter(|f| f.required && !fields.contains_key(f.key.get_ref())) {
            problems.push((
                format!("fields.{}", def.key.get_ref()),
                format!("field {:?} is required for {activity_type:?}", def.key.get_ref()),
            ));
        }
        problems
    }
}

/// The parts of a KPI people edit in the UI: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KpiEdit {
    /// New priority (unique).
    pub priority: Option<u32>,
    /// New owner.
    pub owner: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New capture method.
    pub capture_method: Option<CaptureMethod>,
    /// Source (automatic).
    pub capture_source: Option<String>,
    /// Process (manual, planned).
    pub capture_process: Option<String>,
    /// Days of setup (planned).
    pub setup_days: Option<u32>,
    /// Ready-by date (planned).
    pub ready_by: Option<NaiveDate>,
    /// Alternatives (unavailable).
    pub alternatives: Option<Vec<String>>,
}

impl Catalog {
    /// The catalog with one KPI edited. The result still has to pass [`check`]
    /// (a priority clash, say, is found there).
    pub fn with_kpi_edit(&self, key: &str, edit: &KpiEdit) -> Result<Catalog, String> {
        let mut catalog = self.clone();
        let kpi = catalog
            .kpis
            .iter_mut()
            .find(|k| k.key() == key)
            .ok_or_else(|| format!("KPI {key:?} is not in the catalog"))?;
        if let Some(p) = edit.priority {
            kpi.priority = Spanned::new(0..0, p);
        }
        if let Some(owner) = &edit.owner {
            kpi.owner = owner.trim().to_string();
        }
        if let Some(description) = &edit.description {
            kpi.description = description.trim().to_string();
        }
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        if let Some(method) = edit.capture_method {
            let c = &mut kpi.capture;
            let keep =
                |on: bool, new: Option<String>, old: &mut Option<String>| if on { new.or(old.take()) } else { None };
            c.source = keep(method == CaptureMethod::Automatic, text(&edit.capture_source), &mut c.source);
            let with_process = matches!(method, CaptureMethod::Manual | CaptureMethod::Planned);
            c.process = keep(with_process, text(&edit.capture_process), &mut c.process);
            let planned = method == CaptureMethod::Planned;
            c.setup_days = if planned { edit.setup_days.or(c.setup_days) } else { None };
            c.ready_by = if planned { edit.ready_by.map(CatalogDate).or(c.ready_by) } else { None };
            c.alternatives = match (method, &edit.alternatives) {
                (CaptureMethod::Unavailable, Some(list)) => list
                    .iter()
                    .map(|a| a.trim())
                    .filter(|a| !a.is_empty())
                    .map(|a| Spanned::new(0..0, a.to_string()))
                    .collect(),
                (CaptureMethod::Unavailable, None) => std::mem::take(&mut c.alternatives),
                _ => Vec::new(),
            };
            if method != CaptureMethod::Unavailable {
                c.reason = None;
            }
            c.method = method;
        }
        Ok(catalog)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::day;

    /// A small catalog that checks clean; tests break one thing at a time.
    pub(crate) const GOOD: &str = r#"
fiscal_year = 2028

[[activity_types]]
key = "call"
name = "Call"
fields = [
  { key = "outcome", type = "one_of", values = ["connected", "voicemail"] },
  { key = "talk_minutes", type = "decimal" },
]

[[activity_types]]
key = "email"
name = "E-mail"

[[kpis]]
key = "new_revenue"
name = "New business won"
category = "revenue"
unit = "currency"
direction = "higher"
priority = 1
owner = "VP Sales"
definition = { kind = "deal_amount", deal_kinds = ["new"] }
capture = { method = "automatic", source = "CRM opportunities" }

[[kpis]]
key = "calls"
name = "Calls made"
category = "activity"
unit = "count"
direction = "higher"
priority = 2
owner = "Sales managers"
definition = { kind = "activity_count", types = ["call"] }
capture = { method = "manual", process = "Reps log every call the same day" }

[[kpis]]
key = "connected_calls"
name = "Connected calls"
category = "activity"
unit = "count"
direction = "higher"
priority = 3
owner = "Sales ops"
tracked_since = 2026-06-01
definition = { kind = "activity_count", types = ["call"], where = { outcome = "connected" } }
capture = { method = "automatic", source = "Telephony" }

[[kpis]]
key = "connect_rate"
name = "Connect rate"
category = "activity"
unit = "percent"
direction = "higher"
priority = 4
owner = "Sales ops"
definition = { kind = "ratio", numerator = "connected_calls", denominator = "calls" }
capture = { method = "automatic", source = "Telephony" }

[[kpis]]
key = "events"
name = "Customers at events"
category = "expansion"
unit = "count"
direction = "higher"
priority = 5
owner = "Marketing"
definition = { kind = "activity_count", types = ["email"] }
capture = { method = "planned", setup_days = 10, ready_by = "2027-01-20", process = "Badge scans into the CRM" }

[[kpis]]
key = "crm_time"
name = "Time in CRM"
category = "other"
unit = "duration"
direction = "lower"
priority = 6
owner = "Sales ops"
definition = { kind = "activity_sum", types = ["call"], field = "talk_minutes" }
capture = { method = "unavailable", alternatives = ["calls"], reason = "No tool measures it" }

[[kpis]]
key = "churn"
name = "Customer churn"
category = "retention"
unit = "percent"
direction = "lower"
priority = 7
owner = "Customer success"
definition = { kind = "churn", measure = "customer_churn_rate" }
capture = { method = "automatic", source = "Billing" }
"#;

    fn fy_start() -> Option<NaiveDate> {
        Some(day("2027-02-01"))
    }

    fn problems(text: &str) -> Vec<String> {
        check("metrics.toml", text, fy_start()).problems.iter().map(ToString::to_string).collect()
    }

    /// The good catalog with `from` replaced by `to` (which must occur).
    fn broken(from: &str, to: &str) -> Vec<String> {
        assert!(GOOD.contains(from), "fixture lacks {from:?}");
        problems(&GOOD.replacen(from, to, 1))
    }

    #[test]
    fn the_good_catalog_checks_clean_and_round_trips() {
        let checked = check("metrics.toml", GOOD, fy_start());
        assert!(checked.problems.is_empty(), "{:?}", checked.problems);
        let catalog = checked.valid().unwrap();
        assert_eq!(catalog.kpis.len(), 7);
        let again = check("export.toml", &catalog.to_toml().unwrap(), None).valid().unwrap();
        assert_eq!(again, catalog, "export is unchanged in meaning");
        assert!(again.diff(&catalog).is_empty());
        assert_eq!(catalog.by_priority()[0].key(), "new_revenue");
    }

    #[test]
    fn counts_and_sums_add_up_across_owners_ratios_and_rates_do_not() {
        let catalog = check("metrics.toml", GOOD, fy_start()).valid().unwrap();
        let adds: Vec<(&str, bool)> = catalog.kpis.iter().map(|k| (k.key(), k.adds_up())).collect();
        assert_eq!(
            adds,
            [
                ("new_revenue", true),
                ("calls", true),
                ("connected_calls", true),
                ("connect_rate", false),
                ("events", true),
                ("crm_time", true),
                ("churn", false),
            ]
        );
    }

    #[test]
    fn syntax_errors_point_at_line_and_column() {
        let p = problems("[[kpis]]\nkey = \"x\nname = 1\n");
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("metrics.toml:2:"), "{p:?}");
        let p = problems("fiscal_year = 2027\nunknown = 1\n");
        assert!(p[0].starts_with("metrics.toml:2:1: error: unknown field `unknown`"), "{p:?}");
    }

    #[test]
    fn one_message_per_kind_of_problem() {
        let cases = [
            (
                ("types = [\"call\"] }", "types = [\"cal\"] }"),
                "metrics.toml:35:50: error: KPI \"calls\": unknown activity type \"cal\" (known: call, email)",
            ),
            (
                ("where = { outcome", "where = { result"),
                "error: KPI \"connected_calls\": unknown field \"result\" for these activity types (known: duration_minutes, outcome, talk_minutes)",
            ),
            (
                ("outcome = \"connected\" }", "outcome = \"busy\" }"),
                "error: KPI \"connected_calls\": filter on \"outcome\": \"busy\" is not one of connected, voicemail",
            ),
            (("key = \"calls\"", "key = \"new_revenue\""), "error: duplicate KPI key \"new_revenue\""),
            (
                ("priority = 2", "priority = 1"),
                "error: KPI \"calls\" has priority 1, like \"new_revenue\": priorities must be unique",
            ),
            (
                ("ready_by = \"2027-01-20\"", "ready_by = \"2027-03-01\""),
                "warning: KPI \"events\" will be ready on 2027-03-01, after the fiscal year starts on 2027-02-01",
            ),
            (
                ("alternatives = [\"calls\"], ", ""),
                "error: KPI \"crm_time\" cannot be captured: name the `alternatives` to use instead",
            ),
            (
                ("alternatives = [\"calls\"]", "alternatives = [\"call_count\"]"),
                "error: KPI \"crm_time\": alternative \"call_count\" is not a KPI of this catalog",
            ),
            (
                ("field = \"talk_minutes\"", "field = \"outcome\""),
                "error: KPI \"crm_time\": field \"outcome\" is OneOf, not a number",
            ),
            (
                ("denominator = \"calls\"", "denominator = \"nothing\""),
                "error: KPI \"connect_rate\": denominator \"nothing\" is not a KPI of this catalog",
            ),
            (
                ("source = \"Billing\"", "source = \"\""),
                "error: KPI \"churn\": automatic capture needs the `source` that fills it",
            ),
            (("measure = \"customer_churn_rate\"", "measure = \"happiness\""), "error: unknown variant `happiness`"),
        ];
        for ((from, to), expected) in cases {
            let found = broken(from, to);
            assert!(
                found.iter().any(|p| p.contains(expected)),
                "replacing {from:?}: expected {expected:?} in {found:#?}"
            );
        }
    }

    #[test]
    fn every_problem_at_once() {
        let text =
            GOOD.replacen("types = [\"call\"] }", "types = [\"cal\"] }", 1).replacen("priority = 2", "priority = 1", 1);
        assert_eq!(problems(&text).len(), 2);
    }

    #[test]
    fn ratio_cycles_are_found() {
        let text = GOOD.replacen(
            "numerator = \"connected_calls\", denominator = \"calls\"",
            "numerator = \"connect_rate\", denominator = \"calls\"",
            1,
        );
        let p = problems(&text);
        assert!(p.iter().any(|m| m.contains("ratio cycle: connect_rate -> connect_rate")), "{p:?}");
        let two = GOOD.replacen(
            "definition = { kind = \"activity_count\", types = [\"call\"] }",
            "definition = { kind = \"ratio\", numerator = \"connect_rate\", denominator = \"new_revenue\" }",
            1,
        );
        let p = problems(&two);
        assert!(
            p.iter().any(|m| m.contains("ratio cycle") && m.contains("calls") && m.contains("connect_rate")),
            "{p:?}"
        );
    }

    #[test]
    fn edits_round_trip_through_toml() {
        let catalog = check("a", GOOD, None).valid().unwrap();
        let edit = KpiEdit {
            priority: Some(9),
            owner: Some(" Head of Sales ".into()),
            capture_method: Some(CaptureMethod::Planned),
            capture_process: Some("Dialler integration".into()),
            setup_days: Some(5),
            ready_by: Some(day("2027-01-10")),
            ..KpiEdit::default()
        };
        let edited = catalog.with_kpi_edit("calls", &edit).unwrap();
        let text = edited.to_toml().unwrap();
        let again = check("export.toml", &text, None).valid().unwrap();
        assert_eq!(again, edited, "the export means the same as the edited catalog");
        let kpi = again.kpi("calls").unwrap();
        assert_eq!(
            (*kpi.priority.get_ref(), kpi.owner.as_str(), kpi.capture.method),
            (9, "Head of Sales", CaptureMethod::Planned)
        );
        assert_eq!(kpi.capture.setup_days, Some(5));
        assert_eq!(again.diff(&catalog), vec!["~ KPI calls: priority, owner, capture"]);
        assert!(catalog.with_kpi_edit("nope", &edit).is_err());
        let clash = catalog.with_kpi_edit("calls", &KpiEdit { priority: Some(1), ..KpiEdit::default() }).unwrap();
        assert!(check("x", &clash.to_toml().unwrap(), None).has_errors(), "the edited catalog is checked again");
    }

    #[test]
    fn activities_are_checked_against_their_type() {
        use crate::records::{FieldValue, Fields};
        let catalog = check("a", GOOD, None).valid().unwrap();
        let fields =
            |pairs: &[(&str, FieldValue)]| pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<Fields>();
        assert!(
            catalog.check_activity("call", &fields(&[("outcome", FieldValue::Text("connected".into()))])).is_empty()
        );
        assert!(catalog.check_activity("call", &fields(&[("talk_minutes", FieldValue::Integer(3))])).is_empty());
        let p = catalog.check_activity(
            "call",
            &fields(&[("outcome", FieldValue::Text("busy".into())), ("mood", FieldValue::Bool(true))]),
        );
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(
            p[0].1.contains("expected one of connected, voicemail")
                || p[1].1.contains("expected one of connected, voicemail")
        );
        assert_eq!(
            catalog.check_activity("fax", &Fields::new())[0].1,
            "unknown activity type \"fax\": use call, email"
        );
    }

    #[test]
    fn diffs_name_what_changed() {
        let before = check("a", GOOD, None).valid().unwrap();
        let after = check(
            "b",
            &GOOD.replacen("owner = \"Marketing\"", "owner = \"Events team\"", 1).replacen(
                "priority = 7",
                "priority = 8",
                1,
            ),
            None,
        )
        .valid()
        .unwrap();
        assert_eq!(after.diff(&before), vec!["~ KPI churn: priority", "~ KPI events: owner"]);
    }
}
