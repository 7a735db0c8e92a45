//! The only code that writes files: the finished site goes into a temporary folder beside
//! the output folder and is swapped in only when everything succeeded, so a failed build
//! leaves the previous output exactly as it was and stale files never survive.

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
    #[error("two outputs want the same file {0}")]
    Clash(String),
    #[error("output path \"{0}\" would leave the output folder")]
    Escapes(String),
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: io::Error },
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
    let shown = crate::diagnostics::display_path(out);
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
    Ok(out_abs)
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
/// rendered, so the finished site never has to be held in memory. `commit` swaps it in;
/// dropping it without committing removes it and leaves the output folder as it was.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    paths: Mutex<Vec<String>>,
    bytes: AtomicU64,
    committed: bool,
}

impl Staging {
    pub fn new(out: &Path) -> Result<Staging, OutputError> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let tmp = parent.join(format!(".fulcrum-new-{name}-{}", std::process::id()));
        let old = parent.join(format!(".fulcrum-old-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
        Ok(Staging {
            out: out.to_path_buf(),
            tmp,
            old,
            paths: Mutex::new(Vec::new()),
            bytes: AtomicU64::new(0),
            committed: false,
        })
    }

    fn target(&self, rel: &str) -> Result<PathBuf, OutputError> {
        check_relative(rel)?;
        let path = self.tmp.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        self.paths.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_string());
        Ok(path)
    }

    /// How many files and bytes have been written so far.
    pub fn written(&self) -> (usize, u64) {
        (self.paths.lock().unwrap_or_else(|e| e.into_inner()).len(), self.bytes.load(Ordering::Relaxed))
    }

    /// Swaps the staged site in for the output folder, then removes the previous one.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let mut paths = std::mem::take(&mut *self.paths.lock().unwrap_or_else(|e| e.into_inner()));
        paths.sort_unstable();
        if let Some(w) = paths.windows(2).find(|w| w[0] == w[1]) {
            return Err(OutputError::Clash(w[0].clone()));
        }
        swap(&self.tmp, &self.out, &self.old)?;
        self.committed = true;
        Ok(())
    }
}

impl Sink for Staging {
    fn file(&self, file: OutputFile) -> Result<(), OutputError> {
        let path = self.target(&file.path)?;
        std::fs::write(&path, &file.bytes).map_err(io_err(&path))?;
        self.bytes.fetch_add(file.bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }
    fn copy(&self, copy: CopiedFile) -> Result<(), OutputError> {
        let path = self.target(&copy.path)?;
        let n = std::fs::copy(&copy.from, &path).map_err(io_err(&copy.from))?;
        self.bytes.fetch_add(n, Ordering::Relaxed);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            remove_tree(&self.tmp);
        }
    }
}

/// Removes a folder tree, if it is there.
fn remove_tree(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

/// Writes the whole site to `out`: first to a temporary sibling folder, then swapped in.
/// On any error the temporary folder is removed and `out` is untouched.
pub fn write_site(out: &Path, files: &[OutputFile], copies: &[CopiedFile]) -> Result<(), OutputError> {
    let staging = Staging::new(out)?;
    files.par_iter().try_for_each(|f| staging.file(f.clone()))?;
    copies.par_iter().try_for_each(|c| staging.copy(c.clone()))?;
    staging.commit()
}

fn swap(tmp: &Path, out: &Path, old: &Path) -> Result<(), OutputError> {
    let had_old = out.exists();
    if had_old {
        remove_tree(old);
        std::fs::rename(out, old).map_err(io_err(out))?;
    }
    if let Err(e) = std::fs::rename(tmp, out) {
        if had_old {
            // Put the previous site back before reporting.
            let _ = std::fs::rename(old, out);
        }
        return Err(io_err(out)(e));
    }
    if had_old {
        remove_tree(old);
    }
    Ok(())
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
