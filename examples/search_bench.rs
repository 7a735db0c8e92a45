//! Times the search index on a site and reports its size, apart from the rest of the build:
//!
//! cargo run --release --example search_bench -- SITE [check|index]
//!
//! `check` loads and checks the site only; `index` also builds the index of every language,
//! counting its files as a build would hand them to the output stage, and dropping them. Run
//! both under `/usr/bin/time -v`: the difference in maximum resident set size is the memory
//! indexing adds. docs/search.md has the figures.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use fulcrum::output::{CopiedFile, OutputError, OutputFile, Sink};

/// Counts what it is given.
#[derive(Default)]
struct Count {
    files: AtomicUsize,
    shards: AtomicUsize,
    bytes: AtomicUsize,
}

impl Sink for Count {
    fn file(&self, file: OutputFile) -> Result<(), OutputError> {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(file.bytes.len(), Ordering::Relaxed);
        if file.path.contains("search/t/") {
            self.shards.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
    fn copy(&self, _: CopiedFile) -> Result<(), OutputError> {
        Ok(())
    }
}

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
    let count = Count::default();
    if let Err(e) = fulcrum::search::write_index(site, &count) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "index: {} files ({} shards), {:.1} MB, built in {secs:.2} s",
        count.files.load(Ordering::Relaxed),
        count.shards.load(Ordering::Relaxed),
        count.bytes.load(Ordering::Relaxed) as f64 / 1e6
    );
}
