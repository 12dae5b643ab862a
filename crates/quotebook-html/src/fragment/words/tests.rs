//! The table's generator, and the differential tests: our boundaries against the word
//! segmenter's (a dev-dependency) on the corpus, on seeded random strings and on
//! hand-picked cases.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use unicode_segmentation::UnicodeSegmentation;

use super::*;

/// The segmenter's boundaries in our form: every segment's start, then the end.
fn reference(s: &str) -> Vec<usize> {
    let mut out: Vec<usize> = s.split_word_bound_indices().map(|(i, _)| i).collect();
    out.push(s.len());
    out
}

/// Stands for the character being classified in the probe text.
const PLACEHOLDER: char = '\u{e000}';

/// The probe contexts, `c` standing for the character classified, joined by `\n` (around
/// which every rule breaks, so each context is read on its own). Each class of ours
/// breaks them differently (`the_probe_tells_every_class_apart`).
const CONTEXTS: [&str; 16] = [
    "c",
    "ac",
    "aca",
    "1c1",
    "אcא",
    "アcア",
    "🇦c",
    " c",
    "c😀",
    "\u{200d}c",
    "c\u{301}",
    "\rc",
    "c'",
    "c'a",
    "אc",
    "a",
];

/// The characters of the probe text other than `c`, with the classes they have (checked
/// against the generated table).
const PROBE_CHARS: [(char, u8); 11] = [
    ('a', ALETTER),
    ('1', NUMERIC),
    ('א', HEBREW),
    ('ア', KATAKANA),
    ('🇦', REGIONAL),
    (' ', WSEG_SPACE),
    ('😀', ANY | PICT),
    ('\u{200d}', ZWJ),
    ('\u{301}', EXTEND),
    ('\r', CR),
    ('\'', SINGLE_QUOTE),
];

fn probe(c: char) -> String {
    let mut s = String::new();
    for (i, context) in CONTEXTS.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        for x in context.chars() {
            s.push(if x == 'c' { c } else { x });
        }
    }
    s
}

/// Boundaries as a bit set of character indices.
fn char_mask(s: &str, bounds: &[usize]) -> u64 {
    let mut mask = 0u64;
    let mut next = bounds.iter().peekable();
    for (n, (i, _)) in s.char_indices().chain([(s.len(), ' ')]).enumerate() {
        if next.next_if(|&&b| b == i).is_some() {
            mask |= 1 << n;
        }
    }
    assert!(next.peek().is_none(), "a boundary inside a character");
    mask
}

/// Every class a character can have that rules tell apart: `Extended_Pictographic` only
/// matters where WB3c can apply (not to ignored characters and line breaks).
fn classes() -> Vec<u8> {
    let mut out = Vec::new();
    for kind in 0..KINDS {
        out.push(kind);
        if !is_ignored(kind) && !is_newline(kind) {
            out.push(kind | PICT);
        }
    }
    out
}

/// How our rules break the probe text with `c` of class `k`.
fn expected_mask(k: u8) -> u64 {
    let text = probe(PLACEHOLDER);
    let bounds = bounds_with(&text, |x| {
        if x == PLACEHOLDER {
            return k;
        }
        if x == '\n' {
            return LF;
        }
        PROBE_CHARS
            .iter()
            .find(|p| p.0 == x)
            .expect("a probe character")
            .1
    });
    char_mask(&text, &bounds)
}

/// Every code point's class: the one under which our rules break the probe text as the
/// segmenter does (exactly one fits, or this panics). Surrogates continue the run before.
fn classify_all() -> Vec<u8> {
    let masks: Vec<(u64, u8)> = classes()
        .into_iter()
        .map(|k| (expected_mask(k), k))
        .collect();
    let mut out = Vec::with_capacity(0x11_0000);
    for u in 0..0x11_0000u32 {
        let Some(c) = char::from_u32(u) else {
            let last = *out.last().unwrap();
            out.push(last);
            continue;
        };
        let text = probe(c);
        let got = char_mask(&text, &reference(&text));
        let mut fits = masks.iter().filter(|m| m.0 == got);
        let k = fits.next().unwrap_or_else(|| {
            panic!("U+{u:04X}: no class of ours breaks the probe as the segmenter does ({got:#b})")
        });
        assert!(fits.next().is_none(), "U+{u:04X}: two classes fit");
        out.push(k.1);
    }
    out
}

/// The generated table, as it should read, from every code point's class.
fn generate(classes: &[u8]) -> String {
    let mut runs: Vec<(u32, u8)> = Vec::new();
    for (u, &k) in classes.iter().enumerate() {
        if u == 0 || classes[u - 1] != k {
            runs.push((u as u32, k));
        }
    }
    let mut deltas = Vec::new();
    for w in runs.windows(2) {
        let mut d = w[1].0 - w[0].0;
        while d >= 0x80 {
            deltas.push(format!("{:#x}", d & 0x7f | 0x80));
            d >>= 7;
        }
        deltas.push(d.to_string());
    }
    let mut out = String::from(
        "// Generated from the word segmenter's classification (a dev-dependency) by\n\
         // `QUOTEBOOK_REGENERATE=1 cargo test -p quotebook-html words`: do not edit.\n\
         // The runs of code points of one word-break class (see `words/mod.rs`) from U+0000:\n\
         // each run's class, and how far each run starts after the one before (LEB128).\n\n",
    );
    let classes: Vec<String> = runs.iter().map(|r| r.1.to_string()).collect();
    push_items(&mut out, "CLASSES", &classes);
    push_items(&mut out, "DELTAS", &deltas);
    out
}

fn push_items(out: &mut String, name: &str, items: &[String]) {
    writeln!(out, "pub(super) const {name}: [u8; {}] = [", items.len()).unwrap();
    let mut line = String::from("   ");
    for item in items {
        if line.len() + item.len() + 2 > 96 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("   ");
        }
        line.push(' ');
        line.push_str(item);
        line.push(',');
    }
    out.push_str(&line);
    out.push_str("\n];\n");
}

#[test]
fn the_probe_tells_every_class_apart() {
    let all = classes();
    let masks: Vec<u64> = all.iter().map(|&k| expected_mask(k)).collect();
    let mut same = Vec::new();
    for i in 0..all.len() {
        for j in i + 1..all.len() {
            if masks[i] == masks[j] {
                same.push((all[i], all[j]));
            }
        }
    }
    assert!(
        same.is_empty(),
        "classes the probe does not tell apart: {same:x?}"
    );
}

#[test]
fn the_word_table_is_the_segmenters_classification() {
    let classes = classify_all();
    let expected = generate(&classes);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/fragment/words/table.rs");
    if std::env::var_os("QUOTEBOOK_REGENERATE").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap();
    assert!(
        committed == expected,
        "src/fragment/words/table.rs is out of date: QUOTEBOOK_REGENERATE=1 regenerates it"
    );
    // Every code point reads back, with its run, through the index and the cache.
    let mut cached = Classes::new();
    for (u, &k) in classes.iter().enumerate() {
        let u = u as u32;
        let (got, lo, hi) = lookup(u);
        assert_eq!(got, k, "U+{u:04X}");
        let (lo, hi) = (lo as usize, hi as usize);
        assert!(lo <= u as usize && (u as usize) < hi && classes[lo] == k && classes[hi - 1] == k);
        assert!(
            lo == 0 || classes[lo - 1] != k,
            "U+{u:04X}: the run starts earlier"
        );
        assert!(
            hi == classes.len() || classes[hi] != k,
            "U+{u:04X}: the run ends later"
        );
        if let Some(c) = char::from_u32(u) {
            assert_eq!(cached.of(c), k, "U+{u:04X} through the cache");
        }
    }
    for (c, k) in PROBE_CHARS {
        assert_eq!(class(c), k, "{c:?}");
    }
    assert_eq!(class('\n'), LF);
}

fn assert_alike(s: &str) {
    assert_eq!(word_bounds(s), reference(s), "{s:?}");
}

#[test]
fn hand_picked_cases_segment_as_the_segmenter_does() {
    let cases = [
        "",
        "a",
        "can't stop, won't stop",
        "3.14 1,000.50 1'000 a.b.c a:b a;b e.g. U.S.A.",
        "a'b a'' 'a' a'1 1'a 1.a a.1 1..2 a..b",
        "אב\"ג א\" א'ב א' \"א\" א\"\"ב",
        "カタカナ カ_タ ｶﾀｶﾅ アー ア1 ア_1 _ア_ a_b __ _1_",
        "🇦🇧🇨🇩🇪 🇦\u{301}🇧🇨 a🇦🇧",
        "👩\u{200d}👩\u{200d}👧 👍🏽 👍\u{200d}\u{301}😀 a\u{200d}😀 \u{200d}😀 ©\u{200d}©",
        "a\u{301}b \u{301}a \n\u{301}\u{301}a \r\n\u{301} \r\r\n\n",
        "  \u{301}  \u{3000}\u{3000} \u{a0} \u{2003}\t\t",
        "a\u{ad}b 1\u{200e}2 \u{feff}a a\u{2060}'\u{2060}b 1\u{301},\u{301}2",
        "\u{b}a\u{c}\u{85}b\u{2028}c\u{2029}",
        "中文字 한국어 ภาษาไทย 1２３ Ⓜ\u{200d}Ⓜ",
        "x\u{200d}\u{200d}😀 x\u{301}\u{200d}😀 x\u{200d}\u{301}😀",
    ];
    for s in cases {
        assert_alike(s);
    }
}

#[test]
fn known_segmentations() {
    let words = |s: &str| -> Vec<String> {
        word_bounds(s)
            .windows(2)
            .map(|w| s[w[0]..w[1]].to_string())
            .collect()
    };
    assert_eq!(words("can't stop"), ["can't", " ", "stop"]);
    assert_eq!(words("3.14, a.b."), ["3.14", ",", " ", "a.b", "."]);
    assert_eq!(words("🇫🇷🇩🇪🇮"), ["🇫🇷", "🇩🇪", "🇮"]);
    assert_eq!(words("👩\u{200d}👧!"), ["👩\u{200d}👧", "!"]);
    assert_eq!(words("a\r\n\r"), ["a", "\r\n", "\r"]);
    assert_eq!(words("snake_case カタ"), ["snake_case", " ", "カタ"]);
    assert_eq!(words("中文"), ["中", "文"]);
    assert_eq!(words("  x"), ["  ", "x"]);
    assert_eq!(word_bounds(""), [0]);
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_strings_segment_as_the_segmenter_does() {
    // Letters, digits, quotes and apostrophes, periods and commas, Katakana, Hebrew,
    // emoji with ZWJ and skin tones, regional indicators, combining marks, format
    // characters, line breaks, spaces, connectors, scripts without spaces.
    const POOL: &[char] = &[
        'a',
        'Z',
        'é',
        'ß',
        'ж',
        'ا',
        '0',
        '7',
        '٣',
        '２',
        '\'',
        '"',
        '’',
        '‘',
        '“',
        '.',
        ',',
        ':',
        ';',
        '·',
        '׳',
        '״',
        '‧',
        '/',
        '-',
        '@',
        'ア',
        'カ',
        'ー',
        'ｱ',
        '゛',
        'א',
        'ש',
        'ﬠ',
        '😀',
        '👩',
        '👍',
        '❤',
        '©',
        '‼',
        '\u{200d}',
        '\u{1f3fb}',
        '\u{1f3fd}',
        '\u{fe0f}',
        '🇦',
        '🇧',
        '🇫',
        '\u{301}',
        '\u{308}',
        '\u{20e3}',
        '\u{93f}',
        '\u{ad}',
        '\u{200e}',
        '\u{2060}',
        '\u{feff}',
        '\u{600}',
        '\r',
        '\n',
        '\u{b}',
        '\u{85}',
        '\u{2028}',
        ' ',
        '\u{3000}',
        '\u{a0}',
        '\u{2003}',
        '\t',
        '_',
        '\u{203f}',
        '中',
        '한',
        'ก',
        'Ⓜ',
        '!',
    ];
    // One of each class the rules read, densely: where rules interact.
    const DENSE: &[char] = &[
        'a', 'א', '1', 'ア', '_', ':', ',', '.', '\'', '"', '🇦', ' ', '\u{301}', '\u{ad}',
        '\u{200d}', '😀', 'Ⓜ', '\r', '\n', '\u{85}', '!',
    ];
    let rounds: usize =
        std::env::var("QUOTEBOOK_WORDS_ROUNDS").map_or(100_000, |v| v.parse().unwrap());
    let seed: u64 =
        std::env::var("QUOTEBOOK_WORDS_SEED").map_or(0x5eed_2026_1128, |v| v.parse().unwrap());
    let mut rng = Rng(seed);
    for round in 0..rounds {
        let pool = if round % 2 == 0 { POOL } else { DENSE };
        let len = rng.below(14);
        let s: String = (0..len)
            .map(|_| {
                if rng.below(16) == 0 {
                    // Any code point at all, now and then.
                    loop {
                        if let Some(c) = char::from_u32(rng.below(0x11_0000) as u32) {
                            break c;
                        }
                    }
                } else {
                    pool[rng.below(pool.len())]
                }
            })
            .collect();
        assert_alike(&s);
    }
}

fn corpus() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = std::env::var_os("QUOTEBOOK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus/readability"));
    if corpus.is_dir() {
        return Some(corpus);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "corpus not found at {} (set QUOTEBOOK_CORPUS)",
            corpus.display()
        );
    }
    eprintln!(
        "SKIP: corpus not found at {} (set QUOTEBOOK_CORPUS); word boundaries not compared on it",
        corpus.display()
    );
    None
}

#[test]
fn corpus_text_segments_as_the_segmenter_does() {
    let Some(corpus) = corpus() else { return };
    let mut pages = 0;
    let mut bytes = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let file = entry.unwrap().path().join("article.html");
        let Ok(html) = std::fs::read_to_string(&file) else {
            continue;
        };
        let text = crate::page_text::visible_text(&html);
        // The page text as it is, and folded as deep links segment it, block by block.
        assert_alike(&text);
        let folded = super::super::text::Prepared::new(&text);
        for block in folded.norm.split('\n') {
            assert_alike(block);
        }
        pages += 1;
        bytes += text.len();
    }
    println!("word boundaries alike on {pages} corpus pages ({bytes} bytes of text)");
    assert!(pages >= 100, "{pages}");
}
