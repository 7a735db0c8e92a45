//! Ids, permalinks, references between content, and backlinks from reports to complexes.

use std::collections::HashMap;

use crate::model::{Id, Site};

/// Every kind of page the site has. Paths are relative to the site root, without the base
/// path and language prefix, and always end in "/" (a folder with index.html) unless they
/// name a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    Home,
    Complexes,
    Complex(&'a str),
    City(&'a str),
    Level(&'a str),
    Status(&'a str),
    Mode(&'a str),
    Industry(&'a str),
    Service(&'a str),
    /// The reports list; page 1 is the list's own URL.
    Reports(usize),
    Report(&'a str),
    /// A year's reports, and the page of that list (page 1 is the list's own URL).
    ReportYear(i16, usize),
    /// A kind's reports, and the page of that list.
    ReportKind(&'a str, usize),
    Page(&'a str),
    Search,
    Feed,
}

/// Top-level folder names a plain page's id may not take.
pub const RESERVED: &[&str] = &[
    "complexes",
    "cities",
    "reports",
    "search",
    "data",
    "assets",
    "static",
    "en",
    "zh",
    "atom",
    "sitemap",
    "robots",
    "404",
];

impl Route<'_> {
    pub fn path(&self) -> String {
        let mut out = String::new();
        self.push_path(&mut out);
        out
    }

    /// Appends [`Route::path`] to `out`.
    pub fn push_path(&self, out: &mut String) {
        use std::fmt::Write;
        // A fixed head, then the id and a slash if there is one.
        let (head, id): (&str, Option<&str>) = match self {
            Route::Home => ("", None),
            Route::Complexes => ("complexes/", None),
            Route::Complex(id) => ("complexes/", Some(id)),
            Route::City(c) => ("cities/", Some(c)),
            Route::Level(v) => ("complexes/level/", Some(v)),
            Route::Status(v) => ("complexes/status/", Some(v)),
            Route::Mode(v) => ("complexes/mode/", Some(v)),
            Route::Industry(v) => ("complexes/industry/", Some(v)),
            Route::Service(v) => ("complexes/service/", Some(v)),
            Route::Reports(1) | Route::Reports(0) => ("reports/", None),
            Route::Report(id) => ("reports/", Some(id)),
            Route::ReportKind(k, n) if *n <= 1 => ("reports/kind/", Some(k)),
            Route::Page(id) => ("", Some(id)),
            Route::Search => ("search/", None),
            Route::Feed => ("atom.xml", None),
            // Pages of lists; writing to a String cannot fail.
            Route::Reports(n) => {
                let _ = write!(out, "reports/page/{n}/");
                return;
            }
            Route::ReportYear(y, n) if *n > 1 => {
                let _ = write!(out, "reports/{y}/page/{n}/");
                return;
            }
            Route::ReportYear(y, _) => {
                let _ = write!(out, "reports/{y}/");
                return;
            }
            Route::ReportKind(k, n) => {
                let _ = write!(out, "reports/kind/{k}/page/{n}/");
                return;
            }
        };
        out.push_str(head);
        if let Some(id) = id {
            out.push_str(id);
            out.push('/');
        }
    }

    /// The output file for this route under a language prefix ("" or "en/").
    pub fn file(&self, prefix: &str) -> String {
        let p = self.path();
        if p.is_empty() || p.ends_with('/') { format!("{prefix}{p}index.html") } else { format!("{prefix}{p}") }
    }
}

/// A link to `route` in `lang`, starting with the site's base path: "/a/b/en/complexes/x/".
pub fn url(site: &Site, lang: &str, route: Route) -> String {
    joined(&site.config.base_path, site, lang, route)
}

/// The absolute URL of `route`, for feeds, sitemaps and canonical links.
pub fn absolute_url(site: &Site, lang: &str, route: Route) -> String {
    joined(&site.config.base_url, site, lang, route)
}

/// `base`, the language prefix of `lang` and the route's path.
fn joined(base: &str, site: &Site, lang: &str, route: Route) -> String {
    let mut out = String::with_capacity(base.len() + 48);
    out.push_str(base);
    site.config.push_lang_prefix(&mut out, lang);
    route.push_path(&mut out);
    out
}

/// A reference written in Markdown as `@/complexes/<id>`, `@/reports/<id>` or `@/pages/<id>`,
/// with an optional `#fragment`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalRef<'a> {
    pub section: &'a str,
    pub id: &'a str,
    pub fragment: Option<&'a str>,
}

pub fn parse_internal_ref(dest: &str) -> Option<InternalRef<'_>> {
    let rest = dest.strip_prefix("@/")?;
    let (path, fragment) = match rest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (rest, None),
    };
    let path = path.trim_end_matches('/');
    let (section, id) = path.split_once('/').unwrap_or((path, ""));
    let id = id.trim_end_matches(".md").trim_end_matches(".yaml");
    Some(InternalRef { section, id, fragment })
}

/// Resolves an internal reference to a URL in `lang`, or says why it cannot.
pub fn resolve_internal_ref(site: &Site, index: &Index, lang: &str, dest: &str) -> Result<String, String> {
    let (route, fragment) = internal_target(index, dest)?;
    let mut u = url(site, lang, route);
    if let Some(f) = fragment {
        u.push('#');
        u.push_str(f);
    }
    Ok(u)
}

/// The page an internal reference points to, in any language, and its fragment; or why
/// there is none.
pub fn internal_target<'d>(index: &Index, dest: &'d str) -> Result<(Route<'d>, Option<&'d str>), String> {
    let r = parse_internal_ref(dest).ok_or_else(|| format!("\"{dest}\" is not an internal link"))?;
    let (route, known): (Route, &[String]) = match r.section {
        "complexes" => (Route::Complex(r.id), &index.complex_ids),
        "reports" => (Route::Report(r.id), &index.report_ids),
        "pages" => (Route::Page(r.id), &index.page_ids),
        other => {
            return Err(format!(
                "broken internal link \"{dest}\": there is no section \"{other}\" (use @/complexes/<id>, @/reports/<id> or @/pages/<id>)"
            ));
        }
    };
    if known.binary_search_by(|k| k.as_str().cmp(r.id)).is_err() {
        let hint = crate::diagnostics::did_you_mean(r.id, known.iter().map(String::as_str))
            .map(|s| format!(" (did you mean \"{s}\"?)"))
            .unwrap_or_default();
        return Err(format!("broken internal link \"{dest}\": there is no {} \"{}\"{hint}", singular(r.section), r.id));
    }
    Ok((route, r.fragment))
}

/// What one item of a section is called in a message: "complex", "report" or "page".
pub(crate) fn singular(section: &str) -> &str {
    match section {
        "complexes" => "complex",
        "reports" => "report",
        _ => "page",
    }
}

/// What links to what, computed once for the whole site.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Sorted ids, for lookups and hints.
    pub complex_ids: Vec<String>,
    pub report_ids: Vec<String>,
    pub page_ids: Vec<String>,
    /// Complex id → indices into `site.reports` of the reports that mention it, newest first.
    pub backlinks: HashMap<Id, Vec<usize>>,
    /// Indices into `site.reports`, newest first (ties by id), for lists and feeds.
    pub reports_newest_first: Vec<usize>,
}

/// Builds the index in one pass over the reports.
pub fn link(site: &Site) -> Index {
    let mut complex_ids: Vec<String> = site.complexes.iter().map(|c| c.id.to_string()).collect();
    complex_ids.sort();
    let mut report_ids: Vec<String> = site.reports.iter().map(|r| r.id.to_string()).collect();
    report_ids.sort();
    let mut page_ids: Vec<String> = site.pages.iter().map(|p| p.id.to_string()).collect();
    page_ids.sort();

    let mut order: Vec<usize> = (0..site.reports.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (&site.reports[a], &site.reports[b]);
        rb.date().cmp(&ra.date()).then_with(|| ra.id.cmp(&rb.id))
    });

    let mut backlinks: HashMap<Id, Vec<usize>> = HashMap::new();
    for &i in &order {
        let r = &site.reports[i];
        let mut seen: Vec<&Id> = Vec::new();
        for c in r.complexes.iter().chain(r.location_complex.iter()) {
            if !seen.contains(&c) {
                seen.push(c);
                backlinks.entry(c.clone()).or_default().push(i);
            }
        }
    }
    Index { complex_ids, report_ids, page_ids, backlinks, reports_newest_first: order }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_pretty_folders() {
        assert_eq!(Route::Complex("huangyan-moulds").file(""), "complexes/huangyan-moulds/index.html");
        assert_eq!(Route::Home.file("en/"), "en/index.html");
        assert_eq!(Route::Reports(2).path(), "reports/page/2/");
        assert_eq!(Route::ReportYear(2019, 1).path(), "reports/2019/");
        assert_eq!(Route::ReportYear(2019, 3).path(), "reports/2019/page/3/");
        assert_eq!(Route::ReportKind("news", 1).path(), "reports/kind/news/");
        assert_eq!(Route::ReportKind("news", 2).path(), "reports/kind/news/page/2/");
        assert_eq!(Route::Feed.file("en/"), "en/atom.xml");
        let every = [
            (Route::Home, ""),
            (Route::Complexes, "complexes/"),
            (Route::City("taizhou"), "cities/taizhou/"),
            (Route::Level("provincial"), "complexes/level/provincial/"),
            (Route::Status("recognised"), "complexes/status/recognised/"),
            (Route::Mode("government-led"), "complexes/mode/government-led/"),
            (Route::Industry("moulds"), "complexes/industry/moulds/"),
            (Route::Service("incubation"), "complexes/service/incubation/"),
            (Route::Reports(0), "reports/"),
            (Route::Reports(1), "reports/"),
            (Route::Report("r1"), "reports/r1/"),
            (Route::Page("about"), "about/"),
            (Route::Search, "search/"),
            (Route::Feed, "atom.xml"),
        ];
        for (route, path) in every {
            assert_eq!(route.path(), path, "{route:?}");
        }
    }

    #[test]
    fn urls_carry_the_base_path_and_the_language_prefix() {
        let mut site = crate::render::testutil::small_site();
        site.config.set_base_url("https://example.org/a/b/").unwrap();
        let other = site.config.languages[1].clone();
        assert_eq!(url(&site, &site.config.languages[0].clone(), Route::Complex("x")), "/a/b/complexes/x/");
        assert_eq!(url(&site, &other, Route::ReportKind("news", 2)), format!("/a/b/{other}/reports/kind/news/page/2/"));
        assert_eq!(absolute_url(&site, &other, Route::Home), format!("https://example.org/a/b/{other}/"));
    }

    #[test]
    fn internal_refs_parse() {
        let r = parse_internal_ref("@/complexes/huangyan-moulds#services").unwrap();
        assert_eq!((r.section, r.id, r.fragment), ("complexes", "huangyan-moulds", Some("services")));
        assert!(parse_internal_ref("https://x").is_none());
    }
}
