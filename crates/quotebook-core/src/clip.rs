//! A capture from the browser becomes quotes in the page's note.

use serde::{Deserialize, Serialize};

use crate::convert::{Options, quote_markdown};
use crate::embed::{image_refs, image_spans};
use crate::error::Error;
use crate::fragment::{quote_selector, text_fragment};
use crate::image::{ImageError, data_url_bytes, inspect};
use crate::metadata::{Metadata, extract_metadata_with_text};
use crate::note::{ImageRef, KEPT_IMAGE_SCHEME};
use crate::note::{Note, Quote, QuoteKind, SCHEMA_VERSION, TextSelector, normalize_tags};
use crate::url;
use quotebook_html::chars::strip_controls;

/// The most selected text a save takes, in UTF-16 code units (JavaScript's string length):
/// a quote stores its text about three times (its Markdown, its text, its selector), so
/// this keeps a quote under [`MAX_QUOTE`] with room for formatting. The capture script
/// refuses a larger selection before sending anything (`MAX_SELECTION` in
/// `extension/capture.js` and `save.js`; `tests/capture_contract.rs` keeps them equal).
pub const MAX_SELECTION: usize = 512 * 1024;

/// The most a capture may hold in all, in UTF-16 code units: the ranges' HTML (inline
/// images with it), the texts, the page text and metadata, the URLs and the title. The
/// capture script counts the same and sends no more (`MAX_CAPTURE` in
/// `extension/capture.js`): past it, it leaves out the page text (the quote then has no
/// deep link), and refuses the save when even without it the capture is too large.
pub const MAX_CAPTURE: usize = 8 * 1024 * 1024;

/// The most one stored quote may take, in bytes of its JSON (as `storage.local` and a
/// backup hold it): its Markdown, text, selector and inline images together.
pub const MAX_QUOTE: usize = 2 * 1024 * 1024;

/// `n` bytes (or code units) in MB (MiB), rounded up to a tenth, as the messages say it
/// (the extension's `save.js` rounds the same way).
fn megabytes(n: usize) -> String {
    let tenths = (n * 10).div_ceil(1024 * 1024);
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `s`'s length in UTF-16 code units (never more than its length in bytes).
fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

/// What the capture script (or the context menu event, where no script may run) sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Capture {
    /// The page's URL.
    pub url: String,
    /// `document.baseURI`: relative links resolve against it, not against `url`.
    pub base_url: Option<String>,
    pub title: String,
    /// `<link rel=canonical>`, when the page has one.
    pub canonical: Option<String>,
    /// The HTML of each range of the selection, wrapped in its formatting ancestors.
    pub ranges: Vec<String>,
    /// The selection's text as the browser reports it; used alone when no HTML could be
    /// captured (pages where scripts may not be injected).
    pub text: String,
    /// Each range's own text (`Range.toString()`), for selections of several ranges.
    pub range_texts: Vec<String>,
    /// The selection came from a private (incognito) window.
    pub incognito: bool,
    /// The page's metadata-bearing HTML (see [`crate::metadata_capture_selectors`]), or the
    /// whole page (the CLI's `--page-file`).
    pub meta_html: Option<String>,
    /// The page's visible text, blocks separated by `\n` (for deep links), and each range's
    /// `[start, end)` in it, in UTF-16 code units (JavaScript's string offsets).
    pub page_text: Option<String>,
    pub offsets: Vec<[usize; 2]>,
}

/// One save: the capture plus what the core cannot know by itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClipRequest {
    pub capture: Capture,
    /// The instant of the save, RFC 3339.
    pub now: String,
    /// A fresh unique id for the first quote; further ranges get `-2`, `-3`… appended.
    pub quote_id: String,
    /// The reader's comment and tags for the quote, if the save carried them.
    pub comment: String,
    pub tags: Vec<String>,
    /// The reader allows saving quotes from private windows.
    pub allow_private: bool,
    /// Notes of this page stored under one of its former identities (a schema-1 note keyed
    /// by the URL with its tracking parameters, a note saved before the page's canonical
    /// URL was known), as stored (any schema). They are folded into the note: their quotes
    /// (none lost, none doubled) and their URLs as aliases, so the caller can store the one
    /// note under its identity and drop the former keys.
    pub former: Vec<serde_json::Value>,
}

impl Capture {
    /// Everything the capture holds, in UTF-16 code units (see [`MAX_CAPTURE`]).
    pub fn size(&self) -> usize {
        let optional = [
            &self.base_url,
            &self.canonical,
            &self.meta_html,
            &self.page_text,
        ];
        [&self.url, &self.title, &self.text]
            .into_iter()
            .chain(&self.ranges)
            .chain(&self.range_texts)
            .chain(optional.into_iter().flatten())
            .map(|s| utf16_len(s))
            .sum()
    }

    /// Refuses, with a message for the reader, a capture over [`MAX_SELECTION`] of text or
    /// [`MAX_CAPTURE`] in all.
    pub fn check_size(&self) -> Result<(), Error> {
        let text = utf16_len(&self.text).max(self.range_texts.iter().map(|t| utf16_len(t)).sum());
        if text > MAX_SELECTION {
            return Err(Error::TooLarge(format!(
                "the selection holds {} MB of text; Quotebook saves at most {} MB in one quote. \
                 Select less and save it in parts",
                megabytes(text),
                megabytes(MAX_SELECTION)
            )));
        }
        let size = self.size();
        if size > MAX_CAPTURE {
            return Err(Error::TooLarge(format!(
                "the capture holds {} MB (the selection's HTML and text, the page's text and \
                 metadata); Quotebook takes at most {} MB in one save. Select less and save \
                 it in parts",
                megabytes(size),
                megabytes(MAX_CAPTURE)
            )));
        }
        Ok(())
    }
}

/// Refuses a quote whose JSON is over [`MAX_QUOTE`] bytes.
fn check_quote_size(quote: &Quote) -> Result<(), Error> {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, quote).map_err(|e| Error::InvalidData(e.to_string()))?;
    if count.0 > MAX_QUOTE {
        return Err(Error::TooLarge(format!(
            "the quote would take {} MB; Quotebook stores at most {} MB in one quote (its \
             text, formatting and inline images). Select less and save it in parts",
            megabytes(count.0),
            megabytes(MAX_QUOTE)
        )));
    }
    Ok(())
}

impl ClipRequest {
    pub fn from_json(json: &str) -> Result<ClipRequest, Error> {
        serde_json::from_str(json).map_err(|e| Error::InvalidData(e.to_string()))
    }

    /// The page's metadata, from the metadata HTML and the page's text the capture sent
    /// (empty without the HTML).
    pub(crate) fn metadata(&self) -> Metadata {
        match &self.capture.meta_html {
            Some(html) => extract_metadata_with_text(
                html,
                self.capture.page_text.as_deref(),
                &self.capture.url,
            ),
            None => Metadata::default(),
        }
    }

    /// The identity of the note this request's quotes go to.
    pub fn note_id(&self) -> String {
        self.note_id_with(&self.metadata())
    }

    fn note_id_with(&self, metadata: &Metadata) -> String {
        let canonical = self
            .capture
            .canonical
            .as_deref()
            .or(metadata.canonical_url.as_deref());
        url::note_identity(&self.capture.url, canonical)
    }
}

/// What a save did with each range of the selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClipOutcome {
    /// The note to store.
    pub note: Note,
    /// One entry per quote the capture held, in order.
    pub quotes: Vec<ClippedQuote>,
}

/// A range of the selection: saved as a new quote, or already in the note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClippedQuote {
    /// The new quote's id, or the id of the quote already saved.
    pub id: String,
    pub status: ClipStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClipStatus {
    Saved,
    /// The same text at the same place of the page is already a quote of the note (a
    /// comment or tags the save carried joined it).
    Duplicate,
}

/// Adds the request's quotes to `existing` (the page's note, if it has one) and returns
/// the updated note (see [`clip_outcome`]).
pub fn clip(request: &ClipRequest, existing: Option<Note>) -> Result<Note, Error> {
    clip_inner(request, existing, None).map(|outcome| outcome.note)
}

/// A save's note, what became of each range, and the bytes of the images it took from
/// `data:` URLs, for the store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Clipped {
    pub note: Note,
    pub quotes: Vec<ClippedQuote>,
    pub images: Vec<ImageBytes>,
}

/// Bytes to store under their hash.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageBytes {
    pub hash: String,
    pub mime: String,
    #[serde(with = "crate::image::serde_bytes_compat")]
    pub bytes: Vec<u8>,
}

/// Like [`clip_outcome`], and the images that came inline (`data:` URLs) become kept
/// images: their destination in the Markdown becomes [`KEPT_IMAGE_SCHEME`] and their hash,
/// and their bytes are returned for the store instead of being stored in the note. One that
/// cannot be kept (over [`crate::image::MAX_IMAGE`], not an image) is left out of the
/// Markdown, its alt text in its place, with the reason in its [`ImageRef::error`].
pub fn clip_with_images(request: &ClipRequest, existing: Option<Note>) -> Result<Clipped, Error> {
    let mut images = Vec::new();
    let outcome = clip_inner(request, existing, Some(&mut images))?;
    Ok(Clipped {
        note: outcome.note,
        quotes: outcome.quotes,
        images,
    })
}

/// Adds the request's quotes to `existing` (the page's note, if it has one): the note to
/// store and what became of each range. The same quote saved twice is stored once (a
/// comment the second save carries joins it): the same text at the same position of the
/// page, or the same text when either position is unknown. The second copy of a passage
/// the page repeats (the same text elsewhere) is a quote of its own. Nothing is changed
/// when the selection is empty.
pub fn clip_outcome(request: &ClipRequest, existing: Option<Note>) -> Result<ClipOutcome, Error> {
    clip_inner(request, existing, None)
}

fn clip_inner(
    request: &ClipRequest,
    existing: Option<Note>,
    mut inline_images: Option<&mut Vec<ImageBytes>>,
) -> Result<ClipOutcome, Error> {
    let capture = &request.capture;
    let page_url = url::clean(&capture.url);
    if !url::is_absolute(&page_url) {
        return Err(Error::InvalidUrl(capture.url.clone()));
    }
    if capture.incognito && !request.allow_private {
        return Err(Error::PrivateWindow);
    }
    capture.check_size()?;
    let base = capture
        .base_url
        .as_deref()
        .filter(|b| url::is_absolute(b))
        .unwrap_or(&page_url);

    // Inline images that become files may be as long as a kept image's base64; the
    // converter's own bound is for images kept in the Markdown.
    let options = Options {
        max_inline_image: inline_images
            .is_some()
            .then_some(crate::image::MAX_IMAGE / 3 * 4 + 1024),
        ..Options::default()
    };
    let mut quotes = Vec::with_capacity(capture.ranges.len().max(1));
    for (i, html) in capture.ranges.iter().enumerate() {
        match quote_markdown(html, base, &options) {
            Ok(markdown) => {
                quotes.push((markdown, deep_link(capture, i), capture.range_texts.get(i)))
            }
            Err(Error::EmptySelection) => {}
            Err(other) => return Err(other),
        }
    }
    if quotes.is_empty() && !capture.text.trim().is_empty() {
        quotes.push((
            quote_markdown(
                &plain_text_to_html(&capture.text),
                base,
                &Options::default(),
            )?,
            Anchor::default(),
            None,
        ));
    }
    if quotes.is_empty() {
        return Err(Error::EmptySelection);
    }

    let metadata = request.metadata();
    let id = request.note_id_with(&metadata);
    let mut note = match existing {
        Some(note) if note.id == id => note,
        Some(note) => {
            return Err(Error::InvalidData(format!(
                "the note for {} cannot take quotes from {id}",
                note.id
            )));
        }
        None => Note {
            schema: SCHEMA_VERSION,
            id: id.clone(),
            url: page_url.clone(),
            canonical: (id != page_url).then(|| id.clone()),
            title: title_or_url(
                metadata.title.as_deref().unwrap_or(&capture.title),
                &page_url,
            ),
            created: request.now.clone(),
            quotes: Vec::new(),
            ..Note::default()
        },
    };
    note.add_alias(&page_url);
    fill_metadata(&mut note, metadata);
    for value in &request.former {
        absorb(&mut note, Note::from_value(value.clone())?);
    }

    let single = quotes.len() == 1;
    let tags = normalize_tags(request.tags.iter().map(String::as_str));
    let mut outcome = Vec::with_capacity(quotes.len());
    // Whether the note changed (a duplicate that brings nothing new leaves it as it was).
    let mut changed = !request.former.is_empty();
    for (i, (markdown, link, range_text)) in quotes.into_iter().enumerate() {
        let text = match range_text {
            _ if single => capture.text.clone(),
            Some(text) => text.clone(),
            None => String::new(),
        };
        let key = dedup_key(if text.trim().is_empty() {
            &markdown
        } else {
            &text
        });
        if let Some(same) = note.quotes.iter_mut().find(|q| {
            let same_place = match (q.position, link.position) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            same_place
                && dedup_key(if q.text.trim().is_empty() {
                    &q.markdown
                } else {
                    &q.text
                }) == key
        }) {
            let before = (same.comment.len(), same.tags.len());
            join_comment(&mut same.comment, &request.comment);
            same.tags = normalize_tags(same.tags.iter().chain(&tags).map(String::as_str));
            changed |= before != (same.comment.len(), same.tags.len());
            outcome.push(ClippedQuote {
                id: same.id.clone(),
                status: ClipStatus::Duplicate,
            });
            continue;
        }
        let id = if i == 0 {
            request.quote_id.clone()
        } else {
            format!("{}-{}", request.quote_id, i + 1)
        };
        let (markdown, images) = match inline_images.as_deref_mut() {
            Some(store) => take_inline_images(&markdown, store),
            None => (markdown.clone(), image_refs(&markdown)),
        };
        let quote = Quote {
            id,
            markdown,
            images,
            text,
            created: request.now.clone(),
            comment: strip_controls(request.comment.trim()).into_owned(),
            tags: tags.clone(),
            private: capture.incognito,
            fragment: link.fragment,
            position: link.position,
            selector: link.selector,
            kind: QuoteKind::default(),
        };
        check_quote_size(&quote)?;
        outcome.push(ClippedQuote {
            id: quote.id.clone(),
            status: ClipStatus::Saved,
        });
        note.quotes.push(quote);
    }
    if changed || outcome.iter().any(|q| q.status == ClipStatus::Saved) {
        note.updated = request.now.clone();
    }
    Ok(ClipOutcome {
        note,
        quotes: outcome,
    })
}

/// `markdown` with its `data:` images taken out into `store` (see [`clip_with_images`]),
/// and the quote's image references.
fn take_inline_images(markdown: &str, store: &mut Vec<ImageBytes>) -> (String, Vec<ImageRef>) {
    let mut out = String::with_capacity(markdown.len().min(64 * 1024));
    let mut at = 0;
    let mut kept_size = 0;
    let mut refused = Vec::new();
    for span in image_spans(markdown) {
        let Some(bytes) = data_url_bytes(&span.url) else {
            continue;
        };
        let outcome = inspect(&bytes).and_then(|info| {
            if kept_size + info.size > crate::image::MAX_QUOTE_IMAGES {
                Err(ImageError::QuoteTooLarge(kept_size + info.size))
            } else {
                Ok(info)
            }
        });
        out.push_str(&markdown[at..span.range.start]);
        at = span.range.end;
        match outcome {
            Ok(info) => {
                let url = format!("{KEPT_IMAGE_SCHEME}{}", info.hash);
                out.push_str(&markdown[span.range.start..span.range.end].replace(&span.url, &url));
                if !store.iter().any(|i| i.hash == info.hash) {
                    kept_size += info.size;
                    store.push(ImageBytes {
                        hash: info.hash.clone(),
                        mime: info.mime.clone(),
                        bytes,
                    });
                }
            }
            Err(error) => {
                out.push_str(&crate::embed::plain_alt(&span.alt));
                refused.push(ImageRef {
                    alt: span.alt.clone(),
                    error: Some(error.coded()),
                    ..ImageRef::default()
                });
            }
        }
    }
    out.push_str(&markdown[at..]);
    let mut refs = image_refs(&out);
    for image in &mut refs {
        if let Some(hash) = image.url.strip_prefix(KEPT_IMAGE_SCHEME)
            && let Some(kept) = store.iter().find(|i| i.hash == hash)
        {
            let sniffed = crate::image::sniff(&kept.bytes).ok();
            image.hash = Some(kept.hash.clone());
            image.mime = Some(kept.mime.clone());
            image.size = Some(kept.bytes.len());
            image.width = sniffed.map(|s| s.width);
            image.height = sniffed.map(|s| s.height);
        }
    }
    refs.extend(refused);
    (out, refs)
}

/// "Save image to note": one image, its page and what the reader added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ImageClipRequest {
    /// The page's URL, title, canonical URL and metadata HTML, as in a [`Capture`].
    pub url: String,
    pub title: String,
    pub canonical: Option<String>,
    pub meta_html: Option<String>,
    pub incognito: bool,
    /// The image's URL (`srcUrl`): absolute, or a `data:` URL.
    pub src: String,
    pub alt: String,
    /// The image's `figcaption`, if it has one.
    pub caption: String,
    pub now: String,
    pub quote_id: String,
    pub comment: String,
    pub tags: Vec<String>,
    pub allow_private: bool,
    /// Where the image stands in the page's visible text, when the front end knows.
    pub position: Option<usize>,
    pub former: Vec<serde_json::Value>,
}

impl ImageClipRequest {
    /// The identity of the note this image goes to (see [`ClipRequest::note_id`]).
    pub fn note_id(&self) -> String {
        ClipRequest {
            capture: Capture {
                url: self.url.clone(),
                canonical: self.canonical.clone(),
                meta_html: self.meta_html.clone(),
                ..Capture::default()
            },
            ..ClipRequest::default()
        }
        .note_id()
    }
}

/// Adds an image as a quote of its own to the page's note (see [`clip`]). Its Markdown is
/// the image, then its caption; its [`ImageRef`] waits for bytes unless they came inline
/// (`data:`), which [`image_clip_with_bytes`] returns for the store.
pub fn image_clip(request: &ImageClipRequest, existing: Option<Note>) -> Result<Note, Error> {
    Ok(image_clip_with_bytes(request, existing)?.note)
}

/// Like [`image_clip`], with the bytes of an image that came as a `data:` URL.
pub fn image_clip_with_bytes(
    request: &ImageClipRequest,
    existing: Option<Note>,
) -> Result<Clipped, Error> {
    let src = request.src.trim();
    let is_data = src
        .get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("data:"));
    if !is_data && !url::is_absolute(src) {
        return Err(Error::InvalidUrl(request.src.clone()));
    }
    let mut html = String::from("<p><img src=\"");
    escape_attr(&mut html, src);
    html.push_str("\" alt=\"");
    escape_attr(&mut html, request.alt.trim());
    html.push_str("\"></p>");
    let caption = request
        .caption
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !caption.is_empty() {
        html.push_str("<p>");
        escape_attr(&mut html, &caption);
        html.push_str("</p>");
    }
    let clip_request = ClipRequest {
        capture: Capture {
            url: request.url.clone(),
            title: request.title.clone(),
            canonical: request.canonical.clone(),
            meta_html: request.meta_html.clone(),
            incognito: request.incognito,
            ranges: vec![html],
            ..Capture::default()
        },
        now: request.now.clone(),
        quote_id: request.quote_id.clone(),
        comment: request.comment.clone(),
        tags: request.tags.clone(),
        allow_private: request.allow_private,
        former: request.former.clone(),
    };
    let mut images = Vec::new();
    let ClipOutcome { mut note, quotes } = clip_inner(&clip_request, existing, Some(&mut images))?;
    if let Some(quote) = note.quotes.iter_mut().find(|q| q.id == request.quote_id) {
        quote.text = String::new();
        quote.position = request.position;
        for image in &mut quote.images {
            image.caption = caption.clone();
        }
    }
    Ok(Clipped {
        note,
        quotes,
        images,
    })
}

/// Where a quote stands in its page, as far as the capture tells.
#[derive(Debug, Default)]
struct Anchor {
    fragment: Option<String>,
    selector: Option<TextSelector>,
    position: Option<usize>,
}

/// The deep link and selector of range `i`, when the capture sent the page text and its
/// offsets. A selection no text fragment can single out still gets its selector.
fn deep_link(capture: &Capture, i: usize) -> Anchor {
    let (Some(page_text), Some(&[start, end])) =
        (capture.page_text.as_deref(), capture.offsets.get(i))
    else {
        return Anchor::default();
    };
    if end <= start {
        // The capture could not place this range in the page text.
        return Anchor::default();
    }
    match text_fragment(page_text, start, end) {
        Some(f) => Anchor {
            fragment: Some(f.directive),
            position: Some(f.start),
            selector: Some(TextSelector {
                repeated: quotebook_html::anchor::is_repeated(page_text, &f.exact),
                exact: f.exact,
                prefix: f.prefix,
                suffix: f.suffix,
            }),
        },
        None => Anchor {
            fragment: None,
            position: Some(start),
            selector: quote_selector(page_text, start, end).map(|s| TextSelector {
                repeated: quotebook_html::anchor::is_repeated(page_text, &s.exact),
                exact: s.exact,
                prefix: s.prefix,
                suffix: s.suffix,
            }),
        },
    }
}

/// Folds `former`, the same page's note under an older identity, into `note`: its id and
/// URLs become aliases, its quotes join in the order saved (a quote already there, by id
/// or by text, stays once), its title and metadata fill what `note` lacks.
fn absorb(note: &mut Note, former: Note) {
    let former_id = former.id.clone();
    for url in former.urls().chain([former_id.as_str()]) {
        if url != note.id {
            note.add_alias(url);
        }
    }
    let key = |q: &Quote| {
        dedup_key(if q.text.trim().is_empty() {
            &q.markdown
        } else {
            &q.text
        })
    };
    for quote in former.quotes {
        if let Some(same) = note
            .quotes
            .iter_mut()
            .find(|q| q.id == quote.id || key(q) == key(&quote))
        {
            join_comment(&mut same.comment, &quote.comment);
            same.tags = normalize_tags(same.tags.iter().chain(&quote.tags).map(String::as_str));
            continue;
        }
        note.quotes.push(quote);
    }
    crate::note::sort_quotes(&mut note.quotes);
    if former.created < note.created {
        note.created = former.created;
    }
    if note.title == note.url && !former.title.is_empty() {
        note.title = former.title;
    }
    fill_metadata(
        note,
        Metadata {
            authors: former.authors,
            site_name: former.site,
            published: former.published,
            description: former.description,
            language: former.lang,
            ..Metadata::default()
        },
    );
}

/// Fills what the note does not know yet from the page's metadata; what it knows stays.
fn fill_metadata(note: &mut Note, metadata: Metadata) {
    if note.authors.is_empty() {
        note.authors = metadata.authors;
    }
    note.site = note.site.take().or(metadata.site_name);
    note.published = note.published.take().or(metadata.published);
    note.description = note.description.take().or(metadata.description);
    note.lang = note.lang.take().or(metadata.language);
}

/// Text compared for "the same quote": whitespace collapsed.
fn dedup_key(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn join_comment(existing: &mut String, added: &str) {
    let added = strip_controls(added);
    let added = added.trim();
    if added.is_empty() || existing.contains(added) {
        return;
    }
    if !existing.is_empty() {
        existing.push_str("\n\n");
    }
    existing.push_str(added);
}

fn title_or_url(title: &str, url: &str) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        url.to_owned()
    } else {
        title
    }
}

/// Plain text as HTML that keeps its paragraphs and line breaks, so it goes through the one
/// converter and gets the one escaping.
fn plain_text_to_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        html.push_str("<p>");
        for (i, line) in paragraph.trim_matches('\n').split('\n').enumerate() {
            if i > 0 {
                html.push_str("<br>");
            }
            escape_attr(&mut html, line);
        }
        html.push_str("</p>");
    }
    html
}

/// Appends `text` escaped for HTML text and attribute values alike.
fn escape_attr(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str, ranges: &[&str], text: &str, now: &str, id: &str) -> ClipRequest {
        ClipRequest {
            capture: Capture {
                url: url.into(),
                title: "  A   page ".into(),
                ranges: ranges.iter().map(|s| s.to_string()).collect(),
                text: text.into(),
                ..Capture::default()
            },
            now: now.into(),
            quote_id: id.into(),
            ..ClipRequest::default()
        }
    }

    #[test]
    fn a_first_quote_creates_the_note() {
        let note = clip(
            &request(
                "https://a.example/p?utm_source=x#y",
                &["<p>Hi</p>"],
                "Hi",
                "T1",
                "q1",
            ),
            None,
        )
        .unwrap();
        assert_eq!(note.id, "https://a.example/p");
        assert_eq!(note.url, "https://a.example/p");
        assert_eq!(note.title, "A page");
        assert_eq!((note.created.as_str(), note.updated.as_str()), ("T1", "T1"));
        assert_eq!(note.quotes.len(), 1);
        assert_eq!(note.quotes[0].markdown, "Hi");
    }

    #[test]
    fn a_second_quote_appends_and_only_updated_changes() {
        let first = clip(
            &request("https://a.example/p", &["<p>One</p>"], "One", "T1", "q1"),
            None,
        )
        .unwrap();
        let second = clip(
            &request(
                "https://a.example/p#frag",
                &["<p>Two</p>"],
                "Two",
                "T2",
                "q2",
            ),
            Some(first),
        )
        .unwrap();
        assert_eq!(
            (second.created.as_str(), second.updated.as_str()),
            ("T1", "T2")
        );
        let ids: Vec<_> = second.quotes.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["q1", "q2"]);
    }

    #[test]
    fn the_canonical_url_is_the_identity_and_other_urls_are_aliases() {
        let mut r = request(
            "https://m.a.example/p?id=1",
            &["<p>One</p>"],
            "One",
            "T1",
            "q1",
        );
        r.capture.canonical = Some("https://m.a.example/canonical".into());
        let note = clip(&r, None).unwrap();
        assert_eq!(note.id, "https://m.a.example/canonical");
        assert_eq!(
            note.canonical.as_deref(),
            Some("https://m.a.example/canonical")
        );
        assert_eq!(note.url, "https://m.a.example/p?id=1");
        let mut r2 = request(
            "https://m.a.example/p?id=1&fbclid=3",
            &["<p>Two</p>"],
            "Two",
            "T2",
            "q2",
        );
        r2.capture.canonical = Some("https://m.a.example/canonical".into());
        assert_eq!(r2.note_id(), note.id);
        let note = clip(&r2, Some(note)).unwrap();
        assert!(note.urls().any(|u| u == "https://m.a.example/p?id=1"));
        assert_eq!(note.quotes.len(), 2);
    }

    #[test]
    fn the_same_quote_twice_is_stored_once_and_its_comment_joins() {
        let first = clip(
            &request(
                "https://a.example/p",
                &["<p>One  two</p>"],
                "One  two",
                "T1",
                "q1",
            ),
            None,
        )
        .unwrap();
        let mut again = request(
            "https://a.example/p",
            &["<p>One two</p>"],
            "One\ntwo",
            "T2",
            "q2",
        );
        again.comment = "Worth it.".into();
        again.tags = vec!["#x".into()];
        let note = clip(&again, Some(first)).unwrap();
        assert_eq!(note.quotes.len(), 1);
        assert_eq!(note.quotes[0].id, "q1");
        assert_eq!(note.quotes[0].comment, "Worth it.");
        assert_eq!(note.quotes[0].tags, ["x"]);
        assert_eq!(note.updated, "T2");
    }

    /// A save of `[start, end)` of `page` (ASCII), with the page text and offsets a capture
    /// sends.
    fn placed(page: &str, start: usize, end: usize, now: &str, id: &str) -> ClipRequest {
        let text = &page[start..end];
        let mut r = request(
            "https://a.example/p",
            &[&format!("<p>{text}</p>")],
            text,
            now,
            id,
        );
        r.capture.page_text = Some(page.into());
        r.capture.offsets = vec![[start, end]];
        r
    }

    #[test]
    fn a_duplicate_is_the_same_text_at_the_same_place() {
        let page = "Chorus: all is well.\nVerse one.\nChorus: all is well.\nEnd.";
        let first = page.find("all is well").unwrap();
        let second = page.rfind("all is well").unwrap();
        let saved = clip_outcome(&placed(page, first, first + 11, "T1", "q1"), None).unwrap();
        assert_eq!(
            saved.quotes,
            [ClippedQuote {
                id: "q1".into(),
                status: ClipStatus::Saved
            }]
        );
        // The same passage again: nothing saved, the note unchanged, the first quote named.
        let again = clip_outcome(
            &placed(page, first, first + 11, "T2", "q2"),
            Some(saved.note.clone()),
        )
        .unwrap();
        assert_eq!(
            again.quotes,
            [ClippedQuote {
                id: "q1".into(),
                status: ClipStatus::Duplicate
            }]
        );
        assert_eq!(again.note, saved.note);
        // The second copy of the passage is a quote of its own.
        let copy = clip_outcome(
            &placed(page, second, second + 11, "T3", "q3"),
            Some(again.note),
        )
        .unwrap();
        assert_eq!(copy.quotes[0].status, ClipStatus::Saved);
        assert_eq!(copy.quotes[0].id, "q3");
        let positions: Vec<_> = copy.note.quotes.iter().map(|q| q.position).collect();
        assert_eq!(positions, [Some(first), Some(second)]);
        // Each knows the page held its words twice (anchoring then trusts the position only).
        assert!(
            copy.note
                .quotes
                .iter()
                .all(|q| q.selector.as_ref().unwrap().repeated)
        );
        let verse = page.find("Verse one.").unwrap();
        let once = clip(&placed(page, verse, verse + 10, "T5", "q5"), None).unwrap();
        assert!(!once.quotes[0].selector.as_ref().unwrap().repeated);
        // And saved again, it is that copy's duplicate.
        let copy_again = clip_outcome(
            &placed(page, second, second + 11, "T4", "q4"),
            Some(copy.note),
        )
        .unwrap();
        assert_eq!(copy_again.quotes[0].id, "q3");
        assert_eq!(copy_again.quotes[0].status, ClipStatus::Duplicate);
        assert_eq!(copy_again.note.quotes.len(), 2);
    }

    #[test]
    fn metadata_fills_the_note_and_og_url_is_the_identity() {
        let mut r = request(
            "https://news.example/a?utm_medium=x",
            &["<p>x</p>"],
            "x",
            "T",
            "q",
        );
        r.capture.title = String::new();
        r.capture.meta_html = Some(
            r#"<head><title>Fallback</title><meta property="og:url" content="https://news.example/story">
            <meta property="og:title" content="The Story"><meta name="author" content="Ada Lovelace">
            <meta property="article:published_time" content="2024-06-05T10:00:00Z"></head>"#
                .into(),
        );
        assert_eq!(r.note_id(), "https://news.example/story");
        let note = clip(&r, None).unwrap();
        assert_eq!(note.id, "https://news.example/story");
        assert_eq!(note.title, "The Story");
        assert_eq!(note.authors, ["Ada Lovelace"]);
        assert_eq!(note.published.as_deref(), Some("2024-06-05T10:00:00Z"));
    }

    #[test]
    fn the_page_text_dates_a_page_its_tags_do_not() {
        let page = "Menu\nThe cat sat down\nBy Ann Bo, 5 June 2024\nThe cat sat on the mat.";
        let mut r = request("https://a.example/p", &["<p>mat</p>"], "mat", "T", "q");
        r.capture.meta_html = Some("<head><title>The cat sat down</title></head>".into());
        let start = page.rfind("mat").unwrap();
        r.capture.page_text = Some(page.into());
        r.capture.offsets = vec![[start, start + 3]];
        let note = clip(&r, None).unwrap();
        assert_eq!(note.published.as_deref(), Some("2024-06-05"));
    }

    #[test]
    fn quotes_carry_a_deep_link_and_a_selector() {
        let page = "Intro\nThe cat sat on the mat.\nThe cat ran.";
        let mut r = request(
            "https://a.example/p",
            &["<p>The cat</p>"],
            "The cat",
            "T",
            "q",
        );
        // "The cat" of the second block, in UTF-16 units.
        let start = page.rfind("The cat").unwrap();
        r.capture.page_text = Some(page.into());
        r.capture.offsets = vec![[start, start + 7]];
        let note = clip(&r, None).unwrap();
        let quote = &note.quotes[0];
        let fragment = quote.fragment.as_deref().unwrap();
        assert!(fragment.starts_with("text="), "{fragment}");
        assert_ne!(
            fragment, "text=The%20cat",
            "the first match is another passage"
        );
        let selector = quote.selector.as_ref().unwrap();
        assert_eq!(selector.exact, "The cat");
        assert!(selector.prefix.ends_with("mat.\n"), "{selector:?}");
        assert_eq!(selector.suffix, " ran.");
    }

    /// A schema-1 note stored under the URL with its tracking parameters, and a note saved
    /// before the page's canonical URL was known: a save folds both into the page's note.
    #[test]
    fn notes_under_former_identities_are_folded_in() {
        let legacy = serde_json::json!({
            "schema": 1, "id": "https://a.example/p?utm_source=x", "url": "https://a.example/p?utm_source=x",
            "title": "Old", "created": "T0", "updated": "T0",
            "quotes": [{"id": "v1", "markdown": "a", "text": "a", "created": "T0"},
                       {"id": "v2", "markdown": "Same", "text": "Same", "created": "T0b", "comment": "old remark"}],
        });
        let before_canonical = clip(
            &request("https://a.example/p", &["<p>b</p>"], "b", "T1", "v3"),
            None,
        )
        .unwrap();
        assert_eq!(before_canonical.id, "https://a.example/p");
        let mut r = request(
            "https://a.example/p?utm_source=x",
            &["<p>Same</p>"],
            "Same",
            "T2",
            "v4",
        );
        r.capture.canonical = Some("https://a.example/story".into());
        r.comment = "new remark".into();
        r.former = vec![legacy, serde_json::to_value(&before_canonical).unwrap()];
        let note = clip(&r, None).unwrap();
        assert_eq!(note.id, "https://a.example/story");
        assert_eq!(note.schema, SCHEMA_VERSION);
        let ids: Vec<_> = note.quotes.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(
            ids,
            ["v1", "v2", "v3"],
            "in the order saved, the repeat once"
        );
        assert_eq!(note.quotes[1].comment, "old remark\n\nnew remark");
        assert_eq!(note.created, "T0");
        assert_eq!(note.updated, "T2");
        assert_eq!(note.title, "A page", "the page's title wins");
        for url in ["https://a.example/p?utm_source=x", "https://a.example/p"] {
            assert!(note.urls().any(|u| u == url), "{url} is an alias: {note:?}");
        }
        // A former note that is not a note is refused, and nothing is stored.
        r.former = vec![serde_json::json!("not a note")];
        assert!(matches!(clip(&r, None), Err(Error::InvalidData(_))));
    }

    #[test]
    fn each_range_becomes_a_quote() {
        let note = clip(
            &request(
                "https://a.example/p",
                &["<p>One</p>", "<b>Two</b>"],
                "",
                "T",
                "q",
            ),
            None,
        )
        .unwrap();
        let ids: Vec<_> = note.quotes.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["q", "q-2"]);
        assert_eq!(note.quotes[1].markdown, "**Two**");
        assert_eq!(note.quotes[1].text, "", "no range text was sent");
        let mut r = request(
            "https://a.example/p",
            &["<p> </p>", "<p>One</p>", "<b>Two</b>"],
            "",
            "T",
            "q",
        );
        r.capture.range_texts = vec![" ".into(), "One".into(), "Two".into()];
        let note = clip(&r, None).unwrap();
        let texts: Vec<_> = note.quotes.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(
            texts,
            ["One", "Two"],
            "each quote keeps its own range's text"
        );
    }

    #[test]
    fn private_windows_need_consent_and_are_marked() {
        let mut r = request("https://a.example/p", &["<p>x</p>"], "x", "T", "q");
        r.capture.incognito = true;
        assert_eq!(clip(&r, None), Err(Error::PrivateWindow));
        r.allow_private = true;
        assert!(clip(&r, None).unwrap().quotes[0].private);
    }

    #[test]
    fn plain_text_is_escaped_and_keeps_paragraphs() {
        let note = clip(
            &request(
                "chrome://settings",
                &[],
                "# not a heading\n\n<b>x</b>",
                "T",
                "q",
            ),
            None,
        )
        .unwrap();
        let md = &note.quotes[0].markdown;
        assert!(md.starts_with("\\# not a heading\n\n"), "{md}");
        assert!(!md.contains("<b>"), "{md}");
    }

    #[test]
    fn an_empty_selection_is_an_error() {
        let r = request("https://a.example/p", &["<p> </p>"], "  ", "T", "q");
        assert_eq!(clip(&r, None), Err(Error::EmptySelection));
    }

    #[test]
    fn a_relative_page_url_is_refused() {
        let r = request("/relative", &["<p>x</p>"], "x", "T", "q");
        assert!(matches!(clip(&r, None), Err(Error::InvalidUrl(_))));
    }
}
