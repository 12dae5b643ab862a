//! Property tests of the sync planner: random sequences of saves, comment edits, deletions,
//! reader edits anywhere in a file, and syncs, against an in-memory folder.
//!
//! After every sync: no line the reader wrote is lost (an edited file only ever grows at
//! its end), nothing is written outside the folder or through a link, a quote never
//! appears twice in a file, every quote of a note whose file is in sync is recorded in it,
//! and a second sync right after writes nothing.

use std::collections::{BTreeMap, HashSet};

use proptest::prelude::*;
use quotebook_core::sync::memory::MemoryFolder;
use quotebook_core::sync::name::{collision_key, is_safe_relative};
use quotebook_core::sync::{
    NameFields, Options, Outcome, Resolution, Skip, SyncNote, SyncState, plan,
};

const TITLES: &[&str] = &["Title", "title", "../../etc/passwd", "CON", "a/b\\c", ""];

#[derive(Debug, Clone)]
enum Op {
    Save {
        note: usize,
    },
    Comment {
        note: usize,
        quote: usize,
    },
    Delete {
        note: usize,
        quote: usize,
    },
    Retitle {
        note: usize,
    },
    Reader {
        note: usize,
        edit: Edit,
    },
    Sync {
        restore: bool,
        resolve: Option<Resolution>,
    },
    /// The state file is lost (a sync conflict on it between two machines, say).
    LoseState,
}

#[derive(Debug, Clone)]
enum Edit {
    /// A line inserted before the line at this fraction of the file.
    Insert(f64),
    AppendLine,
    Crlf,
    Bom,
    StripFinalNewline,
    Truncate(f64),
    DeleteFile,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0).prop_map(Edit::Insert),
        Just(Edit::AppendLine),
        Just(Edit::Crlf),
        Just(Edit::Bom),
        Just(Edit::StripFinalNewline),
        (0.0..1.0).prop_map(Edit::Truncate),
        Just(Edit::DeleteFile),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let resolve = prop_oneof![
        6 => Just(None),
        1 => Just(Some(Resolution::Keep)),
        1 => Just(Some(Resolution::Overwrite)),
    ];
    prop_oneof![
        4 => (0..3usize).prop_map(|note| Op::Save { note }),
        1 => (0..3usize, 0..8usize).prop_map(|(note, quote)| Op::Comment { note, quote }),
        1 => (0..3usize, 0..8usize).prop_map(|(note, quote)| Op::Delete { note, quote }),
        1 => (0..3usize).prop_map(|note| Op::Retitle { note }),
        3 => (0..3usize, edit()).prop_map(|(note, edit)| Op::Reader { note, edit }),
        3 => (any::<bool>(), resolve).prop_map(|(restore, resolve)| Op::Sync { restore, resolve }),
        1 => Just(Op::LoseState),
    ]
}

#[derive(Debug, Clone, Default)]
struct ModelNote {
    title: String,
    /// (id, text, comment)
    quotes: Vec<(String, String, String)>,
}

/// The stand-in renderer: frontmatter, then each quote and its comment.
fn render(id: &str, note: &ModelNote) -> SyncNote {
    let frame = format!("---\ntitle: {:?}\n---\n", note.title);
    let blocks: Vec<(String, String)> = note
        .quotes
        .iter()
        .map(|(qid, text, comment)| {
            let mut block = format!("> {text}\n");
            if !comment.is_empty() {
                block.push_str(&format!("\n{comment}\n"));
            }
            (qid.clone(), block)
        })
        .collect();
    let mut file = frame.clone();
    for (_, block) in &blocks {
        file.push('\n');
        file.push_str(block);
    }
    let fields = NameFields {
        title: note.title.clone(),
        date: "2024-06-05".into(),
        site: "example.com".into(),
        id: id.into(),
    };
    SyncNote::new(id.into(), fields, file, &frame, blocks)
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

fn run(ops: Vec<Op>, pattern: &str) -> Result<(), TestCaseError> {
    let mut notes: BTreeMap<String, ModelNote> = BTreeMap::new();
    let mut folder = MemoryFolder::default();
    let mut state = SyncState::default();
    let mut counter = 0usize;
    // Reader lines written into each path, and whether the reader may have cut them since.
    let mut reader_lines: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let note_id = |i: usize| format!("https://example.com/{i}");

    for op in ops {
        counter += 1;
        match op {
            Op::Save { note } => {
                let entry = notes.entry(note_id(note)).or_insert_with(|| ModelNote {
                    title: TITLES[(note + counter) % TITLES.len()].to_owned(),
                    quotes: Vec::new(),
                });
                entry.quotes.push((
                    format!("q{counter}"),
                    format!("«quote {counter}»"),
                    String::new(),
                ));
            }
            Op::Comment { note, quote } => {
                if let Some(n) = notes.get_mut(&note_id(note)) {
                    let len = n.quotes.len();
                    if len > 0 {
                        n.quotes[quote % len].2 = format!("comment {counter}");
                    }
                }
            }
            Op::Delete { note, quote } => {
                if let Some(n) = notes.get_mut(&note_id(note)) {
                    let len = n.quotes.len();
                    if len > 0 {
                        n.quotes.remove(quote % len);
                    }
                }
            }
            Op::Retitle { note } => {
                if let Some(n) = notes.get_mut(&note_id(note)) {
                    n.title = format!("{} again", n.title);
                }
            }
            Op::Reader { note, edit } => {
                let Some(file) = state.files.get(&note_id(note)) else {
                    continue;
                };
                let path = file.path.clone();
                let Some(bytes) = folder.files.get_mut(&path) else {
                    continue;
                };
                let line = format!("reader line {counter}");
                match edit {
                    Edit::Insert(at) => {
                        let starts: Vec<usize> = std::iter::once(0)
                            .chain(
                                bytes
                                    .iter()
                                    .enumerate()
                                    .filter(|(_, b)| **b == b'\n')
                                    .map(|(i, _)| i + 1),
                            )
                            .filter(|&i| i <= bytes.len())
                            .collect();
                        let pos = starts[((starts.len() as f64) * at) as usize % starts.len()];
                        let insert = format!("{line}\n");
                        bytes.splice(pos..pos, insert.bytes());
                        reader_lines.entry(path).or_default().push(line);
                    }
                    Edit::AppendLine => {
                        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
                            bytes.push(b'\n');
                        }
                        bytes.extend_from_slice(format!("{line}\n").as_bytes());
                        reader_lines.entry(path).or_default().push(line);
                    }
                    Edit::Crlf => {
                        let text = String::from_utf8_lossy(bytes)
                            .replace("\r\n", "\n")
                            .replace('\n', "\r\n");
                        *bytes = text.into_bytes();
                    }
                    Edit::Bom => {
                        if !bytes.starts_with(b"\xef\xbb\xbf") {
                            bytes.splice(0..0, *b"\xef\xbb\xbf");
                        }
                    }
                    Edit::StripFinalNewline => {
                        while bytes.ends_with(b"\n") || bytes.ends_with(b"\r") {
                            bytes.pop();
                        }
                    }
                    Edit::Truncate(at) => {
                        let keep = ((bytes.len() as f64) * at) as usize;
                        bytes.truncate(keep);
                        // The reader cut these lines themselves.
                        let text = bytes.clone();
                        if let Some(lines) = reader_lines.get_mut(&path) {
                            lines.retain(|l| count(&text, l.as_bytes()) > 0);
                        }
                    }
                    Edit::DeleteFile => {
                        folder.files.remove(&path);
                        reader_lines.remove(&path);
                    }
                }
            }
            Op::LoseState => state = SyncState::default(),
            Op::Sync { restore, resolve } => {
                let rendered: Vec<SyncNote> = notes.iter().map(|(id, n)| render(id, n)).collect();
                let options = Options {
                    pattern: quotebook_core::sync::Pattern::parse(pattern).unwrap(),
                    restore,
                    resolve_all: resolve,
                    ..Options::default()
                };
                let before = folder.clone();
                let planned = plan(&rendered, &state, &folder, &options);
                // Nothing outside the folder, nothing through a link, at most one write a file.
                let mut written = HashSet::new();
                for write in &planned.writes {
                    prop_assert!(
                        is_safe_relative(&write.path),
                        "unsafe path {:?}",
                        write.path
                    );
                    prop_assert!(
                        written.insert(write.path.clone()),
                        "two writes to {}",
                        write.path
                    );
                }
                let left = folder.apply(&planned.writes).map_err(TestCaseError::fail)?;
                prop_assert!(left.is_empty());
                state = planned.state.clone();

                // Paths stay distinct even ignoring case.
                let mut keys = HashSet::new();
                for file in state.files.values() {
                    prop_assert!(
                        keys.insert(collision_key(&file.path)),
                        "collision at {}",
                        file.path
                    );
                }
                for decision in &planned.decisions {
                    let Some(path) = &decision.path else { continue };
                    let old = before.files.get(path);
                    let new = folder.files.get(path);
                    let overwrote = matches!(
                        decision.outcome,
                        Outcome::Updated {
                            overwrote_edits: true
                        }
                    );
                    // No reader line lost, unless the reader chose to overwrite.
                    if overwrote {
                        reader_lines.remove(path);
                    } else if let Some(lines) = reader_lines.get(path) {
                        for line in lines {
                            let now = new.map_or(0, |b| count(b, line.as_bytes()));
                            prop_assert!(
                                now > 0,
                                "lost {line:?} in {path}: {:?}",
                                decision.outcome
                            );
                        }
                    }
                    // An edited file only grows at its end.
                    if let (Some(old), Some(new), Outcome::Appended { .. }) =
                        (old, new, &decision.outcome)
                    {
                        prop_assert!(
                            new.starts_with(old),
                            "{path}: the reader's bytes were changed"
                        );
                    }
                    if let Some(new) = new {
                        // No quote twice.
                        for n in notes.values() {
                            for (_, text, _) in &n.quotes {
                                prop_assert!(
                                    count(new, text.as_bytes()) <= 1,
                                    "{text} twice in {path}"
                                );
                            }
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
                        let held: HashSet<&str> = state.files[&decision.note_id]
                            .quotes
                            .iter()
                            .map(|q| q.id.as_str())
                            .collect();
                        for (qid, _, _) in &notes[&decision.note_id].quotes {
                            prop_assert!(held.contains(qid.as_str()), "{qid} not in {path}");
                        }
                    }
                }
                // Files not planned for were not touched.
                for (path, bytes) in &before.files {
                    if !planned.writes.iter().any(|w| &w.path == path) {
                        prop_assert_eq!(folder.files.get(path), Some(bytes));
                    }
                }
                // Nothing changed since: nothing written.
                let again = plan(
                    &rendered,
                    &state,
                    &folder,
                    &Options {
                        resolve_all: None,
                        ..options
                    },
                );
                prop_assert!(
                    again.writes.is_empty(),
                    "a second sync wrote {:?}",
                    again.decisions
                );
                prop_assert_eq!(&again.state, &state);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_edit_and_no_quote_is_ever_lost(ops in prop::collection::vec(op(), 1..60)) {
        run(ops, "{title}.md")?;
    }

    #[test]
    fn same_in_subfolders(ops in prop::collection::vec(op(), 1..40)) {
        run(ops, "{site}/{title} {date}.md")?;
    }
}
