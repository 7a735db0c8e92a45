//! The HTML pages `build` writes: what a reader sees on each kind of page, in both
//! languages, and how Markdown, templates and overrides behave.

mod common;

use common::TestSite;

fn build(site: &TestSite) {
    let out = site.build(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

fn built() -> TestSite {
    let site = TestSite::fixture("basic");
    build(&site);
    site
}

fn has(html: &str, needle: &str) {
    assert!(html.contains(needle), "missing {needle:?} in:\n{html}");
}

#[test]
fn profile_page_shows_facts_dated_statistics_and_sources() {
    let site = built();
    let zh = site.read("public/complexes/alpha-moulds/index.html");
    has(&zh, "<html lang=\"zh-CN\"");
    has(&zh, "<h1>阿尔法模具产业创新服务综合体</h1>");
    has(&zh, "<a href=\"/complexes/level/provincial/\">省级</a>");
    has(&zh, "<a href=\"/complexes/mode/government-led/\">政府主导</a>");
    // Numbers for Chinese readers use 万; the date keeps the source's precision.
    has(&zh, "不少于<data value=\"77900\">7.79万</data> 家");
    has(&zh, "截至<time datetime=\"2019-04\">2019年4月</time>");
    has(&zh, "<a href=\"#source-test-source\">测试来源</a>");
    // Backlinks: the report that names this complex.
    has(&zh, "<a href=\"/reports/meeting/\">测试现场推进会</a>");
    assert_eq!(zh.matches("<h1").count(), 1, "one h1");

    let en = site.read("public/en/complexes/alpha-moulds/index.html");
    has(&en, "<html lang=\"en\"");
    has(&en, "<h1>Alpha Mould Industry Innovation Service Complex</h1>");
    has(&en, "77,900");
    has(&en, "April 2019");
    has(&en, "hreflang=\"zh-CN\" href=\"https://example.org/complexes/alpha-moulds/\"");
    // A text with no English falls back to Chinese, marked as Chinese.
    has(&en, "lang=\"zh-CN\">阿尔法模具综合体</span>");
}

#[test]
fn markdown_renders_extensions_chinese_emphasis_and_anchors() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/complexes/beta-valves.md",
        site.read("content/complexes/beta-valves.md")
            + "\n## 数据表\n\n| 指标 | 数值 |\n|---|---|\n| 企业 | 12 |\n\n脚注示例[^1]，~~旧说法~~。\n\n[^1]: 脚注内容。\n",
    );
    build(&site);
    let html = site.read("public/complexes/beta-valves/index.html");
    has(&html, "<p><strong>注意：</strong>正文见 <a href=\"/complexes/alpha-moulds/\">阿尔法</a>");
    has(&html, "<h2 id=\"概况\">概况");
    has(&html, "<h2 id=\"数据表\">数据表");
    has(&html, "<td>企业</td><td>12</td>");
    has(&html, "<del>旧说法</del>");
    has(&html, "footnote-definition");
    has(&html, "<a href=\"/files/plan.pdf\">规划</a>");
    let en = site.read("public/en/complexes/beta-valves/index.html");
    has(&en, "<h2 id=\"overview\">Overview");
    has(&en, "<a href=\"/en/complexes/alpha-moulds/\">Alpha</a>");
}

#[test]
fn raw_html_is_sanitised_unless_the_site_opts_out() {
    let site = TestSite::fixture("basic");
    let raw = "\n<p onclick=\"alert(1)\">原始<script>alert(2)</script><a href=\"javascript:alert(3)\">链接</a></p>\n";
    site.write("content/pages/about.md", site.read("content/pages/about.md") + raw);
    build(&site);
    let html = site.read("public/about/index.html");
    has(&html, "原始");
    for bad in ["onclick", "alert(2)", "javascript:"] {
        assert!(!html.contains(bad), "{bad} survived sanitising");
    }
    site.edit("site.yaml", "reports_per_page: 2", "reports_per_page: 2\nsanitize_html: false");
    build(&site);
    has(&site.read("public/about/index.html"), "<script>alert(2)</script>");
}

#[test]
fn report_page_shows_event_attendees_photos_and_source() {
    let site = built();
    let html = site.read("public/reports/meeting/index.html");
    has(&html, "<time datetime=\"2019-04-29T09:30+08:00\">2019年4月29日 09:30</time>");
    has(&html, "<tr><th scope=\"row\">张三</th><td>主任</td><td></td><td>主持</td></tr>");
    has(&html, "<img src=\"/photos/meeting.jpg\" alt=\"会场\" width=\"4\" height=\"3\" loading=\"lazy\"");
    has(&html, "<span class=\"credit\">记者 某某 摄</span>");
    has(&html, "<a href=\"https://example.org/news\">");
    has(&html, "<a href=\"/complexes/beta-valves/\">贝塔阀门产业创新服务综合体</a>");
    let en = site.read("public/en/reports/meeting/index.html");
    has(&en, "29 April 2019");
    has(&en, "alt=\"The meeting hall\"");
}

#[test]
fn report_lists_paginate_and_archive_by_year_and_kind() {
    let site = built();
    let first = site.read("public/reports/index.html");
    let second = site.read("public/reports/page/2/index.html");
    // Two per page (site.yaml), newest first.
    assert!(first.find("/reports/meeting/").unwrap() < first.find("/reports/older-news/").unwrap());
    assert!(!first.contains("/reports/oldest-news/\""));
    has(&second, "/reports/oldest-news/");
    has(&first, "href=\"/reports/page/2/\"");
    has(&site.read("public/reports/2018/index.html"), "/reports/older-news/");
    assert!(!site.read("public/reports/2018/index.html").contains("/reports/meeting/\""));
    has(&site.read("public/reports/kind/news/index.html"), "/reports/oldest-news/");
}

#[test]
fn year_and_kind_archives_paginate_like_the_main_list() {
    let site = TestSite::fixture("basic");
    site.edit("site.yaml", "reports_per_page: 2", "reports_per_page: 1");
    build(&site);
    // The news kind has two reports: one a page, newest first.
    let first = site.read("public/reports/kind/news/index.html");
    let second = site.read("public/reports/kind/news/page/2/index.html");
    has(&first, "/reports/older-news/\"");
    assert!(!first.contains("/reports/oldest-news/\""), "{first}");
    has(&first, "<a href=\"/reports/kind/news/page/2/\" rel=\"next\">下一页</a>");
    has(&second, "/reports/oldest-news/\"");
    has(&second, "<a href=\"/reports/kind/news/\" rel=\"prev\">上一页</a>");
    has(&second, "<h1>综合报道（第2页）</h1>");
    // On a later page the list's entry in the aside still says it is the current list.
    has(&second, "<a href=\"/reports/kind/news/\" aria-current=\"true\">");
    has(&first, "<a href=\"/reports/kind/news/\" aria-current=\"page\">");
    // A year the same way, in English too.
    let year = site.read("public/en/reports/2018/page/2/index.html");
    has(&year, "<h1>Reports from 2018 (page 2)</h1>");
    has(&year, "/en/reports/oldest-news/\"");
    assert!(!site.path("public/reports/2019/page/2/index.html").exists(), "one report in 2019: one page");
}

#[test]
fn browse_pages_and_home_totals() {
    let site = built();
    let city = site.read("public/cities/taizhou/index.html");
    has(&city, "/complexes/alpha-moulds/");
    assert!(!city.contains("/complexes/beta-valves/\""));
    has(&site.read("public/complexes/service/industrial-design/index.html"), "/complexes/beta-valves/");
    has(&site.read("public/complexes/industry/valves/index.html"), "/complexes/beta-valves/");
    let home = site.read("public/index.html");
    has(&home, "/cities/hangzhou/");
    has(&home, "/reports/meeting/");
    has(&site.read("public/complexes/index.html"), "/complexes/level/municipal/");
    // Nothing links to a browse page that was not written.
    assert!(!site.path("public/cities/wenzhou").exists());
}

#[test]
fn not_found_and_search_pages() {
    let site = built();
    has(&site.read("public/404.html"), "href=\"/en/\"");
    let search = site.read("public/search/index.html");
    has(&search, "<form");
    has(&search, "/complexes/");
}

#[test]
fn a_site_template_overrides_one_block_of_the_theme() {
    let site = TestSite::fixture("basic");
    site.write(
        "templates/profile.html",
        "{% extends \"theme/profile.html\" %}{% block contact %}<p class=\"local-contact\">本地联系方式</p>{% endblock contact %}",
    );
    build(&site);
    let html = site.read("public/complexes/alpha-moulds/index.html");
    has(&html, "<p class=\"local-contact\">本地联系方式</p>");
    // The rest of the page still comes from the theme.
    has(&html, "<h1>阿尔法模具产业创新服务综合体</h1>");
}

#[test]
fn a_template_error_names_the_template_and_line() {
    let site = TestSite::fixture("basic");
    site.write(
        "templates/page.html",
        "{% extends \"theme/page.html\" %}\n{% block content %}\n<p>{{ page.title </p>\n{% endblock content %}\n",
    );
    let (code, json) = site.check_json();
    assert_eq!(code, 1, "{json:#}");
    let d = &json["diagnostics"][0];
    assert_eq!(d["path"], "templates/page.html", "{json:#}");
    assert_eq!(d["line"], 3, "{json:#}");
    // The line itself is shown, with a caret under the column.
    let out = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let col = d["column"].as_u64().unwrap() as usize;
    let caret = format!("       | {}^\n", " ".repeat(col - 1));
    assert!(stderr.contains(&format!("     3 | <p>{{{{ page.title </p>\n{caret}")), "{stderr}");
}

#[test]
fn a_rendering_error_names_the_page_being_rendered() {
    let site = TestSite::fixture("basic");
    site.write("templates/page.html", "{% extends \"theme/page.html\" %}\n{% block content %}\n{{ page.no_such_field.deeper }}\n{% endblock content %}\n");
    let out = site.build(&[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("templates/page.html:3:"), "{stderr}");
    assert!(stderr.contains("/about/"), "the page being rendered is named: {stderr}");
    assert!(stderr.contains("     3 | {{ page.no_such_field.deeper }}\n"), "the line is shown: {stderr}");
}

#[test]
fn the_404_page_gives_its_message_in_every_language() {
    // A static host serves the one 404.html for every missing address, /en/… included.
    let site = built();
    let html = site.read("public/404.html");
    has(&html, "<html lang=\"zh-CN\"");
    has(&html, "<title>页面不存在 · Page not found | ");
    has(&html, "<h1><span lang=\"zh-CN\">页面不存在</span><br><span lang=\"en\">Page not found</span></h1>");
    has(
        &html,
        "<div class=\"not-found\" lang=\"zh-CN\">\n<p>您要访问的页面不存在或已经移动。</p>\n<p><a href=\"/\" hreflang=\"zh-CN\">返回首页</a></p>",
    );
    has(
        &html,
        "<div class=\"not-found\" lang=\"en\">\n<p>The page you asked for does not exist or has moved.</p>\n<p><a href=\"/en/\" hreflang=\"en\">Go to the home page</a></p>",
    );
    assert!(!site.path("public/en/404.html").exists(), "one 404 page for the whole site");
}

#[test]
fn an_attendee_known_only_by_organisation_has_it_as_the_row_header() {
    // Sources often name only "the principal leader of" a place: the row header must not be empty.
    let site = built();
    let zh = site.read("public/reports/meeting/index.html");
    has(&zh, "<th scope=\"col\">姓名或单位</th>");
    has(&zh, "<tr><th scope=\"row\">张三</th><td>主任</td><td></td><td>主持</td></tr>");
    has(&zh, "<tr><th scope=\"row\">台州市</th><td></td><td></td><td>讲话</td></tr>");
    let en = site.read("public/en/reports/meeting/index.html");
    has(&en, "<th scope=\"col\">Name or organisation</th>");
    has(&en, "<tr><th scope=\"row\">Taizhou City</th><td></td><td></td><td>Speaks</td></tr>");
    for html in [&zh, &en] {
        assert!(!html.contains("<th scope=\"row\"></th>"), "an empty row header in:\n{html}");
    }
}

#[test]
fn a_table_scrolling_inside_a_section_is_a_region_of_its_own_name() {
    // The section is a region named by its heading; the table's scrolling region inside it
    // must not take the same name.
    let site = built();
    let zh = site.read("public/complexes/alpha-moulds/index.html");
    has(&zh, "<section class=\"no-print\" aria-labelledby=\"statistics\">");
    has(&zh, "<div class=\"table-wrap\" role=\"region\" aria-label=\"最新数据表格，可左右滚动\" tabindex=\"0\">");
    has(&zh, "<div class=\"table-wrap\" role=\"region\" aria-label=\"全部数据记录表格，可左右滚动\" tabindex=\"0\">");
    has(&zh, "<div class=\"table-wrap\" role=\"region\" aria-label=\"入选名单表格，可左右滚动\" tabindex=\"0\">");
    let en = site.read("public/en/reports/meeting/index.html");
    has(
        &en,
        "<div class=\"table-wrap\" role=\"region\" aria-label=\"People named table, scrolls sideways\" tabindex=\"0\">",
    );
    for html in [&zh, &en] {
        assert!(
            !html.contains("role=\"region\" aria-labelledby="),
            "a table's region named by its section's heading:\n{html}"
        );
    }
}

#[test]
fn a_district_follows_its_city_in_chinese_and_precedes_it_in_english() {
    let site = built();
    let zh = site.read("public/complexes/alpha-moulds/index.html");
    has(&zh, "<dd><a href=\"/cities/taizhou/\">台州市</a> 黄岩区</dd>");
    let en = site.read("public/en/complexes/alpha-moulds/index.html");
    has(&en, "<dd>Huangyan District, <a href=\"/en/cities/taizhou/\">Taizhou</a></dd>");
    // The cards of the lists, and a report's venue with its city, the same way.
    has(&site.read("public/cities/taizhou/index.html"), "<a href=\"/cities/taizhou/\">台州市</a> 黄岩区 · ");
    has(
        &site.read("public/en/cities/taizhou/index.html"),
        " · Huangyan District, <a href=\"/en/cities/taizhou/\">Taizhou</a> · ",
    );
    has(
        &site.read("public/reports/meeting/index.html"),
        "<dd><a href=\"/cities/taizhou/\">台州市</a> <a href=\"/complexes/alpha-moulds/\">台州</a></dd>",
    );
    has(
        &site.read("public/en/reports/meeting/index.html"),
        "<dd><a href=\"/en/complexes/alpha-moulds/\">Taizhou</a>, <a href=\"/en/cities/taizhou/\">Taizhou</a></dd>",
    );
}

#[test]
fn a_figure_in_yi_yuan_has_the_same_machine_readable_value_in_both_languages() {
    // 16.4 亿元 is shown as "16.4 亿元" and "1.64 billion yuan": the <data value> of both is
    // the amount in yuan, never the 16.4 of the source's unit.
    let site = built();
    let zh = site.read("public/complexes/alpha-moulds/index.html");
    has(&zh, "<data value=\"1640000000\">16.4</data> 亿元");
    let en = site.read("public/en/complexes/alpha-moulds/index.html");
    has(&en, "<data value=\"1640000000\">1.64 billion</data> yuan");
    // A count keeps its number.
    has(&en, "<data value=\"77900\">77,900</data>");
}

/// The page's JSON-LD, parsed.
fn json_ld(html: &str) -> serde_json::Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD script") + open.len();
    let end = start + html[start..].find("</script>").expect("its end");
    serde_json::from_str(&html[start..end]).expect("valid JSON")
}

#[test]
fn json_ld_of_an_untranslated_report_gives_the_language_its_headline_is_in() {
    let site = built();
    let en = site.read("public/en/reports/older-news/index.html");
    has(&en, "<h1><span lang=\"zh-CN\">旧闻</span></h1>");
    let article = &json_ld(&en)["@graph"][0];
    assert_eq!((&article["headline"], &article["inLanguage"]), (&"旧闻".into(), &"zh-CN".into()), "{article}");
    let translated = &json_ld(&site.read("public/en/reports/meeting/index.html"))["@graph"][0];
    assert_eq!(translated["inLanguage"], "en");
}

#[test]
fn json_ld_survives_markup_and_comment_openers_in_text() {
    let site = TestSite::fixture("basic");
    site.edit(
        "content/reports/meeting.md",
        "summary: {zh: 会议摘要。, en: Meeting summary.}",
        "summary: {zh: \"摘要 </script><!-- & ]]> 🎉\", en: \"Sum </SCRIPT> <!-- -->\"}",
    );
    build(&site);
    for (page, summary) in [
        ("public/reports/meeting/index.html", "摘要 </script><!-- & ]]> 🎉"),
        ("public/en/reports/meeting/index.html", "Sum </SCRIPT> <!-- -->"),
    ] {
        let html = site.read(page);
        let ld = json_ld(&html);
        assert_eq!(ld["@graph"][0]["description"], summary);
        assert_eq!(ld["@graph"][1]["description"], summary);
    }
}
