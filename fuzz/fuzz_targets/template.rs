//! A reader's templates (raw text, or built from Jinja pieces) render a note made from the
//! fuzz input without panicking and within a time bound: fuel stops what would run away.
//! A failing template is reported and the note is rendered exactly as the defaults render
//! it. Differential: what the `yaml` filter writes parses back, with a YAML parser, to the
//! very values the note holds, in the reader's templates and in the default frontmatter.
#![no_main]

use std::time::{Duration, Instant};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use quotebook_core::note::{Note, Quote, QuoteKind, SCHEMA_VERSION};
use quotebook_core::template::{QuoteOrder, RenderOptions, Renderer, Templates, render_note};
use yaml_rust2::{Yaml, YamlLoader};

/// Far above what fuel allows a template on a note this small (a few kilobytes): a
/// rendering that takes longer is a hang that fuel did not stop.
const TIME_BOUND: Duration = Duration::from_secs(5);

#[derive(Debug, Arbitrary)]
struct Input {
    note: Source,
    quote: Source,
    page: Page,
    tz_offset_minutes: i16,
    locale: Locale,
    page_order: bool,
}

#[derive(Debug, Arbitrary)]
enum Locale {
    En,
    EnUs,
    Fr,
    De,
    Es,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Source {
    Default,
    Raw(String),
    Pieces(Vec<Piece>),
}

#[derive(Debug, Arbitrary)]
enum Piece {
    Text(String),
    Print(Expr),
    If(Expr, Vec<Piece>, Vec<Piece>),
    For(Var, Expr, Vec<Piece>),
    Set(Var, Expr),
    Raw(String),
    Comment(String),
}

#[derive(Debug, Arbitrary)]
enum Expr {
    Var(Var),
    Str(String),
    Int(i64),
    Attr(Box<Expr>, Var),
    Index(Box<Expr>, Box<Expr>),
    Filter(Box<Expr>, Filter, Vec<Expr>),
    Binary(Box<Expr>, BinOp, Box<Expr>),
    Not(Box<Expr>),
    Range(Box<Expr>),
    List(Vec<Expr>),
    Test(Box<Expr>, Test),
    /// A method call: the loop's `cycle` and `changed`, with spread arguments too (an empty
    /// `cycle()` once panicked inside minijinja).
    Method(Box<Expr>, Method, Vec<Arg>),
}

#[derive(Debug, Arbitrary)]
enum Method {
    Cycle,
    Changed,
}

#[derive(Debug, Arbitrary)]
enum Arg {
    Pos(Expr),
    Splat(Expr),
    KwargsSplat(Expr),
}

#[derive(Debug, Arbitrary)]
enum Var {
    Title,
    Url,
    Canonical,
    Author,
    Authors,
    Site,
    Published,
    Description,
    Lang,
    Created,
    Updated,
    Aliases,
    Tags,
    Quotes,
    Quote,
    Text,
    Comment,
    Id,
    FragmentUrl,
    Private,
    Rendered,
    Loop,
    Index,
    X,
    Y,
}

#[derive(Debug, Arbitrary)]
enum Filter {
    Yaml,
    Blockquote,
    Hashtag,
    Date,
    Upper,
    Lower,
    Title,
    Trim,
    Join,
    Map,
    Replace,
    Length,
    First,
    Last,
    Default,
    List,
    Sort,
    Unique,
    Reverse,
    Indent,
    Safe,
    Escape,
    Tojson,
    Batch,
    Slice,
    Items,
    Dictsort,
    Int,
    Float,
    Abs,
    Round,
    Capitalize,
    Split,
    Lines,
    Select,
    Reject,
    Attr,
    Format,
    Min,
    Max,
    Sum,
    Urlencode,
    Pprint,
    Bool,
    Chain,
    Zip,
}

#[derive(Debug, Arbitrary)]
enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Rem,
    Pow,
    Concat,
    Eq,
    Lt,
    And,
    Or,
    In,
}

#[derive(Debug, Arbitrary)]
enum Test {
    Defined,
    None,
    String,
    Number,
    Sequence,
    Odd,
    StartingWith(String),
}

#[derive(Debug, Arbitrary)]
struct Page {
    title: String,
    url: String,
    canonical: Option<String>,
    aliases: Vec<String>,
    authors: Vec<String>,
    site: Option<String>,
    published: Option<String>,
    description: Option<String>,
    lang: Option<String>,
    created: Stamp,
    updated: Stamp,
    quotes: Vec<PageQuote>,
}

#[derive(Debug, Arbitrary)]
enum Stamp {
    Valid(u32),
    Text(String),
}

impl Stamp {
    fn text(&self) -> String {
        match self {
            Stamp::Valid(seconds) => {
                let days = i64::from(*seconds) / 86_400 + 7_000;
                let (y, m, d) = quotebook_core::time::civil_from_days(days);
                let s = seconds % 86_400;
                format!(
                    "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
                    s / 3600,
                    s / 60 % 60,
                    s % 60,
                    seconds % 1000
                )
            }
            Stamp::Text(text) => text.clone(),
        }
    }
}

#[derive(Debug, Arbitrary)]
struct PageQuote {
    markdown: String,
    text: String,
    comment: String,
    tags: Vec<String>,
    fragment: Option<String>,
    position: Option<u16>,
    private: bool,
    created: Stamp,
    /// An index into the kinds (callouts in the default template).
    kind: u8,
}

fn var(v: &Var) -> &'static str {
    match v {
        Var::Title => "title",
        Var::Url => "url",
        Var::Canonical => "canonical",
        Var::Author => "author",
        Var::Authors => "authors",
        Var::Site => "site",
        Var::Published => "published",
        Var::Description => "description",
        Var::Lang => "lang",
        Var::Created => "created",
        Var::Updated => "updated",
        Var::Aliases => "aliases",
        Var::Tags => "tags",
        Var::Quotes => "quotes",
        Var::Quote => "quote",
        Var::Text => "text",
        Var::Comment => "comment",
        Var::Id => "id",
        Var::FragmentUrl => "fragment_url",
        Var::Private => "private",
        Var::Rendered => "rendered",
        Var::Loop => "loop",
        Var::Index => "index",
        Var::X => "x",
        Var::Y => "y",
    }
}

fn filter(f: &Filter) -> &'static str {
    match f {
        Filter::Yaml => "yaml",
        Filter::Blockquote => "blockquote",
        Filter::Hashtag => "hashtag",
        Filter::Date => "date",
        Filter::Upper => "upper",
        Filter::Lower => "lower",
        Filter::Title => "title",
        Filter::Trim => "trim",
        Filter::Join => "join",
        Filter::Map => "map",
        Filter::Replace => "replace",
        Filter::Length => "length",
        Filter::First => "first",
        Filter::Last => "last",
        Filter::Default => "default",
        Filter::List => "list",
        Filter::Sort => "sort",
        Filter::Unique => "unique",
        Filter::Reverse => "reverse",
        Filter::Indent => "indent",
        Filter::Safe => "safe",
        Filter::Escape => "escape",
        Filter::Tojson => "tojson",
        Filter::Batch => "batch",
        Filter::Slice => "slice",
        Filter::Items => "items",
        Filter::Dictsort => "dictsort",
        Filter::Int => "int",
        Filter::Float => "float",
        Filter::Abs => "abs",
        Filter::Round => "round",
        Filter::Capitalize => "capitalize",
        Filter::Split => "split",
        Filter::Lines => "lines",
        Filter::Select => "select",
        Filter::Reject => "reject",
        Filter::Attr => "attr",
        Filter::Format => "format",
        Filter::Min => "min",
        Filter::Max => "max",
        Filter::Sum => "sum",
        Filter::Urlencode => "urlencode",
        Filter::Pprint => "pprint",
        Filter::Bool => "bool",
        Filter::Chain => "chain",
        Filter::Zip => "zip",
    }
}

/// A string literal in the template language.
fn push_str_literal(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_expr(out: &mut String, e: &Expr) {
    match e {
        Expr::Var(v) => out.push_str(var(v)),
        Expr::Str(s) => push_str_literal(out, s),
        Expr::Int(i) => out.push_str(&i.to_string()),
        Expr::Attr(e, v) => {
            out.push('(');
            push_expr(out, e);
            out.push_str(").");
            out.push_str(var(v));
        }
        Expr::Index(e, i) => {
            out.push('(');
            push_expr(out, e);
            out.push_str(")[");
            push_expr(out, i);
            out.push(']');
        }
        Expr::Filter(e, f, args) => {
            out.push('(');
            push_expr(out, e);
            out.push_str(" | ");
            out.push_str(filter(f));
            if !args.is_empty() {
                out.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    push_expr(out, a);
                }
                out.push(')');
            }
            out.push(')');
        }
        Expr::Binary(a, op, b) => {
            out.push('(');
            push_expr(out, a);
            out.push_str(match op {
                BinOp::Add => " + ",
                BinOp::Sub => " - ",
                BinOp::Mul => " * ",
                BinOp::Div => " / ",
                BinOp::FloorDiv => " // ",
                BinOp::Rem => " % ",
                BinOp::Pow => " ** ",
                BinOp::Concat => " ~ ",
                BinOp::Eq => " == ",
                BinOp::Lt => " < ",
                BinOp::And => " and ",
                BinOp::Or => " or ",
                BinOp::In => " in ",
            });
            push_expr(out, b);
            out.push(')');
        }
        Expr::Not(e) => {
            out.push_str("not (");
            push_expr(out, e);
            out.push(')');
        }
        Expr::Range(e) => {
            out.push_str("range(");
            push_expr(out, e);
            out.push(')');
        }
        Expr::List(items) => {
            out.push('[');
            for (i, a) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_expr(out, a);
            }
            out.push(']');
        }
        Expr::Method(e, m, args) => {
            out.push('(');
            push_expr(out, e);
            out.push_str(match m {
                Method::Cycle => ").cycle(",
                Method::Changed => ").changed(",
            });
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match a {
                    Arg::Pos(e) => push_expr(out, e),
                    Arg::Splat(e) => {
                        out.push('*');
                        push_expr(out, e);
                    }
                    Arg::KwargsSplat(e) => {
                        out.push_str("**");
                        push_expr(out, e);
                    }
                }
            }
            out.push(')');
        }
        Expr::Test(e, t) => {
            out.push('(');
            push_expr(out, e);
            out.push_str(" is ");
            match t {
                Test::Defined => out.push_str("defined"),
                Test::None => out.push_str("none"),
                Test::String => out.push_str("string"),
                Test::Number => out.push_str("number"),
                Test::Sequence => out.push_str("sequence"),
                Test::Odd => out.push_str("odd"),
                Test::StartingWith(s) => {
                    out.push_str("startingwith(");
                    push_str_literal(out, s);
                    out.push(')');
                }
            }
            out.push(')');
        }
    }
}

fn push_pieces(out: &mut String, pieces: &[Piece]) {
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Print(e) => {
                out.push_str("{{ ");
                push_expr(out, e);
                out.push_str(" }}");
            }
            Piece::If(c, then, otherwise) => {
                out.push_str("{% if ");
                push_expr(out, c);
                out.push_str(" %}");
                push_pieces(out, then);
                out.push_str("{% else %}");
                push_pieces(out, otherwise);
                out.push_str("{% endif %}");
            }
            Piece::For(v, e, body) => {
                out.push_str("{% for ");
                out.push_str(var(v));
                out.push_str(" in ");
                push_expr(out, e);
                out.push_str(" %}");
                push_pieces(out, body);
                out.push_str("{% endfor %}");
            }
            Piece::Set(v, e) => {
                out.push_str("{% set ");
                out.push_str(var(v));
                out.push_str(" = ");
                push_expr(out, e);
                out.push_str(" %}");
            }
            Piece::Raw(t) => {
                out.push_str("{% raw %}");
                out.push_str(t);
                out.push_str("{% endraw %}");
            }
            Piece::Comment(t) => {
                out.push_str("{# ");
                out.push_str(t);
                out.push_str(" #}");
            }
        }
    }
}

fn source(s: &Source) -> String {
    match s {
        Source::Default => String::new(),
        Source::Raw(t) => t.clone(),
        Source::Pieces(pieces) => {
            let mut out = String::new();
            push_pieces(&mut out, pieces);
            out
        }
    }
}

fn note(page: &Page) -> Note {
    Note {
        schema: SCHEMA_VERSION,
        id: page.url.clone(),
        url: page.url.clone(),
        canonical: page.canonical.clone(),
        aliases: page.aliases.clone(),
        title: page.title.clone(),
        authors: page.authors.clone(),
        site: page.site.clone(),
        published: page.published.clone(),
        description: page.description.clone(),
        lang: page.lang.clone(),
        created: page.created.text(),
        updated: page.updated.text(),
        quotes: page
            .quotes
            .iter()
            .enumerate()
            .map(|(i, q)| Quote {
                id: format!("q{i}"),
                markdown: q.markdown.clone(),
                text: q.text.clone(),
                created: q.created.text(),
                comment: q.comment.clone(),
                tags: q.tags.clone(),
                fragment: q.fragment.clone(),
                selector: None,
                private: q.private,
                position: q.position.map(usize::from),
                kind: QuoteKind::ALL[usize::from(q.kind) % QuoteKind::ALL.len()],
                images: Vec::new(),
            })
            .collect(),
    }
}

/// YAML 1.2's printable characters: anything else makes a strict reader (js-yaml, which
/// Obsidian uses) refuse the whole frontmatter.
fn yaml_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

fn parse_yaml(text: &str) -> Yaml {
    if let Some(c) = text.chars().find(|c| !yaml_printable(*c)) {
        panic!("a non-printable {c:?} in YAML:\n{text}");
    }
    let docs =
        YamlLoader::load_from_str(text).unwrap_or_else(|e| panic!("invalid YAML ({e}):\n{text}"));
    docs.into_iter().next().expect("one document")
}

fn string<'a>(yaml: &'a Yaml, key: &str, text: &str) -> &'a str {
    match &yaml[key] {
        Yaml::String(s) => s,
        other => panic!("{key} is not a string but {other:?} in\n{text}"),
    }
}

fn strings(yaml: &Yaml, key: &str, text: &str) -> Vec<String> {
    match &yaml[key] {
        Yaml::Array(items) => items
            .iter()
            .map(|i| match i {
                Yaml::String(s) => s.clone(),
                other => panic!("an item of {key} is {other:?} in\n{text}"),
            })
            .collect(),
        other => panic!("{key} is not a list but {other:?} in\n{text}"),
    }
}

/// The note's tags, once each, in order: what templates see as `tags`.
fn note_tags(note: &Note) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in note.quotes.iter().flat_map(|q| &q.tags) {
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    tags
}

fn check_yaml(note: &Note, options: &RenderOptions) {
    // The filter in a reader's template.
    let templates = Templates {
        note: "t: {{ title | yaml }}\na: {{ authors | yaml }}\ns: {{ site | yaml }}\n\
               d: {{ description | yaml }}\ng: {{ tags | yaml }}\nu: {{ url | yaml }}\n"
            .into(),
        quote: String::new(),
    };
    let rendered = render_note(note, &templates, options);
    assert_eq!(rendered.error, None);
    let text = &rendered.markdown;
    let yaml = parse_yaml(text);
    assert_eq!(string(&yaml, "t", text), note.title);
    assert_eq!(strings(&yaml, "a", text), note.authors);
    assert_eq!(string(&yaml, "s", text), note.site.as_deref().unwrap_or(""));
    assert_eq!(
        string(&yaml, "d", text),
        note.description.as_deref().unwrap_or("")
    );
    assert_eq!(strings(&yaml, "g", text), note_tags(note));
    assert_eq!(string(&yaml, "u", text), note.url);

    // The default frontmatter.
    let rendered = render_note(note, &Templates::default(), options);
    assert_eq!(rendered.error, None);
    let markdown = &rendered.markdown;
    let body = markdown.strip_prefix("---\n").expect("frontmatter opens");
    let end = body.find("\n---\n").expect("frontmatter closes");
    let text = &body[..end + 1];
    let yaml = parse_yaml(text);
    assert_eq!(string(&yaml, "title", text), note.title);
    assert_eq!(string(&yaml, "source", text), note.url);
    let author = note.authors.join(", ");
    if !author.is_empty() {
        assert_eq!(string(&yaml, "author", text), author);
    }
    if let Some(published) = note.published.as_deref().filter(|p| !p.is_empty()) {
        assert_eq!(string(&yaml, "published", text), published);
    }
    let tags = note_tags(note);
    if !tags.is_empty() {
        assert_eq!(strings(&yaml, "tags", text), tags);
    }
    assert_eq!(string(&yaml, "created", text), note.created);
    assert_eq!(string(&yaml, "updated", text), note.updated);
}

fuzz_target!(|input: Input| {
    let note = note(&input.page);
    let options = RenderOptions {
        tz_offset_minutes: i32::from(input.tz_offset_minutes),
        locale: match &input.locale {
            Locale::En => "en-GB".into(),
            Locale::EnUs => "en-US".into(),
            Locale::Fr => "fr".into(),
            Locale::De => "de-DE".into(),
            Locale::Es => "es_ES".into(),
            Locale::Other(s) => s.clone(),
        },
        quote_order: if input.page_order {
            QuoteOrder::Page
        } else {
            QuoteOrder::Saved
        },
        ..RenderOptions::default()
    };
    let templates = Templates {
        note: source(&input.note),
        quote: source(&input.quote),
    };

    let start = Instant::now();
    let mut renderer = Renderer::new(&templates, &options);
    let rendered = renderer.render(&note);
    let elapsed = start.elapsed();
    assert!(
        elapsed < TIME_BOUND,
        "rendering took {elapsed:?}: {templates:#?}"
    );

    // Every quote rendered once, in the order asked for.
    let ids: Vec<&str> = rendered.quotes.iter().map(|q| q.id.as_str()).collect();
    let mut expected: Vec<&Quote> = note.quotes.iter().collect();
    if input.page_order {
        expected.sort_by_key(|q| q.position.unwrap_or(usize::MAX));
    }
    let expected: Vec<&str> = expected.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, expected);
    assert!(rendered.markdown.ends_with('\n'));
    for q in &rendered.quotes {
        assert!(q.block.ends_with('\n'), "{q:?}");
    }

    if let Some(error) = &rendered.error {
        assert!(!error.message.is_empty());
        assert!(error.template == "note" || error.template == "quote");
        // The note falls back to the defaults, exactly.
        let fallback = render_note(&note, &Templates::default(), &options);
        assert_eq!(fallback.error, None);
        assert_eq!(rendered.markdown, fallback.markdown);
        assert_eq!(rendered.quotes, fallback.quotes);
    }

    check_yaml(&note, &options);
});
