//! The sync planner, shared by every backend: given the notes (as rendered), the synced
//! folder as it is and the sync state, it decides what to write, and says why.
//!
//! The planner does no I/O: it reads the folder through the [`Folder`] trait and returns
//! a [`Plan`] (the writes, the new state, one [`Decision`] per note) for the backend to
//! carry out. Every front end runs it through one [`session`], which also reads the state
//! and the folder's backup, merges the library into it and reports. Its rules:
//!
//! - a new note gets a file at a fresh path from the reader's [`Pattern`]; a path, once
//!   given, is never changed: sync never renames or deletes a file;
//! - a file the reader never edited (its bytes hash to what sync last wrote) is rewritten
//!   when its note changed;
//! - a file the reader edited is only ever appended to: the quotes it does not hold yet
//!   (by id) go at its end, in its line endings; changes that cannot be appended (a quote
//!   deleted or changed, a new template or title) are a [`Outcome::Conflict`] until the
//!   reader chooses [`Resolution::Overwrite`] or [`Resolution::Keep`];
//! - a file the reader deleted stays deleted unless [`Options::restore`];
//! - nothing changed, nothing written; no write ever goes through a symbolic link.

use std::collections::{HashMap, HashSet};
use std::fmt;

mod append;
pub mod hash;
pub mod memory;
pub mod name;
pub mod render;
pub mod session;
pub mod state;

pub use append::{append_blocks, contains_block};
pub use name::{DEFAULT_PATTERN, NameFields, Pattern};
pub use state::{FileState, HeldQuote, LIBRARY_PATH, STATE_PATH, SyncState};

/// How many numbered names (`Title (2).md`…) are tried before giving up on a note.
const MAX_CANDIDATES: usize = 1000;

/// A note as sync sees it: what names its file, and what it renders to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncNote {
    pub id: String,
    pub name: NameFields,
    /// The whole file, as the note renders today.
    pub file: String,
    /// The hash of what the note renders to besides its quotes (frontmatter, source,
    /// template), with its `updated` time left out: when it changes, an edited file
    /// cannot take the change by an append.
    pub frame: String,
    pub quotes: Vec<SyncQuote>,
    /// The hash of everything rendered: the file, the frame and each quote's block.
    pub version: String,
}

/// A quote as sync sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncQuote {
    pub id: String,
    /// The quote's block as rendered in the file (its blockquote, comment…), ending with
    /// a line break; what is appended to an edited file.
    pub block: String,
    /// [`hash::short_hash`] of the block.
    pub hash: String,
    /// The quote's first words, to name it to the reader (empty when unknown).
    pub words: String,
}

impl SyncNote {
    /// Builds the planner's input; `frame_text` is the note rendered without its quotes
    /// and with its `updated` time pinned; `quotes` is `(quote id, block)` in file order.
    pub fn new(
        id: String,
        name: NameFields,
        file: String,
        frame_text: &str,
        quotes: Vec<(String, String)>,
    ) -> SyncNote {
        let quotes: Vec<SyncQuote> = quotes
            .into_iter()
            .map(|(id, mut block)| {
                if !block.ends_with('\n') {
                    block.push('\n');
                }
                let hash = hash::short_hash(block.as_bytes());
                SyncQuote {
                    id,
                    block,
                    hash,
                    words: String::new(),
                }
            })
            .collect();
        let frame = hash::hash(frame_text.as_bytes());
        let version = hash::hash_parts(
            [file.as_bytes(), frame.as_bytes()].into_iter().chain(
                quotes
                    .iter()
                    .flat_map(|q| [q.id.as_bytes(), q.hash.as_bytes()]),
            ),
        );
        SyncNote {
            id,
            name,
            file,
            frame,
            quotes,
            version,
        }
    }
}

/// What is at a path in the synced folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Missing,
    /// A regular file and its bytes.
    File(Vec<u8>),
    /// The path, or one of the folders on the way to it, is a symbolic link (or another
    /// kind of redirection): sync never writes through it.
    Symlink,
    /// A folder or another kind of file.
    NotAFile,
    /// It could not be read; the message says why.
    Unreadable(String),
}

/// The synced folder, read-only, as a backend sees it. Paths are relative, `/`-separated.
pub trait Folder {
    /// What is at `path`; an implementation checks every component for symbolic links.
    fn read(&self, path: &str) -> Entry;
    /// The names in the folder `dir` (`""` for the synced folder itself); empty when it
    /// does not exist. Used to avoid names that differ only in case.
    fn names(&self, dir: &str) -> Vec<String>;
}

/// The reader's choice for a conflicting file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Replace the file with the note as rendered now: the reader's edits in it are lost.
    Overwrite,
    /// Keep the file; only append the quotes it does not hold, and stop reporting the
    /// changes that could not be applied.
    Keep,
}

/// How to sync.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Names new files; files already made keep their path.
    pub pattern: Pattern,
    /// Recreate the files the reader deleted.
    pub restore: bool,
    /// Resolutions for conflicts, by note id.
    pub resolutions: HashMap<String, Resolution>,
    /// A resolution for every conflict without its own.
    pub resolve_all: Option<Resolution>,
}

/// What to write, the state to save afterwards, and what was decided for each note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub writes: Vec<Write>,
    pub state: SyncState,
    pub decisions: Vec<Decision>,
}

/// One file to write (atomically: a temporary file, then a rename).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    pub path: String,
    pub bytes: Vec<u8>,
    /// What the planner saw there: a backend re-checks it just before replacing the file
    /// and leaves the file alone if it changed in between.
    pub expect: Expect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Nothing was there: never replace an existing file.
    Absent,
    /// A file with this [`hash::hash`].
    Hash(String),
}

/// What sync did (or will do) with one note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub note_id: String,
    /// The note's file, when it has one.
    pub path: Option<String>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new file (`restored`: recreated after the reader deleted it).
    Created {
        restored: bool,
    },
    /// The file was rewritten (`overwrote_edits`: the reader chose to overwrite an edited
    /// file).
    Updated {
        overwrote_edits: bool,
    },
    /// These quotes were appended to the reader's edited file.
    Appended {
        quotes: Vec<String>,
    },
    Skipped(Skip),
    /// The edited file was left alone: these changes cannot be appended. `pending` are the
    /// new quotes that will be appended once the reader keeps the file.
    Conflict {
        reasons: Vec<ConflictReason>,
        pending: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Nothing to do.
    Unchanged,
    /// The file already holds the note as rendered (written by another machine, say).
    UpToDate,
    /// The reader kept an edited file; nothing new to append.
    Kept,
    DeletedByReader,
    Symlink,
    NotAFile,
    Unreadable(String),
    /// Every candidate name is taken.
    NoFreeName,
    /// A second note with the same id in the library.
    DuplicateNote,
    /// Planned, but the backend could not write it (it changed meanwhile, say).
    NotWritten(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConflictReason {
    /// A quote the file holds was deleted from the library.
    QuoteDeleted(QuoteName),
    /// A quote the file holds renders differently now (its comment was edited, say).
    QuoteChanged(QuoteName),
    /// The note's frontmatter, title or template changed.
    FrameChanged,
}

/// A quote as a conflict names it: its id, and its first words when known (a state
/// written before they were kept has none for a quote deleted since).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteName {
    pub id: String,
    pub words: String,
}

impl fmt::Display for QuoteName {
    /// `“First words of it…”`, or `quote <id>` without its words.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.words.is_empty() {
            write!(f, "quote {}", self.id)
        } else {
            write!(f, "“{}”", self.words)
        }
    }
}

impl Decision {
    /// Whether the note's file was not written for a reason that is not the reader's
    /// choice or a file already right: a link or something else in the way, no free name,
    /// a note twice in the library, a write that failed. Front ends report such a sync as
    /// incomplete (`quotebook sync` and `export` exit non-zero).
    pub fn not_written(&self) -> bool {
        matches!(
            &self.outcome,
            Outcome::Skipped(
                Skip::Symlink
                    | Skip::NotAFile
                    | Skip::Unreadable(_)
                    | Skip::NoFreeName
                    | Skip::DuplicateNote
                    | Skip::NotWritten(_)
            )
        )
    }
}

impl Outcome {
    /// The one-word kind: `created`, `updated`, `appended`, `skipped` or `conflict`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Outcome::Created { .. } => "created",
            Outcome::Updated { .. } => "updated",
            Outcome::Appended { .. } => "appended",
            Outcome::Skipped(_) => "skipped",
            Outcome::Conflict { .. } => "conflict",
        }
    }
}

impl fmt::Display for Decision {
    /// One line for the reader: `appended  Title.md: 2 quotes`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<9} ", self.outcome.kind())?;
        match &self.path {
            Some(path) => f.write_str(path)?,
            None => write!(f, "(note {})", self.note_id)?,
        }
        match &self.outcome {
            Outcome::Created { restored: true } => f.write_str(": restored"),
            Outcome::Created { restored: false } => Ok(()),
            Outcome::Updated {
                overwrote_edits: true,
            } => f.write_str(": overwrote your edits"),
            Outcome::Updated {
                overwrote_edits: false,
            } => Ok(()),
            Outcome::Appended { quotes } => match quotes.len() {
                1 => f.write_str(": 1 quote"),
                n => write!(f, ": {n} quotes"),
            },
            Outcome::Skipped(skip) => f.write_str(match skip {
                Skip::Unchanged => ": unchanged",
                Skip::UpToDate => ": already up to date",
                Skip::Kept => ": kept your version",
                Skip::DeletedByReader => ": you deleted it (restore to recreate it)",
                Skip::Symlink => ": it is (or goes through) a symbolic link",
                Skip::NotAFile => ": not a regular file",
                Skip::Unreadable(why) => return write!(f, ": cannot read it: {why}"),
                Skip::NoFreeName => ": no free file name",
                Skip::DuplicateNote => ": a second note with the same id",
                Skip::NotWritten(why) => return write!(f, ": not written: {why}"),
            }),
            Outcome::Conflict { reasons, pending } => {
                f.write_str(": you edited it, and ")?;
                for (i, reason) in reasons.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match reason {
                        ConflictReason::QuoteDeleted(q) => write!(f, "{q} was deleted")?,
                        ConflictReason::QuoteChanged(q) => write!(f, "{q} changed")?,
                        ConflictReason::FrameChanged => f.write_str("its header changed")?,
                    }
                }
                match pending.len() {
                    0 => {}
                    1 => f.write_str("; 1 new quote waits")?,
                    n => write!(f, "; {n} new quotes wait")?,
                }
                f.write_str(" (choose overwrite or keep)")
            }
        }
    }
}

/// Counts of each kind of decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub created: usize,
    pub updated: usize,
    pub appended: usize,
    pub skipped: usize,
    pub conflicts: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} appended, {} skipped, {} conflicts",
            self.created, self.updated, self.appended, self.skipped, self.conflicts
        )
    }
}

impl Plan {
    pub(crate) fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for d in &self.decisions {
            match d.outcome {
                Outcome::Created { .. } => s.created += 1,
                Outcome::Updated { .. } => s.updated += 1,
                Outcome::Appended { .. } => s.appended += 1,
                Outcome::Skipped(_) => s.skipped += 1,
                Outcome::Conflict { .. } => s.conflicts += 1,
            }
        }
        s
    }
}

/// A note for [`plan`]: its id, a key of everything its rendering depends on, and its
/// rendering, which the planner asks for only when it needs it. A backend with many notes
/// renders lazily: a re-sync where nothing changed then renders nothing.
pub trait NoteInput {
    fn id(&self) -> &str;
    /// Equal keys promise equal renderings (a hash of the note, the templates and the
    /// render options, say). Recorded in the state as `source`.
    fn source(&self) -> &str;
    /// The note rendered; an error when its stored form turns out unreadable.
    fn rendered(&self) -> Result<&SyncNote, String>;
}

impl NoteInput for SyncNote {
    fn id(&self) -> &str {
        &self.id
    }

    fn source(&self) -> &str {
        &self.version
    }

    fn rendered(&self) -> Result<&SyncNote, String> {
        Ok(self)
    }
}

/// Decides what to write for `notes` into `folder`, given the last `state`.
pub fn plan<N: NoteInput>(
    notes: &[N],
    state: &SyncState,
    folder: &dyn Folder,
    options: &Options,
) -> Plan {
    let mut planner = Planner {
        folder,
        options,
        state: state.clone(),
        writes: Vec::new(),
        source: String::new(),
        taken: state
            .files
            .values()
            .map(|f| name::collision_key(&f.path))
            .collect(),
        listed: HashMap::new(),
    };
    planner.state.pattern = options.pattern.as_str().to_owned();
    let mut seen = HashSet::with_capacity(notes.len());
    let mut decisions = Vec::with_capacity(notes.len());
    for input in notes {
        let id = input.id();
        planner.source = input.source().to_owned();
        let (path, outcome) = if !seen.insert(id) {
            (None, Outcome::Skipped(Skip::DuplicateNote))
        } else {
            match state.files.get(id) {
                None => match input.rendered() {
                    Ok(note) => planner.new_file(note),
                    Err(why) => (None, Outcome::Skipped(Skip::Unreadable(why))),
                },
                Some(file) => {
                    let outcome = match planner.unchanged_source(id, file) {
                        Some(outcome) => outcome,
                        None => match input.rendered() {
                            Ok(note) => planner.existing_file(note, file),
                            Err(why) => Outcome::Skipped(Skip::Unreadable(why)),
                        },
                    };
                    (Some(file.path.clone()), outcome)
                }
            }
        };
        decisions.push(Decision {
            note_id: id.to_owned(),
            path,
            outcome,
        });
    }
    Plan {
        writes: planner.writes,
        state: planner.state,
        decisions,
    }
}

struct Planner<'a> {
    folder: &'a dyn Folder,
    options: &'a Options,
    state: SyncState,
    writes: Vec<Write>,
    /// Collision keys of every path given to a note (now or before).
    taken: HashSet<String>,
    /// Collision keys of the names in each folder looked at.
    listed: HashMap<String, HashSet<String>>,
    /// The [`NoteInput::source`] of the note being planned.
    source: String,
}

impl Planner<'_> {
    fn fresh_state(&self, note: &SyncNote, path: String, bytes: &[u8]) -> FileState {
        FileState {
            path,
            written: hash::hash(bytes),
            version: note.version.clone(),
            source: self.source.clone(),
            frame: note.frame.clone(),
            quotes: note
                .quotes
                .iter()
                .map(|q| HeldQuote {
                    id: q.id.clone(),
                    block: q.hash.clone(),
                    words: q.words.clone(),
                })
                .collect(),
            edited: false,
            deleted: false,
        }
    }

    fn new_file(&mut self, note: &SyncNote) -> (Option<String>, Outcome) {
        let (folders, stem) = self.options.pattern.apply(&note.name);
        let dir = folders.join("/");
        for n in 1..=MAX_CANDIDATES {
            let path = name::candidate(&folders, &stem, n);
            let key = name::collision_key(&path);
            if self.taken.contains(&key) {
                continue;
            }
            let folder = self.folder;
            let names = self.listed.entry(dir.clone()).or_insert_with(|| {
                folder
                    .names(&dir)
                    .iter()
                    .map(|n| name::collision_key(n))
                    .collect()
            });
            let file_key = key.rsplit('/').next().unwrap_or(&key).to_owned();
            let listed = names.contains(&file_key);
            match self.folder.read(&path) {
                Entry::Missing if !listed => {
                    names.insert(file_key);
                    self.taken.insert(key);
                    self.state.files.insert(
                        note.id.clone(),
                        self.fresh_state(note, path.clone(), note.file.as_bytes()),
                    );
                    self.writes.push(Write {
                        path: path.clone(),
                        bytes: note.file.clone().into_bytes(),
                        expect: Expect::Absent,
                    });
                    return (Some(path), Outcome::Created { restored: false });
                }
                // Exactly what this note renders to: another machine made it before its
                // state reached us. Take it over rather than make a duplicate.
                Entry::File(bytes) if bytes == note.file.as_bytes() => {
                    self.taken.insert(key);
                    self.state.files.insert(
                        note.id.clone(),
                        self.fresh_state(note, path.clone(), &bytes),
                    );
                    return (Some(path), Outcome::Skipped(Skip::UpToDate));
                }
                _ => {}
            }
        }
        (None, Outcome::Skipped(Skip::NoFreeName))
    }

    /// The fast path: the note renders as when its file was last reconciled, so nothing is
    /// to be written (unless the file is gone and is to be restored: `None`, plan it fully).
    fn unchanged_source(&mut self, id: &str, last: &FileState) -> Option<Outcome> {
        if last.source.is_empty() || last.source != self.source {
            return None;
        }
        let entry = self
            .state
            .files
            .get_mut(id)
            .expect("a planned note has an entry");
        Some(match self.folder.read(&last.path) {
            Entry::Symlink => Outcome::Skipped(Skip::Symlink),
            Entry::NotAFile => Outcome::Skipped(Skip::NotAFile),
            Entry::Unreadable(why) => Outcome::Skipped(Skip::Unreadable(why)),
            Entry::Missing if self.options.restore => return None,
            Entry::Missing => {
                entry.deleted = true;
                Outcome::Skipped(Skip::DeletedByReader)
            }
            Entry::File(bytes) => {
                entry.deleted = false;
                if hash::hash(&bytes) != last.written {
                    entry.edited = true;
                }
                Outcome::Skipped(Skip::Unchanged)
            }
        })
    }

    fn existing_file(&mut self, note: &SyncNote, last: &FileState) -> Outcome {
        let resolution = self
            .options
            .resolutions
            .get(&note.id)
            .copied()
            .or(self.options.resolve_all);
        let path = last.path.clone();
        let bytes = match self.folder.read(&path) {
            Entry::Symlink => return Outcome::Skipped(Skip::Symlink),
            Entry::NotAFile => return Outcome::Skipped(Skip::NotAFile),
            Entry::Unreadable(why) => return Outcome::Skipped(Skip::Unreadable(why)),
            Entry::Missing if self.options.restore => {
                self.rewrite(note, &path, Expect::Absent);
                return Outcome::Created { restored: true };
            }
            Entry::Missing => {
                self.entry(note).deleted = true;
                return Outcome::Skipped(Skip::DeletedByReader);
            }
            Entry::File(bytes) => bytes,
        };
        self.entry(note).deleted = false;
        let on_disk = hash::hash(&bytes);
        if bytes == note.file.as_bytes() {
            // The file holds exactly what sync would write: nothing of the reader's is in
            // it, whoever wrote it.
            let fresh = self.fresh_state(note, path, &bytes);
            let outcome = if *last == fresh {
                Outcome::Skipped(Skip::Unchanged)
            } else {
                Outcome::Skipped(Skip::UpToDate)
            };
            *self.entry(note) = fresh;
            return outcome;
        }
        let touched = on_disk != last.written;
        if last.version == note.version {
            // Renders as when last reconciled: nothing to do, whatever the reader did.
            let source = self.source.clone();
            let entry = self.entry(note);
            entry.source = source;
            entry.edited |= touched;
            return Outcome::Skipped(Skip::Unchanged);
        }
        if !(last.edited || touched) {
            self.rewrite(note, &path, Expect::Hash(on_disk));
            return Outcome::Updated {
                overwrote_edits: false,
            };
        }
        // The reader edited the file: only append; a resolution only settles a conflict.
        self.entry(note).edited = true;
        let current: HashMap<&str, &SyncQuote> =
            note.quotes.iter().map(|q| (q.id.as_str(), q)).collect();
        let held: HashSet<&str> = last.quotes.iter().map(|q| q.id.as_str()).collect();
        let mut reasons = Vec::new();
        if last.frame != note.frame {
            reasons.push(ConflictReason::FrameChanged);
        }
        for q in &last.quotes {
            match current.get(q.id.as_str()) {
                None => reasons.push(ConflictReason::QuoteDeleted(QuoteName {
                    id: q.id.clone(),
                    words: q.words.clone(),
                })),
                Some(now) if now.hash != q.block => {
                    reasons.push(ConflictReason::QuoteChanged(QuoteName {
                        id: q.id.clone(),
                        words: now.words.clone(),
                    }))
                }
                Some(_) => {}
            }
        }
        let new: Vec<&SyncQuote> = note
            .quotes
            .iter()
            .filter(|q| !held.contains(q.id.as_str()))
            .collect();
        if !reasons.is_empty() {
            match resolution {
                Some(Resolution::Keep) => {}
                Some(Resolution::Overwrite) => {
                    self.rewrite(note, &path, Expect::Hash(on_disk));
                    return Outcome::Updated {
                        overwrote_edits: true,
                    };
                }
                None => {
                    return Outcome::Conflict {
                        reasons,
                        pending: new.iter().map(|q| q.id.clone()).collect(),
                    };
                }
            }
        }
        // Quotes whose block the file already holds (put there by another machine whose
        // state was lost, or by the reader) are recorded, not appended again.
        let (already, missing): (Vec<&SyncQuote>, Vec<&SyncQuote>) = new
            .into_iter()
            .partition(|q| contains_block(&bytes, &q.block));
        let mut quotes: Vec<HeldQuote> = last
            .quotes
            .iter()
            .filter_map(|q| {
                current.get(q.id.as_str()).map(|now| HeldQuote {
                    id: q.id.clone(),
                    block: now.hash.clone(),
                    words: now.words.clone(),
                })
            })
            .collect();
        quotes.extend(already.iter().chain(&missing).map(|q| HeldQuote {
            id: q.id.clone(),
            block: q.hash.clone(),
            words: q.words.clone(),
        }));
        let kept = resolution == Some(Resolution::Keep) && !reasons.is_empty();
        let source = self.source.clone();
        let entry = self.entry(note);
        entry.version = note.version.clone();
        entry.source = source;
        entry.frame = note.frame.clone();
        entry.quotes = quotes;
        if missing.is_empty() {
            return Outcome::Skipped(if kept { Skip::Kept } else { Skip::Unchanged });
        }
        let appended = append_blocks(&bytes, missing.iter().map(|q| q.block.as_str()));
        entry.written = hash::hash(&appended);
        if appended == note.file.as_bytes() {
            // The append completed the file into exactly the note (the reader had only
            // cut its final line break, say): nothing of theirs is in it.
            let fresh = self.fresh_state(note, path.clone(), &appended);
            *self.entry(note) = fresh;
        }
        self.writes.push(Write {
            path,
            bytes: appended,
            expect: Expect::Hash(on_disk),
        });
        Outcome::Appended {
            quotes: missing.iter().map(|q| q.id.clone()).collect(),
        }
    }

    fn rewrite(&mut self, note: &SyncNote, path: &str, expect: Expect) {
        self.state.files.insert(
            note.id.clone(),
            self.fresh_state(note, path.to_owned(), note.file.as_bytes()),
        );
        self.writes.push(Write {
            path: path.to_owned(),
            bytes: note.file.clone().into_bytes(),
            expect,
        });
    }

    fn entry(&mut self, note: &SyncNote) -> &mut FileState {
        self.state
            .files
            .get_mut(&note.id)
            .expect("only called for notes with a file")
    }
}

#[cfg(test)]
mod tests;
