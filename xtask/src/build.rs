//! `cargo xtask build`: wasm core → wasm-bindgen (`--target web`) → wasm-opt → the unpacked
//! extensions in `extension/dist/<flavour>/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::manifest::{self, Flavour};
use crate::{Result, cargo, root, run, setup};

/// The modules built from `quotebook-wasm`, each emitted as `wasm/<name>.js` and
/// `wasm/<name>_bg.wasm`, with the crate features each needs.
const MODULES: [(&str, &[&str]); 1] = [("quotebook", &[])];
/// wasm-opt's level: its speed passes (`-O3`), since the module is judged by latency, not
/// by its bytes. `cargo xtask measure` prints the sizes `-O` and `-Oz` would give.
const OPT_LEVEL: &str = "-O3";
/// Debug names and tool versions are of no use in the shipped module.
const STRIP: [&str; 2] = ["--strip-debug", "--strip-producers"];
/// The WebAssembly features rustc enables by default for wasm32-unknown-unknown; wasm-opt
/// must accept them (and must not add others).
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
    "--enable-multivalue",
];

#[derive(Debug)]
pub struct Built {
    /// wasm-bindgen's output, before wasm-opt.
    pub bindgen_wasm: PathBuf,
}

pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        }
        None => root().join("target"),
    }
}

pub fn build() -> Result<Built> {
    setup::ensure_wasm_target()?;
    setup::ensure_npm_packages()?;
    let root = root();
    let bindgen_dir = target_dir().join("xtask/bindgen");
    recreate(&bindgen_dir)?;
    let mut optimised = Vec::new();
    for (name, features) in MODULES {
        run(cargo()
            .args([
                "build",
                "-p",
                "quotebook-wasm",
                "--target",
                "wasm32-unknown-unknown",
                "--profile",
                "wasm",
            ])
            .args(features))?;
        // Every module is built to the same artefact: take a copy before the next one.
        let input = target_dir().join(format!("xtask/{name}_input.wasm"));
        copy(
            &target_dir().join("wasm32-unknown-unknown/wasm/quotebook_wasm.wasm"),
            &input,
        )?;
        eprintln!(
            "xtask: wasm-bindgen --target web {} ({name})",
            input.display()
        );
        wasm_bindgen_cli_support::Bindgen::new()
            .input_path(&input)
            .out_name(name)
            // The `.d.ts` is what `tsc` checks the extension's calls against (below).
            .typescript(true)
            // `__wbg_reset_state()`: a fresh instance of the module, which `extension/core.js`
            // takes after a trap (a panic, memory exhausted) left the old one mid-call.
            .reset_state_function(true)
            .web(true)
            .and_then(|b| b.generate(&bindgen_dir))
            .map_err(|e| format!("wasm-bindgen: {e:#}"))?;
        let out = target_dir().join(format!("xtask/{name}_bg.wasm"));
        wasm_opt(
            &bindgen_dir.join(format!("{name}_bg.wasm")),
            &out,
            OPT_LEVEL,
        )?;
        optimised.push((name, out));
    }
    let bindgen_wasm = bindgen_dir.join(format!("{}_bg.wasm", MODULES[0].0));
    // The bindings' types, for `tsc` only (tsconfig.json's `rootDirs` lays them over
    // `extension/`): a renamed binding or argument fails the type check. Not shipped.
    let types = root.join("extension/dist/types/wasm");
    fs::create_dir_all(&types).map_err(|e| format!("{}: {e}", types.display()))?;
    for (name, _) in MODULES {
        copy(
            &bindgen_dir.join(format!("{name}.d.ts")),
            &types.join(format!("{name}.d.ts")),
        )?;
    }

    let dist = root.join("extension/dist");
    let source = fs::read_to_string(root.join("extension/manifest.json"))
        .map_err(|e| format!("extension/manifest.json: {e}"))?;
    for flavour in Flavour::ALL {
        let out = dist.join(flavour.dir_name());
        recreate(&out)?;
        copy_sources(&root.join("extension"), &out)?;
        let wasm_dir = out.join("wasm");
        fs::create_dir_all(&wasm_dir).map_err(|e| format!("{}: {e}", wasm_dir.display()))?;
        for (name, wasm) in &optimised {
            copy(
                &bindgen_dir.join(format!("{name}.js")),
                &wasm_dir.join(format!("{name}.js")),
            )?;
            copy(wasm, &wasm_dir.join(format!("{name}_bg.wasm")))?;
        }
        minify_scripts(&out)?;
        let rendered = manifest::render(&source, env!("CARGO_PKG_VERSION"), flavour)?;
        write(&out.join("manifest.json"), &rendered)?;
        eprintln!("xtask: built {}", out.display());
    }
    for (name, wasm) in &optimised {
        let (raw, gzipped) = sizes(wasm)?;
        println!(
            "wasm {name}: {raw} bytes raw, {gzipped} bytes gzipped after wasm-opt {OPT_LEVEL}"
        );
    }
    Ok(Built { bindgen_wasm })
}

/// Prints the module's size after `-O` and after `-Oz`, side by side.
pub fn compare_opt_levels(built: &Built) -> Result<()> {
    let (raw, gz) = sizes(&built.bindgen_wasm)?;
    println!("wasm size, wasm-bindgen output: {raw} bytes raw, {gz} bytes gzipped");
    for level in ["-O", "-Oz"] {
        let out = built
            .bindgen_wasm
            .with_extension(format!("{}.wasm", &level[1..]));
        wasm_opt(&built.bindgen_wasm, &out, level)?;
        let (raw, gz) = sizes(&out)?;
        println!("wasm size, wasm-opt {level:<3}: {raw} bytes raw, {gz} bytes gzipped");
    }
    Ok(())
}

fn wasm_opt(input: &Path, output: &Path, level: &str) -> Result<()> {
    // The npm package's wasm-opt (binaryen 132): Debian's binaryen 108 breaks the module.
    let wasm_opt = root().join("node_modules/.bin/wasm-opt");
    run(Command::new(&wasm_opt)
        .arg(level)
        .args(STRIP)
        .args(WASM_FEATURES)
        .arg(input)
        .arg("-o")
        .arg(output))
}

/// Raw and `gzip -9` sizes of a file.
pub fn sizes(path: &Path) -> Result<(u64, u64)> {
    let raw = fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip failed on {}", path.display()));
    }
    Ok((raw, out.stdout.len() as u64))
}

/// Copies the extension's sources (everything but the manifest source and `dist/`).
fn copy_sources(from: &Path, to: &Path) -> Result<()> {
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name();
        let path = entry.path();
        if from == root().join("extension") && (name == "dist" || name == "manifest.json") {
            continue;
        }
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            fs::create_dir_all(to.join(&name)).map_err(|e| e.to_string())?;
            copy_sources(&path, &to.join(&name))?;
        } else if name == "messages.json" && from.parent().is_some_and(|p| p.ends_with("_locales"))
        {
            let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let messages =
                shipped_messages(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            write(&to.join(&name), &messages)?;
        } else {
            copy(&path, &to.join(&name))?;
        }
    }
    Ok(())
}

/// A language's `messages.json` as the builds ship it: without the `description` of each
/// message (notes for translators, which browsers never show; every other language repeats
/// the English ones) and without indentation.
fn shipped_messages(source: &str) -> Result<String> {
    let mut messages: serde_json::Value =
        serde_json::from_str(source).map_err(|e| e.to_string())?;
    let entries = messages
        .as_object_mut()
        .ok_or("the messages are not an object")?;
    for (key, entry) in entries.iter_mut() {
        entry
            .as_object_mut()
            .ok_or_else(|| format!("the message {key} is not an object"))?
            .remove("description");
    }
    serde_json::to_string(&messages).map_err(|e| e.to_string())
}

/// Every `.js` file under `dir`, sorted.
fn scripts(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            found.extend(scripts(&path)?);
        } else if path.extension().is_some_and(|e| e == "js") {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// Rewrites the build's scripts without comments and needless whitespace (esbuild's
/// `--minify-whitespace`, file by file): the comments are for the people reading the
/// sources, and they are a good part of the store package's bytes. Nothing else changes:
/// no bundle, no renamed identifier, each file keeps its format (ES module or classic
/// script), so the builds the end-to-end tests load run the same code the packages ship.
fn minify_scripts(dir: &Path) -> Result<()> {
    let files = scripts(dir)?;
    let esbuild = root().join("node_modules/.bin/esbuild");
    eprintln!(
        "xtask: esbuild --minify-whitespace, {} scripts in {}",
        files.len(),
        dir.display()
    );
    let status = Command::new(&esbuild)
        .args(&files)
        .arg("--minify-whitespace")
        .arg(format!("--outdir={}", dir.display()))
        .arg(format!("--outbase={}", dir.display()))
        .args(["--allow-overwrite", "--log-level=warning"])
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot start {}: {e}", esbuild.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("esbuild failed on {} ({status})", dir.display()))
    }
}

fn recreate(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copy {} → {}: {e}", from.display(), to.display()))
}

fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_messages_keep_every_message_and_placeholder_but_no_description() {
        for lang in ["en", "fr", "de", "es", "ja", "zh_CN"] {
            let path = root().join(format!("extension/_locales/{lang}/messages.json"));
            let source = fs::read_to_string(&path).unwrap();
            let shipped = shipped_messages(&source).unwrap();
            assert!(
                shipped.len() < source.len() * 3 / 4,
                "{lang}: {}",
                shipped.len()
            );
            let mut expected: serde_json::Value = serde_json::from_str(&source).unwrap();
            let shipped: serde_json::Value = serde_json::from_str(&shipped).unwrap();
            let entries = expected.as_object_mut().unwrap();
            assert!(entries.values().any(|e| e.get("description").is_some()));
            for entry in entries.values_mut() {
                entry.as_object_mut().unwrap().remove("description");
            }
            assert_eq!(shipped, expected, "{lang}");
            assert!(!shipped.to_string().contains("\"description\""));
        }
        assert!(shipped_messages("[]").is_err());
        assert!(shipped_messages(r#"{"a": "b"}"#).is_err());
    }

    /// The build's scripts lose their comments and indentation but keep their format and
    /// their behaviour: an ES module still imports and exports, a classic script still runs
    /// as one, and both print what they printed before.
    #[test]
    fn minified_scripts_keep_their_format_and_behaviour() {
        setup::ensure_npm_packages().unwrap();
        let dir = std::env::temp_dir().join(format!("xtask-minify-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("sub")).unwrap();
        let module = "// @ts-check\n/** The doubled value. */\nexport function twice(n) {\n    // why\n    return n * 2;\n}\n";
        let main = "import { twice } from './sub/twice.js';\n\n/* a note */\nconst answer = twice(21);\nconsole.log(`answer: ${answer}`, '// not a comment');\n";
        let classic =
            "// a classic script\nvar seen = 'é';\n\nconsole.log(typeof globalThis.seen, seen);\n";
        fs::write(dir.join("sub/twice.js"), module).unwrap();
        fs::write(dir.join("main.mjs.js"), main).unwrap();
        fs::write(dir.join("classic.js"), classic).unwrap();
        fs::write(dir.join("page.html"), "<!-- kept -->\n").unwrap();
        let node =
            |file: &str, module: bool| {
                let out = Command::new("node")
                .arg(if module { "--input-type=module" } else { "--input-type=commonjs" })
                .arg("-e")
                .arg(if module {
                    format!("await import({:?})", dir.join(file).display().to_string())
                } else {
                    format!(
                        "require('vm').runInThisContext(require('fs').readFileSync({:?}, 'utf8'))",
                        dir.join(file).display().to_string()
                    )
                })
                .output()
                .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                String::from_utf8(out.stdout).unwrap()
            };
        let before = (node("main.mjs.js", true), node("classic.js", false));
        assert_eq!(before.0, "answer: 42 // not a comment\n");
        assert_eq!(before.1, "string é\n");

        minify_scripts(&dir).unwrap();
        assert_eq!(
            (node("main.mjs.js", true), node("classic.js", false)),
            before
        );
        let twice = fs::read_to_string(dir.join("sub/twice.js")).unwrap();
        let main_min = fs::read_to_string(dir.join("main.mjs.js")).unwrap();
        for (min, source) in [(&twice, module), (&main_min, main)] {
            assert!(min.len() < source.len() - 20, "{min}");
            assert!(!min.contains("@ts-check") && !min.contains("a note") && !min.contains("why"));
            assert!(!min.contains("\n    "), "{min}");
        }
        assert!(twice.contains("export function twice(n)"), "{twice}");
        assert!(
            main_min.contains("import{twice}from\"./sub/twice.js\""),
            "{main_min}"
        );
        assert_eq!(
            fs::read_to_string(dir.join("page.html")).unwrap(),
            "<!-- kept -->\n"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
