//! The explanations the core gives as values (a KPI's coverage of the year, why it is not ready,
//! why a target is small), written for people in the locale's words and formats
//! (`locales/*/notes.ftl`).

use crate::{Locale, tr};
use pacer_core::plan::TargetNote;
use pacer_core::readiness::{Coverage, ReadinessNote, Tracked};

impl Locale {
    /// How much of the fiscal year a KPI covers: "full", "not tracked yet", or "partial: covers 7
    /// of 12 months: not a full-year picture".
    pub fn coverage(self, c: &Coverage) -> String {
        match c.share {
            None => self.t("readiness-coverage-not-started"),
            Some(_) if c.tracked_days == 0 => self.t("readiness-coverage-not-tracked"),
            Some(s) if s >= 1.0 => self.t("readiness-coverage-full"),
            Some(_) => tr!(
                self,
                "readiness-coverage-partial",
                tracked = self.count(c.months_tracked.into()),
                elapsed = self.count(c.months_elapsed.into())
            ),
        }
    }

    /// "covers 7 of 12 months: not a full-year picture" when a KPI is tracked for fewer months
    /// than have elapsed.
    pub fn partial_coverage(self, c: &Coverage) -> Option<String> {
        (c.months_tracked < c.months_elapsed).then(|| {
            tr!(
                self,
                "notes-partial",
                tracked = self.count(c.months_tracked.into()),
                elapsed = self.count(c.months_elapsed.into())
            )
        })
    }

    /// What a report column's header says of a KPI tracked for part of it: nothing when whole,
    /// else "not tracked (tracked since D)" or "covers 6 of 10 months (tracked since D)".
    pub fn tracked(self, t: &Tracked) -> Option<String> {
        match t {
            Tracked::Whole => None,
            Tracked::Not { since } => Some(tr!(self, "notes-column-not-tracked", since = self.date(*since))),
            Tracked::Part { since, coverage } => Some(tr!(
                self,
                "notes-column-part",
                tracked = self.count(coverage.months_tracked.into()),
                elapsed = self.count(coverage.months_elapsed.into()),
                since = self.date(*since)
            )),
        }
    }

    /// Why a KPI gives no full-year picture from the year's first day, in words.
    pub fn readiness_note(self, note: &ReadinessNote) -> String {
        match note {
            ReadinessNote::CannotCapture { reason: None } => self.t("notes-cannot-capture"),
            ReadinessNote::CannotCapture { reason: Some(r) } => tr!(self, "notes-cannot-capture-because", reason = r),
            ReadinessNote::ReadyLate { ready_by } => tr!(self, "notes-ready-late", day = self.date(*ready_by)),
            ReadinessNote::MidYear { since } => tr!(self, "notes-mid-year", day = self.date(*since)),
        }
    }

    /// Why a target is not a plain full quota over a whole period, in words: "ramped: 25%, 50% of
    /// a full quota in the first 2 months (hired D)", "left on D: no target after", …
    pub fn target_note(self, note: &TargetNote) -> String {
        match note {
            TargetNote::Left { on, whole_period: false } => tr!(self, "notes-left", day = self.date(*on)),
            TargetNote::Left { on, whole_period: true } => tr!(self, "notes-left-whole", day = self.date(*on)),
            TargetNote::Ramp { steps, hired } => tr!(
                self,
                "notes-ramp",
                steps = steps.iter().map(|p| self.percent(f64::from(*p) / 100.0, 0)).collect::<Vec<_>>().join(", "),
                count = steps.len(),
                months = self.count(steps.len() as i64),
                day = self.date(*hired)
            ),
            TargetNote::RampOver { percent, hired } => tr!(
                self,
                "notes-ramp-over",
                share = self.percent(f64::from(*percent) / 100.0, 0),
                day = self.date(*hired)
            ),
            TargetNote::Early { share } => tr!(self, "notes-early", share = self.percent(*share, 0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use pacer_core::readiness::coverage;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn coverage_in_words() {
        let part = coverage(day("2026-02-01"), day("2027-01-31"), day("2026-11-26"), Some(day("2026-06-01")));
        assert_eq!(Locale::ENGLISH.coverage(&part), "partial: covers 6 of 10 months: not a full-year picture");
        assert_eq!(
            Locale::FRENCH.coverage(&part),
            "partielle : couvre 6 mois sur 10 : pas une vision sur l’année entière"
        );
        assert_eq!(
            Locale::ENGLISH.partial_coverage(&part).as_deref(),
            Some("covers 6 of 10 months: not a full-year picture")
        );
        let full = coverage(day("2026-02-01"), day("2027-01-31"), day("2026-11-26"), None);
        assert_eq!((Locale::ENGLISH.coverage(&full), Locale::FRENCH.partial_coverage(&full)), ("full".into(), None));
        let never = coverage(day("2026-02-01"), day("2027-01-31"), day("2026-11-26"), Some(day("2027-02-01")));
        assert_eq!(Locale::ENGLISH.coverage(&never), "not tracked yet");
        let (since, as_of) = (Some(day("2026-06-01")), day("2026-11-26"));
        let year = Tracked::of(day("2026-02-01"), day("2027-01-31"), as_of, since);
        assert_eq!(
            Locale::ENGLISH.tracked(&year).as_deref(),
            Some("covers 6 of 10 months (tracked since Jun 1, 2026)")
        );
        let april = Tracked::of(day("2026-04-01"), day("2026-04-30"), as_of, since);
        assert_eq!(Locale::ENGLISH.tracked(&april).as_deref(), Some("not tracked (tracked since Jun 1, 2026)"));
        assert_eq!(Locale::FRENCH.tracked(&april).as_deref(), Some("non suivi (suivi depuis le 1 juin 2026)"));
        assert_eq!(Locale::ENGLISH.tracked(&Tracked::Whole), None);
    }

    #[test]
    fn readiness_notes_in_words() {
        let (en, fr) = (Locale::ENGLISH, Locale::FRENCH);
        let late = ReadinessNote::ReadyLate { ready_by: day("2027-01-20") };
        assert_eq!(en.readiness_note(&late), "ready on Jan 20, 2027, after the year starts: not a full-year picture");
        assert!(fr.readiness_note(&late).starts_with("prêt le 20 janv. 2027"), "{}", fr.readiness_note(&late));
        let mid = ReadinessNote::MidYear { since: day("2026-06-01") };
        assert_eq!(en.readiness_note(&mid), "tracked since Jun 1, 2026: added mid-year");
        let cannot = ReadinessNote::CannotCapture { reason: Some("no badge scanner".into()) };
        assert_eq!(en.readiness_note(&cannot), "cannot be captured: no badge scanner");
        assert_eq!(en.readiness_note(&ReadinessNote::CannotCapture { reason: None }), "cannot be captured");
    }

    #[test]
    fn target_notes_in_words() {
        let (en, fr) = (Locale::ENGLISH, Locale::FRENCH);
        let ramp = TargetNote::Ramp { steps: vec![25, 50], hired: day("2026-03-02") };
        assert_eq!(en.target_note(&ramp), "ramped: 25%, 50% of a full quota in the first 2 months (hired Mar 2, 2026)");
        assert_eq!(
            fr.target_note(&ramp),
            "montée en charge : 25\u{202f}%, 50\u{202f}% d’un quota plein les 2 premiers mois (embauche le 2 mars 2026)"
        );
        let one = TargetNote::Ramp { steps: vec![25], hired: day("2027-01-04") };
        assert_eq!(en.target_note(&one), "ramped: 25% of a full quota in the first month (hired Jan 4, 2027)");
        let over = TargetNote::RampOver { percent: 91, hired: day("2026-09-14") };
        assert_eq!(en.target_note(&over), "ramped: 91% of a full quota over the period (hired Sep 14, 2026)");
        let left = TargetNote::Left { on: day("2026-08-11"), whole_period: false };
        assert_eq!(en.target_note(&left), "left on Aug 11, 2026: no target after");
        let gone = TargetNote::Left { on: day("2026-08-10"), whole_period: true };
        assert_eq!(en.target_note(&gone), "left on Aug 10, 2026: no target in this period");
        assert_eq!(
            en.target_note(&TargetNote::Early { share: 5.0 / 75.0 }),
            "to date: 7% of the period's target so far"
        );
    }
}
