//! Where a broken template is reported: the message, line and column the template editor
//! shows, for syntax errors of each kind, unknown filters and tests, bad arguments, undefined
//! values and runaway templates. The expectations were recorded from the engine's own spans
//! (minijinja with its `debug` feature, before `template.rs` located errors itself) and
//! reviewed by eye. Lines and columns are 1-based, columns in characters.

use quotebook_core::note::{Note, Quote, SCHEMA_VERSION};
use quotebook_core::template::{RenderOptions, Templates, render_note};

fn note() -> Note {
    Note {
        schema: SCHEMA_VERSION,
        id: "https://example.com/a".into(),
        url: "https://example.com/a".into(),
        title: "A title".into(),
        authors: vec!["Ann".into(), "Bob".into()],
        created: "2024-06-05T12:57:03.217Z".into(),
        updated: "2024-06-05T12:57:03.217Z".into(),
        quotes: vec![
            Quote {
                id: "a".into(),
                markdown: "First quote".into(),
                text: "First quote".into(),
                tags: vec!["x".into(), "y".into()],
                ..Quote::default()
            },
            Quote {
                id: "b".into(),
                markdown: "Second quote".into(),
                comment: "A comment".into(),
                ..Quote::default()
            },
        ],
        ..Note::default()
    }
}

/// The note template, the quote template (empty: the default), and where its error is
/// reported: which template, line, column, message.
type Case = (
    &'static str,
    &'static str,
    (&'static str, usize, usize, &'static str),
);

#[rustfmt::skip]
const CASES: &[Case] = &[
    (
        "title: {{ title }}\n{% for q in quotes %}\n{{ q.rendered }",
        "",
        ("note", 3, 15, "unexpected `}`, expected end of variable block"),
    ),
    (
        "{{ title",
        "",
        ("note", 1, 4, "unexpected end of input, expected end of variable block"),
    ),
    (
        "{{ title }",
        "",
        ("note", 1, 10, "unexpected `}`, expected end of variable block"),
    ),
    (
        "{{ title }}{{",
        "",
        ("note", 1, 12, "unexpected end of input, expected expression"),
    ),
    (
        "{% if title %}x",
        "",
        ("note", 1, 15, "unexpected end of input, expected end of block"),
    ),
    (
        "a\n{% for q in quotes %}\n{{ q.id }}",
        "",
        ("note", 3, 9, "unexpected end of input, expected end of block"),
    ),
    (
        "{% endif %}",
        "",
        ("note", 1, 4, "unknown statement endif"),
    ),
    (
        "x {% endfor %}",
        "",
        ("note", 1, 6, "unknown statement endfor"),
    ),
    (
        "{% if title %}{% endfor %}",
        "",
        ("note", 1, 18, "unknown statement endfor"),
    ),
    (
        "{% foo %}",
        "",
        ("note", 1, 4, "unknown statement foo"),
    ),
    (
        "  {% macro m() %}{% endmacro %}",
        "",
        ("note", 1, 6, "unknown statement macro"),
    ),
    (
        "{% include 'x' %}",
        "",
        ("note", 1, 4, "unknown statement include"),
    ),
    (
        "{% extends 'x' %}",
        "",
        ("note", 1, 4, "unknown statement extends"),
    ),
    (
        "{% block b %}{% endblock %}",
        "",
        ("note", 1, 4, "unknown statement block"),
    ),
    (
        "{% for q in quotes %}{% break %}{% endfor %}",
        "",
        ("note", 1, 25, "unknown statement break"),
    ),
    (
        "{% if a %}{% else %}{% else %}{% endif %}",
        "",
        ("note", 1, 24, "unknown statement else"),
    ),
    (
        "{% if a %}{% elif %}{% endif %}",
        "",
        ("note", 1, 19, "unexpected end of block"),
    ),
    (
        "{% if %}{% endif %}",
        "",
        ("note", 1, 7, "unexpected end of block"),
    ),
    (
        "{% for in quotes %}{% endfor %}",
        "",
        ("note", 1, 8, "sequence of wrong length (expected 0, got 21)"),
    ),
    (
        "{% for q quotes %}{% endfor %}",
        "",
        ("note", 1, 10, "unexpected identifier, expected in"),
    ),
    (
        "{% for q in %}{% endfor %}",
        "",
        ("note", 1, 13, "unexpected end of block"),
    ),
    (
        "{% for a, in quotes %}{% endfor %}",
        "",
        ("note", 1, 8, "sequence of wrong length (expected 1, got 21)"),
    ),
    (
        "{% for q in quotes if %}{% endfor %}",
        "",
        ("note", 1, 23, "unexpected end of block"),
    ),
    (
        "{% set %}",
        "",
        ("note", 1, 8, "unexpected end of input, expected end of block"),
    ),
    (
        "{% set x = %}",
        "",
        ("note", 1, 12, "unexpected end of block"),
    ),
    (
        "{% set x %}abc",
        "",
        ("note", 1, 12, "unexpected end of input, expected end of block"),
    ),
    (
        "{% set x.y = 1 %}",
        "",
        ("note", 1, 10, "can only assign to namespaces, not undefined (`x` is undefined)"),
    ),
    (
        "{% filter %}x{% endfilter %}",
        "",
        ("note", 1, 4, "expected a filter"),
    ),
    (
        "{% filter upper %}x",
        "",
        ("note", 1, 19, "unexpected end of input, expected end of block"),
    ),
    (
        "{% raw %}unterminated",
        "",
        ("note", 1, 22, "unexpected end of raw block"),
    ),
    (
        "text {# unterminated comment",
        "",
        ("note", 1, 29, "unexpected end of comment"),
    ),
    (
        "{% if title %}\n  x\n{% endif",
        "",
        ("note", 3, 4, "unexpected end of input, expected end of block"),
    ),
    (
        "{% if title -%}{{ title }",
        "",
        ("note", 1, 25, "unexpected `}`, expected end of variable block"),
    ),
    (
        "{%- if title %}{{- title -}}{%- endif -%}{{ +}}",
        "",
        ("note", 1, 45, "unexpected end of variable block"),
    ),
    (
        "{{ }}",
        "",
        ("note", 1, 4, "unexpected end of variable block"),
    ),
    (
        "{{ 'abc }}",
        "",
        ("note", 1, 11, "unexpected end of string"),
    ),
    (
        "{{ \"abc }}",
        "",
        ("note", 1, 11, "unexpected end of string"),
    ),
    (
        "{{ 'a\\'b }}",
        "",
        ("note", 1, 12, "unexpected end of string"),
    ),
    (
        "{{ title | }}",
        "",
        ("note", 1, 12, "unexpected end of variable block, expected identifier"),
    ),
    (
        "{{ title | 'upper' }}",
        "",
        ("note", 1, 12, "unexpected string, expected identifier"),
    ),
    (
        "{{ title + }}",
        "",
        ("note", 1, 12, "unexpected end of variable block"),
    ),
    (
        "{{ title + * 2 }}",
        "",
        ("note", 1, 12, "unexpected `*`"),
    ),
    (
        "{{ 1 +* 2 }}",
        "",
        ("note", 1, 7, "unexpected `*`"),
    ),
    (
        "{{ (title }}",
        "",
        ("note", 1, 11, "unexpected `}`, expected `)`"),
    ),
    (
        "{{ title) }}",
        "",
        ("note", 1, 9, "unexpected `)`, expected end of variable block"),
    ),
    (
        "{{ [1, 2 }}",
        "",
        ("note", 1, 10, "unexpected `}`, expected `,`"),
    ),
    (
        "{{ [1, 2) }}",
        "",
        ("note", 1, 9, "unexpected `)`, expected `,`"),
    ),
    (
        "{{ {'a': 1 }}",
        "",
        ("note", 1, 13, "unexpected `}`, expected end of variable block"),
    ),
    (
        "{{ {'a' 1} }}",
        "",
        ("note", 1, 9, "unexpected integer, expected `:`"),
    ),
    (
        "{{ {1: } }}",
        "",
        ("note", 1, 8, "unexpected `}`"),
    ),
    (
        "{{ title. }}",
        "",
        ("note", 1, 11, "unexpected end of variable block, expected identifier or integer"),
    ),
    (
        "{{ title.1.x }}{{ title.( }}",
        "",
        ("note", 1, 25, "unexpected `(`, expected identifier or integer"),
    ),
    (
        "{{ title[ }}",
        "",
        ("note", 1, 11, "unexpected `}`"),
    ),
    (
        "{{ title[] }}",
        "",
        ("note", 1, 10, "unexpected `]`"),
    ),
    (
        "{{ range(1, }}",
        "",
        ("note", 1, 13, "unexpected `}`"),
    ),
    (
        "{{ range(a=1, 2) }}",
        "",
        ("note", 1, 15, "non-keyword arg after keyword arg"),
    ),
    (
        "{{ range(1 2) }}",
        "",
        ("note", 1, 12, "unexpected integer, expected `,`"),
    ),
    (
        "{{ title is }}",
        "",
        ("note", 1, 13, "unexpected end of variable block, expected identifier"),
    ),
    (
        "{{ title is not }}",
        "",
        ("note", 1, 17, "unexpected end of variable block, expected identifier"),
    ),
    (
        "{{ title if }}",
        "",
        ("note", 1, 13, "unexpected end of variable block"),
    ),
    (
        "{{ title if a else }}",
        "",
        ("note", 1, 20, "unexpected end of variable block"),
    ),
    (
        "{{ not }}",
        "",
        ("note", 1, 8, "unexpected end of variable block"),
    ),
    (
        "{{ a b }}",
        "",
        ("note", 1, 6, "unexpected identifier, expected end of variable block"),
    ),
    (
        "{{ a = 1 }}",
        "",
        ("note", 1, 6, "unexpected `=`, expected end of variable block"),
    ),
    (
        "{{ 0x }}",
        "",
        ("note", 1, 6, "invalid integer (too large)"),
    ),
    (
        "{{ 0b12 }}",
        "",
        ("note", 1, 8, "invalid integer (too large)"),
    ),
    (
        "{{ 1_ }}",
        "",
        ("note", 1, 6, "'_' may not occur at end of number"),
    ),
    (
        "{{ 1e }}",
        "",
        ("note", 1, 6, "invalid float"),
    ),
    (
        "{{ 99999999999999999999999999999999999999999999 }}",
        "",
        ("note", 1, 48, "invalid integer (too large)"),
    ),
    (
        "{{ 'ok' }} {{ @ }}",
        "",
        ("note", 1, 15, "unexpected character"),
    ),
    (
        "{{ title ! }}",
        "",
        ("note", 1, 10, "unexpected character"),
    ),
    (
        "{{ '\\u12' }}",
        "",
        ("note", 1, 1, "bad string escape"),
    ),
    (
        "{{ title | upper( }}",
        "",
        ("note", 1, 19, "unexpected `}`"),
    ),
    (
        "{{ title | upper(, ) }}",
        "",
        ("note", 1, 18, "unexpected `,`"),
    ),
    (
        "{{ title | date('%Y' }}",
        "",
        ("note", 1, 22, "unexpected `}`, expected `,`"),
    ),
    (
        "{{ title }}{{ url }}{{ title | }}",
        "",
        ("note", 1, 32, "unexpected end of variable block, expected identifier"),
    ),
    (
        "{{ title }} }} {{ url ~ }}",
        "",
        ("note", 1, 25, "unexpected end of variable block"),
    ),
    (
        "héllo wörld {{ title | }}",
        "",
        ("note", 1, 24, "unexpected end of variable block, expected identifier"),
    ),
    (
        "日本語のテキスト {{ a b }}",
        "",
        ("note", 1, 15, "unexpected identifier, expected end of variable block"),
    ),
    (
        "\t\t{{ a b }}",
        "",
        ("note", 1, 8, "unexpected identifier, expected end of variable block"),
    ),
    (
        "a\r\nb\r\n{{ a b }}",
        "",
        ("note", 3, 6, "unexpected identifier, expected end of variable block"),
    ),
    (
        "line one\nline two {{ title |\n  upper x }}",
        "",
        ("note", 3, 9, "unexpected identifier, expected end of variable block"),
    ),
    (
        "{{\n  title\n  |\n}}",
        "",
        ("note", 4, 1, "unexpected end of variable block, expected identifier"),
    ),
    (
        "{% for q in quotes %}\n{{ q.rendered }}\n{% endfor %}\n\n{% if %}",
        "",
        ("note", 5, 7, "unexpected end of block"),
    ),
    (
        "{{ ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))) }}",
        "",
        ("note", 1, 78, "template exceeds maximum recursion limits"),
    ),
    (
        "{{ title }}",
        "{{ quote | }}",
        ("quote", 1, 12, "unexpected end of variable block, expected identifier"),
    ),
    (
        "{{ title | }}",
        "{{ quote | }}",
        ("quote", 1, 12, "unexpected end of variable block, expected identifier"),
    ),
    (
        "{{ title }}",
        "> {{ quote }}\n{% if comment %}\n{{ comment }\n{% endif %}",
        ("quote", 3, 12, "unexpected `}`, expected end of variable block"),
    ),
    (
        "{{ title | nosuchfilter }}",
        "",
        ("note", 1, 12, "filter nosuchfilter is unknown"),
    ),
    (
        "ab {{ title | upper | nosuchfilter }}",
        "",
        ("note", 1, 23, "filter nosuchfilter is unknown"),
    ),
    (
        "{{ title | upper | nosuchfilter('x', 1) }}",
        "",
        ("note", 1, 20, "filter nosuchfilter is unknown"),
    ),
    (
        "{{ title\n | nosuchfilter }}",
        "",
        ("note", 1, 1, "filter nosuchfilter is unknown"),
    ),
    (
        "{% if title is nosuchtest %}x{% endif %}",
        "",
        ("note", 1, 16, "test nosuchtest is unknown"),
    ),
    (
        "{{ nosuchfunction() }}",
        "",
        ("note", 1, 4, "nosuchfunction is unknown"),
    ),
    (
        "{{ title() }}",
        "",
        ("note", 1, 4, "value of type string is not callable"),
    ),
    (
        "{{ title.upper() }}",
        "",
        ("note", 1, 9, "string has no method named upper"),
    ),
    (
        "{{ quotes | map('nosuchfilter') | join }}",
        "",
        ("note", 1, 13, "unknown filter"),
    ),
    (
        "{% for q in quotes %}{{ q.id | nosuchfilter }}{% endfor %}",
        "",
        ("note", 1, 32, "filter nosuchfilter is unknown"),
    ),
    (
        "{{ title }}",
        "{{ quote | nosuchfilter }}",
        ("quote", 1, 12, "filter nosuchfilter is unknown"),
    ),
    (
        "{{ title }}",
        "{% if tags %}{{ tags | join(', ') | nosuch }}{% endif %}",
        ("quote", 1, 37, "filter nosuch is unknown"),
    ),
    (
        "{{ title | date(1, 2, 3) }}",
        "",
        ("note", 1, 12, "too many arguments"),
    ),
    (
        "{{ title | replace }}",
        "",
        ("note", 1, 12, "missing argument"),
    ),
    (
        "{{ title | replace('a') }}",
        "",
        ("note", 1, 12, "missing argument"),
    ),
    (
        "{{ title | upper(1) }}",
        "",
        ("note", 1, 12, "too many arguments"),
    ),
    (
        "{{ title | join(1, 2) }}",
        "",
        ("note", 1, 12, "too many arguments"),
    ),
    (
        "{{ range('a') }}",
        "",
        ("note", 1, 4, "cannot convert string to i64"),
    ),
    (
        "{{ range() }}",
        "",
        ("note", 1, 4, "missing argument"),
    ),
    (
        "{{ range(1, 2, 0) }}",
        "",
        ("note", 1, 4, "range with a step of 0"),
    ),
    (
        "{{ range(1, 2, 3, 4) }}",
        "",
        ("note", 1, 4, "too many arguments"),
    ),
    (
        "{{ range(200000) | length }}",
        "",
        ("note", 1, 4, "range has too many elements"),
    ),
    (
        "{{ [1] | map }}",
        "",
        ("note", 1, 10, "map needs a filter name or attribute="),
    ),
    (
        "{{ [1] | map(foo='x') }}",
        "",
        ("note", 1, 10, "unknown keyword argument 'foo'"),
    ),
    (
        "{{ quotes | map(attribute='id', x=1) }}",
        "",
        ("note", 1, 13, "unknown keyword argument 'x'"),
    ),
    (
        "{{ title | default(1, 2) }}",
        "",
        ("note", 1, 12, "too many arguments"),
    ),
    (
        "{{ title | blockquote(1) }}",
        "",
        ("note", 1, 12, "too many arguments"),
    ),
    (
        "{{ title | upper(x=1) }}",
        "",
        ("note", 1, 12, "too many arguments"),
    ),
    (
        "{{ title is defined(1) }}",
        "",
        ("note", 1, 13, "too many arguments"),
    ),
    (
        "{{ title | yaml(1) }}",
        "",
        ("note", 1, 12, "too many arguments"),
    ),
    (
        "{{ title + 1 }}",
        "",
        ("note", 1, 4, "tried to use + operator on unsupported types string and number"),
    ),
    (
        "{{ 1 / 0 }}",
        "",
        ("note", 1, 4, "unable to calculate 1 / 0"),
    ),
    (
        "{{ 1 // 0 }}",
        "",
        ("note", 1, 4, "unable to calculate 1 // 0"),
    ),
    (
        "{{ 1 % 0 }}",
        "",
        ("note", 1, 4, "unable to calculate 1 % 0"),
    ),
    (
        "{{ title - 1 }}",
        "",
        ("note", 1, 4, "tried to use - operator on unsupported types string and number"),
    ),
    (
        "{{ -title }}",
        "",
        ("note", 1, 4, "invalid operation"),
    ),
    (
        "{{ nothing.foo }}",
        "",
        ("note", 1, 4, "`nothing` is undefined"),
    ),
    (
        "{{ nothing.foo.bar }}",
        "",
        ("note", 1, 4, "`nothing` is undefined"),
    ),
    (
        "{{ title.foo.bar }}",
        "",
        ("note", 1, 9, "`title.foo` is undefined"),
    ),
    (
        "{{ nothing[0] }}",
        "",
        ("note", 1, 4, "`nothing` is undefined"),
    ),
    (
        "{{ nothing() }}",
        "",
        ("note", 1, 4, "nothing is unknown"),
    ),
    (
        "{{ quotes[0:1:0] }}",
        "",
        ("note", 1, 4, "cannot slice by step size of 0"),
    ),
    (
        "{{ quotes['x'].y.z }}",
        "",
        ("note", 1, 10, "`quotes['x']` is undefined"),
    ),
    (
        "{% for q in 5 %}{% endfor %}",
        "",
        ("note", 1, 13, "number is not iterable"),
    ),
    (
        "{% for a, b in quotes %}{% endfor %}",
        "",
        ("note", 1, 8, "sequence of wrong length (expected 2, got 21)"),
    ),
    (
        "{{ title is divisibleby(2) }}",
        "",
        ("note", 1, 13, "test divisibleby is unknown"),
    ),
    (
        "{{ title ~ (1 + 'a') }}",
        "",
        ("note", 1, 13, "tried to use + operator on unsupported types number and string"),
    ),
    (
        "x\n  {{ 'a' * 'b' }}",
        "",
        ("note", 2, 6, "strings can only be multiplied with integers"),
    ),
    (
        "{{ {'a': 1}[nothing.x] }}",
        "",
        ("note", 1, 13, "`nothing` is undefined"),
    ),
    (
        "{% set x = nothing.y %}",
        "",
        ("note", 1, 12, "`nothing` is undefined"),
    ),
    (
        "{% if nothing.y %}{% endif %}",
        "",
        ("note", 1, 7, "`nothing` is undefined"),
    ),
    (
        "{{ (quotes | first).rendered.x.y }}",
        "",
        ("note", 1, 29, "`(...).rendered.x` is undefined"),
    ),
    (
        "{{ quotes[5].id.x }}",
        "",
        ("note", 1, 10, "`quotes[5]` is undefined"),
    ),
    (
        "{{ loop.index }}",
        "",
        ("note", 1, 4, "`loop` is undefined"),
    ),
    (
        "{% for q in quotes %}{{ loop(1) }}{% endfor %}",
        "",
        ("note", 1, 25, "cannot recurse outside of recursive loop"),
    ),
    (
        "{% for a in range(1000) %}{% for b in range(1000) %}{{ a }}{% endfor %}{% endfor %}",
        "",
        ("note", 1, 56, "the template runs too long (does it loop without end?)"),
    ),
    (
        "{% for a in range(1000) %}\n{% for b in range(1000) %}\n{{ a ~ b }}\n{% endfor %}\n{% endfor %}",
        "",
        ("note", 2, 27, "the template runs too long (does it loop without end?)"),
    ),
    (
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        "",
        ("note", 1, 1, "the template runs too long (does it loop without end?)"),
    ),
    (
        "{{ range(100000) | join(title * 100000) | length }}",
        "",
        ("note", 1, 20, "the template runs too long (does it loop without end?)"),
    ),
    (
        "{{ (title * 100000) | replace('', title * 1000) | length }}",
        "",
        ("note", 1, 23, "the template runs too long (does it loop without end?)"),
    ),
    (
        "{% for a in range(1000) %}{% for b in range(1000) %}{% set x = a + b %}{% endfor %}{% endfor %}",
        "",
        ("note", 1, 39, "the template runs too long (does it loop without end?)"),
    ),
    (
        "{% for a in range(1000) %}{% for b in range(1000) %}{% if a > b %}{{ a | upper }}{% endif %}{% endfor %}{% endfor %}",
        "",
        ("note", 1, 56, "the template runs too long (does it loop without end?)"),
    ),
    (
        "{{ title }}",
        "{% for a in range(100000) %}{% for b in range(100) %}{{ b }}{% endfor %}{% endfor %}",
        ("quote", 1, 1, "the template runs too long (does it loop without end?)"),
    ),
    (
        "{% for q in quotes recursive %}{{ loop([q]) }}{% endfor %}",
        "",
        ("note", 1, 13, "recursion limit exceeded"),
    ),
];

#[test]
fn broken_templates_are_located_as_recorded() {
    let record = std::env::var_os("RECORD_TEMPLATE_ERRORS").is_some();
    let defaults = render_note(&note(), &Templates::default(), &RenderOptions::default());
    assert_eq!(defaults.error, None);
    let mut recorded = Vec::new();
    let mut mismatches = Vec::new();
    for &(note_source, quote_source, expected) in CASES {
        let templates = Templates {
            note: note_source.into(),
            quote: quote_source.into(),
        };
        let rendered = render_note(&note(), &templates, &RenderOptions::default());
        // The quote is still saved: the note renders with the default templates.
        assert_eq!(rendered.markdown, defaults.markdown, "{note_source:?}");
        let error = rendered
            .error
            .unwrap_or_else(|| panic!("no error for {note_source:?} / {quote_source:?}"));
        let actual = (
            error.template,
            error.line,
            error.column,
            error.message.as_str(),
        );
        if record {
            recorded.push(format!(
                "[{:?}, {}, {}, {:?}]",
                actual.0, actual.1, actual.2, actual.3
            ));
        }
        if actual != expected {
            mismatches.push(format!(
                "{note_source:?} / {quote_source:?}:\n  expected {expected:?}\n  actual   {actual:?}"
            ));
        }
    }
    if record {
        println!("RECORDED [{}]", recorded.join(", "));
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ:\n{}",
        mismatches.len(),
        CASES.len(),
        mismatches.join("\n")
    );
}
