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
use pacer_core::audit::Actor;
use pacer_core::import::{DateOrder, ImportKind, Mapping, preset, preset_names};
use serde::Deserialize;

/// What the upload and confirm forms carry besides the file.
#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    kind: String,
    preset: Option<String>,
    mapping: Option<String>,
    date_order: Option<String>,
    sheet: Option<String>,
    skip_invalid: Option<String>,
    file_name: Option<String>,
    file_base64: Option<String>,
}

impl ImportForm {
    fn mapping(&self) -> Result<Mapping, ApiError> {
        let kind: ImportKind = self.kind.parse().map_err(ApiError::invalid)?;
        let mut mapping = match (filled(self.mapping.clone()), filled(self.preset.clone())) {
            (Some(text), _) => Mapping::from_toml(&text).map_err(|e| ApiError::invalid(format!("mapping: {e}")))?,
            (None, Some(name)) => preset(&name).ok_or_else(|| ApiError::invalid(format!("unknown preset {name:?}")))?,
            (None, None) => return Err(ApiError::invalid("choose a preset or write a mapping")),
        };
        if mapping.kind != kind {
            return Err(ApiError::invalid(format!("the mapping is for {}, not {kind}", mapping.kind)));
        }
        if let Some(order) = filled(self.date_order.clone()) {
            mapping.date_order = Some(order.parse::<DateOrder>().map_err(|e| ApiError::invalid(e.to_string()))?);
        }
        Ok(mapping)
    }
}

/// The upload form.
pub async fn page(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let body = html! {
        h1 { "Import a file" }
        p.muted { "CSV (any delimiter, UTF-8) or XLSX. You will see the first rows and every problem before anything is written. See docs/import.md." }
        div.card {
            form.stack method="post" action=(format!("/import/preview?csrf={}", frame.csrf)) enctype="multipart/form-data" {
                label { "What the file holds" select name="kind" { @for k in ImportKind::ALL { option value=(k) { (k) } } } }
                label { "Preset" select name="preset" { option value="" { "(the mapping below)" } @for p in preset_names() { option value=(p) { (p) } } } }
                label { "Mapping (TOML), instead of a preset" textarea name="mapping" rows="6" placeholder="kind = \"deals\"\n[columns]\nexternal_id = \"Deal ID\"" {} }
                label { "Dates like 03/04/2026 read" select name="date_order" { option value="" { "(ask when ambiguous)" } option value="month-first" { "month first (US)" } option value="day-first" { "day first (Europe)" } } }
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
            "sheet" => form.sheet = Some(text),
            _ => {}
        }
    }
    if bytes.is_empty() {
        return Err(ApiError::invalid("choose a file to import").into());
    }
    let file_name = form.file_name.clone().unwrap_or_else(|| "upload".into());
    let mapping = form.mapping()?;
    let table = importing::read_table(&file_name, &bytes, filled(form.sheet.clone()).as_deref(), None)
        .map_err(ApiError::invalid)?;
    let parsed = importing::parse(state.store.as_ref(), mapping, &table, &|_| {})
        .await
        .map_err(|errors| ApiError::invalid(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))?;
    let problems: Vec<&pacer_core::import::RowError> = parsed.rejected.iter().flat_map(|(_, e)| e).collect();
    let rejected_rows: std::collections::HashSet<usize> = parsed.rejected.iter().map(|(i, _)| *i).collect();
    let body = html! {
        h1 { "Preview: " (file_name) }
        p { (table.rows.len()) " rows; " (parsed.good.len()) " ready, " (parsed.rejected.len()) " with problems. Nothing has been written yet." }
        (super::stages::import_notice(&parsed.unmapped))
        div.card.scroll {
            h2 { "First rows" }
            table {
                thead { tr { th.num { "Row" } @for h in &table.header { th { (h) } } th { "Status" } } }
                tbody { @for (i, row) in table.rows.iter().enumerate().take(10) { tr {
                    td.num { (i + 2) } @for c in row { td { (c) } }
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
    let table = importing::read_table(&file_name, &bytes, filled(form.sheet.clone()).as_deref(), None)
        .map_err(ApiError::invalid)?;
    let parsed = importing::parse(state.store.as_ref(), form.mapping()?, &table, &|_| {})
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
        (super::stages::import_notice(&parsed.unmapped))
        @if let Some(csv) = rejects {
            p { a download="rejects.csv" href=(format!("data:text/csv;base64,{}", BASE64.encode(csv))) { "Download the rows left out, with their reasons" } }
        }
        p { a href="/import" { "Import another file" } }
    };
    Ok(layout::page(&frame, "Imported", body))
}
