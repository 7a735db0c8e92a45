//! Renders a small hand-built site and checks the HTML readers get.

use super::testutil::small_site;
use super::*;

fn build_site(site: &Site) -> (Vec<OutputFile>, Diagnostics) {
    build_site_with(site, &[])
}

/// `site` rendered with the theme of [`theme_with`].
fn build_site_with(site: &Site, overrides: &[(&str, &str)]) -> (Vec<OutputFile>, Diagnostics) {
    render_site(site, &link::link(site), &theme_with(overrides))
}

fn build() -> Vec<OutputFile> {
    build_with(&[])
}

/// The small site rendered with the theme of [`theme_with`], which must give no problems.
fn build_with(overrides: &[(&str, &str)]) -> Vec<OutputFile> {
    let (files, diags) = build_site_with(&small_site(), overrides);
    assert!(diags.is_empty(), "{diags:?}");
    files
}

fn page<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
    let f = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", files.iter().map(|f| &f.path).collect::<Vec<_>>()));
    std::str::from_utf8(&f.bytes).unwrap()
}

/// Every page has the landmarks, one h1, a title, a description, a canonical link, its
/// alternates and the search form.
fn assert_page_basics(html: &str, lang: &str) {
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"") && html.contains(&format!("<html lang=\"{lang}\">")),
        "{html}"
    );
    assert_eq!(html.matches("<h1").count(), 1, "exactly one h1: {html}");
    for needle in [
        "<title>",
        "<meta name=\"description\" content=\"",
        "<header",
        "<nav",
        "<main id=\"main\"",
        "<footer",
        "href=\"#main\"",
        "role=\"search\"",
        "name=\"q\"",
    ] {
        assert!(html.contains(needle), "{needle} missing: {html}");
    }
    // Every page has the inline script for the "/" key; only the search page loads a script,
    // and only to search; JSON-LD blocks are data.
    let scripts = html.matches("<script").count() - html.matches("<script type=\"application/ld+json\">").count();
    assert!(html.contains("search-page-form") || scripts == 1, "only the \"/\" key script: {html}");
}

#[test]
fn every_page_has_the_basics() {
    let files = build();
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = std::str::from_utf8(&f.bytes).unwrap();
        let lang = if f.path.starts_with("en/") { "en" } else { "zh-CN" };
        assert_page_basics(html, lang);
        if f.path != "404.html" {
            assert!(html.contains("<link rel=\"canonical\" href=\"https://example.org/a/b/"), "{}", f.path);
            assert!(html.contains("hreflang=\"x-default\""), "{}", f.path);
        }
    }
}

#[test]
fn profile_shows_facts_statistics_sources_and_backlinks() {
    let files = build();
    let html = page(&files, "complexes/huangyan-moulds/index.html");
    assert!(html.contains("<h1>黄岩模具产业创新服务综合体</h1>"), "{html}");
    assert!(html.contains("<link rel=\"canonical\" href=\"https://example.org/a/b/complexes/huangyan-moulds/\">"));
    assert!(html.contains(
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/a/b/en/complexes/huangyan-moulds/\">"
    ));
    assert!(
        html.contains("<a href=\"/a/b/en/complexes/huangyan-moulds/\" hreflang=\"en\" lang=\"en\">English</a>"),
        "{html}"
    );
    assert!(html.contains("<a href=\"/a/b/complexes/level/provincial/\">省级</a>"));
    assert!(html.contains("<a href=\"/a/b/cities/taizhou/\">台州市</a> 黄岩区"));
    // The latest observation per indicator, in 万, with its as-of date, marker and source.
    let latest = &html[html.find("id=\"statistics\"").unwrap()..html.find("id=\"history\"").unwrap()];
    assert!(
        latest.contains("<data value=\"77900\">7.79万</data> 家<span class=\"marker\">（累计）</span>"),
        "{latest}"
    );
    assert!(!latest.contains("6万"), "older observation is only in the history: {latest}");
    assert!(latest.contains("截至<time datetime=\"2019-10\">2019年10月</time>"));
    assert!(latest.contains("<data value=\"16400000000\">164</data> 亿元"));
    assert!(latest.contains("<a href=\"#source-zjnews-2019\">台州现场推进会报道</a>"));
    let history = &html[html.find("id=\"history\"").unwrap()..];
    assert!(history.contains("<data value=\"60000\">6万</data>"));
    // Narrative from Markdown, with Chinese emphasis and an internal link.
    assert!(
        html.contains(
            "<p><strong>注意：</strong>黄岩是<a href=\"/a/b/reports/taizhou-meeting-2019/\">模具之乡</a>。</p>"
        ),
        "{html}"
    );
    assert!(html.contains("<li id=\"source-zjnews-2019\"><a href=\"https://example.org/news\">台州现场推进会报道</a>，浙江新闻，<time datetime=\"2019-04-30\">2019年4月30日</time></li>"), "{html}");
    assert!(html.contains("最近核实：<time datetime=\"2024-05-01\">2024年5月1日</time>"));
    // Backlinks, newest first.
    let reports = &html[html.find("id=\"reports\"").unwrap()..];
    let newer = reports.find("/a/b/reports/taizhou-meeting-2019/").unwrap();
    let older = reports.find("/a/b/reports/first-batch-2018/").unwrap();
    assert!(newer < older);
    assert!(html.contains("<a href=\"/a/b/about/\">关于本站</a>"), "footer menu: {html}");
    assert!(html.contains("href=\"/a/b/data/statistics.csv\""));
    assert!(html.contains("<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/a/b/atom.xml\""));
}

#[test]
fn english_profile_marks_chinese_fallbacks() {
    let files = build();
    let html = page(&files, "en/complexes/huangyan-moulds/index.html");
    assert!(html.contains("<h1>Huangyan Moulds Industrial Innovation Service Complex</h1>"));
    assert!(html.contains("<dd><span lang=\"zh-CN\">黄岩模具运营公司</span></dd>"), "{html}");
    assert!(html.contains("<data value=\"77900\">77,900</data>"));
    assert!(html.contains("<data value=\"16400000000\">16.4 billion</data> yuan"));
    assert!(html.contains("as of <time datetime=\"2019-10\">October 2019</time>"));
    assert!(html.contains("<section id=\"narrative\" class=\"prose\" aria-label=\"About\" lang=\"zh-CN\">"), "{html}");
    assert!(html.contains("<a href=\"/a/b/en/reports/taizhou-meeting-2019/\">模具之乡</a>"));
}

#[test]
fn report_page_shows_event_people_photos_and_source() {
    let files = build();
    let html = page(&files, "reports/taizhou-meeting-2019/index.html");
    assert!(html.contains("<h1>全省产业创新服务综合体建设现场推进会在台州召开</h1>"));
    assert!(html.contains("<time datetime=\"2019-04-29T09:30+08:00\">2019年4月29日 09:30</time>"), "{html}");
    assert!(
        html.contains("<a href=\"/a/b/complexes/huangyan-moulds/\">黄岩模具综合体</a>"),
        "location links the complex: {html}"
    );
    assert!(
        html.contains("<tr><th scope=\"row\">某某</th><td>副省长</td><td>浙江省人民政府</td><td>讲话</td></tr>"),
        "{html}"
    );
    assert!(html.contains("<img src=\"/a/b/photos/taizhou-2019/hall.jpg\" alt=\"会场全景\" width=\"1200\" height=\"800\" loading=\"lazy\" decoding=\"async\">"), "{html}");
    assert!(html.contains("<figcaption>推进会现场 <span class=\"credit\">记者 某某 摄</span> <span class=\"licence\">（使用许可：经授权转载）</span></figcaption>"), "{html}");
    assert!(html.contains("<dt>记者</dt><dd>记者甲</dd>"));
    assert!(html.contains("<dt>通讯员</dt><dd>通讯员乙</dd>"));
    assert!(html.contains("<dt>转载依据</dt><dd>纯事实新闻</dd>"));
    assert!(html.contains("<meta name=\"PubDate\" content=\"2019-04-30\">"));
    assert!(html.contains("<a href=\"/a/b/complexes/yuhuan-valves/\">玉环水暖阀门产业创新服务综合体</a>"));
    assert!(html.contains("会议在<a href=\"/a/b/complexes/huangyan-moulds/\">黄岩</a>召开。"));
}

#[test]
fn home_has_totals_and_latest_reports() {
    let files = build();
    let html = page(&files, "index.html");
    assert!(html.contains("<h1>浙江省产业创新服务综合体</h1>"));
    assert!(html.contains("<p class=\"lead\">介绍浙江省产业创新服务综合体的公开资料。</p>"));
    assert!(html.contains("共 2 个综合体"));
    // Counts by level and city are charts, with their numbers in tables beside them.
    assert!(
        html.contains(
            "<th scope=\"row\"><a href=\"/a/b/complexes/level/provincial/\">省级</a></th><td class=\"num\">1</td>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"row\"><a href=\"/a/b/cities/taizhou/\">台州市</a></th><td class=\"num\">2</td>"),
        "{html}"
    );
    assert!(html.contains("<svg class=\"chart\"") && html.contains("<svg class=\"map\""), "{html}");
    assert!(html.find("taizhou-meeting-2019").unwrap() < html.find("first-batch-2018").unwrap());
    assert!(html.contains("<title>浙江省产业创新服务综合体</title>"));
    let en = page(&files, "en/index.html");
    assert!(en.contains("2 complexes in all"));
    assert!(en.contains("<a href=\"/a/b/\" hreflang=\"zh-CN\" lang=\"zh-CN\">中文</a>"));
}

#[test]
fn lists_browse_pages_and_the_rest() {
    let files = build();
    // Paginated (one per page here), with year and kind archives.
    let first = page(&files, "reports/index.html");
    assert!(first.contains("taizhou-meeting-2019") && !first.contains("href=\"/a/b/reports/first-batch-2018/\""));
    assert!(first.contains("<a href=\"/a/b/reports/page/2/\" rel=\"next\">下一页</a>"), "{first}");
    assert!(page(&files, "reports/page/2/index.html").contains("first-batch-2018"));
    assert!(page(&files, "reports/2018/index.html").contains("<h1>2018年报道</h1>"));
    assert!(page(&files, "en/reports/kind/site-meeting/index.html").contains("<h1>Site promotion meeting</h1>"));
    // Browse pages only for terms with complexes; a city page has its own totals.
    assert!(!files.iter().any(|f| f.path.contains("cities/hangzhou")));
    assert!(!files.iter().any(|f| f.path.contains("service/design")));
    let city = page(&files, "cities/taizhou/index.html");
    assert!(city.contains("<h1>台州市</h1>"));
    assert!(
        city.contains("<a href=\"/a/b/complexes/level/municipal/\">市级</a> <span class=\"count\">1</span>"),
        "{city}"
    );
    let directory = page(&files, "complexes/index.html");
    assert!(
        directory.contains("<a href=\"/a/b/complexes/service/testing/\">检验检测</a> <span class=\"count\">1</span>")
    );
    let search = page(&files, "search/index.html");
    assert!(
        search.contains("<form class=\"search-page-form\" role=\"search\" action=\"/a/b/search/\" method=\"get\">")
    );
    assert!(search.contains("JavaScript"));
    assert!(search.contains("href=\"/a/b/cities/taizhou/\""));
    let about = page(&files, "about/index.html");
    assert!(about.contains("<div class=\"prose\" lang=\"en\">"), "{about}");
    let not_found = page(&files, "404.html");
    assert!(not_found.contains("<a href=\"/a/b/en/\" hreflang=\"en\" lang=\"en\">English</a>"), "{not_found}");
    assert!(!files.iter().any(|f| f.path == "en/404.html"));
    assert!(files.iter().any(|f| f.path == "assets/style.css"));
    let mut paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let sorted = {
        let mut p = paths.clone();
        p.sort();
        p
    };
    assert_eq!(paths, sorted);
    paths.dedup();
    assert_eq!(paths.len(), files.len());
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let site = small_site();
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| build_site(&site).0);
    let many = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap().install(|| build_site(&site).0);
    assert_eq!(one, many);
}

#[test]
fn a_body_shown_in_both_languages_is_rendered_once_with_each_languages_links() {
    let site = small_site();
    let index = link::link(&site);
    let theme = default_theme().unwrap_or_else(|d| panic!("{d:?}"));
    // One thread renders each item's pages one after the other, reusing what it can.
    let together = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| build_site(&site).0);
    // Each page alone, by a renderer of its own: nothing to reuse.
    let jobs = Renderer::new(&site, &index, &theme).jobs();
    for job in jobs {
        let alone = Renderer::new(&site, &index, &theme);
        let file = alone.render(job).0.expect("renders");
        let same = together.iter().find(|f| f.path == file.path).expect("rendered together too");
        assert!(same.bytes == file.bytes, "{} differs when rendered alone", file.path);
    }
    // The report's body, rendered once, links to a profile in each page's own language.
    let zh = page(&together, "reports/taizhou-meeting-2019/index.html");
    let en = page(&together, "en/reports/taizhou-meeting-2019/index.html");
    assert!(zh.contains("<a href=\"/a/b/complexes/huangyan-moulds/\">黄岩</a>"), "{zh}");
    assert!(en.contains("<a href=\"/a/b/en/complexes/huangyan-moulds/\">黄岩</a>"), "{en}");
    // The English-only page body shows the same on both languages' pages.
    let body = "This site publishes facts.";
    assert!(
        page(&together, "about/index.html").contains(body) && page(&together, "en/about/index.html").contains(body)
    );
}

#[test]
fn pages_rendered_after_the_lists_cards_are_forgotten_are_the_same_and_lists_do_not_fail() {
    let site = small_site();
    let index = link::link(&site);
    let theme = default_theme().unwrap_or_else(|d| panic!("{d:?}"));
    let all = build_site(&site).0;
    let mut renderer = Renderer::new(&site, &index, &theme);
    renderer.forget_lists();
    for item in [ItemAt::Complex(0), ItemAt::Report(1), ItemAt::Page(0)] {
        for job in renderer.item_jobs(item) {
            let file = renderer.render(job).0.expect("renders");
            let same = all.iter().find(|f| f.path == file.path).expect("rendered with the rest");
            assert!(same.bytes == file.bytes, "{} differs once the cards are forgotten", file.path);
        }
    }
    // A list rendered too late lists no complexes, and renders.
    let list = renderer.list_jobs().into_iter().find(|&j| renderer.path(j) == "complexes/index.html").unwrap();
    let html = String::from_utf8(renderer.render(list).0.expect("renders").bytes.to_vec()).unwrap();
    assert!(!html.contains("huangyan-moulds/\""), "{html}");
    assert!(page(&all, "complexes/index.html").contains("huangyan-moulds/\""));
}

#[test]
fn broken_links_in_bodies_are_reported_once_per_file() {
    let mut site = small_site();
    site.reports[1].body.parts[0].markdown = "见[不存在](@/complexes/nowhere)。\n".into();
    let (_, diags) = build_site(&site);
    assert_eq!(diags.items().len(), 1, "{diags:?}");
    let d = &diags.items()[0];
    assert_eq!(
        (crate::diagnostics::display_path(&d.path).as_str(), d.line, d.column),
        ("content/reports/taizhou-meeting-2019.md", 40, 8)
    );
}

#[test]
fn rendering_errors_name_the_template_and_the_page() {
    let profile = "{% extends \"theme/profile.html\" %}\n{% block facts %}\n<p>{{ complex.nonexistent }}</p>\n{% endblock facts %}\n";
    let (_, diags) = build_site_with(&small_site(), &[("profile.html", profile)]);
    let d = diags
        .items()
        .iter()
        .find(|d| d.message.contains("/a/b/complexes/huangyan-moulds/"))
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(crate::diagnostics::display_path(&d.path), "templates/profile.html");
    assert_eq!(d.line, 3, "{d:?}");
    assert!(d.message.contains("while rendering /a/b/complexes/huangyan-moulds/"), "{d:?}");
}

#[test]
fn an_override_replaces_one_block() {
    let profile = "{% extends \"theme/profile.html\" %}\n{% block contact %}<p class=\"custom\">{{ complex.name | t }}</p>{% endblock contact %}\n";
    let out = build_with(&[("profile.html", profile)]);
    let html = page(&out, "complexes/huangyan-moulds/index.html");
    assert!(html.contains("<p class=\"custom\">黄岩模具产业创新服务综合体</p>"));
    assert!(html.contains("<h2 id=\"services\">服务内容</h2>"), "the rest of the theme's profile stays");
}

#[test]
fn pagination_links_a_window_of_pages_not_every_page() {
    let pages: Vec<(usize, bool)> = super::page_window(5, 10).collect();
    assert_eq!(pages, [(1, false), (3, true), (4, false), (5, false), (6, false), (7, false), (10, true)]);
    assert_eq!(super::page_window(1, 1).collect::<Vec<_>>(), [(1, false)]);
    assert_eq!(super::page_window(2, 3).collect::<Vec<_>>(), [(1, false), (2, false), (3, false)]);
    // The bar stays the same size however many pages there are.
    assert_eq!(super::page_window(500, 1000).count(), 7);
}

/// The theme with `overrides` (name, text) over the default theme's templates.
fn theme_with(overrides: &[(&str, &str)]) -> Theme {
    let mut files = theme::default_files();
    for (name, text) in overrides {
        files.overrides.push(theme::TemplateFile {
            name: name.to_string(),
            path: format!("templates/{name}"),
            text: text.to_string(),
        });
    }
    theme::build(files).unwrap_or_else(|d| panic!("{d:?}"))
}

#[test]
fn complex_lists_show_each_card_from_the_card_template() {
    let site = small_site();
    // A card rendered once, for every list, has no `page`; one rendered by a list has.
    let card = "<li class=\"mine\"><{{ card_heading | default(value=\"h3\") }}>{{ c.name | t }}</{{ card_heading | default(value=\"h3\") }}> {{ s.complexes }} {{ site.complexes_url }} [{% if page %}{{ page.url }}{% else %}once{% endif %}]</li>";
    // Browse pages set a heading of their own, so their cards come through the list's include.
    let browse = "{% extends \"theme/browse.html\" %}{% block content %}{% set card_heading = \"h2\" %}{% set complex_items = browse.complexes %}{% set complex_items_html = browse.complexes_html %}{% include \"partials/complex_list.html\" %}{% endblock content %}";
    let out = build_with(&[("partials/complex_card.html", card), ("browse.html", browse)]);
    let directory = page(&out, "complexes/index.html");
    assert!(
        directory.contains("<ul class=\"cards\"><li class=\"mine\"><h3>黄岩模具产业创新服务综合体</h3> 综合体名录 /a/b/complexes/ [once]</li>"),
        "{directory}"
    );
    assert_eq!(directory.matches("<li class=\"mine\">").count(), site.complexes.len(), "{directory}");
    let english = page(&out, "en/complexes/index.html");
    assert!(english.contains("<li class=\"mine\"><h3>Huangyan Moulds Industrial Innovation Service Complex</h3> Complexes /a/b/en/complexes/ [once]</li>"), "{english}");
    let city = page(&out, "cities/taizhou/index.html");
    assert!(city.contains("<li class=\"mine\"><h2>黄岩模具产业创新服务综合体</h2> 综合体名录 /a/b/complexes/ [/a/b/cities/taizhou/]</li>"), "{city}");
}

#[test]
fn a_failing_card_template_is_reported_on_the_pages_that_list_complexes() {
    let (out, diags) =
        build_site_with(&small_site(), &[("partials/complex_card.html", "<li>\n{{ c.nonexistent.deeper }}</li>")]);
    let on = |url: &str| {
        diags
            .items()
            .iter()
            .find(|d| d.message.contains(&format!("while rendering {url}")))
            .unwrap_or_else(|| panic!("nothing about {url}: {diags:?}"))
    };
    for url in ["/a/b/complexes/", "/a/b/cities/taizhou/", "/a/b/en/complexes/"] {
        let d = on(url);
        assert_eq!(crate::diagnostics::display_path(&d.path), "templates/partials/complex_card.html", "{d:?}");
        assert_eq!(d.line, 2, "{d:?}");
    }
    assert!(!out.iter().any(|f| f.path == "complexes/index.html"), "a page whose template failed is not written");
}

#[test]
fn a_template_looping_over_a_map_sees_its_keys_in_the_order_they_were_made() {
    // Template maps keep their order (tera's `preserve_order`); without it a loop over a map
    // lists its keys in a different order on every build.
    let home = "{% extends \"theme/home.html\" %}{% block content %}<ol>{% for key, value in page %}<li>{{ key }}</li>{% endfor %}</ol>{% endblock content %}";
    let out = build_with(&[("home.html", home)]);
    let html = page(&out, "index.html");
    assert!(
        html.contains("<ol><li>lang</li><li>html_lang</li><li>title</li><li>document_title</li><li>description</li>"),
        "{html}"
    );
}

#[test]
fn the_latest_observations_are_the_values_of_their_rows_in_the_history() {
    let mut site = small_site();
    let c = site.complexes.iter_mut().find(|c| c.id.as_str() == "huangyan-moulds").unwrap();
    // A second observation on the newest date: the one written later is the latest.
    let mut same_date = c.statistics[1].clone();
    same_date.value = 78_000.0;
    c.statistics.push(same_date);
    let c = site.complexes.iter().find(|c| c.id.as_str() == "huangyan-moulds").unwrap();
    let v = Viewer::new(&site, "zh").complex(c, (String::new(), None), Vec::new());
    assert_eq!((v.latest.len(), v.history.len(), v.history_views.len()), (2, 4, 4));
    for (latest, raw) in v.latest.iter().zip(["78000", "164"]) {
        let row = v.history.iter().position(|h| h == latest).expect("a latest observation is a row of the history");
        assert_eq!(v.history_views[row].raw_value, raw);
        assert_eq!(*latest, to_value(&v.history_views[row]), "the row's value is its view's");
    }
    assert_ne!(v.history[0], v.history[1], "rows of one indicator differ");
}
