//! The JavaScript face of the core. Each function is one operation the extension performs;
//! it converts arguments, calls the core, and maps the core's error to a `JsError` whose
//! message starts with the error's stable code (`empty_selection: …`) for the UI to word.
//!
//! Structured values cross as JSON strings: one `JSON.parse` on the JS side, no glue code.
//!
//! Two modules are built from this crate (`cargo xtask build`): the *save* module, with the
//! default features off, holds only what saving a quote needs (conversion, clipping, page
//! identity, deep links) and is what the service worker loads on every cold start; the
//! *library* module (feature `library`, on by default) adds templates, previews, backups
//! and sync for the popup, the options page and folder sync.

use quotebook_core::{ClipRequest, Error, Note};
use wasm_bindgen::prelude::*;

pub(crate) fn js_error(error: Error) -> JsError {
    JsError::new(&format!("{}: {error}", error.code()))
}

/// Converts an HTML fragment to Markdown, resolving links against `base_url`.
#[wasm_bindgen]
pub fn html_to_markdown(html: &str, base_url: &str) -> Result<String, JsError> {
    quotebook_core::html_to_markdown(html, base_url).map_err(js_error)
}

/// Saves a capture: takes the request (JSON of a `ClipRequest`) and the page's stored note
/// (JSON, or `undefined` when the page has none yet) and returns the updated note's JSON.
#[wasm_bindgen]
pub fn clip(request_json: &str, existing_note_json: Option<String>) -> Result<String, JsError> {
    let request = ClipRequest::from_json(request_json).map_err(js_error)?;
    let existing = existing_note_json
        .as_deref()
        .map(Note::from_json)
        .transpose()
        .map_err(js_error)?;
    let note = quotebook_core::clip(&request, existing).map_err(js_error)?;
    Ok(note.to_json())
}

/// The id (storage key) of the note that quotes from `url` go to, given the page's
/// declared canonical URL if any.
#[wasm_bindgen]
pub fn note_id(url: &str, canonical: Option<String>) -> String {
    quotebook_core::url::note_identity(url, canonical.as_deref())
}

/// The id (storage key) of the note a save request (JSON of a `ClipRequest`) goes to: like
/// [`note_id`], also reading the canonical URL from the metadata HTML the capture sent.
#[wasm_bindgen]
pub fn request_note_id(request_json: &str) -> Result<String, JsError> {
    Ok(ClipRequest::from_json(request_json)
        .map_err(js_error)?
        .note_id())
}

/// `url` as notes remember it: without fragment and tracking parameters (to find the
/// note of the current tab among the notes' aliases).
#[wasm_bindgen]
pub fn clean_url(url: &str) -> String {
    quotebook_core::url::clean(url)
}

/// Reads a stored note of any schema and returns it as the current schema (JSON).
#[wasm_bindgen]
pub fn migrate_note(note_json: &str) -> Result<String, JsError> {
    Ok(Note::from_json(note_json).map_err(js_error)?.to_json())
}

/// The text fragment for the selection `[start, end)` (UTF-16 offsets) of the page's
/// visible text (blocks separated by `\n`): the JSON of a `TextFragment`, or `null` when
/// the offsets are invalid or no directive can select the range.
#[wasm_bindgen]
pub fn text_fragment(page_text: &str, start: usize, end: usize) -> String {
    serde_json::to_string(&quotebook_core::text_fragment(page_text, start, end))
        .expect("a text fragment serialises")
}

#[cfg(feature = "library")]
mod library;
#[cfg(feature = "library")]
pub use library::*;
#[cfg(feature = "library")]
mod preview;
#[cfg(feature = "library")]
pub use preview::*;
#[cfg(feature = "library")]
mod sync;
#[cfg(feature = "library")]
pub use sync::*;
