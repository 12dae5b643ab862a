//! Differential: the fast tokenizer and html5ever's own build the same tree, and our
//! complete tokenizer (`quotebook_html::tokenizer`, the browser build's) gives the tokens
//! html5ever's tokenizer gives (`crates/quotebook-html/tests/tokenizer_html5ever.rs` does
//! the same on fixed inputs).
#![no_main]

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use libfuzzer_sys::fuzz_target;
use quotebook_core::convert::parse::{parse, parse_standard};
use quotebook_html::tokenizer::{self as ours, TextKind};

/// One token, in a form both tokenizers are written to.
#[derive(Debug, PartialEq)]
enum T {
    Text(String),
    Start(String, Vec<(String, String)>, bool),
    End(String),
    Comment(String),
    Doctype,
}

fn push(out: &mut Vec<T>, t: T) {
    if let T::Text(s) = &t {
        if s.is_empty() {
            return;
        }
        if let Some(T::Text(last)) = out.last_mut() {
            last.push_str(s);
            return;
        }
    }
    out.push(t);
}

struct Sink(RefCell<Vec<T>>);

impl TokenSink for Sink {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut out = self.0.borrow_mut();
        match token {
            Token::CharacterTokens(t) => push(&mut out, T::Text(t.to_string())),
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                let name = tag.name.to_string();
                let kind = TextKind::after(&name);
                push(
                    &mut out,
                    T::Start(
                        name,
                        tag.attrs
                            .iter()
                            .map(|a| (a.name.local.to_string(), a.value.to_string()))
                            .collect(),
                        tag.self_closing,
                    ),
                );
                return match kind {
                    TextKind::Data => TokenSinkResult::Continue,
                    TextKind::Rcdata => TokenSinkResult::RawData(RawKind::Rcdata),
                    TextKind::Rawtext => TokenSinkResult::RawData(RawKind::Rawtext),
                    TextKind::ScriptData => TokenSinkResult::RawData(RawKind::ScriptData),
                    TextKind::Plaintext => TokenSinkResult::Plaintext,
                };
            }
            Token::TagToken(tag) => push(&mut out, T::End(tag.name.to_string())),
            Token::CommentToken(c) => push(&mut out, T::Comment(c.to_string())),
            Token::DoctypeToken(_) => push(&mut out, T::Doctype),
            // NUL in data: the tree builder ignores it, our tokenizer drops it.
            Token::NullCharacterToken | Token::ParseError(_) | Token::EOFToken => {}
        }
        TokenSinkResult::Continue
    }
}

fn theirs(html: &str) -> Vec<T> {
    let tok = Tokenizer::new(Sink(RefCell::new(Vec::new())), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    while !matches!(tok.feed(&queue), html5ever::TokenizerResult::Done) {}
    tok.end();
    tok.sink.0.into_inner()
}

fn mine(html: &str) -> Vec<T> {
    let input = ours::normalize_newlines(html);
    let mut out = Vec::new();
    for token in ours::Tokenizer::new(&input) {
        let t = match token {
            ours::Token::Text(t) => T::Text(t.into_owned()),
            ours::Token::Start(tag) => T::Start(
                tag.name.into_owned(),
                tag.attrs
                    .into_iter()
                    .map(|a| (a.name.into_owned(), a.value.into_owned()))
                    .collect(),
                tag.self_closing,
            ),
            ours::Token::End(name) => T::End(name.into_owned()),
            ours::Token::Comment(c) => T::Comment(c.into_owned()),
            ours::Token::Doctype => T::Doctype,
        };
        push(&mut out, t);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let fast = parse(&html).dump();
    let standard = parse_standard(&html).dump();
    assert_eq!(fast, standard, "trees differ for {html:?}");
    assert_eq!(mine(&html), theirs(&html), "tokens differ for {html:?}");
});
