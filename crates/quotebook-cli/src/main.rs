//! `quotebook`: the core on the command line.
//!
//! ```text
//! quotebook convert [--base-url URL] [--quote] < in.html
//! quotebook clip --url URL --html-file SELECTION.html [--page-file PAGE.html] [--title T] …
//! quotebook render [--template FILE] [--quote-template FILE] < NOTE.json
//! ```

use std::io::{self, Read, Write};
use std::process::ExitCode;

use quotebook_core::Note;
use quotebook_core::clip::{Capture, ClipRequest};
use quotebook_core::note::blockquote;
use quotebook_core::page_text;
use quotebook_core::template::{QuoteOrder, RenderOptions, Templates, render_note};

mod args;
mod clock;
mod export;
mod host;
mod install_host;
mod sync;

use args::Args;

const USAGE: &str = "\
usage:
  quotebook convert [--base-url URL] [--quote] < in.html
      Prints the HTML read from standard input as Markdown (with --quote, as a blockquote).
  quotebook clip --url URL --html-file SELECTION.html [--page-file PAGE.html] [--title T]
                [--base-url URL] [--comment TEXT] [--tags a,b] [--now TIME] [--json]
      Prints the note (as stored, JSON, with --json) that saving SELECTION.html from URL gives. With --page-file, the
      whole page supplies the metadata (title, author, dates, canonical URL) and the
      quote's deep link (#:~:text=…), made from the page's visible text where the
      selection's text first occurs (an error when it does not).
      With --library BACKUP.json, the quote is also added to that backup (made if missing).
  quotebook render [--template FILE] [--quote-template FILE] [--tz-offset MINUTES]
                [--locale TAG] [--page-order] [--json] < NOTE.json
      Renders a stored note (JSON, any schema) through templates (the defaults otherwise).
  quotebook export --from BACKUP.json --to OUT.zip|OUT.md|DIR [--note ID] [--pattern P]
                [--force] [--progress]
      Writes the backup's notes as Markdown: all in a .zip, one (--note) as a .md, or all
      into a folder (never replacing a file there). --pattern names the files
      (default {title}.md; also {date} {year} {month} {site} {id}, and / for folders).
  quotebook sync [--from BACKUP.json] --to DIR [--restore] [--overwrite PATH|all]
                [--keep PATH|all] [--pattern P] [--dry-run]
      Syncs the notes into DIR, keeping every edit made there, and prints each decision
      (created, updated, appended, skipped, conflict). State and backup: DIR/.quotebook/.
  quotebook install-host --browser chrome|chromium|edge|firefox --folder DIR
                [--extension-id ID]... [--manifest-dir DIR] [--config FILE]
      Lets the browser extension sync into DIR: writes the native messaging host's
      manifest for that browser, its configuration and launcher.
  quotebook host [--folder DIR] [--config FILE]
      The native messaging host the browser starts (speaks on standard input and output).
  quotebook help
";

const KNOWN: &[&str] = &[
    "convert",
    "clip",
    "render",
    "export",
    "sync",
    "host",
    "install-host",
];

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1);
    let command = argv.next();
    let result = match command.as_deref() {
        Some("convert") => Args::parse(argv, &["--base-url"], &["--quote"]).and_then(convert),
        Some("clip") => Args::parse(
            argv,
            &[
                "--url",
                "--html-file",
                "--page-file",
                "--title",
                "--base-url",
                "--comment",
                "--tags",
                "--now",
                "--library",
            ],
            &["--json"],
        )
        .and_then(clip),
        Some("render") => Args::parse(
            argv,
            &["--template", "--quote-template", "--tz-offset", "--locale"],
            &["--json", "--page-order"],
        )
        .and_then(render),
        Some("export") => Args::parse(argv, export::OPTIONS, export::FLAGS).and_then(export::run),
        Some("sync") => Args::parse(argv, sync::OPTIONS, sync::FLAGS).and_then(sync::run),
        Some("host") => host::run(argv),
        Some("install-host") => install_host::run(argv),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command {other:?}")),
        None => Err("no command given".to_owned()),
    };
    match result {
        Ok(output) => match io::stdout().lock().write_all(output.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            // A closed pipe (`quotebook … | head`) is not worth a message.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("quotebook: cannot write the output: {e}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("quotebook: {message}");
            if command.as_deref().is_none_or(|c| !KNOWN.contains(&c)) {
                eprint!("{USAGE}");
            }
            ExitCode::from(2)
        }
    }
}

fn convert(args: Args) -> Result<String, String> {
    let base_url = args.value("--base-url").unwrap_or("about:blank");
    let mut html = String::new();
    io::stdin()
        .read_to_string(&mut html)
        .map_err(|e| format!("cannot read standard input as UTF-8: {e}"))?;
    let markdown = quotebook_core::html_to_markdown(&html, base_url).map_err(|e| e.to_string())?;
    Ok(if args.flag("--quote") {
        blockquote(&markdown)
    } else {
        format!("{markdown}\n")
    })
}

fn clip(args: Args) -> Result<String, String> {
    let url = args.required("--url")?;
    let path = args.required("--html-file")?;
    let html = read_file(path)?;
    let meta_html = args.value("--page-file").map(read_file).transpose()?;
    // With the page, the deep link: the selection's text located in the page's visible
    // text (whitespace aside, the first occurrence), as the extension's capture sends it.
    let (page_text, offsets, text) = match &meta_html {
        Some(page) => {
            let page_text = page_text::visible_text(page);
            let selected = page_text::visible_text(&html);
            let (start, end) = page_text::locate(&page_text, &selected).ok_or_else(|| {
                format!(
                    "the selection's text does not occur in the page's visible text ({}): no deep link can be made",
                    args.value("--page-file").unwrap_or_default()
                )
            })?;
            (Some(page_text), vec![[start, end]], selected)
        }
        None => (None, Vec::new(), String::new()),
    };
    let now = match args.value("--now") {
        Some(now) => now.to_owned(),
        None => clock::now_rfc3339(),
    };
    let request = ClipRequest {
        capture: Capture {
            url: url.to_owned(),
            base_url: args.value("--base-url").map(str::to_owned),
            title: args.value("--title").unwrap_or_default().to_owned(),
            ranges: vec![html],
            meta_html,
            page_text,
            offsets,
            text,
            ..Capture::default()
        },
        comment: args.value("--comment").unwrap_or_default().to_owned(),
        tags: args
            .value("--tags")
            .map_or_else(Vec::new, |t| t.split(',').map(str::to_owned).collect()),
        quote_id: clock::fresh_id(),
        now,
        ..ClipRequest::default()
    };
    let note = match args.value("--library") {
        Some(path) => sync::clip_into_library(path, &request)?,
        None => quotebook_core::clip(&request, None).map_err(|e| e.to_string())?,
    };
    Ok(if args.flag("--json") {
        note.to_json() + "\n"
    } else {
        note.to_markdown()
    })
}

fn render(args: Args) -> Result<String, String> {
    let templates = Templates {
        note: args
            .value("--template")
            .map(read_file)
            .transpose()?
            .unwrap_or_default(),
        quote: args
            .value("--quote-template")
            .map(read_file)
            .transpose()?
            .unwrap_or_default(),
    };
    let options = RenderOptions {
        tz_offset_minutes: match args.value("--tz-offset") {
            Some(minutes) => minutes
                .parse()
                .map_err(|_| format!("--tz-offset takes minutes east of UTC, not {minutes:?}"))?,
            None => 0,
        },
        locale: args.value("--locale").unwrap_or("en").to_owned(),
        quote_order: if args.flag("--page-order") {
            QuoteOrder::Page
        } else {
            QuoteOrder::Saved
        },
    };
    // Arguments first: a mistake there is reported before waiting on standard input.
    let mut json = String::new();
    io::stdin()
        .read_to_string(&mut json)
        .map_err(|e| format!("cannot read standard input as UTF-8: {e}"))?;
    let note = Note::from_json(&json).map_err(|e| e.to_string())?;
    let rendered = render_note(&note, &templates, &options);
    if args.flag("--json") {
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
