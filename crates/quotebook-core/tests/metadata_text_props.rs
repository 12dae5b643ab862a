//! The page's text is whatever a page prints: reading dates and bylines from it never
//! panics and keeps `Metadata`'s promises (a published date that parses, authors trimmed
//! and never empty), whatever its lines hold: dates, bylines, revision words, handles,
//! letters whose lower case is longer or shorter than they are.

use proptest::prelude::*;
use quotebook_core::metadata::{extract_metadata_with_text, parse_date};

const PIECES: &[&str] = &[
    "Rain is back",
    "By",
    "by",
    "Von",
    "Text von",
    "Autor:",
    "Text:",
    "Ann",
    "Bo",
    "K.",
    "ann.bo",
    "(@ann)",
    "\u{2014}",
    "Updated",
    "aktualisiert",
    "Illustration",
    "28. September 2019",
    "Jul 24, 2018",
    "2019-13-45",
    "31.02.2020",
    "1.1.1",
    "İ",
    "\u{0130}stanbul",
    "ẞ",
    "ǅ",
    "\u{fb00}",
    "Σ",
    ",",
    "|",
    ".",
    "\n",
    "\n",
    "\n",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|p| p.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn reading_the_page_text_keeps_the_promises(text in text(), named in any::<bool>()) {
        let head = if named {
            "<meta name=\"author\" content=\"ann.bo\">"
        } else {
            ""
        };
        let html = format!(
            "<html><head><title>Rain is back</title>{head}</head><body><h1>Rain is back</h1></body></html>"
        );
        let m = extract_metadata_with_text(&html, Some(&text), "https://example.com/rain");
        if let Some(p) = &m.published {
            prop_assert!(parse_date(p).is_some(), "{p:?} from {text:?}");
        }
        for a in &m.authors {
            prop_assert!(!a.is_empty() && a.trim() == a, "{a:?} from {text:?}");
        }
    }
}
