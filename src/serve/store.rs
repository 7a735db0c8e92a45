//! The files of one generation of the served site, filled while it is being served.
//!
//! A generation is published as soon as the site has been checked and the renderer set up:
//! the theme's assets and the static files are there at once, each page is rendered on
//! demand (a request puts its page at the head of the queue and waits for it) or in the
//! background, and the files that follow the pages (feeds, data, search index, sitemap)
//! are made once every page is. A request therefore never gets a file of another
//! generation: it waits for this generation's, or, if the generation was given up for a
//! newer one, it is answered from the newer one.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use axum::body::Bytes;

use crate::Failure;

/// One file of the served site.
#[derive(Debug, Clone)]
pub enum Entry {
    /// Generated in memory, exactly as `build` would write it.
    Generated(Bytes),
    /// Copied from static/: read from disk when asked for.
    Copied(PathBuf),
}

/// A rendered page.
#[derive(Debug)]
pub struct Page {
    /// The page's bytes, or None if its template failed.
    pub bytes: Option<Bytes>,
    /// The problems found while rendering it.
    pub problems: crate::diagnostics::Diagnostics,
}

/// What a request finds.
#[derive(Debug, Clone)]
pub enum Found {
    Entry(Entry),
    /// The page could not be rendered: the build will fail with these problems.
    Broken(Arc<Failure>),
    /// The generation has no such file.
    Missing,
    /// The generation was given up before the file was made: ask the next one.
    Gone,
}

/// How a path of the generation is known before its file is made.
#[derive(Debug)]
enum Known {
    Ready(Entry),
    Page(usize),
}

/// How the files after the pages ended.
#[derive(Debug)]
enum Tail {
    Done(HashMap<String, Entry>),
    /// Given up (a newer generation came) or failed (the site has errors).
    Gone,
}

/// The files of one generation.
pub struct Store {
    known: HashMap<String, Known>,
    pages: Vec<OnceLock<Page>>,
    claimed: Vec<AtomicBool>,
    /// The order in which pages are rendered without being asked for: the pages open in
    /// browsers first.
    order: Vec<usize>,
    /// How many of `order` are rendered without being asked for: all of them, or with
    /// `background` off only the open pages.
    eager: usize,
    cursor: AtomicUsize,
    /// Pages that requests wait for, rendered before the background order.
    urgent: Mutex<Vec<usize>>,
    wake: Condvar,
    /// False: only the open pages and those asked for are rendered (tests use this to look
    /// at a generation before it is complete).
    background: bool,
    rendered: AtomicUsize,
    tail: OnceLock<Tail>,
    cancelled: AtomicBool,
    /// Wakes the requests that wait for a file.
    changed: tokio::sync::Notify,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("pages", &self.pages.len())
            .field("rendered", &self.rendered())
            .field("complete", &self.complete())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// A generation with nothing in it, complete (before the first good build).
    pub fn empty() -> Store {
        let store = Store::new(Vec::new(), Vec::new(), Vec::new(), true);
        let _ = store.tail.set(Tail::Done(HashMap::new()));
        store
    }

    /// A generation whose `ready` files are there at once and whose `pages` (by path) are to
    /// be rendered, `first` of them before the others.
    pub fn new(ready: Vec<(String, Entry)>, pages: Vec<String>, first: Vec<usize>, background: bool) -> Store {
        let mut known = HashMap::with_capacity(ready.len() + pages.len());
        for (path, entry) in ready {
            known.insert(path, Known::Ready(entry));
        }
        let n = pages.len();
        for (i, path) in pages.into_iter().enumerate() {
            known.insert(path, Known::Page(i));
        }
        let mut seen = vec![false; n];
        let mut order = Vec::with_capacity(n);
        for i in first {
            if i < n && !std::mem::replace(&mut seen[i], true) {
                order.push(i);
            }
        }
        let open = order.len();
        order.extend((0..n).filter(|&i| !seen[i]));
        let eager = if background { n } else { open };
        Store {
            known,
            pages: (0..n).map(|_| OnceLock::new()).collect(),
            claimed: (0..n).map(|_| AtomicBool::new(false)).collect(),
            order,
            eager,
            cursor: AtomicUsize::new(0),
            urgent: Mutex::new(Vec::new()),
            wake: Condvar::new(),
            background,
            rendered: AtomicUsize::new(0),
            tail: OnceLock::new(),
            cancelled: AtomicBool::new(false),
            changed: tokio::sync::Notify::new(),
        }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    pub fn rendered(&self) -> usize {
        self.rendered.load(Ordering::Relaxed)
    }

    /// Every file has been made.
    pub fn complete(&self) -> bool {
        matches!(self.tail.get(), Some(Tail::Done(_)))
    }

    /// How many files the generation holds so far.
    pub fn files(&self) -> usize {
        let tail = match self.tail.get() {
            Some(Tail::Done(m)) => m.len(),
            _ => 0,
        };
        self.known.len() - self.pages.len() + self.rendered() + tail
    }

    /// The file at `key`, waiting for it to be made if need be.
    pub async fn find(&self, key: &str) -> Found {
        match self.known.get(key) {
            Some(Known::Ready(e)) => Found::Entry(e.clone()),
            Some(Known::Page(i)) => self.wait_for_page(*i).await,
            // Only pages are HTML files: the files after the pages never are.
            None if key.ends_with(".html") => Found::Missing,
            None => self.after_pages(key).await,
        }
    }

    /// Whether `key` is a page, an asset or a static file of the generation, made or not.
    pub fn knows(&self, key: &str) -> bool {
        self.known.contains_key(key)
    }

    /// The file at `key` if it has been made, without waiting.
    pub fn find_now(&self, key: &str) -> Option<Entry> {
        match self.known.get(key) {
            Some(Known::Ready(e)) => Some(e.clone()),
            Some(Known::Page(i)) => self.pages[*i]
                .get()
                .filter(|p| !p.problems.has_errors())
                .and_then(|p| p.bytes.clone())
                .map(Entry::Generated),
            None => match self.tail.get() {
                Some(Tail::Done(m)) => m.get(key).cloned(),
                _ => None,
            },
        }
    }

    async fn wait_for_page(&self, i: usize) -> Found {
        let mut asked = false;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(page) = self.pages[i].get() {
                return match (&page.bytes, page.problems.has_errors()) {
                    (_, true) => Found::Broken(Arc::new(Failure::Content(page.problems.clone()))),
                    (Some(b), false) => Found::Entry(Entry::Generated(b.clone())),
                    (None, false) => Found::Missing,
                };
            }
            if self.cancelled.load(Ordering::Acquire) {
                return Found::Gone;
            }
            if !asked {
                asked = true;
                self.urgent.lock().unwrap_or_else(|e| e.into_inner()).push(i);
                self.wake.notify_one();
            }
            notified.await;
        }
    }

    async fn after_pages(&self, key: &str) -> Found {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.tail.get() {
                Some(Tail::Done(m)) => return m.get(key).cloned().map_or(Found::Missing, Found::Entry),
                Some(Tail::Gone) => return Found::Gone,
                None if self.cancelled.load(Ordering::Acquire) => return Found::Gone,
                None => notified.await,
            }
        }
    }

    /// The next page to render: one a request waits for, else the next in the background
    /// order. None when there is nothing left or the generation was given up.
    pub fn next_page(&self) -> Option<usize> {
        let mut urgent = self.urgent.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if self.cancelled.load(Ordering::Acquire) {
                return None;
            }
            while let Some(i) = urgent.pop() {
                if self.claim(i) {
                    return Some(i);
                }
            }
            while self.cursor.load(Ordering::Relaxed) < self.eager {
                let i = self.order[self.cursor.fetch_add(1, Ordering::Relaxed).min(self.eager - 1)];
                if self.claim(i) {
                    return Some(i);
                }
            }
            if self.background {
                // Every page is claimed: those not rendered yet soon will be.
                return None;
            }
            urgent = self.wake.wait(urgent).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn claim(&self, i: usize) -> bool {
        !self.claimed[i].swap(true, Ordering::AcqRel)
    }

    /// Stores a rendered page and wakes the requests waiting for it.
    pub fn put_page(&self, i: usize, page: Page) {
        if self.pages[i].set(page).is_ok() {
            self.rendered.fetch_add(1, Ordering::Relaxed);
        }
        self.changed.notify_waiters();
    }

    pub fn rendered_page(&self, i: usize) -> Option<&Page> {
        self.pages[i].get()
    }

    /// Stores the files made after the pages: the generation is complete.
    pub fn put_after_pages(&self, files: HashMap<String, Entry>) {
        let _ = self.tail.set(Tail::Done(files));
        self.changed.notify_waiters();
    }

    /// Gives the generation up: rendering stops, and requests waiting for a file that was
    /// not made go to the next generation.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
        let _ = self.tail.set(Tail::Gone);
        // Take the lock so that no worker is between its check and its wait.
        drop(self.urgent.lock().unwrap_or_else(|e| e.into_inner()));
        self.wake.notify_all();
        self.changed.notify_waiters();
    }

    pub fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Page {
        Page { bytes: Some(Bytes::from(text.to_string())), problems: Default::default() }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }

    #[test]
    fn pages_are_rendered_first_when_asked_for_then_in_order() {
        let pages = vec!["a.html".to_string(), "b.html".to_string(), "c.html".to_string(), "d.html".to_string()];
        let store = Store::new(Vec::new(), pages, vec![2], true);
        assert_eq!(store.next_page(), Some(2));
        assert_eq!(store.next_page(), Some(0));
        store.urgent.lock().unwrap().push(3);
        assert_eq!(store.next_page(), Some(3));
        assert_eq!(store.next_page(), Some(1));
        assert_eq!(store.next_page(), None);
    }

    #[test]
    fn without_background_only_open_and_asked_for_pages_are_rendered() {
        let pages = vec!["a.html".to_string(), "b.html".to_string(), "c.html".to_string()];
        let store = Store::new(Vec::new(), pages, vec![1], false);
        store.urgent.lock().unwrap().push(2);
        assert_eq!(store.next_page(), Some(2));
        assert_eq!(store.next_page(), Some(1));
        store.cancel();
        assert_eq!(store.next_page(), None);
        assert_eq!(store.rendered(), 0);
    }

    #[test]
    fn a_request_waits_for_its_page_and_moves_it_to_the_front() {
        let ready = vec![("site.css".to_string(), Entry::Generated(Bytes::from_static(b"css")))];
        let pages = vec!["a.html".to_string(), "b.html".to_string()];
        let store = Arc::new(Store::new(ready, pages, Vec::new(), false));
        let worker = {
            let store = store.clone();
            std::thread::spawn(move || {
                // Only pages that are asked for are rendered.
                let i = store.next_page().unwrap();
                store.put_page(i, page(&format!("page {i}")));
                i
            })
        };
        let found = block_on(store.find("b.html"));
        assert!(matches!(found, Found::Entry(Entry::Generated(b)) if b == "page 1"));
        assert_eq!(worker.join().unwrap(), 1);
        assert!(matches!(block_on(store.find("site.css")), Found::Entry(_)));
        assert!(matches!(block_on(store.find("x.html")), Found::Missing));
        assert!(store.find_now("a.html").is_none());
        assert!(!store.complete());
        store.put_after_pages(HashMap::from([("data.json".to_string(), Entry::Generated(Bytes::from_static(b"{}")))]));
        assert!(matches!(block_on(store.find("data.json")), Found::Entry(_)));
        assert!(matches!(block_on(store.find("other.json")), Found::Missing));
    }

    #[test]
    fn a_given_up_generation_sends_waiting_requests_on() {
        let store = Arc::new(Store::new(Vec::new(), vec!["a.html".to_string()], Vec::new(), false));
        let canceller = {
            let store = store.clone();
            std::thread::spawn(move || {
                // Wait until the request has asked for its page, then give up.
                while store.urgent.lock().unwrap().is_empty() {
                    std::thread::yield_now();
                }
                store.cancel();
            })
        };
        assert!(matches!(block_on(store.find("a.html")), Found::Gone));
        canceller.join().unwrap();
        assert!(matches!(block_on(store.find("data.json")), Found::Gone));
        assert_eq!(store.next_page(), None);
    }
}
