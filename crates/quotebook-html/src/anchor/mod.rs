//! Finding saved quotes again in a page's visible text, to highlight them when the reader
//! comes back (and to list those that are gone).
//!
//! The page text is the one the capture builds (blocks separated by `\n`, see
//! [`crate::page_text`]); offsets are UTF-16 code units, as `Quote.position` and the
//! capture's offsets. Each quote carries its text-quote selector (exact text, up to 32
//! characters of context either side) and its position. In order:
//!
//! 1. **At its position**: the exact text (whitespace runs compared as one space) starts
//!    where it was saved: `exact`. This is also what picks the right copy of a passage
//!    the page holds twice, on an unchanged page.
//! 2. **Elsewhere, word for word**: the only place the exact text occurs, or, when it
//!    occurs several times, the only one whose whole prefix and suffix match: `moved`.
//!    Several equally good places: `ambiguous`, never guessed.
//! 3. **Edited**: the places whose edit distance to the quote is at most an eighth of its
//!    length ([`approx`]), kept only when the quote's prefix and suffix are found right
//!    beside them (evidence that this is the passage, not a look-alike): `approximate`
//!    at the single best one, `ambiguous` when two are as good.
//! 4. Otherwise `orphan`.
//!
//! Precision comes first: a range is returned only over text that is the quote, word for
//! word or within the bound with its context beside it. A passage removed from the page
//! is an orphan.

pub mod approx;

use serde::{Deserialize, Serialize};

/// What anchoring reads of a saved quote (a stored `Quote` has these fields and more).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnchorQuery {
    pub id: String,
    /// The selection's text, used when the quote has no selector.
    pub text: String,
    pub selector: Option<AnchorSelector>,
    /// Where the quote started in the page's visible text (UTF-16).
    pub position: Option<usize>,
}

/// The text-quote selector as a quote stores it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnchorSelector {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    /// The page held the exact text more than once when the quote was saved
    /// ([`is_repeated`]): then only its position finds it.
    pub repeated: bool,
}

/// Whether `page_text` holds `exact` (whitespace runs compared as one space) more than
/// once, or a look-alike of it within the edit bound ([`max_edits`]): the copies of such
/// a passage are told apart by their position alone, which a changed page no longer
/// keeps (an edited copy, a date a minute later, the same line with another name, would
/// pass for the quote once it is gone).
pub fn is_repeated(page_text: &str, exact: &str) -> bool {
    let needle = collapse(exact, true);
    if needle.is_empty() {
        return false;
    }
    let index = PageIndex::new(page_text);
    if index.occurrences(&needle).len() > 1 {
        return true;
    }
    let chars: Vec<char> = needle.chars().collect();
    let k = max_edits(chars.len());
    // The quote itself is one place within the bound; another is a look-alike.
    k > 0 && approx::search(&index.chars, &chars, k).len() > 1
}

/// How a quote was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnchorStatus {
    /// The exact text where it was saved.
    Exact,
    /// The exact text (whitespace aside) elsewhere.
    Moved,
    /// An edited version of the text, with its context beside it.
    Approximate,
    /// Several places fit equally well: none is chosen.
    Ambiguous,
    /// Not on the page.
    Orphan,
}

impl AnchorStatus {
    /// The quote has a range to highlight.
    pub fn is_found(self) -> bool {
        matches!(self, Self::Exact | Self::Moved | Self::Approximate)
    }
}

/// Where a quote is in the page text: `[start, end)` in UTF-16 code units, `None` when it
/// is ambiguous or an orphan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub id: String,
    pub status: AnchorStatus,
    pub start: Option<usize>,
    pub end: Option<usize>,
}

/// Quotes shorter than this (in characters, whitespace collapsed) are only found word for
/// word: an edit in a few characters leaves too little to tell the passage from others.
pub const MIN_APPROX_CHARS: usize = 10;

/// Quotes longer than this (in characters) are only found word for word: the edited
/// search's cost grows with the quote's length times the page's.
pub const MAX_APPROX_CHARS: usize = 2000;

/// The edit distance allowed for a quote of `len` characters.
pub fn max_edits(len: usize) -> usize {
    if !(MIN_APPROX_CHARS..=MAX_APPROX_CHARS).contains(&len) {
        0
    } else {
        len / 8
    }
}

/// Context characters that must be found beside an edited match (fewer when the saved
/// context is shorter).
const EVIDENCE_CHARS: usize = 24;

/// The page text with whitespace runs collapsed to one space, and a map back.
#[derive(Debug)]
pub struct PageIndex {
    /// Collapsed text.
    norm: String,
    /// Its characters, for the edit-distance search.
    chars: Vec<char>,
    /// For each byte offset of `norm` on a character boundary, the character's index.
    char_of_byte: Vec<u32>,
    /// For each collapsed character, where it starts and ends in the page text (UTF-16).
    orig_start: Vec<u32>,
    orig_end: Vec<u32>,
}

impl PageIndex {
    /// Indexes `page_text` (linear in its length).
    pub fn new(page_text: &str) -> PageIndex {
        let mut index = PageIndex {
            norm: String::with_capacity(page_text.len()),
            chars: Vec::with_capacity(page_text.len()),
            char_of_byte: Vec::with_capacity(page_text.len() + 1),
            orig_start: Vec::with_capacity(page_text.len()),
            orig_end: Vec::with_capacity(page_text.len()),
        };
        let mut units = 0u32;
        let mut in_space = false;
        for c in page_text.chars() {
            let start = units;
            units += c.len_utf16() as u32;
            if c.is_whitespace() {
                if in_space {
                    // The run's one space ends where the run ends.
                    *index.orig_end.last_mut().expect("a space was pushed") = units;
                    continue;
                }
                in_space = true;
                index.push(' ', start, units);
            } else {
                in_space = false;
                index.push(c, start, units);
            }
        }
        index.char_of_byte.push(index.chars.len() as u32);
        index
    }

    fn push(&mut self, c: char, start: u32, end: u32) {
        let n = self.chars.len() as u32;
        for _ in 0..c.len_utf8() {
            self.char_of_byte.push(n);
        }
        self.norm.push(c);
        self.chars.push(c);
        self.orig_start.push(start);
        self.orig_end.push(end);
    }

    /// The page-text range of collapsed characters `[a, b)` (`a < b`).
    fn range(&self, a: usize, b: usize) -> (usize, usize) {
        (self.orig_start[a] as usize, self.orig_end[b - 1] as usize)
    }

    /// The first collapsed character at or after page offset `pos`.
    fn char_at_offset(&self, pos: usize) -> usize {
        self.orig_start.partition_point(|&s| (s as usize) < pos)
    }

    /// Every start (character index) of `needle` in the collapsed text.
    fn occurrences(&self, needle: &str) -> Vec<usize> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(at) = self.norm[from..].find(needle) {
            let byte = from + at;
            out.push(self.char_of_byte[byte] as usize);
            // Overlapping copies count too (`aaa` in `aaaa`).
            from = byte + self.norm[byte..].chars().next().map_or(1, char::len_utf8);
        }
        out
    }

    /// How many characters before collapsed index `a` equal the end of `prefix`.
    fn prefix_agreement(&self, a: usize, prefix: &[char]) -> usize {
        // The space joining the context to the quote was trimmed from both.
        let a = if a > 0 && self.chars[a - 1] == ' ' {
            a - 1
        } else {
            a
        };
        self.chars[..a]
            .iter()
            .rev()
            .zip(prefix.iter().rev())
            .take_while(|(x, y)| x == y)
            .count()
    }

    /// How many characters from collapsed index `b` equal the start of `suffix`.
    fn suffix_agreement(&self, b: usize, suffix: &[char]) -> usize {
        let b = b.min(self.chars.len());
        let b = if self.chars.get(b) == Some(&' ') {
            b + 1
        } else {
            b
        };
        self.chars[b..]
            .iter()
            .zip(suffix)
            .take_while(|(x, y)| x == y)
            .count()
    }

    /// Whether the saved context stands beside the collapsed range `[a, b)`: the last
    /// characters of the prefix end near `a`, and the first of the suffix start near `b`
    /// (near: an edit at the quote's edge moves where the match begins or ends).
    fn has_evidence(&self, a: usize, b: usize, prefix: &[char], suffix: &[char]) -> bool {
        const SLACK: usize = 3;
        let p = &prefix[prefix.len().saturating_sub(EVIDENCE_CHARS)..];
        let s = &suffix[..suffix.len().min(EVIDENCE_CHARS)];
        if p.is_empty() && s.is_empty() {
            // Nothing around the quote when it was saved: the whole page was the quote.
            return a == 0 && b == self.chars.len();
        }
        let n = self.chars.len();
        let prefix_near = !p.is_empty()
            && (a.saturating_sub(SLACK)..=(a + SLACK).min(n))
                .any(|end| end >= p.len() && self.chars[end - p.len()..end] == *p);
        let suffix_near = !s.is_empty()
            && (b.saturating_sub(SLACK)..=(b + SLACK).min(n))
                .any(|start| start + s.len() <= n && self.chars[start..start + s.len()] == *s);
        // Both sides where both were saved: a look-alike passage elsewhere (the same
        // sentence with a word more) may share one side's context, rarely both.
        (p.is_empty() || prefix_near) && (s.is_empty() || suffix_near)
    }
}

/// `text` with whitespace runs collapsed to one space; `trim` also drops it at the edges.
fn collapse(text: &str, trim: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    if trim {
        out.trim_matches(' ').to_owned()
    } else {
        out
    }
}

/// Anchors every quote in `page_text` (see the module's documentation).
pub fn anchor_quotes(page_text: &str, quotes: &[AnchorQuery]) -> Vec<Anchor> {
    let index = PageIndex::new(page_text);
    quotes.iter().map(|q| anchor_one(&index, q)).collect()
}

/// Anchors one quote in an indexed page.
pub fn anchor_one(index: &PageIndex, quote: &AnchorQuery) -> Anchor {
    let (exact, prefix, suffix, repeated) = match &quote.selector {
        Some(s) if !s.exact.trim().is_empty() => {
            (s.exact.as_str(), &*s.prefix, &*s.suffix, s.repeated)
        }
        _ => (quote.text.as_str(), "", "", false),
    };
    let needle = collapse(exact, true);
    let found = |status, range: Option<(usize, usize)>| Anchor {
        id: quote.id.clone(),
        status,
        start: range.map(|r| r.0),
        end: range.map(|r| r.1),
    };
    if needle.is_empty() {
        return found(AnchorStatus::Orphan, None);
    }
    let needle_chars: Vec<char> = needle.chars().collect();
    let len = needle_chars.len();
    // Context collapsed as the page is, and without the space that joins it to the quote
    // (the quote's edges were trimmed the same way).
    let prefix: Vec<char> = collapse(prefix, false)
        .trim_end_matches(' ')
        .chars()
        .collect();
    let suffix: Vec<char> = collapse(suffix, false)
        .trim_start_matches(' ')
        .chars()
        .collect();

    // 1. Where it was saved.
    if let Some(pos) = quote.position {
        let a = index.char_at_offset(pos);
        if index.orig_start.get(a).is_some_and(|&s| s as usize == pos)
            && index.chars.get(a..a + len) == Some(&needle_chars[..])
        {
            return found(AnchorStatus::Exact, Some(index.range(a, a + len)));
        }
    }

    // A passage the page repeated when it was saved: its position was what told the
    // copies apart; elsewhere, any copy could be it.
    if repeated {
        return found(AnchorStatus::Ambiguous, None);
    }

    // 2. Word for word elsewhere.
    let places = index.occurrences(&needle);
    match places.as_slice() {
        [] => {}
        [a] => return found(AnchorStatus::Moved, Some(index.range(*a, a + len))),
        many => {
            let full: Vec<usize> = many
                .iter()
                .copied()
                .filter(|&a| {
                    index.prefix_agreement(a, &prefix) == prefix.len()
                        && index.suffix_agreement(a + len, &suffix) == suffix.len()
                })
                .collect();
            return match full.as_slice() {
                [a] if !(prefix.is_empty() && suffix.is_empty()) => {
                    found(AnchorStatus::Moved, Some(index.range(*a, a + len)))
                }
                _ => found(AnchorStatus::Ambiguous, None),
            };
        }
    }

    // 3. Edited.
    let k = max_edits(len);
    if k == 0 {
        return found(AnchorStatus::Orphan, None);
    }
    let mut candidates: Vec<approx::Match> = approx::search(&index.chars, &needle_chars, k)
        .into_iter()
        .filter(|m| m.end > m.start && index.has_evidence(m.start, m.end, &prefix, &suffix))
        .collect();
    candidates.sort_by_key(|m| (m.distance, m.start));
    match candidates.as_slice() {
        [] => found(AnchorStatus::Orphan, None),
        [best, next, ..] if next.distance == best.distance => found(AnchorStatus::Ambiguous, None),
        [best, ..] => {
            let (a, b) = refine_edges(index, best.start, best.end, &prefix, &suffix, k);
            let (a, b) = trim_spaces(index, a, b);
            found(AnchorStatus::Approximate, Some(index.range(a, b)))
        }
    }
}

/// Moves the edges of an edited match (by at most `k`) to where the saved context meets
/// it best: among alignments as good, the one the prefix ends at and the suffix starts
/// at (`happens.` edited to `happened.` aligns as well without the full stop). What lies
/// between the match and its own context is the quote's, so this never takes in other
/// words.
fn refine_edges(
    index: &PageIndex,
    a: usize,
    b: usize,
    prefix: &[char],
    suffix: &[char],
    k: usize,
) -> (usize, usize) {
    let n = index.chars.len();
    let want_p = prefix.len().min(EVIDENCE_CHARS);
    let want_s = suffix.len().min(EVIDENCE_CHARS);
    let mut start = a;
    if want_p > 0
        && index.prefix_agreement(a, prefix) < want_p
        && let Some(at) = (a.saturating_sub(k)..=(a + k).min(b - 1))
            .filter(|&at| index.prefix_agreement(at, prefix) >= want_p)
            .min_by_key(|&at| at.abs_diff(a))
    {
        start = at;
    }
    let mut end = b;
    if want_s > 0
        && index.suffix_agreement(b, suffix) < want_s
        && let Some(at) = ((b.saturating_sub(k)).max(start + 1)..=(b + k).min(n))
            .filter(|&at| index.suffix_agreement(at, suffix) >= want_s)
            .min_by_key(|&at| at.abs_diff(b))
    {
        end = at;
    }
    (start, end)
}

/// `[a, b)` without spaces at its edges (an edit may leave a match starting on one).
fn trim_spaces(index: &PageIndex, mut a: usize, mut b: usize) -> (usize, usize) {
    while a + 1 < b && index.chars[a] == ' ' {
        a += 1;
    }
    while b > a + 1 && index.chars[b - 1] == ' ' {
        b -= 1;
    }
    (a, b)
}

#[cfg(test)]
mod tests;
