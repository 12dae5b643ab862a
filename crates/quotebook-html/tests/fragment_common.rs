//! Shared by the fragment corpus test and the fragment benchmark (included with
//! `#[path]`): the corpus location, a simple visible-text extraction, script
//! classification, and selections drawn with a fixed seed. Its own tests check those.
#![allow(dead_code)]

use std::path::PathBuf;

use unicode_segmentation::UnicodeSegmentation;

#[path = "common/mod.rs"]
mod corpus_dir;

/// The shared corpus, or `None` (with a message) when absent outside CI.
pub fn corpus() -> Option<PathBuf> {
    corpus_dir::corpus("fragment corpus checks")
}

/// The core's visible-text extraction: the same as the CLI's `--page-file` reads.
pub use quotebook_html::page_text::visible_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Script {
    Latin,
    Cjk,
    Other,
}

impl Script {
    pub fn of_char(c: char) -> Option<Script> {
        let u = c as u32;
        if !c.is_alphanumeric() {
            return None;
        }
        Some(match u {
            0..=0x024F | 0x1E00..=0x1EFF => Script::Latin,
            0x1100..=0x11FF
            | 0x2E80..=0x9FFF
            | 0xA960..=0xA97F
            | 0xAC00..=0xD7FF
            | 0xF900..=0xFAFF
            | 0xFF00..=0xFFEF
            | 0x20000..=0x3FFFF => Script::Cjk,
            _ => Script::Other,
        })
    }

    /// The script most of the letters of `text` are written in.
    pub fn dominant(text: &str) -> Script {
        let mut counts = [0usize; 3];
        for s in text.chars().filter_map(Script::of_char) {
            counts[s as usize] += 1;
        }
        // A CJK character says about as much as a Latin word: a quarter of the letters
        // being CJK makes a CJK text.
        let total: usize = counts.iter().sum::<usize>().max(1);
        if counts[1] * 4 >= total {
            Script::Cjk
        } else if counts[2] * 3 >= total {
            Script::Other
        } else {
            Script::Latin
        }
    }
}

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// A page of the corpus and its visible text.
pub struct Page {
    pub name: String,
    pub text: String,
    /// From `source.html` (the whole page) rather than `article.html`.
    pub from_source: bool,
}

fn is_other_script(c: char) -> bool {
    Script::of_char(c) == Some(Script::Other)
}

/// The corpus pages' visible text: each `article.html` (Readability's extraction of the
/// page's content) with some text, and, because no article of the corpus is written in
/// a script other than Latin or CJK, the whole `source.html` of the pages that hold
/// other scripts somewhere (language lists, names), so that those get sampled too.
pub fn load_pages(dir: &std::path::Path) -> Vec<Page> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read corpus")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("article.html").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut pages = Vec::new();
    for name in names {
        let read = |f: &str| {
            std::fs::read(dir.join(&name).join(f)).map(|b| String::from_utf8_lossy(&b).into_owned())
        };
        if let Ok(html) = read("article.html") {
            let text = visible_text(&html);
            if text.split_whitespace().count() >= 30 || text.chars().count() >= 200 {
                pages.push(Page {
                    name: name.clone(),
                    text,
                    from_source: false,
                });
            }
        }
        if let Ok(html) = read("source.html")
            && html
                .chars()
                .filter(|c| is_other_script(*c))
                .take(100)
                .count()
                == 100
        {
            pages.push(Page {
                name: format!("{name} (source)"),
                text: visible_text(&html),
                from_source: true,
            });
        }
    }
    pages
}

/// One selection: byte offsets into a page's text.
#[derive(Debug, Clone)]
pub struct Selection {
    pub page: usize,
    pub start: usize,
    pub end: usize,
    pub script: Script,
}

/// Word segments (holding a letter or digit) of a block: byte ranges in the page text.
fn words_of(text: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    text[from..to]
        .split_word_bound_indices()
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .map(|(o, w)| (from + o, from + o + w.len()))
        .collect()
}

/// The blocks of a text: byte ranges between `\n`s.
fn blocks_of(text: &str) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut pos = 0;
    for line in text.split('\n') {
        v.push((pos, pos + line.len()));
        pos += line.len() + 1;
    }
    v
}

/// Draws `per_script` selections for each script, from blocks written mostly in it
/// (chosen at random among all such blocks; whole pages only for scripts the articles
/// lack): each selection 1 to 30 words, one in six continuing into the next block, on
/// word boundaries as a reader selects.
pub fn draw_selections(
    pages: &[Page],
    seed: u64,
    per_script: &[(Script, usize)],
) -> Vec<Selection> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let all_blocks: Vec<Vec<(usize, usize)>> = pages.iter().map(|p| blocks_of(&p.text)).collect();
    for &(script, count) in per_script {
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        for article_only in [true, false] {
            for (pi, page) in pages.iter().enumerate() {
                if page.from_source == article_only {
                    continue;
                }
                for (bi, &(s, e)) in all_blocks[pi].iter().enumerate() {
                    if Script::dominant(&page.text[s..e]) == script
                        && words_of(&page.text, s, e).len() >= 3
                    {
                        candidates.push((pi, bi));
                    }
                }
            }
            if candidates.len() >= count {
                break;
            }
        }
        if candidates.is_empty() {
            continue;
        }
        for _ in 0..count {
            let (pi, bi) = candidates[rng.below(candidates.len())];
            let text = &pages[pi].text;
            let blocks = &all_blocks[pi];
            let words = words_of(text, blocks[bi].0, blocks[bi].1);
            let first = rng.below(words.len());
            let len = 1 + rng.below(30);
            let start = words[first].0;
            let mut end = words[(first + len - 1).min(words.len() - 1)].1;
            if rng.below(6) == 0 && bi + 1 < blocks.len() {
                let next = words_of(text, blocks[bi + 1].0, blocks[bi + 1].1);
                if !next.is_empty() {
                    end = next[rng.below(next.len().min(15))].1;
                }
            }
            out.push(Selection {
                page: pi,
                start,
                end,
                script,
            });
        }
    }
    out
}

/// The selections the test and the benchmark use: fixed seed, 260 in all.
pub const SEED: u64 = 0x5EED_F7A6;
pub const PER_SCRIPT: [(Script, usize); 3] =
    [(Script::Latin, 150), (Script::Cjk, 60), (Script::Other, 50)];

#[test]
fn visible_text_keeps_blocks_and_drops_scripts() {
    let t = visible_text(
        "<div><p>One <b>two</b>\n three</p><script>var x = '<p>no</p>';</script><ul><li>a &amp; b<li>c<br>d</ul></div>",
    );
    assert_eq!(t, "One two three\na & b\nc\nd");
}

#[test]
fn scripts_are_classified() {
    assert_eq!(Script::dominant("Hello wörld"), Script::Latin);
    assert_eq!(Script::dominant("这是中文的句子 with English"), Script::Cjk);
    assert_eq!(
        Script::dominant("Mostly English text with 中文"),
        Script::Latin
    );
    assert_eq!(Script::dominant("مرحبا بالعالم"), Script::Other);
}

#[test]
fn selections_are_deterministic_and_on_words() {
    let pages = vec![Page {
        name: "x".into(),
        text: "Alpha beta gamma delta.\nEpsilon zeta eta theta iota.".into(),
        from_source: false,
    }];
    let a = draw_selections(&pages, 7, &[(Script::Latin, 20)]);
    let b = draw_selections(&pages, 7, &[(Script::Latin, 20)]);
    assert_eq!(a.len(), 20);
    assert!(
        a.iter()
            .zip(&b)
            .all(|(x, y)| (x.start, x.end) == (y.start, y.end))
    );
    for s in &a {
        let q = &pages[0].text[s.start..s.end];
        assert!(
            q.starts_with(char::is_alphanumeric) && q.ends_with(char::is_alphanumeric),
            "{q:?}"
        );
    }
}
