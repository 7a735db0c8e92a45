//! The builder: after each batch of changes it checks the site and publishes a new
//! generation whose pages are rendered on demand and in the background.
//!
//! A generation's pages are rendered in a scope on the builder thread: the checked site
//! and its [`Renderer`] stay there while worker threads render the pages (those that open
//! pages show first, any that a request waits for before the rest). The files that follow
//! the pages (feeds, data, search index, sitemap) are made on a thread of their own, which
//! needs only the checked site. When the next batch of changes arrives the generation is
//! given up: whatever it has not made yet is never made, the page workers stop after the
//! page in hand, and the next check begins without waiting for the files after the pages,
//! whose thread stops at its next file (making the search index of one language cannot be
//! interrupted).

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use tokio::sync::watch;

use super::http::OpenPages;
use super::site::Snapshot;
use super::store::{Entry, Page, Store};
use super::watch::{Batch, Changes};
use super::{Event, Reporter};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{self, CopiedFile, OutputError, OutputFile};
use crate::render::{PageJob, Renderer};
use crate::{Checked, Failure, Options};

pub struct Builder {
    options: Options,
    root: PathBuf,
    tx: watch::Sender<Arc<Snapshot>>,
    report: Reporter,
    open: Arc<OpenPages>,
    /// False: render pages only when asked for.
    background: bool,
    generation: AtomicU64,
    /// Told when the first generation is served; answers once the server's address has
    /// been reported.
    first: Mutex<Option<Sender<Sender<()>>>>,
    /// Held while a generation is given up and while a failure found late is published,
    /// so that a given-up generation never publishes after its successor.
    publishing: Mutex<()>,
    /// Makes the files after the pages, at the lowest priority, so that a superseded
    /// generation still making its search index takes no time from the next check. Its
    /// own pool, too, so that the check's parallel work never queues behind it.
    after_pages: Option<rayon::ThreadPool>,
}

impl Builder {
    pub fn new(
        options: Options,
        root: PathBuf,
        tx: watch::Sender<Arc<Snapshot>>,
        report: Reporter,
        open: Arc<OpenPages>,
        on_demand_only: bool,
        first: Sender<Sender<()>>,
    ) -> Builder {
        Builder {
            // The files change while serve runs: bodies read back later could differ. Most
            // files are the same from one generation to the next: they are parsed once.
            options: Options {
                hold_bodies: true,
                parse_cache: Some(Arc::new(crate::load::ParseCache::default())),
                ..options
            },
            root,
            tx,
            report,
            open,
            background: !on_demand_only,
            generation: AtomicU64::new(first_generation()),
            first: Mutex::new(Some(first)),
            publishing: Mutex::new(()),
            after_pages: rayon::ThreadPoolBuilder::new()
                .num_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
                .thread_name(|i| format!("fulcrum-after-pages-{i}"))
                .start_handler(|_| lowest_priority())
                .build()
                .ok(),
        }
    }

    /// Makes a generation, then one after every batch of changes, until the watcher stops.
    pub fn run(self: Arc<Self>, mut changes: Changes) {
        let mut first_seen = None;
        loop {
            let start = Instant::now();
            let next = match crate::check(&self.options) {
                Ok(checked) => self.serve(Arc::new(checked), start, first_seen, &mut changes),
                Err(failure) => {
                    self.publish_failure(failure, None, first_seen);
                    changes.next_batch()
                }
            };
            let Some(batch) = next else { return };
            (self.report)(Event::Changed { paths: &batch.paths });
            first_seen = Some(batch.first_seen);
        }
    }

    fn publish(&self, snapshot: Arc<Snapshot>) {
        self.tx.send_replace(snapshot);
        if let Some(first) = self.first.lock().unwrap_or_else(|e| e.into_inner()).take() {
            // Whatever is reported about the first generation (its problems, or that it is
            // built) follows the address to open, however quickly it comes.
            let (reported, wait) = std::sync::mpsc::channel();
            if first.send(reported).is_ok() {
                let _ = wait.recv();
            }
        }
    }

    fn next_generation(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Publishes a generation that shows `failure` in place of every page. Its files are
    /// `files`, or the previous generation's: assets and static files still load.
    fn publish_failure(&self, failure: Failure, files: Option<Arc<Store>>, first_seen: Option<Instant>) {
        let previous = self.tx.borrow().clone();
        let base_path = if previous.generation == 0 { "/".to_string() } else { previous.base_path.clone() };
        let failure = Arc::new(failure);
        self.publish(Arc::new(Snapshot {
            generation: self.next_generation(),
            base_path,
            former_base_paths: previous.former_base_paths.clone(),
            files: files.unwrap_or_else(|| previous.files.clone()),
            failure: Some(failure.clone()),
            warnings: Diagnostics::new(),
            root: self.root.clone(),
        }));
        (self.report)(Event::Failed { failure: &failure, since_change: first_seen.map(|t| t.elapsed()) });
    }

    /// Publishes a generation of the checked site and makes its files until the next batch
    /// of changes arrives, which it returns.
    fn serve(
        self: &Arc<Self>,
        checked: Arc<Checked>,
        start: Instant,
        first_seen: Option<Instant>,
        changes: &mut Changes,
    ) -> Option<Batch> {
        let renderer = Renderer::new(&checked.site, &checked.index, &checked.theme);
        let jobs = renderer.jobs();
        let paths: Vec<String> = jobs.iter().map(|&job| renderer.path(job)).collect();
        let assets: Vec<OutputFile> = renderer.assets().collect();
        let asset_paths: Vec<String> = assets.iter().map(|f| f.path.clone()).collect();
        let bad = paths.iter().chain(&asset_paths).find_map(|p| output::check_relative(p).err());
        if let Some(e) = bad {
            self.publish_failure(Failure::Usage(e.to_string()), None, first_seen);
            return changes.next_batch();
        }
        let mut ready: Vec<(String, Entry)> =
            checked.site.statics.files.iter().map(|(rel, abs)| (rel.clone(), Entry::Copied(abs.clone()))).collect();
        ready.extend(assets.into_iter().map(|f| (f.path, Entry::Generated(Bytes::from(f.bytes)))));
        // The pages that browsers show now are the first they will ask for.
        let open = self.open.keys();
        let first: Vec<usize> = paths.iter().enumerate().filter(|(_, p)| open.contains(*p)).map(|(i, _)| i).collect();
        let store = Arc::new(Store::new(ready, paths.clone(), first, self.background));
        let base_path = checked.site.config.base_path.clone();
        let former_base_paths = {
            let previous = self.tx.borrow();
            let mut former = previous.former_base_paths.clone();
            if previous.generation != 0 && previous.base_path != base_path {
                former.insert(0, previous.base_path.clone());
            }
            former.retain(|b| *b != base_path);
            former
        };
        self.publish(Arc::new(Snapshot {
            generation: self.next_generation(),
            base_path,
            former_base_paths,
            files: store.clone(),
            failure: None,
            warnings: checked.warnings.clone(),
            root: self.root.clone(),
        }));
        let served = first_seen.map(|t| t.elapsed());
        let generation = Generation { renderer: &renderer, checked: &checked, store: &store, jobs, paths, asset_paths };
        std::thread::scope(|s| {
            s.spawn(|| self.render_pages(&generation, start, served));
            let next = changes.next_batch();
            let _publishing = self.publishing.lock().unwrap_or_else(|e| e.into_inner());
            store.cancel();
            next
        })
    }

    /// Renders the generation's pages, then starts the thread that makes the files after
    /// them; publishes the problems if a page fails.
    fn render_pages(self: &Arc<Self>, g: &Generation<'_>, start: Instant, served: Option<Duration>) {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| {
                    while let Some(i) = g.store.next_page() {
                        g.store.put_page(i, render_page(g, i));
                    }
                });
            }
        });
        if g.store.cancelled() {
            return;
        }
        let mut problems = Diagnostics::new();
        let mut taken = g.asset_paths.clone();
        for (i, path) in g.paths.iter().enumerate() {
            let Some(page) = g.store.rendered_page(i) else { return };
            problems.extend(page.problems.clone());
            if page.bytes.is_some() {
                taken.push(path.clone());
            }
        }
        problems.sort();
        if problems.has_errors() {
            self.fail_late(Failure::Content(problems), g.store);
            return;
        }
        let (builder, checked, store) = (self.clone(), g.checked.clone(), g.store.clone());
        let after_pages = move || {
            let sink = AfterPages { store: &store, files: Mutex::new(HashMap::new()) };
            let made =
                std::panic::catch_unwind(AssertUnwindSafe(|| crate::publish_after_pages(&checked, taken, &sink)));
            match made.unwrap_or_else(|_| Err(Failure::Usage(BUG.into()))) {
                Ok(_) if store.cancelled() => {}
                Ok(_) => {
                    store.put_after_pages(sink.files.into_inner().unwrap_or_else(|e| e.into_inner()));
                    let (files, warnings) = (store.files(), &checked.warnings);
                    (builder.report)(Event::Built { files, build: start.elapsed(), since_change: served, warnings });
                }
                Err(failure) => builder.fail_late(failure, &store),
            }
        };
        match &self.after_pages {
            Some(pool) => pool.spawn(after_pages),
            None => {
                if let Err(e) = std::thread::Builder::new().name("fulcrum-after-pages".into()).spawn(after_pages) {
                    self.fail_late(Failure::Usage(format!("cannot start a thread: {e}")), g.store);
                }
            }
        }
    }

    /// Publishes a failure found after the generation was served (a page that cannot be
    /// rendered, a static file in a generated file's place), unless the generation has
    /// been given up meanwhile.
    fn fail_late(&self, failure: Failure, store: &Arc<Store>) {
        let _publishing = self.publishing.lock().unwrap_or_else(|e| e.into_inner());
        if store.cancelled() {
            return;
        }
        self.publish_failure(failure, Some(store.clone()), None);
        // Requests waiting for the files after the pages go to the failed generation.
        store.cancel();
    }
}

/// The number before the first generation of this run: the time serve started, in
/// milliseconds. A page keeps its generation's number while serve is stopped and started
/// again, so numbers counted from zero each time would tell a page from the previous run
/// that it is up to date when the files changed in between. A run would need more than a
/// thousand generations a second to reach the numbers of the next one, and the numbers
/// stay below 2^53, so a page's script compares them exactly.
fn first_generation() -> u64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    u64::try_from(since_epoch.as_millis()).unwrap_or(0)
}

const BUG: &str = "fulcrum failed while making this generation (a bug: please report it)";

/// Renders one page. A panic (a bug) becomes a problem of that page, so the generation
/// fails as a build would, and no request waits for the page for ever.
fn render_page(g: &Generation<'_>, i: usize) -> Page {
    match std::panic::catch_unwind(AssertUnwindSafe(|| g.renderer.render(g.jobs[i]))) {
        Ok((file, problems)) => {
            // Kept for the generation's life: without the room left for a bigger page.
            let bytes = file.map(|mut f| {
                f.bytes.shrink_to_fit();
                Bytes::from(f.bytes)
            });
            Page { bytes, problems }
        }
        Err(_) => {
            Page { bytes: None, problems: Diagnostics::from(vec![Diagnostic::error(g.paths[i].as_str(), 0, 0, BUG)]) }
        }
    }
}

/// What the workers of one generation share.
struct Generation<'a> {
    renderer: &'a Renderer<'a>,
    checked: &'a Arc<Checked>,
    store: &'a Arc<Store>,
    jobs: Vec<PageJob>,
    /// The output path of each job.
    paths: Vec<String>,
    asset_paths: Vec<String>,
}

/// Collects the files after the pages; refuses them once the generation is given up, so
/// that a superseded generation stops early.
struct AfterPages<'a> {
    store: &'a Store,
    files: Mutex<HashMap<String, Entry>>,
}

impl output::Sink for AfterPages<'_> {
    fn file(&self, file: OutputFile) -> Result<(), OutputError> {
        if self.store.cancelled() {
            return Err(OutputError::Refused(file.path, "a newer generation replaces this one"));
        }
        output::check_relative(&file.path)?;
        self.files.lock().unwrap_or_else(|e| e.into_inner()).insert(file.path, Entry::Generated(file.bytes.into()));
        Ok(())
    }

    /// Static files are in the generation from the start.
    fn copy(&self, copy: CopiedFile) -> Result<(), OutputError> {
        output::check_relative(&copy.path)
    }
}

/// Gives the calling thread the lowest scheduling priority (Linux keeps one per thread).
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its arguments; 0 names the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}
