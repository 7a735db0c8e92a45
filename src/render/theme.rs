//! The theme: templates compiled once (the default theme built into the binary, a site's
//! theme folder, single-template overrides), UI strings, assets, and template errors turned
//! into diagnostics that name the template file.

use std::collections::HashMap;
use std::path::Path;

use indexmap::IndexMap;
use tera::{ErrorKind, Kwargs, State, Tera, Value};

use super::Theme;
use super::markdown::{push_escaped, push_lang_span};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The default theme's templates, embedded so that a site needs no themes folder.
/// `every_default_theme_file_is_embedded` keeps this list in step with the folder.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../themes/default/templates/base.html")),
    ("home.html", include_str!("../../themes/default/templates/home.html")),
    ("complexes.html", include_str!("../../themes/default/templates/complexes.html")),
    ("browse.html", include_str!("../../themes/default/templates/browse.html")),
    ("profile.html", include_str!("../../themes/default/templates/profile.html")),
    ("reports.html", include_str!("../../themes/default/templates/reports.html")),
    ("report.html", include_str!("../../themes/default/templates/report.html")),
    ("page.html", include_str!("../../themes/default/templates/page.html")),
    ("search.html", include_str!("../../themes/default/templates/search.html")),
    ("404.html", include_str!("../../themes/default/templates/404.html")),
    ("partials/complex_list.html", include_str!("../../themes/default/templates/partials/complex_list.html")),
    ("partials/complex_card.html", include_str!("../../themes/default/templates/partials/complex_card.html")),
    ("partials/report_list.html", include_str!("../../themes/default/templates/partials/report_list.html")),
    ("partials/counts.html", include_str!("../../themes/default/templates/partials/counts.html")),
    ("partials/chart.html", include_str!("../../themes/default/templates/partials/chart.html")),
];

const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    ("assets/style.css", include_bytes!("../../themes/default/static/assets/style.css")),
    ("assets/icon.svg", include_bytes!("../../themes/default/static/assets/icon.svg")),
    ("assets/search.js", include_bytes!("../../themes/default/static/assets/search.js")),
];

const DEFAULT_STRINGS: &str = include_str!("../../themes/default/strings.yaml");
const DEFAULT_MAP: &str = include_str!("../../themes/default/map.yaml");

/// One template's text and the file it came from, as shown in messages.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Name relative to the templates folder, with forward slashes ("partials/x.html").
    pub name: String,
    pub path: String,
    pub text: String,
}

/// Everything a theme is made of, read but not yet compiled.
#[derive(Debug, Clone, Default)]
pub struct ThemeFiles {
    /// The theme's templates: the default theme's, replaced file by file by those of the
    /// site's theme folder.
    pub theme: Vec<TemplateFile>,
    /// The site's own `templates/` folder: each replaces the theme's template of that name.
    pub overrides: Vec<TemplateFile>,
    /// strings.yaml files as (path, text), later ones overriding earlier keys.
    pub strings: Vec<(String, String)>,
    /// Files copied to the output root, as (relative path, bytes).
    pub assets: Vec<(String, Vec<u8>)>,
    /// The schematic map's tiles as (path, text): the theme folder's map.yaml, else the
    /// default theme's.
    pub map: (String, String),
}

/// The built-in default theme.
pub fn default_files() -> ThemeFiles {
    ThemeFiles {
        theme: DEFAULT_TEMPLATES
            .iter()
            .map(|(name, text)| TemplateFile {
                name: name.to_string(),
                path: format!("themes/default/templates/{name}"),
                text: text.to_string(),
            })
            .collect(),
        overrides: Vec::new(),
        strings: vec![("themes/default/strings.yaml".to_string(), DEFAULT_STRINGS.to_string())],
        assets: DEFAULT_STATIC.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect(),
        map: ("themes/default/map.yaml".to_string(), DEFAULT_MAP.to_string()),
    }
}

/// Reads the site's theme folder (`themes/<name>/`) and `templates/` overrides over the
/// default theme. Only this function touches the disk.
pub fn read_files(root: &Path, config: &Config) -> Result<ThemeFiles, Diagnostics> {
    let mut files = default_files();
    let mut diags = Diagnostics::new();
    let theme_dir = root.join("themes").join(&config.theme);
    if theme_dir.is_dir() {
        let rel = format!("themes/{}", config.theme);
        for (name, bytes) in read_tree(&theme_dir.join("templates"), &format!("{rel}/templates"), &mut diags) {
            let text = text_of(&name, bytes, &format!("{rel}/templates"), &mut diags);
            let path = format!("{rel}/templates/{name}");
            match files.theme.iter_mut().find(|t| t.name == name) {
                Some(t) => *t = TemplateFile { name, path, text },
                None => files.theme.push(TemplateFile { name, path, text }),
            }
        }
        for (name, bytes) in read_tree(&theme_dir.join("static"), &format!("{rel}/static"), &mut diags) {
            files.assets.retain(|(p, _)| *p != name);
            files.assets.push((name, bytes));
        }
        let map = theme_dir.join("map.yaml");
        if map.is_file() {
            match std::fs::read_to_string(&map) {
                Ok(t) => files.map = (format!("{rel}/map.yaml"), t),
                Err(e) => diags.push(Diagnostic::error(
                    format!("{rel}/map.yaml"),
                    0,
                    0,
                    format!("cannot read the theme's map: {e}"),
                )),
            }
        }
        let strings = theme_dir.join("strings.yaml");
        if strings.is_file() {
            match std::fs::read_to_string(&strings) {
                Ok(t) => files.strings.push((format!("{rel}/strings.yaml"), t)),
                Err(e) => diags.push(Diagnostic::error(
                    format!("{rel}/strings.yaml"),
                    0,
                    0,
                    format!("cannot read the theme's strings: {e}"),
                )),
            }
        }
    } else if config.theme != "default" {
        diags.push(
            Diagnostic::error(
                "site.yaml",
                0,
                0,
                format!("theme \"{}\" not found: there is no folder themes/{}/", config.theme, config.theme),
            )
            .with_hint("create the folder, or remove `theme:` to use the built-in default theme"),
        );
    }
    for (name, bytes) in read_tree(&root.join("templates"), "templates", &mut diags) {
        let text = text_of(&name, bytes, "templates", &mut diags);
        files.overrides.push(TemplateFile { path: format!("templates/{name}"), name, text });
    }
    if diags.has_errors() { Err(diags) } else { Ok(files) }
}

fn text_of(name: &str, bytes: Vec<u8>, folder: &str, diags: &mut Diagnostics) -> String {
    String::from_utf8(bytes).unwrap_or_else(|_| {
        diags.push(
            Diagnostic::error(format!("{folder}/{name}"), 0, 0, "template is not UTF-8 text")
                .with_hint("save the file as UTF-8"),
        );
        String::new()
    })
}

/// Every file under `dir` as (path relative to it with forward slashes, bytes), sorted.
fn read_tree(dir: &Path, shown: &str, diags: &mut Diagnostics) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(shown, 0, 0, format!("cannot read {shown}: {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        let Some(parts) = parts else {
            diags.push(
                Diagnostic::error(shown, 0, 0, format!("file name {} is not UTF-8", rel.display()))
                    .with_hint("rename it"),
            );
            continue;
        };
        if parts.iter().any(|p| p.starts_with('.')) {
            continue;
        }
        let rel = parts.join("/");
        match std::fs::read(entry.path()) {
            Ok(b) => out.push((rel, b)),
            Err(e) => {
                diags.push(Diagnostic::error(format!("{shown}/{rel}"), 0, 0, format!("cannot read the file: {e}")))
            }
        }
    }
    out
}

/// UI strings: key → language → text.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    map: IndexMap<String, IndexMap<String, String>>,
}

impl Strings {
    /// Every key in `lang`, falling back to the default language, then to any.
    pub fn for_lang(&self, lang: &str, default: &str) -> IndexMap<String, String> {
        self.map
            .iter()
            .map(|(k, by_lang)| {
                let v = by_lang
                    .get(lang)
                    .or_else(|| by_lang.get(default))
                    .or_else(|| by_lang.values().next())
                    .cloned()
                    .unwrap_or_default();
                (k.clone(), v)
            })
            .collect()
    }
}

fn parse_strings(files: &[(String, String)], diags: &mut Diagnostics) -> Strings {
    let mut strings = Strings::default();
    for (path, text) in files {
        match crate::load::yaml::parse::<IndexMap<String, IndexMap<String, String>>>(text) {
            Ok(map) => {
                for (k, by_lang) in map {
                    strings.map.entry(k).or_default().extend(by_lang);
                }
            }
            Err(e) => diags.push(
                Diagnostic::error(path.as_str(), e.line, e.column, format!("UI strings: {}", e.message))
                    .with_hint("write each string as `key: {zh: …, en: …}`")
                    .with_source(text),
            ),
        }
    }
    strings
}

/// A Tera with Fulcrum's filters: `t` writes a Txt (wrapping a fallback in an element with
/// its `lang`), `attr` writes a Txt's plain text for attributes.
fn new_tera() -> Tera {
    let mut tera = Tera::default();
    tera.register_filter("t", |v: Value, _: Kwargs, _: &State| text_html(&v));
    tera.register_filter("attr", |v: Value, _: Kwargs, _: &State| Value::normal_string(txt_parts(&v).0));
    tera
}

/// The text and language of a Txt, or of a plain string (no language). A Txt is a map of two
/// entries, so it is scanned rather than looked up by hash.
fn txt_parts(v: &Value) -> (&str, Option<&str>) {
    if let Some(s) = v.as_str() {
        return (s, None);
    }
    let (mut text, mut lang) = ("", None);
    for (k, v) in v.as_map().into_iter().flatten() {
        match k.as_str() {
            Some("text") => text = v.as_str().unwrap_or(""),
            Some("lang") => lang = v.as_str(),
            _ => {}
        }
    }
    (text, lang)
}

/// The `t` filter's value. Each thread writes the HTML into one buffer that it keeps, since
/// the value copies it: a page calls the filter a hundred times or more.
fn text_html(v: &Value) -> Value {
    thread_local! {
        static HTML: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    HTML.with_borrow_mut(|out| {
        out.clear();
        match txt_parts(v) {
            (text, Some(lang)) => push_lang_span(out, lang, text),
            (text, None) => push_escaped(out, text),
        }
        Value::safe_string(out)
    })
}

/// Compiles the theme. Each theme template is registered under its file name (replaced by
/// the site's override when there is one) and as "theme/<file>", so an override can extend
/// the template it replaces and change one block.
pub fn build(files: ThemeFiles) -> Result<Theme, Diagnostics> {
    let mut diags = Diagnostics::new();
    let strings = parse_strings(&files.strings, &mut diags);
    let map = match crate::load::yaml::parse::<super::map::MapLayout>(&files.map.1) {
        Ok(m) => m,
        Err(e) => {
            diags.push(
                Diagnostic::error(files.map.0.as_str(), e.line, e.column, format!("map: {}", e.message))
                    .with_hint("write each city as `- {id: <city id>, row: <n>, col: <n>}`")
                    .with_source(&files.map.1),
            );
            super::map::MapLayout::default()
        }
    };

    let mut named: Vec<(String, &TemplateFile)> = Vec::new();
    for t in &files.theme {
        named.push((format!("theme/{}", t.name), t));
        let chosen = files.overrides.iter().find(|o| o.name == t.name).unwrap_or(t);
        named.push((t.name.clone(), chosen));
    }
    for o in &files.overrides {
        if !files.theme.iter().any(|t| t.name == o.name) {
            named.push((o.name.clone(), o));
        }
    }
    let paths: HashMap<String, (String, String)> =
        named.iter().map(|(n, t)| (n.clone(), (t.path.clone(), t.text.clone()))).collect();

    // Syntax first, file by file, so that every broken template is reported at once.
    let mut seen = std::collections::HashSet::new();
    for (name, t) in &named {
        if !seen.insert(&t.path) {
            continue;
        }
        if let Err(e) = new_tera().add_raw_template(name, &t.text)
            && matches!(e.kind(), ErrorKind::SyntaxError(_))
        {
            diags.extend(template_diagnostics(&e, &paths, None));
        }
    }
    let mut tera = new_tera();
    if !diags.has_errors()
        && let Err(e) = tera.add_raw_templates(named.iter().map(|(n, t)| (n.as_str(), t.text.as_str())))
    {
        diags.extend(template_diagnostics(&e, &paths, None));
    }
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    let mut assets = files.assets;
    assets.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Theme { tera, paths, strings, assets, map })
}

/// Turns a template error into diagnostics naming the template's file, line and column,
/// and, while rendering, the page.
pub fn template_diagnostics(
    e: &tera::Error,
    paths: &HashMap<String, (String, String)>,
    page: Option<&str>,
) -> Diagnostics {
    // An error in template `name`, with the line it is on.
    let at = |name: &str, line: usize, column: usize, message: String| match paths.get(name) {
        Some((path, text)) => Diagnostic::error(path.as_str(), line, column, message).with_source(text),
        None => Diagnostic::error(name, line, column, message),
    };
    let while_rendering = |msg: &str| match page {
        Some(p) => format!("{msg} (while rendering {p})"),
        None => msg.to_string(),
    };
    let mut out = Diagnostics::new();
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let mut message = r.message().to_string();
            if let Some(src) = std::error::Error::source(e) {
                message = format!("{message}: {src}");
            }
            let span = r.span();
            out.push(at(r.filename(), span.start_line, span.start_col + 1, while_rendering(&message)));
        }
        ErrorKind::Msg(text) => {
            // Reference checks come as rendered reports; take their positions back out.
            let mut found = false;
            for chunk in text.split("\n\n") {
                let message = chunk.lines().find_map(|l| l.strip_prefix("error: "));
                let locus = chunk.lines().find_map(|l| l.trim_start().strip_prefix("--> "));
                if let (Some(message), Some(locus)) = (message, locus) {
                    let mut parts = locus.rsplitn(3, ':');
                    let col = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
                    let line = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
                    let name = parts.next().unwrap_or("");
                    out.push(at(name, line, col, while_rendering(message)));
                    found = true;
                }
            }
            if !found {
                out.push(Diagnostic::error("templates", 0, 0, while_rendering(text)));
            }
        }
        ErrorKind::MissingParent { current, parent } => {
            out.push(
                at(current, 1, 1, while_rendering(&format!("extends \"{parent}\", which is not a template")))
                    .with_hint("extend one of the theme's templates, such as \"base.html\" or \"theme/profile.html\""),
            );
        }
        ErrorKind::TemplateNotFound(name) => {
            out.push(Diagnostic::error(
                format!("templates/{name}"),
                0,
                0,
                while_rendering(&format!("template \"{name}\" not found")),
            ));
        }
        _ => out.push(Diagnostic::error("templates", 0, 0, while_rendering(&e.to_string()))),
    }
    out
}

impl Theme {
    pub(super) fn strings(&self, lang: &str, default: &str) -> IndexMap<String, String> {
        self.strings.for_lang(lang, default)
    }

    /// A template rendered outside any page, for a part that many pages share (see
    /// `complex_card_html`); `None` if it fails, since each page then renders that part
    /// itself and reports the problem with the page.
    pub(super) fn render_alone(&self, template: &str, context: &tera::Context) -> Option<Box<str>> {
        let html = self.render_bytes(template, context, 0).ok()?;
        String::from_utf8(html).ok().map(String::into_boxed_str)
    }

    /// The page's bytes: rendered straight into a buffer sized for a typical page, so that it
    /// is neither regrown nor checked again as UTF-8 (templates only ever write text).
    pub(super) fn render(&self, template: &str, context: &tera::Context, page: &str) -> Result<Vec<u8>, Diagnostics> {
        self.render_bytes(template, context, 16 * 1024).map_err(|e| template_diagnostics(&e, &self.paths, Some(page)))
    }

    /// `template` rendered straight into a buffer of `capacity` bytes to start with.
    fn render_bytes(&self, template: &str, context: &tera::Context, capacity: usize) -> tera::TeraResult<Vec<u8>> {
        let mut html = Vec::with_capacity(capacity);
        self.tera.render_to(template, context, &mut html)?;
        Ok(html)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_filters_escape_and_mark_a_fallback_language() {
        let mut tera = new_tera();
        tera.add_raw_template("t.html", "{{ a | t }}|{{ b | t }}|{{ c | t }}|<i title=\"{{ b | attr }}\">").unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("a", &serde_json::json!({"text": "A&B <c> \"d\" 'e'", "lang": null}));
        ctx.insert("b", &serde_json::json!({"text": "适老化 \"x\"", "lang": "zh-CN"}));
        ctx.insert("c", "plain <b>");
        assert_eq!(
            tera.render("t.html", &ctx).unwrap(),
            "A&amp;B &lt;c&gt; &quot;d&quot; &#39;e&#39;|<span lang=\"zh-CN\">适老化 &quot;x&quot;</span>|plain \
             &lt;b&gt;|<i title=\"适老化 &quot;x&quot;\">"
        );
    }

    #[test]
    fn every_default_theme_file_is_embedded() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut diags = Diagnostics::new();
        let mut on_disk: Vec<String> =
            read_tree(&root.join("templates"), "templates", &mut diags).into_iter().map(|(n, _)| n).collect();
        on_disk.sort();
        let mut embedded: Vec<String> = DEFAULT_TEMPLATES.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
        let mut statics: Vec<String> =
            read_tree(&root.join("static"), "static", &mut diags).into_iter().map(|(n, _)| n).collect();
        statics.sort();
        let mut embedded: Vec<String> = DEFAULT_STATIC.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(statics, embedded);
        // And nothing else lies in the folder that the binary would leave behind.
        let mut all: Vec<String> = read_tree(&root, "themes/default", &mut diags).into_iter().map(|(n, _)| n).collect();
        all.sort();
        let mut listed: Vec<String> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, _)| format!("templates/{n}"))
            .chain(DEFAULT_STATIC.iter().map(|(n, _)| format!("static/{n}")))
            .chain(["strings.yaml".to_string(), "map.yaml".to_string()])
            .collect();
        listed.sort();
        assert_eq!(all, listed);
    }

    #[test]
    fn a_sites_theme_folder_and_overrides_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("themes/civic/templates")).unwrap();
        std::fs::create_dir_all(root.join("themes/civic/static/assets")).unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(
            root.join("themes/civic/templates/page.html"),
            "{% extends \"base.html\" %}{% block content %}<h1>civic</h1>{% endblock content %}",
        )
        .unwrap();
        std::fs::write(root.join("themes/civic/static/assets/style.css"), "body{}").unwrap();
        std::fs::write(root.join("themes/civic/strings.yaml"), "home: {zh: 主页}\n").unwrap();
        std::fs::write(root.join("templates/search.html"), "{% extends \"theme/search.html\" %}").unwrap();
        let mut config = crate::render::testutil::config();
        config.theme = "civic".into();
        let files = read_files(root, &config).unwrap_or_else(|d| panic!("{d:?}"));
        let page = files.theme.iter().find(|t| t.name == "page.html").unwrap();
        assert_eq!(page.path, "themes/civic/templates/page.html");
        assert!(files.theme.iter().any(|t| t.name == "profile.html"), "the rest comes from the default theme");
        assert_eq!(files.overrides[0].path, "templates/search.html");
        assert!(files.assets.iter().any(|(p, b)| p == "assets/style.css" && b == b"body{}"));
        let theme = build(files).unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!(theme.strings("zh", "zh").get("home").map(String::as_str), Some("主页"));
        assert_eq!(theme.strings("en", "zh").get("home").map(String::as_str), Some("Home"));

        config.theme = "missing".into();
        let diags = read_files(root, &config).expect_err("a missing theme");
        assert!(diags.items()[0].message.contains("theme \"missing\" not found"));
    }

    #[test]
    fn default_theme_compiles_and_has_both_languages() {
        let theme = build(default_files()).unwrap_or_else(|d| panic!("{d:?}"));
        let zh = theme.strings("zh", "zh");
        let en = theme.strings("en", "zh");
        assert_eq!(zh.get("skip_link").map(String::as_str), Some("跳到正文"));
        assert_eq!(en.get("skip_link").map(String::as_str), Some("Skip to main content"));
        assert!(theme.assets.iter().any(|(p, _)| p == "assets/style.css"));
    }

    #[test]
    fn syntax_errors_name_the_file_line_and_column() {
        let mut files = default_files();
        files.overrides.push(TemplateFile {
            name: "profile.html".into(),
            path: "templates/profile.html".into(),
            text: "{% extends \"theme/profile.html\" %}\n{% block content %}\n  {{ complex.name | t }\n{% endblock content %}\n".into(),
        });
        let diags = build(files).err().expect("a syntax error");
        let d = &diags.items()[0];
        assert_eq!(crate::diagnostics::display_path(&d.path), "templates/profile.html");
        assert_eq!(d.line, 3, "{d:?}");
        assert!(d.column > 1, "{d:?}");
    }

    #[test]
    fn unknown_filters_are_reported_with_their_position() {
        let mut files = default_files();
        files.overrides.push(TemplateFile {
            name: "page.html".into(),
            path: "templates/page.html".into(),
            text: "{% extends \"base.html\" %}\n{% block content %}{{ content.title | nope }}{% endblock content %}"
                .into(),
        });
        let diags = build(files).err().expect("an unknown filter");
        let d = &diags.items()[0];
        assert_eq!(crate::diagnostics::display_path(&d.path), "templates/page.html");
        assert_eq!(d.line, 2, "{d:?}");
        assert!(d.message.contains("nope"), "{d:?}");
    }
}
