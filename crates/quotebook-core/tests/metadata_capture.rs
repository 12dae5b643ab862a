//! The reduced capture agrees with the whole page: for every corpus page, the capture
//! the extension would send (the `outerHTML` of the elements matching
//! `metadata_capture_selectors()`, outermost only, after `<html lang>`) yields the same
//! metadata as the whole page. The selectors are applied to a real parsed DOM (an
//! html5ever tree), by a small matcher for the selector forms the list uses; a test
//! checks that matcher knows every selector of the list.

use std::path::PathBuf;

use html5ever_ref::serialize::{SerializeOpts, TraversalScope, serialize};
use html5ever_ref::tendril::TendrilSink;
use html5ever_ref::{ParseOpts, parse_document};
use markup5ever_rcdom::{Handle, NodeData, RcDom, SerializableHandle};
use quotebook_core::metadata::{Metadata, extract_metadata_with_text, metadata_capture_selectors};
use quotebook_html::page_text::visible_text;

#[path = "../../quotebook-html/tests/common/mod.rs"]
mod common;

const PAGE_URL: &str = "http://fakehost/test/page.html";

/// One simple selector of the list: `tag`, `tag[attr]`, `tag[attr="v"]`, `[attr~="v" i]`,
/// `[attr*="v" i]`.
#[derive(Debug)]
struct Simple {
    tag: Option<String>,
    attr: Option<(String, Option<(char, String)>)>,
}

fn parse_selector(s: &str) -> Simple {
    let s = s.trim();
    let (tag, rest) = match s.find('[') {
        Some(i) => (&s[..i], Some(&s[i + 1..s.len() - 1])),
        None => (s, None),
    };
    let attr = rest.map(|r| {
        let r = r.trim().trim_end_matches(" i").trim();
        match r.find(['~', '*', '=']) {
            None => (r.to_string(), None),
            Some(i) => {
                let op = if &r[i..i + 1] == "=" {
                    '='
                } else {
                    r[i..].chars().next().unwrap()
                };
                let value_start = r[i..].find('=').unwrap() + i + 1;
                (
                    r[..i].to_string(),
                    Some((op, r[value_start..].trim_matches('"').to_string())),
                )
            }
        }
    });
    Simple {
        tag: (!tag.is_empty()).then(|| tag.to_string()),
        attr,
    }
}

fn matches(sel: &Simple, name: &str, attrs: &[(String, String)]) -> bool {
    if sel.tag.as_deref().is_some_and(|t| t != name) {
        return false;
    }
    let Some((attr, test)) = &sel.attr else {
        return true;
    };
    let Some((_, value)) = attrs.iter().find(|(n, _)| n == attr) else {
        return false;
    };
    match test {
        None => true,
        Some(('=', v)) => value.eq_ignore_ascii_case(v),
        Some(('~', v)) => value
            .split_ascii_whitespace()
            .any(|t| t.eq_ignore_ascii_case(v)),
        Some(('*', v)) => value.to_ascii_lowercase().contains(&v.to_ascii_lowercase()),
        Some(other) => panic!("unknown selector operator {other:?}"),
    }
}

fn outer_html(node: &Handle) -> String {
    let mut out = Vec::new();
    let opts = SerializeOpts {
        traversal_scope: TraversalScope::IncludeNode,
        ..Default::default()
    };
    serialize(&mut out, &SerializableHandle::from(node.clone()), opts).expect("serialize");
    String::from_utf8(out).expect("utf-8")
}

/// What the capture script sends: matching elements, outermost only, in document order.
fn capture(node: &Handle, selectors: &[Simple], out: &mut String, lang: &mut Option<String>) {
    if let NodeData::Element { name, attrs, .. } = &node.data {
        let attrs: Vec<(String, String)> = attrs
            .borrow()
            .iter()
            .map(|a| (a.name.local.to_string(), a.value.to_string()))
            .collect();
        let tag = name.local.to_string();
        if tag == "html" && lang.is_none() {
            *lang = attrs
                .iter()
                .find(|(n, _)| n == "lang")
                .map(|(_, v)| v.clone());
        }
        if selectors.iter().any(|s| matches(s, &tag, &attrs)) {
            out.push_str(&outer_html(node));
            return;
        }
    }
    for child in node.children.borrow().iter() {
        capture(child, selectors, out, lang);
    }
}

fn capture_of(html: &str) -> String {
    let selectors: Vec<Simple> = metadata_capture_selectors()
        .split(',')
        .map(parse_selector)
        .collect();
    let dom = parse_document(RcDom::default(), ParseOpts::default()).one(html);
    let mut body = String::new();
    let mut lang = None;
    capture(&dom.document, &selectors, &mut body, &mut lang);
    let escaped = lang
        .unwrap_or_default()
        .replace('&', "&amp;")
        .replace('"', "&quot;");
    format!("<html lang=\"{escaped}\">{body}")
}

#[test]
fn selector_forms_are_understood() {
    for s in metadata_capture_selectors().split(',') {
        let sel = parse_selector(s);
        assert!(sel.tag.is_some() || sel.attr.is_some(), "{s}");
    }
    let cap = capture_of(
        r#"<html lang="de"><head><title>T</title></head><body><nav>skip me</nav>
        <div class="Post-Byline"><a rel="author" href="/a">Anna</a></div>
        <p>text <time datetime="2020-01-01">then</time></p><span itemprop="datePublished" content="2020-01-02"></span></body></html>"#,
    );
    assert!(
        cap.starts_with("<html lang=\"de\"><head><title>T</title></head>"),
        "{cap}"
    );
    assert!(
        cap.contains("Post-Byline")
            && cap.contains("<time datetime=\"2020-01-01\">")
            && cap.contains("itemprop=\"datePublished\""),
        "{cap}"
    );
    assert!(!cap.contains("skip me") && !cap.contains("text "), "{cap}");
}

#[test]
fn capture_yields_the_same_metadata_as_the_page() {
    let Some(dir) = common::corpus("capture test") else {
        return;
    };
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("source.html").is_file())
        .collect();
    pages.sort();
    let (mut same, mut total, mut smaller) = (0, 0, 0usize);
    let mut diffs = Vec::new();
    for page in &pages {
        let html =
            String::from_utf8_lossy(&std::fs::read(page.join("source.html")).unwrap()).into_owned();
        // Both with the page's visible text, which the capture sends beside its elements.
        let text = visible_text(&html);
        let whole: Metadata = extract_metadata_with_text(&html, Some(&text), PAGE_URL);
        let cap = capture_of(&html);
        let reduced = extract_metadata_with_text(&cap, Some(&text), PAGE_URL);
        total += 1;
        smaller += usize::from(cap.len() * 2 < html.len());
        if whole == reduced {
            same += 1;
        } else {
            diffs.push(format!(
                "{}: page {whole:?}\n    capture {reduced:?}",
                page.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    println!(
        "capture agrees with the whole page on {same}/{total} pages; capture under half the page on {smaller}"
    );
    for d in &diffs {
        println!("  differs {d}");
    }
    assert!(
        same * 100 >= total * 98,
        "capture agrees on only {same}/{total} pages"
    );
}

/// The development set's rates (`metadata_rates.rs`) are measured on whole pages: the
/// capture must give the same there too.
#[test]
fn capture_yields_the_same_metadata_on_the_development_set() {
    use std::io::Read;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/metadata-dev");
    let text = std::fs::read_to_string(dir.join("expected.json")).expect("expected.json");
    let entries: Vec<serde_json::Value> = serde_json::from_str(&text).expect("expected.json");
    let (mut same, mut diffs) = (0, Vec::new());
    for e in &entries {
        let page = e["page"].as_str().expect("page");
        let url = e["url"].as_str().expect("url").trim();
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(dir.join("pages").join(page)).unwrap())
            .read_to_end(&mut bytes)
            .unwrap();
        let html = String::from_utf8_lossy(&bytes).into_owned();
        let text = visible_text(&html);
        let whole = extract_metadata_with_text(&html, Some(&text), url);
        let reduced = extract_metadata_with_text(&capture_of(&html), Some(&text), url);
        if whole == reduced {
            same += 1;
        } else {
            diffs.push(format!("{page}: page {whole:?}\n    capture {reduced:?}"));
        }
    }
    println!(
        "capture agrees with the whole page on {same}/{} development pages",
        entries.len()
    );
    for d in &diffs {
        println!("  differs {d}");
    }
    assert!(
        same * 100 >= entries.len() * 98,
        "capture agrees on only {same}/{} pages",
        entries.len()
    );
}
