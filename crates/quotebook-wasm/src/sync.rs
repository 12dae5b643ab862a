//! The sync planner for backends that do their I/O in JavaScript (File System Access): the
//! JS reads a snapshot of the folder, the core decides, the JS writes what it is told.
//!
//! The planner reads files lazily; a snapshot cannot. So [`sync_plan`] answers
//! `{"need": [paths]}` when the planner asked about a file the snapshot lists but did not
//! read; the JS reads those and calls again (the state's files are read up front, so this
//! only happens for a new note whose name is taken by a file sync did not make).

use std::cell::RefCell;
use std::collections::HashMap;

use quotebook_core::library::Library;
use quotebook_core::sync::render::LazyNote;
use quotebook_core::sync::{
    Entry, Expect, Folder, LIBRARY_PATH, Options, Pattern, Resolution, STATE_PATH, SyncState, plan,
};
use quotebook_core::template::{RenderOptions, Templates};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// The folder as the JS read it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Snapshot {
    /// Files read, by path: their text, or `null` when missing.
    pub files: HashMap<String, Option<String>>,
    /// Files that could not be read (not UTF-8, say), by path: why.
    pub unreadable: HashMap<String, String>,
    /// The names in each folder (`""`: the synced folder), for the folders listed.
    pub names: HashMap<String, Vec<String>>,
}

/// What to sync with.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SyncOptions {
    pub templates: Templates,
    pub pattern: String,
    pub tz_offset_minutes: i32,
    pub restore: bool,
    /// A path, or `"all"`.
    pub overwrite: Option<String>,
    pub keep: Option<String>,
}

struct SnapshotFolder<'a> {
    snapshot: &'a Snapshot,
    need: RefCell<Vec<String>>,
}

impl Folder for SnapshotFolder<'_> {
    fn read(&self, path: &str) -> Entry {
        if let Some(why) = self.snapshot.unreadable.get(path) {
            return Entry::Unreadable(why.clone());
        }
        match self.snapshot.files.get(path) {
            Some(Some(text)) => return Entry::File(text.as_bytes().to_vec()),
            Some(None) => return Entry::Missing,
            None => {}
        }
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        match self.snapshot.names.get(dir) {
            Some(names) if !names.iter().any(|n| n == name) => Entry::Missing,
            // Listed but not read, or in a folder not listed: ask for it.
            _ => {
                self.need.borrow_mut().push(path.to_owned());
                Entry::Unreadable("not read yet".into())
            }
        }
    }

    fn names(&self, dir: &str) -> Vec<String> {
        self.snapshot.names.get(dir).cloned().unwrap_or_default()
    }
}

/// The plan for `library_json` (a backup's text) into the folder `snapshot`:
/// `{"need": [paths]}`, or `{"writes": [{path, text, expect}], "state": TEXT|null,
/// "backup": TEXT|null, "decisions": [{kind, path, line}], "summary": {…}}` where `expect`
/// is `null` (the file must not exist) or the SHA-256 the file must still have, and
/// `state`/`backup` are `null` when unchanged.
pub fn plan_json(
    library_json: &str,
    snapshot_json: &str,
    options_json: &str,
) -> Result<String, String> {
    let snapshot: Snapshot = quotebook_core::json::from_json(snapshot_json)
        .map_err(|e| format!("invalid_data: snapshot: {e}"))?;
    let options: SyncOptions = quotebook_core::json::from_json(options_json)
        .map_err(|e| format!("invalid_data: options: {e}"))?;
    let state_text = snapshot.files.get(STATE_PATH).cloned().flatten();
    let (state, warnings) = match &state_text {
        Some(text) => {
            SyncState::from_json(text).map_err(|e| format!("invalid_data: {STATE_PATH}: {e}"))?
        }
        None => (SyncState::default(), Vec::new()),
    };
    // The folder's backup and the library, merged: nothing lost.
    let given =
        Library::from_json(library_json).map_err(|e| format!("invalid_data: library: {e}"))?;
    let kept_text = snapshot.files.get(LIBRARY_PATH).cloned().flatten();
    let library = match &kept_text {
        Some(text) => {
            let mut kept = Library::from_json(text)
                .map_err(|e| format!("invalid_data: {LIBRARY_PATH}: {e}"))?;
            kept.merge(given);
            kept
        }
        None => given,
    };
    let pattern_source = if !options.pattern.trim().is_empty() {
        options.pattern.trim()
    } else {
        state.pattern.as_str()
    };
    let pattern = if pattern_source.is_empty() {
        Pattern::default()
    } else {
        Pattern::parse(pattern_source).map_err(|e| format!("invalid_pattern: {e}"))?
    };
    let mut plan_options = Options {
        pattern,
        restore: options.restore,
        ..Options::default()
    };
    for (choice, resolution) in [
        (&options.overwrite, Resolution::Overwrite),
        (&options.keep, Resolution::Keep),
    ] {
        match choice.as_deref() {
            None => {}
            Some("all") => plan_options.resolve_all = Some(resolution),
            Some(path) => {
                let id = state
                    .note_at(path)
                    .ok_or_else(|| format!("invalid_data: no synced file at {path:?}"))?;
                plan_options.resolutions.insert(id.to_owned(), resolution);
            }
        }
    }
    let render_options = RenderOptions {
        tz_offset_minutes: options.tz_offset_minutes,
        ..RenderOptions::default()
    };
    let notes: Vec<LazyNote> = library
        .notes
        .iter()
        .map(|n| LazyNote::new(n, &options.templates, &render_options))
        .collect();
    let folder = SnapshotFolder {
        snapshot: &snapshot,
        need: RefCell::new(Vec::new()),
    };
    let planned = plan(&notes, &state, &folder, &plan_options);
    let mut need = folder.need.into_inner();
    if !need.is_empty() {
        quotebook_core::order::sort(&mut need);
        need.dedup();
        #[derive(Serialize)]
        struct Need {
            need: Vec<String>,
        }
        return Ok(serde_json::to_string(&Need { need }).expect("paths serialise"));
    }
    let writes: Vec<Write> = planned
        .writes
        .iter()
        .map(|w| Write {
            expect: match &w.expect {
                Expect::Absent => None,
                Expect::Hash(hash) => Some(hash),
            },
            path: &w.path,
            text: String::from_utf8_lossy(&w.bytes),
        })
        .collect();
    let decisions: Vec<Decision> = planned
        .decisions
        .iter()
        .map(|d| Decision {
            kind: d.outcome.kind(),
            line: d.to_string(),
            path: d.path.as_deref(),
        })
        .collect();
    let summary = planned.summary();
    let new_state = planned.state.to_json();
    let state_out = (state_text.as_deref() != Some(new_state.as_str()) || !warnings.is_empty())
        .then_some(new_state);
    let backup = library.to_json();
    let backup_out = (kept_text.as_deref() != Some(backup.as_str())).then_some(backup);
    Ok(serde_json::to_string(&Plan {
        backup: backup_out,
        decisions,
        state: state_out,
        summary: PlanSummary {
            appended: summary.appended,
            conflict: summary.conflicts,
            created: summary.created,
            skipped: summary.skipped,
            updated: summary.updated,
        },
        writes,
    })
    .expect("a plan serialises"))
}

// The answer's parts, typed: a `serde_json::Value` would bring its float formatting into
// the module (BENCHMARKS.md, "WASM size"). Fields in alphabetical order, as a `Value`'s
// object had them.

/// `{backup, decisions, state, summary, writes}`: what [`plan_json`] answers.
#[derive(Serialize)]
struct Plan<'a> {
    backup: Option<String>,
    decisions: Vec<Decision<'a>>,
    state: Option<String>,
    summary: PlanSummary,
    writes: Vec<Write<'a>>,
}

/// A file to write: `expect` is the hash of the file it replaces, `null` for a new file.
#[derive(Serialize)]
struct Write<'a> {
    expect: Option<&'a String>,
    path: &'a str,
    text: std::borrow::Cow<'a, str>,
}

/// What the planner decided for a file, and the line telling the reader.
#[derive(Serialize)]
struct Decision<'a> {
    kind: &'static str,
    line: String,
    path: Option<&'a str>,
}

/// How many files each kind of decision counted.
#[derive(Serialize)]
struct PlanSummary {
    appended: usize,
    conflict: usize,
    created: usize,
    skipped: usize,
    updated: usize,
}

/// [`plan_json`] for JavaScript (the File System Access backend).
#[wasm_bindgen]
pub fn sync_plan(
    library_json: &str,
    snapshot_json: &str,
    options_json: &str,
) -> Result<String, JsError> {
    plan_json(library_json, snapshot_json, options_json).map_err(|e| JsError::new(&e))
}

/// The state to save when some planned writes failed (`failed_json`: their paths): each
/// failed file's note keeps its entry of the old state (or none), as the CLI does.
pub fn state_after_json(
    old_state: &str,
    new_state: &str,
    failed_json: &str,
) -> Result<String, String> {
    let failed: Vec<String> = quotebook_core::json::from_json(failed_json)
        .map_err(|e| format!("invalid_data: failed paths: {e}"))?;
    let old = if old_state.trim().is_empty() {
        SyncState::default()
    } else {
        SyncState::from_json(old_state)
            .map_err(|e| format!("invalid_data: {STATE_PATH}: {e}"))?
            .0
    };
    let (mut state, _) =
        SyncState::from_json(new_state).map_err(|e| format!("invalid_data: new state: {e}"))?;
    for path in failed {
        let ids: Vec<String> = state
            .files
            .iter()
            .filter(|(_, f)| f.path == path)
            .map(|(id, _)| id.clone())
            .collect();
        for id in ids {
            match old.files.get(&id) {
                Some(entry) => {
                    state.files.insert(id, entry.clone());
                }
                None => {
                    state.files.remove(&id);
                }
            }
        }
    }
    Ok(state.to_json())
}

/// [`state_after_json`] for JavaScript.
#[wasm_bindgen]
pub fn sync_state_after(
    old_state: &str,
    new_state: &str,
    failed_json: &str,
) -> Result<String, JsError> {
    state_after_json(old_state, new_state, failed_json).map_err(|e| JsError::new(&e))
}

/// The digests of notes for an incremental sync through the native host: `texts` holds
/// each note's JSON as stored, one per line (JSON text has no raw line break); the answer,
/// each note's [`quotebook_core::sync::hash::note_digest`], one per line.
#[wasm_bindgen]
pub fn sync_note_digests(texts: &str) -> String {
    note_digests(texts)
}

/// The keys of a stored note in the order its backup line has them, as a JSON array: the
/// extension writes a note's JSON with `JSON.stringify(note, keys)` before digesting it
/// (a browser's storage may hand the keys back in another order).
#[wasm_bindgen]
pub fn sync_note_keys() -> String {
    serde_json::to_string(quotebook_core::sync::hash::NOTE_KEYS).expect("strings serialise")
}

fn note_digests(texts: &str) -> String {
    if texts.is_empty() {
        return String::new();
    }
    let digests: Vec<String> = texts
        .split('\n')
        .map(quotebook_core::sync::hash::note_digest)
        .collect();
    digests.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn library(quotes: &[(&str, &str)]) -> String {
        let quotes: Vec<Value> = quotes
            .iter()
            .map(|(id, text)| json!({"id": id, "markdown": text, "text": text, "created": "2024-06-05T12:00:00.000Z"}))
            .collect();
        json!({"schema": 1, "notes": [{
            "schema": quotebook_core::SCHEMA_VERSION, "id": "https://a.example/", "url": "https://a.example/",
            "title": "Aye", "created": "2024-06-05T12:00:00.000Z", "updated": "2024-06-05T12:00:00.000Z",
            "quotes": quotes,
        }]})
        .to_string()
    }

    fn run(library: &str, snapshot: &Value) -> Value {
        serde_json::from_str(&plan_json(library, &snapshot.to_string(), "{}").unwrap()).unwrap()
    }

    /// Applies a plan to an in-memory folder the way the JS does.
    fn apply(files: &mut HashMap<String, Option<String>>, plan: &Value) {
        for w in plan["writes"].as_array().unwrap() {
            files.insert(
                w["path"].as_str().unwrap().into(),
                Some(w["text"].as_str().unwrap().into()),
            );
        }
        for (key, path) in [("state", STATE_PATH), ("backup", LIBRARY_PATH)] {
            if let Some(text) = plan[key].as_str() {
                files.insert(path.into(), Some(text.into()));
            }
        }
    }

    fn snapshot(files: &HashMap<String, Option<String>>) -> Value {
        let names: Vec<&str> = files
            .keys()
            .filter(|p| !p.contains('/'))
            .map(String::as_str)
            .collect();
        json!({"files": files, "names": {"": names}})
    }

    #[test]
    fn create_edit_append_then_nothing() {
        let mut files = HashMap::new();
        let first = run(&library(&[("q1", "One.")]), &snapshot(&files));
        assert_eq!(first["decisions"][0]["kind"], "created");
        assert_eq!(first["writes"][0]["path"], "Aye.md");
        assert!(first["writes"][0]["expect"].is_null());
        assert!(first["state"].is_string() && first["backup"].is_string());
        apply(&mut files, &first);

        let edited = files["Aye.md"]
            .clone()
            .unwrap()
            .replace("\n> One.", "\nMine.\n\n> One.");
        files.insert("Aye.md".into(), Some(edited.clone()));
        let second = run(
            &library(&[("q1", "One."), ("q2", "Two.")]),
            &snapshot(&files),
        );
        assert_eq!(second["decisions"][0]["kind"], "appended", "{second}");
        let text = second["writes"][0]["text"].as_str().unwrap();
        assert!(
            text.starts_with(&edited) && text.ends_with("> Two.\n"),
            "{text}"
        );
        assert_eq!(
            second["writes"][0]["expect"],
            quotebook_core::sync::hash::hash(edited.as_bytes())
        );
        apply(&mut files, &second);

        let third = run(
            &library(&[("q1", "One."), ("q2", "Two.")]),
            &snapshot(&files),
        );
        assert_eq!(third["summary"]["skipped"], 1);
        assert!(third["writes"].as_array().unwrap().is_empty());
        assert!(
            third["state"].is_null() && third["backup"].is_null(),
            "{third}"
        );
    }

    #[test]
    fn a_listed_file_not_read_is_asked_for() {
        // A file of the reader's holds the name the new note wants.
        let snap = json!({"files": {}, "names": {"": ["Aye.md"]}});
        let answer = run(&library(&[("q1", "One.")]), &snap);
        assert_eq!(answer["need"], json!(["Aye.md"]));
        let snap = json!({"files": {"Aye.md": "my own file\n"}, "names": {"": ["Aye.md"]}});
        let answer = run(&library(&[("q1", "One.")]), &snap);
        assert_eq!(answer["writes"][0]["path"], "Aye (2).md", "{answer}");
    }

    #[test]
    fn a_failed_write_keeps_the_old_entry() {
        let mut files = HashMap::new();
        let first = run(&library(&[("q1", "One.")]), &snapshot(&files));
        apply(&mut files, &first);
        let old = files[STATE_PATH].clone().unwrap();
        let second = run(
            &library(&[("q1", "One."), ("q2", "Two.")]),
            &snapshot(&files),
        );
        let new = second["state"].as_str().unwrap();
        assert_ne!(new, old);
        assert_eq!(state_after_json(&old, new, r#"["Aye.md"]"#).unwrap(), old);
        assert_eq!(state_after_json(&old, new, "[]").unwrap(), new);
        // A file that was never made: its note has no entry.
        let created = first["state"].as_str().unwrap();
        let none = state_after_json("", created, r#"["Aye.md"]"#).unwrap();
        assert!(SyncState::from_json(&none).unwrap().0.files.is_empty());
    }

    #[test]
    fn note_digests_one_per_line() {
        assert_eq!(note_digests(""), "");
        let two = note_digests("{\"id\":\"a\"}\n{\"id\":\"b\"}");
        let lines: Vec<&str> = two.lines().collect();
        assert_eq!(
            lines,
            [
                quotebook_core::sync::hash::note_digest("{\"id\":\"a\"}"),
                quotebook_core::sync::hash::note_digest("{\"id\":\"b\"}")
            ]
        );
    }

    #[test]
    fn bad_input_is_named() {
        assert!(
            plan_json("{", "{}", "{}")
                .unwrap_err()
                .starts_with("invalid_data: library")
        );
        let lib = library(&[]);
        assert!(plan_json(&lib, "[", "{}").unwrap_err().contains("snapshot"));
        let bad = json!({"pattern": "{nope}"}).to_string();
        assert!(
            plan_json(&lib, "{}", &bad)
                .unwrap_err()
                .starts_with("invalid_pattern")
        );
    }
}
