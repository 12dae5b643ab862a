//! The block tree rendered as HTML, in the shape pulldown-cmark's HTML writer gives it.

use super::blocks::{self, Align, Doc, Kind};
use super::escape_text;
use super::inline::{Ctx, render_inline};

/// The preview of `markdown` by our own renderer.
pub fn render(markdown: &str) -> String {
    let doc = blocks::parse(markdown);
    let mut ctx = Ctx {
        doc: &doc,
        footnote_numbers: Vec::new(),
    };
    let mut out = String::with_capacity(markdown.len() * 3 / 2 + 64);
    let kids = doc.nodes[0].kids.clone();
    for k in kids {
        block(&mut ctx, &doc, k, false, false, &mut out);
    }
    out
}

/// Renders block `n`; `first_in_item` says it opens a list item (where a task marker may be).
fn block(ctx: &mut Ctx, doc: &Doc, n: usize, tight: bool, first_in_item: bool, out: &mut String) {
    let node = &doc.nodes[n];
    match &node.kind {
        Kind::Document => {}
        Kind::Para => {
            let Some(text) = node.lines.first() else {
                return;
            };
            let mut text = text.as_str();
            let mut task = None;
            if first_in_item {
                for (m, checked) in [("[ ]", false), ("[x]", true), ("[X]", true)] {
                    if let Some(rest) = text.strip_prefix(m)
                        && (rest.starts_with(' ') || rest.starts_with('\t'))
                    {
                        task = Some(checked);
                        text = rest.trim_start();
                    }
                }
            }
            if !tight {
                out.push_str("<p>");
            }
            match task {
                Some(true) => {
                    out.push_str("<input disabled=\"\" type=\"checkbox\" checked=\"\"/>\n")
                }
                Some(false) => out.push_str("<input disabled=\"\" type=\"checkbox\"/>\n"),
                None => {}
            }
            render_inline(ctx, text, out);
            if !tight {
                out.push_str("</p>\n");
            }
        }
        Kind::Heading(level) => {
            let text = node.lines.join("\n");
            let content = if node.lines.len() == 1 && text.trim_start().starts_with('#') {
                blocks::atx_content(&text).to_string()
            } else {
                text.trim().to_string()
            };
            out.push_str(&format!("<h{level}>"));
            render_inline(ctx, &content, out);
            out.push_str(&format!("</h{level}>\n"));
        }
        Kind::Rule => out.push_str("<hr />\n"),
        Kind::Fenced { info, .. } => {
            let lang = info.split_whitespace().next().unwrap_or("");
            if lang.is_empty() {
                out.push_str("<pre><code>");
            } else {
                out.push_str("<pre><code class=\"language-");
                super::escape_attr(out, &unescape_info(lang));
                out.push_str("\">");
            }
            for l in &node.lines {
                escape_text(out, l);
                out.push('\n');
            }
            out.push_str("</code></pre>\n");
        }
        Kind::Indented => {
            out.push_str("<pre><code>");
            for l in &node.lines {
                escape_text(out, l);
                out.push('\n');
            }
            out.push_str("</code></pre>\n");
        }
        Kind::Html(_) => {
            for l in &node.lines {
                escape_text(out, l);
                out.push('\n');
            }
        }
        Kind::Quote => {
            out.push_str("<blockquote>\n");
            for &k in &node.kids {
                block(ctx, doc, k, false, false, out);
            }
            out.push_str("</blockquote>\n");
        }
        Kind::List {
            ordered,
            start,
            tight,
            ..
        } => {
            if *ordered {
                if *start == 1 {
                    out.push_str("<ol>\n");
                } else {
                    out.push_str(&format!("<ol start=\"{start}\">\n"));
                }
            } else {
                out.push_str("<ul>\n");
            }
            for &k in &node.kids {
                block(ctx, doc, k, *tight, false, out);
            }
            out.push_str(if *ordered { "</ol>\n" } else { "</ul>\n" });
        }
        Kind::Item { .. } => {
            out.push_str("<li>");
            for (i, &k) in node.kids.iter().enumerate() {
                block(ctx, doc, k, tight, i == 0, out);
            }
            out.push_str("</li>\n");
        }
        Kind::Footnote(label) => {
            let num = ctx.footnote_number(label);
            out.push_str("<div class=\"footnote-definition\" id=\"");
            super::escape_attr(out, label);
            out.push_str(&format!(
                "\"><sup class=\"footnote-definition-label\">{num}</sup>\n"
            ));
            for &k in &node.kids {
                block(ctx, doc, k, false, false, out);
            }
            out.push_str("</div>\n");
        }
        Kind::Table(aligns) => {
            out.push_str("<table><thead><tr>");
            let mut rows = node.lines.iter();
            if let Some(head) = rows.next() {
                row(ctx, head, aligns, "th", out);
            }
            out.push_str("</tr></thead><tbody>\n");
            for r in rows {
                out.push_str("<tr>");
                row(ctx, r, aligns, "td", out);
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody></table>\n");
        }
    }
}

fn row(ctx: &mut Ctx, line: &str, aligns: &[Align], tag: &str, out: &mut String) {
    let cells = blocks::split_row(line);
    for (i, a) in aligns.iter().enumerate() {
        out.push('<');
        out.push_str(tag);
        out.push_str(match a {
            Align::None => ">",
            Align::Left => " style=\"text-align: left\">",
            Align::Center => " style=\"text-align: center\">",
            Align::Right => " style=\"text-align: right\">",
        });
        if let Some(c) = cells.get(i) {
            render_inline(ctx, c, out);
        }
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }
}

fn unescape_info(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            out.push(chars.next().unwrap_or('\\'));
        } else {
            out.push(c);
        }
    }
    out
}
