//! `fulcrum serve`: builds the site into memory, serves it over HTTP under its base path,
//! watches the sources, makes a new generation of the site on each change and tells open
//! pages to reload.
//!
//! Three parts that share only values: the watcher thread (`watch`) sends batches of
//! changes; the builder thread checks the site after each batch and publishes a new
//! generation ([`Snapshot`]) on a `tokio::sync::watch` channel, which never waits for
//! readers; the HTTP side (`http`) reads the latest snapshot per request and streams reload
//! events. A generation is published as soon as the site is checked: its pages are rendered
//! when a request asks for one, and all of them in the background (`generation`), so the
//! reload event does not wait for the whole site. A slow client holds an old snapshot at
//! most, never the builder or another client.

mod generation;
mod http;
mod site;
mod store;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::diagnostics::Diagnostics;
use crate::{Failure, Options};

pub use site::{LIVE_PATH, Snapshot, inject_live_reload, render_error_page};
pub use store::{Entry, Found, Store};

/// Set to 1, serve renders pages only when they are asked for and never completes a
/// generation in the background; the tests use it to look at a generation before it is
/// complete.
pub const ON_DEMAND_ONLY_VAR: &str = "FULCRUM_SERVE_ON_DEMAND_ONLY";

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
    /// A generation is complete: every file is made. `build` is the time from the start
    /// of the check to the last file; `since_change` the time from the first change noticed
    /// to the new generation being served (the reload event), None for the first one.
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
        let root = crate::diagnostics::display_path(&options.site.root);
        return Err(Failure::Usage(crate::load::LoadError::NotASite(root).to_string()));
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
    let changes = watch::start(&options.site.root, options.poll, report.clone())
        .map_err(|e| Failure::Usage(format!("cannot watch {}: {e}", options.site.root.display())))?;

    let root = std::fs::canonicalize(&options.site.root).unwrap_or_else(|_| options.site.root.clone());
    let placeholder = Snapshot {
        generation: 0,
        base_path: "/".into(),
        former_base_paths: Vec::new(),
        files: Arc::new(Store::empty()),
        failure: None,
        warnings: Diagnostics::new(),
        root: root.clone(),
    };
    let (tx, rx) = tokio::sync::watch::channel(Arc::new(placeholder));
    let open = Arc::new(http::OpenPages::default());
    let (first_tx, first_rx) = std::sync::mpsc::channel();
    let builder = Arc::new(generation::Builder::new(
        options.site.clone(),
        root,
        tx,
        report.clone(),
        open.clone(),
        std::env::var(ON_DEMAND_ONLY_VAR).is_ok_and(|v| v == "1"),
        first_tx,
    ));
    std::thread::Builder::new()
        .name("fulcrum-build".into())
        .spawn(move || builder.run(changes))
        .map_err(|e| Failure::Usage(format!("cannot start the builder: {e}")))?;
    // The first generation is served before its pages are all rendered. The builder waits
    // until the address is reported before it reports anything about that generation.
    let reported = first_rx.recv().map_err(|_| Failure::Usage("the builder stopped".into()))?;

    let host = match addr.ip() {
        // Listening on every address: the address to open is this computer's own, since
        // Windows and recent browsers do not open http://0.0.0.0/ or http://[::]/.
        IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let url = format!("http://{host}:{}{}", addr.port(), rx.borrow().base_path);
    report(Event::Listening { url, addr });
    report(Event::Watching { poll: options.poll });
    let _ = reported.send(());
    runtime
        .block_on(http::run(listener, rx, open, report))
        .map_err(|e| Failure::Usage(format!("the server stopped: {e}")))
}
