//! The default theme in headless Chromium: the example site is built and served on
//! 127.0.0.1, and tests/browser/theme.cjs runs axe-core over every page type in both
//! languages with JavaScript on and off, then the checks axe cannot make (keyboard reach and
//! visible focus, reflow at 320 px and at 200% zoom, lang on fragments, text size and line
//! height, prefers-contrast and prefers-reduced-motion, print). Screenshots of the home, a
//! profile and a report at phone and desktop widths, and PDFs of the print layout, are
//! written to target/screenshots/. Needs what tests/search_browser.rs needs; without it the
//! test is skipped unless CI is set.

mod common;
mod search_support;

use common::TestSite;
use search_support::{browser_ready, build, repo, run_browser_script, serve};

fn ready() -> bool {
    browser_ready("axe-core", "the theme's browser test")
}

#[test]
fn every_page_type_passes_axe_and_the_theme_checks_in_chromium() {
    if !ready() {
        return;
    }
    let site = TestSite::example();
    let out = build(site.root(), &[]);
    let port = serve(out, "/");
    let url = format!("http://127.0.0.1:{port}/");
    let shots = repo().join("target/screenshots");
    let shots_arg = shots.to_string_lossy();
    let summary = run_browser_script(&["theme.cjs", &url, &shots_arg], &format!("theme checks at {url}"));
    // 10 page types and the search page with a query's results, in two languages, and the
    // 404 page, with JavaScript on and off, and in the dark scheme.
    assert_eq!(summary["axe"]["runs"], 69, "{summary}");
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
