//! Fulcrum: YAML and Markdown profiles of industrial innovation service complexes in, a
//! static public website out. The pipeline is a chain of values:
//! load → validate → link → render → write. `check` stops before render; `build` runs all.

pub mod config;
pub mod data;
pub mod diagnostics;
pub mod feeds;
pub mod fresh;
pub mod link;
pub mod load;
pub mod model;
pub mod output;
pub mod raw;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod validate;

/// A build allocates and frees many small values from several threads at once (YAML
/// nodes, template values, page strings); mimalloc does that with less time and memory
/// than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use diagnostics::{Diagnostic, Diagnostics};
use link::Index;
use model::Site;
use output::{CopiedFile, OutputFile, Sink as _};
use rayon::prelude::*;

/// Hash maps keyed by the site's own names and terms: a fast hash matters more than
/// resistance to chosen keys, and a fixed seed keeps runs alike.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
/// An [`indexmap::IndexMap`] (entries in the order they were put in) with the same hash.
pub(crate) type FastIndexMap<K, V> = indexmap::IndexMap<K, V, foldhash::fast::FixedState>;

/// The Markdown extensions the site uses: CommonMark plus tables, footnotes, strikethrough
/// and heading attributes (`## Title {#id}`). Shared by the link checker, the renderer and
/// the search indexer so they all read text alike.
pub fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What `check` and `build` run on.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site folder (holding site.yaml).
    pub root: PathBuf,
    /// Where the site is written; relative paths are taken from `root`. Default public/.
    pub output: Option<PathBuf>,
    /// Replaces site.yaml's base_url.
    pub base_url: Option<String>,
    /// Include content marked as draft.
    pub drafts: bool,
    /// Render and write everything even when the output is up to date.
    pub force: bool,
    /// Keep the Markdown bodies in memory. Otherwise a checked site leaves each body in its
    /// file and reads it back, verified unchanged, when it is rendered or indexed: bodies are
    /// most of a big site's text. Serve holds them, because its files change while it runs.
    pub hold_bodies: bool,
    /// Content files parsed by earlier checks, reused while their bytes are the same (serve).
    pub parse_cache: Option<std::sync::Arc<load::ParseCache>>,
    /// Warnings count as errors: the check fails and a build writes nothing.
    pub strict: bool,
}

impl Options {
    pub fn output_dir(&self) -> PathBuf {
        match &self.output {
            Some(p) if p.is_absolute() => p.clone(),
            Some(p) => self.root.join(p),
            None => self.root.join("public"),
        }
    }
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Problems in the content: exit code 1.
    #[error("the content has errors")]
    Content(Diagnostics),
    /// Usage or I/O problems: exit code 2.
    #[error("{0}")]
    Usage(String),
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Content(_) => 1,
            Failure::Usage(_) => 2,
        }
    }
}

/// A checked site, ready to render, with the warnings found on the way.
pub struct Checked {
    pub site: Site,
    pub index: Index,
    pub theme: render::Theme,
    pub warnings: Diagnostics,
    /// How long each stage of the check took.
    pub timings: Vec<(&'static str, Duration)>,
    /// When the links of the bodies that are rendered are left to be checked as they are
    /// rendered (by a build): what checking them needs. A build that finds a broken one fails.
    pub links: Option<validate::LinkCheck>,
}

/// The time since the last lap, stage by stage.
struct Laps {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Laps {
    fn new() -> Laps {
        Laps { last: Instant::now(), laps: Vec::new() }
    }

    /// Ends stage `name`.
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }
}

/// Loads, validates and links the site and compiles its templates: every problem in one run.
pub fn check(options: &Options) -> Result<Checked, Failure> {
    check_with(options, false)
}

/// [`check`]; with `defer_links`, the links of the bodies that the build renders are left to
/// be checked as they are rendered ([`Checked::links`]), unless the check fails anyway.
fn check_with(options: &Options, defer_links: bool) -> Result<Checked, Failure> {
    let root = &options.root;
    let mut laps = Laps::new();
    let (site_doc, mut diags) = load::load_site_yaml(root).map_err(|e| Failure::Usage(e.to_string()))?;
    // With --strict, every warning found is an error.
    let strictly = |d: Diagnostics| if options.strict { d.strict() } else { d };
    let Some(site_doc) = site_doc else {
        return Err(Failure::Content(strictly(diags)));
    };
    let locate = |path: &[&str]| {
        let segs: Vec<load::Seg> =
            path.iter().map(|s| s.parse::<usize>().map_or_else(|_| load::Seg::from(*s), load::Seg::Index)).collect();
        site_doc.locate(&segs, false)
    };
    let (config, d) = config::validate_site(site_doc.raw.clone(), &site_doc.path, &locate);
    diags.extend(d);
    let Some(mut config) = config else {
        let mut diags = strictly(diags);
        diags.sort();
        return Err(Failure::Content(diags));
    };
    if let Some(url) = &options.base_url {
        config.set_base_url(url).map_err(|m| Failure::Usage(format!("--base-url: {m}")))?;
    }
    if !config.base_url_has_host() {
        let (l, c) = locate(&["base_url"]);
        diags.push(
            Diagnostic::warning(
                &site_doc.path,
                l,
                c,
                "base_url has no host, so feeds and the sitemap cannot give full addresses",
            )
            .with_hint("set base_url: https://host/path/ in site.yaml, or pass --base-url"),
        );
    }
    laps.lap("site.yaml");
    let (loaded, d) = load::load_content(root, &config.languages, options.hold_bodies, options.parse_cache.as_deref())
        .map_err(|e| Failure::Usage(e.to_string()))?;
    diags.extend(d);
    laps.lap("content");
    let theme = render::load_theme(root, &config);
    laps.lap("theme");
    let (site, d, links) =
        validate::validate(loaded, &config, validate::Options { drafts: options.drafts, defer_links });
    diags.extend(d);
    laps.lap("validate");
    let theme = match theme {
        Ok(t) => Some(t),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    let mut diags = strictly(diags);
    diags.sort();
    match (site, theme) {
        (Some(site), Some(theme)) if !diags.has_errors() => {
            let index = link::link(&site);
            laps.lap("links");
            Ok(Checked { site, index, theme, warnings: diags, timings: laps.laps, links })
        }
        (site, _) => {
            // The links left to the build are checked now, so that every problem is reported.
            if let (Some(site), Some(links)) = (&site, &links) {
                links.check_rendered(site, &mut diags);
                diags.sort();
            }
            Err(Failure::Content(diags))
        }
    }
}

/// What a build wrote.
#[derive(Debug, Clone)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub complexes: usize,
    pub reports: usize,
    pub elapsed: Duration,
    pub output: PathBuf,
    pub warnings: Diagnostics,
    /// How long each stage took.
    pub timings: Vec<(&'static str, Duration)>,
    /// The output already held this build, so nothing was rendered or written.
    pub up_to_date: bool,
}

/// Renders every output file in memory: pages, feeds, data, sitemap and static files.
pub fn render_all(checked: &Checked) -> Result<(Vec<OutputFile>, Vec<CopiedFile>), Failure> {
    let sink = output::Collect::default();
    publish(checked, &sink)?;
    Ok(sink.into_sorted())
}

/// Hands every file of the site to `sink`: the home page, lists and browse pages as they are
/// rendered; then the feeds and data files beside the search index, which renders the
/// profiles', reports' and plain pages' pages batch by batch as it indexes them; then the
/// sitemap and the static files. Returns how many HTML pages there were.
pub fn publish(checked: &Checked, sink: &dyn output::Sink) -> Result<usize, Failure> {
    publish_with(checked, sink, true)
}

/// [`publish`] without the search index, so that a benchmark can tell what the index adds
/// to a build (examples/search_bench.rs). The site's search page then finds nothing.
pub fn publish_without_search(checked: &Checked, sink: &dyn output::Sink) -> Result<usize, Failure> {
    publish_with(checked, sink, false)
}

fn publish_with(checked: &Checked, sink: &dyn output::Sink, search: bool) -> Result<usize, Failure> {
    let (site, index) = (&checked.site, &checked.index);
    let io = |e: output::OutputError| Failure::Usage(e.to_string());
    // Remember what was generated, for the sitemap and to catch static files that clash.
    let recorder = Recorder { inner: sink, paths: std::sync::Mutex::new(Vec::new()) };
    let links = checked.links.as_ref().map(|l| l.of(site));
    let mut renderer = render::Renderer::new(site, index, &checked.theme).checking_links(links.as_ref());
    for f in renderer.assets() {
        recorder.file(f).map_err(io)?;
    }
    // With the search index, the home page, lists and browse pages are rendered first; then
    // the profiles', reports' and plain pages' pages are rendered by the index, batch by
    // batch, just before it indexes them (see `search::write_index_with`), so that it takes
    // their bodies' text from the render instead of parsing them again, and what only the
    // lists needed is freed while it works.
    let jobs = if search { renderer.list_jobs() } else { renderer.jobs() };
    let pages = renderer.render_to(&jobs, &recorder);
    renderer.forget_lists();
    let owned = renderer;
    let renderer = &owned;
    let item_problems = std::sync::Mutex::new(Diagnostics::new());
    let render_items = |items: &[model::ItemAt]| -> Result<Vec<model::BodyTexts>, output::OutputError> {
        let texts = items
            .par_iter()
            .map(|&item| {
                let (d, texts) = renderer.render_item_to(item, &recorder)?;
                if !d.is_empty() {
                    item_problems.lock().unwrap_or_else(|e| e.into_inner()).extend(d);
                }
                Ok(texts)
            })
            .collect();
        // A broken link fails the build: it stops here, and the check finds the others below.
        if renderer.found_broken_link() {
            return Err(output::OutputError::Stopped);
        }
        texts
    };
    // The feeds and data files are made beside the index, each filling the other's idle time.
    let (rest, indexed) = rayon::join(
        || feeds_and_data(checked, &recorder),
        || if search { search::write_index_with(site, &recorder, &render_items) } else { Ok(()) },
    );
    let mut problems = pages.map_err(io)?;
    problems.extend(item_problems.into_inner().unwrap_or_else(|e| e.into_inner()));
    if problems.has_errors() {
        // Every broken link, as the check would have found them, when the build stopped at one.
        if let (true, Some(links)) = (renderer.found_broken_link(), &checked.links) {
            links.check_rendered(site, &mut problems);
        }
        // With the check's warnings, as a check that found these problems would report them.
        problems.extend(checked.warnings.clone());
        problems.sort();
        return Err(Failure::Content(problems));
    }
    rest.map_err(io)?;
    indexed.map_err(io)?;
    let taken = recorder.paths.into_inner().unwrap_or_else(|e| e.into_inner());
    // The renderer's lists, cards and strings are freed beside the last steps, not before them.
    rayon::join(move || drop(owned), || finish(checked, taken, sink)).1
}

/// The part of [`publish`] that follows the pages: feeds, data, robots.txt, the search
/// index, the sitemap and the static files. `taken` are the paths of the files already
/// handed over (the pages and the theme's assets). Returns how many HTML pages there were.
pub fn publish_after_pages(checked: &Checked, taken: Vec<String>, sink: &dyn output::Sink) -> Result<usize, Failure> {
    let site = &checked.site;
    let io = |e: output::OutputError| Failure::Usage(e.to_string());
    let recorder = Recorder { inner: sink, paths: std::sync::Mutex::new(taken) };
    // The search index is made beside the feeds and data files, so that each fills the
    // other's idle time.
    let (rest, indexed) = rayon::join(|| feeds_and_data(checked, &recorder), || search::write_index(site, &recorder));
    rest.map_err(io)?;
    indexed.map_err(io)?;
    let taken = recorder.paths.into_inner().unwrap_or_else(|e| e.into_inner());
    finish(checked, taken, sink)
}

/// The feeds, the open data files and robots.txt.
fn feeds_and_data(checked: &Checked, sink: &dyn output::Sink) -> Result<(), output::OutputError> {
    let (site, index) = (&checked.site, &checked.index);
    for f in feeds::render_feeds(site, index) {
        sink.file(f)?;
    }
    data::render_data(site, index, sink)?;
    sink.file(feeds::render_robots(site))
}

/// The end of [`publish`], once every other file is handed over: the sitemap, from the paths
/// in `taken`, and the static files, which may not take a generated file's place. Returns
/// how many HTML pages there were.
fn finish(checked: &Checked, mut taken: Vec<String>, sink: &dyn output::Sink) -> Result<usize, Failure> {
    let site = &checked.site;
    let io = |e: output::OutputError| Failure::Usage(e.to_string());
    taken.sort_unstable();
    let html: Vec<&str> = taken.iter().map(String::as_str).filter(|p| p.ends_with(".html")).collect();
    let pages = html.len();
    for sitemap in feeds::render_sitemap(site, &html) {
        taken.push(sitemap.path.clone());
        sink.file(sitemap).map_err(io)?;
    }
    taken.sort_unstable();
    // The site's static files may not take a generated file's place.
    let mut clashes = Diagnostics::new();
    for (rel, _) in &site.statics.files {
        if taken.binary_search(rel).is_ok() {
            clashes.push(
                Diagnostic::error(
                    PathBuf::from("static").join(rel),
                    0,
                    0,
                    format!("static/{rel} has the same path as a file the site generates"),
                )
                .with_hint("rename or move the file"),
            );
        }
    }
    if clashes.has_errors() {
        return Err(Failure::Content(clashes));
    }
    site.statics
        .files
        .par_iter()
        .try_for_each(|(rel, abs)| sink.copy(CopiedFile { path: rel.clone(), from: abs.clone() }))
        .map_err(io)?;
    Ok(pages)
}

/// Passes files on, noting their paths.
struct Recorder<'a> {
    inner: &'a dyn output::Sink,
    paths: std::sync::Mutex<Vec<String>>,
}

impl output::Sink for Recorder<'_> {
    fn file(&self, file: OutputFile) -> Result<(), output::OutputError> {
        self.paths.lock().unwrap_or_else(|e| e.into_inner()).push(file.path.clone());
        self.inner.file(file)
    }
    fn copy(&self, copy: CopiedFile) -> Result<(), output::OutputError> {
        self.inner.copy(copy)
    }
}

/// check, then render and write the site atomically into the output folder.
pub fn build(options: &Options) -> Result<Summary, Failure> {
    build_with_progress(options, &|_| {})
}

/// The stages of a build, reported as each begins so a terminal can show progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Another build of the site is running: this one waits for it to end.
    Waiting,
    Checking,
    Rendering {
        pages_from: usize,
    },
    Writing {
        files: usize,
    },
}

/// One build of a site at a time: a second one waits until the first has ended, then finds
/// the output as the first left it. (A build removes the staging folders an interrupted build
/// left behind, which would otherwise be the running build's.) The lock is the site folder's
/// own, held while the returned file is open; where a folder cannot be locked (or opened as a
/// file, as on Windows) builds are not kept apart.
fn lock_site(root: &std::path::Path, progress: &dyn Fn(Stage)) -> Option<std::fs::File> {
    let folder = std::fs::File::open(root).ok()?;
    match folder.try_lock() {
        Ok(()) => Some(folder),
        Err(std::fs::TryLockError::WouldBlock) => {
            progress(Stage::Waiting);
            folder.lock().ok().map(|()| folder)
        }
        Err(_) => None,
    }
}

/// `build`, calling `progress` as each stage begins.
pub fn build_with_progress(options: &Options, progress: &dyn Fn(Stage)) -> Result<Summary, Failure> {
    let _one_at_a_time = lock_site(&options.root, progress);
    let start = Instant::now();
    let out =
        output::check_output_dir(&options.root, &options.output_dir()).map_err(|e| Failure::Usage(e.to_string()))?;
    // Fingerprinted before anything is read, so an edit made during the build is noticed next time.
    let inputs = fresh::settled_inputs(options);
    let current = inputs.filter(|_| !options.force).and_then(|i| fresh::current(&out, i));
    // The same inputs, binary and options as a build whose output is still as it left it:
    // the check would find what that build found, so its warnings are shown again instead.
    if let Some(stamp) = current {
        if options.strict && !stamp.warnings.is_empty() {
            return Err(Failure::Content(Diagnostics::from(stamp.warnings).strict()));
        }
        return Ok(Summary {
            pages: stamp.pages,
            files: stamp.files,
            bytes: stamp.bytes,
            complexes: stamp.complexes,
            reports: stamp.reports,
            elapsed: start.elapsed(),
            timings: vec![("up to date", start.elapsed())],
            output: out,
            warnings: Diagnostics::from(stamp.warnings),
            up_to_date: true,
        });
    }
    progress(Stage::Checking);
    let mut checked = check_with(options, true)?;
    let checked_at = start.elapsed();
    let s = &checked.site;
    let (complexes, reports) = (s.complexes.len(), s.reports.len());
    progress(Stage::Rendering { pages_from: s.complexes.len() + s.reports.len() + s.pages.len() });
    let io = |e: output::OutputError| Failure::Usage(e.to_string());
    // Pages are written as they are rendered; the staging folder is removed if anything fails.
    let staging = output::Staging::new(&out).map_err(io)?;
    let pages = publish(&checked, &staging)?;
    let rendered_at = start.elapsed();
    let (files, bytes) = staging.written();
    progress(Stage::Writing { files });
    let (warnings, check_timings) = (std::mem::take(&mut checked.warnings), std::mem::take(&mut checked.timings));
    // The checked site is freed beside the commit, not after it.
    let outputs = rayon::join(move || drop(checked), || staging.commit()).1.map_err(io)?;
    // Without a stamp that matches, the next build is simply a full one, so failing to write
    // it is harmless.
    let stamp = match inputs {
        Some(inputs) => {
            let outputs = outputs.unwrap_or_else(|| fresh::outputs(&out));
            let warnings = warnings.items().to_vec();
            fresh::Stamp { inputs, outputs, pages, files, bytes, complexes, reports, warnings }.to_text()
        }
        None => fresh::UNSTAMPED.to_string(),
    };
    let _ = output::write_stamp(&out, &stamp);
    let timings = check_timings
        .into_iter()
        .chain([("render+write", rendered_at - checked_at), ("commit", start.elapsed() - rendered_at)])
        .collect();
    Ok(Summary {
        pages,
        files,
        bytes,
        complexes,
        reports,
        elapsed: start.elapsed(),
        timings,
        output: out,
        warnings,
        up_to_date: false,
    })
}
