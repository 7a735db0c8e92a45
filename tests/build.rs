//! `fulcrum build`: the site written, its feeds, sitemap and data files, and the safety of
//! the output folder.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{TestSite, printed_problems, snapshot};

fn built(site: &TestSite, args: &[&str]) -> String {
    let out = site.build(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "build failed:\n{stderr}");
    stderr
}

#[test]
fn summary_line_says_what_was_written() {
    let site = TestSite::fixture("basic");
    let stderr = built(&site, &[]);
    assert!(stderr.contains("Built ") && stderr.contains(" pages (") && stderr.contains(" into "), "{stderr}");
}

#[test]
fn atom_feed_lists_reports_newest_first() {
    let site = TestSite::fixture("basic");
    built(&site, &[]);
    let feed = site.read("public/atom.xml");
    assert!(feed.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">"
    ));
    assert!(feed.contains("<title>测试站点</title>"));
    assert!(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/atom.xml\"/>"));
    let meeting = feed.find("<id>https://example.org/reports/meeting/</id>").expect("meeting entry");
    let older = feed.find("<id>https://example.org/reports/older-news/</id>").expect("older entry");
    let oldest = feed.find("<id>https://example.org/reports/oldest-news/</id>").expect("oldest entry");
    assert!(meeting < older && older < oldest, "{feed}");
    assert!(feed.contains("<published>2019-04-30T00:00:00+08:00</published>"));
    assert!(feed.contains("<summary>会议摘要。</summary>"));
    let en = site.read("public/en/atom.xml");
    assert!(en.contains("xml:lang=\"en\"") && en.contains("<title>Test site promotion meeting</title>"));
    assert!(en.contains("<id>https://example.org/en/reports/meeting/</id>"));
    // The feed's last update is the newest date among the reports.
    assert!(feed.contains("  <updated>2019-04-30T00:00:00+08:00</updated>\n  <author>"), "{feed}");
}

#[test]
fn sitemap_and_robots() {
    let site = TestSite::fixture("basic");
    built(&site, &[]);
    let robots = site.read("public/robots.txt");
    assert!(robots.contains("Sitemap: https://example.org/sitemap.xml"));
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "));
    assert!(!sitemap.contains("404"), "{sitemap}");
    for p in [
        "https://example.org/",
        "https://example.org/complexes/alpha-moulds/",
        "https://example.org/en/reports/meeting/",
    ] {
        assert!(sitemap.contains(&format!("<loc>{p}</loc>")), "{p} missing from\n{sitemap}");
    }
}

#[test]
fn open_data_files() {
    let site = TestSite::fixture("basic");
    built(&site, &[]);
    let complexes: serde_json::Value = serde_json::from_str(&site.read("public/data/complexes.json")).unwrap();
    let alpha = &complexes[0];
    assert_eq!(alpha["id"], "alpha-moulds");
    assert_eq!(alpha["name"]["zh"], "阿尔法模具产业创新服务综合体");
    assert_eq!(alpha["url"], "https://example.org/complexes/alpha-moulds/");
    assert_eq!(alpha["statistics"][0]["value"], 77900.0);
    // Written as the CSV writes it: a whole number as an integer, a fraction as it is.
    assert!(alpha["statistics"][0]["value"].is_i64(), "{}", alpha["statistics"][0]);
    let raw = site.read("public/data/complexes.json");
    assert!(raw.contains("\"value\": 77900,") && raw.contains("\"value\": 16.4,"), "{raw}");
    assert!(!raw.contains("77900.0"), "{raw}");
    assert_eq!(alpha["statistics"][0]["as_of"], "2019-04");
    assert_eq!(alpha["statistics"][0]["at_least"], true);
    assert_eq!(alpha["sources"][0]["url"], "https://example.org/source");
    // Every field is there, in this order, null when the profile leaves it empty.
    let keys: Vec<&str> = alpha.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "url",
            "name",
            "short_names",
            "level",
            "status",
            "city",
            "district",
            "address",
            "coordinates",
            "leading_industry",
            "industry_tags",
            "industry_category",
            "mode",
            "applicant",
            "operator",
            "host_units",
            "lead_enterprises",
            "partners",
            "listings",
            "services",
            "facilities",
            "statistics",
            "summary",
            "contact",
            "website",
            "sources",
            "last_reviewed",
        ]
    );
    assert!(alpha["coordinates"].is_null() && alpha["contact"].is_null(), "{alpha}");
    assert_eq!(alpha["operator"], serde_json::json!({"name": null, "type": null}));
    let reports: serde_json::Value = serde_json::from_str(&site.read("public/data/reports.json")).unwrap();
    let ids: Vec<&str> = reports.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["meeting", "older-news", "oldest-news"]);
    assert_eq!(reports[0]["attendees"][0]["role"], "chairs");
    assert_eq!(reports[0]["event_time"], "09:30");
    assert!(reports[0]["event_end_time"].is_null() && reports[0].as_object().unwrap().contains_key("event_end_time"));

    let csv = std::fs::read(site.path("public/data/complexes.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBFid,name_zh,name_en,level,"), "the CSV starts with a BOM and a header");
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("\r\nalpha-moulds,阿尔法模具产业创新服务综合体,Alpha Mould Industry Innovation Service Complex,provincial,creation,taizhou,"));
    // The district in both languages, the English one in the last column (added last).
    let header: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().next().unwrap().split(',').collect();
    assert_eq!((header[6], header.last().copied()), ("district_zh", Some("district_en")));
    assert!(csv.contains("/complexes/alpha-moulds/,Huangyan District\r\n"), "{csv}");
    let dp: serde_json::Value = serde_json::from_str(&site.read("public/data/datapackage.json")).unwrap();
    let fields = dp["resources"][0]["schema"]["fields"].as_array().unwrap();
    let named: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(named, header, "the schema lists the CSV's columns in order");
    let stats = String::from_utf8(std::fs::read(site.path("public/data/statistics.csv")).unwrap()).unwrap();
    let rows: Vec<&str> = stats.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        rows[0],
        "complex,indicator,value,unit,period,as_of,cumulative,at_least,scope_zh,source,source_title,source_url,scope_en,note_zh,note_en"
    );
    assert_eq!(
        rows[1],
        "alpha-moulds,enterprises-served,77900,家,,2019-04,true,true,,test-source,测试来源,https://example.org/source,,,"
    );
    assert_eq!(
        rows[2],
        "alpha-moulds,output-value,16.4,亿元,2018,,false,false,,test-source,测试来源,https://example.org/source,,,"
    );
    assert_eq!(rows.len(), 3);

    let dp: serde_json::Value = serde_json::from_str(&site.read("public/data/datapackage.json")).unwrap();
    let names: Vec<&str> = dp["resources"].as_array().unwrap().iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(names, ["complexes.csv", "statistics.csv", "complexes.json", "reports.json"]);
    for r in dp["resources"].as_array().unwrap() {
        assert!(site.path("public/data").join(r["path"].as_str().unwrap()).is_file());
    }
    let fields = dp["resources"][1]["schema"]["fields"].as_array().unwrap();
    let named: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(named.join(","), rows[0], "the schema lists the CSV's columns in order");
    assert_eq!((&fields[2]["name"], &fields[2]["type"]), (&"value".into(), &"number".into()));
    assert!(fields.iter().all(|f| f["description"].as_str().is_some_and(|d| !d.is_empty())), "{fields:?}");
}

#[test]
fn statistics_csv_carries_each_figures_scope_and_notes_in_both_languages() {
    // The notes the profile shows beside a figure ("dated to the meeting of …") belong in the
    // open data too, as does a scope written in only one language.
    let site = TestSite::fixture("basic");
    site.edit(
        "content/complexes/alpha-moulds.yaml",
        "    at_least: true\n",
        "    at_least: true\n    scope: {en: Including member institutions}\n    note: {zh: 按会议日期记。, en: Dated to the meeting.}\n",
    );
    built(&site, &[]);
    let stats = String::from_utf8(std::fs::read(site.path("public/data/statistics.csv")).unwrap()).unwrap();
    let rows: Vec<&str> = stats.trim_start_matches('\u{feff}').lines().collect();
    assert!(rows[0].ends_with(",scope_en,note_zh,note_en"), "{}", rows[0]);
    assert!(
        rows[1].ends_with(",,test-source,测试来源,https://example.org/source,Including member institutions,按会议日期记。,Dated to the meeting."),
        "{}",
        rows[1]
    );

    // The example site: the notes shown on the Huangyan profile are in the file.
    let example = TestSite::example();
    built(&example, &[]);
    let stats = String::from_utf8(std::fs::read(example.path("public/data/statistics.csv")).unwrap()).unwrap();
    let row = stats.lines().find(|r| r.starts_with("huangyan-moulds,enterprises-served,")).unwrap();
    assert!(row.contains("so the figure is dated to the meeting of 29 April 2019"), "{row}");
    assert!(row.contains("此处按 2019 年 4 月 29 日会议时记"), "{row}");
}

#[test]
fn a_phone_number_and_a_month_keep_the_digits_written() {
    let site = TestSite::fixture("basic");
    // Plain digits that YAML could read as numbers keep every digit: the phone's leading 0,
    // and the 0 of October, which a number would lose (2019.1).
    let file = "content/complexes/alpha-moulds.yaml";
    site.edit(file, "mode: government-led", "mode: government-led\ncontact: {phone: 057612345678}");
    site.edit(file, "last_reviewed: 2026-11-27", "last_reviewed: 2019.10");
    let (code, json) = site.check_json();
    assert_eq!((code, json["errors"].as_u64()), (1, Some(1)), "{json:#}");
    site.expect_problem("\"2019.10\" is not written as a date: write 2019-10").error().at(file, 41, 16);
    site.edit(file, "last_reviewed: 2019.10", "last_reviewed: 2019-10");
    built(&site, &[]);
    let page = site.read("public/complexes/alpha-moulds/index.html");
    assert!(page.contains("<a href=\"tel:057612345678\">057612345678</a>"), "{page}");
}

#[test]
fn static_files_are_copied() {
    let site = TestSite::fixture("basic");
    built(&site, &[]);
    assert_eq!(site.read("public/files/plan.pdf"), "%PDF-1.4 test");
    assert_eq!(site.read("public/photos/meeting.jpg"), "FAKEJPEG");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = TestSite::fixture("basic");
    built(&site, &[]);
    let before = snapshot(&site.path("public"));
    site.edit("content/complexes/alpha-moulds.yaml", "level: provincial", "level: nowhere");
    let out = site.build(&[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("\"nowhere\" is not a known level") && stderr.contains("previous output is unchanged"),
        "{stderr}"
    );
    assert_eq!(snapshot(&site.path("public")), before);
    let names: BTreeSet<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".fulcrum")), "temporary folders left behind: {names:?}");
}

#[test]
fn stale_files_do_not_survive_a_build() {
    let site = TestSite::fixture("basic");
    built(&site, &[]);
    site.write("public/left-over.html", "old");
    site.remove("content/reports/oldest-news.md");
    built(&site, &[]);
    assert!(!site.path("public/left-over.html").exists());
    assert!(!site.read("public/data/reports.json").contains("oldest-news"));
    assert!(!site.path("public/reports/oldest-news").exists());
}

#[test]
fn a_second_build_of_a_site_waits_for_the_first_to_end() {
    let site = TestSite::fixture("basic");
    // Held here as a running build holds it.
    let folder = std::fs::File::open(site.root()).unwrap();
    folder.lock().unwrap();
    let mut build = std::process::Command::new(env!("CARGO_BIN_EXE_fulcrum"))
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let waited = build.try_wait().unwrap().is_none();
    let wrote = site.path("public").exists();
    folder.unlock().unwrap();
    let out = build.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(waited && !wrote, "the build went on while another held the site: {stderr}");
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.starts_with("Waiting for another build of this site to finish…\nBuilt "), "{stderr}");
    assert!(site.path("public/index.html").is_file());
}

#[test]
fn refuses_an_output_folder_that_holds_the_site() {
    let site = TestSite::fixture("basic");
    for bad in [".", "content", ".."] {
        let out = site.build(&["--output", bad]);
        assert_eq!(out.status.code(), Some(2), "--output {bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to write"));
    }
    // The folder is named as written, without a `.` step ("site/." was shown before).
    let out = site.build(&["--output", "."]);
    let root = fulcrum::diagnostics::display_path(site.root());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("refusing to write to {root}: it holds the site itself")), "{stderr}");
    assert!(site.path("content/complexes/alpha-moulds.yaml").is_file());
}

#[test]
fn a_folder_no_build_made_is_refused_and_a_git_folder_survives_every_build() {
    let site = TestSite::fixture("basic");
    site.write("docs/thesis.txt", "keep me");
    let out = site.build(&["--output", "docs"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("docs: it holds thesis.txt and has no .fulcrum-build file"), "{stderr}");
    assert_eq!(site.read("docs/thesis.txt"), "keep me");
    // A folder that is a repository of its own (for GitHub Pages, say) may be the output.
    site.remove("docs/thesis.txt");
    site.write("docs/.git/HEAD", "ref: refs/heads/gh-pages");
    built(&site, &["--output", "docs"]);
    site.edit("content/complexes/alpha-moulds.yaml", "level: provincial", "level: municipal");
    settle(&site);
    built(&site, &["--output", "docs"]);
    assert_eq!(site.read("docs/.git/HEAD"), "ref: refs/heads/gh-pages");
    assert!(site.path("docs/complexes/alpha-moulds/index.html").is_file());
    // A commit in that repository does not make the next build think the output was touched.
    site.write("docs/.git/HEAD", "ref: refs/heads/elsewhere");
    let stderr = built(&site, &["--output", "docs"]);
    assert!(stderr.contains("Up to date"), "{stderr}");
}

#[test]
fn output_folder_can_be_elsewhere() {
    let site = TestSite::fixture("basic");
    let elsewhere = tempfile::tempdir().unwrap();
    let out_dir = elsewhere.path().join("www");
    built(&site, &["--output", out_dir.to_str().unwrap()]);
    assert!(out_dir.join("atom.xml").is_file());
    assert!(!site.path("public").exists());
}

#[test]
fn two_builds_are_byte_identical_whatever_the_thread_count() {
    let site = TestSite::fixture("basic");
    let run = |threads: &str, out: &str| {
        let o = assert_cmd::Command::cargo_bin("fulcrum")
            .unwrap()
            .arg("--root")
            .arg(site.root())
            .args(["build", "--output", out])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        snapshot(&site.path(out))
    };
    let one = run("1", "one");
    let many = run("4", "many");
    let again = run("4", "again");
    assert!(one.len() > 10);
    assert_eq!(one, many);
    assert_eq!(many, again);
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = TestSite::fixture("basic");
    site.edit("content/reports/older-news.md", "kind: news", "kind: news\ndraft: true");
    built(&site, &[]);
    assert!(!site.read("public/data/reports.json").contains("older-news"));
    built(&site, &["--drafts"]);
    assert!(site.read("public/data/reports.json").contains("older-news"));
}

/// Every href and src in the built HTML.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// Follows every internal link of every HTML page and asserts it lands on a file, checking
/// fragments against the ids in the target page.
fn assert_no_broken_links(public: &Path, base_path: &str) -> usize {
    let mut checked = 0;
    for (rel, bytes) in snapshot(public) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for link in links(&html) {
            if link.starts_with("https://") || link.starts_with("http://") || link.starts_with("mailto:") {
                continue;
            }
            assert!(
                link.starts_with(base_path) || link.starts_with('#'),
                "{rel}: link {link:?} does not start with the base path {base_path}"
            );
            let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let path = path.split('?').next().unwrap();
            let target = if path.is_empty() {
                public.join(&rel)
            } else {
                let local = &path[base_path.len()..];
                let mut t = public.join(local);
                if local.is_empty() || local.ends_with('/') {
                    t = t.join("index.html");
                }
                t
            };
            assert!(target.is_file(), "{rel}: broken link {link:?}");
            if !fragment.is_empty() && target.extension().is_some_and(|e| e == "html") {
                let page = std::fs::read_to_string(&target).unwrap();
                let decoded = percent_decode(fragment);
                assert!(
                    page.contains(&format!("id=\"{decoded}\"")) || page.contains(&format!("id=\"{fragment}\"")),
                    "{rel}: link {link:?} names a fragment the page lacks"
                );
            }
            checked += 1;
        }
    }
    checked
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn a_sub_path_build_has_no_broken_internal_link() {
    let site = TestSite::fixture("basic");
    built(&site, &["--base-url", "https://host.example/a/b/"]);
    let n = assert_no_broken_links(&site.path("public"), "/a/b/");
    assert!(n > 50, "only {n} links checked");
    assert!(site.read("public/atom.xml").contains("href=\"https://host.example/a/b/atom.xml\""));
}

#[test]
fn the_example_site_builds_with_no_error_and_no_warning() {
    let site = TestSite::example();
    let check = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("no problems found"), "{stderr}");
    let stderr = built(&site, &[]);
    assert!(!stderr.contains("warning"), "{stderr}");
    let n = assert_no_broken_links(&site.path("public"), "/");
    assert!(n > 100, "only {n} links checked");
}

/// Makes every source file look saved an hour ago, as files are when a build runs long
/// after the last edit (a build does not trust the fingerprint of files saved seconds ago).
fn settle(site: &TestSite) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for top in ["site.yaml", "content", "static", "themes", "templates"] {
        for e in walkdir::WalkDir::new(site.path(top)).into_iter().filter_map(Result::ok) {
            if e.file_type().is_file() {
                let f = std::fs::File::options().append(true).open(e.path()).unwrap();
                f.set_modified(hour_ago).unwrap();
            }
        }
    }
}

#[test]
fn a_build_with_nothing_changed_renders_nothing_and_any_change_rebuilds() {
    let site = TestSite::fixture("basic");
    settle(&site);
    built(&site, &[]);
    let (before, stamp) = (snapshot(&site.path("public")), site.read("public/.fulcrum-build"));
    assert!(stamp.starts_with("fulcrum-build 1\ninputs "), "{stamp}");
    let stderr = built(&site, &[]);
    assert!(stderr.contains("Up to date: ") && stderr.contains("nothing changed"), "{stderr}");
    assert_eq!(snapshot(&site.path("public")), before);
    assert_eq!(site.read("public/.fulcrum-build"), stamp);

    // An edited source: a full build with the new text.
    let report = site.read("content/reports/oldest-news.md");
    site.write("content/reports/oldest-news.md", format!("{report}\nA sentence added later.\n"));
    settle(&site);
    let stderr = built(&site, &[]);
    assert!(stderr.contains("Built "), "{stderr}");
    assert!(site.read("public/reports/oldest-news/index.html").contains("A sentence added later."));
    assert!(built(&site, &[]).contains("Up to date: "));

    // The output changed by hand (edited, removed, added): a full build puts it right.
    site.write("public/index.html", "edited by hand");
    site.remove("public/atom.xml");
    site.write("public/extra.html", "added by hand");
    let stderr = built(&site, &[]);
    assert!(stderr.contains("Built "), "{stderr}");
    assert_ne!(site.read("public/index.html"), "edited by hand");
    assert!(site.path("public/atom.xml").is_file());
    assert!(!site.path("public/extra.html").exists());

    // Other options write another site; --force renders anyway.
    assert!(built(&site, &["--base-url", "https://other.example/"]).contains("Built "));
    assert!(built(&site, &["--base-url", "https://other.example/"]).contains("Up to date: "));
    assert!(built(&site, &["--base-url", "https://other.example/", "--force"]).contains("Built "));
}

#[test]
fn a_build_with_nothing_changed_skips_the_check_and_shows_the_last_builds_warnings_again() {
    let site = TestSite::fixture("basic");
    settle(&site);
    let first = built(&site, &["--verbose"]);
    assert!(first.contains("2 complexes, 3 reports") && first.contains("content "), "{first}");
    // No content is read, and the counts come from the stamp.
    let again = built(&site, &["--verbose"]);
    assert!(again.contains("Up to date: ") && again.contains("2 complexes, 3 reports"), "{again}");
    assert!(!again.contains("content ") && !again.contains("validate "), "the check ran:\n{again}");
    // A warning is shown again on every build, up to date or not, exactly as the check gave it.
    site.edit("site.yaml", "base_url: https://example.org/", "base_url: /zj/");
    settle(&site);
    let warned = built(&site, &[]);
    assert!(warned.contains("base_url has no host") && warned.contains("Built "), "{warned}");
    let again = built(&site, &["--verbose"]);
    assert!(again.contains("Up to date: ") && !again.contains("content "), "{again}");
    assert!(printed_problems(&warned).contains("site.yaml:3:11: warning: base_url has no host"), "{warned}");
    assert!(printed_problems(&warned).ends_with("0 errors, 1 warning\n"), "{warned}");
    assert_eq!(printed_problems(&again), printed_problems(&warned));
}

#[test]
fn sources_saved_moments_ago_are_not_trusted_to_be_unchanged() {
    let site = TestSite::fixture("basic");
    built(&site, &[]);
    // The folder is marked as a build's, without a fingerprint of the sources.
    assert_eq!(site.read("public/.fulcrum-build"), fulcrum::fresh::UNSTAMPED);
    assert!(built(&site, &[]).contains("Built "));
}

/// The checked site of `site`, ready to render.
fn checked(site: &TestSite, hold_bodies: bool) -> fulcrum::Checked {
    let options = fulcrum::Options { root: site.root().to_path_buf(), hold_bodies, ..Default::default() };
    fulcrum::check(&options).unwrap_or_else(|e| panic!("check failed: {e:?}"))
}

#[test]
fn a_body_edited_after_it_was_checked_fails_the_build_instead_of_being_published_unchecked() {
    let site = TestSite::fixture("basic");
    let c = checked(&site, false);
    // The body now links to a page that does not exist: it was never checked.
    site.edit("content/complexes/beta-valves.md", "@/complexes/alpha-moulds", "@/complexes/nowhere");
    let Err(fulcrum::Failure::Content(d)) = fulcrum::render_all(&c) else {
        panic!("rendering an edited body succeeded");
    };
    let p =
        d.items().iter().find(|p| p.message.contains("changed while the site was being built")).expect("the problem");
    assert_eq!((p.path.to_str(), p.line), (Some("content/complexes/beta-valves.md"), 10), "{p:?}");
    assert!(p.hint.as_deref().is_some_and(|h| h.contains("build again")), "{p:?}");

    // The search index reads bodies too, and stops the same way.
    let sink = fulcrum::output::Collect::default();
    let err = fulcrum::search::write_index(&c.site, &sink).expect_err("indexing an edited body succeeded");
    assert!(err.to_string().contains("beta-valves.md changed while the site was being built"), "{err}");
}

#[test]
fn bodies_read_back_are_the_ones_checked() {
    let site = TestSite::fixture("basic");
    let held = fulcrum::render_all(&checked(&site, true)).expect("render");
    let c = checked(&site, false);
    // Front matter edited after the check, the body untouched: the body is still the one checked.
    site.edit("content/complexes/beta-valves.md", "第二个测试综合体。", "第二个测试综合体（改）。");
    let read_back = fulcrum::render_all(&c).expect("render with bodies read back");
    let pages = |files: &[fulcrum::output::OutputFile]| -> Vec<(String, Vec<u8>)> {
        files.iter().map(|f| (f.path.clone(), f.bytes.clone())).collect()
    };
    assert_eq!(pages(&held.0), pages(&read_back.0));
    let profile = read_back.0.iter().find(|f| f.path == "complexes/beta-valves/index.html").expect("profile");
    assert!(String::from_utf8_lossy(&profile.bytes).contains("正文见"));

    // A site that holds its bodies (as serve does) renders what it checked, whatever the file says now.
    let c = checked(&site, true);
    site.edit("content/complexes/beta-valves.md", "正文见", "正文改见");
    let (files, _) = fulcrum::render_all(&c).expect("render held bodies");
    let profile = files.iter().find(|f| f.path == "complexes/beta-valves/index.html").expect("profile");
    assert!(String::from_utf8_lossy(&profile.bytes).contains("正文见"));
}

#[test]
fn a_site_published_without_search_lacks_only_the_index() {
    let site = TestSite::fixture("basic");
    let c = checked(&site, true);
    let files = |search: bool| -> Vec<(String, Vec<u8>)> {
        let sink = fulcrum::output::Collect::default();
        let pages = if search { fulcrum::publish(&c, &sink) } else { fulcrum::publish_without_search(&c, &sink) };
        assert!(pages.expect("publish") > 0);
        sink.into_sorted().0.into_iter().map(|f| (f.path, f.bytes)).collect()
    };
    let (with, without) = (files(true), files(false));
    // The index's files are the data beside each language's search page.
    let index = |path: &str| {
        let rest = path.strip_prefix("en/").unwrap_or(path);
        rest.starts_with("search/") && rest != "search/index.html"
    };
    let (indexed, rest): (Vec<_>, Vec<_>) = with.into_iter().partition(|(p, _)| index(p));
    assert!(indexed.iter().any(|(p, _)| p == "search/manifest.json"), "{indexed:?}");
    assert!(indexed.iter().any(|(p, _)| p == "en/search/manifest.json"), "{indexed:?}");
    // The term shards are shared by both languages, in the first language's folder.
    assert!(indexed.iter().any(|(p, _)| p.starts_with("search/t/")), "{indexed:?}");
    assert!(!indexed.iter().any(|(p, _)| p.starts_with("en/search/t/")), "{indexed:?}");
    assert_eq!(rest, without);
}

#[test]
fn sitemap_lists_each_pages_language_alternates_reciprocally_with_an_x_default() {
    let site = TestSite::fixture("basic");
    built(&site, &["--base-url", "https://example.org/sub/"]);
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""), "{sitemap}");
    let alternates = "    <xhtml:link rel=\"alternate\" hreflang=\"zh-CN\" href=\"https://example.org/sub/complexes/alpha-moulds/\"/>\n    \
         <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/sub/en/complexes/alpha-moulds/\"/>\n    \
         <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/sub/complexes/alpha-moulds/\"/>\n  </url>";
    for loc in ["https://example.org/sub/complexes/alpha-moulds/", "https://example.org/sub/en/complexes/alpha-moulds/"]
    {
        assert!(sitemap.contains(&format!("<url><loc>{loc}</loc>\n{alternates}")), "{loc} in\n{sitemap}");
    }
    // Every entry of a bilingual site has both languages and the default.
    let urls = sitemap.matches("<url>").count();
    assert!(urls > 10 && sitemap.matches("hreflang=\"x-default\"").count() == urls, "{sitemap}");
    assert_eq!(sitemap.matches("hreflang=\"en\"").count(), urls);
}

#[test]
fn atom_feed_has_an_author_when_the_site_names_no_publisher() {
    // RFC 4287: a feed whose entries have no author must have one itself.
    let site = TestSite::fixture("basic");
    site.edit("site.yaml", "publisher: {zh: 测试出版者, en: Test Publisher}\n", "");
    built(&site, &[]);
    assert!(site.read("public/atom.xml").contains("  <author><name>测试站点</name></author>\n"));
    assert!(site.read("public/en/atom.xml").contains("  <author><name>Test Site</name></author>\n"));
}

#[test]
fn datapackage_names_an_iana_encoding_and_only_valid_licences() {
    // "utf-8-sig" is no IANA charset name; readers skip a UTF-8 byte-order mark anyway.
    let site = TestSite::fixture("basic");
    built(&site, &[]);
    let dp: serde_json::Value = serde_json::from_str(&site.read("public/data/datapackage.json")).unwrap();
    for r in &dp["resources"].as_array().unwrap()[..2] {
        assert_eq!(r["encoding"], "utf-8", "{r}");
    }
    // A licence needs a name or a path: "CC BY 4.0" with no address is known by its SPDX id.
    assert_eq!(dp["licenses"], serde_json::json!([{"name": "CC-BY-4.0", "title": "CC BY 4.0"}]));

    site.edit("site.yaml", "data_licence: CC BY 4.0", "data_licence: 本站自定许可");
    built(&site, &[]);
    let dp: serde_json::Value = serde_json::from_str(&site.read("public/data/datapackage.json")).unwrap();
    assert!(dp.get("licenses").is_none(), "a licence known by neither name nor path is left out: {dp}");
}

#[test]
fn robots_txt_names_the_sitemap_only_by_an_absolute_address() {
    let site = TestSite::fixture("basic");
    built(&site, &["--base-url", "https://example.org/sub/"]);
    assert_eq!(
        site.read("public/robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sub/sitemap.xml\n"
    );
    // The Sitemap line must be an absolute URL; a bare base path cannot make one.
    built(&site, &["--base-url", "/sub/"]);
    assert_eq!(site.read("public/robots.txt"), "User-agent: *\nAllow: /\n");
}

#[test]
fn feed_text_in_another_language_than_the_feeds_is_marked_with_its_language() {
    let site = TestSite::fixture("basic");
    site.edit(
        "content/reports/meeting.md",
        "summary: {zh: 会议摘要。, en: Meeting summary.}",
        "summary: {zh: 会议摘要。}",
    );
    built(&site, &[]);
    let en = site.read("public/en/atom.xml");
    assert!(en.contains("<summary xml:lang=\"zh-CN\">会议摘要。</summary>"), "{en}");
    assert!(en.contains("<title>Test site promotion meeting</title>"), "{en}");
    let zh = site.read("public/atom.xml");
    assert!(zh.contains("<summary>会议摘要。</summary>"), "{zh}");
}

#[test]
fn a_feed_without_reports_is_dated_by_the_newest_date_the_site_carries() {
    let site = TestSite::fixture("basic");
    for r in ["meeting", "older-news", "oldest-news"] {
        site.remove(&format!("content/reports/{r}.md"));
    }
    site.edit("content/pages/about.md", "见 [会议](@/reports/meeting)。", "");
    built(&site, &[]);
    let feed = site.read("public/atom.xml");
    assert!(!feed.contains("<entry>"), "{feed}");
    // Before, a feed with no report was dated 2000-01-01; now by the profile's last review.
    assert!(feed.contains("  <updated>2026-11-27T00:00:00+08:00</updated>"), "{feed}");
    site.edit("content/pages/about.md", "---\n", "---\nupdated: 2026-11-28\n");
    built(&site, &[]);
    assert!(site.read("public/en/atom.xml").contains("  <updated>2026-11-28T00:00:00+08:00</updated>"));
}

/// How a run of `command` ended, and what it printed about the site's problems.
fn reported(site: &TestSite, command: &str) -> (Option<i32>, String) {
    let out = site.run(&[command]);
    (out.status.code(), printed_problems(&String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn a_build_reports_each_broken_link_as_check_does_and_writes_nothing() {
    let site = TestSite::fixture("basic");
    built(&site, &[]);
    let before = snapshot(&site.path("public"));
    // A broken link of each kind, in a body, in a translation, and after emphasis that the
    // renderer marks with joiners before it parses, so that its columns are counted again.
    site.edit("content/reports/meeting.md", "(@/complexes/alpha-moulds#statistics)", "(@/complexes/alpha-mould)");
    site.edit("content/complexes/beta-valves.en.md", "@/complexes/alpha-moulds", "@/reports/nothing");
    site.edit(
        "content/pages/about.md",
        "关于本站。",
        "**注意：**本站 [a](/abuot/) [b](/zh/cities/taizhou/) ![c](/files/nothing.png) [d](/cities/nowhere/)。\n\n",
    );
    let expect = |errors: usize| {
        let (code, checked) = reported(&site, "check");
        assert_eq!(code, Some(1), "{checked}");
        assert!(checked.contains(&format!("{errors} errors, ")), "{checked}");
        let (code, built) = reported(&site, "build");
        assert_eq!(code, Some(1), "{built}");
        assert_eq!(built, checked, "the build reports what the check reports");
        assert_eq!(snapshot(&site.path("public")), before, "a failed build writes nothing");
        checked
    };
    let checked = expect(6);
    for (message, at) in [
        ("broken internal link \"@/complexes/alpha-mould\"", "content/reports/meeting.md:23:18"),
        ("broken internal link \"@/reports/nothing\"", "content/complexes/beta-valves.en.md:3:13"),
        ("broken link \"/abuot/\"", "content/pages/about.md:5:15"),
        ("broken link \"/zh/cities/taizhou/\"", "content/pages/about.md:5:28"),
        ("linked file \"/files/nothing.png\" does not exist", "content/pages/about.md:5:54"),
        ("broken link \"/cities/nowhere/\"", "content/pages/about.md:5:78"),
    ] {
        assert!(checked.contains(&format!("{at}: error: {message}")), "{message} at {at}:\n{checked}");
    }
    // With a problem of another kind the build stops before it renders anything; the links
    // are reported all the same.
    site.edit("content/complexes/alpha-moulds.yaml", "level: provincial", "level: nowhere");
    assert!(expect(7).contains("is not a known level"));
    // And so they are when it is the templates that fail.
    site.edit("content/complexes/alpha-moulds.yaml", "level: nowhere", "level: provincial");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.title {% endblock content %}",
    );
    assert!(expect(7).contains("templates/page.html"));
}
