//! Differential: our tokenizer (`quotebook_html::tokenizer`) gives the tokens html5ever's
//! tokenizer gives — text (runs merged), start tags with their attributes, end tags,
//! comments, doctypes — when both switch to raw text by the tag's name alike; on edge
//! cases, every golden input, and every corpus `article.html` and `source.html` (whole
//! pages, when the corpus is there: see `common::corpus`).

use std::fs;
use std::path::Path;

mod common;
mod tokens;
use tokens::{mine, theirs};

/// The index of the first token that differs, with both tokens, if any.
fn first_difference(html: &str) -> Option<(usize, String, String)> {
    let (a, b) = (mine(html), theirs(html));
    if a == b {
        return None;
    }
    let i = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    Some((i, format!("{:?}", a.get(i)), format!("{:?}", b.get(i))))
}

#[test]
fn edge_cases_give_html5evers_tokens() {
    let cases = [
        "<p>a &amp; b &lt; c &#38; &#x26; &#x1F600; &#0; &#x80; &#x81; &#xD800; &#1114112;</p>",
        "<p>&notit; &amp &copy2 &unknown; & x &# &#x; &#x;; a&b &ampamp; &AMP &frac34x</p>",
        "&#99999999999999999; &#x; &#xZ; &#12a &#x1f600",
        "<a href=\"/x?a=1&amp;b=2&c=3&copy=4&copy;&notit\" title='q&quot;' data-x=un&amp;q>t</a>",
        "<p class=a class=b CLASS=c>dup</p><IMG SRC=x ALT=y/><br/><hr />",
        "<p>1 < 2 <3 <<b>x</b> </p> < end <",
        "<!-- c --><!----><!---><!-- a --><!-- b ---><!--x--!>y--><p>z</p><!--<!-->",
        "<!-- a -- b --><!--a--->x<!--a-b-->",
        "<div\nid=\"a\"\tclass='b'  data-e= v >x</div  ><p =x>eq</p><p/ >slash</p>",
        "<p a=b'c d=\"e\"f=g h='i'/>x<p a b = c d=>e",
        "</p>stray</br></x></ x></>y</3></p class=x><//x>",
        "<script>if (a < b) x()</script><style>p{}</style><title>&amp;</title>",
        "<svg><![CDATA[x]]></svg>",
        "<!DOCTYPE html><!doctype x y z><html><head></head><body>b</body></html>",
        "<?xml x?><p>pi</p><!x><![CDATA[y]]>",
        "<textarea>&lt;b&gt;</textarea><noscript><b>n</b></noscript>",
        "a\r\nb\0c\rd",
        "<p \0a=\0>\0</p><title>\0</title><style>\0</style>",
        "<p>é — “quotes” 日本</p>",
        "<p unterminated",
        "<p a=\"unterminated>",
        "x</p",
        "<!-- unterminated",
        "<!-- unterminated-",
        "<!-- unterminated--",
        "<!-- unterminated---",
        "<!DOCTYPE",
        "<iframe>never closed <b>x</b>",
        "<style>x</style/><p>y</p><style>a</stylex></style >b",
        "<script><!-- <script> x </script> --></script><p>after</p>",
        "<script><!--<script>--></script>a",
        "<script><!-- a --> </script>b",
        "<script><!--></script>c",
        "<script><!-- <script/> </SCRIPT> x --></script>d",
        "<script><!-- <scriptx> </script>e",
        "<script>a<!-b</script>f",
        "<script><!-- <script> -></script> x</script>g",
        "<plaintext><p>all text</p></plaintext>",
        "<xmp><b>x</b></xmp><noembed><i>y</i></noembed><noframes>z</noframes>",
        "<a href=x\"y title=\"z\">",
        "<a b=\"\" c='' d=>",
        "&",
        "<",
        "</",
        "<!",
        "<!-",
        "<!--",
        "&#",
        "&#x",
        "&am",
        "&amp",
    ];
    let mut failures = Vec::new();
    for html in cases {
        if let Some((i, a, b)) = first_difference(html) {
            failures.push(format!("{html:?}: token {i}\n ours: {a}\n html5ever: {b}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn golden_inputs_and_corpus_pages_give_html5evers_tokens() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = common::files_named(&root.join("tests/golden"), &["input.html"]);
    let golden = files.len();
    assert!(golden >= 20, "{golden} golden inputs");
    if let Some(corpus) = common::corpus("corpus pages") {
        files.extend(common::files_named(
            &corpus,
            &["article.html", "source.html"],
        ));
        assert!(files.len() >= golden + 200, "{} inputs", files.len());
    }
    let mut failures = Vec::new();
    for f in &files {
        let html = fs::read_to_string(f).expect("read");
        if let Some((i, a, b)) = first_difference(&html) {
            failures.push(format!(
                "{}: token {i}\n ours: {a}\n html5ever: {b}",
                f.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    println!("{} inputs give html5ever's tokens", files.len());
}
