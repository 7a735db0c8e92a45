//! The binary shard format: a sorted run of terms, each with its postings. The browser client
//! decodes it in `search.js` (`parseShard`); `decode` here is the reference reader for tests.
//!
//! A shard is a sequence of entries, terms in UTF-16 code-unit order (the order JavaScript
//! compares strings in), each:
//!
//! ```text
//! varint shared   UTF-16 code units shared with the previous term (a code-point boundary)
//! varint len      bytes of the rest of the term
//! bytes  rest     UTF-8
//! varint flags    documents the term occurs in, times four; plus two if the term is capped;
//!                 plus one if the term keeps only its first position in each document
//! varint size     bytes of the postings that follow, so a reader can skip them
//! postings        four columns, one value per document in increasing document order
//!                 (columns compress far better than interleaved records):
//!                   docs × varint doc delta (from the previous document + 1, the first from 0)
//!                   docs × varint count of occurrences
//!                   docs × varint kept positions, only if the term is capped
//!                   the kept positions of each document in turn: the first as it is, the
//!                   rest as deltas from the one before
//! ```
//!
//! Which positions are kept:
//! - normally all of them;
//! - single CJK characters keep only their first: a one-character query needs no adjacency,
//!   and a longer one is matched with bigrams. That halves the index of Chinese text;
//! - a capped term, one whose positions would take more than [`CAP_BYTES`], keeps only its
//!   positions outside the bodies (the fields from [`body_field`] up); the count still
//!   includes the bodies' occurrences,
//!   so a reader knows the body has the term (count greater than kept) but not where. Such
//!   terms occur in most documents; dropping their body positions keeps both the bytes a
//!   query fetches and the indexer's memory small. The client treats their body matches as
//!   adjacent to the rest of the phrase (docs/search.md).
//!
//! A position is `field << 16 | offset`: the field a term was found in, in the high bits, its
//! token offset inside the field in the low 16 bits. A field is a kind of text and the
//! languages that show that text: `kind << languages | mask`, where the kinds are, in order,
//! the title or name (0), short names (1), places, people, labels and the like (2), the
//! summary (3) and the body (4), and bit `i` of the mask is set if the site's language `i`
//! shows the text (a text shown in no language of the site, as the site's languages go, has
//! the mask 0). So every position in a body comes after every position outside one. Each
//! language's manifest gives the rank of every field as that language sees it
//! (`src/search/mod.rs`).

/// Positions of a term beyond this many bytes of postings are kept only outside the bodies.
pub const CAP_BYTES: usize = 32 * 1024;
/// The kind of text that is a body: its positions are the ones a capped term drops.
pub const BODY_KIND: u32 = 4;
/// The site languages a field's mask can name; later ones count as no language of the site.
pub const MASK_LANGUAGES: usize = 10;

/// The site languages a field's mask names, for a site of `languages` languages.
pub fn mask_languages(languages: usize) -> usize {
    languages.min(MASK_LANGUAGES)
}

/// The field of a text of `kind` that the languages in `mask` show, for a site of
/// `languages` languages.
pub fn field(kind: u32, mask: u32, languages: usize) -> u32 {
    (kind << mask_languages(languages)) | mask
}

/// The first field of a body, for a site of `languages` languages.
pub fn body_field(languages: usize) -> u32 {
    field(BODY_KIND, 0, languages)
}

/// Appends `v` as an unsigned LEB128 varint.
pub fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7F) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `*at`, advancing it; None at the end of the data or on overlong input.
pub fn get_varint(data: &[u8], at: &mut usize) -> Option<u32> {
    let mut v: u32 = 0;
    for shift in (0..35).step_by(7) {
        let b = *data.get(*at)?;
        *at += 1;
        v |= u32::from(b & 0x7F).checked_shl(shift)?;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// Appends sorted positions as deltas, the first from `prev`; returns the last position.
fn put_positions(out: &mut Vec<u8>, positions: &[u32], mut prev: u32) -> u32 {
    for &p in positions {
        put_varint(out, p - prev);
        prev = p;
    }
    prev
}

/// The postings of one term, built one document at a time in increasing document order, held
/// in the columns of the shard format. A term starts with every position and is capped as
/// soon as its positions pass [`CAP_BYTES`], so no term ever holds more than that in
/// positions it will not keep.
#[derive(Debug, Default, Clone)]
pub struct Postings {
    pub docs: u32,
    /// Only the first position of each document is kept.
    pub first_only: bool,
    /// Body positions are dropped (see the module documentation).
    pub capped: bool,
    /// The first position in a body (see [`body_field`]).
    body_start: u32,
    /// The document after the last one added (0 before the first): the next delta's origin.
    next_doc: u32,
    ids: Vec<u8>,
    counts: Vec<u8>,
    kept: Vec<u8>,
    positions: Vec<u8>,
}

impl Postings {
    /// Postings for a site of `languages` languages.
    pub fn new(first_only: bool, languages: usize) -> Postings {
        Postings { first_only, body_start: body_field(languages) << 16, ..Default::default() }
    }

    /// Bytes of the encoded postings.
    pub fn len(&self) -> usize {
        self.ids.len() + self.counts.len() + self.kept.len() + self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs == 0
    }

    /// Adds a document's sorted positions. Documents must come in increasing order.
    #[cfg(test)]
    pub fn push(&mut self, doc: u32, positions: &[u32]) {
        self.push_counted(doc, positions.len() as u32, positions);
    }

    /// Adds a document where the term occurs `count` times, given its sorted positions (for a
    /// term that keeps only its first position, the positions after the first may be left
    /// out). Documents must come in increasing order.
    #[inline]
    pub fn push_counted(&mut self, doc: u32, count: u32, positions: &[u32]) {
        let (outside, body) = positions.split_at(positions.partition_point(|&p| p < self.body_start));
        put_varint(&mut self.ids, doc - self.next_doc);
        put_varint(&mut self.counts, count);
        let (outside, body) = if self.first_only {
            match outside.first() {
                Some(_) => (&outside[..1], &[][..]),
                None => (outside, &body[..body.len().min(1)]),
            }
        } else {
            (outside, body)
        };
        if self.capped {
            put_varint(&mut self.kept, outside.len() as u32);
            put_positions(&mut self.positions, outside, 0);
        } else {
            let last = put_positions(&mut self.positions, outside, 0);
            put_positions(&mut self.positions, body, last);
        }
        self.next_doc = doc + 1;
        self.docs += 1;
        // Nothing is kept apart before the term is capped.
        if !self.capped && self.ids.len() + self.counts.len() + self.positions.len() > CAP_BYTES {
            self.cap();
        }
    }

    /// Drops the body positions of the documents so far; later ones are added without them.
    fn cap(&mut self) {
        let (mut at_count, mut at_pos) = (0, 0);
        let mut positions = Vec::new();
        let mut doc_positions = Vec::new();
        for _ in 0..self.docs {
            let n = get_varint(&self.counts, &mut at_count).unwrap_or(0);
            let kept = if self.first_only { n.min(1) } else { n };
            doc_positions.clear();
            let mut p = 0;
            for _ in 0..kept {
                p += get_varint(&self.positions, &mut at_pos).unwrap_or(0);
                doc_positions.push(p);
            }
            let outside = doc_positions.partition_point(|&p| p < self.body_start);
            put_varint(&mut self.kept, outside as u32);
            put_positions(&mut positions, &doc_positions[..outside], 0);
        }
        self.positions = positions;
        self.capped = true;
    }

    /// Appends the postings in the shard format (the four columns).
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.ids);
        out.extend_from_slice(&self.counts);
        out.extend_from_slice(&self.kept);
        out.extend_from_slice(&self.positions);
    }

    /// Gives back spare capacity, once the term is complete.
    pub fn shrink(&mut self) {
        for v in [&mut self.ids, &mut self.counts, &mut self.kept, &mut self.positions] {
            v.shrink_to_fit();
        }
    }
}

/// Compares terms in UTF-16 code-unit order, the order the client's binary search uses.
pub fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The code points `a` and `b` share at the start, counted in UTF-16 units and in bytes of `b`.
fn shared_prefix(a: &str, b: &str) -> (usize, usize) {
    let (mut units, mut bytes) = (0, 0);
    for (x, y) in a.chars().zip(b.chars()) {
        if x != y {
            break;
        }
        units += x.len_utf16();
        bytes += x.len_utf8();
    }
    (units, bytes)
}

/// Encodes sorted (term, postings) entries as one shard.
pub fn encode<'a>(entries: impl IntoIterator<Item = (&'a str, &'a Postings)> + Clone) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.clone().into_iter().map(|(t, p)| t.len() + p.len() + 20).sum());
    let mut prev = "";
    for (term, p) in entries {
        let (units, bytes) = shared_prefix(prev, term);
        put_varint(&mut out, units as u32);
        let rest = &term.as_bytes()[bytes..];
        put_varint(&mut out, rest.len() as u32);
        out.extend_from_slice(rest);
        put_varint(&mut out, (p.docs << 2) | (u32::from(p.capped) << 1) | u32::from(p.first_only));
        put_varint(&mut out, p.len() as u32);
        p.write(&mut out);
        prev = term;
    }
    out
}

/// One decoded entry: a term and, per document, how often it occurs and the positions kept
/// (only the first if `first_only`; only those outside the body if `capped`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub term: String,
    pub first_only: bool,
    pub capped: bool,
    pub postings: Vec<(u32, u32, Vec<u32>)>,
}

/// Decodes a whole shard; None if it is malformed.
pub fn decode(data: &[u8]) -> Option<Vec<Entry>> {
    let mut at = 0;
    let mut out: Vec<Entry> = Vec::new();
    let mut prev: Vec<u16> = Vec::new();
    while at < data.len() {
        let shared = get_varint(data, &mut at)? as usize;
        let len = get_varint(data, &mut at)? as usize;
        let rest = std::str::from_utf8(data.get(at..at.checked_add(len)?)?).ok()?;
        at += len;
        let mut units: Vec<u16> = prev.get(..shared)?.to_vec();
        units.extend(rest.encode_utf16());
        let term = String::from_utf16(&units).ok()?;
        prev = units;
        let flags = get_varint(data, &mut at)?;
        let (docs, capped, first_only) = (flags >> 2, flags & 2 != 0, flags & 1 != 0);
        let size = get_varint(data, &mut at)? as usize;
        let end = at.checked_add(size)?;
        let body = data.get(at..end)?;
        let mut a = 0;
        let column = |a: &mut usize| (0..docs).map(|_| get_varint(body, a)).collect::<Option<Vec<u32>>>();
        let deltas = column(&mut a)?;
        let counts = column(&mut a)?;
        let kept = if capped {
            column(&mut a)?
        } else {
            counts.iter().map(|&n| if first_only { n.min(1) } else { n }).collect()
        };
        let mut postings = Vec::new();
        let mut doc: i64 = -1;
        for i in 0..docs as usize {
            doc += i64::from(deltas[i]) + 1;
            let mut pos = 0u32;
            let mut list = Vec::new();
            for _ in 0..kept[i] {
                pos = pos.checked_add(get_varint(body, &mut a)?)?;
                list.push(pos);
            }
            postings.push((u32::try_from(doc).ok()?, counts[i], list));
        }
        if a != body.len() {
            return None;
        }
        at = end;
        out.push(Entry { term, first_only, capped, postings });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut buf = Vec::new();
        for v in [0, 1, 127, 128, 300, 65_536, u32::MAX] {
            put_varint(&mut buf, v);
        }
        let mut at = 0;
        let back: Vec<u32> = std::iter::from_fn(|| get_varint(&buf, &mut at)).collect();
        assert_eq!(back, vec![0, 1, 127, 128, 300, 65_536, u32::MAX]);
        assert_eq!(get_varint(&[0x80, 0x80], &mut 0), None);
    }

    #[test]
    fn shards_round_trip_with_shared_prefixes_and_astral_terms() {
        let mut terms: Vec<(&str, Postings)> = Vec::new();
        for (t, docs) in
            [("pump", vec![0u32, 5]), ("pumpkin", vec![3]), ("模", vec![1]), ("模具", vec![1, 2]), ("𠀀", vec![7])]
        {
            let mut p = Postings::new(t.chars().count() == 1 && !t.is_ascii(), 2);
            for d in docs {
                p.push(d, &[d, d + 2, (4 << 16) | 9]);
            }
            terms.push((t, p));
        }
        terms.sort_by(|a, b| utf16_cmp(a.0, b.0));
        let bytes = encode(terms.iter().map(|(t, p)| (*t, p)));
        let back = decode(&bytes).unwrap();
        let names: Vec<&str> = back.iter().map(|e| e.term.as_str()).collect();
        assert_eq!(names, vec!["pump", "pumpkin", "模", "模具", "𠀀"]);
        assert_eq!(back[3].postings, vec![(1, 3, vec![1, 3, (4 << 16) | 9]), (2, 3, vec![2, 4, (4 << 16) | 9])]);
        assert!(back[2].first_only && !back[3].first_only);
        assert!(back.iter().all(|e| !e.capped));
        assert_eq!(back[2].postings, vec![(1, 3, vec![1])]);
        // Supplementary characters sort before U+E000 and above in UTF-16 order.
        assert_eq!(utf16_cmp("𠀀", "\u{FF10}"), std::cmp::Ordering::Less);
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
    }

    #[test]
    fn a_term_past_the_cap_keeps_counts_and_positions_outside_the_body() {
        // Two languages: the bodies are fields 16 to 19.
        assert_eq!(body_field(2), 16);
        let body = |o: u32| (17 << 16) | o;
        let mut p = Postings::new(false, 2);
        let mut want = Vec::new();
        let mut doc = 0;
        while !p.capped {
            // Every third document has the term in its title too.
            let positions: Vec<u32> =
                if doc % 3 == 0 { vec![2, body(5), body(900), body(4000)] } else { vec![body(7), body(8)] };
            p.push(doc, &positions);
            want.push((doc, positions.len() as u32, positions.into_iter().filter(|&x| x < body(0)).collect()));
            doc += 2;
        }
        assert!(p.len() < CAP_BYTES, "capping shrinks the postings: {}", p.len());
        for positions in [vec![1u32, 3], vec![body(3), body(4)], vec![0, body(1)]] {
            p.push(doc, &positions);
            want.push((doc, positions.len() as u32, positions.into_iter().filter(|&x| x < body(0)).collect()));
            doc += 1;
        }
        let bytes = encode([("word", &p)]);
        let back = decode(&bytes).unwrap();
        assert!(back[0].capped && !back[0].first_only);
        assert_eq!(back[0].postings, want);

        // A single character keeps its first position only if it is outside the body.
        let mut c = Postings::new(true, 2);
        let mut doc = 0;
        while !c.capped {
            c.push(doc, &[3, 9, body(1)]);
            c.push(doc + 1, &[body(2), body(3)]);
            doc += 2;
        }
        let back = decode(&encode([("模", &c)])).unwrap();
        assert!(back[0].capped && back[0].first_only);
        assert_eq!(back[0].postings[0], (0, 3, vec![3]));
        assert_eq!(back[0].postings[1], (1, 2, vec![]));
    }
}
