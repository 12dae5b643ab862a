//! Parse stage: html5ever feeds an arena tree sink (one `Vec` of nodes linked by index,
//! no reference counting per node).
//!
//! Depth: Blink stops nesting elements at 512 levels and appends deeper ones to the
//! 512th ancestor. We do the same, one step earlier: a token filter between the tokenizer
//! and the tree builder drops start tags (not their content) once the insertion point is
//! [`MAX_PARSE_DEPTH`] deep, so the content of deeper elements flattens into that ancestor.
//! Without the filter, html5ever's scope checks scan the whole stack of open elements for
//! every tag, which makes 100,000 nested `<div>`s take minutes.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};

use html5ever::interface::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::tokenize::Switch;

#[path = "quick.rs"]
mod quick;

#[path = "lenient.rs"]
mod lenient;
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts};
use html5ever::{Attribute, LocalName, QualName, local_name, ns};

/// Deepest element nesting the parser builds; deeper start tags are dropped (their
/// content is kept, in the deepest ancestor).
pub const MAX_PARSE_DEPTH: u32 = 512;

pub type Id = u32;
pub const NONE: Id = u32::MAX;

/// What kind of element a node is, decided once when it is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
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
    fn of(name: &QualName) -> Tag {
        if name.ns == ns!(svg) {
            return Tag::Svg;
        }
        if name.ns == ns!(mathml) {
            return match name.local {
                local_name!("math") => Tag::Math,
                local_name!("annotation") => Tag::Annotation,
                _ => Tag::Other,
            };
        }
        match name.local {
            local_name!("p") => Tag::P,
            local_name!("div")
            | local_name!("section")
            | local_name!("article")
            | local_name!("main")
            | local_name!("header")
            | local_name!("footer")
            | local_name!("nav")
            | local_name!("aside")
            | local_name!("address")
            | local_name!("hgroup")
            | local_name!("center")
            | local_name!("form")
            | local_name!("fieldset")
            | local_name!("legend")
            | local_name!("dialog")
            | local_name!("search")
            | local_name!("body")
            | local_name!("html") => Tag::Div,
            local_name!("h1") => Tag::H(1),
            local_name!("h2") => Tag::H(2),
            local_name!("h3") => Tag::H(3),
            local_name!("h4") => Tag::H(4),
            local_name!("h5") => Tag::H(5),
            local_name!("h6") => Tag::H(6),
            local_name!("blockquote") => Tag::Blockquote,
            local_name!("pre")
            | local_name!("listing")
            | local_name!("xmp")
            | local_name!("plaintext") => Tag::Pre,
            local_name!("ul") | local_name!("dir") | local_name!("menu") => Tag::Ul,
            local_name!("ol") => Tag::Ol,
            local_name!("li") => Tag::Li,
            local_name!("dl") => Tag::Dl,
            local_name!("dt") => Tag::Dt,
            local_name!("dd") => Tag::Dd,
            local_name!("hr") => Tag::Hr,
            local_name!("table") => Tag::Table,
            local_name!("caption") => Tag::Caption,
            local_name!("thead") => Tag::Thead,
            local_name!("tbody") => Tag::Tbody,
            local_name!("tfoot") => Tag::Tfoot,
            local_name!("tr") => Tag::Tr,
            local_name!("td") => Tag::Td,
            local_name!("th") => Tag::Th,
            local_name!("figure") => Tag::Figure,
            local_name!("figcaption") => Tag::Figcaption,
            local_name!("details") => Tag::Details,
            local_name!("summary") => Tag::Summary,
            local_name!("br") => Tag::Br,
            local_name!("wbr") => Tag::Wbr,
            local_name!("a") => Tag::A,
            local_name!("img") => Tag::Img,
            local_name!("strong") | local_name!("b") => Tag::Strong,
            local_name!("em")
            | local_name!("i")
            | local_name!("cite")
            | local_name!("dfn")
            | local_name!("var") => Tag::Em,
            local_name!("code") | local_name!("samp") | local_name!("tt") => Tag::Code,
            local_name!("kbd") => Tag::Kbd,
            local_name!("del") | local_name!("s") | local_name!("strike") => Tag::Del,
            local_name!("sup") => Tag::Sup,
            local_name!("sub") => Tag::Sub,
            local_name!("mark") => Tag::Mark,
            local_name!("u") | local_name!("ins") => Tag::U,
            local_name!("script") => Tag::Script,
            local_name!("picture") => Tag::Picture,
            local_name!("source") => Tag::Source,
            local_name!("input") => Tag::Input,
            local_name!("span") => Tag::Span,
            local_name!("style")
            | local_name!("noscript")
            | local_name!("template")
            | local_name!("iframe")
            | local_name!("head")
            | local_name!("title")
            | local_name!("meta")
            | local_name!("link")
            | local_name!("object")
            | local_name!("embed")
            | local_name!("video")
            | local_name!("audio")
            | local_name!("canvas")
            | local_name!("select")
            | local_name!("textarea")
            | local_name!("button")
            | local_name!("map")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("frameset")
            | local_name!("frame")
            | local_name!("base")
            | local_name!("param")
            | local_name!("track")
            | local_name!("datalist")
            | local_name!("option")
            | local_name!("optgroup")
            | local_name!("slot") => Tag::Skip,
            _ => Tag::Other,
        }
    }

    /// Whether the element starts a new block (ends the paragraph around it).
    pub fn is_block(self) -> bool {
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

#[derive(Debug)]
pub struct Element {
    pub tag: Tag,
    pub name: QualName,
    pub attrs: Vec<Attribute>,
}

impl Element {
    /// The value of an attribute in no namespace, by its (lower-case) name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name.ns == ns!() && &*a.name.local == name)
            .map(|a| &*a.value)
    }

    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|c| c == class))
    }
}

#[derive(Debug)]
pub enum Data {
    /// The document node; its name answers the tree builder for nodes that have none.
    Document(QualName),
    Element(Element),
    Text(StrTendril),
    /// Comments, doctypes, processing instructions: never rendered.
    Other,
}

#[derive(Debug)]
pub struct Node {
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
    pub nodes: Vec<Node>,
    pub root: Id,
}

impl Dom {
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
                    out.push_str(&e.name.local);
                    for a in &e.attrs {
                        out.push_str(&format!(" {}={:?}", a.name.local, &*a.value));
                    }
                }
                Data::Text(t) => out.push_str(&format!("{:?}", &**t)),
                Data::Document(_) => out.push_str("#document"),
                Data::Other => out.push_str("#other"),
            }
            out.push('\n');
            let start = stack.len();
            stack.extend(self.children(id).map(|c| (c, depth + 1)));
            stack[start..].reverse();
        }
        out
    }

    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id as usize]
    }

    pub fn element(&self, id: Id) -> Option<&Element> {
        match &self.nodes[id as usize].data {
            Data::Element(e) => Some(e),
            _ => None,
        }
    }

    pub fn tag(&self, id: Id) -> Option<Tag> {
        self.element(id).map(|e| e.tag)
    }

    pub fn children(&self, id: Id) -> Children<'_> {
        Children {
            dom: self,
            next: self.node(id).first_child,
        }
    }
}

#[derive(Debug)]
pub struct Children<'a> {
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

/// Parses `html` as the content of a `<body>` (the way a browser parses a fragment
/// pasted into a page).
///
/// Without the `html5ever` feature, this is [`parse_lenient`].
pub fn parse(html: &str) -> Dom {
    #[cfg(feature = "html5ever")]
    return parse_impl(html, true);
    #[cfg(not(feature = "html5ever"))]
    return parse_lenient(html);
}

/// [`parse`] with html5ever's own tokenizer only (the reference for the fast path).
pub fn parse_standard(html: &str) -> Dom {
    parse_impl(html, false)
}

/// [`parse`] with our own tokenizer and the lenient tree builder (`lenient.rs`), for
/// HTML serialised by a browser; compared with [`parse`] by the tests.
pub fn parse_lenient(html: &str) -> Dom {
    let nodes = lenient::build(html, html.len() / 24 + 8);
    let root = nodes
        .first()
        .map(|doc| doc.first_child)
        .filter(|&c| c != NONE)
        .unwrap_or(0);
    Dom { nodes, root }
}

fn builder(capacity: usize) -> TreeBuilder<Id, Sink> {
    let sink = Sink::with_capacity(capacity);
    let context = sink.create_element(
        QualName::new(None, ns!(html), local_name!("body")),
        Vec::new(),
        ElementFlags::default(),
    );
    let opts = TreeBuilderOpts {
        scripting_enabled: false,
        ..TreeBuilderOpts::default()
    };
    TreeBuilder::new_for_fragment(sink, context, None, opts)
}

/// Builds the tree from the fast tokenizer's tokens; `None` when the tree builder asks
/// for a tokenizer state the tokens were not cut for (then the caller starts over).
fn build_fast(input: &StrTendril, capacity: usize) -> Option<Vec<Node>> {
    let (tokens, switches) = super::tokenize::tokenize(input)?;
    if let Some(nodes) = quick::build(&tokens, capacity) {
        return Some(nodes);
    }
    let filter = DepthFilter {
        inner: builder(capacity),
    };
    let mut switches = switches.into_iter().peekable();
    for (i, token) in tokens.into_iter().enumerate() {
        let start_tag = matches!(&token, Token::TagToken(t) if t.kind == TagKind::StartTag);
        let expected = match switches.peek() {
            Some(&(at, kind)) if at == i => {
                switches.next();
                Some(kind)
            }
            _ => None,
        };
        let result = filter.process_token(token, 1);
        if !start_tag {
            continue;
        }
        // The text after a raw-text start tag was cut as raw text: the tree builder
        // must agree (it does not for `<style>` inside `<svg>`, say).
        let agrees = match (result, expected) {
            (TokenSinkResult::RawData(RawKind::Rawtext), Some(Switch::Rawtext))
            | (TokenSinkResult::RawData(RawKind::Rcdata), Some(Switch::Rcdata))
            | (TokenSinkResult::RawData(RawKind::ScriptData), Some(Switch::ScriptData)) => true,
            (TokenSinkResult::RawData(_) | TokenSinkResult::Plaintext, _) => false,
            (_, expected) => expected.is_none(),
        };
        if !agrees {
            return None;
        }
    }
    filter.end();
    Some(filter.inner.sink.nodes.into_inner())
}

fn parse_impl(html: &str, fast: bool) -> Dom {
    let input = StrTendril::from_slice(html);
    // About one node per 24 bytes of HTML in the corpus.
    let capacity = html.len() / 24 + 8;
    let fast_sink = if fast {
        build_fast(&input, capacity)
    } else {
        None
    };
    let nodes = match fast_sink {
        Some(nodes) => nodes,
        None => {
            let builder = builder(capacity);
            let state = builder.tokenizer_state_for_context_elem(false);
            let filter = DepthFilter { inner: builder };
            run_tokenizer(
                &filter,
                input,
                TokenizerOpts {
                    initial_state: Some(state),
                    ..TokenizerOpts::default()
                },
            );
            filter.inner.sink.nodes.into_inner()
        }
    };
    // The fragment's content is the children of the `html` element the builder created
    // under the document node.
    let root = nodes
        .first()
        .map(|doc| doc.first_child)
        .filter(|&c| c != NONE)
        .unwrap_or(0);
    Dom { nodes, root }
}

/// Runs html5ever's tokenizer over `input` into `sink` (through `&dyn`: the tokenizer,
/// tens of KB of wasm, is compiled once whatever the sink).
fn run_tokenizer(sink: &dyn TokenSink<Handle = Id>, input: StrTendril, opts: TokenizerOpts) {
    let tokenizer = Tokenizer::new(DynSink(sink), opts);
    let queue = BufferQueue::default();
    queue.push_back(input);
    while !matches!(tokenizer.feed(&queue), html5ever::TokenizerResult::Done) {}
    tokenizer.end();
}

struct DynSink<'a>(&'a dyn TokenSink<Handle = Id>);

impl TokenSink for DynSink<'_> {
    type Handle = Id;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<Id> {
        self.0.process_token(token, line_number)
    }

    fn end(&self) {
        self.0.end()
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.0
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// Drops start tags once the tree is [`MAX_PARSE_DEPTH`] deep (see the module docs).
struct DepthFilter {
    inner: TreeBuilder<Id, Sink>,
}

fn is_void_or_raw(name: &LocalName) -> bool {
    matches!(
        &**name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "plaintext"
    )
}

impl TokenSink for DepthFilter {
    type Handle = Id;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<Id> {
        if let Token::TagToken(tag) = &token {
            let depth = &self.inner.sink.depth;
            match tag.kind {
                TagKind::StartTag => {
                    if depth.get() >= MAX_PARSE_DEPTH && !is_void_or_raw(&tag.name) {
                        return TokenSinkResult::Continue;
                    }
                }
                TagKind::EndTag => {
                    let result = self.inner.process_token(token, line_number);
                    depth.set(depth.get().saturating_sub(1));
                    return result;
                }
            }
        }
        self.inner.process_token(token, line_number)
    }

    fn end(&self) {
        self.inner.end()
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.inner
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

struct Sink {
    nodes: RefCell<Vec<Node>>,
    /// Estimated depth of the tree builder's insertion point (see [`DepthFilter`]).
    depth: Cell<u32>,
}

impl Sink {
    fn with_capacity(capacity: usize) -> Sink {
        let mut nodes = Vec::with_capacity(capacity);
        nodes.push(Node::new(Data::Document(QualName::new(
            None,
            ns!(),
            local_name!(""),
        ))));
        Sink {
            nodes: RefCell::new(nodes),
            depth: Cell::new(0),
        }
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

impl Sink {
    fn new_node(&self, data: Data) -> Id {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node::new(data));
        (nodes.len() - 1) as Id
    }

    fn detach(nodes: &mut [Node], id: Id) {
        let (parent, prev, next) = {
            let n = &nodes[id as usize];
            (n.parent, n.prev, n.next)
        };
        if parent == NONE {
            return;
        }
        if prev != NONE {
            nodes[prev as usize].next = next;
        } else {
            nodes[parent as usize].first_child = next;
        }
        if next != NONE {
            nodes[next as usize].prev = prev;
        } else {
            nodes[parent as usize].last_child = prev;
        }
        let n = &mut nodes[id as usize];
        n.parent = NONE;
        n.prev = NONE;
        n.next = NONE;
    }

    fn append_node(&self, nodes: &mut [Node], parent: Id, child: Id) {
        Self::detach(nodes, child);
        let last = nodes[parent as usize].last_child;
        let depth = nodes[parent as usize].depth + 1;
        {
            let c = &mut nodes[child as usize];
            c.parent = parent;
            c.prev = last;
            c.depth = depth;
        }
        if last != NONE {
            nodes[last as usize].next = child;
        } else {
            nodes[parent as usize].first_child = child;
        }
        nodes[parent as usize].last_child = child;
        let is_element = matches!(nodes[child as usize].data, Data::Element(_));
        self.depth.set(if is_element { depth } else { depth - 1 });
    }

    fn insert_before_node(&self, nodes: &mut [Node], sibling: Id, child: Id) {
        Self::detach(nodes, child);
        let parent = nodes[sibling as usize].parent;
        if parent == NONE {
            return;
        }
        let prev = nodes[sibling as usize].prev;
        {
            let depth = nodes[parent as usize].depth + 1;
            let c = &mut nodes[child as usize];
            c.parent = parent;
            c.prev = prev;
            c.next = sibling;
            c.depth = depth;
        }
        nodes[sibling as usize].prev = child;
        if prev != NONE {
            nodes[prev as usize].next = child;
        } else {
            nodes[parent as usize].first_child = child;
        }
    }

    /// Appends text to `parent`'s last child when that is text, else makes a text node.
    fn text_or_node(
        &self,
        nodes: &mut Vec<Node>,
        previous: Id,
        child: NodeOrText<Id>,
    ) -> Option<Id> {
        match child {
            NodeOrText::AppendNode(id) => Some(id),
            NodeOrText::AppendText(text) => {
                if previous != NONE
                    && let Data::Text(existing) = &mut nodes[previous as usize].data
                {
                    existing.push_tendril(&text);
                    return None;
                }
                nodes.push(Node::new(Data::Text(text)));
                Some((nodes.len() - 1) as Id)
            }
        }
    }
}

impl TreeSink for Sink {
    type Handle = Id;
    type Output = Self;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Self {
        self
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Id {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a Id) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |nodes| {
            match &nodes[*target as usize].data {
                Data::Element(e) => &e.name,
                _ => match &nodes[0].data {
                    Data::Document(name) => name,
                    _ => unreachable!("node 0 is the document"),
                },
            }
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _flags: ElementFlags) -> Id {
        let tag = Tag::of(&name);
        self.new_node(Data::Element(Element { tag, name, attrs }))
    }

    fn create_comment(&self, _text: StrTendril) -> Id {
        self.new_node(Data::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Id {
        self.new_node(Data::Other)
    }

    fn append(&self, parent: &Id, child: NodeOrText<Id>) {
        let mut nodes = self.nodes.borrow_mut();
        let last = nodes[*parent as usize].last_child;
        if let Some(id) = self.text_or_node(&mut nodes, last, child) {
            self.append_node(&mut nodes, *parent, id);
        } else {
            let depth = nodes[*parent as usize].depth;
            self.depth.set(depth);
        }
    }

    fn append_based_on_parent_node(&self, element: &Id, prev_element: &Id, child: NodeOrText<Id>) {
        let has_parent = self.nodes.borrow()[*element as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &Id) -> Id {
        // Template contents are never rendered: the template element itself holds them.
        *target
    }

    fn same_node(&self, x: &Id, y: &Id) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Id, child: NodeOrText<Id>) {
        let mut nodes = self.nodes.borrow_mut();
        let prev = nodes[*sibling as usize].prev;
        if let Some(id) = self.text_or_node(&mut nodes, prev, child) {
            self.insert_before_node(&mut nodes, *sibling, id);
        }
    }

    fn add_attrs_if_missing(&self, target: &Id, attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        if let Data::Element(e) = &mut nodes[*target as usize].data {
            for attr in attrs {
                if !e.attrs.iter().any(|a| a.name == attr.name) {
                    e.attrs.push(attr);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &Id) {
        Self::detach(&mut self.nodes.borrow_mut(), *target);
    }

    fn reparent_children(&self, node: &Id, new_parent: &Id) {
        let mut nodes = self.nodes.borrow_mut();
        let mut child = nodes[*node as usize].first_child;
        while child != NONE {
            let next = nodes[child as usize].next;
            self.append_node(&mut nodes, *new_parent, child);
            child = next;
        }
    }
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
        let fast = |html: &str| build_fast(&StrTendril::from_slice(html), 8).is_some();
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
