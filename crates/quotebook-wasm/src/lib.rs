//! The JavaScript face of the core. Each function is one operation the extension performs;
//! it converts arguments, calls the core, and maps the core's error to a `JsError` whose
//! message starts with the error's stable code (`empty_selection: …`) for the UI to word.

use quotebook_core::{ClipRequest, Error, Note};
use wasm_bindgen::prelude::*;

fn js_error(error: Error) -> JsError {
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
    let existing = existing_note_json.as_deref().map(Note::from_json).transpose().map_err(js_error)?;
    let note = quotebook_core::clip(&request, existing).map_err(js_error)?;
    Ok(note.to_json())
}

/// The storage key of the note that quotes from `url` go to.
#[wasm_bindgen]
pub fn note_id(url: &str) -> String {
    quotebook_core::clip::note_id(url).to_owned()
}

/// Renders a stored note (JSON) as its Markdown file.
#[wasm_bindgen]
pub fn note_to_markdown(note_json: &str) -> Result<String, JsError> {
    Ok(Note::from_json(note_json).map_err(js_error)?.to_markdown())
}
