//! Our tokenizer's and html5ever's tokens in one comparable form, shared by the differential
//! test (`tests/tokenizer_html5ever.rs`) and the `tokenizer` fuzz target (which includes this
//! file with `#[path]`).

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use quotebook_html::tokenizer::{self as ours, TextKind};

/// One token, in a form both tokenizers are written to.
#[derive(Debug, PartialEq)]
pub enum T {
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

pub fn theirs(html: &str) -> Vec<T> {
    let tok = Tokenizer::new(Sink(RefCell::new(Vec::new())), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    while !matches!(tok.feed(&queue), html5ever::TokenizerResult::Done) {}
    tok.end();
    tok.sink.0.into_inner()
}

pub fn mine(html: &str) -> Vec<T> {
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
