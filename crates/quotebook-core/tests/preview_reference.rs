//! The preview's tree against pulldown-cmark's own HTML writer on the same events: the
//! same elements in the same places and the same text, on hand-written Markdown, every
//! golden case's Markdown, a note from the default templates and the converted corpus.
//!
//! Both sides are reduced to element names and text, whitespace between blocks ignored.
//! What the preview changes on purpose is reduced alike: a link it refuses is a span (an
//! `a` here), an image is a placeholder (an `img` here, its alt text left out, and the
//! link around it left out on both sides), raw HTML is text on both sides.

#[path = "../../quotebook-html/tests/common/mod.rs"]
mod common;

use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, html};
use quotebook_core::preview::{Attr, Name, NodeKind, Preview, preview};

/// The preview's syntax (`preview/build.rs`).
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_MATH);

const VOID: &[&str] = &["br", "hr", "img", "input"];

/// pulldown-cmark's HTML of `markdown`, raw HTML turned into text, reduced.
fn reference(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, OPTIONS).map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        event => event,
    });
    let mut html = String::new();
    html::push_html(&mut html, events);
    let mut out = String::new();
    let mut rest = html.as_str();
    while let Some(lt) = rest.find('<') {
        unescape(&mut out, &rest[..lt]);
        let gt = lt + rest[lt..].find('>').expect("tags close");
        let tag = &rest[lt + 1..gt];
        if let Some(name) = tag.strip_prefix('/') {
            out.push_str(&format!("</{}>", name.trim()));
        } else {
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if VOID.contains(&name.as_str()) || tag.ends_with('/') {
                out.push_str(&format!("<{name}/>"));
            } else {
                out.push_str(&format!("<{name}>"));
            }
        }
        rest = &rest[gt + 1..];
    }
    unescape(&mut out, rest);
    normalise(&out)
}

fn unescape(out: &mut String, text: &str) {
    out.push_str(
        &text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    );
}

/// The preview's tree of `markdown`, reduced the same way.
fn ours(markdown: &str) -> String {
    reduce(&preview(markdown, "t-"))
}

fn reduce(preview: &Preview) -> String {
    let nodes = preview.nodes();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len() + 1];
    for (i, node) in nodes.iter().enumerate() {
        children[node.parent.unwrap_or(nodes.len())].push(i);
    }
    let class = |attrs: &[(Attr, String)]| {
        attrs
            .iter()
            .find(|(a, _)| *a == Attr::Class)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut out = String::new();
    // (node, the name to close once its children are written)
    let mut stack: Vec<(usize, Option<&'static str>)> = children[nodes.len()]
        .iter()
        .rev()
        .map(|&i| (i, None))
        .collect();
    while let Some((i, close)) = stack.pop() {
        if let Some(name) = close {
            out.push_str(&format!("</{name}>"));
            continue;
        }
        match &nodes[i].kind {
            NodeKind::Text(text) => out.push_str(text),
            NodeKind::Element { name, attrs } => {
                let class = class(attrs);
                let name = match (name, class.as_str()) {
                    (Name::Span, "image-placeholder") | (Name::Img, _) => {
                        out.push_str("<img/>");
                        continue;
                    }
                    (Name::Pre, "frontmatter") => continue,
                    (Name::Span, "unsafe-link") => "a",
                    (Name::Div, "raw-html") => {
                        stack.extend(children[i].iter().rev().map(|&c| (c, None)));
                        continue;
                    }
                    (name, _) => name.as_str(),
                };
                if VOID.contains(&name) {
                    out.push_str(&format!("<{name}/>"));
                    continue;
                }
                out.push_str(&format!("<{name}>"));
                stack.push((i, Some(name)));
                stack.extend(children[i].iter().rev().map(|&c| (c, None)));
            }
        }
    }
    normalise(&out)
}

/// Whitespace between and around tags ignored, runs of it made one space; an image's link
/// and an empty table body left out.
fn normalise(reduced: &str) -> String {
    let s = reduced.split_whitespace().collect::<Vec<_>>().join(" ");
    s.replace("> <", "><")
        .replace(" <", "<")
        .replace("> ", ">")
        .replace("<a><img/></a>", "<img/>")
        .replace("<tbody></tbody>", "")
}

fn first_difference(a: &str, b: &str) -> String {
    let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let cut = |s: &str| {
        let mut from = at.saturating_sub(60);
        while !s.is_char_boundary(from) {
            from -= 1;
        }
        s[from..].chars().take(140).collect::<String>()
    };
    format!("\n  pulldown: {}\n  preview:  {}", cut(a), cut(b))
}

fn differences<'a>(cases: impl Iterator<Item = (String, &'a str)>) -> Vec<String> {
    let mut differ = Vec::new();
    for (name, md) in cases {
        let (a, b) = (reference(md), ours(md));
        if a != b {
            differ.push(format!("{name}{}", first_difference(&a, &b)));
        }
    }
    differ
}

const HAND: &[&str] = &[
    "> *hi* **there**\n",
    "para\n\n> a\nlazy\n> > nested\n",
    "- a\n- b\n  - c\n  - d\n\n- e\n",
    "3. three\n4. four\n",
    "# H1\n\nSetext\n===\n\n## H2 ##\n",
    "```rust\nfn x() {}\n```\n\n    indented\n",
    "| a | b |\n|:--|--:|\n| 1 \\| 2 | `x` |\n",
    "a  \nb\\\nc\n\n---\n",
    "snake_case_word and *em* and __strong__ and ~~del~~\n",
    "`` a ` b `` and [link](https://a.example \"t\") and ![img](https://i.example/p.png)\n",
    "[ref] and [x][ref]\n\n[ref]: https://r.example/ \"T\"\n",
    "<https://auto.example/> &amp; &copy; &#65; &#x42; &Aacute;&zeta;\n",
    "text[^1]\n\n[^1]: the note\n",
    "- [ ] todo\n- [x] done\n",
    "$x^2$ and $$y$$\n",
    "a <script>alert(1)</script> b\n\n<div onclick=x>\nhi\n</div>\n",
    "***both*** **a *b* c** *a **b** c*\n",
    "[a *b](https://x.example/) c*\n",
    "\\*not em\\* \\_x\\_\n",
    "1. one\n\n   para\n2. two\n   > quote\n\n10) ten\n",
    "> - a\n> b\n>\n> ```\n> code\n> ```\n",
    "[x](<a b> 'single') [y](/rel) [z](javascript:alert(1) \"t\") [w]( https://w.example )\n",
    "![alt *em* `code`](https://i.example/x.png \"title\") ![](x.png)\n",
    "<a@b.example> <mailto:a@b.example> <http://x.example/a_b_c>\n",
    "~one~ ~~two~~ ~~~three~~~ a~b~c\n",
    "| x |\n|---|\n| a | b |\n|c\n\nafter\n",
    "| only | head |\n|---|---|\n",
    "<!-- comment -->\n\n<span>inline</span> <br/>\n",
    "[^missing] and [^n]\n\n[^n]: def *em*\n    continued\n",
    "$$\nx\n$$\n\n$a$b$ $ not $ \\$5\n",
    "[link [nested](https://in.example/)](https://out.example/)\n",
    "[![x](https://i.example/y.png)](https://a.example/)\n",
    "> > > deep\n> > back\n> out\nlazy\n",
];

#[test]
fn agrees_with_pulldown_on_hand_written_markdown() {
    let differ = differences(HAND.iter().map(|md| (format!("{md:?}"), *md)));
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn agrees_with_pulldown_on_golden_markdown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for c in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
        files.extend(common::files_named(
            &c.path().join("tests"),
            &["expected.md"],
        ));
    }
    files.extend(common::files_named(&root.join("tests"), &["expected.md"]));
    assert!(files.len() > 100, "golden files not found");
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.display().to_string(), std::fs::read_to_string(f).unwrap()))
        .collect();
    let differ = differences(texts.iter().map(|(n, md)| (n.clone(), md.as_str())));
    assert!(
        differ.is_empty(),
        "{} of {} golden files differ:\n{}",
        differ.len(),
        files.len(),
        differ.join("\n")
    );
}

/// A note as the default templates write it: the frontmatter is shown apart, the rest is
/// Markdown.
#[test]
fn agrees_with_pulldown_on_a_default_template_note() {
    use quotebook_core::note::{Note, Quote};
    let quotes: Vec<Quote> = HAND
        .iter()
        .enumerate()
        .map(|(i, md)| Quote {
            id: format!("q{i}"),
            markdown: md.to_string(),
            text: md.to_string(),
            created: "2026-01-02T03:04:05Z".into(),
            comment: HAND[(i + 3) % HAND.len()].to_string(),
            tags: vec!["tag".into(), format!("t{i}")],
            ..Quote::default()
        })
        .collect();
    let note = Note {
        schema: 1,
        id: "https://a.example/page".into(),
        url: "https://a.example/page".into(),
        title: "A *title* with <b>markup</b> & [brackets]".into(),
        created: "2026-01-02T03:04:05Z".into(),
        updated: "2026-01-02T03:04:05Z".into(),
        quotes,
        ..Note::default()
    };
    let md = note.to_markdown();
    let body_at = md[4..].find("\n---\n").expect("frontmatter") + 9;
    let (a, b) = (reference(&md[body_at..]), ours(&md));
    assert!(a == b, "{}", first_difference(&a, &b));
    let tree = preview(&md, "t-");
    let front = &tree.nodes()[..2];
    assert_eq!(
        front[0].kind,
        NodeKind::Element {
            name: Name::Pre,
            attrs: vec![(Attr::Class, "frontmatter".into())]
        }
    );
    assert_eq!(
        front[1].kind,
        NodeKind::Text(md[..body_at].trim_end().into())
    );
}

/// What notes hold: the converter's output for every corpus article.
#[test]
fn agrees_with_pulldown_on_converted_corpus() {
    let Some(dir) = common::corpus("the preview against pulldown-cmark over the corpus") else {
        return;
    };
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path().join("article.html"))
        .filter(|p| p.is_file())
        .collect();
    pages.sort();
    let texts: Vec<(String, String)> = pages
        .iter()
        .filter_map(|page| {
            let html = std::fs::read_to_string(page).unwrap();
            let md = quotebook_core::html_to_markdown(&html, "http://fakehost/test/page.html");
            Some((page.display().to_string(), md.ok()?))
        })
        .collect();
    assert!(!texts.is_empty());
    let differ = differences(texts.iter().map(|(n, md)| (n.clone(), md.as_str())));
    assert!(
        differ.is_empty(),
        "{} of {} converted articles differ:\n{}",
        differ.len(),
        texts.len(),
        differ.join("\n")
    );
}
