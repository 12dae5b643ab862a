//! `cargo xtask dist`: the store packages, one per browser family, rendered from the one
//! manifest source, and the Firefox builds.
//!
//! - `extension/dist/quotebook-chrome-<version>.zip`: Chrome and Edge (Edge takes the
//!   Chrome package as it is: same manifest, same files), `background.service_worker`,
//!   without the development `key`.
//! - `extension/dist/firefox/`, zipped as `extension/dist/quotebook-firefox-<version>.zip`:
//!   `background.scripts` (the service worker module runs as an event page's module script),
//!   `browser_specific_settings.gecko` (id, minimum version, data collection), without the
//!   keys Firefox does not know.
//! - `extension/dist/firefox-test/`: the Firefox build plus host permission for the test
//!   server and the files of `tests/e2e/firefox/` under `test/` (an extra background script
//!   that opens `test/test.html`, the page the end-to-end tests drive). Never packaged.
//! - `extension/dist/quotebook-<version>-linux-x86_64`: the `quotebook` program (the CLI and
//!   the native host of folder sync), a release build, when `dist` runs on Linux x86_64.
//!   The package limit is the stores'; it does not apply to the program.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, Value, json};

use crate::manifest::{self, Flavour};
use crate::{Result, Stages, build, contents, root, run, setup};

/// The add-on id Firefox knows Quotebook by: native messaging host manifests name it in
/// `allowed_extensions`, and storage and permissions stay with it across updates.
pub const FIREFOX_ID: &str = "quotebook@quotebook";
/// The first Firefox that takes `data_collection_permissions`; older versions refuse to
/// install the package rather than ignore the key.
pub const FIREFOX_MIN_VERSION: &str = "142.0";
/// The most bytes a store package may take (issue 13's limit, per browser): `dist`, and so
/// the package stage of `cargo xtask test`, fails above it.
pub const PACKAGE_LIMIT: u64 = 1000 * 1000;
/// Where the Firefox test build's extra files live in the repository, and in the build.
const FIREFOX_TEST_FILES: &str = "tests/e2e/firefox";
const FIREFOX_TEST_DIR: &str = "test";

/// The top-level manifest keys Firefox knows (MV3); anything else is left out of its
/// build, since `web-ext lint` and the add-on store warn about unknown keys.
const FIREFOX_KEYS: &[&str] = &[
    "action",
    "author",
    "background",
    "browser_specific_settings",
    "chrome_settings_overrides",
    "chrome_url_overrides",
    "commands",
    "content_scripts",
    "content_security_policy",
    "declarative_net_request",
    "default_locale",
    "description",
    "developer",
    "devtools_page",
    "dictionaries",
    "homepage_url",
    "host_permissions",
    "icons",
    "incognito",
    "manifest_version",
    "name",
    "omnibox",
    "optional_host_permissions",
    "optional_permissions",
    "options_page",
    "options_ui",
    "permissions",
    "protocol_handlers",
    "short_name",
    "sidebar_action",
    "storage",
    "theme",
    "user_scripts",
    "version",
    "version_name",
    "web_accessible_resources",
];

/// Chromium permissions Firefox does not have (left out of `permissions` and
/// `optional_permissions`).
const CHROMIUM_ONLY_PERMISSIONS: &[&str] = &[
    "background",
    "debugger",
    "desktopCapture",
    "favicon",
    "fontSettings",
    "offscreen",
    "pageCapture",
    "printing",
    "readingList",
    "sidePanel",
    "system.cpu",
    "system.display",
    "system.memory",
    "system.storage",
    "tabCapture",
    "tts",
    "ttsEngine",
];

/// The packages and builds `dist` renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The Chrome Web Store and Edge Add-ons package.
    Chromium,
    /// The Firefox package (and `extension/dist/firefox/`).
    Firefox,
    /// `extension/dist/firefox-test/`: host permission for the test server, the test files.
    FirefoxTest,
}

/// Renders the manifest source for a store package or a Firefox build.
pub fn render(source: &str, version: &str, target: Target) -> Result<String> {
    let flavour = match target {
        Target::Chromium | Target::Firefox => Flavour::Chrome,
        Target::FirefoxTest => Flavour::ChromeTest,
    };
    let mut manifest: Value = serde_json::from_str(&manifest::render(source, version, flavour)?)
        .map_err(|e| e.to_string())?;
    let object = manifest
        .as_object_mut()
        .ok_or("the rendered manifest is not an object")?;
    // The development key fixes the unpacked build's id; stores sign packages themselves.
    object.remove("key");
    match target {
        Target::Chromium => {
            object.remove("browser_specific_settings");
        }
        Target::Firefox | Target::FirefoxTest => firefox(object, target == Target::FirefoxTest)?,
    }
    let mut text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}

fn firefox(object: &mut Map<String, Value>, test: bool) -> Result<()> {
    object.retain(|key, _| FIREFOX_KEYS.contains(&key.as_str()));
    for list in ["permissions", "optional_permissions"] {
        if let Some(Value::Array(permissions)) = object.get_mut(list) {
            permissions.retain(|p| {
                p.as_str()
                    .is_none_or(|p| !CHROMIUM_ONLY_PERMISSIONS.contains(&p))
            });
        }
    }
    let background = object
        .get_mut("background")
        .and_then(Value::as_object_mut)
        .ok_or("the manifest has no background object")?;
    let worker = background
        .remove("service_worker")
        .ok_or("the manifest's background has no service_worker")?;
    let mut scripts = vec![worker];
    if test {
        scripts.push(json!(format!("{FIREFOX_TEST_DIR}/background.js")));
    }
    // An event page: the same module, loaded as a module script.
    background.insert("scripts".into(), Value::Array(scripts));
    background.insert("type".into(), json!("module"));
    object.insert(
        "browser_specific_settings".into(),
        json!({
            "gecko": {
                "id": FIREFOX_ID,
                "strict_min_version": FIREFOX_MIN_VERSION,
                // Quotebook sends nothing anywhere: notes stay in the browser and in the
                // folder the reader picks.
                "data_collection_permissions": { "required": ["none"] },
            }
        }),
    );
    Ok(())
}

/// `cargo xtask dist`: the build, then the packages, then the program beside them.
pub fn dist() -> Result<()> {
    build::build()?;
    package()?;
    program()
}

/// The program's file name in `extension/dist/`.
pub fn program_name(version: &str) -> String {
    format!("quotebook-{version}-linux-x86_64")
}

/// Builds `quotebook` in release mode and copies it beside the packages, as
/// [`program_name`] says (executable). Only on Linux x86_64: elsewhere it says so and
/// builds nothing, since a cross build needs a linker this crate does not set up.
fn program() -> Result<()> {
    if !(cfg!(target_os = "linux") && cfg!(target_arch = "x86_64")) {
        eprintln!("xtask: the Linux x86_64 program is built on Linux x86_64 only; skipped");
        return Ok(());
    }
    run(crate::cargo().args([
        "build",
        "--release",
        "-p",
        "quotebook-cli",
        "--bin",
        "quotebook",
    ]))?;
    let built = build::target_dir().join("release/quotebook");
    let out = root()
        .join("extension/dist")
        .join(program_name(env!("CARGO_PKG_VERSION")));
    fs::copy(&built, &out)
        .map_err(|e| format!("copy {} → {}: {e}", built.display(), out.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(&out, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let size = fs::metadata(&out).map_err(|e| e.to_string())?.len();
    println!(
        "program: {} {size} bytes ({:.1} MB), the quotebook CLI and native host for Linux x86_64",
        out.strip_prefix(root()).unwrap_or(&out).display(),
        size as f64 / 1e6
    );
    Ok(())
}

/// The Firefox builds and every package, from an existing `extension/dist/chrome/`.
pub fn package() -> Result<()> {
    let root = root();
    let dist = root.join("extension/dist");
    let chrome = dist.join(Flavour::Chrome.dir_name());
    if !chrome.join("manifest.json").is_file() {
        return Err(format!(
            "{} is missing: run `cargo xtask build` first",
            chrome.display()
        ));
    }
    let source = fs::read_to_string(root.join("extension/manifest.json"))
        .map_err(|e| format!("extension/manifest.json: {e}"))?;
    let version = env!("CARGO_PKG_VERSION");

    for (target, name) in [
        (Target::Firefox, "firefox"),
        (Target::FirefoxTest, "firefox-test"),
    ] {
        let out = dist.join(name);
        if out.exists() {
            fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        }
        copy_tree(&chrome, &out, &|p| p != Path::new("manifest.json"))?;
        if target == Target::FirefoxTest {
            copy_tree(
                &root.join(FIREFOX_TEST_FILES),
                &out.join(FIREFOX_TEST_DIR),
                &|_| true,
            )?;
        }
        let manifest = render(&source, version, target)?;
        fs::write(out.join("manifest.json"), manifest)
            .map_err(|e| format!("{}: {e}", out.display()))?;
        eprintln!("xtask: built {}", out.display());
    }

    let packing = std::time::Instant::now();
    let chromium_zip = dist.join(format!("quotebook-chrome-{version}.zip"));
    let chromium_manifest = render(&source, version, Target::Chromium)?;
    zip_dir(&chrome, &chromium_zip, Some(&chromium_manifest), None)?;
    let firefox_zip = dist.join(format!("quotebook-firefox-{version}.zip"));
    // Every file but the manifest is the Chrome package's: its deflated bytes are reused.
    zip_dir(
        &dist.join("firefox"),
        &firefox_zip,
        None,
        Some(&chromium_zip),
    )?;

    eprintln!(
        "xtask: packed both packages in {:.1} s",
        packing.elapsed().as_secs_f64()
    );
    check_sizes(&[
        ("Chrome and Edge", &chromium_zip),
        ("Firefox", &firefox_zip),
    ])
}

/// Prints each browser package's size and fails when any is over [`PACKAGE_LIMIT`]. Only
/// the store packages are given: the program beside them has no such limit.
fn check_sizes(packages: &[(&str, &Path)]) -> Result<()> {
    let root = root();
    let mut over = Vec::new();
    for &(store, zip) in packages {
        let size = fs::metadata(zip)
            .map_err(|e| format!("{}: {e}", zip.display()))?
            .len();
        let verdict = if size <= PACKAGE_LIMIT {
            "within"
        } else {
            over.push(store);
            "OVER"
        };
        println!(
            "package: {} {size} bytes ({:.1} KB, {verdict} the {} KB limit), for {store}",
            zip.strip_prefix(&root).unwrap_or(zip).display(),
            size as f64 / 1000.0,
            PACKAGE_LIMIT / 1000,
        );
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "over the {} KB package limit: {} (the wasm module is most of a package)",
            PACKAGE_LIMIT / 1000,
            over.join(", ")
        ))
    }
}

/// Copies `from` into `to` (created), keeping the files whose path relative to `from`
/// passes `keep`.
fn copy_tree(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<()> {
    for relative in files(from)? {
        if !keep(&relative) {
            continue;
        }
        let target = to.join(&relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::copy(from.join(&relative), &target)
            .map_err(|e| format!("copy into {}: {e}", target.display()))?;
    }
    Ok(())
}

/// Every file under `dir`, relative to it, sorted (so packages come out the same each
/// time); hidden files are left out.
fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let here = dir.join(&relative);
        for entry in fs::read_dir(&here).map_err(|e| format!("{}: {e}", here.display()))? {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = relative.join(&name);
            if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// How the packages' entries are deflated: zip's levels above 9 are Zopfli with `level - 9`
/// iterations. Measured on the wasm module (BENCHMARKS.md, "Package size"): one iteration
/// takes 3.9% off zlib's best level for about 13 s; fifteen take 0.3% more for three times
/// as long.
const ZIP_LEVEL: i64 = 10;

/// Zips `dir` (deflate at [`ZIP_LEVEL`], fixed timestamps, files sorted: the same bytes every
/// time) into `zip`; `manifest`, when given, replaces its `manifest.json`. The entries of the
/// archive `reuse` that hold the same name and bytes are copied as they are, deflated already.
fn zip_dir(dir: &Path, zip: &Path, manifest: Option<&str>, reuse: Option<&Path>) -> Result<()> {
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipArchive, ZipWriter};

    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", zip.display());
    let mut previous = match reuse {
        Some(path) => Some(
            fs::File::open(path)
                .map_err(|e| e.to_string())
                .and_then(|file| ZipArchive::new(file).map_err(|e| e.to_string()))
                .map_err(|e| format!("{}: {e}", path.display()))?,
        ),
        None => None,
    };
    let mut entries = BTreeMap::new();
    for relative in files(dir)? {
        let name = relative
            .iter()
            .map(|part| part.to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = match manifest {
            Some(text) if name == "manifest.json" => text.as_bytes().to_vec(),
            _ => fs::read(dir.join(&relative)).map_err(|e| fail(&e))?,
        };
        entries.insert(name, bytes);
    }
    contents::check(&entries).map_err(|e| fail(&e))?;
    let file = fs::File::create(zip).map_err(|e| fail(&e))?;
    let mut writer = ZipWriter::new(file);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(ZIP_LEVEL))
        .unix_permissions(0o644);
    // Sorted by name: the same order every time.
    for (name, bytes) in entries {
        if let Some(archive) = previous.as_mut()
            && holds(archive, &name, &bytes)
        {
            let entry = archive.by_name_raw(name.as_bytes()).map_err(|e| fail(&e))?;
            writer.raw_copy_file(entry).map_err(|e| fail(&e))?;
            continue;
        }
        writer.start_file(name, options).map_err(|e| fail(&e))?;
        writer.write_all(&bytes).map_err(|e| fail(&e))?;
    }
    writer.finish().map_err(|e| fail(&e))?;
    Ok(())
}

/// Whether `archive` has an entry `name` deflated as this module deflates, holding `bytes`.
fn holds(archive: &mut zip::ZipArchive<fs::File>, name: &str, bytes: &[u8]) -> bool {
    let Ok(mut entry) = archive.by_name(name) else {
        return false;
    };
    let mut held = Vec::with_capacity(bytes.len());
    entry.compression() == zip::CompressionMethod::Deflated
        && entry.size() == bytes.len() as u64
        && std::io::Read::read_to_end(&mut entry, &mut held).is_ok()
        && held == bytes
}

/// The Firefox stages of `cargo xtask test`: the packages and `web-ext lint` (0 errors, 0
/// warnings), then the end-to-end tests in headless Firefox ESR.
pub fn test_stages(report: &mut Stages, built: bool) {
    if !built {
        return;
    }
    let packaged = report.stage("Firefox builds and store packages", package);
    if packaged.is_some() {
        // Its own stage: a lint finding does not hide the end-to-end results.
        report.stage("web-ext lint (Firefox build, warnings as errors)", lint);
    }
    let firefox = report.stage("Firefox ESR", setup_firefox);
    if let (Some(()), Some(firefox)) = (packaged, firefox) {
        report.stage("end-to-end, headless Firefox", || {
            run(Command::new("node")
                .args(["--test", "--test-concurrency=1", "tests/e2e/firefox.mjs"])
                .env("QUOTEBOOK_FIREFOX", firefox))
        });
    }
}

/// `web-ext lint` on the Firefox build, warnings counted as errors.
pub fn lint() -> Result<()> {
    setup::ensure_npm_packages()?;
    let web_ext = root().join("node_modules/.bin/web-ext");
    run(Command::new(web_ext).args([
        "lint",
        "--source-dir",
        "extension/dist/firefox",
        "--warnings-as-errors",
        "--no-config-discovery",
    ]))
}

/// Firefox ESR: `$QUOTEBOOK_FIREFOX`, else `/usr/bin/firefox-esr`, installed from
/// Debian's packages when running as root and missing.
fn setup_firefox() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("QUOTEBOOK_FIREFOX") {
        return Ok(PathBuf::from(path));
    }
    let firefox = PathBuf::from("/usr/bin/firefox-esr");
    if firefox.is_file() {
        return Ok(firefox);
    }
    let hint = format!(
        "install it with: sudo apt-get install -y firefox-esr (or point QUOTEBOOK_FIREFOX at \
         a Firefox {FIREFOX_MIN_VERSION} or later)"
    );
    let root_user = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
    if !root_user {
        return Err(format!("{} is missing: {hint}", firefox.display()));
    }
    eprintln!("xtask: installing firefox-esr from Debian's packages");
    // Waits for another apt run instead of failing on its lock.
    let wait = "DPkg::Lock::Timeout=900";
    run(Command::new("apt-get").args(["-o", wait, "update"]))
        .map_err(|e| format!("{e}\n{hint}"))?;
    run(Command::new("apt-get")
        .args(["-o", wait, "install", "-y", "firefox-esr"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
    .map_err(|e| format!("{e}\n{hint}"))?;
    if firefox.is_file() {
        Ok(firefox)
    } else {
        Err(format!("{} is still missing: {hint}", firefox.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(target: Target) -> Value {
        let source = fs::read_to_string(root().join("extension/manifest.json"))
            .expect("the manifest source");
        serde_json::from_str(&render(&source, "1.2.3", target).unwrap()).unwrap()
    }

    fn from(source: Value, target: Target) -> Value {
        serde_json::from_str(&render(&source.to_string(), "1", target).unwrap()).unwrap()
    }

    fn minimal() -> Value {
        json!({
            "manifest_version": 3,
            "name": "n",
            "minimum_chrome_version": "116",
            "offline_enabled": true,
            "permissions": ["storage", "offscreen", "sidePanel"],
            "optional_permissions": ["nativeMessaging", "downloads"],
            "background": { "service_worker": "background.js", "type": "module" },
        })
    }

    /// The limit is the stores': a package of exactly 1,000,000 bytes passes, one byte
    /// more fails, and the program (never given to `check_sizes`) is not held to it.
    #[test]
    fn the_package_limit_holds_for_browser_packages() {
        let dir = std::env::temp_dir().join(format!("xtask-dist-limit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let (at, over) = (dir.join("at.zip"), dir.join("over.zip"));
        fs::write(&at, vec![0u8; PACKAGE_LIMIT as usize]).unwrap();
        fs::write(&over, vec![0u8; PACKAGE_LIMIT as usize + 1]).unwrap();
        assert_eq!(PACKAGE_LIMIT, 1_000_000);
        assert!(check_sizes(&[("A", &at)]).is_ok());
        let err = check_sizes(&[("A", &at), ("B", &over)]).unwrap_err();
        assert!(err.contains(": B ("), "{err}");
        assert!(program_name("1.2.3").ends_with("linux-x86_64"));
        assert!(!program_name("1.2.3").ends_with(".zip"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn firefox_runs_the_worker_as_an_event_page_module() {
        let m = rendered(Target::Firefox);
        assert_eq!(
            m["background"],
            json!({ "scripts": ["background.js"], "type": "module" })
        );
        let gecko = &m["browser_specific_settings"]["gecko"];
        assert_eq!(gecko["id"], FIREFOX_ID);
        assert_eq!(gecko["strict_min_version"], "142.0");
        assert_eq!(
            gecko["data_collection_permissions"],
            json!({ "required": ["none"] })
        );
        assert_eq!(m["version"], "1.2.3");
        assert!(m.get("host_permissions").is_none());
        for unknown in ["key", "minimum_chrome_version"] {
            assert!(m.get(unknown).is_none(), "{unknown} in {m}");
        }
        let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
        assert!(
            keys.iter().all(|k| FIREFOX_KEYS.contains(&k.as_str())),
            "{keys:?}"
        );
    }

    #[test]
    fn firefox_leaves_out_what_it_does_not_know_and_keeps_optional_permissions() {
        let m = from(minimal(), Target::Firefox);
        assert!(m.get("offline_enabled").is_none());
        assert!(m.get("minimum_chrome_version").is_none());
        assert_eq!(m["permissions"], json!(["storage"]));
        assert_eq!(
            m["optional_permissions"],
            json!(["nativeMessaging", "downloads"])
        );
    }

    #[test]
    fn only_the_firefox_test_build_gets_the_test_host_and_page() {
        let test = rendered(Target::FirefoxTest);
        assert_eq!(
            test["background"]["scripts"],
            json!(["background.js", "test/background.js"])
        );
        assert_eq!(
            test["host_permissions"],
            json!([manifest::TEST_HOST_PERMISSION])
        );
        let shipped = rendered(Target::Firefox);
        assert_eq!(test["permissions"], shipped["permissions"]);
        assert_eq!(
            test["browser_specific_settings"],
            shipped["browser_specific_settings"]
        );
    }

    /// SECURITY.md: both store packages, rendered from the real source, are granted no
    /// host, run no content script, ask for `downloads` and `nativeMessaging` only when the
    /// reader turns folder sync on, for an image's origin only when the reader saves that
    /// image or allows "Fetch images", and for all sites only when the reader turns on the
    /// automatic highlights, and let web pages load the card's page alone (`notifications`
    /// tells of a failed save where no page can show it).
    #[test]
    fn the_store_packages_ask_for_no_host_and_only_optional_sync_permissions() {
        for target in [Target::Chromium, Target::Firefox] {
            let m = rendered(target);
            for key in [
                "host_permissions",
                "content_scripts",
                "externally_connectable",
            ] {
                assert!(m.get(key).is_none(), "{target:?}: {key}");
            }
            assert_eq!(
                m["optional_host_permissions"],
                json!(["http://*/*", "https://*/*", "<all_urls>"]),
                "{target:?}"
            );
            let resources = m["web_accessible_resources"].as_array().unwrap();
            assert_eq!(resources.len(), 1, "{target:?}");
            assert_eq!(resources[0]["resources"], json!(["card/card.html"]));
            let mut permissions: Vec<&str> = m["permissions"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            permissions.sort_unstable();
            assert_eq!(
                permissions,
                [
                    "activeTab",
                    "contextMenus",
                    "notifications",
                    "scripting",
                    "storage",
                    "unlimitedStorage"
                ],
                "{target:?}"
            );
            let mut optional: Vec<&str> = m["optional_permissions"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            optional.sort_unstable();
            assert_eq!(optional, ["downloads", "nativeMessaging"], "{target:?}");
        }
    }

    #[test]
    fn the_chromium_package_has_a_worker_and_no_key() {
        let m = rendered(Target::Chromium);
        assert!(m.get("key").is_none());
        assert!(m.get("host_permissions").is_none());
        assert!(m.get("browser_specific_settings").is_none());
        assert_eq!(m["background"]["service_worker"], "background.js");
        assert!(m["background"].get("scripts").is_none());
        // Everything else is the development build's manifest.
        let mut dev: Value = serde_json::from_str(
            &manifest::render(
                &fs::read_to_string(root().join("extension/manifest.json")).unwrap(),
                "1.2.3",
                Flavour::Chrome,
            )
            .unwrap(),
        )
        .unwrap();
        dev.as_object_mut().unwrap().remove("key");
        assert_eq!(m, dev);
    }

    #[test]
    fn a_source_without_a_worker_is_refused_for_firefox() {
        let mut source = minimal();
        source["background"] = json!({ "page": "b.html" });
        let err = render(&source.to_string(), "1", Target::Firefox).unwrap_err();
        assert!(err.contains("service_worker"), "{err}");
    }

    #[test]
    fn packages_hold_every_file_with_the_given_manifest() {
        let dir = std::env::temp_dir().join(format!("xtask-dist-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src/wasm")).unwrap();
        fs::write(dir.join("src/manifest.json"), "{\"key\":1}").unwrap();
        fs::write(dir.join("src/wasm/m.wasm"), vec![7u8; 10_000]).unwrap();
        fs::write(dir.join("src/.hidden"), "x").unwrap();
        let zip_path = dir.join("out.zip");
        let manifest = "{\"icons\": {\"1\": \"wasm/m.wasm\"}}\n";
        zip_dir(&dir.join("src"), &zip_path, Some(manifest), None).unwrap();

        let mut archive = zip::ZipArchive::new(fs::File::open(&zip_path).unwrap()).unwrap();
        let mut names: Vec<String> = archive
            .file_names()
            .map(|name| name.unwrap().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["manifest.json", "wasm/m.wasm"]);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("manifest.json").unwrap(), &mut text)
            .unwrap();
        assert_eq!(text, manifest);
        let wasm = archive.by_name("wasm/m.wasm").unwrap();
        assert_eq!(wasm.size(), 10_000);
        assert!(wasm.compressed_size() < 1_000, "deflated");
        drop(wasm);
        fs::remove_dir_all(&dir).unwrap();
    }

    /// The extension's sources, as `cargo xtask build` copies them, hold nothing that the
    /// manifest and pages do not load (the build adds the wasm module and its glue).
    #[test]
    fn the_sources_ship_only_what_the_manifest_and_pages_load() {
        let extension = root().join("extension");
        let source = fs::read_to_string(extension.join("manifest.json")).unwrap();
        let mut entries = BTreeMap::new();
        for relative in files(&extension).unwrap() {
            if relative.starts_with("dist") || relative == Path::new("manifest.json") {
                continue;
            }
            let name = relative
                .iter()
                .map(|part| part.to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            entries.insert(name, fs::read(extension.join(&relative)).unwrap());
        }
        for target in [Target::Chromium, Target::Firefox] {
            let mut package = entries.clone();
            package.insert(
                "manifest.json".into(),
                render(&source, "1", target).unwrap().into_bytes(),
            );
            for built in ["wasm/quotebook.js", "wasm/quotebook_bg.wasm"] {
                package.insert(built.into(), Vec::new());
            }
            contents::check(&package).unwrap_or_else(|e| panic!("{target:?}: {e}"));
        }
    }

    /// The same files make the same package, byte for byte; reusing another package's
    /// entries gives the bytes deflating again would, and never a stale entry.
    #[test]
    fn packages_are_reproducible_and_reuse_only_identical_entries() {
        let dir = std::env::temp_dir().join(format!("xtask-dist-same-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let src = dir.join("src");
        fs::create_dir_all(src.join("wasm")).unwrap();
        let manifest =
            |name| format!("{{\"name\":\"{name}\",\"background\":{{\"scripts\":[\"a.js\"]}}}}");
        fs::write(src.join("manifest.json"), manifest("a")).unwrap();
        let script = |n| {
            format!(
                "getURL('wasm/m.wasm');\n{}",
                format!("export const a = {n};\n").repeat(300)
            )
        };
        fs::write(src.join("a.js"), script(1)).unwrap();
        let module: Vec<u8> = (0..20_000u32).map(|i| (i * i % 251) as u8).collect();
        fs::write(src.join("wasm/m.wasm"), &module).unwrap();
        let build = |name: &str, manifest: Option<&str>, reuse: Option<&Path>| {
            let path = dir.join(name);
            zip_dir(&src, &path, manifest, reuse).unwrap();
            fs::read(path).unwrap()
        };
        let first = build("1.zip", None, None);
        assert_eq!(first, build("2.zip", None, None), "the same bytes twice");

        let other = build("other.zip", Some(&manifest("b")), None);
        assert_ne!(other, first);
        let reused = build("reused.zip", None, Some(&dir.join("other.zip")));
        assert_eq!(reused, first, "reuse changes nothing but the time taken");
        // A changed file is deflated again, not copied.
        fs::write(src.join("a.js"), script(2)).unwrap();
        let changed = build("changed.zip", None, Some(&dir.join("1.zip")));
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(changed)).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("a.js").unwrap(), &mut text).unwrap();
        assert_eq!(text, script(2));
        let mut wasm = Vec::new();
        std::io::Read::read_to_end(&mut archive.by_name("wasm/m.wasm").unwrap(), &mut wasm)
            .unwrap();
        assert_eq!(wasm, module);
        fs::remove_dir_all(&dir).unwrap();
    }
}
