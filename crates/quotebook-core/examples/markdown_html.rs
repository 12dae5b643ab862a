//! pulldown-cmark's plain HTML for Markdown documents, for the end-to-end test that compares
//! the visible text of the input with that of the rendered output in Chromium
//! (`tests/e2e/corpus-text.test.mjs`).
//!
//! Reads a JSON array of Markdown strings on stdin; writes the JSON array of their HTML
//! (`html::push_html`, nothing rewritten) with the syntax the converter may use: GFM tables,
//! strikethrough, footnotes and math.

use std::io::{Read, Write};

use pulldown_cmark::{Options, Parser, html};

fn main() {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .expect("stdin is readable UTF-8");
    let documents: Vec<String> =
        serde_json::from_str(&input).expect("stdin is a JSON array of strings");
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_MATH;
    let rendered: Vec<String> = documents
        .iter()
        .map(|markdown| {
            let mut out = String::with_capacity(markdown.len() * 3 / 2);
            html::push_html(&mut out, Parser::new_ext(markdown, options));
            out
        })
        .collect();
    let json = serde_json::to_string(&rendered).expect("strings serialise");
    std::io::stdout()
        .write_all(json.as_bytes())
        .expect("stdout is writable");
}
