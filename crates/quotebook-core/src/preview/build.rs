//! pulldown-cmark's events → the preview's tree, one event at a time.

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use super::{
    Attr, MAX_DEPTH, Name, Node, NodeKind, Preview, is_link_allowed, is_stored_image, is_web,
};

/// The syntax notes use: what the converter writes (GFM tables and strikethrough, `$…$`
/// math) and what readers type in comments (task lists, footnotes).
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_MATH);

/// Attributes every followed link carries: a new tab that cannot reach back to the
/// extension's page, and no referrer.
const NEW_TAB: [(Attr, &str); 2] = [(Attr::Target, "_blank"), (Attr::Rel, "noopener noreferrer")];

pub(super) fn build(markdown: &str, id_prefix: &str) -> Preview {
    let mut b = Builder {
        nodes: Vec::new(),
        open: Vec::new(),
        frames: Vec::new(),
        id_prefix,
        footnotes: Vec::new(),
        links: 0,
        table: Table::default(),
    };
    let (front, body) = split_frontmatter(markdown);
    if let Some(front) = front {
        // YAML is no Markdown: it is shown as it is written.
        let pre = b.open(Name::Pre, &[(Attr::Class, "frontmatter")]);
        b.text(front.trim_end());
        b.close(usize::from(pre));
    }
    let mut events = Parser::new_ext(body, OPTIONS);
    while let Some(event) = events.next() {
        match event {
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let alt = alt_text(&mut events);
                b.image(&dest_url, &title, &alt);
            }
            Event::Start(tag) => {
                let opened = b.start(tag);
                b.frames.push(opened);
            }
            Event::End(end) => {
                if matches!(end, TagEnd::Link) {
                    b.links -= 1;
                }
                let opened = b.frames.pop().unwrap_or(0);
                b.close(opened);
            }
            Event::Text(text) => b.text(&text),
            // Raw HTML of the note is shown, never interpreted.
            Event::Html(text) | Event::InlineHtml(text) => b.text(&text),
            Event::Code(text) => b.leaf(Name::Code, &[], &text),
            Event::InlineMath(text) => {
                b.leaf(Name::Span, &[(Attr::Class, "math math-inline")], &text)
            }
            Event::DisplayMath(text) => {
                b.leaf(Name::Span, &[(Attr::Class, "math math-display")], &text)
            }
            Event::FootnoteReference(label) => {
                let (id, number) = b.footnote(&label);
                let sup = b.open(Name::Sup, &[(Attr::Class, "footnote-reference")]);
                b.leaf(Name::A, &[(Attr::Href, &format!("#{id}"))], &number);
                b.close(usize::from(sup));
            }
            Event::SoftBreak => b.text("\n"),
            Event::HardBreak => b.void(Name::Br, &[]),
            Event::Rule => b.void(Name::Hr, &[]),
            Event::TaskListMarker(checked) => {
                let mut attrs = vec![(Attr::Type, "checkbox"), (Attr::Disabled, "")];
                if checked {
                    attrs.push((Attr::Checked, ""));
                }
                b.void(Name::Input, &attrs);
            }
        }
    }
    Preview { nodes: b.nodes }
}

/// `markdown` split into its YAML frontmatter (`---` lines around it, at the very start)
/// and the rest. As in pulldown-cmark's metadata blocks, its first line is neither blank
/// nor the closing `---`: a note that starts with thematic breaks is all Markdown.
fn split_frontmatter(markdown: &str) -> (Option<&str>, &str) {
    let Some(rest) = markdown.strip_prefix("---\n") else {
        return (None, markdown);
    };
    if rest
        .lines()
        .next()
        .is_none_or(|first| first.trim().is_empty() || first == "---")
    {
        return (None, markdown);
    }
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        at += line.len();
        if line == "---\n" || (line == "---" && at == rest.len()) {
            let end = 4 + at;
            return (Some(&markdown[..end]), &markdown[end..]);
        }
    }
    (None, markdown)
}

/// The plain text of an image's description, read up to the image's end.
fn alt_text(events: &mut Parser) -> String {
    let mut alt = String::new();
    let mut depth = 1usize;
    for event in events.by_ref() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Event::Text(t)
            | Event::Code(t)
            | Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => alt.push_str(&t),
            Event::SoftBreak | Event::HardBreak => alt.push('\n'),
            _ => {}
        }
    }
    alt
}

#[derive(Default)]
struct Table {
    aligns: Vec<Alignment>,
    column: usize,
    in_head: bool,
    body_open: bool,
}

struct Builder<'a> {
    nodes: Vec<Node>,
    /// Indices of the open elements, innermost last; at most [`MAX_DEPTH`].
    open: Vec<usize>,
    /// For each open pulldown-cmark tag, how many elements it opened (0 past the depth
    /// limit, 2 for a table head's `thead` and `tr`).
    frames: Vec<usize>,
    id_prefix: &'a str,
    /// Footnote labels, numbered in the order they are first seen.
    footnotes: Vec<String>,
    /// Links open around the current event: a link inside one stays text.
    links: usize,
    table: Table,
}

impl Builder<'_> {
    /// Opens an element under the innermost open one; false past the depth limit.
    fn open(&mut self, name: Name, attrs: &[(Attr, &str)]) -> bool {
        if self.open.len() >= MAX_DEPTH {
            return false;
        }
        self.push(name, attrs);
        self.open.push(self.nodes.len() - 1);
        true
    }

    /// Closes the `n` innermost open elements.
    fn close(&mut self, n: usize) {
        let keep = self.open.len().saturating_sub(n);
        self.open.truncate(keep);
    }

    /// An element without children (`br`, `hr`, `input`, `img`).
    fn void(&mut self, name: Name, attrs: &[(Attr, &str)]) {
        if self.open.len() < MAX_DEPTH {
            self.push(name, attrs);
        }
    }

    /// An element holding only `text`.
    fn leaf(&mut self, name: Name, attrs: &[(Attr, &str)], text: &str) {
        let opened = self.open(name, attrs);
        self.text(text);
        self.close(usize::from(opened));
    }

    fn push(&mut self, name: Name, attrs: &[(Attr, &str)]) {
        self.nodes.push(Node {
            parent: self.open.last().copied(),
            kind: NodeKind::Element {
                name,
                attrs: attrs.iter().map(|&(a, v)| (a, v.to_owned())).collect(),
            },
        });
    }

    /// Text in the innermost open element, joined to the text just before it there.
    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let parent = self.open.last().copied();
        if let Some(Node {
            parent: p,
            kind: NodeKind::Text(last),
        }) = self.nodes.last_mut()
            && *p == parent
        {
            last.push_str(text);
            return;
        }
        self.nodes.push(Node {
            parent,
            kind: NodeKind::Text(text.to_owned()),
        });
    }

    /// Opens what `tag` stands for; returns how many elements it opened.
    fn start(&mut self, tag: Tag) -> usize {
        let (name, attrs): (Name, Vec<(Attr, String)>) = match tag {
            Tag::Paragraph => (Name::P, vec![]),
            Tag::Heading { level, .. } => (heading(level), vec![]),
            Tag::BlockQuote(_) => (Name::Blockquote, vec![]),
            Tag::CodeBlock(kind) => {
                let pre = self.open(Name::Pre, &[]);
                let class = match kind {
                    CodeBlockKind::Fenced(info) => language_class(&info),
                    CodeBlockKind::Indented => None,
                };
                let code = match &class {
                    Some(class) => self.open(Name::Code, &[(Attr::Class, class)]),
                    None => self.open(Name::Code, &[]),
                };
                return usize::from(pre) + usize::from(code);
            }
            Tag::HtmlBlock => (Name::Div, vec![(Attr::Class, "raw-html".into())]),
            Tag::List(Some(start)) if start != 1 => {
                (Name::Ol, vec![(Attr::Start, start.to_string())])
            }
            Tag::List(Some(_)) => (Name::Ol, vec![]),
            Tag::List(None) => (Name::Ul, vec![]),
            Tag::Item => (Name::Li, vec![]),
            Tag::FootnoteDefinition(label) => {
                let (id, number) = self.footnote(&label);
                let div = self.open(
                    Name::Div,
                    &[(Attr::Class, "footnote-definition"), (Attr::Id, &id)],
                );
                self.leaf(
                    Name::Sup,
                    &[(Attr::Class, "footnote-definition-label")],
                    &number,
                );
                return usize::from(div);
            }
            Tag::Table(aligns) => {
                self.table = Table {
                    aligns,
                    ..Table::default()
                };
                (Name::Table, vec![])
            }
            Tag::TableHead => {
                self.table.in_head = true;
                self.table.column = 0;
                let head = self.open(Name::Thead, &[]);
                let row = self.open(Name::Tr, &[]);
                return usize::from(head) + usize::from(row);
            }
            Tag::TableRow => {
                self.table.in_head = false;
                self.table.column = 0;
                if !self.table.body_open {
                    self.table.body_open = true;
                    // The body belongs to the table: it closes with it.
                    if self.open(Name::Tbody, &[])
                        && let Some(table) = self.frames.last_mut()
                    {
                        *table += 1;
                    }
                }
                (Name::Tr, vec![])
            }
            Tag::TableCell => {
                let name = if self.table.in_head {
                    Name::Th
                } else {
                    Name::Td
                };
                let align = match self.table.aligns.get(self.table.column) {
                    Some(Alignment::Left) => Some("align-left"),
                    Some(Alignment::Center) => Some("align-center"),
                    Some(Alignment::Right) => Some("align-right"),
                    Some(Alignment::None) | None => None,
                };
                self.table.column += 1;
                (
                    name,
                    align.map(|a| (Attr::Class, a.into())).into_iter().collect(),
                )
            }
            Tag::Emphasis => (Name::Em, vec![]),
            Tag::Strong => (Name::Strong, vec![]),
            Tag::Strikethrough => (Name::Del, vec![]),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                self.links += 1;
                let href = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.into_string(),
                };
                let mut attrs = vec![];
                let name = if self.links > 1 {
                    Name::Span
                } else if is_link_allowed(&href) {
                    attrs.push((Attr::Href, href));
                    attrs.extend(NEW_TAB.map(|(a, v)| (a, v.to_owned())));
                    Name::A
                } else {
                    attrs.push((Attr::Class, "unsafe-link".into()));
                    Name::Span
                };
                if !title.is_empty() {
                    attrs.push((Attr::Title, title.into_string()));
                }
                (name, attrs)
            }
            // Not enabled in OPTIONS; a plain container if they ever come.
            Tag::Superscript
            | Tag::Subscript
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => (Name::Div, vec![]),
            // Read by `build` with its description.
            Tag::Image { .. } => (Name::Span, vec![]),
        };
        let attrs: Vec<(Attr, &str)> = attrs.iter().map(|(a, v)| (*a, v.as_str())).collect();
        usize::from(self.open(name, &attrs))
    }

    /// An image: shown when the extension stored it (`blob:`), otherwise a placeholder
    /// with its description, linked to the image when that is on the web.
    fn image(&mut self, url: &str, title: &str, alt: &str) {
        let alt = match alt.trim() {
            "" => "image",
            alt => alt,
        };
        let mut attrs = vec![];
        if !title.is_empty() {
            attrs.push((Attr::Title, title));
        }
        if is_stored_image(url) {
            attrs.extend([(Attr::Src, url), (Attr::Alt, alt)]);
            self.void(Name::Img, &attrs);
            return;
        }
        let link = self.links == 0 && is_web(url);
        let a = link && {
            let mut link_attrs = vec![(Attr::Href, url)];
            link_attrs.extend(NEW_TAB);
            self.open(Name::A, &link_attrs)
        };
        attrs.extend([
            (Attr::Class, "image-placeholder"),
            (Attr::Role, "img"),
            (Attr::AriaLabel, alt),
        ]);
        self.leaf(Name::Span, &attrs, &format!("[image: {alt}]"));
        self.close(usize::from(a));
    }

    /// The id and the number shown of the footnote `label`.
    fn footnote(&mut self, label: &str) -> (String, String) {
        let number = match self.footnotes.iter().position(|l| l == label) {
            Some(i) => i + 1,
            None => {
                self.footnotes.push(label.to_owned());
                self.footnotes.len()
            }
        };
        (format!("{}fn-{number}", self.id_prefix), number.to_string())
    }
}

fn heading(level: HeadingLevel) -> Name {
    match level {
        HeadingLevel::H1 => Name::H1,
        HeadingLevel::H2 => Name::H2,
        HeadingLevel::H3 => Name::H3,
        HeadingLevel::H4 => Name::H4,
        HeadingLevel::H5 => Name::H5,
        HeadingLevel::H6 => Name::H6,
    }
}

/// `language-…` for a code block's info string, when its first word is a plausible
/// language name (letters, digits, `_+#.-`, at most 32 characters).
fn language_class(info: &str) -> Option<String> {
    let lang = info.split_whitespace().next()?;
    let plausible = lang.len() <= 32
        && lang
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+#.-".contains(c));
    plausible.then(|| format!("language-{lang}"))
}
