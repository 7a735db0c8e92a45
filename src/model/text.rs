//! Reader-facing text in one or more languages.

use serde::Serialize;

/// Text per language, in the order the site lists its languages. Serialises as a map
/// from language code to text, the form editors write and open data readers expect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Text {
    values: Vec<(String, String)>,
}

impl Text {
    pub fn new(values: Vec<(String, String)>) -> Text {
        Text { values: values.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect() }
    }

    pub fn plain(lang: &str, s: &str) -> Text {
        Text::new(vec![(lang.to_string(), s.to_string())])
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The text in `lang`, or else in the first language it has, with the language it is in.
    pub fn get(&self, lang: &str) -> Option<(&str, &str)> {
        self.values
            .iter()
            .find(|(l, _)| l == lang)
            .or_else(|| self.values.first())
            .map(|(l, v)| (v.as_str(), l.as_str()))
    }

    /// The text in `lang` or its fallback, or "" when there is none.
    pub fn text(&self, lang: &str) -> &str {
        self.get(lang).map(|(t, _)| t).unwrap_or("")
    }

    /// Only the text written in exactly `lang`.
    pub fn exact(&self, lang: &str) -> Option<&str> {
        self.values.iter().find(|(l, _)| l == lang).map(|(_, v)| v.as_str())
    }

    pub fn values(&self) -> &[(String, String)] {
        &self.values
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.values.len()))?;
        for (k, v) in &self.values {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_the_first_language() {
        let t = Text::new(vec![("zh".into(), "黄岩".into()), ("en".into(), "Huangyan".into())]);
        assert_eq!(t.get("en"), Some(("Huangyan", "en")));
        let only_zh = Text::plain("zh", "黄岩");
        assert_eq!(only_zh.get("en"), Some(("黄岩", "zh")));
        assert!(Text::plain("zh", "  ").is_empty());
    }
}
