//! `cargo xtask fuzz TARGET SECONDS`: one cargo-fuzz target for a while (nightly), and
//! the test stage that keeps every target compiling on stable.
//!
//! Fuzzing is the one thing here on nightly (cargo-fuzz needs it): everything else builds
//! with the stable release `rust-toolchain.toml` pins. `rustup run TOOLCHAIN cargo`
//! overrides that file, so the fuzz command picks its nightly explicitly ([`ensure_nightly`]).
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
    "backup",
    "image",
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
    let nightly = ensure_nightly()?;
    eprintln!("xtask: fuzzing with {} ({})", nightly.version, nightly.name);
    let mut command = rustup(&["run", &nightly.name, "cargo"]);
    command
        .args(["fuzz", "run", "--sanitizer", "none", target])
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .args(["-timeout=10", "-rss_limit_mb=2048", "-max_len=8192"])
        .arg("-print_final_stats=1")
        .current_dir(fuzz_dir());
    run(&mut command).map_err(|e| {
        format!(
            "{e}\ncargo-fuzz runs as a cargo subcommand of {}; if it is missing: \
             cargo install cargo-fuzz",
            nightly.name
        )
    })
}

/// The nightly toolchain of the fuzz command, and its `rustc -V`.
#[derive(Debug, Clone)]
pub struct Nightly {
    /// What `rustup run` takes: `nightly`, a dated `nightly-YYYY-MM-DD`, or the override.
    pub name: String,
    /// Its `rustc -V`.
    pub version: String,
}

/// The nightly the fuzz targets are known to build and run with, as `rustc -V` prints it.
/// rustup's dated name for it is [`NIGHTLY_DATED`] (the day it was published, the day
/// after the commit's date).
pub const NIGHTLY_EXPECTED: &str = "rustc 1.97.0-nightly (e50aa6fba 2026-05-19)";
/// The same toolchain by its dated name, installed when no nightly is.
pub const NIGHTLY_DATED: &str = "nightly-2026-05-20";
/// Names another toolchain for fuzzing (e.g. `nightly-2026-05-20`).
pub const NIGHTLY_VAR: &str = "QUOTEBOOK_FUZZ_TOOLCHAIN";

/// `rustup` with `args`, free of the toolchain choice of the cargo running xtask (inside
/// `cargo xtask` these variables point at the pinned stable release).
fn rustup(args: &[&str]) -> Command {
    let mut command = Command::new("rustup");
    command.args(args);
    for var in ["RUSTC", "RUSTDOC", "RUSTUP_TOOLCHAIN", "CARGO"] {
        command.env_remove(var);
    }
    command
}

/// The toolchain's `rustc -V`, if it is installed.
fn rustc_version(toolchain: &str) -> Option<String> {
    let out = rustup(&["run", toolchain, "rustc", "-V"]).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Picks the nightly to fuzz with: `$QUOTEBOOK_FUZZ_TOOLCHAIN` when set, else `nightly`
/// when it is [`NIGHTLY_EXPECTED`], else [`NIGHTLY_DATED`] when installed, else `nightly`
/// of another date (with a warning: it may refuse to build the targets), else it installs
/// [`NIGHTLY_DATED`] (minimal profile).
pub fn ensure_nightly() -> Result<Nightly> {
    let hint = format!(
        "fuzzing needs a nightly toolchain ({NIGHTLY_EXPECTED}). Install it with: rustup \
         toolchain install {NIGHTLY_DATED} --profile minimal (and, if `nightly` is another \
         one, set {NIGHTLY_VAR}={NIGHTLY_DATED})"
    );
    let chosen = if let Some(name) = std::env::var_os(NIGHTLY_VAR) {
        let name = name.to_string_lossy().into_owned();
        let version = rustc_version(&name)
            .ok_or_else(|| format!("{NIGHTLY_VAR}={name}: no such toolchain; {hint}"))?;
        Nightly { name, version }
    } else {
        let nightly = rustc_version("nightly");
        let dated = || rustc_version(NIGHTLY_DATED);
        match (nightly, dated()) {
            (Some(version), _) if version == NIGHTLY_EXPECTED => Nightly {
                name: "nightly".into(),
                version,
            },
            (_, Some(version)) => Nightly {
                name: NIGHTLY_DATED.into(),
                version,
            },
            (Some(version), None) => Nightly {
                name: "nightly".into(),
                version,
            },
            (None, None) => {
                eprintln!(
                    "xtask: no nightly toolchain: installing {NIGHTLY_DATED} (minimal \
                     profile) for fuzzing"
                );
                run(&mut rustup(&[
                    "toolchain",
                    "install",
                    NIGHTLY_DATED,
                    "--profile",
                    "minimal",
                ]))
                .map_err(|e| format!("{e}\n{hint}"))?;
                let version = dated().ok_or_else(|| hint.clone())?;
                Nightly {
                    name: NIGHTLY_DATED.into(),
                    version,
                }
            }
        }
    };
    if chosen.version != NIGHTLY_EXPECTED {
        eprintln!(
            "xtask: WARNING: fuzzing with {} ({}), not the nightly the targets are known to \
             build with ({NIGHTLY_EXPECTED}). For the same one: rustup toolchain install \
             {NIGHTLY_DATED} --profile minimal",
            chosen.name, chosen.version
        );
    }
    Ok(chosen)
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
