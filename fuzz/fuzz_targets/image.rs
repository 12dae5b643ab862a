//! Bytes as an image (the sniffer and its header parsers), text as a `data:` URL, and
//! Markdown's images with their kept attachments: no panic, and what is recognised is
//! within the limits, sized, and named by the hash of the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quotebook_core::embed::{ImageOptions, image_refs, image_spans};
use quotebook_core::image::{MAX_IMAGE, data_url_bytes, inspect};
use quotebook_core::note::{Note, Quote};
use quotebook_core::template::{RenderOptions, Templates, render_note};

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = inspect(data) {
        assert!(info.size <= MAX_IMAGE && info.size == data.len());
        assert!(info.width > 1 || info.height > 1);
        assert_eq!(info.hash, quotebook_core::sync::hash::hash(data));
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = data_url_bytes(text);
    for span in image_spans(text) {
        assert!(text.get(span.range.clone()).is_some());
    }
    let mut images = image_refs(text);
    for (i, image) in images.iter_mut().enumerate() {
        image.hash = Some(format!("{i:064x}"));
        image.mime = Some("image/png".into());
    }
    let note = Note {
        title: text.chars().take(40).collect(),
        quotes: vec![Quote {
            markdown: text.into(),
            images,
            ..Quote::default()
        }],
        ..Note::default()
    };
    let options = RenderOptions {
        images: ImageOptions {
            keep: true,
            ..ImageOptions::default()
        },
        ..RenderOptions::default()
    };
    let _ = render_note(&note, &Templates::default(), &options);
});
