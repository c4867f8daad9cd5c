//! The served API against its own OpenAPI document, with full rights: `pacer demo` on a fresh
//! SQLite file, an admin token made with the command line, then schemathesis
//! (<https://schemathesis.readthedocs.io>, from PyPI) generating requests from
//! `/api/v1/openapi.json` for every operation, valid and invalid, and checking that no answer is
//! a server error, that every status is documented and that every body has its documented
//! shape. Any failure fails the test, with schemathesis's report (and a command to replay it).
//!
//! Two runs share the database: the first leaves out the two operations that would take the
//! ground from under the rest (`PUT /api/v1/catalog` may apply an empty catalog when `force` is
//! true; `DELETE /api/v1/tokens/{id}` may revoke the test's own token), the second runs those.
//! Realistic values (the demo's KPI keys, ids, quarters) are offered for half or more of the
//! parameters that name records, so that requests reach past "not found".
//!
//! Needs `schemathesis` on the PATH (`python3 -m pip install schemathesis`). Without it the test
//! is skipped, unless PACER_REQUIRE_SCHEMATHESIS=1 is set (CI), in which case it fails.
//! PACER_SCHEMATHESIS_SEED changes the seed (default: a fixed one, so that a run is repeatable);
//! PACER_SCHEMATHESIS_EXAMPLES the test cases per operation and phase (default 10).

use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long `pacer serve` may take to answer /healthz.
const SERVER_START: Duration = Duration::from_secs(60);
/// The default seed: runs are repeatable unless PACER_SCHEMATHESIS_SEED says otherwise.
const DEFAULT_SEED: &str = "20261202";
/// Operations left to the second run (see the module's documentation).
const LAST: [&str; 2] = ["PUT /api/v1/catalog", "DELETE /api/v1/tokens/{id}"];

/// schemathesis's configuration: realistic values for the parameters that name records of the
/// demo, offered with the probability given (the rest are generated).
const CONFIG: &str = r#"
[dictionaries]
kpis = { values = ["new_business", "expansion", "customer_churn", "nrr", "renewals", "new_deals_won", "calls_made", "emails_sent", "meetings_held", "demos_given", "connected_calls", "connect_rate", "event_attendance", "time_in_crm"] }
ids = { values = [1, 2, 3, 4, 5, 6] }
quarters = { values = ["FY2027-Q1", "FY2027-Q2", "FY2027-Q3", "FY2027-Q4", "FY2026-Q4"] }
periods = { values = ["FY2027", "FY2027-Q3", "FY2027-H1", "FY2027-M05", "FY2026"] }
months = { values = ["2026-03", "2026-06", "2025-11", "2024-02"] }
activity_types = { values = ["call", "email", "meeting", "demo", "event"] }
moments = { values = ["2026-03-03T10:00:00", "2026-06-15", "2025-11-20T09:30", "2026-11-30 16:45"] }
tables = { values = ["kpis", "reps", "pipeline", "churn", "data-gaps", "revenue", "teams", "readiness", "exceptions", "scorecard", "months"] }
formats = { values = ["json", "csv", "xlsx"] }

[parameters]
"path.key" = { dictionary = "kpis", probability = 0.7 }
"path.id" = { dictionary = "ids", probability = 0.7 }
"path.period" = { dictionary = "quarters", probability = 0.7 }
"query.period" = { dictionary = "periods", probability = 0.5 }
"query.team" = { dictionary = "ids", probability = 0.5 }
"query.rep" = { dictionary = "ids", probability = 0.5 }
"query.plan" = { dictionary = "ids", probability = 0.5 }
"query.kpi" = { dictionary = "kpis", probability = 0.5 }
"query.month" = { dictionary = "months", probability = 0.7 }
"query.table" = { dictionary = "tables", probability = 0.7 }
"query.format" = { dictionary = "formats", probability = 0.5 }
"body.records[*].rep" = { dictionary = "ids", probability = 0.7 }
"body.records[*].type" = { dictionary = "activity_types", probability = 0.7 }
"body.records[*].occurred_at" = { dictionary = "moments", probability = 0.7 }
"body.records[*].month" = { dictionary = "months", probability = 0.7 }
"body.kpi" = { dictionary = "kpis", probability = 0.7 }
"body.team_id" = { dictionary = "ids", probability = 0.5 }
"body.parent_id" = { dictionary = "ids", probability = 0.5 }
"body.rep_id" = { dictionary = "ids", probability = 0.5 }
"#;

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("cannot bind a local port");
    listener.local_addr().expect("no local address").port()
}

/// The server, killed when dropped; the directory is removed unless the test failed.
struct Guard {
    server: Option<Child>,
    dir: PathBuf,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(child) = &mut self.server {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            eprintln!("kept for inspection: {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// `pacer --database <url> args...`, which must succeed.
fn pacer(database: &str, dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pacer"))
        .arg("--database")
        .arg(database)
        .args(args)
        .current_dir(dir)
        .env_remove("PACER_CONFIG")
        .env_remove("PACER_DATABASE_URL")
        .env("PACER_LOG", "warn")
        .output()
        .expect("cannot run pacer");
    assert!(out.status.success(), "pacer {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("pacer prints UTF-8")
}

/// The status of `GET path`, or `None` when nothing answers yet.
fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// Whether schemathesis is there; `false` means skip.
fn schemathesis_available() -> bool {
    let found = Command::new("schemathesis").arg("--version").output().is_ok_and(|o| o.status.success());
    if found {
        return true;
    }
    if std::env::var("PACER_REQUIRE_SCHEMATHESIS").is_ok_and(|v| v == "1") {
        panic!("PACER_REQUIRE_SCHEMATHESIS=1 but schemathesis is missing: python3 -m pip install schemathesis");
    }
    println!("skipped: schemathesis test (python3 -m pip install schemathesis)");
    false
}

/// One schemathesis run over the operations `filter` selects; its output, printed.
fn run(dir: &Path, site: &str, token: &str, filter: &[String]) -> Output {
    let seed = std::env::var("PACER_SCHEMATHESIS_SEED").unwrap_or_else(|_| DEFAULT_SEED.into());
    let examples = std::env::var("PACER_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "10".into());
    let mut command = Command::new("schemathesis");
    command
        .current_dir(dir)
        .args(["--config-file", "schemathesis.toml", "run", &format!("{site}/api/v1/openapi.json")])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "not_a_server_error,status_code_conformance,response_schema_conformance"])
        .args(["--phases", "examples,coverage,fuzzing", "--max-examples", &examples, "--seed", &seed])
        .args(["--workers", "2", "--request-timeout", "120", "--generation-database", "none", "--no-color"])
        .args(["--suppress-health-check", "all"])
        .args(filter)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    println!("$ {}", shown(&command));
    let started = Instant::now();
    let out = command.output().expect("cannot run schemathesis");
    println!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("(schemathesis ran {:.0} s)", started.elapsed().as_secs_f64());
    out
}

/// A command as it could be typed, the token hidden.
fn shown(command: &Command) -> String {
    let args: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .map(|a| if a.starts_with("Authorization:") { "'Authorization: Bearer $TOKEN'".into() } else { a })
        .map(|a| if a.contains(' ') && !a.starts_with('\'') { format!("'{a}'") } else { a })
        .collect();
    format!("schemathesis {}", args.join(" "))
}

#[test]
fn the_served_api_conforms_to_its_openapi_document() {
    if !schemathesis_available() {
        return;
    }
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("pacer-schemathesis-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("cannot create a temporary directory");
    let mut guard = Guard { server: None, dir: dir.clone() };
    let database = format!("sqlite://{}/demo.sqlite", dir.display());

    let started = Instant::now();
    pacer(&database, &dir, &["demo", "--no-serve"]);
    let created = pacer(&database, &dir, &["token", "add", "schemathesis", "--scope", "admin"]);
    let token = created
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("pacer_"))
        .unwrap_or_else(|| panic!("no secret in:\n{created}"))
        .to_string();
    std::fs::write(dir.join("schemathesis.toml"), CONFIG).expect("cannot write the configuration");

    let port = free_port();
    let log = dir.join("pacer.log");
    let out = File::create(&log).expect("cannot create the log");
    let server = Command::new(env!("CARGO_BIN_EXE_pacer"))
        .arg("--database")
        .arg(&database)
        .args(["serve", "--port", &port.to_string()])
        .current_dir(&dir)
        .env_remove("PACER_CONFIG")
        .env_remove("PACER_DATABASE_URL")
        .env_remove("PACER_BIND")
        .env("PACER_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("cannot clone a file handle"))
        .stderr(out)
        .spawn()
        .expect("cannot start pacer serve");
    guard.server = Some(server);
    let up = Instant::now();
    while http_status(port, "/healthz") != Some(200) {
        if let Some(Ok(Some(status))) = guard.server.as_mut().map(Child::try_wait) {
            panic!("pacer serve exited ({status}):\n{}", tail(&log));
        }
        assert!(up.elapsed() < SERVER_START, "pacer serve did not answer /healthz:\n{}", tail(&log));
        std::thread::sleep(Duration::from_millis(100));
    }
    let site = format!("http://127.0.0.1:{port}");
    println!("demo served at {site} after {:.1} s", started.elapsed().as_secs_f64());

    let exclude: Vec<String> = LAST.iter().flat_map(|name| ["--exclude-name".to_string(), name.to_string()]).collect();
    let include: Vec<String> = LAST.iter().flat_map(|name| ["--include-name".to_string(), name.to_string()]).collect();
    let first = run(&dir, &site, &token, &exclude);
    let second = run(&dir, &site, &token, &include);
    let internal =
        std::fs::read_to_string(&log).unwrap_or_default().lines().filter(|l| l.contains("internal error")).count();
    println!("{internal} internal error(s) in the server's log");
    assert!(
        first.status.success() && second.status.success(),
        "schemathesis found failures (the reports are above; the server's log ends with):\n{}",
        tail(&log)
    );
    assert_eq!(internal, 0, "the server logged internal errors:\n{}", tail(&log));
    println!("schemathesis test: {:.0} s in all", started.elapsed().as_secs_f64());
}
