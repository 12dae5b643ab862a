//! `cargo xtask`: the steps cargo cannot do alone (see README.md).
//!
//! - `build`   the wasm core, its JS bindings, and the unpacked extensions in `extension/dist/`
//! - `demo`    build, then save a passage of a bundled article in headless Chromium
//! - `test`    fmt, clippy, Rust tests, the build, and the end-to-end tests in Chromium
//! - `measure` wasm sizes and click-to-saved latency (warm and cold service worker)
//! - `bench`   HTML → Markdown speed in Chromium: ours against Turndown and htmd; the
//!   anchoring table (saved quotes found again on changed pages)
//! - `icons`   the PNG icons from their SVG source
//! - `fuzz`    one cargo-fuzz target for a number of seconds (nightly)
//! - `parity`  the wasm module under Node against the native converter (after `build`)
//! - `commonmark` the CommonMark spec's examples round-tripped (ours, Turndown, htmd)
//! - `metadata` title, author and date rates on the development set and the corpus
//!
//! Each command installs what it needs and is missing (the wasm target, the npm packages,
//! Chromium, Xvfb and xdotool when running as root), or says what to do.

mod bench;
mod build;
mod commonmark;
mod contents;
mod dist;
mod fuzz;
mod icons;
mod manifest;
mod metadata;
mod parity;
mod setup;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

pub type Result<T, E = String> = std::result::Result<T, E>;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  build     build the wasm core and the unpacked extensions into extension/dist/
  demo      build, then save a passage of a sample article in headless Chromium
            and print the note (also written under demo-out/)
  test      cargo fmt --check, clippy, cargo test, the build, the end-to-end tests
            (headless Chromium, then headful Chromium under Xvfb driven with xdotool)
  measure   wasm size (raw, gzipped; -O vs -Oz) and click-to-saved latency with a
            warm and a cold service worker
  icons     render docs/icon/quotebook.svg into extension/icons/icon-{16,32,48,128}.png
            (a test fails while they differ)
  dist      build, then the store packages (Chrome and Edge, Firefox) with their sizes,
            and the Firefox builds in extension/dist/firefox{,-test}/
  bench     HTML to Markdown speed in headless Chromium over the corpus: our wasm
            against Turndown and htmd (wasm), interleaved; then the anchoring
            table (quotes found again on changed corpus pages, 50 quotes read,
            anchored and painted); --native also runs the criterion benches
  fuzz TARGET SECONDS
            run one cargo-fuzz target (convert, tokenizer, template, metadata,
            planner, note, backup, image) for SECONDS with the nightly toolchain; `test` checks
            that every target still compiles on stable
  parity    the built wasm module (under Node) and the native converter give the
            same Markdown for every golden case, corpus article and html5lib-tests
            tree-construction input (fetched once into the target folder)
  commonmark
            the CommonMark 0.31.2 spec's examples as selections, converted and
            rendered back: prints the rates (ours, htmd, Turndown) and fails below
            99% same structure, 100% same text, no raw HTML
  metadata  title, author and date rates of the metadata extractor on the development
            set (tests/metadata-dev, its held-out part apart) and on the corpus;
            fails below the counts reached so far, printing the gap to the goals;
            prints trafilatura's rates on the same pages (pinned, installed by pip
            into a venv in the target folder); `test` runs it without trafilatura

environment:
  QUOTEBOOK_CHROMIUM   the Chromium binary (default /usr/bin/chromium)
  CARGO_TARGET_DIR     honoured like cargo does";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let started = Instant::now();
    let result = match args.first().map(String::as_str) {
        Some("build") => build::build().map(|_| ()),
        Some("demo") => demo(),
        Some("test") => test(),
        Some("measure") => measure(),
        Some("dist") => dist::dist(),
        Some("icons") => icons::icons(),
        Some("bench") => bench::bench(),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("parity") => parity::parity(),
        Some("commonmark") => commonmark::commonmark(),
        Some("metadata") => metadata::metadata(),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => {
            eprintln!("xtask: done in {:.1} s", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

/// Runs a command from the workspace root, echoing it; fails when it fails.
pub fn run(command: &mut Command) -> Result<()> {
    eprintln!("xtask: $ {}", describe(command));
    let status = command
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot start {}: {e}", describe(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", describe(command)))
    }
}

fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `cargo`, the very one running us.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn node(script_and_args: &[&str]) -> Command {
    let mut command = Command::new("node");
    command.args(script_and_args);
    command
}

fn demo() -> Result<()> {
    build::build()?;
    let browser = setup::ensure_browser(false)?;
    run(node(&["tests/e2e/demo.mjs"]).env("QUOTEBOOK_CHROMIUM", browser.chromium))
}

/// The stages of `cargo xtask test`, run in order; a failing check does not hide the
/// results of the others (only the end-to-end tests need the build to have succeeded).
/// Fails at the end when any stage failed, after a summary.
fn test() -> Result<()> {
    let mut report = Stages::default();
    report.stage("cargo fmt --check", || {
        run(cargo().args(["fmt", "--all", "--check"]))
    });
    report.stage("cargo clippy", || {
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    });
    report.stage("cargo test", || {
        run(cargo().args(["test", "--workspace", "--no-fail-fast"]))
    });
    report.stage(
        "CommonMark spec round trip (converter)",
        commonmark::commonmark,
    );
    report.stage("fuzz targets compile (stable cargo check)", fuzz::check);
    let built = report.stage("wasm build and extension", || build::build().map(|_| ()));
    if built.is_some() {
        report.stage(
            "parity: the wasm module under Node and the native converter",
            parity::parity,
        );
        report.stage("type-check the extension (tsc --noEmit)", typecheck);
    }
    let browser = report.stage("Chromium, Xvfb, xdotool", || setup::ensure_browser(true));
    if let (Some(()), Some(browser)) = (built, browser) {
        report.stage("end-to-end, headless Chromium", || {
            let suites = e2e_suites(false)?;
            let mut args = vec!["--test", "--test-concurrency=1"];
            args.extend(suites.iter().map(String::as_str));
            run(node(&args).env("QUOTEBOOK_CHROMIUM", &browser.chromium))
        });
        report.stage(
            "end-to-end, headful Chromium under Xvfb, as a user would",
            || {
                let suites = e2e_suites(true)?;
                let mut args = vec!["node", "--test", "--test-concurrency=1"];
                args.extend(suites.iter().map(String::as_str));
                run(&mut xvfb(&browser, &args))
            },
        );
    }
    dist::test_stages(&mut report, built.is_some());
    report.finish()
}

/// `tsc` over the extension's JavaScript (tsconfig.json), against the bindings' types the
/// wasm build writes: a renamed field or binding fails here, not in a reader's save.
fn typecheck() -> Result<()> {
    setup::ensure_npm_packages()?;
    run(Command::new(root().join("node_modules/.bin/tsc"))
        .args(["-p", ".", "--noEmit"])
        .current_dir(root()))
}

/// Stage results of `cargo xtask test`.
#[derive(Default)]
struct Stages {
    results: Vec<(String, Option<String>, f64)>,
}

impl Stages {
    fn stage<T>(&mut self, name: &str, body: impl FnOnce() -> Result<T>) -> Option<T> {
        eprintln!("\nxtask: ===== {name} =====");
        let started = Instant::now();
        let result = body();
        let seconds = started.elapsed().as_secs_f64();
        match result {
            Ok(value) => {
                self.results.push((name.to_owned(), None, seconds));
                Some(value)
            }
            Err(error) => {
                eprintln!("xtask: {name}: FAILED: {error}");
                self.results.push((name.to_owned(), Some(error), seconds));
                None
            }
        }
    }

    fn finish(self) -> Result<()> {
        eprintln!("\nxtask: ===== summary =====");
        for (name, error, seconds) in &self.results {
            let status = if error.is_some() { "FAILED" } else { "ok" };
            eprintln!("xtask: {status:>6}  {seconds:>6.1} s  {name}");
        }
        let failed: Vec<&str> = self
            .results
            .iter()
            .filter(|r| r.1.is_some())
            .map(|r| r.0.as_str())
            .collect();
        if failed.is_empty() {
            Ok(())
        } else {
            Err(format!("failed: {}", failed.join("; ")))
        }
    }
}

/// The `tests/e2e/*.test.mjs` suites, sorted: the headful ones (`headful*`, which need a
/// display) or all the others.
fn e2e_suites(headful: bool) -> Result<Vec<String>> {
    let dir = root().join("tests/e2e");
    let mut suites: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.mjs") && name.starts_with(HEADFUL_PREFIX) == headful)
        .map(|name| format!("tests/e2e/{name}"))
        .collect();
    suites.sort();
    Ok(suites)
}

/// The suites that run headful Chromium under Xvfb, as a user would.
const HEADFUL_PREFIX: &str = "headful";

fn measure() -> Result<()> {
    let built = build::build()?;
    build::compare_opt_levels(&built)?;
    let browser = setup::ensure_browser(true)?;
    run(&mut xvfb(&browser, &["node", "tests/e2e/measure.mjs"]))
}

/// A command run under a fresh virtual X server (`xvfb-run -a`), with the screen size the
/// headful tests expect.
fn xvfb(browser: &setup::Browser, command: &[&str]) -> Command {
    let mut xvfb = Command::new(&browser.xvfb_run);
    xvfb.args(["-a", "-s", "-screen 0 1280x1024x24 -nolisten tcp"])
        .args(command)
        .env("QUOTEBOOK_CHROMIUM", &browser.chromium);
    xvfb
}
