//! Raw editor input into the strict model, collecting every problem with its location.

use std::collections::{HashMap, HashSet};

use crate::config::{Config, Vocabularies, Vocabulary, text_from_raw};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::link::{RESERVED, Route};
use crate::load::{Doc, Loaded, Section, Seg, Translation};
use crate::model::*;
use crate::raw::*;
use rayon::prelude::*;

/// What validation may leave out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Keep content marked `draft: true`.
    pub drafts: bool,
    /// Leave the links of the bodies a build renders to be checked as they are rendered
    /// ([`LinkCheck`]), so that each body is parsed once. When anything else is wrong they
    /// are checked here after all, so that every problem is still reported in one run.
    pub defer_links: bool,
}

/// Builds a YAML path: `p!["listings", i, "year"]`.
macro_rules! p {
    ($($s:expr),* $(,)?) => { [$(Seg::from($s)),*] };
}

/// Checks one document, pointing each problem at the editor's line.
struct Cx<'a, T> {
    doc: &'a Doc<T>,
    config: &'a Config,
    diags: Vec<Diagnostic>,
}

impl<'a, T> Cx<'a, T> {
    fn new(doc: &'a Doc<T>, config: &'a Config) -> Self {
        Cx { doc, config, diags: Vec::new() }
    }

    fn at(&self, path: &[Seg], key: bool, message: String, hint: Option<String>, warning: bool) -> Diagnostic {
        let (line, col) = self.doc.locate(path, key);
        let d = if warning {
            Diagnostic::warning(&self.doc.path, line, col, message)
        } else {
            Diagnostic::error(&self.doc.path, line, col, message)
        };
        d.hint_opt(hint)
    }

    fn err(&mut self, path: &[Seg], message: impl Into<String>, hint: impl Into<Option<String>>) {
        if !self.follows_from_skipped(path) {
            let d = self.at(path, false, message.into(), hint.into(), false);
            self.diags.push(d);
        }
    }

    /// A required field without a value: "is empty" where its key is written with nothing
    /// after it, else "is missing" against the map that should hold it.
    fn missing(&mut self, parent: &[Seg], field: &str, hint: String) {
        let mut path = parent.to_vec();
        path.push(Seg::from(field));
        match self.doc.key_written(&path) {
            Some((line, col)) if !self.follows_from_skipped(&path) => self.diags.push(
                Diagnostic::error(&self.doc.path, line, col, format!("required field \"{field}\" is empty"))
                    .with_hint(hint),
            ),
            Some(_) => {}
            None => self.err(parent, format!("required field \"{field}\" is missing"), Some(hint)),
        }
    }

    fn warn(&mut self, path: &[Seg], message: impl Into<String>, hint: impl Into<Option<String>>) {
        if !self.follows_from_skipped(path) {
            let d = self.at(path, false, message.into(), hint.into(), true);
            self.diags.push(d);
        }
    }

    /// Whether a problem at `path` may only be the effect of a value that could not be read,
    /// and was left out (and reported): one in it, or about the map that holds it (a field
    /// "missing" from it). At the top of the file, see [`Cx::left_out`].
    fn follows_from_skipped(&self, path: &[Seg]) -> bool {
        self.doc.skipped.iter().any(|s| path.starts_with(s) || (!path.is_empty() && s.starts_with(path)))
    }

    /// Whether `field` of the map at `parent`, or something in it, was left out.
    fn left_out(&self, parent: &[Seg], field: &str) -> bool {
        self.doc.skipped.iter().any(|s| {
            s.len() > parent.len() && s.starts_with(parent) && matches!(&s[parent.len()], Seg::Key(k) if k == field)
        })
    }

    fn default_lang(&self) -> &'a str {
        self.config.default_language()
    }

    /// Reader-facing text; a map's keys must be the site's languages.
    fn text(&mut self, raw: Option<&RawText>, path: &[Seg]) -> Text {
        if let Some(RawText::Langs(m)) = raw {
            for (k, _) in m {
                if !self.config.languages.iter().any(|l| l == k) {
                    let mut at = path.to_vec();
                    at.push(Seg::from(k.clone()));
                    let langs = self.config.languages.join(", ");
                    let hint = match did_you_mean(k, self.config.languages.iter().map(String::as_str)) {
                        Some(s) if !k.contains(' ') => {
                            format!("did you mean \"{s}\"? the site's languages are {langs}")
                        }
                        // A comma inside {zh: …, en: …} splits the text; quoting keeps it whole.
                        _ => format!(
                            "the site's languages are {langs}; if this is part of the text, the text has a comma and must be quoted: en: \"…, …\""
                        ),
                    };
                    if !self.follows_from_skipped(&at) {
                        let d = self.at(&at, true, format!("unknown language \"{k}\""), Some(hint), false);
                        self.diags.push(d);
                    }
                }
            }
            if m.is_empty() {
                self.err(
                    path,
                    "the text is empty",
                    Some("write the text, or a map such as {zh: …, en: …}".to_string()),
                );
            }
            let config = self.config;
            for (k, message, hint) in empty_texts(m, &config.languages) {
                let mut at = path.to_vec();
                at.push(Seg::from(k.to_string()));
                if !self.follows_from_skipped(&at) {
                    let d = self.at(&at, true, message, Some(hint), true);
                    self.diags.push(d);
                }
            }
        }
        text_from_raw(raw, self.default_lang())
    }

    fn texts(&mut self, raw: &[RawText], field: &str) -> Vec<Text> {
        raw.iter().enumerate().map(|(i, t)| self.text(Some(t), &p![field, i])).filter(|t| !t.is_empty()).collect()
    }

    /// A required text: reports a missing one against the enclosing map.
    fn required_text(&mut self, raw: Option<&RawText>, parent: &[Seg], field: &str) -> Text {
        let mut at = parent.to_vec();
        at.push(Seg::from(field));
        let t = self.text(raw, &at);
        if t.is_empty() && !self.left_out(parent, field) {
            if raw.is_some() {
                self.err(&at, format!("required field \"{field}\" is empty"), Some(format!("add {field}: …")));
            } else {
                self.missing(parent, field, format!("add {field}: …"));
            }
        }
        t
    }

    /// A value that must be one of a vocabulary's ids.
    fn term(&mut self, value: Option<&String>, vocab: &Vocabulary, path: &[Seg], required: bool) -> Option<String> {
        let field = match path.last() {
            Some(Seg::Key(k)) => k.to_string(),
            _ => vocab.name.to_string(),
        };
        let Some(v) = value else {
            let parent = &path[..path.len().saturating_sub(1)];
            if required && !self.left_out(parent, &field) {
                self.missing(parent, &field, format!("add {field}: one of {}", list(vocab)));
            }
            return None;
        };
        if vocab.contains(v) {
            return Some(v.clone());
        }
        let hint = match did_you_mean(v, vocab.ids()) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None if vocab.terms.is_empty() => {
                format!("site.yaml defines no vocabularies.{}", vocab.name)
            }
            None => format!("use one of: {}", list(vocab)),
        };
        // Editors often write the Chinese label, or its short form (台州 for 台州市); say
        // which id it is. A short form counts when it begins one label only.
        let labels = || vocab.terms.iter().flat_map(|t| t.label.values().iter().map(move |(_, l)| (t, l)));
        let by_label = labels().find(|(_, l)| l.eq_ignore_ascii_case(v)).map(|(t, l)| (t, l, true)).or_else(|| {
            let mut starts = labels().filter(|(_, l)| v.chars().count() >= 2 && l.starts_with(v.as_str()));
            let first = starts.next()?;
            starts.all(|(t, _)| t.id == first.0.id).then_some((first.0, first.1, false))
        });
        let hint = match by_label {
            Some((t, _, true)) => format!("write the id \"{}\" rather than its label", t.id),
            Some((t, label, false)) => format!("write the id \"{}\", whose label is {label}", t.id),
            None => full_width_separator_hint(v).unwrap_or(hint),
        };
        self.err(path, format!("\"{v}\" is not a known {} value", vocab.term_name()), Some(hint));
        None
    }

    fn date(&mut self, value: Option<&Scalar>, path: &[Seg]) -> Option<PartialDate> {
        let v = value?;
        match PartialDate::parse(&v.0) {
            Ok(d) => Some(d),
            Err(m) => {
                self.err(path, m, Some("write dates as 2019, 2019-04 or 2019-04-29".to_string()));
                None
            }
        }
    }

    fn url(&mut self, value: Option<&String>, path: &[Seg]) -> Option<String> {
        let v = value?.trim();
        if (v.starts_with("https://") || v.starts_with("http://")) && v.len() > 8 && !v.contains(char::is_whitespace) {
            Some(v.to_string())
        } else {
            self.err(
                path,
                format!("\"{v}\" is not a web address"),
                Some("write the full address, starting with https://".to_string()),
            );
            None
        }
    }

    /// A figure that the site shows as it was written: no larger than [`LARGEST_FIGURE`], and
    /// with no more digits than a binary number holds.
    fn figure(&mut self, raw: Option<&RawNumber>, path: &[Seg]) -> Option<f64> {
        let n = raw?;
        if !n.value.is_finite() || n.value.abs() > LARGEST_FIGURE {
            self.err(
                path,
                format!("the value {} is too large", n.written),
                Some(format!(
                    "figures up to {LARGEST_FIGURE} are kept exactly: check for extra digits, and give a large amount in the larger unit the source uses (亿元 rather than 元)"
                )),
            );
            return None;
        }
        if !n.exact() {
            self.err(
                path,
                format!(
                    "the value {} has more digits than can be kept exactly: it would be shown as {}",
                    n.written, n.value
                ),
                Some("write at most 15 significant digits, as the source gives them".to_string()),
            );
            return None;
        }
        Some(n.value)
    }

    /// A reference to an entry of this file's `sources:` list.
    fn source_ref(&mut self, value: Option<&String>, ids: &[String], path: &[Seg]) -> Option<String> {
        let v = value?;
        if ids.iter().any(|i| i == v) {
            return Some(v.clone());
        }
        // The source may be one whose entry could not be read.
        if self.left_out(&[], "sources") {
            return None;
        }
        let hint = match did_you_mean(v, ids.iter().map(String::as_str)) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None if ids.is_empty() => "add the source to this file's sources: list with this id".to_string(),
            None => format!("this file's sources are: {}", ids.join(", ")),
        };
        self.err(path, format!("unknown source \"{v}\""), Some(hint));
        None
    }

    fn finish(self) -> Vec<Diagnostic> {
        if self.diags.is_empty() {
            return self.diags;
        }
        let offset = self.doc.yaml_offset;
        let lines: Vec<&str> = self.doc.yaml.lines().collect();
        self.diags
            .into_iter()
            .map(|d| match d.line.checked_sub(offset + 1).and_then(|i| lines.get(i)) {
                Some(line) => d.with_source_line(line),
                None => d,
            })
            .collect()
    }
}

/// The largest figure a statistic or a facility may give: every whole number up to it (2^53)
/// is held exactly, and no source counts or spends more.
const LARGEST_FIGURE: f64 = 9_007_199_254_740_992.0;

/// Warns of two statistics that are one observation (the same indicator, date, kind of date,
/// unit, scope and cumulation): with different values, the file contradicts itself and the
/// profile would show either as the latest; with the same value and source, one repeats the
/// other. `written_at` gives each statistic's index in the file's list, `raw`.
fn same_observations<T>(cx: &mut Cx<'_, T>, statistics: &[Statistic], written_at: &[usize], raw: &[RawStatistic]) {
    let written = |i: usize| raw[i].value.as_ref().map_or("", |n| n.written.as_str());
    type Observation<'a> = (&'a str, &'a When, &'a str, bool, &'a Text);
    let mut earlier: crate::FastMap<Observation<'_>, Vec<usize>> = crate::FastMap::default();
    for (k, s) in statistics.iter().enumerate() {
        let same = earlier.entry((s.indicator.as_str(), &s.when, s.unit.as_str(), s.cumulative, &s.scope)).or_default();
        let other = same.iter().copied().find(|&e| statistics[e].value != s.value);
        let repeated = || same.iter().copied().find(|&e| statistics[e].source == s.source);
        let (i, problem) = (written_at[k], other.map(|e| (e, true)).or_else(|| repeated().map(|e| (e, false))));
        if let Some((e, differs)) = problem {
            let e_at = written_at[e];
            let (message, hint) = if differs {
                (
                    format!(
                        "{} has two values for the same date: {} here and {} in statistics[{e_at}]",
                        s.indicator,
                        written(i),
                        written(e_at)
                    ),
                    "if both are right, tell them apart with scope: (what each one counts); otherwise keep the figure the source gives",
                )
            } else {
                (
                    format!("this statistic repeats statistics[{e_at}]: the same value, date and source"),
                    "remove one of the two",
                )
            };
            cx.warn(&p!["statistics", i], message, Some(hint.to_string()));
        }
        same.push(k);
    }
}

/// Units of statistics that count things (enterprises, projects, times, sets of
/// instruments): a figure in one of them cannot be below zero.
const COUNTING_UNITS: &[&str] =
    &["家", "个", "项", "次", "台/套", "台", "套", "件", "人", "名", "位", "所", "座", "场", "篇"];

fn list(vocab: &Vocabulary) -> String {
    first_few(vocab.ids())
}

/// The first twelve of `items`, for a hint.
fn first_few<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    if items.len() > 12 { format!("{}, …", items[..12].join(", ")) } else { items.join(", ") }
}

/// Why a name cannot be the id of an item of its section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdProblem {
    /// Not lower-case ASCII letters, digits and single hyphens (see [`Id::parse`]).
    NotSafe,
    /// A report's id made only of digits: `reports/<digits>/` lists the reports of a year.
    Digits,
    /// A page's id that is an address of the site's own (see [`RESERVED`]).
    Reserved,
    /// Longer than [`Id::MAX_LEN`] characters.
    TooLong,
}

/// The id of an item of `section` called `name`: the rules `check` applies to file names,
/// and `new` to the ids it is given.
pub fn parse_id(section: Section, name: &str) -> Result<Id, IdProblem> {
    if name.chars().count() > Id::MAX_LEN {
        return Err(IdProblem::TooLong);
    }
    let id = Id::parse(name).ok_or(IdProblem::NotSafe)?;
    match section {
        Section::Reports if id.as_str().bytes().all(|b| b.is_ascii_digit()) => Err(IdProblem::Digits),
        Section::Pages if RESERVED.contains(&id.as_str()) => Err(IdProblem::Reserved),
        _ => Ok(id),
    }
}

impl IdProblem {
    /// What is wrong with `name`.
    pub fn message(&self, name: &str) -> String {
        match self {
            IdProblem::NotSafe => format!("\"{name}\" is not a safe id"),
            IdProblem::Digits => {
                format!("a report's id cannot be only digits: reports/{name}/ lists the reports of a year")
            }
            IdProblem::Reserved => format!("a page cannot be called \"{name}\": the site uses that address"),
            IdProblem::TooLong => {
                let start: String = name.chars().take(40).collect();
                format!(
                    "\"{start}…\" is too long for an id: {} characters, at most {}",
                    name.chars().count(),
                    Id::MAX_LEN
                )
            }
        }
    }

    /// An id to use instead of `name`, when one can be made from it.
    pub fn suggestion(&self, name: &str) -> Option<String> {
        let words = || -> String {
            let words: Vec<String> = name
                .to_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            words.join("-")
        };
        match self {
            IdProblem::NotSafe => Some(words()).filter(|s| Id::parse(s).is_some()),
            IdProblem::TooLong => {
                // Whole words while they fit.
                let words = words();
                let mut cut = words.get(..=Id::MAX_LEN).unwrap_or(&words).to_string();
                if cut.len() > Id::MAX_LEN {
                    cut.truncate(cut.rfind('-').unwrap_or(Id::MAX_LEN));
                }
                Some(cut).filter(|s| Id::parse(s).is_some())
            }
            IdProblem::Digits => Some(format!("{name}-site-meeting")),
            IdProblem::Reserved => Some(format!("about-{name}")),
        }
    }

    /// How to fix the id, for the ids that `new` is given.
    pub fn hint(&self, name: &str) -> String {
        let example = self.suggestion(name).unwrap_or_else(|| "huangyan-moulds".to_string());
        match self {
            IdProblem::NotSafe => format!("use lower-case ASCII letters, digits and hyphens, e.g. {example}"),
            IdProblem::Digits => format!("choose an id that says what the report is about, e.g. {example}"),
            IdProblem::Reserved => format!("choose another id, e.g. {example}"),
            IdProblem::TooLong => format!(
                "shorten it to at most {} lower-case ASCII letters, digits and hyphens, e.g. {example}",
                Id::MAX_LEN
            ),
        }
    }

    /// How to fix the id, for a file whose name it is.
    fn file_hint(&self, name: &str, ext: &str) -> String {
        match (self, self.suggestion(name)) {
            (IdProblem::NotSafe, Some(s)) => {
                format!("rename the file to \"{s}\" (lower-case ASCII letters, digits and hyphens)")
            }
            (IdProblem::NotSafe, None) => {
                "name the file with lower-case ASCII letters, digits and hyphens, e.g. huangyan-moulds".to_string()
            }
            (IdProblem::Digits, s) => {
                format!("rename the file to say what the report is about, e.g. {}.{ext}", s.unwrap_or_default())
            }
            (IdProblem::Reserved, s) => format!("rename the file, e.g. to {}.{ext}", s.unwrap_or_default()),
            (IdProblem::TooLong, s) => format!(
                "rename the file to at most {} lower-case ASCII letters, digits and hyphens, e.g. {}.{ext}",
                Id::MAX_LEN,
                s.unwrap_or_else(|| "huangyan-moulds".to_string())
            ),
        }
    }
}

/// Checks the file name as an id of `section`.
fn check_id<T>(section: Section, doc: &Doc<T>, diags: &mut Vec<Diagnostic>) -> Option<Id> {
    match parse_id(section, &doc.stem) {
        Ok(id) => Some(id),
        Err(problem) => {
            let ext = doc.path.extension().map(|e| e.to_string_lossy()).unwrap_or_default();
            diags.push(
                Diagnostic::error(&doc.path, 1, 1, problem.message(&doc.stem))
                    .with_hint(problem.file_hint(&doc.stem, &ext)),
            );
            None
        }
    }
}

/// The body taken out of its document, so the Markdown is moved rather than copied.
fn body_of<T>(doc: &Doc<T>, body: Option<(Markdown, usize)>, lang: &str) -> Body {
    match body {
        Some((markdown, first_line)) => {
            Body { parts: vec![BodyPart { lang: lang.to_string(), markdown, path: doc.path.clone(), first_line }] }
        }
        None => Body::default(),
    }
}

/// Takes each document's Markdown body out, in order.
fn take_bodies<T>(docs: &mut [Doc<T>]) -> Vec<Option<(Markdown, usize)>> {
    docs.iter_mut().map(|d| d.body.take()).collect()
}

fn validate_sources(cx: &mut Cx<'_, RawComplex>, raw: &[RawSource]) -> Vec<Source> {
    let mut out: Vec<Source> = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        let Some(id) = s.id.clone() else {
            cx.err(
                &p!["sources", i],
                "a source needs an id",
                Some("add id: a short name such as zjnews-2019-04-29, used by statistics' source:".to_string()),
            );
            continue;
        };
        if Id::parse(&id).is_none() {
            cx.err(
                &p!["sources", i, "id"],
                format!("source id \"{id}\" is not a safe id"),
                Some("use lower-case ASCII letters, digits and hyphens".to_string()),
            );
        }
        if out.iter().any(|o| o.id == id) {
            cx.err(
                &p!["sources", i, "id"],
                format!("source id \"{id}\" is used twice"),
                Some("give each source its own id".to_string()),
            );
        }
        let title = cx.required_text(s.title.as_ref(), &p!["sources", i], "title");
        let publisher = cx.text(s.publisher.as_ref(), &p!["sources", i, "publisher"]);
        let url = cx.url(s.url.as_ref(), &p!["sources", i, "url"]);
        let published = cx.date(s.published.as_ref(), &p!["sources", i, "published"]);
        let note = cx.text(s.note.as_ref(), &p!["sources", i, "note"]);
        out.push(Source { id, title, publisher, url, published, note });
    }
    out
}

fn validate_complex(
    doc: &Doc<RawComplex>,
    body: Option<(Markdown, usize)>,
    config: &Config,
) -> (Option<Complex>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let id = check_id(Section::Complexes, doc, &mut diags);
    let mut cx = Cx::new(doc, config);
    let r = &doc.raw;
    let v = &config.vocab;
    let name = cx.required_text(r.name.as_ref(), &[], "name");
    let short_names = cx.texts(&r.short_names, "short_names");
    let level = cx.term(r.level.as_ref(), &v.levels, &p!["level"], true);
    let status = cx.term(r.status.as_ref(), &v.statuses, &p!["status"], false);
    let loc = r.location.clone().unwrap_or_default();
    if r.location.is_none() && !cx.left_out(&[], "location") {
        cx.err(
            &[],
            "required field \"location\" is missing",
            Some("add location: with at least city: (for example taizhou)".to_string()),
        );
    }
    let city =
        if r.location.is_some() { cx.term(loc.city.as_ref(), &v.cities, &p!["location", "city"], true) } else { None };
    let coordinates = loc.coordinates.as_ref().and_then(|c| {
        let datum: &'static str = match c.datum.as_deref().unwrap_or("wgs84") {
            "wgs84" => "wgs84",
            "gcj02" => "gcj02",
            "bd09" => "bd09",
            other => {
                cx.err(
                    &p!["location", "coordinates", "datum"],
                    format!("unknown datum \"{other}\""),
                    Some("use wgs84, gcj02 or bd09".to_string()),
                );
                return None;
            }
        };
        if !(-90.0..=90.0).contains(&c.lat) || !(-180.0..=180.0).contains(&c.lon) {
            cx.err(
                &p!["location", "coordinates"],
                "coordinates are out of range",
                Some("lat is between -90 and 90, lon between -180 and 180".to_string()),
            );
            return None;
        }
        Some(Coordinates { lat: c.lat, lon: c.lon, datum })
    });
    let district = cx.text(loc.district.as_ref(), &p!["location", "district"]);
    let address = cx.text(loc.address.as_ref(), &p!["location", "address"]);
    let ind = r.industry.clone().unwrap_or_default();
    let leading_industry = cx.text(ind.leading.as_ref(), &p!["industry", "leading"]);
    let mut industry_tags = Vec::new();
    for (i, t) in ind.tags.iter().enumerate() {
        if let Some(t) = cx.term(Some(t), &v.industries, &p!["industry", "tags", i], false)
            && !industry_tags.contains(&t)
        {
            industry_tags.push(t);
        }
    }
    let industry_category = cx.term(ind.category.as_ref(), &v.industry_categories, &p!["industry", "category"], false);
    let mode = cx.term(r.mode.as_ref(), &v.modes, &p!["mode"], false);
    let applicant = cx.text(r.applicant.as_ref(), &p!["applicant"]);
    let op = r.operator.clone().unwrap_or_default();
    let operator_name = cx.text(op.name.as_ref(), &p!["operator", "name"]);
    let operator_type = cx.text(op.kind.as_ref(), &p!["operator", "type"]);
    let host_units = cx.texts(&r.host_units, "host_units");
    let lead_enterprises = cx.texts(&r.lead_enterprises, "lead_enterprises");
    let partners = cx.texts(&r.partners, "partners");

    let sources = validate_sources(&mut cx, &r.sources);
    let source_ids: Vec<String> = sources.iter().map(|s| s.id.clone()).collect();

    let mut listings = Vec::new();
    for (i, l) in r.listings.iter().enumerate() {
        let level = cx.term(l.level.as_ref(), &v.levels, &p!["listings", i, "level"], true);
        let list = cx.term(l.list.as_ref(), &v.list_types, &p!["listings", i, "list"], true);
        let year = l.year.as_ref().and_then(|y| match y.0.parse::<i32>() {
            Ok(n) if (1900..=2200).contains(&n) => Some(n),
            _ => {
                cx.err(
                    &p!["listings", i, "year"],
                    format!("\"{}\" is not a year", y.0),
                    Some("write the year as four digits, e.g. 2018".to_string()),
                );
                None
            }
        });
        let announced = cx.date(l.announced.as_ref(), &p!["listings", i, "announced"]);
        let issuer = cx.text(l.issuer.as_ref(), &p!["listings", i, "issuer"]);
        let source = cx.source_ref(l.source.as_ref(), &source_ids, &p!["listings", i, "source"]);
        if let (Some(level), Some(list)) = (level, list) {
            listings.push(Listing {
                level,
                list,
                year,
                batch: l.batch.as_ref().map(|b| b.0.clone()),
                announced,
                issuer,
                document: l.document.clone(),
                source,
            });
        }
    }

    let mut services = Vec::new();
    for (i, s) in r.services.iter().enumerate() {
        let element = cx.term(s.element.as_ref(), &v.service_elements, &p!["services", i, "element"], true);
        let description = cx.text(s.description.as_ref(), &p!["services", i, "description"]);
        let providers =
            s.providers.iter().enumerate().map(|(j, t)| cx.text(Some(t), &p!["services", i, "providers", j])).collect();
        if let Some(element) = element {
            if services.iter().any(|x: &Service| x.element == element) {
                cx.err(
                    &p!["services", i, "element"],
                    format!("service element \"{element}\" is listed twice"),
                    Some("merge the two entries".to_string()),
                );
            }
            services.push(Service { element, description, providers });
        }
    }

    let facilities = r.facilities.as_ref().map(|f| {
        let investment = f.investment.as_ref().and_then(|a| {
            let value = cx.figure(Some(&a.value), &p!["facilities", "investment", "value"]);
            if matches!(a.unit.as_str(), "万元" | "亿元" | "元") {
                value.map(|v| (v, a.unit.clone()))
            } else {
                cx.err(
                    &p!["facilities", "investment", "unit"],
                    format!("unknown currency unit \"{}\"", a.unit),
                    Some("use 万元 or 亿元".to_string()),
                );
                None
            }
        });
        let floor_area = cx.figure(f.floor_area.as_ref(), &p!["facilities", "floor_area"]);
        if let Some(a) = floor_area
            && a <= 0.0
        {
            cx.err(
                &p!["facilities", "floor_area"],
                "floor area must be positive",
                Some("give it in square metres".to_string()),
            );
        }
        Facilities {
            floor_area,
            investment,
            service_hall: cx.text(f.service_hall.as_ref(), &p!["facilities", "service_hall"]),
            exhibition_hall: cx.text(f.exhibition_hall.as_ref(), &p!["facilities", "exhibition_hall"]),
            source: cx.source_ref(f.source.as_ref(), &source_ids, &p!["facilities", "source"]),
        }
    });

    let mut statistics = Vec::new();
    // Where each of `statistics` is written: its index in the file's list.
    let mut written_at = Vec::new();
    for (i, s) in r.statistics.iter().enumerate() {
        let indicator = cx.term(s.indicator.as_ref(), &v.indicators, &p!["statistics", i, "indicator"], true);
        let mut value = cx.figure(s.value.as_ref(), &p!["statistics", i, "value"]);
        if s.value.is_none() {
            cx.err(
                &p!["statistics", i],
                "required field \"value\" is missing",
                Some("add value: the number the source gives".to_string()),
            );
        }
        let unit = match (&indicator, &s.unit) {
            (Some(ind), unit) => {
                let units = &v.indicators.get(ind).map(|t| t.units.clone()).unwrap_or_default();
                match unit {
                    Some(u) if units.is_empty() || units.contains(u) => Some(u.clone()),
                    Some(u) => {
                        cx.err(
                            &p!["statistics", i, "unit"],
                            format!("\"{u}\" is not a unit of {ind}"),
                            Some(format!("use {}", units.join(" or "))),
                        );
                        None
                    }
                    None => match units.first() {
                        Some(u) => Some(u.clone()),
                        None => {
                            cx.err(
                                &p!["statistics", i],
                                "this statistic needs a unit",
                                Some("add unit: …, or list units for the indicator in site.yaml".to_string()),
                            );
                            None
                        }
                    },
                }
            }
            _ => None,
        };
        if let (Some(v), Some(u)) = (value, &unit)
            && v < 0.0
            && COUNTING_UNITS.contains(&u.as_str())
        {
            cx.err(
                &p!["statistics", i, "value"],
                format!("the value {v} is negative, but {u} counts things"),
                Some(
                    "a count is never below zero: write the figure the source gives, and describe a fall in note:"
                        .to_string(),
                ),
            );
            value = None;
        }
        let period = cx.date(s.period.as_ref(), &p!["statistics", i, "period"]);
        let as_of = cx.date(s.as_of.as_ref(), &p!["statistics", i, "as_of"]);
        let when = match (period, as_of, s.period.is_some() || s.as_of.is_some()) {
            (Some(_), Some(_), _) => {
                cx.err(
                    &p!["statistics", i, "as_of"],
                    "give either period or as_of, not both",
                    Some(
                        "period: the year or month a figure covers; as_of: the date a running total stood".to_string(),
                    ),
                );
                None
            }
            (Some(d), None, _) => Some(When::Period(d)),
            (None, Some(d), _) => Some(When::AsOf(d)),
            (None, None, false) => {
                cx.err(
                    &p!["statistics", i],
                    "this statistic has no date",
                    Some(
                        "add period: 2019 (what the figure covers) or as_of: 2019-04 (when a total stood)".to_string(),
                    ),
                );
                None
            }
            (None, None, true) => None,
        };
        let source = cx.source_ref(s.source.as_ref(), &source_ids, &p!["statistics", i, "source"]);
        if s.source.is_none() {
            cx.warn(
                &p!["statistics", i],
                "this statistic names no source",
                Some("add source: the id of an entry in this file's sources:".to_string()),
            );
        }
        let scope = cx.text(s.scope.as_ref(), &p!["statistics", i, "scope"]);
        let note = cx.text(s.note.as_ref(), &p!["statistics", i, "note"]);
        if let (Some(indicator), Some(value), Some(unit), Some(when)) = (indicator, value, unit, when) {
            statistics.push(Statistic {
                indicator,
                value,
                unit,
                when,
                cumulative: s.cumulative,
                at_least: s.at_least,
                scope,
                source,
                note,
            });
            written_at.push(i);
        }
    }
    same_observations(&mut cx, &statistics, &written_at, &r.statistics);

    let summary = cx.required_text(r.summary.as_ref(), &[], "summary");
    let contact = r.contact.as_ref().map(|c| {
        if let Some(e) = &c.email
            && (!e.contains('@') || e.contains(char::is_whitespace))
        {
            cx.err(&p!["contact", "email"], format!("\"{e}\" is not an e-mail address"), None);
        }
        Contact {
            phone: c.phone.as_ref().map(|p| p.0.clone()),
            email: c.email.clone(),
            address: cx.text(c.address.as_ref(), &p!["contact", "address"]),
        }
    });
    let website = cx.url(r.website.as_ref(), &p!["website"]);
    let last_reviewed = cx.date(r.last_reviewed.as_ref(), &p!["last_reviewed"]);
    let body = body_of(doc, body, cx.default_lang());
    diags.extend(cx.finish());
    let complex = match (id, name.is_empty(), level, city, summary.is_empty()) {
        (Some(id), false, Some(level), Some(city), false) => Some(Complex {
            id,
            origin: Origin { path: doc.path.clone() },
            name,
            short_names,
            level,
            status,
            location: Location { city, district, address, coordinates },
            leading_industry,
            industry_tags,
            industry_category,
            mode,
            applicant,
            operator_name,
            operator_type,
            host_units,
            lead_enterprises,
            partners,
            listings,
            services,
            facilities,
            statistics,
            summary,
            contact,
            website,
            sources,
            last_reviewed,
            body,
            draft: r.draft,
        }),
        _ => None,
    };
    (complex, diags)
}

fn validate_report(
    doc: &Doc<RawReport>,
    body: Option<(Markdown, usize)>,
    config: &Config,
) -> (Option<Report>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let id = check_id(Section::Reports, doc, &mut diags);
    let mut cx = Cx::new(doc, config);
    let r = &doc.raw;
    let v = &config.vocab;
    let title = cx.required_text(r.title.as_ref(), &[], "title");
    let kind = cx.term(r.kind.as_ref(), &v.report_kinds, &p!["kind"], true);
    let is_event = kind.as_deref().and_then(|k| v.report_kinds.get(k)).is_some_and(|t| t.event);
    let ev = r.event.clone().unwrap_or_default();
    let event_date = cx.date(ev.date.as_ref(), &p!["event", "date"]);
    if is_event && ev.date.is_none() && !cx.left_out(&[], "event") {
        let at: &[Seg] = if r.event.is_some() { &p!["event"] } else { &[] };
        cx.err(
            at,
            format!("a report of kind \"{}\" needs the event's date", kind.as_deref().unwrap_or("")),
            Some("add event: {date: 2019-04-29} (and time: \"09:30\" if known)".to_string()),
        );
    }
    let mut time = |s: &Option<Scalar>, field: &str| -> Option<Time> {
        let s = s.as_ref()?;
        match Time::parse(&s.0) {
            Ok(t) => Some(t),
            Err(m) => {
                let hint = if s.0.contains('：') {
                    format!("\"：\" is a full-width colon: write {field}: \"{}\"", s.0.trim().replace('：', ":"))
                } else {
                    format!("write hours and minutes on a 24-hour clock, in quotes: {field}: \"09:30\"")
                };
                cx.err(&p!["event", field], m, Some(hint));
                None
            }
        }
    };
    let event_time = time(&ev.time, "time");
    let event_end_time = time(&ev.end_time, "end_time");
    let loc = r.location.clone().unwrap_or_default();
    let location_name = cx.text(loc.name.as_ref(), &p!["location", "name"]);
    let location_city = cx.term(loc.city.as_ref(), &v.cities, &p!["location", "city"], false);
    let organisers = cx.texts(&r.organisers, "organisers");
    let mut attendees = Vec::new();
    for (i, a) in r.attendees.iter().enumerate() {
        let name = cx.text(a.name.as_ref(), &p!["attendees", i, "name"]);
        let organisation = cx.text(a.organisation.as_ref(), &p!["attendees", i, "organisation"]);
        if name.is_empty() && organisation.is_empty() {
            cx.err(
                &p!["attendees", i],
                "an attendee needs a name or an organisation",
                Some("add name: … (and title: as at the event)".to_string()),
            );
        }
        let role = cx.term(a.role.as_ref(), &v.attendee_roles, &p!["attendees", i, "role"], false);
        attendees.push(Attendee {
            name,
            title: cx.text(a.title.as_ref(), &p!["attendees", i, "title"]),
            organisation,
            role,
        });
    }
    let summary = cx.text(r.summary.as_ref(), &p!["summary"]);
    let mut photos = Vec::new();
    for (i, ph) in r.photos.iter().enumerate() {
        let alt = cx.text(ph.alt.as_ref(), &p!["photos", i, "alt"]);
        if alt.is_empty() {
            cx.err(
                &p!["photos", i],
                "a photo needs alt text",
                Some("add alt: a short description of what the photo shows, for readers who cannot see it".to_string()),
            );
        }
        let credit = cx.text(ph.credit.as_ref(), &p!["photos", i, "credit"]);
        if credit.is_empty() {
            cx.warn(
                &p!["photos", i],
                "this photo has no credit",
                Some("add credit: the photographer, e.g. 记者 某某 摄".to_string()),
            );
        }
        let file = match &ph.file {
            None => {
                cx.err(
                    &p!["photos", i],
                    "a photo needs a file",
                    Some("add file: a path under static/, e.g. photos/2019/meeting.jpg".to_string()),
                );
                None
            }
            Some(f) => Some(f.trim_start_matches('/').to_string()),
        };
        photos.push((i, file, alt, credit, ph));
    }
    let source = r.source.as_ref().map(|s| ReportSource {
        title: cx.text(s.title.as_ref(), &p!["source", "title"]),
        publisher: cx.text(s.publisher.as_ref(), &p!["source", "publisher"]),
        authors: s.authors.iter().enumerate().map(|(i, t)| cx.text(Some(t), &p!["source", "authors", i])).collect(),
        correspondents: s
            .correspondents
            .iter()
            .enumerate()
            .map(|(i, t)| cx.text(Some(t), &p!["source", "correspondents", i]))
            .collect(),
        url: cx.url(s.url.as_ref(), &p!["source", "url"]),
        published: cx.date(s.published.as_ref(), &p!["source", "published"]),
        reuse: cx.text(s.reuse.as_ref(), &p!["source", "reuse"]),
        note: cx.text(s.note.as_ref(), &p!["source", "note"]),
    });
    let published = cx.date(r.published.as_ref(), &p!["published"]);
    let updated = cx.date(r.updated.as_ref(), &p!["updated"]);
    if r.event.as_ref().and_then(|e| e.date.as_ref()).is_none()
        && r.published.is_none()
        && !cx.left_out(&[], "event")
        && !cx.left_out(&[], "published")
    {
        cx.err(
            &[],
            "the report has no date",
            Some("add published: 2019-04-30 (or event: {date: …} for an event)".to_string()),
        );
    }
    let tags = cx.texts(&r.tags, "tags");
    let mut photo_list = Vec::new();
    for (i, file, alt, credit, ph) in photos {
        let Some(file) = file else { continue };
        photo_list.push((
            i,
            Photo {
                file,
                alt,
                caption: cx.text(ph.caption.as_ref(), &p!["photos", i, "caption"]),
                credit,
                licence: cx.text(ph.licence.as_ref(), &p!["photos", i, "licence"]),
                width: ph.width,
                height: ph.height,
            },
        ));
    }
    let body = body_of(doc, body, cx.default_lang());
    let report = match (&id, title.is_empty(), &kind) {
        (Some(id), false, Some(kind)) => Some(Report {
            id: id.clone(),
            origin: Origin { path: doc.path.clone() },
            title,
            kind: kind.clone(),
            event_date,
            event_time,
            event_end_time,
            location_name,
            location_city,
            location_complex: None,
            organisers,
            attendees,
            complexes: Vec::new(),
            summary,
            photos: photo_list.iter().map(|(_, p)| p.clone()).collect(),
            source,
            published,
            updated,
            tags,
            body,
            draft: r.draft,
        }),
        _ => None,
    };
    diags.extend(cx.finish());
    (report, diags)
}

fn validate_page(
    doc: &Doc<RawPage>,
    body: Option<(Markdown, usize)>,
    config: &Config,
) -> (Option<Page>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let id = check_id(Section::Pages, doc, &mut diags);
    let mut cx = Cx::new(doc, config);
    let r = &doc.raw;
    let title = cx.required_text(r.title.as_ref(), &[], "title");
    let summary = cx.text(r.summary.as_ref(), &p!["summary"]);
    let updated = cx.date(r.updated.as_ref(), &p!["updated"]);
    let body = body_of(doc, body, cx.default_lang());
    diags.extend(cx.finish());
    let page = match (id, title.is_empty()) {
        (Some(id), false) => Some(Page {
            id,
            origin: Origin { path: doc.path.clone() },
            title,
            summary,
            updated,
            menu: r.menu,
            body,
            draft: r.draft,
        }),
        _ => None,
    };
    (page, diags)
}

/// The id and path of each document.
fn docs_of<T>(docs: &[Doc<T>]) -> impl Iterator<Item = (&str, &std::path::Path)> {
    docs.iter().map(|d| (d.stem.as_str(), d.path.as_path()))
}

/// Two files with one id in a section, whether they parsed or not (`unparsed`, of every
/// section), each reported on the later of the two paths.
fn check_duplicates<'a>(
    section: Section,
    docs: impl Iterator<Item = (&'a str, &'a std::path::Path)>,
    unparsed: &'a [(Section, String, std::path::PathBuf)],
    diags: &mut Diagnostics,
) {
    let mut files: Vec<(&str, &std::path::Path)> = docs.collect();
    files.extend(unparsed.iter().filter(|u| u.0 == section).map(|(_, stem, path)| (stem.as_str(), path.as_path())));
    files.sort_by_key(|&(_, path)| path);
    let section = section.folder();
    let mut seen: HashMap<&str, &std::path::Path> = HashMap::new();
    for (stem, path) in files {
        if let Some(first) = seen.get(stem) {
            diags.push(
                Diagnostic::error(
                    path,
                    1,
                    1,
                    format!(
                        "two {section} have the id \"{stem}\": this file and {}",
                        crate::diagnostics::display_path(first)
                    ),
                )
                .with_hint("ids come from file names: rename or remove one of them"),
            );
        } else {
            seen.insert(stem, path);
        }
    }
}

/// Ids of every content file that was found, whether it parsed or not, so that one broken
/// file does not make every reference to it an error too; and the drafts left out of this
/// build.
struct Known {
    complexes: HashSet<String>,
    reports: HashSet<String>,
    pages: HashSet<String>,
    drafts: HashSet<(Section, String)>,
    /// The complexes and reports left out as drafts, for what their lists would hold.
    draft_complexes: Vec<Complex>,
    draft_reports: Vec<Report>,
}

impl Known {
    fn of(loaded: &Loaded) -> Known {
        fn stems<T>(docs: &[Doc<T>]) -> HashSet<String> {
            docs.iter().map(|d| d.stem.clone()).collect()
        }
        let mut known = Known {
            complexes: stems(&loaded.complexes),
            reports: stems(&loaded.reports),
            pages: stems(&loaded.pages),
            drafts: HashSet::new(),
            draft_complexes: Vec::new(),
            draft_reports: Vec::new(),
        };
        for (section, stem, _) in &loaded.unparsed {
            known.ids_mut(*section).insert(stem.clone());
        }
        known
    }

    fn ids_mut(&mut self, section: Section) -> &mut HashSet<String> {
        match section {
            Section::Complexes => &mut self.complexes,
            Section::Reports => &mut self.reports,
            Section::Pages => &mut self.pages,
        }
    }

    fn section(&self, section: &str) -> Option<(Section, &HashSet<String>)> {
        match section {
            "complexes" => Some((Section::Complexes, &self.complexes)),
            "reports" => Some((Section::Reports, &self.reports)),
            "pages" => Some((Section::Pages, &self.pages)),
            _ => None,
        }
    }
}

/// Checks references between files: reports name complexes that must exist; photos must
/// exist. The links in bodies are checked by [`BodyLinks`].
fn check_references(
    site: &mut Site,
    docs: &crate::FastMap<&str, &Doc<RawReport>>,
    known: &Known,
    config: &Config,
    diags: &mut Diagnostics,
) {
    use rayon::prelude::*;
    let published: Vec<String> = {
        let mut v: Vec<String> = site.complexes.iter().map(|c| c.id.to_string()).collect();
        v.par_sort_unstable();
        v
    };
    let statics = &site.statics;
    // Each report on its own, on every thread; the problems in the reports' order.
    let found: Vec<Vec<Diagnostic>> = site
        .reports
        .par_iter_mut()
        .map(|report| {
            let Some(doc) = docs.get(report.id.as_str()) else {
                return Vec::new();
            };
            let mut cx = Cx::new(*doc, config);
            let resolve = |cx: &mut Cx<'_, RawReport>, id: &str, at: &[Seg]| -> Option<Id> {
                if published.binary_search_by(|p| p.as_str().cmp(id)).is_ok() {
                    return Id::parse(id);
                }
                let hint = if known.drafts.contains(&(Section::Complexes, id.to_string())) {
                    "that complex is a draft: publish it, or build with --drafts".to_string()
                } else if known.complexes.contains(id) {
                    // The file exists but has errors of its own, reported there.
                    return None;
                } else if let Some(hint) = full_width_separator_hint(id) {
                    hint
                } else {
                    match did_you_mean(id, published.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean \"{s}\"?"),
                        None => "ids are the file names in content/complexes/, without .yaml or .md".to_string(),
                    }
                };
                cx.err(at, format!("unknown complex \"{id}\""), Some(hint));
                None
            };
            let mut complexes = Vec::new();
            let mut named: HashSet<&str> = HashSet::new();
            for (i, c) in doc.raw.complexes.iter().enumerate() {
                if !named.insert(c.as_str()) {
                    cx.warn(
                        &p!["complexes", i],
                        format!("complex \"{c}\" is named twice"),
                        Some("remove the repetition: the report's page shows each complex once".to_string()),
                    );
                } else if let Some(id) = resolve(&mut cx, c, &p!["complexes", i]) {
                    complexes.push(id);
                }
            }
            report.complexes = complexes;
            report.location_complex = doc
                .raw
                .location
                .as_ref()
                .and_then(|l| l.complex.as_ref())
                .and_then(|c| resolve(&mut cx, c, &p!["location", "complex"]));
            for (i, ph) in doc.raw.photos.iter().enumerate() {
                let Some(file) = &ph.file else { continue };
                let rel = file.trim_start_matches('/');
                if !safe_relative(rel) {
                    cx.err(
                        &p!["photos", i, "file"],
                        format!("\"{file}\" is not a path inside static/"),
                        Some("write a path such as photos/2019/meeting.jpg".to_string()),
                    );
                } else if !statics.contains(rel) {
                    // The path is from static/, so "static/" written in it is one folder too many.
                    let hint = match rel.strip_prefix("static/") {
                        Some(inner) if statics.contains(inner) => format!("write the path from static/: file: {inner}"),
                        _ => format!("put the file at static/{rel}"),
                    };
                    cx.err(&p!["photos", i, "file"], format!("photo \"{file}\" does not exist"), Some(hint));
                }
            }
            cx.finish()
        })
        .collect();
    for d in found {
        diags.extend(Diagnostics::from(d));
    }
}

/// A relative path that stays inside its folder.
pub fn safe_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && !rel.contains(':')
        && rel.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
}

/// What checking the links in bodies needs beyond the site: kept by a build that checks the
/// links of the bodies it renders as it renders them ([`Options::defer_links`]).
pub struct LinkCheck {
    known: Known,
    /// Whether complexes, or reports, with errors of their own were left out of the site.
    complexes_left_out: bool,
    reports_left_out: bool,
}

impl LinkCheck {
    fn new(site: &Site, known: Known) -> LinkCheck {
        let left_out = |section: Section, ids: &HashSet<String>, kept: usize| {
            ids.len() > kept + known.drafts.iter().filter(|(s, _)| *s == section).count()
        };
        LinkCheck {
            complexes_left_out: left_out(Section::Complexes, &known.complexes, site.complexes.len()),
            reports_left_out: left_out(Section::Reports, &known.reports, site.reports.len()),
            known,
        }
    }

    /// The checker of `site`'s bodies' links.
    pub fn of<'s>(&'s self, site: &'s Site) -> BodyLinks<'s> {
        let known = &self.known;
        BodyLinks {
            site,
            known,
            lists: Lists {
                site,
                complexes_left_out: self.complexes_left_out,
                reports_left_out: self.reports_left_out,
                folders: term_lists(&site.config.vocab).iter().map(|(r, _, _)| term_folder(r, "")).collect(),
                written: std::sync::OnceLock::new(),
                drafts: (&known.draft_complexes, &known.draft_reports),
                drafts_written: std::sync::OnceLock::new(),
            },
        }
    }

    /// Checks the links of the bodies a build renders, which [`validate`] left to the build:
    /// for when the build stops before it has rendered them all.
    pub fn check_rendered(&self, site: &Site, diags: &mut Diagnostics) {
        self.check_all(site, &body_parts(site, |rendered| rendered), diags);
    }

    /// Checks the links of the bodies in `parts`, in parallel.
    fn check_all(&self, site: &Site, parts: &[&BodyPart], diags: &mut Diagnostics) {
        let links = self.of(site);
        each_part(parts, diags, |part, d| links.check_parsing(part, d));
    }
}

/// Warns of what the published bodies show otherwise than their editors wrote it: the raw
/// HTML that sanitising removes (`<iframe>`, `<script>`, a `style`), once per element or
/// attribute and body, where it is first written; and the lines laid out otherwise than they
/// read ([`crate::render::markdown::LayoutSlip`]): a paragraph indented into a block of code,
/// as text pasted from a word processor often is, `##标题` without its space, a full-width `＃`
/// or `（` where Markdown needs `#` or `(`, lines numbered `1、`. Only the bodies that may hold
/// either (a `<`, or such a line) are read, each once.
fn check_body_text(site: &Site, diags: &mut Diagnostics) {
    use crate::render::markdown::{Place, layout_slips, removed_html};
    let html = |part: &BodyPart| site.config.sanitize_html && part.markdown.may_hold_html();
    let layout = |part: &BodyPart| part.markdown.may_be_laid_out_otherwise();
    let mut parts = body_parts(site, |rendered| rendered);
    parts.retain(|part| html(part) || layout(part));
    each_part(&parts, diags, |part, d| {
        // A body that cannot be read is reported where it is rendered.
        let Ok(md) = part.text() else { return };
        let mut found: Vec<(usize, (String, String))> = Vec::new();
        if html(part) {
            found.extend(removed_html(&md).into_iter().map(|(removed, at)| (at, removed_html_message(&removed))));
        }
        if layout(part) {
            found.extend(layout_slips(&md).into_iter().map(|(slip, at)| (at, layout_slip_message(&slip))));
        }
        for (at, (message, hint)) in found {
            let place = Place::of(&md, at);
            d.push(
                Diagnostic::warning(&part.path, part.first_line + place.line - 1, place.column, message)
                    .with_hint(hint)
                    .with_source_at(place.text, place.at),
            );
        }
    });
}

/// The warning about a line laid out otherwise than it reads, and its hint.
fn layout_slip_message(slip: &crate::render::markdown::LayoutSlip) -> (String, String) {
    use crate::render::markdown::LayoutSlip;
    match slip {
        LayoutSlip::IndentedCode => (
            "this text is indented by four spaces or a tab, so it is published as a block of code".to_string(),
            "remove the spaces at the start of its lines to make it a paragraph (a blank line between \
             paragraphs is enough); to show code on purpose, put it between two ``` lines"
                .to_string(),
        ),
        LayoutSlip::HeadingWithoutSpace(hashes) => (
            format!(
                "\"{hashes}\" with no space after it does not make a heading, so this line is published as it is written"
            ),
            format!("write a space after the {hashes}: {hashes} 标题"),
        ),
        LayoutSlip::FullWidthHash => (
            "\"＃\" is a full-width #, so this line is not a heading".to_string(),
            "write the # of the keyboard's English mode and a space: ## 标题".to_string(),
        ),
        LayoutSlip::FullWidthLinkBracket => (
            "\"（\" is a full-width bracket, so this is not a link and is published as written".to_string(),
            "write the address in ( and ): [text](@/reports/<id>)".to_string(),
        ),
        LayoutSlip::NumberedWithEnumerationComma => (
            "lines numbered with \"、\" run together into one paragraph".to_string(),
            "for a list, number the lines 1. 2. with a space after the full stop; or leave a blank line between them"
                .to_string(),
        ),
    }
}

/// The warning about raw HTML that sanitising removes, and its hint.
fn removed_html_message(removed: &crate::render::markdown::Removed) -> (String, String) {
    use crate::render::markdown::Removed;
    let trusted = "or set sanitize_html: false in site.yaml if every editor is trusted";
    match removed {
        Removed::Element(name) => (
            format!("the <{name}> here is removed when the page is published"),
            format!("sanitize_html (site.yaml) keeps only safe HTML: link to the page or video instead, {trusted}"),
        ),
        Removed::Attribute { element, attribute } => {
            let why = match attribute.as_str() {
                "style" => "the theme sets colours, sizes and spacing; for emphasis write **bold** or *italic*",
                a if a.starts_with("on") => "scripts never run on the published site",
                "target" => "a link opens where the reader chooses to open it",
                "href" | "src" => {
                    "only addresses that begin with http:, https:, mailto: or tel:, and paths within the site, are kept"
                }
                _ => "sanitize_html (site.yaml) keeps only the attributes that are safe",
            };
            (
                format!("the {attribute} attribute of this <{element}> is removed when the page is published"),
                format!("{why}, {trusted}"),
            )
        }
    }
}

/// Runs `check` on each of `parts` in parallel, adding what each finds to `diags`.
fn each_part(parts: &[&BodyPart], diags: &mut Diagnostics, check: impl Fn(&BodyPart, &mut Diagnostics) + Sync) {
    let found: Vec<Diagnostics> = parts
        .par_iter()
        .map(|part| {
            let mut d = Diagnostics::new();
            check(part, &mut d);
            d
        })
        .collect();
    found.into_iter().for_each(|d| diags.extend(d));
}

/// The parts of the site's bodies for which `wanted` holds, given whether a build renders the
/// part.
fn body_parts(site: &Site, wanted: impl Fn(bool) -> bool) -> Vec<&BodyPart> {
    let langs = &site.config.languages;
    let bodies = site.complexes.iter().map(|c| &c.body);
    let bodies = bodies.chain(site.reports.iter().map(|r| &r.body)).chain(site.pages.iter().map(|p| &p.body));
    bodies.flat_map(|b| b.parts.iter().filter(|p| wanted(rendered(b, p, langs)))).collect()
}

/// Whether a build renders `part` of `body`: whether it is the part the body gives in one of
/// the site's `languages`.
pub fn rendered(body: &Body, part: &BodyPart, languages: &[String]) -> bool {
    languages.iter().any(|l| body.get(l).is_some_and(|p| std::ptr::eq(p, part)))
}

/// Checks the links in bodies: every `@/…` link must name existing content; every link from
/// the site's root to a page or a list must lead to one that the build writes; every link to
/// a local file must exist in static/.
pub struct BodyLinks<'s> {
    site: &'s Site,
    known: &'s Known,
    lists: Lists<'s>,
}

impl BodyLinks<'_> {
    /// Parses `part` to find its links, and checks them.
    fn check_parsing(&self, part: &BodyPart, diags: &mut Diagnostics) {
        let text = match part.text() {
            Ok(text) => text,
            Err(changed) => return diags.push(changed.diagnostic(part)),
        };
        let links = pulldown_cmark::Parser::new_ext(&text, crate::markdown_options())
            .into_offset_iter()
            .filter_map(|(event, range)| Some((crate::render::markdown::link_destination(&event)?.to_string(), range)));
        self.check(part, &text, links, diags);
    }

    /// Checks the links of `part`, whose Markdown is `md`: each one's destination, and where
    /// the link is written in `md`, in the order they come in.
    pub fn check(
        &self,
        part: &BodyPart,
        md: &str,
        links: impl IntoIterator<Item = (String, std::ops::Range<usize>)>,
        diags: &mut Diagnostics,
    ) {
        let (site, known, lists) = (self.site, self.known, &self.lists);
        let mut links = links.into_iter().peekable();
        if links.peek().is_none() {
            return;
        }
        let line_starts: Vec<usize> = std::iter::once(0).chain(md.match_indices('\n').map(|(i, _)| i + 1)).collect();
        // Where the last link was, so that many links on one long line are counted from each
        // other rather than each from the start of the line.
        let mut last = (0, 0, 1);
        let mut position = |offset: usize| -> (usize, usize, &str) {
            let line = line_starts.partition_point(|&s| s <= offset) - 1;
            let (line_start, end) = (line_starts[line], line_starts.get(line + 1).map_or(md.len(), |&e| e - 1));
            let (from, col) = if last.1 == line && last.0 <= offset { (last.0, last.2) } else { (line_start, 1) };
            let col = col + md[from..offset].chars().count();
            last = (offset, line, col);
            (part.first_line + line, col, &md[line_start..end])
        };
        let candidates = |section: &str| -> Vec<String> {
            match section {
                "complexes" => site.complexes.iter().map(|c| c.id.to_string()).collect(),
                "reports" => site.reports.iter().map(|c| c.id.to_string()).collect(),
                "pages" => site.pages.iter().map(|c| c.id.to_string()).collect(),
                _ => Vec::new(),
            }
        };
        // Why a link to `id` in `section` leads nowhere, as a hint (a did-you-mean followed by
        // `more`); None when it leads to a published page.
        let unpublished = |section: &str, id: &str, more: &str| -> Option<String> {
            let (kind, ids) = known.section(section)?;
            if ids.contains(id) && !known.drafts.contains(&(kind, id.to_string())) {
                return None;
            }
            let c = candidates(section);
            Some(match did_you_mean(id, c.iter().map(String::as_str)) {
                _ if ids.contains(id) => "that file is a draft: publish it, or build with --drafts".to_string(),
                Some(s) => format!("did you mean \"@/{section}/{s}\"?{more}"),
                None => format!("there is no file content/{section}/{id}.*"),
            })
        };
        for (dest, range) in links {
            let mut at =
                md.get(range.clone()).and_then(|t| t.find(dest.as_str())).map_or(range.start, |i| range.start + i);
            // A place that is not between two characters (never expected) is taken to the one before.
            at = at.min(md.len());
            while !md.is_char_boundary(at) {
                at -= 1;
            }
            let (line, col, line_text) = position(at);
            let line_at = at - line_starts[line - part.first_line];
            if let Some(r) = crate::link::parse_internal_ref(&dest) {
                if !matches!(r.section, "complexes" | "reports" | "pages") {
                    diags.push(
                        Diagnostic::error(
                            &part.path,
                            line,
                            col,
                            format!("broken internal link \"{dest}\": there is no section \"{}\"", r.section),
                        )
                        .with_hint("write @/complexes/<id>, @/reports/<id> or @/pages/<id>")
                        .with_source_at(line_text, line_at),
                    );
                } else if r.id.is_empty() {
                    let (what, files, list) = match r.section {
                        "complexes" => ("profile", ".yaml or .md", " (the list of complexes is /complexes/)"),
                        "reports" => ("report", ".md", " (the list of reports is /reports/)"),
                        _ => ("page", ".md", ""),
                    };
                    diags.push(
                        Diagnostic::error(
                            &part.path,
                            line,
                            col,
                            format!("broken internal link \"{dest}\": it names no {what}"),
                        )
                        .with_hint(format!(
                            "add the {what}'s id after the slash, its file name without {files}: @/{}/<id>{list}",
                            r.section
                        ))
                        .with_source_at(line_text, line_at),
                    );
                } else if let Some(hint) = unpublished(r.section, r.id, "") {
                    diags.push(
                        Diagnostic::error(&part.path, line, col, format!("broken internal link \"{dest}\""))
                            .with_hint(hint)
                            .with_source_at(line_text, line_at),
                    );
                }
                continue;
            }
            // A link from the root to a page's index.html is a link to the page.
            let (path, after) = dest.split_at(dest.find(['#', '?']).unwrap_or(dest.len()));
            let page_dest = match path.strip_suffix("index.html") {
                Some(folder) if dest.starts_with('/') && folder.ends_with('/') => format!("{folder}{after}"),
                _ => dest.clone(),
            };
            let default = site.config.default_language();
            if let Some(rest) =
                page_dest.strip_prefix('/').and_then(|p| p.strip_prefix(default)).and_then(|p| p.strip_prefix('/'))
                && !site.statics.contains(&static_index(&page_dest))
            {
                diags.push(
                    Diagnostic::error(
                        &part.path,
                        line,
                        col,
                        format!("broken link \"{dest}\": the site's default language, {default}, has no folder"),
                    )
                    .with_hint(format!("link to \"/{rest}\": the pages in {default} are at the site's root"))
                    .with_source_at(line_text, line_at),
                );
                continue;
            }
            // The lists first: what is left under complexes/ and reports/ names a profile or report.
            if let Some(link) = list_link(&page_dest, &site.config.languages, &lists.folders) {
                if let Some((message, hint)) = lists.problem(&link, &dest) {
                    diags.push(
                        Diagnostic::error(&part.path, line, col, message)
                            .with_hint(hint)
                            .with_source_at(line_text, line_at),
                    );
                }
                continue;
            }
            if let Some((section, id)) = page_link(&page_dest, &site.config.languages) {
                if !site.statics.contains(&static_index(&page_dest))
                    && let Some(hint) =
                        unpublished(section, id, " a link written so is checked too, and follows the page's language")
                {
                    let singular = crate::link::singular(section);
                    diags.push(
                        Diagnostic::error(
                            &part.path,
                            line,
                            col,
                            format!("broken link \"{dest}\": there is no {singular} \"{id}\""),
                        )
                        .with_hint(hint)
                        .with_source_at(line_text, line_at),
                    );
                }
                continue;
            }
            let file = local_file_link(&dest);
            // A page's own content file ("x.md", "../reports/x.md") is published as its page.
            let page_of_file = file.as_deref().and_then(|f| {
                let id = f.rsplit('/').next()?.strip_suffix(".md")?;
                let id = id.split('.').next().unwrap_or(id);
                ["reports", "complexes", "pages"]
                    .into_iter()
                    .find(|&s| unpublished(s, id, "").is_none())
                    .map(|s| (s, id))
            });
            if let Some((section, id)) = page_of_file {
                diags.push(
                    Diagnostic::error(&part.path, line, col, format!("link to a content file \"{dest}\""))
                        .with_hint(format!("link to its page instead: @/{section}/{id}"))
                        .with_source_at(line_text, line_at),
                );
                continue;
            }
            let problem = match file.as_deref().map(inside_static) {
                _ if relative_page_link(&dest) && file.is_none() => Diagnostic::error(
                    &part.path,
                    line,
                    col,
                    format!("broken link \"{dest}\": without / at its start it leads from this page's own address"),
                )
                .with_hint(relative_link_hint(&dest)),
                Some(None) => Diagnostic::error(
                    &part.path,
                    line,
                    col,
                    format!("linked file \"{dest}\" is outside static/"),
                )
                .with_hint(
                    "only files under static/ are published: link to one as /files/plan.pdf for static/files/plan.pdf",
                ),
                Some(Some(local))
                    if !site.statics.contains(&local) && !generated_file(&local, &site.config.languages) =>
                {
                    let hint = match local.strip_prefix("static/") {
                        Some(rest) => format!("write the path without static/: /{rest}"),
                        None => web_address_hint(&dest)
                            .unwrap_or_else(|| format!("put the file at static/{local}, or fix the link")),
                    };
                    Diagnostic::error(&part.path, line, col, format!("linked file \"{dest}\" does not exist"))
                        .with_hint(hint)
                }
                _ => continue,
            };
            diags.push(problem.with_source_at(line_text, line_at));
        }
    }
}

/// The section and id of a profile, report or plain page that a link from the site's root
/// names ("/reports/x/", "/en/complexes/y/#stats", "/about/"), the pages a build makes for
/// them; None for any other link and files. Links to the browse lists ([`list_link`]) are
/// to be told apart first.
fn page_link<'d>(dest: &'d str, languages: &[String]) -> Option<(&'static str, &'d str)> {
    let (_, steps) = root_steps(dest, languages)?;
    match steps[..] {
        ["complexes", id] => Some(("complexes", id)),
        ["reports", id] => Some(("reports", id)),
        [id] if !id.contains('.') && !crate::link::RESERVED.contains(&id) => Some(("pages", id)),
        _ => None,
    }
}

/// The file of static/ that a link from the site's root to a folder leads to when static/
/// has it: "complexes/x/index.html" for "/complexes/x/#top".
fn static_index(dest: &str) -> String {
    let path = dest.trim_start_matches('/').split(['#', '?']).next().unwrap_or("");
    match path {
        "" => "index.html".to_string(),
        p if p.ends_with('/') => format!("{p}index.html"),
        p => format!("{p}/index.html"),
    }
}

/// The language folder a link from the site's root starts with, if any (the default
/// language, first, has none), and the steps of the rest of its path, without fragment,
/// query and final slash; None for any other link.
fn root_steps<'d>(dest: &'d str, languages: &[String]) -> Option<(Option<&'d str>, Vec<&'d str>)> {
    let path = dest.strip_prefix('/').filter(|p| !p.starts_with('/'))?;
    let path = path.split(['#', '?']).next().unwrap_or("");
    let mut steps: Vec<&str> = path.split('/').collect();
    if steps.last() == Some(&"") {
        steps.pop();
    }
    let lang = steps.first().copied().filter(|s| languages.iter().skip(1).any(|l| l == s));
    if lang.is_some() {
        steps.remove(0);
    }
    Some((lang, steps))
}

/// The lists of complexes, and of reports, by a vocabulary's terms: the route of each (with
/// no term), the vocabulary, and what it lists.
fn term_lists(v: &Vocabularies) -> [(Route<'static>, &Vocabulary, &'static str); 7] {
    [
        (Route::City(""), &v.cities, "complex"),
        (Route::Level(""), &v.levels, "complex"),
        (Route::Status(""), &v.statuses, "complex"),
        (Route::Mode(""), &v.modes, "complex"),
        (Route::Industry(""), &v.industries, "complex"),
        (Route::Service(""), &v.service_elements, "complex"),
        (Route::ReportKind("", 1), &v.report_kinds, "report"),
    ]
}

/// The folder of a term's route, which holds a page for each term: "cities/" for the cities.
fn term_folder(route: &Route<'_>, term: &str) -> String {
    let path = route.path();
    path[..path.len() - term.len() - 1].to_string()
}

/// The term a list page is for, if it is one of [`term_lists`].
fn term_of<'r>(route: &Route<'r>) -> Option<&'r str> {
    match *route {
        Route::City(t)
        | Route::Level(t)
        | Route::Status(t)
        | Route::Mode(t)
        | Route::Industry(t)
        | Route::Service(t)
        | Route::ReportKind(t, _) => Some(t),
        _ => None,
    }
}

/// A link from the site's root into the folders of the lists: "/cities/taizhou/",
/// "/en/reports/2019/page/2/".
struct ListLink<'d> {
    /// The language it names, None for the default one.
    lang: Option<&'d str>,
    /// Its path under the language's root, ending in "/": "reports/2019/page/2/".
    path: String,
    list: ListOf<'d>,
    /// The path of the list's first page ("reports/2019/"), and the steps after it.
    first: String,
    rest: Vec<&'d str>,
}

/// Which list a link names.
enum ListOf<'d> {
    /// A term's: the index of its list in [`term_lists`], and the term.
    Term(usize, &'d str),
    /// A year's reports.
    Year(&'d str),
    /// All reports.
    All,
}

/// The list a link from the site's root names, with the page; None for a link elsewhere,
/// and for one that names a file ("…/index.html", checked as a file). `folders` are those of
/// [`term_lists`], in order.
fn list_link<'d>(dest: &'d str, languages: &[String], folders: &[String]) -> Option<ListLink<'d>> {
    let (lang, steps) = root_steps(dest, languages)?;
    if steps.last().is_some_and(|s| s.contains('.')) {
        return None;
    }
    let path: String = steps.iter().flat_map(|s| [*s, "/"]).collect();
    let folder = folders.iter().enumerate().find(|(_, f)| path.starts_with(f.as_str()));
    let (list, len) = match (folder, &steps[..]) {
        (Some((i, f)), _) => {
            let depth = f.matches('/').count();
            (ListOf::Term(i, steps.get(depth).copied().unwrap_or("")), depth + 1)
        }
        (None, ["reports", "page", ..]) => (ListOf::All, 1),
        (None, ["reports", year, ..]) if !year.is_empty() && year.bytes().all(|b| b.is_ascii_digit()) => {
            (ListOf::Year(year), 2)
        }
        _ => return None,
    };
    let len = len.min(steps.len());
    let first = steps[..len].iter().flat_map(|s| [*s, "/"]).collect();
    Some(ListLink { lang, path, list, first, rest: steps[len..].to_vec() })
}

/// The list pages a build writes, for checking links from the site's root to them: made the
/// first time a link names one, once for the whole run.
struct Lists<'s> {
    site: &'s Site,
    /// Whether complexes, or reports, with errors of their own were left out of the site: the
    /// lists they would join are then not known in full, so a link to a term or a year such a
    /// file may have is not reported until it is mended.
    complexes_left_out: bool,
    reports_left_out: bool,
    /// The folder of each of [`term_lists`]: "cities/", "complexes/level/", …
    folders: Vec<String>,
    written: std::sync::OnceLock<Written>,
    /// The complexes and reports left out as drafts, and the list pages they alone would
    /// add, so that a link to one says why it is missing.
    drafts: (&'s [Complex], &'s [Report]),
    drafts_written: std::sync::OnceLock<Written>,
}

/// The list pages a build writes, as paths under a language's root.
struct Written {
    /// Each one: "cities/taizhou/", "reports/2019/page/2/".
    paths: HashSet<String>,
    /// The terms with a page, by the folder of their list ("cities/", "reports/kind/"), in the
    /// order of the site's lists.
    terms: HashMap<String, Vec<String>>,
    /// The years with reports, newest first.
    years: Vec<String>,
    /// How many pages each list of reports has, by the path of its first page ("reports/",
    /// "reports/2019/").
    pages: HashMap<String, usize>,
}

impl Written {
    fn of(site: &Site) -> Written {
        let lists = crate::render::ListPages::of(site);
        let mut w = Written { paths: HashSet::new(), terms: HashMap::new(), years: Vec::new(), pages: HashMap::new() };
        for route in lists.routes() {
            let path = route.path();
            let list = match route {
                Route::Reports(n) => Some((Route::Reports(1), n)),
                Route::ReportYear(y, n) => Some((Route::ReportYear(y, 1), n)),
                Route::ReportKind(k, n) => Some((Route::ReportKind(k, 1), n)),
                _ => None,
            };
            if let Some((first, n)) = list {
                let pages = w.pages.entry(first.path()).or_default();
                *pages = (*pages).max(n);
            }
            match (route, term_of(&route)) {
                (Route::ReportYear(y, 1), _) => w.years.push(y.to_string()),
                (Route::ReportKind(_, 2..), _) => {}
                (_, Some(term)) => w.terms.entry(term_folder(&route, term)).or_default().push(term.to_string()),
                _ => {}
            }
            w.paths.insert(path);
        }
        w
    }
}

/// The hint for a link to what only drafts have.
const DRAFTS_HINT: &str = "publish one of them (remove draft: true), or build with --drafts";

impl Lists<'_> {
    /// The list pages the drafts left out would add by themselves.
    fn drafts_written(&self) -> &Written {
        self.drafts_written.get_or_init(|| {
            let (complexes, reports) = self.drafts;
            Written::of(&Site {
                config: self.site.config.clone(),
                complexes: complexes.to_vec(),
                reports: reports.to_vec(),
                pages: Vec::new(),
                statics: Default::default(),
            })
        })
    }

    /// What is wrong with a link to a list page, as a message and a hint; None when the
    /// build writes the page (or may, once the files with errors are mended).
    fn problem(&self, link: &ListLink<'_>, dest: &str) -> Option<(String, String)> {
        let site = self.site;
        let lang = link.lang.map_or_else(|| "/".to_string(), |l| format!("/{l}/"));
        let w = self.written.get_or_init(|| Written::of(site));
        if w.paths.contains(&link.path) || site.statics.contains(&format!("{}{}index.html", &lang[1..], link.path)) {
            return None;
        }
        let broken = |what: String| format!("broken link \"{dest}\": {what}");
        match link.list {
            ListOf::Term(i, term) => {
                let (_, vocab, items) = &term_lists(&site.config.vocab)[i];
                let folder = &self.folders[i];
                let with_page = w.terms.get(folder).map_or(&[][..], Vec::as_slice);
                if !with_page.iter().any(|t| t == term) {
                    let (name, known) = (vocab.term_name(), vocab.contains(term));
                    let left_out = if *items == "report" { self.reports_left_out } else { self.complexes_left_out };
                    if known && left_out {
                        return None;
                    }
                    if known && self.drafts_written().terms.get(folder).is_some_and(|t| t.iter().any(|t| t == term)) {
                        return Some((
                            broken(format!(
                                "only drafts have the {name} \"{term}\", so the build writes no page for it"
                            )),
                            DRAFTS_HINT.to_string(),
                        ));
                    }
                    let message = match (term, known) {
                        ("", _) => format!("it names no {name}"),
                        (_, true) => {
                            format!("no {items} has the {name} \"{term}\", so the build writes no page for it")
                        }
                        (_, false) => format!("there is no {name} \"{term}\""),
                    };
                    let hint = match did_you_mean(term, with_page.iter().map(String::as_str)) {
                        Some(s) if !term.is_empty() => format!("did you mean \"{lang}{folder}{s}/\"?"),
                        _ if with_page.is_empty() => format!("no {items} has a {name} yet, so there is no such page"),
                        _ => format!(
                            "the build writes a page for each {name} in use: {}",
                            first_few(with_page.iter().map(String::as_str))
                        ),
                    };
                    return Some((broken(message), hint));
                }
            }
            ListOf::Year(year) if !w.years.iter().any(|y| y == year) => {
                if self.reports_left_out {
                    return None;
                }
                if self.drafts_written().years.iter().any(|y| y == year) {
                    return Some((
                        broken(format!("only drafts are reports of {year}, so the build writes no page for it")),
                        DRAFTS_HINT.to_string(),
                    ));
                }
                let hint = if w.years.is_empty() {
                    "no report has a date yet".to_string()
                } else {
                    format!("the years with reports are {}", first_few(w.years.iter().map(String::as_str)))
                };
                return Some((broken(format!("there are no reports of {year}")), hint));
            }
            ListOf::Year(_) | ListOf::All => {}
        }
        // The list is written: the link names a page of it that is not.
        let pages = w.pages.get(&link.first).copied().unwrap_or(1);
        let first = format!("{lang}{}", link.first);
        Some(match link.rest[..] {
            ["page", "1"] => {
                (broken("page 1 of the list is at its own address".to_string()), format!("link to \"{first}\""))
            }
            ["page", n] => {
                // Only the lists of reports have more than one page.
                let of_reports = w.pages.contains_key(&link.first);
                if of_reports && self.reports_left_out && n.parse::<usize>().is_ok_and(|n| n > pages) {
                    return None;
                }
                let hint = match pages {
                    1 => format!("the list has one page, \"{first}\""),
                    2 => format!("the list has 2 pages: \"{first}\" and \"{first}page/2/\""),
                    _ => format!(
                        "the list has {pages} pages: \"{first}\", then \"{first}page/2/\" to \"{first}page/{pages}/\""
                    ),
                };
                (broken(format!("the list has no page {n}")), hint)
            }
            _ => (broken("the build writes no page there".to_string()), format!("did you mean \"{first}\"?")),
        })
    }
}

/// Whether a build writes the file at `path` (in the output folder) itself: the open data
/// files, each language's feed, home page, lists of complexes and reports and search page,
/// the sitemap, robots.txt and the 404 page.
fn generated_file(path: &str, languages: &[String]) -> bool {
    let unprefixed = path.split_once('/').filter(|(l, _)| languages.iter().any(|x| x == l)).map_or(path, |(_, p)| p);
    let page = |route: Route<'_>| unprefixed.strip_suffix("index.html") == Some(route.path().as_str());
    crate::data::FILES.contains(&path)
        || unprefixed == crate::link::Route::Feed.path()
        || [Route::Home, Route::Complexes, Route::Reports(1), Route::Search].into_iter().any(page)
        || [crate::feeds::SITEMAP, crate::feeds::ROBOTS, crate::render::NOT_FOUND].contains(&path)
        || crate::feeds::is_sitemap_part(path)
}

/// For ids run together with a full-width comma or enumeration comma ("a，b", "a、b"), which
/// YAML reads as one id: the list to write.
fn full_width_separator_hint(v: &str) -> Option<String> {
    let sep = v.chars().find(|c| matches!(c, '，' | '、' | '；'))?;
    let ids: Vec<&str> = v.split(['，', '、', '；']).map(str::trim).filter(|p| !p.is_empty()).collect();
    Some(format!("\"{sep}\" is a full-width separator, so YAML reads one id here: write [{}]", ids.join(", ")))
}

/// Whether `dest` is a relative link ("reports/x/", "x"), which the browser takes from the
/// page's own address: not from the site's root, not a fragment, an `@/` link or an address
/// with a scheme (https:, mailto:).
fn relative_page_link(dest: &str) -> bool {
    !dest.is_empty() && !dest.starts_with(['/', '#', '?', '@']) && !dest.contains(':')
}

/// What to write instead of the relative link `dest`.
fn relative_link_hint(dest: &str) -> String {
    if let Some(hint) = web_address_hint(dest) {
        return hint;
    }
    let path = dest.trim_start_matches("./").trim_start_matches("../");
    format!(
        "a page of the site is linked as @/reports/<id>, @/complexes/<id> or @/pages/<id>; from the site's root, \
         start with /: /{path}"
    )
}

/// For a link that is another site's address written without its scheme ("www.zj.gov.cn/…").
fn web_address_hint(dest: &str) -> Option<String> {
    dest.starts_with("www.").then(|| format!("a web address starts with https://: https://{dest}"))
}

/// A path under static/ with its `.` and `..` steps taken, or `None` when it leaves static/.
pub(crate) fn inside_static(path: &str) -> Option<String> {
    let mut steps: Vec<&str> = Vec::new();
    for step in path.split('/') {
        match step {
            "" | "." => {}
            ".." => {
                steps.pop()?;
            }
            s => steps.push(s),
        }
    }
    Some(steps.join("/"))
}

/// A link to a file of the site itself ("/files/plan.pdf", "files/plan.pdf"), as a path
/// under static/; None for web addresses, fragments, pretty page links and mail links.
pub(crate) fn local_file_link(dest: &str) -> Option<String> {
    if dest.is_empty() || dest.starts_with('#') || dest.starts_with("//") || dest.contains("://") || dest.contains(':')
    {
        return None;
    }
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let path = path.trim_start_matches('/');
    let last = path.rsplit('/').next().unwrap_or("");
    // Only links that name a file (with an extension) are checked against static/.
    if path.is_empty() || path.ends_with('/') || !last.contains('.') {
        return None;
    }
    Some(path.to_string())
}

/// Validates all content against the configuration, and links the loaded content: the site, if nothing is wrong, every problem
/// found, and with [`Options::defer_links`] what the build needs to check the links of the
/// bodies it renders.
pub fn validate(
    mut loaded: Loaded,
    config: &Config,
    options: Options,
) -> (Option<Site>, Diagnostics, Option<LinkCheck>) {
    use rayon::prelude::*;
    let mut diags = Diagnostics::new();
    check_duplicates(Section::Complexes, docs_of(&loaded.complexes), &loaded.unparsed, &mut diags);
    check_duplicates(Section::Reports, docs_of(&loaded.reports), &loaded.unparsed, &mut diags);
    check_duplicates(Section::Pages, docs_of(&loaded.pages), &loaded.unparsed, &mut diags);

    // Bodies move into the site instead of being copied: the loaded documents stay alive
    // until the end (their YAML locates problems), and a copy would double the text held.
    let (cb, rb, pb) =
        (take_bodies(&mut loaded.complexes), take_bodies(&mut loaded.reports), take_bodies(&mut loaded.pages));
    // Each document's item and its problems apart, so that the items become the site's lists
    // where they are, without being moved again. A profile's parsed form is not needed once
    // validated (its text stays, to locate later problems), so it is freed as soon as each is
    // done rather than with all the others.
    let (complexes, complex_problems): (Vec<_>, Vec<_>) = loaded
        .complexes
        .par_iter_mut()
        .zip(cb)
        .map(|(d, b)| {
            let c = validate_complex(d, b, config);
            d.raw = RawComplex::default();
            c
        })
        .unzip();
    let (reports, report_problems): (Vec<_>, Vec<_>) =
        loaded.reports.par_iter().zip(rb).map(|(d, b)| validate_report(d, b, config)).unzip();
    let (pages, page_problems): (Vec<_>, Vec<_>) =
        loaded.pages.par_iter().zip(pb).map(|(d, b)| validate_page(d, b, config)).unzip();
    for d in complex_problems.into_iter().chain(report_problems).chain(page_problems) {
        diags.extend(Diagnostics::from(d));
    }

    let mut known = Known::of(&loaded);
    let mut keep = |section: Section, id: &Id, draft: bool| {
        let keep = options.drafts || !draft;
        if !keep {
            known.drafts.insert((section, id.to_string()));
        }
        keep
    };
    let (mut draft_complexes, mut draft_reports) = (Vec::new(), Vec::new());
    let complexes = published(complexes, |c| keep(Section::Complexes, &c.id, c.draft), &mut draft_complexes);
    let reports = published(reports, |r| keep(Section::Reports, &r.id, r.draft), &mut draft_reports);
    let pages = pages.into_iter().flatten().filter(|p: &Page| keep(Section::Pages, &p.id, p.draft)).collect();
    let mut site = Site { config: config.clone(), complexes, reports, pages, statics: loaded.statics.clone() };
    // Duplicate ids leave the first file only.
    site.complexes.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.origin.path.cmp(&b.origin.path)));
    site.complexes.dedup_by(|a, b| a.id == b.id);
    site.reports.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.origin.path.cmp(&b.origin.path)));
    site.reports.dedup_by(|a, b| a.id == b.id);
    site.pages.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.origin.path.cmp(&b.origin.path)));
    site.pages.dedup_by(|a, b| a.id == b.id);

    known.draft_complexes = draft_complexes;
    known.draft_reports = draft_reports;
    let translations = std::mem::take(&mut loaded.translations);
    attach_translations(&mut site, translations, &loaded, &mut diags);
    let report_docs: crate::FastMap<&str, &Doc<RawReport>> =
        loaded.reports.iter().map(|d| (d.stem.as_str(), d)).collect();
    check_references(&mut site, &report_docs, &known, config, &mut diags);
    let links = LinkCheck::new(&site, known);
    let defer = options.defer_links && !diags.has_errors();
    links.check_all(&site, &body_parts(&site, |rendered| !(defer && rendered)), &mut diags);
    check_body_text(&site, &mut diags);
    diags.sort();
    if diags.has_errors() {
        return (None, diags, None);
    }
    (Some(site), diags, defer.then_some(links))
}

/// The items that `keep` keeps, in order, where they are (the list is reused, not copied);
/// the others go to `left_out`.
fn published<T>(items: Vec<Option<T>>, mut keep: impl FnMut(&T) -> bool, left_out: &mut Vec<T>) -> Vec<T> {
    items
        .into_iter()
        .filter_map(|item| {
            let item = item?;
            if keep(&item) {
                return Some(item);
            }
            left_out.push(item);
            None
        })
        .collect()
}

/// Adds each translation to its document's body. The site's lists are sorted by id here, so
/// each is found by binary search rather than by scanning every document per translation.
fn attach_translations(site: &mut Site, translations: Vec<Translation>, loaded: &Loaded, diags: &mut Diagnostics) {
    for t in translations {
        let part =
            BodyPart { lang: t.lang.clone(), markdown: t.markdown, path: t.path.clone(), first_line: t.first_line };
        let stem = t.stem.as_str();
        let body = match t.section {
            Section::Complexes => {
                let i = site.complexes.binary_search_by(|c| c.id.as_str().cmp(stem)).ok();
                i.map(|i| &mut site.complexes[i].body)
            }
            Section::Reports => {
                let i = site.reports.binary_search_by(|c| c.id.as_str().cmp(stem)).ok();
                i.map(|i| &mut site.reports[i].body)
            }
            Section::Pages => {
                let i = site.pages.binary_search_by(|c| c.id.as_str().cmp(stem)).ok();
                i.map(|i| &mut site.pages[i].body)
            }
        };
        match body {
            Some(b) => b.parts.push(part),
            None => {
                let exists = match t.section {
                    Section::Complexes => loaded.complexes.iter().any(|d| d.stem == t.stem),
                    Section::Reports => loaded.reports.iter().any(|d| d.stem == t.stem),
                    Section::Pages => loaded.pages.iter().any(|d| d.stem == t.stem),
                } || loaded.unparsed.iter().any(|(s, stem, _)| *s == t.section && *stem == t.stem);
                if !exists {
                    diags.push(
                        Diagnostic::error(
                            &t.path,
                            1,
                            1,
                            format!("translation of \"{}\", which does not exist", t.stem),
                        )
                        .with_hint(format!(
                            "a translation <id>.{}.md sits beside content/{}/<id>.md",
                            t.lang,
                            t.section.folder()
                        )),
                    );
                }
            }
        }
    }
}

/// The site's languages that text map `m` writes with nothing after them (`en:`), each with
/// the warning's message and a hint saying what readers see meanwhile and what to do.
pub(crate) fn empty_texts<'m>(
    m: &'m [(String, String)],
    languages: &'m [String],
) -> impl Iterator<Item = (&'m str, String, String)> + 'm {
    m.iter().filter(|(k, v)| v.trim().is_empty() && languages.contains(k)).map(move |(lang, _)| {
        let hint = match m.iter().find(|(l, v)| l != lang && !v.trim().is_empty()) {
            Some((other, _)) => format!(
                "the {lang} pages show the {other} text instead; write the {lang} text, or remove \"{lang}:\" until there is one"
            ),
            None => format!("write the text, or remove \"{lang}:\""),
        };
        (lang.as_str(), format!("the \"{lang}\" text is empty"), hint)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_said_to_start_inside_a_character_is_reported_at_that_character() {
        let site = crate::render::testutil::small_site();
        let ids = |ids: Vec<String>| ids.into_iter().collect::<HashSet<String>>();
        let known = Known {
            complexes: ids(site.complexes.iter().map(|c| c.id.to_string()).collect()),
            reports: ids(site.reports.iter().map(|r| r.id.to_string()).collect()),
            pages: ids(site.pages.iter().map(|p| p.id.to_string()).collect()),
            drafts: HashSet::new(),
            draft_complexes: Vec::new(),
            draft_reports: Vec::new(),
        };
        let check = LinkCheck::new(&site, known);
        let links = check.of(&site);
        let part = site.reports.iter().find_map(|r| r.body.parts.first()).expect("a report with a body");
        let md = "参见[甲](@/complexes/nothing)";
        let mut found = Diagnostics::new();
        // Byte 1 is inside "参": the place is taken back to the character's start.
        links.check(part, md, [("@/complexes/nothing".to_string(), 1..md.len())], &mut found);
        let d = found.items();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].column), (part.first_line, 1), "{d:?}");
        assert!(d[0].message.contains("broken internal link \"@/complexes/nothing\""), "{d:?}");
    }
}
