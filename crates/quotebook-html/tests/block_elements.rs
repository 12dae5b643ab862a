//! The extension's page-text walk (`extension/page-text.js`, which the capture and
//! highlight scripts read the page through) and the end-to-end tests' page-text walk
//! (`tests/e2e/page-text.mjs`) run in the page, where the core is not loaded, so each
//! carries its own copy of the core's [`BLOCK_ELEMENTS`]. Page text offsets only line up
//! with the core's when the three lists agree: this test fails as soon as one drifts.

use std::collections::BTreeSet;
use std::path::Path;

use quotebook_html::fragment::BLOCK_ELEMENTS;

/// The quoted names of the first `new Set([...])` that follows `marker` in `file`.
fn js_set(file: &str, marker: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(file);
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let start = source
        .find(marker)
        .unwrap_or_else(|| panic!("{file}: no `{marker}`"));
    let rest = &source[start..];
    let open = rest.find("new Set([").expect("a Set literal") + "new Set([".len();
    let close = open + rest[open..].find("])").expect("the Set literal's end");
    let names: BTreeSet<String> = rest[open..close]
        .split(',')
        .map(|item| item.trim().trim_matches('\'').trim_matches('"').to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_alphanumeric())),
        "{file}: `{marker}` is not a list of plain quoted names: {names:?}"
    );
    names
}

fn core() -> BTreeSet<String> {
    BLOCK_ELEMENTS.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn the_capture_scripts_block_list_is_the_cores() {
    assert_eq!(js_set("extension/page-text.js", "const BLOCKS"), core());
}

#[test]
fn the_e2e_page_text_block_list_is_the_cores() {
    assert_eq!(
        js_set("tests/e2e/page-text.mjs", "export const BLOCK_ELEMENTS"),
        core()
    );
}

#[test]
fn the_two_page_walks_skip_the_same_elements() {
    assert_eq!(
        js_set("extension/page-text.js", "const INVISIBLE"),
        js_set("tests/e2e/page-text.mjs", "const SKIPPED")
    );
}
