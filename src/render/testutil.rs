//! A small site built by hand, for the render tests.

use std::path::PathBuf;

use crate::config::{Config, Term, Vocabularies, Vocabulary};
use crate::model::*;

pub fn t(zh: &str, en: &str) -> Text {
    let mut v = vec![("zh".to_string(), zh.to_string())];
    if !en.is_empty() {
        v.push(("en".to_string(), en.to_string()));
    }
    Text::new(v)
}

pub fn date(s: &str) -> PartialDate {
    PartialDate::parse(s).unwrap()
}

fn vocab(name: &'static str, terms: &[(&str, &str, &str)]) -> Vocabulary {
    Vocabulary {
        name,
        terms: terms
            .iter()
            .map(|(id, zh, en)| Term {
                id: id.to_string(),
                label: t(zh, en),
                description: Text::default(),
                units: Vec::new(),
                event: false,
            })
            .collect(),
    }
}

pub fn config() -> Config {
    Config {
        title: t("浙江省产业创新服务综合体", "Zhejiang Industrial Innovation Service Complexes"),
        description: t(
            "介绍浙江省产业创新服务综合体的公开资料。",
            "Public facts about Zhejiang's industrial innovation service complexes.",
        ),
        base_url: "https://example.org/a/b/".into(),
        base_path: "/a/b/".into(),
        languages: vec!["zh".into(), "en".into()],
        theme: "default".into(),
        publisher: t("示例编辑部", "Example editors"),
        reports_per_page: 1,
        sanitize_html: true,
        data_licence: t("CC BY 4.0", ""),
        data_licence_url: Some("https://creativecommons.org/licenses/by/4.0/".into()),
        vocab: Vocabularies {
            cities: vocab("cities", &[("hangzhou", "杭州市", "Hangzhou"), ("taizhou", "台州市", "Taizhou")]),
            levels: vocab("levels", &[("provincial", "省级", "Provincial"), ("municipal", "市级", "Municipal")]),
            statuses: vocab("statuses", &[("creation", "创建", "Under construction")]),
            list_types: vocab("list_types", &[("creation", "创建名单", "Creation list")]),
            modes: vocab("modes", &[("enterprise-led", "龙头企业带动", "Leading-enterprise-led")]),
            industry_categories: vocab("industry_categories", &[("traditional", "传统产业", "Traditional industry")]),
            industries: vocab("industries", &[("moulds", "模具", "Moulds"), ("valves", "水暖阀门", "Valves")]),
            service_elements: vocab(
                "service_elements",
                &[("testing", "检验检测", "Inspection and testing"), ("design", "工业设计", "Industrial design")],
            ),
            indicators: vocab(
                "indicators",
                &[("enterprises-served", "服务企业", "Enterprises served"), ("investment", "投资", "Investment")],
            ),
            report_kinds: vocab(
                "report_kinds",
                &[("site-meeting", "现场推进会", "Site promotion meeting"), ("news", "综合报道", "General news")],
            ),
            attendee_roles: vocab("attendee_roles", &[("speaks", "讲话", "Speaks")]),
        },
    }
}

fn body(lang: &str, md: &str, path: &str, first_line: usize) -> Body {
    Body { parts: vec![BodyPart { lang: lang.into(), markdown: md.into(), path: PathBuf::from(path), first_line }] }
}

fn stat(indicator: &str, value: f64, unit: &str, when: When, cumulative: bool) -> Statistic {
    Statistic {
        indicator: indicator.into(),
        value,
        unit: unit.into(),
        when,
        cumulative,
        at_least: false,
        scope: Text::default(),
        source: Some("zjnews-2019".into()),
        note: Text::default(),
    }
}

pub fn huangyan() -> Complex {
    Complex {
        id: Id::parse("huangyan-moulds").unwrap(),
        origin: Origin { path: "content/complexes/huangyan-moulds.md".into() },
        name: t("黄岩模具产业创新服务综合体", "Huangyan Moulds Industrial Innovation Service Complex"),
        short_names: vec![t("黄岩模具综合体", "")],
        level: "provincial".into(),
        status: Some("creation".into()),
        location: Location {
            city: "taizhou".into(),
            district: t("黄岩区", "Huangyan District"),
            address: Text::default(),
            coordinates: None,
        },
        leading_industry: t("模具", "Moulds"),
        industry_tags: vec!["moulds".into()],
        industry_category: Some("traditional".into()),
        mode: Some("enterprise-led".into()),
        applicant: t("黄岩区人民政府", "Huangyan District Government"),
        operator_name: t("黄岩模具运营公司", ""),
        operator_type: Text::default(),
        host_units: vec![],
        lead_enterprises: vec![t("某模具公司", "A mould company")],
        partners: vec![t("浙江大学", "Zhejiang University")],
        listings: vec![Listing {
            level: "provincial".into(),
            list: "creation".into(),
            year: Some(2018),
            batch: Some("1".into()),
            announced: Some(date("2018-01")),
            issuer: t("浙江省科技厅", "Zhejiang Department of Science and Technology"),
            document: None,
            source: None,
        }],
        services: vec![Service {
            element: "testing".into(),
            description: t("模具检测服务。", "Mould testing."),
            providers: vec![t("检测中心", "Testing centre")],
        }],
        facilities: Some(Facilities {
            floor_area: Some(12_000.0),
            investment: Some((3.5, "亿元".into())),
            ..Facilities::default()
        }),
        statistics: vec![
            stat("enterprises-served", 60_000.0, "家", When::AsOf(date("2018-12")), true),
            stat("enterprises-served", 77_900.0, "家", When::AsOf(date("2019-10")), true),
            stat("investment", 164.0, "亿元", When::Period(date("2019")), false),
        ],
        summary: t("服务黄岩模具产业的综合体。", ""),
        contact: None,
        website: Some("https://example.org/huangyan".into()),
        sources: vec![Source {
            id: "zjnews-2019".into(),
            title: t("台州现场推进会报道", "Report of the Taizhou meeting"),
            publisher: t("浙江新闻", "Zhejiang News"),
            url: Some("https://example.org/news".into()),
            published: Some(date("2019-04-30")),
            note: Text::default(),
        }],
        last_reviewed: Some(date("2024-05-01")),
        body: body(
            "zh",
            "## 概况\n\n**注意：**黄岩是[模具之乡](@/reports/taizhou-meeting-2019)。\n",
            "content/complexes/huangyan-moulds.md",
            30,
        ),
        draft: false,
    }
}

pub fn yuhuan() -> Complex {
    Complex {
        id: Id::parse("yuhuan-valves").unwrap(),
        origin: Origin { path: "content/complexes/yuhuan-valves.yaml".into() },
        name: t("玉环水暖阀门产业创新服务综合体", "Yuhuan Valves Industrial Innovation Service Complex"),
        short_names: vec![],
        level: "municipal".into(),
        status: None,
        location: Location {
            city: "taizhou".into(),
            district: t("玉环市", ""),
            address: Text::default(),
            coordinates: None,
        },
        leading_industry: t("水暖阀门", ""),
        industry_tags: vec!["valves".into()],
        industry_category: None,
        mode: None,
        applicant: Text::default(),
        operator_name: Text::default(),
        operator_type: Text::default(),
        host_units: vec![],
        lead_enterprises: vec![],
        partners: vec![],
        listings: vec![],
        services: vec![],
        facilities: None,
        statistics: vec![],
        summary: Text::default(),
        contact: None,
        website: None,
        sources: vec![],
        last_reviewed: None,
        body: Body::default(),
        draft: false,
    }
}

pub fn meeting() -> Report {
    Report {
        id: Id::parse("taizhou-meeting-2019").unwrap(),
        origin: Origin { path: "content/reports/taizhou-meeting-2019.md".into() },
        title: t(
            "全省产业创新服务综合体建设现场推进会在台州召开",
            "Site meeting on innovation service complexes held in Taizhou",
        ),
        kind: "site-meeting".into(),
        event_date: Some(date("2019-04-29")),
        event_time: Some(Time::parse("09:30").unwrap()),
        event_end_time: None,
        location_name: t("黄岩模具综合体", "Huangyan moulds complex"),
        location_city: Some("taizhou".into()),
        location_complex: Some(Id::parse("huangyan-moulds").unwrap()),
        organisers: vec![t("浙江省科技厅", "Zhejiang Department of Science and Technology")],
        attendees: vec![Attendee {
            name: t("某某", "Mou Mou"),
            title: t("副省长", "Vice-governor"),
            organisation: t("浙江省人民政府", ""),
            role: Some("speaks".into()),
        }],
        complexes: vec![Id::parse("huangyan-moulds").unwrap(), Id::parse("yuhuan-valves").unwrap()],
        summary: t("会议总结了综合体建设经验。", "The meeting reviewed what the complexes have achieved."),
        photos: vec![Photo {
            file: "photos/taizhou-2019/hall.jpg".into(),
            alt: t("会场全景", "The meeting hall"),
            caption: t("推进会现场", "The meeting"),
            credit: t("记者 某某 摄", "Photo: Mou Mou"),
            licence: t("经授权转载", "Reprinted with permission"),
            width: Some(1200),
            height: Some(800),
        }],
        source: Some(ReportSource {
            title: t("全省产业创新服务综合体建设现场推进会召开", ""),
            publisher: t("浙江新闻", "Zhejiang News"),
            authors: vec![t("记者甲", "Reporter A")],
            correspondents: vec![t("通讯员乙", "")],
            url: Some("https://example.org/news".into()),
            published: Some(date("2019-04-30")),
            reuse: t("纯事实新闻", "Factual news"),
            note: t("原文见浙江新闻客户端。", ""),
        }),
        published: Some(date("2019-04-30")),
        updated: None,
        tags: vec![t("推进会", "meeting")],
        body: body(
            "zh",
            "会议在[黄岩](@/complexes/huangyan-moulds)召开。\n",
            "content/reports/taizhou-meeting-2019.md",
            40,
        ),
        draft: false,
    }
}

pub fn older_report() -> Report {
    Report {
        id: Id::parse("first-batch-2018").unwrap(),
        origin: Origin { path: "content/reports/first-batch-2018.yaml".into() },
        title: t("首批省级综合体名单公布", "First provincial list announced"),
        kind: "news".into(),
        event_date: None,
        event_time: None,
        event_end_time: None,
        location_name: Text::default(),
        location_city: None,
        location_complex: None,
        organisers: vec![],
        attendees: vec![],
        complexes: vec![Id::parse("huangyan-moulds").unwrap()],
        summary: Text::default(),
        photos: vec![],
        source: None,
        published: Some(date("2018-01")),
        updated: None,
        tags: vec![],
        body: Body::default(),
        draft: false,
    }
}

pub fn about() -> Page {
    Page {
        id: Id::parse("about").unwrap(),
        origin: Origin { path: "content/pages/about.md".into() },
        title: t("关于本站", "About"),
        summary: t("本站说明。", "About this site."),
        updated: Some(date("2024-05")),
        menu: Some(1),
        body: body("en", "This site publishes facts.\n", "content/pages/about.en.md", 5),
        draft: false,
    }
}

pub fn small_site() -> Site {
    Site {
        config: config(),
        complexes: vec![huangyan(), yuhuan()],
        reports: vec![older_report(), meeting()],
        pages: vec![about()],
        statics: StaticFiles::default(),
    }
}
