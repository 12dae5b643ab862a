//! HTML normalised for comparison, in the spirit of the CommonMark spec's `normalize.py`:
//! tags lowercased, attributes sorted, URLs percent-encoded one way, whitespace
//! collapsed outside `<pre>` and dropped around block tags, entities decoded and the
//! four markup characters escaped again. Written for this suite (not a port); the
//! tokens come from html5ever's tokenizer, so entities decode as browsers decode them.

use std::cell::RefCell;

use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Tags around which whitespace carries no meaning (HTML's block-level elements and the
/// few others the spec's normaliser treats the same way).
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "canvas",
    "caption",
    "col",
    "colgroup",
    "dd",
    "div",
    "dl",
    "dt",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "iframe",
    "li",
    "map",
    "object",
    "ol",
    "output",
    "p",
    "pre",
    "progress",
    "script",
    "section",
    "style",
    "table",
    "tbody",
    "td",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "video",
];

fn is_block(tag: &str) -> bool {
    BLOCK_TAGS.contains(&tag)
}

#[derive(Debug, Clone, PartialEq)]
enum Item {
    Start(String, Vec<(String, String)>, bool),
    End(String),
    Text(String),
    Comment(String),
}

struct Sink {
    items: RefCell<Vec<Item>>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut items = self.items.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                if tag.kind == TagKind::EndTag {
                    items.push(Item::End(name));
                } else {
                    let attrs = tag
                        .attrs
                        .iter()
                        .map(|a| (a.name.local.to_string(), a.value.to_string()))
                        .collect();
                    items.push(Item::Start(name, attrs, tag.self_closing));
                }
            }
            Token::CharacterTokens(t) => match items.last_mut() {
                Some(Item::Text(s)) => s.push_str(&t),
                _ => items.push(Item::Text(t.to_string())),
            },
            Token::NullCharacterToken => items.push(Item::Text("\u{fffd}".into())),
            Token::CommentToken(c) => items.push(Item::Comment(c.to_string())),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn tokens(html: &str) -> Vec<Item> {
    let tok = Tokenizer::new(
        Sink {
            items: RefCell::new(Vec::new()),
        },
        TokenizerOpts::default(),
    );
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    while !matches!(tok.feed(&input), TokenizerResult::Done) {}
    tok.end();
    tok.sink.items.into_inner()
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Percent-decodes, then percent-encodes every byte but ASCII letters, digits and
/// `_.-~/`, so two spellings of one URL compare equal.
fn url_canonical(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            decoded.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let mut out = String::new();
    for b in decoded {
        if b.is_ascii_alphanumeric() || b"_.-~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c') {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// The normalised form of `html`: equal for two documents that a reader would see with
/// the same structure.
pub fn normalize(html: &str) -> String {
    let mut out = String::new();
    // What came last: a start tag, an end tag, text; and the last tag's name.
    let mut last_was_tag: Option<(bool, String)> = None;
    let mut in_pre = false;
    for item in tokens(html) {
        match item {
            Item::Text(text) => {
                let mut data = text.as_str();
                if let Some((_, tag)) = &last_was_tag
                    && tag == "br"
                {
                    data = data.trim_start_matches('\n');
                }
                let mut data = if in_pre {
                    data.to_owned()
                } else {
                    collapse_whitespace(data)
                };
                if !in_pre
                    && let Some((start, tag)) = &last_was_tag
                    && is_block(tag)
                {
                    data = if *start {
                        data.trim_start().to_owned()
                    } else {
                        data.trim().to_owned()
                    };
                }
                escape_into(&mut out, &data);
                last_was_tag = None;
            }
            Item::Start(name, mut attrs, self_closing) => {
                if name == "pre" {
                    in_pre = true;
                }
                if is_block(&name) {
                    out.truncate(out.trim_end().len());
                }
                out.push('<');
                out.push_str(&name);
                attrs.sort();
                for (k, v) in attrs {
                    out.push(' ');
                    out.push_str(&k);
                    out.push_str("=\"");
                    if k == "href" || k == "src" {
                        out.push_str(&url_canonical(&v));
                    } else {
                        escape_into(&mut out, &v);
                    }
                    out.push('"');
                }
                out.push('>');
                // A void element (`<br />`, `<img>`) ends where it starts.
                let void = self_closing || matches!(name.as_str(), "br" | "hr" | "img" | "input");
                last_was_tag = Some((!void, name));
            }
            Item::End(name) => {
                if name == "pre" {
                    in_pre = false;
                } else if is_block(&name) {
                    out.truncate(out.trim_end().len());
                }
                out.push_str("</");
                out.push_str(&name);
                out.push('>');
                last_was_tag = Some((false, name));
            }
            Item::Comment(c) => {
                out.push_str("<!--");
                out.push_str(&c);
                out.push_str("-->");
                last_was_tag = None;
            }
        }
    }
    out.trim().to_owned()
}

/// The text a reader sees in `html`, whitespace collapsed (a block boundary counts as
/// whitespace), for the separate text comparison; an image's text is its `alt`.
pub fn text(html: &str) -> String {
    let mut out = String::new();
    for item in tokens(html) {
        match item {
            Item::Text(t) => out.push_str(&t),
            Item::Start(name, attrs, _) => {
                if name == "img"
                    && let Some((_, alt)) = attrs.iter().find(|(k, _)| k == "alt")
                {
                    out.push_str(alt);
                }
                if is_block(&name) || name == "br" {
                    out.push(' ');
                }
            }
            Item::End(name) if is_block(&name) => out.push(' '),
            _ => {}
        }
    }
    collapse_whitespace(&out).trim().to_owned()
}

/// The normaliser's own checks, run before the suite (its verdicts rest on them).
pub fn self_check() {
    {
        assert_eq!(
            normalize("<p>a  \n b</p>\n<ul>\n<li>x</li>\n</ul>\n"),
            "<p>a b</p><ul><li>x</li></ul>"
        );
        assert_eq!(
            normalize("<A HREF=\"/f%6fo bar\" title=x>y</A>"),
            "<a href=\"/foo%20bar\" title=\"x\">y</a>"
        );
        assert_eq!(
            normalize("<pre><code>a\n  b\n</code></pre>"),
            "<pre><code>a\n  b\n</code></pre>"
        );
        assert_eq!(normalize("<p>&amp;&ouml;&#65;</p>"), "<p>&amp;öA</p>");
        assert_ne!(normalize("<p>a</p>"), normalize("<p><em>a</em></p>"));
        assert_ne!(normalize("<li>a</li>"), normalize("<li><p>a</p></li>"));
        assert_eq!(text("<p>a</p><p>b<img alt=\"c\" src=x></p>"), "a bc");
    }
}
