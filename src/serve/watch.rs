//! Watching the site's sources (site.yaml, content/, static/, templates/, themes/) and
//! turning the file system's bursts of events into one batch per save.
//!
//! Editors save in several steps (write a temporary file, rename it over the old one,
//! delete a backup), and notify reports each step. The debouncer waits until the events
//! have been quiet for `QUIET`, and never longer than `MOST` after the first one, so a save
//! is built once and never half-way through. Folders are watched, not files, so a file
//! replaced by a rename stays watched.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use super::{Event, Reporter};

/// Quiet time that ends a burst of events.
const QUIET: Duration = Duration::from_millis(30);
/// The longest a burst may delay a rebuild.
const MOST: Duration = Duration::from_millis(300);
/// How often `--poll` looks at the files.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// The folders under the site root whose changes trigger a rebuild (watched recursively).
const FOLDERS: [&str; 4] = ["content", "static", "templates", "themes"];

/// Changes that belong together.
#[derive(Debug)]
pub struct Batch {
    /// When the first change of the batch was noticed.
    pub first_seen: Instant,
    /// The changed paths relative to the site folder, sorted, each once.
    pub paths: Vec<PathBuf>,
}

/// The running watcher and the stream of its batches.
pub struct Changes {
    watcher: Box<dyn Watcher + Send>,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    watched: HashSet<&'static str>,
    report: Reporter,
}

pub fn start(root: &Path, poll: bool, report: Reporter) -> notify::Result<Changes> {
    let (tx, events) = channel();
    let watcher: Box<dyn Watcher + Send> = if poll {
        // The poller keeps modification times to the second only; comparing contents too
        // catches a second save within the same second.
        let config = notify::Config::default().with_poll_interval(POLL_INTERVAL).with_compare_contents(true);
        Box::new(PollWatcher::new(tx, config)?)
    } else {
        Box::new(RecommendedWatcher::new(tx, notify::Config::default())?)
    };
    let root = std::fs::canonicalize(root)?;
    let mut changes = Changes { watcher, events, root, watched: HashSet::new(), report };
    // The root itself only for site.yaml and for the folders appearing or going.
    changes.watcher.watch(&changes.root, RecursiveMode::NonRecursive)?;
    changes.refresh_folders(&[]);
    Ok(changes)
}

impl Changes {
    /// Blocks until the next batch of relevant changes; None when the watcher has stopped.
    pub fn next_batch(&mut self) -> Option<Batch> {
        let mut paths = Vec::new();
        let first_seen = loop {
            let event = self.events.recv().ok()?;
            if self.collect(event, &mut paths) {
                break Instant::now();
            }
        };
        let mut last = first_seen;
        loop {
            let deadline = (last + QUIET).min(first_seen + MOST);
            let Some(wait) = deadline.checked_duration_since(Instant::now()).filter(|w| !w.is_zero()) else {
                break;
            };
            match self.events.recv_timeout(wait) {
                Ok(event) => {
                    if self.collect(event, &mut paths) {
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        // A folder named by an event itself was made, deleted or moved: made again within
        // the batch (`rm -rf static && mkdir static`), it is another folder under the old
        // name, and the old watch sees nothing of it.
        let replaced: Vec<&str> =
            FOLDERS.iter().copied().filter(|f| paths.iter().any(|p| *p == self.root.join(f))).collect();
        self.refresh_folders(&replaced);
        let mut paths: Vec<PathBuf> =
            paths.iter().filter_map(|p| p.strip_prefix(&self.root).ok()).map(Path::to_path_buf).collect();
        paths.sort();
        paths.dedup();
        Some(Batch { first_seen, paths })
    }

    /// Adds the event's relevant paths; true if there were any.
    fn collect(&self, event: notify::Result<notify::Event>, paths: &mut Vec<PathBuf>) -> bool {
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                let hint = match &e.kind {
                    notify::ErrorKind::MaxFilesWatch => " (the system's watch limit is reached: use --poll)",
                    _ => "",
                };
                (self.report)(Event::WatchError(format!("{e}{hint}")));
                return false;
            }
        };
        if !counts(&event.kind) {
            return false;
        }
        let before = paths.len();
        paths.extend(event.paths.into_iter().filter(|p| self.relevant(p)));
        paths.len() > before
    }

    fn relevant(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut parts = rel.components();
        let Some(first) = parts.next() else {
            return false;
        };
        let first = first.as_os_str();
        if first == "site.yaml" {
            return true;
        }
        if !FOLDERS.iter().any(|f| first == *f) {
            return false;
        }
        // Editors' swap and backup files change on every keystroke.
        path.file_name().and_then(|n| n.to_str()).is_none_or(|n| !is_editor_noise(n))
    }

    /// Watches the folders that exist and are not watched yet (a folder created after the
    /// start, or deleted and made again), and watches the `replaced` ones anew; called
    /// before every build.
    fn refresh_folders(&mut self, replaced: &[&str]) {
        for folder in FOLDERS {
            let path = self.root.join(folder);
            let exists = path.is_dir();
            if exists && replaced.contains(&folder) && self.watched.remove(folder) {
                let _ = self.watcher.unwatch(&path);
            }
            if exists && !self.watched.contains(folder) {
                match self.watcher.watch(&path, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(folder);
                    }
                    Err(e) => (self.report)(Event::WatchError(format!("cannot watch {folder}/: {e}"))),
                }
            } else if !exists && self.watched.remove(folder) {
                let _ = self.watcher.unwatch(&path);
            }
        }
    }
}

/// Whether an event can change what the build sees (reads and opens cannot).
fn counts(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Swap, backup, lock and temporary files of common editors. A temporary file renamed over
/// the real one is no loss: the rename names the real file too.
fn is_editor_noise(name: &str) -> bool {
    name.ends_with('~')
        || name.starts_with(".goutputstream-")
        || name.ends_with(".kate-swp")
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_")
        || name == "4913"
        || name == ".DS_Store"
        || is_sed_temporary(name)
}

/// The temporary file `sed -i` writes beside the file it edits and renames over it: "sed"
/// and six letters or digits, no dot.
fn is_sed_temporary(name: &str) -> bool {
    name.strip_prefix("sed").is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_noise_is_recognised() {
        for n in [
            ".report.md.swp",
            "report.md~",
            ".#report.md",
            "#report.md#",
            "report.md___jb_tmp___",
            "4913",
            ".goutputstream-Q2XJ1Z",
            ".report.md.kate-swp",
            "sedR4nd0m",
            "sed0a1B2c",
        ] {
            assert!(is_editor_noise(n), "{n}");
        }
        for n in ["report.md", "site.yaml", "photo.jpg", "sediment.md", "sedan1.jpg", "sedabcdefg", "sed"] {
            assert!(!is_editor_noise(n), "{n}");
        }
    }
}
