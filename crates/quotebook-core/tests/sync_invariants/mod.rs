//! The sync planner's invariants and the reader's edits they are checked against, shared by
//! the property test (`tests/sync_props.rs`) and the fuzz target
//! (`fuzz/fuzz_targets/planner.rs`), which both include this file with `#[path]`.
//!
//! After every sync: no path outside the folder or through a link, at most one write a
//! file, no two paths the same but for case, no line the reader wrote lost (unless the
//! reader chose to overwrite), an edited file only grows at its end, no quote twice in a
//! file, every quote of a note whose file is in sync recorded in it, files not planned for
//! untouched, and a second sync right after writes nothing.
// Each includer uses its own share of the edits.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};

use quotebook_core::sync::memory::MemoryFolder;
use quotebook_core::sync::name::{collision_key, is_safe_relative};
use quotebook_core::sync::{Options, Outcome, Skip, SyncNote, SyncState, plan};

/// Each note's quotes, by note id: the quote's id and a marker its text holds, so that the
/// copies of the quote in a file can be counted.
pub type Quotes = BTreeMap<String, Vec<(String, String)>>;

/// Returns `Err(message)` from the enclosing function unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($message:tt)+) => {
        if !$cond {
            return Err(format!($($message)+));
        }
    };
}

/// The folder synced into, the planner's state, and the lines the reader wrote in it.
#[derive(Debug, Default)]
pub struct Synced {
    pub folder: MemoryFolder,
    pub state: SyncState,
    /// The reader's lines in each file, less those the reader cut since.
    pub reader_lines: BTreeMap<String, Vec<String>>,
}

/// How often `needle` occurs in `haystack` (overlaps counted; never for an empty needle).
pub fn count(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() || haystack.len() < needle.len() {
        return 0;
    }
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// A second, independent reading of "inside the folder".
pub fn inside(path: &str) -> bool {
    !path.starts_with('/')
        && !path.contains(['\\', '\0', ':'])
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Where each line of `bytes` starts (0 first, and the end after a final line break).
pub fn line_starts(bytes: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

impl Synced {
    /// The path and the bytes of a note's file, when it has been synced and is there.
    fn file(&mut self, note_id: &str) -> Option<(String, &mut Vec<u8>)> {
        let path = self.state.files.get(note_id)?.path.clone();
        let bytes = self.folder.files.get_mut(&path)?;
        Some((path, bytes))
    }

    /// The reader inserts `line` before line `pick(number of line starts)` (modulo them).
    pub fn insert_line(&mut self, note_id: &str, pick: impl FnOnce(usize) -> usize, line: String) {
        let Some((path, bytes)) = self.file(note_id) else {
            return;
        };
        let starts = line_starts(bytes);
        let pos = starts[pick(starts.len()) % starts.len()];
        bytes.splice(pos..pos, format!("{line}\n").into_bytes());
        self.reader_lines.entry(path).or_default().push(line);
    }

    /// The reader adds `line` at the end (after a line break if the file lacks one).
    pub fn append_line(&mut self, note_id: &str, line: String) {
        let Some((path, bytes)) = self.file(note_id) else {
            return;
        };
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(format!("{line}\n").as_bytes());
        self.reader_lines.entry(path).or_default().push(line);
    }

    /// The reader's editor inserts raw bytes at the start of line `nth` (modulo the lines).
    pub fn insert_bytes(&mut self, note_id: &str, nth: usize, raw: Vec<u8>) {
        if let Some((_, bytes)) = self.file(note_id) {
            let starts = line_starts(bytes);
            let pos = starts[nth % starts.len()];
            bytes.splice(pos..pos, raw);
        }
    }

    /// The reader's editor writes CRLF line breaks.
    pub fn crlf(&mut self, note_id: &str) {
        if let Some((_, bytes)) = self.file(note_id) {
            let text = String::from_utf8_lossy(bytes)
                .replace("\r\n", "\n")
                .replace('\n', "\r\n");
            *bytes = text.into_bytes();
        }
    }

    /// The reader's editor writes LF line breaks.
    pub fn lf(&mut self, note_id: &str) {
        if let Some((_, bytes)) = self.file(note_id) {
            *bytes = String::from_utf8_lossy(bytes)
                .replace("\r\n", "\n")
                .into_bytes();
        }
    }

    /// The reader's editor adds a byte order mark.
    pub fn bom(&mut self, note_id: &str) {
        if let Some((_, bytes)) = self.file(note_id)
            && !bytes.starts_with(b"\xef\xbb\xbf")
        {
            bytes.splice(0..0, *b"\xef\xbb\xbf");
        }
    }

    /// The reader's editor drops the final line breaks.
    pub fn strip_final_newline(&mut self, note_id: &str) {
        if let Some((_, bytes)) = self.file(note_id) {
            while bytes.ends_with(b"\n") || bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
    }

    /// The reader cuts the file to `keep(its length)` bytes, and the lines they wrote there
    /// with it.
    pub fn truncate(&mut self, note_id: &str, keep: impl FnOnce(usize) -> usize) {
        let Some((path, bytes)) = self.file(note_id) else {
            return;
        };
        bytes.truncate(keep(bytes.len()));
        let text = bytes.clone();
        if let Some(lines) = self.reader_lines.get_mut(&path) {
            lines.retain(|l| count(&text, l.as_bytes()) > 0);
        }
    }

    /// The reader deletes the file.
    pub fn delete(&mut self, note_id: &str) {
        if let Some((path, _)) = self.file(note_id) {
            self.folder.files.remove(&path);
            self.reader_lines.remove(&path);
        }
    }

    /// Plans a sync of `rendered` (whose quotes `quotes` lists), carries it out into the
    /// folder and checks every invariant; then plans again and checks that nothing would be
    /// written. `Err` says which invariant broke.
    pub fn sync(
        &mut self,
        rendered: &[SyncNote],
        quotes: &Quotes,
        options: Options,
    ) -> Result<(), String> {
        let before = self.folder.clone();
        let planned = plan(rendered, &self.state, &self.folder, &options);
        // Nothing outside the folder, nothing through a link, at most one write a file.
        let mut written = HashSet::new();
        for write in &planned.writes {
            ensure!(
                is_safe_relative(&write.path),
                "unsafe path {:?}",
                write.path
            );
            ensure!(inside(&write.path), "outside the folder: {:?}", write.path);
            ensure!(
                written.insert(write.path.clone()),
                "two writes to {}",
                write.path
            );
        }
        let left = self.folder.apply(&planned.writes)?;
        ensure!(left.is_empty(), "left alone: {left:?}");
        self.state = planned.state.clone();

        // Paths stay distinct even ignoring case.
        let mut keys = HashSet::new();
        for file in self.state.files.values() {
            ensure!(
                keys.insert(collision_key(&file.path)),
                "collision at {}",
                file.path
            );
        }
        for decision in &planned.decisions {
            let Some(path) = &decision.path else { continue };
            let old = before.files.get(path);
            let new = self.folder.files.get(path);
            let overwrote = matches!(
                decision.outcome,
                Outcome::Updated {
                    overwrote_edits: true
                }
            );
            // No reader line lost, unless the reader chose to overwrite.
            if overwrote {
                self.reader_lines.remove(path);
            } else if let Some(lines) = self.reader_lines.get(path) {
                for line in lines {
                    let now = new.map_or(0, |b| count(b, line.as_bytes()));
                    ensure!(now > 0, "lost {line:?} in {path}: {:?}", decision.outcome);
                }
            }
            // An edited file only grows at its end.
            if let (Some(old), Some(new), Outcome::Appended { .. }) = (old, new, &decision.outcome)
            {
                ensure!(
                    new.starts_with(old),
                    "{path}: the reader's bytes were changed"
                );
            }
            // No quote twice.
            if let Some(new) = new {
                for (_, marker) in quotes.values().flatten() {
                    ensure!(
                        count(new, marker.as_bytes()) <= 1,
                        "{marker} twice in {path}: {:?}",
                        String::from_utf8_lossy(new)
                    );
                }
            }
            // Every quote of a note in sync is recorded in its file.
            let in_sync = matches!(
                decision.outcome,
                Outcome::Created { .. }
                    | Outcome::Updated { .. }
                    | Outcome::Appended { .. }
                    | Outcome::Skipped(Skip::Unchanged | Skip::UpToDate | Skip::Kept)
            );
            if in_sync && new.is_some() {
                let Some(file) = self.state.files.get(&decision.note_id) else {
                    return Err(format!("{} in sync but not in the state", decision.note_id));
                };
                let held: HashSet<&str> = file.quotes.iter().map(|q| q.id.as_str()).collect();
                for (qid, _) in quotes.get(&decision.note_id).into_iter().flatten() {
                    ensure!(held.contains(qid.as_str()), "{qid} not in {path}");
                }
            }
        }
        // Files not planned for were not touched.
        for (path, bytes) in &before.files {
            if !planned.writes.iter().any(|w| &w.path == path) {
                ensure!(
                    self.folder.files.get(path) == Some(bytes),
                    "{path} changed without a write"
                );
            }
        }
        // Nothing changed since: nothing written.
        let again = plan(
            rendered,
            &self.state,
            &self.folder,
            &Options {
                resolve_all: None,
                ..options
            },
        );
        ensure!(
            again.writes.is_empty(),
            "a second sync wrote {:?}",
            again.decisions
        );
        ensure!(
            again.state == self.state,
            "a second sync changed the state: {:?} → {:?}",
            self.state,
            again.state
        );
        Ok(())
    }
}
