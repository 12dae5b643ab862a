//! `cargo xtask metadata`: title, author and date rates of the metadata extractor
//! (`crates/quotebook-core/tests/metadata_rates.rs`) on the development set and the corpus,
//! with a reference extractor's rates on the same pages beside ours.
//!
//! The reference is trafilatura, run by `tests/metadata/reference.py` in a virtual
//! environment under the target folder, with the versions pinned in
//! `tests/metadata/requirements.txt` installed by pip: installed, never copied into the
//! repository. Its findings go to a JSON file that the Rust test scores with the same
//! comparisons as ours (`QUOTEBOOK_METADATA_REFERENCE`); they are printed, not gated.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use crate::build::target_dir;
use crate::{Result, cargo, root, run};

pub fn metadata() -> Result<()> {
    let python = ensure_reference_venv()?;
    let reference = target_dir().join("xtask/metadata-reference/trafilatura.json");
    run(Command::new(&python)
        .arg("tests/metadata/reference.py")
        .arg(&reference))?;
    run(cargo()
        .args([
            "test",
            "-p",
            "quotebook-core",
            "--test",
            "metadata_rates",
            "--",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("QUOTEBOOK_METADATA_REFERENCE", &reference))
}

/// The virtual environment's Python with the pinned requirements installed, set up again
/// when the requirements file changes.
fn ensure_reference_venv() -> Result<PathBuf> {
    let dir = target_dir().join("xtask/metadata-reference");
    let venv = dir.join("venv");
    let python = venv.join("bin/python");
    let requirements = root().join("tests/metadata/requirements.txt");
    let wanted = fs::read_to_string(&requirements)
        .map_err(|e| format!("{}: {e}", requirements.display()))?;
    // A copy of the requirements the environment was built from, written once it was.
    let installed = dir.join("installed-requirements.txt");
    if python.is_file() && fs::read_to_string(&installed).ok().as_deref() == Some(&wanted) {
        return Ok(python);
    }
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let hint = "The reference extractor needs Python 3 with venv and pip \
                (sudo apt-get install -y python3-venv python3-pip)";
    run(Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(&venv))
    .map_err(|e| format!("{e}\n{hint}"))?;
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements))
    .map_err(|e| format!("{e}\n{hint}"))?;
    fs::write(&installed, &wanted).map_err(|e| format!("{}: {e}", installed.display()))?;
    Ok(python)
}
