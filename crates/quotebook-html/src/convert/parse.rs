//! Parse stage: an arena tree (one `Vec` of nodes linked by index, no reference counting
//! per node) of our own types: the element's [`Tag`] decided once, its name and attributes
//! as plain strings, text as `String`. One parse in every build, the CLI's and the
//! browser's alike: the fast path (`tokenize.rs`, `quick.rs`) for well-formed input and
//! html5ever's tree builder (`standard.rs`) for the rest fill the same arena, so malformed
//! input gives the tree a browser builds.
//!
//! Depth: Blink stops nesting elements at 512 levels and appends deeper ones to the
//! 512th ancestor. We do the same, one step earlier: a token filter between the tokenizer
//! and the tree builder drops start tags (not their content) once the insertion point is
//! [`MAX_PARSE_DEPTH`] deep, so the content of deeper elements flattens into that ancestor.
//! Without the filter, html5ever's scope checks scan the whole stack of open elements for
//! every tag, which makes 100,000 nested `<div>`s take minutes.

#[path = "quick.rs"]
mod quick;

#[path = "standard.rs"]
mod standard;
pub use standard::parse_standard;

/// Deepest element nesting the parser builds; deeper start tags are dropped (their
/// content is kept, in the deepest ancestor).
pub const MAX_PARSE_DEPTH: u32 = 512;

pub(crate) type Id = u32;
pub(crate) const NONE: Id = u32::MAX;

/// What kind of element a node is, decided once when it is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    // Never in the output, contents included.
    Skip,
    // Blocks.
    P,
    Div,
    H(u8),
    Blockquote,
    Pre,
    Ul,
    Ol,
    Li,
    Dl,
    Dt,
    Dd,
    Hr,
    Table,
    Caption,
    Thead,
    Tbody,
    Tfoot,
    Tr,
    Td,
    Th,
    Figure,
    Figcaption,
    Details,
    Summary,
    // Inline.
    Br,
    Wbr,
    A,
    Img,
    Strong,
    Em,
    Code,
    Kbd,
    Del,
    Sup,
    Sub,
    Mark,
    U,
    Math,
    Annotation,
    Svg,
    Script,
    Picture,
    Source,
    Input,
    Span,
    /// Any other element, including custom ones: rendered as its content.
    Other,
}

impl Tag {
    /// The tag of an element in namespace `ns` named `local` (lower-case).
    pub(super) fn of(ns: Ns, local: &str) -> Tag {
        match ns {
            Ns::Svg => return Tag::Svg,
            Ns::MathMl => {
                return match local {
                    "math" => Tag::Math,
                    "annotation" => Tag::Annotation,
                    _ => Tag::Other,
                };
            }
            Ns::Html => {}
        }
        match local {
            "p" => Tag::P,
            "div" | "section" | "article" | "main" | "header" | "footer" | "nav" | "aside"
            | "address" | "hgroup" | "center" | "form" | "fieldset" | "legend" | "dialog"
            | "search" | "body" | "html" => Tag::Div,
            "h1" => Tag::H(1),
            "h2" => Tag::H(2),
            "h3" => Tag::H(3),
            "h4" => Tag::H(4),
            "h5" => Tag::H(5),
            "h6" => Tag::H(6),
            "blockquote" => Tag::Blockquote,
            "pre" | "listing" | "xmp" | "plaintext" => Tag::Pre,
            "ul" | "dir" | "menu" => Tag::Ul,
            "ol" => Tag::Ol,
            "li" => Tag::Li,
            "dl" => Tag::Dl,
            "dt" => Tag::Dt,
            "dd" => Tag::Dd,
            "hr" => Tag::Hr,
            "table" => Tag::Table,
            "caption" => Tag::Caption,
            "thead" => Tag::Thead,
            "tbody" => Tag::Tbody,
            "tfoot" => Tag::Tfoot,
            "tr" => Tag::Tr,
            "td" => Tag::Td,
            "th" => Tag::Th,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "details" => Tag::Details,
            "summary" => Tag::Summary,
            "br" => Tag::Br,
            "wbr" => Tag::Wbr,
            "a" => Tag::A,
            "img" => Tag::Img,
            "strong" | "b" => Tag::Strong,
            "em" | "i" | "cite" | "dfn" | "var" => Tag::Em,
            "code" | "samp" | "tt" => Tag::Code,
            "kbd" => Tag::Kbd,
            "del" | "s" | "strike" => Tag::Del,
            "sup" => Tag::Sup,
            "sub" => Tag::Sub,
            "mark" => Tag::Mark,
            "u" | "ins" => Tag::U,
            "script" => Tag::Script,
            "picture" => Tag::Picture,
            "source" => Tag::Source,
            "input" => Tag::Input,
            "span" => Tag::Span,
            "style" | "noscript" | "template" | "iframe" | "head" | "title" | "meta" | "link"
            | "object" | "embed" | "video" | "audio" | "canvas" | "select" | "textarea"
            | "button" | "map" | "noembed" | "noframes" | "frameset" | "frame" | "base"
            | "param" | "track" | "datalist" | "option" | "optgroup" | "slot" => Tag::Skip,
            _ => Tag::Other,
        }
    }

    /// Whether the element starts a new block (ends the paragraph around it).
    pub(crate) fn is_block(self) -> bool {
        !matches!(
            self,
            Tag::Br
                | Tag::Wbr
                | Tag::A
                | Tag::Img
                | Tag::Strong
                | Tag::Em
                | Tag::Code
                | Tag::Kbd
                | Tag::Del
                | Tag::Sup
                | Tag::Sub
                | Tag::Mark
                | Tag::U
                | Tag::Math
                | Tag::Annotation
                | Tag::Svg
                | Tag::Script
                | Tag::Picture
                | Tag::Source
                | Tag::Input
                | Tag::Span
                | Tag::Other
                | Tag::Skip
        )
    }
}

/// An element's namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    Html,
    Svg,
    MathMl,
}

#[derive(Debug)]
pub(crate) struct Element {
    pub tag: Tag,
    /// The local name, lower-case in HTML (SVG's and MathML's keep their case).
    pub name: Box<str>,
    pub attrs: Vec<Attr>,
}

/// An attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attr {
    /// The local name (lower-case in HTML).
    pub name: Box<str>,
    /// In a namespace (`xlink:href` on SVG's elements, say): never read as an HTML
    /// attribute.
    pub foreign: bool,
    pub value: String,
}

impl Element {
    /// The value of an attribute in no namespace, by its (lower-case) name.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| !a.foreign && &*a.name == name)
            .map(|a| &*a.value)
    }

    pub(crate) fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|c| c == class))
    }
}

#[derive(Debug)]
pub(crate) enum Data {
    /// The document node.
    Document,
    Element(Element),
    Text(String),
    /// Comments, doctypes, processing instructions: never rendered.
    Other,
}

#[derive(Debug)]
pub(crate) struct Node {
    pub parent: Id,
    pub first_child: Id,
    pub last_child: Id,
    pub next: Id,
    pub prev: Id,
    depth: u32,
    pub data: Data,
}

/// The parsed fragment.
#[derive(Debug)]
pub struct Dom {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: Id,
}

impl Dom {
    /// The tree a builder made: the fragment's content is the children of the `html`
    /// element the builder created under the document node (node 0).
    pub(super) fn from_nodes(nodes: Vec<Node>) -> Dom {
        let root = nodes
            .first()
            .map(|doc| doc.first_child)
            .filter(|&c| c != NONE)
            .unwrap_or(0);
        Dom { nodes, root }
    }

    /// The tree as indented text (elements with attributes, text), for comparisons.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        let mut stack = vec![(self.root, 0usize)];
        while let Some((id, depth)) = stack.pop() {
            for _ in 0..depth {
                out.push(' ');
            }
            match &self.node(id).data {
                Data::Element(e) => {
                    out.push_str(&e.name);
                    for a in &e.attrs {
                        out.push_str(&format!(" {}={:?}", a.name, a.value));
                    }
                }
                Data::Text(t) => out.push_str(&format!("{t:?}")),
                Data::Document => out.push_str("#document"),
                Data::Other => out.push_str("#other"),
            }
            out.push('\n');
            let start = stack.len();
            stack.extend(self.children(id).map(|c| (c, depth + 1)));
            stack[start..].reverse();
        }
        out
    }

    pub(crate) fn node(&self, id: Id) -> &Node {
        &self.nodes[id as usize]
    }

    pub(crate) fn element(&self, id: Id) -> Option<&Element> {
        match &self.nodes[id as usize].data {
            Data::Element(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn tag(&self, id: Id) -> Option<Tag> {
        self.element(id).map(|e| e.tag)
    }

    pub(crate) fn children(&self, id: Id) -> Children<'_> {
        Children {
            dom: self,
            next: self.node(id).first_child,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Children<'a> {
    dom: &'a Dom,
    next: Id,
}

impl Iterator for Children<'_> {
    type Item = Id;
    fn next(&mut self) -> Option<Id> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.dom.node(id).next;
        Some(id)
    }
}

impl Node {
    fn new(data: Data) -> Node {
        Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next: NONE,
            prev: NONE,
            depth: 0,
            data,
        }
    }
}

/// Parses `html` as the content of a `<body>` (the way a browser parses a fragment
/// pasted into a page).
pub fn parse(html: &str) -> Dom {
    standard::parse_impl(html, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn max_depth(dom: &Dom) -> usize {
        let mut max = 0;
        let mut stack = vec![(dom.root, 0usize)];
        while let Some((id, d)) = stack.pop() {
            max = max.max(d);
            for c in dom.children(id) {
                stack.push((c, d + 1));
            }
        }
        max
    }

    #[test]
    fn builds_a_tree_of_the_fragment() {
        let dom = parse("<p>a<b>b</b></p>text");
        let kids: Vec<_> = dom.children(dom.root).collect();
        assert_eq!(kids.len(), 2);
        assert_eq!(dom.tag(kids[0]), Some(Tag::P));
        assert!(matches!(&dom.node(kids[1]).data, Data::Text(t) if &**t == "text"));
    }

    #[test]
    fn the_fast_tokenizer_takes_raw_text_and_foreign_content() {
        use html5ever::tendril::StrTendril;
        let fast = |html: &str| standard::build_fast(&StrTendril::from_slice(html), 8).is_some();
        assert!(fast(
            "<p>a<iframe src=x>b</iframe><style>p{}</style><script>1</script>"
        ));
        assert!(fast(
            "<svg viewBox='0 0 1 1'><path d='M0'/></svg><math><mi>x</mi></math>"
        ));
        assert!(fast("<title>t</title><template><p>x</p></template>"));
        // Where the tree builder wants another state than the tokens were cut for, or
        // what this tokenizer does not handle: html5ever's own tokenizer.
        assert!(!fast("<svg><style>a</style></svg>"));
        assert!(!fast("<script><!-- x --></script>"));
        assert!(!fast("<title>a &amp; b</title>"));
        assert!(!fast("<iframe>unclosed"));
        assert!(!fast("<plaintext>x"));
    }

    #[test]
    fn the_quick_tree_builder_takes_well_formed_html() {
        let quick = |html: &str| {
            use html5ever::tendril::StrTendril;
            let (tokens, _) = super::super::tokenize::tokenize(&StrTendril::from_slice(html))
                .expect("fast tokens");
            quick::build(&tokens, 8).is_some()
        };
        assert!(quick(
            "<div><p>a <b>b</b> <a href=x>c</a><br><img src=y></p><ul><li>1<ul><li>2</li>\
             </ul></li></ul><pre>\nx</pre><table><tbody><tr><td>c</td></tr></tbody></table>\
             <!-- c --><h2>h</h2><dl><dt>t</dt><dd>d</dd></dl></div><p>unclosed"
        ));
        assert!(quick(
            "<p>a<div>b</div><p>c<h2>d</h2><iframe>e</iframe><style>f</style>\
             <table><caption>g</caption><colgroup><col></colgroup></table>"
        ));
        for html in [
            "<p><div>x</div></p>",
            "<li>a<li>b",
            "<a>1<a>2</a></a>",
            "<table><tr><td>x</td></tr></table>",
            "<table>text</table>",
            "<b><i>x</b></i>",
            "<h1><h2>x</h2></h1>",
            "<svg></svg>",
            "<p><span><div>x</div></span></p>",
            "<table><col></table>",
            "<td>x</td>",
        ] {
            assert!(!quick(html), "{html}");
        }
    }

    #[test]
    fn deep_nesting_is_capped() {
        let html = "<div>".repeat(5000) + "x" + &"</div>".repeat(5000) + "<p>after</p>";
        let dom = parse(&html);
        let depth = max_depth(&dom);
        assert!(depth <= MAX_PARSE_DEPTH as usize + 3, "{depth}");
        assert!(depth >= MAX_PARSE_DEPTH as usize - 3, "{depth}");
        let last = dom.node(dom.root).last_child;
        assert_eq!(dom.tag(last), Some(Tag::P));
    }
}
