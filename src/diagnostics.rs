//! A located problem in the editor's own file, and the one place that prints problems.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem: what is wrong, where (path relative to the site root, 1-based line and
/// column in the editor's file), and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    #[serde(serialize_with = "path_as_str")]
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The offending source line, when known: all of it, or the part around the column
    /// when it is long (see [`EXCERPT_WIDTH`]).
    #[serde(skip)]
    pub source_line: Option<String>,
    /// The column of `source_line` to point at (1-based, in characters; 0: none).
    #[serde(skip)]
    pub caret: usize,
}

/// How much of a source line is shown, in terminal columns (a wide CJK character takes
/// two): a long line is cut to a window around the problem, so that neither a huge line
/// nor many problems on one line make the output huge.
pub const EXCERPT_WIDTH: usize = 100;
/// Of the window, how much at most comes before the problem.
const EXCERPT_BEFORE: usize = 40;
/// Marks a line cut short, at either end. ASCII, so that every terminal gives it the same
/// width and the caret stays under its character.
const CUT: &str = "...";

fn path_as_str<S: serde::Serializer>(p: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&display_path(p))
}

/// Paths are shown with forward slashes whatever the platform, lossily if not UTF-8.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' { s.replace('\\', "/") } else { s.into_owned() }
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line,
            column,
            message: message.into(),
            hint: None,
            source_line: None,
            caret: 0,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(path, line, column, message) }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// Fills in the offending line from the file's text, so the printer can show it.
    pub fn with_source(self, text: &str) -> Self {
        match self.line.checked_sub(1).and_then(|i| text.lines().nth(i)) {
            Some(line) => self.with_source_line(line),
            None => self,
        }
    }

    /// Fills in the offending line, which holds the diagnostic's column.
    pub fn with_source_line(self, line: &str) -> Self {
        let at = match self.column.checked_sub(1) {
            Some(skip) => line.char_indices().nth(skip).map_or(line.len(), |(i, _)| i),
            None => 0,
        };
        self.with_source_at(line, at)
    }

    /// Fills in the offending line when the byte offset of the column in it is known: the
    /// cost is then that of the part shown, however long the line.
    pub fn with_source_at(mut self, line: &str, at: usize) -> Self {
        let (excerpt, caret) = excerpt(line, at);
        self.source_line = Some(excerpt);
        self.caret = if self.column > 0 { caret } else { 0 };
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn locus(&self) -> String {
        let path = display_path(&self.path);
        match (self.line, self.column) {
            (0, _) => path,
            (l, 0) => format!("{path}:{l}"),
            (l, c) => format!("{path}:{l}:{c}"),
        }
    }
}

/// Every problem found in one run, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }
    /// Sorted by file, then position, so output does not depend on thread scheduling.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.column, b.severity, &b.message))
        });
        self.items.dedup();
    }

    /// Every warning made an error, for `--strict`: the message stays, and the hint says why
    /// it stops the run.
    pub fn strict(self) -> Diagnostics {
        let items = self.items.into_iter().map(|mut d| {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
                let why = "--strict counts this warning as an error";
                d.hint = Some(match d.hint {
                    Some(h) => format!("{h}\n{why}"),
                    None => why.to_string(),
                });
            }
            d
        });
        Diagnostics { items: items.collect() }
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Self {
        Diagnostics { items }
    }
}

/// How problems are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Human,
    Json,
    Github,
}

/// Renders problems for people (numbered, with the offending line), for tools (JSON lines
/// inside one array) or as GitHub workflow annotations. Serve and build both use this.
pub fn render(diags: &Diagnostics, format: Format, color: bool) -> String {
    match format {
        Format::Human => render_human(diags, color),
        Format::Json => render_json(diags),
        Format::Github => render_github(diags),
    }
}

fn paint(color: bool, code: &str, s: &str) -> String {
    if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
}

/// How many problems with one message a file shows in the text for people; the others are
/// counted in a line after the last shown (JSON and GitHub annotations list them all).
pub const SHOWN_ALIKE: usize = 10;

/// For each problem, `None` when it is not shown, else how many alike are left out after it.
fn fold_alike(diags: &[Diagnostic]) -> Vec<Option<usize>> {
    let mut groups: crate::FastMap<(&Path, Severity, &str), (usize, usize)> = Default::default();
    for d in diags {
        groups.entry((&d.path, d.severity, &d.message)).or_default().0 += 1;
    }
    diags
        .iter()
        .map(|d| {
            let (total, shown) = groups.get_mut(&(&d.path, d.severity, &d.message))?;
            *shown += 1;
            match *shown {
                n if n < SHOWN_ALIKE => Some(0),
                SHOWN_ALIKE => Some(*total - SHOWN_ALIKE),
                _ => None,
            }
        })
        .collect()
}

fn render_human(diags: &Diagnostics, color: bool) -> String {
    let mut out = String::new();
    let shown = fold_alike(diags.items());
    let items = diags.items().iter().zip(shown).filter_map(|(d, more)| Some((d, more?)));
    for (i, (d, more)) in items.enumerate() {
        let label = match d.severity {
            Severity::Error => paint(color, "1;31", "error"),
            Severity::Warning => paint(color, "1;33", "warning"),
        };
        let (locus, message) = (visible(&d.locus(), None), visible(&d.message, Some("     ")));
        let _ = writeln!(out, "{:>3}. {locus}: {label}: {message}", i + 1);
        if let Some(src) = &d.source_line {
            // One character for one, so that the caret stays under its character.
            let src: String = src.chars().map(|c| if c.is_control() && c != '\t' { '?' } else { c }).collect();
            let n = d.line.to_string();
            let pad = " ".repeat(n.len());
            let _ = writeln!(out, "     {n} | {src}");
            if d.caret > 0 {
                let prefix: String = src
                    .chars()
                    .take(d.caret - 1)
                    .filter_map(|c| match (c, columns(c)) {
                        ('\t', _) => Some('\t'),
                        (_, 0) => None,
                        (_, 1) => Some(' '),
                        _ => Some('　'),
                    })
                    .collect();
                let _ = writeln!(out, "     {pad} | {prefix}{}", paint(color, "1;31", "^"));
            }
        }
        if let Some(h) = &d.hint {
            let _ = writeln!(out, "     {}: {}", paint(color, "1;36", "hint"), visible(h, Some("           ")));
        }
        if more > 0 {
            let what = if more == 1 { "problem" } else { "problems" };
            let _ = writeln!(out, "     ... and {more} more {what} like this one in this file, not shown");
        }
    }
    out.push_str(&summary_line(diags));
    out.push('\n');
    out
}

/// `s` with control characters written as escapes (`\r`, `\u{1b}`), so that text from an
/// editor's file can neither move the cursor, recolour the terminal nor hide part of a line.
/// With `indent`, a line break stays one, and the next line starts with `indent`, so that a
/// message or hint of several lines keeps its place under the problem.
fn visible(s: &str, indent: Option<&str>) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match (c, indent) {
            ('\n', Some(indent)) => {
                out.push('\n');
                out.push_str(indent);
            }
            ('\n', None) => out.push_str("\\n"),
            ('\r', _) => out.push_str("\\r"),
            ('\t', _) => out.push('\t'),
            (c, _) if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            (c, _) => out.push(c),
        }
    }
    out
}

/// The part of `line` shown around byte offset `at`, and the 1-based column of `at` in it.
/// Only the characters near `at` are looked at.
fn excerpt(line: &str, at: usize) -> (String, usize) {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut at = at.min(line.len());
    while !line.is_char_boundary(at) {
        at -= 1;
    }
    let mut before = line[..at].char_indices().rev().peekable();
    let (mut start, mut used) = (at, 0);
    let mut extend_back = |budget: usize, start: &mut usize, used: &mut usize| {
        while let Some(&(i, c)) = before.peek()
            && *used + columns(c) <= budget
        {
            *used += columns(c);
            *start = i;
            before.next();
        }
    };
    extend_back(EXCERPT_BEFORE, &mut start, &mut used);
    let mut end = at;
    for (i, c) in line[at..].char_indices() {
        if used + columns(c) > EXCERPT_WIDTH {
            break;
        }
        used += columns(c);
        end = at + i + c.len_utf8();
    }
    // Near the end of the line, what is left of the width goes before the problem.
    if end == line.len() {
        extend_back(EXCERPT_WIDTH, &mut start, &mut used);
    }
    let (head, tail) = (if start > 0 { CUT } else { "" }, if end < line.len() { CUT } else { "" });
    let caret = head.len() + line[start..at].chars().count() + 1;
    (format!("{head}{}{tail}", &line[start..end]), caret)
}

/// How many columns a character takes in a terminal or editor: two for CJK, full-width forms
/// and emoji, none for a combining mark, one for the rest (a control character too, since it
/// is shown as `?`).
pub(crate) fn columns(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(1)
}

/// "2 errors, 1 warning" or "no problems".
pub fn summary_line(diags: &Diagnostics) -> String {
    let (e, w) = (diags.error_count(), diags.warning_count());
    if e == 0 && w == 0 {
        return "no problems found".to_string();
    }
    let plural = |n: usize, one: &str| {
        if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") }
    };
    format!("{}, {}", plural(e, "error"), plural(w, "warning"))
}

fn render_json(diags: &Diagnostics) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        errors: usize,
        warnings: usize,
        diagnostics: &'a [Diagnostic],
    }
    let r = Report { errors: diags.error_count(), warnings: diags.warning_count(), diagnostics: diags.items() };
    let mut s = serde_json::to_string_pretty(&r).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

fn github_escape(s: &str, property: bool) -> String {
    let mut s = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    if property {
        s = s.replace(':', "%3A").replace(',', "%2C");
    }
    s
}

fn render_github(diags: &Diagnostics) -> String {
    let mut out = String::new();
    for d in diags.items() {
        let kind = if d.is_error() { "error" } else { "warning" };
        let mut msg = d.message.clone();
        if let Some(h) = &d.hint {
            msg.push_str("\nhint: ");
            msg.push_str(h);
        }
        // Properties only for what is known: a problem outside any file (a missing site.yaml)
        // is a plain `::error::` line, which GitHub shows on the run rather than on a file.
        let mut properties = Vec::new();
        if !d.path.as_os_str().is_empty() {
            properties.push(format!("file={}", github_escape(&display_path(&d.path), true)));
            if d.line > 0 {
                properties.push(format!("line={}", d.line));
                if d.column > 0 {
                    properties.push(format!("col={}", d.column));
                }
            }
        }
        let properties = if properties.is_empty() { String::new() } else { format!(" {}", properties.join(",")) };
        let _ = writeln!(out, "::{kind}{properties}::{}", github_escape(&msg, false));
    }
    out.push_str(&summary_line(diags));
    out.push('\n');
    out
}

/// The closest candidate to a misspelled word, for "did you mean" hints.
pub fn did_you_mean<'a, I: IntoIterator<Item = &'a str>>(word: &str, candidates: I) -> Option<&'a str> {
    let w = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&w, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_close_ids() {
        assert_eq!(did_you_mean("huangyan-mold", ["huangyan-moulds", "yuhuan-valves"]), Some("huangyan-moulds"));
        assert_eq!(did_you_mean("zzz", ["huangyan-moulds"]), None);
    }

    #[test]
    fn human_output_numbers_and_points_at_the_column() {
        let d = Diagnostic::error("content/a.yaml", 2, 8, "bad value")
            .with_hint("use x")
            .with_source("a: 1\nlevel: provinical\n");
        let out = render(&Diagnostics::from(vec![d]), Format::Human, false);
        assert!(out.contains("  1. content/a.yaml:2:8: error: bad value"), "{out}");
        assert!(out.contains("2 | level: provinical"), "{out}");
        assert!(out.contains("  |        ^"), "{out}");
        assert!(out.contains("hint: use x"));
        assert!(out.ends_with("1 error, 0 warnings\n"));
    }

    #[test]
    fn the_caret_stays_under_its_character_after_emoji_and_combining_marks() {
        // Column 9 is the "x": an emoji takes two columns, a combining accent none, a CJK
        // character two, so the caret's line holds a full-width space for each wide one.
        let d = Diagnostic::error("content/a.yaml", 1, 9, "bad value").with_source("a: 🏭e\u{301}文 x\n");
        let out = render(&Diagnostics::from(vec![d]), Format::Human, false);
        assert!(out.contains("     1 | a: 🏭e\u{301}文 x\n"), "{out}");
        assert!(out.contains("  |    　 　 ^\n"), "{out}");
        // The excerpt's budget counts columns the same way: 40 emoji fill 80 of 100.
        let line = format!("{}: y{}", "🏭".repeat(60), "z".repeat(100));
        let (shown, caret) = excerpt(&line, "🏭".len() * 60);
        assert_eq!(shown, format!("...{}: y{}...", "🏭".repeat(20), "z".repeat(57)));
        assert_eq!(caret, 3 + 20 + 1);
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        // Short lines are shown whole.
        assert_eq!(excerpt("level: provinical", 7), ("level: provinical".to_string(), 8));
        // Near the end, the window takes more of what comes before.
        let line = format!("{}: y", "x".repeat(1_000));
        let (shown, caret) = excerpt(&line, 1_000);
        assert_eq!(shown, format!("...{}: y", "x".repeat(97)));
        assert_eq!(&shown[caret - 1..caret], ":");
        // Near the start, more of what comes after.
        let (shown, caret) = excerpt(&"字".repeat(1_000), 3);
        assert_eq!((shown, caret), (format!("{}...", "字".repeat(50)), 2));
    }

    #[test]
    fn github_annotations_escape_properties() {
        let d = Diagnostic::warning("content/a,b.md", 3, 1, "no source\nat all");
        let out = render(&Diagnostics::from(vec![d]), Format::Github, false);
        assert!(out.starts_with("::warning file=content/a%2Cb.md,line=3,col=1::no source%0Aat all\n"), "{out}");
    }

    #[test]
    fn a_github_annotation_outside_any_file_has_no_properties() {
        let d = Diagnostic::error("", 0, 0, "no site.yaml: 100%");
        let out = render(&Diagnostics::from(vec![d]), Format::Github, false);
        assert_eq!(out, "::error::no site.yaml: 100%25\n1 error, 0 warnings\n");
        let d = Diagnostic::warning("site.yaml", 0, 3, "x");
        let out = render(&Diagnostics::from(vec![d]), Format::Github, false);
        assert!(out.starts_with("::warning file=site.yaml::x\n"), "{out}");
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        let d = Diagnostic::error("content/a\nb.yaml", 1, 2, "unknown key \"a\r\u{1b}[2Jb\"")
            .with_hint("first line\nsecond line")
            .with_source("x\u{1b}y: 1\n");
        let out = render(&Diagnostics::from(vec![d]), Format::Human, false);
        assert_eq!(
            out,
            "  1. content/a\\nb.yaml:1:2: error: unknown key \"a\\r\\u{1b}[2Jb\"\n     1 | x?y: 1\n       |  ^\n     hint: first line\n           second line\n1 error, 0 warnings\n"
        );
    }

    #[test]
    fn strict_makes_each_warning_an_error_and_says_why_after_its_hint() {
        let d = Diagnostics::from(vec![
            Diagnostic::error("a.md", 1, 1, "broken").with_hint("fix it"),
            Diagnostic::warning("b.md", 2, 3, "removed").with_hint("write **bold**"),
            Diagnostic::warning("c.md", 0, 0, "ignored"),
        ])
        .strict();
        let got: Vec<(Severity, Option<&str>)> = d.items().iter().map(|d| (d.severity, d.hint.as_deref())).collect();
        assert_eq!(
            got,
            [
                (Severity::Error, Some("fix it")),
                (Severity::Error, Some("write **bold**\n--strict counts this warning as an error")),
                (Severity::Error, Some("--strict counts this warning as an error")),
            ]
        );
        assert_eq!((d.error_count(), d.warning_count()), (3, 0));
    }
}
