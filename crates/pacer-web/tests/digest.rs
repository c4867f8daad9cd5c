//! The weekly digest's preview on both databases: everyone reads their own ("My digest"), an
//! admin anyone's, composed as its reader sees Pacer; anyone else's is a 404, like a missing one.
//! People opt out in their account.

mod common;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use common::{approved_plan, calls, get, send, with_session, world};
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_storage::testing::TestDb;
use serde_json::json;

#[tokio::test]
async fn everyone_previews_their_own_digest_and_admins_anyones() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let backend = db.backend();
        let card = w.ok(Role::Rep, "/api/v1/scorecard").await;
        let fy = card["fiscal_year"].as_i64().unwrap();
        let quarter_start: chrono::NaiveDate =
            card["kpis"][0]["quarter"]["period"]["start"].as_str().unwrap().parse().unwrap();
        approved_plan(&w, fy, &[json!({"kpi": "calls_made", "annual": 1200, "to": "reps"})]).await;
        w.store.upsert_activities(&calls(w.rep_a, quarter_start, 7, "a"), &Actor::named("test")).await.unwrap();

        let page = |role: Role, path: String| {
            let w = &w;
            async move {
                let (cookie, _) = w.session(role).await;
                let (status, html, _) = send(&w.app, get(&path, &cookie)).await;
                (status, html)
            }
        };
        // A rep's own: their scorecard in short, naming them.
        let (status, html) = page(Role::Rep, "/digest".into()).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {html}");
        assert!(html.contains("Hello rep,") && html.contains("Your scorecard"), "{html}");
        assert!(html.contains("Calls made") && html.contains("The plain-text part"), "{html}");
        assert!(html.contains("no e-mail address: not sent"), "{html}");
        let own = format!("/digest?user={}", w.users[&Role::Rep]);
        assert_eq!(page(Role::Rep, own.clone()).await.0, StatusCode::OK);

        // A manager's: the team they manage, and who needs attention there.
        let (status, html) = page(Role::Manager, "/digest".into()).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {html}");
        assert!(html.contains("Hello manager,") && html.contains("Team A"), "{html}");
        assert!(html.contains("1 rep: ") && !html.contains("Team B"), "{html}");

        // Anyone else's is not found, for everyone but admins.
        for (role, other) in [(Role::Rep, Role::Manager), (Role::Manager, Role::Rep), (Role::Leader, Role::Rep)] {
            let (status, _) = page(role, format!("/digest?user={}", w.users[&other])).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend}: {role} reading {other}'s digest");
        }
        let (status, html) = page(Role::Admin, own).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {html}");
        assert!(html.contains("Weekly digest: rep") && html.contains("Hello rep,"), "as the rep reads it");
        assert!(html.contains("Your scorecard"), "{html}");
        assert_eq!(page(Role::Admin, "/digest?user=999999".into()).await.0, StatusCode::NOT_FOUND);
        let (status, html) = page(Role::Admin, "/digest?week=2026-W54".into()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
        let (status, html) = page(Role::Rep, "/digest?week=2026-W10".into()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Week 2026-W10") && html.contains("figures to Mar 8, 2026"), "a past week: {html}");

        // Opting out in one's account, with one's own address.
        let session = w.session(Role::Rep).await;
        let form = "email=rep%40acme.example";
        let req = with_session(
            Method::POST,
            "/account/digest",
            &session,
            "application/x-www-form-urlencoded",
            Body::from(form),
        );
        let (status, _, headers) = send(&w.app, req).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend}");
        assert!(
            headers["location"].to_str().unwrap().contains("opted+out")
                || headers["location"].to_str().unwrap().contains("opted%20out")
        );
        let me = w.store.user(w.users[&Role::Rep]).await.unwrap();
        assert_eq!((me.email.as_deref(), me.digest), (Some("rep@acme.example"), false));
        let (_, html) = page(Role::Rep, "/digest".into()).await;
        assert!(html.contains("opted out: not sent"), "{html}");
        let (_, html) = page(Role::Rep, "/account".into()).await;
        assert!(html.contains("You have opted out of the weekly digest."), "{html}");
        let bad = "email=not+an+address&digest=true";
        let req = with_session(
            Method::POST,
            "/account/digest",
            &session,
            "application/x-www-form-urlencoded",
            Body::from(bad),
        );
        let (status, html, _) = send(&w.app, req).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("is not valid"), "{html}");
        assert!(!w.store.user(w.users[&Role::Rep]).await.unwrap().digest, "nothing changed");
    }
}

/// Records each message it is handed; refuses addresses that start with `refused`.
#[derive(Default)]
struct Outbox(std::sync::Mutex<Vec<String>>);

impl pacer_app::digest::Mailer for Outbox {
    async fn send(&self, email: &pacer_app::digest::Email) -> Result<(), String> {
        if email.to.starts_with("refused") {
            return Err("550 no such mailbox".into());
        }
        assert!(email.text.contains("Hello ") && email.html.contains("<p>Hello "));
        self.0.lock().unwrap().push(email.to.clone());
        Ok(())
    }
}

/// The server's schedule: nothing before the organisation's day and hour in its time zone, then
/// the week's digest to each person once, even with two servers asking at the same moment; a
/// refused message is not recorded and is tried again at the next wake.
#[tokio::test]
async fn the_week_goes_out_once_due_and_once_only_from_two_servers() {
    use pacer_app::digest::{Outcome, send_if_due};
    use pacer_storage::UserUpdate;
    for db in TestDb::all().await {
        let w = world(&db).await;
        let backend = db.backend();
        let ops = Actor::named("test");
        for (role, email) in [
            (Role::Rep, "rep@acme.example"),
            (Role::Manager, "manager@acme.example"),
            (Role::Leader, "refused@acme.example"),
        ] {
            let update = UserUpdate { email: Some(Some(email.into())), ..UserUpdate::default() };
            w.store.update_user(w.users[&role], &update, &ops).await.unwrap();
        }
        let mut org = w.store.organisation().await.unwrap().unwrap();
        org.time_zone = "Europe/Zurich".parse().unwrap();
        org.digest = pacer_core::digest::DigestSchedule::parse("wed", 9).unwrap();
        w.store.save_organisation(&org, &ops).await.unwrap();

        let series = pacer_app::churn::SeriesCache::default();
        let caches = pacer_app::cache::Caches { warm: None, series: &series };
        let today = "2026-12-02".parse().unwrap();
        let principal = pacer_core::access::Principal::command_line();
        let server = || pacer_app::Context::new(w.store.as_ref(), caches, principal.clone(), today);
        let (one, two) = (server().await.unwrap(), server().await.unwrap());
        let at = |t: &str| t.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
        let outbox = Outbox::default();

        // Wednesday 08:59 in Zurich is 07:59 UTC: not yet.
        assert!(send_if_due(&one, &outbox, at("2026-12-02T07:59:00Z")).await.unwrap().is_none(), "{backend}");
        let now = at("2026-12-02T08:00:00Z");
        let (a, b) = tokio::join!(send_if_due(&one, &outbox, now), send_if_due(&two, &outbox, now));
        let (a, b) = (a.unwrap().unwrap(), b.unwrap().unwrap());
        assert_eq!(a.week, "2026-W49");
        let sent = a.count(|o| *o == Outcome::Sent) + b.count(|o| *o == Outcome::Sent);
        let mut addresses = outbox.0.lock().unwrap().clone();
        addresses.sort();
        assert_eq!(addresses, ["manager@acme.example", "rep@acme.example"], "{backend}: each once");
        assert_eq!(sent, 2, "{backend}: {a:?} {b:?}");
        // The refused one: whichever server claimed it says why (the other saw it claimed, or
        // tried too once it was released).
        let refused = Outcome::Failed("550 no such mailbox".into());
        let leader =
            |s: &pacer_app::digest::Sending| s.deliveries.iter().find(|d| d.user == "leader").unwrap().outcome.clone();
        assert!(leader(&a) == refused || leader(&b) == refused, "{backend}: {a:?} {b:?}");
        let admin = a.deliveries.iter().find(|d| d.user == "admin").unwrap();
        assert!(matches!(&admin.outcome, Outcome::Failed(why) if why.starts_with("no e-mail address")), "{admin:?}");

        let recorded = w.store.digest_deliveries("2026-W49").await.unwrap();
        assert_eq!(recorded.len(), 2, "{backend}: the refused message is not recorded: {recorded:?}");
        let later = send_if_due(&one, &outbox, at("2026-12-03T10:00:00Z")).await.unwrap().unwrap();
        assert_eq!(later.count(|o| *o == Outcome::AlreadySent), 2);
        assert_eq!(later.count(|o| *o == Outcome::Sent), 0);
        assert_eq!(leader(&later), refused, "{backend}: tried again");
        assert_eq!(outbox.0.lock().unwrap().len(), 2, "{backend}: nothing sent twice");
    }
}

/// Records each message it is handed, whole.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<pacer_app::digest::Email>>);

impl pacer_app::digest::Mailer for Recorder {
    async fn send(&self, email: &pacer_app::digest::Email) -> Result<(), String> {
        self.0.lock().unwrap().push(email.clone());
        Ok(())
    }
}

/// A person whose language is French receives the digest in French (subject, text and HTML),
/// the others in English, in the same sending; their "My digest" page is French too, and an
/// admin previewing it sees it as it is sent.
#[tokio::test]
async fn a_french_reader_receives_the_digest_in_french() {
    use pacer_core::language::Language;
    use pacer_storage::UserUpdate;
    for db in TestDb::all().await {
        let w = world(&db).await;
        let backend = db.backend();
        let card = w.ok(Role::Rep, "/api/v1/scorecard").await;
        let fy = card["fiscal_year"].as_i64().unwrap();
        approved_plan(&w, fy, &[json!({"kpi": "calls_made", "annual": 1200, "to": "reps"})]).await;
        let ops = Actor::named("test");
        for (role, email, language) in
            [(Role::Rep, "rep@acme.example", Some(Language::French)), (Role::Manager, "manager@acme.example", None)]
        {
            let update =
                UserUpdate { email: Some(Some(email.into())), language: Some(language), ..UserUpdate::default() };
            w.store.update_user(w.users[&role], &update, &ops).await.unwrap();
        }

        let series = pacer_app::churn::SeriesCache::default();
        let caches = pacer_app::cache::Caches { warm: None, series: &series };
        let today = "2026-12-02".parse().unwrap();
        let principal = pacer_core::access::Principal::command_line();
        let ctx = pacer_app::Context::new(w.store.as_ref(), caches, principal, today).await.unwrap();
        let outbox = Recorder::default();
        let week = "2026-W49".parse().unwrap();
        let now = "2026-12-02T08:00:00Z".parse().unwrap();
        pacer_app::digest::send(&ctx, &outbox, week, false, now).await.unwrap();
        let sent = outbox.0.lock().unwrap().clone();
        let to = |address: &str| sent.iter().find(|e| e.to == address).unwrap_or_else(|| panic!("{backend}: {sent:?}"));

        let french = to("rep@acme.example");
        assert!(french.subject.contains("votre semaine 2026-W49 dans Pacer"), "{}", french.subject);
        for words in ["Bonjour rep,", "Votre fiche de performance", "Objectif à date", "au 2 déc. 2026", "décochez"]
        {
            assert!(french.text.contains(words), "{backend}: {words}: {}", french.text);
            assert!(french.html.contains(words), "{backend}: {words}: {}", french.html);
        }
        for words in ["Hello", "Your scorecard", "Target to date", "To stop it"] {
            assert!(!french.text.contains(words), "{backend}: English {words:?} left: {}", french.text);
        }
        assert!(french.text.contains("chaque lundi à 08:00"), "{}", french.text);
        let english = to("manager@acme.example");
        assert!(english.subject.contains("your week 2026-W49 in Pacer") && english.text.contains("Hello manager,"));

        // The French reader's own page, and an admin's preview of it as it is sent.
        for (role, path) in
            [(Role::Rep, "/digest".to_string()), (Role::Admin, format!("/digest?user={}", w.users[&Role::Rep]))]
        {
            let (cookie, _) = w.session(role).await;
            let (status, html, _) = send(&w.app, get(&path, &cookie)).await;
            assert_eq!(status, StatusCode::OK, "{backend}: {html}");
            assert!(html.contains("Bonjour rep,") && html.contains("Votre fiche de performance"), "{role}: {html}");
        }
        let (cookie, _) = w.session(Role::Rep).await;
        let (_, html, _) = send(&w.app, get("/digest", &cookie)).await;
        assert!(html.contains(r#"lang="fr""#) && html.contains("Récapitulatif hebdomadaire : rep"), "{html}");
        assert!(html.contains("La version texte") && !html.contains("The plain-text part"), "{html}");
    }
}
