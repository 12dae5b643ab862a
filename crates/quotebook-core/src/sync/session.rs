//! One sync session, the same for every front end (the CLI, the native host, the File
//! System Access backend through the wasm module): read the state and the folder's backup
//! through a [`Folder`], merge the library given into that backup, apply the deletions
//! recorded there to the notes given, plan, and report.
//!
//! The session does no I/O of its own and reads no clock: the front end reads the folder
//! (a real one, or a snapshot), carries out [`Session::writes`] and tells
//! [`Session::finish`] which of them failed; the [`Report`] then says what to save in
//! `.quotebook/` and what to tell the reader.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::render::{LazyNote, StoredNote};
use super::{
    ConflictReason, Decision, Entry, Folder, LIBRARY_PATH, Options, Outcome, Pattern, Plan,
    Resolution, STATE_PATH, Skip, Summary, SyncState, Write, plan,
};
use crate::backup::read_backup;
use crate::embed::{AttachmentFile, ImageOptions, attachment_files};
use crate::library::{FileSettings, Library};
use crate::note::Note;
use crate::template::{QuoteOrder, RenderOptions, TemplateError, Templates};

/// How to sync: the fields of the host's `sync` message and of the wasm `sync_plan`
/// options, and what the CLI's flags give.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// `None` (or `null`) for the default templates.
    pub templates: Option<Templates>,
    /// The file name pattern for new files; empty: the one the folder was synced with.
    pub pattern: Option<String>,
    /// Minutes east of UTC, for dates in names and notes.
    pub tz_offset_minutes: i32,
    /// The language of dates and words in the templates (English when empty).
    pub locale: String,
    /// The order of each note's quotes.
    pub quote_order: QuoteOrder,
    /// Recreate the files the reader deleted.
    pub restore: bool,
    /// A synced file's path, or `all`: overwrite the reader's edits there.
    pub overwrite: Option<String>,
    /// A synced file's path, or `all`: keep the reader's version there.
    pub keep: Option<String>,
    /// How kept images are written (off by default: notes link the remote URLs).
    pub images: ImageOptions,
    /// The front end writes every attachment itself, from its own store (the extension:
    /// its folder snapshot holds text files only): the session lists them all
    /// ([`Session::attachments`]) and reads none of them.
    #[serde(skip)]
    pub front_end_attachments: bool,
}

impl Settings {
    /// The render options for notes named by `pattern`: CommonMark embeds climb out of
    /// the pattern's folders.
    fn render_options(&self, pattern: &Pattern) -> RenderOptions {
        let source = pattern.as_str();
        let note_folder = source
            .rfind(['/', '\\'])
            .map_or("", |at| &source[..at])
            .to_owned();
        RenderOptions {
            tz_offset_minutes: self.tz_offset_minutes,
            locale: self.locale.clone(),
            quote_order: self.quote_order,
            images: ImageOptions {
                note_folder,
                ..self.images.clone()
            },
        }
    }
}

/// A kept image the notes embed: written by the session when it has the bytes and nothing
/// is at its path; else listed for the front end, which has the bytes (the extension's
/// store) and writes the file only where none is.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Attachment {
    file: AttachmentFile,
    bytes: Option<Vec<u8>>,
}

/// Why a session could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionError {
    /// A file of `.quotebook/` is a link, a folder or unreadable.
    Unreadable { path: &'static str, why: String },
    /// The state, the folder's backup or the library given does not read: which, and why.
    InvalidData { what: String, why: String },
    /// The file name pattern does not parse.
    InvalidPattern(String),
    /// `overwrite` or `keep` names a path no note was synced to.
    NoSyncedFile { choice: &'static str, path: String },
    /// No library was given and the folder holds no backup.
    NoLibrary,
}

impl SessionError {
    /// The stable code the extension translates.
    pub fn code(&self) -> &'static str {
        match self {
            SessionError::InvalidPattern(_) => "invalid_pattern",
            SessionError::Unreadable { .. } => "sync_state",
            _ => "invalid_data",
        }
    }
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Unreadable { path, why } => write!(f, "cannot read {path}: {why}"),
            SessionError::InvalidData { what, why } => write!(f, "{what}: {why}"),
            SessionError::InvalidPattern(why) => f.write_str(why),
            SessionError::NoSyncedFile { choice, path } => {
                write!(f, "no synced file at {path:?} to {choice}")
            }
            SessionError::NoLibrary => write!(f, "the folder has no {LIBRARY_PATH} yet"),
        }
    }
}

impl std::error::Error for SessionError {}

/// A planned session: what to write, and what will be reported once written.
#[derive(Debug, Clone)]
pub struct Session {
    plan: Plan,
    /// The state as read (after dropping unsafe entries).
    previous: SyncState,
    /// The state file must be written even if the state did not change: it was missing,
    /// or entries were dropped when reading it.
    save_state: bool,
    backup: Option<String>,
    warnings: Vec<String>,
    template_error: Option<TemplateError>,
    /// Kept images to write, their bytes not in the library: the front end writes them.
    attachments: Vec<AttachmentFile>,
    /// One line per attachment written by the session or left alone.
    attachment_lines: Vec<(String, String)>,
}

/// What a session did: one decision per note, and what to save in `.quotebook/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub decisions: Vec<Decision>,
    /// The text of `.quotebook/state.json` to save; `None`: leave it as it is.
    pub state: Option<String>,
    /// The text of `.quotebook/library.json` to save; `None`: leave it as it is.
    pub backup: Option<String>,
    /// Entries of the state that were dropped, and why.
    pub warnings: Vec<String>,
    /// A user template that failed (the default was used).
    pub template_error: Option<TemplateError>,
    /// Nothing was written: the decisions are what a sync would do.
    pub dry_run: bool,
    /// One line per kept image the notes embed that was written, or left alone because
    /// another file is at its path (`attached  attachments/x.png`).
    pub attachments: Vec<String>,
}

/// A decision as the extension shows it: `{kind, path, line}`, and for a conflict what
/// it is about, for the extension to say in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportEntry {
    /// `created`, `updated`, `appended`, `skipped` or `conflict`.
    pub kind: String,
    pub path: Option<String>,
    /// The line `quotebook sync` prints for it.
    pub line: String,
    /// A conflict's reasons, each quote named by its first words.
    #[serde(default)]
    pub reasons: Vec<ReasonEntry>,
    /// A conflict's new quotes, waiting for the reader's choice.
    #[serde(default)]
    pub pending: usize,
}

/// Why a file is in conflict: a quote `deleted` or `changed`, with its first words (empty
/// when a state from before they were kept does not know them), or the `header`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonEntry {
    pub kind: String,
    pub words: String,
}

impl From<&ConflictReason> for ReasonEntry {
    fn from(reason: &ConflictReason) -> ReasonEntry {
        let (kind, words) = match reason {
            ConflictReason::QuoteDeleted(q) => ("deleted", q.words.clone()),
            ConflictReason::QuoteChanged(q) => ("changed", q.words.clone()),
            ConflictReason::FrameChanged => ("header", String::new()),
        };
        ReasonEntry {
            kind: kind.to_owned(),
            words,
        }
    }
}

/// How many decisions of each kind, as the extension shows them (`conflict`, singular).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub appended: usize,
    pub conflict: usize,
    pub created: usize,
    pub skipped: usize,
    pub updated: usize,
}

impl From<Summary> for Counts {
    fn from(s: Summary) -> Counts {
        Counts {
            appended: s.appended,
            conflict: s.conflicts,
            created: s.created,
            skipped: s.skipped,
            updated: s.updated,
        }
    }
}

impl From<&Decision> for ReportEntry {
    fn from(d: &Decision) -> ReportEntry {
        let (reasons, pending) = match &d.outcome {
            Outcome::Conflict { reasons, pending } => (
                reasons.iter().map(ReasonEntry::from).collect(),
                pending.len(),
            ),
            _ => (Vec::new(), 0),
        };
        ReportEntry {
            kind: d.outcome.kind().to_owned(),
            path: d.path.clone(),
            line: d.to_string(),
            reasons,
            pending,
        }
    }
}

impl ReportEntry {
    /// A planned decision for `path` whose write failed.
    pub fn not_written(path: &str, why: &str) -> ReportEntry {
        ReportEntry::from(&not_written(path, why))
    }
}

fn not_written(path: &str, why: &str) -> Decision {
    Decision {
        note_id: String::new(),
        path: Some(path.to_owned()),
        outcome: Outcome::Skipped(Skip::NotWritten(why.to_owned())),
    }
}

impl Counts {
    /// The counts of `entries`, by kind.
    pub fn of(entries: &[ReportEntry]) -> Counts {
        let mut c = Counts::default();
        for e in entries {
            match e.kind.as_str() {
                "created" => c.created += 1,
                "updated" => c.updated += 1,
                "appended" => c.appended += 1,
                "conflict" => c.conflict += 1,
                _ => c.skipped += 1,
            }
        }
        c
    }
}

impl Report {
    pub(crate) fn summary(&self) -> Summary {
        summarise(&self.decisions)
    }

    /// The last line `quotebook sync` prints.
    pub(crate) fn summary_line(&self) -> String {
        if self.dry_run {
            format!("dry run: {}; nothing written", self.summary())
        } else {
            self.summary().to_string()
        }
    }

    /// What `quotebook sync` prints: one line per decision and per attachment, then the
    /// summary.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for decision in &self.decisions {
            out.push_str(&format!("{decision}\n"));
        }
        for line in &self.attachments {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&self.summary_line());
        out.push('\n');
        out
    }

    /// The decisions as the extension shows them.
    pub fn entries(&self) -> Vec<ReportEntry> {
        self.decisions.iter().map(ReportEntry::from).collect()
    }

    pub fn counts(&self) -> Counts {
        self.summary().into()
    }
}

fn summarise(decisions: &[Decision]) -> Summary {
    Plan {
        writes: Vec::new(),
        state: SyncState::default(),
        decisions: decisions.to_vec(),
    }
    .summary()
}

/// The library to plan: a backup's text keyed note by note without parsing it (when laid
/// out as Quotebook writes backups), or parsed.
enum Notes<'a> {
    Stored(Vec<StoredNote<'a>>),
    Parsed(Library),
}

/// Plans a sync of `library` (`(name, text)`: the name is used in errors) into `folder`.
/// The file settings the first backup text that carries any carries (an unreadable one
/// carries none: the notes' reading reports what is wrong with it).
fn carried_settings(first: Option<&str>, then: Option<&str>) -> Option<FileSettings> {
    [first, then]
        .into_iter()
        .flatten()
        .find_map(|text| Library::settings_of(text).ok().flatten())
}

/// Without a library, the folder's own backup is synced. Where the library given and the
/// folder's backup are merged, both are read as backups from elsewhere
/// ([`crate::backup::read_backup`] at `now`, an RFC 3339 instant): a time not RFC 3339 or
/// in the future refuses the sync, naming the file and the line.
pub fn start(
    folder: &dyn Folder,
    library: Option<(&str, &str)>,
    settings: &Settings,
    now: &str,
) -> Result<Session, SessionError> {
    let (previous, warnings, state_missing) = match folder.read(STATE_PATH) {
        Entry::Missing => (SyncState::default(), Vec::new(), true),
        Entry::File(bytes) => {
            let text = String::from_utf8(bytes).map_err(|_| SessionError::InvalidData {
                what: STATE_PATH.into(),
                why: "not UTF-8".into(),
            })?;
            let (state, warnings) =
                SyncState::from_json(&text).map_err(|e| SessionError::InvalidData {
                    what: STATE_PATH.into(),
                    why: e.to_string(),
                })?;
            (state, warnings, false)
        }
        other => {
            return Err(SessionError::Unreadable {
                path: STATE_PATH,
                why: describe(&other),
            });
        }
    };
    let kept = match folder.read(LIBRARY_PATH) {
        Entry::Missing => None,
        Entry::File(bytes) => {
            Some(
                String::from_utf8(bytes).map_err(|_| SessionError::InvalidData {
                    what: LIBRARY_PATH.into(),
                    why: "not UTF-8".into(),
                })?,
            )
        }
        other => {
            return Err(SessionError::Unreadable {
                path: LIBRARY_PATH,
                why: describe(&other),
            });
        }
    };
    let invalid = |what: &str| {
        let what = what.to_owned();
        move |e: crate::Error| SessionError::InvalidData {
            what,
            why: e.to_string(),
        }
    };
    // The notes planned are the library given (else the folder's backup); the backup
    // written is the folder's and the given, merged: nothing lost.
    let (text, parsed, backup): (Option<(&str, &str)>, Option<Library>, Option<String>) =
        match (kept.as_deref(), library) {
            // Every note given is already in the folder's backup, as it is there (nothing
            // new since the last sync, or this machine lacks some notes of another):
            // merging would change nothing, so neither is parsed and the backup is not
            // written.
            (Some(kept), Some((name, given)))
                if kept == given
                    || (lines_within(given, kept)
                        && carried_settings(Some(given), None)
                            .is_none_or(|s| carried_settings(Some(kept), None) == Some(s))) =>
            {
                (Some((name, given)), None, None)
            }
            (Some(kept), None) => (Some((LIBRARY_PATH, kept)), None, None),
            // A folder without a backup gets one.
            (None, Some((name, given))) => {
                let library = read_backup(given, now).map_err(invalid(name))?;
                let json = library.to_json_with(carried_settings(Some(given), None).as_ref());
                (None, Some(library), Some(json))
            }
            (Some(kept), Some((name, given_text))) => {
                let mut library = read_backup(kept, now).map_err(invalid(LIBRARY_PATH))?;
                let mut given = read_backup(given_text, now).map_err(invalid(name))?;
                library.merge(given.clone());
                // What another copy deleted (recorded in the folder's backup) is not
                // written back into the files either.
                given.forget_deleted(&library);
                // The folder's backup keeps the settings that shape its files: the newest
                // given, else its own.
                let json =
                    library.to_json_with(carried_settings(Some(given_text), Some(kept)).as_ref());
                let backup = (json != kept).then_some(json);
                (None, Some(given), backup)
            }
            (None, None) => return Err(SessionError::NoLibrary),
        };

    let pattern = match settings.pattern.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => p,
        // Keep naming new files as the folder was named before.
        _ => previous.pattern.as_str(),
    };
    let pattern = if pattern.is_empty() {
        Pattern::default()
    } else {
        Pattern::parse(pattern).map_err(|e| SessionError::InvalidPattern(e.to_string()))?
    };
    let mut options = Options {
        pattern,
        restore: settings.restore,
        ..Options::default()
    };
    for (choice, given, resolution) in [
        ("overwrite", &settings.overwrite, Resolution::Overwrite),
        ("keep", &settings.keep, Resolution::Keep),
    ] {
        match given.as_deref() {
            None => {}
            Some("all") => options.resolve_all = Some(resolution),
            Some(path) => {
                let id = previous
                    .note_at(path.trim_start_matches("./"))
                    .ok_or_else(|| SessionError::NoSyncedFile {
                        choice,
                        path: path.to_owned(),
                    })?;
                options.resolutions.insert(id.to_owned(), resolution);
            }
        }
    }

    let templates = settings.templates.clone().unwrap_or_default();
    let render_options = settings.render_options(&options.pattern);
    let notes = match (text, parsed) {
        (_, Some(library)) => Notes::Parsed(library),
        (Some((name, text)), None) => {
            match stored_notes(text, &templates, &render_options, &previous) {
                Some(notes) => Notes::Stored(notes),
                None => Notes::Parsed(Library::from_json(text).map_err(invalid(name))?),
            }
        }
        (None, None) => unreachable!("a library was read"),
    };
    let (plan, template_error) = match &notes {
        Notes::Stored(notes) => (
            plan(notes, &previous, folder, &options),
            notes.iter().find_map(StoredNote::template_error).cloned(),
        ),
        Notes::Parsed(library) => {
            let refs: Vec<&Note> = library.notes.iter().collect();
            let lazy = on_every_core(&refs, |n| LazyNote::new(n, &templates, &render_options));
            (
                plan(&lazy, &previous, folder, &options),
                lazy.iter().find_map(LazyNote::template_error).cloned(),
            )
        }
    };
    let mut plan = plan;
    let (attachments, attachment_lines) =
        if render_options.images.keep && settings.front_end_attachments {
            let notes: Vec<Note> = match &notes {
                Notes::Parsed(library) => library.notes.clone(),
                Notes::Stored(_) => {
                    let (_, text) = text.expect("stored notes come from a text");
                    Library::note_lines(text)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|line| line.contains("\"hash\":\""))
                        .filter_map(|line| Note::from_json(line).ok())
                        .collect()
                }
            };
            (attachment_files(&notes, &render_options), Vec::new())
        } else if render_options.images.keep {
            let wanted = match &notes {
                Notes::Parsed(library) => attachments_of(&library.notes, library, &render_options),
                Notes::Stored(_) => {
                    let (_, text) = text.expect("stored notes come from a text");
                    stored_attachments(text, &render_options)
                }
            };
            let planned = plan_attachments(folder, wanted);
            plan.writes.extend(planned.writes);
            (planned.without_bytes, planned.lines)
        } else {
            (Vec::new(), Vec::new())
        };
    Ok(Session {
        plan,
        save_state: state_missing || !warnings.is_empty(),
        previous,
        backup,
        warnings,
        template_error,
        attachments,
        attachment_lines,
    })
}

/// The kept images `notes` embed with `options`, with their bytes when `library` has them.
fn attachments_of(notes: &[Note], library: &Library, options: &RenderOptions) -> Vec<Attachment> {
    attachments_with_bytes(notes, library, options)
}

fn attachments_with_bytes(
    notes: &[Note],
    library: &Library,
    options: &RenderOptions,
) -> Vec<Attachment> {
    attachment_files(notes, options)
        .into_iter()
        .map(|file| Attachment {
            bytes: library.image(&file.hash).map(|i| i.bytes.clone()),
            file,
        })
        .collect()
}

/// [`attachments_of`] for a backup's text: only the notes that keep an image are parsed,
/// and only the images they keep decoded.
fn stored_attachments(text: &str, options: &RenderOptions) -> Vec<Attachment> {
    let notes: Vec<Note> = Library::note_lines(text)
        .unwrap_or_default()
        .into_iter()
        .filter(|line| line.contains("\"hash\":\""))
        .filter_map(|line| Note::from_json(line).ok())
        .collect();
    if notes.is_empty() {
        return Vec::new();
    }
    let files = attachment_files(&notes, options);
    let mut library = Library::default();
    for line in Library::image_lines(text).unwrap_or_default() {
        let wanted = files.iter().any(|f| line.contains(f.hash.as_str()));
        if let Some(image) = wanted
            .then(|| crate::library::read_image_line(line).ok())
            .flatten()
        {
            library.add_images([image]);
        }
    }
    attachments_of(&notes, &library, options)
}

/// The attachments a folder needs for its notes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttachmentPlan {
    /// New files, each written only where no file is ([`super::Expect::Absent`]).
    pub writes: Vec<Write>,
    /// Attachments whose bytes the library does not hold.
    pub without_bytes: Vec<AttachmentFile>,
    /// `(path, line)`: what was decided for each attachment written or left alone.
    pub lines: Vec<(String, String)>,
}

/// The kept images `notes` embed when rendered with `options` into `folder` (an export or
/// a sync), their bytes from `library`. See [`plan_attachments`].
pub fn attachments_for(
    folder: &dyn Folder,
    notes: &[Note],
    library: &Library,
    options: &RenderOptions,
) -> AttachmentPlan {
    if !options.images.keep {
        return AttachmentPlan::default();
    }
    plan_attachments(folder, attachments_with_bytes(notes, library, options))
}

/// Decides each attachment: a file with the same bytes is there (nothing to do); nothing is
/// there (written, if the bytes are at hand: else left to the front end); another file is
/// there (never overwritten: reported).
fn plan_attachments(folder: &dyn Folder, wanted: Vec<Attachment>) -> AttachmentPlan {
    let mut for_front_end = Vec::new();
    let mut lines = Vec::new();
    let mut writes = Vec::new();
    for Attachment { file, bytes } in wanted {
        let Some(bytes) = bytes else {
            for_front_end.push(file);
            continue;
        };
        match folder.read(&file.path) {
            Entry::Missing => {
                lines.push((
                    file.path.clone(),
                    format!("{:<9} {}", "attached", file.path),
                ));
                writes.push(Write {
                    path: file.path,
                    bytes,
                    expect: super::Expect::Absent,
                });
            }
            Entry::File(there) if super::hash::hash(&there) == file.hash => {}
            other => {
                let why = match other {
                    Entry::File(_) => "another file is there; it is not overwritten".to_owned(),
                    other => describe(&other),
                };
                lines.push((
                    file.path.clone(),
                    format!("{:<9} {}: {why}", "skipped", file.path),
                ));
            }
        }
    }
    AttachmentPlan {
        writes,
        without_bytes: for_front_end,
        lines,
    }
}

impl Session {
    /// The files to write (each atomically, and only if what is there is still what
    /// [`super::Write::expect`] says).
    #[cfg(test)]
    fn writes(&self) -> &[Write] {
        &self.plan.writes
    }

    /// Takes the writes out (a front end that hands them on, such as the wasm binding).
    pub fn take_writes(&mut self) -> Vec<Write> {
        std::mem::take(&mut self.plan.writes)
    }

    #[cfg(test)]
    fn decisions(&self) -> &[Decision] {
        &self.plan.decisions
    }

    /// The kept images the notes embed whose bytes the session does not have (they were not
    /// in the library given): the front end writes each at its path from its own store,
    /// only where no file is, and never over another file.
    pub fn attachments(&self) -> &[AttachmentFile] {
        &self.attachments
    }

    /// The report when nothing is written.
    pub fn dry_run(self) -> Report {
        Report {
            decisions: self.plan.decisions,
            state: None,
            backup: None,
            warnings: self.warnings,
            template_error: self.template_error,
            dry_run: true,
            attachments: self.attachment_lines.into_iter().map(|(_, l)| l).collect(),
        }
    }

    /// The report once the writes were carried out; `failed`: the paths not written, and
    /// why. A failed file's note keeps its entry of the previous state (or none).
    pub fn finish(self, failed: &BTreeMap<String, String>) -> Report {
        let state = state_after(&self.previous, self.plan.state, failed.keys());
        let mut decisions = self.plan.decisions;
        for decision in &mut decisions {
            if let Some(why) = decision.path.as_deref().and_then(|p| failed.get(p)) {
                decision.outcome = Outcome::Skipped(Skip::NotWritten(why.clone()));
            }
        }
        let state = (self.save_state || state != self.previous).then(|| state.to_json());
        let attachments = self
            .attachment_lines
            .into_iter()
            .map(|(path, line)| match failed.get(&path) {
                Some(why) => format!("{:<9} {path}: not written: {why}", "skipped"),
                None => line,
            })
            .collect();
        Report {
            decisions,
            state,
            backup: self.backup,
            warnings: self.warnings,
            template_error: self.template_error,
            dry_run: false,
            attachments,
        }
    }
}

/// The state to save when the writes to `failed` paths did not happen: each such file's
/// note keeps its entry of `previous` (or none, for a file that was never made).
pub fn state_after<'a>(
    previous: &SyncState,
    mut planned: SyncState,
    failed: impl IntoIterator<Item = &'a String>,
) -> SyncState {
    for path in failed {
        let ids: Vec<String> = planned
            .files
            .iter()
            .filter(|(_, f)| &f.path == path)
            .map(|(id, _)| id.clone())
            .collect();
        for id in ids {
            match previous.files.get(&id) {
                Some(entry) => {
                    planned.files.insert(id, entry.clone());
                }
                None => {
                    planned.files.remove(&id);
                }
            }
        }
    }
    planned
}

fn describe(entry: &Entry) -> String {
    match entry {
        Entry::Symlink => "it is (or goes through) a symbolic link".into(),
        Entry::NotAFile => "it is not a regular file".into(),
        Entry::Unreadable(why) => why.clone(),
        Entry::Missing | Entry::File(_) => "unexpected".into(),
    }
}

/// Whether `given` and `kept` are both backups in Quotebook's layout (one note per line)
/// and every note line and every deletion of `given` is also in `kept`.
fn lines_within(given: &str, kept: &str) -> bool {
    let (Some(given_notes), Some(kept_notes)) =
        (Library::note_lines(given), Library::note_lines(kept))
    else {
        return false;
    };
    let kept_lines: HashSet<&str> = kept_notes.into_iter().collect();
    if !given_notes.iter().all(|line| kept_lines.contains(line)) {
        return false;
    }
    let within = |given: Option<Vec<&str>>, kept: Option<Vec<&str>>| match (given, kept) {
        (Some(given), Some(kept)) => given.iter().all(|line| kept.contains(line)),
        _ => false,
    };
    within(Library::deleted_lines(given), Library::deleted_lines(kept))
        && within(Library::image_lines(given), Library::image_lines(kept))
}

/// Each note of a backup laid out as Quotebook writes it, keyed without being parsed:
/// notes whose key the state knows are neither parsed nor rendered. `None` when the text is
/// laid out otherwise or a note does not parse (the caller then reads it as a whole, for a
/// clear error).
fn stored_notes<'a>(
    text: &'a str,
    templates: &'a Templates,
    options: &'a RenderOptions,
    state: &SyncState,
) -> Option<Vec<StoredNote<'a>>> {
    let lines = Library::note_lines(text)?;
    let known: HashMap<&str, &str> = state
        .files
        .iter()
        .filter(|(_, f)| !f.source.is_empty())
        .map(|(id, f)| (f.source.as_str(), id.as_str()))
        .collect();
    let lookup = |key: &str| known.get(key).map(|id| (*id).to_owned());
    on_every_core(&lines, |line| {
        StoredNote::new(line, templates, options, lookup).ok()
    })
    .into_iter()
    .collect()
}

/// `f` over `items`, on every core where there are threads (at most 8), the results in
/// order.
pub fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    #[cfg(target_arch = "wasm32")]
    {
        items.iter().map(f).collect()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        if threads == 1 || items.len() < 2 {
            return items.iter().map(f).collect();
        }
        let chunk = items.len().div_ceil(threads).max(1);
        let f = &f;
        std::thread::scope(|scope| {
            let workers: Vec<_> = items
                .chunks(chunk)
                .map(|items| scope.spawn(move || items.iter().map(f).collect::<Vec<R>>()))
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("a worker never panics"))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::Quote;
    use crate::sync::memory::MemoryFolder;

    /// The time the tests' sessions run at.
    const NOW: &str = "2025-01-01T00:00:00.000Z";

    fn note(quotes: &[&str]) -> Note {
        Note {
            schema: crate::SCHEMA_VERSION,
            id: "https://a.example/".into(),
            url: "https://a.example/".into(),
            title: "Aye".into(),
            created: "2024-06-05T12:00:00.000Z".into(),
            updated: "2024-06-05T12:00:00.000Z".into(),
            quotes: quotes
                .iter()
                .map(|id| Quote {
                    id: (*id).into(),
                    markdown: format!("Quote {id}."),
                    text: format!("Quote {id}."),
                    created: "2024-06-05T12:00:00.000Z".into(),
                    ..Quote::default()
                })
                .collect(),
            ..Note::default()
        }
    }

    fn library(quotes: &[&str]) -> Library {
        Library {
            notes: vec![note(quotes)],
            ..Library::default()
        }
    }

    /// One session, written into `folder` as a careful backend does.
    fn sync(folder: &mut MemoryFolder, library: &str, settings: &Settings) -> Report {
        let mut session = start(folder, Some(("given", library)), settings, NOW).unwrap();
        let left = folder.apply(&session.take_writes()).unwrap();
        let failed = left.into_iter().map(|p| (p, "changed".into())).collect();
        let report = session.finish(&failed);
        for (path, text) in [(STATE_PATH, &report.state), (LIBRARY_PATH, &report.backup)] {
            if let Some(text) = text {
                folder.files.insert(path.into(), text.clone().into_bytes());
            }
        }
        report
    }

    #[test]
    fn a_new_folder_gets_its_files_state_and_backup_then_nothing_is_written() {
        let mut folder = MemoryFolder::default();
        let text = library(&["q1"]).to_json();
        let report = sync(&mut folder, &text, &Settings::default());
        assert_eq!(
            report.text(),
            "created   Aye.md\n1 created, 0 updated, 0 appended, 0 skipped, 0 conflicts\n"
        );
        assert_eq!(report.backup.as_deref(), Some(text.as_str()));
        assert!(report.state.is_some() && folder.files.contains_key("Aye.md"));

        let again = sync(&mut folder, &text, &Settings::default());
        assert_eq!(
            again.summary_line(),
            "0 created, 0 updated, 0 appended, 1 skipped, 0 conflicts"
        );
        assert_eq!((again.state, again.backup), (None, None));
        // Without a library, the folder's own backup is synced.
        let own = start(&folder, None, &Settings::default(), NOW).unwrap();
        assert!(own.writes().is_empty());
        assert_eq!(
            own.decisions()[0].outcome,
            Outcome::Skipped(Skip::Unchanged)
        );
    }

    #[test]
    fn the_folders_deletions_apply_to_the_library_given_and_the_backup_merges() {
        let mut folder = MemoryFolder::default();
        sync(
            &mut folder,
            &library(&["q1", "q2"]).to_json(),
            &Settings::default(),
        );
        // Another machine deleted q2, and the folder's backup says so.
        let mut other = library(&["q1", "q2"]);
        other
            .delete_quote("q2", "2024-07-01T00:00:00.000Z")
            .unwrap();
        folder
            .files
            .insert(LIBRARY_PATH.into(), other.to_json().into_bytes());
        // This machine, which still has q2, saves q3.
        let mut mine = library(&["q1", "q2", "q3"]);
        mine.notes[0].updated = "2024-08-01T00:00:00.000Z".into();
        let report = sync(&mut folder, &mine.to_json(), &Settings::default());
        assert_eq!(report.counts().updated, 1, "{}", report.text());
        let file = String::from_utf8(folder.files["Aye.md"].clone()).unwrap();
        assert!(
            file.contains("Quote q3.") && !file.contains("Quote q2."),
            "{file}"
        );
        let backup = Library::from_json(&report.backup.unwrap()).unwrap();
        let ids: Vec<&str> = backup.notes[0]
            .quotes
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(ids, ["q1", "q3"]);
        assert_eq!(backup.deleted.len(), 1);
    }

    #[test]
    fn a_failed_write_is_reported_and_keeps_the_old_state_entry() {
        let mut folder = MemoryFolder::default();
        sync(
            &mut folder,
            &library(&["q1"]).to_json(),
            &Settings::default(),
        );
        let state_before = folder.files[STATE_PATH].clone();
        let mut session = start(
            &folder,
            Some(("given", &library(&["q1", "q2"]).to_json())),
            &Settings::default(),
            NOW,
        )
        .unwrap();
        assert_eq!(session.take_writes().len(), 1);
        let failed = BTreeMap::from([("Aye.md".to_owned(), "it changed meanwhile".to_owned())]);
        let report = session.finish(&failed);
        assert_eq!(
            report.text().lines().next(),
            Some("skipped   Aye.md: not written: it changed meanwhile")
        );
        assert_eq!(
            report.entries()[0],
            ReportEntry::not_written("Aye.md", "it changed meanwhile")
        );
        assert_eq!(
            report.counts(),
            Counts {
                skipped: 1,
                ..Counts::default()
            }
        );
        assert_eq!(report.counts(), Counts::of(&report.entries()));
        assert_eq!(report.state, None, "the state as it was: {state_before:?}");
    }

    #[test]
    fn errors_say_what_and_carry_the_extensions_codes() {
        let text = library(&["q1"]).to_json();
        let folder = MemoryFolder::default();
        let err = |library: Option<(&str, &str)>, settings: &Settings, folder: &MemoryFolder| {
            start(folder, library, settings, NOW).unwrap_err()
        };
        let e = err(
            Some(("the library sent", "{")),
            &Settings::default(),
            &folder,
        );
        assert_eq!(e.code(), "invalid_data");
        assert!(e.to_string().starts_with("the library sent: "), "{e}");
        let bad = Settings {
            pattern: Some(" {nope} ".into()),
            ..Settings::default()
        };
        assert_eq!(
            err(Some(("x", &text)), &bad, &folder).code(),
            "invalid_pattern"
        );
        let keep = Settings {
            keep: Some("nope.md".into()),
            ..Settings::default()
        };
        assert_eq!(
            err(Some(("x", &text)), &keep, &folder).to_string(),
            "no synced file at \"nope.md\" to keep"
        );
        assert_eq!(
            err(None, &Settings::default(), &folder),
            SessionError::NoLibrary
        );
        let mut linked = MemoryFolder::default();
        linked.links.insert(".quotebook".into());
        let e = err(Some(("x", &text)), &Settings::default(), &linked);
        assert_eq!(e.code(), "sync_state");
        assert!(e.to_string().contains("symbolic link"), "{e}");
    }

    #[test]
    fn settings_read_the_hosts_message_and_the_extensions_options() {
        let settings: Settings = serde_json::from_str(
            r#"{"type":"sync","library":"…","templates":{"note":"N"},"pattern":null,
                "tzOffsetMinutes":-330,"restore":true,"overwrite":"all"}"#,
        )
        .unwrap();
        assert_eq!(settings.templates.unwrap().note, "N");
        assert_eq!(settings.pattern, None);
        assert_eq!(settings.tz_offset_minutes, -330);
        assert!(settings.restore);
        assert_eq!(settings.overwrite.as_deref(), Some("all"));
        assert_eq!(settings.keep, None);
    }
}
