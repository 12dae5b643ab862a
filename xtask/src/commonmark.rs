//! `cargo xtask commonmark`: the CommonMark 0.31.2 spec's examples as a round trip for the
//! converter (`crates/quotebook-html/tests/commonmark_spec`), with Turndown's and htmd's
//! rates on the same examples beside ours.
//!
//! The spec comes from the npm package `commonmark-spec`, pinned in package-lock.json
//! (its text is CC-BY-SA 4.0: installed, not copied into the repository). Turndown runs
//! under Node (`tests/commonmark/turndown.mjs`) and hands its Markdown to the Rust suite,
//! which judges every converter with the one normaliser.

use std::fs;
use std::process::Command;

use crate::build::target_dir;
use crate::{Result, cargo, root, run, setup};

pub fn commonmark() -> Result<()> {
    setup::ensure_npm_packages()?;
    let spec = root().join("node_modules/commonmark-spec/spec.txt");
    if !spec.is_file() {
        return Err(format!(
            "{} is missing: `npm ci` installs the commonmark-spec package",
            spec.display()
        ));
    }
    let dir = target_dir().join("xtask/commonmark");
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let turndown = dir.join("turndown.json");
    run(Command::new("node")
        .arg("tests/commonmark/turndown.mjs")
        .arg(&turndown))?;
    run(cargo()
        .args(["test", "-p", "quotebook-html", "--test", "commonmark_spec"])
        .env("QUOTEBOOK_COMMONMARK_SPEC", &spec)
        .env("QUOTEBOOK_COMMONMARK_TURNDOWN", &turndown))
}
