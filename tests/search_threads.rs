//! The search index does not depend on how many threads make it: documents are prepared in
//! parallel, a batch at a time, and terms new in a batch are numbered in document order.

mod common;

use common::TestSite;
use fulcrum::output::Collect;

/// Every file of the search index of the site at `root`, made on a pool of `threads` threads.
fn index_files(root: &std::path::Path, threads: usize) -> Vec<(String, Vec<u8>)> {
    let checked = fulcrum::check(&fulcrum::Options { root: root.into(), ..Default::default() }).unwrap();
    let sink = Collect::default();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| fulcrum::search::write_index(&checked.site, &sink)).unwrap();
    sink.into_sorted().0.into_iter().map(|f| (f.path, f.bytes)).collect()
}

#[test]
fn the_index_is_the_same_whatever_the_thread_count() {
    // Enough pages for several batches, each bringing words and character pairs new to the
    // index.
    let site = TestSite::example();
    let pages = site.root().join("content/pages");
    let han: Vec<char> = "模具泵阀检测服务平台创新综合体智能马桶知识产权黄岩台州".chars().collect();
    for i in 0..300 {
        let zh: String = (0..40).map(|k| han[(i * 7 + k * 3) % han.len()]).collect();
        let body = format!("{zh} word{i} shared words, pumps' valves {} {zh}\n", i % 17);
        let text = if i % 3 == 0 {
            format!("---\ntitle: {{zh: 页面{i}, en: Page {i}}}\n---\n{body}")
        } else {
            format!("---\ntitle: Page {i} {}\n---\n{body}", han[i % han.len()])
        };
        std::fs::write(pages.join(format!("gen-{i:03}.md")), text).unwrap();
    }
    let one = index_files(site.root(), 1);
    assert!(one.iter().filter(|(p, _)| p.contains("search/t/")).count() > 1);
    assert!(one.iter().any(|(_, b)| String::from_utf8_lossy(b).contains("Page 299")), "the last page is indexed");
    for threads in [2, 4] {
        let many = index_files(site.root(), threads);
        assert_eq!(one.len(), many.len());
        for (a, b) in one.iter().zip(&many) {
            assert!(a == b, "{} differs between 1 and {threads} threads", a.0);
        }
    }
}
