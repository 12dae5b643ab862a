//! Markdown → HTML for the extension's previews, safe to insert into our own pages.
//!
//! Notes hold text from arbitrary pages, so the preview treats every byte as hostile:
//! raw HTML is shown as text, links open in a new tab without an opener and only for
//! `http`, `https` and `mailto`, and images are never loaded (a placeholder with the alt
//! text stands in, linked to the image).

mod blocks;
mod inline;
mod render;

pub use render::render as render_own;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// The HTML preview of `markdown`.
pub fn preview_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM;
    let mut out = String::with_capacity(markdown.len() * 3 / 2 + 64);
    let mut links: Vec<bool> = Vec::new();
    let mut image_depth = 0usize;
    let mut image_alt = String::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        // Raw HTML from the note is shown, never interpreted.
        Event::Html(raw) | Event::InlineHtml(raw) => {
            if image_depth > 0 {
                image_alt.push_str(&raw);
                None
            } else {
                Some(Event::Text(raw))
            }
        }
        Event::Start(Tag::Link {
            dest_url,
            title,
            link_type,
            ..
        }) => {
            let safe = is_safe_link(&dest_url, link_type);
            links.push(safe);
            Some(Event::InlineHtml(if safe {
                let mut tag = String::from("<a href=\"");
                escape_attr(&mut tag, &dest_url);
                tag.push('"');
                if !title.is_empty() {
                    tag.push_str(" title=\"");
                    escape_attr(&mut tag, &title);
                    tag.push('"');
                }
                tag.push_str(" target=\"_blank\" rel=\"noopener noreferrer\">");
                CowStr::from(tag)
            } else {
                CowStr::from("<span class=\"unsafe-link\">")
            }))
        }
        Event::End(TagEnd::Link) => Some(Event::InlineHtml(CowStr::from(
            if links.pop().unwrap_or(false) {
                "</a>"
            } else {
                "</span>"
            },
        ))),
        Event::Start(Tag::Image { .. }) => {
            image_depth += 1;
            if image_depth == 1 {
                image_alt.clear();
            }
            None
        }
        Event::End(TagEnd::Image) => {
            image_depth = image_depth.saturating_sub(1);
            if image_depth > 0 {
                return None;
            }
            let mut tag =
                String::from("<span class=\"image-placeholder\" role=\"img\" aria-label=\"");
            let alt = if image_alt.trim().is_empty() {
                "image"
            } else {
                image_alt.trim()
            };
            escape_attr(&mut tag, alt);
            tag.push_str("\">[image: ");
            escape_text(&mut tag, alt);
            tag.push_str("]</span>");
            Some(Event::InlineHtml(CowStr::from(tag)))
        }
        Event::Text(text) | Event::Code(text) if image_depth > 0 => {
            image_alt.push_str(&text);
            None
        }
        _ if image_depth > 0 => None,
        other => Some(other),
    });
    html::push_html(&mut out, events);
    out
}

/// Links are followed only to the web and to mail; `javascript:`, `data:`, `vbscript:`,
/// `file:` and everything else stay text. Relative links would resolve against the
/// extension's own pages, so they stay text too.
fn is_safe_link(dest: &str, link_type: LinkType) -> bool {
    matches!(link_type, LinkType::Email) || is_safe_destination(dest)
}

/// Whether `dest` is a web or mail address (see [`is_safe_link`]).
fn is_safe_destination(dest: &str) -> bool {
    // Browsers ignore ASCII whitespace and control characters inside schemes
    // (`java\tscript:`), so compare what a browser would see.
    let scheme: String = dest
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take_while(|&c| c != ':')
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    let has_scheme = dest.contains(':');
    has_scheme && matches!(scheme.as_str(), "http" | "https" | "mailto")
}

fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// Appends `text` escaped for HTML text and attribute values alike.
pub(crate) fn escape_attr(out: &mut String, text: &str) {
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

    #[test]
    fn raw_html_is_text() {
        let html = preview_html("a <script>alert(1)</script> b\n\n<img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
    }

    #[test]
    fn links_open_safely_and_scripts_are_not_links() {
        let html = preview_html(
            "[ok](https://a.example/?q=\"x\") [bad](javascript:alert(1)) [tab](java%09script:x) \
             [data](data:text/html,<b>) [rel](/local) <mailto:me@a.example>",
        );
        assert!(
            html.contains(
                "<a href=\"https://a.example/?q=&quot;x&quot;\" target=\"_blank\" rel=\"noopener noreferrer\">ok</a>"
            ),
            "{html}"
        );
        assert_eq!(html.matches("<a ").count(), 2, "{html}");
        assert!(
            html.contains("<span class=\"unsafe-link\">bad</span>"),
            "{html}"
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:text"), "{html}");
    }

    #[test]
    fn images_are_placeholders_never_loaded() {
        let html = preview_html(
            "![a \"cat\" <b>](https://tracker.example/p.gif) [![x](https://i.example/y.png)](https://a.example/)",
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(
            html.contains("[image: a &quot;cat&quot; &lt;b&gt;]")
                || html.contains("[image: a \"cat\" &lt;b&gt;]"),
            "{html}"
        );
        assert!(html.contains("<a href=\"https://a.example/\""), "{html}");
    }

    #[test]
    fn ordinary_markdown_renders() {
        assert_eq!(
            preview_html("> *hi* **there**\n"),
            "<blockquote>\n<p><em>hi</em> <strong>there</strong></p>\n</blockquote>\n"
        );
    }
}
