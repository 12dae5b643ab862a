//! The fast tokenizer builds exactly the tree html5ever's own tokenizer builds: on every
//! golden input, every corpus article (when the corpus is there) and a set of edge cases.

mod common;

use std::fs;
use std::path::Path;

use quotebook_html::convert::parse::{parse, parse_standard};

#[track_caller]
fn same_tree(html: &str, what: &str) {
    let fast = parse(html).dump();
    let standard = parse_standard(html).dump();
    if fast != standard {
        let line = fast
            .lines()
            .zip(standard.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{what}: trees differ at line {line}\n fast: {:?}\n  std: {:?}",
            fast.lines().nth(line),
            standard.lines().nth(line)
        );
    }
}

#[test]
fn edge_cases_build_the_standard_tree() {
    for html in [
        "<p>a &amp; b &lt; c &#38; &#x26; &#x1F600; &#0; &#x80; &#xD800; &#1114112;</p>",
        "<p>&notit; &amp &copy2 &unknown; & x &# &#x; a&b</p>",
        "<a href=\"/x?a=1&amp;b=2&c=3&copy=4\" title='q&quot;' data-x=un&amp;q>t</a>",
        "<p class=a class=b CLASS=c>dup</p><IMG SRC=x ALT=y/><br/><hr />",
        "<p>1 < 2 <3 <<b>x</b> </p> < end <",
        "<!-- c --><!----><!---><!-- a --><!-- b ---><!--x--!>y--><p>z</p>",
        "<div\nid=\"a\"\tclass='b'  data-e= v >x</div  >",
        "<p>unclosed <b>bold <i>both</p>text",
        "<ul><li>a<li>b</ul><table><tr><td>c<td>d</table><p>e",
        "<a href=x>1<a href=y>2</a></a>",
        "<pre>\nfirst</pre><listing>\nx</listing>",
        "<p title=>empty</p><p =x>eq</p><p/ >slash</p>",
        "</p>stray</br></x>",
        "<script>if (a < b) x()</script><style>p{}</style><title>&amp;</title>",
        "<svg><![CDATA[x]]></svg><math><mi>x</mi></math>",
        "<!DOCTYPE html><html><head></head><body>b</body></html>",
        "<?xml x?><p>pi</p>",
        "<textarea>&lt;b&gt;</textarea><noscript><b>n</b></noscript>",
        "a\r\nb\0c",
        "<p>é — “quotes” 日本</p>",
        "<p unterminated",
        "<p a=\"unterminated>",
        // Raw text the fast tokenizer cuts itself, and the cases it leaves to html5ever.
        "<p>a<iframe src=x><p>not a tag</p></iframe>b<style>p > a { }</STYLE >c</p>",
        "<xmp><b>x</b></xmp><noembed><i>y</i></noembed><noframes>z</noframes>",
        "<script>if (a < b && c) { x('</scrip'); }</script><p>after</p>",
        "<script><!-- <script> x </script> --></script><p>after</p>",
        "<title>plain</title><textarea>\nfirst line</textarea><title>a &amp; b</title>",
        "<iframe>never closed <b>x</b>",
        "<style>x</style/><p>y</p>",
        "<svg viewBox='0 0 1 1'><style>a{}</style><title>t</title><foreignObject>\
         <p>f</p><style>b{}</style></foreignObject></svg><p>after</p>",
        "<math><mi>x</mi><annotation-xml><svg><desc>d</desc></svg></annotation-xml></math>",
        "<template><p>t</p></template><noscript><p>n</p></noscript>",
        "<table><style>s</style><tr><td>c<iframe>i</iframe></td></tr></table>",
        "<p>a &amp; b &lt; c</p><p>&quot;q&quot; &#8212; &unknown; x</p>",
        "<plaintext><p>all text</p>",
        // The well-formed shape the quick tree builder takes, and what it leaves to
        // html5ever's.
        "<div><p>a <b>b</b> <a href=x>c</a></p><ul><li>1<ul><li>2</li></ul></li></ul></div>",
        "<table> <tbody> <tr> <td>1</td> <th>2</th> </tr> </tbody> </table>",
        "<p><div>x</div></p><li>a<li>b<dl><dt>t<dd>d</dl>",
        "<a>1<a>2</a></a><h1><h2>x</h2></h1><p>a<hr>b</p><p><table></table></p>",
        "<table><tr><td>implied tbody</td></tr></table><table>text<tbody></tbody></table>",
        "<td>cell outside</td><tr>row outside</tr><p><b>x</p></b>",
        "<pre>\n\nkept</pre><listing>\nx</listing><div/><span/>x<br/>y",
        "<li>a<div><li>b</div></li><dd>a<p><dt>b</p></dd>",
        "<p>a<!-- c -->b</p><table><!-- c --><tbody><!-- d --></tbody></table>",
        "<em>a</em></p>b</body></html>",
        "<p>a<h2>b</h2><p>c<div>d</div><p><span>e<div>f</div></span><h3><p>g<h4>h</h4></h3>",
        "<li>a<dialog><li>b</li></dialog></li><li>c<search><li>d</li></search></li>",
        "<li>a<noscript><li>b</li></noscript></li><dd>x<section><dt>y</dt></section></dd>",
        "<table><caption>c <b>d</b></caption><colgroup> <col><col span=2> </colgroup>\
         <tbody><tr><td>x</td></tr></tbody></table><table><col></table>",
        "<table><caption><td>x</td></caption></table><table><colgroup>t</colgroup></table>",
        "<p>a<iframe>b</iframe><textarea>\nc</textarea><title>t</title><style>s</style></p>",
        "<table><tbody><tr><td><style>s</style><script>x</script></td></tr></tbody></table>",
    ] {
        same_tree(html, html);
    }
}

#[test]
fn golden_inputs_and_corpus_articles_build_the_standard_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = common::files_named(&root.join("tests/golden"), &["input.html"]);
    let golden = files.len();
    assert!(golden >= 20, "{golden} golden inputs");
    if let Some(corpus) = common::corpus("corpus articles") {
        files.extend(common::files_named(&corpus, &["article.html"]));
        assert!(files.len() >= golden + 100, "{} inputs", files.len());
    }
    for f in &files {
        let html = fs::read_to_string(f).expect("read");
        same_tree(&html, &f.display().to_string());
    }
    println!(
        "{} inputs build the same tree with both tokenizers",
        files.len()
    );
}
