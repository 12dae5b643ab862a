//! Block handlers: paragraphs and other boxes, headings, quotes, rules, code blocks,
//! display math.

use super::out::{Block, Container, MarkKind, Ws};
use super::parse::{Data, Element, Id, Tag};
use super::walk::{Walker, is_hidden};

impl Walker<'_> {
    /// A box that starts and ends a paragraph (`p`, `div`, `section`, ...).
    pub(super) fn block(&mut self, id: Id, ws: Ws) {
        self.out.block_boundary();
        self.children(id, ws);
        self.out.block_boundary();
    }

    /// `dt` and `summary`: a bold paragraph.
    pub(super) fn strong_block(&mut self, id: Id, ws: Ws) {
        self.out.block_boundary();
        self.out.open_mark(MarkKind::Strong, "**", "**".into());
        self.children(id, ws);
        self.out.close_mark();
        self.out.block_boundary();
    }

    pub(super) fn heading(&mut self, id: Id, level: u8, ws: Ws) {
        self.out.block_boundary();
        let mut prefix = "#".repeat(level as usize);
        prefix.push(' ');
        self.out.set_block_prefix(prefix, Block::Heading);
        let single = self.out.single_line;
        self.out.single_line = true;
        self.children(id, ws);
        self.out.single_line = single;
        self.out.end_heading();
    }

    pub(super) fn blockquote(&mut self, id: Id, ws: Ws) {
        self.out.block_boundary();
        self.out.set_next_kind(Block::Quote);
        self.out.push_container(Container::Quote);
        self.children(id, ws);
        self.out.pop_container();
        self.out.block_boundary();
    }

    pub(super) fn rule(&mut self) {
        self.out.block_boundary();
        // In a list item, `- ---` would be one thematic break ending the list.
        let line = if self.out.in_item() { "***" } else { "---" };
        self.out.block_line(Block::Rule, line);
        self.out.block_boundary();
    }

    /// `<pre>`: a fenced code block of its text, `<br>`s as newlines.
    pub(super) fn pre(&mut self, id: Id, el: &Element) {
        let mut code = String::new();
        self.collect_pre_text(id, &mut code);
        let lang = self.code_language(id, el);
        self.code_block(&code, &lang);
    }

    pub(super) fn code_block(&mut self, code: &str, lang: &str) {
        let code: String = code
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .chars()
            .filter(|&c| !super::escape::is_hidden_control(c) && !matches!(c, '\x0b' | '\x0c'))
            .collect();
        // The fence's closing line ends the last line: one final newline is implied,
        // more are blank lines of the code. (The parser already dropped the newline
        // that may follow `<pre>`.)
        let code = code.strip_suffix('\n').unwrap_or(&code);
        let visible = self.out.visible;
        let mut longest = 0;
        let mut run = 0;
        for c in code.chars() {
            if c == '`' {
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
        }
        let fence = "`".repeat((longest + 1).max(3));
        self.out.block_boundary();
        self.out.block_line(Block::Fence, &format!("{fence}{lang}"));
        if !code.is_empty() {
            for line in code.split('\n') {
                self.out.newline(line.is_empty());
                self.out.buf.push_str(line);
            }
        }
        self.out.newline(false);
        self.out.buf.push_str(&fence);
        self.out.block_boundary();
        // An empty code block keeps its place, but is not content to save.
        self.out.visible = visible || !code.trim().is_empty();
    }

    /// The text of a `pre` as the browser lays it out: `<br>` and block boundaries are
    /// newlines. Iterative, so any depth is fine.
    fn collect_pre_text(&self, id: Id, code: &mut String) {
        let dom = self.dom;
        // (node, leaving): block elements add a newline on both sides.
        let mut stack: Vec<(Id, bool)> = dom.children(id).map(|c| (c, false)).collect();
        stack.reverse();
        while let Some((id, leaving)) = stack.pop() {
            if leaving {
                if !code.is_empty() && !code.ends_with('\n') {
                    code.push('\n');
                }
                continue;
            }
            match &dom.node(id).data {
                Data::Text(t) => code.push_str(t),
                Data::Element(el) => {
                    if is_hidden(el) || matches!(el.tag, Tag::Skip | Tag::Script | Tag::Svg) {
                        continue;
                    }
                    if el.tag == Tag::Br {
                        code.push('\n');
                        continue;
                    }
                    let block = el.tag.is_block();
                    if block {
                        if !code.is_empty() && !code.ends_with('\n') {
                            code.push('\n');
                        }
                        stack.push((id, true));
                    }
                    let start = stack.len();
                    stack.extend(dom.children(id).map(|c| (c, false)));
                    stack[start..].reverse();
                }
                _ => {}
            }
        }
    }

    /// The language of a code block: `language-x`, `lang-x`, `highlight-source-x`,
    /// `brush: x` classes or `data-lang` on the `pre`, its first `code`, or its parent.
    fn code_language(&self, id: Id, el: &Element) -> String {
        let dom = self.dom;
        let mut candidates: Vec<&Element> = vec![el];
        let mut stack: Vec<Id> = dom.children(id).collect();
        let mut seen = 0;
        while let Some(c) = stack.pop() {
            seen += 1;
            if seen > 64 {
                break;
            }
            if let Some(e) = dom.element(c) {
                if e.tag == Tag::Code {
                    candidates.push(e);
                    break;
                }
                stack.extend(dom.children(c));
            }
        }
        if let Some(parent) = dom.element(dom.node(id).parent) {
            candidates.push(parent);
        }
        for e in candidates {
            for attr in ["data-lang", "data-language"] {
                if let Some(v) = e.attr(attr) {
                    let lang = clean_language(v);
                    if !lang.is_empty() {
                        return lang;
                    }
                }
            }
            if let Some(class) = e.attr("class") {
                let mut words = class.split_ascii_whitespace().peekable();
                while let Some(word) = words.next() {
                    let found = ["language-", "lang-", "highlight-source-"]
                        .iter()
                        .find_map(|p| word.strip_prefix(p))
                        .or_else(|| (word == "brush:").then(|| words.peek().copied()).flatten())
                        .or_else(|| word.strip_prefix("brush:").filter(|w| !w.is_empty()));
                    if let Some(found) = found {
                        let lang = clean_language(found);
                        if !lang.is_empty() {
                            return lang;
                        }
                    }
                }
            }
        }
        String::new()
    }

    /// `$$…$$` on its own paragraph.
    pub(super) fn display_math(&mut self, tex: &str) {
        let lines: Vec<&str> = tex
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .collect();
        if lines.is_empty() {
            return;
        }
        self.out.block_boundary();
        self.out.block_line(Block::Other, "$$");
        for line in lines {
            self.out.newline(false);
            self.out.buf.push_str(line.trim_start());
        }
        self.out.newline(false);
        self.out.buf.push_str("$$");
        self.out.block_boundary();
    }
}

/// An info string: the language as written (any script), without what would end or
/// break the fence line (whitespace, backticks, controls), and without the `;` that
/// SyntaxHighlighter's `brush: js;` ends with.
pub(super) fn clean_language(s: &str) -> String {
    let s = match s.trim_end_matches(';') {
        "" => s,
        trimmed => trimmed,
    };
    s.chars()
        .filter(|&c| !c.is_whitespace() && !c.is_control() && c != '`')
        .take(32)
        .collect::<String>()
        .to_lowercase()
}
