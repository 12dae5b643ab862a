//! The command line, declared once: clap derives the parser, `--help` for every command,
//! `--version`, suggestions for mistyped names and exit code 2 on a usage error.

use clap::{Args, Parser, Subcommand};

use crate::install_host::Browser;

#[derive(Debug, Parser)]
#[command(
    name = "quotebook",
    version,
    about = "Quotebook's core on the command line: convert, clip, render, export and sync.",
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Prints HTML as Markdown (with --quote, as a blockquote).
    Convert(ConvertArgs),
    /// Prints the note that saving a selection gives (as stored, JSON, with --json).
    #[command(long_about = "\
Prints the note (as stored, JSON, with --json) that saving SELECTION.html from URL gives.

With --page-file, the whole page supplies the metadata (title, author, dates, canonical URL)
and the quote's deep link (#:~:text=…), made from the page's visible text where the
selection's text first occurs (an error when it does not). With --library BACKUP.json, the
quote is also added to that backup (made if missing).")]
    Clip(ClipArgs),
    /// Renders a stored note (JSON on standard input, any schema) through templates.
    Render(RenderArgs),
    /// Writes a backup's notes as Markdown: a .zip, one .md (--note) or a folder.
    #[command(long_about = "\
Writes the backup's notes as Markdown: all in a .zip, one (--note) as a .md, or all into a
folder (never replacing a file there).")]
    Export(ExportArgs),
    /// Syncs the notes into a folder, keeping every edit made there.
    #[command(long_about = "\
Syncs the notes into DIR, keeping every edit made there, and prints each decision (created,
updated, appended, skipped, conflict), then a summary. State and backup: DIR/.quotebook/.")]
    Sync(SyncArgs),
    /// Lets the browser extension sync into a folder (writes the native messaging host).
    #[command(long_about = "\
Lets the browser extension sync into DIR: writes the native messaging host's manifest for
that browser, its configuration and launcher. Only the extensions named with
--extension-id may start the host: the options page shows the id and the whole command.
The development build's id is allowed only with --dev.")]
    InstallHost(InstallHostArgs),
    /// The native messaging host the browser starts (speaks on standard input and output).
    Host(HostArgs),
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The HTML file to convert; standard input without it (or with "-").
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
    /// The URL relative links and images resolve against.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Prints the Markdown as a blockquote.
    #[arg(long)]
    pub quote: bool,
}

#[derive(Debug, Args)]
pub struct ClipArgs {
    /// The page's URL.
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The selection, as HTML.
    #[arg(long, value_name = "SELECTION.html", required_unless_present = "image")]
    pub html_file: Option<String>,
    /// Saves an image file as a quote of its own instead of a selection ("Save image to
    /// note"): PNG, JPEG, GIF, WebP or AVIF, recognised by its bytes.
    #[arg(long, value_name = "FILE", conflicts_with = "html_file")]
    pub image: Option<String>,
    /// The image's address in the page (with --image; the note then links there when
    /// images are not kept).
    #[arg(long, value_name = "URL", requires = "image")]
    pub src: Option<String>,
    /// The image's alternative text (with --image).
    #[arg(
        long,
        value_name = "TEXT",
        requires = "image",
        allow_hyphen_values = true
    )]
    pub alt: Option<String>,
    /// The image's caption (with --image).
    #[arg(
        long,
        value_name = "TEXT",
        requires = "image",
        allow_hyphen_values = true
    )]
    pub caption: Option<String>,
    /// The whole page, for the metadata and the quote's deep link.
    #[arg(long, value_name = "PAGE.html")]
    pub page_file: Option<String>,
    /// The page's title.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub title: Option<String>,
    /// The URL relative links and images resolve against (the page's URL otherwise).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The quote's comment.
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub comment: Option<String>,
    /// The quote's tags, separated by commas.
    #[arg(long, value_name = "a,b", allow_hyphen_values = true)]
    pub tags: Option<String>,
    /// When the quote is saved (RFC 3339; now without it).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// A backup to add the quote to (made if missing).
    #[arg(long, value_name = "BACKUP.json")]
    pub library: Option<String>,
    /// Prints the note as stored (JSON) instead of its Markdown.
    #[arg(long)]
    pub json: bool,
}

/// The templates and time zone a note is rendered with.
#[derive(Debug, Default, Args)]
pub struct TemplateArgs {
    /// The note template (the default one without it).
    #[arg(long, value_name = "FILE")]
    pub template: Option<String>,
    /// The quote template (the default one without it).
    #[arg(long, value_name = "FILE")]
    pub quote_template: Option<String>,
    /// Dates in this time zone: minutes east of UTC (0 without it).
    #[arg(long, value_name = "MINUTES", allow_negative_numbers = true, value_parser = minutes)]
    pub tz_offset: Option<i32>,
    /// Kept images: written as files beside the notes and embedded (keep, the default for
    /// export and sync), or linked to their remote URLs (link).
    #[arg(long, value_name = "keep|link", value_parser = ["keep", "link"])]
    pub images: Option<String>,
    /// The folder kept images are written to (attachments/ by default; the file name
    /// pattern's fields work here too: {site}/attachments/).
    #[arg(long, value_name = "FOLDER")]
    pub attachments: Option<String>,
    /// How notes embed kept images: obsidian (![[name.png]], the default) or commonmark
    /// (![alt](../attachments/name.png)).
    #[arg(long, value_name = "obsidian|commonmark", value_parser = ["obsidian", "commonmark"])]
    pub embed: Option<String>,
}

fn minutes(value: &str) -> Result<i32, String> {
    value
        .parse()
        .map_err(|_| "takes minutes east of UTC, a whole number such as -300".to_owned())
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub templates: TemplateArgs,
    /// The language of dates and words in the templates.
    #[arg(long, value_name = "TAG", default_value = "en")]
    pub locale: String,
    /// Lists the quotes in page order instead of the order they were saved in.
    #[arg(long)]
    pub page_order: bool,
    /// Prints the rendering (Markdown, quotes, template error) as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The backup to export.
    #[arg(long, value_name = "BACKUP.json")]
    pub from: String,
    /// Where to: OUT.zip, OUT.md (one note) or a folder.
    #[arg(long, value_name = "OUT.zip|OUT.md|DIR")]
    pub to: String,
    /// The one note to export (its id).
    #[arg(long, value_name = "ID")]
    pub note: Option<String>,
    /// How files are named: {title}.md by default; also {date} {year} {month} {site} {id},
    /// and / for folders.
    #[arg(long, value_name = "P")]
    pub pattern: Option<String>,
    #[command(flatten)]
    pub templates: TemplateArgs,
    /// Replaces OUT.zip or OUT.md if it exists.
    #[arg(long)]
    pub force: bool,
    /// Shows progress on standard error (for large backups).
    #[arg(long)]
    pub progress: bool,
}

#[derive(Debug, Default, Args)]
pub struct SyncArgs {
    /// The library backup to sync (the folder's own backup without it).
    #[arg(long, value_name = "BACKUP.json")]
    pub from: Option<String>,
    /// The folder to sync into.
    #[arg(long, value_name = "DIR")]
    pub to: String,
    /// Writes back files deleted or moved in the folder.
    #[arg(long)]
    pub restore: bool,
    /// Resolves a conflict with the library's version (a synced file's path, or all).
    #[arg(long, value_name = "PATH|all")]
    pub overwrite: Option<String>,
    /// Resolves a conflict with the folder's version (a synced file's path, or all).
    #[arg(long, value_name = "PATH|all")]
    pub keep: Option<String>,
    /// How new files are named (as before, or {title}.md, without it).
    #[arg(long, value_name = "P")]
    pub pattern: Option<String>,
    #[command(flatten)]
    pub templates: TemplateArgs,
    /// Prints the decisions and writes nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct InstallHostArgs {
    /// The browser to install the host for.
    #[arg(long)]
    pub browser: Browser,
    /// The folder the extension syncs into.
    #[arg(long, value_name = "DIR")]
    pub folder: String,
    /// An extension allowed to start the host: its id as the options page shows it
    /// (repeatable, at least one).
    #[arg(long = "extension-id", value_name = "ID", required = true)]
    pub extension_ids: Vec<String>,
    /// Allows the development build's id, which any unpacked extension can claim (the key
    /// that fixes it is public).
    #[arg(long)]
    pub dev: bool,
    /// Where the browser looks for host manifests (its usual place without it).
    #[arg(long, value_name = "DIR")]
    pub manifest_dir: Option<String>,
    /// Where to write the host's configuration.
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
}

#[derive(Debug, Args)]
pub struct HostArgs {
    /// The folder to sync into (the configuration file's without it).
    #[arg(long, value_name = "DIR")]
    pub folder: Option<String>,
    /// The configuration file naming the folder.
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
    /// What a browser adds after the launcher's options (the extension's origin,
    /// Firefox's manifest path and id, `--parent-window=…` on Windows): ignored.
    #[arg(hide = true, allow_hyphen_values = true, num_args = 0..)]
    pub from_browser: Vec<String>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn parse(words: &[&str]) -> Result<Command, clap::Error> {
        Cli::try_parse_from(std::iter::once("quotebook").chain(words.iter().copied()))
            .map(|cli| cli.command)
    }

    #[test]
    fn the_declaration_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn options_take_their_value_inline_or_next_and_minutes_may_be_negative() {
        let Ok(Command::Render(render)) = parse(&["render", "--tz-offset", "-90", "--json"]) else {
            panic!("render parses");
        };
        assert_eq!(render.templates.tz_offset, Some(-90));
        assert!(render.json);
        assert_eq!(render.locale, "en");
        let Ok(Command::Convert(convert)) = parse(&["convert", "--base-url=https://a.example/"])
        else {
            panic!("convert parses");
        };
        assert_eq!(convert.base_url.as_deref(), Some("https://a.example/"));
        assert_eq!(convert.file, None);
    }

    #[test]
    fn the_host_ignores_what_the_browser_adds() {
        let Ok(Command::Host(host)) = parse(&[
            "host",
            "--folder",
            "/v",
            "chrome-extension://x/",
            "--parent-window=0",
        ]) else {
            panic!("host parses");
        };
        assert_eq!(host.folder.as_deref(), Some("/v"));
        // Firefox adds the manifest's path and the extension's id.
        let Ok(Command::Host(host)) = parse(&[
            "host",
            "--config",
            "/c.json",
            "/m.json",
            "quotebook@quotebook",
        ]) else {
            panic!("host parses");
        };
        assert_eq!(host.config.as_deref(), Some("/c.json"));
        assert_eq!(host.from_browser, ["/m.json", "quotebook@quotebook"]);
    }

    #[test]
    fn mistakes_are_usage_errors() {
        use clap::error::ErrorKind;
        let kind = |words: &[&str]| parse(words).unwrap_err().kind();
        assert_eq!(kind(&["convert", "--bogus"]), ErrorKind::UnknownArgument);
        assert_eq!(
            kind(&["clip", "--url", "u"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(
            kind(&["clip", "--url", "a", "--url", "b", "--html-file", "f"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(kind(&["conver"]), ErrorKind::InvalidSubcommand);
        assert_eq!(
            kind(&["render", "--tz-offset", "east"]),
            ErrorKind::ValueValidation
        );
    }
}
