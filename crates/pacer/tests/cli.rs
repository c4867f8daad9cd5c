//! The `pacer` command line, run as a user would: listings in every format,
//! and bad input answered with one line and exit code 2, nothing written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Workdir(PathBuf);

impl Workdir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pacer-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn pacer(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_pacer"))
            .args(args)
            .current_dir(self.path())
            .env_remove("PACER_DATABASE_URL")
            .env_remove("PACER_CONFIG")
            .output()
            .expect("run pacer")
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ok_with(&[], args)
    }

    /// Runs a command with these environment variables (and no other locale's), which must succeed.
    fn ok_with(&self, env: &[(&str, &str)], args: &[&str]) -> String {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pacer"));
        command.args(args).current_dir(self.path()).env_remove("PACER_DATABASE_URL").env_remove("PACER_CONFIG");
        for name in ["PACER_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
            command.env_remove(name);
        }
        let out = command.envs(env.iter().copied()).output().expect("run pacer");
        assert!(out.status.success(), "pacer {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must fail with exit code 2 and one line on stderr.
    fn refused(&self, args: &[&str]) -> String {
        let out = self.pacer(args);
        assert_eq!(out.status.code(), Some(2), "pacer {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        stderr
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Output piped into a reader that stops early (`pacer ... | head`) ends the
/// command quietly, as for any Unix tool, rather than with a panic.
#[test]
fn a_closed_pipe_ends_the_command_without_a_panic() {
    use std::process::Stdio;
    let w = Workdir::new("pipe");
    w.ok(&["init", "--name", "Acme", "--password", "correct horse battery"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_pacer"))
        .args(["calendar", "--fy", "2026", "--format", "csv"])
        .current_dir(w.path())
        .env_remove("PACER_DATABASE_URL")
        .env_remove("PACER_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pacer");
    // The reader goes away before the command writes anything.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for pacer");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(13), "ended by SIGPIPE: {:?} {stderr}", out.status);
    }
}

#[test]
fn calendar_in_every_format() {
    let w = Workdir::new("calendar");
    w.ok(&["init", "--name", "Acme", "--start-month", "2", "--password", "correct horse battery"]);
    let csv = w.ok(&["calendar", "--fy", "2026", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "name,label,start,end,days,working days");
    assert!(lines[1].starts_with("FY2026,FY2026,2025-02-01,2026-01-31,365,"), "{}", lines[1]);
    assert!(csv.contains("FY2026-Q1,Q1 FY2026,2025-02-01,2025-04-30,89,"), "{csv}");
    assert!(csv.contains("FY2026-M01,Feb 2025 (M01),2025-02-01,2025-02-28,28,20"), "{csv}");
    assert_eq!(lines.len(), 1 + 1 + 2 + 4 + 12);
    let json: serde_json::Value =
        serde_json::from_str(&w.ok(&["calendar", "--fy", "2026", "--kind", "quarter", "--format", "json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 4);
    assert_eq!(json[3]["end"], "2026-01-31");
    assert!(w.ok(&["calendar", "--fy", "2026"]).contains("FY2026-H2"));
    // What-if: the US retail calendar (4-5-4, Saturday nearest 31 January, named by start year).
    let retail = w.ok(&[
        "calendar",
        "--fy",
        "2023",
        "--kind",
        "year",
        "--pattern",
        "4-5-4",
        "--end-month",
        "1",
        "--end-weekday",
        "sat",
        "--rule",
        "nearest",
        "--naming",
        "start",
        "--format",
        "csv",
    ]);
    assert!(retail.contains("FY2023,FY2023,2023-01-29,2024-02-03,371,"), "{retail}");
}

/// Each `org set` changes only what it names; `pacer calendar` shows the organisation's own
/// calendar, a week-based one included, unless flags ask for another.
#[test]
fn settings_hold_when_others_change() {
    let w = Workdir::new("settings");
    let retail = ["--pattern", "4-5-4", "--end-month", "1", "--end-weekday", "sat", "--rule", "nearest"];
    let mut init = vec!["init", "--name", "Acme", "--password", "correct horse battery"];
    init.extend(retail);
    w.ok(&init);
    let show = || serde_json::from_str::<serde_json::Value>(&w.ok(&["org", "show"])).unwrap();
    let before = show();
    assert_eq!((&before["calendar"]["kind"], &before["calendar"]["pattern"]), (&"weekly".into(), &"4-5-4".into()));
    let year = || w.ok(&["calendar", "--fy", "2026", "--kind", "year", "--format", "csv"]);
    let weekly_year = year();
    assert!(
        weekly_year.contains("FY2026,FY2026,2025-02-02,2026-01-31,364,"),
        "the organisation's calendar: {weekly_year}"
    );
    // The stages are settings too, changed by `stages set` only.
    std::fs::write(
        w.path().join("stages.toml"),
        "[[stage]]\nname = \"Demo\"\nprobability = 30\ncategory = \"pipeline\"\n",
    )
    .unwrap();
    let changes: [(&[&str], &str); 7] = [
        (&["stages", "set", "stages.toml"], "pipeline_stages"),
        (&["--seasonality-years", "5"], "seasonality_years"),
        (&["--currency", "EUR"], "currency"),
        (&["--name", "Acme Europe"], "name"),
        (&["--holidays", "2026-05-01,2026-12-25"], "working_days"),
        (&["--weekend", "fri,sat"], "working_days"),
        (&["--naming", "start"], "calendar"),
    ];
    let mut expected = before.clone();
    for (flags, setting) in changes {
        let mut args = if flags[0] == "stages" { vec![] } else { vec!["org", "set"] };
        args.extend(flags);
        w.ok(&args);
        let after = show();
        expected[setting] = after[setting].clone();
        assert_eq!(after, expected, "`{}` changed only {setting}", args.join(" "));
        assert_ne!(after[setting], before[setting], "{setting} did change");
    }
    assert_eq!(show()["calendar"]["pattern"], "4-5-4", "still week-based");
    assert_eq!(show()["currency"], "EUR");
    assert_eq!(show()["seasonality_years"], 5);
    let refused = w.refused(&["org", "set", "--seasonality-years", "1"]);
    assert!(refused.contains("from 2 to 20 fiscal years of history, not 1"), "{refused}");
    w.ok(&["org", "set", "--seasonality-years", "all"]);
    assert!(show().get("seasonality_years").is_none(), "every year with data again");
    // Months only when asked for.
    w.ok(&["org", "set", "--start-month", "2"]);
    assert_eq!(show()["calendar"]["kind"], "monthly", "{}", show());
}

/// A new organisation starts with a starter catalog, so reports work at once; another starter
/// or one's own file can be chosen, and a starter can be written out to edit.
#[test]
fn a_new_organisation_starts_with_a_catalog() {
    let w = Workdir::new("starter");
    let refused = w.refused(&["init", "--name", "Acme", "--password", "correct horse battery", "--template", "big-co"]);
    assert!(refused.contains("use saas-startup or expansion-stage"), "{refused}");
    assert!(!w.ok(&["org", "show"]).contains("Acme"), "nothing was written");
    let init =
        w.ok(&["init", "--name", "Acme", "--password", "correct horse battery", "--template", "expansion-stage"]);
    assert!(init.contains("Applied catalog version 1:") && init.contains("+ KPI nrr"), "{init}");
    let kpis = w.ok(&["metrics", "show", "--format", "csv"]);
    assert!(kpis.contains("new_business") && kpis.contains("grr"), "{kpis}");
    assert!(
        w.ok(&["report", "new_business", "--fy", "2026", "--format", "csv"]).starts_with("Rep,"),
        "reports work at once"
    );
    // Run again, it leaves the catalog in force alone.
    assert!(!w.ok(&["init", "--name", "Acme"]).contains("Applied catalog"));
    w.ok(&["metrics", "init", "mine.toml"]);
    let mine = std::fs::read_to_string(w.path().join("mine.toml")).unwrap();
    assert!(mine.contains("key = \"connect_rate\""), "{mine}");
    assert!(w.refused(&["metrics", "init", "mine.toml"]).contains("exists already"));
    w.ok(&["metrics", "check", "mine.toml"]);
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let w = Workdir::new("bad");
    let err = w.refused(&["--database", "mysql://u@h/db", "team", "list"]);
    assert!(err.contains("unknown database scheme \"mysql\""), "{err}");
    let err = w.refused(&["--database", "postgres://nobody@127.0.0.1:1/none", "team", "list"]);
    assert!(err.contains("cannot open database"), "{err}");
    assert!(w.refused(&["calendar", "--start-month", "13"]).contains("fiscal month 13 is not valid: use 1 to 12"));
    assert!(w.refused(&["calendar", "--pattern", "4-4-5", "--end-weekday", "fr"]).contains("unknown weekday \"fr\""));
    assert!(w.refused(&["calendar", "--kind", "fortnight"]).contains("use week, month, quarter, half or year"));
    assert!(w.refused(&["org", "set", "--currency", "dollars"]).contains("currency \"dollars\" is not valid"));
    // A team cycle is refused and nothing changes.
    w.ok(&["team", "add", "Sales"]);
    w.ok(&["team", "add", "East", "--parent", "Sales"]);
    let err = w.refused(&["team", "update", "Sales", "--parent", "East"]);
    assert!(err.contains("cycle"), "{err}");
    let teams: serde_json::Value = serde_json::from_str(&w.ok(&["team", "list", "--format", "json"])).unwrap();
    let sales = teams.as_array().unwrap().iter().find(|t| t["name"] == "Sales").unwrap();
    assert!(sales["parent_id"].is_null());
    assert!(w.refused(&["rep", "move", "Nobody", "--team", "Sales"]).contains("rep \"Nobody\" does not exist"));
    assert!(w.refused(&["team", "update", "West", "--name", "X"]).contains("teams: East, Sales"));
    let bad_config = w.path().join("bad.toml");
    std::fs::write(&bad_config, "databse = 'x'\n").unwrap();
    assert!(w.refused(&["--config", bad_config.to_str().unwrap(), "team", "list"]).contains("unknown field"));
}

#[test]
fn organisation_people_users_tokens_and_the_audit_log() {
    let w = Workdir::new("org");
    w.ok(&["team", "add", "Sales", "--region", "EMEA"]);
    w.ok(&["team", "add", "North", "--parent", "Sales"]);
    w.ok(&["rep", "add", "Ann Lee", "--hired", "2024-01-15", "--team", "North", "--email", "ann@example.com"]);
    w.ok(&["rep", "move", "ann@example.com", "--team", "Sales", "--from", "2024-06-01", "--reason", "reorg"]);
    w.ok(&["rep", "leave", "Ann Lee", "--on", "2025-03-01"]);
    let reps = w.ok(&["rep", "list", "--format", "csv"]);
    assert!(reps.contains("Ann Lee,,Sales,2024-01-15,2025-03-01,ann@example.com"), "{reps}");
    assert!(!w.ok(&["rep", "list", "--active", "--format", "csv"]).contains("Ann Lee"));
    let in_sales: serde_json::Value =
        serde_json::from_str(&w.ok(&["rep", "list", "--team", "Sales", "--format", "json"])).unwrap();
    assert_eq!(in_sales.as_array().unwrap().len(), 1, "a team includes its sub-teams");

    w.ok(&["user", "add", "ops", "--role", "admin", "--password", "correct horse battery"]);
    assert!(
        w.refused(&["user", "add", "xavier", "--role", "boss", "--password", "correct horse battery"])
            .contains("unknown role")
    );
    assert!(w.refused(&["user", "add", "yves", "--role", "rep", "--password", "short"]).contains("password too short"));
    w.ok(&["user", "update", "ops", "--deactivate", "--reason", "left the company"]);
    let token = w.ok(&["token", "add", "telephony", "--scope", "ingest"]);
    assert!(token.lines().any(|l| l.starts_with("pacer_") && l.len() == 70), "{token}");
    assert!(w.ok(&["token", "add", "ops-bot", "--scope", "admin"]).contains("admin"));
    assert!(w.refused(&["token", "add", "root", "--scope", "root"]).contains("use ingest, read or admin"));

    let audit = w.ok(&["audit", "--format", "csv"]);
    assert!(audit.contains("rep.move,rep 1,reorg"), "{audit}");
    assert!(audit.contains("user.update,user 1,left the company"), "{audit}");
    assert!(audit.contains("token.create"), "{audit}");
    let only_teams = w.ok(&["audit", "--entity", "team", "--format", "json"]);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&only_teams).unwrap().as_array().unwrap().len(), 2);
}

/// A name a spreadsheet would run as a formula is written to CSV with a leading `'`.
#[test]
fn csv_listings_neutralise_formulas() {
    let w = Workdir::new("formulas");
    w.ok(&["team", "add", "@SUM(A1)"]);
    w.ok(&["rep", "add", "=1+1", "--hired", "2024-01-15", "--team", "@SUM(A1)"]);
    let reps = w.ok(&["rep", "list", "--format", "csv"]);
    assert!(reps.contains("'=1+1,,'@SUM(A1),2024-01-15"), "{reps}");
    assert!(w.ok(&["team", "list", "--format", "json"]).contains("\"@SUM(A1)\""), "JSON keeps the name as it is");
}

#[test]
fn metric_catalog_check_apply_readiness() {
    let w = Workdir::new("metrics");
    let good = pacer_demo::catalog_toml(chrono::Local::now().date_naive());
    std::fs::write(w.path().join("metrics.toml"), &good).unwrap();
    let bad =
        good.replacen("types = [\"call\"] }", "types = [\"cal\"] }", 1).replacen("priority = 2", "priority = 1", 1);
    std::fs::write(w.path().join("bad.toml"), bad).unwrap();

    let out = w.pacer(&["metrics", "check", "bad.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.lines().any(|l| l.starts_with("bad.toml:") && l.contains("unknown activity type \"cal\"")),
        "{stderr}"
    );
    assert!(stderr.contains("priorities must be unique"), "{stderr}");
    let out = w.pacer(&["metrics", "apply", "bad.toml"]);
    assert_eq!(out.status.code(), Some(1), "an invalid catalog is not applied");
    assert!(w.refused(&["metrics", "show"]).contains("no metric catalog has been applied yet"));

    assert!(w.ok(&["metrics", "check"]).contains("metrics.toml: 14 KPIs, no errors"));
    assert!(w.ok(&["metrics", "apply", "metrics.toml", "--reason", "FY plan"]).contains("Applied catalog version 1"));
    assert!(w.ok(&["metrics", "apply", "metrics.toml"]).contains("Unchanged"));
    let shown = w.ok(&["metrics", "show", "--format", "csv"]);
    assert!(shown.lines().nth(1).unwrap().starts_with("1,new_business,New business won,revenue"), "{shown}");
    let exported = w.ok(&["metrics", "export"]);
    assert_eq!(
        pacer_core::catalog::check("e", &exported, None).valid().unwrap(),
        pacer_core::catalog::check("g", &good, None).valid().unwrap(),
        "the export means the same as the file applied"
    );
    let readiness: serde_json::Value =
        serde_json::from_str(&w.ok(&["metrics", "readiness", "--format", "json"])).unwrap();
    assert_eq!(readiness.as_array().unwrap().len(), 14);
    assert_eq!(readiness[0]["key"], "new_business");
    assert!(
        w.refused(&["metrics", "value", "nope", "--from", "2026-01-01", "--to", "2026-01-31"])
            .contains("KPIs: new_business")
    );
    assert_eq!(
        w.ok(&["metrics", "value", "calls_made", "--from", "2026-01-01", "--to", "2026-01-31"]).trim(),
        r#"{"type":"count","value":0}"#
    );
    assert!(w.ok(&["metrics", "versions", "--format", "csv"]).contains("1,"));

    // An empty file would remove every KPI: refused (exit 1, nothing applied) unless forced.
    std::fs::write(w.path().join("empty.toml"), "").unwrap();
    let out = w.pacer(&["metrics", "apply", "empty.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("defines no KPI"), "{out:?}");
    assert_eq!(w.ok(&["metrics", "readiness", "--format", "json"]).matches("\"key\"").count(), 14);
    assert!(w.ok(&["metrics", "apply", "empty.toml", "--force"]).contains("Applied catalog version 2"));
}

#[test]
fn churn_report_conversions_and_exports() {
    let w = Workdir::new("churn");
    let converted = w.ok(&["churn", "convert", "0.5%", "--from", "monthly", "--to", "annual"]);
    assert_eq!(converted.trim(), "0.5000% monthly = 5.8377% annual");
    let converted = w.ok(&["churn", "convert", "7%", "--from", "annual", "--to", "quarterly"]);
    assert_eq!(converted.trim(), "7.0000% annual = 1.7979% quarterly");
    assert!(
        w.refused(&["churn", "convert", "120%", "--from", "annual", "--to", "monthly"])
            .contains("annual rate 1.2 cannot be converted to monthly")
    );
    assert!(w.refused(&["churn", "convert", "1%", "--from", "weekly", "--to", "annual"]).contains("weekly"));
    assert!(w.refused(&["churn", "--period", "FY2026-Q7"]).contains("FY2026-Q7"));
    assert!(w.refused(&["churn", "--format", "xlsx"]).contains("--output"));
    // An organisation with a little recurring revenue, loaded through the library.
    let db = w.path().join("pacer.sqlite");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use pacer_storage::RecordStore;
        let store = pacer_storage::SqlStore::connect(&pacer_storage::DatabaseUrl::sqlite_file(&db)).await.unwrap();
        let row = |a, m: &str, v| pacer_core::records::SubscriptionMonth {
            account_id: a,
            month: format!("{m}-01").parse().unwrap(),
            mrr_minor: v,
        };
        store
            .insert_subscriptions(&[row(1, "2025-12", 10_000), row(2, "2025-12", 5_000), row(1, "2026-01", 10_000)])
            .await
            .unwrap();
    });
    let csv = w.ok(&["churn", "--period", "FY2026-M01", "--format", "csv"]);
    assert!(csv.lines().nth(1).unwrap().starts_with("FY2026-M01,2,1,50.00%,"), "{csv}");
    w.ok(&["churn", "--fy", "2026", "--format", "xlsx", "--output", "churn.xlsx"]);
    let xlsx = std::fs::read(w.path().join("churn.xlsx")).unwrap();
    assert_eq!(&xlsx[..2], b"PK", "an XLSX file is a zip archive");
    assert!(w.ok(&["churn", "reasons"]).contains("bankruptcy"));
    assert!(w.refused(&["churn", "tag", "1", "--month", "2026-01", "--reason", "price"]).contains("did not churn"));
    w.ok(&["churn", "tag", "2", "--month", "2026-01", "--reason", "price", "--note", "renewal quote too high"]);
    assert!(w.ok(&["audit", "--entity", "churn_event", "--format", "csv"]).contains("churn.tag,churn_event 2@2026-01"));
}

#[test]
fn manual_logging_completeness_and_contest() {
    let w = Workdir::new("log");
    std::fs::write(w.path().join("metrics.toml"), pacer_demo::catalog_toml(chrono::Local::now().date_naive())).unwrap();
    w.ok(&["metrics", "apply", "metrics.toml"]);
    w.ok(&["team", "add", "Sales"]);
    w.ok(&["rep", "add", "Ann Lee", "--hired", "2024-01-15", "--team", "Sales"]);
    w.ok(&["rep", "add", "Bob Stone", "--hired", "2024-01-15", "--team", "Sales"]);
    let logged = w.ok(&["log", "call", "--rep", "Ann Lee", "--minutes", "5", "--field", "outcome=connected"]);
    assert!(logged.starts_with("Logged a call for Ann Lee on "), "{logged}");
    assert!(
        w.refused(&["log", "call", "--rep", "Ann Lee", "--field", "outcome=busy"])
            .contains("\"busy\" is not one of connected, voicemail, no_answer")
    );
    assert!(w.refused(&["log", "call", "--rep", "Ann Lee", "--field", "mood=1"]).contains("has no field \"mood\""));
    assert!(w.refused(&["log", "fax", "--rep", "Ann Lee"]).contains("unknown activity type \"fax\""));
    assert!(
        w.refused(&["log", "call", "--rep", "Ann Lee", "--at", "2020-01-01"])
            .contains("was not employed on 2020-01-01")
    );
    assert!(w.refused(&["log", "call", "--rep", "Nobody"]).contains("does not exist"));
    let completeness = w.ok(&["completeness", "--kpi", "calls_made", "--format", "csv"]);
    assert_eq!(completeness.lines().nth(1).unwrap(), "calls_made,1 of 2,50%,Bob Stone");
    let contest = w.ok(&["contest", "--format", "csv"]);
    assert_eq!(contest.lines().collect::<Vec<_>>(), vec!["rank,rep,logged", "1,Ann Lee,1", "2,Bob Stone,0"]);
}

/// Deals in stages the settings do not know are imported all the same and said to be, with the
/// lines to add; the pipeline shows them apart until the stages are set to map them.
#[test]
fn pipeline_stages_are_settings_and_unmapped_deals_are_shown() {
    let w = Workdir::new("stages");
    w.ok(&["team", "add", "Sales"]);
    w.ok(&["rep", "add", "Ann Lee", "--hired", "2024-01-15", "--team", "Sales"]);
    let export = "\"Opportunity ID\",\"Opportunity Owner\",\"Account ID\",\"Close Date\",\"Created Date\",\"Amount\",\"Stage\",\"Type\"\n\
        \"0061\",\"Ann Lee\",\"001A\",\"2026-03-31\",\"2026-01-10\",\"$12,000.00\",\"Closed Won\",\"New Business\"\n\
        \"0062\",\"Ann Lee\",\"001B\",\"2026-04-15\",\"2026-02-01\",\"$3,500.50\",\"Contract Sent\",\"New Business\"\n\
        \"0063\",\"Ann Lee\",\"001C\",\"2026-05-15\",\"2026-02-01\",\"$500.00\",\"Decision Maker Bought-In\",\"New Business\"\n\
        \"0064\",\"Ann Lee\",\"001D\",\"2026-05-15\",\"2026-02-01\",\"$100.00\",\"Negotiation\",\"New Business\"\n";
    std::fs::write(w.path().join("opps.csv"), export).unwrap();
    let done = w.ok(&["import", "deals", "opps.csv", "--preset", "salesforce-opportunities"]);
    assert!(done.contains("opps.csv: 4 new, 0 updated, 0 unchanged, 0 rejected"), "{done}");
    assert!(
        done.contains(
            "2 rows in stages not in the pipeline settings: Contract Sent (1), Decision Maker Bought-In (1); \
             add them with `pacer stages set` (proposed lines below)"
        ),
        "{done}"
    );
    assert!(
        done.contains("[[stage]]\nname = \"Contract Sent\"\nprobability = 10\ncategory = \"pipeline\"\n"),
        "{done}"
    );
    let pipeline = w.ok(&["pipeline", "--fy", "2026", "--by", "company"]);
    assert!(
        pipeline.contains(
            "2 open deals in stages not mapped: USD 4,000.50 (Contract Sent: 1, Decision Maker Bought-In: 1)"
        ),
        "{pipeline}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&w.ok(&["pipeline", "--fy", "2026", "--format", "json"])).unwrap();
    assert_eq!(json["unmapped"][0]["stage"], "Contract Sent", "{json}");
    let shown = w.ok(&["stages"]);
    assert!(shown.contains("2 open deals in stages not mapped"), "{shown}");

    // Edit the settings as TOML and apply them: both stages mapped, one by an alias.
    let mut toml = w.ok(&["stages", "show", "--format", "toml"]);
    assert_eq!(toml, w.ok(&["stages", "--format", "toml"]));
    toml = toml.replace("name = \"Negotiation\"\n", "name = \"Negotiation\"\naliases = [\"decisionmakerboughtin\"]\n");
    toml.push_str("\n[[stage]]\nname = \"Contract Sent\"\nprobability = 90\ncategory = \"commit\"\n");
    std::fs::write(w.path().join("stages.toml"), &toml).unwrap();
    let set = w.ok(&["stages", "set", "stages.toml", "--reason", "HubSpot names"]);
    assert!(
        set.contains("~ stage \"Negotiation\": open, 80%, commit -> open, 80%, commit, aliases: decisionmakerboughtin"),
        "{set}"
    );
    assert!(set.contains("+ stage \"Contract Sent\" (open, 90%, commit)"), "{set}");
    assert!(!set.contains("not mapped"), "{set}");
    assert!(w.ok(&["stages", "set", "stages.toml"]).contains("No change"));
    let csv = w.ok(&["pipeline", "--fy", "2026", "--by", "company", "--format", "csv"]);
    assert!(csv.lines().nth(1).unwrap().starts_with("Company,3,4100.50,"), "all three open deals count: {csv}");
    assert!(!w.ok(&["pipeline", "--fy", "2026"]).contains("not mapped"));
    let listing = w.ok(&["stages", "--format", "csv"]);
    assert!(listing.contains("5,Negotiation,open,80,commit,decisionmakerboughtin"), "{listing}");
    assert!(w.ok(&["audit", "--format", "csv"]).contains("HubSpot names"), "audited with its reason");

    // Bad files change nothing and say which stage is wrong.
    std::fs::write(w.path().join("bad.toml"), "[[stage]]\nname = \"Demo\"\nprobability = 120\ncategory = \"commit\"\n")
        .unwrap();
    let refused = w.refused(&["stages", "set", "bad.toml"]);
    assert!(refused.contains("stage \"Demo\": probability 120 is not valid"), "{refused}");
    std::fs::write(w.path().join("bad.toml"), format!("{toml}aliases = [\"Negotiation\"]\n")).unwrap();
    let refused = w.refused(&["stages", "set", "bad.toml"]);
    assert!(refused.contains("alias \"Negotiation\" already means stage \"Negotiation\""), "{refused}");
    assert!(w.refused(&["stages", "alias", "Nope", "x"]).contains("there is no stage \"Nope\""));
    assert_eq!(w.ok(&["stages", "--format", "csv"]), listing, "nothing changed");
    let template = w.ok(&["stages", "template"]);
    assert!(
        template.starts_with("# Pipeline stages, in funnel order") && template.contains("name = \"Contract Sent\"")
    );
}

#[test]
fn imports_are_all_or_nothing_and_idempotent() {
    let w = Workdir::new("import");
    w.ok(&["team", "add", "Sales"]);
    w.ok(&["rep", "add", "Ann Lee", "--hired", "2024-01-15", "--team", "Sales", "--email", "ann@acme.example"]);
    let export = "\u{feff}\"Opportunity ID\",\"Opportunity Owner\",\"Account ID\",\"Close Date\",\"Created Date\",\"Amount\",\"Stage\",\"Type\"\n\
        \"0061\",\"Ann Lee\",\"001A\",\"2026-03-31\",\"2026-01-10\",\"$12,000.00\",\"Closed Won\",\"New Business\"\n\
        \"0062\",\"Ann Lee\",\"001B\",\"2026-04-15\",\"2026-02-01\",\"$3,500.50\",\"Negotiation\",\"Existing Business - Upgrade\"\n";
    std::fs::write(w.path().join("opps.csv"), export).unwrap();
    let done = w.ok(&["import", "deals", "opps.csv", "--preset", "salesforce-opportunities"]);
    assert!(
        done.contains("opps.csv: read as UTF-8 (with BOM), delimiter ',', preset salesforce-opportunities\n"),
        "{done}"
    );
    assert!(done.trim().ends_with("opps.csv: 2 new, 0 updated, 0 unchanged, 0 rejected"), "{done}");
    let again = w.ok(&["import", "deals", "opps.csv", "--preset", "salesforce-opportunities"]);
    assert!(
        again.trim().ends_with("opps.csv: 0 new, 0 updated, 2 unchanged, 0 rejected"),
        "re-importing changes nothing"
    );

    // An activity report without an id column: each row is keyed by its content, so the same
    // export imported twice is counted once.
    let mapping = "kind = \"activities\"\ndate_order = \"month-first\"\n[columns]\nrep = \"Assigned\"\ntype = \"Type\"\noccurred_at = \"Date\"\n";
    std::fs::write(w.path().join("activities.toml"), mapping).unwrap();
    let report = "Assigned,Subject,Type,Date\nAnn Lee,Intro call,Call,3/2/2026\nAnn Lee,Follow-up,Call,3/3/2026\nAnn Lee,Follow-up,Call,3/3/2026 10:00\n";
    std::fs::write(w.path().join("tasks.csv"), report).unwrap();
    let first = w.ok(&["import", "activities", "tasks.csv", "--mapping", "activities.toml"]);
    assert!(first.contains("no id column, so each record is keyed by its content"), "{first}");
    assert!(first.contains("tasks.csv: 3 new, 0 updated, 0 unchanged, 0 rejected"), "{first}");
    let second = w.ok(&["import", "activities", "tasks.csv", "--mapping", "activities.toml"]);
    assert!(second.contains("tasks.csv: 0 new, 0 updated, 3 unchanged, 0 rejected"), "{second}");

    // A bad row rejects the file: row, column, value and reason; nothing written.
    let bad = format!("{export}\"0063\",\"Zed Nobody\",\"001C\",\"31/13/2026\",\"\",\"-$5\",\"Closed Won\",\"Gift\"\n");
    std::fs::write(w.path().join("bad.csv"), &bad).unwrap();
    let out = w.pacer(&["import", "deals", "bad.csv", "--preset", "salesforce-opportunities"]);
    assert_eq!(out.status.code(), Some(2));
    let report = String::from_utf8(out.stderr).unwrap();
    assert!(report.contains("bad.csv: row 4, column \"Opportunity Owner\", value \"Zed Nobody\""), "{report}");
    assert!(report.contains("row 4, column \"Close Date\""), "{report}");
    assert!(report.contains("row 4, column \"Amount\""), "{report}");
    assert!(report.contains("nothing was imported"), "{report}");
    // With --skip-invalid the good rows land (unchanged here) and the bad one goes to the rejects file.
    let skipped = w.ok(&[
        "import",
        "deals",
        "bad.csv",
        "--preset",
        "salesforce-opportunities",
        "--skip-invalid",
        "--rejects",
        "rejects.csv",
    ]);
    assert!(skipped.contains("0 new, 0 updated, 2 unchanged, 1 rejected"), "{skipped}");
    let rejects = std::fs::read_to_string(w.path().join("rejects.csv")).unwrap();
    assert_eq!(rejects.lines().count(), 2);
    assert!(rejects.lines().nth(1).unwrap().starts_with("0063,Zed Nobody"), "{rejects}");

    let recognised = w.ok(&["import", "deals", "opps.csv"]);
    assert!(recognised.contains("preset salesforce-opportunities (recognised from the header)"), "{recognised}");
    assert!(w.refused(&["import", "deals", "opps.csv", "--preset", "sap"]).contains("unknown preset \"sap\""));
    assert!(w.refused(&["import", "gifts", "opps.csv", "--preset", "salesforce-opportunities"]).contains("gifts"));
    std::fs::write(w.path().join("latin1.csv"), b"Opportunity ID,Opportunity Owner\n1,Ren\xe9\n").unwrap();
    assert!(
        w.pacer(&["import", "deals", "latin1.csv", "--preset", "salesforce-opportunities"]).status.code() == Some(2)
    );

    // XLSX, first sheet, through a mapping file.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["account", "month", "mrr"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (account, month, mrr)) in [(1, "2026-01", "1,000.00"), (1, "2026-02", "1,200.00")].iter().enumerate() {
        sheet.write_number(r as u32 + 1, 0, *account as f64).unwrap();
        sheet.write_string(r as u32 + 1, 1, *month).unwrap();
        sheet.write_string(r as u32 + 1, 2, *mrr).unwrap();
    }
    book.save(w.path().join("mrr.xlsx")).unwrap();
    std::fs::write(
        w.path().join("mrr.toml"),
        "kind = \"subscriptions\"\n[columns]\naccount_id = \"account\"\nmonth = \"month\"\nmrr = \"mrr\"\n",
    )
    .unwrap();
    let xlsx = w.ok(&["import", "subscriptions", "mrr.xlsx", "--mapping", "mrr.toml"]);
    assert_eq!(
        xlsx.trim(),
        "mrr.xlsx: read as a workbook, sheet \"Sheet1\"\nmrr.xlsx: 2 new, 0 updated, 0 unchanged, 0 rejected"
    );
}

/// Kill the import at a random moment: the database holds all of the file or none of it.
#[test]
fn a_killed_import_leaves_all_or_nothing() {
    use std::fmt::Write as _;
    let w = Workdir::new("kill");
    w.ok(&["team", "add", "Sales"]);
    w.ok(&["rep", "add", "Ann Lee", "--hired", "2020-01-01", "--team", "Sales", "--external-id", "1"]);
    let rows = 10_000;
    let mut csv = String::from("activity_id,rep_id,occurred_at,type,duration_s,account_id\n");
    for i in 0..rows {
        let _ = writeln!(csv, "{i},1,2024-0{}-1{}T10:00:00,call,60,{}", 1 + i % 9, i % 10, i % 50);
    }
    std::fs::write(w.path().join("big.csv"), csv).unwrap();
    let db = w.path().join("pacer.sqlite");
    let count = || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            use pacer_storage::RecordStore;
            let store = pacer_storage::SqlStore::connect(&pacer_storage::DatabaseUrl::sqlite_file(&db)).await.unwrap();
            let n = store.record_counts().await.unwrap().activities;
            store.close().await;
            n
        })
    };
    // How long a whole import takes here, timed on a copy of the database.
    std::fs::create_dir_all(w.path().join("timing")).unwrap();
    std::fs::copy(w.path().join("big.csv"), w.path().join("timing/big.csv")).unwrap();
    for args in [
        &["team", "add", "Sales"][..],
        &["rep", "add", "Ann Lee", "--hired", "2020-01-01", "--team", "Sales", "--external-id", "1"],
    ] {
        let status = Command::new(env!("CARGO_BIN_EXE_pacer"))
            .args(args)
            .current_dir(w.path().join("timing"))
            .output()
            .unwrap()
            .status;
        assert!(status.success());
    }
    let started = std::time::Instant::now();
    let timed = Command::new(env!("CARGO_BIN_EXE_pacer"))
        .args(["import", "activities", "big.csv", "--preset", "pacer-activities"])
        .current_dir(w.path().join("timing"))
        .output()
        .unwrap();
    assert!(timed.status.success());
    let whole = started.elapsed().as_millis() as u64;
    let mut seen = std::collections::BTreeSet::new();
    // Pseudo-random delays from the clock, spread over the import's run and a little past it.
    for round in 0..6u64 {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() as u64;
        let delay = std::time::Duration::from_millis((nanos / 1000 + round * whole / 5) % (whole + whole / 5));
        let mut child = Command::new(env!("CARGO_BIN_EXE_pacer"))
            .args(["import", "activities", "big.csv", "--preset", "pacer-activities"])
            .current_dir(w.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let n = count();
        assert!(n == 0 || n == rows as i64, "after a kill at {delay:?} the database holds {n} of {rows} rows");
        seen.insert(n);
    }
    // And a complete run lands all of it, once.
    w.ok(&["import", "activities", "big.csv", "--preset", "pacer-activities"]);
    assert_eq!(count(), rows as i64);

    eprintln!("states seen after kills: {seen:?}");
}

/// An internal error (here a stored catalog that no longer checks, as after a
/// hand edit of the database) is printed with its cause, so that the person at
/// the terminal can act on it; web clients get "internal error" alone.
#[test]
fn an_internal_error_prints_its_cause() {
    let w = Workdir::new("internal");
    w.ok(&["init", "--name", "Acme", "--password", "correct horse battery", "--no-catalog"]);
    std::fs::write(w.path().join("metrics.toml"), pacer_demo::catalog_toml(chrono::Local::now().date_naive())).unwrap();
    w.ok(&["metrics", "apply", "metrics.toml"]);
    let url = format!("sqlite://{}", w.path().join("pacer.sqlite").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query("UPDATE catalog_versions SET source = 'not a catalog ['").execute(&pool).await.unwrap();
        pool.close().await;
    });
    let stderr = w.refused(&["report", "calls_made"]);
    assert!(stderr.starts_with("error: internal error: stored catalog version 1 does not check"), "{stderr}");
}

/// Exports as CRMs write them, not shaped like Pacer's samples: a Salesforce report in
/// Windows-1252 with its title and footer, the same report from a French user (semicolons,
/// decimal commas, days first), a HubSpot export saved as UTF-16 by Excel, HubSpot calls and a
/// Pipedrive deals export recognised from their headers, and a header no preset fits.
#[test]
fn crm_exports_import_as_they_come() {
    let w = Workdir::new("crm-exports");
    w.ok(&["team", "add", "Sales"]);
    w.ok(&["rep", "add", "Ann Lee", "--hired", "2024-01-15", "--team", "Sales"]);
    w.ok(&["rep", "add", "René Faure", "--hired", "2024-01-15", "--team", "Sales"]);
    let write = |name: &str, bytes: &[u8]| std::fs::write(w.path().join(name), bytes).unwrap();

    // Salesforce "Export > Formatted report" as CSV in the user's Windows code page: a title,
    // filters, a blank line, the header, the rows, then totals and the legal footer.
    let report = "\"Opportunity Pipeline\"\n\"As of 04/03/2026\"\n\"Filtered By: Close Date equals THIS FISCAL YEAR\"\n\"\"\n\
        \"Opportunity Owner\",\"Account Name\",\"Opportunity Name\",\"Stage\",\"Amount\",\"Close Date\",\"Type\"\n\
        \"René Faure\",\"Société Générale\",\"SG – 40 seats\",\"Closed Won\",\"$12,000.00\",\"3/31/2026\",\"New Business\"\n\
        \"Ann Lee\",\"Müller AG\",\"Müller renewal\",\"Negotiation/Review\",\"$8,500.50\",\"6/30/2026\",\"Renewal\"\n\
        \"\"\n\"Grand Totals (2 records)\",\"\",\"\",\"\",\"$20,500.50\",\"\",\"\"\n\"\"\n\
        \"Confidential Information - Do Not Distribute\"\n\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\n";
    let (latin, _, lossy) = encoding_rs::WINDOWS_1252.encode(report);
    assert!(!lossy);
    write("pipeline.csv", &latin);
    let done = w.ok(&["import", "deals", "pipeline.csv", "--date-order", "month-first"]);
    assert!(done.contains("read as windows-1252 (detected)"), "{done}");
    assert!(done.contains("preset salesforce-opportunities (recognised from the header)"), "{done}");
    assert!(done.contains("6 report row(s) left out"), "{done}");
    assert!(
        done.contains("row 1 \"Opportunity Pipeline\"") && done.contains("row 12 \"Copyright (c) 2000-2026"),
        "{done}"
    );
    assert!(done.contains("no id column, so each record is keyed by its content"), "{done}");
    assert!(done.contains("pipeline.csv: 2 new, 0 updated, 0 unchanged, 0 rejected"), "{done}");
    let again = w.ok(&["import", "deals", "pipeline.csv", "--date-order", "month-first"]);
    assert!(again.contains("0 new, 0 updated, 2 unchanged, 0 rejected"), "re-importing changes nothing: {again}");

    // The same kind of report from a French user: UTF-8 with BOM, semicolons, decimal commas,
    // days first (said by the French headers); the renewal has been won since.
    let french = "\u{feff}Propriétaire de l'opportunité;Nom du compte;Nom de l'opportunité;Étape;Montant;Date de clôture;Type\n\
        Ann Lee;Müller AG;Müller renewal;Fermée gagnée;8 500,50;30/06/2026;Renouvellement\n";
    write("pipeline-fr.csv", french.as_bytes());
    let fr = w.ok(&["import", "deals", "pipeline-fr.csv"]);
    assert!(fr.contains("read as UTF-8 (with BOM), delimiter ';'"), "{fr}");
    assert!(fr.contains("0 new, 1 updated, 0 unchanged"), "same owner, account, kind and day, now won: {fr}");

    // HubSpot deals saved by Excel as "Unicode Text": UTF-16LE with BOM, tabs, and stages
    // named by their internal ids.
    let hubspot = "Record ID\tDeal Name\tDeal Stage\tClose Date\tDeal owner\tAmount\n\
        9001\tAcme expansion\tclosedwon\t2026-03-12 00:00\tAnn Lee\t24000\n\
        9002\tGlobex\tcontractsent\t2026-07-01 00:00\tRené Faure\t5000.5\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(hubspot.encode_utf16().flat_map(u16::to_le_bytes));
    write("hubspot-deals.csv", &utf16);
    let hs = w.ok(&["import", "deals", "hubspot-deals.csv"]);
    assert!(hs.contains("read as UTF-16LE (BOM), delimiter tab, preset hubspot-deals (recognised"), "{hs}");
    assert!(hs.contains("2 new, 0 updated, 0 unchanged, 0 rejected"), "{hs}");

    // HubSpot calls: no type column, the export says what they are.
    let calls = "Record ID,Call Title,Activity date,Activity assigned to,Call outcome,Call duration\n\
        71,Intro,2026-03-02 09:15,Ann Lee,Connected,00:04:05\n72,Follow-up,2026-03-03 10:00,René Faure,Left voicemail,00:00:40\n";
    write("calls.csv", calls.as_bytes());
    let c = w.ok(&["import", "activities", "calls.csv"]);
    assert!(c.contains("preset hubspot-calls (recognised from the header)") && c.contains("2 new"), "{c}");

    // Pipedrive: closed deals have their won or lost time, open ones only the expected day.
    let pipedrive = "Deal - ID,Deal - Title,Deal - Owner,Deal - Value,Deal - Currency,Deal - Organization,Deal - Stage,Deal - Status,Deal - Won time,Deal - Lost time,Deal - Expected close date\n\
        p1,Initech,Ann Lee,1200,USD,Initech,Negotiations Started,won,2026-02-27 16:02:11,,2026-03-31\n\
        p2,Hooli,Ann Lee,900,USD,Hooli,Proposal Made,open,,,2026-08-31\n";
    write("pipedrive.csv", pipedrive.as_bytes());
    let p = w.ok(&["import", "deals", "pipedrive.csv"]);
    assert!(p.contains("preset pipedrive-deals (recognised from the header)") && p.contains("2 new"), "{p}");

    // A header that no preset fits: the closest presets say what they lack, nothing is written,
    // and --write-mapping proposes a mapping with the blanks to fill in.
    write("odd.csv", b"Owner Email,Client,Closing,Amount,Stage\nAnn Lee,Acme,2026-05-31,100,Proposal\n");
    let refused = w.refused(&["import", "deals", "odd.csv"]);
    assert!(refused.contains("no preset for deals fits this header; closest: "), "{refused}");
    let wrote = w.ok(&["import", "deals", "odd.csv", "--write-mapping", "odd.toml"]);
    assert!(wrote.contains("proposed from the header"), "{wrote}");
    let proposed = std::fs::read_to_string(w.path().join("odd.toml")).unwrap();
    assert!(proposed.contains("amount = \"Amount\"") && proposed.contains("# rep = \"\"  # required"), "{proposed}");
    let filled = proposed
        .replace("# rep = \"\"  # required", "rep = \"Owner Email\"")
        .replace("# account_id = \"\"  # required", "account_id = \"Client\"")
        .replace("# close_date = \"\"  # required", "close_date = \"Closing\"");
    write("odd.toml", filled.as_bytes());
    let odd = w.ok(&["import", "deals", "odd.csv", "--mapping", "odd.toml"]);
    assert!(odd.contains("1 new, 0 updated, 0 unchanged, 0 rejected"), "{odd}");
    assert!(
        w.refused(&["import", "deals", "odd.csv", "--encoding", "klingon"]).contains("unknown encoding \"klingon\"")
    );
}

/// A HubSpot deals export has open deals without a close date or an amount: they are imported,
/// said in the summary, and in the pipeline under "no close date", in no period's forecast; a won
/// deal without its close date is refused.
#[test]
fn open_deals_without_a_close_date_are_pipeline_in_no_period() {
    let w = Workdir::new("undated-deals");
    w.ok(&["team", "add", "Sales"]);
    w.ok(&["rep", "add", "Ann Lee", "--hired", "2024-01-15", "--team", "Sales"]);
    let stages = "[[stage]]\nname = \"Appointment Scheduled\"\nprobability = 20\ncategory = \"pipeline\"\n\
        [[stage]]\nname = \"Contract Sent\"\nprobability = 90\ncategory = \"commit\"\n\
        [[stage]]\nname = \"Closed Won\"\nkind = \"won\"\n[[stage]]\nname = \"Closed Lost\"\nkind = \"lost\"\n";
    std::fs::write(w.path().join("stages.toml"), stages).unwrap();
    w.ok(&["stages", "set", "stages.toml"]);
    let export = "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Create Date\n\
        101,Acme,Contract Sent,2026-03-31 00:00,Ann Lee,1000,2026-01-05 10:00\n\
        102,Globex,Contract Sent,,Ann Lee,2500.50,2026-01-06 11:00\n\
        103,Initech,Appointment Scheduled,,Ann Lee,,2026-01-07 09:00\n\
        104,Hooli,Closed Won,2026-02-15 00:00,Ann Lee,400,2026-01-02 09:00\n";
    std::fs::write(w.path().join("all-deals.csv"), export).unwrap();
    let done = w.ok(&["import", "deals", "all-deals.csv"]);
    assert!(done.contains("preset hubspot-deals (recognised from the header)"), "{done}");
    assert!(done.contains("all-deals.csv: 4 new, 0 updated, 0 unchanged, 0 rejected"), "{done}");
    assert!(
        done.contains(
            "all-deals.csv: 2 open deals have no close date; they are in the pipeline under 'no close date' \
             and in no period's forecast"
        ),
        "{done}"
    );
    assert!(
        done.contains(
            "all-deals.csv: 1 open deal has no amount; it counts at 0 in the pipeline until the CRM gives one"
        ),
        "{done}"
    );
    let again = w.ok(&["import", "deals", "all-deals.csv"]);
    assert!(again.contains("0 new, 0 updated, 4 unchanged, 0 rejected"), "re-importing changes nothing: {again}");

    // In the open pipeline of every period, in no forecast category.
    for fy in ["2026", "2030"] {
        let json: serde_json::Value =
            serde_json::from_str(&w.ok(&["pipeline", "--fy", fy, "--by", "company", "--format", "json"])).unwrap();
        let summary = &json["rows"][0]["summary"];
        assert_eq!(summary["no_close_date"]["count"], 2, "FY{fy}: {summary}");
        assert_eq!(summary["no_close_date"]["amount_minor"], 250_050, "FY{fy}: {summary}");
        let dated = if fy == "2026" { 100_000 } else { 0 };
        assert_eq!(summary["open_minor"], 250_050 + dated, "FY{fy}: {summary}");
        let commit = summary["categories"].as_array().unwrap().iter().find(|c| c["category"] == "commit").unwrap();
        assert_eq!(commit["amount_minor"], dated, "FY{fy}: {summary}");
    }
    let table = w.ok(&["pipeline", "--fy", "2026", "--by", "company"]);
    assert!(table.contains("no close date"), "{table}");

    // A won deal needs the day it closed: the row is refused, nothing is written.
    std::fs::write(
        w.path().join("won.csv"),
        "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Create Date\n\
         105,Umbrella,Closed Won,,Ann Lee,700,2026-01-08 09:00\n",
    )
    .unwrap();
    let out = w.pacer(&["import", "deals", "won.csv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "won.csv: row 2, column \"Close Date\", value \"\": a won deal needs its close date: only an open deal may leave it empty"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert!(w.ok(&["import", "deals", "all-deals.csv"]).contains("4 unchanged"));
}

/// Money is written with its currency's exponent and its columns name the currency: whole yen,
/// three decimals of dinar; amounts in files are read with the same decimals, and one with more
/// is refused with its row, column, value and why.
#[test]
fn money_columns_name_their_currency_and_keep_its_decimals() {
    for (currency, amount, table, csv, too_precise, reason) in [
        ("JPY", "150000", "150,000", "150000", "1500.5", "has decimals, but JPY has none: amounts in JPY are whole"),
        ("KWD", "1234.567", "1,234.567", "1234.567", "1.2345", "has more than 3 decimals, the most KWD has"),
    ] {
        let w = Workdir::new(&format!("money-{currency}"));
        w.ok(&["org", "set", "--currency", currency]);
        w.ok(&["team", "add", "Sales"]);
        w.ok(&["rep", "add", "Ann Lee", "--hired", "2024-01-15", "--team", "Sales"]);
        let export = format!(
            "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount\n9001,Acme,Closed Won,2026-03-12,Ann Lee,{amount}\n"
        );
        std::fs::write(w.path().join("deals.csv"), export).unwrap();
        w.ok(&["import", "deals", "deals.csv"]);
        let shown = w.ok(&["pipeline", "--fy", "2026", "--by", "company"]);
        assert!(shown.contains(&format!("closed won ({currency})")) && shown.contains(table), "{shown}");
        let file = w.ok(&["pipeline", "--fy", "2026", "--by", "company", "--format", "csv"]);
        let mut lines = file.lines();
        assert!(lines.next().unwrap().contains(&format!(",closed won ({currency}),")), "{file}");
        assert!(lines.next().unwrap().contains(&format!(",{csv},")), "{file}");
        let export = format!(
            "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount\n9002,Acme,Closed Won,2026-03-13,Ann Lee,{too_precise}\n"
        );
        std::fs::write(w.path().join("more.csv"), export).unwrap();
        let out = w.pacer(&["import", "deals", "more.csv"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let want = format!("more.csv: row 2, column \"Amount\", value \"{too_precise}\": \"{too_precise}\" {reason}");
        assert!(stderr.contains(&want), "{stderr}");
        assert_eq!(w.ok(&["pipeline", "--fy", "2026", "--by", "company", "--format", "csv"]), file, "nothing changed");
    }
}

/// `pacer fx`: rates set one by one or from a file (all or nothing), listed in every format,
/// deleted unless a deal depends on them; deals in other currencies are imported converted at
/// them, and refused without one.
#[test]
fn exchange_rates_convert_deals_in_other_currencies() {
    let w = Workdir::new("fx");
    w.ok(&["init", "--name", "Acme", "--password", "correct horse battery"]);
    w.ok(&["org", "set", "--currency", "EUR"]);
    w.ok(&["team", "add", "Sales"]);
    w.ok(&["rep", "add", "Ann Lee", "--hired", "2024-01-15", "--team", "Sales"]);
    assert!(w.ok(&["fx", "set", "CHF", "2026-01", "1.0712"]).contains("Set 1 rate(s)"));
    assert!(w.refused(&["fx", "set", "EUR", "2026-01", "1"]).contains("EUR is the reporting currency"));
    assert!(w.refused(&["fx", "set", "CHF", "2026-01", "1,07"]).contains("rate \"1,07\" is not valid"));
    assert!(w.refused(&["fx", "set", "XYZ", "2026-01", "1"]).contains("currency \"XYZ\" is not valid"));

    // A file with one bad row sets nothing.
    std::fs::write(w.path().join("bad.csv"), "currency,month,rate\nUSD,2026-01,0.92\nUSD,2026-14,0.9\n").unwrap();
    let out = w.pacer(&["fx", "import", "bad.csv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.csv: row 3, column \"month\", value \"2026-14\""), "{stderr}");
    assert_eq!(w.ok(&["fx", "list", "--format", "csv"]).lines().count(), 2, "only CHF");
    std::fs::write(w.path().join("rates.csv"), "currency,month,rate\nUSD,2026-01,0.92\nUSD,2026-03,0.9\n").unwrap();
    assert!(w.ok(&["fx", "import", "rates.csv"]).contains("Set 2 rate(s)"));
    let listed = w.ok(&["fx", "list", "--format", "csv"]);
    assert_eq!(
        listed.lines().collect::<Vec<_>>(),
        ["currency,month,rate,into", "CHF,2026-01,1.0712,EUR", "USD,2026-01,0.92,EUR", "USD,2026-03,0.9,EUR"]
    );
    let json: serde_json::Value = serde_json::from_str(&w.ok(&["fx", "list", "--format", "json"])).unwrap();
    assert_eq!(json[0], serde_json::json!({"currency": "CHF", "month": "2026-01", "rate": "1.0712"}));
    assert!(w.ok(&["fx", "list"]).contains("1.0712"));

    // EUR, USD and CHF rows, and one in JPY, which has no rate: the file is refused whole.
    let export = "\"Opportunity ID\",\"Opportunity Owner\",\"Account ID\",\"Close Date\",\"Amount\",\"Opportunity Currency\",\"Stage\",\"Type\"\n\
        \"0061\",\"Ann Lee\",\"001A\",\"2026-03-31\",\"12 000,00 €\",\"\",\"Closed Won\",\"New Business\"\n\
        \"0062\",\"Ann Lee\",\"001B\",\"2026-02-15\",\"$1,000.00\",\"USD\",\"Closed Won\",\"New Business\"\n\
        \"0063\",\"Ann Lee\",\"001C\",\"2026-02-20\",\"CHF 1,000.00\",\"CHF\",\"Closed Won\",\"New Business\"\n\
        \"0064\",\"Ann Lee\",\"001D\",\"2026-02-20\",\"¥150,000\",\"JPY\",\"Closed Won\",\"New Business\"\n";
    std::fs::write(w.path().join("opps.csv"), export).unwrap();
    let out = w.pacer(&["import", "deals", "opps.csv", "--preset", "salesforce-opportunities"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "row 5, column \"Opportunity Currency\", value \"JPY\": no exchange rate for JPY in 2026-02 or earlier: \
             set one first (pacer fx set JPY 2026-02 RATE)"
        ),
        "{stderr}"
    );
    let won = || {
        let csv =
            w.ok(&["pipeline", "--from", "2026-02-01", "--to", "2026-03-31", "--by", "company", "--format", "csv"]);
        csv.lines().nth(1).map(|l| l.split(',').nth(8).unwrap_or_default().to_string()).unwrap_or_default()
    };
    assert_eq!(won(), "0.00", "nothing written");
    // With --skip-invalid the good rows land, converted: 12,000.00 + 920.00 + 1,071.20 EUR.
    let done = w.ok(&[
        "import",
        "deals",
        "opps.csv",
        "--preset",
        "salesforce-opportunities",
        "--skip-invalid",
        "--rejects",
        "rejects.csv",
    ]);
    assert!(done.contains("3 new, 0 updated, 0 unchanged, 1 rejected"), "{done}");
    assert_eq!(won(), "13991.20");
    // A new February rate converts the USD deal again.
    w.ok(&["fx", "set", "USD", "2026-02", "0.95"]);
    assert_eq!(won(), "14021.20");

    assert!(w.refused(&["fx", "delete", "CHF", "2026-01"]).contains("the rate of CHF for 2026-01 is in use"));
    assert!(w.ok(&["fx", "delete", "USD", "2026-03"]).contains("Deleted the rate of USD for 2026-03"));
    assert!(w.refused(&["fx", "delete", "USD", "2026-03"]).contains("does not exist"));
    assert!(w.refused(&["org", "set", "--currency", "USD"]).contains("the currency cannot change from EUR to USD"));
}

/// The tables and messages speak the reader's language, chosen with `--lang`, `PACER_LANG` or the
/// system's locale: French headers, dates, numbers and words; CSV and JSON, which programs read,
/// are the same bytes in every language.
#[test]
fn tables_speak_the_readers_language_and_machine_formats_do_not() {
    let w = Workdir::new("french");
    w.ok(&["init", "--name", "Acme", "--start-month", "2", "--password", "correct horse battery"]);
    w.ok(&["team", "add", "Sales"]);
    w.ok(&["rep", "add", "Ann Lee", "--hired", "2024-01-15", "--team", "Sales"]);

    let calendar = w.ok(&["--lang", "fr", "calendar", "--fy", "2026"]);
    for french in ["nom", "libellé", "début", "fin", "jours ouvrés", "T1 FY2026", "S2 FY2026", "1 févr. 2025"] {
        assert!(calendar.contains(french), "{french:?} in {calendar}");
    }
    for english in ["label", "start", "working days", "Q1 FY2026", "Feb 1, 2025", "2025-02-01"] {
        assert!(!calendar.contains(english), "{english:?} in {calendar}");
    }
    let english = w.ok_with(&[("LANG", "C.UTF-8")], &["calendar", "--fy", "2026"]);
    assert!(english.contains("working days") && english.contains("Q1 FY2026") && english.contains("Feb 1, 2025"));

    let reps = w.ok_with(&[("PACER_LANG", "fr")], &["rep", "list"]);
    assert!(reps.contains("embauché le") && reps.contains("équipe") && reps.contains("15 janv. 2024"), "{reps}");
    assert!(!reps.contains("hired") && !reps.contains("2024-01-15"), "{reps}");
    let users = w.ok_with(&[("LANG", "fr_FR.UTF-8")], &["user", "list"]);
    assert!(users.contains("utilisateur") && users.contains("actif") && users.contains("oui"), "{users}");
    assert!(!users.contains("true") && !users.contains("active"), "{users}");

    // Numbers as French writes them: a decimal comma, words of the periods; messages in French.
    let converted = w.ok(&["--lang", "fr", "churn", "convert", "5%", "--from", "monthly", "--to", "annual"]);
    assert!(
        converted.contains("5,0000") && converted.contains("mensuel") && converted.contains("45,9640"),
        "{converted}"
    );
    assert!(w.ok(&["--lang", "fr", "fx", "set", "CHF", "2026-01", "1.0712"]).contains("1 taux enregistré"));
    let saved = w.ok_with(&[("PACER_LANG", "fr")], &["org", "set", "--name", "Acme"]);
    assert!(saved.starts_with("Enregistré. L’exercice fiscal en cours est FY"), "{saved}");

    // Catalog words, roles, stage kinds, the pipeline's notes, an import and the rollups.
    let metrics = w.ok(&["--lang", "fr", "metrics", "show"]);
    assert!(metrics.contains("activité") && metrics.contains("nombre") && metrics.contains("automatique"), "{metrics}");
    assert!(!metrics.contains("activity") && !metrics.contains("automatic"), "{metrics}");
    let readiness = w.ok(&["--lang", "fr", "metrics", "readiness", "--fy", "2026"]);
    assert!(readiness.contains("automatique depuis"), "{readiness}");
    assert!(!readiness.contains("automatic from") && !readiness.contains("not started"), "{readiness}");
    let users = w.ok(&["--lang", "fr", "user", "list"]);
    assert!(users.contains("administrateur"), "{users}");
    let audit = w.ok(&["--lang", "fr", "audit"]);
    let today = chrono::Utc::now().date_naive();
    assert!(!audit.contains(&today.to_string()) && !audit.contains("Z "), "day and time for people: {audit}");
    assert!(audit.contains(&format!("{}, ", pacer_i18n::Locale::FRENCH.date(today))), "{audit}");
    let stages = w.ok(&["--lang", "fr", "stages"]);
    assert!(stages.contains("ouverte") && stages.contains("gagnée") && stages.contains("Engagé"), "{stages}");
    assert!(!stages.contains("open") && !stages.contains("commit"), "{stages}");
    let export = "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount\n\
        9001,Acme,Closed Won,2025-03-12,Ann Lee,1500\n9002,Globex,Contract Sent,2025-06-30,Ann Lee,2500.50\n";
    std::fs::write(w.path().join("deals.csv"), export).unwrap();
    let imported = w.ok(&["--lang", "fr", "import", "deals", "deals.csv"]);
    assert!(imported.contains("deals.csv : nouveaux : 2, mis à jour : 0, inchangés : 0, écartés : 0"), "{imported}");
    assert!(
        imported.contains("1 ligne dans une étape absente des réglages du pipeline : Contract Sent (1)"),
        "{imported}"
    );
    let pipeline = w.ok(&["--lang", "fr", "pipeline", "--fy", "2026", "--by", "company"]);
    for french in
        ["affaires ouvertes dont la clôture", "1 affaire ouverte à une étape non reconnue", "associez-les avec"]
    {
        assert!(pipeline.contains(french), "{french:?} in {pipeline}");
    }
    assert!(!pipeline.contains("open deals") && !pipeline.contains("not mapped"), "{pipeline}");
    let report = w.ok(&["--lang", "fr", "report", "new_business", "--fy", "2026", "--per", "quarter"]);
    assert!(report.contains("T1 FY2026") && report.contains("T4 FY2026") && !report.contains("Q1 FY2026"), "{report}");
    let rebuilt = w.ok(&["--lang", "fr", "rollups", "rebuild"]);
    assert!(rebuilt.starts_with("Agrégats quotidiens reconstruits"), "{rebuilt}");

    // CSV and JSON: the same bytes whatever the language.
    for args in [
        &["calendar", "--fy", "2026", "--format", "csv"][..],
        &["calendar", "--fy", "2026", "--format", "json"],
        &["rep", "list", "--format", "csv"],
        &["rep", "list", "--format", "json"],
        &["team", "list", "--format", "csv"],
        &["user", "list", "--format", "csv"],
        &["user", "list", "--format", "json"],
        &["fx", "list", "--format", "csv"],
        &["metrics", "show", "--format", "csv"],
        &["metrics", "readiness", "--format", "csv"],
        &["pipeline", "--fy", "2026", "--format", "csv"],
        &["pipeline", "--fy", "2026", "--format", "json"],
        &["report", "new_business", "--fy", "2026", "--per", "quarter", "--format", "csv"],
        &["stages", "--format", "csv"],
        &["audit", "--format", "csv"],
        &["metrics", "show", "--format", "json"],
    ] {
        let english = w.ok_with(&[("LANG", "C.UTF-8")], args);
        let with_flag = w.ok(&[&["--lang", "fr"][..], args].concat());
        assert_eq!(with_flag, english, "pacer --lang fr {args:?}");
        assert_eq!(w.ok_with(&[("PACER_LANG", "fr")], args), english, "PACER_LANG=fr pacer {args:?}");
        assert_eq!(w.ok_with(&[("LANG", "fr_FR.UTF-8")], args), english, "LANG=fr_FR.UTF-8 pacer {args:?}");
    }
    assert!(w.ok(&["rep", "list", "--format", "csv"]).starts_with("id,name,title,team,hired,left,e-mail\n"));
}
