//! The only code that writes files: the finished site goes into a temporary folder beside
//! the output folder and is swapped in only when everything succeeded, so a failed build
//! leaves the previous output exactly as it was and stale files never survive.

use std::io;
use std::path::{Path, PathBuf};

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

/// Writes the whole site to `out`: first to a temporary sibling folder, then swapped in.
/// On any error the temporary folder is removed and `out` is untouched.
pub fn write_site(out: &Path, files: &[OutputFile], copies: &[CopiedFile]) -> Result<(), OutputError> {
    let mut all: Vec<&str> =
        files.iter().map(|f| f.path.as_str()).chain(copies.iter().map(|c| c.path.as_str())).collect();
    for p in &all {
        check_relative(p)?;
    }
    all.sort_unstable();
    if let Some(w) = all.windows(2).find(|w| w[0] == w[1]) {
        return Err(OutputError::Clash(w[0].to_string()));
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    let tmp = parent.join(format!(".fulcrum-new-{name}-{}", std::process::id()));
    let old = parent.join(format!(".fulcrum-old-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = fill(&tmp, files, copies).and_then(|()| swap(&tmp, out, &old));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

fn fill(tmp: &Path, files: &[OutputFile], copies: &[CopiedFile]) -> Result<(), OutputError> {
    std::fs::create_dir_all(tmp).map_err(io_err(tmp))?;
    // Folders first, once each, so the parallel writes below need no coordination.
    let mut dirs: Vec<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .chain(copies.iter().map(|c| c.path.as_str()))
        .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d))
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    for d in dirs {
        let p = tmp.join(d);
        std::fs::create_dir_all(&p).map_err(io_err(&p))?;
    }
    files.par_iter().try_for_each(|f| {
        let p = tmp.join(&f.path);
        std::fs::write(&p, &f.bytes).map_err(io_err(&p))
    })?;
    copies.par_iter().try_for_each(|c| {
        let p = tmp.join(&c.path);
        std::fs::copy(&c.from, &p).map(|_| ()).map_err(io_err(&c.from))
    })?;
    Ok(())
}

fn swap(tmp: &Path, out: &Path, old: &Path) -> Result<(), OutputError> {
    let had_old = out.exists();
    if had_old {
        let _ = std::fs::remove_dir_all(old);
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
        let _ = std::fs::remove_dir_all(old);
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
