//! Differential: the fast tokenizer and html5ever's own build the same tree, and our
//! complete tokenizer (`quotebook_html::tokenizer`, the browser build's) gives the tokens
//! html5ever's tokenizer gives (`crates/quotebook-html/tests/tokenizer_html5ever.rs` does
//! the same on fixed inputs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use quotebook_core::convert::parse::{parse, parse_standard};

#[path = "../../crates/quotebook-html/tests/tokens/mod.rs"]
mod tokens;
use tokens::{mine, theirs};

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let fast = parse(&html).dump();
    let standard = parse_standard(&html).dump();
    assert_eq!(fast, standard, "trees differ for {html:?}");
    assert_eq!(mine(&html), theirs(&html), "tokens differ for {html:?}");
});
