//! The default theme over built output: page weight, the size of the one stylesheet and the
//! one script, no script where none is needed, no web fonts or third-party requests,
//! structured data that parses, the tags link previews and Chinese government sites use,
//! update dates, and the charts and map drawn at build time.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{TestSite, snapshot};

fn built(site: &TestSite) {
    let out = site.build(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

fn has(html: &str, needle: &str) {
    assert!(html.contains(needle), "missing {needle:?} in:\n{html}");
}

/// Size in bytes after `gzip -9`, as a server would send it.
fn gzipped(bytes: &[u8]) -> usize {
    let mut child = Command::new("gzip")
        .args(["-9", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip runs");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    child.wait_with_output().unwrap().stdout.len()
}

/// The values of `attr="…"` on tags named `tag` (a plain scan: the output is our own).
fn attrs<'a>(html: &'a str, tag: &str, attr: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let open = format!("<{tag} ");
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let t = &rest[i..];
        let end = t.find('>').unwrap_or(t.len());
        let tag_text = &t[..end];
        let key = format!(" {attr}=\"");
        if let Some(j) = tag_text.find(&key) {
            let v = &tag_text[j + key.len()..];
            out.push(&v[..v.find('"').unwrap_or(v.len())]);
        }
        rest = &t[end..];
    }
    out
}

/// The JSON-LD blocks of a page, parsed.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let open = "<script type=\"application/ld+json\">";
    html.match_indices(open)
        .map(|(i, _)| {
            let body = &html[i + open.len()..];
            let text = &body[..body.find("</script>").expect("the script ends")];
            serde_json::from_str(text).unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{text}"))
        })
        .collect()
}

fn types(ld: &serde_json::Value) -> Vec<String> {
    ld["@graph"].as_array().unwrap().iter().map(|n| n["@type"].as_str().unwrap().to_string()).collect()
}

/// Every HTML page with what it loads: the page, its stylesheet, its icon, and the scripts
/// and images it names, each gzipped. Returns (page, bytes) sorted by path.
fn page_weights(public: &Path) -> Vec<(String, usize)> {
    let files: std::collections::HashMap<String, Vec<u8>> = snapshot(public).into_iter().collect();
    let mut out = Vec::new();
    for (rel, bytes) in &files {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let mut total = gzipped(bytes);
        let loaded = attrs(&html, "link", "href")
            .into_iter()
            .filter(|h| html.contains(&format!("rel=\"stylesheet\" href=\"{h}\"")) || h.ends_with(".svg"))
            .chain(attrs(&html, "script", "src"))
            .chain(attrs(&html, "img", "src"));
        for url in loaded {
            let local = url.trim_start_matches('/');
            let file = files.get(local).unwrap_or_else(|| panic!("{rel} loads {url}, which was not written"));
            total += gzipped(file);
        }
        out.push((rel.clone(), total));
    }
    out.sort();
    out
}

#[test]
fn the_example_site_is_light() {
    let site = TestSite::example();
    built(&site);
    let public = site.path("public");
    let css = std::fs::read(public.join("assets/style.css")).unwrap();
    let js = std::fs::read(public.join("assets/search.js")).unwrap();
    let (css_gz, js_gz) = (gzipped(&css), gzipped(&js));
    assert!(css_gz < 30 * 1024, "style.css is {css_gz} bytes gzipped");
    assert!(js_gz < 20 * 1024, "search.js is {js_gz} bytes gzipped");
    let css = String::from_utf8(css).unwrap();
    assert!(!css.contains("@font-face") && !css.contains("@import"), "no web fonts, one stylesheet");
    assert!(!css.contains("url(http") && !css.contains("url(\"http") && !css.contains("url('http"));

    let weights = page_weights(&public);
    let home = weights.iter().find(|(p, _)| p == "index.html").unwrap().1;
    assert!(home < 150 * 1024, "the home page's first view is {home} bytes gzipped");
    let heaviest = weights.iter().max_by_key(|(_, w)| *w).unwrap();
    assert!(heaviest.1 < 250 * 1024, "{} weighs {} bytes gzipped", heaviest.0, heaviest.1);
    eprintln!(
        "style.css {css_gz} B gzipped, search.js {js_gz} B; home page with what it loads {home} B; heaviest {} {} B; {} pages",
        heaviest.0,
        heaviest.1,
        weights.len()
    );
}

#[test]
fn pages_have_only_the_small_keyboard_script_and_nothing_comes_from_elsewhere() {
    let site = TestSite::example();
    built(&site);
    let mut key_script = 0;
    for (rel, bytes) in snapshot(&site.path("public")) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        // Every page has the inline script that makes "/" focus the search box; the search
        // page also has the one that loads the search client.
        let scripts = html.matches("<script").count() - html.matches("<script type=\"application/ld+json\">").count();
        let expected = 1 + usize::from(rel.ends_with("search/index.html"));
        assert_eq!(scripts, expected, "{rel} has {scripts} scripts");
        let keys = html.find("<script>/* \"/\" focuses").map(|i| &html[i..]).unwrap_or_else(|| panic!("{rel}"));
        let keys = &keys[..keys.find("</script>").unwrap()];
        assert!(keys.len() < 400, "{rel}: the keyboard script is {} bytes", keys.len());
        assert!(!keys.contains("src="), "{rel}: the keyboard script loads nothing");
        // "/" can be turned off (WCAG 2.1.4): the handler reads the search page's choice.
        assert!(keys.contains("localStorage.getItem('fulcrum-slash')=='off'"), "{rel}: \"/\" cannot be turned off");
        key_script = key_script.max(keys.len());
        if rel.ends_with("search/index.html") {
            // The checkbox that turns it off is hidden until the page's script shows it.
            has(&html, "<p class=\"search-key\" hidden><input id=\"search-key\" type=\"checkbox\" checked>");
            has(&html, "k.parentNode.hidden = false;");
        }
        for (tag, attr) in [("script", "src"), ("img", "src"), ("iframe", "src"), ("link", "href")] {
            for url in attrs(&html, tag, attr) {
                let remote = url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//");
                // <link> to other addresses are only alternates and the canonical address.
                let ok = !remote
                    || (tag == "link"
                        && (url.starts_with("https://example.org/")
                            || url.starts_with("https://creativecommons.org/")));
                assert!(ok, "{rel}: <{tag} {attr}=\"{url}\"> loads from elsewhere");
            }
        }
        for bad in ["autoplay", "<marquee", "http-equiv=\"refresh\"", "target=\"_blank\"", "<iframe"] {
            assert!(!html.contains(bad), "{rel} has {bad}");
        }
        assert!(html.contains("class=\"page-updated\"") || rel == "404.html", "{rel} does not say when it was updated");
    }
    eprintln!("the \"/\" key script is {key_script} B");
}

#[test]
fn profiles_carry_organization_and_place_and_reports_article_and_event() {
    let site = TestSite::example();
    built(&site);
    let profile = site.read("public/complexes/huangyan-moulds/index.html");
    let ld = json_ld(&profile);
    assert_eq!(ld.len(), 1);
    assert_eq!(types(&ld[0]), ["Organization", "Place"]);
    let org = &ld[0]["@graph"][0];
    assert_eq!(org["name"], "黄岩模具产业创新服务综合体");
    assert_eq!(org["url"], "https://example.org/complexes/huangyan-moulds/");
    assert_eq!(org["address"]["addressRegion"], "浙江省");
    assert_eq!(org["location"]["@id"], ld[0]["@graph"][1]["@id"]);
    // A property the profile leaves empty is left out, not written as null.
    assert!(org.get("sameAs").is_none() && org.get("email").is_none(), "{org}");
    has(&profile, "<meta property=\"og:type\" content=\"website\">");
    has(&profile, "<meta property=\"og:url\" content=\"https://example.org/complexes/huangyan-moulds/\">");
    has(&profile, "<meta property=\"og:locale\" content=\"zh_CN\">");
    // Open Graph locales are a language and a territory.
    has(&profile, "<meta property=\"og:locale:alternate\" content=\"en_US\">");
    has(&profile, "<meta name=\"twitter:card\" content=\"summary\">");
    has(&profile, "<p class=\"reviewed\">最近核实：<time datetime=\"");

    let en = site.read("public/en/complexes/huangyan-moulds/index.html");
    has(&en, "<meta property=\"og:locale\" content=\"en_US\">");
    has(&en, "<meta property=\"og:locale:alternate\" content=\"zh_CN\">");
    let ld = json_ld(&en);
    assert_eq!(ld[0]["@graph"][0]["address"]["addressRegion"], "Zhejiang");

    let report = site.read("public/reports/taizhou-site-promotion-meeting-2019/index.html");
    let ld = json_ld(&report);
    assert_eq!(types(&ld[0]), ["NewsArticle", "Event"]);
    let article = &ld[0]["@graph"][0];
    assert_eq!(article["headline"], "全省产业创新服务综合体建设现场推进会在台州召开");
    assert_eq!(article["inLanguage"], "zh-CN");
    // Published by this site on its own date; the meeting it reports is the event's.
    assert_eq!(article["datePublished"], "2026-11-27");
    assert!(article["about"].as_array().is_some_and(|a| !a.is_empty()), "{article}");
    let event = &ld[0]["@graph"][1];
    assert!(event["startDate"].as_str().unwrap().starts_with("2019-04-29"), "{event}");
    has(&report, "<meta property=\"og:type\" content=\"article\">");
    has(&report, "<meta name=\"ArticleTitle\" content=\"全省产业创新服务综合体建设现场推进会在台州召开\">");
    has(&report, "<meta name=\"PubDate\" content=\"");
    has(&report, "<meta name=\"ContentSource\" content=\"");
    has(&report, "<meta name=\"description\" content=\"");
}

#[test]
fn json_ld_of_every_page_parses_and_cannot_end_its_script() {
    let site = TestSite::fixture("basic");
    site.edit(
        "content/complexes/alpha-moulds.yaml",
        "summary: {zh: 一个用于测试的综合体。",
        "summary: {zh: 一个</script>测试的综合体。",
    );
    built(&site);
    let mut n = 0;
    for (rel, bytes) in snapshot(&site.path("public")) {
        if rel.ends_with(".html") {
            n += json_ld(&String::from_utf8(bytes).unwrap()).len();
        }
    }
    assert!(n >= 4, "only {n} JSON-LD blocks");
    let ld = json_ld(&site.read("public/complexes/alpha-moulds/index.html"));
    assert_eq!(ld[0]["@graph"][0]["description"], "一个</script>测试的综合体。");
}

#[test]
fn home_page_draws_the_charts_and_the_schematic_map() {
    let site = TestSite::example();
    built(&site);
    let home = site.read("public/index.html");
    assert_eq!(home.matches("<svg class=\"chart\"").count(), 2);
    for id in ["chart-city", "chart-level"] {
        has(&home, &format!("aria-labelledby=\"{id}-title {id}-desc\""));
        has(&home, &format!("<figcaption id=\"{id}-caption\">"));
    }
    // The numbers also as a table.
    has(&home, "<table class=\"chart-table\">");
    has(&home, "<th scope=\"row\"><a href=\"/cities/taizhou/\">台州市</a></th><td class=\"num\">6</td>");
    // The map: eleven cities, the one with complexes a link, the rest labelled images.
    has(&home, "<svg class=\"map\"");
    assert_eq!(home.matches("<polygon class=\"map-tile\"").count(), 11);
    has(&home, "<a class=\"map-city has\" href=\"/cities/taizhou/\"><title>台州市 6 个综合体</title>");
    has(&home, "<g class=\"map-city none\" role=\"img\" aria-label=\"杭州市 0 个综合体\">");
    has(&home, "示意图");
    let en = site.read("public/en/index.html");
    has(&en, "<title>Taizhou 6 complexes</title>");
    has(&en, "aria-label=\"Hangzhou 0 complexes\"");
}

#[test]
fn an_indicator_observed_twice_gets_a_chart_with_its_table() {
    let site = TestSite::fixture("basic");
    site.edit(
        "content/complexes/alpha-moulds.yaml",
        "statistics:\n",
        "statistics:\n  - indicator: output-value\n    value: 12.5\n    unit: 亿元\n    period: 2017\n    source: test-source\n",
    );
    built(&site);
    let html = site.read("public/complexes/alpha-moulds/index.html");
    has(&html, "aria-labelledby=\"chart-output-value-title chart-output-value-desc\"");
    let chart = &html[html.find("<svg class=\"chart\"").unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    // Oldest first, each bar with its number.
    assert!(chart.find(">2017年<").unwrap() < chart.find(">2018年<").unwrap(), "{chart}");
    has(chart, ">12.5 亿元</text>");
    has(chart, ">16.4 亿元</text>");
    has(&html, "<tr><th scope=\"row\">2017年</th><td class=\"num\">12.5 亿元</td></tr>");
    // An indicator seen once has no chart.
    assert!(!html.contains("chart-enterprises-served"));
}

#[test]
fn chinese_words_in_an_english_body_are_marked_as_chinese() {
    let site = TestSite::example();
    built(&site);
    let en = site.read("public/en/accessibility/index.html");
    has(&en, "<span lang=\"zh-CN\">适老化</span>");
}

#[test]
fn one_complex_is_counted_in_the_singular() {
    let site = TestSite::example();
    built(&site);
    let one = site.read("public/en/complexes/industry/moulds/index.html");
    has(&one, "<p>1 complex</p>");
    let six = site.read("public/en/complexes/level/provincial/index.html");
    has(&six, "<p>6 complexes</p>");
    // A site of one complex, as `fulcrum init` makes it: its totals too.
    let dir = tempfile::tempdir().unwrap();
    let init = Command::new(env!("CARGO_BIN_EXE_fulcrum")).arg("init").arg(dir.path().join("s")).output().unwrap();
    assert!(init.status.success());
    let build = Command::new(env!("CARGO_BIN_EXE_fulcrum"))
        .args(["-q", "--root"])
        .arg(dir.path().join("s"))
        .arg("build")
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    for page in ["public/en/index.html", "public/en/complexes/index.html"] {
        let html = std::fs::read_to_string(dir.path().join("s").join(page)).unwrap();
        assert!(html.contains("1 complex in all") && !html.contains("1 complexes"), "{page}: {html}");
    }
}

#[test]
fn chinese_pages_join_a_label_and_its_value_with_the_full_width_colon() {
    let site = TestSite::example();
    built(&site);
    let zh = site.read("public/complexes/industry/moulds/index.html");
    has(&zh, "<meta name=\"description\" content=\"产业：模具\">");
    has(&zh, "title=\"浙江省产业创新服务综合体：最新报道\">");
    let en = site.read("public/en/complexes/industry/moulds/index.html");
    has(&en, "<meta name=\"description\" content=\"Industry: Moulds\">");
    has(&en, ": Latest reports\">");
}

#[test]
fn a_full_width_bracket_brings_its_own_space_and_an_english_one_gets_one() {
    let site = TestSite::example();
    built(&site);
    let zh = site.read("public/complexes/huangyan-moulds/index.html");
    has(&zh, "6,250</data> 家<span class=\"marker\">（累计）</span>");
    assert!(!zh.contains(" <span class=\"marker\">"), "a space before a full-width bracket");
    let en = site.read("public/en/complexes/huangyan-moulds/index.html");
    has(&en, "6,250</data> <span class=\"marker\">(cumulative)</span>");
}
