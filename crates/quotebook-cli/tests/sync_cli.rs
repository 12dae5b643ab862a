//! `quotebook sync` and `quotebook export`, end to end on real folders.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use quotebook_core::library::Library;
use quotebook_core::note::{Note, Quote};
use quotebook_core::sync::SyncState;

mod common;
use common::{Temp, note, run};

fn quote(id: &str, text: &str) -> Quote {
    Quote {
        id: id.into(),
        markdown: text.into(),
        text: text.into(),
        created: format!("2024-06-05T12:00:00.{:0>3}Z", id.len()),
        ..Quote::default()
    }
}

fn save(temp: &Temp, notes: Vec<Note>) -> String {
    let library = Library {
        notes,
        ..Library::default()
    };
    fs::write(temp.path("backup.json"), library.to_json()).unwrap();
    temp.s("backup.json")
}

fn sync(backup: &str, dir: &str, extra: &[&str]) -> String {
    let mut args = vec!["sync", "--from", backup, "--to", dir];
    args.extend_from_slice(extra);
    let (ok, stdout, stderr) = run(&args);
    assert!(ok, "sync failed: {stderr}");
    stdout
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

#[test]
fn syncs_keeps_edits_and_writes_nothing_when_nothing_changed() {
    let t = Temp::new("sync-cli");
    fs::create_dir(t.path("vault")).unwrap();
    let vault = t.s("vault");
    let backup = save(
        &t,
        vec![note(
            "https://a.example/1",
            "First: one",
            vec![quote("q1", "One.")],
        )],
    );
    let out = sync(&backup, &vault, &[]);
    assert!(out.contains("created   First- one.md"), "{out}");
    let file = t.path("vault/First- one.md");
    assert!(read(&file).contains("> One."));

    // The state and the backup are in .quotebook/, and say what was done.
    let (state, _) = SyncState::from_json(&read(&t.path("vault/.quotebook/state.json"))).unwrap();
    assert_eq!(state.files["https://a.example/1"].path, "First- one.md");
    let kept = Library::from_json(&read(&t.path("vault/.quotebook/library.json"))).unwrap();
    assert_eq!(kept.notes.len(), 1);

    // Nothing changed: nothing written, the state file included.
    let modified = |p: &Path| fs::metadata(p).unwrap().modified().unwrap();
    let before = (
        modified(&file),
        modified(&t.path("vault/.quotebook/state.json")),
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = sync(&backup, &vault, &[]);
    assert!(out.contains("skipped   First- one.md: unchanged"), "{out}");
    assert_eq!(
        before,
        (
            modified(&file),
            modified(&t.path("vault/.quotebook/state.json"))
        )
    );

    // The reader edits the file (CRLF, no final newline); a new quote is appended.
    let edited = format!("{}My thoughts.", read(&file).replace('\n', "\r\n"));
    fs::write(&file, &edited).unwrap();
    let backup = save(
        &t,
        vec![note(
            "https://a.example/1",
            "First: one",
            vec![quote("q1", "One."), quote("q22", "Two.")],
        )],
    );
    let out = sync(&backup, &vault, &[]);
    assert!(out.contains("appended  First- one.md: 1 quote"), "{out}");
    assert_eq!(read(&file), format!("{edited}\r\n\r\n> Two.\r\n"));
    // Not twice.
    let out = sync(&backup, &vault, &[]);
    assert!(out.contains("unchanged"), "{out}");
    assert_eq!(read(&file).matches("> Two.").count(), 1);
    // No temporary file left behind.
    let names: Vec<_> = fs::read_dir(t.path("vault"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn conflicts_wait_for_keep_or_overwrite() {
    let t = Temp::new("sync-cli");
    fs::create_dir(t.path("v")).unwrap();
    let v = t.s("v");
    let id = "https://a.example/1";
    let backup = save(
        &t,
        vec![note(
            id,
            "T",
            vec![quote("q1", "One."), quote("q22", "Two.")],
        )],
    );
    sync(&backup, &v, &[]);
    let file = t.path("v/T.md");
    fs::write(&file, format!("{}\nMine.\n", read(&file))).unwrap();
    let edited = read(&file);
    // q1 deleted in the library, q333 saved.
    let backup = save(
        &t,
        vec![note(
            id,
            "T",
            vec![quote("q22", "Two."), quote("q333", "Three.")],
        )],
    );
    let out = sync(&backup, &v, &[]);
    assert!(
        out.contains("conflict  T.md: you edited it, and “One.” was deleted"),
        "{out}"
    );
    assert_eq!(read(&file), edited);
    let out = sync(&backup, &v, &["--keep", "T.md"]);
    assert!(out.contains("appended  T.md: 1 quote"), "{out}");
    assert_eq!(read(&file), format!("{edited}\n> Three.\n"));
    let out = sync(&backup, &v, &[]);
    assert!(out.contains("skipped   T.md: unchanged"), "{out}");
    // Overwrite is explicit.
    let backup = save(&t, vec![note(id, "T2", vec![quote("q22", "Two.")])]);
    assert!(sync(&backup, &v, &[]).contains("conflict"));
    let out = sync(&backup, &v, &["--overwrite", "all"]);
    assert!(
        out.contains("updated   T.md: overwrote your edits"),
        "{out}"
    );
    assert!(!read(&file).contains("Mine."));
    let (ok, _, stderr) = run(&["sync", "--from", &backup, "--to", &v, "--keep", "nope.md"]);
    assert!(
        !ok && stderr.contains("no synced file at \"nope.md\""),
        "{stderr}"
    );
}

#[test]
fn deleted_files_stay_deleted_unless_restored() {
    let t = Temp::new("sync-cli");
    fs::create_dir(t.path("v")).unwrap();
    let v = t.s("v");
    let backup = save(
        &t,
        vec![note("https://a.example/1", "T", vec![quote("q1", "One.")])],
    );
    sync(&backup, &v, &[]);
    fs::remove_file(t.path("v/T.md")).unwrap();
    let out = sync(&backup, &v, &[]);
    assert!(out.contains("skipped   T.md: you deleted it"), "{out}");
    assert!(!t.path("v/T.md").exists());
    let out = sync(&backup, &v, &["--restore"]);
    assert!(out.contains("created   T.md: restored"), "{out}");
    assert!(t.path("v/T.md").exists());
}

#[cfg(unix)]
#[test]
fn never_writes_outside_the_folder() {
    let t = Temp::new("sync-cli");
    fs::create_dir_all(t.path("v/.quotebook")).unwrap();
    fs::create_dir(t.path("outside")).unwrap();
    fs::write(t.path("outside/target.md"), "precious").unwrap();
    let v = t.s("v");
    let backup = save(
        &t,
        vec![
            note(
                "https://a.example/1",
                "../outside/evil",
                vec![quote("q1", "One.")],
            ),
            note("https://a.example/2", "linked", vec![quote("q2", "Two.")]),
            note("https://a.example/3", "forged", vec![quote("q3", "Three.")]),
        ],
    );
    // A link where a note's file would go, and a state that points outside.
    std::os::unix::fs::symlink(t.path("outside/target.md"), t.path("v/linked.md")).unwrap();
    let forged = r#"{"schema":1,"files":{"https://a.example/3":{"path":"../outside/target.md","written":"x","version":"v","frame":"f"}}}"#;
    fs::write(t.path("v/.quotebook/state.json"), forged).unwrap();
    let (ok, out, stderr) = run(&["sync", "--from", &backup, "--to", &v]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("ignored the unsafe path"), "{stderr}");
    assert!(out.contains("created   -outside-evil.md"), "{out}");
    assert!(out.contains("created   linked (2).md"), "{out}");
    assert!(out.contains("created   forged.md"), "{out}");
    assert_eq!(read(&t.path("outside/target.md")), "precious");
    assert_eq!(fs::read_dir(t.path("outside")).unwrap().count(), 1);

    // A folder of the pattern that is a link is never entered.
    let t2 = Temp::new("sync-cli");
    fs::create_dir(t2.path("v")).unwrap();
    fs::create_dir(t2.path("elsewhere")).unwrap();
    std::os::unix::fs::symlink(t2.path("elsewhere"), t2.path("v/a.example")).unwrap();
    let backup = save(&t2, vec![note("https://a.example/1", "T", vec![])]);
    let (ok, out, stderr) = run(&[
        "sync",
        "--from",
        &backup,
        "--to",
        &t2.s("v"),
        "--pattern",
        "{site}/{title}.md",
    ]);
    assert!(!ok, "a note not written is a failure: {stderr}");
    assert!(
        out.contains("skipped") && out.contains("no free file name"),
        "{out}"
    );
    assert_eq!(fs::read_dir(t2.path("elsewhere")).unwrap().count(), 0);

    // Nor is a .quotebook that is a link.
    let t3 = Temp::new("sync-cli");
    fs::create_dir(t3.path("v")).unwrap();
    std::os::unix::fs::symlink(t3.path("."), t3.path("v/.quotebook")).unwrap();
    let backup = save(&t3, vec![]);
    let (ok, _, stderr) = run(&["sync", "--from", &backup, "--to", &t3.s("v")]);
    assert!(!ok && stderr.contains("symbolic link"), "{stderr}");
}

#[test]
fn exports_a_zip_a_folder_and_one_note() {
    let t = Temp::new("sync-cli");
    let backup = save(
        &t,
        vec![
            note("https://a.example/1", "Same", vec![quote("q1", "One.")]),
            note("https://a.example/2", "same", vec![quote("q2", "Two.")]),
            note("https://a.example/3", "NUL", vec![]),
        ],
    );
    let zip_path = t.s("all.zip");
    let (ok, out, stderr) = run(&["export", "--from", &backup, "--to", &zip_path]);
    assert!(ok, "{stderr}");
    assert_eq!(out, format!("exported 3 notes to {zip_path}\n"));
    let mut archive = zip::ZipArchive::new(fs::File::open(&zip_path).unwrap()).unwrap();
    let mut names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["NUL_.md", "Same.md", "same (2).md"]);
    let mut entry = archive.by_name("same (2).md").unwrap();
    assert_eq!(entry.compression(), zip::CompressionMethod::Deflated);
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    assert!(text.contains("> Two."), "{text}");
    // The zip is not replaced without --force.
    let (ok, _, stderr) = run(&["export", "--from", &backup, "--to", &zip_path]);
    assert!(!ok && stderr.contains("already exists"), "{stderr}");

    let (ok, out, _) = run(&["export", "--from", &backup, "--to", &t.s("dir")]);
    assert!(ok && out.contains("exported 3 notes"), "{out}");
    fs::write(t.path("dir/Same.md"), "the reader's").unwrap();
    let (ok, out, _) = run(&["export", "--from", &backup, "--to", &t.s("dir")]);
    assert!(
        ok && out.contains("exported 1 notes") && out.contains("2 already there"),
        "{out}"
    );
    assert_eq!(read(&t.path("dir/Same.md")), "the reader's");

    let one = t.s("one.md");
    let (ok, _, stderr) = run(&["export", "--from", &backup, "--to", &one]);
    assert!(!ok && stderr.contains("choose one with --note"), "{stderr}");
    let (ok, _, _) = run(&[
        "export",
        "--from",
        &backup,
        "--to",
        &one,
        "--note",
        "https://a.example/2",
    ]);
    assert!(ok);
    assert!(read(&t.path("one.md")).contains("> Two."));
}

#[test]
fn bad_input_gets_a_clear_message() {
    let t = Temp::new("sync-cli");
    fs::write(t.path("bad.json"), "{").unwrap();
    let (ok, _, stderr) = run(&["sync", "--from", &t.s("bad.json"), "--to", &t.s("")]);
    assert!(!ok && stderr.contains("library backup"), "{stderr}");
    let (ok, _, stderr) = run(&["sync", "--to", &t.s("missing")]);
    assert!(!ok && stderr.contains("cannot open the folder"), "{stderr}");
    let backup = save(&t, vec![]);
    let (ok, _, stderr) = run(&[
        "sync",
        "--from",
        &backup,
        "--to",
        &t.s(""),
        "--pattern",
        "{nope}",
    ]);
    assert!(!ok && stderr.contains("unknown placeholder"), "{stderr}");
}

#[test]
fn the_folders_own_backup_syncs_without_from() {
    let t = Temp::new("sync-cli");
    fs::create_dir(t.path("v")).unwrap();
    let v = t.s("v");
    let (ok, _, stderr) = run(&["sync", "--to", &v]);
    assert!(
        !ok && stderr.contains("give the library with --from"),
        "{stderr}"
    );
    let backup = save(
        &t,
        vec![note("https://a.example/1", "T", vec![quote("q1", "One.")])],
    );
    sync(&backup, &v, &[]);
    fs::remove_file(t.path("v/T.md")).unwrap();
    // The folder's own backup is enough to restore from.
    let (ok, out, stderr) = run(&["sync", "--to", &v, "--restore"]);
    assert!(ok, "{stderr}");
    assert!(out.contains("created   T.md: restored"), "{out}");
    assert!(read(&t.path("v/T.md")).contains("> One."));
    // A backup that merely holds the same notes in another layout reads the same.
    let pretty = serde_json::to_string_pretty(
        &serde_json::from_str::<serde_json::Value>(&read(&t.path("backup.json"))).unwrap(),
    )
    .unwrap();
    fs::write(t.path("pretty.json"), pretty).unwrap();
    let out = sync(&t.s("pretty.json"), &v, &[]);
    assert!(out.contains("skipped   T.md: unchanged"), "{out}");
}

#[test]
fn clip_builds_a_library_that_syncs() {
    let t = Temp::new("sync-cli");
    fs::write(t.path("one.html"), "<p>First <b>quote</b>.</p>").unwrap();
    fs::write(t.path("two.html"), "<p>Second quote.</p>").unwrap();
    let lib = t.s("lib/backup.json");
    fs::create_dir(t.path("lib")).unwrap();
    let clip = |url: &str, html: &str, now: &str| {
        let (ok, out, stderr) = run(&[
            "clip",
            "--url",
            url,
            "--html-file",
            &t.s(html),
            "--title",
            "A page",
            "--now",
            now,
            "--library",
            &lib,
        ]);
        assert!(ok, "{stderr}");
        out
    };
    clip(
        "https://a.example/p",
        "one.html",
        "2024-06-05T12:00:00.000Z",
    );
    let out = clip(
        "https://a.example/p",
        "two.html",
        "2024-06-05T13:00:00.000Z",
    );
    assert!(
        out.contains("> First **quote**.") && out.contains("> Second quote."),
        "{out}"
    );
    clip(
        "https://b.example/q",
        "one.html",
        "2024-06-05T14:00:00.000Z",
    );
    let library = Library::from_json(&read(&t.path("lib/backup.json"))).unwrap();
    assert_eq!(library.notes.len(), 2);
    assert_eq!(library.notes[0].quotes.len(), 2);
    fs::create_dir(t.path("v")).unwrap();
    let out = sync(&lib, &t.s("v"), &[]);
    assert!(
        out.contains("created   A page.md") && out.contains("created   A page (2).md"),
        "{out}"
    );
}

/// Two machines sync one folder (as through Syncthing), each from its own backup; one
/// deletes a quote. The deletion travels through the folder's `.quotebook/library.json`:
/// the other machine's stale copy does not bring the quote back into the backup or the file.
#[test]
fn a_deletion_travels_between_two_machines_through_the_folder() {
    let t = Temp::new("sync-cli");
    fs::create_dir(t.path("v")).unwrap();
    let v = t.s("v");
    let both = vec![
        note(
            "https://a.example/1",
            "Shared",
            vec![quote("q1", "Kept."), quote("q22", "Deleted on A.")],
        ),
        note("https://a.example/2", "Other", vec![quote("q3", "Three.")]),
    ];
    let write = |name: &str, library: &Library| {
        fs::write(t.path(name), library.to_json()).unwrap();
        t.s(name)
    };
    let mut a = Library::default();
    for n in both.clone() {
        a.add(n);
    }
    let mut b = a.clone();
    let out = sync(&write("a.json", &a), &v, &[]);
    assert!(out.contains("2 created"), "{out}");
    assert!(read(&t.path("v/Shared.md")).contains("Deleted on A."));

    // Machine A deletes a quote and the whole second note, then syncs.
    a.delete_quote("q22", "2024-07-01T00:00:00.000Z").unwrap();
    a.delete_note("https://a.example/2", "2024-07-01T00:00:00.000Z")
        .unwrap();
    let out = sync(&write("a.json", &a), &v, &[]);
    assert!(out.contains("updated   Shared.md"), "{out}");
    assert!(!read(&t.path("v/Shared.md")).contains("Deleted on A."));
    // (Sync never deletes a file: the note's file stays, the reader's to remove.)
    assert!(t.path("v/Other.md").exists());

    // Machine B, which never heard of the deletions, saves a new quote and syncs.
    b.notes[0].quotes.push(quote("q4444", "New on B."));
    b.notes[0].updated = "2024-08-01T00:00:00.000Z".into();
    let out = sync(&write("b.json", &b), &v, &[]);
    let shared = read(&t.path("v/Shared.md"));
    assert!(shared.contains("New on B."), "{out}\n{shared}");
    assert!(!shared.contains("Deleted on A."), "{out}\n{shared}");
    let backup = Library::from_json(&read(&t.path("v/.quotebook/library.json"))).unwrap();
    let ids: Vec<&str> = backup.notes[0]
        .quotes
        .iter()
        .map(|q| q.id.as_str())
        .collect();
    assert_eq!(ids, ["q1", "q4444"]);
    assert!(backup.get("https://a.example/2").is_none());
    assert_eq!(backup.deleted.len(), 2);
    // B imports the folder's backup: its library loses what A deleted, and keeps its own.
    b.merge(backup.clone());
    assert_eq!(b.notes.len(), 1);
    assert_eq!(b.notes[0].quotes.len(), 2);
    // Both machines now agree: syncing either writes nothing.
    let state = read(&t.path("v/.quotebook/state.json"));
    let out = sync(&write("b.json", &b), &v, &[]);
    assert!(out.contains("0 created, 0 updated, 0 appended"), "{out}");
    assert_eq!(read(&t.path("v/.quotebook/state.json")), state);
    a.merge(backup);
    let out = sync(&write("a.json", &a), &v, &[]);
    assert!(out.contains("0 created, 0 updated, 0 appended"), "{out}");
    assert_eq!(read(&t.path("v/.quotebook/state.json")), state);
}

/// Issue 17, point 5: titles of any script, as long as they come, sync and export: every
/// name fits the file system's 255 bytes with room to spare, and the temporary file beside
/// it too.
#[test]
fn long_titles_sync_and_export() {
    let t = Temp::new("sync-cli");
    fs::create_dir(t.path("v")).unwrap();
    let titles = [
        "長い題名の記事".repeat(30),
        "👩\u{200d}🔬 science ".repeat(40),
        "Ame\u{301}lie\u{308} ".repeat(60),
    ];
    let notes: Vec<Note> = titles
        .iter()
        .enumerate()
        .map(|(i, title)| {
            note(
                &format!("https://a.example/{i}"),
                title,
                vec![quote(&format!("q{i}"), "Kept.")],
            )
        })
        .collect();
    let backup = save(&t, notes);
    for pattern in ["{title}.md", "{title}/{title}.md"] {
        let dir = t.s(&format!("v/{}", pattern.len()));
        fs::create_dir(&dir).unwrap();
        let (ok, out, stderr) = run(&[
            "sync",
            "--from",
            &backup,
            "--to",
            &dir,
            "--pattern",
            pattern,
        ]);
        assert!(ok, "{out}{stderr}");
        assert_eq!(out.matches("created   ").count(), 3, "{out}");
        let exported = t.s(&format!("e{}", pattern.len()));
        let (ok, out, stderr) = run(&[
            "export",
            "--from",
            &backup,
            "--to",
            &exported,
            "--pattern",
            pattern,
        ]);
        assert!(ok && out.contains("exported 3 notes"), "{out}{stderr}");
        for root in [&dir, &exported] {
            let mut files = 0;
            let mut stack = vec![Path::new(root).to_owned()];
            while let Some(d) = stack.pop() {
                for entry in fs::read_dir(&d).unwrap() {
                    let entry = entry.unwrap();
                    let name = entry.file_name().into_string().unwrap();
                    assert!(!name.ends_with(".tmp"), "{name}");
                    if entry.file_type().unwrap().is_dir() {
                        stack.push(entry.path());
                    } else if name.ends_with(".md") {
                        assert!(name.len() <= 255 - 16, "{} bytes: {name}", name.len());
                        assert!(read(&entry.path()).contains("> Kept."));
                        files += 1;
                    }
                }
            }
            assert_eq!(files, 3, "{root}");
        }
    }
}

/// Issue 17, point 9: a sync or an export that leaves a note unwritten says which, and
/// exits with a failure (1), after reporting what it did write.
#[cfg(unix)]
#[test]
fn a_sync_or_export_that_skips_a_note_fails_and_names_it() {
    let t = Temp::new("sync-cli");
    let backup = save(
        &t,
        vec![
            note("https://a.example/1", "Blocked", vec![quote("q1", "One.")]),
            note("https://b.example/2", "Written", vec![quote("q2", "Two.")]),
        ],
    );
    fs::create_dir(t.path("elsewhere")).unwrap();
    for (command, dir) in [("sync", "v"), ("export", "e")] {
        fs::create_dir(t.path(dir)).unwrap();
        // The folder the first note's file goes in is a link: nothing is written through it.
        std::os::unix::fs::symlink(t.path("elsewhere"), t.path(&format!("{dir}/a.example")))
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_quotebook"))
            .args([command, "--from", &backup, "--to", &t.s(dir)])
            .args(["--pattern", "{site}/{title}.md"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {stdout}{stderr}");
        assert!(
            stdout.contains("created   b.example/Written.md")
                || stdout.contains("exported 1 notes"),
            "{command}: {stdout}"
        );
        assert!(
            stderr.contains("1 note was not written") && stderr.contains("https://a.example/1"),
            "{command}: {stderr}"
        );
        assert!(t.path(&format!("{dir}/b.example/Written.md")).is_file());
        assert_eq!(fs::read_dir(t.path("elsewhere")).unwrap().count(), 0);
    }
}

/// The files of a folder, by relative path, `.quotebook/` aside.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            let name = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if name.starts_with(".quotebook") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((name, read(&path)));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_backup_carries_the_settings_that_shape_its_files() {
    use quotebook_core::library::FileSettings;
    use quotebook_core::template::{QuoteOrder, Templates};
    let t = Temp::new("settings-cli");
    let mut first = note(
        "https://a.example/1",
        "First",
        vec![quote("q1", "One."), quote("q22", "Two.")],
    );
    first.site = Some("Alpha".into());
    first.quotes[0].position = Some(9);
    first.quotes[1].position = Some(1);
    let notes = vec![
        first,
        note("https://b.example/2", "Second", vec![quote("q3", "Three.")]),
    ];
    let settings = FileSettings {
        templates: Templates {
            note: "# {{ title }} ({{ created | date('%d %B %H:%M') }})\n{% for q in quotes %}{{ q.rendered }}{% endfor %}".into(),
            quote: "* {{ quote }}\n".into(),
        },
        file_name_pattern: "{site}/{title} {date}".into(),
        tz_offset_minutes: 13 * 60,
        locale: "fr".into(),
        quote_order: QuoteOrder::Page,
        images: None,
    };
    let library = Library {
        notes,
        ..Library::default()
    };
    fs::write(
        t.path("carried.json"),
        library.to_json_with(Some(&settings)),
    )
    .unwrap();
    fs::write(t.path("plain.json"), library.to_json()).unwrap();
    fs::write(t.path("note.j2"), &settings.templates.note).unwrap();
    fs::write(t.path("quote.j2"), &settings.templates.quote).unwrap();

    // Exported from the backup alone: its templates, pattern, zone, language and order.
    let (ok, _, err) = run(&[
        "export",
        "--from",
        &t.s("carried.json"),
        "--to",
        &t.s("carried"),
    ]);
    assert!(ok, "{err}");
    let carried = files(&t.path("carried"));
    assert_eq!(
        carried,
        [
            (
                "Alpha/First 2024-06-06.md".to_owned(),
                "# First (06 juin 01:00)\n* Two.\n* One.\n".to_owned()
            ),
            (
                "b.example/Second 2024-06-06.md".to_owned(),
                "# Second (06 juin 01:00)\n* Three.\n".to_owned()
            ),
        ]
    );
    // The same files as the plain backup with the settings given as flags (where there
    // are flags for them: the language and order only travel in the backup).
    let (ok, _, err) = run(&[
        "export",
        "--from",
        &t.s("plain.json"),
        "--to",
        &t.s("plain"),
        "--template",
        &t.s("note.j2"),
        "--quote-template",
        &t.s("quote.j2"),
        "--pattern",
        "{site}/{title} {date}",
        "--tz-offset",
        "780",
    ]);
    assert!(ok, "{err}");
    let plain = files(&t.path("plain"));
    assert_eq!(
        plain.iter().map(|f| &f.0).collect::<Vec<_>>(),
        carried.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    // A flag wins over the backup's setting.
    let (ok, _, err) = run(&[
        "export",
        "--from",
        &t.s("carried.json"),
        "--to",
        &t.s("flagged"),
        "--pattern",
        "{title}",
        "--tz-offset",
        "0",
    ]);
    assert!(ok, "{err}");
    let flagged: Vec<String> = files(&t.path("flagged")).into_iter().map(|f| f.0).collect();
    assert_eq!(flagged, ["First.md", "Second.md"]);

    // Synced, the same files; the folder's backup keeps the settings, so a later sync
    // without --from writes with them too.
    fs::create_dir(t.path("vault")).unwrap();
    sync(&t.s("carried.json"), &t.s("vault"), &[]);
    assert_eq!(files(&t.path("vault")), carried);
    let kept = read(&t.path("vault/.quotebook/library.json"));
    assert_eq!(Library::settings_of(&kept).unwrap(), Some(settings));
    fs::remove_file(t.path("vault/b.example/Second 2024-06-06.md")).unwrap();
    let (ok, out, err) = run(&["sync", "--to", &t.s("vault"), "--restore"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("created   b.example/Second 2024-06-06.md: restored"),
        "{out}"
    );
    assert_eq!(files(&t.path("vault")), carried);
}
