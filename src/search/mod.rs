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
//! finds 黄岩模具 on the Chinese site, and so are the labels the document shows (city, place,
//! level, industries, services, …) in the other languages (field 4), so "台州" finds the
//! complexes in Taizhou on the English site.
//!
//! Documents are numbered the same way in every language, so all languages are indexed in
//! one pass over the site: a body that two languages share (one written in one language
//! only) is turned into text and tokenized once. Memory stays small because each term's
//! postings are held compressed, in the shard format, and a term found in most documents
//! keeps no body positions (see [`shard::CAP_BYTES`]).

pub mod shard;
pub mod tokenize;

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::FastMap;
use crate::config::Vocabulary;
use crate::link::{self, Route};
use crate::model::{BodyChanged, BodyPart, Complex, Page, Report, Site, Text};
use crate::output::{OutputError, OutputFile, Sink};
use shard::Postings;

/// Target size of a term shard, before compression. A term with more postings than this
/// gets a shard of its own.
pub const SHARD_BYTES: usize = 24 * 1024;
/// Documents per metadata chunk: small, since a page of results touches up to ten chunks,
/// but not so small that the index is mostly files (each costs the build a file to create;
/// 8 gave half again as many files for 0 to 4 KB less per query).
pub const CHUNK_DOCS: usize = 16;
/// Documents per body-text chunk (the client reads both sizes from the manifest).
pub const TEXT_DOCS: usize = 8;
/// Characters of summary and body kept as the source of a result's excerpt.
pub const EXCERPT_CHARS: usize = 280;
/// Characters of a body kept in its text chunk, for excerpts around a match.
pub const TEXT_CHARS: usize = 20_000;
/// Fields, in rank order: 0 title or name; 1 short names and names in other languages;
/// 2 places, people, industries, services and tags; 3 summary; 4 the labels of field 2 in
/// other languages (city, place, level, industries, services, report kind); 5 body
/// ([`shard::BODY_FIELD`]).
pub const FIELDS: usize = 6;
/// Token offsets inside one field stop here (a longer body is indexed up to this point).
const FIELD_SPAN: u32 = 1 << 16;
/// Documents prepared in parallel before their postings are merged in order; a multiple of
/// [`CHUNK_DOCS`] and [`TEXT_DOCS`], so chunks can be written batch by batch.
const BATCH: usize = 128;

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

/// One searchable document in one language, its texts borrowed from the site; the body stays
/// in the site until it is indexed.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub url: String,
    pub city: Option<&'a str>,
    pub date: Option<String>,
    /// Fields 0 to 4; the body (field 5) is `body`.
    pub fields: [Vec<&'a str>; FIELDS - 1],
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

fn push_text<'a>(v: &mut Vec<&'a str>, t: &'a Text, lang: &str) {
    if let Some((s, _)) = t.get(lang) {
        v.push(s);
    }
}

/// Texts of `t` in every language but `lang`.
fn other_languages<'a>(v: &mut Vec<&'a str>, t: &'a Text, lang: &str) {
    v.extend(t.values().iter().filter(|(l, _)| l != lang).map(|(_, s)| s.as_str()));
}

/// What a document shows in `lang`, collected again in the site's other languages: each
/// label or text is added only where it differs from the one `lang` shows.
struct Others<'a, 'l> {
    out: Vec<&'a str>,
    langs: &'a [String],
    lang: &'l str,
}

impl<'a> Others<'a, '_> {
    fn label(&mut self, vocab: &'a Vocabulary, id: &'a str) {
        let own = vocab.label(id, self.lang);
        let others = self.langs.iter().filter(|l| *l != self.lang).map(|l| vocab.label(id, l));
        self.out.extend(others.filter(|l| *l != own));
    }

    fn text(&mut self, t: &'a Text) {
        let own = t.get(self.lang).map(|(s, _)| s);
        let others = t.values().iter().filter(|(l, _)| l != self.lang).map(|(_, s)| s.as_str());
        self.out.extend(others.filter(|s| Some(*s) != own));
    }
}

/// The first `chars` characters of `s`, with an ellipsis if there were more.
fn cut(mut s: String, chars: usize) -> String {
    // No more bytes than characters wanted: nothing to cut.
    if s.len() <= chars {
        return s;
    }
    // The start of character number `chars`, stepping from character to character by the
    // length its first byte gives.
    let bytes = s.as_bytes();
    let mut i = 0;
    for _ in 0..chars {
        i += match bytes.get(i) {
            None => return s,
            Some(&b) if b < 0x80 => 1,
            Some(&b) if b < 0xE0 => 2,
            Some(&b) if b < 0xF0 => 3,
            Some(_) => 4,
        };
    }
    if i < s.len() {
        s.truncate(i);
        s.push('…');
    }
    s
}

fn excerpt_source(summary: &str, body: &str) -> String {
    let mut s = summary.trim().to_string();
    let mut chars = s.chars().count();
    for part in body.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        if chars >= EXCERPT_CHARS {
            break;
        }
        if !s.is_empty() {
            s.push(' ');
            chars += 1;
        }
        s.push_str(part);
        chars += part.chars().count();
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
    let mut f: [Vec<&'a str>; FIELDS - 1] = Default::default();
    let mut others = Others { out: Vec::new(), langs: &site.config.languages, lang };
    let mut doc = match src.item {
        Item::Complex(c) => {
            push_text(&mut f[0], &c.name, lang);
            other_languages(&mut f[1], &c.name, lang);
            for s in &c.short_names {
                push_text(&mut f[1], s, lang);
                other_languages(&mut f[1], s, lang);
            }
            let meta = &mut f[2];
            meta.push(v.cities.label(&c.location.city, lang));
            others.label(&v.cities, &c.location.city);
            push_text(meta, &c.location.district, lang);
            others.text(&c.location.district);
            push_text(meta, &c.location.address, lang);
            meta.push(v.levels.label(&c.level, lang));
            others.label(&v.levels, &c.level);
            if let Some(s) = &c.status {
                meta.push(v.statuses.label(s, lang));
                others.label(&v.statuses, s);
            }
            push_text(meta, &c.leading_industry, lang);
            others.text(&c.leading_industry);
            for t in &c.industry_tags {
                meta.push(v.industries.label(t, lang));
                others.label(&v.industries, t);
            }
            if let Some(cat) = &c.industry_category {
                meta.push(v.industry_categories.label(cat, lang));
                others.label(&v.industry_categories, cat);
            }
            if let Some(m) = &c.mode {
                meta.push(v.modes.label(m, lang));
                others.label(&v.modes, m);
            }
            for t in [&c.applicant, &c.operator_name, &c.operator_type] {
                push_text(meta, t, lang);
            }
            for t in c.host_units.iter().chain(&c.lead_enterprises).chain(&c.partners) {
                push_text(meta, t, lang);
            }
            for s in &c.services {
                meta.push(v.service_elements.label(&s.element, lang));
                others.label(&v.service_elements, &s.element);
                push_text(meta, &s.description, lang);
                for p in &s.providers {
                    push_text(meta, p, lang);
                }
            }
            f[3].push(c.summary.text(lang));
            Doc {
                kind: src.kind,
                title: c.name.text(lang),
                url: link::url(site, lang, Route::Complex(c.id.as_str())),
                city: Some(v.cities.label(&c.location.city, lang)),
                date: None,
                fields: f,
                body: c.body.get(lang),
            }
        }
        Item::Report(r) => {
            push_text(&mut f[0], &r.title, lang);
            other_languages(&mut f[1], &r.title, lang);
            let meta = &mut f[2];
            meta.push(v.report_kinds.label(&r.kind, lang));
            others.label(&v.report_kinds, &r.kind);
            if let Some(city) = &r.location_city {
                meta.push(v.cities.label(city, lang));
                others.label(&v.cities, city);
            }
            push_text(meta, &r.location_name, lang);
            others.text(&r.location_name);
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
            let complex = |id: &str| {
                let i = site.complexes.binary_search_by(|c| c.id.as_str().cmp(id)).ok()?;
                Some(&site.complexes[i].name)
            };
            for name in r.complexes.iter().chain(&r.location_complex).filter_map(|id| complex(id.as_str())) {
                meta.push(name.text(lang));
                others.text(name);
            }
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
            f[3].push(r.summary.text(lang));
            Doc {
                kind: src.kind,
                title: r.title.text(lang),
                url: link::url(site, lang, Route::Report(r.id.as_str())),
                city: r.location_city.as_ref().map(|c| v.cities.label(c, lang)),
                date: r.date().map(|d| d.iso()),
                fields: f,
                body: r.body.get(lang),
            }
        }
        Item::Page(p) => {
            push_text(&mut f[0], &p.title, lang);
            other_languages(&mut f[1], &p.title, lang);
            f[3].push(p.summary.text(lang));
            Doc {
                kind: src.kind,
                title: p.title.text(lang),
                url: link::url(site, lang, Route::Page(p.id.as_str())),
                city: None,
                date: p.updated.map(|d| d.iso()),
                fields: f,
                body: p.body.get(lang),
            }
        }
    };
    doc.fields[4] = others.out;
    doc
}

/// A key is two CJK characters (the second 0 for a single one) or, with the top bit set, a
/// word: with [`KNOWN`] set too, its term id in the [`Dictionary`]; otherwise its index in
/// the document's new words.
const WORD_KEY: u64 = 1 << 63;
/// With [`WORD_KEY`]: the low bits are the word's term id.
const KNOWN: u64 = 1 << 62;
/// A term id not given yet: the term is new to the dictionary.
const NEW: u32 = u32::MAX;

/// Whether the term of `key` keeps only its first position in a document: single CJK
/// characters (see [`shard`]).
fn first_only(key: u64) -> bool {
    key & WORD_KEY == 0 && key & 0x1F_FFFF == 0
}

/// Every term of the index, numbered as first seen, with the same numbers in every language.
/// During a batch it is only read (documents are prepared in parallel against the terms of
/// earlier batches); between batches the new terms are added in document order.
#[derive(Default)]
struct Dictionary {
    cjk: FastMap<u64, u32>,
    words: FastMap<String, u32>,
    /// The words of up to 16 bytes again, by [`short_word`], to look them up without
    /// comparing strings.
    short: FastMap<u128, u32>,
    /// By term id: the key (for CJK terms) or the word.
    terms: Vec<Key>,
}

enum Key {
    Cjk(u64),
    Word(String),
}

/// A word of up to 16 bytes as a number: its bytes, little-endian, padded with zeros (a word
/// has no zero byte, so no two words share a number).
#[inline]
fn short_word(w: &str) -> Option<u128> {
    let b = w.as_bytes();
    (b.len() <= 16).then(|| {
        let mut a = [0; 16];
        a[..b.len()].copy_from_slice(b);
        u128::from_le_bytes(a)
    })
}

impl Dictionary {
    /// The id of the term of `key`, or [`NEW`] if the dictionary lacks it.
    fn get(&self, key: u64) -> u32 {
        if key & WORD_KEY == 0 {
            self.cjk.get(&key).copied().unwrap_or(NEW)
        } else if key & KNOWN != 0 {
            (key & 0xFFFF_FFFF) as u32
        } else {
            NEW
        }
    }

    /// The id of the term of `key`, given it if it is new.
    fn id(&mut self, key: u64, words: &[String]) -> u32 {
        let next = self.terms.len() as u32;
        if key & WORD_KEY == 0 {
            let id = *self.cjk.entry(key).or_insert(next);
            if id == next {
                self.terms.push(Key::Cjk(key));
            }
            id
        } else if key & KNOWN != 0 {
            (key & 0xFFFF_FFFF) as u32
        } else {
            let w = &words[(key & 0xFFFF_FFFF) as usize];
            if let Some(id) = self.word(w) {
                return id;
            }
            if let Some(k) = short_word(w) {
                self.short.insert(k, next);
            }
            self.words.insert(w.clone(), next);
            self.terms.push(Key::Word(w.clone()));
            next
        }
    }

    /// The id of word `w`, if the dictionary has it.
    #[inline]
    fn word(&self, w: &str) -> Option<u32> {
        match short_word(w) {
            Some(k) => self.short.get(&k).copied(),
            None => self.words.get(w).copied(),
        }
    }

    /// Whether term `id` keeps only its first position in a document.
    fn first_only(&self, id: usize) -> bool {
        matches!(self.terms[id], Key::Cjk(k) if first_only(k))
    }

    /// Every term as text, by id, and the ids in the UTF-16 order of their terms.
    fn sorted(&self) -> (Vec<String>, Vec<u32>) {
        let terms: Vec<String> = self
            .terms
            .iter()
            .map(|key| match key {
                Key::Word(w) => w.clone(),
                Key::Cjk(k) => {
                    let mut s = String::new();
                    s.push(char::from_u32((k >> 21) as u32).unwrap_or('\u{FFFD}'));
                    if let Some(c) = char::from_u32((k & 0x1F_FFFF) as u32).filter(|&c| c != '\0') {
                        s.push(c);
                    }
                    s
                }
            })
            .collect();
        let mut order: Vec<u32> = (0..terms.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| shard::utf16_cmp(&terms[a as usize], &terms[b as usize]));
        (terms, order)
    }
}

/// A document's words that the dictionary does not have yet, numbered in the order seen.
#[derive(Default)]
struct NewWords {
    list: Vec<String>,
    ids: FastMap<String, u32>,
}

impl NewWords {
    fn key(&mut self, w: &str) -> u64 {
        let id = match self.ids.get(w) {
            Some(&id) => id,
            None => {
                let id = self.list.len() as u32;
                self.list.push(w.to_string());
                self.ids.insert(w.to_string(), id);
                id
            }
        };
        WORD_KEY | u64::from(id)
    }
}

/// A term of a text: its key, its term id (or [`NEW`]), how often it occurs, and the range of
/// its kept positions (every one in increasing order, or the first only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Group {
    key: u64,
    id: u32,
    count: u32,
    start: u32,
    end: u32,
}

/// The terms of a text, grouped.
#[derive(Debug, Default)]
struct Grouped {
    groups: Vec<Group>,
    positions: Vec<u32>,
}

/// Groups the terms of a text as the tokenizer finds them (in position order), keeping each
/// term's positions in order: a counting sort on the order terms first appear in. Reused from
/// text to text, so its buffers are allocated once per thread.
#[derive(Default)]
struct Grouper {
    /// Key to slot, for the text grouped last until [`Grouper::clear`].
    slots: Slots,
    /// By slot; `start` holds the first position until the text is finished.
    groups: Vec<Group>,
    /// (slot, position) of every occurrence of a term that keeps all its positions.
    hits: Vec<(u32, u32)>,
    fill: Vec<u32>,
    /// Slot + 1 (0 if none) of each single character of the Basic Multilingual Plane: most
    /// terms of Chinese text, found without hashing.
    chars: Vec<u32>,
    /// The characters set in `chars`, to clear them.
    chars_used: Vec<u16>,
}

/// Slots by key, for the keys that are not single characters of the Basic Multilingual
/// Plane: an open-addressing table with linear probing, cheaper than a general map for the
/// one look-up made for every occurrence of a pair or a word.
#[derive(Default)]
struct Slots {
    /// (key, slot + 1), 0 for a free entry; a power of two long, at most half full.
    entries: Vec<(u64, u32)>,
    /// 64 less the log2 of the length of `entries`: the hash is the top bits of a product.
    shift: u32,
    /// The entries in use, to clear them.
    used: Vec<u32>,
}

impl Slots {
    #[inline]
    fn index(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    fn get(&self, key: u64) -> Option<u32> {
        if self.entries.is_empty() {
            return None;
        }
        let mask = self.entries.len() - 1;
        let mut i = self.index(key);
        loop {
            let (k, s) = self.entries[i];
            if s == 0 {
                return None;
            }
            if k == key {
                return Some(s - 1);
            }
            i = (i + 1) & mask;
        }
    }

    /// The slot of `key`, given `new` if it has none.
    #[inline]
    fn get_or_insert(&mut self, key: u64, new: u32) -> u32 {
        if self.used.len() * 2 >= self.entries.len() {
            self.grow();
        }
        let mask = self.entries.len() - 1;
        let mut i = self.index(key);
        loop {
            let e = &mut self.entries[i];
            if e.1 == 0 {
                *e = (key, new + 1);
                self.used.push(i as u32);
                return new;
            }
            if e.0 == key {
                return e.1 - 1;
            }
            i = (i + 1) & mask;
        }
    }

    #[cold]
    fn grow(&mut self) {
        let len = (self.entries.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.entries, vec![(0, 0); len]);
        self.shift = 64 - len.trailing_zeros();
        let mask = len - 1;
        for u in &mut self.used {
            let e = old[*u as usize];
            let mut i = (e.0.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
            while self.entries[i].1 != 0 {
                i = (i + 1) & mask;
            }
            self.entries[i] = e;
            *u = i as u32;
        }
    }

    fn clear(&mut self) {
        for &i in &self.used {
            self.entries[i as usize] = (0, 0);
        }
        self.used.clear();
    }
}

/// Characters with a slot in [`Grouper::chars`].
const BMP: usize = 0x1_0000;

/// The character of a single-character key, if it is in the Basic Multilingual Plane.
fn bmp_char(key: u64) -> Option<usize> {
    let c = (key >> 21) as usize;
    (key & (WORD_KEY | 0x1F_FFFF) == 0 && c < BMP).then_some(c)
}

impl Grouper {
    fn clear(&mut self) {
        self.slots.clear();
        self.groups.clear();
        self.hits.clear();
        for &c in &self.chars_used {
            self.chars[c as usize] = 0;
        }
        self.chars_used.clear();
    }

    #[inline(always)]
    fn hit(&mut self, key: u64, pos: u32) {
        if let Some(c) = bmp_char(key) {
            if self.chars.is_empty() {
                self.chars = vec![0; BMP];
            }
            match self.chars[c] {
                0 => {
                    self.groups.push(Group { key, id: NEW, count: 1, start: pos, end: 0 });
                    self.chars[c] = self.groups.len() as u32;
                    self.chars_used.push(c as u16);
                }
                s => self.groups[s as usize - 1].count += 1,
            }
            return;
        }
        let next = self.groups.len() as u32;
        let slot = self.slots.get_or_insert(key, next);
        if slot == next {
            self.groups.push(Group { key, id: NEW, count: 1, start: pos, end: 0 });
        } else {
            self.groups[slot as usize].count += 1;
        }
        if !first_only(key) {
            self.hits.push((slot, pos));
        }
    }

    /// The text's terms with their positions, each given its id in `dict` if it has one. The
    /// slots stay, so [`Grouper::slot`] finds a term of this text until the next `clear`.
    fn finish(&mut self, dict: &Dictionary) -> Grouped {
        let mut at = 0;
        let groups: Vec<Group> = self
            .groups
            .iter()
            .map(|g| {
                let n = if first_only(g.key) { 1 } else { g.count };
                let o = Group { id: dict.get(g.key), start: at, end: at + n, ..*g };
                at += n;
                o
            })
            .collect();
        let mut out = Grouped { groups, positions: vec![0; at as usize] };
        self.fill.clear();
        self.fill.extend(out.groups.iter().map(|g| g.start));
        for (g, o) in self.groups.iter().zip(&out.groups) {
            if first_only(g.key) {
                out.positions[o.start as usize] = g.start;
            }
        }
        for &(slot, p) in &self.hits {
            let f = &mut self.fill[slot as usize];
            out.positions[*f as usize] = p;
            *f += 1;
        }
        self.groups.clear();
        self.hits.clear();
        out
    }

    /// The slot of `key` in the text finished last.
    fn slot(&self, key: u64) -> Option<usize> {
        match bmp_char(key) {
            Some(c) => self.chars.get(c).and_then(|&s| (s as usize).checked_sub(1)),
            None => self.slots.get(key).map(|s| s as usize),
        }
    }
}

/// Adds every term of `texts`, as field `field`, to `g`; words the dictionary lacks are
/// numbered in `new`. Each text starts one position after the last, so a phrase never runs
/// from one value into the next.
fn tokenize_field(
    field: u32,
    texts: impl IntoIterator<Item = impl AsRef<str>>,
    dict: &Dictionary,
    new: &mut NewWords,
    g: &mut Grouper,
) {
    let mut pos = 0;
    for text in texts {
        let next = tokenize::each_term(
            text.as_ref(),
            pos,
            #[inline(always)]
            |term, p| {
                if p >= FIELD_SPAN {
                    return;
                }
                let key = match term {
                    tokenize::Term::Char(c) => u64::from(c) << 21,
                    tokenize::Term::Pair(a, b) => (u64::from(a) << 21) | u64::from(b),
                    tokenize::Term::Word(w) => match dict.word(w) {
                        Some(id) => WORD_KEY | KNOWN | u64::from(id),
                        None => new.key(w),
                    },
                };
                g.hit(key, (field << 16) | p);
            },
        );
        pos = next.saturating_add(1);
    }
}

/// A term of a document's fields in one language: its key, its id (or [`NEW`]), how often it
/// occurs, and the ranges of its kept positions in the fields and, if the body has it too,
/// in the body.
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: u64,
    id: u32,
    count: u32,
    fields: (u32, u32),
    body: (u32, u32),
}

/// A document's terms in one language: the terms of its fields, each with its positions in
/// the body if the body has it too, then the rest of its body's terms (kept once for every
/// language that shows the body, in [`Prepared::body_groups`]).
struct Terms {
    entries: Vec<Entry>,
    /// Positions in the fields before the body.
    positions: Vec<u32>,
    /// Which of the document's bodies is this language's.
    body: Option<usize>,
    /// By group of that body: whether a field's entry took it in.
    linked: Vec<bool>,
}

/// One document made ready for every language: its terms, metadata and body text.
struct Prepared {
    /// Words the dictionary did not have when the document was prepared.
    words: Vec<String>,
    /// The kept positions of each distinct body.
    bodies: Vec<Vec<u32>>,
    /// The terms of each distinct body, their positions in `bodies`.
    body_groups: Vec<Vec<Group>>,
    langs: Vec<Terms>,
    /// Metadata as JSON, per language.
    metas: Vec<Vec<u8>>,
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

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Buffers one thread reuses from document to document.
#[derive(Default)]
struct Scratch {
    fields: Grouper,
    /// One per distinct body of the document.
    bodies: Vec<Grouper>,
}

/// Whether `b` has a byte serde_json escapes: a quote, a backslash or one below 0x20. Eight
/// bytes at a time: a byte below 0x20 or equal to a quote or backslash sets its top bit in
/// the test word.
fn needs_escape(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        if (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            != 0
        {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// Appends `s` as a JSON string.
fn json_str(out: &mut Vec<u8>, s: &str) {
    // Most strings need no escape: serde_json escapes only quotes, backslashes and control
    // characters below U+0020.
    if !needs_escape(s.as_bytes()) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        return;
    }
    // Writing to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// A document's metadata, as serde_json writes the object {t, k, u, x, c?, d?}.
fn meta_json(doc: &Doc<'_>, excerpt: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(128 + doc.title.len() + doc.url.len() + excerpt.len());
    m.extend_from_slice(b"{\"t\":");
    json_str(&mut m, doc.title);
    m.extend_from_slice(b",\"k\":");
    json_str(&mut m, doc.kind);
    m.extend_from_slice(b",\"u\":");
    json_str(&mut m, &doc.url);
    m.extend_from_slice(b",\"x\":");
    json_str(&mut m, excerpt);
    if let Some(c) = doc.city {
        m.extend_from_slice(b",\"c\":");
        json_str(&mut m, c);
    }
    if let Some(d) = &doc.date {
        m.extend_from_slice(b",\"d\":");
        json_str(&mut m, d);
    }
    m.push(b'}');
    m
}

/// Tokenizes and groups a document in every language, against the terms `dict` has so far.
fn prepare(site: &Site, src: &Source<'_>, langs: &[String], dict: &Dictionary, scratch: &mut Scratch) -> Prepared {
    let mut new = NewWords::default();
    // Bodies already turned into text and tokenized: the part each came from, and its text.
    let mut parts: Vec<(&BodyPart, String)> = Vec::new();
    let mut out = Prepared {
        words: Vec::new(),
        bodies: Vec::new(),
        body_groups: Vec::new(),
        langs: Vec::with_capacity(langs.len()),
        metas: Vec::with_capacity(langs.len()),
        texts: Vec::new(),
        text_of: Vec::with_capacity(langs.len()),
        changed: None,
    };
    for lang in langs {
        let doc = document(site, src, lang);
        scratch.fields.clear();
        for (field, texts) in doc.fields.iter().enumerate() {
            tokenize_field(field as u32, texts, dict, &mut new, &mut scratch.fields);
        }
        let fields = scratch.fields.finish(dict);
        let body = doc.body.map(|part| match parts.iter().position(|(p, _)| std::ptr::eq(*p, part)) {
            Some(i) => i,
            None => {
                let text = match part.text() {
                    Ok(markdown) => markdown_text(&markdown),
                    Err(changed) => {
                        out.changed = Some(changed);
                        String::new()
                    }
                };
                let b = parts.len();
                if scratch.bodies.len() <= b {
                    scratch.bodies.push(Grouper::default());
                }
                let g = &mut scratch.bodies[b];
                g.clear();
                tokenize_field(shard::BODY_FIELD, [&text], dict, &mut new, g);
                let grouped = g.finish(dict);
                out.body_groups.push(grouped.groups);
                out.bodies.push(grouped.positions);
                // Form feeds separate documents in a text chunk.
                out.texts.push(cut(text.trim().replace('\u{c}', " "), TEXT_CHARS));
                parts.push((part, text));
                b
            }
        });
        out.text_of.push(body);
        // Each field term once, with its positions in the body if the body has it.
        let mut entries = Vec::with_capacity(fields.groups.len());
        let none: &[Group] = &[];
        let bgroups = body.map_or(none, |b| &out.body_groups[b][..]);
        let mut linked_groups = vec![false; bgroups.len()];
        for f in &fields.groups {
            let linked = body.and_then(|b| scratch.bodies[b].slot(f.key));
            let (count, range) = match linked {
                Some(s) => {
                    linked_groups[s] = true;
                    (f.count + bgroups[s].count, (bgroups[s].start, bgroups[s].end))
                }
                None => (f.count, (0, 0)),
            };
            entries.push(Entry { key: f.key, id: f.id, count, fields: (f.start, f.end), body: range });
        }
        out.langs.push(Terms { entries, positions: fields.positions, body, linked: linked_groups });
        let text = body.map_or("", |b| parts[b].1.as_str());
        out.metas.push(meta_json(&doc, &excerpt_source(doc.fields[3].first().copied().unwrap_or(""), text)));
    }
    out.words = new.list;
    out
}

/// A hash of everything a language's index writes, to stamp it so that browsers never mix
/// shards of two builds.
struct Stamp(foldhash::fast::FoldHasher<'static>);

impl Stamp {
    fn new() -> Stamp {
        use std::hash::BuildHasher;
        Stamp(foldhash::fast::FixedState::default().build_hasher())
    }

    fn add(&mut self, bytes: &[u8]) {
        std::hash::Hasher::write(&mut self.0, bytes);
    }

    fn hex(&self) -> String {
        format!("{:016x}", std::hash::Hasher::finish(&self.0))
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
    /// By term id (see [`Dictionary`]); empty for a term this language lacks.
    postings: Vec<Postings>,
    stamp: Stamp,
    /// Runs of text chunks by the language whose folder holds them.
    text_runs: Vec<(usize, u32)>,
}

impl Language<'_> {
    /// Hands a file to `sink`, folding its bytes into the stamp.
    fn write(&mut self, sink: &dyn Sink, path: String, bytes: Vec<u8>) -> Result<(), OutputError> {
        self.stamp.add(&bytes);
        sink.file(OutputFile::new(format!("{}{path}", self.dir), bytes))
    }

    /// Merges a batch of prepared documents (the `l`th language of each, term ids given)
    /// starting at document `first`, and writes their metadata chunks.
    fn batch(
        &mut self,
        sink: &dyn Sink,
        dict: &Dictionary,
        l: usize,
        first: usize,
        batch: &[Prepared],
    ) -> Result<(), OutputError> {
        while self.postings.len() < dict.terms.len() {
            let first_only = dict.first_only(self.postings.len());
            self.postings.push(Postings::new(first_only));
        }
        for (i, p) in batch.iter().enumerate() {
            let doc = (first + i) as u32;
            let terms = &p.langs[l];
            let body = terms.body.map_or(&[][..], |b| &p.bodies[b][..]);
            for e in &terms.entries {
                self.postings[e.id as usize].push_parts(
                    doc,
                    e.count,
                    &terms.positions[e.fields.0 as usize..e.fields.1 as usize],
                    &body[e.body.0 as usize..e.body.1 as usize],
                );
            }
            let groups = terms.body.map_or(&[][..], |b| &p.body_groups[b][..]);
            for (g, _) in groups.iter().zip(&terms.linked).filter(|(_, linked)| !**linked) {
                self.postings[g.id as usize].push_parts(doc, g.count, &[], &body[g.start as usize..g.end as usize]);
            }
        }
        for (n, chunk) in batch.chunks(CHUNK_DOCS).enumerate() {
            let mut bytes = Vec::with_capacity(chunk.iter().map(|p| p.metas[l].len() + 1).sum::<usize>() + 1);
            bytes.push(b'[');
            for (i, p) in chunk.iter().enumerate() {
                if i > 0 {
                    bytes.push(b',');
                }
                bytes.extend_from_slice(&p.metas[l]);
            }
            bytes.push(b']');
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

    /// Writes the term shards and the manifest; `terms` are the dictionary's terms by id and
    /// `order` their ids in UTF-16 order.
    fn finish(
        mut self,
        site: &Site,
        srcs: &[Source<'_>],
        dirs: &[String],
        (terms, order): (&[String], &[u32]),
        sink: &dyn Sink,
    ) -> Result<(), OutputError> {
        let mut postings = std::mem::take(&mut self.postings);
        let mut bounds: Vec<String> = Vec::new();
        let mut current: Vec<(&str, Postings)> = Vec::new();
        let mut size = 0;
        let mut flush = |me: &mut Self, current: &mut Vec<(&str, Postings)>| -> Result<(), OutputError> {
            if current.is_empty() {
                return Ok(());
            }
            let bytes = shard::encode(current.iter().map(|(t, p)| (*t, p)));
            me.write(sink, format!("t/{}.bin", bounds.len()), bytes)?;
            bounds.push(current[0].0.to_string());
            current.clear();
            Ok(())
        };
        // Taken term by term, so each shard's postings are freed once it is written.
        for &id in order {
            let Some(p) = postings.get_mut(id as usize).filter(|p| !p.is_empty()) else { continue };
            let (term, postings) = (terms[id as usize].as_str(), std::mem::take(p));
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
            "version": 3,
            "lang": self.lang,
            "stamp": self.stamp.hex(),
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

/// Merges a batch of prepared documents, the first numbered `first`, into every language's
/// index, and writes their metadata and body text chunks.
fn merge_batch(
    indexes: &mut [Language<'_>],
    sink: &dyn Sink,
    dict: &Dictionary,
    first: usize,
    prepared: &[Prepared],
) -> Result<(), OutputError> {
    indexes.par_iter_mut().enumerate().try_for_each(|(l, index)| index.batch(sink, dict, l, first, prepared))?;
    // Body texts: a chunk the same in an earlier language is written once, there.
    for (n, chunk) in prepared.chunks(TEXT_DOCS).enumerate() {
        let n = first / TEXT_DOCS + n;
        for (l, index) in indexes.iter_mut().enumerate() {
            let same = (0..l).find(|&e| chunk.iter().all(|p| p.text_of[e] == p.text_of[l]));
            let mut bytes = Vec::with_capacity(chunk.iter().map(|p| p.text(l).len() + 1).sum());
            for (i, p) in chunk.iter().enumerate() {
                if i > 0 {
                    bytes.push(b'\x0c');
                }
                bytes.extend_from_slice(p.text(l).as_bytes());
            }
            match same {
                Some(e) => {
                    index.stamp.add(&bytes);
                    index.text_from(e);
                }
                None => {
                    index.write(sink, format!("x/{n}.txt"), bytes)?;
                    index.text_from(l);
                }
            }
        }
    }
    Ok(())
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
            postings: Vec::new(),
            stamp: Stamp::new(),
            text_runs: Vec::new(),
        })
        .collect();
    let dirs: Vec<String> = indexes.iter().map(|i| i.dir.clone()).collect();
    let mut dict = Dictionary::default();
    let prepare_batch = |batch: &[Source<'_>], dict: &Dictionary| -> Result<Vec<Prepared>, OutputError> {
        let prepared: Vec<Prepared> =
            batch.par_iter().map(|src| SCRATCH.with_borrow_mut(|s| prepare(site, src, langs, dict, s))).collect();
        match prepared.iter().find_map(|p| p.changed.clone()) {
            Some(changed) => Err(OutputError::SourceChanged(changed)),
            None => Ok(prepared),
        }
    };
    let batches: Vec<&[Source<'_>]> = srcs.chunks(BATCH).collect();
    let mut next = batches.first().map(|batch| prepare_batch(batch, &dict)).transpose()?;
    for b in 0..batches.len() {
        let mut prepared = next.take().unwrap_or_default();
        // Terms new in this batch get their ids in document order, so ids never depend on
        // the thread count (nor does the output, which is in term order).
        for p in &mut prepared {
            for e in p.langs.iter_mut().flat_map(|t| t.entries.iter_mut()).filter(|e| e.id == NEW) {
                e.id = dict.id(e.key, &p.words);
            }
            for g in p.body_groups.iter_mut().flatten().filter(|g| g.id == NEW) {
                g.id = dict.id(g.key, &p.words);
            }
        }
        // The next batch is prepared while this one is merged: both only read the
        // dictionary, which has this batch's terms, as it would one batch after the other.
        let dict = &dict;
        let (merged, following) = rayon::join(
            || merge_batch(&mut indexes, sink, dict, b * BATCH, &prepared),
            || batches.get(b + 1).map(|batch| prepare_batch(batch, dict)).transpose(),
        );
        merged?;
        next = following?;
    }
    let (terms, order) = dict.sorted();
    indexes.into_par_iter().try_for_each(|index| index.finish(site, &srcs, &dirs, (&terms, &order), sink))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(g: &Grouped) -> Vec<(u64, u32, Vec<u32>)> {
        g.groups.iter().map(|x| (x.key, x.count, g.positions[x.start as usize..x.end as usize].to_vec())).collect()
    }

    #[test]
    fn grouping_keeps_each_terms_positions_in_order() {
        let (a, b, c) = (WORD_KEY | 7, (0x6a21 << 21) | 0x5177, WORD_KEY | 9);
        let hits = [(a, 1), (b, 2), (a, 3), (c, 4), (b, (4 << 16) | 1), (a, (4 << 16) | 2)];
        let dict = Dictionary::default();
        let mut g = Grouper::default();
        for (k, p) in hits {
            g.hit(k, p);
        }
        let grouped = g.finish(&dict);
        assert_eq!(
            runs(&grouped),
            vec![(a, 3, vec![1, 3, (4 << 16) | 2]), (b, 2, vec![2, (4 << 16) | 1]), (c, 1, vec![4])]
        );
        assert_eq!(g.slot(b), Some(1));
        assert!(grouped.groups.iter().all(|x| x.id == NEW));
        // The grouper is reused from text to text.
        g.clear();
        g.hit(c, 0);
        assert_eq!(runs(&g.finish(&dict)), vec![(c, 1, vec![0])]);
        assert_eq!(g.slot(b), None);
    }

    #[test]
    fn slots_survive_growing_and_clearing() {
        let mut s = Slots::default();
        assert_eq!(s.get(5), None);
        // Pairs and words alike, enough of them to grow the table several times.
        let keys: Vec<u64> = (0..5000u64).map(|i| if i % 2 == 0 { (i << 21) | 7 } else { WORD_KEY | i }).collect();
        for (n, &k) in keys.iter().enumerate() {
            assert_eq!(s.get_or_insert(k, n as u32), n as u32);
        }
        for (n, &k) in keys.iter().enumerate() {
            assert_eq!(s.get_or_insert(k, u32::MAX), n as u32);
            assert_eq!(s.get(k), Some(n as u32));
        }
        assert_eq!(s.get(WORD_KEY | 6000), None);
        s.clear();
        assert!(keys.iter().all(|&k| s.get(k).is_none()));
        assert_eq!(s.get_or_insert(keys[9], 0), 0);
        assert_eq!(s.get(keys[9]), Some(0));
    }

    #[test]
    fn single_characters_keep_their_count_and_first_position() {
        let (one, pair) = (0x6a21 << 21, (0x6a21 << 21) | 0x5177);
        assert!(first_only(one) && !first_only(pair) && !first_only(WORD_KEY) && !first_only(WORD_KEY | KNOWN));
        let mut g = Grouper::default();
        for (k, p) in [(one, 3), (pair, 3), (one, 8), (one, (4 << 16) | 1)] {
            g.hit(k, p);
        }
        assert_eq!(runs(&g.finish(&Dictionary::default())), vec![(one, 3, vec![3]), (pair, 1, vec![3])]);
        assert_eq!((g.slot(one), g.slot(pair)), (Some(0), Some(1)));
        // Characters past the Basic Multilingual Plane take the hashed path; clearing forgets both.
        let astral = 0x2_0000 << 21;
        g.clear();
        assert_eq!(g.slot(one), None);
        for (k, p) in [(astral, 1), (one, 2), (astral, 5)] {
            g.hit(k, p);
        }
        assert_eq!(runs(&g.finish(&Dictionary::default())), vec![(astral, 2, vec![1]), (one, 1, vec![2])]);
        assert_eq!((g.slot(astral), g.slot(one), g.slot(pair)), (Some(0), Some(1), None));
    }

    #[test]
    fn terms_get_the_same_id_whoever_finds_them() {
        let mut dict = Dictionary::default();
        let words = vec!["pump".to_string(), "valv".to_string()];
        let pair = (0x6a21 << 21) | 0x5177;
        assert_eq!(dict.get(pair), NEW);
        assert_eq!(dict.id(pair, &words), 0);
        assert_eq!(dict.id(WORD_KEY | 1, &words), 1);
        assert_eq!(dict.id(pair, &words), 0);
        assert_eq!(dict.get(pair), 0);
        // A word known when the document was tokenized carries its id; a new one is looked up.
        assert_eq!(dict.id(WORD_KEY | KNOWN | 1, &[]), 1);
        assert_eq!(dict.id(WORD_KEY, &["valv".to_string()]), 1);
        assert_eq!(dict.words.get("valv"), Some(&1));
        assert_eq!(dict.word("valv"), Some(1));
        assert_eq!(dict.word("val"), None);
        // Words past 16 bytes are found by their text.
        let long = vec!["internationalisation".to_string()];
        assert_eq!(dict.id(WORD_KEY, &long), 2);
        assert_eq!(dict.word("internationalisation"), Some(2));
        assert_eq!(dict.word("internationalisatio"), None);
        assert_ne!(short_word("ab"), short_word("abc"));
        assert_eq!(short_word("sixteen-bytes-ok"), Some(u128::from_le_bytes(*b"sixteen-bytes-ok")));
        let (terms, order) = dict.sorted();
        assert_eq!(terms, vec!["模具", "valv", "internationalisation"]);
        assert_eq!(order, vec![2, 1, 0]);
    }

    #[test]
    fn metadata_is_written_as_serde_json_writes_it() {
        let doc = Doc {
            kind: "report",
            title: "台州 \"quoted\" \\ \u{1}",
            url: "/reports/a/".into(),
            city: Some("台州"),
            date: Some("2019-01-02".into()),
            fields: Default::default(),
            body: None,
        };
        let want =
            json!({"t": doc.title, "k": doc.kind, "u": doc.url, "x": "a\u{c}b\n", "c": "台州", "d": "2019-01-02"});
        assert_eq!(String::from_utf8(meta_json(&doc, "a\u{c}b\n")).unwrap(), want.to_string());
        let doc = Doc { city: None, date: None, ..doc };
        let want = json!({"t": doc.title, "k": doc.kind, "u": doc.url, "x": ""});
        assert_eq!(String::from_utf8(meta_json(&doc, "")).unwrap(), want.to_string());
    }

    #[test]
    fn strings_are_escaped_where_serde_json_escapes_them() {
        for special in (0u8..0x20).chain([b'"', b'\\']) {
            for len in 1..20 {
                for at in 0..len {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = special;
                    let s = String::from_utf8(bytes).unwrap();
                    assert!(needs_escape(s.as_bytes()), "{s:?}");
                    let mut out = Vec::new();
                    json_str(&mut out, &s);
                    assert_eq!(out, serde_json::to_vec(&s).unwrap());
                }
            }
        }
        for s in ["", "abcdefgh", "台州 ~!#$%&'()*+,-./0123456789:;<=>?@[]^_`{|}\u{7f}", "\u{80}\u{ff}é"] {
            assert!(!needs_escape(s.as_bytes()), "{s:?}");
            let mut out = Vec::new();
            json_str(&mut out, s);
            assert_eq!(out, serde_json::to_vec(&s).unwrap());
        }
    }

    #[test]
    fn heading_attributes_are_not_searchable_text() {
        let text = markdown_text("## 服务内容 {#services .wide}\n\n检验检测");
        assert_eq!(text, "服务内容\n检验检测\n");
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
        assert_eq!(cut("aé模😀b".into(), 4), "aé模😀…");
        assert_eq!(cut("aé模😀".into(), 4), "aé模😀");
        assert_eq!(cut("aé模😀b".into(), 3), "aé模…");
        let s = excerpt_source("概要。", &"长".repeat(400));
        assert_eq!(s.chars().count(), EXCERPT_CHARS + 1);
        assert!(s.starts_with("概要。 长") && s.ends_with('…'));
    }
}
