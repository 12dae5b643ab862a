//! A backup from elsewhere, crafted or raw, imported into a library: no panic, and no merge
//! removes a quote we hold without a valid deletion (an RFC 3339 time, at most a day after
//! now) of that quote or of its note; a note we hold keeps its id and URL, a quote we hold
//! keeps its text; every removal is listed in the dry run.
#![no_main]

use std::collections::HashMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use quotebook_core::backup::{CLOCK_SKEW_MS, plan_import, read_backup};
use quotebook_core::library::{Deleted, Library};
use quotebook_core::note::{Note, Quote, SCHEMA_VERSION};
use quotebook_core::time;

const NOW: &str = "2024-06-01T00:00:00.000Z";

#[derive(Debug, Arbitrary)]
struct Input {
    ours: Vec<NoteSpec>,
    backup: Backup,
}

#[derive(Debug, Arbitrary)]
enum Backup {
    /// Any text.
    Raw(String),
    /// A backup written as the library writes one, of crafted notes and deletions.
    Built(Vec<NoteSpec>, Vec<DeletedSpec>),
    /// The same, with one line of text put in place of a deletion's or a note's line.
    Spliced(Vec<NoteSpec>, Vec<DeletedSpec>, u8, String),
}

#[derive(Debug, Arbitrary)]
struct NoteSpec {
    id: u8,
    url: u8,
    title: String,
    created: When,
    updated: When,
    quotes: Vec<QuoteSpec>,
}

#[derive(Debug, Arbitrary)]
struct QuoteSpec {
    id: u8,
    text: String,
    created: When,
    comment: String,
}

#[derive(Debug, Arbitrary)]
struct DeletedSpec {
    id: u8,
    /// The note of a deleted quote; `None` for a deleted note.
    note: Option<u8>,
    at: When,
}

/// Times worth trying: valid ones in the past, within the skew and beyond it, and text
/// that is not RFC 3339 (some of which sorts after every date).
#[derive(Debug, Arbitrary)]
enum When {
    Past(u16),
    Skew(u16),
    Future(u32),
    Tilde,
    Empty,
    Date,
    NoZone,
    Year9999,
    Any(String),
}

impl When {
    fn text(&self) -> String {
        let now = time::parse_rfc3339(NOW).unwrap();
        match self {
            When::Past(minutes) => time::format_rfc3339(now - i64::from(*minutes) * 60_000),
            When::Skew(seconds) => {
                time::format_rfc3339(now + i64::from(*seconds) * 1000 % CLOCK_SKEW_MS)
            }
            When::Future(minutes) => {
                time::format_rfc3339(now + CLOCK_SKEW_MS + 1 + i64::from(*minutes) * 60_000)
            }
            When::Tilde => "~".into(),
            When::Empty => String::new(),
            When::Date => "2024-01-01".into(),
            When::NoZone => "2024-01-01T00:00:00".into(),
            When::Year9999 => "9999-12-31T23:59:59.999Z".into(),
            When::Any(text) => text.clone(),
        }
    }
}

fn note_id(n: u8) -> String {
    format!("https://a.example/{}", n % 4)
}

fn quote_id(n: u8) -> String {
    format!("q{}", n % 8)
}

impl NoteSpec {
    fn note(&self) -> Note {
        Note {
            schema: SCHEMA_VERSION,
            id: note_id(self.id),
            url: format!("https://u{}.example/", self.url % 3),
            title: self.title.clone(),
            created: self.created.text(),
            updated: self.updated.text(),
            quotes: self
                .quotes
                .iter()
                .map(|q| Quote {
                    id: quote_id(q.id),
                    markdown: q.text.clone(),
                    text: q.text.clone(),
                    created: q.created.text(),
                    comment: q.comment.clone(),
                    ..Quote::default()
                })
                .collect(),
            ..Note::default()
        }
    }
}

fn built(notes: &[NoteSpec], deleted: &[DeletedSpec]) -> String {
    Library {
        notes: notes.iter().map(NoteSpec::note).collect(),
        deleted: deleted
            .iter()
            .map(|d| match d.note {
                Some(note) => Deleted {
                    id: quote_id(d.id),
                    note: Some(note_id(note)),
                    at: d.at.text(),
                },
                None => Deleted {
                    id: note_id(d.id),
                    note: None,
                    at: d.at.text(),
                },
            })
            .collect(),
        ..Library::default()
    }
    .to_json()
}

/// Whether `at` is a deletion time a merge may act on.
fn valid(at: &str, now: i64) -> bool {
    time::parse_rfc3339(at).is_some_and(|t| t <= now + CLOCK_SKEW_MS)
}

fuzz_target!(|input: Input| {
    let now = time::parse_rfc3339(NOW).unwrap();
    let text = match &input.backup {
        Backup::Raw(text) => text.clone(),
        Backup::Built(notes, deleted) => built(notes, deleted),
        Backup::Spliced(notes, deleted, at, line) => {
            let text = built(notes, deleted);
            let mut lines: Vec<&str> = text.split('\n').collect();
            let i = usize::from(*at) % lines.len();
            lines[i] = line;
            lines.join("\n")
        }
    };
    let stored: Vec<Note> = input.ours.iter().map(NoteSpec::note).collect();
    let Ok(plan) = plan_import(stored.clone(), &text, NOW) else {
        return;
    };
    // The backup was accepted: every deletion it holds has a valid time.
    let theirs = read_backup(&text, NOW).expect("a backup the plan read reads");
    for d in &theirs.deleted {
        assert!(valid(&d.at, now), "an invalid deletion was accepted: {d:?}");
    }
    for note in &theirs.notes {
        assert!(
            valid(&note.updated, now),
            "an invalid time was accepted: {note:?}"
        );
    }

    let mut ours = Library::default();
    ours.merge(Library {
        notes: stored,
        ..Library::default()
    });
    let after: HashMap<&str, &Note> = plan.notes.iter().map(|n| (n.id.as_str(), n)).collect();
    for note in &ours.notes {
        let kept = after.get(note.id.as_str());
        if let Some(kept) = kept {
            assert_eq!(kept.url, note.url, "a backup moved a note");
        }
        for quote in &note.quotes {
            // A quote is kept intact, or removed; our own notes may hold one id twice, so
            // a kept quote of the same id may be the other one.
            let same_id: Vec<&Quote> = kept
                .map(|k| k.quotes.iter().filter(|q| q.id == quote.id).collect())
                .unwrap_or_default();
            let intact = same_id
                .iter()
                .any(|q| (&q.text, &q.markdown) == (&quote.text, &quote.markdown));
            if !intact {
                if note.quotes.iter().filter(|q| q.id == quote.id).count() == 1 {
                    assert!(
                        same_id.is_empty(),
                        "a backup replaced the text of {quote:?}: {same_id:?}"
                    );
                }
                {
                    let by = theirs.deleted.iter().find(|d| match &d.note {
                        Some(_) => d.id == quote.id,
                        None => d.id == note.id,
                    });
                    assert!(
                        by.is_some_and(|d| valid(&d.at, now)),
                        "quote {} of {} removed without a valid deletion: {:?}",
                        quote.id,
                        note.id,
                        theirs.deleted
                    );
                    assert!(
                        plan.removed.iter().any(|r| r.note == note.id
                            && (r.quote.is_none() || r.quote.as_deref() == Some(&quote.id))),
                        "removal of {} not in the dry run",
                        quote.id
                    );
                }
            }
        }
    }
});
