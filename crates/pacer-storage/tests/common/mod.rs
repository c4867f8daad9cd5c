//! Builders shared by the tests that write random records (`bulk.rs`, `rollups.rs`).

use chrono::{Days, NaiveDate};
use pacer_core::audit::Actor;
use pacer_core::org::{NewRep, RepId};
use pacer_core::records::{DealKind, DealStatus, NewDeal, SourceKind};
use pacer_storage::Store;
use rand::Rng;
use rand::rngs::StdRng;

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Reps of these names, hired in 2020 and in no team.
pub async fn reps(store: &dyn Store, names: &[&str]) -> Vec<RepId> {
    let mut ids = Vec::new();
    for name in names {
        let new = NewRep {
            name: name.to_string(),
            email: None,
            title: None,
            team_id: None,
            hire_date: d("2020-01-01"),
            leave_date: None,
            external_id: None,
        };
        ids.push(store.create_rep(&new, &Actor::named("ops")).await.unwrap().id);
    }
    ids
}

/// A deal of one of `reps` closing in March 2026 (a quarter of the open ones without a close
/// date), from `source`, keyed `d0` to `d{keys - 1}`: a later deal of the same key corrects an
/// earlier one.
pub fn deal(rng: &mut StdRng, reps: &[RepId], source: SourceKind, keys: u32) -> NewDeal {
    let day = d("2026-03-01") + Days::new(rng.random_range(0..20));
    let status = [DealStatus::Open, DealStatus::Won, DealStatus::Lost][rng.random_range(0..3)];
    let undated = status == DealStatus::Open && rng.random_range(0..4) == 0;
    NewDeal {
        rep_id: reps[rng.random_range(0..reps.len())],
        account_id: rng.random_range(1..5),
        kind: [DealKind::New, DealKind::Upsell][rng.random_range(0..2)],
        status,
        stage: "proposal".into(),
        amount_minor: rng.random_range(0..1_000_000),
        currency: None,
        created_on: day,
        close_date: (!undated).then_some(day),
        source,
        external_id: Some(format!("d{}", rng.random_range(0..keys))),
        entered_by: None,
    }
}
