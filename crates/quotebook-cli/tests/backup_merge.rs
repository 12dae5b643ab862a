//! A crafted backup meeting a synced folder (`quotebook sync --from`, and the folder's own
//! `.quotebook/library.json`): times that are not RFC 3339 or lie in the future are
//! refused with the line they came from, and the folder's backup is left as it was.

use std::fs;

use quotebook_core::library::Library;
use quotebook_core::note::Quote;

mod common;
use common::{Temp, note, run};

fn quote(id: &str, text: &str) -> Quote {
    Quote {
        id: id.into(),
        markdown: text.into(),
        text: text.into(),
        created: "2024-06-05T12:00:00.000Z".into(),
        ..Quote::default()
    }
}

/// A folder synced once from a library of two notes; returns the temp dir and the
/// folder's backup as written.
fn synced_folder() -> (Temp, String) {
    let t = Temp::new("backup-merge");
    fs::create_dir(t.path("vault")).unwrap();
    let mut library = Library::default();
    library.add(note(
        "https://a.example/1",
        "First",
        vec![quote("q1", "One."), quote("q2", "Two.")],
    ));
    library.add(note(
        "https://a.example/2",
        "Second",
        vec![quote("q3", "Three.")],
    ));
    fs::write(t.path("mine.json"), library.to_json()).unwrap();
    let (ok, _, stderr) = run(&["sync", "--from", &t.s("mine.json"), "--to", &t.s("vault")]);
    assert!(ok, "{stderr}");
    let kept = fs::read_to_string(t.path("vault/.quotebook/library.json")).unwrap();
    assert_eq!(Library::from_json(&kept).unwrap().notes.len(), 2);
    (t, kept)
}

/// Syncs `crafted` (a backup's text) into the folder: it must be refused, naming
/// `needle` (the line and what is wrong), and leave the folder's backup as it was.
fn refused(t: &Temp, kept: &str, crafted: &str, needles: &[&str]) {
    fs::write(t.path("crafted.json"), crafted).unwrap();
    let (ok, stdout, stderr) = run(&[
        "sync",
        "--from",
        &t.s("crafted.json"),
        "--to",
        &t.s("vault"),
    ]);
    assert!(!ok, "a crafted backup was merged:\n{stdout}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in {stderr:?}");
    }
    assert_eq!(
        fs::read_to_string(t.path("vault/.quotebook/library.json")).unwrap(),
        kept,
        "the folder's backup changed"
    );
}

#[test]
fn a_tombstone_at_tilde_is_refused_with_its_line() {
    let (t, kept) = synced_folder();
    // `~` sorts after every date: it used to delete the note for good.
    let crafted = "{\"schema\":1,\"notes\":[\n],\"deleted\":[\n\
                   {\"id\":\"https://a.example/1\",\"at\":\"~\"}\n]}\n";
    refused(&t, &kept, crafted, &["crafted.json", "line 3", "\"~\""]);
}

#[test]
fn a_tombstone_in_the_future_is_refused_with_its_line() {
    let (t, kept) = synced_folder();
    let crafted = "{\"schema\":1,\"notes\":[\n],\"deleted\":[\n\
                   {\"id\":\"q2\",\"note\":\"https://a.example/1\",\"at\":\"2024-07-01T00:00:00Z\"},\n\
                   {\"id\":\"https://a.example/2\",\"at\":\"2999-01-01T00:00:00Z\"}\n]}\n";
    refused(
        &t,
        &kept,
        crafted,
        &["line 4", "2999-01-01T00:00:00Z", "future"],
    );
}

#[test]
fn a_note_updated_in_the_year_9999_is_refused_with_its_line() {
    let (t, kept) = synced_folder();
    let mut evil = note("https://a.example/1", "Evil", vec![quote("q1", "Changed.")]);
    evil.url = "https://evil.example/".into();
    evil.updated = "9999-12-31T00:00:00.000Z".into();
    let crafted = Library {
        notes: vec![
            note("https://a.example/3", "Third", vec![quote("q4", "Four.")]),
            evil,
        ],
        ..Library::default()
    }
    .to_json();
    refused(&t, &kept, &crafted, &["line 3", "9999-12-31T00:00:00.000Z"]);
}

#[test]
fn a_crafted_folder_backup_is_refused_too() {
    let (t, kept) = synced_folder();
    // The folder's own backup (shared through git or a sync service) carries the tombstone.
    let crafted = kept.replace(
        "\n]}\n",
        "\n],\"deleted\":[\n{\"id\":\"https://a.example/1\",\"at\":\"~\"}\n]}\n",
    );
    assert_ne!(crafted, kept);
    fs::write(t.path("vault/.quotebook/library.json"), &crafted).unwrap();
    let mut library = Library::from_json(&kept).unwrap();
    library.notes[1].quotes.push(Quote {
        created: "2024-06-06T00:00:00.000Z".into(),
        ..quote("q9", "New.")
    });
    fs::write(t.path("mine.json"), library.to_json()).unwrap();
    let (ok, stdout, stderr) = run(&["sync", "--from", &t.s("mine.json"), "--to", &t.s("vault")]);
    assert!(!ok, "a crafted folder backup was merged:\n{stdout}");
    assert!(
        stderr.contains(".quotebook/library.json") && stderr.contains("line 5"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(t.path("vault/.quotebook/library.json")).unwrap(),
        crafted
    );
}

#[test]
fn a_valid_backup_still_merges() {
    let (t, _) = synced_folder();
    let crafted = "{\"schema\":1,\"notes\":[\n],\"deleted\":[\n\
                   {\"id\":\"q2\",\"note\":\"https://a.example/1\",\"at\":\"2024-07-01T00:00:00Z\"}\n]}\n";
    fs::write(t.path("crafted.json"), crafted).unwrap();
    let (ok, _, stderr) = run(&[
        "sync",
        "--from",
        &t.s("crafted.json"),
        "--to",
        &t.s("vault"),
    ]);
    assert!(ok, "{stderr}");
    let kept =
        Library::from_json(&fs::read_to_string(t.path("vault/.quotebook/library.json")).unwrap())
            .unwrap();
    let ids: Vec<&str> = kept.notes[0].quotes.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["q1"]);
}
