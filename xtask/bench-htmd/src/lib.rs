//! `htmd` behind one wasm-bindgen function, with the options the benchmark gives Turndown:
//! ATX headings, fenced code, `-` bullets (htmd has no emphasis-delimiter option). The
//! converter is built once, like the Turndown service of the benchmark page.

use htmd::HtmlToMarkdown;
use htmd::options::{BulletListMarker, CodeBlockStyle, HeadingStyle, Options};
use wasm_bindgen::prelude::*;

thread_local! {
    static CONVERTER: HtmlToMarkdown = HtmlToMarkdown::builder()
        .options(Options {
            heading_style: HeadingStyle::Atx,
            code_block_style: CodeBlockStyle::Fenced,
            bullet_list_marker: BulletListMarker::Dash,
            ..Options::default()
        })
        .build();
}

/// Converts an HTML string to Markdown (an error becomes a JS exception).
#[wasm_bindgen]
pub fn htmd_to_markdown(html: &str) -> Result<String, JsError> {
    CONVERTER.with(|c| c.convert(html).map_err(|e| JsError::new(&e.to_string())))
}
