//! The reference the template editor shows beside it: every variable, filter, test and
//! function a template can use, each with an example rendered through the very engine
//! that renders notes ([`reference`]), and the names a template uses that are none of them
//! ([`unknown_names`]), which would render empty without a word.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{
    Compiled, DEFAULT_NOTE_TEMPLATE, DEFAULT_QUOTE_TEMPLATE, RenderOptions, Templates, environment,
};
use crate::note::Note;

/// What a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    Variable,
    Filter,
    Test,
    Function,
}

/// Which template a name can be used in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    /// Both templates (the note's facts, every filter).
    Both,
    Note,
    Quote,
}

/// One name of the reference, with an example of its use in a template of its scope.
#[derive(Debug, Clone, Copy)]
struct Entry {
    name: &'static str,
    kind: Kind,
    scope: Scope,
    example: &'static str,
}

const fn entry(name: &'static str, kind: Kind, scope: Scope, example: &'static str) -> Entry {
    Entry {
        name,
        kind,
        scope,
        example,
    }
}

use Kind::{Filter, Function, Test, Variable};
use Scope::{Both, Note as InNote, Quote as InQuote};

/// Every name, in the order the editor lists them. A name's example runs in the quote
/// template when it is a quote's, else in the note template (`Both`: the note's).
const ENTRIES: &[Entry] = &[
    entry("title", Variable, Both, "{{ title }}"),
    entry("url", Variable, Both, "{{ url }}"),
    entry("canonical", Variable, Both, "{{ canonical }}"),
    entry("author", Variable, Both, "{{ author }}"),
    entry("authors", Variable, Both, "{{ authors | join(' & ') }}"),
    entry("site", Variable, Both, "{{ site }}"),
    entry("published", Variable, Both, "{{ published | date('%x') }}"),
    entry("description", Variable, Both, "{{ description }}"),
    entry("lang", Variable, Both, "{{ lang }}"),
    entry(
        "created",
        Variable,
        Both,
        "{{ created | date('%Y-%m-%d %H:%M') }}",
    ),
    entry("updated", Variable, Both, "{{ updated }}"),
    entry("aliases", Variable, Both, "{{ aliases | join(', ') }}"),
    entry("tags", Variable, InNote, "{{ tags | yaml }}"),
    entry("quotes", Variable, InNote, "{{ quotes | length }}"),
    entry(
        "quote.rendered",
        Variable,
        InNote,
        "{% for quote in quotes %}{{ quote.rendered }}{% endfor %}",
    ),
    entry("quote", Variable, InQuote, "{{ quote }}"),
    entry("text", Variable, InQuote, "{{ text }}"),
    entry("comment", Variable, InQuote, "{{ comment }}"),
    entry("tags", Variable, InQuote, "{{ tags | join(', ') }}"),
    entry("fragment_url", Variable, InQuote, "[↗]({{ fragment_url }})"),
    entry("id", Variable, InQuote, "{{ id }}"),
    entry(
        "created",
        Variable,
        InQuote,
        "{{ created | date('%H:%M') }}",
    ),
    entry("private", Variable, InQuote, "{{ private }}"),
    entry("kind", Variable, InQuote, "> [!{{ kind }}]"),
    entry(
        "quote.kind",
        Variable,
        InNote,
        "{% for quote in quotes %}{{ quote.kind }} {% endfor %}",
    ),
    entry("yaml", Filter, Both, "title: {{ title | yaml }}"),
    entry("blockquote", Filter, InQuote, "{{ quote | blockquote }}"),
    entry(
        "hashtag",
        Filter,
        InQuote,
        "{{ tags | map('hashtag') | join(' ') }}",
    ),
    entry("date", Filter, Both, "{{ created | date('%A %x') }}"),
    entry("upper", Filter, Both, "{{ site | upper }}"),
    entry("lower", Filter, Both, "{{ title | lower }}"),
    entry(
        "capitalize",
        Filter,
        Both,
        "{{ 'hello WORLD' | capitalize }}",
    ),
    entry("trim", Filter, Both, "[{{ '  spaced  ' | trim }}]"),
    entry("replace", Filter, Both, "{{ title | replace(' ', '-') }}"),
    entry("join", Filter, Both, "{{ authors | join(', ') }}"),
    entry(
        "map",
        Filter,
        Both,
        "{{ authors | map('upper') | join(', ') }}",
    ),
    entry("default", Filter, Both, "{{ missing | default('none') }}"),
    entry("length", Filter, Both, "{{ title | length }}"),
    entry("first", Filter, Both, "{{ authors | first }}"),
    entry("last", Filter, Both, "{{ url | last }}"),
    entry(
        "defined",
        Test,
        Both,
        "{% if description is defined %}yes{% endif %}",
    ),
    entry(
        "undefined",
        Test,
        Both,
        "{% if missing is undefined %}yes{% endif %}",
    ),
    entry("none", Test, Both, "{{ none is none }}"),
    entry("range", Function, Both, "{{ range(3) | join(' ') }}"),
];

/// One name of the reference, its example and what the example renders on a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferenceItem {
    pub name: String,
    pub kind: Kind,
    pub scope: Scope,
    /// Template source using the name.
    pub example: String,
    /// The example rendered on the note given, or the engine's error message.
    pub output: String,
}

/// Every name a template may use, each example rendered on `note` (which should have a
/// quote: quote examples render on its first) with `options`.
pub fn reference(note: &Note, options: &RenderOptions) -> Vec<ReferenceItem> {
    ENTRIES
        .iter()
        .map(|e| ReferenceItem {
            name: e.name.to_owned(),
            kind: e.kind,
            scope: e.scope,
            example: e.example.to_owned(),
            output: render_example(e, note, options).unwrap_or_else(|error| error),
        })
        .collect()
}

fn render_example(entry: &Entry, note: &Note, options: &RenderOptions) -> Result<String, String> {
    let in_quote = entry.scope == Scope::Quote;
    let (note_source, quote_source) = if in_quote {
        (DEFAULT_NOTE_TEMPLATE, entry.example)
    } else {
        (entry.example, DEFAULT_QUOTE_TEMPLATE)
    };
    let compiled =
        Compiled::new(note_source.into(), quote_source.into(), options).map_err(|e| e.message)?;
    let (markdown, quotes) = compiled
        .render(note, options.quote_order)
        .map_err(|e| e.message)?;
    let mut out = if in_quote {
        quotes
            .into_iter()
            .next()
            .map(|q| q.block)
            .unwrap_or_default()
    } else {
        markdown
    };
    // Rendering ends every file and block with a newline; the example did not ask for it.
    if out.ends_with('\n') && !entry.example.ends_with('\n') {
        out.pop();
    }
    Ok(out)
}

/// The names each template uses that it cannot see: misspelt variables, or a quote's
/// variable in the note template. Names the template sets itself (`{% set %}`, loops) are
/// not reported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnknownNames {
    pub note: Vec<String>,
    pub quote: Vec<String>,
}

/// The unknown names of `templates` (empty sources are the defaults, which have none).
/// A template that does not compile has none either: its error is reported instead.
pub fn unknown_names(templates: &Templates) -> UnknownNames {
    UnknownNames {
        note: unknown_in(&templates.note, Scope::Note),
        quote: unknown_in(&templates.quote, Scope::Quote),
    }
}

fn unknown_in(source: &str, scope: Scope) -> Vec<String> {
    if source.trim().is_empty() {
        return Vec::new();
    }
    let mut env = environment(&RenderOptions::default());
    if env.add_template_owned("t", source.to_owned()).is_err() {
        return Vec::new();
    }
    let Ok(template) = env.get_template("t") else {
        return Vec::new();
    };
    let known: BTreeSet<&str> = ENTRIES
        .iter()
        .filter(|e| matches!(e.kind, Kind::Variable | Kind::Function))
        .filter(|e| e.scope == Scope::Both || e.scope == scope)
        .map(|e| e.name)
        .collect();
    let mut unknown: Vec<String> = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|name| !known.contains(name.as_str()))
        .collect();
    unknown.sort();
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::Quote;

    fn note() -> Note {
        Note {
            url: "https://example.com/reading".into(),
            id: "https://example.com/reading".into(),
            title: "On reading well".into(),
            authors: vec!["Ada Example".into(), "Bo Sample".into()],
            site: Some("Example Review".into()),
            published: Some("2024-06-01".into()),
            description: Some("How to read".into()),
            lang: Some("en".into()),
            aliases: vec!["https://example.com/r".into()],
            created: "2024-06-05T12:57:03.217Z".into(),
            updated: "2024-06-05T12:57:03.217Z".into(),
            quotes: vec![Quote {
                id: "q1".into(),
                markdown: "Reading is a *conversation*.".into(),
                text: "Reading is a conversation.".into(),
                created: "2024-06-05T12:57:03.217Z".into(),
                comment: "Worth rereading.".into(),
                tags: vec!["reading".into(), "books".into()],
                fragment: Some("text=Reading%20is".into()),
                ..Quote::default()
            }],
            ..Note::default()
        }
    }

    fn output(items: &[ReferenceItem], name: &str, scope: Scope) -> String {
        items
            .iter()
            .find(|i| i.name == name && i.scope == scope)
            .unwrap_or_else(|| panic!("{name} is in the reference"))
            .output
            .clone()
    }

    #[test]
    fn every_example_renders_through_the_engine() {
        let options = RenderOptions {
            tz_offset_minutes: 120,
            locale: "en".into(),
            ..RenderOptions::default()
        };
        let items = reference(&note(), &options);
        assert_eq!(items.len(), ENTRIES.len());
        for item in &items {
            assert!(
                !item.output.trim().is_empty(),
                "{}: renders something",
                item.name
            );
            assert_ne!(item.output, item.example, "{}: is rendered", item.name);
            // Only the examples about a missing name use one.
            let unknown = unknown_in(&item.example, item.scope);
            let expected: &[&str] = match item.name.as_str() {
                "default" | "undefined" => &["missing"],
                _ => &[],
            };
            assert_eq!(unknown, expected, "{}", item.name);
        }
        assert_eq!(output(&items, "title", Scope::Both), "On reading well");
        assert_eq!(
            output(&items, "authors", Scope::Both),
            "Ada Example & Bo Sample"
        );
        assert_eq!(
            output(&items, "created", Scope::Both),
            "2024-06-05 14:57",
            "in the reader's zone"
        );
        assert_eq!(
            output(&items, "blockquote", Scope::Quote),
            "> Reading is a *conversation*."
        );
        assert_eq!(
            output(&items, "fragment_url", Scope::Quote),
            "[↗](https://example.com/reading#:~:text=Reading%20is)"
        );
        assert_eq!(output(&items, "hashtag", Scope::Quote), "#reading #books");
        assert_eq!(output(&items, "tags", Scope::Quote), "reading, books");
        assert_eq!(output(&items, "quotes", Scope::Note), "1");
        assert_eq!(output(&items, "range", Scope::Both), "0 1 2");
        assert_eq!(output(&items, "default", Scope::Both), "none");
        assert_eq!(output(&items, "trim", Scope::Both), "[spaced]");
    }

    /// The reference lists every name the engine gives templates, and nothing else.
    #[test]
    fn the_reference_is_complete() {
        let source = include_str!("../template.rs");
        let mut registered = BTreeSet::new();
        for call in ["add_filter(", "add_test(", "add_function("] {
            for (at, _) in source.match_indices(call) {
                let rest = source[at + call.len()..].trim_start();
                if let Some(name) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) {
                    registered.insert(name.to_owned());
                }
            }
        }
        assert!(registered.len() > 15, "{registered:?}");
        let listed: BTreeSet<String> = ENTRIES
            .iter()
            .filter(|e| e.kind != Kind::Variable)
            .map(|e| e.name.to_owned())
            .collect();
        assert_eq!(listed, registered);

        // Every variable of the contexts the templates get, as serde writes them.
        let note = note();
        let base = super::super::NoteContext::new(&note);
        let keys = |value: serde_json::Value| -> BTreeSet<String> {
            value.as_object().unwrap().keys().cloned().collect()
        };
        let note_keys = keys(serde_json::to_value(&base).unwrap());
        let quote_keys = keys(
            serde_json::to_value(super::super::QuoteContext::new(&base, &note.quotes[0])).unwrap(),
        );
        let variables = |scope: Scope| -> BTreeSet<String> {
            ENTRIES
                .iter()
                .filter(|e| e.kind == Kind::Variable && !e.name.contains('.'))
                .filter(|e| e.scope == Scope::Both || e.scope == scope)
                .map(|e| e.name.to_owned())
                .collect()
        };
        let mut note_expected = note_keys.clone();
        note_expected.insert("quotes".into());
        assert_eq!(variables(Scope::Note), note_expected);
        assert_eq!(variables(Scope::Quote), quote_keys);
    }

    #[test]
    fn unknown_names_are_found_per_template() {
        let found = unknown_names(&Templates {
            note: "{{ titel }} {{ title }} {% for q in quotes %}{{ q.rendered }}{{ loop.index }}{% endfor %}{{ comment }}".into(),
            quote: "{% set n = 1 %}{{ n }}{{ quote | blockquote }}{{ fragment_url }}{{ frgment }}".into(),
        });
        assert_eq!(found.note, ["comment", "titel"]);
        assert_eq!(found.quote, ["frgment"]);
        assert_eq!(
            unknown_names(&Templates::default()),
            UnknownNames::default()
        );
        let defaults = unknown_names(&Templates {
            note: DEFAULT_NOTE_TEMPLATE.into(),
            quote: DEFAULT_QUOTE_TEMPLATE.into(),
        });
        assert_eq!(defaults, UnknownNames::default());
        // A template that does not compile reports its error instead.
        assert!(unknown_in("{% if %}", Scope::Note).is_empty());
    }

    #[test]
    fn an_unknown_filter_is_an_error_not_an_empty_text() {
        let rendered = super::super::render_note(
            &note(),
            &Templates {
                note: "{{ title | shout }}".into(),
                quote: String::new(),
            },
            &RenderOptions::default(),
        );
        let error = rendered.error.expect("reported");
        assert!(error.message.contains("shout") || error.message.contains("filter"));
    }
}
