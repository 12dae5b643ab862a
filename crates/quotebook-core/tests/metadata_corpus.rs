//! Metadata extraction measured on the shared corpus of real pages against each page's
//! `metadata.json` (Readability's expectations). Prints the percentages and fails below
//! title 97%, byline 75%, published 90%, each over the pages whose fixture has the field.
//!
//! Comparisons:
//! - title: equal after collapsing whitespace;
//! - byline: our authors joined with ", ", compared case-insensitively after collapsing
//!   whitespace and dropping a leading "by": equal, or one found inside the other on word
//!   boundaries when the shorter has at least 3 characters (fixtures often carry the
//!   date or the role along with the name: "By Nathan Willis March 25, 2015");
//! - published: the same instant (a missing offset counts as UTC on both sides).

use std::path::PathBuf;

use quotebook_core::metadata::{extract_metadata, parse_date};

#[path = "../../quotebook-html/tests/common/mod.rs"]
mod common;

const PAGE_URL: &str = "http://fakehost/test/page.html";

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn byline_norm(s: &str) -> String {
    let c = collapse(s).to_lowercase();
    c.strip_prefix("by ").map(str::to_string).unwrap_or(c)
}

/// `needle` inside `hay`, starting and ending on word boundaries.
fn contains_words(hay: &str, needle: &str) -> bool {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    hay.match_indices(needle).any(|(i, m)| {
        !is_word(hay[..i].chars().next_back()) && !is_word(hay[i + m.len()..].chars().next())
    })
}

fn byline_matches(ours: &str, want: &str) -> bool {
    let (a, b) = (byline_norm(ours), byline_norm(want));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    a == b || (short.chars().count() >= 3 && contains_words(long, short))
}

#[derive(Default)]
struct Score {
    ok: usize,
    total: usize,
    misses: Vec<String>,
}

impl Score {
    fn add(&mut self, ok: bool, miss: impl FnOnce() -> String) {
        self.total += 1;
        if ok {
            self.ok += 1;
        } else {
            self.misses.push(miss());
        }
    }
    fn pct(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.ok as f64 / self.total as f64
        }
    }
}

#[test]
fn byline_comparison_rules() {
    assert!(byline_matches("Erin Cunningham", "By Erin Cunningham"));
    assert!(byline_matches(
        "Nathan Willis",
        "By Nathan Willis\n   March 25, 2015"
    ));
    assert!(!byline_matches("Nathan", "Jonathan Willis"));
    assert!(!byline_matches("", "Someone"));
    assert!(
        !byline_matches("Al", "Al Gore"),
        "too short to count as found"
    );
}

#[test]
fn metadata_matches_corpus_fixtures() {
    let Some(dir) = common::corpus("metadata corpus test") else {
        return;
    };
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read corpus dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("metadata.json").is_file() && p.join("source.html").is_file())
        .collect();
    pages.sort();
    assert!(
        pages.len() >= 100,
        "expected the 130-page corpus, found {} pages",
        pages.len()
    );

    let (mut title, mut byline, mut published) =
        (Score::default(), Score::default(), Score::default());
    for page in &pages {
        let name = page.file_name().unwrap().to_string_lossy().to_string();
        let fixture: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(page.join("metadata.json")).unwrap())
                .unwrap();
        let html =
            String::from_utf8_lossy(&std::fs::read(page.join("source.html")).unwrap()).into_owned();
        let m = extract_metadata(&html, PAGE_URL);
        let field = |k: &str| {
            fixture
                .get(k)
                .and_then(|v| v.as_str())
                .filter(|s| !s.trim().is_empty())
        };

        if let Some(want) = field("title") {
            let got = m.title.clone().unwrap_or_default();
            title.add(collapse(&got) == collapse(want), || {
                format!("{name}: {got:?} != {want:?}")
            });
        }
        if let Some(want) = field("byline") {
            let got = m.byline().unwrap_or_default();
            byline.add(byline_matches(&got, want), || {
                format!("{name}: {got:?} != {want:?}")
            });
        }
        if let Some(want) = field("publishedTime") {
            let want_at = parse_date(want)
                .unwrap_or_else(|| panic!("{name}: fixture date {want:?} does not parse"));
            let got = m.published.clone().unwrap_or_default();
            let ok = parse_date(&got).is_some_and(|d| d.unix_millis() == want_at.unix_millis());
            published.add(ok, || format!("{name}: {got:?} != {want:?}"));
        }
    }

    for (label, s) in [
        ("title", &title),
        ("byline", &byline),
        ("published", &published),
    ] {
        println!("metadata {label}: {}/{} = {:.1}%", s.ok, s.total, s.pct());
        for miss in &s.misses {
            println!("  miss {label} {miss}");
        }
    }
    assert!(title.pct() >= 97.0, "title {:.1}% < 97%", title.pct());
    assert!(byline.pct() >= 75.0, "byline {:.1}% < 75%", byline.pct());
    assert!(
        published.pct() >= 90.0,
        "published {:.1}% < 90%",
        published.pct()
    );
}
