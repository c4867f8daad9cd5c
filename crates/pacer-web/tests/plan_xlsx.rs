//! A plan through a spreadsheet, end to end through the API on both databases: the export (a
//! sheet per KPI, owners by month, the year as a formula with its value), an unchanged re-import
//! that changes nothing, an edit that lands, and bad workbooks (an unknown rep, a 13th month, a
//! total that no longer matches, a negative amount, too many decimals) refused with every problem
//! located and nothing written; an approved plan refuses imports.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use calamine::{Data, Reader};
use common::world;
use http_body_util::BodyExt;
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_core::money::Currency;
use pacer_core::org::Organisation;
use pacer_core::plan::{NewPlan, PlanStatus, Target, TargetOwner, TargetTier};
use pacer_storage::testing::TestDb;
use serde_json::Value;
use tower::ServiceExt;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Sends `body` (a workbook) or nothing; answers the status, content type and body bytes.
async fn send(
    w: &common::World,
    role: Role,
    method: Method,
    path: &str,
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, String, Vec<u8>) {
    let (cookie, csrf) = w.session(role).await;
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, format!("pacer_session={cookie}"))
        .header("x-csrf-token", csrf)
        .header("x-pacer-reason", "spreadsheet round trip");
    let body = match body {
        Some((kind, bytes)) => {
            req = req.header(header::CONTENT_TYPE, kind);
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    let resp = w.app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let kind = resp.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, kind, bytes)
}

async fn import(w: &common::World, plan: i64, book: Vec<u8>) -> (StatusCode, Value) {
    let (status, _, body) =
        send(w, Role::Admin, Method::PUT, &format!("/api/v1/plans/{plan}/xlsx"), Some((XLSX, book))).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// A workbook as sheets of cells, as calamine reads them.
type Book = Vec<(String, Vec<Vec<Data>>)>;

fn read(bytes: &[u8]) -> Book {
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names().to_vec();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
            let rows = range.rows().map(<[Data]>::to_vec).collect();
            (name, rows)
        })
        .collect()
}

/// The cells written back as a plain workbook (numbers as numbers, text as text), as a
/// spreadsheet would save them.
fn write(book: &Book) -> Vec<u8> {
    let mut out = rust_xlsxwriter::Workbook::new();
    for (name, rows) in book {
        let ws = out.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Data::String(s) => ws.write_string(r, c, s).map(|_| ()),
                    Data::Float(f) => ws.write_number(r, c, *f).map(|_| ()),
                    Data::Int(i) => ws.write_number(r, c, *i as f64).map(|_| ()),
                    // A date (the About sheet's day of export) stays a date.
                    Data::DateTime(d) => ws
                        .write_number_with_format(
                            r,
                            c,
                            d.as_f64(),
                            &rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd"),
                        )
                        .map(|_| ()),
                    Data::Empty => Ok(()),
                    other => panic!("unexpected cell {other:?}"),
                }
                .unwrap();
            }
        }
    }
    out.save_to_buffer().unwrap()
}

fn sheet<'a>(book: &'a mut Book, name: &str) -> &'a mut Vec<Vec<Data>> {
    &mut book.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no sheet {name}")).1
}

/// The row index of an owner's line at a tier.
fn row_of(rows: &[Vec<Data>], kind: &str, id: Option<i64>, tier: &str) -> usize {
    rows.iter()
        .position(|r| {
            r[0] == Data::String(kind.into())
                && r[3] == Data::String(tier.into())
                && match id {
                    Some(id) => r[1] == Data::Float(id as f64),
                    None => r[1] == Data::Empty,
                }
        })
        .unwrap_or_else(|| panic!("no line {kind} {id:?} {tier}"))
}

fn targets(kpi: &str, owner: TargetOwner, tier: TargetTier, months: impl Fn(u8) -> i64) -> Vec<Target> {
    (1..=12).map(|m| Target { kpi: kpi.into(), owner, month: m, tier, amount: months(m) }).collect()
}

/// A problem of a 422, found by its cell.
fn problem<'a>(body: &'a Value, sheet: &str, cell: (&str, u32)) -> &'a Value {
    body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["sheet"] == sheet && p["column"] == cell.0 && p["row"] == cell.1)
        .unwrap_or_else(|| panic!("no problem at {sheet}!{}{}: {body}", cell.0, cell.1))
}

#[tokio::test]
async fn a_plan_round_trips_through_a_spreadsheet() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let ops = Actor::named("ops");
        let new = NewPlan { fiscal_year: 2026, name: "Base".into(), settings: Default::default(), copied_from: None };
        let plan = w.store.create_plan(&new, &ops).await.unwrap();
        let id = plan.id;
        let target = TargetTier::Target;
        // Money in cents (1,234.56 then 1,235.57, ...), and whole counts.
        let mut money = targets("new_business", TargetOwner::Company, target, |m| 10_000_000 + i64::from(m) * 101);
        money.extend(targets("new_business", TargetOwner::Team(w.team_a), target, |m| 5_000_000 + i64::from(m)));
        money.extend(targets("new_business", TargetOwner::Rep(w.rep_a), target, |m| 123_456 + i64::from(m) * 101));
        money.extend(targets("new_business", TargetOwner::Rep(w.rep_a), TargetTier::Stretch, |m| {
            150_000 + i64::from(m)
        }));
        money.extend(targets("new_business", TargetOwner::Rep(w.rep_b), target, |m| if m == 6 { 0 } else { 99_999 }));
        let mut counts = targets("calls_made", TargetOwner::Company, target, |m| 400 + i64::from(m));
        counts.extend(targets("calls_made", TargetOwner::Team(w.team_b), target, |_| 200));
        counts.extend(targets("calls_made", TargetOwner::Rep(w.rep_a), target, |m| 100 + i64::from(m)));
        counts.extend(targets("calls_made", TargetOwner::Rep(w.rep_b), target, |_| 100));
        w.store.put_targets(id, "new_business", &money, &ops).await.unwrap();
        w.store.put_targets(id, "calls_made", &counts, &ops).await.unwrap();
        let before = w.store.targets(id, None).await.unwrap();
        let context = format!("on {}", db.backend());

        // The export: a download, an About sheet, then a sheet per KPI with targets.
        let path = format!("/api/v1/plans/{id}/xlsx");
        // A leader's export holds every line (a manager's holds their teams': tests/scope.rs).
        let (status, kind, bytes) = send(&w, Role::Leader, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{context}: {}", String::from_utf8_lossy(&bytes));
        assert_eq!(kind, XLSX);
        let exported = read(&bytes);
        let mut names: Vec<&str> = exported.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.remove(0), "About");
        names.sort_unstable();
        assert_eq!(names, ["calls_made", "new_business"]);
        let about = &exported[0].1;
        assert_eq!(about[0][1], Data::String("Base".into()));
        assert_eq!(about[4][1], Data::String("draft".into()));
        let mut book = exported.clone();
        let nb = sheet(&mut book, "new_business").clone();
        let header: Vec<String> = nb[0].iter().map(ToString::to_string).collect();
        assert_eq!(header.len(), 17, "{header:?}");
        assert_eq!(header[..4], ["Owner kind", "Owner id", "Owner", "Tier"]);
        assert!(header[4].ends_with("(M01)") && header[15].ends_with("(M12)"), "{header:?}");
        assert_eq!(header[16], "Year");
        assert_eq!(nb.len(), 6, "company, a team, two reps and a stretch line");
        let a = row_of(&nb, "rep", Some(w.rep_a), "target");
        assert_eq!(nb[a][2], Data::String("Rep A".into()));
        assert_eq!(nb[a][4], Data::Float(1235.57));
        assert_eq!(nb[a][15], Data::Float(1246.68));
        // The Year formula's stored result: what a reader without recalculation sees.
        let year: i64 = (1..=12).map(|m| 123_456 + m * 101).sum();
        assert_eq!(nb[a][16], Data::Float(year as f64 / 100.0));
        let company = row_of(&nb, "company", None, "target");
        assert_eq!(company, 1, "the company first");
        let calls = sheet(&mut book, "calls_made").clone();
        let b = row_of(&calls, "rep", Some(w.rep_b), "target");
        assert_eq!(calls[b][4..16], vec![Data::Float(100.0); 12][..]);
        assert_eq!(calls[b][16], Data::Float(1200.0));

        // Unchanged, the workbook imports to the same targets (as exported, and as re-saved).
        for book in [bytes.clone(), write(&exported)] {
            let (status, report) = import(&w, id, book).await;
            assert_eq!(status, StatusCode::OK, "{context}: {report}");
            assert_eq!(report["plan"], id);
            let mut kpis: Vec<(String, i64, i64)> = report["kpis"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| {
                    (
                        k["kpi"].as_str().unwrap().to_string(),
                        k["lines"].as_i64().unwrap(),
                        k["targets"].as_i64().unwrap(),
                    )
                })
                .collect();
            kpis.sort();
            assert_eq!(kpis, [("calls_made".into(), 4, 48), ("new_business".into(), 5, 60)]);
            assert_eq!(w.store.targets(id, None).await.unwrap(), before, "{context}");
        }

        // An edited month (and its total, as the spreadsheet recalculates it) lands.
        let mut edited = exported.clone();
        let nb = sheet(&mut edited, "new_business");
        nb[a][6] = Data::Float(2000.25);
        let new_year: i64 = year - (123_456 + 3 * 101) + 200_025;
        nb[a][16] = Data::Float(new_year as f64 / 100.0);
        let calls = sheet(&mut edited, "calls_made");
        calls[b][15] = Data::Float(0.0);
        calls[b][16] = Data::Float(1100.0);
        let (status, report) = import(&w, id, write(&edited)).await;
        assert_eq!(status, StatusCode::OK, "{context}: {report}");
        let after = w.store.targets(id, None).await.unwrap();
        let changed: Vec<&Target> = after.iter().filter(|t| !before.contains(t)).collect();
        assert_eq!(changed.len(), 2, "{changed:?}");
        let find = |kpi: &str, owner, month| {
            after
                .iter()
                .find(|t| t.kpi == kpi && t.owner == owner && t.month == month && t.tier == target)
                .unwrap()
                .amount
        };
        assert_eq!(find("new_business", TargetOwner::Rep(w.rep_a), 3), 200_025);
        assert_eq!(find("calls_made", TargetOwner::Rep(w.rep_b), 12), 0);
        assert_eq!(after.len(), before.len());

        // Bad workbooks: every problem located, nothing written.
        let mut bad = edited.clone();
        let nb = sheet(&mut bad, "new_business");
        let r_b = row_of(nb, "rep", Some(w.rep_b), "target");
        let team = row_of(nb, "team", Some(w.team_a), "target");
        let stretch = row_of(nb, "rep", Some(w.rep_a), "stretch");
        nb[r_b][1] = Data::Float(999_999.0); // an unknown rep
        nb[team][16] = Data::Float(1.0); // a total typed over the formula
        nb[stretch][9] = Data::Float(-5.0); // a negative amount
        nb[company][10] = Data::Float(12.345); // a fraction of a cent
        // A 13th month, inserted before Year.
        for (i, row) in nb.iter_mut().enumerate() {
            let cell = if i == 0 { Data::String("Feb 2027 (M13)".into()) } else { Data::Float(1.0) };
            row.insert(16, cell);
        }
        let (status, body) = import(&w, id, write(&bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{context}: {body}");
        assert_eq!(body["error"]["code"], "invalid");
        assert_eq!(body["error"]["message"], "5 problems in the workbook; nothing was imported");
        assert_eq!(body["error"]["details"].as_array().unwrap().len(), 5, "{body}");
        let row = |i: usize| i as u32 + 1;
        let p = problem(&body, "new_business", ("B", row(r_b)));
        assert_eq!(p["value"], "999999");
        assert_eq!(p["reason"], "rep 999999 does not exist: use the id of an existing rep");
        let p = problem(&body, "new_business", ("Q", 1));
        assert_eq!(p["value"], "Feb 2027 (M13)");
        assert!(
            p["reason"].as_str().unwrap().starts_with("month outside the fiscal year: FY2026 has 12 months"),
            "{p}"
        );
        let p = problem(&body, "new_business", ("R", row(team)));
        assert_eq!(p["value"], "1");
        assert_eq!(
            p["reason"],
            "total does not match the months: months sum to 600,000.78, total says 1.00; change the months, not the total"
        );
        let p = problem(&body, "new_business", ("J", row(stretch)));
        assert_eq!((p["value"].as_str(), p["reason"].as_str()), (Some("-5"), Some("negative: targets are 0 or more")));
        let p = problem(&body, "new_business", ("K", row(company)));
        assert_eq!(p["value"], "12.345");
        assert_eq!(p["reason"], "the amount has more than 2 decimals, the most USD has");
        assert_eq!(w.store.targets(id, None).await.unwrap(), after, "{context}: nothing written");

        // A sheet that is not a KPI, and a file that is not a workbook.
        let mut stray = edited.clone();
        stray.push(("Notes".into(), vec![vec![Data::String("x".into())]]));
        let (status, body) = import(&w, id, write(&stray)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"][0]["sheet"], "Notes");
        assert!(body["error"]["details"][0]["reason"].as_str().unwrap().contains("not a KPI of the catalog"));
        let (status, body) = import(&w, id, b"not a workbook".to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, _, body) =
            send(&w, Role::Admin, Method::PUT, &path, Some(("application/json", bytes.clone()))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(&body));
        assert_eq!(w.store.targets(id, None).await.unwrap(), after);

        // Only a draft takes an import: an approved plan is a conflict.
        w.store.set_plan_status(id, PlanStatus::Approved, &Actor::named("lead")).await.unwrap();
        let (status, body) = import(&w, id, bytes.clone()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{context}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("only a draft can be edited"), "{body}");
        assert_eq!(w.store.targets(id, None).await.unwrap(), after);
        // Reading stays open: the approved plan still exports.
        let (status, _, _) = send(&w, Role::Leader, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, _) = send(&w, Role::Manager, Method::PUT, &path, Some((XLSX, bytes))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

/// Money in the workbook has the plan's currency's decimals (the organisation's): whole yen,
/// three decimals of dinar, cents of euro. Exported then imported, the targets are the same
/// minor units; a month with more decimals than the currency has is refused at its cell with
/// its value and why, and nothing is written.
#[tokio::test]
async fn money_keeps_its_currencys_decimals_through_the_workbook() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let ops = Actor::named("ops");
        for (code, amount, shown, bad, reason) in [
            ("EUR", 123_456, 1234.56, 12.345, "the amount has more than 2 decimals, the most EUR has"),
            ("JPY", 150_000, 150_000.0, 1500.5, "the amount has decimals, but JPY has none: amounts in JPY are whole"),
            ("KWD", 1_234_567, 1234.567, 1.2345, "the amount has more than 3 decimals, the most KWD has"),
        ] {
            let context = format!("{code} on {}", db.backend());
            let org = Organisation { currency: Currency::parse(code).unwrap(), ..Organisation::default() };
            w.store.save_organisation(&org, &ops).await.unwrap();
            let new = NewPlan {
                fiscal_year: 2026,
                name: format!("In {code}"),
                settings: Default::default(),
                copied_from: None,
            };
            let id = w.store.create_plan(&new, &ops).await.unwrap().id;
            let target = TargetTier::Target;
            let mut money = targets("new_business", TargetOwner::Company, target, |m| amount + i64::from(m));
            money.extend(targets("new_business", TargetOwner::Rep(w.rep_a), target, |m| amount * i64::from(m)));
            w.store.put_targets(id, "new_business", &money, &ops).await.unwrap();
            let before = w.store.targets(id, None).await.unwrap();

            let (status, _, bytes) =
                send(&w, Role::Leader, Method::GET, &format!("/api/v1/plans/{id}/xlsx"), None).await;
            assert_eq!(status, StatusCode::OK, "{context}");
            let exported = read(&bytes);
            let about: Vec<String> = exported[0].1.iter().map(|r| r[1].to_string()).collect();
            assert!(about.iter().any(|l| l.starts_with(&format!("Money is in {code}"))), "{context}: {about:?}");
            let mut book = exported.clone();
            let nb = sheet(&mut book, "new_business");
            let a = row_of(nb, "rep", Some(w.rep_a), "target");
            assert_eq!(nb[a][4], Data::Float(shown), "{context}: month 1 in {code} units");

            // Export then import: the same minor units, from the workbook and as a spreadsheet saves it.
            for book in [bytes.clone(), write(&exported)] {
                let (status, report) = import(&w, id, book).await;
                assert_eq!(status, StatusCode::OK, "{context}: {report}");
                assert_eq!(w.store.targets(id, None).await.unwrap(), before, "{context}");
            }

            // A month with more decimals than the currency has: refused at its cell, nothing written.
            let mut edited = exported.clone();
            let nb = sheet(&mut edited, "new_business");
            nb[a][5] = Data::Float(bad);
            let (status, body) = import(&w, id, write(&edited)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{context}: {body}");
            assert_eq!(body["error"]["details"].as_array().unwrap().len(), 1, "{context}: {body}");
            let p = problem(&body, "new_business", ("F", a as u32 + 1));
            assert_eq!(p["value"], bad.to_string(), "{context}");
            assert_eq!(p["reason"], reason, "{context}");
            assert_eq!(w.store.targets(id, None).await.unwrap(), before, "{context}: nothing written");
        }
    }
}

/// Uploads a workbook through the plan page's form (the CSRF token in the address, as the form
/// sends it): status, body and where it redirects.
async fn upload(w: &common::World, role: Role, plan: i64, book: &[u8]) -> (StatusCode, String, String) {
    let (cookie, csrf) = w.session(role).await;
    let (kind, body) = common::multipart_file(&[("reason", "q4 fix")], ("plan.xlsx", XLSX, book));
    let req = Request::post(format!("/plans/{plan}/xlsx?csrf={csrf}"))
        .header(header::COOKIE, format!("pacer_session={cookie}"))
        .header(header::CONTENT_TYPE, kind)
        .body(Body::from(body))
        .unwrap();
    let (status, body, headers) = common::send(&w.app, req).await;
    let location = headers.get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, body, location)
}

/// The edited workbook uploaded in the browser goes through the command line's import: an edit
/// lands and the notice says what changed per KPI; a bad workbook is refused with each problem's
/// cell, value and reason, and nothing is written; only admins upload, only into a draft.
#[tokio::test]
async fn the_edited_workbook_uploads_in_the_browser() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (id, ops) = base_draft(&w).await;
        let target = TargetTier::Target;
        let mut counts = targets("calls_made", TargetOwner::Company, target, |_| 400);
        counts.extend(targets("calls_made", TargetOwner::Rep(w.rep_a), target, |_| 100));
        counts.extend(targets("calls_made", TargetOwner::Rep(w.rep_b), target, |_| 100));
        w.store.put_targets(id, "calls_made", &counts, &ops).await.unwrap();
        let context = format!("on {}", db.backend());
        let (_, _, bytes) = send(&w, Role::Admin, Method::GET, &format!("/api/v1/plans/{id}/xlsx"), None).await;
        let exported = read(&bytes);

        // Rep B's last month to 0 (and the total the spreadsheet recalculates).
        let mut edited = exported.clone();
        let calls = sheet(&mut edited, "calls_made");
        let b = row_of(calls, "rep", Some(w.rep_b), "target");
        calls[b][15] = Data::Float(0.0);
        calls[b][16] = Data::Float(1100.0);
        let (status, body, location) = upload(&w, Role::Admin, id, &write(&edited)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{context}: {body}");
        let query: Vec<(String, String)> = serde_urlencoded::from_str(location.split_once('?').unwrap().1).unwrap();
        assert_eq!(query[0], ("kpi".into(), "calls_made".into()), "{context}: {location}");
        assert_eq!(query[1].1, "Imported plan.xlsx into Base v1: Calls made: 1 of 36 targets changed.", "{context}");
        let after = w.store.targets(id, None).await.unwrap();
        let rep_b_december = after.iter().find(|t| t.owner == TargetOwner::Rep(w.rep_b) && t.month == 12).unwrap();
        assert_eq!(rep_b_december.amount, 0, "{context}");
        let audit = w.store.audit_log(&Default::default()).await.unwrap();
        assert_eq!(audit[0].reason.as_deref(), Some("q4 fix"), "{context}: {:?}", audit[0]);

        // A negative month and an unknown rep: each listed at its cell, nothing written.
        let mut bad = edited.clone();
        let calls = sheet(&mut bad, "calls_made");
        calls[b][6] = Data::Float(-5.0);
        let a = row_of(calls, "rep", Some(w.rep_a), "target");
        calls[a][1] = Data::Float(999_999.0);
        let (status, body, _) = upload(&w, Role::Admin, id, &write(&bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{context}: {body}");
        assert!(body.contains("2 problems in the workbook; nothing was imported"), "{context}: {body}");
        for (cell, value, reason) in [
            (format!("calls_made!G{}", b + 1), "-5", "negative: targets are 0 or more"),
            (format!("calls_made!B{}", a + 1), "999999", "rep 999999 does not exist: use the id of an existing rep"),
        ] {
            let row = format!("<td><code>{cell}</code></td><td>{value}</td><td>{reason}</td>");
            assert!(body.contains(&row), "{context}: {row} in {body}");
        }
        assert_eq!(w.store.targets(id, None).await.unwrap(), after, "{context}: nothing written");
        let (status, body, _) = upload(&w, Role::Admin, id, b"not a workbook").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{context}: {body}");
        assert!(body.contains("cannot read the file as an XLSX workbook"), "{context}: {body}");

        // Only admins, only drafts.
        for role in [Role::Leader, Role::Manager] {
            assert_eq!(upload(&w, role, id, &bytes).await.0, StatusCode::FORBIDDEN, "{role} {context}");
        }
        w.store.set_plan_status(id, PlanStatus::Approved, &Actor::named("lead")).await.unwrap();
        let (status, body, _) = upload(&w, Role::Admin, id, &bytes).await;
        assert_eq!(status, StatusCode::CONFLICT, "{context}: {body}");
        assert_eq!(w.store.targets(id, None).await.unwrap(), after, "{context}: nothing written");
    }
}

/// A GET of a page as a French reader's browser sends it: status and body bytes.
async fn french_download(w: &common::World, role: Role, path: &str) -> (StatusCode, Vec<u8>) {
    let (cookie, _) = w.session(role).await;
    let req = Request::get(path)
        .header(header::COOKIE, format!("pacer_session={cookie}"))
        .header(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")
        .body(Body::empty())
        .unwrap();
    let resp = w.app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    (status, resp.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// The plan's workbook downloaded from the plan page by a French reader: its About sheet, headers,
/// months, owner kinds and tiers in French, the figures as the English workbook has them (numbers,
/// money with its decimals); it imports back unchanged, through the API and the page, and an
/// edit made in it lands.
#[tokio::test]
async fn a_french_workbook_has_french_headers_the_same_figures_and_imports_back() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (id, ops) = base_draft(&w).await;
        let target = TargetTier::Target;
        let mut money = targets("new_business", TargetOwner::Company, target, |m| 10_000_000 + i64::from(m) * 101);
        money.extend(targets("new_business", TargetOwner::Rep(w.rep_a), target, |m| 123_456 + i64::from(m) * 101));
        money.extend(targets("new_business", TargetOwner::Rep(w.rep_a), TargetTier::Stretch, |m| {
            150_000 + i64::from(m)
        }));
        let mut counts = targets("calls_made", TargetOwner::Team(w.team_b), target, |_| 200);
        counts.extend(targets("calls_made", TargetOwner::Rep(w.rep_b), target, |_| 100));
        w.store.put_targets(id, "new_business", &money, &ops).await.unwrap();
        w.store.put_targets(id, "calls_made", &counts, &ops).await.unwrap();
        let before = w.store.targets(id, None).await.unwrap();
        let context = format!("on {}", db.backend());

        let (status, french) = french_download(&w, Role::Admin, &format!("/plans/{id}/xlsx")).await;
        assert_eq!(status, StatusCode::OK, "{context}: {}", String::from_utf8_lossy(&french));
        let (_, _, english) = send(&w, Role::Admin, Method::GET, &format!("/api/v1/plans/{id}/xlsx"), None).await;
        let (fr, en) = (read(&french), read(&english));
        let names: Vec<&str> = fr.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["À propos", "new_business", "calls_made"], "{context}");
        assert_eq!(en[0].0, "About");
        let about = &fr[0].1;
        assert_eq!(about[0], [Data::String("Plan".into()), Data::String("Base".into())]);
        assert_eq!(about[2][1], Data::String("FY2026 (du 1 janv. 2026 au 31 déc. 2026)".into()), "{context}");
        assert_eq!(about[4], [Data::String("Statut".into()), Data::String("brouillon".into())]);
        assert!(matches!(about[5][1], Data::DateTime(_)), "the day of export is a date: {:?}", about[5][1]);
        let header: Vec<String> = fr[1].1[0].iter().map(ToString::to_string).collect();
        assert_eq!(header[..4], ["Type de titulaire", "Id du titulaire", "Titulaire", "Niveau"]);
        assert_eq!(header[4], "janv. 2026 (M01)");
        assert_eq!(header[15], "déc. 2026 (M12)");
        assert_eq!(header[16], "Exercice");
        let nb = &fr[1].1;
        assert_eq!(
            nb[1][..4],
            [
                Data::String("entreprise".into()),
                Data::Empty,
                Data::String("Entreprise".into()),
                Data::String("objectif".into())
            ]
        );
        let a = row_of(nb, "commercial", Some(w.rep_a), "objectif haut");
        assert_eq!(nb[a][4], Data::Float(1500.01), "{context}");
        // Every figure (ids, months, totals) is the English workbook's, at the same place.
        for ((_, f), (_, e)) in fr.iter().zip(&en).skip(1) {
            for (fr_row, en_row) in f.iter().zip(e).skip(1) {
                assert_eq!(fr_row[1], en_row[1], "{context}: the owner's id");
                assert_eq!(fr_row[4..], en_row[4..], "{context}: the figures");
            }
        }

        // Unchanged, it imports back to the same targets through the API and through the page.
        for book in [french.clone(), write(&fr)] {
            let (status, report) = import(&w, id, book).await;
            assert_eq!(status, StatusCode::OK, "{context}: {report}");
            assert!(report["kpis"].as_array().unwrap().iter().all(|k| k["changed"] == 0), "{context}: {report}");
        }
        let (status, body, _) = upload(&w, Role::Admin, id, &french).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{context}: {body}");
        let mut after = w.store.targets(id, None).await.unwrap();
        let mut expected = before.clone();
        let order = |t: &Target| (t.kpi.clone(), format!("{:?}", t.owner), t.tier, t.month);
        after.sort_by_key(order);
        expected.sort_by_key(order);
        assert_eq!(after, expected, "{context}");

        // An edit in the French workbook lands.
        let mut edited = fr.clone();
        let calls = sheet(&mut edited, "calls_made");
        let b = row_of(calls, "commercial", Some(w.rep_b), "objectif");
        calls[b][15] = Data::Float(0.0);
        calls[b][16] = Data::Float(1100.0);
        let (status, report) = import(&w, id, write(&edited)).await;
        assert_eq!(status, StatusCode::OK, "{context}: {report}");
        let after = w.store.targets(id, Some("calls_made")).await.unwrap();
        let december = after.iter().find(|t| t.owner == TargetOwner::Rep(w.rep_b) && t.month == 12).unwrap();
        assert_eq!(december.amount, 0, "{context}");
    }
}

/// A draft plan "Base" of FY2026 with no targets yet, and the actor who writes them.
async fn base_draft(w: &common::World) -> (i64, Actor) {
    let ops = Actor::named("ops");
    let new = NewPlan { fiscal_year: 2026, name: "Base".into(), settings: Default::default(), copied_from: None };
    (w.store.create_plan(&new, &ops).await.unwrap().id, ops)
}
