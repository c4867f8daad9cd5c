//! Teams and people: two regions of leaf teams, their managers, and the
//! quota-carrying reps with their hire, leave and move dates.

use crate::calendar::{Span, monday_of, shift};
use crate::names::{FIRST_NAMES, LAST_NAMES};
use crate::{DemoRep, DemoTeam, dist};
use chrono::{Months, NaiveDate};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Name, region and parent (by id) of each team, parents first; the team's
/// id is its position plus one.
const TEAM_LAYOUT: [(&str, &str, Option<i64>); 7] = [
    ("Americas", "Americas", None),
    ("NA Enterprise", "Americas", Some(1)),
    ("NA Mid-Market", "Americas", Some(1)),
    ("LATAM", "Americas", Some(1)),
    ("EMEA", "EMEA", None),
    ("EMEA North", "EMEA", Some(5)),
    ("EMEA South", "EMEA", Some(5)),
];

/// Ids of the teams that hold quota-carrying reps.
const LEAF_TEAMS: [i64; 5] = [2, 3, 4, 6, 7];
/// The team that mostly sells to enterprises (its accounts lean that way).
pub(crate) const ENTERPRISE_TEAM: i64 = 2;
/// The team of mid-sized accounts.
pub(crate) const MID_MARKET_TEAM: i64 = 3;
/// Reps hired during the last year, and during the older history.
const RECENT_HIRES: usize = 5;
const HISTORY_HIRES: usize = 3;

/// A quota-carrying rep, with what the generator needs to know about them.
#[derive(Debug, Clone)]
pub(crate) struct Seller {
    /// Rep id.
    pub rep_id: i64,
    /// First working day.
    pub hire: NaiveDate,
    /// Day after the last working day.
    pub leave: Option<NaiveDate>,
    /// Memberships, as in [`DemoRep::teams`].
    pub teams: Vec<(i64, NaiveDate)>,
    /// Activity multiplier, 0.6 to 1.4.
    pub productivity: f64,
}

impl Seller {
    /// The days of `from..=to` on which the rep is employed, as a first and
    /// last day, if any.
    pub fn employed_within(&self, from: NaiveDate, to: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let first = from.max(self.hire);
        let last = match self.leave {
            Some(leave) => to.min(leave.pred_opt()?),
            None => to,
        };
        (first <= last).then_some((first, last))
    }

    /// The team the rep is in on `date` (the first one before the hire date).
    pub fn team_on(&self, date: NaiveDate) -> i64 {
        self.teams.iter().rev().find(|(_, from)| *from <= date).unwrap_or(&self.teams[0]).0
    }

    /// The team the rep started in.
    pub fn first_team(&self) -> i64 {
        self.teams[0].0
    }

    /// New hires ramp up from 30% to full speed over their first 90 days.
    pub fn ramp(&self, date: NaiveDate) -> f64 {
        let days = (date - self.hire).num_days();
        if days >= 90 { 1.0 } else { 0.3 + 0.7 * days.max(0) as f64 / 90.0 }
    }
}

/// Teams and people of the demo.
#[derive(Debug, Clone)]
pub(crate) struct People {
    /// Teams, ids 1..=7.
    pub teams: Vec<DemoTeam>,
    /// Managers (ids 1..=7, the manager of team k being rep k) then quota-carrying reps.
    pub reps: Vec<DemoRep>,
    /// The quota-carrying reps, in rep id order.
    pub sellers: Vec<Seller>,
}

/// When a quota-carrying rep joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tenure {
    /// Years before the history starts.
    Veteran,
    /// During the history, more than a year ago.
    History,
    /// During the last twelve months.
    Recent,
}

/// Generates the teams and the people.
pub(crate) fn generate(rng: &mut ChaCha8Rng, span: &Span) -> People {
    // Shuffled lists zipped together: every name, and so every e-mail, is unique.
    let mut firsts = FIRST_NAMES;
    let mut lasts = LAST_NAMES;
    firsts.shuffle(rng);
    lasts.shuffle(rng);
    let person = |index: usize| {
        let (first, last) = (firsts[index], lasts[index]);
        (
            format!("{first} {last}"),
            format!("{}.{}@northwind.example", first.to_ascii_lowercase(), last.to_ascii_lowercase()),
        )
    };
    let mut reps = Vec::new();
    let mut push_rep = |title: &str, hire: NaiveDate, leave: Option<NaiveDate>, teams: Vec<(i64, NaiveDate)>| {
        let id = reps.len() as i64 + 1;
        let (name, email) = person(reps.len());
        reps.push(DemoRep {
            id,
            name,
            email,
            title: title.to_string(),
            hire_date: hire,
            leave_date: leave,
            external_id: format!("SF-REP-{id:04}"),
            teams,
        });
        id
    };

    let mut teams = Vec::new();
    for (index, (name, region, parent_id)) in TEAM_LAYOUT.into_iter().enumerate() {
        let id = index as i64 + 1;
        let title = if parent_id.is_none() { "Sales Director" } else { "Sales Manager" };
        let hire = monday_of(shift(span.start, -rng.random_range(400..=3650)));
        let manager_id = push_rep(title, hire, None, vec![(id, hire)]);
        teams.push(DemoTeam {
            id,
            name: name.to_string(),
            region: Some(region.to_string()),
            parent_id,
            manager_id: Some(manager_id),
        });
    }

    // 7 to 9 reps per leaf team, about 40 in all (drawn again until the
    // total is 39 to 41, which takes a few draws at most).
    let sizes = loop {
        let sizes = LEAF_TEAMS.map(|_| rng.random_range(7..=9_usize));
        if (39..=41).contains(&sizes.iter().sum::<usize>()) {
            break sizes;
        }
    };
    let mut first_teams = Vec::new();
    for (team, size) in LEAF_TEAMS.into_iter().zip(sizes) {
        first_teams.extend(std::iter::repeat_n(team, size));
    }
    let mut order: Vec<usize> = (0..first_teams.len()).collect();
    order.shuffle(rng);
    let mut tenure = vec![Tenure::Veteran; first_teams.len()];
    for &k in &order[..RECENT_HIRES] {
        tenure[k] = Tenure::Recent;
    }
    for &k in &order[RECENT_HIRES..RECENT_HIRES + HISTORY_HIRES] {
        tenure[k] = Tenure::History;
    }
    // The mover and the leaver were there from the start, so they have a
    // history on both sides of the event; the mover is preferably promoted
    // from mid-market to enterprise.
    let veterans: Vec<usize> = order[RECENT_HIRES + HISTORY_HIRES..].to_vec();
    let mover = veterans.iter().copied().find(|&k| first_teams[k] == MID_MARKET_TEAM).unwrap_or(veterans[0]);
    let leaver = veterans.iter().copied().find(|&k| k != mover).expect("more than one veteran");
    let mover_to = if first_teams[mover] == ENTERPRISE_TEAM { MID_MARKET_TEAM } else { ENTERPRISE_TEAM };
    let move_date = move_date(rng, span);

    let mut sellers = Vec::new();
    for (k, &team) in first_teams.iter().enumerate() {
        let hire = match tenure[k] {
            Tenure::Veteran => monday_of(shift(span.start, -rng.random_range(60..=2500))),
            Tenure::History => {
                let latest = (shift(span.today, -400) - span.start).num_days().max(91);
                monday_of(shift(span.start, rng.random_range(90..=latest)))
            }
            // At most 356 days ago, at least two weeks ago.
            Tenure::Recent => monday_of(shift(span.today, -rng.random_range(14..=350))),
        };
        let title = match tenure[k] {
            _ if k == mover => "Senior Account Executive",
            Tenure::Veteran => {
                ["Senior Account Executive", "Account Executive", "SDR"][dist::weighted(rng, &[0.35, 0.4, 0.25])]
            }
            Tenure::History | Tenure::Recent => {
                if rng.random_bool(0.6) {
                    "Account Executive"
                } else {
                    "SDR"
                }
            }
        };
        let leave = (k == leaver).then(|| shift(span.today, -rng.random_range(30..=240)));
        let mut memberships = vec![(team, hire)];
        if k == mover {
            memberships.push((mover_to, move_date));
        }
        let productivity = dist::uniform(rng, 0.6, 1.4);
        let rep_id = push_rep(title, hire, leave, memberships.clone());
        sellers.push(Seller { rep_id, hire, leave, teams: memberships, productivity });
    }
    People { teams, reps, sellers }
}

/// The first day of a month in the middle of the current fiscal year (at
/// least two months in, at least a month before today), or failing that of
/// one of the last eight months.
fn move_date(rng: &mut ChaCha8Rng, span: &Span) -> NaiveDate {
    let latest = shift(span.today, -30);
    let candidates =
        |from: NaiveDate| span.months.iter().copied().filter(move |month| *month >= from && *month <= latest);
    let in_year: Vec<NaiveDate> = candidates(span.current_year_start() + Months::new(2)).collect();
    let months = if in_year.is_empty() { candidates(shift(span.today, -240)).collect() } else { in_year };
    months[rng.random_range(0..months.len())]
}
