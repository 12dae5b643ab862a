//! A lenient tree builder on our own tokenizer (`crate::tokenizer`), for HTML that a
//! browser serialised from a DOM: there end tags always match their start tags, so
//! trusting them rebuilds the tree the DOM had. Hand-written HTML gets the implied end
//! tags it usually relies on: a `p` closed by a block's start, `li` by the next `li`,
//! `dt`/`dd` by the next of either, `tr`/`td`/`th` and table sections by the next of
//! their kind, `option` by the next one. An end tag closes up to the matching open
//! element when there is one and is ignored otherwise; void elements never open. No
//! foster parenting, no adoption agency, no implied `tbody`: where the standard's tree
//! builder rearranges malformed input, this one keeps it as written.
//!
//! Nesting deeper than [`MAX_PARSE_DEPTH`] flattens into the deepest element, as in
//! [`super::parse`].

use super::{Attr, Data, Element, Id, MAX_PARSE_DEPTH, NONE, Node, Ns, Tag};
use crate::tokenizer::{TextKind, Token, Tokenizer, normalize_newlines};

/// Elements that have no content and no end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Start tags that close an open `p` (the standard's "in body" list).
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "header"
            | "hgroup"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "search"
            | "section"
            | "summary"
            | "ul"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "listing"
            | "li"
            | "dd"
            | "dt"
            | "plaintext"
            | "table"
            | "hr"
            | "xmp"
    )
}

/// What an open element is to the implied end tags: one of the elements they close, a
/// boundary they do not close across, or neither.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    P,
    Li,
    Dd,
    Dt,
    Td,
    Th,
    Tr,
    Section,
    Table,
    List,
    Dl,
    Option,
    Optgroup,
    /// The search for an element to close implicitly stops here.
    Boundary,
    Other,
}

impl Key {
    fn of(name: &str) -> Key {
        match name {
            "p" => Key::P,
            "li" => Key::Li,
            "dd" => Key::Dd,
            "dt" => Key::Dt,
            "td" => Key::Td,
            "th" => Key::Th,
            "tr" => Key::Tr,
            "thead" | "tbody" | "tfoot" => Key::Section,
            "table" => Key::Table,
            "ul" | "ol" | "menu" | "dir" => Key::List,
            "dl" => Key::Dl,
            "option" => Key::Option,
            "optgroup" => Key::Optgroup,
            "html" | "caption" | "button" | "object" | "template" | "marquee" | "applet"
            | "select" | "svg" | "math" => Key::Boundary,
            _ => Key::Other,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Space {
    Html,
    Svg,
    MathMl,
}

struct Open {
    id: Id,
    name: Box<str>,
    key: Key,
    space: Space,
}

fn append(nodes: &mut Vec<Node>, parent: Id, data: Data) -> Id {
    let id = nodes.len() as Id;
    let parent_node = &mut nodes[parent as usize];
    let prev = parent_node.last_child;
    let depth = parent_node.depth + 1;
    if prev == NONE {
        parent_node.first_child = id;
    } else {
        nodes[prev as usize].next = id;
    }
    nodes[parent as usize].last_child = id;
    let mut node = Node::new(data);
    node.parent = parent;
    node.prev = prev;
    node.depth = depth;
    nodes.push(node);
    id
}

/// Closes (pops) the open elements down to and including the topmost one whose key is
/// in `keys`, unless a boundary (a table, a cell, or one of `stops`) comes first.
fn close_implied(stack: &mut Vec<Open>, keys: &[Key], stops: &[Key]) {
    for i in (1..stack.len()).rev() {
        let key = stack[i].key;
        if keys.contains(&key) {
            stack.truncate(i);
            return;
        }
        if matches!(key, Key::Boundary | Key::Table | Key::Td | Key::Th) || stops.contains(&key) {
            return;
        }
    }
}

/// The tree of `html` (document node first, then an `html` element holding the content).
pub(super) fn build(html: &str, capacity: usize) -> Vec<Node> {
    let input = normalize_newlines(html);
    let mut tokens = Tokenizer::new(&input);
    let mut nodes = Vec::with_capacity(capacity);
    nodes.push(Node::new(Data::Document));
    let root = append(
        &mut nodes,
        0,
        Data::Element(Element {
            tag: Tag::of(Ns::Html, "html"),
            ns: Ns::Html,
            name: "html".into(),
            attrs: Vec::new(),
        }),
    );
    let mut stack = vec![Open {
        id: root,
        name: "html".into(),
        key: Key::Boundary,
        space: Space::Html,
    }];
    let mut drop_lf = false;
    while let Some(token) = tokens.next_token() {
        let after_pre = std::mem::take(&mut drop_lf);
        match token {
            Token::Text(text) => {
                let text = if after_pre {
                    text.strip_prefix('\n').unwrap_or(&text).to_owned()
                } else {
                    text.into_owned()
                };
                if text.is_empty() {
                    continue;
                }
                // Text that is more than white space never sits in a table, a section or
                // a row (the walker reads none there): it goes to the nearest element
                // that can hold it (a deep-nesting cut can leave a table on top).
                let holder = if text.bytes().all(|b| b.is_ascii_whitespace()) {
                    stack.last()
                } else {
                    stack
                        .iter()
                        .rev()
                        .find(|o| !matches!(o.key, Key::Table | Key::Section | Key::Tr))
                };
                let current = holder.map_or(root, |o| o.id);
                let last = nodes[current as usize].last_child;
                if last != NONE
                    && let Data::Text(existing) = &mut nodes[last as usize].data
                {
                    existing.push_str(&text);
                } else {
                    append(&mut nodes, current, Data::Text(text));
                }
            }
            Token::Comment(_) => {
                let current = stack.last().map_or(root, |o| o.id);
                append(&mut nodes, current, Data::Other);
            }
            Token::Doctype => {}
            Token::Start(tag) => {
                let name: &str = &tag.name;
                let parent_space = stack.last().map_or(Space::Html, |o| o.space);
                let parent_name = stack.last().map(|o| &*o.name);
                let space = match name {
                    "svg" => Space::Svg,
                    "math" => Space::MathMl,
                    _ => match (parent_space, parent_name) {
                        (Space::Svg, Some("foreignobject" | "desc" | "title")) => Space::Html,
                        (Space::MathMl, Some("annotation-xml" | "mi" | "mo" | "mn" | "ms"))
                        | (Space::MathMl, Some("mtext")) => Space::Html,
                        (space, _) => space,
                    },
                };
                let void = if space == Space::Html {
                    is_void(name)
                } else {
                    tag.self_closing
                };
                if !void && stack.len() >= MAX_PARSE_DEPTH as usize {
                    // Too deep: the element's content goes to the deepest one.
                    tokens.set_text_kind(TextKind::Data);
                    continue;
                }
                if space == Space::Html {
                    if matches!(name, "html" | "head" | "body" | "frameset") {
                        // The fragment's context is a body: these make no element.
                        continue;
                    }
                    if closes_p(name) {
                        close_implied(&mut stack, &[Key::P], &[]);
                    }
                    match Key::of(name) {
                        Key::Li => close_implied(&mut stack, &[Key::Li], &[Key::List]),
                        Key::Dd | Key::Dt => {
                            close_implied(&mut stack, &[Key::Dd, Key::Dt], &[Key::Dl])
                        }
                        // A cell is a boundary: only the top element can be one.
                        Key::Td | Key::Th
                            if stack
                                .last()
                                .is_some_and(|o| matches!(o.key, Key::Td | Key::Th)) =>
                        {
                            stack.pop();
                        }
                        // A cell straight in a table or a section gets the row it implies
                        // (the walker reads cells in rows only).
                        Key::Td | Key::Th
                            if stack
                                .last()
                                .is_some_and(|o| matches!(o.key, Key::Table | Key::Section)) =>
                        {
                            let current = stack.last().map_or(root, |o| o.id);
                            let id = append(
                                &mut nodes,
                                current,
                                Data::Element(Element {
                                    tag: Tag::Tr,
                                    ns: Ns::Html,
                                    name: "tr".into(),
                                    attrs: Vec::new(),
                                }),
                            );
                            stack.push(Open {
                                id,
                                name: "tr".into(),
                                key: Key::Tr,
                                space: Space::Html,
                            });
                        }
                        Key::Tr => {
                            if stack
                                .last()
                                .is_some_and(|o| matches!(o.key, Key::Td | Key::Th))
                            {
                                stack.pop();
                            }
                            close_implied(&mut stack, &[Key::Tr], &[Key::Section]);
                        }
                        Key::Section => {
                            // Past any open row or cell, up to the table.
                            let table = stack.iter().rposition(|o| o.key == Key::Table);
                            if let Some(t) = table
                                && stack[t + 1..].iter().all(|o| {
                                    matches!(o.key, Key::Section | Key::Tr | Key::Td | Key::Th)
                                })
                            {
                                stack.truncate(t + 1);
                            }
                        }
                        Key::Option => close_implied(&mut stack, &[Key::Option], &[]),
                        Key::Optgroup => {
                            close_implied(&mut stack, &[Key::Option, Key::Optgroup], &[])
                        }
                        _ => {}
                    }
                }
                let ns = match space {
                    Space::Html => Ns::Html,
                    Space::Svg => Ns::Svg,
                    Space::MathMl => Ns::MathMl,
                };
                let attrs = tag
                    .attrs
                    .iter()
                    .map(|a| Attr {
                        name: (*a.name).into(),
                        foreign: false,
                        value: (*a.value).into(),
                    })
                    .collect();
                let current = stack.last().map_or(root, |o| o.id);
                let id = append(
                    &mut nodes,
                    current,
                    Data::Element(Element {
                        tag: Tag::of(ns, name),
                        ns,
                        name: name.into(),
                        attrs,
                    }),
                );
                if space != Space::Html {
                    tokens.set_text_kind(TextKind::Data);
                }
                tokens.set_foreign(space != Space::Html);
                if !void {
                    stack.push(Open {
                        id,
                        key: Key::of(name),
                        name: name.into(),
                        space,
                    });
                    drop_lf =
                        space == Space::Html && matches!(name, "pre" | "listing" | "textarea");
                } else {
                    tokens.set_text_kind(TextKind::Data);
                }
            }
            Token::End(name) => {
                if let Some(i) = stack.iter().rposition(|o| *o.name == *name)
                    && i > 0
                {
                    stack.truncate(i);
                    let space = stack.last().map_or(Space::Html, |o| o.space);
                    tokens.set_foreign(space != Space::Html);
                }
            }
        }
    }
    nodes
}
