//! The only code that calls the YAML crate: parsing into serde types, and finding where a
//! value stands in the text so that later checks can point at the editor's own line.

use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A YAML problem at a 1-based line and column of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(s: &str) -> Self {
        Seg::Key(s.to_string())
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Self {
        Seg::Index(i)
    }
}

/// Parses a whole document into `T`. An empty or all-comment document is treated as an
/// empty mapping so that a type whose fields are all optional still loads.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let blank = text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    });
    let result = if blank { serde_yaml::from_str("{}") } else { serde_yaml::from_str(text) };
    result.map_err(|e| {
        let mut e = convert(&e);
        // serde reports a struct's field written twice at the start of the map.
        if let Some(key) = e.message.split("duplicate field `").nth(1).and_then(|r| r.split('`').next())
            && let Some((line, column)) = second_key(text, e.line, e.column, key)
        {
            (e.line, e.column) = (line, column);
        }
        e
    })
}

/// Where `key` is written a second time in the block map that starts at `line` and `column`:
/// the map's keys stand at its column, and the map ends at the first line indented less.
fn second_key(text: &str, line: usize, column: usize, key: &str) -> Option<(usize, usize)> {
    let indent = column.checked_sub(1)?;
    let is_key = |rest: &str| rest.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':'));
    let mut seen = false;
    for (i, l) in text.lines().enumerate().skip(line.checked_sub(1)?) {
        let rest = if i + 1 == line {
            // The first key may follow a "- " on its line.
            l.char_indices().nth(indent).map_or("", |(b, _)| &l[b..])
        } else {
            let trimmed = l.trim_start_matches(' ');
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            match l.len() - trimmed.len() {
                n if n < indent => return None,
                n if n == indent => trimmed,
                _ => continue,
            }
        };
        if is_key(rest) {
            if seen {
                return Some((i + 1, column));
            }
            seen = true;
        }
    }
    None
}

fn convert(e: &serde_yaml::Error) -> YamlError {
    let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
    let mut message = e.to_string();
    // The crate appends " at line L column C"; the location is carried separately.
    if let Some(i) = message.rfind(" at line ")
        && message[i..].contains(" column ")
    {
        message.truncate(i);
    }
    YamlError { line, column, message }
}

const MARKER: &str = "\u{0}fulcrum-locate";

/// Where the node at `path` starts (1-based line and column), or, with `key` set, where its
/// key starts. Works by walking the document with serde and failing on purpose at the node,
/// so the parser itself reports the position.
pub fn locate(text: &str, path: &[Seg], key: bool) -> Option<(usize, usize)> {
    let mut de_result = None;
    let seed = Seek { path, key };
    let r = seed.deserialize(serde_yaml::Deserializer::from_str(text));
    if let Err(e) = r
        && e.to_string().contains(MARKER)
    {
        de_result = e.location().map(|l| (l.line(), l.column()));
    }
    de_result
}

struct Seek<'a> {
    path: &'a [Seg],
    key: bool,
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self.path.first() {
            // Fail inside the node's own visitor, so the parser stamps the node's position.
            None => d.deserialize_any(Fail),
            Some(_) => d.deserialize_any(self),
        }
    }
}

/// Deserialises a map key, failing at it when it is the target key.
struct KeySeed<'a> {
    want: &'a str,
    fail: bool,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        let k = d.deserialize_any(AnyKey { fail_at: self.fail.then_some(self.want) })?;
        Ok(k.as_deref() == Some(self.want))
    }
}

struct AnyKey<'a> {
    fail_at: Option<&'a str>,
}

impl<'de> Visitor<'de> for AnyKey<'_> {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if self.fail_at == Some(v) {
            return Err(E::custom(MARKER));
        }
        Ok(Some(v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
        while s.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let Some(Seg::Key(want)) = self.path.first() else {
            while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        let last = self.path.len() == 1;
        while let Some(hit) = m.next_key_seed(KeySeed { want, fail: last && self.key })? {
            if hit {
                m.next_value_seed(Seek { path: &self.path[1..], key: self.key })?;
            } else {
                m.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        let Some(Seg::Index(want)) = self.path.first() else {
            while s.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        let mut i = 0;
        loop {
            if i == *want {
                if s.next_element_seed(Seek { path: &self.path[1..], key: self.key })?.is_none() {
                    return Ok(());
                }
            } else if s.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    // Whole numbers beyond 64 bits.
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        Ok(())
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct Fail;

impl<'de> Visitor<'de> for Fail {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(MARKER))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(MARKER))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name: 黄岩\nlevel: provincial\nlistings:\n  - year: 2018\n    list: creation\n  - year: 2019\n    list: cultivaton\n";

    #[test]
    fn locates_nested_values_and_keys() {
        let p = |v: &[Seg]| v.to_vec();
        assert_eq!(locate(DOC, &p(&["level".into()]), false), Some((2, 8)));
        assert_eq!(locate(DOC, &p(&["level".into()]), true), Some((2, 1)));
        assert_eq!(locate(DOC, &p(&["listings".into(), 1.into(), "list".into()]), false), Some((7, 11)));
        assert_eq!(locate(DOC, &p(&["listings".into(), 5.into()]), false), None);
        assert_eq!(locate(DOC, &p(&["missing".into()]), false), None);
        // Whole numbers too large for 64 bits are found as well.
        assert_eq!(locate("a: 1\nb: 99999999999999999999999999\n", &p(&["b".into()]), false), Some((2, 4)));
    }

    #[test]
    fn a_field_written_twice_is_reported_where_it_is_written_again() {
        use crate::raw::RawListing;
        let text =
            "listings:\n  - level: provincial\n    # year: 2017\n    list: creation\n    year: 2018\n    year: 2019\n";
        let e = parse::<std::collections::BTreeMap<String, Vec<RawListing>>>(text).unwrap_err();
        assert_eq!((e.line, e.column), (6, 5), "{e:?}");
        assert!(e.message.contains("duplicate field `year`"), "{e:?}");
        let e = parse::<RawListing>("level: provincial\nlist: a\nlevel: municipal\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1), "{e:?}");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let e = parse::<std::collections::BTreeMap<String, String>>("a: b\nc: [d\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        assert!(!e.message.contains(" at line "), "{e:?}");
    }

    #[test]
    fn text_in_languages_keeps_their_order_and_a_repeated_language_counts_once() {
        use crate::raw::RawText;
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        match parse::<RawText>("{en: one, zh: 二}") {
            Ok(RawText::Langs(l)) => assert_eq!(l, vec![pair("en", "one"), pair("zh", "二")]),
            other => panic!("{other:?}"),
        }
        // Whether the parser refuses a repeated key or lets it through, one entry remains.
        if let Ok(RawText::Langs(l)) = parse::<RawText>("{zh: 一, en: one, zh: 二}") {
            assert_eq!(l, vec![pair("zh", "二"), pair("en", "one")]);
        }
        assert!(matches!(parse::<RawText>("plain"), Ok(RawText::Plain(t)) if t == "plain"));
    }
}
