//! Markdown, templates and the view structs that templates see: a validated site in, the
//! HTML pages and theme assets out, in memory.
//!
//! Lists, counts and cards are computed once per site and language ([`Catalog`],
//! [`LangViews`]); every page is then a pure function of them (a [`Job`]), rendered in
//! parallel and returned sorted by path, so the output does not depend on thread count.

mod chart;
pub(crate) mod format;
mod map;
pub mod markdown;
mod structured;
mod theme;
pub mod view;

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod testutil;

pub use markdown::escape_html;
use std::collections::HashMap;
use std::path::Path;

use indexmap::IndexMap;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, Vocabulary};
use crate::diagnostics::Diagnostics;
use crate::link::{self, Index, Route};
use crate::model::{Body, BodyTexts, Complex, ItemAt, PartialDate, Site};
use crate::output::{OutputError, OutputFile, Sink};
use crate::validate::BodyLinks;
use markdown::MarkdownContext;
use view::*;

pub use format::{format_date, format_number, format_quantity, html_lang, og_locale};

/// The compiled templates and assets of the site's theme, with the site's overrides.
pub struct Theme {
    tera: tera::Tera,
    /// Template name → the file shown in messages ("templates/profile.html") and its text,
    /// to show the line an error is on.
    paths: HashMap<String, (String, String)>,
    strings: theme::Strings,
    assets: Vec<(String, Vec<u8>)>,
    /// The tiles of the schematic map of the cities.
    map: map::MapLayout,
}

impl Theme {
    /// A hash of the search client the theme ships (`assets/search.js`), as 16 hex digits.
    fn search_script_stamp(&self) -> String {
        use std::hash::{BuildHasher, Hasher};
        let mut h = foldhash::fast::FixedState::default().build_hasher();
        if let Some((_, bytes)) = self.assets.iter().find(|(p, _)| p == "assets/search.js") {
            h.write(bytes);
        }
        format!("{:016x}", h.finish())
    }
}

/// The not-found page's path in the output folder.
pub const NOT_FOUND: &str = "404.html";

/// Loads the theme named in site.yaml: the site's `templates/` folder overrides single
/// templates or blocks of `themes/<name>/templates/`, which falls back to the default theme
/// built into the binary.
pub fn load_theme(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
    theme::build(theme::read_files(root, config)?)
}

/// The built-in default theme alone, for tests and for sites without a folder.
pub fn default_theme() -> Result<Theme, Diagnostics> {
    theme::build(theme::default_files())
}

/// Renders every HTML page in every language, plus the theme's assets, in memory.
pub fn render_site(site: &Site, index: &Index, theme: &Theme) -> (Vec<OutputFile>, Diagnostics) {
    let sink = crate::output::Collect::default();
    // Collecting in memory cannot fail.
    let diags = render_site_to(site, index, theme, &sink).unwrap_or_default();
    (sink.into_sorted().0, diags)
}

/// Renders every HTML page in every language, plus the theme's assets, handing each file to
/// `sink` as soon as it is made so the whole site never has to sit in memory.
pub fn render_site_to(site: &Site, index: &Index, theme: &Theme, sink: &dyn Sink) -> Result<Diagnostics, OutputError> {
    let renderer = Renderer::new(site, index, theme);
    for f in renderer.assets() {
        sink.file(f)?;
    }
    renderer.render_to(&renderer.jobs(), sink)
}

/// Everything the pages of a site share, computed once; then each page is a pure function
/// of it ([`Renderer::render`]), so pages can be rendered in any order, in parallel, or one
/// at a time on demand (as `serve` does), always with the same bytes.
pub struct Renderer<'a> {
    site: &'a Site,
    index: &'a Index,
    theme: &'a Theme,
    catalog: Catalog,
    langs: Vec<LangViews<'a>>,
    /// Unique to this renderer, so that a body kept by [`LAST_BODY`] is never taken for the
    /// body of another site (`serve` makes a renderer for each change).
    id: u64,
    /// Checks the links of each body it renders, when the check left them to the build.
    links: Option<&'a BodyLinks<'a>>,
    /// Whether a body it rendered had a broken link.
    broken_link: std::sync::atomic::AtomicBool,
}

/// Tells renderers apart.
static RENDERERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// The last body this thread turned into HTML without a problem, by renderer and body
    /// part: a profile's or report's pages in each language come one after the other in
    /// [`Renderer::jobs`], and a body in one language shows on all of them, with only its
    /// `@/` links' addresses differing ([`markdown::BodyHtml`]).
    static LAST_BODY: std::cell::RefCell<Option<(u64, usize, markdown::BodyHtml)>> =
        const { std::cell::RefCell::new(None) };
}

/// One page of the site: a language and what to render in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageJob(usize, Job);

impl<'a> Renderer<'a> {
    /// The renderer, checking the links of each body it renders with `links`: a broken one is
    /// reported as the page's problem.
    pub fn checking_links(self, links: Option<&'a BodyLinks<'a>>) -> Renderer<'a> {
        Renderer { links, ..self }
    }

    /// Whether a body it rendered had a broken link, found by [`Renderer::checking_links`].
    pub fn found_broken_link(&self) -> bool {
        self.broken_link.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn new(site: &'a Site, index: &'a Index, theme: &'a Theme) -> Renderer<'a> {
        let catalog = Catalog::new(site, &index.reports_newest_first);
        let langs = site.config.languages.par_iter().map(|l| LangViews::new(site, index, theme, &catalog, l)).collect();
        let id = RENDERERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Renderer { site, index, theme, catalog, langs, id, links: None, broken_link: Default::default() }
    }

    /// The theme's static assets (style sheet, scripts).
    pub fn assets(&self) -> impl Iterator<Item = OutputFile> + '_ {
        self.theme.assets.iter().map(|(p, b)| OutputFile::new(p.clone(), b.clone()))
    }

    /// Every page of the site. A profile's, report's or page's pages in each language come
    /// one after the other, so that the thread that renders one usually renders the next and
    /// can reuse its body (see [`LAST_BODY`]).
    pub fn jobs(&self) -> Vec<PageJob> {
        let mut jobs = self.list_jobs();
        let items = (0..self.site.complexes.len())
            .map(ItemAt::Complex)
            .chain((0..self.site.reports.len()).map(ItemAt::Report))
            .chain((0..self.site.pages.len()).map(ItemAt::Page));
        for item in items {
            jobs.extend(self.item_jobs(item));
        }
        jobs
    }

    /// Every page but those of the profiles, reports and plain pages: the home page, lists,
    /// browse pages, the search page and the not-found page.
    pub fn list_jobs(&self) -> Vec<PageJob> {
        let mut jobs = Vec::new();
        for l in 0..self.langs.len() {
            let mut push = |job| jobs.push(PageJob(l, job));
            push(Job::Home);
            push(Job::Complexes);
            push(Job::Search);
            self.catalog.jobs(self.site.reports.len(), self.per_page()).for_each(push);
        }
        jobs.push(PageJob(0, Job::NotFound));
        jobs
    }

    /// Frees what only the lists and browse pages use (the complexes' cards), once they are
    /// rendered: one rendered afterwards would list no complexes.
    pub fn forget_lists(&mut self) {
        for lv in &mut self.langs {
            lv.complex_values = Vec::new();
            lv.complex_html = Vec::new();
        }
    }

    /// The pages of one profile, report or plain page, a page per language.
    pub fn item_jobs(&self, item: ItemAt) -> impl Iterator<Item = PageJob> + use<> {
        let job = match item {
            ItemAt::Complex(i) => Job::Complex(i),
            ItemAt::Report(i) => Job::Report(i),
            ItemAt::Page(i) => Job::Page(i),
        };
        (0..self.langs.len()).map(move |l| PageJob(l, job))
    }

    /// Renders `jobs` in parallel, handing each file to `sink` as soon as it is made; returns
    /// the problems found, sorted.
    pub fn render_to(&self, jobs: &[PageJob], sink: &dyn Sink) -> Result<Diagnostics, OutputError> {
        let results: Vec<Diagnostics> = jobs
            .par_iter()
            .map(|&job| {
                let (file, d) = self.render(job);
                if let Some(f) = file {
                    sink.file(f)?;
                }
                Ok(d)
            })
            .collect::<Result<_, OutputError>>()?;
        let mut diags = Diagnostics::new();
        for d in results {
            diags.extend(d);
        }
        diags.sort();
        Ok(diags)
    }

    /// Renders the pages of `item` (see [`Renderer::item_jobs`]) one after the other, handing
    /// each file to `sink`; returns the problems found and the plain text of every body turned
    /// into HTML, for the search index.
    pub fn render_item_to(&self, item: ItemAt, sink: &dyn Sink) -> Result<(Diagnostics, BodyTexts), OutputError> {
        let mut diags = Diagnostics::new();
        let mut texts = BodyTexts::new();
        for job in self.item_jobs(item) {
            let (file, d) = self.render_page(job, Some(&mut texts));
            if let Some(f) = file {
                sink.file(f)?;
            }
            diags.extend(d);
        }
        Ok((diags, texts))
    }

    /// The path of the file `job` renders to, relative to the output folder, without rendering it.
    pub fn path(&self, PageJob(l, job): PageJob) -> String {
        match self.route(job) {
            Some(r) => r.file(&self.site.config.lang_prefix(self.langs[l].lang)),
            None => NOT_FOUND.to_string(),
        }
    }

    fn route(&self, job: Job) -> Option<Route<'_>> {
        let site = self.site;
        Some(match job {
            Job::Home => Route::Home,
            Job::Complexes => Route::Complexes,
            Job::Search => Route::Search,
            Job::Browse(..) | Job::Reports(_) | Job::ReportYear(..) | Job::ReportKind(..) => {
                return self.catalog.list_route(job);
            }
            Job::Complex(i) => Route::Complex(site.complexes[i].id.as_str()),
            Job::Report(i) => Route::Report(site.reports[i].id.as_str()),
            Job::Page(i) => Route::Page(site.pages[i].id.as_str()),
            Job::NotFound => return None,
        })
    }
}

/// A way of browsing the complexes, with a pre-rendered page per term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Facet {
    City,
    Level,
    Status,
    Mode,
    Industry,
    Service,
}

impl Facet {
    const ALL: [Facet; 6] = [Facet::City, Facet::Level, Facet::Status, Facet::Mode, Facet::Industry, Facet::Service];

    fn key(self) -> &'static str {
        match self {
            Facet::City => "city",
            Facet::Level => "level",
            Facet::Status => "status",
            Facet::Mode => "mode",
            Facet::Industry => "industry",
            Facet::Service => "service",
        }
    }

    fn route(self, id: &str) -> Route<'_> {
        match self {
            Facet::City => Route::City(id),
            Facet::Level => Route::Level(id),
            Facet::Status => Route::Status(id),
            Facet::Mode => Route::Mode(id),
            Facet::Industry => Route::Industry(id),
            Facet::Service => Route::Service(id),
        }
    }

    fn vocab(self, config: &Config) -> &Vocabulary {
        let v = &config.vocab;
        match self {
            Facet::City => &v.cities,
            Facet::Level => &v.levels,
            Facet::Status => &v.statuses,
            Facet::Mode => &v.modes,
            Facet::Industry => &v.industries,
            Facet::Service => &v.service_elements,
        }
    }

    /// The terms a complex has in this facet, each once.
    fn terms(self, c: &Complex) -> Vec<&str> {
        let mut out: Vec<&str> = match self {
            Facet::City => vec![c.location.city.as_str()],
            Facet::Level => vec![c.level.as_str()],
            Facet::Status => c.status.iter().map(String::as_str).collect(),
            Facet::Mode => c.mode.iter().map(String::as_str).collect(),
            Facet::Industry => c.industry_tags.iter().map(String::as_str).collect(),
            Facet::Service => c.services.iter().map(|s| s.element.as_str()).collect(),
        };
        let mut seen = Vec::with_capacity(out.len());
        out.retain(|t| {
            let new = !seen.contains(t);
            seen.push(*t);
            new
        });
        out
    }
}

/// The terms of one facet that have complexes, in vocabulary order, each with its
/// complexes in directory order.
struct FacetTerms {
    facet: Facet,
    terms: Vec<(String, Vec<usize>)>,
}

/// Language-independent lists, each computed in one pass.
struct Catalog {
    /// Indices into site.complexes in directory order: level, city, then id.
    complex_order: Vec<usize>,
    facets: Vec<FacetTerms>,
    /// Years with reports, newest first, each with its reports newest first.
    years: Vec<(i16, Vec<usize>)>,
    /// Report kinds with reports, in vocabulary order.
    kinds: Vec<(String, Vec<usize>)>,
    /// Indices into site.pages with `menu` set, by menu order.
    menu: Vec<usize>,
    /// The newest date in the content (reviews, publications, updates): when a list page
    /// last changed.
    latest: Option<PartialDate>,
}

/// The list pages a build writes, the same in every language: a browse page for each term
/// that a complex has (a vocabulary term that no complex has gets none), and each page of the
/// list of all reports (one at least, even with no reports) and of the lists of each year and
/// each kind that has reports. The renderer renders exactly these ([`Renderer::jobs`]);
/// `check` holds links from the site's root against them.
pub struct ListPages {
    catalog: Catalog,
    reports: usize,
    per_page: usize,
}

impl ListPages {
    pub fn of(site: &Site) -> ListPages {
        // Which lists there are, and how long, does not depend on the order of the reports.
        let order: Vec<usize> = (0..site.reports.len()).collect();
        ListPages { catalog: Catalog::new(site, &order), reports: site.reports.len(), per_page: per_page(&site.config) }
    }

    /// The route of every list page, each once.
    pub fn routes(&self) -> impl Iterator<Item = Route<'_>> + '_ {
        self.catalog.jobs(self.reports, self.per_page).filter_map(|job| self.catalog.list_route(job))
    }
}

/// How many pages a list of `len` reports takes: one at least.
fn list_pages(len: usize, per_page: usize) -> usize {
    len.div_ceil(per_page).max(1)
}

/// Reports on each page of a list.
fn per_page(config: &Config) -> usize {
    config.reports_per_page.max(1)
}

impl Catalog {
    /// `reports_newest_first` orders each list of reports.
    fn new(site: &Site, reports_newest_first: &[usize]) -> Catalog {
        let v = &site.config.vocab;
        let mut complex_order: Vec<usize> = (0..site.complexes.len()).collect();
        complex_order.sort_by_key(|&i| {
            let c = &site.complexes[i];
            (v.levels.rank(&c.level), v.cities.rank(&c.location.city), c.id.as_str())
        });

        let facets = Facet::ALL
            .iter()
            .map(|&facet| {
                let mut by_term: IndexMap<&str, Vec<usize>> = IndexMap::new();
                for &i in &complex_order {
                    for t in facet.terms(&site.complexes[i]) {
                        by_term.entry(t).or_default().push(i);
                    }
                }
                let vocab = facet.vocab(&site.config);
                let mut terms: Vec<(String, Vec<usize>)> =
                    by_term.into_iter().map(|(t, l)| (t.to_string(), l)).collect();
                terms.sort_by(|a, b| (vocab.rank(&a.0), &a.0).cmp(&(vocab.rank(&b.0), &b.0)));
                FacetTerms { facet, terms }
            })
            .collect();

        let mut years: IndexMap<i16, Vec<usize>> = IndexMap::new();
        let mut kinds: IndexMap<&str, Vec<usize>> = IndexMap::new();
        for &i in reports_newest_first {
            let r = &site.reports[i];
            if let Some(d) = r.date() {
                years.entry(d.year).or_default().push(i);
            }
            kinds.entry(r.kind.as_str()).or_default().push(i);
        }
        let mut years: Vec<(i16, Vec<usize>)> = years.into_iter().collect();
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        let mut kinds: Vec<(String, Vec<usize>)> = kinds.into_iter().map(|(k, l)| (k.to_string(), l)).collect();
        kinds.sort_by(|a, b| (v.report_kinds.rank(&a.0), &a.0).cmp(&(v.report_kinds.rank(&b.0), &b.0)));

        let mut menu: Vec<usize> = (0..site.pages.len()).filter(|&i| site.pages[i].menu.is_some()).collect();
        menu.sort_by_key(|&i| (site.pages[i].menu, site.pages[i].id.as_str()));

        let latest = site
            .complexes
            .iter()
            .filter_map(|c| c.last_reviewed)
            .chain(site.reports.iter().flat_map(|r| [r.updated, r.published, r.date()]).flatten())
            .chain(site.pages.iter().filter_map(|p| p.updated))
            .max();

        Catalog { complex_order, facets, years, kinds, menu, latest }
    }

    /// The list pages (see [`ListPages`]): each term's browse page, then each page of the list
    /// of all `reports`, of each year's and of each kind's, `per_page` reports to a page.
    fn jobs(&self, reports: usize, per_page: usize) -> impl Iterator<Item = Job> + '_ {
        let pages = move |len: usize| 1..=list_pages(len, per_page);
        let browse =
            self.facets.iter().enumerate().flat_map(|(f, ft)| (0..ft.terms.len()).map(move |t| Job::Browse(f, t)));
        let years = self
            .years
            .iter()
            .enumerate()
            .flat_map(move |(i, (_, l))| pages(l.len()).map(move |n| Job::ReportYear(i, n)));
        let kinds = self
            .kinds
            .iter()
            .enumerate()
            .flat_map(move |(i, (_, l))| pages(l.len()).map(move |n| Job::ReportKind(i, n)));
        browse.chain(pages(reports).map(Job::Reports)).chain(years).chain(kinds)
    }

    /// The route of a list page's job; None for any other job.
    fn list_route(&self, job: Job) -> Option<Route<'_>> {
        Some(match job {
            Job::Browse(f, t) => {
                let ft = &self.facets[f];
                ft.facet.route(&ft.terms[t].0)
            }
            Job::Reports(n) => Route::Reports(n),
            Job::ReportYear(i, n) => Route::ReportYear(self.years[i].0, n),
            Job::ReportKind(i, n) => Route::ReportKind(&self.kinds[i].0, n),
            _ => return None,
        })
    }

    fn facet(&self, f: Facet) -> &FacetTerms {
        &self.facets[Facet::ALL.iter().position(|&x| x == f).unwrap_or(0)]
    }
}

/// Views shared by every page of one language, built once.
struct LangViews<'a> {
    lang: &'a str,
    strings: crate::FastIndexMap<String, String>,
    /// Cards by index into site.reports.
    complex_links: crate::FastIndexMap<String, LinkV>,
    /// The same cards, and `site` and `s`, converted to template values once: the values
    /// share their data, so a list page costs a pointer per card, not a copy.
    complex_values: Vec<tera::Value>,
    report_values: Vec<tera::Value>,
    /// Each complex card's HTML, by index into site.complexes; empty if the card template
    /// failed (the lists then render each card themselves, and report the problem).
    complex_html: Vec<Box<str>>,
    site_value: tera::Value,
    strings_value: tera::Value,
    /// Per facet, in Facet::ALL order: each term with its count and browse page.
    facets: Vec<CountGroupV>,
    years: Vec<CountV>,
    kinds: Vec<CountV>,
    /// The home page's charts (by city, by level) and map.
    home_charts: Vec<ChartV>,
    map: Option<MapV>,
}

impl<'a> LangViews<'a> {
    fn new(site: &'a Site, index: &Index, theme: &Theme, catalog: &Catalog, lang: &'a str) -> LangViews<'a> {
        let vw = Viewer::new(site, lang);
        let strings = theme.strings(lang, site.config.default_language());
        let s = |k: &str| strings.get(k).cloned().unwrap_or_default();
        let base = &site.config.base_path;
        let _ = index;

        // Each card becomes a template value as soon as it is made: only the values are kept.
        let mut shared = SharedValues::default();
        let mut complex_links: crate::FastIndexMap<String, LinkV> =
            crate::FastIndexMap::with_capacity_and_hasher(site.complexes.len(), Default::default());
        let complex_values: Vec<tera::Value> = site
            .complexes
            .iter()
            .map(|c| {
                let card = vw.complex_card(c);
                complex_links.insert(card.id.clone(), LinkV { label: card.name.clone(), url: Some(card.url.clone()) });
                shared.complex_card(card)
            })
            .collect();
        let report_values =
            site.reports.iter().map(|r| shared.report_card(vw.report_card(r, &complex_links))).collect();
        drop(shared);

        let facets: Vec<CountGroupV> = catalog
            .facets
            .iter()
            .map(|ft| CountGroupV {
                key: ft.facet.key().to_string(),
                title: s(&format!("facet_{}", ft.facet.key())),
                items: ft
                    .terms
                    .iter()
                    .map(|(id, members)| CountV {
                        id: id.clone(),
                        label: vw.term(ft.facet.vocab(&site.config), id),
                        url: Some(vw.url(ft.facet.route(id))),
                        count: members.len(),
                    })
                    .collect(),
            })
            .collect();
        let years = catalog
            .years
            .iter()
            .map(|(y, l)| CountV {
                id: y.to_string(),
                label: Txt { text: year_label(*y, lang), lang: None },
                url: Some(vw.url(Route::ReportYear(*y, 1))),
                count: l.len(),
            })
            .collect();
        let kinds = catalog
            .kinds
            .iter()
            .map(|(k, l)| CountV {
                id: k.clone(),
                label: vw.term(&site.config.vocab.report_kinds, k),
                url: Some(vw.url(Route::ReportKind(k, 1))),
                count: l.len(),
            })
            .collect();

        let site_v = SiteV {
            title: vw.txt(&site.config.title),
            description: vw.opt(&site.config.description),
            publisher: vw.opt(&site.config.publisher),
            data_licence: vw.opt(&site.config.data_licence),
            data_licence_url: site.config.data_licence_url.clone(),
            base_path: base.clone(),
            home_url: vw.url(Route::Home),
            complexes_url: vw.url(Route::Complexes),
            reports_url: vw.url(Route::Reports(1)),
            search_url: vw.url(Route::Search),
            feed_url: vw.url(Route::Feed),
            stylesheet_url: format!("{base}assets/style.css"),
            icon_url: format!("{base}assets/icon.svg"),
            data: DataLinksV {
                complexes_json: format!("{base}data/complexes.json"),
                complexes_csv: format!("{base}data/complexes.csv"),
                statistics_csv: format!("{base}data/statistics.csv"),
                reports_json: format!("{base}data/reports.json"),
                datapackage: format!("{base}data/datapackage.json"),
            },
            menu: catalog
                .menu
                .iter()
                .map(|&i| {
                    let p = &site.pages[i];
                    LinkV { label: vw.txt(&p.title), url: Some(vw.url(Route::Page(p.id.as_str()))) }
                })
                .collect(),
        };
        let count_text = |n: usize| {
            let key = if n == 1 { "count_complexes_one" } else { "count_complexes" };
            s(key).replace("{n}", &vw.number(n))
        };
        let home_charts = [(Facet::City, "chart_by_city"), (Facet::Level, "chart_by_level")]
            .iter()
            .filter_map(|&(f, key)| {
                let group = &facets[Facet::ALL.iter().position(|&x| x == f).unwrap_or(0)];
                count_chart(group, &format!("chart-{}", f.key()), &s(key), &s, &vw)
            })
            .collect();
        let city_group: &CountGroupV = &facets[0];
        let names: Vec<(String, String)> = site
            .config
            .vocab
            .cities
            .terms
            .iter()
            .map(|t| {
                let n = city_group.items.iter().find(|i| i.id == t.id).map_or(0, |i| i.count);
                (
                    vw.number(n),
                    s("map_city").replace("{city}", &vw.txt(&t.label).text).replace("{count}", &count_text(n)),
                )
            })
            .collect();
        let labels: Vec<Txt> = site.config.vocab.cities.terms.iter().map(|t| vw.txt(&t.label)).collect();
        let map_cities: Vec<map::MapCity> = site
            .config
            .vocab
            .cities
            .terms
            .iter()
            .zip(&labels)
            .zip(&names)
            .map(|((t, label), (count_text, name))| {
                let item = city_group.items.iter().find(|i| i.id == t.id);
                map::MapCity {
                    id: &t.id,
                    label: &label.text,
                    lang: label.lang.as_deref(),
                    count: item.map_or(0, |i| i.count),
                    count_text,
                    name,
                    url: item.and_then(|i| i.url.as_deref()),
                }
            })
            .collect();
        let map = map::render_map("map", &s("map_title"), &s("map_note"), &theme.map, &map_cities).map(|svg| MapV {
            title: s("map_title"),
            note: s("map_note"),
            svg,
        });
        let site_value = to_value(&site_v);
        let strings_value = to_value(&strings);
        // If the card template fails, the lists render each card themselves and report why.
        let complex_html = complex_card_html(&complex_values, theme, &site_value, &strings_value).unwrap_or_default();
        LangViews {
            home_charts,
            map,
            lang,
            site_value,
            strings_value,
            complex_html,
            strings: strings.into_iter().collect(),
            complex_links,
            complex_values,
            report_values,
            facets,
            years,
            kinds,
        }
    }

    fn s<'k>(&'k self, key: &'k str) -> &'k str {
        self.strings.get(key).map(String::as_str).unwrap_or(key)
    }

    fn facet(&self, f: Facet) -> &CountGroupV {
        &self.facets[Facet::ALL.iter().position(|&x| x == f).unwrap_or(0)]
    }
}

/// A bar chart of a count group, with its table; `None` when the group is empty.
fn count_chart(group: &CountGroupV, id: &str, title: &str, s: &dyn Fn(&str) -> String, vw: &Viewer) -> Option<ChartV> {
    if group.items.is_empty() {
        return None;
    }
    let values: Vec<String> = group.items.iter().map(|i| vw.number(i.count)).collect();
    let bars: Vec<chart::Bar> = group
        .items
        .iter()
        .zip(&values)
        .map(|(i, v)| chart::Bar {
            label: &i.label.text,
            lang: i.label.lang.as_deref(),
            value: i.count as f64,
            value_text: v,
        })
        .collect();
    let description = s("chart_description").replace("{title}", title);
    Some(ChartV {
        id: id.to_string(),
        svg: chart::bar_chart(id, title, &description, &bars),
        title: title.to_string(),
        description,
        label_heading: group.title.clone(),
        value_heading: s("count_heading"),
        rows: group
            .items
            .iter()
            .zip(values)
            .map(|(i, value)| ChartRowV { label: i.label.clone(), url: i.url.clone(), value })
            .collect(),
    })
}

/// A chart per indicator observed more than once in the same unit, oldest first.
fn history_charts(history: &[StatV], lv: &LangViews) -> Vec<ChartV> {
    let mut charts = Vec::new();
    let mut start = 0;
    while start < history.len() {
        let first = &history[start];
        let end = start + history[start..].iter().take_while(|s| s.indicator_id == first.indicator_id).count();
        let mut run: Vec<&StatV> = history[start..end].iter().filter(|s| s.unit == first.unit).collect();
        start = end;
        if run.len() < 2 {
            continue;
        }
        run.reverse();
        let title = lv.s("history_chart_title").replace("{indicator}", &first.indicator.text);
        let description = lv.s("chart_description").replace("{title}", &title);
        let labels: Vec<String> = run
            .iter()
            .map(|s| if s.as_of { format!("{}{}", lv.s("as_of"), s.date.text) } else { s.date.text.clone() })
            .collect();
        let values: Vec<String> = run
            .iter()
            .map(|s| {
                let v = if s.at_least { format!("{}{}", lv.s("at_least"), s.value) } else { s.value.clone() };
                if s.unit.is_empty() { v } else { format!("{v} {}", s.unit) }
            })
            .collect();
        let bars: Vec<chart::Bar> = run
            .iter()
            .zip(&labels)
            .zip(&values)
            .map(|((s, l), v)| chart::Bar {
                label: l,
                lang: None,
                value: s.raw_value.parse().unwrap_or(0.0),
                value_text: v,
            })
            .collect();
        let id = format!("chart-{}", first.indicator_id);
        charts.push(ChartV {
            svg: chart::bar_chart(&id, &title, &description, &bars),
            id,
            title,
            description,
            label_heading: lv.s("date").to_string(),
            value_heading: first.indicator.text.clone(),
            rows: labels
                .into_iter()
                .zip(values)
                .map(|(l, value)| ChartRowV { label: Txt { text: l, lang: None }, url: None, value })
                .collect(),
        });
    }
    charts
}

/// The template each complex card is rendered with, once per language.
const COMPLEX_CARD: &str = "partials/complex_card.html";

/// Each complex card's HTML, rendered in parallel by [`COMPLEX_CARD`] with `c`, `site` and
/// `s`: the lists that show every complex (the directory, eighty-odd browse pages at 10,000
/// items) then copy it instead of rendering each card again on each of them. `None` if the
/// template cannot be rendered so (it fails, or needs more than these).
fn complex_card_html(
    cards: &[tera::Value],
    theme: &Theme,
    site: &tera::Value,
    strings: &tera::Value,
) -> Option<Vec<Box<str>>> {
    cards
        .par_iter()
        .map(|card| {
            let mut ctx = tera::Context::new();
            ctx.insert_value("c", card.clone());
            ctx.insert_value("site", site.clone());
            ctx.insert_value("s", strings.clone());
            theme.render_alone(COMPLEX_CARD, &ctx)
        })
        .collect()
}

/// A view as a template value. Views are plain data with string keys, which always convert.
pub(super) fn to_value<T: serde::Serialize>(view: &T) -> tera::Value {
    tera::Value::try_from_serializable(view).unwrap_or_else(|_| tera::Value::none())
}

/// Converts cards to template values once, sharing the parts that many cards hold alike (a
/// level, a city, a status, a kind, a district, a complex a report names): a card's value
/// then owns only what is its own, which at 100,000 items is hundreds of megabytes less.
/// Values share their data, so the templates see exactly the same values.
#[derive(Default)]
struct SharedValues {
    links: crate::FastMap<LinkV, tera::Value>,
    texts: crate::FastMap<Txt, tera::Value>,
}

/// The value of `key` in `values`, converted the first time it is asked for.
fn shared<K: Serialize + Clone + Eq + std::hash::Hash>(
    values: &mut crate::FastMap<K, tera::Value>,
    key: &K,
) -> tera::Value {
    if let Some(v) = values.get(key) {
        return v.clone();
    }
    values.entry(key.clone()).or_insert_with(|| to_value(key)).clone()
}

impl SharedValues {
    fn link(&mut self, l: &LinkV) -> tera::Value {
        shared(&mut self.links, l)
    }

    fn text(&mut self, t: &Txt) -> tera::Value {
        shared(&mut self.texts, t)
    }

    fn complex_card(&mut self, c: ComplexCardV) -> tera::Value {
        let mut map = to_value(&c).into_map().unwrap_or_default();
        map.insert("level".into(), self.link(&c.level));
        map.insert("city".into(), self.link(&c.city));
        if let Some(s) = &c.status {
            map.insert("status".into(), self.link(s));
        }
        if let Some(d) = &c.district {
            map.insert("district".into(), self.text(d));
        }
        if let Some(i) = &c.leading_industry {
            map.insert("leading_industry".into(), self.text(i));
        }
        tera::Value::from(map)
    }

    fn report_card(&mut self, r: ReportCardV) -> tera::Value {
        let mut map = to_value(&r).into_map().unwrap_or_default();
        map.insert("kind".into(), self.link(&r.kind));
        let complexes: Vec<tera::Value> = r.complexes.iter().map(|l| self.link(l)).collect();
        map.insert("complexes".into(), tera::Value::from(complexes));
        tera::Value::from(map)
    }
}

/// `view` with a list of pre-converted cards attached under `key`, and, when `html` has the
/// cards' HTML (see [`complex_card_html`]), theirs one after the other under `<key>_html`.
fn with_cards<T: serde::Serialize>(
    view: &T,
    key: &'static str,
    members: &[usize],
    cards: &[tera::Value],
    html: &[Box<str>],
) -> tera::Value {
    let mut map = to_value(view).into_map().unwrap_or_default();
    // Cards are missing only once the renderer has forgotten them (`Renderer::forget_lists`).
    map.insert(
        key.into(),
        tera::Value::from(members.iter().filter_map(|&i| cards.get(i).cloned()).collect::<Vec<_>>()),
    );
    if !html.is_empty() {
        let mut joined = String::with_capacity(members.iter().map(|&i| html[i].len()).sum());
        members.iter().for_each(|&i| joined.push_str(&html[i]));
        map.insert(format!("{key}_html").into(), tera::Value::safe_string(&joined));
    }
    tera::Value::from(map)
}

/// The pages a pagination bar links: the first, the last and two either side of the
/// current one, each with whether pages were left out before it. Linking every page would
/// make the bar, and the whole list, grow with the square of the number of reports.
fn page_window(current: usize, total: usize) -> impl Iterator<Item = (usize, bool)> {
    let mut last = 0;
    (1..=total).filter(move |&p| p == 1 || p == total || p.abs_diff(current) <= 2).map(move |p| {
        let gap = last != 0 && p > last + 1;
        last = p;
        (p, gap)
    })
}

fn year_label(year: i16, lang: &str) -> String {
    if lang == "zh" { format!("{year}年") } else { year.to_string() }
}

/// One page to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Job {
    Home,
    Complexes,
    /// Index into Catalog::facets and into that facet's terms.
    Browse(usize, usize),
    Complex(usize),
    /// 1-based page of the reports list.
    Reports(usize),
    /// Index into Catalog::years, and the 1-based page of that year's list.
    ReportYear(usize, usize),
    /// Index into Catalog::kinds, and the 1-based page of that kind's list.
    ReportKind(usize, usize),
    Report(usize),
    Page(usize),
    Search,
    NotFound,
}

impl Job {
    /// Page `p` of the same list of reports; any other page as it is.
    fn on_page(self, p: usize) -> Job {
        match self {
            Job::Reports(_) => Job::Reports(p),
            Job::ReportYear(i, _) => Job::ReportYear(i, p),
            Job::ReportKind(i, _) => Job::ReportKind(i, p),
            other => other,
        }
    }
}

/// What every page's context has besides its own view.
struct PageSpec {
    template: &'static str,
    title: String,
    description: String,
    section: &'static str,
}

/// What some pages add to their metadata; lists leave it empty.
#[derive(Default)]
struct PageExtra {
    updated: Option<PartialDate>,
    json_ld: Option<String>,
    article: bool,
    /// An image for link previews: absolute URL and alt text.
    image: Option<(String, String)>,
}

impl Renderer<'_> {
    fn ld_context<'c>(&'c self, lv: &'c LangViews, canonical: &'c str) -> structured::LdContext<'c> {
        structured::LdContext {
            canonical,
            html_lang: html_lang(lv.lang),
            base_url: &self.site.config.base_url,
            base_path: &self.site.config.base_path,
            region: lv.s("province"),
            publisher: self.site.config.publisher.get(lv.lang).map(|(t, _)| t),
        }
    }

    /// How many pages a list of `len` reports takes.
    fn list_pages(&self, len: usize) -> usize {
        list_pages(len, self.per_page())
    }

    /// Reports on each page of a list.
    fn per_page(&self) -> usize {
        per_page(&self.site.config)
    }

    /// A body's HTML on a page in `lv`'s language, and the language it is written in if not
    /// that one. If `texts` is given, a body turned into HTML here adds its plain text to it.
    fn body(
        &self,
        lv: &LangViews,
        body: &Body,
        diags: &mut Diagnostics,
        texts: Option<&mut BodyTexts>,
    ) -> (String, Option<String>) {
        let Some(part) = body.get(lv.lang) else {
            return (String::new(), None);
        };
        let lang = (part.lang != lv.lang).then(|| html_lang(&part.lang).to_string());
        let key = (self.id, std::ptr::from_ref(part) as usize);
        let kept = LAST_BODY.with_borrow(|last| match last {
            Some((id, p, body)) if (*id, *p) == key => Some(body.for_lang(self.site, self.index, lv.lang)),
            _ => None,
        });
        if let Some(html) = kept {
            return (html, lang);
        }
        // The heading links' label is read out inside the body, so it is in the body's language.
        let body_strings = self.langs.iter().find(|l| l.lang == part.lang).unwrap_or(lv);
        let cx = MarkdownContext {
            site: self.site,
            index: self.index,
            anchor_label: body_strings.s("anchor_label"),
            cjk_lang: (!part.lang.starts_with("zh"))
                .then(|| self.site.config.languages.iter().find(|l| l.starts_with("zh")))
                .flatten()
                .map(|l| html_lang(l)),
        };
        let (html, problems) = match part.text() {
            Ok(markdown) => {
                let mut found = self.links.map(|_| Vec::new());
                let (body, problems, text) = markdown::render_markdown_keeping_text(
                    &markdown,
                    &cx,
                    &part.path,
                    part.first_line,
                    texts.is_some(),
                    found.as_mut(),
                );
                // A broken link is reported as the check reports it; a problem the check
                // would have found stops it first, so the render's own are not shown then.
                let mut checked = Diagnostics::new();
                if let (Some(links), Some(found)) = (self.links, found) {
                    links.check(part, &markdown, found, &mut checked);
                }
                let problems = if checked.is_empty() {
                    problems
                } else {
                    self.broken_link.store(true, std::sync::atomic::Ordering::Relaxed);
                    diags.extend(checked);
                    Vec::new()
                };
                if let (Some(texts), Some(text)) = (texts, text) {
                    texts.push((std::ptr::from_ref(part) as usize, text));
                }
                let html = body.for_lang(self.site, self.index, lv.lang);
                if problems.is_empty() {
                    LAST_BODY.set(Some((key.0, key.1, body)));
                }
                (html, problems)
            }
            Err(changed) => (String::new(), vec![changed.diagnostic(part)]),
        };
        diags.extend(Diagnostics::from(problems));
        (html, lang)
    }

    /// Renders one page: its file, or none if its template failed, and the problems found.
    pub fn render(&self, job: PageJob) -> (Option<OutputFile>, Diagnostics) {
        self.render_page(job, None)
    }

    /// [`Renderer::render`], adding to `texts` the plain text of a body turned into HTML.
    fn render_page(
        &self,
        PageJob(l, job): PageJob,
        mut texts: Option<&mut BodyTexts>,
    ) -> (Option<OutputFile>, Diagnostics) {
        let lv = &self.langs[l];
        let site = self.site;
        let vw = Viewer::new(site, lv.lang);
        let mut diags = Diagnostics::new();
        let mut ctx = tera::Context::new();
        let plain = |t: &crate::model::Text| t.text(lv.lang).to_string();
        let mut extra = PageExtra::default();
        let site_description = plain(&site.config.description);

        let spec = match job {
            Job::Home => {
                let latest =
                    self.index.reports_newest_first.iter().take(5).map(|&i| lv.report_values[i].clone()).collect();
                let total = site.complexes.len();
                let home = HomeV {
                    total,
                    total_text: vw.number(total),
                    totals: vec![lv.facet(Facet::Level), lv.facet(Facet::City), lv.facet(Facet::Status)],
                    charts: &lv.home_charts,
                    map: lv.map.as_ref(),
                    uncharted: vec![lv.facet(Facet::Status)],
                    latest_reports: latest,
                };
                ctx.insert("home", &home);
                PageSpec {
                    template: "home.html",
                    title: plain(&site.config.title),
                    description: site_description,
                    section: "home",
                }
            }
            Job::Complexes | Job::Search => {
                let directory = DirectoryV {
                    total: site.complexes.len(),
                    total_text: vw.number(site.complexes.len()),
                    facets: &lv.facets,
                };
                let search = matches!(job, Job::Search);
                // The search page shows no list of complexes.
                let html = if search { &[][..] } else { &lv.complex_html[..] };
                let directory =
                    with_cards(&directory, "complexes", &self.catalog.complex_order, &lv.complex_values, html);
                ctx.insert_value("directory", directory);
                if search {
                    let script_url =
                        format!("{}assets/search.js?v={}", site.config.base_path, self.theme.search_script_stamp());
                    ctx.insert("search", &SearchV { param: "q".into(), script_url, years: &lv.years });
                    PageSpec {
                        template: "search.html",
                        title: lv.s("search").into(),
                        description: lv.s("search_needs_js").into(),
                        section: "search",
                    }
                } else {
                    PageSpec {
                        template: "complexes.html",
                        title: lv.s("complexes").into(),
                        description: site_description,
                        section: "complexes",
                    }
                }
            }
            Job::Browse(f, t) => {
                let ft = &self.catalog.facets[f];
                let (id, members) = &ft.terms[t];
                let vocab = ft.facet.vocab(&site.config);
                let term = vw.term(vocab, id);
                let totals = [Facet::Level, Facet::Status, Facet::City]
                    .into_iter()
                    .filter(|&o| o != ft.facet)
                    .map(|o| self.totals(lv, &vw, o, members))
                    .filter(|g| !g.items.is_empty())
                    .collect();
                let browse = BrowseV {
                    facet: ft.facet.key().to_string(),
                    facet_title: lv.s(&format!("facet_{}", ft.facet.key())).to_string(),
                    description: vocab.get(id).and_then(|x| vw.opt(&x.description)),
                    term: term.clone(),
                    count: members.len(),
                    count_text: vw.number(members.len()),
                    totals,
                };
                ctx.insert_value(
                    "browse",
                    with_cards(&browse, "complexes", members, &lv.complex_values, &lv.complex_html),
                );
                let title = term.text.clone();
                let description = format!("{}{}{}", browse.facet_title, lv.s("colon"), title);
                PageSpec { template: "browse.html", title, description, section: "complexes" }
            }
            Job::Complex(i) => {
                let c = &site.complexes[i];
                let body = self.body(lv, &c.body, &mut diags, texts.take());
                let reports = self
                    .index
                    .backlinks
                    .get(&c.id)
                    .map(|l| l.iter().map(|&r| lv.report_values[r].clone()).collect())
                    .unwrap_or_default();
                let mut complex = vw.complex(c, body, reports);
                complex.charts = history_charts(&complex.history_views, lv);
                let canonical = link::absolute_url(site, lv.lang, Route::Complex(c.id.as_str()));
                extra.json_ld = Some(structured::complex_json_ld(&complex, &self.ld_context(lv, &canonical)));
                extra.updated = c.last_reviewed;
                let description =
                    complex.summary.as_ref().map(|s| s.text.clone()).unwrap_or_else(|| complex.name.text.clone());
                let title = complex.name.text.clone();
                ctx.insert("complex", &complex);
                PageSpec { template: "profile.html", title, description, section: "complexes" }
            }
            Job::Reports(n) | Job::ReportYear(_, n) | Job::ReportKind(_, n) => {
                let (scope, list, title): (&str, &[usize], String) = match job {
                    Job::ReportYear(i, _) => {
                        let (y, l) = &self.catalog.years[i];
                        ("year", l, lv.s("reports_year_title").replace("{year}", &y.to_string()))
                    }
                    Job::ReportKind(i, _) => {
                        let (k, l) = &self.catalog.kinds[i];
                        ("kind", l, vw.term(&site.config.vocab.report_kinds, k).text)
                    }
                    _ => ("all", &self.index.reports_newest_first, lv.s("reports").to_string()),
                };
                // The same list's page `p`.
                let route = |p: usize| self.route(job.on_page(p)).unwrap_or(Route::Reports(p));
                let title = match (scope, n) {
                    (_, 1) => title,
                    ("all", _) => lv.s("reports_page_title").replace("{n}", &n.to_string()),
                    _ => lv.s("list_page_title").replace("{title}", &title).replace("{n}", &n.to_string()),
                };
                let total = self.list_pages(list.len());
                let per = self.per_page();
                let start = ((n - 1) * per).min(list.len());
                let list = &list[start..(start + per).min(list.len())];
                let pagination = (total > 1).then(|| PaginationV {
                    current: n,
                    total,
                    previous_url: (n > 1).then(|| vw.url(route(n - 1))),
                    next_url: (n < total).then(|| vw.url(route(n + 1))),
                    pages: page_window(n, total)
                        .map(|(p, gap_before)| PageLinkV {
                            number: p,
                            url: vw.url(route(p)),
                            current: p == n,
                            gap_before,
                        })
                        .collect(),
                });
                let reports = ReportsV {
                    scope: scope.into(),
                    list_url: vw.url(route(1)),
                    pagination,
                    years: &lv.years,
                    kinds: &lv.kinds,
                };
                ctx.insert_value("reports", with_cards(&reports, "items", list, &lv.report_values, &[]));
                let description = format!("{title} | {}", plain(&site.config.title));
                PageSpec { template: "reports.html", title, description, section: "reports" }
            }
            Job::Report(i) => {
                let r = &site.reports[i];
                let body = self.body(lv, &r.body, &mut diags, texts.take());
                let city_pages = |c: &str| self.catalog.facet(Facet::City).terms.iter().any(|(id, _)| id == c);
                let report = vw.report(r, body, &lv.complex_links, &city_pages);
                let canonical = link::absolute_url(site, lv.lang, Route::Report(r.id.as_str()));
                let cx = self.ld_context(lv, &canonical);
                extra.json_ld = Some(structured::report_json_ld(&report, &cx));
                extra.image = report.photos.first().map(|p| (cx.absolute(&p.src), p.alt.text.clone()));
                extra.updated = r.updated.or(r.published).or(r.date());
                extra.article = true;
                let title = report.title.text.clone();
                let description = report.summary.as_ref().map(|s| s.text.clone()).unwrap_or_else(|| title.clone());
                ctx.insert("report", &report);
                PageSpec { template: "report.html", title, description, section: "reports" }
            }
            Job::Page(i) => {
                let p = &site.pages[i];
                let (body_html, body_lang) = self.body(lv, &p.body, &mut diags, texts.take());
                extra.updated = p.updated;
                let content = PlainPageV {
                    id: p.id.to_string(),
                    title: vw.txt(&p.title),
                    summary: vw.opt(&p.summary),
                    updated: p.updated.as_ref().map(|d| vw.date(d)),
                    body_html,
                    body_lang,
                };
                let title = content.title.text.clone();
                let description =
                    content.summary.as_ref().map(|s| s.text.clone()).unwrap_or_else(|| site_description.clone());
                ctx.insert("content", &content);
                PageSpec { template: "page.html", title, description, section: "page" }
            }
            Job::NotFound => {
                let not_found: Vec<NotFoundV> = self
                    .langs
                    .iter()
                    .map(|other| NotFoundV {
                        html_lang: html_lang(other.lang).to_string(),
                        title: other.s("not_found_title").to_string(),
                        text: other.s("not_found_text").to_string(),
                        home: other.s("not_found_home").to_string(),
                        home_url: link::url(site, other.lang, Route::Home),
                    })
                    .collect();
                let title = not_found.iter().map(|m| m.title.as_str()).collect::<Vec<_>>().join(" · ");
                let description = not_found.iter().map(|m| m.text.as_str()).collect::<Vec<_>>().join(" ");
                ctx.insert("not_found", &not_found);
                PageSpec { template: "404.html", title, description, section: "" }
            }
        };

        let meta = self.page_meta(lv, self.route(job), &spec, extra);
        let output_path = self.path(PageJob(l, job));
        ctx.insert_value("site", lv.site_value.clone());
        ctx.insert_value("s", lv.strings_value.clone());
        ctx.insert("page", &meta);
        match self.theme.render(spec.template, &ctx, &meta.url) {
            Ok(html) => (Some(OutputFile::new(output_path, html)), diags),
            Err(d) => {
                diags.extend(d);
                (None, diags)
            }
        }
    }

    /// Counts of `members` by another facet, for a browse page.
    fn totals(&self, lv: &LangViews, vw: &Viewer, facet: Facet, members: &[usize]) -> CountGroupV {
        let mut counts: crate::FastIndexMap<&str, usize> = crate::FastIndexMap::default();
        for &i in members {
            for t in facet.terms(&self.site.complexes[i]) {
                *counts.entry(t).or_default() += 1;
            }
        }
        let vocab = facet.vocab(&self.site.config);
        let mut items: Vec<CountV> = counts
            .into_iter()
            .map(|(id, count)| CountV {
                id: id.to_string(),
                label: vw.term(vocab, id),
                url: Some(vw.url(facet.route(id))),
                count,
            })
            .collect();
        items.sort_by(|a, b| (vocab.rank(&a.id), &a.id).cmp(&(vocab.rank(&b.id), &b.id)));
        CountGroupV { key: facet.key().into(), title: lv.s(&format!("facet_{}", facet.key())).into(), items }
    }

    fn page_meta(&self, lv: &LangViews, route: Option<Route<'_>>, spec: &PageSpec, extra: PageExtra) -> PageMetaV {
        let site = self.site;
        let site_title = site.config.title.text(lv.lang);
        let languages: Vec<LangLinkV> = self
            .langs
            .iter()
            .map(|other| {
                let to = route.unwrap_or(Route::Home);
                LangLinkV {
                    code: other.lang.to_string(),
                    html_lang: html_lang(other.lang).to_string(),
                    og_locale: og_locale(other.lang),
                    name: other.s("lang_name").to_string(),
                    url: link::url(site, other.lang, to),
                    absolute_url: link::absolute_url(site, other.lang, to),
                    current: other.lang == lv.lang && route.is_some(),
                }
            })
            .collect();
        let url = match route {
            Some(r) => link::url(site, lv.lang, r),
            None => format!("{}404.html", site.config.base_path),
        };
        PageMetaV {
            lang: lv.lang.to_string(),
            html_lang: html_lang(lv.lang).to_string(),
            document_title: if matches!(route, Some(Route::Home)) {
                spec.title.clone()
            } else {
                format!("{} | {site_title}", spec.title)
            },
            title: spec.title.clone(),
            description: spec.description.clone(),
            canonical: route.map(|r| link::absolute_url(site, lv.lang, r)),
            url,
            section: spec.section.to_string(),
            x_default: route.map(|r| link::absolute_url(site, site.config.default_language(), r)),
            languages,
            updated: extra.updated.or(self.catalog.latest).map(|d| Viewer::new(site, lv.lang).date(&d)),
            json_ld: extra.json_ld,
            og_type: if extra.article { "article" } else { "website" }.to_string(),
            og_locale: og_locale(lv.lang),
            image_alt: extra.image.as_ref().map(|i| i.1.clone()),
            image: extra.image.map(|i| i.0),
        }
    }
}

/// The search page's own view: `search` in search.html.
#[derive(Debug, Serialize)]
struct SearchV<'a> {
    /// The name of the query parameter.
    param: String,
    /// The search client, its address naming its content, so that a browser holding an older
    /// client in its cache never runs it against a newer index.
    script_url: String,
    /// The reports by year, for the browse links shown without JavaScript.
    years: &'a [CountV],
}
