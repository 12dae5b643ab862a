//! The JavaScript face of the core. Each function is one operation the extension performs;
//! it converts arguments, calls the core, and maps the core's error to a `JsError` whose
//! message starts with the error's stable code (`empty_selection: …`) for the UI to word.
//!
//! Structured values cross as JS values, not JSON text: notes, requests and answers are
//! plain objects and arrays, read and written by serde-wasm-bindgen ([`from_js`], [`to_js`])
//! in the shapes the extension stores (the storage layout is the JSON of the core's types,
//! so an object from storage goes in as it is and an answer goes back into storage as it
//! is). Strings stay strings. Their shapes are declared for TypeScript in
//! `src/boundary.d.ts` (see `types.rs`), which the functions name: a field added, renamed
//! or removed in a type that crosses must be changed there too, or
//! `tests/boundary_types.rs` fails.
//!
//! Two modules are built from this crate (`cargo xtask build`): the *save* module, with the
//! default features off, holds only what saving a quote needs (conversion, clipping, page
//! identity, deep links) and is what the service worker loads on every cold start; the
//! *library* module (feature `library`, on by default) adds templates, previews, backups
//! and sync for the popup, the options page and folder sync.

use quotebook_core::clip::ImageClipRequest;
use quotebook_core::image::ImageInfo;
use quotebook_core::{ClipRequest, Error, Note};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

pub(crate) fn js_error(error: Error) -> JsError {
    JsError::new(&format!("{}: {error}", error.code()))
}

/// Reads a `T` from a JS value; a value of the wrong shape is `invalid_data`, as a stored
/// note of the wrong shape always was.
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| js_error(Error::InvalidData(e.to_string())))
}

/// Like [`from_js`], with `undefined` and `null` read as `T`'s default (optional arguments).
#[cfg(feature = "library")]
pub(crate) fn from_js_or_default<T: DeserializeOwned + Default>(
    value: JsValue,
) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        Ok(T::default())
    } else {
        from_js(value)
    }
}

/// Writes `value` as the JS value its JSON would parse to: structs and maps as plain
/// objects, `None` as `null` (stored notes keep their `null` fields), integers as numbers.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(Error::InvalidData(e.to_string())))
}

/// Reads a stored note of any schema (an object as storage holds it) as the current one.
pub(crate) fn note_from_js(value: JsValue) -> Result<Note, JsError> {
    Note::from_value(from_js(value)?).map_err(js_error)
}

/// Reads an array of stored notes (any schema), each as the current one.
#[cfg(feature = "library")]
pub(crate) fn notes_from_js(notes: &js_sys::Array) -> Result<Vec<Note>, JsError> {
    notes.iter().map(note_from_js).collect()
}

/// Converts an HTML fragment to Markdown, resolving links against `base_url`.
#[wasm_bindgen]
pub fn html_to_markdown(html: &str, base_url: &str) -> Result<String, JsError> {
    quotebook_core::html_to_markdown(html, base_url).map_err(js_error)
}

/// Saves a capture: takes the request (a `ClipRequest` object) and the page's stored note
/// (as stored, any schema; `undefined` when the page has none yet) and returns the updated
/// note, ready to store.
#[wasm_bindgen(unchecked_return_type = "Note")]
pub fn clip(
    #[wasm_bindgen(unchecked_param_type = "ClipRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Note | null")] existing_note: JsValue,
) -> Result<JsValue, JsError> {
    let request: ClipRequest = from_js(request)?;
    let existing = optional_note(existing_note)?;
    let note = quotebook_core::clip(&request, existing).map_err(js_error)?;
    to_js(&note)
}

/// Like [`clip`], and the selection's `data:` images become kept images: returns
/// `{note, quotes, images}`: what became of each range, as [`clip_outcome`] says, and
/// `images`, the bytes to store under their hash.
#[wasm_bindgen(unchecked_return_type = "Clipped")]
pub fn clip_with_images(
    #[wasm_bindgen(unchecked_param_type = "ClipRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Note | null")] existing_note: JsValue,
) -> Result<JsValue, JsError> {
    let request: ClipRequest = from_js(request)?;
    let existing = optional_note(existing_note)?;
    let clipped = quotebook_core::clip::clip_with_images(&request, existing).map_err(js_error)?;
    to_js_bytes(&clipped)
}

/// "Save image to note": adds the image as a quote of its own to the page's note and
/// returns `{note, images}` (`images`: the bytes of a `data:` image, to store).
#[wasm_bindgen(unchecked_return_type = "Clipped")]
pub fn image_clip(
    #[wasm_bindgen(unchecked_param_type = "ImageClipRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Note | null")] existing_note: JsValue,
) -> Result<JsValue, JsError> {
    let request: ImageClipRequest = from_js(request)?;
    let existing = optional_note(existing_note)?;
    let clipped =
        quotebook_core::clip::image_clip_with_bytes(&request, existing).map_err(js_error)?;
    to_js_bytes(&clipped)
}

/// Recognises fetched bytes by their signature: `ImageInfo` (store the bytes under its
/// `hash`), or an error `not_an_image`, `image_too_large` or `tracking_pixel`.
#[wasm_bindgen(unchecked_return_type = "ImageInfo")]
pub fn image_inspect(bytes: &[u8]) -> Result<JsValue, JsError> {
    match quotebook_core::image::inspect(bytes) {
        Ok(info) => to_js(&info),
        Err(error) => Err(JsError::new(&error.coded())),
    }
}

/// Records what fetching a note's images gave (`[{url, info} | {url, error}]`): returns
/// `{note, kept, refused}`.
#[wasm_bindgen(unchecked_return_type = "Attached")]
pub fn attach_images(
    #[wasm_bindgen(unchecked_param_type = "Note")] note: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ImageFetched[]")] fetched: JsValue,
) -> Result<JsValue, JsError> {
    let mut note = note_from_js(note)?;
    let fetched: Vec<ImageFetched> = from_js(fetched)?;
    to_js(&attach(&mut note, fetched))
}

/// What fetching one image gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageFetched {
    pub url: String,
    pub info: Option<ImageInfo>,
    pub error: Option<String>,
}

/// A note with its images' bytes recorded: the hashes it now keeps, and the images refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Attached {
    pub note: Note,
    pub kept: Vec<String>,
    pub refused: Vec<ImageRefused>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImageRefused {
    pub url: String,
    pub error: String,
}

/// [`attach_images`] on core types.
pub fn attach(note: &mut Note, fetched: Vec<ImageFetched>) -> Attached {
    let mut refused = Vec::new();
    for f in fetched {
        let outcome = match (&f.info, &f.error) {
            (Some(info), _) => Ok(info),
            (None, Some(error)) => Err(error.as_str()),
            (None, None) => Err("fetch_failed: no bytes"),
        };
        if let Some(error) = note.attach_image(&f.url, outcome) {
            refused.push(ImageRefused { url: f.url, error });
        }
    }
    let mut kept: Vec<String> = note.image_hashes().map(str::to_owned).collect();
    kept.sort();
    kept.dedup();
    Attached {
        note: note.clone(),
        kept,
        refused,
    }
}

fn optional_note(value: JsValue) -> Result<Option<Note>, JsError> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        note_from_js(value).map(Some)
    }
}

/// Like [`to_js`], with byte fields as `Uint8Array`s rather than arrays of numbers.
pub(crate) fn to_js_bytes<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(
            &serde_wasm_bindgen::Serializer::json_compatible().serialize_bytes_as_arrays(false),
        )
        .map_err(|e| js_error(Error::InvalidData(e.to_string())))
}

/// Saves a capture like [`clip`], and also tells what became of each range: a new quote
/// (`saved`) or one the note already holds (`duplicate`, with that quote's id).
#[wasm_bindgen(unchecked_return_type = "ClipOutcome")]
pub fn clip_outcome(
    #[wasm_bindgen(unchecked_param_type = "ClipRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Note | null")] existing_note: JsValue,
) -> Result<JsValue, JsError> {
    let request: ClipRequest = from_js(request)?;
    let existing = optional_note(existing_note)?;
    to_js(&quotebook_core::clip_outcome(&request, existing).map_err(js_error)?)
}

/// Finds saved quotes (a note's `quotes`, or objects with their `id`, `text`, `selector`
/// and `position`) in the page's visible text: one `Anchor` per quote, in order.
#[wasm_bindgen(unchecked_return_type = "Anchor[]")]
pub fn anchor_quotes(
    page_text: &str,
    #[wasm_bindgen(unchecked_param_type = "AnchorQuery[]")] quotes: JsValue,
) -> Result<JsValue, JsError> {
    let quotes: Vec<quotebook_core::anchor::AnchorQuery> = from_js(quotes)?;
    to_js(&quotebook_core::anchor::anchor_quotes(page_text, &quotes))
}

/// The id (storage key) of the note that quotes from `url` go to, given the page's
/// declared canonical URL if any.
#[wasm_bindgen]
pub fn note_id(url: &str, canonical: Option<String>) -> String {
    quotebook_core::url::note_identity(url, canonical.as_deref())
}

/// The id (storage key) of the note a save request (a `ClipRequest` object; its capture is
/// enough) goes to: like [`note_id`], also reading the canonical URL from the metadata HTML
/// the capture sent.
#[wasm_bindgen]
pub fn request_note_id(
    #[wasm_bindgen(unchecked_param_type = "ClipRequest")] request: JsValue,
) -> Result<String, JsError> {
    Ok(from_js::<ClipRequest>(request)?.note_id())
}

/// `url` as notes remember it: without fragment and tracking parameters (to find the
/// note of the current tab among the notes' aliases).
#[wasm_bindgen]
pub fn clean_url(url: &str) -> String {
    quotebook_core::url::clean(url)
}

/// Reads a stored note of any schema and returns it as the current schema.
#[wasm_bindgen(unchecked_return_type = "Note")]
pub fn migrate_note(
    #[wasm_bindgen(unchecked_param_type = "Note")] note: JsValue,
) -> Result<JsValue, JsError> {
    to_js(&note_from_js(note)?)
}

/// The text fragment for the selection `[start, end)` (UTF-16 offsets) of the page's
/// visible text (blocks separated by `\n`): a `TextFragment` object, or `null` when the
/// offsets are invalid or no directive can select the range.
#[wasm_bindgen(unchecked_return_type = "TextFragment | null")]
pub fn text_fragment(page_text: &str, start: usize, end: usize) -> Result<JsValue, JsError> {
    to_js(&quotebook_core::text_fragment(page_text, start, end))
}

mod types;
pub use types::TYPESCRIPT;

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
