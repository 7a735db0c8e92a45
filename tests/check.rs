//! `fulcrum check`: one test per class of problem, asserting on the message and on the
//! editor's own line and column.

mod common;

use common::TestSite;

#[test]
fn the_fixture_is_clean() {
    let site = TestSite::fixture("basic");
    let out = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Checked 2 complexes, 3 reports and 1 page: no problems found"), "{stderr}");
}

#[test]
fn yaml_syntax_error() {
    let site = TestSite::fixture("basic");
    site.edit("content/complexes/alpha-moulds.yaml", "level: provincial", "level: provincial: yes");
    site.expect_problem("YAML syntax error").error().hint_contains("indentation");
}

#[test]
fn yaml_syntax_error_in_front_matter_points_at_the_file_line() {
    let site = TestSite::fixture("basic");
    site.edit("content/reports/older-news.md", "kind: news", "kind: news: bad");
    site.expect_problem("YAML syntax error").error().at("content/reports/older-news.md", 3, 11);
}

#[test]
fn an_unclosed_quote_is_reported_at_the_quote_not_past_the_end() {
    let site = TestSite::fixture("basic");
    let profile =
        "name: {zh: 伽马, en: Gamma}\nlevel: provincial\nstatus: \"creation\nlocation:\n  city: taizhou\nsummary: x\n";
    site.write("content/complexes/gamma.yaml", profile);
    let p = site.expect_problem("YAML syntax error");
    p.error().at("content/complexes/gamma.yaml", 3, 9).hint_contains("a quote opened here is never closed");
    assert!(!p.message.contains(" at line "), "{p:#?}");
    let out = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("     3 | status: \"creation\n       |         ^\n"), "{stderr}");
}

#[test]
fn an_unclosed_bracket_is_reported_at_the_bracket() {
    let site = TestSite::fixture("basic");
    let profile = "name: {zh: 伽马, en: Gamma}\nshort_names: [伽马, 甲\nlevel: provincial\nlocation:\n  city: taizhou\nsummary: x\n";
    site.write("content/complexes/gamma.yaml", profile);
    site.expect_problem("YAML syntax error")
        .error()
        .at("content/complexes/gamma.yaml", 2, 14)
        .hint_contains("a [ opened here is never closed");
}

#[test]
fn a_syntax_error_in_front_matter_has_one_position_the_files_own() {
    let site = TestSite::fixture("basic");
    site.write("content/pages/fm-quote.md", "---\ntitle: {zh: 甲, en: A}\nsummary: \"x\nmenu: 1\n---\nbody\n");
    site.write(
        "content/pages/fm-bracket.md",
        "---\ntitle: {zh: 乙, en: B}\nsummary: x\nmenu: 1\nbogus: [\n---\nbody\n",
    );
    let (_, json) = site.check_json();
    for (path, line, column, hint) in [
        ("content/pages/fm-quote.md", 3, 10, "a quote opened here"),
        ("content/pages/fm-bracket.md", 5, 8, "a [ opened here"),
    ] {
        let found = json["diagnostics"].as_array().unwrap().iter().find(|d| d["path"] == path);
        let d = found.unwrap_or_else(|| panic!("no problem in {path}: {json:#}"));
        assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(line), Some(column)), "{d:#}");
        let message = d["message"].as_str().unwrap();
        assert!(message.starts_with("YAML syntax error") && !message.contains(" line "), "{d:#}");
        assert!(d["hint"].as_str().unwrap().starts_with(hint), "{d:#}");
    }
}

#[test]
fn front_matter_never_closed() {
    let site = TestSite::fixture("basic");
    site.write("content/reports/older-news.md", "---\ntitle: 旧闻\nkind: news\npublished: 2018-12\n旧闻正文。\n");
    site.expect_problem("never closed").error().at("content/reports/older-news.md", 1, 1).hint_contains("---");
}

#[test]
fn missing_front_matter() {
    let site = TestSite::fixture("basic");
    site.write("content/pages/about.md", "关于本站。\n");
    site.expect_problem("no front matter").error().at("content/pages/about.md", 1, 1);
}

#[test]
fn unknown_key_with_did_you_mean() {
    let site = TestSite::fixture("basic");
    site.edit("content/complexes/alpha-moulds.yaml", "mode: government-led", "mdoe: government-led");
    site.expect_problem("unknown key \"mdoe\"")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 12, 1)
        .hint_contains("did you mean \"mode\"?");
}

#[test]
fn unknown_nested_key_in_front_matter() {
    let site = TestSite::fixture("basic");
    site.edit(
        "content/reports/meeting.md",
        "event: {date: 2019-04-29, time: \"09:30\"}",
        "event: {date: 2019-04-29, tiem: \"09:30\"}",
    );
    site.expect_problem("unknown key \"tiem\"")
        .error()
        .at("content/reports/meeting.md", 4, 27)
        .hint_contains("\"time\"");
}

#[test]
fn every_unknown_key_in_a_file_is_reported_in_one_run_with_the_missing_fields() {
    let site = TestSite::fixture("basic");
    let file = "content/complexes/alpha-moulds.yaml";
    site.edit(file, "  city: taizhou\n", "  city: taizhou\n  cty: x\n");
    site.edit(file, "summary: {zh:", "sumary: {zh:");
    site.edit(file, "name: {zh:", "nmae: {zh:");
    site.expect_problem("unknown key \"cty\" (in location)")
        .error()
        .at(file, 7, 3)
        .hint_contains("did you mean \"city\"?");
    site.expect_problem("unknown key \"sumary\"").error().at(file, 34, 1).hint_contains("did you mean \"summary\"?");
    site.expect_problem("unknown key \"nmae\"").error().at(file, 1, 1).hint_contains("did you mean \"name\"?");
    site.expect_problem("required field \"name\" is missing").error().at(file, 1, 1);
    site.expect_problem("required field \"summary\" is missing").error().at(file, 1, 1);
    let (_, json) = site.check_json();
    assert_eq!(json["errors"], 5, "{json:#}");
}

#[test]
fn a_key_written_twice_and_an_unknown_key_after_it_are_both_reported() {
    let site = TestSite::fixture("basic");
    let file = "content/complexes/alpha-moulds.yaml";
    site.edit(file, "    value: 16.4\n", "    value: 16.4\n    value: 17\n    valeu: 3\n");
    site.expect_problem("\"value\" is written twice (in statistics[1])").error().at(file, 30, 5);
    site.expect_problem("unknown key \"valeu\" (in statistics[1])").error().at(file, 31, 5).hint_contains("\"value\"");
}

#[test]
fn a_value_of_the_wrong_form_does_not_hide_the_files_other_problems() {
    let site = TestSite::fixture("basic");
    let file = "content/complexes/alpha-moulds.yaml";
    site.edit(file, "    value: 77900", "    value: \"many\"");
    site.edit(file, "    value: 16.4", "    value: [16.4]");
    site.edit(file, "level: provincial", "level: 5");
    site.expect_problem("wrong type: string \"many\", expected a number (in statistics[0].value)")
        .error()
        .at(file, 23, 12);
    site.expect_problem("wrong type: sequence, expected a number (in statistics[1].value)").error().at(file, 29, 12);
    site.expect_problem("\"5\" is not a known level value").error().at(file, 3, 8);
    // The values left out are not reported again as missing.
    let (_, json) = site.check_json();
    assert_eq!(json["errors"], 3, "{json:#}");
}

#[test]
fn thousands_of_problems_in_one_file_are_each_located() {
    let site = TestSite::fixture("basic");
    // Each statistic's indicator is unknown, and it has a key that statistics do not have:
    // 6,000 problems to locate in one document (each used to cost a reading of the whole
    // document; see load::tests for the count).
    let statistics: String = (0..3_000)
        .map(|i| format!("  - indicator: unknown-{i}\n    value: {i}\n    period: 2019\n    source: s\n    nota: x\n"))
        .collect();
    site.write(
        "content/complexes/gamma.yaml",
        format!(
            "name: 伽马\nlevel: provincial\nlocation: {{city: taizhou}}\nsummary: 伽马。\nsources: [{{id: s, title: 来源}}]\nstatistics:\n{statistics}"
        ),
    );
    let (code, json) = site.check_json();
    assert_eq!((code, &json["errors"]), (1, &6_000.into()), "{json:#}");
    site.expect_problem("\"unknown-2999\" is not a known indicator value").at(
        "content/complexes/gamma.yaml",
        7 + 5 * 2_999,
        16,
    );
    site.expect_problem("unknown key \"nota\" (in statistics[2999])").at(
        "content/complexes/gamma.yaml",
        11 + 5 * 2_999,
        5,
    );
}

#[test]
fn wrong_type() {
    let site = TestSite::fixture("basic");
    site.edit("content/complexes/alpha-moulds.yaml", "    value: 77900", "    value: many");
    site.expect_problem("wrong type").error().at("content/complexes/alpha-moulds.yaml", 23, 12);
    // A figure written as the page shows it: the hint gives the number to write.
    site.edit("content/complexes/alpha-moulds.yaml", "    value: many", "    value: 77,900家");
    site.expect_problem("wrong type: string \"77,900家\", expected a number (in statistics[0].value)")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 23, 12)
        .hint_contains("write the number alone, 77900, and its unit in unit: 家");
}

#[test]
fn missing_required_field() {
    let site = TestSite::fixture("basic");
    site.edit(
        "content/complexes/alpha-moulds.yaml",
        "summary: {zh: 一个用于测试的综合体。, en: A complex for tests.}\n",
        "",
    );
    site.expect_problem("required field \"summary\" is missing")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 1, 1)
        .hint_contains("summary:");
}

#[test]
fn value_outside_vocabulary() {
    let site = TestSite::fixture("basic");
    site.edit("content/complexes/alpha-moulds.yaml", "level: provincial", "level: provinical");
    site.expect_problem("\"provinical\" is not a known level")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 3, 8)
        .hint_contains("did you mean \"provincial\"?");
}

#[test]
fn vocabulary_label_instead_of_id() {
    let site = TestSite::fixture("basic");
    site.edit("content/complexes/alpha-moulds.yaml", "  city: taizhou", "  city: 台州市");
    site.expect_problem("\"台州市\" is not a known city")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 6, 9)
        .hint_contains("\"taizhou\"");
    // The short form of a label, when one label only begins with it; English in any case.
    site.edit("content/complexes/alpha-moulds.yaml", "  city: 台州市", "  city: 台州");
    site.expect_problem("\"台州\" is not a known city")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 6, 9)
        .hint_contains("write the id \"taizhou\", whose label is 台州市");
    site.edit("content/complexes/alpha-moulds.yaml", "  city: 台州", "  city: TAIZHOU");
    site.expect_problem("\"TAIZHOU\" is not a known city")
        .hint_contains("write the id \"taizhou\" rather than its label");
}

#[test]
fn impossible_date() {
    let site = TestSite::fixture("basic");
    site.edit("content/reports/meeting.md", "date: 2019-04-29", "date: 2019-02-30");
    site.expect_problem("impossible date").error().at("content/reports/meeting.md", 4, 15);
}

#[test]
fn report_naming_a_complex_that_does_not_exist() {
    let site = TestSite::fixture("basic");
    site.edit(
        "content/reports/meeting.md",
        "complexes: [alpha-moulds, beta-valves]",
        "complexes: [alpha-molds, beta-valves]",
    );
    site.expect_problem("unknown complex \"alpha-molds\"")
        .error()
        .at("content/reports/meeting.md", 9, 13)
        .hint_contains("did you mean \"alpha-moulds\"?");
}

#[test]
fn report_naming_a_draft_complex() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/complexes/beta-valves.md",
        site.read("content/complexes/beta-valves.md").replacen("level: municipal", "level: municipal\ndraft: true", 1),
    );
    site.expect_problem("unknown complex \"beta-valves\"").error().hint_contains("draft");
    let out = site.run(&["check", "--drafts"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn two_files_with_the_same_id() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/complexes/alpha-moulds.md",
        format!("---\n{}---\n", site.read("content/complexes/alpha-moulds.yaml")),
    );
    site.expect_problem("two complexes have the id \"alpha-moulds\"").error().hint_contains("rename");
    // Still reported, in the same run, when one of the two files cannot be parsed.
    site.write("content/complexes/alpha-moulds.yaml", "name: [\n");
    site.expect_problem("two complexes have the id \"alpha-moulds\": this file and content/complexes/alpha-moulds.md")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 1, 1);
    site.expect_problem("YAML syntax error")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 1, 7)
        .hint_contains("a [ opened here is never closed");
}

#[test]
fn a_yaml_profile_written_like_a_markdown_file_is_pointed_at_its_second_document() {
    let site = TestSite::fixture("basic");
    let file = "content/complexes/alpha-moulds.yaml";
    site.write(file, format!("---\n{}---\n一段正文。\n", site.read(file)));
    let lines = site.read(file).lines().count();
    site.expect_problem("the file holds a second YAML document, which starts here")
        .error()
        .at(file, lines - 1, 1)
        .hint_contains("name the file alpha-moulds.md and put the fields between two --- lines");
}

#[test]
fn a_hash_or_a_full_width_colon_that_would_change_a_text_quietly_is_named() {
    let site = TestSite::fixture("basic");
    let write = |name: &str, front: &str| {
        site.write(&format!("content/reports/{name}.md"), format!("---\n{front}---\n正文。\n"))
    };
    write("hash", "title:\n  zh: 第 #3 次会议\n  en: Meeting #3\nkind: news  # 类型\npublished: 2019-04-29\n");
    write("colons", "title:\n  zh：测试\n  en：Test\nkind: news\npublished: 2019-04-29\n");
    site.expect_problem("the text from this \"#\" on is a YAML comment, so \"zh\" ends before it")
        .error()
        .at("content/reports/hash.md", 3, 9)
        .hint_contains("zh: \"第 #3 次会议\"");
    site.expect_problem("the text from this \"#\" on is a YAML comment, so \"en\" ends before it").error().at(
        "content/reports/hash.md",
        4,
        15,
    );
    site.expect_problem("the colon after \"zh\" is the full-width \"：\", so this line is read as text").error().at(
        "content/reports/colons.md",
        3,
        5,
    );
    site.expect_problem("the colon after \"en\" is the full-width \"：\", so this line is read as text").error().at(
        "content/reports/colons.md",
        4,
        5,
    );
    // Ids run together with a full-width comma are one id to YAML: the list to write.
    write(
        "ids",
        "title: {zh: 测试, en: Test}\nkind: news\npublished: 2019-04-29\ncomplexes: [alpha-moulds，beta-valves]\n",
    );
    site.expect_problem("unknown complex \"alpha-moulds，beta-valves\"").error().hint_contains(
        "\"，\" is a full-width separator, so YAML reads one id here: write [alpha-moulds, beta-valves]",
    );
    // A comment written as one, after "# ", is no slip.
    let (_, json) = site.check_json();
    assert_eq!(json["errors"], 5, "{json:#}");
}

#[test]
fn a_value_of_the_wrong_form_is_named_in_the_editors_words_with_the_form_to_write() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/reports/forms.md",
        "---\ntitle: {zh: 测试, en: Test}\nkind: news\npublished: 2019-04-29\ndraft: \"false\"\nevent: 2019-04-29\n\
         location: 台州市\nattendees: 车俊\nphotos:\n  - {file: photos/meeting.jpg, alt: 图, width: 800px}\n---\n正文。\n",
    );
    let file = "content/reports/forms.md";
    site.expect_problem("expected a boolean (in draft)")
        .at(file, 5, 8)
        .hint_contains("write true or false, without quotes");
    site.expect_problem("wrong type: string \"2019-04-29\", expected the event's fields (in event)")
        .at(file, 6, 8)
        .hint_contains("event: {date: 2019-04-29");
    site.expect_problem("expected the place's fields (in location)").at(file, 7, 11).hint_contains("{city: taizhou}");
    site.expect_problem("expected a sequence (in attendees)").at(file, 8, 12).hint_contains("- name: {zh: 车俊");
    site.expect_problem("expected a whole number (in photos[0].width)");
    // No type is named as the program names it.
    let (_, json) = site.check_json();
    assert!(!json.to_string().contains("struct Raw") && !json.to_string().contains("u32"), "{json:#}");
}

#[test]
fn slips_of_a_chinese_keyboard_are_named_with_what_to_write() {
    let site = TestSite::fixture("basic");
    let write = |name: &str, front: &str| {
        site.write(&format!("content/reports/{name}.md"), format!("---\n{front}---\n正文。\n"))
    };
    write("dates", "title: {zh: 测试, en: Test}\nkind: news\npublished: 2019年4月29日\ncomplexes: alpha-moulds\n");
    write("colon", "title: {zh: 测试, en: Test}\nkind： news\npublished: 2019-04-29\n");
    write("comma", "title: {zh: 测试，en: Test}\nkind: news\npublished: 2019-04-29\n");
    write("space", "title: {zh: 测试, en: Test}\nkind:news\npublished: 2019-04-29\n");
    site.expect_problem("\"2019年4月29日\" is not written as a date: write 2019-04-29").error().at(
        "content/reports/dates.md",
        4,
        12,
    );
    site.expect_problem("wrong type: string \"alpha-moulds\", expected a sequence (in complexes)")
        .error()
        .at("content/reports/dates.md", 5, 12)
        .hint_contains("write a list, even of one item: [alpha-moulds]");
    // The parser stops on the line after the slip; the problem is shown where the slip is.
    site.expect_problem("YAML syntax error: the colon after \"kind\" is the full-width \"：\"")
        .error()
        .at("content/reports/colon.md", 3, 5)
        .hint_contains("write the colon \":\" and a space: kind: …");
    site.expect_problem("YAML syntax error: \"，\" is a full-width comma, which YAML reads as part of the text")
        .error()
        .at("content/reports/comma.md", 2, 15);
    write("chinese-key", "标题: {zh: 测试, en: Test}\nkind: news\npublished: 2019-04-29\n");
    site.expect_problem("unknown key \"标题\"")
        .error()
        .at("content/reports/chinese-key.md", 2, 1)
        .hint_contains("keys are written in English: title (标题)");
    site.expect_problem("YAML syntax error: the colon after \"kind\" has no space after it")
        .error()
        .at("content/reports/space.md", 3, 6)
        .hint_contains("write a space after the colon: kind: news");
}

#[test]
fn raw_html_that_is_removed_when_published_is_a_warning() {
    let site = TestSite::fixture("basic");
    let file = "content/reports/meeting.md";
    site.edit(
        file,
        "(@/complexes/alpha-moulds#statistics)。",
        "(@/complexes/alpha-moulds#statistics)。\n视频：<iframe src=\"https://v.example/1\"></iframe>",
    );
    let line = site.read(file).lines().position(|l| l.contains("<iframe")).unwrap() + 1;
    site.expect_problem("the <iframe> here is removed when the page is published")
        .warning()
        .at(file, line, 4)
        .hint_contains("sanitize_html");
    // A build says the same, and publishes the page without it.
    let out = site.build(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains(&format!("{file}:{line}:4: warning: the <iframe> here is removed")), "{stderr}");
    let page = site.read("public/reports/meeting/index.html");
    assert!(page.contains("视频：") && !page.contains("<iframe"), "{page}");
    // With sanitising off the element stays, and nothing is said.
    site.edit("site.yaml", "title:", "sanitize_html: false\ntitle:");
    let (code, json) = site.check_json();
    assert_eq!((code, &json["diagnostics"]), (0, &serde_json::json!([])), "{json:#}");
}

#[test]
fn an_attribute_that_sanitising_removes_is_a_warning_where_it_is_written() {
    let site = TestSite::fixture("basic");
    let file = "content/reports/meeting.md";
    site.edit(
        file,
        "(@/complexes/alpha-moulds#statistics)。",
        "(@/complexes/alpha-moulds#statistics)。\n重点：<span style=\"color:red\" class=\"x\">红字</span>，<a href=\"javascript:go()\">坏链接</a>\n\n\
         <div class=\"box\"\n  onclick=\"go()\">框</div>\n",
    );
    let text = site.read(file);
    let line = text.lines().position(|l| l.starts_with("重点：")).unwrap() + 1;
    // Columns count characters: 重点： is three.
    site.expect_problem("the style attribute of this <span> is removed when the page is published")
        .warning()
        .at(file, line, 10)
        .hint_contains("**bold**");
    site.expect_problem("the href attribute of this <a> is removed when the page is published")
        .warning()
        .at(file, line, 51)
        .hint_contains("https:");
    // An HTML block is read whole, so an attribute on the tag's second line is found there.
    site.expect_problem("the onclick attribute of this <div> is removed when the page is published")
        .warning()
        .at(file, line + 3, 3)
        .hint_contains("scripts never run");
    // What is kept is not named; a build says the same and publishes the page without them.
    let out = site.build(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.matches("warning:").count(), 3, "{stderr}");
    assert!(!stderr.contains("class attribute"), "{stderr}");
    let page = site.read("public/reports/meeting/index.html");
    assert!(page.contains("<span class=\"x\">红字</span>") && page.contains("<div class=\"box\">框</div>"), "{page}");
    assert!(!page.contains("onclick") && !page.contains("javascript:") && !page.contains("color:red"), "{page}");
}

#[test]
fn links_written_from_the_pages_own_address_are_named_with_what_to_write() {
    let site = TestSite::fixture("basic");
    let file = "content/reports/meeting.md";
    site.edit(
        file,
        "(@/complexes/alpha-moulds#statistics)。",
        "(@/complexes/alpha-moulds#statistics)。\n\
         甲[报道](reports/older-news/)，乙[报道](older-news.md)，丙[网站](www.zj.gov.cn/art.html)，\
         丁![图](photos/meeting.jpg)，戊<b@example.org>。\n",
    );
    let line = site.read(file).lines().position(|l| l.starts_with("甲")).unwrap() + 1;
    site.expect_problem(
        "broken link \"reports/older-news/\": without / at its start it leads from this page's own address",
    )
    .error()
    .at(file, line, 7)
    .hint_contains("@/reports/<id>");
    site.expect_problem("link to a content file \"older-news.md\"")
        .error()
        .at(file, line, 34)
        .hint_contains("@/reports/older-news");
    site.expect_problem("linked file \"www.zj.gov.cn/art.html\" does not exist")
        .error()
        .hint_contains("https://www.zj.gov.cn/art.html");
    // A file of static/ written without its leading / is that file, and an e-mail address
    // in angle brackets is no file at all: neither is a problem.
    let (_, json) = site.check_json();
    let messages: Vec<&str> =
        json["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    site.edit(file, "甲[报道](reports/older-news/)，乙[报道](older-news.md)，丙[网站](www.zj.gov.cn/art.html)，", "");
    let out = site.build(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let page = site.read("public/reports/meeting/index.html");
    assert!(
        page.contains("<img src=\"/photos/meeting.jpg\" alt=\"图\"") && page.contains("href=\"mailto:b@example.org\""),
        "{page}"
    );
}

#[test]
fn strict_counts_warnings_as_errors_and_then_nothing_is_written() {
    let site = TestSite::fixture("basic");
    let file = "content/reports/meeting.md";
    site.edit(
        file,
        "(@/complexes/alpha-moulds#statistics)。",
        "(@/complexes/alpha-moulds#statistics)。\n<b onclick=\"go()\">重点</b>\n",
    );
    let line = site.read(file).lines().position(|l| l.starts_with("<b ")).unwrap() + 1;
    // Without --strict the warning lets the check pass and the build write.
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = site.build(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let before = common::snapshot(&site.path("public"));
    assert!(!before.is_empty());

    // With it, the same warning is an error, where it is written, with the reason in its hint.
    let out = site.run(&["check", "--strict"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{file}:{line}:4: error: the onclick attribute of this <b> is removed")),
        "{stderr}"
    );
    assert!(
        stderr.contains("--strict counts this warning as an error") && stderr.contains("1 error, 0 warnings"),
        "{stderr}"
    );
    let out = site.run(&["check", "--strict", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (out.status.code(), json["errors"].as_u64(), json["warnings"].as_u64()),
        (Some(1), Some(1), Some(0)),
        "{json:#}"
    );
    let out = site.run(&["check", "--strict", "--format", "github"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("::error file={file},line={line},col=4::the onclick attribute")), "{stdout}");
    assert!(!stdout.contains("::warning"), "{stdout}");

    // A build with nothing changed since the one that wrote the warning fails as well, and
    // so does a full one; the output stays as the last build left it.
    for args in [&["--strict"][..], &["--strict", "--force"]] {
        let out = site.build(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error: the onclick attribute") && stderr.contains("Nothing was written"),
            "{args:?}: {stderr}"
        );
        assert_eq!(common::snapshot(&site.path("public")), before, "{args:?}");
    }

    // Every problem in one run: a broken link in a body, which a build checks as it renders,
    // is reported beside the warning made an error.
    site.edit(file, "<b onclick", "[坏链接](@/reports/no-such-report)\n<b onclick");
    let out = site.build(&["--strict"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no-such-report") && stderr.contains("the onclick attribute"), "{stderr}");
    assert!(stderr.contains("2 errors, 0 warnings"), "{stderr}");
    assert_eq!(common::snapshot(&site.path("public")), before);
}

#[test]
fn id_that_is_not_a_safe_slug() {
    let site = TestSite::fixture("basic");
    site.write("content/reports/Taizhou Meeting.md", site.read("content/reports/older-news.md"));
    site.expect_problem("\"Taizhou Meeting\" is not a safe id")
        .error()
        .at("content/reports/Taizhou Meeting.md", 1, 1)
        .hint_contains("\"taizhou-meeting\"");
}

#[test]
fn report_id_that_is_a_year() {
    let site = TestSite::fixture("basic");
    site.write("content/reports/2019.md", site.read("content/reports/older-news.md"));
    site.expect_problem("a report's id cannot be only digits: reports/2019/ lists the reports of a year")
        .error()
        .at("content/reports/2019.md", 1, 1)
        .hint_contains("2019-site-meeting.md");
}

#[test]
fn photo_that_does_not_exist() {
    let site = TestSite::fixture("basic");
    site.remove("static/photos/meeting.jpg");
    site.expect_problem("photo \"photos/meeting.jpg\" does not exist")
        .error()
        .at("content/reports/meeting.md", 12, 11)
        .hint_contains("static/photos/meeting.jpg");
}

#[test]
fn a_time_in_a_date_or_a_full_width_colon_in_a_time_gets_what_to_write() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/reports/timed.md",
        "---\ntitle: {zh: 测试, en: Test}\nkind: news\npublished: 2019-04-29\nevent:\n  date: 2019-04-29T09:30:00+08:00\n  time: \"09：30\"\n---\n正文。\n",
    );
    site.expect_problem("\"2019-04-29T09:30:00+08:00\" holds a time of day, which a date does not: write 2019-04-29")
        .error()
        .at("content/reports/timed.md", 6, 9);
    site.expect_problem("09：30").error().at("content/reports/timed.md", 7, 9).hint_contains("write time: \"09:30\"");
}

#[test]
fn a_file_named_almost_as_content_gets_the_name_to_give_it() {
    let site = TestSite::fixture("basic");
    site.write("content/reports/meeting.EN.md", "The English text.\n");
    site.write("content/reports/notes.MD", site.read("content/reports/older-news.md"));
    site.expect_problem("the file has no front matter, and its name is not a translation's")
        .error()
        .at("content/reports/meeting.EN.md", 1, 1)
        .hint_contains("rename it to meeting.en.md");
    site.expect_problem("file ignored: this file type is not content").warning().hint_contains("rename it to notes.md");
}

#[test]
fn a_required_field_written_with_nothing_after_it_is_empty_where_it_is_written() {
    let site = TestSite::fixture("basic");
    site.write("content/reports/blank.md", "---\ntitle:\nkind:\npublished: 2019-04-29\n---\n正文。\n");
    site.expect_problem("required field \"title\" is empty").error().at("content/reports/blank.md", 2, 1);
    site.expect_problem("required field \"kind\" is empty")
        .error()
        .at("content/reports/blank.md", 3, 1)
        .hint_contains("add kind: one of");
    // Left out, it is missing from the map that should hold it.
    site.write("content/reports/blank.md", "---\ntitle: {zh: 测试, en: Test}\npublished: 2019-04-29\n---\n正文。\n");
    site.expect_problem("required field \"kind\" is missing").error().at("content/reports/blank.md", 2, 1);
}

#[test]
fn front_matter_from_other_site_generators_gets_this_formats_keys() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/reports/hugo.md",
        "---\ntitle: {zh: 测试, en: Test}\nkind: news\ndate: 2019-04-29\nlastmod: 2019-05-01\ncategories: [会议]\n---\n正文。\n",
    );
    site.write("content/reports/toml.md", "+++\ntitle = \"测试\"\n+++\n正文。\n");
    let file = "content/reports/hugo.md";
    site.expect_problem("unknown key \"date\"").at(file, 4, 1).hint_contains("event: {date: 2019-04-29}");
    site.expect_problem("unknown key \"lastmod\"").at(file, 5, 1).hint_contains("write updated:");
    site.expect_problem("unknown key \"categories\"").at(file, 6, 1).hint_contains("kind:");
    site.expect_problem("the file has no front matter")
        .at("content/reports/toml.md", 1, 1)
        .hint_contains("not TOML between +++");
}

#[test]
fn lines_laid_out_otherwise_than_they_read_are_warnings_where_they_start() {
    let site = TestSite::fixture("basic");
    let file = "content/reports/meeting.md";
    site.edit(
        file,
        "(@/complexes/alpha-moulds#statistics)。",
        "(@/complexes/alpha-moulds#statistics)。\n\n    缩进的一段。\n\n##会议概况\n\n见[报道]（@/reports/older-news）。\n\n1、规划\n2、建设\n",
    );
    let line = site.read(file).lines().position(|l| l.contains("缩进的一段")).unwrap() + 1;
    site.expect_problem("this text is indented by four spaces or a tab, so it is published as a block of code")
        .warning()
        .at(file, line, 5)
        .hint_contains("between two ``` lines");
    site.expect_problem("\"##\" with no space after it does not make a heading")
        .warning()
        .at(file, line + 2, 1)
        .hint_contains("## 标题");
    site.expect_problem("\"（\" is a full-width bracket, so this is not a link").warning().at(file, line + 4, 6);
    site.expect_problem("lines numbered with \"、\" run together into one paragraph").warning().at(file, line + 7, 1);
    // A build says the same, and publishes it as the warning says.
    let out = site.build(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.contains("published as a block of code"), "{stderr}");
    assert!(site.read("public/reports/meeting/index.html").contains("<pre><code>缩进的一段。"));
}

#[test]
fn a_photo_written_with_static_in_its_path_gets_the_path_from_static() {
    let site = TestSite::fixture("basic");
    site.edit("content/reports/meeting.md", "file: photos/meeting.jpg", "file: static/photos/meeting.jpg");
    site.expect_problem("photo \"static/photos/meeting.jpg\" does not exist")
        .error()
        .hint_contains("write the path from static/: file: photos/meeting.jpg");
    // In a body's link, the same.
    let site = TestSite::fixture("basic");
    site.edit(
        "content/reports/meeting.md",
        "(@/complexes/alpha-moulds#statistics)。",
        "(@/complexes/alpha-moulds#statistics)。[规划](/static/files/plan.pdf)\n",
    );
    site.expect_problem("linked file \"/static/files/plan.pdf\" does not exist")
        .error()
        .hint_contains("write the path without static/: /files/plan.pdf");
}

#[test]
fn linked_file_that_does_not_exist() {
    let site = TestSite::fixture("basic");
    site.remove("static/files/plan.pdf");
    site.expect_problem("linked file \"/files/plan.pdf\" does not exist").error().at(
        "content/complexes/beta-valves.md",
        12,
        51,
    );
}

#[test]
fn broken_internal_link() {
    let site = TestSite::fixture("basic");
    site.edit("content/reports/meeting.md", "(@/complexes/alpha-moulds#statistics)", "(@/complexes/alpha-mould)");
    site.expect_problem("broken internal link \"@/complexes/alpha-mould\"")
        .error()
        .at("content/reports/meeting.md", 23, 18)
        .hint_contains("@/complexes/alpha-moulds");
}

#[test]
fn a_link_from_the_root_to_a_profile_or_report_that_does_not_exist_is_broken() {
    let site = TestSite::fixture("basic");
    let file = "content/reports/meeting.md";
    let links = "\n[a](/complexes/alpha-moulds/) [b](/en/reports/older-news/#top) [c](/complexes/level/provincial/) \
                 [d](/reports/2019/) [e](/reports/kind/news/) [f](/about/) [g](//example.org/reports/x/)\n";
    site.edit(
        file,
        "(@/complexes/alpha-moulds#statistics)。",
        &format!("(@/complexes/alpha-moulds#statistics)。\n{links}"),
    );
    let (code, json) = site.check_json();
    assert_eq!((code, &json["diagnostics"]), (0, &serde_json::json!([])), "links to pages that exist: {json:#}");
    site.edit(file, "[a](/complexes/alpha-moulds/)", "[a](/complexes/alpha-mould/)");
    site.expect_problem("broken link \"/complexes/alpha-mould/\": there is no complex \"alpha-mould\"")
        .error()
        .at(file, 25, 5)
        .hint_contains("did you mean \"@/complexes/alpha-moulds\"?");
    site.edit(file, "[b](/en/reports/older-news/#top)", "[b](/en/reports/newer-news/#top)");
    site.expect_problem("there is no report \"newer-news\"").error().at(file, 25, 34);
    // A folder of static/ with its own index.html is not a page.
    site.write("static/annual/index.html", "<!doctype html><title>2019</title>");
    site.edit(file, "[f](/about/)", "[f](/about/) [h](/annual/)");
    let (_, json) = site.check_json();
    let annual =
        json["diagnostics"].as_array().unwrap().iter().filter(|d| d["message"].as_str().unwrap().contains("annual"));
    assert_eq!(annual.count(), 0, "{json:#}");
    site.edit(file, "[f](/about/)", "[f](/abuot/)");
    site.expect_problem("broken link \"/abuot/\": there is no page \"abuot\"")
        .error()
        .hint_contains("did you mean \"@/pages/about\"?");
}

#[test]
fn a_link_from_the_root_into_the_default_languages_folder_or_a_static_page_is_checked_where_it_leads() {
    let site = TestSite::fixture("basic");
    // The default language's pages have no folder of their own: /zh/… is written nowhere.
    about_with_links(&site, &["/zh/complexes/alpha-moulds/", "/zh/cities/taizhou/#list", "/en/cities/taizhou/"]);
    site.expect_problem("broken link \"/zh/complexes/alpha-moulds/\": the site's default language, zh, has no folder")
        .error()
        .at("content/pages/about.md", 5, 5)
        .hint_contains("link to \"/complexes/alpha-moulds/\"");
    site.expect_problem("broken link \"/zh/cities/taizhou/#list\"")
        .error()
        .at("content/pages/about.md", 6, 5)
        .hint_contains("link to \"/cities/taizhou/#list\"");
    let (code, json) = site.check_json();
    assert_eq!((code, json["diagnostics"].as_array().unwrap().len()), (1, 2), "{json:#}");
    // Unless static/ has that folder.
    site.write("static/zh/complexes/alpha-moulds/index.html", "<!doctype html><title>old</title>");
    site.write("static/zh/cities/taizhou/index.html", "<!doctype html><title>old</title>");
    let (code, json) = site.check_json();
    assert_eq!((code, &json["diagnostics"]), (0, &serde_json::json!([])), "{json:#}");
    // A page of static/ stands in for a missing profile only at the link's own path.
    about_with_links(&site, &["/complexes/legacy/", "/en/reports/archive/"]);
    site.write("static/legacy/index.html", "<!doctype html><title>legacy</title>");
    site.write("static/reports/archive/index.html", "<!doctype html><title>archive</title>");
    site.expect_problem("broken link \"/complexes/legacy/\": there is no complex \"legacy\"").error().at(
        "content/pages/about.md",
        5,
        5,
    );
    site.expect_problem("broken link \"/en/reports/archive/\": there is no report \"archive\"").error().at(
        "content/pages/about.md",
        6,
        5,
    );
    site.write("static/complexes/legacy/index.html", "<!doctype html><title>legacy</title>");
    site.write("static/en/reports/archive/index.html", "<!doctype html><title>archive</title>");
    let (code, json) = site.check_json();
    assert_eq!((code, &json["diagnostics"]), (0, &serde_json::json!([])), "{json:#}");
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(site.path("public/complexes/legacy/index.html").is_file());
    assert!(site.path("public/en/reports/archive/index.html").is_file());
}

#[test]
fn a_link_from_the_root_to_a_pages_index_html_is_checked_as_a_link_to_the_page() {
    let site = TestSite::fixture("basic");
    about_with_links(
        &site,
        &[
            "/complexes/alpha-moulds/index.html",
            "/en/cities/taizhou/index.html#list",
            "/reports/index.html",
            "/index.html",
        ],
    );
    let (code, json) = site.check_json();
    assert_eq!((code, &json["diagnostics"]), (0, &serde_json::json!([])), "pages the build writes: {json:#}");
    about_with_links(&site, &["/complexes/alpha-mould/index.html", "/en/cities/nowhere/index.html"]);
    site.expect_problem("broken link \"/complexes/alpha-mould/index.html\": there is no complex \"alpha-mould\"")
        .error()
        .at("content/pages/about.md", 5, 5)
        .hint_contains("did you mean \"@/complexes/alpha-moulds\"?");
    site.expect_problem("broken link \"/en/cities/nowhere/index.html\": there is no city \"nowhere\"").error().at(
        "content/pages/about.md",
        6,
        5,
    );
}

/// The plain page content/pages/about.md with one link on each line from line 5 on.
#[test]
fn an_internal_link_without_an_id_says_what_to_add() {
    let site = TestSite::fixture("basic");
    about_with_links(&site, &["@/reports/", "@/complexes#list", "@/pages/"]);
    let about = "content/pages/about.md";
    site.expect_problem("broken internal link \"@/reports/\": it names no report")
        .error()
        .at(about, 5, 5)
        .hint_contains("add the report's id after the slash, its file name without .md: @/reports/<id> (the list of reports is /reports/)");
    site.expect_problem("broken internal link \"@/complexes#list\": it names no profile")
        .error()
        .at(about, 6, 5)
        .hint_contains("its file name without .yaml or .md: @/complexes/<id> (the list of complexes is /complexes/)");
    site.expect_problem("broken internal link \"@/pages/\": it names no page")
        .error()
        .at(about, 7, 5)
        .hint_contains("add the page's id after the slash, its file name without .md: @/pages/<id>");
    // A build says the same, and writes nothing.
    let build = site.run(&["build"]);
    assert_eq!(build.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(stderr.contains("error: broken internal link \"@/reports/\": it names no report"), "{stderr}");
}

fn about_with_links(site: &TestSite, links: &[&str]) {
    let lines: Vec<String> = links.iter().map(|l| format!("[x]({l})\n")).collect();
    site.write(
        "content/pages/about.md",
        format!("---\ntitle: {{zh: 关于, en: About}}\nmenu: 1\n---\n{}", lines.concat()),
    );
}

#[test]
fn links_to_the_browse_pages_a_build_writes_pass_in_both_languages() {
    let site = TestSite::fixture("basic");
    // Three reports, two to a page: the list of all reports has two pages.
    let links = [
        "/cities/taizhou/",
        "/en/cities/hangzhou",
        "/complexes/level/provincial/#list",
        "/en/complexes/level/municipal?sort=name",
        "/complexes/status/creation",
        "/en/complexes/mode/government-led/",
        "/complexes/industry/moulds/",
        "/en/complexes/industry/valves/",
        "/complexes/service/inspection-testing/",
        "/en/complexes/service/industrial-design/",
        "/reports/2019/",
        "/en/reports/2018",
        "/reports/kind/news/",
        "/en/reports/kind/site-promotion-meeting/#list",
        "/reports/page/2/",
        "/en/reports/page/2?from=home",
    ];
    about_with_links(&site, &links);
    let (code, json) = site.check_json();
    assert_eq!((code, &json["diagnostics"]), (0, &serde_json::json!([])), "{json:#}");
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for link in links {
        let path = link.split(['#', '?']).next().unwrap().trim_end_matches('/');
        assert!(site.path(&format!("public{path}/index.html")).is_file(), "the build writes {link}");
    }
}

#[test]
fn a_link_to_a_browse_page_the_build_does_not_write_is_broken() {
    let site = TestSite::fixture("basic");
    let broken = [
        (
            "/cities/nowhere/",
            "there is no city \"nowhere\"",
            "the build writes a page for each city in use: taizhou, hangzhou",
        ),
        (
            "/complexes/level/provincal/",
            "there is no level \"provincal\"",
            "did you mean \"/complexes/level/provincial/\"?",
        ),
        (
            "/en/complexes/industry/x/",
            "there is no industry \"x\"",
            "the build writes a page for each industry in use: moulds, valves",
        ),
        (
            "/reports/kind/forum/",
            "there is no report kind \"forum\"",
            "the build writes a page for each report kind in use: site-promotion-meeting, news",
        ),
        ("/reports/2031/", "there are no reports of 2031", "the years with reports are 2019, 2018"),
        ("/reports/page/3/", "the list has no page 3", "the list has 2 pages: \"/reports/\" and \"/reports/page/2/\""),
        ("/en/reports/page/1", "page 1 of the list is at its own address", "link to \"/en/reports/\""),
        ("/reports/kind/news/page/2/#top", "the list has no page 2", "the list has one page, \"/reports/kind/news/\""),
        (
            "/complexes/status/creation/page/2",
            "the list has no page 2",
            "the list has one page, \"/complexes/status/creation/\"",
        ),
        ("/en/cities/taizhou/more/", "the build writes no page there", "did you mean \"/en/cities/taizhou/\"?"),
        (
            "/complexes/service/",
            "it names no service element",
            "the build writes a page for each service element in use: inspection-testing, industrial-design",
        ),
    ];
    let links: Vec<&str> = broken.iter().map(|b| b.0).collect();
    about_with_links(&site, &links);
    let (_, json) = site.check_json();
    assert_eq!(json["errors"], broken.len(), "{json:#}");
    for (i, (link, message, hint)) in broken.into_iter().enumerate() {
        let message = format!("broken link \"{link}\": {message}");
        let p = site.expect_problem(&message);
        p.error().at("content/pages/about.md", 5 + i, 5);
        assert_eq!((p.message.as_str(), p.hint.as_deref()), (message.as_str(), Some(hint)));
    }
}

#[test]
fn a_vocabulary_term_that_no_complex_has_gets_no_page_and_a_link_to_it_is_broken() {
    let site = TestSite::fixture("basic");
    site.edit("site.yaml", "  levels:\n", "  levels:\n    national: {label: {zh: 国家级, en: National}}\n");
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(site.path("public/complexes/level/provincial/index.html").is_file());
    assert!(!site.path("public/complexes/level/national").exists(), "no page for a level nobody has");
    about_with_links(&site, &["/en/complexes/level/national/"]);
    let p = site.expect_problem("national");
    p.error().at("content/pages/about.md", 5, 5);
    assert_eq!(
        (p.message.as_str(), p.hint.as_deref()),
        (
            "broken link \"/en/complexes/level/national/\": no complex has the level \"national\", so the build writes no page for it",
            Some("the build writes a page for each level in use: provincial, municipal")
        )
    );
}

#[test]
fn a_link_to_a_list_only_drafts_would_add_says_so_and_passes_with_drafts() {
    let site = TestSite::fixture("basic");
    site.edit("content/reports/meeting.md", "complexes: [alpha-moulds, beta-valves]", "complexes: [alpha-moulds]");
    site.edit("content/complexes/beta-valves.md", "level: municipal", "level: municipal\ndraft: true");
    // Both news reports, the only ones of 2018, are drafts too.
    site.edit("content/reports/older-news.md", "kind: news", "kind: news\ndraft: true");
    site.edit("content/reports/oldest-news.md", "kind: news", "kind: news\ndraft: true");
    about_with_links(&site, &["/cities/hangzhou/", "/en/reports/2018/", "/reports/kind/news/"]);
    for (i, message) in [
        "broken link \"/cities/hangzhou/\": only drafts have the city \"hangzhou\", so the build writes no page for it",
        "broken link \"/en/reports/2018/\": only drafts are reports of 2018, so the build writes no page for it",
        "broken link \"/reports/kind/news/\": only drafts have the report kind \"news\", so the build writes no page for it",
    ]
    .into_iter()
    .enumerate()
    {
        let p = site.expect_problem(message);
        p.error().at("content/pages/about.md", 5 + i, 5);
        assert_eq!(p.hint.as_deref(), Some("publish one of them (remove draft: true), or build with --drafts"));
    }
    let out = site.run(&["check", "--drafts"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_link_to_a_browse_page_that_a_file_with_errors_may_add_is_not_reported_with_it() {
    let site = TestSite::fixture("basic");
    // beta-valves is the only complex in hangzhou, at the municipal level, with valves; its
    // error leaves it out, so its pages are not known until it is mended.
    site.edit("content/complexes/beta-valves.md", "level: municipal", "level: municipl");
    about_with_links(
        &site,
        &["/cities/hangzhou/", "/complexes/level/municipal/", "/en/complexes/industry/valves/", "/cities/nowhere/"],
    );
    let (code, json) = site.check_json();
    assert_eq!((code, &json["errors"]), (1, &2.into()), "{json:#}");
    site.expect_problem("\"municipl\" is not a known level value").error();
    site.expect_problem("broken link \"/cities/nowhere/\": there is no city \"nowhere\"").error().at(
        "content/pages/about.md",
        8,
        5,
    );
}

#[test]
fn a_report_naming_a_complex_twice_is_warned_of_at_the_second_mention() {
    let site = TestSite::fixture("basic");
    let file = "content/reports/meeting.md";
    site.edit(
        file,
        "complexes: [alpha-moulds, beta-valves]",
        "complexes: [alpha-moulds, beta-valves, alpha-moulds, gamma, gamma]",
    );
    let p = site.expect_problem("complex \"alpha-moulds\" is named twice");
    p.warning().at(file, 9, 40);
    assert_eq!(p.hint.as_deref(), Some("remove the repetition: the report's page shows each complex once"));
    // An unknown id written twice is one error, and the repetition a warning.
    site.expect_problem("unknown complex \"gamma\"").error().at(file, 9, 54);
    site.expect_problem("complex \"gamma\" is named twice").warning().at(file, 9, 61);
    site.edit(file, ", gamma, gamma]", "]");
    let (code, json) = site.check_json();
    assert_eq!((code, &json["warnings"]), (0, &1.into()), "{json:#}");
}

#[test]
fn a_link_to_a_file_the_build_writes_itself_is_not_a_missing_file() {
    let site = TestSite::fixture("basic");
    let files = [
        "/data/statistics.csv",
        "/data/complexes.json",
        "/data/datapackage.json",
        "/atom.xml",
        "/en/atom.xml",
        "/sitemap.xml",
    ];
    let links: Vec<String> = files.iter().map(|f| format!("[f]({f})")).collect();
    site.edit("content/pages/about.md", "关于本站。", &format!("{}\n\n关于本站。", links.join(" ")));
    let (code, json) = site.check_json();
    assert_eq!((code, &json["diagnostics"]), (0, &serde_json::json!([])), "{json:#}");
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for f in files {
        assert!(site.path(&format!("public{f}")).is_file(), "the build writes {f}");
    }
    site.edit("content/pages/about.md", "[f](/atom.xml)", "[f](/atom.xml) [g](/data/stats.csv)");
    site.expect_problem("linked file \"/data/stats.csv\" does not exist").error();
}

#[test]
fn broken_internal_link_in_a_translation() {
    let site = TestSite::fixture("basic");
    site.edit("content/complexes/beta-valves.en.md", "@/complexes/alpha-moulds", "@/reports/nothing");
    site.expect_problem("broken internal link \"@/reports/nothing\"").error().at(
        "content/complexes/beta-valves.en.md",
        3,
        13,
    );
}

#[test]
fn front_matter_in_a_translation_is_an_error_that_says_where_the_fields_go() {
    let site = TestSite::fixture("basic");
    let body = site.read("content/complexes/beta-valves.en.md");
    site.write("content/complexes/beta-valves.en.md", format!("---\ntitle: {{en: X}}\nbogus: [\n---\n{body}"));
    site.expect_problem("the front matter of a translation is not read")
        .error()
        .at("content/complexes/beta-valves.en.md", 1, 1)
        .hint_contains("content/complexes/beta-valves.yaml (or beta-valves.md) as {zh: …, en: …}");
    // The body after it is still checked, on its own lines.
    site.edit("content/complexes/beta-valves.en.md", "@/complexes/alpha-moulds", "@/reports/nothing");
    site.expect_problem("broken internal link \"@/reports/nothing\"").error().at(
        "content/complexes/beta-valves.en.md",
        7,
        13,
    );
}

#[test]
fn invalid_utf8() {
    let site = TestSite::fixture("basic");
    site.write("content/reports/older-news.md", b"---\ntitle: \xe6\x97\xa7\xff\n".as_slice());
    site.expect_problem("not valid UTF-8").error().at("content/reports/older-news.md", 2, 9).hint_contains("UTF-8");
}

#[test]
fn empty_file() {
    let site = TestSite::fixture("basic");
    site.write("content/complexes/gamma.yaml", "");
    site.expect_problem("the file is empty").error().at("content/complexes/gamma.yaml", 1, 1);
}

#[test]
fn bom_and_crlf_are_fine() {
    let site = TestSite::fixture("basic");
    let md = site.read("content/reports/meeting.md").replace('\n', "\r\n");
    site.write("content/reports/meeting.md", format!("\u{feff}{md}"));
    let yaml = site.read("content/complexes/alpha-moulds.yaml").replace('\n', "\r\n");
    site.write("content/complexes/alpha-moulds.yaml", format!("\u{feff}{yaml}"));
    let (code, json) = site.check_json();
    assert_eq!(code, 0, "{json:#}");
    // Positions still point at the right line after a BOM and CRLF.
    site.edit("content/reports/meeting.md", "date: 2019-04-29", "date: 2019-02-30");
    site.expect_problem("impossible date").at("content/reports/meeting.md", 4, 15);
}

#[test]
fn statistic_without_a_source_is_a_warning() {
    let site = TestSite::fixture("basic");
    site.edit(
        "content/complexes/alpha-moulds.yaml",
        "    period: 2018\n    source: test-source\n",
        "    period: 2018\n",
    );
    let p = site.expect_problem("names no source");
    p.warning().at("content/complexes/alpha-moulds.yaml", 28, 5);
    assert_eq!(p.exit, 0, "warnings alone do not fail check");
}

#[test]
fn photo_without_a_credit_is_a_warning() {
    let site = TestSite::fixture("basic");
    site.edit("content/reports/meeting.md", "    credit: 记者 某某 摄\n", "");
    site.expect_problem("no credit").warning().at("content/reports/meeting.md", 12, 5);
}

#[test]
fn photo_without_alt_text_is_an_error() {
    let site = TestSite::fixture("basic");
    site.edit("content/reports/meeting.md", "    alt: {zh: 会场, en: The meeting hall}\n", "");
    site.expect_problem("needs alt text").error();
}

#[test]
fn unknown_language_key() {
    let site = TestSite::fixture("basic");
    site.edit(
        "content/complexes/alpha-moulds.yaml",
        "leading: {zh: 模具, en: Moulds}",
        "leading: {zh: 模具, en: Moulds, dies}",
    );
    site.expect_problem("unknown language \"dies\"")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 9, 33)
        .hint_contains("quoted");
}

#[test]
fn event_without_a_date() {
    let site = TestSite::fixture("basic");
    site.edit("content/reports/meeting.md", "event: {date: 2019-04-29, time: \"09:30\"}\n", "");
    site.expect_problem("needs the event's date").error();
}

#[test]
fn every_problem_in_one_run() {
    let site = TestSite::fixture("basic");
    site.edit("content/complexes/alpha-moulds.yaml", "level: provincial", "level: provinical");
    site.edit("content/complexes/alpha-moulds.yaml", "  city: taizhou", "  city: taizou");
    site.edit("content/reports/meeting.md", "date: 2019-04-29", "date: 2019-02-30");
    site.write("content/pages/empty.md", "");
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "  1. content/complexes/alpha-moulds.yaml:3:8: error: \"provinical\" is not a known level",
        "  2. content/complexes/alpha-moulds.yaml:6:9: error: \"taizou\" is not a known city",
        "content/pages/empty.md:1:1: error: the file is empty",
        "content/reports/meeting.md:4:15: error: \"2019-02-30\" is an impossible date",
        "4 errors, 0 warnings",
        "   3 | level: provinical",
    ] {
        assert!(stderr.contains(needle), "missing {needle:?} in:\n{stderr}");
    }
}

#[test]
fn github_format_annotates_files() {
    let site = TestSite::fixture("basic");
    site.edit("content/complexes/alpha-moulds.yaml", "level: provincial", "level: provinical");
    let out = site.run(&["check", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::error file=content/complexes/alpha-moulds.yaml,line=3,col=8::\"provinical\" is not a known level value%0Ahint: did you mean \"provincial\"?"),
        "{stdout}"
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("fulcrum")
        .unwrap()
        .args(["--root"])
        .arg(dir.path())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no site.yaml"));
    let out = assert_cmd::Command::cargo_bin("fulcrum").unwrap().args(["check", "--format", "xml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn site_yaml_problems_are_located() {
    let site = TestSite::fixture("basic");
    site.edit("site.yaml", "reports_per_page: 2", "reports_per_pag: 2");
    site.expect_problem("unknown key \"reports_per_pag\"")
        .error()
        .at("site.yaml", 6, 1)
        .hint_contains("reports_per_page");
}

#[test]
fn help_has_examples() {
    for cmd in ["build", "check"] {
        let out = assert_cmd::Command::cargo_bin("fulcrum").unwrap().args([cmd, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Examples:") && text.contains(&format!("fulcrum {cmd}")), "{text}");
    }
}

/// What `check` makes of the site, as text: the checked site and its warnings, or the problems.
fn check_outcome(
    site: &TestSite,
    cache: Option<&std::sync::Arc<fulcrum::load::ParseCache>>,
    hold_bodies: bool,
) -> String {
    let options = fulcrum::Options {
        root: site.root().to_path_buf(),
        hold_bodies,
        parse_cache: cache.cloned(),
        ..Default::default()
    };
    match fulcrum::check(&options) {
        Ok(c) => format!("{:#?}\n{:#?}", c.site, c.warnings),
        Err(f) => format!("{f:#?}"),
    }
}

#[test]
fn a_check_that_reuses_parsed_files_sees_what_a_fresh_check_sees() {
    let site = TestSite::example();
    let cache = std::sync::Arc::new(fulcrum::load::ParseCache::default());
    let hold = std::cell::Cell::new(true);
    let same = |what: &str, reused: usize| {
        let cached = check_outcome(&site, Some(&cache), hold.get());
        let fresh = check_outcome(&site, None, hold.get());
        if let Some((i, (a, b))) = cached.lines().zip(fresh.lines()).enumerate().find(|(_, (a, b))| a != b) {
            panic!("{what}: line {} differs, with the cache:\n{a}\nwithout:\n{b}", i + 1);
        }
        assert_eq!(cached.lines().count(), fresh.lines().count(), "{what}: {cached}");
        assert_eq!(cache.reused(), reused, "{what}: files taken from the cache");
        cached
    };
    let files = walkdir::WalkDir::new(site.path("content"))
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_type().is_file())
        .count();
    assert!(same("first check", 0).contains("Wenling"));
    same("nothing changed", files);

    site.edit("content/complexes/wenling-pumps.yaml", "Wenling", "Wenling City");
    assert!(same("one file edited", files - 1).contains("Wenling City"));

    site.edit("content/reports/taizhou-site-promotion-meeting-2019.md", "title:", "titel:");
    let failed = same("a file broken", files - 1);
    assert!(failed.contains("unknown key \\\"titel\\\""), "{failed}");
    // The broken file's problem comes from the cache too.
    assert_eq!(same("nothing changed since it broke", files), failed);

    site.edit("content/reports/taizhou-site-promotion-meeting-2019.md", "titel:", "title:");
    site.remove("content/complexes/jiaojiang-smart-toilets.en.md");
    let fixed = same("the file mended and a translation removed", files - 2);
    assert!(!fixed.contains("jiaojiang-smart-toilets.en.md"), "a removed file is forgotten");
    let kept = format!("{cache:?}");
    assert!(kept.contains(&format!("files: {}", files - 1)), "the cache forgets it too: {kept}");

    // Where a file is decides what it is: the same bytes in another section are parsed anew.
    let report = "content/reports/taizhou-complex-inspections-2019.md";
    let moved = "content/pages/taizhou-complex-inspections-2019.md";
    std::fs::rename(site.path(report), site.path(moved)).unwrap();
    let as_page = same("a report moved into the pages", files - 2);
    assert!(as_page.contains("content/pages/taizhou-complex-inspections-2019.md"), "{as_page}");
    std::fs::rename(site.path(moved), site.path(report)).unwrap();
    same("and moved back", files - 2);

    // Bodies left in their files are parsed anew, and so is each file when they are held again.
    hold.set(false);
    assert!(same("bodies left in their files", 0).contains("InFile"));
    hold.set(true);
    same("bodies held again", 0);

    // The languages decide which files are translations: another list parses every file anew.
    site.write("content/pages/about.fr.md", "À propos.\n");
    let page = same("a French file while the site has no French", files - 1);
    assert!(page.contains("\\\"fr\\\" is not one of the site's languages"), "{page}");
    site.edit("site.yaml", "languages: [zh, en]", "languages: [zh, en, fr]");
    let translated = same("the same file once the site has French", 0);
    assert!(translated.contains("À propos."), "{translated}");
    // The first language is the default, whose text is in the item's own file: about.en.md
    // is then refused.
    site.edit("site.yaml", "languages: [zh, en, fr]", "languages: [en, zh, fr]");
    let reordered = same("English first", 0);
    assert!(reordered.contains("\\\"en\\\" is the site's default language"), "{reordered}");
}

#[test]
fn a_file_that_fails_to_parse_is_not_reported_missing_by_the_files_that_name_it() {
    let site = TestSite::fixture("basic");
    // The fixture's report names alpha-moulds twice and links it; so does beta-valves, in
    // both languages. A translation of the broken file sits beside it.
    site.edit("content/complexes/alpha-moulds.yaml", "level: provincial", "level: provincial\nlevel: municipal");
    site.write("content/complexes/alpha-moulds.en.md", "See [Beta](@/complexes/beta-valves).\n");
    let (code, json) = site.check_json();
    assert_eq!(code, 1, "{json:#}");
    let problems = json["diagnostics"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "only the broken file's own problem: {json:#}");
    assert_eq!(problems[0]["path"], "content/complexes/alpha-moulds.yaml", "{json:#}");
    // An id that names no file at all is still reported.
    site.edit(
        "content/reports/meeting.md",
        "complexes: [alpha-moulds, beta-valves]",
        "complexes: [gamma, beta-valves]",
    );
    site.expect_problem("unknown complex \"gamma\"").error().at("content/reports/meeting.md", 9, 13);
}

#[test]
fn a_long_line_is_shown_around_the_problem_with_the_caret_under_it() {
    let site = TestSite::fixture("basic");
    let line = format!("{}[x](@/complexes/nope){}", "文".repeat(100_000), "字".repeat(100_000));
    site.write("content/pages/long.md", format!("---\ntitle: 长\n---\n{line}\n"));
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.len() < 1_000, "{} bytes of output", stderr.len());
    // 40 columns before the link's target (a CJK character takes two), 100 in all.
    let shown = format!("...{}[x](@/complexes/nope){}...", "文".repeat(18), "字".repeat(21));
    let caret = format!("   {}    ^", "　".repeat(18));
    for needle in [
        "content/pages/long.md:4:100005: error: broken internal link \"@/complexes/nope\"".to_string(),
        format!("     4 | {shown}\n"),
        format!("       | {caret}\n"),
    ] {
        assert!(stderr.contains(&needle), "missing {needle:?} in:\n{stderr}");
    }
}

#[test]
fn many_problems_alike_on_one_line_are_counted_not_all_shown() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/pages/links.md",
        format!("---\ntitle: 链接\n---\n{}\n", "文字 [x](@/complexes/nope) ".repeat(4_000)),
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.len() < 10_000, "{} bytes of output", stderr.len());
    assert_eq!(stderr.matches("error: broken internal link").count(), 10, "{stderr}");
    for needle in [
        " 10. content/pages/links.md:4:233: error: broken internal link \"@/complexes/nope\"",
        "     ... and 3990 more problems like this one in this file, not shown\n4000 errors, 0 warnings",
    ] {
        assert!(stderr.contains(needle), "missing {needle:?} in:\n{stderr}");
    }
    // Tools get every one.
    let (_, json) = site.check_json();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 4_000);
}

#[cfg(unix)]
#[test]
fn a_pipe_among_the_content_is_skipped_with_a_warning() {
    let site = TestSite::fixture("basic");
    let made = std::process::Command::new("mkfifo").arg(site.path("content/complexes/pipe.yaml")).status().unwrap();
    assert!(made.success());
    site.expect_problem("file ignored: it is not a regular file")
        .warning()
        .at("content/complexes/pipe.yaml", 0, 0)
        .hint_contains("only ordinary files are read");
}

#[test]
fn folders_inside_a_section_are_ignored_as_the_warning_says() {
    let site = TestSite::fixture("basic");
    let profile = site.read("content/complexes/alpha-moulds.yaml");
    site.write("content/complexes/sub/subdir-one.yaml", &profile);
    // A copy of an existing profile is not a second file with its id.
    site.write("content/complexes/sub/alpha-moulds.yaml", &profile);
    site.expect_problem("folder ignored: the files in content/complexes/sub/ are not read")
        .warning()
        .at("content/complexes/sub", 0, 0)
        .hint_contains("put files directly in content/complexes/");
    let out = site.build(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
    assert!(site.path("public/complexes/alpha-moulds/index.html").is_file());
    assert!(!site.path("public/complexes/subdir-one").exists(), "{stderr}");
}

#[test]
fn a_misspelt_section_folder_is_reported_with_the_right_name() {
    let site = TestSite::fixture("basic");
    site.write("content/complex/new-one.yaml", site.read("content/complexes/alpha-moulds.yaml"));
    site.write("content/new-two.md", "---\ntitle: 新\n---\n");
    site.expect_problem("unknown folder \"complex\" ignored: the files in it are not read")
        .warning()
        .at("content/complex", 0, 0)
        .hint_contains("did you mean \"complexes\"?");
    site.expect_problem("file ignored: content/ holds only the sections' folders")
        .warning()
        .at("content/new-two.md", 0, 0)
        .hint_contains("content/pages/");
}

#[test]
fn a_vocabulary_id_written_twice_in_site_yaml_is_an_error_where_it_is_repeated() {
    let site = TestSite::fixture("basic");
    site.edit(
        "site.yaml",
        "    hangzhou: {label: {zh: 杭州市, en: Hangzhou}}\n",
        "    hangzhou: {label: {zh: 杭州市, en: Hangzhou}}\n    taizhou: {label: {zh: 台州, en: Taizhou again}}\n",
    );
    site.expect_problem("\"taizhou\" is written twice (in vocabularies.cities)")
        .error()
        .at("site.yaml", 12, 5)
        .hint_contains("keep one of the two");
}

#[test]
fn a_key_written_twice_in_a_profile_is_reported_where_it_is_repeated() {
    let site = TestSite::fixture("basic");
    site.edit("content/complexes/alpha-moulds.yaml", "mode: government-led", "mode: government-led\nlevel: municipal");
    site.expect_problem("\"level\" is written twice")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 13, 1)
        .hint_contains("keep one of the two");
}

#[test]
fn a_language_written_twice_in_a_text_is_reported_where_it_is_repeated() {
    let site = TestSite::fixture("basic");
    let file = "content/complexes/alpha-moulds.yaml";
    site.edit(
        file,
        "summary: {zh: 一个用于测试的综合体。, en: A complex for tests.}",
        "summary:\n  zh: 一个用于测试的综合体。\n  en: A complex for tests.\n  zh: 第二个\n",
    );
    site.expect_problem("\"zh\" is written twice (in summary)")
        .error()
        .at(file, 36, 3)
        .hint_contains("keep one of the two");
    site.edit(
        file,
        "name: {zh: 阿尔法模具产业创新服务综合体, en:",
        "name: {zh: 阿尔法模具产业创新服务综合体, zh: 又一个, en:",
    );
    site.expect_problem("\"zh\" is written twice (in name)").error().at(file, 1, 28);
}

#[test]
fn two_values_for_one_observation_are_a_warning_and_a_repeated_statistic_too() {
    let site = TestSite::fixture("basic");
    let file = "content/complexes/alpha-moulds.yaml";
    let second = "  - indicator: enterprises-served\n    value: 80000\n    as_of: 2019-04\n    cumulative: true\n    at_least: true\n    source: test-source\n  - indicator: output-value\n";
    site.edit(file, "  - indicator: output-value\n", second);
    site.expect_problem("enterprises-served has two values for the same date: 80000 here and 77900 in statistics[0]")
        .warning()
        .at(file, 28, 5)
        .hint_contains("scope:");
    // Told apart by what each counts, or at another date: one observation each.
    site.edit(file, "    value: 80000\n", "    value: 80000\n    scope: {zh: 含成员单位, en: with member bodies}\n");
    let (code, json) = site.check_json();
    assert_eq!((code, &json["diagnostics"]), (0, &serde_json::json!([])), "{json:#}");
    site.edit(file, "    value: 80000\n    scope: {zh: 含成员单位, en: with member bodies}\n", "    value: 77900\n");
    site.expect_problem("this statistic repeats statistics[0]").warning().at(file, 28, 5).hint_contains("remove one");
    site.edit(file, "    value: 77900\n    as_of: 2019-04\n    cumulative: true\n    at_least: true\n    source: test-source\n  - indicator: output", "    value: 77900\n    as_of: 2019-05\n    cumulative: true\n    at_least: true\n    source: test-source\n  - indicator: output");
    let (code, json) = site.check_json();
    assert_eq!((code, &json["diagnostics"]), (0, &serde_json::json!([])), "{json:#}");
}

#[test]
fn a_value_outside_a_vocabulary_names_the_vocabulary_in_the_singular() {
    let site = TestSite::fixture("basic");
    site.edit("content/complexes/alpha-moulds.yaml", "status: creation", "status: creaton");
    site.edit("content/complexes/alpha-moulds.yaml", "  category: traditional", "  category: tradition");
    site.expect_problem("\"creaton\" is not a known status value")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 4, 9)
        .hint_contains("did you mean \"creation\"?");
    site.expect_problem("\"tradition\" is not a known industry category value").error().at(
        "content/complexes/alpha-moulds.yaml",
        11,
        13,
    );
}

#[test]
fn a_translation_in_a_language_the_site_does_not_have_says_so() {
    let site = TestSite::fixture("basic");
    site.write("content/pages/about.fr.md", "À propos.\n");
    site.expect_problem("\"fr\" is not one of the site's languages, which are zh and en")
        .error()
        .at("content/pages/about.fr.md", 1, 1)
        .hint_contains("add it to languages: in site.yaml");
    site.remove("content/pages/about.fr.md");
    site.write("content/pages/about.zh.md", "关于。\n");
    site.expect_problem("\"zh\" is the site's default language, which has no translation file")
        .error()
        .at("content/pages/about.zh.md", 1, 1)
        .hint_contains("without .zh");
}

#[test]
fn a_link_to_a_file_outside_static_says_so() {
    let site = TestSite::fixture("basic");
    site.edit("content/reports/meeting.md", "。\n", "。![会场](../../site.yaml)\n");
    site.expect_problem("linked file \"../../site.yaml\" is outside static/")
        .error()
        .at("content/reports/meeting.md", 23, 61)
        .hint_contains("only files under static/ are published");
    // A path that stays inside static/ is looked for where it leads.
    site.edit("content/reports/meeting.md", "../../site.yaml", "files/../photos/./gone.jpg");
    site.expect_problem("linked file \"files/../photos/./gone.jpg\" does not exist")
        .hint_contains("static/photos/gone.jpg");
}

#[test]
fn a_figure_too_large_or_too_precise_to_be_shown_as_written_is_an_error() {
    let site = TestSite::fixture("basic");
    site.edit("content/complexes/alpha-moulds.yaml", "    value: 77900", "    value: 99999999999999999999999999");
    site.edit("content/complexes/alpha-moulds.yaml", "    value: 16.4", "    value: 12345678901234567");
    site.expect_problem("the value 99999999999999999999999999 is too large")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 23, 12)
        .hint_contains("figures up to 9007199254740992 are kept exactly");
    site.expect_problem("the value 12345678901234567 is too large").error().at(
        "content/complexes/alpha-moulds.yaml",
        29,
        12,
    );
    site.edit(
        "content/complexes/alpha-moulds.yaml",
        "    value: 12345678901234567",
        "    value: 16.400000000000000001",
    );
    site.expect_problem(
        "the value 16.400000000000000001 has more digits than can be kept exactly: it would be shown as 16.4",
    )
    .error()
    .at("content/complexes/alpha-moulds.yaml", 29, 12)
    .hint_contains("15 significant digits");
}

#[test]
fn a_negative_count_is_an_error() {
    let site = TestSite::fixture("basic");
    // enterprises-served is counted in 家.
    site.edit("content/complexes/alpha-moulds.yaml", "    value: 77900", "    value: -5");
    site.expect_problem("the value -5 is negative, but 家 counts things")
        .error()
        .at("content/complexes/alpha-moulds.yaml", 23, 12)
        .hint_contains("never below zero");
    // An amount in 亿元 may fall below zero in a source (a loss); that is not refused.
    site.edit("content/complexes/alpha-moulds.yaml", "    value: -5", "    value: 5");
    site.edit("content/complexes/alpha-moulds.yaml", "    value: 16.4", "    value: -16.4");
    let (code, json) = site.check_json();
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn a_language_left_empty_is_a_warning_that_says_what_readers_see_instead() {
    let site = TestSite::fixture("basic");
    let file = "content/complexes/alpha-moulds.yaml";
    site.edit(file, "en: Alpha Mould Industry Innovation Service Complex}", "en: }");
    site.edit(file, "district: {zh: 黄岩区, en: Huangyan District}", "district: {zh: 黄岩区, en: \"  \"}");
    site.edit(
        "site.yaml",
        "description: {zh: 用于测试的站点。, en: A site for tests.}",
        "description: {zh: \"\", en: A site for tests.}",
    );
    // Before, an empty value was taken as no text without a word.
    let (code, json) = site.check_json();
    assert_eq!((code, &json["warnings"], &json["errors"]), (0, &3.into(), &0.into()), "{json:#}");
    let found: Vec<(&str, u64, u64, &str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap();
            (s("path"), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap(), s("message"), s("hint"))
        })
        .collect();
    let en_hint = "the en pages show the zh text instead; write the en text, or remove \"en:\" until there is one";
    assert_eq!(
        found,
        [
            (file, 1, 28, "the \"en\" text is empty", en_hint),
            (file, 7, 23, "the \"en\" text is empty", en_hint),
            (
                "site.yaml",
                2,
                19,
                "the \"zh\" text is empty",
                "the zh pages show the en text instead; write the zh text, or remove \"zh:\" until there is one"
            ),
        ]
    );
}
