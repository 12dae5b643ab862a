//! Any bytes, as HTML, convert without panicking, and the Markdown keeps the output's
//! promises: no raw HTML, no leading blank line, no trailing newline.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{Event, Options, Parser};
use quotebook_core::convert::{Options as ConvertOptions, html_to_markdown_with};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let html = String::from_utf8_lossy(rest);
    let base = if flags & 1 == 0 {
        "https://example.com/a/b.html"
    } else {
        "not a url"
    };
    let options = ConvertOptions {
        safe_html: flags & 2 != 0,
        ..ConvertOptions::default()
    };
    let Ok(markdown) = html_to_markdown_with(&html, base, &options) else {
        return;
    };
    assert!(!markdown.ends_with('\n'), "trailing newline: {markdown:?}");
    assert!(
        !markdown.starts_with('\n'),
        "leading blank line: {markdown:?}"
    );
    if !options.safe_html {
        let opts = Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_MATH;
        for event in Parser::new_ext(&markdown, opts) {
            if let Event::Html(h) | Event::InlineHtml(h) = event {
                panic!("raw HTML {h:?} in {markdown:?} from {html:?}");
            }
        }
    }
});
