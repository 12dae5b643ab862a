//! The extension's previews of Markdown: pulldown-cmark's events mapped to a small tree of
//! sanitized nodes, which the wasm binding turns into DOM nodes one by one.
//!
//! Notes hold text from arbitrary pages, so the preview treats every byte as hostile, and
//! no HTML string exists at any point: the tree names its elements from [`Name`] and their
//! attributes from [`Attr`], and everything else is text. Raw HTML is shown as text; links
//! are followed only to `http`, `https` and `mailto`, in a new tab without an opener;
//! remote images are never loaded (a placeholder with the alt text stands in, linked to
//! the image), while `blob:` images, which only the extension itself can create, are shown;
//! footnote ids carry the caller's prefix, so they cannot collide with the page's own ids.
//!
//! The tree is flat: nodes in document order, each naming its parent by index, so neither
//! building it nor materialising it recurses. Nesting deeper than [`MAX_DEPTH`] elements is
//! flattened into the deepest allowed element: its text stays, its elements do not.

mod build;
#[cfg(test)]
mod tests;

/// The deepest element nesting the preview builds; deeper elements' text joins the
/// element at this depth (notes need a few levels, a hostile note could ask for millions).
pub(crate) const MAX_DEPTH: usize = 64;

/// The preview of `markdown` (a note's Markdown file, YAML frontmatter and all).
/// `id_prefix` starts every id the preview gives an element (footnotes): the caller makes
/// it unique in the page the preview goes into.
pub fn preview(markdown: &str, id_prefix: &str) -> Preview {
    build::build(markdown, id_prefix)
}

/// A rendered preview: its nodes in document order, each after its parent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preview {
    nodes: Vec<Node>,
}

impl Preview {
    /// Every node, parents before their children, siblings in order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The same preview with the words of `query` marked in its text (`<mark>` elements
    /// around them, ignoring case and accents as search does: [`crate::search`]).
    pub fn marked(self, query: &str) -> Preview {
        let terms = crate::search::query_terms(query);
        if terms.is_empty() {
            return self;
        }
        // Nodes move as texts split: `moved[i]` is where node `i` went.
        let mut moved = Vec::with_capacity(self.nodes.len());
        let mut nodes = Vec::with_capacity(self.nodes.len());
        for node in self.nodes {
            let parent = node.parent.map(|p| moved[p]);
            let NodeKind::Text(text) = node.kind else {
                moved.push(nodes.len());
                nodes.push(Node {
                    parent,
                    kind: node.kind,
                });
                continue;
            };
            moved.push(nodes.len());
            for segment in crate::search::split_marked(&text, &terms) {
                let mut text_parent = parent;
                if segment.mark {
                    text_parent = Some(nodes.len());
                    nodes.push(Node {
                        parent,
                        kind: NodeKind::Element {
                            name: Name::Mark,
                            attrs: Vec::new(),
                        },
                    });
                }
                nodes.push(Node {
                    parent: text_parent,
                    kind: NodeKind::Text(segment.text),
                });
            }
        }
        Preview { nodes }
    }
}

/// One node of a [`Preview`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The index of the parent element in [`Preview::nodes`]; `None` at the top level.
    pub parent: Option<usize>,
    pub kind: NodeKind,
}

/// An element or a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    Element {
        name: Name,
        attrs: Vec<(Attr, String)>,
    },
    Text(String),
}

/// The elements a preview may contain, and no other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Name {
    A,
    Blockquote,
    Br,
    Code,
    Del,
    Div,
    Em,
    H1,
    H2,
    H3,
    H4,
    H5,
    H6,
    Hr,
    Img,
    Input,
    Li,
    Mark,
    Ol,
    P,
    Pre,
    Span,
    Strong,
    Sup,
    Table,
    Tbody,
    Td,
    Th,
    Thead,
    Tr,
    Ul,
}

impl Name {
    /// The element's local name, as `createElement` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Name::A => "a",
            Name::Blockquote => "blockquote",
            Name::Br => "br",
            Name::Code => "code",
            Name::Del => "del",
            Name::Div => "div",
            Name::Em => "em",
            Name::H1 => "h1",
            Name::H2 => "h2",
            Name::H3 => "h3",
            Name::H4 => "h4",
            Name::H5 => "h5",
            Name::H6 => "h6",
            Name::Hr => "hr",
            Name::Img => "img",
            Name::Input => "input",
            Name::Li => "li",
            Name::Mark => "mark",
            Name::Ol => "ol",
            Name::P => "p",
            Name::Pre => "pre",
            Name::Span => "span",
            Name::Strong => "strong",
            Name::Sup => "sup",
            Name::Table => "table",
            Name::Tbody => "tbody",
            Name::Td => "td",
            Name::Th => "th",
            Name::Thead => "thead",
            Name::Tr => "tr",
            Name::Ul => "ul",
        }
    }
}

/// The attributes a preview may set, and no other. Values of [`Attr::Href`] and
/// [`Attr::Src`] have passed the link and image policy; the others are inert text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attr {
    Alt,
    AriaLabel,
    Checked,
    Class,
    Disabled,
    Href,
    Id,
    Rel,
    Role,
    Src,
    Start,
    Target,
    Title,
    Type,
}

impl Attr {
    /// The attribute's name, as `setAttribute` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Attr::Alt => "alt",
            Attr::AriaLabel => "aria-label",
            Attr::Checked => "checked",
            Attr::Class => "class",
            Attr::Disabled => "disabled",
            Attr::Href => "href",
            Attr::Id => "id",
            Attr::Rel => "rel",
            Attr::Role => "role",
            Attr::Src => "src",
            Attr::Start => "start",
            Attr::Target => "target",
            Attr::Title => "title",
            Attr::Type => "type",
        }
    }
}

/// The scheme of `url` as a browser reads it, lowercased: leading and trailing C0 controls
/// and spaces are stripped and tabs and newlines inside are ignored (`java\tscript:` is
/// `javascript:`). `None` when the URL has no valid scheme (a browser would resolve it
/// against the page, here the extension's own).
fn scheme(url: &str) -> Option<String> {
    let url = url.trim_matches(|c: char| c <= ' ');
    let mut scheme = String::new();
    for c in url.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')) {
        match c {
            ':' if !scheme.is_empty() => return Some(scheme),
            'a'..='z' | 'A'..='Z' => scheme.push(c.to_ascii_lowercase()),
            '0'..='9' | '+' | '-' | '.' if !scheme.is_empty() => scheme.push(c),
            _ => return None,
        }
    }
    None
}

/// Links are followed only where the converter's policy lets a note link
/// ([`quotebook_html::convert::is_allowed_url`]: the web and mail); `javascript:`, `data:`,
/// `file:` and everything else stay text, and so do relative references, which here would
/// resolve against the extension's own pages.
fn is_link_allowed(url: &str) -> bool {
    scheme(url).is_some_and(|s| quotebook_html::convert::is_allowed_url(&format!("{s}:"), false))
}

/// Whether a link to `url` may wrap an image's placeholder: the web only.
fn is_web(url: &str) -> bool {
    matches!(scheme(url).as_deref(), Some("http" | "https"))
}

/// Images the extension stored itself are shown through `blob:` URLs of its own origin;
/// nothing else is ever loaded.
fn is_stored_image(url: &str) -> bool {
    scheme(url).as_deref() == Some("blob")
}
