//! Parity: the WASM module under Node (what the extension runs) and the native converter
//! (what the CLI runs) give byte-identical Markdown, or the same error, for the same HTML
//! and base URL. The cases: every golden input with its base URL, every corpus article,
//! and the malformed inputs of html5lib-tests' tree-construction files, each against a
//! base URL and against `about:blank`.
//!
//! It needs the built module and the html5lib tests, so `cargo test` does not run it by
//! default (`test = false`): `cargo xtask parity` (a stage of `cargo xtask test`, after the
//! wasm build) fetches the tests and runs it with
//! - `QUOTEBOOK_WASM_DIR`: the built module's folder (`extension/dist/chrome/wasm`);
//! - `QUOTEBOOK_HTML5LIB_TESTS`: html5lib-tests' `tree-construction` folder, from a
//!   registry package (never copied into this repository);
//! - `QUOTEBOOK_CORPUS`: the corpus (see `common::corpus`).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

const DEFAULT_BASE: &str = "https://example.com/articles/page.html";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `#data` sections of an html5lib tree-construction file: the lines after `#data`
/// up to the next section header (`#errors`), without the newline that ends the last.
fn dat_inputs(text: &str) -> Vec<String> {
    let mut inputs = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in text.split('\n') {
        if line == "#data" {
            if let Some(lines) = current.take() {
                inputs.push(lines.join("\n"));
            }
            current = Some(Vec::new());
        } else if let Some(lines) = current.as_mut() {
            if line.starts_with("#errors") {
                inputs.push(current.take().unwrap().join("\n"));
            } else {
                lines.push(line);
            }
        }
    }
    inputs
}

#[test]
fn dat_sections_are_read_as_written() {
    let text = "#data\n<p>a\n<b>\n#errors\n(1,1): x\n#document\n| <html>\n\n#data\n\n#errors\n";
    assert_eq!(dat_inputs(text), ["<p>a\n<b>", ""]);
}

/// One case: where it comes from, the HTML, the base URL.
struct Case {
    name: String,
    html: String,
    base: String,
}

fn golden_cases(cases: &mut Vec<Case>) -> usize {
    let golden = root().join("tests/golden");
    let files = common::files_named(&golden, &["input.html"]);
    for file in &files {
        let dir = file.parent().unwrap();
        let base = fs::read_to_string(dir.join("base.txt"))
            .map(|b| b.trim().to_owned())
            .unwrap_or_else(|_| DEFAULT_BASE.to_owned());
        cases.push(Case {
            name: format!("golden {}", dir.strip_prefix(&golden).unwrap().display()),
            html: fs::read_to_string(file).unwrap(),
            base,
        });
    }
    files.len()
}

fn corpus_cases(cases: &mut Vec<Case>) -> usize {
    let Some(corpus) = common::corpus("corpus articles") else {
        return 0;
    };
    let files = common::files_named(&corpus, &["article.html"]);
    for file in &files {
        cases.push(Case {
            name: format!("corpus {}", file.display()),
            html: String::from_utf8_lossy(&fs::read(file).unwrap()).into_owned(),
            base: "http://fakehost/test/page.html".to_owned(),
        });
    }
    files.len()
}

fn html5lib_cases(cases: &mut Vec<Case>) -> usize {
    let dir = std::env::var_os("QUOTEBOOK_HTML5LIB_TESTS")
        .map(PathBuf::from)
        .expect(
            "QUOTEBOOK_HTML5LIB_TESTS is not set: run `cargo xtask parity`, which fetches \
         html5lib-tests and sets it",
        );
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "dat") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(
        files.len() >= 50,
        "{}: {} .dat files",
        dir.display(),
        files.len()
    );
    let mut inputs = Vec::new();
    for file in &files {
        let text = String::from_utf8_lossy(&fs::read(file).unwrap()).into_owned();
        let name = file.strip_prefix(&dir).unwrap().display().to_string();
        inputs.extend(
            dat_inputs(&text)
                .into_iter()
                .enumerate()
                .map(|(i, html)| (format!("{name} #{}", i + 1), html)),
        );
    }
    let count = inputs.len();
    for (name, html) in inputs {
        for base in ["https://example.com/dir/page.html?q#f", "about:blank"] {
            cases.push(Case {
                name: format!("html5lib {name} ({base})"),
                html: html.clone(),
                base: base.to_owned(),
            });
        }
    }
    count
}

fn native(case: &Case) -> Value {
    match quotebook_html::html_to_markdown(&case.html, &case.base) {
        Ok(markdown) => json!({ "ok": markdown }),
        Err(error) => json!({ "err": error.code() }),
    }
}

#[test]
fn the_wasm_module_and_the_native_converter_agree() {
    let wasm_dir = std::env::var_os("QUOTEBOOK_WASM_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("extension/dist/chrome/wasm"));
    assert!(
        wasm_dir.join("quotebook_bg.wasm").is_file(),
        "no module in {}: run `cargo xtask build` first (or set QUOTEBOOK_WASM_DIR)",
        wasm_dir.display()
    );
    let mut cases = Vec::new();
    let golden = golden_cases(&mut cases);
    let corpus = corpus_cases(&mut cases);
    let html5lib = html5lib_cases(&mut cases);
    assert!(golden >= 20, "{golden} golden inputs");

    let work = std::env::temp_dir().join(format!("quotebook-parity-{}", std::process::id()));
    fs::create_dir_all(&work).unwrap();
    let cases_path = work.join("cases.json");
    let out_path = work.join("wasm.json");
    let pairs: Vec<[&str; 2]> = cases.iter().map(|c| [&*c.html, &*c.base]).collect();
    fs::write(&cases_path, serde_json::to_string(&pairs).unwrap()).unwrap();
    let status = Command::new("node")
        .arg(root().join("tests/parity/wasm-convert.mjs"))
        .arg(&wasm_dir)
        .arg(&cases_path)
        .arg(&out_path)
        .status()
        .expect("node (Node.js 20 or later) runs the module");
    assert!(status.success(), "node: {status}");
    let wasm: Vec<Value> = serde_json::from_str(&fs::read_to_string(&out_path).unwrap()).unwrap();
    fs::remove_dir_all(&work).unwrap();
    assert_eq!(wasm.len(), cases.len());

    let mut differ = Vec::new();
    for (case, wasm) in cases.iter().zip(&wasm) {
        let native = native(case);
        if native != *wasm {
            differ.push(format!(
                "{}\n  html:   {:?}\n  native: {native}\n  wasm:   {wasm}",
                case.name,
                case.html.chars().take(300).collect::<String>()
            ));
        }
    }
    println!(
        "{} cases ({golden} golden inputs, {corpus} corpus articles, {html5lib} html5lib \
         inputs × 2 base URLs): {} differ",
        cases.len(),
        differ.len()
    );
    assert!(
        differ.is_empty(),
        "{} of {} cases differ between the wasm module and the native converter:\n{}",
        differ.len(),
        cases.len(),
        differ[..differ.len().min(20)].join("\n")
    );
}
