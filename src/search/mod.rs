//! The search index: one per language, written as static files under `<lang prefix>search/`
//! and read by the browser client (themes/default/static/assets/search.js).
//!
//! - `manifest.json`: the first term of every shard, the facets (values, labels and one
//!   run-length column per facet over all documents) and the document count.
//! - `t/<n>.bin`: the term dictionary split into shards of about [`SHARD_BYTES`], so a
//!   query fetches only the shards its terms fall in (format in [`shard`]).
//! - `d/<n>.json`: document metadata (title, type, URL, city, date, excerpt source) in
//!   chunks of [`CHUNK_DOCS`], fetched only for the results shown.
//!
//! Each language gets its own index because titles, URLs and excerpts differ per language;
//! the names and titles in the other languages are indexed too (field 1), so "Huangyan"
//! finds 黄岩模具 on the Chinese site.

pub mod shard;
pub mod tokenize;

use std::collections::HashMap;

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::link::{self, Route};
use crate::model::{Body, Site, Text};
use crate::output::{OutputError, OutputFile, Sink};
use shard::Postings;

/// Target size of a term shard, before compression. A term with more postings than this
/// gets a shard of its own.
pub const SHARD_BYTES: usize = 24 * 1024;
/// Documents per metadata chunk: small, since a page of results touches up to ten chunks.
pub const CHUNK_DOCS: usize = 8;
/// Characters of summary and body kept as the source of a result's excerpt.
pub const EXCERPT_CHARS: usize = 280;
/// Fields, in rank order: 0 title or name; 1 short names and names in other languages;
/// 2 places, people, industries, services and tags; 3 summary; 4 body.
pub const FIELDS: usize = 5;
/// Token offsets inside one field stop here (a longer body is indexed up to this point).
const FIELD_SPAN: u32 = 1 << 16;
/// Documents tokenized in parallel before their postings are merged in order.
const BATCH: usize = 1024;

/// FNV-1a for the indexer's hash maps: their keys are short terms from the site itself, so a
/// fast hash matters more than resistance to chosen keys.
#[derive(Default, Clone, Copy)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        fnv(&mut h, bytes);
        self.0 = h;
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// The facets, in the order the client shows them.
pub const FACETS: [&str; 6] = ["type", "city", "level", "status", "kind", "year"];

/// One searchable document in one language.
#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: &'static str,
    pub id: String,
    pub title: String,
    pub url: String,
    pub city: Option<String>,
    pub date: Option<String>,
    /// Facet value ids, in the order of [`FACETS`].
    pub facets: [Option<String>; 6],
    pub fields: [Vec<String>; FIELDS],
    pub excerpt: String,
}

fn kind_label(kind: &str, lang: &str) -> &'static str {
    match (kind, lang) {
        ("complex", "zh") => "综合体",
        ("report", "zh") => "报道",
        ("page", "zh") => "页面",
        ("complex", _) => "Complex",
        ("report", _) => "Report",
        _ => "Page",
    }
}

/// The plain text of Markdown: text, code and image descriptions, blocks separated by newlines.
pub fn markdown_text(md: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::new();
    for ev in Parser::new_ext(md, crate::markdown_options()) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => out.push('\n'),
            _ => {}
        }
    }
    out
}

fn body_text(body: &Body, lang: &str) -> String {
    body.get(lang).map(|p| markdown_text(&p.markdown)).unwrap_or_default()
}

fn push_text(v: &mut Vec<String>, t: &Text, lang: &str) {
    if let Some((s, _)) = t.get(lang) {
        v.push(s.to_string());
    }
}

/// Texts of `t` in every language but `lang`.
fn other_languages(v: &mut Vec<String>, t: &Text, lang: &str) {
    v.extend(t.values().iter().filter(|(l, _)| l != lang).map(|(_, s)| s.clone()));
}

fn excerpt_source(summary: &str, body: &str) -> String {
    let mut s = summary.trim().to_string();
    for part in body.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        if s.chars().count() >= EXCERPT_CHARS {
            break;
        }
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(part);
    }
    match s.char_indices().nth(EXCERPT_CHARS) {
        Some((i, _)) => {
            s.truncate(i);
            s.push('…');
            s
        }
        None => s,
    }
}

/// The documents of a site in `lang`, in index order: grouped by facet values so the
/// facet columns compress to a few runs, ties by id.
pub fn documents(site: &Site, lang: &str) -> Vec<Doc> {
    let v = &site.config.vocab;
    let mut docs = Vec::new();
    for c in &site.complexes {
        let mut f: [Vec<String>; FIELDS] = Default::default();
        push_text(&mut f[0], &c.name, lang);
        other_languages(&mut f[1], &c.name, lang);
        for s in &c.short_names {
            push_text(&mut f[1], s, lang);
            other_languages(&mut f[1], s, lang);
        }
        let meta = &mut f[2];
        meta.push(v.cities.label(&c.location.city, lang).to_string());
        push_text(meta, &c.location.district, lang);
        push_text(meta, &c.location.address, lang);
        meta.push(v.levels.label(&c.level, lang).to_string());
        if let Some(s) = &c.status {
            meta.push(v.statuses.label(s, lang).to_string());
        }
        push_text(meta, &c.leading_industry, lang);
        meta.extend(c.industry_tags.iter().map(|t| v.industries.label(t, lang).to_string()));
        if let Some(cat) = &c.industry_category {
            meta.push(v.industry_categories.label(cat, lang).to_string());
        }
        if let Some(m) = &c.mode {
            meta.push(v.modes.label(m, lang).to_string());
        }
        for t in [&c.applicant, &c.operator_name, &c.operator_type] {
            push_text(meta, t, lang);
        }
        for t in c.host_units.iter().chain(&c.lead_enterprises).chain(&c.partners) {
            push_text(meta, t, lang);
        }
        for s in &c.services {
            meta.push(v.service_elements.label(&s.element, lang).to_string());
            push_text(meta, &s.description, lang);
            for p in &s.providers {
                push_text(meta, p, lang);
            }
        }
        let summary = c.summary.text(lang).to_string();
        f[3].push(summary.clone());
        let body = body_text(&c.body, lang);
        let excerpt = excerpt_source(&summary, &body);
        f[4].push(body);
        docs.push(Doc {
            kind: "complex",
            id: c.id.to_string(),
            title: c.name.text(lang).to_string(),
            url: link::url(site, lang, Route::Complex(c.id.as_str())),
            city: Some(v.cities.label(&c.location.city, lang).to_string()),
            date: None,
            facets: [
                Some("complex".into()),
                Some(c.location.city.clone()),
                Some(c.level.clone()),
                c.status.clone(),
                None,
                None,
            ],
            fields: f,
            excerpt,
        });
    }
    // Complexes are sorted by id.
    let complex_name = |id: &str| {
        let i = site.complexes.binary_search_by(|c| c.id.as_str().cmp(id)).ok()?;
        Some(site.complexes[i].name.text(lang).to_string())
    };
    for r in &site.reports {
        let mut f: [Vec<String>; FIELDS] = Default::default();
        push_text(&mut f[0], &r.title, lang);
        other_languages(&mut f[1], &r.title, lang);
        let meta = &mut f[2];
        meta.push(v.report_kinds.label(&r.kind, lang).to_string());
        if let Some(city) = &r.location_city {
            meta.push(v.cities.label(city, lang).to_string());
        }
        push_text(meta, &r.location_name, lang);
        for a in &r.attendees {
            for t in [&a.name, &a.title, &a.organisation] {
                push_text(meta, t, lang);
            }
            other_languages(meta, &a.name, lang);
        }
        for t in r.organisers.iter().chain(&r.tags) {
            push_text(meta, t, lang);
        }
        meta.extend(r.complexes.iter().chain(&r.location_complex).filter_map(|id| complex_name(id.as_str())));
        for p in &r.photos {
            push_text(meta, &p.caption, lang);
            push_text(meta, &p.alt, lang);
        }
        if let Some(s) = &r.source {
            push_text(meta, &s.publisher, lang);
            for t in s.authors.iter().chain(&s.correspondents) {
                push_text(meta, t, lang);
            }
        }
        let summary = r.summary.text(lang).to_string();
        f[3].push(summary.clone());
        let body = body_text(&r.body, lang);
        let excerpt = excerpt_source(&summary, &body);
        f[4].push(body);
        let date = r.date();
        docs.push(Doc {
            kind: "report",
            id: r.id.to_string(),
            title: r.title.text(lang).to_string(),
            url: link::url(site, lang, Route::Report(r.id.as_str())),
            city: r.location_city.as_ref().map(|c| v.cities.label(c, lang).to_string()),
            date: date.map(|d| d.iso()),
            facets: [
                Some("report".into()),
                r.location_city.clone(),
                None,
                None,
                Some(r.kind.clone()),
                date.map(|d| d.year.to_string()),
            ],
            fields: f,
            excerpt,
        });
    }
    for p in &site.pages {
        let mut f: [Vec<String>; FIELDS] = Default::default();
        push_text(&mut f[0], &p.title, lang);
        other_languages(&mut f[1], &p.title, lang);
        let summary = p.summary.text(lang).to_string();
        f[3].push(summary.clone());
        let body = body_text(&p.body, lang);
        let excerpt = excerpt_source(&summary, &body);
        f[4].push(body);
        docs.push(Doc {
            kind: "page",
            id: p.id.to_string(),
            title: p.title.text(lang).to_string(),
            url: link::url(site, lang, Route::Page(p.id.as_str())),
            city: None,
            date: p.updated.map(|d| d.iso()),
            facets: [Some("page".into()), None, None, None, None, None],
            fields: f,
            excerpt,
        });
    }
    let ranks = |d: &Doc| {
        let r =
            |i: usize, vocab: &crate::config::Vocabulary| d.facets[i].as_deref().map_or(usize::MAX, |x| vocab.rank(x));
        let kind = ["complex", "report", "page"].iter().position(|k| *k == d.kind).unwrap_or(3);
        let year = d.facets[5].as_deref().and_then(|y| y.parse::<i32>().ok()).map_or(i32::MAX, |y| -y);
        (kind, r(1, &v.cities), r(2, &v.levels), r(3, &v.statuses), r(4, &v.report_kinds), year)
    };
    docs.sort_by(|a, b| ranks(a).cmp(&ranks(b)).then_with(|| a.id.cmp(&b.id)));
    docs
}

/// A document's terms: each occurrence as (key, position), sorted, so one allocation holds
/// them all. A key is two CJK characters (the second 0 for a single one) or, with the top bit
/// set, an index into `words`.
struct DocTerms {
    words: Vec<String>,
    hits: Vec<(u64, u32)>,
}

const WORD_KEY: u64 = 1 << 63;

fn doc_terms(doc: &Doc) -> DocTerms {
    let mut words: Vec<String> = Vec::new();
    let mut word_ids: FastMap<String, u64> = FastMap::default();
    let mut hits: Vec<(u64, u32)> = Vec::new();
    for (field, texts) in doc.fields.iter().enumerate() {
        let mut pos = 0;
        for text in texts {
            let next = tokenize::each_term(text, pos, |term, p| {
                if p >= FIELD_SPAN {
                    return;
                }
                let key = match term {
                    tokenize::Term::Char(c) => u64::from(c) << 21,
                    tokenize::Term::Pair(a, b) => (u64::from(a) << 21) | u64::from(b),
                    tokenize::Term::Word(w) => match word_ids.get(w) {
                        Some(&id) => id,
                        None => {
                            let id = WORD_KEY | words.len() as u64;
                            words.push(w.to_string());
                            word_ids.insert(w.to_string(), id);
                            id
                        }
                    },
                };
                hits.push((key, ((field as u32) << 16) | p));
            });
            // A gap, so a phrase never runs from one value into the next.
            pos = next.saturating_add(1);
        }
    }
    hits.sort_unstable();
    DocTerms { words, hits }
}

/// The postings of every term, documents in index order.
pub fn invert(docs: &[Doc]) -> impl IntoIterator<Item = (String, Postings)> {
    let mut all: FastMap<String, Postings> = FastMap::default();
    let mut positions: Vec<u32> = Vec::new();
    let mut buf = [0u8; 8];
    for (b, batch) in docs.chunks(BATCH).enumerate() {
        let terms: Vec<DocTerms> = batch.par_iter().map(doc_terms).collect();
        for (i, t) in terms.into_iter().enumerate() {
            let doc = (b * BATCH + i) as u32;
            for group in t.hits.chunk_by(|x, y| x.0 == y.0) {
                let key = group[0].0;
                positions.clear();
                positions.extend(group.iter().map(|h| h.1));
                let (term, single): (&str, bool) = if key & WORD_KEY != 0 {
                    (&t.words[(key & !WORD_KEY) as usize], false)
                } else {
                    let a = char::from_u32((key >> 21) as u32).unwrap_or('\u{FFFD}');
                    let n = a.encode_utf8(&mut buf).len();
                    match char::from_u32((key & 0x1F_FFFF) as u32).filter(|&c| c != '\0') {
                        Some(c) => {
                            let m = c.encode_utf8(&mut buf[n..]).len();
                            (std::str::from_utf8(&buf[..n + m]).unwrap_or_default(), false)
                        }
                        None => (std::str::from_utf8(&buf[..n]).unwrap_or_default(), true),
                    }
                };
                match all.get_mut(term) {
                    Some(p) => p.push(doc, &positions),
                    None => {
                        let mut p = Postings::new(single);
                        p.push(doc, &positions);
                        all.insert(term.to_string(), p);
                    }
                }
            }
        }
    }
    all
}

/// FNV-1a, to stamp the index so that browsers never mix shards of two builds.
fn fnv(h: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *h ^= u64::from(b);
        *h = h.wrapping_mul(0x100_0000_01b3);
    }
}

fn facet_column(docs: &[Doc], i: usize, values: &[(String, String)]) -> Value {
    let mut runs: Vec<(i64, u32)> = Vec::new();
    for d in docs {
        let v = d.facets[i].as_deref().and_then(|x| values.iter().position(|(id, _)| id == x)).map_or(-1, |p| p as i64);
        match runs.last_mut() {
            Some((last, n)) if *last == v => *n += 1,
            _ => runs.push((v, 1)),
        }
    }
    json!(runs.iter().flat_map(|(v, n)| [json!(v), json!(n)]).collect::<Vec<_>>())
}

fn facet_values(site: &Site, docs: &[Doc], i: usize, lang: &str) -> Vec<(String, String)> {
    let v = &site.config.vocab;
    let mut ids: Vec<&str> = docs.iter().filter_map(|d| d.facets[i].as_deref()).collect();
    ids.sort_unstable();
    ids.dedup();
    let vocab = match FACETS[i] {
        "city" => Some(&v.cities),
        "level" => Some(&v.levels),
        "status" => Some(&v.statuses),
        "kind" => Some(&v.report_kinds),
        _ => None,
    };
    match (FACETS[i], vocab) {
        (_, Some(vocab)) => {
            ids.sort_by_key(|id| vocab.rank(id));
            ids.iter().map(|id| (id.to_string(), vocab.label(id, lang).to_string())).collect()
        }
        ("type", None) => ["complex", "report", "page"]
            .iter()
            .filter(|k| ids.contains(k))
            .map(|k| (k.to_string(), kind_label(k, lang).to_string()))
            .collect(),
        _ => {
            ids.reverse();
            ids.iter().map(|id| (id.to_string(), id.to_string())).collect()
        }
    }
}

/// Term shards as they are written, with the first term of each and the running stamp.
struct Shards<'a> {
    dir: &'a str,
    sink: &'a dyn Sink,
    bounds: Vec<String>,
    stamp: u64,
}

impl Shards<'_> {
    fn flush(&mut self, current: &mut Vec<(String, Postings)>) -> Result<(), OutputError> {
        if current.is_empty() {
            return Ok(());
        }
        let bytes = shard::encode(current.iter().map(|(t, p)| (t.as_str(), p)));
        fnv(&mut self.stamp, &bytes);
        self.sink.file(OutputFile::new(format!("{}t/{}.bin", self.dir, self.bounds.len()), bytes))?;
        self.bounds.push(std::mem::take(current).swap_remove(0).0);
        Ok(())
    }
}

/// Writes the index files of one language to `sink`, each as soon as it is made, paths
/// relative to the output folder.
pub fn write_language(site: &Site, lang: &str, sink: &dyn Sink) -> Result<(), OutputError> {
    let docs = documents(site, lang);
    let dir = format!("{}search/", site.config.lang_prefix(lang));

    let mut terms: Vec<(String, Postings)> = invert(&docs).into_iter().collect();
    terms.sort_unstable_by(|a, b| shard::utf16_cmp(&a.0, &b.0));
    let mut shards = Shards { dir: &dir, sink, bounds: Vec::new(), stamp: 0xcbf2_9ce4_8422_2325 };
    let mut current: Vec<(String, Postings)> = Vec::new();
    let mut size = 0;
    // Consumed term by term, so each shard's postings are freed once it is written.
    for (term, postings) in terms {
        let bytes = term.len() + postings.bytes.len() + 4;
        // A big term gets a shard of its own, so small neighbours never fetch it.
        if size + bytes > 2 * SHARD_BYTES {
            shards.flush(&mut current)?;
            size = 0;
        }
        size += bytes;
        current.push((term, postings));
        if size >= SHARD_BYTES {
            shards.flush(&mut current)?;
            size = 0;
        }
    }
    shards.flush(&mut current)?;
    let Shards { bounds, mut stamp, .. } = shards;

    for (n, chunk) in docs.chunks(CHUNK_DOCS).enumerate() {
        let metas: Vec<Value> = chunk
            .iter()
            .map(|d| {
                let mut m = json!({"t": d.title, "k": d.kind, "u": d.url, "x": d.excerpt});
                if let Some(c) = &d.city {
                    m["c"] = json!(c);
                }
                if let Some(date) = &d.date {
                    m["d"] = json!(date);
                }
                m
            })
            .collect();
        let bytes = serde_json::to_vec(&metas).unwrap_or_default();
        fnv(&mut stamp, &bytes);
        sink.file(OutputFile::new(format!("{dir}d/{n}.json"), bytes))?;
    }

    let facets: Vec<Value> = (0..FACETS.len())
        .map(|i| {
            let values = facet_values(site, &docs, i, lang);
            json!({
                "name": FACETS[i],
                "values": values.iter().map(|(id, label)| json!([id, label])).collect::<Vec<_>>(),
                "runs": facet_column(&docs, i, &values),
            })
        })
        .collect();
    let manifest = json!({
        "version": 1,
        "lang": lang,
        "stamp": format!("{stamp:016x}"),
        "docs": docs.len(),
        "chunk": CHUNK_DOCS,
        "shards": bounds,
        "facets": facets,
    });
    sink.file(OutputFile::new(format!("{dir}manifest.json"), serde_json::to_vec(&manifest).unwrap_or_default()))
}

/// Writes the search index of every language to `sink`, one language at a time.
pub fn write_index(site: &Site, sink: &dyn Sink) -> Result<(), OutputError> {
    site.config.languages.iter().try_for_each(|lang| write_language(site, lang, sink))
}
