//! Ready-made mappings for the standard exports of common CRMs and for the
//! files of Pacer's own data generator (`shared/bench/gen_activities.py`).

use super::{DateOrder, ImportKind, Mapping};

/// The names [`preset`] knows, in a stable order.
pub fn preset_names() -> &'static [&'static str] {
    &[
        "salesforce-activities",
        "salesforce-opportunities",
        "hubspot-activities",
        "hubspot-deals",
        "pacer-teams",
        "pacer-reps",
        "pacer-activities",
        "pacer-deals",
        "pacer-subscriptions",
    ]
}

/// A ready-made mapping by name; `None` for an unknown name (see [`preset_names`]).
///
/// Columns marked *optional* may be absent from the file. CRM exports follow the user's
/// locale, so the CRM presets set no date order: unambiguous dates and ISO dates import
/// as they are, and `03/04/2026` asks for `--date-order`. Rep columns hold what the CRM
/// shows (the owner's full name unless said otherwise), so the caller's rep resolver must
/// accept that key, or a mapping's `[values.rep]` can translate names to e-mails.
///
/// - `salesforce-activities`: a Salesforce "Tasks and Events" (Activities) report export.
///   `Activity ID` → external_id, `Assigned` → rep, `Date` → occurred_at, `Task Subtype`
///   → type (`Call` → call, `Email`/`List Email` → email, `Event`/`Meeting` → meeting;
///   empty, as for events, → meeting), `Duration (Minutes)` → duration_minutes
///   (optional), `Account ID` → account_id (optional). `Subject` and other columns are
///   ignored.
/// - `salesforce-opportunities`: a Salesforce Opportunities report export.
///   `Opportunity ID` → external_id, `Opportunity Owner` → rep, `Account ID` →
///   account_id, `Close Date` → close_date, `Created Date` → created_on (optional),
///   `Amount` → amount (`$12,000.00`), `Opportunity Currency` → currency (optional),
///   `Stage` → stage (`Closed Won` → won,
///   `Closed Lost` → lost, others open), `Type` → kind (`New Business`/`New Customer` →
///   new; `Existing Business`, `Existing Business - Upgrade`, `Existing Customer -
///   Upgrade` → upsell; `Existing Business - Cross-Sell` → cross-sell; `Renewal`,
///   `Existing Business - Renewal`, `Existing Customer - Replacement` → renewal).
/// - `hubspot-activities`: a HubSpot activities export. `Record ID` → external_id,
///   `Activity assigned to` → rep, `Activity date` → occurred_at, `Activity type` → type
///   (`CALL` → call, `EMAIL`/`INCOMING_EMAIL`/`FORWARDED_EMAIL` → email, `MEETING` →
///   meeting; others as written, matched to the catalog ignoring case), `Call duration
///   (HH:mm:ss)` → duration_seconds (optional), `Associated Company IDs` → account_id
///   (optional; one id per row).
/// - `hubspot-deals`: a HubSpot deals export. `Record ID` → external_id, `Deal owner` →
///   rep, `Associated Company IDs` → account_id (one id per row), `Close Date` →
///   close_date, `Create Date` → created_on (optional), `Amount` → amount, `Currency` →
///   currency (optional), `Deal Stage` →
///   stage (`closedwon`/`Closed Won` → won, `closedlost`/`Closed Lost` → lost, others
///   open), `Deal Type` → kind (`newbusiness`/`New Business` → new,
///   `existingbusiness`/`Existing Business` → upsell, `renewal` → renewal).
/// - `pacer-teams`: the generator's `reps.csv` read for its teams: `team` → name,
///   `region` → region. One row per rep, so a team repeats; the caller merges rows of
///   the same name.
/// - `pacer-reps`: `reps.csv` (`rep_id,name,team,region,hire_date`): `rep_id` →
///   external_id, `name`, `team`, `hire_date`; `region` belongs to the team.
/// - `pacer-activities`: `activities.csv`
///   (`activity_id,rep_id,occurred_at,type,duration_s,account_id`): `activity_id` →
///   external_id, `rep_id` → rep (the rep's external id), `occurred_at`
///   (`2021-02-01T09:30:00`), `type`, `duration_s` → duration_seconds, `account_id`.
/// - `pacer-deals`: `deals.csv` (`deal_id,rep_id,account_id,closed_at,amount_cents,stage`):
///   `deal_id` → external_id, `rep_id` → rep, `account_id`, `closed_at` → close_date
///   (and created_on), `amount_cents` → amount_minor, `stage` (`won`/`lost`); kind
///   defaults to new, as the file does not say.
/// - `pacer-subscriptions`: `subscriptions.csv` (`account_id,month,mrr_cents`):
///   `account_id`, `month` (`YYYY-MM`), `mrr_cents` → mrr_minor.
///
/// The `pacer-*` presets set the ISO date order, as the generator writes ISO dates.
pub fn preset(name: &str) -> Option<Mapping> {
    let m = match name {
        "salesforce-activities" => build(
            ImportKind::Activities,
            "salesforce",
            &[
                ("external_id", "Activity ID"),
                ("rep", "Assigned"),
                ("occurred_at", "Date"),
                ("type", "Task Subtype"),
                ("duration_minutes", "Duration (Minutes)"),
                ("account_id", "Account ID"),
            ],
            &["duration_minutes", "account_id"],
            &[("type", "meeting")],
            &[(
                "type",
                &[
                    ("Call", "call"),
                    ("Email", "email"),
                    ("List Email", "email"),
                    ("Event", "meeting"),
                    ("Meeting", "meeting"),
                ],
            )],
        ),
        "salesforce-opportunities" => build(
            ImportKind::Deals,
            "salesforce",
            &[
                ("external_id", "Opportunity ID"),
                ("rep", "Opportunity Owner"),
                ("account_id", "Account ID"),
                ("close_date", "Close Date"),
                ("created_on", "Created Date"),
                ("amount", "Amount"),
                ("currency", "Opportunity Currency"),
                ("stage", "Stage"),
                ("kind", "Type"),
            ],
            &["created_on", "currency"],
            &[],
            &[
                (
                    "kind",
                    &[
                        ("New Business", "new"),
                        ("New Customer", "new"),
                        ("Existing Business", "upsell"),
                        ("Existing Business - Upgrade", "upsell"),
                        ("Existing Customer - Upgrade", "upsell"),
                        ("Existing Business - Cross-Sell", "cross-sell"),
                        ("Renewal", "renewal"),
                        ("Existing Business - Renewal", "renewal"),
                        ("Existing Customer - Replacement", "renewal"),
                    ],
                ),
                ("status", &[("Closed Won", "won"), ("Closed Lost", "lost")]),
            ],
        ),
        "hubspot-activities" => build(
            ImportKind::Activities,
            "hubspot",
            &[
                ("external_id", "Record ID"),
                ("rep", "Activity assigned to"),
                ("occurred_at", "Activity date"),
                ("type", "Activity type"),
                ("duration_seconds", "Call duration (HH:mm:ss)"),
                ("account_id", "Associated Company IDs"),
            ],
            &["duration_seconds", "account_id"],
            &[],
            &[(
                "type",
                &[
                    ("CALL", "call"),
                    ("EMAIL", "email"),
                    ("INCOMING_EMAIL", "email"),
                    ("FORWARDED_EMAIL", "email"),
                    ("MEETING", "meeting"),
                ],
            )],
        ),
        "hubspot-deals" => build(
            ImportKind::Deals,
            "hubspot",
            &[
                ("external_id", "Record ID"),
                ("rep", "Deal owner"),
                ("account_id", "Associated Company IDs"),
                ("close_date", "Close Date"),
                ("created_on", "Create Date"),
                ("amount", "Amount"),
                ("currency", "Currency"),
                ("stage", "Deal Stage"),
                ("kind", "Deal Type"),
            ],
            &["created_on", "currency"],
            &[],
            &[
                (
                    "kind",
                    &[
                        ("newbusiness", "new"),
                        ("New Business", "new"),
                        ("existingbusiness", "upsell"),
                        ("Existing Business", "upsell"),
                        ("renewal", "renewal"),
                    ],
                ),
                ("status", &[("closedwon", "won"), ("closedlost", "lost")]),
            ],
        ),
        "pacer-teams" => build(ImportKind::Teams, "pacer", &[("name", "team"), ("region", "region")], &[], &[], &[]),
        "pacer-reps" => build(
            ImportKind::Reps,
            "pacer",
            &[("external_id", "rep_id"), ("name", "name"), ("team", "team"), ("hire_date", "hire_date")],
            &[],
            &[],
            &[],
        ),
        "pacer-activities" => build(
            ImportKind::Activities,
            "pacer",
            &[
                ("external_id", "activity_id"),
                ("rep", "rep_id"),
                ("occurred_at", "occurred_at"),
                ("type", "type"),
                ("duration_seconds", "duration_s"),
                ("account_id", "account_id"),
            ],
            &[],
            &[],
            &[],
        ),
        "pacer-deals" => build(
            ImportKind::Deals,
            "pacer",
            &[
                ("external_id", "deal_id"),
                ("rep", "rep_id"),
                ("account_id", "account_id"),
                ("close_date", "closed_at"),
                ("amount_minor", "amount_cents"),
                ("stage", "stage"),
            ],
            &[],
            &[("kind", "new")],
            &[],
        ),
        "pacer-subscriptions" => build(
            ImportKind::Subscriptions,
            "pacer",
            &[("account_id", "account_id"), ("month", "month"), ("mrr_minor", "mrr_cents")],
            &[],
            &[],
            &[],
        ),
        _ => return None,
    };
    Some(if name.starts_with("pacer-") { Mapping { date_order: Some(DateOrder::Iso), ..m } } else { m })
}

type Pairs<'a> = &'a [(&'a str, &'a str)];

fn build(
    kind: ImportKind,
    source: &str,
    columns: Pairs,
    optional: &[&str],
    defaults: Pairs,
    values: &[(&str, Pairs)],
) -> Mapping {
    let map = |pairs: Pairs| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Mapping {
        kind,
        source: Some(source.to_string()),
        date_order: None,
        optional: optional.iter().map(|s| s.to_string()).collect(),
        columns: map(columns),
        defaults: map(defaults),
        values: values.iter().map(|(target, pairs)| (target.to_string(), map(pairs))).collect(),
    }
}
