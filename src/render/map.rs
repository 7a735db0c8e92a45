//! The schematic map of the province drawn at build time as inline SVG: one hexagonal tile
//! per city, laid out from the theme's `map.yaml`, each with its label and number of
//! complexes, and a link to the city's page when it has one. Schematic on purpose: the
//! layout keeps only which city lies next to which, so nothing on it claims a true shape.

use serde::Deserialize;

use super::markdown::escape_html;

/// The tiles of the map, as the theme's `map.yaml` gives them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapLayout {
    pub cities: Vec<Tile>,
}

/// One city's place: rows from north to south, columns from west to east; odd rows sit half
/// a tile further east, as in a hexagonal grid.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tile {
    pub id: String,
    pub row: u8,
    pub col: u8,
}

/// A city as drawn: `name` says what the tile shows in words ("台州市 6 个综合体"): the
/// description of a linked tile (its name is its visible text), the name of the others.
#[derive(Debug, Clone)]
pub struct MapCity<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub lang: Option<&'a str>,
    pub count: usize,
    pub count_text: &'a str,
    pub name: &'a str,
    pub url: Option<&'a str>,
}

/// Radius of a tile (centre to corner) in SVG units.
const R: f64 = 50.0;
const PAD: f64 = 6.0;

fn centre(t: &Tile) -> (f64, f64) {
    let w = 3f64.sqrt() * R;
    let shift = if t.row % 2 == 1 { 0.5 } else { 0.0 };
    (PAD + w / 2.0 + (f64::from(t.col) + shift) * w, PAD + R + f64::from(t.row) * 1.5 * R)
}

fn hexagon(cx: f64, cy: f64) -> String {
    // Pointy-top, drawn a little inside the cell so that neighbours show a gap.
    let r = R - 2.5;
    (0..6)
        .map(|k| {
            let a = std::f64::consts::PI / 180.0 * (60.0 * f64::from(k) - 90.0);
            format!("{:.1},{:.1}", cx + r * a.cos(), cy + r * a.sin())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The map as an SVG element; `None` when none of the tiles is a city the site has.
pub fn render_map(
    id: &str,
    title: &str,
    description: &str,
    layout: &MapLayout,
    cities: &[MapCity<'_>],
) -> Option<String> {
    let placed: Vec<(&Tile, &MapCity)> =
        layout.cities.iter().filter_map(|t| cities.iter().find(|c| c.id == t.id).map(|c| (t, c))).collect();
    if placed.is_empty() {
        return None;
    }
    let w = 3f64.sqrt() * R;
    let right = placed.iter().map(|(t, _)| centre(t).0).fold(0.0, f64::max) + w / 2.0 + PAD;
    let bottom = placed.iter().map(|(t, _)| centre(t).1).fold(0.0, f64::max) + R + PAD;
    let mut svg = format!(
        "<svg class=\"map\" viewBox=\"0 0 {right:.1} {bottom:.1}\" width=\"{right:.0}\" height=\"{bottom:.0}\" role=\"group\" \
         aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape_html(title),
        escape_html(description)
    );
    for (t, c) in placed {
        let (cx, cy) = centre(t);
        let lang = c.lang.map(|l| format!(" lang=\"{}\"", escape_html(l))).unwrap_or_default();
        let class = if c.count > 0 { "map-city has" } else { "map-city none" };
        let inner = format!(
            "<polygon class=\"map-tile\" points=\"{}\"/><text class=\"map-label\" x=\"{cx:.1}\" y=\"{:.1}\"{lang}>{}</text>\
             <text class=\"map-count\" x=\"{cx:.1}\" y=\"{:.1}\">{}</text>",
            hexagon(cx, cy),
            cy - 4.0,
            escape_html(c.label),
            cy + 20.0,
            escape_html(c.count_text)
        );
        match c.url {
            Some(url) => svg.push_str(&format!(
                "<a class=\"{class}\" href=\"{}\"><title>{}</title>{inner}</a>",
                escape_html(url),
                escape_html(c.name)
            )),
            None => svg.push_str(&format!(
                "<g class=\"{class}\" role=\"img\" aria-label=\"{}\">{inner}</g>",
                escape_html(c.name)
            )),
        }
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> MapLayout {
        crate::load::yaml::parse(include_str!("../../themes/default/map.yaml")).expect("the theme's map parses")
    }

    #[test]
    fn the_theme_map_places_eleven_cities_each_once() {
        let l = layout();
        assert_eq!(l.cities.len(), 11);
        let mut cells: Vec<(u8, u8)> = l.cities.iter().map(|t| (t.row, t.col)).collect();
        cells.sort();
        cells.dedup();
        assert_eq!(cells.len(), 11, "two cities share a tile");
    }

    #[test]
    fn cities_with_a_page_are_links_and_the_rest_are_labelled_images() {
        let cities = [
            MapCity {
                id: "taizhou",
                label: "台州市",
                lang: None,
                count: 6,
                count_text: "6",
                name: "台州市：6 个综合体",
                url: Some("/cities/taizhou/"),
            },
            MapCity {
                id: "hangzhou",
                label: "杭州市",
                lang: None,
                count: 0,
                count_text: "0",
                name: "杭州市：0 个综合体",
                url: None,
            },
        ];
        let svg = render_map("m", "地图", "示意图", &layout(), &cities).unwrap();
        assert!(
            svg.contains("<a class=\"map-city has\" href=\"/cities/taizhou/\"><title>台州市：6 个综合体</title>"),
            "{svg}"
        );
        assert!(svg.contains("<g class=\"map-city none\" role=\"img\" aria-label=\"杭州市：0 个综合体\">"));
        assert_eq!(svg.matches("<polygon").count(), 2);
        assert!(render_map("m", "", "", &layout(), &[]).is_none());
    }
}
