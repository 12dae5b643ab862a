//! Notes and quotes rendered through reader-editable templates (Jinja syntax, by minijinja).
//!
//! A note renders in two steps: each quote through the quote template, then the note
//! template with the rendered quotes. The sync planner needs both: the whole file, and each
//! quote's block to append to a file the reader has edited.
//!
//! Rendering never fails for the caller: a broken user template is reported (with line and
//! column) and the note is rendered with the default templates instead. A fuel limit stops
//! templates that would loop for too long.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Kwargs, Rest, Serde, Value};
use minijinja::{Environment, ErrorKind, State, UndefinedBehavior};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::note::{Note, Quote};
use crate::time;
use crate::yaml;

pub mod reference;

/// The default note template: reproduces the example note of the README.
pub const DEFAULT_NOTE_TEMPLATE: &str = "---
title: {{ title | yaml }}
source: {{ url | yaml }}
{% if author %}author: {{ author | yaml }}
{% endif %}{% if published %}published: {{ published | yaml }}
{% endif %}{% if tags %}tags: {{ tags | yaml }}
{% endif %}created: {{ created | yaml }}
updated: {{ updated | yaml }}
---
{{ url }}
{% for quote in quotes %}
{{ quote.rendered }}{% endfor %}";

/// The default quote template: the quote as a blockquote, the reader's comment after it.
pub const DEFAULT_QUOTE_TEMPLATE: &str = "{{ quote | blockquote }}\n\
{% if tags %}\n{{ tags | map('hashtag') | join(' ') }}\n{% endif %}\
{% if comment %}\n{{ comment }}\n{% endif %}";

/// Template sources; empty strings mean the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Templates {
    pub note: String,
    pub quote: String,
}

/// What the core cannot know by itself: the reader's time zone offset (minutes east of UTC,
/// as the browser observes it now) and locale (a BCP 47 tag such as `en-GB` or `fr`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RenderOptions {
    pub tz_offset_minutes: i32,
    pub locale: String,
    /// The order of a note's quotes: as saved (the default) or as they stand in the page.
    pub quote_order: QuoteOrder,
    /// How kept images are embedded (see [`crate::embed`]).
    pub images: crate::embed::ImageOptions,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum QuoteOrder {
    #[default]
    Saved,
    /// By position in the page; quotes without a known position keep their saved order,
    /// after the others.
    Page,
}

/// Read by hand from its name: the derive's enum machinery cost the wasm module about 1 KB.
impl<'de> Deserialize<'de> for QuoteOrder {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        match name.as_str() {
            "saved" => Ok(QuoteOrder::Saved),
            "page" => Ok(QuoteOrder::Page),
            other => Err(serde::de::Error::unknown_variant(other, &["saved", "page"])),
        }
    }
}

/// A rendered note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendered {
    /// The whole file.
    pub markdown: String,
    /// Each quote's block, in the note's order, by quote id.
    pub quotes: Vec<RenderedQuote>,
    /// Set when a user template failed and the defaults were used.
    pub error: Option<TemplateError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedQuote {
    pub id: String,
    pub block: String,
}

/// A template error, located for the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateError {
    /// Which template: `note` or `quote`.
    pub template: &'static str,
    pub message: String,
    /// 1-based; 0 when the engine could not locate it.
    pub line: usize,
    pub column: usize,
}

impl From<TemplateError> for Error {
    fn from(e: TemplateError) -> Error {
        Error::Template {
            message: format!("{} template: {}", e.template, e.message),
            line: e.line,
            column: e.column,
        }
    }
}

/// Fuel for user templates: enough for any sensible template over a large note, so that
/// only a loop that runs away stops. minijinja charges one fuel per instruction and one per
/// 64 bytes of data handled, so the budget grows with the note: each byte may pass through
/// a template many times (filters, the quote block, the whole file) before fuel runs out.
/// The default templates are ours and linear, and run without a limit.
const FUEL_BASE: u64 = 200_000;
const FUEL_PER_QUOTE: u64 = 500;
const FUEL_BYTE_PASSES: u64 = 16;

fn fuel_for(note: &Note) -> u64 {
    let bytes: usize = note
        .quotes
        .iter()
        .map(|q| q.markdown.len() + q.text.len() + q.comment.len() + 64)
        .sum::<usize>()
        + note.title.len()
        + note.url.len()
        + note.description.as_ref().map_or(0, String::len);
    FUEL_BASE
        + FUEL_PER_QUOTE * note.quotes.len() as u64
        + (bytes as u64).saturating_mul(FUEL_BYTE_PASSES) / 64
}

/// Renders `note` through `templates`, falling back to the defaults on error. To render
/// many notes, make one [`Renderer`] instead: it compiles the templates once.
pub fn render_note(note: &Note, templates: &Templates, options: &RenderOptions) -> Rendered {
    Renderer::new(templates, options).render(note)
}

/// Templates compiled once, to render any number of notes.
#[derive(Debug)]
pub struct Renderer {
    /// The reader's templates, or `None` when they are the defaults or do not compile.
    custom: Option<Compiled>,
    /// Why the reader's templates could not be compiled, reported with every rendering.
    compile_error: Option<TemplateError>,
    defaults: Compiled,
    quote_order: QuoteOrder,
    /// For the images' attachments: how they embed, the zone of their folder's fields.
    options: RenderOptions,
}

#[derive(Debug)]
struct Compiled {
    env: Environment<'static>,
    /// Kept to locate runtime errors (line and column) in the reader's source.
    note_source: String,
    quote_source: String,
}

impl Renderer {
    pub fn new(templates: &Templates, options: &RenderOptions) -> Renderer {
        // Not `expect`: it would keep `TemplateError`'s `Debug` in the wasm module.
        let Ok(defaults) = Compiled::new(
            DEFAULT_NOTE_TEMPLATE.into(),
            DEFAULT_QUOTE_TEMPLATE.into(),
            options,
        ) else {
            panic!("the default templates compile")
        };
        let is_custom = !templates.note.trim().is_empty() || !templates.quote.trim().is_empty();
        let (custom, compile_error) = if is_custom {
            match Compiled::new(
                source(&templates.note, DEFAULT_NOTE_TEMPLATE),
                source(&templates.quote, DEFAULT_QUOTE_TEMPLATE),
                options,
            ) {
                Ok(compiled) => (Some(compiled), None),
                Err(error) => (None, Some(error)),
            }
        } else {
            (None, None)
        };
        Renderer {
            custom,
            compile_error,
            defaults,
            quote_order: options.quote_order,
            options: options.clone(),
        }
    }

    /// Renders one note; a failing user template falls back to the defaults and is reported.
    /// The text is the file's: without control characters
    /// ([`quotebook_html::chars::strip_controls`]), whichever field or template they came
    /// from (a comment, a backup's Markdown, the template itself).
    pub fn render(&mut self, note: &Note) -> Rendered {
        let note = crate::embed::with_attachments(note, &self.options);
        let mut rendered = self.render_raw(&note);
        strip_in_place(&mut rendered.markdown);
        for quote in &mut rendered.quotes {
            strip_in_place(&mut quote.block);
        }
        rendered
    }

    fn render_raw(&mut self, note: &Note) -> Rendered {
        let mut error = self.compile_error.clone();
        if let Some(custom) = &mut self.custom {
            custom.env.set_fuel(Some(fuel_for(note)));
            match custom.render(note, self.quote_order) {
                Ok((markdown, quotes)) => {
                    return Rendered {
                        markdown,
                        quotes,
                        error: None,
                    };
                }
                Err(runtime) => error = Some(runtime),
            }
        }
        let (markdown, quotes) = self
            .defaults
            .render(note, self.quote_order)
            .unwrap_or_else(|_| plain_rendering(note));
        Rendered {
            markdown,
            quotes,
            error,
        }
    }
}

impl Compiled {
    fn new(
        note_source: String,
        quote_source: String,
        options: &RenderOptions,
    ) -> Result<Compiled, TemplateError> {
        let mut env = environment(options);
        env.add_template_owned("quote", quote_source.clone())
            .map_err(|e| locate("quote", &quote_source, e))?;
        reject_empty_cycle("quote", &quote_source)?;
        env.add_template_owned("note", note_source.clone())
            .map_err(|e| locate("note", &note_source, e))?;
        reject_empty_cycle("note", &note_source)?;
        Ok(Compiled {
            env,
            note_source,
            quote_source,
        })
    }

    fn render(
        &self,
        note: &Note,
        order: QuoteOrder,
    ) -> Result<(String, Vec<RenderedQuote>), TemplateError> {
        let quote_template = self.env.get_template("quote").expect("compiled");
        let note_template = self.env.get_template("note").expect("compiled");
        let base = NoteContext::new(note);
        let mut ordered: Vec<&Quote> = note.quotes.iter().collect();
        if order == QuoteOrder::Page {
            ordered.sort_by_key(|q| q.position.unwrap_or(usize::MAX));
        }
        let mut rendered = Vec::with_capacity(note.quotes.len());
        let mut quote_values = Vec::with_capacity(note.quotes.len());
        for quote in ordered {
            let context = QuoteContext::new(&base, quote);
            let mut block = quote_template
                .render(Value::from(Serde(&context)))
                .map_err(|e| locate("quote", &self.quote_source, e))?;
            if !block.ends_with('\n') {
                block.push('\n');
            }
            quote_values.push(RenderedQuoteContext {
                context,
                rendered: block.clone(),
            });
            rendered.push(RenderedQuote {
                id: quote.id.clone(),
                block,
            });
        }
        let context = FullNoteContext {
            note: &base,
            quotes: quote_values,
        };
        let mut markdown = note_template
            .render(Value::from(Serde(&context)))
            .map_err(|e| locate("note", &self.note_source, e))?;
        if !markdown.ends_with('\n') {
            markdown.push('\n');
        }
        Ok((markdown, rendered))
    }
}

impl Note {
    /// The note as a Markdown file, through the default templates in UTC.
    pub fn to_markdown(&self) -> String {
        render_note(self, &Templates::default(), &RenderOptions::default()).markdown
    }
}

fn strip_in_place(text: &mut String) {
    if let std::borrow::Cow::Owned(clean) = quotebook_html::chars::strip_controls(text) {
        *text = clean;
    }
}

fn source(custom: &str, default: &str) -> String {
    if custom.trim().is_empty() {
        default.to_owned()
    } else {
        custom.to_owned()
    }
}

/// A last resort that cannot fail: the quotes as blockquotes under the source. Only reached
/// if the default templates themselves failed, which their tests rule out.
fn plain_rendering(note: &Note) -> (String, Vec<RenderedQuote>) {
    let mut markdown = format!("{}\n", note.url);
    let quotes: Vec<RenderedQuote> = note
        .quotes
        .iter()
        .map(|q| RenderedQuote {
            id: q.id.clone(),
            block: crate::note::blockquote(&q.markdown),
        })
        .collect();
    for quote in &quotes {
        markdown.push('\n');
        markdown.push_str(&quote.block);
    }
    (markdown, quotes)
}

/// The filters and tests of one signature share one type, a function pointer: minijinja
/// compiles its argument conversion once per type it is given (each closure is a type of its
/// own), and those copies cost the wasm module about 1 KB each.
type StringFilter = fn(String) -> String;
type ValueFilter = fn(Value) -> Result<Value, minijinja::Error>;
type ValueTest = fn(Value) -> bool;

fn environment(options: &RenderOptions) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    env.set_syntax(
        SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.add_filter("yaml", yaml_filter as ValueFilter);
    env.add_filter(
        "blockquote",
        (|text: String| {
            let mut quoted = crate::note::blockquote(&text);
            quoted.truncate(quoted.trim_end_matches('\n').len());
            quoted
        }) as StringFilter,
    );
    env.add_filter("hashtag", (|tag: String| format!("#{tag}")) as StringFilter);
    let options = options.clone();
    env.add_filter("date", move |value: String, format: Option<String>| {
        format_date(&value, format.as_deref().unwrap_or("%Y-%m-%d"), &options)
    });
    add_jinja_basics(&mut env);
    env
}

/// Charges one fuel per 64 bytes of `value` when it is a string, as the engine charges a
/// filter for the string it works on and the one it returns.
fn charge_bytes(state: &State, value: &Value) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(s) => state.consume_fuel(s.len() as u64 / 64),
        None => Ok(()),
    }
}

/// The everyday Jinja filters, tests and `range`. minijinja's own set (its `builtins`
/// feature) costs about 70 KB of the gzipped wasm module, so templates get these instead.
/// minijinja charges every filter call for the string it works on and the value it
/// returns; these charge further for the items and bytes the engine cannot see (one per
/// item, one per 64 bytes): what they build before returning it (`replace`, `join`,
/// `range`), the items they walk (`map`, `last`) and the filters `map` calls.
fn add_jinja_basics(env: &mut Environment<'static>) {
    env.add_filter("upper", (|s: String| s.to_uppercase()) as StringFilter);
    env.add_filter("lower", (|s: String| s.to_lowercase()) as StringFilter);
    env.add_filter("trim", (|s: String| s.trim().to_owned()) as StringFilter);
    env.add_filter(
        "capitalize",
        (|s: String| {
            let mut chars = s.chars();
            chars.next().map_or_else(String::new, |first| {
                first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect()
            })
        }) as StringFilter,
    );
    env.add_filter(
        "replace",
        |state: &State, s: String, from: String, to: String| -> Result<String, minijinja::Error> {
            let count = if from.is_empty() {
                s.chars().count() + 1
            } else {
                s.matches(from.as_str()).count()
            };
            let bytes = s.len().saturating_add(count.saturating_mul(to.len()));
            state.consume_fuel(bytes as u64 / 64 + 1)?;
            Ok(s.replace(from.as_str(), &to))
        },
    );
    env.add_filter(
        "join",
        |state: &State, value: Value, joiner: Option<String>| -> Result<String, minijinja::Error> {
            let joiner = joiner.unwrap_or_default();
            let mut out = String::new();
            for (i, item) in items(&value)?.enumerate() {
                let item = item.to_string();
                state.consume_fuel(((item.len() + joiner.len()) / 64 + 1) as u64)?;
                if i > 0 {
                    out.push_str(&joiner);
                }
                out.push_str(&item);
            }
            Ok(out)
        },
    );
    env.add_filter(
        "map",
        |state: &mut State,
         value: Value,
         args: Rest<Value>,
         kwargs: Kwargs|
         -> Result<Vec<Value>, minijinja::Error> {
            let attribute: Option<String> = kwargs.get("attribute")?;
            kwargs.assert_all_used()?;
            let mut out = Vec::new();
            for item in items(&value)? {
                state.consume_fuel(1)?;
                out.push(match (&attribute, args.split_first()) {
                    (Some(attribute), None) => item.get_attr(attribute).unwrap_or_default(),
                    (None, Some((filter, rest))) => {
                        // A filter called from here escapes the engine's charges for a
                        // filter call (the string it works on, the value it returns):
                        // made here instead, so `map('upper')` costs what `upper` does.
                        let filter = filter.as_str().unwrap_or_default().to_owned();
                        charge_bytes(state, &item)?;
                        let mut call = vec![item];
                        call.extend_from_slice(rest);
                        let result = state.apply_filter(&filter, &call)?;
                        charge_bytes(state, &result)?;
                        result
                    }
                    _ => {
                        return Err(minijinja::Error::new(
                            ErrorKind::InvalidOperation,
                            "map needs a filter name or attribute=",
                        ));
                    }
                });
            }
            Ok(out)
        },
    );
    env.add_filter("default", |value: Value, other: Option<Value>| {
        if value.is_undefined() {
            other.unwrap_or_else(|| Value::from(""))
        } else {
            value
        }
    });
    env.add_filter(
        "length",
        (|value: Value| Ok(Value::from(value.len().unwrap_or(0)))) as ValueFilter,
    );
    env.add_filter(
        "first",
        (|value: Value| Ok(items(&value)?.next().unwrap_or_default())) as ValueFilter,
    );
    env.add_filter(
        "last",
        |state: &State, value: Value| -> Result<Value, minijinja::Error> {
            // The engine charges a string's bytes, not the items of a list walked here:
            // one each, as `map` charges.
            if value.as_str().is_none() {
                state.consume_fuel(value.len().unwrap_or(0) as u64 + 1)?;
            }
            Ok(items(&value)?.last().unwrap_or_default())
        },
    );
    env.add_test(
        "defined",
        (|value: Value| !value.is_undefined()) as ValueTest,
    );
    env.add_test(
        "undefined",
        (|value: Value| value.is_undefined()) as ValueTest,
    );
    env.add_test("none", (|value: Value| value.is_none()) as ValueTest);
    env.add_function(
        "range",
        |from: i64, to: Option<i64>, step: Option<i64>| -> Result<Value, minijinja::Error> {
            let (from, to) = to.map_or((0, from), |to| (from, to));
            let step = step.unwrap_or(1);
            if step == 0 {
                return Err(minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    "range with a step of 0",
                ));
            }
            let (from, to, step) = (i128::from(from), i128::from(to), i128::from(step));
            let count = ((to - from + step - step.signum()) / step).max(0);
            if count > 100_000 {
                return Err(minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    "range has too many elements",
                ));
            }
            Ok(Value::from_iter((0..count).map(|i| {
                i64::try_from(from + i * step).unwrap_or_default()
            })))
        },
    );
}

/// The items of a list, or the characters of a string (as Jinja iterates them).
fn items(value: &Value) -> Result<Box<dyn Iterator<Item = Value> + '_>, minijinja::Error> {
    if let Some(s) = value.as_str() {
        return Ok(Box::new(s.chars().map(Value::from)));
    }
    if value.is_undefined() || value.is_none() {
        return Ok(Box::new(std::iter::empty()));
    }
    Ok(Box::new(value.try_iter()?))
}

/// The `yaml` filter: a value as a YAML scalar (or flow sequence, for lists) that parses
/// back to exactly the same data, whatever it holds.
fn yaml_filter(value: Value) -> Result<Value, minijinja::Error> {
    Ok(Value::from(yaml_text(&value)))
}

fn yaml_text(value: &Value) -> String {
    let mut out = String::new();
    if let (Ok(items), None) = (value.try_iter(), value.as_str()) {
        out.push('[');
        for (i, item) in items.enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            yaml::push_quoted(&mut out, &item.to_string());
        }
        out.push(']');
        return out;
    }
    if value.is_undefined() || value.is_none() {
        out.push_str("\"\"");
    } else {
        yaml::push_scalar(&mut out, &value.to_string());
    }
    out
}

fn locate(template: &'static str, source: &str, error: minijinja::Error) -> TemplateError {
    let message = match error.kind() {
        ErrorKind::OutOfFuel => "the template runs too long (does it loop without end?)".to_owned(),
        _ => error
            .detail()
            .map_or_else(|| error.kind().to_string(), str::to_owned),
    };
    let (line, column) = match (error.line(), error.range()) {
        (_, Some(range)) => line_column(source, range.start),
        (Some(line), None) => (line, 1),
        (None, None) => (0, 0),
    };
    TemplateError {
        template,
        message,
        line,
        column,
    }
}

/// minijinja 3.1 panics on `loop.cycle()` without arguments (a remainder by zero), and a
/// panic would abort the wasm module, losing the quote being saved. A call of a method named
/// `cycle` with nothing between its parentheses, or whose arguments start with a spread
/// (`*items` or `**map`, which may be empty), is refused when the template is compiled:
/// with any other receiver than a loop it would fail anyway (no such method).
fn reject_empty_cycle(template: &'static str, source: &str) -> Result<(), TemplateError> {
    match find_empty_cycle(source) {
        Some(at) => {
            let (line, column) = line_column(source, at);
            Err(TemplateError {
                template,
                message:
                    "cycle() needs at least one value to cycle through, written out (not a spread)"
                        .to_owned(),
                line,
                column,
            })
        }
        None => Ok(()),
    }
}

/// The byte offset of `cycle` in the first `.cycle()` or `.cycle(*` (blanks allowed between
/// the tokens) inside a `{{ }}` or `{% %}` tag, outside string literals; text, comments and
/// raw blocks are skipped as minijinja's lexer skips them (default delimiters).
fn find_empty_cycle(source: &str) -> Option<usize> {
    let b = source.as_bytes();
    let blanks = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    // `{%` at `at` opens a tag `name` alone (with optional `-`/`+` markers): its end.
    let basic_tag = |at: usize, name: &str| {
        let mut i = at + 2;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        i = blanks(i);
        if !b[i..].starts_with(name.as_bytes()) {
            return None;
        }
        i = blanks(i + name.len());
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        b[i..].starts_with(b"%}").then_some(i + 2)
    };
    let mut i = 0;
    while let Some(open) = source[i..].find('{').map(|o| o + i) {
        let kind = b.get(open + 1).copied();
        i = open + 1;
        match kind {
            Some(b'#') => match source[open + 2..].find("#}") {
                Some(end) => i = open + 2 + end + 2,
                None => return None,
            },
            Some(b'%') if basic_tag(open, "raw").is_some() => {
                let mut from = basic_tag(open, "raw")?;
                loop {
                    let next = source[from..].find("{%")? + from;
                    if let Some(end) = basic_tag(next, "endraw") {
                        i = end;
                        break;
                    }
                    from = next + 2;
                }
            }
            Some(close @ (b'{' | b'%')) => {
                let close = if close == b'{' { b'}' } else { b'%' };
                let mut j = open + 2;
                let mut depth = 0usize;
                loop {
                    match *b.get(j)? {
                        quote @ (b'\'' | b'"') => {
                            j += 1;
                            while *b.get(j)? != quote {
                                j += if b[j] == b'\\' { 2 } else { 1 };
                            }
                        }
                        b'(' | b'[' | b'{' => depth += 1,
                        b')' | b']' => depth = depth.saturating_sub(1),
                        b'}' if depth > 0 => depth -= 1,
                        c if c == close && depth == 0 && b.get(j + 1) == Some(&b'}') => break,
                        b'.' => {
                            let name = blanks(j + 1);
                            if b[name..].starts_with(b"cycle") {
                                let paren = blanks(name + 5);
                                if b.get(paren) == Some(&b'(')
                                    && matches!(b.get(blanks(paren + 1)), Some(b')' | b'*'))
                                {
                                    return Some(name);
                                }
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                i = j + 2;
            }
            _ => {}
        }
    }
    None
}

/// The 1-based line and column (in characters) of byte offset `at`.
fn line_column(source: &str, at: usize) -> (usize, usize) {
    let before = source.get(..at.min(source.len())).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

#[derive(Debug, Serialize)]
struct NoteContext<'a> {
    title: &'a str,
    url: &'a str,
    canonical: &'a str,
    author: String,
    authors: &'a [String],
    site: &'a str,
    published: &'a str,
    description: &'a str,
    lang: &'a str,
    created: &'a str,
    updated: &'a str,
    aliases: &'a [String],
    /// Every tag of the note's quotes, once each.
    tags: Vec<&'a str>,
}

impl<'a> NoteContext<'a> {
    fn new(note: &'a Note) -> Self {
        let mut tags: Vec<&str> = Vec::new();
        for tag in note.quotes.iter().flat_map(|q| &q.tags) {
            if !tags.contains(&tag.as_str()) {
                tags.push(tag);
            }
        }
        NoteContext {
            title: &note.title,
            url: &note.url,
            canonical: note.canonical.as_deref().unwrap_or(&note.id),
            author: note.authors.join(", "),
            authors: &note.authors,
            site: note.site.as_deref().unwrap_or(""),
            published: note.published.as_deref().unwrap_or(""),
            description: note.description.as_deref().unwrap_or(""),
            lang: note.lang.as_deref().unwrap_or(""),
            created: &note.created,
            updated: &note.updated,
            aliases: &note.aliases,
            tags,
        }
    }
}

#[derive(Debug, Serialize)]
struct QuoteContext<'a> {
    #[serde(flatten)]
    note: &'a NoteContext<'a>,
    id: &'a str,
    quote: &'a str,
    text: &'a str,
    comment: &'a str,
    tags: &'a [String],
    fragment_url: String,
    created: &'a str,
    private: bool,
}

impl<'a> QuoteContext<'a> {
    fn new(note: &'a NoteContext<'a>, quote: &'a Quote) -> Self {
        let fragment_url = match &quote.fragment {
            Some(fragment) => format!("{}#:~:{fragment}", note.url),
            None => note.url.to_owned(),
        };
        QuoteContext {
            note,
            id: &quote.id,
            quote: &quote.markdown,
            text: &quote.text,
            comment: &quote.comment,
            tags: &quote.tags,
            fragment_url,
            created: &quote.created,
            private: quote.private,
        }
    }
}

#[derive(Debug, Serialize)]
struct RenderedQuoteContext<'a> {
    #[serde(flatten)]
    context: QuoteContext<'a>,
    rendered: String,
}

#[derive(Debug, Serialize)]
struct FullNoteContext<'a> {
    #[serde(flatten)]
    note: &'a NoteContext<'a>,
    quotes: Vec<RenderedQuoteContext<'a>>,
}

const MONTHS: &[(&str, [&str; 12])] = &[
    (
        "en",
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
    ),
    (
        "fr",
        [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
    ),
    (
        "de",
        [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
    ),
    (
        "es",
        [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
    ),
];

const WEEKDAYS: &[(&str, [&str; 7])] = &[
    (
        "en",
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ],
    ),
    (
        "fr",
        [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        ],
    ),
    (
        "de",
        [
            "Montag",
            "Dienstag",
            "Mittwoch",
            "Donnerstag",
            "Freitag",
            "Samstag",
            "Sonntag",
        ],
    ),
    (
        "es",
        [
            "lunes",
            "martes",
            "miércoles",
            "jueves",
            "viernes",
            "sábado",
            "domingo",
        ],
    ),
];

fn names<'a, const N: usize>(table: &'a [(&str, [&'a str; N])], locale: &str) -> &'a [&'a str; N] {
    let language = locale
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    table
        .iter()
        .find(|(l, _)| *l == language)
        .map_or(&table[0].1, |(_, n)| n)
}

/// strftime-like formatting in the reader's zone: `%Y %m %d %H %M %S %B %b %A %a %z %%`;
/// `%x` is the locale's date (`5 June 2024`, `June 5, 2024`). Unparseable values pass through.
fn format_date(value: &str, format: &str, options: &RenderOptions) -> String {
    let Some(millis) = time::parse_instant(value) else {
        return value.to_owned();
    };
    let c = time::civil(millis, options.tz_offset_minutes);
    let months = names(MONTHS, &options.locale);
    let weekdays = names(WEEKDAYS, &options.locale);
    let month = months[(c.month - 1) as usize];
    let mut out = String::with_capacity(format.len() + 16);
    let mut chars = format.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&c.year.to_string()),
            Some('m') => out.push_str(&format!("{:02}", c.month)),
            Some('d') => out.push_str(&format!("{:02}", c.day)),
            Some('e') => out.push_str(&c.day.to_string()),
            Some('H') => out.push_str(&format!("{:02}", c.hour)),
            Some('M') => out.push_str(&format!("{:02}", c.minute)),
            Some('S') => out.push_str(&format!("{:02}", c.second)),
            Some('B') => out.push_str(month),
            Some('b') => out.extend(month.chars().take(3)),
            Some('A') => out.push_str(weekdays[c.weekday as usize]),
            Some('a') => out.extend(weekdays[c.weekday as usize].chars().take(3)),
            Some('z') => {
                let o = c.offset_minutes;
                let sign = if o < 0 { '-' } else { '+' };
                out.push_str(&format!("{sign}{:02}:{:02}", o.abs() / 60, o.abs() % 60));
            }
            Some('x') => {
                let us = options.locale.eq_ignore_ascii_case("en-US") || options.locale.is_empty();
                if us {
                    out.push_str(&format!("{month} {}, {}", c.day, c.year));
                } else {
                    out.push_str(&format!("{} {month} {}", c.day, c.year));
                }
            }
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::SCHEMA_VERSION;

    fn note() -> Note {
        Note {
            schema: SCHEMA_VERSION,
            id: "https://brooker.co.za/blog/2024/06/04/scale.html".into(),
            url: "https://brooker.co.za/blog/2024/06/04/scale.html".into(),
            title: "You don't need distributed systems?".into(),
            authors: vec!["Marc Brooker".into()],
            created: "2024-06-05T12:57:03.217Z".into(),
            updated: "2024-06-05T12:57:03.217Z".into(),
            quotes: vec![
                Quote {
                    id: "a".into(),
                    markdown: "It seems like everywhere I look on the internet these days, somebody's making some form of the following argument:".into(),
                    ..Quote::default()
                },
                Quote {
                    id: "b".into(),
                    markdown: "> You don't need distributed systems!".into(),
                    comment: "My comment on it.".into(),
                    ..Quote::default()
                },
                Quote {
                    id: "c".into(),
                    markdown: "Just like computer systems, organizations scale by [avoiding coordination](https://brooker.co.za/blog/2021/01/22/cloud-scale.html).".into(),
                    ..Quote::default()
                },
            ],
            ..Note::default()
        }
    }

    #[test]
    fn the_defaults_reproduce_the_readme_example() {
        let rendered = render_note(&note(), &Templates::default(), &RenderOptions::default());
        assert_eq!(rendered.error, None);
        assert_eq!(
            rendered.markdown,
            r#"---
title: "You don't need distributed systems?"
source: https://brooker.co.za/blog/2024/06/04/scale.html
author: Marc Brooker
created: 2024-06-05T12:57:03.217Z
updated: 2024-06-05T12:57:03.217Z
---
https://brooker.co.za/blog/2024/06/04/scale.html

> It seems like everywhere I look on the internet these days, somebody's making some form of the following argument:

> > You don't need distributed systems!

My comment on it.

> Just like computer systems, organizations scale by [avoiding coordination](https://brooker.co.za/blog/2021/01/22/cloud-scale.html).
"#
        );
        let ids: Vec<_> = rendered.quotes.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(
            rendered.quotes[1].block,
            "> > You don't need distributed systems!\n\nMy comment on it.\n"
        );
    }

    #[test]
    fn a_broken_template_is_located_and_the_default_is_used() {
        let templates = Templates {
            note: "title: {{ title }}\n{% for q in quotes %}\n{{ q.rendered }".into(),
            quote: String::new(),
        };
        let rendered = render_note(&note(), &templates, &RenderOptions::default());
        let error = rendered.error.expect("an error");
        assert_eq!((error.template, error.line), ("note", 3));
        assert!(error.column > 1, "{error:?}");
        assert!(rendered.markdown.starts_with("---\ntitle: \"You don't"));
    }

    #[test]
    fn a_runaway_template_runs_out_of_fuel() {
        let templates = Templates {
            note: "{% for a in range(1000) %}{% for b in range(1000) %}{{ a }}{% endfor %}{% endfor %}".into(),
            quote: String::new(),
        };
        let rendered = render_note(&note(), &templates, &RenderOptions::default());
        let error = rendered.error.expect("out of fuel");
        assert!(error.message.contains("too long"), "{error:?}");
    }

    #[test]
    fn dates_in_the_readers_zone_and_language() {
        let options = RenderOptions {
            tz_offset_minutes: -300,
            locale: "fr-FR".into(),
            ..RenderOptions::default()
        };
        let templates = Templates {
            note: "{{ created | date('%A %e %B %Y %H:%M %z') }} / {{ created | date('%x') }}"
                .into(),
            quote: String::new(),
        };
        let rendered = render_note(&note(), &templates, &options);
        assert_eq!(rendered.error, None);
        assert_eq!(
            rendered.markdown,
            "mercredi 5 juin 2024 07:57 -05:00 / 5 juin 2024\n"
        );
    }

    #[test]
    fn custom_templates_have_fuel_for_big_notes() {
        let mut n = note();
        n.quotes[0].markdown = "word ".repeat(2_000_000);
        let templates = Templates {
            note: "{{ title }}{% for q in quotes %}\n{{ q.rendered | upper }}{% endfor %}".into(),
            quote: "{{ quote | blockquote }}\n{{ text | lower }}".into(),
        };
        let rendered = render_note(&n, &templates, &RenderOptions::default());
        assert_eq!(rendered.error, None);
        assert!(rendered.markdown.len() > 10_000_000);
    }

    #[test]
    fn the_quote_order_reads_from_json() {
        let read = |json: &str| serde_json::from_str::<RenderOptions>(json);
        assert_eq!(read("{}").unwrap().quote_order, QuoteOrder::Saved);
        assert_eq!(
            read(r#"{"quoteOrder":"saved"}"#).unwrap().quote_order,
            QuoteOrder::Saved
        );
        assert_eq!(
            read(r#"{"quoteOrder":"page","locale":"fr"}"#)
                .unwrap()
                .quote_order,
            QuoteOrder::Page
        );
        let error = read(r#"{"quoteOrder":"Page"}"#).unwrap_err().to_string();
        assert!(
            error.contains("unknown variant `Page`, expected `saved` or `page`"),
            "{error}"
        );
        assert!(read(r#"{"quoteOrder":1}"#).is_err());
        assert_eq!(
            serde_json::to_string(&QuoteOrder::Page).unwrap(),
            r#""page""#
        );
    }

    #[test]
    fn page_order_is_a_setting() {
        let mut n = note();
        n.quotes[0].position = Some(50);
        n.quotes[1].position = None;
        n.quotes[2].position = Some(10);
        let ids = |order| {
            let options = RenderOptions {
                quote_order: order,
                ..RenderOptions::default()
            };
            render_note(&n, &Templates::default(), &options)
                .quotes
                .into_iter()
                .map(|q| q.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(QuoteOrder::Saved), ["a", "b", "c"]);
        assert_eq!(ids(QuoteOrder::Page), ["c", "a", "b"]);
    }

    /// Renders `source` as the note template over the sample note.
    fn render_with(source: &str) -> Rendered {
        let templates = Templates {
            note: source.into(),
            quote: String::new(),
        };
        render_note(&note(), &templates, &RenderOptions::default())
    }

    #[test]
    fn the_jinja_basics_work() {
        for (source, expected) in [
            ("{{ title | upper }}", "YOU DON'T NEED DISTRIBUTED SYSTEMS?"),
            ("{{ title | lower }}", "you don't need distributed systems?"),
            ("{{ 'éCOLE' | capitalize }}", "École"),
            ("[{{ '  a b  ' | trim }}]", "[a b]"),
            ("{{ 'a-b-c' | replace('-', '+') }}", "a+b+c"),
            (
                "{{ authors | join(', ') }}|{{ 'abc' | join('.') }}",
                "Marc Brooker|a.b.c",
            ),
            ("{{ quotes | map(attribute='id') | join }}", "abc"),
            ("{{ ['x', 'y'] | map('upper') | join(' ') }}", "X Y"),
            ("{{ ['x', 'y'] | map('replace', 'x', 'z') | join }}", "zy"),
            (
                "{{ nothing | default('none') }}|{{ title | default('none') | length }}",
                "none|35",
            ),
            (
                "{{ quotes | length }} {{ (quotes | first).id }}{{ (quotes | last).id }}",
                "3 ac",
            ),
            (
                "{{ range(3) | join }}|{{ range(1, 7, 2) | join }}|{{ range(3, 0, -1) | join }}",
                "012|135|321",
            ),
            (
                "{% if nothing is undefined and title is defined and none is none %}ok{% endif %}",
                "ok",
            ),
        ] {
            let rendered = render_with(source);
            assert_eq!(rendered.error, None, "{source}");
            assert_eq!(rendered.markdown, format!("{expected}\n"), "{source}");
        }
    }

    #[test]
    fn the_jinja_basics_report_misuse_and_charge_fuel() {
        for source in [
            "{{ range(1, 2, 0) }}",
            "{{ range(200000) | length }}",
            "{{ [1] | map }}",
            "{{ title | nosuchfilter }}",
        ] {
            assert!(render_with(source).error.is_some(), "{source}");
        }
        // One call that would build gigabytes runs out of fuel instead.
        let error = render_with("{{ range(100000) | join(title * 100000) | length }}")
            .error
            .expect("out of fuel");
        assert!(error.message.contains("too long"), "{error:?}");
        let error = render_with("{{ (title * 100000) | replace('', title * 1000) | length }}")
            .error
            .expect("out of fuel");
        assert!(error.message.contains("too long"), "{error:?}");
    }

    /// Issue 17, point 10: no filter handles bytes or items without paying for them. The
    /// engine charges a direct call for its string and its result; a filter called through
    /// `map`, and `last` walking a list, are charged by us. Each template below would
    /// handle about 300 MB or 40 million items on a note that gives fuel for far less.
    #[test]
    fn every_filter_charges_fuel_for_the_bytes_it_handles() {
        let looped = |body: &str| {
            render_with(&format!(
                "{{% set big = title * 20000 %}}{{% set many = [big] * 10 %}}\
                 {{% set long = range(100000) %}}{{% for i in range(40) %}}\
                 {{% if {body} %}}.{{% endif %}}{{% endfor %}}"
            ))
        };
        // The loop alone has fuel enough.
        let plain = looped("many and long");
        assert_eq!(plain.error, None);
        assert_eq!(plain.markdown, format!("{}\n", ".".repeat(40)));
        for body in [
            "big | upper",
            "big | lower",
            "big | trim",
            "big | capitalize",
            "big | blockquote",
            "big | yaml",
            "many | map('upper')",
            "many | map('lower')",
            "many | map('trim')",
            "many | map('capitalize')",
            "many | map('blockquote')",
            "many | map('hashtag')",
            "many | map('yaml')",
            "many | map('date')",
            "long | last",
        ] {
            let error = looped(body)
                .error
                .unwrap_or_else(|| panic!("{body}: ran to the end"));
            assert!(error.message.contains("too long"), "{body}: {error:?}");
        }
    }

    #[test]
    fn an_empty_cycle_is_refused_before_it_can_panic() {
        for (source, line, column) in [
            ("{% for q in quotes %}{{ loop.cycle() }}{% endfor %}", 1, 30),
            (
                "{% for q in quotes %}\n{{ loop . cycle ( ) }}{% endfor %}",
                2,
                11,
            ),
            (
                "{% for q in quotes %}{% set l = loop %}{{ l.cycle(\n) }}{% endfor %}",
                1,
                45,
            ),
            ("{{ {'a': '}}'}['a'] ~ x.cycle() }}", 1, 25),
            (
                "{% for q in quotes %}{{ loop.cycle(*[]) }}{% endfor %}",
                1,
                30,
            ),
            (
                "{% for q in quotes %}{{ loop.cycle( **{}) }}{% endfor %}",
                1,
                30,
            ),
            (
                "{% for q in quotes %}{{ loop.cycle(*q.tags, 'a') }}{% endfor %}",
                1,
                30,
            ),
        ] {
            let error = render_with(source).error.expect(source);
            assert_eq!((error.line, error.column), (line, column), "{source}");
            assert!(error.message.contains("cycle()"), "{error:?}");
        }
        for (source, expected) in [
            (
                "{% for q in quotes %}{{ loop.cycle('a', 'b') }}{% endfor %}",
                "aba",
            ),
            (
                "{% for q in quotes %}{{ loop.cycle('a', *q.tags) }}{% endfor %}",
                "aaa",
            ),
            (
                "x.cycle() {# .cycle() #}{{ '.cycle()' }}",
                "x.cycle() .cycle()",
            ),
            (
                "{% raw %}{{ loop.cycle() }}{% endraw %}",
                "{{ loop.cycle() }}",
            ),
        ] {
            let rendered = render_with(source);
            assert_eq!(rendered.error, None, "{source}");
            assert_eq!(rendered.markdown, format!("{expected}\n"), "{source}");
        }
        // In the quote template too, and a syntax error is still reported first.
        let templates = Templates {
            note: String::new(),
            quote: "{% for t in tags %}{{ loop.cycle() }}{% endfor %}".into(),
        };
        let error = render_note(&note(), &templates, &RenderOptions::default())
            .error
            .expect("refused");
        assert_eq!((error.template, error.line, error.column), ("quote", 1, 28));
        let error = render_with("{{ loop.cycle() }}{{ x | }}")
            .error
            .expect("refused");
        assert!(error.message.contains("expected identifier"), "{error:?}");
        // The scan is total: every prefix of tricky input, cut anywhere.
        let tricky =
            "é{{ 'a\\'.cycle()' ~ [{'}}': 1}] }}{# é #}{%- raw -%}{% endraw %}{% x.cycle ( ) %}";
        for (cut, _) in tricky.char_indices() {
            let found = find_empty_cycle(&tricky[..cut]);
            assert!(found.is_none() || cut > tricky.len() - 6, "{cut}");
        }
        assert_eq!(find_empty_cycle(tricky), Some(tricky.len() - 12));
    }

    #[test]
    fn quote_variables_are_all_there() {
        let mut n = note();
        n.quotes.truncate(1);
        n.quotes[0].fragment = Some("text=It%20seems".into());
        n.quotes[0].tags = vec!["scale".into(), "systems".into()];
        n.quotes[0].text = "It seems".into();
        let templates = Templates {
            note: "{% for q in quotes %}{{ q.rendered }}{% endfor %}".into(),
            quote: "{{ fragment_url }}|{{ text }}|{{ tags | join(',') }}|{{ title }}|{{ author }}|{{ canonical }}".into(),
        };
        let rendered = render_note(&n, &templates, &RenderOptions::default());
        assert_eq!(rendered.error, None);
        assert_eq!(
            rendered.markdown,
            "https://brooker.co.za/blog/2024/06/04/scale.html#:~:text=It%20seems|It seems|scale,systems|You don't need distributed systems?|Marc Brooker|https://brooker.co.za/blog/2024/06/04/scale.html\n"
        );
    }
}
