//! `fulcrum serve`: builds the site into memory, serves it over HTTP under its base path,
//! watches the sources, rebuilds everything on each change and tells open pages to reload.
//!
//! Three parts that share only values: the watcher thread (`watch`) sends batches of
//! changes; the builder thread turns each batch into a fresh [`Snapshot`] and publishes it
//! on a `tokio::sync::watch` channel, which never waits for readers; the HTTP side
//! (`http`) reads the latest snapshot per request and streams reload events. A slow client
//! therefore holds an old snapshot at most, never the builder or another client.

mod http;
mod site;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use crate::{Failure, Options};

pub use site::{Entry, LIVE_PATH, Snapshot, build_snapshot, inject_live_reload, render_error_page};

/// What `fulcrum serve` runs on.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site and how to build it; `output` is ignored: serve never writes the site.
    pub site: Options,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Poll the file system instead of using its change notifications.
    pub poll: bool,
}

/// What the server reports as it runs; the caller decides how to print it.
#[derive(Debug)]
pub enum Event<'a> {
    /// The server is up; `url` is the site's address (with its base path).
    Listening { url: String, addr: SocketAddr },
    /// Watching the site for changes.
    Watching { poll: bool },
    /// Files changed (relative to the site folder); a rebuild follows.
    Changed { paths: &'a [PathBuf] },
    /// A rebuild succeeded. `since_change` is the time from the first change noticed to
    /// the new site being served (None for the first build).
    Built { files: usize, build: Duration, since_change: Option<Duration>, warnings: &'a Diagnostics },
    /// A rebuild failed: the browser shows the same problems.
    Failed { failure: &'a Failure, since_change: Option<Duration> },
    /// A request that tried to leave the site was refused.
    Refused { method: &'a str, path: &'a str, reason: &'a str },
    /// The watcher reported a problem; serving goes on.
    WatchError(String),
}

/// Receives the server's events, from any thread.
pub type Reporter = Arc<dyn Fn(Event<'_>) + Send + Sync>;

/// Builds, serves and watches until the process is stopped. Returns only when the server
/// cannot start (the address is taken, the folder is not a site...).
pub fn serve(options: ServeOptions, report: Reporter) -> Result<(), Failure> {
    if !options.site.root.join("site.yaml").is_file() {
        return Err(Failure::Usage(format!(
            "{} is not a Fulcrum site: it has no site.yaml (use --root to point at the site folder)",
            crate::diagnostics::display_path(&options.site.root)
        )));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("fulcrum-http")
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("cannot start the server: {e}")))?;

    let addr = SocketAddr::new(options.bind, options.port);
    let listener = runtime.block_on(tokio::net::TcpListener::bind(addr)).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse { " (choose another with --port)" } else { "" };
        Failure::Usage(format!("cannot listen on {addr}: {e}{hint}"))
    })?;
    let addr = listener.local_addr().map_err(|e| Failure::Usage(e.to_string()))?;

    // The watcher starts before the first build so that no change slips between them.
    let mut changes = watch::start(&options.site.root, options.poll, report.clone())
        .map_err(|e| Failure::Usage(format!("cannot watch {}: {e}", options.site.root.display())))?;

    let build_start = Instant::now();
    let first = Arc::new(site::build_snapshot(&options.site, 1, None));
    report_build(&report, &first, build_start.elapsed(), None);
    let (tx, rx) = tokio::sync::watch::channel(first.clone());

    let site_options = options.site.clone();
    let builder_report = report.clone();
    std::thread::Builder::new()
        .name("fulcrum-build".into())
        .spawn(move || {
            let mut last = first;
            while let Some(batch) = changes.next_batch() {
                builder_report(Event::Changed { paths: &batch.paths });
                let start = Instant::now();
                let snapshot = Arc::new(site::build_snapshot(&site_options, last.generation + 1, Some(&last)));
                let build = start.elapsed();
                tx.send_replace(snapshot.clone());
                report_build(&builder_report, &snapshot, build, Some(batch.first_seen.elapsed()));
                last = snapshot;
            }
        })
        .map_err(|e| Failure::Usage(format!("cannot start the builder: {e}")))?;

    let host = match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let url = format!("http://{host}:{}{}", addr.port(), rx.borrow().base_path);
    report(Event::Listening { url, addr });
    report(Event::Watching { poll: options.poll });
    runtime.block_on(http::run(listener, rx, report)).map_err(|e| Failure::Usage(format!("the server stopped: {e}")))
}

fn report_build(report: &Reporter, snapshot: &Snapshot, build: Duration, since_change: Option<Duration>) {
    match &snapshot.failure {
        None => report(Event::Built { files: snapshot.files.len(), build, since_change, warnings: &snapshot.warnings }),
        Some(failure) => report(Event::Failed { failure, since_change }),
    }
}
