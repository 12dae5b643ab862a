//! Property tests of the sync planner: random sequences of saves, comment edits, deletions,
//! reader edits anywhere in a file, and syncs, against an in-memory folder.
//!
//! After every sync: no line the reader wrote is lost (an edited file only ever grows at
//! its end), nothing is written outside the folder or through a link, a quote never
//! appears twice in a file, every quote of a note whose file is in sync is recorded in it,
//! and a second sync right after writes nothing (`sync_invariants/mod.rs`, which the fuzz
//! target `fuzz/fuzz_targets/planner.rs` checks too).

use std::collections::BTreeMap;

use proptest::prelude::*;
use quotebook_core::sync::{NameFields, Options, Resolution, SyncNote};

#[path = "sync_invariants/mod.rs"]
mod sync_invariants;

use sync_invariants::{Quotes, Synced};

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

fn run(ops: Vec<Op>, pattern: &str) -> Result<(), TestCaseError> {
    let mut notes: BTreeMap<String, ModelNote> = BTreeMap::new();
    let mut synced = Synced::default();
    let mut counter = 0usize;
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
                let id = note_id(note);
                let line = format!("reader line {counter}");
                match edit {
                    Edit::Insert(at) => {
                        synced.insert_line(&id, |lines| ((lines as f64) * at) as usize, line);
                    }
                    Edit::AppendLine => synced.append_line(&id, line),
                    Edit::Crlf => synced.crlf(&id),
                    Edit::Bom => synced.bom(&id),
                    Edit::StripFinalNewline => synced.strip_final_newline(&id),
                    Edit::Truncate(at) => synced.truncate(&id, |len| ((len as f64) * at) as usize),
                    Edit::DeleteFile => synced.delete(&id),
                }
            }
            Op::LoseState => synced.state = Default::default(),
            Op::Sync { restore, resolve } => {
                let rendered: Vec<SyncNote> = notes.iter().map(|(id, n)| render(id, n)).collect();
                // A quote's text is its marker: `«quote N»` appears in no other.
                let quotes: Quotes = notes
                    .iter()
                    .map(|(id, n)| {
                        let held = n
                            .quotes
                            .iter()
                            .map(|(q, text, _)| (q.clone(), text.clone()));
                        (id.clone(), held.collect())
                    })
                    .collect();
                let options = Options {
                    pattern: quotebook_core::sync::Pattern::parse(pattern).unwrap(),
                    restore,
                    resolve_all: resolve,
                    ..Options::default()
                };
                synced
                    .sync(&rendered, &quotes, options)
                    .map_err(TestCaseError::fail)?;
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
