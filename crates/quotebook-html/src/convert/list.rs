//! List handlers: `ul`, `ol` (with `start`, `reversed`, `value`), stray `li`s, and lists
//! nested directly in lists.

use super::out::{Block, Container, Ws};
use super::parse::{Data, Element, Id, Tag};
use super::walk::Walker;

/// The largest number CommonMark accepts in an ordered list marker.
const MAX_NUMBER: i64 = 999_999_999;

impl Walker<'_> {
    pub(super) fn list(&mut self, id: Id, el: &Element, ws: Ws) {
        let dom = self.dom;
        let ordered = el.tag == Tag::Ol;
        self.out.block_boundary();
        // A list directly after another one of its kind would merge with it: switch the
        // bullet (`-`/`*`) or the delimiter (`.`/`)`).
        let follows_list = self.last_list.is_some_and(|(len, depth, was_ordered, _)| {
            len == self.out.buf.len() && depth == self.out.depth() && was_ordered == ordered
        });
        let previous = self.last_list.map(|(.., c)| c);
        let mut marker_char = match (ordered, follows_list, previous) {
            (false, true, Some('-')) => '*',
            (false, _, _) => '-',
            (true, true, Some('.')) => ')',
            (true, _, _) => '.',
        };
        let items = || dom.children(id).filter(|&c| dom.tag(c) == Some(Tag::Li));
        let loose = items().any(|li| dom.children(li).any(|c| dom.tag(c) == Some(Tag::P)));
        let tight = !loose;
        let reversed = ordered && el.attr("reversed").is_some();
        let start = el.attr("start").and_then(parse_number);
        let mut expected = start.unwrap_or(if reversed { items().count() as i64 } else { 1 });
        let mut first = true;
        let mut last_width = 0;
        // Markdown numbers each item one more than the one before.
        let mut markdown_next = expected;
        for child in dom.children(id) {
            match &dom.node(child).data {
                Data::Text(t) if t.trim().is_empty() => continue,
                Data::Other => continue,
                _ => {}
            }
            let child_el = dom.element(child);
            if child_el.is_some_and(|e| e.tag == Tag::Li) {
                let li = child_el.unwrap_or(el);
                let number = li.attr("value").and_then(parse_number).unwrap_or(expected);
                let mut gap = if first || loose { 2 } else { 1 };
                if ordered && !first && number != markdown_next {
                    // Markdown numbers items one by one: a jump starts a new list.
                    marker_char = if marker_char == '.' { ')' } else { '.' };
                    gap = 2;
                }
                let marker = if ordered {
                    format!("{number}{marker_char} ")
                } else {
                    format!("{marker_char} ")
                };
                self.out.end_inline();
                self.out.request(gap);
                if first || gap == 2 {
                    self.out.set_next_kind(Block::List {
                        interrupts: !ordered || number == 1,
                    });
                }
                last_width = marker.len();
                self.out.push_container(Container::Item {
                    marker,
                    written: false,
                    tight,
                });
                self.children(child, ws);
                self.out.pop_container();
                expected = if reversed { number - 1 } else { number + 1 }.clamp(0, MAX_NUMBER);
                markdown_next = number + 1;
                first = false;
            } else if last_width > 0 {
                // A list (or anything) directly inside the list belongs to the item before.
                self.out.end_inline();
                self.out.request(if tight { 1 } else { 2 });
                self.out.push_container(Container::Indent {
                    width: last_width,
                    tight,
                });
                self.node(child, ws);
                self.out.pop_container();
            } else {
                self.node(child, ws);
            }
        }
        self.out.block_boundary();
        self.last_list = Some((self.out.buf.len(), self.out.depth(), ordered, marker_char));
    }

    /// An `li` outside any list: a bullet item.
    pub(super) fn stray_item(&mut self, id: Id, ws: Ws) {
        self.out.block_boundary();
        self.out.set_next_kind(Block::List { interrupts: true });
        self.out.push_container(Container::Item {
            marker: "- ".into(),
            written: false,
            tight: true,
        });
        self.children(id, ws);
        self.out.pop_container();
        self.out.block_boundary();
    }
}

fn parse_number(s: &str) -> Option<i64> {
    let n: i64 = s.trim().parse().ok()?;
    Some(n.clamp(0, MAX_NUMBER))
}
