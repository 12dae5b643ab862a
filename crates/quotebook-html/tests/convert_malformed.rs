//! Malformed and hostile input through the converter: no panic, no blow-up, no text lost.

use quotebook_html::convert::{Options, html_to_markdown_with};

const BASE: &str = "https://example.com/articles/page.html";

/// No panic and no blow-up on hostile input: deep and unclosed nesting, stray and
/// misnested end tags, and a few thousand inputs stitched from markup fragments.
#[test]
fn hostile_input_neither_panics_nor_stalls() {
    let options = Options::default();
    let start = std::time::Instant::now();
    let n = 100_000;
    let deep = [
        "<div>".repeat(n) + "deep" + &"</div>".repeat(n),
        "<blockquote>".repeat(n) + "q",
        "<ul><li>".repeat(n) + "i",
        "<b><i><a href=x>".repeat(n) + "t",
        "<svg>".repeat(n) + "<p>x",
        "<table><tr><td>".repeat(n) + "c",
        "</p></div></x>".repeat(n) + "stray",
        "<p>".repeat(n) + "p",
    ];
    for html in &deep {
        let _ = html_to_markdown_with(html, BASE, &options);
    }
    assert_eq!(
        html_to_markdown_with(&deep[0], BASE, &options).as_deref(),
        Ok("deep")
    );
    let pieces = [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<li>",
        "<ul>",
        "</ul>",
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "</table>",
        "<b>",
        "</i>",
        "<a href='",
        "'>",
        "&amp",
        "&#x",
        "&#1;",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<svg>",
        "</svg>",
        "<math>",
        "<style>",
        "</style>",
        "<script>",
        "<!--<script>",
        "</script>",
        "<textarea>",
        "<title>",
        "<plaintext>",
        "<pre>",
        "\n",
        "text",
        "é",
        "\0",
        "\r",
        "<",
        ">",
        "=",
        "\"",
        "<br/>",
        "<img src=x>",
        "<dd>",
        "<dt>",
        "<option>",
        "<tbody>",
        "<th>",
        "</",
        "<!DOCTYPE html>",
        "<?x>",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3000 {
        let mut html = String::new();
        for _ in 0..(state % 40) {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            html.push_str(pieces[(state >> 33) as usize % pieces.len()]);
        }
        state = state.wrapping_add(7);
        let _ = html_to_markdown_with(&html, BASE, &options);
    }
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
}

/// Cells written straight in a table or a section, without their row: the parse implies
/// the row (and the body), as browsers do, so no cell's text is lost.
#[test]
fn cells_without_a_row_keep_their_text() {
    let options = Options::default();
    for html in [
        "<table><td>cell</table>",
        "<table><td>one<td>two</table>",
        "<table><tbody><td>a<th>b</tbody></table>",
        "<table><thead><th>h</thead><td>c</table>",
        "<p>one<p>two</b></i><table><td>cell<div>x</table>",
    ] {
        let markdown = html_to_markdown_with(html, BASE, &options).unwrap();
        for word in ["cell", "one", "two", "a", "b", "h", "c", "x"] {
            if html.contains(&format!(">{word}<")) {
                assert!(
                    markdown.contains(word),
                    "{word} lost from {html}: {markdown}"
                );
            }
        }
    }
}

/// Misnested formatting is rebuilt as browsers rebuild it (the adoption agency, implied
/// ends), in every build: the CLI and the extension give the same Markdown.
#[test]
fn misnested_formatting_converts_as_browsers_parse_it() {
    let options = Options::default();
    let md = |html| html_to_markdown_with(html, BASE, &options).unwrap();
    // `<p>` closes the first paragraph and `b` is reopened in the second.
    assert_eq!(md("<p><b>x<p>y</b>z"), "**x**\n\n**y**z");
    // The stray `</i>` after `</b>` closes the `i` the adoption agency reopened.
    assert_eq!(
        md("<p><b>bold <i>both</b> italic</i></p>"),
        "**bold *both*** *italic*"
    );
    assert_eq!(
        md("<a href=x>1<a href=y>2</a></a>"),
        "[1](https://example.com/articles/x)[2](https://example.com/articles/y)"
    );
}
