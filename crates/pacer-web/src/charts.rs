//! Server-drawn SVG charts for the pages.
//!
//! Every chart is a pure function from numbers to markup: no JavaScript, no
//! external assets, no element ids (several charts can share a page without
//! clashing). The SVG uses a `viewBox` and `width="100%"`, so it scales to a
//! phone's width; all sizes are in viewBox units. Text that comes from data is
//! XML-escaped, long labels are cut to about 14 characters (the full text stays
//! in a hover `<title>`), and NaN or infinite values are treated as missing.
//! Money and percentages are formatted by the caller's closure, so the charts
//! know nothing about currencies or locales.

use maud::{Markup, PreEscaped};
use std::fmt::Write as _;

// The palette of `assets/pacer.css`.
const INK: &str = "#1d2330";
const MUTED: &str = "#5b6475";
const ACCENT: &str = "#1f6feb";
const BAD: &str = "#c62828";
const GOOD: &str = "#2e7d32";
const LINE: &str = "#dde1e8";
const AMBER: &str = "#f9a825";
const FONT: &str = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";

/// Width of the viewBox of every chart except wide heat maps: narrow, so text
/// stays legible when a phone shrinks the chart to its width.
const WIDTH: f64 = 480.0;
/// Height of the plotting area of bar charts.
const PLOT_HEIGHT: f64 = 200.0;
/// Font size of axis labels, value labels and legends.
const SMALL: f64 = 12.0;
/// How far a chart may grow beyond its viewBox on wide screens, so its text
/// stays near the page's body size instead of growing to a headline.
const MAX_SCALE: f64 = 1.5;
/// Labels longer than this are cut and end with "…".
const LABEL_CHARS: usize = 14;
/// More bars than this and the x labels are rotated.
const MAX_UPRIGHT_LABELS: usize = 12;
/// More bars than this and only every k-th x label is drawn.
const MAX_SHOWN_LABELS: usize = 24;
/// Rough advance of one character at [`SMALL`], to size margins without measuring text.
const CHAR_W: f64 = 6.8;
/// A white outline under value labels, so they stay legible over lines and bars.
const HALO: &str = r##"stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke""##;

/// One step of a waterfall (bridge) chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaterfallStep {
    /// Label under the bar, e.g. "New" or "Churn".
    pub label: String,
    /// Amount in minor units; a decrease is given as a positive amount.
    pub amount: i64,
    /// How the bar relates to the running level.
    pub kind: StepKind,
}

/// How a waterfall step moves the running level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// A bar from zero to the amount; the running level becomes the amount.
    Total,
    /// A bar floating up from the running level by the amount (green).
    Increase,
    /// A bar floating down from the running level by the amount (red).
    Decrease,
}

/// An MRR bridge: totals stand on zero, increases float up from the running
/// level in green, decreases float down in red, thin connectors join the bars.
/// Amounts are minor units and labelled with `fmt`; no steps draws "No data".
pub fn waterfall(title: &str, note: Option<&str>, steps: &[WaterfallStep], fmt: &dyn Fn(i64) -> String) -> Markup {
    if steps.is_empty() {
        return no_data(title, note);
    }
    let spans = waterfall_spans(steps);
    // The axis always includes zero, so totals are honest bars.
    let ends = spans.iter().flat_map(|&(a, b)| [a, b]);
    let lo = ends.clone().min().unwrap_or(0).min(0);
    let hi = ends.max().unwrap_or(0).max(0);
    let ticks = nice_ticks(lo as f64, hi as f64, 5);
    // Ticks are whole minor units at these magnitudes; `as` saturates, never panics.
    let tick_labels: Vec<String> = ticks.iter().map(|&t| fmt(t.round() as i64)).collect();
    let labels: Vec<&str> = steps.iter().map(|s| s.label.as_str()).collect();

    let mut c = Canvas::default();
    let top = header(&mut c, title, note) + 22.0;
    let plot = Plot::new(top, &ticks, &tick_labels, &labels);
    plot.y_axis(&mut c, &ticks, &tick_labels);

    let width = plot.bar_width();
    // Value labels must stay legible when there are many steps.
    let value_size = if steps.len() > MAX_UPRIGHT_LABELS { SMALL - 3.0 } else { SMALL };
    let value_style = format!("{} {HALO}", style(value_size, "middle", INK));
    // Value labels go on a top layer, above every bar and connector.
    let mut values = Canvas::default();
    for (i, (step, &(from, to))) in steps.iter().zip(&spans).enumerate() {
        let (colour, value) = match step.kind {
            StepKind::Total => (ACCENT, fmt(step.amount)),
            StepKind::Increase => (GOOD, format!("+{}", fmt(step.amount))),
            StepKind::Decrease => (BAD, format!("\u{2212}{}", fmt(step.amount))),
        };
        let x = plot.centre(i) - width / 2.0;
        let area = Area::between(x, width, plot.y(from as f64), plot.y(to as f64));
        c.rect("bar", &area, &format!(r#"fill="{colour}""#), Some(&format!("{}: {value}", step.label)));
        // Above the bar, unless the bar hangs entirely below zero.
        let below_zero = from.max(to) < 0;
        let label_y = if below_zero { area.y + area.h + 13.0 } else { area.y - 4.0 };
        values.text(plot.centre(i), label_y, &value_style, &value);
        // The connector carries the running level to the next bar.
        if i + 1 < steps.len() {
            let y = plot.y(to as f64);
            let next_left = plot.centre(i + 1) - width / 2.0;
            c.line(
                (x + width, y),
                (next_left, y),
                &format!(r#"stroke="{MUTED}" stroke-width="1" stroke-dasharray="3 2""#),
            );
        }
    }
    c.body.push_str(&values.body);
    plot.x_labels(&mut c, &labels);
    c.finish(WIDTH, plot.height(), title, title, note)
}

/// Where each waterfall bar starts and ends, in minor units, following the running level.
fn waterfall_spans(steps: &[WaterfallStep]) -> Vec<(i64, i64)> {
    let mut level = 0i64;
    steps
        .iter()
        .map(|step| {
            let from = match step.kind {
                StepKind::Total => 0,
                StepKind::Increase | StepKind::Decrease => level,
            };
            // Saturating: absurd amounts must not panic a page.
            level = match step.kind {
                StepKind::Total => step.amount,
                StepKind::Increase => level.saturating_add(step.amount),
                StepKind::Decrease => level.saturating_sub(step.amount),
            };
            (from, level)
        })
        .collect()
}

/// Vertical bars per period with an optional goal line (a dashed polyline
/// through the bar centres, one goal value per bar, legend "goal"). A missing
/// value (None, NaN, infinite) draws a dashed empty placeholder with "—".
/// The axis always includes zero, so negative bars hang below it. No bars
/// draws "No data".
pub fn bars_with_goal(
    title: &str,
    note: Option<&str>,
    bars: &[(String, Option<f64>)],
    goal: Option<&[f64]>,
    fmt: &dyn Fn(f64) -> String,
) -> Markup {
    if bars.is_empty() {
        return no_data(title, note);
    }
    let values: Vec<Option<f64>> = bars.iter().map(|(_, v)| finite(*v)).collect();
    // Extra goal values have no bar to sit on; missing ones just end the line.
    let goals: Vec<Option<f64>> = goal.unwrap_or(&[]).iter().take(bars.len()).map(|&g| finite(Some(g))).collect();
    let known = values.iter().chain(&goals).flatten().copied();
    let lo = known.clone().fold(0.0, f64::min);
    let hi = known.fold(0.0, f64::max);
    let ticks = nice_ticks(lo, hi, 5);
    let tick_labels: Vec<String> = ticks.iter().map(|&t| fmt(t)).collect();
    let labels: Vec<&str> = bars.iter().map(|(l, _)| l.as_str()).collect();

    let mut c = Canvas::default();
    let header_bottom = header(&mut c, title, note);
    let has_goal = goals.iter().any(Option::is_some);
    let top = header_bottom + if has_goal { 30.0 } else { 22.0 };
    let plot = Plot::new(top, &ticks, &tick_labels, &labels);
    plot.y_axis(&mut c, &ticks, &tick_labels);

    let width = plot.bar_width();
    // Value labels only while they fit; the hover title always has the value.
    let show_values = bars.len() <= MAX_UPRIGHT_LABELS;
    let value_style = format!("{} {HALO}", style(SMALL, "middle", INK));
    // Value labels go on a top layer, above the goal line.
    let mut value_labels = Canvas::default();
    for (i, ((label, _), value)) in bars.iter().zip(&values).enumerate() {
        let x = plot.centre(i) - width / 2.0;
        match value {
            Some(v) => {
                let area = Area::between(x, width, plot.y(0.0), plot.y(*v));
                let text = fmt(*v);
                c.rect("bar", &area, &format!(r#"fill="{ACCENT}""#), Some(&format!("{label}: {text}")));
                if show_values {
                    let y = if *v < 0.0 { area.y + area.h + 13.0 } else { area.y - 4.0 };
                    value_labels.text(plot.centre(i), y, &value_style, &text);
                }
            }
            None => {
                let area = Area::between(x, width, plot.top, plot.bottom);
                let paint = format!(r#"fill="none" stroke="{LINE}" stroke-dasharray="4 3""#);
                c.rect("nodata", &area, &paint, Some(&format!("{label}: no data")));
                c.text(plot.centre(i), (plot.top + plot.bottom) / 2.0 + 4.0, &style(13.0, "middle", MUTED), "—");
            }
        }
    }

    if has_goal {
        let stroke = format!(r#"fill="none" stroke="{INK}" stroke-width="2" stroke-dasharray="6 4""#);
        // One polyline per run of known goals, so a gap stays a gap.
        for run in goals.iter().enumerate().collect::<Vec<_>>().split(|(_, g)| g.is_none()) {
            let points: Vec<String> =
                run.iter().filter_map(|&(i, g)| g.map(|g| format!("{},{}", n(plot.centre(i)), n(plot.y(g))))).collect();
            if points.len() > 1 {
                let _ = write!(c.body, r#"<polyline class="goal" points="{}" {stroke}/>"#, points.join(" "));
            }
        }
        // Dots make single points visible and carry the goal value on hover.
        for (i, g) in goals.iter().enumerate() {
            if let Some(g) = g {
                let _ = write!(
                    c.body,
                    r#"<circle cx="{}" cy="{}" r="3" fill="{INK}"><title>{}</title></circle>"#,
                    n(plot.centre(i)),
                    n(plot.y(*g)),
                    escape(&format!("{}: goal {}", bars[i].0, fmt(*g)))
                );
            }
        }
        let y = header_bottom + 12.0;
        c.line((plot.right - 70.0, y), (plot.right - 40.0, y), &stroke);
        c.text(plot.right - 34.0, y + 4.0, &style(SMALL, "start", MUTED), "goal");
    }
    c.body.push_str(&value_labels.body);
    plot.x_labels(&mut c, &labels);
    c.finish(WIDTH, plot.height(), title, title, note)
}

/// A horizontal gauge from 0 to max(acceptable × 1.5, value × 1.1) with three
/// zones, "normal" (green) up to `normal_up_to`, "acceptable" (amber) up to
/// `acceptable_up_to` and "high" (red) beyond, and a marker at the value with
/// its label. No value (or NaN) draws the zones and "No data".
pub fn band_gauge(
    title: &str,
    value: Option<f64>,
    normal_up_to: f64,
    acceptable_up_to: f64,
    fmt: &dyn Fn(f64) -> String,
) -> Markup {
    let value = finite(value);
    // Misordered or broken thresholds become empty zones rather than a panic.
    let normal = finite(Some(normal_up_to)).unwrap_or(0.0).max(0.0);
    let acceptable = finite(Some(acceptable_up_to)).unwrap_or(normal).max(normal);
    let mut max = (acceptable * 1.5).max(value.unwrap_or(0.0) * 1.1);
    if !max.is_finite() {
        max = f64::MAX;
    }
    if max <= 0.0 {
        max = 1.0;
    }
    let (left, right) = (16.0, WIDTH - 16.0);
    let x_of = |v: f64| left + (v / max).clamp(0.0, 1.0) * (right - left);

    let mut c = Canvas::default();
    let hb = header(&mut c, title, None);
    let (bar_top, bar_h) = (hb + 40.0, 28.0);
    let zones =
        [("normal", 0.0, normal, GOOD), ("acceptable", normal, acceptable, AMBER), ("high", acceptable, max, BAD)];
    for (name, from, to, colour) in zones {
        let area = Area::between(x_of(from), x_of(to) - x_of(from), bar_top, bar_top + bar_h);
        let tip = format!("{name}: {} – {}", fmt(from), fmt(to));
        c.rect("zone", &area, &format!(r#"fill="{colour}""#), Some(&tip));
        // A name wider than its zone would spill onto its neighbour's.
        if area.w >= name.len() as f64 * CHAR_W {
            c.text(area.x + area.w / 2.0, bar_top + bar_h + 16.0, &style(SMALL, "middle", MUTED), name);
        }
    }
    // Equal thresholds get one label, not two on top of each other.
    let thresholds = if acceptable > normal { vec![normal, acceptable] } else { vec![normal] };
    for threshold in thresholds {
        let x = x_of(threshold);
        c.line((x, bar_top + bar_h), (x, bar_top + bar_h + 4.0), &format!(r#"stroke="{MUTED}" stroke-width="1""#));
        c.text(x, bar_top + bar_h + 32.0, &style(SMALL, "middle", MUTED), &fmt(threshold));
    }

    let aria = match value {
        Some(v) => {
            let x = x_of(v);
            // A white halo keeps the marker visible on the dark green and red zones.
            c.line((x, bar_top - 4.0), (x, bar_top + bar_h + 4.0), r##"stroke="#fff" stroke-width="6""##);
            c.line((x, bar_top - 4.0), (x, bar_top + bar_h + 4.0), &format!(r#"stroke="{INK}" stroke-width="3""#));
            let _ = write!(
                c.body,
                r#"<polygon class="marker" points="{},{} {},{} {},{}" fill="{INK}"/>"#,
                n(x - 6.0),
                n(bar_top - 12.0),
                n(x + 6.0),
                n(bar_top - 12.0),
                n(x),
                n(bar_top - 4.0)
            );
            // Keep the value label inside the picture at either end.
            let anchor = if x < left + 40.0 {
                "start"
            } else if x > right - 40.0 {
                "end"
            } else {
                "middle"
            };
            let text = fmt(v);
            let label_x = x.clamp(left, right);
            c.text(label_x, bar_top - 16.0, &format!(r#"{} font-weight="600""#, style(14.0, anchor, INK)), &text);
            let zone = if v <= normal {
                "normal"
            } else if v <= acceptable {
                "acceptable"
            } else {
                "high"
            };
            format!("{title}: {text} ({zone})")
        }
        None => {
            c.text(WIDTH / 2.0, bar_top - 12.0, &style(13.0, "middle", MUTED), "No data");
            format!("{title}: no data")
        }
    };
    c.finish(WIDTH, bar_top + bar_h + 44.0, title, &aria, None)
}

/// A cohort retention heat map: one row per cohort, one column per age
/// ("M0".."Mn"). Cells shade from white at 0 to the accent blue at 1.0 (higher
/// values are capped) and show `fmt` of their value; missing cells (None, NaN,
/// short rows) stay blank. Many columns widen the viewBox instead of cramming
/// the cells. No rows or no columns draws "No data".
pub fn heatmap(
    title: &str,
    note: Option<&str>,
    rows: &[String],
    columns: &[String],
    cells: &[Vec<Option<f64>>],
    fmt: &dyn Fn(f64) -> String,
) -> Markup {
    if rows.is_empty() || columns.is_empty() {
        return no_data(title, note);
    }
    let row_labels: Vec<String> = rows.iter().map(|r| truncate(r, LABEL_CHARS)).collect();
    let widest = row_labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);
    let left = (widest as f64 * CHAR_W + 12.0).clamp(40.0, 120.0);
    let cell_w = ((WIDTH - left - 8.0) / columns.len() as f64).max(44.0);
    let cell_h = 24.0;
    let width = left + cell_w * columns.len() as f64 + 8.0;
    // Column labels must fit their cell.
    let column_chars = (((cell_w - 4.0) / CHAR_W) as usize).clamp(3, LABEL_CHARS);

    let mut c = Canvas::default();
    let hb = header(&mut c, title, note);
    let grid_top = hb + 28.0;
    for (j, column) in columns.iter().enumerate() {
        let x = left + cell_w * (j as f64 + 0.5);
        c.text(x, grid_top - 8.0, &style(SMALL, "middle", MUTED), &truncate(column, column_chars));
    }
    let cell_border = format!(r#"stroke="{LINE}" stroke-width="1""#);
    for (i, (row, label)) in rows.iter().zip(&row_labels).enumerate() {
        let y = grid_top + cell_h * i as f64;
        c.text(left - 6.0, y + cell_h / 2.0 + 4.0, &style(SMALL, "end", MUTED), label);
        for (j, column) in columns.iter().enumerate() {
            let Some(v) = finite(cells.get(i).and_then(|r| r.get(j)).copied().flatten()) else {
                continue;
            };
            let t = v.clamp(0.0, 1.0);
            let x = left + cell_w * j as f64;
            let text = fmt(v);
            let paint = format!(r#"fill="{}" {cell_border}"#, shade(t));
            c.rect("cell", &Area { x, y, w: cell_w, h: cell_h }, &paint, Some(&format!("{row} · {column}: {text}")));
            // White text once the blue is dark enough to need it.
            let ink = if t > 0.5 { "#fff" } else { INK };
            c.text(x + cell_w / 2.0, y + cell_h / 2.0 + 4.0, &style(SMALL, "middle", ink), &text);
        }
    }

    // A stepped legend instead of a gradient: gradients need ids, which clash between charts.
    let legend_y = grid_top + cell_h * rows.len() as f64 + 14.0;
    let mut x = left;
    for (k, t) in [0.0, 0.25, 0.5, 0.75, 1.0].into_iter().enumerate() {
        let paint = format!(r#"fill="{}" {cell_border}"#, shade(t));
        c.rect("swatch", &Area { x, y: legend_y, w: 18.0, h: 12.0 }, &paint, None);
        let label = if k == 4 { format!("≥ {}", fmt(t)) } else { fmt(t) };
        c.text(x + 22.0, legend_y + 10.0, &style(SMALL, "start", MUTED), &label);
        x += 30.0 + label.chars().count() as f64 * CHAR_W;
    }
    c.finish(width, legend_y + 22.0, title, title, note)
}

/// Tick values for an axis covering `min..=max`, about `count` of them, at a
/// step of 1, 2 or 5 × 10ⁿ: the first tick is ≤ min and the last ≥ max, e.g.
/// 0..97 with 6 ticks gives 0, 20, 40, 60, 80, 100. Always returns at least two
/// increasing values: NaN and infinities count as 0, and an empty range is
/// widened to include zero (or to 0..1).
pub fn nice_ticks(min: f64, max: f64, count: usize) -> Vec<f64> {
    let clean = |v: f64| if v.is_finite() { v } else { 0.0 };
    let (mut lo, mut hi) = (clean(min), clean(max));
    if lo > hi {
        std::mem::swap(&mut lo, &mut hi);
    }
    if lo == hi {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
        if lo == hi {
            hi = 1.0;
        }
    }
    let range = hi - lo;
    let step = nice_step(range / (count.max(2) - 1) as f64);
    if !range.is_finite() || !step.is_finite() || step <= 0.0 {
        // Ranges near f64::MAX: no nice steps, but still an axis.
        return vec![lo, hi];
    }
    // The epsilon keeps 0.3 / 0.1 = 3.0000000000000004 from adding a tick.
    let first = (lo / step + 1e-9).floor();
    let last = (hi / step - 1e-9).ceil();
    let intervals = (last - first).max(1.0);
    if intervals > 10_000.0 {
        return vec![lo, hi];
    }
    // Round to the step's decimals so 3 × 0.1 prints as 0.3.
    let scale = 10f64.powi((-step.log10().floor()).max(0.0) as i32);
    let tidy = |v: f64| if scale.is_finite() { (v * scale).round() / scale } else { v };
    // `+ 0.0` turns -0 into 0, so a label never reads "-0".
    (0..=intervals as usize).map(|k| tidy((first + k as f64) * step) + 0.0).collect()
}

/// The 1, 2, 5 × 10ⁿ value nearest to `raw`.
fn nice_step(raw: f64) -> f64 {
    let base = 10f64.powf(raw.log10().floor());
    let fraction = raw / base;
    let nice = if fraction < 1.5 {
        1.0
    } else if fraction < 3.0 {
        2.0
    } else if fraction < 7.0 {
        5.0
    } else {
        10.0
    };
    nice * base
}

/// Escapes text for XML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Cuts a label to at most `max` characters, the last being "…".
fn truncate(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_string();
    }
    let mut short: String = label.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// A value that can be drawn: NaN and infinities are missing data.
fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// A coordinate as SVG text: one decimal, no "-0", never NaN or a 300-digit number.
fn n(v: f64) -> String {
    let v = if v.is_finite() { v.clamp(-1e6, 1e6) } else { 0.0 };
    let r = (v * 10.0).round() / 10.0 + 0.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}

/// Presentation attributes of a text element.
fn style(size: f64, anchor: &str, fill: &str) -> String {
    format!(r#"font-size="{}" text-anchor="{anchor}" fill="{fill}""#, n(size))
}

/// The heat map colour for `t` in 0..=1: white to the accent blue (#1f6feb).
fn shade(t: f64) -> String {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let mix = |to: f64| (255.0 + (to - 255.0) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(31.0), mix(111.0), mix(235.0))
}

/// A rectangle in viewBox units, with a non-negative size.
struct Area {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Area {
    /// The rectangle spanning two y positions in either order.
    fn between(x: f64, w: f64, y1: f64, y2: f64) -> Self {
        Self { x, y: y1.min(y2), w: w.max(0.0), h: (y1 - y2).abs() }
    }
}

/// The SVG body being drawn.
#[derive(Default)]
struct Canvas {
    body: String,
}

impl Canvas {
    /// Text at (x, y) with `attrs` from [`style`]; the content is escaped here.
    fn text(&mut self, x: f64, y: f64, attrs: &str, content: &str) {
        let _ = write!(self.body, r#"<text x="{}" y="{}" {attrs}>{}</text>"#, n(x), n(y), escape(content));
    }

    /// A line from `a` to `b` with stroke attributes.
    fn line(&mut self, a: (f64, f64), b: (f64, f64), attrs: &str) {
        let _ = write!(self.body, r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {attrs}/>"#, n(a.0), n(a.1), n(b.0), n(b.1));
    }

    /// A rectangle with a class (tests count them), paint attributes and an optional hover title.
    fn rect(&mut self, class: &str, area: &Area, attrs: &str, tip: Option<&str>) {
        let _ = write!(
            self.body,
            r#"<rect class="{class}" x="{}" y="{}" width="{}" height="{}" {attrs}"#,
            n(area.x),
            n(area.y),
            n(area.w),
            n(area.h)
        );
        match tip {
            Some(tip) => {
                let _ = write!(self.body, "><title>{}</title></rect>", escape(tip));
            }
            None => self.body.push_str("/>"),
        }
    }

    /// Wraps the body in the `<svg>` element, with its accessible name and title.
    fn finish(self, width: f64, height: f64, title: &str, aria: &str, note: Option<&str>) -> Markup {
        let mut svg = String::with_capacity(self.body.len() + 400);
        let (w, h, max_w) = (n(width), n(height), n(width * MAX_SCALE));
        let (aria, title) = (escape(aria), escape(title));
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{aria}" font-family="{FONT}" style="display:block;height:auto;max-width:{max_w}px"><title>{title}</title>"#
        );
        if let Some(note) = note {
            let _ = write!(svg, "<desc>{}</desc>", escape(note));
        }
        svg.push_str(&self.body);
        svg.push_str("</svg>");
        PreEscaped(svg)
    }
}

/// Draws the visible title and the note under it; returns the y below them.
fn header(c: &mut Canvas, title: &str, note: Option<&str>) -> f64 {
    c.text(0.0, 20.0, &format!(r#"{} font-weight="600""#, style(17.0, "start", INK)), title);
    match note {
        Some(note) => {
            c.text(0.0, 40.0, &style(13.0, "start", MUTED), note);
            46.0
        }
        None => 26.0,
    }
}

/// The chart for empty inputs: its title, its note and "No data".
fn no_data(title: &str, note: Option<&str>) -> Markup {
    let mut c = Canvas::default();
    let hb = header(&mut c, title, note);
    c.text(WIDTH / 2.0, hb + 36.0, &style(14.0, "middle", MUTED), "No data");
    c.finish(WIDTH, hb + 56.0, title, &format!("{title}: no data"), note)
}

/// The plotting area of a bar chart: a y scale over the ticks and one band per bar.
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    n: usize,
    lo: f64,
    hi: f64,
    /// Rotated x labels, because there are many bars or the labels are wider than a band.
    rotated: bool,
    /// Longest x label drawn, in characters.
    label_chars: usize,
}

impl Plot {
    fn new(top: f64, ticks: &[f64], tick_labels: &[String], labels: &[&str]) -> Self {
        let widest_tick = tick_labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);
        let mut left = (widest_tick as f64 * CHAR_W + 12.0).clamp(36.0, 140.0);
        let right = WIDTH - 12.0;
        let n = labels.len().max(1);
        let label_chars = labels.iter().map(|l| l.chars().count().min(LABEL_CHARS)).max().unwrap_or(0);
        let band = (right - left) / n as f64;
        let rotated = n > MAX_UPRIGHT_LABELS || label_chars as f64 * CHAR_W > band - 4.0;
        if rotated {
            // The first rotated label reaches down and to the left of its bar.
            left = left.max(label_chars as f64 * CHAR_W * 0.71 - band / 2.0 + 6.0).min(160.0);
        }
        let lo = ticks.first().copied().unwrap_or(0.0);
        let hi = ticks.last().copied().unwrap_or(1.0);
        Self { left, right, top, bottom: top + PLOT_HEIGHT, n, lo, hi, rotated, label_chars }
    }

    fn band(&self) -> f64 {
        (self.right - self.left) / self.n as f64
    }

    fn centre(&self, i: usize) -> f64 {
        self.left + self.band() * (i as f64 + 0.5)
    }

    fn bar_width(&self) -> f64 {
        (self.band() * 0.7).max(1.0)
    }

    /// The y position of a value; halves avoid overflow on ranges near f64::MAX.
    fn y(&self, v: f64) -> f64 {
        let span = self.hi / 2.0 - self.lo / 2.0;
        if span <= 0.0 || !span.is_finite() {
            return self.bottom;
        }
        let t = (v / 2.0 - self.lo / 2.0) / span;
        self.bottom - t * (self.bottom - self.top)
    }

    /// Total height of the chart, including the x labels.
    fn height(&self) -> f64 {
        let labels = if self.rotated { self.label_chars as f64 * CHAR_W * 0.71 + 22.0 } else { 26.0 };
        self.bottom + labels
    }

    /// Grid lines and labels at the ticks; the zero line is darker.
    fn y_axis(&self, c: &mut Canvas, ticks: &[f64], labels: &[String]) {
        let label_style = style(SMALL, "end", MUTED);
        for (&t, label) in ticks.iter().zip(labels) {
            let y = self.y(t);
            let colour = if t == 0.0 { MUTED } else { LINE };
            c.line((self.left, y), (self.right, y), &format!(r#"stroke="{colour}" stroke-width="1""#));
            c.text(self.left - 6.0, y + 4.0, &label_style, label);
        }
    }

    /// Labels under the bars: upright when they fit, else rotated, and thinned when there are very many.
    fn x_labels(&self, c: &mut Canvas, labels: &[&str]) {
        let every = self.n.div_ceil(MAX_SHOWN_LABELS).max(1);
        for (i, label) in labels.iter().enumerate().step_by(every) {
            let short = truncate(label, LABEL_CHARS);
            let x = self.centre(i);
            if self.rotated {
                let y = self.bottom + 12.0;
                let attrs = format!(r#"{} transform="rotate(-45 {} {})""#, style(SMALL, "end", MUTED), n(x), n(y));
                c.text(x, y, &attrs, &short);
            } else {
                c.text(x, self.bottom + 16.0, &style(SMALL, "middle", MUTED), &short);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(v: i64) -> String {
        format!("${}", v / 100)
    }

    fn percent(v: f64) -> String {
        format!("{:.1}%", v * 100.0)
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    /// Every tag opened is closed in order: enough to catch broken markup.
    fn well_formed(svg: &str) -> bool {
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let Some(end) = rest[start..].find('>') else { return false };
            let tag = &rest[start + 1..start + end];
            rest = &rest[start + end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop() != Some(name) {
                    return false;
                }
            } else if !tag.ends_with('/') {
                stack.push(tag.split_whitespace().next().unwrap_or(""));
            }
        }
        stack.is_empty()
    }

    /// The checks every rendered chart must pass.
    fn sane(markup: Markup, title: &str) -> String {
        let svg = markup.into_string();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#) && svg.contains("aria-label=") && svg.contains("viewBox="));
        assert!(svg.contains(r#"width="100%""#));
        assert!(svg.contains(&format!("<title>{}", escape(title))), "title missing: {svg}");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        assert!(well_formed(&svg), "{svg}");
        svg
    }

    fn step(label: &str, amount: i64, kind: StepKind) -> WaterfallStep {
        WaterfallStep { label: label.to_string(), amount, kind }
    }

    fn bridge() -> Vec<WaterfallStep> {
        vec![
            step("Start MRR", 1_000_000, StepKind::Total),
            step("New", 200_000, StepKind::Increase),
            step("Reactivation", 50_000, StepKind::Increase),
            step("Expansion", 100_000, StepKind::Increase),
            step("Contraction", 30_000, StepKind::Decrease),
            step("Churn", 120_000, StepKind::Decrease),
            step("End MRR", 1_200_000, StepKind::Total),
        ]
    }

    /// The (class, height) of every bar rect, in drawing order.
    fn bar_heights(svg: &str) -> Vec<f64> {
        svg.split(r#"<rect class="bar""#)
            .skip(1)
            .map(|r| {
                let h = r.split(r#"height=""#).nth(1).and_then(|s| s.split('"').next()).unwrap();
                h.parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn escape_handles_the_five_xml_specials() {
        assert_eq!(escape(r#"<&>"'"#), "&lt;&amp;&gt;&quot;&#39;");
        assert_eq!(escape("plain é"), "plain é");
    }

    #[test]
    fn truncate_cuts_long_labels_with_an_ellipsis() {
        assert_eq!(truncate("short", 14), "short");
        assert_eq!(truncate("exactly 14 chr", 14), "exactly 14 chr");
        let cut = truncate("a very long customer segment name", 14);
        assert_eq!(cut.chars().count(), 14);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn nice_ticks_use_1_2_5_steps() {
        assert_eq!(nice_ticks(0.0, 97.0, 6), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(0.0, 97.0, 5), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(0.0, 1.0, 6), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(0.0, 0.3, 4), vec![0.0, 0.1, 0.2, 0.3]);
        assert_eq!(nice_ticks(-13.0, 42.0, 5), vec![-20.0, -10.0, 0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(nice_ticks(0.0, 1_200_000.0, 5), vec![0.0, 500_000.0, 1_000_000.0, 1_500_000.0]);
    }

    #[test]
    fn nice_ticks_survive_degenerate_input() {
        assert_eq!(nice_ticks(0.0, 0.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(f64::NAN, f64::INFINITY, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(97.0, 0.0, 6), nice_ticks(0.0, 97.0, 6));
        assert_eq!(nice_ticks(5.0, 5.0, 0), vec![0.0, 5.0]);
        assert_eq!(*nice_ticks(-3.0, -3.0, 4).last().unwrap(), 0.0);
        let huge = nice_ticks(-f64::MAX, f64::MAX, 5);
        assert!(huge.len() >= 2 && huge.iter().all(|t| t.is_finite()));
        for (lo, hi, count) in [(0.013, 0.047, 5), (-1e9, 3.0, 7), (1e-12, 2e-12, 3)] {
            let ticks = nice_ticks(lo, hi, count);
            assert!(ticks[0] <= lo && *ticks.last().unwrap() >= hi, "{ticks:?}");
            assert!(ticks.windows(2).all(|w| w[0] < w[1]), "{ticks:?}");
        }
        assert!(nice_ticks(-0.5, 0.0, 2).iter().all(|t| t.to_string() != "-0"));
    }

    #[test]
    fn waterfall_draws_one_bar_per_step_with_signed_labels() {
        let svg = sane(
            waterfall("MRR bridge", Some("Fiscal year FY2027 runs Feb 2026 – Jan 2027"), &bridge(), &money),
            "MRR bridge",
        );
        assert_eq!(count(&svg, r#"<rect class="bar""#), 7);
        assert!(svg.contains("Fiscal year FY2027 runs Feb 2026 – Jan 2027"));
        assert!(svg.contains(">+$2000<") && svg.contains(">\u{2212}$1200<") && svg.contains(">$12000<"));
        assert_eq!(count(&svg, GOOD), 3);
        assert_eq!(count(&svg, BAD), 2);
        // Six connectors between seven bars.
        assert_eq!(count(&svg, r#"stroke-dasharray="3 2""#), 6);
    }

    #[test]
    fn waterfall_running_level_reaches_the_end_total() {
        let steps = bridge();
        let spans = waterfall_spans(&steps);
        assert_eq!(spans[0], (0, 1_000_000));
        assert_eq!(spans[1], (1_000_000, 1_200_000));
        assert_eq!(spans[5], (1_320_000, 1_200_000));
        assert_eq!(spans[6], (0, 1_200_000));

        // Drawn heights balance too: end = start + increases - decreases.
        let svg = waterfall("Bridge", None, &steps, &money).into_string();
        let h = bar_heights(&svg);
        let drawn = h[0] + h[1] + h[2] + h[3] - h[4] - h[5];
        assert!((h[6] - drawn).abs() < 0.5, "{h:?}");
        assert!((h[6] / h[0] - 1.2).abs() < 0.01, "{h:?}");
    }

    #[test]
    fn waterfall_edge_cases() {
        sane(waterfall("Empty", None, &[], &money), "Empty");
        assert!(waterfall("Empty", None, &[], &money).into_string().contains("No data"));

        let zeros = vec![step("Start", 0, StepKind::Total), step("New", 0, StepKind::Increase)];
        let svg = sane(waterfall("Zeros", None, &zeros, &money), "Zeros");
        assert_eq!(count(&svg, r#"<rect class="bar""#), 2);

        // Churn larger than the start: the level goes below zero and the axis follows.
        let below = vec![step("Start", 100, StepKind::Total), step("Churn", 500, StepKind::Decrease)];
        sane(waterfall("Below", None, &below, &money), "Below");

        let extreme = vec![step("Max", i64::MAX, StepKind::Total), step("More", i64::MAX, StepKind::Increase)];
        sane(waterfall("Extreme", None, &extreme, &money), "Extreme");

        let evil = vec![step(r#"<script>"&'"#, 10, StepKind::Total)];
        let svg = sane(waterfall("A <b> & c", None, &evil, &money), "A <b> & c");
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
        assert!(svg.contains("&lt;script&gt;&quot;&amp;&#39;"));

        let many: Vec<_> = (0..40).map(|i| step(&format!("Step {i}"), 10, StepKind::Increase)).collect();
        let svg = sane(waterfall("Many", None, &many, &money), "Many");
        assert_eq!(count(&svg, r#"<rect class="bar""#), 40);
        assert!(svg.contains("rotate(-45"));
    }

    fn months(values: &[Option<f64>]) -> Vec<(String, Option<f64>)> {
        values.iter().enumerate().map(|(i, v)| (format!("2026-{:02}", i + 1), *v)).collect()
    }

    #[test]
    fn bars_draw_values_placeholders_and_goal() {
        let bars = months(&[Some(0.021), Some(0.034), None, Some(0.018)]);
        let goal = [0.025, 0.025, 0.03, 0.02];
        let svg =
            sane(bars_with_goal("Monthly churn", Some("partial year"), &bars, Some(&goal), &percent), "Monthly churn");
        assert_eq!(count(&svg, r#"<rect class="bar""#), 3);
        assert_eq!(count(&svg, r#"<rect class="nodata""#), 1);
        assert!(svg.contains(">—<") && svg.contains(">goal<") && svg.contains("partial year"));
        assert_eq!(count(&svg, r#"<polyline class="goal""#), 1);
        assert!(svg.contains(">3.4%<"));
        assert!(svg.contains(">2026-03<"));
    }

    #[test]
    fn bars_without_goal_have_no_legend() {
        let svg = sane(bars_with_goal("Plain", None, &months(&[Some(1.0)]), None, &percent), "Plain");
        assert!(!svg.contains(">goal<") && !svg.contains("polyline"));
        assert_eq!(count(&svg, r#"<rect class="bar""#), 1);
    }

    #[test]
    fn bars_edge_cases() {
        let svg = sane(bars_with_goal("Empty", None, &[], None, &percent), "Empty");
        assert!(svg.contains("No data"));

        let svg = sane(bars_with_goal("Zeros", None, &months(&[Some(0.0); 3]), None, &percent), "Zeros");
        assert_eq!(count(&svg, r#"<rect class="bar""#), 3);

        // NaN and infinities are missing data, in bars and in goals alike.
        let bars = months(&[Some(f64::NAN), Some(f64::INFINITY), Some(f64::NEG_INFINITY), None]);
        let goal = [f64::NAN, 0.1, f64::INFINITY, 0.2];
        let svg = sane(bars_with_goal("Broken", None, &bars, Some(&goal), &percent), "Broken");
        assert_eq!(count(&svg, r#"<rect class="bar""#), 0);
        assert_eq!(count(&svg, r#"<rect class="nodata""#), 4);
        assert_eq!(count(&svg, "<circle"), 2);
        // Isolated goal points are dots, not one-point polylines.
        assert_eq!(count(&svg, "<polyline"), 0);

        // Negative values: the axis includes zero and reaches below the lowest bar.
        let svg =
            sane(bars_with_goal("Net churn", None, &months(&[Some(-0.05), Some(0.02)]), None, &percent), "Net churn");
        assert!(svg.contains(">0.0%<") && svg.contains(">-6.0%<"), "{svg}");

        // Goal lists of the wrong length: extra goals are ignored.
        let svg = sane(bars_with_goal("Short", None, &months(&[Some(1.0)]), Some(&[1.0, 2.0, 3.0]), &percent), "Short");
        assert_eq!(count(&svg, "<circle"), 1);

        let long = vec![("A customer segment with a very long name <x>".to_string(), Some(3.0))];
        let svg = sane(bars_with_goal("Long", None, &long, None, &percent), "Long");
        assert!(svg.contains(">A customer se…<") && svg.contains("&lt;x&gt;"));
        assert!(!svg.contains("<x>"));
    }

    #[test]
    fn many_bars_rotate_and_thin_their_labels() {
        let values: Vec<Option<f64>> = (0..13).map(|i| Some(i as f64)).collect();
        let svg = sane(bars_with_goal("Thirteen", None, &months(&values), None, &percent), "Thirteen");
        assert!(svg.contains("rotate(-45"));
        assert_eq!(count(&svg, "rotate(-45"), 13);

        let values: Vec<Option<f64>> = (0..60).map(|i| Some(i as f64)).collect();
        let goal: Vec<f64> = (0..60).map(|i| i as f64 / 2.0).collect();
        let svg = sane(bars_with_goal("Five years", None, &months(&values), Some(&goal), &percent), "Five years");
        assert_eq!(count(&svg, r#"<rect class="bar""#), 60);
        assert_eq!(count(&svg, "rotate(-45"), 20);

        let few = months(&[Some(1.0), Some(2.0)]);
        assert!(!bars_with_goal("Few", None, &few, None, &percent).into_string().contains("rotate("));
    }

    #[test]
    fn gauge_marks_the_value_in_its_zone() {
        let svg = sane(band_gauge("Churn rate", Some(0.021), 0.02, 0.03, &percent), "Churn rate");
        assert_eq!(count(&svg, r#"<rect class="zone""#), 3);
        assert!(svg.contains(">normal<") && svg.contains(">acceptable<") && svg.contains(">high<"));
        assert!(svg.contains(">2.1%<") && svg.contains(r#"class="marker""#));
        assert!(svg.contains(AMBER));
        assert!(svg.contains(r#"aria-label="Churn rate: 2.1% (acceptable)""#));
    }

    #[test]
    fn gauge_edge_cases() {
        let svg = sane(band_gauge("None", None, 0.02, 0.03, &percent), "None");
        assert!(svg.contains("No data") && !svg.contains("marker"));
        assert_eq!(count(&svg, r#"<rect class="zone""#), 3);

        let svg = sane(band_gauge("Broken", Some(f64::NAN), f64::NAN, f64::INFINITY, &percent), "Broken");
        assert!(svg.contains("No data"));

        let svg = sane(band_gauge("Zeros", Some(0.0), 0.0, 0.0, &percent), "Zeros");
        assert!(svg.contains("marker"));

        // Far above the bands: the scale stretches to the value.
        let svg = sane(band_gauge("High", Some(0.5), 0.02, 0.03, &percent), "High");
        assert!(svg.contains("(high)"));
        let svg = sane(band_gauge("Negative", Some(-0.1), 0.02, 0.03, &percent), "Negative");
        assert!(svg.contains("(normal)"));
        sane(band_gauge("Misordered", Some(0.02), 0.05, 0.01, &percent), "Misordered");
        sane(band_gauge("Huge", Some(f64::MAX), 0.02, 0.03, &|v| format!("{v:e}")), "Huge");
        sane(band_gauge("<Esc> & 'q'", Some(0.01), 0.02, 0.03, &percent), "<Esc> & 'q'");
    }

    #[test]
    fn heatmap_shades_cells_and_leaves_gaps_blank() {
        let rows = vec!["2026-01".to_string(), "2026-02".to_string(), "2026-03 <new>".to_string()];
        let columns = vec!["M0".to_string(), "M1".to_string(), "M2".to_string()];
        let cells = vec![
            vec![Some(1.0), Some(0.92), Some(1.35)],
            vec![Some(1.0), Some(0.0)],
            vec![Some(1.0), None, Some(f64::NAN)],
        ];
        let svg =
            sane(heatmap("Net retention", Some("partial year"), &rows, &columns, &cells, &percent), "Net retention");
        assert_eq!(count(&svg, r#"<rect class="cell""#), 6);
        assert_eq!(count(&svg, r#"<rect class="swatch""#), 5);
        assert!(svg.contains(">135.0%<") && svg.contains(">0.0%<") && svg.contains(">M2<"));
        assert!(svg.contains("2026-03 &lt;new&gt;"));
        // Capped: 135% has the same colour as 100%.
        assert_eq!(count(&svg, r##"fill="#1f6feb" stroke"##), 5);
        assert!(svg.contains(r##"fill="#ffffff""##));
    }

    #[test]
    fn heatmap_edge_cases() {
        let columns = vec!["M0".to_string()];
        let rows = vec!["2026-01".to_string()];
        assert!(sane(heatmap("No rows", None, &[], &columns, &[], &percent), "No rows").contains("No data"));
        assert!(sane(heatmap("No cols", None, &rows, &[], &[], &percent), "No cols").contains("No data"));
        // Rows without cells draw their labels and nothing else.
        let svg = sane(heatmap("No cells", None, &rows, &columns, &[], &percent), "No cells");
        assert_eq!(count(&svg, r#"<rect class="cell""#), 0);

        let columns: Vec<String> = (0..36).map(|m| format!("M{m}")).collect();
        let rows: Vec<String> = (0..36).map(|m| format!("Cohort {m} with a long name")).collect();
        let cells: Vec<Vec<Option<f64>>> =
            (0..36).map(|r| (0..36 - r).map(|c| Some(1.0 - c as f64 / 50.0)).collect()).collect();
        let svg = sane(heatmap("Wide", None, &rows, &columns, &cells, &percent), "Wide");
        assert_eq!(count(&svg, r#"<rect class="cell""#), 36 * 37 / 2);
        assert!(svg.contains(">Cohort 0 with…<"));
        assert!(!svg.contains(r#"viewBox="0 0 640 "#));
    }

    #[test]
    fn shade_runs_from_white_to_accent() {
        assert_eq!(shade(0.0), "#ffffff");
        assert_eq!(shade(1.0), ACCENT);
        assert_eq!(shade(7.0), ACCENT);
        assert_eq!(shade(-1.0), "#ffffff");
        assert_eq!(shade(f64::NAN), "#ffffff");
    }

    #[test]
    fn coordinates_are_short_and_finite() {
        assert_eq!(n(12.34), "12.3");
        assert_eq!(n(12.0), "12");
        assert_eq!(n(-0.01), "0");
        assert_eq!(n(f64::NAN), "0");
        assert_eq!(n(1e300), "1000000");
    }
}
