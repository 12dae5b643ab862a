//! `quotebook sync` on a real folder and the core's sync session on an in-memory folder
//! (as the File System Access backend runs it over a snapshot) go through the same
//! scenario, step by step: the same report, byte for byte, and the same files.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use quotebook_core::library::Library;
use quotebook_core::note::{Note, Quote};
use quotebook_core::sync::memory::MemoryFolder;
use quotebook_core::sync::session::{self, Settings};
use quotebook_core::sync::{LIBRARY_PATH, STATE_PATH};

mod common;
use common::{Temp, note};

fn quote(id: &str, text: &str, created: &str) -> Quote {
    Quote {
        id: id.into(),
        markdown: text.into(),
        text: text.into(),
        created: created.into(),
        ..Quote::default()
    }
}

/// The two front ends, side by side.
struct Twins {
    temp: Temp,
    memory: MemoryFolder,
}

impl Twins {
    fn new() -> Twins {
        let temp = Temp::new("sync-session");
        fs::create_dir(temp.path("vault")).unwrap();
        Twins {
            temp,
            memory: MemoryFolder::default(),
        }
    }

    /// Syncs `notes` through both; `flags` are the CLI's, `settings` the same choices for
    /// the session. Returns the report both printed.
    fn sync(&mut self, notes: &[Note], flags: &[&str], settings: &Settings) -> String {
        let mut library = Library::default();
        for n in notes {
            library.add(n.clone());
        }
        let text = library.to_json();
        fs::write(self.temp.path("backup.json"), &text).unwrap();

        let backup = self.temp.s("backup.json");
        let vault = self.temp.s("vault");
        let mut args = vec!["sync", "--from", &backup, "--to", &vault];
        args.extend_from_slice(flags);
        let out = Command::new(env!("CARGO_BIN_EXE_quotebook"))
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cli = String::from_utf8(out.stdout).unwrap();

        let dry_run = flags.contains(&"--dry-run");
        let mut session = session::start(
            &self.memory,
            Some(("backup.json", &text)),
            settings,
            "2030-01-01T00:00:00.000Z",
        )
        .unwrap();
        let report = if dry_run {
            session.dry_run()
        } else {
            let writes = session.take_writes();
            let left = self.memory.apply(&writes).unwrap();
            let failed: BTreeMap<String, String> = left
                .into_iter()
                .map(|path| (path, "it changed meanwhile; sync again".to_owned()))
                .collect();
            let report = session.finish(&failed);
            for (path, text) in [(STATE_PATH, &report.state), (LIBRARY_PATH, &report.backup)] {
                if let Some(text) = text {
                    self.memory
                        .files
                        .insert(path.to_owned(), text.clone().into_bytes());
                }
            }
            report
        };
        assert_eq!(cli, report.text(), "the CLI and the session differ");
        assert_eq!(self.files(), self.memory.files, "the folders differ");
        cli
    }

    /// Every file in the real folder, by relative path.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        let root = self.temp.path("vault");
        let mut out = BTreeMap::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(&root).unwrap();
                    out.insert(slashed(rel), fs::read(&path).unwrap());
                }
            }
        }
        out
    }

    /// The reader does the same to both folders: `text` at `path`, or `None` to delete it.
    fn reader(&mut self, path: &str, text: Option<&str>) {
        let real = self.temp.path("vault").join(path);
        match text {
            Some(text) => {
                fs::write(&real, text).unwrap();
                self.memory
                    .files
                    .insert(path.to_owned(), text.as_bytes().to_vec());
            }
            None => {
                fs::remove_file(&real).unwrap();
                self.memory.files.remove(path);
            }
        }
    }

    fn text(&self, path: &str) -> String {
        String::from_utf8(self.memory.files[path].clone()).unwrap()
    }
}

fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn the_cli_and_the_session_report_and_write_the_same() {
    let mut t = Twins::new();
    let none = Settings::default();
    let q = |id: &str, text: &str, minute: u32| {
        quote(id, text, &format!("2024-06-05T12:{minute:02}:00.000Z"))
    };
    let mut first = note(
        "https://a.example/1",
        "First: one",
        vec![q("q1", "One.", 1)],
    );
    let mut second = note("https://b.example/2", "Second", vec![q("q2", "Two.", 2)]);
    let out = t.sync(&[first.clone(), second.clone()], &[], &none);
    assert!(out.ends_with("2 created, 0 updated, 0 appended, 0 skipped, 0 conflicts\n"));

    // Nothing changed: nothing written.
    let out = t.sync(&[first.clone(), second.clone()], &[], &none);
    assert!(
        out.contains("0 created, 0 updated, 0 appended, 2 skipped"),
        "{out}"
    );

    // The reader edits one file; both notes gain a quote: an append and a rewrite.
    let edited = format!("{}\nMy own line.\n", t.text("First- one.md"));
    t.reader("First- one.md", Some(&edited));
    first.quotes.push(q("q11", "One more.", 3));
    first.updated = "2024-06-05T12:03:00.000Z".into();
    second.quotes.push(q("q22", "Two more.", 4));
    second.updated = "2024-06-05T12:04:00.000Z".into();
    let out = t.sync(&[first.clone(), second.clone()], &[], &none);
    assert!(out.contains("appended  First- one.md: 1 quote"), "{out}");
    assert!(out.contains("updated   Second.md"), "{out}");

    // A quote of the edited file is deleted: a conflict, shown the same in a dry run.
    first.quotes.remove(0);
    let out = t.sync(&[first.clone(), second.clone()], &["--dry-run"], &none);
    assert!(out.ends_with("; nothing written\n"), "{out}");
    let out = t.sync(&[first.clone(), second.clone()], &[], &none);
    assert!(
        out.contains("conflict  First- one.md: you edited it, and “One.” was deleted"),
        "{out}"
    );
    let keep = Settings {
        keep: Some("./First- one.md".into()),
        ..Settings::default()
    };
    let out = t.sync(
        &[first.clone(), second.clone()],
        &["--keep", "./First- one.md"],
        &keep,
    );
    assert!(
        out.contains("skipped   First- one.md: kept your version"),
        "{out}"
    );

    // The reader deletes a file: it stays deleted until restored.
    t.reader("Second.md", None);
    let out = t.sync(&[first.clone(), second.clone()], &[], &none);
    assert!(out.contains("you deleted it"), "{out}");
    let restore = Settings {
        restore: true,
        ..Settings::default()
    };
    let out = t.sync(&[first.clone(), second.clone()], &["--restore"], &restore);
    assert!(out.contains("created   Second.md: restored"), "{out}");

    // A new note whose name a file of the reader's holds.
    t.reader("Third.md", Some("the reader's own\n"));
    let third = note("https://c.example/3", "Third", vec![q("q3", "Three.", 5)]);
    let out = t.sync(&[first.clone(), second.clone(), third], &[], &none);
    assert!(out.contains("created   Third (2).md"), "{out}");

    // Another pattern and time zone for new notes.
    let third = note("https://d.example/4", "Third", vec![q("q4", "Four.", 6)]);
    let east = Settings {
        pattern: Some("{date}/{title}".into()),
        tz_offset_minutes: 720,
        ..Settings::default()
    };
    let notes = [first, second, third];
    let out = t.sync(
        &notes,
        &["--pattern", "{date}/{title}", "--tz-offset", "720"],
        &east,
    );
    assert!(out.contains("created   2024-06-06/Third.md"), "{out}");
    assert_eq!(t.text("Third.md"), "the reader's own\n");
}
