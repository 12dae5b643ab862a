//! Images kept with quotes, end to end in the core: saved with remote URLs, bytes attached
//! later (or refused), `data:` images taken out of the note, rendered as attachments.

use base64::Engine;
use quotebook_core::clip::{ImageClipRequest, clip_with_images, image_clip_with_bytes};
use quotebook_core::embed::{Embed, ImageOptions, attachment_files};
use quotebook_core::image::{MAX_QUOTE_IMAGES, inspect};
use quotebook_core::note::{KEPT_IMAGE_SCHEME, live_image_hashes};
use quotebook_core::template::{RenderOptions, Templates, render_note};
use quotebook_core::{Capture, ClipRequest, Note};

/// A PNG of `w`×`h` as far as the sniffer reads it, padded to `len` bytes.
fn png(w: u32, h: u32, len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend(w.to_be_bytes());
    b.extend(h.to_be_bytes());
    b.extend([8, 6, 0, 0, 0]);
    // Distinct padding per size, so images of different sizes hash apart.
    let seed = (len % 251) as u8;
    b.extend((0..len.saturating_sub(b.len())).map(|i| (i as u8) ^ seed));
    b
}

fn request(html: &str, text: &str) -> ClipRequest {
    ClipRequest {
        capture: Capture {
            url: "https://a.example/post".into(),
            title: "A post".into(),
            ranges: vec![html.into()],
            text: text.into(),
            ..Capture::default()
        },
        now: "2024-06-05T12:00:00.000Z".into(),
        quote_id: "q1".into(),
        ..ClipRequest::default()
    }
}

fn keep(embed: Embed) -> RenderOptions {
    RenderOptions {
        images: ImageOptions {
            keep: true,
            embed,
            ..ImageOptions::default()
        },
        ..RenderOptions::default()
    }
}

#[test]
fn a_short_selection_with_a_data_image_stores_a_reference_not_megabytes() {
    let bytes = png(800, 600, 5 * 1024 * 1024);
    let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let html = format!(
        "<p>Twenty characters. <img alt=\"chart\" src=\"data:image/png;base64,{data}\"></p>"
    );
    let clipped = clip_with_images(&request(&html, "Twenty characters."), None).unwrap();
    let json = clipped.note.to_json();
    assert!(json.len() < 2048, "the note takes {} bytes", json.len());
    assert_eq!(clipped.images.len(), 1);
    assert_eq!(clipped.images[0].bytes, bytes);
    let hash = &clipped.images[0].hash;
    let quote = &clipped.note.quotes[0];
    assert!(
        quote
            .markdown
            .contains(&format!("![chart]({KEPT_IMAGE_SCHEME}{hash})")),
        "{}",
        quote.markdown
    );
    assert_eq!(quote.images[0].hash.as_deref(), Some(hash.as_str()));
    assert_eq!(
        (quote.images[0].width, quote.images[0].height),
        (Some(800), Some(600))
    );
    let rendered = render_note(&clipped.note, &Templates::default(), &keep(Embed::Obsidian));
    assert!(
        rendered
            .markdown
            .contains(&format!("![[A post-{}.png]]", &hash[..8])),
        "{}",
        rendered.markdown
    );
    // Images not kept: the data image, which has no address, leaves its alt text.
    let plain = render_note(
        &clipped.note,
        &Templates::default(),
        &RenderOptions::default(),
    );
    assert!(
        plain.markdown.contains("> Twenty characters. chart"),
        "{}",
        plain.markdown
    );
}

#[test]
fn data_images_become_files_the_same_one_once() {
    let one = png(100, 100, 1536 * 1024);
    let two = png(100, 100, 1536 * 1024 + 1);
    let html: String = [&one, &two, &one]
        .iter()
        .map(|b| {
            format!(
                "<img alt=\"a\" src=\"data:image/png;base64,{}\">",
                base64::engine::general_purpose::STANDARD.encode(b)
            )
        })
        .collect();
    let clipped = clip_with_images(&request(&format!("<p>x{html}</p>"), "x"), None).unwrap();
    assert_eq!(clipped.images.len(), 2, "the same bytes are stored once");
    assert_eq!(clipped.note.quotes[0].images.len(), 2);
    assert!(clipped.note.to_json().len() < 4096);
}

#[test]
fn a_data_url_that_is_not_an_image_is_dropped_with_the_reason() {
    let data = base64::engine::general_purpose::STANDARD.encode("<script>alert(1)</script>");
    let html = format!("<p>Look <img alt=\"x\" src=\"data:image/png;base64,{data}\"> here</p>");
    let clipped = clip_with_images(&request(&html, "Look here"), None).unwrap();
    assert!(clipped.images.is_empty());
    let quote = &clipped.note.quotes[0];
    assert!(!quote.markdown.contains("data:"), "{}", quote.markdown);
    assert!(
        quote.images[0]
            .error
            .as_deref()
            .unwrap()
            .starts_with("not_an_image: "),
        "{:?}",
        quote.images
    );
}

#[test]
fn two_hundred_images_in_one_selection_are_kept_up_to_the_quotes_limit() {
    let html: String = (0..200)
        .map(|i| format!("<img alt=\"i{i}\" src=\"/img/photo{i}.png\">"))
        .collect();
    let mut note = quotebook_core::clip(&request(&format!("<p>{html}</p>"), ""), None).unwrap();
    let quote = &note.quotes[0];
    assert_eq!(quote.images.len(), 200);
    assert!(quote.images.iter().all(|i| i.hash.is_none()));
    assert_eq!(quote.images[7].url, "https://a.example/img/photo7.png");
    assert_eq!(quote.images[7].name, "photo7");

    let mut refused = 0;
    for i in 0..200 {
        // Each 200 KB: all together would pass the 25 MB a quote keeps.
        let bytes = png(64, 64, 200 * 1024 + i);
        let info = inspect(&bytes).unwrap();
        let url = format!("https://a.example/img/photo{i}.png");
        if let Some(error) = note.attach_image(&url, Ok(&info)) {
            assert!(error.starts_with("quote_images_too_large: "), "{error}");
            refused += 1;
        }
    }
    let kept: usize = note.quotes[0]
        .images
        .iter()
        .filter(|i| i.hash.is_some())
        .filter_map(|i| i.size)
        .sum();
    assert!(kept <= MAX_QUOTE_IMAGES);
    assert!(refused > 0 && refused < 200, "{refused} refused");
    assert_eq!(live_image_hashes([&note]).len(), 200 - refused);
    // Refused images keep their remote URL in the rendered note.
    let rendered = render_note(&note, &Templates::default(), &keep(Embed::Obsidian));
    assert!(
        rendered
            .markdown
            .contains("![i199](https://a.example/img/photo199.png)")
    );
    assert!(rendered.markdown.contains("![[photo0-"));
}

fn image_request() -> ImageClipRequest {
    ImageClipRequest {
        url: "https://a.example/post".into(),
        title: "A post".into(),
        src: "https://cdn.a.example/figures/Fig%201.png?w=640".into(),
        alt: "A diagram".into(),
        caption: "  Figure 1:   the  flow ".into(),
        now: "2024-06-05T12:00:00.000Z".into(),
        quote_id: "img1".into(),
        comment: "Useful.".into(),
        tags: vec!["#figures".into()],
        position: Some(120),
        ..ImageClipRequest::default()
    }
}

#[test]
fn an_image_saved_alone_is_a_quote_with_caption_comment_and_tags() {
    let clipped = image_clip_with_bytes(&image_request(), None).unwrap();
    assert!(
        clipped.images.is_empty(),
        "a remote image waits for its bytes"
    );
    let note: Note = clipped.note;
    let quote = &note.quotes[0];
    assert_eq!(quote.text, "");
    assert_eq!(quote.position, Some(120));
    assert_eq!(quote.comment, "Useful.");
    assert_eq!(quote.tags, ["figures"]);
    assert_eq!(
        quote.markdown,
        "![A diagram](https://cdn.a.example/figures/Fig%201.png?w=640)\n\nFigure 1: the flow"
    );
    let image = &quote.images[0];
    assert_eq!(image.caption, "Figure 1: the flow");
    assert_eq!(image.name, "Fig 1");

    // The bytes arrive later: a PNG served as "photo.jpg" is a PNG.
    let url = image.url.clone();
    let mut note = note;
    let info = inspect(&png(640, 480, 2048)).unwrap();
    assert_eq!(info.mime, "image/png");
    assert!(note.attach_image(&url, Ok(&info)).is_none());
    let commonmark = RenderOptions {
        images: ImageOptions {
            keep: true,
            embed: Embed::CommonMark,
            note_folder: "{site}".into(),
            ..ImageOptions::default()
        },
        ..RenderOptions::default()
    };
    let rendered = render_note(&note, &Templates::default(), &commonmark);
    let name = format!("Fig 1-{}.png", &info.hash[..8]);
    assert!(
        rendered.markdown.contains(&format!(
            "> ![A diagram](<../attachments/{name}>)\n>\n> Figure 1: the flow"
        )),
        "{}",
        rendered.markdown
    );
    let files = attachment_files([&note], &commonmark);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path, format!("attachments/{name}"));
    assert_eq!(files[0].hash, info.hash);
}

#[test]
fn a_failed_fetch_keeps_the_remote_url_and_says_why() {
    let mut note = image_clip_with_bytes(&image_request(), None).unwrap().note;
    let url = note.quotes[0].images[0].url.clone();
    let served_text = inspect(b"<html>404 Not Found</html>").unwrap_err();
    assert_eq!(served_text.code(), "not_an_image");
    let error = note.attach_image(&url, Err(&served_text.coded())).unwrap();
    assert!(error.starts_with("not_an_image: "));
    let rendered = render_note(&note, &Templates::default(), &keep(Embed::Obsidian));
    assert!(
        rendered
            .markdown
            .contains("](https://cdn.a.example/figures/Fig%201.png?w=640)")
    );
    assert!(live_image_hashes([&note]).is_empty());
    // Stored notes read back the same.
    assert_eq!(Note::from_json(&note.to_json()).unwrap(), note);
}

#[test]
fn an_image_saved_from_a_data_url_is_kept_at_once() {
    let bytes = png(32, 32, 512);
    let request = ImageClipRequest {
        src: format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        ),
        ..image_request()
    };
    let clipped = image_clip_with_bytes(&request, None).unwrap();
    assert_eq!(clipped.images.len(), 1);
    assert_eq!(clipped.images[0].bytes, bytes);
    let image = &clipped.note.quotes[0].images[0];
    assert_eq!(image.hash.as_ref(), Some(&clipped.images[0].hash));
    assert!(!clipped.note.to_json().contains("base64"));
}

/// A library of one note whose image is kept, with its bytes.
fn library_with_image() -> (quotebook_core::library::Library, Vec<u8>) {
    let clipped = clip_with_images(
        &request(
            &format!(
                "<p>Hi <img alt=\"c\" src=\"data:image/png;base64,{}\"></p>",
                base64::engine::general_purpose::STANDARD.encode(png(50, 40, 3000))
            ),
            "Hi",
        ),
        None,
    )
    .unwrap();
    let mut library = quotebook_core::library::Library::default();
    library.add(clipped.note);
    library.add_images(clipped.images);
    (library, png(50, 40, 3000))
}

#[test]
fn the_backup_carries_kept_images_and_reads_them_back_checked() {
    use quotebook_core::backup::read_backup;
    use quotebook_core::library::Library;
    let now = "2024-06-06T00:00:00.000Z";
    let (library, bytes) = library_with_image();
    let json = library.to_json();
    let hash = quotebook_core::sync::hash::hash(&bytes);
    assert!(json.contains(&format!(
        ",\"images\":[\n{{\"hash\":\"{hash}\",\"mime\":\"image/png\",\"data\":\""
    )));
    let back = read_backup(&json, now).unwrap();
    assert_eq!(back, library);
    assert_eq!(back.image(&hash).unwrap().bytes, bytes);
    assert_eq!(back.to_json(), json, "written again, the same bytes");
    assert_eq!(Library::from_json(&json).unwrap(), library);

    // Bytes that hash to another name, a type that is not the bytes', bytes that are not
    // an image: the backup is refused, naming the line.
    let other = base64::engine::general_purpose::STANDARD.encode(png(50, 40, 3001));
    let data_at = json.find("\"data\":\"").unwrap() + 8;
    let data_end = data_at + json[data_at..].find('"').unwrap();
    let swapped = format!("{}{other}{}", &json[..data_at], &json[data_end..]);
    let err = read_backup(&swapped, now).unwrap_err().to_string();
    assert!(err.contains("line 4") && err.contains("hash to"), "{err}");
    let mislabelled = json.replace("\"mime\":\"image/png\"", "\"mime\":\"image/gif\"");
    let err = read_backup(&mislabelled, now).unwrap_err().to_string();
    assert!(err.contains("said to be image/gif"), "{err}");
    let text = base64::engine::general_purpose::STANDARD.encode("<svg onload=alert(1)>");
    let script = format!("{}{text}{}", &json[..data_at], &json[data_end..]);
    let err = read_backup(&script, now).unwrap_err().to_string();
    assert!(err.contains("not an image"), "{err}");
    let huge = "A".repeat(14 * 1024 * 1024);
    let oversized = format!("{}{huge}{}", &json[..data_at], &json[data_end..]);
    let err = read_backup(&oversized, now).unwrap_err().to_string();
    assert!(err.contains("10.0 MB"), "{err}");
}

#[test]
fn a_backup_writes_only_the_images_some_note_keeps() {
    let (mut library, _) = library_with_image();
    let quote = library.notes[0].quotes[0].id.clone();
    library
        .delete_quote(&quote, "2024-06-06T00:00:00.000Z")
        .unwrap();
    assert!(!library.to_json().contains("\"images\""));
}

#[test]
fn merging_brings_the_bytes_another_copy_fetched() {
    use quotebook_core::library::Library;
    let mut here = image_clip_with_bytes(&image_request(), None).unwrap().note;
    let mut there = here.clone();
    let url = here.quotes[0].images[0].url.clone();
    let info = inspect(&png(640, 480, 2048)).unwrap();
    there.attach_image(&url, Ok(&info));
    // This copy is the newer one, yet the image stays kept.
    here.updated = "2030-01-01T00:00:00.000Z".into();
    let mut library = Library::default();
    library.add(here);
    library.add(there);
    assert_eq!(
        library.notes[0].quotes[0].images[0].hash.as_deref(),
        Some(info.hash.as_str())
    );
}

#[test]
fn a_backup_with_images_is_still_read_line_by_line() {
    use quotebook_core::library::Library;
    let (mut library, _) = library_with_image();
    let json = library.to_json();
    assert_eq!(Library::note_lines(&json).unwrap().len(), 1);
    assert_eq!(Library::deleted_lines(&json).unwrap().len(), 0);
    assert_eq!(Library::image_lines(&json).unwrap().len(), 1);
    library.notes.push(Note {
        id: "https://b.example/".into(),
        ..library.notes[0].clone()
    });
    let other = library.notes[1].quotes[0].id.clone();
    library.notes[1].quotes[0].id = format!("{other}-b");
    let id = library.notes[1].quotes[0].id.clone();
    library
        .delete_quote(&id, "2024-06-06T00:00:00.000Z")
        .unwrap();
    let json = library.to_json();
    assert_eq!(Library::deleted_lines(&json).unwrap().len(), 1);
    assert_eq!(Library::image_lines(&json).unwrap().len(), 1);
    let lines = Library::note_lines(&json).unwrap();
    assert!(lines.iter().all(|l| Note::from_json(l).is_ok()));
}

/// The golden renderings of `tests/images/` (see its README).
#[test]
fn golden_renderings_of_a_note_with_images() {
    use std::path::PathBuf;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/images");
    let note = Note::from_json(&std::fs::read_to_string(root.join("note.json")).unwrap()).unwrap();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 3, "{cases:?}");
    for case in cases {
        let options: RenderOptions =
            serde_json::from_str(&std::fs::read_to_string(case.join("options.json")).unwrap())
                .unwrap();
        let rendered = render_note(&note, &Templates::default(), &options);
        let files: String = attachment_files([&note], &options)
            .iter()
            .map(|f| format!("{} {}\n", f.path, f.hash))
            .collect();
        // Every image the file shows is a web address or one of the attachments listed.
        for event in pulldown_cmark::Parser::new(&rendered.markdown) {
            if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) = event
            {
                let local = dest_url.trim_start_matches("../");
                assert!(
                    dest_url.starts_with("https://") || files.contains(&format!("{local} ")),
                    "{}: {dest_url}",
                    case.display()
                );
            }
        }
        for (name, actual) in [("note.md", &rendered.markdown), ("attachments.txt", &files)] {
            let path = case.join(name);
            if update {
                std::fs::write(&path, actual).unwrap();
                continue;
            }
            let expected = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
            assert_eq!(actual, &expected, "{}", path.display());
        }
    }
}
