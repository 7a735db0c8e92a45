//! The search index as built from real sites: its files and shard format, and the browser
//! client's query engine run under Node on them (recall, ranking, facets, highlighting).

mod common;
mod search_support;

#[path = "../examples/corpus.rs"]
#[allow(dead_code)]
mod corpus;

use std::path::Path;

use common::TestSite;
use fulcrum::search::shard;
use search_support::{build, have, node, repo};
use serde_json::{Value, json};

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

/// Runs queries through search.js against the index in `dir`.
fn query(dir: &Path, queries: &Value) -> Vec<Value> {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("queries.json");
    std::fs::write(&file, serde_json::to_vec(queries).unwrap()).unwrap();
    let out = node(&["search-node.cjs", "query", dir.to_str().unwrap(), file.to_str().unwrap()]);
    serde_json::from_str::<Value>(&out).unwrap().as_array().unwrap().clone()
}

fn urls(v: &Value) -> Vec<&str> {
    v["urls"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect()
}

#[test]
fn index_files_decode_and_cover_every_document() {
    let site = TestSite::example();
    let out = build(site.root(), &[]);
    for dir in ["search", "en/search"] {
        let dir = out.join(dir);
        let m = read_json(&dir.join("manifest.json"));
        assert_eq!(m["version"], 4);
        // One set of term shards, in the first language's folder, that both languages read.
        let terms = dir.join(m["termDir"].as_str().unwrap());
        assert_eq!(terms.canonicalize().unwrap(), out.join("search").canonicalize().unwrap());
        assert_eq!(m["docs"], 12, "6 complexes, 2 reports, 4 pages");
        let bounds: Vec<&str> = m["shards"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
        let mut all_terms: Vec<String> = Vec::new();
        for (n, first) in bounds.iter().enumerate() {
            let entries =
                shard::decode(&std::fs::read(terms.join(format!("t/{n}.bin"))).unwrap()).expect("shard decodes");
            assert_eq!(entries[0].term, *first, "shard {n} starts at its manifest bound");
            for e in entries {
                assert!(e.postings.windows(2).all(|w| w[0].0 < w[1].0), "documents ascend in {}", e.term);
                assert!(!e.capped, "nothing in the example site is common enough to cap: {}", e.term);
                assert!(e.postings.iter().all(|(d, n, pos)| *d < 12
                    && !pos.is_empty()
                    && pos.len() == if e.first_only { 1 } else { *n as usize }
                    && pos.windows(2).all(|w| w[0] < w[1])));
                assert_eq!(e.first_only, e.term.chars().count() == 1 && !e.term.is_ascii(), "{}", e.term);
                all_terms.push(e.term);
            }
        }
        assert!(!terms.join(format!("t/{}.bin", bounds.len())).exists());
        assert!(all_terms.windows(2).all(|w| shard::utf16_cmp(&w[0], &w[1]).is_lt()), "terms sorted across shards");
        for t in ["模具", "模", "台州", "pump", "huangyan"] {
            assert!(all_terms.iter().any(|x| x == t), "{t} indexed in {}", dir.display());
        }
        // Metadata chunks hold every document once, with a URL under the language prefix.
        let chunk = m["chunk"].as_u64().unwrap() as usize;
        let mut metas = Vec::new();
        for n in 0..12usize.div_ceil(chunk) {
            metas.extend(read_json(&dir.join(format!("d/{n}.json"))).as_array().unwrap().clone());
        }
        assert_eq!(metas.len(), 12);
        let prefix = if dir.ends_with("en/search") { "/en/" } else { "/" };
        assert!(
            metas.iter().all(|d| d["u"].as_str().unwrap().starts_with(prefix) && !d["t"].as_str().unwrap().is_empty())
        );
        // Text chunks hold every document's body, in this folder or in the folder the
        // manifest names for a chunk that is the same in an earlier language.
        let text = m["text"].as_u64().unwrap() as usize;
        let runs = m["textRuns"].as_array().unwrap();
        let dirs = m["textDirs"].as_array().unwrap();
        let mut n = 0;
        let mut bodies: Vec<String> = Vec::new();
        for run in runs.chunks(2) {
            let from = dirs[run[0].as_u64().unwrap() as usize].as_str().unwrap();
            for _ in 0..run[1].as_u64().unwrap() {
                let chunk = std::fs::read_to_string(dir.join(format!("{from}x/{n}.txt"))).unwrap();
                let texts: Vec<&str> = chunk.split('\u{c}').collect();
                assert_eq!(texts.len(), text.min(12 - n * text), "chunk {n}");
                bodies.extend(texts.iter().map(|t| t.to_string()));
                n += 1;
            }
        }
        assert_eq!(n, 12usize.div_ceil(text));
        assert_eq!(bodies.len(), 12);
        // Facet columns cover every document.
        for f in m["facets"].as_array().unwrap() {
            let runs = f["runs"].as_array().unwrap();
            let total: u64 = runs.chunks(2).map(|r| r[1].as_u64().unwrap()).sum();
            assert_eq!(total, 12, "{}", f["name"]);
        }
    }
    assert!(!out.join("en/search/t").exists());
    // Fields are a kind of text (title, short names, labels, summary, body) and the languages
    // showing it (bit 1 Chinese, bit 2 English); each language ranks its own texts first.
    let zh = read_json(&out.join("search/manifest.json"));
    let en = read_json(&out.join("en/search/manifest.json"));
    assert_eq!(zh["fields"], json!([1, 0, 1, 0, 1, 1, 1, 1, 4, 2, 4, 2, 4, 3, 4, 3, 6, 5, 6, 5]));
    assert_eq!(en["fields"], json!([1, 1, 0, 0, 1, 1, 1, 1, 4, 4, 2, 2, 4, 4, 3, 3, 6, 6, 5, 5]));
    // The English profile of the Huangyan complex has its own body; its text chunk is English.
    assert_eq!(en["textDirs"], json!(["../../search/", ""]));
    let en_texts = std::fs::read_to_string(out.join("en/search/x/0.txt")).unwrap();
    assert!(en_texts.contains("Huangyan"), "{en_texts}");
    let zh = read_json(&out.join("search/manifest.json"));
    assert_eq!(zh["facets"][1]["values"], json!([["taizhou", "台州市"]]));
    let en = read_json(&out.join("en/search/manifest.json"));
    assert_eq!(en["facets"][0]["values"], json!([["complex", "Complex"], ["report", "Report"], ["page", "Page"]]));
}

#[test]
fn the_index_is_the_same_on_every_build_and_under_a_sub_path() {
    let site = TestSite::example();
    let out = build(site.root(), &[]);
    let a = std::fs::read(out.join("search/manifest.json")).unwrap();
    let chunk_a = std::fs::read(out.join("search/d/0.json")).unwrap();
    let out = build(site.root(), &[]);
    assert_eq!(a, std::fs::read(out.join("search/manifest.json")).unwrap());
    let out = build(site.root(), &["--base-url", "https://example.org/a/b/"]);
    let chunk_b = String::from_utf8(std::fs::read(out.join("search/d/0.json")).unwrap()).unwrap();
    assert_ne!(chunk_a, chunk_b.as_bytes());
    assert!(chunk_b.contains("\"u\":\"/a/b/complexes/"), "{chunk_b}");
}

#[test]
fn recall_on_the_example_site_is_complete() {
    if !have("node", "the recall check") {
        return;
    }
    let site = TestSite::example();
    let out = build(site.root(), &[]);
    let cases = read_json(&repo().join("tests/browser/recall.json"));
    let mut missed = Vec::new();
    for lang in ["zh", "en"] {
        let mine: Vec<&Value> = cases.as_array().unwrap().iter().filter(|c| c["lang"] == lang).collect();
        let queries: Vec<Value> = mine.iter().map(|c| json!({"q": c["q"]})).collect();
        let prefix = if lang == "zh" { "/" } else { "/en/" };
        let results = query(&out.join(format!("{}search", &prefix[1..])), &json!(queries));
        for (case, res) in mine.iter().zip(&results) {
            let got = urls(res);
            for m in case["must"].as_array().unwrap() {
                let want = format!("{prefix}{}", m.as_str().unwrap());
                if !got.contains(&want.as_str()) {
                    missed.push(format!("{lang} {:?} misses {want} (got {got:?})", case["q"]));
                }
            }
        }
    }
    assert!(missed.is_empty(), "recall below 100%:\n{}", missed.join("\n"));
}

/// Whether `text` holds `term` as a reader would look for it: a term with Chinese in it as a
/// part of the text, a Latin word or number as a whole word; letters in any case.
fn holds(text: &str, term: &str) -> bool {
    let (text, term) = (text.to_lowercase(), term.to_lowercase());
    if !term.is_ascii() {
        return text.contains(&term);
    }
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == term)
}

/// The recall set for the generated corpus: what a reader types, and the words a document
/// must hold to be found (the same, but for full-width forms). Chinese places, industries,
/// services, people, parts of phrases, single characters and mixed queries; English words.
const CORPUS_QUERIES: &[(&str, &str, &str)] = &[
    ("zh", "黄岩", "黄岩"),
    ("zh", "椒江", "椒江"),
    ("zh", "义乌", "义乌"),
    ("zh", "台州", "台州"),
    ("zh", "杭州", "杭州"),
    ("zh", "模具", "模具"),
    ("zh", "智能马桶", "智能马桶"),
    ("zh", "马桶", "马桶"),
    ("zh", "能马", "能马"),
    ("zh", "阀门", "阀门"),
    ("zh", "泵", "泵"),
    ("zh", "胶", "胶"),
    ("zh", "技术研发", "技术研发"),
    ("zh", "知识产权", "知识产权"),
    ("zh", "创业孵化服务", "创业孵化服务"),
    ("zh", "龙头企业", "龙头企业"),
    ("zh", "转型升级", "转型升级"),
    ("zh", "成果转化和产业化", "成果转化和产业化"),
    ("zh", "堵点和难点", "堵点和难点"),
    ("zh", "创新券", "创新券"),
    ("zh", "第1部分", "第1部分"),
    ("zh", "第３部分", "第3部分"),
    ("zh", "相关综合体", "相关综合体"),
    ("zh", "会议现场", "会议现场"),
    ("zh", "主任", "主任"),
    ("zh", "王建国", "王建国"),
    ("zh", "陈海燕", "陈海燕"),
    ("zh", "建国", "建国"),
    ("zh", "综合体3号", "综合体3号"),
    ("zh", "综合体", "综合体"),
    ("zh", "创新服务", "创新服务"),
    ("zh", "产业创新服务综合体", "产业创新服务综合体"),
    ("zh", "企业研发", "企业研发"),
    ("zh", "黄岩 模具", "黄岩 模具"),
    ("zh", "台州 会议", "台州 会议"),
    ("zh", "模具 moulds", "模具 moulds"),
    ("zh", "vouchers", "vouchers"),
    ("en", "Huangyan", "huangyan"),
    ("en", "moulds", "moulds"),
    ("en", "Pumps", "pumps"),
    ("en", "ＰＵＭＰＳ", "pumps"),
    ("en", "smart toilets", "smart toilets"),
    ("en", "Taizhou", "taizhou"),
    ("en", "vouchers", "vouchers"),
    ("en", "universities", "universities"),
    ("en", "exhibition hall", "exhibition hall"),
    ("en", "Taizhou meeting", "taizhou meeting"),
    ("en", "the operator", "the operator"),
    ("en", "service hall", "service hall"),
    ("en", "No 7", "no 7"),
    ("en", "模具", "模具"),
    ("en", "台州 Taizhou", "台州 taizhou"),
];

#[test]
fn recall_on_a_generated_corpus_is_complete() {
    if !have("node", "the recall check") {
        return;
    }
    let (complexes, reports) = (1000, 1200);
    let dir = tempfile::tempdir().unwrap();
    corpus::generate(complexes, reports, dir.path());
    let out = build(&dir.path().join("fulcrum"), &[]);
    let docs = corpus::indexed(complexes, reports);
    // Phrases this common have their body positions dropped (capped): the set covers them too.
    let manifest = read_json(&out.join("search/manifest.json"));
    let capped: Vec<String> = (0..manifest["shards"].as_array().unwrap().len())
        .flat_map(|n| shard::decode(&std::fs::read(out.join(format!("search/t/{n}.bin"))).unwrap()).unwrap())
        .filter(|e| e.capped)
        .map(|e| e.term)
        .collect();
    for t in ["创新", "服务", "综合", "合体", "the"] {
        assert!(capped.iter().any(|c| c == t), "{t} is capped (capped: {capped:?})");
    }
    let mut missed = Vec::new();
    for (lang, prefix) in [("zh", "/"), ("en", "/en/")] {
        let mine: Vec<_> = CORPUS_QUERIES.iter().filter(|(l, ..)| *l == lang).collect();
        let queries: Vec<Value> = mine.iter().map(|(_, q, _)| json!({ "q": q })).collect();
        let results = query(&out.join(format!("{}search", &prefix[1..])), &json!(queries));
        for ((_, q, words), res) in mine.iter().zip(&results) {
            let got = urls(res);
            let must: Vec<String> = docs
                .iter()
                .filter(|d| {
                    let texts = if lang == "zh" { &d.zh } else { &d.en };
                    words.split(' ').all(|w| texts.iter().any(|t| holds(t, w)))
                })
                .map(|d| format!("{prefix}{}", d.path))
                .collect();
            assert!(!must.is_empty(), "{lang} {q:?}: no generated document holds it; choose another query");
            let lost: Vec<&String> = must.iter().filter(|m| !got.contains(&m.as_str())).collect();
            if !lost.is_empty() {
                missed.push(format!(
                    "{lang} {q:?} finds {} of {}, missing {:?}",
                    must.len() - lost.len(),
                    must.len(),
                    &lost[..lost.len().min(5)]
                ));
            }
        }
    }
    assert!(missed.is_empty(), "recall below 100%:\n{}", missed.join("\n"));
}

#[test]
fn labels_in_the_other_language_find_pages_in_both_directions() {
    let site = TestSite::example();
    let out = build(site.root(), &[]);
    // What a document shows (city, level, industries, services, report kind, place, related
    // complexes) as only the other language labels it: kind 2 with the mask of that language
    // alone, field 2 << 2 | 1 for Chinese and 2 << 2 | 2 for English.
    let in_labels = |dir: &str, term: &str| -> usize {
        let entries = all_entries(&out.join(dir));
        let e = entries.iter().find(|e| e.term == term).unwrap_or_else(|| panic!("{term} is in {dir}"));
        let other = if dir.starts_with("en/") { 9 } else { 10 };
        e.postings.iter().filter(|(_, _, pos)| pos.iter().any(|p| p >> 16 == other)).count()
    };
    assert_eq!(in_labels("en/search", "台州"), 8, "台州市 labels six complexes and two reports");
    assert_eq!(in_labels("en/search", "省级"), 6, "省级 labels the six complexes");
    assert_eq!(in_labels("en/search", "模具"), 3, "模具 labels Huangyan and names it in two reports");
    assert_eq!(in_labels("search", "taizhou"), 8);
    // Provincial labels the six complexes; the two reports have it in attendees' English titles.
    assert_eq!(in_labels("search", "provincial"), 8);
    // A label is not repeated where both languages show the same text.
    assert_eq!(in_labels("search", "2019"), 0);
    if !have("node", "the search tests of labels in the other language") {
        return;
    }
    let en = query(&out.join("en/search"), &json!([{"q": "台州"}, {"q": "Taizhou"}]));
    let complexes_and_reports = |r: &Value| -> Vec<String> {
        let mut u: Vec<String> = urls(r)
            .iter()
            .filter(|u| !u.starts_with("/en/about") && !u.starts_with("/en/methodology"))
            .map(|u| u.to_string())
            .collect();
        u.sort();
        u
    };
    assert_eq!(complexes_and_reports(&en[0]), complexes_and_reports(&en[1]), "台州 finds what Taizhou finds");
    // The report with 台州 in its Chinese title comes before those only labelled 台州市.
    assert_eq!(urls(&en[0])[0], "/en/reports/taizhou-site-promotion-meeting-2019/");
    let zh = query(&out.join("search"), &json!([{"q": "Provincial"}]));
    assert_eq!(urls(&zh[0]).iter().filter(|u| u.starts_with("/complexes/")).count(), 6, "{}", zh[0]);
}

const PAGES: &[(&str, &str, &str)] = &[
    ("rank-title", "水泵检测中心", "说明文字。"),
    ("rank-body", "另一页", "这里提到水泵检测中心的服务。"),
    ("both-words", "Page one", "A valve and, much later in the text, a pump."),
    ("one-word", "Page two", "Only a pump here."),
    ("phrase", "Page three", "The pump valve sits here."),
    ("twin-a", "Twin", "identical twin text"),
    ("twin-b", "Twin", "identical twin text"),
];

fn ranking_site() -> (TestSite, std::path::PathBuf) {
    let site = TestSite::example();
    for (id, title, body) in PAGES {
        std::fs::write(
            site.root().join(format!("content/pages/{id}.md")),
            format!("---\ntitle: {title}\n---\n{body}\n"),
        )
        .unwrap();
    }
    let out = build(site.root(), &[]);
    (site, out)
}

#[test]
fn ranking_puts_names_whole_queries_and_phrases_first() {
    if !have("node", "the ranking tests") {
        return;
    }
    let (_site, out) = ranking_site();
    let r = query(
        &out.join("search"),
        &json!([{"q": "水泵检测"}, {"q": "pump valve"}, {"q": "twin"}, {"q": "twin"}, {"q": "检测中心"}]),
    );
    let pos =
        |res: &Value, u: &str| urls(res).iter().position(|x| *x == u).unwrap_or_else(|| panic!("{u} not in {res}"));
    // A match in the title ranks above one in the body.
    assert!(pos(&r[0], "/rank-title/") < pos(&r[0], "/rank-body/"), "{}", r[0]);
    // All terms above some; an exact phrase above scattered terms.
    assert!(pos(&r[1], "/phrase/") < pos(&r[1], "/both-words/"), "{}", r[1]);
    assert!(pos(&r[1], "/both-words/") < pos(&r[1], "/one-word/"), "{}", r[1]);
    // Ties break the same way every time, by index order.
    assert_eq!(urls(&r[2]), urls(&r[3]));
    assert_eq!(urls(&r[2])[..2], ["/twin-a/", "/twin-b/"]);
    // Adjacent Chinese matches are one highlighted span.
    assert_eq!(r[4]["marks"][0], json!(["检测中心"]));
}

#[test]
fn chinese_queries_need_adjacent_characters_and_single_characters_work() {
    if !have("node", "the matching tests") {
        return;
    }
    let (_site, out) = ranking_site();
    let r = query(&out.join("search"), &json!([{"q": "泵检"}, {"q": "检泵"}, {"q": "泵"}, {"q": "中心检测"}]));
    assert!(urls(&r[0]).contains(&"/rank-title/"));
    assert!(!urls(&r[1]).contains(&"/rank-title/"), "检泵 is not in the text: {}", r[1]);
    assert!(urls(&r[2]).contains(&"/rank-title/") && urls(&r[2]).contains(&"/complexes/wenling-pumps/"));
    // Both halves are there but not in this order: found, below exact matches.
    assert!(urls(&r[3]).contains(&"/rank-title/"));
}

#[test]
fn a_body_in_either_language_is_found_from_both_below_the_readers_own() {
    let site = TestSite::example();
    let pages = site.root().join("content/pages");
    // One page with the word in its only body, which both languages show; one with it only
    // in its English body.
    std::fs::write(pages.join("own-body.md"), "---\ntitle: {zh: 甲页, en: Page A}\n---\n泵阀 zorblat 说明。\n")
        .unwrap();
    std::fs::write(pages.join("other-body.md"), "---\ntitle: {zh: 乙页, en: Page B}\n---\n泵阀说明。\n").unwrap();
    std::fs::write(pages.join("other-body.en.md"), "Valves and a zorblat.\n").unwrap();
    let out = build(site.root(), &[]);
    // The word is stored once, in the field of the body both languages show (4 << 2 | 3) and
    // in that of the English body (4 << 2 | 2).
    let entries = all_entries(&out.join("search"));
    let e = entries.iter().find(|e| e.term == "zorblat").expect("zorblat indexed");
    let fields: Vec<u32> = e.postings.iter().map(|(_, _, pos)| pos[0] >> 16).collect();
    assert_eq!(fields.len(), 2);
    assert!(fields.contains(&19) && fields.contains(&18), "{fields:?}");
    if !have("node", "the search tests of bodies in either language") {
        return;
    }
    // Before, a word in the English body only was not found on the Chinese site.
    let zh = query(&out.join("search"), &json!([{"q": "zorblat"}]));
    assert_eq!(urls(&zh[0]), ["/own-body/", "/other-body/"], "the reader's own body first");
    let en = query(&out.join("en/search"), &json!([{"q": "zorblat"}, {"q": "回译"}]));
    let mut found = urls(&en[0]);
    found.sort();
    assert_eq!(found, ["/en/other-body/", "/en/own-body/"]);
    // A word only in the Chinese body of a profile with an English body is found in English.
    assert!(urls(&en[1]).contains(&"/en/complexes/huangyan-moulds/"), "{}", en[1]);
}

#[test]
fn facets_filter_and_count() {
    if !have("node", "the facet tests") {
        return;
    }
    let site = TestSite::example();
    let out = build(site.root(), &[]);
    let r = query(
        &out.join("search"),
        &json!([
            {"q": "台州"},
            {"q": "台州", "filters": {"type": ["report"]}},
            {"q": "台州", "filters": {"type": ["report", "complex"], "kind": ["inspection"]}},
        ]),
    );
    assert_eq!(r[0]["counts"]["type"]["complex"], 6);
    assert_eq!(r[0]["counts"]["type"]["report"], 2);
    let reports = urls(&r[1]);
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|u| u.starts_with("/reports/")));
    // Counts of a facet ignore that facet's own filter, so other values stay choosable.
    assert_eq!(r[1]["counts"]["type"]["complex"], 6);
    assert_eq!(r[1]["counts"]["year"]["2019"], 2);
    assert_eq!(urls(&r[2]), ["/reports/taizhou-complex-inspections-2019/"]);
}

/// A site where a few words occur many times in every body, so that their postings pass
/// the cap and keep no body positions.
fn common_words_site() -> (TestSite, std::path::PathBuf) {
    let site = TestSite::example();
    let pages = site.root().join("content/pages");
    for i in 0..150 {
        let body = "知识产权 common word, one more sentence. ".repeat(300);
        std::fs::write(pages.join(format!("bulk-{i:03}.md")), format!("---\ntitle: Bulk {i}\n---\n{body}\n")).unwrap();
    }
    for (id, title, body) in [
        ("ip-title", "知识产权", "说明。"),
        ("word-title", "Common word", "Text."),
        ("rare", "Rare", "泵检测 zorblat zorblat."),
    ] {
        std::fs::write(pages.join(format!("{id}.md")), format!("---\ntitle: {title}\n---\n{body}\n")).unwrap();
    }
    let out = build(site.root(), &[]);
    (site, out)
}

fn all_entries(dir: &Path) -> Vec<shard::Entry> {
    let m = read_json(&dir.join("manifest.json"));
    let terms = dir.join(m["termDir"].as_str().unwrap());
    (0..m["shards"].as_array().unwrap().len())
        .flat_map(|n| shard::decode(&std::fs::read(terms.join(format!("t/{n}.bin"))).unwrap()).unwrap())
        .collect()
}

#[test]
fn words_in_most_bodies_keep_no_body_positions_and_still_rank_titles_first() {
    let (_site, out) = common_words_site();
    let entries = all_entries(&out.join("en/search"));
    let get = |t: &str| entries.iter().find(|e| e.term == t).unwrap_or_else(|| panic!("{t} indexed"));
    for t in ["知识", "产权", "common", "word"] {
        let e = get(t);
        assert!(e.capped, "{t} is capped");
        assert!(e.postings.len() >= 151, "{t} is in every bulk page and the title page");
        // Counts are whole; positions only outside the body.
        assert!(
            e.postings
                .iter()
                .all(|(_, n, pos)| *n as usize >= pos.len() && pos.iter().all(|p| p >> 16 < shard::body_field(2)))
        );
        assert!(e.postings.iter().any(|(_, n, _)| *n == 300));
    }
    for t in ["rare", "泵检"] {
        assert!(!get(t).capped, "{t} keeps its positions");
    }
    if !have("node", "the ranking tests on capped terms") {
        return;
    }
    let r = query(
        &out.join("en/search"),
        &json!([{"q": "知识产权"}, {"q": "common word"}, {"q": "word common"}, {"q": "zorblat"}]),
    );
    for res in &r[..3] {
        assert!(urls(res).len() >= 151, "{res}");
        assert!(urls(res).iter().filter(|u| u.contains("/bulk-")).count() == 150, "{res}");
    }
    // Title matches still come first.
    assert_eq!(urls(&r[0])[0], "/en/ip-title/");
    assert_eq!(urls(&r[1])[0], "/en/word-title/");
    assert_eq!(r[3]["urls"], json!(["/en/rare/"]));
}

#[test]
fn excerpts_can_show_a_match_deep_in_the_body() {
    if !have("node", "the excerpt test") {
        return;
    }
    let site = TestSite::example();
    let out = build(site.root(), &[]);
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("excerpt.cjs");
    // The client's own steps: the excerpt source has no match, so the body text is fetched
    // and the window around its match is shown.
    std::fs::write(
        &script,
        format!(
            r#"const fs = require('fs'), path = require('path');
const search = require({client:?});
const dir = {dir:?};
const index = new search.Index(async (p, binary) => {{
  const bytes = fs.readFileSync(path.join(dir, p.replace(/\?.*$/, '')));
  return binary ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) : JSON.parse(bytes.toString('utf8'));
}});
(async () => {{
  const res = await index.search('reprint');
  const out = [];
  for (const d of res.docs) {{
    const m = await index.doc(d);
    const text = await index.text(d);
    const ex = search.excerpt(text, res.units, true);
    out.push({{ u: m.u, inSource: search.highlight(m.x, res.units).length > 0, excerpt: ex,
      marks: search.highlight(ex, res.units).map((r) => ex.slice(r[0], r[1])) }});
  }}
  process.stdout.write(JSON.stringify(out));
}})();
"#,
            client = repo().join("themes/default/static/assets/search.js").to_str().unwrap(),
            dir = out.join("en/search").to_str().unwrap(),
        ),
    )
    .unwrap();
    let got: Value = serde_json::from_str(&node(&[script.to_str().unwrap()])).unwrap();
    let report = got
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["u"] == "/en/reports/taizhou-site-promotion-meeting-2019/")
        .unwrap_or_else(|| panic!("{got}"));
    assert_eq!(report["inSource"], false, "the match is past the excerpt source: {report}");
    let marks = report["marks"].as_array().unwrap();
    assert!(!marks.is_empty() && marks.iter().all(|m| m.as_str().unwrap().starts_with("reprint")), "{report}");
    assert!(report["excerpt"].as_str().unwrap().starts_with('…'), "{report}");
}
