//! The sync planner over an arbitrary history: saves, comments, deletions and retitles in
//! the library (titles, quotes and comments from the fuzz input, rendered by the real
//! templates), the reader's edits to the files (lines, raw bytes, CRLF, BOM, cuts,
//! deletions, symbolic links), lost state, pattern changes and syncs into an in-memory
//! folder. No panic, and after every sync the invariants of `tests/sync_props.rs`, from the
//! module both include (`crates/quotebook-core/tests/sync_invariants/mod.rs`): no path
//! outside the folder, nothing through a link, no reader line lost (unless the reader chose
//! to overwrite), an edited file only grows at its end, no quote twice in a file, every
//! quote of a note in sync recorded, and a second sync right after writes nothing.
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use quotebook_core::note::{Note, Quote, SCHEMA_VERSION};
use quotebook_core::sync::render::sync_note;
use quotebook_core::sync::{Options, Pattern, Resolution};
use quotebook_core::template::{RenderOptions, Templates};

#[path = "../../crates/quotebook-core/tests/sync_invariants/mod.rs"]
mod sync_invariants;

use sync_invariants::{Quotes, Synced};

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

fuzz_target!(|ops: Vec<Op>| {
    let mut notes: BTreeMap<String, ModelNote> = BTreeMap::new();
    let mut synced = Synced::default();
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
                let id = note_id(note);
                let line = |text: &str| {
                    format!(
                        "{READER_OPEN}reader {counter}{READER_CLOSE} {}",
                        clean(text, true)
                    )
                };
                match edit {
                    Edit::Insert(at, text) => {
                        synced.insert_line(&id, |_| usize::from(at), line(&text));
                    }
                    Edit::Append(text) => synced.append_line(&id, line(&text)),
                    Edit::Bytes(at, raw) => {
                        // Without the markers' lead bytes, so no marker can be forged.
                        let raw = raw
                            .into_iter()
                            .filter(|b| !matches!(b, 0xc2 | 0xe2))
                            .collect();
                        synced.insert_bytes(&id, usize::from(at), raw);
                    }
                    Edit::Crlf => synced.crlf(&id),
                    Edit::Lf => synced.lf(&id),
                    Edit::Bom => synced.bom(&id),
                    Edit::StripFinalNewline => synced.strip_final_newline(&id),
                    Edit::Truncate(at) => {
                        synced.truncate(&id, |len| len * usize::from(at) / 65_536)
                    }
                    Edit::DeleteFile => synced.delete(&id),
                }
            }
            Op::Link {
                note,
                folder: whole_folder,
            } => {
                let Some(file) = synced.state.files.get(&note_id(note)) else {
                    continue;
                };
                let path = match file.path.rsplit_once('/') {
                    Some((dir, _)) if whole_folder => dir.to_owned(),
                    _ => file.path.clone(),
                };
                synced.folder.links.insert(path);
            }
            Op::Unlink => synced.folder.links.clear(),
            Op::LoseState => synced.state = Default::default(),
            Op::Pattern(choice) => current_pattern = pattern(&choice),
            Op::Templates(choice) => current_templates = templates(&choice),
            Op::Sync { restore, resolve } => {
                let rendered: Vec<_> = notes
                    .iter()
                    .map(|(id, n)| sync_note(&note(id, n), &current_templates, &render_options))
                    .collect();
                // Each quote's marker, `«quote N»`, is in its text and in no other.
                let quotes: Quotes = notes
                    .iter()
                    .map(|(id, n)| {
                        let held = n.quotes.iter().map(|(qid, _, _)| {
                            let marker = format!("{QUOTE_OPEN}quote {}{QUOTE_CLOSE}", &qid[1..]);
                            (qid.clone(), marker)
                        });
                        (id.clone(), held.collect())
                    })
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
                if let Err(broken) = synced.sync(&rendered, &quotes, options) {
                    panic!("{broken}");
                }
            }
        }
    }
});
