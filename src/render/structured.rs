//! Structured data for search engines and link previews: schema.org JSON-LD built from the
//! same views the templates see (Organization and Place for a complex, NewsArticle and Event
//! for a report), written as text that is safe inside a `<script>` element.

use serde_json::{Map, Value, json};

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

/// Adds `key` unless the value is empty.
fn put(map: &mut Map<String, Value>, key: &str, value: Value) {
    let empty = match &value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    };
    if !empty {
        map.insert(key.to_string(), value);
    }
}

fn text(t: &Option<Txt>) -> Value {
    t.as_ref().map(|t| Value::from(t.text.clone())).unwrap_or(Value::Null)
}

fn texts(ts: &[Txt]) -> Value {
    Value::from(ts.iter().map(|t| t.text.clone()).collect::<Vec<_>>())
}

/// Serialises JSON-LD so that it cannot end the `<script>` element it sits in.
fn to_script_text(v: &Value) -> String {
    // Views are plain strings and numbers, which always serialise.
    serde_json::to_string(v).unwrap_or_default().replace('<', "\\u003c")
}

fn address(cx: &LdContext<'_>, locality: &str, street: Option<&str>) -> Value {
    let mut a = Map::new();
    a.insert("@type".into(), "PostalAddress".into());
    put(&mut a, "streetAddress", street.map(Value::from).unwrap_or(Value::Null));
    put(&mut a, "addressLocality", locality.into());
    put(&mut a, "addressRegion", cx.region.into());
    a.insert("addressCountry".into(), "CN".into());
    Value::Object(a)
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

    let mut org = Map::new();
    org.insert("@type".into(), "Organization".into());
    org.insert("@id".into(), org_id.into());
    org.insert("name".into(), c.name.text.clone().into());
    put(&mut org, "alternateName", texts(&c.short_names));
    put(&mut org, "description", text(&c.summary));
    org.insert("url".into(), cx.canonical.into());
    put(&mut org, "sameAs", c.website.clone().map(Value::from).unwrap_or(Value::Null));
    put(&mut org, "knowsAbout", text(&c.leading_industry));
    org.insert("address".into(), address(cx, &locality, street));
    org.insert("location".into(), json!({ "@id": place_id }));
    if let Some(k) = &c.contact {
        put(&mut org, "telephone", k.phone.clone().map(Value::from).unwrap_or(Value::Null));
        put(&mut org, "email", k.email.clone().map(Value::from).unwrap_or(Value::Null));
    }
    let mut member_of = Vec::new();
    if let Some(url) = &c.level.url {
        member_of.push(json!({ "@type": "Collection", "name": c.level.label.text, "url": cx.absolute(url) }));
    }
    put(&mut org, "subjectOf", Value::from(member_of));

    let mut place = Map::new();
    place.insert("@type".into(), "Place".into());
    place.insert("@id".into(), place_id.into());
    place.insert("name".into(), locality.clone().into());
    place.insert("address".into(), address(cx, &locality, street));
    let mut city = Map::new();
    city.insert("@type".into(), "AdministrativeArea".into());
    city.insert("name".into(), c.city.label.text.clone().into());
    put(&mut city, "url", c.city.url.as_deref().map(|u| Value::from(cx.absolute(u))).unwrap_or(Value::Null));
    place.insert("containedInPlace".into(), Value::Object(city));

    to_script_text(&json!({
        "@context": "https://schema.org",
        "@graph": [Value::Object(org), Value::Object(place)],
    }))
}

/// A report: the article, and the event it reports when it has a date.
pub fn report_json_ld(r: &ReportV, cx: &LdContext<'_>) -> String {
    let mut article = Map::new();
    article.insert("@type".into(), "NewsArticle".into());
    article.insert("@id".into(), format!("{}#article", cx.canonical).into());
    article.insert("headline".into(), r.title.text.clone().into());
    put(&mut article, "description", text(&r.summary));
    article.insert("inLanguage".into(), cx.html_lang.into());
    article.insert("url".into(), cx.canonical.into());
    article.insert("mainEntityOfPage".into(), cx.canonical.into());
    let published = r.published.as_ref().or(r.date.as_ref()).map(|d| d.iso.clone());
    put(&mut article, "datePublished", published.map(Value::from).unwrap_or(Value::Null));
    put(&mut article, "dateModified", r.updated.as_ref().map(|d| Value::from(d.iso.clone())).unwrap_or(Value::Null));
    if let Some(s) = &r.source {
        let people: Vec<Value> = s.authors.iter().map(|a| json!({ "@type": "Person", "name": a.text })).collect();
        put(&mut article, "author", Value::from(people));
        put(
            &mut article,
            "sourceOrganization",
            s.publisher.as_ref().map(|p| json!({ "@type": "Organization", "name": p.text })).unwrap_or(Value::Null),
        );
        put(&mut article, "isBasedOn", s.url.clone().map(Value::from).unwrap_or(Value::Null));
    }
    if let Some(p) = cx.publisher {
        article.insert("publisher".into(), json!({ "@type": "Organization", "name": p }));
    }
    put(&mut article, "image", Value::from(r.photos.iter().map(|p| cx.absolute(&p.src)).collect::<Vec<_>>()));
    put(&mut article, "keywords", r.tags.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(",").into());
    put(&mut article, "articleSection", r.kind.label.text.clone().into());
    let about: Vec<Value> = r
        .complexes
        .iter()
        .map(|c| {
            let url = c.url.as_deref().map(|u| cx.absolute(u)).unwrap_or_default();
            json!({ "@type": "Organization", "@id": format!("{url}#organization"), "name": c.label.text, "url": url })
        })
        .collect();
    put(&mut article, "about", Value::from(about));

    let mut graph = Vec::new();
    if let Some(d) = &r.date {
        let mut event = Map::new();
        event.insert("@type".into(), "Event".into());
        event.insert("@id".into(), format!("{}#event", cx.canonical).into());
        event.insert("name".into(), r.title.text.clone().into());
        event.insert("startDate".into(), r.datetime.clone().unwrap_or_else(|| d.iso.clone()).into());
        event.insert("eventAttendanceMode".into(), "https://schema.org/OfflineEventAttendanceMode".into());
        let city = r.location_city.as_ref().map(|c| c.label.text.clone()).unwrap_or_default();
        let place_name = r
            .location
            .as_ref()
            .map(|l| l.text.clone())
            .or_else(|| r.location_complex.as_ref().map(|c| c.label.text.clone()))
            .unwrap_or_else(|| city.clone());
        if !place_name.is_empty() {
            event.insert(
                "location".into(),
                json!({ "@type": "Place", "name": place_name, "address": address(cx, &city, None) }),
            );
        }
        let organisers: Vec<Value> =
            r.organisers.iter().map(|o| json!({ "@type": "Organization", "name": o.text })).collect();
        put(&mut event, "organizer", Value::from(organisers));
        put(&mut event, "description", text(&r.summary));
        event.insert("subjectOf".into(), json!({ "@id": format!("{}#article", cx.canonical) }));
        graph.push(Value::Object(article));
        graph.push(Value::Object(event));
    } else {
        graph.push(Value::Object(article));
    }
    to_script_text(&json!({ "@context": "https://schema.org", "@graph": graph }))
}

#[cfg(test)]
mod tests {
    use super::*;

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
