//! A page's visible text as the deep-link generator reads it (see [`crate::fragment`]),
//! from HTML alone: the CLI's `--page-file`, and the tests over the corpus. The browser
//! extension computes the same text from the live DOM (`extension/capture.js`), where
//! style sheets tell what is hidden; from HTML, only what never renders is left out
//! (scripts, styles, templates, `<noscript>`, the title).
//!
//! Blocks (the elements of [`BLOCK_ELEMENTS`], `<br>` among them) are separated by one
//! `\n`; whitespace inside a block collapses to one space; an image reads as a space.

use crate::tokenizer::{TextKind, Token, Tokenizer, normalize_newlines};

use crate::fragment::{BLOCK_ELEMENTS, byte_to_utf16};

/// The visible text of an HTML page or fragment: blocks separated by `\n`, whitespace
/// collapsed within blocks, no space at a block's edges, scripts and styles left out.
pub fn visible_text(html: &str) -> String {
    let input = normalize_newlines(html);
    let mut tokens = Tokenizer::new(&input);
    let mut out = String::new();
    let mut skipping = false;
    while let Some(token) = tokens.next_token() {
        let (name, start) = match &token {
            Token::Start(tag) => (&*tag.name, true),
            Token::End(name) => (&**name, false),
            Token::Text(t) if !skipping => {
                for c in t.chars() {
                    if c.is_whitespace() {
                        if !out.ends_with(' ') && !out.ends_with('\n') && !out.is_empty() {
                            out.push(' ');
                        }
                    } else {
                        out.push(c);
                    }
                }
                continue;
            }
            _ => continue,
        };
        if !start {
            skipping = false;
        }
        if BLOCK_ELEMENTS.contains(&name) {
            if !out.ends_with('\n') && !out.is_empty() {
                out.push('\n');
            }
        } else if name == "img" && !out.ends_with(' ') && !out.ends_with('\n') {
            out.push(' ');
        }
        if start {
            // What never renders is read as raw text up to its end tag, and skipped.
            let raw = match name {
                "script" | "style" | "noscript" | "template" | "iframe" | "xmp" | "noembed"
                | "noframes" => Some(TextKind::Rawtext),
                "title" | "textarea" => Some(TextKind::Rcdata),
                _ => None,
            };
            tokens.set_text_kind(raw.unwrap_or(TextKind::Data));
            skipping = raw.is_some();
        }
    }
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where `needle` first occurs in `text`, whitespace-insensitively (any run of
/// whitespace, block separators included, matches any other; the needle's own leading
/// and trailing whitespace is ignored), as `[start, end)` in UTF-16 code units (what
/// [`crate::fragment::text_fragment`] and the capture's offsets count). `None` when the
/// needle holds no text or does not occur.
pub fn locate(text: &str, needle: &str) -> Option<(usize, usize)> {
    let words: Vec<&str> = needle.split_whitespace().collect();
    let first = *words.first()?;
    let mut from = 0;
    while let Some(found) = text[from..].find(first) {
        let start = from + found;
        let mut at = start + first.len();
        let mut ok = true;
        for word in &words[1..] {
            let rest = &text[at..];
            let trimmed = rest.trim_start();
            if trimmed.len() == rest.len() || !trimmed.starts_with(word) {
                ok = false;
                break;
            }
            at += rest.len() - trimmed.len() + word.len();
        }
        if ok {
            return Some((byte_to_utf16(text, start), byte_to_utf16(text, at)));
        }
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_blocks_and_line_breaks_and_drops_what_never_renders() {
        let t = visible_text(
            "<html><head><title>T</title><style>p{}</style></head><body><h1>Head</h1>\
             <p>One <b>two</b>\n  three<br>four<img src=x>five</p><script>var x;</script>\
             <div><p>Six</p>seven</div><noscript>no</noscript><template>t</template></body></html>",
        );
        assert_eq!(t, "Head\nOne two three\nfour five\nSix\nseven");
    }

    #[test]
    fn locates_text_whatever_its_whitespace() {
        let text = "Intro\nThe cat sat on\nthe mat. The cat  sat.";
        let at = |s: &str| text.find(s).unwrap();
        assert_eq!(
            locate(text, " The   cat sat "),
            Some((at("The"), at("The") + 11))
        );
        assert_eq!(
            locate(text, "sat on the mat."),
            Some((at("sat on"), at("mat.") + 4)),
            "across a block boundary"
        );
        let last = text.rfind("cat").unwrap();
        assert_eq!(
            locate(text, "cat sat."),
            Some((last, text.len())),
            "not 'cat sat on'"
        );
        assert_eq!(locate(text, "dog"), None);
        assert_eq!(locate(text, " \n "), None);
        assert_eq!(locate("😀 é x", "é x"), Some((3, 6)), "UTF-16 units");
    }
}
