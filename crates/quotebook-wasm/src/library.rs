//! The library module's operations: templates, edits, backups and file names.
//!
//! Each binding reads its JS arguments, calls a plain function on core types (tested
//! natively below), and writes the answer back as a JS value.

use js_sys::Array;
use quotebook_core::backup;
use quotebook_core::clip::ImageBytes;
use quotebook_core::library::{FileSettings, LIBRARY_SCHEMA, Library};
use quotebook_core::template::{RenderOptions, Templates, render_note};
use quotebook_core::{Error, Note, QuoteKind, note};
use wasm_bindgen::prelude::*;

use crate::{from_js_or_default, js_error, note_from_js, notes_from_js, to_js};

/// Merges notes (an array of stored notes, any schema) that share an identity; returns the
/// array of merged notes.
#[wasm_bindgen(unchecked_return_type = "Note[]")]
pub fn merge_notes(
    #[wasm_bindgen(unchecked_param_type = "Note[]")] notes: &Array,
) -> Result<JsValue, JsError> {
    to_js(&note::merge_notes(notes_from_js(notes)?))
}

/// Renders a stored note as its Markdown file with the default templates, in UTC.
#[wasm_bindgen]
pub fn note_to_markdown(
    #[wasm_bindgen(unchecked_param_type = "Note")] note: JsValue,
) -> Result<String, JsError> {
    Ok(note_from_js(note)?.to_markdown())
}

/// Renders a note through the reader's templates (`{note, quote}`, `undefined` or empty for
/// the defaults) in the reader's zone and locale (`{tzOffsetMinutes, locale, quoteOrder}`).
/// Returns `{markdown, quotes: [{id, block}], error: null | {template, message, line,
/// column}}`.
#[wasm_bindgen(unchecked_return_type = "Rendered")]
pub fn render(
    #[wasm_bindgen(unchecked_param_type = "Note")] note: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Templates | null")] templates: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RenderOptions | null")] options: JsValue,
) -> Result<JsValue, JsError> {
    let note = note_from_js(note)?;
    let templates: Templates = from_js_or_default(templates)?;
    let options: RenderOptions = from_js_or_default(options)?;
    to_js(&render_note(&note, &templates, &options))
}

/// Every image hash the notes (stored notes, any schema) keep: the store may release the
/// others.
#[wasm_bindgen]
pub fn live_image_hashes(
    #[wasm_bindgen(unchecked_param_type = "Note[]")] notes: &Array,
) -> Result<Vec<String>, JsError> {
    Ok(note::live_image_hashes(&notes_from_js(notes)?))
}

/// The attachments an export of `notes` holds with `options` (`RenderOptions`, its
/// `images`): `[{path, hash, mime}]`, each path once.
#[wasm_bindgen(unchecked_return_type = "AttachmentFile[]")]
pub fn attachment_files(
    #[wasm_bindgen(unchecked_param_type = "Note[]")] notes: &Array,
    #[wasm_bindgen(unchecked_optional_param_type = "RenderOptions | null")] options: JsValue,
) -> Result<JsValue, JsError> {
    let notes = notes_from_js(notes)?;
    let options: RenderOptions = from_js_or_default(options)?;
    to_js(&quotebook_core::embed::attachment_files(&notes, &options))
}

/// `markdown` (a quote's Markdown, or a note rendered from it) for a preview: each kept
/// image of `images` (`ImageRef[]`) shown from the address `urls` (`{hash: blob URL}`)
/// gives for its hash; the others stay remote (placeholders in the preview).
#[wasm_bindgen]
pub fn preview_image_urls(
    markdown: &str,
    #[wasm_bindgen(unchecked_param_type = "ImageRef[]")] images: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] urls: JsValue,
) -> Result<String, JsError> {
    let images: Vec<quotebook_core::ImageRef> = from_js_or_default(images)?;
    let urls: std::collections::HashMap<String, String> = from_js_or_default(urls)?;
    Ok(quotebook_core::embed::with_local_urls(
        markdown, &images, &urls,
    ))
}

/// Sets a quote's comment and tags, and its kind when one is given (a stable id:
/// `quote_kinds()`); returns the note.
#[wasm_bindgen(unchecked_return_type = "Note")]
pub fn annotate_quote(
    #[wasm_bindgen(unchecked_param_type = "Note")] note: JsValue,
    quote_id: &str,
    comment: &str,
    tags: Vec<String>,
    now: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "QuoteKind | null")] kind: Option<String>,
) -> Result<JsValue, JsError> {
    let mut note = note_from_js(note)?;
    let kind = kind
        .map(|k| QuoteKind::from_id(&k))
        .transpose()
        .map_err(js_error)?;
    note.annotate(quote_id, comment, &tags, now)
        .map_err(js_error)?;
    if let Some(kind) = kind {
        note.set_kind(quote_id, kind, now).map_err(js_error)?;
    }
    to_js(&note)
}

/// Sets a quote's kind alone; returns the note.
#[wasm_bindgen(unchecked_return_type = "Note")]
pub fn set_quote_kind(
    #[wasm_bindgen(unchecked_param_type = "Note")] note: JsValue,
    quote_id: &str,
    #[wasm_bindgen(unchecked_param_type = "QuoteKind")] kind: &str,
    now: &str,
) -> Result<JsValue, JsError> {
    let mut note = note_from_js(note)?;
    let kind = QuoteKind::from_id(kind).map_err(js_error)?;
    note.set_kind(quote_id, kind, now).map_err(js_error)?;
    to_js(&note)
}

/// The stable ids of the quote kinds, the default first.
#[wasm_bindgen(unchecked_return_type = "QuoteKind[]")]
pub fn quote_kinds() -> Vec<String> {
    QuoteKind::ALL.iter().map(|k| k.id().to_owned()).collect()
}

/// Removes a quote; returns the note.
#[wasm_bindgen(unchecked_return_type = "Note")]
pub fn remove_quote(
    #[wasm_bindgen(unchecked_param_type = "Note")] note: JsValue,
    quote_id: &str,
    now: &str,
) -> Result<JsValue, JsError> {
    let mut note = note_from_js(note)?;
    note.remove_quote(quote_id, now).map_err(js_error)?;
    to_js(&note)
}

/// The library of the stored notes (any schema): migrated, notes sharing an id merged.
fn library_of(notes: Vec<Note>) -> Library {
    let mut library = Library::default();
    library.merge(Library {
        schema: LIBRARY_SCHEMA,
        notes,
        ..Library::default()
    });
    library
}

/// The backup file's text (`{schema, settings, notes, deleted, images}`, one note per line:
/// JSON is the file's format) of the stored notes (an array, any schema; notes sharing an id
/// are merged), with the reader's file settings when given, and the bytes of the images
/// they keep (`images`, `ImageBytes[]`, optional: each is checked again, and written only
/// if some note keeps it).
#[wasm_bindgen]
pub fn library_backup(
    #[wasm_bindgen(unchecked_param_type = "Note[]")] notes: &Array,
    #[wasm_bindgen(unchecked_optional_param_type = "FileSettings | null")] settings: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ImageBytes[] | null")] images: JsValue,
) -> Result<String, JsError> {
    let settings: Option<FileSettings> = from_js_or_default(settings)?;
    let mut library = library_of(notes_from_js(notes)?);
    let images: Vec<ImageBytes> = from_js_or_default(images)?;
    library.add_images(checked_images(images).map_err(js_error)?);
    Ok(library.to_json_with(settings.as_ref()))
}

/// Image bytes from the store, recognised again before they go into a backup: their hash
/// and type are what the bytes say.
fn checked_images(images: Vec<ImageBytes>) -> Result<Vec<ImageBytes>, Error> {
    images
        .into_iter()
        .map(|image| {
            let info = quotebook_core::image::inspect(&image.bytes)
                .map_err(|e| Error::InvalidData(format!("the stored image {}: {e}", image.hash)))?;
            Ok(ImageBytes {
                hash: info.hash,
                mime: info.mime,
                bytes: image.bytes,
            })
        })
        .collect()
}

/// The dry run of importing a backup (the file's text) into the stored notes (an array),
/// at `now` (an RFC 3339 instant): a backup holding a time that is not RFC 3339 or lies in
/// the future is refused, naming the line. Returns `{added, changed, removed,
/// quotesSkipped, ignored, notes: [every note after the import], deleted}`; the options
/// page shows it, and the same plan, made again under the notes' lock, is what an import
/// stores.
#[wasm_bindgen(unchecked_return_type = "ImportPlan")]
pub fn import_plan(
    #[wasm_bindgen(unchecked_param_type = "Note[]")] notes: &Array,
    backup: &str,
    now: &str,
) -> Result<JsValue, JsError> {
    crate::to_js_bytes(&backup::plan_import(notes_from_js(notes)?, backup, now).map_err(js_error)?)
}

/// The reader's file name pattern, empty for the default.
fn pattern(pattern: &str) -> Result<quotebook_core::sync::Pattern, Error> {
    use quotebook_core::sync::{DEFAULT_PATTERN, Pattern};
    Pattern::parse(if pattern.trim().is_empty() {
        DEFAULT_PATTERN
    } else {
        pattern
    })
}

fn note_file_name(
    note: &Note,
    pattern_source: &str,
    options: &RenderOptions,
) -> Result<String, Error> {
    use quotebook_core::sync::{name::candidate, render::name_fields};
    let (_folders, stem) = pattern(pattern_source)?.apply(&name_fields(note, options));
    Ok(candidate(&[], &stem, 1))
}

/// The file name (`stem.md`, no folders) a note gets from the reader's file name pattern
/// (empty for the default) in the reader's zone (`{tzOffsetMinutes, locale}`).
#[wasm_bindgen]
pub fn file_name(
    #[wasm_bindgen(unchecked_param_type = "Note")] note: JsValue,
    pattern: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "RenderOptions | null")] options: JsValue,
) -> Result<String, JsError> {
    let note = note_from_js(note)?;
    let options: RenderOptions = from_js_or_default(options)?;
    note_file_name(&note, pattern, &options).map_err(js_error)
}

/// The template editor's reference: every variable, filter, test and function, each with
/// an example rendered on `note` (the editor's sample) in the reader's zone and locale.
#[wasm_bindgen(unchecked_return_type = "ReferenceItem[]")]
pub fn template_reference(
    #[wasm_bindgen(unchecked_param_type = "Note")] note: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RenderOptions | null")] options: JsValue,
) -> Result<JsValue, JsError> {
    let note = note_from_js(note)?;
    let options: RenderOptions = from_js_or_default(options)?;
    to_js(&quotebook_core::template::reference::reference(
        &note, &options,
    ))
}

/// The names each of the reader's templates uses that it cannot see (`{note, quote}`),
/// which would render empty.
#[wasm_bindgen(unchecked_return_type = "UnknownNames")]
pub fn template_unknown_names(
    #[wasm_bindgen(unchecked_param_type = "Templates")] templates: JsValue,
) -> Result<JsValue, JsError> {
    let templates: Templates = from_js_or_default(templates)?;
    to_js(&quotebook_core::template::reference::unknown_names(
        &templates,
    ))
}

/// The default templates' sources, `{note, quote}`, for the template editor.
#[wasm_bindgen(unchecked_return_type = "Templates")]
pub fn default_templates() -> Result<JsValue, JsError> {
    use quotebook_core::template::{DEFAULT_NOTE_TEMPLATE, DEFAULT_QUOTE_TEMPLATE};
    to_js(&Templates {
        note: DEFAULT_NOTE_TEMPLATE.to_owned(),
        quote: DEFAULT_QUOTE_TEMPLATE.to_owned(),
    })
}

fn zip_paths(
    notes: &[Note],
    pattern_source: &str,
    options: &RenderOptions,
) -> Result<Vec<String>, Error> {
    use quotebook_core::sync::name::{candidate, collision_key};
    use quotebook_core::sync::render::name_fields;
    let pattern = pattern(pattern_source)?;
    let mut taken = std::collections::HashSet::new();
    Ok(notes
        .iter()
        .map(|note| {
            let (folders, stem) = pattern.apply(&name_fields(note, options));
            (1..)
                .map(|n| candidate(&folders, &stem, n))
                .find(|name| taken.insert(collision_key(name)))
                .expect("some number is free")
        })
        .collect())
}

/// The paths the notes (an array) get in a `.zip` export, in order, as `quotebook export
/// --to OUT.zip` names them: the reader's pattern (empty for the default) with its folders,
/// and `stem (n).md` for the n-th note whose path is taken (case-insensitively).
#[wasm_bindgen]
pub fn zip_names(
    #[wasm_bindgen(unchecked_param_type = "Note[]")] notes: &Array,
    pattern: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "RenderOptions | null")] options: JsValue,
) -> Result<Vec<String>, JsError> {
    let notes = notes_from_js(notes)?;
    let options: RenderOptions = from_js_or_default(options)?;
    zip_paths(&notes, pattern, &options).map_err(js_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(url: &str, title: &str) -> Note {
        Note::from_value(serde_json::json!({
            "schema": 2, "id": url, "url": url, "title": title,
            "created": "2024-01-01T10:00:00.000Z", "updated": "2024-01-01T10:00:00.000Z",
            "quotes": [],
        }))
        .unwrap()
    }

    #[test]
    fn zip_names_resolve_collisions_in_order_and_keep_hostile_titles_inside() {
        let notes = [
            note("https://a.example/", "Same title"),
            note("https://b.example/", "Same title"),
            note("https://c.example/", "SAME TITLE"),
            note("https://d.example/", "../../x"),
        ];
        let options = RenderOptions::default();
        let names = zip_paths(&notes, "", &options).unwrap();
        assert_eq!(
            names[..3],
            ["Same title.md", "Same title (2).md", "SAME TITLE (3).md"]
        );
        assert!(
            !names[3].contains('/') && !names[3].starts_with('.'),
            "{}",
            names[3]
        );
        assert_eq!(
            names[3],
            note_file_name(&note("https://d.example/", "../../x"), "", &options).unwrap()
        );
    }

    #[test]
    fn an_import_plan_lists_what_it_adds_and_refuses_bad_times() {
        let stored = vec![note("https://a.example/", "A")];
        let backup = library_of(vec![
            note("https://a.example/", "A"),
            note("https://b.example/", "B"),
        ])
        .to_json();
        let now = "2024-06-01T00:00:00.000Z";
        let plan = backup::plan_import(stored.clone(), &backup, now).unwrap();
        assert_eq!(plan.notes.len(), 2);
        assert_eq!(plan.added.len(), 1);
        assert!(plan.changed.is_empty() && plan.removed.is_empty());
        assert!(backup::plan_import(Vec::new(), "{\"schema\":99,\"notes\":[]}", now).is_err());
        let future = backup.replace("2024-01-01T10:00:00.000Z", "2030-01-01T10:00:00.000Z");
        assert!(backup::plan_import(stored, &future, now).is_err());
    }
}
