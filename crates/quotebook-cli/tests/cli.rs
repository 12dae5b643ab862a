//! The `quotebook` binary as a reader runs it: arguments, files, standard streams, exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn quotebook(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quotebook"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // A command that fails before reading its input closes the pipe early: that is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("quotebook-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn convert_quote_wraps_every_line() {
    let out = quotebook(&["convert", "--quote"], b"<p>One</p><p>Two</p>");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "> One\n>\n> Two\n");
}

#[test]
fn clip_prints_the_whole_note_with_page_metadata() {
    let selection = temp_file(
        "sel.html",
        b"<p>A <em>fine</em> <a href=\"/x\">link</a>.</p>",
    );
    let page = temp_file(
        "page.html",
        br#"<html lang="en"><head><title>Doc title</title>
        <meta name="author" content="Grace Hopper"><link rel="canonical" href="/canon"></head>
        <body><p>A fine link.</p></body></html>"#,
    );
    let out = quotebook(
        &[
            "clip",
            "--url",
            "https://site.example/post?utm_source=feed",
            "--html-file",
            selection.to_str().unwrap(),
            "--page-file",
            page.to_str().unwrap(),
            "--comment",
            "Mine.",
            "--now",
            "2024-06-05T12:57:03.217Z",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "---\ntitle: Doc title\nsource: https://site.example/post\nauthor: Grace Hopper\n\
         created: 2024-06-05T12:57:03.217Z\nupdated: 2024-06-05T12:57:03.217Z\n---\n\
         https://site.example/post\n\n> A *fine* [link](https://site.example/x).\n\nMine.\n"
    );
}

/// With `--page-file`, the quote gets the deep link the extension would make: located in
/// the page's visible text (first occurrence, whitespace aside), unique in the page.
#[test]
fn clip_with_the_page_makes_the_deep_link() {
    let selection = temp_file("sel-link.html", b"<p>the  cat\n<b>sat</b> down</p>");
    let page = temp_file(
        "page-link.html",
        br#"<html><head><title>Cats</title><script>var t = "the cat sat down";</script></head>
        <body><h1>Cats</h1><p>Yesterday the cat sat down.</p><p>Today <i>the cat</i> sat
        down<br>again, and the cat sat up.</p></body></html>"#,
    );
    let run = |sel: &std::path::Path| {
        quotebook(
            &[
                "clip",
                "--url",
                "https://site.example/cats#top",
                "--html-file",
                sel.to_str().unwrap(),
                "--page-file",
                page.to_str().unwrap(),
                "--now",
                "2024-06-05T12:57:03.217Z",
                "--json",
            ],
            b"",
        )
    };
    let out = run(&selection);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let note = quotebook_core::Note::from_json(&text(&out.stdout)).unwrap();
    let quote = &note.quotes[0];
    let fragment = quote.fragment.as_deref().expect("a deep link");
    let page_text =
        "Cats\nYesterday the cat sat down.\nToday the cat sat down\nagain, and the cat sat up.";
    let d = quotebook_core::fragment::TextDirective::parse(fragment).unwrap();
    let at = page_text.find("the cat sat down").unwrap();
    assert_eq!(
        quotebook_core::fragment::find_matches(
            page_text,
            &d,
            quotebook_core::fragment::WordBounds::Unicode,
            2
        ),
        vec![(at, at + "the cat sat down".len())],
        "{fragment} selects the first occurrence alone"
    );
    let selector = quote.selector.as_ref().unwrap();
    assert_eq!(selector.exact, "the cat sat down");
    assert_eq!(selector.prefix, "Cats\nYesterday ");
    assert_eq!(selector.suffix, ".\nToday the cat sat down\nagain, ");
    assert_eq!(quote.position, Some(at));

    // A selection the page does not hold: saved all the same, without a deep link, and
    // standard error says so.
    let elsewhere = temp_file("sel-elsewhere.html", b"<p>the dog sat</p>");
    let out = run(&elsewhere);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("saved without a deep link"),
        "{}",
        text(&out.stderr)
    );
    let note = quotebook_core::Note::from_json(&text(&out.stdout)).unwrap();
    let quote = &note.quotes[0];
    assert_eq!(quote.markdown, "the dog sat");
    assert_eq!(quote.fragment, None);
    assert!(quote.selector.is_none());
}

/// The page's text dates the page and names its author where its tags do not, whether or
/// not the selection is found in it.
#[test]
fn clip_reads_the_date_and_byline_printed_by_the_headline() {
    let page = temp_file(
        "page-dateline.html",
        b"<html><head><title>Rain is back today</title></head><body>\
          <h1>Rain is back today</h1><p>By Ann Bo, 5 June 2024</p><p>It rained.</p></body></html>",
    );
    for (name, selection) in [
        ("sel-rain.html", &b"<p>It rained.</p>"[..]),
        ("sel-snow.html", &b"<p>It snowed.</p>"[..]),
    ] {
        let sel = temp_file(name, selection);
        let out = quotebook(
            &[
                "clip",
                "--url",
                "https://site.example/rain",
                "--html-file",
                sel.to_str().unwrap(),
                "--page-file",
                page.to_str().unwrap(),
                "--now",
                "2024-06-06T08:00:00Z",
                "--json",
            ],
            b"",
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let note = quotebook_core::Note::from_json(&text(&out.stdout)).unwrap();
        assert_eq!(note.authors, ["Ann Bo"], "{name}");
        assert_eq!(note.published.as_deref(), Some("2024-06-05"), "{name}");
    }
}

#[test]
fn mistakes_get_a_message_and_exit_2_never_a_panic() {
    for (args, needle) in [
        (
            &["clip", "--url", "https://a.example/"][..],
            "--html-file <SELECTION.html>",
        ),
        (
            &[
                "clip",
                "--html-file",
                "/nonexistent/x.html",
                "--url",
                "https://a.example/",
            ],
            "cannot read /nonexistent/x.html",
        ),
        (&["frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (&[], "Usage: quotebook <COMMAND>"),
        (&["convert", "--bogus"], "unexpected argument '--bogus'"),
        (
            &["render", "--tz-offset", "east"],
            "'--tz-offset <MINUTES>': takes minutes east of UTC",
        ),
        (
            &["clip", "--url", "a", "--url", "b", "--html-file", "f"],
            "cannot be used multiple times",
        ),
    ] {
        let out = quotebook(args, b"<p>x</p>");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn empty_selection_and_bad_utf8_are_explained() {
    // Converting never refuses: no text in, no text out.
    for (html, markdown) in [
        (&b"  <p> </p> "[..], ""),
        (b"", ""),
        (b"<h2></h2>", "##\n"),
        (b"<pre></pre>", "```\n```\n"),
    ] {
        let out = quotebook(&["convert"], html);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), markdown);
    }
    // Saving refuses an empty selection, and says why.
    for html in [&b"  <p> </p> "[..], b"<h2></h2>", b"<pre> </pre>"] {
        let selection = temp_file("sel-empty.html", html);
        let out = quotebook(
            &[
                "clip",
                "--url",
                "https://a.example/",
                "--html-file",
                selection.to_str().unwrap(),
            ],
            b"",
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(
            text(&out.stderr).contains("the selection is empty"),
            "{}",
            text(&out.stderr)
        );
    }
    // An image alone is a quote.
    let selection = temp_file("sel-image.html", b"<img src=\"/a.png\" alt=\"\">");
    let out = quotebook(
        &[
            "clip",
            "--url",
            "https://a.example/",
            "--html-file",
            selection.to_str().unwrap(),
            "--json",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let note = quotebook_core::Note::from_json(&text(&out.stdout)).unwrap();
    assert_eq!(note.quotes[0].markdown, "![](https://a.example/a.png)");
    let out = quotebook(&["convert"], b"<p>\xff\xfe</p>");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("UTF-8"), "{}", text(&out.stderr));
}

#[test]
fn render_reports_a_broken_template_and_still_renders() {
    let template = temp_file(
        "broken.jinja",
        b"---\ntitle: {{ title | yaml }}\n{% if %}\n",
    );
    let note = br#"{"schema":1,"id":"https://a.example/p","url":"https://a.example/p","title":"T","created":"2024-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z","quotes":[{"id":"q","markdown":"Hi","text":"Hi","created":"2024-01-01T00:00:00Z"}]}"#;
    let out = quotebook(&["render", "--template", template.to_str().unwrap()], note);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("note template, line 3, column"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).ends_with("https://a.example/p\n\n> Hi\n"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn render_through_a_custom_template() {
    let template = temp_file("custom.jinja", b"# {{ title }}\n{% for q in quotes %}- {{ q.text }} ({{ q.created | date('%d %B %Y') }})\n{% endfor %}");
    let note = br#"{"schema":2,"id":"https://a.example/p","url":"https://a.example/p","title":"T","created":"2024-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z","quotes":[{"id":"q","markdown":"Hi","text":"Hi","created":"2024-06-30T23:30:00Z"}]}"#;
    let out = quotebook(
        &[
            "render",
            "--template",
            template.to_str().unwrap(),
            "--tz-offset",
            "60",
            "--locale",
            "de",
        ],
        note,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "# T\n- Hi (01 Juli 2024)\n");
}

#[test]
fn help_and_version_print_to_standard_output_and_succeed() {
    let out = quotebook(&["--help"], b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let help = text(&out.stdout);
    for command in [
        "convert",
        "clip",
        "render",
        "export",
        "sync",
        "install-host",
        "host",
    ] {
        assert!(help.contains(&format!("  {command} ")), "{command}: {help}");
    }
    let out = quotebook(&["--version"], b"");
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        format!("quotebook {}\n", env!("CARGO_PKG_VERSION"))
    );
    // Every command has its own help, naming its arguments.
    for (command, argument) in [
        ("convert", "--base-url <URL>"),
        ("clip", "--html-file <SELECTION.html>"),
        ("render", "--tz-offset <MINUTES>"),
        ("export", "--to <OUT.zip|OUT.md|DIR>"),
        ("sync", "--dry-run"),
        ("install-host", "--browser <BROWSER>"),
        ("host", "--folder <DIR>"),
    ] {
        let out = quotebook(&[command, "--help"], b"");
        assert!(out.status.success(), "{command}: {}", text(&out.stderr));
        let help = text(&out.stdout);
        assert!(
            help.contains(&format!("Usage: quotebook {command}")),
            "{help}"
        );
        assert!(help.contains(argument), "{command}: {help}");
    }
    let out = quotebook(&["help", "sync"], b"");
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("Usage: quotebook sync"));
}

#[test]
fn a_mistyped_name_gets_a_suggestion_and_exit_2() {
    for (args, suggestion) in [
        (&["conver"][..], "a similar subcommand exists: 'convert'"),
        (
            &["sync", "--dryrun", "--to", "x"],
            "a similar argument exists: '--dry-run'",
        ),
        (
            &["install-host", "--browser", "firefx", "--folder", "x"],
            "[possible values: chrome, chromium, edge, firefox]",
        ),
    ] {
        let out = quotebook(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        let err = text(&out.stderr);
        assert!(err.contains(suggestion), "{args:?}: {err}");
    }
}

#[test]
fn convert_reads_a_file_or_standard_input() {
    let file = temp_file("page.html", b"<p>From the <b>file</b>.</p>");
    let out = quotebook(&["convert", file.to_str().unwrap()], b"<p>stdin</p>");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "From the **file**.\n");
    let out = quotebook(&["convert", "-"], b"<p>stdin</p>");
    assert_eq!(text(&out.stdout), "stdin\n");
    let out = quotebook(&["convert", "--quote", "--", file.to_str().unwrap()], b"");
    assert_eq!(text(&out.stdout), "> From the **file**.\n");
    let out = quotebook(&["convert", "/nonexistent/page.html"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read /nonexistent/page.html"));
    // One file only.
    let out = quotebook(&["convert", "a.html", "b.html"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unexpected argument 'b.html'"));
}
