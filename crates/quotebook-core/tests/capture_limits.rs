//! Limits on what one save takes (issue 17, point 2): whatever a page makes a few visible
//! characters carry (inline images, link addresses, hidden page text), the core refuses a
//! capture over `MAX_CAPTURE`, a quote whose JSON is over `MAX_QUOTE`, selected text over
//! `MAX_SELECTION`, and keeps no link or image address over `MAX_URL`. The extension checks
//! the same numbers early (`capture_contract.rs`); these hold for the CLI and wasm alike.

use quotebook_core::clip::{Capture, ClipRequest, MAX_CAPTURE, MAX_QUOTE, MAX_SELECTION, clip};
use quotebook_core::convert::MAX_URL;
use quotebook_core::{Error, Note};

fn request(html: &str, text: &str) -> ClipRequest {
    ClipRequest {
        capture: Capture {
            url: "https://a.example/p".into(),
            title: "A page".into(),
            ranges: vec![html.into()],
            text: text.into(),
            ..Capture::default()
        },
        now: "2024-06-05T12:57:03.217Z".into(),
        quote_id: "q".into(),
        ..ClipRequest::default()
    }
}

fn too_large(result: Result<Note, Error>) -> String {
    match result {
        Err(Error::TooLarge(message)) => message,
        other => panic!("expected too_large, got {other:?}"),
    }
}

/// A small inline PNG of about `bytes` bytes of `data:` URL.
fn inline_image(bytes: usize) -> String {
    format!("data:image/png;base64,{}", "iVBORw0KGgo".repeat(bytes / 11))
}

#[test]
fn a_hundred_inline_images_in_a_few_words_make_a_quote_too_large() {
    // Each image under the converter's 64 KiB inline limit, so each would be kept: 6 MB of
    // quote behind twenty visible characters.
    let image = inline_image(60 * 1000);
    let html: String = (0..100)
        .map(|i| format!("<img src=\"{image}\" alt=\"{i}\">"))
        .collect::<Vec<_>>()
        .join("");
    let html = format!("<p>Twenty characters.{html}</p>");
    let message = too_large(clip(&request(&html, "Twenty characters."), None));
    assert!(
        message.starts_with(
            "the quote would take 5.8 MB; Quotebook stores at most 2.0 MB in one quote"
        ),
        "{message}"
    );
    // Ten of them fit: the limit is on the quote, not on images as such.
    let html: String = (0..10)
        .map(|i| format!("<img src=\"{image}\" alt=\"{i}\">"))
        .collect::<Vec<_>>()
        .join("");
    let note = clip(&request(&format!("<p>Ten.{html}</p>"), "Ten."), None).unwrap();
    assert_eq!(note.quotes[0].markdown.matches("![").count(), 10);
    assert!(serde_json::to_vec(&note.quotes[0]).unwrap().len() <= MAX_QUOTE);
}

#[test]
fn a_capture_over_the_budget_is_refused_whatever_part_carries_it() {
    // Twenty links of 1 MB each.
    let link = format!("https://a.example/{}", "a".repeat(1024 * 1024));
    let html: String = (0..20)
        .map(|i| format!("<a href=\"{link}\">{i}</a> "))
        .collect();
    let message = too_large(clip(&request(&format!("<p>{html}</p>"), "0 1 2"), None));
    assert!(
        message.starts_with("the capture holds 20.1 MB (the selection's HTML and text, the page's text and metadata); Quotebook takes at most 8.0 MB in one save"),
        "{message}"
    );
    // A short selection from a page whose (visible or hidden) text is over the budget.
    let mut r = request("<p>Short.</p>", "Short.");
    r.capture.page_text = Some("x".repeat(MAX_CAPTURE));
    too_large(clip(&r, None));
    // The metadata HTML counts too (the CLI's whole page).
    let mut r = request("<p>Short.</p>", "Short.");
    r.capture.meta_html = Some(format!("<title>t</title>{}", "y".repeat(MAX_CAPTURE)));
    too_large(clip(&r, None));
    // Counted in UTF-16 code units, as the capture script counts: 3 bytes of UTF-8 each
    // here, yet under the budget.
    let mut r = request("<p>Short.</p>", "Short.");
    r.capture.page_text = Some("€".repeat(MAX_CAPTURE / 2));
    assert!(r.capture.page_text.as_ref().unwrap().len() > MAX_CAPTURE);
    clip(&r, None).unwrap();
}

#[test]
fn selected_text_over_the_cap_is_refused_with_its_size() {
    let text = "word ".repeat(MAX_SELECTION / 5 + 1);
    let message = too_large(clip(&request(&format!("<p>{text}</p>"), &text), None));
    assert_eq!(
        message,
        "the selection holds 0.6 MB of text; Quotebook saves at most 0.5 MB in one quote. Select less and save it in parts"
    );
    // Just under it is saved, and its quote (Markdown, text and all) fits.
    let text = "word ".repeat(MAX_SELECTION / 5 - 1);
    let note = clip(&request(&format!("<p>{text}</p>"), &text), None).unwrap();
    assert!(serde_json::to_vec(&note.quotes[0]).unwrap().len() <= MAX_QUOTE);
}

#[test]
fn link_and_image_addresses_over_the_limit_are_not_kept() {
    let long = format!("https://a.example/{}", "l".repeat(MAX_URL));
    let fits = format!("https://a.example/{}", "f".repeat(MAX_URL - 100));
    let html = format!(
        "<p><a href=\"{long}\">long link</a> and <a href=\"{fits}\">fitting link</a>, \
         <img src=\"{long}\" alt=\"long image\"> and <img src=\"{fits}\" alt=\"fitting image\"></p>"
    );
    let note = clip(&request(&html, "long link and fitting link,"), None).unwrap();
    let md = &note.quotes[0].markdown;
    assert!(!md.contains(&long[..100]), "{}", &md[..200]);
    assert!(
        md.starts_with("long link and [fitting link]("),
        "{}",
        &md[..200]
    );
    assert!(
        md.contains("\\[image not kept: long image, 9 KB address\\]"),
        "{}",
        &md[..200]
    );
    assert!(md.contains(&format!("![fitting image]({fits})")));
    // A relative reference whose resolved address is over the limit is dropped too.
    let relative = "r".repeat(MAX_URL - 10);
    let html = format!("<p><a href=\"{relative}\">relative</a></p>");
    let note = clip(&request(&html, "relative"), None).unwrap();
    assert_eq!(note.quotes[0].markdown, "relative");
}
