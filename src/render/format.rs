//! Numbers, dates and language tags as a reader of each language expects them.

use crate::model::PartialDate;

/// The BCP 47 tag for a site language code, for `lang` and `hreflang` attributes: Chinese
/// content here is Simplified Chinese as written in mainland China.
pub fn html_lang(code: &str) -> &str {
    match code {
        "zh" => "zh-CN",
        other => other,
    }
}

/// The Open Graph locale for a site language code: language and territory, `zh_CN`. A tag
/// without a territory takes the one Open Graph readers assume for its language (`en_US` is
/// Open Graph's own default); a language not listed keeps its bare code.
pub fn og_locale(code: &str) -> String {
    let mut subtags = html_lang(code).split('-');
    let language = subtags.next().unwrap_or_default().to_ascii_lowercase();
    let region = subtags.find(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()));
    let region = match (region, language.as_str()) {
        (Some(r), _) => r.to_ascii_uppercase(),
        (None, "en") => "US".into(),
        (None, "ja") => "JP".into(),
        (None, "ko") => "KR".into(),
        (None, "fr" | "de" | "es" | "it" | "ru") => language.to_ascii_uppercase(),
        (None, "vi") => "VN".into(),
        (None, _) => return language,
    };
    format!("{language}_{region}")
}

/// A date at the precision the source gives: 2019年4月29日 / 29 April 2019, 2019年4月 /
/// April 2019, 2019年 / 2019.
pub fn format_date(d: &PartialDate, lang: &str) -> String {
    // Written piece by piece, not by `format!`: a date is formatted for every card and
    // statistic.
    let (mut years, mut numbers) = (itoa::Buffer::new(), itoa::Buffer::new());
    let year = years.format(d.year);
    let mut out = String::with_capacity(24);
    if lang == "zh" {
        out.push_str(year);
        out.push('年');
        if let Some(m) = d.month {
            out.push_str(numbers.format(m));
            out.push('月');
            if let Some(day) = d.day {
                out.push_str(numbers.format(day));
                out.push('日');
            }
        }
    } else {
        if let Some(m) = d.month {
            if let Some(day) = d.day {
                out.push_str(numbers.format(day));
                out.push(' ');
            }
            out.push_str(month_name(m));
            out.push(' ');
        }
        out.push_str(year);
    }
    out
}

fn month_name(m: u8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES.get(usize::from(m).wrapping_sub(1)).copied().unwrap_or("")
}

/// A count or amount with its unit, as two strings (number, unit) so that templates can
/// set them apart. Chinese uses 万 and 亿 for round large numbers (77,900 → 7.79万) but
/// never scales an amount whose unit already carries one (164 亿元 stays 164 亿元);
/// English groups thousands and turns 万元/亿元 amounts into yuan (16.4 billion yuan).
pub fn format_quantity(value: f64, unit: &str, lang: &str) -> (String, String) {
    if lang == "zh" {
        let scaled = unit.starts_with('万') || unit.starts_with('亿');
        let n = if scaled { group_thousands(value) } else { format_number_zh(value) };
        return (n, unit.to_string());
    }
    let multiplier = match unit {
        "万元" => Some(1e4),
        "亿元" => Some(1e8),
        _ => None,
    };
    if let Some(m) = multiplier {
        let yuan = value * m;
        let n = if yuan.abs() >= 1e9 {
            format!("{} billion", trim_decimals(yuan / 1e9, 2))
        } else if yuan.abs() >= 1e6 {
            format!("{} million", trim_decimals(yuan / 1e6, 2))
        } else {
            group_thousands(yuan)
        };
        return (n, "yuan".to_string());
    }
    (group_thousands(value), unit_en(unit).to_string())
}

/// A quantity in the base unit of its unit, the same number in every language, for
/// `<data value>`: 164 亿元 is 16,400,000,000 元, 6.5 万次 65,000 次; a unit without 万 or 亿
/// is its own base.
pub fn in_base_unit(value: f64, unit: &str) -> (f64, &str) {
    if let Some(rest) = unit.strip_prefix('亿') {
        (value * 1e8, rest)
    } else if let Some(rest) = unit.strip_prefix('万') {
        (value * 1e4, rest)
    } else {
        (value, unit)
    }
}

/// Chinese counting units read naturally after an English number only when translated;
/// counters (家, 个, 项, 次) add nothing the indicator's name does not already say.
fn unit_en(unit: &str) -> &str {
    match unit {
        "家" | "个" | "项" | "次" => "",
        "人" => "people",
        "台/套" | "台" | "套" => "units",
        "元" => "yuan",
        "平方米" => "m²",
        other => other,
    }
}

/// A plain number in Chinese style: 万 or 亿 when the value is round enough to say so
/// without losing digits (77,900 → 7.79万; 12,345 stays 12,345).
pub fn format_number_zh(value: f64) -> String {
    let a = value.abs();
    if a >= 1e8 && is_whole(value / 1e6) {
        format!("{}亿", trim_decimals(value / 1e8, 2))
    } else if a >= 1e4 && is_whole(value / 1e2) {
        format!("{}万", trim_decimals(value / 1e4, 2))
    } else {
        group_thousands(value)
    }
}

/// A plain number for the page's language.
pub fn format_number(value: f64, lang: &str) -> String {
    if lang == "zh" { format_number_zh(value) } else { group_thousands(value) }
}

fn is_whole(v: f64) -> bool {
    (v - v.round()).abs() < 1e-6
}

/// `v` as an integer, when it is a whole number small enough that every integer up to it is
/// exact (-0 is 0).
pub(crate) fn whole_number(v: f64) -> Option<i64> {
    (v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64)
}

/// At most `max` decimals, without trailing zeros: 7.790 → "7.79", 2.0 → "2".
fn trim_decimals(v: f64, max: usize) -> String {
    // A whole number (most statistics) needs no decimal formatting; -0 keeps its sign below.
    if let Some(n) = whole_number(v).filter(|_| v != 0.0 || v.is_sign_positive()) {
        return n.to_string();
    }
    let s = format!("{v:.max$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// 77900 → "77,900"; 1234.5 → "1,234.5"; up to four decimals are kept.
pub fn group_thousands(v: f64) -> String {
    let s = trim_decimals(v.abs(), 4);
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut out = String::new();
    if v < 0.0 && s.bytes().any(|b| b != b'0' && b != b'.') {
        out.push('-');
    }
    let digits = int.len();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    #[test]
    fn dates_at_their_precision() {
        assert_eq!(format_date(&d("2019-04-29"), "zh"), "2019年4月29日");
        assert_eq!(format_date(&d("2019-04"), "zh"), "2019年4月");
        assert_eq!(format_date(&d("2019"), "zh"), "2019年");
        assert_eq!(format_date(&d("2019-04-29"), "en"), "29 April 2019");
        assert_eq!(format_date(&d("2019-04"), "en"), "April 2019");
        assert_eq!(format_date(&d("2019"), "en"), "2019");
        // A day without a month is not a date `parse` gives; the year is all there is.
        let odd = PartialDate { year: 2019, month: None, day: Some(5) };
        assert_eq!((format_date(&odd, "zh"), format_date(&odd, "en")), ("2019年".into(), "2019".into()));
    }

    #[test]
    fn chinese_numbers_use_wan_and_yi_when_round() {
        assert_eq!(format_quantity(77_900.0, "家", "zh"), ("7.79万".into(), "家".into()));
        assert_eq!(format_quantity(164.0, "亿元", "zh"), ("164".into(), "亿元".into()));
        assert_eq!(format_number_zh(414_000.0), "41.4万");
        assert_eq!(format_number_zh(2_864.0), "2,864");
        assert_eq!(format_number_zh(12_345.0), "12,345");
        assert_eq!(format_number_zh(350_000_000.0), "3.5亿");
        assert_eq!(format_number_zh(10_000.0), "1万");
        assert_eq!(format_number_zh(3.5), "3.5");
    }

    #[test]
    fn english_numbers_group_thousands_and_convert_yuan() {
        assert_eq!(format_quantity(77_900.0, "家", "en"), ("77,900".into(), "".into()));
        assert_eq!(format_quantity(164.0, "亿元", "en"), ("16.4 billion".into(), "yuan".into()));
        assert_eq!(format_quantity(500.0, "万元", "en"), ("5 million".into(), "yuan".into()));
        assert_eq!(format_quantity(12.5, "%", "en"), ("12.5".into(), "%".into()));
        assert_eq!(group_thousands(1_234_567.25), "1,234,567.25");
        assert_eq!(group_thousands(-1_000.0), "-1,000");
        assert_eq!(group_thousands(0.0), "0");
    }

    #[test]
    fn amounts_in_wan_and_yi_come_to_their_base_unit() {
        assert_eq!(in_base_unit(164.0, "亿元"), (16_400_000_000.0, "元"));
        assert_eq!(in_base_unit(500.0, "万元"), (5_000_000.0, "元"));
        assert_eq!(in_base_unit(6250.0, "家"), (6250.0, "家"));
        assert_eq!(in_base_unit(12.5, "%"), (12.5, "%"));
        assert_eq!(group_thousands(in_base_unit(1.1, "万元").0), "11,000");
    }

    #[test]
    fn decimals_are_trimmed_and_whole_numbers_written_as_they_are() {
        assert_eq!(trim_decimals(2.0, 4), "2");
        assert_eq!(trim_decimals(-5.0, 4), "-5");
        assert_eq!(trim_decimals(7.790, 4), "7.79");
        assert_eq!(trim_decimals(1.999_99, 2), "2");
        assert_eq!(trim_decimals(-0.0, 4), "-0");
        assert_eq!(trim_decimals(1e20, 2), "100000000000000000000");
        assert_eq!(trim_decimals(123_456_789_012_345.0, 4), "123456789012345");
    }

    #[test]
    fn language_tags() {
        assert_eq!(html_lang("zh"), "zh-CN");
        assert_eq!(html_lang("en"), "en");
        assert_eq!(og_locale("zh"), "zh_CN");
        assert_eq!(og_locale("en"), "en_US");
        assert_eq!(og_locale("zh-Hant-TW"), "zh_TW");
        assert_eq!(og_locale("en-GB"), "en_GB");
        assert_eq!(og_locale("ja"), "ja_JP");
        assert_eq!(og_locale("de"), "de_DE");
        assert_eq!(og_locale("xx"), "xx");
    }
}
