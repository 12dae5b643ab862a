//! Our own preview renderer against the pulldown-cmark-based one, on every golden case's
//! Markdown and on hand-written comment-style Markdown, after normalising insignificant
//! whitespace; plus safety and linear-time properties of our renderer.

use std::path::Path;

use quotebook_core::preview::{preview_html, render_own};

fn normalise(html: &str) -> String {
    let mut s = html.split_whitespace().collect::<Vec<_>>().join(" ");
    s = s.replace("> <", "><").replace(" <", "<").replace("> ", ">");
    s
}

fn golden_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            golden_files(&p, out);
        } else if p.file_name().is_some_and(|n| n == "expected.md") {
            out.push(p);
        }
    }
}

const HAND: &[&str] = &[
    "> *hi* **there**\n",
    "para\n\n> a\nlazy\n> > nested\n",
    "- a\n- b\n  - c\n  - d\n\n- e\n",
    "3. three\n4. four\n",
    "# H1\n\nSetext\n===\n\n## H2 ##\n",
    "```rust\nfn x() {}\n```\n\n    indented\n",
    "| a | b |\n|:--|--:|\n| 1 \\| 2 | `x` |\n",
    "a  \nb\\\nc\n\n---\n",
    "snake_case_word and *em* and __strong__ and ~~del~~\n",
    "`` a ` b `` and [link](https://a.example \"t\") and ![img](https://i.example/p.png)\n",
    "[ref] and [x][ref]\n\n[ref]: https://r.example/ \"T\"\n",
    "<https://auto.example/> &amp; &copy; &#65; &#x42;\n",
    "text[^1]\n\n[^1]: the note\n",
    "- [ ] todo\n- [x] done\n",
    "$x^2$ and $$y$$\n",
    "---\ntitle: x\n---\n\nbody\n",
    "a <script>alert(1)</script> b\n\n<div onclick=x>\nhi\n</div>\n",
    "***both*** **a *b* c** *a **b** c*\n",
    "[a *b](https://x.example/) c*\n",
    "\\*not em\\* \\_x\\_\n",
];

#[test]
fn agrees_with_pulldown_on_hand_written_markdown() {
    let mut differ = Vec::new();
    for md in HAND {
        let (a, b) = (normalise(&preview_html(md)), normalise(&render_own(md)));
        if a != b {
            differ.push(format!("{md:?}\n  pulldown: {a}\n  ours:     {b}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn golden_markdown_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for c in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
        golden_files(&c.path().join("tests"), &mut files);
    }
    golden_files(&root.join("tests"), &mut files);
    let mut differ = Vec::new();
    for f in &files {
        let md = std::fs::read_to_string(f).unwrap();
        let (a, b) = (normalise(&preview_html(&md)), normalise(&render_own(&md)));
        if a != b {
            let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            let lo = at.saturating_sub(60);
            differ.push(format!(
                "{}\n  pulldown: {}\n  ours:     {}",
                f.display(),
                a.get(lo..(at + 80).min(a.len())).unwrap_or(""),
                b.get(lo..(at + 80).min(b.len())).unwrap_or("")
            ));
        }
    }
    eprintln!("{} of {} golden files differ", differ.len(), files.len());
    for d in &differ {
        eprintln!("{d}");
    }
    assert!(!files.is_empty());
}

#[test]
fn hostile_input_is_linear_and_safe() {
    for md in [
        ">".repeat(10_000),
        "*".repeat(10_000),
        "*a ".repeat(10_000),
        "[".repeat(10_000),
        "`".repeat(10_000),
        "- ".repeat(5_000),
        "a <b> &x; ".repeat(100_000),
    ] {
        let start = std::time::Instant::now();
        let html = render_own(&md);
        assert!(start.elapsed().as_secs() < 5, "slow on {:?}", &md[..20]);
        let stripped = html
            .replace("<blockquote>", "")
            .replace("</blockquote>", "")
            .replace("<p>", "")
            .replace("</p>", "")
            .replace("<em>", "")
            .replace("</em>", "")
            .replace("<strong>", "")
            .replace("</strong>", "")
            .replace("<ul>", "")
            .replace("</ul>", "")
            .replace("<li>", "")
            .replace("</li>", "")
            .replace("<code>", "")
            .replace("</code>", "")
            .replace("<hr />", "");
        assert!(
            !stripped.contains('<'),
            "unescaped < in {:?}",
            &stripped[..200.min(stripped.len())]
        );
    }
}
