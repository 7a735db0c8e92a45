//! Times the search index on a site and reports its size, apart from the rest of the build:
//!
//! cargo run --release --example search_bench -- SITE [check|index|build [RUNS]|publish|pages]
//!
//! `check` loads and checks the site only; `index` also builds the index of every language,
//! counting its files as a build would hand them to the output stage, and dropping them. Run
//! both under `/usr/bin/time -v`: the difference in maximum resident set size is the memory
//! indexing adds to the build's peak. `index` also samples resident memory while indexing and
//! prints its growth over the resident memory before (which includes memory freed after
//! loading and kept by the allocator, that indexing may reuse). `build [RUNS]` runs what
//! `fulcrum build` does, clean, into SITE/.bench-build (removed afterwards), with the search
//! index and without it, alternately, RUNS times each (3 if not given), and prints the
//! median CPU time (user + system, all threads) and wall time of each and what the index
//! adds. A build makes the index beside its feeds and data files, so the index's part of a
//! build cannot be told apart by time; the difference between the two is what it adds.
//! Alternating in one process lets load from other jobs on the machine weigh on both alike.
//! `publish` checks and makes every file of the site, with the index, counting the files and
//! dropping them; `pages` the same without the index. Under callgrind, with one thread, the
//! difference in instructions is what the index adds, the file system left out.
//! docs/search.md has the figures.

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

/// Resident memory of this process in MB (VmRSS in /proc/self/status).
fn resident_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or_default();
    line.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / 1024.0
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(root), mode) = (args.next(), args.next().unwrap_or_else(|| "index".into())) else {
        eprintln!("usage: search_bench SITE [check|index|build [RUNS]|publish|pages]");
        std::process::exit(2);
    };
    let options = fulcrum::Options { root: root.into(), ..Default::default() };
    if mode == "build" {
        // Clean builds with the index and without it, alternated, medians of each.
        let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(3).max(1);
        let dir = options.root.join(".bench-build");
        let options = fulcrum::Options { output: Some(dir.clone()), ..options };
        let mut with = Vec::new();
        let mut without = Vec::new();
        for _ in 0..runs {
            for search in [true, false] {
                let _ = std::fs::remove_dir_all(&dir);
                let (cpu, start) = (cpu_seconds(), Instant::now());
                // What `fulcrum build` does.
                let built = fulcrum::check(&options).map_err(|e| e.to_string()).and_then(|checked| {
                    let staging = fulcrum::output::Staging::new(&dir).map_err(|e| e.to_string())?;
                    let published = if search {
                        fulcrum::publish(&checked, &staging)
                    } else {
                        fulcrum::publish_without_search(&checked, &staging)
                    };
                    published.map_err(|e| e.to_string())?;
                    staging.commit().map_err(|e| e.to_string())
                });
                let took = (cpu_seconds() - cpu, start.elapsed().as_secs_f64());
                let _ = std::fs::remove_dir_all(&dir);
                if let Err(e) = built {
                    eprintln!("the build failed: {e}");
                    std::process::exit(1);
                }
                if search { with.push(took) } else { without.push(took) }
            }
        }
        let median = |runs: &[(f64, f64)], part: fn(&(f64, f64)) -> f64| {
            let mut v: Vec<f64> = runs.iter().map(part).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (cpu, wall) = (median(&with, |r| r.0), median(&with, |r| r.1));
        let (cpu0, wall0) = (median(&without, |r| r.0), median(&without, |r| r.1));
        println!(
            "build, medians of {runs}: with the index {cpu:.2} s CPU ({wall:.2} s wall), without it {cpu0:.2} s CPU \
             ({wall0:.2} s wall); the index adds {:.1}% of CPU and {:.1}% of wall time",
            100.0 * (cpu - cpu0) / cpu0,
            100.0 * (wall - wall0) / wall0
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
    if mode == "publish" || mode == "pages" {
        let count = Count::default();
        let published = if mode == "publish" {
            fulcrum::publish(&checked, &count)
        } else {
            fulcrum::publish_without_search(&checked, &count)
        };
        if let Err(e) = published {
            eprintln!("the build failed: {e}");
            std::process::exit(1);
        }
        println!(
            "{mode}: {} files, {:.1} MB",
            count.files.load(Ordering::Relaxed),
            count.bytes.load(Ordering::Relaxed) as f64 / 1e6
        );
        return;
    }
    // Resident memory sampled every 10 ms while indexing.
    let before = resident_mb();
    let done = std::sync::atomic::AtomicBool::new(false);
    let (start, cpu) = (Instant::now(), cpu_seconds());
    let count = Count::default();
    let (result, peak) = std::thread::scope(|s| {
        let sampler = s.spawn(|| {
            let mut peak = before;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(resident_mb());
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            peak
        });
        let result = fulcrum::search::write_index(site, &count);
        done.store(true, Ordering::Relaxed);
        (result, sampler.join().unwrap_or(0.0))
    });
    if let Err(e) = result {
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
    println!(
        "resident memory: {before:.0} MB before indexing, at most {peak:.0} MB while indexing (+{:.0} MB)",
        peak - before
    );
}
