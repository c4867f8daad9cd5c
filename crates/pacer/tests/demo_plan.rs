//! The demo's plan and reports through the command line, as a newcomer
//! meets them: an approved plan for the current fiscal year and a draft
//! scenario, phased seasonally and summing to the cent at every level;
//! reports, leaderboards and the pipeline in every format; bad input
//! refused with one line and exit code 2, nothing written.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

struct Demo(PathBuf);

impl Demo {
    fn new(name: &str) -> Self {
        Self::with(name, &[])
    }

    /// The demo created with these further arguments (`--lang fr`).
    fn with(name: &str, args: &[&str]) -> Self {
        let dir = std::env::temp_dir().join(format!("pacer-demo-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let demo = Self(dir);
        let out = demo.run(&[&["demo", "--no-serve", "--fresh"], args].concat());
        assert!(out.status.success(), "demo: {}", String::from_utf8_lossy(&out.stderr));
        demo
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_pacer"))
            .args(["--database", "sqlite://pacer-demo.sqlite"])
            .args(args)
            .current_dir(&self.0)
            .env_remove("PACER_DATABASE_URL")
            .env_remove("PACER_CONFIG")
            .output()
            .expect("run pacer")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "pacer {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    fn refused(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(2), "pacer {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        stderr
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn total(line: &Value) -> i64 {
    line["total"].as_i64().unwrap()
}

#[test]
fn the_demo_plan_is_approved_phased_and_sums_to_the_cent() {
    let demo = Demo::new("plan");
    let plans = demo.json(&["plan", "list", "--format", "json"]);
    let plans = plans.as_array().unwrap();
    assert_eq!(plans.len(), 2, "an approved plan and a draft scenario");
    assert_eq!(plans[0]["status"], "approved");
    assert_eq!(plans[0]["approved_by"], "lead");
    assert_eq!(plans[1]["status"], "draft");
    assert_eq!(plans[1]["copied_from"], plans[0]["id"]);

    for kpi in ["new_business", "demos_given", "calls_made"] {
        let sheet = demo.json(&["plan", "show", "1", "--kpi", kpi, "--format", "json"]);
        let lines = sheet["lines"].as_array().unwrap();
        for l in lines {
            let months: i64 = l["months"].as_array().unwrap().iter().map(|m| m.as_i64().unwrap()).sum();
            assert_eq!(months, total(l), "{kpi}: {} months sum to its year", l["name"]);
            assert!(l["months"].as_array().unwrap().iter().all(|m| m.as_i64().unwrap() >= 0));
        }
        let company = lines.iter().find(|l| l["owner"]["kind"] == "company").unwrap();
        let of = |kind: &str| -> i64 { lines.iter().filter(|l| l["owner"]["kind"] == kind).map(total).sum() };
        assert_eq!(of("rep"), total(company), "{kpi}: the reps' targets sum to the company's to the unit");
        if kpi == "new_business" {
            assert_eq!(of("team"), total(company), "the teams' targets sum to the company's to the cent");
            // Seasonal phasing: the months are not all equal.
            let months = company["months"].as_array().unwrap();
            assert!(months.iter().any(|m| m != &months[0]), "phased by seasonality");
        }
        assert_eq!(sheet["gap"]["difference"], 0);
        // Phased plausibly (docs/numbers.md): no month of the company's year under a quarter of its mean month.
        let months: Vec<f64> = company["months"].as_array().unwrap().iter().map(|m| m.as_f64().unwrap()).collect();
        let mean = months.iter().sum::<f64>() / 12.0;
        assert!(months.iter().all(|&m| m >= 0.25 * mean), "{kpi}: {months:?} has a month under 25% of {mean}");
    }

    // One cut-off, one figure: new business to date on the seasonality outlook, in the review and
    // in the attainment report.
    let outlook = demo.json(&["plan", "seasonality", "--kpi", "new_business", "--format", "json"]);
    let review = demo.json(&["review", "--format", "json"]);
    let doc = &review["document"];
    let nb = doc["kpis"].as_array().unwrap().iter().find(|k| k["key"] == "new_business").unwrap();
    let attainment =
        demo.json(&["plan", "attainment", "1", "--kpi", "new_business", "--by", "company", "--format", "json"]);
    let ytd_cell = attainment["rows"][0]["cells"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(outlook["cut_off"], doc["as_of"]);
    assert_eq!(attainment["cut_offs"].as_array().unwrap().last().unwrap(), &doc["as_of"]);
    assert_eq!(outlook["ytd"].as_f64(), nb["company"]["ytd"]["actual"].as_f64(), "seasonality and review agree");
    assert_eq!(ytd_cell["actual"]["value"].as_f64(), outlook["ytd"].as_f64(), "attainment and seasonality agree");
    assert_eq!(ytd_cell["target"], nb["company"]["ytd"]["target"], "the same target to date");
    // The year's report column (nothing after today exists) says the same.
    let report = demo.json(&["report", "new_business", "--by", "company", "--per", "quarter", "--format", "json"]);
    let year = report["rows"][0]["values"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(year["value"].as_f64(), outlook["ytd"].as_f64(), "report and seasonality agree");

    // Each rep's figure says why its target is small: ramped after the hire, or left.
    let by_rep = demo.json(&["plan", "attainment", "1", "--kpi", "new_business", "--format", "json"]);
    let notes: Vec<String> = by_rep["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["cells"].as_array().unwrap().iter().flat_map(|c| c["notes"].as_array().cloned().unwrap_or_default())
        })
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    assert!(notes.iter().any(|n| n.starts_with("ramped: 25%") && n.contains("(hired ")), "{notes:?}");
    assert!(notes.iter().any(|n| n.starts_with("left on ")), "{notes:?}");
    let reps = nb["reps"].as_array().unwrap();
    assert!(reps.iter().any(|r| r["ytd"]["notes"].as_array().is_some_and(|n| !n.is_empty())), "the review says so too");

    // A KPI tracked from mid-year: untracked quarters have no figure, the year is the tracked
    // months' rate, labelled with what it covers.
    let since = pacer_demo::call_outcome_since(chrono::Local::now().date_naive());
    let fy = (since.year() + 1).to_string(); // June of year Y is in FY Y+1 (February to January)
    let rate =
        demo.json(&["report", "connect_rate", "--by", "company", "--per", "quarter", "--fy", &fy, "--format", "json"]);
    let cells = rate["rows"][0]["values"].as_array().unwrap();
    assert_eq!(cells[0]["type"], "no_figure", "Q1 is before tracking began: {rate}");
    let year_note = rate["columns"][4]["coverage"].as_str().unwrap_or_default();
    let since_shown = pacer_i18n::Locale::ENGLISH.date(since);
    assert!(
        year_note.starts_with("covers ") && year_note.ends_with(&format!("(tracked since {since_shown})")),
        "{rate}"
    );
    let tracked: Vec<f64> = cells[1..cells.len() - 1].iter().filter_map(|c| c["value"].as_f64()).collect();
    let year = cells.last().unwrap()["value"].as_f64().unwrap();
    let (low, high) = tracked.iter().fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
    assert!(year >= low && year <= high, "the year's rate {year} lies among the tracked quarters' {tracked:?}");
    let table = demo.ok(&["report", "connect_rate", "--by", "company", "--per", "quarter", "--fy", &fy]);
    assert!(table.contains("covers ") && table.contains("(tracked since "), "{table}");

    // The scenario is 30% more new business; the comparison says so.
    let cmp = demo.json(&["plan", "compare", "1", "2", "--format", "json"]);
    let rows = cmp.as_array().unwrap();
    let level = |level: &str| {
        let row = rows.iter().find(|t| t["kpi"] == "new_business" && t["level"] == level && t["owner"].is_null());
        let totals = row.unwrap_or_else(|| panic!("no {level} row: {cmp}"))["totals"].as_array().unwrap().clone();
        totals.iter().map(|t| t.as_i64().unwrap()).collect::<Vec<i64>>()
    };
    let company = level("company");
    assert_eq!(company[1], company[0] * 13 / 10);
    // Each level on its own: the teams and the reps split the company's target, never added to it.
    assert_eq!(level("team"), company, "all teams total the company's target");
    assert_eq!(level("rep"), company, "all reps too");

    // Attainment with the plan's 10% tolerance, as CSV.
    let csv = demo.ok(&["plan", "attainment", "1", "--kpi", "new_business", "--by", "team", "--format", "csv"]);
    assert!(csv.starts_with("name,Q1 FY"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 5, "five selling teams");

    // Bad input: one line, exit 2, nothing written.
    assert!(demo.refused(&["plan", "allocate", "1", "--kpi", "calls_made", "--annual", "10"]).contains("only a draft"));
    assert!(demo.refused(&["plan", "allocate", "2", "--kpi", "calls_made", "--annual=-10"]).contains("negative"));
    assert!(
        demo.refused(&[
            "plan",
            "allocate",
            "2",
            "--kpi",
            "calls_made",
            "--annual",
            "10",
            "--months",
            "custom",
            "--month-weights",
            "0,0,0,0,0,0,0,0,0,0,0,0"
        ])
        .contains("add up to 0")
    );
    assert!(
        demo.refused(&["plan", "create", "--fy", "2027", "--name", "x", "--tolerance", "1.5"]).contains("tolerance")
    );
    assert!(
        demo.refused(&[
            "plan",
            "create",
            "--fy",
            "2027",
            "--name",
            "x",
            "--ramp",
            "10,20,30,40,50,60,70,80,90,100,100,100,100"
        ])
        .contains("ramp")
    );
    assert_eq!(demo.json(&["plan", "list", "--format", "json"]).as_array().unwrap().len(), 2, "nothing was created");
    let growth = demo.ok(&["plan", "growth", "--base", "500", "--churn", "7%", "--growth", "20%"]);
    assert!(growth.contains("135"), "{growth}");

    // The reviews: the current quarter's lists the mid-year KPI as partial and the manual KPI
    // with low completeness, naming its reps; the last quarter's is closed with its notes.
    use chrono::Datelike;
    let today = chrono::Local::now().date_naive();
    let fy = today.year() + i32::from(today.month() >= 2);
    let quarter = ((today.month() + 10) % 12) / 3 + 1;
    let current = demo.json(&["review", &format!("FY{fy}-Q{quarter}"), "--format", "json"]);
    let gaps = current["document"]["gaps"].as_array().unwrap();
    let partial = gaps.iter().find(|g| g["kind"] == "partial" && g["kpi"] == "connected_calls").expect("partial KPI");
    assert!(partial["message"].as_str().unwrap().contains("not a full-year picture"), "{partial}");
    let low = gaps.iter().find(|g| g["kind"] == "low_completeness").expect("a manual KPI with low completeness");
    assert!(!low["reps"].as_array().unwrap().is_empty(), "{low}");
    assert_eq!(current["review"]["status"], "open");
    if quarter > 1 {
        let closed = demo.json(&["review", &format!("FY{fy}-Q{}", quarter - 1), "--format", "json"]);
        assert_eq!(closed["review"]["status"], "closed");
        assert_eq!(closed["notes"].as_array().unwrap().len(), 2);
        assert!(closed["differences"].as_array().unwrap().is_empty(), "nothing corrected since closing");
        let kpis = closed["document"]["kpis"].as_array().unwrap();
        assert_eq!(kpis[0]["key"], "new_business", "KPIs in priority order");
    }
    demo.ok(&["review", &format!("FY{fy}-Q{quarter}"), "--format", "xlsx", "--output", "review.xlsx"]);
    assert!(demo.refused(&["review", &format!("FY{}-Q1", fy + 3)]).contains("not started"));
    assert!(demo.refused(&["review", "FY2001-Q2"]).contains("no approved plan"));
    let horizon = demo.ok(&["plan", "horizon"]);
    assert!(horizon.contains("acquisition") && horizon.contains("expansion"), "{horizon}");
}

#[test]
fn reports_leaderboards_and_pipeline_on_the_demo() {
    let demo = Demo::new("reports");
    let csv = demo.ok(&["report", "demos_given", "--by", "team", "--per", "quarter", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("Team,Q1 FY") && header.contains(",FY"), "{header}");
    // The year column is the sum of the quarters, for every team.
    for line in csv.lines().skip(1) {
        let cells: Vec<i64> = line.split(',').skip(1).map(|c| c.parse().unwrap()).collect();
        assert_eq!(cells[..4].iter().sum::<i64>(), cells[4], "{line}");
    }
    let report = demo.json(&["report", "connect_rate", "--by", "company", "--format", "json"]);
    assert_eq!(report["computed_from"], "raw records", "a filtered ratio reads raw records");
    let board = demo.json(&["leaderboard", "new_business", "--format", "json"]);
    let lines = board["lines"].as_array().unwrap();
    assert!(lines.windows(2).all(|w| w[0]["rank"].as_i64() <= w[1]["rank"].as_i64()));
    let pipeline = demo.json(&["pipeline", "--by", "company", "--format", "json"]);
    let row = &pipeline["rows"][0]["summary"];
    assert!(row["weighted_minor"].as_i64().unwrap() <= row["open_minor"].as_i64().unwrap());
    demo.ok(&["report", "new_business", "--format", "xlsx", "--output", "nb.xlsx"]);
    assert_eq!(&std::fs::read(demo.0.join("nb.xlsx")).unwrap()[..2], b"PK");
    assert!(demo.refused(&["report", "nope"]).contains("demos_given"));
    assert!(demo.refused(&["report", "calls_made", "--from", "2026-05-03", "--to", "2026-04-01"]).contains("reversed"));
    assert!(demo.refused(&["report", "calls_made", "--per", "fortnight"]).contains("fortnight"));
    assert!(demo.refused(&["report", "calls_made", "--team", "Atlantis"]).contains("does not exist"));
    let rebuilt = demo.ok(&["rollups", "rebuild"]);
    assert!(rebuilt.contains("activity rows"), "{rebuilt}");
}

/// `pacer scorecard`: a rep's KPIs of the approved plan with the attainment report's figures, in
/// every format; a rep that does not exist is one line and exit code 2.
#[test]
fn a_reps_scorecard_on_the_demo() {
    let demo = Demo::new("scorecard");
    let plan = &demo.json(&["plan", "list", "--format", "json"])[0];
    let sheet = demo.json(&["plan", "show", "1", "--kpi", "calls_made", "--format", "json"]);
    let rep = sheet["lines"].as_array().unwrap().iter().find(|l| l["owner"]["kind"] == "rep").unwrap();
    let (id, name) = (rep["owner"]["id"].as_i64().unwrap().to_string(), rep["name"].as_str().unwrap());
    let card = demo.json(&["scorecard", "--rep", &id, "--format", "json"]);
    assert_eq!(card["name"], name);
    assert_eq!(card["plan"]["id"], plan["id"]);
    let kpis = card["kpis"].as_array().unwrap();
    let calls = kpis.iter().find(|k| k["key"] == "calls_made").expect("calls_made has a target for the rep");
    let priorities: Vec<i64> = kpis.iter().map(|k| k["priority"].as_i64().unwrap()).collect();
    assert!(priorities.is_sorted(), "in catalog priority order: {priorities:?}");

    // The same figures as the attainment report's row of the rep.
    let att = demo.json(&["plan", "attainment", "1", "--kpi", "calls_made", "--format", "json"]);
    let row = att["rows"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap();
    let ytd = att["columns"].as_array().unwrap().iter().position(|c| c["name"] == "YTD").unwrap();
    assert_eq!(calls["year"]["attainment"], row["cells"][ytd]);

    // By name too; CSV has a row per KPI and period, the table names the rep.
    let csv = demo.ok(&["scorecard", "--rep", name, "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("kpi,period,target to date,period target,actual,raw %"), "{csv}");
    assert_eq!(lines.len(), 1 + 2 * kpis.len(), "{csv}");
    let year = format!("Calls made,FY{} to date,", card["fiscal_year"]);
    let calls_ytd = lines.iter().find(|l| l.starts_with(&year)).expect("a year-to-date row");
    let target = calls["year"]["attainment"]["target"].as_i64().unwrap();
    assert!(calls_ytd.starts_with(&format!("{year}{target},")), "{calls_ytd}");
    let table = demo.ok(&["scorecard", "--rep", &id]);
    assert!(table.starts_with(name) && table.contains("team rank"), "{table}");
    assert!(demo.refused(&["scorecard", "--rep", "Nobody Here"]).contains("does not exist"));
}

/// `pacer dashboard --team`: a team's KPIs with the attainment report's figures for the team, its
/// reps side by side, in every format; a team that does not exist, or a table there is not, is one
/// line and exit code 2. `pacer dashboard`: the leadership's, with the review's figures.
#[test]
fn the_dashboards_on_the_demo() {
    let demo = Demo::new("dashboard");
    let att = demo.json(&["plan", "attainment", "1", "--kpi", "new_business", "--by", "team", "--format", "json"]);
    let row = &att["rows"][0];
    let name = row["name"].as_str().unwrap();
    let ytd = att["columns"].as_array().unwrap().iter().position(|c| c["name"] == "YTD").unwrap();
    let board = demo.json(&["dashboard", "--team", name, "--format", "json"]);
    assert_eq!(board["name"], name);
    let nb = board["kpis"].as_array().unwrap().iter().find(|k| k["key"] == "new_business").unwrap();
    assert_eq!(nb["year"], row["cells"][ytd], "the attainment report's year to date of {name}");
    let reps = board["reps"].as_array().unwrap();
    assert!(!reps.is_empty() && reps.iter().all(|r| r["status"].is_string()), "{board}");

    let csv = demo.ok(&["dashboard", "--team", name, "--format", "csv", "--table", "reps"]);
    assert!(csv.starts_with("Rep,status,"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + reps.len(), "{csv}");
    let kpis = demo.ok(&["dashboard", "--team", &board["team_id"].to_string(), "--format", "csv"]);
    assert!(kpis.starts_with("KPI,tolerance %,quarter target to date,"), "{kpis}");
    let table = demo.ok(&["dashboard", "--team", name]);
    for heading in ["KPIs", "Reps", "Pipeline", "Churn", "Data gaps"] {
        assert!(table.lines().any(|l| l == heading), "{heading}: {table}");
    }
    assert!(demo.refused(&["dashboard", "--team", "Atlantis"]).contains("does not exist"));
    // In French: the tables' names, the heading's day, the figures with a decimal comma.
    let french = demo.ok(&["--lang", "fr", "dashboard", "--team", name]);
    for heading in ["KPI", "Commerciaux", "Pipeline", "Attrition", "Lacunes de données"] {
        assert!(french.lines().any(|l| l == heading), "{heading}: {french}");
    }
    assert!(french.lines().next().is_some_and(|l| l.contains(" au ")) && french.contains(",00"), "{french}");
    assert!(!french.lines().any(|l| l == "Reps") && !french.contains(" to "), "{french}");
    let review = demo.ok(&["--lang", "fr", "review"]);
    assert!(review.contains(" par rapport à ") && review.contains(", chiffres au "), "{review}");
    assert!(!review.contains(" against ") && !review.contains("true"), "{review}");

    // The leadership's: the review of the quarter in progress, read live, and the teams ranked.
    let board = demo.json(&["dashboard", "--format", "json"]);
    let review = demo.json(&["review", "--format", "json"]);
    let revenue = board["revenue"].as_array().unwrap();
    let keys: Vec<&Value> = revenue.iter().map(|k| &k["key"]).collect();
    assert_eq!(keys, ["new_business", "expansion"], "the plan's money KPIs");
    let nb = review["document"]["kpis"].as_array().unwrap().iter().find(|k| k["key"] == "new_business").unwrap();
    assert_eq!(revenue[0]["ytd"], nb["company"]["ytd"], "the review's year to date");
    assert!(revenue[0]["forecast_year_end"].is_f64(), "the statistical second opinion: {}", revenue[0]);
    assert!(!board["teams"].as_array().unwrap().is_empty());
    let csv = demo.ok(&["dashboard", "--format", "csv", "--table", "teams"]);
    assert!(
        csv.starts_with("rank,team,") && csv.lines().count() == 1 + board["teams"].as_array().unwrap().len(),
        "{csv}"
    );
    // (After the figures are computed: a busy machine may log a slow statement before the error.)
    let out = demo.run(&["dashboard", "--team", name, "--format", "csv", "--table", "nope"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.trim_end().lines().last().unwrap().contains("data-gaps"), "{stderr}");
}

/// `pacer demo --lang fr`: the same organisation as a French-speaking company (its name, euros,
/// language, teams, KPIs and plans in French), with the English demo's figures.
#[test]
fn the_french_demo_is_the_english_one_in_french() {
    let french = Demo::with("french", &["--lang", "fr"]);
    let org = french.json(&["org", "show"]);
    assert_eq!(
        (org["name"].as_str(), org["currency"].as_str(), org["language"].as_str()),
        (Some("Nordvent Logiciels"), Some("EUR"), Some("fr")),
        "{org}"
    );
    let teams = french.json(&["team", "list", "--format", "json"]).to_string();
    assert!(teams.contains("Amérique du Nord ETI") && !teams.contains("NA Mid-Market"), "{teams}");
    let plans = french.json(&["plan", "list", "--format", "json"]).to_string();
    assert!(plans.contains("Plan FY") && plans.contains("Scénario ambitieux FY"), "{plans}");
    let report =
        |demo: &Demo| demo.json(&["report", "new_business", "--by", "company", "--per", "quarter", "--format", "json"]);
    let fr = report(&french);
    let catalog = french.ok(&["metrics", "export"]);
    assert!(
        catalog.contains("Nouveau chiffre d’affaires gagné") && catalog.contains("key = \"new_business\""),
        "{catalog}"
    );
    let english = Demo::new("english-twin");
    let en = report(&english);
    assert_eq!(fr["rows"], en["rows"], "the same figures");
}
