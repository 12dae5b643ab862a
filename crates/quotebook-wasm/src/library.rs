//! The library module's operations: templates, edits, backups and file names.

use quotebook_core::template::{RenderOptions, Templates, render_note};
use quotebook_core::{Error, Note, note};
use wasm_bindgen::prelude::*;

use crate::js_error;

fn parse<T: serde::de::DeserializeOwned + Default>(json: Option<String>) -> Result<T, JsError> {
    match json.as_deref().map(str::trim) {
        None | Some("") => Ok(T::default()),
        Some(json) => {
            serde_json::from_str(json).map_err(|e| js_error(Error::InvalidData(e.to_string())))
        }
    }
}

/// Merges notes (a JSON array, any schema) that share an identity; returns a JSON array.
#[wasm_bindgen]
pub fn merge_notes(notes_json: &str) -> Result<String, JsError> {
    let values: Vec<serde_json::Value> = serde_json::from_str(notes_json)
        .map_err(|e| js_error(Error::InvalidData(e.to_string())))?;
    let notes = values
        .into_iter()
        .map(Note::from_value)
        .collect::<Result<Vec<_>, _>>();
    let merged = note::merge_notes(notes.map_err(js_error)?);
    Ok(serde_json::to_string(&merged).expect("notes serialise"))
}

/// Renders a stored note (JSON) as its Markdown file with the default templates, in UTC.
#[wasm_bindgen]
pub fn note_to_markdown(note_json: &str) -> Result<String, JsError> {
    Ok(Note::from_json(note_json).map_err(js_error)?.to_markdown())
}

/// Renders a note through the reader's templates (`{note, quote}` JSON, empty for the
/// defaults) in the reader's zone and locale (`{tzOffsetMinutes, locale}` JSON). Returns
/// `{markdown, quotes: [{id, block}], error: null | {template, message, line, column}}`.
#[wasm_bindgen]
pub fn render(
    note_json: &str,
    templates_json: Option<String>,
    options_json: Option<String>,
) -> Result<String, JsError> {
    let note = Note::from_json(note_json).map_err(js_error)?;
    let templates: Templates = parse(templates_json)?;
    let options: RenderOptions = parse(options_json)?;
    let rendered = render_note(&note, &templates, &options);
    Ok(serde_json::to_string(&rendered).expect("a rendering serialises"))
}

/// Sets a quote's comment and tags (a JSON array of strings); returns the note's JSON.
#[wasm_bindgen]
pub fn annotate_quote(
    note_json: &str,
    quote_id: &str,
    comment: &str,
    tags_json: &str,
    now: &str,
) -> Result<String, JsError> {
    let mut note = Note::from_json(note_json).map_err(js_error)?;
    let tags: Vec<String> = parse(Some(tags_json.to_owned()))?;
    note.annotate(quote_id, comment, &tags, now)
        .map_err(js_error)?;
    Ok(note.to_json())
}

/// Removes a quote; returns the note's JSON.
#[wasm_bindgen]
pub fn remove_quote(note_json: &str, quote_id: &str, now: &str) -> Result<String, JsError> {
    let mut note = Note::from_json(note_json).map_err(js_error)?;
    note.remove_quote(quote_id, now).map_err(js_error)?;
    Ok(note.to_json())
}

/// The JSON backup of a library (`{schema, notes}`, one note per line) from the stored notes
/// (a JSON array, any schema; notes sharing an id are merged).
#[wasm_bindgen]
pub fn library_backup(notes_json: &str) -> Result<String, JsError> {
    let library = quotebook_core::library::Library::from_json(&format!(
        "{{\"schema\":{},\"notes\":{notes_json}}}",
        quotebook_core::library::LIBRARY_SCHEMA
    ))
    .map_err(js_error)?;
    Ok(library.to_json())
}

/// Imports a backup (its JSON text) into the stored notes (a JSON array). Returns
/// `{notes: [every note, merged], notesAdded, notesUpdated, quotesAdded}`.
#[wasm_bindgen]
pub fn library_import(notes_json: &str, backup_json: &str) -> Result<String, JsError> {
    use quotebook_core::library::{LIBRARY_SCHEMA, Library};
    let mut library = Library::from_json(&format!(
        "{{\"schema\":{LIBRARY_SCHEMA},\"notes\":{notes_json}}}"
    ))
    .map_err(js_error)?;
    let report = library.merge(Library::from_json(backup_json).map_err(js_error)?);
    /// The answer, typed: a `serde_json::Value` would bring its float formatting into the
    /// module (BENCHMARKS.md, "WASM size").
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Imported<'a> {
        deleted: &'a [quotebook_core::library::Deleted],
        notes: &'a [Note],
        notes_added: usize,
        notes_updated: usize,
        quotes_added: usize,
        quotes_removed: usize,
    }
    Ok(serde_json::to_string(&Imported {
        deleted: &library.deleted,
        notes: &library.notes,
        notes_added: report.notes_added,
        notes_updated: report.notes_updated,
        quotes_added: report.quotes_added,
        quotes_removed: report.quotes_removed,
    })
    .expect("an import's answer serialises"))
}

/// The file name (`stem.md`, no folders) a note gets from the reader's file name pattern
/// (empty for the default) in the reader's zone (`{tzOffsetMinutes, locale}` JSON).
#[wasm_bindgen]
pub fn file_name(
    note_json: &str,
    pattern: &str,
    options_json: Option<String>,
) -> Result<String, JsError> {
    use quotebook_core::sync::{DEFAULT_PATTERN, Pattern, name::candidate, render::name_fields};
    let note = Note::from_json(note_json).map_err(js_error)?;
    let options: RenderOptions = parse(options_json)?;
    let pattern = if pattern.trim().is_empty() {
        DEFAULT_PATTERN
    } else {
        pattern
    };
    let pattern = Pattern::parse(pattern).map_err(js_error)?;
    let (_folders, stem) = pattern.apply(&name_fields(&note, &options));
    Ok(candidate(&[], &stem, 1))
}

/// The default templates' sources, `{note, quote}` JSON, for the template editor.
#[wasm_bindgen]
pub fn default_templates() -> String {
    use quotebook_core::template::{DEFAULT_NOTE_TEMPLATE, DEFAULT_QUOTE_TEMPLATE};
    serde_json::to_string(&Templates {
        note: DEFAULT_NOTE_TEMPLATE.to_owned(),
        quote: DEFAULT_QUOTE_TEMPLATE.to_owned(),
    })
    .expect("strings serialise")
}

/// The paths the notes (a JSON array) get in a `.zip` export, in order, as `quotebook
/// export --to OUT.zip` names them: the reader's pattern (empty for the default) with its
/// folders, and `stem (n).md` for the n-th note whose path is taken (case-insensitively).
#[wasm_bindgen]
pub fn zip_names(
    notes_json: &str,
    pattern: &str,
    options_json: Option<String>,
) -> Result<String, JsError> {
    use quotebook_core::sync::name::{candidate, collision_key};
    use quotebook_core::sync::{DEFAULT_PATTERN, Pattern, render::name_fields};
    let values: Vec<serde_json::Value> = serde_json::from_str(notes_json)
        .map_err(|e| js_error(Error::InvalidData(e.to_string())))?;
    let options: RenderOptions = parse(options_json)?;
    let pattern = if pattern.trim().is_empty() {
        DEFAULT_PATTERN
    } else {
        pattern
    };
    let pattern = Pattern::parse(pattern).map_err(js_error)?;
    let mut taken = std::collections::HashSet::new();
    let mut names = Vec::with_capacity(values.len());
    for value in values {
        let note = Note::from_value(value).map_err(js_error)?;
        let (folders, stem) = pattern.apply(&name_fields(&note, &options));
        let name = (1..)
            .map(|n| candidate(&folders, &stem, n))
            .find(|name| taken.insert(collision_key(name)))
            .expect("some number is free");
        names.push(name);
    }
    Ok(serde_json::to_string(&names).expect("strings serialise"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(url: &str, title: &str) -> serde_json::Value {
        serde_json::json!({
            "schema": 2, "id": url, "url": url, "title": title,
            "created": "2024-01-01T10:00:00.000Z", "updated": "2024-01-01T10:00:00.000Z",
            "quotes": [],
        })
    }

    #[test]
    fn zip_names_resolve_collisions_in_order_and_keep_hostile_titles_inside() {
        let notes = serde_json::json!([
            note("https://a.example/", "Same title"),
            note("https://b.example/", "Same title"),
            note("https://c.example/", "SAME TITLE"),
            note("https://d.example/", "../../x"),
        ]);
        let names: Vec<String> =
            serde_json::from_str(&zip_names(&notes.to_string(), "", None).unwrap()).unwrap();
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
            file_name(&note("https://d.example/", "../../x").to_string(), "", None).unwrap()
        );
    }
}
