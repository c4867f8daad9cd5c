//! A seeded organisation and a way to call the app as anyone, shared by the web tests.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use pacer_app::credentials::{hash_password, token_hash};
use pacer_core::access::{Role, Scope};
use pacer_core::audit::Actor;
use pacer_core::org::{NewRep, NewTeam, Organisation, TeamUpdate};
use pacer_storage::testing::TestDb;
use pacer_storage::{NewUser, Session, Store};
use pacer_web::{AppState, WebSettings, app};
use std::collections::HashMap;
use std::sync::Arc;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    User(Role),
    Token(Scope),
}

pub const EVERYONE: [Who; 8] = [
    Who::Anonymous,
    Who::User(Role::Rep),
    Who::User(Role::Manager),
    Who::User(Role::Leader),
    Who::User(Role::Admin),
    Who::Token(Scope::Ingest),
    Who::Token(Scope::Read),
    Who::Token(Scope::Admin),
];

/// `n` calls by `rep` on `day`, from 08:00 a minute apart, pushed as an integration's (`{tag}-{i}`).
pub fn calls(rep: i64, day: chrono::NaiveDate, n: i64, tag: &str) -> Vec<pacer_core::records::NewActivity> {
    (0..n)
        .map(|i| pacer_core::records::NewActivity {
            rep_id: rep,
            activity_type: "call".into(),
            occurred_at: day.and_hms_opt(8, 0, 0).unwrap() + chrono::Duration::minutes(i),
            duration_s: None,
            account_id: None,
            source: pacer_core::records::SourceKind::Integration,
            external_id: Some(format!("{tag}-{i}")),
            fields: Default::default(),
            entered_by: None,
        })
        .collect()
}

/// An approved plan "Base" of fiscal year `fy` with a 10% tolerance and these allocations (the
/// bodies of `POST /api/v1/plans/{id}/allocate`): its id.
pub async fn approved_plan(w: &World, fy: i64, allocations: &[serde_json::Value]) -> i64 {
    let plan = serde_json::json!({"fiscal_year": fy, "name": "Base", "settings": {"tolerance": 0.1}});
    let (status, plan) = w.send(Role::Admin, Method::POST, "/api/v1/plans", Some(plan)).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let id = plan["id"].as_i64().unwrap();
    for allocate in allocations {
        let path = format!("/api/v1/plans/{id}/allocate");
        let (status, body) = w.send(Role::Admin, Method::POST, &path, Some(allocate.clone())).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let approve = serde_json::json!({"status": "approved"});
    let (status, body) = w.send(Role::Leader, Method::POST, &format!("/api/v1/plans/{id}/status"), Some(approve)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id
}

/// A seeded organisation: two teams with a manager and a rep each, a user per role, tokens.
pub struct World {
    pub app: Router,
    pub store: Arc<dyn Store>,
    pub users: HashMap<Role, i64>,
    pub tokens: HashMap<Scope, String>,
    pub team_a: i64,
    pub team_b: i64,
    pub rep_a: i64,
    pub rep_b: i64,
    pub victim_user: i64,
    pub victim_token: i64,
    pub victim_team: i64,
}

pub async fn world(db: &TestDb) -> World {
    let store: Arc<dyn Store> = Arc::new(db.store.clone());
    let ops = Actor::named("setup");
    let d = |s: &str| s.parse().unwrap();
    store.save_organisation(&Organisation::default(), &ops).await.unwrap();
    let team = |name: &str| NewTeam { name: name.into(), ..NewTeam::default() };
    let team_a = store.create_team(&team("A"), &ops).await.unwrap().id;
    let team_b = store.create_team(&team("B"), &ops).await.unwrap().id;
    let victim_team = store.create_team(&team("C"), &ops).await.unwrap().id;
    let rep = |name: &str, team: i64| NewRep {
        name: name.into(),
        email: None,
        title: None,
        team_id: Some(team),
        hire_date: d("2020-01-01"),
        leave_date: None,
        external_id: None,
    };
    let manager_a = store.create_rep(&rep("Manager A", team_a), &ops).await.unwrap().id;
    let manager_b = store.create_rep(&rep("Manager B", team_b), &ops).await.unwrap().id;
    let rep_a = store.create_rep(&rep("Rep A", team_a), &ops).await.unwrap().id;
    let rep_b = store.create_rep(&rep("Rep B", team_b), &ops).await.unwrap().id;
    for (t, m) in [(team_a, manager_a), (team_b, manager_b)] {
        store.update_team(t, &TeamUpdate { manager_id: Some(Some(m)), ..TeamUpdate::default() }, &ops).await.unwrap();
    }
    let hash = hash_password("a long password").unwrap();
    let mut users = HashMap::new();
    for (role, rep_id) in
        [(Role::Rep, Some(rep_a)), (Role::Manager, Some(manager_a)), (Role::Leader, None), (Role::Admin, None)]
    {
        let user = NewUser {
            username: role.to_string(),
            display_name: role.to_string(),
            role,
            rep_id,
            email: None,
            password_hash: hash.clone(),
        };
        users.insert(role, store.create_user(&user, &ops).await.unwrap().id);
    }
    let victim = NewUser {
        username: "victim".into(),
        display_name: "v".into(),
        role: Role::Rep,
        rep_id: None,
        email: None,
        password_hash: hash,
    };
    let victim_user = store.create_user(&victim, &ops).await.unwrap().id;
    let mut tokens = HashMap::new();
    for scope in Scope::ALL {
        let secret = format!("pacer_test_{scope}");
        store.create_token(scope.as_str(), scope, &token_hash(&secret), &ops).await.unwrap();
        tokens.insert(scope, secret);
    }
    let victim_token = store.create_token("victim", Scope::Read, &token_hash("victim"), &ops).await.unwrap().id;
    let catalog = pacer_demo::catalog_toml(chrono::Local::now().date_naive());
    let series = pacer_app::churn::SeriesCache::default();
    let caches = pacer_app::cache::Caches { warm: None, series: &series };
    let ctx = pacer_app::Context::with_org(
        store.as_ref(),
        caches,
        Organisation::default(),
        pacer_core::access::Principal::command_line(),
        d("2026-11-26"),
    );
    let applied = pacer_app::catalog::apply_catalog(&ctx, "metrics.toml", &catalog, &ops, false).await;
    assert!(applied.is_ok(), "the demo catalog applies");
    let settings = WebSettings { secure_cookies: false, ..WebSettings::default() };
    let app = app(AppState::new(store.clone(), settings));
    World { app, store, users, tokens, team_a, team_b, rep_a, rep_b, victim_user, victim_token, victim_team }
}

impl World {
    /// A GET as `role` that must answer 200: its JSON body.
    pub async fn ok(&self, role: Role, path: &str) -> serde_json::Value {
        let (status, body) = self.send(role, Method::GET, path, None).await;
        assert_eq!(status, StatusCode::OK, "{path} as {role}: {body}");
        body
    }

    /// A fresh session for `role`: (cookie secret, CSRF token).
    pub async fn session(&self, role: Role) -> (String, String) {
        let secret = format!("s{}", rand_suffix());
        let csrf = format!("c{}", rand_suffix());
        let session = Session {
            token_hash: token_hash(&secret),
            user_id: self.users[&role],
            csrf_token: csrf.clone(),
            expires_at: i64::MAX / 2,
            last_seen_at: chrono::Utc::now().timestamp(),
        };
        self.store.create_session(&session).await.unwrap();
        (secret, csrf)
    }

    /// A JSON request as `role` (session, CSRF token, a reason for the audit log): the status
    /// and the JSON body (`Null` when the body is not JSON).
    pub async fn send(
        &self,
        role: Role,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        use http_body_util::BodyExt;
        let (cookie, csrf) = self.session(role).await;
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, format!("pacer_session={cookie}"))
            .header("x-csrf-token", csrf)
            .header("x-pacer-reason", "test");
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let resp = self.app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
    }

    pub fn concrete_path(&self, path: &str) -> String {
        let id = if path.starts_with("/users") || path.starts_with("/api/v1/users") {
            self.victim_user
        } else if path.starts_with("/tokens") || path.starts_with("/api/v1/tokens") {
            self.victim_token
        } else if path.contains("deactivate") || path.starts_with("/api/v1/teams") && path.ends_with("{id}") {
            self.victim_team
        } else if path.contains("/kpis/") {
            return path.replace("{key}", "calls_made");
        } else if path.starts_with("/teams") || path.starts_with("/api/v1/teams") {
            self.team_a
        } else {
            self.rep_a
        };
        path.replace("{id}", &id.to_string())
    }

    pub async fn call(&self, who: Who, method: &Method, path: &str) -> (StatusCode, String) {
        let is_api = path.starts_with("/api/");
        let mut req = Request::builder().method(method.clone()).uri(path);
        let mut body = Body::empty();
        match who {
            Who::Anonymous => {}
            Who::Token(scope) => req = req.header(header::AUTHORIZATION, format!("Bearer {}", self.tokens[&scope])),
            Who::User(_) if path == "/login" => {}
            Who::User(role) => {
                let (secret, csrf) = self.session(role).await;
                req = req.header(header::COOKIE, format!("pacer_session={secret}")).header("x-csrf-token", csrf);
            }
        }
        if *method == Method::POST && path == "/login" {
            // The sign-in form's own CSRF cookie and field, and good credentials.
            req = req
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, "pacer_login_csrf=t");
            body = Body::from("csrf=t&username=admin&password=a+long+password");
        } else if *method != Method::GET {
            if is_api && path.ends_with("/catalog") {
                req = req.header(header::CONTENT_TYPE, "application/toml");
                body = Body::from("not = [valid");
            } else if is_api {
                req = req.header(header::CONTENT_TYPE, "application/json");
                body = Body::from("{}");
            } else {
                req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            }
        }
        let resp = self.app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        let status = resp.status();
        let location =
            resp.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        (status, location)
    }
}

/// Sends a request: the status, the body as text and the headers.
pub async fn send(app: &Router, req: Request<Body>) -> (StatusCode, String, axum::http::HeaderMap) {
    use http_body_util::BodyExt;
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), headers)
}

/// A GET with a session cookie.
pub fn get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path).header(header::COOKIE, format!("pacer_session={cookie}")).body(Body::empty()).unwrap()
}

/// A request with a session's cookie and CSRF token and a body of content type `kind`.
pub fn with_session(method: Method, path: &str, session: &(String, String), kind: &str, body: Body) -> Request<Body> {
    let (cookie, csrf) = session;
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, format!("pacer_session={cookie}"))
        .header("x-csrf-token", csrf)
        .header(header::CONTENT_TYPE, kind)
        .body(body)
        .unwrap()
}

pub fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// A multipart form body with `fields` and one CSV `file` (name, text): (content type, body).
pub fn multipart(fields: &[(&str, &str)], file: (&str, &str)) -> (String, String) {
    let (kind, body) = multipart_file(fields, (file.0, "text/csv", file.1.as_bytes()));
    (kind, String::from_utf8(body).unwrap())
}

/// A multipart form body with `fields` and one `file` (name, media type, bytes): (content type, body).
pub fn multipart_file(fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "pacerboundary42";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    let (name, kind, bytes) = file;
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {kind}\r\n\r\n"
        )
        .bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A JSON request with an API token: the status and the JSON body (`Null` when the body is not JSON).
pub async fn with_token(
    app: &Router,
    method: Method,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    use http_body_util::BodyExt;
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}
