//! The benchmark corpus generator (examples/corpus.rs): deterministic, and what it writes
//! checks and builds clean, with the same output whatever the thread count.

mod common;

#[path = "../examples/corpus.rs"]
mod corpus;

use common::{printed_problems, snapshot};

fn fulcrum(root: &std::path::Path, args: &[&str], threads: &str) -> std::process::Output {
    assert_cmd::Command::cargo_bin("fulcrum")
        .unwrap()
        .arg("--root")
        .arg(root)
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap()
}

#[test]
fn the_same_arguments_give_the_same_files() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    corpus::generate(30, 40, a.path());
    corpus::generate(30, 40, b.path());
    let (sa, sb) = (snapshot(a.path()), snapshot(b.path()));
    assert!(sa.iter().filter(|(p, _)| p.starts_with("fulcrum/content/reports/")).count() == 40);
    assert!(sa.iter().filter(|(p, _)| p.starts_with("hugo/content/complexes/")).count() == 30);
    assert_eq!(sa, sb);
    // Running it again over its own output replaces the files rather than adding to them.
    corpus::generate(30, 40, a.path());
    assert_eq!(snapshot(a.path()), sb);
}

#[test]
fn a_generated_corpus_checks_and_builds_clean_and_alike_on_one_thread_and_four() {
    let dir = tempfile::tempdir().unwrap();
    corpus::generate(60, 80, dir.path());
    let site = dir.path().join("fulcrum");
    let check = fulcrum(&site, &["check", "--format", "json"], "2");
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
    let problems: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!((&problems["errors"], &problems["warnings"]), (&0.into(), &0.into()), "{problems}");

    let one = fulcrum(&site, &["build", "--output", "one"], "1");
    assert!(one.status.success(), "{}", String::from_utf8_lossy(&one.stderr));
    let four = fulcrum(&site, &["build", "--output", "four"], "4");
    assert!(four.status.success(), "{}", String::from_utf8_lossy(&four.stderr));
    let site_files = |dir: &str| snapshot(&site.join(dir));
    let (one, four) = (site_files("one"), site_files("four"));
    assert!(one.iter().filter(|(p, _)| p.ends_with(".html")).count() > 2 * 140);
    assert_eq!(one, four);
    // A rebuild over the previous output, with nothing changed, gives the same files again.
    let again = fulcrum(&site, &["build", "--output", "four"], "4");
    assert!(again.status.success());
    assert_eq!(site_files("four"), four);
}

#[test]
fn a_build_stopped_by_a_broken_link_still_reports_every_broken_link() {
    let dir = tempfile::tempdir().unwrap();
    // More items than the build renders in one batch, with a broken link in the first batch
    // and one in the last.
    corpus::generate(60, 300, dir.path());
    let site = dir.path().join("fulcrum");
    for report in ["r000000", "r000299"] {
        let path = site.join(format!("content/reports/{report}.md"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("](@/complexes/"), "{report} links to a complex");
        std::fs::write(&path, text.replacen("](@/complexes/", "](@/complexes/missing-", 1)).unwrap();
    }
    let reported = |command: &str| {
        let out = fulcrum(&site, &[command], "2");
        (out.status.code(), printed_problems(&String::from_utf8_lossy(&out.stderr)))
    };
    let (code, checked) = reported("check");
    assert_eq!(code, Some(1), "{checked}");
    assert!(checked.contains("2 errors, 0 warnings"), "{checked}");
    assert!(checked.contains("r000000.md") && checked.contains("r000299.md"), "{checked}");
    assert_eq!(reported("build"), (Some(1), checked));
    assert!(!site.join("public").exists(), "a failed build leaves no output");
}
