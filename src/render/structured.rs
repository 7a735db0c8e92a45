//! Structured data for search engines and link previews: schema.org JSON-LD built from the
//! same views the templates see (Organization and Place for a complex, NewsArticle and Event
//! for a report), written as text that is safe inside a `<script>` element.

use serde::Serialize;

use super::view::{ComplexV, ReportV, Txt};

/// What the JSON-LD of a page needs besides its view.
pub struct LdContext<'a> {
    /// The page's absolute URL.
    pub canonical: &'a str,
    /// BCP 47 tag of the page ("zh-CN").
    pub html_lang: &'a str,
    /// The site's base URL and base path, to make the views' paths absolute.
    pub base_url: &'a str,
    pub base_path: &'a str,
    /// The province's name in the page's language ("浙江省").
    pub region: &'a str,
    /// The site's publisher, when site.yaml names one.
    pub publisher: Option<&'a str>,
}

impl LdContext<'_> {
    pub fn absolute(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            return path.to_string();
        }
        match path.strip_prefix(self.base_path) {
            Some(rest) => format!("{}{rest}", self.base_url),
            None => format!("{}{}", self.base_url, path.trim_start_matches('/')),
        }
    }
}

// The nodes of the graphs, written straight to JSON in the order of their fields. An empty
// property is left out rather than written as null, "" or [].

fn blank<T: AsRef<str>>(s: &Option<T>) -> bool {
    s.as_ref().is_none_or(|s| s.as_ref().is_empty())
}

fn text(t: &Option<Txt>) -> Option<&str> {
    t.as_ref().map(|t| t.text.as_str())
}

#[derive(Serialize)]
struct Graph<G> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: G,
}

#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

fn organization(name: &str) -> Named<'_> {
    Named { kind: "Organization", name }
}

#[derive(Serialize)]
struct Ref<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Address<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "blank")]
    street_address: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    address_locality: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    address_region: &'a str,
    address_country: &'static str,
}

fn address<'a>(cx: &LdContext<'a>, locality: &'a str, street: Option<&'a str>) -> Address<'a> {
    Address {
        kind: "PostalAddress",
        street_address: street,
        address_locality: locality,
        address_region: cx.region,
        address_country: "CN",
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id")]
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    alternate_name: Vec<&'a str>,
    #[serde(skip_serializing_if = "blank")]
    description: Option<&'a str>,
    url: &'a str,
    #[serde(skip_serializing_if = "blank")]
    same_as: Option<&'a str>,
    #[serde(skip_serializing_if = "blank")]
    knows_about: Option<&'a str>,
    address: Address<'a>,
    location: Ref<'a>,
    #[serde(skip_serializing_if = "blank")]
    telephone: Option<&'a str>,
    #[serde(skip_serializing_if = "blank")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    subject_of: Vec<Collection<'a>>,
}

#[derive(Serialize)]
struct Collection<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Place<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id")]
    id: &'a str,
    name: &'a str,
    address: Address<'a>,
    contained_in_place: Area<'a>,
}

#[derive(Serialize)]
struct Area<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "blank")]
    url: Option<String>,
}

/// Serialises JSON-LD so that it cannot end the `<script>` element it sits in.
fn to_script_text(v: &impl Serialize) -> String {
    // Views are plain strings and numbers, which always serialise.
    let json = serde_json::to_string(v).unwrap_or_default();
    if json.contains('<') { json.replace('<', "\\u003c") } else { json }
}

/// A complex: the organisation and the place it stands.
pub fn complex_json_ld(c: &ComplexV, cx: &LdContext<'_>) -> String {
    let org_id = format!("{}#organization", cx.canonical);
    let place_id = format!("{}#place", cx.canonical);
    let street = c.address.as_ref().or(c.contact.as_ref().and_then(|k| k.address.as_ref())).map(|t| t.text.as_str());
    let locality = match &c.district {
        Some(d) => format!("{} {}", c.city.label.text, d.text),
        None => c.city.label.text.clone(),
    };
    let org = Organization {
        kind: "Organization",
        id: &org_id,
        name: &c.name.text,
        alternate_name: c.short_names.iter().map(|t| t.text.as_str()).collect(),
        description: text(&c.summary),
        url: cx.canonical,
        same_as: c.website.as_deref(),
        knows_about: text(&c.leading_industry),
        address: address(cx, &locality, street),
        location: Ref { id: &place_id },
        telephone: c.contact.as_ref().and_then(|k| k.phone.as_deref()),
        email: c.contact.as_ref().and_then(|k| k.email.as_deref()),
        subject_of: c
            .level
            .url
            .iter()
            .map(|url| Collection { kind: "Collection", name: &c.level.label.text, url: cx.absolute(url) })
            .collect(),
    };
    let place = Place {
        kind: "Place",
        id: &place_id,
        name: &locality,
        address: address(cx, &locality, street),
        contained_in_place: Area {
            kind: "AdministrativeArea",
            name: &c.city.label.text,
            url: c.city.url.as_deref().map(|u| cx.absolute(u)),
        },
    };
    to_script_text(&Graph { context: "https://schema.org", graph: (org, place) })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Article<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id")]
    id: String,
    headline: &'a str,
    #[serde(skip_serializing_if = "blank")]
    description: Option<&'a str>,
    in_language: &'a str,
    url: &'a str,
    main_entity_of_page: &'a str,
    #[serde(skip_serializing_if = "blank")]
    date_published: Option<&'a str>,
    #[serde(skip_serializing_if = "blank")]
    date_modified: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_organization: Option<Named<'a>>,
    #[serde(skip_serializing_if = "blank")]
    is_based_on: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    image: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    keywords: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    article_section: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about: Vec<About<'a>>,
}

#[derive(Serialize)]
struct About<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id")]
    id: String,
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id")]
    id: String,
    name: &'a str,
    start_date: &'a str,
    event_attendance_mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<EventPlace<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    organizer: Vec<Named<'a>>,
    #[serde(skip_serializing_if = "blank")]
    description: Option<&'a str>,
    subject_of: Ref<'a>,
}

#[derive(Serialize)]
struct EventPlace<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    address: Address<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Node<'a> {
    Article(Box<Article<'a>>),
    Event(Box<Event<'a>>),
}

/// A report: the article, and the event it reports when it has a date.
pub fn report_json_ld(r: &ReportV, cx: &LdContext<'_>) -> String {
    let article_id = format!("{}#article", cx.canonical);
    let source = r.source.as_ref();
    let article = Article {
        kind: "NewsArticle",
        id: article_id.clone(),
        headline: &r.title.text,
        description: text(&r.summary),
        // An untranslated report shows its headline in the language it was written in.
        in_language: r.title.lang.as_deref().unwrap_or(cx.html_lang),
        url: cx.canonical,
        main_entity_of_page: cx.canonical,
        date_published: r.published.as_ref().or(r.date.as_ref()).map(|d| d.iso.as_str()),
        date_modified: r.updated.as_ref().map(|d| d.iso.as_str()),
        author: source
            .map(|s| s.authors.iter().map(|a| Named { kind: "Person", name: &a.text }).collect())
            .unwrap_or_default(),
        source_organization: source.and_then(|s| s.publisher.as_ref()).map(|p| organization(&p.text)),
        is_based_on: source.and_then(|s| s.url.as_deref()),
        publisher: cx.publisher.map(organization),
        image: r.photos.iter().map(|p| cx.absolute(&p.src)).collect(),
        keywords: r.tags.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(","),
        article_section: &r.kind.label.text,
        about: r
            .complexes
            .iter()
            .map(|c| {
                let url = c.url.as_deref().map(|u| cx.absolute(u)).unwrap_or_default();
                About { kind: "Organization", id: format!("{url}#organization"), name: &c.label.text, url }
            })
            .collect(),
    };
    let Some(d) = &r.date else {
        return to_script_text(&Graph { context: "https://schema.org", graph: [Node::Article(Box::new(article))] });
    };
    let city = r.location_city.as_ref().map_or("", |c| c.label.text.as_str());
    let place_name = r
        .location
        .as_ref()
        .map(|l| l.text.as_str())
        .or_else(|| r.location_complex.as_ref().map(|c| c.label.text.as_str()))
        .unwrap_or(city);
    let event = Event {
        kind: "Event",
        id: format!("{}#event", cx.canonical),
        name: &r.title.text,
        start_date: r.datetime.as_deref().unwrap_or(&d.iso),
        event_attendance_mode: "https://schema.org/OfflineEventAttendanceMode",
        location: (!place_name.is_empty()).then(|| EventPlace {
            kind: "Place",
            name: place_name,
            address: address(cx, city, None),
        }),
        organizer: r.organisers.iter().map(|o| organization(&o.text)).collect(),
        description: text(&r.summary),
        subject_of: Ref { id: &article_id },
    };
    to_script_text(&Graph {
        context: "https://schema.org",
        graph: [Node::Article(Box::new(article)), Node::Event(Box::new(event))],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn script_text_cannot_close_the_script_element() {
        let v = json!({ "name": "</script><script>alert(1)</script>" });
        let s = to_script_text(&v);
        assert!(!s.contains("</"), "{s}");
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn paths_become_absolute_under_the_base() {
        let cx = LdContext {
            canonical: "https://h.example/a/x/",
            html_lang: "en",
            base_url: "https://h.example/a/",
            base_path: "/a/",
            region: "Zhejiang",
            publisher: None,
        };
        assert_eq!(cx.absolute("/a/photos/p.jpg"), "https://h.example/a/photos/p.jpg");
        assert_eq!(cx.absolute("https://o.example/"), "https://o.example/");
    }
}
