//! `quotebook export`: a backup's notes as Markdown files, in a `.zip`, in a folder, or one
//! note as a `.md` file. Never replaces an existing file (unless `--force` for a `.zip` or
//! `.md` output).

use std::collections::HashSet;
use std::io::{Cursor, IsTerminal, Write as _};
use std::path::Path;

use quotebook_core::embed::attachment_files;
use quotebook_core::library::Library;
use quotebook_core::sync::name::{candidate, collision_key};
use quotebook_core::sync::render::name_fields;
use quotebook_core::sync::session::attachments_for;
use quotebook_core::sync::{NameFields, Outcome, Pattern, SyncState, plan};
use quotebook_core::template::{RenderOptions, Rendered, Renderer, Templates};
use quotebook_core::time;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::args::ExportArgs;
use crate::sync::{
    FsFolder, Timer, atomic_write, name_of, open_root, read_library_and_settings, render_all,
    render_settings_with,
};
use crate::{Failure, unless_unwritten};

/// Progress is shown past this many notes.
const PROGRESS_FROM: usize = 1000;

pub fn run(args: ExportArgs) -> Result<String, Failure> {
    let timer = Timer::new();
    let (mut library, carried) = read_library_and_settings(&args.from)?;
    timer.lap("read the library");
    if let Some(id) = &args.note {
        let note = library
            .get(id)
            .cloned()
            .ok_or_else(|| format!("no note with the id {id:?}"))?;
        library = Library {
            notes: vec![note],
            ..Library::default()
        };
    }
    let to = args.to.as_str();
    // The flags given, else the settings the backup carries: the browser's files.
    let (templates, mut options) = render_settings_with(&args.templates, carried.as_ref())?;
    let carried_pattern = carried
        .as_ref()
        .map(|c| c.file_name_pattern.as_str())
        .filter(|p| !p.trim().is_empty());
    let pattern = match args.pattern.as_deref().or(carried_pattern) {
        Some(p) => Pattern::parse(p).map_err(|e| e.to_string())?,
        None => Pattern::default(),
    };
    // CommonMark embeds climb out of the note's folders to the attachments folder.
    let source = args
        .pattern
        .as_deref()
        .or(carried_pattern)
        .unwrap_or_default();
    options.images.note_folder = source
        .rfind(['/', '\\'])
        .map_or("", |at| &source[..at])
        .to_owned();
    let progress = Progress::new(library.notes.len(), args.progress);
    let lower = to.to_lowercase();
    if lower.ends_with(".md") {
        // One file has no folder for its images: they link to their remote URLs.
        options.images.keep = false;
        let notes = render_all(&library, &templates, &options);
        let [note] = notes.as_slice() else {
            return Err(format!(
                "the backup holds {} notes: choose one with --note ID, or export to a .zip or a folder",
                notes.len()
            )
            .into());
        };
        write_output(to, note.file.as_bytes(), args.force)?;
        return Ok(format!("exported 1 note to {to}\n"));
    }
    if lower.ends_with(".zip") {
        let files = render_files(&library, &templates, &options);
        timer.lap("render");
        let attachments = attachment_files(&library.notes, &options);
        let mut missing = Vec::new();
        let images: Vec<(&str, &[u8])> = attachments
            .iter()
            .filter_map(|file| match library.image(&file.hash) {
                Some(image) => Some((file.path.as_str(), image.bytes.as_slice())),
                None => {
                    missing.push(file.path.as_str());
                    None
                }
            })
            .collect();
        let bytes = zip_notes(&library, &files, &pattern, &images, &progress)?;
        timer.lap("zip");
        write_output(to, &bytes, args.force)?;
        timer.lap("write");
        progress.done();
        let mut out = String::new();
        for path in &missing {
            out.push_str(&format!(
                "skipped   {path}: the backup holds no bytes for this image\n"
            ));
        }
        out.push_str(&format!(
            "exported {} notes{} to {to}\n",
            files.len(),
            match images.len() {
                0 => String::new(),
                1 => " and 1 image".to_owned(),
                n => format!(" and {n} images"),
            }
        ));
        return Ok(out);
    }
    // A folder: the planner names the files, avoiding every existing name; files already
    // holding a note as exported are left as they are.
    let notes = render_all(&library, &templates, &options);
    let render_options = options.clone();
    let folder = FsFolder::open(open_root(to, true)?)?;
    let options = quotebook_core::sync::Options {
        pattern,
        ..Default::default()
    };
    let planned = plan(&notes, &SyncState::default(), &folder, &options);
    let attachments = attachments_for(&folder, &library.notes, &library, &render_options);
    let mut out = String::new();
    let (mut created, mut present) = (0, 0);
    let mut unwritten = Vec::new();
    let mut attached = 0;
    for write in &attachments.writes {
        match folder.write(write) {
            Ok(()) => attached += 1,
            Err(why) => {
                out.push_str(&format!("skipped   {}: {why}\n", write.path));
                unwritten.push(format!("{:?}", write.path));
            }
        }
    }
    for (path, line) in &attachments.lines {
        if !attachments.writes.iter().any(|w| &w.path == path) {
            out.push_str(line);
            out.push('\n');
        }
    }
    for file in &attachments.without_bytes {
        out.push_str(&format!(
            "skipped   {}: the backup holds no bytes for this image\n",
            file.path
        ));
    }
    for (i, write) in planned.writes.iter().enumerate() {
        progress.tick(i);
        if let Err(why) = folder.write(write) {
            out.push_str(&format!("skipped   {}: {why}\n", write.path));
            unwritten.push(format!("{:?}", write.path));
        } else {
            created += 1;
        }
    }
    for decision in &planned.decisions {
        match &decision.outcome {
            Outcome::Created { .. } => {}
            Outcome::Skipped(quotebook_core::sync::Skip::UpToDate) => present += 1,
            _ => out.push_str(&format!("{decision}\n")),
        }
        if decision.not_written() {
            unwritten.push(name_of(decision));
        }
    }
    progress.done();
    let images = match attached {
        0 => String::new(),
        1 => " and 1 image".to_owned(),
        n => format!(" and {n} images"),
    };
    out.push_str(&format!(
        "exported {created} notes{images} to {to} ({present} already there, {} not written)\n",
        unwritten.len()
    ));
    unless_unwritten(out, &unwritten)
}

/// Each note's name fields and file, rendered on every core (the order is kept).
fn render_files(
    library: &Library,
    templates: &Templates,
    options: &RenderOptions,
) -> Vec<(NameFields, String)> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = library.notes.len().div_ceil(threads).max(1);
    let rendered: Vec<(NameFields, Rendered)> = std::thread::scope(|scope| {
        let workers: Vec<_> = library
            .notes
            .chunks(chunk)
            .map(|notes| {
                scope.spawn(move || {
                    // Templates compile once per thread, not once per note.
                    let mut renderer = Renderer::new(templates, options);
                    notes
                        .iter()
                        .map(|n| (name_fields(n, options), renderer.render(n)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("rendering never panics"))
            .collect()
    });
    if let Some(error) = rendered.iter().find_map(|(_, r)| r.error.as_ref()) {
        eprintln!(
            "quotebook: {} template, line {}, column {}: {} (the default template is used)",
            error.template, error.line, error.column, error.message
        );
    }
    rendered
        .into_iter()
        .map(|(fields, r)| (fields, r.markdown))
        .collect()
}

/// The notes as a zip of Markdown files (deflate), named by `pattern`.
fn zip_notes(
    library: &Library,
    files: &[(NameFields, String)],
    pattern: &Pattern,
    images: &[(&str, &[u8])],
    progress: &Progress,
) -> Result<Vec<u8>, String> {
    let total: usize = files.iter().map(|(_, f)| f.len()).sum();
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(total / 3 + 1024)));
    let mut taken = HashSet::new();
    for (i, (note, (fields, file))) in library.notes.iter().zip(files).enumerate() {
        progress.tick(i);
        let (folders, stem) = pattern.apply(fields);
        let name = (1..)
            .map(|n| candidate(&folders, &stem, n))
            .find(|name| taken.insert(collision_key(name)))
            .expect("some number is free");
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            // Fast deflate: Markdown still shrinks about 3 times, in a third of the time.
            .compression_level(Some(1))
            .last_modified_time(zip_time(&note.updated));
        zip.start_file(name.as_str(), options)
            .map_err(|e| format!("zip: {e}"))?;
        zip.write_all(file.as_bytes())
            .map_err(|e| format!("zip: {e}"))?;
    }
    for (path, bytes) in images {
        // Images are compressed already: stored as they are.
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        // Attachment names end with their hash and an image extension: they meet no
        // note's name, and two equal ones hold the same bytes (listed once).
        zip.start_file(*path, options)
            .map_err(|e| format!("zip: {e}"))?;
        zip.write_all(bytes).map_err(|e| format!("zip: {e}"))?;
    }
    let cursor = zip.finish().map_err(|e| format!("zip: {e}"))?;
    Ok(cursor.into_inner())
}

/// An RFC 3339 instant as a zip time (UTC), or the zip epoch when it does not parse.
fn zip_time(instant: &str) -> DateTime {
    time::parse_instant(instant)
        .map(|millis| time::civil(millis, 0))
        .and_then(|c| {
            DateTime::from_date_and_time(
                u16::try_from(c.year).ok()?,
                c.month as u8,
                c.day as u8,
                c.hour as u8,
                c.minute as u8,
                c.second as u8,
            )
            .ok()
        })
        .unwrap_or_default()
}

fn write_output(to: &str, bytes: &[u8], force: bool) -> Result<(), String> {
    let path = Path::new(to);
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(format!("{to} already exists (use --force to replace it)"));
    }
    let target = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => path.to_owned(),
        _ => Path::new(".").join(path),
    };
    atomic_write(&target, bytes, !force, true).map_err(|e| format!("cannot write {to}: {e}"))
}

/// `exporting 1200/10000` on standard error, for large exports on a terminal (or asked).
struct Progress {
    total: usize,
    on: bool,
}

impl Progress {
    fn new(total: usize, asked: bool) -> Progress {
        Progress {
            total,
            on: asked || (total >= PROGRESS_FROM && std::io::stderr().is_terminal()),
        }
    }

    fn tick(&self, i: usize) {
        if self.on && i.is_multiple_of(500) {
            eprint!("\rexporting {i}/{}", self.total);
        }
    }

    fn done(&self) {
        if self.on {
            eprintln!("\rexporting {0}/{0}", self.total);
        }
    }
}
