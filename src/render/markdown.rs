//! Markdown bodies to HTML: CommonMark with tables, footnotes and strikethrough, heading ids
//! that work for Chinese, Chinese-friendly emphasis, `@/` internal links and sanitised HTML.
//!
//! # Emphasis next to Chinese punctuation
//!
//! CommonMark decides whether `**` may open or close emphasis from the characters on either
//! side (the "flanking" rules). In `**注意：**正文` the closing `**` follows punctuation (`：`)
//! and precedes a letter (`正`), so it is not right-flanking and cannot close: the text would
//! show literal asterisks. Chinese has no spaces to fix this with, and pulldown-cmark has no
//! option for it.
//!
//! Before parsing, [`mark_cjk_emphasis`] looks at every run of `*` that lies outside code
//! spans, code blocks, raw HTML and autolinks (found by a first parse, so the parser decides
//! what code is). Where a run touches a CJK character and punctuation on one side keeps it
//! from flanking, a WORD JOINER (U+2060, invisible, neither punctuation nor space) is put
//! between the run and the punctuation. The run then flanks, and the parser pairs it as
//! usual; `_` runs and runs between Latin characters are never touched. The joiners are
//! removed from the text again before HTML is written, and byte offsets are mapped back to
//! the editor's text so that messages point at the right column.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};

use crate::diagnostics::Diagnostic;
use crate::link::{self, Index};
use crate::model::Site;

/// The invisible character that makes a delimiter run flank (see the module comment).
const JOINER: char = '\u{2060}';

/// Element ids the templates use on the same page as a body; headings never take them.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "site-search",
    "search-q",
    "open-data",
    "facts",
    "narrative",
    "services",
    "statistics",
    "history",
    "listings",
    "facilities",
    "contact",
    "sources",
    "reports",
    "photos",
    "attendees",
    "source",
    "totals",
    "latest",
    "browse",
    "all",
    "years",
    "kinds",
    "facet-city",
    "facet-level",
    "facet-status",
    "facet-mode",
    "facet-industry",
    "facet-service",
];

/// What a body needs to know to be turned into HTML. Nothing here depends on the page the
/// body goes on: the one part that does, the address of an `@/` link, is filled in later
/// ([`BodyHtml::for_lang`]).
pub struct MarkdownContext<'a> {
    pub site: &'a Site,
    pub index: &'a Index,
    /// Accessible label of the small link beside each heading, with "{title}" standing for
    /// the heading's text ("Link to this section: {title}").
    pub anchor_label: &'a str,
    /// When the body is not in Chinese but the site has Chinese: its BCP 47 tag, so that
    /// Chinese words quoted in the text are marked with it and read out as Chinese.
    pub cjk_lang: Option<&'a str>,
}

/// A body turned into HTML once for the pages of every language. An `@/` link points into
/// the page's language, so its address is left as a slot, filled by [`BodyHtml::for_lang`].
pub struct BodyHtml {
    /// The HTML, with a slot where each `@/` link's address goes.
    html: String,
    /// The start of every slot's marker: upper-case letters and digits, which a heading id
    /// (lower-cased) cannot hold, chosen so that neither the Markdown nor the anchor label
    /// holds it either; so it is found in the HTML only where a slot is.
    stem: String,
    /// Each slot's `@/` target, in the order the slots come in.
    targets: Vec<String>,
    /// The body needs sanitising, done once its addresses are in.
    sanitize: bool,
}

impl BodyHtml {
    /// The body's HTML on a page in `lang`.
    pub fn for_lang(&self, site: &Site, index: &Index, lang: &str) -> String {
        let mut out = String::with_capacity(self.html.len() + 24 * self.targets.len());
        let mut rest = self.html.as_str();
        for (k, target) in self.targets.iter().enumerate() {
            let slot = slot(&self.stem, k);
            let Some(at) = rest.find(&slot) else { break };
            out.push_str(&rest[..at]);
            // Every target was resolved when the body was rendered; the address is written as
            // pulldown-cmark writes a link's.
            let url = link::resolve_internal_ref(site, index, lang, target).unwrap_or_default();
            let _ = pulldown_cmark_escape::escape_href(&mut out, &url);
            rest = &rest[at + slot.len()..];
        }
        out.push_str(rest);
        if self.sanitize { sanitize(&out) } else { out }
    }
}

/// The marker of slot `k`: the stem, the number and an X, so that no marker starts another.
fn slot(stem: &str, k: usize) -> String {
    format!("{stem}{k}X")
}

/// Appends what `event` adds to a body's plain text: text and code as they are, a space for
/// a line break, a newline at the end of a block. `joiners`: the text may hold emphasis
/// joiners, left out.
fn push_plain(out: &mut String, event: &Event<'_>, joiners: bool) {
    match event {
        Event::Text(t) | Event::Code(t) => {
            if joiners && t.contains(JOINER) {
                out.extend(t.chars().filter(|&c| c != JOINER));
            } else {
                out.push_str(t);
            }
        }
        Event::SoftBreak | Event::HardBreak => out.push(' '),
        Event::End(
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
        ) => out.push('\n'),
        _ => {}
    }
}

/// The plain text of Markdown, as readers see it and search finds it: text, code and image
/// descriptions, blocks separated by newlines, emphasis read as the HTML reads it. The same
/// text [`render_markdown_keeping_text`] gives beside the HTML.
pub fn plain_text(markdown: &str) -> String {
    let (text, inserted) = mark_cjk_emphasis(markdown);
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(&text, crate::markdown_options()) {
        push_plain(&mut out, &event, !inserted.is_empty());
    }
    out
}

/// Renders Markdown that starts on 1-based line `first_line` of `path`.
pub fn render_markdown(
    markdown: &str,
    cx: &MarkdownContext,
    path: &Path,
    first_line: usize,
) -> (BodyHtml, Vec<Diagnostic>) {
    let (html, diags, _) = render_markdown_keeping_text(markdown, cx, path, first_line, false, None);
    (html, diags)
}

/// A link or image found in Markdown: its destination, and where it is written.
pub type FoundLink = (String, Range<usize>);

/// The destination of `event` when it starts a link or an image: what the link check looks at.
pub fn link_destination<'e>(event: &'e Event<'_>) -> Option<&'e str> {
    match event {
        // An e-mail autolink (<name@host>) holds no scheme, but is no path either.
        Event::Start(Tag::Link { link_type: LinkType::Email, .. }) => None,
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => Some(dest_url),
        _ => None,
    }
}

/// [`render_markdown`], and if `keep_text`, the body's [`plain_text`] from the same parse;
/// with `links`, every link and image in the body is added to it, in order, so that they can
/// be checked without parsing the body again.
pub fn render_markdown_keeping_text(
    markdown: &str,
    cx: &MarkdownContext,
    path: &Path,
    first_line: usize,
    keep_text: bool,
    links: Option<&mut Vec<FoundLink>>,
) -> (BodyHtml, Vec<Diagnostic>, Option<String>) {
    let stem = (0..)
        .map(|n| format!("FULCRUM{n}SLOT"))
        .find(|stem| !markdown.contains(stem.as_str()) && !cx.anchor_label.contains(stem.as_str()))
        .unwrap_or_default();
    let (text, inserted) = mark_cjk_emphasis(markdown);
    let to_source = |offset: usize| source_offset(offset, &inserted);

    let events: Vec<(Event, Range<usize>)> =
        Parser::new_ext(&text, crate::markdown_options()).into_offset_iter().collect();
    if let Some(links) = links {
        for (event, range) in &events {
            if let Some(dest) = link_destination(event) {
                let at = to_source(range.start)..to_source(range.end).min(markdown.len());
                links.push((dest.replace(JOINER, ""), at));
            }
        }
    }
    // Sanitising re-parses the whole HTML; only input with raw HTML or a link whose scheme is
    // not plainly safe can produce anything to remove.
    let needs_sanitizing = cx.site.config.sanitize_html && events.iter().any(|(e, _)| may_be_unsafe(e));
    let shift = events.iter().any(|(e, _)| matches!(e, Event::Start(Tag::Heading { level: HeadingLevel::H1, .. })));
    let plain = keep_text.then(|| {
        let mut out = String::with_capacity(markdown.len());
        for (event, _) in &events {
            push_plain(&mut out, event, !inserted.is_empty());
        }
        out
    });

    // The ids the body's headings took; the templates' own ([`RESERVED_IDS`]) are never taken.
    let mut used: HashSet<String> = HashSet::new();
    let mut em = Emitter {
        out: Vec::with_capacity(events.len()),
        links: Vec::new(),
        stem: &stem,
        targets: Vec::new(),
        diags: Vec::new(),
        cx,
        source: markdown,
        to_source: &to_source,
        path,
        first_line,
    };
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::Heading { level, id, classes, .. }) => {
                let end = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map_or(events.len(), |p| i + p);
                let title: String = events[i + 1..end]
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.replace(JOINER, "")),
                        _ => None,
                    })
                    .collect();
                let wanted = id.as_deref().map(str::to_string).unwrap_or_else(|| slugify(&title));
                let id = unique_id(&wanted, &mut used);
                let n = heading_number(*level) + usize::from(shift);
                let n = n.min(6);
                let class = if classes.is_empty() {
                    String::new()
                } else {
                    let joined: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
                    format!(" class=\"{}\"", escape_html(&joined.join(" ")))
                };
                let id = escape_html(&id);
                em.out.push(Event::Html(format!("<h{n} id=\"{id}\"{class}>").into()));
                for (e, r) in &events[i + 1..end] {
                    em.push(e.clone(), r);
                }
                let label = escape_html(&cx.anchor_label.replace("{title}", title.trim()));
                em.out.push(Event::Html(
                    format!(" <a class=\"heading-anchor\" href=\"#{id}\" aria-label=\"{label}\">#</a></h{n}>\n").into(),
                ));
                i = end + 1;
                continue;
            }
            other => em.push(other.clone(), range),
        }
        i += 1;
    }

    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let Emitter { out, targets, diags, .. } = em;
    match cx.cjk_lang {
        Some(tag) => pulldown_cmark::html::push_html(&mut html, mark_cjk_runs(out, tag).into_iter()),
        None => pulldown_cmark::html::push_html(&mut html, out.into_iter()),
    }
    (BodyHtml { html, stem, targets, sanitize: needs_sanitizing }, diags, plain)
}

/// Wraps each run of Chinese characters in text outside images and code in a span with
/// `lang`, so that a screen reader reading an English page switches voice for them.
fn mark_cjk_runs<'a>(events: Vec<Event<'a>>, lang: &str) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut opaque = 0usize;
    for e in events {
        match &e {
            Event::Start(Tag::Image { .. } | Tag::CodeBlock(_)) => opaque += 1,
            Event::End(TagEnd::Image | TagEnd::CodeBlock) => opaque = opaque.saturating_sub(1),
            Event::Text(t) if opaque == 0 && t.chars().any(is_cjk) => {
                let mut rest: &str = t;
                while !rest.is_empty() {
                    let cjk = rest.starts_with(is_cjk);
                    let end = rest.find(|c: char| is_cjk(c) != cjk).unwrap_or(rest.len());
                    let (run, tail) = rest.split_at(end);
                    if cjk {
                        let mut span = String::with_capacity(run.len() + 24);
                        push_lang_span(&mut span, lang, run);
                        out.push(Event::InlineHtml(span.into()));
                    } else {
                        out.push(Event::Text(run.to_string().into()));
                    }
                    rest = tail;
                }
                continue;
            }
            _ => {}
        }
        out.push(e);
    }
    out
}

/// The events of a body being rewritten, with what is needed to report a problem at the
/// editor's line.
struct Emitter<'a, 'c> {
    out: Vec<Event<'a>>,
    /// For each open link: whether it was dropped because its target does not exist.
    links: Vec<bool>,
    /// The slots' marker stem, and the `@/` target of each slot made so far.
    stem: &'c str,
    targets: Vec<String>,
    diags: Vec<Diagnostic>,
    cx: &'c MarkdownContext<'c>,
    /// The editor's Markdown, before emphasis joiners were added.
    source: &'c str,
    to_source: &'c dyn Fn(usize) -> usize,
    path: &'c Path,
    first_line: usize,
}

impl<'a> Emitter<'a, '_> {
    /// Passes an event through, resolving `@/` links and removing emphasis joiners.
    fn push(&mut self, event: Event<'a>, range: &Range<usize>) {
        let (cx, source, path, first_line) = (self.cx, self.source, self.path, self.first_line);
        let to_source = self.to_source;
        let (out, links, diags) = (&mut self.out, &mut self.links, &mut self.diags);
        match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) if dest_url.starts_with("@/") => {
                let dest = dest_url.replace(JOINER, "");
                match link::internal_target(cx.index, &dest) {
                    Ok(_) => {
                        links.push(false);
                        let dest_url = slot(self.stem, self.targets.len()).into();
                        self.targets.push(dest);
                        out.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                    }
                    Err(message) => {
                        links.push(true);
                        let start = to_source(range.start);
                        let end = to_source(range.end).min(source.len());
                        // Point at the target itself when it is written inside the link.
                        let at =
                            source.get(start..end).and_then(|s| s.find(dest.as_str())).map_or(start, |p| start + p);
                        let place = Place::of(source, at);
                        diags.push(
                            Diagnostic::error(path, first_line + place.line - 1, place.column, message)
                                .with_hint(
                                    "link to an existing file as @/complexes/<id>, @/reports/<id> or @/pages/<id>",
                                )
                                .with_source_at(place.text, place.at),
                        );
                    }
                }
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                links.push(false);
                // An autolink (<https://…>, <name@host>) is an address as written, never a path.
                let dest_url = match link_type {
                    LinkType::Autolink | LinkType::Email => dest_url,
                    _ => under_base_path(strip_joiner(dest_url), &cx.site.config.base_path),
                };
                out.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let dest_url = under_base_path(strip_joiner(dest_url), &cx.site.config.base_path);
                out.push(Event::Start(Tag::Image { link_type, dest_url, title, id }));
            }
            Event::End(TagEnd::Link) => {
                if !links.pop().unwrap_or(false) {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            Event::Text(t) => out.push(Event::Text(strip_joiner(t))),
            other => out.push(other),
        }
    }
}

/// Editors write files under static/ from the site root ("/files/plan.pdf"); the site may
/// be served from a sub-path, so such links are put under the base path. A file written
/// without the leading / ("photos/a.jpg", as a profile's `photos:` names it) is the same file,
/// as the check takes it: left relative, the browser would look for it under the page's own
/// address.
fn under_base_path<'a>(dest: CowStr<'a>, base_path: &str) -> CowStr<'a> {
    match dest.strip_prefix('/') {
        Some(rest) if !rest.starts_with('/') && base_path != "/" => format!("{base_path}{rest}").into(),
        Some(_) => dest,
        None => match crate::validate::local_file_link(&dest).and_then(|f| crate::validate::inside_static(&f)) {
            Some(path) => {
                let after = dest.find(['#', '?']).map_or("", |i| &dest[i..]);
                format!("{base_path}{path}{after}").into()
            }
            None => dest,
        },
    }
}

fn strip_joiner(s: CowStr) -> CowStr {
    if s.contains(JOINER) { s.replace(JOINER, "").into() } else { s }
}

fn heading_number(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Where a byte of a text is, to show a problem there.
pub struct Place<'t> {
    /// 1-based line, and column in characters.
    pub line: usize,
    pub column: usize,
    /// The line's text, and the byte's offset in it.
    pub text: &'t str,
    pub at: usize,
}

impl<'t> Place<'t> {
    /// The place of byte `offset` in `text`.
    pub fn of(text: &'t str, offset: usize) -> Place<'t> {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |p| p + 1);
        let column = before[line_start..].chars().count() + 1;
        let text = text[line_start..].lines().next().unwrap_or("");
        Place { line, column, text, at: before.len() - line_start }
    }
}

/// Maps an offset in the marked text back to the editor's text.
fn source_offset(offset: usize, inserted: &[usize]) -> usize {
    let before = inserted.partition_point(|&p| p < offset);
    offset - before * JOINER.len_utf8()
}

/// A heading id that keeps Chinese characters: ASCII lower-cased, spaces to hyphens,
/// punctuation dropped ("二、服务 Services" → "二服务-services").
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if (c.is_whitespace() || c == '-') && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() { "section".to_string() } else { trimmed.to_string() }
}

/// `wanted`, or `wanted-1`, `wanted-2`… when that id is taken on the page: by a heading
/// before it (`used`) or by the templates ([`RESERVED_IDS`]).
fn unique_id(wanted: &str, used: &mut HashSet<String>) -> String {
    let mut id = wanted.to_string();
    let mut n = 0;
    while used.contains(&id) || RESERVED_IDS.contains(&id.as_str()) {
        n += 1;
        id = format!("{wanted}-{n}");
    }
    used.insert(id.clone());
    id
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Unicode punctuation and symbols as far as flanking is concerned: ASCII, general and
/// CJK punctuation, full-width forms.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0xA1..=0xBF | 0xD7 | 0xF7 | 0x2010..=0x2027 | 0x2030..=0x205E | 0x3001..=0x3003 | 0x3008..=0x3011
            | 0x3014..=0x301F | 0x30FB | 0xFE10..=0xFE19 | 0xFE30..=0xFE4F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20
            | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

fn is_letter_like(c: char) -> bool {
    !c.is_whitespace() && !is_punctuation(c) && c != JOINER
}

/// Byte ranges the emphasis pass must leave alone: code, raw HTML and autolinks, as the
/// parser itself sees them.
fn protected_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (event, range) in Parser::new_ext(text, crate::markdown_options()).into_offset_iter() {
        match event {
            Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => ranges.push(range),
            Event::Start(Tag::Link { link_type: LinkType::Autolink | LinkType::Email, .. }) => ranges.push(range),
            _ => {}
        }
    }
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// Puts a joiner between a `*` run and the punctuation that keeps it from flanking, where
/// the run touches CJK text (see the module comment). Returns the marked text and the
/// byte offsets, in the marked text, of every joiner inserted.
pub fn mark_cjk_emphasis(text: &str) -> (String, Vec<usize>) {
    if !text.contains('*') || !text.chars().any(is_cjk) {
        return (text.to_string(), Vec::new());
    }
    let protected = protected_ranges(text);
    let is_protected = |pos: usize| {
        let i = protected.partition_point(|r| r.end <= pos);
        protected.get(i).is_some_and(|r| r.start <= pos)
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut inserted = Vec::new();
    let bytes = text.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'*' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i] == b'*' {
            i += 1;
        }
        let end = i;
        let backslashes = bytes[..start].iter().rev().take_while(|&&b| b == b'\\').count();
        if backslashes % 2 == 1 || is_protected(start) {
            continue;
        }
        let prev = text[..start].chars().next_back();
        let next = text[end..].chars().next();
        let (Some(p), Some(n)) = (prev, next) else {
            continue;
        };
        let touches_cjk = is_cjk(p) || is_cjk(n);
        if !touches_cjk {
            continue;
        }
        if is_punctuation(p) && is_letter_like(n) {
            out.push_str(&text[copied..start]);
            inserted.push(out.len());
            out.push(JOINER);
            copied = start;
        } else if is_punctuation(n) && is_letter_like(p) {
            out.push_str(&text[copied..end]);
            inserted.push(out.len());
            out.push(JOINER);
            copied = end;
        }
    }
    out.push_str(&text[copied..]);
    (out, inserted)
}

/// Removes scripts, event attributes and `javascript:` URLs from the rendered body, keeping
/// what the Markdown renderer itself writes (heading ids, table alignment, footnotes).
/// Raw HTML, or a link or image whose address has a scheme other than http, https, mailto
/// or tel (such as `javascript:`).
fn may_be_unsafe(event: &Event) -> bool {
    match event {
        Event::Html(_) | Event::InlineHtml(_) => true,
        Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
            let url = dest_url.trim_start();
            match url.find(':') {
                Some(colon) if !url[..colon].contains(['/', '?', '#']) => {
                    let scheme = url[..colon].to_ascii_lowercase();
                    !matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel")
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Something of a body's raw HTML that sanitising removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removed {
    /// An element (its tags, and also its content if it is a script, a style sheet or the like).
    Element(String),
    /// An attribute of an element that is kept.
    Attribute { element: String, attribute: String },
}

/// What sanitising removes from the raw HTML in `markdown`: each element once, and each
/// attribute once for each element name, with the byte offset of its first appearance (the
/// element's `<`, or the attribute's name), in the order they appear.
pub fn removed_html(markdown: &str) -> Vec<(Removed, usize)> {
    let mut removed: Vec<(Removed, usize)> = Vec::new();
    for fragment in html_fragments(markdown) {
        let html = fragment.text.as_str();
        let (written, kept) = (start_tags(html), start_tags(&sanitize(html)));
        let places_of = opening_tags(html);
        // By element name, in order: the attributes of each start tag kept.
        let mut kept_of: crate::FastMap<&str, Vec<&Vec<String>>> = crate::FastMap::default();
        for (name, attributes) in &kept {
            kept_of.entry(name).or_default().push(attributes);
        }
        let mut seen: crate::FastMap<&str, usize> = crate::FastMap::default();
        for (name, attributes) in &written {
            let n = *seen.entry(name).and_modify(|n| *n += 1).or_insert(0);
            // The place of the `n`th start tag of `name`, as written.
            let tag = places_of.get(name.as_str()).and_then(|p| p.get(n)).copied().unwrap_or(0);
            // Elements are removed by name, so the `n`th of a name kept is the `n`th written.
            let Some(kept_attributes) = kept_of.get(name.as_str()).and_then(|k| k.get(n)) else {
                let what = Removed::Element(name.clone());
                if !removed.iter().any(|(r, _)| *r == what) {
                    removed.push((what, fragment.offset(tag)));
                }
                continue;
            };
            for attribute in attributes.iter().filter(|a| !kept_attributes.contains(a)) {
                let what = Removed::Attribute { element: name.clone(), attribute: attribute.clone() };
                if !removed.iter().any(|(r, _)| *r == what) {
                    removed.push((what, fragment.offset(attribute_at(html, tag, attribute))));
                }
            }
        }
    }
    removed
}

/// A line of a body laid out otherwise than it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutSlip {
    /// Indented by four spaces or a tab: published as a block of code.
    IndentedCode,
    /// `##标题`: no space after the `#`s, so not a heading.
    HeadingWithoutSpace(String),
    /// `＃ 标题`: a full-width `＃`, so not a heading.
    FullWidthHash,
    /// `[text]（…）`: a full-width bracket after the `]`, so not a link.
    FullWidthLinkBracket,
    /// Lines numbered `1、` `2、` in one paragraph: they run together.
    NumberedWithEnumerationComma,
}

/// Whether a line of `text` may be laid out otherwise than it reads (see [`LayoutSlip`]):
/// one that starts with four spaces, a tab, `#` or `＃` or a number and `、`, or a `]（`.
/// A cheap look at the bytes, so that only these bodies are parsed for [`layout_slips`].
pub fn may_be_laid_out_otherwise(text: &str) -> bool {
    if memchr::memmem::find(text.as_bytes(), "]（".as_bytes()).is_some() {
        return true;
    }
    text.lines().any(|line| {
        line.starts_with(['\t', '＃'])
            || line.starts_with("    ")
            || heading_without_space(line).is_some()
            || numbered_with_enumeration_comma(line)
    })
}

/// The `#`s that start `line` when no space follows them (`##标题`), which makes no heading.
fn heading_without_space(line: &str) -> Option<&str> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    ((1..=6).contains(&hashes) && line[hashes..].starts_with(|c: char| !c.is_whitespace())).then(|| &line[..hashes])
}

/// Whether `line` is numbered as `1、`.
fn numbered_with_enumeration_comma(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && line[digits..].starts_with('、')
}

/// Where each line of `markdown` laid out otherwise than it reads starts (the byte offset
/// of its first character), in order; what is in code is as the editor meant it.
pub fn layout_slips(markdown: &str) -> Vec<(LayoutSlip, usize)> {
    use pulldown_cmark::CodeBlockKind;
    let mut slips = Vec::new();
    let mut code: Vec<std::ops::Range<usize>> = Vec::new();
    let mut paragraphs: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, crate::markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                if kind == CodeBlockKind::Indented {
                    // The range starts at the indent: point at the first character after it.
                    let text = &markdown[range.clone()];
                    slips.push((LayoutSlip::IndentedCode, range.start + (text.len() - text.trim_start().len())));
                }
                code.push(range);
            }
            Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) => code.push(range),
            Event::Start(Tag::Paragraph) => paragraphs.push(range),
            _ => {}
        }
    }
    // The ranges come in the order of the text and do not overlap: the one that may hold
    // `at` is the last that starts at or before it.
    let in_code = |at: usize| code[..code.partition_point(|r| r.start <= at)].last().is_some_and(|r| r.contains(&at));
    for p in &paragraphs {
        let text = &markdown[p.clone()];
        let mut numbered = 0;
        let mut offset = p.start;
        for line in text.split_inclusive('\n') {
            let start = offset + (line.len() - line.trim_start().len());
            offset += line.len();
            let line = line.trim();
            if in_code(start) {
                continue;
            }
            if let Some(hashes) = heading_without_space(line) {
                slips.push((LayoutSlip::HeadingWithoutSpace(hashes.to_string()), start));
            } else if line.starts_with('＃') {
                slips.push((LayoutSlip::FullWidthHash, start));
            }
            if numbered_with_enumeration_comma(line) {
                numbered += 1;
                if numbered == 2 {
                    slips.push((LayoutSlip::NumberedWithEnumerationComma, start));
                }
            }
            if let Some(i) = line.find("]（").filter(|&i| line[..i].contains('[') && !in_code(start + i)) {
                slips.push((LayoutSlip::FullWidthLinkBracket, start + i + "]".len()));
            }
        }
    }
    slips.sort_by_key(|&(_, at)| at);
    slips
}

/// A piece of raw HTML read on its own: an inline tag, or a whole HTML block (which
/// pulldown-cmark hands over line by line), with where each of its lines is in the Markdown.
#[derive(Default)]
struct HtmlFragment {
    text: String,
    /// (offset in `text`, offset in the Markdown) of each piece it was made of.
    pieces: Vec<(usize, usize)>,
}

impl HtmlFragment {
    /// The offset in the Markdown of the byte at `at` in the fragment.
    fn offset(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|&(start, _)| start <= at).saturating_sub(1);
        self.pieces.get(i).map_or(0, |&(start, md)| md + (at - start))
    }
}

/// The raw HTML of `markdown`: each inline tag, and each HTML block joined from its lines.
fn html_fragments(markdown: &str) -> Vec<HtmlFragment> {
    let mut fragments = Vec::new();
    let mut block: Option<HtmlFragment> = None;
    for (event, range) in Parser::new_ext(markdown, crate::markdown_options()).into_offset_iter() {
        let (html, inline) = match event {
            Event::Start(Tag::HtmlBlock) => {
                block = Some(HtmlFragment::default());
                continue;
            }
            Event::End(TagEnd::HtmlBlock) => {
                fragments.extend(block.take());
                continue;
            }
            Event::Html(html) => (html, false),
            Event::InlineHtml(html) => (html, true),
            _ => continue,
        };
        // Where the text is in the Markdown: past a container's marker (`> `, a list item's
        // indent) that its range may begin with.
        let md = markdown.get(range.clone()).and_then(|t| t.find(&*html)).map_or(range.start, |i| range.start + i);
        if inline {
            fragments.push(HtmlFragment { text: html.to_string(), pieces: vec![(0, md)] });
            continue;
        }
        let fragment = block.get_or_insert_with(HtmlFragment::default);
        fragment.pieces.push((fragment.text.len(), md));
        fragment.text.push_str(&html);
    }
    fragments.extend(block);
    fragments
}

/// The start tags of `html` as an HTML tokenizer reads them (html5ever's, the one that
/// sanitising parses with): each element's name and its attributes' names, in lower case,
/// in order.
fn start_tags(html: &str) -> Vec<(String, Vec<String>)> {
    use html5ever::tokenizer::{BufferQueue, Tag as HtmlTag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer};

    struct Tags(std::cell::RefCell<Vec<(String, Vec<String>)>>);
    impl TokenSink for Tags {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            let Token::TagToken(HtmlTag { kind: TagKind::StartTag, name, attrs, .. }) = token else {
                return TokenSinkResult::Continue;
            };
            let raw = raw_text(&name);
            let attributes = attrs.iter().map(|a| a.name.local.to_string()).collect();
            self.0.borrow_mut().push((name.to_string(), attributes));
            raw.map_or(TokenSinkResult::Continue, TokenSinkResult::RawData)
        }
    }

    let tokenizer = Tokenizer::new(Tags(Default::default()), Default::default());
    let input = BufferQueue::default();
    input.push_back(html5ever::tendril::StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// Whether what follows a start tag of `name` (lower case) is text up to its end tag, as a
/// browser reads it, and which kind of text.
fn raw_text(name: &str) -> Option<html5ever::tokenizer::states::RawKind> {
    use html5ever::tokenizer::states::RawKind;
    match name {
        "script" => Some(RawKind::ScriptData),
        "style" | "iframe" | "xmp" | "noembed" | "noframes" | "noscript" => Some(RawKind::Rawtext),
        "textarea" | "title" => Some(RawKind::Rcdata),
        _ => None,
    }
}

/// Where `attribute` is written in the start tag at `tag` in `html`: its name, or the tag's
/// `<` if it cannot be told.
fn attribute_at(html: &str, tag: usize, attribute: &str) -> usize {
    let rest = &html[tag..];
    let end = rest.find('>').unwrap_or(rest.len());
    let lower = rest[..end].to_ascii_lowercase();
    lower
        .match_indices(attribute)
        .find(|&(i, _)| {
            let before = lower[..i].ends_with(|c: char| c.is_ascii_whitespace() || c == '"' || c == '\'' || c == '/');
            let after =
                lower[i + attribute.len()..].starts_with(|c: char| c == '=' || c.is_ascii_whitespace() || c == '/');
            before && (after || i + attribute.len() == lower.len())
        })
        .map_or(tag, |(i, _)| tag + i)
}

/// Where `html` opens an element (its `<`), by the element's name in lower case, in order.
/// Read as the tokenizer of [`start_tags`] reads it, so that the `n`th place of a name is
/// that of the `n`th start tag it gives: a `<` in a comment, in a quoted attribute value or
/// in the text of a script, style or other raw-text element opens nothing.
fn opening_tags(html: &str) -> crate::FastMap<String, Vec<usize>> {
    let mut places: crate::FastMap<String, Vec<usize>> = crate::FastMap::default();
    let mut from = 0;
    while let Some(found) = html[from..].find('<') {
        let at = from + found;
        let rest = &html[at + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            from = comment.find("-->").map_or(html.len(), |end| at + 4 + end + 3);
            continue;
        }
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            from = at + 1;
            continue;
        }
        let name = name.to_ascii_lowercase();
        from = tag_end(html, at + 1 + name.len());
        if raw_text(&name).is_some() {
            from = end_tag(html, from, &name);
        }
        places.entry(name).or_default().push(at);
    }
    places
}

/// Where the first end tag of `name` (lower case) at or after `from` in `html` begins.
fn end_tag(html: &str, from: usize, name: &str) -> usize {
    html[from..]
        .match_indices("</")
        .map(|(i, _)| from + i)
        .find(|&i| html.as_bytes()[i + 2..].get(..name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes())))
        .unwrap_or(html.len())
}

/// Where the tag whose attributes start at `from` in `html` ends: past its `>`, skipping a
/// `>` inside a quoted attribute value.
fn tag_end(html: &str, from: usize) -> usize {
    let bytes = html.as_bytes();
    let mut i = from;
    let mut after_equals = false;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return i + 1,
            quote @ (b'"' | b'\'') if after_equals => {
                i = html[i + 1..].find(quote as char).map_or(html.len(), |j| i + 1 + j);
                after_equals = false;
            }
            b'=' => after_equals = true,
            c if c.is_ascii_whitespace() => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    html.len()
}

fn sanitize(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class", "dir", "aria-label", "aria-hidden", "role"])
        .add_tags([
            "figure",
            "figcaption",
            "section",
            "details",
            "summary",
            "mark",
            "time",
            "abbr",
            "del",
            "s",
            "ins",
            "sup",
            "sub",
        ])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("time", ["datetime"])
        .add_tag_attributes("abbr", ["title"])
        .link_rel(None);
    b.clean(html).to_string()
}

/// Escapes text for HTML content and double-quoted attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_escaped(&mut out, s);
    out
}

/// Appends `s` to `out`, escaped as [`escape_html`] does.
pub fn push_escaped(out: &mut String, s: &str) {
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(out, s);
}

/// Appends `text`, escaped, in a `span` that gives its language: `<span lang="en">…</span>`.
pub fn push_lang_span(out: &mut String, lang: &str, text: &str) {
    out.push_str("<span lang=\"");
    push_escaped(out, lang);
    out.push_str("\">");
    push_escaped(out, text);
    out.push_str("</span>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testutil::small_site;

    fn render_with(site: &Site, md: &str) -> (String, Vec<Diagnostic>) {
        let index = link::link(site);
        let cx = MarkdownContext { site, index: &index, anchor_label: "本节链接：{title}", cjk_lang: None };
        let (body, diags) = render_markdown(md, &cx, Path::new("content/complexes/huangyan-moulds.md"), 10);
        (body.for_lang(site, &index, "zh"), diags)
    }

    fn render(md: &str) -> String {
        let (html, diags) = render_with(&small_site(), md);
        assert!(diags.is_empty(), "{diags:?}");
        html
    }

    #[test]
    fn tables_footnotes_and_strikethrough() {
        let html =
            render("| 指标 | 数值 |\n|---|--:|\n| 服务企业 | 7.79万 |\n\n正文[^1]，~~旧~~\n\n[^1]: 来源说明。\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<td style=\"text-align: right\">7.79万</td>"), "{html}");
        assert!(html.contains("class=\"footnote-reference\""), "{html}");
        assert!(html.contains("class=\"footnote-definition\""), "{html}");
        assert!(html.contains("<del>旧</del>"), "{html}");
    }

    #[test]
    fn chinese_emphasis_after_punctuation() {
        assert!(render("**注意：**正文").contains("<p><strong>注意：</strong>正文</p>"));
        assert!(render("这是**「引用」**内容").contains("这是<strong>「引用」</strong>内容"));
        assert!(render("*强调，*文字").contains("<em>强调，</em>文字"));
        // Ordinary emphasis and Latin text are unchanged; no joiner is left behind.
        let html = render("**Note:** text and **粗体**。");
        assert!(html.contains("<strong>Note:</strong> text and <strong>粗体</strong>。"), "{html}");
        assert!(!html.contains('\u{2060}'));
    }

    /// The plain text the render keeps beside the HTML, checked against [`plain_text`].
    fn kept_text(md: &str) -> String {
        let site = small_site();
        let index = link::link(&site);
        let cx =
            MarkdownContext {
                site: &site, index: &index, anchor_label: "本节链接：{title}", cjk_lang: Some("zh")
            };
        let path = Path::new("content/complexes/huangyan-moulds.md");
        let (_, _, kept) = render_markdown_keeping_text(md, &cx, path, 1, true, None);
        let kept = kept.expect("the text is kept when asked for");
        assert_eq!(kept, plain_text(md), "{md}");
        assert!(render_markdown_keeping_text(md, &cx, path, 1, false, None).2.is_none());
        kept
    }

    #[test]
    fn the_text_kept_while_rendering_is_the_plain_text_of_the_markdown() {
        assert_eq!(
            kept_text(
                "## 服务 {#services .wide}\n\n检验`检测`，见[黄岩](@/complexes/huangyan-moulds)和![图](/a.png)。\n第二行  \n第三行\n"
            ),
            "服务\n检验检测，见黄岩和图。 第二行 第三行\n"
        );
        assert_eq!(
            kept_text(
                "- 一\n- 二\n\n> 引用\n\n| 指标 | 数值 |\n|---|--:|\n| 企业 | 7.79万 |\n\n正文[^1]\n\n[^1]: 来源。\n"
            ),
            "一\n二\n引用\n\n指标\n数值\n企业\n7.79万\n正文\n来源。\n"
        );
        // HTML and code blocks: code is text, markup is not.
        assert_eq!(kept_text("<div>块</div>\n\n```\n代码\n```\n"), "代码\n");
        // Emphasis is read as the HTML reads it, without asterisks or joiners; an editor's
        // own joiner stays when no emphasis needed one.
        assert_eq!(kept_text("**注意：**正文，*强调，*文字"), "注意：正文，强调，文字\n");
        assert_eq!(kept_text("a\u{2060}b"), "a\u{2060}b\n");
    }

    #[test]
    fn chinese_emphasis_leaves_code_alone() {
        let html = render("`**注意：**正文` and\n\n```\n**注意：**正文\n```\n");
        assert!(html.contains("<code>**注意：**正文</code>"), "{html}");
        assert!(html.contains("<pre><code>**注意：**正文\n</code></pre>"), "{html}");
        // An escaped star is text, not a delimiter run.
        let html = render(r"\**注意：**正文");
        assert!(!html.contains("<strong>"), "{html}");
    }

    #[test]
    fn chinese_heading_ids() {
        let html = render("# 概况\n\n## 二、服务 Services\n\n## 概况\n\n## Sources\n");
        // An h1 in a body becomes h2: the page has its own h1.
        assert!(html.contains("<h2 id=\"概况\">概况 <a class=\"heading-anchor\" href=\"#概况\""), "{html}");
        assert!(html.contains("<h3 id=\"二服务-services\">"), "{html}");
        assert!(html.contains("<h3 id=\"概况-1\">"), "{html}");
        assert!(html.contains("<h3 id=\"sources-1\">"), "{html}");
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("（一）技术研发"), "一技术研发");
        assert_eq!(slugify("？"), "section");
    }

    #[test]
    fn internal_links_resolve() {
        let html = render("见[黄岩](@/complexes/huangyan-moulds#services)和[会议](@/reports/taizhou-meeting-2019)。");
        assert!(html.contains("<a href=\"/a/b/complexes/huangyan-moulds/#services\">黄岩</a>"), "{html}");
        assert!(html.contains("<a href=\"/a/b/reports/taizhou-meeting-2019/\">会议</a>"), "{html}");
    }

    /// The body rendered once, then its HTML on a page in each language.
    fn render_once(md: &str, langs: &[&str]) -> Vec<String> {
        let site = small_site();
        let index = link::link(&site);
        let cx = MarkdownContext { site: &site, index: &index, anchor_label: "本节链接：{title}", cjk_lang: None };
        let (body, diags) = render_markdown(md, &cx, Path::new("content/reports/taizhou-meeting-2019.md"), 1);
        assert!(diags.is_empty(), "{diags:?}");
        langs.iter().map(|lang| body.for_lang(&site, &index, lang)).collect()
    }

    #[test]
    fn a_body_rendered_once_links_into_each_pages_language() {
        let md = "## 会议\n\n见[黄岩](@/complexes/huangyan-moulds#services \"黄岩\")、[会议](@/reports/taizhou-meeting-2019)和[外部](https://example.org/a?b=1&c=2)。\n";
        let [zh, en] = <[String; 2]>::try_from(render_once(md, &["zh", "en"])).unwrap();
        assert_eq!(
            zh,
            "<h2 id=\"会议\">会议 <a class=\"heading-anchor\" href=\"#会议\" aria-label=\"本节链接：会议\">#</a></h2>\n\
             <p>见<a href=\"/a/b/complexes/huangyan-moulds/#services\" title=\"黄岩\">黄岩</a>、\
             <a href=\"/a/b/reports/taizhou-meeting-2019/\">会议</a>和<a href=\"https://example.org/a?b=1&amp;c=2\">外部</a>。</p>\n"
        );
        assert_eq!(
            en,
            zh.replace("/a/b/complexes/", "/a/b/en/complexes/").replace("/a/b/reports/", "/a/b/en/reports/")
        );
    }

    #[test]
    fn text_that_looks_like_a_link_slot_is_left_alone() {
        for md in [
            "FULCRUM0SLOT0X [黄岩](@/complexes/huangyan-moulds) FULCRUM1SLOT0X",
            "# FULCRUM0SLOT0X\n\n[黄岩](@/complexes/huangyan-moulds)",
            "[FULCRUM0SLOT0X](@/complexes/huangyan-moulds) `FULCRUM0SLOT1X`",
        ] {
            let [zh, en] = <[String; 2]>::try_from(render_once(md, &["zh", "en"])).unwrap();
            // The same link written as a path from the site root gives the same page.
            let direct = render(&md.replace("@/complexes/huangyan-moulds", "/complexes/huangyan-moulds/"));
            assert_eq!(zh, direct, "{md}");
            assert_eq!(en, direct.replace("/a/b/complexes/", "/a/b/en/complexes/"), "{md}");
            assert!(zh.contains("FULCRUM0SLOT0X"), "{md}: {zh}");
        }
    }

    #[test]
    fn a_body_rendered_once_is_sanitised_in_each_language() {
        let md =
            "<script>alert(1)</script>\n\n见[黄岩](@/complexes/huangyan-moulds)。<span onclick=\"x()\">文</span>\n";
        let [zh, en] = <[String; 2]>::try_from(render_once(md, &["zh", "en"])).unwrap();
        for html in [&zh, &en] {
            assert!(!html.contains("script") && !html.contains("onclick"), "{html}");
        }
        let direct = render(&md.replace("@/complexes/huangyan-moulds", "/complexes/huangyan-moulds/"));
        assert_eq!(zh, direct);
        assert_eq!(en, direct.replace("/a/b/complexes/", "/a/b/en/complexes/"));
        assert!(zh.contains("<a href=\"/a/b/complexes/huangyan-moulds/\">黄岩</a>"), "{zh}");
    }

    #[test]
    fn root_relative_links_go_under_the_base_path() {
        let html = render("[规划](/files/plan.pdf) ![图](/photos/a.jpg) [外部](https://example.org/x) [本页](#a)");
        assert!(html.contains("<a href=\"/a/b/files/plan.pdf\">规划</a>"), "{html}");
        assert!(html.contains("<img src=\"/a/b/photos/a.jpg\" alt=\"图\""), "{html}");
        assert!(html.contains("<a href=\"https://example.org/x\">"), "{html}");
        assert!(html.contains("<a href=\"#a\">"), "{html}");
        // A file of static/ written without its leading / is the same file, not one under the page.
        let html =
            render("![图](photos/a.jpg) [规划](./files/plan.pdf#p2) [邮件](mailto:a@example.org) <b@example.org>");
        assert!(html.contains("<img src=\"/a/b/photos/a.jpg\" alt=\"图\""), "{html}");
        assert!(html.contains("<a href=\"/a/b/files/plan.pdf#p2\">规划</a>"), "{html}");
        assert!(html.contains("<a href=\"mailto:a@example.org\">"), "{html}");
        assert!(html.contains("<a href=\"mailto:b@example.org\">"), "{html}");
    }

    #[test]
    fn broken_internal_link_points_at_the_editors_line_and_column() {
        let (html, diags) = render_with(&small_site(), "第一行\n\n**注意：**见[模具](@/complexes/huangyan-mold)。\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = &diags[0];
        assert_eq!(d.path, Path::new("content/complexes/huangyan-moulds.md"));
        // Body starts on line 10: the third body line is line 12; "@" is the 14th character.
        assert_eq!((d.line, d.column), (12, 14), "{d:?}");
        assert!(d.message.contains("did you mean \"huangyan-moulds\""), "{}", d.message);
        assert!(html.contains("见模具。"), "{html}");
    }

    #[test]
    fn raw_html_is_sanitised() {
        let html = render(
            "<script>alert(1)</script>\n\n<p onclick=\"x()\">段落</p>\n\n[x](javascript:alert(1)) <span lang=\"en\">ok</span>\n",
        );
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("<span lang=\"en\">ok</span>"), "{html}");
    }

    #[test]
    fn the_raw_html_that_sanitising_removes_is_named_once_where_it_first_is() {
        let md = "视频：<iframe src=\"https://v.example/1\"></iframe> <b>粗</b>\n\n<script>x()</script>\n\n\
                  <div class=\"a\"><font color=red>红</font><!-- note --></div>\n\n<iframe src=\"2\"></iframe>\n";
        let removed = removed_html(md);
        let names: Vec<&str> = removed
            .iter()
            .map(|(r, _)| match r {
                Removed::Element(n) => n.as_str(),
                Removed::Attribute { .. } => panic!("{r:?}"),
            })
            .collect();
        assert_eq!(names, ["iframe", "script", "font"]);
        for (r, at) in &removed {
            let Removed::Element(name) = r else { unreachable!() };
            assert!(md[*at..].to_ascii_lowercase().starts_with(&format!("<{name}")), "{name} at {at}");
        }
        assert_eq!(removed[0].1, md.find("<iframe").unwrap());
        // What it keeps is not named.
        assert!(removed_html("<span lang=\"en\">ok</span> <abbr title=\"x\">X</abbr> <sup>1</sup>").is_empty());
        assert!(removed_html("a < b and `<script>` in code").is_empty());
    }

    #[test]
    fn the_attributes_that_sanitising_removes_are_named_once_per_element_where_they_first_are() {
        let md = "<span STYLE=\"color:red\" class=\"a\">红</span> <span style=\"x\">又</span>\n\n\
                  > <p\n> align=\"center\" title=\"t\">引用</p>\n\n\
                  <script>if (a<b) {}</script>\n\n\
                  <a href=\"javascript:x()\" onclick=\"y()\" hreflang=\"en\">a</a> <a href=\"https://example.org\">b</a>\n";
        let removed = removed_html(md);
        let attribute = |e: &str, a: &str| Removed::Attribute { element: e.into(), attribute: a.into() };
        let what: Vec<&Removed> = removed.iter().map(|(r, _)| r).collect();
        assert_eq!(
            what,
            [
                &attribute("span", "style"),
                &attribute("p", "align"),
                &Removed::Element("script".into()),
                &attribute("a", "href"),
                &attribute("a", "onclick"),
            ],
            "the <b> inside the script is not an element; a kept href is not named"
        );
        let at = |r: &Removed| removed.iter().find(|(x, _)| x == r).unwrap().1;
        assert_eq!(at(&attribute("span", "style")), md.find("STYLE").unwrap());
        // On the second line of a tag in a block quote: the block's lines are read together.
        assert_eq!(at(&attribute("p", "align")), md.find("align").unwrap());
        assert_eq!(at(&attribute("a", "onclick")), md.find("onclick").unwrap());
    }

    #[test]
    fn a_tag_in_a_comment_a_script_or_an_attribute_value_does_not_move_where_a_removal_is() {
        // Each of these holds a `<b` that the tokenizer does not read as an element; the
        // onclick of the one <b> that is an element is found at that element.
        for before in [
            "<!-- <b> -->",
            "<script>if (a <b) {}</script>",
            "<SCRIPT>x = '<b>'</Script >",
            "<style>/* <b> */</style>",
            "<textarea><b></textarea>",
            "<span title=\"<b>\">t</span>",
            "<span title='a > <b>'>t</span>",
        ] {
            let md = format!("{before}\n<b onclick=\"go()\">重点</b>\n");
            let onclick = Removed::Attribute { element: "b".into(), attribute: "onclick".into() };
            let at = removed_html(&md).into_iter().find(|(r, _)| *r == onclick).map(|(_, at)| at);
            assert_eq!(at, md.find("onclick"), "{md}");
        }
    }

    #[test]
    fn lines_laid_out_otherwise_than_they_read_are_found_where_they_start() {
        let md = "正文。\n\n    缩进的一段\n\n```\n    fenced\n##在代码里\n```\n\n\t制表符缩进\n\n- 列表\n\n    列表的第二段\n\n\
                  ##会议概况\n\n＃ 全角\n\n## 正确的标题\n\n见[报道]（@/reports/x）。`[a]（b）`\n\n\
                  1、规划\n2、建设\n\n第1、2项\n";
        let found = layout_slips(md);
        let at = |s: &str| md.find(s).unwrap();
        assert_eq!(
            found,
            [
                (LayoutSlip::IndentedCode, at("缩进的一段")),
                (LayoutSlip::IndentedCode, at("制表符缩进")),
                (LayoutSlip::HeadingWithoutSpace("##".into()), at("##会议概况")),
                (LayoutSlip::FullWidthHash, at("＃ 全角")),
                (LayoutSlip::FullWidthLinkBracket, at("（@/reports/x）")),
                (LayoutSlip::NumberedWithEnumerationComma, at("2、建设")),
            ]
        );
        assert!(crate::model::Markdown::new(md, None).may_be_laid_out_otherwise());
        let plain = "正文。\n  两个空格\n第1、2项，[链接](@/reports/x)。\n## 标题\n";
        assert!(layout_slips(plain).is_empty());
        // Headings written right are not even read for slips.
        assert!(!may_be_laid_out_otherwise(plain));
    }

    #[test]
    fn a_large_html_block_is_read_tag_by_tag_and_each_removal_found_where_it_is() {
        // A pasted table of 3,000 rows, one cell of the last row with an onclick: each start tag
        // is matched with its sanitised form by name and number, not by scanning the others.
        let mut md = String::from("<table>\n");
        for i in 0..3000 {
            let extra = if i == 2999 { " onclick=\"go()\"" } else { "" };
            md.push_str(&format!("<tr><td style=\"text-align:right\">{i}</td><td{extra}>x</td></tr>\n"));
        }
        md.push_str("</table>\n");
        let removed = removed_html(&md);
        let onclick = Removed::Attribute { element: "td".into(), attribute: "onclick".into() };
        assert_eq!(removed, [(onclick, md.find("onclick").unwrap())]);
    }

    #[test]
    fn unsafe_link_schemes_are_removed_without_any_raw_html() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](java&#9;script:alert(1))",
            "![x](data:text/html,1)",
        ] {
            let html = render(md);
            // What a browser would run: tabs and newlines inside a scheme are ignored by it.
            let seen = html.to_ascii_lowercase().replace(['\t', '\n', '\r'], "");
            assert!(!seen.contains("href=\"javascript:") && !seen.contains("src=\"data:"), "{md} → {html}");
        }
        let html = render("[web](https://example.org/a:b) [mail](mailto:a@example.org) [page](/a/b:c)");
        assert!(
            html.contains("href=\"https://example.org/a:b\"") && html.contains("href=\"mailto:a@example.org\""),
            "{html}"
        );
    }

    #[test]
    fn raw_html_is_kept_when_sanitising_is_off() {
        let mut site = small_site();
        site.config.sanitize_html = false;
        let (html, _) = render_with(&site, "<div class=\"x\" onclick=\"y()\">a</div>\n");
        assert!(html.contains("onclick"), "{html}");
    }
}
