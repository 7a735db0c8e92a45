//! The command line as a CI job and an editor's terminal see it: annotations that name the
//! repository's files, machine formats that stay parseable when the run cannot start,
//! messages that can be pasted, and no escape codes where they cannot be shown.

mod common;

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

fn fulcrum(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("fulcrum").unwrap();
    c.current_dir(dir).env("NO_COLOR", "1").env_remove("GITHUB_WORKSPACE");
    c
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A repository with a new site in its `site/` folder and one misspelt level.
fn repository_with_a_site() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let out = fulcrum(repo.path()).args(["--quiet", "init", "site"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let profile = repo.path().join("site/content/complexes/example-complex.yaml");
    let yaml = std::fs::read_to_string(&profile).unwrap().replacen("level: provincial", "level: provinical", 1);
    std::fs::write(&profile, yaml).unwrap();
    repo
}

const LEVEL_ANNOTATION: &str = "::error file=site/content/complexes/example-complex.yaml,line=8,col=8::\"provinical\" is not a known level value%0Ahint: did you mean \"provincial\"?\n1 error, 0 warnings\n";

#[test]
fn github_annotations_name_files_from_the_repository_root() {
    let repo = repository_with_a_site();
    let out = fulcrum(repo.path()).args(["--root", "site", "check", "--format", "github"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), LEVEL_ANNOTATION);
    // The same from inside the site folder, as a job with `working-directory: site` runs it.
    let out = fulcrum(&repo.path().join("site"))
        .args(["check", "--format", "github"])
        .env("GITHUB_WORKSPACE", repo.path())
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), LEVEL_ANNOTATION);
    // And with a roundabout --root.
    let out = fulcrum(repo.path()).args(["--root", "./site/../site", "check", "--format", "github"]).output().unwrap();
    assert_eq!(text(&out.stdout), LEVEL_ANNOTATION);
    // JSON keeps paths from the site folder.
    let out = fulcrum(repo.path()).args(["--root", "site", "check", "--format", "json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["path"], "content/complexes/example-complex.yaml");
}

#[test]
fn machine_formats_report_a_run_that_cannot_start_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let message = "the folder nowhere does not exist: --root takes the folder that holds site.yaml";
    let out = fulcrum(dir.path()).args(["--root", "nowhere", "check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", text(&out.stdout)));
    assert_eq!(
        json,
        serde_json::json!({
            "errors": 1,
            "warnings": 0,
            "diagnostics": [{"severity": "error", "path": "", "line": 0, "column": 0, "message": message, "hint": null}]
        })
    );
    assert_eq!(text(&out.stderr), format!("error: {message}\n"));

    let out = fulcrum(dir.path()).args(["--root", "nowhere", "check", "--format", "github"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), format!("::error::{message}\n1 error, 0 warnings\n"));

    // A folder without site.yaml.
    let out = fulcrum(dir.path()).args(["check", "--format", "github"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stdout).starts_with("::error::. has no site.yaml, which a Fulcrum site's folder holds"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_root_that_is_missing_or_a_file_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    for args in [&["check"][..], &["build"], &["new", "complex", "gamma"], &["new", "report", "gamma"]] {
        let out = fulcrum(dir.path()).args(["--root", "nowhere"]).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            text(&out.stderr),
            "error: the folder nowhere does not exist: --root takes the folder that holds site.yaml\n",
            "{args:?}"
        );
        let out = fulcrum(dir.path()).args(["--root", "notes.txt"]).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            text(&out.stderr),
            "error: notes.txt is a file, not a folder: --root takes the folder that holds site.yaml\n",
            "{args:?}"
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "something was written");
}

#[test]
fn init_prints_a_cd_command_that_a_shell_can_paste() {
    let dir = tempfile::tempdir().unwrap();
    let out = fulcrum(dir.path()).args(["init", "Tom's site"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr)
            .ends_with("\nNext: cd 'Tom'\\''s site' && fulcrum serve   (then open http://127.0.0.1:1111/)\n"),
        "{}",
        text(&out.stderr)
    );
    let out = fulcrum(dir.path()).args(["init", "站点"]).output().unwrap();
    assert!(text(&out.stderr).ends_with("\nNext: cd 站点 && fulcrum serve   (then open http://127.0.0.1:1111/)\n"));
}

#[test]
fn init_twice_says_the_folder_already_holds_a_site() {
    let dir = tempfile::tempdir().unwrap();
    assert!(fulcrum(dir.path()).args(["-q", "init", "s"]).output().unwrap().status.success());
    let before = std::fs::read(dir.path().join("s/site.yaml")).unwrap();
    let out = fulcrum(dir.path()).args(["init", "s"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: s already holds a site (it has a site.yaml), left as it is: check it with `fulcrum --root s check`, or choose a new folder\n"
    );
    assert_eq!(std::fs::read(dir.path().join("s/site.yaml")).unwrap(), before);

    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = fulcrum(dir.path()).args(["init", "notes.txt"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr), "error: notes.txt is a file, not a folder: choose a new folder\n");
}

/// Runs `fulcrum` on a pseudo-terminal through util-linux `script`, with `env` set;
/// `None` where `script` is not there.
fn on_a_terminal(dir: &Path, args: &str, env: &[(&str, &str)]) -> Option<Output> {
    let bin = assert_cmd::cargo::cargo_bin("fulcrum");
    let mut c = std::process::Command::new("script");
    c.current_dir(dir)
        .args(["-qec", &format!("'{}' {args}", bin.display()), "/dev/null"])
        .env_remove("NO_COLOR")
        .env("TERM", "xterm");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().ok().filter(|o| !String::from_utf8_lossy(&o.stdout).contains("script: "))
}

#[test]
fn a_dumb_terminal_gets_no_escape_codes() {
    let repo = repository_with_a_site();
    let Some(out) = on_a_terminal(repo.path(), "--root site check", &[]) else {
        eprintln!("skipped: no `script` to run on a terminal");
        return;
    };
    // The control: a capable terminal is coloured.
    assert!(text(&out.stdout).contains("\x1b[1;31merror\x1b[0m"), "{:?}", text(&out.stdout));
    for env in [[("TERM", "dumb")], [("NO_COLOR", "1")]] {
        let out = on_a_terminal(repo.path(), "--root site check", &env).unwrap();
        assert!(!text(&out.stdout).contains('\x1b'), "{env:?}: {:?}", text(&out.stdout));
        assert!(text(&out.stdout).contains("error: \"provinical\""), "{env:?}: {:?}", text(&out.stdout));
    }
    let out = on_a_terminal(repo.path(), "--root site build", &[("TERM", "dumb")]).unwrap();
    assert!(!text(&out.stdout).contains('\x1b'), "{:?}", text(&out.stdout));
}

#[test]
fn build_refuses_an_output_folder_under_a_file_and_names_the_file() {
    let repo = tempfile::tempdir().unwrap();
    assert!(fulcrum(repo.path()).args(["-q", "init", "site"]).output().unwrap().status.success());
    std::fs::write(repo.path().join("notes.txt"), "mine").unwrap();
    let out =
        fulcrum(repo.path()).args(["--root", "site", "build", "--output", "../notes.txt/www/x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: cannot make the output folder site/../notes.txt/www/x: site/../notes.txt is a file, not a folder; choose another --output\n"
    );
    assert_eq!(std::fs::read_to_string(repo.path().join("notes.txt")).unwrap(), "mine");
}

#[test]
fn build_names_the_output_folder_as_the_editor_gave_it() {
    let repo = tempfile::tempdir().unwrap();
    assert!(fulcrum(repo.path()).args(["-q", "init", "site"]).output().unwrap().status.success());
    let out = fulcrum(repo.path()).args(["--root", "site", "--verbose", "build"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("1 complex, 1 report\n"), "{stderr}");
    assert!(stderr.contains(") into site/public in "), "{stderr}");
}

#[test]
fn verbose_check_and_build_print_each_stage_with_its_time() {
    let repo = tempfile::tempdir().unwrap();
    assert!(fulcrum(repo.path()).args(["-q", "init", "site"]).output().unwrap().status.success());
    let stages = |stderr: &str| -> Vec<String> {
        stderr
            .lines()
            .filter(|l| l.starts_with("  ") && l.ends_with(" ms"))
            .map(|l| l.split_whitespace().next().unwrap_or_default().to_string())
            .collect()
    };
    let check = ["site.yaml", "content", "theme", "validate", "links"];
    let out = fulcrum(repo.path()).args(["--root", "site", "--verbose", "check"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert_eq!(stages(&stderr), check, "{stderr}");
    assert!(stderr.contains("Checked 1 complex, 1 report and "), "{stderr}");
    let out = fulcrum(repo.path()).args(["--root", "site", "--verbose", "build"]).output().unwrap();
    let stderr = text(&out.stderr);
    let mut build = check.to_vec();
    build.extend(["render+write", "commit"]);
    assert_eq!(stages(&stderr), build, "{stderr}");
    // Quiet or not asked for: no stages.
    let out = fulcrum(repo.path()).args(["--root", "site", "check"]).output().unwrap();
    assert!(stages(&text(&out.stderr)).is_empty());
}

#[test]
fn root_given_to_init_is_refused_with_the_command_to_write() {
    let repo = tempfile::tempdir().unwrap();
    let out = fulcrum(repo.path()).args(["--root", "sites", "init", "new"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: --root does not apply to init, which makes the folder it is given: write fulcrum init sites/new\n"
    );
    assert!(std::fs::read_dir(repo.path()).unwrap().next().is_none(), "nothing is made");
    // The default root, written out, is no different from leaving it out.
    let out = fulcrum(repo.path()).args(["-q", "--root", ".", "init", "new"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(repo.path().join("new/site.yaml").is_file());
}

#[test]
fn an_empty_base_url_is_refused() {
    let repo = tempfile::tempdir().unwrap();
    assert!(fulcrum(repo.path()).args(["-q", "init", "site"]).output().unwrap().status.success());
    for command in ["build", "check"] {
        let out = fulcrum(repo.path()).args(["--root", "site", command, "--base-url", ""]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(
            text(&out.stderr).starts_with("error: a value is required for '--base-url <URL>' but none was supplied"),
            "{command}: {}",
            text(&out.stderr)
        );
    }
    assert!(!repo.path().join("site/public").exists());
}

#[test]
fn a_key_with_control_characters_cannot_rewrite_the_terminal() {
    let repo = tempfile::tempdir().unwrap();
    assert!(fulcrum(repo.path()).args(["-q", "init", "site"]).output().unwrap().status.success());
    let profile = repo.path().join("site/content/complexes/example-complex.yaml");
    let mut yaml = std::fs::read_to_string(&profile).unwrap();
    yaml.push_str("\"bad\\rkey\\e[2J\\nnext\": 1\n");
    std::fs::write(&profile, yaml).unwrap();
    let out = fulcrum(repo.path()).args(["--root", "site", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(!stderr.contains(['\r', '\x1b']), "{stderr:?}");
    assert!(
        stderr.contains(
            ": error: unknown key \"bad\\rkey\\u{1b}[2J\n     next\"\n     74 | \"bad\\rkey\\e[2J\\nnext\": 1\n"
        ),
        "{stderr}"
    );
    // The formats for tools keep the text as it is, escaped in their own way.
    let out = fulcrum(repo.path()).args(["--root", "site", "check", "--format", "github"]).output().unwrap();
    assert!(
        text(&out.stdout).starts_with(
            "::error file=site/content/complexes/example-complex.yaml,line=74,col=1::unknown key \"bad%0Dkey\x1b[2J%0Anext\"%0Ahint: "
        ),
        "{:?}",
        text(&out.stdout)
    );
}

#[test]
fn new_tells_how_to_preview_from_the_folder_the_editor_is_in() {
    let repo = tempfile::tempdir().unwrap();
    assert!(fulcrum(repo.path()).args(["-q", "init", "my site"]).output().unwrap().status.success());
    let out = fulcrum(repo.path()).args(["--root", "my site", "new", "complex", "gamma"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "Created my site/content/complexes/gamma.yaml (a draft: preview it with `fulcrum --root 'my site' serve --drafts`, delete `draft: true` to publish)\n"
    );
    let out = fulcrum(&repo.path().join("my site")).args(["new", "report", "gamma-news"]).output().unwrap();
    assert_eq!(
        text(&out.stderr),
        "Created content/reports/gamma-news.md (a draft: preview it with `fulcrum serve --drafts`, delete `draft: true` to publish)\n"
    );
}

#[test]
fn run_from_a_folder_inside_the_site_the_site_is_found_above() {
    let repo = repository_with_a_site();
    let reports = repo.path().join("site/content/reports");
    // The problem is found and annotated as from the site's folder in the repository.
    let out =
        fulcrum(&reports).env("GITHUB_WORKSPACE", repo.path()).args(["check", "--format", "github"]).output().unwrap();
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(1), LEVEL_ANNOTATION.to_string()),
        "{}",
        text(&out.stderr)
    );
    // Paths printed are paths from where the editor is.
    let out = fulcrum(&reports).args(["new", "report", "gamma-news"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "Created ../../content/reports/gamma-news.md (a draft: preview it with `fulcrum serve --drafts`, delete `draft: true` to publish)\n"
    );
    assert!(reports.join("gamma-news.md").is_file());
    // The build goes to the site's public/, not to one under the editor's folder.
    let profile = repo.path().join("site/content/complexes/example-complex.yaml");
    let yaml = std::fs::read_to_string(&profile).unwrap().replacen("level: provinical", "level: provincial", 1);
    std::fs::write(&profile, yaml).unwrap();
    let out = fulcrum(&reports).args(["build"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("into ../../public in"), "{}", text(&out.stderr));
    assert!(repo.path().join("site/public/index.html").is_file() && !reports.join("public").exists());
    // With no site.yaml above, the message is the one it was.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = fulcrum(elsewhere.path()).args(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(". has no site.yaml"), "{}", text(&out.stderr));
}

#[test]
fn a_closed_stderr_does_not_change_the_exit_status() {
    // As in `fulcrum check 2>&1 | head -1`: the reader goes away before the problems are printed.
    let repo = repository_with_a_site();
    for args in [&["--root", "site", "check"][..], &["--root", "site", "build"], &["--root", "nowhere", "check"]] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("fulcrum"))
            .current_dir(repo.path())
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        let expected = if args[1] == "nowhere" { 2 } else { 1 };
        assert_eq!(status.code(), Some(expected), "{args:?}");
    }
}
