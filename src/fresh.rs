//! Whether the output folder already holds the build of exactly these sources, so that a
//! build with nothing changed can stop after checking.
//!
//! After each successful build, a small stamp file in the output folder records two
//! fingerprints: one of the inputs (every file `build` reads, by path, length and
//! modification time; the `fulcrum` binary itself; the options that change output) and
//! one of the output (every file, by path, length and modification time). A later build
//! with the same inputs skips rendering only if the output is still exactly as that build
//! left it; anything edited, added or removed on either side means a full build. The later
//! build skips the check as well: with the same inputs, the same binary and the same options
//! it would find what that build found, so the warnings that build printed, kept in the
//! stamp, are printed again instead.

use std::ffi::OsStr;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::Options;
use crate::diagnostics::{Diagnostic, Severity};

/// The stamp's file name inside the output folder. Its presence marks a folder a build made
/// (see [`crate::output::check_output_dir`]).
pub const STAMP: &str = ".fulcrum-build";

/// The stamp's text when a build could not fingerprint its inputs: it marks the folder as a
/// build's but never matches, so the next build is a full one.
pub const UNSTAMPED: &str = "fulcrum-build 1\n";

/// What a successful build left, as recorded in its stamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub inputs: u64,
    pub outputs: u64,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub complexes: usize,
    pub reports: usize,
    /// The warnings the build printed, to be printed again by a build that finds it current.
    pub warnings: Vec<Diagnostic>,
}

/// A warning as the stamp keeps it: one JSON object on a line.
#[derive(serde::Serialize, serde::Deserialize)]
struct KeptWarning {
    path: String,
    line: usize,
    column: usize,
    message: String,
    hint: Option<String>,
    source_line: Option<String>,
    caret: usize,
}

impl Stamp {
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "fulcrum-build 1\ninputs {:016x}\noutputs {:016x}\npages {}\nfiles {}\nbytes {}\ncomplexes {}\nreports {}\n\
             warnings {}\n",
            self.inputs,
            self.outputs,
            self.pages,
            self.files,
            self.bytes,
            self.complexes,
            self.reports,
            self.warnings.len()
        );
        for w in &self.warnings {
            let kept = KeptWarning {
                path: crate::diagnostics::display_path(&w.path),
                line: w.line,
                column: w.column,
                message: w.message.clone(),
                hint: w.hint.clone(),
                source_line: w.source_line.clone(),
                caret: w.caret,
            };
            // A struct of strings and numbers always serialises, on one line.
            text.push_str(&serde_json::to_string(&kept).unwrap_or_default());
            text.push('\n');
        }
        text
    }

    pub fn parse(text: &str) -> Option<Stamp> {
        let mut lines = text.lines();
        if lines.next()? != "fulcrum-build 1" {
            return None;
        }
        let mut field = |name: &str| {
            let (key, value) = lines.next()?.split_once(' ')?;
            (key == name).then(|| value.to_string())
        };
        let inputs = u64::from_str_radix(&field("inputs")?, 16).ok()?;
        let outputs = u64::from_str_radix(&field("outputs")?, 16).ok()?;
        let pages = field("pages")?.parse().ok()?;
        let files = field("files")?.parse().ok()?;
        let bytes = field("bytes")?.parse().ok()?;
        let complexes = field("complexes")?.parse().ok()?;
        let reports = field("reports")?.parse().ok()?;
        let count: usize = field("warnings")?.parse().ok()?;
        let warnings = (0..count)
            .map(|_| {
                let k: KeptWarning = serde_json::from_str(lines.next()?).ok()?;
                Some(Diagnostic {
                    severity: Severity::Warning,
                    path: k.path.into(),
                    line: k.line,
                    column: k.column,
                    message: k.message,
                    hint: k.hint,
                    source_line: k.source_line,
                    caret: k.caret,
                })
            })
            .collect::<Option<Vec<Diagnostic>>>()?;
        Some(Stamp { inputs, outputs, pages, files, bytes, complexes, reports, warnings })
    }
}

/// The fingerprint of everything a build of `options` reads, taken before the build reads
/// anything so that a file saved during a build makes the next build a full one. `None` when
/// an input was modified within the last two seconds: on a file system with coarse
/// timestamps a second save in the same tick, of the same length, would not change the
/// fingerprint, so such a build is not stamped.
pub fn settled_inputs(options: &Options) -> Option<u64> {
    let (fingerprint, newest) = inputs_and_newest(options);
    let settled = SystemTime::now().duration_since(newest).is_ok_and(|d| d.as_secs() >= 2);
    settled.then_some(fingerprint)
}

/// The inputs' fingerprint and the newest modification time among them.
fn inputs_and_newest(options: &Options) -> (u64, SystemTime) {
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut h = std::hash::DefaultHasher::new();
    (env!("CARGO_PKG_VERSION"), &options.base_url, options.drafts).hash(&mut h);
    if let Ok(exe) = std::env::current_exe() {
        stat(&exe).hash(&mut h);
    }
    for top in ["site.yaml", "content", "static", "themes", "templates"] {
        top.hash(&mut h);
        let (part, n) = tree(&options.root.join(top), &options.root, &|_, _| true);
        h.write_u64(part);
        newest = newest.max(n);
    }
    (h.finish(), newest)
}

/// The fingerprint of the output folder's files, the stamp and a `.git` folder aside.
pub fn outputs(out: &Path) -> u64 {
    tree(out, out, &|depth, name| counted_output(depth, name.to_str())).0
}

/// Whether the output's fingerprint counts an entry at `depth` (1 at the top) called `name`:
/// not the stamp, a `.git` folder nor a staging folder at the top ([`crate::output::kept`]).
fn counted_output(depth: usize, name: Option<&str>) -> bool {
    !(depth == 1 && name.is_some_and(crate::output::kept))
}

/// What [`outputs`] gives for a folder that holds just `files` (each one's path relative to
/// the folder, length and modification time) and the folders they are in, without looking
/// at the folder: for a build that has just written every file of its output.
pub fn outputs_of(files: Vec<(String, u64, SystemTime)>) -> u64 {
    let mut files: Vec<(Vec<&str>, &str, u64, SystemTime)> = files
        .par_iter()
        .filter(|(rel, ..)| counted_output(1, rel.split('/').next()))
        .map(|(rel, len, time)| (rel.split('/').collect(), rel.as_str(), *len, *time))
        .collect();
    // A folder's entries in name order, as `entry` takes them.
    files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    folder_of("", &files, 0)
}

/// [`entry`] for the folder `rel` at `depth`, whose files (and those of its folders) are
/// `files`, in order. A large folder's entries are hashed on all threads.
fn folder_of(rel: &str, files: &[(Vec<&str>, &str, u64, SystemTime)], depth: usize) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    Path::new(rel).hash(&mut h);
    true.hash(&mut h);
    // Each entry of the folder: the run of files under one name at this depth.
    let mut entries = Vec::new();
    let mut i = 0;
    while i < files.len() {
        let name = files[i].0[depth];
        let n = files[i..].iter().take_while(|f| f.0[depth] == name).count();
        entries.push(&files[i..i + n]);
        i += n;
    }
    let part = |run: &&[(Vec<&str>, &str, u64, SystemTime)]| {
        let (steps, path, len, time) = &run[0];
        if steps.len() == depth + 1 {
            hash_of(&(Path::new(path), false, Some((*len, *time))))
        } else {
            folder_of(&steps[..=depth].join("/"), run, depth + 1)
        }
    };
    let parts: Vec<u64> =
        if entries.len() > 64 { entries.par_iter().map(part).collect() } else { entries.iter().map(part).collect() };
    for p in parts {
        h.write_u64(p);
    }
    h.finish()
}

/// The stamp in `out`, if it is there and still describes the output folder's files.
pub fn current(out: &Path, inputs: u64) -> Option<Stamp> {
    let stamp = Stamp::parse(&std::fs::read_to_string(out.join(STAMP)).ok()?)?;
    (stamp.inputs == inputs && stamp.outputs == outputs(out)).then_some(stamp)
}

/// The fingerprint of `path` and, if it is a folder, of everything under it that `keep`
/// keeps (given an entry's depth below `root` and its name): each entry by path from
/// `root`, kind, length and modification time, a folder's entries in name order, so the
/// value never depends on the thread count. Folders are listed and their entries looked at
/// on all threads. Also returns the newest modification time of a file.
fn tree(path: &Path, root: &Path, keep: &(dyn Fn(usize, &OsStr) -> bool + Sync)) -> (u64, SystemTime) {
    match std::fs::metadata(path) {
        Ok(m) => entry(path, root, m.is_dir(), 0, keep),
        // Missing or unreadable: recorded as such, so it is noticed when it changes.
        Err(e) => (hash_of(&(path.strip_prefix(root).unwrap_or(path), e.to_string())), SystemTime::UNIX_EPOCH),
    }
}

/// [`tree`] for an entry at `depth` below `root` whose kind is known.
fn entry(
    path: &Path,
    root: &Path,
    is_dir: bool,
    depth: usize,
    keep: &(dyn Fn(usize, &OsStr) -> bool + Sync),
) -> (u64, SystemTime) {
    let mut h = std::hash::DefaultHasher::new();
    path.strip_prefix(root).unwrap_or(path).hash(&mut h);
    is_dir.hash(&mut h);
    if !is_dir {
        let st = stat(path);
        st.hash(&mut h);
        return (h.finish(), st.map_or(SystemTime::UNIX_EPOCH, |s| s.1));
    }
    let mut newest = SystemTime::UNIX_EPOCH;
    match std::fs::read_dir(path).and_then(|d| d.collect::<Result<Vec<_>, _>>()) {
        Ok(mut children) => {
            children.retain(|c| keep(depth + 1, &c.file_name()));
            children.sort_by_key(|c| c.file_name());
            let parts: Vec<(u64, SystemTime)> = children
                .par_iter()
                .map(|c| {
                    let is_dir = c.file_type().is_ok_and(|t| t.is_dir());
                    entry(&c.path(), root, is_dir, depth + 1, keep)
                })
                .collect();
            for (part, n) in parts {
                h.write_u64(part);
                newest = newest.max(n);
            }
        }
        Err(e) => e.to_string().hash(&mut h),
    }
    (h.finish(), newest)
}

/// `v` hashed on its own, as an entry's part of a folder's fingerprint.
fn hash_of(v: &impl Hash) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// Length and modification time (following symbolic links, as reading does).
fn stat(path: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_reads_back_and_rejects_other_text() {
        let s = Stamp {
            inputs: 0xabc,
            outputs: u64::MAX,
            pages: 3,
            files: 9,
            bytes: 1234,
            complexes: 2,
            reports: 5,
            warnings: vec![
                Diagnostic::warning("site.yaml", 3, 11, "base_url has no host")
                    .with_hint("set base_url")
                    .with_source_at("base_url: /zj/ # \"引号\"", 10),
                Diagnostic::warning("content/reports/a.md", 0, 0, "two\nlines"),
            ],
        };
        assert_eq!(Stamp::parse(&s.to_text()), Some(s.clone()));
        // A stamp of a build before the counts were recorded is not taken for a current one.
        let old = s.to_text();
        assert_eq!(Stamp::parse(&old[..old.find("complexes").unwrap()]), None);
        assert_eq!(Stamp::parse("fulcrum-build 2\n"), None);
        assert_eq!(Stamp::parse("fulcrum-build 1\ninputs zz\n"), None);
        assert_eq!(Stamp::parse(""), None);
    }

    #[test]
    fn the_output_fingerprint_is_the_same_on_any_number_of_threads() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for i in 0..40 {
            let page = out.join(format!("p{i}/sub{}", i % 3));
            std::fs::create_dir_all(&page).unwrap();
            std::fs::write(page.join("index.html"), "x".repeat(i)).unwrap();
        }
        std::fs::write(out.join(STAMP), "left out").unwrap();
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| outputs(out))
        };
        let one = on(1);
        assert_eq!(on(4), one);
        std::fs::write(out.join(STAMP), "changed, still left out").unwrap();
        assert_eq!(on(4), one);
        std::fs::write(out.join("p7/sub1/index.html"), "y").unwrap();
        let edited = on(4);
        assert_ne!(edited, one, "a file of another length");
        std::fs::rename(out.join("p8"), out.join("p8b")).unwrap();
        assert_ne!(on(2), edited, "a folder renamed");
    }

    #[test]
    fn any_change_to_an_input_changes_the_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/complexes")).unwrap();
        std::fs::write(root.join("site.yaml"), "a").unwrap();
        std::fs::write(root.join("content/complexes/a.yaml"), "one").unwrap();
        let options = Options { root: root.to_path_buf(), ..Options::default() };
        assert_eq!(settled_inputs(&options), None, "just written: too recent to trust");
        let inputs = |o: &Options| inputs_and_newest(o).0;
        let first = inputs(&options);
        assert_eq!(inputs(&options), first, "nothing changed");
        std::fs::write(root.join("content/complexes/a.yaml"), "two!").unwrap();
        let edited = inputs(&options);
        assert_ne!(edited, first);
        std::fs::write(root.join("content/complexes/b.yaml"), "").unwrap();
        let added = inputs(&options);
        assert_ne!(added, edited);
        std::fs::create_dir_all(root.join("templates")).unwrap();
        assert_ne!(inputs(&options), added, "a new folder counts");
        let drafts = Options { drafts: true, ..options.clone() };
        assert_ne!(inputs(&drafts), inputs(&options));
        let other_url = Options { base_url: Some("https://x.example/".into()), ..options.clone() };
        assert_ne!(inputs(&other_url), inputs(&options));
    }

    #[test]
    fn a_linked_file_is_followed_and_a_file_saved_at_the_same_length_counts() {
        let dir = tempfile::tempdir().unwrap();
        let (root, outside) = (dir.path().join("site"), dir.path().join("outside"));
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("logo.svg"), "<svg/>").unwrap();
        std::os::unix::fs::symlink(outside.join("logo.svg"), root.join("static/logo.svg")).unwrap();
        std::fs::write(root.join("content/a.md"), "one").unwrap();
        let options = Options { root: root.clone(), ..Options::default() };
        let inputs = || inputs_and_newest(&options).0;
        let first = inputs();
        std::fs::write(outside.join("logo.svg"), "<svg></svg>").unwrap();
        let linked = inputs();
        assert_ne!(linked, first, "the file a link points to was edited");
        let hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options().write(true).open(root.join("content/a.md")).unwrap().set_modified(hour_ago).unwrap();
        assert_ne!(inputs(), linked, "the same length, another time");
    }
}
