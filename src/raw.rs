//! The loose serde types that editors' YAML is read into: every field an editor may write,
//! with unknown keys refused. `validate` turns these into the strict model.

use std::fmt;

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// Reader-facing text: a plain string in the site's default language, or `{zh: …, en: …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawText {
    Plain(String),
    /// Language → text, in the order written. A list rather than a map: there are tens of
    /// these in every profile, and a hash table each would outweigh the text.
    Langs(Vec<(String, String)>),
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text, or a map of languages such as {zh: …, en: …}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawText, E> {
                Ok(RawText::Plain(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawText, E> {
                Ok(RawText::Plain(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawText, E> {
                Ok(RawText::Plain(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawText, E> {
                Ok(RawText::Plain(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<RawText, A::Error> {
                let mut out: Vec<(String, String)> = Vec::with_capacity(m.size_hint().unwrap_or(2));
                while let Some((k, v)) = m.next_entry::<String, String>()? {
                    // A language given twice: the last one counts, where the first was.
                    match out.iter_mut().find(|(key, _)| *key == k) {
                        Some(entry) => entry.1 = v,
                        None => out.push((k, v)),
                    }
                }
                Ok(RawText::Langs(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A scalar that YAML may read as a number or a string (a year, a date, a batch, a phone
/// number); kept as the text the editor wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a single value such as 2019, 2019-04 or 2019-04-29")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        // The scalar's text, not the number the YAML parser would make of it: 2019.10 is not
        // 2019.1, nor 1e3 1000.
        d.deserialize_str(V)
    }
}

/// A figure as the editor wrote it, with its value. Read from the text itself, so that
/// `validate` can tell a value that a binary number holds exactly from one that it would
/// round (12345678901234567 would be shown as 12345678901234568).
#[derive(Debug, Clone, PartialEq)]
pub struct RawNumber {
    pub value: f64,
    pub written: String,
}

impl RawNumber {
    /// Whether `value` is exactly the number written, digit for digit.
    pub fn exact(&self) -> bool {
        if !self.value.is_finite() {
            return false;
        }
        let written = decimal(&self.written);
        // A normal binary number holds every decimal of at most 15 significant digits (f64's
        // DIGITS) exactly enough to give it back digit for digit: most figures need no
        // comparison, and writing the value out is the costly part.
        if self.value.is_normal() && written.as_ref().is_some_and(|(digits, _)| digits.len() <= f64::DIGITS as usize) {
            return true;
        }
        written == shortest(self.value)
    }
}

/// A decimal number as its significant digits and the power of ten of the last one, sign
/// left out: "120.50" and "1.205e2" both give ("1205", -1). `None` if it is not one.
fn decimal(text: &str) -> Option<(String, i64)> {
    let t = text.trim().trim_start_matches(['+', '-']);
    let (mantissa, exp) = match t.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (t, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if (int.is_empty() && frac.is_empty()) || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    let trailing = (digits.len() - digits.trim_end_matches('0').len()) as i64;
    let power = exp.checked_sub(frac.len() as i64)?.checked_add(trailing)?;
    Some(if significant.is_empty() { (String::new(), 0) } else { (significant.to_string(), power) })
}

/// The shortest decimal that reads back as `value`, as [`decimal`] gives it.
fn shortest(value: f64) -> Option<(String, i64)> {
    decimal(&format!("{value:e}"))
}

impl<'de> Deserialize<'de> for RawNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawNumber;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawNumber, E> {
                let value = decimal(v).and_then(|_| v.trim().parse::<f64>().ok());
                match value {
                    Some(value) => Ok(RawNumber { value, written: v.trim().to_string() }),
                    None => Err(E::invalid_type(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawNumber, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNumber, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawNumber, E> {
                Ok(RawNumber { value: v, written: v.to_string() })
            }
        }
        // The scalar's text, not the number the YAML parser would make of it.
        d.deserialize_str(V)
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawComplex {
    pub name: Option<RawText>,
    #[serde(default)]
    pub short_names: Vec<RawText>,
    pub level: Option<String>,
    pub status: Option<String>,
    pub location: Option<RawLocation>,
    pub industry: Option<RawIndustry>,
    pub mode: Option<String>,
    pub applicant: Option<RawText>,
    pub operator: Option<RawOperator>,
    #[serde(default)]
    pub host_units: Vec<RawText>,
    #[serde(default)]
    pub lead_enterprises: Vec<RawText>,
    #[serde(default)]
    pub partners: Vec<RawText>,
    #[serde(default)]
    pub listings: Vec<RawListing>,
    #[serde(default)]
    pub services: Vec<RawService>,
    pub facilities: Option<RawFacilities>,
    #[serde(default)]
    pub statistics: Vec<RawStatistic>,
    pub summary: Option<RawText>,
    pub contact: Option<RawContact>,
    pub website: Option<String>,
    #[serde(default)]
    pub sources: Vec<RawSource>,
    pub last_reviewed: Option<Scalar>,
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawLocation {
    pub city: Option<String>,
    pub district: Option<RawText>,
    pub address: Option<RawText>,
    pub coordinates: Option<RawCoordinates>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCoordinates {
    pub lat: f64,
    pub lon: f64,
    pub datum: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawIndustry {
    pub leading: Option<RawText>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub category: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawOperator {
    pub name: Option<RawText>,
    #[serde(rename = "type")]
    pub kind: Option<RawText>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawListing {
    pub level: Option<String>,
    pub list: Option<String>,
    pub year: Option<Scalar>,
    pub batch: Option<Scalar>,
    pub announced: Option<Scalar>,
    pub issuer: Option<RawText>,
    pub document: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    pub element: Option<String>,
    pub description: Option<RawText>,
    #[serde(default)]
    pub providers: Vec<RawText>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawFacilities {
    /// Floor area in square metres.
    pub floor_area: Option<RawNumber>,
    pub investment: Option<RawAmount>,
    pub service_hall: Option<RawText>,
    pub exhibition_hall: Option<RawText>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAmount {
    pub value: RawNumber,
    pub unit: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawStatistic {
    pub indicator: Option<String>,
    pub value: Option<RawNumber>,
    pub unit: Option<String>,
    /// The period the figure covers (a year or a month) ...
    pub period: Option<Scalar>,
    /// ... or the date at which a running total stood.
    pub as_of: Option<Scalar>,
    #[serde(default)]
    pub cumulative: bool,
    /// True when the source gives the figure as a lower bound ("more than 77,900").
    #[serde(default)]
    pub at_least: bool,
    pub scope: Option<RawText>,
    pub source: Option<String>,
    pub note: Option<RawText>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    pub phone: Option<Scalar>,
    pub email: Option<String>,
    pub address: Option<RawText>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub id: Option<String>,
    pub title: Option<RawText>,
    pub publisher: Option<RawText>,
    pub url: Option<String>,
    pub published: Option<Scalar>,
    /// What a reader should know about the source, e.g. that it is a reprint or a translation.
    pub note: Option<RawText>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub title: Option<RawText>,
    pub kind: Option<String>,
    pub event: Option<RawEvent>,
    pub location: Option<RawEventLocation>,
    #[serde(default)]
    pub organisers: Vec<RawText>,
    #[serde(default)]
    pub attendees: Vec<RawAttendee>,
    #[serde(default)]
    pub complexes: Vec<String>,
    pub summary: Option<RawText>,
    #[serde(default)]
    pub photos: Vec<RawPhoto>,
    pub source: Option<RawReportSource>,
    pub published: Option<Scalar>,
    pub updated: Option<Scalar>,
    #[serde(default)]
    pub tags: Vec<RawText>,
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub date: Option<Scalar>,
    /// Local China time, HH:MM.
    pub time: Option<Scalar>,
    pub end_time: Option<Scalar>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawEventLocation {
    pub name: Option<RawText>,
    pub city: Option<String>,
    pub complex: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawAttendee {
    pub name: Option<RawText>,
    pub title: Option<RawText>,
    pub organisation: Option<RawText>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawPhoto {
    pub file: Option<String>,
    pub alt: Option<RawText>,
    pub caption: Option<RawText>,
    pub credit: Option<RawText>,
    pub licence: Option<RawText>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawReportSource {
    pub title: Option<RawText>,
    pub publisher: Option<RawText>,
    #[serde(default)]
    pub authors: Vec<RawText>,
    #[serde(default)]
    pub correspondents: Vec<RawText>,
    pub url: Option<String>,
    pub published: Option<Scalar>,
    /// What a reader should know about the source, e.g. that it is a reprint or a translation.
    pub note: Option<RawText>,
    /// Why the site may reuse the text or photos: a licence, permission, or that the
    /// source is pure factual news or an official document.
    pub reuse: Option<RawText>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    pub title: Option<RawText>,
    pub summary: Option<RawText>,
    pub updated: Option<Scalar>,
    /// Position in the footer navigation; pages without it are not listed there.
    pub menu: Option<i32>,
    #[serde(default)]
    pub draft: bool,
}

/// site.yaml.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    pub title: Option<RawText>,
    pub description: Option<RawText>,
    pub base_url: Option<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    pub theme: Option<String>,
    pub publisher: Option<RawText>,
    pub reports_per_page: Option<usize>,
    /// Raw HTML in Markdown is sanitised unless this is set to false.
    pub sanitize_html: Option<bool>,
    pub data_licence: Option<RawText>,
    /// The licence's web address, for datapackage.json.
    pub data_licence_url: Option<String>,
    #[serde(default)]
    pub vocabularies: RawVocabularies,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawVocabularies {
    #[serde(default, deserialize_with = "unique_keys")]
    pub cities: IndexMap<String, RawTerm>,
    #[serde(default, deserialize_with = "unique_keys")]
    pub levels: IndexMap<String, RawTerm>,
    #[serde(default, deserialize_with = "unique_keys")]
    pub statuses: IndexMap<String, RawTerm>,
    #[serde(default, deserialize_with = "unique_keys")]
    pub list_types: IndexMap<String, RawTerm>,
    #[serde(default, deserialize_with = "unique_keys")]
    pub modes: IndexMap<String, RawTerm>,
    #[serde(default, deserialize_with = "unique_keys")]
    pub industry_categories: IndexMap<String, RawTerm>,
    #[serde(default, deserialize_with = "unique_keys")]
    pub industries: IndexMap<String, RawTerm>,
    #[serde(default, deserialize_with = "unique_keys")]
    pub service_elements: IndexMap<String, RawTerm>,
    #[serde(default, deserialize_with = "unique_keys")]
    pub indicators: IndexMap<String, RawTerm>,
    #[serde(default, deserialize_with = "unique_keys")]
    pub report_kinds: IndexMap<String, RawTerm>,
    #[serde(default, deserialize_with = "unique_keys")]
    pub attendee_roles: IndexMap<String, RawTerm>,
}

/// A map from ids, refusing an id written twice (at its second place): the second entry
/// would otherwise silently replace the first.
fn unique_keys<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<IndexMap<String, T>, D::Error> {
    struct Map<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Map<T> {
        type Value = IndexMap<String, T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map from ids")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(IndexMap::new())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
            let mut out = IndexMap::new();
            while let Some(key) = m.next_key_seed(NewKey(&out))? {
                let value = m.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    /// A key not yet in the map: refused while it is read, so the error has its position.
    struct NewKey<'a, T>(&'a IndexMap<String, T>);
    impl<'de, T> de::DeserializeSeed<'de> for NewKey<'_, T> {
        type Value = String;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            d.deserialize_str(self)
        }
    }
    impl<T> Visitor<'_> for NewKey<'_, T> {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an id")
        }
        fn visit_str<E: de::Error>(self, key: &str) -> Result<String, E> {
            if self.0.contains_key(key) {
                return Err(E::custom(format_args!("duplicate key `{key}`")));
            }
            Ok(key.to_string())
        }
    }
    d.deserialize_any(Map(std::marker::PhantomData))
}

/// One vocabulary entry: its labels, plus what some vocabularies need.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    pub label: Option<RawText>,
    pub description: Option<RawText>,
    /// indicators: the units a value may be given in; the first is the default.
    #[serde(default)]
    pub units: Vec<String>,
    /// report_kinds: whether reports of this kind are events, which need an event date.
    #[serde(default)]
    pub event: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> RawNumber {
        crate::load::yaml::parse::<RawNumber>(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn a_scalar_is_the_text_as_written() {
        let scalar =
            |text: &str| crate::load::yaml::parse::<Scalar>(text).unwrap_or_else(|e| panic!("{text}: {e:?}")).0;
        // Not as the numbers YAML could read them as (2019.1, 1000, 5).
        for text in ["2019.10", "0576888888", "1e3", "+5", "2018", "2019-04-29", "第三批"] {
            assert_eq!(scalar(text), text);
        }
        assert_eq!(scalar("\"2019-04\""), "2019-04");
        assert!(crate::load::yaml::parse::<Scalar>("[2019]").is_err());
    }

    #[test]
    fn a_figure_is_exact_when_its_value_is_the_number_written() {
        for text in ["77900", "16.4", "0.5", "-3.2", "1.50e3", "120.50", "9007199254740992", "0", "0.0"] {
            assert!(number(text).exact(), "{text}");
        }
        for text in ["12345678901234567", "0.12345678901234567", "99999999999999999999999999"] {
            assert!(!number(text).exact(), "{text}");
        }
        assert_eq!(decimal("120.50"), decimal("1.205e2"));
        assert_eq!(number("12345678901234567").value, 12345678901234568.0);
        for text in ["many", "1,000", ".inf", "1_000", "0x1F", "true"] {
            assert!(crate::load::yaml::parse::<RawNumber>(text).is_err(), "{text}");
        }
        assert!(!number("1e400").exact(), "beyond the largest binary number");
    }

    /// Whether the figure as written is the one the value gives back: the comparison that
    /// `exact` leaves out for short decimals.
    fn compared(text: &str) -> bool {
        let n = number(text);
        n.value.is_finite() && decimal(&n.written) == shortest(n.value)
    }

    #[test]
    fn a_short_decimal_is_exact_as_the_full_comparison_finds() {
        // Decimals of 1 to 17 significant digits at powers of ten across the normal range,
        // from a fixed sequence of digits.
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut checked = 0;
        for digits in 1..=17usize {
            for power in (-300..=300).step_by(7) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let mantissa = format!("{:017}", state % 100_000_000_000_000_000);
                let mantissa = mantissa[..digits].trim_start_matches('0');
                let mantissa = if mantissa.is_empty() { "7" } else { mantissa };
                for text in [format!("{mantissa}e{power}"), format!("-{mantissa}.25e{power}"), format!("0.{mantissa}")]
                {
                    assert_eq!(number(&text).exact(), compared(&text), "{text}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000);
        for text in [
            "9007199254740993",
            "0.1",
            "0.30000000000000004",
            "2.2250738585072014e-308",
            "1e-320",
            "123456789012345e-320",
        ] {
            assert_eq!(number(text).exact(), compared(text), "{text}");
        }
    }
}
