//! The HTML stale-flag report (`flaglint report --format html`).
//!
//! [`render`] turns the report document that `--format json` prints into one self-contained page
//! a team lead opens in a browser: inline CSS, inline JS and inline SVG, nothing fetched (a
//! Content-Security-Policy forbids it). The page shows
//!
//! - a header with the date, totals and one colored chip per readiness value;
//! - a chart of each flag's age against its lifetime (oldest first) and a stacked bar of flags per
//!   readiness;
//! - a table with one row per flag, sortable by clicking a header (server-rendered, so it reads
//!   without JS too), each key opening a `<details>` with the evidence and the removal plan;
//! - the orphaned states, if any.
//!
//! Every field of the document is optional: missing or oddly typed values are shown as "—"
//! instead of failing. The output is deterministic: the same document gives the same bytes.

use std::fmt::Write as _;

use super::document::{FlagReport, PlanReport, ReportDocument, StateReport};

/// The color of each readiness value, in lifecycle order: the order of the header chips, of the
/// chart legend and of the table's readiness sort. White text on any of them stays readable.
/// Values not listed here use [`OTHER_COLOR`].
pub const READINESS_COLORS: [(&str, &str); 11] = [
    ("in-development", "#2563eb"),
    ("pilot", "#7c3aed"),
    ("rolling-out", "#0e7490"),
    ("soaking", "#0f766e"),
    ("remove-usages", "#c2410c"),
    ("delete-definition", "#b91c1c"),
    ("no-ship", "#be185d"),
    ("stale", "#a16207"),
    ("orphaned-state", "#475569"),
    ("permanent", "#15803d"),
    ("unknown", "#6b7280"),
];

/// The color of readiness values missing from [`READINESS_COLORS`].
const OTHER_COLOR: &str = "#3f3f46";
/// The color of the stub drawn for a flag of unknown age.
const UNKNOWN_AGE_COLOR: &str = "#cbd5e1";
/// The readiness of a flag whose document has none.
const DEFAULT_READINESS: &str = "unknown";
/// The lifetime marked on the age chart when no flag declares one, in days.
const DEFAULT_LIFETIME: i64 = 90;
/// Shown for missing values.
const MISSING: &str = "—";
/// Keys longer than this are shortened in chart labels (the table shows them whole).
const CHART_KEY_CHARS: usize = 36;

/// Environment states with their sort rank (the further rolled out, the higher).
const STATES: [(&str, u32); 5] = [
    ("absent", 0),
    ("off", 1),
    ("pilot", 2),
    ("partial", 3),
    ("on", 4),
];

/// The stylesheet; readiness classes are appended from [`READINESS_COLORS`].
const CSS: &str = include_str!("assets/report.css");

/// Sorts the flag table when a header is clicked: numeric or text per `data-type`, by each cell's
/// `data-sort`; empty values last; stable; clicking again toggles the direction (`aria-sort`).
/// Headers become buttons only here, so the page reads the same without JS.
const SCRIPT: &str = include_str!("assets/report.js");

/// One self-contained HTML page (no network: inline CSS, inline JS, inline SVG) from the report
/// document.
pub fn render(report: &ReportDocument) -> String {
    let flags = flags_of(report);
    let environments = environments_of(report, &flags);
    let counts = readiness_counts(report, &flags);
    let today = non_empty(&report.today);
    let mut out = String::with_capacity(16 * 1024 + flags.len() * 2048);
    head(&mut out, today);
    out.push_str("<body>\n");
    header(&mut out, report, today, &counts);
    out.push_str("<main>\n");
    charts(&mut out, &flags, &counts);
    flag_table(&mut out, &flags, &environments);
    orphaned_states(&mut out, report);
    out.push_str("</main>\n");
    footer(&mut out, report);
    let _ = write!(out, "<script>\n{SCRIPT}</script>\n");
    out.push_str("</body>\n</html>\n");
    out
}

// ---------------------------------------------------------------------------------------------
// The document, in the order the page draws it.

/// One flag of the document, with the fields the page orders and draws by.
struct Flag<'a> {
    raw: &'a FlagReport,
    key: &'a str,
    readiness: &'a str,
    age: Option<i64>,
    /// The lifetime, if positive.
    lifetime: Option<i64>,
}

/// The flags, oldest first; unknown ages last; ties by key.
fn flags_of(report: &ReportDocument) -> Vec<Flag<'_>> {
    let mut flags: Vec<Flag> = report
        .flags
        .iter()
        .map(|raw| Flag {
            raw,
            key: non_empty(&raw.key).unwrap_or("(no key)"),
            readiness: non_empty(&raw.readiness).unwrap_or(DEFAULT_READINESS),
            age: raw.age_days,
            lifetime: raw.lifetime_days.filter(|&days| days > 0),
        })
        .collect();
    flags.sort_by(|a, b| {
        a.age
            .is_none()
            .cmp(&b.age.is_none())
            .then(b.age.cmp(&a.age))
            .then_with(|| a.key.cmp(b.key))
    });
    flags
}

/// The environments of the document in its order, then any other environment a flag has a state
/// in, by name.
fn environments_of<'a>(report: &'a ReportDocument, flags: &[Flag<'a>]) -> Vec<&'a str> {
    let mut environments: Vec<&str> = Vec::new();
    for name in report
        .environments
        .iter()
        .filter_map(|name| non_empty(name))
    {
        if !environments.contains(&name) {
            environments.push(name);
        }
    }
    let mut extra: Vec<&str> = flags
        .iter()
        .flat_map(|flag| flag.raw.states.keys())
        .map(String::as_str)
        .filter(|name| !name.is_empty() && !environments.contains(name))
        .collect();
    extra.sort_unstable();
    extra.dedup();
    environments.extend(extra);
    environments
}

/// Flags per readiness: the summary's `by_readiness`, or counted from the flags when it has none;
/// in palette order, other values after by name; zero counts left out.
fn readiness_counts<'a>(report: &'a ReportDocument, flags: &[Flag<'a>]) -> Vec<(&'a str, i64)> {
    let mut counts: Vec<(&str, i64)> = if report.summary.by_readiness.is_empty() {
        let mut counted: Vec<(&str, i64)> = Vec::new();
        for flag in flags {
            match counted.iter_mut().find(|(name, _)| *name == flag.readiness) {
                Some((_, count)) => *count += 1,
                None => counted.push((flag.readiness, 1)),
            }
        }
        counted
    } else {
        report
            .summary
            .by_readiness
            .iter()
            .map(|(name, &count)| (name.as_str(), count as i64))
            .collect()
    };
    counts.retain(|&(_, count)| count > 0);
    counts.sort_by(|a, b| {
        readiness_rank(a.0)
            .cmp(&readiness_rank(b.0))
            .then_with(|| a.0.cmp(b.0))
    });
    counts
}

/// The position of a readiness value in [`READINESS_COLORS`]; other values after all of them.
fn readiness_rank(readiness: &str) -> usize {
    READINESS_COLORS
        .iter()
        .position(|&(name, _)| name == readiness)
        .unwrap_or(READINESS_COLORS.len())
}

/// The color of a readiness value.
fn readiness_color(readiness: &str) -> &'static str {
    READINESS_COLORS
        .iter()
        .find(|&&(name, _)| name == readiness)
        .map_or(OTHER_COLOR, |&(_, color)| color)
}

/// The CSS class of a readiness value (`rd-other` for values not in the palette).
fn readiness_class(readiness: &str) -> String {
    if readiness_rank(readiness) < READINESS_COLORS.len() {
        format!("rd-{readiness}")
    } else {
        "rd-other".to_owned()
    }
}

/// A text, if not empty.
fn non_empty(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

/// An optional text, if not empty.
fn given(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|text| !text.is_empty())
}

/// The non-empty texts of a list.
fn texts(items: &[String]) -> Vec<&str> {
    items.iter().filter_map(|item| non_empty(item)).collect()
}

/// `path:line` of a place (`?` for a missing path).
fn location(path: &str, line: u32) -> String {
    format!("{}:{line}", non_empty(path).unwrap_or("?"))
}

// ---------------------------------------------------------------------------------------------
// Text helpers.

/// Escapes text for HTML content and quoted attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number with at most one decimal, without a trailing `.0` (and never `-0`).
fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
        short.push('…');
        short
    }
}

/// "1 flag", "2 flags".
fn plural(count: i64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// A readiness chip.
fn chip(readiness: &str, count: Option<i64>) -> String {
    let count = count
        .map(|count| format!(" <b>{count}</b>"))
        .unwrap_or_default();
    format!(
        "<span class=\"chip {}\">{}{count}</span>",
        readiness_class(readiness),
        esc(readiness)
    )
}

// ---------------------------------------------------------------------------------------------
// Page frame.

/// `<head>`: charset, title, a policy that forbids fetching anything, and the stylesheet.
fn head(out: &mut String, today: Option<&str>) {
    let title = match today {
        Some(today) => format!("flaglint report — {}", esc(today)),
        None => "flaglint report".to_owned(),
    };
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
    );
    out.push_str("<link rel=\"icon\" href=\"data:,\">\n");
    let _ = writeln!(out, "<title>{title}</title>");
    out.push_str("<style>\n");
    out.push_str(CSS);
    for (name, color) in READINESS_COLORS {
        let _ = writeln!(out, ".rd-{name} {{ background: {color}; }}");
    }
    let _ = writeln!(out, ".rd-other {{ background: {OTHER_COLOR}; }}");
    out.push_str("</style>\n</head>\n");
}

/// The header: date, totals, a chip per readiness.
fn header(out: &mut String, report: &ReportDocument, today: Option<&str>, counts: &[(&str, i64)]) {
    let total = report.summary.flags as i64;
    let warnings = report.summary.warnings as i64;
    out.push_str("<header>\n<h1>Stale-flag report");
    if let Some(today) = today {
        let _ = write!(out, "<span class=\"date\">{}</span>", esc(today));
    }
    out.push_str("</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"totals\"><strong>{}</strong> · <strong>{}</strong></p>",
        plural(total, "flag", "flags"),
        plural(warnings, "warning", "warnings"),
    );
    if !counts.is_empty() {
        out.push_str("<ul class=\"chips\" aria-label=\"flags per readiness\">\n");
        for (readiness, count) in counts {
            let _ = writeln!(out, "<li>{}</li>", chip(readiness, Some(*count)));
        }
        out.push_str("</ul>\n");
    }
    for note in texts(&report.notes) {
        let _ = writeln!(out, "<p class=\"notice\" role=\"alert\">{}</p>", esc(note));
    }
    out.push_str("</header>\n");
}

/// The footer: the tool and the document version.
fn footer(out: &mut String, report: &ReportDocument) {
    let _ = writeln!(
        out,
        "<footer>Generated by flaglint · report format {}</footer>",
        report.version
    );
}

// ---------------------------------------------------------------------------------------------
// Charts.

/// The charts section: ages and readiness, or a note that there are no flags.
fn charts(out: &mut String, flags: &[Flag], counts: &[(&str, i64)]) {
    out.push_str("<section id=\"overview\">\n<h2>Overview</h2>\n");
    if flags.is_empty() && counts.is_empty() {
        out.push_str("<p class=\"empty\">There are no flags to chart.</p>\n</section>\n");
        return;
    }
    out.push_str("<div class=\"charts\">\n");
    if !flags.is_empty() {
        age_chart(out, flags);
    }
    if !counts.is_empty() {
        readiness_chart(out, counts);
    }
    out.push_str("</div>\n</section>\n");
}

/// The lifetimes marked on the age chart: every distinct lifetime, or the default.
fn lifetime_marks(flags: &[Flag]) -> Vec<i64> {
    let mut marks: Vec<i64> = flags.iter().filter_map(|flag| flag.lifetime).collect();
    marks.sort_unstable();
    marks.dedup();
    if marks.is_empty() {
        marks.push(DEFAULT_LIFETIME);
    }
    marks
}

/// Geometry of the age chart.
struct AgeScale {
    label_width: f64,
    plot_width: f64,
    max_days: f64,
}

impl AgeScale {
    const ROW: f64 = 22.0;
    const TOP: f64 = 30.0;
    const BOTTOM: f64 = 6.0;
    const RIGHT: f64 = 110.0;

    /// The x of a day count.
    fn x(&self, days: i64) -> f64 {
        self.label_width + (days.max(0) as f64 / self.max_days).min(1.0) * self.plot_width
    }

    /// The top of row `index`.
    fn row_top(index: usize) -> f64 {
        Self::TOP + index as f64 * Self::ROW
    }
}

/// A horizontal bar per flag of its age (oldest first, colored by readiness), dashed lines at
/// the lifetimes, keys left, ages right; unknown ages as a grey stub.
fn age_chart(out: &mut String, flags: &[Flag]) {
    let marks = lifetime_marks(flags);
    let longest_key = flags
        .iter()
        .map(|flag| flag.key.chars().count().min(CHART_KEY_CHARS))
        .max()
        .unwrap_or(0);
    let oldest = flags.iter().filter_map(|flag| flag.age).max().unwrap_or(0);
    let scale = AgeScale {
        label_width: (longest_key as f64 * 7.4 + 14.0).clamp(90.0, 290.0),
        plot_width: 480.0,
        max_days: oldest.max(marks.iter().copied().max().unwrap_or(0)).max(1) as f64,
    };
    let width = scale.label_width + scale.plot_width + AgeScale::RIGHT;
    let height = AgeScale::row_top(flags.len()) + AgeScale::BOTTOM;
    let _ = writeln!(
        out,
        "<figure>\n<figcaption>Age of each flag in days, oldest first; dashed: {}</figcaption>",
        if marks.len() == 1 {
            "lifetime"
        } else {
            "lifetimes"
        }
    );
    let _ = writeln!(
        out,
        "<svg class=\"ages\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" \
         aria-label=\"Age of each flag in days\">",
        w = num(width),
        h = num(height),
    );
    let _ = writeln!(
        out,
        "<line x1=\"{x}\" y1=\"{y1}\" x2=\"{x}\" y2=\"{y2}\" stroke=\"#9ca3af\"/>",
        x = num(scale.label_width),
        y1 = num(AgeScale::TOP - 4.0),
        y2 = num(height - AgeScale::BOTTOM),
    );
    for (index, flag) in flags.iter().enumerate() {
        age_row(out, &scale, index, flag);
    }
    lifetime_lines(out, &scale, &marks, height);
    out.push_str("</svg>\n</figure>\n");
}

/// One bar of the age chart.
fn age_row(out: &mut String, scale: &AgeScale, index: usize, flag: &Flag) {
    let top = AgeScale::row_top(index);
    let baseline = num(top + 15.0);
    let key = esc(flag.key);
    let readiness = esc(flag.readiness);
    let label = esc(&shorten(flag.key, CHART_KEY_CHARS));
    out.push_str("<g>");
    let Some(age) = flag.age else {
        let _ = writeln!(
            out,
            "<title>{key}: age unknown ({readiness})</title>\
             <text class=\"key\" x=\"{lx}\" y=\"{baseline}\" text-anchor=\"end\">{label}</text>\
             <rect x=\"{x}\" y=\"{y}\" width=\"8\" height=\"14\" rx=\"2\" fill=\"{UNKNOWN_AGE_COLOR}\"/>\
             <text class=\"dim\" x=\"{ax}\" y=\"{baseline}\">age unknown</text></g>",
            lx = num(scale.label_width - 8.0),
            x = num(scale.label_width),
            y = num(top + 4.0),
            ax = num(scale.label_width + 14.0),
        );
        return;
    };
    let end = scale.x(age).max(scale.label_width + 2.0);
    let overdue = flag.lifetime.filter(|&lifetime| age > lifetime);
    let note = match (flag.lifetime, overdue) {
        (Some(lifetime), Some(_)) => format!(
            ", {} past its {lifetime}-day lifetime",
            plural(age - lifetime, "day", "days")
        ),
        (Some(lifetime), None) => format!(", lifetime {lifetime} days"),
        (None, _) => String::new(),
    };
    let _ = write!(
        out,
        "<title>{key}: {}{note} ({readiness})</title>\
         <text class=\"key\" x=\"{lx}\" y=\"{baseline}\" text-anchor=\"end\">{label}</text>\
         <rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"14\" rx=\"2\" fill=\"{color}\"/>",
        plural(age, "day", "days"),
        lx = num(scale.label_width - 8.0),
        x = num(scale.label_width),
        y = num(top + 4.0),
        w = num(end - scale.label_width),
        color = readiness_color(flag.readiness),
    );
    if let Some(lifetime) = flag.lifetime {
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{y1}\" x2=\"{x}\" y2=\"{y2}\" stroke=\"#111827\" stroke-width=\"2\"/>",
            x = num(scale.x(lifetime)),
            y1 = num(top + 2.0),
            y2 = num(top + 20.0),
        );
    }
    let _ = writeln!(
        out,
        "<text{class} x=\"{x}\" y=\"{baseline}\">{age} d</text></g>",
        class = if overdue.is_some() {
            " class=\"over\""
        } else {
            ""
        },
        x = num(end + 6.0),
    );
}

/// The dashed lifetime lines with their labels on top, staggered when close together.
fn lifetime_lines(out: &mut String, scale: &AgeScale, marks: &[i64], height: f64) {
    let mut previous: Option<(f64, bool)> = None;
    for &days in marks {
        let x = scale.x(days);
        let raised = matches!(previous, Some((last, low)) if x - last < 44.0 && low);
        let low = !raised;
        previous = Some((x, low));
        let _ = writeln!(
            out,
            "<g><title>lifetime {days} days</title>\
             <line x1=\"{lx}\" y1=\"{y1}\" x2=\"{lx}\" y2=\"{y2}\" stroke=\"#475569\" \
             stroke-dasharray=\"4 3\"/>\
             <text class=\"lifetime\" x=\"{lx}\" y=\"{ty}\" text-anchor=\"middle\">{days} d</text></g>",
            lx = num(x),
            y1 = num(AgeScale::TOP - 6.0),
            y2 = num(height - AgeScale::BOTTOM),
            ty = if low { "22" } else { "11" },
        );
    }
}

/// A stacked bar of flags per readiness with a legend.
fn readiness_chart(out: &mut String, counts: &[(&str, i64)]) {
    const WIDTH: f64 = 640.0;
    const BAR: f64 = 28.0;
    const COLUMNS: usize = 3;
    const LEGEND_ROW: f64 = 20.0;
    let total: i64 = counts.iter().map(|&(_, count)| count).sum();
    let rows = counts.len().div_ceil(COLUMNS);
    let legend_top = BAR + 18.0;
    let height = legend_top + rows as f64 * LEGEND_ROW;
    let _ = writeln!(
        out,
        "<figure>\n<figcaption>Flags per readiness ({})</figcaption>",
        plural(total, "flag", "flags")
    );
    let _ = writeln!(
        out,
        "<svg class=\"readiness\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" \
         aria-label=\"Flags per readiness\">",
        w = num(WIDTH),
        h = num(height),
    );
    let mut before = 0;
    for (readiness, count) in counts {
        let x = before as f64 / total as f64 * WIDTH;
        before += count;
        let end = before as f64 / total as f64 * WIDTH;
        let _ = write!(
            out,
            "<g><title>{}: {}</title><rect x=\"{}\" y=\"0\" width=\"{}\" height=\"{BAR}\" fill=\"{}\"/>",
            esc(readiness),
            plural(*count, "flag", "flags"),
            num(x),
            num(end - x),
            readiness_color(readiness),
        );
        if end - x >= 22.0 {
            let _ = write!(
                out,
                "<text class=\"light\" x=\"{}\" y=\"19\" text-anchor=\"middle\">{count}</text>",
                num((x + end) / 2.0),
            );
        }
        out.push_str("</g>\n");
    }
    for (index, (readiness, count)) in counts.iter().enumerate() {
        let x = (index % COLUMNS) as f64 * (WIDTH / COLUMNS as f64);
        let y = legend_top + (index / COLUMNS) as f64 * LEGEND_ROW;
        let _ = writeln!(
            out,
            "<g><rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\">{} <tspan class=\"muted\">({count})</tspan></text></g>",
            num(x),
            num(y),
            readiness_color(readiness),
            num(x + 18.0),
            num(y + 11.0),
            esc(&shorten(readiness, 24)),
        );
    }
    out.push_str("</svg>\n</figure>\n");
}

// ---------------------------------------------------------------------------------------------
// The flag table.

/// The table: one row per flag, in chart order (oldest first), sortable by its headers.
fn flag_table(out: &mut String, flags: &[Flag], environments: &[&str]) {
    let _ = writeln!(
        out,
        "<section id=\"flag-list\">\n<h2>Flags <span class=\"count\">({})</span></h2>",
        flags.len()
    );
    if flags.is_empty() {
        out.push_str("<p class=\"empty\">This report has no flags.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<p class=\"muted\">Click a key for its evidence and removal plan; \
         click a header to sort.</p>\n",
    );
    out.push_str("<div class=\"table-wrap\">\n<table id=\"flags\">\n<thead>\n<tr>");
    table_head(out, environments);
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for flag in flags {
        flag_row(out, flag, environments);
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

/// How a column sorts and aligns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    /// Sorted as text, left-aligned.
    Text,
    /// Sorted by a number in `data-sort`, left-aligned (readiness, states, warnings).
    Ranked,
    /// A number, sorted as one and right-aligned.
    Number,
}

/// The header cells; the rows start sorted by age, oldest first.
fn table_head(out: &mut String, environments: &[&str]) {
    let column = |out: &mut String, label: &str, column: Column, sorted: Option<&str>| {
        let _ = write!(
            out,
            "<th scope=\"col\"{} data-type=\"{}\" aria-sort=\"{}\">{}</th>",
            if column == Column::Number {
                " class=\"num\""
            } else {
                ""
            },
            if column == Column::Text {
                "text"
            } else {
                "num"
            },
            sorted.unwrap_or("none"),
            esc(label),
        );
    };
    column(out, "Key", Column::Text, None);
    column(out, "Kind / type", Column::Text, None);
    column(out, "Owner", Column::Text, None);
    column(out, "Age (days)", Column::Number, Some("descending"));
    column(out, "Readiness", Column::Ranked, None);
    for environment in environments {
        column(out, environment, Column::Ranked, None);
    }
    column(out, "Checks", Column::Number, None);
    column(out, "Tests on / off", Column::Number, None);
    column(out, "Warnings", Column::Ranked, None);
}

/// One flag row.
fn flag_row(out: &mut String, flag: &Flag, environments: &[&str]) {
    let raw = flag.raw;
    out.push_str("<tr>");
    let _ = write!(
        out,
        "<td class=\"key\" data-sort=\"{key}\"><details><summary><code>{key}</code></summary>\
         <div class=\"more\">",
        key = esc(flag.key),
    );
    details(out, flag);
    out.push_str("</div></details></td>");
    kind_cell(out, raw);
    let owner = given(&raw.owner);
    let _ = write!(
        out,
        "<td data-sort=\"{}\">{}</td>",
        esc(owner.unwrap_or("")),
        esc(owner.unwrap_or(MISSING)),
    );
    age_cell(out, flag);
    let _ = write!(
        out,
        "<td data-sort=\"{}\">{}</td>",
        readiness_rank(flag.readiness),
        chip(flag.readiness, None),
    );
    for environment in environments {
        state_cell(out, environment, raw.states.get(*environment));
    }
    let _ = write!(
        out,
        "<td class=\"num\" data-sort=\"{count}\">{count}</td>",
        count = raw.checks
    );
    let tests = &raw.tests;
    let _ = write!(
        out,
        "<td class=\"num\" data-sort=\"{}\" title=\"tests with the flag on / off\">{} / {}</td>",
        tests.on.saturating_add(tests.off),
        tests.on,
        tests.off,
    );
    warnings_cell(out, &texts(&raw.warnings));
    out.push_str("</tr>\n");
}

/// Kind and type, e.g. "flag · release".
fn kind_cell(out: &mut String, raw: &FlagReport) {
    let parts: Vec<&str> = [given(&raw.kind), given(&raw.flag_type)]
        .into_iter()
        .flatten()
        .collect();
    let sort = parts.join(" ");
    let shown = if parts.is_empty() {
        format!("<span class=\"muted\">{MISSING}</span>")
    } else {
        parts
            .iter()
            .map(|part| esc(part))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let _ = write!(
        out,
        "<td class=\"nowrap\" data-sort=\"{}\">{shown}</td>",
        esc(&sort)
    );
}

/// Age in days, with the introduction date and lifetime as its title; red when past the lifetime.
fn age_cell(out: &mut String, flag: &Flag) {
    let raw = flag.raw;
    let mut title = match given(&raw.introduced) {
        Some(date) => format!("introduced {date}"),
        None => "introduced: unknown".to_owned(),
    };
    if let Some(from) = given(&raw.introduced_from) {
        let _ = write!(title, " ({from})");
    }
    match flag.lifetime {
        Some(lifetime) => {
            let _ = write!(title, "; lifetime {lifetime} days");
        }
        None if raw.lifetime_days.is_none() => title.push_str("; permanent"),
        None => {}
    }
    let overdue =
        matches!((flag.age, flag.lifetime), (Some(age), Some(lifetime)) if age > lifetime);
    let _ = write!(
        out,
        "<td class=\"num{}\" data-sort=\"{}\" title=\"{}\">{}</td>",
        if overdue { " over" } else { "" },
        flag.age.map(|age| age.to_string()).unwrap_or_default(),
        esc(&title),
        flag.age
            .map_or_else(|| "?".to_owned(), |age| age.to_string()),
    );
}

/// An environment's state and percent, e.g. "partial 50%".
fn state_cell(out: &mut String, environment: &str, value: Option<&StateReport>) {
    let Some((value, state)) = value.and_then(|value| Some((value, non_empty(&value.state)?)))
    else {
        let _ = write!(
            out,
            "<td class=\"st st-other\" data-sort=\"\" title=\"{}: no state\">{MISSING}</td>",
            esc(environment)
        );
        return;
    };
    let percent = given(&value.percent);
    let rank = STATES.iter().find(|&&(name, _)| name == state);
    let percent_value = percent
        .and_then(|text| text.trim_end_matches('%').trim().parse::<f64>().ok())
        .filter(|value| value.is_finite());
    let sort = rank.map_or_else(String::new, |&(_, rank)| {
        num(f64::from(rank) * 1000.0 + percent_value.unwrap_or(0.0).clamp(0.0, 100.0))
    });
    let mut shown = state.to_owned();
    if let Some(percent) = percent {
        let _ = write!(shown, " {}", percent.trim_end_matches('%'));
        shown.push('%');
    }
    let mut title = format!("{environment}: {shown}");
    if let Some(since) = given(&value.since) {
        let _ = write!(title, ", since {since}");
    }
    let _ = write!(
        out,
        "<td class=\"st st-{}\" data-sort=\"{sort}\" title=\"{}\">{}</td>",
        rank.map_or("other", |&(name, _)| name),
        esc(&title),
        esc(&shown),
    );
}

/// The warnings as a list; sorted by their number.
fn warnings_cell(out: &mut String, warnings: &[&str]) {
    let _ = write!(out, "<td data-sort=\"{}\">", warnings.len());
    if !warnings.is_empty() {
        out.push_str("<ul class=\"warnings\">");
        for warning in warnings {
            let _ = write!(out, "<li>{}</li>", esc(warning));
        }
        out.push_str("</ul>");
    }
    out.push_str("</td>");
}

// ---------------------------------------------------------------------------------------------
// Per-flag details.

/// Facts, evidence and the removal plan of a flag.
fn details(out: &mut String, flag: &Flag) {
    let raw = flag.raw;
    facts(out, flag);
    let evidence = texts(&raw.evidence);
    if !evidence.is_empty() {
        out.push_str("<h4>Evidence</h4>");
        list(out, evidence.into_iter().map(esc));
    }
    out.push_str("<h4>Removal plan</h4>");
    match &raw.plan {
        Some(plan) => removal_plan(out, plan),
        None => out.push_str("<p class=\"muted\">No removal plan.</p>"),
    }
}

/// The facts about a flag as a definition list.
fn facts(out: &mut String, flag: &Flag) {
    let raw = flag.raw;
    out.push_str("<dl class=\"facts\">");
    let mut fact = |name: &str, html: String| {
        let _ = write!(out, "<dt>{name}</dt><dd>{html}</dd>");
    };
    let introduced = given(&raw.introduced).map_or_else(|| "unknown".to_owned(), esc);
    let from = given(&raw.introduced_from)
        .map(|from| format!(" <span class=\"muted\">({})</span>", esc(from)))
        .unwrap_or_default();
    fact("Introduced", format!("{introduced}{from}"));
    let lifetime = match (flag.lifetime, raw.lifetime_days) {
        (Some(days), _) => plural(days, "day", "days"),
        (None, None) => "permanent".to_owned(),
        (None, Some(_)) => MISSING.to_owned(),
    };
    fact("Lifetime", lifetime);
    for (name, value) in [
        ("Remove by", &raw.remove_by),
        ("Last check change", &raw.last_check_change),
    ] {
        if let Some(value) = given(value) {
            fact(name, esc(value));
        }
    }
    if !raw.definitions.is_empty() {
        let mut html = String::from("<ul>");
        for definition in &raw.definitions {
            let _ = write!(
                html,
                "<li><code>{}</code>",
                esc(&location(&definition.path, definition.line))
            );
            if let Some(symbol) = non_empty(&definition.symbol) {
                let _ = write!(html, " <code>{}</code>", esc(symbol));
            }
            if let Some(side) = non_empty(&definition.side) {
                let _ = write!(html, " <span class=\"muted\">({})</span>", esc(side));
            }
            html.push_str("</li>");
        }
        html.push_str("</ul>");
        fact("Defined in", html);
    }
    out.push_str("</dl>");
}

/// The removal plan: its step, edits, definitions to delete, migration, constants to inline.
fn removal_plan(out: &mut String, plan: &PlanReport) {
    let _ = write!(
        out,
        "<p><strong>Step {}: </strong>{}</p>",
        plan.step,
        esc(&plan.summary)
    );
    let edits: Vec<String> = plan
        .edits
        .iter()
        .map(|edit| {
            let mut item = format!("<code>{}</code>", esc(&location(&edit.path, edit.line)));
            if let Some(kind) = non_empty(&edit.kind) {
                let _ = write!(item, " <span class=\"muted\">({})</span>", esc(kind));
            }
            if let Some(keep) = non_empty(&edit.keep) {
                let _ = write!(item, " — keep {}", esc(keep));
            }
            item
        })
        .collect();
    plan_list(out, "Edits", edits);
    let deletions: Vec<String> = plan
        .delete_definitions
        .iter()
        .map(|definition| {
            let symbol = non_empty(&definition.symbol)
                .map(|symbol| format!(" <code>{}</code>", esc(symbol)))
                .unwrap_or_default();
            format!(
                "<code>{}</code>{symbol}",
                esc(&location(&definition.path, definition.line))
            )
        })
        .collect();
    plan_list(out, "Delete definitions", deletions);
    if let Some(migration) = &plan.migration {
        out.push_str("<h4>Add a migration</h4>");
        let app = non_empty(&migration.app)
            .map(|app| format!("in app <code>{}</code>", esc(app)))
            .unwrap_or_else(|| "a data migration".to_owned());
        let note = non_empty(&migration.note)
            .map(|note| format!(": {}", esc(note)))
            .unwrap_or_default();
        let _ = write!(out, "<p>{app}{note}</p>");
    }
    let inlines: Vec<String> = plan
        .inline
        .iter()
        .map(|constant| {
            let symbol = non_empty(&constant.symbol).unwrap_or("?");
            let value = given(&constant.value)
                .map(|value| format!(" → <code>&quot;{}&quot;</code>", esc(value)))
                .unwrap_or_default();
            format!(
                "<code>{}</code> <code>{}</code>{value}",
                esc(&location(&constant.path, constant.line)),
                esc(symbol)
            )
        })
        .collect();
    plan_list(out, "Inline constants", inlines);
}

/// A titled list of plan items, left out when empty.
fn plan_list(out: &mut String, title: &str, items: Vec<String>) {
    if items.is_empty() {
        return;
    }
    let _ = write!(out, "<h4>{title}</h4>");
    list(out, items.into_iter());
}

/// A `<ul>` of already escaped items.
fn list(out: &mut String, items: impl Iterator<Item = String>) {
    out.push_str("<ul>");
    for item in items {
        let _ = write!(out, "<li>{item}</li>");
    }
    out.push_str("</ul>");
}

// ---------------------------------------------------------------------------------------------
// Orphaned states.

/// Values stored in an environment for keys not in code; nothing when there are none.
fn orphaned_states(out: &mut String, report: &ReportDocument) {
    let orphans = &report.orphaned_states;
    if orphans.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"orphaned\">\n<h2>Orphaned states <span class=\"count\">({})</span></h2>\n\
         <p class=\"muted\">Values stored in an environment for keys that are no longer in code.</p>",
        orphans.len()
    );
    out.push_str(
        "<div class=\"table-wrap\">\n<table class=\"orphans\">\n<thead>\n<tr>\
         <th scope=\"col\">Key</th><th scope=\"col\">Environment</th><th scope=\"col\">State</th>\
         </tr>\n</thead>\n<tbody>\n",
    );
    for orphan in orphans {
        let cell = |text: &str| esc(non_empty(text).unwrap_or(MISSING));
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            cell(&orphan.key),
            cell(&orphan.environment),
            cell(&orphan.state),
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// The report document a JSON literal describes.
    fn doc(value: Value) -> ReportDocument {
        serde_json::from_value(value).expect("a report document")
    }

    /// A flag with every field set.
    fn full_flag(key: &str, readiness: &str, age: Value, lifetime: Value) -> Value {
        json!({
            "key": key,
            "kind": "flag",
            "type": "release",
            "owner": "@billing",
            "remove_by": "2026-03-01",
            "introduced": "2026-01-05",
            "introduced_from": "git blame backend/feature_flags/flags.py:2",
            "age_days": age,
            "lifetime_days": lifetime,
            "last_check_change": "2026-02-02",
            "definitions": [{"side": "backend", "path": "backend/feature_flags/flags.py",
                             "line": 2, "symbol": "NEW_INVOICES"}],
            "checks": 3,
            "tests": {"on": 1, "off": 0},
            "states": {"prod": {"state": "on", "percent": null, "since": "2026-03-01"},
                       "staging": {"state": "partial", "percent": "50", "since": null}},
            "readiness": readiness,
            "evidence": ["on for everyone in every environment since 2026-03-01"],
            "warnings": ["environment-drift: on in prod but off in staging"],
            "plan": {
                "step": 1,
                "summary": "remove every usage, keeping the new code path",
                "edits": [{"path": "backend/billing/views.py", "line": 7, "kind": "check",
                           "keep": "the if branch"}],
                "delete_definitions": [{"path": "backend/feature_flags/flags.py", "line": 2,
                                        "symbol": "NEW_INVOICES"}],
                "migration": {"app": "billing", "note": "delete the waffle row"},
                "inline": [{"path": "backend/billing/migrations/0002_x.py", "line": 3,
                            "symbol": "NEW_INVOICES", "value": "new_invoices"}]
            }
        })
    }

    /// A document with a flag per readiness value, null fields, unknown ages and HTML-special
    /// characters.
    fn sample() -> ReportDocument {
        let mut flags: Vec<Value> = READINESS_COLORS
            .iter()
            .enumerate()
            .map(|(i, &(readiness, _))| {
                let age = if i % 4 == 3 {
                    Value::Null
                } else {
                    json!(20 + i as i64 * 17)
                };
                let lifetime = match i % 3 {
                    0 => json!(90),
                    1 => json!(30),
                    _ => Value::Null,
                };
                full_flag(&format!("flag_{readiness}"), readiness, age, lifetime)
            })
            .collect();
        flags.push(json!({
            "key": "<b>\"bold\" & 'brave'</b>",
            "kind": null, "type": null, "owner": "@team<&>", "remove_by": null,
            "introduced": null, "introduced_from": null, "age_days": null, "lifetime_days": null,
            "last_check_change": null, "definitions": [], "checks": 0, "tests": {"on": 0, "off": 0},
            "states": {"prod": {"state": "absent", "percent": null, "since": null},
                       "staging": {"state": "pilot", "percent": "5", "since": "2026-04-01"}},
            "readiness": "mystery", "evidence": [], "warnings": [], "plan": null
        }));
        doc(json!({
            "version": 1,
            "today": "2026-05-01",
            "environments": ["prod", "staging"],
            "summary": {"flags": flags.len(), "warnings": 11},
            "flags": flags,
            "orphaned_states": [{"key": "old_thing", "environment": "prod", "state": "on"}]
        }))
    }

    /// The flag table's body.
    fn tbody(html: &str) -> &str {
        let table = &html[html.find("<table id=\"flags\"").expect("flag table")..];
        let start = table.find("<tbody>").expect("tbody");
        let end = table.find("</tbody>").expect("end of tbody");
        &table[start..end]
    }

    /// Opening `<name ...>` or `<name>` tags.
    fn opening(html: &str, name: &str) -> usize {
        let pattern = format!("<{name}");
        html.match_indices(&pattern)
            .filter(|(at, _)| {
                matches!(
                    html[at + pattern.len()..].chars().next(),
                    Some(' ' | '>' | '\n')
                )
            })
            .count()
    }

    /// Asserts every container tag is closed as often as it is opened.
    fn assert_balanced(html: &str) {
        for name in [
            "html",
            "head",
            "body",
            "header",
            "main",
            "section",
            "footer",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "svg",
            "g",
            "text",
            "title",
            "figure",
            "figcaption",
            "details",
            "summary",
            "ul",
            "li",
            "dl",
            "dt",
            "dd",
            "div",
            "p",
            "code",
            "span",
            "style",
            "script",
            "h1",
            "h2",
            "h4",
            "strong",
            "b",
            "tspan",
        ] {
            assert_eq!(
                opening(html, name),
                html.matches(&format!("</{name}>")).count(),
                "<{name}> unbalanced"
            );
        }
    }

    #[test]
    fn page_is_a_complete_document() {
        let html = render(&sample());
        assert!(html.starts_with("<!DOCTYPE html>\n"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("<title>flaglint report — 2026-05-01</title>"));
        assert!(html.contains("<style>"));
        assert!(html.ends_with("</html>\n"));
        assert_balanced(&html);
    }

    #[test]
    fn nothing_is_fetched() {
        let html = render(&sample());
        for needle in ["http:", "https:", "//", "src=\"", "url("] {
            assert!(!html.contains(needle), "found {needle:?}");
        }
        assert!(html.contains("default-src 'none'"));
    }

    #[test]
    fn text_is_escaped() {
        let html = render(&sample());
        assert!(html.contains("&lt;b&gt;&quot;bold&quot; &amp; &#39;brave&#39;&lt;/b&gt;"));
        assert!(html.contains("@team&lt;&amp;&gt;"));
        assert!(!html.contains("<b>\"bold\""));
        assert!(!html.contains("@team<"));
        assert_eq!(esc("&<>\"'x"), "&amp;&lt;&gt;&quot;&#39;x");
    }

    #[test]
    fn one_row_per_flag() {
        let document = sample();
        let html = render(&document);
        let flags = document.flags.len();
        assert_eq!(opening(tbody(&html), "tr"), flags);
        assert_eq!(opening(tbody(&html), "details"), flags);
    }

    #[test]
    fn every_readiness_has_its_color() {
        let html = render(&sample());
        for (readiness, color) in READINESS_COLORS {
            assert!(html.contains(&format!(".rd-{readiness} {{ background: {color}; }}")));
            assert!(html.contains(&format!("<span class=\"chip rd-{readiness}\">")));
            assert!(html.contains(&format!("fill=\"{color}\"")), "{readiness}");
        }
        assert!(html.contains("<span class=\"chip rd-other\">mystery</span>"));
    }

    #[test]
    fn age_chart_has_bars_lines_and_stubs() {
        let html = render(&sample());
        assert!(html.contains("<svg class=\"ages\""));
        assert!(html.contains("<svg class=\"readiness\""));
        assert!(html.contains(">age unknown</text>"));
        assert!(html.contains(&format!("fill=\"{UNKNOWN_AGE_COLOR}\"")));
        assert_eq!(
            html.matches("stroke-dasharray").count(),
            2,
            "lifetimes 30 and 90"
        );
        assert!(html.contains(">30 d</text>") && html.contains(">90 d</text>"));
        assert!(html.contains("class=\"over\""));
    }

    #[test]
    fn bars_are_oldest_first_with_unknown_ages_last() {
        let document = sample();
        let flags = flags_of(&document);
        let ages: Vec<Option<i64>> = flags.iter().map(|flag| flag.age).collect();
        let known: Vec<i64> = ages.iter().flatten().copied().collect();
        assert!(known.windows(2).all(|pair| pair[0] >= pair[1]));
        let first_unknown = ages.iter().position(Option::is_none).expect("unknown ages");
        assert!(ages[first_unknown..].iter().all(Option::is_none));
        let html = render(&document);
        let oldest = html.find(">flag_unknown<").expect("oldest bar");
        let youngest = html.find(">flag_in-development<").expect("youngest bar");
        assert!(oldest < youngest);
    }

    #[test]
    fn default_lifetime_is_marked_without_lifetimes() {
        let html = render(&doc(json!({"flags": [{"key": "a", "age_days": 12}]})));
        assert_eq!(html.matches("stroke-dasharray").count(), 1);
        assert!(html.contains(">90 d</text>"));
    }

    #[test]
    fn table_is_sortable() {
        let html = render(&sample());
        assert!(html.contains("<script>") && html.contains("function sortBy(th)"));
        assert!(html.contains("aria-sort=\"descending\">Age (days)</th>"));
        assert!(html.contains("data-type=\"num\""));
        assert!(html.contains("data-sort=\"3\">3</td>"));
        assert!(!SCRIPT.contains("</script"));
    }

    #[test]
    fn environments_show_state_and_percent() {
        let html = render(&sample());
        assert!(html.contains(">prod</th>") && html.contains(">staging</th>"));
        assert!(html.contains("<td class=\"st st-partial\" data-sort=\"3050\""));
        assert!(html.contains(">partial 50%</td>"));
        assert!(html.contains("title=\"prod: on, since 2026-03-01\">on</td>"));
        assert!(html.contains(">pilot 5%</td>"));
    }

    #[test]
    fn details_show_evidence_and_plan() {
        let html = render(&sample());
        assert!(html.contains("<h4>Evidence</h4>"));
        assert!(html.contains("<code>backend/billing/views.py:7</code>"));
        assert!(html.contains("— keep the if branch"));
        assert!(html.contains("<h4>Delete definitions</h4>"));
        assert!(html.contains("in app <code>billing</code>: delete the waffle row"));
        assert!(html.contains("<code>NEW_INVOICES</code> → <code>&quot;new_invoices&quot;</code>"));
        assert!(html.contains("No removal plan."));
        assert!(html.contains("title=\"introduced 2026-01-05 (git blame"));
    }

    #[test]
    fn orphaned_states_only_when_present() {
        let html = render(&sample());
        assert!(html.contains("<section id=\"orphaned\">"));
        assert!(html.contains("<code>old_thing</code>"));
        let none = render(&doc(json!({"flags": [], "orphaned_states": []})));
        assert!(!none.contains("id=\"orphaned\""));
    }

    #[test]
    fn empty_report_is_a_valid_page() {
        let html = render(&doc(
            json!({"version": 1, "today": "2026-05-01", "flags": []}),
        ));
        assert!(html.contains("This report has no flags."));
        assert!(html.contains("no flags to chart"));
        assert!(!html.contains("<table"));
        assert!(html.contains("<script>"));
        assert!(html.ends_with('\n'));
        assert_balanced(&html);
    }

    #[test]
    fn odd_documents_do_not_panic() {
        let odd = [
            ReportDocument::default(),
            doc(
                json!({"environments": ["", "a", "a"], "summary": {"by_readiness": {"stale": 2, "pilot": 0}},
                   "flags": [{"key": "", "readiness": "", "lifetime_days": -3,
                   "states": {"x": {"state": "on"}, "": {"state": ""}, "y": {"percent": "%"}},
                   "plan": {"edits": [{}], "migration": {}, "inline": [{}]},
                   "definitions": [{}], "warnings": [""], "evidence": [""]}],
                   "orphaned_states": [{}]}),
            ),
            doc(json!({"flags": [{"age_days": i64::MAX, "lifetime_days": 1}, {"age_days": -5}]})),
        ];
        for document in odd {
            let html = render(&document);
            assert!(html.ends_with("</html>\n"));
            assert_balanced(&html);
        }
    }

    #[test]
    fn same_input_same_bytes() {
        assert_eq!(render(&sample()), render(&sample()));
    }

    #[test]
    fn chart_numbers_have_at_most_one_decimal() {
        let html = render(&sample());
        for attribute in ["x=\"", "y=\"", "width=\"", "x1=\"", "x2=\""] {
            for (at, _) in html.match_indices(attribute) {
                let value: String = html[at + attribute.len()..]
                    .chars()
                    .take_while(|&c| c != '"')
                    .collect();
                if value.parse::<f64>().is_ok() {
                    let decimals = value.split('.').nth(1).map_or(0, str::len);
                    assert!(decimals <= 1, "{attribute}{value}");
                }
            }
        }
        assert_eq!(num(1.25), "1.2");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn readiness_counts_come_from_summary_or_flags() {
        let from_flags = render(&doc(json!({"flags": [
            {"key": "a", "readiness": "stale"}, {"key": "b", "readiness": "stale"},
            {"key": "c", "readiness": "pilot"}]})));
        assert!(from_flags.contains("<span class=\"chip rd-stale\">stale <b>2</b></span>"));
        let document = doc(json!({"summary": {"by_readiness": {"soaking": 4}}, "flags": []}));
        let counts = readiness_counts(&document, &flags_of(&document));
        assert_eq!(counts, vec![("soaking", 4)]);
    }

    /// Writes the sample page to the path in `FLAGLINT_HTML_SAMPLE`, for a look in a browser.
    #[test]
    fn sample_page() {
        if let Ok(path) = std::env::var("FLAGLINT_HTML_SAMPLE") {
            std::fs::write(path, render(&sample())).expect("write the sample page");
        }
    }
}
