//! Quotebook's hot paths in a crate of their own: the converter (HTML → Markdown), the
//! HTML tokenizer, and deep-link generation (text fragments) with the page text it reads.
//!
//! It is a crate apart from `quotebook-core` (which re-exports it, so callers write
//! `quotebook_core::convert::…`, `quotebook_core::fragment::…`) for one reason:
//! opt-levels. Under fat LTO a function keeps the opt-level of the crate that instantiates
//! it, so the wasm build (`[profile.wasm]` in the workspace's `Cargo.toml`) compiles this
//! crate and the parser code it instantiates at opt-level 3 for speed, and everything else
//! in the core at "z" for size. Deep links are here because "z" doubled their time in
//! Chromium (p95 3.3–4.8 ms → 8.3–12.5 ms, BENCHMARKS.md "WASM size"; the goal is 5 ms).
//!
//! Within it, the wasm build (nightly, `--cfg=quotebook_size`) optimises the converter's
//! cold functions for size, `#[cfg_attr(quotebook_size, optimize(size))]`: URL resolution
//! (once per link), tables, math, code blocks, image sources. The per-node walk, the output
//! buffer, the tokenizer and deep links stay at 3.
#![cfg_attr(quotebook_size, feature(optimize_attribute))]
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
