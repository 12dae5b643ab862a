//! A quote's images in its Markdown: found by their destination, and embedded as the files
//! kept for them (attachments) when a note is rendered with images kept.
//!
//! The stored Markdown always keeps the image's own URL; only rendering swaps in the
//! attachment, so turning "Keep images" off gives back the remote URLs of today, and the
//! same note renders the same in the browser and the CLI.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::note::{ImageRef, KEPT_IMAGE_SCHEME, Note};
use crate::sync::name::{NameFields, Pattern, sanitize};
use crate::template::RenderOptions;

/// The default attachments folder: at the synced folder's (or the zip's) root.
pub const DEFAULT_ATTACHMENTS: &str = "attachments/";

/// How a note's kept images are written. The default links every image to its remote URL
/// (as before images were kept): only a caller that writes the attachments beside the note
/// (the extension's zip, with "Keep images" on, its default there) asks for `keep`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ImageOptions {
    /// Embed kept images as files; off: every image links to its remote URL.
    pub keep: bool,
    /// The attachments folder, a pattern with the file-name pattern's fields
    /// (`{site}/attachments/`); empty: the root.
    pub folder: String,
    pub embed: Embed,
    /// The note's own folder (or the file-name pattern's folder part): CommonMark embeds
    /// climb out of it, so only its depth counts.
    pub note_folder: String,
}

impl Default for ImageOptions {
    fn default() -> Self {
        ImageOptions {
            keep: false,
            folder: DEFAULT_ATTACHMENTS.into(),
            embed: Embed::Obsidian,
            note_folder: String::new(),
        }
    }
}

/// The embed syntax.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Embed {
    /// `![[name.png]]`: Obsidian finds the file by its name.
    #[default]
    Obsidian,
    /// `![alt](../attachments/name.png)`, relative to the note's folder.
    CommonMark,
}

/// Read by hand from its name, as `QuoteOrder` is (smaller in the wasm module).
impl<'de> Deserialize<'de> for Embed {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        match name.as_str() {
            "obsidian" => Ok(Embed::Obsidian),
            "commonmark" => Ok(Embed::CommonMark),
            other => Err(serde::de::Error::unknown_variant(
                other,
                &["obsidian", "commonmark"],
            )),
        }
    }
}

/// One image of a Markdown text: where it stands, its destination and its alt text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSpan {
    pub range: Range<usize>,
    pub url: String,
    pub alt: String,
}

/// Every image of `markdown`, in order.
pub fn image_spans(markdown: &str) -> Vec<ImageSpan> {
    let mut spans = Vec::new();
    // (index into `spans`, nesting) of the image whose alt text is being read.
    let mut open: Option<(usize, usize)> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => match &mut open {
                Some((_, depth)) => *depth += 1,
                None => {
                    spans.push(ImageSpan {
                        range,
                        url: dest_url.into_string(),
                        alt: String::new(),
                    });
                    open = Some((spans.len() - 1, 0));
                }
            },
            Event::End(TagEnd::Image) => match &mut open {
                Some((_, 0)) => open = None,
                Some((_, depth)) => *depth -= 1,
                None => {}
            },
            Event::Text(text) | Event::Code(text) => {
                if let Some((i, _)) = open {
                    spans[i].alt.push_str(&text);
                }
            }
            _ => {}
        }
    }
    spans
}

/// The images of a quote's Markdown as the quote keeps them: each destination once.
pub fn image_refs(markdown: &str) -> Vec<ImageRef> {
    let mut refs: Vec<ImageRef> = Vec::new();
    for span in image_spans(markdown) {
        if span.url.is_empty() || refs.iter().any(|r| r.url == span.url) {
            continue;
        }
        refs.push(ImageRef {
            name: name_hint(&span.url),
            url: span.url,
            alt: span.alt,
            ..ImageRef::default()
        });
    }
    refs
}

/// The file stem of an image's URL (`diagram` for `…/img/diagram.png?w=200`), or empty
/// when it has none worth keeping (`data:`, a bare number or hash-like token).
pub fn name_hint(url: &str) -> String {
    if !url.contains("://") {
        return String::new();
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let Some((_, last)) = path.rsplit_once('/') else {
        return String::new();
    };
    let last = percent_decoded(last);
    let stem = match last.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => &last,
    };
    let meaningful = stem.chars().any(char::is_alphabetic)
        && !(stem.len() >= 16 && stem.chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
    if meaningful {
        stem.chars().take(60).collect()
    } else {
        String::new()
    }
}

fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The file name of a kept image: its own name (else the note's title) and the first
/// eight hex digits of its hash, valid on every common file system.
pub fn attachment_name(note_title: &str, image: &ImageRef) -> Option<String> {
    let hash = image.hash.as_deref()?;
    let stem = if image.name.trim().is_empty() {
        note_title
    } else {
        &image.name
    };
    let stem: String = sanitize(stem, "image").chars().take(80).collect();
    let stem = stem.trim_end_matches(['.', ' ']);
    let extension = crate::image::extension_of(image.mime.as_deref().unwrap_or_default());
    Some(format!(
        "{stem}-{}.{extension}",
        hash.get(..8).unwrap_or(hash)
    ))
}

/// The attachments folder for a note, as `a/b/` (or empty for the root).
pub fn attachments_folder(folder: &str, fields: &NameFields) -> String {
    let folder = folder.trim().trim_matches('/');
    if folder.is_empty() {
        return String::new();
    }
    // The folder pattern parses as a file-name pattern with a stand-in file name.
    match Pattern::parse(&format!("{folder}/x")) {
        Ok(pattern) => {
            let (folders, _) = pattern.apply(fields);
            folders.iter().map(|f| format!("{f}/")).collect()
        }
        Err(_) => String::from("attachments/"),
    }
}

/// The path of a kept image's file, relative to the root; `None` while it has no bytes.
pub fn attachment_path(
    note_title: &str,
    fields: &NameFields,
    image: &ImageRef,
    options: &ImageOptions,
) -> Option<String> {
    let name = attachment_name(note_title, image)?;
    Some(format!(
        "{}{name}",
        attachments_folder(&options.folder, fields)
    ))
}

/// `markdown` with every kept image embedded as its attachment (and every image kept
/// from a `data:` URL but without bytes reduced to its alt text).
fn embed_in(
    markdown: &str,
    images: &[ImageRef],
    title: &str,
    fields: &NameFields,
    options: &ImageOptions,
) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for span in image_spans(markdown) {
        let image = images.iter().find(|i| i.url == span.url);
        let path = image
            .filter(|_| options.keep)
            .and_then(|i| attachment_path(title, fields, i, options));
        let replacement = match (path, image) {
            (Some(path), _) => match options.embed {
                Embed::Obsidian => {
                    let name = path.rsplit('/').next().unwrap_or(&path);
                    format!("![[{name}]]")
                }
                Embed::CommonMark => {
                    let depth = options
                        .note_folder
                        .split(['/', '\\'])
                        .filter(|c| !c.is_empty())
                        .count();
                    let target = format!("{}{path}", "../".repeat(depth));
                    format!("![{}]({})", plain_alt(&span.alt), destination(&target))
                }
            },
            (None, _) if span.url.starts_with(KEPT_IMAGE_SCHEME) => plain_alt(&span.alt),
            (None, _) => continue,
        };
        out.push_str(&markdown[at..span.range.start]);
        out.push_str(&replacement);
        at = span.range.end;
    }
    out.push_str(&markdown[at..]);
    out
}

/// Alt text as plain Markdown text, on one line.
pub(crate) fn plain_alt(alt: &str) -> String {
    let mut out = String::with_capacity(alt.len());
    for c in alt.chars() {
        if matches!(
            c,
            '\\' | '[' | ']' | '*' | '_' | '`' | '<' | '>' | '!' | '#'
        ) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

/// A link destination: in angle brackets when it holds spaces or parentheses.
fn destination(path: &str) -> String {
    if path.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", path.replace('<', "%3C").replace('>', "%3E"))
    } else {
        path.to_owned()
    }
}

/// `note` as it renders with `render`: its quotes' kept images embedded as attachments
/// (`render.images`; the attachments folder's fields in the reader's zone). Borrowed
/// unchanged when no quote has an image to change.
pub fn with_attachments<'a>(note: &'a Note, render: &RenderOptions) -> Cow<'a, Note> {
    let options = &render.images;
    let touches =
        |i: &ImageRef| (options.keep && i.hash.is_some()) || i.url.starts_with(KEPT_IMAGE_SCHEME);
    if !note.quotes.iter().flat_map(|q| &q.images).any(touches) {
        return Cow::Borrowed(note);
    }
    let fields = crate::sync::render::name_fields(note, render);
    let mut note = note.clone();
    for quote in &mut note.quotes {
        if quote.images.iter().any(touches) {
            quote.markdown = embed_in(
                &quote.markdown,
                &quote.images,
                &note.title,
                &fields,
                options,
            );
        }
    }
    Cow::Owned(note)
}

/// `markdown` (a quote's, or a note rendered from it) with each kept image's destination
/// replaced by the address `urls` gives for its hash (a preview's `blob:` URL of the
/// stored bytes); an image kept from a `data:` URL without one becomes its alt text, the
/// others keep their remote URL (a preview shows those as placeholders).
pub fn with_local_urls(
    markdown: &str,
    images: &[ImageRef],
    urls: &std::collections::HashMap<String, String>,
) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for span in image_spans(markdown) {
        let local = images
            .iter()
            .find(|i| i.url == span.url)
            .and_then(|i| i.hash.as_ref())
            .and_then(|hash| urls.get(hash));
        let replacement = match local {
            Some(url) => format!("![{}]({})", plain_alt(&span.alt), destination(url)),
            None if span.url.starts_with(KEPT_IMAGE_SCHEME) => plain_alt(&span.alt),
            None => continue,
        };
        out.push_str(&markdown[at..span.range.start]);
        out.push_str(&replacement);
        at = span.range.end;
    }
    out.push_str(&markdown[at..]);
    out
}

/// A file an export or a sync writes besides the notes: a kept image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentFile {
    pub path: String,
    pub hash: String,
    pub mime: String,
}

/// The attachments of `notes` rendered with `render`, sorted by path, each path once (the
/// same image in two notes with one attachments folder is one file). Empty when images
/// are not kept.
pub fn attachment_files<'a>(
    notes: impl IntoIterator<Item = &'a Note>,
    render: &RenderOptions,
) -> Vec<AttachmentFile> {
    let options = &render.images;
    if !options.keep {
        return Vec::new();
    }
    let mut files: Vec<AttachmentFile> = Vec::new();
    for note in notes {
        let fields = crate::sync::render::name_fields(note, render);
        for image in note.quotes.iter().flat_map(|q| &q.images) {
            let (Some(hash), Some(path)) = (
                image.hash.as_deref(),
                attachment_path(&note.title, &fields, image, options),
            ) else {
                continue;
            };
            files.push(AttachmentFile {
                path,
                hash: hash.to_owned(),
                mime: image.mime.clone().unwrap_or_default(),
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(images: ImageOptions) -> RenderOptions {
        RenderOptions {
            images,
            ..RenderOptions::default()
        }
    }

    fn kept(url: &str, name: &str) -> ImageRef {
        ImageRef {
            url: url.into(),
            name: name.into(),
            hash: Some("0123456789abcdef".repeat(4)),
            mime: Some("image/png".into()),
            ..ImageRef::default()
        }
    }

    fn note_with(markdown: &str, images: Vec<ImageRef>) -> Note {
        Note {
            id: "https://a.example/p".into(),
            url: "https://a.example/p".into(),
            title: "A: page?".into(),
            created: "2024-06-05T12:57:03.217Z".into(),
            quotes: vec![crate::note::Quote {
                id: "q1".into(),
                markdown: markdown.into(),
                images,
                ..Default::default()
            }],
            ..Note::default()
        }
    }

    #[test]
    fn images_are_found_with_their_alt_text_each_url_once() {
        let md = "A ![a *b*](https://x.example/i/cat.png \"t\") and [![c](https://x.example/d.jpg)](https://x.example/) ![again](https://x.example/i/cat.png)";
        let refs = image_refs(md);
        let urls: Vec<_> = refs.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://x.example/i/cat.png", "https://x.example/d.jpg"]
        );
        assert_eq!(refs[0].alt, "a b");
        assert_eq!(refs[0].name, "cat");
        assert_eq!(refs[1].name, "d");
    }

    #[test]
    fn name_hints_skip_meaningless_names() {
        assert_eq!(
            name_hint("https://x.example/a/Pasted%20image.png?w=1"),
            "Pasted image"
        );
        assert_eq!(name_hint("https://x.example/12345.jpg"), "");
        assert_eq!(name_hint("https://x.example/0f3a9c2b7d1e4f5a6b7c.png"), "");
        assert_eq!(name_hint("data:image/png;base64,AAAA"), "");
    }

    #[test]
    fn obsidian_embeds_by_name_and_commonmark_relative_to_the_note() {
        let note = note_with(
            "Look ![a cat](https://x.example/cat.png) here ![b](https://x.example/remote.png)",
            vec![
                kept("https://x.example/cat.png", "cat"),
                ImageRef {
                    url: "https://x.example/remote.png".into(),
                    ..ImageRef::default()
                },
            ],
        );
        let keep = ImageOptions {
            keep: true,
            ..ImageOptions::default()
        };
        assert!(matches!(
            with_attachments(&note, &render(ImageOptions::default())),
            Cow::Borrowed(_)
        ));
        let obsidian = with_attachments(&note, &render(keep.clone()));
        assert_eq!(
            obsidian.quotes[0].markdown,
            "Look ![[cat-01234567.png]] here ![b](https://x.example/remote.png)"
        );
        let options = ImageOptions {
            embed: Embed::CommonMark,
            note_folder: "{site}/".into(),
            ..keep.clone()
        };
        let commonmark = with_attachments(&note, &render(options));
        assert_eq!(
            commonmark.quotes[0].markdown,
            "Look ![a cat](../attachments/cat-01234567.png) here ![b](https://x.example/remote.png)"
        );
        assert_eq!(
            with_attachments(&note, &render(ImageOptions::default())).quotes[0].markdown,
            note.quotes[0].markdown
        );
    }

    #[test]
    fn names_fall_back_to_the_title_and_are_valid_everywhere() {
        let note = note_with(
            "![x](https://x.example/123.png)",
            vec![kept("https://x.example/123.png", "")],
        );
        assert!(attachment_files([&note], &render(ImageOptions::default())).is_empty());
        let keep = ImageOptions {
            keep: true,
            ..ImageOptions::default()
        };
        let files = attachment_files([&note], &render(keep.clone()));
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "attachments/A- page-01234567.png");
        assert!(!files[0].path.contains([':', '?']));
        let per_site = ImageOptions {
            folder: "{site}/files".into(),
            ..keep
        };
        let files = attachment_files([&note, &note], &render(per_site));
        assert_eq!(files.len(), 1, "the same image once");
        assert_eq!(files[0].path, "a.example/files/A- page-01234567.png");
    }

    #[test]
    fn previews_show_kept_images_from_their_local_urls() {
        let image = kept("https://x.example/cat.png", "cat");
        let hash = image.hash.clone().unwrap();
        let urls = [(hash, "blob:chrome-extension://id/1".to_owned())]
            .into_iter()
            .collect();
        let md = "> ![a cat](https://x.example/cat.png) ![b](https://x.example/b.png)";
        assert_eq!(
            with_local_urls(md, &[image], &urls),
            "> ![a cat](blob:chrome-extension://id/1) ![b](https://x.example/b.png)"
        );
        let preview = crate::preview::preview(
            &with_local_urls(md, &[kept("https://x.example/cat.png", "")], &urls),
            "p",
        );
        let shown = format!("{preview:?}");
        assert!(shown.contains("blob:chrome-extension://id/1"), "{shown}");
    }

    #[test]
    fn the_attachments_folder_reads_its_fields_in_the_readers_zone() {
        let mut note = note_with(
            "![x](https://x.example/cat.png)",
            vec![kept("https://x.example/cat.png", "cat")],
        );
        note.created = "2024-06-05T23:30:00.000Z".into();
        let options = RenderOptions {
            tz_offset_minutes: 60,
            images: ImageOptions {
                keep: true,
                folder: "{year}/{date}/".into(),
                ..ImageOptions::default()
            },
            ..RenderOptions::default()
        };
        let files = attachment_files([&note], &options);
        assert_eq!(files[0].path, "2024/2024-06-06/cat-01234567.png");
    }

    #[test]
    fn a_kept_data_image_without_bytes_renders_as_its_alt_text() {
        let url = format!("{KEPT_IMAGE_SCHEME}{}", "ab".repeat(32));
        let note = note_with(
            &format!("![a chart]({url}) text"),
            vec![ImageRef {
                url: url.clone(),
                ..ImageRef::default()
            }],
        );
        let off = ImageOptions {
            keep: false,
            ..ImageOptions::default()
        };
        assert_eq!(
            with_attachments(&note, &render(off)).quotes[0].markdown,
            "a chart text"
        );
    }
}
