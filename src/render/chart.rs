//! Charts drawn at build time as inline SVG: bar charts of counts and of an indicator's
//! observations. The drawing repeats numbers the template also gives as a table, so it is an
//! image with a title and a description, never the only place a figure appears.

use std::fmt::Write;

use super::markdown::push_escaped;

/// One bar: its label (with the label's language when it is not the page's), its value and
/// the value as the reader expects it written.
#[derive(Debug, Clone)]
pub struct Bar<'a> {
    pub label: &'a str,
    pub lang: Option<&'a str>,
    pub value: f64,
    pub value_text: &'a str,
}

/// Width of the drawing in SVG units. Narrow, so that on a phone the text stays readable
/// when the drawing is scaled down to the column.
const WIDTH: f64 = 300.0;
const ROW: f64 = 44.0;
const BAR: f64 = 14.0;
/// Room kept at the right of the longest bar for its value.
const VALUE_ROOM: f64 = 84.0;

/// A horizontal bar chart: each row the label, then the bar with its value at the end. Bars
/// start at zero and share one scale, so their lengths compare honestly; negative values
/// draw no bar but keep their number.
pub fn bar_chart(id: &str, title: &str, description: &str, bars: &[Bar<'_>]) -> String {
    let height = (bars.len() as f64 * ROW + 8.0).max(ROW);
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let scale = if max > 0.0 { (WIDTH - VALUE_ROOM) / max } else { 0.0 };
    let mut svg = String::with_capacity(256 + bars.len() * 256);
    // Writing to a String cannot fail.
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" focusable=\"false\">\
         <title id=\"{id}-title\">"
    );
    push_escaped(&mut svg, title);
    let _ = write!(svg, "</title><desc id=\"{id}-desc\">");
    push_escaped(&mut svg, description);
    svg.push_str("</desc>");
    for (i, b) in bars.iter().enumerate() {
        // Rows fall on whole units: their coordinates are written as integers with one
        // decimal, as `{:.1}` writes a whole f64, without formatting a float.
        let top = i * ROW as usize + 4;
        let w = (b.value.max(0.0) * scale).max(if b.value > 0.0 { 2.0 } else { 0.0 });
        svg.push_str("<text class=\"chart-label\" x=\"0\" y=\"");
        push_whole(&mut svg, top + 16);
        svg.push('"');
        if let Some(lang) = b.lang {
            svg.push_str(" lang=\"");
            push_escaped(&mut svg, lang);
            svg.push('"');
        }
        svg.push('>');
        push_escaped(&mut svg, b.label);
        svg.push_str("</text><rect class=\"chart-bar\" x=\"0\" y=\"");
        push_whole(&mut svg, top + 22);
        let _ =
            write!(svg, "\" width=\"{w:.1}\" height=\"{BAR}\"/><text class=\"chart-value\" x=\"{:.1}\" y=\"", w + 6.0);
        push_whole(&mut svg, top + 34);
        svg.push_str("\">");
        push_escaped(&mut svg, b.value_text);
        svg.push_str("</text>");
    }
    svg.push_str("</svg>");
    svg
}

/// Appends `n` as `{:.1}` writes it as a float: `20.0`.
fn push_whole(out: &mut String, n: usize) {
    out.push_str(itoa::Buffer::new().format(n));
    out.push_str(".0");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_share_one_scale_and_carry_their_numbers() {
        let svg = bar_chart(
            "c",
            "By city",
            "Complexes by city",
            &[
                Bar { label: "Taizhou", lang: None, value: 6.0, value_text: "6" },
                Bar { label: "杭州市", lang: Some("zh-CN"), value: 3.0, value_text: "3" },
            ],
        );
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains("aria-labelledby=\"c-title c-desc\""));
        assert!(svg.contains("<title id=\"c-title\">By city</title>"));
        assert!(svg.contains("width=\"216.0\""), "{svg}");
        assert!(svg.contains("width=\"108.0\""), "{svg}");
        assert!(svg.contains("lang=\"zh-CN\">杭州市</text>"));
        assert!(svg.contains(">6</text>") && svg.contains(">3</text>"));
    }

    #[test]
    fn whole_coordinates_are_written_as_their_float_with_one_decimal() {
        for n in (0..2_000).chain([44 * 1_000 + 38, usize::from(u16::MAX)]) {
            let mut out = String::new();
            push_whole(&mut out, n);
            assert_eq!(out, format!("{:.1}", n as f64));
        }
        let svg = bar_chart("c", "t", "d", &vec![Bar { label: "a", lang: None, value: 1.0, value_text: "1" }; 3]);
        for y in ["y=\"20.0\"", "y=\"26.0\"", "y=\"38.0\"", "y=\"64.0\"", "y=\"70.0\"", "y=\"126.0\""] {
            assert!(svg.contains(y), "{y} in {svg}");
        }
    }

    #[test]
    fn text_is_escaped_and_zero_draws_no_bar() {
        let svg = bar_chart("x", "<a>", "&", &[Bar { label: "<b>", lang: None, value: 0.0, value_text: "0" }]);
        assert!(svg.contains("&lt;a&gt;") && svg.contains("&amp;") && svg.contains("&lt;b&gt;"));
        assert!(svg.contains("width=\"0.0\""));
    }
}
