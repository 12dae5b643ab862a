//! Differential: `page_text::visible_text` on our own tokenizer reads every golden input
//! and corpus page (`source.html` and `article.html`) exactly as it did on html5ever's
//! tokenizer (the reference below is that implementation, kept here).

use std::cell::{Cell, RefCell};

use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use quotebook_html::fragment::BLOCK_ELEMENTS;

struct TextSink {
    out: RefCell<String>,
    skipping: Cell<bool>,
}

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut out = self.out.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                if tag.kind == TagKind::EndTag {
                    self.skipping.set(false);
                }
                if BLOCK_ELEMENTS.contains(&name) {
                    if !out.ends_with('\n') && !out.is_empty() {
                        out.push('\n');
                    }
                } else if name == "img" && !out.ends_with(' ') && !out.ends_with('\n') {
                    out.push(' ');
                }
                if tag.kind == TagKind::StartTag {
                    let raw = match name {
                        "script" | "style" | "noscript" | "template" | "iframe" | "xmp"
                        | "noembed" | "noframes" => Some(RawKind::Rawtext),
                        "title" | "textarea" => Some(RawKind::Rcdata),
                        _ => None,
                    };
                    if let Some(kind) = raw {
                        self.skipping.set(true);
                        return TokenSinkResult::RawData(kind);
                    }
                }
            }
            Token::CharacterTokens(t) if !self.skipping.get() => {
                for c in t.chars() {
                    if c.is_whitespace() {
                        if !out.ends_with(' ') && !out.ends_with('\n') && !out.is_empty() {
                            out.push(' ');
                        }
                    } else {
                        out.push(c);
                    }
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// The visible text as `page_text` read it on html5ever's tokenizer, before it moved to
/// our own.
fn reference(html: &str) -> String {
    let tok = Tokenizer::new(
        TextSink {
            out: RefCell::new(String::new()),
            skipping: Cell::new(false),
        },
        TokenizerOpts::default(),
    );
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    while !matches!(tok.feed(&input), TokenizerResult::Done) {}
    tok.end();
    let text = tok.sink.out.into_inner();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

mod common;

use std::fs;
use std::path::Path;

use quotebook_html::page_text::visible_text;

#[test]
fn visible_text_is_what_html5evers_tokenizer_gave() {
    for html in [
        "<html><head><title>T &amp; U</title><style>p{}</style></head><body><h1>Head</h1>\
         <p>One <b>two</b>\r\n  three<br>four<img src=x>five</p><script>if (a<b) x()</script>\
         <div><p>Six</p>seven</div><noscript><p>no</p></noscript><template>t</template>",
        "\u{feff}<plaintext><p>a</p></plaintext>b<textarea>t</textarea>c\0d<!-- e --><xmp>f</xmp>",
        "<script><!-- <script></script> x --></script>after &amp &notit; &#x80;",
    ] {
        assert_eq!(visible_text(html), reference(html), "{html:?}");
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden");
    let html = |p: &Path| p.extension().is_some_and(|x| x == "html");
    let mut files = common::files_where(&root, &html);
    if let Some(corpus) = common::corpus("page text on the corpus") {
        files.extend(common::files_where(&corpus, &html));
    }
    assert!(files.len() >= 20, "{}", files.len());
    let differ: Vec<_> = files
        .iter()
        .filter(|f| {
            let html = fs::read_to_string(f).unwrap();
            visible_text(&html) != reference(&html)
        })
        .collect();
    assert!(
        differ.is_empty(),
        "{} of {} differ: {differ:?}",
        differ.len(),
        files.len()
    );
    println!("{} pages read alike", files.len());
}
