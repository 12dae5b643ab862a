//! `quotebook install-host`: registers `quotebook host` with a browser. It writes
//!
//! - the configuration (`{"folder": DIR}`, see [`crate::host::default_config_path`]);
//! - a launcher script beside it that runs `quotebook host --config FILE` (a browser passes
//!   its own arguments to a host and no others);
//! - the host manifest, where the browser looks for it (Linux and macOS; on Windows the
//!   manifest path goes in the registry, see the README).
//!
//! The manifest lets in only the extension ids the reader names; the development build's
//! id, which anyone can claim (its key is in the repository), only with `--dev`. Each file
//! is written with its mode set whatever the umask (the launcher 0755, the manifest 0644,
//! the configuration 0600), in folders that no other user can write to, checked up to the
//! root: another user who could change them could point the browser at their own program.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::args::InstallHostArgs;
use crate::host::{HOST_NAME, default_config_path};

/// The development build's id: the unpacked Chromium build's, fixed by the manifest's
/// `key`, whose public half is in the repository, so that any unpacked extension can
/// claim it. Allowed only with `--dev`.
pub const DEV_ID: &str = "dcpofdeomimecllgicmlhifcdaagmphh";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Browser {
    Chrome,
    Chromium,
    Edge,
    Firefox,
}

impl Browser {
    /// Where the browser reads host manifests for the current user, under `home`. On
    /// Linux, Chrome, Chromium and Edge keep their profiles, and read host manifests, in
    /// `$XDG_CONFIG_HOME` (`config_home`) when it is set, as the host's configuration does;
    /// Firefox keeps to `~/.mozilla`.
    pub fn manifest_dir(self, home: &Path, config_home: Option<&Path>, macos: bool) -> PathBuf {
        let relative = match (self, macos) {
            (Browser::Chrome, false) => "google-chrome/NativeMessagingHosts",
            (Browser::Chromium, false) => "chromium/NativeMessagingHosts",
            (Browser::Edge, false) => "microsoft-edge/NativeMessagingHosts",
            (Browser::Firefox, false) => return home.join(".mozilla/native-messaging-hosts"),
            (Browser::Chrome, true) => {
                return home.join("Library/Application Support/Google/Chrome/NativeMessagingHosts");
            }
            (Browser::Chromium, true) => {
                return home.join("Library/Application Support/Chromium/NativeMessagingHosts");
            }
            (Browser::Edge, true) => {
                return home
                    .join("Library/Application Support/Microsoft Edge/NativeMessagingHosts");
            }
            (Browser::Firefox, true) => {
                return home.join("Library/Application Support/Mozilla/NativeMessagingHosts");
            }
        };
        match config_home {
            Some(config) if config.is_absolute() => config.join(relative),
            _ => home.join(".config").join(relative),
        }
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

/// `quotebook install-host --browser B --folder DIR --extension-id ID... [--dev]
/// [--manifest-dir DIR] [--config FILE]`.
pub fn run(args: InstallHostArgs) -> Result<String, String> {
    let InstallHostArgs {
        browser,
        folder,
        extension_ids: ids,
        dev,
        manifest_dir,
        config,
    } = args;
    let (manifest_dir, config) = (manifest_dir.map(PathBuf::from), config.map(PathBuf::from));
    check_ids(browser, &ids, dev)?;
    let folder = crate::sync::open_root(&folder, true)?;
    let config = match config {
        Some(path) => path,
        None => default_config_path().ok_or("no home folder: give --config FILE")?,
    };
    let config = absolute(&config)?;
    let config_dir = config.parent().ok_or("the configuration needs a folder")?;
    private_folder(config_dir)?;
    let settings = json!({"folder": folder.to_string_lossy()});
    write(
        &config,
        &(serde_json::to_string_pretty(&settings).unwrap() + "\n"),
        0o600,
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
    write(&launcher, &script, 0o755)?;

    let manifest_dir = match manifest_dir {
        Some(dir) => absolute(&dir)?,
        None => {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .ok_or("no HOME: give --manifest-dir DIR")?;
            let config_home = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from);
            browser.manifest_dir(&home, config_home.as_deref(), cfg!(target_os = "macos"))
        }
    };
    private_folder(&manifest_dir)?;
    let manifest_path = manifest_dir.join(format!("{HOST_NAME}.json"));
    let text = serde_json::to_string_pretty(&manifest(browser, &launcher, &ids)).unwrap() + "\n";
    write(&manifest_path, &text, 0o644)?;
    Ok(format!(
        "host manifest: {}\nlauncher:      {}\nconfiguration: {}\nfolder:        {}\nallowed:       {}\n",
        manifest_path.display(),
        launcher.display(),
        config.display(),
        folder.display(),
        ids.join(", ")
    ))
}

/// Every id well formed for `browser`; the development build's only with `dev`.
fn check_ids(browser: Browser, ids: &[String], dev: bool) -> Result<(), String> {
    if ids.is_empty() {
        return Err("name the extension with --extension-id ID (the options page shows it)".into());
    }
    for id in ids {
        let valid = match browser {
            Browser::Firefox => !id.is_empty() && !id.contains(['"', '/', '\\']),
            // Chromium ids: 32 letters a–p.
            _ => id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b)),
        };
        if !valid {
            return Err(format!(
                "{id:?} is not a valid extension id for this browser"
            ));
        }
        if id == DEV_ID && !dev {
            return Err(format!(
                "{id} is the development build's id, which any unpacked extension can claim \
                 (its key is public): add --dev to allow it anyway"
            ));
        }
    }
    Ok(())
}

fn absolute(path: &Path) -> Result<PathBuf, String> {
    if path.is_absolute() {
        return Ok(path.to_owned());
    }
    std::env::current_dir()
        .map(|dir| dir.join(path))
        .map_err(|e| format!("cannot resolve {}: {e}", path.display()))
}

/// Makes `dir` (and the folders above it) if missing, private to its owner when made, and
/// checks that no other user can change what is in it.
fn private_folder(dir: &Path) -> Result<(), String> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o755);
    builder
        .create(dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    #[cfg(unix)]
    {
        let real =
            fs::canonicalize(dir).map_err(|e| format!("cannot open {}: {e}", dir.display()))?;
        for folder in real.ancestors() {
            let meta = fs::symlink_metadata(folder)
                .map_err(|e| format!("cannot check {}: {e}", folder.display()))?;
            if let Some(why) = others_can_write(&meta) {
                return Err(format!(
                    "{} {why}: another user could replace the host's files there (make it \
                     writable by you only, e.g. chmod go-w, or choose another folder)",
                    folder.display()
                ));
            }
        }
    }
    Ok(())
}

/// Why a user other than this one (or root) could change a file, or what a folder holds:
/// its owner, or write permission for its group or everyone. A folder with the sticky bit
/// (`/tmp`) lets others add entries but not replace ours, and passes.
#[cfg(unix)]
pub fn others_can_write(meta: &fs::Metadata) -> Option<String> {
    use std::os::unix::fs::MetadataExt as _;
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Some(format!("belongs to another user (uid {})", meta.uid()));
    }
    let sticky = meta.is_dir() && meta.mode() & 0o1000 != 0;
    if meta.mode() & 0o022 != 0 && !sticky {
        return Some(format!(
            "is writable by other users (mode {:o})",
            meta.mode() & 0o7777
        ));
    }
    None
}

/// Writes `text` to `path` atomically, with exactly `mode` (the umask aside): a temporary
/// file beside it, made with that mode, flushed, then renamed into place.
fn write(path: &Path, text: &str, mode: u32) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let dir = path.parent().ok_or("no parent folder")?;
    let name = path.file_name().ok_or("no file name")?.to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.quotebook-tmp", std::process::id()));
    let _ = fs::remove_file(&tmp);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    let result = options.open(&tmp).and_then(|mut file| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            file.set_permissions(fs::Permissions::from_mode(mode))?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(fail)
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
        let ids = vec![DEV_ID.to_owned()];
        let chrome = manifest(Browser::Chrome, Path::new("/x/quotebook-host"), &ids);
        assert_eq!(chrome["name"], HOST_NAME);
        assert_eq!(chrome["path"], "/x/quotebook-host");
        assert_eq!(
            chrome["allowed_origins"][0],
            format!("chrome-extension://{DEV_ID}/")
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
            Browser::Edge.manifest_dir(home, None, false),
            Path::new("/home/r/.config/microsoft-edge/NativeMessagingHosts")
        );
        assert_eq!(
            Browser::Firefox.manifest_dir(home, None, false),
            Path::new("/home/r/.mozilla/native-messaging-hosts")
        );
        assert_eq!(
            Browser::Chrome.manifest_dir(home, None, true),
            Path::new("/home/r/Library/Application Support/Google/Chrome/NativeMessagingHosts")
        );
        // $XDG_CONFIG_HOME moves the Chromium family's profiles, not Firefox's, and a
        // relative one is ignored, as the XDG rules say.
        let xdg = Some(Path::new("/cfg"));
        assert_eq!(
            Browser::Chromium.manifest_dir(home, xdg, false),
            Path::new("/cfg/chromium/NativeMessagingHosts")
        );
        assert_eq!(
            Browser::Firefox.manifest_dir(home, xdg, false),
            Path::new("/home/r/.mozilla/native-messaging-hosts")
        );
        assert_eq!(
            Browser::Chrome.manifest_dir(home, Some(Path::new("cfg")), false),
            Path::new("/home/r/.config/google-chrome/NativeMessagingHosts")
        );
        assert_eq!(
            Browser::Chrome.manifest_dir(home, xdg, true),
            Path::new("/home/r/Library/Application Support/Google/Chrome/NativeMessagingHosts")
        );
    }

    #[test]
    fn only_named_ids_and_the_development_one_only_with_dev() {
        let store = "abcdefghijklmnopabcdefghijklmnop".to_owned();
        assert!(check_ids(Browser::Chrome, std::slice::from_ref(&store), false).is_ok());
        assert!(check_ids(Browser::Chrome, &[], true).is_err());
        let dev = check_ids(Browser::Edge, &[store.clone(), DEV_ID.into()], false).unwrap_err();
        assert!(dev.contains("--dev"), "{dev}");
        assert!(check_ids(Browser::Chromium, &[store, DEV_ID.into()], true).is_ok());
        assert!(check_ids(Browser::Chrome, &["../x".into()], true).is_err());
        assert!(check_ids(Browser::Firefox, &["q@example.org".into()], false).is_ok());
    }

    #[test]
    fn quoting_for_the_shell() {
        assert_eq!(shell_quote("/a b/it's"), "'/a b/it'\\''s'");
    }
}
