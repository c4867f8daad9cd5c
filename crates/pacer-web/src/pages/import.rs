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
use pacer_core::import::{
    DateOrder, ImportKind, Mapping, MappingChoice, OpenDealGaps, Preset, RowError, presets, propose,
};
use pacer_i18n::{Locale, tr};
use serde::Deserialize;

/// What a file holds, in words (the form's value stays the kind's).
fn kind_words(locale: Locale, kind: ImportKind) -> String {
    locale.t(match kind {
        ImportKind::Reps => "import-kind-reps",
        ImportKind::Teams => "import-kind-teams",
        ImportKind::Activities => "import-kind-activities",
        ImportKind::Deals => "import-kind-deals",
        ImportKind::Subscriptions => "import-kind-subscriptions",
    })
}

/// How the file was read, in one line: its encoding, delimiter, the mapping chosen and the
/// report rows left out (the encoding's and the mapping's own words are the reader's).
fn notes_summary(locale: Locale, notes: &importing::FileNotes) -> String {
    let mut parts = vec![tr!(locale, "import-read-as", encoding = notes.encoding.as_str())];
    if let Some(d) = notes.delimiter {
        let shown = if d == '\t' { locale.t("import-tab") } else { format!("{d:?}") };
        parts.push(tr!(locale, "import-delimiter", delimiter = shown));
    }
    if let Some(m) = &notes.mapping {
        parts.push(m.clone());
    }
    let mut line = parts.join(", ");
    if !notes.skipped.is_empty() {
        let rows: Vec<String> = notes
            .skipped
            .iter()
            .map(|s| tr!(locale, "import-report-row", row = s.row.to_string(), text = format!("{:?}", s.text)))
            .collect();
        line.push_str("; ");
        line.push_str(&tr!(locale, "import-report-rows", count = notes.skipped.len(), rows = rows.join(", ")));
    }
    line
}

/// What the summary says of open deals without an amount or a close date.
fn gap_notes(locale: Locale, gaps: &OpenDealGaps) -> Vec<String> {
    let mut notes = Vec::new();
    for (n, id) in [(gaps.no_amount, "import-no-amount"), (gaps.no_close_date, "import-no-close-date")] {
        if n > 0 {
            notes.push(tr!(locale, id, count = n, deals = locale.count(n as i64)));
        }
    }
    notes
}

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
    fn choice(&self, locale: Locale) -> Result<MappingChoice, ApiError> {
        let kind: ImportKind = self.kind.parse().map_err(ApiError::invalid)?;
        let choice =
            match (filled(self.mapping.clone()), filled(self.preset.clone())) {
                (Some(text), _) => MappingChoice::Given(
                    Mapping::from_toml(&text)
                        .map_err(|e| ApiError::invalid(tr!(locale, "import-mapping-error", reason = e.to_string())))?,
                ),
                (None, Some(name)) => MappingChoice::Preset(Preset::named(&name).ok_or_else(|| {
                    ApiError::invalid(tr!(locale, "import-unknown-preset", name = format!("{name:?}")))
                })?),
                (None, None) => MappingChoice::Detect(kind),
            };
        if choice.kind() != kind {
            return Err(ApiError::invalid(tr!(
                locale,
                "import-mapping-kind",
                mapping = kind_words(locale, choice.kind()),
                kind = kind_words(locale, kind)
            )));
        }
        Ok(choice)
    }

    /// Reads the file with the form's options: its rows, what reading found, and the mapping
    /// fitted to its header (or why none fits).
    fn read(&self, locale: Locale, file_name: &str, bytes: &[u8]) -> Result<Read, ApiError> {
        let choice = self.choice(locale)?;
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
        h1 { (frame.t("import-heading")) }
        p.muted { (frame.t("import-intro")) }
        div.card {
            form.stack method="post" action=(format!("/import/preview?csrf={}", frame.csrf)) enctype="multipart/form-data" {
                label { (frame.t("import-kind")) select name="kind" { @for k in ImportKind::ALL { option value=(k) { (kind_words(frame.locale, k)) } } } }
                label { (frame.t("import-preset")) select name="preset" { option value="" { (frame.t("import-preset-none")) } @for p in presets() { option value=(p.name) { (p.name) " — " (p.export) } } } }
                label { (frame.t("import-mapping")) textarea name="mapping" rows="6" placeholder="kind = \"deals\"\n[columns]\nexternal_id = \"Deal ID\"" {} }
                label { (frame.t("import-date-order")) select name="date_order" { option value="" { (frame.t("import-date-ask")) } option value="month-first" { (frame.t("import-month-first")) } option value="day-first" { (frame.t("import-day-first")) } } }
                label { (frame.t("import-encoding")) input name="encoding" placeholder=(frame.t("import-encoding-placeholder")); }
                label { (frame.t("import-sheet")) input name="sheet" placeholder=(frame.t("import-sheet-placeholder")); }
                label { (frame.t("import-file")) input type="file" name="file" required accept=".csv,.txt,.xlsx,.xlsm,.xls,.ods"; }
                button type="submit" { (frame.t("import-preview")) }
            }
        }
    };
    Ok(layout::page(&frame, &frame.t("import-title"), body))
}

/// Shows the first rows as read through the mapping, and every problem; nothing is written.
pub async fn preview(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    mut multipart: Multipart,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let locale = frame.locale;
    let mut form = ImportForm::default();
    let mut bytes = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::BadRequest(tr!(locale, "import-upload-unreadable", reason = e.to_string())))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            form.file_name = field.file_name().map(str::to_string);
            bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::BadRequest(tr!(locale, "import-file-unreadable", reason = e.to_string())))?
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
                bytes = BASE64.decode(text.trim()).map_err(|_| ApiError::BadRequest(locale.t("import-file-lost")))?
            }
            _ => {}
        }
    }
    if bytes.is_empty() {
        return Err(ApiError::invalid(locale.t("import-choose-file")).into());
    }
    let file_name = form.file_name.clone().unwrap_or_else(|| "upload".into());
    let Read { kind, table, notes, mapping } = form.read(locale, &file_name, &bytes)?;
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
        h1 { (tr!(locale, "import-preview-heading", file = file_name.as_str())) }
        p { (tr!(locale, "import-counts", rows_count = table.rows.len(), good_count = parsed.good.len(), rows = locale.count(table.rows.len() as i64), good = locale.count(parsed.good.len() as i64), rejected = locale.count(parsed.rejected.len() as i64))) }
        p.muted { (notes_summary(locale, &notes)) "." }
        @if keyed_by_content { p.muted { (locale.t("import-keyed-by-content")) } }
        @for note in gap_notes(locale, &parsed.gaps) { p.muted { (note) "." } }
        (super::stages::import_notice(locale, &parsed.unmapped))
        div.card.scroll {
            h2 { (locale.t("import-first-rows")) }
            table {
                thead { tr { th.num { (locale.t("import-row")) } @for h in &table.header { th { (h) } } th { (locale.t("import-status")) } } }
                tbody { @for (i, (number, row)) in table.rows.iter().enumerate().take(10) { tr {
                    td.num { (number) } @for c in row { td { (c) } }
                    td { @if rejected_rows.contains(&i) { span.badge.off { (locale.t("import-problem")) } } @else { span.badge.on { (locale.t("import-ok")) } } }
                } } }
            }
        }
        @if !problems.is_empty() {
            div.card.scroll {
                h2 { (locale.t("import-problems")) }
                table {
                    thead { tr { th.num { (locale.t("import-row")) } th { (locale.t("import-column")) } th { (locale.t("import-value")) } th { (locale.t("import-reason")) } } }
                    tbody { @for e in problems.iter().take(200) { tr { td.num { (e.row) } td { (e.column) } td { (e.value) } td { (e.reason) } } } }
                }
                @if problems.len() > 200 { p.muted { (tr!(locale, "import-more", count = locale.count((problems.len() - 200) as i64))) } }
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
                    label { input type="checkbox" name="skip_invalid" value="yes"; " " (locale.t("import-skip-invalid")) }
                }
                button type="submit" disabled[!problems.is_empty() && parsed.good.is_empty()] { (locale.t("import-import")) }
                a href="/import" { (locale.t("import-start-over")) }
            }
        }
    };
    Ok(layout::page(&frame, &locale.t("import-preview-title"), body))
}

/// Imports the previewed file: all-or-nothing unless asked to skip the bad rows.
pub async fn confirm(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<ImportForm>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let locale = frame.locale;
    let bytes = BASE64
        .decode(form.file_base64.clone().unwrap_or_default())
        .map_err(|_| ApiError::BadRequest(locale.t("import-file-lost")))?;
    let file_name = form.file_name.clone().unwrap_or_else(|| "upload".into());
    let Read { table, mapping, .. } = form.read(locale, &file_name, &bytes)?;
    let mapping = mapping
        .map_err(|errors| ApiError::invalid(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))?;
    let parsed = importing::parse(state.store.as_ref(), mapping, &table, &|_| {})
        .await
        .map_err(|errors| ApiError::invalid(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))?;
    let skip = form.skip_invalid.as_deref() == Some("yes");
    if !parsed.rejected.is_empty() && !skip {
        let n = parsed.rejected.len();
        return Err(ApiError::invalid(tr!(
            locale,
            "import-rows-with-problems",
            count = n,
            rows = locale.count(n as i64)
        ))
        .into());
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
        h1 { (tr!(locale, "import-done-heading", file = file_name.as_str())) }
        div.notice { (tr!(locale, "import-done-counts", new = locale.count(counts.new as i64), updated = locale.count(counts.updated as i64), unchanged = locale.count(counts.unchanged as i64), rejected = locale.count(rejected as i64))) }
        @for note in gap_notes(locale, &parsed.gaps) { p.muted { (note) "." } }
        (super::stages::import_notice(locale, &parsed.unmapped))
        @if let Some(csv) = rejects {
            p { a download="rejects.csv" href=(format!("data:text/csv;base64,{}", BASE64.encode(csv))) { (locale.t("import-download-rejects")) } }
        }
        p { a href="/import" { (locale.t("import-another")) } }
    };
    Ok(layout::page(&frame, &locale.t("import-done-title"), body))
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
        h1 { (tr!(frame.locale, "import-preview-heading", file = file_name)) }
        div.notice.error { @for p in problems { p { (p.reason) } } }
        p { (tr!(frame.locale, "import-columns", columns = table.header.join(", "))) }
        div.card {
            h2 { (frame.t("import-to-finish")) }
            p.muted { (frame.t("import-to-finish-help")) }
            form.stack method="post" action=(format!("/import/preview?csrf={}", frame.csrf)) enctype="multipart/form-data" {
                input type="hidden" name="kind" value=(form.kind);
                input type="hidden" name="date_order" value=(form.date_order.clone().unwrap_or_default());
                input type="hidden" name="encoding" value=(form.encoding.clone().unwrap_or_default());
                input type="hidden" name="sheet" value=(form.sheet.clone().unwrap_or_default());
                input type="hidden" name="file_name" value=(file_name);
                input type="hidden" name="file_base64" value=(BASE64.encode(bytes));
                label { (frame.t("import-mapping-toml")) textarea name="mapping" rows="16" { (proposed) } }
                button type="submit" { (frame.t("import-preview-again")) }
                a href="/import" { (frame.t("import-start-over")) }
            }
        }
    };
    layout::page(frame, &frame.t("import-preview-title"), body)
}
