//! The open data files: complexes and reports as JSON, complexes and statistics as CSV
//! (UTF-8 with a byte-order mark, so spreadsheet programs show Chinese), and a Frictionless
//! datapackage.json describing them.

use serde::Serialize;
use serde_json::{Value, json};

use crate::link::{Index, Route, absolute_url};
use crate::model::{Complex, Id, PartialDate, Report, Site, Statistic, Text, When};
use crate::output::{OutputError, OutputFile, Sink};

const BOM: &[u8] = b"\xEF\xBB\xBF";

// The records of complexes.json and reports.json, written straight to JSON in the order of
// their fields: every field is there, null when empty.

fn date(d: Option<PartialDate>) -> Option<String> {
    d.map(|d| d.iso())
}

fn opt_text(t: &Text) -> Option<&Text> {
    (!t.is_empty()).then_some(t)
}

/// A number as the CSV files write it: a whole number without a decimal point (6250, not
/// 6250.0), so that a reader of the JSON gets the same value and type as one of the CSV.
fn plain_json_number<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    match crate::render::format::whole_number(*v) {
        Some(n) => s.serialize_i64(n),
        None => s.serialize_f64(*v),
    }
}

fn plain_json_option<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => plain_json_number(v, s),
        None => s.serialize_none(),
    }
}

#[derive(Serialize)]
struct StatisticJson<'a> {
    indicator: &'a str,
    #[serde(serialize_with = "plain_json_number")]
    value: f64,
    unit: &'a str,
    period: Option<String>,
    as_of: Option<String>,
    cumulative: bool,
    at_least: bool,
    scope: Option<&'a Text>,
    source: &'a Option<String>,
    note: Option<&'a Text>,
}

fn statistic_json(s: &Statistic) -> StatisticJson<'_> {
    let (period, as_of) = match &s.when {
        When::Period(d) => (Some(*d), None),
        When::AsOf(d) => (None, Some(*d)),
    };
    StatisticJson {
        indicator: &s.indicator,
        value: s.value,
        unit: &s.unit,
        period: date(period),
        as_of: date(as_of),
        cumulative: s.cumulative,
        at_least: s.at_least,
        scope: opt_text(&s.scope),
        source: &s.source,
        note: opt_text(&s.note),
    }
}

#[derive(Serialize)]
struct ComplexJson<'a> {
    id: &'a Id,
    url: String,
    name: &'a Text,
    short_names: &'a [Text],
    level: &'a str,
    status: &'a Option<String>,
    city: &'a str,
    district: Option<&'a Text>,
    address: Option<&'a Text>,
    coordinates: Option<CoordinatesJson>,
    leading_industry: Option<&'a Text>,
    industry_tags: &'a [String],
    industry_category: &'a Option<String>,
    mode: &'a Option<String>,
    applicant: Option<&'a Text>,
    operator: OperatorJson<'a>,
    host_units: &'a [Text],
    lead_enterprises: &'a [Text],
    partners: &'a [Text],
    listings: Vec<ListingJson<'a>>,
    services: Vec<ServiceJson<'a>>,
    facilities: Option<FacilitiesJson<'a>>,
    statistics: Vec<StatisticJson<'a>>,
    summary: &'a Text,
    contact: Option<ContactJson<'a>>,
    website: &'a Option<String>,
    sources: Vec<SourceJson<'a>>,
    last_reviewed: Option<String>,
}

#[derive(Serialize)]
struct CoordinatesJson {
    lat: f64,
    lon: f64,
    datum: &'static str,
}

#[derive(Serialize)]
struct OperatorJson<'a> {
    name: Option<&'a Text>,
    #[serde(rename = "type")]
    kind: Option<&'a Text>,
}

#[derive(Serialize)]
struct ListingJson<'a> {
    level: &'a str,
    list: &'a str,
    year: Option<i32>,
    batch: &'a Option<String>,
    announced: Option<String>,
    issuer: Option<&'a Text>,
    document: &'a Option<String>,
    source: &'a Option<String>,
}

#[derive(Serialize)]
struct ServiceJson<'a> {
    element: &'a str,
    description: Option<&'a Text>,
    providers: &'a [Text],
}

#[derive(Serialize)]
struct FacilitiesJson<'a> {
    #[serde(serialize_with = "plain_json_option")]
    floor_area_m2: Option<f64>,
    investment: Option<AmountJson<'a>>,
    service_hall: Option<&'a Text>,
    exhibition_hall: Option<&'a Text>,
    source: &'a Option<String>,
}

#[derive(Serialize)]
struct AmountJson<'a> {
    #[serde(serialize_with = "plain_json_number")]
    value: f64,
    unit: &'a str,
}

#[derive(Serialize)]
struct ContactJson<'a> {
    phone: &'a Option<String>,
    email: &'a Option<String>,
    address: Option<&'a Text>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    id: &'a str,
    title: &'a Text,
    publisher: Option<&'a Text>,
    url: &'a Option<String>,
    published: Option<String>,
    note: Option<&'a Text>,
}

fn complex_json<'a>(site: &Site, c: &'a Complex) -> ComplexJson<'a> {
    let lang = site.config.default_language();
    ComplexJson {
        id: &c.id,
        url: absolute_url(site, lang, Route::Complex(c.id.as_str())),
        name: &c.name,
        short_names: &c.short_names,
        level: &c.level,
        status: &c.status,
        city: &c.location.city,
        district: opt_text(&c.location.district),
        address: opt_text(&c.location.address),
        coordinates: c.location.coordinates.map(|k| CoordinatesJson { lat: k.lat, lon: k.lon, datum: k.datum }),
        leading_industry: opt_text(&c.leading_industry),
        industry_tags: &c.industry_tags,
        industry_category: &c.industry_category,
        mode: &c.mode,
        applicant: opt_text(&c.applicant),
        operator: OperatorJson { name: opt_text(&c.operator_name), kind: opt_text(&c.operator_type) },
        host_units: &c.host_units,
        lead_enterprises: &c.lead_enterprises,
        partners: &c.partners,
        listings: c
            .listings
            .iter()
            .map(|l| ListingJson {
                level: &l.level,
                list: &l.list,
                year: l.year,
                batch: &l.batch,
                announced: date(l.announced),
                issuer: opt_text(&l.issuer),
                document: &l.document,
                source: &l.source,
            })
            .collect(),
        services: c
            .services
            .iter()
            .map(|s| ServiceJson {
                element: &s.element,
                description: opt_text(&s.description),
                providers: &s.providers,
            })
            .collect(),
        facilities: c.facilities.as_ref().map(|f| FacilitiesJson {
            floor_area_m2: f.floor_area,
            investment: f.investment.as_ref().map(|(value, unit)| AmountJson { value: *value, unit }),
            service_hall: opt_text(&f.service_hall),
            exhibition_hall: opt_text(&f.exhibition_hall),
            source: &f.source,
        }),
        statistics: c.statistics.iter().map(statistic_json).collect(),
        summary: &c.summary,
        contact: c.contact.as_ref().map(|k| ContactJson {
            phone: &k.phone,
            email: &k.email,
            address: opt_text(&k.address),
        }),
        website: &c.website,
        sources: c
            .sources
            .iter()
            .map(|s| SourceJson {
                id: &s.id,
                title: &s.title,
                publisher: opt_text(&s.publisher),
                url: &s.url,
                published: date(s.published),
                note: opt_text(&s.note),
            })
            .collect(),
        last_reviewed: date(c.last_reviewed),
    }
}

#[derive(Serialize)]
struct ReportJson<'a> {
    id: &'a Id,
    url: String,
    title: &'a Text,
    kind: &'a str,
    event_date: Option<String>,
    event_time: Option<String>,
    event_end_time: Option<String>,
    location: LocationJson<'a>,
    organisers: &'a [Text],
    attendees: Vec<AttendeeJson<'a>>,
    complexes: &'a [Id],
    summary: Option<&'a Text>,
    photos: Vec<PhotoJson<'a>>,
    source: Option<ReportSourceJson<'a>>,
    published: Option<String>,
    updated: Option<String>,
    tags: &'a [Text],
}

#[derive(Serialize)]
struct LocationJson<'a> {
    name: Option<&'a Text>,
    city: &'a Option<String>,
    complex: &'a Option<Id>,
}

#[derive(Serialize)]
struct AttendeeJson<'a> {
    name: Option<&'a Text>,
    title: Option<&'a Text>,
    organisation: Option<&'a Text>,
    role: &'a Option<String>,
}

#[derive(Serialize)]
struct PhotoJson<'a> {
    file: &'a str,
    alt: &'a Text,
    caption: Option<&'a Text>,
    credit: Option<&'a Text>,
    licence: Option<&'a Text>,
}

#[derive(Serialize)]
struct ReportSourceJson<'a> {
    title: Option<&'a Text>,
    publisher: Option<&'a Text>,
    authors: &'a [Text],
    correspondents: &'a [Text],
    url: &'a Option<String>,
    published: Option<String>,
    reuse: Option<&'a Text>,
    note: Option<&'a Text>,
}

fn report_json<'a>(site: &Site, r: &'a Report) -> ReportJson<'a> {
    let lang = site.config.default_language();
    ReportJson {
        id: &r.id,
        url: absolute_url(site, lang, Route::Report(r.id.as_str())),
        title: &r.title,
        kind: &r.kind,
        event_date: date(r.event_date),
        event_time: r.event_time.map(|t| t.to_string()),
        event_end_time: r.event_end_time.map(|t| t.to_string()),
        location: LocationJson {
            name: opt_text(&r.location_name),
            city: &r.location_city,
            complex: &r.location_complex,
        },
        organisers: &r.organisers,
        attendees: r
            .attendees
            .iter()
            .map(|a| AttendeeJson {
                name: opt_text(&a.name),
                title: opt_text(&a.title),
                organisation: opt_text(&a.organisation),
                role: &a.role,
            })
            .collect(),
        complexes: &r.complexes,
        summary: opt_text(&r.summary),
        photos: r
            .photos
            .iter()
            .map(|p| PhotoJson {
                file: &p.file,
                alt: &p.alt,
                caption: opt_text(&p.caption),
                credit: opt_text(&p.credit),
                licence: opt_text(&p.licence),
            })
            .collect(),
        source: r.source.as_ref().map(|s| ReportSourceJson {
            title: opt_text(&s.title),
            publisher: opt_text(&s.publisher),
            authors: &s.authors,
            correspondents: &s.correspondents,
            url: &s.url,
            published: date(s.published),
            reuse: opt_text(&s.reuse),
            note: opt_text(&s.note),
        }),
        published: date(r.published),
        updated: date(r.updated),
        tags: &r.tags,
    }
}

fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(BOM.to_vec());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    w.into_inner().unwrap_or_default()
}

/// A number as people write it: 6250, 16.4; never 6250.0.
pub fn plain_number(v: f64) -> String {
    match crate::render::format::whole_number(v) {
        Some(n) => n.to_string(),
        None => format!("{v}"),
    }
}

const COMPLEX_COLUMNS: &[&str] = &[
    "id",
    "name_zh",
    "name_en",
    "level",
    "status",
    "city",
    "district_zh",
    "industry_zh",
    "industry_en",
    "industry_tags",
    "industry_category",
    "mode",
    "service_elements",
    "summary_zh",
    "summary_en",
    "website",
    "last_reviewed",
    "url",
    // New columns go at the end, as in statistics.csv.
    "district_en",
];
/// The columns of statistics.csv, each with its Frictionless type and what it holds. New
/// columns go at the end, so that readers that count columns keep working.
const STAT_COLUMNS: &[(&str, &str, &str)] = &[
    ("complex", "string", "The complex's id, as in complexes.csv."),
    ("indicator", "string", "The indicator's id, from the site's indicators vocabulary."),
    (
        "value",
        "number",
        "The number exactly as the source gives it, in `unit`: 164 with the unit 亿元 is 16,400,000,000 yuan.",
    ),
    (
        "unit",
        "string",
        "The source's unit, one of the indicator's units; 万 and 亿 before a unit are 10,000 and 100,000,000 of it.",
    ),
    ("period", "string", "The year or month the figure covers (ISO 8601), when it is the figure of a period."),
    ("as_of", "string", "The date a running total stood at (ISO 8601), when it is one."),
    ("cumulative", "boolean", "The source says so far, or 累计."),
    ("at_least", "boolean", "The source gives a lower bound: more than, or 余."),
    ("scope_zh", "string", "What the figure covers, in Chinese; empty when the source sets no scope."),
    ("source", "string", "The id of the source in the complex's sources."),
    ("source_title", "string", "The source's title, in Chinese where it has one."),
    ("source_url", "string", "The source's web address."),
    ("scope_en", "string", "What the figure covers, in English."),
    ("note_zh", "string", "What a reader needs to read the figure correctly, in Chinese: how it was dated or counted."),
    ("note_en", "string", "The same note in English."),
];

const COMPLEXES_JSON: &str = "data/complexes.json";
const REPORTS_JSON: &str = "data/reports.json";
const COMPLEXES_CSV: &str = "data/complexes.csv";
const STATISTICS_CSV: &str = "data/statistics.csv";
const DATAPACKAGE: &str = "data/datapackage.json";

/// The open data files every build writes, by path in the output folder.
pub const FILES: [&str; 5] = [COMPLEXES_JSON, REPORTS_JSON, COMPLEXES_CSV, STATISTICS_CSV, DATAPACKAGE];

/// Hands every data file to `sink` as soon as it is made (so that only the files being made
/// are held), for the site's reports in newest-first order.
pub fn render_data(site: &Site, index: &Index, sink: &dyn Sink) -> Result<(), OutputError> {
    let (zh, en) = (site.config.languages[0].as_str(), site.config.languages.get(1).map_or("en", String::as_str));
    let complexes = || site.complexes.iter().map(|c| complex_json(site, c));
    let reports = || index.reports_newest_first.iter().map(|&i| report_json(site, &site.reports[i]));
    let ex = |t: &Text, l: &str| t.exact(l).unwrap_or("").to_string();
    let complex_rows = site.complexes.iter().map(|c| {
        vec![
            c.id.to_string(),
            ex(&c.name, zh),
            ex(&c.name, en),
            c.level.clone(),
            c.status.clone().unwrap_or_default(),
            c.location.city.clone(),
            ex(&c.location.district, zh),
            ex(&c.leading_industry, zh),
            ex(&c.leading_industry, en),
            c.industry_tags.join(";"),
            c.industry_category.clone().unwrap_or_default(),
            c.mode.clone().unwrap_or_default(),
            c.services.iter().map(|s| s.element.as_str()).collect::<Vec<_>>().join(";"),
            ex(&c.summary, zh),
            ex(&c.summary, en),
            c.website.clone().unwrap_or_default(),
            c.last_reviewed.map(|d| d.iso()).unwrap_or_default(),
            absolute_url(site, zh, Route::Complex(c.id.as_str())),
            ex(&c.location.district, en),
        ]
    });
    let stat_rows = site.complexes.iter().flat_map(|c| {
        c.statistics.iter().map(move |s| {
            let src = s.source.as_ref().and_then(|id| c.sources.iter().find(|x| &x.id == id));
            let (period, as_of) = match &s.when {
                When::Period(d) => (d.iso(), String::new()),
                When::AsOf(d) => (String::new(), d.iso()),
            };
            vec![
                c.id.to_string(),
                s.indicator.clone(),
                plain_number(s.value),
                s.unit.clone(),
                period,
                as_of,
                s.cumulative.to_string(),
                s.at_least.to_string(),
                ex(&s.scope, zh),
                s.source.clone().unwrap_or_default(),
                src.map(|x| x.title.text(zh).to_string()).unwrap_or_default(),
                src.and_then(|x| x.url.clone()).unwrap_or_default(),
                ex(&s.scope, en),
                ex(&s.note, zh),
                ex(&s.note, en),
            ]
        })
    });
    let put = |path: &str, bytes: Vec<u8>| sink.file(OutputFile::new(path, bytes));
    let (json, csv) = rayon::join(
        || {
            put(COMPLEXES_JSON, pretty_array(complexes))?;
            put(REPORTS_JSON, pretty_array(reports))
        },
        || {
            put(COMPLEXES_CSV, csv_bytes(COMPLEX_COLUMNS, complex_rows))?;
            let header: Vec<&str> = STAT_COLUMNS.iter().map(|c| c.0).collect();
            put(STATISTICS_CSV, csv_bytes(&header, stat_rows))
        },
    );
    json.and(csv)?;
    put(DATAPACKAGE, pretty(&datapackage(site)))
}

#[cfg(test)]
#[test]
fn a_streamed_array_is_indented_as_a_whole_one_would_be() {
    let items = [json!({"a": 1, "b": [1, 2]}), json!("x"), json!({})];
    assert_eq!(pretty_array(|| items.iter()), pretty(&Value::Array(items.to_vec())));
    assert_eq!(pretty_array(std::iter::empty::<Value>), pretty(&json!([])));
    let exact = pretty_array(|| items.iter());
    assert_eq!(exact.capacity(), exact.len(), "allocated once, at its size");
}

fn pretty(v: &Value) -> Vec<u8> {
    let mut s = serde_json::to_vec_pretty(v).unwrap_or_default();
    s.push(b'\n');
    s
}

/// A JSON array, indented as `serde_json::to_vec_pretty` does, with a final line break. The
/// items are made one at a time as they are written, and written twice: first only counted,
/// so that the file's buffer is allocated once at its size (the data files are the biggest
/// files of a site, and a buffer grown by doubling would hold up to three times the file
/// while it grows).
fn pretty_array<T: serde::Serialize, I: Iterator<Item = T>>(items: impl Fn() -> I) -> Vec<u8> {
    use serde::Serializer as _;
    fn write<W: std::io::Write, T: serde::Serialize>(out: W, items: impl Iterator<Item = T>) {
        let mut ser = serde_json::Serializer::with_formatter(out, serde_json::ser::PrettyFormatter::new());
        // Records with string keys always serialise, and neither writer fails.
        let _ = ser.collect_seq(items);
    }
    let mut count = Count(0);
    write(&mut count, items());
    let mut out = Vec::with_capacity(count.0 + 1);
    write(&mut out, items());
    out.push(b'\n');
    out
}

/// A writer that only counts the bytes written to it.
struct Count(usize);

impl std::io::Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The data licence as Frictionless wants it: a name (an SPDX id where one is known from the
/// URL or the licence's name), a path and a title. The spec requires a name or a path, so a
/// licence known by neither is left out rather than written as an invalid entry.
fn licences(site: &Site) -> Value {
    let c = &site.config;
    let url = c.data_licence_url.as_deref().unwrap_or("");
    let title = if c.data_licence.is_empty() { "" } else { c.data_licence.text(c.default_language()) };
    // "CC BY-SA 4.0", "cc-by-sa-4.0" and "CC_BY_SA_4.0" all read "CC BY SA 4.0".
    let words = title.to_uppercase().replace(['-', '_'], " ");
    let spdx = [
        ("/by-sa/4.0", "CC BY SA 4.0", "CC-BY-SA-4.0"),
        ("/by/4.0", "CC BY 4.0", "CC-BY-4.0"),
        ("/zero/1.0", "CC0", "CC0-1.0"),
        ("/odbl", "ODBL", "ODbL-1.0"),
    ]
    .iter()
    .find(|(in_url, in_title, _)| url.contains(in_url) || words.contains(in_title))
    .map(|(_, _, id)| *id);
    let mut l = serde_json::Map::new();
    if let Some(n) = spdx {
        l.insert("name".into(), json!(n));
    }
    if !url.is_empty() {
        l.insert("path".into(), json!(url));
    }
    if l.is_empty() {
        return json!([]);
    }
    if !title.is_empty() {
        l.insert("title".into(), json!(title));
    }
    json!([l])
}

fn datapackage(site: &Site) -> Value {
    let lang = site.config.default_language();
    let complex_fields: Vec<Value> = COMPLEX_COLUMNS.iter().map(|c| json!({"name": c, "type": "string"})).collect();
    let stat_fields: Vec<Value> = STAT_COLUMNS
        .iter()
        .map(|(name, kind, description)| json!({"name": name, "type": kind, "description": description}))
        .collect();
    let mut package = json!({
        "profile": "data-package",
        "name": "industrial-innovation-service-complexes",
        "title": site.config.title.text(lang),
        "description": site.config.description.text(lang),
        "homepage": site.config.base_url,
        "licenses": licences(site),
        "resources": [
            {"name": "complexes", "path": "complexes.csv", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "schema": {"fields": complex_fields, "primaryKey": "id"}},
            {"name": "statistics", "path": "statistics.csv", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "description": "One row per observation: a complex, an indicator, its value and unit as the source gives them, the period it covers or the date a running total stood, its scope and notes in Chinese and English, and its source.",
             "schema": {"fields": stat_fields, "foreignKeys": [{"fields": "complex", "reference": {"resource": "complexes", "fields": "id"}}]}},
            {"name": "complexes-json", "path": "complexes.json", "format": "json", "mediatype": "application/json"},
            {"name": "reports-json", "path": "reports.json", "format": "json", "mediatype": "application/json"},
        ],
    });
    // The spec wants at least one licence when `licenses` is there, and no empty description.
    if let Some(p) = package.as_object_mut() {
        p.retain(|_, v| v.as_str().is_none_or(|s| !s.is_empty()) && v.as_array().is_none_or(|a| !a.is_empty()));
    }
    package
}
