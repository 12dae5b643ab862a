//! A tree builder for the common, well-formed shape of HTML: every end tag closes the
//! current element, no element is closed implicitly, no table content is moved out of
//! its table. For such input the HTML standard's tree construction reduces to "append
//! to the current element", which this does without html5ever's tree builder (its
//! per-token bookkeeping is most of the parse time).
//!
//! Anything else gives up (`None`) and the caller runs html5ever's tree builder on the
//! same tokens: an end tag that is not the current element's, a start tag the standard
//! gives special treatment (`html`, `body`, forms, `select`, `nobr`, ruby annotations,
//! `svg`, `math`, raw-text elements...), a block that would close an open `p`, an `li`
//! that would close an open `li`, an `a` inside an `a`, a `tr` straight in a `table`,
//! text or an unexpected tag in a table, nesting near [`MAX_PARSE_DEPTH`]. Tests compare
//! the trees of both builders.

use html5ever::tokenizer::{TagKind, Token};
use html5ever::{LocalName, QualName, local_name, ns};

use super::standard::element;
use super::{Data, Element, Id, MAX_PARSE_DEPTH, NONE, Node, Ns, Tag};

/// How the standard's "in body" rules treat a start tag.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Closes an open `p` (`div`, `ul`, `blockquote`...).
    Block,
    Heading,
    /// `pre`, `listing`: a newline right after the start tag is dropped.
    Pre,
    ListItem,
    DefinitionItem,
    A,
    Void,
    /// `hr`: void, and closes an open `p`.
    Rule,
    Table,
    Caption,
    ColumnGroup,
    Column,
    TableSection,
    Row,
    Cell,
    /// Inserted as is ("any other start tag", and the formatting elements).
    Ordinary,
    /// Raw text follows (`iframe`, `style`, `script`, `title`...): the fast tokenizer cut
    /// it as one text token.
    Raw,
    /// `textarea`: raw text, and a newline right after the start tag is dropped.
    TextArea,
    /// Left to html5ever.
    Unsupported,
}

fn kind(name: &LocalName) -> Kind {
    match *name {
        local_name!("address")
        | local_name!("article")
        | local_name!("aside")
        | local_name!("blockquote")
        | local_name!("center")
        | local_name!("details")
        | local_name!("dialog")
        | local_name!("dir")
        | local_name!("div")
        | local_name!("dl")
        | local_name!("fieldset")
        | local_name!("figcaption")
        | local_name!("figure")
        | local_name!("footer")
        | local_name!("header")
        | local_name!("hgroup")
        | local_name!("main")
        | local_name!("nav")
        | local_name!("ol")
        | local_name!("p")
        | local_name!("search")
        | local_name!("section")
        | local_name!("summary")
        | local_name!("ul")
        | local_name!("menu") => Kind::Block,
        local_name!("h1")
        | local_name!("h2")
        | local_name!("h3")
        | local_name!("h4")
        | local_name!("h5")
        | local_name!("h6") => Kind::Heading,
        local_name!("pre") | local_name!("listing") => Kind::Pre,
        local_name!("li") => Kind::ListItem,
        local_name!("dd") | local_name!("dt") => Kind::DefinitionItem,
        local_name!("a") => Kind::A,
        local_name!("area")
        | local_name!("br")
        | local_name!("embed")
        | local_name!("img")
        | local_name!("keygen")
        | local_name!("wbr")
        | local_name!("input")
        | local_name!("param")
        | local_name!("source")
        | local_name!("track") => Kind::Void,
        local_name!("hr") => Kind::Rule,
        local_name!("table") => Kind::Table,
        local_name!("tbody") | local_name!("thead") | local_name!("tfoot") => Kind::TableSection,
        local_name!("tr") => Kind::Row,
        local_name!("caption") => Kind::Caption,
        local_name!("colgroup") => Kind::ColumnGroup,
        local_name!("col") => Kind::Column,
        local_name!("iframe")
        | local_name!("noembed")
        | local_name!("noframes")
        | local_name!("style")
        | local_name!("script")
        | local_name!("title") => Kind::Raw,
        local_name!("textarea") => Kind::TextArea,
        local_name!("td") | local_name!("th") => Kind::Cell,
        local_name!("html")
        | local_name!("head")
        | local_name!("body")
        | local_name!("frameset")
        | local_name!("frame")
        | local_name!("base")
        | local_name!("basefont")
        | local_name!("bgsound")
        | local_name!("link")
        | local_name!("meta")
        | local_name!("template")
        | local_name!("form")
        | local_name!("plaintext")
        | local_name!("button")
        | local_name!("nobr")
        | local_name!("applet")
        | local_name!("marquee")
        | local_name!("object")
        | local_name!("image")
        | local_name!("xmp")
        | local_name!("select")
        | local_name!("option")
        | local_name!("optgroup")
        | local_name!("rb")
        | local_name!("rtc")
        | local_name!("rp")
        | local_name!("rt")
        | local_name!("math")
        | local_name!("svg") => Kind::Unsupported,
        _ => Kind::Ordinary,
    }
}

/// The standard's "special" elements, less `address`, `div` and `p` (and the void ones,
/// never open): where the search for an `li` (or `dd`/`dt`) to close stops.
fn stops_item_search(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("applet")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("body")
            | local_name!("button")
            | local_name!("caption")
            | local_name!("center")
            | local_name!("colgroup")
            | local_name!("dd")
            | local_name!("details")
            | local_name!("dir")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("frameset")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("head")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("html")
            | local_name!("iframe")
            | local_name!("li")
            | local_name!("listing")
            | local_name!("main")
            | local_name!("marquee")
            | local_name!("menu")
            | local_name!("nav")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("noscript")
            | local_name!("object")
            | local_name!("ol")
            | local_name!("plaintext")
            | local_name!("pre")
            | local_name!("script")
            | local_name!("section")
            | local_name!("select")
            | local_name!("style")
            | local_name!("summary")
            | local_name!("table")
            | local_name!("tbody")
            | local_name!("td")
            | local_name!("template")
            | local_name!("textarea")
            | local_name!("tfoot")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("title")
            | local_name!("tr")
            | local_name!("ul")
            | local_name!("xmp")
    )
}

/// Whether a `p` is open in "button scope" (it would be closed by a block start tag).
fn p_in_button_scope(stack: &[(Id, LocalName)]) -> bool {
    for (_, name) in stack.iter().rev() {
        match *name {
            local_name!("p") => return true,
            local_name!("html")
            | local_name!("table")
            | local_name!("td")
            | local_name!("th")
            | local_name!("caption")
            | local_name!("applet")
            | local_name!("marquee")
            | local_name!("object")
            | local_name!("select")
            | local_name!("template")
            | local_name!("button") => return false,
            _ => {}
        }
    }
    false
}

fn is_table_context(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("table")
            | local_name!("colgroup")
            | local_name!("tbody")
            | local_name!("thead")
            | local_name!("tfoot")
            | local_name!("tr")
    )
}

fn append(nodes: &mut Vec<Node>, parent: Id, data: Data) -> Id {
    let id = nodes.len() as Id;
    let parent_node = &mut nodes[parent as usize];
    let prev = parent_node.last_child;
    let depth = parent_node.depth + 1;
    if prev == NONE {
        parent_node.first_child = id;
    }
    parent_node.last_child = id;
    if prev != NONE {
        nodes[prev as usize].next = id;
    }
    let mut node = Node::new(data);
    node.parent = parent;
    node.prev = prev;
    node.depth = depth;
    nodes.push(node);
    id
}

/// The tree of `tokens` (from the fast tokenizer), or `None` when they need html5ever's
/// tree builder.
pub(super) fn build(tokens: &[Token], capacity: usize) -> Option<Vec<Node>> {
    let mut nodes = Vec::with_capacity(capacity);
    nodes.push(Node::new(Data::Document));
    let html = append(
        &mut nodes,
        0,
        Data::Element(Element {
            tag: Tag::of(Ns::Html, "html"),
            name: "html".into(),
            attrs: Vec::new(),
        }),
    );
    let mut stack: Vec<(Id, LocalName)> = vec![(html, local_name!("html"))];
    let mut ignore_lf = false;
    for token in tokens {
        let after_pre = std::mem::take(&mut ignore_lf);
        let (mut current, current_name) = stack.last()?.clone();
        match token {
            Token::CharacterTokens(text) => {
                let mut text = text.clone();
                if after_pre && text.starts_with('\n') {
                    text.pop_front(1);
                }
                if text.is_empty() {
                    continue;
                }
                if is_table_context(&current_name)
                    && !text
                        .bytes()
                        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r'))
                {
                    // Foster parenting.
                    return None;
                }
                let last = nodes[current as usize].last_child;
                if last != NONE
                    && let Data::Text(existing) = &mut nodes[last as usize].data
                {
                    existing.push_str(&text);
                } else {
                    append(&mut nodes, current, Data::Text(String::from(&*text)));
                }
            }
            Token::CommentToken(_) => {
                append(&mut nodes, current, Data::Other);
            }
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                if stack.len() + 8 >= MAX_PARSE_DEPTH as usize {
                    return None;
                }
                let k = kind(&tag.name);
                let fits_table = match k {
                    Kind::TableSection | Kind::Caption | Kind::ColumnGroup => {
                        current_name == local_name!("table")
                    }
                    Kind::Column => current_name == local_name!("colgroup"),
                    Kind::Row => matches!(
                        current_name,
                        local_name!("tbody") | local_name!("thead") | local_name!("tfoot")
                    ),
                    Kind::Cell => current_name == local_name!("tr"),
                    _ => false,
                };
                let table_part = matches!(
                    k,
                    Kind::TableSection
                        | Kind::Row
                        | Kind::Cell
                        | Kind::Caption
                        | Kind::ColumnGroup
                        | Kind::Column
                );
                if (is_table_context(&current_name) || table_part) && !fits_table {
                    return None;
                }
                let closes_p = match k {
                    Kind::Unsupported => return None,
                    Kind::Block | Kind::Pre | Kind::Rule | Kind::Table => true,
                    Kind::Heading => {
                        if kind(&current_name) == Kind::Heading {
                            return None;
                        }
                        true
                    }
                    Kind::ListItem | Kind::DefinitionItem => {
                        for (_, name) in stack.iter().rev() {
                            let closes = if k == Kind::ListItem {
                                *name == local_name!("li")
                            } else {
                                matches!(*name, local_name!("dd") | local_name!("dt"))
                            };
                            if closes {
                                return None;
                            }
                            if stops_item_search(name) {
                                break;
                            }
                        }
                        true
                    }
                    Kind::A => {
                        if stack.iter().any(|(_, n)| *n == local_name!("a")) {
                            return None;
                        }
                        false
                    }
                    Kind::Void
                    | Kind::Ordinary
                    | Kind::Raw
                    | Kind::TextArea
                    | Kind::TableSection
                    | Kind::Row
                    | Kind::Cell
                    | Kind::Caption
                    | Kind::ColumnGroup
                    | Kind::Column => false,
                };
                if closes_p && p_in_button_scope(&stack) {
                    // The block closes the paragraph it starts in: done here only when
                    // the paragraph is the current element (else elements inside it
                    // close too, and formatting ones reopen: html5ever's business).
                    if current_name != local_name!("p") {
                        return None;
                    }
                    stack.pop();
                    let (parent, parent_name) = stack.last()?.clone();
                    if k == Kind::Heading && kind(&parent_name) == Kind::Heading {
                        return None;
                    }
                    current = parent;
                }
                let name = QualName::new(None, ns!(html), tag.name.clone());
                let id = append(
                    &mut nodes,
                    current,
                    Data::Element(element(&name, &tag.attrs)),
                );
                if !matches!(k, Kind::Void | Kind::Rule | Kind::Column) {
                    stack.push((id, tag.name.clone()));
                }
                ignore_lf = matches!(k, Kind::Pre | Kind::TextArea);
            }
            Token::TagToken(tag) => {
                // An end tag closes the current element, and nothing else.
                if stack.len() < 2 || tag.name != current_name {
                    return None;
                }
                stack.pop();
            }
            Token::EOFToken => break,
            _ => return None,
        }
    }
    Some(nodes)
}
