//! A complete HTML tokenizer of our own, that never gives up: the standard's tokenization
//! (WHATWG HTML, "Tokenization") for what changes the tokens a tree is built from —
//! comments (and bogus ones), doctypes, CDATA sections in foreign content, raw text,
//! RCDATA, script data with its escapes, `plaintext`, attributes in every quoting style
//! (later duplicates dropped), and character references, named (with the legacy names
//! that go without a semicolon, and the attribute rule) and numeric (with the standard's
//! replacements). Parse errors are not reported.
//!
//! The consumer pulls tokens with [`Tokenizer::next_token`]. After a start tag, the text
//! that follows is read as the standard reads it in HTML content for that element's name
//! (`title` RCDATA, `style` raw text, `script` script data...); a consumer that knows
//! better (inside `<svg>`, `<style>` is an ordinary element) says so with
//! [`Tokenizer::set_text_kind`] before pulling the next token, and tells whether CDATA
//! sections are allowed with [`Tokenizer::set_foreign`].
//!
//! Input: carriage returns must already be normalised to line feeds ([`normalize_newlines`]).
//! NUL characters are dropped from data (where the tree builder ignores them) and read as
//! U+FFFD elsewhere.

use std::borrow::Cow;

use crate::entities;

/// How the text after a start tag is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Ordinary markup.
    Data,
    /// Character references but no tags, up to the element's end tag (`title`, `textarea`).
    Rcdata,
    /// Neither, up to the end tag (`style`, `xmp`, `iframe`, `noembed`, `noframes`).
    Rawtext,
    /// `script`: raw text whose end tag may be hidden in `<!-- <script> … -->`.
    ScriptData,
    /// Everything to the end of the input is text.
    Plaintext,
}

impl TextKind {
    /// How the standard reads the text after a start tag named `name` in HTML content
    /// (scripting disabled, as in a fragment that is not run).
    pub fn after(name: &str) -> TextKind {
        match name {
            "title" | "textarea" => TextKind::Rcdata,
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => TextKind::Rawtext,
            "script" => TextKind::ScriptData,
            "plaintext" => TextKind::Plaintext,
            _ => TextKind::Data,
        }
    }
}

/// An attribute: its name lower-cased, its value with references decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr<'a> {
    pub name: Cow<'a, str>,
    pub value: Cow<'a, str>,
}

/// A start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartTag<'a> {
    /// Lower-cased (ASCII).
    pub name: Cow<'a, str>,
    pub attrs: Vec<Attr<'a>>,
    pub self_closing: bool,
}

impl StartTag<'_> {
    /// The value of the attribute `name` (lower-case).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name)
            .map(|a| &*a.value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token<'a> {
    /// A run of text (never empty; consecutive runs may follow each other).
    Text(Cow<'a, str>),
    Start(StartTag<'a>),
    /// An end tag's lower-cased name (its attributes are dropped, as the standard does).
    End(Cow<'a, str>),
    Comment(Cow<'a, str>),
    Doctype,
}

/// `html` with every `\r\n` and lone `\r` read as `\n`, as the standard's input stream does.
pub fn normalize_newlines(html: &str) -> Cow<'_, str> {
    if !html.contains('\r') {
        return Cow::Borrowed(html);
    }
    Cow::Owned(html.replace("\r\n", "\n").replace('\r', "\n"))
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')
}

/// ASCII-lowercases a name, replacing NUL with U+FFFD, copying only when needed.
fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|c| c.is_ascii_uppercase() || c == 0) {
        Cow::Owned(name.to_ascii_lowercase().replace('\0', "\u{fffd}"))
    } else {
        Cow::Borrowed(name)
    }
}

/// NUL read as U+FFFD.
fn no_nul(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(s.replace('\0', "\u{fffd}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Decodes the character references of `s` (the standard's rules; `attribute` applies
/// the rule for attribute values: a legacy name followed by `=` or a letter or digit
/// stays literal). NUL becomes U+FFFD when `nul` is `Some('\u{fffd}')`, is dropped when
/// `None`.
fn decode(s: &str, attribute: bool, nul: Option<char>) -> Cow<'_, str> {
    let b = s.as_bytes();
    if !b.iter().any(|&c| c == b'&' || c == 0) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut from = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0 => {
                out.push_str(&s[from..i]);
                if let Some(c) = nul {
                    out.push(c);
                }
                i += 1;
                from = i;
            }
            b'&' => {
                out.push_str(&s[from..i]);
                let len = char_ref(&s[i + 1..], attribute, &mut out);
                if len == 0 {
                    out.push('&');
                }
                i += 1 + len;
                from = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&s[from..]);
    Cow::Owned(out)
}

/// A character reference after `&`: appends its characters to `out` and returns how many
/// bytes after the `&` it took; 0 when the `&` is plain text.
fn char_ref(rest: &str, attribute: bool, out: &mut String) -> usize {
    let b = rest.as_bytes();
    match b.first() {
        Some(b'#') => {
            let hex = matches!(b.get(1), Some(b'x' | b'X'));
            let start = if hex { 2 } else { 1 };
            let radix = if hex { 16 } else { 10 };
            let mut j = start;
            let mut value: u32 = 0;
            while let Some(d) = b.get(j).and_then(|&c| (c as char).to_digit(radix)) {
                value = value.saturating_mul(radix).saturating_add(d);
                j += 1;
            }
            if j == start {
                // `&#` or `&#x` with no digits: all literal.
                return 0;
            }
            if b.get(j) == Some(&b';') {
                j += 1;
            }
            out.push(entities::numeric(value));
            j
        }
        Some(c) if c.is_ascii_alphanumeric() => match entities::match_named(rest) {
            Some((len, (c1, c2), semicolon)) => {
                let next = b.get(len).copied();
                if attribute
                    && !semicolon
                    && next.is_some_and(|n| n == b'=' || n.is_ascii_alphanumeric())
                {
                    return 0;
                }
                out.push(c1);
                if let Some(c2) = c2 {
                    out.push(c2);
                }
                len
            }
            None => 0,
        },
        _ => 0,
    }
}

/// Where the raw text of an element named `name` starting at `from` ends: at the first
/// `</name` (any case) followed by whitespace, `/` or `>`; the input's end when there is
/// none.
fn raw_end(s: &str, from: usize, name: &str) -> usize {
    let b = s.as_bytes();
    let mut at = from;
    while let Some(off) = s[at..].find("</") {
        let lt = at + off;
        if ends_here(b, lt, name) {
            return lt;
        }
        at = lt + 2;
    }
    s.len()
}

/// Whether `</name` followed by whitespace, `/` or `>` starts at `lt`.
fn ends_here(b: &[u8], lt: usize, name: &str) -> bool {
    let name_end = lt + 2 + name.len();
    b.get(lt..lt + 2) == Some(b"</")
        && b.get(lt + 2..name_end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        && b.get(name_end)
            .is_some_and(|&c| is_ws(c) || c == b'/' || c == b'>')
}

/// Where a script's text starting at `from` ends, following the standard's script data
/// states (escaped in `<!--`, double-escaped after a `<script` inside that).
fn script_end(s: &str, from: usize) -> usize {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        Data,
        Escaped,
        EscapedDash,
        EscapedDashDash,
        Double,
        DoubleDash,
        DoubleDashDash,
    }
    let b = s.as_bytes();
    let mut st = St::Data;
    let mut i = from;
    // Whether `script` (any case) followed by whitespace, `/` or `>` starts at `at`.
    let script_at = |at: usize| {
        b.get(at..at + 6)
            .is_some_and(|n| n.eq_ignore_ascii_case(b"script"))
            && b.get(at + 6)
                .is_some_and(|&c| is_ws(c) || c == b'/' || c == b'>')
    };
    while i < b.len() {
        let c = b[i];
        match st {
            St::Data => {
                if c == b'<' {
                    if ends_here(b, i, "script") {
                        return i;
                    }
                    if b[i + 1..].starts_with(b"!--") {
                        st = St::EscapedDashDash;
                        i += 4;
                        continue;
                    }
                }
            }
            St::Escaped | St::EscapedDash | St::EscapedDashDash => {
                if c == b'-' {
                    st = if st == St::Escaped {
                        St::EscapedDash
                    } else {
                        St::EscapedDashDash
                    };
                } else if c == b'<' {
                    if ends_here(b, i, "script") {
                        return i;
                    }
                    if script_at(i + 1) {
                        st = St::Double;
                        i += 7;
                        continue;
                    }
                    st = St::Escaped;
                } else if c == b'>' && st == St::EscapedDashDash {
                    st = St::Data;
                } else {
                    st = St::Escaped;
                }
            }
            St::Double | St::DoubleDash | St::DoubleDashDash => {
                if c == b'-' {
                    st = if st == St::Double {
                        St::DoubleDash
                    } else {
                        St::DoubleDashDash
                    };
                } else if c == b'<' {
                    st = St::Double;
                    if b.get(i + 1) == Some(&b'/') && script_at(i + 2) {
                        st = St::Escaped;
                        i += 8;
                        continue;
                    }
                } else if c == b'>' && st == St::DoubleDashDash {
                    st = St::Data;
                } else {
                    st = St::Double;
                }
            }
        }
        i += 1;
    }
    b.len()
}

/// The tokenizer (see the module docs).
#[derive(Debug)]
pub struct Tokenizer<'a> {
    s: &'a str,
    at: usize,
    /// How the text from `at` on is read, and the element it belongs to.
    text: TextKind,
    text_of: Cow<'a, str>,
    foreign: bool,
    /// A token found while reading text, given after that text.
    queued: Option<Token<'a>>,
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer over `html`, whose carriage returns are already normalised. A leading
    /// byte order mark is skipped, as decoding does.
    pub fn new(html: &'a str) -> Tokenizer<'a> {
        Tokenizer {
            s: html.strip_prefix('\u{feff}').unwrap_or(html),
            at: 0,
            text: TextKind::Data,
            text_of: Cow::Borrowed(""),
            foreign: false,
            queued: None,
        }
    }

    /// Reads the text from here on as `kind` (call it right after a start tag; the
    /// tokenizer has then already chosen [`TextKind::after`] the tag's name).
    pub fn set_text_kind(&mut self, kind: TextKind) {
        self.text = kind;
    }

    /// Whether the current node is in foreign content (SVG, MathML), where `<![CDATA[`
    /// starts a CDATA section rather than a bogus comment.
    pub fn set_foreign(&mut self, foreign: bool) {
        self.foreign = foreign;
    }

    /// The next token; `None` at the end of the input.
    pub fn next_token(&mut self) -> Option<Token<'a>> {
        if let Some(token) = self.queued.take() {
            return Some(token);
        }
        let s = self.s;
        if self.at >= s.len() {
            return None;
        }
        match std::mem::replace(&mut self.text, TextKind::Data) {
            TextKind::Data => self.data(),
            TextKind::Plaintext => {
                let text = &s[self.at..];
                self.at = s.len();
                self.text = TextKind::Plaintext;
                Some(Token::Text(no_nul(text)))
            }
            kind => {
                let name = std::mem::take(&mut self.text_of);
                let end = if kind == TextKind::ScriptData {
                    script_end(s, self.at)
                } else {
                    raw_end(s, self.at, &name)
                };
                let text = &s[self.at..end];
                self.at = end;
                let text = if kind == TextKind::Rcdata {
                    decode(text, false, Some('\u{fffd}'))
                } else {
                    no_nul(text)
                };
                if text.is_empty() {
                    self.next_token()
                } else {
                    Some(Token::Text(text))
                }
            }
        }
    }

    /// Data: text up to the next markup, or the markup's token.
    fn data(&mut self) -> Option<Token<'a>> {
        let s = self.s;
        let b = s.as_bytes();
        let start = self.at;
        let mut i = start;
        while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
            i += off;
            if let Some((token, next)) = self.markup(i) {
                // The text before the markup first.
                self.at = next;
                if let Some(Token::Start(tag)) = &token {
                    self.text = TextKind::after(&tag.name);
                    self.text_of = tag.name.clone();
                }
                let text = decode(&s[start..i], false, None);
                if text.is_empty() {
                    return match token {
                        Some(token) => Some(token),
                        None => self.next_token(),
                    };
                }
                self.queued = token;
                return Some(Token::Text(text));
            }
            i += 1;
        }
        self.at = b.len();
        let text = decode(&s[start..], false, None);
        if text.is_empty() {
            None
        } else {
            Some(Token::Text(text))
        }
    }

    /// The markup at `lt` (a `<`): its token (`None` for markup that makes none, such as
    /// `</>` or a tag cut off by the end of the input) and where it ends; `None` when the
    /// `<` is text.
    fn markup(&self, lt: usize) -> Option<(Option<Token<'a>>, usize)> {
        let s = self.s;
        let b = s.as_bytes();
        match b.get(lt + 1).copied() {
            Some(c) if c.is_ascii_alphabetic() => Some(match self.start_tag(lt + 1) {
                Some((tag, end)) => (Some(Token::Start(tag)), end),
                None => (None, b.len()),
            }),
            Some(b'/') => match b.get(lt + 2).copied() {
                Some(c) if c.is_ascii_alphabetic() => Some(match self.start_tag(lt + 2) {
                    Some((tag, end)) => (Some(Token::End(tag.name)), end),
                    None => (None, b.len()),
                }),
                Some(b'>') => Some((None, lt + 3)),
                None => None,
                Some(_) => Some(self.bogus_comment(lt + 2)),
            },
            Some(b'!') => {
                let rest = &s[lt + 2..];
                if rest.starts_with("--") {
                    return Some(self.comment(lt + 4));
                }
                if rest.len() >= 7 && rest.as_bytes()[..7].eq_ignore_ascii_case(b"doctype") {
                    let end = s[lt..].find('>').map_or(b.len(), |o| lt + o + 1);
                    return Some((Some(Token::Doctype), end));
                }
                if self.foreign && rest.starts_with("[CDATA[") {
                    let body = lt + 9;
                    let (text, end) = match s[body..].find("]]>") {
                        Some(o) => (&s[body..body + o], body + o + 3),
                        None => (&s[body..], b.len()),
                    };
                    let token = (!text.is_empty()).then(|| Token::Text(no_nul(text)));
                    return Some((token, end));
                }
                Some(self.bogus_comment(lt + 2))
            }
            Some(b'?') => Some(self.bogus_comment(lt + 1)),
            _ => None,
        }
    }

    /// A bogus comment whose text starts at `from`, up to the next `>`.
    fn bogus_comment(&self, from: usize) -> (Option<Token<'a>>, usize) {
        let s = self.s;
        match s[from..].find('>') {
            Some(o) => (
                Some(Token::Comment(no_nul(&s[from..from + o]))),
                from + o + 1,
            ),
            None => (Some(Token::Comment(no_nul(&s[from..]))), s.len()),
        }
    }

    /// A comment whose text starts at `body` (after `<!--`).
    fn comment(&self, body: usize) -> (Option<Token<'a>>, usize) {
        let s = self.s;
        let rest = &s[body..];
        // `<!-->` and `<!--->`: empty comments.
        if rest.starts_with('>') {
            return (Some(Token::Comment(Cow::Borrowed(""))), body + 1);
        }
        if rest.starts_with("->") {
            return (Some(Token::Comment(Cow::Borrowed(""))), body + 2);
        }
        let b = rest.as_bytes();
        let mut i = 0;
        while let Some(off) = rest[i..].find("--") {
            let at = i + off;
            // Past the dashes: `--` then any more dashes, then `>` or `!>`.
            let mut j = at + 2;
            while b.get(j) == Some(&b'-') {
                j += 1;
            }
            let text_end = j - 2;
            match b.get(j) {
                Some(b'>') => {
                    return (
                        Some(Token::Comment(no_nul(&rest[..text_end]))),
                        body + j + 1,
                    );
                }
                Some(b'!') if b.get(j + 1) == Some(&b'>') => {
                    return (
                        Some(Token::Comment(no_nul(&rest[..text_end]))),
                        body + j + 2,
                    );
                }
                None => {
                    return (Some(Token::Comment(no_nul(&rest[..text_end]))), s.len());
                }
                _ => i = j,
            }
        }
        // Unterminated: a comment to the end of the input (a trailing `-` is dropped).
        let text = rest.strip_suffix('-').unwrap_or(rest);
        (Some(Token::Comment(no_nul(text))), s.len())
    }

    /// A tag whose name starts at `at`: the tag and the offset after its `>`; `None` when
    /// the input ends inside it (the standard then drops it).
    fn start_tag(&self, at: usize) -> Option<(StartTag<'a>, usize)> {
        let s = self.s;
        let b = s.as_bytes();
        let mut j = at;
        while j < b.len() && !is_ws(b[j]) && b[j] != b'/' && b[j] != b'>' {
            j += 1;
        }
        let name = lower(&s[at..j]);
        let mut attrs: Vec<Attr<'a>> = Vec::new();
        let mut self_closing = false;
        loop {
            // Before an attribute's name.
            while j < b.len() && (is_ws(b[j]) || b[j] == b'/' && b.get(j + 1) != Some(&b'>')) {
                j += 1;
            }
            match b.get(j)? {
                b'>' => {
                    j += 1;
                    break;
                }
                b'/' => {
                    self_closing = true;
                    j += 2;
                    break;
                }
                _ => {}
            }
            // The name: a leading `=` belongs to it.
            let name_start = j;
            j += 1;
            while j < b.len() && !is_ws(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
                j += 1;
            }
            let attr_name = lower(&s[name_start..j]);
            while j < b.len() && is_ws(b[j]) {
                j += 1;
            }
            let mut value = Cow::Borrowed("");
            if b.get(j) == Some(&b'=') {
                j += 1;
                while j < b.len() && is_ws(b[j]) {
                    j += 1;
                }
                match b.get(j)? {
                    &q @ (b'"' | b'\'') => {
                        let close = s[j + 1..].find(q as char)? + j + 1;
                        value = decode(&s[j + 1..close], true, Some('\u{fffd}'));
                        j = close + 1;
                    }
                    b'>' => {}
                    _ => {
                        let start = j;
                        while j < b.len() && !is_ws(b[j]) && b[j] != b'>' {
                            j += 1;
                        }
                        value = decode(&s[start..j], true, Some('\u{fffd}'));
                    }
                }
            }
            if !attrs.iter().any(|a| a.name == attr_name) {
                attrs.push(Attr {
                    name: attr_name,
                    value,
                });
            }
        }
        Some((
            StartTag {
                name,
                attrs,
                self_closing,
            },
            j,
        ))
    }
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Token<'a>;
    fn next(&mut self) -> Option<Token<'a>> {
        self.next_token()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(html: &str) -> Vec<Token<'_>> {
        Tokenizer::new(html).collect()
    }

    fn text(s: &str) -> Token<'_> {
        Token::Text(Cow::Borrowed(s))
    }

    #[test]
    fn tags_attributes_and_text() {
        let t = tokens("<P Class=a class=b title='x&amp;y' data-e= v hidden>t</P >");
        let Token::Start(tag) = &t[0] else {
            panic!("{t:?}")
        };
        assert_eq!(tag.name, "p");
        assert_eq!(tag.attr("class"), Some("a"));
        assert_eq!(tag.attr("title"), Some("x&y"));
        assert_eq!(tag.attr("data-e"), Some("v"));
        assert_eq!(tag.attr("hidden"), Some(""));
        assert_eq!(tag.attrs.len(), 4);
        assert_eq!(t[1], text("t"));
        assert_eq!(t[2], Token::End(Cow::Borrowed("p")));
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn references_in_text_and_attributes() {
        let t = tokens("&amp &copy2 &notit; &#x41;&#66 &#0; &#x80; &# &x; a&b");
        let all: String = t
            .iter()
            .map(|t| match t {
                Token::Text(s) => s.to_string(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(all, "& ©2 ¬it; AB \u{fffd} € &# &x; a&b");
        let t = tokens("<a href='?a=1&copy=2&copy;&amp'>");
        let Token::Start(tag) = &t[0] else {
            panic!("{t:?}")
        };
        assert_eq!(tag.attr("href"), Some("?a=1&copy=2©&"));
    }

    #[test]
    fn raw_text_script_and_comments() {
        let t = tokens(
            "<style>a<b>c</style><title>&lt;</title><script><!-- <script></script> --></script>x",
        );
        assert_eq!(t[1], text("a<b>c"));
        assert_eq!(t[4], text("<"));
        assert_eq!(t[7], text("<!-- <script></script> -->"));
        assert_eq!(t[9], text("x"));
        let t = tokens("<!-- a --><!--><!---><!--b--!><? pi ><!DOCTYPE html></>x</ y>");
        assert_eq!(
            t,
            vec![
                Token::Comment(" a ".into()),
                Token::Comment("".into()),
                Token::Comment("".into()),
                Token::Comment("b".into()),
                Token::Comment("? pi ".into()),
                Token::Doctype,
                text("x"),
                Token::Comment(" y".into()),
            ]
        );
        assert_eq!(tokens("<plaintext><b>x</b>")[1], text("<b>x</b>"));
        assert_eq!(tokens("a <p unterminated"), vec![text("a ")]);
        assert_eq!(tokens("a < b <"), vec![text("a < b <")]);
    }
}
