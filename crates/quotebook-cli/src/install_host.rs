//! `quotebook install-host`: registers `quotebook host` with a browser. It writes
//!
//! - the configuration (`{"folder": DIR}`, see [`crate::host::default_config_path`]);
//! - a launcher script beside it that runs `quotebook host --config FILE` (a browser passes
//!   its own arguments to a host and no others);
//! - the host manifest, where the browser looks for it (Linux and macOS; on Windows the
//!   manifest path goes in the registry, see the README).

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::args::InstallHostArgs;
use crate::host::{HOST_NAME, default_config_path};

/// The unpacked build's id (fixed by the manifest's `key`).
pub const UNPACKED_ID: &str = "dcpofdeomimecllgicmlhifcdaagmphh";
/// The Firefox package's add-on id (`browser_specific_settings.gecko.id`, see xtask).
pub const FIREFOX_ID: &str = "quotebook@quotebook";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Browser {
    Chrome,
    Chromium,
    Edge,
    Firefox,
}

impl Browser {
    /// Where the browser reads host manifests for the current user, under `home`.
    pub fn manifest_dir(self, home: &Path, macos: bool) -> PathBuf {
        let relative = match (self, macos) {
            (Browser::Chrome, false) => ".config/google-chrome/NativeMessagingHosts",
            (Browser::Chromium, false) => ".config/chromium/NativeMessagingHosts",
            (Browser::Edge, false) => ".config/microsoft-edge/NativeMessagingHosts",
            (Browser::Firefox, false) => ".mozilla/native-messaging-hosts",
            (Browser::Chrome, true) => {
                "Library/Application Support/Google/Chrome/NativeMessagingHosts"
            }
            (Browser::Chromium, true) => {
                "Library/Application Support/Chromium/NativeMessagingHosts"
            }
            (Browser::Edge, true) => {
                "Library/Application Support/Microsoft Edge/NativeMessagingHosts"
            }
            (Browser::Firefox, true) => "Library/Application Support/Mozilla/NativeMessagingHosts",
        };
        home.join(relative)
    }
}

/// The host manifest for `browser`, launching `launcher`, open to `ids`.
pub fn manifest(browser: Browser, launcher: &Path, ids: &[String]) -> serde_json::Value {
    let mut manifest = json!({
        "name": HOST_NAME,
        "description": "Quotebook folder sync",
        "path": launcher.to_string_lossy(),
        "type": "stdio",
    });
    if browser == Browser::Firefox {
        manifest["allowed_extensions"] = json!(ids);
    } else {
        let origins: Vec<String> = ids
            .iter()
            .map(|id| format!("chrome-extension://{id}/"))
            .collect();
        manifest["allowed_origins"] = json!(origins);
    }
    manifest
}

/// `quotebook install-host --browser B --folder DIR [--extension-id ID]...
/// [--manifest-dir DIR] [--config FILE]`.
pub fn run(args: InstallHostArgs) -> Result<String, String> {
    let InstallHostArgs {
        browser,
        folder,
        extension_ids: mut ids,
        manifest_dir,
        config,
    } = args;
    let (manifest_dir, config) = (manifest_dir.map(PathBuf::from), config.map(PathBuf::from));
    for id in &ids {
        let valid = match browser {
            // Chromium ids: 32 letters a–p.
            Browser::Firefox => !id.is_empty() && !id.contains(['"', '/', '\\']),
            _ => id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b)),
        };
        if !valid {
            return Err(format!(
                "{id:?} is not a valid extension id for this browser"
            ));
        }
    }
    if ids.is_empty() {
        ids.push(match browser {
            Browser::Firefox => FIREFOX_ID.to_owned(),
            _ => UNPACKED_ID.to_owned(),
        });
    }
    let folder = crate::sync::open_root(&folder, true)?;
    let config = match config {
        Some(path) => path,
        None => default_config_path().ok_or("no home folder: give --config FILE")?,
    };
    let config = absolute(&config)?;
    let config_dir = config.parent().ok_or("the configuration needs a folder")?;
    fs::create_dir_all(config_dir)
        .map_err(|e| format!("cannot create {}: {e}", config_dir.display()))?;
    let settings = json!({"folder": folder.to_string_lossy()});
    write(
        &config,
        &(serde_json::to_string_pretty(&settings).unwrap() + "\n"),
    )?;

    let binary = std::env::current_exe()
        .and_then(fs::canonicalize)
        .map_err(|e| format!("cannot find the quotebook binary: {e}"))?;
    let launcher = config_dir.join("quotebook-host");
    let script = format!(
        "#!/bin/sh\n# Written by `quotebook install-host`: the browser starts this to sync.\nexec {} host --config {} \"$@\"\n",
        shell_quote(&binary.to_string_lossy()),
        shell_quote(&config.to_string_lossy()),
    );
    write(&launcher, &script)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&launcher, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("cannot make {} executable: {e}", launcher.display()))?;
    }

    let manifest_dir = match manifest_dir {
        Some(dir) => dir,
        None => {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .ok_or("no HOME: give --manifest-dir DIR")?;
            browser.manifest_dir(&home, cfg!(target_os = "macos"))
        }
    };
    fs::create_dir_all(&manifest_dir)
        .map_err(|e| format!("cannot create {}: {e}", manifest_dir.display()))?;
    let manifest_path = manifest_dir.join(format!("{HOST_NAME}.json"));
    let text = serde_json::to_string_pretty(&manifest(browser, &launcher, &ids)).unwrap() + "\n";
    write(&manifest_path, &text)?;
    Ok(format!(
        "host manifest: {}\nlauncher:      {}\nconfiguration: {}\nfolder:        {}\n",
        manifest_path.display(),
        launcher.display(),
        config.display(),
        folder.display()
    ))
}

fn absolute(path: &Path) -> Result<PathBuf, String> {
    if path.is_absolute() {
        return Ok(path.to_owned());
    }
    std::env::current_dir()
        .map(|dir| dir.join(path))
        .map_err(|e| format!("cannot resolve {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    crate::sync::atomic_write(path, text.as_bytes(), false, true)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `text` in single quotes for `sh`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_name_origins_or_extension_ids() {
        let ids = vec![UNPACKED_ID.to_owned()];
        let chrome = manifest(Browser::Chrome, Path::new("/x/quotebook-host"), &ids);
        assert_eq!(chrome["name"], HOST_NAME);
        assert_eq!(chrome["path"], "/x/quotebook-host");
        assert_eq!(
            chrome["allowed_origins"][0],
            format!("chrome-extension://{UNPACKED_ID}/")
        );
        assert!(chrome.get("allowed_extensions").is_none());
        let firefox = manifest(Browser::Firefox, Path::new("/x"), &["q@example.org".into()]);
        assert_eq!(firefox["allowed_extensions"][0], "q@example.org");
        assert!(firefox.get("allowed_origins").is_none());
    }

    #[test]
    fn manifest_folders_per_browser_and_system() {
        let home = Path::new("/home/r");
        assert_eq!(
            Browser::Edge.manifest_dir(home, false),
            Path::new("/home/r/.config/microsoft-edge/NativeMessagingHosts")
        );
        assert_eq!(
            Browser::Firefox.manifest_dir(home, false),
            Path::new("/home/r/.mozilla/native-messaging-hosts")
        );
        assert_eq!(
            Browser::Chrome.manifest_dir(home, true),
            Path::new("/home/r/Library/Application Support/Google/Chrome/NativeMessagingHosts")
        );
    }

    #[test]
    fn quoting_for_the_shell() {
        assert_eq!(shell_quote("/a b/it's"), "'/a b/it'\\''s'");
    }
}
