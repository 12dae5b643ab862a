//! Inline Markdown: code spans, emphasis (CommonMark's delimiter rules), strikethrough,
//! links, images, autolinks, footnote references, math, escapes and character references.
//! Output is safe HTML: raw HTML is text, links follow the preview's rules.

use super::blocks::Doc;
use super::{escape_attr, escape_text, is_safe_destination};

enum Il {
    Text(String),
    /// Markup of our own, already safe.
    Tag(String),
    /// Raw HTML of the note: shown as text (but part of an image's alt text as is).
    Html(String),
    Code(String),
    Math(bool, String),
    Delim {
        ch: u8,
        n: usize,
        orig: usize,
        open: bool,
        close: bool,
        before: Vec<&'static str>,
        after: Vec<&'static str>,
    },
}

pub(super) struct Ctx<'a> {
    pub doc: &'a Doc,
    pub footnote_numbers: Vec<String>,
}

impl Ctx<'_> {
    pub(super) fn footnote_number(&mut self, label: &str) -> usize {
        let key = normalize_label(label);
        match self.footnote_numbers.iter().position(|l| *l == key) {
            Some(i) => i + 1,
            None => {
                self.footnote_numbers.push(key);
                self.footnote_numbers.len()
            }
        }
    }
}

pub(super) fn normalize_label(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || (!c.is_ascii()
            && !c.is_alphanumeric()
            && !c.is_whitespace()
            && !matches!(c, '\u{200B}'..='\u{200D}'))
}

/// Skips spaces and at most one line ending.
pub(super) fn skip_spaces_nl(s: &str, mut p: usize) -> Option<usize> {
    let b = s.as_bytes();
    while p < b.len() && (b[p] == b' ' || b[p] == b'\t') {
        p += 1;
    }
    if p < b.len() && b[p] == b'\n' {
        p += 1;
        while p < b.len() && (b[p] == b' ' || b[p] == b'\t') {
            p += 1;
        }
    }
    Some(p)
}

/// A link destination at `p`: its unescaped text and the position after it.
pub(super) fn parse_link_dest(s: &str, p: usize) -> Option<(String, usize)> {
    let b = s.as_bytes();
    if b.get(p) == Some(&b'<') {
        let mut i = p + 1;
        while i < b.len() {
            match b[i] {
                b'\\' if i + 1 < b.len() => i += 2,
                b'\n' | b'<' => return None,
                b'>' => return Some((unescape(&s[p + 1..i]), i + 1)),
                _ => i += 1,
            }
        }
        return None;
    }
    let mut depth = 0usize;
    let mut i = p;
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 < b.len() && b[i + 1].is_ascii_punctuation() => i += 2,
            b'(' => {
                depth += 1;
                if depth > 32 {
                    return None;
                }
                i += 1;
            }
            b')' => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
                i += 1;
            }
            c if c <= b' ' || c == 0x7f => break,
            _ => i += 1,
        }
    }
    if depth != 0 {
        return None;
    }
    Some((unescape(&s[p..i]), i))
}

pub(super) fn parse_link_title(s: &str, p: usize) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let close = match b.get(p)? {
        b'"' => b'"',
        b'\'' => b'\'',
        b'(' => b')',
        _ => return None,
    };
    let mut i = p + 1;
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 < b.len() => i += 2,
            b'(' if close == b')' => return None,
            c if c == close => return Some((unescape(&s[p + 1..i]), i + 1)),
            _ => i += 1,
        }
    }
    None
}

/// Backslash escapes and character references resolved.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() && b[i + 1].is_ascii_punctuation() {
            out.push(b[i + 1] as char);
            i += 2;
        } else if b[i] == b'&'
            && let Some((text, len)) = entity(&s[i..])
        {
            out.push_str(&text);
            i += len;
        } else {
            let c = s[i..].chars().next().unwrap_or('\0');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The named character references resolved: HTML's five, the typographic ones and those
/// that turn up in web text. Others stay as written.
const ENTITIES: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("copy", "©"),
    ("reg", "®"),
    ("trade", "™"),
    ("hellip", "…"),
    ("mdash", "—"),
    ("ndash", "–"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("sbquo", "‚"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("bdquo", "„"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("middot", "·"),
    ("bull", "•"),
    ("deg", "°"),
    ("times", "×"),
    ("divide", "÷"),
    ("plusmn", "±"),
    ("euro", "€"),
    ("pound", "£"),
    ("yen", "¥"),
    ("cent", "¢"),
    ("sect", "§"),
    ("para", "¶"),
    ("shy", "\u{ad}"),
    ("zwj", "\u{200d}"),
    ("zwnj", "\u{200c}"),
    ("thinsp", "\u{2009}"),
    ("ensp", "\u{2002}"),
    ("emsp", "\u{2003}"),
    ("larr", "←"),
    ("rarr", "→"),
    ("uarr", "↑"),
    ("darr", "↓"),
    ("hearts", "♥"),
    ("dagger", "†"),
    ("Dagger", "‡"),
    ("prime", "′"),
    ("Prime", "″"),
    ("frac12", "½"),
    ("frac14", "¼"),
    ("frac34", "¾"),
    ("sup2", "²"),
    ("sup3", "³"),
    ("micro", "µ"),
    ("iexcl", "¡"),
    ("iquest", "¿"),
    ("ne", "≠"),
    ("le", "≤"),
    ("ge", "≥"),
    ("infin", "∞"),
    ("minus", "−"),
];

/// A character reference at the start of `s` (which begins with `&`).
fn entity(s: &str) -> Option<(String, usize)> {
    let end = s[1..].find(';')? + 1;
    if end > 33 {
        return None;
    }
    let name = &s[1..end];
    if let Some(num) = name.strip_prefix('#') {
        let (digits, radix) = match num.strip_prefix(['x', 'X']) {
            Some(h) => (h, 16),
            None => (num, 10),
        };
        let max = if radix == 16 { 6 } else { 7 };
        if digits.is_empty() || digits.len() > max || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        let n = u32::from_str_radix(digits, radix).ok()?;
        let c = if n == 0 {
            '\u{FFFD}'
        } else {
            char::from_u32(n).unwrap_or('\u{FFFD}')
        };
        return Some((c.to_string(), end + 1));
    }
    ENTITIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| (v.to_string(), end + 1))
}

/// The length of an inline raw HTML construct at the start of `s`, if any.
pub(super) fn html_tag_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&b'<') {
        return None;
    }
    if let Some(rest) = s.strip_prefix("<!--") {
        if rest.starts_with('>') || rest.starts_with("->") {
            return Some(4 + rest.find('>')? + 1);
        }
        return Some(4 + rest.find("-->")? + 3);
    }
    if s.starts_with("<?") {
        return Some(s.find("?>")? + 2);
    }
    if s.starts_with("<![CDATA[") {
        return Some(s.find("]]>")? + 3);
    }
    if s.len() > 2 && s.starts_with("<!") && b[2].is_ascii_alphabetic() {
        return Some(s.find('>')? + 1);
    }
    let closing = s.starts_with("</");
    let mut i = if closing { 2 } else { 1 };
    if !b.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
        i += 1;
    }
    if closing {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        return (b.get(i) == Some(&b'>')).then_some(i + 1);
    }
    loop {
        let ws = i;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match b.get(i)? {
            b'>' => return Some(i + 1),
            b'/' => return (b.get(i + 1) == Some(&b'>')).then_some(i + 2),
            c if (c.is_ascii_alphabetic() || *c == b'_' || *c == b':') && i > ws => {
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b':' | b'-'))
                {
                    i += 1;
                }
                let before = i;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if b.get(i) == Some(&b'=') {
                    i += 1;
                    while i < b.len() && b[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    match b.get(i)? {
                        q @ (b'"' | b'\'') => {
                            let q = *q;
                            i += 1;
                            while i < b.len() && b[i] != q {
                                i += 1;
                            }
                            if i >= b.len() {
                                return None;
                            }
                            i += 1;
                        }
                        _ => {
                            let st = i;
                            while i < b.len()
                                && !b[i].is_ascii_whitespace()
                                && !b"\"'=<>`".contains(&b[i])
                            {
                                i += 1;
                            }
                            if i == st {
                                return None;
                            }
                        }
                    }
                } else {
                    i = before;
                }
            }
            _ => return None,
        }
    }
}

fn autolink(s: &str) -> Option<(String, bool, usize)> {
    // An autolink holds no space or `<`: stop there, so that runs of `<` stay linear.
    let end = 1 + s[1..].find(|c: char| c == '>' || c == '<' || c.is_whitespace())?;
    if !s[end..].starts_with('>') {
        return None;
    }
    let inner = &s[1..end];
    if inner.contains(|c: char| c.is_whitespace() || c == '<' || c.is_control()) {
        return None;
    }
    if let Some(colon) = inner.find(':') {
        let scheme = &inner[..colon];
        if (2..=32).contains(&scheme.len())
            && scheme.as_bytes()[0].is_ascii_alphabetic()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
        {
            return Some((inner.to_string(), false, end + 1));
        }
    }
    let (local, domain) = inner.split_once('@')?;
    if !local.is_empty()
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&b))
        && !domain.is_empty()
        && domain.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
    {
        return Some((inner.to_string(), true, end + 1));
    }
    None
}

struct Bracket {
    node: usize,
    image: bool,
    active: bool,
    delims: usize,
    text_pos: usize,
}

/// Renders the inline content `text` into `out`.
pub(super) fn render_inline(ctx: &mut Ctx, text: &str, out: &mut String) {
    let nodes = parse_inline(ctx, text);
    for n in nodes {
        match n {
            Il::Text(t) | Il::Html(t) => escape_text(out, &t),
            Il::Tag(t) => out.push_str(&t),
            Il::Code(t) => {
                out.push_str("<code>");
                escape_text(out, &t);
                out.push_str("</code>");
            }
            Il::Math(display, t) => {
                out.push_str(if display {
                    "<span class=\"math math-display\">"
                } else {
                    "<span class=\"math math-inline\">"
                });
                escape_text(out, &t);
                out.push_str("</span>");
            }
            Il::Delim {
                ch,
                n,
                before,
                after,
                ..
            } => {
                for t in before {
                    out.push_str(t);
                }
                for _ in 0..n {
                    out.push(ch as char);
                }
                for t in after.iter().rev() {
                    out.push_str(t);
                }
            }
        }
    }
}

fn push_text(nodes: &mut Vec<Il>, s: &str) {
    if let Some(Il::Text(t)) = nodes.last_mut() {
        t.push_str(s);
    } else {
        nodes.push(Il::Text(s.to_string()));
    }
}

fn parse_inline(ctx: &mut Ctx, text: &str) -> Vec<Il> {
    let b = text.as_bytes();
    let mut nodes: Vec<Il> = Vec::new();
    let mut delims: Vec<usize> = Vec::new();
    let mut brackets: Vec<Bracket> = Vec::new();
    let mut i = 0;
    let mut plain = 0;
    // Positions of backtick runs are searched lazily; a failed search for a run length means
    // no later run of that length exists, which keeps hostile input linear.
    let mut no_backtick_run: Vec<usize> = Vec::new();
    macro_rules! flush {
        () => {
            if plain < i {
                push_text(&mut nodes, &text[plain..i]);
            }
        };
    }
    while i < b.len() {
        let c = b[i];
        match c {
            b'\\' => {
                flush!();
                if b.get(i + 1) == Some(&b'\n') {
                    nodes.push(Il::Tag("<br />\n".into()));
                    i += 2;
                    while i < b.len() && b[i] == b' ' {
                        i += 1;
                    }
                } else if i + 1 < b.len() && b[i + 1].is_ascii_punctuation() {
                    push_text(&mut nodes, &text[i + 1..i + 2]);
                    i += 2;
                } else {
                    push_text(&mut nodes, "\\");
                    i += 1;
                }
                plain = i;
            }
            b'\n' => {
                // Hard break after two spaces; otherwise a soft break.
                let line = &text[plain..i];
                let trimmed = line.trim_end_matches(' ');
                let spaces = line.len() - trimmed.len();
                let hard = spaces >= 2
                    || (trimmed.is_empty()
                        && spaces > 0
                        && matches!(nodes.last(), Some(Il::Text(t)) if t.ends_with("  ")));
                if !trimmed.is_empty() {
                    push_text(&mut nodes, trimmed);
                }
                if let Some(Il::Text(t)) = nodes.last_mut() {
                    let keep = t.trim_end_matches(' ').len();
                    if t.len() - keep >= 2 && trimmed.is_empty() {
                        t.truncate(keep);
                        nodes.push(Il::Tag("<br />\n".into()));
                    } else {
                        t.truncate(keep);
                        nodes.push(Il::Tag(if hard { "<br />\n" } else { "\n" }.into()));
                    }
                } else {
                    nodes.push(Il::Tag(if hard { "<br />\n" } else { "\n" }.into()));
                }
                i += 1;
                while i < b.len() && b[i] == b' ' {
                    i += 1;
                }
                plain = i;
            }
            b'`' => {
                flush!();
                let n = b[i..].iter().take_while(|&&x| x == b'`').count();
                let mut found = None;
                if !no_backtick_run.contains(&n) {
                    let mut j = i + n;
                    while j < b.len() {
                        if b[j] == b'`' {
                            let m = b[j..].iter().take_while(|&&x| x == b'`').count();
                            if m == n {
                                found = Some(j);
                                break;
                            }
                            j += m;
                        } else {
                            j += 1;
                        }
                    }
                    if found.is_none() {
                        no_backtick_run.push(n);
                    }
                }
                match found {
                    Some(j) => {
                        let mut code = text[i + n..j].replace('\n', " ");
                        if code.len() >= 2
                            && code.starts_with(' ')
                            && code.ends_with(' ')
                            && !code.bytes().all(|x| x == b' ')
                        {
                            code = code[1..code.len() - 1].to_string();
                        }
                        nodes.push(Il::Code(code));
                        i = j + n;
                    }
                    None => {
                        push_text(&mut nodes, &text[i..i + n]);
                        i += n;
                    }
                }
                plain = i;
            }
            b'$' => {
                flush!();
                match math(text, i) {
                    Some((display, content, len)) => {
                        nodes.push(Il::Math(display, content));
                        i += len;
                    }
                    None => {
                        let n = b[i..].iter().take_while(|&&x| x == b'$').count();
                        push_text(&mut nodes, &text[i..i + n]);
                        i += n;
                    }
                }
                plain = i;
            }
            b'&' => {
                flush!();
                match entity(&text[i..]) {
                    Some((t, len)) => {
                        push_text(&mut nodes, &t);
                        // A resolved reference is never a delimiter: mark it as text.
                        i += len;
                    }
                    None => {
                        push_text(&mut nodes, "&");
                        i += 1;
                    }
                }
                plain = i;
            }
            b'<' => {
                flush!();
                if let Some((url, email, len)) = autolink(&text[i..]) {
                    let mut tag = String::new();
                    open_link(&mut tag, &url, "", email);
                    nodes.push(Il::Tag(tag));
                    let close = close_link(&url, email);
                    nodes.push(Il::Text(url));
                    nodes.push(Il::Tag(close.into()));
                    i += len;
                } else if let Some(len) = html_tag_len(&text[i..]) {
                    nodes.push(Il::Html(text[i..i + len].to_string()));
                    i += len;
                } else {
                    push_text(&mut nodes, "<");
                    i += 1;
                }
                plain = i;
            }
            b'*' | b'_' | b'~' => {
                flush!();
                let n = b[i..].iter().take_while(|&&x| x == c).count();
                let before = text[..i].chars().next_back().unwrap_or('\n');
                let after = text[i + n..].chars().next().unwrap_or('\n');
                let ws_after = after.is_whitespace();
                let ws_before = before.is_whitespace();
                let p_after = is_punct(after);
                let p_before = is_punct(before);
                let left = !ws_after && (!p_after || ws_before || p_before);
                let right = !ws_before && (!p_before || ws_after || p_after);
                let (open, close) = match c {
                    b'~' if n > 2 => (false, false),
                    // Like `_`, a tilde inside a word neither opens nor closes.
                    b'_' | b'~' => (left && (!right || p_before), right && (!left || p_after)),
                    _ => (left, right),
                };
                if open || close {
                    delims.push(nodes.len());
                }
                nodes.push(Il::Delim {
                    ch: c,
                    n,
                    orig: n,
                    open,
                    close,
                    before: Vec::new(),
                    after: Vec::new(),
                });
                i += n;
                plain = i;
            }
            b'!' if b.get(i + 1) == Some(&b'[') => {
                flush!();
                brackets.push(Bracket {
                    node: nodes.len(),
                    image: true,
                    active: true,
                    delims: delims.len(),
                    text_pos: i + 2,
                });
                nodes.push(Il::Text("![".into()));
                nodes.push(Il::Tag(String::new()));
                i += 2;
                plain = i;
            }
            b'[' => {
                flush!();
                if b.get(i + 1) == Some(&b'^')
                    && let Some(end) = text[i + 2..].find(']')
                {
                    let label = &text[i + 2..i + 2 + end];
                    if !label.is_empty()
                        && !label.contains(char::is_whitespace)
                        && ctx.doc.footnotes.contains_key(&normalize_label(label))
                    {
                        let num = ctx.footnote_number(label);
                        let mut tag = String::from("<sup class=\"footnote-reference\"><a href=\"#");
                        escape_attr(&mut tag, label);
                        tag.push_str(&format!("\">{num}</a></sup>"));
                        nodes.push(Il::Tag(tag));
                        i += 2 + end + 1;
                        plain = i;
                        continue;
                    }
                }
                brackets.push(Bracket {
                    node: nodes.len(),
                    image: false,
                    active: true,
                    delims: delims.len(),
                    text_pos: i + 1,
                });
                nodes.push(Il::Text("[".into()));
                nodes.push(Il::Tag(String::new()));
                i += 1;
                plain = i;
            }
            b']' => {
                flush!();
                i += 1;
                plain = i;
                let Some(br) = brackets.pop() else {
                    push_text(&mut nodes, "]");
                    continue;
                };
                if !br.active {
                    push_text(&mut nodes, "]");
                    continue;
                }
                let label_text = &text[br.text_pos..i - 1];
                let mut target: Option<(String, String, usize)> = None;
                if b.get(i) == Some(&b'(') {
                    target = inline_link(text, i + 1);
                }
                if target.is_none() {
                    let (label, end) = if b.get(i) == Some(&b'[') {
                        match text[i + 1..].find(']') {
                            Some(0) => (label_text.to_string(), i + 2),
                            Some(e) => (text[i + 1..i + 1 + e].to_string(), i + 2 + e),
                            None => (label_text.to_string(), i),
                        }
                    } else {
                        (label_text.to_string(), i)
                    };
                    if let Some(link) = ctx.doc.links.get(&normalize_label(&label)) {
                        target = Some((link.dest.clone(), link.title.clone(), end));
                    } else if end != i
                        && let Some(link) = ctx.doc.links.get(&normalize_label(label_text))
                    {
                        target = Some((link.dest.clone(), link.title.clone(), i));
                    }
                }
                let Some((dest, title, end)) = target else {
                    push_text(&mut nodes, "]");
                    continue;
                };
                process_emphasis(&mut nodes, &mut delims, br.delims);
                if br.image {
                    let mut alt = String::new();
                    for n in nodes.drain(br.node + 1..) {
                        match n {
                            Il::Text(t) | Il::Html(t) | Il::Code(t) => alt.push_str(&t),
                            Il::Delim { ch, n, .. } => {
                                for _ in 0..n {
                                    alt.push(ch as char)
                                }
                            }
                            Il::Tag(t) if t.ends_with('\n') => alt.push('\n'),
                            _ => {}
                        }
                    }
                    let alt = if alt.trim().is_empty() {
                        "image"
                    } else {
                        alt.trim()
                    };
                    let mut tag = String::from(
                        "<span class=\"image-placeholder\" role=\"img\" aria-label=\"",
                    );
                    escape_attr(&mut tag, alt);
                    tag.push_str("\">[image: ");
                    escape_text(&mut tag, alt);
                    tag.push_str("]</span>");
                    nodes[br.node] = Il::Tag(tag);
                } else {
                    let mut tag = String::new();
                    open_link(&mut tag, &dest, &title, false);
                    nodes[br.node] = Il::Tag(tag);
                    nodes.push(Il::Tag(close_link(&dest, false).into()));
                    // Links hold no links: earlier link openers go inactive. Those before
                    // an inactive one already are, which keeps this linear.
                    for other in brackets.iter_mut().rev() {
                        if other.image {
                            continue;
                        }
                        if !other.active {
                            break;
                        }
                        other.active = false;
                    }
                }
                i = end;
                plain = i;
            }
            _ => {
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    flush!();
    process_emphasis(&mut nodes, &mut delims, 0);
    if let Some(Il::Text(t)) = nodes.last_mut() {
        let keep = t.trim_end().len();
        t.truncate(keep);
    }
    nodes
}

fn inline_link(text: &str, p: usize) -> Option<(String, String, usize)> {
    let b = text.as_bytes();
    let mut p = skip_spaces_nl(text, p)?;
    if b.get(p) == Some(&b')') {
        return Some((String::new(), String::new(), p + 1));
    }
    let (dest, after) = parse_link_dest(text, p)?;
    p = after;
    let q = skip_spaces_nl(text, p)?;
    let mut title = String::new();
    if q > p
        && let Some((t, after_title)) = parse_link_title(text, q)
    {
        title = t;
        p = skip_spaces_nl(text, after_title)?;
    } else {
        p = q;
    }
    (b.get(p) == Some(&b')')).then(|| (dest, title, p + 1))
}

fn open_link(tag: &mut String, dest: &str, title: &str, email: bool) {
    if email || is_safe_destination(dest) {
        tag.push_str("<a href=\"");
        escape_attr(tag, dest);
        tag.push('"');
        if !title.is_empty() {
            tag.push_str(" title=\"");
            escape_attr(tag, title);
            tag.push('"');
        }
        tag.push_str(" target=\"_blank\" rel=\"noopener noreferrer\">");
    } else {
        tag.push_str("<span class=\"unsafe-link\">");
    }
}

fn close_link(dest: &str, email: bool) -> &'static str {
    if email || is_safe_destination(dest) {
        "</a>"
    } else {
        "</span>"
    }
}

/// `$…$` (inline) or `$$…$$` (display) math at `i`: whether display, content, length.
fn math(text: &str, i: usize) -> Option<(bool, String, usize)> {
    let b = text.as_bytes();
    let n = b[i..].iter().take_while(|&&x| x == b'$').count();
    if n > 2 {
        return None;
    }
    let start = i + n;
    let first = *b.get(start)?;
    if n == 1 && (first == b' ' || first == b'\n' || first == b'\t') {
        return None;
    }
    let mut j = start;
    while j < b.len() {
        match b[j] {
            b'\\' if n == 1 && j + 1 < b.len() && b[j + 1] == b'$' => j += 2,
            b'$' => {
                let m = b[j..].iter().take_while(|&&x| x == b'$').count();
                if m == n && j > start {
                    let prev = b[j - 1];
                    if n == 1 && (prev == b' ' || prev == b'\n' || prev == b'\t') {
                        return None;
                    }
                    if n == 1 && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
                        return None;
                    }
                    return Some((n == 2, text[start..j].to_string(), j + m - i));
                }
                if m != n {
                    return None;
                }
                j += m;
            }
            b'\n' if n == 1 && text[j + 1..].starts_with('\n') => return None,
            _ => j += 1,
        }
    }
    None
}

/// CommonMark's "process emphasis" over the delimiters from `bottom` on.
fn process_emphasis(nodes: &mut [Il], delims: &mut Vec<usize>, bottom: usize) {
    let list: Vec<usize> = delims.drain(bottom..).collect();
    let len = list.len();
    // A doubly linked list over `list` of the delimiters still in play.
    let mut prev: Vec<isize> = (0..len as isize).map(|k| k - 1).collect();
    let mut next: Vec<usize> = (1..=len).collect();
    let mut openers_bottom = [[-1isize; 6]; 3];
    let key = |nodes: &[Il], k: usize| -> (usize, usize) {
        match &nodes[k] {
            Il::Delim { ch, orig, open, .. } => (
                match ch {
                    b'*' => 0,
                    b'_' => 1,
                    _ => 2,
                },
                orig % 3 + if *open { 3 } else { 0 },
            ),
            _ => (0, 0),
        }
    };
    let mut c = 0usize;
    while c < len {
        let ci = list[c];
        let (ch, cn, corig, copen, cclose) = match &nodes[ci] {
            Il::Delim {
                ch,
                n,
                orig,
                open,
                close,
                ..
            } => (*ch, *n, *orig, *open, *close),
            _ => unreachable!(),
        };
        if !cclose || cn == 0 {
            c = next[c];
            continue;
        }
        let (ka, kb) = key(nodes, ci);
        let floor = openers_bottom[ka][kb];
        let mut o = prev[c];
        let mut found = None;
        while o >= 0 && o > floor {
            let oi = list[o as usize];
            if let Il::Delim {
                ch: och,
                n: on,
                orig: oorig,
                open: oopen,
                close: oclose,
                ..
            } = &nodes[oi]
                && *och == ch
                && *oopen
                && *on > 0
            {
                let odd = (*oclose || copen)
                    && (oorig + corig) % 3 == 0
                    && !(oorig % 3 == 0 && corig % 3 == 0);
                let ok = if ch == b'~' { *on == cn } else { !odd };
                if ok {
                    found = Some(o as usize);
                    break;
                }
            }
            o = prev[o as usize];
        }
        match found {
            Some(o) => {
                let oi = list[o];
                let on = match &nodes[oi] {
                    Il::Delim { n, .. } => *n,
                    _ => 0,
                };
                let (use_n, open_tag, close_tag) = if ch == b'~' {
                    (cn, "<del>", "</del>")
                } else if on >= 2 && cn >= 2 {
                    (2, "<strong>", "</strong>")
                } else {
                    (1, "<em>", "</em>")
                };
                if let Il::Delim { n, after, .. } = &mut nodes[oi] {
                    *n -= use_n;
                    after.push(open_tag);
                }
                if let Il::Delim { n, before, .. } = &mut nodes[ci] {
                    *n -= use_n;
                    before.push(close_tag);
                }
                // Delimiters between opener and closer leave play.
                next[o] = c;
                prev[c] = o as isize;
                let on_left = matches!(&nodes[oi], Il::Delim { n, .. } if *n > 0);
                if !on_left {
                    let p = prev[o];
                    if p >= 0 {
                        next[p as usize] = c;
                    }
                    prev[c] = p;
                }
                let cn_left = matches!(&nodes[ci], Il::Delim { n, .. } if *n > 0);
                if !cn_left {
                    let p = prev[c];
                    let nx = next[c];
                    if p >= 0 {
                        next[p as usize] = nx;
                    }
                    if nx < len {
                        prev[nx] = p;
                    }
                    c = nx;
                }
            }
            None => {
                openers_bottom[ka][kb] = prev[c];
                if !copen {
                    let p = prev[c];
                    let nx = next[c];
                    if p >= 0 {
                        next[p as usize] = nx;
                    }
                    if nx < len {
                        prev[nx] = p;
                    }
                }
                c = next[c];
            }
        }
    }
}
