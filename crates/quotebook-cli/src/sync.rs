//! `quotebook sync`: the core's sync session (`quotebook_core::sync::session`, which the
//! native host and the extension run too) carried out on a real folder.
//!
//! Every path is checked component by component (no symbolic link is ever followed inside
//! the synced folder), every file is written atomically (a temporary file beside it, then
//! a rename; a new file is linked into place so that it never replaces one made in the
//! meantime), and a file that changed between planning and writing is left alone.
//! The state and the library backup live in `.quotebook/` inside the folder.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use quotebook_core::clip::ClipRequest;
use quotebook_core::library::Library;
use quotebook_core::note::Note;
use quotebook_core::sync::name::{is_safe_relative, temp_name};
use quotebook_core::sync::render::sync_note_with_error;
use quotebook_core::sync::session::{self, Report, SessionError, Settings};
use quotebook_core::sync::{
    Entry, Expect, Folder, LIBRARY_PATH, STATE_PATH, SyncNote, Write, hash,
};
use quotebook_core::template::{RenderOptions, Templates};

use crate::args::{SyncArgs, TemplateArgs};
use crate::{Failure, unless_unwritten};

/// `quotebook sync [--from BACKUP.json] --to DIR [--restore] [--overwrite PATH|all]
/// [--keep PATH|all] [--pattern P] [--dry-run]`: prints one line per decision, then a
/// summary.
pub fn run(args: SyncArgs) -> Result<String, Failure> {
    let from = match args.from.as_deref() {
        Some(path) => Some((
            path,
            utf8(
                path,
                fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?,
            )?,
        )),
        None => None,
    };
    let settings = settings(&args)?;
    let report = sync_folder(
        &args.to,
        from.as_ref().map(|(name, text)| (*name, text.as_str())),
        &settings,
        args.dry_run,
    )?;
    let unwritten: Vec<String> = report
        .decisions
        .iter()
        .filter(|d| d.not_written())
        .map(name_of)
        .collect();
    unless_unwritten(report.text(), &unwritten)
}

/// How a decision's note is named to the reader: its file, or its id.
pub fn name_of(decision: &quotebook_core::sync::Decision) -> String {
    match &decision.path {
        Some(path) => format!("{path:?}"),
        None => format!("note {:?}", decision.note_id),
    }
}

/// The session's settings from `--template`, `--quote-template`, `--tz-offset`,
/// `--pattern`, `--restore`, `--overwrite` and `--keep`.
pub fn settings(args: &SyncArgs) -> Result<Settings, String> {
    let (templates, render_options) = render_settings(&args.templates)?;
    Ok(Settings {
        templates: Some(templates),
        pattern: args.pattern.clone(),
        tz_offset_minutes: render_options.tz_offset_minutes,
        restore: args.restore,
        overwrite: args.overwrite.clone(),
        keep: args.keep.clone(),
    })
}

/// One sync session (the core's, as every front end runs it) carried out on the real
/// folder `dir`: `library` is `(name, text)` of the library given (`None`: the folder's
/// own backup). The CLI prints the report; the native host answers with it.
pub fn sync_folder(
    dir: &str,
    library: Option<(&str, &str)>,
    settings: &Settings,
    dry_run: bool,
) -> Result<Report, String> {
    let timer = Timer::new();
    let root = open_root(dir, false)?;
    let folder = FsFolder::new(root.clone());
    let state_dir = folder.state_dir()?;
    let _lock = if dry_run {
        None
    } else {
        Some(SyncLock::take(&state_dir)?)
    };
    let mut session = session::start(&folder, library, settings).map_err(|e| match e {
        SessionError::NoLibrary => format!(
            "{} has no {LIBRARY_PATH} yet: give the library with --from BACKUP.json",
            root.display()
        ),
        SessionError::NoSyncedFile { choice, path } => {
            format!("--{choice}: no synced file at {path:?}")
        }
        e => e.to_string(),
    })?;
    timer.lap("plan");
    let report = if dry_run {
        session.dry_run()
    } else {
        // Carry out the writes; a file that changed meanwhile keeps its old state entry.
        let mut failed = BTreeMap::new();
        for write in session.take_writes() {
            if let Err(why) = folder.write(&write) {
                failed.insert(write.path, why);
            }
        }
        let report = session.finish(&failed);
        fs::create_dir_all(&state_dir)
            .map_err(|e| format!("cannot create {}: {e}", state_dir.display()))?;
        if let Some(state) = &report.state {
            folder.replace_if_changed(STATE_PATH, state.as_bytes())?;
        }
        if let Some(backup) = &report.backup {
            folder.replace_if_changed(LIBRARY_PATH, backup.as_bytes())?;
        }
        timer.lap("write");
        report
    };
    for warning in &report.warnings {
        eprintln!("quotebook: {STATE_PATH}: {warning}");
    }
    if let Some(error) = &report.template_error {
        eprintln!(
            "quotebook: {} template, line {}, column {}: {} (the default template is used)",
            error.template, error.line, error.column, error.message
        );
    }
    Ok(report)
}

pub fn read_library(path: &str) -> Result<Library, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    parse_library(path, bytes)
}

fn parse_library(path: &str, bytes: Vec<u8>) -> Result<Library, String> {
    let text = utf8(path, bytes)?;
    Library::from_json(&text).map_err(|e| format!("{path}: {e}"))
}

fn utf8(path: &str, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|_| format!("{path} is not UTF-8"))
}

/// `quotebook clip … --library BACKUP.json`: the clipped quote joins its page's note in
/// the backup, which is made when missing, and written atomically.
pub fn clip_into_library(path: &str, request: &ClipRequest) -> Result<Note, String> {
    let mut library = match fs::symlink_metadata(path) {
        Ok(_) => read_library(path)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Library::default(),
        Err(e) => return Err(format!("cannot read {path}: {e}")),
    };
    let existing = library.get(&request.note_id()).cloned();
    let note = quotebook_core::clip(request, existing).map_err(|e| e.to_string())?;
    library.add(note.clone());
    let target = match Path::new(path).parent() {
        Some(parent) if !parent.as_os_str().is_empty() => PathBuf::from(path),
        _ => Path::new(".").join(path),
    };
    atomic_write(&target, library.to_json().as_bytes(), false, true)
        .map_err(|e| format!("cannot write {path}: {e}"))?;
    Ok(note)
}

pub use quotebook_core::sync::session::on_every_core;

/// The templates and render options from `--template`, `--quote-template`, `--tz-offset`.
pub fn render_settings(args: &TemplateArgs) -> Result<(Templates, RenderOptions), String> {
    let read = |path: &Option<String>| -> Result<String, String> {
        match path {
            Some(path) => fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}")),
            None => Ok(String::new()),
        }
    };
    let templates = Templates {
        note: read(&args.template)?,
        quote: read(&args.quote_template)?,
    };
    Ok((
        templates,
        RenderOptions {
            tz_offset_minutes: args.tz_offset.unwrap_or(0),
            ..RenderOptions::default()
        },
    ))
}

/// Every note rendered for the planner, telling once if a template failed.
pub fn render_all(
    library: &Library,
    templates: &Templates,
    options: &RenderOptions,
) -> Vec<SyncNote> {
    let mut warned = false;
    library
        .notes
        .iter()
        .map(|note| {
            let (rendered, error) = sync_note_with_error(note, templates, options);
            if let (Some(error), false) = (error, warned) {
                warned = true;
                eprintln!(
                    "quotebook: {} template, line {}, column {}: {} (the default template is used)",
                    error.template, error.line, error.column, error.message
                );
            }
            rendered
        })
        .collect()
}

/// The folder to write into: it must exist (or, with `create`, is made) and be a folder.
/// The folder itself may be reached through a link; nothing inside it will be.
pub fn open_root(dir: &str, create: bool) -> Result<PathBuf, String> {
    if create {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {dir}: {e}"))?;
    }
    let root = fs::canonicalize(dir).map_err(|e| format!("cannot open the folder {dir}: {e}"))?;
    if !root.is_dir() {
        return Err(format!("{dir} is not a folder"));
    }
    Ok(root)
}

fn describe(entry: &Entry) -> String {
    match entry {
        Entry::Symlink => "it is (or goes through) a symbolic link".into(),
        Entry::NotAFile => "it is not a regular file".into(),
        Entry::Unreadable(why) => why.clone(),
        Entry::Missing | Entry::File(_) => "unexpected".into(),
    }
}

/// A real folder, read and written without following any symbolic link inside it.
#[derive(Debug)]
pub struct FsFolder {
    root: PathBuf,
}

enum Walk {
    /// Every folder on the way exists and is a real folder; the last component's metadata.
    Found(PathBuf, fs::Metadata),
    Missing(PathBuf),
    Blocked(Entry),
}

impl FsFolder {
    pub fn new(root: PathBuf) -> FsFolder {
        FsFolder { root }
    }

    /// `.quotebook/`, which must not be a link.
    fn state_dir(&self) -> Result<PathBuf, String> {
        let dir = self.root.join(".quotebook");
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_symlink() => Err(format!(
                "{} is a symbolic link: refusing to use it",
                dir.display()
            )),
            Ok(m) if !m.is_dir() => Err(format!("{} is not a folder", dir.display())),
            _ => Ok(dir),
        }
    }

    /// Walks `path` component by component with `lstat`.
    fn walk(&self, path: &str) -> Walk {
        let state_file = path == STATE_PATH || path == LIBRARY_PATH;
        if !(state_file || is_safe_relative(path)) {
            return Walk::Blocked(Entry::Unreadable(format!("unsafe path {path:?}")));
        }
        let components: Vec<&str> = path.split('/').collect();
        let mut full = self.root.clone();
        for (i, component) in components.iter().enumerate() {
            full.push(component);
            let last = i + 1 == components.len();
            match fs::symlink_metadata(&full) {
                Ok(m) if m.file_type().is_symlink() => return Walk::Blocked(Entry::Symlink),
                Ok(m) if last => return Walk::Found(full, m),
                Ok(m) if m.is_dir() => {}
                Ok(_) => return Walk::Blocked(Entry::NotAFile),
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Walk::Missing(full),
                Err(e) => return Walk::Blocked(Entry::Unreadable(e.to_string())),
            }
        }
        Walk::Blocked(Entry::Unreadable("empty path".into()))
    }

    /// Writes one planned file, if what is there is still what the planner saw.
    pub fn write(&self, write: &Write) -> Result<(), String> {
        if !is_safe_relative(&write.path) {
            return Err(format!("unsafe path {:?}", write.path));
        }
        self.make_parents(&write.path)?;
        let target = match self.walk(&write.path) {
            Walk::Blocked(entry) => return Err(describe(&entry)),
            Walk::Missing(target) => {
                if write.expect != Expect::Absent {
                    return Err("it was deleted meanwhile".into());
                }
                target
            }
            Walk::Found(target, meta) => {
                let Expect::Hash(expected) = &write.expect else {
                    return Err("a file appeared there meanwhile".into());
                };
                if !meta.is_file() {
                    return Err("it is not a regular file".into());
                }
                let now = fs::read(&target).map_err(|e| e.to_string())?;
                if hash::hash(&now) != *expected {
                    return Err("it changed meanwhile; sync again".into());
                }
                target
            }
        };
        atomic_write(&target, &write.bytes, write.expect == Expect::Absent, false)
    }

    /// Creates the missing folders of `path`, refusing links and files on the way.
    fn make_parents(&self, path: &str) -> Result<(), String> {
        let components: Vec<&str> = path.split('/').collect();
        let mut full = self.root.clone();
        for component in &components[..components.len() - 1] {
            full.push(component);
            match fs::symlink_metadata(&full) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(format!("{} is a symbolic link", full.display()));
                }
                Ok(m) if m.is_dir() => {}
                Ok(_) => return Err(format!("{} is not a folder", full.display())),
                Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(&full) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                        // Made by someone else in between: check it again.
                        let m = fs::symlink_metadata(&full).map_err(|e| e.to_string())?;
                        if !m.is_dir() || m.file_type().is_symlink() {
                            return Err(format!("{} is not a folder", full.display()));
                        }
                    }
                    Err(e) => return Err(format!("cannot create {}: {e}", full.display())),
                },
                Err(e) => return Err(format!("{}: {e}", full.display())),
            }
        }
        Ok(())
    }

    /// Writes a file of `.quotebook/` unless it already holds exactly `bytes`.
    fn replace_if_changed(&self, path: &str, bytes: &[u8]) -> Result<bool, String> {
        let target = match self.walk(path) {
            Walk::Found(target, meta) if meta.is_file() => {
                if fs::read(&target).is_ok_and(|now| now == bytes) {
                    return Ok(false);
                }
                target
            }
            Walk::Missing(target) => target,
            Walk::Found(..) => return Err(format!("{path} is not a regular file")),
            Walk::Blocked(entry) => return Err(format!("{path}: {}", describe(&entry))),
        };
        atomic_write(&target, bytes, false, true)
            .map_err(|e| format!("cannot write {path}: {e}"))?;
        Ok(true)
    }
}

impl Folder for FsFolder {
    fn read(&self, path: &str) -> Entry {
        match self.walk(path) {
            Walk::Blocked(entry) => entry,
            Walk::Missing(_) => Entry::Missing,
            Walk::Found(_, meta) if !meta.is_file() => Entry::NotAFile,
            Walk::Found(full, _) => match fs::read(&full) {
                Ok(bytes) => Entry::File(bytes),
                Err(e) => Entry::Unreadable(e.to_string()),
            },
        }
    }

    fn names(&self, dir: &str) -> Vec<String> {
        let full = if dir.is_empty() {
            self.root.clone()
        } else {
            match self.walk(dir) {
                Walk::Found(full, meta) if meta.is_dir() => full,
                _ => return Vec::new(),
            }
        };
        match fs::read_dir(full) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// Writes `bytes` to a temporary file beside `target`, flushes it, then moves it into
/// place: readers of `target` see the old file or the new one, never half of one. With
/// `create_new`, an existing `target` is never replaced. With `durable`, the data is
/// flushed to the disk before the rename (the state and the backup); note files are not
/// (10,000 flushes take a minute), which only matters if the machine loses power: a file
/// then found empty or changed is left alone as the reader's, and its quotes are still in
/// the backup.
pub fn atomic_write(
    target: &Path,
    bytes: &[u8],
    create_new: bool,
    durable: bool,
) -> Result<(), String> {
    let dir = target.parent().ok_or("no parent folder")?;
    target.file_name().ok_or("no file name")?;
    let mut n = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(temp_name(std::process::id(), n));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => {
                return Err(format!(
                    "cannot create a temporary file in {}: {e}",
                    dir.display()
                ));
            }
        }
    };
    let result = file
        .write_all(bytes)
        .and_then(|()| if durable { file.sync_all() } else { Ok(()) })
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()));
    drop(file);
    let result = result.and_then(|()| {
        if create_new {
            // A hard link fails if the target exists, so a file made meanwhile is safe.
            match fs::hard_link(&tmp, target) {
                Ok(()) => {
                    let _ = fs::remove_file(&tmp);
                    Ok(())
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    Err("a file appeared there meanwhile".to_owned())
                }
                // File systems without hard links: check, then rename.
                Err(_) if fs::symlink_metadata(target).is_err() => {
                    fs::rename(&tmp, target).map_err(|e| e.to_string())
                }
                Err(_) => Err("a file appeared there meanwhile".to_owned()),
            }
        } else {
            fs::rename(&tmp, target)
                .map_err(|e| format!("cannot replace {}: {e}", target.display()))
        }
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// With `QUOTEBOOK_TIMINGS` set, each step's time on standard error.
#[derive(Debug)]
pub struct Timer {
    on: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl Default for Timer {
    fn default() -> Self {
        Timer::new()
    }
}

impl Timer {
    pub fn new() -> Timer {
        Timer {
            on: std::env::var_os("QUOTEBOOK_TIMINGS").is_some(),
            last: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    pub fn lap(&self, step: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!(
                "{step:>20}: {:7.1} ms",
                (now - self.last.get()).as_secs_f64() * 1000.0
            );
            self.last.set(now);
        }
    }
}

/// One sync at a time per folder on this machine (the CLI and the native host share it):
/// `.quotebook/sync.lock`, made exclusively, removed when done. A lock older than
/// [`SyncLock::STALE`] was left by a sync that died, and is taken over.
#[derive(Debug)]
struct SyncLock(PathBuf);

impl SyncLock {
    const STALE: std::time::Duration = std::time::Duration::from_secs(600);

    fn take(state_dir: &Path) -> Result<SyncLock, String> {
        fs::create_dir_all(state_dir)
            .map_err(|e| format!("cannot create {}: {e}", state_dir.display()))?;
        let path = state_dir.join("sync.lock");
        for _ in 0..2 {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    let _ = writeln!(file, "{}", std::process::id());
                    return Ok(SyncLock(path));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let age = fs::symlink_metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok());
                    if age.is_some_and(|age| age < Self::STALE) {
                        return Err(format!(
                            "another sync of this folder is running (if not, remove {})",
                            path.display()
                        ));
                    }
                    let _ = fs::remove_file(&path);
                }
                Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
            }
        }
        Err(format!("cannot take {}", path.display()))
    }
}

impl Drop for SyncLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("quotebook-fsfolder-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(path: &str, bytes: &[u8], expect: Expect) -> Write {
        Write {
            path: path.into(),
            bytes: bytes.to_vec(),
            expect,
        }
    }

    #[test]
    fn a_file_that_changed_since_the_plan_is_left_alone() {
        let dir = temp("changed");
        let folder = FsFolder::new(dir.clone());
        fs::write(dir.join("a.md"), "the reader's").unwrap();
        let stale = write(
            "a.md",
            b"ours",
            Expect::Hash(hash::hash(b"what the plan saw")),
        );
        assert!(
            folder
                .write(&stale)
                .unwrap_err()
                .contains("changed meanwhile")
        );
        let absent = write("a.md", b"ours", Expect::Absent);
        assert!(folder.write(&absent).unwrap_err().contains("appeared"));
        assert_eq!(
            fs::read_to_string(dir.join("a.md")).unwrap(),
            "the reader's"
        );
        let current = write("a.md", b"ours", Expect::Hash(hash::hash(b"the reader's")));
        folder.write(&current).unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.md")).unwrap(), "ours");
        let gone = write("b.md", b"ours", Expect::Hash(hash::hash(b"x")));
        assert!(folder.write(&gone).unwrap_err().contains("deleted"));
        // Subfolders are made; nothing but the file is left behind.
        folder
            .write(&write("sub/c.md", b"new", Expect::Absent))
            .unwrap();
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a.md", "sub"]);
        assert_eq!(folder.names("sub"), ["c.md"]);
        assert!(
            folder
                .write(&write("../x.md", b"no", Expect::Absent))
                .is_err()
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn one_sync_at_a_time() {
        let dir = temp("lock");
        let state = dir.join(".quotebook");
        let first = SyncLock::take(&state).unwrap();
        assert!(SyncLock::take(&state).unwrap_err().contains("another sync"));
        drop(first);
        let again = SyncLock::take(&state).unwrap();
        drop(again);
        assert!(!state.join("sync.lock").exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_are_reported_and_never_followed() {
        let dir = temp("links");
        let outside = temp("links-outside");
        std::os::unix::fs::symlink(&outside, dir.join("sub")).unwrap();
        std::os::unix::fs::symlink(outside.join("f.md"), dir.join("f.md")).unwrap();
        fs::write(outside.join("f.md"), "outside").unwrap();
        let folder = FsFolder::new(dir.clone());
        assert_eq!(folder.read("sub/x.md"), Entry::Symlink);
        assert_eq!(folder.read("f.md"), Entry::Symlink);
        assert!(folder.names("sub").is_empty());
        assert!(
            folder
                .write(&write("sub/x.md", b"no", Expect::Absent))
                .is_err()
        );
        let replace = write("f.md", b"no", Expect::Hash(hash::hash(b"outside")));
        assert!(folder.write(&replace).is_err());
        assert_eq!(fs::read_to_string(outside.join("f.md")).unwrap(), "outside");
        assert_eq!(fs::read_dir(&outside).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
        fs::remove_dir_all(&outside).unwrap();
    }
}
