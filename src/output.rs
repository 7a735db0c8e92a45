//! The only code that writes files: new and changed files go into a temporary folder beside
//! the output folder and are moved in only when everything succeeded, so a failed build
//! leaves the previous output exactly as it was and stale files never survive.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

/// One file of the finished site: a path relative to the output folder, with forward
/// slashes, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile { path: path.into(), bytes: bytes.into() }
    }
}

/// A file copied as it is from the site's static/ folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedFile {
    pub path: String,
    pub from: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refusing to write to {0}: {1}")]
    Refused(String, &'static str),
    #[error(
        "refusing to write to {0}: it holds {1} and has no .fulcrum-build file, the mark of a folder a \
         build made; a build replaces everything in its output folder, so empty the folder (a .git \
         folder may stay) or choose another"
    )]
    Foreign(String, String),
    #[error("two outputs want the same file {0}")]
    Clash(String),
    #[error("output path \"{0}\" would leave the output folder")]
    Escapes(String),
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{failure}; some of the previous output could not be put back, and is in {kept}")]
    NotPutBack { failure: Box<OutputError>, kept: String },
    #[error("{0}: build again once the file is saved")]
    SourceChanged(crate::model::BodyChanged),
    /// The build stopped making files because a page had a problem the check reports.
    #[error("the build stopped at a broken link")]
    Stopped,
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: crate::diagnostics::display_path(path), source }
}

/// Checks that an output path is a plain relative path inside the output folder.
pub fn check_relative(rel: &str) -> Result<(), OutputError> {
    if crate::validate::safe_relative(rel) && !rel.starts_with('/') {
        Ok(())
    } else {
        Err(OutputError::Escapes(rel.to_string()))
    }
}

/// Refuses output folders whose replacement would destroy the site itself; returns the
/// folder as an absolute path with `.` and `..` resolved.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<PathBuf, OutputError> {
    let root = std::path::absolute(root).map_err(io_err(root))?;
    let out_abs = std::path::absolute(out).map_err(io_err(out))?;
    let (root, out_abs) = (resolve(&root), resolve(&out_abs));
    // As the editor wrote it, without `.` steps: `--output .` from the site folder is ".",
    // not "./.".
    let plain: PathBuf = out.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect();
    let shown = if plain.as_os_str().is_empty() { ".".to_string() } else { crate::diagnostics::display_path(&plain) };
    if root.starts_with(&out_abs) {
        return Err(OutputError::Refused(shown, "it holds the site itself; choose a folder such as public/"));
    }
    for keep in ["content", "static", "themes", "templates", "site.yaml"] {
        if out_abs.starts_with(root.join(keep)) {
            return Err(OutputError::Refused(
                shown,
                "it is part of the site's sources; choose a folder such as public/",
            ));
        }
    }
    if out.is_file() {
        return Err(OutputError::Refused(shown, "it is a file, not a folder"));
    }
    if out_abs.parent().is_none() {
        return Err(OutputError::Refused(shown, "it is the root of the file system"));
    }
    if let Some(name) = foreign_entry(&out_abs) {
        return Err(OutputError::Foreign(shown, name));
    }
    Ok(out_abs)
}

/// Entries of an output folder that a build keeps as they are: version control's folder,
/// so that `public/` may be a repository of its own (as for GitHub Pages); the build stamp,
/// which the build itself rewrites; and staging folders, when they cannot go beside it.
pub(crate) fn kept(top_level_name: &str) -> bool {
    top_level_name == ".git"
        || top_level_name == crate::fresh::STAMP
        || top_level_name.starts_with(".fulcrum-new-")
        || top_level_name.starts_with(".fulcrum-old-")
}

/// The first entry, by name, of an existing folder that no build made: a folder that is
/// not empty (a `.git` aside) and has no build stamp. A build would replace its contents.
fn foreign_entry(out: &Path) -> Option<String> {
    let entries = std::fs::read_dir(out).ok()?;
    let mut names = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == crate::fresh::STAMP {
            return None;
        }
        if !kept(&name) {
            let folder = entry.file_type().is_ok_and(|t| t.is_dir());
            names.push(if folder { format!("{name}/") } else { name });
        }
    }
    names.sort();
    names.into_iter().next()
}

/// An absolute path with `.` and `..` resolved and, for the part that exists, symbolic
/// links followed, so that two spellings of one folder compare equal.
fn resolve(p: &Path) -> PathBuf {
    let mut lexical = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                lexical.pop();
            }
            std::path::Component::CurDir => {}
            c => lexical.push(c),
        }
    }
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(n) => rest.push(n.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut out = std::fs::canonicalize(&existing).unwrap_or(existing);
    out.extend(rest.iter().rev());
    out
}

/// Where rendered files go, as they are made: a staging folder on disk for `build`, memory
/// for `serve` and tests. Rendering calls it from many threads at once.
pub trait Sink: Sync {
    fn file(&self, file: OutputFile) -> Result<(), OutputError>;
    fn copy(&self, copy: CopiedFile) -> Result<(), OutputError>;
}

/// Collects the site in memory.
#[derive(Debug, Default)]
pub struct Collect {
    pub files: Mutex<Vec<OutputFile>>,
    pub copies: Mutex<Vec<CopiedFile>>,
}

impl Collect {
    /// The files and copies, sorted by path.
    pub fn into_sorted(self) -> (Vec<OutputFile>, Vec<CopiedFile>) {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut copies = self.copies.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        copies.sort_by(|a, b| a.path.cmp(&b.path));
        (files, copies)
    }
}

impl Sink for Collect {
    fn file(&self, file: OutputFile) -> Result<(), OutputError> {
        check_relative(&file.path)?;
        self.files.lock().unwrap_or_else(|e| e.into_inner()).push(file);
        Ok(())
    }
    fn copy(&self, copy: CopiedFile) -> Result<(), OutputError> {
        check_relative(&copy.path)?;
        self.copies.lock().unwrap_or_else(|e| e.into_inner()).push(copy);
        Ok(())
    }
}

/// A temporary folder beside the output folder that files are written into as they are
/// rendered, so the finished site never has to be held in memory, and nothing in the
/// output folder changes before every file has been made. Dropping it without committing
/// removes it and leaves the output folder as it was.
///
/// Without a previous output, every file goes into the staging folder and `commit` renames
/// the folder into place. With one, a file whose bytes equal the previous output's is only
/// noted; the staging folder holds just the new and changed files, and `commit` removes the
/// previous output's stale files and then moves each staged file into place. A rebuild
/// thus costs file-system work in proportion to what changed, not to the size of the site:
/// no tree of tens of thousands of files is made and deleted when one page changed.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    /// Beside `tmp`: where an update puts the previous output's files until it succeeded.
    aside: PathBuf,
    /// Called before each step that changes the output folder in place (see [`Fault`]).
    fault: Fault<'static>,
    /// The previous output, when there is one to update.
    previous: Option<PathBuf>,
    /// What the previous output held, listed once without following symbolic links.
    listing: Listing,
    /// Folders already made in the staging folder, relative to it.
    folders: Mutex<HashSet<String>>,
    /// Every path of the new site.
    paths: Mutex<Vec<String>>,
    /// Each file written into the staging folder (all of them when there is no previous
    /// output), with its length and modification time as it was written: what an update moves
    /// into place, or else what the output folder's fingerprint follows from
    /// ([`crate::fresh::outputs_of`]).
    staged: Mutex<Vec<(String, u64, std::time::SystemTime)>>,
    bytes: AtomicU64,
    committed: bool,
}

impl Staging {
    pub fn new(out: &Path) -> Result<Staging, OutputError> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let previous = std::fs::symlink_metadata(out).is_ok_and(|m| m.is_dir()).then(|| out.to_path_buf());
        // Beside the output folder, so that a first build can rename the whole staging folder
        // into place; inside it, when it exists and nothing may be made beside it (a web
        // root whose parent folder belongs to someone else).
        let (tmp, aside) = match staging_folders(&parent, &name) {
            Ok(folders) => {
                // A killed build that staged inside the output left its folders there, where
                // a server would publish them.
                if previous.is_some() {
                    remove_abandoned_staging(out, &name);
                }
                folders
            }
            Err(_) if previous.is_some() => staging_folders(out, &name)?,
            Err(e) => return Err(e),
        };
        let listing = match &previous {
            Some(out) => Listing::of(out)?,
            None => Listing::default(),
        };
        Ok(Staging {
            out: out.to_path_buf(),
            tmp,
            aside,
            fault: &no_fault,
            previous,
            listing,
            folders: Mutex::new(HashSet::new()),
            paths: Mutex::new(Vec::new()),
            staged: Mutex::new(Vec::new()),
            bytes: AtomicU64::new(0),
            committed: false,
        })
    }

    /// The same staging, with `fault` called before each step of an update in place.
    #[cfg(test)]
    fn with_fault(mut self, fault: Fault<'static>) -> Staging {
        self.fault = fault;
        self
    }

    /// Notes `rel` as part of the new site.
    fn note(&self, rel: &str) -> Result<(), OutputError> {
        check_relative(rel)?;
        self.paths.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_string());
        Ok(())
    }

    /// Notes that `rel` was written into the staging folder with this length and time.
    fn wrote(&self, rel: String, len: u64, modified: std::time::SystemTime) {
        self.staged.lock().unwrap_or_else(|e| e.into_inner()).push((rel, len, modified));
    }

    /// The staging path for `rel`, with its folder made (each folder once per build).
    fn target(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let path = self.tmp.join(rel);
        if let Some((folder, _)) = rel.rsplit_once('/') {
            let known = self.folders.lock().unwrap_or_else(|e| e.into_inner()).contains(folder);
            if !known {
                let dir = self.tmp.join(folder);
                // Usually the parent exists and one mkdir does; otherwise make the chain.
                match std::fs::create_dir(&dir) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => {}
                    Err(_) => std::fs::create_dir_all(&dir).map_err(io_err(&dir))?,
                }
                let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
                let mut f = folder;
                loop {
                    folders.insert(f.to_string());
                    match f.rsplit_once('/') {
                        Some((parent, _)) => f = parent,
                        None => break,
                    }
                }
            }
        }
        Ok(path)
    }

    /// The previous output's regular file at `rel`, if there is one. A file reached through a
    /// symbolic link is not the output's own and does not count.
    fn previous_file(&self, rel: &str) -> Option<PathBuf> {
        let prev = self.previous.as_ref()?;
        self.listing.files.contains(rel).then(|| prev.join(rel))
    }

    /// How many files and bytes the new site has so far.
    pub fn written(&self) -> (usize, u64) {
        (self.paths.lock().unwrap_or_else(|e| e.into_inner()).len(), self.bytes.load(Ordering::Relaxed))
    }

    /// Puts the new site in place of the output folder. Returns the output folder's
    /// fingerprint ([`crate::fresh::outputs`]) when it follows from what was written: when
    /// there was no previous output, the folder is the staging folder renamed.
    pub fn commit(mut self) -> Result<Option<u64>, OutputError> {
        let mut paths = std::mem::take(&mut *self.paths.lock().unwrap_or_else(|e| e.into_inner()));
        paths.par_sort_unstable();
        if let Some(w) = paths.windows(2).find(|w| w[0] == w[1]) {
            return Err(OutputError::Clash(w[0].clone()));
        }
        let staged = std::mem::take(&mut *self.staged.lock().unwrap_or_else(|e| e.into_inner()));
        match &self.previous {
            None => {
                // Stamped at once as a build's folder; the build writes the stamp's text after.
                let stamp = self.tmp.join(crate::fresh::STAMP);
                std::fs::write(&stamp, crate::fresh::UNSTAMPED).map_err(io_err(&stamp))?;
                std::fs::rename(&self.tmp, &self.out).map_err(io_err(&self.out))?;
                self.committed = true;
                Ok(Some(crate::fresh::outputs_of(staged)))
            }
            Some(out) => {
                let staged: Vec<String> = staged.into_iter().map(|(rel, ..)| rel).collect();
                update_in_place(out, &self.tmp, &self.aside, &self.listing, &paths, &staged, self.fault)?;
                Ok(None)
            }
        }
    }
}

/// Makes this process's staging folder in `dir`, for the output folder called `name`, and
/// returns it and where its aside folder goes; clears what killed builds left there.
fn staging_folders(dir: &Path, name: &str) -> Result<(PathBuf, PathBuf), OutputError> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let tmp = dir.join(format!(".fulcrum-new-{name}-{}", std::process::id()));
    let aside = dir.join(format!(".fulcrum-old-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let _ = std::fs::remove_dir_all(&aside);
    remove_abandoned_staging(dir, name);
    std::fs::create_dir(&tmp).map_err(io_err(&tmp))?;
    Ok((tmp, aside))
}

/// Removes the staging and aside folders of earlier builds of the same output that were
/// killed before they could clean up (their process is gone). Only where the system says
/// which processes exist (Linux's /proc); elsewhere they stay.
fn remove_abandoned_staging(parent: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefixes = [format!(".fulcrum-new-{name}-"), format!(".fulcrum-old-{name}-")];
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| prefixes.iter().find_map(|p| n.strip_prefix(p.as_str())))
        else {
            continue;
        };
        let alive = pid.parse::<u32>().map(|pid| Path::new("/proc").join(pid.to_string()).exists());
        if alive == Ok(false) && entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_tree(&entry.path());
        }
    }
}

/// The entries of a previous output, found without following symbolic links.
#[derive(Default)]
struct Listing {
    /// Regular files, by path relative to the output folder.
    files: HashSet<String>,
    /// Every entry: its path, its relative path if that is valid UTF-8, and whether it is a folder.
    entries: Vec<(PathBuf, Option<String>, bool)>,
}

impl Listing {
    fn of(out: &Path) -> Result<Listing, OutputError> {
        let mut listing = Listing::default();
        let walk = walkdir::WalkDir::new(out).min_depth(1).follow_links(false).into_iter();
        for entry in walk.filter_entry(|e| e.depth() > 1 || !e.file_name().to_str().is_some_and(kept)) {
            let entry = entry.map_err(|e| OutputError::Io {
                path: crate::diagnostics::display_path(e.path().unwrap_or(out)),
                source: e.into(),
            })?;
            let rel = entry.path().strip_prefix(out).unwrap_or(entry.path());
            let rel = rel.to_str().map(|r| r.replace(std::path::MAIN_SEPARATOR, "/"));
            if let Some(r) = rel.as_ref().filter(|_| entry.file_type().is_file()) {
                listing.files.insert(r.clone());
            }
            let is_dir = entry.file_type().is_dir();
            listing.entries.push((entry.into_path(), rel, is_dir));
        }
        Ok(listing)
    }
}

/// A hook called before each link or rename that changes an output folder in place, so
/// that a test can make any one of them fail; a build passes [`no_fault`].
type Fault<'a> = &'a (dyn Fn() -> io::Result<()> + Sync);

fn no_fault() -> io::Result<()> {
    Ok(())
}

/// How an entry of the previous output was put aside before the update.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Aside {
    /// Not there any more (inside a folder put aside already).
    Gone,
    /// A second name in the aside folder; the entry is still in place until replaced.
    Linked,
    /// Moved into the aside folder.
    Moved,
}

/// Makes `out` hold exactly `paths`, or, if any step fails, leaves it as it was.
///
/// First every entry that goes (as `listing` found it) and the old version of every file
/// that is replaced are put aside, into `aside` beside the output folder: the files to be
/// replaced by a second name (a hard link, where the file system has them), so that they
/// stay readable in place until replaced, the rest by renaming. Then each `staged` file is
/// moved from `tmp` into place, one atomic rename each. Only when every move succeeded is
/// `aside` removed; after a failure, everything is put back as it was.
fn update_in_place(
    out: &Path,
    tmp: &Path,
    aside: &Path,
    listing: &Listing,
    paths: &[String],
    staged: &[String],
    fault: Fault<'_>,
) -> Result<(), OutputError> {
    let wanted = |rel: &str| paths.binary_search_by(|p| p.as_str().cmp(rel)).is_ok();
    // A folder is kept if some new path lies inside it.
    let folder_wanted = |rel: &str| {
        let prefix = format!("{rel}/");
        let i = paths.partition_point(|p| p.as_str() < prefix.as_str());
        paths.get(i).is_some_and(|p| p.starts_with(&prefix))
    };
    // What goes: entries listed in walk order, so a folder comes before what it holds, and
    // what a stale folder holds goes with it.
    let mut going: Vec<PathBuf> = Vec::new();
    let mut stale_folder: Option<&Path> = None;
    for (path, rel, is_dir) in &listing.entries {
        if stale_folder.is_some_and(|f| path.starts_with(f)) {
            continue;
        }
        stale_folder = None;
        match rel {
            Some(rel) if *is_dir => {
                if !folder_wanted(rel) {
                    going.push(path.clone());
                    stale_folder = Some(path);
                }
            }
            // Files, and symbolic links (to files or folders alike: never followed).
            Some(rel) if wanted(rel) && listing.files.contains(rel) => {}
            _ => going.push(path.clone()),
        }
    }
    let replaced: Vec<&String> = staged.iter().filter(|rel| listing.files.contains(rel.as_str())).collect();
    std::fs::create_dir_all(aside).map_err(io_err(aside))?;
    let aside_path = |i: usize| aside.join(i.to_string());

    // 1. Put aside.
    let originals: Vec<PathBuf> = going.iter().cloned().chain(replaced.iter().map(|rel| out.join(rel))).collect();
    let put_aside: Vec<io::Result<Aside>> = originals
        .par_iter()
        .enumerate()
        .map(|(i, from)| {
            fault()?;
            let replaced = i >= going.len();
            if replaced && std::fs::hard_link(from, aside_path(i)).is_ok() {
                return Ok(Aside::Linked);
            }
            match std::fs::rename(from, aside_path(i)) {
                Ok(()) => Ok(Aside::Moved),
                Err(e) if e.kind() == io::ErrorKind::NotFound && !replaced => Ok(Aside::Gone),
                Err(e) => Err(e),
            }
        })
        .collect();
    let how: Vec<Aside> = put_aside.iter().map(|r| *r.as_ref().unwrap_or(&Aside::Gone)).collect();
    if let Some((i, Err(e))) = put_aside.into_iter().enumerate().find(|(_, r)| r.is_err()) {
        let failure = io_err(&originals[i])(e);
        return Err(put_back(failure, aside, &originals, &how, &[], &[]));
    }

    // 2. Move the new and changed files into place.
    let aside_of: HashMap<&str, usize> =
        replaced.iter().enumerate().map(|(j, rel)| (rel.as_str(), going.len() + j)).collect();
    let old_folders: HashSet<&str> =
        listing.entries.iter().filter(|(_, _, d)| *d).filter_map(|(_, rel, _)| rel.as_deref()).collect();
    let mut new_folders: Vec<&str> = Vec::new();
    for rel in staged {
        let mut r = rel.as_str();
        while let Some((parent, _)) = r.rsplit_once('/') {
            if old_folders.contains(parent) {
                break;
            }
            new_folders.push(parent);
            r = parent;
        }
    }
    new_folders.sort_unstable();
    new_folders.dedup();
    let moved_in: Vec<Result<(), OutputError>> = staged
        .par_iter()
        .map(|rel| {
            fault().map_err(io_err(&out.join(rel)))?;
            let (from, to) = (tmp.join(rel), out.join(rel));
            if let Err(e) = std::fs::rename(&from, &to) {
                // The file's folder is new.
                if let Some(parent) = to.parent() {
                    std::fs::create_dir_all(parent).map_err(io_err(parent))?;
                }
                std::fs::rename(&from, &to).map_err(|_| io_err(&to)(e))?;
            }
            Ok(())
        })
        .collect();
    let mut failure = None;
    let (mut how, mut new_files) = (how, Vec::new());
    for (rel, moved) in staged.iter().zip(moved_in) {
        match (moved, aside_of.get(rel.as_str())) {
            (Err(e), _) => {
                failure.get_or_insert(e);
            }
            // The old version comes back over the new one, linked or moved alike.
            (Ok(()), Some(&i)) => how[i] = Aside::Moved,
            (Ok(()), None) => new_files.push(out.join(rel)),
        }
    }
    if let Some(failure) = failure {
        let new_folders: Vec<PathBuf> = new_folders.iter().rev().map(|f| out.join(f)).collect();
        return Err(put_back(failure, aside, &originals, &how, &new_files, &new_folders));
    }
    remove_tree(aside);
    Ok(())
}

/// Undoes a failed update: removes the files and folders it added and moves what was put
/// aside back to where it was. Returns `failure`, or, if something could not be put back,
/// `failure` with where the previous output's files were left.
fn put_back(
    failure: OutputError,
    aside: &Path,
    originals: &[PathBuf],
    how: &[Aside],
    new_files: &[PathBuf],
    new_folders: &[PathBuf],
) -> OutputError {
    let mut ok = true;
    for f in new_files {
        ok &= std::fs::remove_file(f).is_ok();
    }
    // Deepest first, and before anything comes back: a new folder may stand where an old
    // file was. A folder that is not empty was not the update's.
    for f in new_folders {
        let _ = std::fs::remove_dir(f);
    }
    for (i, (original, how)) in originals.iter().zip(how).enumerate() {
        if *how == Aside::Moved {
            ok &= std::fs::rename(aside.join(i.to_string()), original).is_ok();
        }
    }
    if ok {
        remove_tree(aside);
        failure
    } else {
        OutputError::NotPutBack { failure: Box::new(failure), kept: crate::diagnostics::display_path(aside) }
    }
}

impl Sink for Staging {
    fn file(&self, file: OutputFile) -> Result<(), OutputError> {
        self.note(&file.path)?;
        self.bytes.fetch_add(file.bytes.len() as u64, Ordering::Relaxed);
        if let Some(prev) = self.previous_file(&file.path)
            && std::fs::File::open(&prev).is_ok_and(|f| same_bytes(f, &file.bytes))
        {
            return Ok(());
        }
        let path = self.target(&file.path)?;
        let (len, modified) = write_file(&path, &file.bytes).map_err(io_err(&path))?;
        self.wrote(file.path, len, modified);
        Ok(())
    }
    fn copy(&self, copy: CopiedFile) -> Result<(), OutputError> {
        self.note(&copy.path)?;
        if let Some(prev) = self.previous_file(&copy.path)
            && same_files(&prev, &copy.from)
        {
            let n = std::fs::metadata(&prev).map_err(io_err(&prev))?.len();
            self.bytes.fetch_add(n, Ordering::Relaxed);
            return Ok(());
        }
        let path = self.target(&copy.path)?;
        let n = std::fs::copy(&copy.from, &path).map_err(io_err(&copy.from))?;
        self.bytes.fetch_add(n, Ordering::Relaxed);
        let m = std::fs::metadata(&path).map_err(io_err(&path))?;
        self.wrote(copy.path, m.len(), m.modified().map_err(io_err(&path))?);
        Ok(())
    }
}

/// Writes `bytes` to a new file at `path`; returns its length and modification time, read
/// from the open file.
fn write_file(path: &Path, bytes: &[u8]) -> io::Result<(u64, std::time::SystemTime)> {
    use std::io::Write as _;
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    let m = f.metadata()?;
    Ok((m.len(), m.modified()?))
}

/// Writes the build stamp (see [`crate::fresh`]) into a committed output folder.
pub fn write_stamp(out: &Path, text: &str) -> Result<(), OutputError> {
    let path = out.join(crate::fresh::STAMP);
    std::fs::write(&path, text).map_err(io_err(&path))
}

/// Whether the open file holds exactly `bytes`.
fn same_bytes(mut f: std::fs::File, bytes: &[u8]) -> bool {
    use std::io::Read as _;
    if f.metadata().map(|m| m.len()).ok() != Some(bytes.len() as u64) {
        return false;
    }
    // One byte more than expected, to notice a file that grew since the length was read.
    let mut buf = Vec::with_capacity(bytes.len() + 1);
    match f.by_ref().take(bytes.len() as u64 + 1).read_to_end(&mut buf) {
        Ok(_) => buf == bytes,
        Err(_) => false,
    }
}

/// Whether two files hold the same bytes, read in pieces so large static files need
/// little memory.
fn same_files(a: &Path, b: &Path) -> bool {
    use std::io::Read as _;
    let (Ok(mut fa), Ok(mut fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    match (fa.metadata(), fb.metadata()) {
        (Ok(ma), Ok(mb)) if ma.is_file() && mb.is_file() && ma.len() == mb.len() => {}
        _ => return false,
    }
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = match fa.read(&mut ba) {
            Ok(n) => n,
            Err(_) => return false,
        };
        if n == 0 {
            return fb.read(&mut bb[..1]).ok() == Some(0);
        }
        if fb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // After an update in place the staging folder holds only empty folders.
        if !self.committed {
            remove_tree(&self.tmp);
        }
    }
}

/// Removes a folder tree, if it is there: its top-level entries in parallel, then the rest.
fn remove_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        let entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.par_iter().for_each(|p| {
            let _ = match std::fs::symlink_metadata(p) {
                Ok(m) if m.is_dir() => std::fs::remove_dir_all(p),
                _ => std::fs::remove_file(p),
            };
        });
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Writes the whole site to `out`: first to a temporary sibling folder, then swapped in.
/// On any error the temporary folder is removed and `out` is untouched. Returns what
/// [`Staging::commit`] returns.
pub fn write_site(out: &Path, files: &[OutputFile], copies: &[CopiedFile]) -> Result<Option<u64>, OutputError> {
    let staging = Staging::new(out)?;
    files.par_iter().try_for_each(|f| staging.file(f.clone()))?;
    copies.par_iter().try_for_each(|c| staging.copy(c.clone()))?;
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_escape_are_refused() {
        assert!(check_relative("a/b.html").is_ok());
        for bad in ["../x", "/etc/passwd", "a/../../x", "a//b", "a\\b", "C:/x", ""] {
            assert!(check_relative(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_first_build_knows_its_outputs_fingerprint_without_looking_at_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let from = dir.path().join("plan.pdf");
        std::fs::write(&from, "%PDF").unwrap();
        // Names whose order as whole paths differs from their order folder by folder ("a-b"
        // sorts before "a/…" as a path, after "a" as a name), at several depths.
        let mut files: Vec<OutputFile> =
            ["a/index.html", "a-b/index.html", "a.b", "a/b/c/index.html", "a/b-c.html", "z.html"]
                .iter()
                .map(|&p| OutputFile::new(p, format!("<p>{p}</p>")))
                .collect();
        // A folder with many entries, which are hashed on several threads.
        files.extend((0..150).map(|i| OutputFile::new(format!("m/{i}/index.html"), format!("<p>{i}</p>"))));
        let copies = [CopiedFile { path: "a/b/plan.pdf".into(), from }];
        let known = write_site(&out, &files, &copies).unwrap();
        assert_eq!(known, Some(crate::fresh::outputs(&out)));
        // With a previous output the folder is updated in place, and is looked at instead.
        assert_eq!(write_site(&out, &files[1..], &[]).unwrap(), None);
    }

    #[test]
    fn swap_replaces_and_removes_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("a/index.html", "one"), OutputFile::new("stale.html", "x")], &[]).unwrap();
        write_site(&out, &[OutputFile::new("a/index.html", "two")], &[]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        assert!(!out.join("stale.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn a_failed_write_leaves_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("index.html", "old")], &[]).unwrap();
        let err = write_site(
            &out,
            &[OutputFile::new("index.html", "new")],
            &[CopiedFile { path: "x.png".into(), from: dir.path().join("missing.png") }],
        );
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_left_alone_and_changed_ones_replaced() {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let ino = |rel: &str| std::fs::metadata(out.join(rel)).unwrap().ino();
        write_site(&out, &[OutputFile::new("a/index.html", "same"), OutputFile::new("b.html", "one")], &[]).unwrap();
        let (a, b) = (ino("a/index.html"), ino("b.html"));
        // Same length, other bytes: must not be taken for unchanged.
        write_site(&out, &[OutputFile::new("a/index.html", "same"), OutputFile::new("b.html", "two")], &[]).unwrap();
        assert_eq!(ino("a/index.html"), a, "an unchanged file is left as it was");
        assert_ne!(ino("b.html"), b, "a changed file is replaced whole, never rewritten in place");
        assert_eq!(std::fs::read_to_string(out.join("b.html")).unwrap(), "two");
        assert_eq!(std::fs::metadata(out.join("a/index.html")).unwrap().nlink(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_update_leaves_the_old_output_as_it_was() {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("a/index.html", "keep")], &[]).unwrap();
        let err = write_site(
            &out,
            &[OutputFile::new("a/index.html", "keep"), OutputFile::new("new.html", "new")],
            &[CopiedFile { path: "x.png".into(), from: dir.path().join("missing.png") }],
        );
        assert!(err.is_err());
        let meta = std::fs::metadata(out.join("a/index.html")).unwrap();
        assert_eq!(meta.nlink(), 1);
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "keep");
        assert!(!out.join("new.html").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// The paths of everything under `dir`, sorted, with forward slashes.
    fn entries(dir: &Path) -> Vec<String> {
        let mut found: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        found.sort();
        found
    }

    /// Every entry under `dir`, without following links: its path, what it is, its bytes or
    /// link target, and (for files) its inode, so that a file put back is told from a copy.
    #[cfg(unix)]
    fn tree_of(dir: &Path) -> Vec<(String, String, Vec<u8>, u64)> {
        use std::os::unix::fs::MetadataExt as _;
        let mut v: Vec<_> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                let meta = std::fs::symlink_metadata(e.path()).unwrap();
                if meta.is_symlink() {
                    let to = std::fs::read_link(e.path()).unwrap();
                    (rel, "link".to_string(), to.to_string_lossy().as_bytes().to_vec(), 0)
                } else if meta.is_dir() {
                    (rel, "folder".to_string(), Vec::new(), 0)
                } else {
                    (rel, "file".to_string(), std::fs::read(e.path()).unwrap(), meta.ino())
                }
            })
            .collect();
        v.sort();
        v
    }

    /// An output folder that a build made and then some: every kind of change an update can
    /// make to it is made by building `next_site` over it.
    #[cfg(unix)]
    fn old_output(out: &Path) {
        let files = |list: &[(&str, &str)]| list.iter().map(|(p, b)| OutputFile::new(*p, *b)).collect::<Vec<_>>();
        write_site(
            out,
            &files(&[
                ("same.html", "same"),
                ("changed.html", "old"),
                ("a", "a file, then a folder"),
                ("b/index.html", "a folder, then a file"),
                ("gone/deeper/x.html", "a folder that goes"),
                ("gone/y.html", "y"),
                ("stale.html", "a file that goes"),
                ("keep/changed.html", "old too"),
            ]),
            &[],
        )
        .unwrap();
        std::os::unix::fs::symlink("same.html", out.join("link.html")).unwrap();
        std::fs::create_dir_all(out.join(".git/objects")).unwrap();
        std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/main").unwrap();
    }

    fn next_site() -> Vec<OutputFile> {
        [
            ("same.html", "same"),
            ("changed.html", "new"),
            ("a/index.html", "now a folder"),
            ("b", "now a file"),
            ("keep/changed.html", "new too"),
            ("fresh/deep/new.html", "in new folders"),
            ("link.html", "a file where a link was"),
        ]
        .iter()
        .map(|(p, b)| OutputFile::new(*p, *b))
        .collect()
    }

    #[cfg(unix)]
    #[test]
    fn an_update_that_fails_at_any_step_leaves_the_old_output_as_it_was() {
        use std::sync::atomic::AtomicUsize;
        let update = |out: &Path, fault: Fault<'static>| {
            let staging = Staging::new(out).unwrap().with_fault(fault);
            next_site().into_par_iter().try_for_each(|f| staging.file(f))?;
            staging.commit()
        };
        // How many steps a successful update takes.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        old_output(&out);
        static STEPS: AtomicUsize = AtomicUsize::new(0);
        update(&out, &|| {
            STEPS.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
        .unwrap();
        let steps = STEPS.load(Ordering::SeqCst);
        assert!(steps >= 10, "{steps} steps");
        let tree = tree_of(&out);
        let shown: Vec<(&str, &str)> = tree.iter().map(|(p, k, _, _)| (p.as_str(), k.as_str())).collect();
        let want = [
            (".fulcrum-build", "file"),
            (".git", "folder"),
            (".git/HEAD", "file"),
            (".git/objects", "folder"),
            ("a", "folder"),
            ("a/index.html", "file"),
            ("b", "file"),
            ("changed.html", "file"),
            ("fresh", "folder"),
            ("fresh/deep", "folder"),
            ("fresh/deep/new.html", "file"),
            ("keep", "folder"),
            ("keep/changed.html", "file"),
            ("link.html", "file"),
            ("same.html", "file"),
        ];
        assert_eq!(shown, want);
        assert_eq!(std::fs::read_to_string(out.join("link.html")).unwrap(), "a file where a link was");

        // Each step in turn fails: the output must be exactly as before, and nothing left beside it.
        static FAIL_AT: AtomicUsize = AtomicUsize::new(0);
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        for k in 0..steps {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("public");
            old_output(&out);
            let before = tree_of(&out);
            FAIL_AT.store(k, Ordering::SeqCst);
            CALLS.store(0, Ordering::SeqCst);
            let result = update(&out, &|| {
                if CALLS.fetch_add(1, Ordering::SeqCst) == FAIL_AT.load(Ordering::SeqCst) {
                    Err(io::Error::other("made to fail"))
                } else {
                    Ok(())
                }
            });
            let err = result.expect_err("the update must fail").to_string();
            assert!(err.contains("made to fail"), "step {k}: {err}");
            assert_eq!(tree_of(&out), before, "step {k} of {steps}");
            let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert_eq!(beside, vec![std::ffi::OsString::from("public")], "step {k}");
        }
    }

    #[test]
    fn an_update_stages_inside_the_output_folder_when_nothing_can_be_made_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("www");
        write_site(&out, &[OutputFile::new("index.html", "old"), OutputFile::new("stale.html", "x")], &[]).unwrap();
        // What stands for a parent folder this build may not write to: its staging folder's
        // name is taken.
        let blocked = dir.path().join(format!(".fulcrum-new-www-{}", std::process::id()));
        std::fs::write(&blocked, "not a folder").unwrap();
        write_site(&out, &[OutputFile::new("index.html", "new"), OutputFile::new("a/b.html", "b")], &[]).unwrap();
        let found = entries(&out);
        assert_eq!(found, [".fulcrum-build", "a", "a/b.html", "index.html"]);
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(&blocked).unwrap(), "not a folder");
        // A first build has nowhere to stage and says so.
        std::fs::remove_dir_all(&out).unwrap();
        assert!(write_site(&out, &[OutputFile::new("index.html", "new")], &[]).is_err());
        assert!(!out.exists());
    }

    #[test]
    fn a_folder_no_build_made_is_refused_unless_empty() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("docs");
        std::fs::create_dir_all(out.join(".git")).unwrap();
        assert!(check_output_dir(dir.path(), &out).is_ok(), "empty but for .git");
        std::fs::create_dir_all(out.join("notes")).unwrap();
        std::fs::write(out.join("thesis.txt"), "keep me").unwrap();
        let err = check_output_dir(dir.path(), &out).unwrap_err().to_string();
        assert!(
            err.contains("it holds notes/ and has no .fulcrum-build file")
                && err.contains("empty the folder (a .git folder may stay) or choose another"),
            "{err}"
        );
        // A folder a build made is the build's to replace.
        std::fs::write(out.join(crate::fresh::STAMP), crate::fresh::UNSTAMPED).unwrap();
        assert!(check_output_dir(dir.path(), &out).is_ok());
    }

    #[test]
    fn files_and_folders_may_trade_places() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let files = |list: &[(&str, &str)]| list.iter().map(|(p, b)| OutputFile::new(*p, *b)).collect::<Vec<_>>();
        write_site(
            &out,
            &files(&[("a", "file a"), ("b/index.html", "b"), ("c/d/e.html", "e"), ("keep.html", "k")]),
            &[],
        )
        .unwrap();
        // The old output also holds things no build made: a folder with a file, an empty folder.
        std::fs::create_dir_all(out.join("junk/deeper")).unwrap();
        std::fs::write(out.join("junk/deeper/x.txt"), "x").unwrap();
        std::fs::create_dir_all(out.join("empty")).unwrap();
        write_site(&out, &files(&[("a/index.html", "now a folder"), ("b", "now a file"), ("keep.html", "k")]), &[])
            .unwrap();
        let found = entries(&out);
        assert_eq!(found, [".fulcrum-build", "a", "a/index.html", "b", "keep.html"]);
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "now a folder");
        assert_eq!(std::fs::read_to_string(out.join("b")).unwrap(), "now a file");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_in_the_old_output_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let outside = dir.path().join("outside.html");
        std::fs::write(&outside, "same").unwrap();
        write_site(&out, &[OutputFile::new("index.html", "first")], &[]).unwrap();
        std::fs::remove_file(out.join("index.html")).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("index.html")).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("stale.html")).unwrap();
        write_site(&out, &[OutputFile::new("index.html", "same")], &[]).unwrap();
        assert!(std::fs::symlink_metadata(out.join("index.html")).unwrap().is_file());
        assert!(std::fs::symlink_metadata(out.join("stale.html")).is_err());
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "same", "the link's target is untouched");
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_linked_from_outside_is_neither_trusted_nor_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let outside = dir.path().join("elsewhere");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("a.html"), "page a").unwrap();
        write_site(&out, &[OutputFile::new("index.html", "home")], &[]).unwrap();
        // Someone links a folder of the output to a folder elsewhere that holds the very
        // bytes the next build makes: they must not be taken for the output's own file.
        std::os::unix::fs::symlink(&outside, out.join("reports")).unwrap();
        write_site(&out, &[OutputFile::new("index.html", "home"), OutputFile::new("reports/a.html", "page a")], &[])
            .unwrap();
        assert!(std::fs::symlink_metadata(out.join("reports")).unwrap().is_dir(), "a real folder now");
        assert_eq!(std::fs::read_to_string(out.join("reports/a.html")).unwrap(), "page a");
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 1, "nothing written or removed elsewhere");
        assert_eq!(std::fs::read_to_string(outside.join("a.html")).unwrap(), "page a");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_killed_build_s_staging_folder_is_removed_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // A process id that cannot be running: above the kernel's limit.
        let abandoned = dir.path().join(".fulcrum-new-public-4294967");
        std::fs::create_dir_all(abandoned.join("reports")).unwrap();
        std::fs::write(abandoned.join("reports/x.html"), "half a site").unwrap();
        // Another output's, and one whose process is running (process 1 always is), stay.
        let other = dir.path().join(".fulcrum-new-preview-4294967");
        let running = dir.path().join(".fulcrum-new-public-1");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::create_dir_all(&running).unwrap();
        write_site(&out, &[OutputFile::new("index.html", "home")], &[]).unwrap();
        assert!(!abandoned.exists());
        assert!(other.exists());
        assert!(running.exists());
        // One left inside the output by a build that staged there goes too, though this
        // build stages beside it.
        let inside = [out.join(".fulcrum-new-public-4294967"), out.join(".fulcrum-old-public-4294967")];
        for f in &inside {
            std::fs::create_dir_all(f.join("reports")).unwrap();
            std::fs::write(f.join("reports/x.html"), "half a site").unwrap();
        }
        write_site(&out, &[OutputFile::new("index.html", "home")], &[]).unwrap();
        assert!(inside.iter().all(|f| !f.exists()));
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "home");
    }

    #[test]
    fn static_copies_compare_their_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let src = dir.path().join("photo.jpg");
        std::fs::write(&src, "AAAA").unwrap();
        let copy = || CopiedFile { path: "photos/p.jpg".into(), from: src.clone() };
        write_site(&out, &[], &[copy()]).unwrap();
        std::fs::write(&src, "BBBB").unwrap();
        write_site(&out, &[], &[copy()]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("photos/p.jpg")).unwrap(), "BBBB");
        write_site(&out, &[], &[copy()]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("photos/p.jpg")).unwrap(), "BBBB");
    }

    #[test]
    fn refuses_to_replace_the_site_itself() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_output_dir(dir.path(), dir.path()).is_err());
        assert!(check_output_dir(dir.path(), &dir.path().join("..")).is_err());
        assert!(check_output_dir(dir.path(), &dir.path().join("public/../content")).is_err());
        assert!(check_output_dir(&dir.path().join("a"), dir.path()).is_err());
        assert!(check_output_dir(dir.path(), &dir.path().join("content/x")).is_err());
        assert!(check_output_dir(dir.path(), &dir.path().join("public")).is_ok());
    }
}
