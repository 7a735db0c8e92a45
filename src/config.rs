//! site.yaml, validated: the site's languages, base URL, options and vocabularies.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Text;
use crate::raw::{RawSite, RawTerm, RawText};

/// One entry of a vocabulary: its id (what editors write), labels and extras.
#[derive(Debug, Clone)]
pub struct Term {
    pub id: String,
    pub label: Text,
    pub description: Text,
    pub units: Vec<String>,
    pub event: bool,
}

/// An ordered list of terms; the order is the display order.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    pub name: &'static str,
    pub terms: Vec<Term>,
}

/// Each vocabulary's name in site.yaml, and what one of its terms is called in messages.
const TERM_NAMES: [(&str, &str); 11] = [
    ("cities", "city"),
    ("levels", "level"),
    ("statuses", "status"),
    ("list_types", "list type"),
    ("modes", "mode"),
    ("industry_categories", "industry category"),
    ("industries", "industry"),
    ("service_elements", "service element"),
    ("indicators", "indicator"),
    ("report_kinds", "report kind"),
    ("attendee_roles", "attendee role"),
];

impl Vocabulary {
    /// What one term is called in messages: "status" for the statuses.
    pub fn term_name(&self) -> &'static str {
        TERM_NAMES.iter().find(|(name, _)| *name == self.name).map_or(self.name, |(_, one)| one)
    }

    pub fn get(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }
    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(|t| t.id.as_str())
    }
    /// Position in display order, for sorting.
    pub fn rank(&self, id: &str) -> usize {
        self.terms.iter().position(|t| t.id == id).unwrap_or(usize::MAX)
    }
    /// The label in `lang` (falling back to the id).
    pub fn label<'a>(&'a self, id: &'a str, lang: &str) -> &'a str {
        self.get(id).and_then(|t| t.label.get(lang)).map(|(t, _)| t).unwrap_or(id)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Vocabularies {
    pub cities: Vocabulary,
    pub levels: Vocabulary,
    pub statuses: Vocabulary,
    pub list_types: Vocabulary,
    pub modes: Vocabulary,
    pub industry_categories: Vocabulary,
    pub industries: Vocabulary,
    pub service_elements: Vocabulary,
    pub indicators: Vocabulary,
    pub report_kinds: Vocabulary,
    pub attendee_roles: Vocabulary,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub title: Text,
    pub description: Text,
    /// Absolute URL of the site's root, always ending in "/".
    pub base_url: String,
    /// The path part of base_url, "/" or "/a/b/": every internal link starts with it.
    pub base_path: String,
    /// The first is the default language, served at the root; others under "/<lang>/".
    pub languages: Vec<String>,
    pub theme: String,
    pub publisher: Text,
    pub reports_per_page: usize,
    pub sanitize_html: bool,
    pub data_licence: Text,
    pub data_licence_url: Option<String>,
    pub vocab: Vocabularies,
}

impl Config {
    /// Whether the base URL names a host (`https://host/path/`), so that the site can give
    /// full addresses; a bare path (`/path/`) does not.
    pub fn base_url_has_host(&self) -> bool {
        self.base_url.starts_with("https://") || self.base_url.starts_with("http://")
    }

    pub fn default_language(&self) -> &str {
        &self.languages[0]
    }

    /// "" for the default language, "en/" for the others.
    pub fn lang_prefix(&self, lang: &str) -> String {
        let mut out = String::new();
        self.push_lang_prefix(&mut out, lang);
        out
    }

    /// Appends [`Config::lang_prefix`] to `out`.
    pub fn push_lang_prefix(&self, out: &mut String, lang: &str) {
        if lang != self.default_language() {
            out.push_str(lang);
            out.push('/');
        }
    }

    /// Replaces base_url (from `--base-url`).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        let (base_url, base_path) = normalize_base_url(url)?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(())
    }
}

/// Splits and checks a base URL: "https://host/a/b" → ("https://host/a/b/", "/a/b/").
/// A bare path ("/a/b/") is accepted for sites that only know their sub-path.
pub fn normalize_base_url(url: &str) -> Result<(String, String), String> {
    let url = url.trim();
    if url.contains(['?', '#']) {
        return Err(format!(
            "base_url \"{url}\" has a query or fragment (from ? or #): a base URL is a host and a path, such as https://example.org/complexes/"
        ));
    }
    let mut base_url = url.to_string();
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    let path = if let Some(rest) = base_url.strip_prefix("https://").or_else(|| base_url.strip_prefix("http://")) {
        match rest.find('/') {
            Some(0) | None => return Err(format!("base_url \"{url}\" has no host")),
            // Letters (a name in Chinese too), digits, dots and hyphens, a port, or an IPv6 address.
            Some(i) if !rest[..i].chars().all(|c| c.is_alphanumeric() || ".-:[]".contains(c)) => {
                return Err(format!("base_url \"{url}\" has a host that is not plain: \"{}\"", &rest[..i]));
            }
            Some(i) => rest[i..].to_string(),
        }
    } else if base_url.starts_with('/') {
        base_url.clone()
    } else {
        return Err(format!("base_url \"{url}\" must start with https://, http:// or /"));
    };
    if path.contains("//")
        || path.contains("/../")
        || path.contains("/./")
        || path.contains(['?', '#', ' ', '"', '<', '>'])
    {
        return Err(format!("base_url \"{url}\" has a path that is not plain"));
    }
    Ok((base_url, path))
}

/// A language code as site.yaml's `languages` take them: 2 to 8 lower-case letters or hyphens.
pub fn is_language_code(s: &str) -> bool {
    (2..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
}

/// Builds reader-facing text from its raw form; `Plain` is in the default language.
pub fn text_from_raw(raw: Option<&RawText>, default_lang: &str) -> Text {
    match raw {
        None => Text::default(),
        Some(RawText::Plain(s)) => Text::plain(default_lang, s),
        Some(RawText::Langs(m)) => Text::new(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
    }
}

/// Finds the line and column of a path in site.yaml.
pub type Locate<'a> = &'a dyn Fn(&[&str]) -> (usize, usize);

/// Text in site.yaml, whose language keys must be the site's languages.
fn site_text(
    raw: Option<&RawText>,
    at: &[&str],
    languages: &[String],
    ctx: (&Path, Locate<'_>),
    diags: &mut Diagnostics,
) -> Text {
    if let Some(RawText::Langs(m)) = raw {
        for k in m.iter().map(|(k, _)| k).filter(|k| !languages.contains(k)) {
            let mut path = at.to_vec();
            path.push(k);
            let (l, c) = (ctx.1)(&path);
            diags.push(Diagnostic::error(ctx.0, l, c, format!("unknown language \"{k}\"")).with_hint(format!(
                "the site's languages are {}; if this is part of the text, the text has a comma and must be quoted: en: \"…, …\"",
                languages.join(", ")
            )));
        }
        for (k, message, hint) in crate::validate::empty_texts(m, languages) {
            let mut path = at.to_vec();
            path.push(k);
            let (l, c) = (ctx.1)(&path);
            diags.push(Diagnostic::warning(ctx.0, l, c, message).with_hint(hint));
        }
    }
    text_from_raw(raw, &languages[0])
}

/// Validates site.yaml. `text` is the file's content, `locate` finds a path's line and
/// column in it; problems are reported against `path`.
pub fn validate_site(raw: RawSite, path: &Path, locate: Locate<'_>) -> (Option<Config>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let err = |diags: &mut Diagnostics, at: &[&str], msg: String, hint: Option<String>| {
        let (l, c) = locate(at);
        diags.push(Diagnostic::error(path, l, c, msg).hint_opt(hint));
    };
    let mut languages = raw.languages.clone();
    if languages.is_empty() {
        languages = vec!["zh".to_string(), "en".to_string()];
    }
    for (i, l) in languages.iter().enumerate() {
        if !is_language_code(l) {
            let idx = i.to_string();
            err(
                &mut diags,
                &["languages", &idx],
                format!("\"{l}\" is not a language code"),
                Some("use codes such as zh or en".into()),
            );
        }
    }
    let (base_url, base_path) = match normalize_base_url(raw.base_url.as_deref().unwrap_or("/")) {
        Ok(v) => v,
        Err(m) => {
            err(
                &mut diags,
                &["base_url"],
                m,
                Some("write the full address, for example https://example.org/complexes/".into()),
            );
            ("/".into(), "/".into())
        }
    };
    let reports_per_page = raw.reports_per_page.unwrap_or(20);
    if reports_per_page == 0 {
        err(&mut diags, &["reports_per_page"], "reports_per_page must be at least 1".into(), None);
    }
    let theme = raw.theme.clone().unwrap_or_else(|| "default".into());
    if !theme.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') || theme.is_empty() {
        err(&mut diags, &["theme"], format!("theme \"{theme}\" is not a plain folder name"), None);
    }
    let v = &raw.vocabularies;
    let mut vocab = |name: &'static str, m: &indexmap::IndexMap<String, RawTerm>| -> Vocabulary {
        let mut terms = Vec::new();
        for (id, t) in m {
            if crate::model::Id::parse(id).is_none() {
                err(
                    &mut diags,
                    &["vocabularies", name, id],
                    format!("vocabulary id \"{id}\" is not a safe id"),
                    Some("use lower-case ASCII letters, digits and hyphens".into()),
                );
            }
            let label = site_text(
                t.label.as_ref(),
                &["vocabularies", name, id, "label"],
                &languages,
                (path, locate),
                &mut diags,
            );
            if label.is_empty() {
                err(
                    &mut diags,
                    &["vocabularies", name, id],
                    format!("vocabulary term \"{id}\" has no label"),
                    Some("add label: {zh: …, en: …}".into()),
                );
            }
            terms.push(Term {
                id: id.clone(),
                label,
                description: site_text(
                    t.description.as_ref(),
                    &["vocabularies", name, id, "description"],
                    &languages,
                    (path, locate),
                    &mut diags,
                ),
                units: t.units.clone(),
                event: t.event,
            });
        }
        Vocabulary { name, terms }
    };
    let vocab = Vocabularies {
        cities: vocab("cities", &v.cities),
        levels: vocab("levels", &v.levels),
        statuses: vocab("statuses", &v.statuses),
        list_types: vocab("list_types", &v.list_types),
        modes: vocab("modes", &v.modes),
        industry_categories: vocab("industry_categories", &v.industry_categories),
        industries: vocab("industries", &v.industries),
        service_elements: vocab("service_elements", &v.service_elements),
        indicators: vocab("indicators", &v.indicators),
        report_kinds: vocab("report_kinds", &v.report_kinds),
        attendee_roles: vocab("attendee_roles", &v.attendee_roles),
    };
    let mut text =
        |raw: Option<&RawText>, field: &str| site_text(raw, &[field], &languages, (path, locate), &mut diags);
    let title = text(raw.title.as_ref(), "title");
    let description = text(raw.description.as_ref(), "description");
    let publisher = text(raw.publisher.as_ref(), "publisher");
    let data_licence = text(raw.data_licence.as_ref(), "data_licence");
    if title.is_empty() {
        let (l, c) = locate(&[]);
        diags.push(
            Diagnostic::error(path, l.max(1), c.max(1), "site.yaml has no title")
                .with_hint("add title: {zh: …, en: …}"),
        );
    }
    let config = Config {
        title,
        description,
        base_url,
        base_path,
        languages,
        theme,
        publisher,
        reports_per_page: reports_per_page.max(1),
        sanitize_html: raw.sanitize_html.unwrap_or(true),
        data_licence,
        data_licence_url: raw.data_licence_url.clone(),
        vocab,
    };
    let ok = !diags.has_errors();
    (ok.then_some(config), diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vocabulary_names_its_terms_in_the_singular() {
        let raw = RawSite { title: Some(RawText::Plain("站点".into())), ..RawSite::default() };
        let (config, diags) = validate_site(raw, Path::new("site.yaml"), &|_| (1, 1));
        let Some(config) = config else { panic!("{diags:?}") };
        let v = &config.vocab;
        let all = [
            &v.cities,
            &v.levels,
            &v.statuses,
            &v.list_types,
            &v.modes,
            &v.industry_categories,
            &v.industries,
            &v.service_elements,
            &v.indicators,
            &v.report_kinds,
            &v.attendee_roles,
        ];
        let names: Vec<&str> = all.iter().map(|v| v.term_name()).collect();
        assert_eq!(
            names,
            [
                "city",
                "level",
                "status",
                "list type",
                "mode",
                "industry category",
                "industry",
                "service element",
                "indicator",
                "report kind",
                "attendee role"
            ]
        );
    }

    #[test]
    fn base_urls_keep_their_sub_path() {
        assert_eq!(normalize_base_url("https://host/a/b").unwrap(), ("https://host/a/b/".into(), "/a/b/".into()));
        assert_eq!(normalize_base_url("https://host").unwrap().1, "/");
        assert_eq!(normalize_base_url("/x/").unwrap().1, "/x/");
        assert!(normalize_base_url("host/x").is_err());
        assert!(normalize_base_url("https://host/a/../b").is_err());
        // Everything after the host is a path: a query or fragment would end up inside every
        // address the site gives, and a space or quote in the host is no host.
        for (url, problem) in [
            ("https://example.org?x=1", "has a query or fragment (from ? or #)"),
            ("https://example.org/a/#top", "has a query or fragment (from ? or #)"),
            ("https://exa mple.org/", "has a host that is not plain: \"exa mple.org\""),
            ("https://exa\"mple.org/a/", "has a host that is not plain"),
        ] {
            let e = normalize_base_url(url).unwrap_err();
            assert!(e.contains(problem), "{url}: {e}");
        }
        for url in
            ["https://例子.中国/a/", "http://127.0.0.1:8080/", "http://[::1]:1111/x/", "https://my-host.example.org"]
        {
            assert!(normalize_base_url(url).is_ok(), "{url}");
        }
    }
}
