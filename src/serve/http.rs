//! The HTTP side of serve: the latest snapshot under the site's base path, the live-reload
//! script and event stream, and refusals for every path that tries to leave the site.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use tokio::sync::watch;

use super::site::{LIVE_PATH, Snapshot, inject_live_reload, render_error_page};
use super::store::{Entry, Found};
use super::{Event, Reporter};
use crate::Failure;

#[derive(Clone)]
struct App {
    site: watch::Receiver<Arc<Snapshot>>,
    open: Arc<OpenPages>,
    report: Reporter,
    /// Base paths that pages of an earlier run asked for their reload stream under, the
    /// latest first: that run's base paths, which this run cannot otherwise know.
    heard: Arc<Mutex<Vec<String>>>,
}

/// How many base paths heard from pages are kept.
const HEARD_BASES: usize = 8;

impl App {
    fn hear(&self, base: &str) {
        let mut heard = self.heard.lock().unwrap_or_else(|e| e.into_inner());
        heard.retain(|b| b != base);
        heard.insert(0, base.to_string());
        heard.truncate(HEARD_BASES);
    }

    fn heard(&self) -> Vec<String> {
        self.heard.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

pub async fn run(
    listener: tokio::net::TcpListener,
    site: watch::Receiver<Arc<Snapshot>>,
    open: Arc<OpenPages>,
    report: Reporter,
) -> std::io::Result<()> {
    let app = Router::new().fallback(handle).with_state(App { site, open, report, heard: Arc::default() });
    axum::serve(listener, app).await
}

const LIVE_JS: &str = include_str!("live.js");

/// How long a long-poll request waits for a new build before it answers with the same one.
const POLL_WAIT: Duration = Duration::from_secs(25);

/// The pages that browsers show now (by file, "reports/x/index.html"), as told by their
/// reload streams and long-poll requests: a new generation renders them first.
#[derive(Debug, Default)]
pub struct OpenPages(Mutex<HashMap<String, usize>>);

impl OpenPages {
    pub fn keys(&self) -> HashSet<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).keys().cloned().collect()
    }

    fn open(self: &Arc<Self>, key: String) -> OpenPage {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()).entry(key.clone()).or_default() += 1;
        OpenPage { pages: self.clone(), key }
    }
}

/// A page counted as open while this lives.
struct OpenPage {
    pages: Arc<OpenPages>,
    key: String,
}

impl Drop for OpenPage {
    fn drop(&mut self) {
        let mut pages = self.pages.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = pages.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                pages.remove(&self.key);
            }
        }
    }
}

async fn handle(State(app): State<App>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "405 Method Not Allowed: this server only reads\n");
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let raw = uri.path();
    let path = match request_path(raw) {
        Ok(p) => p,
        Err(reason) => {
            (app.report)(Event::Refused { method: method.as_str(), path: raw, reason });
            return plain(StatusCode::FORBIDDEN, "403 Forbidden: the path leaves the site\n");
        }
    };
    // One snapshot at a time, cloned out of the channel at once: the builder never waits.
    // If its generation is given up before the file is made, the next one answers.
    let mut site = app.site.clone();
    loop {
        let snap = site.borrow_and_update().clone();
        if let Some(response) = respond(&app, &snap, &method, &uri, &path).await {
            return response;
        }
        if site.changed().await.is_err() {
            return plain(StatusCode::SERVICE_UNAVAILABLE, "503 Service Unavailable: serve is stopping\n");
        }
    }
}

/// The response from one generation; None if the generation was given up first.
async fn respond(app: &App, snap: &Arc<Snapshot>, method: &Method, uri: &Uri, path: &str) -> Option<Response> {
    let head = method == Method::HEAD;
    let raw = uri.path();
    let base = snap.base_path.as_str();
    let rel = match path.strip_prefix(base) {
        Some(rel) if rel.starts_with(LIVE_PATH) => Some(rel),
        rel => match reload_stream(path) {
            Some((asked_under, live)) => {
                app.hear(asked_under);
                Some(live)
            }
            None => rel,
        },
    };
    let Some(rel) = rel else {
        // "/" and "/a/b" lead to the site at "/a/b/".
        if path == "/" || path == base.trim_end_matches('/') {
            return Some(redirect(base, uri.query()));
        }
        // A page left open while site.yaml's base path changed: nothing of the site lies
        // outside the base path, so the same page under it is the one meant, whether it was
        // under a base path this run used before or under none.
        if let Some(r) = moved(snap, &app.heard(), path, uri.query(), true) {
            return Some(r);
        }
        return not_found(snap, "", head).await;
    };

    if let Some(live) = rel.strip_prefix(LIVE_PATH) {
        let open = || page_param(uri.query(), base).map(|key| app.open.open(key));
        return Some(match live {
            "live.js" => {
                finish(Bytes::from_static(LIVE_JS.as_bytes()), "text/javascript; charset=utf-8", StatusCode::OK, head)
            }
            "events" => reload_events(app.site.clone(), open()).into_response(),
            "poll" => {
                let shown = query_param(uri.query(), "generation").and_then(|g| g.parse().ok());
                long_poll(app.site.clone(), shown, open(), head).await
            }
            "status" => status(snap, head),
            _ => plain(StatusCode::NOT_FOUND, "404 Not Found\n"),
        });
    }

    let key = file_key(rel);
    if let Some(failure) = &snap.failure {
        // While the content has errors every page shows them; assets still load.
        let entry = if key.ends_with(".html") { None } else { snap.files.find_now(&key) };
        return Some(match entry {
            Some(entry) => serve_entry(app, snap, method, raw, &key, &entry, head).await,
            None => error_page(failure, snap, head),
        });
    }
    // A folder asked for without its slash. Asked first, because a folder cannot also be a
    // file, and whether it is a folder is known at once, while a file that is not a page
    // may only be made after the pages.
    if !rel.is_empty() && !rel.ends_with('/') && snap.files.knows(&format!("{rel}/index.html")) {
        return Some(redirect(&format!("{raw}/"), uri.query()));
    }
    Some(match snap.files.find(&key).await {
        Found::Entry(entry) => serve_entry(app, snap, method, raw, &key, &entry, head).await,
        Found::Broken(failure) => error_page(&failure, snap, head),
        Found::Gone => return None,
        Found::Missing => {
            // A page left open under a base path this run used before, which the new one
            // contains ("/zj/" when the base path is "/" again).
            return match moved(snap, &app.heard(), path, uri.query(), false) {
                Some(r) => Some(r),
                None => not_found(snap, rel, head).await,
            };
        }
    })
}

/// The reload stream or long poll that `path` asks for under another base path than the
/// current one, and that base path: a page left open while serve was stopped and started
/// again with another base path asks for it under the old one. It is answered, so that the
/// page hears of the new run and reloads, to be sent to its new address (see [`moved`]).
fn reload_stream(path: &str) -> Option<(&str, &str)> {
    let at = path.rfind(LIVE_PATH)?;
    let (base, live) = path.split_at(at);
    (base.ends_with('/') && matches!(&live[LIVE_PATH.len()..], "events" | "poll")).then_some((base, live))
}

/// A redirect (307) from `path` under a base path this run used before or `heard` of, or
/// if `from_root` under none, to the same file under the base path, if the site has it.
fn moved(snap: &Snapshot, heard: &[String], path: &str, query: Option<&str>, from_root: bool) -> Option<Response> {
    if snap.failure.is_some() {
        return None;
    }
    let mut bases = snap.former_base_paths.iter().chain(heard).map(String::as_str).chain(from_root.then_some("/"));
    let under = bases.find_map(|b| path.strip_prefix(b).filter(|u| snap.files.knows(&file_key(u))))?;
    let mut r = redirect(&format!("{}{under}", snap.base_path), query);
    *r.status_mut() = StatusCode::TEMPORARY_REDIRECT;
    Some(r)
}

/// The file that a path below the base path names: a folder's `index.html`.
fn file_key(rel: &str) -> String {
    if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_string() }
}

/// The page that shows the problems, with status 500: the server cannot give the page
/// that was asked for, because the site does not build.
fn error_page(failure: &Failure, snap: &Snapshot, head: bool) -> Response {
    let page = render_error_page(failure, &snap.base_path, snap.generation);
    finish(Bytes::from(page), "text/html; charset=utf-8", StatusCode::INTERNAL_SERVER_ERROR, head)
}

/// The value of `name` in a query string, percent-decoded.
fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    let value = query?.split('&').find_map(|pair| pair.split_once('=').filter(|(k, _)| *k == name))?.1;
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = (b == b'%').then(|| bytes.get(i + 1..i + 3)).flatten();
        match hex.and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(d) => {
                out.push(d);
                i += 3;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The file of the page named by the `page` parameter (a page's location.pathname).
fn page_param(query: Option<&str>, base: &str) -> Option<String> {
    let page = query_param(query, "page")?;
    let rel = request_path(&page).ok()?;
    Some(file_key(rel.strip_prefix(base)?))
}

/// Percent-decodes the request path and refuses anything that could name a file outside
/// the site: `..` or `.` segments (however encoded), backslashes, NUL, empty segments
/// (`//etc/passwd`) and drive letters or schemes (`C:`).
fn request_path(raw: &str) -> Result<String, &'static str> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => out.push(b),
                None => return Err("a malformed percent escape"),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(out).map_err(|_| "a path that is not UTF-8")?;
    if !path.starts_with('/') {
        return Err("a path that does not start with /");
    }
    if path.contains('\\') {
        return Err("a backslash in the path");
    }
    if path.contains('\0') {
        return Err("a NUL byte in the path");
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    for (i, s) in segments.iter().enumerate() {
        if *s == ".." || *s == "." {
            return Err("a path that leaves the site (.. or .)");
        }
        if s.is_empty() && i != last {
            return Err("an empty path segment (an absolute path?)");
        }
        if s.contains(':') {
            return Err("a drive letter or scheme in the path");
        }
    }
    Ok(path)
}

async fn serve_entry(
    app: &App,
    snap: &Snapshot,
    method: &Method,
    raw: &str,
    key: &str,
    entry: &Entry,
    head: bool,
) -> Response {
    let content_type = content_type(key);
    let status = StatusCode::OK;
    match entry {
        Entry::Generated(bytes) if key.ends_with(".html") => {
            let html = inject_live_reload(bytes, &snap.base_path, snap.generation);
            finish(Bytes::from(html), &content_type, status, head)
        }
        Entry::Generated(bytes) => finish(bytes.clone(), &content_type, status, head),
        Entry::Copied(from) => {
            // static/ was listed without following links, but a file may have been replaced
            // by a link since: resolve it and stay inside the site.
            let inside = tokio::fs::canonicalize(from).await.is_ok_and(|real| real.starts_with(&snap.root));
            if !inside {
                (app.report)(Event::Refused {
                    method: method.as_str(),
                    path: raw,
                    reason: "a symbolic link that points outside the site",
                });
                return plain(StatusCode::FORBIDDEN, "403 Forbidden: the file is outside the site\n");
            }
            match tokio::fs::read(from).await {
                Ok(bytes) if key.ends_with(".html") => {
                    let html = inject_live_reload(&bytes, &snap.base_path, snap.generation);
                    finish(Bytes::from(html), &content_type, status, head)
                }
                Ok(bytes) => finish(Bytes::from(bytes), &content_type, status, head),
                Err(_) => plain(StatusCode::NOT_FOUND, "404 Not Found\n"),
            }
        }
    }
}

/// The theme's 404 page with status 404: the language's own (`en/404.html`) when the
/// path is under a language folder, else the site's. None if the generation was given up.
async fn not_found(snap: &Snapshot, rel: &str, head: bool) -> Option<Response> {
    let mut pages: Vec<String> =
        rel.split_once('/').map(|(first, _)| format!("{first}/404.html")).into_iter().collect();
    pages.push("404.html".into());
    for page in pages {
        match snap.files.find(&page).await {
            Found::Entry(Entry::Generated(bytes)) => {
                let html = inject_live_reload(&bytes, &snap.base_path, snap.generation);
                return Some(finish(Bytes::from(html), "text/html; charset=utf-8", StatusCode::NOT_FOUND, head));
            }
            Found::Broken(failure) => return Some(error_page(&failure, snap, head)),
            Found::Gone => return None,
            Found::Entry(Entry::Copied(_)) | Found::Missing => {}
        }
    }
    Some(plain(StatusCode::NOT_FOUND, "404 Not Found\n"))
}

/// Sends the current build's number at once, then one event per new generation. A client
/// that reads slowly only ever sees the latest number; nothing queues up for it.
fn reload_events(
    mut site: watch::Receiver<Arc<Snapshot>>,
    open: Option<OpenPage>,
) -> Sse<impl Stream<Item = Result<sse::Event, Infallible>>> {
    let first = site.borrow_and_update().generation;
    let stream = futures_util::stream::unfold((site, Some(first), open), |(mut site, first, open)| async move {
        let generation = match first {
            Some(g) => g,
            None => {
                site.changed().await.ok()?;
                site.borrow_and_update().generation
            }
        };
        let event =
            sse::Event::default().event("reload").data(generation.to_string()).retry(Duration::from_millis(1000));
        Some((Ok(event), (site, None, open)))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// The long-poll fallback: answers with the current build's number as soon as it differs
/// from `shown`, or after `POLL_WAIT` with the same one.
async fn long_poll(
    mut site: watch::Receiver<Arc<Snapshot>>,
    shown: Option<u64>,
    open: Option<OpenPage>,
    head: bool,
) -> Response {
    let current = site.borrow_and_update().generation;
    let newer = async {
        let mut now = current;
        while Some(now) == shown {
            if site.changed().await.is_err() {
                break;
            }
            now = site.borrow_and_update().generation;
        }
        now
    };
    let generation = tokio::time::timeout(POLL_WAIT, newer).await.unwrap_or(current);
    drop(open);
    finish(Bytes::from(generation.to_string()), "text/plain; charset=utf-8", StatusCode::OK, head)
}

/// How far the current generation is: how many pages are rendered, whether every file is
/// made, whether it failed.
fn status(snap: &Snapshot, head: bool) -> Response {
    let s = serde_json::json!({
        "generation": snap.generation,
        "pages": snap.files.page_count(),
        "rendered": snap.files.rendered(),
        "complete": snap.files.complete() && snap.failure.is_none(),
        "failed": snap.failure.is_some(),
    });
    finish(Bytes::from(s.to_string()), "application/json; charset=utf-8", StatusCode::OK, head)
}

fn content_type(key: &str) -> String {
    let ext = key.rsplit_once('.').map_or("", |(_, e)| e);
    let known = match ext {
        "html" | "htm" => Some("text/html"),
        "css" => Some("text/css"),
        "js" | "mjs" => Some("text/javascript"),
        "json" => Some("application/json"),
        "xml" => Some("application/xml"),
        "atom" => Some("application/atom+xml"),
        "csv" => Some("text/csv"),
        "txt" => Some("text/plain"),
        "svg" => Some("image/svg+xml"),
        "webmanifest" => Some("application/manifest+json"),
        _ => None,
    };
    let mime = known.map_or_else(|| mime_guess::from_ext(ext).first_or_octet_stream().to_string(), str::to_string);
    let texty = mime.starts_with("text/") || mime.ends_with("json") || mime.ends_with("xml");
    if texty { format!("{mime}; charset=utf-8") } else { mime }
}

fn finish(body: Bytes, content_type: &str, status: StatusCode, head: bool) -> Response {
    let len = body.len();
    let mut r = Response::new(if head { Body::empty() } else { Body::from(body) });
    *r.status_mut() = status;
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    // A preview must never show a stale copy.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    finish(Bytes::from_static(text.as_bytes()), "text/plain; charset=utf-8", status, false)
}

fn redirect(to: &str, query: Option<&str>) -> Response {
    let location = match query {
        Some(q) => format!("{to}?{q}"),
        None => to.to_string(),
    };
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_site_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/a/%2e%2e%2f%2e%2e%2fetc",
            "/..%5cetc%5cpasswd",
            "/a\\..\\b",
            "//etc/passwd",
            "/C:/Windows/win.ini",
            "/a/%00",
            "/./a",
            "/%zz",
            "/%ff",
        ] {
            assert!(request_path(bad).is_err(), "{bad}");
        }
        assert_eq!(request_path("/a/b/").unwrap(), "/a/b/");
        assert_eq!(request_path("/%E5%8F%B0%E5%B7%9E/x.html").unwrap(), "/台州/x.html");
        assert_eq!(request_path("/a..b/c").unwrap(), "/a..b/c");
    }

    #[test]
    fn content_types_cover_the_site() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/site.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("a.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("data/complexes.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("data/statistics.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("logo.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("photos/a.jpg"), "image/jpeg");
        assert_eq!(content_type("photos/a.png"), "image/png");
        assert_eq!(content_type("f.woff2"), "font/woff2");
        assert_eq!(content_type("files/plan.pdf"), "application/pdf");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
