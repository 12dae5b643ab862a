use super::*;

/// The tree written as HTML, for assertions only: attributes in the tree's order, text
/// escaped. The extension never sees such a string; it builds DOM nodes from the tree.
fn html(preview: &Preview) -> String {
    let nodes = preview.nodes();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len() + 1];
    for (i, node) in nodes.iter().enumerate() {
        assert!(node.parent.is_none_or(|p| p < i), "parents come first");
        children[node.parent.map_or(nodes.len(), |p| p)].push(i);
    }
    // An explicit stack: (node, whether its children are written).
    let mut out = String::new();
    let mut stack: Vec<(usize, bool)> = children[nodes.len()]
        .iter()
        .rev()
        .map(|&i| (i, false))
        .collect();
    while let Some((i, done)) = stack.pop() {
        match &nodes[i].kind {
            NodeKind::Text(text) => escape(&mut out, text),
            NodeKind::Element { name, .. } if done => {
                out.push_str("</");
                out.push_str(name.as_str());
                out.push('>');
            }
            NodeKind::Element { name, attrs } => {
                out.push('<');
                out.push_str(name.as_str());
                for (attr, value) in attrs {
                    out.push(' ');
                    out.push_str(attr.as_str());
                    out.push_str("=\"");
                    escape(&mut out, value);
                    out.push('"');
                }
                out.push('>');
                if !matches!(name, Name::Br | Name::Hr | Name::Img | Name::Input) {
                    stack.push((i, true));
                }
                stack.extend(children[i].iter().rev().map(|&c| (c, false)));
            }
        }
    }
    out
}

fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

fn render(markdown: &str) -> String {
    html(&preview(markdown, "p1-"))
}

/// Every node is an element of [`Name`] with attributes of [`Attr`] (by the types), every
/// `href` passes the link policy and every `src` is a `blob:` URL; no text is lost into an
/// element's name. Returns the number of elements.
fn assert_policy(preview: &Preview) -> usize {
    let mut elements = 0;
    for node in preview.nodes() {
        if let NodeKind::Element { name, attrs } = &node.kind {
            elements += 1;
            for (attr, value) in attrs {
                match attr {
                    Attr::Href => assert!(
                        is_link_allowed(value) || value.starts_with("#p1-fn-"),
                        "{value:?}"
                    ),
                    Attr::Src => {
                        assert_eq!(*name, Name::Img);
                        assert!(is_stored_image(value), "{value:?}");
                    }
                    Attr::Target => assert_eq!(value, "_blank"),
                    Attr::Id => assert!(value.starts_with("p1-fn-"), "{value:?}"),
                    _ => {}
                }
            }
            if *name == Name::A {
                let href = attrs.iter().find(|(a, _)| *a == Attr::Href);
                let href = href.map(|(_, v)| v.as_str()).unwrap_or_default();
                if !href.starts_with('#') {
                    assert!(
                        attrs.contains(&(Attr::Rel, "noopener noreferrer".into())),
                        "{attrs:?}"
                    );
                }
            }
        }
    }
    elements
}

#[test]
fn ordinary_markdown_renders() {
    assert_eq!(
        render("> *hi* **there** ~~gone~~ `x<y`\n"),
        "<blockquote><p><em>hi</em> <strong>there</strong> <del>gone</del> \
         <code>x&lt;y</code></p></blockquote>"
    );
    assert_eq!(
        render("# One\n\n###### Six\n\nline\nnext  \nbroken\n\n---\n"),
        "<h1>One</h1><h6>Six</h6><p>line\nnext<br>broken</p><hr>"
    );
}

#[test]
fn lists_and_task_lists() {
    assert_eq!(
        render("- a\n- b\n\n3. c\n4. d\n\n1) e\n"),
        "<ul><li>a</li><li>b</li></ul><ol start=\"3\"><li>c</li><li>d</li></ol><ol><li>e</li></ol>"
    );
    assert_eq!(
        render("- [ ] todo\n- [x] done\n"),
        "<ul><li><input type=\"checkbox\" disabled=\"\">todo</li>\
         <li><input type=\"checkbox\" disabled=\"\" checked=\"\">done</li></ul>"
    );
}

#[test]
fn code_blocks_keep_a_language_class_only_when_plausible() {
    assert_eq!(
        render("```rust ignore\nfn x() {}\n```\n\n    indented\n"),
        "<pre><code class=\"language-rust\">fn x() {}\n</code></pre><pre><code>indented\n</code></pre>"
    );
    assert_eq!(
        render("```c++\na\n```\n```\" onclick=x\nb\n```\n```x\"y\nc\n```\n"),
        "<pre><code class=\"language-c++\">a\n</code></pre><pre><code>b\n</code></pre>\
         <pre><code>c\n</code></pre>"
    );
    let long = format!("```{}\nd\n```\n", "a".repeat(33));
    assert_eq!(render(&long), "<pre><code>d\n</code></pre>");
}

#[test]
fn tables_keep_their_alignment() {
    assert_eq!(
        render("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | *2* | 3 | 4 |\n| 5 |\n"),
        "<table><thead><tr><th class=\"align-left\">a</th><th class=\"align-center\">b</th>\
         <th class=\"align-right\">c</th><th>d</th></tr></thead><tbody>\
         <tr><td class=\"align-left\">1</td><td class=\"align-center\"><em>2</em></td>\
         <td class=\"align-right\">3</td><td>4</td></tr>\
         <tr><td class=\"align-left\">5</td><td class=\"align-center\"></td>\
         <td class=\"align-right\"></td><td></td></tr></tbody></table>"
    );
    assert_eq!(
        render("| a |\n|---|\n\nafter\n"),
        "<table><thead><tr><th>a</th></tr></thead></table><p>after</p>"
    );
}

#[test]
fn math_is_text_in_a_marked_span() {
    assert_eq!(
        render("$a<b$ and\n\n$$x^2$$\n"),
        "<p><span class=\"math math-inline\">a&lt;b</span> and</p>\
         <p><span class=\"math math-display\">x^2</span></p>"
    );
}

#[test]
fn raw_html_is_text() {
    let md = "a <script>alert(1)</script> b\n\n<img src=x onerror=alert(1)>\n\n\
              <div onclick=\"x()\">\n<p>block</p>\n</div>\n\n<!-- c --> <?php ?> <![CDATA[x]]>\n";
    let preview = preview(md, "p1-");
    assert_eq!(assert_policy(&preview), 4, "{}", html(&preview));
    assert_eq!(
        html(&preview),
        "<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>\
         <div class=\"raw-html\">&lt;img src=x onerror=alert(1)&gt;\n</div>\
         <div class=\"raw-html\">&lt;div onclick=&quot;x()&quot;&gt;\n&lt;p&gt;block&lt;/p&gt;\n\
         &lt;/div&gt;\n</div>\
         <div class=\"raw-html\">&lt;!-- c --&gt; &lt;?php ?&gt; &lt;![CDATA[x]]&gt;\n</div>"
    );
}

#[test]
fn links_open_safely_and_scripts_are_not_links() {
    let md = "[ok](https://a.example/?q=\"x\" \"T\") [bad](javascript:alert(1)) \
              [tab](java%09script:x) [data](data:text/html,<b>) [rel](/local) [frag](#x) \
              <mailto:me@a.example> <me@b.example> <https://c.example> [vb](VBScript:x) \
              [file](file:///etc/passwd) [MAIL](MAILTO:x@y.example) [up](HTTPS://d.example)";
    let out = render(md);
    assert!(
        out.contains(
            "<a href=\"https://a.example/?q=&quot;x&quot;\" target=\"_blank\" \
             rel=\"noopener noreferrer\" title=\"T\">ok</a>"
        ),
        "{out}"
    );
    assert!(
        out.contains("<span class=\"unsafe-link\">bad</span>"),
        "{out}"
    );
    for gone in [
        "javascript:",
        "data:text",
        "/local",
        "#x",
        "VBScript",
        "file:",
    ] {
        assert!(!out.contains(gone), "{gone} in {out}");
    }
    for kept in [
        "href=\"mailto:me@a.example\"",
        "href=\"mailto:me@b.example\"",
        "href=\"https://c.example\"",
        "href=\"MAILTO:x@y.example\"",
        "href=\"HTTPS://d.example\"",
    ] {
        assert!(out.contains(kept), "{kept} not in {out}");
    }
    assert_eq!(out.matches("<a ").count(), 6, "{out}");
    assert_policy(&preview(md, "p1-"));
}

#[test]
fn obfuscated_schemes_are_compared_as_a_browser_reads_them() {
    // Character references are decoded by the parser, then the scheme is read as a
    // browser reads it: controls around it stripped, tabs and newlines inside ignored.
    for md in [
        "[x](jav&#x61;script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](javascript&colon;alert(1))",
        "[x](<java\tscript:alert(1)>)",
        "[x](&#x09;javascript:alert(1))",
        "[x](<\u{1}javascript:alert(1)>)",
        "[x](java&#x0A;script:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "[x](<http\u{b}s://a.example>)",
    ] {
        let out = render(md);
        assert!(!out.contains("<a "), "{md}: {out}");
        assert!(out.contains("unsafe-link"), "{md}: {out}");
    }
    assert_eq!(scheme("ht\ttp\ns://a"), Some("https".into()));
    assert_eq!(scheme(" \u{1f}HTTP://a"), Some("http".into()));
    assert_eq!(scheme("ht tp://a"), None);
    assert_eq!(scheme("1http://a"), None);
    assert_eq!(scheme("//a.example/x"), None);
    assert_eq!(scheme("a+b.c-d:x"), Some("a+b.c-d".into()));
    assert!(!is_link_allowed("ht&#x09;tp:x"));
}

#[test]
fn remote_images_are_placeholders_never_loaded() {
    let out = render("![a \"cat\" <b>](https://tracker.example/p.gif \"T\")");
    assert_eq!(
        out,
        "<p><a href=\"https://tracker.example/p.gif\" target=\"_blank\" rel=\"noopener noreferrer\">\
         <span title=\"T\" class=\"image-placeholder\" role=\"img\" aria-label=\"a &quot;cat&quot; &lt;b&gt;\">\
         [image: a &quot;cat&quot; &lt;b&gt;]</span></a></p>"
    );
    // Inside a link the placeholder takes that link; other schemes are not linked.
    let out = render(
        "[![x *y*](https://i.example/y.png)](https://a.example/) ![](javascript:x) ![d](data:image/png,x) ![r](rel.png)",
    );
    assert!(out.contains("<a href=\"https://a.example/\""), "{out}");
    assert!(!out.contains("i.example"), "{out}");
    assert!(out.contains("[image: x y]"), "{out}");
    assert!(out.contains("[image: image]"), "{out}");
    assert_eq!(out.matches("<a ").count(), 1, "{out}");
    assert!(!out.contains("<img"), "{out}");
    for gone in ["javascript", "data:", "rel.png"] {
        assert!(!out.contains(gone), "{out}");
    }
}

#[test]
fn stored_images_are_shown_through_blob_urls() {
    assert_eq!(
        render("![a cat](blob:chrome-extension://abc/1234-5678)"),
        "<p><img src=\"blob:chrome-extension://abc/1234-5678\" alt=\"a cat\"></p>"
    );
}

#[test]
fn footnote_ids_carry_the_callers_prefix() {
    let out = render("a[^note] b[^2] c[^note]\n\n[^2]: two\n[^note]: *one*\n");
    assert_eq!(
        out,
        "<p>a<sup class=\"footnote-reference\"><a href=\"#p1-fn-1\">1</a></sup> \
         b<sup class=\"footnote-reference\"><a href=\"#p1-fn-2\">2</a></sup> \
         c<sup class=\"footnote-reference\"><a href=\"#p1-fn-1\">1</a></sup></p>\
         <div class=\"footnote-definition\" id=\"p1-fn-2\"><sup class=\"footnote-definition-label\">2</sup>\
         <p>two</p></div>\
         <div class=\"footnote-definition\" id=\"p1-fn-1\"><sup class=\"footnote-definition-label\">1</sup>\
         <p><em>one</em></p></div>"
    );
    // A label is never an id: hostile labels change nothing.
    let out = html(&preview(
        "x[^\"><b id=popup]\n\n[^\"><b id=popup]: y\n",
        "q7-",
    ));
    assert!(out.contains("id=\"q7-fn-1\""), "{out}");
    assert!(!out.contains("popup\""), "{out}");
}

#[test]
fn frontmatter_is_shown_as_written() {
    assert_eq!(
        render("---\ntitle: \"*x*\"\ntags: [a]\n---\n\n# Body\n"),
        "<pre class=\"frontmatter\">---\ntitle: &quot;*x*&quot;\ntags: [a]\n---</pre><h1>Body</h1>"
    );
    assert_eq!(
        render("---\ntitle: x\n---"),
        "<pre class=\"frontmatter\">---\ntitle: x\n---</pre>"
    );
    // Not at the start, or never closed: Markdown.
    assert_eq!(render("a\n---\n"), "<h2>a</h2>");
    assert_eq!(render("---\nb\n"), "<hr><p>b</p>");
    // A thematic break, a blank line: Markdown, whatever follows.
    assert_eq!(render("---\n\na\n\n---\n"), "<hr><p>a</p><hr>");
    assert_eq!(render("---\n---\n"), "<hr><hr>");
}

#[test]
fn deep_nesting_is_bounded() {
    for md in [
        ">".repeat(100_000),
        "- ".repeat(20_000),
        format!("{}x{}", "*".repeat(5_000), "*".repeat(5_000)),
        format!(
            "{}x{}",
            "[".repeat(5_000),
            "](https://a.example)".repeat(5_000)
        ),
        "> - ".repeat(10_000) + "[^a]\n\n[^a]: | t |\n|---|\n| c |\n",
        format!(
            "{}![a](https://i.example/x.png)",
            "> ".repeat(MAX_DEPTH - 1)
        ),
        format!("{}```js\nx\n```", "> ".repeat(MAX_DEPTH - 1)),
    ] {
        let preview = preview(&md, "p1-");
        assert_policy(&preview);
        let nodes = preview.nodes();
        let mut depth = vec![0usize; nodes.len()];
        for (i, node) in nodes.iter().enumerate() {
            depth[i] = node.parent.map_or(1, |p| depth[p] + 1);
            if matches!(node.kind, NodeKind::Element { .. }) {
                assert!(depth[i] <= MAX_DEPTH + 1, "depth {} at {i}", depth[i]);
            }
        }
    }
    // The text past the limit stays, in the deepest element.
    let out = render(&format!("{}deep", "> ".repeat(MAX_DEPTH + 10)));
    assert!(out.contains("deep"), "{out}");
    assert_eq!(out.matches("<blockquote>").count(), MAX_DEPTH);
}

#[test]
fn hostile_input_is_fast_and_safe() {
    for md in [
        "*".repeat(10_000),
        "*a ".repeat(10_000),
        "[".repeat(10_000),
        "`".repeat(10_000),
        "a <b> &x; ".repeat(100_000),
        "a\n\n".repeat(200_000),
        "- [ ] a\n".repeat(100_000),
        "[a](b) *c* `d` ".repeat(60_000),
        "<".repeat(100_000),
        "<!--".repeat(50_000),
        "<?".repeat(50_000),
        "[^".repeat(50_000),
        "[a](<".repeat(40_000),
        "[a](b \"".repeat(30_000),
        format!("{}{}", "[".repeat(20_000), "[a](b)".repeat(20_000)),
        "&#".repeat(50_000),
        "|a".repeat(20_000) + "\n" + &"|-".repeat(20_000),
        "$".repeat(50_000),
        "---\n".repeat(50_000),
    ] {
        let start = std::time::Instant::now();
        let preview = preview(&md, "p1-");
        assert!(start.elapsed().as_secs() < 5, "slow on {:?}", &md[..20]);
        assert_policy(&preview);
    }
}

#[test]
fn every_text_of_the_markdown_is_kept() {
    // Text is never dropped for being hostile: the reader sees what the note holds.
    let out = render("<script>x</script>\n\n[a](javascript:b) ![c](https://d/e)");
    for kept in ["&lt;script&gt;x&lt;/script&gt;", ">a</span>", "[image: c]"] {
        assert!(out.contains(kept), "{kept} not in {out}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// Any mix of Markdown's syntax characters previews without panic and within the
    /// policy.
    #[test]
    fn arbitrary_markdown_is_safe(md in "[-*_~`>#|:!\\[\\]()<>&;$\\\\ \na-c1.^\"'/=xj]{0,200}") {
        assert_policy(&preview(&md, "p1-"));
    }
}

#[test]
fn search_words_are_marked_inside_the_formatting() {
    let marked = |md: &str, query: &str| html(&preview(md, "p1-").marked(query));
    assert_eq!(
        marked("Un *Résumé* [du résumé](https://a.example/)\n", "RESUME"),
        "<p>Un <em><mark>Résumé</mark></em> <a href=\"https://a.example/\" target=\"_blank\" \
         rel=\"noopener noreferrer\">du <mark>résumé</mark></a></p>"
    );
    assert_eq!(
        marked("- one two\n- three\n", "tw thr"),
        "<ul><li>one <mark>tw</mark>o</li><li><mark>thr</mark>ee</li></ul>"
    );
    // No words, or none found: the same tree.
    let plain = preview("**a** b\n", "p1-");
    assert_eq!(plain.clone().marked(" ,; "), plain);
    assert_eq!(plain.clone().marked("zzz"), plain);
    // Attributes are never marked, and the policy still holds.
    let md = "[x](https://hidden.example/ \"hidden\") ![alt](https://hidden.example/a.png)\n";
    let out = preview(md, "p1-").marked("hidden");
    assert_policy(&out);
    assert!(!html(&out).contains("<mark>"), "{}", html(&out));
}
