//! Shared by the CLI's integration tests: a scratch folder and a note to put in it.
#![allow(dead_code)]

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use quotebook_core::note::{Note, Quote};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh folder, removed when dropped.
pub struct Temp(pub PathBuf);

impl Temp {
    /// A new empty folder named after `what`, this process and a counter.
    pub fn new(what: &str) -> Temp {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("quotebook-{what}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Temp(dir)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// `path(rel)` as a string, for a command line.
    pub fn s(&self, rel: &str) -> String {
        self.path(rel).to_str().unwrap().to_owned()
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A note whose id is its URL, created and updated at one fixed time.
pub fn note(id: &str, title: &str, quotes: Vec<Quote>) -> Note {
    Note {
        schema: quotebook_core::SCHEMA_VERSION,
        id: id.into(),
        url: id.into(),
        title: title.into(),
        created: "2024-06-05T12:00:00.000Z".into(),
        updated: "2024-06-05T12:00:00.000Z".into(),
        quotes,
        ..Note::default()
    }
}

/// Runs `quotebook` with `args`: whether it succeeded, its standard output and error.
pub fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_quotebook"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
