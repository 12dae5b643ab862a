//! Unicode word boundaries (UAX #29, "Word Boundaries") for deep links' terms, from the
//! unicode-segmentation crate: a term may only start and end where a word does.

use unicode_segmentation::UnicodeSegmentation;

/// The word boundaries of `s` as byte offsets, ascending: 0, every boundary inside, and
/// `s.len()` (just `[0]` for an empty `s`).
pub(crate) fn word_bounds(s: &str) -> Vec<usize> {
    let mut out: Vec<usize> = s.split_word_bound_indices().map(|(i, _)| i).collect();
    if out.is_empty() {
        out.push(0);
    } else {
        out.push(s.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::word_bounds;

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
        assert_eq!(word_bounds("a"), [0, 1]);
    }
}
