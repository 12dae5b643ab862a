//! The sync session for backends that do their I/O in JavaScript (File System Access): the
//! JS reads a snapshot of the folder, the core's session decides (the very session the CLI
//! and the native host run), the JS writes what it is told. Values cross as JS values
//! (serde-wasm-bindgen), not JSON text.
//!
//! The planner reads files lazily; a snapshot cannot. So [`sync_plan`] answers
//! `{need: [paths]}` when the planner asked about a file the snapshot lists but did not
//! read; the JS reads those and calls again (the state's files are read up front, from
//! [`sync_state_paths`], so this only happens for a new note whose name is taken by a file
//! sync did not make).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use quotebook_core::embed::AttachmentFile;
use quotebook_core::sync::session::{self, Counts, ReportEntry, Settings};
use quotebook_core::sync::{Entry, Expect, Folder, LIBRARY_PATH, STATE_PATH, SyncState};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::to_js;

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
            // The JS reads the files of `.quotebook/` first: not given, not there.
            None if path == STATE_PATH || path == LIBRARY_PATH => return Entry::Missing,
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

/// What [`sync_plan`] answers: the files it must read first, or the plan.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Need { need: Vec<String> },
    Plan(Box<Plan>),
}

/// The session planned: the files to write, then (when every write succeeded) the report.
#[derive(Debug, Serialize)]
pub struct Plan {
    pub writes: Vec<PlanWrite>,
    /// The text to save in `.quotebook/state.json`; `null`: leave it.
    pub state: Option<String>,
    /// The text to save in `.quotebook/library.json`; `null`: leave it.
    pub backup: Option<String>,
    pub decisions: Vec<ReportEntry>,
    pub summary: Counts,
    /// The kept images the notes embed: write each from the store (by `hash`) at `path`,
    /// only where no file is; never over another file.
    pub attachments: Vec<AttachmentFile>,
}

/// A file to write: `expect` is the SHA-256 of the file it replaces, `null` for a new file
/// (which must not exist).
#[derive(Debug, Serialize)]
pub struct PlanWrite {
    pub path: String,
    pub text: String,
    pub expect: Option<String>,
}

fn code(e: session::SessionError) -> String {
    format!("{}: {e}", e.code())
}

/// The session for `library_json` (a backup's text) into the folder `snapshot`, at `now`
/// (the times of a backup merged are checked against it).
pub fn plan(
    library_json: &str,
    snapshot: &Snapshot,
    settings: &Settings,
    now: &str,
) -> Result<Answer, String> {
    let folder = SnapshotFolder {
        snapshot,
        need: RefCell::new(Vec::new()),
    };
    let settings = Settings {
        front_end_attachments: true,
        ..settings.clone()
    };
    let started = session::start(&folder, Some(("library", library_json)), &settings, now);
    let mut need = folder.need.into_inner();
    if !need.is_empty() {
        need.sort_unstable();
        need.dedup();
        return Ok(Answer::Need { need });
    }
    let mut session = started.map_err(code)?;
    let attachments = session.attachments().to_vec();
    let writes = session
        .take_writes()
        .into_iter()
        .map(|w| PlanWrite {
            text: String::from_utf8(w.bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            expect: match w.expect {
                Expect::Absent => None,
                Expect::Hash(hash) => Some(hash),
            },
            path: w.path,
        })
        .collect();
    let report = session.finish(&BTreeMap::new());
    Ok(Answer::Plan(Box::new(Plan {
        writes,
        decisions: report.entries(),
        summary: report.counts(),
        state: report.state,
        backup: report.backup,
        attachments,
    })))
}

/// What the JS hands back to [`sync_finish`]: the plan's report.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Planned {
    pub state: Option<String>,
    pub decisions: Vec<ReportEntry>,
}

/// The report once written, when some writes failed.
#[derive(Debug, Serialize)]
pub struct Finished {
    pub state: Option<String>,
    pub decisions: Vec<ReportEntry>,
    pub summary: Counts,
}

/// The report when the writes to `failed` (path: why) did not happen: their decisions say
/// so, and each such file's note keeps its entry of the state as it was (`old_state`, the
/// text read before planning; `None` when there was none).
pub fn finish(
    old_state: Option<&str>,
    planned: Planned,
    failed: &BTreeMap<String, String>,
) -> Result<Finished, String> {
    let read = |text: &str, what: &str| {
        SyncState::from_json(text)
            .map(|(state, _)| state)
            .map_err(|e| format!("invalid_data: {what}: {e}"))
    };
    let previous = match old_state {
        Some(text) if !text.trim().is_empty() => read(text, STATE_PATH)?,
        _ => SyncState::default(),
    };
    let state = match (&planned.state, failed.is_empty()) {
        (state, true) => state.clone(),
        (Some(text), false) => {
            let state = session::state_after(&previous, read(text, "new state")?, failed.keys());
            let text = state.to_json();
            (old_state != Some(text.as_str())).then_some(text)
        }
        (None, false) => None,
    };
    let decisions: Vec<ReportEntry> = planned
        .decisions
        .into_iter()
        .map(|d| {
            match d
                .path
                .as_deref()
                .and_then(|p| failed.get(p).map(|why| (p, why)))
            {
                Some((path, why)) => ReportEntry::not_written(path, why),
                None => d,
            }
        })
        .collect();
    Ok(Finished {
        summary: Counts::of(&decisions),
        state,
        decisions,
    })
}

/// The paths of the files a state's text names (the JS reads them before planning).
pub fn state_paths(state_text: &str) -> Result<Vec<String>, String> {
    let (state, _) =
        SyncState::from_json(state_text).map_err(|e| format!("invalid_data: {STATE_PATH}: {e}"))?;
    Ok(state.files.into_values().map(|f| f.path).collect())
}

fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue, what: &str) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return serde_json::from_str("{}")
            .map_err(|e| JsError::new(&format!("invalid_data: {what}: {e}")));
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| JsError::new(&format!("invalid_data: {what}: {e}")))
}

/// [`plan`] for JavaScript: `snapshot` is `{files, unreadable, names}`, `now` an RFC 3339
/// instant, `options` the session's settings (`templates`, `pattern`, `tzOffsetMinutes`,
/// `restore`, `overwrite`/`keep`). Answers `{need}` or `{writes, state,
/// backup, decisions, summary}`.
#[wasm_bindgen(unchecked_return_type = "SyncAnswer")]
pub fn sync_plan(
    library_json: &str,
    #[wasm_bindgen(unchecked_param_type = "SyncSnapshot")] snapshot: JsValue,
    now: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "SyncOptions | null")] options: JsValue,
) -> Result<JsValue, JsError> {
    let snapshot: Snapshot = from_js(snapshot, "snapshot")?;
    let settings: Settings = from_js(options, "options")?;
    to_js(&plan(library_json, &snapshot, &settings, now).map_err(|e| JsError::new(&e))?)
}

/// [`finish`] for JavaScript: `plan` is [`sync_plan`]'s answer, `failed` an object of the
/// paths not written and why. Answers `{state, decisions, summary}`.
#[wasm_bindgen(unchecked_return_type = "SyncFinished")]
pub fn sync_finish(
    old_state: Option<String>,
    #[wasm_bindgen(unchecked_param_type = "SyncPlanned")] plan: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] failed: JsValue,
) -> Result<JsValue, JsError> {
    let planned: Planned = from_js(plan, "plan")?;
    let failed: BTreeMap<String, String> = from_js(failed, "failed writes")?;
    to_js(&finish(old_state.as_deref(), planned, &failed).map_err(|e| JsError::new(&e))?)
}

/// [`state_paths`] for JavaScript.
#[wasm_bindgen]
pub fn sync_state_paths(state_text: &str) -> Result<Vec<String>, JsError> {
    state_paths(state_text).map_err(|e| JsError::new(&e))
}

/// The digests of notes for an incremental sync through the native host: each note's JSON
/// as stored in, each note's [`quotebook_core::sync::hash::note_digest`] out.
#[wasm_bindgen]
pub fn sync_note_digests(texts: Vec<String>) -> Vec<String> {
    note_digests(&texts)
}

/// The keys of a stored note in the order its backup line has them: the extension writes
/// a note's JSON with `JSON.stringify(note, keys)` before digesting it (a browser's
/// storage may hand the keys back in another order).
#[wasm_bindgen]
pub fn sync_note_keys() -> Vec<String> {
    quotebook_core::sync::hash::NOTE_KEYS
        .iter()
        .map(|k| (*k).to_owned())
        .collect()
}

fn note_digests(texts: &[String]) -> Vec<String> {
    texts
        .iter()
        .map(|t| quotebook_core::sync::hash::note_digest(t))
        .collect()
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

    fn plan_json(library: &str, snapshot: &str, options: &str) -> Result<Value, String> {
        let snapshot: Snapshot =
            serde_json::from_str(snapshot).map_err(|e| format!("invalid_data: snapshot: {e}"))?;
        let settings: Settings =
            serde_json::from_str(options).map_err(|e| format!("invalid_data: options: {e}"))?;
        Ok(serde_json::to_value(plan(
            library,
            &snapshot,
            &settings,
            "2025-01-01T00:00:00.000Z",
        )?)
        .unwrap())
    }

    fn run(library: &str, snapshot: &Value) -> Value {
        plan_json(library, &snapshot.to_string(), "{}").unwrap()
    }

    /// [`finish`] as the JS calls it, on the state's texts.
    fn state_after_json(old: &str, new: &str, failed: &[&str]) -> String {
        let failed: BTreeMap<String, String> = failed
            .iter()
            .map(|p| ((*p).to_owned(), "it changed meanwhile".to_owned()))
            .collect();
        let planned = Planned {
            state: Some(new.to_owned()),
            decisions: Vec::new(),
        };
        let old = (!old.is_empty()).then_some(old);
        finish(old, planned, &failed)
            .unwrap()
            .state
            .unwrap_or_else(|| old.unwrap().to_owned())
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
        assert_eq!(state_after_json(&old, new, &["Aye.md"]), old);
        assert_eq!(state_after_json(&old, new, &[]), new);
        // A file that was never made: its note has no entry.
        let created = first["state"].as_str().unwrap();
        let none = state_after_json("", created, &["Aye.md"]);
        assert!(SyncState::from_json(&none).unwrap().0.files.is_empty());
        // The failed write's decision says so, and the counts follow.
        let failed = BTreeMap::from([("Aye.md".to_owned(), "it changed meanwhile".to_owned())]);
        let planned: Planned = serde_json::from_value(second.clone()).unwrap();
        let done = finish(Some(&old), planned, &failed).unwrap();
        assert_eq!(done.state, None, "the old state stands");
        assert_eq!(done.decisions[0].kind, "skipped");
        assert_eq!(
            done.decisions[0].line,
            "skipped   Aye.md: not written: it changed meanwhile"
        );
        assert_eq!(done.summary.skipped, 1);
        assert_eq!(done.summary.updated + done.summary.appended, 0);
    }

    #[test]
    fn note_digests_one_per_note() {
        assert!(note_digests(&[]).is_empty());
        let two = note_digests(&["{\"id\":\"a\"}".to_owned(), "{\"id\":\"b\"}".to_owned()]);
        assert_eq!(
            two,
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
            state_paths("{")
                .unwrap_err()
                .starts_with("invalid_data: .quotebook/state.json")
        );
        assert!(
            plan_json(&lib, "{}", &bad)
                .unwrap_err()
                .starts_with("invalid_pattern")
        );
    }

    #[test]
    fn kept_images_are_listed_for_the_store_and_never_read_from_the_snapshot() {
        let hash = "ab".repeat(32);
        let library = json!({"schema": 1, "notes": [{
            "schema": quotebook_core::SCHEMA_VERSION, "id": "https://a.example/", "url": "https://a.example/",
            "title": "Aye", "created": "2024-06-05T12:00:00.000Z", "updated": "2024-06-05T12:00:00.000Z",
            "quotes": [{"id": "q1", "markdown": "![cat](https://a.example/cat.png)", "text": "",
                "created": "2024-06-05T12:00:00.000Z",
                "images": [{"url": "https://a.example/cat.png", "name": "cat", "hash": hash,
                    "mime": "image/png"}]}],
        }]})
        .to_string();
        // The attachments folder is listed and holds the name: still never asked for.
        let snapshot = json!({"names": {"": ["attachments"], "attachments": [format!("cat-{}.png", &hash[..8])]}});
        let plan = plan_json(
            &library,
            &snapshot.to_string(),
            r#"{"images": {"keep": true}}"#,
        )
        .unwrap();
        assert!(plan.get("need").is_none(), "{plan}");
        assert_eq!(
            plan["attachments"],
            json!([{"path": format!("attachments/cat-{}.png", &hash[..8]), "hash": hash, "mime": "image/png"}])
        );
        let note = plan["writes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["path"] == "Aye.md")
            .unwrap();
        assert!(
            note["text"]
                .as_str()
                .unwrap()
                .contains(&format!("> ![[cat-{}.png]]", &hash[..8])),
            "{note}"
        );
        // Images not kept: nothing to write, the remote URL.
        let plan = plan_json(&library, &snapshot.to_string(), "{}").unwrap();
        assert_eq!(plan["attachments"], json!([]));
        assert!(
            plan["writes"][0]["text"]
                .as_str()
                .unwrap()
                .contains("> ![cat](https://a.example/cat.png)"),
            "{plan}"
        );
    }
}
