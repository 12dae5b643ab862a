//! Libraries saved by earlier schemas (`tests/fixtures/schema-N/`, at the workspace root)
//! open in this version, migrated, with every quote kept: read note by note (as the
//! extension reads `storage.local`), as a backup, and with a new quote saved into them.

use std::path::PathBuf;

use quotebook_core::clip::{Capture, ClipRequest, clip};
use quotebook_core::library::Library;
use quotebook_core::template::{RenderOptions, Templates, render_note};
use quotebook_core::{Note, SCHEMA_VERSION, url};
use serde_json::{Map, Value};

/// Every earlier schema this version still migrates, with its fixture.
const FIXTURES: &[(u64, &str)] = &[
    (1, "tests/fixtures/schema-1/storage-local.json"),
    (2, "tests/fixtures/schema-2/storage-local.json"),
];

fn fixture(path: &str) -> Map<String, Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("a fixture is a JSON object")
}

/// The stored notes of a `storage.local` dump: `(key, note as stored)`.
fn stored_notes(dump: &Map<String, Value>) -> Vec<(&str, &Value)> {
    dump.iter()
        .filter_map(|(k, v)| k.starts_with("note:").then_some((k.as_str(), v)))
        .collect()
}

fn field<'a>(value: &'a Value, name: &str) -> &'a str {
    value[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {value}"))
}

/// What a quote must keep through any migration: `(id, markdown, text, created)`.
fn kept(quote: &Value) -> (String, String, String, String) {
    let f = |name| field(quote, name).to_owned();
    (f("id"), f("markdown"), f("text"), f("created"))
}

#[test]
fn every_fixture_is_of_the_schema_it_claims_and_not_empty() {
    for &(schema, path) in FIXTURES {
        let dump = fixture(path);
        let notes = stored_notes(&dump);
        assert!(notes.len() >= 3, "{path}: {} notes", notes.len());
        for (key, note) in notes {
            assert_eq!(note["schema"], schema, "{path} {key}");
            assert_eq!(key, format!("note:{}", field(note, "id")), "{path}");
            assert!(!note["quotes"].as_array().unwrap().is_empty(), "{key}");
        }
    }
}

#[test]
fn each_stored_note_migrates_with_every_quote_in_order() {
    for &(_, path) in FIXTURES {
        for (key, old) in stored_notes(&fixture(path)) {
            let note = Note::from_json(&old.to_string()).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_eq!(note.schema, SCHEMA_VERSION, "{key}");
            let before: Vec<_> = old["quotes"].as_array().unwrap().iter().map(kept).collect();
            let after: Vec<_> = note
                .quotes
                .iter()
                .map(|q| {
                    (
                        q.id.clone(),
                        q.markdown.clone(),
                        q.text.clone(),
                        q.created.clone(),
                    )
                })
                .collect();
            assert_eq!(after, before, "{key}");
            assert_eq!(note.title, field(old, "title"), "{key}");
            assert_eq!(note.created, field(old, "created"), "{key}");
            assert_eq!(note.updated, field(old, "updated"), "{key}");
            // Today's identity; the old one stays reachable as an alias.
            let old_id = field(old, "id");
            assert_eq!(note.id, url::clean(field(old, "url")), "{key}");
            assert!(
                note.urls().any(|u| u == old_id),
                "{key}: {:?}",
                note.aliases
            );
            // Reading the migrated note again changes nothing.
            assert_eq!(Note::from_json(&note.to_json()).unwrap(), note, "{key}");
            // And its Markdown file holds every quote.
            let markdown =
                render_note(&note, &Templates::default(), &RenderOptions::default()).markdown;
            for quote in &note.quotes {
                let first_line = quote.markdown.lines().next().unwrap();
                assert!(markdown.contains(first_line), "{key}: {markdown}");
            }
        }
    }
}

#[test]
fn schema_2_quotes_become_plain_quotes_keeping_everything_else() {
    let dump = fixture(FIXTURES[1].1);
    for (key, old) in stored_notes(&dump) {
        let note = Note::from_json(&old.to_string()).unwrap();
        for (quote, before) in note.quotes.iter().zip(old["quotes"].as_array().unwrap()) {
            assert_eq!(quote.kind, quotebook_core::QuoteKind::Quote, "{key}");
            // Everything schema 2 stored is still there, as it was.
            let mut now = serde_json::to_value(quote).unwrap();
            now.as_object_mut().unwrap().remove("kind");
            // Schema 3's selector also says whether the passage was repeated: unknown, so no.
            if let Some(selector) = now["selector"].as_object_mut() {
                assert_eq!(selector.remove("repeated"), Some(false.into()), "{key}");
            }
            assert_eq!(&now, before, "{key}");
        }
    }
}

#[test]
fn the_tracking_parameters_of_schema_1_identities_are_dropped() {
    let dump = fixture(FIXTURES[0].1);
    let (key, old) = stored_notes(&dump)
        .into_iter()
        .find(|(k, _)| k.contains("utm_source"))
        .expect("the fixture has a note whose URL has tracking parameters");
    let note = Note::from_json(&old.to_string()).unwrap();
    assert!(!note.id.contains("utm_"), "{key} → {}", note.id);
    assert_eq!(note.aliases, [field(old, "id")]);
}

#[test]
fn a_backup_of_the_old_notes_imports_every_quote() {
    for &(_, path) in FIXTURES {
        let dump = fixture(path);
        let notes: Vec<Value> = stored_notes(&dump)
            .into_iter()
            .map(|(_, n)| n.clone())
            .collect();
        let total: usize = notes
            .iter()
            .map(|n| n["quotes"].as_array().unwrap().len())
            .sum();
        let backup = serde_json::json!({ "schema": 1, "notes": notes }).to_string();
        let library = Library::from_json(&backup).unwrap();
        assert_eq!(library.notes.len(), notes.len(), "{path}");
        assert!(library.notes.iter().all(|n| n.schema == SCHEMA_VERSION));
        let ids: Vec<&str> = library
            .notes
            .iter()
            .flat_map(|n| n.quotes.iter().map(|q| q.id.as_str()))
            .collect();
        assert_eq!(ids.len(), total, "{path}");
        for old in &notes {
            for quote in old["quotes"].as_array().unwrap() {
                assert!(ids.contains(&field(quote, "id")), "{path}: {quote}");
            }
        }
        // Written and read back in today's format, nothing changes.
        assert_eq!(Library::from_json(&library.to_json()).unwrap(), library);
    }
}

#[test]
fn a_quote_saved_into_an_old_note_joins_it() {
    for &(_, path) in FIXTURES {
        for (key, old) in stored_notes(&fixture(path)) {
            let request = ClipRequest {
                capture: Capture {
                    url: field(old, "url").to_owned(),
                    title: "A newer title".into(),
                    ranges: vec!["<p>A <b>new</b> quote.</p>".into()],
                    text: "A new quote.".into(),
                    ..Capture::default()
                },
                now: "2027-01-01T00:00:00.000Z".into(),
                quote_id: "new".into(),
                ..ClipRequest::default()
            };
            let existing = Note::from_json(&old.to_string()).unwrap();
            let note = clip(&request, Some(existing)).unwrap_or_else(|e| panic!("{key}: {e}"));
            let old_ids: Vec<_> = old["quotes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| field(q, "id"))
                .collect();
            let ids: Vec<_> = note.quotes.iter().map(|q| q.id.as_str()).collect();
            assert_eq!(ids[..old_ids.len()], old_ids[..], "{key}");
            assert_eq!(ids.last(), Some(&"new"), "{key}");
            assert_eq!(note.quotes.last().unwrap().markdown, "A **new** quote.");
            assert_eq!(note.created, field(old, "created"), "{key}");
            assert_eq!(note.updated, "2027-01-01T00:00:00.000Z");
        }
    }
}
