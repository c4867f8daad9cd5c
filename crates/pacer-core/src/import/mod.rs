//! Bulk import (PRODUCT.md C3), the pure part: turning the rows of a CSV or
//! XLSX file into records through a column mapping.
//!
//! The caller reads the file (encoding, delimiter, quoting, XLSX cells) and
//! hands over the header row and then one row of cell texts at a time, so an
//! import runs in constant memory. An [`Importer`] checks the header against
//! the [`Mapping`] once, then converts each row into a record or into every
//! problem of that row at once, as [`RowError`]s (row, column, value, reason).
//! Whether one bad row rejects the file is the caller's decision.
//!
//! Row numbers are those a spreadsheet shows: the header is row 1 and the first
//! data row is row 2. The caller passes them in; problems of the mapping itself
//! (not of the file) are reported as row 0.

mod mapping;
mod org_rows;
mod parse;
mod presets;
mod text;

pub use mapping::{Mapping, MappingError, MappingProblem};
pub use org_rows::{RepChange, TeamChange, rep_change, team_change};
pub use parse::{
    DateOrder, parse_account_id, parse_amount_minor, parse_date, parse_datetime, parse_duration_minutes,
    parse_duration_seconds, parse_month,
};
pub use presets::{Chosen, MappingChoice, Misfit, Preset, choose_preset, preset_names, presets, propose};
pub use text::{HEADER_SEARCH_ROWS, is_blank_row, is_footer_row, not_utf8, sniff_delimiter_lines};

use crate::catalog::{ActivityType, Catalog, FieldDef, FieldKind};
use crate::limits::{self, TextKind};
use crate::money::fx::RateTable;
use crate::money::{Currency, Money};
use crate::org::RepId;
use crate::records::{
    DealKind, DealStatus, FieldValue, Fields, NewActivity, NewDeal, SourceKind, SubscriptionMonth, check_close_date,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// What a file holds.
///
/// Targets (plan values) are imported through the plan module, not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportKind {
    /// People: one [`RepRow`] per row.
    Reps,
    /// Teams: one [`TeamRow`] per row.
    Teams,
    /// Activities: one [`NewActivity`] per row.
    Activities,
    /// Deals (opportunities): one [`NewDeal`] per row.
    Deals,
    /// Monthly recurring revenue per account: one [`SubscriptionMonth`] per row.
    Subscriptions,
}

/// How the fields of a group of alternatives may be fed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alternatives {
    /// One or none.
    Optional,
    /// Exactly one.
    ExactlyOne,
    /// One or both.
    OneOrBoth,
}

impl ImportKind {
    /// Every kind, in import order (teams before the reps in them, reps before their records).
    pub const ALL: [ImportKind; 5] =
        [ImportKind::Teams, ImportKind::Reps, ImportKind::Activities, ImportKind::Deals, ImportKind::Subscriptions];

    /// The written form: `reps`, `teams`, `activities`, `deals`, `subscriptions`.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Reps => "reps",
            ImportKind::Teams => "teams",
            ImportKind::Activities => "activities",
            ImportKind::Deals => "deals",
            ImportKind::Subscriptions => "subscriptions",
        }
    }

    /// The target fields a mapping may feed for this kind.
    ///
    /// - reps: `external_id`, `name`, `email`, `title`, `team` (team name), `hire_date`,
    ///   `leave_date` (the day after the last working day).
    /// - teams: `name`, `parent` (team name), `region`, `manager` (a rep key, left for the
    ///   caller to resolve once the reps exist).
    /// - activities: `external_id`, `rep` (a rep key: external id, e-mail or numeric id, as
    ///   the caller's resolver accepts), `type` (activity type key or name), `occurred_at`
    ///   (date and time; a date alone is midnight), `duration_minutes` (decimal or
    ///   `H:MM:SS`) or `duration_seconds` (whole or `H:MM:SS`), `account_id` (see
    ///   [`parse_account_id`]), and `field.<key>` for each custom field of the catalog.
    /// - deals: `external_id`, `rep`, `account_id`, `kind` (new, upsell, cross-sell,
    ///   renewal), `status` (open, won, lost) and/or `stage` (stage name; without `status`
    ///   the status comes from it, see [`Importer::deal`]), `amount` (with currency marks and
    ///   separators) or `amount_minor` (whole minor units), `currency` (ISO code of the
    ///   amount; empty or unmapped: the organisation's), `created_on` (defaults to the close
    ///   date), `close_date` (a column every deals file has; its cell may be empty for an open deal).
    /// - subscriptions: `account_id`, `month` (`YYYY-MM` or a date in the month), `mrr`
    ///   (amount) or `mrr_minor` (whole cents).
    pub fn target_fields(self) -> &'static [&'static str] {
        match self {
            ImportKind::Reps => &["external_id", "name", "email", "title", "team", "hire_date", "leave_date"],
            ImportKind::Teams => &["name", "parent", "region", "manager"],
            ImportKind::Activities => {
                &["external_id", "rep", "type", "occurred_at", "duration_minutes", "duration_seconds", "account_id"]
            }
            ImportKind::Deals => &[
                "external_id",
                "rep",
                "account_id",
                "kind",
                "status",
                "stage",
                "amount",
                "amount_minor",
                "currency",
                "created_on",
                "close_date",
            ],
            ImportKind::Subscriptions => &["account_id", "month", "mrr", "mrr_minor"],
        }
    }

    /// The target fields a mapping must feed (from a column or a default); see also the
    /// alternatives (`amount` or `amount_minor`, ...), checked by [`Mapping::check`].
    pub fn required_fields(self) -> &'static [&'static str] {
        match self {
            ImportKind::Reps => &["name", "hire_date"],
            ImportKind::Teams => &["name"],
            ImportKind::Activities => &["rep", "type", "occurred_at"],
            ImportKind::Deals => &["rep", "account_id", "kind", "close_date"],
            ImportKind::Subscriptions => &["account_id", "month"],
        }
    }

    pub(crate) fn alternatives(self) -> &'static [(&'static [&'static str], Alternatives)] {
        match self {
            ImportKind::Activities => &[(&["duration_minutes", "duration_seconds"], Alternatives::Optional)],
            ImportKind::Deals => &[
                (&["amount", "amount_minor"], Alternatives::ExactlyOne),
                (&["status", "stage"], Alternatives::OneOrBoth),
            ],
            ImportKind::Subscriptions => &[(&["mrr", "mrr_minor"], Alternatives::ExactlyOne)],
            ImportKind::Reps | ImportKind::Teams => &[],
        }
    }
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ImportKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        ImportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown import kind {s:?}: use reps, teams, activities, deals or subscriptions"))
    }
}

/// One problem of one row: where it is, what was there, and why it is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("row {row}, column {column:?}, value {value:?}: {reason}")]
pub struct RowError {
    /// Spreadsheet row number: the header is row 1, the first data row 2; 0 for a problem
    /// of the mapping rather than of the file.
    pub row: usize,
    /// The column header as in the file; `defaults.<field>` for a value from the mapping's
    /// defaults; the target field name when nothing feeds it.
    pub column: String,
    /// The cell text as in the file (trimmed), empty when missing.
    pub value: String,
    /// A sentence.
    pub reason: String,
}

/// A rep as read from a file, with its team by name (the caller resolves it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepRow {
    /// Identifier in the source system.
    pub external_id: Option<String>,
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Team name.
    pub team: Option<String>,
    /// First working day.
    pub hire_date: NaiveDate,
    /// Day after the last working day.
    pub leave_date: Option<NaiveDate>,
}

/// A team as read from a file, with names instead of ids (the caller resolves them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamRow {
    /// Team name.
    pub name: String,
    /// Parent team name.
    pub parent: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Manager, as a rep key (external id, e-mail or numeric id).
    pub manager: Option<String>,
}

/// A converted row, of the kind of the mapping.
#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    /// From a reps file.
    Rep(RepRow),
    /// From a teams file.
    Team(TeamRow),
    /// From an activities file.
    Activity(NewActivity),
    /// From a deals file.
    Deal(NewDeal),
    /// From a subscriptions file.
    Subscription(SubscriptionMonth),
}

/// The open deals a file brings without an amount (empty or 0) or without a close date: imported
/// as every CRM has them, and said in the import's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenDealGaps {
    /// Open deals without an amount: they count at 0.
    pub no_amount: usize,
    /// Open deals without a close date: in the open pipeline, in no period.
    pub no_close_date: usize,
}

impl OpenDealGaps {
    /// Counts `record` if it is such an open deal.
    pub fn count(&mut self, record: &Imported) {
        if let Imported::Deal(deal) = record
            && deal.status == DealStatus::Open
        {
            self.no_amount += usize::from(deal.amount_minor == 0);
            self.no_close_date += usize::from(deal.close_date.is_none());
        }
    }

    /// What the summary says of them: a sentence for each kind of gap there is.
    pub fn notes(&self) -> Vec<String> {
        let deals = |n: usize| if n == 1 { "1 open deal has".to_string() } else { format!("{n} open deals have") };
        let they_count = |n: usize| if n == 1 { ("it is", "it counts") } else { ("they are", "they count") };
        let mut notes = Vec::new();
        if self.no_amount > 0 {
            let (_, count) = they_count(self.no_amount);
            notes.push(format!(
                "{} no amount; {count} at 0 in the pipeline until the CRM gives one",
                deals(self.no_amount)
            ));
        }
        if self.no_close_date > 0 {
            let (are, _) = they_count(self.no_close_date);
            notes.push(format!(
                "{} no close date; {are} in the pipeline under 'no close date' and in no period's forecast",
                deals(self.no_close_date)
            ));
        }
        notes
    }
}

/// Converts the rows of one file, checked once against its header.
pub struct Importer<'a> {
    mapping: Mapping,
    /// Target field to (cell index, column header as in the file).
    index: BTreeMap<String, (usize, String)>,
    /// Target field to the fallback columns found in the file, in the mapping's order.
    fallbacks: BTreeMap<String, Vec<(usize, String)>>,
    catalog: Option<&'a Catalog>,
    resolve_rep: &'a dyn Fn(&str) -> Option<RepId>,
    currency: Option<Currency>,
    stages: Option<&'a crate::pipeline::StageConfig>,
    /// The exchange rates deals in other currencies than `currency` need.
    rates: RateTable,
}

impl fmt::Debug for Importer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Importer")
            .field("mapping", &self.mapping)
            .field("index", &self.index)
            .field("currency", &self.currency)
            .field("rates", &self.rates)
            .finish_non_exhaustive()
    }
}

/// A value found for a target field, borrowed from the row or the mapping
/// where it can be: a large file has millions of them.
struct Cell<'r> {
    /// Column header, or `defaults.<field>`.
    column: Cow<'r, str>,
    /// Text as in the file (or the default).
    raw: &'r str,
    /// After the mapping's translation.
    value: Cow<'r, str>,
}

impl<'a> Importer<'a> {
    /// Checks `mapping` and finds its columns in `header`.
    ///
    /// `catalog`, when given, is what activity types and custom fields are checked
    /// against; without it any type is accepted and custom fields are kept as text.
    /// `resolve_rep` turns a rep key from the file (after translation) into a rep id.
    ///
    /// Columns are matched exactly, then ignoring case and surrounding spaces (and a byte
    /// order mark on the first). Errors: problems of the mapping (row 0), a mapped column
    /// missing from the header or present twice (row 1), and a `field.<key>` that no
    /// activity type of the catalog has (row 0).
    pub fn new<S: AsRef<str>>(
        mapping: Mapping,
        header: &[S],
        catalog: Option<&'a Catalog>,
        resolve_rep: &'a dyn Fn(&str) -> Option<RepId>,
    ) -> Result<Self, Vec<RowError>> {
        let mut errors: Vec<RowError> = mapping
            .issues()
            .into_iter()
            .map(|issue| RowError {
                row: 0,
                column: issue.key.unwrap_or_default(),
                value: String::new(),
                reason: issue.message,
            })
            .collect();
        let header: Vec<&str> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = h.as_ref();
                if i == 0 { h.trim_start_matches('\u{feff}').trim() } else { h.trim() }
            })
            .collect();
        let find = |wanted: &str| -> Vec<usize> {
            let found: Vec<usize> = (0..header.len()).filter(|&i| header[i] == wanted).collect();
            if !found.is_empty() {
                return found;
            }
            (0..header.len()).filter(|&i| header[i].to_lowercase() == wanted.to_lowercase()).collect()
        };
        let mut index = BTreeMap::new();
        for (target, wanted) in &mapping.columns {
            let wanted = wanted.trim();
            let found = find(wanted);
            match found[..] {
                [i] => {
                    index.insert(target.clone(), (i, header[i].to_string()));
                }
                [] if mapping.optional.contains(target) => {}
                [] => errors.push(RowError {
                    row: 1,
                    column: wanted.to_string(),
                    value: String::new(),
                    reason: format!(
                        "column {wanted:?} (for {target}) is not in the file; its columns are: {}",
                        header.iter().map(|h| format!("{h:?}")).collect::<Vec<_>>().join(", ")
                    ),
                }),
                _ => errors.push(RowError {
                    row: 1,
                    column: wanted.to_string(),
                    value: String::new(),
                    reason: format!(
                        "column {wanted:?} (for {target}) appears {} times in the header (columns {})",
                        found.len(),
                        found.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ")
                    ),
                }),
            }
        }
        // Fallback columns are optional by nature: the ones the file has are read in order.
        let fallbacks = mapping
            .fallbacks
            .iter()
            .map(|(target, wanted)| {
                let found = wanted.iter().filter_map(|w| find(w.trim()).first().map(|&i| (i, header[i].to_string())));
                (target.clone(), found.collect())
            })
            .collect();
        if let Some(catalog) = catalog {
            let targets: BTreeSet<&String> = mapping.columns.keys().chain(mapping.defaults.keys()).collect();
            for target in targets {
                let Some(key) = target.strip_prefix("field.") else { continue };
                let defined = catalog.activity_types.iter().flat_map(|t| &t.fields).any(|f| f.key.get_ref() == key);
                if !defined {
                    errors.push(RowError {
                        row: 0,
                        column: mapping.columns.get(target).cloned().unwrap_or_else(|| target.clone()),
                        value: String::new(),
                        reason: format!("{target}: no activity type of the catalog has a field {key:?}"),
                    });
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            mapping,
            index,
            fallbacks,
            catalog,
            resolve_rep,
            currency: None,
            stages: None,
            rates: RateTable::default(),
        })
    }

    /// Refuses amounts whose currency mark (`EUR 12`, `£12`) cannot stand for `currency`,
    /// rather than taking them at 1:1; amounts without a mark are taken to be in it.
    /// Without this, any known mark is accepted and not compared.
    pub fn with_currency(mut self, currency: Currency) -> Self {
        self.currency = Some(currency);
        self
    }

    /// Reads a deal's status from its stage by the organisation's won and lost stages (and their
    /// aliases) when the mapping does not translate it.
    pub fn with_stages(mut self, stages: &'a crate::pipeline::StageConfig) -> Self {
        self.stages = Some(stages);
        self
    }

    /// Refuses deals in a currency other than [`Self::with_currency`]'s that has no rate at
    /// or before their close month in `rates` (the store could not convert them).
    pub fn with_rates(mut self, rates: RateTable) -> Self {
        self.rates = rates;
        self
    }

    /// The mapping in use.
    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    /// The origin's name for messages: the mapping's `source`, or `import`.
    pub fn source_name(&self) -> &str {
        self.mapping.source_name()
    }

    /// Converts one data row into a record of the mapping's kind.
    pub fn record<S: AsRef<str>>(&self, row: usize, cells: &[S]) -> Result<Imported, Vec<RowError>> {
        match self.mapping.kind {
            ImportKind::Reps => self.rep(row, cells).map(Imported::Rep),
            ImportKind::Teams => self.team(row, cells).map(Imported::Team),
            ImportKind::Activities => self.activity(row, cells).map(Imported::Activity),
            ImportKind::Deals => self.deal(row, cells).map(Imported::Deal),
            ImportKind::Subscriptions => self.subscription(row, cells).map(Imported::Subscription),
        }
    }

    /// Converts one row of an activities file.
    ///
    /// The type must be an activity type of the catalog (its key, or its key or name in
    /// any case; the catalog's key is stored). Each `field.<key>` with a value must be a
    /// field of that type, with a value of its kind: integer, decimal (`3.5`, `3,5`),
    /// boolean (true/false, yes/no, 1/0), date (stored `YYYY-MM-DD`), one of its values
    /// (any case; the catalog's spelling is stored), or text. The type's required fields
    /// must have a value. Without a catalog, the type is kept as written and custom
    /// fields as text. The record's source is [`SourceKind::Import`].
    pub fn activity<S: AsRef<str>>(&self, row: usize, cells: &[S]) -> Result<NewActivity, Vec<RowError>> {
        let mut r = self.row(row, cells, ImportKind::Activities)?;
        let rep_id = r.required("rep", |v| self.resolve(v));
        let activity_type = r.required("type", |v| self.activity_type(v));
        let occurred_at = r.required("occurred_at", |v| parse_datetime(v, self.mapping.date_order));
        let duration_s = match r.optional("duration_minutes", parse_duration_minutes) {
            Some(s) => Some(s),
            None => r.optional("duration_seconds", parse_duration_seconds),
        };
        let account_id = r.optional("account_id", parse_account_id);
        let external_id = r.optional("external_id", |v| Ok(v.to_string()));
        let fields = match &activity_type {
            Some((_, definition)) => r.custom_fields(*definition),
            // An unknown type has no fields to check against: its error is enough.
            None => Fields::new(),
        };
        match (rep_id, activity_type, occurred_at) {
            (Some(rep_id), Some((activity_type, _)), Some(occurred_at)) if r.errors.is_empty() => {
                let mut activity = NewActivity {
                    rep_id,
                    activity_type,
                    occurred_at,
                    duration_s,
                    account_id,
                    source: SourceKind::Import,
                    external_id,
                    fields,
                    entered_by: None,
                };
                if activity.external_id.is_none() {
                    let content = format!(
                        "{}|{}|{}|{:?}|{:?}|{:?}",
                        activity.rep_id,
                        activity.activity_type,
                        activity.occurred_at,
                        activity.duration_s,
                        activity.account_id,
                        activity.fields
                    );
                    activity.external_id = Some(natural_key(&content));
                }
                Ok(activity)
            }
            _ => Err(r.into_errors()),
        }
    }

    /// Converts one row of a deals file.
    ///
    /// The status comes from `status` when it has a value; otherwise from the stage text:
    /// first through the mapping's `values.status` translations (`"Closed Won" = "won"`),
    /// then by name: a stage that reads `won` or `closed won` (any case, spaces, `-`
    /// and `_` ignored, so `closedwon` too) is won, `lost` or `closed lost` is lost, any
    /// other stage is open. The stage stored is the stage text (after `values.stage`),
    /// or the status (`won`) when there is no stage. Amounts may not be negative; an open deal
    /// without one counts at 0. An open deal may have no close date (a won or lost one needs it,
    /// [`check_close_date`]). The creation day defaults to the close day; a deal with neither is
    /// refused. The source is [`SourceKind::Import`].
    pub fn deal<S: AsRef<str>>(&self, row: usize, cells: &[S]) -> Result<NewDeal, Vec<RowError>> {
        let mut r = self.row(row, cells, ImportKind::Deals)?;
        let rep_id = r.required("rep", |v| self.resolve(v));
        let account_id = r.required("account_id", parse_account_id);
        let kind = r.required("kind", DealKind::from_str);
        let stage_cell = r.get("stage");
        let status = match (r.get("status"), &stage_cell) {
            (Some(_), _) => r.required("status", DealStatus::from_str),
            (None, Some(stage)) => Some(self.status_from_stage(stage.raw)),
            (None, None) => {
                r.missing(if self.mapping.columns.contains_key("status") { "status" } else { "stage" });
                None
            }
        };
        let currency = r.optional("currency", |v| Currency::parse(v).map_err(|e| e.to_string()));
        // A currency cell that does not read is its own error: the amount is not checked against another.
        let amount_currency = if r.get("currency").is_some() { currency } else { self.currency };
        let amount_target = if self.mapping.feeds("amount") { "amount" } else { "amount_minor" };
        // Every CRM has open deals not yet priced: they count at 0 until the CRM says more.
        let amount_minor = if status == Some(DealStatus::Open) && r.get(amount_target).is_none() {
            Some(0)
        } else if amount_target == "amount" {
            r.required("amount", |v| self.amount(v, amount_currency))
        } else {
            r.required("amount_minor", |v| {
                parse::parse_integer(v).and_then(|minor| parse::check_record_amount(minor, amount_currency))
            })
        };
        // Every CRM has open deals not yet dated too: they are pipeline in no period.
        let close_date = r.optional("close_date", |v| self.day(v));
        if let Some(status) = status
            && r.get("close_date").is_none()
            && let Err(e) = check_close_date(status, None)
        {
            r.missing_because("close_date", e.to_string());
        }
        if let (Some(deal), Some(reporting), Some(cell)) = (currency, self.currency, r.get("currency"))
            && let Err(e) = self.rates.to_reporting(Money::new(0, deal), reporting, close_date)
        {
            r.fail(&cell, e.to_string());
        }
        let created_on = r.optional("created_on", |v| self.day(v)).or(close_date);
        if created_on.is_none() && r.get("created_on").is_none() && r.get("close_date").is_none() {
            r.missing_because("created_on", "a deal without a close date needs its creation date".into());
        }
        let external_id = r.optional("external_id", |v| Ok(v.to_string()));
        match (rep_id, account_id, kind, status, amount_minor, created_on) {
            (Some(rep_id), Some(account_id), Some(kind), Some(status), Some(amount_minor), Some(created_on))
                if r.errors.is_empty() =>
            {
                // Without an id, a deal is its owner, account, kind and creation day: a later export
                // with another stage, amount or close day updates it rather than adds a second one.
                let external_id = external_id
                    .or_else(|| Some(natural_key(&format!("{rep_id}|{account_id}|{}|{created_on}", kind.as_str()))));
                Ok(NewDeal {
                    rep_id,
                    account_id,
                    kind,
                    status,
                    stage: stage_cell.map_or_else(|| status.as_str().to_string(), |c| c.value.into_owned()),
                    amount_minor,
                    currency,
                    created_on,
                    close_date,
                    source: SourceKind::Import,
                    external_id,
                    entered_by: None,
                })
            }
            _ => Err(r.into_errors()),
        }
    }

    /// Converts one row of a subscriptions file: an account's MRR for a month (the first
    /// day of the month of the `month` value). MRR may be zero, not negative.
    pub fn subscription<S: AsRef<str>>(&self, row: usize, cells: &[S]) -> Result<SubscriptionMonth, Vec<RowError>> {
        let mut r = self.row(row, cells, ImportKind::Subscriptions)?;
        let account_id = r.required("account_id", parse_account_id);
        let month = r.required("month", |v| parse_month(v, self.mapping.date_order));
        let mrr_minor = if self.mapping.feeds("mrr") {
            r.required("mrr", |v| self.amount(v, self.currency))
        } else {
            r.required("mrr_minor", |v| {
                parse::parse_integer(v).and_then(|minor| parse::check_record_amount(minor, self.currency))
            })
        };
        match (account_id, month, mrr_minor) {
            (Some(account_id), Some(month), Some(mrr_minor)) if r.errors.is_empty() => {
                Ok(SubscriptionMonth { account_id, month, mrr_minor })
            }
            _ => Err(r.into_errors()),
        }
    }

    /// Converts one row of a reps file. The e-mail must look like one (`name@domain`);
    /// the leave date must be after the hire date.
    pub fn rep<S: AsRef<str>>(&self, row: usize, cells: &[S]) -> Result<RepRow, Vec<RowError>> {
        let mut r = self.row(row, cells, ImportKind::Reps)?;
        let name = r.required("name", |v| Ok(v.to_string()));
        let email = r.optional("email", |v| {
            let ok = matches!(v.split_once('@'), Some((a, b)) if !a.is_empty() && b.contains('.') && !b.contains('@'))
                && !v.contains(char::is_whitespace);
            if ok { Ok(v.to_string()) } else { Err(format!("{v:?} is not an e-mail address")) }
        });
        let title = r.optional("title", |v| Ok(v.to_string()));
        let team = r.optional("team", |v| Ok(v.to_string()));
        let hire_date = r.required("hire_date", |v| self.day(v));
        let leave_date = r.optional("leave_date", |v| self.day(v));
        let external_id = r.optional("external_id", |v| Ok(v.to_string()));
        if let (Some(name), Some(hire)) = (&name, hire_date)
            && let Err(e) = crate::org::check_rep(name, hire, leave_date)
            && let Some(cell) = r.get("leave_date")
        {
            r.fail(&cell, e.to_string());
        }
        match (name, hire_date) {
            (Some(name), Some(hire_date)) if r.errors.is_empty() => {
                Ok(RepRow { external_id, name, email, title, team, hire_date, leave_date })
            }
            _ => Err(r.into_errors()),
        }
    }

    /// Converts one row of a teams file. A team cannot be its own parent.
    pub fn team<S: AsRef<str>>(&self, row: usize, cells: &[S]) -> Result<TeamRow, Vec<RowError>> {
        let mut r = self.row(row, cells, ImportKind::Teams)?;
        let name = r.required("name", |v| Ok(v.to_string()));
        let parent = r.optional("parent", |v| match &name {
            Some(n) if n == v => Err(format!("team {v:?} cannot be its own parent")),
            _ => Ok(v.to_string()),
        });
        let region = r.optional("region", |v| Ok(v.to_string()));
        let manager = r.optional("manager", |v| Ok(v.to_string()));
        match name {
            Some(name) if r.errors.is_empty() => Ok(TeamRow { name, parent, region, manager }),
            _ => Err(r.into_errors()),
        }
    }

    fn row<'r, S: AsRef<str>>(
        &'r self,
        row: usize,
        cells: &'r [S],
        kind: ImportKind,
    ) -> Result<Row<'r>, Vec<RowError>> {
        if self.mapping.kind != kind {
            return Err(vec![RowError {
                row,
                column: String::new(),
                value: String::new(),
                reason: format!("this mapping imports {}, not {kind}", self.mapping.kind),
            }]);
        }
        let cells: Vec<&str> = cells.iter().map(AsRef::as_ref).collect();
        // Every cell that feeds a field is bounded before it is read (unmapped columns are never stored).
        let errors = self
            .index
            .iter()
            .filter_map(|(target, (i, header))| {
                let raw = cells.get(*i)?.trim();
                let problem = limits::check_text(raw, TextKind::of_field(target));
                problem.err().map(|e| RowError {
                    row,
                    column: header.clone(),
                    value: limits::excerpt(raw),
                    reason: e.to_string(),
                })
            })
            .collect();
        Ok(Row { importer: self, row, cells, errors })
    }

    fn resolve(&self, key: &str) -> Result<RepId, String> {
        (self.resolve_rep)(key).ok_or_else(|| format!("unknown rep {key:?}"))
    }

    fn day(&self, text: &str) -> Result<NaiveDate, String> {
        parse_datetime(text, self.mapping.date_order).map(|dt| dt.date())
    }

    /// An amount in minor units of `currency` (the deal's, or the organisation's), read with
    /// that currency's ISO 4217 exponent (hundredths when none is known), that may
    /// not be negative nor beyond a record's ceiling. A currency mark that cannot stand for
    /// `currency` is refused rather than taken at 1:1.
    fn amount(&self, text: &str, currency: Option<Currency>) -> Result<i64, String> {
        // Read with the currency's own decimals: none for JPY, 3 for KWD.
        let amount = parse::parse_amount(text, currency)?;
        if let (Some(currency), Some(mark)) = (currency, &amount.mark)
            && !parse::mark_currencies(mark).unwrap_or_default().iter().any(|c| c == currency.as_str())
        {
            return Err(format!("amount in {mark}, but the record is in {currency}: the mark must match its currency"));
        }
        parse::check_record_amount(amount.minor, currency)
    }

    /// The catalog's key for a type written as its key or name (any case), with its definition.
    fn activity_type(&self, text: &str) -> Result<(String, Option<&'a ActivityType>), String> {
        let Some(catalog) = self.catalog else { return Ok((text.to_string(), None)) };
        let types = &catalog.activity_types;
        let found = types.iter().find(|t| t.key.get_ref() == text).or_else(|| {
            types.iter().find(|t| t.key.get_ref().eq_ignore_ascii_case(text) || t.name.eq_ignore_ascii_case(text))
        });
        match found {
            Some(t) => Ok((t.key.get_ref().clone(), Some(t))),
            None => {
                let mut keys: Vec<&str> = types.iter().map(|t| t.key.get_ref().as_str()).collect();
                keys.sort_unstable();
                Err(format!("unknown activity type {text:?} (known: {})", keys.join(", ")))
            }
        }
    }

    fn status_from_stage(&self, stage: &str) -> DealStatus {
        // Translations to a status are checked with the mapping, so this parse only fails
        // for a stage without a translation.
        if let Some(status) =
            translate(&self.mapping.values, "status", stage).and_then(|t| t.parse::<DealStatus>().ok())
        {
            return status;
        }
        if let Some(status) = self.stages.and_then(|s| s.status_of(stage)) {
            return status;
        }
        let squeezed: String =
            stage.chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_')).collect::<String>().to_lowercase();
        match squeezed.as_str() {
            "won" | "closedwon" => DealStatus::Won,
            "lost" | "closedlost" => DealStatus::Lost,
            _ => DealStatus::Open,
        }
    }
}

/// The key of an imported record that has no id of its own: a digest of what identifies it, so that
/// importing the same export again finds the same records. An activity is all it holds (rep, time,
/// type, duration, account, fields); a deal its owner, account, kind and creation day.
fn natural_key(content: &str) -> String {
    format!("{NATURAL_KEY_PREFIX}{:016x}", parse::stable_hash(content))
}

/// How natural keys start, so that they never meet a CRM's own ids.
pub const NATURAL_KEY_PREFIX: &str = "pacer-key:";

/// The translation of `text` for `target`: exact key first, then ignoring case.
fn translate(values: &BTreeMap<String, BTreeMap<String, String>>, target: &str, text: &str) -> Option<String> {
    let table = values.get(target)?;
    table
        .get(text)
        .or_else(|| table.iter().find(|(k, _)| k.trim().to_lowercase() == text.to_lowercase()).map(|(_, v)| v))
        .cloned()
}

/// One row being converted, collecting every problem.
struct Row<'r> {
    importer: &'r Importer<'r>,
    row: usize,
    cells: Vec<&'r str>,
    errors: Vec<RowError>,
}

impl<'r> Row<'r> {
    /// The value for `target`: its non-empty cell (translated), else its default.
    fn get(&self, target: &str) -> Option<Cell<'r>> {
        let importer = self.importer;
        let mapping = &importer.mapping;
        let fallbacks = importer.fallbacks.get(target).into_iter().flatten();
        for (i, header) in importer.index.get(target).into_iter().chain(fallbacks) {
            // Cells missing at the end of a short row are empty.
            let raw = self.cells.get(*i).map_or("", |c| c.trim());
            if !raw.is_empty() {
                let value = translate(&mapping.values, target, raw).map_or(Cow::Borrowed(raw), Cow::Owned);
                return Some(Cell { column: Cow::Borrowed(header), raw, value });
            }
        }
        mapping.defaults.get(target).map(|d| Cell {
            column: Cow::Owned(format!("defaults.{target}")),
            raw: d,
            value: Cow::Borrowed(d.trim()),
        })
    }

    /// The problems in the order of the file's columns (defaults and unmapped fields last),
    /// as a user reads the row.
    fn into_errors(mut self) -> Vec<RowError> {
        let position: BTreeMap<&str, usize> = self.importer.index.values().map(|(i, h)| (h.as_str(), *i)).collect();
        self.errors.sort_by_key(|e| position.get(e.column.as_str()).copied().unwrap_or(usize::MAX));
        self.errors
    }

    fn fail(&mut self, cell: &Cell, reason: String) {
        self.errors.push(RowError {
            row: self.row,
            column: cell.column.to_string(),
            value: cell.raw.to_string(),
            reason,
        });
    }

    fn missing(&mut self, target: &str) {
        self.missing_because(target, format!("{target} is required"));
    }

    fn missing_because(&mut self, target: &str, reason: String) {
        let column = self.importer.index.get(target).map_or_else(|| target.to_string(), |(_, h)| h.clone());
        self.errors.push(RowError { row: self.row, column, value: String::new(), reason });
    }

    fn optional<T>(&mut self, target: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let cell = self.get(target)?;
        self.read(cell, parse)
    }

    fn required<T>(&mut self, target: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let Some(cell) = self.get(target) else {
            self.missing(target);
            return None;
        };
        self.read(cell, parse)
    }

    fn read<T>(&mut self, cell: Cell<'r>, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        match parse(&cell.value) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.fail(&cell, reason);
                None
            }
        }
    }

    /// The custom fields of an activity of type `definition` (`None`: no catalog).
    fn custom_fields(&mut self, definition: Option<&ActivityType>) -> Fields {
        let importer = self.importer;
        let mapping = &importer.mapping;
        let targets: BTreeSet<String> = mapping
            .columns
            .keys()
            .filter(|t| importer.index.contains_key(*t))
            .chain(mapping.defaults.keys())
            .filter(|t| t.starts_with("field."))
            .cloned()
            .collect();
        let mut fields = Fields::new();
        let mut failed = BTreeSet::new();
        for target in &targets {
            let key = &target["field.".len()..];
            let Some(cell) = self.get(target) else { continue };
            let Some(activity_type) = definition else {
                fields.insert(key.to_string(), FieldValue::Text(cell.value.into_owned()));
                continue;
            };
            let Some(def) = activity_type.fields.iter().find(|f| f.key.get_ref() == key) else {
                let mut known: Vec<&str> = activity_type.fields.iter().map(|f| f.key.get_ref().as_str()).collect();
                known.sort_unstable();
                let known = if known.is_empty() {
                    "it has none".to_string()
                } else {
                    format!("its fields: {}", known.join(", "))
                };
                let reason = format!("activity type {:?} has no field {key:?} ({known})", activity_type.key.get_ref());
                self.fail(&cell, reason);
                continue;
            };
            match field_value(def, &cell.value, mapping.date_order) {
                Ok(v) => {
                    fields.insert(key.to_string(), v);
                }
                Err(reason) => {
                    self.fail(&cell, format!("field {key:?}: {reason}"));
                    failed.insert(key.to_string());
                }
            }
        }
        for def in definition.map_or(&[][..], |t| &t.fields[..]) {
            let key = def.key.get_ref();
            if def.required && !fields.contains_key(key) && !failed.contains(key) {
                let target = format!("field.{key}");
                let column = self.importer.index.get(&target).map_or(target, |(_, h)| h.clone());
                let type_key = definition.map_or("", |t| t.key.get_ref().as_str());
                self.errors.push(RowError {
                    row: self.row,
                    column,
                    value: String::new(),
                    reason: format!("field {key:?} is required for activity type {type_key:?}"),
                });
            }
        }
        fields
    }
}

/// A custom field's value from its text, by the field's kind.
fn field_value(def: &FieldDef, text: &str, order: Option<DateOrder>) -> Result<FieldValue, String> {
    Ok(match def.kind {
        FieldKind::Integer => FieldValue::Integer(parse::parse_integer(text)?),
        FieldKind::Decimal => FieldValue::Decimal(parse::parse_decimal(text)?),
        FieldKind::Boolean => FieldValue::Bool(parse::parse_bool(text)?),
        FieldKind::Date => FieldValue::Text(parse_datetime(text, order)?.date().format("%Y-%m-%d").to_string()),
        FieldKind::Text => FieldValue::Text(text.to_string()),
        FieldKind::OneOf => {
            let found = def
                .values
                .iter()
                .find(|v| *v == text)
                .or_else(|| def.values.iter().find(|v| v.to_lowercase() == text.to_lowercase()));
            match found {
                Some(v) => FieldValue::Text(v.clone()),
                None => return Err(format!("{text:?} is not one of {}", def.values.join(", "))),
            }
        }
    })
}

#[cfg(test)]
mod tests;
