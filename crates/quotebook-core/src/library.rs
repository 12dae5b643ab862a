//! The JSON backup of a whole library: every note, with a schema number. It is what the
//! extension exports, what sync keeps in `.quotebook/library.json`, and what the CLI reads.
//! Its format is documented in `docs/formats.md`.
//!
//! Reading migrates older notes; writing then reading gives back the very same library,
//! and the very same bytes. Importing a backup into a library that already holds some of
//! its notes merges them: no note and no quote twice, none lost.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::clip::ImageBytes;
use crate::error::Error;
use crate::note::Note;
use crate::template::{QuoteOrder, RenderOptions, Templates};
use crate::time;

/// Where the deletions start in a backup as [`Library::to_json`] writes it.
const DELETED_START: &str = "\n],\"deleted\":[\n";

/// Where the images start in a backup as [`Library::to_json`] writes it (after the notes
/// and the deletions).
const IMAGES_START: &str = "\n],\"images\":[\n";

/// A backup's text up to the `]` that closes its notes or its deletions: without its
/// images and its closing brace. `None` when it is not laid out as [`Library::to_json`]
/// writes it.
fn lists(json: &str) -> Option<&str> {
    match json.find(IMAGES_START) {
        Some(at) => json.ends_with("\n]}\n").then(|| &json[..at + 2]),
        None => json.strip_suffix("}\n"),
    }
}

/// `body` split into its lines (`,\n` between them), if each holds one JSON object.
fn one_per_line(body: &str) -> Option<Vec<&str>> {
    let lines: Vec<&str> = body.split(",\n").collect();
    lines
        .iter()
        .all(|line| line.starts_with('{') && line.ends_with('}') && !line.contains('\n'))
        .then_some(lines)
}

/// The schema of the backup file this version writes.
pub const LIBRARY_SCHEMA: u32 = 1;

/// Every note, in the order they were first saved, and what was deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Library {
    pub schema: u32,
    pub notes: Vec<Note>,
    /// Deletions (tombstones), sorted by id: merging a copy that still holds a deleted
    /// quote or note does not bring it back. See [`Library::delete_quote`].
    pub deleted: Vec<Deleted>,
    /// The bytes of the images the notes keep (see [`crate::note::ImageRef`]), sorted by
    /// hash, each once. The backup writes only those some note still keeps.
    pub images: Vec<ImageBytes>,
}

impl Default for Library {
    fn default() -> Self {
        Library {
            schema: LIBRARY_SCHEMA,
            notes: Vec::new(),
            deleted: Vec::new(),
            images: Vec::new(),
        }
    }
}

/// The reader's settings that shape files: templates, the file name pattern, the time zone
/// and language of dates, the order of quotes. A backup carries them (its `settings`), so
/// that the same backup gives the same files everywhere: the CLI's `export` and `sync` use
/// them unless told otherwise, and an import offers them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FileSettings {
    pub templates: Templates,
    pub file_name_pattern: String,
    pub tz_offset_minutes: i32,
    pub locale: String,
    pub quote_order: QuoteOrder,
    /// Whether images are kept as files, where, and how notes embed them. Absent from
    /// backups written before images were kept: those link images to their remote URLs.
    pub images: Option<crate::embed::ImageOptions>,
}

impl FileSettings {
    pub fn render_options(&self) -> RenderOptions {
        RenderOptions {
            tz_offset_minutes: self.tz_offset_minutes,
            locale: self.locale.clone(),
            quote_order: self.quote_order,
            images: self.images.clone().unwrap_or_default(),
        }
    }
}

/// How a backup's settings line starts, between its schema and its notes.
const SETTINGS_START: &str = "{\"schema\":1,\n\"settings\":";

/// An image as a backup holds it: `{"hash", "mime", "data"}`, `data` in base64 (the
/// standard alphabet, padded).
#[derive(Serialize, Deserialize)]
struct ImageLine<'a> {
    hash: std::borrow::Cow<'a, str>,
    mime: std::borrow::Cow<'a, str>,
    data: String,
}

/// Reads one image of a backup: its bytes must decode, be an image Quotebook keeps (within
/// [`crate::image::MAX_IMAGE`]), of the type it says, and hash to its name.
pub(crate) fn read_image_line(json: &str) -> Result<ImageBytes, String> {
    use base64::Engine;
    let line: ImageLine = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let name = &line.hash;
    // Refused before decoding: what it would decode to is over the limit.
    let decoded = line.data.len() / 4 * 3;
    if decoded > crate::image::MAX_IMAGE {
        return Err(format!(
            "image {name}: {}",
            crate::image::ImageError::TooLarge(decoded)
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(line.data.as_bytes())
        .map_err(|e| format!("image {name}: its data is not base64 ({e})"))?;
    let info = crate::image::inspect(&bytes).map_err(|e| format!("image {name}: {e}"))?;
    if info.hash != *line.hash {
        return Err(format!("image {name}: its bytes hash to {}", info.hash));
    }
    if info.mime != *line.mime {
        return Err(format!(
            "image {name}: said to be {}, its bytes are {}",
            line.mime, info.mime
        ));
    }
    Ok(ImageBytes {
        hash: info.hash,
        mime: info.mime,
        bytes,
    })
}

/// One image as a backup's line holds it (see [`Library::to_json`]).
pub fn image_line(image: &ImageBytes) -> String {
    use base64::Engine;
    serde_json::to_string(&ImageLine {
        hash: image.hash.as_str().into(),
        mime: image.mime.as_str().into(),
        data: base64::engine::general_purpose::STANDARD.encode(&image.bytes),
    })
    .expect("an image serialises")
}

/// A deletion, kept in the backup so that it travels to the other copies of the library.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Deleted {
    /// The deleted quote's id, or the deleted note's id.
    pub id: String,
    /// For a quote, the id of the note it was in; absent for a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When it was deleted (RFC 3339). A note's deletion removes its quotes saved until
    /// then, and the note when none is left; quotes saved later (the page quoted again)
    /// stay.
    pub at: String,
}

impl Deleted {
    fn key(&self) -> (bool, &str) {
        (self.note.is_some(), self.id.as_str())
    }
}

/// Whether the instant `a` is at or before `b` (RFC 3339; compared as text when either
/// does not parse).
fn at_or_before(a: &str, b: &str) -> bool {
    match (time::parse_instant(a), time::parse_instant(b)) {
        (Some(a), Some(b)) => a <= b,
        _ => a <= b,
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
    /// Quotes removed because one side deleted them (or their note).
    pub quotes_removed: usize,
    /// Quotes of the other side not taken: another note here holds their id.
    pub quotes_skipped: usize,
}

/// A backup as read: notes stay values until [`Note::from_value`] reads them, because only
/// a note's own `schema` says which shape the rest of it has (older ones are migrated).
#[derive(Deserialize)]
struct Any {
    schema: u64,
    notes: Vec<serde_json::Value>,
    #[serde(default)]
    deleted: Vec<Deleted>,
    #[serde(default)]
    images: Vec<Box<serde_json::value::RawValue>>,
}

impl Library {
    /// Reads a backup. Notes of older schemas are migrated, notes sharing an id merged;
    /// a backup or a note from a newer Quotebook is refused with [`Error::UnsupportedSchema`].
    pub fn from_json(json: &str) -> Result<Library, Error> {
        let invalid = |e: serde_json::Error| Error::InvalidData(format!("library backup: {e}"));
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
        let notes = any
            .notes
            .into_iter()
            .map(Note::from_value)
            .collect::<Result<Vec<_>, _>>()?;
        let deleted = any.deleted;
        let images = any
            .images
            .iter()
            .map(|raw| read_image_line(raw.get()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|why| Error::InvalidData(format!("library backup: {why}")))?;
        let mut library = Library::default();
        library.merge(Library {
            schema: LIBRARY_SCHEMA,
            notes,
            deleted,
            images,
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
        out.push_str("\n]");
        if !self.deleted.is_empty() {
            out.push_str(",\"deleted\":[");
            for (i, deleted) in self.deleted.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&serde_json::to_string(deleted).expect("a deletion serialises"));
            }
            out.push_str("\n]");
        }
        let live = crate::note::live_image_hashes(&self.notes);
        let mut first = true;
        for image in self
            .images
            .iter()
            .filter(|i| live.binary_search(&i.hash).is_ok())
        {
            out.push_str(if first { ",\"images\":[\n" } else { ",\n" });
            first = false;
            out.push_str(&image_line(image));
        }
        if !first {
            out.push_str("\n]");
        }
        out.push_str("}\n");
        out
    }

    /// Adds image bytes (already checked, as [`crate::image::inspect`] does), each hash once.
    pub fn add_images(&mut self, images: impl IntoIterator<Item = ImageBytes>) {
        for image in images {
            if let Err(at) = self.images.binary_search_by(|i| i.hash.cmp(&image.hash)) {
                self.images.insert(at, image);
            }
        }
    }

    /// The bytes kept under `hash`, if the library holds them.
    pub fn image(&self, hash: &str) -> Option<&ImageBytes> {
        self.images
            .binary_search_by(|i| i.hash.as_str().cmp(hash))
            .ok()
            .map(|at| &self.images[at])
    }

    /// Deletes a quote, remembering the deletion (at `now`) so that it travels.
    pub fn delete_quote(&mut self, quote_id: &str, now: &str) -> Result<(), Error> {
        let note = self
            .notes
            .iter()
            .find(|n| n.quotes.iter().any(|q| q.id == quote_id))
            .ok_or_else(|| Error::NotFound(quote_id.to_owned()))?
            .id
            .clone();
        self.record(vec![Deleted {
            id: quote_id.to_owned(),
            note: Some(note),
            at: now.to_owned(),
        }]);
        self.apply_deletions();
        Ok(())
    }

    /// Deletes a note and its quotes, remembering the deletion (at `now`).
    pub fn delete_note(&mut self, note_id: &str, now: &str) -> Result<(), Error> {
        if self.get(note_id).is_none() {
            return Err(Error::NotFound(note_id.to_owned()));
        }
        self.record(vec![Deleted {
            id: note_id.to_owned(),
            note: None,
            at: now.to_owned(),
        }]);
        self.apply_deletions();
        Ok(())
    }

    /// Adds deletions to the record: one per quote or note, the latest time kept, sorted.
    fn record(&mut self, deleted: Vec<Deleted>) {
        if deleted.is_empty() {
            return;
        }
        // Grouped by what they delete with a stable sort of their indices: each group
        // holds the record's entries, then the new ones, in order. Of the record's
        // entries the last counts; a new one replaces what is known unless it is not later.
        let mut all = std::mem::take(&mut self.deleted);
        let recorded = all.len();
        all.extend(deleted);
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by(|&a, &b| all[a].key().cmp(&all[b].key()));
        let mut kept: Vec<Deleted> = Vec::with_capacity(all.len());
        for i in order {
            let d = &all[i];
            match kept.last_mut() {
                Some(known) if known.key() == d.key() => {
                    if i < recorded || !at_or_before(&d.at, &known.at) {
                        *known = d.clone();
                    }
                }
                _ => kept.push(d.clone()),
            }
        }
        self.deleted = kept;
        self.deleted.sort();
    }

    /// Removes what the record says was deleted; returns how many quotes went (a note
    /// removed without quotes counts none).
    fn apply_deletions(&mut self) -> usize {
        Library::apply_to(&self.deleted, &mut self.notes)
    }

    /// Removes from `notes` what `deleted` records; returns how many quotes went.
    fn apply_to(deleted: &[Deleted], notes: &mut Vec<Note>) -> usize {
        if deleted.is_empty() {
            return 0;
        }
        let quotes: std::collections::HashSet<&str> = deleted
            .iter()
            .filter(|d| d.note.is_some())
            .map(|d| d.id.as_str())
            .collect();
        let deleted_notes: HashMap<&str, &str> = deleted
            .iter()
            .filter(|d| d.note.is_none())
            .map(|d| (d.id.as_str(), d.at.as_str()))
            .collect();
        let mut removed = 0;
        notes.retain_mut(|note| {
            let before = note.quotes.len();
            let deleted_at = deleted_notes.get(note.id.as_str()).copied();
            note.quotes.retain(|q| {
                !quotes.contains(q.id.as_str())
                    && !deleted_at.is_some_and(|at| at_or_before(&q.created, at))
            });
            removed += before - note.quotes.len();
            match deleted_at {
                Some(at) => {
                    !note.quotes.is_empty() || (before == 0 && !at_or_before(&note.created, at))
                }
                None => true,
            }
        });
        removed
    }

    /// The backup with the reader's file `settings` (see [`FileSettings`]) on a line of
    /// their own before the notes: `{"schema":1,\n"settings":{…},"notes":[…`.
    pub fn to_json_with(&self, settings: Option<&FileSettings>) -> String {
        let json = self.to_json();
        let Some(settings) = settings else {
            return json;
        };
        let settings = serde_json::to_string(settings).expect("settings serialise");
        let rest = json
            .strip_prefix("{\"schema\":1,")
            .expect("to_json starts with the schema");
        format!("{SETTINGS_START}{settings},{rest}")
    }

    /// The file settings a backup carries, if any. A backup laid out as
    /// [`Library::to_json_with`] writes it is read from its settings line alone.
    pub fn settings_of(json: &str) -> Result<Option<FileSettings>, Error> {
        let invalid = |e: serde_json::Error| Error::InvalidData(format!("backup settings: {e}"));
        if let Some(rest) = json.strip_prefix(SETTINGS_START)
            && let Some((line, _)) = rest.split_once(",\"notes\":[\n")
            && !line.contains('\n')
        {
            return serde_json::from_str(line).map(Some).map_err(invalid);
        }
        #[derive(Deserialize)]
        struct Only {
            #[serde(default)]
            settings: Option<FileSettings>,
        }
        serde_json::from_str::<Only>(json)
            .map(|only| only.settings)
            .map_err(invalid)
    }

    /// The notes' JSON, one by one, when `json` is laid out exactly as [`Library::to_json`]
    /// (or [`Library::to_json_with`]) writes it (one note per line); `None` otherwise. Lets
    /// a caller key and skip notes without parsing them (see
    /// [`crate::sync::render::StoredNote`]).
    pub fn note_lines(json: &str) -> Option<Vec<&str>> {
        let lists = lists(json)?;
        let body = match lists.strip_prefix(SETTINGS_START) {
            // The settings line holds no line break (JSON escapes them in strings), and
            // ends where the notes start.
            Some(rest) => {
                let end = rest.find('\n')?;
                rest[..end]
                    .ends_with(",\"notes\":[")
                    .then_some(&rest[end..])?
            }
            None => lists.strip_prefix("{\"schema\":1,\"notes\":[")?,
        };
        // The deletions, if any, follow the notes: `\n],"deleted":[\n…\n]`.
        let body = match body.find(DELETED_START) {
            Some(end) if body.ends_with("\n]") => &body[..end + 1],
            _ => body.strip_suffix(']')?,
        };
        if body == "\n" {
            return Some(Vec::new());
        }
        let body = body.strip_prefix('\n')?.strip_suffix('\n')?;
        one_per_line(body)
    }

    /// The deletions' JSON, one by one, in a backup laid out as [`Library::to_json`] writes
    /// it (empty when it has none); `None` when it is laid out otherwise.
    pub fn deleted_lines(json: &str) -> Option<Vec<&str>> {
        Library::note_lines(json)?;
        let lists = lists(json)?;
        let Some(start) = lists.find(DELETED_START) else {
            return Some(Vec::new());
        };
        one_per_line(lists[start + DELETED_START.len()..].strip_suffix("\n]")?)
    }

    /// The images' JSON, one by one, in a backup laid out as [`Library::to_json`] writes it
    /// (empty when it has none); `None` when it is laid out otherwise.
    pub fn image_lines(json: &str) -> Option<Vec<&str>> {
        Library::note_lines(json)?;
        let Some(start) = json.find(IMAGES_START) else {
            return Some(Vec::new());
        };
        one_per_line(json[start + IMAGES_START.len()..].strip_suffix("\n]}\n")?)
    }

    /// Applies the deletions `other` records to this library (and records them): what
    /// another copy deleted goes here too.
    pub(crate) fn forget_deleted(&mut self, other: &Library) -> usize {
        self.record(other.deleted.clone());
        self.apply_deletions()
    }

    pub fn get(&self, id: &str) -> Option<&Note> {
        self.notes.iter().find(|n| n.id == id)
    }

    /// Adds or merges one note.
    pub fn add(&mut self, note: Note) -> MergeReport {
        self.merge(Library {
            notes: vec![note],
            ..Library::default()
        })
    }

    /// Imports `other` into this library. A note this library lacks is added at the end; a
    /// note both have keeps every quote of both, once each (by quote id), in the order
    /// saved; where both have the same quote, or different titles, the note updated last
    /// wins, except that a note keeps this library's id, URL and canonical URL, and a quote
    /// this library holds keeps its text (only its comment and tags follow the newer copy).
    /// A quote of `other` whose id another note here holds is not taken. Deletions recorded
    /// on either side are applied: a quote (or a note) deleted in one copy does not come
    /// back from another; nothing else is ever removed.
    ///
    /// `other` is taken as it is: a backup from elsewhere is read by
    /// [`crate::backup::read_backup`], which refuses deletions and times it must not trust.
    pub fn merge(&mut self, other: Library) -> MergeReport {
        let mut report = MergeReport::default();
        // Where each note we hold points, kept even if a deletion removes the note now:
        // a note of the same id from `other` does not move it elsewhere.
        let places: HashMap<String, (String, Option<String>)> = if other.deleted.is_empty() {
            HashMap::new()
        } else {
            self.notes
                .iter()
                .map(|n| (n.id.clone(), (n.url.clone(), n.canonical.clone())))
                .collect()
        };
        // One id, one quote: which note holds each quote id here, before the deletions.
        let holders: HashMap<String, String> = self
            .notes
            .iter()
            .flat_map(|n| n.quotes.iter().map(|q| (q.id.clone(), n.id.clone())))
            .collect();
        self.add_images(other.images);
        // What either side deleted goes from both, before the notes meet.
        self.record(other.deleted);
        report.quotes_removed = self.apply_deletions();
        let mut other_notes = other.notes;
        Library::apply_to(&self.deleted, &mut other_notes);
        if !holders.is_empty() {
            // A quote id another note holds here is not taken, so that a deletion of it, or
            // an edit, can never reach a quote it was not meant for; nor is one that a
            // deletion just removed here (the same id does not come back with other text).
            let held: std::collections::HashSet<&str> = self
                .notes
                .iter()
                .flat_map(|n| n.quotes.iter().map(|q| q.id.as_str()))
                .collect();
            other_notes.retain_mut(|note| {
                let before = note.quotes.len();
                let id = note.id.as_str();
                note.quotes.retain(|q| match holders.get(&q.id) {
                    None => true,
                    Some(holder) => holder == id && held.contains(q.id.as_str()),
                });
                report.quotes_skipped += before - note.quotes.len();
                // A note that came only with such quotes brings nothing.
                before == 0 || !note.quotes.is_empty()
            });
        }
        let mut index: HashMap<String, usize> = self
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), i))
            .collect();
        let mut updated = vec![false; self.notes.len()];
        for mut note in other_notes {
            match index.get(&note.id) {
                None => {
                    if let Some((url, canonical)) = places.get(&note.id) {
                        let their_url = std::mem::replace(&mut note.url, url.clone());
                        let their_canonical =
                            std::mem::replace(&mut note.canonical, canonical.clone());
                        let (id, url, canonical) = (&note.id, &note.url, &note.canonical);
                        note.aliases
                            .retain(|a| a != id && a != url && Some(a) != canonical.as_ref());
                        for alias in std::iter::once(their_url).chain(their_canonical) {
                            note.add_alias(&alias);
                        }
                    }
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
///
/// Every quote `ours` holds stays, as it is (a newer copy brings only its comment and
/// tags); `theirs` adds the quotes whose ids `ours` lacks. The note's other fields come
/// from the copy updated last, but never its id, URL or canonical URL.
fn merge_note(ours: &mut Note, mut theirs: Note) -> usize {
    let theirs_newer = !at_or_before(&theirs.updated, &ours.updated);
    let mut quotes = std::mem::take(&mut ours.quotes);
    let their_quotes = std::mem::take(&mut theirs.quotes);
    if theirs_newer {
        let by_id: HashMap<&str, &crate::note::Quote> =
            their_quotes.iter().map(|q| (q.id.as_str(), q)).collect();
        for quote in &mut quotes {
            if let Some(newer) = by_id.get(quote.id.as_str()) {
                quote.comment.clone_from(&newer.comment);
                quote.tags.clone_from(&newer.tags);
            }
        }
    }
    // Bytes kept on either side stay kept: an image one copy fetched fills the other's.
    for quote in &mut quotes {
        let Some(theirs) = their_quotes.iter().find(|q| q.id == quote.id) else {
            continue;
        };
        for image in quote.images.iter_mut().filter(|i| i.hash.is_none()) {
            if let Some(kept) = theirs
                .images
                .iter()
                .find(|t| t.url == image.url && t.hash.is_some())
            {
                *image = kept.clone();
            }
        }
    }
    let mut known: std::collections::HashSet<String> =
        quotes.iter().map(|q| q.id.clone()).collect();
    let mut gained = 0;
    for quote in their_quotes {
        if known.insert(quote.id.clone()) {
            quotes.push(quote);
            gained += 1;
        }
    }
    if gained > 0 {
        // Stable: quotes saved at the same instant keep their order.
        crate::note::sort_quotes(&mut quotes);
    }
    let (mut base, other) = if theirs_newer {
        // Where the note's page is ("Open page", the file's source) is ours to say: the
        // newer copy's URLs are only other ways the page was reached.
        let their_url = std::mem::replace(&mut theirs.url, ours.url.clone());
        let their_canonical = std::mem::replace(&mut theirs.canonical, ours.canonical.clone());
        theirs.id.clone_from(&ours.id);
        let (id, url, canonical) = (&theirs.id, &theirs.url, &theirs.canonical);
        theirs
            .aliases
            .retain(|a| a != id && a != url && Some(a) != canonical.as_ref());
        for url in std::iter::once(their_url).chain(their_canonical) {
            theirs.add_alias(&url);
        }
        (theirs, std::mem::take(ours))
    } else {
        (std::mem::take(ours), theirs)
    };
    for url in other.urls().map(str::to_owned).collect::<Vec<_>>() {
        if url != base.id {
            base.add_alias(&url);
        }
    }
    if other.created < base.created && !other.created.is_empty() {
        base.created = other.created;
    }
    base.quotes = quotes;
    *ours = base;
    gained
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::{Quote, SCHEMA_VERSION};

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
    fn a_backup_carries_the_settings_that_shape_files() {
        let library = sample();
        let settings = FileSettings {
            templates: Templates {
                note: "# {{ title }}\n{% for q in quotes %}{{ q.rendered }}{% endfor %}".into(),
                quote: "* {{ quote }}\n".into(),
            },
            file_name_pattern: "{site}/{title}".into(),
            tz_offset_minutes: -300,
            locale: "fr".into(),
            quote_order: QuoteOrder::Page,
            images: None,
        };
        let json = library.to_json_with(Some(&settings));
        assert!(
            json.starts_with("{\"schema\":1,\n\"settings\":{\"templates\":"),
            "{json}"
        );
        assert_eq!(Library::settings_of(&json).unwrap(), Some(settings.clone()));
        // The notes read as before, by the fast path too, and the settings are no note.
        assert_eq!(Library::from_json(&json).unwrap(), library);
        assert_eq!(
            Library::note_lines(&json),
            Library::note_lines(&library.to_json())
        );
        assert!(Library::note_lines(&json).is_some());
        // Without settings: the backup of before, byte for byte.
        assert_eq!(library.to_json_with(None), library.to_json());
        assert_eq!(Library::settings_of(&library.to_json()).unwrap(), None);
        // Laid out otherwise (pretty-printed by another tool), still read.
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(
            Library::settings_of(&pretty).unwrap(),
            Some(settings.clone())
        );
        assert_eq!(Library::note_lines(&pretty), None);
        // Fields left out take their defaults; a wrong type is refused.
        assert_eq!(
            Library::settings_of(
                r#"{"schema":1,"settings":{"fileNamePattern":"{id}"},"notes":[]}"#
            )
            .unwrap()
            .unwrap()
            .file_name_pattern,
            "{id}"
        );
        assert!(
            Library::settings_of(r#"{"schema":1,"settings":{"tzOffsetMinutes":"x"},"notes":[]}"#)
                .is_err()
        );
        // A library with deletions keeps them after the settings.
        let mut deleting = library.clone();
        deleting.deleted.push(Deleted {
            id: "gone".into(),
            note: None,
            at: "2024-01-01T00:00:00Z".into(),
        });
        let json = deleting.to_json_with(Some(&settings));
        assert_eq!(Library::deleted_lines(&json).unwrap().len(), 1);
        assert_eq!(Library::from_json(&json).unwrap(), deleting);
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
                quotes_added: 2,
                quotes_removed: 0,
                quotes_skipped: 0,
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
            notes: vec![edited.clone()],
            ..Library::default()
        });
        assert_eq!(mine.notes[0], edited);
        // An older copy does not undo it.
        let older = sample();
        assert_eq!(mine.merge(older).quotes_added, 0);
        assert_eq!(mine.notes[0].quotes[0].comment, "Edited elsewhere");
    }

    #[test]
    fn a_deleted_quote_does_not_come_back_from_another_copy() {
        // Two machines start from the same library.
        let mut here = sample();
        let mut there = sample();
        here.delete_quote("q1", "2024-02-01T00:00:00.000Z").unwrap();
        assert_eq!(
            here.deleted,
            [Deleted {
                id: "q1".into(),
                note: Some("https://a.example/1".into()),
                at: "2024-02-01T00:00:00.000Z".into(),
            }]
        );
        // The other machine saves a new quote meanwhile, then imports this backup: the
        // deleted quote goes, its own new quote stays.
        there.notes[0]
            .quotes
            .push(quote("q9", "2024-03-01T00:00:00.000Z"));
        let report = there.merge(Library::from_json(&here.to_json()).unwrap());
        assert_eq!(report.quotes_removed, 1);
        let ids: Vec<&str> = there.notes[0]
            .quotes
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(ids, ["q2", "q9"]);
        // And the other way round: importing the other copy here does not revive it.
        let before = here.clone();
        let report = here.merge(sample());
        assert_eq!((report.quotes_added, report.quotes_removed), (0, 0));
        assert_eq!(here, before);
        // The record travels, exactly, in the backup.
        let json = there.to_json();
        assert!(
            json.contains("\n],\"deleted\":[\n{\"id\":\"q1\",\"note\":\"https://a.example/1\"")
        );
        let back = Library::from_json(&json).unwrap();
        assert_eq!(back, there);
        assert_eq!(back.to_json(), json);
        assert_eq!(Library::note_lines(&json).unwrap().len(), 2);
        assert_eq!(Library::deleted_lines(&json).unwrap().len(), 1);
        assert_eq!(Library::deleted_lines(&sample().to_json()), Some(vec![]));
    }

    #[test]
    fn a_deleted_note_keeps_only_quotes_saved_after_its_deletion() {
        let mut here = sample();
        here.delete_note("https://a.example/1", "2024-02-01T00:00:00.000Z")
            .unwrap();
        assert!(here.get("https://a.example/1").is_none());
        assert!(here.delete_note("https://nowhere.example/", "T").is_err());
        assert!(here.delete_quote("q-none", "T").is_err());
        // A stale copy brings nothing back.
        let mut stale = sample();
        stale.merge(here.clone());
        assert!(stale.get("https://a.example/1").is_none());
        assert_eq!(stale.notes.len(), 1);
        // The page quoted again later, on a machine that still had the note: only the new
        // quote survives the merge.
        let mut later = sample();
        later.notes[0]
            .quotes
            .push(quote("q7", "2024-05-01T00:00:00.000Z"));
        here.merge(later);
        let ids: Vec<&str> = here
            .get("https://a.example/1")
            .unwrap()
            .quotes
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(ids, ["q7"]);
        // Deletions merge: one per id, the latest time.
        let mut other = Library::default();
        other.deleted.push(Deleted {
            id: "https://a.example/1".into(),
            note: None,
            at: "2024-06-01T00:00:00.000Z".into(),
        });
        here.merge(other);
        assert_eq!(here.deleted.len(), 1);
        assert_eq!(here.deleted[0].at, "2024-06-01T00:00:00.000Z");
        assert!(here.get("https://a.example/1").is_none());
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

    /// Unreadable data is refused with serde_json's own wording, after the name of what
    /// was being read: syntax errors and typed errors alike say where in the text.
    #[test]
    fn unreadable_data_says_what_and_where() {
        let message = |json: &str| Library::from_json(json).unwrap_err().to_string();
        assert_eq!(
            message("{"),
            "unreadable data: library backup: EOF while parsing an object at line 1 column 1"
        );
        assert_eq!(
            message(r#"{"schema":"1","notes":[]}"#),
            "unreadable data: library backup: invalid type: string \"1\", expected u64 \
             at line 1 column 13"
        );
        assert_eq!(
            message(r#"{"schema":1}"#),
            "unreadable data: library backup: missing field `notes` at line 1 column 12"
        );
        // A note is read from its value once its schema is known: no position there.
        assert_eq!(
            message(r#"{"schema":1,"notes":[{"schema":2,"quotes":{}}]}"#),
            "unreadable data: invalid type: map, expected a sequence"
        );
        assert_eq!(
            Note::from_json("7").unwrap_err().to_string(),
            "unreadable data: a note without a schema number"
        );
        assert_eq!(
            crate::ClipRequest::from_json(r#"{"capture":"x"}"#)
                .unwrap_err()
                .to_string(),
            "unreadable data: invalid type: string \"x\", expected struct Capture \
             at line 1 column 14"
        );
        assert_eq!(Library::from_json("{}").unwrap_err().code(), "invalid_data");
    }

    /// serde_json's way to read a struct: from an object, and also from an array of its
    /// fields in order. Nothing of ours writes that form; reading it does no harm.
    #[test]
    fn a_struct_may_be_written_as_an_array_of_its_fields() {
        let library =
            Library::from_json(r#"{"schema":1,"notes":[],"deleted":[["a",null,"t"]]}"#).unwrap();
        assert_eq!(
            library.deleted,
            [Deleted {
                id: "a".into(),
                note: None,
                at: "t".into(),
            }]
        );
    }

    #[test]
    fn the_record_keeps_one_deletion_per_item_the_latest_sorted() {
        let d = |id: &str, note: Option<&str>, at: &str| Deleted {
            id: id.into(),
            note: note.map(Into::into),
            at: at.into(),
        };
        let mut library = Library {
            // Read from a backup as written: the record's own duplicate (q1) keeps its last.
            deleted: vec![
                d("q1", Some("n"), "2024-05-01T00:00:00Z"),
                d("q2", Some("n"), "2024-05-01T00:00:00Z"),
                d("q1", Some("n"), "2024-01-01T00:00:00Z"),
                d("n", None, "2024-03-01T00:00:00Z"),
            ],
            ..Library::default()
        };
        library.record(vec![
            // Later than the record's: replaces it.
            d("q1", Some("n"), "2024-02-01T00:00:00Z"),
            // Earlier or the same: the record's stays.
            d("q2", Some("n"), "2024-04-01T00:00:00Z"),
            d("n", None, "2024-03-01T00:00:00Z"),
            // The same id as a note and as a quote: two items.
            d("q3", None, "2024-06-01T00:00:00Z"),
            d("q3", Some("n"), "2024-06-02T00:00:00Z"),
            // Two new ones for one item: the later counts, whatever their order.
            d("q4", Some("n"), "2024-07-02T00:00:00Z"),
            d("q4", Some("n"), "2024-07-01T00:00:00Z"),
        ]);
        assert_eq!(
            library.deleted,
            [
                d("n", None, "2024-03-01T00:00:00Z"),
                d("q1", Some("n"), "2024-02-01T00:00:00Z"),
                d("q2", Some("n"), "2024-05-01T00:00:00Z"),
                d("q3", None, "2024-06-01T00:00:00Z"),
                d("q3", Some("n"), "2024-06-02T00:00:00Z"),
                d("q4", Some("n"), "2024-07-02T00:00:00Z"),
            ]
        );
    }
}
