//! Importing files (CSV, XLSX): read a table, turn rows into records through
//! a mapping, write them idempotently. Shared by `pacer import` and the
//! import page, so both accept and refuse exactly the same rows.

use crate::error::ApiError;
use pacer_core::audit::Actor;
use pacer_core::import::{Imported, Importer, Mapping, RowError, not_utf8, sniff_delimiter, utf8_bom_len};
use pacer_core::org::{NewRep, NewTeam, RepUpdate, TeamUpdate};
use pacer_core::records::{NewActivity, NewDeal};
use pacer_storage::{RepFilter, Store, UpsertCounts};

/// A file's rows as text.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The header row.
    pub header: Vec<String>,
    /// The data rows (spreadsheet row `i + 2`).
    pub rows: Vec<Vec<String>>,
}

/// Whether a file is a workbook: by its name, or by its zip signature.
pub fn is_workbook(name: &str, bytes: &[u8]) -> bool {
    let ext = name.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods") || bytes.starts_with(b"PK\x03\x04")
}

/// Reads a CSV (UTF-8 with or without BOM, any delimiter) or a workbook sheet.
pub fn read_table(name: &str, bytes: &[u8], sheet: Option<&str>, delimiter: Option<char>) -> Result<Table, String> {
    if is_workbook(name, bytes) { read_xlsx(name, bytes, sheet) } else { read_csv(name, bytes, delimiter) }
}

fn read_csv(name: &str, bytes: &[u8], delimiter: Option<char>) -> Result<Table, String> {
    let skip = utf8_bom_len(bytes).map_err(|e| format!("{name}: {e}"))?;
    let body = &bytes[skip..];
    let first_line = body.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&String::from_utf8_lossy(first_line)));
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter as u8).flexible(true).has_headers(false).from_reader(body);
    let mut records = reader.byte_records();
    let text = |row: usize, r: &csv::ByteRecord| -> Result<Vec<String>, String> {
        r.iter()
            .map(|c| std::str::from_utf8(c).map(str::to_string).map_err(|_| format!("{name}: {}", not_utf8(row, c))))
            .collect()
    };
    let header = match records.next() {
        Some(h) => text(1, &h.map_err(|e| format!("{name}: {e}"))?)?,
        None => return Err(format!("{name} is empty: it needs a header row")),
    };
    let mut rows = Vec::new();
    for (i, record) in records.enumerate() {
        rows.push(text(i + 2, &record.map_err(|e| format!("{name}: row {}: {e}", i + 2))?)?);
    }
    Ok(Table { header, rows })
}

fn read_xlsx(name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Table, String> {
    use calamine::{Data, Reader, open_workbook_auto_from_rs};
    let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| format!("cannot read {name} as a workbook: {e}"))?;
    let names = book.sheet_names().to_vec();
    let chosen = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(s))
            .cloned()
            .ok_or_else(|| format!("{name} has no sheet {s:?}; sheets: {}", names.join(", ")))?,
        None => names.first().cloned().ok_or_else(|| format!("{name} has no sheet"))?,
    };
    let range = book.worksheet_range(&chosen).map_err(|e| format!("{name}: sheet {chosen:?}: {e}"))?;
    let cell = |d: &Data| -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            // Spreadsheet dates are serial numbers: hand the importer ISO text.
            Data::DateTime(dt) => {
                dt.as_datetime().map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()).unwrap_or_else(|| dt.to_string())
            }
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }
    };
    let mut rows = range.rows().map(|r| r.iter().map(cell).collect::<Vec<_>>());
    let header = rows.next().ok_or_else(|| format!("{name}: sheet {chosen:?} is empty: it needs a header row"))?;
    Ok(Table { header, rows: rows.collect() })
}

/// Rows turned into records: the good ones, and the rejected ones (row index and problems).
#[derive(Debug, Default)]
pub struct Parsed {
    /// Records ready to write.
    pub good: Vec<Imported>,
    /// Rejected rows: index into the table's rows, and every problem.
    pub rejected: Vec<(usize, Vec<RowError>)>,
}

/// Checks every row of `table` through `mapping` against the catalog in
/// force and the organisation's reps; errors of the mapping itself come back
/// as `Err`. `progress` is told how many rows are done, now and then.
pub async fn parse(
    store: &dyn Store,
    mapping: Mapping,
    table: &Table,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Parsed, Vec<RowError>> {
    let internal =
        |e: ApiError| vec![RowError { row: 0, column: String::new(), value: String::new(), reason: e.to_string() }];
    let org = store.organisation().await.map_err(|e| internal(e.into()))?.unwrap_or_default();
    let catalog = super::current_catalog(store).await.map_err(internal)?.map(|(_, c)| c);
    let reps =
        store.reps(&RepFilter::default(), chrono::Local::now().date_naive()).await.map_err(|e| internal(e.into()))?;
    // Looked up once per row: by CRM id, e-mail, Pacer id or name, in that order.
    let mut by_key: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    for r in reps.iter().rev() {
        by_key.insert(r.name.to_lowercase(), r.id);
        by_key.insert(r.id.to_string(), r.id);
        if let Some(email) = &r.email {
            by_key.insert(email.to_lowercase(), r.id);
        }
    }
    let by_external: std::collections::HashMap<&str, i64> =
        reps.iter().filter_map(|r| r.external_id.as_deref().map(|e| (e, r.id))).collect();
    let resolve = |key: &str| -> Option<i64> {
        let key = key.trim();
        by_external.get(key).copied().or_else(|| by_key.get(&key.to_lowercase()).copied())
    };
    let importer = Importer::new(mapping, &table.header, catalog.as_ref(), &resolve)?.with_currency(org.currency);
    let mut parsed = Parsed::default();
    for (i, cells) in table.rows.iter().enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match importer.record(i + 2, cells) {
            Ok(record) => parsed.good.push(record),
            Err(errors) => parsed.rejected.push((i, errors)),
        }
        if i % 4096 == 0 {
            progress(i);
        }
    }
    progress(table.rows.len());
    Ok(parsed)
}

/// The rejected rows as a CSV that can be fixed and imported again: the
/// original columns and a `pacer_errors` column.
pub fn rejects_csv(table: &Table, rejected: &[(usize, Vec<RowError>)]) -> Result<Vec<u8>, String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = table.header.clone();
    header.push("pacer_errors".into());
    out.write_record(&header).map_err(|e| e.to_string())?;
    for (i, errors) in rejected {
        let mut row = table.rows[*i].clone();
        row.resize(table.header.len(), String::new());
        row.push(errors.iter().map(|e| format!("{}: {}", e.column, e.reason)).collect::<Vec<_>>().join("; "));
        out.write_record(&row).map_err(|e| e.to_string())?;
    }
    out.into_inner().map_err(|e| e.to_string())
}

/// Writes the records: activities, deals and recurring revenue each in one
/// transaction; reps and teams one by one through the organisation's rules
/// (each audited). Every record keeps who entered it.
pub async fn write(store: &dyn Store, records: Vec<Imported>, actor: &Actor) -> Result<UpsertCounts, ApiError> {
    let (mut activities, mut deals, mut months, mut reps, mut teams) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in records {
        match r {
            Imported::Activity(a) => activities.push(NewActivity { entered_by: Some(actor.name.clone()), ..a }),
            Imported::Deal(d) => deals.push(NewDeal { entered_by: Some(actor.name.clone()), ..d }),
            Imported::Subscription(s) => months.push(s),
            Imported::Rep(r) => reps.push(r),
            Imported::Team(t) => teams.push(t),
        }
    }
    let mut counts = UpsertCounts::default();
    let mut add = |c: UpsertCounts| {
        counts.new += c.new;
        counts.updated += c.updated;
        counts.unchanged += c.unchanged;
    };
    add(store.upsert_activities(&activities).await?);
    add(store.upsert_deals(&deals).await?);
    add(store.upsert_subscriptions(&months).await?);
    let one = |field: fn(&mut UpsertCounts)| {
        let mut c = UpsertCounts::default();
        field(&mut c);
        c
    };
    for t in teams {
        let existing = store.teams().await?;
        let parent = match &t.parent {
            Some(p) => {
                Some(existing.iter().find(|x| x.name.eq_ignore_ascii_case(p)).map(|x| x.id).ok_or_else(|| {
                    ApiError::invalid(format!(
                        "team {:?}: parent team {p:?} does not exist (list parents first)",
                        t.name
                    ))
                })?)
            }
            None => None,
        };
        match existing.iter().find(|x| x.name.eq_ignore_ascii_case(&t.name)) {
            Some(team) if team.parent_id == parent && team.region == t.region => add(one(|c| c.unchanged += 1)),
            Some(team) => {
                let update =
                    TeamUpdate { parent_id: Some(parent), region: Some(t.region.clone()), ..Default::default() };
                store.update_team(team.id, &update, actor).await?;
                add(one(|c| c.updated += 1));
            }
            None => {
                let new =
                    NewTeam { name: t.name.clone(), region: t.region.clone(), parent_id: parent, manager_id: None };
                store.create_team(&new, actor).await?;
                add(one(|c| c.new += 1));
            }
        }
    }
    let today = chrono::Local::now().date_naive();
    for r in reps {
        let teams = store.teams().await?;
        let team_id = match &r.team {
            Some(name) => {
                Some(teams.iter().find(|x| x.name.eq_ignore_ascii_case(name)).map(|x| x.id).ok_or_else(|| {
                    ApiError::invalid(format!("rep {:?}: team {name:?} does not exist (import teams first)", r.name))
                })?)
            }
            None => None,
        };
        let all = store.reps(&RepFilter::default(), today).await?;
        let same_email = |x: &pacer_core::org::Rep| {
            r.email.is_some() && x.email.as_deref().map(str::to_lowercase) == r.email.as_deref().map(str::to_lowercase)
        };
        let existing =
            all.iter().find(|x| (r.external_id.is_some() && x.external_id == r.external_id) || same_email(x));
        match existing {
            Some(rep)
                if rep.name == r.name
                    && rep.hire_date == r.hire_date
                    && rep.leave_date == r.leave_date
                    && rep.title == r.title =>
            {
                add(one(|c| c.unchanged += 1))
            }
            Some(rep) => {
                let update = RepUpdate {
                    name: Some(r.name.clone()),
                    title: Some(r.title.clone()),
                    hire_date: Some(r.hire_date),
                    leave_date: Some(r.leave_date),
                    ..Default::default()
                };
                store.update_rep(rep.id, &update, actor).await?;
                add(one(|c| c.updated += 1));
            }
            None => {
                let new = NewRep {
                    name: r.name,
                    email: r.email,
                    title: r.title,
                    team_id,
                    hire_date: r.hire_date,
                    leave_date: r.leave_date,
                    external_id: r.external_id,
                };
                store.create_rep(&new, actor).await?;
                add(one(|c| c.new += 1));
            }
        }
    }
    Ok(counts)
}
