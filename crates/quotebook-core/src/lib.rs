//! Quotebook's core: everything that turns a reader's selection into a Markdown note.
//!
//! The crate is pure Rust with no I/O and no clock: callers pass in the time, ids and
//! whatever the browser captured. The pipeline reads top to bottom:
//! [`convert`] (HTML → Markdown) → [`clip`] (a capture becomes a quote in a note)
//! → [`note`] (the stored model) → [`template`] (its Markdown file).
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

pub mod backup;
pub mod clip;
pub mod embed;
pub mod image;
pub mod library;
pub mod metadata;
pub mod note;
pub mod preview;
pub mod search;
pub mod sync;
pub mod template;
pub mod time;
pub mod url;
mod yaml;

/// HTML → Markdown, from the HTML stage (`quotebook-html`).
pub use quotebook_html::convert;
/// The core's errors (defined beside the converter, which returns them too).
pub use quotebook_html::error;
/// Deep links (text fragments), from `quotebook-html` (beside the page text they read).
pub use quotebook_html::fragment;
/// A page's visible text as the deep-link generator reads it, from `quotebook-html`.
pub use quotebook_html::page_text;

pub use clip::{Capture, ClipRequest, clip};
pub use convert::html_to_markdown;
pub use error::Error;
pub use fragment::{TextFragment, text_fragment};
pub use metadata::{
    Metadata, extract_metadata, extract_metadata_with_text, metadata_capture_selectors,
};
pub use note::{ImageRef, Note, Quote, SCHEMA_VERSION};
