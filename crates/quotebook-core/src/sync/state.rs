//! The sync state kept in `.quotebook/state.json` inside the synced folder, shared by
//! every backend (File System Access, native host, CLI) and by every machine that syncs
//! the same folder. Its format is documented in `docs/formats.md`.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::name::{collision_key, is_safe_relative};
use crate::error::Error;

/// The schema of `state.json` this version writes.
pub(crate) const STATE_SCHEMA: u32 = 1;

/// Where the state lives, relative to the synced folder.
pub const STATE_PATH: &str = ".quotebook/state.json";

/// Where the backup of the whole library lives, relative to the synced folder.
pub const LIBRARY_PATH: &str = ".quotebook/library.json";

/// What sync knows about the files it made, by note id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    pub schema: u32,
    /// The file name pattern new files were named with (informational: a file's path is
    /// fixed when it is created).
    #[serde(default)]
    pub pattern: String,
    /// One entry per note that ever had a file, keyed by note id.
    #[serde(default)]
    pub files: BTreeMap<String, FileState>,
}

impl Default for SyncState {
    fn default() -> Self {
        SyncState {
            schema: STATE_SCHEMA,
            pattern: String::new(),
            files: BTreeMap::new(),
        }
    }
}

/// One note's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    /// Relative to the synced folder, `/`-separated. Fixed at creation.
    pub path: String,
    /// SHA-256 (hex) of the bytes sync last wrote to the file. Different bytes on disk
    /// mean the reader (or another program) edited it.
    pub written: String,
    /// The note's [`super::SyncNote::version`] the file was last reconciled with.
    pub version: String,
    /// The [`super::NoteInput::source`] the file was last reconciled with: when the note's
    /// is the same, it renders the same, and sync need not render it to know.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The note's [`super::SyncNote::frame`] the file was last reconciled with.
    pub frame: String,
    /// The quotes the file holds (written or appended by sync), in file order.
    #[serde(default)]
    pub quotes: Vec<HeldQuote>,
    /// The reader has edited the file at some point: from then on sync only appends to
    /// it (unless the reader chooses to overwrite).
    #[serde(default, skip_serializing_if = "is_false")]
    pub edited: bool,
    /// The reader deleted the file: it is not recreated unless asked to restore it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleted: bool,
}

/// A quote a file holds: its id, a short hash of its block as written, and its first
/// words, to name it in a conflict once it is deleted from the library. A state written
/// before the words were kept reads with none; the next sync that reconciles the file
/// fills them in from the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldQuote {
    pub id: String,
    pub block: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub words: String,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl SyncState {
    /// Reads a state file. Entries whose path could leave the folder (the file may come
    /// from another machine, or be edited by hand) or collide with an earlier entry are
    /// dropped and named in the returned warnings; newer schemas are refused.
    pub fn from_json(json: &str) -> Result<(SyncState, Vec<String>), Error> {
        // Read as a value first, then typed: the schema number decides whether the rest
        // can be read at all (a newer state is refused, not misread).
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| Error::InvalidData(format!("sync state: {e}")))?;
        let schema = value
            .get("schema")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| Error::InvalidData("sync state without a schema number".into()))?;
        let mut state = match u32::try_from(schema) {
            Ok(STATE_SCHEMA) => serde_json::from_value::<SyncState>(value)
                .map_err(|e| Error::InvalidData(format!("sync state: {e}")))?,
            Ok(newer) if newer > STATE_SCHEMA => return Err(Error::UnsupportedSchema(newer)),
            _ => {
                return Err(Error::InvalidData(format!(
                    "unknown sync state schema {schema}"
                )));
            }
        };
        let mut warnings = Vec::new();
        let mut seen = HashSet::new();
        state.files.retain(|id, file| {
            if !is_safe_relative(&file.path) {
                warnings.push(format!(
                    "ignored the unsafe path {:?} for note {id}",
                    file.path
                ));
                false
            } else if !seen.insert(collision_key(&file.path)) {
                warnings.push(format!("ignored a second note ({id}) for {:?}", file.path));
                false
            } else {
                true
            }
        });
        Ok((state, warnings))
    }

    /// The state as JSON, one file entry per line: compact (a state for 10,000 notes is
    /// read on every sync) yet readable and diffable.
    pub fn to_json(&self) -> String {
        let string = |s: &str| serde_json::to_string(s).expect("a string serialises");
        let mut out = String::with_capacity(64 + self.files.len() * 512);
        out.push_str(&format!(
            "{{\"schema\":{},\"pattern\":{},\"files\":{{",
            self.schema,
            string(&self.pattern)
        ));
        for (i, (id, file)) in self.files.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(&string(id));
            out.push(':');
            out.push_str(&serde_json::to_string(file).expect("a file entry serialises"));
        }
        out.push_str("\n}}\n");
        out
    }

    /// The note whose file is at `path` (compared case-insensitively).
    pub(crate) fn note_at(&self, path: &str) -> Option<&str> {
        let key = collision_key(path);
        self.files
            .iter()
            .find(|(_, f)| collision_key(&f.path) == key)
            .map(|(id, _)| id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> FileState {
        FileState {
            path: path.into(),
            written: "w".into(),
            version: "v".into(),
            source: "s".into(),
            frame: "f".into(),
            quotes: vec![HeldQuote {
                id: "q1".into(),
                block: "b".into(),
                words: "First words…".into(),
            }],
            edited: true,
            deleted: false,
        }
    }

    #[test]
    fn round_trips() {
        let mut state = SyncState::default();
        state.files.insert("n1".into(), entry("a/B.md"));
        let (back, warnings) = SyncState::from_json(&state.to_json()).unwrap();
        assert_eq!(back, state);
        assert!(warnings.is_empty());
        assert_eq!(state.note_at("A/b.md"), Some("n1"));
    }

    #[test]
    fn unsafe_and_colliding_paths_are_dropped() {
        let mut state = SyncState::default();
        state.files.insert("n1".into(), entry("../escape.md"));
        state.files.insert("n2".into(), entry("/etc/passwd"));
        state.files.insert("n3".into(), entry("ok.md"));
        state.files.insert("n4".into(), entry("OK.md"));
        let (back, warnings) = SyncState::from_json(&state.to_json()).unwrap();
        assert_eq!(back.files.keys().collect::<Vec<_>>(), ["n3"]);
        assert_eq!(warnings.len(), 3);
    }

    #[test]
    fn schemas() {
        assert_eq!(
            SyncState::from_json(r#"{"schema":7,"files":{}}"#).unwrap_err(),
            Error::UnsupportedSchema(7)
        );
        assert!(SyncState::from_json(r#"{"files":{}}"#).is_err());
        assert!(SyncState::from_json("[").is_err());
    }
}
