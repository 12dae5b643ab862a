//! Quotebook's hot paths in a crate of their own: the converter (HTML → Markdown), the
//! HTML tokenizer, and deep-link generation (text fragments) with the page text it reads.
//!
//! It is a crate apart from `quotebook-core` (which re-exports it, so callers write
//! `quotebook_core::convert::…`, `quotebook_core::fragment::…`) for one reason:
//! opt-levels. Under fat LTO a function keeps the opt-level of the crate that instantiates
//! it, so the wasm build (`[profile.wasm]` in the workspace's `Cargo.toml`) compiles this
//! crate and the parser code it instantiates at opt-level 3 for speed, and everything else
//! in the core at "s". Deep links are here because they are on the hot path too.

#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

pub mod chars;
pub mod convert;
pub mod entities;
pub mod error;
pub mod fragment;
pub mod page_text;
pub mod tokenizer;

pub use convert::html_to_markdown;
pub use error::Error;
