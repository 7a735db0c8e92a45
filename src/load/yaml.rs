//! The only code that calls the YAML crate: parsing into serde types, and finding where a
//! value stands in the text so that later checks can point at the editor's own line.

use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A YAML problem at a 1-based line and column of the parsed text (0: not known). The
/// message carries no position of its own: the line and column are the only ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The text is not YAML at all here (rather than YAML of the wrong shape).
    pub syntax: bool,
    /// What to do about it, when the position alone does not say.
    pub hint: Option<String>,
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
        // The YAML crate's own syntax errors carry less than its parser knows.
        if let Some(syntax) = syntax_error(text) {
            return syntax;
        }
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
    YamlError { line, column, message: without_positions(&e.to_string()), syntax: false, hint: None }
}

/// The crate writes positions into its messages (" at line 4 column 1"), counted in the
/// YAML text, not in the editor's file: the diagnostic's own position is the one shown.
fn without_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at ".len()..];
        let skip = position_len(after);
        if skip == 0 {
            out.push_str(" at ");
        }
        rest = &after[skip..];
    }
    out.push_str(rest);
    out
}

/// The length of "line L column C" or "position N" at the start of `s`, else 0.
fn position_len(s: &str) -> usize {
    let digits = |t: &str| t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if let Some(t) = s.strip_prefix("line ") {
        let n = digits(t);
        if n > 0
            && let Some(u) = t[n..].strip_prefix(" column ")
            && digits(u) > 0
        {
            return s.len() - u.len() + digits(u);
        }
    } else if let Some(t) = s.strip_prefix("position ")
        && digits(t) > 0
    {
        return s.len() - t.len() + digits(t);
    }
    0
}

/// The first syntax error in `text`, if it has one, placed where the editor can mend it. An
/// unclosed quote or bracket is only noticed where the text ends, or at the first line that
/// cannot belong to it, so such an error points at the opening mark instead.
pub fn syntax_error(text: &str) -> Option<YamlError> {
    let e = events::read(text, |_, _| true).err()?;
    let message = without_positions(&match &e.context {
        Some(context) => format!("{}, {context}", e.problem),
        None => e.problem.clone(),
    });
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    let past_end = match last {
        Some(i) => e.at.0 > i + 1 || (e.at.0 == i + 1 && e.at.1 > lines[i].chars().count()),
        None => true,
    };
    let open = unclosed(&lines);
    // The parser names the construct it was reading: if that is an opener never closed, it is
    // the one. Otherwise, when the text ended first, the last opener never closed.
    let opener = e
        .context_at
        .and_then(|at| open.iter().find(|(p, _)| *p == at))
        .or_else(|| open.last().filter(|_| past_end || e.problem.contains("end of stream")));
    if let Some(&(at, mark)) = opener {
        let hint = match mark {
            '[' => "a [ opened here is never closed: end the list with ], or remove the [".to_string(),
            '{' => "a { opened here is never closed: end the map with }, or remove the {".to_string(),
            q => format!("a quote opened here is never closed: end the text with {q}, or remove this one"),
        };
        return Some(YamlError { line: at.0, column: at.1, message, syntax: true, hint: Some(hint) });
    }
    let (line, column) = match last {
        // Past the end of the text: the end of its last line that has something on it.
        Some(i) if past_end => (i + 1, lines[i].chars().count() + 1),
        _ => e.at,
    };
    Some(YamlError { line, column, message, syntax: true, hint: None })
}

/// The quotes, `[` and `{` that are never closed, in the order they were opened, each with
/// its 1-based line and column. Marks count only where a value can start (so "it's" opens
/// nothing); comments and block scalars (`|`, `>`) are skipped.
fn unclosed(lines: &[&str]) -> Vec<(events::Pos, char)> {
    let mut open: Vec<(events::Pos, char)> = Vec::new();
    let mut quote: Option<(events::Pos, char)> = None;
    // The indentation of the line that started a block scalar: deeper lines belong to it.
    let mut block: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(b) = block {
            if line.trim().is_empty() || indent > b {
                continue;
            }
            block = None;
        }
        let mut prev = ' ';
        let mut chars = line.chars().enumerate().peekable();
        while let Some((j, c)) = chars.next() {
            let pos = (i + 1, j + 1);
            match quote {
                Some((_, q)) => {
                    // An escape in "…", or a doubled quote in '…', does not close it.
                    let doubled = q == '\'' && c == q && chars.peek().is_some_and(|&(_, n)| n == q);
                    if (c == '\\' && q == '"') || doubled {
                        chars.next();
                    } else if c == q {
                        quote = None;
                    }
                }
                None => {
                    let at_start = matches!(prev, ' ' | '\t' | '[' | '{' | ',' | ':' | '-');
                    match c {
                        '[' | '{' if at_start => open.push((pos, c)),
                        ']' | '}' => {
                            open.pop();
                        }
                        '"' | '\'' if at_start => quote = Some((pos, c)),
                        '#' if prev == ' ' || prev == '\t' || j == 0 => break,
                        '|' | '>' if at_start && open.is_empty() => {
                            let rest: String = chars.clone().map(|(_, c)| c).collect();
                            let rest = rest.split(" #").next().unwrap_or("").trim();
                            if rest.chars().all(|c| matches!(c, '+' | '-' | '1'..='9')) {
                                block = Some(indent);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            prev = c;
        }
    }
    open.extend(quote);
    open
}

/// The YAML parser's own view of a document, event by event, each with where it starts:
/// what the serde layer only reports through an error.
mod events {
    use std::mem::MaybeUninit;

    use libyaml_rs as sys;

    /// A 1-based line and column, as the YAML crate counts them (columns in characters).
    pub type Pos = (usize, usize);

    pub enum Event {
        Scalar,
        Alias,
        SequenceStart,
        SequenceEnd,
        MappingStart,
        MappingEnd,
    }

    /// What the parser says when the text is not YAML: the problem and, for most, the
    /// construct it was reading and where that started.
    #[derive(Debug)]
    pub struct SyntaxError {
        pub problem: String,
        pub at: Pos,
        pub context: Option<String>,
        pub context_at: Option<Pos>,
    }

    /// The parser, freed when dropped. Boxed, and never moved once set up: it points at itself.
    struct Parser {
        sys: Box<MaybeUninit<sys::yaml_parser_t>>,
        ready: bool,
    }

    impl Drop for Parser {
        fn drop(&mut self) {
            if self.ready {
                // SAFETY: initialised by yaml_parser_initialize, freed only here.
                unsafe { sys::yaml_parser_delete(self.sys.as_mut_ptr()) }
            }
        }
    }

    /// Calls `each` with the events of the first document of `text` in order, until it
    /// returns false or the document ends.
    pub fn read(text: &str, mut each: impl FnMut(Event, Pos) -> bool) -> Result<(), SyntaxError> {
        let mut parser = Parser { sys: Box::new(MaybeUninit::uninit()), ready: false };
        let p = parser.sys.as_mut_ptr();
        // SAFETY: `p` points at memory for a parser, which initialize fills in. The input
        // outlives the parser, which is dropped at the end of this function.
        unsafe {
            if sys::yaml_parser_initialize(p).fail {
                return Err(SyntaxError {
                    problem: "out of memory".into(),
                    at: (0, 0),
                    context: None,
                    context_at: None,
                });
            }
            parser.ready = true;
            sys::yaml_parser_set_encoding(p, sys::YAML_UTF8_ENCODING);
            sys::yaml_parser_set_input_string(p, text.as_ptr(), text.len() as u64);
        }
        loop {
            let mut event = MaybeUninit::<sys::yaml_event_t>::uninit();
            let ev = event.as_mut_ptr();
            // SAFETY: on success the parser has filled in `ev`, which is read according to its
            // type, then freed once; on failure it holds nothing to free.
            unsafe {
                if sys::yaml_parser_parse(p, ev).fail {
                    return Err(error(&*p, text));
                }
                let mark = (*ev).start_mark;
                let pos = (mark.line as usize + 1, mark.column as usize + 1);
                let event = match (*ev).type_ {
                    sys::YAML_SCALAR_EVENT => Some(Event::Scalar),
                    sys::YAML_ALIAS_EVENT => Some(Event::Alias),
                    sys::YAML_SEQUENCE_START_EVENT => Some(Event::SequenceStart),
                    sys::YAML_SEQUENCE_END_EVENT => Some(Event::SequenceEnd),
                    sys::YAML_MAPPING_START_EVENT => Some(Event::MappingStart),
                    sys::YAML_MAPPING_END_EVENT => Some(Event::MappingEnd),
                    _ => None,
                };
                let done = matches!((*ev).type_, sys::YAML_DOCUMENT_END_EVENT | sys::YAML_STREAM_END_EVENT);
                let go_on = event.is_none_or(|e| each(e, pos));
                sys::yaml_event_delete(ev);
                if done || !go_on {
                    return Ok(());
                }
            }
        }
    }

    /// # Safety
    /// `parser` has just failed, so its problem (and context, if any) are C strings.
    unsafe fn error(parser: &sys::yaml_parser_t, text: &str) -> SyntaxError {
        let string = |s: *const i8| {
            // SAFETY: the parser's problem and context are null or C strings.
            (!s.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(s.cast()) }.to_string_lossy().into_owned())
        };
        let pos = |m: sys::yaml_mark_t| (m.line as usize + 1, m.column as usize + 1);
        let mut at = pos(parser.problem_mark);
        // The reader's problems (a character YAML does not allow) come as a byte offset.
        if at == (1, 1) && parser.problem_offset > 0 {
            let before = &text.as_bytes()[..(parser.problem_offset as usize).min(text.len())];
            let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
            at = (before.iter().filter(|&&b| b == b'\n').count() + 1, column);
        }
        let context = string(parser.context);
        SyntaxError {
            problem: string(parser.problem).unwrap_or_else(|| "the YAML parser failed".into()),
            at,
            context_at: context.as_ref().map(|_| pos(parser.context_mark)),
            context,
        }
    }
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
        assert_eq!((e.line, e.column, e.syntax), (2, 4, true), "{e:?}");
        assert!(!e.message.contains(" at line "), "{e:?}");
    }

    #[test]
    fn an_unclosed_quote_or_bracket_is_reported_where_it_opens() {
        let at = |text: &str| syntax_error(text).map(|e| (e.line, e.column, e.hint.unwrap_or_default()));
        let (l, c, hint) = at("a: 1\nb: \"two\nc: 3\n").unwrap();
        assert_eq!((l, c), (2, 4));
        assert!(hint.starts_with("a quote opened here is never closed"), "{hint}");
        let (l, c, hint) = at("a: 1\nb: [x, y\nc: 3\nd: 4\n").unwrap();
        assert_eq!((l, c), (2, 4));
        assert!(hint.starts_with("a [ opened here is never closed"), "{hint}");
        // In a list that is closed, the problem is where the parser stopped.
        let (l, c, hint) = at("a: [x, \"y\" z]\n").unwrap();
        assert_eq!((l, c, hint.as_str()), (1, 12, ""));
        // Apostrophes inside words, comments and block text open nothing.
        let (l, c, _) = at("a: it's\nb: |\n  [not a list\n# don't\nc: {x: 1\n").unwrap();
        assert_eq!((l, c), (5, 4));
        // With no opener to blame, an error past the end is put at the end of the last line.
        let (l, c, hint) = at("a: 1\nb: &\n\n").unwrap();
        assert_eq!((l, c, hint.as_str()), (2, 5, ""));
        assert_eq!(at("a: [1, 2]\nb: 'it''s'\n"), None);
    }

    #[test]
    fn positions_are_taken_out_of_messages() {
        assert_eq!(
            without_positions("found x at line 4 column 1, while scanning y at line 2 column 10"),
            "found x, while scanning y"
        );
        assert_eq!(without_positions("bad at position 12"), "bad");
        assert_eq!(without_positions("look at line 4 of it"), "look at line 4 of it");
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
