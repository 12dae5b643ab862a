//! The glue between the note model and the planner: a [`Note`] rendered through the
//! reader's templates becomes a [`SyncNote`].

use std::sync::OnceLock;

use super::hash::Hasher;
use super::{NameFields, NoteInput, SyncNote};
use crate::error::Error;
use crate::note::{Note, Quote, QuoteKind};
use crate::template::{RenderOptions, TemplateError, Templates, render_note};
use crate::time;

/// `note` as the planner sees it, rendered through `templates` (the defaults when they
/// fail: see [`sync_note_with_error`]).
pub fn sync_note(note: &Note, templates: &Templates, options: &RenderOptions) -> SyncNote {
    sync_note_with_error(note, templates, options).0
}

/// Like [`sync_note`], with the error of a user template that failed (the note is then
/// rendered with the defaults).
pub fn sync_note_with_error(
    note: &Note,
    templates: &Templates,
    options: &RenderOptions,
) -> (SyncNote, Option<TemplateError>) {
    let rendered = render_note(note, templates, options);
    // The frame: the note without its quotes, its `updated` time pinned, so that adding a
    // quote (which moves `updated`) is not taken for a change of the header.
    let frame_note = Note {
        quotes: Vec::new(),
        updated: note.created.clone(),
        ..note.clone()
    };
    let frame = render_note(&frame_note, templates, options).markdown;
    let mut sync_note = SyncNote::new(
        note.id.clone(),
        name_fields(note, options),
        rendered.markdown,
        &frame,
        rendered
            .quotes
            .into_iter()
            .map(|q| (q.id, q.block))
            .collect(),
    );
    // A quote's kind is how the reader marks it, not its content: a change of kind alone
    // must not make a conflict in a file the reader edited (which only ever gets new
    // quotes appended, so keeps its old callout), nor cost the comment. So quotes are
    // told apart by their blocks rendered as plain quotes; a file nobody edited is still
    // rewritten with the new callout (its text changed).
    if note.quotes.iter().any(|q| q.kind != QuoteKind::default()) {
        let plain = Note {
            quotes: note
                .quotes
                .iter()
                .map(|q| Quote {
                    kind: QuoteKind::default(),
                    ..q.clone()
                })
                .collect(),
            ..note.clone()
        };
        let blocks = render_note(&plain, templates, options).quotes;
        sync_note.hash_quotes_by(blocks.into_iter().map(|q| q.block).collect());
    }
    for quote in &mut sync_note.quotes {
        if let Some(saved) = note.quotes.iter().find(|q| q.id == quote.id) {
            quote.words = first_words(&saved.text);
        }
    }
    (sync_note, rendered.error)
}

/// How many words of a quote name it to the reader, and at most how many characters.
const NAME_WORDS: usize = 6;
const NAME_CHARS: usize = 48;

/// The first words of a quote's text on one line, `…` when there is more: what a conflict
/// names the quote by, instead of its id.
pub fn first_words(text: &str) -> String {
    let mut out = String::new();
    let mut words = text.split_whitespace();
    for word in words.by_ref().take(NAME_WORDS) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let mut cut = out.chars().count() > NAME_CHARS;
    if cut {
        out = out
            .chars()
            .take(NAME_CHARS)
            .collect::<String>()
            .trim_end()
            .to_owned();
    }
    cut |= words.next().is_some();
    if cut {
        out.push('…');
    }
    out
}

/// A note rendered only when the planner needs it (see [`NoteInput`]).
#[derive(Debug)]
pub struct LazyNote<'a> {
    note: &'a Note,
    templates: &'a Templates,
    options: &'a RenderOptions,
    source: String,
    rendered: OnceLock<(SyncNote, Option<TemplateError>)>,
}

impl<'a> LazyNote<'a> {
    pub fn new(note: &'a Note, templates: &'a Templates, options: &'a RenderOptions) -> Self {
        let source = source_key(note, templates, options);
        LazyNote {
            note,
            templates,
            options,
            source,
            rendered: OnceLock::new(),
        }
    }

    /// The error of a user template, if the note was rendered and its template failed.
    pub(crate) fn template_error(&self) -> Option<&TemplateError> {
        self.rendered.get().and_then(|(_, error)| error.as_ref())
    }
}

impl NoteInput for LazyNote<'_> {
    fn id(&self) -> &str {
        &self.note.id
    }

    fn source(&self) -> &str {
        &self.source
    }

    fn rendered(&self) -> Result<&SyncNote, String> {
        Ok(&self
            .rendered
            .get_or_init(|| sync_note_with_error(self.note, self.templates, self.options))
            .0)
    }
}

/// A hash of everything a note's rendering depends on: this version of the core, the
/// templates, the render options and the note itself (as [`Note::to_json`] writes it).
pub(crate) fn source_key(note: &Note, templates: &Templates, options: &RenderOptions) -> String {
    let mut hasher = key_prefix(templates, options, note.image_hashes().next().is_some());
    serde_json::to_writer(&mut hasher, note).expect("a note serialises");
    hasher.finish()
}

/// [`source_key`] of the note stored as `json`: the same key when `json` is exactly what
/// [`Note::to_json`] writes (as in a backup written by [`crate::library::Library::to_json`]).
pub(crate) fn source_key_of_json(
    json: &str,
    templates: &Templates,
    options: &RenderOptions,
) -> String {
    let mut hasher = key_prefix(templates, options, keeps_images(json));
    std::io::Write::write_all(&mut hasher, json.as_bytes()).expect("hashing never fails");
    hasher.finish()
}

/// Whether a note's JSON (as [`Note::to_json`] writes it) keeps an image's bytes.
fn keeps_images(json: &str) -> bool {
    json.contains("\"hash\":\"")
}

/// The key's start: the core's version, the templates and the options. How images are
/// embedded counts only for a note that keeps some (`images`): turning "Keep images" on
/// or off re-renders no other note.
fn key_prefix(templates: &Templates, options: &RenderOptions, images: bool) -> Hasher {
    let mut hasher = Hasher::default();
    hasher.part(concat!("quotebook-core ", env!("CARGO_PKG_VERSION")).as_bytes());
    hasher.part(templates.note.as_bytes());
    hasher.part(templates.quote.as_bytes());
    let without_images;
    let options = if images {
        options
    } else {
        without_images = RenderOptions {
            images: Default::default(),
            ..options.clone()
        };
        &without_images
    };
    serde_json::to_writer(&mut hasher, options).expect("options serialise");
    hasher.part(b"note");
    hasher
}

/// A note still in its stored JSON: parsed only when its id is not known from the sync
/// state by its key, and rendered only when the planner needs it. A re-sync of a large
/// backup where nothing changed then neither parses nor renders any note.
#[derive(Debug)]
pub(crate) struct StoredNote<'a> {
    json: &'a str,
    templates: &'a Templates,
    options: &'a RenderOptions,
    source: String,
    id: String,
    note: OnceLock<Note>,
    rendered: OnceLock<(SyncNote, Option<TemplateError>)>,
}

impl<'a> StoredNote<'a> {
    /// `known` gives the note id recorded in the state for a source key, if any.
    pub(crate) fn new(
        json: &'a str,
        templates: &'a Templates,
        options: &'a RenderOptions,
        known: impl Fn(&str) -> Option<String>,
    ) -> Result<StoredNote<'a>, Error> {
        let source = source_key_of_json(json, templates, options);
        let note = OnceLock::new();
        let id = match known(&source) {
            Some(id) => id,
            None => {
                let parsed = Note::from_json(json)?;
                let id = parsed.id.clone();
                let _ = note.set(parsed);
                id
            }
        };
        Ok(StoredNote {
            json,
            templates,
            options,
            source,
            id,
            note,
            rendered: OnceLock::new(),
        })
    }

    /// The error of a user template, if the note was rendered and its template failed.
    pub(crate) fn template_error(&self) -> Option<&TemplateError> {
        self.rendered.get().and_then(|(_, error)| error.as_ref())
    }
}

impl NoteInput for StoredNote<'_> {
    fn id(&self) -> &str {
        &self.id
    }

    fn source(&self) -> &str {
        &self.source
    }

    fn rendered(&self) -> Result<&SyncNote, String> {
        if self.note.get().is_none() {
            // Known by its key, so it parsed before; unless the state lies.
            let note = Note::from_json(self.json).map_err(|e| format!("the note: {e}"))?;
            let _ = self.note.set(note);
        }
        let note = self.note.get().expect("set above");
        Ok(&self
            .rendered
            .get_or_init(|| sync_note_with_error(note, self.templates, self.options))
            .0)
    }
}

/// The values a file name pattern can use: the title, the creation day in the reader's
/// time zone, the site's name (else its host) and the note's id.
pub fn name_fields(note: &Note, options: &RenderOptions) -> NameFields {
    let date = match time::parse_instant(&note.created) {
        Some(millis) => {
            let c = time::civil(millis, options.tz_offset_minutes);
            format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
        }
        None => note.created.get(..10).unwrap_or_default().to_owned(),
    };
    let site = match note.site.as_deref().map(str::trim) {
        Some(site) if !site.is_empty() => site.to_owned(),
        _ => host(&note.url).to_owned(),
    };
    NameFields {
        title: note.title.clone(),
        date,
        site,
        id: note.id.clone(),
    }
}

/// The host of an absolute URL, without `www.` and port.
fn host(url: &str) -> &str {
    let Some((_, rest)) = url.split_once("://") else {
        return "";
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = host
        .rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(host, |(h, _)| h);
    host.strip_prefix("www.").unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::Quote;

    fn note() -> Note {
        Note {
            schema: crate::SCHEMA_VERSION,
            id: "https://www.example.com:8080/a".into(),
            url: "https://www.example.com:8080/a".into(),
            title: "A title".into(),
            created: "2024-06-05T23:30:00.000Z".into(),
            updated: "2024-06-06T10:00:00.000Z".into(),
            quotes: vec![
                Quote {
                    id: "q1".into(),
                    markdown: "One.".into(),
                    created: "2024-06-05T23:30:00.000Z".into(),
                    ..Quote::default()
                },
                Quote {
                    id: "q2".into(),
                    markdown: "Two.".into(),
                    created: "2024-06-06T10:00:00.000Z".into(),
                    ..Quote::default()
                },
            ],
            ..Note::default()
        }
    }

    #[test]
    fn lazy_notes_render_on_demand_and_their_key_follows_the_note() {
        let options = RenderOptions::default();
        let templates = Templates::default();
        let n = note();
        let lazy = LazyNote::new(&n, &templates, &options);
        assert_eq!(
            lazy.rendered().unwrap(),
            &sync_note(&n, &templates, &options)
        );
        assert_eq!(lazy.source(), source_key(&n, &templates, &options));
        let mut commented = note();
        commented.quotes[0].comment = "Mine".into();
        assert_ne!(source_key(&commented, &templates, &options), lazy.source());
        let custom = Templates {
            quote: "{{ quote }}".into(),
            ..Templates::default()
        };
        assert_ne!(source_key(&n, &custom, &options), lazy.source());
        let east = RenderOptions {
            tz_offset_minutes: 60,
            ..RenderOptions::default()
        };
        assert_ne!(source_key(&n, &templates, &east), lazy.source());
    }

    #[test]
    fn stored_notes_key_like_parsed_ones_and_parse_only_when_unknown() {
        let (templates, options) = (Templates::default(), RenderOptions::default());
        let n = note();
        let json = n.to_json();
        assert_eq!(
            source_key_of_json(&json, &templates, &options),
            source_key(&n, &templates, &options)
        );
        let unknown = StoredNote::new(&json, &templates, &options, |_| None).unwrap();
        assert_eq!(unknown.id(), n.id);
        assert_eq!(
            unknown.rendered().unwrap(),
            &sync_note(&n, &templates, &options)
        );
        let known =
            StoredNote::new(&json, &templates, &options, |_| Some("recorded".into())).unwrap();
        assert_eq!(known.id(), "recorded");
        // A state that lies about a note that does not parse: an error, not a panic.
        let lying = StoredNote::new("{}", &templates, &options, |_| Some("x".into())).unwrap();
        assert!(lying.rendered().is_err());
        assert!(StoredNote::new("{", &templates, &options, |_| None).is_err());
    }

    #[test]
    fn name_fields_in_the_readers_zone() {
        let fields = name_fields(
            &note(),
            &RenderOptions {
                tz_offset_minutes: 60,
                ..Default::default()
            },
        );
        assert_eq!(fields.date, "2024-06-06");
        assert_eq!(fields.site, "example.com");
        assert_eq!(
            name_fields(&note(), &RenderOptions::default()).date,
            "2024-06-05"
        );
    }

    #[test]
    fn the_file_holds_every_block_and_the_frame_ignores_new_quotes() {
        let options = RenderOptions::default();
        let full = sync_note(&note(), &Templates::default(), &options);
        assert_eq!(full.quotes.len(), 2);
        for q in &full.quotes {
            assert!(
                full.file.contains(q.block.trim_end()),
                "{:?} not in {:?}",
                q.block,
                full.file
            );
        }
        let mut fewer = note();
        fewer.quotes.pop();
        fewer.updated = fewer.created.clone();
        let before = sync_note(&fewer, &Templates::default(), &options);
        assert_eq!(before.frame, full.frame);
        assert_ne!(before.version, full.version);
        let mut retitled = fewer.clone();
        retitled.title = "Another".into();
        assert_ne!(
            sync_note(&retitled, &Templates::default(), &options).frame,
            before.frame
        );
    }
}
