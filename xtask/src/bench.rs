//! `cargo xtask bench`: HTML → Markdown speed in headless Chromium, side by side in one run:
//! our wasm `html_to_markdown` against Turndown (with its GFM plugin) and against `htmd`
//! (Rust, html5ever) compiled to wasm at opt-level 3 (`xtask/bench-htmd/`), over every
//! corpus `article.html` (`tests/e2e/bench.mjs` measures and prints). Then the anchoring
//! table (`tests/e2e/anchor-bench.mjs`: quotes found again on changed corpus pages, and
//! the time to read, anchor and paint 50 of them). Then the native
//! criterion benches: run with `--native`, else their commands are printed.

use std::path::PathBuf;
use std::process::Command;

use crate::{Result, build, cargo, root, run, setup};

/// The native benches (criterion), run by `cargo xtask bench --native`.
const NATIVE: [&[&str]; 2] = [
    &["bench", "-p", "quotebook-html", "--bench", "convert"],
    &["bench", "-p", "quotebook-html", "--bench", "fragment"],
];

pub fn bench() -> Result<()> {
    let native = std::env::args().skip(2).any(|a| a == "--native");
    build::build()?;
    let htmd = build_htmd()?;
    let browser = setup::ensure_browser(false)?;
    run(Command::new("node")
        .arg("tests/e2e/bench.mjs")
        .env("QUOTEBOOK_CHROMIUM", &browser.chromium)
        .env("QUOTEBOOK_HTMD_DIR", &htmd))?;
    // The anchoring table: saved quotes found again on changed corpus pages, and the time
    // of 50 quotes read, anchored and painted.
    run(Command::new("node")
        .arg("tests/e2e/anchor-bench.mjs")
        .env("QUOTEBOOK_CHROMIUM", &browser.chromium))?;
    if native {
        for args in NATIVE {
            run(cargo().args(args))?;
        }
    } else {
        println!("\nnative benches (criterion), not run (pass --native to run them):");
        for args in NATIVE {
            println!("  cargo {}", args.join(" "));
        }
    }
    Ok(())
}

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if PathBuf::from(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// Builds `xtask/bench-htmd` for wasm (release, opt-level 3) and its bindings (`--target
/// web`, `htmd.js` and `htmd_bg.wasm`); returns their directory.
fn build_htmd() -> Result<PathBuf> {
    crate::setup::ensure_wasm_target()?;
    let target = target_dir().join("bench-htmd");
    run(cargo()
        .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
        .arg("--manifest-path")
        .arg(root().join("xtask/bench-htmd/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target))?;
    let input = target.join("wasm32-unknown-unknown/release/bench_htmd.wasm");
    let out = target.join("bindgen");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!("xtask: wasm-bindgen --target web {}", input.display());
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .out_name("htmd")
        .typescript(false)
        .web(true)
        .and_then(|b| b.generate(&out))
        .map_err(|e| format!("wasm-bindgen: {e:#}"))?;
    Ok(out)
}
