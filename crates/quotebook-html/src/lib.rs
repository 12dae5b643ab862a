//! Quotebook's HTML stage: everything that reads HTML, and the Markdown and deep links made
//! from it. It depends on no other Quotebook crate; `quotebook-core` (notes, clips,
//! templates, metadata, library, sync) builds on it and re-exports its modules, so callers
//! may write `quotebook_core::convert::…`.
//!
//! By stage, in the order a save runs them:
//! - [`tokenizer`]: HTML's tokens as the standard defines them, with [`entities`]
//!   (character references); differential-tested against html5ever and fuzzed.
//! - the tree: [`convert::parse`], an arena of our own types filled by a fast path for
//!   well-formed input and html5ever's tree builder for the rest, in every build, so the
//!   CLI and the browser read malformed HTML alike.
//! - [`convert`]: the tree → Markdown ([`html_to_markdown`]).
//! - [`page_text`]: a page's visible text, blocks separated by `\n`, as the capture sends
//!   it; and [`fragment`]: the deep link (text fragment) and selector of a quote in it.
//! - [`chars`]: the one control-character policy every stage applies; [`error`]: the
//!   errors with the stable codes the interfaces translate.
//!
//! Deep links are part of the clip stage, but they stay here beside the page text they
//! read: they share its block list ([`fragment::BLOCK_ELEMENTS`], checked against the
//! capture script's copy) and its UTF-16 offsets, and they run on every save over a whole
//! page, so they are hot code like the converter and get its per-package build settings.
//!
//! Tests: unit tests in each module; the crate's behaviour in `tests/` (golden cases over
//! the workspace's `tests/golden/`, the corpus, property tests against pulldown-cmark, the
//! parity of the wasm module with the native converter, the tokenizer against html5ever);
//! the corpus is located by `tests/common`.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

pub mod anchor;
pub mod chars;
pub mod convert;
pub mod entities;
pub mod error;
pub mod fragment;
pub mod page_text;
pub mod tokenizer;

pub use convert::html_to_markdown;
pub use error::Error;
