//! The two properties every converter output must have, as a reusable test helper.
//!
//! 1. **Same visible text**: a simple text extraction of the input HTML equals the same
//!    extraction of pulldown-cmark's HTML rendering of the Markdown (both whitespace
//!    normalised).
//! 2. **Same structure**: the same rendering keeps every link destination (compared after
//!    resolution with the `url` crate, consecutive repeats collapsed: a link around two
//!    blocks becomes one link per block), the count of images, and the text under
//!    emphasis, strong emphasis, strikethrough, code, each heading level, quotes; every
//!    list item keeps its depth, kind and number; every table its non-empty cells row
//!    by row. The Markdown also holds no raw HTML at all.
//!
//! The extraction is deliberately independent of the converter: another HTML parser
//! (html5ever 0.38 into `markup5ever_rcdom`) and a plain recursive walk. The same
//! extraction runs on the input and on the rendering, so both are read with one set of
//! rules. What the rules say, as a specification of the converter's equivalents:
//! - Not visible: `script` (except MathJax's `math/tex`), `style`, `noscript`, `template`,
//!   `head`, embedded content and form controls, `hidden` or inline `display: none`.
//! - Images have no text (their `alt` is not visible text in `innerText` either).
//! - Math with a TeX source (MathML annotation, KaTeX, MathJax 2 scripts) and rendered
//!   math (`$…$`) are both one placeholder: the TeX is not page text.
//! - `dt` and `summary` count as strong text (written as bold paragraphs); `kbd`, `samp`
//!   and `tt` count as code. Emphasis and links inside code are not counted.
//! - Comparisons of marked text use letters and digits only: punctuation may move
//!   across a delimiter where CommonMark's flanking rules demand it.
//! - A list directly inside a list with no item before it counts at its parent's depth
//!   (Markdown has no item to nest it under).
//! - A table with block content in its cells (lists, code, quotes, headings, rules,
//!   tables) is not a table in Markdown: it is not compared as one.

#![allow(dead_code)]

use html5ever_ref::tendril::TendrilSink;
use html5ever_ref::{QualName, local_name, ns, parse_fragment};
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use pulldown_cmark::{Event, Options, Parser};

/// What the checks compare.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub text: String,
    pub links: Vec<String>,
    pub images: usize,
    pub strong: String,
    pub em: String,
    pub del: String,
    pub code: String,
    pub headings: Vec<(u8, String)>,
    pub quote: String,
    /// (depth, ordered, number) of every list item.
    pub items: Vec<(usize, bool, i64)>,
    pub tables: Vec<Vec<Vec<String>>>,
}

pub const MATH: &str = " \u{27e8}math\u{27e9} ";

/// The pulldown-cmark options the output is read with.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_MATH
}

/// Renders Markdown to HTML; fails if the Markdown holds raw HTML.
pub fn render(markdown: &str) -> Result<String, String> {
    let mut raw = Vec::new();
    let events: Vec<Event> = Parser::new_ext(markdown, markdown_options())
        .inspect(|e| {
            if let Event::Html(h) | Event::InlineHtml(h) = e {
                raw.push(h.to_string());
            }
        })
        .collect();
    if !raw.is_empty() {
        return Err(format!("raw HTML in the output: {raw:?}"));
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Ok(html)
}

/// Checks both properties; the error says which part differs.
pub fn check(input_html: &str, base: &str, markdown: &str) -> Result<(), String> {
    let rendered = render(markdown)?;
    let input = summarize(input_html, base);
    let output = summarize(&rendered, base);
    let mut problems = Vec::new();
    macro_rules! cmp {
        ($field:ident) => {
            if input.$field != output.$field {
                problems.push(format!(
                    "{} differs:\n   input: {:?}\n  output: {:?}",
                    stringify!($field),
                    input.$field,
                    output.$field
                ));
            }
        };
    }
    if input.text != output.text {
        let (a, b) = (&input.text, &output.text);
        let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
        let at = |s: &str| {
            s.chars()
                .skip(common.saturating_sub(30))
                .take(80)
                .collect::<String>()
        };
        problems.push(format!(
            "text differs after {common} chars:\n   input: …{:?}\n  output: …{:?}",
            at(a),
            at(b)
        ));
    }
    cmp!(links);
    cmp!(images);
    cmp!(strong);
    cmp!(em);
    cmp!(del);
    cmp!(code);
    cmp!(headings);
    cmp!(quote);
    cmp!(items);
    cmp!(tables);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n--- rendered HTML ---\n{}",
            problems.join("\n"),
            rendered
        ))
    }
}

pub fn summarize(html: &str, base: &str) -> Summary {
    let dom = parse_fragment(
        RcDom::default(),
        Default::default(),
        QualName::new(None, ns!(html), local_name!("body")),
        Vec::new(),
        false,
    )
    .one(html);
    let base = url::Url::parse(base).ok();
    let mut x = Extractor {
        base,
        ..Extractor::default()
    };
    x.walk(&dom.document);
    let mut s = x.summary;
    s.text = normalize(&x.text);
    s
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn alnum(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| c.is_alphanumeric())
}

#[derive(Default)]
struct Extractor {
    base: Option<url::Url>,
    summary: Summary,
    text: String,
    strong: usize,
    em: usize,
    del: usize,
    code: usize,
    quote: usize,
    heading: Option<(u8, String)>,
    /// (ordered, next number, reversed, counts toward depth)
    lists: Vec<(bool, i64, bool, bool)>,
    /// The list about to be walked sits directly in a list, before any item.
    flatten_list: bool,
    last_link: Option<String>,
}

fn attr(node: &Handle, name: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

fn name(node: &Handle) -> Option<String> {
    match &node.data {
        NodeData::Element { name, .. } => Some(name.local.to_string()),
        _ => None,
    }
}

fn has_class(node: &Handle, class: &str) -> bool {
    attr(node, "class").is_some_and(|c| c.split_ascii_whitespace().any(|w| w == class))
}

fn hidden(node: &Handle) -> bool {
    attr(node, "hidden").is_some()
        || attr(node, "style").is_some_and(|s| {
            let s: String = s
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            s.split(';')
                .any(|d| d == "display:none" || d == "display:none!important")
        })
}

const SKIP: &[&str] = &[
    "head",
    "title",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "video",
    "audio",
    "canvas",
    "svg",
    "select",
    "textarea",
    "button",
    "input",
    "map",
    "datalist",
    "option",
    "optgroup",
    "meta",
    "link",
    "base",
    "noembed",
    "noframes",
    "frameset",
    "frame",
    "param",
    "track",
    "source",
    "slot",
    "annotation",
    "annotation-xml",
];

const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "search",
    "section",
    "summary",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "ul",
    "xmp",
    "plaintext",
];

fn tex_of(node: &Handle) -> Option<String> {
    let mut found = None;
    visit(node, &mut |n| {
        if found.is_none()
            && name(n).as_deref() == Some("annotation")
            && attr(n, "encoding").is_some_and(|e| e.eq_ignore_ascii_case("application/x-tex"))
        {
            found = Some(text_of(n));
        }
    });
    found.filter(|t| !t.trim().is_empty())
}

fn visit(node: &Handle, f: &mut dyn FnMut(&Handle)) {
    f(node);
    for c in node.children.borrow().iter() {
        visit(c, f);
    }
}

fn text_of(node: &Handle) -> String {
    let mut s = String::new();
    visit(node, &mut |n| {
        if let NodeData::Text { contents } = &n.data {
            s.push_str(&contents.borrow());
        }
    });
    s
}

/// Text the extractor would show for a subtree (for "has visible content").
fn has_visible(node: &Handle) -> bool {
    let mut any = false;
    visit(node, &mut |n| match &n.data {
        NodeData::Text { contents } => any |= !contents.borrow().trim().is_empty(),
        NodeData::Element { .. } => any |= image_source(n).is_some(),
        _ => {}
    });
    any
}

fn image_source(node: &Handle) -> Option<String> {
    if name(node).as_deref() != Some("img") {
        return None;
    }
    [
        "srcset",
        "data-srcset",
        "src",
        "data-src",
        "data-original",
        "data-lazy-src",
        "data-url",
        "data-hi-res-src",
    ]
    .iter()
    .filter_map(|a| attr(node, a))
    .find(|v| {
        let v = v.trim();
        // The scheme policy: images from the web or inline raster data; a reference
        // without a scheme resolves against the (web) base.
        !v.is_empty()
            && url::Url::parse(v).map_or(true, |u| match u.scheme() {
                "http" | "https" => true,
                "data" => {
                    let media = u.path().split([';', ',']).next().unwrap_or("");
                    let media = media.trim().to_ascii_lowercase();
                    [
                        "png", "apng", "jpeg", "jpg", "gif", "webp", "avif", "bmp", "x-icon",
                    ]
                    .iter()
                    .any(|t| media == format!("image/{t}"))
                }
                _ => false,
            })
    })
}

fn has_block_cells(table: &Handle) -> bool {
    const BLOCK: &[&str] = &[
        "ul",
        "ol",
        "pre",
        "blockquote",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "dl",
        "li",
        "dir",
        "menu",
    ];
    let mut blocky = false;
    for c in table.children.borrow().iter() {
        visit(c, &mut |n| {
            let Some(nm) = name(n) else { return };
            blocky |= BLOCK.contains(&nm.as_str())
                || nm == "math" && attr(n, "display").as_deref() == Some("block");
        });
    }
    blocky
}

impl Extractor {
    fn sep(&mut self) {
        self.text.push(' ');
    }

    fn push_text(&mut self, t: &str) {
        self.text.push_str(t);
        if let Some((_, h)) = &mut self.heading {
            h.extend(alnum(t));
        }
        if self.quote > 0 {
            self.summary.quote.extend(alnum(t));
        }
        if self.code > 0 {
            self.summary.code.extend(alnum(t));
            return;
        }
        if self.strong > 0 {
            self.summary.strong.extend(alnum(t));
        }
        if self.em > 0 {
            self.summary.em.extend(alnum(t));
        }
        if self.del > 0 {
            self.summary.del.extend(alnum(t));
        }
    }

    fn math(&mut self, block: bool) {
        if block {
            self.sep();
        }
        self.text.push_str(MATH);
        if block {
            self.sep();
        }
    }

    fn children(&mut self, node: &Handle) {
        for c in node.children.borrow().iter() {
            self.walk(c);
        }
    }

    fn walk(&mut self, node: &Handle) {
        let el = match &node.data {
            NodeData::Text { contents } => {
                let t = contents.borrow().to_string();
                self.push_text(&t);
                return;
            }
            NodeData::Document => {
                self.children(node);
                return;
            }
            NodeData::Element { .. } => name(node).unwrap_or_default(),
            _ => return,
        };
        if hidden(node) {
            return;
        }
        let class = |c: &str| has_class(node, c);
        // Math.
        if el == "script" {
            let ty = attr(node, "type").unwrap_or_default().to_ascii_lowercase();
            if ty.starts_with("math/tex") && !text_of(node).trim().is_empty() {
                self.math(ty.contains("mode=display"));
            }
            return;
        }
        if el == "math" {
            if tex_of(node).is_some() {
                self.math(attr(node, "display").as_deref() == Some("block"));
            } else {
                self.children(node);
            }
            return;
        }
        if (class("katex") || class("katex-display")) && tex_of(node).is_some() {
            let display = class("katex-display");
            self.math(display);
            return;
        }
        if class("math-inline") || class("math-display") {
            self.math(class("math-display"));
            return;
        }
        if class("katex-mathml")
            || [
                "MathJax_Preview",
                "MathJax",
                "MathJax_Display",
                "MathJax_SVG",
                "MathJax_SVG_Display",
                "MathJax_CHTML",
            ]
            .iter()
            .any(|c| class(c))
        {
            return;
        }
        if SKIP.contains(&el.as_str()) {
            return;
        }
        let block = BLOCKS.contains(&el.as_str());
        if block || el == "br" {
            self.sep();
        }
        match el.as_str() {
            "img" => {
                if image_source(node).is_some() {
                    self.summary.images += 1;
                }
            }
            "picture" => {
                let img = node
                    .children
                    .borrow()
                    .iter()
                    .find(|c| name(c).as_deref() == Some("img"))
                    .cloned();
                let source =
                    node.children.borrow().iter().any(|c| {
                        name(c).as_deref() == Some("source") && attr(c, "srcset").is_some()
                    });
                match img {
                    Some(img) if image_source(&img).is_none() && source => {
                        self.summary.images += 1;
                    }
                    _ => self.children(node),
                }
            }
            "strong" | "b" | "dt" | "summary" => self.wrap(node, |x| &mut x.strong),
            "em" | "i" | "cite" | "dfn" | "var" => self.wrap(node, |x| &mut x.em),
            "del" | "s" | "strike" => self.wrap(node, |x| &mut x.del),
            "code" | "kbd" | "samp" | "tt" | "pre" | "listing" | "xmp" => {
                self.wrap(node, |x| &mut x.code)
            }
            "blockquote" => self.wrap(node, |x| &mut x.quote),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = el.as_bytes()[1] - b'0';
                let outer = self.heading.replace((level, String::new()));
                self.children(node);
                let heading = std::mem::replace(&mut self.heading, outer);
                if let Some((level, text)) = heading.filter(|(_, t)| !t.is_empty()) {
                    if let Some((_, outer_text)) = &mut self.heading {
                        outer_text.push_str(&text);
                    }
                    self.summary.headings.push((level, text));
                }
            }
            "a" => {
                let dest = attr(node, "href").and_then(|h| self.resolve(&h));
                match dest {
                    Some(dest) if self.code == 0 && has_visible(node) => {
                        if self.last_link.as_deref() != Some(&dest) {
                            self.summary.links.push(dest.clone());
                        }
                        self.last_link = Some(dest);
                        self.children(node);
                    }
                    _ => self.children(node),
                }
            }
            "ul" | "ol" | "dir" | "menu" => {
                let ordered = el == "ol";
                let reversed = ordered && attr(node, "reversed").is_some();
                let items = node
                    .children
                    .borrow()
                    .iter()
                    .filter(|c| name(c).as_deref() == Some("li"))
                    .count() as i64;
                let start = attr(node, "start")
                    .and_then(|s| s.trim().parse::<i64>().ok())
                    .unwrap_or(if reversed { items } else { 1 });
                // A list directly in a list with no item before it has no item to
                // nest under in Markdown: it stays at its parent's level.
                let flattened = std::mem::take(&mut self.flatten_list);
                self.lists.push((ordered, start, reversed, !flattened));
                let mut seen_item = false;
                for c in node.children.borrow().iter() {
                    let child = name(c);
                    seen_item |= child.as_deref() == Some("li");
                    self.flatten_list = !seen_item
                        && matches!(child.as_deref(), Some("ul" | "ol" | "dir" | "menu"));
                    self.walk(c);
                }
                self.flatten_list = false;
                self.lists.pop();
            }
            "li" => {
                let depth = self.lists.iter().filter(|l| l.3).count().max(1);
                let (ordered, next, reversed, _) = self
                    .lists
                    .last()
                    .copied()
                    .unwrap_or((false, 1, false, true));
                let number = if ordered {
                    attr(node, "value")
                        .and_then(|v| v.trim().parse::<i64>().ok())
                        .unwrap_or(next)
                } else {
                    0
                };
                if let Some(top) = self.lists.last_mut() {
                    top.1 = if reversed { number - 1 } else { number + 1 };
                }
                self.summary.items.push((depth, ordered, number));
                self.children(node);
            }
            "table" => {
                if !has_block_cells(node) {
                    let mut rows = Vec::new();
                    let mut trs = Vec::new();
                    for c in node.children.borrow().iter() {
                        match name(c).as_deref() {
                            Some("tr") => trs.push(c.clone()),
                            Some("thead" | "tbody" | "tfoot") => trs.extend(
                                c.children
                                    .borrow()
                                    .iter()
                                    .filter(|r| name(r).as_deref() == Some("tr") && !hidden(r))
                                    .cloned(),
                            ),
                            _ => {}
                        }
                    }
                    for tr in trs {
                        let cells: Vec<String> = tr
                            .children
                            .borrow()
                            .iter()
                            .filter(|c| {
                                matches!(name(c).as_deref(), Some("td" | "th")) && !hidden(c)
                            })
                            .map(|c| {
                                let mut sub = Extractor {
                                    base: self.base.clone(),
                                    ..Extractor::default()
                                };
                                sub.walk(c);
                                alnum(&sub.text).collect::<String>()
                            })
                            .filter(|t| !t.is_empty())
                            .collect();
                        if !cells.is_empty() {
                            rows.push(cells);
                        }
                    }
                    if !rows.is_empty() {
                        self.summary.tables.push(rows);
                    }
                }
                self.children(node);
            }
            _ => self.children(node),
        }
        if block {
            self.sep();
        }
    }

    fn wrap(&mut self, node: &Handle, counter: fn(&mut Extractor) -> &mut usize) {
        *counter(self) += 1;
        self.children(node);
        *counter(self) -= 1;
    }

    fn resolve(&self, href: &str) -> Option<String> {
        let url = match &self.base {
            Some(base) => base.join(href.trim()).ok()?,
            None => url::Url::parse(href.trim()).ok()?,
        };
        // The scheme policy: links to the web and to mail only.
        if !matches!(url.scheme(), "http" | "https" | "mailto") {
            return None;
        }
        Some(url.to_string())
    }
}
