//! The search index, written as static files and read by the browser client
//! (themes/default/static/assets/search.js). The term shards are made once for all the site's
//! languages, in the first language's `search/` folder; each language has its own manifest,
//! metadata and body texts under `<lang prefix>search/`.
//!
//! - `manifest.json`: the folder of the shards and the first term of every shard, the rank of
//!   every field in this language, the facets (values, labels and one run-length column per
//!   facet over all documents) and the document count.
//! - `t/<n>.bin`, in the first language's folder: the term dictionary split into shards of
//!   about [`SHARD_BYTES`], so a query fetches only the shards its terms fall in (format in
//!   [`shard`]).
//! - `d/<n>.json`: document metadata (title, type, URL, city, date, excerpt source) in
//!   chunks of [`CHUNK_DOCS`], fetched only for the results shown.
//! - `x/<n>.txt`: the body text of [`TEXT_DOCS`] documents, separated by form feeds, fetched
//!   only for a result shown whose excerpt source has no match, so that the excerpt can show
//!   a match deep in the body. A body two languages share is written once, in the folder of
//!   the first; the manifest says which folder holds each chunk.
//!
//! Every text of a document is indexed once, in a field that names its kind (title, short
//! names, places and labels, summary, body) and the languages that show it, so a text two
//! languages share is tokenized and stored once. Each language ranks the fields its own way
//! (`field_ranks`): its own title first, the names in other languages next, its labels above
//! those of other languages, its body above a body it does not show. So "Huangyan" finds
//! 黄岩模具 on the Chinese site, "台州" finds the complexes in Taizhou on the English site, and
//! a word in the body of either language is found from both.
//!
//! Documents are numbered the same way in every language, and indexed in one pass over the
//! site. Memory stays small because each term's postings are held compressed, in the shard
//! format, and a term found in most documents keeps no body positions (see
//! [`shard::CAP_BYTES`]).

pub mod shard;
pub mod tokenize;

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::FastMap;
use crate::config::Vocabulary;
use crate::link::{self, Route};
use crate::model::{BodyChanged, BodyPart, BodyTexts, Complex, ItemAt, Page, Report, Site, Text};
use crate::output::{OutputError, OutputFile, Sink};
use crate::render::markdown::plain_text;
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
/// The kinds of text a document is searched by, in rank order (a field is a kind and the
/// languages that show the text, see [`shard`]): the title or name;
const TITLE: u32 = 0;
/// short names;
const NAMES: u32 = 1;
/// places, people, organisations, industries, services, tags and the labels of the facets;
const META: u32 = 2;
/// the summary;
const SUMMARY: u32 = 3;
/// and the body, [`shard::BODY_KIND`].
const BODY: u32 = shard::BODY_KIND;
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
    at: ItemAt,
    kind: &'static str,
    id: &'a str,
    /// Facet value ids, in the order of [`FACETS`].
    facets: [Option<String>; 6],
}

/// What a document shows in one language, for its metadata, its texts borrowed from the
/// site; the body stays in the site until it is indexed.
#[derive(Debug, Clone)]
struct Doc<'a> {
    kind: &'static str,
    title: &'a str,
    url: String,
    city: Option<&'a str>,
    date: Option<String>,
    summary: &'a str,
    body: Option<&'a BodyPart>,
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

/// The bit of the site's `i`th language in a field's mask (see [`shard`]); none for a language
/// past those a mask names.
fn language_bit(i: usize) -> u32 {
    if i < shard::MASK_LANGUAGES { 1 << i } else { 0 }
}

/// Whether two strings are equal, at once when they are the same string (a language showing
/// the very text being placed), without comparing its bytes.
fn same(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// A document's searchable texts in every language, each with its field (see [`shard`]): a
/// text that several languages show is there once, with all of them in its mask.
struct Fields<'a, 'l> {
    out: Vec<(u32, &'a str)>,
    langs: &'l [String],
}

impl<'a> Fields<'a, '_> {
    /// Adds `s` as a text of `kind` that the languages for which `shows` holds show.
    fn push(&mut self, kind: u32, s: &'a str, shows: impl Fn(&str) -> bool) {
        if s.is_empty() {
            return;
        }
        let mask = self.langs.iter().enumerate().filter(|(_, l)| shows(l)).fold(0, |m, (i, _)| m | language_bit(i));
        self.out.push((shard::field(kind, mask, self.langs.len()), s));
    }

    /// Every value of `t`, once each.
    fn text(&mut self, kind: u32, t: &'a Text) {
        let values = t.values();
        for (i, (_, v)) in values.iter().enumerate() {
            if values[..i].iter().all(|(_, w)| w != v) {
                self.push(kind, v, |l| same(t.text(l), v));
            }
        }
    }

    /// The label of vocabulary value `id` in every language, once each.
    fn label(&mut self, kind: u32, vocab: &'a Vocabulary, id: &'a str) {
        let langs = self.langs;
        for (i, l) in langs.iter().enumerate() {
            let s = vocab.label(id, l);
            if langs[..i].iter().all(|m| !same(vocab.label(id, m), s)) {
                self.push(kind, s, |m| same(vocab.label(id, m), s));
            }
        }
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

/// A body's text as its text chunk keeps it: trimmed, form feeds (which separate the
/// documents of a chunk) made spaces, cut at [`TEXT_CHARS`]; copied only if it has a form feed.
fn chunk_text(mut t: String) -> String {
    if t.contains('\u{c}') {
        t = t.replace('\u{c}', " ");
    }
    t.truncate(t.trim_end().len());
    let start = t.len() - t.trim_start().len();
    t.drain(..start);
    cut(t, TEXT_CHARS)
}

fn excerpt_source(summary: &str, body: &str) -> String {
    // The summary, then the body's lines, one space between, cut at EXCERPT_CHARS characters
    // with an ellipsis if there is more. Only one character past the cut is ever copied or
    // counted: `chars` stops at EXCERPT_CHARS + 1.
    let mut s = String::with_capacity(4 * EXCERPT_CHARS);
    let mut chars = 0;
    let add = |s: &mut String, chars: &mut usize, t: &str| {
        let room = EXCERPT_CHARS + 1 - *chars;
        let (mut n, mut end) = (0, t.len());
        for (i, _) in t.char_indices() {
            if n == room {
                end = i;
                break;
            }
            n += 1;
        }
        s.push_str(&t[..end]);
        *chars += n;
    };
    add(&mut s, &mut chars, summary.trim());
    for part in body.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        if chars >= EXCERPT_CHARS {
            break;
        }
        if !s.is_empty() {
            add(&mut s, &mut chars, " ");
        }
        add(&mut s, &mut chars, part);
    }
    if chars > EXCERPT_CHARS {
        s.pop();
        s.push('…');
    }
    s
}

/// Every document of the site in index order, the same in every language: grouped by facet
/// values so the facet columns compress to a few runs, ties by id.
fn sources(site: &Site) -> Vec<Source<'_>> {
    let v = &site.config.vocab;
    let mut out: Vec<Source<'_>> = Vec::new();
    for (i, c) in site.complexes.iter().enumerate() {
        out.push(Source {
            item: Item::Complex(c),
            at: ItemAt::Complex(i),
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
    for (i, r) in site.reports.iter().enumerate() {
        out.push(Source {
            item: Item::Report(r),
            at: ItemAt::Report(i),
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
    for (i, p) in site.pages.iter().enumerate() {
        out.push(Source {
            item: Item::Page(p),
            at: ItemAt::Page(i),
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

/// Every text a document is searched by, in every language, with its field.
fn fields<'a>(site: &'a Site, src: &Source<'a>) -> Vec<(u32, &'a str)> {
    let v = &site.config.vocab;
    let mut f = Fields { out: Vec::new(), langs: &site.config.languages };
    match src.item {
        Item::Complex(c) => {
            f.text(TITLE, &c.name);
            for s in &c.short_names {
                f.text(NAMES, s);
            }
            f.label(META, &v.cities, &c.location.city);
            f.text(META, &c.location.district);
            f.text(META, &c.location.address);
            f.label(META, &v.levels, &c.level);
            if let Some(s) = &c.status {
                f.label(META, &v.statuses, s);
            }
            f.text(META, &c.leading_industry);
            for t in &c.industry_tags {
                f.label(META, &v.industries, t);
            }
            if let Some(cat) = &c.industry_category {
                f.label(META, &v.industry_categories, cat);
            }
            if let Some(m) = &c.mode {
                f.label(META, &v.modes, m);
            }
            for t in [&c.applicant, &c.operator_name, &c.operator_type] {
                f.text(META, t);
            }
            for t in c.host_units.iter().chain(&c.lead_enterprises).chain(&c.partners) {
                f.text(META, t);
            }
            for s in &c.services {
                f.label(META, &v.service_elements, &s.element);
                f.text(META, &s.description);
                for p in &s.providers {
                    f.text(META, p);
                }
            }
            f.text(SUMMARY, &c.summary);
        }
        Item::Report(r) => {
            f.text(TITLE, &r.title);
            f.label(META, &v.report_kinds, &r.kind);
            if let Some(city) = &r.location_city {
                f.label(META, &v.cities, city);
            }
            f.text(META, &r.location_name);
            for a in &r.attendees {
                for t in [&a.name, &a.title, &a.organisation] {
                    f.text(META, t);
                }
            }
            for t in r.organisers.iter().chain(&r.tags) {
                f.text(META, t);
            }
            // Complexes are sorted by id.
            let complex = |id: &str| {
                let i = site.complexes.binary_search_by(|c| c.id.as_str().cmp(id)).ok()?;
                Some(&site.complexes[i].name)
            };
            for name in r.complexes.iter().chain(&r.location_complex).filter_map(|id| complex(id.as_str())) {
                f.text(META, name);
            }
            for p in &r.photos {
                f.text(META, &p.caption);
                f.text(META, &p.alt);
            }
            if let Some(s) = &r.source {
                f.text(META, &s.publisher);
                for t in s.authors.iter().chain(&s.correspondents) {
                    f.text(META, t);
                }
            }
            f.text(SUMMARY, &r.summary);
        }
        Item::Page(p) => {
            f.text(TITLE, &p.title);
            f.text(SUMMARY, &p.summary);
        }
    }
    f.out
}

/// What a document shows in `lang`.
fn document<'a>(site: &'a Site, src: &Source<'a>, lang: &str) -> Doc<'a> {
    let v = &site.config.vocab;
    // Each kind's title, address, city, date, summary and body, read in `lang` below.
    let (title, route, city, date, summary, body) = match src.item {
        Item::Complex(c) => (&c.name, Route::Complex(c.id.as_str()), Some(&c.location.city), None, &c.summary, &c.body),
        Item::Report(r) => {
            (&r.title, Route::Report(r.id.as_str()), r.location_city.as_ref(), r.date(), &r.summary, &r.body)
        }
        Item::Page(p) => (&p.title, Route::Page(p.id.as_str()), None, p.updated, &p.summary, &p.body),
    };
    Doc {
        kind: src.kind,
        title: title.text(lang),
        url: link::url(site, lang, route),
        city: city.map(|c| v.cities.label(c, lang)),
        date: date.map(|d| d.iso()),
        summary: summary.text(lang),
        body: body.get(lang),
    }
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
    cjk: Slots<u64>,
    /// The words of more than 16 bytes.
    words: FastMap<String, u32>,
    /// The words of up to 16 bytes, by [`short_word`], to look them up without comparing
    /// strings or hashing them in general.
    short: Slots<u128>,
    /// By term id: the key (for CJK terms) or the word.
    terms: Vec<Key>,
}

enum Key {
    Cjk(u64),
    Word(String),
}

/// A word of up to 16 bytes as a number: its bytes, little-endian, padded with zeros (a word
/// has no zero byte, so no two words share a number).
#[inline(always)]
fn short_word(w: &str) -> Option<u128> {
    let b = w.as_bytes();
    let n = b.len();
    // Read as at most two overlapping loads from each end, not byte by byte: the bytes both
    // loads hold land on the same bits, so or-ing them is exact.
    let le = |at: usize, len: usize| b[at..at + len].iter().rev().fold(0u64, |v, &x| v << 8 | u64::from(x));
    let word = |at: usize| le(at, 8);
    let (lo, hi) = match n {
        0..4 => (le(0, n), 0),
        4..8 => (le(0, 4) | le(n - 4, 4) << (8 * (n - 4)), 0),
        8 => (word(0), 0),
        9..=16 => (word(0), word(n - 8) >> (8 * (16 - n))),
        _ => return None,
    };
    Some(u128::from(hi) << 64 | u128::from(lo))
}

impl Dictionary {
    /// The id of the term of `key`, or [`NEW`] if the dictionary lacks it.
    fn get(&self, key: u64) -> u32 {
        if key & WORD_KEY == 0 {
            self.cjk.get(key).unwrap_or(NEW)
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
            let id = self.cjk.get_or_insert(key, next);
            if id == next {
                self.terms.push(Key::Cjk(key));
            }
            id
        } else if key & KNOWN != 0 {
            (key & 0xFFFF_FFFF) as u32
        } else {
            let w = &words[(key & 0xFFFF_FFFF) as usize];
            let id = match short_word(w) {
                Some(k) => self.short.get_or_insert(k, next),
                // Looked up first: a word already there needs no copy of its text.
                None => match self.words.get(w.as_str()) {
                    Some(&id) => id,
                    None => {
                        self.words.insert(w.clone(), next);
                        next
                    }
                },
            };
            if id == next {
                self.terms.push(Key::Word(w.clone()));
            }
            id
        }
    }

    /// The id of word `w`, if the dictionary has it.
    #[inline(always)]
    fn word(&self, w: &str) -> Option<u32> {
        match short_word(w) {
            Some(k) => self.short.get(k),
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
    slots: Slots<u64>,
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

/// A key of [`Slots`]: hashed by multiplying, the top bits of the product taken.
trait SlotKey: Copy + Eq + Default {
    fn hash(self) -> u64;
}

impl SlotKey for u64 {
    #[inline(always)]
    fn hash(self) -> u64 {
        self.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

impl SlotKey for u128 {
    #[inline(always)]
    fn hash(self) -> u64 {
        ((self as u64) ^ ((self >> 64) as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)).hash()
    }
}

/// Slots by key: an open-addressing table with linear probing, cheaper than a general map for
/// the one look-up made for every occurrence of a pair or a word (the keys that are not single
/// characters of the Basic Multilingual Plane), and for looking up short words.
#[derive(Default)]
struct Slots<K> {
    /// (key, slot + 1), 0 for a free entry; a power of two long, at most half full.
    entries: Vec<(K, u32)>,
    /// 64 less the log2 of the length of `entries`: the hash is the top bits of a product.
    shift: u32,
    /// The entries in use, to clear them.
    used: Vec<u32>,
}

impl<K: SlotKey> Slots<K> {
    /// Where `key` is first looked for in a table whose length is 2 to the (64 - `shift`).
    #[inline]
    fn index(shift: u32, key: K) -> usize {
        (key.hash() >> shift) as usize
    }

    /// The slot of `key`, if it has one.
    #[inline(always)]
    fn get(&self, key: K) -> Option<u32> {
        if self.entries.is_empty() {
            return None;
        }
        let mask = self.entries.len() - 1;
        let mut i = Self::index(self.shift, key);
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
    fn get_or_insert(&mut self, key: K, new: u32) -> u32 {
        if self.used.len() * 2 >= self.entries.len() {
            self.grow();
        }
        let mask = self.entries.len() - 1;
        let mut i = Self::index(self.shift, key);
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
        let old = std::mem::replace(&mut self.entries, vec![(K::default(), 0); len]);
        self.shift = 64 - len.trailing_zeros();
        let mask = len - 1;
        for u in &mut self.used {
            let e = old[*u as usize];
            let mut i = Self::index(self.shift, e.0);
            while self.entries[i].1 != 0 {
                i = (i + 1) & mask;
            }
            self.entries[i] = e;
            *u = i as u32;
        }
    }

    fn clear(&mut self) {
        for &i in &self.used {
            self.entries[i as usize] = (K::default(), 0);
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
    /// slots stay until the next `clear`.
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
    #[cfg(test)]
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

/// One document made ready for every language: its terms, metadata and body text.
struct Prepared {
    /// Words the dictionary did not have when the document was prepared.
    words: Vec<String>,
    /// The terms of all the document's texts, their positions in `positions`.
    groups: Vec<Group>,
    positions: Vec<u32>,
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
    /// A grouper per thread, reused from document to document so its buffers are made once.
    static GROUPER: std::cell::RefCell<Grouper> = std::cell::RefCell::default();
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

/// Tokenizes and groups a document, against the terms `dict` has so far: every text once,
/// in the field of the languages that show it, and its metadata in every language. A body
/// whose text is in `kept` is taken from there, any other read back and parsed.
fn prepare(site: &Site, src: &Source<'_>, mut kept: BodyTexts, dict: &Dictionary, g: &mut Grouper) -> Prepared {
    let langs = &site.config.languages;
    let mut new = NewWords::default();
    g.clear();
    // Fields in increasing order, so that each term's positions come in order.
    let mut fields = fields(site, src);
    fields.sort_by_key(|&(f, _)| f);
    for run in fields.chunk_by(|a, b| a.0 == b.0) {
        tokenize_field(run[0].0, run.iter().map(|&(_, s)| s), dict, &mut new, g);
    }
    let docs: Vec<Doc<'_>> = langs.iter().map(|l| document(site, src, l)).collect();
    // Each distinct body once, with the languages that show it, in the order of their fields.
    let mut parts: Vec<(u32, &BodyPart)> = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let Some(part) = d.body else { continue };
        match parts.iter_mut().find(|(_, p)| std::ptr::eq(*p, part)) {
            Some(e) => e.0 |= language_bit(i),
            None => parts.push((language_bit(i), part)),
        }
    }
    parts.sort_by_key(|&(mask, _)| mask);
    let mut changed = None;
    let texts: Vec<String> = parts
        .iter()
        .map(|&(_, part)| {
            let at = std::ptr::from_ref(part) as usize;
            if let Some(i) = kept.iter().position(|&(a, _)| a == at) {
                return kept.swap_remove(i).1;
            }
            match part.text() {
                Ok(markdown) => plain_text(&markdown),
                Err(c) => {
                    changed = Some(c);
                    String::new()
                }
            }
        })
        .collect();
    let mut at = 0;
    for run in parts.chunk_by(|a, b| a.0 == b.0) {
        let field = shard::field(BODY, run[0].0, langs.len());
        tokenize_field(field, &texts[at..at + run.len()], dict, &mut new, g);
        at += run.len();
    }
    let grouped = g.finish(dict);
    let text_of: Vec<Option<usize>> =
        docs.iter().map(|d| d.body.and_then(|b| parts.iter().position(|(_, p)| std::ptr::eq(*p, b)))).collect();
    let metas = docs
        .iter()
        .zip(&text_of)
        .map(|(d, t)| meta_json(d, &excerpt_source(d.summary, t.map_or("", |i| texts[i].as_str()))))
        .collect();
    Prepared {
        words: new.list,
        groups: grouped.groups,
        positions: grouped.positions,
        metas,
        texts: texts.into_iter().map(chunk_text).collect(),
        text_of,
        changed,
    }
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

    fn value(&self) -> u64 {
        std::hash::Hasher::finish(&self.0)
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.value())
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

/// The rank of every field (see [`shard`]) as the site's `l`th language sees it, 0 the first:
/// the title or name the language shows, then short names and names in other languages,
/// places and labels, the summary, labels and summaries in other languages, the body, and
/// last a body in another language.
fn field_ranks(l: usize, languages: usize) -> Vec<u8> {
    (TITLE..=BODY)
        .flat_map(|kind| {
            (0..1u32 << shard::mask_languages(languages)).map(move |mask| match (kind, mask & language_bit(l) != 0) {
                (TITLE, true) => 0,
                (TITLE | NAMES, _) => 1,
                (META, true) => 2,
                (SUMMARY, true) => 3,
                (META | SUMMARY, false) => 4,
                (_, true) => 5,
                (_, false) => 6,
            })
        })
        .collect()
}

/// A folder of the index while its files are written, and the stamp of what it holds.
struct Folder {
    /// Relative to the output folder, ending in "/".
    dir: String,
    stamp: Stamp,
}

impl Folder {
    fn new(dir: String) -> Folder {
        Folder { dir, stamp: Stamp::new() }
    }

    /// Hands a file to `sink`, folding its bytes into the stamp.
    fn write(&mut self, sink: &dyn Sink, path: String, bytes: Vec<u8>) -> Result<(), OutputError> {
        self.stamp.add(&bytes);
        sink.file(OutputFile::new(format!("{}{path}", self.dir), bytes))
    }
}

/// The term shards, which every language's index shares, while they are made.
struct Terms {
    /// Where they are written: the first language's index.
    folder: Folder,
    languages: usize,
    /// By term id (see [`Dictionary`]).
    postings: Vec<Postings>,
}

impl Terms {
    /// Merges a batch of prepared documents (term ids given) starting at document `first`.
    fn batch(&mut self, dict: &Dictionary, first: usize, batch: &[Prepared]) {
        while self.postings.len() < dict.terms.len() {
            let first_only = dict.first_only(self.postings.len());
            self.postings.push(Postings::new(first_only, self.languages));
        }
        for (i, p) in batch.iter().enumerate() {
            let doc = (first + i) as u32;
            for g in &p.groups {
                let positions = &p.positions[g.start as usize..g.end as usize];
                self.postings[g.id as usize].push_counted(doc, g.count, positions);
            }
        }
    }

    /// Writes the shards; `terms` are the dictionary's terms by id and `order` their ids in
    /// UTF-16 order. Returns the first term of every shard.
    fn finish(&mut self, (terms, order): (&[String], &[u32]), sink: &dyn Sink) -> Result<Vec<String>, OutputError> {
        let mut postings = std::mem::take(&mut self.postings);
        let mut bounds: Vec<String> = Vec::new();
        let mut current: Vec<(&str, Postings)> = Vec::new();
        let mut size = 0;
        let mut flush = |me: &mut Self, current: &mut Vec<(&str, Postings)>| -> Result<(), OutputError> {
            if current.is_empty() {
                return Ok(());
            }
            let bytes = shard::encode(current.iter().map(|(t, p)| (*t, p)));
            me.folder.write(sink, format!("t/{}.bin", bounds.len()), bytes)?;
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
                flush(self, &mut current)?;
                size = 0;
            }
            size += bytes;
            current.push((term, postings));
            if size >= SHARD_BYTES {
                flush(self, &mut current)?;
                size = 0;
            }
        }
        flush(self, &mut current)?;
        Ok(bounds)
    }
}

/// The files of one language's index while they are written: its manifest, metadata and
/// body texts.
struct Language<'a> {
    lang: &'a str,
    folder: Folder,
    /// Runs of text chunks by the language whose folder holds them.
    text_runs: Vec<(usize, u32)>,
}

impl Language<'_> {
    /// Writes the metadata chunks of a batch of prepared documents (the `l`th language of
    /// each) starting at document `first`.
    fn batch(&mut self, sink: &dyn Sink, l: usize, first: usize, batch: &[Prepared]) -> Result<(), OutputError> {
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
            self.folder.write(sink, format!("d/{}.json", first / CHUNK_DOCS + n), bytes)?;
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

    /// Writes the manifest, the `l`th language's, given the shards the languages share.
    fn finish(
        mut self,
        site: &Site,
        srcs: &[Source<'_>],
        dirs: &[String],
        l: usize,
        (terms, shards): (&Terms, &[String]),
        sink: &dyn Sink,
    ) -> Result<(), OutputError> {
        self.folder.stamp.add(&terms.folder.stamp.value().to_le_bytes());
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
            "version": 4,
            "lang": self.lang,
            "stamp": self.folder.stamp.hex(),
            "docs": srcs.len(),
            "chunk": CHUNK_DOCS,
            "text": TEXT_DOCS,
            // The folder of each language relative to this one, and which holds each chunk.
            "textDirs": dirs.iter().map(|d| relative(&self.folder.dir, d)).collect::<Vec<_>>(),
            "textRuns": self.text_runs.iter().flat_map(|&(l, n)| [l as u32, n]).collect::<Vec<_>>(),
            // The folder of the shards relative to this one, and the first term of each.
            "termDir": relative(&self.folder.dir, &terms.folder.dir),
            "shards": shards,
            "fields": field_ranks(l, terms.languages),
            "facets": facets,
        });
        sink.file(OutputFile::new(
            format!("{}manifest.json", self.folder.dir),
            serde_json::to_vec(&manifest).unwrap_or_default(),
        ))
    }
}

/// Merges a batch of prepared documents, the first numbered `first`, into the shards, and
/// writes their metadata and body text chunks in every language.
fn merge_batch(
    terms: &mut Terms,
    indexes: &mut [Language<'_>],
    sink: &dyn Sink,
    dict: &Dictionary,
    first: usize,
    prepared: &[Prepared],
) -> Result<(), OutputError> {
    let ((), written) = rayon::join(
        || terms.batch(dict, first, prepared),
        || indexes.par_iter_mut().enumerate().try_for_each(|(l, index)| index.batch(sink, l, first, prepared)),
    );
    written?;
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
                    index.folder.stamp.add(&bytes);
                    index.text_from(e);
                }
                None => {
                    index.folder.write(sink, format!("x/{n}.txt"), bytes)?;
                    index.text_from(l);
                }
            }
        }
    }
    Ok(())
}

/// Writes the search index to `sink`, each file as soon as it is made, paths relative to the
/// output folder: the term shards once, in the first language's folder, and the manifest,
/// metadata and body texts of every language in its own. All languages are indexed in one
/// pass over the documents, a batch at a time.
pub fn write_index(site: &Site, sink: &dyn Sink) -> Result<(), OutputError> {
    write_index_with(site, sink, &|_| Ok(Vec::new()))
}

/// Called with each batch of items before the index takes them; gives their bodies' texts.
pub type BeforeBatch<'a> = dyn Fn(&[ItemAt]) -> Result<Vec<BodyTexts>, OutputError> + Sync + 'a;

/// [`write_index`], calling `before` with each batch of items just before it is indexed, and
/// taking the bodies' texts it returns (one list per item) instead of reading them back. A
/// build renders the batch's pages there, so each body is parsed once, and only a batch's
/// texts are ever held.
pub fn write_index_with(site: &Site, sink: &dyn Sink, before: &BeforeBatch<'_>) -> Result<(), OutputError> {
    let langs = &site.config.languages;
    let srcs = sources(site);
    let mut indexes: Vec<Language<'_>> = langs
        .iter()
        .map(|lang| Language {
            lang,
            folder: Folder::new(format!("{}search/", site.config.lang_prefix(lang))),
            text_runs: Vec::new(),
        })
        .collect();
    let dirs: Vec<String> = indexes.iter().map(|i| i.folder.dir.clone()).collect();
    let mut terms = Terms { folder: Folder::new(dirs[0].clone()), languages: langs.len(), postings: Vec::new() };
    let mut dict = Dictionary::default();
    let prepare_batch = |batch: &[Source<'_>], dict: &Dictionary| -> Result<Vec<Prepared>, OutputError> {
        let items: Vec<ItemAt> = batch.iter().map(|s| s.at).collect();
        let mut kept = before(&items)?;
        // Every document is indexed whatever `before` gave: one it gave nothing for reads its
        // bodies back.
        kept.resize_with(batch.len(), BodyTexts::new);
        let prepared: Vec<Prepared> = batch
            .par_iter()
            .zip(kept)
            .map(|(src, kept)| GROUPER.with_borrow_mut(|g| prepare(site, src, kept, dict, g)))
            .collect();
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
            for g in p.groups.iter_mut().filter(|g| g.id == NEW) {
                g.id = dict.id(g.key, &p.words);
            }
        }
        // The next batch is prepared while this one is merged: both only read the
        // dictionary, which has this batch's terms, as it would one batch after the other.
        let dict = &dict;
        let (merged, following) = rayon::join(
            || merge_batch(&mut terms, &mut indexes, sink, dict, b * BATCH, &prepared),
            || batches.get(b + 1).map(|batch| prepare_batch(batch, dict)).transpose(),
        );
        merged?;
        next = following?;
    }
    let (words, order) = dict.sorted();
    let shards = terms.finish((&words, &order), sink)?;
    let terms = &terms;
    indexes
        .into_par_iter()
        .enumerate()
        .try_for_each(|(l, index)| index.finish(site, &srcs, &dirs, l, (terms, &shards), sink))
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
    fn short_words_are_their_bytes_padded_with_zeros() {
        let text = "abcdefghijklmnopq";
        for n in 0..=text.len() {
            let w = &text[..n];
            let mut padded = [0; 16];
            let expected = (n <= 16).then(|| {
                padded[..n].copy_from_slice(w.as_bytes());
                u128::from_le_bytes(padded)
            });
            assert_eq!(short_word(w), expected, "{w}");
        }
        assert_eq!(
            short_word("ée"),
            Some(u128::from_le_bytes([0xC3, 0xA9, b'e', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
        );
    }

    #[test]
    fn short_words_are_found_by_slot_whatever_their_bytes() {
        let mut s = Slots::default();
        let words: Vec<String> = (0..3000).map(|i| format!("w{i}{}", "x".repeat(i % 12))).collect();
        for (n, w) in words.iter().enumerate() {
            let k = short_word(w).unwrap_or_default();
            assert_eq!(s.get_or_insert(k, n as u32), n as u32, "{w}");
        }
        for (n, w) in words.iter().enumerate() {
            assert_eq!(s.get(short_word(w).unwrap_or_default()), Some(n as u32), "{w}");
        }
        assert_eq!(s.get(short_word("absent").unwrap_or_default()), None);
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
    fn a_body_text_given_before_a_batch_is_indexed_instead_of_the_file_read_back() {
        let site = crate::render::testutil::small_site();
        let given = |items: &[ItemAt]| -> Result<Vec<BodyTexts>, OutputError> {
            Ok(items
                .iter()
                .map(|&item| {
                    let body = match item {
                        ItemAt::Complex(i) => &site.complexes[i].body,
                        ItemAt::Report(i) => &site.reports[i].body,
                        ItemAt::Page(i) => &site.pages[i].body,
                    };
                    body.parts.iter().map(|p| (std::ptr::from_ref(p) as usize, format!("given {}", p.lang))).collect()
                })
                .collect())
        };
        let text = |sink: crate::output::Collect| -> String {
            let files = sink.into_sorted().0;
            files
                .iter()
                .filter(|f| f.path.starts_with("search/x/"))
                .map(|f| String::from_utf8_lossy(&f.bytes))
                .collect()
        };
        let (read, kept) = (crate::output::Collect::default(), crate::output::Collect::default());
        write_index(&site, &read).unwrap();
        write_index_with(&site, &kept, &given).unwrap();
        let (read, kept) = (text(read), text(kept));
        assert!(read.contains("黄岩") && !read.contains("given"), "{read}");
        assert!(kept.contains("given zh") && !kept.contains("黄岩"), "{kept}");
        // Given too few lists, the documents past them are still indexed, from their files.
        let short = crate::output::Collect::default();
        write_index_with(&site, &short, &|_| Ok(Vec::new())).unwrap();
        assert_eq!(text(short), read);
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
        assert_eq!(short_word("valv").and_then(|k| dict.short.get(k)), Some(1));
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
            summary: "",
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
        let text = plain_text("## 服务内容 {#services .wide}\n\n检验检测");
        assert_eq!(text, "服务内容\n检验检测\n");
    }

    #[test]
    fn each_language_ranks_its_own_texts_first() {
        // One language: a text is its own (mask 1) or in no language of the site (mask 0).
        assert_eq!(field_ranks(0, 1), [1, 0, 1, 1, 4, 2, 4, 3, 6, 5]);
        // Three languages: the third (bit 2) ranks the texts it shows first.
        let ja = field_ranks(2, 3);
        assert_eq!(ja.len(), 5 << 3);
        assert_eq!((ja[0b100], ja[0b011], ja[(4 << 3) | 0b101], ja[(4 << 3) | 0b011]), (0, 1, 5, 6));
        // A language past those a mask can name sees every text as another language's.
        let late = field_ranks(shard::MASK_LANGUAGES, shard::MASK_LANGUAGES + 1);
        assert_eq!(late.len(), 5 << shard::MASK_LANGUAGES);
        assert!(late.iter().all(|&r| [1, 4, 6].contains(&r)));
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

    #[test]
    fn chunk_texts_are_trimmed_with_form_feeds_made_spaces() {
        for t in ["", " \u{c} ", "\u{c}a\u{c}b\u{c}", "  模具\n泵 \n", "a\u{c}\u{c}b"] {
            assert_eq!(chunk_text(t.to_string()), t.trim().replace('\u{c}', " "), "{t:?}");
        }
        assert_eq!(chunk_text(format!(" {}", "长".repeat(TEXT_CHARS + 1))).chars().count(), TEXT_CHARS + 1);
    }

    #[test]
    fn excerpt_sources_are_the_whole_lines_joined_then_cut() {
        // The plain way: join everything up to the line that reaches the limit, then cut.
        let plain = |summary: &str, body: &str| {
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
        };
        let line = |n: usize, c: char| c.to_string().repeat(n);
        for summary in
            [String::new(), " 概要 ".into(), line(279, '模'), line(280, 'a'), line(281, '😀'), line(500, 'é')]
        {
            for body in [
                String::new(),
                "\n\n  \n".into(),
                format!("{}\n{}", line(100, '长'), line(300, 'b')),
                format!("{}\n\n{}\nmore", line(279 - summary.chars().count().min(279), 'x'), line(5, '模')),
                format!("{}\nmore", line(280, 'x')),
                format!("  {}  \n  {}", line(139, 'y'), line(139, 'z')),
            ] {
                assert_eq!(excerpt_source(&summary, &body), plain(&summary, &body), "{summary:?} {body:?}");
            }
        }
    }
}
