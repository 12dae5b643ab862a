//! The sync planner over an arbitrary history: saves, comments, deletions and retitles in
//! the library (titles, quotes and comments from the fuzz input, rendered by the real
//! templates), the reader's edits to the files (lines, raw bytes, CRLF, BOM, cuts,
//! deletions, symbolic links), lost state, pattern changes and syncs into an in-memory
//! folder. The invariants of `tests/sync_props.rs`, checked after every sync: no panic, no
//! path outside the folder, nothing through a link, no reader line lost (unless the reader
//! chose to overwrite), an edited file only grows at its end, no quote twice in a file,
//! every quote of a note in sync recorded, and a second sync right after writes nothing.
#![no_main]

use std::collections::{BTreeMap, HashSet};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use quotebook_core::note::{Note, Quote, SCHEMA_VERSION};
use quotebook_core::sync::memory::MemoryFolder;
use quotebook_core::sync::name::{collision_key, is_safe_relative};
use quotebook_core::sync::render::sync_note;
use quotebook_core::sync::{Options, Outcome, Pattern, Resolution, Skip, SyncState, plan};
use quotebook_core::template::{RenderOptions, Templates};

/// Marks each quote and each reader line, so that they can be counted in a file; the fuzz
/// input's text never holds these characters.
const QUOTE_OPEN: char = '«';
const QUOTE_CLOSE: char = '»';
const READER_OPEN: char = '‹';
const READER_CLOSE: char = '›';

#[derive(Debug, Arbitrary)]
enum Op {
    Save {
        note: u8,
        text: String,
    },
    Comment {
        note: u8,
        quote: u8,
        text: String,
    },
    Delete {
        note: u8,
        quote: u8,
    },
    Retitle {
        note: u8,
        title: String,
    },
    Site {
        note: u8,
        site: Option<String>,
    },
    Reader {
        note: u8,
        edit: Edit,
    },
    Link {
        note: u8,
        folder: bool,
    },
    Unlink,
    Sync {
        restore: bool,
        resolve: Option<Resolve>,
    },
    LoseState,
    Pattern(PatternChoice),
    Templates(TemplateChoice),
}

#[derive(Debug, Arbitrary)]
enum Resolve {
    Keep,
    Overwrite,
}

#[derive(Debug, Arbitrary)]
enum Edit {
    /// A line inserted before the line at this index (modulo the lines).
    Insert(u16, String),
    Append(String),
    /// Raw bytes (any, invalid UTF-8 too) inserted at the start of a line.
    Bytes(u16, Vec<u8>),
    Crlf,
    Lf,
    Bom,
    StripFinalNewline,
    Truncate(u16),
    DeleteFile,
}

#[derive(Debug, Arbitrary)]
enum PatternChoice {
    Title,
    DateTitle,
    SiteTitle,
    YearMonth,
    Id,
    Raw(String),
}

#[derive(Debug, Arbitrary)]
enum TemplateChoice {
    Default,
    CommentFirst,
    Minimal,
}

#[derive(Debug, Clone, Default)]
struct ModelNote {
    title: String,
    site: Option<String>,
    /// (id, text with its marker, comment)
    quotes: Vec<(String, String, String)>,
    updated: u32,
}

/// The fuzz input's text without the markers (and, for a line, without line breaks).
fn clean(text: &str, line: bool) -> String {
    text.chars()
        .filter(|c| {
            ![QUOTE_OPEN, QUOTE_CLOSE, READER_OPEN, READER_CLOSE].contains(c)
                && !(line && matches!(c, '\n' | '\r'))
        })
        .collect()
}

fn stamp(n: u32) -> String {
    format!(
        "2024-06-05T{:02}:{:02}:{:02}.000Z",
        n / 3600 % 24,
        n / 60 % 60,
        n % 60
    )
}

fn note(id: &str, m: &ModelNote) -> Note {
    Note {
        schema: SCHEMA_VERSION,
        id: id.to_owned(),
        url: id.to_owned(),
        title: m.title.clone(),
        site: m.site.clone(),
        created: stamp(0),
        updated: stamp(m.updated),
        quotes: m
            .quotes
            .iter()
            .map(|(qid, text, comment)| Quote {
                id: qid.clone(),
                markdown: text.clone(),
                text: String::new(),
                comment: comment.clone(),
                created: stamp(0),
                ..Quote::default()
            })
            .collect(),
        ..Note::default()
    }
}

fn templates(choice: &TemplateChoice) -> Templates {
    match choice {
        TemplateChoice::Default => Templates::default(),
        TemplateChoice::CommentFirst => Templates {
            note: "# {{ title }}\n{% for q in quotes %}\n{{ q.rendered }}{% endfor %}".into(),
            quote: "{% if comment %}{{ comment }}\n\n{% endif %}{{ quote | blockquote }}".into(),
        },
        TemplateChoice::Minimal => Templates {
            note: "{% for q in quotes %}{{ q.rendered }}{% endfor %}".into(),
            quote: "{{ quote }}".into(),
        },
    }
}

fn pattern(choice: &PatternChoice) -> Pattern {
    let source = match choice {
        PatternChoice::Title => "{title}.md",
        PatternChoice::DateTitle => "{date} {title}",
        PatternChoice::SiteTitle => "{site}/{title}.md",
        PatternChoice::YearMonth => "{year}/{month}/{title}.md",
        PatternChoice::Id => "notes/{id}",
        PatternChoice::Raw(s) => s,
    };
    Pattern::parse(source).unwrap_or_default()
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() || haystack.len() < needle.len() {
        return 0;
    }
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// A second, independent reading of "inside the folder".
fn inside(path: &str) -> bool {
    !path.starts_with('/')
        && !path.contains(['\\', '\0', ':'])
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

fn line_starts(bytes: &[u8]) -> Vec<usize> {
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

fuzz_target!(|ops: Vec<Op>| {
    let mut notes: BTreeMap<String, ModelNote> = BTreeMap::new();
    let mut folder = MemoryFolder::default();
    let mut state = SyncState::default();
    let mut reader_lines: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current_pattern = Pattern::default();
    let mut current_templates = Templates::default();
    let render_options = RenderOptions::default();
    let note_id = |i: u8| format!("https://example.com/{}", i % 3);

    for (counter, op) in ops.into_iter().take(64).enumerate() {
        let counter = counter as u32 + 1;
        match op {
            Op::Save { note, text } => {
                let entry = notes.entry(note_id(note)).or_insert_with(|| ModelNote {
                    title: format!("Title {note}"),
                    ..ModelNote::default()
                });
                entry.quotes.push((
                    format!("q{counter}"),
                    format!(
                        "{QUOTE_OPEN}quote {counter}{QUOTE_CLOSE} {}",
                        clean(&text, false)
                    ),
                    String::new(),
                ));
                entry.updated = counter;
            }
            Op::Comment { note, quote, text } => {
                if let Some(n) = notes.get_mut(&note_id(note)) {
                    let len = n.quotes.len();
                    if len > 0 {
                        n.quotes[usize::from(quote) % len].2 = clean(&text, false);
                        n.updated = counter;
                    }
                }
            }
            Op::Delete { note, quote } => {
                if let Some(n) = notes.get_mut(&note_id(note)) {
                    let len = n.quotes.len();
                    if len > 0 {
                        n.quotes.remove(usize::from(quote) % len);
                        n.updated = counter;
                    }
                }
            }
            Op::Retitle { note, title } => {
                if let Some(n) = notes.get_mut(&note_id(note)) {
                    n.title = clean(&title, false);
                    n.updated = counter;
                }
            }
            Op::Site { note, site } => {
                if let Some(n) = notes.get_mut(&note_id(note)) {
                    n.site = site.map(|s| clean(&s, false));
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
                let line = |text: &str| {
                    format!(
                        "{READER_OPEN}reader {counter}{READER_CLOSE} {}",
                        clean(text, true)
                    )
                };
                match edit {
                    Edit::Insert(at, text) => {
                        let starts = line_starts(bytes);
                        let pos = starts[usize::from(at) % starts.len()];
                        let line = line(&text);
                        bytes.splice(pos..pos, format!("{line}\n").into_bytes());
                        reader_lines.entry(path).or_default().push(line);
                    }
                    Edit::Append(text) => {
                        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
                            bytes.push(b'\n');
                        }
                        let line = line(&text);
                        bytes.extend_from_slice(format!("{line}\n").as_bytes());
                        reader_lines.entry(path).or_default().push(line);
                    }
                    Edit::Bytes(at, raw) => {
                        // Without the markers' lead bytes, so no marker can be forged.
                        let raw: Vec<u8> = raw
                            .into_iter()
                            .filter(|b| !matches!(b, 0xc2 | 0xe2))
                            .collect();
                        let starts = line_starts(bytes);
                        let pos = starts[usize::from(at) % starts.len()];
                        bytes.splice(pos..pos, raw);
                    }
                    Edit::Crlf => {
                        let text = String::from_utf8_lossy(bytes)
                            .replace("\r\n", "\n")
                            .replace('\n', "\r\n");
                        *bytes = text.into_bytes();
                    }
                    Edit::Lf => {
                        let text = String::from_utf8_lossy(bytes).replace("\r\n", "\n");
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
                        let keep = bytes.len() * usize::from(at) / 65_536;
                        bytes.truncate(keep);
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
            Op::Link {
                note,
                folder: whole_folder,
            } => {
                let Some(file) = state.files.get(&note_id(note)) else {
                    continue;
                };
                let path = match file.path.rsplit_once('/') {
                    Some((dir, _)) if whole_folder => dir.to_owned(),
                    _ => file.path.clone(),
                };
                folder.links.insert(path);
            }
            Op::Unlink => folder.links.clear(),
            Op::LoseState => state = SyncState::default(),
            Op::Pattern(choice) => current_pattern = pattern(&choice),
            Op::Templates(choice) => current_templates = templates(&choice),
            Op::Sync { restore, resolve } => {
                let rendered: Vec<_> = notes
                    .iter()
                    .map(|(id, n)| sync_note(&note(id, n), &current_templates, &render_options))
                    .collect();
                let options = Options {
                    pattern: current_pattern.clone(),
                    restore,
                    resolve_all: resolve.map(|r| match r {
                        Resolve::Keep => Resolution::Keep,
                        Resolve::Overwrite => Resolution::Overwrite,
                    }),
                    ..Options::default()
                };
                let before = folder.clone();
                let planned = plan(&rendered, &state, &folder, &options);
                let mut written = HashSet::new();
                for write in &planned.writes {
                    assert!(
                        is_safe_relative(&write.path),
                        "unsafe path {:?}",
                        write.path
                    );
                    assert!(inside(&write.path), "outside the folder: {:?}", write.path);
                    assert!(
                        written.insert(write.path.clone()),
                        "two writes to {}",
                        write.path
                    );
                }
                let left = folder
                    .apply(&planned.writes)
                    .unwrap_or_else(|e| panic!("{e}"));
                assert!(left.is_empty(), "left alone: {left:?}");
                state = planned.state.clone();

                let mut keys = HashSet::new();
                for file in state.files.values() {
                    assert!(
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
                    if overwrote {
                        reader_lines.remove(path);
                    } else if let Some(lines) = reader_lines.get(path) {
                        for line in lines {
                            let now = new.map_or(0, |b| count(b, line.as_bytes()));
                            assert!(now > 0, "lost {line:?} in {path}: {:?}", decision.outcome);
                        }
                    }
                    if let (Some(old), Some(new), Outcome::Appended { .. }) =
                        (old, new, &decision.outcome)
                    {
                        assert!(
                            new.starts_with(old),
                            "{path}: the reader's bytes were changed"
                        );
                    }
                    if let Some(new) = new {
                        for n in notes.values() {
                            for (qid, _, _) in &n.quotes {
                                let marker =
                                    format!("{QUOTE_OPEN}quote {}{QUOTE_CLOSE}", &qid[1..]);
                                assert!(
                                    count(new, marker.as_bytes()) <= 1,
                                    "{marker} twice in {path}: {:?}",
                                    String::from_utf8_lossy(new)
                                );
                            }
                        }
                    }
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
                            assert!(held.contains(qid.as_str()), "{qid} not in {path}");
                        }
                    }
                }
                for (path, bytes) in &before.files {
                    if !planned.writes.iter().any(|w| &w.path == path) {
                        assert_eq!(folder.files.get(path), Some(bytes));
                    }
                }
                let again = plan(
                    &rendered,
                    &state,
                    &folder,
                    &Options {
                        resolve_all: None,
                        ..options
                    },
                );
                assert!(
                    again.writes.is_empty(),
                    "a second sync wrote {:?}",
                    again.decisions
                );
                assert_eq!(again.state, state);
            }
        }
    }
});
