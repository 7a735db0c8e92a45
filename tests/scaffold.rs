//! `fulcrum new` and `fulcrum init`: the files they write pass `check`, use exactly the
//! fields that editors may write, carry today's China date, and never replace a file.

mod common;

use assert_cmd::Command;
use common::TestSite;
use fulcrum::load::yaml::parse;
use fulcrum::raw::*;
use serde_json::Value;

fn fulcrum() -> Command {
    let mut c = Command::cargo_bin("fulcrum").unwrap();
    c.env("NO_COLOR", "1");
    c
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The field names of a raw type, as serde lists them when refusing an unknown one.
fn fields<T: serde::de::DeserializeOwned>() -> Vec<String> {
    let err = match parse::<T>("zz-not-a-field: 1") {
        Ok(_) => panic!("an unknown field was accepted"),
        Err(e) => e.message,
    };
    let expected = err.split("expected").nth(1).unwrap_or_else(|| panic!("{err}"));
    expected.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// The template with its commented fields switched on: `#  key: …` lines lose the `#`,
/// and a `key: []` followed by such lines loses the `[]`.
fn uncomment(yaml: &str) -> String {
    let lines: Vec<&str> = yaml.lines().collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let next_is_example = lines.get(i + 1).is_some_and(|n| n.starts_with("#  "));
        let line = match line.strip_prefix('#') {
            Some(rest) if rest.starts_with("  ") => rest.to_string(),
            _ if next_is_example => line.replacen(": []", ":", 1),
            _ => line.to_string(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Every field of `T` is a key of the map `v`.
fn assert_all<T: serde::de::DeserializeOwned>(v: &Value, what: &str) {
    let map = v.as_object().unwrap_or_else(|| panic!("{what} is not a map: {v}"));
    for f in fields::<T>() {
        assert!(map.contains_key(&f), "{what} lacks the field {f}");
    }
    assert_eq!(map.len(), fields::<T>().len(), "{what} has other fields than {:?}", fields::<T>());
}

fn front_matter(md: &str) -> &str {
    let rest = md.strip_prefix("---\n").unwrap();
    &rest[..rest.find("\n---\n").unwrap()]
}

fn today() -> String {
    jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8))).date().to_string()
}

#[test]
fn a_new_complex_has_every_field_and_passes_check() {
    let site = TestSite::fixture("basic");
    let out = site.run(&["new", "complex", "gamma-pumps", "--name", "伽马泵产业创新服务综合体"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("content/complexes/gamma-pumps.yaml"), "{}", stderr(&out));
    let text = site.read("content/complexes/gamma-pumps.yaml");
    assert!(text.contains("name: {zh: \"伽马泵产业创新服务综合体\"}"), "{text}");
    assert!(text.contains(&format!("last_reviewed: {}", today())), "{text}");
    assert!(text.contains("draft: true"));
    // Every line that sets a field says what it is for.
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with("# ")) {
        assert!(line.contains(" # "), "no comment on {line:?}");
    }

    // As written: a draft that checks clean, with drafts and without.
    let (code, json) = site.check_json();
    assert_eq!(code, 0, "{json:#}");
    let out = site.run(&["check", "--drafts", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{json:#}");
    let mine: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().contains("gamma"))
        .collect();
    assert!(mine.is_empty(), "{mine:#?}");

    // Exactly the fields of raw.rs, at every level, once the examples are switched on.
    let full = uncomment(&text);
    parse::<RawComplex>(&full).unwrap_or_else(|e| panic!("{e:?}\n{full}"));
    let v: Value = parse(&full).unwrap();
    assert_all::<RawComplex>(&v, "the complex");
    assert_all::<RawLocation>(&v["location"], "location");
    assert_all::<RawCoordinates>(&v["location"]["coordinates"], "location.coordinates");
    assert_all::<RawIndustry>(&v["industry"], "industry");
    assert_all::<RawOperator>(&v["operator"], "operator");
    assert_all::<RawListing>(&v["listings"][0], "listings");
    assert_all::<RawService>(&v["services"][0], "services");
    assert_all::<RawFacilities>(&v["facilities"], "facilities");
    assert_all::<RawAmount>(&v["facilities"]["investment"], "facilities.investment");
    assert_all::<RawStatistic>(&v["statistics"][0], "statistics");
    assert_all::<RawContact>(&v["contact"], "contact");
    assert_all::<RawSource>(&v["sources"][0], "sources");
}

#[test]
fn a_new_report_has_every_field_and_passes_check() {
    let site = TestSite::fixture("basic");
    let title = "全省现场推进会在台州召开: \"第二场\"";
    let out = site.run(&["new", "report", "second-meeting", "--title", title]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = site.read("content/reports/second-meeting.md");
    assert!(text.contains(&format!("published: {}", today())), "{text}");

    let out = site.run(&["check", "--drafts", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{json:#}");
    let mine: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().contains("second-meeting"))
        .collect();
    assert!(mine.is_empty(), "{mine:#?}");

    // The title arrives intact, quotes and colon included.
    let out = site.build(&["--drafts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let reports = site.read("public/data/reports.json");
    assert!(reports.contains("全省现场推进会在台州召开: \\\"第二场\\\""), "{reports}");
    // Not published until the editor says so.
    assert!(site.build(&[]).status.success());
    assert!(!site.read("public/data/reports.json").contains("second-meeting"));

    let full = uncomment(front_matter(&text));
    parse::<RawReport>(&full).unwrap_or_else(|e| panic!("{e:?}\n{full}"));
    let v: Value = parse(&full).unwrap();
    assert_all::<RawReport>(&v, "the report");
    assert_all::<RawEvent>(&v["event"], "event");
    assert_all::<RawEventLocation>(&v["location"], "location");
    assert_all::<RawAttendee>(&v["attendees"][0], "attendees");
    assert_all::<RawPhoto>(&v["photos"][0], "photos");
    assert_all::<RawReportSource>(&v["source"], "source");
}

#[test]
fn new_refuses_to_overwrite_and_refuses_unsafe_ids() {
    let site = TestSite::fixture("basic");
    let before = site.read("content/complexes/alpha-moulds.yaml");
    for args in
        [&["new", "complex", "alpha-moulds"][..], &["new", "complex", "beta-valves"], &["new", "report", "meeting"]]
    {
        let out = site.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    }
    assert_eq!(site.read("content/complexes/alpha-moulds.yaml"), before);

    for bad in ["../escape", "Upper", "a b", "x/y", "-x", "台州", "a.md", "a\\b"] {
        let out = site.run(&["new", "report", "--", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains("is not a safe id"), "{}", stderr(&out));
    }
    assert!(!site.path("escape.md").exists() && !site.path("content/escape.md").exists());
}

#[test]
fn init_makes_a_site_that_checks_and_builds_clean() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("my-site");
    let out = fulcrum().arg("init").arg(&root).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for f in ["site.yaml", "content/complexes/example-complex.yaml", "content/reports/example-report.md"] {
        assert!(root.join(f).is_file(), "{f}");
    }

    let out = fulcrum().arg("--root").arg(&root).arg("check").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 complex, 1 report and 0 pages: no problems found"), "{}", stderr(&out));

    let out = fulcrum().arg("--root").arg(&root).arg("build").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let data = std::fs::read_to_string(root.join("public/data/complexes.json")).unwrap();
    assert!(data.contains("example-complex"));

    // The new site takes new files at once.
    let out = fulcrum().arg("--root").arg(&root).args(["new", "complex", "second"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = fulcrum().arg("--root").arg(&root).args(["check", "--drafts"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = fulcrum().arg("init").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not empty"), "{}", stderr(&out));
    assert!(!dir.path().join("site.yaml").exists());
    // An empty folder is fine.
    let empty = tempfile::tempdir().unwrap();
    assert!(fulcrum().arg("init").arg(empty.path()).output().unwrap().status.success());
}

#[test]
fn new_refuses_the_ids_that_check_refuses_with_the_same_message() {
    let site = TestSite::fixture("basic");
    // What check says of a report file named 2019.md ...
    site.write("content/reports/2019.md", site.read("content/reports/older-news.md"));
    let message = site.expect_problem("only digits").message;
    assert_eq!(message, "a report's id cannot be only digits: reports/2019/ lists the reports of a year");
    site.remove("content/reports/2019.md");
    // ... new says of the id 2019, and writes nothing.
    let out = site.run(&["new", "report", "2019"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains(&format!("{message}: choose an id that says what the report is about, e.g. 2019-site-meeting")),
        "{}",
        stderr(&out)
    );
    assert!(!site.path("content/reports/2019.md").exists());
    // A profile's id may be digits: only reports/<year>/ is taken.
    let out = site.run(&["new", "complex", "2019"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn an_id_too_long_is_refused_by_new_and_check_saying_so() {
    let site = TestSite::fixture("basic");
    // "wenling" and 24 times "-pump": 127 characters. The whole words that fit in 100 end
    // after the 18th "pump", at 97.
    let long = ["wenling"].iter().chain(std::iter::repeat_n(&"pump", 24)).copied().collect::<Vec<_>>().join("-");
    let fits = long[..97].to_string();
    assert!(fits.ends_with("-pump"));
    let out = site.run(&["new", "complex", &long]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("\"wenling-pump-pump-pump-pump-pump-pump-pu…\" is too long for an id: 127 characters, at most 100: shorten it to at most 100 lower-case ASCII letters, digits and hyphens, e.g. "), "{said}");
    assert!(said.contains(&format!("e.g. {fits}\n")), "whole words that fit: {said}");
    assert!(!site.path(&format!("content/complexes/{long}.yaml")).exists());
    site.write(&format!("content/complexes/{long}.yaml"), site.read("content/complexes/alpha-moulds.yaml"));
    let at = format!("content/complexes/{long}.yaml");
    site.expect_problem("is too long for an id: 127 characters, at most 100").error().at(&at, 1, 1).hint_contains(
        &format!("rename the file to at most 100 lower-case ASCII letters, digits and hyphens, e.g. {fits}.yaml"),
    );
}

#[test]
fn any_title_is_written_as_yaml_that_reads_back_as_typed() {
    let site = TestSite::fixture("basic");
    let titles = [
        ("quotes", "他说：\"好\" 'ok'", "他说：\"好\" 'ok'"),
        ("colon-hash", "Meeting: part 2 # not a comment", "Meeting: part 2 # not a comment"),
        ("emoji", "🎉 庆祝 — done", "🎉 庆祝 — done"),
        ("yaml-words", "null", "null"),
        ("flow", "[a, b] {c: d} &x *y !z @w `v`", "[a, b] {c: d} &x *y !z @w `v`"),
        ("backslash", "C:\\path\\n 100%", "C:\\path\\n 100%"),
        ("dashes", "---", "---"),
        ("minus", "-30% energy", "-30% energy"),
        // A title is one line: what a newline or tab split is joined with a space.
        ("newline", "第一行\n第二行\tend\r\n", "第一行 第二行 end"),
    ];
    for (id, title, _) in titles {
        let out = site.run(&["new", "report", id, "--title", title]);
        assert!(out.status.success(), "{id}: {}", stderr(&out));
    }
    let out = site.run(&["check", "--drafts", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{json:#}");
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json:#}");
    assert!(site.build(&["--drafts"]).status.success());
    let reports: Value = serde_json::from_str(&site.read("public/data/reports.json")).unwrap();
    let text = reports.to_string();
    for (id, _, expected) in titles {
        let front = front_matter(&site.read(&format!("content/reports/{id}.md"))).to_string();
        let v: Value = parse(&uncomment(&front)).unwrap_or_else(|e| panic!("{id}: {e:?}\n{front}"));
        assert_eq!(v["title"]["zh"], expected, "{id}: {front}");
        assert!(text.contains(&serde_json::to_string(expected).unwrap()), "{id}: {text}");
    }
}
