//! The JSON backup of a whole library: every note, with a schema number. It is what the
//! extension exports, what sync keeps in `.quotebook/library.json`, and what the CLI reads.
//! Its format is documented in `docs/formats.md`.
//!
//! Reading migrates older notes; writing then reading gives back the very same library,
//! and the very same bytes. Importing a backup into a library that already holds some of
//! its notes merges them: no note and no quote twice, none lost.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::note::{Note, SCHEMA_VERSION};

/// The schema of the backup file this version writes.
pub const LIBRARY_SCHEMA: u32 = 1;

/// Every note, in the order they were first saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Library {
    pub schema: u32,
    pub notes: Vec<Note>,
}

impl Default for Library {
    fn default() -> Self {
        Library {
            schema: LIBRARY_SCHEMA,
            notes: Vec::new(),
        }
    }
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Notes the library did not have.
    pub notes_added: usize,
    /// Notes it had, that gained quotes or changed.
    pub notes_updated: usize,
    /// Quotes it did not have, in new and existing notes.
    pub quotes_added: usize,
}

#[derive(Deserialize)]
struct Current {
    schema: u32,
    notes: Vec<Note>,
}

#[derive(Deserialize)]
struct Any {
    schema: u64,
    notes: Vec<serde_json::Value>,
}

impl Library {
    /// Reads a backup. Notes of older schemas are migrated, notes sharing an id merged;
    /// a backup or a note from a newer Quotebook is refused with [`Error::UnsupportedSchema`].
    pub fn from_json(json: &str) -> Result<Library, Error> {
        let invalid = |e: serde_json::Error| Error::InvalidData(format!("library backup: {e}"));
        // The common case, every note in today's schema, in one pass.
        let notes = match serde_json::from_str::<Current>(json) {
            Ok(current)
                if current.schema == LIBRARY_SCHEMA
                    && current.notes.iter().all(|n| n.schema == SCHEMA_VERSION) =>
            {
                current.notes
            }
            _ => {
                let any: Any = serde_json::from_str(json).map_err(invalid)?;
                match u32::try_from(any.schema) {
                    Ok(LIBRARY_SCHEMA) => {}
                    Ok(newer) if newer > LIBRARY_SCHEMA => {
                        return Err(Error::UnsupportedSchema(newer));
                    }
                    _ => {
                        return Err(Error::InvalidData(format!(
                            "unknown library backup schema {}",
                            any.schema
                        )));
                    }
                }
                any.notes
                    .into_iter()
                    .map(Note::from_value)
                    .collect::<Result<Vec<_>, _>>()?
            }
        };
        let mut library = Library::default();
        library.merge(Library {
            schema: LIBRARY_SCHEMA,
            notes,
        });
        Ok(library)
    }

    /// The backup: one note per line, so that a backup kept in git diffs well.
    pub fn to_json(&self) -> String {
        let notes: Vec<String> = self.notes.iter().map(Note::to_json).collect();
        let mut out = String::with_capacity(notes.iter().map(|n| n.len() + 2).sum::<usize>() + 32);
        out.push_str("{\"schema\":");
        out.push_str(&self.schema.to_string());
        out.push_str(",\"notes\":[");
        for (i, note) in notes.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(note);
        }
        out.push_str("\n]}\n");
        out
    }

    /// The notes' JSON, one by one, when `json` is laid out exactly as [`Library::to_json`]
    /// writes it (one note per line); `None` otherwise. Lets a caller key and skip notes
    /// without parsing them (see [`crate::sync::render::StoredNote`]).
    pub fn note_lines(json: &str) -> Option<Vec<&str>> {
        let body = json
            .strip_prefix("{\"schema\":1,\"notes\":[")?
            .strip_suffix("]}\n")?;
        if body == "\n" {
            return Some(Vec::new());
        }
        let body = body.strip_prefix('\n')?.strip_suffix('\n')?;
        let lines: Vec<&str> = body.split(",\n").collect();
        lines
            .iter()
            .all(|line| line.starts_with('{') && line.ends_with('}') && !line.contains('\n'))
            .then_some(lines)
    }

    pub fn get(&self, id: &str) -> Option<&Note> {
        self.notes.iter().find(|n| n.id == id)
    }

    /// Adds or merges one note.
    pub fn add(&mut self, note: Note) -> MergeReport {
        self.merge(Library {
            schema: LIBRARY_SCHEMA,
            notes: vec![note],
        })
    }

    /// Imports `other` into this library. A note this library lacks is added at the end; a
    /// note both have keeps every quote of both, once each (by quote id), in the order
    /// saved; where both have the same quote, or different titles, the note updated last
    /// wins. Deletions are not carried over: merging never loses a quote.
    pub fn merge(&mut self, other: Library) -> MergeReport {
        let mut index: HashMap<String, usize> = self
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), i))
            .collect();
        let mut report = MergeReport::default();
        let mut updated = vec![false; self.notes.len()];
        for note in other.notes {
            match index.get(&note.id) {
                None => {
                    report.notes_added += 1;
                    report.quotes_added += note.quotes.len();
                    index.insert(note.id.clone(), self.notes.len());
                    self.notes.push(note);
                    updated.push(false);
                }
                Some(&i) => {
                    let before = self.notes[i].clone();
                    report.quotes_added += merge_note(&mut self.notes[i], note);
                    if self.notes[i] != before && !updated[i] && i < updated.len() {
                        updated[i] = true;
                    }
                }
            }
        }
        report.notes_updated = updated.iter().filter(|&&u| u).count();
        report
    }
}

/// Merges `theirs` into `ours` (same id); returns how many quotes `ours` gained.
fn merge_note(ours: &mut Note, theirs: Note) -> usize {
    let theirs_newer = theirs.updated > ours.updated;
    let (mut base, other) = if theirs_newer {
        (theirs, std::mem::take(ours))
    } else {
        (std::mem::take(ours), theirs)
    };
    let mut gained = 0;
    let mut known: std::collections::HashSet<String> =
        base.quotes.iter().map(|q| q.id.clone()).collect();
    let ours_ids: std::collections::HashSet<String> = if theirs_newer {
        other.quotes.iter().map(|q| q.id.clone()).collect()
    } else {
        known.clone()
    };
    for url in other.urls().map(str::to_owned).collect::<Vec<_>>() {
        if url != base.id {
            base.add_alias(&url);
        }
    }
    let mut appended = false;
    for quote in other.quotes {
        if known.insert(quote.id.clone()) {
            base.quotes.push(quote);
            appended = true;
        }
    }
    if appended {
        // Stable: quotes saved at the same instant keep their order.
        base.quotes.sort_by(|a, b| a.created.cmp(&b.created));
    }
    gained += base
        .quotes
        .iter()
        .filter(|q| !ours_ids.contains(&q.id))
        .count();
    if other.created < base.created && !other.created.is_empty() {
        base.created = other.created;
    }
    *ours = base;
    gained
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::Quote;

    fn quote(id: &str, created: &str) -> Quote {
        Quote {
            id: id.into(),
            markdown: format!("Quote {id}"),
            text: format!("Quote {id}"),
            created: created.into(),
            ..Quote::default()
        }
    }

    fn note(id: &str, updated: &str, quotes: Vec<Quote>) -> Note {
        Note {
            schema: SCHEMA_VERSION,
            id: id.into(),
            url: id.into(),
            title: format!("Title of {id}"),
            created: "2024-01-01T00:00:00.000Z".into(),
            updated: updated.into(),
            quotes,
            ..Note::default()
        }
    }

    fn sample() -> Library {
        let mut library = Library::default();
        library.add(note(
            "https://a.example/1",
            "2024-01-02T00:00:00.000Z",
            vec![
                quote("q1", "2024-01-01T00:00:00.000Z"),
                quote("q2", "2024-01-02T00:00:00.000Z"),
            ],
        ));
        let mut second = note(
            "https://b.example/\"2\"",
            "2024-01-03T00:00:00.000Z",
            vec![],
        );
        second.title = "Ünïcode \u{1F600} \n and \"quotes\"".into();
        second.quotes.push(Quote {
            comment: "Mine.".into(),
            tags: vec!["t".into()],
            ..quote("q3", "T")
        });
        library.add(second);
        library
    }

    #[test]
    fn round_trips_exactly() {
        let library = sample();
        let json = library.to_json();
        let back = Library::from_json(&json).unwrap();
        assert_eq!(back, library);
        assert_eq!(back.to_json(), json);
    }

    #[test]
    fn note_lines_of_a_written_backup() {
        let library = sample();
        let json = library.to_json();
        let lines = Library::note_lines(&json).unwrap();
        let notes: Vec<String> = library.notes.iter().map(Note::to_json).collect();
        assert_eq!(lines, notes);
        assert_eq!(
            Library::note_lines(&Library::default().to_json()),
            Some(vec![])
        );
        assert_eq!(Library::note_lines(r#"{"notes":[],"schema":1}"#), None);
        assert_eq!(Library::note_lines(json.trim_end()), None);
        assert_eq!(Library::note_lines(&json.replace("[\n", "[ \n")), None);
    }

    #[test]
    fn importing_merges_without_duplicates() {
        let mut mine = sample();
        let mut theirs = Library::default();
        // The same note, one quote in common, one new, saved later elsewhere.
        theirs.add(note(
            "https://a.example/1",
            "2024-01-05T00:00:00.000Z",
            vec![
                quote("q2", "2024-01-02T00:00:00.000Z"),
                quote("q4", "2024-01-05T00:00:00.000Z"),
            ],
        ));
        theirs.add(note(
            "https://c.example/",
            "2024-01-01T00:00:00.000Z",
            vec![quote("q5", "T")],
        ));
        let report = mine.merge(theirs.clone());
        assert_eq!(
            report,
            MergeReport {
                notes_added: 1,
                notes_updated: 1,
                quotes_added: 2
            }
        );
        let ids: Vec<&str> = mine.notes[0].quotes.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["q1", "q2", "q4"]);
        assert_eq!(mine.notes.len(), 3);
        // Importing the same backup again changes nothing.
        let again = mine.clone();
        assert_eq!(mine.merge(theirs), MergeReport::default());
        assert_eq!(mine, again);
    }

    #[test]
    fn the_note_updated_last_wins_shared_quotes() {
        let mut mine = sample();
        let mut edited = mine.notes[0].clone();
        edited.quotes[0].comment = "Edited elsewhere".into();
        edited.updated = "2025-01-01T00:00:00.000Z".into();
        mine.merge(Library {
            schema: LIBRARY_SCHEMA,
            notes: vec![edited.clone()],
        });
        assert_eq!(mine.notes[0], edited);
        // An older copy does not undo it.
        let older = sample();
        assert_eq!(mine.merge(older).quotes_added, 0);
        assert_eq!(mine.notes[0].quotes[0].comment, "Edited elsewhere");
    }

    #[test]
    fn older_notes_are_migrated_and_newer_backups_refused() {
        let v1 = r#"{"schema":1,"notes":[{"schema":1,"id":"https://a.example/p","url":"https://a.example/p","title":"T","created":"T1","updated":"T2","quotes":[{"id":"q1","markdown":"a","text":"a","created":"T1"}]}]}"#;
        let library = Library::from_json(v1).unwrap();
        assert_eq!(library.notes[0].schema, SCHEMA_VERSION);
        assert_eq!(library.notes[0].quotes.len(), 1);
        assert_eq!(
            Library::from_json(r#"{"schema":9,"notes":[]}"#),
            Err(Error::UnsupportedSchema(9))
        );
        assert!(matches!(
            Library::from_json("{"),
            Err(Error::InvalidData(_))
        ));
        assert!(matches!(
            Library::from_json(r#"{"schema":1}"#),
            Err(Error::InvalidData(_))
        ));
    }
}
