//! The only code that calls the YAML crates: parsing into serde types (with every unknown key
//! and every value of the wrong form in a file found, not only the first), and finding where
//! each value stands in the text so that later checks can point at the editor's own line.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A map's key: a struct's field names are borrowed, other keys owned.
    Key(Cow<'static, str>),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(s: &str) -> Self {
        Seg::Key(Cow::Owned(s.to_string()))
    }
}

impl From<String> for Seg {
    fn from(s: String) -> Self {
        Seg::Key(Cow::Owned(s))
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
    if let Some(deep) = too_deep(text) {
        return Err(deep);
    }
    let result = if is_blank(text) { serde_yaml::from_str("{}") } else { serde_yaml::from_str(text) };
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

/// How deep lists and maps written in brackets may nest. Real content nests a few levels;
/// the YAML parser's work at every step grows with this depth, so that a long run of brackets
/// took minutes to read.
const MOST_LEVELS: usize = 64;

/// An error at the `[` or `{` that nests bracketed lists and maps more than [`MOST_LEVELS`]
/// deep, if one does. Text with no more brackets than that cannot, which is nearly every
/// file, and is counted in one pass; nor can text whose brackets [`brackets`] finds nesting
/// no deeper. Any other is read with the parser, stopping at that depth, so that it is read in
/// time linear in its length.
fn too_deep(text: &str) -> Option<YamlError> {
    if memchr::memchr2_iter(b'[', b'{', text.as_bytes()).take(MOST_LEVELS + 1).count() <= MOST_LEVELS {
        return None;
    }
    // Files with many brackets, such as site.yaml, nest them a few deep.
    if brackets(&text.lines().collect::<Vec<_>>()).1 <= MOST_LEVELS {
        return None;
    }
    // Whether each collection open is in brackets, and how many are.
    let (mut open, mut depth, mut at): (Vec<bool>, usize, _) = (Vec::new(), 0, None);
    // A syntax error before that depth is left to the reading that follows.
    let _ = events::read(text, |event, pos| {
        match event {
            events::Event::SequenceStart { flow } | events::Event::MappingStart { flow } => {
                open.push(flow);
                depth += usize::from(flow);
            }
            events::Event::SequenceEnd | events::Event::MappingEnd => {
                depth -= usize::from(open.pop().unwrap_or(false));
            }
            _ => {}
        }
        if depth > MOST_LEVELS {
            at = Some(pos);
        }
        at.is_none()
    });
    let (line, column) = at?;
    Some(YamlError {
        line,
        column,
        message: format!("lists and maps in brackets are nested more than {MOST_LEVELS} deep here"),
        syntax: true,
        hint: Some("a value needs a few levels at most: look for brackets that should not be here".into()),
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
    let (open, _) = brackets(&lines);
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
    if let Some(found) = typographic(&lines, (line, column)) {
        return Some(found);
    }
    Some(YamlError { line, column, message, syntax: true, hint: None })
}

/// Whether the line has a colon that YAML reads as one: followed by a space or ending it.
fn has_key_colon(text: &str) -> bool {
    text.contains(": ") || text.trim_end().ends_with(':')
}

/// The typing slip behind a syntax error at `at`, when there is one that YAML's own message
/// does not name: after a key, a colon with no space after it or a full-width colon (on the
/// error's line, or on the line before, where the parser only notices it on the next line);
/// a tab in the indentation; or a full-width comma between the entries of a list or map in
/// brackets.
fn typographic(lines: &[&str], at: events::Pos) -> Option<YamlError> {
    let found = |line: usize, column: usize, message: String, hint: String| {
        Some(YamlError { line, column, message, syntax: true, hint: Some(hint) })
    };
    let (here, before) =
        (at.0.checked_sub(1).and_then(|i| lines.get(i)), at.0.checked_sub(2).and_then(|i| lines.get(i)));
    for (line, text, previous) in [(at.0, here, false), (at.0.wrapping_sub(1), before, true)] {
        let Some(text) = text else { continue };
        // On the line before, only a line that cannot be a key and value: no colon followed
        // by a space (or ending the line).
        if previous && has_key_colon(text) {
            continue;
        }
        let indent = text.len() - text.trim_start().len();
        if let Some(tab) = text[..indent].find('\t') {
            return found(
                line,
                text[..tab].chars().count() + 1,
                "this line is indented with a tab".into(),
                "YAML indents with spaces only: replace the tab with spaces".into(),
            );
        }
        let key_end = indent
            + text[indent..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(text.len() - indent);
        let (key, after) = (&text[indent..key_end], text[key_end..].trim_start_matches(' '));
        if !key.is_empty() && !has_key_colon(text) && text[key_end..].starts_with(':') {
            return found(
                line,
                text[..key_end].chars().count() + 2,
                format!("the colon after \"{key}\" has no space after it"),
                format!("write a space after the colon: {key}: {}", &text[key_end + 1..]),
            );
        }
        if !key.is_empty() && after.starts_with('：') {
            return found(
                line,
                text[..text.len() - after.len()].chars().count() + 1,
                format!("the colon after \"{key}\" is the full-width \"：\""),
                format!("write the colon \":\" and a space: {key}: …"),
            );
        }
    }
    // A full-width comma up to the error, outside quotes and inside brackets.
    let text = here?;
    let (mut depth, mut quote) = (0usize, None);
    for (column, c) in text.chars().enumerate().take(at.1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, '，') if depth > 0 => {
                return found(
                    at.0,
                    column + 1,
                    "\"，\" is a full-width comma, which YAML reads as part of the text".into(),
                    "write \",\" and a space between two entries; if the comma belongs to the text, put the text in quotes".into(),
                );
            }
            _ => {}
        }
    }
    None
}

/// Whether the lines read one after another are inside a block scalar (`|`, `>`): the
/// lines indented deeper than the line that started it, and blank lines among them.
#[derive(Default)]
struct BlockScalar {
    /// The indentation of the line that started the block scalar being read.
    started_at: Option<usize>,
}

impl BlockScalar {
    /// A block scalar starts after the line indented by `indent`.
    fn starts_after(&mut self, indent: usize) {
        self.started_at = Some(indent);
    }

    /// Whether `line`, indented by `indent`, is text of the block scalar; a line that is not
    /// ends it.
    fn holds(&mut self, line: &str, indent: usize) -> bool {
        match self.started_at {
            Some(b) if line.trim().is_empty() || indent > b => true,
            _ => {
                self.started_at = None;
                false
            }
        }
    }
}

/// The quotes, `[` and `{` that are never closed, in the order they were opened, each with
/// its 1-based line and column, and how deep the brackets nest at most. Marks count only
/// where a value can start (so "it's" opens nothing); comments and block scalars (`|`, `>`)
/// are skipped.
fn brackets(lines: &[&str]) -> (Vec<(events::Pos, char)>, usize) {
    let mut open: Vec<(events::Pos, char)> = Vec::new();
    let mut deepest = 0;
    let mut quote: Option<(events::Pos, char)> = None;
    let mut block = BlockScalar::default();
    for (i, line) in lines.iter().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if block.holds(line, indent) {
            continue;
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
                        '[' | '{' if at_start => {
                            open.push((pos, c));
                            deepest = deepest.max(open.len());
                        }
                        ']' | '}' => {
                            open.pop();
                        }
                        '"' | '\'' if at_start => quote = Some((pos, c)),
                        '#' if prev == ' ' || prev == '\t' || j == 0 => break,
                        '|' | '>' if at_start && open.is_empty() => {
                            let rest: String = chars.clone().map(|(_, c)| c).collect();
                            let rest = rest.split(" #").next().unwrap_or("").trim();
                            if rest.chars().all(|c| matches!(c, '+' | '-' | '1'..='9')) {
                                block.starts_after(indent);
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
    (open, deepest)
}

/// The YAML parser's own view of a document, event by event, each with where it starts:
/// what the serde layer only reports through an error.
mod events {
    use std::mem::MaybeUninit;

    use libyaml_rs as sys;

    /// A 1-based line and column, as the YAML crate counts them (columns in characters).
    pub type Pos = (usize, usize);

    pub enum Event<'a> {
        Scalar(&'a [u8]),
        Alias,
        /// A list's start; `flow` when it is written in brackets.
        SequenceStart {
            flow: bool,
        },
        SequenceEnd,
        MappingStart {
            flow: bool,
        },
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
    pub fn read(text: &str, mut each: impl FnMut(Event<'_>, Pos) -> bool) -> Result<(), SyntaxError> {
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
                    sys::YAML_SCALAR_EVENT => {
                        let scalar = (*ev).data.scalar;
                        Some(Event::Scalar(std::slice::from_raw_parts(scalar.value, scalar.length as usize)))
                    }
                    sys::YAML_ALIAS_EVENT => Some(Event::Alias),
                    sys::YAML_SEQUENCE_START_EVENT => Some(Event::SequenceStart {
                        flow: (*ev).data.sequence_start.style == sys::YAML_FLOW_SEQUENCE_STYLE,
                    }),
                    sys::YAML_SEQUENCE_END_EVENT => Some(Event::SequenceEnd),
                    sys::YAML_MAPPING_START_EVENT => Some(Event::MappingStart {
                        flow: (*ev).data.mapping_start.style == sys::YAML_FLOW_MAPPING_STYLE,
                    }),
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

/// Where each node of a document starts, read in one pass of the parser: any number of
/// positions are then found without reading the text again.
#[derive(Default)]
pub struct Index {
    root: Option<Node>,
}

impl fmt::Debug for Index {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("Index")
    }
}

/// A document's [`Index`], read the first time a position is asked for and then shared by
/// the copies of the document made after that: locating many problems costs one reading.
/// Nothing is allocated until then, so the documents with no problem cost nothing.
#[derive(Clone, Default)]
pub struct LazyIndex(std::sync::OnceLock<std::sync::Arc<Index>>);

impl LazyIndex {
    /// With the index already read, if it was.
    pub fn new(index: Option<Index>) -> LazyIndex {
        LazyIndex(index.map(|i| std::sync::OnceLock::from(std::sync::Arc::new(i))).unwrap_or_default())
    }

    /// The index of `text`, which must be the text it was made for.
    pub fn get(&self, text: &str) -> &Index {
        self.0.get_or_init(|| std::sync::Arc::new(Index::build(text)))
    }
}

impl fmt::Debug for LazyIndex {
    // The same whether or not it has been read yet.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("LazyIndex")
    }
}

/// A 1-based line and column.
type At = (u32, u32);

struct Node {
    at: At,
    kind: Kind,
}

enum Kind {
    Leaf,
    Seq(Vec<Node>),
    Map(Map),
}

struct Map {
    entries: Vec<Entry>,
    /// For maps long enough that a search would cost: each key's entries.
    by_key: Option<crate::FastMap<Box<str>, Places>>,
}

/// Where a key is written in its map: its first entry, and those that write it again.
type Places = (u32, Vec<u32>);

struct Entry {
    /// The key's text; `None` for a key that is itself a list or a map.
    key: Option<Box<str>>,
    key_at: At,
    value: Node,
}

/// Maps shorter than this are searched key by key.
const MAP_SEARCHED: usize = 8;
/// Nesting deeper than this is kept as one node: no editor writes it, and dropping a tree
/// that deep would take as deep a stack.
const DEEPEST: usize = 200;

impl Index {
    /// Reads `text` once. A syntax error ends the index where it stands.
    pub fn build(text: &str) -> Index {
        #[cfg(test)]
        BUILDS.with(|n| n.set(n.get() + 1));
        enum Open {
            Seq(At, Vec<Node>),
            /// The entries so far, and a key waiting for its value.
            Map(At, Vec<Entry>, Option<(Option<Box<str>>, At)>),
        }
        fn close(open: Open) -> Node {
            use std::collections::hash_map::Entry as Slot;
            match open {
                Open::Seq(at, items) => Node { at, kind: Kind::Seq(items) },
                Open::Map(at, entries, _) => {
                    let by_key = (entries.len() >= MAP_SEARCHED).then(|| {
                        let mut by_key = crate::FastMap::<Box<str>, Places>::default();
                        for (i, e) in entries.iter().enumerate() {
                            if let Some(k) = &e.key {
                                match by_key.entry(k.clone()) {
                                    Slot::Occupied(mut o) => o.get_mut().1.push(i as u32),
                                    Slot::Vacant(v) => {
                                        v.insert((i as u32, Vec::new()));
                                    }
                                }
                            }
                        }
                        by_key
                    });
                    Node { at, kind: Kind::Map(Map { entries, by_key }) }
                }
            }
        }
        fn attach(stack: &mut [Open], root: &mut Option<Node>, node: Node, key: Option<Box<str>>) {
            match stack.last_mut() {
                None => *root = Some(node),
                Some(Open::Seq(_, items)) => items.push(node),
                Some(Open::Map(_, entries, pending)) => match pending.take() {
                    None => *pending = Some((key, node.at)),
                    Some((key, key_at)) => entries.push(Entry { key, key_at, value: node }),
                },
            }
        }
        let mut stack: Vec<Open> = Vec::new();
        let mut root = None;
        // Collections nested too deep, not kept apart: how deep, and where the first began.
        let mut flat: Option<(usize, At)> = None;
        let to_at = |(l, c): events::Pos| (l as u32, c as u32);
        let _ = events::read(text, |event, pos| {
            let at = to_at(pos);
            if let Some((depth, start)) = &mut flat {
                match event {
                    events::Event::SequenceStart { .. } | events::Event::MappingStart { .. } => *depth += 1,
                    events::Event::SequenceEnd | events::Event::MappingEnd => {
                        *depth -= 1;
                        if *depth == 0 {
                            let node = Node { at: *start, kind: Kind::Leaf };
                            flat = None;
                            attach(&mut stack, &mut root, node, None);
                        }
                    }
                    _ => {}
                }
                return true;
            }
            let awaiting_key = matches!(stack.last(), Some(Open::Map(_, _, None)));
            match event {
                events::Event::Scalar(bytes) => {
                    let key = awaiting_key.then(|| String::from_utf8_lossy(bytes).into());
                    attach(&mut stack, &mut root, Node { at, kind: Kind::Leaf }, key);
                }
                events::Event::Alias => attach(&mut stack, &mut root, Node { at, kind: Kind::Leaf }, None),
                events::Event::SequenceStart { .. } | events::Event::MappingStart { .. } if stack.len() >= DEEPEST => {
                    flat = Some((1, at));
                }
                events::Event::SequenceStart { .. } => stack.push(Open::Seq(at, Vec::new())),
                events::Event::MappingStart { .. } => stack.push(Open::Map(at, Vec::new(), None)),
                events::Event::SequenceEnd | events::Event::MappingEnd => {
                    if let Some(open) = stack.pop() {
                        attach(&mut stack, &mut root, close(open), None);
                    }
                }
            }
            true
        });
        // After a syntax error, what was read is kept.
        while let Some(open) = stack.pop() {
            let node = close(open);
            attach(&mut stack, &mut root, node, None);
        }
        Index { root }
    }

    /// Where the node at `path` starts (1-based line and column), or, with `key` set and a
    /// path that ends in a key, where that key is written (the first time).
    pub fn locate(&self, path: &[Seg], key: bool) -> Option<(usize, usize)> {
        match (path.split_last(), key) {
            (Some((Seg::Key(k), parent)), true) => self.locate_key(parent, k, 0),
            _ => self.node(path).map(|n| widen(n.at)),
        }
    }

    /// Where `key` is written for the `nth` time (from 0) in the map at `parent`.
    pub fn locate_key(&self, parent: &[Seg], key: &str, nth: usize) -> Option<(usize, usize)> {
        let Kind::Map(map) = &self.node(parent)?.kind else {
            return None;
        };
        let entry = match &map.by_key {
            Some(by_key) => {
                let (first, later) = by_key.get(key)?;
                let i = if nth == 0 { *first } else { *later.get(nth - 1)? };
                map.entries.get(i as usize)
            }
            None => map.entries.iter().filter(|e| e.key.as_deref() == Some(key)).nth(nth),
        };
        entry.map(|e| widen(e.key_at))
    }

    fn node(&self, path: &[Seg]) -> Option<&Node> {
        let mut node = self.root.as_ref()?;
        for seg in path {
            node = match (seg, &node.kind) {
                (Seg::Index(i), Kind::Seq(items)) => items.get(*i)?,
                (Seg::Key(k), Kind::Map(map)) => match &map.by_key {
                    Some(by_key) => &map.entries.get(by_key.get(k.as_ref())?.0 as usize)?.value,
                    None => &map.entries.iter().find(|e| e.key.as_deref() == Some(k.as_ref()))?.value,
                },
                _ => return None,
            };
        }
        Some(node)
    }
}

fn widen((line, column): At) -> (usize, usize) {
    (line as usize, column as usize)
}

#[cfg(test)]
thread_local! {
    /// How many times this thread has read a document for its positions.
    pub static BUILDS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A content file's YAML read into `T` with every problem found, not only the first: see
/// [`parse_content`].
pub struct Parsed<T> {
    /// `None` when the text could not be read into `T` at all.
    pub value: Option<T>,
    /// In the order found; positions in the YAML text.
    pub problems: Vec<YamlError>,
    /// Fields left out of `value` because they could not be read (each also has a problem).
    pub skipped: Vec<Vec<Seg>>,
    /// The document's positions, when reading it needed them.
    pub index: Option<Index>,
}

/// How many times a document is read to get past values of the wrong form, each time leaving
/// out the field that failed. Each reading is linear; this bounds their number.
const MOST_READINGS: usize = 20;

/// Reads `text` into `T` like [`parse`], but instead of stopping at the first problem:
/// - a key that a struct does not have, or has already had, is noted and left out, so that
///   every such key in the file is reported at once, with its position;
/// - a value of the wrong form is reported and its field left out, and the text is read
///   again, up to [`MOST_READINGS`] times; the value is still returned, with the fields left
///   out listed in `skipped`.
///
/// A syntax error, or a problem outside every struct field (a file that is a list), ends it.
pub fn parse_content<T: DeserializeOwned>(text: &str) -> Parsed<T> {
    let source = if is_blank(text) { "{}" } else { text };
    let mut parsed = Parsed { value: None, problems: Vec::new(), skipped: Vec::new(), index: None };
    if let Some(deep) = too_deep(text) {
        parsed.problems.push(deep);
        return parsed;
    }
    let mut keys: Vec<KeyProblem> = Vec::new();
    let mut seen_keys: std::collections::HashSet<KeyProblem> = Default::default();
    for reading in 0..MOST_READINGS {
        let walk = std::cell::RefCell::new(Walk { skip: std::mem::take(&mut parsed.skipped), ..Walk::default() });
        let result =
            T::deserialize(Lenient { de: serde_yaml::Deserializer::from_str(source), walk: &walk, key: false });
        let walk = walk.into_inner();
        parsed.skipped = walk.skip;
        for k in walk.keys {
            if seen_keys.insert(k.clone()) {
                keys.push(k);
            }
        }
        let e = match result {
            Ok(value) => {
                parsed.value = Some(value);
                break;
            }
            Err(e) => e,
        };
        if reading == 0
            && let Some(syntax) = syntax_error(text)
        {
            // Nothing after it can be trusted, nor the keys before it reported as if it were read.
            parsed.problems = vec![syntax];
            return parsed;
        }
        let e = convert(&e);
        let Some(failed) = walk.failed_at.filter(|f| !parsed.skipped.contains(f)) else {
            parsed.problems.push(e);
            break;
        };
        // A required field left out in an earlier reading is missing now: not a new problem.
        let left_out = missing_field(&e.message).is_some_and(|name| {
            let mut field = failed.clone();
            field.push(Seg::from(name));
            parsed.skipped.contains(&field)
        });
        if !left_out {
            parsed.problems.push(e);
        }
        parsed.skipped.push(failed);
        if reading + 1 == MOST_READINGS {
            parsed.problems.push(YamlError {
                line: 0,
                column: 0,
                message: format!(
                    "this file has more than {MOST_READINGS} values of the wrong form; the rest are not checked"
                ),
                syntax: false,
                hint: Some("mend the values reported, then check again".into()),
            });
        }
    }
    if (text.contains('#') || text.contains('：')) && !parsed.problems.iter().any(|p| p.syntax) {
        parsed.problems.extend(value_slips(text));
    }
    if !keys.is_empty() {
        let index = parsed.index.get_or_insert_with(|| Index::build(text));
        for k in keys {
            let (line, column) = index.locate_key(&k.parent, &k.key, k.nth).unwrap_or((0, 0));
            let mut message = match k.known {
                Some(known) => <serde_yaml::Error as de::Error>::unknown_field(&k.key, known).to_string(),
                None => format!("duplicate field `{}`", k.key),
            };
            if !k.parent.is_empty() {
                message = format!("{}: {message}", display_path(&k.parent));
            }
            parsed.problems.push(YamlError { line, column, message, syntax: false, hint: None });
        }
    }
    parsed
}

/// Slips that YAML reads without complaint but that change the text: a `#` after a space in
/// a plain value, which starts a comment and cuts the value there ("第 #3 次" is "第"); and a
/// line that goes on a plain value but starts like a key with a full-width colon
/// ("  zh：全省…" under "title:" makes the title "zh：全省… en：…"). Block scalars (`|`, `>`)
/// and quoted or bracketed values are text as written, and a comment written as one ("# …",
/// with a space) is not taken for a slip.
fn value_slips(text: &str) -> Vec<YamlError> {
    let mut slips = Vec::new();
    let mut block = BlockScalar::default();
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if block.holds(line, indent) {
            continue;
        }
        let rest = line[indent..].strip_prefix("- ").map_or(&line[indent..], str::trim_start);
        let key_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
        let (key, after) = rest.split_at(key_len);
        if key.is_empty() || key.starts_with('-') {
            continue;
        }
        let at = |part: &str| line[..line.len() - part.len()].chars().count() + 1;
        if let Some(value) = after.strip_prefix(": ").or_else(|| after.strip_prefix(":\t")) {
            let value = value.trim_start();
            if value.starts_with(['|', '>']) {
                block.starts_after(indent);
                continue;
            }
            if value.starts_with(['"', '\'', '[', '{', '#', '&', '*', '!']) {
                continue;
            }
            let cut = value.char_indices().find(|&(j, c)| {
                c == '#'
                    && value[..j].ends_with([' ', '\t'])
                    && value[j + 1..].starts_with(|n: char| !n.is_whitespace() && n != '#')
            });
            if let Some((j, _)) = cut {
                slips.push(YamlError {
                    line: i + 1,
                    column: at(&value[j..]),
                    message: format!("the text from this \"#\" on is a YAML comment, so \"{key}\" ends before it"),
                    syntax: false,
                    hint: Some(format!(
                        "if the # belongs to the text, put the text in quotes: {key}: \"{}\"; a comment goes on a line of its own",
                        value.trim_end().replace('"', "\\\"")
                    )),
                });
            }
        } else if after.trim_start_matches(' ').starts_with('：') {
            slips.push(YamlError {
                line: i + 1,
                column: at(after.trim_start_matches(' ')),
                message: format!("the colon after \"{key}\" is the full-width \"：\", so this line is read as text"),
                syntax: false,
                hint: Some(format!("write the colon \":\" and a space: {key}: …")),
            });
        }
    }
    slips
}

fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

/// The field named in serde's "missing field `x`".
fn missing_field(message: &str) -> Option<&str> {
    message.split("missing field `").nth(1)?.split('`').next()
}

/// A path as the YAML crate writes it in its messages: `statistics[0].value`.
fn display_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if out.is_empty() => out.push_str(k),
            Seg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// A key that a struct does not have (`known` lists those it has), or has already had.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct KeyProblem {
    parent: Vec<Seg>,
    key: String,
    /// Which time the key is written in its map, from 0.
    nth: usize,
    known: Option<&'static [&'static str]>,
}

/// What one reading shares down the tree: where it is, and what it found.
#[derive(Default)]
struct Walk {
    path: Vec<Seg>,
    /// Fields to leave out, by path.
    skip: Vec<Vec<Seg>>,
    keys: Vec<KeyProblem>,
    /// The innermost struct field whose value failed.
    failed_at: Option<Vec<Seg>>,
    /// The last key read in a map that is not a struct, for the path of its value.
    pending_key: Option<String>,
    /// The strings of keys no longer in the path, kept to hold the next ones: reading a
    /// file allocates no string per key.
    spare: Vec<String>,
}

impl Walk {
    /// Notes `key` as the key whose value comes next, written by `write`.
    fn note_key(&mut self, write: impl FnOnce(&mut String)) {
        let mut s = self.pending_key.take().or_else(|| self.spare.pop()).unwrap_or_default();
        s.clear();
        write(&mut s);
        self.pending_key = Some(s);
    }

    /// Forgets the key noted last.
    fn drop_key(&mut self) {
        if let Some(s) = self.pending_key.take() {
            self.spare.push(s);
        }
    }

    /// Takes the last step off the path, keeping its string for the next key.
    fn pop(&mut self) {
        if let Some(Seg::Key(Cow::Owned(s))) = self.path.pop() {
            self.spare.push(s);
        }
    }
}

type Shared<'w> = &'w std::cell::RefCell<Walk>;

/// A deserializer that hands every value on to `de`, following the path, and reads each
/// struct's map through [`Fields`].
struct Lenient<'w, D> {
    de: D,
    walk: Shared<'w>,
    /// Reading a map's key (whose text is the next step of the path).
    key: bool,
}

impl<'w, D> Lenient<'w, D> {
    fn wrap<V>(&self, inner: V, fields: Option<&'static [&'static str]>) -> Wrap<'w, V> {
        Wrap { inner, walk: self.walk, fields, key: self.key }
    }
}

macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            let visitor = self.wrap(visitor, None);
            self.de.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: de::Deserializer<'de>> de::Deserializer<'de> for Lenient<'_, D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16(); deserialize_i32();
        deserialize_i64(); deserialize_i128(); deserialize_u8(); deserialize_u16(); deserialize_u32();
        deserialize_u64(); deserialize_u128(); deserialize_f32(); deserialize_f64(); deserialize_char();
        deserialize_str(); deserialize_string(); deserialize_bytes(); deserialize_byte_buf();
        deserialize_option(); deserialize_unit(); deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str); deserialize_seq(); deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize); deserialize_map();
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier(); deserialize_ignored_any();
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = self.wrap(visitor, Some(fields));
        self.de.deserialize_struct(name, fields, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// A visitor handed on with the walk: it wraps what it is given to visit in turn.
struct Wrap<'w, V> {
    inner: V,
    walk: Shared<'w>,
    /// Set when the visitor is a struct's: its fields.
    fields: Option<&'static [&'static str]>,
    key: bool,
}

impl<V> Wrap<'_, V> {
    fn note_key(&self, key: impl fmt::Display) {
        if self.key {
            self.walk.borrow_mut().note_key(|s| {
                let _ = write!(s, "{key}");
            });
        }
    }

    fn note_key_str(&self, key: &str) {
        if self.key {
            self.walk.borrow_mut().note_key(|s| s.push_str(key));
        }
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

macro_rules! forward_visit_key {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.note_key(v);
            self.inner.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit! {
        visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i128(i128); visit_u8(u8); visit_u16(u16);
        visit_u32(u32); visit_u128(u128); visit_f32(f32); visit_char(char); visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]); visit_byte_buf(Vec<u8>);
    }

    forward_visit_key! {
        visit_bool(bool); visit_i64(i64); visit_u64(u64); visit_f64(f64);
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.note_key_str(v);
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        self.note_key_str(v);
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.note_key_str(&v);
        self.inner.visit_string(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(Lenient { de: d, walk: self.walk, key: false })
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(Lenient { de: d, walk: self.walk, key: false })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_seq(Items { inner: seq, walk: self.walk, next: 0 })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        match self.fields {
            Some(fields) => self.inner.visit_map(Fields {
                inner: map,
                walk: self.walk,
                fields,
                seen: Vec::new(),
                unknown: Default::default(),
                current: "",
            }),
            None => self.inner.visit_map(Entries { inner: map, walk: self.walk, seen: Vec::new(), counts: None }),
        }
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        // No content type is an enum; its values are not followed.
        self.inner.visit_enum(data)
    }
}

/// A seed handed on with the walk.
struct Seed<'w, S> {
    inner: S,
    walk: Shared<'w>,
    key: bool,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, S> {
    type Value = S::Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Lenient { de: d, walk: self.walk, key: self.key })
    }
}

/// The items of a list, each at its index.
struct Items<'w, A> {
    inner: A,
    walk: Shared<'w>,
    next: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Items<'_, A> {
    type Error = A::Error;
    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, A::Error> {
        self.walk.borrow_mut().path.push(Seg::Index(self.next));
        self.next += 1;
        let r = self.inner.next_element_seed(Seed { inner: seed, walk: self.walk, key: false });
        self.walk.borrow_mut().pop();
        r
    }
    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// The entries of a map that is not a struct (texts in languages, vocabularies), each value
/// at its key. A key written twice is noted: whatever reads the map keeps one of the values.
struct Entries<'w, A> {
    inner: A,
    walk: Shared<'w>,
    /// The keys read so far.
    seen: Vec<String>,
    /// How many times each key was read, once the map is too long to search `seen`.
    counts: Option<crate::FastMap<String, usize>>,
}

/// Keys of a map searched one by one; beyond, they are counted in a hash map.
const FEW_KEYS: usize = 16;

impl<A> Drop for Entries<'_, A> {
    fn drop(&mut self) {
        if let Ok(mut walk) = self.walk.try_borrow_mut() {
            walk.spare.append(&mut self.seen);
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Entries<'_, A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.walk.borrow_mut().drop_key();
        self.inner.next_key_seed(Seed { inner: seed, walk: self.walk, key: true })
    }
    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        {
            let mut walk = self.walk.borrow_mut();
            let key = walk.pending_key.take().unwrap_or_default();
            if self.counts.is_none() && self.seen.len() >= FEW_KEYS {
                let mut counts = crate::FastMap::default();
                for k in &self.seen {
                    *counts.entry(k.clone()).or_insert(0) += 1;
                }
                self.counts = Some(counts);
            }
            let nth = match &mut self.counts {
                Some(counts) => {
                    let n = counts.entry(key.clone()).or_insert(0);
                    *n += 1;
                    *n - 1
                }
                None => self.seen.iter().filter(|k| **k == key).count(),
            };
            if nth > 0 {
                let parent = walk.path.clone();
                walk.keys.push(KeyProblem { parent, key: key.clone(), nth, known: None });
            }
            walk.path.push(Seg::from(key));
        }
        let r = self.inner.next_value_seed(Seed { inner: seed, walk: self.walk, key: false });
        let mut walk = self.walk.borrow_mut();
        if let Some(Seg::Key(Cow::Owned(key))) = walk.path.pop() {
            self.seen.push(key);
        }
        r
    }
    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A struct's map: only its own fields, each once and not left out, reach the struct; the
/// other keys are noted and their values passed over.
struct Fields<'w, A> {
    inner: A,
    walk: Shared<'w>,
    fields: &'static [&'static str],
    /// The fields met so far, each with how many times.
    seen: Vec<(&'static str, usize)>,
    unknown: crate::FastMap<String, usize>,
    /// The field whose value comes next.
    current: &'static str,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Fields<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.inner.next_key_seed(KeySeed(self.fields))? {
            let problem = match key {
                FieldKey::Known(field) => {
                    let nth = match self.seen.iter_mut().find(|(f, _)| *f == field) {
                        Some((_, n)) => {
                            *n += 1;
                            *n - 1
                        }
                        None => {
                            self.seen.push((field, 1));
                            0
                        }
                    };
                    let walk = self.walk.borrow();
                    let skipped = !walk.skip.is_empty()
                        && walk.skip.iter().any(|s| {
                            s.len() == walk.path.len() + 1
                                && s.starts_with(&walk.path)
                                && matches!(s.last(), Some(Seg::Key(k)) if k == field)
                        });
                    if nth == 0 && !skipped {
                        self.current = field;
                        drop(walk);
                        return seed.deserialize(de::IntoDeserializer::<A::Error>::into_deserializer(field)).map(Some);
                    }
                    (nth > 0).then(|| KeyProblem {
                        parent: walk.path.clone(),
                        key: field.to_string(),
                        nth,
                        known: None,
                    })
                }
                FieldKey::Other(key) => {
                    let n = self.unknown.entry(key.clone()).or_default();
                    *n += 1;
                    let parent = self.walk.borrow().path.clone();
                    Some(KeyProblem { parent, key, nth: *n - 1, known: Some(self.fields) })
                }
            };
            self.walk.borrow_mut().keys.extend(problem);
            self.inner.next_value::<IgnoredAny>()?;
        }
        Ok(None)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.walk.borrow_mut().path.push(Seg::Key(Cow::Borrowed(self.current)));
        let r = self.inner.next_value_seed(Seed { inner: seed, walk: self.walk, key: false });
        let mut walk = self.walk.borrow_mut();
        if r.is_err() && walk.failed_at.is_none() {
            walk.failed_at = Some(walk.path.clone());
        }
        walk.pop();
        r
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A struct's map key: one of its fields, or any other key as text.
enum FieldKey {
    Known(&'static str),
    Other(String),
}

/// Reads a struct's map key, given the struct's fields: a field's name is not copied.
struct KeySeed(&'static [&'static str]);

impl KeySeed {
    fn resolve(&self, key: &str) -> FieldKey {
        match self.0.iter().find(|f| **f == key) {
            Some(field) => FieldKey::Known(field),
            None => FieldKey::Other(key.to_string()),
        }
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = FieldKey;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<FieldKey, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = FieldKey;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<FieldKey, E> {
        Ok(self.resolve(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<FieldKey, E> {
        Ok(self.resolve(&v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<FieldKey, E> {
        Ok(self.resolve(&v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<FieldKey, E> {
        Ok(self.resolve(&v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<FieldKey, E> {
        Ok(self.resolve(&v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<FieldKey, E> {
        Ok(self.resolve(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name: 黄岩\nlevel: provincial\nlistings:\n  - year: 2018\n    list: creation\n  - year: 2019\n    list: cultivaton\n";

    fn locate(text: &str, path: &[Seg], key: bool) -> Option<(usize, usize)> {
        Index::build(text).locate(path, key)
    }

    #[test]
    fn locates_nested_values_and_keys() {
        let p = |v: &[Seg]| v.to_vec();
        assert_eq!(locate(DOC, &p(&["level".into()]), false), Some((2, 8)));
        assert_eq!(locate(DOC, &p(&["level".into()]), true), Some((2, 1)));
        assert_eq!(locate(DOC, &p(&["listings".into(), 1.into(), "list".into()]), false), Some((7, 11)));
        assert_eq!(locate(DOC, &p(&["listings".into(), 1.into()]), false), Some((6, 5)));
        assert_eq!(locate(DOC, &p(&["listings".into()]), false), Some((4, 3)));
        assert_eq!(locate(DOC, &p(&["listings".into(), 5.into()]), false), None);
        assert_eq!(locate(DOC, &p(&["missing".into()]), false), None);
        assert_eq!(locate(DOC, &[], false), Some((1, 1)));
        // Whole numbers too large for 64 bits are found as well.
        assert_eq!(locate("a: 1\nb: 99999999999999999999999999\n", &p(&["b".into()]), false), Some((2, 4)));
        // Flow collections start at their bracket; a key written twice is found the first time.
        let flow = "a: {x: [1, 2], y: 3}\nb: 1\nb: 2\n";
        assert_eq!(locate(flow, &p(&["a".into()]), false), Some((1, 4)));
        assert_eq!(locate(flow, &p(&["a".into(), "x".into()]), false), Some((1, 8)));
        assert_eq!(locate(flow, &p(&["a".into(), "x".into(), 1.into()]), false), Some((1, 12)));
        assert_eq!(locate(flow, &p(&["b".into()]), false), Some((2, 4)));
        assert_eq!(Index::build(flow).locate_key(&[], "b", 1), Some((3, 1)));
    }

    #[test]
    fn a_long_map_is_searched_by_key_and_deep_nesting_is_kept_flat() {
        let text: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        let index = Index::build(&format!("{text}k5: again\nk5: and again\n"));
        assert_eq!(index.locate(&["k57".into()], true), Some((58, 1)));
        assert_eq!(index.locate(&["k57".into()], false), Some((58, 6)));
        assert_eq!(index.locate_key(&[], "k5", 0), Some((6, 1)));
        assert_eq!(index.locate_key(&[], "k5", 2), Some((102, 1)));
        assert_eq!(index.locate_key(&[], "k5", 3), None);
        let deep = format!("a: {}{}\n", "[".repeat(DEEPEST * 5), "]".repeat(DEEPEST * 5));
        let index = Index::build(&deep);
        assert_eq!(index.locate(&["a".into()], false), Some((1, 4)));
        assert_eq!(index.locate(&["a".into(), 0.into()], false), Some((1, 5)));
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
    fn typing_slips_are_named_where_they_are() {
        let at = |text: &str| {
            let e = syntax_error(text).unwrap();
            (e.line, e.column, e.message, e.hint.unwrap_or_default())
        };
        // A full-width colon after a key, on the error's line or the line before it.
        let (l, c, m, h) = at("title：{zh: 测试, en: Test}\nkind: news\n");
        assert_eq!(
            (l, c, m.as_str(), h.as_str()),
            (1, 6, "the colon after \"title\" is the full-width \"：\"", "write the colon \":\" and a space: title: …")
        );
        let (l, c, m, _) = at("title: x\nkind ： news\npublished: 2019\n");
        assert_eq!((l, c, m.as_str()), (2, 6, "the colon after \"kind\" is the full-width \"：\""));
        // A colon with no space after it, on the error's line or the line before it.
        let (l, c, m, h) = at("title: x\nkind:news\npublished: 2019\n");
        assert_eq!(
            (l, c, m.as_str(), h.as_str()),
            (2, 6, "the colon after \"kind\" has no space after it", "write a space after the colon: kind: news")
        );
        let (l, _, m, _) = at("title: {zh: x}\nwebsite:https://example.org\n  - a\n");
        assert_eq!((l, m.as_str()), (2, "the colon after \"website\" has no space after it"));
        // A tab in the indentation.
        let (l, c, m, h) = at("sources:\n  \t- {id: a}\n");
        assert_eq!((l, c, m.as_str()), (2, 3, "this line is indented with a tab"));
        assert!(h.contains("spaces only"), "{h}");
        // A full-width comma between the entries of a map in brackets, but not one in quotes.
        let (l, c, m, _) = at("title: {zh: 测试，en: Test}\n");
        assert_eq!((l, c), (1, 15), "{m}");
        assert!(m.contains("full-width comma"), "{m}");
        let e = syntax_error("title: {zh: \"测试，更多\", en: Test, x}}\n").unwrap();
        assert!(!e.message.contains("full-width"), "{e:?}");
        // A full-width colon inside a text that is fine is no slip: the error is elsewhere.
        let e = syntax_error("- 注意：重要\nb: [\n").unwrap();
        assert!(!e.message.contains("full-width"), "{e:?}");
    }

    #[test]
    fn lists_and_maps_nested_too_deep_are_an_error_where_they_pass_the_limit() {
        use crate::raw::RawComplex;
        // The parser's work grows with the depth at every step: before this check, this file
        // took minutes to read.
        for (open, width) in [("[", 1), ("{", 1), ("[a, ", 4), ("{a: ", 4)] {
            let text = format!("level: x\nname: {}\n", open.repeat(200_000));
            let problems = parse_content::<RawComplex>(&text).problems;
            // At the bracket one past the limit.
            let at = (2, 7 + MOST_LEVELS * width);
            assert_eq!(problems.len(), 1, "{open}: {problems:?}");
            let e = &problems[0];
            assert_eq!((e.line, e.column), at, "{open}");
            assert_eq!(e.message, "lists and maps in brackets are nested more than 64 deep here");
            assert!(e.syntax && e.hint.as_deref().is_some_and(|h| h.contains("brackets")), "{e:?}");
            assert_eq!(parse::<serde::de::IgnoredAny>(&text).unwrap_err(), *e);
        }
        // Many brackets that nest little, or stand inside quotes, are no problem.
        let mut text = format!("a: \"{}\"\nb:\n", "[".repeat(500));
        text += &"  - {x: [1, {y: 2}]}\n".repeat(100);
        assert!(parse::<serde::de::IgnoredAny>(&text).is_ok());
        assert_eq!(too_deep(&text), None);
        // The limit is bracket levels: as deep as allowed inside block lists, then one more.
        let nest = |n: usize| format!("a:\n  -\n    - b: {}{}\n", "[".repeat(n), "]".repeat(n));
        assert_eq!(too_deep(&nest(MOST_LEVELS)), None);
        assert!(parse::<serde::de::IgnoredAny>(&nest(MOST_LEVELS)).is_ok());
        assert_eq!(too_deep(&nest(MOST_LEVELS + 1)).map(|e| (e.line, e.column)), Some((3, 10 + MOST_LEVELS)));
    }

    #[test]
    fn every_unknown_or_repeated_key_is_found_in_one_reading_with_its_position() {
        use crate::raw::{RawComplex, RawSite};
        let text = "nmae: x\nlocation: {city: a, cty: b}\nlevel: a\nlevel: b\nnmae: y\n";
        let parsed = parse_content::<RawComplex>(text);
        let found: Vec<_> = parsed.problems.iter().map(|e| (e.line, e.column, e.message.as_str())).collect();
        assert_eq!(
            found[0],
            (
                1,
                1,
                "unknown field `nmae`, expected one of `name`, `short_names`, `level`, `status`, `location`, `industry`, `mode`, `applicant`, `operator`, `host_units`, `lead_enterprises`, `partners`, `listings`, `services`, `facilities`, `statistics`, `summary`, `contact`, `website`, `sources`, `last_reviewed`, `draft`"
            )
        );
        assert_eq!(
            &found[1..],
            [
                (2, 21, "location: unknown field `cty`, expected one of `city`, `district`, `address`, `coordinates`"),
                (4, 1, "duplicate field `level`"),
                (5, 1, found[0].2),
            ]
        );
        let raw = parsed.value.unwrap();
        assert_eq!((raw.level.as_deref(), raw.name), (Some("a"), None));
        assert!(parsed.skipped.is_empty());
        // Keys inside a map of ids are placed under their id.
        let site = "vocabularies:\n  cities:\n    taizhou: {label: x, lable: y}\n";
        let e = &parse_content::<RawSite>(site).problems[0];
        assert_eq!((e.line, e.column), (3, 25));
        assert!(e.message.starts_with("vocabularies.cities.taizhou: unknown field `lable`"), "{e:?}");
    }

    #[test]
    fn a_key_repeated_in_a_map_that_is_not_a_struct_is_found_short_map_or_long() {
        use std::collections::BTreeMap;
        let found = |text: &str| -> Vec<(usize, usize, String)> {
            let parsed = parse_content::<BTreeMap<String, String>>(text);
            parsed.problems.iter().map(|e| (e.line, e.column, e.message.clone())).collect()
        };
        assert_eq!(found("zh: a\nen: b\nzh: c\n"), [(3, 1, "duplicate field `zh`".to_string())]);
        // Past the keys searched one by one, and a key written three times.
        let mut text: String = (0..40).map(|i| format!("k{i}: v\n")).collect();
        text.push_str("k3: again\nk30: again\nk3: third\n");
        assert_eq!(
            found(&text),
            [
                (41, 1, "duplicate field `k3`".to_string()),
                (42, 1, "duplicate field `k30`".to_string()),
                (43, 1, "duplicate field `k3`".to_string())
            ]
        );
        // Many keys are read in linear time.
        let many: String = (0..50_000).map(|i| format!("k{i}: v\n")).collect();
        assert!(found(&many).is_empty());
    }

    #[test]
    fn values_of_the_wrong_form_are_each_reported_and_left_out() {
        use crate::raw::RawComplex;
        let text = "level: [x]\nlocation:\n  coordinates: {lat: north, lon: 121}\n  city: taizhou\nmode: m\n";
        let parsed = parse_content::<RawComplex>(text);
        let found: Vec<_> = parsed.problems.iter().map(|e| (e.line, e.column)).collect();
        // The latitude left out makes the coordinates incomplete; that is not reported again.
        assert_eq!(found, [(1, 8), (3, 22)], "{:?}", parsed.problems);
        let raw = parsed.value.unwrap();
        assert_eq!((raw.mode.as_deref(), raw.location.unwrap().city.as_deref()), (Some("m"), Some("taizhou")));
        let path = |p: &[&str]| p.iter().map(|&s| Seg::from(s)).collect::<Vec<_>>();
        assert_eq!(
            parsed.skipped,
            [path(&["level"]), path(&["location", "coordinates", "lat"]), path(&["location", "coordinates"])]
        );
        // A file that is not a map at all has nothing to leave out.
        let parsed = parse_content::<RawComplex>("- a\n- b\n");
        assert!(parsed.value.is_none() && parsed.problems.len() == 1, "{:?}", parsed.problems);
        // The readings are bounded, and the file says there is more.
        let many: String = (0..30).map(|_| "  - {value: many}\n").collect();
        let parsed = parse_content::<RawComplex>(&format!("statistics:\n{many}"));
        assert!(parsed.value.is_none());
        assert_eq!(parsed.problems.len(), MOST_READINGS + 1);
        assert!(parsed.problems[MOST_READINGS].message.contains("the rest are not checked"));
    }

    #[test]
    fn a_syntax_error_is_the_only_problem_reported() {
        let parsed = parse_content::<crate::raw::RawPage>("titel: x\nsummary: \"y\n");
        assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
        assert!(parsed.problems[0].syntax && parsed.value.is_none());
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

    #[test]
    fn a_hash_or_a_full_width_colon_that_yaml_takes_quietly_is_a_slip() {
        let text = "title:\n  zh: 第 #3 次会议\n  en: Meeting  # a comment, as written\nsummary: |\n  正文 #3\n  zh：不是键\n\
                    tags: [a, b] #x\nnote: \"第 #3 次\"\nlevel: provincial             # 级别\nlist:\n  - name: 甲 #乙\n\
                    other:\n  zh：全省\n  en：Province\nurl: https://example.org/#top\n";
        let slips = value_slips(text);
        let found: Vec<(usize, usize, &str)> =
            slips.iter().map(|e| (e.line, e.column, e.message.split(',').next().unwrap())).collect();
        assert_eq!(
            found,
            [
                (2, 9, "the text from this \"#\" on is a YAML comment"),
                (11, 13, "the text from this \"#\" on is a YAML comment"),
                (13, 5, "the colon after \"zh\" is the full-width \"：\""),
                (14, 5, "the colon after \"en\" is the full-width \"：\""),
            ]
        );
        let hint = slips[0].hint.clone().unwrap();
        assert!(
            hint.starts_with("if the # belongs to the text, put the text in quotes: zh: \"第 #3 次会议\""),
            "{hint}"
        );
    }
}
