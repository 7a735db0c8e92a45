//! A fixture site copied into a temporary folder, edited per test, and the `fulcrum`
//! binary run on it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub struct TestSite {
    pub dir: tempfile::TempDir,
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

impl TestSite {
    /// A copy of tests/fixtures/<name>.
    pub fn fixture(name: &str) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), dir.path());
        TestSite { dir }
    }

    /// A copy of the example site (site.yaml, content/, static/ if any).
    pub fn example() -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
        for sub in ["content", "static", "templates"] {
            if repo.join(sub).is_dir() {
                copy_dir(&repo.join(sub), &dir.path().join(sub));
            }
        }
        TestSite { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path(rel)).unwrap();
        self
    }

    /// Replaces `from` with `to` in a file, failing if `from` is not there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, text.replacen(from, to, 1))
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::cargo_bin("fulcrum")
            .unwrap()
            .arg("--root")
            .arg(self.root())
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    /// `check --format json`, parsed.
    pub fn check_json(&self) -> (i32, serde_json::Value) {
        let out = self.run(&["check", "--format", "json"]);
        let code = out.status.code().unwrap_or(-1);
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (code, json)
    }

    /// The one diagnostic whose message contains `needle`.
    pub fn expect_problem(&self, needle: &str) -> Problem {
        let (code, json) = self.check_json();
        let all = json["diagnostics"].as_array().unwrap();
        let found: Vec<&serde_json::Value> =
            all.iter().filter(|d| d["message"].as_str().unwrap().contains(needle)).collect();
        assert_eq!(found.len(), 1, "expected one problem containing {needle:?}, got: {json:#}");
        let d = found[0];
        Problem {
            exit: code,
            severity: d["severity"].as_str().unwrap().to_string(),
            path: d["path"].as_str().unwrap().to_string(),
            line: d["line"].as_u64().unwrap() as usize,
            column: d["column"].as_u64().unwrap() as usize,
            message: d["message"].as_str().unwrap().to_string(),
            hint: d["hint"].as_str().map(str::to_string),
        }
    }

    pub fn build(&self, args: &[&str]) -> Output {
        let mut a = vec!["build"];
        a.extend_from_slice(args);
        self.run(&a)
    }
}

#[derive(Debug)]
pub struct Problem {
    pub exit: i32,
    pub severity: String,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    pub fn at(&self, path: &str, line: usize, column: usize) -> &Self {
        assert_eq!((self.path.as_str(), self.line, self.column), (path, line, column), "{self:#?}");
        self
    }
    pub fn hint_contains(&self, s: &str) -> &Self {
        assert!(self.hint.as_deref().unwrap_or("").contains(s), "hint {:?} lacks {s:?}", self.hint);
        self
    }
    pub fn error(&self) -> &Self {
        assert_eq!((self.severity.as_str(), self.exit), ("error", 1), "{self:#?}");
        self
    }
    pub fn warning(&self) -> &Self {
        assert_eq!(self.severity, "warning", "{self:#?}");
        self
    }
}

/// Every file under `dir`, relative, with its bytes, sorted.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        // The build stamp records a build (it is there only when the sources were settled), not the site.
        .filter(|e| e.file_name() != fulcrum::fresh::STAMP)
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    v.sort();
    v
}

/// What a run printed to stderr about the site's problems: every diagnostic and the closing
/// count ("2 errors, 1 warning"), without what follows (what a build did with the output,
/// and `--verbose`'s stages).
pub fn printed_problems(stderr: &str) -> String {
    let mut end = 0;
    for line in stderr.split_inclusive('\n') {
        end += line.len();
        let count = line.trim_end();
        if count.starts_with(|c: char| c.is_ascii_digit()) && count.contains(" error") && count.contains(" warning") {
            return stderr[..end].to_string();
        }
    }
    stderr.to_string()
}
