//! The demo organisation written as the files a new user brings from their
//! CRM, for `pacer samples` and the getting-started guide: a people list, a
//! Salesforce opportunities report (Windows-1252, with its title, totals and
//! footer, dates month first), a HubSpot calls export and a Salesforce
//! activities report. Pure: the caller writes the bytes.

use crate::{DemoOrg, DemoRep};
use chrono::{Datelike, NaiveDate};
use pacer_core::money::format_minor;
use pacer_core::records::{DealKind, DealStatus, FieldValue};
use std::collections::HashMap;
use std::fmt::Write as _;

/// One sample file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleFile {
    /// File name.
    pub name: &'static str,
    /// What it is, in a few words.
    pub what: &'static str,
    /// Its bytes, in the encoding the CRM writes.
    pub bytes: Vec<u8>,
}

/// The sample exports of `org`, with activities from `activities_since` on (the whole
/// history is hundreds of thousands of rows; a guide needs a year or so).
pub fn sample_exports(org: &DemoOrg, activities_since: NaiveDate) -> Vec<SampleFile> {
    vec![
        SampleFile { name: "people.csv", what: "reps with their team, region and hire day", bytes: people(org) },
        SampleFile {
            name: "opportunities.csv",
            what: "a Salesforce opportunities report (Windows-1252, with title, totals and footer)",
            bytes: opportunities(org),
        },
        SampleFile { name: "calls.csv", what: "a HubSpot calls export", bytes: calls(org, activities_since) },
        SampleFile {
            name: "activities.csv",
            what: "a Salesforce activities report: e-mails, meetings and demos",
            bytes: activities(org, activities_since),
        },
    ]
}

/// A CSV field, quoted as Salesforce and HubSpot quote every field.
fn quoted(fields: &[&str]) -> String {
    let cells: Vec<String> = fields.iter().map(|f| format!("\"{}\"", f.replace('"', "\"\""))).collect();
    cells.join(",") + "\n"
}

fn us_date(day: NaiveDate) -> String {
    format!("{}/{}/{}", day.month(), day.day(), day.year())
}

fn people(org: &DemoOrg) -> Vec<u8> {
    let mut out = String::from("rep_id,name,team,region,hire_date\n");
    for rep in &org.reps {
        let team = org.teams.iter().find(|t| t.id == rep.teams[0].0);
        let (team, region) = team.map_or(("", ""), |t| (t.name.as_str(), t.region.as_deref().unwrap_or("")));
        let _ = writeln!(out, "{},{},{team},{region},{}", rep.external_id, rep.name, rep.hire_date);
    }
    out.into_bytes()
}

fn names(org: &DemoOrg) -> HashMap<i64, &DemoRep> {
    org.reps.iter().map(|r| (r.id, r)).collect()
}

fn opportunities(org: &DemoOrg) -> Vec<u8> {
    let reps = names(org);
    let accounts: HashMap<i64, &str> = org.accounts.iter().map(|a| (a.id, a.name.as_str())).collect();
    let mut out = quoted(&["Opportunity Pipeline"]);
    out += &quoted(&["All opportunities"]);
    out += &quoted(&[""]);
    out += &quoted(&[
        "Opportunity Owner",
        "Account Name",
        "Opportunity Name",
        "Opportunity ID",
        "Stage",
        "Amount",
        "Close Date",
        "Created Date",
        "Type",
    ]);
    let mut total = 0i64;
    for (i, deal) in org.deals.iter().enumerate() {
        let owner = reps.get(&deal.rep_id).map_or("", |r| r.name.as_str());
        let account = accounts.get(&deal.account_id).copied().unwrap_or("");
        let stage = match deal.status {
            DealStatus::Won => "Closed Won",
            DealStatus::Lost => "Closed Lost",
            DealStatus::Open => deal.stage.as_str(),
        };
        let kind = match deal.kind {
            DealKind::New => "New Business",
            DealKind::Upsell => "Existing Business - Upgrade",
            DealKind::CrossSell => "Existing Business - Cross-Sell",
            DealKind::Renewal => "Renewal",
        };
        total += deal.amount_minor;
        out += &quoted(&[
            owner,
            account,
            &format!("{account} – {}", deal.created_on.format("%b %Y")),
            &format!("006DEMO{:08}", i + 1),
            stage,
            &format!("${}", format_minor(deal.amount_minor)),
            &deal.close_date.map(us_date).unwrap_or_default(),
            &us_date(deal.created_on),
            kind,
        ]);
    }
    out += &quoted(&[""]);
    out += &quoted(&[
        &format!("Grand Totals ({} records)", org.deals.len()),
        "",
        "",
        "",
        "",
        &format!("${}", format_minor(total)),
    ]);
    out += &quoted(&[""]);
    out += &quoted(&["Confidential Information - Do Not Distribute"]);
    out += &quoted(&["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."]);
    // Salesforce writes report exports in the user's code page (the opportunity names have dashes).
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&out);
    bytes.into_owned()
}

fn calls(org: &DemoOrg, since: NaiveDate) -> Vec<u8> {
    let reps = names(org);
    let mut out = quoted(&[
        "Record ID",
        "Call Title",
        "Activity date",
        "Activity assigned to",
        "Call outcome",
        "Call duration (HH:mm:ss)",
    ]);
    let calls = org.activities.iter().filter(|a| a.activity_type == "call" && a.occurred_at.date() >= since);
    for (i, call) in calls.enumerate() {
        let seconds = call.duration_s.unwrap_or(0);
        // HubSpot's outcome labels, where the telephony integration reported one.
        let outcome = match call.fields.get("outcome") {
            Some(FieldValue::Text(o)) if o == "connected" => "Connected",
            Some(FieldValue::Text(o)) if o == "voicemail" => "Left voicemail",
            Some(FieldValue::Text(o)) if o == "no_answer" => "No answer",
            _ => "",
        };
        out += &quoted(&[
            &format!("{}", 41_000_000 + i),
            "Call",
            &call.occurred_at.format("%Y-%m-%d %H:%M").to_string(),
            reps.get(&call.rep_id).map_or("", |r| r.name.as_str()),
            outcome,
            &format!("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60),
        ]);
    }
    out.into_bytes()
}

fn activities(org: &DemoOrg, since: NaiveDate) -> Vec<u8> {
    let reps = names(org);
    let mut out = quoted(&["Activity ID", "Subject", "Assigned", "Date", "Task Subtype", "Duration (Minutes)"]);
    let others = org.activities.iter().filter(|a| a.activity_type != "call" && a.occurred_at.date() >= since);
    for (i, activity) in others.enumerate() {
        // E-mails are tasks with a subtype; meetings and demos are events, which have none.
        let (subject, subtype) = match activity.activity_type.as_str() {
            "email" => ("Email: follow-up", "Email"),
            "demo" => ("Product demo", "Demo"),
            _ => ("Meeting", ""),
        };
        let minutes = activity.duration_s.map(|s| (s / 60).to_string()).unwrap_or_default();
        out += &quoted(&[
            &format!("00TDEMO{:08}", i + 1),
            subject,
            reps.get(&activity.rep_id).map_or("", |r| r.name.as_str()),
            &activity.occurred_at.format("%-m/%-d/%Y %-I:%M %p").to_string(),
            subtype,
            &minutes,
        ]);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DemoConfig, generate};

    #[test]
    fn sample_exports_are_shaped_like_the_crms_write_them() {
        let config = DemoConfig::default();
        let org = generate(&config);
        let since = config.today - chrono::Days::new(400);
        let files = sample_exports(&org, since);
        let names: Vec<&str> = files.iter().map(|f| f.name).collect();
        assert_eq!(names, ["people.csv", "opportunities.csv", "calls.csv", "activities.csv"]);
        let opportunities = &files[1].bytes;
        assert!(std::str::from_utf8(opportunities).is_err(), "Windows-1252, not UTF-8");
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(opportunities);
        assert!(text.starts_with("\"Opportunity Pipeline\"\n"), "{}", &text[..80]);
        assert!(text.trim_end().ends_with("\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\""));
        assert_eq!(
            text.lines().filter(|l| l.contains("\"Closed Won\"")).count(),
            org.deals.iter().filter(|d| d.status == DealStatus::Won).count()
        );
        let calls = String::from_utf8(files[2].bytes.clone()).unwrap();
        assert!(calls.lines().count() > 1000, "{} calls", calls.lines().count());
        assert!(calls.lines().nth(1).unwrap().ends_with(":00\"") || calls.lines().nth(1).unwrap().contains(':'));
    }
}
