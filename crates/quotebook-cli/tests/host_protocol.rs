//! `quotebook host` (native messaging) and `quotebook install-host`, run as the browser
//! runs them: a child process spoken to in length-prefixed JSON.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use quotebook_core::library::Library;
use quotebook_core::note::{Note, Quote};
use serde_json::{Value, json};

mod common;
use common::{Temp, note};

fn quote(id: &str, text: &str) -> Quote {
    Quote {
        id: id.into(),
        markdown: text.into(),
        text: text.into(),
        created: format!("2024-06-05T12:00:{:0>2}.000Z", id.len()),
        ..Quote::default()
    }
}

fn library(notes: Vec<Note>) -> String {
    Library {
        notes,
        ..Library::default()
    }
    .to_json()
}

/// A running host and its pipes.
struct Host {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
}

impl Host {
    fn start(args: &[&str]) -> Host {
        Host::start_program(env!("CARGO_BIN_EXE_quotebook"), args)
    }

    fn send(&mut self, value: &Value) {
        let text = value.to_string();
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(&(text.len() as u32).to_ne_bytes()).unwrap();
        stdin.write_all(text.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// The next message, each checked against the browser's 1 MB limit.
    fn receive(&mut self) -> Value {
        let mut length = [0u8; 4];
        self.stdout.read_exact(&mut length).unwrap();
        let length = u32::from_ne_bytes(length) as usize;
        assert!(length <= 1024 * 1024, "a message of {length} bytes");
        let mut bytes = vec![0; length];
        self.stdout.read_exact(&mut bytes).unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    /// The next answer that is not progress, chunks joined.
    fn answer(&mut self) -> Value {
        let mut joined = String::new();
        loop {
            let message = self.receive();
            match message["type"].as_str() {
                Some("progress") => {}
                Some("chunk") => {
                    joined.push_str(message["data"].as_str().unwrap());
                    if message["index"].as_u64().unwrap() + 1 == message["count"].as_u64().unwrap()
                    {
                        return serde_json::from_str(&joined).unwrap();
                    }
                }
                _ => return message,
            }
        }
    }

    fn sync(&mut self, library: &str) -> Value {
        self.send(&json!({"type": "sync", "library": library}));
        let answer = self.answer();
        assert_eq!(answer["ok"], true, "{answer}");
        answer
    }

    fn close(mut self) -> bool {
        drop(self.stdin.take());
        self.child.wait().unwrap().success()
    }
}

fn kinds(answer: &Value) -> Vec<String> {
    answer["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["kind"].as_str().unwrap(),
                d["path"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn syncs_keeps_the_readers_edit_and_appends_the_new_quote() {
    let t = Temp::new("host-test");
    let vault = t.path("vault");
    fs::create_dir(&vault).unwrap();
    let mut host = Host::start(&[
        "host",
        "--folder",
        vault.to_str().unwrap(),
        "chrome-extension://x/",
    ]);
    host.send(&json!({"type": "hello"}));
    let hello = host.answer();
    assert_eq!(hello["type"], "hello");
    assert_eq!(hello["folder"], vault.to_str().unwrap());

    let first = note("https://a.example/1", "First", vec![quote("q1", "One.")]);
    let answer = host.sync(&library(vec![first.clone()]));
    assert_eq!(kinds(&answer), ["created First.md"]);
    assert_eq!(answer["summary"]["created"], 1);
    let file = vault.join("First.md");
    assert!(fs::read_to_string(&file).unwrap().contains("> One."));
    assert!(vault.join(".quotebook/state.json").is_file());
    assert!(vault.join(".quotebook/library.json").is_file());

    // The reader edits the file; a new quote is saved; sync again in the same session.
    let edited = fs::read_to_string(&file).unwrap() + "\nMy own thoughts.\n";
    fs::write(&file, &edited).unwrap();
    let mut second = first;
    second.quotes.push(quote("q22", "Two."));
    let answer = host.sync(&library(vec![second.clone()]));
    assert_eq!(kinds(&answer), ["appended First.md"]);
    assert_eq!(answer["summary"]["appended"], 1);
    let now = fs::read_to_string(&file).unwrap();
    assert!(now.starts_with(&edited), "{now}");
    assert!(now.contains("> Two."));
    assert_eq!(now.matches("> Two.").count(), 1);

    // Nothing changed: nothing written. The library may come in pieces.
    let text = library(vec![second]);
    let (a, b) = text.split_at(text.len() / 2);
    host.send(&json!({"type": "library-part", "data": a}));
    host.send(&json!({"type": "library-part", "data": b}));
    host.send(&json!({"type": "sync"}));
    let answer = host.answer();
    assert_eq!(answer["summary"]["skipped"], 1, "{answer}");
    assert_eq!(fs::read_to_string(&file).unwrap(), now);
    assert!(host.close());
}

/// Every file under `dir` with its modification time and bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let modified = fs::metadata(&path).unwrap().modified().unwrap();
                out.push((path.clone(), modified, fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The `digests` message for `notes`, as the extension sends it.
fn digests(notes: &[Note]) -> Value {
    let pairs: Vec<Value> = notes
        .iter()
        .map(|n| json!([n.id, quotebook_core::sync::hash::note_digest(&n.to_json())]))
        .collect();
    json!({"type": "digests", "notes": pairs})
}

impl Host {
    /// An incremental sync: digests, then the notes asked for. Returns the ids asked for
    /// and the result.
    fn sync_incremental(&mut self, notes: &[Note]) -> (Vec<String>, Value) {
        self.send(&digests(notes));
        let need = self.answer();
        assert_eq!(need["type"], "need", "{need}");
        let ids: Vec<String> = need["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap().to_owned())
            .collect();
        let sent: Vec<Note> = notes
            .iter()
            .filter(|n| ids.contains(&n.id))
            .cloned()
            .collect();
        (ids, self.sync(&library(sent)))
    }
}

#[test]
fn incremental_sync_sends_only_the_notes_the_folder_lacks() {
    let t = Temp::new("host-test");
    let vault = t.path("vault");
    fs::create_dir(&vault).unwrap();
    let mut host = Host::start(&["host", "--folder", vault.to_str().unwrap()]);
    let mut notes = vec![
        note("https://a.example/1", "First", vec![quote("q1", "One.")]),
        note("https://a.example/2", "Second", vec![quote("q2", "Two.")]),
        note("https://a.example/3", "Third", vec![quote("q3", "Three.")]),
    ];
    // An empty folder lacks every note.
    let (ids, answer) = host.sync_incremental(&notes);
    assert_eq!(
        ids,
        [
            "https://a.example/1",
            "https://a.example/2",
            "https://a.example/3"
        ]
    );
    assert_eq!(answer["summary"]["created"], 3, "{answer}");
    let backup = fs::read_to_string(vault.join(".quotebook/library.json")).unwrap();
    assert_eq!(backup, library(notes.clone()));

    // Nothing changed: no note travels, and no file is written, not even the state.
    let before = snapshot(&vault);
    let (ids, answer) = host.sync_incremental(&notes);
    assert!(ids.is_empty(), "{ids:?}");
    assert_eq!(answer["summary"]["skipped"], 3, "{answer}");
    assert_eq!(snapshot(&vault), before);

    // One note gains a quote: only it travels; the file and the backup follow.
    notes[1].quotes.push(quote("q22", "Two and a half."));
    notes[1].updated = "2024-06-06T00:00:00.000Z".into();
    let (ids, answer) = host.sync_incremental(&notes);
    assert_eq!(ids, ["https://a.example/2"]);
    assert_eq!(
        kinds(&answer),
        ["skipped First.md", "updated Second.md", "skipped Third.md"]
    );
    assert!(
        fs::read_to_string(vault.join("Second.md"))
            .unwrap()
            .contains("> Two and a half.")
    );
    let backup = fs::read_to_string(vault.join(".quotebook/library.json")).unwrap();
    assert_eq!(backup, library(notes.clone()));

    // A note the folder's backup holds but this browser lacks (another machine's) stays in
    // the backup; the notes sent are still only those that changed.
    let mine = notes[..2].to_vec();
    let before = snapshot(&vault);
    let (ids, answer) = host.sync_incremental(&mine);
    assert!(ids.is_empty(), "{ids:?}");
    assert_eq!(answer["summary"]["skipped"], 2, "{answer}");
    assert_eq!(snapshot(&vault), before);

    // A note asked for but not sent is an error, and nothing is written.
    notes[0].title = "Renamed".into();
    host.send(&digests(&notes));
    assert_eq!(host.answer()["ids"], json!(["https://a.example/1"]));
    host.send(&json!({"type": "sync", "library": library(vec![])}));
    let answer = host.answer();
    assert_eq!(answer["ok"], false, "{answer}");
    assert!(
        answer["error"].as_str().unwrap().contains("not sent"),
        "{answer}"
    );
    assert_eq!(snapshot(&vault), before);

    // Bad digests are answered, not fatal.
    host.send(&json!({"type": "digests", "notes": [["only an id"]]}));
    assert_eq!(host.answer()["type"], "error");
    assert!(host.close());
}

#[test]
fn a_long_report_comes_in_chunks_and_names_never_leave_the_folder() {
    let t = Temp::new("host-test");
    let vault = t.path("vault");
    fs::create_dir(&vault).unwrap();
    let long = "x".repeat(200);
    let notes: Vec<Note> = (0..6000)
        .map(|i| {
            note(
                &format!("https://a.example/{i}"),
                &format!("../../escape {i} {long}"),
                vec![quote(&format!("q{i}"), "Text.")],
            )
        })
        .collect();
    let mut host = Host::start(&["host", "--folder", vault.to_str().unwrap()]);
    let answer = host.sync(&library(notes));
    assert!(
        answer.to_string().len() > 1024 * 1024,
        "the answer needs chunks"
    );
    assert_eq!(answer["summary"]["created"], 6000);
    assert_eq!(answer["decisions"].as_array().unwrap().len(), 6000);
    assert_eq!(
        fs::read_dir(t.path("")).unwrap().count(),
        1,
        "only the vault"
    );
    assert!(host.close());
}

#[test]
fn errors_are_answered_not_fatal() {
    let t = Temp::new("host-test");
    let mut host = Host::start(&["host", "--folder", t.path("missing").to_str().unwrap()]);
    host.send(&json!({"type": "sync", "library": "{not json"}));
    let answer = host.answer();
    assert_eq!(answer["ok"], false);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("the library sent"),
        "{answer}"
    );
    let valid = library(vec![note(
        "https://a.example/",
        "A",
        vec![quote("q", "A.")],
    )]);
    host.send(&json!({"type": "sync", "library": valid}));
    let answer = host.answer();
    assert_eq!(answer["ok"], false);
    assert!(
        answer["error"].as_str().unwrap().contains("missing"),
        "{answer}"
    );
    assert!(!t.path("missing").exists(), "the folder is not made");
    host.send(&json!({"type": "hello"}));
    assert_eq!(host.answer()["folderExists"], false);
    assert!(host.close());
}

fn run(args: &[&str], home: &Path) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_quotebook"))
        .args(args)
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn install_host_writes_a_manifest_that_starts_a_working_host() {
    let t = Temp::new("host-test");
    let home = private_home(&t);
    let vault = t.path("my vault");
    let (ok, out, err) = run(
        &[
            "install-host",
            "--browser",
            "chromium",
            "--folder",
            vault.to_str().unwrap(),
            "--extension-id",
            "dcpofdeomimecllgicmlhifcdaagmphh",
            "--dev",
        ],
        &home,
    );
    assert!(ok, "{err}");
    assert!(out.contains("host manifest"), "{out}");
    let manifest_path = home.join(".config/chromium/NativeMessagingHosts/quotebook_host.json");
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(&manifest_path).unwrap()).unwrap();
    assert_eq!(manifest["name"], "quotebook_host");
    assert_eq!(manifest["type"], "stdio");
    assert_eq!(
        manifest["allowed_origins"],
        json!(["chrome-extension://dcpofdeomimecllgicmlhifcdaagmphh/"])
    );
    assert!(vault.is_dir(), "the folder is made");
    let config: Value = serde_json::from_str(
        &fs::read_to_string(home.join(".config/quotebook/host.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        config["folder"],
        fs::canonicalize(&vault).unwrap().to_str().unwrap()
    );

    // The browser runs the manifest's path with the extension's origin: it syncs.
    let launcher = manifest["path"].as_str().unwrap();
    let mut host = Host::start_program(
        launcher,
        &["chrome-extension://dcpofdeomimecllgicmlhifcdaagmphh/"],
    );
    let answer = host.sync(&library(vec![note(
        "https://b.example/",
        "Bee",
        vec![quote("q", "B.")],
    )]));
    assert_eq!(kinds(&answer), ["created Bee.md"]);
    assert!(vault.join("Bee.md").is_file());
    assert!(host.close());

    // Firefox: allowed_extensions; --manifest-dir overrides the location.
    let dir = t.path("ff");
    let args = [
        "install-host",
        "--browser",
        "firefox",
        "--folder",
        vault.to_str().unwrap(),
        "--manifest-dir",
        dir.to_str().unwrap(),
        "--extension-id",
        "quotebook@quotebook",
    ];
    let (ok, _, err) = run(&args, &home);
    assert!(ok, "{err}");
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("quotebook_host.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["allowed_extensions"],
        json!(["quotebook@quotebook"])
    );
    let mut with_id = args[..args.len() - 2].to_vec();
    with_id.extend(["--extension-id", "quotebook@example.org"]);
    let (ok, _, err) = run(&with_id, &home);
    assert!(ok, "{err}");
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("quotebook_host.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["allowed_extensions"],
        json!(["quotebook@example.org"])
    );

    // Two ids (unpacked and store), and a bad one refused.
    let (ok, _, err) = run(
        &[
            "install-host",
            "--browser",
            "edge",
            "--folder",
            vault.to_str().unwrap(),
            "--extension-id",
            "dcpofdeomimecllgicmlhifcdaagmphh",
            "--extension-id",
            "abcdefghijklmnopabcdefghijklmnop",
            "--dev",
        ],
        &home,
    );
    assert!(ok, "{err}");
    let manifest: Value = serde_json::from_str(
        &fs::read_to_string(
            home.join(".config/microsoft-edge/NativeMessagingHosts/quotebook_host.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["allowed_origins"].as_array().unwrap().len(), 2);
    let (ok, _, err) = run(
        &[
            "install-host",
            "--browser",
            "chrome",
            "--folder",
            vault.to_str().unwrap(),
            "--extension-id",
            "../x",
        ],
        &home,
    );
    assert!(!ok && err.contains("not a valid extension id"), "{err}");
}

/// A scratch home that only this user can write to (whatever the umask the tests run with).
#[cfg(unix)]
fn private_home(t: &Temp) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&t.0, fs::Permissions::from_mode(0o755)).unwrap();
    let home = t.path("home");
    fs::create_dir(&home).unwrap();
    fs::set_permissions(&home, fs::Permissions::from_mode(0o755)).unwrap();
    home
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
#[test]
fn install_host_lets_in_only_the_extensions_named() {
    let t = Temp::new("host-ids");
    let home = private_home(&t);
    let vault = t.s("vault");
    let manifest_path = home.join(".config/google-chrome/NativeMessagingHosts/quotebook_host.json");
    let base = [
        "install-host",
        "--browser",
        "chrome",
        "--folder",
        vault.as_str(),
    ];

    // No id: a usage error naming the option; nothing is written.
    let out = Command::new(env!("CARGO_BIN_EXE_quotebook"))
        .args(base)
        .env("HOME", &home)
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--extension-id"));
    assert!(!manifest_path.exists());

    // The development build's id (its key is public) only with --dev.
    let dev = "dcpofdeomimecllgicmlhifcdaagmphh";
    let (ok, _, err) = run(&[&base[..], &["--extension-id", dev]].concat(), &home);
    assert!(!ok && err.contains("--dev"), "{err}");
    assert!(!manifest_path.exists());

    // A store build's id: exactly that one is let in.
    let store = "abcdefghijklmnopabcdefghijklmnop";
    let (ok, out, err) = run(&[&base[..], &["--extension-id", store]].concat(), &home);
    assert!(ok, "{err}");
    assert!(out.contains(store), "{out}");
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(&manifest_path).unwrap()).unwrap();
    assert_eq!(
        manifest["allowed_origins"],
        json!([format!("chrome-extension://{store}/")])
    );
    let (ok, _, err) = run(
        &[&base[..], &["--extension-id", dev, "--dev"]].concat(),
        &home,
    );
    assert!(ok, "{err}");
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(&manifest_path).unwrap()).unwrap();
    assert_eq!(
        manifest["allowed_origins"],
        json!([format!("chrome-extension://{dev}/")])
    );
}

/// With `$XDG_CONFIG_HOME` set, Chromium keeps its profile, and reads host manifests,
/// there: so does `install-host`, beside the host's own configuration.
#[cfg(target_os = "linux")]
#[test]
fn install_host_follows_xdg_config_home_for_chromium() {
    let t = Temp::new("host-xdg");
    let home = private_home(&t);
    let config = home.join("cfg");
    let vault = t.s("vault");
    let id = "abcdefghijklmnopabcdefghijklmnop";
    let out = Command::new(env!("CARGO_BIN_EXE_quotebook"))
        .args([
            "install-host",
            "--browser",
            "chromium",
            "--folder",
            vault.as_str(),
        ])
        .args(["--extension-id", id])
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        config
            .join("chromium/NativeMessagingHosts/quotebook_host.json")
            .is_file()
    );
    assert!(config.join("quotebook/host.json").is_file());
    assert!(!home.join(".config/chromium").exists());
}

#[cfg(unix)]
#[test]
fn install_host_files_cannot_be_changed_by_other_users() {
    use std::os::unix::fs::PermissionsExt;
    let t = Temp::new("host-modes");
    let home = private_home(&t);
    let vault = t.s("vault");
    let id = "abcdefghijklmnopabcdefghijklmnop";
    // Under a umask that would leave everything writable by everyone.
    let install = |extra: &[&str]| {
        let out = Command::new("sh")
            .args(["-c", "umask 000 && exec \"$@\"", "sh"])
            .arg(env!("CARGO_BIN_EXE_quotebook"))
            .args(["install-host", "--browser", "chromium", "--folder", &vault])
            .args(["--extension-id", id])
            .args(extra)
            .env("HOME", &home)
            .env_remove("XDG_CONFIG_HOME")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, err) = install(&[]);
    assert!(ok, "{err}");
    let hosts = home.join(".config/chromium/NativeMessagingHosts");
    let config_dir = home.join(".config/quotebook");
    assert_eq!(mode(&hosts.join("quotebook_host.json")), 0o644);
    assert_eq!(mode(&config_dir.join("host.json")), 0o600);
    assert_eq!(mode(&config_dir.join("quotebook-host")), 0o755);
    for dir in [&hosts, &config_dir, &home.join(".config")] {
        assert_eq!(mode(dir), 0o755, "{}", dir.display());
    }

    // A folder others can write to, or one above it, is refused: nothing is written there.
    let open = t.path("open");
    fs::create_dir(&open).unwrap();
    fs::set_permissions(&open, fs::Permissions::from_mode(0o777)).unwrap();
    for dir in [open.clone(), open.join("below")] {
        let (ok, err) = install(&["--manifest-dir", dir.to_str().unwrap()]);
        assert!(!ok, "{}", dir.display());
        assert!(err.contains("writable by other users"), "{err}");
        assert!(!dir.join("quotebook_host.json").exists());
    }
    let config = t.path("open/host.json");
    let (ok, err) = install(&["--config", config.to_str().unwrap()]);
    assert!(!ok && err.contains("writable by other users"), "{err}");
    assert!(!config.exists());

    // The host refuses a configuration others could have changed.
    let config = config_dir.join("host.json");
    fs::set_permissions(&config, fs::Permissions::from_mode(0o666)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_quotebook"))
        .args(["host", "--config", config.to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("writable by other users"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Host {
    fn start_program(program: &str, args: &[&str]) -> Host {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        Host {
            child,
            stdin,
            stdout,
        }
    }
}

#[test]
fn the_host_writes_the_images_the_extension_sends_and_keeps_them_in_the_backup() {
    use quotebook_core::clip::ImageBytes;
    use quotebook_core::image::inspect;
    let t = Temp::new("host-images");
    let vault = t.path("vault");
    fs::create_dir(&vault).unwrap();
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x20\0\0\0\x10\x08\x06\0\0\0".to_vec();
    bytes.extend([7u8; 200]);
    let info = inspect(&bytes).unwrap();
    let mut with_image = note(
        "https://a.example/1",
        "First",
        vec![Quote {
            markdown: "![a cat](https://a.example/cat.png)".into(),
            images: quotebook_core::embed::image_refs("![a cat](https://a.example/cat.png)"),
            ..quote("q1", "")
        }],
    );
    with_image.attach_image("https://a.example/cat.png", Ok(&info));
    let notes = vec![with_image];
    let mut host = Host::start(&["host", "--folder", vault.to_str().unwrap()]);
    host.send(&digests(&notes));
    let need = host.answer();
    assert_eq!(need["ids"], json!(["https://a.example/1"]), "{need}");
    let sent = Library {
        notes: notes.clone(),
        images: vec![ImageBytes {
            hash: info.hash.clone(),
            mime: info.mime.clone(),
            bytes: bytes.clone(),
        }],
        ..Library::default()
    }
    .to_json();
    host.send(&json!({"type": "sync", "library": sent, "images": {"keep": true}}));
    let answer = host.answer();
    assert_eq!(answer["ok"], true, "{answer}");
    let name = format!("cat-{}.png", &info.hash[..8]);
    assert_eq!(
        fs::read(vault.join("attachments").join(&name)).unwrap(),
        bytes
    );
    let file = fs::read_to_string(vault.join("First.md")).unwrap();
    assert!(file.contains(&format!("> ![[{name}]]")), "{file}");
    let backup =
        Library::from_json(&fs::read_to_string(vault.join(".quotebook/library.json")).unwrap())
            .unwrap();
    assert_eq!(backup.image(&info.hash).unwrap().bytes, bytes);

    // Nothing changed: nothing travels, nothing is written; the image stays.
    let before = snapshot(&vault);
    host.send(&digests(&notes));
    let need = host.answer();
    assert_eq!(need["ids"], json!([]), "{need}");
    host.send(&json!({"type": "sync", "library": "", "images": {"keep": true}}));
    let answer = host.answer();
    assert_eq!(answer["ok"], true, "{answer}");
    assert_eq!(snapshot(&vault), before);
    assert!(host.close());
}
