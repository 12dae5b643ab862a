//! Deep links to the exact quote: text fragments (`#:~:text=[prefix-,]start[,end][,-suffix]`)
//! and a text-quote selector (the exact text with 32 characters of context either side)
//! for re-anchoring when the page changes.
//!
//! The input is the page's visible text as the capture sends it, blocks separated by
//! `\n`, and the selection's offsets into it. Blocks are what browsers match within: the
//! text between the edges of the elements in [`BLOCK_ELEMENTS`] (inline elements do not
//! separate blocks; `<br>` does, as in the `text-fragments-polyfill`, so no term spans a
//! line break; whitespace inside a block may be anything, it is collapsed; hidden
//! elements, scripts and styles are left out: see [`crate::page_text`]). Offsets are
//! UTF-16 code units in [`text_fragment`] (what JavaScript strings and `Range` offsets
//! count) and UTF-8 bytes in [`text_fragment_bytes`]; both reject offsets out of range,
//! reversed, or inside a character, returning `None` rather than panicking.
//!
//! The generated directive is as short as possible while it selects exactly the quote
//! and nothing else, checked with a native matcher ([`matcher`]) that follows the
//! specification's matching algorithm: terms start and end on Unicode word boundaries,
//! no term spans a block boundary, matching ignores case and (Latin) diacritics, and
//! context terms (prefix, suffix) are added only when the quote alone is ambiguous.
//!
//! Browsers (and the `text-fragments-polyfill`, which the browser tests use as their
//! judge) decide word boundaries with ICU's segmenter (`Intl.Segmenter`), not UAX #29:
//! inside runs of CJK (and Thai, Lao, Khmer, Myanmar) text ICU breaks only between the
//! words of its dictionaries (基盤, 経由, 国际 are one word each), where UAX #29 breaks
//! at every ideograph. So the generator trusts the quote's own edges (the selection is
//! drawn on the browser's word boundaries), but makes every other cut — where a `start`
//! term ends and an `end` term begins, where context terms begin and end — only where
//! any segmenter breaks: outside those scripts on a Unicode word boundary, inside them
//! at whitespace, punctuation or a change of script ([`text::Prepared::safe_cut`]). It
//! tries, in order: directives unique even under punctuation-only word boundaries
//! (the strictest segmenter: [`TextFragment::polyfill_compatible`]), then directives
//! with only such safe cuts, then any cut UAX #29 allows (which ICU may reject in CJK).

pub(crate) mod matcher;
pub(crate) mod text;
mod words;

use serde::{Deserialize, Serialize};

pub use matcher::{TextDirective, decode_term, encode_term, find_matches};
pub use text::WordBounds;

use matcher::find_folded;
use text::{Prepared, is_boundary_char};

/// A deep link to a quote, and a selector to find it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextFragment {
    /// The directive, percent-encoded: `text=[prefix-,]start[,end][,-suffix]`.
    pub directive: String,
    /// `#:~:` and the directive: append to the page's URL without its fragment (see
    /// [`fragment_url`]).
    pub hash: String,
    /// The quoted text exactly as on the page (the range below).
    pub exact: String,
    /// Up to 32 characters of page text before `exact`, and after it.
    pub prefix: String,
    pub suffix: String,
    /// The range the link selects, in the caller's units: the selection trimmed of
    /// whitespace and widened to whole words.
    pub start: usize,
    pub end: usize,
    /// The directive matches nothing but the quote. When false, the quote is its first
    /// match (what browsers highlight), but a later passage also matches.
    pub unique: bool,
    /// Also unique under punctuation-only word boundaries (the strictest segmenter):
    /// bounded and unique whatever segmenter the browser or the polyfill uses.
    pub polyfill_compatible: bool,
    /// No directive can single the quote out: the page holds the same words earlier with
    /// the same context as far as a directive reaches (terms stay within a block), and
    /// the link selects that first copy. (`false` whenever the link selects the quote.)
    #[serde(default)]
    pub selects_copy: bool,
}

/// Elements whose start and end separate blocks of page text (the specification's and
/// the polyfill's block-level elements). The capture joins their text with `\n`.
pub const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Context kept around `exact` for re-anchoring, in characters.
pub(crate) const SELECTOR_CONTEXT_CHARS: usize = 32;
/// A quote up to this many characters may be its own start term.
const MAX_EXACT_CHARS: usize = 300;
/// Words tried for a start/end term, and for context terms.
const MAX_RANGE_WORDS: usize = 8;
/// The last level takes all the context its block offers.
const CONTEXT_WORDS: [usize; 9] = [1, 2, 3, 4, 6, 8, 12, 20, usize::MAX];

/// Converts a UTF-16 offset into a byte offset; `None` past the end or inside a
/// surrogate pair.
pub fn utf16_to_byte(text: &str, offset: usize) -> Option<usize> {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units == offset {
            return Some(i);
        }
        units += c.len_utf16();
        if units > offset {
            return None;
        }
    }
    (units == offset).then_some(text.len())
}

/// Converts a byte offset (on a character boundary) into a UTF-16 offset.
pub(crate) fn byte_to_utf16(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .chars()
        .map(char::len_utf16)
        .sum()
}

/// Generates the text fragment for the selection `[start, end)` of `page_text`, offsets
/// in UTF-16 code units (JavaScript's). `None` when the offsets are invalid, the range
/// holds no text, or no directive can select it.
pub fn text_fragment(page_text: &str, start: usize, end: usize) -> Option<TextFragment> {
    let s = utf16_to_byte(page_text, start)?;
    let e = utf16_to_byte(page_text, end)?;
    let mut f = text_fragment_bytes(page_text, s, e)?;
    f.start = byte_to_utf16(page_text, f.start);
    f.end = byte_to_utf16(page_text, f.end);
    Some(f)
}

/// [`text_fragment`] with UTF-8 byte offsets.
pub(crate) fn text_fragment_bytes(
    page_text: &str,
    start: usize,
    end: usize,
) -> Option<TextFragment> {
    if start >= end
        || end > page_text.len()
        || !page_text.is_char_boundary(start)
        || !page_text.is_char_boundary(end)
    {
        return None;
    }
    let p = Prepared::new(page_text);
    // Trim, fold, and widen to whole words.
    let mut a = p.to_norm(start);
    let mut b = p.to_norm(end);
    while a < b && p.char_at(a).is_some_and(char::is_whitespace) {
        a += 1;
    }
    while a < b && p.char_before(b).is_some_and(char::is_whitespace) {
        b -= 1;
    }
    if a >= b {
        return None;
    }
    while !p.is_word_boundary(a) {
        a -= p.char_before(a).map_or(1, char::len_utf8);
    }
    while !p.is_word_boundary(b) {
        b += p.char_at(b).map_or(1, char::len_utf8);
    }
    let (os, oe) = p.to_original(a, b);

    let generator = Generator { p: &p, a, b };
    let (directive, unique, polyfill_compatible, selects_copy) = generator
        .search(Mode::Dual)
        .map(|d| (d, true, true, false))
        .or_else(|| {
            generator
                .search(Mode::Safe)
                .map(|d| (d, true, false, false))
        })
        .or_else(|| {
            generator
                .search(Mode::Unicode)
                .map(|d| (d, true, false, false))
        })
        .or_else(|| {
            generator
                .first_match_only(Mode::Safe, false)
                .or_else(|| generator.first_match_only(Mode::Unicode, false))
                .map(|d| (d, false, false, false))
        })
        .or_else(|| {
            generator
                .first_match_only(Mode::Safe, true)
                .or_else(|| generator.first_match_only(Mode::Unicode, true))
                .map(|d| (d, false, false, true))
        })?;
    let encoded = format!("text={}", directive.encode());
    Some(TextFragment {
        hash: format!("#:~:{encoded}"),
        directive: encoded,
        exact: page_text[os..oe].to_string(),
        prefix: tail_chars(&page_text[..os], SELECTOR_CONTEXT_CHARS).to_string(),
        suffix: head_chars(&page_text[oe..], SELECTOR_CONTEXT_CHARS).to_string(),
        start: os,
        end: oe,
        unique,
        polyfill_compatible,
        selects_copy,
    })
}

/// A text-quote selector: the exact text and up to 32 characters either side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteSelector {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
}

/// The selector for the selection `[start, end)` (UTF-16 offsets), as it is: available
/// even when no text fragment can single the quote out (a passage repeated word for
/// word). `None` for invalid offsets or an empty range.
pub fn quote_selector(page_text: &str, start: usize, end: usize) -> Option<QuoteSelector> {
    let s = utf16_to_byte(page_text, start)?;
    let e = utf16_to_byte(page_text, end)?;
    (s < e).then(|| QuoteSelector {
        exact: page_text[s..e].to_string(),
        prefix: tail_chars(&page_text[..s], SELECTOR_CONTEXT_CHARS).to_string(),
        suffix: head_chars(&page_text[e..], SELECTOR_CONTEXT_CHARS).to_string(),
    })
}

/// `url` without its fragment, followed by the fragment's `#:~:text=` hash.
pub fn fragment_url(url: &str, fragment: &TextFragment) -> String {
    let base = url.split_once('#').map_or(url, |(b, _)| b);
    format!("{base}{}", fragment.hash)
}

fn tail_chars(s: &str, n: usize) -> &str {
    let start = s
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    if n == 0 { "" } else { &s[start..] }
}

fn head_chars(s: &str, n: usize) -> &str {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// One candidate: folded byte ranges of its terms.
#[derive(Clone, Copy)]
struct Candidate {
    start: (usize, usize),
    end: Option<(usize, usize)>,
    prefix: Option<(usize, usize)>,
    suffix: Option<(usize, usize)>,
}

impl Candidate {
    fn len(&self) -> usize {
        let l = |r: Option<(usize, usize)>| r.map_or(0, |(x, y)| y - x + 2);
        l(Some(self.start)) + l(self.end) + l(self.prefix) + l(self.suffix)
    }
}

/// Where the generator may cut terms, and what it checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Cuts at punctuation only, and unique under punctuation-only boundaries too.
    Dual,
    /// Cuts on Unicode word boundaries that every segmenter shares
    /// ([`Prepared::safe_cut`]): never inside a run of CJK or Thai-like text.
    Safe,
    /// Cuts on any Unicode word boundary.
    Unicode,
}

struct Generator<'p, 'a> {
    p: &'p Prepared<'a>,
    /// The target, folded byte range.
    a: usize,
    b: usize,
}

impl Generator<'_, '_> {
    /// The original text of a folded range, whitespace runs collapsed.
    fn term(&self, (x, y): (usize, usize)) -> String {
        let (os, oe) = self.p.to_original(x, y);
        let mut out = String::with_capacity(oe - os);
        for (i, w) in self.p.original[os..oe].split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(w);
        }
        out
    }

    fn directive(&self, c: &Candidate) -> TextDirective {
        TextDirective {
            prefix: c.prefix.map(|r| self.term(r)),
            start: self.term(c.start),
            end: c.end.map(|r| self.term(r)),
            suffix: c.suffix.map(|r| self.term(r)),
        }
    }

    /// Whether the directive selects exactly the target: alone (`unique`) or first.
    fn selects(&self, d: &TextDirective, mode: WordBounds, unique: bool) -> bool {
        let m = find_folded(self.p, d, mode, if unique { 2 } else { 1 });
        m.len() == 1 && m[0] == (self.a, self.b)
    }

    /// `i` is where a polyfill term may start: after a boundary character or a block edge.
    fn punct_start(&self, i: usize) -> bool {
        self.p.char_before(i).is_none_or(is_boundary_char)
            || self.p.char_at(i).is_some_and(is_boundary_char)
    }

    /// `i` is where a polyfill term may end: before a boundary character or a block edge.
    fn punct_end(&self, i: usize) -> bool {
        self.p.char_at(i).is_none_or(is_boundary_char)
            || self.p.char_before(i).is_some_and(is_boundary_char)
    }

    /// Whether a term may start at `i` in `mode` (`i` is a Unicode word boundary).
    fn cut_start(&self, i: usize, mode: Mode) -> bool {
        match mode {
            Mode::Dual => self.punct_start(i),
            Mode::Safe => self.p.safe_cut(i),
            Mode::Unicode => true,
        }
    }

    /// Whether a term may end at `i` in `mode` (`i` is a Unicode word boundary).
    fn cut_end(&self, i: usize, mode: Mode) -> bool {
        match mode {
            Mode::Dual => self.punct_end(i),
            Mode::Safe => self.p.safe_cut(i),
            Mode::Unicode => true,
        }
    }

    /// Context-free forms: the exact text, and `start,end` pairs of growing length.
    fn forms(&self, mode: Mode) -> Vec<Candidate> {
        let (a, b) = (self.a, self.b);
        let mut out = Vec::new();
        let first_block_end = self.p.block_of(a).1;
        let last_block_start = self.p.block_of(b - 1).0;
        let single_block = first_block_end >= b;
        if single_block && self.p.norm[a..b].chars().count() <= MAX_EXACT_CHARS {
            out.push(Candidate {
                start: (a, b),
                end: None,
                prefix: None,
                suffix: None,
            });
        }
        let words = self.p.words_in(a, b);
        let ends: Vec<usize> = words
            .iter()
            .map(|w| w.1)
            .filter(|&e| e <= first_block_end && self.cut_end(e, mode))
            .collect();
        let starts: Vec<usize> = words
            .iter()
            .rev()
            .map(|w| w.0)
            .filter(|&s| s >= last_block_start && self.cut_start(s, mode))
            .collect();
        for k in 1..=MAX_RANGE_WORDS {
            let (Some(&se), Some(&es)) = (ends.get(k - 1), starts.get(k - 1)) else {
                break;
            };
            if se > es || (se == b) {
                break;
            }
            out.push(Candidate {
                start: (a, se),
                end: Some((es, b)),
                prefix: None,
                suffix: None,
            });
        }
        // Whole blocks at either end when the quote spans blocks and has few words.
        if !single_block && out.is_empty() {
            out.push(Candidate {
                start: (a, first_block_end),
                end: Some((last_block_start, b)),
                prefix: None,
                suffix: None,
            });
        }
        out
    }

    /// The prefix at each level of [`CONTEXT_WORDS`]: that many words before the target,
    /// ending at its last non-space character (`None` at the start of the text).
    fn prefixes(&self, mode: Mode) -> Vec<Option<(usize, usize)>> {
        let mut pe = self.a;
        while let Some(c) = self.p.char_before(pe).filter(|c| c.is_whitespace()) {
            pe -= c.len_utf8();
        }
        if pe == 0 {
            return vec![None; CONTEXT_WORDS.len()];
        }
        let (bs, _) = self.p.block_of(pe - 1);
        let starts: Vec<usize> = self
            .p
            .words_in(bs, pe)
            .iter()
            .rev()
            .map(|w| w.0)
            .filter(|&s| self.cut_start(s, mode))
            .collect();
        CONTEXT_WORDS
            .iter()
            .map(|&n| {
                let ps = if n == usize::MAX {
                    bs
                } else {
                    starts.get(n - 1).or(starts.last()).copied().unwrap_or(bs)
                };
                (ps < pe).then_some((ps, pe))
            })
            .collect()
    }

    /// The suffix at each level of [`CONTEXT_WORDS`]: that many words after the target,
    /// from its first non-space character (`None` at the end of the text).
    fn suffixes(&self, mode: Mode) -> Vec<Option<(usize, usize)>> {
        let mut ss = self.b;
        while let Some(c) = self.p.char_at(ss).filter(|c| c.is_whitespace()) {
            ss += c.len_utf8();
        }
        if ss >= self.p.len() {
            return vec![None; CONTEXT_WORDS.len()];
        }
        let (_, be) = self.p.block_of(ss);
        let ends: Vec<usize> = self
            .p
            .words_in(ss, be)
            .iter()
            .map(|w| w.1)
            .filter(|&e| self.cut_end(e, mode))
            .collect();
        CONTEXT_WORDS
            .iter()
            .map(|&n| {
                let se = if n == usize::MAX {
                    be
                } else {
                    ends.get(n - 1).or(ends.last()).copied().unwrap_or(be)
                };
                (ss < se).then_some((ss, se))
            })
            .collect()
    }

    fn accept(&self, c: &Candidate, mode: Mode) -> Option<TextDirective> {
        let d = self.directive(c);
        let ok = self.selects(&d, WordBounds::Unicode, true)
            && (mode != Mode::Dual || self.selects(&d, WordBounds::Punctuation, true));
        ok.then_some(d)
    }

    /// The shortest unique directive with the cuts `mode` allows; [`Mode::Dual`] also
    /// requires uniqueness under punctuation-only word boundaries.
    fn search(&self, mode: Mode) -> Option<TextDirective> {
        if mode == Mode::Dual && !self.p.punct_bounded(self.a, self.b) {
            return None;
        }
        let mut forms = self.forms(mode);
        if forms.is_empty() {
            return None;
        }
        forms.sort_by_key(Candidate::len);
        if let Some(d) = forms.iter().find_map(|c| self.accept(c, mode)) {
            return Some(d);
        }
        // Add context, growing on both sides together.
        // The three shortest forms, and the exact text: a `start,end` form stays ambiguous
        // whatever its context when its end term recurs further on.
        let mut bases: Vec<Candidate> = forms.iter().take(3).copied().collect();
        if let Some(exact) = forms.iter().skip(3).find(|c| c.end.is_none()) {
            bases.push(*exact);
        }
        let (prefixes, suffixes) = (self.prefixes(mode), self.suffixes(mode));
        for (&pre, &suf) in prefixes.iter().zip(&suffixes) {
            let mut level = Vec::new();
            for base in &bases {
                for (p, s) in [(pre, None), (None, suf), (pre, suf)] {
                    if p.is_none() && s.is_none() {
                        continue;
                    }
                    level.push(Candidate {
                        prefix: p,
                        suffix: s,
                        ..*base
                    });
                }
            }
            level.sort_by_key(Candidate::len);
            if let Some(d) = level.iter().find_map(|c| self.accept(c, mode)) {
                return Some(d);
            }
        }
        None
    }

    /// Whether the first match of `d` is an earlier passage with the target's words.
    fn selects_earlier_copy(&self, d: &TextDirective) -> bool {
        let m = find_folded(self.p, d, WordBounds::Unicode, 1);
        m.first()
            .is_some_and(|&(x, y)| x < self.a && self.p.norm[x..y] == self.p.norm[self.a..self.b])
    }

    /// No unique directive: the shortest whose first match is the target, with the cuts
    /// `mode` allows; with `copy`, the shortest whose first match is an earlier passage
    /// with the same words (when none can reach the target: the context repeats too).
    fn first_match_only(&self, mode: Mode, copy: bool) -> Option<TextDirective> {
        let mut forms = self.forms(mode);
        forms.sort_by_key(Candidate::len);
        let mut all = forms.clone();
        let exact = forms.iter().skip(3).find(|c| c.end.is_none());
        let (prefixes, suffixes) = (self.prefixes(mode), self.suffixes(mode));
        for (&pre, &suf) in prefixes.iter().zip(&suffixes) {
            for base in forms.iter().take(3).chain(exact) {
                all.push(Candidate {
                    prefix: pre,
                    suffix: suf,
                    ..*base
                });
            }
        }
        all.into_iter().map(|c| self.directive(&c)).find(|d| {
            if copy {
                self.selects_earlier_copy(d)
            } else {
                self.selects(d, WordBounds::Unicode, false)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(page: &str, quote: &str, nth: usize) -> TextFragment {
        let start = page.match_indices(quote).nth(nth).expect("quote in page").0;
        let f = text_fragment_bytes(page, start, start + quote.len()).expect("a fragment");
        let d = TextDirective::parse(&f.directive).expect("parses");
        let m = find_matches(page, &d, WordBounds::Unicode, 2);
        assert_eq!(
            m,
            vec![(f.start, f.end)],
            "{} selects {:?}",
            f.directive,
            f.exact
        );
        f
    }

    #[test]
    fn unique_quote_gets_a_short_exact_directive() {
        let f = check("Alpha beta gamma.\nDelta epsilon.", "beta gamma", 0);
        assert_eq!(f.directive, "text=beta%20gamma");
        assert_eq!(f.hash, "#:~:text=beta%20gamma");
        assert_eq!(
            (f.exact.as_str(), f.prefix.as_str(), f.suffix.as_str()),
            ("beta gamma", "Alpha ", ".\nDelta epsilon.")
        );
        assert!(f.unique && f.polyfill_compatible);
    }

    #[test]
    fn repeated_quote_gets_context() {
        let page = "I said yes. Then you said yes, twice. We all said yes.";
        let f = check(page, "said yes", 1);
        assert!(
            f.directive.contains("-,") || f.directive.contains(",-"),
            "{}",
            f.directive
        );
        assert!(f.unique);
        check(page, "said yes", 0);
        check(page, "said yes", 2);
    }

    #[test]
    fn long_and_multi_block_quotes_use_start_and_end() {
        let long = "word ".repeat(10)
            + "The quick brown fox jumps over the lazy dog while the cat watches from the window sill, unimpressed by all of it.";
        let f = check(
            &long,
            "The quick brown fox jumps over the lazy dog while the cat watches from the window sill, unimpressed by all of it.",
            0,
        );
        assert!(
            f.directive.starts_with("text=The,") || f.directive.contains(','),
            "{}",
            f.directive
        );
        assert!(f.directive.len() < 40, "{}", f.directive);
        let page = "First paragraph ends here.\nSecond one starts, and ends.";
        let f = check(page, "ends here.\nSecond one", 0);
        assert!(f.directive.contains(','), "{}", f.directive);
    }

    #[test]
    fn widens_to_words_and_trims() {
        let page = "  hello wonderful world  ";
        let f = text_fragment_bytes(page, 5, 12).unwrap(); // "llo won"
        assert_eq!(f.exact, "hello wonderful");
        assert_eq!(&page[f.start..f.end], "hello wonderful");
        assert!(text_fragment_bytes(page, 0, 2).is_none(), "whitespace only");
    }

    #[test]
    fn utf16_offsets_and_bad_input() {
        let page = "😀 emoji text, café au lait";
        let s16 = page[..page.find("café").unwrap()].encode_utf16().count();
        let f = text_fragment(page, s16, s16 + 4).unwrap();
        assert_eq!(f.exact, "café");
        assert_eq!((f.start, f.end), (s16, s16 + 4));
        assert!(
            text_fragment(page, 1, 2).is_none(),
            "inside a surrogate pair"
        );
        assert!(text_fragment(page, 5, 5).is_none());
        assert!(text_fragment(page, 6, 3).is_none());
        assert!(text_fragment(page, 0, 10_000).is_none());
        assert!(
            text_fragment_bytes(page, 1, 3).is_none(),
            "inside a UTF-8 sequence"
        );
        assert!(text_fragment("", 0, 0).is_none());
    }

    #[test]
    fn encodes_syntax_characters() {
        let f = check(
            "Rock-and-roll, R&B; yes.\nOther text.",
            "Rock-and-roll, R&B",
            0,
        );
        assert!(!f.directive[5..].contains('&'), "{}", f.directive);
        let f = check("a co-op here", "co-op", 0);
        assert_eq!(f.directive, "text=co%2Dop");
        let f = check("x, AT&T y", "AT&T", 0);
        assert_eq!(f.directive, "text=AT%26T");
    }

    #[test]
    fn cjk_quotes() {
        let page = "我们的中文测试很好。\n中文测试很重要。";
        let f = check(page, "中文测试", 0);
        assert!(f.unique);
        let f = check(page, "我们的中文测试很好", 0);
        assert!(
            f.polyfill_compatible,
            "bounded by punctuation and block edges"
        );
    }

    /// The decoded terms of a fragment: prefix, start, end, suffix.
    fn terms(f: &TextFragment) -> [Option<String>; 4] {
        let d = TextDirective::parse(&f.directive).expect("parses");
        [d.prefix, Some(d.start), d.end, d.suffix]
    }

    /// ICU keeps 基盤, 経由 and 国际 whole where UAX #29 splits every ideograph: the
    /// generator cuts CJK runs only at punctuation, whitespace or a change of script, and
    /// trusts the quote's own edges.
    #[test]
    fn cjk_terms_are_cut_where_every_segmenter_breaks() {
        let page = "今日は基盤を経由する。明日も基盤を経由する。";
        let f = check(page, "基盤を経由する", 1);
        assert!(f.unique);
        assert_eq!(
            terms(&f),
            [
                Some("明日も".into()),
                Some("基盤を経由する".into()),
                None,
                None
            ],
            "{}",
            f.directive
        );
        let page = "前の段落は基盤を経由する。\n次の段落は国际渠道を使う。";
        let f = check(page, "基盤を経由する。\n次の段落は国际渠道", 0);
        assert_eq!(
            terms(&f),
            [
                None,
                Some("基盤を経由する".into()),
                Some("次の段落は国际渠道".into()),
                None
            ],
            "{}",
            f.directive
        );
        // A change of script is a boundary for every segmenter.
        let page = "我们用Rust语言写代码。\n他们用Rust语言写代码。";
        let f = check(page, "Rust语言", 1);
        assert_eq!(
            terms(&f),
            [Some("他们用".into()), Some("Rust语言".into()), None, None],
            "{}",
            f.directive
        );
    }

    #[test]
    fn repeated_paragraphs_have_no_unique_link_but_a_selector() {
        // The first block can be told apart by what precedes it; the others cannot.
        let page = "Intro.\nSame words.\nSame words.\nSame words.";
        let at: Vec<usize> = page.match_indices("Same").map(|(i, _)| i).collect();
        let first = text_fragment_bytes(page, at[0], at[0] + 4).unwrap();
        assert!(first.unique, "{}", first.directive);
        let second = text_fragment_bytes(page, at[1], at[1] + 4).unwrap();
        assert!(!second.unique, "only the first match: {}", second.directive);
        let d = TextDirective::parse(&second.directive).unwrap();
        assert_eq!(
            find_matches(page, &d, WordBounds::Unicode, 1),
            vec![(at[1], at[1] + 4)]
        );
        // The third has the same context as the second as far as a directive reaches: its
        // link selects the first occurrence of its words.
        let third = text_fragment_bytes(page, at[2], at[2] + 4).unwrap();
        assert!(third.selects_copy && !third.unique, "{}", third.directive);
        let d = TextDirective::parse(&third.directive).unwrap();
        assert_eq!(
            find_matches(page, &d, WordBounds::Unicode, 1),
            vec![(at[0], at[0] + 4)]
        );
        assert!(!first.selects_copy && !second.selects_copy);
        let s16 = page[..at[2]].encode_utf16().count();
        let sel = quote_selector(page, s16, s16 + 4).unwrap();
        assert_eq!(
            (sel.exact.as_str(), sel.prefix.as_str(), sel.suffix.as_str()),
            ("Same", "Intro.\nSame words.\nSame words.\n", " words.")
        );
        assert_eq!(quote_selector(page, 3, 3), None);
    }

    /// Random pages from a small alphabet full of edge cases (repeats, blocks, folding,
    /// multi-byte and syntax characters) and random offsets: never a panic, and every
    /// fragment returned selects what it says.
    #[test]
    fn random_pages_and_offsets() {
        const ALPHABET: &[&str] = &[
            "a", "b", "ab", "ba", " ", " ", "\n", "\n\n", "-", ",", "&", "#", "%", ".", "É", "é",
            "e\u{301}", "中", "文", "😀", "…", "Ａ", "\t", "'", "İ", "ß", "\u{200b}", "ไ",
        ];
        let mut seed = 0x1234_5678_9abc_def0_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut made = 0;
        let mut copies = 0;
        for _ in 0..400 {
            let page: String = (0..next(40))
                .map(|_| ALPHABET[next(ALPHABET.len())])
                .collect();
            let units = page.encode_utf16().count();
            for _ in 0..5 {
                let (s, e) = (next(units + 2), next(units + 2));
                let _ = quote_selector(&page, s, e);
                let Some(f) = text_fragment(&page, s, e) else {
                    continue;
                };
                made += 1;
                let (bs, be) = (
                    utf16_to_byte(&page, f.start).unwrap(),
                    utf16_to_byte(&page, f.end).unwrap(),
                );
                assert_eq!(f.exact, &page[bs..be]);
                let d = TextDirective::parse(&f.directive).expect("parses");
                let m = find_matches(&page, &d, WordBounds::Unicode, 2);
                if f.selects_copy {
                    // An earlier passage with the same words.
                    copies += 1;
                    let &(cs, ce) = m.first().expect("a match");
                    assert!(cs < bs, "{page:?} {s}..{e}: {}", f.directive);
                    let fold = |t: &str| {
                        text::fold_term(t)
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                    };
                    assert_eq!(
                        fold(&page[cs..ce]),
                        fold(&page[bs..be]),
                        "{page:?}: {}",
                        f.directive
                    );
                    assert!(!f.unique);
                    continue;
                }
                assert_eq!(
                    m.first(),
                    Some(&(bs, be)),
                    "{page:?} {s}..{e}: {}",
                    f.directive
                );
                assert_eq!(f.unique, m.len() == 1, "{page:?}: {}", f.directive);
            }
        }
        assert!(
            made >= 300,
            "only {made} fragments ({copies} selecting a copy): the test exercises too little"
        );
    }

    #[test]
    fn fragment_url_replaces_the_fragment() {
        let f = check("some unique words here", "unique words", 0);
        assert_eq!(
            fragment_url("https://e.x/p?q=1#top", &f),
            "https://e.x/p?q=1#:~:text=unique%20words"
        );
    }
}
