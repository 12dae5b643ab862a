//! A fast tokenizer for the common shape of HTML, feeding html5ever's tree builder.
//!
//! html5ever's tokenizer walks the input one character at a time and accounts for most
//! of the conversion time. Selections and articles are mostly text, tags with quoted
//! attributes, character references with their semicolon, comments, the raw text of
//! `iframe`, `style` and `script`, and inline SVG and MathML: this tokenizer handles
//! exactly that, slicing text and attribute values out of the input without copying.
//! It gives up (returns `None`) on anything else — doctypes, CDATA, processing
//! instructions, legacy references without a semicolon, NUL and CR characters,
//! unterminated tags, `plaintext`, escaped script text, references in `title` and
//! `textarea`. Raw text is cut at the element's end tag on the expectation that the tree
//! builder switches the tokenizer's state there; `parse` checks that it does (it does
//! not for `<style>` inside `<svg>`, say). Whenever the fast path cannot go on, html5ever's
//! own tokenizer runs on the whole input, so the tree is always the one the HTML standard
//! gives; tests compare both paths.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{Tag, TagKind, Token};
use html5ever::{Attribute, LocalName, QualName, local_name, ns};

/// The tokenizer state a start tag is expected to switch to (the tree builder decides;
/// `parse` checks that it agrees and otherwise starts over with the standard tokenizer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Switch {
    Rawtext,
    Rcdata,
    ScriptData,
}

/// The state a start tag named `name` switches the tokenizer to in HTML content
/// (scripting disabled), `Err` for the ones this tokenizer leaves to html5ever.
fn switches_state(name: &str) -> Result<Option<Switch>, ()> {
    Ok(match name {
        "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(Switch::Rawtext),
        "title" | "textarea" => Some(Switch::Rcdata),
        "script" => Some(Switch::ScriptData),
        "plaintext" => return Err(()),
        _ => None,
    })
}

/// The first `<` or `&` at or after `from`, eight bytes at a time.
fn find_markup(b: &[u8], mut from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(from..from + 8) {
        let v = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let lt = v ^ (ONES * u64::from(b'<'));
        let amp = v ^ (ONES * u64::from(b'&'));
        // The lowest flagged byte is the first zero byte of `lt` or `amp`.
        let found = (lt.wrapping_sub(ONES) & !lt | amp.wrapping_sub(ONES) & !amp) & HIGH;
        if found != 0 {
            return Some(from + (found.trailing_zeros() / 8) as usize);
        }
        from += 8;
    }
    b[from..]
        .iter()
        .position(|&c| c == b'<' || c == b'&')
        .map(|o| from + o)
}

/// A tag or attribute name as an atom, ASCII-lowercased (allocating only when needed).
fn lower_name(name: &str) -> LocalName {
    // The most common names without hashing them.
    let common = match name {
        "a" => Some(local_name!("a")),
        "p" => Some(local_name!("p")),
        "li" => Some(local_name!("li")),
        "em" => Some(local_name!("em")),
        "br" => Some(local_name!("br")),
        "td" => Some(local_name!("td")),
        "tr" => Some(local_name!("tr")),
        "ul" => Some(local_name!("ul")),
        "div" => Some(local_name!("div")),
        "img" => Some(local_name!("img")),
        "src" => Some(local_name!("src")),
        "alt" => Some(local_name!("alt")),
        "span" => Some(local_name!("span")),
        "href" => Some(local_name!("href")),
        "code" => Some(local_name!("code")),
        "class" => Some(local_name!("class")),
        "title" => Some(local_name!("title")),
        "strong" => Some(local_name!("strong")),
        "figure" => Some(local_name!("figure")),
        "srcset" => Some(local_name!("srcset")),
        "section" => Some(local_name!("section")),
        _ => None,
    };
    if let Some(atom) = common {
        return atom;
    }
    if name.bytes().any(|c| c.is_ascii_uppercase()) {
        LocalName::from(name.to_ascii_lowercase())
    } else {
        LocalName::from(name)
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0c')
}

/// The tokens of an input, and the start tags (by token index) expected to switch the
/// tokenizer's state.
pub(crate) type Tokens = (Vec<Token>, Vec<(usize, Switch)>);

/// The tokens of `input`; `None` when the input needs the standard tokenizer.
pub(crate) fn tokenize(input: &StrTendril) -> Option<Tokens> {
    let s: &str = input;
    let b = s.as_bytes();
    if s.contains('\0') || s.contains('\r') {
        return None;
    }
    let mut tokens = Vec::with_capacity(b.len() / 24 + 4);
    let mut switches = Vec::new();
    // Text since `text_start`; `decoded` holds it when it had character references.
    let mut decoded: Option<String> = None;
    let mut i = 0;
    let mut text_start = 0;
    let flush = |tokens: &mut Vec<Token>, decoded: &mut Option<String>, from: usize, to: usize| {
        match decoded.take() {
            Some(mut text) => {
                text.push_str(&s[from..to]);
                tokens.push(Token::CharacterTokens(StrTendril::from(text)));
            }
            None if to > from => tokens.push(Token::CharacterTokens(
                input.subtendril(from as u32, (to - from) as u32),
            )),
            None => {}
        }
    };
    while i < b.len() {
        // Skip plain text quickly.
        match find_markup(b, i) {
            Some(at) => i = at,
            None => break,
        }
        if b[i] == b'&' {
            let text = decoded.get_or_insert_with(String::new);
            let before = text.len();
            text.push_str(&s[text_start..i]);
            match char_ref(&s[i + 1..], text)? {
                0 => {
                    text.truncate(before);
                    if before == 0 {
                        decoded = None;
                    }
                    i += 1;
                }
                len => {
                    i += 1 + len;
                    text_start = i;
                }
            }
            continue;
        }
        // b[i] == b'<'
        let next = b.get(i + 1).copied();
        match next {
            Some(c) if c.is_ascii_alphabetic() => {
                let (tag, end) = start_tag(input, i + 1)?;
                let switch = switches_state(&tag.name).ok()?;
                flush(&mut tokens, &mut decoded, text_start, i);
                i = end;
                text_start = i;
                if let Some(switch) = switch {
                    // The element's text runs to its end tag, unparsed.
                    let close = raw_end(s, i, &tag.name)?;
                    let raw = &s[i..close];
                    let unsupported = match switch {
                        Switch::Rawtext => false,
                        Switch::Rcdata => raw.contains('&'),
                        Switch::ScriptData => raw.contains("<!--"),
                    };
                    if unsupported {
                        return None;
                    }
                    switches.push((tokens.len(), switch));
                    tokens.push(Token::TagToken(tag));
                    flush(&mut tokens, &mut decoded, i, close);
                    i = close;
                    text_start = i;
                } else {
                    tokens.push(Token::TagToken(tag));
                }
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
                flush(&mut tokens, &mut decoded, text_start, i);
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
                flush(&mut tokens, &mut decoded, text_start, i);
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
    flush(&mut tokens, &mut decoded, text_start, b.len());
    tokens.push(Token::EOFToken);
    Some((tokens, switches))
}

/// Where the raw text of an element named `name` that starts at `from` ends: at the
/// first `</name` (any case) followed by whitespace, `/` or `>`. `None` when there is
/// none (the text would run to the end of the input).
fn raw_end(s: &str, from: usize, name: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut at = from;
    loop {
        let lt = at + s[at..].find("</")?;
        let name_end = lt + 2 + name.len();
        if b.get(lt + 2..name_end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(name_end)
                .is_some_and(|&c| is_ws(c) || c == b'/' || c == b'>')
        {
            return Some(lt);
        }
        at = lt + 2;
    }
}

/// A character reference after `&`: appends its text to `out` and returns its length
/// after the `&`; `Some(0)` when the `&` is plain text, `None` (give up) when the
/// standard's legacy rules would apply.
fn char_ref(rest: &str, out: &mut String) -> Option<usize> {
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
            out.push(c);
            Some(j + 1)
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
                return None;
            }
            match html5ever::data::NAMED_ENTITIES.get(&rest[..=j]) {
                Some(&(c1, c2)) if c1 != 0 => {
                    out.push(char::from_u32(c1)?);
                    if c2 != 0 {
                        out.push(char::from_u32(c2)?);
                    }
                    Some(j + 1)
                }
                // An unknown name with a semicolon may still start with a legacy name
                // (`&notit;` is `¬it;`).
                _ => None,
            }
        }
        _ => Some(0),
    }
}

/// A start tag whose name starts at `at`; returns the tag and the offset after `>`.
fn start_tag(input: &StrTendril, at: usize) -> Option<(Tag, usize)> {
    let s: &str = input;
    let b = s.as_bytes();
    let mut j = at;
    while j < b.len() && !is_ws(b[j]) && b[j] != b'/' && b[j] != b'>' {
        j += 1;
    }
    let name = lower_name(&s[at..j]);
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
            let (from, to, end) = match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close = s[j + 1..].find(q as char)? + j + 1;
                    (j + 1, close, close + 1)
                }
                Some(b'>') | None => (j, j, j),
                Some(_) => {
                    let start = j;
                    while j < b.len() && !is_ws(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                    (start, j, j)
                }
            };
            j = end;
            let raw = &s[from..to];
            if raw.contains('&') {
                let mut decoded = String::with_capacity(raw.len());
                let mut k = 0;
                while let Some(off) = raw[k..].find('&') {
                    decoded.push_str(&raw[k..k + off]);
                    let amp = k + off;
                    match char_ref(&raw[amp + 1..], &mut decoded)? {
                        0 => {
                            decoded.push('&');
                            k = amp + 1;
                        }
                        len => k = amp + 1 + len,
                    }
                }
                decoded.push_str(&raw[k..]);
                value = StrTendril::from(decoded);
            } else {
                // A slice of the input: no copy.
                value = input.subtendril(from as u32, (to - from) as u32);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_markup_finds_the_first_lt_or_amp() {
        let naive = |b: &[u8], from: usize| (from..b.len()).find(|&i| b[i] == b'<' || b[i] == b'&');
        let mut inputs = vec![String::new(), "plain text, no markup".to_owned()];
        for len in 0..20 {
            for at in 0..len {
                for c in ['<', '&'] {
                    let mut s = "é".repeat(len / 2) + &"x".repeat(len % 2);
                    let at = s.char_indices().nth(at).map_or(s.len(), |(i, _)| i);
                    s.insert(at, c);
                    s.push_str("&<");
                    inputs.push(s);
                }
            }
        }
        // Bytes that differ from `<` and `&` by one bit, and high bytes.
        inputs.push("=;'%$.\u{7f}\u{bc}\u{a6}<".to_owned());
        for s in &inputs {
            let b = s.as_bytes();
            for from in 0..=b.len() {
                assert_eq!(find_markup(b, from), naive(b, from), "{s:?} from {from}");
            }
        }
    }
}
