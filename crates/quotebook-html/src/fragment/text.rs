//! The page text as text-fragment matching sees it: whitespace collapsed, case and
//! (Latin) diacritics folded, blocks kept apart by `\n`, with a map back to the original.

use std::cell::RefCell;
use std::collections::HashMap;

use super::words::word_bounds;

/// How word boundaries are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WordBounds {
    /// Unicode word segmentation (UAX #29), as the specification asks.
    Unicode,
    /// Whitespace and punctuation only: the strictest segmenter. A term bounded this way
    /// is bounded under any segmenter, the polyfill's `Intl.Segmenter` included. (The
    /// polyfill itself is not this strict: ICU also breaks where scripts change and,
    /// with its dictionaries, inside runs of CJK and Thai text, between words.)
    Punctuation,
}

/// Whitespace and punctuation: a word boundary for every segmenter. An
/// approximation of Unicode's `White_Space` plus general category `P*`, covering ASCII,
/// Latin-1, general punctuation, CJK and full-width punctuation.
pub(crate) fn is_boundary_char(c: char) -> bool {
    if c.is_whitespace() {
        return true;
    }
    let u = c as u32;
    match u {
        0x21..=0x7E => {
            matches!(c, '!'..='#' | '%'..='*' | ','..='/' | ':' | ';' | '?' | '@' | '['..=']' | '_' | '{' | '}')
        }
        0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF => true,
        0x037E
        | 0x0387
        | 0x055A..=0x055F
        | 0x0589
        | 0x058A
        | 0x05BE
        | 0x05C0
        | 0x05C3
        | 0x05C6
        | 0x05F3
        | 0x05F4 => true,
        0x0609 | 0x060A | 0x060C | 0x060D | 0x061B | 0x061E | 0x061F | 0x066A..=0x066D | 0x06D4 => {
            true
        }
        0x0964 | 0x0965 | 0x0970 | 0x0E4F | 0x0E5A | 0x0E5B | 0x104A..=0x104F | 0x10FB => true,
        0x2010..=0x2027 | 0x2030..=0x2043 | 0x2045..=0x2051 | 0x2053..=0x205E => true,
        0x207D | 0x207E | 0x208D | 0x208E | 0x2308..=0x230B | 0x2329 | 0x232A => true,
        0x2768..=0x2775 | 0x27C5 | 0x27C6 | 0x27E6..=0x27EF | 0x2983..=0x2998 => true,
        0x29D8..=0x29DB | 0x29FC | 0x29FD | 0x2E00..=0x2E2E | 0x2E30..=0x2E4F => true,
        0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F | 0x3030 | 0x303D | 0x30A0 | 0x30FB => {
            true
        }
        0xFE10..=0xFE19 | 0xFE30..=0xFE52 | 0xFE54..=0xFE61 | 0xFE63 | 0xFE68 | 0xFE6A | 0xFE6B => {
            true
        }
        0xFF01..=0xFF03 | 0xFF05..=0xFF0A | 0xFF0C..=0xFF0F | 0xFF1A | 0xFF1B | 0xFF1F | 0xFF20 => {
            true
        }
        0xFF3B..=0xFF3D | 0xFF3F | 0xFF5B | 0xFF5D | 0xFF5F..=0xFF65 => true,
        _ => false,
    }
}

/// The scripts written without spaces between words, where segmenters disagree (ICU
/// splits them with dictionaries, UAX #29 at every ideograph or not at all): Han with
/// kana (one class: ICU's dictionary spans them, as in 食べる), Hangul, Thai, Lao,
/// Khmer, Myanmar. `None` for every other character.
pub(crate) fn nospace_script(c: char) -> Option<u8> {
    match c as u32 {
        0x2E80..=0x2FDF
        | 0x3005..=0x3007
        | 0x3021..=0x3029
        | 0x3031..=0x3035
        | 0x303B
        | 0x303C
        | 0x3040..=0x30FF
        | 0x3190..=0x319F
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F
        | 0x20000..=0x3FFFF => Some(1),
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF => Some(2),
        0x0E00..=0x0E7F => Some(3),
        0x0E80..=0x0EFF => Some(4),
        0x1780..=0x17FF | 0x19E0..=0x19FF => Some(5),
        0x1000..=0x109F | 0xA9E0..=0xA9FF | 0xAA60..=0xAA7F => Some(6),
        _ => None,
    }
}

/// Base letters of U+00C0..=U+017F, `·` where the letter has no canonical decomposition.
const LATIN_BASE: &str = concat!(
    "AAAAAA·CEEEEIIII·NOOOOO··UUUUY··aaaaaa·ceeeeiiii·nooooo··uuuuy·y",
    "AaAaAaCcCcCcCcDd··EeEeEeEeEeGgGgGgGgHh··IiIiIiIiI···JjKk·LlLlLl····NnNnNn···OoOoOo··",
    "RrRrRrSsSsSsSsTtTt··UuUuUuUuUuUuWwYyYZzZzZzs",
);

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

fn latin_base(c: char) -> char {
    let u = c as u32;
    if (0xC0..=0x17F).contains(&u)
        && let Some(b) = LATIN_BASE.chars().nth((u - 0xC0) as usize)
        && b != '·'
    {
        return b;
    }
    c
}

/// Folds one character for comparison: compatibility forms of full-width ASCII and the
/// ellipsis, diacritics of Latin letters dropped, lowercased (an approximation of the
/// NFKD + lowercase + strip-combining-marks comparison browsers use).
pub(crate) fn fold_char(c: char, out: &mut String) {
    let u = c as u32;
    if (0xFF01..=0xFF5E).contains(&u) {
        if let Some(a) = char::from_u32(u - 0xFEE0) {
            out.extend(a.to_lowercase());
        }
        return;
    }
    if c == '\u{2026}' {
        out.push_str("...");
        return;
    }
    if is_combining_mark(c) {
        return;
    }
    for l in latin_base(c).to_lowercase() {
        if !is_combining_mark(l) {
            out.push(latin_base(l));
        }
    }
}

/// A search term folded like the page: whitespace runs become one space (not trimmed).
pub(crate) fn fold_term(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    let mut in_space = false;
    for c in term.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            in_space = false;
            fold_char(c, &mut out);
        }
    }
    out
}

/// The folded page text and its map to the original.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    pub original: &'a str,
    /// Folded text: blocks separated by exactly one `\n`, spaces collapsed, no space at a
    /// block's edges.
    pub norm: String,
    /// For each byte of `norm`, where the character it came from starts in the original.
    orig_start: Vec<u32>,
    /// Where each block starts in `norm`.
    block_starts: Vec<usize>,
    /// Unicode word boundaries of each block, computed when first needed.
    bounds: RefCell<HashMap<usize, Vec<usize>>>,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(original: &'a str) -> Prepared<'a> {
        let mut norm = String::with_capacity(original.len());
        let mut orig_start: Vec<u32> = Vec::with_capacity(original.len());
        let mut pending_space: Option<u32> = None;
        let mut buf = String::new();
        for (i, c) in original.char_indices() {
            let s = i as u32;
            if c.is_ascii_alphanumeric() {
                // The common case, without the general folding.
                if let Some(ps) = pending_space.take() {
                    norm.push(' ');
                    orig_start.push(ps);
                }
                norm.push(c.to_ascii_lowercase());
                orig_start.push(s);
                continue;
            }
            if c == '\n' {
                pending_space = None;
                if !norm.is_empty() && !norm.ends_with('\n') {
                    norm.push('\n');
                    orig_start.push(s);
                }
                continue;
            }
            if c.is_whitespace() {
                if pending_space.is_none() && !norm.is_empty() && !norm.ends_with('\n') {
                    pending_space = Some(s);
                }
                continue;
            }
            if let Some(ps) = pending_space.take() {
                norm.push(' ');
                orig_start.push(ps);
            }
            buf.clear();
            fold_char(c, &mut buf);
            norm.push_str(&buf);
            orig_start.extend(std::iter::repeat_n(s, buf.len()));
        }
        if norm.ends_with('\n') {
            norm.pop();
            orig_start.pop();
        }
        let block_starts = std::iter::once(0)
            .chain(
                norm.bytes()
                    .enumerate()
                    .filter(|(_, c)| *c == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Prepared {
            original,
            norm,
            orig_start,
            block_starts,
            bounds: RefCell::new(HashMap::new()),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.norm.len()
    }

    /// The original byte range of the folded range `[a, b)` (`a < b`).
    pub(crate) fn to_original(&self, a: usize, b: usize) -> (usize, usize) {
        let last = self.orig_start[b - 1] as usize;
        let last_len = self.original[last..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        (self.orig_start[a] as usize, last + last_len)
    }

    /// The folded byte offset of an original byte offset: the first folded byte whose
    /// character starts at or after it.
    pub(crate) fn to_norm(&self, orig: usize) -> usize {
        self.orig_start.partition_point(|&s| (s as usize) < orig)
    }

    pub(crate) fn char_at(&self, i: usize) -> Option<char> {
        self.norm.get(i..)?.chars().next()
    }

    pub(crate) fn char_before(&self, i: usize) -> Option<char> {
        self.norm.get(..i)?.chars().next_back()
    }

    /// The block containing byte `i`: `[start, end)` without its `\n`.
    pub(crate) fn block_of(&self, i: usize) -> (usize, usize) {
        let k = self
            .block_starts
            .partition_point(|&s| s <= i)
            .saturating_sub(1);
        let start = self.block_starts[k];
        let end = self
            .block_starts
            .get(k + 1)
            .map_or(self.norm.len(), |n| n - 1);
        (start, end)
    }

    /// Whether `i` is a Unicode word boundary (block edges are).
    pub(crate) fn is_word_boundary(&self, i: usize) -> bool {
        if i == 0 || i >= self.norm.len() || !self.norm.is_char_boundary(i) {
            return self.norm.is_char_boundary(i.min(self.norm.len()));
        }
        let (start, end) = self.block_of(i);
        if i == start || i == end {
            return true;
        }
        let mut cache = self.bounds.borrow_mut();
        let bounds = cache.entry(start).or_insert_with(|| {
            let mut bounds = word_bounds(&self.norm[start..end]);
            bounds.iter_mut().for_each(|b| *b += start);
            bounds
        });
        bounds.binary_search(&i).is_ok()
    }

    /// Whether a term may start or end at `i` whatever the segmenter, as far as the
    /// scripts without spaces go: not between two characters of one such script (a
    /// text edge, whitespace, punctuation or a change of script is). Elsewhere it is
    /// true: callers combine it with Unicode word boundaries, on which segmenters
    /// agree outside those scripts.
    pub(crate) fn safe_cut(&self, i: usize) -> bool {
        let (Some(x), Some(y)) = (self.char_before(i), self.char_at(i)) else {
            return true;
        };
        if is_boundary_char(x) || is_boundary_char(y) {
            return true;
        }
        match (nospace_script(x), nospace_script(y)) {
            (Some(s), Some(t)) => s != t,
            _ => true,
        }
    }

    /// The polyfill's test: is `[a, b)` bounded by boundary characters (or text edges)?
    /// A boundary character at either end of the match itself counts as the boundary.
    pub(crate) fn punct_bounded(&self, mut a: usize, mut b: usize) -> bool {
        if a >= b {
            return false;
        }
        if let Some(c) = self.char_at(a).filter(|c| is_boundary_char(*c)) {
            a += c.len_utf8();
            if a >= b {
                return false;
            }
        }
        if let Some(c) = self.char_before(b).filter(|c| is_boundary_char(*c)) {
            b -= c.len_utf8();
            if a >= b {
                return false;
            }
        }
        self.char_before(a).is_none_or(is_boundary_char)
            && self.char_at(b).is_none_or(is_boundary_char)
    }

    /// The Unicode word segments of the folded text that hold a letter or digit, as
    /// `[start, end)` pairs, within `[from, to)`.
    pub(crate) fn words_in(&self, from: usize, to: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut pos = from;
        while pos < to {
            let (bs, be) = self.block_of(pos);
            let seg_end = be.min(to);
            for w in word_bounds(&self.norm[bs..be]).windows(2) {
                let (ws, we) = (bs + w[0], bs + w[1]);
                if ws >= pos
                    && we <= seg_end
                    && self.norm[ws..we].chars().any(char::is_alphanumeric)
                {
                    out.push((ws, we));
                }
            }
            pos = be + 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_table_is_complete() {
        assert_eq!(LATIN_BASE.chars().count(), 0x180 - 0xC0);
        assert_eq!(
            fold_term("Ça  Résumé ŻÓŁW ſ Ｆｕｌｌ…"),
            "ca resume zołw s full..."
        );
    }

    #[test]
    fn prepares_blocks_and_maps_back() {
        let text = "  Hello,\tWORLD  \n\n  Ünïcode   café \n";
        let p = Prepared::new(text);
        assert_eq!(p.norm, "hello, world\nunicode cafe");
        let a = p.norm.find("world").unwrap();
        let (s, e) = p.to_original(a, a + 5);
        assert_eq!(&text[s..e], "WORLD");
        let a = p.norm.find("unicode cafe").unwrap();
        let (s, e) = p.to_original(a, a + "unicode cafe".len());
        assert_eq!(&text[s..e], "Ünïcode   café");
        assert_eq!(
            p.to_norm(text.find("WORLD").unwrap()),
            p.norm.find("world").unwrap()
        );
    }

    #[test]
    fn safe_cuts_avoid_runs_of_unspaced_scripts() {
        let p = Prepared::new("基盤を経由、国际Rust 2024年ภาษาไทย word");
        let at = |s: &str| p.norm.find(s).unwrap();
        assert!(p.safe_cut(0) && p.safe_cut(p.len()));
        assert!(!p.safe_cut(at("盤")), "inside 基盤");
        assert!(!p.safe_cut(at("を")), "Han to kana: one dictionary");
        assert!(p.safe_cut(at("、")) && p.safe_cut(at("国")), "punctuation");
        assert!(p.safe_cut(at("rust")), "Han to Latin");
        assert!(p.safe_cut(at("年")), "digit to Han");
        assert!(p.safe_cut(at("ภ")) && !p.safe_cut(at("าษ")), "Thai");
        assert!(p.safe_cut(at("word")));
    }

    #[test]
    fn word_boundaries_both_ways() {
        let p = Prepared::new("don't stop, 中文字 test_case");
        let at = |s: &str| p.norm.find(s).unwrap();
        assert!(p.is_word_boundary(0));
        assert!(
            !p.is_word_boundary(at("t stop")),
            "UAX #29 keeps don't whole"
        );
        assert!(p.is_word_boundary(at("文")), "each ideograph is a word");
        assert!(p.punct_bounded(at("stop"), at("stop") + 4));
        assert!(
            p.punct_bounded(at("t stop"), at("t stop") + 1),
            "the polyfill splits at the apostrophe"
        );
        assert!(
            !p.punct_bounded(at("文"), at("文") + 3),
            "the polyfill does not split ideographs"
        );
        assert!(p.punct_bounded(at("中"), at("字") + 3));
        let stop = at("stop");
        assert!(
            p.punct_bounded(stop - 1, stop + 5),
            "boundary chars at the edges count"
        );
        assert_eq!(p.words_in(0, p.len()).len(), 6);
    }
}
