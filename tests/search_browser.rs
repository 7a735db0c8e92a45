//! Site search end to end in headless Chromium: the example site is built, served on
//! 127.0.0.1 by a small server in this test (at the root and under a sub-path), and
//! tests/browser/e2e.cjs types queries, uses a facet and the keyboard, checks the no-JS
//! fallback and runs the recall set; tests/browser/search-cases.cjs runs one case for each
//! thing that once went wrong. Needs Node, playwright-core (`npm ci` in tests/browser) and
//! Debian's chromium; without them the tests are skipped unless CI is set.

mod common;
mod search_support;

use common::TestSite;
use search_support::{browser_ready, build, repo, run_browser_script, serve, serve_cached};

fn ready() -> bool {
    browser_ready("playwright-core", "the browser test")
}

fn run_e2e(base_url: Option<&str>, prefix: &'static str) {
    let site = TestSite::example();
    let args: Vec<&str> = base_url.map(|u| vec!["--base-url", u]).unwrap_or_default();
    let out = build(site.root(), &args);
    let port = serve(out, prefix);
    let url = format!("http://127.0.0.1:{port}{prefix}");
    let summary = run_browser_script(&["e2e.cjs", &url, "recall.json"], &format!("browser test at {url}"));
    assert!(summary["checks"].as_u64().unwrap() >= 30, "{summary}");
    assert_eq!(summary["recall"]["missed"], serde_json::json!([]), "{summary}");
    assert!(summary["recall"]["found"].as_u64().unwrap() >= 40, "{summary}");
    eprintln!("{url}: {} checks passed; timings {}", summary["checks"], summary["timings"]);
}

#[test]
fn search_works_in_chromium_at_the_site_root() {
    if ready() {
        run_e2e(None, "/");
    }
}

#[test]
fn search_works_in_chromium_under_a_sub_path() {
    if ready() {
        run_e2e(Some("https://example.org/a/b/"), "/a/b/");
    }
}

/// Runs one case of tests/browser/search-cases.cjs against the site served on `port`.
fn run_case(case: &str, port: u16, args: &[&str]) {
    let url = format!("http://127.0.0.1:{port}/");
    let mut all = vec!["search-cases.cjs", case, &url];
    all.extend(args);
    let summary = run_browser_script(&all, &format!("the browser case {case}"));
    assert!(summary["checks"].as_u64().unwrap() > 0, "{summary}");
}

/// The example site, built and served at the root.
fn example_served() -> (TestSite, u16) {
    let site = TestSite::example();
    let out = build(site.root(), &[]);
    let port = serve(out, "/");
    (site, port)
}

#[test]
fn a_redeployed_site_is_never_searched_with_the_old_builds_files() {
    if !ready() {
        return;
    }
    let old = TestSite::example();
    let new = TestSite::example();
    // The new build has a page that numbers every page after it one higher, and a client
    // that marks the page it runs in.
    new.write("content/pages/a-redeploy.md", "---\ntitle: Zorblat\n---\nA page added by the redeploy.\n");
    let client = std::fs::read_to_string(repo().join("themes/default/static/assets/search.js")).unwrap();
    new.write(
        "themes/default/static/assets/search.js",
        client + "\ndocument.documentElement.setAttribute('data-next-client', '');\n",
    );
    let (old_out, new_out) = (build(old.root(), &[]), build(new.root(), &[]));
    let live = old.path("live");
    std::os::unix::fs::symlink(&old_out, &live).unwrap();
    let port = serve_cached(live.clone(), "/", "max-age=600");
    run_case("redeploy", port, &[live.to_str().unwrap(), new_out.to_str().unwrap()]);
}

#[test]
fn quick_facet_choices_show_only_the_last_ones_results() {
    if !ready() {
        return;
    }
    // Enough pages that the results of one choice span several metadata chunks.
    let site = TestSite::example();
    for i in 0..40 {
        site.write(&format!("content/pages/bulk-{i:02}.md"), format!("---\ntitle: 页面 {i}\n---\n台州的一页。\n"));
    }
    let port = serve(build(site.root(), &[]), "/");
    run_case("facet-race", port, &[]);
}

#[test]
fn a_client_loaded_while_an_input_method_composes_searches_nothing_half_composed() {
    if ready() {
        run_case("late-client", example_served().1, &[]);
    }
}

#[test]
fn a_half_typed_word_finds_what_the_whole_word_finds() {
    if ready() {
        run_case("half-typed", example_served().1, &[]);
    }
}

#[test]
fn facet_values_the_index_lacks_filter_nothing_and_leave_the_url() {
    if ready() {
        run_case("unknown-facets", example_served().1, &[]);
    }
}

#[test]
fn the_search_page_without_javascript_offers_reports_by_year() {
    if ready() {
        run_case("browse-by-year", example_served().1, &[]);
    }
}

#[test]
fn slash_focuses_the_box_from_a_facet_checkbox() {
    if ready() {
        run_case("slash-key", example_served().1, &[]);
    }
}

#[test]
fn a_facet_chosen_with_the_keyboard_keeps_the_focus() {
    if ready() {
        run_case("facet-focus", example_served().1, &[]);
    }
}

#[test]
fn the_slash_key_can_be_turned_off_and_on_again() {
    if ready() {
        run_case("slash-key-off", example_served().1, &[]);
    }
}
