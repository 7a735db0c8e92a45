//! The strict, validated content: plain data with no I/O, shared by every later stage.

mod date;
mod text;

pub use date::{PartialDate, Time};
pub use text::Text;

use std::path::{Path, PathBuf};

use crate::config::Config;

/// A checked id: lower-case ASCII letters, digits and single hyphens, taken from a file name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Id(String);

impl Id {
    /// The longest id, in characters.
    pub const MAX_LEN: usize = 100;

    /// Accepts `a-z`, `0-9` and inner single hyphens, at most [`Id::MAX_LEN`] characters.
    pub fn parse(s: &str) -> Option<Id> {
        let ok = !s.is_empty()
            && s.len() <= Id::MAX_LEN
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        ok.then(|| Id(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a piece of content came from, for messages and for "edit this page" links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Relative to the site root.
    pub path: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub title: Text,
    pub publisher: Text,
    pub url: Option<String>,
    pub published: Option<PartialDate>,
    pub note: Text,
}

#[derive(Debug, Clone)]
pub struct Location {
    pub city: String,
    pub district: Text,
    pub address: Text,
    pub coordinates: Option<Coordinates>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
    /// wgs84, gcj02 or bd09.
    pub datum: &'static str,
}

#[derive(Debug, Clone)]
pub struct Listing {
    pub level: String,
    pub list: String,
    pub year: Option<i32>,
    pub batch: Option<String>,
    pub announced: Option<PartialDate>,
    pub issuer: Text,
    pub document: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub element: String,
    pub description: Text,
    pub providers: Vec<Text>,
}

#[derive(Debug, Clone, Default)]
pub struct Facilities {
    pub floor_area: Option<f64>,
    pub investment: Option<(f64, String)>,
    pub service_hall: Text,
    pub exhibition_hall: Text,
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum When {
    Period(PartialDate),
    AsOf(PartialDate),
}

impl When {
    pub fn date(&self) -> PartialDate {
        match self {
            When::Period(d) | When::AsOf(d) => *d,
        }
    }
}

/// One dated, sourced observation of an indicator.
#[derive(Debug, Clone)]
pub struct Statistic {
    pub indicator: String,
    pub value: f64,
    pub unit: String,
    pub when: When,
    pub cumulative: bool,
    pub at_least: bool,
    pub scope: Text,
    pub source: Option<String>,
    pub note: Text,
}

#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Text,
}

#[derive(Debug, Clone)]
pub struct Complex {
    pub id: Id,
    pub origin: Origin,
    pub name: Text,
    pub short_names: Vec<Text>,
    pub level: String,
    pub status: Option<String>,
    pub location: Location,
    pub leading_industry: Text,
    pub industry_tags: Vec<String>,
    pub industry_category: Option<String>,
    pub mode: Option<String>,
    pub applicant: Text,
    pub operator_name: Text,
    pub operator_type: Text,
    pub host_units: Vec<Text>,
    pub lead_enterprises: Vec<Text>,
    pub partners: Vec<Text>,
    pub listings: Vec<Listing>,
    pub services: Vec<Service>,
    pub facilities: Option<Facilities>,
    pub statistics: Vec<Statistic>,
    pub summary: Text,
    pub contact: Option<Contact>,
    pub website: Option<String>,
    pub sources: Vec<Source>,
    pub last_reviewed: Option<PartialDate>,
    /// Markdown narrative per language (from a `.md` profile and its translations).
    pub body: Body,
    pub draft: bool,
}

/// Markdown text per language, with the 1-based line where it starts in its file, so that
/// problems found while rendering point at the editor's line.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub parts: Vec<BodyPart>,
}

/// An item of the site by its place in `site.complexes`, `site.reports` or `site.pages`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemAt {
    Complex(usize),
    Report(usize),
    Page(usize),
}

/// The plain texts of an item's bodies, each with the address of its [`BodyPart`], as the
/// render found them while turning them into HTML, for the search index to take instead of
/// reading and parsing them again.
pub type BodyTexts = Vec<(usize, String)>;

#[derive(Debug, Clone)]
pub struct BodyPart {
    pub lang: String,
    pub markdown: Markdown,
    pub path: PathBuf,
    pub first_line: usize,
}

impl Body {
    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(|p| p.markdown.is_blank())
    }
    /// The body in `lang`, else the first one there is.
    pub fn get(&self, lang: &str) -> Option<&BodyPart> {
        self.parts
            .iter()
            .find(|p| p.lang == lang && !p.markdown.is_blank())
            .or_else(|| self.parts.iter().find(|p| !p.markdown.is_blank()))
    }
}

/// A body's Markdown: held in memory, or only in its file, to be read back when it is
/// rendered or indexed. Bodies are most of a big site's text, so a build keeps them in their
/// files; what is read back must be exactly what was checked, or reading it fails.
#[derive(Debug, Clone)]
pub enum Markdown {
    /// Shared, so that a copy of a parsed file (serve keeps one, see `load::ParseCache`)
    /// shares its body.
    Held(std::sync::Arc<str>),
    /// The last `len` bytes of `file`, whose hash was `hash` when the site was checked;
    /// `html` when the text has a `<`, so may hold raw HTML; `layout` when a line may be laid
    /// out otherwise than it reads ([`crate::render::markdown::may_be_laid_out_otherwise`]).
    InFile { file: PathBuf, len: usize, hash: u64, blank: bool, html: bool, layout: bool },
}

/// A body's file no longer holds the Markdown that was checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path} changed while the site was being built")]
pub struct BodyChanged {
    /// The file, as shown to editors.
    pub path: String,
}

impl BodyPart {
    /// The Markdown text, read back from its file if it was left there.
    pub fn text(&self) -> Result<std::borrow::Cow<'_, str>, BodyChanged> {
        self.markdown.read(&self.path)
    }
}

impl BodyChanged {
    /// The problem as an editor sees it, at the body's first line.
    pub fn diagnostic(&self, part: &BodyPart) -> crate::diagnostics::Diagnostic {
        crate::diagnostics::Diagnostic::error(
            &part.path,
            part.first_line,
            1,
            "the file changed while the site was being built, after it was checked",
        )
        .with_hint("build again once the file is saved")
    }
}

impl Markdown {
    /// Only whitespace (or nothing).
    pub fn is_blank(&self) -> bool {
        match self {
            Markdown::Held(s) => s.trim().is_empty(),
            Markdown::InFile { blank, .. } => *blank,
        }
    }

    /// Whether the text may hold raw HTML: it has a `<`.
    pub fn may_hold_html(&self) -> bool {
        match self {
            Markdown::Held(s) => s.contains('<'),
            Markdown::InFile { html, .. } => *html,
        }
    }

    /// Whether a line may be laid out otherwise than it reads: see
    /// [`crate::render::markdown::may_be_laid_out_otherwise`].
    pub fn may_be_laid_out_otherwise(&self) -> bool {
        match self {
            Markdown::Held(s) => crate::render::markdown::may_be_laid_out_otherwise(s),
            Markdown::InFile { layout, .. } => *layout,
        }
    }

    /// The Markdown text. `shown` names the file in the error if it has changed since.
    pub fn read(&self, shown: &Path) -> Result<std::borrow::Cow<'_, str>, BodyChanged> {
        match self {
            Markdown::Held(s) => Ok(std::borrow::Cow::Borrowed(&**s)),
            Markdown::InFile { file, len, hash, .. } => {
                let changed = || BodyChanged { path: crate::diagnostics::display_path(shown) };
                let bytes = read_tail(file, *len).map_err(|_| changed())?;
                if content_hash(&bytes) != *hash {
                    return Err(changed());
                }
                // Checked here and copied: cheaper than the standard library's check in
                // `String::from_utf8`, which goes a character at a time through Chinese text.
                let text = simdutf8::basic::from_utf8(&bytes).map_err(|_| changed())?;
                Ok(std::borrow::Cow::Owned(text.to_string()))
            }
        }
    }

    /// `text`, held, or with `file` (absolute) the file whose last bytes it is: only what is
    /// needed to read it back and to know it is unchanged is kept.
    pub fn new(text: &str, file: Option<&Path>) -> Markdown {
        match file {
            None => Markdown::Held(text.into()),
            Some(file) => Markdown::InFile {
                file: file.to_path_buf(),
                len: text.len(),
                hash: content_hash(text.as_bytes()),
                blank: text.trim().is_empty(),
                html: memchr::memchr(b'<', text.as_bytes()).is_some(),
                layout: crate::render::markdown::may_be_laid_out_otherwise(text),
            },
        }
    }
}

/// The last `len` bytes of `file`, read without the part before them.
fn read_tail(file: &Path, len: usize) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(file)?;
    let start = f.metadata()?.len().checked_sub(len as u64).ok_or(std::io::ErrorKind::UnexpectedEof)?;
    f.seek(SeekFrom::Start(start))?;
    let mut bytes = vec![0; len];
    f.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// A hash of a file's bytes, to tell whether it still holds what was read before.
pub(crate) fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    // The same in every run of a build; an edit colliding by accident is out of reach.
    let mut h = foldhash::quality::FixedState::default().build_hasher();
    h.write(bytes);
    h.finish()
}

/// Held Markdown, for tests that build a site by hand.
#[cfg(test)]
impl From<String> for Markdown {
    fn from(s: String) -> Markdown {
        Markdown::Held(s.into())
    }
}

#[cfg(test)]
impl From<&str> for Markdown {
    fn from(s: &str) -> Markdown {
        Markdown::Held(s.into())
    }
}

#[derive(Debug, Clone)]
pub struct Attendee {
    pub name: Text,
    pub title: Text,
    pub organisation: Text,
    pub role: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Photo {
    /// Path under the site's static/ folder, with forward slashes.
    pub file: String,
    pub alt: Text,
    pub caption: Text,
    pub credit: Text,
    pub licence: Text,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Debug, Clone, Default)]
pub struct ReportSource {
    pub title: Text,
    pub publisher: Text,
    pub authors: Vec<Text>,
    pub correspondents: Vec<Text>,
    pub url: Option<String>,
    pub published: Option<PartialDate>,
    pub reuse: Text,
    pub note: Text,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub id: Id,
    pub origin: Origin,
    pub title: Text,
    pub kind: String,
    pub event_date: Option<PartialDate>,
    pub event_time: Option<Time>,
    pub event_end_time: Option<Time>,
    pub location_name: Text,
    pub location_city: Option<String>,
    pub location_complex: Option<Id>,
    pub organisers: Vec<Text>,
    pub attendees: Vec<Attendee>,
    pub complexes: Vec<Id>,
    pub summary: Text,
    pub photos: Vec<Photo>,
    pub source: Option<ReportSource>,
    pub published: Option<PartialDate>,
    pub updated: Option<PartialDate>,
    pub tags: Vec<Text>,
    pub body: Body,
    pub draft: bool,
}

impl Report {
    /// The date a report is listed and archived under: the event, else publication.
    pub fn date(&self) -> Option<PartialDate> {
        self.event_date.or(self.published)
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub id: Id,
    pub origin: Origin,
    pub title: Text,
    pub summary: Text,
    pub updated: Option<PartialDate>,
    pub menu: Option<i32>,
    pub body: Body,
    pub draft: bool,
}

/// Every file under static/ (and photos), relative to static/, with forward slashes.
#[derive(Debug, Clone, Default)]
pub struct StaticFiles {
    pub files: Vec<(String, PathBuf)>,
}

impl StaticFiles {
    pub fn contains(&self, rel: &str) -> bool {
        self.files.binary_search_by(|(r, _)| r.as_str().cmp(rel)).is_ok()
    }
}

/// The whole validated site. Lists are sorted by id so output never depends on the order
/// the file system returns entries in.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub complexes: Vec<Complex>,
    pub reports: Vec<Report>,
    pub pages: Vec<Page>,
    pub statics: StaticFiles,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_left_in_its_file_reads_back_only_while_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        let text = "\u{feff}---\r\ntitle: x\r\n---\r\n正文 **粗体**\r\n";
        std::fs::write(&file, text).unwrap();
        let body = &text[text.find("正文").unwrap()..];
        let shown = Path::new("content/a.md");
        let md = Markdown::new(body, Some(&file));
        assert!(matches!(md, Markdown::InFile { .. }) && !md.is_blank());
        assert_eq!(md.read(shown).unwrap(), body);
        // The front matter may change: the body is still the one checked.
        std::fs::write(&file, text.replace("title: x", "title: longer")).unwrap();
        assert_eq!(md.read(shown).unwrap(), body);
        let changed = Err(BodyChanged { path: "content/a.md".into() });
        for edited in [text.replace("粗体", "粗休"), text.replace("正文", "正"), "正".to_string()] {
            std::fs::write(&file, edited).unwrap();
            assert_eq!(md.read(shown), changed);
        }
        std::fs::remove_file(&file).unwrap();
        assert_eq!(md.read(shown), changed);
        assert!(Markdown::new(" \n", Some(&file)).is_blank());
        assert_eq!(Markdown::new(body, None).read(shown).unwrap(), body);
    }
}
