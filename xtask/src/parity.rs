//! `cargo xtask parity`: the wasm module under Node against the native converter
//! (`crates/quotebook-html/tests/wasm_parity.rs`), on the built module in
//! `extension/dist/chrome/wasm` (`cargo xtask build` first; `cargo xtask test` runs it
//! right after its build).
//!
//! Its malformed inputs are html5lib-tests' tree-construction files, taken from the
//! source distribution of the Python package `html5lib` 1.1 (which ships them) through
//! pip, unpacked under the target folder: fetched once, never copied into the repository.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use crate::build::target_dir;
use crate::{Result, cargo, root, run};

const HTML5LIB: &str = "html5lib-1.1";

pub fn parity() -> Result<()> {
    let tests = ensure_html5lib_tests()?;
    let wasm = root().join("extension/dist/chrome/wasm");
    if !wasm.join("quotebook_bg.wasm").is_file() {
        return Err(format!(
            "no wasm module in {}: run `cargo xtask build` first",
            wasm.display()
        ));
    }
    run(cargo()
        .args([
            "test",
            "-p",
            "quotebook-html",
            "--test",
            "wasm_parity",
            "--",
            "--nocapture",
        ])
        .env("QUOTEBOOK_WASM_DIR", &wasm)
        .env("QUOTEBOOK_HTML5LIB_TESTS", &tests))
}

/// html5lib-tests' `tree-construction` folder, fetched and unpacked when missing.
fn ensure_html5lib_tests() -> Result<PathBuf> {
    let dir = target_dir().join("xtask/html5lib");
    let tests = dir.join(format!(
        "{HTML5LIB}/html5lib/tests/testdata/tree-construction"
    ));
    if tests.is_dir() {
        return Ok(tests);
    }
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // pip prepares a source distribution's metadata even to download it, and html5lib
    // 1.1's setup.py imports `pkg_resources`, which setuptools 70 and later no longer have.
    let constraints = dir.join("constraints.txt");
    fs::write(&constraints, "setuptools<70\n")
        .map_err(|e| format!("{}: {e}", constraints.display()))?;
    run(Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            "html5lib==1.1",
            "--dest",
        ])
        .arg(&dir)
        .env("PIP_CONSTRAINT", &constraints))
    .map_err(|e| {
        format!(
            "{e}\nThe parity test's malformed inputs come from html5lib 1.1's source \
             distribution: it needs Python 3 with pip (sudo apt-get install -y python3-pip)"
        )
    })?;
    run(Command::new("tar")
        .arg("-xzf")
        .arg(dir.join(format!("{HTML5LIB}.tar.gz")))
        .arg("-C")
        .arg(&dir))?;
    if tests.is_dir() {
        Ok(tests)
    } else {
        Err(format!(
            "{} is not in html5lib 1.1's source distribution",
            tests.display()
        ))
    }
}
