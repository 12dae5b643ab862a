//! `cargo xtask fuzz TARGET SECONDS`: one cargo-fuzz target for a while (nightly), and
//! the test stage that keeps every target compiling on stable.
//!
//! The fuzz crate is a workspace of its own (`fuzz/`, excluded from the main one): its
//! targets need nightly to run, but `cargo check` builds them on stable, so a change in
//! the core that breaks a target fails `cargo xtask test` rather than the next fuzzing
//! session.

use std::path::PathBuf;
use std::process::Command;

use crate::{Result, cargo, root, run};

/// The targets, as `fuzz/Cargo.toml` lists them.
pub const TARGETS: &[&str] = &[
    "convert",
    "tokenizer",
    "template",
    "metadata",
    "planner",
    "note",
];

/// Runs `target` for `seconds` with the nightly toolchain, its corpus in
/// `fuzz/corpus/TARGET` (not committed) and crashes in `fuzz/artifacts/TARGET`.
pub fn fuzz(args: &[String]) -> Result<()> {
    let usage = || {
        format!(
            "usage: cargo xtask fuzz TARGET SECONDS (targets: {})",
            TARGETS.join(", ")
        )
    };
    let [target, seconds] = args else {
        return Err(usage());
    };
    if !TARGETS.contains(&target.as_str()) {
        return Err(usage());
    }
    let seconds: u64 = seconds.parse().map_err(|_| usage())?;
    let mut command = Command::new("cargo");
    command
        .args(["+nightly", "fuzz", "run", "--sanitizer", "none", target])
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .args(["-timeout=10", "-rss_limit_mb=2048", "-max_len=8192"])
        .arg("-print_final_stats=1")
        .current_dir(fuzz_dir());
    // Inside `cargo xtask` these point at the stable toolchain; rustup picks nightly only
    // without them.
    for var in ["RUSTC", "RUSTDOC", "RUSTUP_TOOLCHAIN", "CARGO"] {
        command.env_remove(var);
    }
    run(&mut command)
}

fn fuzz_dir() -> PathBuf {
    root().join("fuzz")
}

/// `cargo check` of every fuzz target on stable, and their formatting.
pub fn check() -> Result<()> {
    let manifest = fuzz_dir().join("Cargo.toml");
    let manifest = manifest.to_str().ok_or("a non-UTF-8 path")?;
    run(cargo().args(["fmt", "--manifest-path", manifest, "--check"]))?;
    run(cargo().args(["check", "--manifest-path", manifest, "--bins", "--locked"]))
}
