//! The annual plan end to end through the API, on both databases:
//! allocation with the ramp, phasing that sums to the cent, bottom-up edits
//! and the gap, approval (one approved plan per year), scenarios compared,
//! attainment with the tolerance, and bad input refused with nothing saved.

mod common;

use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use common::world;
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_core::org::NewRep;
use pacer_core::records::{NewActivity, SourceKind};
use pacer_storage::testing::TestDb;
use serde_json::{Value, json};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The 12 months and the total of the sheet line named `name`.
fn line(sheet: &Value, name: &str) -> (Vec<i64>, i64) {
    let l = sheet["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == name)
        .unwrap_or_else(|| panic!("no line {name}"));
    (l["months"].as_array().unwrap().iter().map(|m| m.as_i64().unwrap()).collect(), l["total"].as_i64().unwrap())
}

/// Rep C, a new hire in team A in fiscal month 4 (the default calendar is the calendar year).
fn new_hire(w: &common::World) -> NewRep {
    NewRep {
        name: "Rep C".into(),
        email: None,
        title: None,
        team_id: Some(w.team_a),
        hire_date: d("2026-04-10"),
        leave_date: None,
        external_id: None,
    }
}

#[tokio::test]
async fn allocation_ramp_gap_approval_scenarios_and_attainment() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let ops = Actor::named("test");
        w.store.create_rep(&new_hire(&w), &ops).await.unwrap();

        let (status, plan) = w
            .send(
                Role::Admin,
                Method::POST,
                "/api/v1/plans",
                Some(json!({"fiscal_year": 2026, "name": "FY2026 plan", "settings": {"tolerance": 0.1}})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{plan}");
        let id = plan["id"].as_i64().unwrap();
        assert_eq!(plan["status"], "draft");

        // 1,000 calls to reps, equal by capacity: Rep C carries 25/50/75% in April-June, nothing before.
        let (status, done) = w
            .send(
                Role::Admin,
                Method::POST,
                &format!("/api/v1/plans/{id}/allocate"),
                Some(json!({"kpi": "calls_made", "annual": 1000, "to": "reps"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{done}");
        let (_, sheet) =
            w.send(Role::Admin, Method::GET, &format!("/api/v1/plans/{id}/targets/calls_made"), None).await;
        let (company, total) = line(&sheet, "Company");
        assert_eq!(total, 1000);
        assert_eq!(company.iter().sum::<i64>(), 1000, "the months sum to the year");
        assert_eq!(
            company,
            vec![83, 83, 83, 83, 83, 83, 83, 83, 83, 83, 83, 87],
            "rounded down, the remainder in the last month"
        );
        let (c_months, c_total) = line(&sheet, "Rep C");
        assert_eq!(&c_months[..3], &[0, 0, 0], "nothing before the hire month");
        assert!(
            c_months[3] < c_months[4] && c_months[4] < c_months[5] && c_months[5] < c_months[6],
            "the ramp: {c_months:?}"
        );
        let (_, a_total) = line(&sheet, "Rep A");
        let (_, b_total) = line(&sheet, "Rep B");
        assert_eq!(a_total + b_total + c_total, 1000, "the reps' targets sum to the company's");
        // Capacity: A and B have 12 full months, C 7.5 → C gets 7.5 / 31.5 of the year.
        assert_eq!(c_total, 238);
        assert_eq!(sheet["gap"]["difference"], 0);

        // Money to teams by seasonality needs history: none here, so it is refused...
        let (status, err) = w
            .send(
                Role::Admin,
                Method::POST,
                &format!("/api/v1/plans/{id}/allocate"),
                Some(json!({"kpi": "new_business", "annual": 120_000_000, "months": "seasonal"})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
        assert!(err["error"]["message"].as_str().unwrap().contains("at least 12"), "{err}");
        // ...unless evenly is asked for. To teams: A and B get half each, to the cent.
        let (status, done) = w.send(Role::Admin, Method::POST, &format!("/api/v1/plans/{id}/allocate"),
            Some(json!({"kpi": "new_business", "annual": 120_000_001, "months": "seasonal", "even_if_short_history": true}))).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert!(done["warnings"][0].as_str().unwrap().contains("evenly"), "{done}");
        let (_, money) =
            w.send(Role::Admin, Method::GET, &format!("/api/v1/plans/{id}/targets/new_business"), None).await;
        assert_eq!(line(&money, "A").1 + line(&money, "B").1, 120_000_001);
        assert_eq!(line(&money, "Company").0.iter().sum::<i64>(), 120_000_001);

        // A bottom-up edit shows as a gap against the top-down target.
        let (status, _) = w.send(Role::Admin, Method::PUT, &format!("/api/v1/plans/{id}/targets"),
            Some(json!({"kpi": "calls_made", "owner": {"kind": "rep", "id": w.rep_a}, "month": 1, "tier": "target", "amount": 93}))).await;
        assert_eq!(status, StatusCode::OK);
        let (_, sheet) =
            w.send(Role::Admin, Method::GET, &format!("/api/v1/plans/{id}/targets/calls_made"), None).await;
        let before = line(&sheet, "Rep A").0[0];
        assert_eq!(before, 93);
        assert_eq!(
            sheet["gap"]["bottom_up_sum"].as_i64().unwrap() - sheet["gap"]["top_down"].as_i64().unwrap(),
            sheet["gap"]["difference"].as_i64().unwrap()
        );
        assert_ne!(sheet["gap"]["difference"], 0);

        // Bad input: a clear message and nothing saved.
        for (body, needle) in [
            (json!({"kpi": "calls_made", "annual": -5}), "negative"),
            (
                json!({"kpi": "calls_made", "annual": 10, "to": "reps", "split": "weights", "weights": [0.0, 0.0, 0.0]}),
                "add up to 0",
            ),
            (json!({"kpi": "calls_made", "annual": 10, "months": "custom", "month_weights": [1.0, 2.0]}), "12"),
            (json!({"kpi": "nope", "annual": 10}), "not in the catalog"),
        ] {
            let (status, err) =
                w.send(Role::Admin, Method::POST, &format!("/api/v1/plans/{id}/allocate"), Some(body.clone())).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {err}");
            let message = err["error"]["message"].as_str().unwrap().to_lowercase();
            assert!(message.contains(needle), "{body}: {message}");
        }
        let (status, _) =
            w.send(Role::Admin, Method::PATCH, &format!("/api/v1/plans/{id}"), Some(json!({"tolerance": 1.5}))).await;
        assert!(status.is_client_error(), "a tolerance outside [0, 1) is refused");
        let (_, sheet) =
            w.send(Role::Admin, Method::GET, &format!("/api/v1/plans/{id}/targets/calls_made"), None).await;
        assert_eq!(line(&sheet, "Rep A").0[0], before, "nothing changed");

        // Attainment: Rep A makes 95% of a 300-call first quarter → attained with the 10% tolerance.
        let (_, sheet) =
            w.send(Role::Admin, Method::GET, &format!("/api/v1/plans/{id}/targets/calls_made"), None).await;
        let q1: i64 = line(&sheet, "Rep A").0[..3].iter().sum();
        let made = q1 * 95 / 100;
        let calls: Vec<NewActivity> = (0..made)
            .map(|i| NewActivity {
                rep_id: w.rep_a,
                activity_type: "call".into(),
                occurred_at: d("2026-02-02").and_hms_opt(9, 0, 0).unwrap() + chrono::Duration::minutes(i),
                duration_s: None,
                account_id: None,
                source: SourceKind::Integration,
                external_id: Some(format!("c{i}")),
                fields: Default::default(),
                entered_by: None,
            })
            .collect();
        w.store.upsert_activities(&calls, &pacer_core::audit::Actor::named("test")).await.unwrap();
        let (status, att) = w
            .send(
                Role::Manager,
                Method::GET,
                &format!("/api/v1/plans/{id}/attainment/calls_made?by=rep&per=quarter"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{att}");
        let row = att["rows"].as_array().unwrap().iter().find(|r| r["name"] == "Rep A").unwrap();
        let cell = &row["cells"][0];
        assert_eq!(cell["target"], q1);
        let raw = cell["attainment"]["raw"].as_f64().unwrap();
        assert!((0.9..1.0).contains(&raw), "raw {raw}");
        assert_eq!(cell["attainment"]["attained"], true, "between 90% and 100% is attained with a 10% tolerance");

        // Approval by leadership (a rep cannot); a second approved plan revises the first.
        let (status, _) = w
            .send(Role::Rep, Method::POST, &format!("/api/v1/plans/{id}/status"), Some(json!({"status": "approved"})))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, approved) = w
            .send(
                Role::Leader,
                Method::POST,
                &format!("/api/v1/plans/{id}/status"),
                Some(json!({"status": "approved"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{approved}");
        assert_eq!(approved["approved_by"], "leader");
        let (status, _) = w
            .send(
                Role::Admin,
                Method::POST,
                &format!("/api/v1/plans/{id}/allocate"),
                Some(json!({"kpi": "calls_made", "annual": 5})),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "an approved plan is not edited");
        let (_, copy) = w
            .send(
                Role::Admin,
                Method::POST,
                &format!("/api/v1/plans/{id}/copy"),
                Some(json!({"name": "FY2026 stretch"})),
            )
            .await;
        let copy_id = copy["id"].as_i64().unwrap();
        let (status, _) = w
            .send(
                Role::Admin,
                Method::POST,
                &format!("/api/v1/plans/{copy_id}/allocate"),
                Some(json!({"kpi": "calls_made", "annual": 1300, "to": "reps"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, cmp) =
            w.send(Role::Manager, Method::GET, &format!("/api/v1/plans/compare?ids={id},{copy_id}"), None).await;
        assert_eq!(status, StatusCode::OK, "{cmp}");
        let levels = cmp["by_level"].as_array().unwrap();
        let level = |kpi: &str, level: &str| levels.iter().find(|t| t["kpi"] == kpi && t["level"] == level);
        let calls = level("calls_made", "company").unwrap_or_else(|| panic!("{cmp}"));
        assert_eq!(calls["totals"], json!([1000, 1300]));
        assert_eq!(calls["differences"], json!([0, 300]));
        // Company, teams and reps side by side, never added up: the manager's reps are theirs only.
        let new_business: Vec<&serde_json::Value> = ["company", "team", "rep"]
            .iter()
            .map(|l| &level("new_business", l).unwrap_or_else(|| panic!("{cmp}"))["totals"])
            .collect();
        assert_eq!(
            new_business,
            [&json!([120000001, 120000001]), &json!([60000001, 60000001]), &json!([60000001, 60000001])]
        );
        let (_, now) = w
            .send(
                Role::Leader,
                Method::POST,
                &format!("/api/v1/plans/{copy_id}/status"),
                Some(json!({"status": "approved"})),
            )
            .await;
        assert_eq!(now["status"], "approved");
        let (_, first) = w.send(Role::Leader, Method::GET, &format!("/api/v1/plans/{id}"), None).await;
        assert_eq!(first["status"], "revised", "one approved plan per fiscal year");
    }
}

#[tokio::test]
async fn growth_calculator_shows_the_arithmetic() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        // FORMULAS.md: 500 customers, 7% churn, +20% net wanted → 135 new customers.
        let (status, g) = w.send(Role::Rep, Method::GET, "/api/v1/growth?base=500&churn=0.07&growth=0.2", None).await;
        assert_eq!(status, StatusCode::OK, "{g}");
        assert_eq!(g["gross_new"], 135);
        assert_eq!(g["growth_part"], 100);
        assert_eq!(g["churn_replacement"], 35);
        let (status, _) = w.send(Role::Rep, Method::GET, "/api/v1/growth?base=500&churn=1.5&growth=0.2", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}

/// A page as a French reader's browser asks for it: the status and the HTML.
async fn french_page(w: &common::World, role: Role, path: &str) -> (StatusCode, String) {
    let (cookie, _) = w.session(role).await;
    let mut req = common::get(path, &cookie);
    req.headers_mut().insert(axum::http::header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9".parse().unwrap());
    let (status, body, _) = common::send(&w.app, req).await;
    (status, body)
}

#[tokio::test]
async fn the_plan_pages_speak_french_to_a_french_reader() {
    let db = TestDb::sqlite().await;
    let w = world(&db).await;
    // A new hire in fiscal month 4, whose targets ramp: the attainment page says why, in French.
    w.store.create_rep(&new_hire(&w), &Actor::named("test")).await.unwrap();
    let plan = json!({"fiscal_year": 2026, "name": "Plan 2026", "settings": {"tolerance": 0.1}});
    let (status, plan) = w.send(Role::Admin, Method::POST, "/api/v1/plans", Some(plan)).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let id = plan["id"].as_i64().unwrap();
    let allocate = json!({"kpi": "calls_made", "annual": 1200, "to": "reps"});
    let (status, body) =
        w.send(Role::Admin, Method::POST, &format!("/api/v1/plans/{id}/allocate"), Some(allocate)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, copy) = w.send(Role::Admin, Method::POST, &format!("/api/v1/plans/{id}/copy"), Some(json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{copy}");
    let copy = copy["id"].as_i64().unwrap();

    // Each page: (path, French words that must be there, English words that must not).
    let pages: [(String, &[&str], &[&str]); 7] = [
        (
            "/plans".into(),
            &[
                "Plans annuels",
                "Comparer les plans cochés",
                "Commencer un plan",
                "Créer le brouillon",
                "brouillon",
                "Objectif de croissance qui compense l’attrition",
            ],
            &["Annual plans", "Compare the ticked plans", "Create draft", "Growth target"],
        ),
        (
            format!("/plans/{id}?kpi=calls_made"),
            &[
                "Tolérance 10\u{202f}%",
                "brouillon",
                "Titulaire",
                "Niveau",
                "objectif",
                "janv. 2026 (M01)",
                "Répartir un KPI de haut en bas",
                "Modifier les objectifs",
                "Envoyer le classeur modifié",
                "Approuver…",
                "Copier dans un nouveau brouillon",
            ],
            &[
                "Allocate a KPI top-down",
                "Edit the targets",
                "Upload the edited workbook",
                "Copy to a new draft",
                ">Owner<",
                "Jan 2026",
            ],
        ),
        (
            format!("/plans/{id}/attainment?kpi=calls_made"),
            &[
                "Taux d’atteinte",
                "Cumul annuel",
                "T1 FY2026",
                "montée en charge : 25\u{202f}%",
                "(embauche le 10 avr. 2026)",
            ],
            &["Year to date", "Q1 FY2026", "a target counts as attained", "ramped: ", "hired 2026"],
        ),
        (
            format!("/plans/compare?ids={id}&ids={copy}"),
            &["Scénarios côte à côte", "Plan 2026 v1 (brouillon)", "tous les commerciaux", "Niveau"],
            &["Scenarios side by side", "all reps", "(draft)"],
        ),
        (
            "/seasonality?kpi=calls_made&fy=2026".into(),
            &[
                "Saisonnalité",
                "Réalisé",
                "Corrigé des variations saisonnières",
                "Cumul annuel",
                "mois d’historique avant FY2026 ; la saisonnalisation demande au moins 12 mois",
                "une prévision demande au moins",
            ],
            &["Seasonally adjusted", "so far and where it is heading", "months of history", "a forecast needs"],
        ),
        (
            format!("/plans/{id}/line?kpi=calls_made&owner=company"),
            &["Modifier les objectifs", "Entreprise", "Enregistrer la ligne", "Annuler", "Les nombres sont entiers."],
            &["Save the line", "Counts are whole numbers.", "Edit targets"],
        ),
        (
            "/reviews".into(),
            &["Revues trimestrielles", "Trimestre", "non ouverte"],
            &["Quarterly reviews", "not opened"],
        ),
    ];
    for (path, french, english) in pages {
        let (status, html) = french_page(&w, Role::Admin, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        assert!(html.contains(r#"lang="fr""#), "{path}");
        for words in french {
            assert!(html.contains(words), "{path} lacks {words:?}: {html}");
        }
        for words in english {
            assert!(!html.contains(words), "{path} still says {words:?}: {html}");
        }
    }
    // A status change asks in French first.
    let (cookie, csrf) = w.session(Role::Admin).await;
    let mut req = common::with_session(
        Method::POST,
        &format!("/plans/{id}/status"),
        &(cookie, csrf.clone()),
        "application/x-www-form-urlencoded",
        axum::body::Body::from(format!("csrf={csrf}&status=approved")),
    );
    req.headers_mut().insert(axum::http::header::ACCEPT_LANGUAGE, "fr".parse().unwrap());
    let (status, html, _) = common::send(&w.app, req).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Approuver Plan 2026 v1") && html.contains("Rien n’a encore changé."), "{html}");
    assert!(!html.contains("Nothing has changed yet"), "{html}");
}
