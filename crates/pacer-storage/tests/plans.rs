//! Annual plans on SQLite and PostgreSQL: versions and copies, the life cycle
//! (only a draft is edited, one approved plan per fiscal year, archived is
//! final), targets replaced per KPI all or nothing, and the audit of every change.

use chrono::NaiveDate;
use pacer_core::attainment::Tolerance;
use pacer_core::audit::{Actor, AuditEntry, AuditFilter};
use pacer_core::org::{NewRep, NewTeam};
use pacer_core::plan::{
    NewPlan, Phasing, Plan, PlanError, PlanSettings, PlanStatus, Ramp, Target, TargetOwner, TargetTier,
};
use pacer_storage::testing::TestDb;
use pacer_storage::{AccessStore, DataKind, OrgStore, PlanStore, StoreError, VersionStore};
use std::collections::BTreeMap;

fn planner() -> Actor {
    Actor::named("planner")
}

fn new_plan(fiscal_year: i32, name: &str) -> NewPlan {
    NewPlan { fiscal_year, name: name.into(), settings: PlanSettings::default(), copied_from: None }
}

fn target(kpi: &str, owner: TargetOwner, month: u8, tier: TargetTier, amount: i64) -> Target {
    Target { kpi: kpi.into(), owner, month, tier, amount }
}

async fn create(store: &dyn PlanStore, fiscal_year: i32, name: &str) -> Plan {
    store.create_plan(&new_plan(fiscal_year, name), &planner()).await.unwrap()
}

/// A team with two reps, for targets that name them.
async fn team_and_reps(store: &dyn OrgStore) -> (i64, i64, i64) {
    let team = store.create_team(&NewTeam { name: "East".into(), ..NewTeam::default() }, &planner()).await.unwrap();
    let mut reps = Vec::new();
    for name in ["Ann", "Bob"] {
        let rep = NewRep {
            name: name.into(),
            email: None,
            title: None,
            team_id: Some(team.id),
            hire_date: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            leave_date: None,
            external_id: None,
        };
        reps.push(store.create_rep(&rep, &planner()).await.unwrap().id);
    }
    (team.id, reps[0], reps[1])
}

async fn plan_log(store: &dyn AccessStore, plan: i64) -> Vec<AuditEntry> {
    let filter =
        AuditFilter { entity: Some("plan".into()), entity_id: Some(plan.to_string()), ..AuditFilter::default() };
    store.audit_log(&filter).await.unwrap()
}

fn plan_error<T: std::fmt::Debug>(result: Result<T, StoreError>) -> PlanError {
    match result {
        Err(StoreError::Plan(e)) => e,
        other => panic!("expected a plan error, got {other:?}"),
    }
}

#[tokio::test]
async fn plans_are_versioned_by_fiscal_year_and_name() {
    for db in TestDb::all().await {
        let store = &db.store;
        let settings = PlanSettings {
            tolerance: Tolerance::new(0.05).unwrap(),
            kpi_tolerances: BTreeMap::from([("demos".to_string(), Tolerance::new(0.1).unwrap())]),
            phasing: Phasing::Custom(vec![1.0, 1.0, 1.5, 1.0, 1.0, 1.5, 1.0, 0.5, 1.0, 1.0, 1.5, 2.0]),
            ramp: Ramp::new(vec![30, 60]).unwrap(),
            note: Some("hiring in Q2".into()),
        };
        let base =
            store.create_plan(&NewPlan { settings: settings.clone(), ..new_plan(2026, " Base ") }, &planner()).await;
        let base = base.unwrap();
        assert_eq!((base.name.as_str(), base.version, base.status), ("Base", 1, PlanStatus::Draft), "{}", db.backend());
        assert_eq!((base.created_by.as_str(), base.approved_by.as_deref()), ("planner", None));
        assert!(base.created_at.starts_with("20") && base.created_at.ends_with('Z'), "{}", base.created_at);
        assert_eq!(store.plan(base.id).await.unwrap(), base, "settings survive the round trip");
        assert_eq!(base.settings.tolerance_for("demos"), Tolerance::new(0.1).unwrap());

        assert_eq!(create(store, 2026, "Base").await.version, 2, "same year and name: the next version");
        assert_eq!(create(store, 2026, "Stretch").await.version, 1);
        assert_eq!(create(store, 2027, "Base").await.version, 1);

        let copy = store.copy_plan(base.id, None, &planner()).await.unwrap();
        assert_eq!((copy.name.as_str(), copy.version, copy.status), ("Base", 3, PlanStatus::Draft));
        assert_eq!((copy.copied_from, &copy.settings), (Some(base.id), &settings));
        let scenario = store.copy_plan(base.id, Some("Cautious"), &planner()).await.unwrap();
        assert_eq!((scenario.name.as_str(), scenario.version, scenario.copied_from), ("Cautious", 1, Some(base.id)));

        let listed =
            |plans: Vec<Plan>| plans.into_iter().map(|p| (p.fiscal_year, p.name, p.version)).collect::<Vec<_>>();
        let year: Vec<_> = [("Base", 1), ("Base", 2), ("Base", 3), ("Cautious", 1), ("Stretch", 1)]
            .map(|(name, version)| (2026, name.to_string(), version))
            .into();
        assert_eq!(listed(store.plans(Some(2026)).await.unwrap()), year);
        let all = listed(store.plans(None).await.unwrap());
        assert_eq!((all.len(), all.last().unwrap()), (6, &(2027, "Base".to_string(), 1)));
        assert!(store.plans(Some(2030)).await.unwrap().is_empty());

        let linked = NewPlan { copied_from: Some(base.id), ..new_plan(2026, "Linked") };
        assert_eq!(store.create_plan(&linked, &planner()).await.unwrap().copied_from, Some(base.id));
        assert!(matches!(store.plan(999).await, Err(StoreError::NotFound { what: "plan", .. })));
        assert!(matches!(store.copy_plan(999, None, &planner()).await, Err(StoreError::NotFound { .. })));
        let orphan = NewPlan { copied_from: Some(999), ..new_plan(2026, "Orphan") };
        assert!(matches!(store.create_plan(&orphan, &planner()).await, Err(StoreError::NotFound { .. })));
        assert_eq!(plan_error(store.create_plan(&new_plan(2026, " "), &planner()).await), PlanError::UnnamedPlan);
        assert_eq!(plan_error(store.copy_plan(base.id, Some(""), &planner()).await), PlanError::UnnamedPlan);
        let bad = NewPlan {
            settings: PlanSettings { phasing: Phasing::Custom(vec![1.0; 11]), ..PlanSettings::default() },
            ..new_plan(2026, "Bad")
        };
        assert_eq!(plan_error(store.create_plan(&bad, &planner()).await), PlanError::MonthCount(11));
        assert_eq!(store.plans(Some(2026)).await.unwrap().len(), 6, "refused plans were not written");
    }
}

#[tokio::test]
async fn only_a_draft_is_edited() {
    for db in TestDb::all().await {
        let store = &db.store;
        let (_, ann, _) = team_and_reps(store).await;
        let plan = create(store, 2026, "Base").await;
        let quota = target("revenue", TargetOwner::Rep(ann), 1, TargetTier::Target, 1_000);
        let version = store.data_version(DataKind::Plans).await.unwrap();
        store.put_targets(plan.id, "revenue", std::slice::from_ref(&quota), &planner()).await.unwrap();
        assert!(store.data_version(DataKind::Plans).await.unwrap() > version, "targets move the plans' version");
        let settings = PlanSettings { tolerance: Tolerance::new(0.07).unwrap(), ..PlanSettings::default() };
        let edited = store.update_plan_settings(plan.id, &settings, &planner()).await.unwrap();
        assert_eq!(edited.settings, settings);
        assert_eq!(store.plan(plan.id).await.unwrap().settings, settings);
        let invalid = PlanSettings { phasing: Phasing::Seasonal(vec![]), ..PlanSettings::default() };
        assert_eq!(plan_error(store.update_plan_settings(plan.id, &invalid, &planner()).await), PlanError::NoWeights);

        for status in [PlanStatus::Approved, PlanStatus::Revised, PlanStatus::Archived] {
            store.set_plan_status(plan.id, status, &planner()).await.unwrap();
            let refused = PlanError::NotEditable(status);
            assert_eq!(
                plan_error(store.update_plan_settings(plan.id, &PlanSettings::default(), &planner()).await),
                refused
            );
            let more = target("revenue", TargetOwner::Rep(ann), 2, TargetTier::Target, 5);
            assert_eq!(plan_error(store.put_targets(plan.id, "revenue", &[], &planner()).await), refused);
            assert_eq!(plan_error(store.set_target(plan.id, &more, &planner()).await), refused, "{}", db.backend());
            assert_eq!(store.plan(plan.id).await.unwrap().settings, settings);
            assert_eq!(store.targets(plan.id, None).await.unwrap(), std::slice::from_ref(&quota), "nothing changed");
        }
        let version = store.data_version(DataKind::Plans).await.unwrap();
        assert!(store.put_targets(plan.id, "revenue", &[], &planner()).await.is_err());
        assert_eq!(store.data_version(DataKind::Plans).await.unwrap(), version, "a refused write moves nothing");
        let missing = store.put_targets(999, "revenue", &[], &planner()).await;
        assert!(matches!(missing, Err(StoreError::NotFound { what: "plan", .. })), "{missing:?}");
        assert!(matches!(store.targets(999, None).await, Err(StoreError::NotFound { .. })));
    }
}

#[tokio::test]
async fn approving_revises_the_fiscal_years_approved_plan() {
    for db in TestDb::all().await {
        let store = &db.store;
        let a = create(store, 2026, "Base").await;
        let b = create(store, 2026, "Stretch").await;
        let next_year = create(store, 2027, "Base").await;
        assert_eq!(store.approved_plan(2026).await.unwrap(), None);

        let ceo = Actor::named("ceo").because(Some("board meeting".into()));
        let approved = store.set_plan_status(a.id, PlanStatus::Approved, &ceo).await.unwrap();
        assert_eq!((approved.status, approved.approved_by.as_deref()), (PlanStatus::Approved, Some("ceo")));
        assert!(approved.approved_at.is_some());
        assert_eq!(store.approved_plan(2026).await.unwrap(), Some(approved.clone()));
        store.set_plan_status(next_year.id, PlanStatus::Approved, &ceo).await.unwrap();
        assert_eq!(store.approved_plan(2026).await.unwrap().map(|p| p.id), Some(a.id), "another year is apart");

        let cfo = Actor::named("cfo").because(Some("Q2 rebalancing".into()));
        let b = store.set_plan_status(b.id, PlanStatus::Approved, &cfo).await.unwrap();
        assert_eq!(b.approved_by.as_deref(), Some("cfo"));
        let a = store.plan(a.id).await.unwrap();
        assert_eq!(a.status, PlanStatus::Revised, "{}", db.backend());
        assert_eq!(a.approved_by.as_deref(), Some("ceo"), "who approved it stays");
        let approved: Vec<_> =
            store.plans(Some(2026)).await.unwrap().into_iter().filter(|p| p.status == PlanStatus::Approved).collect();
        assert_eq!(approved, std::slice::from_ref(&b), "exactly one approved plan per fiscal year");
        assert_eq!(store.approved_plan(2027).await.unwrap().map(|p| p.id), Some(next_year.id));

        // The revision is audited on the revised plan, with who and why.
        let log = plan_log(store, a.id).await;
        let revision = &log[0];
        assert_eq!((revision.action.as_str(), revision.actor.as_str()), ("plan.status", "cfo"));
        assert_eq!(revision.reason.as_deref(), Some("Q2 rebalancing"));
        assert!(revision.before.as_deref().unwrap().contains(r#""status":"approved""#));
        assert!(revision.after.as_deref().unwrap().contains(r#""status":"revised""#));

        assert_eq!(
            plan_error(store.set_plan_status(a.id, PlanStatus::Approved, &cfo).await),
            PlanError::Transition { from: PlanStatus::Revised, to: PlanStatus::Approved }
        );
        store.set_plan_status(b.id, PlanStatus::Archived, &cfo).await.unwrap();
        assert_eq!(store.approved_plan(2026).await.unwrap(), None);
        for next in [PlanStatus::Draft, PlanStatus::Approved, PlanStatus::Revised, PlanStatus::Archived] {
            assert_eq!(
                plan_error(store.set_plan_status(b.id, next, &cfo).await),
                PlanError::Transition { from: PlanStatus::Archived, to: next },
                "archived is final"
            );
        }
        assert_eq!(store.plan(b.id).await.unwrap().status, PlanStatus::Archived);
        assert!(matches!(
            store.set_plan_status(999, PlanStatus::Approved, &cfo).await,
            Err(StoreError::NotFound { .. })
        ));
    }
}

#[tokio::test]
async fn concurrent_approvals_leave_one_approved_plan() {
    for db in TestDb::all().await {
        let store = &db.store;
        for round in 0..5 {
            let year = 2030 + round;
            let (a, b) = (create(store, year, "A").await, create(store, year, "B").await);
            let actor = planner();
            let (ra, rb) = tokio::join!(
                store.set_plan_status(a.id, PlanStatus::Approved, &actor),
                store.set_plan_status(b.id, PlanStatus::Approved, &actor),
            );
            // Each approval either went through (revising the other if it came first) or lost the race.
            for result in [&ra, &rb] {
                assert!(matches!(result, Ok(_) | Err(StoreError::Conflict(_))), "{}: {result:?}", db.backend());
            }
            assert!(ra.is_ok() || rb.is_ok());
            let approved =
                store.plans(Some(year)).await.unwrap().iter().filter(|p| p.status == PlanStatus::Approved).count();
            assert_eq!(approved, 1, "{}", db.backend());
        }
    }
}

#[tokio::test]
async fn put_targets_replaces_a_kpis_targets_all_or_nothing() {
    for db in TestDb::all().await {
        let store = &db.store;
        let (east, ann, bob) = team_and_reps(store).await;
        let plan = create(store, 2026, "Base").await;
        let mut revenue = Vec::new();
        for month in 1..=12 {
            revenue.push(target("revenue", TargetOwner::Rep(bob), month, TargetTier::Target, 400));
            revenue.push(target("revenue", TargetOwner::Rep(ann), month, TargetTier::Target, 600));
            revenue.push(target("revenue", TargetOwner::Rep(ann), month, TargetTier::Stretch, 750));
            revenue.push(target("revenue", TargetOwner::Team(east), month, TargetTier::Target, 1_000));
            revenue.push(target("revenue", TargetOwner::Company, month, TargetTier::Target, 1_000));
        }
        let demos: Vec<Target> =
            (1..=12).map(|m| target("demos", TargetOwner::Rep(ann), m, TargetTier::Target, 8)).collect();
        assert_eq!(store.put_targets(plan.id, "revenue", &revenue, &planner()).await.unwrap(), 60);
        assert_eq!(store.put_targets(plan.id, "demos", &demos, &planner()).await.unwrap(), 12);

        // Listed by KPI, owner top-down (company, team, reps by id), tier, month.
        let mut expected = demos.clone();
        let mut sorted_revenue = revenue.clone();
        sorted_revenue.sort_by(|a, b| a.key().cmp(&b.key()));
        expected.extend(sorted_revenue.iter().cloned());
        let all = store.targets(plan.id, None).await.unwrap();
        assert_eq!(all, expected, "{}", db.backend());
        assert_eq!(all[12].owner, TargetOwner::Company);
        assert_eq!(
            (all[36].owner, all[36].tier, all[47].tier),
            (TargetOwner::Rep(ann), TargetTier::Target, TargetTier::Target)
        );
        assert_eq!(all[48].tier, TargetTier::Stretch);
        assert_eq!(store.targets(plan.id, Some("demos")).await.unwrap(), demos);

        // Replacing revenue leaves demos alone.
        let fewer: Vec<Target> =
            (1..=12).map(|m| target("revenue", TargetOwner::Company, m, TargetTier::Target, 2_000)).collect();
        assert_eq!(store.put_targets(plan.id, "revenue", &fewer, &planner()).await.unwrap(), 12);
        assert_eq!(store.targets(plan.id, Some("revenue")).await.unwrap(), fewer);
        assert_eq!(store.targets(plan.id, Some("demos")).await.unwrap(), demos);

        // A bad row refuses the whole set, and nothing is written.
        let with = |bad: Target| -> Vec<Target> { revenue.iter().cloned().chain([bad]).collect() };
        let cases = [
            (with(target("revenue", TargetOwner::Company, 13, TargetTier::Target, 1)), PlanError::FiscalMonth(13)),
            (with(target("revenue", TargetOwner::Company, 0, TargetTier::Challenge, 1)), PlanError::FiscalMonth(0)),
            (with(target("revenue", TargetOwner::Rep(bob), 3, TargetTier::Stretch, -1)), PlanError::NegativeTarget(-1)),
            (
                with(target("demos", TargetOwner::Rep(bob), 3, TargetTier::Target, 1)),
                PlanError::OtherKpi { kpi: "revenue".into(), given: "demos".into() },
            ),
            (
                with(target("revenue", TargetOwner::Rep(bob), 3, TargetTier::Target, 1)),
                PlanError::DuplicateTarget {
                    kpi: "revenue".into(),
                    owner: TargetOwner::Rep(bob),
                    month: 3,
                    tier: TargetTier::Target,
                },
            ),
        ];
        for (rows, error) in cases {
            assert_eq!(plan_error(store.put_targets(plan.id, "revenue", &rows, &planner()).await), error);
        }
        let unknown = store
            .put_targets(
                plan.id,
                "revenue",
                &with(target("revenue", TargetOwner::Rep(999), 1, TargetTier::Target, 1)),
                &planner(),
            )
            .await;
        assert!(matches!(unknown, Err(StoreError::NotFound { what: "rep", .. })), "{unknown:?}");
        let unknown = store
            .put_targets(
                plan.id,
                "revenue",
                &with(target("revenue", TargetOwner::Team(999), 1, TargetTier::Target, 1)),
                &planner(),
            )
            .await;
        assert!(matches!(unknown, Err(StoreError::NotFound { what: "team", .. })), "{unknown:?}");
        assert_eq!(store.targets(plan.id, Some("revenue")).await.unwrap(), fewer, "{}", db.backend());

        // No targets: the KPI has none left.
        assert_eq!(store.put_targets(plan.id, "revenue", &[], &planner()).await.unwrap(), 0);
        assert_eq!(store.targets(plan.id, None).await.unwrap(), demos);
    }
}

#[tokio::test]
async fn set_target_writes_one_target() {
    for db in TestDb::all().await {
        let store = &db.store;
        let (_, ann, bob) = team_and_reps(store).await;
        let plan = create(store, 2026, "Base").await;
        let quota = target("revenue", TargetOwner::Rep(ann), 4, TargetTier::Target, 500);
        store.put_targets(plan.id, "revenue", std::slice::from_ref(&quota), &planner()).await.unwrap();

        let bottom_up = Actor::named("manager").because(Some("Ann's territory grew".into()));
        let raised = Target { amount: 650, ..quota.clone() };
        store.set_target(plan.id, &raised, &bottom_up).await.unwrap();
        let added = target("revenue", TargetOwner::Rep(bob), 4, TargetTier::Target, 300);
        store.set_target(plan.id, &added, &bottom_up).await.unwrap();
        assert_eq!(store.targets(plan.id, None).await.unwrap(), [raised.clone(), added.clone()], "{}", db.backend());

        let log = plan_log(store, plan.id).await;
        let sets: Vec<&AuditEntry> = log.iter().filter(|e| e.action == "plan.target.set").collect();
        assert_eq!(sets.len(), 2);
        let (new, changed) = (sets[0], sets[1]);
        assert_eq!(new.before, None, "bob's target did not exist");
        let json = |text: &Option<String>| serde_json::from_str::<Target>(text.as_deref().unwrap()).unwrap();
        assert_eq!(json(&new.after), added);
        assert_eq!((json(&changed.before), json(&changed.after)), (quota, raised.clone()));
        assert_eq!(changed.reason.as_deref(), Some("Ann's territory grew"));

        let bad = Target { month: 13, ..raised.clone() };
        assert_eq!(plan_error(store.set_target(plan.id, &bad, &bottom_up).await), PlanError::FiscalMonth(13));
        let negative = Target { amount: -5, ..raised.clone() };
        assert_eq!(plan_error(store.set_target(plan.id, &negative, &bottom_up).await), PlanError::NegativeTarget(-5));
        let nobody = Target { owner: TargetOwner::Rep(999), ..raised.clone() };
        assert!(matches!(store.set_target(plan.id, &nobody, &bottom_up).await, Err(StoreError::NotFound { .. })));
        assert_eq!(store.targets(plan.id, None).await.unwrap(), [raised, added]);
    }
}

#[tokio::test]
async fn copies_carry_every_target() {
    for db in TestDb::all().await {
        let store = &db.store;
        let (east, ann, _) = team_and_reps(store).await;
        let plan = create(store, 2026, "Base").await;
        for (kpi, owner) in [("revenue", TargetOwner::Team(east)), ("demos", TargetOwner::Rep(ann))] {
            let rows: Vec<Target> = (1..=12)
                .flat_map(|m| {
                    [TargetTier::Target, TargetTier::Stretch, TargetTier::Challenge]
                        .map(|tier| target(kpi, owner, m, tier, i64::from(m) * 100 + tier as i64))
                })
                .collect();
            store.put_targets(plan.id, kpi, &rows, &planner()).await.unwrap();
        }
        let source = store.targets(plan.id, None).await.unwrap();
        assert_eq!(source.len(), 72);
        store.set_plan_status(plan.id, PlanStatus::Approved, &planner()).await.unwrap();

        // A copy of the approved plan is a draft that can be edited; the approved plan stays.
        let copy = store.copy_plan(plan.id, None, &planner()).await.unwrap();
        assert_eq!(store.targets(copy.id, None).await.unwrap(), source, "{}", db.backend());
        let changed = target("demos", TargetOwner::Rep(ann), 1, TargetTier::Target, 1);
        store.set_target(copy.id, &changed, &planner()).await.unwrap();
        assert_eq!(store.targets(plan.id, None).await.unwrap(), source);
        assert_ne!(store.targets(copy.id, None).await.unwrap(), source);
        let empty = store.copy_plan(create(store, 2026, "Empty").await.id, None, &planner()).await.unwrap();
        assert!(store.targets(empty.id, None).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn every_change_to_a_plan_is_audited_with_its_reason() {
    for db in TestDb::all().await {
        let store = &db.store;
        let (_, ann, _) = team_and_reps(store).await;
        let why = |reason: &str| Actor::named("planner").because(Some(reason.into()));
        let plan = store.create_plan(&new_plan(2026, "Base"), &why("first draft")).await.unwrap();
        let settings = PlanSettings { note: Some("cautious".into()), ..PlanSettings::default() };
        store.update_plan_settings(plan.id, &settings, &why("board asked")).await.unwrap();
        let rows = [
            target("revenue", TargetOwner::Rep(ann), 1, TargetTier::Target, 100),
            target("revenue", TargetOwner::Rep(ann), 2, TargetTier::Target, 200),
            target("revenue", TargetOwner::Rep(ann), 2, TargetTier::Stretch, 300),
        ];
        store.put_targets(plan.id, "revenue", &rows, &why("top-down split")).await.unwrap();
        store.put_targets(plan.id, "revenue", &rows[..1], &why("fewer")).await.unwrap();
        store.set_target(plan.id, &rows[1], &why("bottom-up")).await.unwrap();
        store.set_plan_status(plan.id, PlanStatus::Approved, &why("agreed")).await.unwrap();
        let copy = store.copy_plan(plan.id, Some("What if"), &why("scenario")).await.unwrap();

        let log = plan_log(store, plan.id).await;
        let trail: Vec<(&str, &str)> =
            log.iter().rev().map(|e| (e.action.as_str(), e.reason.as_deref().unwrap())).collect();
        assert_eq!(
            trail,
            [
                ("plan.create", "first draft"),
                ("plan.settings", "board asked"),
                ("plan.targets.put", "top-down split"),
                ("plan.targets.put", "fewer"),
                ("plan.target.set", "bottom-up"),
                ("plan.status", "agreed"),
            ],
            "{}",
            db.backend()
        );
        assert!(log.iter().all(|e| e.actor == "planner" && e.entity == "plan" && !e.at.is_empty()));
        let value =
            |text: &Option<String>| serde_json::from_str::<serde_json::Value>(text.as_deref().unwrap()).unwrap();
        let replaced = &log[2];
        assert_eq!(
            value(&replaced.before),
            serde_json::json!({ "kpi": "revenue", "targets": 3, "totals": { "stretch": 300, "target": 300 } })
        );
        assert_eq!(
            value(&replaced.after),
            serde_json::json!({ "kpi": "revenue", "targets": 1, "totals": { "target": 100 } })
        );
        assert_eq!(value(&log[4].after)["settings"]["note"], "cautious");
        assert_eq!(value(&log[0].after)["approved_by"], "planner");

        let copied = plan_log(store, copy.id).await;
        assert_eq!(copied.len(), 1);
        assert_eq!((copied[0].action.as_str(), copied[0].reason.as_deref()), ("plan.copy", Some("scenario")));
        assert_eq!(value(&copied[0].after)["copied_from"], plan.id);
    }
}

#[tokio::test]
async fn a_hundred_thousand_targets_in_one_put() {
    const REPS: usize = 2_800;
    for db in TestDb::all().await {
        let store = &db.store;
        // Several at a time: PostgreSQL writes them on several connections.
        let mut reps = Vec::with_capacity(REPS);
        for first in (0..REPS).step_by(50) {
            let mut batch = tokio::task::JoinSet::new();
            for i in first..(first + 50).min(REPS) {
                let store = store.clone();
                batch.spawn(async move {
                    let rep = NewRep {
                        name: format!("Rep {i}"),
                        email: None,
                        title: None,
                        team_id: None,
                        hire_date: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                        leave_date: None,
                        external_id: None,
                    };
                    store.create_rep(&rep, &planner()).await.unwrap().id
                });
            }
            reps.extend(batch.join_all().await);
        }
        let plan = create(store, 2026, "Base").await;
        let rows: Vec<Target> = reps
            .iter()
            .flat_map(|&rep| {
                (1..=12).flat_map(move |month| {
                    [TargetTier::Target, TargetTier::Stretch, TargetTier::Challenge]
                        .map(|tier| target("revenue", TargetOwner::Rep(rep), month, tier, 1_000 * i64::from(month)))
                })
            })
            .collect();
        assert_eq!(rows.len(), 100_800);
        let started = std::time::Instant::now();
        assert_eq!(store.put_targets(plan.id, "revenue", &rows, &planner()).await.unwrap(), rows.len());
        let first = started.elapsed();
        // Replacing them reads the old ones back for the audit summary.
        let started = std::time::Instant::now();
        assert_eq!(store.put_targets(plan.id, "revenue", &rows, &planner()).await.unwrap(), rows.len());
        eprintln!("{}: 100,800 targets put in {first:?}, replaced in {:?}", db.backend(), started.elapsed());
        assert_eq!(store.targets(plan.id, Some("revenue")).await.unwrap().len(), rows.len());
        let log = plan_log(store, plan.id).await;
        assert!(log[0].before.as_deref().unwrap().contains(r#""targets":100800"#), "{:?}", log[0].before);
    }
}
