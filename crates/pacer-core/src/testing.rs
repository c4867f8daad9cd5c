//! Fixtures the core's unit tests share: dates, a catalog built from the KPIs a test needs, and
//! activity and deal records.

use crate::catalog::{Catalog, check};
use crate::org::RepId;
use crate::records::{ActivityRecord, DealKind, DealRecord, DealStatus, FieldValue, Fields, SourceKind};
use chrono::{NaiveDate, NaiveDateTime};

/// The date written `YYYY-MM-DD`.
pub(crate) fn day(iso: &str) -> NaiveDate {
    iso.parse().expect("a YYYY-MM-DD test date")
}

/// The date and time written `YYYY-MM-DD HH:MM:SS`, with a fraction of a second or without.
pub(crate) fn datetime(iso: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(iso, "%Y-%m-%d %H:%M:%S%.f").expect("a YYYY-MM-DD HH:MM:SS test time")
}

/// The date of day `d` of month `m` of year `y`.
pub(crate) fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a test date that exists")
}

/// The activity types of [`catalog`]: a call, with its outcome, and a demo.
const ACTIVITY_TYPES: &str = r#"
[[activity_types]]
key = "call"
name = "Call"
fields = [{ key = "outcome", type = "one_of", values = ["connected", "voicemail"] }]

[[activity_types]]
key = "demo"
name = "Demo"
"#;

/// One `[[kpis]]` entry of a catalog text, `definition` and `capture` being the insides of their
/// inline tables. Name, category, direction and owner are the same for every entry: no formula
/// reads them.
pub(crate) fn kpi_toml(key: &str, unit: &str, priority: u32, definition: &str, capture: &str) -> String {
    format!(
        "\n[[kpis]]\nkey = \"{key}\"\nname = \"{key}\"\ncategory = \"other\"\nunit = \"{unit}\"\n\
         direction = \"higher\"\npriority = {priority}\nowner = \"ops\"\n\
         definition = {{ {definition} }}\ncapture = {{ {capture} }}\n"
    )
}

/// A checked catalog of calls (with an `outcome`, connected or voicemail) and demos, and one KPI
/// per `(key, unit, definition)`, in priority order.
pub(crate) fn catalog(kpis: &[(&str, &str, &str)]) -> Catalog {
    let mut text = String::from(ACTIVITY_TYPES);
    for (priority, &(key, unit, definition)) in (1..).zip(kpis) {
        text.push_str(&kpi_toml(key, unit, priority, definition, r#"method = "automatic", source = "tests""#));
    }
    check("test.toml", &text, None).valid().expect("the test catalog checks clean")
}

/// Activity `id` of `kind` by `rep` on `on`, lasting `minutes`, with a call's `outcome`. Its
/// account is `id % 7`, so some records share one.
pub(crate) fn activity(
    id: i64,
    rep: RepId,
    kind: &str,
    on: NaiveDate,
    minutes: Option<i64>,
    outcome: Option<&str>,
) -> ActivityRecord {
    let mut fields = Fields::new();
    if let Some(outcome) = outcome {
        fields.insert("outcome".into(), FieldValue::Text(outcome.into()));
    }
    ActivityRecord {
        id,
        rep_id: rep,
        activity_type: kind.into(),
        occurred_at: on.and_hms_opt(9, 30, 0).expect("a time of day"),
        duration_s: minutes.map(|m| m * 60),
        source: SourceKind::Manual,
        account_id: Some(id % 7),
        fields,
        entered_by: None,
    }
}

/// Deal `id` with account `id`, of `kind` by `rep`, created and closed (or expected to close) on
/// `on`.
pub(crate) fn deal(id: i64, rep: RepId, kind: DealKind, status: DealStatus, amount: i64, on: NaiveDate) -> DealRecord {
    DealRecord {
        id,
        rep_id: rep,
        account_id: id,
        kind,
        status,
        stage: "closed".into(),
        amount_minor: amount,
        created_on: on,
        close_date: Some(on),
    }
}
