//! `quotebook sync`: the core's sync session (`quotebook_core::sync::session`, which the
//! native host and the extension run too) carried out on a real folder.
//!
//! The folder is reached through directory handles ([`FsFolder`], on `cap-std`): each
//! folder on a path is opened from the one before without following a symbolic link, and
//! files are read, written and renamed relative to their folder's handle, so nothing can be
//! reached outside the synced folder. Every file is written atomically (a temporary file
//! beside it, then a rename; a new file is linked into place so that it never replaces one
//! made in the meantime), and a file that changed between planning and the rename is left
//! alone.
//! The state and the library backup live in `.quotebook/` inside the folder.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use cap_fs_ext::{DirExt as _, FollowSymlinks, OpenOptionsFollowExt as _};
use cap_std::fs::{Dir, OpenOptions};
use quotebook_core::clip::{ClipRequest, ImageBytes};
use quotebook_core::embed::{Embed, ImageOptions};
use quotebook_core::library::{FileSettings, Library};
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
    // The settings the library carries, for the flags not given: the backup's given,
    // else the folder's own.
    let carried = match &from {
        // A backup that does not read at all is the session's to report, in its words.
        Some((path, text)) => match Library::settings_of(text) {
            Ok(settings) => settings,
            Err(_) if Library::from_json(text).is_err() => None,
            Err(e) => return Err(format!("{path}: {e}").into()),
        },
        None => folder_settings(&args.to),
    };
    let settings = settings(&args, carried.as_ref())?;
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

/// The file settings the folder's backup carries (none when it has no readable one: the
/// session reports what is wrong with it).
fn folder_settings(dir: &str) -> Option<FileSettings> {
    let folder = FsFolder::open(open_root(dir, false).ok()?).ok()?;
    match folder.read(LIBRARY_PATH) {
        Entry::File(bytes) => Library::settings_of(std::str::from_utf8(&bytes).ok()?)
            .ok()
            .flatten(),
        _ => None,
    }
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
/// Unset flags take the settings the backup carries (`carried`).
pub fn settings(args: &SyncArgs, carried: Option<&FileSettings>) -> Result<Settings, String> {
    let (templates, render_options) = render_settings_with(&args.templates, carried)?;
    Ok(Settings {
        templates: Some(templates),
        pattern: args.pattern.clone().or_else(|| {
            carried
                .map(|c| c.file_name_pattern.clone())
                .filter(|p| !p.trim().is_empty())
        }),
        tz_offset_minutes: render_options.tz_offset_minutes,
        locale: render_options.locale,
        quote_order: render_options.quote_order,
        restore: args.restore,
        overwrite: args.overwrite.clone(),
        keep: args.keep.clone(),
        images: render_options.images,
        ..Settings::default()
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
    let root = open_root(dir, false)?;
    let folder = FsFolder::open(root)?;
    sync_in(&folder, library, settings, dry_run)
}

/// [`sync_folder`] on a folder already open.
fn sync_in(
    folder: &FsFolder,
    library: Option<(&str, &str)>,
    settings: &Settings,
    dry_run: bool,
) -> Result<Report, String> {
    let timer = Timer::new();
    let root = &folder.path;
    let state_dir = folder.state_dir(!dry_run)?;
    let _lock = match (&state_dir, dry_run) {
        (Some(state_dir), false) => Some(SyncLock::take(state_dir, root)?),
        _ => None,
    };
    // The library given and the folder's backup are checked against this machine's clock.
    let now = crate::clock::now_rfc3339();
    let mut session = session::start(folder, library, settings, &now).map_err(|e| match e {
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
    for file in session.attachments() {
        eprintln!(
            "quotebook: {}: the library holds no bytes for this image (SHA-256 {}); not written",
            file.path, file.hash
        );
    }
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

/// A backup and the file settings it carries.
pub fn read_library_and_settings(path: &str) -> Result<(Library, Option<FileSettings>), String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let text = utf8(path, bytes)?;
    let library = Library::from_json(&text).map_err(|e| format!("{path}: {e}"))?;
    let settings = Library::settings_of(&text).map_err(|e| format!("{path}: {e}"))?;
    Ok((library, settings))
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
    // The selection's `data:` images go into the backup as kept images, not inline.
    save_into_library(path, &request.note_id(), |existing| {
        let clipped =
            quotebook_core::clip::clip_with_images(request, existing).map_err(|e| e.to_string())?;
        Ok((clipped.note, clipped.images))
    })
}

/// Saves into the backup at `path` (made when missing, written atomically): `save` gets
/// the stored note `note_id`, if any, and returns the note and the image bytes it keeps.
pub fn save_into_library(
    path: &str,
    note_id: &str,
    save: impl FnOnce(Option<Note>) -> Result<(Note, Vec<ImageBytes>), String>,
) -> Result<Note, String> {
    let mut library = match fs::symlink_metadata(path) {
        Ok(_) => read_library(path)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Library::default(),
        Err(e) => return Err(format!("cannot read {path}: {e}")),
    };
    let existing = library.get(note_id).cloned();
    let (note, images) = save(existing)?;
    library.add(note.clone());
    library.add_images(images);
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
    render_settings_with(args, None)
}

/// [`render_settings`], each flag not given taken from the file settings a backup carries
/// (the same backup then gives the same files as in the browser that wrote it).
pub fn render_settings_with(
    args: &TemplateArgs,
    carried: Option<&FileSettings>,
) -> Result<(Templates, RenderOptions), String> {
    let (templates, options) = render_settings_only(args)?;
    let Some(carried) = carried else {
        return Ok((templates, options));
    };
    // A template file given replaces the backup's; an empty one means the default.
    let pick = |flag: &Option<String>, given: String, theirs: &str| {
        if flag.is_some() {
            given
        } else {
            theirs.to_owned()
        }
    };
    Ok((
        Templates {
            note: pick(&args.template, templates.note, &carried.templates.note),
            quote: pick(
                &args.quote_template,
                templates.quote,
                &carried.templates.quote,
            ),
        },
        RenderOptions {
            tz_offset_minutes: args.tz_offset.unwrap_or(carried.tz_offset_minutes),
            locale: carried.locale.clone(),
            quote_order: carried.quote_order,
            images: carried_images(args, options.images, carried.images.as_ref()),
        },
    ))
}

/// The image options: each flag given wins, else what the backup carries (keep, folder,
/// embed), else the flags' defaults.
fn carried_images(
    args: &TemplateArgs,
    given: ImageOptions,
    carried: Option<&ImageOptions>,
) -> ImageOptions {
    let Some(carried) = carried else {
        return given;
    };
    ImageOptions {
        keep: if args.images.is_some() {
            given.keep
        } else {
            carried.keep
        },
        folder: if args.attachments.is_some() {
            given.folder
        } else {
            carried.folder.clone()
        },
        embed: if args.embed.is_some() {
            given.embed
        } else {
            carried.embed
        },
        note_folder: given.note_folder,
    }
}

fn render_settings_only(args: &TemplateArgs) -> Result<(Templates, RenderOptions), String> {
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
    let defaults = ImageOptions::default();
    Ok((
        templates,
        RenderOptions {
            tz_offset_minutes: args.tz_offset.unwrap_or(0),
            images: ImageOptions {
                // The library carries the bytes: export and sync write them by default.
                keep: args.images.as_deref() != Some("link"),
                folder: args.attachments.clone().unwrap_or(defaults.folder),
                embed: match args.embed.as_deref() {
                    Some("commonmark") => Embed::CommonMark,
                    _ => Embed::Obsidian,
                },
                note_folder: String::new(),
            },
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

/// A real folder, reached only through directory handles: each folder on a path is opened
/// from the one before it, refusing symbolic links, and every file is opened, checked,
/// written and renamed relative to the handle of its folder. Nothing done here can reach
/// outside the folder, whatever is renamed or linked in it meanwhile (`cap-std` confines
/// each operation to its handle).
pub struct FsFolder {
    root: Dir,
    path: PathBuf,
    /// Runs after a file's new text is written beside it and before the last check and the
    /// rename: where an edit saved by the reader, or a folder swapped for a link, would race
    /// with the write.
    #[cfg(test)]
    before_replace: Option<Hook>,
}

/// What a test runs where a write races with the reader.
#[cfg(test)]
type Hook = Box<dyn Fn(&str) + Send + Sync>;

impl std::fmt::Debug for FsFolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FsFolder")
            .field("path", &self.path)
            .finish()
    }
}

/// The folder holding a path's last component: the synced folder itself, or one opened
/// inside it.
enum Parent<'a> {
    Root(&'a Dir),
    Sub(Dir),
}

impl std::ops::Deref for Parent<'_> {
    type Target = Dir;
    fn deref(&self) -> &Dir {
        match self {
            Parent::Root(dir) => dir,
            Parent::Sub(dir) => dir,
        }
    }
}

/// Why opening `name` in `dir` failed, as an [`Entry`].
fn classify(dir: &Dir, name: &str, error: &io::Error) -> Entry {
    match dir.symlink_metadata(name) {
        Ok(m) if m.file_type().is_symlink() => Entry::Symlink,
        Ok(m) if !m.is_file() => Entry::NotAFile,
        _ => Entry::Unreadable(error.to_string()),
    }
}

/// Opens the regular file `name` in `dir` for reading: never through a link, never waiting
/// on a pipe, and checked to be a regular file once open. `None` when there is none.
fn open_file(dir: &Dir, name: &str) -> Result<Option<cap_std::fs::File>, Entry> {
    let mut options = OpenOptions::new();
    options.read(true).follow(FollowSymlinks::No);
    #[cfg(unix)]
    {
        use cap_std::fs::OpenOptionsExt as _;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    match dir.open_with(name, &options) {
        Ok(file) => match file.metadata() {
            Ok(meta) if meta.is_file() => Ok(Some(file)),
            Ok(_) => Err(Entry::NotAFile),
            Err(e) => Err(Entry::Unreadable(e.to_string())),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(classify(dir, name, &e)),
    }
}

fn read_all(mut file: cap_std::fs::File) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Writes `bytes` to a new temporary file in `dir`, beside the file it will replace;
/// returns its name.
fn write_temp(dir: &Dir, bytes: &[u8], durable: bool) -> Result<String, String> {
    let mut n = 0u32;
    let (tmp, mut file) = loop {
        let tmp = temp_name(std::process::id(), n);
        match dir.open_with(&tmp, OpenOptions::new().write(true).create_new(true)) {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(format!("cannot create a temporary file: {e}")),
        }
    };
    let result = file
        .write_all(bytes)
        .and_then(|()| if durable { file.sync_all() } else { Ok(()) });
    drop(file);
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = dir.remove_file(&tmp);
            Err(format!("cannot write {tmp}: {e}"))
        }
    }
}

/// Whether `name` in `dir` is still what the plan saw: nothing, or a regular file with
/// that hash.
fn still_expected(dir: &Dir, name: &str, expect: &Expect) -> Result<(), String> {
    match expect {
        Expect::Absent => match dir.symlink_metadata(name) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Ok(_) => Err("a file appeared there meanwhile".into()),
            Err(e) => Err(e.to_string()),
        },
        Expect::Hash(expected) => match open_file(dir, name) {
            Ok(None) => Err("it was deleted meanwhile".into()),
            Err(entry) => Err(describe(&entry)),
            Ok(Some(file)) => {
                if hash::hash(&read_all(file)?) == *expected {
                    Ok(())
                } else {
                    Err("it changed meanwhile; sync again".into())
                }
            }
        },
    }
}

/// Moves the temporary file `tmp` to `name`, both in `dir`. With `create_new`, an existing
/// `name` is never replaced.
fn put_in_place(dir: &Dir, tmp: &str, name: &str, create_new: bool) -> Result<(), String> {
    if !create_new {
        return dir
            .rename(tmp, dir, name)
            .map_err(|e| format!("cannot replace {name}: {e}"));
    }
    // A hard link fails if the target exists, so a file made meanwhile is safe.
    match dir.hard_link(tmp, dir, name) {
        Ok(()) => {
            let _ = dir.remove_file(tmp);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            Err("a file appeared there meanwhile".to_owned())
        }
        // File systems without hard links: check, then rename.
        Err(_) if dir.symlink_metadata(name).is_err() => {
            dir.rename(tmp, dir, name).map_err(|e| e.to_string())
        }
        Err(_) => Err("a file appeared there meanwhile".to_owned()),
    }
}

impl FsFolder {
    /// The folder `root` (see [`open_root`]), held open from now on.
    pub fn open(root: PathBuf) -> Result<FsFolder, String> {
        let dir = Dir::open_ambient_dir(&root, cap_std::ambient_authority())
            .map_err(|e| format!("cannot open the folder {}: {e}", root.display()))?;
        Ok(FsFolder {
            root: dir,
            path: root,
            #[cfg(test)]
            before_replace: None,
        })
    }

    /// This folder, running `hook` where a write races with the reader (see
    /// `before_replace`).
    #[cfg(test)]
    fn with_hook(mut self, hook: impl Fn(&str) + Send + Sync + 'static) -> FsFolder {
        self.before_replace = Some(Box::new(hook));
        self
    }

    /// `.quotebook/`, which must be a real folder (made with `create`; `None` when missing).
    fn state_dir(&self, create: bool) -> Result<Option<Dir>, String> {
        let shown = || self.path.join(".quotebook").display().to_string();
        let name = ".quotebook";
        match self.root.open_dir_nofollow(name) {
            Ok(dir) => return Ok(Some(dir)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(match classify(&self.root, name, &e) {
                    Entry::Symlink => {
                        format!("{} is a symbolic link: refusing to use it", shown())
                    }
                    Entry::NotAFile => format!("{} is not a folder", shown()),
                    _ => format!("cannot open {}: {e}", shown()),
                });
            }
        }
        if !create {
            return Ok(None);
        }
        match self.root.create_dir(name) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("cannot create {}: {e}", shown())),
        }
        self.state_dir(false)
    }

    /// The folder holding `path`'s last component, opened folder by folder without following
    /// a link (with `create`, making the missing ones), and that component. `None` when a
    /// folder on the way is missing.
    fn parent<'p>(
        &self,
        path: &'p str,
        create: bool,
    ) -> Result<Option<(Parent<'_>, &'p str)>, Entry> {
        let state_file = path == STATE_PATH || path == LIBRARY_PATH;
        if path.is_empty() || !(state_file || is_safe_relative(path)) {
            return Err(Entry::Unreadable(format!("unsafe path {path:?}")));
        }
        let (folders, name) = match path.rsplit_once('/') {
            Some((folders, name)) => (Some(folders), name),
            None => (None, path),
        };
        let mut dir = Parent::Root(&self.root);
        for component in folders.into_iter().flat_map(|f| f.split('/')) {
            let next = match dir.open_dir_nofollow(component) {
                Ok(next) => next,
                Err(e) if e.kind() == io::ErrorKind::NotFound && create => {
                    match dir.create_dir(component) {
                        Ok(()) => {}
                        // Made by someone else in between: opened (and checked) below.
                        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                        Err(e) => {
                            return Err(Entry::Unreadable(format!(
                                "cannot create the folder {component:?}: {e}"
                            )));
                        }
                    }
                    dir.open_dir_nofollow(component)
                        .map_err(|e| classify(&dir, component, &e))?
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(classify(&dir, component, &e)),
            };
            dir = Parent::Sub(next);
        }
        Ok(Some((dir, name)))
    }

    /// Writes one planned file, if what is there is still what the planner saw: its new
    /// text goes to a temporary file beside it, then the file is checked again (its hash, or
    /// that there is none) immediately before the rename, so that an edit saved meanwhile
    /// is left alone and the write is reported as not done.
    pub fn write(&self, write: &Write) -> Result<(), String> {
        if !is_safe_relative(&write.path) {
            return Err(format!("unsafe path {:?}", write.path));
        }
        let (dir, name) = match self.parent(&write.path, true) {
            Ok(Some(found)) => found,
            Ok(None) => return Err("its folder was removed meanwhile".into()),
            Err(entry) => return Err(describe(&entry)),
        };
        let tmp = write_temp(&dir, &write.bytes, false)?;
        #[cfg(test)]
        if let Some(hook) = &self.before_replace {
            hook(&write.path);
        }
        let result = still_expected(&dir, name, &write.expect)
            .and_then(|()| put_in_place(&dir, &tmp, name, write.expect == Expect::Absent));
        if result.is_err() {
            let _ = dir.remove_file(&tmp);
        }
        result
    }

    /// Writes a file of `.quotebook/` unless it already holds exactly `bytes`.
    fn replace_if_changed(&self, path: &str, bytes: &[u8]) -> Result<bool, String> {
        let (dir, name) = match self.parent(path, true) {
            Ok(Some(found)) => found,
            Ok(None) => return Err(format!("{path}: its folder was removed meanwhile")),
            Err(entry) => return Err(format!("{path}: {}", describe(&entry))),
        };
        match open_file(&dir, name) {
            Ok(Some(file)) => {
                if read_all(file).is_ok_and(|now| now == bytes) {
                    return Ok(false);
                }
            }
            Ok(None) => {}
            Err(Entry::NotAFile) => return Err(format!("{path} is not a regular file")),
            Err(entry) => return Err(format!("{path}: {}", describe(&entry))),
        }
        let tmp = write_temp(&dir, bytes, true).map_err(|e| format!("{path}: {e}"))?;
        put_in_place(&dir, &tmp, name, false).map_err(|e| {
            let _ = dir.remove_file(&tmp);
            format!("cannot write {path}: {e}")
        })?;
        Ok(true)
    }
}

impl Folder for FsFolder {
    fn read(&self, path: &str) -> Entry {
        let (dir, name) = match self.parent(path, false) {
            Ok(Some(found)) => found,
            Ok(None) => return Entry::Missing,
            Err(entry) => return entry,
        };
        match open_file(&dir, name) {
            Ok(None) => Entry::Missing,
            Ok(Some(file)) => match read_all(file) {
                Ok(bytes) => Entry::File(bytes),
                Err(why) => Entry::Unreadable(why),
            },
            Err(entry) => entry,
        }
    }

    fn names(&self, dir: &str) -> Vec<String> {
        let opened;
        let folder: &Dir = if dir.is_empty() {
            &self.root
        } else {
            match self.parent(dir, false) {
                Ok(Some((parent, name))) => match parent.open_dir_nofollow(name) {
                    Ok(d) => {
                        opened = d;
                        &opened
                    }
                    Err(_) => return Vec::new(),
                },
                _ => return Vec::new(),
            }
        };
        match folder.entries() {
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
struct SyncLock(Dir);

impl SyncLock {
    const STALE: std::time::Duration = std::time::Duration::from_secs(600);
    const NAME: &str = "sync.lock";

    /// Takes the lock in `state_dir`, the `.quotebook/` of `root` (named in messages).
    fn take(state_dir: &Dir, root: &Path) -> Result<SyncLock, String> {
        let shown = || {
            root.join(".quotebook")
                .join(Self::NAME)
                .display()
                .to_string()
        };
        let state_dir = state_dir
            .try_clone()
            .map_err(|e| format!("cannot take {}: {e}", shown()))?;
        for _ in 0..2 {
            match state_dir.open_with(Self::NAME, OpenOptions::new().write(true).create_new(true)) {
                Ok(mut file) => {
                    let _ = writeln!(file, "{}", std::process::id());
                    return Ok(SyncLock(state_dir));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let age = state_dir
                        .symlink_metadata(Self::NAME)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.into_std().elapsed().ok());
                    if age.is_some_and(|age| age < Self::STALE) {
                        return Err(format!(
                            "another sync of this folder is running (if not, remove {})",
                            shown()
                        ));
                    }
                    let _ = state_dir.remove_file(Self::NAME);
                }
                Err(e) => return Err(format!("cannot create {}: {e}", shown())),
            }
        }
        Err(format!("cannot take {}", shown()))
    }
}

impl Drop for SyncLock {
    fn drop(&mut self) {
        let _ = self.0.remove_file(Self::NAME);
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
        let folder = FsFolder::open(dir.clone()).unwrap();
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
        let folder = FsFolder::open(dir.clone()).unwrap();
        let handle = folder.state_dir(true).unwrap().unwrap();
        let first = SyncLock::take(&handle, &dir).unwrap();
        assert!(state.join("sync.lock").is_file());
        let busy = SyncLock::take(&handle, &dir).unwrap_err();
        assert!(busy.contains("another sync"), "{busy}");
        drop(first);
        let again = SyncLock::take(&handle, &dir).unwrap();
        drop(again);
        assert!(!state.join("sync.lock").exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    /// The names in `dir`, sorted.
    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn an_edit_saved_just_before_the_rename_is_kept() {
        let dir = temp("race-edit");
        fs::write(dir.join("a.md"), "as synced").unwrap();
        let file = dir.join("a.md");
        // The reader saves an edit after the plan, while the new text is being written.
        let folder = FsFolder::open(dir.clone())
            .unwrap()
            .with_hook(move |_| fs::write(&file, "the reader's edit").unwrap());
        let update = write("a.md", b"ours", Expect::Hash(hash::hash(b"as synced")));
        let why = folder.write(&update).unwrap_err();
        assert!(why.contains("changed meanwhile"), "{why}");
        assert_eq!(
            fs::read_to_string(dir.join("a.md")).unwrap(),
            "the reader's edit"
        );
        // A file the reader made there meanwhile is not replaced either.
        let file = dir.join("b.md");
        let folder = FsFolder::open(dir.clone())
            .unwrap()
            .with_hook(move |_| fs::write(&file, "made by the reader").unwrap());
        let why = folder
            .write(&write("b.md", b"ours", Expect::Absent))
            .unwrap_err();
        assert!(why.contains("appeared"), "{why}");
        assert_eq!(
            fs::read_to_string(dir.join("b.md")).unwrap(),
            "made by the reader"
        );
        // No temporary file is left behind.
        assert_eq!(listing(&dir), ["a.md", "b.md"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_session_whose_file_is_edited_before_the_rename_keeps_the_edit() {
        use quotebook_core::note::Quote;
        let dir = temp("race-session");
        let library = |quotes: &[&str]| {
            Library {
                notes: vec![Note {
                    schema: quotebook_core::SCHEMA_VERSION,
                    id: "https://a.example/".into(),
                    url: "https://a.example/".into(),
                    title: "A".into(),
                    created: "2024-06-05T12:00:00.000Z".into(),
                    updated: "2024-06-05T12:00:00.000Z".into(),
                    quotes: quotes
                        .iter()
                        .enumerate()
                        .map(|(i, text)| Quote {
                            id: format!("q{i}"),
                            markdown: (*text).into(),
                            text: (*text).into(),
                            created: format!("2024-06-05T12:00:0{i}.000Z"),
                            ..Quote::default()
                        })
                        .collect(),
                    ..Note::default()
                }],
                ..Library::default()
            }
            .to_json()
        };
        let settings = Settings::default();
        let plain = FsFolder::open(dir.clone()).unwrap();
        let first = sync_in(&plain, Some(("l", &library(&["One."]))), &settings, false).unwrap();
        assert_eq!(first.counts().created, 1);
        let synced = fs::read_to_string(dir.join("A.md")).unwrap();

        // A second quote: the file is to be rewritten, and the reader edits it just then.
        let file = dir.join("A.md");
        let edited = format!("{synced}\nMy own line.\n");
        let edit = edited.clone();
        let racing = FsFolder::open(dir.clone())
            .unwrap()
            .with_hook(move |_| fs::write(&file, &edit).unwrap());
        let two = library(&["One.", "Two."]);
        let second = sync_in(&racing, Some(("l", &two)), &settings, false).unwrap();
        assert!(
            matches!(
                &second.decisions[0].outcome,
                quotebook_core::sync::Outcome::Skipped(quotebook_core::sync::Skip::NotWritten(
                    why
                )) if why.contains("changed meanwhile")
            ),
            "{:?}",
            second.decisions
        );
        assert_eq!(fs::read_to_string(dir.join("A.md")).unwrap(), edited);

        // The next sync sees an edited file, as for any edit: the quote is appended to it.
        let third = sync_in(&plain, Some(("l", &two)), &settings, false).unwrap();
        assert_eq!(third.counts().appended, 1, "{:?}", third.decisions);
        let now = fs::read_to_string(dir.join("A.md")).unwrap();
        assert!(now.starts_with(&edited), "{now}");
        assert!(now.contains("> Two."), "{now}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_swapped_for_a_link_before_the_rename_is_not_followed() {
        let dir = temp("race-link");
        let outside = temp("race-link-outside");
        fs::create_dir(dir.join("sub")).unwrap();
        fs::write(dir.join("sub/a.md"), "as synced").unwrap();
        fs::write(outside.join("a.md"), "as synced").unwrap();
        // Between the plan and the rename, `sub` is moved away and a link to a folder
        // outside takes its place (holding a file with the very text the plan saw).
        let (from, to) = (dir.clone(), outside.clone());
        let folder = FsFolder::open(dir.clone()).unwrap().with_hook(move |_| {
            if from.join("sub").is_dir() && !from.join("sub-moved").exists() {
                fs::rename(from.join("sub"), from.join("sub-moved")).unwrap();
                std::os::unix::fs::symlink(&to, from.join("sub")).unwrap();
            }
        });
        let update = write("sub/a.md", b"ours", Expect::Hash(hash::hash(b"as synced")));
        let new = write("sub/b.md", b"new", Expect::Absent);
        let _ = folder.write(&update);
        // The link is in place now: a later write refuses it.
        assert!(folder.write(&new).is_err());
        assert_eq!(
            fs::read_to_string(outside.join("a.md")).unwrap(),
            "as synced"
        );
        assert_eq!(listing(&outside), ["a.md"]);
        // The write went to the folder it had opened, which is still inside.
        assert_eq!(
            fs::read_to_string(dir.join("sub-moved/a.md")).unwrap(),
            "ours"
        );
        fs::remove_dir_all(&dir).unwrap();
        fs::remove_dir_all(&outside).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_are_reported_and_never_followed() {
        let dir = temp("links");
        let outside = temp("links-outside");
        std::os::unix::fs::symlink(&outside, dir.join("sub")).unwrap();
        std::os::unix::fs::symlink(outside.join("f.md"), dir.join("f.md")).unwrap();
        fs::write(outside.join("f.md"), "outside").unwrap();
        let folder = FsFolder::open(dir.clone()).unwrap();
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
        // A link to a folder inside is not followed either.
        fs::create_dir(dir.join("real")).unwrap();
        std::os::unix::fs::symlink(dir.join("real"), dir.join("inner")).unwrap();
        assert_eq!(folder.read("inner/x.md"), Entry::Symlink);
        assert!(
            folder
                .write(&write("inner/x.md", b"no", Expect::Absent))
                .is_err()
        );
        assert_eq!(fs::read_dir(dir.join("real")).unwrap().count(), 0);
        // Nor is `.quotebook/` as a link: the state is never written through it.
        std::os::unix::fs::symlink(&outside, dir.join(".quotebook")).unwrap();
        assert!(
            folder
                .state_dir(true)
                .unwrap_err()
                .contains("symbolic link")
        );
        assert!(folder.replace_if_changed(STATE_PATH, b"{}").is_err());
        assert_eq!(fs::read_dir(&outside).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
        fs::remove_dir_all(&outside).unwrap();
    }
}
