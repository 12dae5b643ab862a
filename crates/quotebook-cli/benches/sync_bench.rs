//! Export and sync at scale: 10,000 notes, 100,000 quotes (override with
//! `QUOTEBOOK_BENCH_NOTES` and `QUOTEBOOK_BENCH_QUOTES_PER_NOTE`).
//!
//! `cargo bench -p quotebook-cli --bench sync_bench` builds a backup, then times the real
//! `quotebook` binary: a full export to a .zip and to a folder, a first sync, and a re-sync
//! with nothing changed (which must write no file), plus the core's steps in process.
//! Targets (issue 6): full export ≤ 2 s, no-change re-sync ≤ 1 s. Under `cargo test
//! --benches` it runs on 100 notes, as a smoke test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use quotebook_core::library::Library;
use quotebook_core::note::{Note, Quote};
use quotebook_core::sync::render::{LazyNote, sync_note};
use quotebook_core::sync::{Entry, Folder, Options, SyncState, plan};
use quotebook_core::template::{RenderOptions, Templates};

const WORDS: &[&str] = &[
    "systems",
    "scale",
    "coordination",
    "latency",
    "the",
    "of",
    "a",
    "distributed",
    "memory",
    "queue",
    "cache",
    "consistency",
    "failure",
    "and",
    "is",
    "reader",
    "quote",
    "page",
    "note",
    "design",
    "simple",
    "why",
    "how",
    "database",
    "network",
];

/// A small deterministic generator (xorshift), so every run measures the same library.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| WORDS[(self.next() % WORDS.len() as u64) as usize])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn library(notes: usize, quotes_per_note: usize) -> Library {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut library = Library::default();
    for n in 0..notes {
        let url = format!("https://site{}.example/post/{n}", n % 97);
        let created = format!("2024-{:02}-{:02}T12:00:00.000Z", 1 + n % 12, 1 + n % 28);
        let quotes = (0..quotes_per_note)
            .map(|q| {
                let text = format!("{}. {}", rng.words(25), rng.words(15));
                Quote {
                    id: format!("q{n}-{q}"),
                    markdown: format!("{text} [link](https://site.example/{n}/{q})."),
                    text,
                    created: created.clone(),
                    comment: if q % 3 == 0 {
                        rng.words(8)
                    } else {
                        String::new()
                    },
                    ..Quote::default()
                }
            })
            .collect();
        library.notes.push(Note {
            schema: quotebook_core::SCHEMA_VERSION,
            id: url.clone(),
            url,
            title: format!("{} {n}", rng.words(5)),
            created: created.clone(),
            updated: created,
            quotes,
            ..Note::default()
        });
    }
    library
}

fn quotebook(args: &[&str]) -> (Duration, String) {
    let start = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_quotebook"))
        .args(args)
        .env("QUOTEBOOK_TIMINGS", "1")
        .output()
        .expect("run quotebook");
    let elapsed = start.elapsed();
    assert!(
        output.status.success(),
        "quotebook {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in String::from_utf8_lossy(&output.stderr).lines() {
        println!("      {line}");
    }
    (
        elapsed,
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn modified_times(dir: &Path) -> BTreeMap<PathBuf, SystemTime> {
    let mut times = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                times.insert(entry.path(), meta.modified().unwrap());
            }
        }
    }
    times
}

/// An in-process view of the folder, for timing the planner alone.
struct Snapshot(BTreeMap<String, Vec<u8>>);

impl Folder for Snapshot {
    fn read(&self, path: &str) -> Entry {
        self.0
            .get(path)
            .map_or(Entry::Missing, |b| Entry::File(b.clone()))
    }
    fn names(&self, _: &str) -> Vec<String> {
        self.0.keys().cloned().collect()
    }
}

fn ms(d: Duration) -> String {
    format!("{:8.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    // `cargo bench` passes `--bench`; under `cargo test --benches` this is a quick smoke run.
    let full = std::env::args().any(|a| a == "--bench");
    let notes = env("QUOTEBOOK_BENCH_NOTES", if full { 10_000 } else { 100 });
    let per_note = env("QUOTEBOOK_BENCH_QUOTES_PER_NOTE", 10);
    let dir = std::env::temp_dir().join(format!("quotebook-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let backup = dir.join("backup.json");
    let lib = library(notes, per_note);
    let json = lib.to_json();
    std::fs::write(&backup, &json).unwrap();
    println!(
        "library: {notes} notes, {} quotes, backup {:.1} MB",
        notes * per_note,
        json.len() as f64 / 1e6
    );

    // In process: the core's steps.
    let start = Instant::now();
    let parsed = Library::from_json(&json).unwrap();
    println!(
        "core  parse backup                  {}",
        ms(start.elapsed())
    );
    let start = Instant::now();
    let rendered: Vec<_> = parsed
        .notes
        .iter()
        .map(|n| sync_note(n, &Templates::default(), &RenderOptions::default()))
        .collect();
    println!(
        "core  render for sync               {}",
        ms(start.elapsed())
    );
    let empty = Snapshot(BTreeMap::new());
    let start = Instant::now();
    let first = plan(
        &rendered,
        &SyncState::default(),
        &empty,
        &Options::default(),
    );
    println!(
        "core  plan, empty folder            {}",
        ms(start.elapsed())
    );
    let folder = Snapshot(
        first
            .writes
            .iter()
            .map(|w| (w.path.clone(), w.bytes.clone()))
            .collect(),
    );
    let start = Instant::now();
    let again = plan(&rendered, &first.state, &folder, &Options::default());
    println!(
        "core  plan, nothing changed         {}",
        ms(start.elapsed())
    );
    assert!(again.writes.is_empty());
    let (templates, options) = (Templates::default(), RenderOptions::default());
    let start = Instant::now();
    let lazy: Vec<LazyNote> = parsed
        .notes
        .iter()
        .map(|n| LazyNote::new(n, &templates, &options))
        .collect();
    println!(
        "core  source keys (lazy notes)      {}",
        ms(start.elapsed())
    );
    let lazy_first = plan(&lazy, &SyncState::default(), &empty, &Options::default());
    let start = Instant::now();
    let again = plan(&lazy, &lazy_first.state, &folder, &Options::default());
    println!(
        "core  plan lazily, nothing changed  {}",
        ms(start.elapsed())
    );
    assert!(again.writes.is_empty());

    // The binary, end to end.
    let b = backup.to_str().unwrap();
    let zip = dir.join("all.zip");
    let (t, _) = quotebook(&["export", "--from", b, "--to", zip.to_str().unwrap()]);
    println!(
        "cli   export to .zip                {}   ({:.1} MB; target ≤ 2000 ms)",
        ms(t),
        std::fs::metadata(&zip).unwrap().len() as f64 / 1e6
    );
    let out = dir.join("export");
    let (t, _) = quotebook(&["export", "--from", b, "--to", out.to_str().unwrap()]);
    println!("cli   export to a folder            {}", ms(t));
    let synced = dir.join("synced");
    std::fs::create_dir_all(&synced).unwrap();
    let s = synced.to_str().unwrap();
    let (t, _) = quotebook(&["sync", "--from", b, "--to", s]);
    println!("cli   first sync                    {}", ms(t));
    let before = modified_times(&synced);
    // Let a rewrite show in the modification times, even on coarse file systems.
    std::thread::sleep(Duration::from_millis(20));
    let (t, summary) = quotebook(&["sync", "--from", b, "--to", s]);
    let after = modified_times(&synced);
    let unchanged = before == after;
    println!(
        "cli   re-sync, nothing changed      {}   (target ≤ 1000 ms; files rewritten: {})",
        ms(t),
        if unchanged { "none" } else { "SOME" }
    );
    println!("      {}", summary.lines().last().unwrap_or_default());
    assert!(unchanged, "a re-sync with nothing changed wrote files");
    assert!(summary.contains(&format!(
        "0 created, 0 updated, 0 appended, {notes} skipped"
    )));
    if std::env::var_os("QUOTEBOOK_BENCH_KEEP").is_some() {
        println!("kept {}", dir.display());
    } else {
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
