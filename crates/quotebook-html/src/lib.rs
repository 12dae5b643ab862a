//! Quotebook's converter, HTML → Markdown, in a crate of its own: the browser's hot path.
//!
//! It is a crate apart from `quotebook-core` (which re-exports it, so callers write
//! `quotebook_core::convert::…`) for one reason: opt-levels. Under fat LTO a function keeps
//! the opt-level of the crate that instantiates it, so the wasm build (`[profile.wasm]` in
//! the workspace's `Cargo.toml`) compiles this crate and the parser code it instantiates at
//! opt-level 3 for speed, and everything else in the core at "z" for size.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

pub mod convert;
pub mod entities;
pub mod error;
pub mod tokenizer;

pub use convert::html_to_markdown;
pub use error::Error;
