//! A fast tokenizer for the common shape of HTML, feeding html5ever's tree builder.
//!
//! html5ever's tokenizer walks the input one character at a time and accounts for most
//! of the conversion time. Selections and articles are mostly text, tags with quoted
//! attributes, character references with their semicolon, and comments: this tokenizer
//! handles exactly that, slicing text out of the input without copying, and gives up
//! (returns `None`) on anything else — raw-text elements (`script`, `style`, `title`,
//! `textarea`...), doctypes, CDATA, processing instructions, legacy references without
//! a semicolon, NUL and CR characters, unterminated tags. The caller then runs
//! html5ever's own tokenizer on the whole input, so the tree is always the one the
//! HTML standard gives; tests compare both paths.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{Tag, TagKind, Token};
use html5ever::{Attribute, LocalName, QualName, ns};

/// Start tags that switch the standard tokenizer into another state.
fn switches_state(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "plaintext"
            | "template"
            | "svg"
            | "math"
    )
}

/// A tag or attribute name as an atom, ASCII-lowercased (allocating only when needed).
fn lower_name(name: &str) -> LocalName {
    if name.bytes().any(|c| c.is_ascii_uppercase()) {
        LocalName::from(name.to_ascii_lowercase())
    } else {
        LocalName::from(name)
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0c')
}

/// The tokens of `input`, or `None` when it needs the standard tokenizer.
pub fn tokenize(input: &StrTendril) -> Option<Vec<Token>> {
    let s: &str = input;
    let b = s.as_bytes();
    if s.contains('\0') || s.contains('\r') {
        return None;
    }
    // Next `<` and `&` at or after `i` (memchr-backed `find`, recomputed when passed).
    let mut next_lt = s.find('<').unwrap_or(b.len());
    let mut next_amp = s.find('&').unwrap_or(b.len());
    let mut tokens = Vec::with_capacity(b.len() / 16 + 4);
    let mut i = 0;
    let mut text_start = 0;
    let flush = |tokens: &mut Vec<Token>, from: usize, to: usize| {
        if to > from {
            tokens.push(Token::CharacterTokens(
                input.subtendril(from as u32, (to - from) as u32),
            ));
        }
    };
    while i < b.len() {
        // Skip plain text quickly.
        if next_lt < i {
            next_lt = s[i..].find('<').map_or(b.len(), |o| o + i);
        }
        if next_amp < i {
            next_amp = s[i..].find('&').map_or(b.len(), |o| o + i);
        }
        i = next_lt.min(next_amp);
        if i >= b.len() {
            break;
        }
        if b[i] == b'&' {
            let (text, len) = char_ref(&s[i + 1..], false)?;
            if let Some(text) = text {
                flush(&mut tokens, text_start, i);
                tokens.push(Token::CharacterTokens(StrTendril::from_slice(&text)));
                i += 1 + len;
                text_start = i;
            } else {
                i += 1;
            }
            continue;
        }
        // b[i] == b'<'
        let next = b.get(i + 1).copied();
        match next {
            Some(c) if c.is_ascii_alphabetic() => {
                let (tag, end) = start_tag(s, i + 1)?;
                flush(&mut tokens, text_start, i);
                tokens.push(Token::TagToken(tag));
                i = end;
                text_start = i;
            }
            Some(b'/') => {
                if !b.get(i + 2).is_some_and(u8::is_ascii_alphabetic) {
                    return None;
                }
                let start = i + 2;
                let mut j = start;
                while j < b.len() && !is_ws(b[j]) && b[j] != b'/' && b[j] != b'>' {
                    j += 1;
                }
                let name = lower_name(&s[start..j]);
                while j < b.len() && is_ws(b[j]) {
                    j += 1;
                }
                if b.get(j) != Some(&b'>') {
                    return None;
                }
                flush(&mut tokens, text_start, i);
                tokens.push(Token::TagToken(Tag {
                    kind: TagKind::EndTag,
                    name,
                    self_closing: false,
                    attrs: Vec::new(),
                    had_duplicate_attributes: false,
                }));
                i = j + 1;
                text_start = i;
            }
            Some(b'!') => {
                if !s[i..].starts_with("<!--") {
                    return None;
                }
                let body = i + 4;
                let rest = &s[body..];
                if rest.starts_with('>') || rest.starts_with("->") {
                    return None;
                }
                let end = rest.find("-->")?;
                let comment = &rest[..end];
                if comment.contains("--!") || comment.ends_with('-') {
                    return None;
                }
                flush(&mut tokens, text_start, i);
                tokens.push(Token::CommentToken(
                    input.subtendril(body as u32, end as u32),
                ));
                i = body + end + 3;
                text_start = i;
            }
            Some(b'?') => return None,
            // `<` before anything else is text.
            _ => i += 1,
        }
    }
    flush(&mut tokens, text_start, b.len());
    tokens.push(Token::EOFToken);
    Some(tokens)
}

/// A character reference after `&`: `(Some(text), length after the '&')` when it is one,
/// `(None, 0)` when the `&` is plain text, `None` (give up) when the standard's legacy
/// rules would apply.
fn char_ref(rest: &str, in_attribute: bool) -> Option<(Option<String>, usize)> {
    let b = rest.as_bytes();
    match b.first() {
        Some(b'#') => {
            let hex = matches!(b.get(1), Some(b'x' | b'X'));
            let start = if hex { 2 } else { 1 };
            let mut j = start;
            while j < b.len()
                && (if hex {
                    b[j].is_ascii_hexdigit()
                } else {
                    b[j].is_ascii_digit()
                })
            {
                j += 1;
            }
            if j == start || b.get(j) != Some(&b';') || j - start > 8 {
                return None;
            }
            let n = u32::from_str_radix(&rest[start..j], if hex { 16 } else { 10 }).ok()?;
            let c = match n {
                0 => '\u{fffd}',
                0x80..=0x9f => html5ever::data::C1_REPLACEMENTS[(n - 0x80) as usize]
                    .unwrap_or_else(|| char::from_u32(n).unwrap_or('\u{fffd}')),
                n => char::from_u32(n).unwrap_or('\u{fffd}'),
            };
            // Noncharacters and controls keep their code point in the standard; only
            // the cases above are replaced.
            Some((Some(c.to_string()), j + 1))
        }
        Some(c) if c.is_ascii_alphanumeric() => {
            let mut j = 0;
            while j < b.len() && b[j].is_ascii_alphanumeric() {
                j += 1;
            }
            if b.get(j) != Some(&b';') {
                // Legacy references without a semicolon (`&amp`, `&copy2`): the
                // standard's longest-prefix rules. In an attribute, `&name=` and
                // `&name` followed by text stay literal, but leave it all to html5ever.
                let _ = in_attribute;
                return None;
            }
            match html5ever::data::NAMED_ENTITIES.get(&rest[..=j]) {
                Some(&(c1, c2)) if c1 != 0 => {
                    let mut text = String::new();
                    text.push(char::from_u32(c1)?);
                    if c2 != 0 {
                        text.push(char::from_u32(c2)?);
                    }
                    Some((Some(text), j + 1))
                }
                // An unknown name with a semicolon may still start with a legacy name
                // (`&notit;` is `¬it;`).
                _ => None,
            }
        }
        _ => Some((None, 0)),
    }
}

/// A start tag whose name starts at `at`; returns the tag and the offset after `>`.
fn start_tag(s: &str, at: usize) -> Option<(Tag, usize)> {
    let b = s.as_bytes();
    let mut j = at;
    while j < b.len() && !is_ws(b[j]) && b[j] != b'/' && b[j] != b'>' {
        j += 1;
    }
    let name = lower_name(&s[at..j]);
    if switches_state(&name) {
        return None;
    }
    let mut attrs: Vec<Attribute> = Vec::new();
    let mut duplicates = false;
    let mut self_closing = false;
    loop {
        while j < b.len() && (is_ws(b[j]) || b[j] == b'/' && b.get(j + 1) != Some(&b'>')) {
            j += 1;
        }
        match b.get(j) {
            None => return None,
            Some(b'>') => {
                j += 1;
                break;
            }
            Some(b'/') => {
                // `/>`
                self_closing = true;
                j += 2;
                break;
            }
            Some(b'=') => return None,
            _ => {}
        }
        let name_start = j;
        while j < b.len() && !is_ws(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
            j += 1;
        }
        let attr_name = lower_name(&s[name_start..j]);
        while j < b.len() && is_ws(b[j]) {
            j += 1;
        }
        let mut value = StrTendril::new();
        if b.get(j) == Some(&b'=') {
            j += 1;
            while j < b.len() && is_ws(b[j]) {
                j += 1;
            }
            let (raw, end) = match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close = s[j + 1..].find(q as char)? + j + 1;
                    (&s[j + 1..close], close + 1)
                }
                Some(b'>') | None => ("", j),
                Some(_) => {
                    let start = j;
                    while j < b.len() && !is_ws(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                    (&s[start..j], j)
                }
            };
            j = end;
            if raw.contains('&') {
                let mut decoded = String::with_capacity(raw.len());
                let mut k = 0;
                while let Some(off) = raw[k..].find('&') {
                    decoded.push_str(&raw[k..k + off]);
                    let amp = k + off;
                    match char_ref(&raw[amp + 1..], true)? {
                        (Some(text), len) => {
                            decoded.push_str(&text);
                            k = amp + 1 + len;
                        }
                        (None, _) => {
                            decoded.push('&');
                            k = amp + 1;
                        }
                    }
                }
                decoded.push_str(&raw[k..]);
                value = StrTendril::from_slice(&decoded);
            } else {
                value.push_slice(raw);
            }
        }
        if attrs.iter().any(|a| a.name.local == attr_name) {
            duplicates = true;
            continue;
        }
        attrs.push(Attribute {
            name: QualName::new(None, ns!(), attr_name),
            value,
        });
    }
    let tag = Tag {
        kind: TagKind::StartTag,
        name,
        self_closing,
        attrs,
        had_duplicate_attributes: duplicates,
    };
    Some((tag, j))
}
