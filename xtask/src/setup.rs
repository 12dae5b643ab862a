//! Installs what the build and the tests need and a fresh machine lacks, or says what to do.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, root, run};

/// The tools of the end-to-end tests.
#[derive(Debug)]
pub struct Browser {
    pub chromium: PathBuf,
    pub xvfb_run: PathBuf,
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn is_root() -> bool {
    output("id", &["-u"]).is_some_and(|uid| uid.trim() == "0")
}

/// A program on `PATH`, if there is one.
fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// `rustup target add wasm32-unknown-unknown` for the toolchain running xtask (stable's
/// wasm build: `xtask/bench-htmd`) unless it is there.
pub fn ensure_wasm_target() -> Result<()> {
    ensure_installed(None, "target", WASM_TARGET)
}

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// `rustup {what} add {name}` (`what`: `component` or `target`) for `toolchain` (`None`:
/// the one running xtask), unless `rustup {what} list --installed` lists it.
fn ensure_installed(toolchain: Option<&str>, what: &str, name: &str) -> Result<()> {
    let rustup_for = |args: &[&str]| match toolchain {
        Some(toolchain) => {
            let mut command = rustup(args);
            command.args(["--toolchain", toolchain]);
            command
        }
        None => {
            let mut command = Command::new("rustup");
            command.args(args);
            command
        }
    };
    let by_hand = format!(
        "rustup {what} add {name}{}",
        toolchain.map_or(String::new(), |t| format!(" --toolchain {t}"))
    );
    let out = rustup_for(&[what, "list", "--installed"])
        .output()
        .map_err(|e| {
            format!("cannot run rustup ({e}): install Rust with rustup, then run: {by_hand}")
        })?;
    if !out.status.success() {
        return Err(format!(
            "rustup {what} list failed: {}
Run by hand: {by_hand}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    // A component's line (`rust-src`) has no target triple; a target's line is the triple.
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == name)
    {
        return Ok(());
    }
    eprintln!(
        "xtask: adding {name} to {}",
        toolchain.unwrap_or("the toolchain")
    );
    run(&mut rustup_for(&[what, "add", name])).map_err(|e| {
        format!(
            "{e}
Run by hand: {by_hand}"
        )
    })
}

/// The nightly toolchain the browser's module is built with (`cargo xtask build`: build-std
/// and `-Cpanic=immediate-abort` are nightly-only), and its `rustc -V`.
#[derive(Debug, Clone)]
pub struct Nightly {
    /// What `rustup run` takes: `nightly`, a dated `nightly-YYYY-MM-DD`, or the override.
    pub name: String,
    /// Its `rustc -V`.
    pub version: String,
}

/// The nightly the module's recorded sizes were measured with (BENCHMARKS.md, "WASM size"),
/// as `rustc -V` prints it. rustup's dated name for it is [`NIGHTLY_DATED`] (the day it was
/// published, the day after the commit's date).
pub const NIGHTLY_EXPECTED: &str = "rustc 1.97.0-nightly (e50aa6fba 2026-05-19)";
/// The same toolchain by its dated name, installed when no nightly is.
pub const NIGHTLY_DATED: &str = "nightly-2026-05-20";
/// Names another toolchain for the wasm build (e.g. `nightly-2026-05-20`).
pub const NIGHTLY_VAR: &str = "QUOTEBOOK_WASM_TOOLCHAIN";

/// `rustup` with `args`, free of the toolchain choice of the cargo running xtask (inside
/// `cargo xtask` these variables point at stable).
pub fn rustup(args: &[&str]) -> Command {
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

/// Picks the nightly of the wasm build and makes sure it has `rust-src` (for build-std) and
/// the wasm32 target, adding them when missing: `$QUOTEBOOK_WASM_TOOLCHAIN` when set, else
/// `nightly` when it is [`NIGHTLY_EXPECTED`], else [`NIGHTLY_DATED`] when installed, else
/// `nightly` of another date (with a warning: it may build a different module, or not
/// accept the flags), else it installs [`NIGHTLY_DATED`] (minimal profile).
pub fn ensure_nightly() -> Result<Nightly> {
    let hint = format!(
        "the browser's wasm module is built with a nightly toolchain ({NIGHTLY_EXPECTED}). \
         Install it with: rustup toolchain install {NIGHTLY_DATED} --profile minimal \
         --component rust-src --target wasm32-unknown-unknown (and, if `nightly` is another \
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
                     profile, rust-src, wasm32-unknown-unknown) for the wasm build"
                );
                run(&mut rustup(&[
                    "toolchain",
                    "install",
                    NIGHTLY_DATED,
                    "--profile",
                    "minimal",
                    "--component",
                    "rust-src",
                    "--target",
                    "wasm32-unknown-unknown",
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
            "xtask: WARNING: the wasm build uses {} ({}), not the nightly its sizes were \
             measured with ({NIGHTLY_EXPECTED}): the module may differ, or the nightly may \
             refuse the flags. For the same one: rustup toolchain install {NIGHTLY_DATED} \
             --profile minimal --component rust-src --target wasm32-unknown-unknown",
            chosen.name, chosen.version
        );
    }
    ensure_nightly_parts(&chosen.name)?;
    Ok(chosen)
}

/// `rust-src` (build-std compiles the standard library from it) and the wasm32 target's
/// prebuilt parts for `toolchain`, each added when missing.
fn ensure_nightly_parts(toolchain: &str) -> Result<()> {
    ensure_installed(Some(toolchain), "component", "rust-src")?;
    ensure_installed(Some(toolchain), "target", WASM_TARGET)
}

/// `npm ci` when `node_modules/` is missing or older than `package-lock.json`.
pub fn ensure_npm_packages() -> Result<()> {
    let root = root();
    if which("node").is_none() || which("npm").is_none() {
        if is_root() {
            apt_install(&["nodejs", "npm"])?;
        } else {
            return Err("Node.js and npm are needed (Node 20 or later): \
                        sudo apt-get install -y nodejs npm"
                .into());
        }
    }
    let installed = root.join("node_modules/.package-lock.json");
    let lock = root.join("package-lock.json");
    let fresh = modified(&installed)
        .zip(modified(&lock))
        .is_some_and(|(i, l)| i >= l)
        && root.join("node_modules/.bin/wasm-opt").exists()
        && root
            .join("node_modules/playwright-core/package.json")
            .exists();
    if fresh {
        return Ok(());
    }
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"])).map_err(|e| {
        format!("{e}\nThe npm packages (binaryen, playwright-core) could not be installed; run `npm ci` in {}", root.display())
    })
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).ok()?.modified().ok()
}

/// Chromium, Python and unzip (and, for the headful tests, Xvfb and xdotool): installed
/// from Debian's packages when running as root and missing.
pub fn ensure_browser(headful: bool) -> Result<Browser> {
    ensure_npm_packages()?;
    let chromium = std::env::var_os("QUOTEBOOK_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let mut missing = Vec::new();
    if !chromium.is_file() {
        missing.push("chromium");
    }
    // The tests read the `.zip` files the extension and dist write with real unzippers.
    for (tool, package) in [("python3", "python3"), ("unzip", "unzip")] {
        if which(tool).is_none() {
            missing.push(package);
        }
    }
    if headful {
        if which("xvfb-run").is_none() {
            missing.push("xvfb");
        }
        if which("xdotool").is_none() {
            missing.push("xdotool");
        }
        if which("xwininfo").is_none() {
            missing.push("x11-utils"); // xwininfo: the tests wait for the native menu with it
        }
    }
    if !missing.is_empty() {
        if !is_root() {
            return Err(format!(
                "missing: {}. Install them with: sudo apt-get install -y {}\n\
                 (or point QUOTEBOOK_CHROMIUM at a Chromium binary)",
                missing.join(", "),
                missing.join(" ")
            ));
        }
        apt_install(&missing)?;
        if !chromium.is_file() {
            return Err(format!(
                "{} is still missing after installing chromium; set QUOTEBOOK_CHROMIUM",
                chromium.display()
            ));
        }
    }
    let xvfb_run = which("xvfb-run").unwrap_or_else(|| PathBuf::from("xvfb-run"));
    Ok(Browser { chromium, xvfb_run })
}

fn apt_install(packages: &[&str]) -> Result<()> {
    eprintln!(
        "xtask: installing {} from Debian's packages",
        packages.join(" ")
    );
    // Waits for another apt run (e.g. an unattended one) instead of failing on its lock.
    let wait = "DPkg::Lock::Timeout=900";
    let hint = || {
        format!(
            "run as root: apt-get update && apt-get install -y {}",
            packages.join(" ")
        )
    };
    run(Command::new("apt-get").args(["-o", wait, "update"]))
        .map_err(|e| format!("{e}\n{}", hint()))?;
    run(Command::new("apt-get")
        .args(["-o", wait, "install", "-y"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
    .map_err(|e| format!("{e}\n{}", hint()))
}
