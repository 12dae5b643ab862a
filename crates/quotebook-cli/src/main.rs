//! `quotebook`: the core on the command line. The commands and their arguments are
//! declared in [`args`] (`quotebook --help`, `quotebook <command> --help`).

use std::io::{self, Read, Write};
use std::process::ExitCode;

use clap::Parser;
use quotebook_core::Note;
use quotebook_core::clip::{
    Capture, ClipRequest, ImageBytes, ImageClipRequest, image_clip_with_bytes,
};
use quotebook_core::note::blockquote;
use quotebook_core::page_text;
use quotebook_core::template::{QuoteOrder, RenderOptions, render_note};

mod args;
mod clock;
mod export;
mod host;
mod install_host;
mod sync;

use args::{Cli, ClipArgs, Command, ConvertArgs, RenderArgs};

fn main() -> ExitCode {
    // A usage error (an unknown command or argument, a missing one, a value of the wrong
    // kind) is reported by clap, with suggestions, and exits with code 2.
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Convert(args) => convert(args).map_err(Failure::from),
        Command::Clip(args) => clip(args).map_err(Failure::from),
        Command::Render(args) => render(args).map_err(Failure::from),
        Command::Export(args) => export::run(args),
        Command::Sync(args) => sync::run(args),
        Command::Host(args) => host::run(args).map_err(Failure::from),
        Command::InstallHost(args) => install_host::run(args).map_err(Failure::from),
    };
    match result {
        Ok(output) => print(&output),
        // What was done is reported as usual; what was not, on standard error.
        Err(Failure::Incomplete { output, message }) => {
            let printed = print(&output);
            eprintln!("quotebook: {message}");
            if printed == ExitCode::SUCCESS {
                ExitCode::FAILURE
            } else {
                printed
            }
        }
        Err(Failure::Error(message)) => {
            eprintln!("quotebook: {message}");
            ExitCode::from(2)
        }
    }
}

/// How a command fails: not at all done (exit code 2), or done but for some of what it was
/// asked (exit code 1: `sync` or `export` that left notes unwritten).
pub enum Failure {
    Error(String),
    Incomplete {
        /// The report of what was done, printed as on success.
        output: String,
        /// What was not done.
        message: String,
    },
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Error(message)
    }
}

fn print(output: &str) -> ExitCode {
    match io::stdout().lock().write_all(output.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`quotebook … | head`) is not worth a message.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quotebook: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `Ok(output)`, or [`Failure::Incomplete`] naming the `unwritten` paths (or notes).
pub fn unless_unwritten(output: String, unwritten: &[String]) -> Result<String, Failure> {
    if unwritten.is_empty() {
        return Ok(output);
    }
    let message = match unwritten {
        [one] => format!("1 note was not written: {one}"),
        many => format!("{} notes were not written: {}", many.len(), many.join(", ")),
    };
    Err(Failure::Incomplete { output, message })
}

fn convert(args: ConvertArgs) -> Result<String, String> {
    let base_url = args.base_url.as_deref().unwrap_or("about:blank");
    let html = match args.file.as_deref() {
        None | Some("-") => read_stdin()?,
        Some(path) => read_file(path)?,
    };
    let markdown = quotebook_core::html_to_markdown(&html, base_url).map_err(|e| e.to_string())?;
    // A converter never refuses: nothing in, nothing out.
    Ok(if markdown.is_empty() {
        String::new()
    } else if args.quote {
        blockquote(&markdown)
    } else {
        format!("{markdown}\n")
    })
}

fn clip(args: ClipArgs) -> Result<String, String> {
    if args.image.is_some() {
        return clip_image(args);
    }
    let html = read_file(args.html_file.as_deref().unwrap_or_default())?;
    let meta_html = args.page_file.as_deref().map(read_file).transpose()?;
    // With the page, the deep link: the selection's text located in the page's visible
    // text (whitespace aside, the first occurrence), as the extension's capture sends it.
    // A deep link is a bonus: a selection the page does not hold is saved without one.
    let (page_text, offsets, text) = match &meta_html {
        Some(page) => {
            let page_text = page_text::visible_text(page);
            let selected = page_text::visible_text(&html);
            match page_text::locate(&page_text, &selected) {
                Some((start, end)) => (Some(page_text), vec![[start, end]], selected),
                None => {
                    eprintln!(
                        "quotebook: the selection's text does not occur in the page's visible \
                         text ({}): saved without a deep link",
                        args.page_file.as_deref().unwrap_or_default()
                    );
                    // The page's text still dates the page and names its author.
                    (Some(page_text), Vec::new(), selected)
                }
            }
        }
        None => (None, Vec::new(), String::new()),
    };
    let now = match args.now {
        Some(now) => now,
        None => clock::now_rfc3339(),
    };
    let request = ClipRequest {
        capture: Capture {
            url: args.url,
            base_url: args.base_url,
            title: args.title.unwrap_or_default(),
            ranges: vec![html],
            meta_html,
            page_text,
            offsets,
            text,
            ..Capture::default()
        },
        comment: args.comment.unwrap_or_default(),
        tags: args
            .tags
            .as_deref()
            .map_or_else(Vec::new, |t| t.split(',').map(str::to_owned).collect()),
        quote_id: clock::fresh_id(),
        now,
        ..ClipRequest::default()
    };
    let note = match args.library.as_deref() {
        Some(path) => sync::clip_into_library(path, &request)?,
        None => quotebook_core::clip(&request, None).map_err(|e| e.to_string())?,
    };
    Ok(if args.json {
        note.to_json() + "\n"
    } else {
        note.to_markdown()
    })
}

/// `quotebook clip --image FILE`: the image, recognised by its bytes, as a quote of its
/// own; with `--library`, its bytes are kept in the backup (and written by export and
/// sync as an attachment).
fn clip_image(args: ClipArgs) -> Result<String, String> {
    use base64::Engine;
    let path = args.image.as_deref().unwrap_or_default();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let info = quotebook_core::image::inspect(&bytes).map_err(|e| format!("{path}: {e}"))?;
    let meta_html = args.page_file.as_deref().map(read_file).transpose()?;
    let src = match &args.src {
        Some(src) => src.clone(),
        None => format!(
            "data:{};base64,{}",
            info.mime,
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        ),
    };
    let request = ImageClipRequest {
        url: args.url,
        title: args.title.unwrap_or_default(),
        meta_html,
        src: src.clone(),
        alt: args.alt.unwrap_or_default(),
        caption: args.caption.unwrap_or_default(),
        comment: args.comment.unwrap_or_default(),
        tags: args
            .tags
            .as_deref()
            .map_or_else(Vec::new, |t| t.split(',').map(str::to_owned).collect()),
        quote_id: clock::fresh_id(),
        now: args.now.unwrap_or_else(clock::now_rfc3339),
        ..ImageClipRequest::default()
    };
    let name = std::path::Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let save = |existing: Option<Note>| -> Result<(Note, Vec<ImageBytes>), String> {
        let clipped = image_clip_with_bytes(&request, existing).map_err(|e| e.to_string())?;
        let mut note = clipped.note;
        if args.src.is_some() {
            note.attach_image(&src, Ok(&info));
        }
        if let Some(quote) = note.quotes.iter_mut().find(|q| q.id == request.quote_id) {
            for image in quote.images.iter_mut().filter(|i| i.name.is_empty()) {
                image.name.clone_from(&name);
            }
        }
        let kept = ImageBytes {
            hash: info.hash.clone(),
            mime: info.mime.clone(),
            bytes: bytes.clone(),
        };
        Ok((note, vec![kept]))
    };
    let note = match args.library.as_deref() {
        Some(library) => sync::save_into_library(library, &request.note_id(), save)?,
        None => save(None)?.0,
    };
    Ok(if args.json {
        note.to_json() + "\n"
    } else {
        note.to_markdown()
    })
}

fn render(args: RenderArgs) -> Result<String, String> {
    let (templates, mut options) = sync::render_settings(&args.templates)?;
    // One note on standard output has no folder for its images: they link to their
    // remote URLs unless asked to embed files written elsewhere.
    options.images.keep = args.templates.images.as_deref() == Some("keep");
    let options = RenderOptions {
        locale: args.locale,
        quote_order: if args.page_order {
            QuoteOrder::Page
        } else {
            QuoteOrder::Saved
        },
        ..options
    };
    // Arguments first: a mistake there is reported before waiting on standard input.
    let json = read_stdin()?;
    let note = Note::from_json(&json).map_err(|e| e.to_string())?;
    let rendered = render_note(&note, &templates, &options);
    if args.json {
        return Ok(serde_json::to_string_pretty(&rendered).expect("a rendering serialises") + "\n");
    }
    if let Some(error) = &rendered.error {
        // The note is still rendered (with the defaults); say why the template was not used.
        eprintln!(
            "quotebook: {} template, line {}, column {}: {} (rendered with the default template)",
            error.template, error.line, error.column, error.message
        );
    }
    Ok(rendered.markdown)
}

fn read_file(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn read_stdin() -> Result<String, String> {
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read standard input as UTF-8: {e}"))?;
    Ok(text)
}
