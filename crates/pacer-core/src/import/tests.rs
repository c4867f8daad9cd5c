use super::*;
use crate::testing::{datetime, day};

const CATALOG: &str = r#"
[[activity_types]]
key = "call"
name = "Call"
[[activity_types.fields]]
key = "outcome"
type = "one_of"
values = ["connected", "voicemail", "no_answer"]

[[activity_types]]
key = "email"
name = "Email"

[[activity_types]]
key = "meeting"
name = "Meeting"
[[activity_types.fields]]
key = "billable"
type = "boolean"
[[activity_types.fields]]
key = "rating"
type = "decimal"
[[activity_types.fields]]
key = "follow_up"
type = "date"
[[activity_types.fields]]
key = "notes"
type = "text"

[[activity_types]]
key = "demo"
name = "Product demo"
[[activity_types.fields]]
key = "attendees"
type = "integer"
required = true
"#;

fn catalog() -> Catalog {
    toml::from_str(CATALOG).unwrap()
}

/// Reps known by name, e-mail, external id or numeric id.
fn resolve(key: &str) -> Option<RepId> {
    match key {
        "Ann Lee" | "ann@example.com" | "1" | "005A1" => Some(1),
        "Bob Stone" | "bob@example.com" | "2" | "005B2" => Some(2),
        "3" => Some(3),
        _ => None,
    }
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

fn csv(line: &str) -> Vec<String> {
    line.split('|').map(str::to_string).collect()
}

fn err(row: usize, column: &str, value: &str, reason: &str) -> RowError {
    RowError { row, column: column.into(), value: value.into(), reason: reason.into() }
}

/// Converts data rows (spreadsheet rows 2, 3, ...) with a preset.
fn import_all(
    mapping: Mapping,
    header: &str,
    rows: &[&str],
    cat: Option<&Catalog>,
) -> Vec<Result<Imported, Vec<RowError>>> {
    let importer = Importer::new(mapping, &csv(header), cat, &resolve).unwrap();
    rows.iter().enumerate().map(|(i, r)| importer.record(i + 2, &csv(r))).collect()
}

#[test]
fn import_kinds_parse_and_print() {
    for kind in ImportKind::ALL {
        assert_eq!(kind.to_string().parse(), Ok(kind));
    }
    assert_eq!("Deals".parse(), Ok(ImportKind::Deals));
    assert_eq!(
        "targets".parse::<ImportKind>().unwrap_err(),
        "unknown import kind \"targets\": use reps, teams, activities, deals or subscriptions"
    );
}

/// The mapping of preset `name` fitted to a `|`-separated header.
fn preset(name: &str, header: &str) -> Mapping {
    Preset::named(name).unwrap_or_else(|| panic!("{name}")).fit(&csv(header)).unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn every_preset_fits_its_own_headers_and_round_trips_through_toml() {
    for p in presets() {
        // The first header of every column, and of every signature.
        let mut header: Vec<&str> = p.headers().map(|(_, h, _)| h[0]).collect();
        header.extend(p.signature().first());
        let m = p.fit(&header).unwrap_or_else(|e| panic!("{}: {e:?}", p.name));
        assert_eq!(m.check(), Ok(()), "{}", p.name);
        assert_eq!(Mapping::from_toml(&m.to_toml()), Ok(m), "{}", p.name);
        assert_eq!(choose_preset(p.kind, &header).map(|(chosen, _)| chosen.name).ok(), Some(p.name), "{}", p.name);
    }
    assert!(Preset::named("zoho-deals").is_none());
}

#[test]
fn salesforce_activities_export() {
    let header = "Activity ID|Subject|Assigned|Date|Task Subtype|Duration (Minutes)|Account ID|Priority";
    let rows = [
        "00T5g000001AbcD|Call: intro|Ann Lee|3/14/2026|Call|12|0015g00000AbCdE|Normal",
        "00T5g000001AbcE|Re: pricing|Bob Stone|3/15/2026 4:05 PM|List Email||0015g00000AbCdE|Normal",
        "00U5g000002XyZ1|Onsite workshop|Ann Lee|03/20/2026||90||",
    ];
    let cat = catalog();
    let got = import_all(preset("salesforce-activities", header), header, &rows, Some(&cat));
    let account = parse_account_id("0015g00000AbCdE").unwrap();
    let want = [
        ("00T5g000001AbcD", 1, "call", "2026-03-14 00:00:00", Some(720), Some(account)),
        ("00T5g000001AbcE", 2, "email", "2026-03-15 16:05:00", None, Some(account)),
        ("00U5g000002XyZ1", 1, "meeting", "2026-03-20 00:00:00", Some(5400), None),
    ];
    for (got, (ext, rep, ty, at, dur, acc)) in got.into_iter().zip(want) {
        let Ok(Imported::Activity(a)) = got else { panic!("{got:?}") };
        assert_eq!(a.external_id.as_deref(), Some(ext));
        assert_eq!((a.rep_id, a.activity_type.as_str(), a.occurred_at), (rep, ty, datetime(at)));
        assert_eq!((a.duration_s, a.account_id, a.source), (dur, acc, SourceKind::Import));
        assert!(a.fields.is_empty());
    }

    // Without the optional columns, and with a date that needs an order.
    let header = "Activity ID|Assigned|Date|Task Subtype";
    let importer = Importer::new(preset("salesforce-activities", header), &csv(header), Some(&cat), &resolve).unwrap();
    assert_eq!(
        importer.activity(2, &csv("00T1|Ann Lee|03/04/2026|Call")).unwrap_err(),
        vec![err(2, "Date", "03/04/2026", "ambiguous date \"03/04/2026\": say --date-order month-first or day-first")]
    );
    let us = Mapping { date_order: Some(DateOrder::MonthFirst), ..preset("salesforce-activities", header) };
    let importer = Importer::new(us, &csv(header), Some(&cat), &resolve).unwrap();
    let a = importer.activity(2, &csv("00T1|Ann Lee|03/04/2026|Call")).unwrap();
    assert_eq!((a.occurred_at, a.duration_s, a.account_id), (datetime("2026-03-04 00:00:00"), None, None));
}

#[test]
fn salesforce_opportunities_export() {
    let header = "Opportunity Owner|Account Name|Opportunity Name|Stage|Amount|Probability (%)|Close Date|Created Date|Type|Opportunity ID|Account ID";
    let rows = [
        "Ann Lee|Acme|Acme - 50 seats|Closed Won|$12,000.00|100|3/31/2026|1/15/2026|New Business|0065g00000Opp01|0015g00000AbCdE",
        "Bob Stone|Globex|Globex upgrade|Proposal/Price Quote|$8,500.50|75|4/30/2026|2/20/2026|Existing Business - Upgrade|0065g00000Opp02|0015g00000XyZ12",
        "Ann Lee|Initech|Initech renewal|Closed Lost|$1,250|0|3/13/2026||Renewal|0065g00000Opp03|0015g00000Qwe34",
    ];
    let got = import_all(preset("salesforce-opportunities", header), header, &rows, None);
    let want = [
        (1, DealKind::New, DealStatus::Won, "Closed Won", 1_200_000, "2026-01-15", "2026-03-31", "0015g00000AbCdE"),
        (
            2,
            DealKind::Upsell,
            DealStatus::Open,
            "Proposal/Price Quote",
            850_050,
            "2026-02-20",
            "2026-04-30",
            "0015g00000XyZ12",
        ),
        (1, DealKind::Renewal, DealStatus::Lost, "Closed Lost", 125_000, "2026-03-13", "2026-03-13", "0015g00000Qwe34"),
    ];
    for (i, (got, (rep, kind, status, stage, amount, created, close, account))) in got.into_iter().zip(want).enumerate()
    {
        let Ok(Imported::Deal(d)) = got else { panic!("{got:?}") };
        assert_eq!((d.rep_id, d.kind, d.status, d.stage.as_str()), (rep, kind, status, stage), "row {i}");
        assert_eq!((d.amount_minor, d.created_on, d.close_date), (amount, day(created), Some(day(close))), "row {i}");
        assert_eq!(d.account_id, parse_account_id(account).unwrap());
        assert_eq!(d.external_id, Some(format!("0065g00000Opp0{}", i + 1)));
        assert_eq!(d.source, SourceKind::Import);
    }
}

#[test]
fn hubspot_exports() {
    let cat = catalog();
    let header =
        "Record ID|Activity date|Activity type|Activity assigned to|Call duration (HH:mm:ss)|Associated Company IDs";
    let rows = [
        "38123456789|2026-03-04 10:30|CALL|Ann Lee|00:04:05|9876543210",
        "38123456790|2026-03-04 11:02|EMAIL|Bob Stone||9876543210",
        "38123456791|2026-03-05 14:00|MEETING|Ann Lee|01:00:00|",
    ];
    let got = import_all(preset("hubspot-activities", header), header, &rows, Some(&cat));
    let want = [
        (1, "call", "2026-03-04 10:30:00", Some(245), Some(9_876_543_210)),
        (2, "email", "2026-03-04 11:02:00", None, Some(9_876_543_210)),
        (1, "meeting", "2026-03-05 14:00:00", Some(3600), None),
    ];
    for (got, (rep, ty, at, dur, acc)) in got.into_iter().zip(want) {
        let Ok(Imported::Activity(a)) = got else { panic!("{got:?}") };
        assert_eq!(
            (a.rep_id, a.activity_type.as_str(), a.occurred_at, a.duration_s, a.account_id),
            (rep, ty, datetime(at), dur, acc)
        );
    }

    // Header spelled "Deal Owner" while the preset says "Deal owner"; no "Create Date" column.
    let header = "Record ID|Deal Name|Deal Stage|Close Date|Deal Owner|Amount|Deal Type|Associated Company IDs";
    let rows = [
        "15001|Acme expansion|closedwon|2026-03-31 00:00|Ann Lee|24000|existingbusiness|9876543210",
        "15002|Globex new|closedlost|2026-03-15|Bob Stone|5000.5|newbusiness|9876543211",
        "15003|Hooli|appointmentscheduled|2026-05-01|Bob Stone|1,000|newbusiness|9876543212",
    ];
    let got = import_all(preset("hubspot-deals", header), header, &rows, None);
    let want = [
        (1, DealKind::Upsell, DealStatus::Won, "closedwon", 2_400_000, "2026-03-31", 9_876_543_210),
        (2, DealKind::New, DealStatus::Lost, "closedlost", 500_050, "2026-03-15", 9_876_543_211),
        (2, DealKind::New, DealStatus::Open, "appointmentscheduled", 100_000, "2026-05-01", 9_876_543_212),
    ];
    for (got, (rep, kind, status, stage, amount, close, account)) in got.into_iter().zip(want) {
        let Ok(Imported::Deal(d)) = got else { panic!("{got:?}") };
        assert_eq!((d.rep_id, d.kind, d.status, d.stage.as_str(), d.amount_minor), (rep, kind, status, stage, amount));
        assert_eq!((d.close_date, d.created_on, d.account_id), (Some(day(close)), day(close), account));
    }
}

#[test]
fn pacer_generator_files() {
    // Lines as gen_activities.py writes them.
    let reps = import_all(
        preset("pacer-reps", "rep_id|name|team|region|hire_date"),
        "rep_id|name|team|region|hire_date",
        &["1|Ava Smith|NA-East Team 01|NA-East|2019-05-03", "2|Ben Jones|EMAIL Team 01|EMEA|2021-06-14"],
        None,
    );
    assert_eq!(
        reps[0],
        Ok(Imported::Rep(RepRow {
            external_id: Some("1".into()),
            name: "Ava Smith".into(),
            email: None,
            title: None,
            team: Some("NA-East Team 01".into()),
            hire_date: day("2019-05-03"),
            leave_date: None,
        }))
    );
    assert!(reps[1].is_ok());

    let teams = import_all(
        preset("pacer-teams", "rep_id|name|team|region|hire_date"),
        "rep_id|name|team|region|hire_date",
        &["1|Ava Smith|NA-East Team 01|NA-East|2019-05-03"],
        None,
    );
    let team = TeamRow { name: "NA-East Team 01".into(), parent: None, region: Some("NA-East".into()), manager: None };
    assert_eq!(teams[0], Ok(Imported::Team(team)));

    let cat = catalog();
    let acts = import_all(
        preset("pacer-activities", "activity_id|rep_id|occurred_at|type|duration_s|account_id"),
        "activity_id|rep_id|occurred_at|type|duration_s|account_id",
        &["1|1|2021-02-01T09:30:12|call|240|17", "2|3|2021-02-01T09:31:40|demo|2700|4"],
        Some(&cat),
    );
    let Ok(Imported::Activity(a)) = &acts[0] else { panic!("{acts:?}") };
    assert_eq!(
        (a.rep_id, a.occurred_at, a.duration_s, a.account_id),
        (1, datetime("2021-02-01 09:30:12"), Some(240), Some(17))
    );
    assert_eq!(a.external_id.as_deref(), Some("1"));
    // The generator's demos carry no attendees; a catalog that requires them refuses the row.
    assert_eq!(
        acts[1],
        Err(vec![err(3, "field.attendees", "", "field \"attendees\" is required for activity type \"demo\"")])
    );

    let deals = import_all(
        preset("pacer-deals", "deal_id|rep_id|account_id|closed_at|amount_cents|stage"),
        "deal_id|rep_id|account_id|closed_at|amount_cents|stage",
        &["1|3|55|2021-02-26|1200000|won", "2|2|56|2021-02-27|600000|lost"],
        None,
    );
    let Ok(Imported::Deal(d)) = &deals[0] else { panic!("{deals:?}") };
    assert_eq!(
        (d.rep_id, d.account_id, d.amount_minor, d.status, d.kind),
        (3, 55, 1_200_000, DealStatus::Won, DealKind::New)
    );
    assert_eq!((d.stage.as_str(), d.close_date, d.created_on), ("won", Some(day("2021-02-26")), day("2021-02-26")));
    let Ok(Imported::Deal(d)) = &deals[1] else { panic!("{deals:?}") };
    assert_eq!(d.status, DealStatus::Lost);

    let subs = import_all(
        preset("pacer-subscriptions", "account_id|month|mrr_cents"),
        "account_id|month|mrr_cents",
        &["17|2021-02|50000", "18|2021-03|0"],
        None,
    );
    assert_eq!(
        subs,
        vec![
            Ok(Imported::Subscription(SubscriptionMonth {
                account_id: 17,
                month: day("2021-02-01"),
                mrr_minor: 50_000
            })),
            Ok(Imported::Subscription(SubscriptionMonth { account_id: 18, month: day("2021-03-01"), mrr_minor: 0 })),
        ]
    );
}

fn activity_mapping() -> Mapping {
    Mapping::from_toml(
        r#"
kind = "activities"
date_order = "day-first"
[columns]
external_id = "ID"
rep = "Owner"
type = "Kind"
occurred_at = "When"
duration_minutes = "Minutes"
"field.outcome" = "Outcome"
"field.billable" = "Billable"
"field.rating" = "Rating"
"field.follow_up" = "Follow-up"
"field.attendees" = "Attendees"
[values.type]
"Phone" = "call"
"#,
    )
    .unwrap()
}

const ACTIVITY_HEADER: &str = "ID|Owner|Kind|When|Minutes|Outcome|Billable|Rating|Follow-up|Attendees";

#[test]
fn custom_fields_are_typed_by_the_catalog() {
    let cat = catalog();
    let importer = Importer::new(activity_mapping(), &csv(ACTIVITY_HEADER), Some(&cat), &resolve).unwrap();
    // A short row: the missing cells at the end are empty.
    let a = importer.activity(2, &csv("a1|Ann Lee|Phone|04.03.2026 09:15|2,5|Voicemail")).unwrap();
    assert_eq!(
        (a.activity_type.as_str(), a.occurred_at, a.duration_s),
        ("call", datetime("2026-03-04 09:15:00"), Some(150))
    );
    assert_eq!(a.fields, Fields::from([("outcome".into(), FieldValue::Text("voicemail".into()))]));

    let a = importer.activity(3, &csv("a2|bob@example.com|meeting|05.03.2026|60||yes|4,5|12/03/2026|")).unwrap();
    assert_eq!(
        a.fields,
        Fields::from([
            ("billable".into(), FieldValue::Bool(true)),
            ("rating".into(), FieldValue::Decimal(4.5)),
            ("follow_up".into(), FieldValue::Text("2026-03-12".into())),
        ])
    );

    // By the type's name, any case.
    let a = importer.activity(4, &csv("a3|1|product DEMO|06.03.2026|45|||||3")).unwrap();
    assert_eq!((a.activity_type.as_str(), a.fields.get("attendees")), ("demo", Some(&FieldValue::Integer(3))));

    // Without a catalog, types are kept as written and fields as text.
    let importer = Importer::new(activity_mapping(), &csv(ACTIVITY_HEADER), None, &resolve).unwrap();
    let a = importer.activity(2, &csv("a1|Ann Lee|Walk-in|04.03.2026|||maybe")).unwrap();
    assert_eq!(a.activity_type, "Walk-in");
    assert_eq!(a.fields, Fields::from([("billable".into(), FieldValue::Text("maybe".into()))]));
}

#[test]
fn every_problem_of_a_row_at_once() {
    let cat = catalog();
    let importer = Importer::new(activity_mapping(), &csv(ACTIVITY_HEADER), Some(&cat), &resolve).unwrap();
    assert_eq!(
        importer.activity(7, &csv("a1|Zed Null|Fax|31.02.2026|-3|||||")).unwrap_err(),
        vec![
            err(7, "Owner", "Zed Null", "unknown rep \"Zed Null\""),
            err(7, "Kind", "Fax", "unknown activity type \"Fax\" (known: call, demo, email, meeting)"),
            err(7, "When", "31.02.2026", "date \"31.02.2026\" does not exist (read as day-first)"),
            err(7, "Minutes", "-3", "duration \"-3\" is negative"),
        ]
    );
    assert_eq!(
        importer.activity(8, &csv("a2|Ann Lee|call|01.03.2026||busy|no|||")).unwrap_err(),
        vec![
            err(8, "Outcome", "busy", "field \"outcome\": \"busy\" is not one of connected, voicemail, no_answer"),
            err(8, "Billable", "no", "activity type \"call\" has no field \"billable\" (its fields: outcome)"),
        ]
    );
    assert_eq!(
        importer.activity(9, &csv("a3|Ann Lee|meeting|01.03.2026||||great|01/13/2026|")).unwrap_err(),
        vec![
            err(9, "Rating", "great", "field \"rating\": \"great\" is not a decimal number"),
            err(
                9,
                "Follow-up",
                "01/13/2026",
                "field \"follow_up\": date \"01/13/2026\" does not exist (read as day-first)"
            ),
        ]
    );
    assert_eq!(
        importer.activity(10, &csv("a4|Ann Lee|demo|01.03.2026||||||two")).unwrap_err(),
        vec![err(10, "Attendees", "two", "field \"attendees\": \"two\" is not a whole number")]
    );
    assert_eq!(
        importer.activity(11, &csv("a5||demo|||||||")).unwrap_err(),
        vec![
            err(11, "Owner", "", "rep is required"),
            err(11, "When", "", "occurred_at is required"),
            err(11, "Attendees", "", "field \"attendees\" is required for activity type \"demo\""),
        ]
    );
    assert_eq!(
        importer.deal(12, &csv("a6")).unwrap_err(),
        vec![err(12, "", "", "this mapping imports activities, not deals")]
    );
}

#[test]
fn cells_beyond_the_limits_are_refused_with_an_excerpt() {
    let cat = catalog();
    let importer = Importer::new(activity_mapping(), &csv(ACTIVITY_HEADER), Some(&cat), &resolve).unwrap();
    let long_id = "9".repeat(5_000);
    let row = format!("{long_id}|Ann Lee|call|04.03.2026 09:15||");
    let excerpt = format!("{}…", "9".repeat(40));
    assert_eq!(
        importer.activity(2, &csv(&row)).unwrap_err(),
        vec![err(2, "ID", &excerpt, "5000 characters is too long: at most 255")]
    );
    assert_eq!(
        importer.activity(3, &csv("a1\u{0}|Ann Lee|call|04.03.2026 09:15||")).unwrap_err(),
        vec![err(3, "ID", "a1\u{0}", "control character U+0000 at character 3 is not allowed")]
    );
    assert_eq!(
        importer.activity(4, &csv("a2|Ann Lee|call|31.12.9999 09:15||")).unwrap_err(),
        vec![err(
            4,
            "When",
            "31.12.9999 09:15",
            "9999-12-31 is not a plausible day: use a day from 1900-01-01 to 2099-12-31"
        )]
    );
}

#[test]
fn records_without_ids_are_keyed_by_their_content() {
    let cat = catalog();
    let mut mapping = activity_mapping();
    mapping.columns.remove("external_id");
    assert!(mapping.keys_by_content());
    let importer = Importer::new(mapping, &csv(ACTIVITY_HEADER), Some(&cat), &resolve).unwrap();
    let key = |row: &str| importer.activity(2, &csv(row)).unwrap().external_id.unwrap();
    let call = key("|Ann Lee|Phone|04.03.2026 09:15|2|Voicemail");
    assert!(call.starts_with(NATURAL_KEY_PREFIX), "{call}");
    assert_eq!(call, key("ignored|Ann Lee|Phone|04.03.2026 09:15|2|Voicemail"), "the same row, the same key");
    assert_ne!(call, key("|Ann Lee|Phone|04.03.2026 09:16|2|Voicemail"));
    assert_ne!(call, key("|Bob Stone|Phone|04.03.2026 09:15|2|Voicemail"));
    assert!(!activity_mapping().keys_by_content(), "a file with ids uses them");
}

#[test]
fn header_problems() {
    let cat = catalog();
    let header = csv("\u{feff}ID|owner|Kind|When|Minutes|Outcome|Billable|Rating|Follow-up");
    assert_eq!(
        Importer::new(activity_mapping(), &header, Some(&cat), &resolve).unwrap_err(),
        vec![err(
            1,
            "Attendees",
            "",
            "column \"Attendees\" (for field.attendees) is not in the file; its columns are: \"ID\", \"owner\", \"Kind\", \
             \"When\", \"Minutes\", \"Outcome\", \"Billable\", \"Rating\", \"Follow-up\""
        )]
    );
    let header = csv("ID|Owner|Kind|When|Minutes|Outcome|Billable|Rating|Follow-up|Attendees|Owner");
    assert_eq!(
        Importer::new(activity_mapping(), &header, Some(&cat), &resolve).unwrap_err(),
        vec![err(1, "Owner", "", "column \"Owner\" (for rep) appears 2 times in the header (columns 2, 11)")]
    );
    let mut mapping = activity_mapping();
    mapping.columns.insert("field.mood".into(), "Mood".into());
    let header = csv(&format!("{ACTIVITY_HEADER}|Mood"));
    assert_eq!(
        Importer::new(mapping, &header, Some(&cat), &resolve).unwrap_err(),
        vec![err(0, "Mood", "", "field.mood: no activity type of the catalog has a field \"mood\"")]
    );
    let mut mapping = activity_mapping();
    mapping.columns.remove("rep");
    assert_eq!(
        Importer::new(mapping, &csv(ACTIVITY_HEADER), Some(&cat), &resolve).unwrap_err(),
        vec![err(0, "", "", "activities need rep: map a column to it in [columns] or set it in [defaults]")]
    );
}

fn deal_importer(header: &str) -> Importer<'static> {
    let mapping = Mapping::from_toml(
        r#"
kind = "deals"
[columns]
external_id = "Deal"
rep = "Owner"
account_id = "Account"
kind = "Type"
stage = "Stage"
amount = "Amount"
close_date = "Close"
[defaults]
kind = "new"
[values.status]
"Signed" = "won"
"#,
    )
    .unwrap();
    Importer::new(mapping, &csv(header), None, &resolve).unwrap()
}

#[test]
fn deal_problems_and_stage_translation() {
    let importer = deal_importer("Deal|Owner|Account|Type|Stage|Amount|Close");
    let d = importer.deal(2, &csv("d1|Ann Lee|42||Signed|€ 1.234,56|2026-03-31")).unwrap();
    assert_eq!(
        (d.status, d.stage.as_str(), d.kind, d.amount_minor),
        (DealStatus::Won, "Signed", DealKind::New, 123_456)
    );
    assert_eq!(
        importer.deal(3, &csv("d2|Ann Lee|42|gift|Closed Won|-12|soon")).unwrap_err(),
        vec![
            err(3, "Type", "gift", "unknown deal kind \"gift\": use new, upsell, cross-sell, renewal"),
            err(3, "Amount", "-12", "negative amount -12.00 is not allowed here"),
            err(3, "Close", "soon", "date \"soon\" cannot be parsed: use YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY"),
        ]
    );
    // Beyond a record's ceiling: totals of such amounts would overflow.
    let too_large = importer.deal(4, &csv("d3|Ann Lee|42|new|Closed Won|$200,000,000,000.00|2026-03-02")).unwrap_err();
    assert_eq!(too_large.len(), 1, "{too_large:?}");
    assert!(too_large[0].to_string().contains("larger than Pacer takes: at most 100,000,000,000.00"), "{too_large:?}");
    assert_eq!(
        importer.deal(4, &csv("d3|Ann Lee|1;2|new||12.345,678|2026-03-31")).unwrap_err(),
        vec![
            err(4, "Account", "1;2", "\"1;2\" names several accounts: a record needs exactly one"),
            err(4, "Stage", "", "stage is required"),
            err(4, "Amount", "12.345,678", "\"12.345,678\" has more than 2 decimals"),
        ]
    );
    let importer =
        deal_importer("Deal|Owner|Account|Type|Stage|Amount|Close").with_currency(Currency::parse("USD").unwrap());
    assert_eq!(
        importer.deal(5, &csv("d4|Ann Lee|42|new|Open|EUR 100|2026-03-31")).unwrap_err(),
        vec![err(5, "Amount", "EUR 100", "amount in EUR, but the record is in USD: the mark must match its currency")]
    );
    assert_eq!(importer.deal(6, &csv("d5|Ann Lee|42|new|Open|$100|2026-03-31")).unwrap().amount_minor, 10_000);

    let mut bad = preset("salesforce-opportunities", "Opportunity Owner|Account ID|Close Date|Amount|Stage");
    bad.values.get_mut("status").unwrap().insert("Signed".into(), "closed".into());
    assert_eq!(bad.check().unwrap_err().to_string(), "status: unknown deal status \"closed\": use open, won, lost");
}

#[test]
fn only_open_deals_may_have_no_close_date() {
    let text = "kind = \"deals\"\n[columns]\nexternal_id = \"Deal\"\nrep = \"Owner\"\naccount_id = \"Account\"\n\
                kind = \"Type\"\nstage = \"Stage\"\namount = \"Amount\"\nclose_date = \"Close\"\ncreated_on = \"Created\"\n\
                [values.status]\n\"Signed\" = \"won\"\n";
    let mapping = Mapping::from_toml(text).unwrap();
    let importer =
        Importer::new(mapping, &csv("Deal|Owner|Account|Type|Stage|Amount|Close|Created"), None, &resolve).unwrap();
    let open = importer.deal(2, &csv("d1|Ann Lee|42|new|Negotiation||  |2026-02-01")).unwrap();
    assert_eq!((open.status, open.amount_minor, open.close_date), (DealStatus::Open, 0, None));
    assert_eq!(open.created_on, day("2026-02-01"));
    assert_eq!(
        importer.deal(3, &csv("d2|Ann Lee|42|new|Signed|100||2026-02-01")).unwrap_err(),
        vec![err(3, "Close", "", "a won deal needs its close date: only an open deal may leave it empty")]
    );
    // Without a close date, the creation day is what the deal is known by.
    assert_eq!(
        importer.deal(4, &csv("d3|Ann Lee|42|new|Negotiation|100||")).unwrap_err(),
        vec![err(4, "Created", "", "a deal without a close date needs its creation date")]
    );
}

#[test]
fn open_deals_without_an_amount_or_a_close_date_are_said() {
    let importer = deal_importer("Deal|Owner|Account|Type|Stage|Amount|Close");
    let base = importer.deal(2, &csv("d1|Ann Lee|42|new|Negotiation|100|2026-05-01")).unwrap();
    let mut gaps = OpenDealGaps::default();
    assert_eq!(gaps.notes(), Vec::<String>::new());
    for (status, amount_minor, close_date) in [
        (DealStatus::Open, 0, None),
        (DealStatus::Open, 0, base.close_date),
        (DealStatus::Open, 100, None),
        (DealStatus::Open, 100, base.close_date),
        (DealStatus::Won, 0, base.close_date),
    ] {
        gaps.count(&Imported::Deal(NewDeal { status, amount_minor, close_date, ..base.clone() }));
    }
    gaps.count(&Imported::Subscription(SubscriptionMonth { account_id: 1, month: day("2026-01-01"), mrr_minor: 0 }));
    assert_eq!(gaps, OpenDealGaps { no_amount: 2, no_close_date: 2 });
    assert_eq!(
        gaps.notes(),
        [
            "2 open deals have no amount; they count at 0 in the pipeline until the CRM gives one",
            "2 open deals have no close date; they are in the pipeline under 'no close date' and in no period's forecast",
        ]
    );
    let one = OpenDealGaps { no_amount: 1, no_close_date: 1 };
    assert_eq!(
        one.notes(),
        [
            "1 open deal has no amount; it counts at 0 in the pipeline until the CRM gives one",
            "1 open deal has no close date; it is in the pipeline under 'no close date' and in no period's forecast",
        ]
    );
}

/// The organisation's won and lost stages name statuses too: the mapping's translation first, then
/// the stages and their aliases, then the usual "Closed Won" spellings.
#[test]
fn won_and_lost_stages_give_the_status() {
    let stages = crate::pipeline::StageConfig::from_toml(
        "[[stage]]\nname = \"Contract Sent\"\nprobability = 90\ncategory = \"commit\"\n\
         [[stage]]\nname = \"Booked\"\nkind = \"won\"\naliases = [\"Deal Done\"]\n\
         [[stage]]\nname = \"Dead\"\nkind = \"lost\"\n",
    )
    .unwrap();
    let header = "Deal|Owner|Account|Type|Stage|Amount|Close";
    let importer = deal_importer(header).with_stages(&stages);
    let status =
        |stage: &str| importer.deal(2, &csv(&format!("d1|Ann Lee|42||{stage}|100|2026-03-31"))).unwrap().status;
    assert_eq!(status("deal-done"), DealStatus::Won);
    assert_eq!(status("DEAD"), DealStatus::Lost);
    assert_eq!(status("contractsent"), DealStatus::Open);
    assert_eq!(status("Signed"), DealStatus::Won, "the mapping's translation");
    assert_eq!(status("closedlost"), DealStatus::Lost, "the usual spelling");
    assert_eq!(status("Mystery"), DealStatus::Open, "an unknown stage is an open deal");
    assert_eq!(
        deal_importer(header).deal(2, &csv("d1|Ann Lee|42||Deal Done|100|2026-03-31")).unwrap().status,
        DealStatus::Open
    );
}

#[test]
fn deals_in_their_currency() {
    use crate::money::fx::{FxRate, RateTable};
    let mapping = Mapping::from_toml(
        "kind = \"deals\"\n[columns]\nexternal_id = \"Deal\"\nrep = \"Owner\"\naccount_id = \"Account\"\n\
         kind = \"Type\"\nstatus = \"Status\"\namount = \"Amount\"\ncurrency = \"Opportunity Currency\"\n\
         close_date = \"Close\"\n",
    )
    .unwrap();
    let header = csv("Deal|Owner|Account|Type|Status|Amount|Opportunity Currency|Close");
    let (eur, chf) = (Currency::parse("EUR").unwrap(), Currency::parse("CHF").unwrap());
    let rates =
        RateTable::new([FxRate { currency: chf, month: "2026-01".parse().unwrap(), rate: "1.07".parse().unwrap() }]);
    let importer = Importer::new(mapping, &header, None, &resolve).unwrap().with_currency(eur).with_rates(rates);
    let deal = |row, line: &str| importer.deal(row, &csv(line));
    let d = deal(2, "d1|Ann Lee|42|new|won|CHF 12,000.00|chf|2026-02-10").unwrap();
    assert_eq!((d.amount_minor, d.currency), (1_200_000, Some(chf)));
    // Empty: the organisation's currency.
    let d = deal(3, "d2|Ann Lee|42|new|won|12 000,00 €||2026-02-10").unwrap();
    assert_eq!((d.amount_minor, d.currency), (1_200_000, None));
    // Yen have no cents: ¥1,500 is 1,500 minor units.
    let jpy = deal(4, "d3|Ann Lee|42|new|won|¥1,500|JPY|2026-02-10").unwrap_err();
    assert_eq!(
        jpy,
        vec![err(
            4,
            "Opportunity Currency",
            "JPY",
            "no exchange rate for JPY in 2026-02 or earlier: set one first (pacer fx set JPY 2026-02 RATE)"
        )]
    );
    assert_eq!(
        deal(5, "d4|Ann Lee|42|new|won|1,500.50|JPY|2026-02-10").unwrap_err()[0].reason,
        "\"1,500.50\" has decimals, but JPY has none: amounts in JPY are whole"
    );
    assert_eq!(
        deal(6, "d5|Ann Lee|42|new|won|CHF 10|Dollars|2026-02-10").unwrap_err(),
        vec![err(
            6,
            "Opportunity Currency",
            "Dollars",
            "currency \"Dollars\" is not valid: use a three-letter ISO 4217 code such as USD or EUR"
        )]
    );
    // The mark contradicts the currency column: never taken at 1:1.
    assert_eq!(
        deal(7, "d6|Ann Lee|42|new|won|USD 10|CHF|2026-02-10").unwrap_err(),
        vec![err(7, "Amount", "USD 10", "amount in USD, but the record is in CHF: the mark must match its currency")]
    );
    // Before the first rate of the currency: refused.
    assert!(deal(8, "d7|Ann Lee|42|new|won|CHF 10|CHF|2025-12-31").unwrap_err()[0].reason.contains("CHF in 2025-12"));
}

/// Each amount is read with its row's currency's decimals (ISO 4217): none for yen, three for
/// dinars, two for euros; decimal commas and thousands separators as ever; more decimals than
/// the currency has is the row's error, with its column and value.
#[test]
fn amounts_are_read_with_their_currencys_decimals() {
    use crate::money::fx::{FxRate, RateTable};
    let mapping = Mapping::from_toml(
        "kind = \"deals\"\n[columns]\nexternal_id = \"Deal\"\nrep = \"Owner\"\naccount_id = \"Account\"\n\
         kind = \"Type\"\nstatus = \"Status\"\namount = \"Amount\"\ncurrency = \"Currency\"\n\
         close_date = \"Close\"\n",
    )
    .unwrap();
    let header = csv("Deal|Owner|Account|Type|Status|Amount|Currency|Close");
    let cur = |code: &str| Currency::parse(code).unwrap();
    let rate = |code: &str, rate: &str| FxRate {
        currency: cur(code),
        month: "2026-01".parse().unwrap(),
        rate: rate.parse().unwrap(),
    };
    let rates = RateTable::new([rate("KWD", "3.0"), rate("JPY", "0.0062")]);
    let importer = Importer::new(mapping, &header, None, &resolve).unwrap().with_currency(cur("EUR")).with_rates(rates);
    let deal = |row, line: &str| importer.deal(row, &csv(line));
    for (line, minor, currency) in [
        ("d1|Ann Lee|42|new|won|1234.567|KWD|2026-02-10", 1_234_567, "KWD"),
        ("d2|Ann Lee|42|new|won|1.234,567|KWD|2026-02-10", 1_234_567, "KWD"),
        ("d3|Ann Lee|42|new|won|KWD 12,5|KWD|2026-02-10", 12_500, "KWD"),
        ("d4|Ann Lee|42|new|won|1500|JPY|2026-02-10", 1500, "JPY"),
        ("d5|Ann Lee|42|new|won|¥1.500.000|JPY|2026-02-10", 1_500_000, "JPY"),
        ("d6|Ann Lee|42|new|won|1.234,56|EUR|2026-02-10", 123_456, "EUR"),
    ] {
        let d = deal(2, line).unwrap();
        assert_eq!((d.amount_minor, d.currency), (minor, Some(cur(currency))), "{line}");
    }
    for (line, value, reason) in [
        (
            "d7|Ann Lee|42|new|won|1500.5|JPY|2026-02-10",
            "1500.5",
            "\"1500.5\" has decimals, but JPY has none: amounts in JPY are whole",
        ),
        ("d8|Ann Lee|42|new|won|12,345|EUR|2026-02-10", "", ""),
        (
            "d9|Ann Lee|42|new|won|1234.567|EUR|2026-02-10",
            "1234.567",
            "\"1234.567\" has more than 2 decimals, the most EUR has",
        ),
        (
            "d10|Ann Lee|42|new|won|1234.5678|KWD|2026-02-10",
            "1234.5678",
            "\"1234.5678\" has more than 3 decimals, the most KWD has",
        ),
        (
            "d11|Ann Lee|42|new|won|234.500|KWD|2026-02-10",
            "234.500",
            "\"234.500\" is ambiguous in KWD, which has 3 decimals: is it 234500 or 234.5? Write 234500 or 234.5 \
             (no thousands separator before the last 3 digits)",
        ),
    ] {
        if value.is_empty() {
            // Thousands in euros, as ever.
            assert_eq!(deal(9, line).unwrap().amount_minor, 1_234_500, "{line}");
            continue;
        }
        assert_eq!(deal(9, line).unwrap_err(), vec![err(9, "Amount", value, reason)], "{line}");
    }

    // Without a currency column, the organisation's currency gives the decimals.
    let mapping = Mapping::from_toml(
        "kind = \"deals\"\n[columns]\nexternal_id = \"Deal\"\nrep = \"Owner\"\naccount_id = \"Account\"\n\
         kind = \"Type\"\nstatus = \"Status\"\namount = \"Amount\"\nclose_date = \"Close\"\n",
    )
    .unwrap();
    let header = csv("Deal|Owner|Account|Type|Status|Amount|Close");
    let kwd = Importer::new(mapping.clone(), &header, None, &resolve).unwrap().with_currency(cur("KWD"));
    let d = kwd.deal(2, &csv("d1|Ann Lee|42|new|won|1234.567|2026-02-10")).unwrap();
    assert_eq!((d.amount_minor, d.currency), (1_234_567, None));
    let jpy = Importer::new(mapping, &header, None, &resolve).unwrap().with_currency(cur("JPY"));
    assert_eq!(jpy.deal(2, &csv("d1|Ann Lee|42|new|won|1500|2026-02-10")).unwrap().amount_minor, 1500);
    assert_eq!(
        jpy.deal(3, &csv("d2|Ann Lee|42|new|won|1500.5|2026-02-10")).unwrap_err(),
        vec![err(3, "Amount", "1500.5", "\"1500.5\" has decimals, but JPY has none: amounts in JPY are whole")]
    );
}

#[test]
fn subscription_problems() {
    let mapping = Mapping::from_toml(
        "kind = \"subscriptions\"\n[columns]\naccount_id = \"Account\"\nmonth = \"Month\"\nmrr = \"MRR\"\n",
    )
    .unwrap();
    let importer = Importer::new(mapping, &strings(&["Account", "Month", "MRR"]), None, &resolve).unwrap();
    assert_eq!(
        importer.subscription(2, &strings(&["7", "2026-03-15", "$1,200.00"])),
        Ok(SubscriptionMonth { account_id: 7, month: day("2026-03-01"), mrr_minor: 120_000 })
    );
    assert_eq!(
        importer.subscription(3, &strings(&["7", "Q3", "(50.00)"])).unwrap_err(),
        vec![
            err(
                3,
                "Month",
                "Q3",
                "date \"Q3\" cannot be parsed: use YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY (a month is YYYY-MM or a date in it)"
            ),
            err(3, "MRR", "(50.00)", "negative amount -50.00 is not allowed here"),
        ]
    );
}

#[test]
fn rep_and_team_problems() {
    let mapping = Mapping::from_toml(
        "kind = \"reps\"\n[columns]\nname = \"Name\"\nemail = \"Email\"\nhire_date = \"Hired\"\nleave_date = \"Left\"\nteam = \"Team\"\n",
    )
    .unwrap();
    let importer = Importer::new(mapping, &csv("Name|Email|Hired|Left|Team"), None, &resolve).unwrap();
    let rep = importer.rep(2, &csv("Ann Lee|ann@example.com|2024-01-08||EMEA 1")).unwrap();
    assert_eq!((rep.email.as_deref(), rep.team.as_deref()), (Some("ann@example.com"), Some("EMEA 1")));
    assert_eq!(
        importer.rep(3, &csv("Bob|bob at example|2024-01-08|2024-01-08|")).unwrap_err(),
        vec![
            err(3, "Email", "bob at example", "\"bob at example\" is not an e-mail address"),
            err(3, "Left", "2024-01-08", "leave date 2024-01-08 must be after hire date 2024-01-08"),
        ]
    );

    let mapping = Mapping {
        columns: [("name".into(), "team".into()), ("parent".into(), "parent".into())].into(),
        ..preset("pacer-teams", "team|region")
    };
    let importer = Importer::new(mapping, &csv("team|parent"), None, &resolve).unwrap();
    assert_eq!(
        importer.team(2, &csv("EMEA|EMEA")).unwrap_err(),
        vec![err(2, "parent", "EMEA", "team \"EMEA\" cannot be its own parent")]
    );
}

#[test]
fn rep_keys_can_be_translated() {
    let header = "Activity ID|Assigned|Date|Task Subtype";
    let mut mapping = preset("salesforce-activities", header);
    mapping.values.insert("rep".into(), [("A. Lee".to_string(), "ann@example.com".to_string())].into());
    let importer = Importer::new(mapping, &csv(header), None, &resolve).unwrap();
    assert_eq!(importer.activity(2, &csv("x|a. lee|2026-03-04|Call")).unwrap().rep_id, 1);
    assert_eq!(importer.source_name(), "salesforce");
}

#[test]
fn row_errors_read_as_sentences() {
    let e = err(4, "Amount", "-12", "negative amount -12.00 is not allowed here");
    assert_eq!(e.to_string(), "row 4, column \"Amount\", value \"-12\": negative amount -12.00 is not allowed here");
}

#[test]
fn status_falls_back_to_the_stage() {
    let header = "Opportunity ID|Opportunity Owner|Account ID|Close Date|Amount|Stage|Type|Won?";
    let mut mapping = preset("salesforce-opportunities", header);
    mapping.columns.insert("status".into(), "Won?".into());
    mapping.values.insert("status".into(), [("Y".to_string(), "won".to_string())].into());
    let importer = Importer::new(mapping, &csv(header), None, &resolve).unwrap();
    let d = importer.deal(2, &csv("o1|Ann Lee|7|2026-03-31|$10|Negotiation|Renewal|Y")).unwrap();
    assert_eq!((d.status, d.stage.as_str()), (DealStatus::Won, "Negotiation"));
    let d = importer.deal(3, &csv("o2|Ann Lee|7|2026-03-31|$10|Closed Lost|Renewal|")).unwrap();
    assert_eq!(d.status, DealStatus::Lost);
    assert_eq!(
        importer.deal(4, &csv("o3|Ann Lee|7|2026-03-31|$10||Renewal|")).unwrap_err(),
        vec![err(4, "Won?", "", "status is required")]
    );
}

#[test]
fn salesforce_reports_in_french_and_german_fit_and_read_days_first() {
    let header = "Propriétaire de l'opportunité|Nom du compte|Nom de l'opportunité|Étape|Montant|Date de clôture|Type";
    let m = preset("salesforce-opportunities", header);
    assert_eq!((m.date_order, m.columns["account_id"].as_str()), (Some(DateOrder::DayFirst), "Nom du compte"));
    let got =
        import_all(m, header, &["Ann Lee|Acme|Acme 50|Fermée gagnée|12 000,50 €|03/04/2026|Nouvelle affaire"], None);
    let Ok(Imported::Deal(d)) = &got[0] else { panic!("{got:?}") };
    assert_eq!(
        (d.status, d.kind, d.amount_minor, d.close_date),
        (DealStatus::Won, DealKind::New, 1_200_050, Some(day("2026-04-03")))
    );
    assert_eq!(d.account_id, parse_account_id("Acme").unwrap());
    assert!(d.external_id.as_deref().is_some_and(|k| k.starts_with(NATURAL_KEY_PREFIX)));

    let header = "Betreff|Zugewiesen|Datum|Aufgabenuntertyp|Firma/Account";
    let cat = catalog();
    let got = import_all(
        preset("salesforce-activities", header),
        header,
        &["Erstgespräch|Ann Lee|04.03.2026|Anruf|Acme"],
        Some(&cat),
    );
    let Ok(Imported::Activity(a)) = &got[0] else { panic!("{got:?}") };
    assert_eq!((a.activity_type.as_str(), a.occurred_at), ("call", datetime("2026-03-04 00:00:00")));
}

#[test]
fn exports_are_recognised_from_their_header() {
    let kinds = |kind, header: &str| choose_preset(kind, &csv(header)).map(|(p, _)| p.name);
    assert_eq!(
        kinds(ImportKind::Deals, "Opportunity Owner|Account Name|Opportunity Name|Stage|Amount|Close Date"),
        Ok("salesforce-opportunities")
    );
    assert_eq!(
        kinds(ImportKind::Deals, "Record ID|Deal Name|Deal Stage|Close Date|Deal owner|Amount"),
        Ok("hubspot-deals")
    );
    assert_eq!(
        kinds(
            ImportKind::Deals,
            "ID|Title|Owner|Value|Currency|Organization|Stage|Status|Expected close date|Won time"
        ),
        Ok("pipedrive-deals")
    );
    let calls = "Record ID|Call Title|Activity date|Activity assigned to|Call outcome|Call duration";
    assert_eq!(kinds(ImportKind::Activities, calls), Ok("hubspot-calls"));
    let meetings = "Record ID|Meeting name|Meeting start time|Activity assigned to|Meeting outcome";
    assert_eq!(kinds(ImportKind::Activities, meetings), Ok("hubspot-meetings"));
    let emails = "Record ID|Email subject|Activity date|Activity assigned to|Email direction";
    assert_eq!(kinds(ImportKind::Activities, emails), Ok("hubspot-emails"));
    assert_eq!(
        kinds(ImportKind::Activities, "Subject|Assigned|Date|Task|Type|Company / Account"),
        Ok("salesforce-activities")
    );
    assert_eq!(
        kinds(ImportKind::Activities, "Activity - Type|Activity - Due date|Activity - Assigned to user"),
        Ok("pipedrive-activities")
    );

    // No fit: the closest presets say what they lack, and nothing is guessed.
    let choice = MappingChoice::Detect(ImportKind::Deals);
    let header = csv("Opportunity Owner|Opportunity Name|Stage|Amount");
    assert!(!choice.accepts(&header));
    let e = choice.resolve(&header).unwrap_err();
    assert_eq!(e[0].row, 1);
    assert!(
        e[0].reason.starts_with(
            "no preset for deals fits this header; closest: salesforce-opportunities lacks account_id (a column \"Account ID (18 Digit)\""
        ),
        "{}",
        e[0].reason
    );
    assert!(e[0].reason.contains("close_date (a column \"Close Date\" or \"Date de clôture\" or \"Schlusstermin\")"));
    let named = MappingChoice::Preset(Preset::named("hubspot-deals").unwrap()).resolve(&header).unwrap_err();
    assert!(
        named[0].reason.starts_with("the header does not fit: hubspot-deals lacks rep (a column \"Deal owner\")"),
        "{}",
        named[0].reason
    );
}

#[test]
fn fallback_columns_feed_a_field_when_its_own_cell_is_empty() {
    let header = "Deal - ID|Deal - Title|Deal - Owner|Deal - Value|Deal - Stage|Deal - Status|Deal - Won time|Deal - Lost time|Deal - Expected close date";
    let m = preset("pipedrive-deals", header);
    assert_eq!(
        m.fallbacks["close_date"],
        vec!["Deal - Lost time".to_string(), "Deal - Expected close date".to_string()]
    );
    assert_eq!(Mapping::from_toml(&m.to_toml()), Ok(m.clone()));
    let rows = [
        "1|Acme|Ann Lee|1200|Negotiation|won|2026-03-04 10:22:33||2026-03-31",
        "2|Globex|Bob Stone|800|Proposal|lost||2026-02-11 09:00:00|2026-02-28",
        "3|Hooli|Bob Stone|450.50|Proposal|open|||2026-06-30",
    ];
    let got = import_all(m, header, &rows, None);
    let closes: Vec<(DealStatus, NaiveDate)> = got
        .iter()
        .map(|r| match r {
            Ok(Imported::Deal(d)) => (d.status, d.close_date.expect("a close date")),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        closes,
        vec![
            (DealStatus::Won, day("2026-03-04")),
            (DealStatus::Lost, day("2026-02-11")),
            (DealStatus::Open, day("2026-06-30"))
        ]
    );

    let bad = Mapping::from_toml("kind = \"deals\"\n[fallbacks]\nclose_date = [\"Expected\"]\n").unwrap_err();
    assert!(bad.to_string().contains("line 3, column 1: close_date has fallbacks but no column in [columns]"), "{bad}");
}

#[test]
fn a_proposed_mapping_maps_what_it_recognises_and_lists_the_rest() {
    let text = propose(ImportKind::Deals, &csv("Owner Email|Account|Close Date|Amount|Stage|Region"));
    assert!(text.contains("kind = \"deals\""), "{text}");
    assert!(text.contains("close_date = \"Close Date\"\n"), "{text}");
    assert!(text.contains("amount = \"Amount\"\n") && text.contains("stage = \"Stage\"\n"), "{text}");
    assert!(text.contains("# rep = \"\"  # required"), "{text}");
    assert!(text.contains("# Columns of the file not mapped: \"Owner Email\", \"Account\", \"Region\""), "{text}");
    // Once the blanks are filled in, it is a mapping.
    let filled = text
        .replace("# rep = \"\"  # required", "rep = \"Owner Email\"")
        .replace("# account_id = \"\"  # required", "account_id = \"Account\"");
    let m = Mapping::from_toml(&filled).unwrap_or_else(|e| panic!("{e}\n{filled}"));
    assert_eq!(m.defaults["kind"], "new");
}

#[test]
fn open_deals_without_an_amount_count_at_zero_and_closed_ones_need_one() {
    let header = "Record ID|Deal Name|Deal Stage|Close Date|Deal owner|Amount";
    let got = import_all(
        preset("hubspot-deals", header),
        header,
        &["1|Acme|appointmentscheduled|2026-05-01|Ann Lee|", "2|Globex|closedwon|2026-05-01|Ann Lee|"],
        None,
    );
    let Ok(Imported::Deal(open)) = &got[0] else { panic!("{got:?}") };
    assert_eq!((open.status, open.amount_minor), (DealStatus::Open, 0));
    assert_eq!(got[1], Err(vec![err(3, "Amount", "", "amount is required")]));
}
