//! What a backup from elsewhere may change in the notes we hold when merged: never a
//! note's id or URL, never the text of a quote we hold.

use quotebook_core::library::Library;
use quotebook_core::note::{Note, Quote, SCHEMA_VERSION};

fn quote(id: &str, text: &str, created: &str) -> Quote {
    Quote {
        id: id.into(),
        markdown: text.into(),
        text: text.into(),
        created: created.into(),
        ..Quote::default()
    }
}

fn note(id: &str, updated: &str, quotes: Vec<Quote>) -> Note {
    Note {
        schema: SCHEMA_VERSION,
        id: id.into(),
        url: id.into(),
        title: "Ours".into(),
        created: "2024-01-01T00:00:00.000Z".into(),
        updated: updated.into(),
        quotes,
        ..Note::default()
    }
}

fn ours() -> Library {
    let mut library = Library::default();
    library.add(note(
        "https://a.example/1",
        "2024-01-02T00:00:00.000Z",
        vec![quote("q1", "What was said.", "2024-01-01T00:00:00.000Z")],
    ));
    library.add(note(
        "https://b.example/2",
        "2024-01-02T00:00:00.000Z",
        vec![quote("q2", "Another page.", "2024-01-01T00:00:00.000Z")],
    ));
    library
}

#[test]
fn a_newer_note_from_a_backup_keeps_our_id_and_url() {
    let mut library = ours();
    let mut theirs = note(
        "https://a.example/1",
        "9999-12-31T00:00:00.000Z",
        vec![quote("q9", "Theirs.", "2024-01-03T00:00:00.000Z")],
    );
    theirs.url = "https://evil.example/login".into();
    theirs.canonical = Some("https://evil.example/".into());
    theirs.title = "Newer title".into();
    library.merge(Library {
        notes: vec![theirs],
        ..Library::default()
    });
    let merged = library.get("https://a.example/1").expect("still ours");
    assert_eq!(merged.url, "https://a.example/1");
    assert_eq!(merged.canonical, None);
    // The newer copy's title and quotes are taken: a title is not where a link goes.
    assert_eq!(merged.title, "Newer title");
    let ids: Vec<&str> = merged.quotes.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["q1", "q9"]);
}

#[test]
fn a_quote_id_repeated_in_a_backup_never_replaces_our_text() {
    let mut library = ours();
    let mut forged = quote("q1", "Words never said.", "2024-01-01T00:00:00.000Z");
    forged.markdown = "[Words never said](https://evil.example/)".into();
    forged.comment = "A comment from the other copy.".into();
    forged.tags = vec!["theirs".into()];
    library.merge(Library {
        notes: vec![note(
            "https://a.example/1",
            "2025-01-01T00:00:00.000Z",
            vec![forged.clone()],
        )],
        ..Library::default()
    });
    let q1 = &library.get("https://a.example/1").unwrap().quotes[0];
    assert_eq!(q1.text, "What was said.");
    assert_eq!(q1.markdown, "What was said.");
    // The newer copy's comment and tags are the reader's own words: those do follow.
    assert_eq!(q1.comment, forged.comment);
    assert_eq!(q1.tags, forged.tags);

    // In another note, the same id is not taken at all: one id, one quote.
    let report = library.merge(Library {
        notes: vec![note(
            "https://b.example/2",
            "2025-01-01T00:00:00.000Z",
            vec![forged],
        )],
        ..Library::default()
    });
    assert_eq!(report.quotes_added, 0);
    let ids: Vec<&str> = library
        .get("https://b.example/2")
        .unwrap()
        .quotes
        .iter()
        .map(|q| q.id.as_str())
        .collect();
    assert_eq!(ids, ["q2"]);
    assert_eq!(
        library.get("https://a.example/1").unwrap().quotes[0].text,
        "What was said."
    );
}

const NOW: &str = "2024-06-01T00:00:00.000Z";

/// The message of a refused backup.
fn refusal(json: &str) -> String {
    quotebook_core::backup::read_backup(json, NOW)
        .expect_err("refused")
        .to_string()
}

#[test]
fn times_must_be_rfc3339_and_not_in_the_future_or_the_line_is_named() {
    let ok = "{\"schema\":1,\"notes\":[\n],\"deleted\":[\n{\"id\":\"n\",\"at\":\"2024-06-01T12:00:00Z\"}\n]}\n";
    assert_eq!(
        quotebook_core::backup::read_backup(ok, NOW)
            .unwrap()
            .deleted
            .len(),
        1,
        "within the day's allowance for clock skew"
    );
    let tilde = ok.replace("2024-06-01T12:00:00Z", "~");
    let message = refusal(&tilde);
    assert!(
        message.contains("line 3") && message.contains("\"~\""),
        "{message}"
    );
    let future = ok.replace("2024-06-01T12:00:00Z", "2024-06-02T00:00:01Z");
    let message = refusal(&future);
    assert!(
        message.contains("line 3") && message.contains("future"),
        "{message}"
    );

    let mut library = ours();
    library.notes[1].updated = "9999-12-31T00:00:00.000Z".into();
    let message = refusal(&library.to_json());
    assert!(
        message.contains("line 3") && message.contains("9999"),
        "{message}"
    );
    let mut library = ours();
    library.notes[0].quotes[0].created = "2024-06-05".into();
    let message = refusal(&library.to_json());
    assert!(
        message.contains("line 2") && message.contains("q1"),
        "{message}"
    );
    // Any layout: the line is where the entry starts.
    let spread = "{\n\"schema\": 1,\n\"notes\": [],\n\"deleted\": [\n  {\"id\": \"n\",\n   \"at\": \"soon\"}\n]}";
    assert!(refusal(spread).contains("line 5"), "{}", refusal(spread));
}

#[test]
fn an_import_plan_lists_removals_and_takes_no_time_it_cannot_trust() {
    use quotebook_core::backup::plan_import;
    let stored = ours().notes;
    let mut theirs = ours();
    theirs
        .delete_note("https://b.example/2", "2024-05-01T00:00:00.000Z")
        .unwrap();
    theirs.notes[0].title = "Their title".into();
    theirs.notes[0].updated = "2024-05-02T00:00:00.000Z".into();
    theirs.notes[0]
        .quotes
        .push(quote("q3", "Three.", "2024-05-02T00:00:00.000Z"));
    let plan = plan_import(stored.clone(), &theirs.to_json(), NOW).unwrap();
    assert!(plan.added.is_empty());
    assert_eq!(plan.changed.len(), 1);
    assert_eq!(plan.changed[0].quotes_added, 1);
    assert_eq!(plan.changed[0].fields, ["title"]);
    assert_eq!(plan.removed.len(), 1);
    assert_eq!(plan.removed[0].note, "https://b.example/2");
    assert_eq!(plan.removed[0].quote, None);
    assert_eq!(plan.removed[0].at, "2024-05-01T00:00:00.000Z");
    assert!(
        plan.deleted.is_empty(),
        "the deletion travels with its trash entry"
    );
    assert_eq!(plan.notes.len(), 1);

    let crafted = "{\"schema\":1,\"notes\":[\n],\"deleted\":[\n{\"id\":\"https://a.example/1\",\"at\":\"~\"}\n]}\n";
    assert!(plan_import(stored, crafted, NOW).is_err());
}

/// Found by the `backup` fuzz target: a note of ours holding one quote id twice lost the
/// second quote when a newer copy of the note (without quotes) was merged into it.
#[test]
fn fuzz_a_quote_id_held_twice_in_our_note_loses_neither_quote() {
    let mut library = Library::default();
    library.add(note(
        "https://a.example/1",
        "2024-01-01T00:00:00.000Z",
        vec![
            quote("q0", "", "2024-01-01T00:00:00.000Z"),
            quote("q0", "Second.", "2024-01-01T00:00:00.000Z"),
        ],
    ));
    library.merge(Library {
        notes: vec![note(
            "https://a.example/1",
            "2024-05-01T00:00:00.000Z",
            vec![],
        )],
        ..Library::default()
    });
    let texts: Vec<&str> = library.notes[0]
        .quotes
        .iter()
        .map(|q| q.text.as_str())
        .collect();
    assert_eq!(texts, ["", "Second."]);
}

/// Found by the `backup` fuzz target: a valid deletion of our note, with a note of the same
/// id in the backup (quoted after the deletion), gave the note the backup's URL.
#[test]
fn fuzz_a_note_deleted_and_quoted_again_in_a_backup_keeps_our_url() {
    let mut library = ours();
    let mut theirs = Library::default();
    let mut again = note(
        "https://a.example/1",
        "2024-05-02T00:00:00.000Z",
        vec![quote("q8", "Quoted again.", "2024-05-02T00:00:00.000Z")],
    );
    again.url = "https://evil.example/".into();
    theirs.add(again);
    theirs
        .delete_note("https://a.example/1", "2024-05-01T00:00:00.000Z")
        .unwrap();
    library.merge(theirs);
    let merged = library.get("https://a.example/1").unwrap();
    let ids: Vec<&str> = merged.quotes.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["q8"]);
    assert_eq!(merged.url, "https://a.example/1");
}

/// Found by the `backup` fuzz target: a backup deleting our note and bringing a quote of
/// the same id as one it removed (saved after the deletion) put other text under our id.
#[test]
fn fuzz_a_quote_id_removed_by_a_deletion_does_not_come_back_with_other_text() {
    let mut library = ours();
    let mut theirs = Library::default();
    theirs.add(note(
        "https://a.example/1",
        "2024-05-02T00:00:00.000Z",
        vec![quote("q1", "Other words.", "2024-05-02T00:00:00.000Z")],
    ));
    theirs
        .delete_note("https://a.example/1", "2024-05-01T00:00:00.000Z")
        .unwrap();
    let report = library.merge(theirs);
    assert_eq!((report.quotes_removed, report.quotes_skipped), (1, 1));
    assert!(library.get("https://a.example/1").is_none());
}
