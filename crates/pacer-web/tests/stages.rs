//! The pipeline stages setting through the API and its admin page, on both databases: read with
//! the open deals it maps to no stage, replaced whole and audited, bad input refused naming the
//! stage with nothing changed, and the pipeline showing unmapped deals until they are mapped.

mod common;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use common::{get, multipart, send, with_session, world};
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_core::records::{DealKind, DealStatus, NewDeal, SourceKind};
use pacer_storage::testing::TestDb;
use serde_json::json;

fn deal(rep_id: i64, stage: &str, amount_minor: i64, close: &str) -> NewDeal {
    let day: NaiveDate = close.parse().unwrap();
    NewDeal {
        rep_id,
        account_id: 1,
        kind: DealKind::New,
        status: DealStatus::Open,
        stage: stage.into(),
        amount_minor,
        currency: None,
        created_on: day,
        close_date: Some(day),
        source: SourceKind::Integration,
        external_id: Some(format!("{stage}-{amount_minor}")),
        entered_by: None,
    }
}

#[tokio::test]
async fn stages_are_read_and_replaced_through_the_api() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let deals = [
            deal(w.rep_a, "contractsent", 100_000, "2026-04-10"),
            deal(w.rep_b, "Contract Sent", 49_630_050, "2026-05-10"),
            deal(w.rep_a, "Negotiation", 1_000, "2026-05-10"),
        ];
        w.store.upsert_deals(&deals, &Actor::named("test")).await.unwrap();
        let (status, view) = w.send(Role::Admin, Method::GET, "/api/v1/pipeline/stages", None).await;
        assert_eq!(status, StatusCode::OK, "{}: {view}", db.backend());
        assert_eq!(view["stages"].as_array().unwrap().len(), 7);
        assert_eq!(
            view["stages"][5],
            json!({"name": "Closed Won", "kind": "won", "probability_percent": 100, "category": "closed"})
        );
        assert_eq!(view["unmapped"], json!([{"stage": "Contract Sent", "deals": 2, "amount_minor": 49_730_050}]));
        assert!(view["proposed_toml"].as_str().unwrap().contains("name = \"Contract Sent\""), "{view}");

        // The pipeline shows them apart, each deal once, and counts them nowhere else.
        let (_, p) = w.send(Role::Admin, Method::GET, "/api/v1/pipeline?by=team&fy=2026", None).await;
        assert_eq!(p["unmapped"], view["unmapped"], "{p}");
        let (_, company) = w.send(Role::Admin, Method::GET, "/api/v1/pipeline?by=company&fy=2026", None).await;
        assert_eq!(company["rows"][0]["summary"]["open_minor"], 1_000);

        // Bad stages: 422 naming the stage, nothing changed.
        let org_before = w.store.organisation().await.unwrap();
        for (stages, needle, stage) in [
            (
                json!([{"name": "Demo", "probability_percent": 30, "category": "pipeline"},
                    {"name": "Later", "probability_percent": 40, "category": "commit", "aliases": ["DEMO"]}]),
                "alias \"DEMO\" already means stage \"Demo\"",
                "Later",
            ),
            (json!([{"name": "Demo", "probability_percent": 130, "category": "pipeline"}]), "probability 130", "Demo"),
            (
                json!([{"name": "Demo", "probability_percent": 30, "category": "pipeline"},
                    {"name": "Won", "kind": "won", "probability_percent": 90, "category": "closed"}]),
                "always 100%",
                "Won",
            ),
            (json!([{"name": "Demo", "probability_percent": 30, "category": null}]), "needs a category", "Demo"),
        ] {
            let (status, body) =
                w.send(Role::Admin, Method::PUT, "/api/v1/pipeline/stages", Some(json!({ "stages": stages }))).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert!(body["error"]["message"].as_str().unwrap().contains(needle), "{body}");
            assert_eq!(body["error"]["details"][0]["stage"], stage, "{body}");
        }
        assert_eq!(w.store.organisation().await.unwrap(), org_before, "{}: nothing changed", db.backend());

        // Replaced: the alias maps both spellings; only the stages changed, audited.
        let stages = json!([
            {"name": "Discovery", "probability_percent": 20, "category": "pipeline"},
            {"name": "Contract Sent", "probability_percent": 90, "category": "commit", "aliases": ["contractsent"]},
            {"name": "Negotiation", "probability_percent": 80, "category": "commit"},
            {"name": "Closed Won", "kind": "won", "probability_percent": 100, "category": null},
        ]);
        let (status, saved) =
            w.send(Role::Admin, Method::PUT, "/api/v1/pipeline/stages", Some(json!({ "stages": stages }))).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert!(
            saved["changes"]
                .as_array()
                .unwrap()
                .contains(&json!("+ stage \"Contract Sent\" (open, 90%, commit, aliases: contractsent)")),
            "{saved}"
        );
        assert_eq!(saved["view"]["unmapped"], json!([]));
        assert_eq!(saved["view"]["stages"][3]["category"], "closed", "a won stage is closed");
        let org = w.store.organisation().await.unwrap().unwrap();
        let before = org_before.unwrap_or_default();
        assert_eq!((org.name, org.currency, org.calendar), (before.name, before.currency, before.calendar));
        let (_, company) = w.send(Role::Admin, Method::GET, "/api/v1/pipeline?by=company&fy=2026", None).await;
        assert_eq!(company["rows"][0]["summary"]["open_minor"], 49_731_050, "{company}");
        assert_eq!(company["unmapped"], json!([]));
        let (_, audit) = w.send(Role::Admin, Method::GET, "/api/v1/audit?entity=organisation", None).await;
        assert!(audit.to_string().contains("Contract Sent"), "{audit}");
        let (_, again) =
            w.send(Role::Admin, Method::PUT, "/api/v1/pipeline/stages", Some(json!({ "stages": stages }))).await;
        assert_eq!(again["changes"], json!([]), "the same stages change nothing");

        // Others may not read or write them.
        for role in [Role::Rep, Role::Manager, Role::Leader] {
            let (status, _) = w.send(role, Method::GET, "/api/v1/pipeline/stages", None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
            let (status, _) =
                w.send(role, Method::PUT, "/api/v1/pipeline/stages", Some(json!({ "stages": stages }))).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
        }
    }
}

#[tokio::test]
async fn the_stages_page_is_for_admins_and_maps_unmapped_stages() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        w.store
            .upsert_deals(&[deal(w.rep_a, "Decision Maker Bought-In", 150_050, "2026-04-10")], &Actor::named("test"))
            .await
            .unwrap();
        for role in [Role::Rep, Role::Manager, Role::Leader] {
            let (cookie, _) = w.session(role).await;
            let (status, _, _) = send(&w.app, get("/stages", &cookie)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
            let session = w.session(role).await;
            let form = Body::from("stage=Negotiation&alias=x");
            let req = with_session(Method::POST, "/stages/alias", &session, "application/x-www-form-urlencoded", form);
            assert_eq!(send(&w.app, req).await.0, StatusCode::FORBIDDEN, "{role:?}");
        }
        let session = w.session(Role::Admin).await;
        let (status, page, _) = send(&w.app, get("/stages", &session.0)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Pipeline stages") && page.contains("Closed Lost"), "{page}");
        assert!(page.contains("1 open deal in a stage not mapped: $1,500.50 (Decision Maker Bought-In: 1)"), "{page}");
        assert!(page.contains("name = &quot;Decision Maker Bought-In&quot;"), "the lines to add: {page}");
        let (_, pipeline, _) = send(&w.app, get("/pipeline?fy=2026", &session.0)).await;
        assert!(pipeline.contains("1 open deal in a stage not mapped"), "{pipeline}");

        // A bad TOML: the page again with the message and the text kept, nothing changed.
        let form = |path: &str, body: &str| {
            with_session(
                Method::POST,
                path,
                &session,
                "application/x-www-form-urlencoded",
                Body::from(body.to_string()),
            )
        };
        let bad = serde_urlencoded::to_string([(
            "toml",
            "[[stage]]\nname = \"Demo\"\nprobability = 120\ncategory = \"commit\"\n",
        )])
        .unwrap();
        let before = w.store.organisation().await.unwrap();
        let (status, page, _) = send(&w.app, form("/stages", &bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("stage &quot;Demo&quot;: probability 120 is not valid"), "{page}");
        assert!(page.contains("probability = 120"), "the text is kept: {page}");
        assert_eq!(w.store.organisation().await.unwrap(), before);

        // One click: the CRM's name as an alias of Negotiation.
        let (status, _, headers) =
            send(&w.app, form("/stages/alias", "stage=Negotiation&alias=Decision+Maker+Bought-In")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(headers["location"].to_str().unwrap().contains("Saved"), "{headers:?}");
        let org = w.store.organisation().await.unwrap().unwrap();
        assert_eq!(org.pipeline_stages.stage("decisionmakerboughtin").map(|s| s.name.as_str()), Some("Negotiation"));
        let (_, page, _) = send(&w.app, get("/stages", &session.0)).await;
        assert!(!page.contains("not mapped"), "{page}");
        let (status, page, _) =
            send(&w.app, form("/stages/alias", "stage=Proposal&alias=decision-maker-bought-in")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("stage &quot;Proposal&quot;: alias &quot;decision-maker-bought-in&quot; already means stage &quot;Negotiation&quot;"), "{page}");

        // The whole TOML saved from the page.
        let good = serde_urlencoded::to_string([
            ("toml", "[[stage]]\nname = \"Demo\"\nprobability = 30\ncategory = \"pipeline\"\n"),
            ("reason", "simpler"),
        ])
        .unwrap();
        let (status, _, headers) = send(&w.app, form("/stages", &good)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(headers["location"].to_str().unwrap().contains("Saved"), "{headers:?}");
        let org = w.store.organisation().await.unwrap().unwrap();
        assert_eq!(org.pipeline_stages.stages().len(), 1);
    }
}

/// The preview of `csv` as a deals file in Pacer's own columns, uploaded with `session`.
fn deals_preview(session: &(String, String), csv: &str) -> axum::http::Request<Body> {
    let (content_type, body) = multipart(&[("kind", "deals"), ("preset", "pacer-deals")], ("deals.csv", csv));
    with_session(Method::POST, &format!("/import/preview?csrf={}", session.1), session, &content_type, Body::from(body))
}

/// A deals import whose open rows are in stages the settings do not know imports them and says so,
/// on the preview and on the result, with the lines to add.
#[tokio::test]
async fn the_import_page_says_which_stages_are_missing() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let session = w.session(Role::Admin).await;
        let rep = w.rep_a;
        let csv = format!(
            "deal_id,rep_id,account_id,closed_at,amount_cents,stage\n\
             d1,{rep},1,2026-04-01,10000,Contract Sent\nd2,{rep},1,2026-04-02,500,Decision Maker Bought-In\n\
             d3,{rep},1,2026-04-03,700,won\nd4,{rep},1,2026-04-04,900,Negotiation\n"
        );
        let preview = deals_preview(&session, &csv);
        let (status, html, _) = send(&w.app, preview).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let note = "2 rows in stages not in the pipeline settings: Contract Sent (1), Decision Maker Bought-In (1); \
                    add them with the Pipeline stages page (proposed lines below)";
        assert!(html.contains(note), "{html}");
        let file = html.split("name=\"file_base64\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let form = serde_urlencoded::to_string([
            ("kind", "deals"),
            ("preset", "pacer-deals"),
            ("file_name", "deals.csv"),
            ("file_base64", file.as_str()),
        ])
        .unwrap();
        let confirm = with_session(
            Method::POST,
            "/import/confirm",
            &session,
            "application/x-www-form-urlencoded",
            Body::from(form),
        );
        let (status, html, _) = send(&w.app, confirm).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("4 new, 0 updated, 0 unchanged, 0 left out"), "imported all the same: {html}");
        assert!(html.contains(note) && html.contains("name = &quot;Contract Sent&quot;"), "{html}");
        let (_, view) = w.send(Role::Admin, Method::GET, "/api/v1/pipeline/stages", None).await;
        assert_eq!(view["unmapped"].as_array().unwrap().len(), 2, "{view}");
    }
}

/// The stages page, its unmapped-stage note and the import preview speak French to a French
/// browser, amounts in French.
#[tokio::test]
async fn the_stages_and_import_pages_speak_french() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let session = w.session(Role::Admin).await;
        let rep = w.rep_a;
        let csv = format!(
            "deal_id,rep_id,account_id,closed_at,amount_cents,stage\n\
             d1,{rep},1,2026-04-01,150050,Contract Sent\nd2,{rep},1,2026-04-02,-5,Negotiation\n"
        );
        let mut preview = deals_preview(&session, &csv);
        preview.headers_mut().insert("accept-language", "fr-FR,fr;q=0.9".parse().unwrap());
        let (status, html, _) = send(&w.app, preview).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("lang=\"fr\""), "{html}");
        for word in [
            "Aperçu : deals.csv",
            "2 lignes ; 1 prête, 1 avec des problèmes",
            "lu comme UTF-8",
            "Premières lignes",
            "Problèmes",
            "Motif",
            "1 ligne à une étape absente des paramètres du pipeline : Contract Sent (1)",
            "Importer les bonnes lignes et écarter les autres",
            "Recommencer",
        ] {
            assert!(html.contains(word), "the preview lacks {word:?}: {html}");
        }
        for word in
            ["First rows", "Start over", "with problems", "Nothing has been written", "not in the pipeline settings"]
        {
            assert!(!html.contains(word), "the preview still says {word:?}: {html}");
        }

        w.store
            .upsert_deals(&[deal(rep, "Decision Maker Bought-In", 150_050, "2026-04-10")], &Actor::named("test"))
            .await
            .unwrap();
        let req = axum::http::Request::get("/stages")
            .header("cookie", format!("pacer_session={}", session.0))
            .header("accept-language", "fr-FR,fr;q=0.9")
            .body(Body::empty())
            .unwrap();
        let (status, page, _) = send(&w.app, req).await;
        assert_eq!(status, StatusCode::OK);
        let page = page.replace(['\u{202f}', '\u{a0}'], " ");
        for word in [
            "Étapes du pipeline",
            "Modifier les étapes",
            "Vérifier et enregistrer",
            "Affaires ouvertes à des étapes non reconnues",
            "1 affaire ouverte à une étape non reconnue : 1 500,50 $US (Decision Maker Bought-In : 1)",
            "Ajouter comme alias de",
            "gagnée",
            "Motif (journal d’audit)",
        ] {
            assert!(page.contains(word), "/stages lacks {word:?}: {page}");
        }
        for word in ["Edit the stages", "Check and save", "not mapped", "Add as alias", "Reason (audit log)"] {
            assert!(!page.contains(word), "/stages still says {word:?}: {page}");
        }
    }
}
