//! The import page: upload a CSV or XLSX file, preview its first rows through
//! the mapping with every problem, then confirm (admins).

use super::layout::{self, Frame};
use super::{PageForm, PageResult, filled};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use axum::extract::{Extension, Multipart, State};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use maud::{Markup, html};
use pacer_app::import as importing;
use pacer_app::import::ReadOptions;
use pacer_core::audit::Actor;
use pacer_core::import::{DateOrder, ImportKind, Mapping, MappingChoice, Preset, RowError, presets, propose};
use serde::Deserialize;

/// What the upload and confirm forms carry besides the file.
#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    kind: String,
    preset: Option<String>,
    mapping: Option<String>,
    date_order: Option<String>,
    encoding: Option<String>,
    sheet: Option<String>,
    skip_invalid: Option<String>,
    file_name: Option<String>,
    file_base64: Option<String>,
}

impl ImportForm {
    /// How the columns map: the mapping written, the preset named, or the header recognised.
    fn choice(&self) -> Result<MappingChoice, ApiError> {
        let kind: ImportKind = self.kind.parse().map_err(ApiError::invalid)?;
        let choice = match (filled(self.mapping.clone()), filled(self.preset.clone())) {
            (Some(text), _) => {
                MappingChoice::Given(Mapping::from_toml(&text).map_err(|e| ApiError::invalid(format!("mapping: {e}")))?)
            }
            (None, Some(name)) => MappingChoice::Preset(
                Preset::named(&name).ok_or_else(|| ApiError::invalid(format!("unknown preset {name:?}")))?,
            ),
            (None, None) => MappingChoice::Detect(kind),
        };
        if choice.kind() != kind {
            return Err(ApiError::invalid(format!("the mapping is for {}, not {kind}", choice.kind())));
        }
        Ok(choice)
    }

    /// Reads the file with the form's options: its rows, what reading found, and the mapping
    /// fitted to its header (or why none fits).
    fn read(&self, file_name: &str, bytes: &[u8]) -> Result<Read, ApiError> {
        let choice = self.choice()?;
        let date_order = filled(self.date_order.clone())
            .map(|o| o.parse::<DateOrder>())
            .transpose()
            .map_err(|e| ApiError::invalid(e.to_string()))?;
        let encoding = filled(self.encoding.clone())
            .map(|e| importing::encoding_named(&e))
            .transpose()
            .map_err(ApiError::invalid)?;
        let sheet = filled(self.sheet.clone());
        let options = ReadOptions { sheet: sheet.as_deref(), delimiter: None, encoding };
        let (table, mut notes) =
            importing::read_table(file_name, bytes, &options, &choice).map_err(ApiError::invalid)?;
        let mapping = importing::resolve_mapping(&choice, &table.header, date_order, &mut notes);
        Ok(Read { kind: choice.kind(), table, notes, mapping })
    }
}

/// A file read through the form's choices.
struct Read {
    kind: ImportKind,
    table: importing::Table,
    notes: importing::FileNotes,
    mapping: Result<Mapping, Vec<RowError>>,
}

/// The upload form.
pub async fn page(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let body = html! {
        h1 { "Import a file" }
        p.muted { "CSV (any delimiter; UTF-8, UTF-16 or Windows-1252, detected) or XLSX, straight from the CRM: the export is recognised from its header, and a report's title, totals and footer are left out (and listed). You will see the first rows and every problem before anything is written. See docs/import.md." }
        div.card {
            form.stack method="post" action=(format!("/import/preview?csrf={}", frame.csrf)) enctype="multipart/form-data" {
                label { "What the file holds" select name="kind" { @for k in ImportKind::ALL { option value=(k) { (k) } } } }
                label { "Preset" select name="preset" { option value="" { "(recognise it from the header, or the mapping below)" } @for p in presets() { option value=(p.name) { (p.name) " — " (p.export) } } } }
                label { "Mapping (TOML), instead of a preset" textarea name="mapping" rows="6" placeholder="kind = \"deals\"\n[columns]\nexternal_id = \"Deal ID\"" {} }
                label { "Dates like 03/04/2026 read" select name="date_order" { option value="" { "(ask when ambiguous)" } option value="month-first" { "month first (US)" } option value="day-first" { "day first (Europe)" } } }
                label { "Encoding (CSV)" input name="encoding" placeholder="detected (e.g. windows-1252, utf-16le)"; }
                label { "Sheet (XLSX)" input name="sheet" placeholder="first sheet"; }
                label { "File" input type="file" name="file" required accept=".csv,.txt,.xlsx,.xlsm,.xls,.ods"; }
                button type="submit" { "Preview" }
            }
        }
    };
    Ok(layout::page(&frame, "Import", body))
}

/// Shows the first rows as read through the mapping, and every problem; nothing is written.
pub async fn preview(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    mut multipart: Multipart,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let mut form = ImportForm::default();
    let mut bytes = Vec::new();
    while let Some(field) =
        multipart.next_field().await.map_err(|e| ApiError::BadRequest(format!("the upload is not readable: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            form.file_name = field.file_name().map(str::to_string);
            bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::BadRequest(format!("the file is not readable: {e}")))?
                .to_vec();
            continue;
        }
        let text = field.text().await.map_err(|e| ApiError::BadRequest(e.to_string()))?;
        match name.as_str() {
            "kind" => form.kind = text,
            "preset" => form.preset = Some(text),
            "mapping" => form.mapping = Some(text),
            "date_order" => form.date_order = Some(text),
            "encoding" => form.encoding = Some(text),
            "sheet" => form.sheet = Some(text),
            "file_name" => form.file_name = Some(text),
            "file_base64" => {
                bytes = BASE64
                    .decode(text.trim())
                    .map_err(|_| ApiError::BadRequest("the file was lost on the way: upload it again".into()))?
            }
            _ => {}
        }
    }
    if bytes.is_empty() {
        return Err(ApiError::invalid("choose a file to import").into());
    }
    let file_name = form.file_name.clone().unwrap_or_else(|| "upload".into());
    let Read { kind, table, notes, mapping } = form.read(&file_name, &bytes)?;
    let mapping = match mapping {
        Ok(mapping) => mapping,
        Err(problems) => return Ok(no_mapping(&frame, &form, kind, &file_name, &bytes, &table, &problems)),
    };
    let keyed_by_content = mapping.keys_by_content();
    let parsed = importing::parse(state.store.as_ref(), mapping, &table, &|_| {})
        .await
        .map_err(|errors| ApiError::invalid(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))?;
    let problems: Vec<&pacer_core::import::RowError> = parsed.rejected.iter().flat_map(|(_, e)| e).collect();
    let rejected_rows: std::collections::HashSet<usize> = parsed.rejected.iter().map(|(i, _)| *i).collect();
    let body = html! {
        h1 { "Preview: " (file_name) }
        p { (table.rows.len()) " rows; " (parsed.good.len()) " ready, " (parsed.rejected.len()) " with problems. Nothing has been written yet." }
        p.muted { (notes.summary()) "." }
        @if keyed_by_content { p.muted { "The file has no id column, so each record is keyed by its content: importing it again changes nothing." } }
        @for note in parsed.gaps.notes() { p.muted { (note) "." } }
        (super::stages::import_notice(&parsed.unmapped))
        div.card.scroll {
            h2 { "First rows" }
            table {
                thead { tr { th.num { "Row" } @for h in &table.header { th { (h) } } th { "Status" } } }
                tbody { @for (i, (number, row)) in table.rows.iter().enumerate().take(10) { tr {
                    td.num { (number) } @for c in row { td { (c) } }
                    td { @if rejected_rows.contains(&i) { span.badge.off { "problem" } } @else { span.badge.on { "ok" } } }
                } } }
            }
        }
        @if !problems.is_empty() {
            div.card.scroll {
                h2 { "Problems" }
                table {
                    thead { tr { th.num { "Row" } th { "Column" } th { "Value" } th { "Reason" } } }
                    tbody { @for e in problems.iter().take(200) { tr { td.num { (e.row) } td { (e.column) } td { (e.value) } td { (e.reason) } } } }
                }
                @if problems.len() > 200 { p.muted { "… and " (problems.len() - 200) " more." } }
            }
        }
        div.card {
            form.stack method="post" action="/import/confirm" {
                (frame.csrf_field())
                input type="hidden" name="kind" value=(form.kind);
                input type="hidden" name="preset" value=(form.preset.clone().unwrap_or_default());
                input type="hidden" name="mapping" value=(form.mapping.clone().unwrap_or_default());
                input type="hidden" name="date_order" value=(form.date_order.clone().unwrap_or_default());
                input type="hidden" name="encoding" value=(form.encoding.clone().unwrap_or_default());
                input type="hidden" name="sheet" value=(form.sheet.clone().unwrap_or_default());
                input type="hidden" name="file_name" value=(file_name);
                input type="hidden" name="file_base64" value=(BASE64.encode(&bytes));
                @if !problems.is_empty() {
                    label { input type="checkbox" name="skip_invalid" value="yes"; " Import the good rows and leave the others out" }
                }
                button type="submit" disabled[!problems.is_empty() && parsed.good.is_empty()] { "Import" }
                a href="/import" { "Start over" }
            }
        }
    };
    Ok(layout::page(&frame, "Import preview", body))
}

/// Imports the previewed file: all-or-nothing unless asked to skip the bad rows.
pub async fn confirm(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<ImportForm>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let bytes = BASE64
        .decode(form.file_base64.clone().unwrap_or_default())
        .map_err(|_| ApiError::BadRequest("the file was lost on the way: upload it again".into()))?;
    let file_name = form.file_name.clone().unwrap_or_else(|| "upload".into());
    let Read { table, mapping, .. } = form.read(&file_name, &bytes)?;
    let mapping = mapping
        .map_err(|errors| ApiError::invalid(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))?;
    let parsed = importing::parse(state.store.as_ref(), mapping, &table, &|_| {})
        .await
        .map_err(|errors| ApiError::invalid(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))?;
    let skip = form.skip_invalid.as_deref() == Some("yes");
    if !parsed.rejected.is_empty() && !skip {
        return Err(
            ApiError::invalid(format!("{} rows have problems: nothing was imported", parsed.rejected.len())).into()
        );
    }
    let rejects = if parsed.rejected.is_empty() {
        None
    } else {
        Some(importing::rejects_csv(&table, &parsed.rejected).map_err(ApiError::Internal)?)
    };
    let rejected = parsed.rejected.len();
    let actor = Actor::named(frame.principal.actor_name()).because(Some(format!("import {file_name}")));
    let counts = importing::write(state.store.as_ref(), parsed.good, &actor, &file_name).await?;
    let body = html! {
        h1 { "Imported " (file_name) }
        div.notice { (counts.new) " new, " (counts.updated) " updated, " (counts.unchanged) " unchanged, " (rejected) " left out." }
        @for note in parsed.gaps.notes() { p.muted { (note) "." } }
        (super::stages::import_notice(&parsed.unmapped))
        @if let Some(csv) = rejects {
            p { a download="rejects.csv" href=(format!("data:text/csv;base64,{}", BASE64.encode(csv))) { "Download the rows left out, with their reasons" } }
        }
        p { a href="/import" { "Import another file" } }
    };
    Ok(layout::page(&frame, "Imported", body))
}

/// The preview when no mapping fits the file: why, and a mapping proposed from its header to
/// correct and preview again (the file goes along).
fn no_mapping(
    frame: &Frame,
    form: &ImportForm,
    kind: ImportKind,
    file_name: &str,
    bytes: &[u8],
    table: &importing::Table,
    problems: &[RowError],
) -> Markup {
    let proposed = match form.mapping.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(written) => written.to_string(),
        None => propose(kind, &table.header),
    };
    let body = html! {
        h1 { "Preview: " (file_name) }
        div.notice.error { @for p in problems { p { (p.reason) } } }
        p { "Its columns: " (table.header.join(", ")) "." }
        div.card {
            h2 { "A mapping to finish" }
            p.muted { "Pacer mapped the columns it recognised; fill in the commented lines (a leading #) that the file can feed, then preview again. See docs/import.md." }
            form.stack method="post" action=(format!("/import/preview?csrf={}", frame.csrf)) enctype="multipart/form-data" {
                input type="hidden" name="kind" value=(form.kind);
                input type="hidden" name="date_order" value=(form.date_order.clone().unwrap_or_default());
                input type="hidden" name="encoding" value=(form.encoding.clone().unwrap_or_default());
                input type="hidden" name="sheet" value=(form.sheet.clone().unwrap_or_default());
                input type="hidden" name="file_name" value=(file_name);
                input type="hidden" name="file_base64" value=(BASE64.encode(bytes));
                label { "Mapping (TOML)" textarea name="mapping" rows="16" { (proposed) } }
                button type="submit" { "Preview again" }
                a href="/import" { "Start over" }
            }
        }
    };
    layout::page(frame, "Import preview", body)
}
