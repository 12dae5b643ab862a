//! A backup from elsewhere, before it meets our notes: a file the reader imports, the
//! library `quotebook sync --from` is given, a synced folder's `.quotebook/library.json`.
//! Every merge of such a backup reads it through [`read_backup`], which refuses a time
//! that is not RFC 3339 or lies in the future, naming the line it came from; and an import
//! is first shown as a dry run, [`plan_import`]: what it adds, changes and removes.
//!
//! The core has no clock: `now` is passed in.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::clip::ImageBytes;
use crate::error::Error;
use crate::library::{Deleted, FileSettings, LIBRARY_SCHEMA, Library};
use crate::note::Note;
use crate::time;

/// How far ahead of `now` a time in a backup may be: another machine's clock may be that
/// much ahead of ours. Past it, a time is refused: a note "updated" in the year 9999 would
/// win every merge, and a deletion dated then would delete every quote saved until then.
pub const CLOCK_SKEW_MS: i64 = 24 * 60 * 60 * 1000;

/// A backup as read here: its notes and deletions kept as their text, so that each can be
/// named by the line it starts on.
#[derive(Deserialize)]
struct Raw<'a> {
    schema: u64,
    #[serde(borrow)]
    notes: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    deleted: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    images: Vec<&'a RawValue>,
}

/// The line (1-based) of `part`, a slice of `json`.
fn line_of(json: &str, part: &str) -> usize {
    let offset = (part.as_ptr() as usize).saturating_sub(json.as_ptr() as usize);
    json.as_bytes()[..offset.min(json.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Checks one time of a backup: RFC 3339, and no later than `now` plus [`CLOCK_SKEW_MS`].
fn check_time(what: &str, value: &str, now: i64) -> Result<(), String> {
    match time::parse_rfc3339(value) {
        None => Err(format!("{what} {value:?} is not an RFC 3339 time")),
        Some(t) if t > now.saturating_add(CLOCK_SKEW_MS) => Err(format!(
            "{what} {value:?} is in the future (more than a day after {})",
            time::format_rfc3339(now)
        )),
        Some(_) => Ok(()),
    }
}

/// Every time a note holds: its own and its quotes'.
fn check_note(note: &Note, now: i64) -> Result<(), String> {
    check_time("its \"created\"", &note.created, now)?;
    check_time("its \"updated\"", &note.updated, now)?;
    for quote in &note.quotes {
        check_time(
            &format!("the \"created\" of its quote {:?}", quote.id),
            &quote.created,
            now,
        )?;
    }
    Ok(())
}

/// Reads a backup from elsewhere as [`Library::from_json`] does, and refuses it whole,
/// naming the line, if a note, quote or deletion holds a time that is not RFC 3339 or is
/// more than [`CLOCK_SKEW_MS`] after `now` (an RFC 3339 instant).
pub fn read_backup(json: &str, now: &str) -> Result<Library, Error> {
    let now = time::parse_rfc3339(now)
        .ok_or_else(|| Error::InvalidData(format!("the time now {now:?} is not RFC 3339")))?;
    // The reading errors are the library's own (the schema first, with serde's positions).
    let raw = match serde_json::from_str::<Raw>(json) {
        Ok(raw) if raw.schema == u64::from(LIBRARY_SCHEMA) => raw,
        _ => return Library::from_json(json).and_then(|_| unreachable_layout()),
    };
    let at = |part: &RawValue, what: String| {
        Error::InvalidData(format!("line {}: {what}", line_of(json, part.get())))
    };
    let mut notes = Vec::with_capacity(raw.notes.len());
    for (i, part) in raw.notes.iter().enumerate() {
        let note = Note::from_json(part.get()).map_err(|e| match e {
            Error::InvalidData(why) => at(part, format!("note {}: {why}", i + 1)),
            other => other,
        })?;
        check_note(&note, now)
            .map_err(|why| at(part, format!("note {} ({}): {why}", i + 1, note.id)))?;
        notes.push(note);
    }
    let mut deleted = Vec::with_capacity(raw.deleted.len());
    for (i, part) in raw.deleted.iter().enumerate() {
        let d: Deleted = serde_json::from_str(part.get())
            .map_err(|e| at(part, format!("deletion {}: {e}", i + 1)))?;
        check_time("its time", &d.at, now)
            .map_err(|why| at(part, format!("deletion {} ({}): {why}", i + 1, d.id)))?;
        deleted.push(d);
    }
    let mut images = Vec::with_capacity(raw.images.len());
    for (i, part) in raw.images.iter().enumerate() {
        let image = crate::library::read_image_line(part.get())
            .map_err(|why| at(part, format!("image {}: {why}", i + 1)))?;
        images.push(image);
    }
    let mut library = Library::default();
    library.merge(Library {
        schema: LIBRARY_SCHEMA,
        notes,
        deleted,
        images,
    });
    Ok(library)
}

/// A backup that [`Library::from_json`] reads but our raw reading does not: none is known;
/// refused rather than read unchecked.
fn unreachable_layout() -> Result<Library, Error> {
    Err(Error::InvalidData(
        "library backup: its notes and deletions are not lists".into(),
    ))
}

/// A note the import adds or changes, as the dry run lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteChange {
    pub id: String,
    pub title: String,
    pub url: String,
    /// Quotes the note gains.
    pub quotes_added: usize,
    /// Quotes it loses (through the trash).
    pub quotes_removed: usize,
    /// For a changed note, what else changes: field names of the note (`title`,
    /// `authors`, …), and `comments` or `tags` when a quote's change.
    pub fields: Vec<String>,
}

/// A note or quote the import removes (a deletion recorded in the backup). It goes to
/// the trash, from which it can be restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Removal {
    /// The note removed, or the note of the quote removed.
    pub note: String,
    pub title: String,
    /// The quote removed; `None` when the whole note goes.
    pub quote: Option<String>,
    /// The quote's text, for the reader to recognise it.
    pub text: Option<String>,
    /// The time of the deletion that removes it.
    pub at: String,
}

/// The dry run of an import: what it would do to the stored notes, and the notes after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportPlan {
    pub added: Vec<NoteChange>,
    pub changed: Vec<NoteChange>,
    pub removed: Vec<Removal>,
    /// Quotes of the backup not taken, because another of our notes holds their id.
    pub quotes_skipped: usize,
    /// Fields of the backup besides its notes, deletions and settings (from another tool):
    /// the import names what it leaves.
    pub ignored: Vec<String>,
    /// The file settings the backup carries (templates, file name pattern, time zone…),
    /// for the reader to apply or not: the notes' import never changes a setting.
    pub settings: Option<FileSettings>,
    /// Every note after the import, in the library's order.
    pub notes: Vec<Note>,
    /// The backup's deletions that removed nothing here, to keep so that they travel on
    /// to a synced folder (those that removed something travel with their trash entries).
    pub deleted: Vec<Deleted>,
    /// The bytes of the images the notes after the import keep, that the backup carried.
    pub images: Vec<ImageBytes>,
}

/// The quote fields a change is listed by, beside the note's own.
fn changed_fields(before: &Note, after: &Note) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    let mut fields: BTreeSet<String> = a
        .iter()
        .filter(|(k, v)| !matches!(k.as_str(), "quotes" | "updated") && b.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    let theirs: HashMap<&str, &crate::note::Quote> =
        after.quotes.iter().map(|q| (q.id.as_str(), q)).collect();
    for quote in &before.quotes {
        if let Some(q) = theirs.get(quote.id.as_str()) {
            if q.comment != quote.comment {
                fields.insert("comments".into());
            }
            if q.tags != quote.tags {
                fields.insert("tags".into());
            }
        }
    }
    fields.into_iter().collect()
}

/// The dry run of importing `backup` (a backup's text, read by [`read_backup`] at `now`)
/// into the stored notes (any schema, notes sharing an id merged).
pub fn plan_import(stored: Vec<Note>, backup: &str, now: &str) -> Result<ImportPlan, Error> {
    let theirs = read_backup(backup, now)?;
    let ignored = match serde_json::from_str::<serde_json::Value>(backup) {
        Ok(serde_json::Value::Object(map)) => map
            .keys()
            .filter(|k| {
                !matches!(
                    k.as_str(),
                    "schema" | "notes" | "deleted" | "settings" | "images"
                )
            })
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let mut library = Library::default();
    library.merge(Library {
        notes: stored,
        ..Library::default()
    });
    let before = library.clone();
    let report = library.merge(theirs);

    let after: HashMap<&str, &Note> = library.notes.iter().map(|n| (n.id.as_str(), n)).collect();
    let deletion_of = |note: &str, quote: Option<&str>| -> Option<&Deleted> {
        let by_quote = quote.and_then(|q| {
            library
                .deleted
                .iter()
                .find(|d| d.note.is_some() && d.id == q)
        });
        by_quote.or_else(|| {
            library
                .deleted
                .iter()
                .find(|d| d.note.is_none() && d.id == note)
        })
    };
    let mut used: BTreeSet<&Deleted> = BTreeSet::new();
    let mut removed = Vec::new();
    let mut changed = Vec::new();
    for note in &before.notes {
        match after.get(note.id.as_str()) {
            None => {
                let d = deletion_of(&note.id, None);
                used.extend(d);
                removed.push(Removal {
                    note: note.id.clone(),
                    title: note.title.clone(),
                    quote: None,
                    text: None,
                    at: d.map(|d| d.at.clone()).unwrap_or_default(),
                });
            }
            Some(now) if *now != note => {
                let kept: BTreeSet<&str> = now.quotes.iter().map(|q| q.id.as_str()).collect();
                let had: BTreeSet<&str> = note.quotes.iter().map(|q| q.id.as_str()).collect();
                // By id and text: a note may hold one id twice, and lose one of the two.
                let kept_quotes: BTreeSet<(&str, &str)> = now
                    .quotes
                    .iter()
                    .map(|q| (q.id.as_str(), q.text.as_str()))
                    .collect();
                let mut quotes_removed = 0;
                for quote in note
                    .quotes
                    .iter()
                    .filter(|q| !kept_quotes.contains(&(q.id.as_str(), q.text.as_str())))
                {
                    let d = deletion_of(&note.id, Some(&quote.id));
                    used.extend(d);
                    quotes_removed += 1;
                    removed.push(Removal {
                        note: note.id.clone(),
                        title: note.title.clone(),
                        quote: Some(quote.id.clone()),
                        text: Some(quote.text.clone()),
                        at: d.map(|d| d.at.clone()).unwrap_or_default(),
                    });
                }
                changed.push(NoteChange {
                    id: now.id.clone(),
                    title: now.title.clone(),
                    url: now.url.clone(),
                    quotes_added: kept.iter().filter(|id| !had.contains(*id)).count(),
                    quotes_removed,
                    fields: changed_fields(note, now),
                });
            }
            Some(_) => {}
        }
    }
    let known: BTreeSet<&str> = before.notes.iter().map(|n| n.id.as_str()).collect();
    let added = library
        .notes
        .iter()
        .filter(|n| !known.contains(n.id.as_str()))
        .map(|n| NoteChange {
            id: n.id.clone(),
            title: n.title.clone(),
            url: n.url.clone(),
            quotes_added: n.quotes.len(),
            quotes_removed: 0,
            fields: Vec::new(),
        })
        .collect();
    let deleted = library
        .deleted
        .iter()
        .filter(|d| !used.contains(d))
        .cloned()
        .collect();
    Ok(ImportPlan {
        added,
        changed,
        removed,
        quotes_skipped: report.quotes_skipped,
        ignored,
        settings: Library::settings_of(backup)?,
        deleted,
        images: {
            let live = crate::note::live_image_hashes(&library.notes);
            library
                .images
                .into_iter()
                .filter(|i| live.binary_search(&i.hash).is_ok())
                .collect()
        },
        notes: library.notes,
    })
}
