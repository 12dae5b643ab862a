//! Inputs the fuzz targets in `fuzz/` (template, metadata, planner, note) found to break a
//! promise of the core, written out as tests that run on stable. The converter's own
//! crashes live in `convert_regressions.rs`. SECURITY.md ("Fuzzing") lists the runs.

use quotebook_core::note::{Note, Quote, SCHEMA_VERSION};
use quotebook_core::template::{RenderOptions, Templates, render_note};
use yaml_rust2::{Yaml, YamlLoader};

/// YAML 1.2's printable characters (production `c-printable`).
fn yaml_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

fn note_titled(title: &str) -> Note {
    Note {
        schema: SCHEMA_VERSION,
        id: "https://a.example/p".into(),
        url: "https://a.example/p".into(),
        title: title.into(),
        authors: vec![title.into()],
        created: "2024-06-05T12:57:03.217Z".into(),
        updated: "2024-06-05T12:57:03.217Z".into(),
        quotes: vec![Quote {
            id: "q".into(),
            markdown: "x".into(),
            tags: vec![title.into()],
            ..Quote::default()
        }],
        ..Note::default()
    }
}

/// template target: a title holding U+FFFE was written raw inside a double-quoted scalar.
/// It is not a YAML printable character, so a strict reader (js-yaml, which Obsidian uses)
/// refuses the whole frontmatter; a byte order mark inside a document is refused likewise.
#[test]
fn yaml_filter_escapes_noncharacters_and_the_byte_order_mark() {
    for title in [
        "\u{fffe}",
        "a\u{ffff}b",
        "\u{feff}title",
        "tail\u{feff}",
        "mixed \u{fffe}\u{202e}\u{0}",
    ] {
        let templates = Templates {
            note: "t: {{ title | yaml }}\na: {{ authors | yaml }}\ng: {{ tags | yaml }}\n".into(),
            quote: String::new(),
        };
        for templates in [templates, Templates::default()] {
            let rendered = render_note(&note_titled(title), &templates, &RenderOptions::default());
            assert_eq!(rendered.error, None);
            let markdown = rendered.markdown;
            let yaml_text = match markdown.strip_prefix("---\n") {
                Some(body) => &body[..body.find("\n---\n").expect("frontmatter closes") + 1],
                None => markdown.as_str(),
            };
            if let Some(c) = yaml_text.chars().find(|c| !yaml_printable(*c)) {
                panic!("{c:?} written raw in {yaml_text:?}");
            }
            assert!(
                !yaml_text.contains('\u{feff}'),
                "a byte order mark inside {yaml_text:?}"
            );
            let docs = YamlLoader::load_from_str(yaml_text)
                .unwrap_or_else(|e| panic!("invalid YAML ({e}): {yaml_text:?}"));
            let doc = &docs[0];
            let key = if doc["t"].is_badvalue() { "title" } else { "t" };
            assert_eq!(doc[key], Yaml::String(title.into()), "{yaml_text:?}");
            let key = if doc["g"].is_badvalue() { "tags" } else { "g" };
            assert_eq!(
                doc[key],
                Yaml::Array(vec![Yaml::String(title.into())]),
                "{yaml_text:?}"
            );
        }
    }
}
