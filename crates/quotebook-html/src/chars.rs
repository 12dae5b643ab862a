//! The control-character policy, one place for every stage: which characters a page never
//! shows, and which invisible ones can make text look like other text.
//!
//! - The converter drops [`is_hidden_control`] characters from Markdown, and every text
//!   that reaches a file goes through [`strip_controls`] (the core's rendering of a note:
//!   comments, imported Markdown and templates' text too).
//! - File names drop every control (`char::is_control`) and every [`is_invisible`] one.
//! - YAML frontmatter escapes every control and every [`is_bidi_control`] one, so a value
//!   reads in its file as it is.

/// C0 controls but tab, line feed, vertical tab, form feed and carriage return, DEL, and
/// the C1 controls (U+0080–U+009F): a page shows none of them, and in a Markdown file an
/// escape sequence (ESC, or CSI as one character) would reach the reader's terminal.
pub fn is_hidden_control(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0e'..='\x1f' | '\x7f'..='\u{9f}')
}

/// `text` without its [`is_hidden_control`] characters (borrowed when it has none).
pub fn strip_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(is_hidden_control) {
        std::borrow::Cow::Owned(text.chars().filter(|&c| !is_hidden_control(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Bidirectional controls (marks, embeddings, overrides, isolates): they reorder the text
/// around them as shown.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Invisible format characters: the bidirectional controls, zero-width spaces and joiners,
/// the word joiner and invisible operators, the byte order mark and the soft hyphen.
pub fn is_invisible(c: char) -> bool {
    is_bidi_control(c)
        || matches!(
            c,
            '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2065}' | '\u{feff}' | '\u{00ad}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classes() {
        for c in ['\0', '\x1b', '\x7f', '\u{80}', '\u{85}', '\u{9b}', '\u{9f}'] {
            assert!(is_hidden_control(c), "{c:?}");
        }
        for c in ['\t', '\n', '\x0b', '\x0c', '\r', ' ', '\u{a0}', '\u{7e}'] {
            assert!(!is_hidden_control(c), "{c:?}");
        }
        for c in ['\u{061c}', '\u{200e}', '\u{202e}', '\u{2067}'] {
            assert!(is_bidi_control(c) && is_invisible(c), "{c:?}");
        }
        for c in ['\u{200b}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}'] {
            assert!(is_invisible(c) && !is_bidi_control(c), "{c:?}");
        }
        for c in ['a', ' ', '\u{a0}', '\u{2010}', '\u{2070}'] {
            assert!(!is_invisible(c), "{c:?}");
        }
        assert_eq!(
            strip_controls("a\x1b[31mb\u{9b}31mc\u{85}\t\n"),
            "a[31mb31mc\t\n"
        );
        assert!(matches!(
            strip_controls("plain é\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
