//! Walk stage: one pass over the tree, dispatching each element to its handler
//! (`block`, `inline`, `list`, `table`), all writing into one [`Out`].

use super::Options;
use super::out::{Out, Ws};
use super::parse::{Data, Dom, Element, Id, Tag};

/// Recursion stops here; deeper content is written as flat text. The parser already caps
/// nesting at [`super::parse::MAX_PARSE_DEPTH`]; this is the backstop that keeps the walk's
/// stack bounded whatever the tree.
pub(crate) const MAX_WALK_DEPTH: usize = 600;

pub(crate) struct Walker<'a> {
    pub dom: &'a Dom,
    pub out: Out,
    pub base: &'a str,
    pub opts: &'a Options,
    depth: usize,
    /// Where and how the last list ended, to keep an adjacent list apart from it.
    pub last_list: Option<(usize, usize, bool, char)>,
}

impl<'a> Walker<'a> {
    pub(crate) fn new(
        dom: &'a Dom,
        base: &'a str,
        opts: &'a Options,
        capacity: usize,
    ) -> Walker<'a> {
        Walker {
            dom,
            out: Out::new(capacity),
            base,
            opts,
            depth: 0,
            last_list: None,
        }
    }

    pub(crate) fn children(&mut self, id: Id, ws: Ws) {
        let dom = self.dom;
        for child in dom.children(id) {
            self.node(child, ws);
        }
    }

    pub(crate) fn node(&mut self, id: Id, ws: Ws) {
        let dom = self.dom;
        match &dom.node(id).data {
            Data::Text(text) => self.out.text(text, ws),
            Data::Element(el) => {
                if self.depth >= MAX_WALK_DEPTH {
                    self.flat_text(id, ws);
                    return;
                }
                self.depth += 1;
                self.element(id, el, ws);
                self.depth -= 1;
            }
            Data::Document => self.children(id, ws),
            Data::Other => {}
        }
    }

    /// The text of a subtree, without structure and without recursion.
    fn flat_text(&mut self, id: Id, ws: Ws) {
        let dom = self.dom;
        let mut stack = vec![id];
        while let Some(id) = stack.pop() {
            match &dom.node(id).data {
                Data::Text(text) => self.out.text(text, ws),
                Data::Element(el) if is_hidden(el) => {}
                _ => {
                    let start = stack.len();
                    stack.extend(dom.children(id));
                    stack[start..].reverse();
                }
            }
        }
    }

    fn element(&mut self, id: Id, el: &Element, ws: Ws) {
        if is_hidden(el) {
            return;
        }
        let ws = match el.attr("data-qb-ws") {
            Some("pre" | "pre-wrap" | "break-spaces") => Ws::Pre,
            Some("pre-line") => Ws::PreLine,
            Some("normal" | "nowrap") => Ws::Normal,
            _ => ws,
        };
        match el.tag {
            Tag::Skip | Tag::Svg | Tag::Source | Tag::Wbr | Tag::Input | Tag::Annotation => {}
            Tag::Script => self.script(id, el),
            Tag::P
            | Tag::Div
            | Tag::Figure
            | Tag::Figcaption
            | Tag::Details
            | Tag::Dl
            | Tag::Dd
            | Tag::Caption
            | Tag::Thead
            | Tag::Tbody
            | Tag::Tfoot
            | Tag::Tr => self.block(id, ws),
            Tag::Td | Tag::Th => {
                self.out.space();
                self.children(id, ws);
                self.out.space();
            }
            Tag::Summary | Tag::Dt => self.strong_block(id, ws),
            Tag::H(level) => self.heading(id, level, ws),
            Tag::Blockquote => self.blockquote(id, ws),
            Tag::Pre => self.pre(id, el),
            Tag::Ul | Tag::Ol => self.list(id, el, ws),
            Tag::Li => self.stray_item(id, ws),
            Tag::Hr => self.rule(),
            Tag::Table => self.table(id, ws),
            Tag::Br => self.out.hard_break(),
            Tag::A => self.link(id, el, ws),
            Tag::Img => self.image(el),
            Tag::Strong | Tag::Em | Tag::Del => self.emphasis(id, el.tag, ws),
            Tag::Code => self.code(id, el, ws),
            Tag::Kbd => self.kbd(id, ws),
            Tag::Sup | Tag::Sub | Tag::Mark | Tag::U => self.allowlisted(id, el, ws),
            Tag::Math => self.mathml(id, el, ws),
            Tag::Picture => self.picture(id, ws),
            Tag::Span | Tag::Other => self.span(id, el, ws),
        }
    }
}

/// Elements the page does not show: `hidden`, or an inline `display: none`.
pub(crate) fn is_hidden(el: &Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    el.attr("style").is_some_and(|style| {
        style.split(';').any(|decl| {
            let mut parts = decl.splitn(2, ':');
            let (Some(prop), Some(value)) = (parts.next(), parts.next()) else {
                return false;
            };
            prop.trim().eq_ignore_ascii_case("display")
                && value
                    .trim()
                    .trim_end_matches("!important")
                    .trim()
                    .eq_ignore_ascii_case("none")
        })
    })
}
