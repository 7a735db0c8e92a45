//! The default theme in headless Chromium: the example site is built and served on
//! 127.0.0.1, and tests/browser/theme.cjs runs axe-core over every page type in both
//! languages with JavaScript on and off, then the checks axe cannot make (keyboard reach and
//! visible focus, reflow at 320 px and at 200% zoom, lang on fragments, text size and line
//! height, prefers-contrast and prefers-reduced-motion, print). Screenshots of the home, a
//! profile and a report at phone and desktop widths, and PDFs of the print layout, are
//! written to target/screenshots/. Needs what tests/search_browser.rs needs; without it the
//! test is skipped unless CI is set.

mod search_support;

use std::process::Command;

use search_support::{browser_ready, build, chromium, example_site, repo, serve};

fn ready() -> bool {
    browser_ready("axe-core", "the theme's browser test")
}

#[test]
fn every_page_type_passes_axe_and_the_theme_checks_in_chromium() {
    if !ready() {
        return;
    }
    let site = example_site();
    let out = build(site.path(), &[]);
    let port = serve(out, "/");
    let url = format!("http://127.0.0.1:{port}/");
    let shots = repo().join("target/screenshots");
    let run = Command::new("node")
        .arg("theme.cjs")
        .arg(&url)
        .arg(&shots)
        .current_dir(repo().join("tests/browser"))
        .env("CHROMIUM", chromium().unwrap())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "theme checks at {url} failed:\n{stderr}\n{stdout}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON summary");
    // 10 page types in two languages and the 404 page, with JavaScript on and off.
    assert_eq!(summary["axe"]["runs"], 42, "{summary}");
    assert_eq!(summary["axe"]["violations"], 0, "{summary}");
    assert!(summary["checks"].as_u64().unwrap() > 500, "{summary}");
    assert!(summary["focusable"].as_u64().unwrap() > 300, "{summary}");
    let profile_pages = summary["print"]["profile"].as_u64().unwrap();
    assert!((1..=2).contains(&profile_pages), "{summary}");
    for name in ["home-phone.png", "profile-desktop.png", "report-phone.png", "profile-print.pdf"] {
        assert!(shots.join(name).is_file(), "{name} was not written");
    }
    eprintln!("{url}: {summary}");
}
