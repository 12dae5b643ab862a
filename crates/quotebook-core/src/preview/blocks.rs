//! The block structure of a Markdown document: containers (block quotes, lists, footnote
//! definitions) and leaves (paragraphs, headings, code, tables, raw HTML), line by line in the
//! manner of CommonMark's two-phase parse.

use std::collections::HashMap;

use super::inline::{normalize_label, parse_link_dest, parse_link_title, skip_spaces_nl};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Align {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug)]
pub(super) enum Kind {
    Document,
    Quote,
    List {
        ordered: bool,
        marker: u8,
        start: u64,
        tight: bool,
    },
    Item {
        indent: usize,
        line: usize,
    },
    Footnote(String),
    Para,
    Heading(u8),
    Rule,
    Fenced {
        marker: u8,
        len: usize,
        indent: usize,
        info: String,
    },
    Indented,
    Html(u8),
    Table(Vec<Align>),
}

pub(super) struct Node {
    pub kind: Kind,
    pub kids: Vec<usize>,
    pub lines: Vec<String>,
    parent: usize,
    open: bool,
    last_blank: bool,
}

pub(super) struct Link {
    pub dest: String,
    pub title: String,
}

pub(super) struct Doc {
    pub nodes: Vec<Node>,
    pub links: HashMap<String, Link>,
    pub footnotes: HashMap<String, ()>,
}

struct Parser {
    nodes: Vec<Node>,
    tip: usize,
    line_no: usize,
    links: HashMap<String, Link>,
    footnotes: HashMap<String, ()>,
}

/// Expands tabs in the leading run of indentation and container markers into spaces (tab
/// stops of four), so that the block phase can count columns in bytes.
fn expand_prefix(line: &str) -> String {
    if !line.contains('\t') {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut col = 0usize;
    let mut rest = line;
    for (i, c) in line.char_indices() {
        match c {
            '\t' => {
                let n = 4 - col % 4;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            ' ' | '>' | '-' | '*' | '+' | '.' | ')' | '0'..='9' => {
                out.push(c);
                col += 1;
            }
            _ => {
                rest = &line[i..];
                out.push_str(rest);
                return out;
            }
        }
        rest = &line[i + c.len_utf8()..];
    }
    out.push_str(rest);
    out
}

fn indent_of(s: &str) -> usize {
    s.bytes().take_while(|&b| b == b' ').count()
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

pub(super) fn parse(text: &str) -> Doc {
    let mut p = Parser {
        nodes: vec![Node {
            kind: Kind::Document,
            kids: Vec::new(),
            lines: Vec::new(),
            parent: 0,
            open: true,
            last_blank: false,
        }],
        tip: 0,
        line_no: 0,
        links: HashMap::new(),
        footnotes: HashMap::new(),
    };
    let text = text.replace('\0', "\u{FFFD}");
    let mut lines: Vec<&str> = text.split('\n').collect();
    if text.ends_with('\n') {
        lines.pop();
    }
    for line in lines {
        let line = line.strip_suffix('\r').unwrap_or(line);
        p.line_no += 1;
        p.add_line(&expand_prefix(line));
    }
    while p.tip != 0 {
        p.finalize(p.tip);
    }
    p.finalize(0);
    Doc {
        nodes: p.nodes,
        links: p.links,
        footnotes: p.footnotes,
    }
}

enum Cont {
    Matched(usize),
    Failed,
    Done,
}

impl Parser {
    fn last_open_child(&self, n: usize) -> Option<usize> {
        let &last = self.nodes[n].kids.last()?;
        self.nodes[last].open.then_some(last)
    }

    fn add_child(&mut self, mut parent: usize, kind: Kind) -> usize {
        // Leaves hold no blocks and lists hold only items: close them first.
        while parent != 0 {
            let fits = match self.nodes[parent].kind {
                Kind::Quote | Kind::Item { .. } | Kind::Footnote(_) => {
                    !matches!(kind, Kind::Item { .. })
                }
                Kind::List { .. } => matches!(kind, Kind::Item { .. }),
                _ => false,
            };
            if fits {
                break;
            }
            let up = self.nodes[parent].parent;
            self.finalize_to(parent);
            parent = up;
        }
        // Close whatever is open below `parent`.
        while self.tip != parent && self.tip != 0 {
            self.finalize(self.tip);
        }
        let id = self.nodes.len();
        self.nodes.push(Node {
            kind,
            kids: Vec::new(),
            lines: Vec::new(),
            parent,
            open: true,
            last_blank: false,
        });
        self.nodes[parent].kids.push(id);
        self.tip = id;
        id
    }

    fn continues(&mut self, n: usize, line: &str, pos: usize) -> Cont {
        let rest = &line[pos..];
        let indent = indent_of(rest);
        let blank = is_blank(rest);
        match &self.nodes[n].kind {
            Kind::Quote => {
                if indent < 4 && rest[indent..].starts_with('>') {
                    let mut p = pos + indent + 1;
                    if line[p..].starts_with(' ') {
                        p += 1;
                    }
                    Cont::Matched(p)
                } else {
                    Cont::Failed
                }
            }
            Kind::Item { indent: need, .. } => {
                let need = *need;
                if blank {
                    if self.nodes[n].kids.is_empty() {
                        Cont::Failed
                    } else {
                        Cont::Matched(pos + indent.min(need))
                    }
                } else if indent >= need {
                    Cont::Matched(pos + need)
                } else {
                    Cont::Failed
                }
            }
            Kind::Footnote(_) => {
                if blank {
                    Cont::Matched(pos + indent.min(4))
                } else if indent >= 4 {
                    Cont::Matched(pos + 4)
                } else {
                    Cont::Failed
                }
            }
            Kind::Fenced {
                marker,
                len,
                indent: fi,
                ..
            } => {
                let t = &rest[indent..];
                if indent < 4
                    && t.bytes().take_while(|b| b == marker).count() >= *len
                    && is_blank(t.trim_start_matches(*marker as char))
                {
                    self.finalize(n);
                    Cont::Done
                } else {
                    Cont::Matched(pos + indent.min(*fi))
                }
            }
            Kind::Indented => {
                if indent >= 4 {
                    Cont::Matched(pos + 4)
                } else if blank {
                    Cont::Matched(pos + indent)
                } else {
                    Cont::Failed
                }
            }
            Kind::Html(t) => {
                if blank && (*t == 6 || *t == 7) {
                    Cont::Failed
                } else {
                    Cont::Matched(pos)
                }
            }
            Kind::Para => {
                if blank {
                    Cont::Failed
                } else {
                    Cont::Matched(pos)
                }
            }
            Kind::Table(_) => {
                let t = &rest[indent..];
                if blank
                    || indent >= 4
                    || t.starts_with('>')
                    || atx(t).is_some()
                    || fence(t).is_some()
                    || is_rule(t)
                {
                    Cont::Failed
                } else {
                    Cont::Matched(pos)
                }
            }
            Kind::List { .. } => Cont::Matched(pos),
            Kind::Document | Kind::Heading(_) | Kind::Rule => Cont::Failed,
        }
    }

    fn add_line(&mut self, line: &str) {
        let mut container = 0usize;
        let mut pos = 0usize;
        let mut all_matched = true;
        while let Some(child) = self.last_open_child(container) {
            match self.continues(child, line, pos) {
                Cont::Matched(p) => {
                    pos = p;
                    container = child;
                }
                Cont::Failed => {
                    all_matched = false;
                    break;
                }
                Cont::Done => return,
            }
        }
        let last_matched = container;
        let old_tip = self.tip;
        let mut closed_unmatched = false;
        let leaf = matches!(
            self.nodes[container].kind,
            Kind::Fenced { .. } | Kind::Indented | Kind::Html(_) | Kind::Table(_)
        );
        // New block starts, up to a nesting depth that keeps rendering's recursion bounded.
        let mut depth = 0usize;
        let mut c = container;
        while c != 0 {
            depth += 1;
            c = self.nodes[c].parent;
        }
        while !leaf && depth < 128 {
            depth += 1;
            let rest = &line[pos..];
            let indent = indent_of(rest);
            let t = &rest[indent..];
            let blank = is_blank(rest);
            let in_para = matches!(self.nodes[container].kind, Kind::Para);
            let in_lazy_para = matches!(self.nodes[self.tip].kind, Kind::Para) && !all_matched;
            let para_tip = in_para || in_lazy_para;
            if indent >= 4 {
                if para_tip || blank {
                    break;
                }
                self.close_unmatched(&mut closed_unmatched, last_matched, old_tip);
                container = self.add_child(container, Kind::Indented);
                pos += 4;
                break;
            }
            if blank {
                break;
            }
            let start = pos + indent;
            if let Some(rest) = t.strip_prefix('>') {
                self.close_unmatched(&mut closed_unmatched, last_matched, old_tip);
                container = self.add_child(container, Kind::Quote);
                pos = start + 1 + usize::from(rest.starts_with(' '));
                continue;
            }
            if let Some((level, _)) = atx(t) {
                self.close_unmatched(&mut closed_unmatched, last_matched, old_tip);
                container = self.add_child(container, Kind::Heading(level));
                pos = start;
                break;
            }
            if let Some((marker, len, info)) = fence(t) {
                self.close_unmatched(&mut closed_unmatched, last_matched, old_tip);
                self.add_child(
                    container,
                    Kind::Fenced {
                        marker,
                        len,
                        indent,
                        info,
                    },
                );
                return;
            }
            if let Some(kind) = html_start(t, in_para) {
                self.close_unmatched(&mut closed_unmatched, last_matched, old_tip);
                container = self.add_child(container, Kind::Html(kind));
                break;
            }
            if in_para && all_matched {
                if let Some(level) = setext(t) {
                    self.close_unmatched(&mut closed_unmatched, last_matched, old_tip);
                    let mut text = self.nodes[container].lines.join("\n");
                    self.extract_refs(&mut text);
                    if !text.trim().is_empty() {
                        self.nodes[container].kind = Kind::Heading(level);
                        self.nodes[container].lines = vec![text];
                        self.finalize(container);
                        return;
                    }
                    self.nodes[container].lines = vec![text];
                }
                if self.nodes[container].lines.len() == 1
                    && let Some(aligns) = table_delimiter(t)
                    && split_row(&self.nodes[container].lines[0]).len() == aligns.len()
                {
                    let head = self.nodes[container].lines[0].clone();
                    let mut probe = head.clone();
                    self.extract_refs(&mut probe);
                    if !probe.is_empty() {
                        self.nodes[container].kind = Kind::Table(aligns);
                        self.nodes[container].lines = vec![head];
                        return;
                    }
                }
            }
            if is_rule(t) {
                self.close_unmatched(&mut closed_unmatched, last_matched, old_tip);
                container = self.add_child(container, Kind::Rule);
                self.finalize(container);
                return;
            }
            if !in_para && let Some((label, width)) = footnote_def(t) {
                self.close_unmatched(&mut closed_unmatched, last_matched, old_tip);
                self.footnotes.insert(normalize_label(&label), ());
                container = self.add_child(container, Kind::Footnote(label));
                pos = start + width;
                while line[pos..].starts_with(' ') {
                    pos += 1;
                }
                continue;
            }
            if let Some((ordered, marker, number, width)) = list_marker(t, in_para) {
                self.close_unmatched(&mut closed_unmatched, last_matched, old_tip);
                let after = &t[width..];
                let spaces = indent_of(after);
                let content = if is_blank(after) || spaces >= 5 {
                    width + 1
                } else {
                    width + spaces
                };
                let same = match &self.nodes[container].kind {
                    Kind::List {
                        ordered: o,
                        marker: m,
                        ..
                    } => *o == ordered && *m == marker,
                    _ => false,
                };
                if !same {
                    if matches!(self.nodes[container].kind, Kind::List { .. }) {
                        let parent = self.nodes[container].parent;
                        self.finalize_to(container);
                        container = parent;
                    }
                    container = self.add_child(
                        container,
                        Kind::List {
                            ordered,
                            marker,
                            start: number,
                            tight: true,
                        },
                    );
                }
                container = self.add_child(
                    container,
                    Kind::Item {
                        indent: indent + content,
                        line: self.line_no,
                    },
                );
                pos = (start + content).min(line.len());
                if is_blank(&line[pos.min(line.len())..]) {
                    pos = line.len();
                }
                continue;
            }
            break;
        }
        let rest = line.get(pos..).unwrap_or("");
        let blank = is_blank(rest);
        // Lazy paragraph continuation.
        if !closed_unmatched
            && !all_matched
            && !blank
            && matches!(self.nodes[self.tip].kind, Kind::Para)
        {
            let tip = self.tip;
            self.nodes[tip].lines.push(rest.trim_start().to_string());
            return;
        }
        self.close_unmatched(&mut closed_unmatched, last_matched, old_tip);
        // Blank-line bookkeeping for tight and loose lists.
        if blank && let Some(&last) = self.nodes[container].kids.last() {
            self.nodes[last].last_blank = true;
        }
        let last_blank = blank
            && !(matches!(
                self.nodes[container].kind,
                Kind::Quote | Kind::Fenced { .. }
            ) || matches!(self.nodes[container].kind, Kind::Item { line, .. }
                    if self.nodes[container].kids.is_empty() && line == self.line_no));
        let mut c = container;
        loop {
            self.nodes[c].last_blank = last_blank;
            if c == 0 {
                break;
            }
            c = self.nodes[c].parent;
        }
        match self.nodes[container].kind {
            Kind::Fenced { .. } | Kind::Indented => {
                self.nodes[container].lines.push(rest.to_string());
            }
            Kind::Html(t) => {
                self.nodes[container].lines.push(rest.to_string());
                if html_ends(t, rest) {
                    self.finalize(container);
                }
            }
            Kind::Para | Kind::Table(_) => {
                self.nodes[container]
                    .lines
                    .push(rest.trim_start().to_string());
            }
            Kind::Heading(_) => {
                self.nodes[container].lines.push(rest.to_string());
                self.finalize(container);
            }
            _ => {
                if !blank {
                    let p = self.add_child(container, Kind::Para);
                    self.nodes[p].lines.push(rest.trim_start().to_string());
                }
            }
        }
    }

    fn close_unmatched(&mut self, done: &mut bool, last_matched: usize, old_tip: usize) {
        if *done {
            return;
        }
        *done = true;
        let mut t = old_tip;
        while t != last_matched && t != 0 {
            let parent = self.nodes[t].parent;
            self.finalize(t);
            t = parent;
        }
        self.tip = last_matched;
    }

    fn finalize_to(&mut self, n: usize) {
        while self.tip != n && self.tip != 0 {
            self.finalize(self.tip);
        }
        self.finalize(n);
    }

    fn finalize(&mut self, n: usize) {
        if !self.nodes[n].open {
            return;
        }
        self.nodes[n].open = false;
        self.tip = self.nodes[n].parent;
        match self.nodes[n].kind {
            Kind::Para => {
                let mut text = self.nodes[n].lines.join("\n");
                self.extract_refs(&mut text);
                self.nodes[n].lines = if text.is_empty() { vec![] } else { vec![text] };
            }
            Kind::Indented => {
                let lines = &mut self.nodes[n].lines;
                while lines.last().is_some_and(|l| is_blank(l)) {
                    lines.pop();
                }
            }
            Kind::List { .. } => {
                let mut tight = true;
                let items = self.nodes[n].kids.clone();
                'outer: for (i, &item) in items.iter().enumerate() {
                    let last_item = i + 1 == items.len();
                    if self.nodes[item].last_blank && !last_item {
                        tight = false;
                        break;
                    }
                    let subs = &self.nodes[item].kids;
                    for (j, &sub) in subs.iter().enumerate() {
                        if self.ends_blank(sub) && (!last_item || j + 1 < subs.len()) {
                            tight = false;
                            break 'outer;
                        }
                    }
                }
                if let Kind::List { tight: t, .. } = &mut self.nodes[n].kind {
                    *t = tight;
                }
            }
            _ => {}
        }
    }

    fn ends_blank(&self, mut n: usize) -> bool {
        loop {
            if self.nodes[n].last_blank {
                return true;
            }
            match self.nodes[n].kind {
                Kind::List { .. } | Kind::Item { .. } => match self.nodes[n].kids.last() {
                    Some(&k) => n = k,
                    None => return false,
                },
                _ => return false,
            }
        }
    }

    /// Removes the link reference definitions at the start of a paragraph's text.
    fn extract_refs(&mut self, text: &mut String) {
        loop {
            match parse_ref_def(text) {
                Some((label, link, used)) => {
                    self.links.entry(label).or_insert(link);
                    text.drain(..used);
                }
                None => return,
            }
        }
    }
}

fn parse_ref_def(text: &str) -> Option<(String, Link, usize)> {
    let b = text.as_bytes();
    if b.first() != Some(&b'[') {
        return None;
    }
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'[' => return None,
            b']' => break,
            _ => i += 1,
        }
    }
    if i >= b.len() || i > 1000 {
        return None;
    }
    let label = &text[1..i];
    if label.trim().is_empty() || label.starts_with('^') || b.get(i + 1) != Some(&b':') {
        return None;
    }
    let mut p = skip_spaces_nl(text, i + 2)?;
    let (dest, after) = parse_link_dest(text, p)?;
    if after == p && !text[p..].starts_with("<>") {
        return None;
    }
    p = after;
    let before_title = p;
    let mut title = String::new();
    let mut end = None;
    if let Some(q) = skip_spaces_nl(text, p)
        && q > p
        && let Some((t, after_title)) = parse_link_title(text, q)
        && let Some(e) = line_end(text, after_title)
    {
        title = t;
        end = Some(e);
    }
    let end = match end {
        Some(e) => e,
        None => line_end(text, before_title)?,
    };
    Some((normalize_label(label), Link { dest, title }, end))
}

/// The position after the end of the line at `p` if only spaces are left on it.
fn line_end(text: &str, p: usize) -> Option<usize> {
    let rest = &text[p..];
    let line = rest.split('\n').next().unwrap_or("");
    if !is_blank(line) {
        return None;
    }
    Some((p + line.len() + 1).min(text.len()))
}

pub(super) fn atx(t: &str) -> Option<(u8, &str)> {
    let n = t.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&n) {
        return None;
    }
    let rest = &t[n..];
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
        return None;
    }
    Some((n as u8, rest))
}

pub(super) fn atx_content(line: &str) -> &str {
    let t = line.trim_start();
    let (_, rest) = atx(t).unwrap_or((1, t));
    let mut s = rest.trim();
    let trimmed = s.trim_end_matches('#');
    if trimmed.is_empty() {
        s = "";
    } else if trimmed.ends_with(' ') || trimmed.ends_with('\t') {
        s = trimmed.trim_end();
    }
    s
}

fn fence(t: &str) -> Option<(u8, usize, String)> {
    let marker = *t.as_bytes().first()?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let len = t.bytes().take_while(|&b| b == marker).count();
    if len < 3 {
        return None;
    }
    let info = t[len..].trim();
    if marker == b'`' && info.contains('`') {
        return None;
    }
    Some((marker, len, info.to_string()))
}

fn setext(t: &str) -> Option<u8> {
    let t = t.trim_end();
    if !t.is_empty() && t.bytes().all(|b| b == b'=') {
        Some(1)
    } else if !t.is_empty() && t.bytes().all(|b| b == b'-') {
        Some(2)
    } else {
        None
    }
}

fn is_rule(t: &str) -> bool {
    let Some(&c) = t.as_bytes().first() else {
        return false;
    };
    if !matches!(c, b'*' | b'-' | b'_') {
        return false;
    }
    let mut n = 0;
    for b in t.bytes() {
        if b == c {
            n += 1;
        } else if b != b' ' && b != b'\t' {
            return false;
        }
    }
    n >= 3
}

fn footnote_def(t: &str) -> Option<(String, usize)> {
    let rest = t.strip_prefix("[^")?;
    let end = rest.find(']')?;
    let label = &rest[..end];
    if label.is_empty()
        || label.contains(|c: char| c.is_whitespace() || c == '[' || c == '\\')
        || !rest[end + 1..].starts_with(':')
    {
        return None;
    }
    Some((label.to_string(), 2 + end + 2))
}

fn list_marker(t: &str, in_para: bool) -> Option<(bool, u8, u64, usize)> {
    let b = t.as_bytes();
    let (ordered, marker, number, width) = match b.first()? {
        c @ (b'-' | b'+' | b'*') => (false, *c, 0, 1),
        b'0'..=b'9' => {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 9 {
                return None;
            }
            let m = *b.get(digits)?;
            if m != b'.' && m != b')' {
                return None;
            }
            (true, m, t[..digits].parse().ok()?, digits + 1)
        }
        _ => return None,
    };
    let after = &t[width..];
    if !(after.is_empty() || after.starts_with(' ') || after.starts_with('\t')) {
        return None;
    }
    if in_para && (is_blank(after) || (ordered && number != 1)) {
        return None;
    }
    Some((ordered, marker, number, width))
}

const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
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
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

fn html_start(t: &str, in_para: bool) -> Option<u8> {
    if !t.starts_with('<') {
        return None;
    }
    let lower = t.get(..t.len().min(12)).unwrap_or(t).to_ascii_lowercase();
    for tag in ["<script", "<pre", "<style", "<textarea"] {
        if lower.starts_with(tag)
            && matches!(
                lower.as_bytes().get(tag.len()),
                None | Some(b' ' | b'\t' | b'>')
            )
        {
            return Some(1);
        }
    }
    if t.starts_with("<!--") {
        return Some(2);
    }
    if t.starts_with("<?") {
        return Some(3);
    }
    if t.starts_with("<![CDATA[") {
        return Some(5);
    }
    if t.len() > 2 && t.starts_with("<!") && t.as_bytes()[2].is_ascii_alphabetic() {
        return Some(4);
    }
    let name_start = if t.starts_with("</") { 2 } else { 1 };
    let name: String = t[name_start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let after = &t.as_bytes()[name_start + name.len()..];
    if BLOCK_TAGS.contains(&name.as_str())
        && (after.is_empty() || matches!(after[0], b' ' | b'\t' | b'>') || after.starts_with(b"/>"))
    {
        return Some(6);
    }
    if !in_para
        && let Some(end) = super::inline::html_tag_len(t)
        && is_blank(&t[end..])
        && !name.is_empty()
    {
        return Some(7);
    }
    None
}

fn html_ends(kind: u8, line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    match kind {
        1 => ["</script>", "</pre>", "</style>", "</textarea>"]
            .iter()
            .any(|e| lower.contains(e)),
        2 => line.contains("-->"),
        3 => line.contains("?>"),
        4 => line.contains('>'),
        5 => line.contains("]]>"),
        _ => false,
    }
}

/// The cells of a table row, split at unescaped pipes (also inside code spans, as GFM does).
pub(super) fn split_row(line: &str) -> Vec<String> {
    let mut t = line.trim();
    if let Some(s) = t.strip_prefix('|') {
        t = s;
    }
    if t.ends_with('|') && !t.ends_with("\\|") {
        t = &t[..t.len() - 1];
    }
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '\\' => {
                cell.push('\\');
                if let Some(n) = chars.next() {
                    cell.push(n);
                }
            }
            '|' => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    cells.push(cell);
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

fn table_delimiter(t: &str) -> Option<Vec<Align>> {
    let t = t.trim();
    if !t.contains('-') || !t.bytes().all(|b| b"|-: \t".contains(&b)) {
        return None;
    }
    if !t.contains('|') {
        return None;
    }
    let cells = split_row(t);
    let mut aligns = Vec::new();
    for c in cells {
        if c.is_empty() || !c.contains('-') {
            return None;
        }
        let inner = c.trim_start_matches(':').trim_end_matches(':');
        if inner.is_empty() || !inner.bytes().all(|b| b == b'-') {
            return None;
        }
        aligns.push(match (c.starts_with(':'), c.ends_with(':')) {
            (true, true) => Align::Center,
            (true, false) => Align::Left,
            (false, true) => Align::Right,
            _ => Align::None,
        });
    }
    Some(aligns)
}
