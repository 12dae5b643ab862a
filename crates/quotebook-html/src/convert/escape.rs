//! Escape stage: which characters of page text could be misread as Markdown, and the
//! character classes CommonMark's rules are written in.
//!
//! The rule is "escape only what could be read as syntax where it stands": `snake_case`,
//! `file.txt`, `a * b` and `C++` stay as written; `*emphasis*`, `# heading` at a line
//! start, `1.` at a line start, `<b>` and `` ` `` get a backslash.

/// The converter drops these from text, code spans and code blocks.
pub(crate) use crate::chars::is_hidden_control;

/// CommonMark's "Unicode whitespace" (approximately: Rust's notion plus nothing else).
pub(crate) fn is_ws(c: char) -> bool {
    c.is_whitespace()
}

/// CommonMark's "punctuation character": ASCII punctuation and the Unicode P and S
/// categories. Outside ASCII this uses the blocks where punctuation and symbols live;
/// letters and digits of every script count as not punctuation.
pub(crate) fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    let u = c as u32;
    matches!(u,
        0x00A1..=0x00BF | 0x00D7 | 0x00F7 | 0x2010..=0x2027 | 0x2030..=0x205E
        | 0x20A0..=0x20CF | 0x2100..=0x214F | 0x2190..=0x23FF | 0x2500..=0x27BF
        | 0x2900..=0x2BFF | 0x2E00..=0x2E7F | 0x3001..=0x3003 | 0x3008..=0x3011
        | 0x3014..=0x301F | 0xFE10..=0xFE19 | 0xFE30..=0xFE6F | 0xFF01..=0xFF0F
        | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0x1F300..=0x1FAFF)
}

/// Whether any byte of `bytes` satisfies `f`: whole blocks at a time, without an exit
/// inside a block, which the compiler can vectorise (long `data:` URLs are scanned so).
#[inline]
pub(crate) fn any_byte(bytes: &[u8], f: impl Fn(u8) -> bool) -> bool {
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        if block.iter().fold(false, |found, &b| found | f(b)) {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| f(b))
}

/// ASCII bytes that never need a look: letters, digits and punctuation that means
/// nothing anywhere in a line. Bytes ≥ 0x80 are handled per character.
#[inline]
pub(crate) fn is_plain_byte(b: u8) -> bool {
    PLAIN[b as usize]
}

static PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = plain(i as u8);
        i += 1;
    }
    table
};

const fn plain(b: u8) -> bool {
    matches!(b,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b',' | b'\'' | b'"' | b':' | b';' | b'?'
        | b'/' | b'%' | b'@' | b'^' | b'{' | b'}' | b'(' | b'!')
}

/// Where a character is being written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    /// The previous character in the output, `None` at the start of a line's content.
    pub prev: Option<char>,
    /// The rest of the current text run after the character.
    pub rest: &'a str,
    /// At the start of a line where block syntax (lists, headings, quotes) could begin.
    pub line_start: bool,
    /// The line's content so far (to spot `12.` list markers).
    pub line: &'a str,
    pub in_table: bool,
    pub in_link_text: bool,
}

/// Whether `c` must be written as `\c`.
pub(crate) fn needs_escape(c: char, ctx: Ctx<'_>) -> bool {
    let next = ctx.rest.chars().next();
    let prev_ws = ctx.prev.is_none_or(is_ws);
    let next_ws = next.is_some_and(is_ws);
    match c {
        '\\' => next.is_none_or(|n| n.is_ascii_punctuation()),
        '`' | '[' | '$' => true,
        ']' => ctx.in_link_text,
        '|' => ctx.in_table,
        '*' | '~' => ctx.line_start || !(prev_ws && next_ws),
        '_' => {
            let alnum = |c: Option<char>| c.is_some_and(|c| !is_ws(c) && !is_punct(c));
            !((alnum(ctx.prev) && alnum(next)) || (prev_ws && next_ws))
        }
        // At the end of a text run the next character is unknown (the next text node may
        // start with a letter): escape. So too before whitespace that ends the run: it may
        // be dropped (at a line's end, or collapsed with what follows; found by fuzzing).
        '<' => next.is_none_or(|n| {
            n.is_ascii_alphabetic()
                || matches!(n, '/' | '!' | '?')
                || is_ws(n)
                    && ctx
                        .rest
                        .trim_start_matches(|c| is_ws(c) || is_hidden_control(c))
                        .is_empty()
        }),
        '&' => ctx.rest.is_empty() || is_entity_like(ctx.rest),
        '>' => ctx.line_start,
        '#' => {
            ctx.line_start && {
                let run = ctx.rest.bytes().take_while(|&b| b == b'#').count();
                run < 6 && ctx.rest[run..].chars().next().is_none_or(is_ws)
            }
        }
        '-' | '+' | '=' => {
            ctx.line_start
                && (c != '=' && next.is_none_or(is_ws)
                    || c != '+' && ctx.rest.chars().all(|r| r == c || r == ' '))
        }
        '.' | ')' => {
            !ctx.line.is_empty()
                && ctx.line.len() <= 9
                && ctx.line.bytes().all(|b| b.is_ascii_digit())
                && next.is_none_or(is_ws)
        }
        _ => false,
    }
}

/// `rest` (after an `&`) starts like a character reference: `amp;`, `#38;`, `#x26;`.
fn is_entity_like(rest: &str) -> bool {
    let b = rest.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'#') {
        i = 1;
        let hex = matches!(b.get(1), Some(b'x' | b'X'));
        if hex {
            i = 2;
        }
        let start = i;
        while i < b.len()
            && i - start < 8
            && (if hex {
                b[i].is_ascii_hexdigit()
            } else {
                b[i].is_ascii_digit()
            })
        {
            i += 1;
        }
        return i > start && b.get(i) == Some(&b';');
    }
    while i < b.len() && i < 32 && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    i > 0 && b.get(i) == Some(&b';')
}

/// Escapes text for a link's or image's bracketed text when it is written in one go.
pub(crate) fn push_bracketed(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' | '[' | ']' | '`' | '*' | '_' | '<' | '$' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx<'a>(prev: Option<char>, rest: &'a str) -> Ctx<'a> {
        Ctx {
            prev,
            rest,
            line_start: false,
            line: "x",
            in_table: false,
            in_link_text: false,
        }
    }

    #[test]
    fn intraword_underscores_and_spaced_stars_stay() {
        assert!(!needs_escape('_', ctx(Some('e'), "case")));
        assert!(needs_escape('_', ctx(Some(' '), "case")));
        assert!(!needs_escape('*', ctx(Some(' '), " b")));
        assert!(needs_escape('*', ctx(Some(' '), "b")));
        assert!(needs_escape('*', ctx(Some('a'), "b")));
    }

    #[test]
    fn line_start_markers() {
        let at = |rest: &'static str, line: &'static str| Ctx {
            prev: None,
            rest,
            line_start: line.is_empty(),
            line,
            in_table: false,
            in_link_text: false,
        };
        assert!(needs_escape('#', at(" heading", "")));
        assert!(!needs_escape('#', at("hashtag", "")));
        assert!(needs_escape('-', at(" item", "")));
        assert!(!needs_escape('-', at("-verbose x", "")));
        assert!(needs_escape('-', at("--", "")));
        assert!(needs_escape('.', at(" x", "1986")));
        assert!(!needs_escape('.', at("5", "1")));
        assert!(needs_escape('>', at(" q", "")));
    }

    #[test]
    fn entities_and_tags() {
        assert!(needs_escape('&', ctx(Some('a'), "amp;")));
        assert!(needs_escape('&', ctx(Some('a'), "#x26;")));
        assert!(!needs_escape('&', ctx(Some(' '), " b")));
        assert!(needs_escape('<', ctx(Some(' '), "b>")));
        assert!(!needs_escape('<', ctx(Some(' '), " b")));
    }

    #[test]
    fn any_byte_finds_a_byte_anywhere() {
        for len in [0, 1, 31, 32, 33, 64, 100] {
            let clean = vec![b'a'; len];
            assert!(!any_byte(&clean, |b| b == b'<'));
            for at in 0..len {
                let mut bytes = clean.clone();
                bytes[at] = b'<';
                assert!(any_byte(&bytes, |b| b == b'<'), "{len} {at}");
            }
        }
    }
}
