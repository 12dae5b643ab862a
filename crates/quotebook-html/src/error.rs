//! The core's errors, worded for the reader rather than for the parser.

use std::fmt;

/// What went wrong, in terms a reader can act on. Each variant has a stable
/// [`Error::code`] so user interfaces can word it in their own language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The selection holds no visible text.
    EmptySelection,
    /// A URL the capture sent cannot be parsed as an absolute URL.
    InvalidUrl(String),
    /// Stored data (a note, a capture) is not in a shape this version understands.
    InvalidData(String),
    /// No quote or note with this id.
    NotFound(String),
    /// The selection comes from a private window and saving those is turned off.
    PrivateWindow,
    /// A user template does not parse or does not render.
    Template {
        message: String,
        line: usize,
        column: usize,
    },
    /// A note was saved by a newer version of Quotebook than this one.
    UnsupportedSchema(u32),
    /// A capture or a quote over one of the size limits; the message says which and by
    /// how much.
    TooLarge(String),
}

impl Error {
    /// A stable, language-neutral code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::EmptySelection => "empty_selection",
            Error::InvalidUrl(_) => "invalid_url",
            Error::InvalidData(_) => "invalid_data",
            Error::UnsupportedSchema(_) => "unsupported_schema",
            Error::NotFound(_) => "not_found",
            Error::PrivateWindow => "private_window",
            Error::Template { .. } => "template",
            Error::TooLarge(_) => "too_large",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::EmptySelection => f.write_str("the selection is empty: select some text first"),
            Error::InvalidUrl(url) => write!(f, "not an absolute URL: {url:?}"),
            Error::InvalidData(why) => write!(f, "unreadable data: {why}"),
            Error::NotFound(id) => write!(f, "nothing with the id {id:?}"),
            Error::PrivateWindow => f.write_str(
                "quotes from private windows are not saved (turn this on in the options)",
            ),
            Error::Template {
                message,
                line,
                column,
            } => {
                write!(
                    f,
                    "template error at line {line}, column {column}: {message}"
                )
            }
            Error::TooLarge(why) => f.write_str(why),
            Error::UnsupportedSchema(v) => write!(
                f,
                "this note was saved by a newer Quotebook (schema {v}); update the extension"
            ),
        }
    }
}

impl std::error::Error for Error {}
