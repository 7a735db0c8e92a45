//! Bad input never panics: the example site's settings and content files and the default
//! theme's templates, strings and map, damaged in many ways an editor's keyboard, a bad merge
//! or a cut-off save can damage them, must each give a report (exit 0 or 1) from `check` and
//! `build`, never a crash or a hang. The damage is drawn from a fixed seed, so every run tries
//! the same cases.

mod common;

use std::path::Path;

use common::TestSite;

/// A small deterministic generator (xorshift64*), so the cases need no crate and never change.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Pieces that break YAML, Markdown, HTML or text in ways seen in practice.
const CONTENT_PIECES: &[&str] = &[
    "\n",
    "---\n",
    ":",
    " ",
    "- ",
    "\"",
    "'",
    "{",
    "}",
    "[",
    "]",
    "#",
    "@/",
    "@/complexes/",
    "](@/reports/",
    "<",
    ">",
    "&",
    "\t",
    "：",
    "，",
    "\u{200b}",
    "\u{feff}",
    "0",
    "-1",
    "1e309",
    "99999999999999999999999",
    "null",
    "~",
    "!!binary ",
    "&a ",
    "*a ",
    "|\n",
    ">\n",
    "% ",
    "```\n",
    "![a](",
    " \\",
    "\r",
    "é",
    "😀",
    "\u{301}",
    "<iframe src=x>",
    "<span style=\"",
    "2019年4月29日",
    "标题: ",
    "kind： news\n",
    "  - [",
];

/// Pieces of template syntax, valid and not.
const TEMPLATE_PIECES: &[&str] = &[
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    " | t",
    " | safe",
    "{% endif %}",
    "{% if x %}",
    "{% for a in b %}",
    "{% endfor %}",
    "{{ page.nope.nope }}",
    "{{ 1/0 }}",
    "{% include \"nope.html\" %}",
    "{% block x %}",
    "{% endblock %}",
    "{{ range(end=100000000) | length }}",
    "{{ 10 % 0 }}",
    "{{ page.title[99999] }}",
    "{{ page.title | truncate(length=-1) }}",
    "{{ \"x\" * 100000000 }}",
    "\"",
    "|",
    "(",
    ")",
];

/// `text` with one to three pieces inserted, stretches deleted, the end cut off or a line repeated.
fn damage(text: &str, pieces: &[&str], draw: &mut Draw) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + draw.below(3) {
        if chars.is_empty() {
            break;
        }
        let at = draw.below(chars.len() + 1);
        match draw.below(10) {
            0..=2 => {
                let end = (at + 1 + draw.below(20)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            3..=7 => {
                let piece: Vec<char> = draw.pick(pieces).chars().collect();
                chars.splice(at..at, piece);
            }
            8 => chars.truncate(at),
            _ => {
                let text: String = chars.iter().collect();
                let mut lines: Vec<&str> = text.split('\n').collect();
                let k = draw.below(lines.len());
                lines.insert(k, lines[k]);
                chars = lines.join("\n").chars().collect();
            }
        }
    }
    chars.into_iter().collect()
}

/// The files under `dir` in `root`, as paths relative to `root`, in name order.
fn files_under(root: &Path, dir: &str) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(root.join(dir))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    files.sort();
    files
}

/// Runs `check` and `build` on the damaged site: each must end with a report, not a crash.
fn assert_reported(site: &TestSite, what: &str) {
    for args in [&["check", "--format", "json"][..], &["build", "--output", "out"][..]] {
        let out = site.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)) && !stderr.contains("panicked"),
            "{what}: `{}` ended with {:?}\n{stderr}",
            args[0],
            out.status
        );
        if args[0] == "check" {
            let json: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{what}: check's JSON does not parse ({e}): {stderr}"));
            let errors = json["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").count();
            assert_eq!(errors > 0, out.status.code() == Some(1), "{what}: exit code and errors disagree: {json:#}");
        }
    }
}

#[test]
fn damaged_content_files_are_reported_never_crash() {
    let files = files_under(TestSite::example().root(), "content");
    let mut draw = Draw(0x5eed_f00d_cafe_0001);
    for case in 0..40 {
        let site = TestSite::example();
        let file = draw.pick(&files).clone();
        let damaged = damage(&site.read(&file), CONTENT_PIECES, &mut draw);
        site.write(&file, &damaged);
        assert_reported(&site, &format!("case {case}, {file}:\n{damaged}"));
    }
}

#[test]
fn damaged_templates_are_reported_never_crash() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let templates = files_under(&repo.join("themes/default"), "templates");
    let mut draw = Draw(0x5eed_f00d_cafe_0002);
    for case in 0..20 {
        let site = TestSite::example();
        let file = draw.pick(&templates).clone();
        let text = std::fs::read_to_string(repo.join("themes/default").join(&file)).unwrap();
        let damaged = damage(&text, TEMPLATE_PIECES, &mut draw);
        // The site's own templates/ folder replaces the theme's file of the same name.
        site.write(&file, &damaged);
        assert_reported(&site, &format!("case {case}, {file}:\n{damaged}"));
    }
}

#[test]
fn damaged_site_settings_and_theme_files_are_reported_never_crash() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    // site.yaml, and the theme's strings and map as a site's own theme folder holds them.
    let files = ["site.yaml", "themes/default/strings.yaml", "themes/default/map.yaml"];
    let mut draw = Draw(0x5eed_f00d_cafe_0003);
    for case in 0..24 {
        let site = TestSite::example();
        let file = files[case % files.len()];
        let text = std::fs::read_to_string(repo.join(file)).unwrap();
        let damaged = damage(&text, CONTENT_PIECES, &mut draw);
        site.write(file, &damaged);
        assert_reported(&site, &format!("case {case}, {file}:\n{damaged}"));
    }
}
