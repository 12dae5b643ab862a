//! `quotebook host`: the native messaging host. The browser starts it (through the
//! manifest `quotebook install-host` writes) and talks to it on standard input and output:
//! each message is a 4-byte length in the machine's byte order, then that many bytes of
//! UTF-8 JSON. It syncs the library the extension sends into its configured folder with
//! the very session and folder writer of `quotebook sync` (atomic writes, no symbolic link
//! followed, the same `.quotebook/` state), called directly.
//!
//! Messages from the extension:
//!
//! - `{"type":"hello"}` → `{"type":"hello","version":…,"folder":…}`;
//! - `{"type":"library-part","data":TEXT}`: a piece of the library backup, for libraries
//!   larger than one message may carry (the pieces are joined in order);
//! - `{"type":"sync","library":TEXT?,"templates":{"note","quote"}?,"pattern":P?,
//!   "tzOffsetMinutes":N?,"restore":BOOL?,"overwrite":PATH|"all"?,"keep":PATH|"all"?}`:
//!   syncs (the library given, else the pieces sent before) and answers
//!   `{"type":"progress",…}` then `{"type":"result","ok":true,"decisions":[…],"summary":{…}}`
//!   or `{"type":"result","ok":false,"error":…}`.
//!
//! A browser accepts at most 1 MB in a message from a host: a longer answer is sent as
//! `{"type":"chunk","index":I,"count":N,"data":TEXT}` messages whose `data`, joined, is the
//! answer's JSON text.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use quotebook_core::library::Library;
use quotebook_core::note::Note;
use quotebook_core::sync::session::{Report, Settings};
use quotebook_core::sync::{Entry, Folder, LIBRARY_PATH, hash};

use crate::args::HostArgs;

/// The host's name, as the browser knows it (the manifest's file name and `name`).
pub const HOST_NAME: &str = "quotebook_host";
/// The largest message a browser accepts from a host.
pub const MAX_OUT: usize = 1024 * 1024;
/// The largest message accepted from the browser (Chromium sends at most 64 MiB).
pub const MAX_IN: usize = 64 * 1024 * 1024;
/// The largest library assembled from pieces.
const MAX_LIBRARY: usize = 1024 * 1024 * 1024;
/// The text of one chunk: JSON escaping at most doubles it, leaving room below [`MAX_OUT`].
const CHUNK_TEXT: usize = 400 * 1024;

/// The configuration `quotebook install-host` writes: `{"folder": DIR}`.
pub fn default_config_path() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if cfg!(target_os = "macos") {
        return home.map(|h| h.join("Library/Application Support/Quotebook/host.json"));
    }
    match std::env::var_os("XDG_CONFIG_HOME") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir).join("quotebook/host.json")),
        _ => home.map(|h| h.join(".config/quotebook/host.json")),
    }
}

/// `quotebook host [--folder DIR] [--config FILE]`; the arguments a browser adds (the
/// extension's origin, Firefox's manifest path and id, `--parent-window=…` on Windows) are
/// ignored. Without `--folder`, the folder comes from the configuration file.
pub fn run(args: HostArgs) -> Result<String, String> {
    let HostArgs { folder, config, .. } = args;
    let folder = match folder {
        Some(folder) => folder,
        None => {
            let path = match config {
                Some(path) => PathBuf::from(path),
                None => {
                    default_config_path().ok_or("no home folder to find the configuration in")?
                }
            };
            read_config(&path)?
        }
    };
    let stdin = io::stdin();
    let stdout = io::stdout();
    serve(&mut stdin.lock(), &mut stdout.lock(), &folder)?;
    Ok(String::new())
}

/// The folder named in a configuration file, which no other user may be able to change
/// (it says where the host writes).
pub fn read_config(path: &Path) -> Result<String, String> {
    let text = fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read {}: {e} (run `quotebook install-host` first)",
            path.display()
        )
    })?;
    #[cfg(unix)]
    if let Some(why) = fs::metadata(path)
        .ok()
        .and_then(|meta| crate::install_host::others_can_write(&meta))
    {
        return Err(format!(
            "{} {why}: refusing it (run `quotebook install-host` again)",
            path.display()
        ));
    }
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    value["folder"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{} names no \"folder\"", path.display()))
}

/// The folder's backup as the host last read it for a `digests` message: its note lines
/// by digest, and the digests the extension sent, in its order.
#[derive(Debug, Default)]
struct Incremental {
    kept: String,
    /// Digest → (start, end) of the note's line in `kept`.
    lines: HashMap<String, (usize, usize)>,
    /// `(note id, digest)` as the extension sent them.
    digests: Vec<(String, String)>,
}

impl Incremental {
    /// Reads the folder's `.quotebook/library.json` (no symbolic link followed) and keys
    /// its lines; `digests` is the extension's `[[id, digest], …]`. Returns the ids whose
    /// note the host lacks.
    fn start(
        folder: &str,
        digests: &Value,
        timer: &crate::sync::Timer,
    ) -> Result<(Incremental, Vec<String>), String> {
        let digests: Vec<(String, String)> = digests
            .as_array()
            .ok_or("digests needs \"notes\": [[id, digest], …]")?
            .iter()
            .map(|pair| match (pair[0].as_str(), pair[1].as_str()) {
                (Some(id), Some(digest)) => Ok((id.to_owned(), digest.to_owned())),
                _ => Err("digests needs \"notes\": [[id, digest], …]".to_owned()),
            })
            .collect::<Result<_, _>>()?;
        timer.lap("host: digests");
        let root = crate::sync::open_root(folder, false)?;
        let kept = match crate::sync::FsFolder::open(root)?.read(LIBRARY_PATH) {
            Entry::File(bytes) => String::from_utf8(bytes).unwrap_or_default(),
            _ => String::new(),
        };
        let mut lines = HashMap::new();
        if let Some(notes) = Library::note_lines(&kept) {
            let base = kept.as_ptr() as usize;
            let spans: Vec<(usize, usize)> = notes
                .iter()
                .map(|line| {
                    let start = line.as_ptr() as usize - base;
                    (start, start + line.len())
                })
                .collect();
            let keyed = crate::sync::on_every_core(&spans, |&(start, end)| {
                (hash::note_digest(&kept[start..end]), (start, end))
            });
            lines.extend(keyed);
        }
        timer.lap("host: key the backup");
        let need = digests
            .iter()
            .filter(|(_, digest)| !lines.contains_key(digest))
            .map(|(id, _)| id.clone())
            .collect();
        Ok((
            Incremental {
                kept,
                lines,
                digests,
            },
            need,
        ))
    }

    /// The extension's whole library as a backup's text: the notes the folder's backup
    /// holds as they are there, the others from `sent` (a backup of the notes asked for).
    /// `None` when it is exactly the folder's backup (nothing changed since the last sync).
    /// A folder without a backup gets one, even of no notes: its first sync is a sync.
    fn library(&self, sent: &str) -> Result<Option<String>, String> {
        let mut last = 0;
        let exactly_kept = !self.kept.is_empty()
            && self.digests.len() == self.lines.len()
            && self
                .digests
                .iter()
                .all(|(_, digest)| match self.lines.get(digest) {
                    Some(&(start, _)) if start >= last => {
                        last = start + 1;
                        true
                    }
                    _ => false,
                });
        // The settings that shape the files travel too, into the folder's backup.
        let settings = if sent.trim().is_empty() {
            None
        } else {
            Library::settings_of(sent).map_err(|e| format!("the notes sent: {e}"))?
        };
        let sent = if sent.trim().is_empty() {
            Library::default()
        } else {
            Library::from_json(sent).map_err(|e| format!("the notes sent: {e}"))?
        };
        let kept_deleted = Library::deleted_lines(&self.kept).unwrap_or_default();
        let nothing_new = sent.notes.is_empty()
            && sent.images.is_empty()
            && sent.deleted.iter().all(|d| {
                let line = serde_json::to_string(d).expect("a deletion serialises");
                kept_deleted.contains(&line.as_str())
            });
        let kept_settings = Library::settings_of(&self.kept).ok().flatten();
        let same_settings = settings.is_none() || kept_settings == settings;
        let settings = settings.or(kept_settings);
        if exactly_kept && nothing_new && same_settings {
            return Ok(None);
        }
        let notes: HashMap<&str, &Note> = sent.notes.iter().map(|n| (n.id.as_str(), n)).collect();
        let mut out = String::with_capacity(self.kept.len() + 64);
        match &settings {
            Some(settings) => {
                out.push_str("{\"schema\":1,\n\"settings\":");
                out.push_str(&serde_json::to_string(settings).expect("settings serialise"));
                out.push_str(",\"notes\":[");
            }
            None => out.push_str("{\"schema\":1,\"notes\":["),
        }
        for (i, (id, digest)) in self.digests.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            match (self.lines.get(digest), notes.get(id.as_str())) {
                (Some(&(start, end)), _) => out.push_str(&self.kept[start..end]),
                (None, Some(note)) => out.push_str(&note.to_json()),
                (None, None) => return Err(format!("note {id} was asked for but not sent")),
            }
        }
        out.push_str("\n]");
        // The deletions the extension records travel too.
        if !sent.deleted.is_empty() {
            out.push_str(",\"deleted\":[");
            for (i, deleted) in sent.deleted.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&serde_json::to_string(deleted).expect("a deletion serialises"));
            }
            out.push_str("\n]");
        }
        // The images: those the folder's backup holds and those sent (the session keeps
        // only what some note embeds, each hash once).
        let mut images: Vec<String> = Library::image_lines(&self.kept)
            .unwrap_or_default()
            .into_iter()
            .map(str::to_owned)
            .collect();
        images.extend(sent.images.iter().map(quotebook_core::library::image_line));
        for (i, line) in images.iter().enumerate() {
            out.push_str(if i == 0 { ",\"images\":[\n" } else { ",\n" });
            out.push_str(line);
        }
        if !images.is_empty() {
            out.push_str("\n]");
        }
        out.push_str("}\n");
        Ok(Some(out))
    }
}

/// Answers messages until the browser closes the pipe.
pub fn serve(input: &mut impl Read, output: &mut impl Write, folder: &str) -> Result<(), String> {
    let mut parts = String::new();
    let mut incremental: Option<Incremental> = None;
    let timer = crate::sync::Timer::new();
    loop {
        let message = match read_message(input) {
            Ok(Some(message)) => message,
            Ok(None) => return Ok(()),
            Err(why) => {
                // The stream is out of step: say why, and stop.
                let _ = send(output, &json!({"type": "error", "error": why}));
                return Err(why);
            }
        };
        timer.lap("host: read a message");
        let answer = match message["type"].as_str() {
            Some("hello") => json!({
                "type": "hello",
                "version": env!("CARGO_PKG_VERSION"),
                "folder": folder,
                "folderExists": Path::new(folder).is_dir(),
            }),
            Some("digests") => match Incremental::start(folder, &message["notes"], &timer) {
                Ok((state, need)) => {
                    incremental = Some(state);
                    json!({"type": "need", "ids": need})
                }
                Err(error) => json!({"type": "error", "error": error}),
            },
            Some("library-part") => match message["data"].as_str() {
                Some(data) if parts.len() + data.len() <= MAX_LIBRARY => {
                    parts.push_str(data);
                    continue;
                }
                Some(_) => json!({"type": "error", "error": "the library is too large"}),
                None => json!({"type": "error", "error": "library-part needs \"data\""}),
            },
            Some("sync") => {
                send(output, &json!({"type": "progress", "stage": "syncing"}))?;
                let library = match message["library"].as_str() {
                    Some(text) => text.to_owned(),
                    None => std::mem::take(&mut parts),
                };
                parts.clear();
                let library = match incremental.take() {
                    Some(state) => state.library(&library),
                    None => Ok(Some(library)),
                };
                timer.lap("host: the library");
                match library.and_then(|library| sync(folder, library.as_deref(), &message)) {
                    Ok(mut result) => {
                        result["type"] = json!("result");
                        result["ok"] = json!(true);
                        result
                    }
                    Err(error) => json!({"type": "result", "ok": false, "error": error}),
                }
            }
            other => json!({"type": "error", "error": format!("unknown message type {other:?}")}),
        };
        send(output, &answer)?;
    }
}

/// One message, or `None` at the end of the stream.
pub fn read_message(input: &mut impl Read) -> Result<Option<Value>, String> {
    let mut length = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match input.read(&mut length[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err("the stream ended inside a message length".into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read a message: {e}")),
        }
    }
    let length = u32::from_ne_bytes(length) as usize;
    if length > MAX_IN {
        return Err(format!("a message of {length} bytes is too large"));
    }
    let mut bytes = vec![0u8; length];
    input
        .read_exact(&mut bytes)
        .map_err(|e| format!("the stream ended inside a message: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("a message is not JSON: {e}"))
}

/// Sends `value`, in chunks when its JSON is longer than [`MAX_OUT`].
pub fn send(output: &mut impl Write, value: &Value) -> Result<(), String> {
    let text = value.to_string();
    if text.len() <= MAX_OUT {
        return write_frame(output, text.as_bytes());
    }
    let pieces = split(&text, CHUNK_TEXT);
    let count = pieces.len();
    for (index, data) in pieces.into_iter().enumerate() {
        let chunk = json!({"type": "chunk", "index": index, "count": count, "data": data});
        let bytes = chunk.to_string();
        debug_assert!(bytes.len() <= MAX_OUT);
        write_frame(output, bytes.as_bytes())?;
    }
    Ok(())
}

fn write_frame(output: &mut impl Write, bytes: &[u8]) -> Result<(), String> {
    let length = u32::try_from(bytes.len()).map_err(|_| "a message is too large")?;
    output
        .write_all(&length.to_ne_bytes())
        .and_then(|()| output.write_all(bytes))
        .and_then(|()| output.flush())
        .map_err(|e| format!("cannot write a message: {e}"))
}

/// `text` cut into pieces of at most `max` bytes, on character boundaries.
fn split(text: &str, max: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = rest.len().min(max);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (piece, tail) = rest.split_at(end);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

/// Syncs what the extension sent into `folder` with the session `quotebook sync` runs,
/// and answers with its report: `{decisions: [{kind, path, line}], summary: {…}, folder}`.
/// `library`: `None` to sync the folder's own backup (the extension's library is exactly
/// that).
fn sync(folder: &str, library: Option<&str>, message: &Value) -> Result<Value, String> {
    if library.is_some_and(|library| library.trim().is_empty()) {
        return Err("no library was sent".into());
    }
    // Another layout than Quotebook's own (one note per line) is rewritten in it, so that
    // the session can key its notes without parsing them.
    let library = match library {
        Some(library) if Library::note_lines(library).is_none() => Some(
            Library::from_json(library)
                .map_err(|e| format!("the library sent: {e}"))?
                .to_json(),
        ),
        other => other.map(str::to_owned),
    };
    let settings: Settings =
        serde_json::from_value(message.clone()).map_err(|e| format!("the sync message: {e}"))?;
    let report = crate::sync::sync_folder(
        folder,
        library
            .as_deref()
            .map(|library| ("the library sent", library)),
        &settings,
        false,
    )?;
    Ok(answer(&report, folder))
}

/// The host's answer for a session's report.
fn answer(report: &Report, folder: &str) -> Value {
    json!({
        "decisions": report.entries(),
        "summary": report.counts(),
        "folder": folder,
        "attachments": report.attachments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(value: &Value) -> Vec<u8> {
        let text = value.to_string();
        let mut bytes = (text.len() as u32).to_ne_bytes().to_vec();
        bytes.extend_from_slice(text.as_bytes());
        bytes
    }

    fn frames(mut bytes: &[u8]) -> Vec<Value> {
        let mut out = Vec::new();
        while let Some(v) = read_message(&mut bytes).unwrap() {
            out.push(v);
        }
        out
    }

    #[test]
    fn long_answers_are_chunked_below_one_megabyte() {
        // Quotes, backslashes and multi-byte characters: escaping grows the text.
        let big = "\"é\\ ".repeat(600_000);
        let mut out = Vec::new();
        send(&mut out, &json!({"type": "result", "text": big})).unwrap();
        let mut rest = &out[..];
        let mut joined = String::new();
        let mut count = 0;
        while rest.len() >= 4 {
            let len = u32::from_ne_bytes(rest[..4].try_into().unwrap()) as usize;
            assert!(len <= MAX_OUT, "a message of {len} bytes");
            let message: Value = serde_json::from_slice(&rest[4..4 + len]).unwrap();
            assert_eq!(message["type"], "chunk");
            assert_eq!(message["index"], count);
            joined.push_str(message["data"].as_str().unwrap());
            count += 1;
            rest = &rest[4 + len..];
        }
        assert!(count > 2);
        let whole: Value = serde_json::from_str(&joined).unwrap();
        assert_eq!(whole["text"], big);
    }

    #[test]
    fn short_answers_go_whole_and_bad_input_is_named() {
        let mut out = Vec::new();
        send(&mut out, &json!({"type": "hello"})).unwrap();
        assert_eq!(frames(&out), [json!({"type": "hello"})]);
        let mut truncated: &[u8] = &[5, 0];
        assert!(read_message(&mut truncated).unwrap_err().contains("length"));
        let mut bytes = frame(&json!({"a": 1}));
        bytes.pop();
        assert!(
            read_message(&mut &bytes[..])
                .unwrap_err()
                .contains("inside")
        );
        let mut not_json = 3u32.to_ne_bytes().to_vec();
        not_json.extend_from_slice(b"abc");
        assert!(
            read_message(&mut &not_json[..])
                .unwrap_err()
                .contains("JSON")
        );
    }

    #[test]
    fn unknown_messages_get_an_error_and_hello_names_the_folder() {
        let mut input = frame(&json!({"type": "hello"}));
        input.extend(frame(&json!({"type": "dance"})));
        input.extend(frame(&json!({"type": "sync"})));
        let mut out = Vec::new();
        serve(&mut &input[..], &mut out, "/nonexistent/folder").unwrap();
        let answers = frames(&out);
        assert_eq!(answers[0]["folder"], "/nonexistent/folder");
        assert_eq!(answers[0]["folderExists"], false);
        assert_eq!(answers[1]["type"], "error");
        assert_eq!(answers[2]["type"], "progress");
        assert_eq!(answers[3]["ok"], false);
        assert!(answers[3]["error"].as_str().unwrap().contains("no library"));
    }

    /// A new reader turns sync on before saving anything: the first sync of no notes into
    /// a fresh folder goes through (and writes the folder's backup), not "no library".
    #[test]
    fn an_empty_library_syncs_into_a_fresh_folder() {
        let dir = std::env::temp_dir().join(format!("quotebook-host-empty-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let folder = dir.to_str().unwrap();
        let mut input = frame(&json!({"type": "digests", "notes": []}));
        input.extend(frame(&json!({"type": "sync", "library": ""})));
        let mut out = Vec::new();
        serve(&mut &input[..], &mut out, folder).unwrap();
        let answers = frames(&out);
        assert_eq!(answers[0], json!({"type": "need", "ids": []}));
        let result = answers.last().unwrap();
        assert_eq!(result["ok"], true, "{result}");
        assert!(dir.join(".quotebook/library.json").is_file());
        // The second sync finds nothing changed.
        let mut out = Vec::new();
        serve(&mut &input[..], &mut out, folder).unwrap();
        assert_eq!(frames(&out).last().unwrap()["ok"], true);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn answers_carry_the_reports_decisions_and_counts() {
        use quotebook_core::sync::{Decision, Outcome, Skip};
        let decision = |path: Option<&str>, outcome| Decision {
            note_id: "n".into(),
            path: path.map(str::to_owned),
            outcome,
        };
        let report = Report {
            decisions: vec![
                decision(Some("a/b.md"), Outcome::Created { restored: false }),
                decision(
                    Some("c: d.md"),
                    Outcome::Appended {
                        quotes: vec!["q1".into(), "q2".into()],
                    },
                ),
                decision(None, Outcome::Skipped(Skip::DuplicateNote)),
            ],
            state: None,
            backup: None,
            warnings: Vec::new(),
            template_error: None,
            dry_run: false,
            attachments: Vec::new(),
        };
        let v = answer(&report, "/f");
        assert_eq!(v["decisions"][1]["kind"], "appended");
        // A path with ": " in it stays whole: nothing is parsed back from text.
        assert_eq!(v["decisions"][1]["path"], "c: d.md");
        assert_eq!(v["decisions"][1]["line"], "appended  c: d.md: 2 quotes");
        assert_eq!(v["decisions"][0]["path"], "a/b.md");
        assert!(v["decisions"][2]["path"].is_null());
        assert_eq!(
            v["summary"],
            json!({"appended": 1, "conflict": 0, "created": 1, "skipped": 1, "updated": 0})
        );
        assert_eq!(v["folder"], "/f");
    }
}
