//! Markdown → HTML for the extension's previews, safe to insert into our own pages.
//!
//! Notes hold text from arbitrary pages, so the preview treats every byte as hostile:
//! raw HTML is shown as text, links open in a new tab without an opener and only for
//! `http`, `https` and `mailto`, and images are never loaded (a placeholder with the alt
//! text stands in, linked to the image).

mod blocks;
mod inline;
mod render;

/// The HTML preview of `markdown`.
pub fn preview_html(markdown: &str) -> String {
    render::render(markdown)
}

/// Links are followed only to the web and to mail; `javascript:`, `data:`, `vbscript:`,
/// `file:` and everything else stay text. Relative links would resolve against the
/// extension's own pages, so they stay text too.
pub fn is_safe_destination(dest: &str) -> bool {
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

pub(crate) fn escape_text(out: &mut String, text: &str) {
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
