//! The site as serve holds it: one generation of the output files, in memory, or the
//! problems that stopped the build, shown in the browser as `check` prints them.

use std::path::PathBuf;
use std::sync::Arc;

use super::store::Store;
use crate::Failure;
use crate::diagnostics::{self, Diagnostics, Format};
use crate::render::escape_html;

/// Where the live-reload script and event stream live, under the site's base path.
/// Ids are lower-case letters, digits and hyphens, so no page can take this name.
pub const LIVE_PATH: &str = "__fulcrum/";

/// One generation of the site, published to the HTTP side as a whole.
#[derive(Debug)]
pub struct Snapshot {
    /// Counts generations, so a page can tell whether it is out of date.
    pub generation: u64,
    /// The site's base path, "/" or "/a/b/".
    pub base_path: String,
    /// The base paths this run served the site under before, the latest first: a page left
    /// open at an old address is sent to its new one.
    pub former_base_paths: Vec<String>,
    /// The generation's files, made on demand or in the background. While the content has
    /// errors these are the last good generation's (or none), assets are still served from
    /// here and pages are replaced by the error page.
    pub files: Arc<Store>,
    /// Why this generation failed, if it did.
    pub failure: Option<Arc<Failure>>,
    pub warnings: Diagnostics,
    /// The site folder, with symbolic links resolved: nothing outside it is served.
    pub root: PathBuf,
}

/// The page shown in place of every page while the site has errors: the problems exactly
/// as `fulcrum check` prints them, and the live-reload script so that the page comes
/// back by itself once the file is fixed.
pub fn render_error_page(failure: &Failure, base_path: &str, generation: u64) -> String {
    let (count, text) = match failure {
        Failure::Content(d) => (diagnostics::summary_line(d), diagnostics::render(d, Format::Human, false)),
        Failure::Usage(m) => ("1 error".to_string(), format!("error: {m}\n")),
    };
    let page = format!(
        r#"<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>网站有错误 · The site has errors</title>
<style>
body {{ font: 1.125rem/1.5 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; padding: 1.5rem; color: #1a1a1a; background: #fff; }}
main {{ max-width: 60rem; margin: 0 auto; }}
h1 {{ font-size: 1.5rem; color: #a10000; margin: 0 0 .5rem; }}
pre {{ font: 1rem/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #f6f6f6; border-left: .3rem solid #a10000; padding: 1rem; overflow-x: auto; white-space: pre; }}
</style>
</head>
<body>
<main>
<h1>网站有错误，尚未重新生成 · The site has errors and was not rebuilt</h1>
<p>{count}. 修改并保存文件后，此页会自动刷新。 Fix the file and save it: this page reloads by itself.</p>
<pre data-fulcrum-errors>{body}</pre>
</main>
</body>
</html>
"#,
        count = escape_html(&count),
        body = escape_html(&text),
    );
    String::from_utf8(inject_live_reload(page.as_bytes(), base_path, generation)).unwrap_or(page)
}

/// Adds the live-reload script before `</body>` (or at the end when there is none). Only
/// serve calls this; `build` output never has it.
pub fn inject_live_reload(html: &[u8], base_path: &str, generation: u64) -> Vec<u8> {
    let tag =
        format!("<script src=\"{base_path}{LIVE_PATH}live.js\" data-generation=\"{generation}\" defer></script>\n");
    let at = rfind_ascii_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).rev().find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostic;

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let out = inject_live_reload(b"<html><body><p>x</p></BODY></html>", "/a/", 7);
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/a/__fulcrum/live.js\" data-generation=\"7\" defer></script>\n</BODY></html>"
        );
        let out = String::from_utf8(inject_live_reload(b"<p>no body", "/", 1)).unwrap();
        assert!(out.starts_with("<p>no body<script src=\"/__fulcrum/live.js\""), "{out}");
    }

    #[test]
    fn the_error_page_shows_the_printed_problems_escaped() {
        let d = Diagnostic::error("content/a.yaml", 2, 8, "unknown level \"<b>\"")
            .with_hint("use one of: provincial")
            .with_source("a: 1\nlevel: <b>\n");
        let page = render_error_page(&Failure::Content(Diagnostics::from(vec![d])), "/", 3);
        assert!(page.contains("  1. content/a.yaml:2:8: error: unknown level &quot;&lt;b&gt;&quot;"), "{page}");
        assert!(page.contains("2 | level: &lt;b&gt;"), "{page}");
        assert!(page.contains("hint: use one of: provincial"), "{page}");
        assert!(page.contains("data-generation=\"3\""), "{page}");
        assert!(!page.contains("<b>"));
    }
}
