//! Differential: the fast tokenizer and html5ever's own build the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quotebook_core::convert::parse::{parse, parse_standard};

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let fast = parse(&html).dump();
    let standard = parse_standard(&html).dump();
    assert_eq!(fast, standard, "trees differ for {html:?}");
});
