//! The column mapping: which column of a file feeds which field of a record,
//! with defaults, value translations and the date order. Written by hand as
//! TOML (`--mapping FILE`) or taken from a preset (`--preset NAME`).

use super::parse::DateOrder;
use super::{Alternatives, ImportKind};
use crate::records::{DealKind, DealStatus};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use toml::Spanned;

/// How the columns of a file become the fields of records of one kind.
///
/// As TOML:
///
/// ```toml
/// kind = "activities"
/// source = "salesforce"          # optional, a name for the origin (see Importer::source_name)
/// date_order = "month-first"     # optional: iso, month-first or day-first
/// optional = ["duration_minutes"] # mapped columns that may be absent from a file
///
/// [columns]                      # target field = "column header"
/// rep = "Assigned"
/// type = "Task Subtype"
/// occurred_at = "Date"
/// duration_minutes = "Duration (Minutes)"
/// "field.outcome" = "Call Result"
///
/// [fallbacks]                    # target field = columns read, in order, when its cell is empty
/// occurred_at = ["Due Date"]
///
/// [defaults]                     # target field = value, when the cell is empty or unmapped
/// type = "meeting"
///
/// [values.type]                  # per target field: text in the file = value to use
/// "Call" = "call"
/// "List Email" = "email"
/// ```
///
/// The target fields of each kind are listed on [`ImportKind::target_fields`]. A cell is
/// trimmed; an empty cell counts as absent, so the default (if any) applies. Translations
/// in `values` match the cell text exactly, then ignoring case; text without a
/// translation passes through unchanged. Defaults are final values: they are not
/// translated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// What the file holds.
    pub kind: ImportKind,
    /// A name for the origin (e.g. `salesforce`), for messages and reports; records are
    /// stored with source [`crate::records::SourceKind::Import`] whatever it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// How to read `03/04/2026`; without it only unambiguous dates are accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_order: Option<DateOrder>,
    /// Target fields whose mapped column may be missing from a file (then they are empty in
    /// every row). Lets one preset serve exports with and without, say, a duration column.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub optional: BTreeSet<String>,
    /// Target field to the header of the column that feeds it.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Target field to the columns read, in order, when its own column's cell is empty (e.g. a
    /// deal's expected close date when it has no won date yet). They may be absent from a file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fallbacks: BTreeMap<String, Vec<String>>,
    /// Target field to the value used when its cell is empty or it has no column.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub defaults: BTreeMap<String, String>,
    /// Per target field, text found in the file to the value to use (e.g. for `type`,
    /// `"Call"` to `"call"`; for `status`, `"Closed Won"` to `"won"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

/// One problem of a mapping file, with its position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappingProblem {
    /// 1-based line (0 when the mapping did not come from a file).
    pub line: usize,
    /// 1-based column in characters (0 when the mapping did not come from a file).
    pub column: usize,
    /// A sentence.
    pub message: String,
}

impl fmt::Display for MappingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
        }
    }
}

/// Why a mapping cannot be used: every problem at once, one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct MappingError {
    /// The problems, in file order.
    pub problems: Vec<MappingProblem>,
}

/// Where in a mapping an issue sits, to find its position in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Kind,
    Columns,
    Fallbacks,
    Optional,
    Defaults,
    Values,
}

/// An issue found by [`Mapping::issues`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    pub section: Section,
    /// The target field concerned, when there is one.
    pub key: Option<String>,
    pub message: String,
}

/// The mapping as written, with positions.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    kind: Spanned<ImportKind>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    date_order: Option<DateOrder>,
    #[serde(default)]
    optional: Vec<Spanned<String>>,
    #[serde(default)]
    columns: BTreeMap<Spanned<String>, String>,
    #[serde(default)]
    fallbacks: BTreeMap<Spanned<String>, Vec<String>>,
    #[serde(default)]
    defaults: BTreeMap<Spanned<String>, String>,
    #[serde(default)]
    values: BTreeMap<Spanned<String>, BTreeMap<String, String>>,
}

impl Mapping {
    /// An empty mapping for `kind`, to fill in code.
    pub fn new(kind: ImportKind) -> Self {
        Self {
            kind,
            source: None,
            date_order: None,
            optional: BTreeSet::new(),
            columns: BTreeMap::new(),
            fallbacks: BTreeMap::new(),
            defaults: BTreeMap::new(),
            values: BTreeMap::new(),
        }
    }

    /// Parses and checks a mapping file. Problems carry the line and column they are at:
    /// TOML syntax, unknown keys, unknown target fields, required fields left unmapped.
    pub fn from_toml(text: &str) -> Result<Self, MappingError> {
        let at = |offset: usize, message: String| {
            let before = &text[..offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            MappingProblem { line, column, message }
        };
        let raw: RawMapping = toml::from_str(text).map_err(|e| MappingError {
            problems: vec![at(e.span().map_or(0, |s| s.start), e.message().trim_end().to_string())],
        })?;
        let spans_of = |keys: Vec<&Spanned<String>>| -> BTreeMap<String, usize> {
            keys.into_iter().map(|k| (k.get_ref().clone(), k.span().start)).collect()
        };
        let spans = [
            (Section::Columns, spans_of(raw.columns.keys().collect())),
            (Section::Fallbacks, spans_of(raw.fallbacks.keys().collect())),
            (Section::Defaults, spans_of(raw.defaults.keys().collect())),
            (Section::Values, spans_of(raw.values.keys().collect())),
            (Section::Optional, raw.optional.iter().map(|k| (k.get_ref().clone(), k.span().start)).collect()),
        ];
        let kind_at = raw.kind.span().start;
        let mapping = Mapping {
            kind: *raw.kind.get_ref(),
            source: raw.source,
            date_order: raw.date_order,
            optional: raw.optional.into_iter().map(Spanned::into_inner).collect(),
            columns: raw.columns.into_iter().map(|(k, v)| (k.into_inner(), v)).collect(),
            fallbacks: raw.fallbacks.into_iter().map(|(k, v)| (k.into_inner(), v)).collect(),
            defaults: raw.defaults.into_iter().map(|(k, v)| (k.into_inner(), v)).collect(),
            values: raw.values.into_iter().map(|(k, v)| (k.into_inner(), v)).collect(),
        };
        let mut problems: Vec<MappingProblem> = mapping
            .issues()
            .into_iter()
            .map(|issue| {
                let offset = spans
                    .iter()
                    .find(|(section, _)| *section == issue.section)
                    .and_then(|(_, keys)| keys.get(issue.key.as_deref()?))
                    .copied()
                    .unwrap_or(kind_at);
                at(offset, issue.message)
            })
            .collect();
        if problems.is_empty() {
            return Ok(mapping);
        }
        problems.sort_by_key(|p| (p.line, p.column));
        Err(MappingError { problems })
    }

    /// The mapping as TOML, e.g. to start a mapping file from a preset.
    pub fn to_toml(&self) -> String {
        // Plain strings and maps of strings always serialize.
        toml::to_string(self).unwrap_or_default()
    }

    /// Checks the mapping against its kind, with every problem at once.
    pub fn check(&self) -> Result<(), MappingError> {
        let problems: Vec<MappingProblem> =
            self.issues().into_iter().map(|i| MappingProblem { line: 0, column: 0, message: i.message }).collect();
        if problems.is_empty() { Ok(()) } else { Err(MappingError { problems }) }
    }

    /// The name of the origin: `source`, or `import` when the mapping does not say.
    pub fn source_name(&self) -> &str {
        self.source.as_deref().unwrap_or("import")
    }

    /// Whether `target` gets a value from a column or a default.
    /// Whether activities and deals are keyed by their content (a natural key) because no column
    /// feeds their id; re-importing the same export then changes nothing.
    pub fn keys_by_content(&self) -> bool {
        matches!(self.kind, ImportKind::Activities | ImportKind::Deals) && !self.feeds("external_id")
    }

    pub(crate) fn feeds(&self, target: &str) -> bool {
        self.columns.contains_key(target) || self.defaults.contains_key(target)
    }

    pub(crate) fn issues(&self) -> Vec<Issue> {
        let kind = self.kind;
        let mut out = Vec::new();
        let known = |target: &str| {
            kind.target_fields().contains(&target)
                || (kind == ImportKind::Activities && target.strip_prefix("field.").is_some_and(|k| !k.is_empty()))
        };
        let unknown = |target: &str| {
            let custom = if kind == ImportKind::Activities { ", field.<key>" } else { "" };
            format!("unknown target field {target:?} for {kind} (known: {}{custom})", kind.target_fields().join(", "))
        };
        for (section, keys) in [
            (Section::Columns, self.columns.keys().collect::<Vec<_>>()),
            (Section::Fallbacks, self.fallbacks.keys().collect()),
            (Section::Defaults, self.defaults.keys().collect()),
            (Section::Values, self.values.keys().collect()),
            (Section::Optional, self.optional.iter().collect()),
        ] {
            for key in keys {
                if !known(key) {
                    out.push(Issue { section, key: Some(key.clone()), message: unknown(key) });
                }
            }
        }
        for (target, header) in &self.columns {
            if header.trim().is_empty() {
                out.push(Issue {
                    section: Section::Columns,
                    key: Some(target.clone()),
                    message: format!("{target} is mapped to an empty column name"),
                });
            }
        }
        for (target, headers) in &self.fallbacks {
            if known(target) && !self.columns.contains_key(target) {
                out.push(Issue {
                    section: Section::Fallbacks,
                    key: Some(target.clone()),
                    message: format!("{target} has fallbacks but no column in [columns]: map its first column there"),
                });
            }
            if headers.iter().any(|h| h.trim().is_empty()) {
                out.push(Issue {
                    section: Section::Fallbacks,
                    key: Some(target.clone()),
                    message: format!("{target} falls back to an empty column name"),
                });
            }
        }
        for target in &self.optional {
            if known(target) && !self.columns.contains_key(target) {
                out.push(Issue {
                    section: Section::Optional,
                    key: Some(target.clone()),
                    message: format!("{target} is optional but has no column in [columns]"),
                });
            }
        }
        for target in kind.required_fields() {
            if !self.feeds(target) {
                out.push(Issue {
                    section: Section::Kind,
                    key: None,
                    message: format!("{kind} need {target}: map a column to it in [columns] or set it in [defaults]"),
                });
            }
        }
        // Values of closed lists, so that a typo shows once here rather than on every row.
        if kind == ImportKind::Deals {
            let check = |target: &str, v: &str| match target {
                "status" => v.parse::<DealStatus>().map(|_| ()),
                _ => v.parse::<DealKind>().map(|_| ()),
            };
            for target in ["status", "kind"] {
                let translated = self.values.get(target).into_iter().flat_map(|t| t.values());
                for (section, value) in translated
                    .map(|v| (Section::Values, v))
                    .chain(self.defaults.get(target).map(|v| (Section::Defaults, v)))
                {
                    if let Err(why) = check(target, value) {
                        out.push(Issue { section, key: Some(target.to_string()), message: format!("{target}: {why}") });
                    }
                }
            }
        }
        for (group, rule) in kind.alternatives() {
            let fed: Vec<&str> = group.iter().copied().filter(|t| self.feeds(t)).collect();
            let names = group.join(" or ");
            match rule {
                Alternatives::Optional | Alternatives::ExactlyOne if fed.len() > 1 => out.push(Issue {
                    section: Section::Columns,
                    key: fed.last().map(|t| t.to_string()),
                    message: format!("{kind} take {names}, not both"),
                }),
                Alternatives::ExactlyOne if fed.is_empty() => out.push(Issue {
                    section: Section::Kind,
                    key: None,
                    message: format!("{kind} need {names}: map a column to one of them"),
                }),
                Alternatives::OneOrBoth if fed.is_empty() => out.push(Issue {
                    section: Section::Kind,
                    key: None,
                    message: format!("{kind} need {names} (or both): map a column to one of them"),
                }),
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_mapping() {
        let text = r#"
kind = "activities"
source = "salesforce"
date_order = "month-first"
optional = ["duration_minutes"]

[columns]
rep = "Assigned"
type = "Task Subtype"
occurred_at = "Date"
duration_minutes = "Duration (Minutes)"
"field.outcome" = "Call Result"

[defaults]
type = "meeting"

[values.type]
"Call" = "call"
"List Email" = "email"
"#;
        let m = Mapping::from_toml(text).unwrap();
        assert_eq!(m.kind, ImportKind::Activities);
        assert_eq!(m.source_name(), "salesforce");
        assert_eq!(m.date_order, Some(DateOrder::MonthFirst));
        assert_eq!(m.columns["field.outcome"], "Call Result");
        assert_eq!(m.defaults["type"], "meeting");
        assert_eq!(m.values["type"]["List Email"], "email");
        assert!(m.optional.contains("duration_minutes"));
        assert_eq!(Mapping::from_toml(&m.to_toml()), Ok(m));
    }

    #[test]
    fn problems_have_positions() {
        let err = Mapping::from_toml("kind = \"deals\"\nsourse = \"x\"\n").unwrap_err();
        assert_eq!(err.problems.len(), 1);
        let p = &err.problems[0];
        assert_eq!((p.line, p.column), (2, 1));
        assert!(p.message.starts_with("unknown field `sourse`"), "{}", p.message);

        let err = Mapping::from_toml("kind = \"targets\"\n").unwrap_err();
        assert_eq!((err.problems[0].line, err.problems[0].column), (1, 8));
        assert!(err.problems[0].message.contains("unknown variant `targets`"), "{err}");

        let err = Mapping::from_toml("kind = \"deals\"\ndate_order = \"sideways\"\n").unwrap_err();
        assert_eq!(err.problems[0].line, 2);

        let text = "kind = \"subscriptions\"\n\n[columns]\naccount_id = \"Account\"\nmonth = \"Month\"\nmrr = \"MRR\"\nmrr_minor = \"MRR cents\"\nrep = \"Owner\"\n";
        let err = Mapping::from_toml(text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 7, column 1: subscriptions take mrr or mrr_minor, not both\n\
             line 8, column 1: unknown target field \"rep\" for subscriptions (known: account_id, month, mrr, mrr_minor)"
        );

        let err = Mapping::from_toml("kind = \"activities\"\n[columns]\nrep = \"Owner\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1, column 8: activities need type: map a column to it in [columns] or set it in [defaults]\n\
             line 1, column 8: activities need occurred_at: map a column to it in [columns] or set it in [defaults]"
        );

        let err =
            Mapping::from_toml("kind = \"teams\"\noptional = [\"region\"]\n[columns]\nname = \"Team\"\n").unwrap_err();
        assert_eq!(err.to_string(), "line 2, column 13: region is optional but has no column in [columns]");
    }

    #[test]
    fn deals_need_a_status_or_stage_and_one_amount() {
        let mut m = Mapping::new(ImportKind::Deals);
        for (t, c) in [("rep", "Owner"), ("account_id", "Account"), ("kind", "Type"), ("close_date", "Close")] {
            m.columns.insert(t.into(), c.into());
        }
        assert_eq!(
            m.check().unwrap_err().to_string(),
            "deals need amount or amount_minor: map a column to one of them\n\
             deals need status or stage (or both): map a column to one of them"
        );
        m.columns.insert("amount".into(), "Amount".into());
        m.columns.insert("stage".into(), "Stage".into());
        assert_eq!(m.check(), Ok(()));
    }
}
