//! The quarterly review as stored (PRODUCT.md C7): a review of a fiscal quarter measured against a
//! plan, open while the quarter is discussed and closed once agreed, when a snapshot freezes its
//! figures; and the notes ("exceptions") for the directors attached to the review, to a KPI or to
//! a rep.
//!
//! A closed review's snapshot never changes. Notes can still be added to it: an exception is shown
//! wherever its figure appears, and may be written after the review was closed.
//!
//! The snapshot is kept as JSON text (this crate does no I/O and has no JSON dependency); storage
//! checks that it parses before writing it.

use crate::org::RepId;
use crate::plan::PlanId;
use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Identifier of a stored review.
pub type ReviewId = i64;

/// Most characters (Unicode scalar values) in a note, after trimming.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// Why a review rule refuses its input; each message names the bad value and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// A review status other than open or closed.
    #[error("unknown review status {0:?}: use open or closed")]
    UnknownStatus(String),
    /// A period that is not a fiscal quarter's name.
    #[error("{0:?} is not a fiscal quarter: name it like FY2027-Q2")]
    NotAQuarter(String),
    /// A quarter of another fiscal year than the one given.
    #[error("quarter {period} is not in fiscal year {fiscal_year}")]
    PeriodYear {
        /// The quarter's name.
        period: String,
        /// The fiscal year given.
        fiscal_year: i32,
    },
    /// A plan of another fiscal year than the review's.
    #[error("plan {plan} is for fiscal year {plan_year}, not {fiscal_year}: review a quarter against its year's plan")]
    PlanYear {
        /// The plan.
        plan: PlanId,
        /// The plan's fiscal year.
        plan_year: i32,
        /// The review's fiscal year.
        fiscal_year: i32,
    },
    /// A note without text.
    #[error("a note needs text")]
    BlankNote,
    /// A note longer than [`MAX_NOTE_CHARS`].
    #[error("a note of {0} characters is too long: keep it to {MAX_NOTE_CHARS}")]
    NoteTooLong(usize),
    /// A note about a KPI without its key.
    #[error("a note about a KPI needs the KPI's key, as in the metric catalog")]
    NoKpi,
    /// A change to the figures of a closed review (notes can still be added).
    #[error("review {0} is closed: its figures are frozen; open a new review to look again")]
    Closed(ReviewId),
    /// Closing a review that is already closed: its snapshot stays as it was.
    #[error("review {id} was already closed by {by} at {at}: its snapshot does not change")]
    AlreadyClosed {
        /// The review.
        id: ReviewId,
        /// Who closed it.
        by: String,
        /// When, UTC, RFC 3339.
        at: String,
    },
    /// A snapshot that is not a JSON document.
    #[error("the review's snapshot is not valid JSON: {0}")]
    SnapshotNotJson(String),
}

/// Where a review is in its life: under discussion, or closed with its figures frozen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ReviewStatus {
    /// Under discussion: figures are computed live.
    Open,
    /// Agreed: the snapshot holds the figures as they were when it was closed. Final.
    Closed,
}

text_enum! {
    /// The stored and displayed form: `open` or `closed`.
    ReviewStatus { Open => "open", Closed => "closed" },
    unknown: ReviewError::UnknownStatus
}

/// A review of a fiscal quarter against a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    /// Identifier.
    pub id: ReviewId,
    /// The quarter reviewed, e.g. "FY2027-Q2" (see [`check_period`]).
    pub period: String,
    /// Its fiscal year.
    pub fiscal_year: i32,
    /// The plan the quarter is measured against.
    pub plan_id: PlanId,
    /// Open or closed.
    pub status: ReviewStatus,
    /// Who opened it.
    pub opened_by: String,
    /// When, UTC, RFC 3339.
    pub opened_at: String,
    /// Who closed it, once closed.
    pub closed_by: Option<String>,
    /// When, UTC, RFC 3339.
    pub closed_at: Option<String>,
    /// The review's figures frozen when it was closed: a JSON document, as text, exactly as given.
    pub snapshot: Option<String>,
}

impl Review {
    /// [`ReviewError::Closed`] unless the review is open, before a change to its figures.
    pub fn ensure_open(&self) -> Result<(), ReviewError> {
        match self.status {
            ReviewStatus::Open => Ok(()),
            ReviewStatus::Closed => Err(ReviewError::Closed(self.id)),
        }
    }
}

/// What a note is about: the review as a whole, one KPI or one rep.
///
/// Serialised like [`crate::plan::TargetOwner`], with the KPI's key or the rep's id under `key`:
/// `{"kind":"review"}`, `{"kind":"kpi","key":"calls_made"}`, `{"kind":"rep","key":12}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "key")]
pub enum NoteSubject {
    /// The review as a whole.
    Review,
    /// A KPI, by its key in the metric catalog.
    Kpi(String),
    /// A rep.
    Rep(RepId),
}

impl NoteSubject {
    /// The stored kind: `review`, `kpi` or `rep`.
    pub fn kind_str(&self) -> &'static str {
        match self {
            Self::Review => "review",
            Self::Kpi(_) => "kpi",
            Self::Rep(_) => "rep",
        }
    }

    /// The stored key: the KPI's key, the rep's id as text, or empty for the review.
    pub fn key(&self) -> String {
        match self {
            Self::Review => String::new(),
            Self::Kpi(key) => key.clone(),
            Self::Rep(id) => id.to_string(),
        }
    }

    /// The subject of a stored kind and key ([`NoteSubject::kind_str`], [`NoteSubject::key`]);
    /// `None` if they do not make one.
    pub fn from_stored(kind: &str, key: &str) -> Option<Self> {
        match kind {
            "review" if key.is_empty() => Some(Self::Review),
            "kpi" if !key.is_empty() => Some(Self::Kpi(key.to_owned())),
            "rep" => key.parse().ok().map(Self::Rep),
            _ => None,
        }
    }
}

impl fmt::Display for NoteSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Review => f.write_str("the review"),
            Self::Kpi(key) => write!(f, "KPI {key}"),
            Self::Rep(id) => write!(f, "rep {id}"),
        }
    }
}

/// A note ("exception") for the directors, attached to a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewNote {
    /// Identifier.
    pub id: i64,
    /// The review it belongs to.
    pub review_id: ReviewId,
    /// What it is about.
    pub subject: NoteSubject,
    /// The note, trimmed.
    pub text: String,
    /// Who wrote it.
    pub author: String,
    /// When, UTC, RFC 3339.
    pub at: String,
}

/// What is needed to add a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewNote {
    /// What it is about.
    pub subject: NoteSubject,
    /// The note (see [`NewNote::check`]).
    pub text: String,
}

impl NewNote {
    /// Checks the note: text not blank and at most [`MAX_NOTE_CHARS`] characters once trimmed,
    /// and a KPI subject with a key.
    pub fn check(&self) -> Result<(), ReviewError> {
        let text = self.text.trim();
        if text.is_empty() {
            return Err(ReviewError::BlankNote);
        }
        let chars = text.chars().count();
        if chars > MAX_NOTE_CHARS {
            return Err(ReviewError::NoteTooLong(chars));
        }
        if let NoteSubject::Kpi(key) = &self.subject
            && key.trim().is_empty()
        {
            return Err(ReviewError::NoKpi);
        }
        Ok(())
    }

    /// The note as stored: text and KPI key trimmed.
    pub fn normalised(&self) -> Self {
        let subject = match &self.subject {
            NoteSubject::Kpi(key) => NoteSubject::Kpi(key.trim().to_owned()),
            other => other.clone(),
        };
        Self { subject, text: self.text.trim().to_owned() }
    }
}

/// Checks that `period` names a quarter of `fiscal_year` ("FY2027-Q2", any case, surrounding
/// spaces ignored) and returns its stored form, in capitals.
pub fn check_period(period: &str, fiscal_year: i32) -> Result<String, ReviewError> {
    let name = period.trim().to_ascii_uppercase();
    let bad = || ReviewError::NotAQuarter(period.trim().to_owned());
    let (year, quarter) = name.strip_prefix("FY").and_then(|rest| rest.split_once("-Q")).ok_or_else(bad)?;
    if year.is_empty() || !year.bytes().all(|b| b.is_ascii_digit()) || !matches!(quarter, "1" | "2" | "3" | "4") {
        return Err(bad());
    }
    let year: i32 = year.parse().map_err(|_| bad())?;
    if year != fiscal_year {
        return Err(ReviewError::PeriodYear { period: name, fiscal_year });
    }
    Ok(name)
}

/// Checks that a review of `fiscal_year` may be measured against `plan`, of `plan_year`.
pub fn check_plan_year(plan: PlanId, plan_year: i32, fiscal_year: i32) -> Result<(), ReviewError> {
    if plan_year == fiscal_year { Ok(()) } else { Err(ReviewError::PlanYear { plan, plan_year, fiscal_year }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for status in [ReviewStatus::Open, ReviewStatus::Closed] {
            assert_eq!(status.as_str().parse::<ReviewStatus>(), Ok(status));
            assert_eq!(status.to_string(), status.as_str());
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{status}\""));
        }
        assert_eq!(" CLOSED ".parse::<ReviewStatus>(), Ok(ReviewStatus::Closed));
        assert_eq!("done".parse::<ReviewStatus>(), Err(ReviewError::UnknownStatus("done".into())));
    }

    #[test]
    fn subjects_serialise_with_kind_and_key() {
        let cases = [
            (NoteSubject::Review, r#"{"kind":"review"}"#),
            (NoteSubject::Kpi("calls_made".into()), r#"{"kind":"kpi","key":"calls_made"}"#),
            (NoteSubject::Rep(12), r#"{"kind":"rep","key":12}"#),
        ];
        for (subject, json) in cases {
            assert_eq!(serde_json::to_string(&subject).unwrap(), json);
            assert_eq!(serde_json::from_str::<NoteSubject>(json).unwrap(), subject);
            assert_eq!(NoteSubject::from_stored(subject.kind_str(), &subject.key()), Some(subject));
        }
        assert_eq!(NoteSubject::from_stored("rep", "x"), None);
        assert_eq!(NoteSubject::from_stored("kpi", ""), None);
        assert_eq!(NoteSubject::from_stored("team", "1"), None);
    }

    #[test]
    fn notes_are_checked() {
        let note = |subject, text: &str| NewNote { subject, text: text.into() };
        assert_eq!(note(NoteSubject::Review, "Q2 hit by the outage").check(), Ok(()));
        assert_eq!(note(NoteSubject::Review, " \n\t").check(), Err(ReviewError::BlankNote));
        assert_eq!(note(NoteSubject::Kpi(" ".into()), "why").check(), Err(ReviewError::NoKpi));
        let longest = "é".repeat(MAX_NOTE_CHARS);
        assert_eq!(note(NoteSubject::Rep(1), &format!("  {longest}  ")).check(), Ok(()), "counted in characters");
        let long = format!("{longest}x");
        assert_eq!(note(NoteSubject::Rep(1), &long).check(), Err(ReviewError::NoteTooLong(MAX_NOTE_CHARS + 1)));
        let stored = note(NoteSubject::Kpi(" demos ".into()), " slipped ").normalised();
        assert_eq!(stored, note(NoteSubject::Kpi("demos".into()), "slipped"));
    }

    #[test]
    fn periods_are_quarters_of_the_year() {
        assert_eq!(check_period(" fy2027-q2 ", 2027), Ok("FY2027-Q2".into()));
        for bad in ["FY2027", "FY2027-Q5", "FY2027-Q0", "FY2027-M02", "2027-Q2", "FY-Q2", "FY2027-Q12", "FY+2027-Q1"] {
            assert_eq!(check_period(bad, 2027), Err(ReviewError::NotAQuarter(bad.into())), "{bad}");
        }
        assert_eq!(
            check_period("FY2026-Q4", 2027),
            Err(ReviewError::PeriodYear { period: "FY2026-Q4".into(), fiscal_year: 2027 })
        );
        assert_eq!(check_plan_year(3, 2027, 2027), Ok(()));
        assert_eq!(
            check_plan_year(3, 2026, 2027),
            Err(ReviewError::PlanYear { plan: 3, plan_year: 2026, fiscal_year: 2027 })
        );
    }
}
