//! What a caller may see and what bad input gets: record scoping, CSRF,
//! sign-in back-off, idle and expired sessions, malformed and oversized requests. Both databases.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use common::{Who, get, send, with_session, world};
use pacer_app::credentials::token_hash;
use pacer_core::access::Role;
use pacer_core::throttle::ThrottleKey;
use pacer_storage::testing::TestDb;
use pacer_storage::{AccessStore, OrgStore, RecordStore, Session};
use std::net::SocketAddr;

#[tokio::test]
async fn reps_and_managers_see_only_their_scope() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (rep, _) = w.session(Role::Rep).await;
        // Their own page and record: yes. A colleague's, or one that does not exist: the same 404.
        assert_eq!(send(&w.app, get(&format!("/reps/{}", w.rep_a), &rep)).await.0, StatusCode::OK);
        let other = send(&w.app, get(&format!("/api/v1/reps/{}", w.rep_b), &rep)).await;
        let missing = send(&w.app, get("/api/v1/reps/999999", &rep)).await;
        assert_eq!(other.0, StatusCode::NOT_FOUND);
        assert_eq!(missing.0, StatusCode::NOT_FOUND);
        assert_eq!(
            other.1.replace(&w.rep_b.to_string(), "N"),
            missing.1.replace("999999", "N"),
            "no hint that the rep exists"
        );
        assert_eq!(send(&w.app, get(&format!("/reps/{}", w.rep_b), &rep)).await.0, StatusCode::NOT_FOUND);
        let listed = send(&w.app, get("/api/v1/reps", &rep)).await.1;
        let ids: Vec<i64> = serde_json::from_str::<Vec<serde_json::Value>>(&listed)
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![w.rep_a], "{}", db.backend());

        let (manager, _) = w.session(Role::Manager).await;
        assert_eq!(send(&w.app, get(&format!("/teams/{}", w.team_a), &manager)).await.0, StatusCode::OK);
        assert_eq!(send(&w.app, get(&format!("/teams/{}", w.team_b), &manager)).await.0, StatusCode::NOT_FOUND);
        assert_eq!(send(&w.app, get(&format!("/api/v1/reps/{}", w.rep_a), &manager)).await.0, StatusCode::OK);
        assert_eq!(send(&w.app, get(&format!("/api/v1/reps/{}", w.rep_b), &manager)).await.0, StatusCode::NOT_FOUND);
        let org_page = send(&w.app, get("/org", &manager)).await.1;
        assert!(org_page.contains("Rep A") && !org_page.contains("Rep B"), "the manager's org page shows team A only");
        // A quick log for someone outside one's scope changes nothing.
        let (rep_cookie, csrf) = w.session(Role::Rep).await;
        let req = Request::post(format!("/reps/{}/activities", w.rep_b))
            .header(header::COOKIE, format!("pacer_session={rep_cookie}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}&activity_type=call")))
            .unwrap();
        assert_eq!(send(&w.app, req).await.0, StatusCode::NOT_FOUND);
        assert!(db.store.recent_activities(w.rep_b, 10).await.unwrap().is_empty());

        let (leader, _) = w.session(Role::Leader).await;
        let all = send(&w.app, get("/api/v1/reps", &leader)).await.1;
        assert_eq!(serde_json::from_str::<Vec<serde_json::Value>>(&all).unwrap().len(), 4);
    }
}

#[tokio::test]
async fn quick_log_lands_on_the_reps_page() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (cookie, csrf) = w.session(Role::Rep).await;
        let req = Request::post(format!("/reps/{}/activities", w.rep_a))
            .header(header::COOKIE, format!("pacer_session={cookie}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}&activity_type=meeting&date=&minutes=30")))
            .unwrap();
        let (status, _, headers) = send(&w.app, req).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(headers[header::LOCATION].to_str().unwrap().starts_with(&format!("/reps/{}?notice=", w.rep_a)));
        let page = send(&w.app, get(&format!("/reps/{}", w.rep_a), &cookie)).await.1;
        assert!(page.contains("meeting") && page.contains(">30<"), "{}", db.backend());
        let bad = Request::post(format!("/reps/{}/activities", w.rep_a))
            .header(header::COOKIE, format!("pacer_session={cookie}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}&activity_type=party")))
            .unwrap();
        assert_eq!(send(&w.app, bad).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(db.store.recent_activities(w.rep_a, 10).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn state_changes_need_the_csrf_token() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (cookie, csrf) = w.session(Role::Admin).await;
        let form = |body: String| {
            Request::post("/teams")
                .header(header::COOKIE, format!("pacer_session={cookie}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap()
        };
        assert_eq!(send(&w.app, form("name=Forged".into())).await.0, StatusCode::FORBIDDEN);
        assert_eq!(send(&w.app, form("name=Forged&csrf=wrong".into())).await.0, StatusCode::FORBIDDEN);
        let api = Request::post("/api/v1/teams")
            .header(header::COOKIE, format!("pacer_session={cookie}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"name":"Forged"}"#))
            .unwrap();
        let (status, body, _) = send(&w.app, api).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(body.contains("\"code\":\"csrf\""), "{body}");
        assert!(db.store.teams().await.unwrap().iter().all(|t| t.name != "Forged"), "nothing changed");
        assert_eq!(send(&w.app, form(format!("name=Real&csrf={csrf}"))).await.0, StatusCode::SEE_OTHER);
        assert!(db.store.teams().await.unwrap().iter().any(|t| t.name == "Real"));
        // The sign-in form has its own token before any session exists.
        let login = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("username=admin&password=a+long+password"))
            .unwrap();
        assert_eq!(send(&w.app, login).await.0, StatusCode::FORBIDDEN);
    }
}

/// A sign-in from an address, as the server sees the connection.
fn login_from(user: &str, password: &str, address: [u8; 4]) -> Request<Body> {
    let mut req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, "pacer_login_csrf=t")
        .body(Body::from(format!("csrf=t&username={user}&password={password}")))
        .unwrap();
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from((address, 40_000))));
    req
}

fn retry_after(headers: &axum::http::HeaderMap) -> i64 {
    headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn sign_in_backs_off_without_locking_the_real_user_out() {
    const ATTACKER: [u8; 4] = [203, 0, 113, 9];
    const OFFICE: [u8; 4] = [198, 51, 100, 7];
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (status, wrong_password, _) = send(&w.app, login_from("admin", "nope", ATTACKER)).await;
        let (status2, no_such_user, _) = send(&w.app, login_from("nobody", "nope", ATTACKER)).await;
        assert_eq!((status, status2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
        let message = |page: &str| {
            page.split("role=\"alert\">").nth(1).and_then(|s| s.split('<').next()).unwrap_or("").to_string()
        };
        assert_eq!(message(&wrong_password), message(&no_such_user));
        // Five more failures from one place, recorded now (through HTTP each would take a hashing's
        // time, and a wait of seconds would pass during the test): that place waits, even with the
        // right password.
        let keys: Vec<String> = ThrottleKey::ALL.iter().map(|k| k.key("admin", "203.0.113.9")).collect();
        for _ in 0..5 {
            db.store.record_login_failure(&keys, chrono::Utc::now().timestamp(), 0).await.unwrap();
        }
        let (status, page, headers) = send(&w.app, login_from("admin", "a+long+password", ATTACKER)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{}", db.backend());
        assert!(message(&page).starts_with("too many failed sign-ins: try again in "), "{page}");
        assert!((1..=2).contains(&retry_after(&headers)), "six failures: a wait of two seconds");
        // The real admin, elsewhere, is not locked out; another account from the attacker's place neither.
        assert_eq!(send(&w.app, login_from("admin", "a+long+password", OFFICE)).await.0, StatusCode::SEE_OTHER);
        let (status, _, headers) = send(&w.app, login_from("leader", "a+long+password", ATTACKER)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}", db.backend());
        let cookies: Vec<_> =
            headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect();
        assert!(
            cookies
                .iter()
                .any(|c| c.starts_with("pacer_session=") && c.contains("HttpOnly") && c.contains("SameSite=Lax")),
            "{cookies:?}"
        );

        // The wait doubles with each failure: twelve from the attacker's place, 2^7 seconds.
        let now = chrono::Utc::now().timestamp();
        let pair = ThrottleKey::AccountAtAddress.key("manager", "203.0.113.9");
        for _ in 0..12 {
            db.store.record_login_failure(std::slice::from_ref(&pair), now, 0).await.unwrap();
        }
        let (status, _, headers) = send(&w.app, login_from("manager", "a+long+password", ATTACKER)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!((127..=128).contains(&retry_after(&headers)), "{headers:?}");
        // Guesses from everywhere slow the account down, but its owner waits a minute at most.
        let account = ThrottleKey::Account.key("rep", "");
        for _ in 0..200 {
            db.store.record_login_failure(std::slice::from_ref(&account), now, 0).await.unwrap();
        }
        let (status, _, headers) = send(&w.app, login_from("rep", "a+long+password", OFFICE)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(retry_after(&headers) <= 60, "{headers:?}");
        // Once the wait has passed, the password is checked again.
        db.store.clear_login_failures(&account).await.unwrap();
        for _ in 0..12 {
            db.store.record_login_failure(std::slice::from_ref(&account), now - 120, 0).await.unwrap();
        }
        assert_eq!(send(&w.app, login_from("rep", "a+long+password", OFFICE)).await.0, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn idle_sessions_end_before_their_expiry_and_used_ones_stay() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let now = chrono::Utc::now().timestamp();
        let session = |secret: &str, last_seen_at: i64| Session {
            token_hash: token_hash(secret),
            user_id: w.users[&Role::Admin],
            csrf_token: "c".into(),
            expires_at: now + 3600 * 10,
            last_seen_at,
        };
        db.store.create_session(&session("idle", now - 2 * 3600)).await.unwrap();
        db.store.create_session(&session("busy", now - 600)).await.unwrap();
        assert_eq!(send(&w.app, get("/api/v1/me", "idle")).await.0, StatusCode::UNAUTHORIZED, "an hour idle ends it");
        assert!(db.store.session(&token_hash("idle"), now).await.unwrap().is_none(), "and removes it");
        assert_eq!(send(&w.app, get("/api/v1/me", "busy")).await.0, StatusCode::OK);
        let (seen, _) = db.store.session(&token_hash("busy"), now).await.unwrap().unwrap();
        assert!(seen.last_seen_at >= now, "a use counts as activity: {}", seen.last_seen_at);
    }
}

#[tokio::test]
async fn expired_and_forged_sessions_are_anonymous() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let expired = Session {
            token_hash: token_hash("old"),
            user_id: w.users[&Role::Admin],
            csrf_token: "c".into(),
            expires_at: 1,
            last_seen_at: 0,
        };
        db.store.create_session(&expired).await.unwrap();
        let (status, _, headers) = send(&w.app, get("/org", "old")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(headers[header::LOCATION].to_str().unwrap().starts_with("/login?next="));
        assert_eq!(send(&w.app, get("/api/v1/me", "forged")).await.0, StatusCode::UNAUTHORIZED);
        let bad_token =
            Request::get("/api/v1/me").header(header::AUTHORIZATION, "Bearer nope").body(Body::empty()).unwrap();
        assert_eq!(send(&w.app, bad_token).await.0, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn bad_requests_get_the_one_error_shape() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let session = w.session(Role::Admin).await;
        let (cookie, csrf) = session.clone();
        let post = |path: &str, body: &'static str| {
            with_session(Method::POST, path, &session, "application/json", Body::from(body))
        };
        let (status, body, _) = send(&w.app, post("/api/v1/teams", "{not json")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["code"], "bad_request");
        let (status, body, _) = send(&w.app, post("/api/v1/teams", r#"{"name": 5}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body, _) = send(&w.app, post("/api/v1/teams", r#"{"name": "A"}"#)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        // A parent that makes a cycle: 422 with the reason, nothing changed.
        let patch = Request::patch(format!("/api/v1/teams/{}", w.team_a))
            .header(header::COOKIE, format!("pacer_session={cookie}"))
            .header("x-csrf-token", csrf.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(r#"{{"parent_id": {}}}"#, w.team_a)))
            .unwrap();
        let (status, body, _) = send(&w.app, patch).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("cycle"), "{body}");
        assert_eq!(db.store.team(w.team_a).await.unwrap().parent_id, None);
        let huge = vec![b'x'; 17 * 1024 * 1024];
        let req = Request::post("/api/v1/teams")
            .header(header::COOKIE, format!("pacer_session={cookie}"))
            .header("x-csrf-token", csrf.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(huge))
            .unwrap();
        assert_eq!(send(&w.app, req).await.0, StatusCode::PAYLOAD_TOO_LARGE);
        let (status, body, _) = send(&w.app, get("/api/v1/calendar?fy=abc", &cookie)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, body, _) = send(&w.app, get("/api/v1/calendar?fy=2026&kind=fortnight", &cookie)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("use week, month, quarter, half or year"), "{body}");
        assert_eq!(send(&w.app, get("/no/such/page", &cookie)).await.0, StatusCode::NOT_FOUND);
        let (_, doc, _) = send(&w.app, Request::get("/api/v1/openapi.json").body(Body::empty()).unwrap()).await;
        let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert!(doc["paths"]["/api/v1/teams/{id}"]["patch"].is_object());
        let _ = w.call(Who::Anonymous, &Method::GET, "/healthz").await;
    }
}

/// A page as a browser asking for `language` sends it, with a session when there is one.
fn get_in(path: &str, cookie: Option<&str>, language: &str) -> Request<Body> {
    let mut req = Request::get(path).header(header::ACCEPT_LANGUAGE, language);
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, format!("pacer_session={cookie}"));
    }
    req.body(Body::empty()).unwrap()
}

const FRENCH_BROWSER: &str = "fr-FR,fr;q=0.9";
const ENGLISH_BROWSER: &str = "en-US,en;q=0.9";

/// Asserts that `page` is French: `lang="fr"`, every one of `french` and none of `english`.
fn assert_french(path: &str, page: &str, french: &[&str], english: &[&str]) {
    assert!(page.contains("lang=\"fr\""), "{path}: {page}");
    for word in french {
        assert!(page.contains(word), "{path} lacks {word:?}: {page}");
    }
    for word in english {
        assert!(!page.contains(word), "{path} still says {word:?}: {page}");
    }
}

/// Before sign-in the sign-in page speaks the browser's language; its refusal too.
#[tokio::test]
async fn the_sign_in_page_speaks_the_browsers_language() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (status, page, _) = send(&w.app, get_in("/login", None, FRENCH_BROWSER)).await;
        assert_eq!(status, StatusCode::OK);
        assert_french(
            "/login",
            &page,
            &["Connexion à Pacer", "Nom d’utilisateur", "Mot de passe", "Se connecter"],
            &["Sign in", "User name", "Password"],
        );
        let (_, page, _) = send(&w.app, get_in("/login", None, ENGLISH_BROWSER)).await;
        assert!(page.contains("lang=\"en\"") && page.contains("Sign in to Pacer"), "{page}");
        let mut wrong = login_from("admin", "nope", [192, 0, 2, 1]);
        wrong.headers_mut().insert(header::ACCEPT_LANGUAGE, FRENCH_BROWSER.parse().unwrap());
        let (status, page, _) = send(&w.app, wrong).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_french("/login", &page, &["Nom d’utilisateur ou mot de passe incorrect."], &["is wrong"]);
    }
}

/// The admin pages of users, tokens, the audit log and one's account speak French to a French browser.
#[tokio::test]
async fn the_admin_pages_speak_french() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (admin, _) = w.session(Role::Admin).await;
        let pages: [(&str, &[&str], &[&str]); 5] = [
            (
                "/users",
                &[
                    "<h1>Utilisateurs</h1>",
                    "Ajouter un utilisateur",
                    "Fiche commercial",
                    "Récapitulatif hebdomadaire",
                    "désactivé",
                ],
                &["Add a user", "Rep record", "Weekly digest", "deactivated", "Add user"],
            ),
            (
                "/tokens",
                &["Jetons d’API", "Créer un jeton", "Portée", "Révoquer", "lecture"],
                &["Create a token", "Scope", ">Revoke<", "Copy it now"],
            ),
            (
                "/audit",
                &[
                    "Journal d’audit",
                    "Type d’enregistrement",
                    "Filtrer",
                    "Utilisateur créé",
                    "Jeton d’API créé",
                    "avant / après",
                ],
                &["Audit log", "Record kind", ">Filter<", "User created", "API token created", "before / after"],
            ),
            (
                "/account",
                &[
                    "Mon compte",
                    "Récapitulatif hebdomadaire",
                    "Changer de mot de passe",
                    "Mot de passe actuel",
                    "Enregistrer",
                ],
                &["My account", "Weekly digest", "Change password", "Current password", ">Save<"],
            ),
            (
                "/import",
                &["Importer un fichier", "Contenu du fichier", "Aperçu", "affaires"],
                &["Import a file", ">Preview<"],
            ),
        ];
        for (path, french, english) in pages {
            let (status, page, _) = send(&w.app, get_in(path, Some(&admin), FRENCH_BROWSER)).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_french(path, &page, french, english);
        }
    }
}

/// A language saved on the account page makes every following page speak it, whatever the
/// browser asks; clearing it gives the browser's back.
#[tokio::test]
async fn a_saved_language_wins_over_the_browsers_until_cleared() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let session = w.session(Role::Admin).await;
        let choose = |language: &str| {
            let mut req = with_session(
                Method::POST,
                "/account/language",
                &session,
                "application/x-www-form-urlencoded",
                Body::from(format!("language={language}")),
            );
            req.headers_mut().insert(header::ACCEPT_LANGUAGE, ENGLISH_BROWSER.parse().unwrap());
            req
        };
        let (status, _, headers) = send(&w.app, choose("fr")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}", db.backend());
        let notice = headers[header::LOCATION].to_str().unwrap().to_string();
        assert!(notice.starts_with("/account?notice=Votre+langue"), "{notice}");
        for (path, french) in
            [("/account", "Mon compte"), ("/users", "Ajouter un utilisateur"), ("/audit", "Journal d’audit")]
        {
            let (status, page, _) = send(&w.app, get_in(path, Some(&session.0), ENGLISH_BROWSER)).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_french(path, &page, &[french], &["My account", "Add a user", "Audit log"]);
        }
        // The saved language is chosen in the form.
        let (_, page, _) = send(&w.app, get_in("/account", Some(&session.0), ENGLISH_BROWSER)).await;
        assert!(page.contains("<option value=\"fr\" lang=\"fr\" selected>"), "{page}");

        let (status, _, headers) = send(&w.app, choose("")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let notice = headers[header::LOCATION].to_str().unwrap().to_string();
        assert!(notice.starts_with("/account?notice=Your+language"), "said in the browser's language: {notice}");
        let (_, page, _) = send(&w.app, get_in("/account", Some(&session.0), ENGLISH_BROWSER)).await;
        assert!(page.contains("lang=\"en\"") && page.contains("My account"), "back to the browser's: {page}");
        let (_, page, _) = send(&w.app, get_in("/account", Some(&session.0), FRENCH_BROWSER)).await;
        assert_french("/account", &page, &["Mon compte"], &["My account"]);
    }
}
