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
//! The page is the template `assets/report.html`, rendered with escaping on by default; this
//! module prepares what it shows (texts, sort keys, chart geometry). Empty values are shown as
//! "—" instead of failing. The output is deterministic: the same document gives the same bytes.

use indexmap::{IndexMap, IndexSet};
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, Output, State};
use serde::Serialize;

use super::document::{FlagReport, OrphanedState, ReportDocument, StateReport, Summary};

/// The color of each readiness value, in lifecycle order: the order of the header chips, of the
/// chart legend and of the table's readiness sort. White text on any of them stays readable.
/// Values not listed here use [`OTHER_COLOR`].
pub(crate) const READINESS_COLORS: [(&str, &str); 11] = [
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

/// The page, with escaping on for every value it shows.
const TEMPLATE: &str = include_str!("assets/report.html");

/// The stylesheet; readiness classes are appended from [`READINESS_COLORS`].
const CSS: &str = include_str!("assets/report.css");

/// Sorts the flag table when a header is clicked: numeric or text per `data-type`, by each cell's
/// `data-sort`; empty values last; stable; clicking again toggles the direction (`aria-sort`).
/// Headers become buttons only here, so the page reads the same without JS.
const SCRIPT: &str = include_str!("assets/report.js");

/// One self-contained HTML page (no network: inline CSS, inline JS, inline SVG) from the report
/// document.
pub fn render(report: &ReportDocument) -> String {
    let page = Page::of(report);
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("a valid syntax"),
    );
    env.set_formatter(escape);
    env.add_filter("num", num);
    // Counts beyond `i64` wrap as they do in Rust.
    env.add_filter("plural", |count: i128, one: &str, many: &str| {
        plural(count as i64, one, many)
    });
    // `source(path, line)`: the link to a line of the source, or "" without `[report] source-url`.
    let source_url = report.source_url.clone();
    env.add_function("source", move |path: &str, line: i64| -> String {
        source_link(source_url.as_deref(), path, line)
    });
    let context = minijinja::context! {
        css => Value::from_safe_string(CSS.to_owned()),
        script => Value::from_safe_string(SCRIPT.to_owned()),
        ..Value::from(minijinja::value::Serde(&page))
    };
    // The name's extension turns HTML escaping on.
    env.render_named_str("report.html", TEMPLATE, context)
        .expect("the report template renders every document")
}

/// A link to a line of the source from the `[report] source-url` template; "" without one.
fn source_link(template: Option<&str>, path: &str, line: i64) -> String {
    let Some(template) = template.filter(|_| !path.is_empty()) else {
        return String::new();
    };
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(byte as char)
            }
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    template
        .replace("{path}", &encoded)
        .replace("{line}", &line.max(1).to_string())
}

/// Writes a value into the page, escaped for HTML content and quoted attributes.
fn escape(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    if value.is_safe() || *state.auto_escape() == AutoEscape::None {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = match value.as_str() {
        Some(text) => esc(text),
        None => esc(&value.to_string()),
    };
    out.write_str(&text).map_err(Error::from)
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

impl Flag<'_> {
    /// Older than its lifetime.
    fn overdue(&self) -> bool {
        matches!((self.age, self.lifetime), (Some(age), Some(lifetime)) if age > lifetime)
    }
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
    let given = report.environments.iter().map(String::as_str);
    let mut environments: IndexSet<&str> = given.filter(|name| !name.is_empty()).collect();
    let mut extra: Vec<&str> = flags
        .iter()
        .flat_map(|flag| flag.raw.states.keys())
        .map(String::as_str)
        .filter(|name| !name.is_empty() && !environments.contains(name))
        .collect();
    extra.sort_unstable();
    environments.extend(extra);
    environments.into_iter().collect()
}

/// Flags per readiness: the summary's `by_readiness`, or counted from the flags when it has none;
/// in palette order, other values after by name; zero counts left out.
fn readiness_counts<'a>(report: &'a ReportDocument, flags: &[Flag<'a>]) -> Vec<(&'a str, i64)> {
    let mut counts: Vec<(&str, i64)> = if report.summary.by_readiness.is_empty() {
        let mut counted: IndexMap<&str, i64> = IndexMap::new();
        for flag in flags {
            *counted.entry(flag.readiness).or_default() += 1;
        }
        counted.into_iter().collect()
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

// ---------------------------------------------------------------------------------------------
// What the page shows.

/// Everything the template draws, in page order; the template writes numbers with the `num`
/// filter and counts with the `plural` filter.
#[derive(Serialize)]
struct Page<'a> {
    today: Option<&'a str>,
    palette: [(&'static str, &'static str); 11],
    other_color: &'static str,
    unknown_age_color: &'static str,
    missing: &'static str,
    summary: &'a Summary,
    counts: Vec<ReadinessCount<'a>>,
    readiness_total: i64,
    readiness_chart: ReadinessChart,
    notes: Vec<&'a str>,
    ages: Option<AgeChart<'a>>,
    /// With many flags, ages in buckets instead of a bar per flag.
    buckets: Option<AgeBuckets>,
    /// The state columns of the flag table.
    environments: Vec<&'a str>,
    rows: Vec<Row<'a>>,
    rows_count: usize,
    orphans: &'a [OrphanedState],
    orphans_count: usize,
    version: u32,
}

impl<'a> Page<'a> {
    fn of(report: &'a ReportDocument) -> Self {
        let flags = flags_of(report);
        let environments = environments_of(report, &flags);
        let counts = readiness_counts(report, &flags);
        let total: i64 = counts.iter().map(|&(_, count)| count).sum();
        let (readiness_chart, counts) = readiness_chart(&counts, total);
        Page {
            today: non_empty(&report.today),
            palette: READINESS_COLORS,
            other_color: OTHER_COLOR,
            unknown_age_color: UNKNOWN_AGE_COLOR,
            missing: MISSING,
            summary: &report.summary,
            counts,
            readiness_total: total,
            readiness_chart,
            notes: texts(&report.notes),
            ages: (!flags.is_empty() && flags.len() <= MAX_AGE_BARS).then(|| age_chart(&flags)),
            buckets: (flags.len() > MAX_AGE_BARS).then(|| age_buckets(&flags)),
            rows_count: flags.len(),
            rows: flags.iter().map(|flag| row(flag, &environments)).collect(),
            environments,
            orphans: &report.orphaned_states,
            orphans_count: report.orphaned_states.len(),
            version: report.version,
        }
    }
}

/// A readiness value: its chip, its bar and its legend entry.
#[derive(Serialize)]
struct ReadinessCount<'a> {
    name: &'a str,
    short_name: String,
    class: String,
    color: &'static str,
    count: i64,
    /// Where its bar starts and ends.
    x: f64,
    end: f64,
    /// The top left of its legend entry.
    legend_x: f64,
    legend_y: f64,
}

/// Geometry of the readiness chart.
#[derive(Serialize)]
struct ReadinessChart {
    width: f64,
    height: f64,
    bar: f64,
}

/// Most flags drawn as one bar each; past this the ages are shown in buckets.
const MAX_AGE_BARS: usize = 40;

/// Ages in buckets of days, each bar split by readiness.
#[derive(Serialize)]
struct AgeBuckets {
    width: f64,
    height: f64,
    left: f64,
    bars: Vec<AgeBucket>,
}

#[derive(Serialize)]
struct AgeBucket {
    label: &'static str,
    count: usize,
    top: f64,
    /// Segments by readiness: (x, width, color, readiness, count).
    segments: Vec<(f64, f64, &'static str, String, usize)>,
    end: f64,
}

/// The ages of many flags in buckets (`0-30 d` ... `over a year`, `unknown`), each bar split by
/// readiness in the palette's colours.
fn age_buckets(flags: &[Flag]) -> AgeBuckets {
    const BUCKETS: [(&str, i64, i64); 6] = [
        ("0-30 d", 0, 30),
        ("30-60 d", 30, 60),
        ("60-90 d", 60, 90),
        ("90-180 d", 90, 180),
        ("180-365 d", 180, 365),
        ("over a year", 365, i64::MAX),
    ];
    const LEFT: f64 = 100.0;
    const PLOT: f64 = 480.0;
    const ROW: f64 = 26.0;
    let mut groups: Vec<(&'static str, Vec<&Flag>)> = BUCKETS
        .iter()
        .map(|(label, low, high)| {
            let members = flags
                .iter()
                .filter(|f| f.age.is_some_and(|a| a >= *low && a < *high))
                .collect();
            (*label, members)
        })
        .collect();
    groups.push((
        "unknown",
        flags.iter().filter(|f| f.age.is_none()).collect(),
    ));
    let most = groups
        .iter()
        .map(|(_, m)| m.len())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let bars: Vec<AgeBucket> = groups
        .into_iter()
        .enumerate()
        .map(|(index, (label, members))| {
            let mut by_readiness: Vec<(&str, usize)> = Vec::new();
            for flag in &members {
                match by_readiness.iter_mut().find(|(r, _)| *r == flag.readiness) {
                    Some(entry) => entry.1 += 1,
                    None => by_readiness.push((flag.readiness, 1)),
                }
            }
            by_readiness.sort_by_key(|(r, _)| readiness_rank(r));
            let mut x = LEFT;
            let segments = by_readiness
                .into_iter()
                .map(|(readiness, count)| {
                    let width = PLOT * count as f64 / most;
                    let segment = (
                        x,
                        width,
                        readiness_color(readiness),
                        readiness.to_string(),
                        count,
                    );
                    x += width;
                    segment
                })
                .collect();
            AgeBucket {
                label,
                count: members.len(),
                top: 8.0 + index as f64 * ROW,
                segments,
                end: x,
            }
        })
        .collect();
    AgeBuckets {
        width: LEFT + PLOT + 60.0,
        height: 16.0 + bars.len() as f64 * ROW,
        left: LEFT,
        bars,
    }
}

/// The age chart.
#[derive(Serialize)]
struct AgeChart<'a> {
    width: f64,
    height: f64,
    /// Where the bars start.
    left: f64,
    top: f64,
    bottom: f64,
    bars: Vec<AgeBar<'a>>,
    marks: Vec<LifetimeMark>,
}

/// One flag's bar; `end` is `None` for a flag of unknown age (a grey stub).
#[derive(Serialize)]
struct AgeBar<'a> {
    key: &'a str,
    readiness: &'a str,
    label: String,
    /// "age unknown", or the age and how it compares with the lifetime.
    age_text: String,
    top: f64,
    end: Option<f64>,
    color: &'static str,
    lifetime_x: Option<f64>,
    over: bool,
    age: Option<i64>,
}

/// A dashed lifetime line.
#[derive(Serialize)]
struct LifetimeMark {
    days: i64,
    x: f64,
    /// Labels of lines close together are staggered.
    label_y: &'static str,
}

/// One row of the flag table: the flag as the document has it, and what the page derives.
#[derive(Serialize)]
struct Row<'a> {
    raw: &'a FlagReport,
    key: &'a str,
    lifetime: String,
    evidence: Vec<&'a str>,
    /// Kind and type, e.g. "flag · release".
    kind: Option<String>,
    kind_sort: String,
    over: bool,
    age_title: String,
    readiness: &'a str,
    readiness_class: String,
    readiness_rank: usize,
    states: Vec<StateCell>,
    tests_sort: usize,
    warnings: Vec<&'a str>,
    warnings_count: usize,
}

/// An environment's state, e.g. "partial 50%".
#[derive(Serialize)]
struct StateCell {
    class: &'static str,
    sort: String,
    title: String,
    shown: String,
}

/// The stacked bar of flags per readiness and its legend.
fn readiness_chart<'a>(
    counts: &[(&'a str, i64)],
    total: i64,
) -> (ReadinessChart, Vec<ReadinessCount<'a>>) {
    const WIDTH: f64 = 640.0;
    const BAR: f64 = 28.0;
    const COLUMNS: usize = 3;
    const LEGEND_ROW: f64 = 20.0;
    let rows = counts.len().div_ceil(COLUMNS);
    let legend_top = BAR + 18.0;
    let chart = ReadinessChart {
        width: WIDTH,
        height: legend_top + rows as f64 * LEGEND_ROW,
        bar: BAR,
    };
    let mut before = 0;
    let counts = counts
        .iter()
        .enumerate()
        .map(|(index, &(name, count))| {
            let x = before as f64 / total as f64 * WIDTH;
            before += count;
            ReadinessCount {
                name,
                short_name: shorten(name, 24),
                class: readiness_class(name),
                color: readiness_color(name),
                count,
                x,
                end: before as f64 / total as f64 * WIDTH,
                legend_x: (index % COLUMNS) as f64 * (WIDTH / COLUMNS as f64),
                legend_y: legend_top + (index / COLUMNS) as f64 * LEGEND_ROW,
            }
        })
        .collect();
    (chart, counts)
}

/// A horizontal bar per flag of its age (oldest first, colored by readiness), dashed lines at
/// the lifetimes, keys left, ages right; unknown ages as a grey stub.
fn age_chart<'a>(flags: &[Flag<'a>]) -> AgeChart<'a> {
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
    AgeChart {
        width: scale.label_width + scale.plot_width + AgeScale::RIGHT,
        height: AgeScale::row_top(flags.len()) + AgeScale::BOTTOM,
        left: scale.label_width,
        top: AgeScale::TOP,
        bottom: AgeScale::BOTTOM,
        bars: flags
            .iter()
            .enumerate()
            .map(|(index, flag)| age_bar(&scale, index, flag))
            .collect(),
        marks: lifetime_lines(&scale, &marks),
    }
}

/// One bar of the age chart.
fn age_bar<'a>(scale: &AgeScale, index: usize, flag: &Flag<'a>) -> AgeBar<'a> {
    let overdue = flag.overdue();
    let age_text = match (flag.age, flag.lifetime) {
        (None, _) => "age unknown".to_owned(),
        (Some(age), Some(lifetime)) if overdue => format!(
            "{}, {} past its {lifetime}-day lifetime",
            plural(age, "day", "days"),
            plural(age - lifetime, "day", "days")
        ),
        (Some(age), Some(lifetime)) => {
            format!("{}, lifetime {lifetime} days", plural(age, "day", "days"))
        }
        (Some(age), None) => plural(age, "day", "days"),
    };
    AgeBar {
        key: flag.key,
        readiness: flag.readiness,
        label: shorten(flag.key, CHART_KEY_CHARS),
        age_text,
        top: AgeScale::row_top(index),
        end: flag
            .age
            .map(|age| scale.x(age).max(scale.label_width + 2.0)),
        color: readiness_color(flag.readiness),
        lifetime_x: flag.lifetime.map(|lifetime| scale.x(lifetime)),
        over: overdue,
        age: flag.age,
    }
}

/// The dashed lifetime lines, their labels staggered when close together.
fn lifetime_lines(scale: &AgeScale, marks: &[i64]) -> Vec<LifetimeMark> {
    let mut previous: Option<(f64, bool)> = None;
    marks
        .iter()
        .map(|&days| {
            let x = scale.x(days);
            let raised = matches!(previous, Some((last, low)) if x - last < 44.0 && low);
            let low = !raised;
            previous = Some((x, low));
            LifetimeMark {
                days,
                x,
                label_y: if low { "22" } else { "11" },
            }
        })
        .collect()
}

/// One flag row.
fn row<'a>(flag: &Flag<'a>, environments: &[&'a str]) -> Row<'a> {
    let raw = flag.raw;
    let kind: Vec<&str> = [given(&raw.kind), given(&raw.flag_type)]
        .into_iter()
        .flatten()
        .collect();
    let warnings = texts(&raw.warnings);
    Row {
        raw,
        key: flag.key,
        lifetime: match (flag.lifetime, raw.lifetime_days) {
            (Some(days), _) => plural(days, "day", "days"),
            (None, None) => "permanent".to_owned(),
            (None, Some(_)) => MISSING.to_owned(),
        },
        evidence: texts(&raw.evidence),
        kind: (!kind.is_empty()).then(|| kind.join(" · ")),
        kind_sort: kind.join(" "),
        over: flag.overdue(),
        age_title: age_title(flag),
        readiness: flag.readiness,
        readiness_class: readiness_class(flag.readiness),
        readiness_rank: readiness_rank(flag.readiness),
        states: environments
            .iter()
            .map(|environment| state_cell(environment, raw.states.get(*environment)))
            .collect(),
        tests_sort: raw.tests.on.saturating_add(raw.tests.off),
        warnings_count: warnings.len(),
        warnings,
    }
}

/// The age's title: the introduction date and the lifetime.
fn age_title(flag: &Flag) -> String {
    let raw = flag.raw;
    let mut title = match given(&raw.introduced) {
        Some(date) => format!("introduced {date}"),
        None => "introduced: unknown".to_owned(),
    };
    if let Some(from) = given(&raw.introduced_from) {
        title.push_str(&format!(" ({from})"));
    }
    match flag.lifetime {
        Some(lifetime) => title.push_str(&format!("; lifetime {lifetime} days")),
        None if raw.lifetime_days.is_none() => title.push_str("; permanent"),
        None => {}
    }
    title
}

/// An environment's state and percent, e.g. "partial 50%".
fn state_cell(environment: &str, value: Option<&StateReport>) -> StateCell {
    let Some((value, state)) = value.and_then(|value| Some((value, non_empty(&value.state)?)))
    else {
        return StateCell {
            class: "other",
            sort: String::new(),
            title: format!("{environment}: no state"),
            shown: MISSING.to_owned(),
        };
    };
    let percent = given(&value.percent);
    let rank = STATES.iter().find(|&&(name, _)| name == state);
    let percent_value = percent
        .and_then(|text| text.trim_end_matches('%').trim().parse::<f64>().ok())
        .filter(|value| value.is_finite());
    let mut shown = state.to_owned();
    if let Some(percent) = percent {
        shown.push_str(&format!(" {}%", percent.trim_end_matches('%')));
    }
    let mut title = format!("{environment}: {shown}");
    if let Some(since) = given(&value.since) {
        title.push_str(&format!(", since {since}"));
    }
    StateCell {
        class: rank.map_or("other", |&(name, _)| name),
        sort: rank.map_or_else(String::new, |&(_, rank)| {
            num(f64::from(rank) * 1000.0 + percent_value.unwrap_or(0.0).clamp(0.0, 100.0))
        }),
        title,
        shown,
    }
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
                           "keep": "keep the if branch"}],
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
    fn definitions_and_edits_link_to_the_source_when_a_url_is_set() {
        let mut report = sample();
        assert!(!render(&report).contains("<a href="));
        report.source_url = Some("https://git.example/org/repo/blob/abc123/{path}#L{line}".into());
        let page = render(&report);
        assert!(
            page.contains("<a href=\"https://git.example/org/repo/blob/abc123/backend/feature_flags/flags.py#L"),
            "no source link"
        );
        assert_eq!(
            source_link(Some("u/{path}#L{line}"), "a b/c#d.py", 3),
            "u/a%20b/c%23d.py#L3"
        );
    }

    #[test]
    fn sample_page() {
        if let Ok(path) = std::env::var("FLAGLINT_HTML_SAMPLE") {
            std::fs::write(path, render(&sample())).expect("write the sample page");
        }
    }
}
