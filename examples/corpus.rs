//! A deterministic benchmark corpus: complex profiles and reports in Fulcrum's format, and
//! the same content as a Hugo site, so the two can be built side by side.
//!
//! cargo run --release --example corpus -- --complexes 5000 --reports 5000 OUT
//!
//! writes OUT/fulcrum (a Fulcrum site) and OUT/hugo (a Hugo site). The same arguments always
//! give the same files. The text is synthetic: it reads like the real thing to a tokenizer
//! and a template engine, not to a person.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const CITIES: &[(&str, &str, &str)] = &[
    ("hangzhou", "杭州", "Hangzhou"),
    ("ningbo", "宁波", "Ningbo"),
    ("wenzhou", "温州", "Wenzhou"),
    ("jiaxing", "嘉兴", "Jiaxing"),
    ("huzhou", "湖州", "Huzhou"),
    ("shaoxing", "绍兴", "Shaoxing"),
    ("jinhua", "金华", "Jinhua"),
    ("quzhou", "衢州", "Quzhou"),
    ("zhoushan", "舟山", "Zhoushan"),
    ("taizhou", "台州", "Taizhou"),
    ("lishui", "丽水", "Lishui"),
];
const DISTRICTS: &[(&str, &str)] = &[
    ("黄岩", "Huangyan"),
    ("椒江", "Jiaojiang"),
    ("临海", "Linhai"),
    ("温岭", "Wenling"),
    ("玉环", "Yuhuan"),
    ("三门", "Sanmen"),
    ("乐清", "Yueqing"),
    ("德清", "Deqing"),
    ("诸暨", "Zhuji"),
    ("龙泉", "Longquan"),
    ("余杭", "Yuhang"),
    ("萧山", "Xiaoshan"),
    ("慈溪", "Cixi"),
    ("义乌", "Yiwu"),
    ("永康", "Yongkang"),
    ("安吉", "Anji"),
];
const INDUSTRIES: &[(&str, &str, &str)] = &[
    ("moulds", "模具", "Moulds"),
    ("smart-toilets", "智能马桶", "Smart toilets"),
    ("pharmaceuticals", "医药", "Pharmaceuticals"),
    ("chemicals", "化工", "Chemicals"),
    ("pumps", "泵", "Pumps"),
    ("valves", "阀门", "Valves"),
    ("water-heating", "水暖", "Water heating"),
    ("rubber", "橡胶", "Rubber"),
];
const LEVELS: &[(&str, &str)] = &[("provincial", "省级"), ("municipal", "市级"), ("county", "县级")];
const STATUSES: &[&str] = &["cultivation", "creation", "recognised", "withdrawn"];
const MODES: &[&str] = &[
    "government-led",
    "leading-enterprise-led",
    "multi-party-collaborative",
    "public-platform-enhanced",
    "whole-innovation-chain",
    "key-link-breakthrough",
    "future-industry-incubation",
];
const SERVICES: &[(&str, &str)] = &[
    ("technology-rd", "技术研发"),
    ("industrial-design", "工业设计"),
    ("inspection-testing", "检验检测"),
    ("standards-information", "标准信息"),
    ("intellectual-property", "知识产权"),
    ("achievement-transformation", "成果转化"),
    ("incubation", "创业孵化"),
    ("talent-cultivation", "人才培育"),
    ("technology-finance", "科技金融"),
];
const INDICATORS: &[(&str, &str)] = &[
    ("innovation-service-institutions", "家"),
    ("enterprises-served", "家"),
    ("enterprise-services", "次"),
    ("technical-problems-solved", "个"),
    ("technology-transactions", "项"),
    ("talent-teams", "个"),
    ("innovation-vouchers", "万元"),
    ("achievement-output-value", "亿元"),
];
const KINDS: &[&str] = &[
    "site-promotion-meeting",
    "work-meeting",
    "inspection",
    "signing",
    "unveiling",
    "forum",
    "training",
    "review",
    "news",
];
const ROLES: &[&str] = &["chairs", "speaks", "addresses", "reports", "attends", "accompanies", "inspects"];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "朱", "胡", "林"];
const GIVEN: &[&str] =
    &["建国", "海燕", "志强", "晓明", "丽华", "伟", "静", "磊", "敏", "军", "芳", "杰", "婷", "斌", "鹏"];
const ZH_PHRASES: &[&str] = &[
    "综合体围绕产业链部署创新链",
    "推动中小企业转型升级",
    "集聚高校院所和服务机构",
    "开展共性技术研发和检验检测",
    "建设公共服务平台",
    "完善市场化运行机制",
    "为企业解决技术难题",
    "发放创新券支持企业研发",
    "推进科技成果转化和产业化",
    "培育高层次人才团队",
    "引进知识产权服务机构",
    "举办产业对接和成果展示活动",
    "探索政府主导和龙头企业带动的建设模式",
    "提升产业集群的整体竞争力",
    "强化科技金融对创新的支撑",
    "打通创新服务的堵点和难点",
];
const EN_SENTENCES: &[&str] = &[
    "The complex gathers research institutes and service providers around one industry cluster.",
    "Small and medium enterprises use shared testing equipment they could not afford alone.",
    "Innovation vouchers help firms pay for design, testing and research services.",
    "Partner universities send teams to solve technical problems on the factory floor.",
    "An exhibition hall shows new products and transformed research results.",
    "The operator runs the service hall on market terms with public support.",
    "Standards and patent information services help exporters meet foreign rules.",
    "Incubators host start-ups working on new materials and intelligent manufacturing.",
];

/// splitmix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn phrase(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
}

struct Complex {
    id: String,
    name_zh: String,
    name_en: String,
    level: usize,
    status: &'static str,
    city: usize,
    district: usize,
    industry: usize,
    mode: &'static str,
    services: Vec<usize>,
    stats: Vec<(usize, u64, u16, u8)>,
    summary_zh: String,
    summary_en: String,
    body: String,
}

struct Report {
    id: String,
    title_zh: String,
    title_en: String,
    kind: &'static str,
    date: (u16, u8, u8),
    city: usize,
    attendees: Vec<(String, &'static str)>,
    complexes: Vec<usize>,
    photo: Option<usize>,
    summary_zh: String,
    body: String,
}

/// A body of roughly `bytes` bytes of mixed Chinese and English Markdown.
fn body(rng: &mut Rng, bytes: usize, links: &[String]) -> String {
    let mut s = String::new();
    let mut section = 0;
    while s.len() < bytes {
        if s.len() >= section * 1200 {
            section += 1;
            let _ = write!(s, "\n## 第{section}部分 Part {section}\n\n");
        }
        for _ in 0..rng.range(3, 6) {
            s.push_str(rng.phrase(ZH_PHRASES));
            s.push('，');
        }
        s.push_str(rng.phrase(ZH_PHRASES));
        s.push('。');
        if !links.is_empty() && rng.below(3) == 0 {
            let l = rng.pick(links);
            let _ = write!(s, "参见[相关综合体](@/complexes/{l})。");
        }
        s.push_str("\n\n");
        s.push_str(rng.phrase(EN_SENTENCES));
        s.push(' ');
        s.push_str(rng.phrase(EN_SENTENCES));
        s.push_str("\n\n");
    }
    s
}

fn make_complexes(n: usize) -> Vec<Complex> {
    (0..n)
        .map(|i| {
            let mut rng = Rng::new(1_000_003 * i as u64 + 17);
            let district = rng.below(DISTRICTS.len());
            let industry = rng.below(INDUSTRIES.len());
            let (dz, de) = DISTRICTS[district];
            let (_, iz, ie) = INDUSTRIES[industry];
            let mut services: Vec<usize> = (0..rng.range(2, 5)).map(|_| rng.below(SERVICES.len())).collect();
            services.sort_unstable();
            services.dedup();
            let mut stats: Vec<(usize, u64, u16, u8)> = (0..rng.range(3, 8))
                .map(|_| {
                    (
                        rng.below(INDICATORS.len()),
                        rng.range(10, 90_000) as u64,
                        2017 + rng.below(8) as u16,
                        1 + rng.below(12) as u8,
                    )
                })
                .collect();
            // One value per indicator and date, as a source gives it.
            let mut dates = Vec::new();
            stats.retain(|&(ind, _, year, month)| {
                let new = !dates.contains(&(ind, year, month));
                dates.push((ind, year, month));
                new
            });
            let bytes = rng.range(1500, 6000);
            Complex {
                id: format!("c{i:06}"),
                name_zh: format!("{dz}{iz}产业创新服务综合体{i}号"),
                name_en: format!("{de} {ie} Industry Innovation Service Complex No. {i}"),
                level: rng.below(LEVELS.len()),
                status: rng.phrase(STATUSES),
                city: rng.below(CITIES.len()),
                district,
                industry,
                mode: rng.phrase(MODES),
                services,
                stats,
                summary_zh: format!("服务{dz}{iz}产业集群的创新服务综合体，{}。", rng.pick(ZH_PHRASES)),
                summary_en: format!("A complex serving the {ie} cluster of {de}. {}", rng.pick(EN_SENTENCES)),
                body: body(&mut rng, bytes, &[]),
            }
        })
        .collect()
}

fn make_reports(n: usize, complexes: &[Complex]) -> Vec<Report> {
    (0..n)
        .map(|i| {
            let mut rng = Rng::new(7_000_009 * i as u64 + 29);
            let mut linked: Vec<usize> = if complexes.is_empty() {
                Vec::new()
            } else {
                (0..rng.range(1, 3)).map(|_| rng.below(complexes.len())).collect()
            };
            // Each complex once, as an editor names it.
            let mut named = Vec::new();
            linked.retain(|&c| {
                let new = !named.contains(&c);
                named.push(c);
                new
            });
            let links: Vec<String> = linked.iter().map(|&c| complexes[c].id.clone()).collect();
            let city = rng.below(CITIES.len());
            let (_, cz, ce) = CITIES[city];
            let kind = rng.phrase(KINDS);
            let attendees = (0..rng.range(2, 5))
                .map(|_| (format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)), rng.phrase(ROLES)))
                .collect();
            let bytes = rng.range(1500, 6000);
            Report {
                id: format!("r{i:06}"),
                title_zh: format!("{cz}召开产业创新服务综合体建设会议（第{i}期）"),
                title_en: format!("{ce} holds a meeting on innovation service complexes (No. {i})"),
                kind,
                date: (2017 + rng.below(9) as u16, 1 + rng.below(12) as u8, 1 + rng.below(28) as u8),
                city,
                attendees,
                photo: (rng.below(4) == 0).then(|| rng.below(PHOTOS)),
                summary_zh: format!("{cz}{}。", rng.pick(ZH_PHRASES)),
                body: body(&mut rng, bytes, &links),
                complexes: linked,
            }
        })
        .collect()
}

const PHOTOS: usize = 20;

fn write(path: PathBuf, text: impl AsRef<[u8]>) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn yaml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn write_fulcrum(out: &Path, complexes: &[Complex], reports: &[Report]) {
    let site_yaml =
        include_str!("../site.yaml").replace("base_url: https://example.org/", "base_url: https://bench.example/");
    write(out.join("site.yaml"), site_yaml);
    for p in 0..PHOTOS {
        // A tiny valid GIF: what the benchmark measures is not image copying.
        write(out.join(format!("static/photos/p{p:03}.gif")), b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".as_slice());
    }
    for c in complexes {
        let mut y = String::new();
        let _ = writeln!(y, "---\nname: {{zh: {}, en: {}}}", yaml_str(&c.name_zh), yaml_str(&c.name_en));
        let _ = writeln!(y, "level: {}\nstatus: {}\nmode: {}", LEVELS[c.level].0, c.status, c.mode);
        let (dz, de) = DISTRICTS[c.district];
        let _ = writeln!(y, "location: {{city: {}, district: {{zh: {dz}, en: {de}}}}}", CITIES[c.city].0);
        let (iid, iz, ie) = INDUSTRIES[c.industry];
        let _ = writeln!(
            y,
            "industry: {{leading: {{zh: {iz}, en: {}}}, tags: [{iid}], category: traditional}}",
            yaml_str(ie)
        );
        let _ = writeln!(y, "listings:\n  - {{level: {}, list: creation, year: 2018, source: s1}}", LEVELS[c.level].0);
        y.push_str("services:\n");
        for &s in &c.services {
            let _ = writeln!(
                y,
                "  - {{element: {}, description: {{zh: {}服务, en: Service}}}}",
                SERVICES[s].0, SERVICES[s].1
            );
        }
        y.push_str("statistics:\n");
        for &(ind, value, year, month) in &c.stats {
            let (id, unit) = INDICATORS[ind];
            let _ = writeln!(
                y,
                "  - {{indicator: {id}, value: {value}, unit: {unit}, as_of: {year}-{month:02}, cumulative: true, source: s1}}"
            );
        }
        let _ = writeln!(y, "summary: {{zh: {}, en: {}}}", yaml_str(&c.summary_zh), yaml_str(&c.summary_en));
        let _ =
            writeln!(y, "sources:\n  - {{id: s1, title: 基准测试来源, publisher: 基准测试, published: 2019-04-30}}");
        y.push_str("last_reviewed: 2026-11-01\n---\n");
        y.push_str(&c.body);
        write(out.join(format!("content/complexes/{}.md", c.id)), y);
    }
    for r in reports {
        let mut y = String::new();
        let _ = writeln!(y, "---\ntitle: {{zh: {}, en: {}}}", yaml_str(&r.title_zh), yaml_str(&r.title_en));
        let (yy, mm, dd) = r.date;
        let _ = writeln!(y, "kind: {}\nevent: {{date: {yy}-{mm:02}-{dd:02}}}\npublished: {yy}-{mm:02}-{dd:02}", r.kind);
        let _ = writeln!(y, "location: {{city: {}}}", CITIES[r.city].0);
        y.push_str("attendees:\n");
        for (name, role) in &r.attendees {
            let _ = writeln!(y, "  - {{name: {name}, title: 主任, role: {role}}}");
        }
        let ids: Vec<&str> = r.complexes.iter().map(|&c| complexes[c].id.as_str()).collect();
        let _ = writeln!(y, "complexes: [{}]", ids.join(", "));
        let _ = writeln!(y, "summary: {}", yaml_str(&r.summary_zh));
        if let Some(p) = r.photo {
            let _ = writeln!(
                y,
                "photos:\n  - {{file: photos/p{p:03}.gif, alt: 会议现场, credit: 记者 某某 摄, width: 1, height: 1}}"
            );
        }
        y.push_str("---\n");
        y.push_str(&r.body);
        write(out.join(format!("content/reports/{}.md", r.id)), y);
    }
}

fn write_hugo(out: &Path, complexes: &[Complex], reports: &[Report]) {
    write(
        out.join("hugo.toml"),
        "baseURL = 'https://bench.example/'\nlanguageCode = 'zh-cn'\ntitle = '基准测试'\n\
         disableKinds = ['RSS']\n[pagination]\n  pagerSize = 20\n\
         [taxonomies]\n  city = 'cities'\n  level = 'levels'\n  industry = 'industries'\n  mode = 'modes'\n",
    );
    write(
        out.join("layouts/_default/baseof.html"),
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\
         <body><header><a href=\"{{ \"/\" | relURL }}\">{{ site.Title }}</a></header><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    );
    write(
        out.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>\
         <dl>{{ with .Params.cities }}<dt>City</dt><dd>{{ range . }}<a href=\"{{ (printf \"/cities/%s/\" (. | urlize)) | relURL }}\">{{ . }}</a>{{ end }}</dd>{{ end }}\
         {{ with .Params.levels }}<dt>Level</dt><dd>{{ delimit . \", \" }}</dd>{{ end }}\
         {{ with .Params.industries }}<dt>Industry</dt><dd>{{ delimit . \", \" }}</dd>{{ end }}</dl>\
         {{ with .Params.statistics }}<table>{{ range . }}<tr><td>{{ .indicator }}</td><td>{{ .value }} {{ .unit }}</td><td>{{ .as_of }}</td></tr>{{ end }}</table>{{ end }}\
         {{ with .Params.attendees }}<ul>{{ range . }}<li>{{ .name }} ({{ .role }})</li>{{ end }}</ul>{{ end }}\
         {{ .Content }}{{ end }}\n",
    );
    write(
        out.join("layouts/_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range (.Paginate .Pages).Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Params.summary }}</li>{{ end }}</ul>\
         {{ template \"_internal/pagination.html\" . }}{{ end }}\n",
    );
    write(
        out.join("layouts/_default/terms.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href=\"{{ .Page.RelPermalink }}\">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}\n",
    );
    write(
        out.join("layouts/index.html"),
        "{{ define \"main\" }}<h1>{{ site.Title }}</h1><ul>{{ range first 10 (where site.RegularPages \"Section\" \"reports\") }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
    );
    for c in complexes {
        let mut y = String::new();
        let _ = writeln!(y, "---\ntitle: {}\nsummary: {}", yaml_str(&c.name_zh), yaml_str(&c.summary_zh));
        let _ = writeln!(
            y,
            "cities: [{}]\nlevels: [{}]\nindustries: [{}]\nmodes: [{}]",
            CITIES[c.city].0, LEVELS[c.level].0, INDUSTRIES[c.industry].0, c.mode
        );
        y.push_str("statistics:\n");
        for &(ind, value, year, month) in &c.stats {
            let (id, unit) = INDICATORS[ind];
            let _ = writeln!(y, "  - {{indicator: {id}, value: {value}, unit: {unit}, as_of: \"{year}-{month:02}\"}}");
        }
        y.push_str("---\n");
        y.push_str(&c.body);
        write(out.join(format!("content/complexes/{}.md", c.id)), y);
    }
    for r in reports {
        let mut y = String::new();
        let (yy, mm, dd) = r.date;
        let _ = writeln!(
            y,
            "---\ntitle: {}\ndate: {yy}-{mm:02}-{dd:02}\nsummary: {}",
            yaml_str(&r.title_zh),
            yaml_str(&r.summary_zh)
        );
        let _ = writeln!(y, "cities: [{}]", CITIES[r.city].0);
        y.push_str("attendees:\n");
        for (name, role) in &r.attendees {
            let _ = writeln!(y, "  - {{name: {name}, role: {role}}}");
        }
        y.push_str("---\n");
        // Hugo has no @/ links: point at the pretty URL instead.
        y.push_str(&r.body.replace("(@/complexes/", "(/complexes/"));
        write(out.join(format!("content/reports/{}.md", r.id)), y);
    }
}

/// Writes `out/fulcrum` and `out/hugo` afresh: the same arguments always give the same files.
pub fn generate(n_complexes: usize, n_reports: usize, out: &Path) {
    for sub in ["fulcrum", "hugo"] {
        let _ = std::fs::remove_dir_all(out.join(sub));
    }
    let complexes = make_complexes(n_complexes);
    let reports = make_reports(n_reports, &complexes);
    write_fulcrum(&out.join("fulcrum"), &complexes, &reports);
    write_hugo(&out.join("hugo"), &complexes, &reports);
}

/// A generated document as the search must find it: its path below a language's root
/// ("complexes/c000012/") and, for Chinese and for English, texts it is sure to be indexed
/// under (its name, summary, body, places, industry, services, people, and the names of the
/// complexes a report names). A text may be a part of the indexed one (the city 台州 of the
/// label 台州市), never more, so whatever a query finds in these texts the index must find.
#[allow(dead_code)] // used by the tests, not by `main`
pub struct Indexed {
    pub path: String,
    pub zh: Vec<String>,
    pub en: Vec<String>,
}

/// A body with its links' targets left out: a reader sees, and the index holds, only their text.
#[allow(dead_code)] // used by the tests, not by `main`
fn link_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("](@/") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        rest = rest.find(')').map_or("", |end| &rest[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// What `generate` with the same numbers writes, as [`Indexed`] documents, for the search
/// recall check (tests/search_engine.rs).
#[allow(dead_code)] // used by the tests, not by `main`
pub fn indexed(n_complexes: usize, n_reports: usize) -> Vec<Indexed> {
    let complexes = make_complexes(n_complexes);
    let reports = make_reports(n_reports, &complexes);
    let mut out = Vec::new();
    for c in &complexes {
        let (dz, de) = DISTRICTS[c.district];
        let (_, iz, ie) = INDUSTRIES[c.industry];
        let (_, cz, ce) = CITIES[c.city];
        let both = [c.name_zh.clone(), c.name_en.clone(), link_text(&c.body)];
        let mut zh = [dz, iz, cz].map(String::from).to_vec();
        zh.extend(c.services.iter().map(|&s| format!("{}服务", SERVICES[s].1)));
        zh.push(c.summary_zh.clone());
        let en = vec![de.to_string(), ie.to_string(), ce.to_string(), "Service".into(), c.summary_en.clone()];
        out.push(Indexed {
            path: format!("complexes/{}/", c.id),
            zh: both.iter().cloned().chain(zh).collect(),
            en: both.into_iter().chain(en).collect(),
        });
    }
    for r in &reports {
        let (_, cz, ce) = CITIES[r.city];
        // Chinese only, so the English page falls back to it.
        let mut shared =
            vec![r.title_zh.clone(), r.title_en.clone(), r.summary_zh.clone(), link_text(&r.body), "主任".into()];
        shared.extend(r.attendees.iter().map(|(name, _)| name.clone()));
        if r.photo.is_some() {
            shared.push("会议现场".into());
        }
        let mut zh = shared.clone();
        zh.push(cz.to_string());
        zh.extend(r.complexes.iter().map(|&c| complexes[c].name_zh.clone()));
        let mut en = shared;
        en.push(ce.to_string());
        en.extend(r.complexes.iter().map(|&c| complexes[c].name_en.clone()));
        out.push(Indexed { path: format!("reports/{}/", r.id), zh, en });
    }
    out
}

#[allow(dead_code)] // tests include this file for `generate` alone
fn main() {
    let mut args = std::env::args().skip(1);
    let (mut n_complexes, mut n_reports, mut out) = (100, 100, None::<PathBuf>);
    while let Some(a) = args.next() {
        let mut num = |name: &str| -> usize {
            args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
                eprintln!("{name} takes a number");
                std::process::exit(2)
            })
        };
        match a.as_str() {
            "--complexes" => n_complexes = num("--complexes"),
            "--reports" => n_reports = num("--reports"),
            "-h" | "--help" => {
                println!("usage: corpus [--complexes N] [--reports M] OUT\nwrites OUT/fulcrum and OUT/hugo");
                return;
            }
            other => out = Some(PathBuf::from(other)),
        }
    }
    let Some(out) = out else {
        eprintln!("usage: corpus [--complexes N] [--reports M] OUT");
        std::process::exit(2)
    };
    generate(n_complexes, n_reports, &out);
    eprintln!("wrote {} complexes and {} reports to {}", n_complexes, n_reports, out.display());
}
