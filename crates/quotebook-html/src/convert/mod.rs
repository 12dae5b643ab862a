//! HTML → Markdown: what the reader selected, as Markdown that renders like the page.
//!
//! The pipeline, one module per stage: [`parse`] (an arena tree of our own types, built
//! from the tokens of `tokenize`, a fast tokenizer for common HTML that hands anything
//! unusual to html5ever's own; well-formed input is built by `quick` and the rest by
//! html5ever's tree builder, in every build, so the CLI and the browser agree) →
//! `walk` (one pass, dispatching to the `block`, `inline`, `list` and `table` handlers) →
//! `out` (the one output buffer, with `escape` deciding which characters need a
//! backslash) and `url` (references resolved against the capture's base URL).
//!
//! The output uses CommonMark plus GFM tables and strikethrough, and `$…$`/`$$…$$`
//! math; by default no raw HTML at all ([`Options::safe_html`] allows a small safe set).
//! It has no leading blank lines and no trailing newline, and blocks are separated by
//! one blank line.
//!
//! Limits, by design:
//! - Nesting deeper than [`parse::MAX_PARSE_DEPTH`] (512, where Blink stops too) is
//!   flattened into the 512th ancestor; the walk never recurses deeper than
//!   [`walk::MAX_WALK_DEPTH`].
//! - Emphasis whose first or last character is punctuation, glued to a letter outside
//!   (`word<em>"quote"</em>`), cannot be written with `*` in CommonMark: one
//!   punctuation character moves outside the delimiters (`word"*quote*"`).
//! - Table cells cannot hold line breaks in GFM: a `<br>` in a cell is a space.
//! - A list directly inside a list (invalid HTML that browsers indent) nests under the
//!   item before it; with no item before it, Markdown has nothing to indent it under and
//!   it is written at its parent's level.
//! - Ordered lists that count down (`reversed`) or jump (`value`) are split into lists
//!   that each count up, alternating `.` and `)` so they stay apart.

mod block;
mod escape;
mod inline;
mod list;
mod out;
pub mod parse;
mod table;
mod tokenize;
mod url;
mod walk;

pub use inline::MAX_URL;

use crate::error::Error;

/// How to convert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Keep `sup`, `sub`, `kbd` and `u` as inline HTML and `mark` as `==…==`, for
    /// renderers that show them (Obsidian). Off by default: the output then holds no
    /// HTML at all and is safe to paste anywhere.
    pub safe_html: bool,
    /// The longest inline (`data:`) image kept in the Markdown, in bytes of its address;
    /// `None`: 64 KB. A caller that takes such images out of the Markdown afterwards (into
    /// files: the core's `clip_with_images`) raises it.
    pub max_inline_image: Option<usize>,
}

/// Converts an HTML fragment to Markdown, resolving links against `base_url`.
///
/// A converter never refuses: a fragment without text gives Markdown without text
/// (empty headings and quotes keep their place; nothing at all gives `""`). The
/// `Result` is kept for callers; use [`quote_markdown`] where an empty selection is an
/// error.
pub fn html_to_markdown(html: &str, base_url: &str) -> Result<String, Error> {
    html_to_markdown_with(html, base_url, &Options::default())
}

/// [`html_to_markdown`] with options.
pub fn html_to_markdown_with(
    html: &str,
    base_url: &str,
    options: &Options,
) -> Result<String, Error> {
    Ok(convert(html, base_url, options).0)
}

/// [`html_to_markdown_with`] for a quote to save: [`Error::EmptySelection`] when the
/// fragment has nothing visible (no text, no image, no code).
pub fn quote_markdown(html: &str, base_url: &str, options: &Options) -> Result<String, Error> {
    match convert(html, base_url, options) {
        (markdown, true) => Ok(markdown),
        (_, false) => Err(Error::EmptySelection),
    }
}

/// The Markdown, and whether it holds visible content.
fn convert(html: &str, base_url: &str, options: &Options) -> (String, bool) {
    if html.trim().is_empty() {
        return (String::new(), false);
    }
    let dom = parse::parse(html);
    let mut walker = walk::Walker::new(&dom, base_url.trim(), options, html.len() / 2 + 16);
    walker.node(dom.root, out::Ws::Normal);
    let visible = walker.out.visible;
    let markdown = walker.out.finish();
    let visible = visible && !markdown.trim().is_empty();
    (markdown, visible)
}

/// Whether a link (`for_image` false) or an image may point to the resolved URL `url`:
/// the one scheme policy of the converter, the previews and the CLI. Links: `http`,
/// `https`, `mailto`; images: `http`, `https` and raster `data:image/…`; references with
/// no scheme pass.
pub fn is_allowed_url(url: &str, for_image: bool) -> bool {
    url::is_allowed(url, for_image)
}

/// Resolves a link reference against a base URL the way the converter does (for callers
/// that need the same resolution, and for tests).
pub fn resolve_url(base_url: &str, reference: &str) -> Option<String> {
    url::resolve(base_url, reference, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        html_to_markdown(html, "https://example.com/articles/page.html").unwrap()
    }

    #[test]
    fn input_without_text_converts_to_markdown_without_text() {
        for html in ["", "   \n", "<p> </p>", "<script>x</script>", "<!-- c -->"] {
            assert_eq!(
                html_to_markdown(html, "https://example.com/"),
                Ok(String::new())
            );
        }
        assert_eq!(md("<h2></h2>"), "##");
        assert_eq!(md("<pre></pre>"), "```\n```");
        assert_eq!(md("<blockquote> </blockquote>"), ">");
        for html in [
            "",
            "<p> </p>",
            "<h2></h2>",
            "<pre> </pre>",
            "<blockquote></blockquote>",
        ] {
            assert_eq!(
                quote_markdown(html, "https://example.com/", &Options::default()),
                Err(Error::EmptySelection),
                "{html:?}"
            );
        }
        for (html, markdown) in [
            ("<img src=a.png alt=A>", "![A](https://example.com/a.png)"),
            ("<hr>", "---"),
            ("<pre>x</pre>", "```\nx\n```"),
        ] {
            assert_eq!(
                quote_markdown(html, "https://example.com/", &Options::default()).as_deref(),
                Ok(markdown)
            );
        }
    }

    #[test]
    fn basics() {
        assert_eq!(md("<b>Two</b>"), "**Two**");
        assert_eq!(
            md("<p># not a heading</p><p>x</p>"),
            "\\# not a heading\n\nx"
        );
        assert_eq!(
            md("It's<i> theoretically </i>possible"),
            "It's *theoretically* possible"
        );
        assert_eq!(md("<span>Date:</span> 7/27"), "Date: 7/27");
        assert_eq!(md("<a href=\"/x\">y</a>"), "[y](https://example.com/x)");
    }

    #[test]
    fn text_runs_escape_only_what_could_be_syntax() {
        assert_eq!(md("<p>1999. A year</p>"), "1999\\. A year");
        assert_eq!(md("<p>12) twelve</p>"), "12\\) twelve");
        assert_eq!(
            md("<p>v1. and a.b) c-d e+f g=h #i j>k</p>"),
            "v1. and a.b) c-d e+f g=h #i j>k"
        );
        assert_eq!(
            md("<p>- no</p><p>+ no</p><p># no</p><p>> no</p>"),
            "\\- no\n\n\\+ no\n\n\\# no\n\n\\> no"
        );
        assert_eq!(md("<p>a\u{a0}b “q” — é</p>"), "a\u{a0}b “q” — é");
        assert_eq!(md("<p>x <b>y</b>. 3 * 4</p>"), "x **y**. 3 * 4");
    }

    #[test]
    fn without_a_usable_base_links_keep_what_was_written() {
        for base in ["about:blank", ""] {
            let md = |html| html_to_markdown(html, base).unwrap();
            assert_eq!(md("<a href=\"/bar\">x</a>"), "[x](/bar)");
            assert_eq!(md("<a href=\"#note-1\">1</a>"), "[1](#note-1)");
            assert_eq!(md("<a href=\"?page=2\">next</a>"), "[next](?page=2)");
            assert_eq!(md("<a href=\"../up.html\">up</a>"), "[up](../up.html)");
            assert_eq!(md("<img src=\"img/a.png\" alt=a>"), "![a](img/a.png)");
            assert_eq!(
                md("<a href=\"HTTPS://Example.com/a\">x</a>"),
                "[x](https://Example.com/a)"
            );
        }
    }

    #[test]
    fn deep_nesting_neither_crashes_nor_stalls() {
        let n = 100_000;
        let html = "<div>".repeat(n) + "deep" + &"</div>".repeat(n);
        let start = std::time::Instant::now();
        assert_eq!(md(&html), "deep");
        let html = "<blockquote>".repeat(n) + "q" + &"</blockquote>".repeat(n);
        let out = md(&html);
        assert!(
            out.ends_with("q"),
            "{}",
            &out[out.len().saturating_sub(20)..]
        );
        let html = "<ul><li>".repeat(n) + "i";
        assert!(md(&html).ends_with("i"));
        let html = "<b><i><a href=x>".repeat(n) + "t";
        assert!(md(&html).contains('t'));
        assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
    }
}
