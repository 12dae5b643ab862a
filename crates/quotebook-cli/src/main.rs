//! `quotebook`: the core on the command line.
//!
//! ```text
//! quotebook convert [--base-url URL] [--quote] < in.html
//! quotebook clip --url URL --html-file SELECTION.html [--title T] [--now RFC3339]
//! ```

use std::io::{self, Read, Write};
use std::process::ExitCode;

use quotebook_core::clip::{Capture, ClipRequest};
use quotebook_core::note::blockquote;

mod args;
mod clock;

use args::Args;

const USAGE: &str = "\
usage:
  quotebook convert [--base-url URL] [--quote] < in.html
      Prints the HTML read from standard input as Markdown (with --quote, as a blockquote).
  quotebook clip --url URL --html-file SELECTION.html [--title T] [--base-url URL] [--now TIME]
      Prints the note that saving SELECTION.html from URL gives.
  quotebook help
";

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1);
    let command = argv.next();
    let result = match command.as_deref() {
        Some("convert") => Args::parse(argv, &["--base-url"], &["--quote"]).and_then(convert),
        Some("clip") => Args::parse(
            argv,
            &["--url", "--html-file", "--title", "--base-url", "--now"],
            &[],
        )
        .and_then(clip),
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
            if command.as_deref().is_none_or(|c| !["convert", "clip"].contains(&c)) {
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
    Ok(if args.flag("--quote") { blockquote(&markdown) } else { format!("{markdown}\n") })
}

fn clip(args: Args) -> Result<String, String> {
    let url = args.required("--url")?;
    let path = args.required("--html-file")?;
    let html = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
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
            ..Capture::default()
        },
        quote_id: clock::fresh_id(),
        now,
        ..ClipRequest::default()
    };
    let note = quotebook_core::clip(&request, None).map_err(|e| e.to_string())?;
    Ok(note.to_markdown())
}
