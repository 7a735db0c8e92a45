//! The template contract: every value a template sees is one of these view structs, built
//! here from the model. Text is already in the page's language, numbers and dates already
//! formatted, links already resolved; templates only arrange them. docs/templates.md lists
//! what each template receives.

use serde::Serialize;

use super::format::{format_date, format_number, format_quantity, group_thousands, html_lang, in_base_unit};
use crate::config::{Term, Vocabulary};
use crate::link::{self, Route};
use crate::model::{Complex, PartialDate, Report, Site, Statistic, Text, When};

/// Reader-facing text. `lang` is set only when the text is not in the page's language (a
/// fallback), so the `t` filter can wrap it in an element with the right `lang`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct Txt {
    pub text: String,
    pub lang: Option<String>,
}

/// A date at its precision, for `<time datetime="{{ d.iso }}">{{ d.text }}</time>`.
#[derive(Debug, Clone, Serialize)]
pub struct DateV {
    pub iso: String,
    pub text: String,
}

/// A label with an optional link.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct LinkV {
    pub label: Txt,
    pub url: Option<String>,
}

/// A term with how many items it has, for totals and browse lists.
#[derive(Debug, Clone, Serialize)]
pub struct CountV {
    pub id: String,
    pub label: Txt,
    pub url: Option<String>,
    pub count: usize,
}

/// A titled list of counts ("By city").
#[derive(Debug, Clone, Serialize)]
pub struct CountGroupV {
    pub key: String,
    pub title: String,
    pub items: Vec<CountV>,
}

/// The same page in one of the site's languages.
#[derive(Debug, Clone, Serialize)]
pub struct LangLinkV {
    pub code: String,
    pub html_lang: String,
    /// The Open Graph locale, `zh_CN`.
    pub og_locale: String,
    /// The language's own name (中文, English).
    pub name: String,
    pub url: String,
    pub absolute_url: String,
    pub current: bool,
}

/// What every page has: `page` in every template.
#[derive(Debug, Clone, Serialize)]
pub struct PageMetaV {
    /// Site language code ("zh", "en").
    pub lang: String,
    /// BCP 47 tag for `<html lang>` ("zh-CN", "en").
    pub html_lang: String,
    /// The page's own title (the h1), as plain text.
    pub title: String,
    /// `<title>`: the page title and the site title.
    pub document_title: String,
    pub description: String,
    pub canonical: Option<String>,
    /// This page's URL path, starting with the base path.
    pub url: String,
    /// "home", "complexes", "reports", "search", "page" or "": for aria-current in the nav.
    pub section: String,
    /// The page in every language (including this one), for hreflang and the switch.
    pub languages: Vec<LangLinkV>,
    /// The default language's absolute URL, for hreflang="x-default".
    pub x_default: Option<String>,
    /// When the page's content last changed: a report's update or publication date, a
    /// profile's review date, a plain page's `updated`; lists show the newest of these.
    pub updated: Option<DateV>,
    /// schema.org JSON-LD for the page, ready for a `<script type="application/ld+json">`.
    pub json_ld: Option<String>,
    /// Open Graph type: "article" for reports, "website" otherwise.
    pub og_type: String,
    /// Open Graph locale ("zh_CN", "en").
    pub og_locale: String,
    /// An absolute image URL for link previews (a report's first photo).
    pub image: Option<String>,
    /// The image's alt text.
    pub image_alt: Option<String>,
}

/// One row of a chart's table: the label (linked when it has a page) and the number.
#[derive(Debug, Clone, Serialize)]
pub struct ChartRowV {
    pub label: Txt,
    pub url: Option<String>,
    pub value: String,
}

/// A chart drawn at build time: the SVG, and the same numbers as a table.
#[derive(Debug, Clone, Serialize)]
pub struct ChartV {
    /// Unique on the page; the SVG's title and description use it in their ids.
    pub id: String,
    pub title: String,
    pub description: String,
    /// Inline SVG markup (`| safe` in templates).
    pub svg: String,
    /// Column headings of the table.
    pub label_heading: String,
    pub value_heading: String,
    pub rows: Vec<ChartRowV>,
}

/// The schematic map of the province's cities.
#[derive(Debug, Clone, Serialize)]
pub struct MapV {
    pub title: String,
    /// Says that the map is schematic.
    pub note: String,
    pub svg: String,
}

/// The data files published beside the site.
#[derive(Debug, Clone, Serialize)]
pub struct DataLinksV {
    pub complexes_json: String,
    pub complexes_csv: String,
    pub statistics_csv: String,
    pub reports_json: String,
    pub datapackage: String,
}

/// The site as a whole: `site` in every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteV {
    pub title: Txt,
    pub description: Option<Txt>,
    pub publisher: Option<Txt>,
    pub data_licence: Option<Txt>,
    pub data_licence_url: Option<String>,
    pub base_path: String,
    pub home_url: String,
    pub complexes_url: String,
    pub reports_url: String,
    pub search_url: String,
    pub feed_url: String,
    pub stylesheet_url: String,
    pub icon_url: String,
    pub data: DataLinksV,
    /// Plain pages with `menu` set, by menu order.
    pub menu: Vec<LinkV>,
}

/// A complex in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ComplexCardV {
    pub id: String,
    pub url: String,
    pub name: Txt,
    pub short_name: Option<Txt>,
    pub level: LinkV,
    pub status: Option<LinkV>,
    pub city: LinkV,
    pub district: Option<Txt>,
    pub leading_industry: Option<Txt>,
    pub summary: Option<Txt>,
}

/// A report in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ReportCardV {
    pub id: String,
    pub url: String,
    pub title: Txt,
    pub date: Option<DateV>,
    pub kind: LinkV,
    pub summary: Option<Txt>,
    pub complexes: Vec<LinkV>,
}

/// Points at an entry of a profile's sources.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRefV {
    pub title: Txt,
    /// "#source-<id>" on the same page.
    pub anchor: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceV {
    pub id: String,
    /// The element id ("source-<id>") that statistics link to.
    pub anchor_id: String,
    pub title: Txt,
    pub publisher: Option<Txt>,
    pub url: Option<String>,
    pub published: Option<DateV>,
    pub note: Option<Txt>,
}

/// One observation of an indicator.
#[derive(Debug, Clone, Serialize)]
pub struct StatV {
    pub indicator_id: String,
    pub indicator: Txt,
    /// The number as the reader expects it ("7.79万", "77,900").
    pub value: String,
    /// The value as written, in `unit` as the source gives it (164 for 164 亿元).
    pub raw_value: String,
    /// The quantity in the base unit of the source's unit, the same in every language, for
    /// `<data value>`: 16400000000 for 164 亿元, shown as "164 亿元" or "16.4 billion yuan".
    pub base_value: String,
    pub unit: String,
    pub date: DateV,
    /// True when the date is an as-of date (a running total), false for a period.
    pub as_of: bool,
    pub cumulative: bool,
    pub at_least: bool,
    pub scope: Option<Txt>,
    pub note: Option<Txt>,
    pub source: Option<SourceRefV>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceV {
    pub element: LinkV,
    pub description: Option<Txt>,
    pub providers: Vec<Txt>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListingV {
    pub level: Txt,
    pub list: Txt,
    pub year: Option<i32>,
    pub batch: Option<String>,
    pub announced: Option<DateV>,
    pub issuer: Option<Txt>,
    pub document: Option<String>,
    pub source: Option<SourceRefV>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuantityV {
    pub value: String,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FacilitiesV {
    pub floor_area: Option<QuantityV>,
    pub investment: Option<QuantityV>,
    pub service_hall: Option<Txt>,
    pub exhibition_hall: Option<Txt>,
    pub source: Option<SourceRefV>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactV {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<Txt>,
}

/// A complex's profile: `complex` in profile.html.
#[derive(Debug, Clone, Serialize)]
pub struct ComplexV {
    pub id: String,
    pub url: String,
    pub name: Txt,
    pub short_names: Vec<Txt>,
    pub summary: Option<Txt>,
    pub level: LinkV,
    pub status: Option<LinkV>,
    pub city: LinkV,
    pub district: Option<Txt>,
    pub address: Option<Txt>,
    pub leading_industry: Option<Txt>,
    pub industries: Vec<LinkV>,
    pub category: Option<Txt>,
    pub mode: Option<LinkV>,
    pub applicant: Option<Txt>,
    pub operator: Option<Txt>,
    pub operator_type: Option<Txt>,
    pub host_units: Vec<Txt>,
    pub lead_enterprises: Vec<Txt>,
    pub partners: Vec<Txt>,
    pub services: Vec<ServiceV>,
    /// The latest observation of each indicator, in the vocabulary's order, as template
    /// values: those of the same observations in `history`, shared instead of made again.
    pub latest: Vec<tera::Value>,
    /// Every observation: by indicator, newest first, as template values.
    pub history: Vec<tera::Value>,
    /// `history` as views, for the charts drawn from it.
    #[serde(skip)]
    pub history_views: Vec<StatV>,
    /// The rendered Markdown narrative ("" when there is none).
    pub body_html: String,
    /// The language the body is written in, when it is not the page's.
    pub body_lang: Option<String>,
    pub listings: Vec<ListingV>,
    pub facilities: Option<FacilitiesV>,
    pub contact: Option<ContactV>,
    pub website: Option<String>,
    pub sources: Vec<SourceV>,
    pub last_reviewed: Option<DateV>,
    /// Reports that mention the complex, newest first: report cards as template values.
    pub reports: Vec<tera::Value>,
    /// A chart per indicator observed more than once in one unit, oldest observation first.
    pub charts: Vec<ChartV>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttendeeV {
    /// What identifies the attendee, for the row header: the name, or when the source names
    /// only an organisation ("the principal leader of Zhuji"), the organisation.
    pub label: Txt,
    /// Empty text when the source gives no name.
    pub name: Txt,
    pub title: Option<Txt>,
    pub organisation: Option<Txt>,
    pub role: Option<Txt>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhotoV {
    /// base_path + the file's path under static/.
    pub src: String,
    pub alt: Txt,
    pub caption: Option<Txt>,
    pub credit: Option<Txt>,
    pub licence: Option<Txt>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportSourceV {
    pub title: Option<Txt>,
    pub publisher: Option<Txt>,
    pub authors: Vec<Txt>,
    pub correspondents: Vec<Txt>,
    pub url: Option<String>,
    pub published: Option<DateV>,
    pub reuse: Option<Txt>,
    pub note: Option<Txt>,
}

/// The `<meta>` tags Chinese government sites carry on articles.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleMetaV {
    pub title: String,
    pub pub_date: Option<String>,
    pub content_source: Option<String>,
    pub keywords: String,
    pub description: String,
}

/// A report: `report` in report.html.
#[derive(Debug, Clone, Serialize)]
pub struct ReportV {
    pub id: String,
    pub url: String,
    pub title: Txt,
    pub kind: LinkV,
    pub date: Option<DateV>,
    /// "09:30" or "09:30–11:00".
    pub time: Option<String>,
    /// The start as an ISO date-time, when date and time are both known to the day.
    pub datetime: Option<String>,
    pub location: Option<Txt>,
    pub location_city: Option<LinkV>,
    pub location_complex: Option<LinkV>,
    pub organisers: Vec<Txt>,
    pub attendees: Vec<AttendeeV>,
    pub complexes: Vec<LinkV>,
    pub summary: Option<Txt>,
    pub body_html: String,
    pub body_lang: Option<String>,
    pub photos: Vec<PhotoV>,
    pub source: Option<ReportSourceV>,
    pub published: Option<DateV>,
    pub updated: Option<DateV>,
    pub tags: Vec<Txt>,
    pub meta: ArticleMetaV,
}

/// One numbered page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct PageLinkV {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// A run of pages left out between this one and the one before ("…").
    pub gap_before: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PaginationV {
    pub current: usize,
    pub total: usize,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageLinkV>,
}

/// A list of reports: `reports` in reports.html (the main list, a year or a kind).
#[derive(Debug, Clone, Serialize)]
pub struct ReportsV<'a> {
    /// "all", "year" or "kind".
    pub scope: String,
    /// The first page of this list (the year's, the kind's, or all reports).
    pub list_url: String,
    // `items` (the report cards) is attached by the renderer from cards converted once.
    pub pagination: Option<PaginationV>,
    pub years: &'a [CountV],
    pub kinds: &'a [CountV],
}

/// The home page: `home` in home.html.
#[derive(Debug, Clone, Serialize)]
pub struct HomeV<'a> {
    pub total: usize,
    pub total_text: String,
    /// Counts by level, city and status.
    pub totals: Vec<&'a CountGroupV>,
    /// Complexes by city and by level, as charts with their tables.
    pub charts: &'a [ChartV],
    /// The schematic map of the cities with their numbers of complexes.
    pub map: Option<&'a MapV>,
    /// The totals that have no chart (by status), as lists.
    pub uncharted: Vec<&'a CountGroupV>,
    /// Report cards as template values.
    pub latest_reports: Vec<tera::Value>,
}

/// The complexes directory: `directory` in complexes.html, and the browse lists of search.html.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryV<'a> {
    pub total: usize,
    pub total_text: String,
    // `complexes` (the cards) is attached by the renderer from cards converted once.
    pub facets: &'a [CountGroupV],
}

/// One browse page (a city, level, status, mode, industry or service element): `browse` in
/// browse.html.
#[derive(Debug, Clone, Serialize)]
pub struct BrowseV {
    /// "city", "level", "status", "mode", "industry" or "service".
    pub facet: String,
    pub facet_title: String,
    pub term: Txt,
    pub description: Option<Txt>,
    pub count: usize,
    pub count_text: String,
    // `complexes` (the cards) is attached by the renderer from cards converted once.
    /// Totals of these complexes by the other facets (for a city: by level and status).
    pub totals: Vec<CountGroupV>,
}

/// The not-found message in one of the site's languages: `not_found` in 404.html holds one
/// for each language, the default first. A static host serves the one 404.html for every
/// missing address, whichever language the reader was reading.
#[derive(Debug, Clone, Serialize)]
pub struct NotFoundV {
    /// BCP 47 tag for the `lang` of the parts in this language.
    pub html_lang: String,
    pub title: String,
    pub text: String,
    /// The link text to the home page in this language, and its address.
    pub home: String,
    pub home_url: String,
}

/// A plain page: `content` in page.html.
#[derive(Debug, Clone, Serialize)]
pub struct PlainPageV {
    pub id: String,
    pub title: Txt,
    pub summary: Option<Txt>,
    pub updated: Option<DateV>,
    pub body_html: String,
    pub body_lang: Option<String>,
}

/// A number for an attribute: no thousands separators, at most four decimals.
fn plain(v: f64) -> String {
    group_thousands(v).replace(',', "")
}

/// Builds views in one language.
pub struct Viewer<'a> {
    pub site: &'a Site,
    pub lang: &'a str,
}

impl<'a> Viewer<'a> {
    pub fn new(site: &'a Site, lang: &'a str) -> Self {
        Viewer { site, lang }
    }

    pub fn url(&self, route: Route) -> String {
        link::url(self.site, self.lang, route)
    }

    /// Text in the page's language, or its fallback marked with the language it is in.
    pub fn txt(&self, t: &Text) -> Txt {
        match t.get(self.lang) {
            Some((text, l)) => Txt { text: text.to_string(), lang: (l != self.lang).then(|| html_lang(l).to_string()) },
            None => Txt { text: String::new(), lang: None },
        }
    }

    pub fn opt(&self, t: &Text) -> Option<Txt> {
        (!t.is_empty()).then(|| self.txt(t))
    }

    pub fn list(&self, ts: &[Text]) -> Vec<Txt> {
        ts.iter().filter(|t| !t.is_empty()).map(|t| self.txt(t)).collect()
    }

    pub fn date(&self, d: &PartialDate) -> DateV {
        DateV { iso: d.iso(), text: format_date(d, self.lang) }
    }

    pub fn number(&self, n: usize) -> String {
        format_number(n as f64, self.lang)
    }

    /// A vocabulary term's label; an unknown id (validation reports it) shows as itself.
    pub fn term(&self, vocab: &Vocabulary, id: &str) -> Txt {
        match vocab.get(id) {
            Some(Term { label, .. }) => self.txt(label),
            None => Txt { text: id.to_string(), lang: None },
        }
    }

    /// A term's label, linked to its browse page when it has one.
    pub fn term_link(&self, vocab: &Vocabulary, id: &str, route: Option<Route>) -> LinkV {
        LinkV { label: self.term(vocab, id), url: route.map(|r| self.url(r)) }
    }

    pub fn complex_card(&self, c: &Complex) -> ComplexCardV {
        let v = &self.site.config.vocab;
        ComplexCardV {
            id: c.id.to_string(),
            url: self.url(Route::Complex(c.id.as_str())),
            name: self.txt(&c.name),
            short_name: c.short_names.first().filter(|t| !t.is_empty()).map(|t| self.txt(t)),
            level: self.term_link(&v.levels, &c.level, Some(Route::Level(&c.level))),
            status: c.status.as_deref().map(|s| self.term_link(&v.statuses, s, Some(Route::Status(s)))),
            city: self.term_link(&v.cities, &c.location.city, Some(Route::City(&c.location.city))),
            district: self.opt(&c.location.district),
            leading_industry: self.opt(&c.leading_industry),
            summary: self.opt(&c.summary),
        }
    }

    /// `complex_names` holds each complex's name link by id, for the complexes a report names.
    pub fn report_card(&self, r: &Report, complex_links: &crate::FastIndexMap<String, LinkV>) -> ReportCardV {
        ReportCardV {
            id: r.id.to_string(),
            url: self.url(Route::Report(r.id.as_str())),
            title: self.txt(&r.title),
            date: r.date().map(|d| self.date(&d)),
            kind: self.term_link(&self.site.config.vocab.report_kinds, &r.kind, Some(Route::ReportKind(&r.kind, 1))),
            summary: self.opt(&r.summary),
            complexes: r.complexes.iter().filter_map(|id| complex_links.get(id.as_str()).cloned()).collect(),
        }
    }

    fn source_ref(&self, c: &Complex, id: Option<&str>) -> Option<SourceRefV> {
        let id = id?;
        let s = c.sources.iter().find(|s| s.id == id)?;
        Some(SourceRefV { title: self.txt(&s.title), anchor: format!("#source-{}", s.id), url: s.url.clone() })
    }

    fn stat(&self, c: &Complex, s: &Statistic) -> StatV {
        let (value, unit) = format_quantity(s.value, &s.unit, self.lang);
        StatV {
            indicator_id: s.indicator.clone(),
            indicator: self.term(&self.site.config.vocab.indicators, &s.indicator),
            value,
            raw_value: plain(s.value),
            base_value: plain(in_base_unit(s.value, &s.unit).0),
            unit,
            date: self.date(&s.when.date()),
            as_of: matches!(s.when, When::AsOf(_)),
            cumulative: s.cumulative,
            at_least: s.at_least,
            scope: self.opt(&s.scope),
            note: self.opt(&s.note),
            source: self.source_ref(c, s.source.as_deref()),
        }
    }

    /// The profile; `body` is the rendered narrative with the language it is in, `reports`
    /// the cards of the reports that mention the complex.
    pub fn complex(&self, c: &Complex, body: (String, Option<String>), reports: Vec<tera::Value>) -> ComplexV {
        let v = &self.site.config.vocab;
        let card = self.complex_card(c);

        // Statistics by their index in `c.statistics`. Latest per indicator: one pass,
        // keeping the newest date (the later entry on ties).
        let stats = &c.statistics;
        let mut latest: crate::FastIndexMap<&str, usize> = crate::FastIndexMap::default();
        for (i, s) in stats.iter().enumerate() {
            let e = latest.entry(s.indicator.as_str()).or_insert(i);
            if s.when.date() >= stats[*e].when.date() {
                *e = i;
            }
        }
        let mut latest: Vec<usize> = latest.into_values().collect();
        latest.sort_by_key(|&i| (v.indicators.rank(&stats[i].indicator), stats[i].indicator.clone()));
        let mut history: Vec<usize> = (0..stats.len()).collect();
        history.sort_by(|&a, &b| {
            let (a, b) = (&stats[a], &stats[b]);
            (v.indicators.rank(&a.indicator), &a.indicator)
                .cmp(&(v.indicators.rank(&b.indicator), &b.indicator))
                .then_with(|| b.when.date().cmp(&a.when.date()))
        });

        let history_views: Vec<StatV> = history.iter().map(|&i| self.stat(c, &stats[i])).collect();
        let history_values: Vec<tera::Value> = history_views.iter().map(super::to_value).collect();
        // Each latest observation is a row of the history: it shares that row's value (the
        // view of a statistic is most of a profile's conversion to template values).
        let mut row = vec![0; stats.len()];
        for (r, &i) in history.iter().enumerate() {
            row[i] = r;
        }
        let latest: Vec<tera::Value> = latest.iter().map(|&i| history_values[row[i]].clone()).collect();

        let listings = c
            .listings
            .iter()
            .map(|l| ListingV {
                level: self.term(&v.levels, &l.level),
                list: self.term(&v.list_types, &l.list),
                year: l.year,
                batch: l.batch.clone(),
                announced: l.announced.as_ref().map(|d| self.date(d)),
                issuer: self.opt(&l.issuer),
                document: l.document.clone(),
                source: self.source_ref(c, l.source.as_deref()),
            })
            .collect();
        let facilities = c.facilities.as_ref().map(|f| FacilitiesV {
            floor_area: f.floor_area.map(|a| {
                let (value, unit) = format_quantity(a, "m²", self.lang);
                QuantityV { value, unit }
            }),
            investment: f.investment.as_ref().map(|(a, unit)| {
                let (value, unit) = format_quantity(*a, unit, self.lang);
                QuantityV { value, unit }
            }),
            service_hall: self.opt(&f.service_hall),
            exhibition_hall: self.opt(&f.exhibition_hall),
            source: self.source_ref(c, f.source.as_deref()),
        });
        let contact = c.contact.as_ref().map(|k| ContactV {
            phone: k.phone.clone(),
            email: k.email.clone(),
            address: self.opt(&k.address),
        });

        ComplexV {
            id: card.id,
            url: card.url,
            name: card.name,
            short_names: self.list(&c.short_names),
            summary: card.summary,
            level: card.level,
            status: card.status,
            city: card.city,
            district: card.district,
            address: self.opt(&c.location.address),
            leading_industry: card.leading_industry,
            industries: c
                .industry_tags
                .iter()
                .map(|t| self.term_link(&v.industries, t, Some(Route::Industry(t))))
                .collect(),
            category: c.industry_category.as_deref().map(|k| self.term(&v.industry_categories, k)),
            mode: c.mode.as_deref().map(|m| self.term_link(&v.modes, m, Some(Route::Mode(m)))),
            applicant: self.opt(&c.applicant),
            operator: self.opt(&c.operator_name),
            operator_type: self.opt(&c.operator_type),
            host_units: self.list(&c.host_units),
            lead_enterprises: self.list(&c.lead_enterprises),
            partners: self.list(&c.partners),
            services: c
                .services
                .iter()
                .map(|s| ServiceV {
                    element: self.term_link(&v.service_elements, &s.element, Some(Route::Service(&s.element))),
                    description: self.opt(&s.description),
                    providers: self.list(&s.providers),
                })
                .collect(),
            latest,
            history: history_values,
            history_views,
            body_html: body.0,
            body_lang: body.1,
            listings,
            facilities,
            contact,
            website: c.website.clone(),
            sources: c
                .sources
                .iter()
                .map(|s| SourceV {
                    id: s.id.clone(),
                    anchor_id: format!("source-{}", s.id),
                    title: self.txt(&s.title),
                    publisher: self.opt(&s.publisher),
                    url: s.url.clone(),
                    published: s.published.as_ref().map(|d| self.date(d)),
                    note: self.opt(&s.note),
                })
                .collect(),
            last_reviewed: c.last_reviewed.as_ref().map(|d| self.date(d)),
            reports,
            charts: Vec::new(),
        }
    }

    pub fn report(
        &self,
        r: &Report,
        body: (String, Option<String>),
        complex_links: &crate::FastIndexMap<String, LinkV>,
        city_pages: &dyn Fn(&str) -> bool,
    ) -> ReportV {
        let v = &self.site.config.vocab;
        let card = self.report_card(r, complex_links);
        let time = r.event_time.map(|t| match r.event_end_time {
            Some(end) => format!("{t}–{end}"),
            None => t.to_string(),
        });
        let datetime = match (r.event_date, r.event_time) {
            (Some(d), Some(t)) if d.day.is_some() => Some(format!("{}T{t}+08:00", d.iso())),
            _ => None,
        };
        let source = r.source.as_ref().map(|s| ReportSourceV {
            title: self.opt(&s.title),
            publisher: self.opt(&s.publisher),
            authors: self.list(&s.authors),
            correspondents: self.list(&s.correspondents),
            url: s.url.clone(),
            published: s.published.as_ref().map(|d| self.date(d)),
            reuse: self.opt(&s.reuse),
            note: self.opt(&s.note),
        });
        let meta = ArticleMetaV {
            title: card.title.text.clone(),
            pub_date: r.published.or(r.event_date).map(|d| d.iso()),
            content_source: r.source.as_ref().and_then(|s| s.publisher.get(self.lang)).map(|(t, _)| t.to_string()),
            keywords: r.tags.iter().filter_map(|t| t.get(self.lang)).map(|(t, _)| t).collect::<Vec<_>>().join(","),
            description: card.summary.as_ref().map(|s| s.text.clone()).unwrap_or_default(),
        };
        ReportV {
            id: card.id,
            url: card.url,
            title: card.title,
            kind: card.kind,
            date: r.event_date.as_ref().map(|d| self.date(d)),
            time,
            datetime,
            location: self.opt(&r.location_name),
            location_city: r
                .location_city
                .as_deref()
                .map(|c| self.term_link(&v.cities, c, city_pages(c).then_some(Route::City(c)))),
            location_complex: r.location_complex.as_ref().and_then(|id| complex_links.get(id.as_str()).cloned()),
            organisers: self.list(&r.organisers),
            attendees: r
                .attendees
                .iter()
                .map(|a| AttendeeV {
                    // Validation requires a name or an organisation.
                    label: self.opt(&a.name).unwrap_or_else(|| self.txt(&a.organisation)),
                    name: self.txt(&a.name),
                    title: self.opt(&a.title),
                    organisation: self.opt(&a.organisation),
                    role: a.role.as_deref().map(|x| self.term(&v.attendee_roles, x)),
                })
                .collect(),
            complexes: card.complexes,
            summary: card.summary,
            body_html: body.0,
            body_lang: body.1,
            photos: r
                .photos
                .iter()
                .map(|p| PhotoV {
                    src: format!("{}{}", self.site.config.base_path, p.file.trim_start_matches('/')),
                    alt: self.txt(&p.alt),
                    caption: self.opt(&p.caption),
                    credit: self.opt(&p.credit),
                    licence: self.opt(&p.licence),
                    width: p.width,
                    height: p.height,
                })
                .collect(),
            source,
            published: r.published.as_ref().map(|d| self.date(d)),
            updated: r.updated.as_ref().map(|d| self.date(d)),
            tags: self.list(&r.tags),
            meta,
        }
    }
}
