//! `fulcrum new` and `fulcrum init`: new content files with every field an editor may
//! write (the fields of `raw`), each with a short comment, and a minimal new site.
//!
//! These write the editors' own source files, never the built site (that is `output`'s).
//! A new file is refused if one with its id exists, or if `check` would refuse its id
//! ([`parse_id`], with the same message).
//!
//! Layout of a template: every top-level key is present. A block whose parts are unknown
//! at first is written empty (`facilities:`, `statistics: []`) with its fields below it as
//! comments that keep their indentation (`#  floor_area: 20000`), so deleting the `#`
//! (and the `[]`) gives valid YAML.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::config::{Config, Vocabulary};
use crate::diagnostics::display_path;
use crate::load::{self, Section, Seg};
use crate::validate::parse_id;
use crate::{Failure, config};

/// What `fulcrum new` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Complex,
    Report,
}

/// Today's date in China time (UTC+8), as the site's dates are written.
pub fn today_in_china() -> String {
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai")
        // China has kept UTC+8 without daylight saving since 1991.
        .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(8)));
    jiff::Timestamp::now().to_zoned_datetime(tz).date().to_string()
}

/// Writes `content/complexes/<id>.yaml` or `content/reports/<id>.md` into the site at
/// `root`, as a draft, and returns its path. `title` is the name or title in the site's
/// first language.
pub fn new_file(root: &Path, kind: Kind, id: &str, title: Option<&str>) -> Result<PathBuf, Failure> {
    let config = load_config(root)?;
    let section = match kind {
        Kind::Complex => Section::Complexes,
        Kind::Report => Section::Reports,
    };
    let id = new_id(section, id)?;
    let today = today_in_china();
    let (folder, taken, file, text) = match kind {
        Kind::Complex => (
            "complexes",
            vec![format!("{id}.yaml"), format!("{id}.yml"), format!("{id}.md")],
            format!("{id}.yaml"),
            render_complex(&config, &id, &Placeholder::draft(title), &today),
        ),
        Kind::Report => (
            "reports",
            vec![format!("{id}.md")],
            format!("{id}.md"),
            render_report(&config, &id, &Placeholder::draft(title), &today, &[]),
        ),
    };
    let dir = root.join("content").join(folder);
    if let Some(existing) = taken.iter().map(|f| dir.join(f)).find(|p| p.exists()) {
        return Err(Failure::Usage(format!(
            "{} already exists: choose another id, or edit that file",
            display_path(existing.strip_prefix(root).unwrap_or(&existing))
        )));
    }
    let path = dir.join(file);
    write_new(&path, &text)?;
    Ok(path)
}

/// Creates a new site in `dir` (which may exist if it is empty): site.yaml with the
/// standard vocabularies, one complex and one report. Returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    if dir.join("site.yaml").is_file() {
        return Err(Failure::Usage(format!(
            "{} already holds a site (it has a site.yaml), left as it is: check it with `fulcrum --root {} check`, or choose a new folder",
            display_path(dir),
            display_path(dir)
        )));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::Usage(format!("{} is a file, not a folder: choose a new folder", display_path(dir))));
    }
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", display_path(dir))))?
            .next()
            .is_none();
        if !empty {
            return Err(Failure::Usage(format!(
                "{} is not empty: choose a new folder, or an empty one",
                display_path(dir)
            )));
        }
    }
    let site_yaml = init_site_yaml()?;
    let mut written = Vec::new();
    let path = dir.join("site.yaml");
    write_new(&path, &site_yaml)?;
    written.push(path);
    let config = load_config(dir)?;
    let today = today_in_china();
    let complex = render_complex(&config, "example-complex", &Placeholder::example(Kind::Complex), &today);
    let path = dir.join("content/complexes/example-complex.yaml");
    write_new(&path, &complex)?;
    written.push(path);
    let report =
        render_report(&config, "example-report", &Placeholder::example(Kind::Report), &today, &["example-complex"]);
    let path = dir.join("content/reports/example-report.md");
    write_new(&path, &report)?;
    written.push(path);
    Ok(written)
}

/// The example site's vocabularies under a neutral head: one list of Zhejiang's cities,
/// levels, modes, service elements, indicators and report kinds for every new site.
const EXAMPLE_SITE_YAML: &str = include_str!("../site.yaml");

fn init_site_yaml() -> Result<String, Failure> {
    let start = EXAMPLE_SITE_YAML
        .find("\nvocabularies:")
        .ok_or_else(|| Failure::Usage("the built-in site.yaml has no vocabularies".to_string()))?;
    let head = "\
# 站点配置 · Site configuration. 字段说明 · Field reference: docs/content-model.md in the Fulcrum repository.
title: {zh: 产业创新服务综合体, en: Industrial Innovation Service Complexes}
description:
  zh: 产业创新服务综合体的公开资料：概况、服务与统计数据，以及相关会议和活动报道。
  en: Public profiles of industrial innovation service complexes, their services and figures, with reports on related meetings and events.
# 网站的正式地址；`fulcrum build --base-url …` 可临时替换。
# The site's public address; `fulcrum build --base-url …` overrides it.
base_url: https://example.org/
# 第一种语言是默认语言，位于网站根目录；其他语言位于 /en/ 等子目录。
# The first language is the default, at the site's root; others live under /en/ and so on.
languages: [zh, en]
# 内置的默认主题；在 templates/ 中放同名文件可以替换单个模板。
# The theme built into fulcrum; a file of the same name in templates/ overrides one template.
theme: default
publisher: {zh: 编辑组, en: The editors}
reports_per_page: 20
sanitize_html: true
data_licence:
  zh: 知识共享署名 4.0 国际许可协议（CC BY 4.0）
  en: Creative Commons Attribution 4.0 International (CC BY 4.0)
data_licence_url: https://creativecommons.org/licenses/by/4.0/
";
    Ok(format!("{head}{}", &EXAMPLE_SITE_YAML[start..]))
}

/// Reads and validates site.yaml, for the vocabularies and languages.
fn load_config(root: &Path) -> Result<Config, Failure> {
    let (doc, mut diags) = load::load_site_yaml(root).map_err(|e| Failure::Usage(e.to_string()))?;
    let Some(doc) = doc else {
        return Err(Failure::Content(diags));
    };
    let locate = |path: &[&str]| {
        let segs: Vec<Seg> =
            path.iter().map(|s| s.parse::<usize>().map_or_else(|_| Seg::from(*s), Seg::Index)).collect();
        doc.locate(&segs, false)
    };
    let (config, d) = config::validate_site(doc.raw.clone(), &doc.path, &locate);
    diags.extend(d);
    match config {
        Some(c) if !diags.has_errors() => Ok(c),
        _ => {
            diags.sort();
            Err(Failure::Content(diags))
        }
    }
}

/// The id of a new item of `section`, refused as `check` would refuse it.
fn new_id(section: Section, id: &str) -> Result<String, Failure> {
    match parse_id(section, id) {
        Ok(id) => Ok(id.as_str().to_string()),
        Err(problem) => Err(Failure::Usage(format!("{}: {}", problem.message(id), problem.hint(id)))),
    }
}

/// Creates the file and its folder; never replaces an existing file.
fn write_new(path: &Path, text: &str) -> Result<(), Failure> {
    let fail = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::Usage(format!("{} already exists: it was left as it is", display_path(path)))
        } else {
            Failure::Usage(format!("cannot write {}: {e}", display_path(path)))
        }
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)
}

/// The texts that a new file starts with.
#[derive(Debug, Clone)]
pub struct Placeholder {
    /// Name or title: (language, text) pairs.
    pub title: Vec<(&'static str, String)>,
    /// Required summary of a complex.
    pub summary: Vec<(&'static str, String)>,
    /// The Markdown body of a report.
    pub body: String,
    pub draft: bool,
}

impl Placeholder {
    /// A draft from `fulcrum new`, with the editor's title if given.
    pub fn draft(title: Option<&str>) -> Placeholder {
        // A name or title is one line: line breaks and tabs typed into it become spaces.
        let title = title.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
        let title = match title.filter(|t| !t.is_empty()) {
            Some(t) => vec![("", t)],
            None => vec![("zh", "待填写".to_string()), ("en", "To be written".to_string())],
        };
        Placeholder {
            title,
            summary: vec![("zh", "待填写。".to_string()), ("en", "To be written.".to_string())],
            body: "在此用 Markdown 写正文；英文译文写在同名的 .en.md 文件中。\n\n\
                   Write the text here in Markdown; the English text goes in a file of the same name ending .en.md.\n"
                .to_string(),
            draft: true,
        }
    }

    /// The published examples of `fulcrum init`.
    pub fn example(kind: Kind) -> Placeholder {
        match kind {
            Kind::Complex => Placeholder {
                title: vec![
                    ("zh", "示例产业创新服务综合体".to_string()),
                    ("en", "Example Industry Innovation Service Complex".to_string()),
                ],
                summary: vec![
                    ("zh", "由 fulcrum init 生成的示例档案，请改写或删除。".to_string()),
                    ("en", "An example profile written by fulcrum init: rewrite or delete it.".to_string()),
                ],
                body: String::new(),
                draft: false,
            },
            Kind::Report => Placeholder {
                title: vec![("zh", "示例报道".to_string()), ("en", "An example report".to_string())],
                summary: Vec::new(),
                body: "由 fulcrum init 生成的示例报道，请改写或删除。它提到了\
                       [示例综合体](@/complexes/example-complex)：这种链接在生成网站时检查。\n"
                    .to_string(),
                draft: false,
            },
        }
    }
}

/// `{zh: "…", en: "…"}` for the site's languages ("" is the first language).
fn text_value(config: &Config, parts: &[(&str, String)]) -> String {
    let mut items = Vec::new();
    for (lang, text) in parts {
        let lang = if lang.is_empty() { config.default_language() } else { lang };
        if config.languages.iter().any(|l| l == lang) {
            items.push(format!("{lang}: {}", quote(text)));
        }
    }
    if items.is_empty() {
        // A site in other languages: the first text, as plain text in its first language.
        return parts.first().map(|(_, t)| quote(t)).unwrap_or_else(|| "\"\"".to_string());
    }
    format!("{{{}}}", items.join(", "))
}

/// A YAML double-quoted scalar (JSON's string syntax is valid YAML).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// "a, b, c" for a vocabulary, shortened when long.
fn choices(v: &Vocabulary) -> String {
    let ids: Vec<&str> = v.ids().collect();
    match ids.len() {
        0 => format!("none defined: add vocabularies.{} to site.yaml", v.name),
        1..=6 => ids.join(", "),
        n => format!("{}, … ({n} in site.yaml)", ids[..5].join(", ")),
    }
}

/// Lines of YAML with their comments lined up.
struct Lines(String);

const COMMENT_COLUMN: usize = 30;

impl Lines {
    fn new() -> Self {
        Lines(String::new())
    }
    fn raw(&mut self, s: &str) {
        self.0.push_str(s);
        self.0.push('\n');
    }
    fn line(&mut self, code: &str, comment: &str) {
        let width: usize = code.chars().map(crate::diagnostics::columns).sum();
        let pad = COMMENT_COLUMN.saturating_sub(width).max(1);
        let _ = writeln!(self.0, "{code}{:pad$}# {comment}", "");
    }
}

/// A new profile: every field of `RawComplex`, required ones filled in.
pub fn render_complex(config: &Config, id: &str, ph: &Placeholder, today: &str) -> String {
    let v = &config.vocab;
    let first = |voc: &Vocabulary| voc.ids().next().map(str::to_string).unwrap_or_default();
    let mut y = Lines::new();
    y.raw(&format!("# 综合体档案 · Complex profile: {id}"));
    y.raw("# 字段说明 · Field reference: docs/content-model.md. 空字段可以留空或删除 · Empty fields may stay empty or go.");
    y.raw("# 双语文字 · Text in two languages: {zh: 中文, en: English}; 含逗号的文字加引号 · quote text with commas.");
    y.raw("");
    if ph.draft {
        y.line("draft: true", "草稿，发布时删除此行 · a draft: delete this line to publish");
    } else {
        y.line("draft: false", "true: 草稿，不发布 · a draft, not published");
    }
    y.line(&format!("name: {}", text_value(config, &ph.title)), "全称（必填）· full name (required)");
    y.line("short_names: []", "简称 · short names, e.g. [{zh: 黄岩模具综合体}]");
    y.line(&format!("level: {}", first(&v.levels)), &format!("级别（必填）· level (required): {}", choices(&v.levels)));
    y.line("status:", &format!("状态 · status: {}", choices(&v.statuses)));
    y.line("location:", "位置 · where it is");
    y.line(&format!("  city: {}", first(&v.cities)), &format!("城市（必填）· city (required): {}", choices(&v.cities)));
    y.line("  district:", "区县 · district, e.g. {zh: 黄岩区, en: Huangyan District}");
    y.line("  address:", "地址 · street address");
    y.line("  coordinates:", "坐标 · coordinates:");
    y.line("#    lat: 28.65", "纬度 · latitude");
    y.line("#    lon: 121.26", "经度 · longitude");
    y.line("#    datum: wgs84", "坐标系 · wgs84, gcj02 or bd09");
    y.line("industry:", "产业 · industry");
    y.line("  leading:", "主导产业 · leading industry, e.g. {zh: 模具, en: Moulds}");
    y.line("  tags: []", &format!("产业标签 · industry ids: {}", choices(&v.industries)));
    y.line("  category:", &format!("产业类别 · category: {}", choices(&v.industry_categories)));
    y.line("mode:", &format!("建设模式 · construction mode: {}", choices(&v.modes)));
    y.line("applicant:", "申报主体 · applying government");
    y.line("operator:", "运营主体 · operating body:");
    y.line("#  name: {zh: …, en: …}", "名称 · its name");
    y.line("#  type: {zh: 国有企业, en: State-owned company}", "类型 · what kind of body");
    y.line("host_units: []", "依托单位 · host units");
    y.line("lead_enterprises: []", "龙头企业 · lead enterprises");
    y.line("partners: []", "共建高校院所 · partner universities and institutes");
    y.line("listings: []", "入选名单，每项一条 · lists it is on, one entry each:");
    y.line(&format!("#  - level: {}", first(&v.levels)), "名单级别 · level of the list");
    y.line(&format!("#    list: {}", first(&v.list_types)), &format!("名单类型 · {}", choices(&v.list_types)));
    y.line("#    year: 2018", "年份 · year");
    y.line("#    batch: 1", "批次 · batch");
    y.line("#    announced: 2018-01", "公布日期 · date announced");
    y.line("#    issuer: {zh: …, en: …}", "发布机关 · issuing body");
    y.line("#    document: 浙科发〔2018〕1号", "文号 · document number");
    y.line("#    source: my-source", "出处 · id of an entry in sources");
    y.line("services: []", "服务要素，每项一条 · service elements, one entry each:");
    y.line(
        &format!("#  - element: {}", first(&v.service_elements)),
        &format!("要素 · {}", choices(&v.service_elements)),
    );
    y.line("#    description: {zh: …, en: …}", "说明 · what is offered");
    y.line("#    providers: []", "提供机构 · who provides it");
    y.line("facilities:", "设施 · facilities:");
    y.line("#  floor_area: 20000", "面积（平方米）· floor area in m²");
    y.line("#  investment: {value: 1.2, unit: 亿元}", "投资 · investment: 万元 or 亿元");
    y.line("#  service_hall: {zh: …, en: …}", "服务大厅 · service hall");
    y.line("#  exhibition_hall: {zh: …, en: …}", "展厅 · exhibition hall");
    y.line("#  source: my-source", "出处 · id of an entry in sources");
    y.line("statistics: []", "统计数据，每个数字一条 · figures, one entry each:");
    y.line(&format!("#  - indicator: {}", first(&v.indicators)), &format!("指标 · {}", choices(&v.indicators)));
    y.line("#    value: 1200", "数值 · the number the source gives");
    y.line("#    unit: 家", "单位 · unit (default: the indicator's first)");
    y.line("#    period: 2019", "所属时期 · the year or month it covers, or:");
    y.line("#    as_of: 2019-04", "截至日期 · the date a running total stood");
    y.line("#    cumulative: false", "累计 · true for a running total");
    y.line("#    at_least: false", "true: 来源写“超过” · the source says “more than”");
    y.line("#    scope: {zh: …, en: …}", "范围 · what the figure covers");
    y.line("#    source: my-source", "出处（应填）· id of an entry in sources");
    y.line("#    note: {zh: …, en: …}", "备注 · note");
    y.line(&format!("summary: {}", text_value(config, &ph.summary)), "简介（必填）· summary (required)");
    y.line("contact:", "联系方式 · contact:");
    y.line("#  phone: \"0576-00000000\"", "电话 · phone");
    y.line("#  email: service@example.org", "邮箱 · e-mail");
    y.line("#  address: {zh: …, en: …}", "地址 · postal address");
    y.line("website:", "网站 · web address, https://…");
    y.line("sources: []", "来源，每项一条 · sources, one entry each:");
    y.line("#  - id: my-source", "编号 · an id used by source: above");
    y.line("#    title: {zh: …, en: …}", "标题 · title");
    y.line("#    publisher: {zh: 浙江新闻, en: Zhejiang News}", "发布者 · publisher");
    y.line("#    url: https://…", "网址 · web address");
    y.line("#    published: 2019-04-30", "发布日期 · date published");
    y.line("#    note: {zh: …, en: …}", "说明 · e.g. that it is a reprint");
    y.line(&format!("last_reviewed: {today}"), "最近核对日期 · date last checked against the sources");
    y.0
}

/// A new report: front matter with every field of `RawReport`, then its body.
pub fn render_report(config: &Config, id: &str, ph: &Placeholder, today: &str, complexes: &[&str]) -> String {
    let v = &config.vocab;
    let kinds = &v.report_kinds;
    // General news if the site has it; else the first kind that needs no event date.
    let kind = kinds.get("news").or_else(|| kinds.terms.iter().find(|t| !t.event)).or_else(|| kinds.terms.first());
    let is_event = kind.is_some_and(|k| k.event);
    let first = |voc: &Vocabulary| voc.ids().next().map(str::to_string).unwrap_or_default();
    let mut y = Lines::new();
    y.raw("---");
    y.raw(&format!("# 报道 · Report: {id}"));
    y.raw("# 字段说明 · Field reference: docs/content-model.md. 空字段可以留空或删除 · Empty fields may stay empty or go.");
    y.raw("# 双语文字 · Text in two languages: {zh: 中文, en: English}; 含逗号的文字加引号 · quote text with commas.");
    if ph.draft {
        y.line("draft: true", "草稿，发布时删除此行 · a draft: delete this line to publish");
    } else {
        y.line("draft: false", "true: 草稿，不发布 · a draft, not published");
    }
    y.line(&format!("title: {}", text_value(config, &ph.title)), "标题（必填）· title (required)");
    y.line(
        &format!("kind: {}", kind.map(|k| k.id.as_str()).unwrap_or("")),
        &format!("类别（必填）· kind (required): {}", choices(kinds)),
    );
    if is_event {
        y.line("event:", "活动 · the event (its date is required for this kind)");
        y.line(&format!("  date: {today}"), "日期 · date");
        y.line("  time:", "开始时间 · start, China time, quoted: \"09:30\"");
        y.line("  end_time:", "结束时间 · end, quoted: \"11:30\"");
    } else {
        y.line("event:", "活动（会议类报道必填）· the event, for meetings:");
        y.line(&format!("#  date: {today}"), "日期 · date");
        y.line("#  time: \"09:30\"", "开始时间 · start, China time");
        y.line("#  end_time: \"11:30\"", "结束时间 · end");
    }
    y.line("location:", "地点 · where:");
    y.line("#  name: {zh: …, en: …}", "场所 · venue");
    y.line(&format!("#  city: {}", first(&v.cities)), &format!("城市 · city: {}", choices(&v.cities)));
    y.line("#  complex: huangyan-moulds", "举办地综合体 · id of the complex it was held at");
    y.line("organisers: []", "主办单位 · organisers");
    y.line("attendees: []", "出席人员，每人一条 · people named, one entry each:");
    y.line("#  - name: {zh: 某某, en: Mou Mou}", "姓名 · name");
    y.line("#    title: {zh: …, en: …}", "职务（活动时）· title at the time");
    y.line("#    organisation: {zh: …, en: …}", "单位 · organisation");
    y.line(
        &format!("#    role: {}", first(&v.attendee_roles)),
        &format!("角色 · role: {}", choices(&v.attendee_roles)),
    );
    let complexes = if complexes.is_empty() { "[]".to_string() } else { format!("[{}]", complexes.join(", ")) };
    y.line(&format!("complexes: {complexes}"), "涉及的综合体 · ids of the complexes it is about");
    y.line("summary:", "摘要 · summary");
    y.line("photos: []", "照片，每张一条 · photos, one entry each:");
    y.line("#  - file: photos/meeting.jpg", "文件 · a path under static/");
    y.line("#    alt: {zh: …, en: …}", "替代文字（必填）· what it shows (required)");
    y.line("#    caption: {zh: …, en: …}", "图说 · caption");
    y.line("#    credit: {zh: 记者 某某 摄, en: Photo by Mou Mou}", "署名 · credit");
    y.line("#    licence: {zh: …, en: …}", "使用依据 · why the site may use it");
    y.line("#    width: 1200", "宽（像素）· width in pixels");
    y.line("#    height: 800", "高（像素）· height in pixels");
    y.line("source:", "原始报道 · the original report:");
    y.line("#  title: {zh: …, en: …}", "标题 · title");
    y.line("#  publisher: {zh: 浙江新闻, en: Zhejiang News}", "发布者 · publisher");
    y.line("#  authors: []", "记者 · reporters");
    y.line("#  correspondents: []", "通讯员 · correspondents");
    y.line("#  url: https://…", "网址 · web address");
    y.line("#  published: 2019-04-30", "发布日期 · date published");
    y.line("#  note: {zh: …, en: …}", "说明 · e.g. that it is a reprint");
    y.line("#  reuse: {zh: …, en: …}", "转载依据 · why the site may reuse it");
    y.line(&format!("published: {today}"), "发布日期 · date published here");
    y.line("updated:", "更新日期 · date last updated");
    y.line("tags: []", "标签 · tags");
    y.raw("---");
    y.raw(ph.body.trim_end());
    y.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_ids_are_refused_with_a_suggestion() {
        for bad in ["../x", "A B", "x/y", "", "-x", "x--y", "台州", "x.md", "/etc/passwd", "a\\b"] {
            assert!(new_id(Section::Complexes, bad).is_err(), "{bad}");
        }
        match new_id(Section::Complexes, "Wenling Pumps") {
            Err(Failure::Usage(m)) => assert!(m.contains("wenling-pumps"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(new_id(Section::Complexes, "wenling-pumps-2").unwrap(), "wenling-pumps-2");
    }

    #[test]
    fn comments_line_up_whatever_the_code_holds() {
        let mut y = Lines::new();
        y.line("a: x", "ascii");
        y.line("b: 台州", "CJK, two columns each");
        y.line("c: 🏭", "an emoji, two columns");
        y.line("d: e\u{301}", "a combining accent, none");
        // Every comment starts at the same column on screen: 30 less the code's columns.
        let pad = |n: usize| " ".repeat(n);
        let expected = [
            format!("a: x{}# ascii", pad(26)),
            format!("b: 台州{}# CJK, two columns each", pad(23)),
            format!("c: 🏭{}# an emoji, two columns", pad(25)),
            format!("d: e\u{301}{}# a combining accent, none", pad(26)),
        ];
        assert_eq!(y.0.lines().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn today_is_a_date() {
        let t = today_in_china();
        assert!(jiff::civil::Date::strptime("%Y-%m-%d", &t).is_ok(), "{t}");
    }

    #[test]
    fn the_init_site_keeps_the_example_vocabularies() {
        let s = init_site_yaml().unwrap();
        assert!(s.contains("\nvocabularies:\n"));
        assert!(s.contains("attendee_roles:"));
    }
}
