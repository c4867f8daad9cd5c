//! Server-drawn SVG charts for the pages.
//!
//! Every chart is a pure function from numbers to markup: no JavaScript, no
//! external assets, no element ids (several charts can share a page without
//! clashing). The SVG uses a `viewBox` and `width="100%"`, so it scales to a
//! phone's width; all sizes are in viewBox units, chosen to stay legible from a
//! phone's width (about 340 px for a chart in a card) to the chart's widest
//! ([`MAX_SCALE`]). Text that comes from data is XML-escaped; long titles wrap
//! and are shortened, long labels are cut, and the full text stays in a hover
//! `<title>`. NaN or infinite values are treated as missing.
//!
//! Figures are written the pages' one way ([`Unit`]): axes and labels in short
//! form (`$1.2M`, `12.3k`, `25%`), every bar and point with its exact figure in
//! its hover `<title>`.

use maud::{Markup, PreEscaped};
use pacer_core::kpi::KpiValue;
use pacer_core::money::Currency;
use pacer_i18n::Locale;
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
/// Colours of several series, in order: hues apart in lightness too (after Okabe and Ito), so
/// they stay apart for the common colour-vision deficiencies.
const SERIES: [&str; 6] = [ACCENT, "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9"];
/// The colour of "the rest": grey, so it reads as background to the named series.
const REST: &str = "#a3aab8";

/// Width of the viewBox of every chart except wide heat maps: narrow, so text
/// stays legible when a phone shrinks the chart to its width.
const WIDTH: f64 = 400.0;
/// Height of the plotting area of bar and line charts.
const PLOT_HEIGHT: f64 = 180.0;
/// Font size of axis labels, value labels and legends.
const SMALL: f64 = 13.0;
/// Font size of titles.
const TITLE: f64 = 16.0;
/// How far a chart may grow beyond its viewBox on wide screens, so its text
/// stays near the page's body size instead of growing to a headline.
const MAX_SCALE: f64 = 1.35;
/// Labels longer than this are cut and end with "…".
const LABEL_CHARS: usize = 14;
/// Legend entries longer than this are cut and end with "…".
const LEGEND_CHARS: usize = 22;
/// More bars than this and only every k-th rotated x label is drawn.
const MAX_SHOWN_LABELS: usize = 24;
/// How much wider bold text is than regular.
const BOLD: f64 = 1.08;
/// A white outline under value labels, so they stay legible over lines and bars.
const HALO: &str = r##"stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke""##;

/// What a chart's figures are, so that they are written the pages' one way: exactly in hover
/// titles ([`Locale::value`]: `$1,234.50`, `12,345`, `25.0%`), in short form on axes and labels
/// ([`Locale::compact_value`]: `$1.2k`, `12.3k`, `25%`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    kind: Kind,
    /// The reporting currency, for money.
    currency: Currency,
    /// The reader's language, whose formats the figures follow.
    locale: Locale,
}

/// The kinds of figures charts draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Money, in minor units of the currency.
    Money,
    /// A number of things.
    Count,
    /// A sum or average of a field.
    Number,
    /// A rate: 0.25 is 25%.
    Percent,
    /// A seasonal index, 1.0 an average month: two decimals.
    Index,
}

impl Unit {
    /// Figures of `kind`, money in `currency`.
    pub fn new(kind: Kind, currency: Currency) -> Self {
        Self { kind, currency, locale: Locale::ENGLISH }
    }

    /// The same figures written for a reader of `locale`.
    pub fn in_locale(self, locale: Locale) -> Self {
        Self { locale, ..self }
    }

    /// The figures of a KPI of report unit `unit` (`currency`, `percent`, `count`, `duration`).
    pub fn of_kpi(unit: &str, currency: Currency) -> Self {
        let kind = match unit {
            "currency" => Kind::Money,
            "percent" => Kind::Percent,
            "count" => Kind::Count,
            _ => Kind::Number,
        };
        Self::new(kind, currency)
    }

    /// The figure `x` as a KPI value; `as` saturates, so absurd values never panic.
    fn value(self, x: f64) -> KpiValue {
        match self.kind {
            Kind::Money => KpiValue::Money(x.round() as i64),
            Kind::Count => KpiValue::Count(x.round() as i64),
            Kind::Number | Kind::Index => KpiValue::Number(x),
            Kind::Percent => KpiValue::Rate(x),
        }
    }

    /// The exact figure, for hover titles: money with its currency.
    fn exact(self, x: f64) -> String {
        match self.kind {
            Kind::Index => self.locale.decimal(x, 2),
            _ => self.locale.value(&self.value(x), self.currency),
        }
    }

    /// The figure in short form, for axes and labels.
    fn short(self, x: f64) -> String {
        match self.kind {
            Kind::Index => self.locale.decimal(x, 2),
            _ => self.locale.compact_value(&self.value(x), self.currency),
        }
    }

    /// Ticks for an axis covering `lo..=hi` at round figures as people read them: money in
    /// whole units of the currency (not cents), counts in whole numbers.
    fn ticks(self, lo: f64, hi: f64) -> Vec<f64> {
        let per = match self.kind {
            Kind::Money => self.currency.minor_per_major() as f64,
            _ => 1.0,
        };
        let ticks = nice_ticks(lo / per, hi / per, 5);
        let step = ticks.get(1).zip(ticks.first()).map_or(1.0, |(b, a)| b - a);
        if self.kind == Kind::Count && step < 1.0 {
            // Fewer than five things: a tick per thing, never 0.2 of one.
            let (first, last) = (ticks[0].floor(), ticks[ticks.len() - 1].ceil().max(ticks[0].floor() + 1.0));
            return (0..=(last - first) as usize).map(|k| first + k as f64).collect();
        }
        ticks.into_iter().map(|t| t * per).collect()
    }
}

/// A category on the x axis: the short text drawn under it and the full text of its tooltips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Drawn under the column.
    pub short: String,
    /// In the column's hover titles.
    pub full: String,
    /// A period of a time axis: when the labels do not fit their columns, every other one (or
    /// fewer) is drawn, upright; other labels are all drawn, rotated.
    pub period: bool,
}

impl Label {
    /// A label drawn as it is.
    pub fn new(text: impl Into<String>) -> Self {
        let full = text.into();
        Self { short: full.clone(), full, period: false }
    }

    /// A fiscal period's label ("Feb 2026 (M01)", "Q1 FY2027", "W07 FY2027") drawn as its first
    /// word ("Feb", "Q1", "W07"), which the chart's title places in its year; whole in tooltips.
    pub fn period(label: &str) -> Self {
        let short = label.split_whitespace().next().unwrap_or(label).to_string();
        Self { short, full: label.to_string(), period: true }
    }
}

/// One series of figures, one per column (`None`: no figure).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its name in the legend and tooltips.
    pub name: String,
    /// One per column.
    pub values: Vec<Option<f64>>,
    /// The rest of the rows summed ("Others"): drawn in grey.
    pub rest: bool,
}

impl Series {
    /// A named series.
    pub fn new(name: impl Into<String>, values: Vec<Option<f64>>) -> Self {
        Self { name: name.into(), values, rest: false }
    }

    /// The figure of column `j` that can be drawn: missing, NaN and infinite are none.
    fn at(&self, j: usize) -> Option<f64> {
        finite(self.values.get(j).copied().flatten())
    }
}

/// A goal per column, drawn as a dashed step across each column (a target, a threshold): its
/// value per column as given, so a phased target steps with its phasing.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// Its name in the legend and tooltips, e.g. "Target (FY2027 plan)".
    pub name: String,
    /// One per column; `None` leaves a gap.
    pub values: Vec<Option<f64>>,
}

/// How series are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Bars, stacked when there are several series (for figures that add up).
    Bars,
    /// A line per series (for figures that do not add up, such as rates).
    Lines,
}

/// A bar or line chart: figures per column, several series, a goal.
pub struct Chart<'a> {
    /// Shown on top, wrapped and shortened when long (whole in its tooltip).
    pub title: &'a str,
    /// A muted line under the title.
    pub note: Option<&'a str>,
    /// How the figures are written.
    pub unit: Unit,
    /// The columns, in order.
    pub columns: &'a [Label],
    /// The series; several get a legend.
    pub series: &'a [Series],
    /// Bars (stacked) or lines.
    pub mark: Mark,
    /// A goal to draw over the series.
    pub goal: Option<&'a Goal>,
}

/// Draws a chart: series as bars (stacked when several) or lines, a stepped goal, a legend
/// when there are several series or a goal, the y axis at round figures in short form, each
/// column's total over its bars while the totals do not overlap, and every bar and point with its
/// exact figure in a hover title. A column without any figure draws a faint dashed placeholder
/// (a mark inside it would read as a figure); a chart whose figures are all missing or zero has a 0..1 axis and says so. No columns
/// draws "No data".
pub fn chart(spec: &Chart<'_>) -> Markup {
    let Chart { title, note, unit, columns, series, mark, goal } = *spec;
    if columns.is_empty() || (series.is_empty() && goal.is_none()) {
        return no_data(title, note, unit.locale);
    }
    let goals: Vec<Option<f64>> =
        (0..columns.len()).map(|j| goal.and_then(|g| finite(g.values.get(j).copied().flatten()))).collect();
    let (lo, hi) = extent(series, mark, &goals);
    let ticks = unit.ticks(lo, hi);
    let tick_labels: Vec<String> = ticks.iter().map(|&t| unit.short(t)).collect();
    let shorts: Vec<&str> = columns.iter().map(|c| c.short.as_str()).collect();

    let mut c = Canvas::default();
    let mut top = header(&mut c, title, note);
    let colours: Vec<&str> = series.iter().enumerate().map(|(i, s)| colour(series.len(), i, s.rest)).collect();
    let mut entries: Vec<(&str, Swatch)> = Vec::new();
    if series.len() > 1 {
        entries.extend(series.iter().zip(&colours).map(|(s, c)| (s.name.as_str(), Swatch::Fill(c))));
    }
    if let Some(g) = goal.filter(|_| goals.iter().any(Option::is_some)) {
        entries.push((g.name.as_str(), Swatch::Dash));
    }
    top = legend(&mut c, top, &entries);
    let periods = columns.iter().all(|c| c.period);
    let plot = Plot::new(top + 14.0, &ticks, &tick_labels, &shorts, periods);
    plot.y_axis(&mut c, &ticks, &tick_labels);

    // Value labels go on a top layer, above bars and the goal.
    let mut labels = Canvas::default();
    match mark {
        Mark::Bars => draw_stacks(&mut c, &mut labels, &plot, spec, &colours),
        Mark::Lines => draw_lines(&mut c, &plot, spec, &colours),
    }
    if let Some(g) = goal {
        draw_goal(&mut c, &plot, columns, &g.name, &goals, unit);
    }
    let known: Vec<f64> = series.iter().flat_map(|s| (0..columns.len()).filter_map(|j| s.at(j))).collect();
    if known.iter().all(|v| *v == 0.0) {
        let why = unit.locale.t(if known.is_empty() { "chart-no-data-in-span" } else { "chart-all-zero-in-span" });
        labels.text((plot.left + plot.right) / 2.0, plot.top + PLOT_HEIGHT / 3.0, &style(SMALL, "middle", MUTED), &why);
    }
    c.body.push_str(&labels.body);
    let wholes: Vec<&str> = columns.iter().map(|c| c.full.as_str()).collect();
    plot.x_labels(&mut c, &shorts, &wholes);
    c.finish(WIDTH, plot.height(), title, title, note)
}

/// The colour of series `i` of `count`: the accent alone, the palette for several, grey for the rest.
fn colour(count: usize, i: usize, rest: bool) -> &'static str {
    match (rest, count) {
        (true, _) => REST,
        (false, 1) => ACCENT,
        (false, _) => SERIES[i % SERIES.len()],
    }
}

/// The lowest and highest figure drawn, stacks summed, goals included; always zero between
/// them, so that bars are honest and negative ones hang below it.
fn extent(series: &[Series], mark: Mark, goals: &[Option<f64>]) -> (f64, f64) {
    let widen = |(lo, hi): (f64, f64), v: f64| (lo.min(v), hi.max(v));
    let columns = (0..goals.len()).map(|j| match mark {
        // Negatives stack down, positives up.
        Mark::Bars => series
            .iter()
            .filter_map(|s| s.at(j))
            .fold((0.0, 0.0), |(down, up), v| if v < 0.0 { (down + v, up) } else { (down, up + v) }),
        Mark::Lines => series.iter().filter_map(|s| s.at(j)).fold((0.0, 0.0), widen),
    });
    let figures = columns.fold((0.0, 0.0), |range, (down, up)| widen(widen(range, down), up));
    goals.iter().flatten().fold(figures, |range, g| widen(range, *g))
}

/// Bars per column, the series stacked in order from zero (negatives downwards), each with its
/// exact figure on hover; each column's total over it ([`value_labels`]).
fn draw_stacks(c: &mut Canvas, labels: &mut Canvas, plot: &Plot, spec: &Chart<'_>, colours: &[&str]) {
    let Chart { unit, columns, series, .. } = *spec;
    let width = plot.bar_width();
    let mut totals: Vec<(f64, f64, String)> = Vec::new();
    for (j, column) in columns.iter().enumerate() {
        let x = plot.centre(j) - width / 2.0;
        let figures: Vec<Option<f64>> = series.iter().map(|s| s.at(j)).collect();
        if figures.iter().all(Option::is_none) {
            let area = Area::between(x, width, plot.top, plot.bottom);
            let paint = format!(r#"fill="none" stroke="{LINE}" stroke-dasharray="4 3""#);
            let tip = pacer_i18n::tr!(unit.locale, "chart-column-no-data", column = column.full.as_str());
            c.rect("nodata", &area, &paint, Some(&tip));
            continue;
        }
        let (mut down, mut up) = (0.0, 0.0);
        for ((s, figure), colour) in series.iter().zip(&figures).zip(colours) {
            let Some(v) = *figure else { continue };
            let base = if v < 0.0 { &mut down } else { &mut up };
            let area = Area::between(x, width, plot.y(*base), plot.y(*base + v));
            *base += v;
            let tip = match series.len() {
                1 => tip(unit.locale, &column.full, &unit.exact(v)),
                _ => tip(unit.locale, &format!("{} · {}", s.name, column.full), &unit.exact(v)),
            };
            c.rect("bar", &area, &format!(r#"fill="{colour}""#), Some(&tip));
        }
        let total = down + up;
        let y = if total < 0.0 { plot.y(down) + 13.0 } else { plot.y(up) - 4.0 };
        totals.push((plot.centre(j), y, unit.short(total)));
    }
    value_labels(labels, &totals);
}

/// Value labels at (x, y), centred on x with their baseline at y: all of them, smaller if need
/// be, when no two come closer than a gap and all lie within the chart, else none (some labels
/// and not others would read as missing figures; the tooltips have them all).
fn value_labels(canvas: &mut Canvas, labels: &[(f64, f64, String)]) {
    const GAP: f64 = 6.0;
    let fits = |size: f64| {
        let boxes: Vec<(f64, f64, f64)> = labels
            .iter()
            .map(|(x, y, text)| {
                let half = text_width(text, size) / 2.0;
                (x - half, x + half, *y)
            })
            .collect();
        let inside = boxes.iter().all(|(left, right, y)| *left >= 0.0 && *right <= WIDTH && *y >= size);
        let apart = boxes.iter().enumerate().all(|(i, a)| {
            boxes[i + 1..].iter().all(|b| a.1 + GAP <= b.0 || b.1 + GAP <= a.0 || (a.2 - b.2).abs() >= size)
        });
        inside && apart
    };
    if let Some(size) = [SMALL - 1.0, SMALL - 2.5].into_iter().find(|size| fits(*size)) {
        let paint = format!("{} {HALO}", style(size, "middle", INK));
        for (x, y, text) in labels {
            canvas.text(*x, *y, &paint, text);
        }
    }
}

/// A line per series through the column centres, broken where a figure is missing, with a dot
/// per figure that carries it on hover.
fn draw_lines(c: &mut Canvas, plot: &Plot, spec: &Chart<'_>, colours: &[&str]) {
    let Chart { unit, columns, series, .. } = *spec;
    for (s, colour) in series.iter().zip(colours) {
        let points: Vec<Option<(f64, f64)>> =
            (0..columns.len()).map(|j| s.at(j).map(|v| (plot.centre(j), plot.y(v)))).collect();
        for run in points.split(Option::is_none).filter(|run| run.len() > 1) {
            let path: Vec<String> = run.iter().flatten().map(|(x, y)| format!("{},{}", n(*x), n(*y))).collect();
            let _ = write!(
                c.body,
                r#"<polyline class="series" points="{}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>"#,
                path.join(" ")
            );
        }
        for ((j, point), column) in points.iter().enumerate().zip(columns) {
            let (Some((x, y)), Some(v)) = (point, s.at(j)) else { continue };
            let tip = tip(unit.locale, &format!("{} · {}", s.name, column.full), &unit.exact(v));
            let _ = write!(
                c.body,
                r#"<circle class="point" cx="{}" cy="{}" r="3" fill="{colour}"><title>{}</title></circle>"#,
                n(*x),
                n(*y),
                escape(&tip)
            );
        }
    }
}

/// The goal as a dashed step across each column, risers joining neighbours, a dot at each
/// column's centre with the exact goal on hover; a column without a goal breaks the line.
fn draw_goal(c: &mut Canvas, plot: &Plot, columns: &[Label], name: &str, goals: &[Option<f64>], unit: Unit) {
    let stroke = format!(r#"fill="none" stroke="{INK}" stroke-width="2" stroke-dasharray="6 3""#);
    let indexed: Vec<(usize, Option<f64>)> = goals.iter().copied().enumerate().collect();
    for run in indexed.split(|(_, g)| g.is_none()).filter(|run| !run.is_empty()) {
        let mut d = String::new();
        for (k, &(j, g)) in run.iter().enumerate() {
            let (left, right, y) =
                (plot.centre(j) - plot.band() / 2.0, plot.centre(j) + plot.band() / 2.0, plot.y(g.unwrap_or(0.0)));
            if k == 0 {
                let _ = write!(d, "M{} {}", n(left), n(y));
            } else {
                let _ = write!(d, "V{}", n(y));
            }
            let _ = write!(d, "H{}", n(right));
        }
        let _ = write!(c.body, r#"<path class="goal" d="{d}" {stroke}/>"#);
    }
    for (j, g) in goals.iter().enumerate() {
        let Some(g) = g else { continue };
        let tip = tip(unit.locale, &columns[j].full, &format!("{name} {}", unit.exact(*g)));
        let _ = write!(
            c.body,
            r#"<circle class="goal-point" cx="{}" cy="{}" r="2.5" fill="{INK}"><title>{}</title></circle>"#,
            n(plot.centre(j)),
            n(plot.y(*g)),
            escape(&tip)
        );
    }
}

/// What a legend entry shows beside its name.
enum Swatch<'a> {
    /// A filled square of the series' colour.
    Fill(&'a str),
    /// A dashed line, as the goal is drawn.
    Dash,
}

/// The legend under the header: entries side by side, wrapping onto new lines; long names cut
/// with the whole in their tooltip. Returns the y below it.
fn legend(c: &mut Canvas, top: f64, entries: &[(&str, Swatch<'_>)]) -> f64 {
    if entries.is_empty() {
        return top;
    }
    let (mut x, mut y) = (0.0, top + 16.0);
    for (name, swatch) in entries {
        let short = truncate(name, LEGEND_CHARS);
        let w = 18.0 + text_width(&short, SMALL);
        if x > 0.0 && x + w > WIDTH {
            (x, y) = (0.0, y + 20.0);
        }
        match swatch {
            Swatch::Fill(colour) => {
                c.rect("swatch", &Area { x, y: y - 10.0, w: 12.0, h: 12.0 }, &format!(r#"fill="{colour}""#), None)
            }
            Swatch::Dash => c.line(
                (x, y - 4.0),
                (x + 14.0, y - 4.0),
                &format!(r#"stroke="{INK}" stroke-width="2" stroke-dasharray="4 2""#),
            ),
        }
        c.text_with_tip(x + 17.0, y, &style(SMALL, "start", INK), &short, name);
        x += w + 14.0;
    }
    y + 4.0
}

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
/// Amounts are minor units of `unit`'s currency, labelled in short form ([`value_labels`]),
/// exactly on hover; no steps draws "No data".
pub fn waterfall(title: &str, note: Option<&str>, steps: &[WaterfallStep], unit: Unit) -> Markup {
    if steps.is_empty() {
        return no_data(title, note, unit.locale);
    }
    let spans = waterfall_spans(steps);
    // The axis always includes zero, so totals are honest bars.
    let ends = spans.iter().flat_map(|&(a, b)| [a, b]);
    let lo = ends.clone().min().unwrap_or(0).min(0);
    let hi = ends.max().unwrap_or(0).max(0);
    let ticks = unit.ticks(lo as f64, hi as f64);
    let tick_labels: Vec<String> = ticks.iter().map(|&t| unit.short(t)).collect();
    let labels: Vec<&str> = steps.iter().map(|s| s.label.as_str()).collect();

    let mut c = Canvas::default();
    let top = header(&mut c, title, note) + 22.0;
    let plot = Plot::new(top, &ticks, &tick_labels, &labels, false);
    plot.y_axis(&mut c, &ticks, &tick_labels);

    let width = plot.bar_width();
    let mut values = Vec::new();
    for (i, (step, &(from, to))) in steps.iter().zip(&spans).enumerate() {
        let amount = step.amount as f64;
        let (colour, sign) = match step.kind {
            StepKind::Total => (ACCENT, ""),
            StepKind::Increase => (GOOD, "+"),
            StepKind::Decrease => (BAD, "\u{2212}"),
        };
        let x = plot.centre(i) - width / 2.0;
        let area = Area::between(x, width, plot.y(from as f64), plot.y(to as f64));
        c.rect(
            "bar",
            &area,
            &format!(r#"fill="{colour}""#),
            Some(&tip(unit.locale, &step.label, &format!("{sign}{}", unit.exact(amount)))),
        );
        // Above the bar, unless the bar hangs entirely below zero.
        let label_y = if from.max(to) < 0 { area.y + area.h + 13.0 } else { area.y - 4.0 };
        values.push((plot.centre(i), label_y, format!("{sign}{}", unit.short(amount))));
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
    // Value labels go on a top layer, above every bar and connector.
    value_labels(&mut c, &values);
    plot.x_labels(&mut c, &labels, &labels);
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

/// A horizontal gauge from 0 to max(acceptable × 1.5, value × 1.1) with three
/// zones, "normal" (green) up to `normal_up_to`, "acceptable" (amber) up to
/// `acceptable_up_to` and "high" (red) beyond, and a marker at the value with
/// its label in short form. No value (or NaN) draws the zones and "No data".
pub fn band_gauge(title: &str, value: Option<f64>, normal_up_to: f64, acceptable_up_to: f64, unit: Unit) -> Markup {
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
    let words = |id: &str| unit.locale.t(id);
    let (normal_word, acceptable_word, high_word) =
        (words("chart-zone-normal"), words("chart-zone-acceptable"), words("chart-zone-high"));
    let zones = [
        (normal_word.as_str(), 0.0, normal, GOOD),
        (acceptable_word.as_str(), normal, acceptable, AMBER),
        (high_word.as_str(), acceptable, max, BAD),
    ];
    for (name, from, to, colour) in zones {
        let area = Area::between(x_of(from), x_of(to) - x_of(from), bar_top, bar_top + bar_h);
        let tip = tip(unit.locale, name, &format!("{} – {}", unit.short(from), unit.short(to)));
        c.rect("zone", &area, &format!(r#"fill="{colour}""#), Some(&tip));
        // A name wider than its zone would spill onto its neighbour's.
        if area.w >= text_width(name, SMALL) {
            c.text(area.x + area.w / 2.0, bar_top + bar_h + 16.0, &style(SMALL, "middle", MUTED), name);
        }
    }
    // Equal thresholds get one label, not two on top of each other.
    let thresholds = if acceptable > normal { vec![normal, acceptable] } else { vec![normal] };
    for threshold in thresholds {
        let x = x_of(threshold);
        c.line((x, bar_top + bar_h), (x, bar_top + bar_h + 4.0), &format!(r#"stroke="{MUTED}" stroke-width="1""#));
        c.text(x, bar_top + bar_h + 32.0, &style(SMALL, "middle", MUTED), &unit.short(threshold));
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
            let text = unit.short(v);
            let label_x = x.clamp(left, right);
            c.text(label_x, bar_top - 16.0, &format!(r#"{} font-weight="600""#, style(14.0, anchor, INK)), &text);
            let zone = if v <= normal {
                &normal_word
            } else if v <= acceptable {
                &acceptable_word
            } else {
                &high_word
            };
            tip(unit.locale, title, &format!("{text} ({zone})"))
        }
        None => {
            c.text(WIDTH / 2.0, bar_top - 12.0, &style(13.0, "middle", MUTED), &words("chart-no-data"));
            pacer_i18n::tr!(unit.locale, "chart-title-no-data", title = title)
        }
    };
    c.finish(WIDTH, bar_top + bar_h + 44.0, title, &aria, None)
}

/// A cohort retention heat map: one row per cohort, one column per age
/// ("M0".."Mn"). Cells shade from white at 0 to the accent blue at 1.0 (higher
/// values are capped) and show their value in short form (exactly on hover); missing cells (None, NaN,
/// short rows) stay blank. Many columns widen the viewBox instead of cramming
/// the cells. No rows or no columns draws "No data".
pub fn heatmap(
    title: &str,
    note: Option<&str>,
    rows: &[String],
    columns: &[String],
    cells: &[Vec<Option<f64>>],
    unit: Unit,
) -> Markup {
    if rows.is_empty() || columns.is_empty() {
        return no_data(title, note, unit.locale);
    }
    let row_labels: Vec<String> = rows.iter().map(|r| truncate(r, LABEL_CHARS)).collect();
    let widest = row_labels.iter().map(|l| text_width(l, SMALL)).fold(0.0, f64::max);
    let left = (widest + 12.0).clamp(40.0, 130.0);
    let cell_w = ((WIDTH - left - 8.0) / columns.len() as f64).max(44.0);
    let cell_h = 24.0;
    let width = left + cell_w * columns.len() as f64 + 8.0;
    // Column labels must fit their cell.
    let column_chars = (((cell_w - 4.0) / text_width("0", SMALL)) as usize).clamp(3, LABEL_CHARS);

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
            let text = unit.short(v);
            let paint = format!(r#"fill="{}" {cell_border}"#, shade(t));
            let tip = tip(unit.locale, &format!("{row} · {column}"), &unit.exact(v));
            c.rect("cell", &Area { x, y, w: cell_w, h: cell_h }, &paint, Some(&tip));
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
        let label = if k == 4 { format!("≥ {}", unit.short(t)) } else { unit.short(t) };
        c.text(x + 22.0, legend_y + 10.0, &style(SMALL, "start", MUTED), &label);
        x += 30.0 + text_width(&label, SMALL);
    }
    // Shrunk to a phone's width, a wide map's figures would be too small to read.
    c.min_width = Some(width * 0.85);
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
    /// The narrowest the chart may be drawn, for charts too dense to shrink to a phone's width:
    /// they scroll inside their box instead.
    min_width: Option<f64>,
}

impl Canvas {
    /// Text at (x, y) with `attrs` from [`style`]; the content is escaped here.
    fn text(&mut self, x: f64, y: f64, attrs: &str, content: &str) {
        let _ = write!(self.body, r#"<text x="{}" y="{}" {attrs}>{}</text>"#, n(x), n(y), escape(content));
    }

    /// Text cut to fit, with the whole in its hover title when it was cut.
    fn text_with_tip(&mut self, x: f64, y: f64, attrs: &str, shown: &str, whole: &str) {
        if shown == whole {
            return self.text(x, y, attrs, shown);
        }
        let _ = write!(
            self.body,
            r#"<text x="{}" y="{}" {attrs}><title>{}</title>{}</text>"#,
            n(x),
            n(y),
            escape(whole),
            escape(shown)
        );
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
        let min_w = self.min_width.map(|m| format!(";min-width:{}px", n(m))).unwrap_or_default();
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{aria}" font-family="{FONT}" style="display:block;height:auto;max-width:{max_w}px{min_w}"><title>{title}</title>"#
        );
        if let Some(note) = note {
            let _ = write!(svg, "<desc>{}</desc>", escape(note));
        }
        svg.push_str(&self.body);
        svg.push_str("</svg>");
        PreEscaped(svg)
    }
}

/// Draws the visible title and the note under it, each wrapped onto at most two lines and
/// shortened beyond (the whole in its tooltip, and the title in the chart's); returns the y
/// below them.
fn header(c: &mut Canvas, title: &str, note: Option<&str>) -> f64 {
    let title_style = format!(r#"{} font-weight="600""#, style(TITLE, "start", INK));
    let mut y = 0.0;
    for line in wrap(title, TITLE * BOLD, 2) {
        y += TITLE + 4.0;
        c.text_with_tip(0.0, y - 4.0, &title_style, &line, title);
    }
    if let Some(note) = note {
        y += 2.0;
        for line in wrap(note, SMALL, 2) {
            y += SMALL + 3.0;
            c.text_with_tip(0.0, y - 3.0, &style(SMALL, "start", MUTED), &line, note);
        }
    }
    y + 4.0
}

/// `text` in lines that fit the chart's width at font size `size`, broken between words, at
/// most `lines` of them: the last ends with "…" when text is left over, and a word too wide
/// for a line is cut the same way.
fn wrap(text: &str, size: f64, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let longer = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if current.is_empty() || text_width(&longer, size) <= WIDTH {
            current = longer;
        } else {
            out.push(std::mem::replace(&mut current, word.to_string()));
        }
    }
    out.push(current);
    let left_over = out.len() > lines;
    out.truncate(lines.max(1));
    let last = out.len() - 1;
    for (i, line) in out.iter_mut().enumerate() {
        let cut = (i == last && left_over) || text_width(line, size) > WIDTH;
        if cut {
            // Characters come off until the line and its ellipsis fit.
            let mut kept: Vec<char> = line.chars().collect();
            while !kept.is_empty() && text_width(&format!("{}…", String::from_iter(&kept).trim_end()), size) > WIDTH {
                kept.pop();
            }
            *line = format!("{}…", String::from_iter(&kept).trim_end());
        }
    }
    out
}

/// Roughly how wide `text` is at font size `size`, from the advance of each kind of character
/// in a wide sans-serif (DejaVu Sans, the usual fallback): margins and fits are sized on it,
/// so that narrower fonts only leave more room.
fn text_width(text: &str, size: f64) -> f64 {
    let em: f64 = text
        .chars()
        .map(|ch| match ch {
            'i' | 'j' | 'l' | 'I' | 'J' => 0.3,
            ' ' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | '(' | ')' => 0.33,
            'f' | 't' | 'r' => 0.41,
            'm' | 'W' | '%' | '—' | '…' => 0.97,
            'M' | 'w' => 0.86,
            'A'..='Z' => 0.7,
            '0'..='9' => 0.64,
            _ => 0.61,
        })
        .sum();
    em * size
}

/// "label: value" as the reader's language punctuates it (`Feb: $12.00` / `Feb : 12,00 $US`).
fn tip(locale: Locale, label: &str, value: &str) -> String {
    pacer_i18n::tr!(locale, "chart-tip", label = label, value = value)
}

/// The chart for empty inputs: its title, its note and "No data".
fn no_data(title: &str, note: Option<&str>, locale: Locale) -> Markup {
    let mut c = Canvas::default();
    let hb = header(&mut c, title, note);
    c.text(WIDTH / 2.0, hb + 36.0, &style(SMALL, "middle", MUTED), &locale.t("chart-no-data"));
    c.finish(WIDTH, hb + 56.0, title, &pacer_i18n::tr!(locale, "chart-title-no-data", title = title), note)
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
    /// Rotated x labels, because the labels are wider than a band and are not periods.
    rotated: bool,
    /// Every how many columns an x label is drawn.
    every: usize,
    /// Widest x label drawn.
    label_width: f64,
}

impl Plot {
    fn new(top: f64, ticks: &[f64], tick_labels: &[String], labels: &[&str], periods: bool) -> Self {
        let widest_tick = tick_labels.iter().map(|l| text_width(l, SMALL)).fold(0.0, f64::max);
        let mut left = (widest_tick + 10.0).clamp(30.0, 140.0);
        let right = WIDTH - 8.0;
        let n = labels.len().max(1);
        let label_width = labels.iter().map(|l| text_width(&truncate(l, LABEL_CHARS), SMALL)).fold(0.0, f64::max);
        let band = (right - left) / n as f64;
        // The estimate errs wide, so labels that just fit still leave a gap between them.
        let fits = label_width <= band;
        let rotated = !fits && !periods;
        let every = match (fits, rotated) {
            (true, _) => 1,
            (false, true) => n.div_ceil(MAX_SHOWN_LABELS).max(1),
            (false, false) => ((label_width + 6.0) / band).ceil().max(1.0) as usize,
        };
        if rotated {
            // The first rotated label reaches down and to the left of its bar.
            left = left.max(label_width * 0.71 - band / 2.0 + 4.0).min(170.0);
        }
        let lo = ticks.first().copied().unwrap_or(0.0);
        let hi = ticks.last().copied().unwrap_or(1.0);
        Self { left, right, top, bottom: top + PLOT_HEIGHT, n, lo, hi, rotated, every, label_width }
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
        let labels = if self.rotated { self.label_width * 0.71 + 22.0 } else { 26.0 };
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

    /// Labels under the bars: upright when they fit, else periods thinned and others rotated
    /// (thinned too when there are very many); a cut label has the whole of `wholes` in its tooltip.
    fn x_labels(&self, c: &mut Canvas, labels: &[&str], wholes: &[&str]) {
        for (i, (label, whole)) in labels.iter().zip(wholes).enumerate().step_by(self.every) {
            let short = truncate(label, LABEL_CHARS);
            let x = self.centre(i);
            if self.rotated {
                let y = self.bottom + 12.0;
                let attrs = format!(r#"{} transform="rotate(-45 {} {})""#, style(SMALL, "end", MUTED), n(x), n(y));
                c.text_with_tip(x, y, &attrs, &short, whole);
            } else {
                c.text_with_tip(x, self.bottom + 16.0, &style(SMALL, "middle", MUTED), &short, whole);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    fn money() -> Unit {
        Unit::new(Kind::Money, usd())
    }

    fn percent() -> Unit {
        Unit::new(Kind::Percent, usd())
    }

    fn counts() -> Unit {
        Unit::new(Kind::Count, usd())
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
    fn waterfall_draws_one_bar_per_step_with_signed_short_labels_and_exact_tooltips() {
        let steps = vec![
            step("Start", 1_000_000, StepKind::Total),
            step("New", 200_000, StepKind::Increase),
            step("Churn", 120_000, StepKind::Decrease),
            step("End", 1_080_000, StepKind::Total),
        ];
        let svg = sane(
            waterfall("MRR bridge", Some("Fiscal year FY2027 runs Feb 2026 – Jan 2027"), &steps, money()),
            "MRR bridge",
        );
        assert_eq!(count(&svg, r#"<rect class="bar""#), 4);
        assert!(svg.contains("Fiscal year FY2027 runs Feb 2026 – Jan 2027"));
        assert!(svg.contains(">+$2k<") && svg.contains(">\u{2212}$1.2k<") && svg.contains(">$10.8k<"), "{svg}");
        assert!(svg.contains("<title>New: +$2,000.00</title>") && svg.contains("<title>End: $10,800.00</title>"));
        assert_eq!(count(&svg, GOOD), 1);
        assert_eq!(count(&svg, BAD), 1);
        // Three connectors between four bars.
        assert_eq!(count(&svg, r#"stroke-dasharray="3 2""#), 3);
        // The axis at round dollars, in short form.
        assert!(svg.contains(">$0<") && svg.contains(">$10k<"), "{svg}");
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
        let svg = waterfall("Bridge", None, &steps, money()).into_string();
        let h = bar_heights(&svg);
        let drawn = h[0] + h[1] + h[2] + h[3] - h[4] - h[5];
        assert!((h[6] - drawn).abs() < 0.5, "{h:?}");
        assert!((h[6] / h[0] - 1.2).abs() < 0.01, "{h:?}");
    }

    #[test]
    fn waterfall_edge_cases() {
        sane(waterfall("Empty", None, &[], money()), "Empty");
        assert!(waterfall("Empty", None, &[], money()).into_string().contains("No data"));

        let zeros = vec![step("Start", 0, StepKind::Total), step("New", 0, StepKind::Increase)];
        let svg = sane(waterfall("Zeros", None, &zeros, money()), "Zeros");
        assert_eq!(count(&svg, r#"<rect class="bar""#), 2);

        // Churn larger than the start: the level goes below zero and the axis follows.
        let below = vec![step("Start", 100, StepKind::Total), step("Churn", 500, StepKind::Decrease)];
        let svg = sane(waterfall("Below", None, &below, money()), "Below");
        assert!(svg.contains(">-$4<"), "{svg}");

        let extreme = vec![step("Max", i64::MAX, StepKind::Total), step("More", i64::MAX, StepKind::Increase)];
        sane(waterfall("Extreme", None, &extreme, money()), "Extreme");

        let evil = vec![step(r#"<script>"&'"#, 10, StepKind::Total)];
        let svg = sane(waterfall("A <b> & c", None, &evil, money()), "A <b> & c");
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
        assert!(svg.contains("&lt;script&gt;&quot;&amp;&#39;"));

        // Seven steps of the bridge fit their labels; forty do not, and none is drawn.
        assert_eq!(count(&sane(waterfall("Bridge", None, &bridge(), money()), "Bridge"), "paint-order"), 7);
        let many: Vec<_> = (0..40).map(|i| step(&format!("Step {i}"), 10, StepKind::Increase)).collect();
        let svg = sane(waterfall("Many", None, &many, money()), "Many");
        assert_eq!(count(&svg, r#"<rect class="bar""#), 40);
        assert!(svg.contains("rotate(-45") && !svg.contains("paint-order"));
    }

    fn months(n: usize) -> Vec<Label> {
        ["Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan"]
            .iter()
            .cycle()
            .take(n)
            .map(|m| Label::period(&format!("{m} 2026 (M01)")))
            .collect()
    }

    fn one(values: &[Option<f64>]) -> Vec<Series> {
        vec![Series::new("Figures", values.to_vec())]
    }

    fn draw(title: &str, unit: Unit, columns: &[Label], series: &[Series], mark: Mark, goal: Option<&Goal>) -> String {
        sane(chart(&Chart { title, note: None, unit, columns, series, mark, goal }), title)
    }

    /// The numbers in the attribute `name` of every element that starts with `tag`.
    fn attributes(svg: &str, tag: &str, name: &str) -> Vec<f64> {
        svg.split(tag)
            .skip(1)
            .map(|e| {
                e.split(&format!(r#" {name}=""#)).nth(1).and_then(|s| s.split('"').next()).unwrap().parse().unwrap()
            })
            .collect()
    }

    /// The y of the zero line: the darker grid line.
    fn zero_y(svg: &str) -> f64 {
        let line = svg.split("<line").find(|l| l.contains(&format!(r#"stroke="{MUTED}" stroke-width="1""#))).unwrap();
        line.split(r#"y1=""#).nth(1).and_then(|s| s.split('"').next()).unwrap().parse().unwrap()
    }

    /// The texts of the y axis, top to bottom reversed: the labels anchored at their end.
    fn axis_labels(svg: &str) -> Vec<String> {
        svg.split("<text")
            .filter(|t| t.contains(r#"text-anchor="end""#) && !t.contains("rotate("))
            .map(|t| t.split('>').nth(1).and_then(|s| s.split('<').next()).unwrap().to_string())
            .collect()
    }

    #[test]
    fn unit_ticks_are_round_figures_people_read() {
        // Money in whole dollars, not cents: $0 .. $1.5M for $1.2M.
        let ticks = money().ticks(0.0, 120_000_000.0);
        let labels: Vec<String> = ticks.iter().map(|t| money().short(*t)).collect();
        assert_eq!(labels, ["$0", "$500k", "$1M", "$1.5M"]);
        // Counts of a few things tick by whole things.
        assert_eq!(counts().ticks(0.0, 1.0), [0.0, 1.0]);
        assert_eq!(counts().ticks(0.0, 3.0), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(counts().ticks(0.0, 0.0), [0.0, 1.0]);
        assert_eq!(counts().ticks(0.0, 12_345.0), [0.0, 5_000.0, 10_000.0, 15_000.0]);
        // Rates in percent.
        let labels: Vec<String> = percent().ticks(0.0, 0.34).iter().map(|t| percent().short(*t)).collect();
        assert_eq!(labels, ["0%", "10%", "20%", "30%", "40%"]);
        // Tiny and huge ranges, and nothing at all: distinct labels, increasing ticks.
        for (unit, lo, hi) in [
            (money(), 0.0, 0.0),
            (money(), 0.0, 3.0),
            (money(), -2.0e15, 9.0e17),
            (counts(), 0.0, 7.0e12),
            (percent(), 0.0, 1e-9),
            (percent(), -0.05, 0.02),
            (Unit::new(Kind::Number, usd()), 0.0, 0.0),
            (Unit::new(Kind::Index, usd()), 0.0, 1.3),
        ] {
            let ticks = unit.ticks(lo, hi);
            assert!(ticks.len() >= 2 && ticks.windows(2).all(|w| w[0] < w[1]), "{unit:?} {lo}..{hi}: {ticks:?}");
            assert!(ticks[0] <= lo && *ticks.last().unwrap() >= hi, "{unit:?} {lo}..{hi}: {ticks:?}");
            let labels: Vec<String> = ticks.iter().map(|t| unit.short(*t)).collect();
            let mut distinct = labels.clone();
            distinct.dedup();
            assert_eq!(distinct, labels, "{unit:?} {lo}..{hi}");
        }
    }

    #[test]
    fn figures_are_exact_on_hover_and_short_on_labels() {
        assert_eq!(
            (money().exact(123_456_789.0), money().short(123_456_789.0)),
            ("$1,234,567.89".into(), "$1.23M".into())
        );
        assert_eq!((counts().exact(12_345.0), counts().short(12_345.0)), ("12,345".into(), "12.3k".into()));
        assert_eq!((percent().exact(0.2534), percent().short(0.2534)), ("25.3%".into(), "25.3%".into()));
        assert_eq!(Unit::new(Kind::Index, usd()).short(1.0), "1.00");
        let chf = Unit::of_kpi("currency", Currency::parse("CHF").unwrap());
        assert_eq!(
            (chf.exact(250_000_000.0), chf.short(250_000_000.0)),
            ("CHF\u{a0}2,500,000.00".into(), "CHF\u{a0}2.5M".into())
        );
        assert_eq!(Unit::of_kpi("percent", usd()), percent());
        assert_eq!(Unit::of_kpi("duration", usd()), Unit::new(Kind::Number, usd()));
    }

    #[test]
    fn several_series_stack_with_a_legend_and_the_rest_in_grey() {
        let series = vec![
            Series::new("Ingrid Baker", vec![Some(3_000_000.0), Some(0.0), Some(1_000_000.0)]),
            Series::new("Camila Murphy", vec![Some(1_000_000.0), None, Some(2_000_000.0)]),
            Series { rest: true, ..Series::new("Others (41 reps)", vec![Some(500_000.0), Some(250_000.0), None]) },
        ];
        let svg = draw("New business won, FY2027", money(), &months(3), &series, Mark::Bars, None);
        assert_eq!(count(&svg, r#"<rect class="bar""#), 7, "one bar per known figure");
        assert_eq!(count(&svg, r#"<rect class="swatch""#), 3, "a legend entry per series");
        assert!(svg.contains(">Ingrid Baker<") && svg.contains(">Others (41 reps)<"));
        for colour in [SERIES[0], SERIES[1], REST] {
            assert!(count(&svg, &format!(r#"fill="{colour}""#)) >= 2, "{colour}");
        }
        assert!(svg.contains("<title>Camila Murphy · Apr 2026 (M01): $20,000.00</title>"), "{svg}");
        // Each column's total over its stack, in short form.
        assert!(svg.contains(">$45k<") && svg.contains(">$2.5k<") && svg.contains(">$30k<"), "{svg}");
        // Stacked: the first column's bars together are as tall as its total.
        let heights = bar_heights(&svg);
        let scale = heights[0] / 3_000_000.0;
        assert!((heights[0] + heights[1] + heights[2] - 4_500_000.0 * scale).abs() < 0.5, "{heights:?}");

        let lines = draw(
            "Connect rate",
            percent(),
            &months(4),
            &[
                Series::new("Ana", vec![Some(0.3), Some(0.35), None, Some(0.4)]),
                Series::new("Ben", vec![Some(0.2), Some(0.25), Some(0.3), Some(0.2)]),
            ],
            Mark::Lines,
            None,
        );
        assert_eq!(
            count(&lines, r#"<polyline class="series""#),
            2,
            "Ana's line stops at her missing month; her last figure is a dot"
        );
        assert_eq!(count(&lines, r#"<circle class="point""#), 7);
        assert!(lines.contains("<title>Ana · Mar 2026 (M01): 35.0%</title>"), "{lines}");
        assert_eq!(count(&lines, r#"<rect class="swatch""#), 2);
    }

    #[test]
    fn a_goal_steps_through_its_values() {
        let targets = [Some(480_000.0), Some(370_000.0), None, Some(150_000.0), Some(300_000.0)];
        let goal = Goal { name: "target (approved plan)".into(), values: targets.to_vec() };
        let series = one(&[Some(315_000.0), Some(33_000.0), Some(110_000.0), Some(120_000.0), Some(320_000.0)]);
        let svg = draw("New business", money(), &months(5), &series, Mark::Bars, Some(&goal));
        // A dot per known target, at its height above the zero line.
        let (zero, ys) = (zero_y(&svg), attributes(&svg, r#"<circle class="goal-point""#, "cy"));
        let known: Vec<f64> = targets.iter().flatten().copied().collect();
        assert_eq!(ys.len(), known.len());
        let scale = (zero - ys[0]) / known[0];
        for (y, target) in ys.iter().zip(&known) {
            assert!((zero - y - target * scale).abs() < 0.11, "{y} for {target}");
        }
        assert!(svg.contains("<title>Mar 2026 (M01): target (approved plan) $3,700.00</title>"), "{svg}");
        // Steps: one path per run of known targets, rising and falling between columns.
        assert_eq!(count(&svg, r#"<path class="goal""#), 2);
        let first = svg.split(r#"<path class="goal" d=""#).nth(1).unwrap().split('"').next().unwrap();
        assert_eq!((first.matches('H').count(), first.matches('V').count()), (2, 1), "{first}");
        // In the legend, as a dashed line.
        assert!(svg.contains(">target (approved plan)<") && svg.contains(r#"stroke-dasharray="4 2""#));
    }

    #[test]
    fn all_zero_or_missing_figures_say_so_on_a_sane_axis() {
        for (values, says) in [(vec![Some(0.0); 12], "All zero in this span"), (vec![None; 12], "No data in this span")]
        {
            let svg = draw("Quiet rep", money(), &months(12), &one(&values), Mark::Bars, None);
            assert!(svg.contains(says), "{svg}");
            let labels = axis_labels(&svg);
            let mut distinct = labels.clone();
            distinct.dedup();
            assert_eq!(distinct, labels, "no 1, 1, 1, 0: {labels:?}");
            assert_eq!(labels.first().map(String::as_str), Some("$0"));
            assert_eq!(labels.last().map(String::as_str), Some("$1"));
        }
        let svg = draw("Calls", counts(), &months(3), &one(&[Some(0.0); 3]), Mark::Bars, None);
        assert_eq!(axis_labels(&svg), ["0", "1"]);
        assert!(draw("Busy", counts(), &months(3), &one(&[Some(2.0); 3]), Mark::Bars, None).contains(">2<"));
    }

    #[test]
    fn bar_labels_are_short_and_dropped_when_columns_are_narrow() {
        // Three wide columns: every total, in short form.
        let svg = draw(
            "Few",
            money(),
            &months(3),
            &one(&[Some(20_955_623_668_800.0), Some(1.0), Some(0.0)]),
            Mark::Bars,
            None,
        );
        assert!(svg.contains(">$210B<") && svg.contains(">$0.01<") && svg.contains(">$0<"), "{svg}");
        assert!(!svg.contains("209556236688"), "never a raw figure as a label");
        assert!(svg.contains("$209,556,236,688.00"), "the exact figure is in the tooltip");
        // Twelve narrow months with long figures: no total at all, each still on hover.
        let values: Vec<Option<f64>> = (0..12).map(|i| Some(31_568_000.0 + i as f64)).collect();
        let svg = draw("Year", money(), &months(12), &one(&values), Mark::Bars, None);
        assert!(!svg.contains("paint-order"), "{svg}");
        assert_eq!(count(&svg, "</title></rect>"), 12);
        // Month names fit upright under twelve columns.
        assert!(!svg.contains("rotate(") && svg.contains(">Feb<") && svg.contains("<title>Feb 2026 (M01)"));
    }

    #[test]
    fn value_labels_are_all_drawn_apart_or_none() {
        let drawn = |labels: &[(f64, f64, &str)]| {
            let mut c = Canvas::default();
            let owned: Vec<(f64, f64, String)> = labels.iter().map(|(x, y, t)| (*x, *y, t.to_string())).collect();
            value_labels(&mut c, &owned);
            c.body.matches("<text").count()
        };
        assert_eq!(drawn(&[(100.0, 50.0, "$294k"), (200.0, 50.0, "+$22.6k")]), 2);
        // Side by side at one height they would touch: smaller, then not at all.
        assert_eq!(drawn(&[(100.0, 50.0, "+$294k"), (150.0, 50.0, "+$22.6k")]), 2);
        assert_eq!(drawn(&[(100.0, 50.0, "+$294k"), (130.0, 50.0, "+$22.6k")]), 0);
        let mut c = Canvas::default();
        value_labels(&mut c, &[(100.0, 50.0, "+$294k".into()), (150.0, 50.0, "+$22.6k".into())]);
        assert!(c.body.contains(&format!(r#"font-size="{}""#, n(SMALL - 2.5))), "{}", c.body);
        // Close but one above the other, they stay apart.
        assert_eq!(drawn(&[(100.0, 50.0, "+$294k"), (130.0, 80.0, "+$22.6k")]), 2);
        // A label that would stick out of the chart takes the others with it.
        assert_eq!(drawn(&[(2.0, 50.0, "$1.25M"), (200.0, 50.0, "$1M")]), 0);
    }

    #[test]
    fn long_titles_wrap_then_shorten_with_the_whole_on_hover() {
        let title = "Connect rate of the reps of North America Mid-Market and EMEA North, per month of the fiscal year FY2027, compared with the same months of FY2026";
        let svg = draw(title, percent(), &months(2), &one(&[Some(0.3), Some(0.4)]), Mark::Bars, None);
        let shown: Vec<&str> =
            svg.split(r#"font-weight="600">"#).skip(1).map(|t| t.split("</text>").next().unwrap()).collect();
        assert_eq!(shown.len(), 2, "two lines: {shown:?}");
        for line in &shown {
            let visible = line.rsplit("</title>").next().unwrap();
            assert!(text_width(visible, TITLE * BOLD) <= WIDTH, "{visible}");
        }
        assert!(shown[1].ends_with('…'), "{shown:?}");
        assert!(shown[1].contains(&format!("<title>{title}</title>")));
        // At a size where ten of these characters fill the width.
        let size = WIDTH / text_width("0000000000", 1.0);
        assert_eq!(wrap("short", size, 2), ["short"]);
        assert_eq!(wrap("one two three", size, 2), ["one two", "three"]);
        assert_eq!(wrap("one two three four five", size, 2), ["one two", "three four…"]);
        let cut = wrap("Supercalifragilisticexpialidocious", size, 2);
        assert!(cut.len() == 1 && cut[0].starts_with("Supercal") && cut[0].ends_with('…'), "{cut:?}");
        assert!(text_width(&cut[0], size) <= WIDTH);
    }

    #[test]
    fn chart_edge_cases() {
        let svg = draw("Empty", percent(), &[], &[], Mark::Bars, None);
        assert!(svg.contains("No data"));
        let svg = draw("No series", percent(), &months(2), &[], Mark::Bars, None);
        assert!(svg.contains("No data"));

        // NaN and infinities are missing data, in bars and in goals alike.
        let series = one(&[Some(f64::NAN), Some(f64::INFINITY), Some(f64::NEG_INFINITY), None]);
        let goal =
            Goal { name: "goal".into(), values: vec![Some(f64::NAN), Some(0.1), Some(f64::INFINITY), Some(0.2)] };
        let svg = draw("Broken", percent(), &months(4), &series, Mark::Bars, Some(&goal));
        assert_eq!(count(&svg, r#"<rect class="bar""#), 0);
        assert_eq!(count(&svg, r#"<rect class="nodata""#), 4);
        assert_eq!(count(&svg, r#"<circle class="goal-point""#), 2);

        // Negative values: the axis includes zero and reaches below the lowest bar.
        let svg = draw("Net churn", percent(), &months(2), &one(&[Some(-0.05), Some(0.02)]), Mark::Bars, None);
        assert!(svg.contains(">0%<") && svg.contains(">-6%<"), "{svg}");

        // Series and goals of the wrong length: extra figures are ignored, missing ones are gaps.
        let goal = Goal { name: "goal".into(), values: vec![Some(1.0), Some(2.0), Some(3.0)] };
        let svg = draw("Short", percent(), &months(1), &one(&[Some(1.0), Some(5.0)]), Mark::Bars, Some(&goal));
        assert_eq!((count(&svg, r#"<rect class="bar""#), count(&svg, "<circle")), (1, 1));

        let long = vec![Label::new("A customer segment with a very long name <x>")];
        let svg = draw("Long", percent(), &long, &one(&[Some(3.0)]), Mark::Bars, None);
        assert!(svg.contains(">A customer se…<") && svg.contains("&lt;x&gt;"));
        assert!(!svg.contains("<x>"));

        // A goal alone still draws.
        let goal = Goal { name: "goal".into(), values: vec![Some(1.0), Some(2.0)] };
        let svg = draw("Goal only", counts(), &months(2), &[], Mark::Bars, Some(&goal));
        assert_eq!(count(&svg, r#"<circle class="goal-point""#), 2);
    }

    #[test]
    fn many_columns_rotate_and_thin_their_labels() {
        let labels: Vec<Label> = (1..=13).map(|i| Label::new(format!("Period {i:02}"))).collect();
        let values: Vec<Option<f64>> = (0..13).map(|i| Some(i as f64)).collect();
        let svg = draw("Thirteen", counts(), &labels, &one(&values), Mark::Bars, None);
        assert_eq!(count(&svg, "rotate(-45"), 13);

        let labels: Vec<Label> = (1..=60).map(|i| Label::new(format!("Segment {i:02}"))).collect();
        let values: Vec<Option<f64>> = (0..60).map(|i| Some(i as f64)).collect();
        let svg = draw("Sixty segments", counts(), &labels, &one(&values), Mark::Bars, None);
        assert_eq!(count(&svg, "rotate(-45"), 20);

        // Periods stay upright: every k-th of them, k as few as fit.
        let weeks: Vec<Label> = (1..=53).map(|i| Label::period(&format!("W{i:02} FY2027"))).collect();
        let goal = Goal { name: "goal".into(), values: (0..53).map(|i| Some(i as f64 / 2.0)).collect() };
        let svg = draw("Weeks", counts(), &weeks, &one(&values[..53]), Mark::Bars, Some(&goal));
        assert_eq!(count(&svg, r#"<rect class="bar""#), 53);
        assert!(!svg.contains("rotate(") && svg.contains(">W01<") && !svg.contains(">W02<"), "{svg}");
        let shown = (1..=53).filter(|i| svg.contains(&format!(">W{i:02}<"))).count();
        assert!((5..=14).contains(&shown), "{shown} week labels");

        let few = draw("Few", counts(), &months(2), &one(&[Some(1.0), Some(2.0)]), Mark::Bars, None);
        assert!(!few.contains("rotate("));
    }

    #[test]
    fn gauge_marks_the_value_in_its_zone() {
        let svg = sane(band_gauge("Churn rate", Some(0.021), 0.02, 0.03, percent()), "Churn rate");
        assert_eq!(count(&svg, r#"<rect class="zone""#), 3);
        assert!(svg.contains(">normal<") && svg.contains(">acceptable<") && svg.contains(">high<"));
        assert!(svg.contains(">2.1%<") && svg.contains(r#"class="marker""#));
        assert!(svg.contains(AMBER));
        assert!(svg.contains(r#"aria-label="Churn rate: 2.1% (acceptable)""#));
    }

    #[test]
    fn gauge_edge_cases() {
        let svg = sane(band_gauge("None", None, 0.02, 0.03, percent()), "None");
        assert!(svg.contains("No data") && !svg.contains("marker"));
        assert_eq!(count(&svg, r#"<rect class="zone""#), 3);

        let svg = sane(band_gauge("Broken", Some(f64::NAN), f64::NAN, f64::INFINITY, percent()), "Broken");
        assert!(svg.contains("No data"));

        let svg = sane(band_gauge("Zeros", Some(0.0), 0.0, 0.0, percent()), "Zeros");
        assert!(svg.contains("marker"));

        // Far above the bands: the scale stretches to the value.
        let svg = sane(band_gauge("High", Some(0.5), 0.02, 0.03, percent()), "High");
        assert!(svg.contains("(high)"));
        let svg = sane(band_gauge("Negative", Some(-0.1), 0.02, 0.03, percent()), "Negative");
        assert!(svg.contains("(normal)"));
        sane(band_gauge("Misordered", Some(0.02), 0.05, 0.01, percent()), "Misordered");
        sane(band_gauge("Huge", Some(f64::MAX), 0.02, 0.03, money()), "Huge");
        sane(band_gauge("<Esc> & 'q'", Some(0.01), 0.02, 0.03, percent()), "<Esc> & 'q'");
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
            sane(heatmap("Net retention", Some("partial year"), &rows, &columns, &cells, percent()), "Net retention");
        assert_eq!(count(&svg, r#"<rect class="cell""#), 6);
        assert_eq!(count(&svg, r#"<rect class="swatch""#), 5);
        assert!(svg.contains(">135%<") && svg.contains(">0%<") && svg.contains(">M2<"));
        assert!(svg.contains("2026-03 &lt;new&gt;"));
        // Capped: 135% has the same colour as 100%.
        assert_eq!(count(&svg, r##"fill="#1f6feb" stroke"##), 5);
        assert!(svg.contains(r##"fill="#ffffff""##));
    }

    #[test]
    fn heatmap_edge_cases() {
        let columns = vec!["M0".to_string()];
        let rows = vec!["2026-01".to_string()];
        assert!(sane(heatmap("No rows", None, &[], &columns, &[], percent()), "No rows").contains("No data"));
        assert!(sane(heatmap("No cols", None, &rows, &[], &[], percent()), "No cols").contains("No data"));
        // Rows without cells draw their labels and nothing else.
        let svg = sane(heatmap("No cells", None, &rows, &columns, &[], percent()), "No cells");
        assert_eq!(count(&svg, r#"<rect class="cell""#), 0);

        let columns: Vec<String> = (0..36).map(|m| format!("M{m}")).collect();
        let rows: Vec<String> = (0..36).map(|m| format!("Cohort {m} with a long name")).collect();
        let cells: Vec<Vec<Option<f64>>> =
            (0..36).map(|r| (0..36 - r).map(|c| Some(1.0 - c as f64 / 50.0)).collect()).collect();
        let svg = sane(heatmap("Wide", None, &rows, &columns, &cells, percent()), "Wide");
        assert_eq!(count(&svg, r#"<rect class="cell""#), 36 * 37 / 2);
        assert!(svg.contains(">Cohort 0 with…<"));
        assert!(!svg.contains(r#"viewBox="0 0 640 "#));
        // Too dense to shrink to a phone's width: it scrolls in its box instead.
        let width: f64 =
            svg.split(r#"viewBox="0 0 "#).nth(1).and_then(|v| v.split(' ').next()).unwrap().parse().unwrap();
        assert!(svg.contains(&format!("min-width:{}px", n(width * 0.85))), "{svg}");
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

    #[test]
    fn a_french_reader_reads_the_charts_words_and_figures_in_french() {
        let fr = |unit: Unit| unit.in_locale(Locale::FRENCH);
        let svg = draw("Appels", fr(counts()), &months(3), &one(&[Some(0.0); 3]), Mark::Bars, None);
        assert!(svg.contains("Tout est à zéro sur cette période") && !svg.contains("All zero"), "{svg}");
        let svg = draw("Appels", fr(counts()), &months(3), &one(&[None; 3]), Mark::Bars, None);
        assert!(
            svg.contains("Aucune donnée sur cette période") && svg.contains("Feb 2026 (M01) : aucune donnée"),
            "{svg}"
        );
        let svg = draw("CA", fr(money()), &months(2), &one(&[Some(123_456.0), Some(1_000.0)]), Mark::Bars, None);
        assert!(svg.contains("<title>Feb 2026 (M01) : 1\u{202f}234,56\u{a0}$US</title>"), "{svg}");
        let gauge = band_gauge("Attrition", Some(0.12), 0.05, 0.1, fr(percent())).into_string();
        assert!(gauge.contains(">normal<") && gauge.contains("élevé") && !gauge.contains(">high<"), "{gauge}");
        assert!(gauge.contains("Attrition : 12\u{202f}% (élevé)"), "{gauge}");
        let empty = waterfall("Pont", None, &[], fr(money())).into_string();
        assert!(empty.contains("Aucune donnée") && empty.contains("Pont : aucune donnée"), "{empty}");
    }
}
