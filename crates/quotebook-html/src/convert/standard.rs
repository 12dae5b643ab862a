//! The standard's parse, in every build: html5ever's tokenizer and tree builder
//! (and the fast tokenizer of `tokenize.rs` with the quick builder of `quick.rs` in front)
//! fill the arena of [`super`], its names and text converted to our own types.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};

use html5ever::interface::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts};
use html5ever::{Attribute, LocalName, QualName, local_name, ns};

use super::super::tokenize::Switch;
use super::quick;
use super::{Attr, Data, Dom, Element, Id, MAX_PARSE_DEPTH, NONE, Node, Ns, Tag};

/// [`super::parse`] with html5ever's own tokenizer only (the reference for the fast path).
pub fn parse_standard(html: &str) -> Dom {
    parse_impl(html, false)
}

/// An element of the arena from html5ever's name and attributes.
pub(super) fn element(name: &QualName, attrs: &[Attribute]) -> Element {
    let ns = if name.ns == ns!(svg) {
        Ns::Svg
    } else if name.ns == ns!(mathml) {
        Ns::MathMl
    } else {
        Ns::Html
    };
    Element {
        tag: Tag::of(ns, &name.local),
        name: (*name.local).into(),
        attrs: attrs.iter().map(attr).collect(),
    }
}

fn attr(a: &Attribute) -> Attr {
    Attr {
        name: (*a.name.local).into(),
        foreign: a.name.ns != ns!(),
        value: (*a.value).into(),
    }
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
pub(super) fn build_fast(input: &StrTendril, capacity: usize) -> Option<Vec<Node>> {
    let (tokens, switches) = super::super::tokenize::tokenize(input)?;
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

pub(super) fn parse_impl(html: &str, fast: bool) -> Dom {
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
    Dom::from_nodes(nodes)
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
    /// html5ever's names of the elements, by node (the tree builder asks for them); the
    /// document's (empty) name at 0 answers for the other nodes.
    names: RefCell<Vec<QualName>>,
}

impl Sink {
    fn with_capacity(capacity: usize) -> Sink {
        let mut nodes = Vec::with_capacity(capacity);
        nodes.push(Node::new(Data::Document));
        let mut names = Vec::with_capacity(capacity);
        names.push(QualName::new(None, ns!(), local_name!("")));
        Sink {
            nodes: RefCell::new(nodes),
            depth: Cell::new(0),
            names: RefCell::new(names),
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
                    existing.push_str(&text);
                    return None;
                }
                nodes.push(Node::new(Data::Text(String::from(&*text))));
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
        Ref::map(self.names.borrow(), |names| {
            names.get(*target as usize).unwrap_or(&names[0])
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _flags: ElementFlags) -> Id {
        let id = self.new_node(Data::Element(element(&name, &attrs)));
        let mut names = self.names.borrow_mut();
        let empty = names[0].clone();
        names.resize(id as usize, empty);
        names.push(name);
        id
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
            for attr in attrs.iter().map(attr) {
                if !e
                    .attrs
                    .iter()
                    .any(|a| a.name == attr.name && a.foreign == attr.foreign)
                {
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
