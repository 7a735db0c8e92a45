//! Latency of `fulcrum serve`: from saving a file to the reload event reaching an open page.
//!
//! cargo build --release --examples
//! target/release/examples/serve-latency --root .
//! target/release/examples/corpus --complexes 2500 --reports 2500 DATA/corpus-5k
//! target/release/examples/serve-latency --root DATA/corpus-5k/fulcrum --scratch DATA --settle
//!
//! Copies the site into a temporary folder (under --scratch, default the system's), starts
//! the release `fulcrum serve` on a free loopback port, listens to the reload stream like
//! a page showing the edited report does, then saves that report (a new last paragraph
//! each time) and times each save until its reload event, until the changed page has been
//! fetched (checking that it has the new paragraph), and until the whole generation is
//! complete (every page, feed, data file, search index and the sitemap made, as
//! `__fulcrum/status` tells). Between saves it waits --gap milliseconds (default 200), and
//! with --settle first until the generation is complete. Prints min, median, 95th
//! percentile and max.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Args {
    root: PathBuf,
    edits: usize,
    fulcrum: PathBuf,
    scratch: Option<PathBuf>,
    settle: bool,
    gap: Duration,
}

fn parse_args() -> Args {
    let mut root = PathBuf::from(".");
    let mut edits = 20;
    let mut scratch = None;
    let mut settle = false;
    let mut gap = Duration::from_millis(200);
    // target/release/examples/serve-latency → target/release/fulcrum
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let mut fulcrum = exe.parent().and_then(Path::parent).map(|d| d.join("fulcrum")).unwrap_or_default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--root" => root = PathBuf::from(value()),
            "--edits" => edits = value().parse().expect("--edits N"),
            "--fulcrum" => fulcrum = PathBuf::from(value()),
            "--scratch" => scratch = Some(PathBuf::from(value())),
            "--settle" => settle = true,
            "--gap" => gap = Duration::from_millis(value().parse().expect("--gap MS")),
            other => panic!(
                "unknown argument {other}; use --root DIR [--edits N] [--fulcrum PATH] [--scratch DIR] [--settle] [--gap MS]"
            ),
        }
    }
    Args { root, edits, fulcrum, scratch, settle, gap }
}

fn copy_site(from: &Path, to: &Path) {
    for name in ["site.yaml", "content", "static", "templates", "themes"] {
        let src = from.join(name);
        if src.is_file() {
            std::fs::copy(&src, to.join(name)).unwrap();
        } else if src.is_dir() {
            for entry in walkdir::WalkDir::new(&src) {
                let entry = entry.unwrap();
                let dest = to.join(entry.path().strip_prefix(from).unwrap());
                if entry.file_type().is_dir() {
                    std::fs::create_dir_all(&dest).unwrap();
                } else {
                    std::fs::copy(entry.path(), &dest).unwrap();
                }
            }
        }
    }
}

fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let status = String::from_utf8_lossy(&raw[..12.min(raw.len())]).split(' ').nth(1).unwrap_or("0").parse().unwrap();
    (status, String::from_utf8_lossy(&raw).into_owned())
}

/// Waits until serve's current generation is `generation` and complete (older servers
/// without the status endpoint count as complete at once).
fn wait_complete(addr: SocketAddr, base: &str, generation: u64) {
    loop {
        let (status, text) = get(addr, &format!("{base}__fulcrum/status"));
        if status != 200 {
            return;
        }
        let body = &text[text.find("\r\n\r\n").map_or(0, |i| i + 4)..];
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        if v["generation"].as_u64() > Some(generation) || (v["generation"] == generation && v["complete"] == true) {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Reads the reload stream until the next event; returns its build number.
fn next_event(stream: &mut TcpStream, buf: &mut String) -> u64 {
    let marker = "event: reload\ndata: ";
    loop {
        if let Some(i) = buf.find(marker) {
            let rest = &buf[i + marker.len()..];
            if let Some(end) = rest.find('\n') {
                let n = rest[..end].trim().parse().unwrap();
                *buf = rest[end..].to_string();
                return n;
            }
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).expect("the reload stream");
        assert!(n > 0, "the reload stream closed");
        buf.push_str(&String::from_utf8_lossy(&chunk[..n]));
    }
}

fn stats(name: &str, mut v: Vec<Duration>) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p95 = v[((v.len() as f64 * 0.95).ceil() as usize).clamp(1, v.len()) - 1];
    println!(
        "{name:<24} min {:>7.1} ms   median {:>7.1} ms   p95 {:>7.1} ms   max {:>7.1} ms   ({} saves)",
        ms(v[0]),
        ms(v[v.len() / 2]),
        ms(p95),
        ms(v[v.len() - 1]),
        v.len()
    );
}

fn main() {
    let args = parse_args();
    assert!(args.fulcrum.is_file(), "no fulcrum binary at {}: run cargo build --release", args.fulcrum.display());
    let dir = match &args.scratch {
        Some(s) => tempfile::tempdir_in(s).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    copy_site(&args.root, dir.path());
    let reports = dir.path().join("content/reports");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.to_string_lossy().ends_with(".en.md"))
        .collect();
    names.sort();
    let target = names.first().expect("the site has no report to edit").clone();
    let id = target.file_stem().unwrap().to_string_lossy().into_owned();
    let original = std::fs::read_to_string(&target).unwrap();

    let mut child = Command::new(&args.fulcrum)
        .arg("--root")
        .arg(dir.path())
        .args(["serve", "--port", "0"])
        .env_remove("FULCRUM_SERVE_ON_DEMAND_ONLY")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let started = Instant::now();
    let (addr, base): (SocketAddr, String) = loop {
        let line = lines.next().expect("serve stopped").unwrap();
        if let Some(rest) = line.strip_prefix("Serving the site at http://") {
            let url = rest.split(' ').next().unwrap();
            let (host, path) = url.split_at(url.find('/').unwrap());
            break (host.parse().unwrap(), path.to_string());
        }
        if line.contains("error") {
            eprintln!("{line}");
        }
    };
    let serving = started.elapsed();
    // Keep reading serve's output so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});

    let page = format!("{base}reports/{id}/");
    let mut stream = TcpStream::connect(addr).unwrap();
    let events = format!("{base}__fulcrum/events?page={page}");
    write!(stream, "GET {events} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
    let mut buf = String::new();
    let mut last = next_event(&mut stream, &mut buf);
    wait_complete(addr, &base, last);
    println!(
        "site: {}: serving after {:.0} ms, first generation complete after {:.0} ms",
        args.root.display(),
        serving.as_secs_f64() * 1000.0,
        started.elapsed().as_secs_f64() * 1000.0
    );

    let (mut to_event, mut to_page, mut to_complete) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..args.edits {
        // Let the previous save's events settle, as between two saves by a person.
        std::thread::sleep(args.gap);
        let marker = format!("Benchmark edit {i}.");
        let text = format!("{original}\n\n{marker}\n");
        let start = Instant::now();
        std::fs::write(&target, text).unwrap();
        let generation = next_event(&mut stream, &mut buf);
        to_event.push(start.elapsed());
        let (status, body) = get(addr, &page);
        to_page.push(start.elapsed());
        assert!(generation > last, "a stale event");
        assert_eq!(status, 200, "{page}");
        assert!(body.contains(&marker), "{page} lacks the edit");
        if args.settle {
            wait_complete(addr, &base, generation);
            to_complete.push(start.elapsed());
        }
        last = generation;
    }
    stats("save → reload event", to_event);
    stats("save → page fetched", to_page);
    if args.settle {
        stats("save → all files made", to_complete);
    }
    let _ = child.kill();
    let _ = child.wait();
}
