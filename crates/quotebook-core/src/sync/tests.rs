use super::memory::MemoryFolder;
use super::*;

/// A tiny renderer standing in for the templates: a header, then each block.
fn note(id: &str, title: &str, quotes: &[(&str, &str)]) -> SyncNote {
    let frame = format!("# {title}\n\nsource: {id}\n");
    let blocks: Vec<(String, String)> = quotes
        .iter()
        .map(|(qid, text)| (qid.to_string(), format!("> {text}\n")))
        .collect();
    let mut file = frame.clone();
    for (_, block) in &blocks {
        file.push('\n');
        file.push_str(block);
    }
    let fields = NameFields {
        title: title.into(),
        date: "2024-06-05".into(),
        site: "example.com".into(),
        id: id.into(),
    };
    let mut note = SyncNote::new(id.into(), fields, file, &frame, blocks);
    for (quote, (_, text)) in note.quotes.iter_mut().zip(quotes) {
        quote.words = render::first_words(text);
    }
    note
}

fn named(id: &str, words: &str) -> QuoteName {
    QuoteName {
        id: id.into(),
        words: words.into(),
    }
}

struct World {
    folder: MemoryFolder,
    state: SyncState,
    options: Options,
}

impl World {
    fn new() -> World {
        World {
            folder: MemoryFolder::default(),
            state: SyncState::default(),
            options: Options::default(),
        }
    }

    fn sync(&mut self, notes: &[SyncNote]) -> Plan {
        let plan = plan(notes, &self.state, &self.folder, &self.options);
        let left = self.folder.apply(&plan.writes).unwrap();
        assert!(left.is_empty(), "writes left alone: {left:?}");
        self.state = plan.state.clone();
        plan
    }

    fn text(&self, path: &str) -> String {
        String::from_utf8(self.folder.files[path].clone()).unwrap()
    }
}

fn outcomes(plan: &Plan) -> Vec<Outcome> {
    plan.decisions.iter().map(|d| d.outcome.clone()).collect()
}

#[test]
fn creates_then_writes_nothing_when_nothing_changed() {
    let mut w = World::new();
    let notes = [
        note("n1", "First", &[("q1", "one")]),
        note("n2", "Second", &[]),
    ];
    let plan = w.sync(&notes);
    assert_eq!(
        outcomes(&plan),
        vec![Outcome::Created { restored: false }; 2]
    );
    assert_eq!(w.text("First.md"), notes[0].file);
    assert!(w.folder.files.contains_key("Second.md"));
    let again = w.sync(&notes);
    assert!(again.writes.is_empty());
    assert_eq!(outcomes(&again), vec![Outcome::Skipped(Skip::Unchanged); 2]);
    assert_eq!(again.state, plan.state);
}

#[test]
fn rewrites_an_untouched_file_when_its_note_changed() {
    let mut w = World::new();
    w.sync(&[note("n1", "T", &[("q1", "one")])]);
    let changed = note("n1", "T", &[("q1", "one, edited")]);
    let plan = w.sync(std::slice::from_ref(&changed));
    assert_eq!(
        outcomes(&plan),
        [Outcome::Updated {
            overwrote_edits: false
        }]
    );
    assert_eq!(w.text("T.md"), changed.file);
    // A changed title does not rename: paths are fixed at creation.
    let renamed = note("n1", "Other", &[("q1", "one, edited")]);
    let plan = w.sync(&[renamed]);
    assert_eq!(plan.decisions[0].path.as_deref(), Some("T.md"));
    assert_eq!(w.folder.files.len(), 1);
}

#[test]
fn appends_new_quotes_to_an_edited_file_and_never_twice() {
    let mut w = World::new();
    w.sync(&[note("n1", "T", &[("q1", "one")])]);
    let edited = format!("{}\nMy own thoughts.\n", w.text("T.md"));
    w.folder
        .files
        .insert("T.md".into(), edited.clone().into_bytes());
    let two = note("n1", "T", &[("q1", "one"), ("q2", "two")]);
    let plan = w.sync(std::slice::from_ref(&two));
    assert_eq!(
        outcomes(&plan),
        [Outcome::Appended {
            quotes: vec!["q2".into()]
        }]
    );
    assert_eq!(w.text("T.md"), format!("{edited}\n> two\n"));
    // Once appended, the file still counts as the reader's: the next quote is appended too
    // (never a rewrite that would lose their line), and q2 is not appended again.
    let plan = w.sync(std::slice::from_ref(&two));
    assert_eq!(outcomes(&plan), [Outcome::Skipped(Skip::Unchanged)]);
    let three = note("n1", "T", &[("q1", "one"), ("q2", "two"), ("q3", "three")]);
    let plan = w.sync(&[three]);
    assert_eq!(
        outcomes(&plan),
        [Outcome::Appended {
            quotes: vec!["q3".into()]
        }]
    );
    assert_eq!(w.text("T.md"), format!("{edited}\n> two\n\n> three\n"));
}

#[test]
fn a_quote_the_reader_removed_is_not_brought_back() {
    let mut w = World::new();
    w.sync(&[note("n1", "T", &[("q1", "one")])]);
    let without = w.text("T.md").replace("> one\n", "");
    w.folder
        .files
        .insert("T.md".into(), without.clone().into_bytes());
    let plan = w.sync(&[note("n1", "T", &[("q1", "one"), ("q2", "two")])]);
    assert_eq!(
        outcomes(&plan),
        [Outcome::Appended {
            quotes: vec!["q2".into()]
        }]
    );
    assert!(!w.text("T.md").contains("> one"));
}

#[test]
fn changes_that_cannot_be_appended_are_conflicts_until_resolved() {
    let mut w = World::new();
    w.sync(&[note("n1", "T", &[("q1", "one"), ("q2", "two")])]);
    let edited = format!("{}Mine.\n", w.text("T.md"));
    w.folder
        .files
        .insert("T.md".into(), edited.clone().into_bytes());
    // q1 deleted and q2 changed in the library, q3 new.
    let changed = note("n1", "T", &[("q2", "two!"), ("q3", "three")]);
    let plan = w.sync(std::slice::from_ref(&changed));
    assert_eq!(
        outcomes(&plan),
        [Outcome::Conflict {
            reasons: vec![
                ConflictReason::QuoteDeleted(named("q1", "one")),
                ConflictReason::QuoteChanged(named("q2", "two!"))
            ],
            pending: vec!["q3".into()],
        }]
    );
    assert!(plan.writes.is_empty());
    assert_eq!(w.text("T.md"), edited);
    // The quotes are named by their words, never by their ids.
    assert_eq!(
        plan.decisions[0].to_string(),
        "conflict  T.md: you edited it, and “one” was deleted, “two!” changed; \
         1 new quote waits (choose overwrite or keep)"
    );
    // Still a conflict next time.
    assert!(matches!(
        w.sync(std::slice::from_ref(&changed)).decisions[0].outcome,
        Outcome::Conflict { .. }
    ));
    // Keep: the new quote is appended, the rest acknowledged.
    w.options.resolve_all = Some(Resolution::Keep);
    let plan = w.sync(std::slice::from_ref(&changed));
    assert_eq!(
        outcomes(&plan),
        [Outcome::Appended {
            quotes: vec!["q3".into()]
        }]
    );
    assert_eq!(w.text("T.md"), format!("{edited}\n> three\n"));
    w.options.resolve_all = None;
    assert_eq!(
        outcomes(&w.sync(std::slice::from_ref(&changed))),
        [Outcome::Skipped(Skip::Unchanged)]
    );
    // A title change is a conflict too; overwrite replaces the file.
    let retitled = note("n1", "T2", &[("q2", "two!"), ("q3", "three")]);
    let plan = w.sync(std::slice::from_ref(&retitled));
    assert!(
        matches!(&plan.decisions[0].outcome, Outcome::Conflict { reasons, .. } if reasons == &[ConflictReason::FrameChanged])
    );
    w.options
        .resolutions
        .insert("n1".into(), Resolution::Overwrite);
    let plan = w.sync(std::slice::from_ref(&retitled));
    assert_eq!(
        outcomes(&plan),
        [Outcome::Updated {
            overwrote_edits: true
        }]
    );
    assert_eq!(w.text("T.md"), retitled.file);
}

#[test]
fn a_deleted_file_stays_deleted_unless_restored() {
    let mut w = World::new();
    let n = note("n1", "T", &[("q1", "one")]);
    w.sync(std::slice::from_ref(&n));
    w.folder.files.clear();
    let plan = w.sync(std::slice::from_ref(&n));
    assert_eq!(outcomes(&plan), [Outcome::Skipped(Skip::DeletedByReader)]);
    assert!(w.state.files["n1"].deleted);
    let more = note("n1", "T", &[("q1", "one"), ("q2", "two")]);
    assert!(w.sync(std::slice::from_ref(&more)).writes.is_empty());
    // Its name stays reserved: a new note with the same title gets another one.
    let plan = w.sync(&[more.clone(), note("n2", "t", &[])]);
    assert_eq!(plan.decisions[1].path.as_deref(), Some("t (2).md"));
    w.options.restore = true;
    let plan = w.sync(std::slice::from_ref(&more));
    assert_eq!(outcomes(&plan), [Outcome::Created { restored: true }]);
    assert_eq!(w.text("T.md"), more.file);
    assert!(!w.state.files["n1"].deleted);
}

#[test]
fn names_never_collide_even_ignoring_case() {
    let mut w = World::new();
    w.folder
        .files
        .insert("hello.md".into(), b"the reader's own file".to_vec());
    let plan = w.sync(&[
        note("n1", "Hello", &[]),
        note("n2", "HELLO", &[]),
        note("n3", "hello?", &[]),
    ]);
    let paths: Vec<_> = plan
        .decisions
        .iter()
        .map(|d| d.path.clone().unwrap())
        .collect();
    assert_eq!(paths, ["Hello (2).md", "HELLO (3).md", "hello (4).md"]);
    assert_eq!(w.folder.files["hello.md"], b"the reader's own file");
}

#[test]
fn never_writes_through_a_symbolic_link() {
    let mut w = World::new();
    w.options.pattern = Pattern::parse("{site}/{title}.md").unwrap();
    w.folder.links.insert("example.com".into());
    let plan = w.sync(&[note("n1", "T", &[])]);
    assert_eq!(outcomes(&plan), [Outcome::Skipped(Skip::NoFreeName)]);
    assert!(plan.writes.is_empty());

    let mut w = World::new();
    w.sync(&[note("n1", "T", &[])]);
    w.folder.files.remove("T.md");
    w.folder.links.insert("T.md".into());
    let plan = w.sync(&[note("n1", "T", &[("q1", "one")])]);
    assert_eq!(outcomes(&plan), [Outcome::Skipped(Skip::Symlink)]);
    assert!(plan.writes.is_empty());
}

#[test]
fn takes_over_an_identical_file_instead_of_duplicating_it() {
    // Another machine created the file; its state has not arrived yet.
    let mut w = World::new();
    let n = note("n1", "T", &[("q1", "one")]);
    w.folder
        .files
        .insert("T.md".into(), n.file.clone().into_bytes());
    let plan = w.sync(std::slice::from_ref(&n));
    assert_eq!(outcomes(&plan), [Outcome::Skipped(Skip::UpToDate)]);
    assert!(plan.writes.is_empty());
    assert_eq!(w.state.files["n1"].path, "T.md");
}

#[test]
fn quotes_already_in_the_file_are_recorded_not_appended() {
    let mut w = World::new();
    w.sync(&[note("n1", "T", &[("q1", "one")])]);
    let edited = format!("{}\n> two\n\nMine.\n", w.text("T.md"));
    w.folder
        .files
        .insert("T.md".into(), edited.clone().into_bytes());
    let plan = w.sync(&[note("n1", "T", &[("q1", "one"), ("q2", "two")])]);
    assert_eq!(outcomes(&plan), [Outcome::Skipped(Skip::Unchanged)]);
    assert_eq!(w.text("T.md"), edited);
    assert_eq!(w.state.files["n1"].quotes.len(), 2);
}

#[test]
fn appends_in_the_files_line_endings_after_its_bom() {
    let mut w = World::new();
    w.sync(&[note("n1", "T", &[("q1", "one")])]);
    let crlf = format!(
        "\u{feff}{}Mine, no final newline",
        w.text("T.md").replace('\n', "\r\n")
    );
    w.folder
        .files
        .insert("T.md".into(), crlf.clone().into_bytes());
    w.sync(&[note("n1", "T", &[("q1", "one"), ("q2", "two")])]);
    assert_eq!(w.text("T.md"), format!("{crlf}\r\n\r\n> two\r\n"));
}

#[test]
fn duplicate_notes_and_other_kinds_of_entries() {
    let mut w = World::new();
    w.folder.files.insert("T.md/inner".into(), vec![]);
    let plan = w.sync(&[note("n1", "T", &[]), note("n1", "T", &[])]);
    assert_eq!(
        outcomes(&plan),
        [
            Outcome::Created { restored: false },
            Outcome::Skipped(Skip::DuplicateNote)
        ]
    );
    assert_eq!(plan.decisions[0].path.as_deref(), Some("T (2).md"));
    assert_eq!(
        plan.summary(),
        Summary {
            created: 1,
            skipped: 1,
            ..Summary::default()
        }
    );
}

#[test]
fn two_machines_sharing_the_folder_neither_duplicate_nor_fight() {
    // One folder (its files and its .quotebook state travel together, as with Syncthing).
    let mut w = World::new();
    let a = [note("n1", "T", &[("q1", "one")])];
    w.sync(&a);
    // The other machine, same library: nothing to do.
    assert!(w.sync(&a).writes.is_empty());
    // It saved a quote; its sync updates the file.
    let b = [note("n1", "T", &[("q1", "one"), ("q2", "two")])];
    assert_eq!(
        outcomes(&w.sync(&b)),
        [Outcome::Updated {
            overwrote_edits: false
        }]
    );
    // Once the first machine has imported the folder's backup, it agrees: nothing written.
    assert!(w.sync(&b).writes.is_empty());
    // The state was lost on the way (a sync conflict in the state file, say): the files
    // that are exactly as rendered are taken over, not duplicated.
    w.state = SyncState::default();
    let plan = w.sync(&b);
    assert_eq!(outcomes(&plan), [Outcome::Skipped(Skip::UpToDate)]);
    assert_eq!(w.folder.files.len(), 1);
}

#[test]
fn overwrite_only_settles_conflicts() {
    let mut w = World::new();
    w.sync(&[note("n1", "T", &[("q1", "one")])]);
    let edited = format!("{}Mine.\n", w.text("T.md"));
    w.folder
        .files
        .insert("T.md".into(), edited.clone().into_bytes());
    w.options.resolve_all = Some(Resolution::Overwrite);
    // Nothing changed, or only new quotes: the reader's file is kept, whatever was asked.
    assert!(
        w.sync(&[note("n1", "T", &[("q1", "one")])])
            .writes
            .is_empty()
    );
    let plan = w.sync(&[note("n1", "T", &[("q1", "one"), ("q2", "two")])]);
    assert_eq!(
        outcomes(&plan),
        [Outcome::Appended {
            quotes: vec!["q2".into()]
        }]
    );
    assert!(w.text("T.md").starts_with(&edited));
}

#[test]
fn a_state_without_words_names_deleted_quotes_by_id_until_resynced() {
    let mut w = World::new();
    w.sync(&[note(
        "n1",
        "T",
        &[("q1", "one two three four five six seven"), ("q2", "two")],
    )]);
    assert_eq!(
        w.state.files["n1"].quotes[0].words,
        "one two three four five six…"
    );
    // A state written before the words were kept.
    let json = w.state.to_json();
    assert!(json.contains("\"words\":\"one two three four five six…\""));
    let old = json
        .replace(",\"words\":\"one two three four five six…\"", "")
        .replace(",\"words\":\"two\"", "");
    assert!(!old.contains("words"), "{old}");
    let (mut state, _) = SyncState::from_json(&old).unwrap();
    assert_eq!(state.files["n1"].quotes[1].words, "");
    // Reconciled with the library, the file's quotes get their words back.
    w.state = state.clone();
    let edited = format!("{}Mine.\n", w.text("T.md"));
    w.folder.files.insert("T.md".into(), edited.into_bytes());
    w.sync(&[note(
        "n1",
        "T",
        &[
            ("q1", "one two three four five six seven"),
            ("q2", "two"),
            ("q3", "new"),
        ],
    )]);
    assert_eq!(
        w.state.files["n1"]
            .quotes
            .iter()
            .map(|q| q.words.as_str())
            .collect::<Vec<_>>(),
        ["one two three four five six…", "two", "new"]
    );
    // Deleted while the state had no words: named by id, the only name left.
    state.files.get_mut("n1").unwrap().quotes[0].words.clear();
    w.state = state;
    let plan = w.sync(&[note("n1", "T", &[("q2", "two")])]);
    assert!(
        plan.decisions[0]
            .to_string()
            .contains("quote q1 was deleted"),
        "{}",
        plan.decisions[0]
    );
}

#[test]
fn first_words_name_a_quote_on_one_line() {
    assert_eq!(render::first_words("  Short\nquote. "), "Short quote.");
    assert_eq!(
        render::first_words("One two three four five six seven"),
        "One two three four five six…"
    );
    let long = "Pneumonoultramicroscopicsilicovolcanoconiosis-and-more-words-joined";
    assert_eq!(render::first_words(long).chars().count(), 49);
    assert_eq!(render::first_words(""), "");
}
