//! Golden cases: every `tests/golden/<area>/<name>/input.html` converts to the
//! `expected.md` beside it, and passes the two properties (see `convert_props`).
//!
//! A case may hold `base.txt` (the base URL; else
//! `https://example.com/articles/page.html`) and `options.txt` (`safe_html`: the
//! expectation is for that option; the properties are then checked on the default
//! conversion, which must hold no HTML). A case with `limitation.txt` documents a known
//! limitation (FIXME): its properties are asserted to fail today, so fixing it shows up.
//! The expectation is the quote a save would keep (`ERROR: empty_selection` when it
//! refuses). `UPDATE_GOLDEN=1` rewrites the expectations;
//! a missing `expected.md` is a failure otherwise.

mod common;
#[path = "convert_props/mod.rs"]
mod convert_props;

use std::fs;
use std::path::{Path, PathBuf};

use quotebook_html::convert::{Options, html_to_markdown, quote_markdown};

const DEFAULT_BASE: &str = "https://example.com/articles/page.html";

#[test]
fn golden_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden");
    let dirs: Vec<PathBuf> = common::files_named(&root, &["input.html"])
        .iter()
        .filter_map(|input| input.parent().map(Path::to_path_buf))
        .collect();
    assert!(
        dirs.len() >= 150,
        "only {} golden cases under {}",
        dirs.len(),
        root.display()
    );
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.strip_prefix(&root).unwrap_or(dir).display().to_string();
        let input = fs::read_to_string(dir.join("input.html")).expect("input.html");
        let base = fs::read_to_string(dir.join("base.txt"))
            .map(|b| b.trim().to_owned())
            .unwrap_or_else(|_| DEFAULT_BASE.to_owned());
        let options = Options {
            safe_html: fs::read_to_string(dir.join("options.txt"))
                .is_ok_and(|o| o.split_whitespace().any(|w| w == "safe_html")),
            ..Options::default()
        };
        // As a quote to save: a selection with nothing visible is the save's error (the
        // converter itself gives Markdown without text for it).
        let actual = match quote_markdown(&input, &base, &options) {
            Ok(md) => md,
            Err(e) => format!("ERROR: {}", e.code()),
        };
        let expected_path = dir.join("expected.md");
        if update {
            fs::write(&expected_path, format!("{actual}\n")).expect("write expected.md");
        } else {
            match fs::read_to_string(&expected_path) {
                Err(_) => failures.push(format!("{name}: expected.md is missing")),
                Ok(expected) => {
                    let expected = expected.strip_suffix('\n').unwrap_or(&expected);
                    if expected != actual {
                        failures.push(format!(
                            "{name}: output differs\n--- expected\n{expected}\n--- actual\n{actual}\n---"
                        ));
                    }
                }
            }
        }
        let limitation = fs::read_to_string(dir.join("limitation.txt")).ok();
        if let Ok(default) = html_to_markdown(&input, &base) {
            match (convert_props::check(&input, &base, &default), &limitation) {
                (Err(why), None) => failures.push(format!(
                    "{name}: property failed: {why}\n--- markdown\n{default}\n---"
                )),
                // A documented limitation must still show: when it is fixed, the case
                // loses its limitation.txt.
                (Ok(()), Some(_)) => failures.push(format!(
                    "{name}: has limitation.txt but now passes the properties: remove the file"
                )),
                _ => {}
            }
        }
    }
    println!("{} golden cases, {} failures", dirs.len(), failures.len());
    assert!(
        failures.is_empty(),
        "{}\n{} of {} golden cases failed",
        failures.join("\n\n"),
        failures.len(),
        dirs.len()
    );
}
