//! Atom feeds of reports (one per language), sitemap.xml and robots.txt.

use std::fmt::Write as _;

use rayon::prelude::*;

use crate::link::{Index, Route, absolute_url};
use crate::model::{Site, Text};
use crate::output::OutputFile;
use crate::render::html_lang;

/// The sitemap's and robots.txt's paths in the output folder.
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";

/// The most URLs, and bytes, one sitemap file may hold (sitemaps.org); past either, the pages
/// are listed in `sitemap-1.xml`, `sitemap-2.xml` … and sitemap.xml is their index.
const SITEMAP_URLS: usize = 50_000;
const SITEMAP_BYTES: usize = 50 * 1024 * 1024;
const URLSET_START: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const URLSET_END: &str = "</urlset>\n";

/// Whether the build writes `path` as a part of a sitemap split in several files.
pub fn is_sitemap_part(path: &str) -> bool {
    path.strip_prefix("sitemap-")
        .and_then(|p| p.strip_suffix(".xml"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Escapes text for XML content and attribute values, dropping the control characters
/// XML 1.0 does not allow.
pub fn xml_escape(s: &str) -> String {
    let allowed = |c: char| (c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r');
    if s.chars().all(allowed) {
        crate::render::escape_html(s)
    } else {
        crate::render::escape_html(&s.chars().filter(|&c| allowed(c)).collect::<String>())
    }
}

/// How many reports a feed carries.
const FEED_ENTRIES: usize = 50;

pub fn render_feeds(site: &Site, index: &Index) -> Vec<OutputFile> {
    site.config
        .languages
        .iter()
        .map(|lang| {
            let prefix = site.config.lang_prefix(lang);
            OutputFile::new(Route::Feed.file(&prefix), render_feed(site, index, lang))
        })
        .collect()
}

fn render_feed(site: &Site, index: &Index, lang: &str) -> String {
    let c = &site.config;
    let feed_url = absolute_url(site, lang, Route::Feed);
    let updated = index
        .reports_newest_first
        .iter()
        .filter_map(|&i| {
            let r = &site.reports[i];
            r.updated.or(r.published).or(r.event_date)
        })
        .max()
        // With no dated report, the newest date the rest of the site carries: a profile's last
        // review or a page's update. Atom requires a date, so a site with none gives a fixed one.
        .or_else(|| {
            let reviewed = site.complexes.iter().filter_map(|c| c.last_reviewed);
            reviewed.chain(site.pages.iter().filter_map(|p| p.updated)).max()
        })
        .map_or_else(|| "2000-01-01T00:00:00+08:00".to_string(), |d| d.rfc3339());
    let mut x = String::new();
    let _ = writeln!(x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    let _ = writeln!(x, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">", xml_escape(html_lang(lang)));
    let _ = writeln!(x, "  <title>{}</title>", xml_escape(c.title.text(lang)));
    if !c.description.is_empty() {
        let _ = writeln!(x, "  <subtitle>{}</subtitle>", xml_escape(c.description.text(lang)));
    }
    let _ = writeln!(x, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>", xml_escape(&feed_url));
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&absolute_url(site, lang, Route::Reports(1)))
    );
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&feed_url));
    let _ = writeln!(x, "  <updated>{updated}</updated>");
    // Atom requires an author for every entry; the feed's author stands for all of them, and
    // without a publisher the site itself is the author.
    let author = if c.publisher.is_empty() { c.title.text(lang) } else { c.publisher.text(lang) };
    let _ = writeln!(x, "  <author><name>{}</name></author>", xml_escape(author));
    for &i in index.reports_newest_first.iter().take(FEED_ENTRIES) {
        let r = &site.reports[i];
        let url = absolute_url(site, lang, Route::Report(r.id.as_str()));
        let when = r.updated.or(r.published).or(r.event_date).map_or_else(|| updated.clone(), |d| d.rfc3339());
        let _ = writeln!(x, "  <entry>");
        let _ = writeln!(x, "    <title{}>{}</title>", lang_attr(&r.title, lang), xml_escape(r.title.text(lang)));
        let _ = writeln!(x, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&url));
        let _ = writeln!(x, "    <id>{}</id>", xml_escape(&url));
        if let Some(p) = r.published.or(r.event_date) {
            let _ = writeln!(x, "    <published>{}</published>", p.rfc3339());
        }
        let _ = writeln!(x, "    <updated>{when}</updated>");
        let kind = c.vocab.report_kinds.label(&r.kind, lang);
        let _ = writeln!(x, "    <category term=\"{}\" label=\"{}\"/>", xml_escape(&r.kind), xml_escape(kind));
        if !r.summary.is_empty() {
            let _ = writeln!(
                x,
                "    <summary{}>{}</summary>",
                lang_attr(&r.summary, lang),
                xml_escape(r.summary.text(lang))
            );
        }
        let _ = writeln!(x, "  </entry>");
    }
    x.push_str("</feed>\n");
    x
}

/// An `xml:lang` attribute for text that falls back to another language than the feed's, as
/// the pages mark it, so that a reader of the English feed knows a Chinese title is Chinese.
fn lang_attr(t: &Text, lang: &str) -> String {
    match t.get(lang) {
        Some((_, written)) if written != lang => format!(" xml:lang=\"{}\"", xml_escape(html_lang(written))),
        _ => String::new(),
    }
}

/// sitemap.xml lists every HTML page that was rendered, except the 404 page. A page that
/// exists in more than one language carries an `xhtml:link` alternate for each of them and an
/// `x-default` pointing at the default language's, as the page heads do, so that every
/// language's entry lists the same reciprocal set.
pub fn render_sitemap(site: &Site, html_paths: &[&str]) -> Vec<OutputFile> {
    let c = &site.config;
    let mut paths: Vec<&str> = html_paths.iter().copied().filter(|p| p.ends_with("index.html")).collect();
    paths.sort_unstable();
    // Each language's folder prefix ("" for the default language) and hreflang value.
    let langs: Vec<(String, String)> =
        c.languages.iter().map(|l| (c.lang_prefix(l), xml_escape(html_lang(l)))).collect();
    // Each page's address, written once however many entries name it.
    let locs: Vec<String> = paths
        .par_iter()
        .map(|p| xml_escape(&format!("{}{}", c.base_url, p.strip_suffix("index.html").unwrap_or(p))))
        .collect();
    // Each page's number, by path.
    let number: crate::FastMap<&str, usize> = paths.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    // Each page's entry, on every thread: the time it takes grows with the site, and it comes
    // after every page is made, when nothing else is left to run beside it.
    let entries: Vec<String> = paths
        .par_iter()
        .enumerate()
        .map_init(
            // The page's translations, as (language, page number), and a path being looked up.
            || (Vec::with_capacity(langs.len()), String::new()),
            |(translations, other), (n, &p)| {
                // The page's path without its language's prefix: the key its translations share.
                let rest = langs
                    .iter()
                    .filter(|(prefix, _)| !prefix.is_empty())
                    .find_map(|(prefix, _)| p.strip_prefix(prefix.as_str()))
                    .unwrap_or(p);
                translations.clear();
                for (l, (prefix, _)) in langs.iter().enumerate() {
                    other.clear();
                    other.push_str(prefix);
                    other.push_str(rest);
                    if let Some(&t) = number.get(other.as_str()) {
                        translations.push((l, t));
                    }
                }
                // The entry's text, written piece by piece into a string sized for it.
                let links = if translations.len() > 1 { translations.len() + 1 } else { 0 };
                let room: usize = translations.iter().map(|&(_, t)| locs[t].len() + 64).sum();
                let mut x = String::with_capacity(locs[n].len() + 32 + room + links * 8);
                x.push_str("  <url><loc>");
                x.push_str(&locs[n]);
                x.push_str("</loc>\n");
                let mut link = |hreflang: &str, t: usize| {
                    x.push_str("    <xhtml:link rel=\"alternate\" hreflang=\"");
                    x.push_str(hreflang);
                    x.push_str("\" href=\"");
                    x.push_str(&locs[t]);
                    x.push_str("\"/>\n");
                };
                if links > 0 {
                    for &(l, t) in translations.iter() {
                        link(&langs[l].1, t);
                    }
                    // The first language is the default one, whose folder has no prefix.
                    if let Some(&(0, t)) = translations.first() {
                        link("x-default", t);
                    }
                }
                x.push_str("  </url>\n");
                x
            },
        )
        .collect();
    sitemap_files(&c.base_url, &entries, SITEMAP_URLS, SITEMAP_BYTES)
}

/// The sitemap of `entries` (`<url>` elements): one file when it keeps within `max_urls` and
/// `max_bytes`; otherwise parts that each do, in order, and sitemap.xml as their index.
fn sitemap_files(base_url: &str, entries: &[String], max_urls: usize, max_bytes: usize) -> Vec<OutputFile> {
    let room = max_bytes - URLSET_START.len() - URLSET_END.len();
    let mut parts: Vec<String> = Vec::new();
    // A part's text, with room for what is left to write or for a whole part.
    let mut left: usize = entries.iter().map(String::len).sum();
    let start = |left: usize| {
        let mut part = String::with_capacity(URLSET_START.len() + left.min(room) + URLSET_END.len());
        part.push_str(URLSET_START);
        part
    };
    let mut part = start(left);
    let (mut urls, mut bytes) = (0, 0);
    for e in entries {
        if urls > 0 && (urls == max_urls || bytes + e.len() > room) {
            part.push_str(URLSET_END);
            parts.push(std::mem::replace(&mut part, start(left)));
            (urls, bytes) = (0, 0);
        }
        left -= e.len();
        part.push_str(e);
        (urls, bytes) = (urls + 1, bytes + e.len());
    }
    part.push_str(URLSET_END);
    parts.push(part);
    match parts.len() {
        1 => vec![OutputFile::new(SITEMAP, parts.remove(0))],
        n => {
            let mut index = String::from(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
            );
            for i in 1..=n {
                let _ = writeln!(
                    index,
                    "  <sitemap><loc>{}</loc></sitemap>",
                    xml_escape(&format!("{base_url}sitemap-{i}.xml"))
                );
            }
            index.push_str("</sitemapindex>\n");
            let mut files = vec![OutputFile::new(SITEMAP, index)];
            files.extend(
                parts.into_iter().enumerate().map(|(i, x)| OutputFile::new(format!("sitemap-{}.xml", i + 1), x)),
            );
            files
        }
    }
}

/// robots.txt allows everything and names the sitemap, whose address must be absolute: a site
/// whose base URL is a bare path ("/sub/") has no Sitemap line rather than a wrong one.
pub fn render_robots(site: &Site) -> OutputFile {
    let mut x = String::from("User-agent: *\nAllow: /\n");
    if site.config.base_url_has_host() {
        let _ = write!(x, "\nSitemap: {}{SITEMAP}\n", site.config.base_url);
    }
    OutputFile::new(ROBOTS, x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_past_its_limits_is_split_into_parts_under_an_index() {
        let entry = |i: usize| format!("  <url><loc>https://h/sub/p{i}/</loc></url>\n");
        let entries: Vec<String> = (0..7).map(entry).collect();
        // Within the limits: one file, as before.
        let one = sitemap_files("https://h/sub/", &entries, 7, 1 << 20);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].path, SITEMAP);
        assert_eq!(String::from_utf8_lossy(&one[0].bytes), format!("{URLSET_START}{}{URLSET_END}", entries.concat()));
        // Three URLs to a file: an index and three parts, every URL once and in order.
        let files = sitemap_files("https://h/sub/", &entries, 3, 1 << 20);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, [SITEMAP, "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]);
        let text = |f: &OutputFile| String::from_utf8_lossy(&f.bytes).into_owned();
        assert_eq!(
            text(&files[0]),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <sitemap><loc>https://h/sub/sitemap-1.xml</loc></sitemap>\n  <sitemap><loc>https://h/sub/sitemap-2.xml</loc></sitemap>\n  <sitemap><loc>https://h/sub/sitemap-3.xml</loc></sitemap>\n</sitemapindex>\n"
        );
        assert_eq!(text(&files[1]), format!("{URLSET_START}{}{URLSET_END}", entries[..3].concat()));
        assert_eq!(text(&files[3]), format!("{URLSET_START}{}{URLSET_END}", entries[6]));
        // A byte limit splits as well, and no part passes it.
        let max = URLSET_START.len() + URLSET_END.len() + 2 * entries[0].len();
        let files = sitemap_files("https://h/sub/", &entries, 100, max);
        assert_eq!(files.len(), 5);
        assert!(files[1..].iter().all(|f| f.bytes.len() <= max));
        assert!(files[1..].iter().all(|f| is_sitemap_part(&f.path)) && !is_sitemap_part(SITEMAP));
    }

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}'"), "a&lt;b &amp; &quot;c&quot;&#39;");
    }
}
