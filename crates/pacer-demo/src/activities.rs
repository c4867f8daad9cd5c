//! Activities: calls, e-mails, meetings and demos, day by day for every
//! quota-carrying rep while employed.

use crate::calendar::{ACTIVITY_SEASON, Span, shift};
use crate::people::People;
use crate::revenue::Accounts;
use crate::{dist, stream};
use chrono::{Datelike, NaiveDate, NaiveTime, TimeDelta};
use pacer_core::fiscal_calendar::WorkingDays;
use pacer_core::records::{FieldValue, Fields, NewActivity, SourceKind};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::ops::Range;

/// The activity types of the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Call,
    Email,
    Meeting,
    Demo,
}

impl Kind {
    const ALL: [Self; 4] = [Self::Call, Self::Email, Self::Meeting, Self::Demo];

    /// Key in the activity catalog.
    fn key(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Email => "email",
            Self::Meeting => "meeting",
            Self::Demo => "demo",
        }
    }

    /// Mean count per working day of a fully ramped rep of average
    /// productivity: about 8 in all.
    fn per_day(self) -> f64 {
        match self {
            Self::Call => 3.5,
            Self::Email => 3.0,
            Self::Meeting => 1.0,
            Self::Demo => 0.5,
        }
    }
}

/// Chance that a rep logs one call or e-mail on a weekend day or holiday.
const OFF_DAY_CHANCE: f64 = 0.03;
/// Days before today during which some reps stopped logging their calls, so
/// that the manual "calls made" KPI shows imperfect completeness.
const LAPSE_DAYS: i64 = 14;

/// Whether quota-carrying rep number `seller` is one of the few (about one
/// in nine) who stopped logging calls lately.
fn lapsed(seller: usize) -> bool {
    seller % 9 == 4
}

/// The outcome the telephony integration reports for a call, from the
/// call's own time (no extra random draw, so nothing else changes).
fn call_outcome(seconds: i64, rep_id: i64) -> &'static str {
    match (seconds + rep_id * 7) % 20 {
        0..8 => "connected",
        8..15 => "voicemail",
        _ => "no_answer",
    }
}

/// First stream of the per-rep activity streams (one stream per rep keeps a
/// rep's activities independent of everyone else's).
const FIRST_STREAM: u64 = 100;

/// Generates the activities, sorted by time; e-mails (which come from the
/// mail integration) are numbered "email-1", "email-2"... in that order.
pub(crate) fn generate(
    seed: u64,
    span: &Span,
    working_days: &WorkingDays,
    people: &People,
    accounts: &Accounts,
    outcome_since: NaiveDate,
) -> Vec<NewActivity> {
    // Each day's status and activity index, computed once for all reps.
    let days: Vec<(NaiveDate, bool, f64)> = (0..=span.day_index(span.today))
        .map(|i| {
            let date = shift(span.start, i as i64);
            (date, working_days.is_working_day(date), ACTIVITY_SEASON[date.month0() as usize])
        })
        .collect();
    let mut out = Vec::with_capacity(days.len() * people.sellers.len() * 6);
    for (s, seller) in people.sellers.iter().enumerate() {
        let Some((first, last)) = seller.employed_within(span.start, span.today) else { continue };
        let mut rng = stream(seed, FIRST_STREAM + s as u64);
        let book = &accounts.books[s];
        let lapse_from = shift(span.today, -LAPSE_DAYS);
        for &(date, working, season) in &days[span.day_index(first)..=span.day_index(last)] {
            if working {
                let scale = seller.productivity * seller.ramp(date) * season;
                for kind in Kind::ALL {
                    for _ in 0..dist::poisson(&mut rng, kind.per_day() * scale) {
                        let a = activity(&mut rng, seller.rep_id, kind, date, book, outcome_since);
                        // Generated either way, so the random stream stays the same.
                        if !(kind == Kind::Call && lapsed(s) && date > lapse_from) {
                            out.push(a);
                        }
                    }
                }
            } else if rng.random_bool(OFF_DAY_CHANCE) {
                let kind = if rng.random_bool(0.7) { Kind::Email } else { Kind::Call };
                out.push(activity(&mut rng, seller.rep_id, kind, date, book, outcome_since));
            }
        }
    }
    // Stable: ties keep the generation order, so the result is deterministic.
    out.sort_by_key(|activity| activity.occurred_at);
    let mut emails = 0;
    for activity in &mut out {
        if activity.source == SourceKind::Integration {
            emails += 1;
            activity.external_id = Some(format!("email-{emails}"));
        }
    }
    out
}

/// One activity of `kind` on `date`, in working hours, on an account of the rep's book.
fn activity(
    rng: &mut ChaCha8Rng,
    rep_id: i64,
    kind: Kind,
    date: NaiveDate,
    book: &Range<usize>,
    outcome_since: NaiveDate,
) -> NewActivity {
    const HOUR: i64 = 3600;
    // Calls and e-mails any time from 8:00 to 18:00; meetings and demos
    // booked on the half hour from 9:00 to 16:30.
    let anytime = |rng: &mut ChaCha8Rng| 8 * HOUR + rng.random_range(0..10 * HOUR);
    let slot = |rng: &mut ChaCha8Rng| 9 * HOUR + HOUR / 2 * rng.random_range(0..16);
    let (seconds, duration_s, source) = match kind {
        Kind::Call => {
            let at = anytime(rng);
            // Most calls are short; a few long discovery calls.
            let duration = dist::log_normal(rng, 240.0, 0.7).clamp(20.0, 3600.0).round() as i64;
            (at, Some(duration), SourceKind::Manual)
        }
        // The mail integration does not report a duration.
        Kind::Email => (anytime(rng), None, SourceKind::Integration),
        Kind::Meeting => {
            let at = slot(rng);
            (at, Some([1800, 2700, 3600][dist::weighted(rng, &[0.5, 0.2, 0.3])]), SourceKind::Manual)
        }
        Kind::Demo => {
            let at = slot(rng);
            (at, Some([2700, 3600, 5400][dist::weighted(rng, &[0.3, 0.5, 0.2])]), SourceKind::Manual)
        }
    };
    let mut fields = Fields::new();
    // The telephony integration reports outcomes only since it was connected.
    if kind == Kind::Call && date >= outcome_since {
        fields.insert("outcome".into(), FieldValue::Text(call_outcome(seconds, rep_id).into()));
    }
    NewActivity {
        rep_id,
        activity_type: kind.key().to_string(),
        occurred_at: date.and_time(NaiveTime::MIN) + TimeDelta::seconds(seconds),
        duration_s,
        // Account ids are their index plus one.
        account_id: Some(rng.random_range(book.clone()) as i64 + 1),
        source,
        external_id: None,
        fields,
        entered_by: None,
    }
}
