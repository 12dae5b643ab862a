//! The TypeScript interfaces of the boundary (`src/boundary.d.ts`) against the Rust types
//! they describe. A value serde writes is checked against its interface field by field
//! (names and types, recursively); a type the bindings only read is checked by the field
//! names its `Deserialize` asks for, and by reading a value built from its interface. So a
//! field renamed, added or removed on one side only fails here, before `tsc` would trust
//! the stale interface.

// The library module's types (templates, imports, sync) are only in the default build.
#![cfg(feature = "library")]

use std::collections::{BTreeMap, BTreeSet};

use quotebook_core::backup::{ImportPlan, NoteChange, Removal};
use quotebook_core::clip::{Clipped, ImageBytes, ImageClipRequest};
use quotebook_core::embed::{AttachmentFile, Embed, ImageOptions};
use quotebook_core::image::ImageInfo;
use quotebook_core::library::{Deleted, FileSettings};
use quotebook_core::note::TextSelector;
use quotebook_core::sync::session::{Counts, ReasonEntry, ReportEntry, Settings};
use quotebook_core::template::{QuoteOrder, RenderOptions, Templates, render_note};
use quotebook_core::{Capture, ClipRequest, ImageRef, Note, Quote};
use quotebook_wasm::{
    Answer, Attached, Finished, ImageFetched, ImageRefused, Plan, PlanWrite, Planned, Snapshot,
    TYPESCRIPT,
};
use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde_json::{Value, json};

/// A field of an interface: its TypeScript type, and whether it may be left out (`?`).
#[derive(Debug)]
struct Field {
    ty: String,
    optional: bool,
}

/// The declarations of the TypeScript text: interfaces by name, and type aliases.
#[derive(Debug, Default)]
struct Decls {
    interfaces: BTreeMap<String, BTreeMap<String, Field>>,
    aliases: BTreeMap<String, String>,
}

fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("*/").expect("comment closed") + start + 2;
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.lines()
        .map(|line| line.split("//").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse(ts: &str) -> Decls {
    let text = strip_comments(ts);
    let mut decls = Decls::default();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("export ") {
        rest = &rest[at + "export ".len()..];
        if let Some(body) = rest.strip_prefix("interface ") {
            let (name, body) = body.split_once('{').expect("interface body");
            let (body, after) = body.split_once('}').expect("interface closed");
            let fields = body
                .split(';')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(|f| {
                    let (name, ty) = f.split_once(':').expect("field: type");
                    let optional = name.ends_with('?');
                    let name = name.trim_end_matches('?').trim().to_owned();
                    let ty = ty.trim().to_owned();
                    (name, Field { ty, optional })
                })
                .collect();
            decls.interfaces.insert(name.trim().to_owned(), fields);
            rest = after;
        } else if let Some(body) = rest.strip_prefix("type ") {
            let (name, body) = body.split_once('=').expect("alias =");
            let (ty, after) = body.split_once(';').expect("alias ;");
            decls
                .aliases
                .insert(name.trim().to_owned(), ty.trim().to_owned());
            rest = after;
        } else {
            panic!(
                "unexpected export in boundary.d.ts: {}",
                &rest[..40.min(rest.len())]
            );
        }
    }
    decls
}

fn decls() -> Decls {
    parse(TYPESCRIPT)
}

/// Splits `ty` at its top-level `|`s.
fn alternatives(ty: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in ty.char_indices() {
        match c {
            '<' | '[' | '(' => depth += 1,
            '>' | ']' | ')' => depth -= 1,
            '|' if depth == 0 => {
                out.push(ty[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(ty[start..].trim());
    out
}

/// Which fields a value must have: all of them (a fully populated sample), or only the
/// required ones (a sample with `None`s and empty lists).
#[derive(Clone, Copy, PartialEq)]
enum Full {
    Yes,
    Required,
}

/// Checks `value` against the TypeScript type `ty`; `at` names the place for the message.
fn check(decls: &Decls, value: &Value, ty: &str, full: Full, at: &str) -> Result<(), String> {
    let alts = alternatives(ty);
    let mut errors = Vec::new();
    for alt in &alts {
        match check_one(decls, value, alt, full, at) {
            Ok(()) => return Ok(()),
            Err(e) => errors.push(e),
        }
    }
    Err(errors.join("; "))
}

fn check_one(decls: &Decls, value: &Value, ty: &str, full: Full, at: &str) -> Result<(), String> {
    let ok = match ty {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        // Bytes: a `Uint8Array` in the browser, numbers in serde_json's rendering.
        "Uint8Array" => value
            .as_array()
            .is_some_and(|a| a.iter().all(|b| b.as_u64().is_some_and(|b| b < 256))),
        _ if ty.starts_with('\'') => value.as_str() == Some(ty.trim_matches('\'')),
        _ if ty.ends_with("[]") => {
            let item = &ty[..ty.len() - 2];
            let items = value
                .as_array()
                .ok_or(format!("{at}: {value} is not {ty}"))?;
            for (i, v) in items.iter().enumerate() {
                check(decls, v, item, full, &format!("{at}[{i}]"))?;
            }
            true
        }
        _ if ty.starts_with('[') => {
            let types: Vec<&str> = ty[1..ty.len() - 1].split(',').map(str::trim).collect();
            let items = value
                .as_array()
                .ok_or(format!("{at}: {value} is not {ty}"))?;
            if items.len() != types.len() {
                return Err(format!("{at}: {value} is not {ty}"));
            }
            for (i, (v, t)) in items.iter().zip(types).enumerate() {
                check(decls, v, t, full, &format!("{at}[{i}]"))?;
            }
            true
        }
        _ if ty.starts_with("Record<string,") => {
            let item = ty["Record<string,".len()..ty.len() - 1].trim();
            let map = value
                .as_object()
                .ok_or(format!("{at}: {value} is not {ty}"))?;
            for (k, v) in map {
                check(decls, v, item, full, &format!("{at}.{k}"))?;
            }
            true
        }
        _ if decls.aliases.contains_key(ty) => {
            return check(decls, value, &decls.aliases[ty], full, at);
        }
        _ if decls.interfaces.contains_key(ty) => {
            return check_object(decls, value, ty, full, at);
        }
        _ => return Err(format!("{at}: the type {ty} is not declared")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{at}: {value} is not {ty}"))
    }
}

fn check_object(
    decls: &Decls,
    value: &Value,
    name: &str,
    full: Full,
    at: &str,
) -> Result<(), String> {
    let fields = &decls.interfaces[name];
    let object = value
        .as_object()
        .ok_or(format!("{at}: {value} is not an object ({name})"))?;
    let keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
    let wanted: BTreeSet<&str> = fields
        .iter()
        .filter(|(_, f)| full == Full::Yes || !f.optional)
        .map(|(k, _)| k.as_str())
        .collect();
    let declared: BTreeSet<&str> = fields.keys().map(String::as_str).collect();
    let extra: Vec<_> = keys.difference(&declared).collect();
    let missing: Vec<_> = wanted.difference(&keys).collect();
    if !extra.is_empty() || !missing.is_empty() {
        return Err(format!(
            "{at}: interface {name} and the Rust value disagree: fields only in Rust {extra:?}, \
             only in TypeScript {missing:?}"
        ));
    }
    for (key, v) in object {
        check(decls, v, &fields[key].ty, full, &format!("{at}.{key}"))?;
    }
    Ok(())
}

/// Asserts that `value`, written by serde, has the shape of the interface `name`.
fn assert_shape<T: Serialize>(value: &T, name: &str, full: Full) {
    let decls = decls();
    assert!(decls.interfaces.contains_key(name), "no interface {name}");
    let json = serde_json::to_value(value).unwrap();
    if let Err(e) = check_object(&decls, &json, name, full, name) {
        panic!("{e}\n(update src/boundary.d.ts with the Rust type, or the type with it)");
    }
}

/// A value of the TypeScript type `ty` with every field and one item in every list.
fn sample_of(decls: &Decls, ty: &str) -> Value {
    let alt = alternatives(ty)
        .into_iter()
        .find(|a| *a != "null")
        .expect("a type other than null");
    match alt {
        "string" => json!("x"),
        "number" => json!(1),
        "boolean" => json!(true),
        "Uint8Array" => json!([1]),
        _ if alt.starts_with('\'') => json!(alt.trim_matches('\'')),
        _ if alt.ends_with("[]") => json!([sample_of(decls, &alt[..alt.len() - 2])]),
        _ if alt.starts_with('[') => Value::Array(
            alt[1..alt.len() - 1]
                .split(',')
                .map(|t| sample_of(decls, t.trim()))
                .collect(),
        ),
        _ if alt.starts_with("Record<string,") => {
            json!({"k": sample_of(decls, alt["Record<string,".len()..alt.len() - 1].trim())})
        }
        _ if decls.aliases.contains_key(alt) => sample_of(decls, &decls.aliases[alt]),
        _ => Value::Object(
            decls.interfaces[alt]
                .iter()
                .map(|(k, f)| (k.clone(), sample_of(decls, &f.ty)))
                .collect(),
        ),
    }
}

/// The field names a derived `Deserialize` asks for: it hands them to `deserialize_struct`.
struct FieldNames(Vec<&'static str>);

impl<'de> Deserializer<'de> for &mut FieldNames {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = fields.to_vec();
        Err(de::Error::custom("names read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// Asserts that the type the bindings read, `T`, asks for exactly the fields of the
/// interface `name`, and reads a value of that interface.
fn assert_reads<T: for<'de> Deserialize<'de>>(name: &str) {
    let decls = decls();
    let mut names = FieldNames(Vec::new());
    let _ = T::deserialize(&mut names);
    let rust: BTreeSet<&str> = names.0.into_iter().collect();
    let ts: BTreeSet<&str> = decls.interfaces[name].keys().map(String::as_str).collect();
    assert_eq!(
        rust, ts,
        "interface {name} and the Rust type it describes disagree on field names \
         (update src/boundary.d.ts with the Rust type, or the type with it)"
    );
    let sample = sample_of(&decls, name);
    if let Err(e) = serde_json::from_value::<T>(sample.clone()) {
        panic!("a {name} as TypeScript declares it does not read: {e}\n{sample}");
    }
}

fn quote() -> Quote {
    Quote {
        id: "q1".into(),
        markdown: "*One.*".into(),
        text: "One.".into(),
        created: "2024-06-05T12:00:00.000Z".into(),
        comment: "Mine.".into(),
        tags: vec!["tag".into()],
        fragment: Some("text=One.".into()),
        selector: Some(TextSelector {
            exact: "One.".into(),
            prefix: "Zero.".into(),
            suffix: "Two.".into(),
            repeated: true,
        }),
        private: true,
        position: Some(3),
        kind: quotebook_core::QuoteKind::Question,
        images: vec![image_ref()],
    }
}

fn image_ref() -> ImageRef {
    ImageRef {
        url: "https://a.example/cat.png".into(),
        alt: "A cat".into(),
        caption: "Our cat".into(),
        name: "cat".into(),
        hash: Some("ab".repeat(32)),
        mime: Some("image/png".into()),
        width: Some(2),
        height: Some(3),
        size: Some(40),
        error: Some("tracking_pixel: …".into()),
    }
}

fn image_info() -> ImageInfo {
    ImageInfo {
        hash: "ab".repeat(32),
        mime: "image/png".into(),
        width: 2,
        height: 3,
        size: 40,
        extension: "png".into(),
    }
}

#[test]
fn images() {
    assert_shape(&image_ref(), "ImageRef", Full::Yes);
    assert_shape(&image_info(), "ImageInfo", Full::Yes);
    assert_reads::<ImageInfo>("ImageInfo");
    assert_reads::<ImageClipRequest>("ImageClipRequest");
    assert_reads::<ImageFetched>("ImageFetched");
    assert_reads::<ImageOptions>("ImageOptions");
    let clipped = Clipped {
        note: note(),
        quotes: vec![quotebook_core::clip::ClippedQuote {
            id: "q1".into(),
            status: quotebook_core::clip::ClipStatus::Saved,
        }],
        images: vec![ImageBytes {
            hash: "ab".repeat(32),
            mime: "image/png".into(),
            bytes: vec![1, 2, 3],
        }],
    };
    assert_shape(&clipped, "Clipped", Full::Yes);
    let attached = Attached {
        note: note(),
        kept: vec!["ab".repeat(32)],
        refused: vec![ImageRefused {
            url: "https://a.example/x.png".into(),
            error: "not_an_image: text".into(),
        }],
    };
    assert_shape(&attached, "Attached", Full::Yes);
    let file = AttachmentFile {
        path: "attachments/cat-abababab.png".into(),
        hash: "ab".repeat(32),
        mime: "image/png".into(),
    };
    assert_shape(&file, "AttachmentFile", Full::Yes);
}

fn note() -> Note {
    Note {
        schema: quotebook_core::SCHEMA_VERSION,
        id: "https://a.example/".into(),
        url: "https://a.example/?a=1".into(),
        canonical: Some("https://a.example/".into()),
        aliases: vec!["https://a.example/old".into()],
        title: "Aye".into(),
        authors: vec!["Ann".into()],
        site: Some("A".into()),
        published: Some("2024-06-01".into()),
        description: Some("About A.".into()),
        lang: Some("en".into()),
        created: "2024-06-05T12:00:00.000Z".into(),
        updated: "2024-06-05T12:00:00.000Z".into(),
        quotes: vec![quote()],
    }
}

fn capture() -> Capture {
    Capture {
        url: "https://a.example/".into(),
        base_url: Some("https://a.example/".into()),
        title: "Aye".into(),
        canonical: Some("https://a.example/".into()),
        ranges: vec!["<p>One.</p>".into()],
        text: "One.".into(),
        range_texts: vec!["One.".into()],
        incognito: true,
        meta_html: Some("<title>Aye</title>".into()),
        page_text: Some("Zero. One.".into()),
        offsets: vec![[6, 10]],
    }
}

fn entry() -> ReportEntry {
    ReportEntry {
        kind: "created".into(),
        path: Some("Aye.md".into()),
        line: "created   Aye.md".into(),
        reasons: vec![ReasonEntry {
            kind: "deleted".into(),
            words: "First words…".into(),
        }],
        pending: 1,
    }
}

fn counts() -> Counts {
    Counts {
        appended: 1,
        conflict: 2,
        created: 3,
        skipped: 4,
        updated: 5,
    }
}

#[test]
fn notes_and_quotes() {
    assert_shape(&note(), "Note", Full::Yes);
    assert_shape(&quote(), "Quote", Full::Yes);
    assert_shape(&Note::default(), "Note", Full::Required);
    assert_shape(&Quote::default(), "Quote", Full::Required);
}

#[test]
fn clip_requests() {
    assert_shape(&capture(), "Capture", Full::Yes);
    assert_shape(&Capture::default(), "Capture", Full::Required);
    let request = ClipRequest {
        capture: capture(),
        now: "2024-06-05T12:00:00.000Z".into(),
        quote_id: "q1".into(),
        comment: "Mine.".into(),
        tags: vec!["tag".into()],
        allow_private: true,
        former: vec![serde_json::to_value(note()).unwrap()],
    };
    assert_shape(&request, "ClipRequest", Full::Yes);
    assert_reads::<Capture>("Capture");
    assert_reads::<ClipRequest>("ClipRequest");
}

#[test]
fn clip_outcomes() {
    let request = ClipRequest {
        capture: capture(),
        now: "2024-06-05T12:00:00.000Z".into(),
        quote_id: "q9".into(),
        allow_private: true,
        ..ClipRequest::default()
    };
    // A quote without images leaves `images` out: every required field is checked.
    let first = quotebook_core::clip_outcome(&request, None).unwrap();
    assert_shape(&first, "ClipOutcome", Full::Required);
    let again = quotebook_core::clip_outcome(&request, Some(first.note)).unwrap();
    assert_shape(&again, "ClipOutcome", Full::Required);
    assert_eq!(
        serde_json::to_value(&again.quotes).unwrap(),
        json!([{"id": "q9", "status": "duplicate"}])
    );
}

#[test]
fn anchors() {
    use quotebook_core::anchor::{AnchorQuery, anchor_quotes};
    assert_reads::<AnchorQuery>("AnchorQuery");
    assert_reads::<quotebook_core::anchor::AnchorSelector>("AnchorSelector");
    // A stored quote reads as a query, as the extension passes a note's quotes.
    let query: AnchorQuery = serde_json::to_value(quote())
        .and_then(serde_json::from_value)
        .unwrap();
    let found = anchor_quotes("Zero. One. Two.", std::slice::from_ref(&query));
    assert_shape(&found[0], "Anchor", Full::Yes);
    let lost = anchor_quotes("Nothing here.", &[query]);
    assert_shape(&lost[0], "Anchor", Full::Yes);
    for kind in quotebook_core::QuoteKind::ALL {
        let mut q = quote();
        q.kind = kind;
        assert_shape(&q, "Quote", Full::Yes);
    }
}

#[test]
fn text_fragments() {
    let fragment = quotebook_core::text_fragment("Zero. One. Two.", 6, 10).expect("a fragment");
    assert_shape(&fragment, "TextFragment", Full::Yes);
}

#[test]
fn template_reference() {
    use quotebook_core::template::reference::{reference, unknown_names};
    let items = reference(&note(), &RenderOptions::default());
    assert!(items.len() > 20);
    for item in &items {
        assert_shape(item, "ReferenceItem", Full::Yes);
    }
    let unknown = unknown_names(&Templates {
        note: "{{ titel }}".into(),
        quote: String::new(),
    });
    assert_eq!(unknown.note, ["titel"]);
    assert_shape(&unknown, "UnknownNames", Full::Yes);
}

#[test]
fn search_marks() {
    for segment in quotebook_core::search::mark_segments("Un résumé", "resume") {
        assert_shape(&segment, "Segment", Full::Yes);
    }
}

#[test]
fn templates_and_rendering() {
    let templates = Templates {
        note: "{{ title }}".into(),
        quote: "{% if %}".into(),
    };
    assert_shape(&templates, "Templates", Full::Yes);
    let options = RenderOptions {
        tz_offset_minutes: 60,
        locale: "fr".into(),
        quote_order: QuoteOrder::Page,
        images: ImageOptions {
            embed: Embed::CommonMark,
            ..ImageOptions::default()
        },
    };
    assert_shape(&options, "RenderOptions", Full::Yes);
    assert_reads::<Templates>("Templates");
    assert_reads::<RenderOptions>("RenderOptions");
    let rendered = render_note(&note(), &templates, &options);
    assert!(
        rendered.error.is_some(),
        "the broken quote template is reported"
    );
    assert_shape(&rendered, "Rendered", Full::Yes);
    assert_shape(
        &render_note(&note(), &Templates::default(), &options),
        "Rendered",
        Full::Required,
    );
}

#[test]
fn library_imports() {
    let change = NoteChange {
        id: "https://a.example/".into(),
        title: "A".into(),
        url: "https://a.example/".into(),
        quotes_added: 1,
        quotes_removed: 2,
        fields: vec!["title".into()],
    };
    let plan = ImportPlan {
        added: vec![change.clone()],
        changed: vec![change],
        removed: vec![
            Removal {
                note: "https://a.example/".into(),
                title: "A".into(),
                quote: Some("q1".into()),
                text: Some("One.".into()),
                at: "2024-06-05T12:00:00.000Z".into(),
            },
            Removal {
                note: "https://b.example/".into(),
                title: "B".into(),
                quote: None,
                text: None,
                at: "2024-06-05T12:00:00.000Z".into(),
            },
        ],
        quotes_skipped: 3,
        ignored: vec!["templates".into()],
        settings: Some(FileSettings {
            templates: Templates {
                note: "# {{ title }}".into(),
                quote: String::new(),
            },
            file_name_pattern: "{site}/{title}".into(),
            tz_offset_minutes: -300,
            locale: "fr".into(),
            quote_order: QuoteOrder::Page,
            images: None,
        }),
        notes: vec![note()],
        deleted: vec![Deleted {
            id: "q0".into(),
            note: Some("https://a.example/".into()),
            at: "2024-06-05T12:00:00.000Z".into(),
        }],
        images: vec![ImageBytes {
            hash: "ab".repeat(32),
            mime: "image/png".into(),
            bytes: vec![1, 2],
        }],
    };
    assert_shape(&plan, "ImportPlan", Full::Yes);
    assert_shape(plan.settings.as_ref().unwrap(), "FileSettings", Full::Yes);
    assert_reads::<FileSettings>("FileSettings");
}

#[test]
fn sync_sessions() {
    let plan = Plan {
        writes: vec![PlanWrite {
            path: "Aye.md".into(),
            text: "> One.\n".into(),
            expect: Some("abc".into()),
        }],
        state: Some("{}".into()),
        backup: Some("{}".into()),
        decisions: vec![entry()],
        summary: counts(),
        attachments: vec![AttachmentFile {
            path: "attachments/cat-abababab.png".into(),
            hash: "ab".repeat(32),
            mime: "image/png".into(),
        }],
    };
    assert_shape(&Answer::Plan(Box::new(plan)), "SyncPlan", Full::Yes);
    let need = Answer::Need {
        need: vec!["Aye.md".into()],
    };
    assert_shape(&need, "SyncNeed", Full::Yes);
    let finished = Finished {
        state: Some("{}".into()),
        decisions: vec![entry()],
        summary: counts(),
    };
    assert_shape(&finished, "SyncFinished", Full::Yes);
    assert_reads::<Snapshot>("SyncSnapshot");
    assert_reads::<Settings>("SyncOptions");
    assert_reads::<Planned>("SyncPlanned");
    assert_reads::<ReportEntry>("ReportEntry");
    assert_reads::<Counts>("Counts");
}

/// Every type the bindings' attributes name is declared (the `.d.ts` is not checked by
/// `tsc`, which would take an unknown name as `any`).
#[test]
fn the_bindings_name_declared_types() {
    let decls = decls();
    let sources = ["lib.rs", "library.rs", "sync.rs", "preview.rs"].map(|file| {
        let path = format!("{}/src/{file}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    });
    let mut named = 0;
    for source in &sources {
        for part in source.split("unchecked_").skip(1) {
            let Some((_, ty)) = part.split_once("_type = \"") else {
                continue;
            };
            let ty = ty.split('"').next().unwrap();
            named += 1;
            let known = ["string", "number", "boolean", "null", "undefined", "Record"];
            for word in ty.split(|c: char| !c.is_alphanumeric() && c != '_') {
                assert!(
                    word.is_empty()
                        || known.contains(&word)
                        || decls.interfaces.contains_key(word)
                        || decls.aliases.contains_key(word),
                    "{ty}: {word} is not declared in src/boundary.d.ts"
                );
            }
        }
    }
    assert!(named >= 20, "the bindings name their types ({named} found)");
}

/// The checker itself: a renamed field is caught, either way round, and so is a field of
/// another type.
#[test]
fn a_renamed_field_is_caught() {
    let decls = decls();
    let field = decls.interfaces["Quote"].keys().next().unwrap().clone();
    let renamed = format!("{field}Renamed");
    let mut json = serde_json::to_value(quote()).unwrap();
    let object = json.as_object_mut().unwrap();
    let value = object.remove(&field).unwrap();
    object.insert(renamed.clone(), value);
    let error = check_object(&decls, &json, "Quote", Full::Yes, "Quote").unwrap_err();
    assert!(
        error.contains(&renamed) && error.contains(&field),
        "{error}"
    );

    let ts = TYPESCRIPT.replacen(&format!("  {field}: "), &format!("  {renamed}: "), 1);
    assert_ne!(ts, TYPESCRIPT);
    let json = serde_json::to_value(quote()).unwrap();
    assert!(check_object(&parse(&ts), &json, "Quote", Full::Yes, "Quote").is_err());

    let mut json = serde_json::to_value(quote()).unwrap();
    json[&field] = json!({"unexpected": true});
    assert!(check_object(&decls, &json, "Quote", Full::Yes, "Quote").is_err());
}
