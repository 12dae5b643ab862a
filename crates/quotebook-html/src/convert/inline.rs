//! Inline handlers: emphasis, code spans, links, images, the optional HTML allowlist,
//! math, and the spans that carry rendered math.

use std::borrow::Cow;

use super::escape::{any_byte, push_bracketed};
use super::out::{MarkKind, Ws};
use super::parse::{Data, Element, Id, Tag};
use super::url::resolve;
use super::walk::{Walker, is_hidden};

impl Walker<'_> {
    pub(super) fn emphasis(&mut self, id: Id, tag: Tag, ws: Ws) {
        let (kind, delim) = match tag {
            Tag::Strong => (MarkKind::Strong, "**"),
            Tag::Em => (MarkKind::Em, "*"),
            _ => (MarkKind::Del, "~~"),
        };
        self.out.open_mark(kind, delim, Cow::Borrowed(delim));
        self.children(id, ws);
        self.out.close_mark();
    }

    /// `sup`, `sub`, `mark`, `u`: their text, or with the option the safe HTML (`==…==`
    /// for `mark`).
    pub(super) fn allowlisted(&mut self, id: Id, el: &Element, ws: Ws) {
        if !self.opts.safe_html {
            self.children(id, ws);
            return;
        }
        let (open, close) = match el.tag {
            Tag::Sup => ("<sup>", "</sup>"),
            Tag::Sub => ("<sub>", "</sub>"),
            Tag::U => ("<u>", "</u>"),
            _ => {
                self.out
                    .open_mark(MarkKind::Html, "==", Cow::Borrowed("=="));
                self.children(id, ws);
                self.out.close_mark();
                return;
            }
        };
        self.out
            .open_mark(MarkKind::Html, open, Cow::Borrowed(close));
        self.children(id, ws);
        self.out.close_mark();
    }

    pub(super) fn kbd(&mut self, id: Id, ws: Ws) {
        if self.opts.safe_html {
            self.out
                .open_mark(MarkKind::Html, "<kbd>", Cow::Borrowed("</kbd>"));
            self.children(id, ws);
            self.out.close_mark();
        } else {
            self.code_span(id, ws);
        }
    }

    pub(super) fn code(&mut self, id: Id, el: &Element, ws: Ws) {
        if ws == Ws::Pre {
            let mut text = String::new();
            self.inline_text(id, &mut text, true);
            if text.contains('\n') {
                let lang = el
                    .attr("class")
                    .and_then(|c| {
                        c.split_ascii_whitespace().find_map(|w| {
                            w.strip_prefix("language-")
                                .or_else(|| w.strip_prefix("lang-"))
                        })
                    })
                    .map(super::block::clean_language)
                    .unwrap_or_default();
                self.code_block(&text, &lang);
                return;
            }
        }
        self.code_span(id, ws);
    }

    fn code_span(&mut self, id: Id, ws: Ws) {
        let mut raw = String::new();
        self.inline_text(id, &mut raw, false);
        let mut text = String::with_capacity(raw.len());
        for c in raw
            .chars()
            .filter(|&c| !super::escape::is_hidden_control(c))
        {
            let c = if matches!(c, '\n' | '\r' | '\t' | '\x0c') {
                ' '
            } else {
                c
            };
            if c == ' ' && ws != Ws::Pre && text.ends_with(' ') {
                continue;
            }
            text.push(c);
        }
        // Spaces inside the span are kept: `code_atom` writes them so that CommonMark
        // reads back exactly this content.
        if !text.is_empty() {
            let text = if self.out.in_table {
                text.replace('|', "\\|")
            } else {
                text
            };
            self.out.code_atom(&text);
        }
    }

    /// The text content of an inline element (code): `<br>` as a newline.
    fn inline_text(&self, id: Id, text: &mut String, _pre: bool) {
        let dom = self.dom;
        let mut stack: Vec<Id> = dom.children(id).collect();
        stack.reverse();
        while let Some(id) = stack.pop() {
            match &dom.node(id).data {
                Data::Text(t) => text.push_str(t),
                Data::Element(el) => {
                    if is_hidden(el) || matches!(el.tag, Tag::Skip | Tag::Script | Tag::Svg) {
                        continue;
                    }
                    if el.tag == Tag::Br {
                        text.push('\n');
                        continue;
                    }
                    let start = stack.len();
                    stack.extend(dom.children(id));
                    stack[start..].reverse();
                }
                _ => {}
            }
        }
    }

    pub(super) fn link(&mut self, id: Id, el: &Element, ws: Ws) {
        let Some(dest) = el
            .attr("href")
            .filter(|h| h.len() <= MAX_URL)
            .and_then(|h| resolve(self.base, h, false))
            .filter(|d| d.len() <= MAX_URL)
        else {
            self.children(id, ws);
            return;
        };
        let mut close = String::with_capacity(dest.len() + 4);
        close.push_str("](");
        push_destination(&mut close, &dest);
        push_title(&mut close, el.attr("title"));
        close.push(')');
        self.out.open_mark(MarkKind::Link, "[", Cow::Owned(close));
        self.children(id, ws);
        self.out.close_mark();
    }

    /// An image; an inline (`data:`) one over [`MAX_INLINE_IMAGE`] bytes, or one whose
    /// address is over [`MAX_URL`], is not kept, and the quote says so where it stood.
    pub(super) fn image(&mut self, el: &Element) {
        let Some(src) = best_image_source(el) else {
            return;
        };
        let inline = src
            .trim_start_matches(|c: char| c <= ' ')
            .get(..5)
            .is_some_and(|s| s.eq_ignore_ascii_case("data:"));
        // An over-long address is not even resolved: its length alone decides.
        let dest = if !inline && src.len() > MAX_URL {
            None
        } else {
            let Some(dest) = resolve(self.base, src, true) else {
                // A refused scheme: the description stays, as text.
                self.out
                    .text(el.attr("alt").unwrap_or("").trim(), Ws::Normal);
                return;
            };
            Some(dest)
        };
        let alt = el.attr("alt").unwrap_or("").trim();
        let max_inline = self.opts.max_inline_image.unwrap_or(MAX_INLINE_IMAGE);
        let mut md = String::with_capacity(src.len().min(max_inline) + 16);
        let too_long = match &dest {
            None => Some(format!("{} KB address", src.len().div_ceil(1000))),
            Some(d) if inline && d.len() > max_inline => {
                Some(format!("{} KB of inline data", d.len().div_ceil(1000)))
            }
            Some(d) if !inline && d.len() > MAX_URL => {
                Some(format!("{} KB address", d.len().div_ceil(1000)))
            }
            Some(_) => None,
        };
        if let Some(what) = too_long {
            // Said in the quote, in place of the image.
            md.push_str("\\[image not kept: ");
            if !alt.is_empty() {
                push_bracketed(&mut md, alt);
                md.push_str(", ");
            }
            md.push_str(&what);
            md.push_str("\\]");
        } else if let Some(dest) = dest {
            md.push_str("![");
            push_bracketed(&mut md, alt);
            md.push_str("](");
            push_destination(&mut md, &dest);
            push_title(&mut md, el.attr("title"));
            md.push(')');
        }
        if self.out.in_table {
            md = md.replace('|', "\\|");
        }
        self.out.atom(&md);
    }

    /// `<picture>`: its `img`; when that has no usable source, the first `source`'s.
    pub(super) fn picture(&mut self, id: Id, ws: Ws) {
        let dom = self.dom;
        let img = dom.children(id).find(|&c| dom.tag(c) == Some(Tag::Img));
        if let Some(img) = img.and_then(|i| dom.element(i))
            && best_image_source(img).is_none()
            && let Some(srcset) = dom
                .children(id)
                .filter_map(|c| dom.element(c))
                .filter(|e| e.tag == Tag::Source)
                .find_map(|e| e.attr("srcset"))
            && let Some(src) = pick_srcset(srcset).filter(|s| s.len() <= MAX_URL)
            && let Some(dest) = resolve(self.base, src, true).filter(|d| d.len() <= MAX_URL)
        {
            let mut md = String::from("![");
            push_bracketed(&mut md, img.attr("alt").unwrap_or("").trim());
            md.push_str("](");
            push_destination(&mut md, &dest);
            md.push(')');
            self.out.atom(&md);
            return;
        }
        self.children(id, ws);
    }

    /// `<script type="math/tex">` (MathJax 2 keeps the TeX there); other scripts are dropped.
    pub(super) fn script(&mut self, id: Id, el: &Element) {
        let Some(ty) = el.attr("type") else { return };
        let ty = ty.to_ascii_lowercase();
        if !ty.starts_with("math/tex") {
            return;
        }
        let dom = self.dom;
        let mut tex = String::new();
        for c in dom.children(id) {
            if let Data::Text(t) = &dom.node(c).data {
                tex.push_str(t);
            }
        }
        self.math(&tex, ty.contains("mode=display"));
    }

    pub(super) fn math(&mut self, tex: &str, display: bool) {
        // `<` is `\lt` in TeX: written that way, TeX a renderer does not take as math
        // can never read as an HTML tag. `$` would end the math early.
        let safe;
        let tex = if tex.contains(['<', '$']) {
            let mut t = String::with_capacity(tex.len() + 8);
            let mut prev = ' ';
            for c in tex.chars() {
                match c {
                    '<' => t.push_str("\\lt "),
                    '$' if prev != '\\' => t.push_str("\\$"),
                    c => t.push(c),
                }
                prev = c;
            }
            safe = t;
            safe.trim()
        } else {
            tex.trim()
        };
        if tex.is_empty() {
            return;
        }
        if display && !self.out.single_line {
            self.display_math(tex);
        } else {
            let flat: String = tex.split_whitespace().collect::<Vec<_>>().join(" ");
            let flat = if self.out.in_table {
                flat.replace('|', "\\|")
            } else {
                flat
            };
            self.out.atom(&format!("${flat}$"));
        }
    }

    /// MathML: its TeX annotation when it has one, else its text.
    pub(super) fn mathml(&mut self, id: Id, el: &Element, ws: Ws) {
        if let Some(tex) = self.tex_annotation(id) {
            self.math(&tex, el.attr("display") == Some("block"));
        } else {
            self.children(id, ws);
        }
    }

    fn tex_annotation(&self, id: Id) -> Option<String> {
        let dom = self.dom;
        let mut stack: Vec<Id> = dom.children(id).collect();
        let mut budget = 10_000;
        while let Some(c) = stack.pop() {
            budget -= 1;
            if budget == 0 {
                return None;
            }
            let Some(e) = dom.element(c) else { continue };
            if e.tag == Tag::Annotation
                && e.attr("encoding")
                    .is_some_and(|enc| enc.eq_ignore_ascii_case("application/x-tex"))
            {
                let mut tex = String::new();
                for t in dom.children(c) {
                    if let Data::Text(t) = &dom.node(t).data {
                        tex.push_str(t);
                    }
                }
                return Some(tex);
            }
            stack.extend(dom.children(c));
        }
        None
    }

    /// Spans and unknown elements: their content, except the wrappers of rendered math.
    pub(super) fn span(&mut self, id: Id, el: &Element, ws: Ws) {
        if let Some(class) = el.attr("class") {
            let has = |name: &str| class.split_ascii_whitespace().any(|c| c == name);
            if (has("katex") || has("katex-display"))
                && let Some(tex) = self.tex_annotation(id)
            {
                {
                    let display = has("katex-display")
                        || self
                            .dom
                            .element(self.dom.node(id).parent)
                            .is_some_and(|p| p.has_class("katex-display"));
                    self.math(&tex, display);
                    return;
                }
            }
            if has("katex-mathml")
                || class.split_ascii_whitespace().any(|c| {
                    matches!(
                        c,
                        "MathJax_Preview"
                            | "MathJax"
                            | "MathJax_Display"
                            | "MathJax_SVG"
                            | "MathJax_SVG_Display"
                            | "MathJax_CHTML"
                    )
                })
            {
                return;
            }
        }
        self.children(id, ws);
    }
}

/// A link destination: spaces and angle brackets percent-encoded, unbalanced
/// parentheses escaped.
pub(crate) fn push_destination(out: &mut String, dest: &str) {
    let special = |b: u8| {
        (b <= b' ')
            | (b == b'<')
            | (b == b'>')
            | (b == b'\\')
            | (b == b'(')
            | (b == b')')
            | (b == 0x7f)
    };
    if !any_byte(dest.as_bytes(), special) {
        out.push_str(dest);
        return;
    }
    let mut depth: i32 = 0;
    let mut balanced = true;
    for c in dest.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    balanced = false;
                }
            }
            _ => {}
        }
    }
    balanced &= depth == 0;
    for c in dest.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            '(' | ')' if !balanced => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

fn push_title(out: &mut String, title: Option<&str>) {
    let Some(title) = title.map(str::trim).filter(|t| !t.is_empty()) else {
        return;
    };
    out.push_str(" \"");
    let mut last_space = false;
    for c in title.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// Inline (`data:`) images longer than this many bytes are left out of quotes: a quote is
/// text, and one pasted screenshot would make its note megabytes long.
pub(crate) const MAX_INLINE_IMAGE: usize = 64 * 1024;

/// Link and image addresses (but inline images, bounded above) longer than this many bytes
/// are not kept: a link keeps its text, an image is named in the quote. Real addresses,
/// tracking parameters and all, are a few hundred bytes; a longer one carries data, not a
/// place (the capture script drops such links' targets before sending them: keep its
/// `MAX_URL` in step, `core/tests/capture_contract.rs` checks it).
pub const MAX_URL: usize = 8 * 1024;

fn is_placeholder(src: &str) -> bool {
    let s = src.trim();
    s.is_empty() || s.starts_with("data:") && s.len() < 200 || s == "about:blank"
}

/// The image to show: the largest `srcset` candidate, else a lazy loader's `data-src`
/// (when `src` is missing or a placeholder), else `src`.
pub(crate) fn best_image_source(el: &Element) -> Option<&str> {
    for attr in ["srcset", "data-srcset"] {
        if let Some(src) = el.attr(attr).and_then(pick_srcset) {
            return Some(src);
        }
    }
    let src = el.attr("src").filter(|s| !is_placeholder(s));
    if let Some(src) = src {
        return Some(src);
    }
    [
        "data-src",
        "data-original",
        "data-lazy-src",
        "data-url",
        "data-hi-res-src",
    ]
    .iter()
    .find_map(|a| el.attr(a).filter(|s| !is_placeholder(s)))
    .or_else(|| el.attr("src").filter(|s| !s.trim().is_empty()))
}

/// The candidate of a `srcset` with the largest width (`w`) or density (`x`).
fn pick_srcset<'a>(srcset: &'a str) -> Option<&'a str> {
    let mut best: Option<(&'a str, f64)> = None;
    let mut consider = |url: &'a str, descriptor: Option<&str>| {
        let url = url.trim_end_matches(',');
        if url.is_empty() || url.starts_with("data:") {
            return;
        }
        let size = match descriptor {
            None => 1000.0,
            Some(d) => {
                let parsed = match d.strip_suffix('x') {
                    Some(n) => n.parse::<f64>().ok().map(|n| n * 1000.0),
                    None => d.strip_suffix('w').and_then(|n| n.parse::<f64>().ok()),
                };
                // Browsers drop candidates with invalid descriptors.
                let Some(size) = parsed else { return };
                size
            }
        };
        if best.is_none_or(|(_, s)| size > s) {
            best = Some((url, size));
        }
    };
    let mut url: Option<&'a str> = None;
    for token in srcset.split_ascii_whitespace() {
        match url {
            None => {
                if token.ends_with(',') {
                    consider(token, None);
                } else {
                    url = Some(token);
                }
            }
            Some(u) => {
                // A descriptor, possibly glued to the next candidate: `100w,b.jpg`.
                let (descriptor, next) = match token.split_once(',') {
                    Some((d, n)) => (d, Some(n)),
                    None => (token, None),
                };
                consider(u, Some(descriptor));
                url = next.filter(|n| !n.is_empty());
            }
        }
    }
    if let Some(u) = url {
        consider(u, None);
    }
    best.map(|(u, _)| u)
}
