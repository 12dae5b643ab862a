//! The stored note model.
//!
//! Notes are stored as JSON with a `schema` number, so that later versions can migrate what
//! readers already saved: [`Note::from_json`] reads every schema this version has ever
//! written and returns the current model.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::image::{ImageError, ImageInfo, MAX_QUOTE_IMAGES};
use crate::url;

/// The schema this version writes. Bump it with a migration in [`Note::from_json`].
///
/// - 1: the walking skeleton's model (identity: URL without fragment).
/// - 2: canonical identity, aliases, page metadata; quotes with comment, tags, deep link.
/// - 3: quotes with a kind ([`QuoteKind`]; older quotes are plain quotes).
pub const SCHEMA_VERSION: u32 = 3;

/// One page's note: its source and the quotes saved from it, in the order saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Note {
    pub schema: u32,
    /// The note's identity: the page's canonical URL (see [`crate::url::note_identity`]).
    pub id: String,
    /// The URL the first quote was saved from, without fragment and tracking parameters.
    pub url: String,
    /// The page's declared canonical URL, when it has one on the same site.
    pub canonical: Option<String>,
    /// Other URLs (without fragment) quotes of this note were saved from.
    pub aliases: Vec<String>,
    pub title: String,
    pub authors: Vec<String>,
    pub site: Option<String>,
    /// The page's publication date, ISO 8601.
    pub published: Option<String>,
    pub description: Option<String>,
    pub lang: Option<String>,
    /// RFC 3339 instants, passed in by the caller (the core has no clock).
    pub created: String,
    pub updated: String,
    pub quotes: Vec<Quote>,
}

/// One saved passage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Quote {
    /// Unique across libraries (the caller passes a random id).
    pub id: String,
    /// The selection as Markdown, not yet wrapped in a blockquote.
    pub markdown: String,
    /// The selection's plain text as the browser reported it.
    pub text: String,
    pub created: String,
    /// The reader's comment, Markdown.
    pub comment: String,
    pub tags: Vec<String>,
    /// A text directive (`text=…`) that selects this quote in its page, without `#:~:`.
    pub fragment: Option<String>,
    /// The exact text with some context, to find the quote again when the page changes.
    pub selector: Option<TextSelector>,
    /// Saved from a private (incognito) window.
    pub private: bool,
    /// Where the quote starts in the page's visible text, to list quotes in page order.
    pub position: Option<usize>,
    /// What the reader marked it as (its highlight colour, its callout in the file).
    pub kind: QuoteKind,
    /// The images in the quote's Markdown (or the one image of an image quote), each once.
    /// Left out of the JSON when empty, so notes without images are stored as before.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ImageRef>,
}

/// A quote's kind. The ids are stable (stored, and in templates as `kind`); what the
/// reader calls them and their colours are the extension's settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// A plain quote: a `>` blockquote in the default template.
    #[default]
    Quote,
    Important,
    Question,
    Idea,
    Definition,
}

impl QuoteKind {
    /// Every kind, the default first.
    pub const ALL: [QuoteKind; 5] = [
        QuoteKind::Quote,
        QuoteKind::Important,
        QuoteKind::Question,
        QuoteKind::Idea,
        QuoteKind::Definition,
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            QuoteKind::Quote => "quote",
            QuoteKind::Important => "important",
            QuoteKind::Question => "question",
            QuoteKind::Idea => "idea",
            QuoteKind::Definition => "definition",
        }
    }

    /// The kind of a stable id; `invalid_data` for any other text.
    pub fn from_id(id: &str) -> Result<QuoteKind, Error> {
        QuoteKind::ALL
            .into_iter()
            .find(|k| k.id() == id)
            .ok_or_else(|| Error::InvalidData(format!("unknown quote kind {id:?}")))
    }
}

/// An image of a quote: where it came from, and the bytes kept for it, if any.
///
/// The quote's Markdown keeps `![alt](url)` with this very `url`: rendering finds the image
/// there by its destination and embeds the kept file instead when there is one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageRef {
    /// The destination as it stands in the quote's Markdown: the image's absolute URL, or
    /// [`KEPT_IMAGE_SCHEME`] and the hash for an image that came as a `data:` URL.
    pub url: String,
    pub alt: String,
    /// The image's `figcaption` (image quotes).
    pub caption: String,
    /// A readable name for its file (the URL's file name without extension), or empty:
    /// the note's title names it.
    pub name: String,
    /// The SHA-256 of the kept bytes; `None` while they are not (or cannot be) kept.
    pub hash: Option<String>,
    pub mime: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub size: Option<usize>,
    /// Why the bytes are not kept: `code: message` (see [`crate::image::ImageError`]).
    pub error: Option<String>,
}

/// The scheme of the destination given to an image whose bytes came inside the page (a
/// `data:` URL): it has no address of its own, only its kept bytes.
pub const KEPT_IMAGE_SCHEME: &str = "quotebook-image:";

/// A W3C-style text quote selector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSelector {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    /// The page held the exact text more than once when it was saved: once the page
    /// changes, its position no longer tells the copies apart, and the quote is not
    /// looked for elsewhere (see [`crate::anchor`]). Absent before schema 3: false.
    #[serde(default)]
    pub repeated: bool,
}

impl Note {
    /// Reads a stored note, migrating older schemas to [`SCHEMA_VERSION`].
    pub fn from_json(json: &str) -> Result<Note, Error> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| Error::InvalidData(e.to_string()))?;
        Note::from_value(value)
    }

    /// Like [`Note::from_json`], from an already parsed value.
    pub fn from_value(value: serde_json::Value) -> Result<Note, Error> {
        let schema = value
            .get("schema")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| Error::InvalidData("a note without a schema number".into()))?;
        let parse = |value| {
            serde_json::from_value::<Note>(value).map_err(|e| Error::InvalidData(e.to_string()))
        };
        match u32::try_from(schema) {
            Ok(1) => Ok(migrate_from_1(parse(value)?)),
            // Schema 2 had no kinds: its quotes read as plain quotes, the default.
            Ok(2) => parse(value).map(|note| Note {
                schema: SCHEMA_VERSION,
                ..note
            }),
            Ok(SCHEMA_VERSION) => parse(value),
            Ok(newer) if newer > SCHEMA_VERSION => Err(Error::UnsupportedSchema(newer)),
            _ => Err(Error::InvalidData(format!("unknown note schema {schema}"))),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a note always serialises")
    }

    /// Finds a quote by id.
    pub(crate) fn quote_mut(&mut self, quote_id: &str) -> Result<&mut Quote, Error> {
        self.quotes
            .iter_mut()
            .find(|q| q.id == quote_id)
            .ok_or_else(|| Error::NotFound(quote_id.to_owned()))
    }

    /// Sets a quote's comment and tags.
    pub fn annotate(
        &mut self,
        quote_id: &str,
        comment: &str,
        tags: &[String],
        now: &str,
    ) -> Result<(), Error> {
        let quote = self.quote_mut(quote_id)?;
        // The reader's text, under the same control policy as the page's.
        quote.comment = quotebook_html::chars::strip_controls(comment.trim()).into_owned();
        quote.tags = normalize_tags(tags.iter().map(String::as_str));
        self.updated = now.to_owned();
        Ok(())
    }

    /// Sets a quote's kind.
    pub fn set_kind(&mut self, quote_id: &str, kind: QuoteKind, now: &str) -> Result<(), Error> {
        self.quote_mut(quote_id)?.kind = kind;
        self.updated = now.to_owned();
        Ok(())
    }

    /// Removes a quote and returns it (for undo).
    pub fn remove_quote(&mut self, quote_id: &str, now: &str) -> Result<Quote, Error> {
        let index = self
            .quotes
            .iter()
            .position(|q| q.id == quote_id)
            .ok_or_else(|| Error::NotFound(quote_id.to_owned()))?;
        self.updated = now.to_owned();
        Ok(self.quotes.remove(index))
    }

    /// Records what became of fetching the images at `url`: the kept bytes' `info`, or why
    /// they are not kept. Every image of the note with that destination takes it; an image
    /// that would take its quote's kept images past [`MAX_QUOTE_IMAGES`] keeps its remote
    /// URL with that reason. Returns the error recorded, if any.
    pub fn attach_image(&mut self, url: &str, outcome: Result<&ImageInfo, &str>) -> Option<String> {
        let mut recorded = None;
        for quote in &mut self.quotes {
            let kept_elsewhere: usize = quote
                .images
                .iter()
                .filter(|i| i.url != url && i.hash.is_some())
                .filter_map(|i| i.size)
                .sum();
            for image in quote.images.iter_mut().filter(|i| i.url == url) {
                match outcome {
                    Ok(info) if kept_elsewhere + info.size > MAX_QUOTE_IMAGES => {
                        let error = ImageError::QuoteTooLarge(kept_elsewhere + info.size).coded();
                        image.error = Some(error.clone());
                        recorded = Some(error);
                    }
                    Ok(info) => {
                        image.hash = Some(info.hash.clone());
                        image.mime = Some(info.mime.clone());
                        image.width = Some(info.width);
                        image.height = Some(info.height);
                        image.size = Some(info.size);
                        image.error = None;
                    }
                    Err(why) => {
                        // Bytes kept before stay kept: a later failed fetch loses nothing.
                        if image.hash.is_none() {
                            image.error = Some(why.to_owned());
                            recorded = Some(why.to_owned());
                        }
                    }
                }
            }
        }
        recorded
    }

    /// The hashes of every image kept for this note.
    pub fn image_hashes(&self) -> impl Iterator<Item = &str> {
        self.quotes
            .iter()
            .flat_map(|q| &q.images)
            .filter_map(|i| i.hash.as_deref())
    }

    /// The note's other URLs and its identity: everything a page URL is matched against.
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str())
            .chain(std::iter::once(self.url.as_str()))
            .chain(self.canonical.as_deref())
            .chain(self.aliases.iter().map(String::as_str))
    }

    /// Records `url` as a way this note was reached, unless it is already known.
    pub(crate) fn add_alias(&mut self, url: &str) {
        if !url.is_empty() && !self.urls().any(|known| known == url) {
            self.aliases.push(url.to_owned());
        }
    }
}

/// Every image hash some note of `notes` keeps, sorted, each once: the store can release
/// any other.
pub fn live_image_hashes<'a>(notes: impl IntoIterator<Item = &'a Note>) -> Vec<String> {
    let mut hashes: Vec<String> = notes
        .into_iter()
        .flat_map(Note::image_hashes)
        .map(str::to_owned)
        .collect();
    hashes.sort();
    hashes.dedup();
    hashes
}

/// Appends `markdown` as one blockquote: every line, blank ones too, starts with `>`.
pub(crate) fn push_blockquote(out: &mut String, markdown: &str) {
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

/// `markdown` wrapped as one blockquote, ending with a newline.
pub fn blockquote(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 16);
    push_blockquote(&mut out, markdown);
    out
}

/// Tags as stored: trimmed, without a leading `#`, no empty ones, no duplicates, in order.
pub(crate) fn normalize_tags<'a>(tags: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().trim_start_matches('#').trim();
        let tag: String = tag.split_whitespace().collect::<Vec<_>>().join("-");
        if !tag.is_empty() && !out.contains(&tag) {
            out.push(tag);
        }
    }
    out
}

/// Schema 1 identified a note by its URL without fragment; schema 2 also drops tracking
/// parameters. The old identity stays reachable as an alias.
fn migrate_from_1(mut note: Note) -> Note {
    note.schema = SCHEMA_VERSION;
    let old_id = std::mem::take(&mut note.id);
    let url = url::clean(&note.url);
    note.id = url.clone();
    note.url = url;
    note.add_alias(&old_id);
    note
}

/// Orders quotes by the time they were saved; stable, so quotes saved at the same instant
/// keep their order. Every place that orders quotes calls this one function.
pub(crate) fn sort_quotes(quotes: &mut [Quote]) {
    quotes.sort_by(|a, b| a.created.cmp(&b.created));
}

/// Merges notes that share an identity (as migrations may produce): quotes are kept in
/// the order saved, none lost, duplicates (same id) once.
pub fn merge_notes(notes: Vec<Note>) -> Vec<Note> {
    let mut merged: Vec<Note> = Vec::with_capacity(notes.len());
    for note in notes {
        match merged.iter_mut().find(|m| m.id == note.id) {
            None => merged.push(note),
            Some(into) => {
                for alias in note.urls() {
                    into.add_alias(alias);
                }
                for quote in note.quotes {
                    if !into.quotes.iter().any(|q| q.id == quote.id) {
                        into.quotes.push(quote);
                    }
                }
                sort_quotes(&mut into.quotes);
                if note.created < into.created {
                    into.created = note.created;
                }
                if note.updated > into.updated {
                    into.updated = note.updated;
                }
            }
        }
    }
    merged
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
                ..Quote::default()
            }],
            ..Note::default()
        }
    }

    #[test]
    fn every_line_of_a_quote_starts_with_a_marker() {
        assert_eq!(blockquote("a\n\n> b\n"), "> a\n>\n> > b\n");
    }

    #[test]
    fn json_round_trips() {
        let note = sample();
        assert_eq!(Note::from_json(&note.to_json()).unwrap(), note);
    }

    #[test]
    fn schema_1_notes_migrate_with_every_quote() {
        let v1 = r#"{"schema":1,"id":"https://a.example/p?utm_source=x","url":"https://a.example/p?utm_source=x","title":"T","created":"T1","updated":"T2","quotes":[{"id":"q1","markdown":"**a**","text":"a","created":"T1"},{"id":"q2","markdown":"b","text":"b","created":"T2"}]}"#;
        let note = Note::from_json(v1).unwrap();
        assert_eq!(note.schema, SCHEMA_VERSION);
        assert_eq!(note.id, "https://a.example/p");
        assert_eq!(note.aliases, ["https://a.example/p?utm_source=x"]);
        assert_eq!(note.quotes.len(), 2);
        assert_eq!(note.quotes[0].markdown, "**a**");
        assert_eq!((note.created.as_str(), note.updated.as_str()), ("T1", "T2"));
    }

    #[test]
    fn merging_keeps_every_quote_once() {
        let mut a = sample();
        let mut b = sample();
        b.aliases.push("https://example.com/a?ref=x".into());
        b.quotes[0].id = "q2".into();
        b.quotes[0].created = "2025-01-01T00:00:00.000Z".into();
        b.updated = "2025-01-01T00:00:00.000Z".into();
        a.quotes.push(b.quotes[0].clone());
        let merged = merge_notes(vec![a, b]);
        assert_eq!(merged.len(), 1);
        let ids: Vec<_> = merged[0].quotes.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["q1", "q2"]);
        assert_eq!(merged[0].aliases, ["https://example.com/a?ref=x"]);
        assert_eq!(merged[0].updated, "2025-01-01T00:00:00.000Z");
    }

    #[test]
    fn newer_schemas_are_refused_with_a_clear_error() {
        let json = sample().to_json().replace("\"schema\":3", "\"schema\":99");
        assert_eq!(Note::from_json(&json), Err(Error::UnsupportedSchema(99)));
    }

    #[test]
    fn garbage_is_invalid_data_not_a_panic() {
        assert!(matches!(Note::from_json("{"), Err(Error::InvalidData(_))));
        assert!(matches!(Note::from_json("{}"), Err(Error::InvalidData(_))));
        assert!(matches!(
            Note::from_json(r#"{"schema":2,"quotes":3}"#),
            Err(Error::InvalidData(_))
        ));
    }

    #[test]
    fn schema_2_quotes_migrate_as_plain_quotes() {
        let v2 = r#"{"schema":2,"id":"https://a.example/p","url":"https://a.example/p","title":"T","created":"T1","updated":"T2","quotes":[{"id":"q1","markdown":"a","text":"a","created":"T1","comment":"C","tags":["t"]}]}"#;
        let note = Note::from_json(v2).unwrap();
        assert_eq!(note.schema, SCHEMA_VERSION);
        assert_eq!(note.quotes[0].kind, QuoteKind::Quote);
        assert_eq!(note.quotes[0].comment, "C");
        // Written again, the kind is there, and reads back the same.
        let json = note.to_json();
        assert!(json.contains(r#""kind":"quote""#), "{json}");
        assert_eq!(Note::from_json(&json).unwrap(), note);
    }

    #[test]
    fn kinds_are_set_by_id_and_unknown_ones_refused() {
        let mut note = sample();
        note.set_kind("q1", QuoteKind::from_id("question").unwrap(), "T3")
            .unwrap();
        assert_eq!(note.quotes[0].kind, QuoteKind::Question);
        assert_eq!(note.updated, "T3");
        let json = note.to_json();
        assert!(json.contains(r#""kind":"question""#), "{json}");
        assert_eq!(
            Note::from_json(&json).unwrap().quotes[0].kind,
            QuoteKind::Question
        );
        assert!(matches!(
            QuoteKind::from_id("red"),
            Err(Error::InvalidData(_))
        ));
        assert_eq!(
            note.set_kind("nope", QuoteKind::Idea, "T"),
            Err(Error::NotFound("nope".into()))
        );
        for kind in QuoteKind::ALL {
            assert_eq!(QuoteKind::from_id(kind.id()), Ok(kind));
        }
        // A stored kind this version does not know is refused, not silently changed.
        let odd = json.replace(r#""kind":"question""#, r#""kind":"red""#);
        assert!(matches!(Note::from_json(&odd), Err(Error::InvalidData(_))));
    }

    #[test]
    fn annotate_and_remove() {
        let mut note = sample();
        note.annotate(
            "q1",
            " Nice ",
            &["#rust".into(), "rust".into(), " deep work ".into()],
            "T9",
        )
        .unwrap();
        assert_eq!(note.quotes[0].comment, "Nice");
        assert_eq!(note.quotes[0].tags, ["rust", "deep-work"]);
        assert_eq!(note.updated, "T9");
        assert_eq!(
            note.annotate("nope", "", &[], "T"),
            Err(Error::NotFound("nope".into()))
        );
        let removed = note.remove_quote("q1", "T10").unwrap();
        assert_eq!(removed.id, "q1");
        assert!(note.quotes.is_empty());
    }
}
