//! Frontmatter stays valid YAML whatever the page put in titles, authors and tags: the
//! rendered note is parsed back with a YAML parser and every value must come back as given.

use quotebook_core::note::{Note, Quote, SCHEMA_VERSION};
use quotebook_core::template::{RenderOptions, Templates, render_note};
use yaml_rust2::{Yaml, YamlLoader};

const NASTY: &[&str] = &[
    "Plain title",
    "Colon: in the middle",
    "ends with colon:",
    "\"double\" and 'single' quotes",
    "# looks like a comment",
    "title with # hash",
    "- leading dash",
    "? question",
    "[flow] {map}",
    "line\nbreak\r\nand tab\t",
    "🚀 emoji ✨ and ünïcödé",
    "true",
    "null",
    "~",
    "0x1F",
    "1e3",
    "2024-06-05",
    "*anchor &ref !tag %directive @at `tick",
    "back\\slash",
    "bidi \u{202e}override\u{202c} and \u{200f}marks",
    "nul \u{0} and bell \u{7} and del \u{7f}",
    "  leading and trailing spaces  ",
    "",
    "|\n  block",
    ">- folded",
    "---",
    "...",
];

fn frontmatter(markdown: &str) -> Yaml {
    let body = markdown
        .strip_prefix("---\n")
        .expect("frontmatter opens the note");
    let end = body.find("\n---\n").expect("frontmatter closes");
    let docs = YamlLoader::load_from_str(&body[..end + 1])
        .unwrap_or_else(|e| panic!("invalid YAML ({e}):\n{}", &body[..end]));
    docs.into_iter().next().expect("one document")
}

fn note(title: &str, author: &str, tag: &str) -> Note {
    Note {
        schema: SCHEMA_VERSION,
        id: "https://a.example/p".into(),
        url: "https://a.example/p?q=a:b#x".into(),
        title: title.into(),
        authors: vec![author.into()],
        published: Some("2024-06-05T10:00:00+02:00".into()),
        created: "2024-06-05T12:57:03.217Z".into(),
        updated: "2024-06-05T12:57:03.217Z".into(),
        quotes: vec![Quote {
            id: "q".into(),
            markdown: "x".into(),
            tags: vec![tag.into()],
            ..Quote::default()
        }],
        ..Note::default()
    }
}

fn string(yaml: &Yaml, key: &str) -> String {
    match &yaml[key] {
        Yaml::String(s) => s.clone(),
        other => panic!("{key} is not a string: {other:?}"),
    }
}

#[test]
fn default_frontmatter_parses_back_to_the_same_values() {
    for value in NASTY {
        let rendered = render_note(
            &note(value, value, value),
            &Templates::default(),
            &RenderOptions::default(),
        );
        assert_eq!(rendered.error, None);
        let yaml = frontmatter(&rendered.markdown);
        assert_eq!(
            string(&yaml, "title"),
            *value,
            "title {value:?}\n{}",
            rendered.markdown
        );
        if !value.is_empty() {
            assert_eq!(string(&yaml, "author"), *value, "author {value:?}");
        }
        assert_eq!(string(&yaml, "source"), "https://a.example/p?q=a:b#x");
        let tags = yaml["tags"].as_vec().map(|v| {
            v.iter()
                .map(|t| t.as_str().unwrap_or("?").to_owned())
                .collect::<Vec<_>>()
        });
        if !value.trim().is_empty() {
            assert_eq!(
                tags.as_deref(),
                Some(&[value.to_string()][..]),
                "tags {value:?}"
            );
        }
    }
}

#[test]
fn custom_templates_using_the_filter_stay_valid() {
    let templates = Templates {
        note: "---\nname: {{ title | yaml }}\nby: {{ authors | yaml }}\nsite: {{ site | yaml }}\nkeywords: {{ tags | yaml }}\n---\n".into(),
        quote: String::new(),
    };
    for value in NASTY {
        let rendered = render_note(
            &note(value, value, "t"),
            &templates,
            &RenderOptions::default(),
        );
        assert_eq!(rendered.error, None);
        let yaml = frontmatter(&rendered.markdown);
        assert_eq!(string(&yaml, "name"), *value);
        assert_eq!(yaml["by"][0].as_str(), Some(*value));
        assert_eq!(string(&yaml, "site"), "");
        assert_eq!(yaml["keywords"][0].as_str(), Some("t"));
    }
}
