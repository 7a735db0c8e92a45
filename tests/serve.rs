//! `fulcrum serve` run for real on a free loopback port over a copy of a fixture site:
//! pages and assets, the reload stream, the error page and its recovery, refusals of
//! paths that leave the site, drafts, and serve's files against a fresh build.

mod common;
mod search_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{TestSite, snapshot};

const WAIT: Duration = Duration::from_secs(20);

/// A running `fulcrum serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    /// Everything the server printed so far.
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(site: &TestSite, args: &[&str]) -> Server {
        Server::start_with(site, args, false)
    }

    /// With `on_demand_only`, serve renders only the pages that are asked for or open, and
    /// never completes a generation: what a request gets then cannot come from background
    /// rendering.
    fn start_with(site: &TestSite, args: &[&str], on_demand_only: bool) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_fulcrum"));
        if on_demand_only {
            command.env("FULCRUM_SERVE_ON_DEMAND_ONLY", "1");
        } else {
            command.env_remove("FULCRUM_SERVE_ON_DEMAND_ONLY");
        }
        let mut child = command
            .arg("--root")
            .arg(site.root())
            .args(["serve", "--port", "0"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, lines) = channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push_str(&format!("{line}\n"));
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + WAIT;
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line =
                lines.recv_timeout(left).unwrap_or_else(|_| panic!("serve did not start: {}", log.lock().unwrap()));
            if let Some(rest) = line.strip_prefix("Serving the site at http://") {
                let hostport = rest.split('/').next().unwrap();
                break hostport.parse().unwrap();
            }
        };
        Server { child, addr, log }
    }

    fn get(&self, path: &str) -> Response {
        request(self.addr, "GET", path)
    }

    /// serve's account of its current generation.
    fn status(&self) -> serde_json::Value {
        let r = self.get("/__fulcrum/status");
        assert_eq!((r.status, r.header("content-type")), (200, Some("application/json; charset=utf-8")));
        serde_json::from_slice(&r.body).unwrap()
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the server has printed `needle` (its output is read on another thread).
    fn assert_logged(&self, needle: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.log().contains(needle) {
            assert!(Instant::now() < deadline, "the server did not print {needle:?}:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request with the path sent exactly as given (no normalising).
fn request(addr: SocketAddr, method: &str, path: &str) -> Response {
    let mut s = TcpStream::connect_timeout(&addr, WAIT).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("no end of headers");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    let r = Response { status, headers, body: raw[split + 4..].to_vec() };
    assert!(r.header("transfer-encoding").is_none(), "unexpected chunked response to {path}");
    r
}

/// The live-reload stream, read as raw text.
struct Events {
    stream: TcpStream,
    buf: String,
}

impl Events {
    fn open(server: &Server, path: &str) -> Events {
        let mut stream = TcpStream::connect_timeout(&server.addr, WAIT).unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n", server.addr).unwrap();
        Events { stream, buf: String::new() }
    }

    /// The build number of the next reload event.
    fn next(&mut self) -> u64 {
        self.next_within(WAIT).unwrap_or_else(|| panic!("no reload event; got {:?}", self.buf))
    }

    fn next_within(&mut self, wait: Duration) -> Option<u64> {
        let deadline = Instant::now() + wait;
        loop {
            let marker = "event: reload\ndata: ";
            if let Some(i) = self.buf.find(marker) {
                let rest = &self.buf[i + marker.len()..];
                if let Some(end) = rest.find('\n') {
                    let n = rest[..end].trim().parse().unwrap();
                    self.buf = rest[end..].to_string();
                    return Some(n);
                }
            }
            if Instant::now() >= deadline {
                return None;
            }
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!("the event stream closed"),
                Ok(n) => self.buf.push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(e) => panic!("{e}"),
            }
        }
    }
}

/// The served bytes of an HTML page without the live-reload script serve adds.
fn without_script(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(body.to_vec()).unwrap();
    let start = text.find("<script src=\"").filter(|&i| text[i..].contains("__fulcrum/live.js")).unwrap();
    let end = start + text[start..].find("</script>\n").unwrap() + "</script>\n".len();
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

/// A fresh build into a temporary folder: every file with its bytes.
fn fresh_build(site: &TestSite, drafts: bool) -> Vec<(String, Vec<u8>)> {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["--output", out.path().to_str().unwrap()];
    if drafts {
        args.push("--drafts");
    }
    let built = site.build(&args);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let files: Vec<(String, Vec<u8>)> =
        snapshot(out.path()).into_iter().map(|(rel, bytes)| (rel.replace('\\', "/"), bytes)).collect();
    assert!(!files.is_empty());
    files
}

/// Every file of a fresh build equals what serve holds (pages compared without the
/// live-reload script).
fn assert_serve_equals_build(server: &Server, site: &TestSite, base: &str, drafts: bool) {
    if let Err(e) = serve_equals_build(server, site, base, drafts, &[]) {
        panic!("{e}");
    }
}

/// Compares serve with a fresh build, and checks that files of earlier builds that this
/// build no longer has (`earlier`) are gone from serve too. Returns the build's paths.
fn serve_equals_build(
    server: &Server,
    site: &TestSite,
    base: &str,
    drafts: bool,
    earlier: &[String],
) -> Result<Vec<String>, String> {
    let files = fresh_build(site, drafts);
    for (rel, bytes) in &files {
        let r = server.get(&format!("{base}{rel}"));
        if r.status != 200 {
            return Err(format!("{rel}: status {}", r.status));
        }
        let served = if rel.ends_with(".html") { without_script(&r.body) } else { r.body.clone() };
        if &served != bytes {
            return Err(format!("{rel} differs between serve and build"));
        }
    }
    let paths: Vec<String> = files.into_iter().map(|(rel, _)| rel).collect();
    for rel in earlier.iter().filter(|p| !paths.contains(p)) {
        let r = server.get(&format!("{base}{rel}"));
        if r.status != 404 {
            return Err(format!("{rel} is gone from the build but serve answers {}", r.status));
        }
    }
    Ok(paths)
}

#[test]
fn serves_data_assets_and_static_files_with_their_types() {
    let site = TestSite::fixture("basic");
    site.write("static/docs/index.html", "<!DOCTYPE html><html><body><p>Plan</p></body></html>\n");
    let server = Server::start(&site, &[]);

    let r = server.get("/data/complexes.json");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json; charset=utf-8"));
    assert!(r.text().contains("alpha-moulds"));
    assert_eq!(r.header("content-length").unwrap().parse::<usize>().unwrap(), r.body.len());
    assert_eq!(r.header("cache-control"), Some("no-store"));

    let head = request(server.addr, "HEAD", "/data/complexes.json");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), r.header("content-length"));
    assert_eq!(head.header("content-type"), r.header("content-type"));

    for (path, ty) in [
        ("/data/statistics.csv", "text/csv; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/atom.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/photos/meeting.jpg", "image/jpeg"),
        ("/files/plan.pdf", "application/pdf"),
    ] {
        let r = server.get(path);
        assert_eq!((r.status, r.header("content-type")), (200, Some(ty)), "{path}");
    }
    assert_eq!(server.get("/photos/meeting.jpg").body, std::fs::read(site.path("static/photos/meeting.jpg")).unwrap());

    // A folder's index file, and the slash added when it is missing.
    let r = server.get("/docs/");
    assert_eq!((r.status, r.header("content-type")), (200, Some("text/html; charset=utf-8")));
    assert!(r.text().contains("<p>Plan</p><script src=\"/__fulcrum/live.js\""), "{}", r.text());
    let r = server.get("/docs?x=1");
    assert_eq!((r.status, r.header("location")), (301, Some("/docs/?x=1")));

    let r = server.get("/no/such/page.html");
    assert_eq!(r.status, 404);
    let r = request(server.addr, "HEAD", "/no/such/page.html");
    assert_eq!(r.status, 404);
    assert!(r.body.is_empty());

    let r = request(server.addr, "POST", "/data/complexes.json");
    assert_eq!((r.status, r.header("allow")), (405, Some("GET, HEAD")));

    let r = server.get("/__fulcrum/live.js");
    assert_eq!((r.status, r.header("content-type")), (200, Some("text/javascript; charset=utf-8")));
    assert!(r.text().contains("EventSource"));
}

#[test]
fn pages_get_the_theme_404_page_and_the_reload_script() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    let out = tempfile::tempdir().unwrap();
    assert!(site.build(&["--output", out.path().to_str().unwrap()]).status.success());
    let r = server.get("/");
    assert_eq!((r.status, r.header("content-type")), (200, Some("text/html; charset=utf-8")));
    assert!(r.text().contains("__fulcrum/live.js\" data-generation="));
    // The build itself never has the script.
    for (rel, bytes) in snapshot(out.path()) {
        assert!(!String::from_utf8_lossy(&bytes).contains("__fulcrum"), "{rel} has the live-reload script");
    }
    let r = server.get("/no/such/page/");
    assert_eq!((r.status, r.header("content-type")), (404, Some("text/html; charset=utf-8")));
    assert_eq!(without_script(&r.body), std::fs::read(out.path().join("404.html")).unwrap());
    let r = server.get("/en/no/such/page/");
    assert_eq!(r.status, 404);
}

#[test]
fn an_edit_sends_a_reload_event_and_serves_the_new_content() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server, "/__fulcrum/events");
    let first = events.next();

    site.edit(
        "content/complexes/alpha-moulds.yaml",
        "阿尔法模具产业创新服务综合体",
        "阿尔法精密模具产业创新服务综合体",
    );
    let second = events.next();
    assert!(second > first, "{first} then {second}");
    assert!(server.get("/data/complexes.json").text().contains("阿尔法精密模具"));

    // A save by rename, as many editors do it: write a temporary file, move it over.
    let tmp = site.path("content/complexes/.alpha-moulds.yaml.tmp");
    std::fs::write(&tmp, site.read("content/complexes/alpha-moulds.yaml").replace("阿尔法精密", "阿尔法新")).unwrap();
    std::fs::rename(&tmp, site.path("content/complexes/alpha-moulds.yaml")).unwrap();
    let third = events.next();
    assert!(third > second);
    assert!(server.get("/data/complexes.json").text().contains("阿尔法新模具"));

    // A page that connects later hears the current build at once.
    let mut late = Events::open(&server, "/__fulcrum/events");
    assert_eq!(late.next(), third);
}

#[test]
fn a_bad_edit_shows_the_problems_in_the_browser_until_it_is_fixed() {
    let site = TestSite::fixture("basic");
    site.write("static/page.html", "<!DOCTYPE html><html><body><p>static page</p></body></html>\n");
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server, "/__fulcrum/events");
    events.next();

    site.edit("content/complexes/alpha-moulds.yaml", "level: provincial", "level: provinical");
    events.next();
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    let printed = String::from_utf8(check.stderr).unwrap();
    assert!(printed.contains("content/complexes/alpha-moulds.yaml:3:8"), "{printed}");

    for path in ["/", "/page.html", "/complexes/alpha-moulds/"] {
        let r = server.get(path);
        assert_eq!((r.status, r.header("content-type")), (500, Some("text/html; charset=utf-8")), "{path}");
        let page = r.text();
        // The very lines `check` prints, escaped for HTML: numbered, located, with the
        // offending line, the caret and the hint.
        for line in printed.lines().filter(|l| !l.starts_with("Checked")) {
            let escaped = line.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
            assert!(page.contains(&escaped), "the error page lacks {line:?}:\n{page}");
        }
        assert!(page.contains("  1. content/complexes/alpha-moulds.yaml:3:8: error:"), "{page}");
        assert!(page.contains("3 | level: provinical"), "{page}");
        assert!(page.contains("did you mean &quot;provincial&quot;?"), "{page}");
        assert!(page.contains("__fulcrum/live.js"), "the error page must reload itself");
    }
    // Assets of the last good build still load, so the page keeps its look.
    assert_eq!(server.get("/photos/meeting.jpg").status, 200);
    server.assert_logged("alpha-moulds.yaml:3:8");

    site.edit("content/complexes/alpha-moulds.yaml", "level: provinical", "level: municipal");
    events.next();
    let r = server.get("/page.html");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("static page"));
    assert!(server.get("/data/complexes.json").text().contains("municipal"));
}

#[test]
fn a_broken_site_yaml_at_the_start_does_not_stop_the_server() {
    let site = TestSite::fixture("basic");
    site.edit("site.yaml", "languages: [zh, en]", "languages: [zh, en");
    let server = Server::start(&site, &[]);
    let r = server.get("/");
    assert_eq!(r.status, 500);
    assert!(r.text().contains("site.yaml:"), "{}", r.text());
    let mut events = Events::open(&server, "/__fulcrum/events");
    events.next();
    site.edit("site.yaml", "languages: [zh, en", "languages: [zh, en]");
    events.next();
    assert_eq!(server.get("/data/complexes.json").status, 200);
}

#[test]
fn site_yaml_removed_while_serving_is_reported_as_such_and_put_back_serves_again() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/").status, 200);
    let mut events = Events::open(&server, "/__fulcrum/events");
    events.next();
    let yaml = site.read("site.yaml");
    site.remove("site.yaml");
    events.next();
    let r = server.get("/");
    assert_eq!(r.status, 500);
    assert!(r.text().contains("has no site.yaml"), "{}", r.text());
    assert!(r.text().contains("put site.yaml back if it was removed"), "{}", r.text());
    site.write("site.yaml", yaml);
    events.next();
    assert_eq!(server.get("/").status, 200);
}

/// The problems of the first build are printed after the address to open, never before it
/// (the two were printed by two threads, in either order). Several starts, since the wrong
/// order came about only now and then.
#[test]
fn problems_at_the_start_are_printed_after_the_address() {
    let site = TestSite::fixture("basic");
    site.edit("site.yaml", "languages: [zh, en]", "languages: [zh, en");
    for _ in 0..50 {
        let server = Server::start(&site, &[]);
        server.assert_logged("The browser shows these problems until they are fixed.");
        let log = server.log();
        let address = log.find("Serving the site at").unwrap();
        let problem = log.find("site.yaml:").unwrap();
        assert!(address < problem, "the problems came before the address:\n{log}");
    }
}

#[test]
fn paths_that_leave_the_site_are_refused_and_logged() {
    let site = TestSite::fixture("basic");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "SECRET").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), site.path("static/leak.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path(), site.path("static/outside")).unwrap();
    }
    let server = Server::start(&site, &[]);
    for path in [
        "/../site.yaml",
        "/photos/../../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E%2Fsite.yaml",
        "/photos/%2e%2e%2f%2e%2e%2fsite.yaml",
        "/..%5csite.yaml",
        "/photos\\..\\..\\site.yaml",
        "//etc/passwd",
        "/C:/Windows/win.ini",
        "/%00",
        "/leak.txt",
        "/outside/secret.txt",
    ] {
        let r = server.get(path);
        assert!(matches!(r.status, 403 | 404), "{path}: {}", r.status);
        let body = r.text();
        assert!(!body.contains("SECRET") && !body.contains("vocabularies"), "{path} leaked: {body}");
    }
    server.assert_logged("refused GET /../site.yaml");
    server.assert_logged("refused GET /%2e%2e/site.yaml");
    server.assert_logged("refused GET /..%5csite.yaml");
    // The site itself is still served.
    assert_eq!(server.get("/data/complexes.json").status, 200);
}

#[test]
fn drafts_appear_in_serve_with_drafts_and_never_in_build() {
    let site = TestSite::fixture("basic");
    let draft = site.read("content/complexes/alpha-moulds.yaml").replace("阿尔法", "草稿") + "draft: true\n";
    site.write("content/complexes/draft-moulds.yaml", draft);
    {
        let server = Server::start(&site, &["--drafts"]);
        assert!(server.get("/data/complexes.json").text().contains("draft-moulds"));
        let plain = Server::start(&site, &[]);
        assert!(!plain.get("/data/complexes.json").text().contains("draft-moulds"));
    }
    // Serving wrote nothing into the site folder.
    assert!(!site.path("public").exists());
    assert!(site.build(&[]).status.success());
    assert!(!site.read("public/data/complexes.json").contains("draft-moulds"));
}

/// One kind of edit an editor makes.
type Step = Box<dyn Fn(&TestSite)>;

/// The default theme's report template with a marker in its heading.
fn report_template(marker: &str) -> String {
    let theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/report.html");
    let text = std::fs::read_to_string(theme).unwrap();
    assert!(text.contains("<h1>{{ report.title | t }}</h1>"));
    text.replace("<h1>{{ report.title | t }}</h1>", &format!("<h1>{{{{ report.title | t }}}} {marker}</h1>"))
}

fn rename(site: &TestSite, from: &str, to: &str) {
    std::fs::rename(site.path(from), site.path(to)).unwrap();
}

/// Every kind of edit, one after another, each followed by a comparison of everything
/// serve holds with a fresh build, and a check that files the build no longer makes are
/// gone from serve. Serve's requests wait for files not made yet, so each comparison sees
/// the complete generation.
#[test]
fn what_serve_holds_equals_a_fresh_build_after_every_kind_of_edit() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server, "/__fulcrum/events");
    events.next();
    let mut earlier: Vec<String> = serve_equals_build(&server, &site, "/", false, &[]).unwrap();

    let steps: Vec<(&str, Step)> = vec![
        (
            "change a profile",
            Box::new(|s| {
                s.edit("content/complexes/alpha-moulds.yaml", "value: 77900", "value: 78000");
            }),
        ),
        (
            "add a profile",
            Box::new(|s| {
                let text = s.read("content/complexes/beta-valves.md").replace("贝塔", "伽马").replace("Beta", "Gamma");
                s.write("content/complexes/gamma-valves.md", text);
            }),
        ),
        (
            "rename a profile",
            Box::new(|s| rename(s, "content/complexes/gamma-valves.md", "content/complexes/delta-valves.md")),
        ),
        (
            "rename a profile's translation there and back",
            Box::new(|s| {
                rename(s, "content/complexes/beta-valves.en.md", "content/complexes/beta-valves.en.tmp");
                rename(s, "content/complexes/beta-valves.en.tmp", "content/complexes/beta-valves.en.md");
            }),
        ),
        (
            "delete a profile",
            Box::new(|s| {
                s.remove("content/complexes/delta-valves.md");
            }),
        ),
        (
            "change a report",
            Box::new(|s| {
                s.edit("content/reports/meeting.md", "会议摘要。", "新的会议摘要。");
            }),
        ),
        (
            "add a report",
            Box::new(|s| {
                let text = s.read("content/reports/older-news.md");
                s.write("content/reports/newer-news.md", text);
            }),
        ),
        ("rename a report", Box::new(|s| rename(s, "content/reports/newer-news.md", "content/reports/newest-news.md"))),
        (
            "delete a report",
            Box::new(|s| {
                s.remove("content/reports/oldest-news.md");
            }),
        ),
        (
            "add a template",
            Box::new(|s| {
                s.write("templates/report.html", report_template("(v1)"));
            }),
        ),
        (
            "change a template",
            Box::new(|s| {
                s.write("templates/report.html", report_template("(v2)"));
            }),
        ),
        (
            "delete a template",
            Box::new(|s| {
                s.remove("templates/report.html");
            }),
        ),
        (
            "change site.yaml",
            Box::new(|s| {
                s.edit("site.yaml", "reports_per_page: 2", "reports_per_page: 1");
            }),
        ),
        (
            "add a static file",
            Box::new(|s| {
                s.write("static/files/new.txt", "new");
            }),
        ),
        (
            "delete a static file",
            Box::new(|s| {
                s.remove("static/files/new.txt");
            }),
        ),
    ];
    for (what, step) in steps {
        step(&site);
        events.next();
        // A step of two file operations may be seen as two batches: then the first
        // generation shows the state in between, and the next one must match.
        let mut result = serve_equals_build(&server, &site, "/", false, &earlier);
        while result.is_err() && events.next_within(Duration::from_secs(2)).is_some() {
            result = serve_equals_build(&server, &site, "/", false, &earlier);
        }
        match result {
            Ok(paths) => {
                earlier.extend(paths);
                earlier.sort();
                earlier.dedup();
            }
            Err(e) => panic!("after \"{what}\": {e}"),
        }
    }
    let status = server.status();
    assert_eq!((status["complete"].as_bool(), status["failed"].as_bool()), (Some(true), Some(false)), "{status}");
    assert_eq!(status["rendered"], status["pages"]);
}

/// A page asked for right after the reload event is rendered for the request, with the new
/// content, byte for byte as a fresh build makes it, although the rest of the site is not
/// rendered (serve runs here without background rendering, so nothing else can have made it).
#[test]
fn a_page_fetched_right_after_the_reload_event_is_already_new() {
    let site = TestSite::fixture("basic");
    let server = Server::start_with(&site, &[], true);
    let mut events = Events::open(&server, "/__fulcrum/events");
    let first = events.next();
    let status = server.status();
    assert_eq!((status["rendered"].as_u64(), status["complete"].as_bool()), (Some(0), Some(false)), "{status}");

    site.edit("content/reports/meeting.md", "会议摘要。", "会后新写的摘要。");
    let second = events.next();
    assert!(second > first);
    let build = fresh_build(&site, false);
    for page in ["reports/meeting/index.html", "en/reports/meeting/index.html", "index.html"] {
        let r = server.get(&format!("/{page}"));
        assert_eq!(r.status, 200, "{page}");
        let built = &build.iter().find(|(rel, _)| rel == page).unwrap().1;
        assert_eq!(&without_script(&r.body), built, "{page} differs from the fresh build");
        assert!(r.text().contains(&format!("data-generation=\"{second}\"")), "{page}");
    }
    assert!(server.get("/reports/meeting/").text().contains("会后新写的摘要。"));
    let status = server.status();
    assert_eq!(status["generation"].as_u64(), Some(second));
    assert_eq!((status["rendered"].as_u64(), status["complete"].as_bool()), (Some(3), Some(false)), "{status}");
    assert!(status["pages"].as_u64().unwrap() > 3, "{status}");
}

/// A folder asked for without its slash is redirected at once, not after the files that
/// follow the pages are made (here they never are: background rendering is off).
#[test]
fn a_folder_without_its_slash_is_redirected_before_the_generation_is_complete() {
    let site = TestSite::fixture("basic");
    let server = Server::start_with(&site, &[], true);
    let r = server.get("/reports?page=2");
    assert_eq!((r.status, r.header("location")), (301, Some("/reports/?page=2")));
    let r = server.get("/en/complexes/alpha-moulds");
    assert_eq!((r.status, r.header("location")), (301, Some("/en/complexes/alpha-moulds/")));
    // A page that does not exist answers at once too: only pages are HTML files.
    assert_eq!(server.get("/no/such/page/").status, 404);
    assert_eq!(server.status()["complete"], false);
}

/// The pages that browsers show are rendered first, before any request asks for them.
#[test]
fn an_open_page_is_rendered_before_it_is_asked_for() {
    let site = TestSite::fixture("basic");
    let server = Server::start_with(&site, &[], true);
    let mut events = Events::open(&server, "/__fulcrum/events?page=%2Freports%2Fmeeting%2F");
    let first = events.next();
    site.edit("content/reports/meeting.md", "会议摘要。", "另一个摘要。");
    let second = events.next();
    assert!(second > first);
    // Nothing has asked for a page of this generation: only the open one gets rendered.
    let deadline = Instant::now() + WAIT;
    while server.status()["rendered"] != 1 {
        assert!(Instant::now() < deadline, "the open page was not rendered: {}", server.status());
        std::thread::sleep(Duration::from_millis(10));
    }
    let r = server.get("/reports/meeting/");
    assert!(r.text().contains("另一个摘要。"));
    assert_eq!(server.status()["rendered"], 1, "the open page was rendered twice");
}

/// The long-poll fallback answers at once when the page is out of date, and otherwise
/// waits for the next generation.
#[test]
fn long_poll_answers_with_the_next_generation() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server, "/__fulcrum/events");
    let first = events.next();

    let r = server.get("/__fulcrum/poll?generation=0&page=%2F");
    assert_eq!((r.status, r.header("content-type")), (200, Some("text/plain; charset=utf-8")));
    assert_eq!(r.text(), first.to_string());
    // A request that names no generation learns the current one at once.
    assert_eq!(server.get("/__fulcrum/poll?page=%2F").text(), first.to_string());

    // A page that shows the current generation: the answer can only be the next one,
    // whether the request arrives before the edit (and waits) or after it.
    let addr = server.addr;
    let waiting = std::thread::spawn(move || request(addr, "GET", &format!("/__fulcrum/poll?generation={first}")));
    site.edit("content/complexes/alpha-moulds.yaml", "value: 77900", "value: 78000");
    let second = events.next();
    assert!(second > first);
    let r = waiting.join().unwrap();
    assert_eq!(r.status, 200);
    let answered: u64 = r.text().parse().unwrap();
    assert!(answered >= second, "answered {answered}, the reload event said {second}");
    assert!(server.get("/__fulcrum/live.js").text().contains("\"generation=\""));
}

/// A template that compiles but fails on one page fails the whole build; serve shows the
/// problems on that page as soon as it is asked for, then on every page once the rest of
/// the site has been rendered, and recovers when the template is fixed.
#[test]
fn a_template_that_fails_while_rendering_shows_the_problems() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server, "/__fulcrum/events");
    let first = events.next();
    site.write("templates/report.html", report_template("{{ no_such_value.field }}"));
    let build = site.build(&["--output", site.path("out").to_str().unwrap()]);
    assert_eq!(build.status.code(), Some(1), "{}", String::from_utf8_lossy(&build.stderr));
    let printed = String::from_utf8(build.stderr).unwrap();
    assert!(printed.contains("no_such_value"), "{printed}");

    let second = events.next();
    assert!(second > first);
    let r = server.get("/reports/meeting/");
    assert_eq!(r.status, 500);
    assert!(r.text().contains("no_such_value"), "{}", r.text());
    // Once every page is rendered the generation fails as a whole: a new event, and the
    // problems everywhere.
    let third = events.next();
    assert!(third > second);
    assert_eq!(server.status()["failed"], true);
    let r = server.get("/");
    assert_eq!(r.status, 500);
    assert!(r.text().contains("no_such_value"));

    site.remove("templates/report.html");
    events.next();
    assert_serve_equals_build(&server, &site, "/", false);
}

/// A static file in the place of a generated one fails the build only when the files after
/// the pages are made; serve then publishes the failure, and recovers once it is moved.
#[test]
fn a_static_file_that_clashes_with_a_data_file_fails_after_the_pages() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server, "/__fulcrum/events");
    let first = events.next();
    site.write("static/data/complexes.json", "[]");
    let build = site.build(&["--output", site.path("out").to_str().unwrap()]);
    assert_eq!(build.status.code(), Some(1));
    let printed = String::from_utf8(build.stderr).unwrap();
    assert!(printed.contains("static/data/complexes.json has the same path"), "{printed}");

    // The generation is served, then fails once its data files are made.
    assert!(events.next() > first);
    let failed_at = loop {
        let status = server.status();
        if status["failed"] == true {
            break status["generation"].as_u64().unwrap();
        }
        events.next();
    };
    for path in ["/", "/complexes/alpha-moulds/"] {
        let r = server.get(path);
        assert_eq!(r.status, 500, "{path}");
        assert!(r.text().contains("static/data/complexes.json has the same path"), "{path}: {}", r.text());
    }
    site.remove("static/data/complexes.json");
    // The failure's own reload event may not have been read yet: wait for a later generation.
    while events.next() <= failed_at {}
    assert_serve_equals_build(&server, &site, "/", false);
}

#[test]
fn the_site_is_served_under_its_base_path() {
    let site = TestSite::fixture("basic");
    site.edit("site.yaml", "base_url: https://example.org/", "base_url: https://example.org/zj/complexes/");
    let server = Server::start(&site, &[]);
    let r = server.get("/");
    assert_eq!((r.status, r.header("location")), (301, Some("/zj/complexes/")));
    let r = server.get("/zj/complexes");
    assert_eq!((r.status, r.header("location")), (301, Some("/zj/complexes/")));
    assert_eq!(server.get("/zj/complexes/data/complexes.json").status, 200);
    assert_eq!(server.get("/data/complexes.json").status, 404);
    assert_eq!(server.get("/zj/complexes/__fulcrum/live.js").status, 200);
    assert_serve_equals_build(&server, &site, "/zj/complexes/", false);
}

/// A page left open while site.yaml's base path changes reloads at its old address: it is
/// sent to the same page under the new base path, not to the page-not-found page.
#[test]
fn a_page_open_when_the_base_path_changes_is_sent_to_its_new_address() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server, "/__fulcrum/events");
    let first = events.next();
    assert_eq!(server.get("/reports/meeting/").status, 200);
    site.edit("site.yaml", "base_url: https://example.org/", "base_url: https://example.org/zj/");
    assert!(events.next() > first);
    let r = server.get("/reports/meeting/?from=old");
    assert_eq!((r.status, r.header("location")), (307, Some("/zj/reports/meeting/?from=old")));
    let r = server.get("/en/complexes/alpha-moulds/");
    assert_eq!((r.status, r.header("location")), (307, Some("/zj/en/complexes/alpha-moulds/")));
    assert!(server.get("/zj/reports/meeting/").text().contains("会议摘要。"));
    // What is not a file of the site is not found, as before.
    assert_eq!(server.get("/no/such/page/").status, 404);
    assert_eq!(server.get("/zj/no/such/page/").status, 404);
    // From one base path to another, and back to none: a page under any base path this run
    // used is sent on.
    let last = events.next_within(Duration::from_millis(300)).unwrap_or(0).max(first);
    site.edit("site.yaml", "base_url: https://example.org/zj/", "base_url: https://example.org/zk/");
    let now = events.next();
    assert!(now > last);
    let r = server.get("/zj/reports/meeting/");
    assert_eq!((r.status, r.header("location")), (307, Some("/zk/reports/meeting/")));
    site.edit("site.yaml", "base_url: https://example.org/zk/", "base_url: https://example.org/");
    assert!(events.next() > now);
    for old in ["/zj/reports/meeting/", "/zk/reports/meeting/"] {
        let r = server.get(old);
        assert_eq!((r.status, r.header("location")), (307, Some("/reports/meeting/")), "{old}");
    }
    assert_eq!(server.get("/zk/no/such/page/").status, 404);
}

/// The same across a restart: the page's reload stream, asked for under the old base path,
/// is answered, so the page reloads and is sent to its new address.
#[test]
fn a_page_open_when_serve_restarts_with_another_base_path_hears_of_it() {
    let site = TestSite::fixture("basic");
    let before = Server::start(&site, &[]);
    let mut events = Events::open(&before, "/__fulcrum/events?page=%2Freports%2Fmeeting%2F");
    let old = events.next();
    drop(events);
    drop(before);

    site.edit("site.yaml", "base_url: https://example.org/", "base_url: https://example.org/zj/");
    let after = Server::start(&site, &[]);
    let mut events = Events::open(&after, "/__fulcrum/events?page=%2Freports%2Fmeeting%2F");
    assert!(events.next() > old);
    let r = after.get("/reports/meeting/");
    assert_eq!((r.status, r.header("location")), (307, Some("/zj/reports/meeting/")));
    // Polling, for browsers without event streams, is answered the same way.
    assert_eq!(after.get(&format!("/__fulcrum/poll?generation={old}")).status, 200);
    // Nothing else of the old address is.
    assert_eq!(after.get("/__fulcrum/status").status, 404);
}

/// Back from a base path to none across a restart: the new run learns the old base path
/// from the page's reload stream, so the page's old address is sent on too.
#[test]
fn a_page_open_when_serve_restarts_without_its_base_path_is_sent_on() {
    let site = TestSite::fixture("basic");
    site.edit("site.yaml", "base_url: https://example.org/", "base_url: https://example.org/zj/");
    let before = Server::start(&site, &[]);
    let mut events = Events::open(&before, "/zj/__fulcrum/events?page=%2Fzj%2Freports%2Fmeeting%2F");
    let old = events.next();
    drop(events);
    drop(before);

    site.edit("site.yaml", "base_url: https://example.org/zj/", "base_url: https://example.org/");
    let after = Server::start(&site, &[]);
    // Before the page's stream is heard, the old address is unknown.
    assert_eq!(after.get("/zj/reports/meeting/").status, 404);
    let mut events = Events::open(&after, "/zj/__fulcrum/events?page=%2Fzj%2Freports%2Fmeeting%2F");
    assert!(events.next() > old);
    let r = after.get("/zj/reports/meeting/");
    assert_eq!((r.status, r.header("location")), (307, Some("/reports/meeting/")));
    // Only pages the site has are sent on.
    assert_eq!(after.get("/zj/no/such/page/").status, 404);
}

#[test]
fn a_client_that_never_reads_does_not_hold_up_rebuilds_or_others() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    // A reload stream nobody reads, and a request that never finishes its headers.
    let mut stalled = TcpStream::connect(server.addr).unwrap();
    write!(stalled, "GET /__fulcrum/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut half = TcpStream::connect(server.addr).unwrap();
    write!(half, "GET /data/complexes.json HTTP/1.1\r\nHost: x\r\n").unwrap();

    let mut events = Events::open(&server, "/__fulcrum/events");
    let mut last = events.next();
    for i in 0..5 {
        site.edit("content/complexes/alpha-moulds.yaml", "阿尔法", &format!("阿尔法{i}"));
        let now = events.next();
        assert!(now > last);
        last = now;
        assert!(server.get("/data/complexes.json").text().contains(&format!("阿尔法{i}")));
    }
    drop((stalled, half));
}

#[test]
fn polling_sees_edits_too() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &["--poll"]);
    let mut events = Events::open(&server, "/__fulcrum/events");
    let first = events.next();
    site.edit("content/complexes/alpha-moulds.yaml", "阿尔法模具", "阿尔法轮询模具");
    assert!(events.next() > first);
    assert!(server.get("/data/complexes.json").text().contains("阿尔法轮询模具"));
}

/// gedit saves into a temporary file `.goutputstream-XXXXXX` and renames it over the file:
/// the rebuild follows, and serve names only the file that was saved.
#[test]
fn an_editors_temporary_file_is_not_named_among_the_changes() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server, "/__fulcrum/events");
    let first = events.next();
    let text = site.read("content/complexes/alpha-moulds.yaml").replace("阿尔法模具", "阿尔法临时文件模具");
    site.write("content/complexes/.goutputstream-Q2XJ1Z", text);
    rename(&site, "content/complexes/.goutputstream-Q2XJ1Z", "content/complexes/alpha-moulds.yaml");
    assert!(events.next() > first);
    assert!(server.get("/data/complexes.json").text().contains("阿尔法临时文件模具"));
    server.assert_logged("Changed: content/complexes/alpha-moulds.yaml\n");
    assert!(!server.log().contains("goutputstream"), "{}", server.log());
}

/// `sed -i` writes a temporary file `sedXXXXXX` beside the file and renames it over it.
#[test]
fn sed_in_place_is_named_as_the_file_it_edited() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server, "/__fulcrum/events");
    let first = events.next();
    let sed = std::process::Command::new("sed")
        .args(["-i", "s/阿尔法模具/阿尔法流编辑模具/"])
        .arg(site.path("content/complexes/alpha-moulds.yaml"))
        .status()
        .unwrap();
    assert!(sed.success());
    assert!(events.next() > first);
    assert!(server.get("/data/complexes.json").text().contains("阿尔法流编辑模具"));
    server.assert_logged("Changed: content/complexes/alpha-moulds.yaml\n");
    assert!(!server.log().contains("complexes/sed"), "{}", server.log());
}

/// A page keeps the number of the generation it shows while serve is stopped and started
/// again: the new run's numbers must differ from the old run's, or a page opened before
/// the restart would take itself for up to date after files changed in between.
#[test]
fn a_restarted_serve_tells_pages_of_the_previous_run_to_reload() {
    let site = TestSite::fixture("basic");
    let before = Server::start(&site, &[]);
    let page = before.get("/reports/meeting/").text();
    let mut events = Events::open(&before, "/__fulcrum/events");
    let old = events.next();
    assert!(page.contains(&format!("data-generation=\"{old}\"")), "{page}");
    drop(events);
    drop(before);

    site.edit("content/reports/meeting.md", "会议摘要。", "停机时改的摘要。");
    let after = Server::start(&site, &[]);
    let mut events = Events::open(&after, "/__fulcrum/events?page=%2Freports%2Fmeeting%2F");
    let new = events.next();
    assert!(new > old, "the restarted serve's first generation is {new}, the page shows {old}");
    assert_eq!(after.status()["generation"].as_u64(), Some(new));
    assert!(after.get("/reports/meeting/").text().contains("停机时改的摘要。"));
}

/// A watched folder replaced by another of the same name within one save (a folder moved
/// aside and another moved in, or deleted and made again): changes in the new one are seen.
#[test]
fn a_folder_replaced_at_once_is_still_watched() {
    let site = TestSite::fixture("basic");
    for entry in walkdir::WalkDir::new(site.path("static")) {
        let entry = entry.unwrap();
        let to = site.path("static-new").join(entry.path().strip_prefix(site.path("static")).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(to).unwrap();
        } else {
            std::fs::copy(entry.path(), to).unwrap();
        }
    }
    std::fs::write(site.path("static-new/first.txt"), "first").unwrap();
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server, "/__fulcrum/events");
    let first = events.next();

    // Two renames a few microseconds apart: one batch of changes.
    rename(&site, "static", "static-old");
    rename(&site, "static-new", "static");
    let second = events.next();
    assert!(second > first);
    assert_eq!(server.get("/first.txt").text(), "first");

    site.write("static/later.txt", "later");
    let deadline = Instant::now() + WAIT;
    while server.get("/later.txt").status != 200 {
        assert!(Instant::now() < deadline, "a file added to the new folder was not seen:\n{}", server.log());
        events.next();
    }
    assert_eq!(server.get("/later.txt").text(), "later");
    // The folder moved aside is not the site's any more: nothing in it counts.
    let now = server.status()["generation"].as_u64().unwrap();
    site.write("static-old/aside.txt", "aside");
    site.write("static/last.txt", "last");
    while server.get("/last.txt").status != 200 {
        assert!(Instant::now() < deadline, "the last file was not seen:\n{}", server.log());
        events.next();
    }
    assert!(!server.log().contains("static-old"), "{}", server.log());
    assert!(!server.log().contains("static/aside.txt"), "{}", server.log());
    assert!(server.status()["generation"].as_u64().unwrap() > now);
}

/// Listening on every address, serve prints an address a browser can open: this
/// computer's own, not http://0.0.0.0/.
#[test]
fn serving_on_every_address_prints_an_address_to_open() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &["--bind", "0.0.0.0"]);
    assert_eq!(server.addr.ip(), std::net::IpAddr::from([127, 0, 0, 1]), "{}", server.log());
    assert_eq!(server.get("/data/complexes.json").status, 200);
    server.assert_logged("warning: listening on 0.0.0.0:");
}

#[test]
fn a_templates_folder_made_after_the_start_is_watched() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server, "/__fulcrum/events");
    let first = events.next();
    std::fs::create_dir(site.path("templates")).unwrap();
    let second = events.next();
    assert!(second > first);
    // The theme's 404 page, overridden by the site.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>Nothing here, sorry</p>{% endblock content %}",
    );
    let mut now = events.next();
    // The folder and the file may arrive as two batches; wait for the page to change.
    let deadline = Instant::now() + WAIT;
    while !server.get("/no/such/page/").text().contains("Nothing here, sorry") {
        assert!(Instant::now() < deadline, "the override was not picked up: {}", server.log());
        now = events.next_within(Duration::from_secs(2)).unwrap_or(now);
    }
    assert!(now > second);
}

/// live.js in headless Chromium: one page with Server-Sent Events, one whose browser has no
/// EventSource and so long-polls, and eight pages open in one browser, more than the six
/// connections a browser opens to one server; after an edit every page reloads by itself.
/// Needs Node, `npm ci` in tests/browser and chromium; skipped without them unless CI is set.
#[test]
fn live_reload_works_in_a_browser_by_events_and_by_long_poll() {
    if !search_support::browser_ready("playwright-core", "the live-reload browser test") {
        return;
    }
    let site = TestSite::fixture("basic");
    let server = Server::start(&site, &[]);
    let file = site.path("content/reports/meeting.md");
    let run = Command::new("node")
        .arg("live-reload.cjs")
        .arg(format!("http://{}/", server.addr))
        .arg(&file)
        .args(["会议摘要。", "浏览器里看到的新摘要。"])
        .current_dir(search_support::repo().join("tests/browser"))
        .env("CHROMIUM", search_support::chromium().unwrap())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{}\n{stdout}\n{}", String::from_utf8_lossy(&run.stderr), server.log());
    let seen: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // The first page listened to the event stream only, the second long-polled only.
    assert_eq!(seen["events"]["streams"], true, "{seen}");
    assert_eq!(seen["events"]["polls"], false, "{seen}");
    assert_eq!(seen["poll"]["streams"], false, "{seen}");
    assert_eq!(seen["poll"]["polls"], true, "{seen}");
    // Every tab loaded, one stream served them all, and each reloaded after the edit.
    assert_eq!(seen["tabs"]["opened"], 8, "{seen}");
    assert_eq!(seen["tabs"]["streamsBeforeEdit"], 1, "{seen}");
    assert_eq!(seen["tabs"]["reloaded"], 8, "{seen}");
}
