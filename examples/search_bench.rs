//! Times the search index on a site and reports its size, apart from the rest of the build:
//!
//! cargo run --release --example search_bench -- SITE [check|index]
//!
//! `check` loads and checks the site only; `index` also builds the index of every language
//! (in memory, nothing is written). Run both under `/usr/bin/time -v`: the difference in
//! maximum resident set size is the memory the index adds. docs/search.md has the figures.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(root), mode) = (args.next(), args.next().unwrap_or_else(|| "index".into())) else {
        eprintln!("usage: search_bench SITE [check|index]");
        std::process::exit(2);
    };
    let options = fulcrum::Options { root: root.into(), ..Default::default() };
    let start = Instant::now();
    let checked = match fulcrum::check(&options) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("the site does not check: {e}");
            std::process::exit(1);
        }
    };
    let site = &checked.site;
    println!(
        "checked {} complexes, {} reports, {} pages in {:.2} s",
        site.complexes.len(),
        site.reports.len(),
        site.pages.len(),
        start.elapsed().as_secs_f64()
    );
    if mode == "check" {
        return;
    }
    let start = Instant::now();
    let files = fulcrum::search::build_index(site);
    let secs = start.elapsed().as_secs_f64();
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let shards = files.iter().filter(|f| f.path.contains("search/t/")).count();
    println!("index: {} files ({shards} shards), {:.1} MB, built in {secs:.2} s", files.len(), bytes as f64 / 1e6);
}
