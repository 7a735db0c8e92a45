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
//! varint docs     documents the term occurs in, times two, plus one if the term keeps
//!                 only its first position in each document
//! varint size     bytes of the postings that follow, so a reader can skip them
//! postings        per document, in increasing order:
//!                   varint doc delta (from the previous document + 1, the first from 0)
//!                   varint count of positions
//!                   count × varint position delta (the first from 0), or only the first
//! ```
//!
//! Single CJK characters keep only their first position: a one-character query needs no
//! adjacency, and a longer one is matched with bigrams. That halves the index of Chinese text.
//!
//! A position is `field << 16 | offset`: the field a term was found in (0 is the title or
//! name, 4 the body) in the high bits, its token offset inside the field in the low 16 bits.

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

/// The postings of one term, built one document at a time in increasing document order.
#[derive(Debug, Default, Clone)]
pub struct Postings {
    pub docs: u32,
    /// Only the first position of each document is kept.
    pub first_only: bool,
    last_doc: Option<u32>,
    pub bytes: Vec<u8>,
}

impl Postings {
    pub fn new(first_only: bool) -> Postings {
        Postings { first_only, ..Default::default() }
    }

    /// Adds a document's sorted positions. Documents must come in increasing order.
    pub fn push(&mut self, doc: u32, positions: &[u32]) {
        let delta = match self.last_doc {
            Some(last) => doc - last - 1,
            None => doc,
        };
        put_varint(&mut self.bytes, delta);
        put_varint(&mut self.bytes, positions.len() as u32);
        let kept = if self.first_only { &positions[..positions.len().min(1)] } else { positions };
        let mut prev = 0;
        for &p in kept {
            put_varint(&mut self.bytes, p - prev);
            prev = p;
        }
        self.last_doc = Some(doc);
        self.docs += 1;
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
pub fn encode<'a>(entries: impl IntoIterator<Item = (&'a str, &'a Postings)>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut prev = "";
    for (term, p) in entries {
        let (units, bytes) = shared_prefix(prev, term);
        put_varint(&mut out, units as u32);
        let rest = &term.as_bytes()[bytes..];
        put_varint(&mut out, rest.len() as u32);
        out.extend_from_slice(rest);
        put_varint(&mut out, (p.docs << 1) | u32::from(p.first_only));
        put_varint(&mut out, p.bytes.len() as u32);
        out.extend_from_slice(&p.bytes);
        prev = term;
    }
    out
}

/// One decoded entry: a term and, per document, how often it occurs and its positions (only
/// the first if `first_only`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub term: String,
    pub first_only: bool,
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
        let rest = std::str::from_utf8(data.get(at..at + len)?).ok()?;
        at += len;
        let mut units: Vec<u16> = prev.get(..shared)?.to_vec();
        units.extend(rest.encode_utf16());
        let term = String::from_utf16(&units).ok()?;
        prev = units;
        let flagged = get_varint(data, &mut at)?;
        let (docs, first_only) = (flagged >> 1, flagged & 1 == 1);
        let size = get_varint(data, &mut at)? as usize;
        let end = at.checked_add(size)?;
        let mut postings = Vec::new();
        let mut doc: i64 = -1;
        for _ in 0..docs {
            doc += i64::from(get_varint(data, &mut at)?) + 1;
            let n = get_varint(data, &mut at)?;
            let mut pos = 0u32;
            let mut list = Vec::new();
            for _ in 0..if first_only { n.min(1) } else { n } {
                pos = pos.checked_add(get_varint(data, &mut at)?)?;
                list.push(pos);
            }
            postings.push((doc as u32, n, list));
        }
        if at != end {
            return None;
        }
        out.push(Entry { term, first_only, postings });
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
            let mut p = Postings::new(t.chars().count() == 1);
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
        assert_eq!(back[2].postings, vec![(1, 3, vec![1])]);
        // Supplementary characters sort before U+E000 and above in UTF-16 order.
        assert_eq!(utf16_cmp("𠀀", "\u{FF10}"), std::cmp::Ordering::Less);
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
    }
}
