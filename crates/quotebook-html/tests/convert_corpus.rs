//! Every `article.html` of the shared corpus converts, and the output passes both
//! properties (see `convert_props`). Prints how many pass.
//!
//! The corpus is found by `common::corpus`: without it the test says so and passes,
//! except under `CI=true`, where it fails.

mod common;
#[path = "convert_props/mod.rs"]
mod convert_props;

use std::fs;
use std::path::PathBuf;

use quotebook_html::html_to_markdown;

const BASE: &str = "http://fakehost/test/page.html";

#[test]
fn every_corpus_article_keeps_text_and_structure() {
    let Some(dir) = common::corpus("corpus conversion") else {
        return;
    };
    let mut pages: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("corpus dir")
        .filter_map(Result::ok)
        .map(|e| e.path().join("article.html"))
        .filter(|p| p.is_file())
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "no article.html under {}", dir.display());
    let mut failures = Vec::new();
    for page in &pages {
        let name = page
            .parent()
            .and_then(|p| p.file_name())
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let html = fs::read_to_string(page).expect("read article.html");
        match html_to_markdown(&html, BASE) {
            Ok(md) => {
                if let Err(why) = convert_props::check(&html, BASE, &md) {
                    let why: String = why.lines().take(12).collect::<Vec<_>>().join("\n");
                    failures.push(format!("{name}: {why}"));
                }
            }
            Err(e) => failures.push(format!("{name}: conversion failed: {e}")),
        }
    }
    let passed = pages.len() - failures.len();
    println!(
        "corpus: {passed} of {} articles pass both properties",
        pages.len()
    );
    assert!(
        failures.is_empty(),
        "{}\n{} of {} articles failed",
        failures.join("\n\n"),
        failures.len(),
        pages.len()
    );
}
