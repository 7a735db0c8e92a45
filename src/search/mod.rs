//! The search index: one per language, written as static files under `<lang prefix>search/`
//! and read by the browser client (themes/default/static/assets/search.js).
//!
//! - `manifest.json`: the first term of every shard, the facets (values, labels and one
//!   run-length column per facet over all documents) and the document count.
//! - `t/<n>.bin`: the term dictionary split into shards of about [`SHARD_BYTES`], so a
//!   query fetches only the shards its terms fall in (format in [`shard`]).
//! - `d/<n>.json`: document metadata (title, type, URL, city, date, excerpt source) in
//!   chunks of [`CHUNK_DOCS`], fetched only for the results shown.
//! - `x/<n>.txt`: the body text of [`TEXT_DOCS`] documents, separated by form feeds, fetched
//!   only for a result shown whose excerpt source has no match, so that the excerpt can show
//!   a match deep in the body. A body two languages share is written once, in the folder of
//!   the first; the manifest says which folder holds each chunk.
//!
//! Each language gets its own index because titles, URLs and excerpts differ per language;
//! the names and titles in the other languages are indexed too (field 1), so "Huangyan"
//! finds 黄岩模具 on the Chinese site.
//!
//! Documents are numbered the same way in every language, so all languages are indexed in
//! one pass over the site: a body that two languages share (one written in one language
//! only) is turned into text and tokenized once. Memory stays small because each term's
//! postings are held compressed, in the shard format, and a term found in most documents
//! keeps no body positions (see [`shard::CAP_BYTES`]).

pub mod shard;
pub mod tokenize;

use std::collections::HashMap;

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::link::{self, Route};
use crate::model::{BodyChanged, BodyPart, Complex, Page, Report, Site, Text};
use crate::output::{OutputError, OutputFile, Sink};
use shard::Postings;

/// Target size of a term shard, before compression. A term with more postings than this
/// gets a shard of its own.
pub const SHARD_BYTES: usize = 24 * 1024;
/// Documents per metadata chunk: small, since a page of results touches up to ten chunks.
pub const CHUNK_DOCS: usize = 8;
/// Documents per body-text chunk.
pub const TEXT_DOCS: usize = 4;
/// Characters of summary and body kept as the source of a result's excerpt.
pub const EXCERPT_CHARS: usize = 280;
/// Characters of a body kept in its text chunk, for excerpts around a match.
pub const TEXT_CHARS: usize = 20_000;
/// Fields, in rank order: 0 title or name; 1 short names and names in other languages;
/// 2 places, people, industries, services and tags; 3 summary; 4 body.
pub const FIELDS: usize = 5;
/// Token offsets inside one field stop here (a longer body is indexed up to this point).
const FIELD_SPAN: u32 = 1 << 16;
/// Documents prepared in parallel before their postings are merged in order; a multiple of
/// [`CHUNK_DOCS`] and [`TEXT_DOCS`], so chunks can be written batch by batch.
const BATCH: usize = 128;

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
    fn write_u64(&mut self, v: u64) {
        // One multiply-xorshift round: keys are packed characters.
        let h = (v ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// The facets, in the order the client shows them.
pub const FACETS: [&str; 6] = ["type", "city", "level", "status", "kind", "year"];

#[derive(Debug, Clone, Copy)]
enum Item<'a> {
    Complex(&'a Complex),
    Report(&'a Report),
    Page(&'a Page),
}

/// A document as numbered in every language's index.
#[derive(Debug, Clone)]
struct Source<'a> {
    item: Item<'a>,
    kind: &'static str,
    id: &'a str,
    /// Facet value ids, in the order of [`FACETS`].
    facets: [Option<String>; 6],
}

/// One searchable document in one language; the body stays in the site until it is indexed.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    pub kind: &'static str,
    pub title: String,
    pub url: String,
    pub city: Option<String>,
    pub date: Option<String>,
    /// Fields 0 to 3; the body (field 4) is `body`.
    pub fields: [Vec<String>; FIELDS - 1],
    pub body: Option<&'a BodyPart>,
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
    let mut out = String::with_capacity(md.len());
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

fn push_text(v: &mut Vec<String>, t: &Text, lang: &str) {
    if let Some((s, _)) = t.get(lang) {
        v.push(s.to_string());
    }
}

/// Texts of `t` in every language but `lang`.
fn other_languages(v: &mut Vec<String>, t: &Text, lang: &str) {
    v.extend(t.values().iter().filter(|(l, _)| l != lang).map(|(_, s)| s.clone()));
}

/// The first `chars` characters of `s`, with an ellipsis if there were more.
fn cut(mut s: String, chars: usize) -> String {
    // No more bytes than characters wanted: nothing to cut.
    if s.len() <= chars {
        return s;
    }
    if let Some((i, _)) = s.char_indices().nth(chars) {
        s.truncate(i);
        s.push('…');
    }
    s
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
    cut(s, EXCERPT_CHARS)
}

/// Every document of the site in index order, the same in every language: grouped by facet
/// values so the facet columns compress to a few runs, ties by id.
fn sources(site: &Site) -> Vec<Source<'_>> {
    let v = &site.config.vocab;
    let mut out: Vec<Source<'_>> = Vec::new();
    for c in &site.complexes {
        out.push(Source {
            item: Item::Complex(c),
            kind: "complex",
            id: c.id.as_str(),
            facets: [
                Some("complex".into()),
                Some(c.location.city.clone()),
                Some(c.level.clone()),
                c.status.clone(),
                None,
                None,
            ],
        });
    }
    for r in &site.reports {
        out.push(Source {
            item: Item::Report(r),
            kind: "report",
            id: r.id.as_str(),
            facets: [
                Some("report".into()),
                r.location_city.clone(),
                None,
                None,
                Some(r.kind.clone()),
                r.date().map(|d| d.year.to_string()),
            ],
        });
    }
    for p in &site.pages {
        out.push(Source {
            item: Item::Page(p),
            kind: "page",
            id: p.id.as_str(),
            facets: [Some("page".into()), None, None, None, None, None],
        });
    }
    let ranks = |d: &Source<'_>| {
        let r =
            |i: usize, vocab: &crate::config::Vocabulary| d.facets[i].as_deref().map_or(usize::MAX, |x| vocab.rank(x));
        let kind = ["complex", "report", "page"].iter().position(|k| *k == d.kind).unwrap_or(3);
        let year = d.facets[5].as_deref().and_then(|y| y.parse::<i32>().ok()).map_or(i32::MAX, |y| -y);
        (kind, r(1, &v.cities), r(2, &v.levels), r(3, &v.statuses), r(4, &v.report_kinds), year)
    };
    out.sort_by(|a, b| ranks(a).cmp(&ranks(b)).then_with(|| a.id.cmp(b.id)));
    out
}

/// A document in `lang`.
fn document<'a>(site: &'a Site, src: &Source<'a>, lang: &str) -> Doc<'a> {
    let v = &site.config.vocab;
    let mut f: [Vec<String>; FIELDS - 1] = Default::default();
    match src.item {
        Item::Complex(c) => {
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
            f[3].push(c.summary.text(lang).to_string());
            Doc {
                kind: src.kind,
                title: c.name.text(lang).to_string(),
                url: link::url(site, lang, Route::Complex(c.id.as_str())),
                city: Some(v.cities.label(&c.location.city, lang).to_string()),
                date: None,
                fields: f,
                body: c.body.get(lang),
            }
        }
        Item::Report(r) => {
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
            // Complexes are sorted by id.
            let complex_name = |id: &str| {
                let i = site.complexes.binary_search_by(|c| c.id.as_str().cmp(id)).ok()?;
                Some(site.complexes[i].name.text(lang).to_string())
            };
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
            f[3].push(r.summary.text(lang).to_string());
            Doc {
                kind: src.kind,
                title: r.title.text(lang).to_string(),
                url: link::url(site, lang, Route::Report(r.id.as_str())),
                city: r.location_city.as_ref().map(|c| v.cities.label(c, lang).to_string()),
                date: r.date().map(|d| d.iso()),
                fields: f,
                body: r.body.get(lang),
            }
        }
        Item::Page(p) => {
            push_text(&mut f[0], &p.title, lang);
            other_languages(&mut f[1], &p.title, lang);
            f[3].push(p.summary.text(lang).to_string());
            Doc {
                kind: src.kind,
                title: p.title.text(lang).to_string(),
                url: link::url(site, lang, Route::Page(p.id.as_str())),
                city: None,
                date: p.updated.map(|d| d.iso()),
                fields: f,
                body: p.body.get(lang),
            }
        }
    }
}

/// A key is two CJK characters (the second 0 for a single one) or, with the top bit set, an
/// index into the document's words.
const WORD_KEY: u64 = 1 << 63;

/// Terms of a document being tokenized: words get small ids so that hits are plain numbers.
#[derive(Default)]
struct Tokens {
    words: Vec<String>,
    word_ids: FastMap<String, u64>,
}

impl Tokens {
    /// Appends the (key, position) of every term of `texts` in `field`, in position order.
    fn field(&mut self, field: u32, texts: impl IntoIterator<Item = impl AsRef<str>>, hits: &mut Vec<(u64, u32)>) {
        let mut pos = 0;
        for text in texts {
            let next = tokenize::each_term(text.as_ref(), pos, |term, p| {
                if p >= FIELD_SPAN {
                    return;
                }
                let key = match term {
                    tokenize::Term::Char(c) => u64::from(c) << 21,
                    tokenize::Term::Pair(a, b) => (u64::from(a) << 21) | u64::from(b),
                    tokenize::Term::Word(w) => match self.word_ids.get(w) {
                        Some(&id) => id,
                        None => {
                            let id = WORD_KEY | self.words.len() as u64;
                            self.words.push(w.to_string());
                            self.word_ids.insert(w.to_string(), id);
                            id
                        }
                    },
                };
                hits.push((key, (field << 16) | p));
            });
            // A gap, so a phrase never runs from one value into the next.
            pos = next.saturating_add(1);
        }
    }
}

/// A document's terms in one language: (key, start, end) into `positions`, whose runs are
/// each term's positions in increasing order.
#[derive(Default)]
struct Grouped {
    groups: Vec<(u64, u32, u32)>,
    positions: Vec<u32>,
}

/// Groups hits (in position order) by key, keeping each key's positions in order: a counting
/// sort on the order keys first appear in.
fn group<'h>(hits: impl Iterator<Item = &'h (u64, u32)> + Clone, slots: &mut FastMap<u64, u32>) -> Grouped {
    slots.clear();
    let mut keys: Vec<u64> = Vec::new();
    let mut ends: Vec<u32> = Vec::new();
    let mut slot_of: Vec<u32> = Vec::new();
    for &(key, _) in hits.clone() {
        let slot = *slots.entry(key).or_insert_with(|| {
            keys.push(key);
            ends.push(0);
            (keys.len() - 1) as u32
        });
        ends[slot as usize] += 1;
        slot_of.push(slot);
    }
    let mut at = 0;
    let mut fill: Vec<u32> = ends
        .iter()
        .map(|&n| {
            let start = at;
            at += n;
            start
        })
        .collect();
    let groups = keys.iter().zip(&fill).zip(&ends).map(|((&k, &start), &n)| (k, start, start + n)).collect();
    let mut positions = vec![0; slot_of.len()];
    for (&(_, p), &slot) in hits.zip(&slot_of) {
        positions[fill[slot as usize] as usize] = p;
        fill[slot as usize] += 1;
    }
    Grouped { groups, positions }
}

/// One document made ready for every language: its terms, metadata and body text.
struct Prepared {
    words: Vec<String>,
    langs: Vec<Grouped>,
    metas: Vec<Value>,
    /// The body texts kept for excerpts, one per distinct body.
    texts: Vec<String>,
    /// Per language, which of `texts` is its body.
    text_of: Vec<Option<usize>>,
    /// A body whose file no longer holds what was checked.
    changed: Option<BodyChanged>,
}

impl Prepared {
    fn text(&self, lang: usize) -> &str {
        self.text_of[lang].map_or("", |i| self.texts[i].as_str())
    }
}

/// A body already turned into text and tokenized: the part it came from, its text, its hits.
type Tokenized<'a> = (&'a BodyPart, String, Vec<(u64, u32)>);

fn prepare(site: &Site, src: &Source<'_>, langs: &[String]) -> Prepared {
    let mut tokens = Tokens::default();
    let mut slots = FastMap::default();
    // Bodies already turned into text and tokenized, by the part they came from.
    let mut bodies: Vec<Tokenized<'_>> = Vec::new();
    let mut out = Prepared {
        words: Vec::new(),
        langs: Vec::new(),
        metas: Vec::new(),
        texts: Vec::new(),
        text_of: Vec::new(),
        changed: None,
    };
    for lang in langs {
        let doc = document(site, src, lang);
        let mut hits = Vec::with_capacity(256);
        for (field, texts) in doc.fields.iter().enumerate() {
            tokens.field(field as u32, texts, &mut hits);
        }
        let body = doc.body.map(|part| {
            let at = match bodies.iter().position(|(p, ..)| std::ptr::eq(*p, part)) {
                Some(i) => i,
                None => {
                    let text = match part.text() {
                        Ok(markdown) => markdown_text(&markdown),
                        Err(changed) => {
                            out.changed = Some(changed);
                            String::new()
                        }
                    };
                    let mut body_hits = Vec::with_capacity(text.len() / 2);
                    tokens.field(shard::BODY_FIELD, [&text], &mut body_hits);
                    // Form feeds separate documents in a text chunk.
                    out.texts.push(cut(text.trim().replace('\u{c}', " "), TEXT_CHARS));
                    bodies.push((part, text, body_hits));
                    bodies.len() - 1
                }
            };
            out.text_of.push(Some(at));
            &bodies[at]
        });
        if body.is_none() {
            out.text_of.push(None);
        }
        let (text, body_hits) = body.map_or(("", &[][..]), |(_, t, h)| (t.as_str(), &h[..]));
        out.langs.push(group(hits.iter().chain(body_hits), &mut slots));
        let mut m = json!({
            "t": doc.title,
            "k": doc.kind,
            "u": doc.url,
            "x": excerpt_source(doc.fields[3].first().map_or("", String::as_str), text),
        });
        if let Some(c) = &doc.city {
            m["c"] = json!(c);
        }
        if let Some(date) = &doc.date {
            m["d"] = json!(date);
        }
        out.metas.push(m);
    }
    out.words = tokens.words;
    out
}

/// The postings of one language, term by term as they are first seen.
#[derive(Default)]
struct Inverted {
    pairs: FastMap<u64, u32>,
    words: FastMap<String, u32>,
    terms: Vec<(Key, Postings)>,
}

enum Key {
    Cjk(u64),
    Word(String),
}

impl Inverted {
    fn add(&mut self, doc: u32, words: &[String], g: &Grouped) {
        for &(key, start, end) in &g.groups {
            let id = if key & WORD_KEY != 0 {
                let w = &words[(key & !WORD_KEY) as usize];
                match self.words.get(w.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = self.terms.len() as u32;
                        self.words.insert(w.clone(), id);
                        self.terms.push((Key::Word(w.clone()), Postings::new(false)));
                        id
                    }
                }
            } else {
                *self.pairs.entry(key).or_insert_with(|| {
                    // A single character (no second one) keeps its first position only.
                    self.terms.push((Key::Cjk(key), Postings::new(key & 0x1F_FFFF == 0)));
                    (self.terms.len() - 1) as u32
                })
            };
            self.terms[id as usize].1.push(doc, &g.positions[start as usize..end as usize]);
        }
    }

    /// Every term with its postings, in UTF-16 order.
    fn into_sorted(self) -> Vec<(String, Postings)> {
        let mut terms: Vec<(String, Postings)> = self
            .terms
            .into_iter()
            .map(|(key, mut p)| {
                p.shrink();
                let term = match key {
                    Key::Word(w) => w,
                    Key::Cjk(k) => {
                        let mut s = String::new();
                        s.push(char::from_u32((k >> 21) as u32).unwrap_or('\u{FFFD}'));
                        if let Some(c) = char::from_u32((k & 0x1F_FFFF) as u32).filter(|&c| c != '\0') {
                            s.push(c);
                        }
                        s
                    }
                };
                (term, p)
            })
            .collect();
        terms.sort_unstable_by(|a, b| shard::utf16_cmp(&a.0, &b.0));
        terms
    }
}

/// FNV-1a, to stamp the index so that browsers never mix shards of two builds.
fn fnv(h: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *h ^= u64::from(b);
        *h = h.wrapping_mul(0x100_0000_01b3);
    }
}

fn facet_column(srcs: &[Source<'_>], i: usize, values: &[(String, String)]) -> Value {
    let mut runs: Vec<(i64, u32)> = Vec::new();
    for d in srcs {
        let v = d.facets[i].as_deref().and_then(|x| values.iter().position(|(id, _)| id == x)).map_or(-1, |p| p as i64);
        match runs.last_mut() {
            Some((last, n)) if *last == v => *n += 1,
            _ => runs.push((v, 1)),
        }
    }
    json!(runs.iter().flat_map(|(v, n)| [json!(v), json!(n)]).collect::<Vec<_>>())
}

fn facet_values(site: &Site, srcs: &[Source<'_>], i: usize, lang: &str) -> Vec<(String, String)> {
    let v = &site.config.vocab;
    let mut ids: Vec<&str> = srcs.iter().filter_map(|d| d.facets[i].as_deref()).collect();
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

/// The path of folder `to` seen from folder `from`, both relative to the output folder and
/// ending in "/".
fn relative(from: &str, to: &str) -> String {
    if from == to { String::new() } else { format!("{}{to}", "../".repeat(from.matches('/').count())) }
}

/// The index of one language while it is written.
struct Language<'a> {
    lang: &'a str,
    dir: String,
    inverted: Inverted,
    stamp: u64,
    /// Runs of text chunks by the language whose folder holds them.
    text_runs: Vec<(usize, u32)>,
}

impl Language<'_> {
    /// Hands a file to `sink`, folding its bytes into the stamp.
    fn write(&mut self, sink: &dyn Sink, path: String, bytes: Vec<u8>) -> Result<(), OutputError> {
        fnv(&mut self.stamp, &bytes);
        sink.file(OutputFile::new(format!("{}{path}", self.dir), bytes))
    }

    /// Merges a batch of prepared documents (the `l`th language of each) starting at
    /// document `first`, and writes their metadata and text chunks.
    fn batch(&mut self, sink: &dyn Sink, l: usize, first: usize, batch: &[Prepared]) -> Result<(), OutputError> {
        for (i, p) in batch.iter().enumerate() {
            self.inverted.add((first + i) as u32, &p.words, &p.langs[l]);
        }
        for (n, chunk) in batch.chunks(CHUNK_DOCS).enumerate() {
            let metas: Vec<&Value> = chunk.iter().map(|p| &p.metas[l]).collect();
            let bytes = serde_json::to_vec(&metas).unwrap_or_default();
            self.write(sink, format!("d/{}.json", first / CHUNK_DOCS + n), bytes)?;
        }
        Ok(())
    }

    /// Notes that text chunk `n` is in the folder of language `from`, so the client looks
    /// for it there.
    fn text_from(&mut self, from: usize) {
        match self.text_runs.last_mut() {
            Some((l, count)) if *l == from => *count += 1,
            _ => self.text_runs.push((from, 1)),
        }
    }

    /// Writes the term shards and the manifest.
    fn finish(mut self, site: &Site, srcs: &[Source<'_>], dirs: &[String], sink: &dyn Sink) -> Result<(), OutputError> {
        let terms = std::mem::take(&mut self.inverted).into_sorted();
        let mut bounds: Vec<String> = Vec::new();
        let mut current: Vec<(String, Postings)> = Vec::new();
        let mut size = 0;
        let mut flush = |me: &mut Self, current: &mut Vec<(String, Postings)>| -> Result<(), OutputError> {
            if current.is_empty() {
                return Ok(());
            }
            let bytes = shard::encode(current.iter().map(|(t, p)| (t.as_str(), p)));
            me.write(sink, format!("t/{}.bin", bounds.len()), bytes)?;
            bounds.push(std::mem::take(current).swap_remove(0).0);
            Ok(())
        };
        // Consumed term by term, so each shard's postings are freed once it is written.
        for (term, postings) in terms {
            let bytes = term.len() + postings.len() + 4;
            // A big term gets a shard of its own, so small neighbours never fetch it.
            if size + bytes > 2 * SHARD_BYTES {
                flush(&mut self, &mut current)?;
                size = 0;
            }
            size += bytes;
            current.push((term, postings));
            if size >= SHARD_BYTES {
                flush(&mut self, &mut current)?;
                size = 0;
            }
        }
        flush(&mut self, &mut current)?;
        let facets: Vec<Value> = (0..FACETS.len())
            .map(|i| {
                let values = facet_values(site, srcs, i, self.lang);
                json!({
                    "name": FACETS[i],
                    "values": values.iter().map(|(id, label)| json!([id, label])).collect::<Vec<_>>(),
                    "runs": facet_column(srcs, i, &values),
                })
            })
            .collect();
        let manifest = json!({
            "version": 2,
            "lang": self.lang,
            "stamp": format!("{:016x}", self.stamp),
            "docs": srcs.len(),
            "chunk": CHUNK_DOCS,
            "text": TEXT_DOCS,
            // The folder of each language relative to this one, and which holds each chunk.
            "textDirs": dirs.iter().map(|d| relative(&self.dir, d)).collect::<Vec<_>>(),
            "textRuns": self.text_runs.iter().flat_map(|&(l, n)| [l as u32, n]).collect::<Vec<_>>(),
            "shards": bounds,
            "facets": facets,
        });
        sink.file(OutputFile::new(
            format!("{}manifest.json", self.dir),
            serde_json::to_vec(&manifest).unwrap_or_default(),
        ))
    }
}

/// Writes the search index of every language to `sink`, each file as soon as it is made,
/// paths relative to the output folder. All languages are indexed in one pass over the
/// documents, a batch at a time.
pub fn write_index(site: &Site, sink: &dyn Sink) -> Result<(), OutputError> {
    let langs = &site.config.languages;
    let srcs = sources(site);
    let mut indexes: Vec<Language<'_>> = langs
        .iter()
        .map(|lang| Language {
            lang,
            dir: format!("{}search/", site.config.lang_prefix(lang)),
            inverted: Inverted::default(),
            stamp: 0xcbf2_9ce4_8422_2325,
            text_runs: Vec::new(),
        })
        .collect();
    let dirs: Vec<String> = indexes.iter().map(|i| i.dir.clone()).collect();
    for (b, batch) in srcs.chunks(BATCH).enumerate() {
        let prepared: Vec<Prepared> = batch.par_iter().map(|s| prepare(site, s, langs)).collect();
        if let Some(changed) = prepared.iter().find_map(|p| p.changed.clone()) {
            return Err(OutputError::SourceChanged(changed));
        }
        indexes.par_iter_mut().enumerate().try_for_each(|(l, index)| index.batch(sink, l, b * BATCH, &prepared))?;
        // Body texts: a chunk the same in an earlier language is written once, there.
        for (n, chunk) in prepared.chunks(TEXT_DOCS).enumerate() {
            let n = b * BATCH / TEXT_DOCS + n;
            for (l, index) in indexes.iter_mut().enumerate() {
                let same = (0..l).find(|&e| chunk.iter().all(|p| p.text_of[e] == p.text_of[l]));
                let mut bytes = Vec::new();
                for (i, p) in chunk.iter().enumerate() {
                    if i > 0 {
                        bytes.push(b'\x0c');
                    }
                    bytes.extend_from_slice(p.text(l).as_bytes());
                }
                match same {
                    Some(e) => {
                        fnv(&mut index.stamp, &bytes);
                        index.text_from(e);
                    }
                    None => {
                        index.write(sink, format!("x/{n}.txt"), bytes)?;
                        index.text_from(l);
                    }
                }
            }
        }
    }
    indexes.into_par_iter().try_for_each(|index| index.finish(site, &srcs, &dirs, sink))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_keeps_each_terms_positions_in_order() {
        let hits = [(7, 1), (3, 2), (7, 3), (9, 4), (3, (4 << 16) | 1), (7, (4 << 16) | 2)];
        let mut slots = FastMap::default();
        let g = group(hits.iter(), &mut slots);
        let runs: Vec<(u64, Vec<u32>)> =
            g.groups.iter().map(|&(k, a, b)| (k, g.positions[a as usize..b as usize].to_vec())).collect();
        assert_eq!(runs, vec![(7, vec![1, 3, (4 << 16) | 2]), (3, vec![2, (4 << 16) | 1]), (9, vec![4])]);
        // The map is reused from document to document.
        let g = group([(5, 0)].iter(), &mut slots);
        assert_eq!(g.groups, vec![(5, 0, 1)]);
    }

    #[test]
    fn folders_are_found_relative_to_each_other() {
        assert_eq!(relative("search/", "search/"), "");
        assert_eq!(relative("en/search/", "search/"), "../../search/");
        assert_eq!(relative("search/", "en/search/"), "../en/search/");
    }

    #[test]
    fn excerpt_sources_and_texts_are_cut_at_a_character() {
        assert_eq!(cut("模具模具".into(), 2), "模具…");
        assert_eq!(cut("模具".into(), 2), "模具");
        let s = excerpt_source("概要。", &"长".repeat(400));
        assert_eq!(s.chars().count(), EXCERPT_CHARS + 1);
        assert!(s.starts_with("概要。 长") && s.ends_with('…'));
    }
}
