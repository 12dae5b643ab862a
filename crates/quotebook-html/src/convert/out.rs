//! The one output buffer, and the state that makes a stream of blocks, text runs and
//! inline delimiters into well-formed Markdown.
//!
//! Everything is lazy: a block's separating blank line, a list item's marker, an
//! emphasis delimiter, a `<br>`'s hard break and a collapsed space are all held back until
//! visible content follows them, so empty elements vanish, spaces at element edges move
//! outside the delimiters, and the output has no leading or trailing blank lines.

use std::borrow::Cow;

use super::escape::{self, Ctx, is_punct, is_ws};

/// A character that glues to a delimiter like a letter does (neither space nor
/// punctuation).
fn is_word(c: char) -> bool {
    !is_ws(c) && !is_punct(c)
}

/// What starts a line, for the rules of what may follow a paragraph without a blank line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Block {
    Para,
    Heading,
    /// A list whose first marker may interrupt a paragraph (bullets, or numbered from 1).
    List {
        interrupts: bool,
    },
    Fence,
    Quote,
    /// A thematic break.
    Rule,
    /// A container (list item, quote) just ended: a paragraph line would continue it.
    Closed,
    Other,
}

impl Block {
    fn may_follow_paragraph_line(self) -> bool {
        match self {
            Block::Para | Block::Heading | Block::Fence | Block::Quote => true,
            Block::List { interrupts } => interrupts,
            Block::Rule | Block::Closed | Block::Other => false,
        }
    }

    /// Whether a block of kind `next` may start on the line after a block of this kind
    /// without a blank line between them (which would make a tight list item loose),
    /// and still be read as a block of its own.
    fn may_precede_line(self, next: Block) -> bool {
        match self {
            Block::Para => next.may_follow_paragraph_line(),
            Block::Heading | Block::Fence | Block::Rule => true,
            Block::Quote | Block::Closed => matches!(next, Block::Heading | Block::Fence),
            Block::List { .. } | Block::Other => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkKind {
    Strong,
    Em,
    Del,
    Link,
    Html,
    /// Balances a nested duplicate (`<b>` inside `<b>`): writes nothing.
    Null,
}

impl MarkKind {
    /// Delimiters that follow CommonMark's flanking rules.
    fn flanks(self) -> bool {
        matches!(self, MarkKind::Strong | MarkKind::Em | MarkKind::Del)
    }
}

#[derive(Debug)]
struct Mark {
    kind: MarkKind,
    open: &'static str,
    close: Cow<'static, str>,
    emitted: bool,
    /// Where the opening delimiter was last written.
    open_at: usize,
}

#[derive(Debug)]
pub(crate) enum Container {
    Quote,
    Item {
        marker: String,
        written: bool,
        tight: bool,
    },
    Indent {
        width: usize,
        tight: bool,
    },
}

/// How the page lays out whitespace in the current element (CSS `white-space`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ws {
    Normal,
    PreLine,
    Pre,
}

#[derive(Debug)]
pub(crate) struct Out {
    pub buf: String,
    containers: Vec<Container>,
    started: bool,
    /// Line breaks owed before the next block: 0, 1 (new line) or 2 (blank line).
    pending: u8,
    /// A container was opened and holds nothing yet: block separators are not owed.
    fresh: bool,
    /// How many containers were opened since content was last written.
    fresh_count: usize,
    /// The kind of the next line's block when a handler knows it (a list's first item).
    next_kind: Option<Block>,
    /// Where the current line's content starts (after prefixes).
    line_start: usize,
    /// Whether block syntax could start at `line_start` (not in headings and cells).
    syntax_line: bool,
    last_block: (Block, usize),
    pending_ws: String,
    pending_brs: u32,
    block_prefix: Option<(String, Block)>,
    heading_start: Option<usize>,
    marks: Vec<Mark>,
    last_close: Option<(MarkKind, usize, usize)>,
    /// The last `_`/`__` pair closed: where its opener and closer start, and its length.
    last_underscore: Option<(usize, usize, usize)>,
    fragile: Option<(usize, usize, usize)>,
    /// The next visible character must be written as a numeric character reference: a
    /// closing delimiter right after a link or an image, then a letter (below).
    reference_next: bool,
    /// Output before this offset is syntax (delimiters, atoms), not text to move.
    frozen: usize,
    /// The last code span: where it starts and ends, and its content.
    last_code: Option<(usize, usize, String)>,
    /// Headings and table cells: everything on one line.
    pub single_line: bool,
    pub in_table: bool,
    link_depth: u32,
    /// Visible content (text, an image, code) was written, not only empty structure.
    pub visible: bool,
}

impl Out {
    pub(crate) fn new(capacity: usize) -> Out {
        Out {
            buf: String::with_capacity(capacity),
            containers: Vec::new(),
            started: false,
            pending: 0,
            fresh: false,
            fresh_count: 0,
            next_kind: None,
            line_start: 0,
            syntax_line: true,
            last_block: (Block::Other, 0),
            pending_ws: String::new(),
            pending_brs: 0,
            block_prefix: None,
            heading_start: None,
            marks: Vec::new(),
            last_close: None,
            last_underscore: None,
            fragile: None,
            reference_next: false,
            frozen: 0,
            last_code: None,
            single_line: false,
            in_table: false,
            link_depth: 0,
            visible: false,
        }
    }

    /// A writer for one table cell's content.
    pub(crate) fn cell() -> Out {
        let mut out = Out::new(32);
        out.single_line = true;
        out.in_table = true;
        out.syntax_line = false;
        out
    }

    pub(crate) fn finish(mut self) -> String {
        self.end_inline();
        self.buf
    }

    // ---- blocks ----------------------------------------------------------------------

    /// Owes `n` line breaks before whatever comes next (ignored in a fresh container).
    pub(crate) fn request(&mut self, n: u8) {
        if !self.fresh {
            self.pending = self.pending.max(n);
        }
    }

    /// Ends the current paragraph: what follows starts after a blank line.
    pub(crate) fn block_boundary(&mut self) {
        self.end_inline();
        self.request(2);
    }

    fn write_prefixes(&mut self, blank: bool) {
        let upto = self.containers.len();
        self.write_prefixes_upto(blank, upto);
    }

    fn write_prefixes_upto(&mut self, blank: bool, upto: usize) {
        for c in &mut self.containers[..upto] {
            match c {
                Container::Quote => self.buf.push_str("> "),
                Container::Item {
                    marker, written, ..
                } => {
                    if *written {
                        for _ in 0..marker.len() {
                            self.buf.push(' ');
                        }
                    } else if !blank {
                        self.buf.push_str(marker);
                        *written = true;
                    }
                }
                Container::Indent { width, .. } => {
                    for _ in 0..*width {
                        self.buf.push(' ');
                    }
                }
            }
        }
        if blank {
            let trimmed = self.buf.trim_end_matches(' ').len();
            self.buf.truncate(trimmed);
        }
        self.line_start = self.buf.len();
    }

    /// A new line inside the current block (hard breaks, code lines).
    pub(crate) fn newline(&mut self, blank: bool) {
        self.buf.push('\n');
        self.write_prefixes(blank);
    }

    fn tight_at(&self, depth: usize) -> bool {
        match depth.checked_sub(1).and_then(|i| self.containers.get(i)) {
            Some(Container::Item { tight, .. } | Container::Indent { tight, .. }) => *tight,
            _ => false,
        }
    }

    /// The next line starts a block of this kind (when it is not plain text).
    pub(crate) fn set_next_kind(&mut self, kind: Block) {
        self.next_kind = Some(kind);
    }

    /// Makes sure the line for content of kind `kind` is open: owed breaks and the
    /// container prefixes are written.
    pub(crate) fn materialize(&mut self, kind: Block) {
        let depth = self.containers.len();
        let outer = depth - self.fresh_count.min(depth);
        // `kind` is what the content is; `next_kind`, when set, what starts the line.
        let content = kind;
        let kind = self.next_kind.take().unwrap_or(kind);
        self.fresh_count = 0;
        if self.in_table || (self.single_line && self.heading_start.is_some()) {
            if self.pending > 0 && self.started && !self.buf.is_empty() {
                self.buf.push(' ');
            }
            self.started = true;
            self.pending = 0;
        } else if !self.started {
            self.started = true;
            self.write_prefixes(false);
            self.pending = 0;
            self.last_block = (content, depth);
        } else if self.pending > 0 {
            let mut n = self.pending;
            if n == 2
                && self.tight_at(outer)
                && self.last_block.1 == outer
                && self.last_block.0.may_precede_line(kind)
            {
                n = 1;
                if self.last_block.0 == Block::Para
                    && kind == Block::Para
                    && self.block_prefix.is_none()
                {
                    self.buf.push('\\');
                }
            }
            if n == 2 {
                // The blank line belongs to the containers that were already open.
                self.buf.push('\n');
                self.write_prefixes_upto(true, outer);
            }
            self.newline(false);
            self.pending = 0;
            self.last_block = (content, depth);
        }
        self.fresh = false;
        if self.in_table {
            self.block_prefix = None;
        }
        if let Some((prefix, kind)) = self.block_prefix.take() {
            self.buf.push_str(&prefix);
            self.line_start = self.buf.len();
            self.heading_start = Some(self.buf.len());
            self.last_block = (kind, depth);
        }
    }

    /// Content that starts its own line (a fence, a table row, a rule).
    pub(crate) fn block_line(&mut self, kind: Block, line: &str) {
        self.end_inline();
        self.materialize(kind);
        self.buf.push_str(line);
        self.visible = true;
    }

    /// Whether the current line is inside a list item.
    pub(crate) fn in_item(&self) -> bool {
        self.containers
            .iter()
            .any(|c| matches!(c, Container::Item { .. } | Container::Indent { .. }))
    }

    /// How many containers (quotes, list items) enclose the current line.
    pub(crate) fn depth(&self) -> usize {
        self.containers.len()
    }

    pub(crate) fn push_container(&mut self, c: Container) {
        self.containers.push(c);
        self.fresh = true;
        self.fresh_count += 1;
    }

    pub(crate) fn pop_container(&mut self) {
        self.end_inline();
        if self.fresh && matches!(self.containers.last(), Some(Container::Quote)) {
            // An empty quote is still a quote: a lone `>`.
            self.materialize(Block::Quote);
            let trimmed = self.buf.trim_end_matches(' ').len();
            self.buf.truncate(trimmed);
            self.line_start = self.line_start.min(trimmed);
            self.frozen = self.frozen.min(trimmed);
        }
        if let Some(Container::Item { written: false, .. }) = self.containers.last() {
            // An empty item still takes its number.
            self.materialize(Block::Other);
            let trimmed = self.buf.trim_end_matches(' ').len();
            self.buf.truncate(trimmed);
            self.line_start = self.line_start.min(trimmed);
            self.frozen = self.frozen.min(trimmed);
        }
        self.containers.pop();
        self.fresh_count = self.fresh_count.saturating_sub(1);
        self.pending = 0;
        self.last_block = (Block::Closed, self.containers.len());
    }

    /// The next paragraph-level content starts with `prefix` (a heading's `## `),
    /// written only if content comes.
    pub(crate) fn set_block_prefix(&mut self, prefix: String, kind: Block) {
        if self.in_table {
            return;
        }
        self.block_prefix = Some((prefix, kind));
        self.syntax_line = false;
    }

    /// Ends a heading: a trailing `#` run would be read as a closing sequence.
    pub(crate) fn end_heading(&mut self) {
        if let Some((prefix, kind)) = self.block_prefix.take()
            && !self.in_table
        {
            // An empty heading is still a heading: its `#`s alone.
            self.block_prefix = Some((prefix.trim_end().to_owned(), kind));
            self.materialize(Block::Heading);
            self.heading_start = None;
        }
        if let Some(start) = self.heading_start.take()
            && self.buf.len() > start
            && self.buf.ends_with('#')
        {
            let run_start = self.buf.trim_end_matches('#').len();
            if run_start <= start || self.buf[..run_start].ends_with(' ') {
                self.buf.insert(run_start.max(start), '\\');
            }
        }
        self.block_prefix = None;
        self.block_boundary();
        self.syntax_line = true;
    }

    // ---- inline ----------------------------------------------------------------------

    fn prev_char(&self) -> Option<char> {
        if self.buf.len() == self.line_start {
            None
        } else {
            self.buf.chars().next_back()
        }
    }

    fn at_line_start(&self) -> bool {
        !self.started
            || self.pending > 0
            || self.buf.len() == self.line_start
            || self.block_prefix.is_some()
    }

    /// A collapsible space.
    pub(crate) fn space(&mut self) {
        if self.pending_brs > 0 || self.pending_ws.ends_with(' ') {
            return;
        }
        if self.pending_ws.is_empty() && (self.at_line_start() || self.buf.ends_with(' ')) {
            return;
        }
        self.pending_ws.push(' ');
    }

    /// A space in pre-formatted text: kept, as a no-break space where a plain one would
    /// collapse.
    pub(crate) fn pre_space(&mut self) {
        let collapses = match self.pending_ws.chars().next_back() {
            Some(c) => c == ' ' || c == '\u{a0}',
            None => self.pending_brs > 0 || self.at_line_start() || self.buf.ends_with(' '),
        };
        self.pending_ws.push(if collapses { '\u{a0}' } else { ' ' });
    }

    /// A `<br>` (or a newline in pre-formatted text).
    pub(crate) fn hard_break(&mut self) {
        if self.single_line {
            self.space();
            return;
        }
        self.pending_ws.clear();
        self.pending_brs += 1;
    }

    /// Writes what is owed before a visible character `first`. Returns true when `first`
    /// must be written before the pending delimiters (see `flush_marks`).
    fn before_visible(&mut self, first: char) -> bool {
        self.visible = true;
        if let Some((open_at, close_at, len)) = self.last_underscore.take()
            && close_at + len == self.buf.len()
            && self.pending_ws.is_empty()
            && self.pending_brs == 0
            && is_word(first)
        {
            // `_` cannot close before a letter: the pair becomes `*`, which can.
            for at in [open_at, close_at] {
                if self
                    .buf
                    .get(at..at + len)
                    .is_some_and(|d| d.bytes().all(|b| b == b'_'))
                {
                    self.buf.replace_range(at..at + len, &"*".repeat(len));
                }
            }
        }
        self.materialize(Block::Para);
        if self.pending_brs > 0 {
            for _ in 0..self.pending_brs {
                self.buf.push('\\');
                self.newline(false);
            }
            self.pending_brs = 0;
            self.pending_ws.retain(|c| c != ' ');
        }
        if !self.pending_ws.is_empty() {
            self.buf.push_str(&self.pending_ws);
            self.pending_ws.clear();
        }
        let opening = self.marks.iter().any(|m| !m.emitted && !m.open.is_empty());
        if let Some((start, end, guard)) = self.fragile.take()
            && end == self.buf.len()
            && !opening
            && !is_ws(first)
            && !is_punct(first)
        {
            // `**see [it](u)**word` closes nothing: `)` before the delimiter and a letter
            // after it make it left-flanking only. Where no page text can move after it,
            // the letter is written as a character reference, `**…(u)**&#119;ord`: the
            // same text, and the delimiter closes.
            self.reference_next = !self.unglue_closer(start, end, guard);
        }
        let pending_flank = self.marks.iter().any(|m| !m.emitted && m.kind.flanks());
        if pending_flank
            && is_punct(first)
            && self.prev_char().is_some_and(|p| !is_ws(p) && !is_punct(p))
        {
            // `word*"quote"*` cannot open emphasis: write the `"` first.
            return true;
        }
        self.flush_marks();
        false
    }

    /// `*a.*b` cannot close: the punctuation before the closer moves after it (`*a*.b`).
    /// False when nothing could move.
    fn unglue_closer(&mut self, start: usize, end: usize, guard: usize) -> bool {
        let before = &self.buf[..start];
        let Some(p) = before.chars().next_back() else {
            return false;
        };
        let mut p_start = start - p.len_utf8();
        if p.is_ascii_punctuation()
            && before[..p_start].ends_with('\\')
            && p_start > self.line_start
        {
            p_start -= 1;
        }
        // Only page text moves: never a piece of an image, a link or a delimiter.
        if p_start <= self.line_start || p_start < guard {
            return false;
        }
        let moved = self.buf[p_start..start].to_owned();
        let delim = self.buf[start..end].to_owned();
        self.buf.truncate(p_start);
        self.buf.push_str(&delim);
        self.buf.push_str(&moved);
        true
    }

    /// Writes `c`, as a character reference when [`Out::reference_next`] asks for one.
    fn push_first(&mut self, c: char) -> bool {
        if !std::mem::take(&mut self.reference_next) {
            return false;
        }
        self.buf.push_str("&#");
        self.buf.push_str(&u32::from(c).to_string());
        self.buf.push(';');
        true
    }

    pub(crate) fn flush_marks(&mut self) {
        // Delimiters written together form one run: glued to a letter, a `_` anywhere
        // in it would keep the whole run from opening.
        let glued = self.buf.chars().next_back().is_some_and(is_word);
        for i in 0..self.marks.len() {
            if self.marks[i].emitted {
                continue;
            }
            self.marks[i].emitted = true;
            let kind = self.marks[i].kind;
            if let Some((k, start, end)) = self.last_close
                && k == kind
                && kind.flanks()
                && end == self.buf.len()
            {
                // `**a**` + `**b**` → `**ab**`.
                self.buf.truncate(start);
                self.line_start = self.line_start.min(start);
                self.frozen = self.frozen.min(start);
                self.last_close = None;
                continue;
            }
            if kind == MarkKind::Link && self.buf.ends_with('!') && !self.buf.ends_with("\\!") {
                let at = self.buf.len() - 1;
                self.buf.insert(at, '\\');
            }
            if glued && self.marks[i].open.starts_with('_') {
                // `_` cannot open after a letter, and stars there would pair with the
                // outer ones wrongly (`a*b*c**`): inside a word the inner level is
                // written as the outer one alone, as the text is what must survive.
                self.marks[i].kind = MarkKind::Null;
                self.marks[i].open = "";
                self.marks[i].close = Cow::Borrowed("");
            }
            let open = self.marks[i].open;
            self.marks[i].open_at = self.buf.len();
            self.buf.push_str(open);
            self.frozen = self.buf.len();
        }
        self.last_close = None;
    }

    pub(crate) fn open_mark(
        &mut self,
        kind: MarkKind,
        open: &'static str,
        close: Cow<'static, str>,
    ) {
        let same = self.marks.iter().filter(|m| m.kind == kind).count();
        // Emphasis inside emphasis (`<em>(<em>a</em>)</em>`) is written with the other
        // delimiter at every other level, `*(_a_)*`, so that CommonMark rebuilds both;
        // doubled strikethrough shows as one.
        let (open, close) = match kind {
            MarkKind::Em | MarkKind::Strong if same % 2 == 1 => {
                let alt = if kind == MarkKind::Em { "_" } else { "__" };
                (alt, Cow::Borrowed(alt))
            }
            _ => (open, close),
        };
        let duplicate = kind == MarkKind::Del && same > 0;
        let kind = if duplicate { MarkKind::Null } else { kind };
        if kind == MarkKind::Link {
            self.link_depth += 1;
        }
        let (open, close) = if kind == MarkKind::Null {
            ("", Cow::Borrowed(""))
        } else {
            (open, close)
        };
        self.marks.push(Mark {
            kind,
            open,
            close,
            emitted: false,
            open_at: 0,
        });
    }

    pub(crate) fn close_mark(&mut self) {
        let Some(m) = self.marks.pop() else { return };
        if m.kind == MarkKind::Link {
            self.link_depth -= 1;
        }
        if m.emitted && m.kind != MarkKind::Null {
            let start = self.buf.len();
            if m.kind.flanks() && self.prev_char().is_some_and(is_punct) {
                self.fragile = Some((start, start + m.close.len(), self.frozen));
            }
            self.buf.push_str(&m.close);
            self.frozen = self.buf.len();
            self.last_close = Some((m.kind, start, self.buf.len()));
            if m.close.starts_with('_') {
                self.last_underscore = Some((m.open_at, start, m.close.len()));
            }
        }
    }

    /// Closes the delimiters written so far (they reopen before the next visible
    /// content) and forgets owed spaces and breaks: the end of a paragraph.
    pub(crate) fn end_inline(&mut self) {
        for i in (0..self.marks.len()).rev() {
            if self.marks[i].emitted {
                self.marks[i].emitted = false;
                let close = std::mem::take(&mut self.marks[i].close);
                self.buf.push_str(&close);
                self.marks[i].close = close;
                self.frozen = self.buf.len();
            }
        }
        self.pending_ws.clear();
        self.pending_brs = 0;
        self.fragile = None;
        self.last_close = None;
        self.frozen = self.buf.len();
    }

    /// Markdown written as is, as one visible unit (a code span, an image, math).
    pub(crate) fn atom(&mut self, markdown: &str) {
        let Some(first) = markdown.chars().next() else {
            return;
        };
        let _ = first;
        // Atoms start with syntax, never with text to move before a delimiter.
        self.before_visible('a');
        // Atoms start with syntax (`` ` ``, `!`, `[`, `$`): the delimiter before closes.
        self.reference_next = false;
        self.buf.push_str(markdown);
        self.frozen = self.buf.len();
    }

    /// A code span of `content` (pipes already escaped in cells). A span right after
    /// another one would glue the two fences into one backtick run: they merge. "Right
    /// after" is judged once the delimiters before this span are written: reopening an
    /// emphasis that closed just after the previous span takes its closing delimiter
    /// away, and leaves the two spans touching (found by fuzzing: `<s><s><i><tt>X</s>…`).
    pub(crate) fn code_atom(&mut self, content: &str) {
        self.before_visible('a');
        // Atoms start with syntax (`` ` ``, `!`, `[`, `$`): the delimiter before closes.
        self.reference_next = false;
        let merged;
        let content = match self.last_code.take() {
            Some((start, end, previous)) if end == self.buf.len() => {
                self.buf.truncate(start);
                self.frozen = self.frozen.min(start);
                merged = previous + content;
                merged.as_str()
            }
            _ => content,
        };
        let mut longest = 0;
        let mut run = 0;
        for c in content.chars() {
            if c == '`' {
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
        }
        let fence = "`".repeat(longest + 1);
        // CommonMark strips one space from each end when both ends have one and the
        // content is not all spaces; a backtick at an end needs a space to part it from
        // the fence. A space added at each end is what it strips.
        let pad = if content.starts_with('`')
            || content.ends_with('`')
            || (content.starts_with(' ')
                && content.ends_with(' ')
                && !content.trim_start_matches(' ').is_empty())
        {
            " "
        } else {
            ""
        };
        let start = self.buf.len();
        self.buf.push_str(&fence);
        self.buf.push_str(pad);
        self.buf.push_str(content);
        self.buf.push_str(pad);
        self.buf.push_str(&fence);
        self.frozen = self.buf.len();
        self.last_code = Some((start, self.buf.len(), content.to_owned()));
    }

    /// Page text, with whitespace handled as `ws` says and Markdown syntax escaped.
    pub(crate) fn text(&mut self, s: &str, ws: Ws) {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if escape::is_plain_byte(b) || b >= 0x80 {
                // A run of text written in one go: it starts with a letter, a digit or
                // harmless punctuation; after that, characters that need a look only at
                // the start of a line (`-`, `#`, `>`...) or after a number (`.`, `)`)
                // cannot be syntax, nor can anything outside ASCII but whitespace, nor a
                // single space before a plain character.
                let start = i;
                while i < bytes.len() {
                    let b = bytes[i];
                    if escape::is_plain_byte(b) {
                        i += 1;
                        continue;
                    }
                    if b >= 0x80 {
                        let c = s[i..].chars().next().unwrap_or(' ');
                        let ok = if i == start {
                            c.is_alphanumeric()
                        } else {
                            !is_ws(c) && !escape::is_hidden_control(c)
                        };
                        if !ok {
                            break;
                        }
                        i += c.len_utf8();
                        continue;
                    }
                    let ok = i > start
                        && match b {
                            b' ' => bytes.get(i + 1).is_some_and(|&n| escape::is_plain_byte(n)),
                            b'-' | b'+' | b'=' | b'#' | b'>' => true,
                            // `12.` could be a list marker; `a.` cannot.
                            b'.' | b')' => !bytes[start..i].iter().all(u8::is_ascii_digit),
                            _ => false,
                        };
                    if !ok {
                        break;
                    }
                    i += 1;
                }
                if i > start {
                    self.plain_run(&s[start..i]);
                    continue;
                }
            }
            let c = s[i..].chars().next().unwrap_or(' ');
            let w = c.len_utf8();
            match c {
                ' ' | '\t' | '\x0c' => {
                    if ws == Ws::Pre {
                        self.pre_space()
                    } else {
                        self.space()
                    }
                }
                '\n' | '\r' => {
                    if ws == Ws::Normal {
                        self.space()
                    } else if c == '\n' {
                        self.hard_break()
                    }
                }
                // Dropped: a page shows none of them.
                c if escape::is_hidden_control(c) => {}
                c if is_ws(c) => self.pending_ws.push(c),
                c => self.visible_char(c, &s[i + w..]),
            }
            i += w;
        }
    }

    fn plain_run(&mut self, run: &str) {
        let Some(first) = run.chars().next() else {
            return;
        };
        let first_before_marks = self.before_visible(first);
        if self.push_first(first) {
            let rest = &run[first.len_utf8()..];
            if !rest.is_empty() {
                self.plain_run(rest);
            }
        } else if first_before_marks {
            // The delimiters open before the next visible character instead.
            self.buf.push(first);
            let rest = &run[first.len_utf8()..];
            if !rest.is_empty() {
                self.plain_run(rest);
            }
        } else {
            self.buf.push_str(run);
        }
    }

    fn visible_char(&mut self, c: char, rest: &str) {
        // The escapes look at what follows as it will be written: without the hidden
        // controls dropped right after `c` (`<`, BEL, `!A` must not come out as `<!A`;
        // found by fuzzing).
        let rest = rest.trim_start_matches(escape::is_hidden_control);
        let first_before_marks = self.before_visible(c);
        if self.push_first(c) {
            return;
        }
        let line_start = self.syntax_line && self.buf.len() == self.line_start;
        let ctx = Ctx {
            prev: self.prev_char(),
            rest,
            line_start,
            line: if self.syntax_line {
                self.buf.get(self.line_start..).unwrap_or("x")
            } else {
                "x"
            },
            in_table: self.in_table,
            in_link_text: self.link_depth > 0,
        };
        if escape::needs_escape(c, ctx) {
            if c == '<' {
                // `&lt;b>` rather than `\<b>`: no tag-like text at all in the output,
                // even for a reader that does not know Markdown's escapes.
                self.buf.push_str("&lt;");
                return;
            }
            self.buf.push('\\');
        }
        self.buf.push(c);
        let _ = first_before_marks;
    }
}
