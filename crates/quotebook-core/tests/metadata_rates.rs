//! Metadata extraction measured on two sets of real pages, each against expectations we
//! did not write, each page given with its visible text as the capture sends it:
//!
//! - the development set in `tests/metadata-dev/` (485 pages of 485 sites with hand-made
//!   expectations from another extractor's evaluation data; see its README), in four
//!   parts: `tune` (95 pages), `tune-2` (105) and `tune-3` (134), which the rules are
//!   written against, and `held-out` (151), which they are not. `tune-2` was the held-out
//!   part until 2026-12-07, when its misses were read to write rules; `held-out` was drawn
//!   that day from the same source, of sites the other two parts do not include, and
//!   `tune-3` the same day from every site left. Prints where the goals (title 85%, author
//!   80%, date 85%) are missed on the held-out part; fails below today's counts
//!   ([`FLOORS`]).
//! - the shared Readability corpus (each page's `metadata.json`). Fails below today's
//!   figures: title 100%, byline 70 of 76, published 100%.
//!
//! `cargo xtask metadata` runs this with its output shown, and with a reference extractor's
//! findings on the development set (`QUOTEBOOK_METADATA_REFERENCE`, written by
//! `tests/metadata/reference.py`), which are scored by the same comparisons and printed
//! beside ours, never gated; without them that line is skipped with a message. Misses are
//! listed for the `tune`, `tune-2` and `tune-3` parts and the corpus only;
//! `QUOTEBOOK_METADATA_HELD_OUT=1` lists the held-out part's too (looking at them makes
//! that part one the rules are written against: draw a new one, as its README says).
//!
//! Comparisons on the development set:
//! - title: equal after [`title_norm`] (case, whitespace, typographic quotes and dashes,
//!   trailing full stop or ellipsis);
//! - author: the same set of names after [`names`] (split on `;`, `,`, "and", "und", "&",
//!   "/"; case and whitespace ignored). Expectations marked `author_not_chased` (a handle,
//!   a first name alone, an organisation, a job line) are scored apart and not gated;
//! - date: the page's calendar date equals the expected one, or the instants are at most
//!   a day apart (the expectations carry a date only).
//!
//! On the corpus: title equal after collapsing whitespace, or the fixture's with the site's
//! name appended or prepended (Readability keeps it; see [`corpus_title_matches`]); byline equal or found
//! inside the fixture's on word boundaries (fixtures often carry a date or a role with the
//! name); published the same instant.

use std::io::Read;
use std::path::{Path, PathBuf};

use quotebook_core::metadata::{
    PageDate, TitleConvention, extract_metadata_titled, extract_metadata_with_text, parse_date,
};
use quotebook_html::page_text::visible_text;

#[path = "../../quotebook-html/tests/common/mod.rs"]
mod common;

const CORPUS_PAGE_URL: &str = "http://fakehost/test/page.html";

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A title as a reader compares two: case, whitespace, quote and dash styles and a trailing
/// full stop or ellipsis make no difference.
fn title_norm(s: &str) -> String {
    let mapped: String =
        s.chars()
            .map(|c| match c {
                '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{00ab}' | '\u{00bb}' | '\u{2033}' => '"',
                '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{2039}' | '\u{203a}' | '`'
                | '\u{00b4}' => '\'',
                '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
                '\u{00a0}' | '\u{2009}' | '\u{202f}' | '\u{200b}' => ' ',
                c => c,
            })
            .collect();
    let c = collapse(&mapped).to_lowercase();
    c.trim_end_matches(['.', '\u{2026}', ' ']).to_string()
}

/// The names in an author field, normalised and sorted.
fn names(s: &str) -> Vec<String> {
    let lower = collapse(s).to_lowercase();
    let mut parts = vec![lower];
    for sep in [";", ",", " and ", " und ", " & ", "/"] {
        parts = parts
            .iter()
            .flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    let mut out: Vec<String> = parts
        .iter()
        .map(|p| collapse(p))
        .map(|p| p.strip_prefix("by ").map(str::to_string).unwrap_or(p))
        .filter(|p| !p.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn authors_match(ours: &[String], want: &str) -> bool {
    let got = names(&ours.join("; "));
    !got.is_empty() && got == names(want)
}

/// The same day: the page's date as written, or an instant within a day of the expected
/// date's midnight (UTC).
fn same_day(ours: &str, want: &PageDate) -> bool {
    let Some(d) = parse_date(ours) else {
        return false;
    };
    (d.year, d.month, d.day) == (want.year, want.month, want.day)
        || (d.unix_millis() - want.unix_millis()).abs() <= 86_400_000
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

/// The corpus's title comparison: equal, or the fixture's title is ours with a short
/// segment (the site's name: "| eHow", "Yahoo News -") after or before a separator, which
/// the extractor is meant to drop.
fn corpus_title_matches(ours: &str, want: &str) -> bool {
    let (ours, want) = (collapse(ours), collapse(want));
    if ours.is_empty() {
        return false;
    }
    if ours == want {
        return true;
    }
    let short = |s: &str| !s.is_empty() && s.split_whitespace().count() <= 4;
    [" | ", " - ", " – ", " — ", " :: ", " · "]
        .iter()
        .any(|sep| {
            want.strip_prefix(ours.as_str())
                .and_then(|rest| rest.strip_prefix(sep))
                .is_some_and(short)
                || want
                    .strip_suffix(ours.as_str())
                    .and_then(|rest| rest.strip_suffix(sep))
                    .is_some_and(short)
        })
}

/// The corpus's byline comparison (see the module's documentation).
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
    fn show(&self) -> String {
        format!("{}/{} = {:.1}%", self.ok, self.total, self.pct())
    }
}

#[test]
fn comparison_rules() {
    assert!(byline_matches("Erin Cunningham", "By Erin Cunningham"));
    assert!(byline_matches(
        "Nathan Willis",
        "By Nathan Willis\n   March 25, 2015"
    ));
    assert!(!byline_matches("Nathan", "Jonathan Willis"));
    assert!(!byline_matches("", "Someone"));
    assert!(!byline_matches("Al", "Al Gore"), "too short to count");

    assert!(corpus_title_matches("How to X", "How to X | eHow"));
    assert!(corpus_title_matches(
        "Latest News",
        "Yahoo News - Latest News"
    ));
    assert!(corpus_title_matches("Same", "Same"));
    assert!(!corpus_title_matches("How to", "How to X | eHow"));
    assert!(!corpus_title_matches(
        "The most flexible browser",
        "Firefox — Customize and make it your own — The most flexible browser"
    ));
    assert!(!corpus_title_matches("", ""));

    assert_eq!(
        title_norm("Elektro\u{2013}Zapfs\u{00e4}ulen.  "),
        "elektro-zapfsäulen"
    );
    assert_eq!(
        title_norm("\u{201e}Sieci\u{201d}: IPN"),
        title_norm("\"sieci\": ipn")
    );
    assert_ne!(title_norm("A title"), title_norm("A title - Site"));

    let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(authors_match(
        &v(&["Lars Fischer", "Alina Schadwinkel"]),
        "Lars Fischer und Alina Schadwinkel"
    ));
    assert!(authors_match(&v(&["MORITZ GATHMANN"]), "Moritz Gathmann"));
    assert!(!authors_match(
        &v(&["Lars Fischer"]),
        "Lars Fischer; Ann Bo"
    ));
    assert!(!authors_match(&v(&["Ann Bo, Posted: today"]), "Ann Bo"));
    assert!(!authors_match(&[], "Ann Bo"));

    let want = parse_date("2020-04-22").unwrap();
    assert!(same_day("2020-04-22T23:30:00-05:00", &want));
    assert!(same_day("2020-04-23T01:00:00+02:00", &want));
    assert!(!same_day("2020-04-24", &want));
    assert!(!same_day("", &want));
}

fn dev_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/metadata-dev")
}

fn gunzip(path: &Path) -> String {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // A browser decodes the few bytes a page gets wrong as U+FFFD too.
    String::from_utf8_lossy(&bytes).into_owned()
}

struct DevScores {
    title: Score,
    author: Score,
    author_not_chased: Score,
    date: Score,
    /// The pages the extractor panicked on.
    panicked: Vec<String>,
}

/// What an extractor found on one page: title, author names, publication date ("" when
/// not found).
#[derive(Clone, Default)]
struct Found {
    title: String,
    authors: Vec<String>,
    date: String,
    /// Ours only: the title under [`TitleConvention::Headline`].
    headline_title: String,
    /// The extractor panicked on the page (it then found nothing).
    panicked: bool,
}

fn ours(entry: &serde_json::Value) -> Found {
    let page = entry["page"].as_str().expect("page");
    let url = entry["url"].as_str().expect("url").trim();
    // As the capture sends a page: its metadata elements (read here from the whole page,
    // which gives the same) and its visible text.
    let html = gunzip(&dev_dir().join("pages").join(page));
    let text = visible_text(&html);
    // A panic on one page is counted (nothing found, and named below the table) rather
    // than ending the run, so that the other pages are still scored.
    match std::panic::catch_unwind(|| extract_metadata_with_text(&html, Some(&text), url)) {
        Ok(m) => Found {
            title: m.title.unwrap_or_default(),
            authors: m.authors,
            date: m.published.unwrap_or_default(),
            headline_title: headline_title(&html, Some(&text), url),
            panicked: false,
        },
        Err(_) => Found {
            panicked: true,
            ..Found::default()
        },
    }
}

/// The title of a page under [`TitleConvention::Headline`] ("" when none; a panic is
/// counted by the main measurement).
fn headline_title(html: &str, text: Option<&str>, url: &str) -> String {
    std::panic::catch_unwind(|| {
        extract_metadata_titled(html, text, url, TitleConvention::Headline).title
    })
    .ok()
    .flatten()
    .unwrap_or_default()
}

/// One part's row of the rates table.
fn print_row(part: &str, s: &DevScores) {
    println!(
        "| {part} | {} | {} | {} | {} | {} |",
        s.title.total,
        s.title.show(),
        s.author.show(),
        s.author_not_chased.show(),
        s.date.show()
    );
}

fn score_dev(
    part: &str,
    entries: &[serde_json::Value],
    list: bool,
    extract: &dyn Fn(&serde_json::Value) -> Found,
) -> DevScores {
    let mut s = DevScores {
        title: Score::default(),
        author: Score::default(),
        author_not_chased: Score::default(),
        date: Score::default(),
        panicked: Vec::new(),
    };
    for e in entries
        .iter()
        .filter(|e| part == "all" || e["part"] == part)
    {
        let page = e["page"].as_str().expect("page");
        let m = extract(e);
        if m.panicked {
            s.panicked.push(page.to_string());
        }

        let want = e["title"].as_str().expect("title");
        let got = &m.title;
        s.title.add(title_norm(got) == title_norm(want), || {
            format!("{page}: {got:?} != {want:?}")
        });

        let want = match &e["author"] {
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            v => v.as_str().expect("author").to_string(),
        };
        let score = if e.get("author_not_chased").is_some() {
            &mut s.author_not_chased
        } else {
            &mut s.author
        };
        score.add(authors_match(&m.authors, &want), || {
            format!("{page}: {:?} != {want:?}", m.authors)
        });

        let want = e["date"].as_str().expect("date");
        let want_at = parse_date(want).unwrap_or_else(|| panic!("{page}: date {want:?}"));
        let got = &m.date;
        s.date.add(same_day(got, &want_at), || {
            format!("{page}: {got:?} != {want:?}")
        });
    }
    if list {
        for (label, sc) in [
            ("title", &s.title),
            ("author", &s.author),
            ("author (not chased)", &s.author_not_chased),
            ("date", &s.date),
        ] {
            for miss in &sc.misses {
                println!("  miss {part} {label} {miss}");
            }
        }
    }
    s
}

/// The development set's parts, scored and printed in this order.
const PARTS: &[&str] = &["tune", "tune-2", "tune-3", "held-out", "all"];

/// The part the rules were not written against: the goals are judged on it, and its misses
/// are listed only when asked.
const HELD_OUT: &str = "held-out";

/// The goals on pages the rules were not written against: printed when missed.
const GOALS: &[(&str, f64)] = &[("title", 85.0), ("author", 80.0), ("date", 85.0)];

/// Pages found today, which a change must not lower (the goals above are not all met yet).
///
/// `held-out` was drawn on 2026-12-07 and measured five times that day, its misses never
/// listed: with the extractor as it was (118 titles, 76 authors, 129 dates; one page
/// panicked), after the rules written against `tune-2` (117, 79, 129), after those
/// written against `tune-3` (the floors below), and twice more after a second round on
/// the tuning parts (unchanged both times). `tune-2` lost one title when a rule
/// stripping a title's own quotation marks was taken out (it was right on one page and
/// wrong on another). `all` counts the four parts.
const FLOORS: &[(&str, &str, usize)] = &[
    ("tune", "title", 87),
    ("tune", "author", 54),
    ("tune", "date", 88),
    ("tune-2", "title", 90),
    ("tune-2", "author", 67),
    ("tune-2", "date", 92),
    ("tune-3", "title", 120),
    ("tune-3", "author", 82),
    ("tune-3", "date", 115),
    ("held-out", "title", 122),
    ("held-out", "author", 80),
    ("held-out", "date", 129),
    ("all", "title", 419),
    ("all", "author", 283),
    ("all", "date", 424),
];

#[test]
fn metadata_rates_on_the_development_set() {
    let text = std::fs::read_to_string(dev_dir().join("expected.json")).expect("expected.json");
    let entries: Vec<serde_json::Value> = serde_json::from_str(&text).expect("expected.json");
    assert!(entries.len() >= 100, "{} pages", entries.len());
    let show_held_out = std::env::var_os("QUOTEBOOK_METADATA_HELD_OUT").is_some();
    println!(
        "development set (tests/metadata-dev), {} pages:",
        entries.len()
    );
    println!("| part | pages | title | author (names) | author (not chased) | date |");
    println!("| --- | --- | --- | --- | --- | --- |");
    // Each page read once: the parts and `all` score the same findings.
    let found: std::collections::HashMap<&str, Found> = entries
        .iter()
        .map(|e| (e["page"].as_str().expect("page"), ours(e)))
        .collect();
    let found_for = |e: &serde_json::Value| found[e["page"].as_str().expect("page")].clone();
    let mut failures = Vec::new();
    for &part in PARTS {
        let list = part != "all" && (part != HELD_OUT || show_held_out);
        let s = score_dev(part, &entries, list, &found_for);
        print_row(part, &s);
        if part != "all" && !s.panicked.is_empty() {
            // A crash is a bug to fix whatever the part, not a miss to tune on: named,
            // and a failure.
            println!("  extractor panicked: {part} {:?}", s.panicked);
            failures.push(format!(
                "{part}: the extractor panicked on {:?}",
                s.panicked
            ));
        }
        for (label, sc) in [
            ("title", &s.title),
            ("author", &s.author),
            ("date", &s.date),
        ] {
            let goal = GOALS.iter().find(|g| g.0 == label).map_or(0.0, |g| g.1);
            if part == HELD_OUT && sc.pct() < goal {
                println!("  goal not met: {part} {label} {:.1}% < {goal}%", sc.pct());
            }
            if let Some((_, _, floor)) = FLOORS.iter().find(|f| f.0 == part && f.1 == label)
                && sc.ok < *floor
            {
                failures.push(format!("{part} {label} {} < {floor} found", sc.show()));
            }
        }
    }
    // The title the other convention gives, each part: what taking the headline the
    // reader sees would change (see `TitleConvention`).
    println!("title under the headline convention (not gated):");
    for &part in PARTS {
        let mut sc = Score::default();
        for e in entries
            .iter()
            .filter(|e| part == "all" || e["part"] == part)
        {
            let got = &found_for(e).headline_title;
            let want = e["title"].as_str().expect("title");
            sc.add(title_norm(got) == title_norm(want), String::new);
        }
        println!("| {part} | {} |", sc.show());
    }
    reference_rates(&entries);
    assert!(failures.is_empty(), "below the floor: {failures:?}");
}

/// A reference extractor's findings on the development set, as written by
/// `tests/metadata/reference.py`: `{"tool": .., "pages": {<page>: {"title", "author",
/// "date"}}}`, a field null when not found.
struct Reference {
    tool: String,
    pages: serde_json::Map<String, serde_json::Value>,
}

impl Reference {
    /// The file named by `QUOTEBOOK_METADATA_REFERENCE` (`cargo xtask metadata` sets it),
    /// or None when unset.
    fn load() -> Option<Self> {
        let path = std::env::var_os("QUOTEBOOK_METADATA_REFERENCE")?;
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", Path::new(&path).display()));
        let mut v: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", Path::new(&path).display()));
        let tool = v["tool"].as_str().expect("reference: tool").to_string();
        let serde_json::Value::Object(pages) = v["pages"].take() else {
            panic!("reference: no pages");
        };
        Some(Reference { tool, pages })
    }

    fn found(&self, entry: &serde_json::Value) -> Found {
        let page = entry["page"].as_str().expect("page");
        let got = self.pages.get(page).unwrap_or_else(|| {
            panic!(
                "{}'s output has no {page}: written for another version of the set?",
                self.tool
            )
        });
        let field = |k: &str| got[k].as_str().unwrap_or_default().to_string();
        let author = field("author");
        Found {
            title: field("title"),
            authors: if author.is_empty() {
                Vec::new()
            } else {
                vec![author]
            },
            date: field("date"),
            ..Found::default()
        }
    }
}

/// A reference extractor on the same pages, scored by the same comparisons: what the goals
/// look like for a generic extractor on this set. Printed, never gated.
fn reference_rates(entries: &[serde_json::Value]) {
    let Some(reference) = Reference::load() else {
        println!(
            "reference extractor skipped: QUOTEBOOK_METADATA_REFERENCE is not set \
             (`cargo xtask metadata` runs trafilatura and sets it)"
        );
        return;
    };
    assert_eq!(
        reference.pages.len(),
        entries.len(),
        "{}'s output covers {} pages, the set has {}",
        reference.tool,
        reference.pages.len(),
        entries.len()
    );
    println!(
        "reference on the same pages, same comparisons ({}):",
        reference.tool
    );
    println!("| part | pages | title | author (names) | author (not chased) | date |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for &part in PARTS {
        let s = score_dev(part, entries, false, &|e| reference.found(e));
        print_row(part, &s);
    }
}

#[test]
fn metadata_rates_on_the_corpus() {
    let Some(dir) = common::corpus("metadata corpus rates") else {
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
    let mut title_exact = 0;
    let mut headline_titles = Score::default();
    for page in &pages {
        let name = page.file_name().unwrap().to_string_lossy().to_string();
        let fixture: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(page.join("metadata.json")).unwrap())
                .unwrap();
        let html =
            String::from_utf8_lossy(&std::fs::read(page.join("source.html")).unwrap()).into_owned();
        let text = visible_text(&html);
        let m = extract_metadata_with_text(&html, Some(&text), CORPUS_PAGE_URL);
        let field = |k: &str| {
            fixture
                .get(k)
                .and_then(|v| v.as_str())
                .filter(|s| !s.trim().is_empty())
        };

        if let Some(want) = field("title") {
            let got = m.title.clone().unwrap_or_default();
            title_exact += usize::from(collapse(&got) == collapse(want));
            title.add(corpus_title_matches(&got, want), || {
                format!("{name}: {got:?} != {want:?}")
            });
            let headline = headline_title(&html, Some(&text), CORPUS_PAGE_URL);
            headline_titles.add(corpus_title_matches(&headline, want), String::new);
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

    println!("Readability corpus, {} pages:", pages.len());
    println!(
        "corpus title, equal word for word (site names kept): {title_exact}/{}",
        title.total
    );
    for (label, s) in [
        ("title", &title),
        ("byline", &byline),
        ("published", &published),
    ] {
        println!("corpus {label}: {}", s.show());
        for miss in &s.misses {
            println!("  miss corpus {label} {miss}");
        }
    }
    println!(
        "corpus title under the headline convention (not gated): {}",
        headline_titles.show()
    );
    assert!(title.pct() >= 100.0, "title {}", title.show());
    // Two fixtures' bylines are the page's interface text ("Follow Author", "Last
    // Updated: January 7, 2025"), which the extractor does not take for a name.
    assert!(
        byline.ok * 76 >= 70 * byline.total,
        "byline {} below 70 of 76",
        byline.show()
    );
    assert!(published.pct() >= 100.0, "published {}", published.show());
}
