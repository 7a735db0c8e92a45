//! Walking the site folder, reading files and splitting front matter. The only module that
//! touches the YAML crate (through `yaml`); everything it returns is plain data.

pub mod yaml;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::FastMap;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::model::{Markdown, StaticFiles};
use crate::raw::{RawComplex, RawPage, RawReport, RawSite};
pub use yaml::Seg;

/// A content file whose YAML parsed: the raw value plus what is needed to point at lines.
#[derive(Debug, Clone)]
pub struct Doc<T> {
    /// The file stem: the id, not yet checked.
    pub stem: String,
    /// Relative to the site root.
    pub path: PathBuf,
    /// The YAML part of the file (front matter or the whole file); shared by copies.
    pub yaml: std::sync::Arc<str>,
    /// Where each node of `yaml` stands, read on first use.
    pub index: yaml::LazyIndex,
    /// Lines of the file before the YAML starts.
    pub yaml_offset: usize,
    pub raw: T,
    /// The Markdown after the front matter, and its first line (1-based).
    pub body: Option<(Markdown, usize)>,
    /// Fields left out of `raw` because their values could not be read (each is reported):
    /// problems that follow from their absence are not reported again.
    pub skipped: Vec<Vec<Seg>>,
}

impl<T> Doc<T> {
    /// Where the key at the end of `path` is written, when it is (`kind:` with nothing after
    /// it is a key written with no value).
    pub fn key_written(&self, path: &[Seg]) -> Option<(usize, usize)> {
        let (l, c) = self.index.get(&self.yaml).locate(path, true)?;
        Some((l + self.yaml_offset, c))
    }

    /// The editor's line and column of the value at `path` (or of its key), or, when it
    /// cannot be found, of the nearest map or list that holds it, or of the start of the YAML.
    /// The text is read once, however many positions are asked for.
    pub fn locate(&self, path: &[Seg], key: bool) -> (usize, usize) {
        let index = self.index.get(&self.yaml);
        let mut p = path;
        loop {
            if let Some((l, c)) = index.locate(p, key && p.len() == path.len()) {
                return (l + self.yaml_offset, c);
            }
            match p.split_last() {
                Some((_, rest)) if !rest.is_empty() => p = rest,
                _ => return (self.yaml_offset.max(1), 1),
            }
        }
    }
}

/// A Markdown translation of a body: `<id>.<lang>.md`.
#[derive(Debug, Clone)]
pub struct Translation {
    pub section: Section,
    pub stem: String,
    pub lang: String,
    pub path: PathBuf,
    pub markdown: Markdown,
    pub first_line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Complexes,
    Reports,
    Pages,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::Complexes, Section::Reports, Section::Pages];

    pub fn folder(self) -> &'static str {
        match self {
            Section::Complexes => "complexes",
            Section::Reports => "reports",
            Section::Pages => "pages",
        }
    }
}

/// Everything read from the site folder. Lists are sorted by path.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub site: Option<Doc<RawSite>>,
    pub complexes: Vec<Doc<RawComplex>>,
    pub reports: Vec<Doc<RawReport>>,
    pub pages: Vec<Doc<RawPage>>,
    pub translations: Vec<Translation>,
    /// Ids and paths of the files that were found but could not be read or parsed. They
    /// exist, so a reference to one of them is not an error of its own: the file's problem
    /// is; and another file with the same id is still a problem of its own.
    pub unparsed: Vec<(Section, String, PathBuf)>,
    pub statics: StaticFiles,
}

/// An I/O problem that is not the editor's content: the run stops with exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error(
        "{0} has no site.yaml, which a Fulcrum site's folder holds (use --root to point at the site folder, or put site.yaml back if it was removed)"
    )]
    NotASite(String),
    #[error("{0} is not a regular file")]
    NotAFile(String),
}

fn io_err(path: &Path, source: std::io::Error) -> LoadError {
    LoadError::Io { path: crate::diagnostics::display_path(path), source }
}

/// Reads site.yaml alone (the languages decide which files are translations).
pub fn load_site_yaml(root: &Path) -> Result<(Option<Doc<RawSite>>, Diagnostics), LoadError> {
    let abs = root.join("site.yaml");
    // Reading a pipe or a device would never end.
    if std::fs::metadata(&abs).is_ok_and(|m| !m.is_file()) {
        return Err(LoadError::NotAFile(crate::diagnostics::display_path(&abs)));
    }
    let bytes = match std::fs::read(&abs) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(LoadError::NotASite(crate::diagnostics::display_path(root)));
        }
        Err(e) => return Err(io_err(&abs, e)),
    };
    let mut diags = Diagnostics::new();
    let doc = parse_file::<RawSite>(Path::new("site.yaml"), &bytes, false, None, &mut diags);
    // Everything else depends on the site's settings: all of them must have been read.
    Ok((doc.filter(|d| d.skipped.is_empty()), diags))
}

/// Reads every content file under `root/content` and lists `root/static`, in parallel.
/// `languages` are the site's languages, the first being the default. Unless `hold_bodies`,
/// Markdown bodies are left in their files (see [`Markdown`]) as soon as they are read.
pub fn load_content(
    root: &Path,
    languages: &[String],
    hold_bodies: bool,
    cache: Option<&ParseCache>,
) -> Result<(Loaded, Diagnostics), LoadError> {
    let content = root.join("content");
    let mut files: Vec<(Section, PathBuf)> = Vec::new();
    let mut diags = Diagnostics::new();
    check_content_folder(root, &mut diags)?;
    for section in Section::ALL {
        let dir = content.join(section.folder());
        if !dir.is_dir() {
            continue;
        }
        // Folders inside a section are not walked into: their files are not content.
        for entry in walkdir::WalkDir::new(&dir).min_depth(1).max_depth(1).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let p = e.path().map(Path::to_path_buf).unwrap_or_else(|| dir.clone());
                io_err(&p, e.into())
            })?;
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
            let name = entry.file_name().to_string_lossy();
            if is_editor_noise(&name) {
                continue;
            }
            if entry.file_type().is_dir() {
                let message = format!("folder ignored: the files in {}/ are not read", display_path(&rel));
                diags.push(
                    Diagnostic::warning(&rel, 0, 0, message)
                        .with_hint(format!("put files directly in content/{}/", section.folder())),
                );
                continue;
            }
            let ext = entry.path().extension().and_then(|e| e.to_str()).unwrap_or("");
            let allowed = match section {
                Section::Complexes => matches!(ext, "yaml" | "yml" | "md"),
                _ => ext == "md",
            };
            // Only regular files are read: a pipe or a device would never end.
            if !allowed || !entry.file_type().is_file() {
                let hint = match section {
                    Section::Complexes => "profiles are <id>.yaml or <id>.md",
                    Section::Reports => "reports are <id>.md",
                    Section::Pages => "pages are <id>.md",
                };
                let renamed = (!allowed).then(|| content_name(&name, section)).flatten();
                let renamed = renamed.map(|n| format!("rename it to {n}"));
                let (why, hint) = if let Some(rename) = &renamed {
                    ("this file type is not content", rename.as_str())
                } else if !allowed {
                    ("this file type is not content", hint)
                } else if entry.file_type().is_symlink() {
                    ("symbolic links are not followed", "copy the file here instead")
                } else {
                    ("it is not a regular file", "only ordinary files are read: save the content as a file")
                };
                diags.push(Diagnostic::warning(&rel, 0, 0, format!("file ignored: {why}")).with_hint(hint));
                continue;
            }
            files.push((section, entry.path().to_path_buf()));
        }
    }

    // The cache's entries, if they were parsed as these files would be now.
    let mut earlier = cache.map(|c| c.take(languages, hold_bodies)).unwrap_or_default();
    // Each file's item and problems, and for the cache what it parsed anew (`None`: the
    // earlier entry holds the same).
    type Read = (Option<Item>, Diagnostics, Option<Parsed>);
    let results: Vec<Result<Read, LoadError>> = files
        .par_iter()
        .map(|(section, abs)| {
            let bytes = std::fs::read(abs).map_err(|e| io_err(abs, e))?;
            if cache.is_none() {
                let (item, diags) = parse_content(root, *section, abs, &bytes, languages, hold_bodies);
                return Ok((item, diags, None));
            }
            let hash = crate::model::content_hash(&bytes);
            if let Some(p) = earlier.get(abs).filter(|p| p.hash == hash && p.len == bytes.len()) {
                return Ok((p.item.clone(), p.diags.clone(), None));
            }
            let (item, diags) = parse_content(root, *section, abs, &bytes, languages, hold_bodies);
            let parsed = Parsed { len: bytes.len(), hash, item: item.clone(), diags: diags.clone() };
            Ok((item, diags, Some(parsed)))
        })
        .collect();

    // Room for every file of a section, so that the documents are moved into place once.
    let in_section = |s: Section| files.iter().filter(|(f, _)| *f == s).count();
    let mut loaded = Loaded {
        complexes: Vec::with_capacity(in_section(Section::Complexes)),
        reports: Vec::with_capacity(in_section(Section::Reports)),
        pages: Vec::with_capacity(in_section(Section::Pages)),
        ..Loaded::default()
    };
    let mut kept = FastMap::default();
    let mut reused = 0;
    for (r, (_, abs)) in results.into_iter().zip(files) {
        let (item, d, parsed) = match r {
            Ok(read) => read,
            Err(e) => {
                // What was parsed stays for the next load, which will likely find the file.
                if let Some(cache) = cache {
                    earlier.extend(kept);
                    cache.keep(earlier, languages, hold_bodies, reused);
                }
                return Err(e);
            }
        };
        if cache.is_some() {
            let entry = parsed.or_else(|| {
                reused += 1;
                earlier.remove(&abs)
            });
            kept.extend(entry.map(|e| (abs, e)));
        }
        diags.extend(d);
        match item {
            Some(Item::Complex(doc)) => loaded.complexes.push(*doc),
            Some(Item::Report(doc)) => loaded.reports.push(*doc),
            Some(Item::Page(doc)) => loaded.pages.push(doc),
            Some(Item::Translation(t)) => loaded.translations.push(t),
            Some(Item::Unparsed(section, stem, path)) => loaded.unparsed.push((section, stem, path)),
            None => {}
        }
    }
    if let Some(cache) = cache {
        cache.keep(kept, languages, hold_bodies, reused);
    }
    loaded.statics = list_static(root, &mut diags)?;
    Ok((loaded, diags))
}

/// Warns of everything directly in content/ that is not a section's folder: it is not read.
fn check_content_folder(root: &Path, diags: &mut Diagnostics) -> Result<(), LoadError> {
    let content = root.join("content");
    let Ok(entries) = std::fs::read_dir(&content) else {
        return Ok(());
    };
    let mut entries = entries.collect::<Result<Vec<_>, _>>().map_err(|e| io_err(&content, e))?;
    entries.sort_by_key(|e| e.file_name());
    let folders = Section::ALL.map(Section::folder);
    let sections = "content/complexes/, content/reports/ or content/pages/";
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = Path::new("content").join(entry.file_name());
        let is_dir = entry.path().is_dir();
        if is_editor_noise(&name) || (is_dir && folders.contains(&name.as_str())) {
            continue;
        }
        let (message, hint) = if folders.contains(&name.as_str()) {
            (format!("content/{name} is not a folder, so it holds no content"), format!("make {name} a folder"))
        } else if is_dir {
            let hint = match crate::diagnostics::did_you_mean(&name, folders) {
                Some(s) => format!("did you mean \"{s}\"? the sections are {sections}"),
                None => format!("content goes in {sections}"),
            };
            (format!("unknown folder \"{name}\" ignored: the files in it are not read"), hint)
        } else {
            ("file ignored: content/ holds only the sections' folders".to_string(), format!("move it into {sections}"))
        };
        diags.push(Diagnostic::warning(&rel, 0, 0, message).with_hint(hint));
    }
    Ok(())
}

/// What one content file holds, parsed.
#[derive(Clone)]
enum Item {
    Complex(Box<Doc<RawComplex>>),
    Report(Box<Doc<RawReport>>),
    Page(Doc<RawPage>),
    Translation(Translation),
    /// A file of the section that holds problems instead: its id and path.
    Unparsed(Section, String, PathBuf),
}

/// A content file as [`load_content`] read it: its length and hash, and what it held.
struct Parsed {
    len: usize,
    hash: u64,
    item: Option<Item>,
    diags: Diagnostics,
}

/// Content files parsed by earlier loads, by path, for a process that loads the same site
/// again and again (serve, after every save): a file whose bytes have not changed is not
/// parsed again. Only the last load's files are kept.
#[derive(Default)]
pub struct ParseCache {
    state: std::sync::Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    files: FastMap<PathBuf, Parsed>,
    /// What the files were parsed with: the site's languages decide which files are
    /// translations, and `hold_bodies` where each body is kept.
    languages: Vec<String>,
    hold_bodies: bool,
    /// How many files the last load took from the cache.
    reused: usize,
}

impl std::fmt::Debug for ParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("ParseCache").field("files", &state.files.len()).field("reused", &state.reused).finish()
    }
}

impl ParseCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        // A load that panicked left at worst an empty or a complete map.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The entries parsed with these languages and `hold_bodies`, leaving the cache empty
    /// until [`ParseCache::keep`].
    fn take(&self, languages: &[String], hold_bodies: bool) -> FastMap<PathBuf, Parsed> {
        let mut state = self.lock();
        let files = std::mem::take(&mut state.files);
        if state.languages == languages && state.hold_bodies == hold_bodies { files } else { FastMap::default() }
    }

    fn keep(&self, files: FastMap<PathBuf, Parsed>, languages: &[String], hold_bodies: bool, reused: usize) {
        let mut state = self.lock();
        *state = CacheState { files, languages: languages.to_vec(), hold_bodies, reused };
    }

    /// How many content files the last load took from the cache instead of parsing them.
    pub fn reused(&self) -> usize {
        self.lock().reused
    }
}

/// Reads one content file of `section` into what it holds.
fn parse_content(
    root: &Path,
    section: Section,
    abs: &Path,
    bytes: &[u8],
    languages: &[String],
    hold_bodies: bool,
) -> (Option<Item>, Diagnostics) {
    let rel = abs.strip_prefix(root).unwrap_or(abs).to_path_buf();
    let file = (!hold_bodies).then_some(abs);
    let mut d = Diagnostics::new();
    let file_name = abs.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if let Some((stem, lang)) = translation_parts(&file_name, languages) {
        let item = read_text(&rel, bytes, &mut d).map(|text| {
            let (markdown, first_line) = match split_front_matter(&text) {
                Ok(Some(fm)) => {
                    // The body is still read and checked, where it stands in the file.
                    d.push(translation_front_matter(&rel, section, &stem, &lang).with_source(&text));
                    (Markdown::new(fm.body, file), fm.body_line)
                }
                _ => (Markdown::new(&text, file), 1),
            };
            Item::Translation(Translation { section, stem, lang, path: rel.clone(), markdown, first_line })
        });
        return (item, d);
    }
    if let Some(lang) = other_language(&file_name, languages) {
        d.push(language_not_translated(&rel, lang, languages));
        return (None, d);
    }
    let md = file_name.ends_with(".md");
    // A translation whose name writes its language another way has no front matter: as a
    // main file it would only be "a file with no front matter".
    let front_matter = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes).starts_with(b"---");
    if md
        && !front_matter
        && let Some(name) = translation_name(&file_name, languages)
    {
        d.push(
            Diagnostic::error(&rel, 1, 1, "the file has no front matter, and its name is not a translation's")
                .with_hint(format!("a translation is named <id>.<language>.md: rename it to {name}")),
        );
        let stem = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        return (Some(Item::Unparsed(section, stem, rel.clone())), d);
    }
    let item = match section {
        Section::Complexes => {
            parse_file::<RawComplex>(&rel, bytes, md, file, &mut d).map(|d| Item::Complex(Box::new(d)))
        }
        Section::Reports => parse_file::<RawReport>(&rel, bytes, md, file, &mut d).map(|d| Item::Report(Box::new(d))),
        Section::Pages => parse_file::<RawPage>(&rel, bytes, md, file, &mut d).map(Item::Page),
    };
    let stem = || rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    (item.or_else(|| Some(Item::Unparsed(section, stem(), rel.clone()))), d)
}

/// A translation holds only the text of a body: its title, summary and every other field are
/// written in the main file, as `{zh: …, en: …}` texts. Front matter in it would be lost.
fn translation_front_matter(rel: &Path, section: Section, stem: &str, lang: &str) -> Diagnostic {
    let folder = format!("content/{}", section.folder());
    let main = match section {
        Section::Complexes => format!("{folder}/{stem}.yaml (or {stem}.md)"),
        _ => format!("{folder}/{stem}.md"),
    };
    Diagnostic::error(rel, 1, 1, "the front matter of a translation is not read: a translation holds only the text")
        .with_hint(format!(
            "delete the lines from this --- to the next ---, and write these fields in {main} as {{zh: …, {lang}: …}}, e.g. title: {{zh: 标题, {lang}: Title}}"
        ))
}

/// The name a content file was meant to have when its extension is written another way
/// (`x.MD`, `x.markdown`, `x.md.txt`, `x.YAML`).
fn content_name(name: &str, section: Section) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    let (stem, ext) = match stem.strip_suffix(".md") {
        Some(inner) if ext.eq_ignore_ascii_case("txt") => (inner, "md".to_string()),
        _ => (stem, ext.to_ascii_lowercase()),
    };
    let ext = match ext.as_str() {
        "markdown" | "mdown" | "mkd" => "md",
        "yml" | "yaml" if section == Section::Complexes => "yaml",
        "md" => "md",
        _ => return None,
    };
    (!stem.is_empty()).then(|| format!("{stem}.{ext}"))
}

/// The name of the translation a file without front matter was meant to be, when its name
/// writes the language another way (`x.EN.md`, `x_en.md`, `x-en.md`).
fn translation_name(file_name: &str, languages: &[String]) -> Option<String> {
    let base = file_name.strip_suffix(".md")?;
    languages.iter().skip(1).find_map(|lang| {
        let cut = base.len().checked_sub(lang.len() + 1)?;
        let (stem, tail) = base.split_at_checked(cut)?;
        let written = matches!(tail.as_bytes().first(), Some(b'.' | b'_' | b'-'))
            && tail.get(1..).is_some_and(|l| l.eq_ignore_ascii_case(lang));
        (written && !stem.is_empty()).then(|| format!("{stem}.{lang}.md"))
    })
}

/// Backup, swap and lock files that editors leave behind.
fn is_editor_noise(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name.starts_with('#')
}

/// `<stem>.<lang>.md` for a language other than the default.
fn translation_parts(file_name: &str, languages: &[String]) -> Option<(String, String)> {
    let base = file_name.strip_suffix(".md")?;
    let (stem, lang) = base.rsplit_once('.')?;
    languages.iter().skip(1).any(|l| l == lang).then(|| (stem.to_string(), lang.to_string()))
}

/// The language of a file named like a translation, `<stem>.<lang>.md`, in a language that
/// is not one of the site's translations: another language, or the default one.
fn other_language<'a>(file_name: &'a str, languages: &[String]) -> Option<&'a str> {
    let (stem, lang) = file_name.strip_suffix(".md")?.rsplit_once('.')?;
    (!stem.is_empty() && crate::config::is_language_code(lang) && translation_parts(file_name, languages).is_none())
        .then_some(lang)
}

fn language_not_translated(rel: &Path, lang: &str, languages: &[String]) -> Diagnostic {
    if languages.first().is_some_and(|l| l == lang) {
        Diagnostic::error(
            rel,
            1,
            1,
            format!("\"{lang}\" is the site's default language, which has no translation file"),
        )
        .with_hint(format!("put this text in the body of the file without .{lang}, after its front matter"))
    } else {
        let (head, last) = languages.split_at(languages.len().saturating_sub(1));
        let named = if head.is_empty() { last.join("") } else { format!("{} and {}", head.join(", "), last.join("")) };
        Diagnostic::error(rel, 1, 1, format!("\"{lang}\" is not one of the site's languages, which are {named}"))
            .with_hint(format!(
                "a translation is named <id>.<language>.md; to publish in \"{lang}\", add it to languages: in site.yaml"
            ))
    }
}

fn list_static(root: &Path, diags: &mut Diagnostics) -> Result<StaticFiles, LoadError> {
    let dir = root.join("static");
    let mut files = Vec::new();
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).min_depth(1).sort_by_file_name() {
            let entry = entry.map_err(|e| io_err(&dir, e.into()))?;
            let rel_root = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
            if entry.file_type().is_symlink() {
                diags.push(
                    Diagnostic::warning(&rel_root, 0, 0, "symbolic link in static/ ignored")
                        .with_hint("copy the file into static/ instead"),
                );
                continue;
            }
            if entry.file_type().is_dir() {
                continue;
            }
            if !entry.file_type().is_file() {
                diags.push(
                    Diagnostic::warning(&rel_root, 0, 0, "file in static/ ignored: it is not a regular file")
                        .with_hint("static/ holds ordinary files, copied as they are"),
                );
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&dir) else {
                continue;
            };
            let Some(rel_str) = rel.to_str() else {
                diags.push(
                    Diagnostic::error(&rel_root, 0, 0, "file name is not valid UTF-8")
                        .with_hint("rename the file using letters, digits and hyphens"),
                );
                continue;
            };
            files.push((rel_str.replace('\\', "/"), entry.path().to_path_buf()));
        }
    }
    files.sort();
    Ok(StaticFiles { files })
}

fn read_text(rel: &Path, bytes: &[u8], diags: &mut Diagnostics) -> Option<String> {
    match simdutf8::compat::from_utf8(bytes) {
        Ok(s) => Some(s.strip_prefix('\u{feff}').unwrap_or(s).to_string()),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = std::str::from_utf8(&valid[valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)..])
                .map(|s| s.chars().count() + 1)
                .unwrap_or(1);
            diags
                .push(Diagnostic::error(rel, line, col, "the file is not valid UTF-8 text").with_hint(
                    "save the file as UTF-8 (most editors offer this in their \"Save with encoding\" menu)",
                ));
            None
        }
    }
}

/// Front matter found at the top of a Markdown file.
#[derive(Debug, PartialEq, Eq)]
pub struct FrontMatter<'a> {
    pub yaml: &'a str,
    /// Lines before the YAML (the opening `---`).
    pub yaml_offset: usize,
    pub body: &'a str,
    pub body_line: usize,
}

/// Splits `---` front matter from a Markdown file. `Ok(None)` when the file does not start
/// with front matter; `Err` with the opening line when it is never closed.
pub fn split_front_matter(text: &str) -> Result<Option<FrontMatter<'_>>, usize> {
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return Ok(None);
    };
    if first.trim_end() != "---" {
        return Ok(None);
    }
    let yaml_start = first.len();
    let mut pos = yaml_start;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        let t = line.trim_end();
        if t == "---" || t == "..." {
            let body_start = pos + line.len();
            return Ok(Some(FrontMatter {
                yaml: &text[yaml_start..pos],
                yaml_offset: 1,
                body: &text[body_start..],
                body_line: line_no + 1,
            }));
        }
        pos += line.len();
    }
    Err(1)
}

/// Reads one YAML or Markdown-with-front-matter file into `T`, reporting problems with the
/// editor's line and column.
/// `body_file`: where a Markdown body is left (see [`Markdown::new`]).
fn parse_file<T: DeserializeOwned>(
    rel: &Path,
    bytes: &[u8],
    markdown: bool,
    body_file: Option<&Path>,
    diags: &mut Diagnostics,
) -> Option<Doc<T>> {
    let text = read_text(rel, bytes, diags)?;
    let stem = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if text.trim().is_empty() {
        let hint = if markdown {
            "start the file with front matter between two --- lines"
        } else {
            "fill in the required fields, or delete the file"
        };
        diags.push(Diagnostic::error(rel, 1, 1, "the file is empty").with_hint(hint));
        return None;
    }
    let (yaml, yaml_offset, body) = if markdown {
        match split_front_matter(&text) {
            Ok(Some(fm)) => (
                std::sync::Arc::<str>::from(fm.yaml),
                fm.yaml_offset,
                Some((Markdown::new(fm.body, body_file), fm.body_line)),
            ),
            Ok(None) => {
                let hint = if text.trim_start_matches('\u{feff}').starts_with("+++") {
                    "the front matter is YAML between two --- lines, not TOML between +++ lines: write key: value"
                } else {
                    "start the file with a line ---, the fields in YAML, then another line ---"
                };
                diags.push(
                    Diagnostic::error(rel, 1, 1, "the file has no front matter").with_hint(hint).with_source(&text),
                );
                return None;
            }
            Err(line) => {
                diags.push(
                    Diagnostic::error(rel, line, 1, "the front matter is never closed")
                        .with_hint("add a line with only --- after the last field")
                        .with_source(&text),
                );
                return None;
            }
        }
    } else {
        (std::sync::Arc::<str>::from(text.as_str()), 0, None)
    };
    let parsed = yaml::parse_content::<T>(&yaml);
    // Split once: a file may have thousands of problems.
    let lines: Vec<&str> = if parsed.problems.is_empty() { Vec::new() } else { text.lines().collect() };
    for e in parsed.problems {
        let (line, col) = if e.line == 0 { (yaml_offset.max(1), 1) } else { (e.line + yaml_offset, e.column) };
        let ((line, col), message, hint) = if e.message.contains("more than one document") {
            let hint = if markdown {
                "remove this --- line: the front matter is one set of fields".to_string()
            } else {
                format!(
                    "a .yaml file is one set of fields: remove this --- line and what follows it; for a text below the fields, name the file {stem}.md and put the fields between two --- lines"
                )
            };
            let at = (second_document(&yaml).map_or(line, |l| l + yaml_offset), 1);
            (at, "the file holds a second YAML document, which starts here".to_string(), Some(hint))
        } else if e.syntax {
            let hint = e.hint.unwrap_or_else(|| SYNTAX_HINT.to_string());
            ((line, col), format!("YAML syntax error: {}", e.message), Some(hint))
        } else {
            match explain_yaml_error(&e.message) {
                (message, None) => ((line, col), message, e.hint),
                (message, hint) => ((line, col), message, hint),
            }
        };
        let d = Diagnostic::error(rel, line, col, message).hint_opt(hint);
        diags.push(match line.checked_sub(1).and_then(|i| lines.get(i)) {
            Some(source) => d.with_source_line(source),
            None => d,
        });
    }
    let raw = parsed.value?;
    let index = yaml::LazyIndex::new(parsed.index);
    Some(Doc { stem, path: rel.to_path_buf(), yaml, index, yaml_offset, raw, body, skipped: parsed.skipped })
}

/// The line of `yaml` (from 1) where a second document starts: a `---` after the fields or
/// after another `---`.
fn second_document(yaml: &str) -> Option<usize> {
    let mut started = false;
    for (i, line) in yaml.lines().enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || line.starts_with("--- ") {
            if started {
                return Some(i + 1);
            }
            started = true;
        } else if !trimmed.is_empty() && !trimmed.trim_start().starts_with('#') {
            started = true;
        }
    }
    None
}

/// Turns serde's messages into plain words with a hint.
fn explain_yaml_error(msg: &str) -> (String, Option<String>) {
    // "path: message" — keep the path, it tells the editor which field.
    let (field, m) = match msg.split_once(": ") {
        Some((f, m)) if !f.contains(' ') => (Some(f), m),
        _ => (None, msg),
    };
    let at = |s: String| match field {
        Some(f) if f != "." => format!("{s} (in {f})"),
        _ => s,
    };
    if let Some(rest) = m.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        let hint = match (
            key_for_chinese(name, &expected),
            key_from_elsewhere(name, &expected),
            crate::diagnostics::did_you_mean(name, expected.iter().copied()),
        ) {
            (Some(key), _, _) => format!("keys are written in English: {key} ({name})"),
            (None, Some(hint), _) => hint,
            (None, None, Some(s)) => format!("did you mean \"{s}\"?"),
            (None, None, None) if expected.is_empty() => "remove it".to_string(),
            (None, None, None) => format!("the known keys here are: {}", expected.join(", ")),
        };
        return (at(format!("unknown key \"{name}\"")), Some(hint));
    }
    // From serde for a struct's field, from `raw` for an id in a map.
    if let Some(rest) = m.strip_prefix("duplicate field `").or_else(|| m.strip_prefix("duplicate key `")) {
        let name = rest.split('`').next().unwrap_or("");
        return (
            at(format!("\"{name}\" is written twice")),
            Some("keep one of the two, or rename one: a key may appear only once in its map".into()),
        );
    }
    if let Some(rest) = m.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        return (at(format!("missing required field \"{name}\"")), Some(format!("add {name}: …")));
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        let text = rest.strip_prefix("string \"");
        let key = field.and_then(|f| f.rsplit('.').next()).map(|k| k.split('[').next().unwrap_or(k));
        // What the field holds, in the editor's words, for the types serde names by their
        // Rust name ("struct RawEvent", "u32").
        let (rest, form) = match rest.rsplit_once(", expected ") {
            Some((found, expected)) => match plain_form(expected) {
                Some((words, example)) => (format!("{found}, expected {words}"), Some(example)),
                None => (rest.to_string(), None),
            },
            None => (rest.to_string(), None),
        };
        let hint = text
            .and_then(|r| r.strip_suffix("\", expected a number"))
            .and_then(number_hint)
            .or_else(|| {
                let item = text?.strip_suffix("\", expected a sequence")?;
                // A list of fields gets an entry of fields, a list of texts or ids the item.
                Some(match key.and_then(list_entry) {
                    Some(entry) => format!("write a list of entries, one per line: - {entry}"),
                    None => format!("write a list, even of one item: [{item}]"),
                })
            })
            .or_else(|| {
                let example = form?;
                // An entry of a list ("photos[0]") is written after its "- ".
                let entry = field.is_some_and(|f| f.ends_with(']'));
                Some(match key {
                    Some(_) if entry => format!("write its fields: - {example}"),
                    Some(k) => format!("write its fields: {k}: {example}"),
                    None => format!("write its fields: {example}"),
                })
            })
            .or_else(|| {
                let written = text?.split('"').next()?;
                rest.ends_with("expected a boolean")
                    .then(|| format!("write true or false, without quotes (\"{written}\" is text)"))
            })
            .unwrap_or_else(|| "check the value's form: text, a number, a list (- item) or a map (key: value)".into());
        return (at(format!("wrong type: {rest}")), Some(hint));
    }
    (at(m.to_string()), None)
}

/// For a key that other site generators' front matter has (Hugo, Jekyll, WordPress exports),
/// this format's key for the same thing, when the map at hand has it.
fn key_from_elsewhere(name: &str, expected: &[&str]) -> Option<String> {
    let has = |k: &str| expected.contains(&k);
    Some(match name {
        "date" if has("event") && has("published") => {
            "the day of the meeting is event: {date: 2019-04-29}; the day this site published the report is published: 2019-04-29".into()
        }
        "date" | "publishdate" | "publishDate" if has("published") => "write published: 2019-04-29".into(),
        "lastmod" | "last_modified" | "modified" if has("updated") => "write updated: 2019-04-29".into(),
        "description" | "excerpt" | "abstract" if has("summary") => "write summary: {zh: …, en: …}".into(),
        "categories" | "category" | "type" if has("kind") => "a report's kind is one id: kind: site-promotion-meeting".into(),
        "author" | "authors" if has("source") => "the report's authors are in its source: source: {authors: [name]}".into(),
        "keywords" if has("tags") => "write tags: [台州, 现场推进会]".into(),
        _ => return None,
    })
}

/// A type as serde names it ("struct RawEvent", "u32") in the editor's words, with an example
/// of its form; None for the types serde already names plainly ("a sequence", "a number").
fn plain_form(expected: &str) -> Option<(&'static str, &'static str)> {
    Some(match expected {
        "u32" | "u16" | "u64" | "i32" | "i64" => ("a whole number", "800"),
        "f64" | "f32" => ("a number", "12.5"),
        "struct RawEvent" => ("the event's fields", "{date: 2019-04-29, time: \"09:30\"}"),
        "struct RawEventLocation" => {
            ("the place's fields", "{city: taizhou} or {name: {zh: 台州市会议中心, en: Taizhou Conference Centre}}")
        }
        "struct RawLocation" => {
            ("the location's fields", "{city: taizhou, district: {zh: 黄岩区, en: Huangyan District}}")
        }
        "struct RawCoordinates" => ("coordinates", "{lat: 28.65, lon: 121.26, datum: wgs84}"),
        "struct RawIndustry" => ("the industry's fields", "{leading: {zh: 模具, en: Moulds}, tags: [moulds]}"),
        "struct RawOperator" => ("the operator's fields", "{name: {zh: …, en: …}}"),
        "struct RawFacilities" => ("the facilities' fields", "{floor_area: {value: 12000, unit: 平方米}}"),
        "struct RawAmount" => ("an amount", "{value: 3.5, unit: 亿元}"),
        "struct RawContact" => ("contact fields", "{phone: \"0576-8888 8888\", email: info@example.org}"),
        "struct RawReportSource" => {
            ("the source's fields", "{title: …, publisher: …, url: https://…, published: 2019-10-16}")
        }
        "struct RawListing" => ("a listing", "{year: 2018, level: provincial, list: creation}"),
        "struct RawService" => ("a service", "{element: inspection-testing, description: {zh: …, en: …}}"),
        "struct RawStatistic" => {
            ("an observation", "{indicator: enterprises-served, value: 1200, as_of: 2019-04, source: s1}")
        }
        "struct RawSource" => ("a source", "{id: s1, title: …, publisher: …}"),
        "struct RawAttendee" => ("a person's fields", "{name: {zh: 车俊, en: Che Jun}, role: speaks}"),
        "struct RawPhoto" => ("a photo's fields", "{file: photos/meeting.jpg, alt: {zh: …, en: …}}"),
        _ => return None,
    })
}

/// For a list whose entries are fields, an entry as an editor writes it.
fn list_entry(key: &str) -> Option<&'static str> {
    Some(match key {
        "attendees" => "name: {zh: 车俊, en: Che Jun}  (then role:, title:, organisation: as needed)",
        "photos" => "file: photos/meeting.jpg  (then alt: {zh: …, en: …})",
        "statistics" => "indicator: enterprises-served  (then value:, as_of:, source:)",
        "sources" => "id: s1  (then title:, publisher:, url:)",
        "listings" => "year: 2018  (then level:, list:)",
        "services" => "element: inspection-testing  (then description:)",
        _ => return None,
    })
}

/// The key among `expected` that `name` names in Chinese, as the field tables of
/// docs/content-model.md give each key's Chinese name (`title` 标题): the one whose name is
/// `name`, else the only one whose name begins with it.
fn key_for_chinese<'e>(name: &str, expected: &[&'e str]) -> Option<&'e str> {
    const MODEL: &str = include_str!("../../docs/content-model.md");
    if name.is_ascii() {
        return None;
    }
    let names = || {
        MODEL.lines().filter_map(|l| {
            let (key, rest) = l.strip_prefix("| `")?.split_once("` ")?;
            let zh = rest.split([' ', '|']).next()?;
            Some((expected.iter().find(|e| **e == key)?, zh))
        })
    };
    if let Some((key, _)) = names().find(|(_, zh)| *zh == name) {
        return Some(key);
    }
    let mut starts = names().filter(|(_, zh)| name.chars().count() >= 2 && zh.starts_with(name));
    let (first, _) = starts.next()?;
    starts.all(|(key, _)| key == first).then_some(*first)
}

/// How to write `written`, text where a number belongs, when it starts with one: without
/// thousands separators, with its unit in `unit:`, with "more than" as `at_least: true`.
fn number_hint(written: &str) -> Option<String> {
    let s = written.trim();
    let end = s.find(|c: char| !(c.is_ascii_digit() || ".,，".contains(c))).unwrap_or(s.len());
    let number: String = s[..end].chars().filter(|&c| c != ',' && c != '，').collect();
    number.parse::<f64>().ok()?;
    Some(match s[end..].trim() {
        "" => format!("write the number without separators: {number}"),
        "+" | "多" | "余" | "以上" | "多个" | "余个" => {
            format!("write the number alone, {number}, and add at_least: true for \"more than\"")
        }
        unit => format!("write the number alone, {number}, and its unit in unit: {unit}"),
    })
}

/// For a syntax error that has no better hint.
const SYNTAX_HINT: &str = "check the indentation and quoting on this line; text containing \": \" or starting with a special character needs quotes";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_named_almost_as_content_gets_the_name_it_was_meant_to_have() {
        let languages = vec!["zh".to_string(), "en".to_string()];
        assert_eq!(translation_name("x-2019.EN.md", &languages).as_deref(), Some("x-2019.en.md"));
        assert_eq!(translation_name("x_en.md", &languages).as_deref(), Some("x.en.md"));
        assert_eq!(translation_name("x-en.md", &languages).as_deref(), Some("x.en.md"));
        // Not a translation's name, and no panic inside a character.
        assert_eq!(translation_name("报道en.md", &languages), None);
        assert_eq!(translation_name("x报.md", &languages), None);
        assert_eq!(translation_name("报道-EN.md", &languages).as_deref(), Some("报道.en.md"));
        assert_eq!(translation_name("x.zh.md", &languages), None);
        assert_eq!(translation_name("en.md", &languages), None);
        assert_eq!(content_name("x.MD", Section::Reports).as_deref(), Some("x.md"));
        assert_eq!(content_name("x.markdown", Section::Reports).as_deref(), Some("x.md"));
        assert_eq!(content_name("x.md.txt", Section::Reports).as_deref(), Some("x.md"));
        assert_eq!(content_name("x.YML", Section::Complexes).as_deref(), Some("x.yaml"));
        assert_eq!(content_name("x.yaml", Section::Reports), None);
        assert_eq!(content_name("x.docx", Section::Reports), None);
    }

    #[test]
    fn front_matter_splits_with_line_numbers() {
        let fm = split_front_matter("---\ntitle: x\n---\nbody\n").unwrap().unwrap();
        assert_eq!(fm.yaml, "title: x\n");
        assert_eq!(fm.body, "body\n");
        assert_eq!(fm.body_line, 4);
        assert_eq!(split_front_matter("---\ntitle: x\n"), Err(1));
        assert_eq!(split_front_matter("no front matter"), Ok(None));
        let crlf = split_front_matter("---\r\ntitle: x\r\n---\r\nbody").unwrap().unwrap();
        assert_eq!(crlf.body, "body");
    }

    #[test]
    fn text_where_a_number_belongs_gets_the_number_to_write() {
        let hint = |v: &str| {
            explain_yaml_error(&format!("statistics[0].value: invalid type: string \"{v}\", expected a number")).1
        };
        let (m, _) = explain_yaml_error("statistics[0].value: invalid type: string \"1,200\", expected a number");
        assert_eq!(m, "wrong type: string \"1,200\", expected a number (in statistics[0].value)");
        assert_eq!(hint("1,200").as_deref(), Some("write the number without separators: 1200"));
        assert_eq!(hint("12，345.5").as_deref(), Some("write the number without separators: 12345.5"));
        assert_eq!(hint("1200家").as_deref(), Some("write the number alone, 1200, and its unit in unit: 家"));
        assert_eq!(hint("3.5 亿元").as_deref(), Some("write the number alone, 3.5, and its unit in unit: 亿元"));
        assert_eq!(
            hint("1200余").as_deref(),
            Some("write the number alone, 1200, and add at_least: true for \"more than\"")
        );
        // Nothing to suggest: the general hint.
        let general = Some("check the value's form: text, a number, a list (- item) or a map (key: value)");
        assert_eq!(hint("many").as_deref(), general);
        assert_eq!(hint("约1200").as_deref(), general);
        assert_eq!(hint("1.2.3").as_deref(), general);
    }

    #[test]
    fn one_value_where_a_list_belongs_gets_the_list_to_write() {
        let (m, h) = explain_yaml_error("complexes: invalid type: string \"huangyan-moulds\", expected a sequence");
        assert_eq!(m, "wrong type: string \"huangyan-moulds\", expected a sequence (in complexes)");
        assert_eq!(h.as_deref(), Some("write a list, even of one item: [huangyan-moulds]"));
    }

    #[test]
    fn a_key_written_in_chinese_gets_its_english_name() {
        let report = "unknown field `{}`, expected one of `title`, `kind`, `event`, `source`, `published`";
        let hint = |name: &str| explain_yaml_error(&report.replace("{}", name)).1;
        assert_eq!(hint("标题").as_deref(), Some("keys are written in English: title (标题)"));
        assert_eq!(hint("发布日期").as_deref(), Some("keys are written in English: published (发布日期)"));
        // 活动时间 is event's name; 来源 names source here, sources in a profile.
        assert_eq!(hint("活动").as_deref(), Some("keys are written in English: event (活动)"));
        assert_eq!(hint("来源").as_deref(), Some("keys are written in English: source (来源)"));
        let profile = "unknown field `来源`, expected one of `name`, `sources`, `summary`";
        assert_eq!(explain_yaml_error(profile).1.as_deref(), Some("keys are written in English: sources (来源)"));
        // Not a field's name: the known keys.
        assert!(hint("作者").unwrap().starts_with("the known keys here are"), "{:?}", hint("作者"));
    }

    #[test]
    fn unknown_keys_get_a_did_you_mean() {
        let (m, h) = explain_yaml_error("unknown field `levle`, expected one of `name`, `level`, `status`");
        assert_eq!(m, "unknown key \"levle\"");
        assert_eq!(h.as_deref(), Some("did you mean \"level\"?"));
        let (m, _) = explain_yaml_error("location: unknown field `cty`, expected one of `city`, `district`");
        assert_eq!(m, "unknown key \"cty\" (in location)");
    }

    #[test]
    fn many_problems_in_one_document_are_located_with_one_reading_of_it() {
        let statistics: String =
            (0..3_000).map(|i| format!("  - indicator: unknown-{i}\n    value: {i}\n    period: 2019\n")).collect();
        let text = format!("name: x\nstatistics:\n{statistics}");
        let doc = Doc {
            stem: "x".into(),
            path: "content/complexes/x.yaml".into(),
            yaml: text.as_str().into(),
            index: yaml::LazyIndex::default(),
            yaml_offset: 0,
            raw: (),
            body: None,
            skipped: Vec::new(),
        };
        let before = yaml::BUILDS.with(|n| n.get());
        for i in 0..3_000 {
            let at = |last: &str, key| doc.locate(&[Seg::from("statistics"), Seg::from(i), Seg::from(last)], key);
            assert_eq!(at("indicator", false), (3 + 3 * i, 16));
            assert_eq!(at("value", true), (4 + 3 * i, 5));
            // Not there: the statistic that would hold it.
            assert_eq!(at("unit", false), (3 + 3 * i, 5));
        }
        // A copy made since shares what was read.
        assert_eq!(doc.clone().locate(&[Seg::from("name")], false), (1, 7));
        assert_eq!(yaml::BUILDS.with(|n| n.get()) - before, 1, "the document is read once");
    }

    #[test]
    fn translations_are_recognised_by_language() {
        let langs = vec!["zh".to_string(), "en".to_string()];
        assert_eq!(translation_parts("a-b.en.md", &langs), Some(("a-b".into(), "en".into())));
        assert_eq!(translation_parts("a-b.zh.md", &langs), None);
        assert_eq!(translation_parts("a-b.md", &langs), None);
    }
}
