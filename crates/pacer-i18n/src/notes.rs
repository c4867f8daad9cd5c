//! The explanations the core gives as values (a KPI's coverage of the year, why it is not ready,
//! why a target is small), written for people in the locale's words and formats
//! (`locales/*/notes.ftl`).

use crate::{Arg, Locale, tr};
use pacer_core::catalog::CaptureMethod;
use pacer_core::forecast::ForecastError;
use pacer_core::growth::{GrowthTarget, NoNewBusiness};
use pacer_core::plan::TargetNote;
use pacer_core::readiness::{Coverage, ReadinessNote, ReadinessRow, Tracked};
use pacer_core::records::SourceKind;
use pacer_core::seasonality::{
    FULL_MONTHS, Fallback, MAX_HISTORY_YEARS, MIN_MONTHS, SeasonalWarning, SeasonalityError,
};

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

    /// What makes seasonal indices less reliable, in words ("2 of 24 months are zero").
    pub fn seasonal_warning(self, w: &SeasonalWarning) -> String {
        let n = |x: usize| self.count(x as i64);
        match w {
            SeasonalWarning::ShortHistory { months } => {
                tr!(self, "seasonality-short-history", months = n(*months), full = n(FULL_MONTHS))
            }
            SeasonalWarning::MissingMonths { missing, months } => {
                tr!(self, "seasonality-missing-months", missing = n(*missing), months = n(*months), count = *missing)
            }
            SeasonalWarning::ZeroMonths { zeros, months } => {
                tr!(self, "seasonality-zero-months", zeros = n(*zeros), months = n(*months), count = *zeros)
            }
            SeasonalWarning::ZeroAverages { count } => {
                tr!(self, "seasonality-zero-averages", shown = n(*count), count = *count)
            }
            SeasonalWarning::YearLeftOut { year, zero_total: false } => {
                tr!(self, "seasonality-year-missing", year = n(*year))
            }
            SeasonalWarning::YearLeftOut { year, zero_total: true } => {
                tr!(self, "seasonality-year-zero", year = n(*year))
            }
            SeasonalWarning::OneFullYear => self.t("seasonality-one-full-year"),
            SeasonalWarning::ShareOfYearUsed { reason } => {
                let reason = match reason {
                    Fallback::ShortHistory => {
                        tr!(self, "seasonality-fallback-short", full = n(FULL_MONTHS), min = n(MIN_MONTHS))
                    }
                    Fallback::NoRatio { month } => tr!(self, "seasonality-fallback-no-ratio", month = n(*month)),
                    Fallback::ZeroRatios => self.t("seasonality-fallback-zero-ratios"),
                };
                tr!(self, "seasonality-share-of-year", reason = reason)
            }
            SeasonalWarning::Shrunk { month, evidence, years, index, found } => tr!(
                self,
                "seasonality-shrunk",
                month = n(*month),
                evidence = n(*evidence),
                years = n(*years),
                index = self.decimal(*index, 2),
                found = self.decimal(*found, 2)
            ),
            SeasonalWarning::LowIndex { month, index } => {
                tr!(self, "seasonality-low-index", month = n(*month), index = self.decimal(*index, 2))
            }
        }
    }

    /// Why seasonal indices could not be computed, in words.
    pub fn seasonality_error(self, e: &SeasonalityError) -> String {
        match e {
            SeasonalityError::NotEnoughHistory { months } => {
                self.t_with("seasonality-not-enough", &self.counts(&[("min", MIN_MONTHS), ("months", *months)]))
            }
            SeasonalityError::InvalidValue { position, value } => {
                self.t_with("seasonality-invalid-value", &self.position_value(*position, *value))
            }
            SeasonalityError::NoFullYear => self.t("seasonality-no-full-year"),
            SeasonalityError::HistoryYears(years) => self.t_with(
                "seasonality-history-years",
                &self.counts(&[("max", MAX_HISTORY_YEARS as usize), ("years", *years as usize)]),
            ),
        }
    }

    /// Why the statistical forecast could not be made, in words ("a forecast needs at least 24
    /// months of history …").
    pub fn forecast_error(self, e: &ForecastError) -> String {
        match e {
            ForecastError::NoHorizon => self.t("seasonality-forecast-no-horizon"),
            ForecastError::InvalidPeriod { period } => {
                self.t_with("seasonality-forecast-period", &self.counts(&[("period", *period)]))
            }
            ForecastError::NotEnoughHistory { months, needed } => {
                self.t_with("seasonality-forecast-history", &self.counts(&[("needed", *needed), ("months", *months)]))
            }
            ForecastError::InvalidValue { position, value } => {
                self.t_with("seasonality-forecast-value", &self.position_value(*position, *value))
            }
            ForecastError::Model(why) => tr!(self, "seasonality-forecast-model", why = why),
        }
    }

    /// The growth calculator's arithmetic in words, amounts as counts: `500 × (20% + 7% − 0%) =
    /// 135: 100 for growth + 35 to replace the 35 expected to leave`.
    pub fn growth_explanation(self, g: &GrowthTarget) -> String {
        let n = |x: i64| self.count(x);
        let rates = format!(
            "{} × ({} + {} − {})",
            n(g.base),
            self.exact_percent(g.net_growth),
            self.exact_percent(g.churn_rate),
            self.exact_percent(g.expansion_rate)
        );
        let (growth, churn, expansion) = (n(g.growth_part), n(g.churn_replacement), n(g.expansion_offset));
        match g.reason {
            Some(reason) => {
                let decrease = n(-g.growth_part);
                // Each reason's message names the amounts it needs of these.
                let id = match reason {
                    NoNewBusiness::ExpansionOutweighs => "notes-growth-expansion-outweighs",
                    NoNewBusiness::DecreaseAndExpansionOutweigh => "notes-growth-decrease-and-expansion",
                    NoNewBusiness::DecreaseOutweighsChurn => "notes-growth-decrease",
                };
                let reason = tr!(self, id, decrease = decrease, expansion = expansion, growth = growth, churn = churn);
                tr!(self, "notes-growth-none", rates = rates, computed = n(g.computed), reason = reason)
            }
            None => {
                let text =
                    tr!(self, "notes-growth", rates = rates, needed = n(g.gross_new), growth = growth, churn = churn);
                if g.expansion_offset == 0 {
                    text
                } else {
                    tr!(self, "notes-growth-with-expansion", text = text, expansion = expansion)
                }
            }
        }
    }

    /// How a KPI of the readiness report is captured, in words: "automatic from HubSpot",
    /// "manual: …", "planned: 20 days of setup (…)", "unavailable".
    pub fn capture(self, r: &ReadinessRow) -> String {
        let (source, process) = (r.source.as_deref().unwrap_or("?"), r.process.as_deref());
        match r.method {
            CaptureMethod::Automatic => tr!(self, "readiness-capture-automatic", source = source),
            CaptureMethod::Manual => tr!(self, "readiness-capture-manual", process = process.unwrap_or("?")),
            CaptureMethod::Planned => {
                let days = r.setup_days.unwrap_or(0);
                let planned = tr!(self, "readiness-capture-planned", count = days, days = self.count(days.into()));
                match process {
                    Some(p) => format!("{planned} ({p})"),
                    None => planned,
                }
            }
            CaptureMethod::Unavailable => self.t("catalog-method-unavailable"),
        }
    }

    /// Where a record came from, in words: "entered by hand", "integration", …
    pub fn source(self, source: SourceKind) -> String {
        match source {
            SourceKind::Manual => self.t("notes-source-manual"),
            SourceKind::Import => self.t("notes-source-import"),
            SourceKind::Integration => self.t("notes-source-integration"),
            SourceKind::Demo => self.t("notes-source-demo"),
        }
    }

    /// Arguments that are counts, each written in the locale's digits.
    fn counts<'n>(self, counts: &[(&'n str, usize)]) -> Vec<(&'n str, Arg)> {
        counts.iter().map(|&(name, n)| (name, Arg::Text(self.count(n as i64)))).collect()
    }

    /// The arguments of a bad value in a series: its 1-based position and the value.
    fn position_value(self, position: usize, value: f64) -> Vec<(&'static str, Arg)> {
        vec![("position", Arg::Text(self.count(position as i64))), ("value", Arg::Text(value.to_string()))]
    }

    /// A rate held to a billionth as a percentage with the decimals it needs: 0.07 → 7%, 0.125 → 12.5%.
    fn exact_percent(self, rate: f64) -> String {
        let places = (0..7u8)
            .find(|&p| {
                let x = rate * 100.0 * 10f64.powi(p.into());
                (x - x.round()).abs() < 1e-6
            })
            .unwrap_or(7);
        self.percent(rate, places)
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

    #[test]
    fn seasonality_in_words() {
        let (en, fr) = (Locale::ENGLISH, Locale::FRENCH);
        let shrunk = SeasonalWarning::Shrunk { month: 10, evidence: 2, years: 2, index: 1.72, found: 2.11 };
        assert_eq!(
            en.seasonal_warning(&shrunk),
            "fiscal month 10: a value in 2 of 2 years, so its index is 1.72 rather than 2.11 (shrunk toward an \
             average month by the evidence behind it)"
        );
        assert!(fr.seasonal_warning(&shrunk).contains("1,72 au lieu de 2,11"), "{}", fr.seasonal_warning(&shrunk));
        let zeros = SeasonalWarning::ZeroMonths { zeros: 2, months: 24 };
        assert_eq!(en.seasonal_warning(&zeros), "2 of 24 months are zero");
        assert_eq!(fr.seasonal_warning(&zeros), "2 mois sur 24 sont à zéro");
        let one = SeasonalWarning::MissingMonths { missing: 1, months: 30 };
        assert_eq!(fr.seasonal_warning(&one), "1 mois sur 30 n’a pas de valeur et a été écarté");
        let fallback = SeasonalWarning::ShareOfYearUsed { reason: Fallback::ShortHistory };
        assert_eq!(
            en.seasonal_warning(&fallback),
            "share of year used: decomposition needs 36 months, or 24 with every month present"
        );
        let err = SeasonalityError::NotEnoughHistory { months: 23 };
        assert_eq!(en.seasonality_error(&err), err.to_string());
        let short = ForecastError::NotEnoughHistory { months: 7, needed: 24 };
        assert_eq!(en.forecast_error(&short), short.to_string());
        assert_eq!(
            fr.forecast_error(&short),
            "une prévision demande au moins 24 mois d’historique (deux saisons complètes) ; il y en a 7"
        );
    }

    #[test]
    fn growth_in_words() {
        let (en, fr) = (Locale::ENGLISH, Locale::FRENCH);
        let g = pacer_core::growth::gross_new_needed(500, 0.07, 0.0, 0.20).unwrap();
        assert_eq!(
            en.growth_explanation(&g),
            "500 × (20% + 7% − 0%) = 135: 100 for growth + 35 to replace the 35 expected to leave"
        );
        let g = pacer_core::growth::gross_new_needed(1_000_000, 0.10, 0.04, 0.125).unwrap();
        assert_eq!(
            en.growth_explanation(&g),
            "1,000,000 × (12.5% + 10% − 4%) = 185,000: 125,000 for growth + 100,000 to replace the 100,000 \
             expected to leave − 40,000 expected from expansion"
        );
        let g = pacer_core::growth::gross_new_needed(1000, 0.05, 0.20, 0.10).unwrap();
        assert_eq!(
            en.growth_explanation(&g),
            "1,000 × (10% + 5% − 20%) = -50, so no new business is needed: the 200 expected from expansion \
             outweighs the 100 for growth and the 50 expected to leave"
        );
        let shrink = pacer_core::growth::gross_new_needed(500, 0.07, 0.0, -0.10).unwrap();
        assert!(
            en.growth_explanation(&shrink)
                .ends_with("the planned decrease of 50 is more than the 35 expected to leave")
        );
        assert!(
            fr.growth_explanation(&shrink).contains("la baisse prévue de 50"),
            "{}",
            fr.growth_explanation(&shrink)
        );
    }

    #[test]
    fn capture_in_words() {
        let row = |method, source: Option<&str>, process: Option<&str>, setup_days| ReadinessRow {
            priority: 1,
            key: "demos".into(),
            name: "Product demos".into(),
            owner: "Sales".into(),
            day_one: pacer_core::readiness::DayOne::Yes,
            method,
            source: source.map(String::from),
            process: process.map(String::from),
            last_data: None,
            arriving: false,
            completeness: None,
            coverage: coverage(day("2026-02-01"), day("2027-01-31"), day("2026-11-26"), None),
            setup_days,
            ready_by: None,
            alternatives: Vec::new(),
            note: None,
        };
        let (en, fr) = (Locale::ENGLISH, Locale::FRENCH);
        let auto = row(CaptureMethod::Automatic, Some("HubSpot"), None, None);
        assert_eq!(
            (en.capture(&auto), fr.capture(&auto)),
            ("automatic from HubSpot".into(), "automatique depuis HubSpot".into())
        );
        let manual = row(CaptureMethod::Manual, None, Some("quick log"), None);
        assert_eq!(en.capture(&manual), "manual: quick log");
        let planned = row(CaptureMethod::Planned, None, Some("badge scans"), Some(20));
        assert_eq!(en.capture(&planned), "planned: 20 days of setup (badge scans)");
        assert_eq!(en.capture(&row(CaptureMethod::Unavailable, None, None, None)), "unavailable");
    }
}
