//! Hostile captures: whatever a page sends, saving answers (a note or a clear error) without
//! panicking, stalling, or letting page content through as live markup or script links.

use std::time::{Duration, Instant};

use quotebook_core::clip::{Capture, ClipRequest, clip};
use quotebook_core::template::{RenderOptions, Templates, render_note};
use quotebook_core::{Error, Note};

fn request(url: &str, html: &str, title: &str) -> ClipRequest {
    ClipRequest {
        capture: Capture {
            url: url.into(),
            title: title.into(),
            ranges: vec![html.into()],
            text: "text".into(),
            ..Capture::default()
        },
        now: "2024-06-05T12:57:03.217Z".into(),
        quote_id: "q".into(),
        ..ClipRequest::default()
    }
}

/// Saves and renders; returns the note's Markdown. Fails the test if either takes longer
/// than `limit` (generous: this is a guard against stalls, not a benchmark).
fn save(request: &ClipRequest, limit: Duration) -> Result<String, Error> {
    let start = Instant::now();
    let note = clip(request, None)?;
    let markdown = render_note(&note, &Templates::default(), &RenderOptions::default()).markdown;
    let took = start.elapsed();
    assert!(took < limit, "took {took:?}");
    // What was stored reads back the same.
    assert_eq!(Note::from_json(&note.to_json()).unwrap(), note);
    Ok(markdown)
}

#[test]
fn a_ten_megabyte_selection() {
    let paragraph = "<p>Some <b>bold</b> and <a href=\"/x\">a link</a> in a paragraph.</p>\n";
    let html = paragraph.repeat(10 * 1024 * 1024 / paragraph.len());
    // The converter is linear in it...
    let start = Instant::now();
    let md = quotebook_core::html_to_markdown(&html, "https://a.example/").unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "took {:?}",
        start.elapsed()
    );
    assert!(md.len() > 5_000_000);
    assert_eq!(
        md.matches("[a link](https://a.example/x)").count(),
        html.matches("<p>").count()
    );
    // ...and a save refuses it before converting anything (see `capture_limits.rs`).
    let start = Instant::now();
    let refused = clip(&request("https://a.example/", &html, "Big"), None);
    assert!(
        matches!(&refused, Err(Error::TooLarge(m)) if m.contains("at most 8.0 MB in one save")),
        "{refused:?}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn a_hundred_thousand_nested_elements() {
    for tag in ["div", "blockquote", "ul><li", "b", "span", "table><tr><td"] {
        let open = format!("<{tag}>");
        let html = format!("{}deep{}", open.repeat(100_000), "</x>".repeat(10));
        let md = save(
            &request("https://a.example/", &html, "Deep"),
            Duration::from_secs(30),
        )
        .unwrap_or_else(|e| panic!("{tag}: {e}"));
        assert!(md.contains("deep"), "{tag}");
    }
}

#[test]
fn controls_nul_and_bidi_in_text_and_title() {
    let html = "<p>nul \u{0} bell \u{7} esc \u{1b} bidi \u{202e}evil\u{202c} ok</p>";
    let title = "Title \u{202e}gnp.exe\u{202c} \u{0}\n- x: y";
    let md = save(
        &request("https://a.example/", html, title),
        Duration::from_secs(5),
    )
    .unwrap();
    let frontmatter = md.split("\n---\n").next().unwrap();
    assert!(
        !frontmatter.contains('\u{202e}'),
        "bidi override escaped in YAML: {frontmatter}"
    );
    assert!(!frontmatter.contains('\u{0}'), "{frontmatter}");
    assert!(md.contains("ok"));
    // The quote's body keeps no C0 control but newlines (ESC and BEL were kept before);
    // also inside emphasis, a code span and a `pre`.
    let body = md.split("\n---\n").nth(1).unwrap();
    assert!(
        body.contains("bell  esc") || body.contains("bell esc"),
        "{body}"
    );
    let html = "<p><em>a\u{1b}[31mred\u{7}</em> <code>x\u{1b}y</code></p><pre>p\u{1b}[2Jq\u{8}\tr\nline</pre>";
    let md = save(
        &request("https://a.example/", html, "Controls"),
        Duration::from_secs(5),
    )
    .unwrap();
    let body = md.split("\n---\n").nth(1).unwrap();
    assert!(
        !body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{body:?}"
    );
    assert!(body.contains("a\\[31mred*"), "{body:?}");
    assert!(body.contains("`xy`"), "{body:?}");
    assert!(body.contains("p[2Jq"), "{body:?}");
}

#[test]
fn a_one_megabyte_url() {
    let url = format!("https://a.example/{}", "a".repeat(1024 * 1024));
    let md = save(&request(&url, "<p>x</p>", "Long"), Duration::from_secs(5)).unwrap();
    assert!(md.contains("> x"));
}

#[test]
fn script_links_keep_their_text_and_lose_their_target() {
    let html = r#"<p><a href="javascript:alert(1)">js</a> <a href=" JaVaScRiPt:alert(1)">js2</a>
        <a href="vbscript:msgbox">vb</a> <a href="data:text/html,<script>alert(1)</script>">data</a>
        <a href="java&#x09;script:alert(1)">tab</a> <img src="javascript:alert(1)" alt="img"></p>"#;
    let md = save(
        &request("https://a.example/", html, "Links"),
        Duration::from_secs(5),
    )
    .unwrap();
    for word in ["js", "js2", "vb", "data", "tab"] {
        assert!(md.contains(word), "{word} kept: {md}");
    }
    let lower = md.to_ascii_lowercase();
    assert!(!lower.contains("javascript:"), "{md}");
    assert!(!lower.contains("vbscript:"), "{md}");
    assert!(!lower.contains("data:text/html"), "{md}");
}

/// Issue 17, point 7: one control policy for every text that reaches a file: C1 controls
/// (CSI, U+009B, is an escape sequence on its own) as well as C0 ones and DEL, from the
/// page (text, emphasis, code, alt text), the reader's comment, and Markdown that arrived
/// with a backup (never converted by us).
#[test]
fn no_control_character_reaches_a_file_whatever_it_came_from() {
    let hidden = |c: char| matches!(c, '\0'..='\x08' | '\x0e'..='\x1f' | '\x7f'..='\u{9f}');
    let html = "<p>a\u{9b}31mred\u{85} b<em>x\u{9b}2Jy</em> <code>c\u{9d}0;t\u{9c}</code>\
                <img src=\"https://a.example/i.png\" alt=\"al\u{9b}t\"></p><pre>p\u{90}q\u{1b}</pre>";
    let mut r = request("https://a.example/", html, "Ti\u{9b}tle");
    r.comment = "my \u{1b}[31mremark\u{9b}1m".into();
    let mut note = clip(&r, None).unwrap();
    note.annotate(
        &note.quotes[0].id.clone(),
        "edited \u{9b}2J\u{7}",
        &[],
        "2024-06-05T13:00:00Z",
    )
    .unwrap();
    assert_eq!(note.quotes[0].comment, "edited 2J");
    // A backup's Markdown and comment, as stored by another copy, controls and all.
    let mut imported = note.quotes[0].clone();
    imported.id = "imported".into();
    imported.markdown = "from \u{1b}]8;;file:///x\u{7}a backup\u{9b}\u{85}".into();
    imported.comment = "its \u{9b}comment".into();
    note.quotes.push(imported);
    let rendered = render_note(&note, &Templates::default(), &RenderOptions::default());
    let custom = render_note(
        &note,
        &Templates {
            note: "{{ title }}\u{9b}{% for q in quotes %}{{ q.rendered }}{% endfor %}".into(),
            quote: "{{ quote }} {{ comment }} {{ text }}\u{1b}".into(),
        },
        &RenderOptions::default(),
    );
    assert_eq!(custom.error, None);
    for file in [&rendered, &custom] {
        let texts = std::iter::once(&file.markdown).chain(file.quotes.iter().map(|q| &q.block));
        for text in texts {
            assert!(!text.chars().any(hidden), "{text:?}");
        }
    }
    for kept in [
        "31mred",
        "x2Jy",
        "edited 2J",
        "from",
        "a backup",
        "its comment",
        "alt",
    ] {
        assert!(
            rendered.markdown.contains(kept),
            "{kept}: {}",
            rendered.markdown
        );
    }
}

/// Every link and image of `markdown` as a Markdown viewer reads it: `(is_image, url)`.
fn destinations(markdown: &str) -> Vec<(bool, String)> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new(markdown)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some((false, dest_url.into_string())),
            Event::Start(Tag::Image { dest_url, .. }) => Some((true, dest_url.into_string())),
            _ => None,
        })
        .collect()
}

/// Issue 17, point 3: only `http`, `https` and `mailto` links, and `http`, `https` and
/// raster `data:image` images, reach a note; any other scheme keeps its text and loses
/// its target, judged on the URL as resolved (a page's `<base href="file:///…">` included)
/// and as a Markdown viewer reads it.
#[test]
fn only_web_and_mail_links_reach_the_markdown() {
    let html = r##"<p><a href="file:///etc/passwd">file</a> <a href="ms-msdt:/id PCWDiagnostic">msdt</a>
        <a href="chrome-extension://abc/p.html">ext</a> <a href="obsidian://open?vault=v">app</a>
        <a href="relative.html">rel</a> <a href="#top">frag</a> <a href="FiLe:%2F%2Fx">case</a>
        <a href="https://a.example/ok">web</a> <a href="mailto:me@a.example">mail</a>
        <img src="data:image/svg+xml,%3Csvg%20onload%3Dalert(1)%3E" alt="svg">
        <img src="file:///c:/x.png" alt="local"> <img src="pic.png" alt="relimg">
        <img src="data:image/png;base64,iVBORw0KGgo=" alt="png">
        <a href="javascript&amp;#58;alert(1)">ent</a></p>"##;
    for (base, kept) in [
        // The page's own base: relative references become web links.
        ("https://a.example/dir/", true),
        // `<base href="file:///…">`: relative references would become `file:` links.
        ("file:///home/me/", false),
    ] {
        let mut r = request("https://a.example/page", html, "Schemes");
        r.capture.base_url = Some(base.into());
        let md = save(&r, Duration::from_secs(5)).unwrap();
        for word in [
            "file", "msdt", "ext", "app", "rel", "frag", "case", "web", "mail", "svg", "local",
            "ent",
        ] {
            assert!(md.contains(word), "{word} kept as text: {md}");
        }
        let found = destinations(&md);
        for (image, url) in &found {
            let lower = url.to_ascii_lowercase();
            let ok = lower.starts_with("https://")
                || (!image && lower.starts_with("mailto:"))
                || (*image && lower.starts_with("data:image/png;"));
            assert!(ok, "{url:?} (image: {image}) in {md}");
        }
        let urls: Vec<&str> = found.iter().map(|(_, u)| u.as_str()).collect();
        assert!(urls.contains(&"https://a.example/ok"), "{urls:?}");
        assert!(urls.contains(&"mailto:me@a.example"), "{urls:?}");
        assert!(
            urls.iter().any(|u| u.starts_with("data:image/png")),
            "{urls:?}"
        );
        assert_eq!(
            urls.contains(&"https://a.example/dir/relative.html"),
            kept,
            "{urls:?}"
        );
        assert_eq!(
            urls.contains(&"https://a.example/dir/pic.png"),
            kept,
            "{urls:?}"
        );
    }
}

#[test]
fn malformed_html_is_read_as_browsers_do() {
    let html = "<p>one<p>two</b></i><table><td>cell<div>x</table><!-- unclosed <script>alert(1)";
    let md = save(
        &request("https://a.example/", html, "Bad"),
        Duration::from_secs(5),
    )
    .unwrap();
    assert!(
        md.contains("one") && md.contains("two") && md.contains("cell"),
        "{md}"
    );
    assert!(!md.contains("alert(1)") || !md.contains("<script"), "{md}");
}

#[test]
fn empty_and_bad_urls_are_clear_errors() {
    assert!(matches!(
        save(&request("", "<p>x</p>", ""), Duration::from_secs(1)),
        Err(Error::InvalidUrl(_))
    ));
    assert_eq!(
        save(
            &request(
                "https://a.example/",
                "<script>x</script><style>y</style>",
                ""
            ),
            Duration::from_secs(1)
        )
        .map(|_| ())
        .or_else(|e| if e == Error::EmptySelection {
            Ok(())
        } else {
            Err(e)
        }),
        Ok(()),
        "script-only selections fall back to the text, or are empty"
    );
}

#[test]
fn a_huge_inline_image_is_left_out_and_the_quote_says_so() {
    let data = format!("data:image/png;base64,{}", "iVBORw0KGgo".repeat(200_000));
    let html = format!(
        r#"<p>Before <img src="{data}" alt="a [pasted] screenshot"> after, and a small one <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="dot">.</p>"#
    );
    let md = save(
        &request("https://a.example/", &html, "Images"),
        Duration::from_secs(10),
    )
    .unwrap();
    assert!(md.len() < 10_000, "{} bytes", md.len());
    assert!(!md.contains("iVBORw0KGgo"), "the big image's data is gone");
    assert!(
        md.contains(r"\[image not kept: a \[pasted\] screenshot, 2201 KB of inline data\]"),
        "{md}"
    );
    // A small inline image is kept as an image.
    assert!(
        md.contains("![dot](data:image/gif;base64,R0lGODlhAQABAAAAACw=)"),
        "{md}"
    );
    assert!(md.contains("Before") && md.contains("after"), "{md}");
}

#[test]
fn lone_surrogates_from_js_strings_are_refused_in_json_unless_made_well_formed() {
    // JavaScript strings may hold lone surrogates; `JSON.stringify` writes them as `\ud800`
    // escapes, which no Rust string can hold. The extension makes every captured string
    // well-formed first (U+FFFD: `toWellFormed`); this is why.
    let raw = r#"{"capture":{"url":"https://a.example/","title":"t\ud800","ranges":["<p>a\udc00b</p>"],"text":"a\udc00b"},"now":"2024-06-05T12:57:03.217Z","quoteId":"q"}"#;
    assert!(serde_json::from_str::<ClipRequest>(raw).is_err());
    let fixed = raw
        .replace(r"\ud800", "\u{fffd}")
        .replace(r"\udc00", "\u{fffd}");
    let request: ClipRequest = serde_json::from_str(&fixed).unwrap();
    let md = save(&request, Duration::from_secs(5)).unwrap();
    assert!(md.contains("a\u{fffd}b"), "{md}");
}
