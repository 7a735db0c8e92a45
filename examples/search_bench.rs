//! Times the search index on a site and reports its size, apart from the rest of the build:
//!
//! cargo run --release --example search_bench -- SITE [check|index|build]
//!
//! `check` loads and checks the site only; `index` also builds the index of every language,
//! counting its files as a build would hand them to the output stage, and dropping them. Run
//! both under `/usr/bin/time -v`: the difference in maximum resident set size is the memory
//! indexing adds; `index` also prints the resident memory before indexing and the peak while
//! indexing (Linux: the peak is reset through /proc/self/clear_refs). `build` runs a whole
//! clean `fulcrum build` of the site into SITE/.bench-build, then writes the index once more
//! on its own into SITE/.bench-index (both removed afterwards), and reports the CPU time
//! (user + system, all threads) of each: the build's CPU less the index's is the build
//! without the index. docs/search.md has the figures.

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

/// CPU seconds (user + system, every thread) this process has used so far, from
/// /proc/self/stat (Linux; clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the command name: state is field 3 of stat(5), utime 14 and stime 15.
    let tick = |i: usize| fields.get(i - 3).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(14) + tick(15)) / 100.0
}

/// A field of /proc/self/status in kB, such as VmRSS or VmHWM.
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap_or_default();
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(root), mode) = (args.next(), args.next().unwrap_or_else(|| "index".into())) else {
        eprintln!("usage: search_bench SITE [check|index|build]");
        std::process::exit(2);
    };
    let options = fulcrum::Options { root: root.into(), ..Default::default() };
    if mode == "build" {
        let (build_dir, index_dir) = (options.root.join(".bench-build"), options.root.join(".bench-index"));
        let _ = std::fs::remove_dir_all(&build_dir);
        let _ = std::fs::remove_dir_all(&index_dir);
        let options = fulcrum::Options { output: Some(build_dir.clone()), ..options };
        let cpu = cpu_seconds();
        let start = Instant::now();
        if let Err(e) = fulcrum::build(&options) {
            eprintln!("the build failed: {e}");
            std::process::exit(1);
        }
        let (build_cpu, wall) = (cpu_seconds() - cpu, start.elapsed().as_secs_f64());
        let checked = fulcrum::check(&options).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(1)
        });
        let cpu = cpu_seconds();
        // Written to disk as a build writes it, since writing is part of what it costs.
        let written = fulcrum::output::Staging::new(&index_dir)
            .and_then(|staging| fulcrum::search::write_index(&checked.site, &staging).and_then(|()| staging.commit()));
        if let Err(e) = written {
            eprintln!("{e}");
            std::process::exit(1);
        }
        let index_cpu = cpu_seconds() - cpu;
        let _ = std::fs::remove_dir_all(&build_dir);
        let _ = std::fs::remove_dir_all(&index_dir);
        let without = build_cpu - index_cpu;
        println!(
            "build: {build_cpu:.2} s CPU ({wall:.2} s wall); index alone: {index_cpu:.2} s CPU; build without the \
             index {without:.2} s CPU; the index adds {:.1}% to it ({:.1}% of the build)",
            100.0 * index_cpu / without,
            100.0 * index_cpu / build_cpu
        );
        return;
    }
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
    let before = status_kb("VmRSS:");
    // Resets the peak resident size (VmHWM) to the current one.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (start, cpu) = (Instant::now(), cpu_seconds());
    let count = Count::default();
    if let Err(e) = fulcrum::search::write_index(site, &count) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    let (secs, cpu) = (start.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    println!(
        "index: {} files ({} shards), {:.1} MB, built in {secs:.2} s ({cpu:.2} s CPU)",
        count.files.load(Ordering::Relaxed),
        count.shards.load(Ordering::Relaxed),
        count.bytes.load(Ordering::Relaxed) as f64 / 1e6
    );
    let peak = status_kb("VmHWM:");
    println!(
        "memory: {:.0} MB resident before indexing, {:.0} MB at the peak while indexing: {:.0} MB more",
        before as f64 / 1024.0,
        peak as f64 / 1024.0,
        peak.saturating_sub(before) as f64 / 1024.0
    );
}
