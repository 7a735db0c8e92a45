//! Shared by the search tests: finding Node and Chromium, building a site, serving a folder.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// True when running in CI, where a missing tool is a failure rather than a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Whether `program --version` runs; outside CI a missing tool skips the test with a message.
pub fn have(program: &str, why: &str) -> bool {
    let ok = Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(!in_ci(), "{program} is needed for {why} and CI is set: install it (see .ci/run)");
        eprintln!("skipping {why}: {program} is not installed (CI is not set)");
    }
    ok
}

/// Runs `node` with the given arguments from tests/browser/, returning stdout; panics with
/// stderr on failure.
pub fn node(args: &[&str]) -> String {
    let out = Command::new("node").args(args).current_dir(repo().join("tests/browser")).output().expect("node runs");
    assert!(
        out.status.success(),
        "node {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("node prints UTF-8")
}

/// Builds the site at `root` into `root/public` with the `fulcrum` binary.
pub fn build(root: &Path, extra: &[&str]) -> PathBuf {
    let out = assert_cmd::Command::cargo_bin("fulcrum")
        .unwrap()
        .arg("--root")
        .arg(root)
        .arg("build")
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "build failed: {}", String::from_utf8_lossy(&out.stderr));
    root.join("public")
}

/// Serves `dir` on 127.0.0.1 as if it were published under `prefix` ("/" or "/a/b/"), from a
/// background thread, for as long as the test runs. Returns the port.
pub fn serve(dir: PathBuf, prefix: &'static str) -> u16 {
    serve_with(dir, prefix, None)
}

/// Like [`serve`], with a `Cache-Control` header on every file (GitHub Pages sends
/// `max-age=600`) and, as such hosts do, an ETag that a conditional request is answered by
/// 304 Not Modified. `dir` is looked up on every request, so it may be a symbolic link that a
/// test points at another build to redeploy the site.
pub fn serve_cached(dir: PathBuf, prefix: &'static str, cache_control: &'static str) -> u16 {
    serve_with(dir, prefix, Some(cache_control))
}

fn serve_with(dir: PathBuf, prefix: &'static str, cache_control: Option<&'static str>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || respond(stream, &dir, prefix, cache_control));
        }
    });
    port
}

fn respond(mut stream: TcpStream, dir: &Path, prefix: &str, cache_control: Option<&str>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut if_none_match = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
            break;
        }
        if let Some((name, value)) = h.split_once(':')
            && name.eq_ignore_ascii_case("if-none-match")
        {
            if_none_match = Some(value.trim().to_string());
        }
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let found = path
        .strip_prefix(prefix)
        .or_else(|| (path.to_string() + "/").strip_prefix(prefix).map(|_| ""))
        .and_then(|rel| {
            let rel = decode(rel);
            if rel.split('/').any(|s| s == "..") {
                return None;
            }
            let mut file = dir.join(&rel);
            if rel.is_empty() || rel.ends_with('/') {
                file = file.join("index.html");
            }
            let mut bytes = Vec::new();
            std::fs::File::open(&file).ok()?.read_to_end(&mut bytes).ok()?;
            Some((file, bytes))
        });
    let (status, kind, body, etag) = match found {
        Some((file, bytes)) => {
            let etag = cache_control.map(|_| format!("\"{:016x}\"", etag(&bytes)));
            let unchanged = etag.is_some() && etag == if_none_match;
            let status = if unchanged { "304 Not Modified" } else { "200 OK" };
            (status, content_type(&file), if unchanged { Vec::new() } else { bytes }, etag)
        }
        None => ("404 Not Found", "text/plain", b"not found".to_vec(), None),
    };
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n", body.len());
    if let (Some(cc), Some(etag)) = (cache_control, etag) {
        head.push_str(&format!("Cache-Control: {cc}\r\nETag: {etag}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    let _ = stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(&body));
}

/// A hash of a file's bytes, for its ETag (FNV-1a).
fn etag(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(Ok(v)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    }
}

/// Debian's chromium, or the one named by $CHROMIUM, if it is installed.
pub fn chromium() -> Option<String> {
    let exe = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    std::path::Path::new(&exe).exists().then_some(exe)
}

/// Whether a browser test can run: Node, the npm package `module` in tests/browser and
/// chromium. Without them the test is skipped, unless CI is set, where it fails.
pub fn browser_ready(module: &str, what: &str) -> bool {
    if !have("node", what) {
        return false;
    }
    if !repo().join("tests/browser/node_modules").join(module).is_dir() {
        assert!(!in_ci(), "{module} is missing and CI is set: run `npm ci` in tests/browser (see .ci/run)");
        eprintln!("skipping {what}: run `npm ci` in tests/browser first");
        return false;
    }
    if chromium().is_none() {
        assert!(!in_ci(), "chromium is missing and CI is set: apt-get install -y chromium (see .ci/run)");
        eprintln!("skipping {what}: /usr/bin/chromium is not installed (apt-get install chromium)");
        return false;
    }
    true
}

/// Runs a script in tests/browser with Node against chromium, asserting that it succeeds,
/// and returns the JSON summary it prints.
pub fn run_browser_script(args: &[&str], what: &str) -> serde_json::Value {
    let exe = chromium().expect("chromium is installed");
    let run = std::process::Command::new("node")
        .args(args)
        .current_dir(repo().join("tests/browser"))
        .env("CHROMIUM", exe)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{what} failed:\n{stderr}\n{stdout}");
    serde_json::from_str(&stdout).expect("a JSON summary")
}
