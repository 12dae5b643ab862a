//! What a reader's search marks in what they see: the words of a query found in a text,
//! ignoring case and accents, as ranges of the text itself.
//!
//! The extension's search index (`extension/library.js`, `fold`) compares text folded the
//! same way: lower case, decomposed, combining marks dropped. So a note the search found
//! shows its matches marked here, and "resume" marks "Résumé".

use std::ops::Range;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// `text` in lower case without accents: what search compares.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut out);
    }
    out
}

fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for lower in c.to_lowercase() {
        out.extend(lower.nfd().filter(|d| !is_combining_mark(*d)));
    }
}

/// The words of a query, folded: runs of letters and digits, each once, longest first (so
/// a longer word's match is not cut short by a shorter one inside it).
pub fn query_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in fold(query).split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() && !terms.iter().any(|t| t == word) {
            terms.push(word.to_owned());
        }
    }
    terms.sort_by_key(|t| std::cmp::Reverse(t.len()));
    terms
}

/// The byte ranges of `text` where one of `terms` (folded, as [`query_terms`] gives them)
/// occurs, in order, overlapping ones merged. Each range starts and ends on a character
/// boundary of `text`: a match inside an accented letter's decomposition covers the letter.
pub fn marked_ranges(text: &str, terms: &[String]) -> Vec<Range<usize>> {
    if terms.is_empty() || text.is_empty() {
        return Vec::new();
    }
    // The folded text, and for each of its bytes the range of the original character.
    let mut folded = String::with_capacity(text.len());
    let mut origin: Vec<Range<usize>> = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        let before = folded.len();
        fold_char(c, &mut folded);
        let span = at..at + c.len_utf8();
        origin.extend(std::iter::repeat_n(span, folded.len() - before));
    }
    let mut found: Vec<Range<usize>> = Vec::new();
    for term in terms.iter().filter(|t| !t.is_empty()) {
        let mut from = 0;
        while let Some(i) = folded[from..].find(term.as_str()) {
            let start = from + i;
            let end = start + term.len();
            found.push(origin[start].start..origin[end - 1].end);
            from = end;
        }
    }
    found.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for range in found {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// One piece of a text cut at its matches: shown as it is, or marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    pub mark: bool,
}

/// `text` cut into pieces, the words of `query` marked (one unmarked piece without a
/// match).
pub fn mark_segments(text: &str, query: &str) -> Vec<Segment> {
    split_marked(text, &query_terms(query))
}

pub(crate) fn split_marked(text: &str, terms: &[String]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = 0;
    for range in marked_ranges(text, terms) {
        if range.start > at {
            out.push(Segment {
                text: text[at..range.start].to_owned(),
                mark: false,
            });
        }
        out.push(Segment {
            text: text[range.clone()].to_owned(),
            mark: true,
        });
        at = range.end;
    }
    if at < text.len() || out.is_empty() {
        out.push(Segment {
            text: text[at..].to_owned(),
            mark: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, query: &str) -> Vec<String> {
        mark_segments(text, query)
            .into_iter()
            .filter(|s| s.mark)
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn folding_ignores_case_and_accents() {
        assert_eq!(fold("Résumé ÉCOLE naïve"), "resume ecole naive");
        assert_eq!(fold("Straße"), "straße");
        assert_eq!(fold("İ"), "i");
    }

    #[test]
    fn query_terms_are_folded_words_longest_first() {
        assert_eq!(
            query_terms("  Café, the—cafe! 2024 "),
            ["cafe", "2024", "the"]
        );
        assert!(query_terms(" -- ").is_empty());
    }

    #[test]
    fn matches_are_marked_in_the_original_text() {
        assert_eq!(
            marked("Un Résumé du résumé", "resume"),
            ["Résumé", "résumé"]
        );
        assert_eq!(marked("Reading well", "ING w"), ["ing", "w"]);
        assert_eq!(marked("nothing here", "absent"), Vec::<String>::new());
        // Overlapping words become one mark.
        assert_eq!(marked("understanding", "stand under"), ["understand"]);
    }

    #[test]
    fn segments_rebuild_the_text() {
        for (text, query) in [
            ("Ünïcödé and ascii", "unicode ASCII"),
            ("", "x"),
            ("x", ""),
            ("日本語のテキスト", "テキ"),
            ("ǅ ﬁ ligature", "fi"),
        ] {
            let segments = mark_segments(text, query);
            let joined: String = segments.iter().map(|s| s.text.as_str()).collect();
            assert_eq!(joined, text);
            assert!(segments.windows(2).all(|w| !w[0].text.is_empty()));
        }
        assert_eq!(marked("日本語のテキスト", "テキ"), ["テキ"]);
    }
}
