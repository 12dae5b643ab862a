//! The stored note model and its Markdown rendering.
//!
//! Notes are stored as JSON with a `schema` number from the very first release, so that
//! later versions can migrate what readers already saved ([`Note::from_json`]).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::yaml;

/// The schema this version writes. Bump it with a migration in [`Note::from_json`].
pub const SCHEMA_VERSION: u32 = 1;

/// One page's note: its source and the quotes saved from it, in the order saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub schema: u32,
    /// The note's identity: the page URL without its fragment.
    pub id: String,
    /// The URL the first quote was saved from (without fragment).
    pub url: String,
    pub title: String,
    /// RFC 3339 instants, passed in by the caller (the core has no clock).
    pub created: String,
    pub updated: String,
    pub quotes: Vec<Quote>,
}

/// One saved passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Unique across libraries (the caller passes a random id).
    pub id: String,
    /// The selection as Markdown, not yet wrapped in a blockquote.
    pub markdown: String,
    /// The selection's plain text as the browser reported it.
    pub text: String,
    pub created: String,
}

impl Note {
    /// Reads a stored note, migrating older schemas to [`SCHEMA_VERSION`].
    pub fn from_json(json: &str) -> Result<Note, Error> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| Error::InvalidData(e.to_string()))?;
        let schema = value
            .get("schema")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| Error::InvalidData("a note without a schema number".into()))?;
        match u32::try_from(schema) {
            Ok(SCHEMA_VERSION) => {
                serde_json::from_value(value).map_err(|e| Error::InvalidData(e.to_string()))
            }
            Ok(newer) if newer > SCHEMA_VERSION => Err(Error::UnsupportedSchema(newer)),
            _ => Err(Error::InvalidData(format!("unknown note schema {schema}"))),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a note always serialises")
    }

    /// The note as a Markdown file: YAML frontmatter, the source line, then each quote as
    /// its own blockquote, separated by blank lines.
    pub fn to_markdown(&self) -> String {
        let mut out = String::with_capacity(
            256 + self.quotes.iter().map(|q| q.markdown.len() + 8).sum::<usize>(),
        );
        out.push_str("---\n");
        yaml::push_field(&mut out, "title", &self.title);
        yaml::push_field(&mut out, "source", &self.url);
        yaml::push_field(&mut out, "created", &self.created);
        yaml::push_field(&mut out, "updated", &self.updated);
        out.push_str("---\n");
        out.push_str(&self.url);
        out.push('\n');
        for quote in &self.quotes {
            out.push('\n');
            push_blockquote(&mut out, &quote.markdown);
        }
        out
    }
}

/// Appends `markdown` as one blockquote: every line, blank ones too, starts with `>`.
pub fn push_blockquote(out: &mut String, markdown: &str) {
    for line in markdown.trim_end_matches('\n').split('\n') {
        if line.is_empty() {
            out.push_str(">\n");
        } else {
            out.push_str("> ");
            out.push_str(line);
            out.push('\n');
        }
    }
}

/// `markdown` wrapped as one blockquote.
pub fn blockquote(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 16);
    push_blockquote(&mut out, markdown);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Note {
        Note {
            schema: SCHEMA_VERSION,
            id: "https://example.com/a".into(),
            url: "https://example.com/a".into(),
            title: "A: b".into(),
            created: "2024-06-05T12:57:03.217Z".into(),
            updated: "2024-06-05T12:57:03.217Z".into(),
            quotes: vec![Quote {
                id: "q1".into(),
                markdown: "One.\n\nTwo.".into(),
                text: "One.\n\nTwo.".into(),
                created: "2024-06-05T12:57:03.217Z".into(),
            }],
        }
    }

    #[test]
    fn every_line_of_a_quote_starts_with_a_marker() {
        assert_eq!(blockquote("a\n\n> b\n"), "> a\n>\n> > b\n");
    }

    #[test]
    fn renders_frontmatter_source_and_quotes() {
        assert_eq!(
            sample().to_markdown(),
            "---\ntitle: \"A: b\"\nsource: https://example.com/a\n\
             created: 2024-06-05T12:57:03.217Z\nupdated: 2024-06-05T12:57:03.217Z\n---\n\
             https://example.com/a\n\n> One.\n>\n> Two.\n"
        );
    }

    #[test]
    fn json_round_trips() {
        let note = sample();
        assert_eq!(Note::from_json(&note.to_json()).unwrap(), note);
    }

    #[test]
    fn newer_schemas_are_refused_with_a_clear_error() {
        let json = sample().to_json().replace("\"schema\":1", "\"schema\":99");
        assert_eq!(Note::from_json(&json), Err(Error::UnsupportedSchema(99)));
    }

    #[test]
    fn garbage_is_invalid_data_not_a_panic() {
        assert!(matches!(Note::from_json("{"), Err(Error::InvalidData(_))));
        assert!(matches!(Note::from_json("{}"), Err(Error::InvalidData(_))));
    }
}
