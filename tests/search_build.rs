//! A build renders the profiles', reports' and plain pages' pages batch by batch beside the
//! search index, which takes their bodies' text from the render instead of parsing them
//! again. What it makes must be what the render and the index make apart.

mod common;

use common::TestSite;
use fulcrum::output::Collect;

fn files(sink: Collect) -> Vec<(String, Vec<u8>)> {
    sink.into_sorted().0.into_iter().map(|f| (f.path, f.bytes)).collect()
}

#[test]
fn pages_rendered_beside_the_index_and_the_index_are_those_made_apart() {
    // Enough pages for several batches, with bodies in one language and in two, and
    // emphasis the Markdown reads only with the render's help.
    let site = TestSite::example();
    let pages = site.root().join("content/pages");
    for i in 0..300 {
        let zh = format!("**注意：**第{i}页正文，*强调，*文字。模具{i}");
        let text = match i % 3 {
            0 => format!("---\ntitle: {{zh: 页面{i}, en: Page {i}}}\n---\n{zh}\n"),
            1 => format!(
                "---\ntitle: 页面{i}\n---\n{zh}\n\n## 小节 {{#part .wide}}\n\n`代码` and [a link](https://example.org)\n"
            ),
            _ => {
                std::fs::write(pages.join(format!("gen-{i:03}.en.md")), format!("Page {i} **in English**, pumps.\n"))
                    .unwrap();
                format!("---\ntitle: {{zh: 页面{i}, en: Page {i}}}\n---\n{zh}\n")
            }
        };
        std::fs::write(pages.join(format!("gen-{i:03}.md")), text).unwrap();
    }
    let checked = fulcrum::check(&fulcrum::Options { root: site.root().into(), ..Default::default() }).unwrap();
    let built = Collect::default();
    fulcrum::publish(&checked, &built).unwrap();
    let built = files(built);

    let (rendered, problems) = fulcrum::render::render_site(&checked.site, &checked.index, &checked.theme);
    assert!(!problems.has_errors(), "{problems:?}");
    let indexed = Collect::default();
    fulcrum::search::write_index(&checked.site, &indexed).unwrap();
    let mut apart: Vec<(String, Vec<u8>)> = rendered.into_iter().map(|f| (f.path, f.bytes)).collect();
    apart.extend(files(indexed));

    let made = |path: &str| built.iter().find(|(p, _)| p == path).map(|(_, b)| b);
    for (path, bytes) in &apart {
        assert!(made(path) == Some(bytes), "{path} differs from the file made apart");
    }
    // The body texts were indexed, with the emphasis read and no asterisk left.
    let texts: String = built
        .iter()
        .filter(|(p, _)| p.contains("search/x/"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(texts.contains("注意：第299页正文，强调，文字。模具299"), "{texts}");
    assert!(!texts.contains("**"));
    assert!(texts.contains("Page 2 in English, pumps."));
}
