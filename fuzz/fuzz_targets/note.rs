//! Any stored JSON (raw bytes, or a value shaped like a note of any schema) read as a note,
//! a library backup or a sync state: no panic; what reads is current and stored again reads
//! back the same (a stored note round-trips), and it renders as Markdown.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use quotebook_core::library::Library;
use quotebook_core::note::{Note, SCHEMA_VERSION, blockquote};
use quotebook_core::sync::SyncState;
use serde_json::{Map, Value, json};

#[derive(Debug, Arbitrary)]
enum Input {
    Raw(String),
    Note(Fields),
    Library(Vec<Fields>, Json),
    State(Json),
}

/// A note's fields, each present or not, of the right type or not.
#[derive(Debug, Arbitrary)]
struct Fields {
    schema: Json,
    fields: Vec<(NoteKey, Json)>,
    quotes: Option<Vec<Vec<(QuoteKey, Json)>>>,
}

#[derive(Debug, Arbitrary)]
enum NoteKey {
    Id,
    Url,
    Canonical,
    Aliases,
    Title,
    Authors,
    Site,
    Published,
    Description,
    Lang,
    Created,
    Updated,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum QuoteKey {
    Id,
    Markdown,
    Text,
    Created,
    Comment,
    Tags,
    Fragment,
    Selector,
    Private,
    Position,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Url(String),
    Schema(u8),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => json!(b),
            Json::Int(i) => json!(i),
            Json::Uint(u) => json!(u),
            Json::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Json::Str(s) => json!(s),
            Json::Url(path) => json!(format!("https://example.com/{path}?utm_source=x#f")),
            Json::Schema(n) => json!(n % 4),
            Json::Array(items) => Value::Array(items.iter().map(Json::value).collect()),
            Json::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value()))
                    .collect(),
            ),
        }
    }
}

impl Fields {
    fn value(&self) -> Value {
        let mut map = Map::new();
        map.insert("schema".into(), self.schema.value());
        for (key, v) in &self.fields {
            let key = match key {
                NoteKey::Id => "id",
                NoteKey::Url => "url",
                NoteKey::Canonical => "canonical",
                NoteKey::Aliases => "aliases",
                NoteKey::Title => "title",
                NoteKey::Authors => "authors",
                NoteKey::Site => "site",
                NoteKey::Published => "published",
                NoteKey::Description => "description",
                NoteKey::Lang => "lang",
                NoteKey::Created => "created",
                NoteKey::Updated => "updated",
                NoteKey::Other(k) => k,
            };
            map.insert(key.to_owned(), v.value());
        }
        if let Some(quotes) = &self.quotes {
            let quotes = quotes
                .iter()
                .map(|fields| {
                    let mut q = Map::new();
                    for (key, v) in fields {
                        let key = match key {
                            QuoteKey::Id => "id",
                            QuoteKey::Markdown => "markdown",
                            QuoteKey::Text => "text",
                            QuoteKey::Created => "created",
                            QuoteKey::Comment => "comment",
                            QuoteKey::Tags => "tags",
                            QuoteKey::Fragment => "fragment",
                            QuoteKey::Selector => "selector",
                            QuoteKey::Private => "private",
                            QuoteKey::Position => "position",
                            QuoteKey::Other(k) => k,
                        };
                        q.insert(key.to_owned(), v.value());
                    }
                    Value::Object(q)
                })
                .collect();
            map.insert("quotes".into(), Value::Array(quotes));
        }
        Value::Object(map)
    }
}

fn check_note(json: &str) {
    let Ok(note) = Note::from_json(json) else {
        return;
    };
    assert_eq!(note.schema, SCHEMA_VERSION, "not migrated: {json}");
    let stored = note.to_json();
    let again = Note::from_json(&stored).expect("a stored note reads back");
    assert_eq!(again, note, "stored as {stored}");
    assert_eq!(again.to_json(), stored);
    let markdown = note.to_markdown();
    assert!(markdown.ends_with('\n'));
    for quote in &note.quotes {
        let block = blockquote(&quote.markdown);
        assert!(
            markdown.contains(&block),
            "quote {block:?} missing from {markdown}"
        );
    }
}

fn check_library(json: &str) {
    let Ok(library) = Library::from_json(json) else {
        return;
    };
    let stored = library.to_json();
    let again = Library::from_json(&stored).expect("a stored library reads back");
    assert_eq!(again, library, "stored as {stored}");
    assert_eq!(again.to_json(), stored);
    let lines = Library::note_lines(&stored).expect("a stored library is one note a line");
    assert_eq!(lines.len(), library.notes.len());
}

fn check_state(json: &str) {
    let Ok((state, _warnings)) = SyncState::from_json(json) else {
        return;
    };
    let stored = state.to_json();
    let (again, warnings) = SyncState::from_json(&stored).expect("a stored state reads back");
    assert!(warnings.is_empty(), "{warnings:?} reading back {stored}");
    assert_eq!(again, state);
}

fuzz_target!(|input: Input| {
    match input {
        Input::Raw(json) => {
            check_note(&json);
            check_library(&json);
            check_state(&json);
        }
        Input::Note(fields) => check_note(&fields.value().to_string()),
        Input::Library(notes, extra) => {
            let notes: Vec<Value> = notes.iter().map(Fields::value).collect();
            let json = json!({"schema": SCHEMA_VERSION, "notes": notes, "extra": extra.value()});
            check_library(&json.to_string());
            // The same notes as a bare array, too.
            check_library(&Value::Array(notes).to_string());
        }
        Input::State(value) => {
            let mut json = value.value();
            if let Value::Object(map) = &mut json {
                map.entry("schema").or_insert(json!(1));
            }
            check_state(&json.to_string());
        }
    }
});
