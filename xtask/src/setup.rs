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

/// `rustup target add wasm32-unknown-unknown` for the toolchain running xtask (the one
/// `rust-toolchain.toml` pins) unless `rustup target list --installed` lists it.
pub fn ensure_wasm_target() -> Result<()> {
    let by_hand = format!("rustup target add {WASM_TARGET}");
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| {
            format!("cannot run rustup ({e}): install Rust with rustup, then run: {by_hand}")
        })?;
    if !out.status.success() {
        return Err(format!(
            "rustup target list failed: {}\nRun by hand: {by_hand}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    eprintln!("xtask: adding the {WASM_TARGET} target to the toolchain");
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
        .map_err(|e| format!("{e}\nRun by hand: {by_hand}"))
}

const WASM_TARGET: &str = "wasm32-unknown-unknown";

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
        && root.join("node_modules/.bin/esbuild").exists()
        && root
            .join("node_modules/playwright-core/package.json")
            .exists()
        && root.join("node_modules/commonmark-spec/spec.txt").exists();
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
