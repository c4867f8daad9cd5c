//! The plan workbook opens in LibreOffice with the same numbers: the demo's approved plan is
//! exported with `pacer plan export`, converted to CSV by LibreOffice (every sheet, formulas
//! recalculated on load), and every month and every "Year" total LibreOffice computed is compared
//! with `pacer plan show --format json`.
//!
//! Needs `soffice` or `libreoffice` on PATH (Debian: `libreoffice-calc-nogui`). Without it the
//! test is skipped, unless PACER_REQUIRE_LIBREOFFICE=1 is set, in which case it fails.

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The CSV filter: comma, double quote, UTF-8, raw values (not as shown), formulas as values
/// unless `formulas`, every sheet to its own file (LibreOffice 7.2 and later).
fn csv_filter(formulas: bool) -> String {
    format!("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,{formulas},false,-1")
}

/// A LibreOffice user profile of its own: no clash with a running LibreOffice or another test,
/// and formulas of XLSX files recalculated on load (LibreOffice's default keeps the values the
/// file stores), so the totals compared are LibreOffice's own sums.
const PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#;

fn libreoffice() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = ["soffice", "libreoffice"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file());
    if found.is_none() {
        if std::env::var("PACER_REQUIRE_LIBREOFFICE").is_ok_and(|v| v == "1") {
            panic!(
                "PACER_REQUIRE_LIBREOFFICE=1 but neither soffice nor libreoffice is on PATH: install libreoffice-calc-nogui"
            );
        }
        println!("skipped: LibreOffice check of the plan workbook (install libreoffice-calc-nogui)");
    }
    found
}

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn pacer(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pacer"))
        .args(["--database", "sqlite://pacer-demo.sqlite"])
        .args(args)
        .current_dir(dir)
        .env_remove("PACER_DATABASE_URL")
        .env_remove("PACER_CONFIG")
        .output()
        .expect("run pacer");
    assert!(out.status.success(), "pacer {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Runs LibreOffice, killing it after two minutes.
fn run_soffice(soffice: &Path, dir: &Path, args: &[&str]) -> Output {
    let profile = format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display());
    let mut child = Command::new(soffice)
        .arg(profile)
        .args(["--headless", "--norestore"])
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start LibreOffice");
    let start = Instant::now();
    while child.try_wait().expect("wait for LibreOffice").is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("LibreOffice did not finish {args:?} in two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("LibreOffice output");
    assert!(out.status.success(), "soffice {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

/// A number LibreOffice wrote, in the KPI's units: cents of money, whole counts.
fn units(text: &str, money: bool) -> i64 {
    let x: f64 = text.parse().unwrap_or_else(|_| panic!("{text:?} is not a number"));
    let scaled = if money { x * 100.0 } else { x };
    assert!((scaled - scaled.round()).abs() < 1e-6, "{text:?} is not a whole number of units");
    scaled.round() as i64
}

#[test]
fn the_plan_workbook_opens_in_libreoffice_with_the_same_numbers() {
    let Some(soffice) = libreoffice() else { return };
    let version =
        Command::new(&soffice).arg("--version").output().map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    println!("{}", version.unwrap_or_default().trim());
    let dir = Dir(std::env::temp_dir().join(format!("pacer-plan-xlsx-lo-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    std::fs::create_dir_all(dir.0.join("lo-profile/user")).unwrap();
    std::fs::write(dir.0.join("lo-profile/user/registrymodifications.xcu"), PROFILE).unwrap();
    let d = dir.0.as_path();
    pacer(d, &["demo", "--no-serve", "--fresh"]);
    pacer(d, &["plan", "export", "1", "--output", "plan.xlsx"]);
    assert!(d.join("plan.xlsx").is_file());

    run_soffice(&soffice, d, &["--convert-to", &csv_filter(false), "plan.xlsx"]);
    std::fs::create_dir_all(d.join("formulas")).unwrap();
    run_soffice(&soffice, d, &["--convert-to", &csv_filter(true), "--outdir", "formulas", "plan.xlsx"]);

    let about = read_csv(&d.join("plan-About.csv"));
    assert!(about[0][0] == "Plan" && about[0][1].ends_with(" plan"), "{:?}", about[0]);
    assert_eq!(about[1][..2], ["Plan id".to_string(), "1".to_string()]);
    assert_eq!(about[4][..2], ["Status".to_string(), "approved".to_string()]);

    for (kpi, money) in [("new_business", true), ("calls_made", false)] {
        let sheet: Value =
            serde_json::from_str(&pacer(d, &["plan", "show", "1", "--kpi", kpi, "--format", "json"])).unwrap();
        let months: Vec<&str> =
            sheet["months"].as_array().unwrap().iter().map(|m| m["label"].as_str().unwrap()).collect();
        let expected: HashMap<(String, String, String), (Vec<i64>, i64)> = sheet["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let id = l["owner"]["id"].as_i64().map(|i| i.to_string()).unwrap_or_default();
                let key =
                    (l["owner"]["kind"].as_str().unwrap().to_string(), id, l["tier"].as_str().unwrap().to_string());
                let months = l["months"].as_array().unwrap().iter().map(|m| m.as_i64().unwrap()).collect();
                (key, (months, l["total"].as_i64().unwrap()))
            })
            .collect();
        assert!(expected.len() > 3, "{kpi}: the company, teams and reps");

        let rows = read_csv(&d.join(format!("plan-{kpi}.csv")));
        let mut header = vec!["Owner kind", "Owner id", "Owner", "Tier"];
        header.extend(&months);
        header.push("Year");
        assert_eq!(rows[0], header, "{kpi}: the header");
        let lines = &rows[1..];
        assert_eq!(lines.len(), expected.len(), "{kpi}: one row per line of the plan");
        for row in lines {
            let key = (row[0].clone(), row[1].clone(), row[3].clone());
            let (want_months, want_total) = expected.get(&key).unwrap_or_else(|| panic!("{kpi}: no line {key:?}"));
            let got: Vec<i64> = row[4..16].iter().map(|v| units(v, money)).collect();
            assert_eq!(&got, want_months, "{kpi} {key:?}: the months");
            assert_eq!(units(&row[16], money), *want_total, "{kpi} {key:?}: LibreOffice's Year total");
        }

        // The Year column is a formula over the row's months, not a typed number.
        let formulas = read_csv(&d.join(format!("formulas/plan-{kpi}.csv")));
        for (i, row) in formulas.iter().enumerate().skip(1) {
            assert_eq!(row[16], format!("=SUM(E{n}:P{n})", n = i + 1), "{kpi} row {}", i + 1);
        }
    }
}
